/*
 * sqlite.c — running a search against the SQLite index (migration 2's article_search).
 *
 * Two steps, so that the cost of highlighting does not grow with the number of matches:
 * one statement ranks every live match and returns the page's ids with the total (a window
 * count); the FTS5 part is a MATERIALIZED CTE, so SQLite evaluates the expression once over
 * the index instead of once per article row (which a join order starting from `articles`
 * would do, and bm25() needs the FTS5 cursor anyway); then, per hit on the page, one statement with
 * `rowid = ?` asks FTS5 for the marked headline and the lede and body snippets, and the better
 * snippet is kept (the one with a mark; the body before the lede).
 *
 * Invariants: only live articles (status published, published <= now) are returned;
 * out-parameters are written only on success; statements are finalized on every path.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/search.h"
#include "search_int.h"

#define SNIPPET_TOKENS 24

static int fail(sqlite3 *db, int rc, const char *what, struct kb_diag *d)
{
    const char *msg = sqlite3_errmsg(db);
    if (strstr(msg, "fts5:"))
        return kb_diag_set(d, KB_EINVAL, "q", "%s: %s", what, msg);
    (void)rc;
    return kb_diag_set(d, KB_EDB, "", "%s: %s", what, msg);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return kb_strdup(s ? (const char *)s : "");
}

#define RANK_SQL                                                                                   \
    "WITH m AS MATERIALIZED ("                                                                     \
    "  SELECT rowid AS id, bm25(article_search, %.2f, %.2f, %.2f) AS score"                        \
    "    FROM article_search WHERE article_search MATCH ?1)"                                       \
    "SELECT a.id, a.slug, s.slug, s.name, a.published, a.published_offset, a.updated,"             \
    "       m.score, count(*) OVER (), a.headline"                                                 \
    "  FROM m"                                                                                     \
    "  JOIN articles a ON a.id = m.id"                                                             \
    "  JOIN sections s ON s.id = a.section_id"                                                     \
    " WHERE a.status = 'published' AND a.published <= ?2"                                          \
    "   AND (?3 IS NULL OR s.slug = ?3)"                                                           \
    "   AND (?4 IS NULL OR a.published >= ?4)"                                                     \
    "   AND (?5 IS NULL OR a.published < ?5)"                                                      \
    " ORDER BY %s"                                                                                 \
    " LIMIT ?6 OFFSET ?7"

static const char *const count_sql =
    "WITH m AS MATERIALIZED ("
    "  SELECT rowid AS id FROM article_search WHERE article_search MATCH ?1)"
    "SELECT count(*)"
    "  FROM m"
    "  JOIN articles a ON a.id = m.id"
    "  JOIN sections s ON s.id = a.section_id"
    " WHERE a.status = 'published' AND a.published <= ?2"
    "   AND (?3 IS NULL OR s.slug = ?3)"
    "   AND (?4 IS NULL OR a.published >= ?4)"
    "   AND (?5 IS NULL OR a.published < ?5)";

#define MARKS_SQL                                                                                  \
    "SELECT highlight(article_search, 0, char(1), char(2)),"                                       \
    "       snippet(article_search, 1, char(1), char(2), '" KB_SEARCH_ELLIPSIS "', %d),"           \
    "       snippet(article_search, 2, char(1), char(2), '" KB_SEARCH_ELLIPSIS "', %d)"            \
    "  FROM article_search WHERE article_search MATCH ?1 AND rowid = ?2"

static void bind_filters(sqlite3_stmt *st, const struct kb_search_request *rq)
{
    sqlite3_bind_text(st, 1, rq->match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, rq->now);
    if (rq->section_slug)
        sqlite3_bind_text(st, 3, rq->section_slug, -1, SQLITE_STATIC);
    if (rq->from)
        sqlite3_bind_int64(st, 4, rq->from);
    if (rq->to)
        sqlite3_bind_int64(st, 5, rq->to);
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct kb_diag *d)
{
    int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? 0 : fail(db, rc, "preparing a search", d);
}

static bool has_mark(const char *s)
{
    return s && strchr(s, KB_SEARCH_MARK_OPEN);
}

/* Fill in the headline and snippet of one hit with FTS5's highlight() and snippet() (MARKS_SQL). */
static int mark_hit_fts5(sqlite3 *db, sqlite3_stmt *st, const char *match, struct kb_search_hit *h,
                         struct kb_diag *d)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, h->id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 0; /* changed under us: keep the plain fields */
    if (rc != SQLITE_ROW)
        return fail(db, rc, "highlighting a hit", d);
    free(h->headline);
    h->headline = col_dup(st, 0);
    char *lede = col_dup(st, 1), *body = col_dup(st, 2);
    if (has_mark(body) || (!has_mark(lede) && *body)) {
        h->snippet = body;
        free(lede);
    } else {
        h->snippet = lede;
        free(body);
    }
    return 0;
}

#define TEXT_SQL "SELECT headline, lede, body_html FROM articles WHERE id = ?1"

/* Followed by the hits' ids as parameters "?1,?2,…)". */
#define HITS_SQL                                                                                   \
    "SELECT a.id, a.slug, s.slug, s.name, a.published, a.published_offset, a.updated,"             \
    "       a.headline, a.lede, a.body_html"                                                       \
    "  FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id IN ("

/* The spans of column `col` of a hit: from the index when it has the article, else by
 * analyzing the text. */
static size_t spans_of(const struct kb_search_request *rq, const struct kb_match_expr *e,
                       int64_t id, int col, const char *text, size_t n, struct kb_span **out)
{
    size_t ns = 0;
    if (rq->index && kb_search_index_spans(rq->index, id, e, col, out, &ns))
        return ns;
    return kb_marks_spans(e, text, n, out);
}

static char *text_dup(struct kb_buf *b)
{
    char *s = kb_buf_detach(b, NULL);
    return s ? s : kb_strdup("");
}

/* The marked headline and the snippet of one hit from its texts (the body's snippet, unless
 * only the lede has a match or the body is empty). */
static void mark_texts(const struct kb_search_request *rq, const struct kb_match_expr *e,
                       struct kb_search_hit *h, const char *head, size_t nhead, const char *lede,
                       size_t nlede, const char *html, size_t nhtml)
{
    struct kb_buf body, out;
    kb_buf_init(&body, (size_t)1 << 30);
    kb_buf_init(&out, (size_t)1 << 30);
    /* The body's spans from the index need no text: then only the text up to the
     * checkpoint after the snippet's window is made. */
    struct kb_span *sb = NULL, *sl = NULL;
    size_t nb = 0;
    bool body_spans = rq->index && kb_search_index_spans(rq->index, h->id, e, 2, &sb, &nb);
    size_t want = SIZE_MAX;
    if (body_spans) {
        const uint32_t *bck = NULL;
        size_t nbck = kb_search_index_checkpoints(rq->index, h->id, 2, &bck);
        size_t k = (kb_marks_window(sb, nb, SNIPPET_TOKENS) + SNIPPET_TOKENS) / KB_MARKS_CHECKPOINT;
        if (k < nbck)
            want = (size_t)bck[k] + 64;
    }
    if (html)
        kb_search_html_text_prefix(&body, html, nhtml, want);
    if (!body_spans)
        nb = kb_marks_spans(e, kb_buf_cstr(&body), body.n, &sb);

    struct kb_span *sp = NULL;
    size_t ns = spans_of(rq, e, h->id, 0, head ? head : "", head ? nhead : 0, &sp);
    kb_marks_highlight(&out, head ? head : "", head ? nhead : 0, sp, ns);
    free(sp);
    free(h->headline);
    h->headline = text_dup(&out);

    size_t nl = spans_of(rq, e, h->id, 1, lede ? lede : "", nlede, &sl);
    kb_buf_init(&out, (size_t)1 << 30);
    const uint32_t *ck = NULL;
    size_t nck = 0;
    int col = nb || (!nl && body.n) ? 2 : 1;
    if (rq->index)
        nck = kb_search_index_checkpoints(rq->index, h->id, col, &ck);
    if (col == 2)
        kb_marks_snippet(&out, kb_buf_cstr(&body), body.n, sb, nb, SNIPPET_TOKENS, ck, nck);
    else
        kb_marks_snippet(&out, lede ? lede : "", nlede, sl, nl, SNIPPET_TOKENS, ck, nck);
    free(sb);
    free(sl);
    free(h->snippet);
    h->snippet = text_dup(&out);
    kb_buf_release(&body);
}

/* A text column of the current row: its bytes and length (NULL, 0 for NULL). */
static const char *col_text(sqlite3_stmt *st, int i, size_t *n)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    *n = s ? (size_t)sqlite3_column_bytes(st, i) : 0;
    return s;
}

/* The marked headline and the snippet of one hit, its texts read by `st` (TEXT_SQL). */
static int mark_hit_ours(sqlite3 *db, sqlite3_stmt *st, const struct kb_search_request *rq,
                         const struct kb_match_expr *e, struct kb_search_hit *h, struct kb_diag *d)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, h->id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return 0; /* changed under us: keep the plain fields */
    if (rc != SQLITE_ROW)
        return fail(db, rc, "highlighting a hit", d);
    size_t nhead, nlede, nhtml;
    const char *head = col_text(st, 0, &nhead), *lede = col_text(st, 1, &nlede),
               *html = col_text(st, 2, &nhtml);
    mark_texts(rq, e, h, head, nhead, lede, nlede, html, nhtml);
    return 0;
}

static int add_marks(sqlite3 *db, const struct kb_search_request *rq, struct kb_search_hit *hits,
                     size_t nh, struct kb_diag *d)
{
    struct kb_match_expr *e = kb_malloc(sizeof(*e));
    bool ours = kb_match_expr_parse(rq->match, e);
    char sql[1024];
    if (ours)
        snprintf(sql, sizeof(sql), "%s", TEXT_SQL);
    else /* not an expression of ours: FTS5's own highlight() and snippet() */
        snprintf(sql, sizeof(sql), MARKS_SQL, SNIPPET_TOKENS, SNIPPET_TOKENS);
    sqlite3_stmt *st = NULL;
    int rc = prepare(db, sql, &st, d);
    for (size_t i = 0; rc == 0 && i < nh; i++)
        rc = ours ? mark_hit_ours(db, st, rq, e, &hits[i], d)
                  : mark_hit_fts5(db, st, rq->match, &hits[i], d);
    sqlite3_finalize(st);
    if (ours)
        kb_match_expr_release(e);
    free(e);
    for (size_t i = 0; rc == 0 && i < nh; i++) {
        if (!hits[i].headline)
            hits[i].headline = kb_strdup("");
        if (!hits[i].snippet)
            hits[i].snippet = kb_strdup("");
    }
    return rc;
}

struct kb_search_stmts {
    sqlite3 *db;                                 /* the connection they belong to */
    sqlite3_stmt *hits[KB_SEARCH_MAX_LIMIT + 1]; /* HITS_SQL, by the number of ids */
};

struct kb_search_stmts *kb_search_stmts_new(void)
{
    return kb_calloc(1, sizeof(struct kb_search_stmts));
}

void kb_search_stmts_free(struct kb_search_stmts *c)
{
    if (!c)
        return;
    for (size_t i = 0; i <= KB_SEARCH_MAX_LIMIT; i++)
        sqlite3_finalize(c->hits[i]);
    free(c);
}

/* HITS_SQL for nr ids: kept in rq->stmts when it serves this connection (*kept true: reset,
 * not finalize, it), else prepared now. */
static int hits_stmt(sqlite3 *db, const struct kb_search_request *rq, size_t nr, sqlite3_stmt **out,
                     bool *kept, struct kb_diag *d)
{
    struct kb_search_stmts *c = rq->stmts;
    *kept = c && (!c->db || c->db == db) && nr <= KB_SEARCH_MAX_LIMIT;
    if (*kept && c->hits[nr]) {
        *out = c->hits[nr];
        return 0;
    }
    char sql[sizeof(HITS_SQL) + 6 * KB_SEARCH_MAX_LIMIT];
    size_t len = (size_t)snprintf(sql, sizeof(sql), "%s", HITS_SQL);
    for (size_t i = 0; i < nr && len < sizeof(sql); i++)
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, i ? ",?%zu" : "?%zu", i + 1);
    if (len + 2 > sizeof(sql))
        return kb_diag_set(d, KB_EINVAL, "limit", "at most %d hits at a time", KB_SEARCH_MAX_LIMIT);
    memcpy(sql + len, ")", 2);
    int rc = sqlite3_prepare_v3(db, sql, -1, *kept ? SQLITE_PREPARE_PERSISTENT : 0, out, NULL);
    if (rc != SQLITE_OK)
        return fail(db, rc, "preparing a search", d);
    if (*kept) {
        c->hits[nr] = *out;
        c->db = db;
    }
    return 0;
}

/* The hits the in-memory ranker chose, in its order, with their page fields and marks: one
 * statement (one read transaction, one b-tree walk per hit) reads every hit's row and texts.
 * An article deleted since the index was built is left out. */
static int fetch_marked(sqlite3 *db, const struct kb_search_request *rq,
                        const struct kb_search_ranked *r, size_t nr, struct kb_search_hit *hits,
                        size_t *nh, struct kb_diag *d)
{
    sqlite3_stmt *st = NULL;
    bool kept = false;
    int rc = hits_stmt(db, rq, nr, &st, &kept, d);
    if (rc)
        return rc;
    struct kb_match_expr *e = kb_malloc(sizeof(*e));
    bool ours = kb_match_expr_parse(rq->match, e);
    bool *seen = kb_calloc(nr, sizeof(*seen));
    for (size_t i = 0; i < nr; i++)
        sqlite3_bind_int64(st, (int)i + 1, r[i].id);
    int src = SQLITE_DONE;
    while (rc == 0 && (src = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        size_t i = 0;
        while (i < nr && (r[i].id != id || seen[i]))
            i++;
        if (i == nr)
            continue;
        seen[i] = true;
        struct kb_search_hit *h = &hits[i];
        h->id = id;
        h->score = r[i].score;
        h->slug = col_dup(st, 1);
        h->section_slug = col_dup(st, 2);
        h->section_name = col_dup(st, 3);
        h->published = sqlite3_column_int64(st, 4);
        h->published_offset = sqlite3_column_int(st, 5);
        h->updated = sqlite3_column_int64(st, 6);
        size_t nhead, nlede, nhtml;
        const char *head = col_text(st, 7, &nhead), *lede = col_text(st, 8, &nlede),
                   *html = col_text(st, 9, &nhtml);
        if (ours)
            mark_texts(rq, e, h, head, nhead, lede, nlede, html, nhtml);
        else /* marked below by FTS5 (the ranker reads only our expressions: not reached) */
            h->headline = kb_strdup(head ? head : "");
    }
    if (rc == 0 && src != SQLITE_DONE)
        rc = fail(db, src, "reading the hits", d);
    if (kept) { /* ends its read transaction */
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    } else {
        sqlite3_finalize(st);
    }
    if (ours)
        kb_match_expr_release(e);
    free(e);
    /* the ranker's order, without the rows that are gone */
    size_t k = 0;
    for (size_t i = 0; i < nr; i++) {
        if (!seen[i])
            continue;
        if (k != i) {
            hits[k] = hits[i];
            memset(&hits[i], 0, sizeof(hits[i]));
        }
        k++;
    }
    free(seen);
    *nh = k;
    if (rc == 0 && !ours && k)
        rc = add_marks(db, rq, hits, k, d);
    return rc;
}

/* The in-memory path: 1 when the ranker cannot answer this expression. */
static int run_index(sqlite3 *db, const struct kb_search_request *rq, struct kb_search_hit **out,
                     size_t *n, size_t *total, struct kb_diag *d)
{
    struct kb_search_ranked *r = NULL;
    size_t nr = 0, all = 0;
    if (kb_search_index_rank(rq->index, rq, &r, &nr, &all) != 0)
        return 1;
    struct kb_search_hit *hits = nr ? kb_calloc(nr, sizeof(*hits)) : NULL;
    size_t nh = 0;
    int rc = nr ? fetch_marked(db, rq, r, nr, hits, &nh, d) : 0;
    free(r);
    if (rc) {
        kb_search_hits_free(hits, nr);
        return rc;
    }
    *out = hits;
    *n = nh;
    if (total)
        *total = all;
    return 0;
}

int kb_search_sqlite_run(struct sqlite3 *db, const struct kb_search_request *rq,
                         struct kb_search_hit **out, size_t *n, size_t *total, struct kb_diag *d)
{
    if (!rq->match || !*rq->match)
        return kb_diag_set(d, KB_EINVAL, "q", "empty search expression");
    if (rq->limit > KB_SEARCH_MAX_LIMIT)
        return kb_diag_set(d, KB_EINVAL, "limit", "at most %d hits at a time", KB_SEARCH_MAX_LIMIT);
    if (rq->index) {
        int irc = run_index(db, rq, out, n, total, d);
        if (irc <= 0)
            return irc;
    }
    char sql[2048];
    snprintf(sql, sizeof(sql), RANK_SQL, KB_SEARCH_W_HEADLINE, KB_SEARCH_W_LEDE, KB_SEARCH_W_BODY,
             rq->sort == KB_SEARCH_NEWEST ? "a.published DESC, a.id DESC"
                                          : "m.score ASC, a.published DESC, a.id DESC");
    sqlite3_stmt *st = NULL;
    int rc = prepare(db, sql, &st, d);
    if (rc)
        return rc;
    bind_filters(st, rq);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)rq->limit);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)rq->offset);

    struct kb_search_hit *hits = rq->limit ? kb_calloc(rq->limit, sizeof(*hits)) : NULL;
    size_t nh = 0, all = 0;
    bool counted = false;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW && nh < rq->limit) {
        struct kb_search_hit *h = &hits[nh++];
        h->id = sqlite3_column_int64(st, 0);
        h->slug = col_dup(st, 1);
        h->section_slug = col_dup(st, 2);
        h->section_name = col_dup(st, 3);
        h->published = sqlite3_column_int64(st, 4);
        h->published_offset = sqlite3_column_int(st, 5);
        h->updated = sqlite3_column_int64(st, 6);
        h->score = -sqlite3_column_double(st, 7);
        h->headline = col_dup(st, 9);
        all = (size_t)sqlite3_column_int64(st, 8);
        counted = true;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        rc = fail(db, src, "searching", d);
    sqlite3_finalize(st);

    if (rc == 0 && !counted && total && (rq->offset > 0 || rq->limit == 0)) {
        /* Nothing on this page (past the end, or limit 0): count on its own.  (Nothing on
         * the first page means nothing at all.) */
        rc = prepare(db, count_sql, &st, d);
        if (rc == 0) {
            bind_filters(st, rq);
            src = sqlite3_step(st);
            if (src == SQLITE_ROW)
                all = (size_t)sqlite3_column_int64(st, 0);
            else
                rc = fail(db, src, "counting search results", d);
            sqlite3_finalize(st);
        }
    }
    if (rc == 0 && nh)
        rc = add_marks(db, rq, hits, nh, d);
    if (rc) {
        kb_search_hits_free(hits, nh);
        return rc;
    }
    *out = hits;
    *n = nh;
    if (total)
        *total = all;
    return 0;
}

static int exec(sqlite3 *db, const char *sql, const char *what, struct kb_diag *d)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc == SQLITE_OK)
        return 0;
    kb_diag_set(d, KB_EDB, "", "%s: %s", what, err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    return KB_EDB;
}

int kb_search_sqlite_rebuild(struct sqlite3 *db, struct kb_diag *d)
{
    int rc = exec(db, "INSERT INTO article_search (article_search) VALUES ('rebuild')",
                  "rebuilding the search index", d);
    if (rc == 0)
        rc = exec(db, "INSERT INTO article_search (article_search) VALUES ('optimize')",
                  "optimizing the search index", d);
    return rc;
}
