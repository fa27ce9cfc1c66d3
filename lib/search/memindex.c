/*
 * memindex.c — the in-memory ranker: a read-only copy of the search index in the server's
 * memory, so that ranking a common word costs microseconds instead of FTS5's bm25() per
 * match (docs/search.md, "Speed").
 *
 * What it holds: every article (id, live state, published, section, token count) and, per
 * term, the articles holding it in id order with the positions (column << 28 | offset) of
 * every occurrence — the same terms and positions FTS5 stores for article_search, made by
 * the same analyzer calls from the same texts (headline, lede, kb_html_text(body_html)),
 * colocated alternates included.  A query is the MATCH expression kb_search_query_match
 * wrote (parsed back here: strings joined by AND or OR, minus NOT (…)); each string is a
 * phrase analyzed in QUERY mode as FTS5 would; the score is FTS5's own bm25 formula with
 * the same column weights (idf from the phrase's document count over all rows, k1 1.2,
 * b 0.75, the document's token count over the average), so the two paths rank alike, which
 * the unit tests check.  Prefix queries (`word*`) are not handled here: the caller falls
 * back to FTS5.
 *
 * Life cycle: an index is built from one read transaction and never changes; it is shared
 * by every worker thread through a reference count.  kb_search_live keeps the index of the
 * current data generation, rebuilding it on a thread of its own when a newer generation is
 * asked for; until then the asker gets NULL and uses FTS5.
 */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "khabar/analyzer.h"
#include "khabar/search.h"
#include "search_int.h"

#define COL_SHIFT 28
#define POS_MASK ((1u << COL_SHIFT) - 1)
#define BM25_K1 1.2
#define BM25_B 0.75
#define SETTLE_MS 300 /* a rebuild waits this long without a newer generation */
#define SETTLE_MAX 30

struct term {
    uint32_t str;    /* offset of the NUL-terminated term in strs */
    uint32_t n, cap; /* postings */
    uint32_t *doc;   /* article indexes, ascending */
    uint32_t *pend;  /* end of each posting's positions in pos */
    uint32_t npos, poscap;
    uint32_t *pos; /* col << COL_SHIFT | offset, ascending within a posting */
};

struct kb_search_index {
    _Atomic long refs;
    /* articles, in id order */
    size_t ndocs;
    int64_t *id, *published; /* published INT64_MIN when NULL */
    uint32_t *len;           /* tokens in all columns (FTS5's xColumnSize(-1)) */
    uint32_t *section;       /* index into sections, UINT32_MAX when none */
    uint8_t *live;           /* status 'published' */
    char **sections;
    size_t nsections;
    double avgdl;
    /* terms */
    struct term *terms;
    size_t nterms, termcap;
    uint32_t *slots; /* open addressing: term index + 1, 0 empty */
    size_t nslots;
    char *strs;
    size_t strn, strcap;
    /* snippet checkpoints: ck[ck_at[3 * d + col] ..] the byte offsets of every
     * KB_MARKS_CHECKPOINT-th position of column col of article d */
    uint32_t *ck, *ck_at;
    size_t nck, ckcap;
    size_t bytes;
    double build_ms;
};

/* ---- dictionary ------------------------------------------------------------------------ */

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static const struct term *lookup(const struct kb_search_index *x, const char *s, size_t n)
{
    if (!x->nslots)
        return NULL;
    for (size_t i = hash(s, n) & (x->nslots - 1);; i = (i + 1) & (x->nslots - 1)) {
        uint32_t t = x->slots[i];
        if (!t)
            return NULL;
        const char *ts = x->strs + x->terms[t - 1].str;
        if (strncmp(ts, s, n) == 0 && ts[n] == 0)
            return &x->terms[t - 1];
    }
}

static void grow_slots(struct kb_search_index *x)
{
    size_t ns = x->nslots ? 2 * x->nslots : 1 << 16;
    uint32_t *slots = kb_calloc(ns, sizeof(*slots));
    for (size_t t = 0; t < x->nterms; t++) {
        const char *s = x->strs + x->terms[t].str;
        size_t i = hash(s, strlen(s)) & (ns - 1);
        while (slots[i])
            i = (i + 1) & (ns - 1);
        slots[i] = (uint32_t)t + 1;
    }
    free(x->slots);
    x->slots = slots;
    x->nslots = ns;
}

static uint32_t intern(struct kb_search_index *x, const char *s, size_t n)
{
    if (2 * (x->nterms + 1) > x->nslots)
        grow_slots(x);
    size_t i = hash(s, n) & (x->nslots - 1);
    for (;; i = (i + 1) & (x->nslots - 1)) {
        uint32_t t = x->slots[i];
        if (!t)
            break;
        const char *ts = x->strs + x->terms[t - 1].str;
        if (strncmp(ts, s, n) == 0 && ts[n] == 0)
            return t - 1;
    }
    if (x->strn + n + 1 > x->strcap) {
        x->strcap = x->strcap ? 2 * x->strcap + n : 1 << 20;
        x->strs = kb_realloc(x->strs, x->strcap);
    }
    if (x->nterms == x->termcap) {
        x->termcap = x->termcap ? 2 * x->termcap : 1 << 14;
        x->terms = kb_realloc(x->terms, x->termcap * sizeof(*x->terms));
    }
    struct term *t = &x->terms[x->nterms];
    memset(t, 0, sizeof(*t));
    t->str = (uint32_t)x->strn;
    memcpy(x->strs + x->strn, s, n);
    x->strs[x->strn + n] = 0;
    x->strn += n + 1;
    x->slots[i] = (uint32_t)x->nterms + 1;
    return (uint32_t)x->nterms++;
}

/* ---- building -------------------------------------------------------------------------- */

struct occ {
    uint32_t term, code;
};

struct doc_terms {
    struct kb_search_index *x;
    struct occ *v;
    size_t n, cap;
    uint32_t col, pos; /* pos: tokens counted in this column so far */
    bool any;          /* a token was emitted in this column (fts5.c's on_term) */
    uint32_t len;
    size_t doc;
};

/* The same choices as fts5.c's on_term and FTS5's own position counting: a colocated
 * token takes the previous position, except the first of a column. */
static int on_doc_term(void *ctx, int flags, const char *s, size_t n, size_t start, size_t end)
{
    struct doc_terms *c = ctx;
    if (n == 0 || n > KB_SEARCH_MAX_TERM || end > (size_t)INT32_MAX)
        return 0;
    bool coloc = c->any && (flags & KB_TOKEN_COLOCATED);
    c->any = true;
    if (!coloc || c->pos == 0) {
        c->pos++;
        if (c->pos > 1 && (c->pos - 1) % KB_MARKS_CHECKPOINT == 0) {
            struct kb_search_index *x = c->x;
            if (x->nck == x->ckcap) {
                x->ckcap = x->ckcap ? 2 * x->ckcap : 1 << 16;
                x->ck = kb_realloc(x->ck, x->ckcap * sizeof(*x->ck));
            }
            x->ck[x->nck++] = (uint32_t)start;
        }
    }
    if (c->pos - 1 > POS_MASK)
        return 0;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->v = kb_realloc(c->v, c->cap * sizeof(*c->v));
    }
    c->v[c->n].term = intern(c->x, s, n);
    c->v[c->n].code = c->col << COL_SHIFT | (c->pos - 1);
    c->n++;
    return 0;
}

static int cmp_occ(const void *a, const void *b)
{
    const struct occ *p = a, *q = b;
    if (p->term != q->term)
        return p->term < q->term ? -1 : 1;
    return p->code < q->code ? -1 : p->code > q->code;
}

static void add_doc_text(struct doc_terms *c, uint32_t col, const char *s, size_t n)
{
    c->x->ck_at[c->doc * 3 + col] = (uint32_t)c->x->nck;
    c->col = col;
    c->pos = 0;
    c->any = false;
    if (s && n)
        (void)kb_analyze(s, n, KB_ANALYZE_INDEX, on_doc_term, c);
    c->len += c->pos;
}

static void append_postings(struct kb_search_index *x, struct doc_terms *c, uint32_t d)
{
    qsort(c->v, c->n, sizeof(*c->v), cmp_occ);
    for (size_t i = 0; i < c->n;) {
        struct term *t = &x->terms[c->v[i].term];
        if (t->n == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 4;
            t->doc = kb_realloc(t->doc, t->cap * sizeof(*t->doc));
            t->pend = kb_realloc(t->pend, t->cap * sizeof(*t->pend));
        }
        size_t j = i;
        while (j < c->n && c->v[j].term == c->v[i].term)
            j++;
        if (t->npos + (j - i) > t->poscap) {
            t->poscap = t->poscap ? 2 * t->poscap : 8;
            while (t->poscap < t->npos + (j - i))
                t->poscap *= 2;
            t->pos = kb_realloc(t->pos, t->poscap * sizeof(*t->pos));
        }
        for (size_t k = i; k < j; k++)
            t->pos[t->npos++] = c->v[k].code;
        t->doc[t->n] = d;
        t->pend[t->n++] = t->npos;
        i = j;
    }
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

#define BUILD_SQL                                                                                  \
    "SELECT a.id, a.status = 'published', a.published, s.slug, a.headline, a.lede, a.body_html"    \
    "  FROM articles a LEFT JOIN sections s ON s.id = a.section_id ORDER BY a.id"

static uint32_t section_of(struct kb_search_index *x, const char *slug)
{
    if (!slug)
        return UINT32_MAX;
    for (size_t i = 0; i < x->nsections; i++)
        if (strcmp(x->sections[i], slug) == 0)
            return (uint32_t)i;
    x->sections = kb_realloc(x->sections, (x->nsections + 1) * sizeof(*x->sections));
    x->sections[x->nsections] = kb_strdup(slug);
    return (uint32_t)x->nsections++;
}

static void shrink(struct kb_search_index *x)
{
    size_t bytes = x->ndocs * (2 * sizeof(int64_t) + 5 * sizeof(uint32_t) + 1) +
                   x->nslots * sizeof(uint32_t) + x->strn + x->nck * sizeof(uint32_t);
    for (size_t i = 0; i < x->nterms; i++) {
        struct term *t = &x->terms[i];
        t->doc = kb_realloc(t->doc, (t->n ? t->n : 1) * sizeof(*t->doc));
        t->pend = kb_realloc(t->pend, (t->n ? t->n : 1) * sizeof(*t->pend));
        t->pos = kb_realloc(t->pos, (t->npos ? t->npos : 1) * sizeof(*t->pos));
        t->cap = t->n;
        t->poscap = t->npos;
        bytes += sizeof(*t) + 2 * t->n * sizeof(uint32_t) + t->npos * sizeof(uint32_t);
    }
    x->bytes = bytes;
}

int kb_search_index_build_db(struct sqlite3 *db, struct kb_search_index **out, struct kb_diag *d)
{
    double t0 = now_ms();
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, BUILD_SQL, -1, &st, NULL) != SQLITE_OK)
        return kb_diag_set(d, KB_EDB, "", "reading articles for the search index: %s",
                           sqlite3_errmsg(db));
    struct kb_search_index *x = kb_calloc(1, sizeof(*x));
    atomic_init(&x->refs, 1);
    size_t cap = 0;
    struct doc_terms c = {.x = x};
    struct kb_buf body;
    kb_buf_init(&body, (size_t)1 << 30);
    uint64_t total = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (x->ndocs == cap) {
            cap = cap ? 2 * cap : 1024;
            x->id = kb_realloc(x->id, cap * sizeof(*x->id));
            x->published = kb_realloc(x->published, cap * sizeof(*x->published));
            x->len = kb_realloc(x->len, cap * sizeof(*x->len));
            x->section = kb_realloc(x->section, cap * sizeof(*x->section));
            x->live = kb_realloc(x->live, cap);
            x->ck_at = kb_realloc(x->ck_at, (3 * cap + 1) * sizeof(*x->ck_at));
        }
        size_t i = x->ndocs++;
        x->id[i] = sqlite3_column_int64(st, 0);
        x->live[i] = (uint8_t)sqlite3_column_int(st, 1);
        x->published[i] =
            sqlite3_column_type(st, 2) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(st, 2);
        x->section[i] = section_of(x, (const char *)sqlite3_column_text(st, 3));
        c.n = 0;
        c.len = 0;
        c.doc = i;
        for (int col = 0; col < 2; col++)
            add_doc_text(&c, (uint32_t)col, (const char *)sqlite3_column_text(st, 4 + col),
                         (size_t)sqlite3_column_bytes(st, 4 + col));
        kb_buf_reset(&body);
        if (sqlite3_column_type(st, 6) != SQLITE_NULL) {
            const char *html = (const char *)sqlite3_column_text(st, 6);
            kb_search_html_text(&body, html ? html : "", (size_t)sqlite3_column_bytes(st, 6));
        }
        add_doc_text(&c, 2, body.n ? kb_buf_cstr(&body) : NULL, body.n);
        x->len[i] = c.len;
        total += c.len;
        append_postings(x, &c, (uint32_t)i);
    }
    kb_buf_release(&body);
    free(c.v);
    if (rc != SQLITE_DONE) {
        kb_diag_set(d, KB_EDB, "", "reading articles for the search index: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        kb_search_index_release(x);
        return KB_EDB;
    }
    sqlite3_finalize(st);
    if (!x->ck_at)
        x->ck_at = kb_malloc(sizeof(*x->ck_at));
    x->ck_at[3 * x->ndocs] = (uint32_t)x->nck;
    x->avgdl = x->ndocs ? (double)total / (double)x->ndocs : 0;
    shrink(x);
    x->build_ms = now_ms() - t0;
    *out = x;
    return 0;
}

int kb_search_index_build(const char *path, struct kb_search_index **out, struct kb_diag *d)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        kb_diag_set(d, KB_EDB, path, "opening the database for the search index: %s",
                    db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return KB_EDB;
    }
    sqlite3_busy_timeout(db, 5000);
    int rc = kb_search_index_build_db(db, out, d);
    sqlite3_close(db);
    return rc;
}

void kb_search_index_retain(struct kb_search_index *x)
{
    if (x)
        atomic_fetch_add(&x->refs, 1);
}

void kb_search_index_release(struct kb_search_index *x)
{
    if (!x || atomic_fetch_sub(&x->refs, 1) != 1)
        return;
    for (size_t i = 0; i < x->nterms; i++) {
        free(x->terms[i].doc);
        free(x->terms[i].pend);
        free(x->terms[i].pos);
    }
    for (size_t i = 0; i < x->nsections; i++)
        free(x->sections[i]);
    free(x->sections);
    free(x->terms);
    free(x->slots);
    free(x->strs);
    free(x->id);
    free(x->published);
    free(x->len);
    free(x->section);
    free(x->live);
    free(x->ck);
    free(x->ck_at);
    free(x);
}

void kb_search_index_stats(const struct kb_search_index *x, struct kb_search_index_stats *out)
{
    out->articles = x->ndocs;
    out->terms = x->nterms;
    out->bytes = x->bytes;
    out->build_ms = x->build_ms;
}

/* ---- the query ------------------------------------------------------------------------ */

struct phrase {
    bool negative;
    size_t nterms;
    const struct term *t[KB_MATCH_MAX_TERMS];
    bool missing; /* a term is in no article: the phrase matches nothing */
    /* evaluated: articles holding the phrase, with its weighted frequency */
    uint32_t *doc;
    double *freq;
    size_t n;
    double idf;
};

struct plan {
    struct phrase p[KB_MATCH_MAX_PHRASES];
    size_t np;
    bool all; /* AND between the positive phrases */
};

/* The expression's phrases as this index's terms.  False for a prefix (FTS5 expands it). */
static bool make_plan(const struct kb_search_index *x, const struct kb_match_expr *e,
                      struct plan *pl)
{
    memset(pl, 0, sizeof(*pl));
    if (e->has_prefix)
        return false;
    pl->all = e->all;
    pl->np = e->np;
    for (size_t i = 0; i < e->np; i++) {
        struct phrase *p = &pl->p[i];
        p->negative = e->p[i].negative;
        p->nterms = e->p[i].nterms;
        for (size_t k = 0; k < p->nterms; k++) {
            p->t[k] = lookup(x, e->p[i].terms[k], e->p[i].lens[k]);
            if (!p->t[k])
                p->missing = true;
        }
    }
    return true;
}

/* ---- evaluation ------------------------------------------------------------------------- */

static const double col_weight[3] = {KB_SEARCH_W_HEADLINE, KB_SEARCH_W_LEDE, KB_SEARCH_W_BODY};

/* First index >= from in t->doc with doc >= d (galloping). */
static uint32_t seek(const struct term *t, uint32_t from, uint32_t d)
{
    uint32_t lo = from, step = 1, hi = from;
    while (hi < t->n && t->doc[hi] < d) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    if (hi > t->n)
        hi = t->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->doc[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool has_code(const uint32_t *v, uint32_t n, uint32_t code)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v[mid] < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == code;
}

static void eval_phrase(const struct kb_search_index *x, struct phrase *p)
{
    p->n = 0;
    if (p->missing)
        return;
    const struct term *t0 = p->t[0];
    p->doc = kb_malloc((t0->n ? t0->n : 1) * sizeof(*p->doc));
    p->freq = kb_malloc((t0->n ? t0->n : 1) * sizeof(*p->freq));
    uint32_t at[KB_MATCH_MAX_TERMS] = {0};
    for (uint32_t i = 0; i < t0->n; i++) {
        uint32_t d = t0->doc[i];
        bool all = true;
        for (size_t k = 1; all && k < p->nterms; k++) {
            at[k] = seek(p->t[k], at[k], d);
            all = at[k] < p->t[k]->n && p->t[k]->doc[at[k]] == d;
        }
        if (!all)
            continue;
        uint32_t b = i ? t0->pend[i - 1] : 0;
        double f = 0;
        for (uint32_t j = b; j < t0->pend[i]; j++) {
            uint32_t code = t0->pos[j];
            bool match = true;
            for (size_t k = 1; match && k < p->nterms; k++) {
                const struct term *tk = p->t[k];
                uint32_t kb = at[k] ? tk->pend[at[k] - 1] : 0;
                match = (code & POS_MASK) + k <= POS_MASK &&
                        has_code(tk->pos + kb, tk->pend[at[k]] - kb, code + (uint32_t)k);
            }
            if (match)
                f += col_weight[code >> COL_SHIFT];
        }
        if (f > 0) {
            p->doc[p->n] = d;
            p->freq[p->n++] = f;
        }
    }
    (void)x;
}

static int cmp_span(const void *a, const void *b)
{
    const struct kb_span *p = a, *q = b;
    if (p->pos != q->pos)
        return p->pos < q->pos ? -1 : 1;
    return p->len < q->len ? -1 : p->len > q->len;
}

struct cand {
    uint32_t doc;
    double score;
};

struct ctx {
    const struct kb_search_index *x;
    const struct kb_search_request *rq;
    bool newest;
};

/* a ranks before b */
static bool before(const struct ctx *c, const struct cand *a, const struct cand *b)
{
    const struct kb_search_index *x = c->x;
    if (!c->newest && a->score != b->score)
        return a->score > b->score;
    if (x->published[a->doc] != x->published[b->doc])
        return x->published[a->doc] > x->published[b->doc];
    return x->id[a->doc] > x->id[b->doc];
}

/* A heap of the k best so far, the worst at the top. */
static void sift_down(const struct ctx *c, struct cand *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < n && before(c, &h[w], &h[l]))
            w = l;
        if (r < n && before(c, &h[w], &h[r]))
            w = r;
        if (w == i)
            return;
        struct cand t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

static void sift_up(const struct ctx *c, struct cand *h, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(c, &h[p], &h[i]))
            return;
        struct cand t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

static bool admitted(const struct ctx *c, uint32_t d, const uint32_t *section)
{
    const struct kb_search_index *x = c->x;
    const struct kb_search_request *rq = c->rq;
    int64_t pub = x->published[d];
    if (!x->live[d] || pub == INT64_MIN || pub > rq->now || x->section[d] == UINT32_MAX)
        return false;
    if (section && x->section[d] != *section)
        return false;
    if (rq->from && pub < rq->from)
        return false;
    if (rq->to && pub >= rq->to)
        return false;
    return true;
}

int kb_search_index_rank(const struct kb_search_index *x, const struct kb_search_request *rq,
                         struct kb_search_ranked **out, size_t *n, size_t *total)
{
    struct kb_match_expr *e = kb_malloc(sizeof(*e));
    if (!kb_match_expr_parse(rq->match, e)) {
        free(e);
        return 1;
    }
    struct plan *pl = kb_malloc(sizeof(*pl));
    bool ok = make_plan(x, e, pl);
    kb_match_expr_release(e);
    free(e);
    if (!ok) {
        free(pl);
        return 1;
    }
    uint32_t sec = 0, *section = NULL;
    if (rq->section_slug) {
        sec = UINT32_MAX - 1; /* no article has it */
        for (size_t i = 0; i < x->nsections; i++)
            if (strcmp(x->sections[i], rq->section_slug) == 0)
                sec = (uint32_t)i;
        section = &sec;
    }
    double N = (double)x->ndocs;
    for (size_t i = 0; i < pl->np; i++) {
        struct phrase *p = &pl->p[i];
        eval_phrase(x, p);
        double idf = log((N - (double)p->n + 0.5) / ((double)p->n + 0.5));
        p->idf = idf <= 0.0 ? 1e-6 : idf;
    }
    /* Walk every phrase's list at once, in article order. */
    size_t at[KB_MATCH_MAX_PHRASES] = {0};
    struct ctx c = {x, rq, rq->sort == KB_SEARCH_NEWEST};
    size_t k = rq->offset + rq->limit, nh = 0, all = 0;
    struct cand *heap = kb_malloc((k ? k : 1) * sizeof(*heap));
    for (;;) {
        uint32_t d = UINT32_MAX;
        for (size_t i = 0; i < pl->np; i++)
            if (!pl->p[i].negative && at[i] < pl->p[i].n && pl->p[i].doc[at[i]] < d)
                d = pl->p[i].doc[at[i]];
        if (d == UINT32_MAX)
            break;
        double score = 0;
        bool keep = true;
        double dl = (double)x->len[d];
        for (size_t i = 0; i < pl->np; i++) {
            struct phrase *p = &pl->p[i];
            double f = 0;
            if (p->negative)
                while (at[i] < p->n && p->doc[at[i]] < d)
                    at[i]++;
            if (at[i] < p->n && p->doc[at[i]] == d)
                f = p->freq[at[i]++];
            if (f > 0 && p->negative)
                keep = false;
            if (f == 0 && pl->all && !p->negative)
                keep = false;
            score += p->idf * ((f * (BM25_K1 + 1.0)) /
                               (f + BM25_K1 * (1 - BM25_B + BM25_B * dl / x->avgdl)));
        }
        if (!keep || !admitted(&c, d, section))
            continue;
        all++;
        if (!k)
            continue;
        struct cand cd = {d, score};
        if (nh < k) {
            heap[nh] = cd;
            sift_up(&c, heap, nh++);
        } else if (before(&c, &cd, &heap[0])) {
            heap[0] = cd;
            sift_down(&c, heap, nh, 0);
        }
    }
    /* heap → best first */
    size_t m = nh;
    while (m > 1) {
        struct cand t = heap[0];
        heap[0] = heap[m - 1];
        heap[m - 1] = t;
        sift_down(&c, heap, --m, 0);
    }
    for (size_t i = 0; i < pl->np; i++) {
        free(pl->p[i].doc);
        free(pl->p[i].freq);
    }
    free(pl);
    size_t from = rq->offset < nh ? rq->offset : nh;
    struct kb_search_ranked *r = kb_calloc(nh - from ? nh - from : 1, sizeof(*r));
    for (size_t i = from; i < nh; i++) {
        r[i - from].id = x->id[heap[i].doc];
        r[i - from].score = heap[i].score;
    }
    free(heap);
    *out = r;
    *n = nh - from;
    *total = all;
    return 0;
}

static bool find_doc(const struct kb_search_index *x, int64_t id, uint32_t *d)
{
    size_t lo = 0, hi = x->ndocs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->id[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *d = (uint32_t)lo;
    return lo < x->ndocs && x->id[lo] == id;
}

/* The positions of term t in article d: [*b, *e) of t->pos.  False when d lacks it. */
static bool positions(const struct term *t, uint32_t d, uint32_t *b, uint32_t *e)
{
    if (!t)
        return false;
    uint32_t i = seek(t, 0, d);
    if (i >= t->n || t->doc[i] != d)
        return false;
    *b = i ? t->pend[i - 1] : 0;
    *e = t->pend[i];
    return true;
}

bool kb_search_index_spans(const struct kb_search_index *x, int64_t id,
                           const struct kb_match_expr *e, int col, struct kb_span **out, size_t *n)
{
    uint32_t d;
    if (e->has_prefix || !find_doc(x, id, &d))
        return false;
    struct kb_span *v = NULL;
    size_t nv = 0, cap = 0;
    for (size_t ph = 0; ph < e->np; ph++) {
        const struct kb_match_phrase *p = &e->p[ph];
        if (p->negative)
            continue;
        const struct term *t[KB_MATCH_MAX_TERMS];
        uint32_t b[KB_MATCH_MAX_TERMS], en[KB_MATCH_MAX_TERMS];
        bool all = true;
        for (size_t k = 0; all && k < p->nterms; k++) {
            t[k] = lookup(x, p->terms[k], p->lens[k]);
            all = positions(t[k], d, &b[k], &en[k]);
        }
        if (!all)
            continue;
        for (uint32_t j = b[0]; j < en[0]; j++) {
            uint32_t code = t[0]->pos[j];
            if ((int)(code >> COL_SHIFT) != col)
                continue;
            bool match = true;
            for (size_t k = 1; match && k < p->nterms; k++)
                match = (code & POS_MASK) + k <= POS_MASK &&
                        has_code(t[k]->pos + b[k], en[k] - b[k], code + (uint32_t)k);
            if (!match)
                continue;
            if (nv == cap) {
                cap = cap ? 2 * cap : 16;
                v = kb_realloc(v, cap * sizeof(*v));
            }
            v[nv++] = (struct kb_span){code & POS_MASK, (uint32_t)p->nterms, (uint32_t)ph};
        }
    }
    if (nv > 1)
        qsort(v, nv, sizeof(*v), cmp_span);
    *out = v;
    *n = nv;
    return true;
}

size_t kb_search_index_checkpoints(const struct kb_search_index *x, int64_t id, int col,
                                   const uint32_t **out)
{
    uint32_t d;
    if (col < 0 || col > 2 || !find_doc(x, id, &d))
        return 0;
    size_t from = x->ck_at[3 * d + (uint32_t)col], to = x->ck_at[3 * d + (uint32_t)col + 1];
    *out = x->ck + from;
    return to - from;
}

/* ---- the current index of a running server ------------------------------------------------ */

struct kb_search_live {
    char *path;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool stopping;
    struct kb_search_index *cur;
    uint64_t cur_gen, want_gen, tried_gen;
    kb_search_live_fn on_built;
    void *cb_ctx;
};

static void *builder(void *arg)
{
    struct kb_search_live *l = arg;
    pthread_mutex_lock(&l->mu);
    for (;;) {
        while (!l->stopping && l->want_gen <= l->tried_gen)
            pthread_cond_wait(&l->cv, &l->mu);
        if (l->stopping)
            break;
        /* Let a burst of commits (an import in another process) settle: build once no newer
         * generation was asked for during SETTLE_MS, or after SETTLE_MAX waits at most. */
        uint64_t gen = l->want_gen;
        for (int i = 0; i < SETTLE_MAX && !l->stopping; i++) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += SETTLE_MS * 1000000L;
            ts.tv_sec += ts.tv_nsec / 1000000000L;
            ts.tv_nsec %= 1000000000L;
            while (!l->stopping && l->want_gen == gen &&
                   pthread_cond_timedwait(&l->cv, &l->mu, &ts) == 0)
                ;
            if (l->want_gen == gen)
                break;
            gen = l->want_gen;
        }
        if (l->stopping)
            break;
        l->tried_gen = gen;
        pthread_mutex_unlock(&l->mu);
        struct kb_search_index *x = NULL;
        struct kb_diag d;
        kb_diag_clear(&d);
        int rc = kb_search_index_build(l->path, &x, &d);
        if (l->on_built)
            l->on_built(l->cb_ctx, rc == 0 ? x : NULL, gen, &d);
        pthread_mutex_lock(&l->mu);
        if (rc == 0) {
            struct kb_search_index *old = l->cur;
            l->cur = x;
            l->cur_gen = gen;
            pthread_mutex_unlock(&l->mu);
            kb_search_index_release(old);
            pthread_mutex_lock(&l->mu);
        }
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

int kb_search_live_start(const char *db_path, kb_search_live_fn on_built, void *ctx,
                         struct kb_search_live **out, struct kb_diag *d)
{
    struct kb_search_live *l = kb_calloc(1, sizeof(*l));
    l->path = kb_strdup(db_path);
    l->on_built = on_built;
    l->cb_ctx = ctx;
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    if (pthread_create(&l->thread, NULL, builder, l) != 0) {
        pthread_mutex_destroy(&l->mu);
        pthread_cond_destroy(&l->cv);
        free(l->path);
        free(l);
        return kb_diag_set(d, KB_EINTERNAL, "", "starting the search index thread failed");
    }
    *out = l;
    return 0;
}

struct kb_search_index *kb_search_live_get(struct kb_search_live *l, uint64_t gen)
{
    if (!l)
        return NULL;
    struct kb_search_index *x = NULL;
    pthread_mutex_lock(&l->mu);
    if (l->cur && l->cur_gen == gen) {
        x = l->cur;
        kb_search_index_retain(x);
    } else if (gen > l->want_gen) {
        l->want_gen = gen;
        pthread_cond_signal(&l->cv);
    }
    pthread_mutex_unlock(&l->mu);
    return x;
}

void kb_search_live_stop(struct kb_search_live *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    l->stopping = true;
    pthread_cond_signal(&l->cv);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->thread, NULL);
    kb_search_index_release(l->cur);
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    free(l->path);
    free(l);
}
