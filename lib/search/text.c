/*
 * text.c — the text search works on and shows: an article body as plain text, marked
 * snippets as HTML, and the result count in Arabic.
 *
 * Invariants: kb_search_html_text's output is valid UTF-8 without control characters other
 * than '\n', so the snippet marks (\x01, \x02) can never come from an article; the same
 * function feeds the index and the snippets, so their offsets agree.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/upluralrules.h>
#include <unicode/ustring.h>
#include "khabar/search.h"
#include "khabar/utf8.h"

/* ---- HTML to text ------------------------------------------------------------------- */

/* Elements that separate text: a line break instead of the tag. */
static bool is_block(const char *name, size_t n)
{
    static const char *const blocks[] = {
        "p",       "br",     "div", "li",         "ul",  "ol",         "h1",      "h2",
        "h3",      "h4",     "h5",  "h6",         "tr",  "td",         "th",      "table",
        "section", "figure", "hr",  "blockquote", "pre", "figcaption", "article", "aside",
        "header",  "footer", "dd",  "dt",         "dl",  "nav"};
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        if (strlen(blocks[i]) == n && strncasecmp(blocks[i], name, n) == 0)
            return true;
    return false;
}

static void add_cp(struct kb_buf *out, uint32_t cp)
{
    char u[4];
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == KB_UTF8_REPLACEMENT ||
        cp == 0xa0)
        cp = ' ';
    kb_buf_add(out, u, kb_utf8_encode(cp, u));
}

/* A character reference at s[0] == '&': the code point and its length, or 0. */
static size_t char_ref(const char *s, size_t n, uint32_t *cp)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } named[] = {{"amp", '&'},       {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
                 {"apos", '\''},     {"nbsp", 0xa0},    {"laquo", 0xab},   {"raquo", 0xbb},
                 {"hellip", 0x2026}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"zwnj", 0x200c},
                 {"zwj", 0x200d},    {"rlm", 0x200f},   {"lrm", 0x200e}};
    size_t e = 1;
    while (e < n && e < 12 && s[e] != ';')
        e++;
    if (e >= n || s[e] != ';')
        return 0;
    if (s[1] == '#') {
        bool hex = e > 2 && (s[2] == 'x' || s[2] == 'X');
        uint32_t v = 0;
        size_t i = hex ? 3 : 2;
        if (i >= e)
            return 0;
        for (; i < e; i++) {
            char c = s[i];
            int dv = c >= '0' && c <= '9'          ? c - '0'
                     : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                     : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                   : -1;
            if (dv < 0 || v > 0x10ffff)
                return 0;
            v = v * (hex ? 16 : 10) + (uint32_t)dv;
        }
        *cp = v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ? KB_UTF8_REPLACEMENT : v;
        return e + 1;
    }
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (strlen(named[i].name) == e - 1 && memcmp(named[i].name, s + 1, e - 1) == 0) {
            *cp = named[i].cp;
            return e + 1;
        }
    return 0;
}

void kb_search_html_text(struct kb_buf *out, const char *html, size_t n)
{
    kb_search_html_text_prefix(out, html, n, SIZE_MAX);
}

void kb_search_html_text_prefix(struct kb_buf *out, const char *html, size_t n, size_t want)
{
    /* html[run, i): bytes that go out as they are (printable ASCII, valid UTF-8), copied
     * in one piece when something else comes or the text is long enough. */
    size_t i = 0, run = 0, start = out->n;
    while (i < n && out->n + (i - run) - start < want) {
        unsigned char c = (unsigned char)html[i];
        if (c >= 0x20 && c < 0x7f && c != '<' && c != '&') {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF && i + 1 < n && ((unsigned char)html[i + 1] & 0xC0) == 0x80) {
            i += 2; /* two-byte UTF-8: Arabic, most of a body */
            continue;
        }
        uint32_t cp;
        size_t len;
        if (c >= 0x80) {
            len = kb_utf8_decode(html + i, n - i, &cp);
            if (!(cp == KB_UTF8_REPLACEMENT && len == 1)) {
                i += len;
                continue;
            }
        }
        kb_buf_add(out, html + run, i - run);
        if (c == '<') {
            size_t j = i + 1;
            if (j < n && html[j] == '/')
                j++;
            size_t name = j;
            while (j < n &&
                   ((html[j] >= 'a' && html[j] <= 'z') || (html[j] >= 'A' && html[j] <= 'Z') ||
                    (html[j] >= '0' && html[j] <= '9')))
                j++;
            bool tag = j > name || (i + 1 < n && html[i + 1] == '!');
            const char *gt = tag ? memchr(html + j, '>', n - j) : NULL;
            if (gt) {
                if (is_block(html + name, j - name))
                    kb_buf_addch(out, '\n');
                i = (size_t)(gt - html) + 1;
            } else {
                kb_buf_addch(out, '<');
                i++;
            }
        } else if (c == '&' && (len = char_ref(html + i, n - i, &cp)) != 0) {
            add_cp(out, cp);
            i += len;
        } else if (c == '&') {
            kb_buf_addch(out, '&');
            i++;
        } else if (c == '\n') {
            kb_buf_addch(out, '\n');
            i++;
        } else { /* a control character or a byte that is not UTF-8 */
            kb_buf_addch(out, ' ');
            i++;
        }
        run = i;
    }
    kb_buf_add(out, html + run, i - run);
}

/* ---- marks ---------------------------------------------------------------------------- */

void kb_search_add_marked_html(struct kb_buf *out, const char *s)
{
    if (!s)
        return;
    bool open = false;
    while (*s) {
        size_t run = strcspn(s, "\x01\x02");
        kb_buf_add_html(out, s, run);
        s += run;
        if (*s == KB_SEARCH_MARK_OPEN && !open) {
            kb_buf_adds(out, "<mark>");
            open = true;
        } else if (*s == KB_SEARCH_MARK_CLOSE && open) {
            kb_buf_adds(out, "</mark>");
            open = false;
        }
        if (*s)
            s++;
    }
    if (open)
        kb_buf_adds(out, "</mark>");
}

void kb_search_add_unmarked(struct kb_buf *out, const char *s)
{
    if (!s)
        return;
    while (*s) {
        size_t run = strcspn(s, "\x01\x02");
        kb_buf_add(out, s, run);
        s += run;
        if (*s)
            s++;
    }
}

void kb_search_hits_free(struct kb_search_hit *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].slug);
        free(v[i].section_slug);
        free(v[i].section_name);
        free(v[i].headline);
        free(v[i].snippet);
    }
    free(v);
}

/* ---- the count ------------------------------------------------------------------------ */

static UPluralRules *ar_rules;
static pthread_once_t ar_once = PTHREAD_ONCE_INIT;

static void open_rules(void)
{
    UErrorCode st = U_ZERO_ERROR;
    UPluralRules *r = uplrules_open("ar", &st);
    if (U_SUCCESS(st))
        ar_rules = r;
}

/* ICU's Arabic plural category of n ("one", "two", "few", "many", "other", "zero"); CLDR's
 * rule by hand should ICU not answer. */
static void ar_category(size_t n, char out[16])
{
    pthread_once(&ar_once, open_rules);
    if (ar_rules) {
        UChar kw[16];
        UErrorCode st = U_ZERO_ERROR;
        int32_t len = uplrules_select(ar_rules, (double)n, kw, 16, &st);
        if (U_SUCCESS(st) && len > 0 && len < 16) {
            u_austrncpy(out, kw, 16);
            out[15] = '\0';
            return;
        }
    }
    size_t m = n % 100;
    strcpy(out, n == 0              ? "zero"
                : n == 1            ? "one"
                : n == 2            ? "two"
                : m >= 3 && m <= 10 ? "few"
                : m >= 11           ? "many"
                                    : "other");
}

void kb_search_count_format(struct kb_buf *out, size_t n, const char *lang)
{
    if (lang && strncasecmp(lang, "en", 2) == 0) {
        kb_buf_addf(out, "%zu result%s", n, n == 1 ? "" : "s");
        return;
    }
    char cat[16];
    ar_category(n, cat);
    if (strcmp(cat, "zero") == 0)
        kb_buf_adds(out, "لا نتائج");
    else if (strcmp(cat, "one") == 0)
        kb_buf_adds(out, "نتيجة واحدة");
    else if (strcmp(cat, "two") == 0)
        kb_buf_adds(out, "نتيجتان");
    else if (strcmp(cat, "few") == 0)
        kb_buf_addf(out, "%zu نتائج", n);
    else
        kb_buf_addf(out, "%zu نتيجة", n);
}
