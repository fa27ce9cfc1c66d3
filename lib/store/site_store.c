/*
 * site_store.c — what the public site's tag, author and translation pages need from the
 * SQLite store: the kb_slug() SQL function behind articles.byline_slug (migration 8), the
 * reserved section slugs, and translation groups (hreflang).
 *
 * Translation model: article_translations(article_id, group_id) puts articles that are
 * translations of each other in one group; the group id is the smallest id the group had
 * when it was formed (in practice the original).  Groups are symmetric by construction, so
 * hreflang pairs are reciprocal.  A group never has fewer than two members: one left alone
 * is removed.
 *
 * Invariants: kb_store_sqlite_translations_write runs inside the article write's own
 * transaction or savepoint (store_sqlite.c), so a refused translation list leaves the
 * article, its links and every other group exactly as they were.
 */
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "khabar/text.h"
#include "store_int.h"

static const char *const reserved[] = {"tag",   "author", "search", "api",
                                       "admin", "static", "media"};

bool kb_store_slug_reserved(const char *slug)
{
    for (size_t i = 0; slug && i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (strcmp(slug, reserved[i]) == 0)
            return true;
    return false;
}

/* ---- kb_slug(text) ---------------------------------------------------------------------- */

/* kb_slug(x): kb_slug_make(x), NULL for NULL or when the slug is empty. */
static void fn_slug(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    if (!s) {
        sqlite3_result_null(ctx);
        return;
    }
    struct kb_buf b;
    kb_buf_init(&b, 4 * KB_SLUG_MAX_CHARS + 16);
    kb_slug_make(&b, s, (size_t)sqlite3_value_bytes(argv[0]));
    if (kb_buf_err(&b) || b.n == 0)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_text(ctx, kb_buf_cstr(&b), (int)b.n, SQLITE_TRANSIENT);
    kb_buf_release(&b);
}

int kb_store_sqlite_site_register(sqlite3 *db, struct kb_diag *d)
{
    if (sqlite3_create_function_v2(db, "kb_slug", 1,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                   fn_slug, NULL, NULL, NULL) != SQLITE_OK)
        return kb_diag_set(d, KB_EDB, "", "registering kb_slug: %s", sqlite3_errmsg(db));
    return 0;
}

/* ---- translations ----------------------------------------------------------------------- */

static int fail(sqlite3 *db, const char *what, struct kb_diag *d)
{
    return kb_diag_set(d, KB_EDB, "", "%s: %s", what, sqlite3_errmsg(db));
}

/* Run `sql` with up to two integer parameters; *out (optional) gets the first column of
 * the first row, 0 when there is none. */
static int run(sqlite3 *db, const char *sql, int64_t a, int64_t b, int64_t *out, struct kb_diag *d)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(db, "translations", d);
    int np = sqlite3_bind_parameter_count(st);
    if (np >= 1)
        sqlite3_bind_int64(st, 1, a);
    if (np >= 2)
        sqlite3_bind_int64(st, 2, b);
    int rc = sqlite3_step(st);
    if (out)
        *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return fail(db, "translations", d);
    return 0;
}

/* The article a translation names: its id, or the article whose slug is the last segment
 * of its url (percent-decoded). */
static int resolve(sqlite3 *db, const struct kb_translation *t, size_t i, int64_t *id,
                   struct kb_diag *d)
{
    if (t->id > 0) {
        int rc = run(db, "SELECT id FROM articles WHERE id = ?1", t->id, 0, id, d);
        if (rc == 0 && *id == 0)
            rc = kb_diag_set(d, KB_EINVAL, "translations", "translation %zu: no article %lld",
                             i + 1, (long long)t->id);
        return rc;
    }
    struct kb_buf path;
    kb_buf_init(&path, KB_REDIRECT_MAX_PATH + 16);
    struct kb_diag why = {0};
    int rc = kb_redirect_path(t->url, &path, &why);
    if (rc) {
        kb_buf_release(&path);
        return kb_diag_set(d, KB_EINVAL, "translations", "translation %zu: '%.100s' %s", i + 1,
                           t->url, why.msg[0] ? why.msg : "is not an article's address");
    }
    const char *slash = strrchr(kb_buf_cstr(&path), '/');
    const char *slug = slash ? slash + 1 : kb_buf_cstr(&path);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT id FROM articles WHERE slug = ?1", -1, &st, NULL) !=
        SQLITE_OK) {
        kb_buf_release(&path);
        return fail(db, "translations", d);
    }
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_TRANSIENT);
    int src = sqlite3_step(st);
    *id = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (src != SQLITE_ROW && src != SQLITE_DONE)
        rc = fail(db, "translations", d);
    else if (*id == 0)
        rc = kb_diag_set(d, KB_EINVAL, "translations", "translation %zu: no article at '%.100s'",
                         i + 1, t->url);
    kb_buf_release(&path);
    return rc;
}

static int group_of(sqlite3 *db, int64_t id, int64_t *g, struct kb_diag *d)
{
    return run(db, "SELECT group_id FROM article_translations WHERE article_id = ?1", id, 0, g, d);
}

int kb_store_sqlite_translations_write(sqlite3 *db, int64_t id, const struct kb_article *a,
                                       const char *language, struct kb_diag *d)
{
    if (!a->translations_set)
        return 0;
    int64_t targets[KB_MAX_TRANSLATIONS];
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < a->ntranslations && i < KB_MAX_TRANSLATIONS && rc == 0; i++) {
        int64_t t = 0;
        if ((rc = resolve(db, &a->translations[i], i, &t, d)))
            break;
        if (t == id)
            return kb_diag_set(d, KB_EINVAL, "translations",
                               "translation %zu is the article itself", i + 1);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "SELECT language FROM articles WHERE id = ?1", -1, &st, NULL) !=
            SQLITE_OK)
            return fail(db, "translations", d);
        sqlite3_bind_int64(st, 1, t);
        bool same = sqlite3_step(st) == SQLITE_ROW &&
                    strcmp((const char *)sqlite3_column_text(st, 0), language) == 0;
        sqlite3_finalize(st);
        if (same)
            return kb_diag_set(d, KB_EINVAL, "translations",
                               "translation %zu (article %lld) is in this article's language "
                               "(%s), not a translation",
                               i + 1, (long long)t, language);
        bool seen = false;
        for (size_t j = 0; j < n; j++)
            seen = seen || targets[j] == t;
        if (!seen)
            targets[n++] = t;
    }
    if (rc)
        return rc;

    int64_t old = 0;
    if ((rc = group_of(db, id, &old, d)) ||
        (rc = run(db, "DELETE FROM article_translations WHERE article_id = ?1", id, 0, NULL, d)))
        return rc;
    if (n) {
        /* The new group: the smallest of the targets' groups (an ungrouped target is its
         * own), with every other group of a target merged into it, and this article. */
        int64_t g = 0, gt[KB_MAX_TRANSLATIONS];
        for (size_t i = 0; i < n && rc == 0; i++) {
            rc = group_of(db, targets[i], &gt[i], d);
            int64_t cand = gt[i] ? gt[i] : targets[i];
            if (!g || cand < g)
                g = cand;
        }
        if (id < g)
            g = id;
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (!gt[i])
                rc = run(db,
                         "INSERT INTO article_translations (article_id, group_id) "
                         "VALUES (?1, ?2)",
                         targets[i], g, NULL, d);
            else if (gt[i] != g)
                rc = run(db, "UPDATE article_translations SET group_id = ?2 WHERE group_id = ?1",
                         gt[i], g, NULL, d);
        }
        if (rc == 0)
            rc = run(db, "INSERT INTO article_translations (article_id, group_id) VALUES (?1, ?2)",
                     id, g, NULL, d);
    }
    /* The group this article left may be down to one member: dissolve it. */
    if (rc == 0 && old)
        rc = run(db,
                 "DELETE FROM article_translations WHERE group_id = ?1 AND "
                 "(SELECT count(*) FROM article_translations WHERE group_id = ?1) < 2",
                 old, 0, NULL, d);
    return rc;
}

int kb_store_translations_get(struct kb_store *s, int64_t id, bool live_only, int64_t now,
                              struct kb_translation **out, size_t *n, struct kb_diag *d)
{
    sqlite3 *db = kb_store_sqlite_db(s);
    if (!db)
        return kb_diag_set(d, KB_EINVAL, "", "translations need the SQLite store");
    /* CROSS JOIN keeps the group's few rows as the outer loop: left to itself the planner
     * walked every live article (articles_live) for each article page. */
    static const char *const sql[2] = {
        "SELECT a.id, a.language, s.slug, a.slug FROM article_translations t CROSS "
        "JOIN articles a ON a.id = t.article_id JOIN sections s ON s.id = a.section_id "
        "WHERE t.group_id = (SELECT group_id FROM article_translations WHERE article_id = ?1) "
        "AND a.id <> ?1 ORDER BY a.language, a.id",
        "SELECT a.id, a.language, s.slug, a.slug FROM article_translations t CROSS "
        "JOIN articles a ON a.id = t.article_id JOIN sections s ON s.id = a.section_id "
        "WHERE t.group_id = (SELECT group_id FROM article_translations WHERE article_id = ?1) "
        "AND a.id <> ?1 AND a.status = 'published' AND a.published <= ?2 "
        "AND a.deleted_at IS NULL ORDER BY a.language, a.id",
    };
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql[live_only], -1, &st, NULL) != SQLITE_OK)
        return fail(db, "reading translations", d);
    sqlite3_bind_int64(st, 1, id);
    if (live_only)
        sqlite3_bind_int64(st, 2, now);
    struct kb_translation *v = NULL;
    size_t k = 0, cap = 0;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? 2 * cap : 4;
            v = kb_realloc(v, cap * sizeof(*v));
        }
        struct kb_translation *t = &v[k++];
        memset(t, 0, sizeof(*t));
        t->id = sqlite3_column_int64(st, 0);
        t->language = kb_strdup((const char *)sqlite3_column_text(st, 1));
        struct kb_article tmp = {0};
        tmp.section.slug = (char *)sqlite3_column_text(st, 2);
        tmp.slug = (char *)sqlite3_column_text(st, 3);
        struct kb_buf url;
        kb_buf_init(&url, 4096);
        kb_article_url(&url, &tmp);
        t->url = kb_buf_detach(&url, NULL);
    }
    sqlite3_finalize(st);
    if (src != SQLITE_DONE) {
        kb_translations_free(v, k);
        return fail(db, "reading translations", d);
    }
    *out = v;
    *n = k;
    return 0;
}
