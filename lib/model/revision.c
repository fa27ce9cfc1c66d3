/*
 * revision.c — field differences and the paragraph diff (revision.h).
 *
 * The body diff is the textbook LCS table over blocks, (n+1)×(m+1) 32-bit cells, both n and
 * m capped at KB_DIFF_MAX_BLOCKS (16 MB at worst); blocks are compared by bytes after
 * trimming.  Common leading and trailing blocks are taken off first, so the usual edit —
 * one paragraph changed in a long article — builds a tiny table.
 */
#include <stdlib.h>
#include <string.h>
#include "khabar/revision.h"
#include "khabar/text.h"

static const char *const field_names[KB_FIELD_COUNT] = {
    "slug",   "status",   "section", "headline",  "lede", "byline",
    "source", "language", "image",   "body_html", "tags", "published",
};

const char *kb_field_name(unsigned bit)
{
    for (unsigned i = 0; i < KB_FIELD_COUNT; i++)
        if (bit == 1u << i)
            return field_names[i];
    return NULL;
}

unsigned kb_field_bit(const char *name)
{
    for (unsigned i = 0; name && i < KB_FIELD_COUNT; i++)
        if (strcmp(name, field_names[i]) == 0)
            return 1u << i;
    return 0;
}

static bool same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

unsigned kb_article_diff_fields(const struct kb_article *a, const struct kb_article *b)
{
    unsigned m = 0;
    if (!same_str(a->slug, b->slug))
        m |= KB_FIELD_SLUG;
    if (a->status != b->status)
        m |= KB_FIELD_STATUS;
    if (a->section.slug && b->section.slug ? !same_str(a->section.slug, b->section.slug)
                                           : !same_str(a->section.name, b->section.name))
        m |= KB_FIELD_SECTION;
    if (!same_str(a->headline, b->headline))
        m |= KB_FIELD_HEADLINE;
    if (!same_str(a->lede, b->lede))
        m |= KB_FIELD_LEDE;
    if (!same_str(a->byline, b->byline))
        m |= KB_FIELD_BYLINE;
    if (!same_str(a->source, b->source))
        m |= KB_FIELD_SOURCE;
    if (!same_str(a->language, b->language))
        m |= KB_FIELD_LANGUAGE;
    if (!same_str(a->image.src, b->image.src) || !same_str(a->image.alt, b->image.alt) ||
        !same_str(a->image.caption, b->image.caption) ||
        !same_str(a->image.credit, b->image.credit) ||
        !same_str(a->image.copyright, b->image.copyright))
        m |= KB_FIELD_IMAGE;
    if (!same_str(a->body_html, b->body_html))
        m |= KB_FIELD_BODY;
    bool tags = a->ntags != b->ntags;
    for (size_t i = 0; !tags && i < a->ntags; i++)
        tags = !same_str(a->tags[i], b->tags[i]);
    if (tags)
        m |= KB_FIELD_TAGS;
    if (a->published != b->published)
        m |= KB_FIELD_PUBLISHED;
    return m;
}

void kb_fields_csv(unsigned mask, struct kb_buf *out)
{
    bool first = true;
    for (unsigned i = 0; i < KB_FIELD_COUNT; i++) {
        if (!(mask & (1u << i)))
            continue;
        if (!first)
            kb_buf_addch(out, ',');
        kb_buf_adds(out, field_names[i]);
        first = false;
    }
}

void kb_fields_json(unsigned mask, struct kb_json *j)
{
    kb_json_arr(j);
    for (unsigned i = 0; i < KB_FIELD_COUNT; i++)
        if (mask & (1u << i))
            kb_json_strc(j, field_names[i]);
    kb_json_end(j);
}

unsigned kb_fields_parse(const char *csv)
{
    unsigned m = 0;
    for (const char *p = csv; p && *p;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        for (unsigned i = 0; i < KB_FIELD_COUNT; i++)
            if (strlen(field_names[i]) == n && strncmp(p, field_names[i], n) == 0)
                m |= 1u << i;
        p = c ? c + 1 : NULL;
    }
    return m;
}

/* ---- blocks ----------------------------------------------------------------------------- */

struct block {
    const char *p;
    size_t n;
};

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void push(struct block **v, size_t *n, size_t *cap, const char *p, size_t len)
{
    while (len && is_ws(*p)) {
        p++;
        len--;
    }
    while (len && is_ws(p[len - 1]))
        len--;
    if (!len)
        return;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        *v = kb_realloc(*v, *cap * sizeof(**v));
    }
    (*v)[(*n)++] = (struct block){p, len};
}

static size_t closer_len(const char *p)
{
    static const char *const closers[] = {"</p>",  "</h2>", "</h3>", "</blockquote>",
                                          "</li>", "</ul>", "</ol>", "</figure>"};
    for (size_t i = 0; i < sizeof(closers) / sizeof(closers[0]); i++) {
        size_t n = strlen(closers[i]);
        if (strncmp(p, closers[i], n) == 0)
            return n;
    }
    return 0;
}

static struct block *split(const char *s, size_t *n)
{
    struct block *v = NULL;
    size_t cap = 0;
    *n = 0;
    if (!s)
        return NULL;
    const char *start = s;
    for (const char *p = s; *p;) {
        size_t c = *p == '<' ? closer_len(p) : 0;
        if (c) {
            push(&v, n, &cap, start, (size_t)(p + c - start));
            p += c;
            start = p;
        } else if (*p == '\n') {
            push(&v, n, &cap, start, (size_t)(p - start));
            start = ++p;
        } else {
            p++;
        }
    }
    push(&v, n, &cap, start, strlen(start));
    return v;
}

static bool block_eq(struct block a, struct block b)
{
    return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

static void add_op(struct kb_diff_op **ops, size_t *n, size_t *cap, enum kb_diff_kind k,
                   struct block b)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        *ops = kb_realloc(*ops, *cap * sizeof(**ops));
    }
    (*ops)[(*n)++] = (struct kb_diff_op){k, b.p, b.n};
}

void kb_diff_blocks(const char *a, const char *b, struct kb_diff_op **ops_out, size_t *nops)
{
    size_t na, nb, cap = 0, n = 0;
    struct block *A = split(a, &na), *B = split(b, &nb);
    struct kb_diff_op *ops = NULL;
    size_t pre = 0, suf = 0;
    while (pre < na && pre < nb && block_eq(A[pre], B[pre]))
        pre++;
    while (suf < na - pre && suf < nb - pre && block_eq(A[na - 1 - suf], B[nb - 1 - suf]))
        suf++;
    for (size_t i = 0; i < pre; i++)
        add_op(&ops, &n, &cap, KB_DIFF_SAME, A[i]);
    size_t ra = na - pre - suf, rb = nb - pre - suf;
    const struct block *X = A + pre, *Y = B + pre;
    if (ra > KB_DIFF_MAX_BLOCKS || rb > KB_DIFF_MAX_BLOCKS) {
        for (size_t i = 0; i < ra; i++)
            add_op(&ops, &n, &cap, KB_DIFF_DEL, X[i]);
        for (size_t i = 0; i < rb; i++)
            add_op(&ops, &n, &cap, KB_DIFF_ADD, Y[i]);
    } else if (ra || rb) {
        /* L[i][j] = LCS length of X[i..] and Y[j..]. */
        size_t w = rb + 1;
        uint32_t *L = kb_calloc((ra + 1) * w, sizeof(uint32_t));
        for (size_t i = ra; i-- > 0;)
            for (size_t j = rb; j-- > 0;)
                L[i * w + j] = block_eq(X[i], Y[j])
                                   ? L[(i + 1) * w + j + 1] + 1
                                   : (L[(i + 1) * w + j] >= L[i * w + j + 1] ? L[(i + 1) * w + j]
                                                                             : L[i * w + j + 1]);
        size_t i = 0, j = 0;
        while (i < ra || j < rb) {
            if (i < ra && j < rb && block_eq(X[i], Y[j])) {
                add_op(&ops, &n, &cap, KB_DIFF_SAME, X[i]);
                i++;
                j++;
            } else if (i < ra && (j == rb || L[(i + 1) * w + j] >= L[i * w + j + 1])) {
                add_op(&ops, &n, &cap, KB_DIFF_DEL, X[i++]); /* deletions first */
            } else {
                add_op(&ops, &n, &cap, KB_DIFF_ADD, Y[j++]);
            }
        }
        free(L);
    }
    for (size_t i = na - suf; i < na; i++)
        add_op(&ops, &n, &cap, KB_DIFF_SAME, A[i]);
    free(A);
    free(B);
    *ops_out = ops;
    *nops = n;
}

/* ---- JSON ------------------------------------------------------------------------------- */

static void field_value(const struct kb_article *a, unsigned bit, struct kb_json *j)
{
    switch (bit) {
    case KB_FIELD_SLUG:
        kb_json_strc(j, a->slug);
        break;
    case KB_FIELD_STATUS:
        kb_json_strc(j, kb_status_name(a->status));
        break;
    case KB_FIELD_SECTION:
        kb_json_strc(j, a->section.slug ? a->section.slug : a->section.name);
        break;
    case KB_FIELD_HEADLINE:
        kb_json_strc(j, a->headline);
        break;
    case KB_FIELD_LEDE:
        kb_json_strc(j, a->lede);
        break;
    case KB_FIELD_BYLINE:
        kb_json_strc(j, a->byline);
        break;
    case KB_FIELD_SOURCE:
        kb_json_strc(j, a->source);
        break;
    case KB_FIELD_LANGUAGE:
        kb_json_strc(j, a->language);
        break;
    case KB_FIELD_IMAGE:
        kb_json_obj(j);
        kb_json_key(j, "src");
        kb_json_strc(j, a->image.src);
        kb_json_key(j, "alt");
        kb_json_strc(j, a->image.alt);
        kb_json_key(j, "caption");
        kb_json_strc(j, a->image.caption);
        kb_json_key(j, "credit");
        kb_json_strc(j, a->image.credit);
        kb_json_key(j, "copyright");
        kb_json_strc(j, a->image.copyright);
        kb_json_end(j);
        break;
    case KB_FIELD_BODY:
        kb_json_strc(j, a->body_html);
        break;
    case KB_FIELD_TAGS:
        kb_json_arr(j);
        for (size_t i = 0; i < a->ntags; i++)
            kb_json_strc(j, a->tags[i]);
        kb_json_end(j);
        break;
    case KB_FIELD_PUBLISHED:
        if (a->published) {
            struct kb_buf t;
            kb_buf_init(&t, 64);
            kb_date_iso8601(&t, a->published, a->published_offset);
            kb_json_str(j, kb_buf_cstr(&t), t.n);
            kb_buf_release(&t);
        } else {
            kb_json_null(j);
        }
        break;
    default:
        kb_json_null(j);
    }
}

void kb_revision_diff_json(const struct kb_article *a, const struct kb_article *b,
                           struct kb_json *j)
{
    unsigned m = kb_article_diff_fields(a, b);
    kb_json_obj(j);
    kb_json_key(j, "changed");
    kb_fields_json(m, j);
    kb_json_key(j, "fields");
    kb_json_arr(j);
    for (unsigned i = 0; i < KB_FIELD_COUNT; i++) {
        unsigned bit = 1u << i;
        if (!(m & bit) || bit == KB_FIELD_BODY)
            continue;
        kb_json_obj(j);
        kb_json_key(j, "field");
        kb_json_strc(j, kb_field_name(bit));
        kb_json_key(j, "from");
        field_value(a, bit, j);
        kb_json_key(j, "to");
        field_value(b, bit, j);
        kb_json_end(j);
    }
    kb_json_end(j);
    kb_json_key(j, "body");
    kb_json_arr(j);
    if (m & KB_FIELD_BODY) {
        struct kb_diff_op *ops;
        size_t n;
        kb_diff_blocks(a->body_html, b->body_html, &ops, &n);
        static const char *const kinds[] = {"same", "del", "add"};
        for (size_t i = 0; i < n; i++) {
            kb_json_obj(j);
            kb_json_key(j, "op");
            kb_json_strc(j, kinds[ops[i].kind]);
            kb_json_key(j, "html");
            kb_json_str(j, ops[i].p, ops[i].n);
            kb_json_end(j);
        }
        free(ops);
    }
    kb_json_end(j);
    kb_json_end(j);
}
