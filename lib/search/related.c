/*
 * related.c — term vectors, SimHash, near-duplicate marks and related lists over SQLite.
 *
 * The model is related.h's.  Two ways to compute lists, with one scoring rule (score_list):
 *  - one article (kb_related_sqlite_update): its candidates come from a self-join of
 *    article_terms on the term (the dot product of unit vectors is the cosine);
 *  - everything (kb_related_sqlite_rebuild): vectors are built in memory with interned
 *    term ids and an inverted index, and each article's cosines are accumulated over the
 *    postings of its terms — no SQL per pair.
 * Invariants: every statement is finalized on every path; every write runs inside the
 * savepoint "related", released on success and rolled back on failure, so the tables are
 * never half-written.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/analyzer.h"
#include "khabar/buf.h"
#include "khabar/related.h"
#include "khabar/search.h"

#define W_HEADLINE 3.0
#define W_LEDE 2.0
#define W_BODY 1.0
#define W_NAME 2.0          /* a Latin word written with a capital */
#define CANDIDATES 60       /* cosine candidates re-scored per article */
#define NEIGHBOURS 30       /* of an updated article's candidates, lists recomputed */
#define SAME_SECTION 1.3    /* the editors filed it in the same section */
#define DECAY_DAYS 30.0     /* time decay: half weight at this distance */
#define MIN_SIMHASH_TERMS 8 /* shorter texts are not compared */
#define MAX_TEXT (4u << 20) /* body text analyzed per article */

/* ---- a string -> index map (open addressing, grows at 1/2 load) ---------------------- */

struct strmap {
    char **keys;
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
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t strmap_slot(const struct strmap *m, const char *k, size_t n)
{
    size_t i = (size_t)fnv1a(k, n, FNV_BASIS) & (m->cap - 1);
    while (m->keys[i] && (strlen(m->keys[i]) != n || memcmp(m->keys[i], k, n) != 0))
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
        g.vals = kb_calloc(g.cap, sizeof *g.vals);
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = strmap_slot(&g, m->keys[i], strlen(m->keys[i]));
                g.keys[j] = m->keys[i];
                g.vals[j] = m->vals[i];
            }
        g.len = m->len;
        free(m->keys);
        free(m->vals);
        *m = g;
    }
    size_t i = strmap_slot(m, k, n);
    *added = !m->keys[i];
    if (*added) {
        m->keys[i] = kb_strndup(k, n);
        m->vals[i] = v;
        m->len++;
    }
    return &m->vals[i];
}

/* ---- SimHash ----------------------------------------------------------------------- */

struct shingler {
    uint64_t last[3]; /* hashes of the last three terms */
    size_t nterms;
    int votes[64];
    uint64_t first[2];
};

static void vote(struct shingler *s, uint64_t h)
{
    for (int b = 0; b < 64; b++)
        s->votes[b] += (h >> b) & 1 ? 1 : -1;
}

static int shingle_term(void *ctx, int flags, const char *term, size_t n, size_t start, size_t end)
{
    (void)flags, (void)start, (void)end;
    struct shingler *s = ctx;
    uint64_t h = fnv1a(term, n, FNV_BASIS);
    s->last[0] = s->last[1];
    s->last[1] = s->last[2];
    s->last[2] = h;
    if (s->nterms < 2)
        s->first[s->nterms] = h;
    s->nterms++;
    if (s->nterms >= 3) {
        uint64_t k = fnv1a(&s->last[0], sizeof s->last, FNV_BASIS);
        vote(s, k);
    }
    return 0;
}

static uint64_t shingler_hash(struct shingler *s)
{
    if (s->nterms > 0 && s->nterms < 3)
        for (size_t i = 0; i < s->nterms; i++)
            vote(s, s->first[i]);
    uint64_t h = 0;
    for (int b = 0; b < 64; b++)
        if (s->votes[b] > 0)
            h |= 1ull << b;
    return h;
}

uint64_t kb_simhash(const char *text, size_t n, size_t *nterms)
{
    struct shingler s = {0};
    (void)kb_analyze(text, n, KB_ANALYZE_QUERY, shingle_term, &s);
    if (nterms)
        *nterms = s.nterms;
    return shingler_hash(&s);
}

int kb_simhash_distance(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a ^ b);
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

/* The article's text for SimHash and its vector. */
static uint64_t doc_analyze(const struct doc *doc, struct dfsrc *src, struct vec *v, size_t *nterms)
{
    struct kb_buf body;
    kb_buf_init(&body, MAX_TEXT);
    if (doc->body_html)
        kb_search_html_text(&body, doc->body_html, strlen(doc->body_html));
    const char *bt = kb_buf_cstr(&body);
    size_t bn = body.n;

    /* The story's text only: a copy filed again under a new headline is still a copy. */
    struct shingler sh = {0};
    (void)kb_analyze(bt, bn, KB_ANALYZE_QUERY, shingle_term, &sh);
    *nterms = sh.nterms;
    uint64_t hash = shingler_hash(&sh);

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
        (void)kb_analyze(texts[f], lens[f], KB_ANALYZE_QUERY, tf_term, &acc);
    }
    kb_buf_release(&body);

    /* Keep the KB_RELATED_TERMS heaviest (insertion into a small sorted array). */
    v->n = 0;
    const char *best[KB_RELATED_TERMS];
    for (size_t i = 0; i < acc.map.cap; i++) {
        if (!acc.map.keys[i])
            continue;
        const char *t = acc.map.keys[i];
        size_t tn = strlen(t);
        double tf = acc.tf[acc.map.vals[i]];
        double idf = log((src->ndocs + 1) / df_of(src, t, tn));
        if (idf <= 0)
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
    bool hashed;   /* simhash is meaningful */
    uint64_t simhash;
    int64_t dup_of;
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
        if (m->id == self->id || !m->eligible || m->dup_of != 0 || m->id == self->dup_of)
            continue;
        if (self->hashed && m->hashed &&
            kb_simhash_distance(self->simhash, m->simhash) <= KB_DUP_DISTANCE)
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
    "NULL,"                                                                                        \
    " h.nterms >= " KB_STR(MIN_SIMHASH_TERMS) ", coalesce(h.simhash, 0), coalesce(h.dup_of, 0)"
#define KB_STR2(x) #x
#define KB_STR(x) KB_STR2(x)

static void read_meta(sqlite3_stmt *st, int col, struct meta *m)
{
    m->id = sqlite3_column_int64(st, col);
    m->published = sqlite3_column_int64(st, col + 1);
    m->section = sqlite3_column_int64(st, col + 2);
    m->eligible = sqlite3_column_int(st, col + 3) != 0;
    m->hashed = sqlite3_column_int(st, col + 4) != 0;
    m->simhash = (uint64_t)sqlite3_column_int64(st, col + 5);
    m->dup_of = sqlite3_column_int64(st, col + 6);
}

static const char *const write_del_sql = "DELETE FROM article_related WHERE article_id = ?1";
static const char *const write_ins_sql =
    "INSERT INTO article_related (article_id, rank, related_id, score) VALUES (?1, ?2, ?3, ?4)";

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

/* Recompute the list of `id` from the stored vectors; the candidates' ids (by cosine) go to
 * *near when it is not NULL. */
static int list_one(sqlite3 *db, int64_t id, int64_t *near, size_t *nnear, struct kb_diag *d)
{
    sqlite3_stmt *st = NULL, *del = NULL, *ins = NULL;
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

    if ((rc = prep(db, cands_sql, &st, d)))
        return rc;
    sqlite3_bind_int64(st, 1, id);
    while ((sr = sqlite3_step(st)) == SQLITE_ROW && n < CANDIDATES) {
        c[n].score = sqlite3_column_double(st, 0);
        read_meta(st, 1, &cm[n]);
        c[n].id = cm[n].id;
        n++;
    }
    sqlite3_finalize(st);
    if (sr != SQLITE_DONE && sr != SQLITE_ROW)
        return fail(db, "candidates", d);
    if (near) {
        *nnear = 0;
        for (size_t i = 0; i < n && *nnear < NEIGHBOURS; i++)
            near[(*nnear)++] = c[i].id;
    }
    size_t k = score_list(&self, c, cm, n);
    if ((rc = prep(db, write_del_sql, &del, d)) || (rc = prep(db, write_ins_sql, &ins, d))) {
        sqlite3_finalize(del);
        return rc;
    }
    if (write_list(del, ins, id, c, k))
        rc = fail(db, "write list", d);
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    return rc;
}

/* Mark duplicates around `id` (hash h, published p): it becomes dup_of the earliest
 * article within KB_DUP_DISTANCE, later ones within it become dup_of this one's root, and
 * articles marked dup_of it that no longer are within it are unmarked. */
static int mark_dups(sqlite3 *db, int64_t id, bool hashed, uint64_t h, int64_t p, struct kb_diag *d)
{
    sqlite3_stmt *st = NULL;
    int rc = prep(db,
                  "SELECT h.article_id, h.simhash, coalesce(a.published, 0), h.dup_of"
                  "  FROM article_simhash h JOIN articles a ON a.id = h.article_id"
                  " WHERE h.article_id <> ?1 AND h.nterms >= " KB_STR(
                      MIN_SIMHASH_TERMS) "   AND a.deleted_at IS NULL",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int64_t root = 0, rootp = 0;
    int64_t *later = NULL, *unmark = NULL;
    size_t nlater = 0, nunmark = 0, cap = 0, ucap = 0;
    int sr;
    while ((sr = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t o = sqlite3_column_int64(st, 0);
        uint64_t oh = (uint64_t)sqlite3_column_int64(st, 1);
        int64_t op = sqlite3_column_int64(st, 2);
        int64_t odup = sqlite3_column_int64(st, 3);
        bool near = hashed && kb_simhash_distance(h, oh) <= KB_DUP_DISTANCE;
        if (!near) {
            if (odup == id) {
                if (nunmark == ucap)
                    unmark = kb_realloc(unmark, (ucap = ucap ? 2 * ucap : 8) * sizeof *unmark);
                unmark[nunmark++] = o;
            }
            continue;
        }
        bool earlier = op < p || (op == p && o < id);
        if (earlier) {
            if (!root || op < rootp || (op == rootp && o < root))
                root = o, rootp = op;
        } else {
            if (nlater == cap)
                later = kb_realloc(later, (cap = cap ? 2 * cap : 8) * sizeof *later);
            later[nlater++] = o;
        }
    }
    sqlite3_finalize(st);
    if (sr != SQLITE_DONE)
        rc = fail(db, "duplicates", d);
    if (!rc)
        rc = prep(db, "UPDATE article_simhash SET dup_of = ?2 WHERE article_id = ?1", &st, d);
    if (!rc) {
        int64_t top = root ? root : id;
        sqlite3_bind_int64(st, 1, id);
        if (root)
            sqlite3_bind_int64(st, 2, root);
        else
            sqlite3_bind_null(st, 2);
        bool ok = sqlite3_step(st) == SQLITE_DONE;
        for (size_t i = 0; ok && i < nlater; i++) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, later[i]);
            sqlite3_bind_int64(st, 2, top);
            ok = sqlite3_step(st) == SQLITE_DONE;
        }
        for (size_t i = 0; ok && i < nunmark; i++) {
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, unmark[i]);
            sqlite3_bind_null(st, 2);
            ok = sqlite3_step(st) == SQLITE_DONE;
        }
        if (!ok)
            rc = fail(db, "mark duplicates", d);
        sqlite3_finalize(st);
    }
    free(later);
    free(unmark);
    return rc;
}

static const char *const doc_sql =
    "SELECT headline, lede, body_html, coalesce(published, 0), version FROM articles WHERE id = ?1";

static int store_vector(sqlite3 *db, int64_t id, const struct vec *v, uint64_t h, size_t nterms,
                        int64_t version, struct kb_diag *d)
{
    sqlite3_stmt *st = NULL;
    int rc = prep(db, "DELETE FROM article_terms WHERE article_id = ?1", &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok)
        return fail(db, "delete terms", d);
    if ((rc = prep(db, "INSERT INTO article_terms (article_id, term, weight) VALUES (?1, ?2, ?3)",
                   &st, d)))
        return rc;
    for (size_t i = 0; ok && i < v->n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, v->terms[i], -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 3, v->w[i]);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (!ok)
        return fail(db, "insert terms", d);
    if ((rc = prep(db,
                   "INSERT INTO article_simhash (article_id, simhash, nterms, version, dup_of)"
                   " VALUES (?1, ?2, ?3, ?4, NULL) ON CONFLICT (article_id) DO UPDATE SET"
                   " simhash = excluded.simhash, nterms = excluded.nterms,"
                   " version = excluded.version",
                   &st, d)))
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, (int64_t)h);
    sqlite3_bind_int64(st, 3, (int64_t)nterms);
    sqlite3_bind_int64(st, 4, version);
    ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    return ok ? 0 : fail(db, "insert simhash", d);
}

static int update(sqlite3 *db, int64_t id, struct kb_related_stats *st, struct kb_diag *d)
{
    sqlite3_stmt *q = NULL;
    int rc = prep(db, doc_sql, &q, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, id);
    int sr = sqlite3_step(q);
    int64_t near[NEIGHBOURS + 64];
    size_t nnear = 0;
    if (sr == SQLITE_ROW) {
        struct doc doc = {(const char *)sqlite3_column_text(q, 0),
                          (const char *)sqlite3_column_text(q, 1),
                          (const char *)sqlite3_column_text(q, 2)};
        int64_t published = sqlite3_column_int64(q, 3);
        int64_t version = sqlite3_column_int64(q, 4);
        struct dfsrc src = {0};
        rc = count_articles(db, &src.ndocs, d);
        if (!rc)
            rc = prep(db, "SELECT doc FROM article_search_vocab WHERE term = ?1", &src.st, d);
        struct vec v = {0};
        size_t nterms = 0;
        uint64_t h = 0;
        if (!rc)
            h = doc_analyze(&doc, &src, &v, &nterms);
        sqlite3_finalize(src.st);
        if (!rc)
            rc = store_vector(db, id, &v, h, nterms, version, d);
        vec_release(&v);
        sqlite3_finalize(q);
        q = NULL;
        if (!rc)
            rc = mark_dups(db, id, nterms >= MIN_SIMHASH_TERMS, h, published, d);
        if (!rc)
            rc = list_one(db, id, near, &nnear, d);
        if (!rc && st)
            st->articles++, st->lists++;
    } else if (sr != SQLITE_DONE) {
        rc = fail(db, "article", d);
    }
    sqlite3_finalize(q);
    /* Those listing it (it may have left their lists, or moved in them). */
    if (!rc && !(rc = prep(db,
                           "SELECT article_id FROM article_related WHERE related_id = ?1"
                           " LIMIT 64",
                           &q, d))) {
        sqlite3_bind_int64(q, 1, id);
        while (sqlite3_step(q) == SQLITE_ROW) {
            int64_t o = sqlite3_column_int64(q, 0);
            bool seen = false;
            for (size_t i = 0; i < nnear && !seen; i++)
                seen = near[i] == o;
            if (!seen && nnear < sizeof near / sizeof near[0])
                near[nnear++] = o;
        }
        sqlite3_finalize(q);
    }
    for (size_t i = 0; !rc && i < nnear; i++) {
        rc = list_one(db, near[i], NULL, NULL, d);
        if (!rc && st)
            st->lists++;
    }
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
    size_t n;
    int term[KB_RELATED_TERMS];
    float w[KB_RELATED_TERMS];
};

struct posting {
    uint32_t doc;
    float w;
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

static int dupcmp(const void *x, const void *y)
{
    const struct rdoc *a = *(struct rdoc *const *)x, *b = *(struct rdoc *const *)y;
    if (a->m.published != b->m.published)
        return a->m.published < b->m.published ? -1 : 1;
    return a->m.id < b->m.id ? -1 : a->m.id > b->m.id;
}

static int rebuild(sqlite3 *db, struct kb_related_stats *stats, struct kb_diag *d)
{
    struct strmap df = {0}, terms = {0};
    struct rdoc *docs = NULL;
    size_t ndocs = 0, cap = 0;
    sqlite3_stmt *st = NULL, *del = NULL, *ins = NULL;
    struct posting **post = NULL;
    size_t *plen = NULL, *pcap = NULL, nterms_all = 0;
    bool *trashed = NULL;
    int rc = exec(db,
                  "DELETE FROM article_related; DELETE FROM article_terms;"
                  " DELETE FROM article_simhash",
                  d);
    struct dfsrc src = {.map = &df};
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
    /* Vectors and hashes. */
    int sr = SQLITE_DONE;
    while (!rc && (sr = sqlite3_step(st)) == SQLITE_ROW) {
        if (ndocs == cap) {
            cap = cap ? 2 * cap : 1024;
            docs = kb_realloc(docs, cap * sizeof *docs);
            trashed = kb_realloc(trashed, cap * sizeof *trashed);
        }
        struct rdoc *r = &docs[ndocs];
        memset(r, 0, sizeof *r);
        r->m.id = sqlite3_column_int64(st, 0);
        struct doc doc = {(const char *)sqlite3_column_text(st, 1),
                          (const char *)sqlite3_column_text(st, 2),
                          (const char *)sqlite3_column_text(st, 3)};
        r->m.published = sqlite3_column_int64(st, 4);
        int64_t version = sqlite3_column_int64(st, 5);
        r->m.eligible = sqlite3_column_int(st, 6) != 0;
        trashed[ndocs] = sqlite3_column_int(st, 7) != 0;
        r->m.section = sqlite3_column_int64(st, 8);
        struct vec v = {0};
        size_t nt = 0;
        r->m.simhash = doc_analyze(&doc, &src, &v, &nt);
        r->m.hashed = nt >= MIN_SIMHASH_TERMS;
        rc = store_vector(db, r->m.id, &v, r->m.simhash, nt, version, d);
        r->n = v.n;
        for (size_t i = 0; i < v.n; i++) {
            bool added;
            int t = *strmap_put(&terms, v.terms[i], strlen(v.terms[i]), (int)nterms_all, &added);
            if (added)
                nterms_all++;
            r->term[i] = t;
            r->w[i] = (float)v.w[i];
        }
        vec_release(&v);
        ndocs++;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!rc && sr != SQLITE_DONE)
        rc = fail(db, "articles", d);
    strmap_release(&df);

    /* Duplicates: in publication order, each is dup_of the root of the first one before
     * it within the distance. */
    if (!rc && ndocs) {
        struct rdoc **ord = kb_malloc(ndocs * sizeof *ord);
        for (size_t i = 0; i < ndocs; i++)
            ord[i] = &docs[i];
        qsort(ord, ndocs, sizeof *ord, dupcmp);
        rc = prep(db, "UPDATE article_simhash SET dup_of = ?2 WHERE article_id = ?1", &st, d);
        for (size_t i = 0; !rc && i < ndocs; i++) {
            struct rdoc *a = ord[i];
            if (!a->m.hashed || trashed[a - docs])
                continue;
            for (size_t j = 0; j < i; j++) {
                struct rdoc *b = ord[j];
                if (!b->m.hashed || trashed[b - docs] ||
                    kb_simhash_distance(a->m.simhash, b->m.simhash) > KB_DUP_DISTANCE)
                    continue;
                a->m.dup_of = b->m.dup_of ? b->m.dup_of : b->m.id;
                sqlite3_reset(st);
                sqlite3_bind_int64(st, 1, a->m.id);
                sqlite3_bind_int64(st, 2, a->m.dup_of);
                if (sqlite3_step(st) != SQLITE_DONE)
                    rc = fail(db, "mark duplicates", d);
                if (stats)
                    stats->duplicates++;
                break;
            }
        }
        sqlite3_finalize(st);
        st = NULL;
        free(ord);
    }

    /* Postings, then each article's cosines by accumulation. */
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
        struct cand *c = kb_malloc(ndocs * sizeof *c);
        struct meta *cm = kb_malloc(CANDIDATES * sizeof *cm);
        if (!(rc = prep(db, write_del_sql, &del, d)))
            rc = prep(db, write_ins_sql, &ins, d);
        for (size_t i = 0; !rc && i < ndocs; i++) {
            size_t nt = 0;
            for (size_t k = 0; k < docs[i].n; k++) {
                int t = docs[i].term[k];
                float w = docs[i].w[k];
                for (size_t p = 0; p < plen[t]; p++) {
                    uint32_t o = post[t][p].doc;
                    if (o == i)
                        continue;
                    if (acc[o] == 0)
                        touched[nt++] = o;
                    acc[o] += w * post[t][p].w;
                }
            }
            for (size_t k = 0; k < nt; k++) {
                c[k].id = (int64_t)touched[k];
                c[k].score = acc[touched[k]];
                acc[touched[k]] = 0;
            }
            qsort(c, nt, sizeof *c, cand_cmp);
            if (nt > CANDIDATES)
                nt = CANDIDATES;
            for (size_t k = 0; k < nt; k++) {
                cm[k] = docs[c[k].id].m;
                c[k].id = cm[k].id;
            }
            size_t keep = score_list(&docs[i].m, c, cm, nt);
            if (write_list(del, ins, docs[i].m.id, c, keep))
                rc = fail(db, "write list", d);
            else if (stats)
                stats->lists++;
        }
        free(acc);
        free(touched);
        free(c);
        free(cm);
    }
    if (stats)
        stats->articles += ndocs;
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    for (size_t t = 0; post && t <= nterms_all; t++)
        free(post[t]);
    free(post);
    free(plen);
    free(pcap);
    free(docs);
    free(trashed);
    strmap_release(&terms);
    return rc;
}

int kb_related_sqlite_rebuild(sqlite3 *db, struct kb_related_stats *st, struct kb_diag *d)
{
    int rc = begin(db, d);
    if (rc)
        return rc;
    return end(db, rebuild(db, st, d), d);
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
