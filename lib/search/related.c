/*
 * related.c — term vectors, body shingles, near-duplicate marks and related lists over
 * SQLite.
 *
 * The model is related.h's.  Two ways to compute lists, with one scoring rule (score_list):
 *  - one article (kb_related_sqlite_update): its candidates come from a self-join of
 *    article_terms on the term (the dot product of unit vectors is the cosine); those whose
 *    body length allows it are analyzed again and compared by shingles (near-duplicates);
 *  - everything (kb_related_sqlite_rebuild): articles are analyzed in two threads (chunks
 *    read and stored by the calling thread), vectors interned into an inverted index, each
 *    article's 60 best cosines accumulated over the postings of its terms — no SQL per
 *    pair — and the candidate pairs' shingle sets compared in memory.
 * Both give the same marks and lists for the same data.  Invariants: every statement is
 * finalized on every path; every write runs inside the savepoint "related", released on
 * success and rolled back on failure, so the tables are never half-written; only the
 * calling thread touches SQLite.
 */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/analyzer.h"
#include "khabar/buf.h"
#include "khabar/related.h"
#include "khabar/search.h"

#define W_HEADLINE 3.0
#define W_LEDE 2.0
#define W_BODY 1.0
#define W_NAME 2.0       /* a Latin word written with a capital */
#define CANDIDATES 60    /* cosine candidates re-scored per article */
#define NEIGHBOURS 30    /* of an updated article's candidates, lists recomputed */
#define SAME_SECTION 1.3 /* the editors filed it in the same section */
#define DECAY_DAYS 30.0  /* time decay: half weight at this distance */
#define MIN_DUP_TERMS 8  /* bodies with fewer terms are never near-duplicates */
/* A term found in more than this share of the articles says nothing about relatedness
 * (its idf is near zero) but its postings are long: it is left out of the vectors once
 * the site has MIN_DF_DOCS articles, which bounds the candidate joins on repetitive text
 * (a 40-word vocabulary made every update scan every article). */
#define MAX_DF_SHARE 0.25
#define MIN_DF_DOCS 200
#define MAX_TEXT (4u << 20) /* body text analyzed per article */
#define CHUNK 256           /* articles read, then analyzed by two threads, in a rebuild */

/* ---- a string -> index map (open addressing, grows at 1/2 load) ---------------------- */

struct strmap {
    char **keys;
    uint32_t *lens; /* of the keys: compared before the bytes */
    int *vals;
    size_t cap, len;
};

static uint64_t fnv1a(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ull;
    }
    return h;
}
#define FNV_BASIS 14695981039346656037ull

static void strmap_release(struct strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->lens);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t strmap_slot(const struct strmap *m, const char *k, size_t n)
{
    size_t i = (size_t)fnv1a(k, n, FNV_BASIS) & (m->cap - 1);
    while (m->keys[i] && (m->lens[i] != n || memcmp(m->keys[i], k, n) != 0))
        i = (i + 1) & (m->cap - 1);
    return i;
}

/* The value of k, or -1. */
static int strmap_get(const struct strmap *m, const char *k, size_t n)
{
    if (!m->cap)
        return -1;
    size_t i = strmap_slot(m, k, n);
    return m->keys[i] ? m->vals[i] : -1;
}

/* A pointer to k's value, inserted with `v` when missing (*added set). */
static int *strmap_put(struct strmap *m, const char *k, size_t n, int v, bool *added)
{
    if (2 * (m->len + 1) > m->cap) {
        struct strmap g = {.cap = m->cap ? 2 * m->cap : 64};
        g.keys = kb_calloc(g.cap, sizeof *g.keys);
        g.lens = kb_calloc(g.cap, sizeof *g.lens);
        g.vals = kb_calloc(g.cap, sizeof *g.vals);
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = strmap_slot(&g, m->keys[i], m->lens[i]);
                g.keys[j] = m->keys[i];
                g.lens[j] = m->lens[i];
                g.vals[j] = m->vals[i];
            }
        g.len = m->len;
        free(m->keys);
        free(m->lens);
        free(m->vals);
        *m = g;
    }
    size_t i = strmap_slot(m, k, n);
    *added = !m->keys[i];
    if (*added) {
        m->keys[i] = kb_strndup(k, n);
        m->lens[i] = (uint32_t)n;
        m->vals[i] = v;
        m->len++;
    }
    return &m->vals[i];
}

/* ---- body shingles and their Jaccard similarity ------------------------------------- */

/* The set of 3-term shingles of a body: 32-bit hashes, sorted, without repeats. */
struct shset {
    uint32_t *h;
    size_t n, cap;
    size_t nterms; /* terms of the body */
    uint64_t last[3];
};

static void shset_term(struct shset *s, const char *term, size_t n)
{
    s->last[0] = s->last[1];
    s->last[1] = s->last[2];
    s->last[2] = fnv1a(term, n, FNV_BASIS);
    if (++s->nterms < 3)
        return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->h = kb_realloc(s->h, s->cap * sizeof *s->h);
    }
    uint64_t k = fnv1a(s->last, sizeof s->last, FNV_BASIS);
    s->h[s->n++] = (uint32_t)(k ^ (k >> 32));
}

static int u32_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

static void shset_finish(struct shset *s)
{
    if (s->n > 1) /* qsort(NULL, 0) is undefined: an empty body has no shingles */
        qsort(s->h, s->n, sizeof *s->h, u32_cmp);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (k == 0 || s->h[k - 1] != s->h[i])
            s->h[k++] = s->h[i];
    s->n = k;
}

static int shset_cb(void *ctx, int flags, const char *term, size_t n, size_t start, size_t end)
{
    (void)flags, (void)start, (void)end;
    shset_term(ctx, term, n);
    return 0;
}

/* Jaccard similarity of two sorted sets; 0 when one is too short to judge, or when their
 * sizes alone rule out KB_DUP_JACCARD (|A∩B|/|A∪B| <= min/max). */
static double jaccard(const uint32_t *a, size_t na, size_t ta, const uint32_t *b, size_t nb,
                      size_t tb)
{
    if (ta < MIN_DUP_TERMS || tb < MIN_DUP_TERMS || !na || !nb)
        return 0;
    size_t lo = na < nb ? na : nb, hi = na < nb ? nb : na;
    if ((double)lo < KB_DUP_JACCARD * (double)hi)
        return 0;
    size_t i = 0, j = 0, in = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j])
            in++, i++, j++;
        else if (a[i] < b[j])
            i++;
        else
            j++;
    }
    return (double)in / (double)(na + nb - in);
}

double kb_dup_similarity(const char *a, size_t na, const char *b, size_t nb)
{
    struct shset x = {0}, y = {0};
    (void)kb_analyze(a, na, KB_ANALYZE_QUERY, shset_cb, &x);
    (void)kb_analyze(b, nb, KB_ANALYZE_QUERY, shset_cb, &y);
    shset_finish(&x);
    shset_finish(&y);
    double j = jaccard(x.h, x.n, x.nterms, y.h, y.n, y.nterms);
    if (j == 0 && x.nterms >= MIN_DUP_TERMS && y.nterms >= MIN_DUP_TERMS && x.n && y.n) {
        /* the size shortcut: compute it anyway, callers want the figure */
        size_t i = 0, k = 0, in = 0;
        while (i < x.n && k < y.n) {
            if (x.h[i] == y.h[k])
                in++, i++, k++;
            else if (x.h[i] < y.h[k])
                i++;
            else
                k++;
        }
        j = (double)in / (double)(x.n + y.n - in);
    }
    if (x.nterms < MIN_DUP_TERMS || y.nterms < MIN_DUP_TERMS)
        j = -1;
    free(x.h);
    free(y.h);
    return j;
}

/* ---- vectors ----------------------------------------------------------------------- */

/* Document frequency of a term: from a preloaded map (rebuild) or the vocab table. */
struct dfsrc {
    const struct strmap *map; /* term -> df, when set */
    sqlite3_stmt *st;         /* SELECT doc FROM article_search_vocab WHERE term = ?1 */
    double ndocs;
};

static double df_of(struct dfsrc *src, const char *t, size_t n)
{
    if (src->map) {
        int v = strmap_get(src->map, t, n);
        return v > 0 ? v : 1;
    }
    sqlite3_reset(src->st);
    sqlite3_bind_text(src->st, 1, t, (int)n, SQLITE_STATIC);
    double df = 1;
    if (sqlite3_step(src->st) == SQLITE_ROW)
        df = sqlite3_column_double(src->st, 0);
    sqlite3_reset(src->st);
    return df > 0 ? df : 1;
}

struct tfacc {
    struct strmap map; /* term -> index into tf */
    double *tf;
    size_t cap;
    double weight;
    const char *text;
};

static int tf_term(void *ctx, int flags, const char *term, size_t n, size_t start, size_t end)
{
    (void)flags, (void)end;
    struct tfacc *a = ctx;
    bool added;
    int *slot = strmap_put(&a->map, term, n, (int)a->map.len, &added);
    if (added) {
        if ((size_t)*slot >= a->cap) {
            a->cap = a->cap ? 2 * a->cap : 256;
            a->tf = kb_realloc(a->tf, a->cap * sizeof *a->tf);
        }
        a->tf[*slot] = 0;
    }
    double w = a->weight;
    unsigned char c = (unsigned char)a->text[start];
    if (c >= 'A' && c <= 'Z')
        w *= W_NAME;
    a->tf[*slot] += w;
    return 0;
}

struct vec {
    size_t n;
    char *terms[KB_RELATED_TERMS];
    double w[KB_RELATED_TERMS];
};

static void vec_release(struct vec *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->terms[i]);
    v->n = 0;
}

struct doc {
    const char *headline, *lede, *body_html;
};

/* The body's terms feed both the vector and the shingle set (one analysis). */
struct bodyacc {
    struct tfacc *acc;
    struct shset *sh;
};

static int body_term(void *ctx, int flags, const char *term, size_t n, size_t start, size_t end)
{
    struct bodyacc *b = ctx;
    shset_term(b->sh, term, n);
    return tf_term(b->acc, flags, term, n, start, end);
}

/* The article's vector and the shingle set of its body (finished: sorted, no repeats).  The
 * story's text only is shingled: a copy filed again under a new headline is still a copy.
 * Returns a hash of the set (equal bodies, equal hashes). */
static uint64_t doc_analyze(const struct doc *doc, struct dfsrc *src, struct vec *v,
                            struct shset *sh)
{
    struct kb_buf body;
    kb_buf_init(&body, MAX_TEXT);
    if (doc->body_html)
        kb_search_html_text(&body, doc->body_html, strlen(doc->body_html));
    const char *bt = kb_buf_cstr(&body);
    size_t bn = body.n;

    struct tfacc acc = {0};
    const char *texts[3] = {doc->headline, doc->lede, bt};
    size_t lens[3] = {doc->headline ? strlen(doc->headline) : 0, doc->lede ? strlen(doc->lede) : 0,
                      bn};
    const double weights[3] = {W_HEADLINE, W_LEDE, W_BODY};
    for (int f = 0; f < 3; f++) {
        if (!texts[f] || !lens[f])
            continue;
        acc.weight = weights[f];
        acc.text = texts[f];
        if (f == 2) {
            struct bodyacc b = {&acc, sh};
            (void)kb_analyze(texts[f], lens[f], KB_ANALYZE_QUERY, body_term, &b);
        } else {
            (void)kb_analyze(texts[f], lens[f], KB_ANALYZE_QUERY, tf_term, &acc);
        }
    }
    shset_finish(sh);
    uint64_t hash = fnv1a(sh->h, sh->n * sizeof *sh->h, FNV_BASIS);
    kb_buf_release(&body);

    /* Keep the KB_RELATED_TERMS heaviest (insertion into a small sorted array). */
    v->n = 0;
    const char *best[KB_RELATED_TERMS];
    for (size_t i = 0; i < acc.map.cap; i++) {
        if (!acc.map.keys[i])
            continue;
        const char *t = acc.map.keys[i];
        size_t tn = acc.map.lens[i];
        double tf = acc.tf[acc.map.vals[i]];
        double df = df_of(src, t, tn);
        double idf = log((src->ndocs + 1) / df);
        if (idf <= 0 || (src->ndocs >= MIN_DF_DOCS && df > MAX_DF_SHARE * src->ndocs))
            continue;
        double w = (1 + log(tf)) * idf;
        size_t k = v->n < KB_RELATED_TERMS ? v->n : KB_RELATED_TERMS;
        if (k == KB_RELATED_TERMS && w <= v->w[k - 1])
            continue;
        if (k == KB_RELATED_TERMS)
            k--;
        /* Ties broken by the term, so vectors do not depend on hash order. */
        while (k > 0 && (v->w[k - 1] < w || (v->w[k - 1] == w && strcmp(best[k - 1], t) > 0))) {
            v->w[k] = v->w[k - 1];
            best[k] = best[k - 1];
            k--;
        }
        v->w[k] = w;
        best[k] = t;
        if (v->n < KB_RELATED_TERMS)
            v->n++;
    }
    double norm = 0;
    for (size_t i = 0; i < v->n; i++)
        norm += v->w[i] * v->w[i];
    norm = sqrt(norm);
    for (size_t i = 0; i < v->n; i++) {
        v->terms[i] = kb_strdup(best[i]);
        v->w[i] = norm > 0 ? v->w[i] / norm : 0;
    }
    strmap_release(&acc.map);
    free(acc.tf);
    return hash;
}

/* ---- SQL helpers --------------------------------------------------------------------- */

static int fail(sqlite3 *db, const char *what, struct kb_diag *d)
{
    return kb_diag_set(d, KB_EDB, "", "related: %s: %s", what, sqlite3_errmsg(db));
}

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct kb_diag *d)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return fail(db, "prepare", d);
    }
    return 0;
}

static int exec(sqlite3 *db, const char *sql, struct kb_diag *d)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, sql, d);
    return 0;
}

static int begin(sqlite3 *db, struct kb_diag *d)
{
    return exec(db, "SAVEPOINT related", d);
}

static int end(sqlite3 *db, int rc, struct kb_diag *d)
{
    if (rc == 0)
        return exec(db, "RELEASE related", d);
    sqlite3_exec(db, "ROLLBACK TO related; RELEASE related", NULL, NULL, NULL);
    return rc;
}

static int count_articles(sqlite3 *db, double *n, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(db, "SELECT count(*) FROM articles", &st, d);
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_double(st, 0);
    else
        rc = fail(db, "count", d);
    sqlite3_finalize(st);
    return rc;
}

/* ---- scoring --------------------------------------------------------------------------- */

/* What scoring needs to know of an article. */
struct meta {
    int64_t id;
    int64_t published; /* 0: never */
    int64_t section;
    bool eligible; /* published and not trashed */
    bool near;     /* a near-duplicate of the article whose list is made (when known) */
    int64_t dup_of;
    int64_t nterms; /* of its body, as stored (0: unknown) */
};

struct cand {
    int64_t id;
    double score;
};

static int cand_cmp(const void *x, const void *y)
{
    const struct cand *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

static double decay(int64_t a, int64_t b)
{
    if (!a || !b)
        return 0.5;
    double days = fabs((double)(a - b)) / 86400.0;
    return 0.5 + 0.5 * DECAY_DAYS / (DECAY_DAYS + days);
}

/* Filter and re-score candidates (id, cosine; metas in `cm`, parallel) for article `self`;
 * sorts `c` and returns how many to keep (at most KB_RELATED_MAX). */
static size_t score_list(const struct meta *self, struct cand *c, const struct meta *cm, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct meta *m = &cm[i];
        if (m->id == self->id || !m->eligible || m->dup_of != 0 || m->id == self->dup_of || m->near)
            continue;
        c[k].id = m->id;
        c[k].score = c[i].score * decay(self->published, m->published) *
                     (m->section == self->section ? SAME_SECTION : 1.0);
        k++;
    }
    qsort(c, k, sizeof *c, cand_cmp);
    return k < KB_RELATED_MAX ? k : KB_RELATED_MAX;
}

static int write_list(sqlite3_stmt *del, sqlite3_stmt *ins, int64_t id, const struct cand *c,
                      size_t n)
{
    sqlite3_reset(del);
    sqlite3_bind_int64(del, 1, id);
    if (sqlite3_step(del) != SQLITE_DONE)
        return -1;
    sqlite3_reset(del);
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, id);
        sqlite3_bind_int64(ins, 2, (int64_t)i + 1);
        sqlite3_bind_int64(ins, 3, c[i].id);
        sqlite3_bind_double(ins, 4, c[i].score);
        if (sqlite3_step(ins) != SQLITE_DONE)
            return -1;
        sqlite3_reset(ins);
    }
    return 0;
}

#define META_COLS                                                                                  \
    "a.id, coalesce(a.published, 0), a.section_id, a.status = 'published' AND a.deleted_at IS "    \
    "NULL, coalesce(h.dup_of, 0), coalesce(h.nterms, 0)"
#define KB_STR2(x) #x
#define KB_STR(x) KB_STR2(x)

static void read_meta(sqlite3_stmt *st, int col, struct meta *m)
{
    m->id = sqlite3_column_int64(st, col);
    m->published = sqlite3_column_int64(st, col + 1);
    m->section = sqlite3_column_int64(st, col + 2);
    m->eligible = sqlite3_column_int(st, col + 3) != 0;
    m->dup_of = sqlite3_column_int64(st, col + 4);
    m->nterms = sqlite3_column_int64(st, col + 5);
    m->near = false;
}

static const char *const write_del_sql = "DELETE FROM article_related WHERE article_id = ?1";
static const char *const write_ins_sql =
    "INSERT INTO article_related (article_id, rank, related_id, score) VALUES (?1, ?2, ?3, ?4)";

/* The statements that write an article's stored data (vector, hash, list). */
struct writer {
    sqlite3_stmt *terms_del, *terms_ins, *hash_put, *list_del, *list_ins, *dup_set;
};

static void writer_release(struct writer *w)
{
    sqlite3_finalize(w->terms_del);
    sqlite3_finalize(w->terms_ins);
    sqlite3_finalize(w->hash_put);
    sqlite3_finalize(w->list_del);
    sqlite3_finalize(w->list_ins);
    sqlite3_finalize(w->dup_set);
    memset(w, 0, sizeof *w);
}

static int writer_init(sqlite3 *db, struct writer *w, struct kb_diag *d)
{
    memset(w, 0, sizeof *w);
    int rc = prep(db, "DELETE FROM article_terms WHERE article_id = ?1", &w->terms_del, d);
    if (!rc)
        rc = prep(db, "INSERT INTO article_terms (article_id, term, weight) VALUES (?1, ?2, ?3)",
                  &w->terms_ins, d);
    if (!rc)
        rc = prep(db,
                  "INSERT INTO article_simhash (article_id, simhash, nterms, version, dup_of)"
                  " VALUES (?1, ?2, ?3, ?4, NULL) ON CONFLICT (article_id) DO UPDATE SET"
                  " simhash = excluded.simhash, nterms = excluded.nterms,"
                  " version = excluded.version",
                  &w->hash_put, d);
    if (!rc)
        rc = prep(db, write_del_sql, &w->list_del, d);
    if (!rc)
        rc = prep(db, write_ins_sql, &w->list_ins, d);
    if (!rc)
        rc = prep(db, "UPDATE article_simhash SET dup_of = ?2 WHERE article_id = ?1", &w->dup_set,
                  d);
    if (rc)
        writer_release(w);
    return rc;
}

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Store the vector and the body's set hash and size (`version`: the article's). */
static int store_vector(sqlite3 *db, struct writer *w, int64_t id, const struct vec *v, uint64_t h,
                        size_t nterms, int64_t version, struct kb_diag *d)
{
    sqlite3_bind_int64(w->terms_del, 1, id);
    if (step_done(w->terms_del))
        return fail(db, "delete terms", d);
    for (size_t i = 0; i < v->n; i++) {
        sqlite3_bind_int64(w->terms_ins, 1, id);
        sqlite3_bind_text(w->terms_ins, 2, v->terms[i], -1, SQLITE_STATIC);
        sqlite3_bind_double(w->terms_ins, 3, v->w[i]);
        if (step_done(w->terms_ins))
            return fail(db, "insert terms", d);
    }
    sqlite3_bind_int64(w->hash_put, 1, id);
    sqlite3_bind_int64(w->hash_put, 2, (int64_t)h);
    sqlite3_bind_int64(w->hash_put, 3, (int64_t)nterms);
    sqlite3_bind_int64(w->hash_put, 4, version);
    return step_done(w->hash_put) ? fail(db, "insert hash", d) : 0;
}

static int set_dup(sqlite3 *db, struct writer *w, int64_t id, int64_t dup_of, struct kb_diag *d)
{
    sqlite3_bind_int64(w->dup_set, 1, id);
    if (dup_of)
        sqlite3_bind_int64(w->dup_set, 2, dup_of);
    else
        sqlite3_bind_null(w->dup_set, 2);
    return step_done(w->dup_set) ? fail(db, "mark duplicates", d) : 0;
}

/* ---- one article ------------------------------------------------------------------------ */

static const char *const cands_sql =
    "WITH c AS MATERIALIZED ("
    "  SELECT b.article_id AS id, sum(x.weight * b.weight) AS cos"
    "    FROM article_terms x JOIN article_terms b ON b.term = x.term"
    "   WHERE x.article_id = ?1 AND b.article_id <> ?1"
    "   GROUP BY b.article_id ORDER BY cos DESC, b.article_id LIMIT " KB_STR(
        CANDIDATES) ")"
                    "SELECT c.cos, " META_COLS " FROM c JOIN articles a ON a.id = c.id"
                    "  LEFT JOIN article_simhash h ON h.article_id = c.id ORDER BY c.cos DESC, "
                    "c.id";
static const char *const self_sql = "SELECT " META_COLS " FROM articles a"
                                    "  LEFT JOIN article_simhash h ON h.article_id = a.id"
                                    " WHERE a.id = ?1";

/* The best candidates of `id` by cosine (at most CANDIDATES), from the stored vectors. */
static int candidates(sqlite3 *db, int64_t id, struct cand *c, struct meta *cm, size_t *n,
                      struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(db, cands_sql, &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    size_t k = 0;
    int sr;
    while ((sr = sqlite3_step(st)) == SQLITE_ROW && k < CANDIDATES) {
        c[k].score = sqlite3_column_double(st, 0);
        read_meta(st, 1, &cm[k]);
        c[k].id = cm[k].id;
        k++;
    }
    sqlite3_finalize(st);
    if (sr != SQLITE_DONE && sr != SQLITE_ROW)
        return fail(db, "candidates", d);
    *n = k;
    return 0;
}

/* Recompute the list of `id` from the stored vectors.  `near` (optional, n ids): its
 * near-duplicates, kept out even when not marked. */
static int list_one(sqlite3 *db, struct writer *w, int64_t id, const int64_t *near, size_t nnear,
                    struct kb_diag *d)
{
    sqlite3_stmt *st = NULL;
    struct meta self = {0};
    struct cand c[CANDIDATES];
    struct meta cm[CANDIDATES];
    size_t n = 0;
    int rc = prep(db, self_sql, &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int sr = sqlite3_step(st);
    if (sr == SQLITE_ROW)
        read_meta(st, 0, &self);
    sqlite3_finalize(st);
    if (sr != SQLITE_ROW)
        return sr == SQLITE_DONE ? 0 : fail(db, "article", d);
    if ((rc = candidates(db, id, c, cm, &n, d)))
        return rc;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < nnear && !cm[i].near; k++)
            cm[i].near = cm[i].id == near[k];
    size_t k = score_list(&self, c, cm, n);
    if (write_list(w->list_del, w->list_ins, id, c, k))
        rc = fail(db, "write list", d);
    return rc;
}

static const char *const doc_sql =
    "SELECT headline, lede, body_html, coalesce(published, 0), version, deleted_at IS NOT NULL"
    " FROM articles WHERE id = ?1";

/* The body shingles of article `id` (*found false when it is gone). */
static int load_shingles(sqlite3_stmt *q, int64_t id, struct shset *sh, int64_t *published,
                         bool *trashed, bool *found)
{
    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, id);
    int sr = sqlite3_step(q);
    *found = sr == SQLITE_ROW;
    if (sr == SQLITE_ROW) {
        const char *html = (const char *)sqlite3_column_text(q, 2);
        struct kb_buf body;
        kb_buf_init(&body, MAX_TEXT);
        if (html)
            kb_search_html_text(&body, html, strlen(html));
        (void)kb_analyze(kb_buf_cstr(&body), body.n, KB_ANALYZE_QUERY, shset_cb, sh);
        shset_finish(sh);
        kb_buf_release(&body);
        *published = sqlite3_column_int64(q, 3);
        *trashed = sqlite3_column_int(q, 5) != 0;
    }
    sqlite3_reset(q);
    return sr == SQLITE_ROW || sr == SQLITE_DONE ? 0 : -1;
}

/* Is `o` a near-duplicate of the article with shingles `sh`?  (*op: o's publication.) */
static int near_check(sqlite3 *db, sqlite3_stmt *q, const struct shset *sh, int64_t o, bool *near,
                      int64_t *op, struct kb_diag *d)
{
    struct shset os = {0};
    bool trashed = false, found = false;
    *near = false;
    if (load_shingles(q, o, &os, op, &trashed, &found)) {
        free(os.h);
        return fail(db, "duplicates", d);
    }
    *near = found && !trashed &&
            jaccard(sh->h, sh->n, sh->nterms, os.h, os.n, os.nterms) >= KB_DUP_JACCARD;
    free(os.h);
    return 0;
}

/* Mark duplicates around `id` (shingles `sh`, published p, trashed or not), its candidates by
 * cosine in cm: it becomes dup_of the root of the earliest near-duplicate before it, later
 * ones become dup_of its root, and those marked dup_of it that no longer are near are
 * unmarked.  Its near-duplicates' ids go to near[] (at most CANDIDATES). */
static int mark_dups(sqlite3 *db, struct writer *w, int64_t id, const struct shset *sh, int64_t p,
                     bool trashed, const struct meta *cm, size_t n, int64_t *near, size_t *nnear,
                     struct kb_diag *d)
{
    sqlite3_stmt *q = NULL, *marked = NULL;
    int rc = prep(db, doc_sql, &q, d);
    if (!rc)
        rc = prep(db, "SELECT article_id FROM article_simhash WHERE dup_of = ?1", &marked, d);
    int64_t root = 0, rootp = 0, rootdup = 0;
    int64_t later[CANDIDATES];
    size_t nlater = 0;
    *nnear = 0;
    for (size_t i = 0; !rc && !trashed && i < n; i++) {
        bool is_near = false;
        int64_t op = 0;
        /* Cheap first: a body far shorter or longer cannot share KB_DUP_JACCARD of its
         * shingles (sets are at most nterms - 2 long; 0.5 leaves room for repeats). */
        double lo =
            (double)(cm[i].nterms < (int64_t)sh->nterms ? cm[i].nterms : (int64_t)sh->nterms);
        double hi =
            (double)(cm[i].nterms < (int64_t)sh->nterms ? (int64_t)sh->nterms : cm[i].nterms);
        if (cm[i].nterms < MIN_DUP_TERMS || lo < 0.5 * hi)
            continue;
        if ((rc = near_check(db, q, sh, cm[i].id, &is_near, &op, d)) || !is_near)
            continue;
        near[(*nnear)++] = cm[i].id;
        bool earlier = op < p || (op == p && cm[i].id < id);
        if (earlier) {
            if (!root || op < rootp || (op == rootp && cm[i].id < root))
                root = cm[i].id, rootp = op, rootdup = cm[i].dup_of;
        } else if (cm[i].dup_of == 0 || cm[i].dup_of == id) {
            later[nlater++] = cm[i].id;
        }
    }
    if (root && rootdup)
        root = rootdup;
    if (!rc)
        rc = set_dup(db, w, id, root, d);
    for (size_t i = 0; !rc && i < nlater; i++)
        rc = set_dup(db, w, later[i], root ? root : id, d);
    /* Those marked dup_of it: still near?  (They may not be among its candidates.) */
    int64_t check[64];
    size_t ncheck = 0;
    if (!rc) {
        sqlite3_bind_int64(marked, 1, id);
        while (sqlite3_step(marked) == SQLITE_ROW && ncheck < 64) {
            int64_t o = sqlite3_column_int64(marked, 0);
            bool known = false;
            for (size_t k = 0; k < *nnear && !known; k++)
                known = near[k] == o;
            if (!known)
                check[ncheck++] = o;
        }
    }
    for (size_t i = 0; !rc && i < ncheck; i++) {
        bool is_near = false;
        int64_t op = 0;
        if (!(rc = near_check(db, q, sh, check[i], &is_near, &op, d)) && (!is_near || trashed))
            rc = set_dup(db, w, check[i], 0, d);
    }
    sqlite3_finalize(q);
    sqlite3_finalize(marked);
    return rc;
}

static int update(sqlite3 *db, int64_t id, struct kb_related_stats *st, struct kb_diag *d)
{
    struct writer w;
    int rc = writer_init(db, &w, d);
    if (rc)
        return rc;
    sqlite3_stmt *q = NULL;
    if ((rc = prep(db, doc_sql, &q, d))) {
        writer_release(&w);
        return rc;
    }
    sqlite3_bind_int64(q, 1, id);
    int sr = sqlite3_step(q);
    int64_t others[CANDIDATES + 64], near[CANDIDATES];
    size_t nothers = 0, nnear = 0;
    if (sr == SQLITE_ROW) {
        struct doc doc = {(const char *)sqlite3_column_text(q, 0),
                          (const char *)sqlite3_column_text(q, 1),
                          (const char *)sqlite3_column_text(q, 2)};
        int64_t published = sqlite3_column_int64(q, 3);
        int64_t version = sqlite3_column_int64(q, 4);
        bool trashed = sqlite3_column_int(q, 5) != 0;
        struct dfsrc src = {0};
        rc = count_articles(db, &src.ndocs, d);
        if (!rc)
            rc = prep(db, "SELECT doc FROM article_search_vocab WHERE term = ?1", &src.st, d);
        struct vec v = {0};
        struct shset sh = {0};
        uint64_t h = 0;
        if (!rc)
            h = doc_analyze(&doc, &src, &v, &sh);
        sqlite3_finalize(src.st);
        sqlite3_finalize(q);
        q = NULL;
        if (!rc)
            rc = store_vector(db, &w, id, &v, h, sh.nterms, version, d);
        vec_release(&v);
        struct cand c[CANDIDATES];
        struct meta cm[CANDIDATES];
        size_t n = 0;
        if (!rc)
            rc = candidates(db, id, c, cm, &n, d);
        if (!rc)
            rc = mark_dups(db, &w, id, &sh, published, trashed, cm, n, near, &nnear, d);
        free(sh.h);
        if (!rc)
            rc = list_one(db, &w, id, near, nnear, d);
        for (size_t i = 0; i < n && nothers < NEIGHBOURS; i++)
            others[nothers++] = c[i].id;
        if (!rc && st)
            st->articles++, st->lists++;
    } else if (sr != SQLITE_DONE) {
        rc = fail(db, "article", d);
    }
    sqlite3_finalize(q);
    q = NULL;
    /* Those listing it (it may have left their lists, or moved in them). */
    if (!rc && !(rc = prep(db,
                           "SELECT article_id FROM article_related WHERE related_id = ?1"
                           " LIMIT 64",
                           &q, d))) {
        sqlite3_bind_int64(q, 1, id);
        while (sqlite3_step(q) == SQLITE_ROW) {
            int64_t o = sqlite3_column_int64(q, 0);
            bool seen = false;
            for (size_t i = 0; i < nothers && !seen; i++)
                seen = others[i] == o;
            if (!seen && nothers < sizeof others / sizeof others[0])
                others[nothers++] = o;
        }
        sqlite3_finalize(q);
    }
    for (size_t i = 0; !rc && i < nothers; i++) {
        rc = list_one(db, &w, others[i], NULL, 0, d);
        if (!rc && st)
            st->lists++;
    }
    writer_release(&w);
    return rc;
}

int kb_related_sqlite_update(sqlite3 *db, int64_t id, struct kb_related_stats *st,
                             struct kb_diag *d)
{
    int rc = begin(db, d);
    if (rc)
        return rc;
    return end(db, update(db, id, st, d), d);
}

/* ---- everything --------------------------------------------------------------------- */

struct rdoc {
    struct meta m;
    bool trashed;
    size_t n;
    int term[KB_RELATED_TERMS];
    float w[KB_RELATED_TERMS];
    size_t sh_off, sh_n, nterms; /* its body shingles: shingles[sh_off .. sh_off + sh_n) */
};

struct posting {
    uint32_t doc;
    float w;
};

/* A doc's best candidates by cosine. */
struct top {
    uint32_t doc;
    float cos;
};

static int load_vocab(sqlite3 *db, struct strmap *df, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(db, "SELECT term, doc FROM article_search_vocab", &st, d);
    if (rc)
        return rc;
    int sr;
    while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
        bool added;
        const char *t = (const char *)sqlite3_column_text(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        if (t)
            *strmap_put(df, t, (size_t)n, sqlite3_column_int(st, 1), &added) =
                sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    return sr == SQLITE_DONE ? 0 : fail(db, "vocab", d);
}

static const struct rdoc *dup_docs; /* for dupcmp: qsort has no context argument */

static bool pub_before(const struct rdoc *a, const struct rdoc *b)
{
    if (a->m.published != b->m.published)
        return a->m.published < b->m.published;
    return a->m.id < b->m.id;
}

static int dupcmp(const void *x, const void *y)
{
    const struct rdoc *a = &dup_docs[*(const uint32_t *)x], *b = &dup_docs[*(const uint32_t *)y];
    return pub_before(a, b) ? -1 : pub_before(b, a) ? 1 : 0;
}

static int u64_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Keep the CANDIDATES best of n accumulated cosines (touched/acc) in top[], best first. */
static size_t best_of(const uint32_t *touched, size_t n, const float *acc, struct top *top)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        struct top t = {touched[i], acc[touched[i]]};
        if (k == CANDIDATES &&
            (t.cos < top[k - 1].cos || (t.cos == top[k - 1].cos && t.doc > top[k - 1].doc)))
            continue;
        size_t j = k < CANDIDATES ? k++ : k - 1;
        while (j > 0 &&
               (top[j - 1].cos < t.cos || (top[j - 1].cos == t.cos && top[j - 1].doc > t.doc))) {
            top[j] = top[j - 1];
            j--;
        }
        top[j] = t;
    }
    return k;
}

/* One article's analysis, done off the SQLite thread. */
struct job {
    char *text[3]; /* headline, lede, body_html (owned) */
    int64_t version;
    struct dfsrc *src; /* read only */
    struct vec v;
    struct shset sh;
    uint64_t h;
};

static void job_release(struct job *j)
{
    for (int c = 0; c < 3; c++)
        free(j->text[c]);
    vec_release(&j->v);
    free(j->sh.h);
    memset(j, 0, sizeof *j);
}

/* A chunk of jobs shared by the two threads: each takes the next one not taken yet. */
struct pool {
    struct job *j;
    size_t n;
    size_t next; /* taken with an atomic add */
};

static void *run_pool(void *p)
{
    struct pool *pl = p;
    size_t k;
    while ((k = __atomic_fetch_add(&pl->next, 1, __ATOMIC_RELAXED)) < pl->n) {
        struct job *j = &pl->j[k];
        struct doc doc = {j->text[0], j->text[1], j->text[2]};
        j->h = doc_analyze(&doc, j->src, &j->v, &j->sh);
    }
    return NULL;
}

/* The rebuild's state while articles are read, analyzed and stored. */
struct rb {
    sqlite3 *db;
    sqlite3_stmt *st; /* the articles, in id order */
    int sr;           /* its last step */
    struct dfsrc *src;
    struct rdoc *docs;
    size_t ndocs, nread, cap; /* stored, read (docs[ndocs .. nread) wait), allocated */
    struct strmap terms;
    size_t nterms_all;
    uint32_t *shingles;
    size_t nsh, shcap;
    struct writer *w;
};

/* Read up to CHUNK articles into jobs (their texts) and rb->docs (the rest).  Returns how
 * many; rb->sr is SQLITE_ROW when there may be more. */
static size_t read_chunk(struct rb *b, struct job *jobs)
{
    size_t nj = 0;
    while (nj < CHUNK && (b->sr = sqlite3_step(b->st)) == SQLITE_ROW) {
        sqlite3_stmt *st = b->st;
        if (b->nread == b->cap) {
            b->cap = b->cap ? 2 * b->cap : 1024;
            b->docs = kb_realloc(b->docs, b->cap * sizeof *b->docs);
        }
        struct rdoc *r = &b->docs[b->nread++];
        memset(r, 0, sizeof *r);
        r->m.id = sqlite3_column_int64(st, 0);
        struct job *j = &jobs[nj];
        memset(j, 0, sizeof *j);
        for (int c = 0; c < 3; c++) {
            const char *t = (const char *)sqlite3_column_text(st, 1 + c);
            j->text[c] = t ? kb_strdup(t) : NULL;
        }
        r->m.published = sqlite3_column_int64(st, 4);
        j->version = sqlite3_column_int64(st, 5);
        r->m.eligible = sqlite3_column_int(st, 6) != 0;
        r->trashed = sqlite3_column_int(st, 7) != 0;
        r->m.section = sqlite3_column_int64(st, 8);
        j->src = b->src;
        nj++;
    }
    return nj;
}

/* Store n analyzed jobs, in order, as the next docs: vectors and hashes into SQLite (until
 * *rc is set), terms interned, shingles appended; the jobs are released. */
static void store_chunk(struct rb *b, struct job *jobs, size_t n, int *rc, struct kb_diag *d)
{
    for (size_t k = 0; k < n; k++) {
        struct job *j = &jobs[k];
        struct rdoc *r = &b->docs[b->ndocs];
        if (!*rc)
            *rc = store_vector(b->db, b->w, r->m.id, &j->v, j->h, j->sh.nterms, j->version, d);
        if (b->nsh + j->sh.n > b->shcap) {
            b->shcap = b->shcap ? 2 * b->shcap : 1 << 20;
            while (b->shcap < b->nsh + j->sh.n)
                b->shcap *= 2;
            b->shingles = kb_realloc(b->shingles, b->shcap * sizeof *b->shingles);
        }
        if (j->sh.n)
            memcpy(b->shingles + b->nsh, j->sh.h, j->sh.n * sizeof *j->sh.h);
        r->sh_off = b->nsh;
        r->sh_n = j->sh.n;
        r->nterms = j->sh.nterms;
        b->nsh += j->sh.n;
        r->n = j->v.n;
        for (size_t i = 0; i < j->v.n; i++) {
            bool added;
            int t = *strmap_put(&b->terms, j->v.terms[i], strlen(j->v.terms[i]), (int)b->nterms_all,
                                &added);
            if (added)
                b->nterms_all++;
            r->term[i] = t;
            r->w[i] = (float)j->v.w[i];
        }
        job_release(j);
        b->ndocs++;
    }
}

/* Vectors and shingle sets of every article, in a pipeline over chunks of CHUNK: while the
 * second thread analyzes chunk k (the analysis is most of a rebuild's time and needs
 * nothing but the read-only df map), this one stores chunk k-1 and reads chunk k+1, then
 * takes its share of chunk k's analysis.  Stored in id order, so the result is the same
 * as one thread's. */
static int analyze_all(struct rb *b, int rc, struct kb_diag *d)
{
    struct job *buf[2] = {kb_calloc(CHUNK, sizeof(struct job)),
                          kb_calloc(CHUNK, sizeof(struct job))};
    int a = 0; /* buf[a]: the chunk to analyze; buf[!a]: the one to store */
    b->sr = SQLITE_ROW;
    size_t na = rc ? 0 : read_chunk(b, buf[a]), ns = 0;
    while (na || ns) {
        struct pool pl = {buf[a], na, 0};
        pthread_t t;
        bool threaded = na > 1 && pthread_create(&t, NULL, run_pool, &pl) == 0;
        store_chunk(b, buf[!a], ns, &rc, d);
        size_t nn = !rc && na && b->sr == SQLITE_ROW ? read_chunk(b, buf[!a]) : 0;
        run_pool(&pl);
        if (threaded)
            pthread_join(t, NULL);
        ns = na;
        na = nn;
        a = !a;
    }
    free(buf[0]);
    free(buf[1]);
    return rc;
}

static int rebuild(sqlite3 *db, struct kb_related_stats *stats, struct kb_diag *d)
{
    struct strmap df = {0}, terms = {0};
    struct rdoc *docs = NULL;
    size_t ndocs = 0;
    sqlite3_stmt *st = NULL;
    struct writer w = {0};
    struct posting **post = NULL;
    size_t *plen = NULL, *pcap = NULL, nterms_all = 0;
    uint32_t *shingles = NULL;
    struct top *tops = NULL;
    uint8_t *ntop = NULL;
    uint64_t *pairs = NULL;
    size_t npairs = 0, paircap = 0;
    int rc = exec(db,
                  "DELETE FROM article_related; DELETE FROM article_terms;"
                  " DELETE FROM article_simhash",
                  d);
    struct dfsrc src = {.map = &df};
    if (!rc)
        rc = writer_init(db, &w, d);
    if (!rc)
        rc = count_articles(db, &src.ndocs, d);
    if (!rc)
        rc = load_vocab(db, &df, d);
    if (!rc)
        rc = prep(db,
                  "SELECT id, headline, lede, body_html, coalesce(published, 0), version,"
                  " status = 'published' AND deleted_at IS NULL, deleted_at IS NOT NULL,"
                  " section_id"
                  " FROM articles ORDER BY id",
                  &st, d);
    struct rb rb = {.db = db, .st = st, .src = &src, .w = &w};
    rc = analyze_all(&rb, rc, d);
    sqlite3_finalize(st);
    st = NULL;
    if (!rc && rb.sr != SQLITE_DONE)
        rc = fail(db, "articles", d);
    docs = rb.docs;
    ndocs = rb.ndocs;
    terms = rb.terms;
    nterms_all = rb.nterms_all;
    shingles = rb.shingles;
    strmap_release(&df);

    /* Postings, then each article's best cosines by accumulation. */
    if (!rc && ndocs) {
        post = kb_calloc(nterms_all + 1, sizeof *post);
        plen = kb_calloc(nterms_all + 1, sizeof *plen);
        pcap = kb_calloc(nterms_all + 1, sizeof *pcap);
        for (size_t i = 0; i < ndocs; i++)
            for (size_t k = 0; k < docs[i].n; k++) {
                int t = docs[i].term[k];
                if (plen[t] == pcap[t]) {
                    pcap[t] = pcap[t] ? 2 * pcap[t] : 4;
                    post[t] = kb_realloc(post[t], pcap[t] * sizeof *post[t]);
                }
                post[t][plen[t]++] = (struct posting){(uint32_t)i, docs[i].w[k]};
            }
        float *acc = kb_calloc(ndocs, sizeof *acc);
        uint32_t *touched = kb_malloc(ndocs * sizeof *touched);
        tops = kb_malloc(ndocs * CANDIDATES * sizeof *tops);
        ntop = kb_malloc(ndocs);
        for (size_t i = 0; i < ndocs; i++) {
            size_t nt = 0;
            for (size_t k = 0; k < docs[i].n; k++) {
                int t = docs[i].term[k];
                float wt = docs[i].w[k];
                const struct posting *p = post[t];
                for (size_t j = 0; j < plen[t]; j++) {
                    uint32_t o = p[j].doc;
                    if (acc[o] == 0)
                        touched[nt++] = o;
                    acc[o] += wt * p[j].w;
                }
            }
            acc[i] = 0; /* never itself */
            struct top *top = tops + i * CANDIDATES;
            size_t k = 0;
            for (size_t j = 0; j < nt; j++)
                if (touched[j] == i)
                    touched[j] = touched[--nt], j--;
            k = best_of(touched, nt, acc, top);
            for (size_t j = 0; j < nt; j++)
                acc[touched[j]] = 0;
            ntop[i] = (uint8_t)k;
        }
        free(acc);
        free(touched);
    }

    /* Near-duplicates: candidates by cosine, checked by the Jaccard similarity of the body
     * shingles; pairs (lower index, higher) sorted, so both directions are one pair. */
    for (size_t i = 0; !rc && i < ndocs; i++) {
        const struct rdoc *a = &docs[i];
        if (a->trashed || a->nterms < MIN_DUP_TERMS)
            continue;
        for (size_t k = 0; k < ntop[i]; k++) {
            uint32_t j = tops[i * CANDIDATES + k].doc;
            const struct rdoc *b = &docs[j];
            bool seen = false; /* the pair was checked from j's side already */
            for (size_t q = 0; j < i && q < ntop[j] && !seen; q++)
                seen = tops[j * CANDIDATES + q].doc == i;
            if (seen || b->trashed ||
                jaccard(shingles + a->sh_off, a->sh_n, a->nterms, shingles + b->sh_off, b->sh_n,
                        b->nterms) < KB_DUP_JACCARD)
                continue;
            if (npairs == paircap)
                pairs = kb_realloc(pairs, (paircap = paircap ? 2 * paircap : 1024) * sizeof *pairs);
            uint64_t lo = i < j ? i : j, hi = i < j ? j : i;
            pairs[npairs++] = lo << 32 | hi;
        }
    }
    free(shingles);
    shingles = NULL;
    if (npairs > 1)
        qsort(pairs, npairs, sizeof *pairs, u64_cmp);
    {
        size_t k = 0;
        for (size_t i = 0; i < npairs; i++)
            if (k == 0 || pairs[k - 1] != pairs[i])
                pairs[k++] = pairs[i];
        npairs = k;
    }
    /* Adjacency (both directions), then marks in publication order: each article is
     * dup_of the root of its earliest near-duplicate published before it. */
    size_t *aoff = NULL;
    uint32_t *adj = NULL;
    if (!rc && ndocs) {
        aoff = kb_calloc(ndocs + 1, sizeof *aoff);
        for (size_t i = 0; i < npairs; i++)
            aoff[(pairs[i] >> 32) + 1]++, aoff[(uint32_t)pairs[i] + 1]++;
        for (size_t i = 0; i < ndocs; i++)
            aoff[i + 1] += aoff[i];
        adj = kb_malloc((2 * npairs + 1) * sizeof *adj);
        size_t *fill = kb_malloc(ndocs * sizeof *fill);
        memcpy(fill, aoff, ndocs * sizeof *fill);
        for (size_t i = 0; i < npairs; i++) {
            uint32_t x = (uint32_t)(pairs[i] >> 32), y = (uint32_t)pairs[i];
            adj[fill[x]++] = y;
            adj[fill[y]++] = x;
        }
        free(fill);
        uint32_t *ord = kb_malloc(ndocs * sizeof *ord);
        for (size_t i = 0; i < ndocs; i++)
            ord[i] = (uint32_t)i;
        dup_docs = docs;
        qsort(ord, ndocs, sizeof *ord, dupcmp);
        for (size_t i = 0; !rc && i < ndocs; i++) {
            struct rdoc *a = &docs[ord[i]];
            const struct rdoc *first = NULL;
            for (size_t k = aoff[ord[i]]; k < aoff[ord[i] + 1]; k++) {
                const struct rdoc *b = &docs[adj[k]];
                if (pub_before(b, a) && (!first || pub_before(b, first)))
                    first = b;
            }
            if (!first)
                continue;
            a->m.dup_of = first->m.dup_of ? first->m.dup_of : first->m.id;
            rc = set_dup(db, &w, a->m.id, a->m.dup_of, d);
            if (stats)
                stats->duplicates++;
        }
        free(ord);
    }
    free(pairs);

    /* Lists. */
    if (!rc && ndocs) {
        struct cand c[CANDIDATES];
        struct meta cm[CANDIDATES];
        for (size_t i = 0; !rc && i < ndocs; i++) {
            size_t nt = ntop[i];
            for (size_t k = 0; k < nt; k++) {
                const struct top *t = &tops[i * CANDIDATES + k];
                cm[k] = docs[t->doc].m;
                cm[k].near = false;
                for (size_t q = aoff[i]; q < aoff[i + 1] && !cm[k].near; q++)
                    cm[k].near = adj[q] == t->doc;
                c[k].id = cm[k].id;
                c[k].score = t->cos;
            }
            size_t keep = score_list(&docs[i].m, c, cm, nt);
            if (write_list(w.list_del, w.list_ins, docs[i].m.id, c, keep))
                rc = fail(db, "write list", d);
            else if (stats)
                stats->lists++;
        }
    }
    if (stats)
        stats->articles += ndocs;
    free(aoff);
    free(adj);
    free(tops);
    free(ntop);
    writer_release(&w);
    for (size_t t = 0; post && t <= nterms_all; t++)
        free(post[t]);
    free(post);
    free(plen);
    free(pcap);
    free(docs);
    strmap_release(&terms);
    return rc;
}

int kb_related_sqlite_rebuild(sqlite3 *db, struct kb_related_stats *st, struct kb_diag *d)
{
    /* Every vector, hash and list is rewritten: with SQLite's default 2 MiB page cache the
     * random inserts into article_terms' term index spill pages to the WAL and read them
     * back (system time), so the cache grows to 256 MiB for the rebuild (8,000 articles: 1.1 ->
     * 0.35 s system time; user time the same). */
    int64_t cache = -2000;
    sqlite3_stmt *cs = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA cache_size", -1, &cs, NULL) == SQLITE_OK &&
        sqlite3_step(cs) == SQLITE_ROW)
        cache = sqlite3_column_int64(cs, 0);
    sqlite3_finalize(cs);
    char sql[64];
    (void)sqlite3_exec(db, "PRAGMA cache_size = -262144", NULL, NULL, NULL); /* 256 MiB */
    int rc = begin(db, d);
    if (!rc)
        rc = end(db, rebuild(db, st, d), d);
    snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)cache);
    (void)sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc;
}

/* ---- reading -------------------------------------------------------------------------- */

static int read_ids(sqlite3 *db, const char *sql, int64_t id, int64_t *ids, size_t max, size_t *n,
                    struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(db, sql, &st, d);
    if (rc)
        return rc;
    if (id)
        sqlite3_bind_int64(st, 1, id);
    size_t k = 0;
    int sr;
    while ((sr = sqlite3_step(st)) == SQLITE_ROW && k < max)
        ids[k++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (sr != SQLITE_DONE && sr != SQLITE_ROW)
        return fail(db, "read", d);
    *n = k;
    return 0;
}

int kb_related_sqlite_list(sqlite3 *db, int64_t id, int64_t *ids, size_t max, size_t *n,
                           struct kb_diag *d)
{
    return read_ids(db,
                    "SELECT related_id FROM article_related WHERE article_id = ?1 ORDER BY rank",
                    id, ids, max, n, d);
}

int kb_related_sqlite_dup_of(sqlite3 *db, int64_t id, int64_t *dup_of, struct kb_diag *d)
{
    size_t n = 0;
    int64_t v = 0;
    int rc = read_ids(db, "SELECT coalesce(dup_of, 0) FROM article_simhash WHERE article_id = ?1",
                      id, &v, 1, &n, d);
    if (!rc)
        *dup_of = n ? v : 0;
    return rc;
}

int kb_related_sqlite_stale(sqlite3 *db, int64_t **ids, size_t *n, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(db,
                  "SELECT a.id FROM articles a LEFT JOIN article_simhash h ON h.article_id = a.id"
                  " WHERE h.article_id IS NULL OR h.version <> a.version ORDER BY a.id",
                  &st, d);
    if (rc)
        return rc;
    int64_t *v = NULL;
    size_t k = 0, cap = 0;
    int sr;
    while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap)
            v = kb_realloc(v, (cap = cap ? 2 * cap : 64) * sizeof *v);
        v[k++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (sr != SQLITE_DONE) {
        free(v);
        return fail(db, "stale", d);
    }
    *ids = v;
    *n = k;
    return 0;
}

int kb_related_sqlite_dup_pairs(sqlite3 *db, int64_t (*pairs)[2], size_t max, size_t *n,
                                size_t *total, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(db,
                  "SELECT article_id, dup_of, count(*) OVER () FROM article_simhash"
                  " WHERE dup_of IS NOT NULL ORDER BY article_id DESC",
                  &st, d);
    if (rc)
        return rc;
    size_t k = 0, t = 0;
    int sr;
    while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
        t = (size_t)sqlite3_column_int64(st, 2);
        if (k >= max)
            break;
        pairs[k][0] = sqlite3_column_int64(st, 0);
        pairs[k][1] = sqlite3_column_int64(st, 1);
        k++;
    }
    sqlite3_finalize(st);
    if (sr != SQLITE_DONE && sr != SQLITE_ROW)
        return fail(db, "duplicates", d);
    *n = k;
    if (total)
        *total = t;
    return 0;
}
