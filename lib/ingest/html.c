/*
 * html.c — one article out of one saved news page (htmlextract.h, docs/extract.md).
 *
 * Steps: guard the nesting depth (html_guard.c) → gumbo, with our allocator and no error
 * records → one iterative walk that numbers the elements, collects the page's metadata
 * (meta, link, title, time, JSON-LD scripts, h1s, html lang) and its text blocks → the
 * JSON-LD article object → the main text (body.c's model, below: the element whose
 * subtree holds the most prose minus boilerplate) → the fields, strongest signal first.
 *
 * Invariants: no recursion over the tree (an explicit stack; the tree is freed by the
 * heap); every string put into the result is valid UTF-8 (gumbo gives U+FFFD for invalid
 * bytes; JSON-LD strings come from jansson, which refuses invalid UTF-8), trimmed and
 * non-empty; the body goes through kb_html_sanitize, so it holds only the allowlist.
 */
#include <ctype.h>
#include <gumbo.h>
#include <jansson.h>
#include <unicode/ucnv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "html_int.h"
#include "khabar/analyzer.h"
#include "khabar/article.h"
#include "khabar/sanitize.h"
#include "khabar/utf8.h"

#define MAX_META_LEN 4096 /* a meta value or a short text longer than this is cut */
#define MAX_JSONLD 16     /* JSON-LD scripts read */
#define MAX_JSONLD_LEN ((size_t)2 << 20)
#define MAX_H1 8
#define MAX_TIMES 8
#define MAX_DATE_TEXTS 24
#define MAX_BYLINE_TEXTS 4
#define MAX_FIGURES 8

/* ---- small helpers ------------------------------------------------------------------- */

const char *kb_html_field_name(unsigned bit)
{
    static const char *const names[KB_HF_COUNT] = {
        "headline", "lede",    "section", "byline", "published", "modified", "body",
        "image",    "caption", "credit",  "site",   "canonical", "language"};
    for (unsigned i = 0; i < KB_HF_COUNT; i++)
        if (bit == 1u << i)
            return names[i];
    return "";
}

void kb_html_missing_list(struct kb_buf *out, unsigned missing)
{
    bool first = true;
    for (unsigned i = 0; i < KB_HF_COUNT; i++) {
        if (!(missing & (1u << i)))
            continue;
        if (!first)
            kb_buf_adds(out, ", ");
        kb_buf_adds(out, kb_html_field_name(1u << i));
        first = false;
    }
}

const char *kb_html_source_name(enum kb_html_source s)
{
    switch (s) {
    case KB_HS_JSONLD:
        return "json-ld";
    case KB_HS_META:
        return "meta";
    case KB_HS_MARKUP:
        return "markup";
    case KB_HS_TEXT:
        return "text";
    case KB_HS_URL:
        return "url";
    case KB_HS_NONE:
    default:
        return "none";
    }
}

static bool ci_eq(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

static bool ci_has(const char *hay, const char *needle)
{
    return hay && strcasestr(hay, needle) != NULL;
}

/* Append s[0..n) with whitespace runs collapsed to one space; `sp` carries whether the
 * output last ended in a space (or is at its start). */
static void add_collapsed(struct kb_buf *b, const char *s, size_t n, bool *sp)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        size_t len = 1;
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            ws = true; /* NBSP */
            len = 2;
        } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   (((unsigned char)s[i + 2] >= 0x80 && (unsigned char)s[i + 2] <= 0x8A) ||
                    (unsigned char)s[i + 2] == 0xAF)) {
            ws = true; /* U+2000..U+200A, U+202F */
            len = 3;
        } else if ((c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                    (unsigned char)s[i + 2] >= 0x8B && (unsigned char)s[i + 2] <= 0x8D) ||
                   (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBB &&
                    (unsigned char)s[i + 2] == 0xBF)) {
            i += 3; /* U+200B..U+200D, U+FEFF: invisible, dropped (RLM/LRM are kept) */
            continue;
        }
        if (ws) {
            if (!*sp)
                kb_buf_addch(b, ' ');
            *sp = true;
        } else if (c < 0x20 || c == 0x7F) {
            ; /* control characters are dropped */
        } else {
            kb_buf_add(b, s + i, len);
            *sp = false;
        }
        i += len;
    }
}

/* A trimmed, collapsed, valid-UTF-8 copy of s (NULL when nothing is left). */
static char *clean_dup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    struct kb_buf b;
    kb_buf_init(&b, MAX_META_LEN * 4);
    bool sp = true;
    /* re-encode so that the copy is valid UTF-8 whatever came in */
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = kb_utf8_decode(s + i, n - i, &cp);
        char enc[4];
        size_t el = kb_utf8_encode(cp, enc);
        add_collapsed(&b, enc, el, &sp);
        i += len;
    }
    while (b.n && b.p[b.n - 1] == ' ')
        b.p[--b.n] = '\0';
    char *r = NULL;
    if (!kb_buf_err(&b) && b.n)
        r = kb_strndup(b.p, b.n);
    kb_buf_release(&b);
    return r;
}

static char *clean_cstr(const char *s)
{
    return s ? clean_dup(s, strlen(s)) : NULL;
}

/* Decode character references left in a value that was already decoded once (WordPress
 * and others escape twice: og:description "it&#8217;s"), in place: the text only shrinks. */
static void decode_again(char *s)
{
    static const struct {
        const char *name, *utf8;
    } named[] = {{"amp", "&"},
                 {"quot", "\""},
                 {"lt", "<"},
                 {"gt", ">"},
                 {"apos", "'"},
                 {"nbsp", "\xC2\xA0"},
                 {"hellip", "\xE2\x80\xA6"},
                 {"rsquo", "\xE2\x80\x99"},
                 {"lsquo", "\xE2\x80\x98"},
                 {"ldquo", "\xE2\x80\x9C"},
                 {"rdquo", "\xE2\x80\x9D"},
                 {"ndash", "\xE2\x80\x93"},
                 {"mdash", "\xE2\x80\x94"}};
    char *w = s;
    for (const char *r = s; *r;) {
        if (*r == '&') {
            const char *semi = strchr(r, ';');
            if (semi && semi - r <= 9) {
                size_t len = (size_t)(semi - r - 1);
                char enc[4];
                size_t el = 0;
                if (r[1] == '#') {
                    unsigned long cp = 0;
                    bool hex = r[2] == 'x' || r[2] == 'X';
                    const char *q = r + (hex ? 3 : 2);
                    bool ok = q < semi;
                    for (; q < semi && ok; q++) {
                        int dv = isdigit((unsigned char)*q) ? *q - '0'
                                 : hex && isxdigit((unsigned char)*q)
                                     ? tolower((unsigned char)*q) - 'a' + 10
                                     : -1;
                        ok = dv >= 0 && cp < 0x110000;
                        cp = cp * (hex ? 16 : 10) + (unsigned long)(dv < 0 ? 0 : dv);
                    }
                    if (ok && cp >= 0x20 && cp < 0x110000 && !(cp >= 0xD800 && cp <= 0xDFFF))
                        el = kb_utf8_encode((uint32_t)cp, enc);
                } else {
                    for (size_t k = 0; k < sizeof(named) / sizeof(named[0]) && !el; k++)
                        if (strlen(named[k].name) == len && strncmp(r + 1, named[k].name, len) == 0)
                            memcpy(enc, named[k].utf8, el = strlen(named[k].utf8));
                }
                if (el && el <= (size_t)(semi - r + 1)) {
                    memcpy(w, enc, el);
                    w += el;
                    r = semi + 1;
                    continue;
                }
            }
        }
        *w++ = *r++;
    }
    *w = '\0';
}

/* Meta and JSON-LD values: decoded again, collapsed, trimmed. */
static void set_once(char **dst, const char *s)
{
    if (*dst || !s)
        return;
    char *tmp = kb_strdup(s);
    decode_again(tmp);
    *dst = clean_cstr(tmp);
    free(tmp);
}

/* Normalized form for comparisons: the analyzer's folding, then only letters and digits
 * separated by single spaces. */
static void norm_key(struct kb_buf *out, const char *s)
{
    struct kb_buf t;
    kb_buf_init(&t, 1 << 20);
    kb_normalize(&t, s, strlen(s));
    const char *p = kb_buf_cstr(&t);
    bool sp = true;
    for (size_t i = 0; i < t.n;) {
        uint32_t cp;
        size_t len = kb_utf8_decode(p + i, t.n - i, &cp);
        bool alnum = (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || cp >= 0xC0;
        if (cp == 0xFFFD || cp == 0x2013 || cp == 0x2014 || cp == 0x2018 || cp == 0x2019 ||
            cp == 0x201C || cp == 0x201D || cp == 0xAB || cp == 0xBB || cp == 0x2026 ||
            cp == 0x060C || cp == 0x061F || cp == 0x061B)
            alnum = false;
        if (alnum) {
            kb_buf_add(out, p + i, len);
            sp = false;
        } else if (!sp) {
            kb_buf_addch(out, ' ');
            sp = true;
        }
        i += len;
    }
    while (out->n && out->p[out->n - 1] == ' ')
        out->p[--out->n] = '\0';
    kb_buf_release(&t);
}

static bool same_text(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    struct kb_buf x, y;
    kb_buf_init(&x, 1 << 20);
    kb_buf_init(&y, 1 << 20);
    norm_key(&x, a);
    norm_key(&y, b);
    bool eq = x.n > 0 && x.n == y.n && memcmp(x.p, y.p, x.n) == 0;
    kb_buf_release(&x);
    kb_buf_release(&y);
    return eq;
}

/* ---- URLs ------------------------------------------------------------------------------ */

static bool is_http(const char *u)
{
    return u && (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0);
}

/* Resolve `ref` against the absolute http(s) `base` (may be NULL); NULL when it cannot be
 * made an absolute http(s) URL. */
static char *resolve_url(const char *base, const char *ref)
{
    if (!ref)
        return NULL;
    while (*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r')
        ref++;
    if (!*ref || strlen(ref) > 2000)
        return NULL;
    char *r = NULL;
    if (is_http(ref)) {
        r = clean_cstr(ref);
    } else if (base && is_http(base)) {
        const char *hs = strstr(base, "://") + 3;
        const char *pe = hs + strcspn(hs, "/?#"); /* end of scheme://host */
        struct kb_buf b;
        kb_buf_init(&b, 4200);
        if (ref[0] == '/' && ref[1] == '/') {
            kb_buf_add(&b, base, (size_t)(hs - 3 - base));
            kb_buf_addch(&b, ':');
            kb_buf_adds(&b, ref);
        } else if (ref[0] == '/') {
            kb_buf_add(&b, base, (size_t)(pe - base));
            kb_buf_adds(&b, ref);
        } else if (ref[0] == '#' || ref[0] == '?') {
            kb_buf_add(&b, base, strcspn(base, ref[0] == '#' ? "#" : "?#"));
            kb_buf_adds(&b, ref);
        } else if (strchr(ref, ':') && strcspn(ref, ":") < strcspn(ref, "/?#")) {
            ; /* another scheme: javascript:, mailto:, data: */
        } else {
            size_t path_end = strcspn(base, "?#");
            const char *slash = NULL;
            for (const char *q = pe; q < base + path_end; q++)
                if (*q == '/')
                    slash = q;
            if (slash)
                kb_buf_add(&b, base, (size_t)(slash - base) + 1);
            else {
                kb_buf_add(&b, base, (size_t)(pe - base));
                kb_buf_addch(&b, '/');
            }
            while (strncmp(ref, "./", 2) == 0)
                ref += 2;
            kb_buf_adds(&b, ref);
        }
        if (!kb_buf_err(&b) && b.n)
            r = clean_cstr(kb_buf_cstr(&b));
        kb_buf_release(&b);
    }
    if (r && strchr(r, ' ')) { /* a URL holds no spaces: encode them */
        struct kb_buf b;
        kb_buf_init(&b, 8000);
        for (const char *q = r; *q; q++) {
            if (*q == ' ')
                kb_buf_adds(&b, "%20");
            else
                kb_buf_addch(&b, *q);
        }
        free(r);
        r = kb_buf_err(&b) ? NULL : kb_strdup(kb_buf_cstr(&b));
        kb_buf_release(&b);
    }
    return r;
}

/* ---- the tree walk ------------------------------------------------------------------- */

enum elflag {
    EL_NEG = 1u << 0,  /* boilerplate by name: counted against, never output */
    EL_EXCL = 1u << 1, /* not body (header, figure): neither for nor against */
    EL_LINK = 1u << 2, /* inside <a> */
    EL_POS = 1u << 3,  /* class/id/itemprop says article body */
    EL_LIST = 1u << 4, /* ul/ol */
    EL_OL = 1u << 5,
    EL_FIGURE = 1u << 6,
    EL_CAPTION = 1u << 7,
    EL_SKIP = 1u << 8, /* not shown (head, script, hidden): read for metadata only */
};

struct el {
    const GumboNode *node;
    int parent;
    int last;         /* the last descendant's id */
    unsigned own;     /* the element's own flags */
    unsigned flags;   /* own + inherited, after resolve_flags */
    double good, bad; /* of the subtree, after the sums */
};

enum bkind { BK_P, BK_H2, BK_H3, BK_LI };

struct blk {
    enum bkind kind;
    int owner;                 /* element id of the p/h/li, or the container of an anonymous run */
    int list;                  /* the nearest ul/ol element id, or -1 */
    int src;                   /* the element the block's first text is in */
    unsigned flags;            /* src's flags (resolve_flags) */
    size_t text_off, text_len; /* in page.text */
    size_t html_off, html_len; /* in page.html */
    size_t chars, link_chars;
    double good, bad;
    bool keep;
    bool anon;     /* an anonymous run of text in a container, not a p/h/li */
    bool dateline; /* a short line that is a date (not body; a date candidate) */
};

struct figure {
    int el;
    char *src, *alt, *caption;
};

struct page {
    const char *base; /* for resolving links while walking: page_url */
    struct el *els;
    size_t nels, cap_els;
    struct blk *blks;
    size_t nblks, cap_blks;
    struct kb_buf text, html; /* every block's text and inline HTML */
    /* metadata */
    char *lang, *title, *canonical, *content_lang;
    char *og_title, *og_desc, *og_site, *og_url, *og_image, *og_image_alt, *og_locale;
    char *tw_title, *tw_desc, *tw_image;
    char *art_published, *art_modified, *art_section, *art_author;
    char *meta_desc, *meta_author, *meta_pubdate, *meta_moddate, *meta_section, *meta_app;
    char *ip_published, *ip_modified, *ip_headline, *ip_author; /* itemprop */
    struct kb_buf jsonld[MAX_JSONLD];
    size_t njsonld;
    char *h1[MAX_H1];
    int h1_el[MAX_H1];
    size_t nh1;
    char *times[MAX_TIMES]; /* <time datetime> values, pubdate/published ones first */
    int time_el[MAX_TIMES];
    size_t ntimes;
    char *date_texts[MAX_DATE_TEXTS]; /* short texts of date-named elements */
    int date_el[MAX_DATE_TEXTS];
    size_t ndate_texts;
    char *byline_texts[MAX_BYLINE_TEXTS];
    size_t nbyline_texts;
    struct figure figs[MAX_FIGURES];
    size_t nfigs;
};

static const char *attr(const GumboNode *n, const char *name)
{
    const GumboAttribute *a = gumbo_get_attribute(&n->v.element.attributes, name);
    return a ? a->value : NULL;
}

/* Tag names whose subtree is never text of the page. */
static bool skip_tag(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_MAP:
        return true;
    default:
        return false;
    }
}

static bool inline_tag(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_A:
    case GUMBO_TAG_B:
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_I:
    case GUMBO_TAG_EM:
    case GUMBO_TAG_SPAN:
    case GUMBO_TAG_FONT:
    case GUMBO_TAG_SMALL:
    case GUMBO_TAG_BIG:
    case GUMBO_TAG_U:
    case GUMBO_TAG_S:
    case GUMBO_TAG_STRIKE:
    case GUMBO_TAG_SUB:
    case GUMBO_TAG_SUP:
    case GUMBO_TAG_ABBR:
    case GUMBO_TAG_ACRONYM:
    case GUMBO_TAG_CITE:
    case GUMBO_TAG_Q:
    case GUMBO_TAG_MARK:
    case GUMBO_TAG_TIME:
    case GUMBO_TAG_CODE:
    case GUMBO_TAG_LABEL:
    case GUMBO_TAG_BDI:
    case GUMBO_TAG_BDO:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_WBR:
    case GUMBO_TAG_DFN:
    case GUMBO_TAG_KBD:
    case GUMBO_TAG_SAMP:
    case GUMBO_TAG_VAR:
    case GUMBO_TAG_INS:
    case GUMBO_TAG_DEL:
    case GUMBO_TAG_NOBR:
    case GUMBO_TAG_TT:
    case GUMBO_TAG_UNKNOWN: /* custom elements are mostly inline wrappers */
        return true;
    default:
        return false;
    }
}

/* ---- class and id names ---------------------------------------------------------------- */

/* Words in class/id that mark boilerplate, matched as whole tokens (split on anything
 * but letters and digits, and on camelCase). */
static const char *const neg_tokens[] = {"ad",        "ads",           "adv",
                                         "advert",    "advertisement", "advertising",
                                         "banner",    "breadcrumb",    "breadcrumbs",
                                         "comment",   "comments",      "disqus",
                                         "footer",    "share",         "shares",
                                         "sharing",   "social",        "sidebar",
                                         "related",   "recommended",   "recommendations",
                                         "promo",     "promoted",      "newsletter",
                                         "subscribe", "subscription",  "widget",
                                         "popup",     "modal",         "cookie",
                                         "cookies",   "outbrain",      "taboola",
                                         "nav",       "navbar",        "navigation",
                                         "menu",      "trending",      "popular",
                                         "tags",      "tag",           "masthead",
                                         "sponsored", "sponsor",       "toolbar",
                                         "login",     "signup",        "most",
                                         "mostread",  "more",          "readmore",
                                         "rail",      "aside",         "pagination",
                                         "pager",     "paywall",       "consent",
                                         "gdpr",      "jump",          "keywords",
                                         "topics",    "teaser",        "teasers",
                                         "latest",    "listing",       "follow",
                                         "author",    "byline",        "dateline",
                                         "sronly",    "caption",       "credit",
                                         "tools",     "toc",           NULL};
static const char *const pos_tokens[] = {"article", "body",        "content", "entry",  "main",
                                         "post",    "story",       "text",    "detail", "details",
                                         "news",    "articlebody", NULL};

static bool in_set(const char *w, size_t n, const char *const *set)
{
    for (; *set; set++)
        if (strlen(*set) == n && strncmp(*set, w, n) == 0)
            return true;
    return false;
}

/* Score a class or id value: bit 1 negative token, bit 2 positive token. */
static unsigned name_tokens(const char *v)
{
    unsigned r = 0;
    if (!v)
        return 0;
    char w[40];
    size_t n = 0;
    for (const char *p = v;; p++) {
        char c = *p;
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        bool upper = c >= 'A' && c <= 'Z';
        if (upper && n > 0 && !(p[-1] >= 'A' && p[-1] <= 'Z')) { /* camelCase boundary */
            if (in_set(w, n, neg_tokens))
                r |= 1;
            if (in_set(w, n, pos_tokens))
                r |= 2;
            n = 0;
        }
        if (alnum || upper) {
            if (n < sizeof(w))
                w[n++] = upper ? (char)(c - 'A' + 'a') : c;
            continue;
        }
        if (n && n <= sizeof(w)) {
            if (in_set(w, n, neg_tokens))
                r |= 1;
            if (in_set(w, n, pos_tokens))
                r |= 2;
        }
        n = 0;
        if (!c)
            break;
    }
    return r;
}

static bool hidden(const GumboNode *n)
{
    if (attr(n, "hidden"))
        return true;
    const char *ah = attr(n, "aria-hidden");
    if (ah && ci_eq(ah, "true"))
        return true;
    const char *st = attr(n, "style");
    if (st) {
        char compact[200];
        size_t k = 0;
        for (const char *p = st; *p && k + 1 < sizeof(compact); p++)
            if (*p != ' ' && *p != '\t' && *p != '\n')
                compact[k++] = (char)tolower((unsigned char)*p);
        compact[k] = '\0';
        if (strstr(compact, "display:none") || strstr(compact, "visibility:hidden"))
            return true;
    }
    const char *cls = attr(n, "class");
    if (cls) { /* whole class tokens that mean display:none */
        static const char *const hide[] = {"d-none", "hidden", "hide", "is-hidden", "invisible"};
        for (size_t k = 0; k < sizeof(hide) / sizeof(hide[0]); k++) {
            size_t m = strlen(hide[k]);
            for (const char *q = strstr(cls, hide[k]); q; q = strstr(q + 1, hide[k]))
                if ((q == cls || q[-1] == ' ') && (q[m] == '\0' || q[m] == ' '))
                    return true;
        }
    }
    if (cls && (ci_has(cls, "sr-only") || ci_has(cls, "visually-hidden") ||
                ci_has(cls, "screen-reader") || ci_has(cls, "visuallyhidden")))
        return true;
    return false;
}

/* Flags an element adds to what it inherits. */
static unsigned own_flags(const GumboNode *n)
{
    GumboTag t = n->v.element.tag;
    unsigned f = 0;
    switch (t) {
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_FORM: /* a search or sign-up form; whole-page ASP.NET forms: see below */
        f |= EL_NEG;
        break;
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_H1:
        f |= EL_EXCL;
        break;
    case GUMBO_TAG_FIGURE:
        f |= EL_EXCL | EL_FIGURE;
        break;
    case GUMBO_TAG_FIGCAPTION:
        f |= EL_EXCL | EL_CAPTION;
        break;
    case GUMBO_TAG_A:
        f |= EL_LINK;
        break;
    case GUMBO_TAG_UL:
        f |= EL_LIST;
        break;
    case GUMBO_TAG_OL:
        f |= EL_LIST | EL_OL;
        break;
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
        f |= EL_POS;
        break;
    default:
        break;
    }
    if (t == GUMBO_TAG_FORM && n->v.element.children.length > 0) {
        /* ASP.NET pages wrap the whole page in one form: a form holding the page's main
         * structure is not boilerplate. */
        const char *id = attr(n, "id");
        const char *action = attr(n, "action");
        if ((id && (ci_has(id, "form1") || ci_has(id, "aspnet"))) ||
            (action && ci_has(action, ".aspx")))
            f &= ~EL_NEG;
    }
    unsigned c = name_tokens(attr(n, "class")) | name_tokens(attr(n, "id"));
    const char *role = attr(n, "role");
    if (role && (ci_eq(role, "navigation") || ci_eq(role, "complementary") ||
                 ci_eq(role, "contentinfo") || ci_eq(role, "menu") || ci_eq(role, "menubar") ||
                 ci_eq(role, "dialog") || ci_eq(role, "banner") || ci_eq(role, "alert")))
        c |= 1;
    const char *ip = attr(n, "itemprop");
    if (ip && (ci_has(ip, "articleBody") || ci_eq(ip, "text")))
        c |= 2, f |= EL_POS;
    if (role && (ci_eq(role, "main") || ci_eq(role, "article")))
        c |= 2;
    bool top = t == GUMBO_TAG_HTML || t == GUMBO_TAG_BODY || t == GUMBO_TAG_MAIN ||
               t == GUMBO_TAG_ARTICLE; /* class names there describe the page, not a part */
    if ((c & 1) && !(c & 2) && !top)
        f |= EL_NEG;
    if (c & 2)
        f |= EL_POS;
    return f;
}

/* ---- collecting text and metadata ------------------------------------------------------- */

/* The text of a subtree, collapsed (iterative; scripts and hidden parts skipped). */
static char *node_text(const GumboNode *root, size_t max)
{
    struct kb_buf b;
    kb_buf_init(&b, max);
    bool sp = true;
    const GumboNode **stack = kb_malloc(sizeof(*stack) * 64);
    size_t *idx = kb_malloc(sizeof(*idx) * 64);
    size_t depth = 0, cap = 64;
    stack[0] = root;
    idx[0] = 0;
    depth = 1;
    while (depth && !kb_buf_err(&b)) {
        const GumboNode *n = stack[depth - 1];
        if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
            n->type == GUMBO_NODE_CDATA) {
            /* no more than the cap can hold: a huge text node costs no more than that */
            add_collapsed(&b, n->v.text.text, strnlen(n->v.text.text, max + 1), &sp);
            depth--;
            continue;
        }
        if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) {
            depth--;
            continue;
        }
        const GumboVector *kids = &n->v.element.children;
        size_t i = idx[depth - 1];
        if (i == 0 && n != root && (skip_tag(n->v.element.tag) || hidden(n))) {
            depth--;
            continue;
        }
        if (i == 0 && n->v.element.tag == GUMBO_TAG_BR)
            add_collapsed(&b, " ", 1, &sp);
        if (i >= kids->length) {
            if (!inline_tag(n->v.element.tag))
                add_collapsed(&b, " ", 1, &sp);
            depth--;
            continue;
        }
        idx[depth - 1] = i + 1;
        if (depth == cap) {
            cap *= 2;
            stack = kb_realloc(stack, sizeof(*stack) * cap);
            idx = kb_realloc(idx, sizeof(*idx) * cap);
        }
        stack[depth] = kids->data[i];
        idx[depth] = 0;
        depth++;
    }
    free(stack);
    free(idx);
    char *r = clean_dup(kb_buf_cstr(&b), b.n);
    kb_buf_release(&b);
    return r;
}

static void meta_tag(struct page *pg, const GumboNode *n)
{
    const char *content = attr(n, "content");
    if (!content)
        return;
    const char *prop = attr(n, "property");
    const char *name = attr(n, "name");
    const char *ip = attr(n, "itemprop");
    const char *he = attr(n, "http-equiv");
    const char *k = prop ? prop : name;
    if (k) {
        if (ci_eq(k, "og:title"))
            set_once(&pg->og_title, content);
        else if (ci_eq(k, "og:description"))
            set_once(&pg->og_desc, content);
        else if (ci_eq(k, "og:site_name"))
            set_once(&pg->og_site, content);
        else if (ci_eq(k, "og:url"))
            set_once(&pg->og_url, content);
        else if (ci_eq(k, "og:image") || ci_eq(k, "og:image:url") ||
                 ci_eq(k, "og:image:secure_url"))
            set_once(&pg->og_image, content);
        else if (ci_eq(k, "og:image:alt"))
            set_once(&pg->og_image_alt, content);
        else if (ci_eq(k, "og:locale"))
            set_once(&pg->og_locale, content);
        else if (ci_eq(k, "twitter:title"))
            set_once(&pg->tw_title, content);
        else if (ci_eq(k, "twitter:description"))
            set_once(&pg->tw_desc, content);
        else if (ci_eq(k, "twitter:image") || ci_eq(k, "twitter:image:src"))
            set_once(&pg->tw_image, content);
        else if (ci_eq(k, "article:published_time") || ci_eq(k, "og:published_time") ||
                 ci_eq(k, "article:published"))
            set_once(&pg->art_published, content);
        else if (ci_eq(k, "article:modified_time") || ci_eq(k, "og:updated_time") ||
                 ci_eq(k, "article:modified"))
            set_once(&pg->art_modified, content);
        else if (ci_eq(k, "article:section"))
            set_once(&pg->art_section, content);
        else if (ci_eq(k, "article:author"))
            set_once(&pg->art_author, content);
        else if (ci_eq(k, "description"))
            set_once(&pg->meta_desc, content);
        else if (ci_eq(k, "author") || ci_eq(k, "byl") || ci_eq(k, "byline") ||
                 ci_eq(k, "dc.creator") || ci_eq(k, "sailthru.author") ||
                 ci_eq(k, "parsely-author"))
            set_once(&pg->meta_author, content);
        else if (ci_eq(k, "pubdate") || ci_eq(k, "publishdate") || ci_eq(k, "publish-date") ||
                 ci_eq(k, "publish_date") || ci_eq(k, "date") || ci_eq(k, "dc.date") ||
                 ci_eq(k, "dc.date.issued") || ci_eq(k, "dcterms.created") ||
                 ci_eq(k, "dcterms.issued") || ci_eq(k, "sailthru.date") ||
                 ci_eq(k, "parsely-pub-date") || ci_eq(k, "article.published") ||
                 ci_eq(k, "datepublished") || ci_eq(k, "original-publish-date") ||
                 ci_eq(k, "article_date_original") || ci_eq(k, "cxenseparse:recs:publishtime") ||
                 ci_eq(k, "displaydate") || ci_eq(k, "published_time"))
            set_once(&pg->meta_pubdate, content);
        else if (ci_eq(k, "lastmod") || ci_eq(k, "last-modified") || ci_eq(k, "datemodified") ||
                 ci_eq(k, "dcterms.modified") || ci_eq(k, "article.updated"))
            set_once(&pg->meta_moddate, content);
        else if (ci_eq(k, "section") || ci_eq(k, "category") || ci_eq(k, "parsely-section") ||
                 ci_eq(k, "sailthru.section"))
            set_once(&pg->meta_section, content);
        else if (ci_eq(k, "application-name") || ci_eq(k, "apple-mobile-web-app-title"))
            set_once(&pg->meta_app, content);
        else if (ci_eq(k, "language") || ci_eq(k, "content-language") || ci_eq(k, "dc.language"))
            set_once(&pg->content_lang, content);
    }
    if (ip) {
        if (ci_eq(ip, "datePublished"))
            set_once(&pg->ip_published, content);
        else if (ci_eq(ip, "dateModified"))
            set_once(&pg->ip_modified, content);
        else if (ci_eq(ip, "headline"))
            set_once(&pg->ip_headline, content);
    }
    if (he && ci_eq(he, "content-language"))
        set_once(&pg->content_lang, content);
}

static bool date_named(const GumboNode *n)
{
    const char *c = attr(n, "class"), *id = attr(n, "id"), *ip = attr(n, "itemprop");
    const char *keys[] = {"date", "time", "publish", "posted", "created", "tarikh", "dateline"};
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
        if (ci_has(c, keys[k]) || ci_has(id, keys[k]) || ci_has(ip, keys[k]))
            return true;
    return false;
}

static bool byline_named(const GumboNode *n)
{
    const char *c = attr(n, "class"), *id = attr(n, "id"), *rel = attr(n, "rel");
    const char *ip = attr(n, "itemprop");
    return ci_has(c, "byline") || ci_has(c, "author") || ci_has(id, "byline") ||
           ci_has(id, "author") || (rel && ci_eq(rel, "author")) || (ip && ci_eq(ip, "author"));
}

/* Everything noted on entering an element, before its children. */
static void note_element(struct page *pg, const GumboNode *n, int id, unsigned inherited)
{
    GumboTag t = n->v.element.tag;
    switch (t) {
    case GUMBO_TAG_HTML:
        set_once(&pg->lang, attr(n, "lang") ? attr(n, "lang") : attr(n, "xml:lang"));
        break;
    case GUMBO_TAG_META:
        meta_tag(pg, n);
        break;
    case GUMBO_TAG_LINK: {
        const char *rel = attr(n, "rel");
        if (rel && ci_eq(rel, "canonical")) {
            set_once(&pg->canonical, attr(n, "href"));
            if (!pg->base && is_http(pg->canonical))
                pg->base = pg->canonical; /* links in the body resolve against it */
        }
        break;
    }
    case GUMBO_TAG_TITLE:
        if (!pg->title)
            pg->title = node_text(n, MAX_META_LEN);
        break;
    case GUMBO_TAG_SCRIPT: {
        const char *type = attr(n, "type");
        if (type && ci_has(type, "ld+json") && pg->njsonld < MAX_JSONLD &&
            n->v.element.children.length > 0) {
            const GumboNode *c = n->v.element.children.data[0];
            if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE ||
                c->type == GUMBO_NODE_CDATA) {
                struct kb_buf *b = &pg->jsonld[pg->njsonld];
                kb_buf_init(b, MAX_JSONLD_LEN);
                kb_buf_adds(b, c->v.text.text);
                if (kb_buf_err(b))
                    kb_buf_release(b);
                else
                    pg->njsonld++;
            }
        }
        break;
    }
    case GUMBO_TAG_H1:
        if (pg->nh1 < MAX_H1 && !(inherited & (EL_NEG | EL_SKIP))) {
            char *s = node_text(n, MAX_META_LEN);
            if (s) {
                pg->h1_el[pg->nh1] = id;
                pg->h1[pg->nh1++] = s;
            }
        }
        break;
    case GUMBO_TAG_TIME: {
        const char *dt = attr(n, "datetime");
        if (!dt || pg->ntimes >= MAX_TIMES || (inherited & EL_NEG))
            break;
        pg->time_el[pg->ntimes] = id;
        pg->times[pg->ntimes++] = clean_cstr(dt);
        if (!pg->times[pg->ntimes - 1])
            pg->ntimes--;
        break;
    }
    case GUMBO_TAG_IMG:
        if (pg->nfigs && (inherited & EL_FIGURE)) {
            struct figure *f = &pg->figs[pg->nfigs - 1];
            if (!f->src) {
                const char *src = attr(n, "src");
                const char *ds = attr(n, "data-src");
                if ((!src || strncmp(src, "data:", 5) == 0) && ds)
                    src = ds;
                f->src = resolve_url(pg->base, src);
                set_once(&f->alt, attr(n, "alt"));
            }
        }
        break;
    case GUMBO_TAG_FIGURE:
        if (pg->nfigs < MAX_FIGURES && !(inherited & EL_NEG))
            pg->figs[pg->nfigs++] = (struct figure){.el = id};
        break;
    case GUMBO_TAG_FIGCAPTION:
        if (pg->nfigs && (inherited & EL_FIGURE) && !pg->figs[pg->nfigs - 1].caption)
            pg->figs[pg->nfigs - 1].caption = node_text(n, MAX_META_LEN);
        break;
    default:
        break;
    }
    const char *ip = attr(n, "itemprop");
    if (ip && t != GUMBO_TAG_META) {
        if (ci_eq(ip, "datePublished"))
            set_once(&pg->ip_published,
                     attr(n, "datetime") ? attr(n, "datetime") : attr(n, "content"));
        else if (ci_eq(ip, "dateModified"))
            set_once(&pg->ip_modified,
                     attr(n, "datetime") ? attr(n, "datetime") : attr(n, "content"));
    }
    if (inherited & EL_SKIP)
        return;
    if (t != GUMBO_TAG_HTML && t != GUMBO_TAG_BODY && !(inherited & EL_NEG) && date_named(n) &&
        pg->ndate_texts < MAX_DATE_TEXTS) {
        char *s = node_text(n, 600);
        if (s && strlen(s) <= 300) {
            pg->date_el[pg->ndate_texts] = id;
            pg->date_texts[pg->ndate_texts++] = s;
        } else {
            free(s);
        }
    }
    if (t != GUMBO_TAG_HTML && t != GUMBO_TAG_BODY && t != GUMBO_TAG_META && t != GUMBO_TAG_LINK &&
        byline_named(n) && pg->nbyline_texts < MAX_BYLINE_TEXTS) {
        char *s = node_text(n, 600);
        if (s && strlen(s) <= 120)
            pg->byline_texts[pg->nbyline_texts++] = s;
        else
            free(s);
    }
}

/* ---- blocks ---------------------------------------------------------------------------- */

struct frame {
    const GumboNode *node;
    size_t next;     /* next child index */
    int id;          /* element id, -1 for non-elements */
    unsigned flags;  /* inherited + own */
    int container;   /* nearest block-level element id (for anonymous runs) */
    int list;        /* nearest ul/ol */
    int open_inline; /* 1 when this inline element wrote an opening tag into the block */
};

struct cur {
    int blk;         /* index of the block being filled, -1 when none */
    bool sp;         /* text so far ends in a space */
    int inline_open; /* opening tags written into this block and not closed */
    size_t link_depth;
};

static void el_push(struct page *pg, const GumboNode *n, int parent, unsigned flags, unsigned own)
{
    if (pg->nels == pg->cap_els) {
        pg->cap_els = pg->cap_els ? pg->cap_els * 2 : 256;
        pg->els = kb_realloc(pg->els, sizeof(*pg->els) * pg->cap_els);
    }
    pg->els[pg->nels] =
        (struct el){.node = n, .parent = parent, .last = (int)pg->nels, .flags = flags, .own = own};
    pg->nels++;
}

static int blk_open(struct page *pg, enum bkind kind, int owner, int list, int src)
{
    if (pg->nblks == pg->cap_blks) {
        pg->cap_blks = pg->cap_blks ? pg->cap_blks * 2 : 128;
        pg->blks = kb_realloc(pg->blks, sizeof(*pg->blks) * pg->cap_blks);
    }
    pg->blks[pg->nblks] = (struct blk){.kind = kind,
                                       .owner = owner,
                                       .list = list,
                                       .src = src,
                                       .text_off = pg->text.n,
                                       .html_off = pg->html.n};
    return (int)pg->nblks++;
}

/* Close the block being filled: trim, count, and forget it when it holds no text. */
static void blk_close(struct page *pg, struct cur *c)
{
    if (c->blk < 0)
        return;
    struct blk *b = &pg->blks[c->blk];
    while (c->inline_open > 0) {
        kb_buf_adds(&pg->html, "</a>"); /* only links are written as inline tags */
        c->inline_open--;
    }
    while (pg->text.n > b->text_off && pg->text.p[pg->text.n - 1] == ' ')
        pg->text.n--;
    if (pg->text.p)
        pg->text.p[pg->text.n] = '\0';
    b->text_len = pg->text.n - b->text_off;
    for (;;) { /* trailing spaces and <br>s end nothing */
        if (pg->html.n > b->html_off && pg->html.p[pg->html.n - 1] == ' ')
            pg->html.p[--pg->html.n] = '\0';
        else if (pg->html.n >= b->html_off + 4 &&
                 memcmp(pg->html.p + pg->html.n - 4, "<br>", 4) == 0)
            pg->html.p[pg->html.n -= 4] = '\0';
        else
            break;
    }
    b->html_len = pg->html.n - b->html_off;
    if (b->text_len == 0) {
        pg->html.n = b->html_off;
        if (pg->html.p)
            pg->html.p[pg->html.n] = '\0';
        pg->nblks--;
    }
    c->blk = -1;
    c->sp = true;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((s[i] & 0xC0) != 0x80 && s[i] != ' ')
            k++;
    return k;
}

static void add_text(struct page *pg, struct cur *c, const char *s, int container, int list,
                     int src)
{
    if (c->blk < 0) {
        bool blank = true;
        for (const char *q = s; *q && blank; q++)
            if (!(*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r' || *q == '\f'))
                blank = false;
        if (blank)
            return;
        c->blk = blk_open(pg, BK_P, container, list, src);
        pg->blks[c->blk].anon = true;
        c->sp = true;
    }
    size_t before = pg->text.n;
    add_collapsed(&pg->text, s, strlen(s), &c->sp);
    size_t added = pg->text.n - before;
    kb_buf_add_html(&pg->html, pg->text.p + before, added);
    size_t chars = count_chars(pg->text.p + before, added);
    pg->blks[c->blk].chars += chars;
    if (c->link_depth)
        pg->blks[c->blk].link_chars += chars;
}

static enum bkind block_kind(GumboTag t, bool *text_block)
{
    *text_block = true;
    switch (t) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIGCAPTION:
        return BK_P;
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
        return BK_H2;
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
        return BK_H3;
    case GUMBO_TAG_LI:
        return BK_LI;
    default:
        *text_block = false;
        return BK_P;
    }
}

static void walk(struct page *pg, const GumboNode *root)
{
    size_t cap = 128, depth = 0;
    struct frame *st = kb_malloc(sizeof(*st) * cap);
    struct cur c = {.blk = -1, .sp = true};
    st[depth++] = (struct frame){.node = root, .id = -1, .container = -1, .list = -1};
    while (depth) {
        struct frame *f = &st[depth - 1];
        const GumboNode *n = f->node;
        if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA ||
            n->type == GUMBO_NODE_WHITESPACE) {
            struct frame *parent = &st[depth - 2];
            if (!(parent->flags & EL_SKIP))
                add_text(pg, &c, n->v.text.text, parent->container, parent->list,
                         parent->id >= 0 ? parent->id : parent->container);
            depth--;
            continue;
        }
        const GumboVector *kids =
            n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children : &n->v.element.children;
        if (n->type != GUMBO_NODE_DOCUMENT && n->type != GUMBO_NODE_ELEMENT &&
            n->type != GUMBO_NODE_TEMPLATE) {
            depth--;
            continue;
        }
        bool is_el = n->type != GUMBO_NODE_DOCUMENT;
        GumboTag tag = is_el ? n->v.element.tag : GUMBO_TAG_UNKNOWN;
        bool text_block = false;
        enum bkind kind = is_el ? block_kind(tag, &text_block) : BK_P;
        bool block_level = is_el && !inline_tag(tag);
        if (f->next == 0 && is_el) {
            /* entering the element */
            const struct frame *parent = &st[depth - 2];
            unsigned inh = parent->flags & ~(unsigned)(EL_LIST | EL_OL);
            f->id = (int)pg->nels;
            note_element(pg, n, f->id, inh);
            unsigned own = own_flags(n);
            if (skip_tag(tag) || hidden(n))
                own |= EL_SKIP;
            f->flags = inh | own;
            el_push(pg, n, parent->id, f->flags, own);
            f->container = block_level ? f->id : parent->container;
            f->list = (f->flags & EL_LIST) ? f->id : parent->list;
            if (f->flags & EL_SKIP) {
                ; /* no text from here */
            } else if (block_level) {
                blk_close(pg, &c);
                if (text_block) {
                    c.blk = blk_open(pg, kind, f->id, f->list, f->id);
                    c.sp = true;
                }
            } else if (tag == GUMBO_TAG_BR) {
                if (c.blk >= 0 && pg->blks[c.blk].anon)
                    blk_close(pg, &c); /* <br> splits an anonymous run into paragraphs */
                else if (c.blk >= 0 && !c.sp) {
                    kb_buf_adds(&pg->html, "<br>");
                    add_collapsed(&pg->text, " ", 1, &c.sp);
                }
            } else if (tag == GUMBO_TAG_A) {
                c.link_depth++;
                const char *href = attr(n, "href");
                char *abs = href ? resolve_url(pg->base, href) : NULL;
                if (abs && c.blk >= 0 && c.inline_open == 0) {
                    kb_buf_adds(&pg->html, "<a href=\"");
                    kb_buf_adds_html(&pg->html, abs);
                    kb_buf_adds(&pg->html, "\">");
                    c.inline_open++;
                    f->open_inline = 1;
                }
                free(abs);
            }
        } else if (f->next == 0) {
            f->id = -1;
            f->container = -1;
            f->list = -1;
        }
        if (f->next < kids->length) {
            const GumboNode *child = kids->data[f->next++];
            if (depth == cap) {
                cap *= 2;
                st = kb_realloc(st, sizeof(*st) * cap);
                f = &st[depth - 1];
            }
            st[depth++] = (struct frame){.node = child,
                                         .id = -1,
                                         .flags = f->flags,
                                         .container = f->container,
                                         .list = f->list};
            continue;
        }
        /* leaving the element */
        if (is_el) {
            if (f->id >= 0 && (size_t)f->id < pg->nels)
                pg->els[f->id].last = (int)pg->nels - 1;
            if (f->flags & EL_SKIP) {
                ;
            } else if (block_level) {
                blk_close(pg, &c);
            } else if (tag == GUMBO_TAG_A) {
                if (c.link_depth)
                    c.link_depth--;
                if (f->open_inline && c.inline_open > 0 && c.blk >= 0) {
                    kb_buf_adds(&pg->html, "</a>");
                    c.inline_open--;
                }
            }
        }
        depth--;
    }
    blk_close(pg, &c);
    free(st);
}

/* ---- the main text --------------------------------------------------------------------- */

static bool ends_sentence(const char *s, size_t n)
{
    /* . ! ? ؟ … " ” » ) : last non-space character */
    while (n && s[n - 1] == ' ')
        n--;
    if (!n)
        return false;
    unsigned char c = (unsigned char)s[n - 1];
    if (c == '.' || c == '!' || c == '?' || c == '"' || c == ')' || c == ':' || c == '\'')
        return true;
    if (n >= 2 && (unsigned char)s[n - 2] == 0xD8 && c == 0x9F)
        return true; /* ؟ */
    if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && c == 0xBB)
        return true; /* » */
    if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
        (c == 0x9D || c == 0xA6 || c == 0x99))
        return true; /* ” … ’ */
    return false;
}

static bool has_comma(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == ',' || s[i] == '.')
            return true;
        if ((unsigned char)s[i] == 0xD8 && (unsigned char)s[i + 1] == 0x8C)
            return true; /* ، */
    }
    return false;
}

/* Blocks that are page furniture even inside the article: "Advertisement", "Read more". */
static bool furniture(const char *s, size_t n)
{
    static const char *const starts[] = {
        "advertisement", "read more", "read also",   "also read", "related:",   "see also",
        "click here",    "sign up",   "subscribe",   "follow us", "share this", "اقرأ أيضا",
        "اقرأ أيضاً",     "اقرأ ايضا", "اقرأ المزيد", "إقرأ أيضا", "إعلان",      "شاهد أيضا",
        "تابعونا",       "للمزيد",    "اضغط هنا",    "©",         NULL};
    if (n > 120)
        return false;
    for (size_t k = 0; starts[k]; k++) {
        size_t m = strlen(starts[k]);
        if (n >= m && strncasecmp(s, starts[k], m) == 0)
            return true;
    }
    return false;
}

/* Boilerplate names are overruled for an element that holds most of the page's prose
 * (a "sticky sidebar" wrapper around the article, a body class naming the ad network);
 * then flags are inherited down the tree and each block takes its element's. */
static void resolve_flags(struct page *pg)
{
    const unsigned inherit = EL_NEG | EL_EXCL | EL_SKIP | EL_FIGURE | EL_CAPTION;
    double *prose = kb_calloc(pg->nels ? pg->nels : 1, sizeof(*prose));
    double total = 0;
    for (size_t i = 0; i < pg->nblks; i++) {
        const struct blk *b = &pg->blks[i];
        if (b->src < 0 || b->chars < 20)
            continue;
        double v = (double)b->chars - (double)b->link_chars;
        prose[b->src] += v;
        total += v;
    }
    for (size_t i = pg->nels; i-- > 0;)
        if (pg->els[i].parent >= 0)
            prose[pg->els[i].parent] += prose[i];
    for (size_t i = 0; i < pg->nels; i++) {
        struct el *e = &pg->els[i];
        if ((e->own & EL_NEG) && !(e->own & EL_SKIP) && prose[i] > 0.5 * total)
            e->own &= ~(unsigned)EL_NEG;
        unsigned up = e->parent >= 0 ? pg->els[e->parent].flags & inherit : 0;
        e->flags = e->own | up;
    }
    for (size_t i = 0; i < pg->nblks; i++) {
        struct blk *b = &pg->blks[i];
        b->flags = b->src >= 0 ? pg->els[b->src].flags : 0;
    }
    free(prose);
}

/* A short block that is mostly a date ("الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00"). */
static bool dateline(const char *s, size_t n)
{
    if (n > 160 || count_chars(s, n) > 80)
        return false;
    bool digit = false; /* a date has digits: ASCII or Arabic-Indic (D9 A0..A9) */
    for (size_t i = 0; i < n && !digit; i++)
        digit = (s[i] >= '0' && s[i] <= '9') ||
                ((unsigned char)s[i] == 0xD9 && i + 1 < n && (unsigned char)s[i + 1] >= 0xA0 &&
                 (unsigned char)s[i + 1] <= 0xA9);
    struct kb_civil c;
    return digit && kb_date_find(s, n, NULL, &c) == 0;
}

static void score_blocks(struct page *pg)
{
    resolve_flags(pg);
    for (size_t i = 0; i < pg->nblks; i++) {
        struct blk *b = &pg->blks[i];
        const char *s = pg->text.p + b->text_off;
        double chars = (double)b->chars, links = (double)b->link_chars;
        b->good = b->bad = 0;
        if (b->flags & EL_NEG) {
            b->bad = chars;
            continue;
        }
        if (b->flags & EL_EXCL)
            continue;
        if (b->kind == BK_H2 || b->kind == BK_H3)
            continue;
        double dens = chars > 0 ? links / chars : 0;
        if (dens > 0.5) {
            b->bad = chars;
        } else if (furniture(s, b->text_len)) {
            b->bad = chars;
        } else if (!memchr(s, ' ', b->text_len)) {
            ; /* one "word": a URL or a name written out by microdata, not prose */
        } else if (chars >= 80 ||
                   (chars >= 20 && (ends_sentence(s, b->text_len) || has_comma(s, b->text_len)))) {
            b->good = chars - links;
            if (dateline(s, b->text_len)) {
                b->dateline = true;
                b->good = 0;
                b->bad = chars;
            }
        }
    }
}

/* The element whose subtree holds the most good text minus bad text. */
static int pick_container(struct page *pg)
{
    for (size_t i = 0; i < pg->nels; i++)
        pg->els[i].good = pg->els[i].bad = 0;
    for (size_t i = 0; i < pg->nblks; i++) {
        const struct blk *b = &pg->blks[i];
        if (b->owner >= 0) {
            pg->els[b->owner].good += b->good;
            pg->els[b->owner].bad += b->bad;
        }
    }
    for (size_t i = pg->nels; i-- > 0;) {
        int p = pg->els[i].parent;
        if (p >= 0) {
            pg->els[p].good += pg->els[i].good;
            pg->els[p].bad += pg->els[i].bad;
        }
    }
    int best = -1;
    double best_score = 0;
    for (size_t i = 0; i < pg->nels; i++) {
        const struct el *e = &pg->els[i];
        double score = e->good - e->bad;
        if (e->flags & EL_NEG)
            continue;
        if (e->flags & EL_POS)
            score *= 1.1;
        if (score >= best_score * 0.999 && score > 0) { /* ties: the deeper element */
            if (best < 0 || score > best_score * 0.999) {
                best = (int)i;
                best_score = score > best_score ? score : best_score;
            }
        }
    }
    return best;
}

/* Does the list hold an item between the first and the last good block? */
static bool list_kept(const struct page *pg, int list, size_t first_good, size_t last_good)
{
    for (size_t i = first_good; i <= last_good && i < pg->nblks; i++)
        if (pg->blks[i].kind == BK_LI && pg->blks[i].list == list && pg->blks[i].keep)
            return true;
    return false;
}

static void body_select(struct page *pg, int container, const char *headline, const char *lede)
{
    if (container < 0)
        return;
    int first = pg->els[container].last, last = container;
    (void)first;
    int lo = container, hi = pg->els[container].last;
    size_t first_good = pg->nblks, last_good = 0;
    for (size_t i = 0; i < pg->nblks; i++) {
        struct blk *b = &pg->blks[i];
        b->keep = false;
        if (b->owner < lo || b->owner > hi || (b->flags & (EL_NEG | EL_EXCL)))
            continue;
        double dens = b->chars ? (double)b->link_chars / (double)b->chars : 0;
        if (dens > 0.5 || b->bad > 0)
            continue;
        const char *s = pg->text.p + b->text_off;
        if (b->kind == BK_LI && dens > 0.3)
            continue;
        b->keep = true;
        if (b->good > 0) {
            if (first_good == pg->nblks)
                first_good = i;
            last_good = i;
        }
        (void)s;
    }
    (void)last;
    for (size_t i = 0; i < pg->nblks; i++) {
        struct blk *b = &pg->blks[i];
        if (!b->keep)
            continue;
        if (i < first_good || i > last_good)
            b->keep =
                b->kind == BK_LI && b->list >= 0 && list_kept(pg, b->list, first_good, last_good);
        if (!b->keep)
            continue;
        const char *s = pg->text.p + b->text_off;
        char *tmp = kb_strndup(s, b->text_len);
        if (same_text(tmp, headline) || same_text(tmp, lede))
            b->keep = false;
        free(tmp);
    }
}

/* Write the kept blocks; stop before the body passes KB_MAX_BODY (true when cut). */
static bool body_write(struct page *pg, struct kb_buf *html, struct kb_buf *text, size_t *nblocks)
{
    int open_list = -1;
    bool cut = false;
    for (size_t i = 0; i < pg->nblks; i++) {
        const struct blk *b = &pg->blks[i];
        if (!b->keep)
            continue;
        if (html->n + b->html_len + b->text_len + 64 > KB_MAX_BODY) {
            cut = true; /* escaping grows the text: html_len + text_len bounds it */
            break;
        }
        if (open_list >= 0 && (b->kind != BK_LI || b->list != open_list)) {
            kb_buf_adds(html, (pg->els[open_list].flags & EL_OL) ? "</ol>\n" : "</ul>\n");
            open_list = -1;
        }
        const char *h = pg->html.p + b->html_off;
        switch (b->kind) {
        case BK_H2:
        case BK_H3: {
            const char *tag = b->kind == BK_H2 ? "h2" : "h3";
            kb_buf_addf(html, "<%s>", tag);
            kb_buf_add(html, pg->text.p + b->text_off, 0);
            kb_buf_add_html(html, pg->text.p + b->text_off, b->text_len);
            kb_buf_addf(html, "</%s>\n", tag);
            break;
        }
        case BK_LI:
            if (b->list >= 0) {
                if (open_list < 0) {
                    open_list = b->list;
                    kb_buf_adds(html, (pg->els[open_list].flags & EL_OL) ? "<ol>\n" : "<ul>\n");
                }
                kb_buf_adds(html, "<li>");
                kb_buf_add(html, h, b->html_len);
                kb_buf_adds(html, "</li>\n");
                break;
            }
            /* an li outside a list is a paragraph */
            __attribute__((fallthrough));
        case BK_P:
        default:
            kb_buf_adds(html, "<p>");
            kb_buf_add(html, h, b->html_len);
            kb_buf_adds(html, "</p>\n");
            break;
        }
        if (text->n)
            kb_buf_adds(text, "\n\n");
        kb_buf_add(text, pg->text.p + b->text_off, b->text_len);
        (*nblocks)++;
    }
    if (open_list >= 0)
        kb_buf_adds(html, (pg->els[open_list].flags & EL_OL) ? "</ol>\n" : "</ul>\n");
    return cut;
}

/* ---- JSON-LD ------------------------------------------------------------------------------ */

static bool article_type(const char *t)
{
    static const char *const types[] = {"NewsArticle",
                                        "Article",
                                        "ReportageNewsArticle",
                                        "AnalysisNewsArticle",
                                        "OpinionNewsArticle",
                                        "BackgroundNewsArticle",
                                        "ReviewNewsArticle",
                                        "BlogPosting",
                                        "LiveBlogPosting",
                                        "Report",
                                        "TechArticle",
                                        "SatiricalArticle",
                                        "AskPublicNewsArticle",
                                        "SocialMediaPosting",
                                        "Blog",
                                        NULL};
    if (!t)
        return false;
    const char *slash = strrchr(t, '/'); /* "http://schema.org/NewsArticle" */
    if (slash)
        t = slash + 1;
    for (size_t k = 0; types[k]; k++)
        if (strcmp(t, types[k]) == 0)
            return true;
    return false;
}

static int type_rank(json_t *o)
{
    json_t *t = json_object_get(o, "@type");
    int best = 0;
    if (json_is_string(t)) {
        if (article_type(json_string_value(t)))
            best = 2;
        else if (strstr(json_string_value(t), "WebPage"))
            best = 1;
    } else if (json_is_array(t)) {
        size_t i;
        json_t *v;
        json_array_foreach(t, i, v)
        {
            if (json_is_string(v) && article_type(json_string_value(v)))
                best = 2;
            else if (json_is_string(v) && strstr(json_string_value(v), "WebPage") && best < 1)
                best = 1;
        }
    }
    return best;
}

/* The best article-typed object in a JSON-LD document (top level, arrays, @graph,
 * mainEntity, nested up to a small depth, iteratively). */
static json_t *find_article(json_t *root, json_t **webpage)
{
    json_t *stack[64];
    int depth_of[64];
    size_t n = 0;
    stack[n] = root;
    depth_of[n++] = 0;
    json_t *found = NULL;
    while (n && !found) {
        json_t *v = stack[--n];
        int dep = depth_of[n];
        if (json_is_object(v)) {
            int r = type_rank(v);
            if (r == 2 && (json_object_get(v, "headline") || json_object_get(v, "name") ||
                           json_object_get(v, "datePublished")))
                found = v;
            else if (r == 1 && !*webpage)
                *webpage = v;
            if (dep >= 4)
                continue;
            const char *keys[] = {"mainEntity", "mainEntityOfPage", "@graph", "itemListElement"};
            for (size_t k = 4; k-- > 0;) {
                json_t *c = json_object_get(v, keys[k]);
                if (c && (json_is_object(c) || json_is_array(c)) && n < 64) {
                    stack[n] = c;
                    depth_of[n++] = dep + 1;
                }
            }
        } else if (json_is_array(v) && dep < 4) {
            for (size_t i = json_array_size(v); i-- > 0 && n < 64;) {
                stack[n] = json_array_get(v, i);
                depth_of[n++] = dep + 1;
            }
        }
    }
    return found;
}

/* A string, or the first string of an array, or obj.name / obj.url / obj["@id"]. */
static const char *jstr(json_t *v, const char *key)
{
    if (json_is_array(v))
        v = json_array_get(v, 0);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_object(v) && key) {
        json_t *s = json_object_get(v, key);
        if (json_is_array(s))
            s = json_array_get(s, 0);
        if (json_is_string(s))
            return json_string_value(s);
    }
    return NULL;
}

/* Author names joined by ", " (strings, {name}, arrays of them); URLs are not names. */
static char *jauthors(json_t *v)
{
    struct kb_buf b;
    kb_buf_init(&b, KB_MAX_BYLINE);
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    for (size_t i = 0; i < n && i < 8; i++) {
        json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
        const char *s = jstr(e, "name");
        if (!s || is_http(s) || !*s)
            continue;
        if (b.n)
            kb_buf_adds(&b, ", ");
        kb_buf_adds(&b, s);
    }
    char *r = kb_buf_err(&b) || !b.n ? NULL : clean_dup(b.p, b.n);
    kb_buf_release(&b);
    return r;
}

struct jsonld {
    char *headline, *desc, *section, *byline, *published, *modified, *image, *image_caption,
        *image_credit, *publisher, *url, *lang, *body;
};

static void jsonld_release(struct jsonld *j)
{
    char **f[] = {&j->headline, &j->desc,  &j->section,       &j->byline,       &j->published,
                  &j->modified, &j->image, &j->image_caption, &j->image_credit, &j->publisher,
                  &j->url,      &j->lang,  &j->body};
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        free(*f[i]);
        *f[i] = NULL;
    }
}

/* Control characters (raw newlines inside strings are common) become spaces. */
static json_t *load_lenient(const struct kb_buf *b)
{
    char *s = kb_strndup(kb_buf_cstr(b), b->n);
    size_t n = b->n;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20)
            s[i] = ' ';
    /* Some sites wrap the JSON in an HTML comment or CDATA, or end it with ';'. */
    char *p = s;
    while (*p == ' ')
        p++;
    if (strncmp(p, "<!--", 4) == 0)
        p += 4;
    if (strncmp(p, "//<![CDATA[", 11) == 0)
        p += 11;
    size_t len = strlen(p);
    while (len && (p[len - 1] == ' ' || p[len - 1] == ';'))
        len--;
    if (len >= 3 && strncmp(p + len - 3, "-->", 3) == 0)
        len -= 3;
    if (len >= 5 && strncmp(p + len - 5, "//]]>", 5) == 0)
        len -= 5;
    json_error_t e;
    json_t *v = json_loadb(p, len, JSON_DISABLE_EOF_CHECK, &e);
    free(s);
    return v;
}

static void read_jsonld(struct page *pg, struct jsonld *out)
{
    for (size_t i = 0; i < pg->njsonld; i++) {
        json_t *root = load_lenient(&pg->jsonld[i]);
        if (!root)
            continue;
        json_t *web = NULL;
        json_t *a = find_article(root, &web);
        json_t *src = a ? a : web;
        if (!src) {
            json_decref(root);
            continue;
        }
        if (a) {
            set_once(&out->headline, jstr(json_object_get(a, "headline"), NULL));
            if (!out->headline)
                set_once(&out->headline, jstr(json_object_get(a, "name"), NULL));
            set_once(&out->desc, jstr(json_object_get(a, "description"), NULL));
            set_once(&out->section, jstr(json_object_get(a, "articleSection"), NULL));
            if (!out->byline)
                out->byline = jauthors(json_object_get(a, "author"));
            if (!out->byline)
                out->byline = jauthors(json_object_get(a, "creator"));
            json_t *img = json_object_get(a, "image");
            if (json_is_array(img))
                img = json_array_get(img, 0);
            set_once(&out->image, jstr(img, "url"));
            if (json_is_object(img)) {
                set_once(&out->image_caption, jstr(json_object_get(img, "caption"), NULL));
                set_once(&out->image_credit, jstr(json_object_get(img, "creditText"), NULL));
                if (!out->image_credit)
                    set_once(&out->image_credit,
                             jstr(json_object_get(img, "copyrightHolder"), "name"));
            }
            set_once(&out->publisher, jstr(json_object_get(a, "publisher"), "name"));
            set_once(&out->url, jstr(json_object_get(a, "url"), NULL));
            json_t *me = json_object_get(a, "mainEntityOfPage");
            if (!out->url)
                set_once(&out->url, json_is_string(me) ? json_string_value(me) : jstr(me, "@id"));
            set_once(&out->lang, jstr(json_object_get(a, "inLanguage"), "alternateName"));
            const char *body = jstr(json_object_get(a, "articleBody"), NULL);
            if (body && !out->body && strlen(body) < KB_MAX_BODY)
                out->body = kb_strdup(body);
        }
        set_once(&out->published, jstr(json_object_get(src, "datePublished"), NULL));
        set_once(&out->modified, jstr(json_object_get(src, "dateModified"), NULL));
        if (!out->published)
            set_once(&out->published, jstr(json_object_get(src, "dateCreated"), NULL));
        json_decref(root);
    }
}

/* ---- dates ---------------------------------------------------------------------------- */

/* ISO 8601 with its offset, else anything kb_date_parse reads (RFC 822, English and
 * Arabic month names) as a wall-clock date without an offset. */
static bool parse_date(const char *s, struct kb_html_date *out)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 0 || n > KB_DATE_MAX_INPUT)
        return false;
    int64_t t;
    int off;
    const int none = 0x7FFF; /* "no offset written" */
    if (kb_date_parse_iso8601(s, n, none, &t, &off, NULL) == 0) {
        struct kb_html_date d = {.found = true};
        if (off == none) {
            d.has_offset = false;
            kb_unix_to_civil(t + (int64_t)none * 60, 0, &d.civil);
            d.offset_min = 0;
        } else {
            d.has_offset = true;
            d.offset_min = off;
            kb_unix_to_civil(t, off, &d.civil);
        }
        *out = d;
        return true;
    }
    struct kb_civil c;
    if (kb_date_parse(s, n, NULL, &c, NULL) == 0) {
        *out = (struct kb_html_date){.found = true, .civil = c};
        /* RFC 822 and similar end with a zone: keep it when it is numeric or GMT/UTC */
        const char *z = s + n;
        while (z > s && z[-1] == ' ')
            z--;
        if (z - s >= 5 && (z[-5] == '+' || z[-5] == '-') && isdigit((unsigned char)z[-4]) &&
            isdigit((unsigned char)z[-1]) && c.has_time) {
            int hh = (z[-4] - '0') * 10 + (z[-3] - '0'), mm = (z[-2] - '0') * 10 + (z[-1] - '0');
            out->has_offset = true;
            out->offset_min = (z[-5] == '-' ? -1 : 1) * (hh * 60 + mm);
        } else if (z - s >= 3 && c.has_time &&
                   (strncasecmp(z - 3, "GMT", 3) == 0 || strncasecmp(z - 3, "UTC", 3) == 0)) {
            out->has_offset = true;
        }
        return true;
    }
    return false;
}

/* A date inside a short text ("Published: 07 Oct 2020, 12:09 | Updated ..."): the text
 * itself (keeping a written offset), else the first date in it (kb_date_find). */
static bool find_date(const char *s, struct kb_html_date *out)
{
    if (parse_date(s, out))
        return true;
    struct kb_civil c;
    size_t n = strlen(s);
    if (n > 300 || kb_date_find(s, n, NULL, &c) != 0)
        return false;
    if (c.year < 1990 || c.year > 2100)
        return false;
    *out = (struct kb_html_date){.found = true, .civil = c};
    return true;
}

/* /2020/10/07/, /2020-10-07, /20201007 in a URL path. */
static bool url_date(const char *url, struct kb_html_date *out)
{
    if (!url)
        return false;
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    p = strchr(p, '/');
    for (; p && *p; p++) {
        int y, m, d;
        char sep1, sep2;
        if (sscanf(p, "/%4d%c%2d%c%2d", &y, &sep1, &m, &sep2, &d) == 5 && sep1 == sep2 &&
            (sep1 == '/' || sep1 == '-') && y >= 1990 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 &&
            d <= 31 && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[4]) &&
            !isdigit((unsigned char)p[5])) {
            struct kb_civil c = {.year = y, .month = m, .day = d};
            char buf[16];
            snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
            struct kb_html_date hd;
            if (parse_date(buf, &hd)) {
                (void)c;
                *out = hd;
                return true;
            }
        }
    }
    return false;
}

/* ---- headline ----------------------------------------------------------------------------- */

static bool contains_norm(const char *hay, const char *needle)
{
    if (!hay || !needle)
        return false;
    struct kb_buf x, y;
    kb_buf_init(&x, 1 << 20);
    kb_buf_init(&y, 1 << 20);
    norm_key(&x, hay);
    norm_key(&y, needle);
    bool r = y.n >= 8 && x.n >= y.n && strstr(kb_buf_cstr(&x), kb_buf_cstr(&y)) != NULL;
    kb_buf_release(&x);
    kb_buf_release(&y);
    return r;
}

/* "Headline | Site" → "Headline": the site's name removed when known, else the longest
 * part between separators. */
static char *strip_site(const char *title, const char *site)
{
    if (!title)
        return NULL;
    static const char *const seps[] = {
        " | ", " - ", " – ", " — ", " :: ", " « ", " » ", " · ", NULL};
    size_t n = strlen(title);
    /* split */
    const char *parts[16];
    size_t lens[16], np = 0;
    const char *p = title;
    while (np < 15) {
        const char *best = NULL;
        size_t bl = 0;
        for (size_t k = 0; seps[k]; k++) {
            const char *q = strstr(p, seps[k]);
            if (q && (!best || q < best)) {
                best = q;
                bl = strlen(seps[k]);
            }
        }
        if (!best)
            break;
        parts[np] = p;
        lens[np++] = (size_t)(best - p);
        p = best + bl;
    }
    parts[np] = p;
    lens[np++] = (size_t)(title + n - p);
    if (np == 1)
        return clean_cstr(title);
    if (site) {
        char *last = kb_strndup(parts[np - 1], lens[np - 1]);
        char *firstp = kb_strndup(parts[0], lens[0]);
        bool last_site = same_text(last, site) || contains_norm(site, last);
        bool first_site = same_text(firstp, site) || contains_norm(site, firstp);
        free(last);
        free(firstp);
        if (last_site) /* everything before the last separator */
            return clean_dup(title, (size_t)(parts[np - 2] - title) + lens[np - 2]);
        if (first_site)
            return clean_cstr(parts[1]);
    }
    size_t bi = 0;
    for (size_t i = 1; i < np; i++)
        if (lens[i] > lens[bi])
            bi = i;
    return clean_dup(parts[bi], lens[bi]);
}

/* ---- the result ----------------------------------------------------------------------------- */

static void strip_seps(char *s)
{
    size_t n = s ? strlen(s) : 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '|' || s[n - 1] == '-'))
        s[--n] = '\0';
}

static char *byline_clean(const char *s)
{
    if (!s || is_http(s))
        return NULL;
    static const char *const prefixes[] = {"by ",   "بقلم:",   "بقلم ",       "كتب:", "كتب ",
                                           "كتبت ", "بواسطة ", "written by ", NULL};
    for (size_t k = 0; prefixes[k]; k++) {
        size_t m = strlen(prefixes[k]);
        if (strncasecmp(s, prefixes[k], m) == 0) {
            s += m;
            break;
        }
    }
    char *r = clean_cstr(s);
    for (char *u = r ? strstr(r, "http") : NULL; u; u = strstr(u, "http")) {
        /* a logo or profile URL written next to the name */
        if ((u == r || u[-1] == ' ') &&
            (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0)) {
            char *e = u + strcspn(u, " ");
            memmove(u, e, strlen(e) + 1);
        } else {
            u++;
        }
    }
    if (r) {
        char *t = clean_cstr(r);
        free(r);
        r = t;
    }
    strip_seps(r);
    if (r && !*r) {
        free(r);
        r = NULL;
    }
    return r;
}

static char *lang_tag(const char *v)
{
    if (!v)
        return NULL;
    char buf[8];
    size_t k = 0;
    for (const char *p = v; *p && k < 3; p++) {
        if (*p >= 'A' && *p <= 'Z')
            buf[k++] = (char)(*p - 'A' + 'a');
        else if (*p >= 'a' && *p <= 'z')
            buf[k++] = *p;
        else
            break;
    }
    buf[k] = '\0';
    return k >= 2 ? kb_strdup(buf) : NULL;
}

static char *detect_lang(const char *text)
{
    size_t ar = 0, lat = 0, n = text ? strlen(text) : 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += kb_utf8_decode(text + i, n - i, &cp);
        if (cp >= 0x0600 && cp <= 0x06FF)
            ar++;
        else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            lat++;
    }
    if (ar == 0 && lat == 0)
        return NULL;
    return kb_strdup(ar * 2 >= lat ? "ar" : "en");
}

/* Split "caption / صورة: credit" or "caption (Photo: credit)". */
static void split_credit(char **caption, char **credit)
{
    if (!*caption)
        return;
    static const char *const labels[] = {"صورة:",   "الصورة:",     "تصوير:",   "Photo:", "Image:",
                                         "Credit:", "Photograph:", "Picture:", NULL};
    for (size_t k = 0; labels[k]; k++) {
        char *at = strcasestr(*caption, labels[k]);
        if (!at)
            continue;
        char *cr = clean_cstr(at + strlen(labels[k]));
        if (cr) {
            size_t m = strlen(cr);
            while (m && (cr[m - 1] == ')' || cr[m - 1] == ']' || cr[m - 1] == ' '))
                cr[--m] = '\0';
        }
        if (!*credit && cr && *cr)
            *credit = cr;
        else
            free(cr);
        *at = '\0';
        char *cap = clean_cstr(*caption);
        if (cap) {
            size_t m = strlen(cap);
            while (m && (cap[m - 1] == '/' || cap[m - 1] == '(' || cap[m - 1] == '[' ||
                         cap[m - 1] == ' ' || cap[m - 1] == '-' || cap[m - 1] == '|'))
                cap[--m] = '\0';
            if (!m) {
                free(cap);
                cap = NULL;
            }
        }
        free(*caption);
        *caption = cap;
        return;
    }
}

static void page_release(struct page *pg)
{
    char **f[] = {&pg->lang,         &pg->title,        &pg->canonical,     &pg->content_lang,
                  &pg->og_title,     &pg->og_desc,      &pg->og_site,       &pg->og_url,
                  &pg->og_image,     &pg->og_image_alt, &pg->og_locale,     &pg->tw_title,
                  &pg->tw_desc,      &pg->tw_image,     &pg->art_published, &pg->art_modified,
                  &pg->art_section,  &pg->art_author,   &pg->meta_desc,     &pg->meta_author,
                  &pg->meta_pubdate, &pg->meta_moddate, &pg->meta_section,  &pg->meta_app,
                  &pg->ip_published, &pg->ip_modified,  &pg->ip_headline,   &pg->ip_author};
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        free(*f[i]);
    for (size_t i = 0; i < pg->njsonld; i++)
        kb_buf_release(&pg->jsonld[i]);
    for (size_t i = 0; i < pg->nh1; i++)
        free(pg->h1[i]);
    for (size_t i = 0; i < pg->ntimes; i++)
        free(pg->times[i]);
    for (size_t i = 0; i < pg->ndate_texts; i++)
        free(pg->date_texts[i]);
    for (size_t i = 0; i < pg->nbyline_texts; i++)
        free(pg->byline_texts[i]);
    for (size_t i = 0; i < pg->nfigs; i++) {
        free(pg->figs[i].src);
        free(pg->figs[i].alt);
        free(pg->figs[i].caption);
    }
    free(pg->els);
    free(pg->blks);
    kb_buf_release(&pg->text);
    kb_buf_release(&pg->html);
}

void kb_html_article_release(struct kb_html_article *a)
{
    if (!a)
        return;
    char **f[] = {&a->headline,    &a->lede,          &a->section,   &a->byline,
                  &a->site_name,   &a->canonical_url, &a->language,  &a->body_html,
                  &a->body_text,   &a->image_src,     &a->image_alt, &a->image_caption,
                  &a->image_credit};
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        free(*f[i]);
    memset(a, 0, sizeof(*a));
}

/* Text from the ArticleBody of JSON-LD as paragraphs (one per line, blank lines dropped). */
static void body_from_text(const char *s, struct kb_buf *html, struct kb_buf *text, size_t *nb)
{
    char *plain = NULL;
    if (strstr(s, "<p") || strstr(s, "<br") || strstr(s, "</")) {
        /* Some sites put HTML in articleBody: its tags become line breaks here (the body
         * is built from the text, so no markup of theirs reaches the store). */
        plain = kb_malloc(strlen(s) + 1);
        char *w = plain;
        for (const char *r = s; *r; r++) {
            if (*r == '<') {
                const char *e = strchr(r, '>');
                if (e) {
                    *w++ = '\n';
                    r = e;
                    continue;
                }
            }
            *w++ = *r;
        }
        *w = '\0';
        decode_again(plain);
        s = plain;
    }
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char *line = clean_dup(p, len);
        if (line) {
            kb_buf_adds(html, "<p>");
            kb_buf_adds_html(html, line);
            kb_buf_adds(html, "</p>\n");
            if (text->n)
                kb_buf_adds(text, "\n\n");
            kb_buf_adds(text, line);
            (*nb)++;
            free(line);
        }
        p += len + (e ? 1 : 0);
    }
    free(plain);
}

/* The charset a page declares in its first 4 KiB (<meta charset=...>, or charset= in a
 * content-type), lower case, into name[]; false when none. */
static bool declared_charset(const char *s, size_t n, char *name, size_t cap)
{
    size_t lim = n < 4096 ? n : 4096;
    for (size_t i = 0; i + 8 < lim; i++) {
        if (strncasecmp(s + i, "charset", 7) != 0)
            continue;
        size_t k = i + 7;
        while (k < lim && (s[k] == ' ' || s[k] == '='))
            k++;
        while (k < lim && (s[k] == '"' || s[k] == '\''))
            k++;
        size_t m = 0;
        while (k < lim && m + 1 < cap &&
               (isalnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '_' || s[k] == ':'))
            name[m++] = (char)tolower((unsigned char)s[k++]);
        name[m] = '\0';
        if (m)
            return true;
    }
    return false;
}

/* A page in a legacy charset (windows-1256, iso-8859-6, ...) that is not valid UTF-8 is
 * converted to UTF-8 with ICU.  1 when *out holds the conversion; 0 to use the input. */
static int to_utf8(const char *s, size_t n, struct kb_buf *out)
{
    char cs[40];
    if (kb_utf8_valid(s, n) || !declared_charset(s, n, cs, sizeof(cs)) || strstr(cs, "utf") != NULL)
        return 0;
    size_t cap = n * 3 + 16; /* single-byte charsets: at most 3 bytes of UTF-8 per byte */
    char *buf = kb_malloc(cap);
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = ucnv_convert("UTF-8", cs, buf, (int32_t)cap, s, (int32_t)n, &st);
    int rc = 0;
    if (U_SUCCESS(st) && len >= 0 && (size_t)len < cap) {
        kb_buf_init(out, cap + 1);
        kb_buf_add(out, buf, (size_t)len);
        rc = kb_buf_err(out) ? 0 : 1;
        if (!rc)
            kb_buf_release(out);
    }
    free(buf);
    return rc;
}

int kb_html_extract(const char *html, size_t n, const char *page_url, struct kb_html_article *out,
                    struct kb_diag *d)
{
    if (n > KB_HTML_MAX_INPUT)
        return kb_diag_set(d, KB_ETOOBIG, "html",
                           "the page is %zu bytes, more than the %zu "
                           "accepted",
                           n, KB_HTML_MAX_INPUT);
    size_t lead = 0;
    while (lead < n &&
           (html[lead] == ' ' || html[lead] == '\n' || html[lead] == '\r' || html[lead] == '\t'))
        lead++;
    if (lead == n)
        return kb_diag_set(d, KB_EINVAL, "html", "empty file: no page");
    size_t probe = n < 1024 ? n : 1024;
    if (memchr(html, '\0', probe))
        return kb_diag_set(d, KB_EINVAL, "html", "NUL bytes at the start: not an HTML page");

    struct kb_html_article a = {0};
    struct kb_buf converted = {0};
    if (to_utf8(html, n, &converted) == 1) {
        html = kb_buf_cstr(&converted);
        n = converted.n;
    }
    a.invalid_utf8 = !kb_utf8_valid(html, n);

    struct kb_buf guarded = {0};
    size_t dropped = 0, ntags = 0;
    const char *src = html;
    size_t srcn = n;
    int g_rc = kb_html_guard(html, n, &guarded, &dropped, &ntags);
    if (ntags > KB_HTML_MAX_ELEMENTS) {
        if (g_rc == 1)
            kb_buf_release(&guarded);
        kb_buf_release(&converted);
        return kb_diag_set(d, KB_ETOOBIG, "html",
                           "the page has %zu elements, more than the %d accepted", ntags,
                           KB_HTML_MAX_ELEMENTS);
    }
    if (g_rc == 1) {
        src = kb_buf_cstr(&guarded);
        srcn = guarded.n;
    }
    a.tags_dropped = dropped;

    struct kb_html_heap heap = {0};
    GumboOptions opt = kGumboDefaultOptions;
    opt.allocator = kb_html_alloc;
    opt.deallocator = kb_html_dealloc;
    opt.userdata = &heap;
    opt.max_errors = 0;
    GumboOutput *g = gumbo_parse_with_options(&opt, src, srcn);

    struct page *pg = kb_calloc(1, sizeof(*pg));
    pg->base = page_url && is_http(page_url) ? page_url : NULL;
    kb_buf_init(&pg->text, (size_t)64 << 20);
    kb_buf_init(&pg->html, (size_t)128 << 20);
    walk(pg, g->document);
    kb_html_heap_free(&heap); /* the tree is gone: only pg's copies remain */
    kb_buf_release(&guarded);
    kb_buf_release(&converted);

    struct jsonld j = {0};
    read_jsonld(pg, &j);

    /* canonical URL first: relative URLs resolve against it */
    char *canon = resolve_url(pg->base, pg->canonical);
    if (!canon)
        canon = resolve_url(pg->base, pg->og_url);
    if (!canon)
        canon = resolve_url(pg->base, j.url);
    if (!canon && pg->base)
        canon = clean_cstr(pg->base);
    a.canonical_url = canon;
    const char *base = canon ? canon : pg->base;

    a.site_name = clean_cstr(pg->og_site ? pg->og_site : j.publisher ? j.publisher : pg->meta_app);

    /* headline: the h1 a meta title agrees with, else JSON-LD, og, <title> */
    const char *metas[] = {j.headline, pg->og_title, pg->tw_title, pg->ip_headline, pg->title};
    for (size_t i = 0; i < pg->nh1 && !a.headline; i++)
        for (size_t k = 0; k < sizeof(metas) / sizeof(metas[0]) && !a.headline; k++) {
            if (!metas[k])
                continue;
            if (k < 2 && same_text(pg->h1[i], metas[k])) /* the same words: the editor's meta */
                a.headline = kb_strdup(metas[k]), a.headline_from = k ? KB_HS_META : KB_HS_JSONLD;
            else if (same_text(pg->h1[i], metas[k]) || contains_norm(metas[k], pg->h1[i]))
                a.headline = kb_strdup(pg->h1[i]), a.headline_from = KB_HS_MARKUP;
        }
    if (!a.headline && j.headline)
        a.headline = kb_strdup(j.headline), a.headline_from = KB_HS_JSONLD;
    if (!a.headline && (pg->og_title || pg->tw_title))
        a.headline = strip_site(pg->og_title ? pg->og_title : pg->tw_title, a.site_name),
        a.headline_from = KB_HS_META;
    if (!a.headline && pg->ip_headline)
        a.headline = kb_strdup(pg->ip_headline), a.headline_from = KB_HS_MARKUP;
    if (!a.headline && pg->nh1)
        a.headline = kb_strdup(pg->h1[0]), a.headline_from = KB_HS_MARKUP;
    if (!a.headline && pg->title)
        a.headline = strip_site(pg->title, a.site_name), a.headline_from = KB_HS_MARKUP;

    a.lede = clean_cstr(j.desc          ? j.desc
                        : pg->og_desc   ? pg->og_desc
                        : pg->meta_desc ? pg->meta_desc
                                        : pg->tw_desc);
    if (a.lede &&
        (same_text(a.lede, a.headline) || kb_readtime_words(a.lede, strlen(a.lede)) < 4)) {
        /* a copy of the headline, or "| Site News": not a standfirst */
        free(a.lede);
        a.lede = NULL;
    }
    a.section = clean_cstr(j.section         ? j.section
                           : pg->art_section ? pg->art_section
                                             : pg->meta_section);

    /* byline */
    if (j.byline)
        a.byline = byline_clean(j.byline);
    if (!a.byline && pg->meta_author)
        a.byline = byline_clean(pg->meta_author);
    if (!a.byline && pg->art_author)
        a.byline = byline_clean(pg->art_author);
    for (size_t i = 0; i < pg->nbyline_texts && !a.byline; i++)
        a.byline = byline_clean(pg->byline_texts[i]);

    /* the main text */
    score_blocks(pg);
    int container = pick_container(pg);
    body_select(pg, container, a.headline, a.lede);
    struct kb_buf bh, bt;
    kb_buf_init(&bh, KB_MAX_BODY * 4);
    kb_buf_init(&bt, KB_MAX_BODY * 4);
    size_t nb = 0;
    a.body_cut = body_write(pg, &bh, &bt, &nb);
    a.body_from = nb ? KB_HS_TEXT : KB_HS_NONE;
    if (j.body) {
        /* JSON-LD's articleBody wins when the page's own text is much shorter (the text is
         * rendered by script, or the heuristics found a teaser list). */
        size_t jb = count_chars(j.body, strlen(j.body));
        size_t tb = count_chars(kb_buf_cstr(&bt), bt.n);
        if ((nb == 0 && jb > 0) || (jb > 200 && tb * 2 < jb)) {
            kb_buf_reset(&bh);
            kb_buf_reset(&bt);
            nb = 0;
            a.body_cut = false;
            body_from_text(j.body, &bh, &bt, &nb);
            a.body_from = KB_HS_JSONLD;
        }
    }
    if (nb && !kb_buf_err(&bh)) {
        struct kb_buf clean;
        kb_buf_init(&clean, KB_MAX_BODY * 4);
        struct kb_diag sd;
        if (kb_html_sanitize(bh.p, bh.n, &clean, &sd) == 0 && clean.n) {
            a.body_html = kb_strndup(clean.p, clean.n);
            a.body_text = kb_strndup(bt.p, bt.n);
            a.nblocks = nb;
        }
        kb_buf_release(&clean);
    }
    kb_buf_release(&bh);
    kb_buf_release(&bt);

    /* dates */
    const char *pub_meta[] = {pg->art_published, pg->ip_published, pg->meta_pubdate};
    if (parse_date(j.published, &a.published))
        a.published_from = KB_HS_JSONLD;
    for (size_t k = 0; k < 3 && !a.published.found; k++)
        if (parse_date(pub_meta[k], &a.published))
            a.published_from = k == 1 ? KB_HS_MARKUP : KB_HS_META;
    for (size_t i = 0; i < pg->ntimes && !a.published.found; i++)
        if (parse_date(pg->times[i], &a.published))
            a.published_from = KB_HS_MARKUP;
    for (size_t i = 0; i < pg->ndate_texts && !a.published.found; i++)
        if (find_date(pg->date_texts[i], &a.published))
            a.published_from = KB_HS_TEXT;
    for (size_t i = 0; i < pg->nblks && !a.published.found; i++) {
        /* a date line of the article itself (CNN Arabic's "الأربعاء، 28 آب/اغسطس 2013، آخر
         * تحديث 14:00"): in the container or just around it, before its text ends */
        const struct blk *b = &pg->blks[i];
        int scope = container >= 0 && pg->els[container].parent >= 0 ? pg->els[container].parent
                                                                     : container;
        if (!b->dateline || scope < 0 || b->owner < scope || b->owner > pg->els[container].last)
            continue;
        char *line = kb_strndup(pg->text.p + b->text_off, b->text_len);
        if (find_date(line, &a.published))
            a.published_from = KB_HS_TEXT;
        free(line);
    }
    if (!a.published.found && url_date(canon, &a.published))
        a.published_from = KB_HS_URL;
    if (!parse_date(j.modified, &a.modified) && !parse_date(pg->art_modified, &a.modified) &&
        !parse_date(pg->ip_modified, &a.modified))
        parse_date(pg->meta_moddate, &a.modified);

    /* the lead image: og:image / JSON-LD, with the caption of the figure that shows it */
    a.image_src = resolve_url(base, pg->og_image ? pg->og_image : j.image ? j.image : pg->tw_image);
    const struct figure *fig = NULL;
    for (size_t i = 0; i < pg->nfigs && !fig; i++)
        if (pg->figs[i].src && pg->figs[i].caption &&
            (container < 0 || pg->figs[i].el >= container))
            fig = &pg->figs[i];
    if (!a.image_src && fig)
        a.image_src = kb_strdup(fig->src);
    if (a.image_src && strncasecmp(a.image_src, "http://", 7) == 0) {
        /* the article model wants https for images; most CDNs serve both */
        char *s = kb_malloc(strlen(a.image_src) + 2);
        sprintf(s, "https://%s", a.image_src + 7);
        free(a.image_src);
        a.image_src = s;
    }
    if (a.image_src) {
        a.image_alt = clean_cstr(pg->og_image_alt ? pg->og_image_alt : fig ? fig->alt : NULL);
        a.image_caption = clean_cstr(j.image_caption ? j.image_caption : fig ? fig->caption : NULL);
        a.image_credit = clean_cstr(j.image_credit);
        split_credit(&a.image_caption, &a.image_credit);
    }

    /* language */
    a.language = lang_tag(pg->lang);
    if (!a.language)
        a.language = lang_tag(pg->content_lang);
    if (!a.language)
        a.language = lang_tag(j.lang);
    if (!a.language)
        a.language = lang_tag(pg->og_locale);
    if (!a.language)
        a.language = detect_lang(a.body_text ? a.body_text : a.headline);

    /* what was not found */
    struct {
        const void *v;
        unsigned bit;
    } fields[] = {{a.headline, KB_HF_HEADLINE},     {a.lede, KB_HF_LEDE},
                  {a.section, KB_HF_SECTION},       {a.byline, KB_HF_BYLINE},
                  {a.body_html, KB_HF_BODY},        {a.image_src, KB_HF_IMAGE},
                  {a.image_caption, KB_HF_CAPTION}, {a.image_credit, KB_HF_CREDIT},
                  {a.site_name, KB_HF_SITE},        {a.canonical_url, KB_HF_CANONICAL},
                  {a.language, KB_HF_LANGUAGE}};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (!fields[i].v)
            a.missing |= fields[i].bit;
    if (!a.published.found)
        a.missing |= KB_HF_PUBLISHED;
    if (!a.modified.found)
        a.missing |= KB_HF_MODIFIED;

    jsonld_release(&j);
    page_release(pg);
    free(pg);
    *out = a;
    return 0;
}
