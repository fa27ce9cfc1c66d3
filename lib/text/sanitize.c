/*
 * sanitize.c — the HTML allowlist (sanitize.h): gumbo parses, a walk writes back what is
 * allowed.
 *
 * The walk carries a context — block (top level, blockquote, li, figure), inline (p, h2,
 * h3, figcaption, strong, em, a), list (ul, ol) — and writes each allowed element only
 * where the HTML parser would put it back in the same place when the output is parsed
 * again; anything else is unwrapped.  That is what makes the output a fixed point: the
 * output's tree is exactly the tree that was walked, so a second pass writes the same
 * bytes.  Invariant: every '<' written starts an allowlisted tag, every attribute written
 * is a[href], a[rel], img[src], img[alt], and every text byte goes through the escaper.
 */
#include <string.h>
#include <gumbo.h>
#include "khabar/sanitize.h"

enum ctx { CTX_BLOCK, CTX_INLINE, CTX_LIST, CTX_FIGURE };

struct walk {
    struct kb_buf *out;
    bool in_link;
};

/* ---- URLs --------------------------------------------------------------------------- */

static bool is_c0_or_space(unsigned char c)
{
    return c <= 0x20 || c == 0x7f;
}

/* Code points the parser does not give back as they are when they appear raw in the input
 * (it reports them and may replace them), so they are never written: C0 controls but tab
 * and LF (CR is normalized by the parser already), DEL, C1 controls, noncharacters. */
static size_t unstable_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
        return 1;
    if (c == 0xc2 && n >= 2 && s[1] >= 0x80 && s[1] <= 0x9f)
        return 2; /* U+0080..U+009F */
    if (c == 0xef && n >= 3 && s[1] == 0xb7 && s[2] >= 0x90 && s[2] <= 0xaf)
        return 3; /* U+FDD0..U+FDEF */
    if (c == 0xef && n >= 3 && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf))
        return 3; /* U+FFFE, U+FFFF */
    if (c == 0xf0 || c == 0xf1 || c == 0xf2 || c == 0xf3 || c == 0xf4) {
        /* U+xFFFE / U+xFFFF in the supplementary planes: F? ?F BF BE|BF */
        if (n >= 4 && (s[1] & 0x0f) == 0x0f && s[2] == 0xbf && (s[3] == 0xbe || s[3] == 0xbf))
            return 4;
    }
    return 0;
}

static bool prefix_ci(const char *s, size_t n, const char *p)
{
    size_t m = strlen(p);
    if (n < m)
        return false;
    for (size_t i = 0; i < m; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != p[i])
            return false;
    }
    return true;
}

bool kb_url_allowed(const char *url, enum kb_url_use use, struct kb_buf *clean, bool *external)
{
    if (!url)
        return false;
    /* What a browser does before reading the scheme: trim C0 controls and spaces at both
     * ends, remove tab/LF/CR anywhere (we remove every control: none belongs in a URL). */
    size_t n = strlen(url), a = 0, b = n;
    while (a < b && is_c0_or_space((unsigned char)url[a]))
        a++;
    while (b > a && is_c0_or_space((unsigned char)url[b - 1]))
        b--;
    if (a == b || b - a > 4096)
        return false;
    char tmp[4097];
    size_t m = 0;
    for (size_t i = a; i < b;) {
        unsigned char c = (unsigned char)url[i];
        size_t bad = c < 0x20 ? 1 : unstable_len((const unsigned char *)url + i, b - i);
        if (bad) {
            i += bad;
            continue;
        }
        tmp[m++] = (char)c;
        i++;
    }
    tmp[m] = '\0';
    if (m == 0 || strchr(tmp, '\\'))
        return false; /* browsers read '\' as '/': "/\host" would leave the site */
    bool ext = false, ok;
    if (tmp[0] == '/')
        ok = m == 1 || tmp[1] != '/';
    else if (tmp[0] == '#')
        ok = use == KB_URL_LINK;
    else if (prefix_ci(tmp, m, "https:"))
        ok = ext = true;
    else if (prefix_ci(tmp, m, "http:"))
        ok = ext = use == KB_URL_LINK;
    else if (prefix_ci(tmp, m, "mailto:"))
        ok = use == KB_URL_LINK;
    else
        ok = false;
    if (!ok)
        return false;
    if (clean)
        kb_buf_add(clean, tmp, m);
    if (external)
        *external = ext;
    return true;
}

/* ---- text ---------------------------------------------------------------------------- */

/* Escaped text without the code points unstable_len names. */
static void add_text(struct kb_buf *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t start = 0, i = 0;
    while (i < n) {
        size_t bad = unstable_len(u + i, n - i);
        if (!bad) {
            i++;
            continue;
        }
        if (i > start)
            kb_buf_add_html(out, s + start, i - start);
        i += bad;
        start = i;
    }
    if (n > start)
        kb_buf_add_html(out, s + start, n - start);
}

static bool all_space(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\f')
            return false;
    return true;
}

/* ---- elements ------------------------------------------------------------------------ */

/* Dropped with everything inside. */
static bool is_dropped(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_APPLET:
    case GUMBO_TAG_PARAM:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_NOEMBED:
    case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_FRAME:
    case GUMBO_TAG_FRAMESET:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_OPTGROUP:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_META:
    case GUMBO_TAG_LINK:
    case GUMBO_TAG_BASE:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_AUDIO:
    case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_SOURCE:
    case GUMBO_TAG_TRACK:
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_KEYGEN:
    case GUMBO_TAG_ISINDEX:
        return true;
    default:
        return false;
    }
}

static void walk_children(struct walk *w, const GumboVector *kids, enum ctx ctx, int depth);

static const char *attr(const GumboElement *e, const char *name)
{
    const GumboAttribute *a = gumbo_get_attribute(&e->attributes, name);
    return a ? a->value : NULL;
}

static void open_tag(struct walk *w, const char *name)
{
    kb_buf_addch(w->out, '<');
    kb_buf_adds(w->out, name);
    kb_buf_addch(w->out, '>');
}

static void close_tag(struct walk *w, const char *name)
{
    kb_buf_adds(w->out, "</");
    kb_buf_adds(w->out, name);
    kb_buf_addch(w->out, '>');
}

/* <name> children in `inner` </name>. */
static void wrap(struct walk *w, const char *name, const GumboElement *e, enum ctx inner, int depth)
{
    open_tag(w, name);
    walk_children(w, &e->children, inner, depth + 1);
    close_tag(w, name);
}

static void emit_img(struct walk *w, const GumboElement *e)
{
    struct kb_buf src;
    kb_buf_init(&src, 8192);
    if (kb_url_allowed(attr(e, "src"), KB_URL_IMAGE, &src, NULL)) {
        kb_buf_adds(w->out, "<img src=\"");
        kb_buf_add_html(w->out, src.p, src.n);
        kb_buf_addch(w->out, '"');
        const char *alt = attr(e, "alt");
        if (alt) {
            kb_buf_adds(w->out, " alt=\"");
            add_text(w->out, alt, strlen(alt));
            kb_buf_addch(w->out, '"');
        }
        kb_buf_addch(w->out, '>');
    }
    kb_buf_release(&src);
}

static void emit_link(struct walk *w, const GumboElement *e, enum ctx ctx, int depth)
{
    struct kb_buf href;
    kb_buf_init(&href, 8192);
    bool ext = false;
    if (w->in_link || !kb_url_allowed(attr(e, "href"), KB_URL_LINK, &href, &ext)) {
        walk_children(w, &e->children, ctx, depth + 1); /* unwrapped, like any other */
        kb_buf_release(&href);
        return;
    }
    kb_buf_adds(w->out, "<a href=\"");
    kb_buf_add_html(w->out, href.p, href.n);
    kb_buf_addch(w->out, '"');
    if (ext)
        kb_buf_adds(w->out, " rel=\"noopener noreferrer nofollow\"");
    kb_buf_addch(w->out, '>');
    kb_buf_release(&href);
    w->in_link = true;
    walk_children(w, &e->children, CTX_INLINE, depth + 1);
    w->in_link = false;
    close_tag(w, "a");
}

static void walk_element(struct walk *w, const GumboNode *node, enum ctx ctx, int depth)
{
    const GumboElement *e = &node->v.element;
    if (depth > KB_SANITIZE_MAX_DEPTH || e->tag_namespace != GUMBO_NAMESPACE_HTML ||
        is_dropped(e->tag))
        return;
    /* Content of a list that is not an li goes into one. */
    if (ctx == CTX_LIST && e->tag != GUMBO_TAG_LI) {
        /* One level deeper, as the li will be when the output is parsed again. */
        open_tag(w, "li");
        walk_element(w, node, CTX_BLOCK, depth + 1);
        close_tag(w, "li");
        return;
    }
    switch (e->tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
        if (ctx == CTX_BLOCK) {
            wrap(w, gumbo_normalized_tagname(e->tag), e, CTX_INLINE, depth);
            return;
        }
        break;
    case GUMBO_TAG_BLOCKQUOTE:
        if (ctx == CTX_BLOCK) {
            wrap(w, "blockquote", e, CTX_BLOCK, depth);
            return;
        }
        break;
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
        if (ctx == CTX_BLOCK) {
            wrap(w, gumbo_normalized_tagname(e->tag), e, CTX_LIST, depth);
            return;
        }
        break;
    case GUMBO_TAG_LI:
        if (ctx == CTX_LIST) {
            wrap(w, "li", e, CTX_BLOCK, depth);
            return;
        }
        break;
    case GUMBO_TAG_FIGURE:
        if (ctx == CTX_BLOCK) {
            wrap(w, "figure", e, CTX_FIGURE, depth);
            return;
        }
        break;
    case GUMBO_TAG_FIGCAPTION:
        if (ctx == CTX_FIGURE) {
            wrap(w, "figcaption", e, CTX_INLINE, depth);
            return;
        }
        break;
    case GUMBO_TAG_STRONG:
    case GUMBO_TAG_B:
        wrap(w, "strong", e, CTX_INLINE, depth);
        return;
    case GUMBO_TAG_EM:
    case GUMBO_TAG_I:
        wrap(w, "em", e, CTX_INLINE, depth);
        return;
    case GUMBO_TAG_BR:
        kb_buf_adds(w->out, "<br>");
        return;
    case GUMBO_TAG_IMG:
        emit_img(w, e);
        return;
    case GUMBO_TAG_A:
        emit_link(w, e, ctx, depth);
        return;
    default:
        break;
    }
    /* Not allowed here: keep the content, in the same context. */
    walk_children(w, &e->children, ctx, depth + 1);
}

static void walk_node(struct walk *w, const GumboNode *node, enum ctx ctx, int depth)
{
    switch (node->type) {
    case GUMBO_NODE_ELEMENT:
        walk_element(w, node, ctx, depth);
        return;
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE:
    case GUMBO_NODE_CDATA: {
        const char *t = node->v.text.text;
        if (ctx == CTX_LIST || ctx == CTX_FIGURE) {
            if (all_space(t))
                return; /* the parser would keep it; we do not write it at all */
            if (ctx == CTX_LIST) {
                open_tag(w, "li");
                add_text(w->out, t, strlen(t));
                close_tag(w, "li");
                return;
            }
        }
        add_text(w->out, t, strlen(t));
        return;
    }
    default: /* comments, the document */
        return;
    }
}

static void walk_children(struct walk *w, const GumboVector *kids, enum ctx ctx, int depth)
{
    for (unsigned i = 0; i < kids->length; i++)
        walk_node(w, kids->data[i], ctx, depth);
}

int kb_html_sanitize(const char *html, size_t n, struct kb_buf *out, struct kb_diag *d)
{
    if (n > KB_SANITIZE_MAX_INPUT)
        return kb_diag_set(d, KB_ETOOBIG, "body_html", "longer than %zu bytes",
                           KB_SANITIZE_MAX_INPUT);
    GumboOptions opt = kGumboDefaultOptions;
    opt.fragment_context = GUMBO_TAG_BODY;
    opt.fragment_namespace = GUMBO_NAMESPACE_HTML;
    opt.max_errors = 0; /* we never read them */
    GumboOutput *g = gumbo_parse_with_options(&opt, html ? html : "", html ? n : 0);
    if (!g)
        return kb_diag_set(d, KB_EINVAL, "body_html", "the HTML could not be parsed");
    struct walk w = {.out = out};
    const GumboNode *root = g->root;
    if (root && root->type == GUMBO_NODE_ELEMENT)
        walk_children(&w, &root->v.element.children, CTX_BLOCK, 0);
    gumbo_destroy_output(&opt, g);
    if (kb_buf_err(out))
        return kb_diag_set(d, KB_ETOOBIG, "body_html", "the cleaned HTML is too long");
    return 0;
}
