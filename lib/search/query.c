/*
 * query.c — the search box's query language, and the FTS5 expression made from it.
 *
 * Parsing never fails: the input is cut to KB_SEARCH_MAX_INPUT bytes, cleaned (invalid
 * UTF-8, NUL and control characters become spaces; typographic quotes become '"'), then
 * read left to right into at most KB_SEARCH_MAX_PARTS parts and three filters.  Whatever
 * is not a well-formed operator is a word.
 *
 * Invariant (the reason this file exists): the MATCH expression contains user text only
 * inside FTS5 strings ("…", with '"' doubled — though cleaned text has none), so no input
 * can inject FTS5 syntax (NEAR, ^, column filters, parentheses, AND/OR/NOT); the operators
 * come from here only.  Each string is analyzed by the "khabar" tokenizer inside FTS5 (QUERY
 * mode; PREFIX mode before '*'); this file analyzes it once more, the same way, only to
 * leave out strings that hold nothing searchable.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "khabar/analyzer.h"
#include "khabar/search.h"
#include "khabar/utf8.h"

#define MAX_SLUG 100

/* ---- cleaning ---------------------------------------------------------------------- */

static bool is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

static bool is_quote_cp(uint32_t cp)
{
    return cp == '"' || cp == 0x201c || cp == 0x201d || cp == 0x201e || cp == 0xab || cp == 0xbb ||
           cp == 0xff02;
}

/* The first `max` bytes of q (at a code point boundary), with separators made spaces and
 * every quote made '"'.  Sets *truncated. */
static char *clean(const char *q, size_t n, bool *truncated)
{
    struct kb_buf b;
    kb_buf_init(&b, KB_SEARCH_MAX_INPUT + 8);
    *truncated = false;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = kb_utf8_decode(q + i, n - i, &cp);
        if (i + len > KB_SEARCH_MAX_INPUT) {
            *truncated = true;
            break;
        }
        bool bad = cp == KB_UTF8_REPLACEMENT && len == 1;
        if (bad || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || is_space_cp(cp))
            kb_buf_addch(&b, ' ');
        else if (is_quote_cp(cp))
            kb_buf_addch(&b, '"');
        else
            kb_buf_add(&b, q + i, len);
        i += len;
    }
    char *s = kb_buf_detach(&b, NULL);
    return s ? s : kb_strdup("");
}

/* ---- filters ------------------------------------------------------------------------- */

/* One ASCII digit value from an ASCII, Arabic-Indic or Persian digit at s; its length in
 * *len; -1 when not a digit. */
static int digit_at(const char *s, size_t n, size_t *len)
{
    uint32_t cp;
    *len = kb_utf8_decode(s, n, &cp);
    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp >= 0x660 && cp <= 0x669)
        return (int)(cp - 0x660);
    if (cp >= 0x6f0 && cp <= 0x6f9)
        return (int)(cp - 0x6f0);
    return -1;
}

static int days_in(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* YYYY-MM-DD exactly (also '/' between fields), a real date from year 1 to 9999. */
static bool parse_date(const char *s, size_t n, struct kb_search_date *out)
{
    int f[3] = {0, 0, 0};
    int want[3] = {4, 2, 2};
    size_t i = 0;
    for (int k = 0; k < 3; k++) {
        int nd = 0;
        while (i < n) {
            size_t len;
            int dv = digit_at(s + i, n - i, &len);
            if (dv < 0)
                break;
            if (++nd > want[k])
                return false;
            f[k] = f[k] * 10 + dv;
            i += len;
        }
        if (nd == 0 || (k == 0 && nd != 4))
            return false;
        if (k < 2) {
            if (i >= n || (s[i] != '-' && s[i] != '/'))
                return false;
            i++;
        }
    }
    if (i != n || f[0] < 1 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > days_in(f[0], f[1]))
        return false;
    out->year = f[0];
    out->month = f[1];
    out->day = f[2];
    return true;
}

/* A filter word "key:value": true when it was one (and was taken). */
static bool take_filter(struct kb_search_query *q, const char *w, size_t n)
{
    const char *colon = memchr(w, ':', n);
    if (!colon)
        return false;
    size_t klen = (size_t)(colon - w);
    const char *v = colon + 1;
    size_t vlen = n - klen - 1;
    if (vlen == 0)
        return false;
    if (klen == 7 && strncasecmp(w, "section", 7) == 0) {
        if (vlen > MAX_SLUG || memchr(v, ':', vlen) || memchr(v, '/', vlen))
            return false;
        free(q->section);
        q->section = kb_strndup(v, vlen);
        return true;
    }
    struct kb_search_date dt;
    if (klen == 4 && strncasecmp(w, "from", 4) == 0 && parse_date(v, vlen, &dt)) {
        q->from = dt;
        return true;
    }
    if (klen == 2 && strncasecmp(w, "to", 2) == 0 && parse_date(v, vlen, &dt)) {
        q->to = dt;
        return true;
    }
    return false;
}

/* ---- parsing ------------------------------------------------------------------------- */

static void add_part(struct kb_search_query *q, enum kb_search_part_kind kind, bool excluded,
                     const char *s, size_t n)
{
    if (n == 0)
        return;
    if (q->nparts == KB_SEARCH_MAX_PARTS) {
        q->dropped++;
        return;
    }
    struct kb_search_part *p = &q->parts[q->nparts++];
    p->kind = kind;
    p->excluded = excluded;
    p->text = kb_strndup(s, n);
}

/* A phrase's text: words separated by one space, at most KB_SEARCH_MAX_PHRASE_WORDS. */
static void add_phrase(struct kb_search_query *q, bool excluded, const char *s, size_t n)
{
    struct kb_buf b;
    kb_buf_init(&b, KB_SEARCH_MAX_INPUT + 8);
    size_t words = 0, i = 0;
    while (i < n && words < KB_SEARCH_MAX_PHRASE_WORDS) {
        while (i < n && s[i] == ' ')
            i++;
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        if (j > i) {
            if (b.n)
                kb_buf_addch(&b, ' ');
            kb_buf_add(&b, s + i, j - i);
            words++;
        }
        i = j;
    }
    if (words == 1)
        add_part(q, KB_SEARCH_WORD, excluded, kb_buf_cstr(&b), b.n);
    else
        add_part(q, KB_SEARCH_PHRASE, excluded, kb_buf_cstr(&b), b.n);
    kb_buf_release(&b);
}

static void add_word(struct kb_search_query *q, bool excluded, const char *w, size_t n)
{
    if (!excluded && take_filter(q, w, n))
        return;
    size_t stars = 0;
    while (stars < n && w[n - 1 - stars] == '*')
        stars++;
    if (stars == n)
        return; /* '*' alone */
    if (stars && !memchr(w, '*', n - stars))
        add_part(q, KB_SEARCH_PREFIX, excluded, w, n - stars);
    else
        add_part(q, KB_SEARCH_WORD, excluded, w, n);
}

void kb_search_query_parse(const char *in, size_t n, struct kb_search_query *out)
{
    memset(out, 0, sizeof(*out));
    char *s = clean(in ? in : "", in ? n : 0, &out->truncated);
    size_t len = strlen(s), i = 0;
    while (i < len) {
        if (s[i] == ' ') {
            i++;
            continue;
        }
        bool excluded = false;
        if (s[i] == '-') {
            while (i < len && s[i] == '-')
                i++;
            if (i >= len || s[i] == ' ')
                continue; /* a lone dash */
            excluded = true;
        }
        if (s[i] == '"') {
            const char *close = memchr(s + i + 1, '"', len - i - 1);
            if (!close) {
                i++; /* an unmatched quote: ignored, what follows is words */
                continue;
            }
            add_phrase(out, excluded, s + i + 1, (size_t)(close - s) - i - 1);
            i = (size_t)(close - s) + 1;
            continue;
        }
        size_t j = i;
        while (j < len && s[j] != ' ' && s[j] != '"')
            j++;
        add_word(out, excluded, s + i, j - i);
        i = j;
    }
    free(s);
}

void kb_search_query_release(struct kb_search_query *q)
{
    for (size_t i = 0; i < q->nparts; i++) {
        free(q->parts[i].text);
        free(q->parts[i].match);
    }
    free(q->section);
    memset(q, 0, sizeof(*q));
}

/* ---- the MATCH expression -------------------------------------------------------------- */

static int count_term(void *ctx, int flags, const char *term, size_t n, size_t start, size_t end)
{
    (void)flags;
    (void)term;
    (void)start;
    (void)end;
    if (n > 0 && n <= KB_SEARCH_MAX_TERM)
        ++*(size_t *)ctx;
    return 0;
}

/* Question words, with and without و: in a query that has other words they only add noise
 * ("كم عدد سكان القاهرة" is about القاهرة).  The analyzer's stop list has most of them
 * bare; this catches the rest (كم, وماذا, ...) at query time only, so a query of nothing
 * but "كم" still finds "كم".  Compared after normalization, so أين and اين are one. */
static bool interrogative(const struct kb_search_part *p)
{
    static const char *const words[] = {"ماذا",   "متي",   "اين",  "كيف",  "كم",   "لماذا",
                                        "هل",     "وماذا", "ومتي", "واين", "وكيف", "وكم",
                                        "ولماذا", "وهل",   "ما",   "وما",  "من",   "ومن"};
    if (p->kind != KB_SEARCH_WORD || p->excluded)
        return false;
    struct kb_buf b;
    kb_buf_init(&b, 4 * strlen(p->text) + 16);
    kb_normalize(&b, p->text, strlen(p->text));
    bool hit = false;
    for (size_t i = 0; !hit && i < sizeof(words) / sizeof(words[0]); i++)
        hit = strcmp(kb_buf_cstr(&b), words[i]) == 0;
    kb_buf_release(&b);
    return hit;
}

static bool searchable(const struct kb_search_part *p)
{
    size_t terms = 0;
    enum kb_analyze_mode mode = p->kind == KB_SEARCH_PREFIX ? KB_ANALYZE_PREFIX : KB_ANALYZE_QUERY;
    (void)kb_analyze(p->text, strlen(p->text), mode, count_term, &terms);
    return terms > 0;
}

/* ---- backoff --------------------------------------------------------------------------- */

struct word_terms {
    size_t nprimary;
    char primary[KB_SEARCH_MAX_TERM + 1];
    char alt[2][KB_SEARCH_MAX_TERM + 1]; /* the first two alternates, in the analyzer's order */
    size_t nalt;
};

static int collect_terms(void *ctx, int flags, const char *term, size_t n, size_t start, size_t end)
{
    struct word_terms *w = ctx;
    (void)start;
    (void)end;
    if (n == 0 || n > KB_SEARCH_MAX_TERM)
        return 0;
    if (!(flags & KB_TOKEN_COLOCATED)) {
        if (w->nprimary++ == 0)
            memcpy(w->primary, term, n), w->primary[n] = 0;
    } else if (w->nprimary == 1 && w->nalt < 2) {
        memcpy(w->alt[w->nalt], term, n);
        w->alt[w->nalt++][n] = 0;
    }
    return 0;
}

void kb_search_query_backoff(struct kb_search_query *q, kb_search_known_fn known, void *ctx)
{
    for (size_t i = 0; i < q->nparts; i++) {
        struct kb_search_part *p = &q->parts[i];
        if (p->kind != KB_SEARCH_WORD || p->excluded || p->match)
            continue;
        struct word_terms w = {0};
        (void)kb_analyze(p->text, strlen(p->text), KB_ANALYZE_INDEX, collect_terms, &w);
        if (w.nprimary != 1 || w.nalt == 0 || known(ctx, w.primary, strlen(w.primary)))
            continue;
        for (size_t a = 0; a < w.nalt; a++) {
            if (known(ctx, w.alt[a], strlen(w.alt[a]))) {
                p->match = kb_strdup(w.alt[a]);
                break;
            }
        }
    }
}

static void add_fts_string(struct kb_buf *out, const struct kb_search_part *p)
{
    kb_buf_addch(out, '"');
    for (const char *c = p->match ? p->match : p->text; *c; c++) {
        if (*c == '"')
            kb_buf_addch(out, '"');
        kb_buf_addch(out, *c);
    }
    kb_buf_addch(out, '"');
    if (p->kind == KB_SEARCH_PREFIX)
        kb_buf_adds(out, " *");
}

size_t kb_search_query_match(const struct kb_search_query *q, enum kb_search_join join,
                             struct kb_buf *out)
{
    bool ok[KB_SEARCH_MAX_PARTS], question[KB_SEARCH_MAX_PARTS];
    size_t npos = 0, nneg = 0, nquestion = 0;
    for (size_t i = 0; i < q->nparts; i++) {
        ok[i] = searchable(&q->parts[i]);
        question[i] = ok[i] && interrogative(&q->parts[i]);
        if (ok[i])
            q->parts[i].excluded ? nneg++ : npos++;
        nquestion += question[i];
    }
    if (nquestion && nquestion < npos) { /* question words only when nothing else is left */
        for (size_t i = 0; i < q->nparts; i++)
            ok[i] = ok[i] && !question[i];
        npos -= nquestion;
    }
    if (npos == 0)
        return 0;
    if (nneg)
        kb_buf_addch(out, '(');
    size_t k = 0;
    for (size_t i = 0; i < q->nparts; i++) {
        if (!ok[i] || q->parts[i].excluded)
            continue;
        if (k++)
            kb_buf_adds(out, join == KB_SEARCH_ANY ? " OR " : " AND ");
        add_fts_string(out, &q->parts[i]);
    }
    if (nneg) {
        kb_buf_adds(out, ") NOT (");
        k = 0;
        for (size_t i = 0; i < q->nparts; i++) {
            if (!ok[i] || !q->parts[i].excluded)
                continue;
            if (k++)
                kb_buf_adds(out, " OR ");
            add_fts_string(out, &q->parts[i]);
        }
        kb_buf_addch(out, ')');
    }
    return npos;
}

/* ---- writing a query back ------------------------------------------------------------ */

static void sep(struct kb_buf *out, size_t start)
{
    if (out->n > start)
        kb_buf_addch(out, ' ');
}

void kb_search_query_format(const struct kb_search_query *q, enum kb_search_format what,
                            struct kb_buf *out)
{
    size_t start = out->n;
    for (size_t i = 0; i < q->nparts; i++) {
        const struct kb_search_part *p = &q->parts[i];
        if (p->excluded && what == KB_SEARCH_FORMAT_POSITIVE)
            continue;
        sep(out, start);
        if (p->excluded)
            kb_buf_addch(out, '-');
        if (p->kind == KB_SEARCH_PHRASE)
            kb_buf_addch(out, '"');
        kb_buf_adds(out, p->text);
        if (p->kind == KB_SEARCH_PHRASE)
            kb_buf_addch(out, '"');
        if (p->kind == KB_SEARCH_PREFIX)
            kb_buf_addch(out, '*');
    }
    if (what != KB_SEARCH_FORMAT_ALL)
        return;
    if (q->section) {
        sep(out, start);
        kb_buf_addf(out, "section:%s", q->section);
    }
    if (q->from.year) {
        sep(out, start);
        kb_buf_addf(out, "from:%04d-%02d-%02d", q->from.year, q->from.month, q->from.day);
    }
    if (q->to.year) {
        sep(out, start);
        kb_buf_addf(out, "to:%04d-%02d-%02d", q->to.year, q->to.month, q->to.day);
    }
}
