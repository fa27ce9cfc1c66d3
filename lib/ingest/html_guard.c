/*
 * html_guard.c — what stands between a hostile page and gumbo: the nesting-depth
 * pre-pass and the allocator that frees a tree without recursion (htmlextract.h).
 *
 * The pre-pass is a small HTML tokenizer: it skips comments, doctypes, processing
 * instructions and the raw text of script/style/textarea/title/xmp/iframe/noembed/
 * noframes/noscript, reads start and end tags with their quoted attributes, and keeps a
 * stack of open element names with the end tags HTML implies (a block start closes an open
 * p, li closes li, td closes td, ...).  It over-counts rather than under-counts, and
 * KB_HTML_MAX_DEPTH is far above real pages (tens), so a real page passes unchanged.  A
 * start tag that would open deeper than the cap is left out of the copy handed to gumbo,
 * and so is the next end tag for each one left out; the text between them stays.
 *
 * The allocator keeps every block gumbo allocates on a doubly linked list, so the whole
 * tree is freed by walking the list: gumbo_destroy_output recurses once per level.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "html_int.h"

/* ---- allocator ---------------------------------------------------------------------- */

union ghdr {
    struct {
        union ghdr *prev, *next;
        size_t size;
    } h;
    max_align_t align;
};

void *kb_html_alloc(void *ud, size_t size)
{
    struct kb_html_heap *heap = ud;
    if (size > KB_HTML_HEAP_MAX || heap->live + size > KB_HTML_HEAP_MAX)
        kb_oom(); /* unreachable below KB_HTML_MAX_INPUT; the project's one allocation hook */
    union ghdr *g = kb_malloc(sizeof(*g) + size);
    g->h.size = size;
    g->h.prev = NULL;
    g->h.next = heap->head;
    if (heap->head)
        ((union ghdr *)heap->head)->h.prev = g;
    heap->head = g;
    heap->live += size;
    if (heap->live > heap->peak)
        heap->peak = heap->live;
    return g + 1;
}

void kb_html_dealloc(void *ud, void *p)
{
    if (!p)
        return;
    struct kb_html_heap *heap = ud;
    union ghdr *g = (union ghdr *)p - 1;
    if (g->h.prev)
        g->h.prev->h.next = g->h.next;
    else
        heap->head = g->h.next;
    if (g->h.next)
        g->h.next->h.prev = g->h.prev;
    heap->live -= g->h.size;
    free(g);
}

void kb_html_heap_free(struct kb_html_heap *heap)
{
    union ghdr *g = heap->head;
    while (g) {
        union ghdr *next = g->h.next;
        free(g);
        g = next;
    }
    heap->head = NULL;
    heap->live = 0;
}

/* ---- the depth pre-pass --------------------------------------------------------------- */

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

#define NAME_MAX_LEN 15

struct tagname {
    char s[NAME_MAX_LEN + 1];
    uint32_t h; /* FNV-1a of s: compared before the bytes */
};

static uint32_t name_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The elements whose start tags close an open one of their own kind: counted, so that
 * the common case (none open) costs no scan of the stack. */
static const char *const tracked[] = {"p", "li", "dd", "dt", "td", "th", "tr", "option"};
#define NTRACKED (sizeof(tracked) / sizeof(tracked[0]))

static int tracked_index(const char *s)
{
    for (size_t k = 0; k < NTRACKED; k++)
        if (strcmp(s, tracked[k]) == 0)
            return (int)k;
    return -1;
}

static bool name_is(const struct tagname *t, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(t->s, *set) == 0)
            return true;
    return false;
}

static const char *const void_tags[] = {"area",  "base",  "br",     "col",  "embed", "hr",
                                        "img",   "input", "link",   "meta", "param", "source",
                                        "track", "wbr",   "keygen", NULL};
static const char *const raw_tags[] = {"script", "style",   "textarea", "title",    "xmp",
                                       "iframe", "noembed", "noframes", "noscript", NULL};
/* Start tags that close an open p (HTML's "close a p element"). */
static const char *const p_closers[] = {
    "address", "article", "aside",    "blockquote", "center", "details", "dialog",  "dir",
    "div",     "dl",      "fieldset", "figcaption", "figure", "footer",  "form",    "h1",
    "h2",      "h3",      "h4",       "h5",         "h6",     "header",  "hgroup",  "hr",
    "main",    "menu",    "nav",      "ol",         "p",      "pre",     "section", "table",
    "ul",      "li",      "dd",       "dt",         NULL};

struct guard {
    struct tagname stack[KB_HTML_MAX_DEPTH];
    signed char kind[KB_HTML_MAX_DEPTH]; /* tracked_index of each entry */
    size_t open[NTRACKED];               /* how many of each tracked kind are open */
    size_t depth;
    size_t excess;  /* start tags left out whose end tag is still to come */
    size_t dropped; /* start tags left out in all */
};

static void pop_until(struct guard *g, size_t depth)
{
    while (g->depth > depth) {
        g->depth--;
        if (g->kind[g->depth] >= 0)
            g->open[(int)g->kind[g->depth]]--;
    }
}

/* Pop to the nearest open `name` when it is found before one of `stop`; true when popped. */
static bool pop_to(struct guard *g, const char *name, const char *const *stop)
{
    int k = tracked_index(name);
    if (k >= 0 && g->open[k] == 0)
        return false;
    uint32_t h = name_hash(name);
    for (size_t i = g->depth; i-- > 0;) {
        if (g->stack[i].h == h && strcmp(g->stack[i].s, name) == 0) {
            pop_until(g, i);
            return true;
        }
        if (stop && name_is(&g->stack[i], stop))
            return false;
    }
    return false;
}

static const char *const scope_stop[] = {"table", "td", "th", "button", "html", NULL};
static const char *const list_stop[] = {"ul", "ol", "table", NULL};
static const char *const dl_stop[] = {"dl", "table", NULL};
static const char *const row_stop[] = {"tr", "table", NULL};
static const char *const table_stop[] = {"table", NULL};

/* A start tag: true when it may go to gumbo. */
static bool start_tag(struct guard *g, const struct tagname *t, bool self_closing)
{
    if (name_is(t, void_tags) || self_closing)
        return true;
    if (name_is(t, p_closers))
        pop_to(g, "p", scope_stop);
    if (strcmp(t->s, "li") == 0)
        pop_to(g, "li", list_stop);
    if (strcmp(t->s, "dd") == 0 || strcmp(t->s, "dt") == 0) {
        if (!pop_to(g, "dd", dl_stop))
            pop_to(g, "dt", dl_stop);
    }
    if (strcmp(t->s, "td") == 0 || strcmp(t->s, "th") == 0) {
        if (!pop_to(g, "td", row_stop))
            pop_to(g, "th", row_stop);
    }
    if (strcmp(t->s, "tr") == 0)
        pop_to(g, "tr", table_stop);
    if (strcmp(t->s, "option") == 0 && g->depth && strcmp(g->stack[g->depth - 1].s, "option") == 0)
        pop_until(g, g->depth - 1);
    if (g->depth >= KB_HTML_MAX_DEPTH) {
        g->excess++;
        g->dropped++;
        return false;
    }
    int k = tracked_index(t->s);
    g->kind[g->depth] = (signed char)k;
    if (k >= 0)
        g->open[k]++;
    g->stack[g->depth++] = *t;
    return true;
}

static bool end_tag(struct guard *g, const struct tagname *t)
{
    if (g->excess) {
        g->excess--;
        return false;
    }
    pop_to(g, t->s, NULL);
    return true;
}

/* Index just past the first case-insensitive "</name" at or after i, or n. */
static size_t skip_raw(const char *s, size_t n, size_t i, const char *name)
{
    size_t len = strlen(name);
    for (; i + 2 + len <= n; i++) {
        if (s[i] != '<' || s[i + 1] != '/')
            continue;
        size_t k = 0;
        while (k < len && lower(s[i + 2 + k]) == name[k])
            k++;
        if (k == len)
            return i;
    }
    return n;
}

/* Past the '>' that ends a tag whose attributes start at i (quotes respected), or n. */
static size_t tag_end(const char *s, size_t n, size_t i, bool *self_closing)
{
    char quote = 0;
    char prev = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            if (prev == '=' || is_space(prev))
                quote = c;
        } else if (c == '>') {
            *self_closing = prev == '/';
            return i + 1;
        }
        if (!is_space(c))
            prev = c;
        else if (prev != '=')
            prev = ' ';
    }
    return n;
}

int kb_html_guard(const char *s, size_t n, struct kb_buf *out, size_t *dropped, size_t *ntags)
{
    size_t tags = 0;
    struct guard *g = kb_calloc(1, sizeof(*g));
    size_t i = 0, copied = 0; /* s[copied..i) is still to be copied when out is in use */
    bool copying = false;
    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        if (!lt)
            break;
        i = (size_t)(lt - s);
        size_t start = i;
        if (i + 4 <= n && memcmp(s + i, "<!--", 4) == 0) {
            const char *e = NULL;
            for (size_t k = i + 4; k + 3 <= n; k++)
                if (s[k] == '-' && s[k + 1] == '-' && s[k + 2] == '>') {
                    e = s + k + 3;
                    break;
                }
            i = e ? (size_t)(e - s) : n;
            continue;
        }
        if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?')) {
            const char *e = memchr(s + i, '>', n - i);
            i = e ? (size_t)(e - s) + 1 : n;
            continue;
        }
        bool end = i + 1 < n && s[i + 1] == '/';
        size_t k = i + (end ? 2 : 1);
        if (k >= n || !is_alpha(s[k])) {
            i++;
            continue;
        }
        struct tagname t;
        size_t len = 0;
        while (k < n && !is_space(s[k]) && s[k] != '>' && s[k] != '/') {
            if (len < NAME_MAX_LEN)
                t.s[len++] = lower(s[k]);
            k++;
        }
        t.s[len] = '\0';
        t.h = name_hash(t.s);
        bool self_closing = false;
        i = tag_end(s, n, k, &self_closing);
        if (!end)
            tags++;
        /* Raw-text elements hold no tags and never nest: always kept, never counted. */
        bool raw = name_is(&t, raw_tags);
        bool keep = raw || (end ? end_tag(g, &t) : start_tag(g, &t, self_closing));
        if (!keep) {
            if (!copying) {
                copying = true;
                kb_buf_init(out, n + 1);
            }
            kb_buf_add(out, s + copied, start - copied);
            copied = i;
        }
        if (raw && !end && !self_closing)
            i = skip_raw(s, n, i, t.s); /* to its end tag, read next */
    }
    if (copying)
        kb_buf_add(out, s + copied, n - copied);
    *dropped = g->dropped;
    *ntags = tags;
    free(g);
    return copying ? 1 : 0;
}
