/*
 * export_sqlite.c — export.h's store side on SQLite: walking every article in id order, and
 * reading and restoring what an article keeps beside product.md's fields (author, version,
 * trash state, the origin row of migration 5).
 *
 * Statements run on the store's own connection (kb_store_sqlite_db), so they join the
 * caller's transaction; they are prepared per call (exports and imports, not page traffic).
 * kb_store_article_extra_put writes in a savepoint: all of it or nothing.  Out-parameters
 * are written only on success.
 *
 * Order matters in extra_put: the trash columns are in the version trigger's column list
 * (migration 3), so the version is set after them, or the trigger's +1 would stick.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "khabar/export.h"
#include "store_int.h"

static int prep(struct kb_store *s, const char *sql, sqlite3_stmt **st, struct kb_diag *d)
{
    return kb_sq_prep(s, sql, st, "exports", d);
}

static void bind_time(sqlite3_stmt *st, int i, int64_t t)
{
    if (t)
        sqlite3_bind_int64(st, i, t);
    else
        sqlite3_bind_null(st, i);
}

void kb_origin_release(struct kb_origin *o)
{
    if (!o)
        return;
    free(o->version);
    free(o->located);
    memset(o, 0, sizeof(*o));
}

static int strings_query(struct kb_store *s, const char *sql, int64_t id, char ***out, size_t *n,
                         struct kb_diag *d);

void kb_article_extra_release(struct kb_article_extra *x)
{
    if (!x)
        return;
    kb_origin_release(&x->origin);
    for (size_t i = 0; i < x->nredirects; i++)
        free(x->redirects[i]);
    free(x->redirects);
    memset(x, 0, sizeof(*x));
}

int kb_store_export_ids(struct kb_store *s, int64_t after, int64_t *ids, size_t max, size_t *n,
                        struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT id FROM articles WHERE id > ?1 ORDER BY id LIMIT ?2", &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    size_t k = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < max)
        ids[k++] = sqlite3_column_int64(st, 0);
    int r = rc == SQLITE_ROW || rc == SQLITE_DONE
                ? 0
                : kb_sq_fail(kb_store_sqlite_db(s), rc, "listing", d);
    sqlite3_finalize(st);
    if (r == 0)
        *n = k;
    return r;
}

int kb_store_origin_get(struct kb_store *s, int64_t id, struct kb_origin *out, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT format, version, versioncreated, versioncreated_offset, firstcreated, "
                  "firstcreated_offset, located FROM article_origin WHERE article_id = ?1",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct kb_origin o = {0};
        const unsigned char *f = sqlite3_column_text(st, 0);
        snprintf(o.format, sizeof(o.format), "%s", f ? (const char *)f : "");
        o.version = kb_sq_col_dup(st, 1);
        o.versioncreated = sqlite3_column_int64(st, 2);
        o.versioncreated_offset = sqlite3_column_int(st, 3);
        o.firstcreated = sqlite3_column_int64(st, 4);
        o.firstcreated_offset = sqlite3_column_int(st, 5);
        o.located = kb_sq_col_dup(st, 6);
        kb_origin_release(out);
        *out = o;
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = kb_diag_set(d, KB_ENOTFOUND, "id", "article %lld has no origin", (long long)id);
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "reading an origin", d);
    }
    sqlite3_finalize(st);
    return rc;
}

int kb_store_origin_put(struct kb_store *s, int64_t id, const struct kb_origin *o,
                        struct kb_diag *d)
{
    if (s->mode == KB_STORE_READONLY)
        return kb_diag_set(d, KB_EINVAL, "", "the store is read-only");
    sqlite3_stmt *st;
    int rc;
    if (!o || !o->format[0]) {
        if ((rc = prep(s, "DELETE FROM article_origin WHERE article_id = ?1", &st, d)))
            return rc;
        sqlite3_bind_int64(st, 1, id);
        return kb_sq_run(st, "removing an origin", d);
    }
    rc = prep(s,
              "INSERT INTO article_origin (article_id, format, version, versioncreated, "
              "versioncreated_offset, firstcreated, firstcreated_offset, located) VALUES (?1, ?2, "
              "?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (article_id) DO UPDATE SET format = "
              "excluded.format, version = excluded.version, versioncreated = "
              "excluded.versioncreated, versioncreated_offset = excluded.versioncreated_offset, "
              "firstcreated = excluded.firstcreated, firstcreated_offset = "
              "excluded.firstcreated_offset, located = excluded.located",
              &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    kb_sq_bind_str(st, 2, o->format);
    kb_sq_bind_str(st, 3, o->version);
    bind_time(st, 4, o->versioncreated);
    sqlite3_bind_int(st, 5, o->versioncreated_offset);
    bind_time(st, 6, o->firstcreated);
    sqlite3_bind_int(st, 7, o->firstcreated_offset);
    kb_sq_bind_str(st, 8, o->located);
    return kb_sq_run(st, "writing an origin", d);
}

int kb_store_article_extra_get(struct kb_store *s, int64_t id, struct kb_article_extra *out,
                               struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT u.name, a.version, a.deleted_at, a.deleted_status FROM articles a LEFT "
                  "JOIN users u ON u.id = a.author_id WHERE a.id = ?1",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    struct kb_article_extra x = {0};
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *u = sqlite3_column_text(st, 0);
        snprintf(x.author, sizeof(x.author), "%s", u ? (const char *)u : "");
        x.version = sqlite3_column_int64(st, 1);
        x.trashed = sqlite3_column_int64(st, 2);
        const unsigned char *ds = sqlite3_column_text(st, 3);
        x.trashed_status = KB_STATUS_DRAFT;
        if (ds && kb_status_parse((const char *)ds, &x.trashed_status) != 0)
            x.trashed_status = KB_STATUS_DRAFT;
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = kb_diag_set(d, KB_ENOTFOUND, "id", "no article %lld", (long long)id);
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "reading an article", d);
    }
    sqlite3_finalize(st);
    if (rc)
        return rc;
    rc = kb_store_origin_get(s, id, &x.origin, d);
    if (rc == KB_ENOTFOUND) {
        kb_diag_clear(d);
        rc = 0;
    }
    if (rc == 0)
        rc = kb_store_export_redirects(s, id, &x.redirects, &x.nredirects, d);
    if (rc) {
        kb_article_extra_release(&x);
        return rc;
    }
    *out = x;
    return 0;
}

static int sp(struct kb_store *s, const char *sql, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, sql, &st, d);
    return rc ? rc : kb_sq_run(st, sql, d);
}

static int extra_write(struct kb_store *s, int64_t id, const struct kb_article_extra *x,
                       int64_t updated, int updated_offset, bool *unknown_author, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc;
    int64_t author = 0;
    if (x->author[0]) {
        if ((rc = prep(s, "SELECT id FROM users WHERE name = ?1", &st, d)))
            return rc;
        kb_sq_bind_str(st, 1, x->author);
        if (sqlite3_step(st) == SQLITE_ROW)
            author = sqlite3_column_int64(st, 0);
        else
            *unknown_author = true;
        sqlite3_finalize(st);
    }
    rc = prep(s,
              "UPDATE articles SET author_id = ?2, deleted_at = ?3, deleted_status = ?4 WHERE "
              "id = ?1",
              &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (author)
        sqlite3_bind_int64(st, 2, author);
    else
        sqlite3_bind_null(st, 2);
    bind_time(st, 3, x->trashed);
    kb_sq_bind_str(st, 4, x->trashed ? kb_status_name(x->trashed_status) : NULL);
    if ((rc = kb_sq_run(st, "restoring an article", d)))
        return rc;
    /* After the trash columns: the version trigger has had its say. */
    rc = prep(s,
              "UPDATE articles SET version = ?2, updated = coalesce(?3, updated), "
              "updated_offset = CASE WHEN ?3 IS NULL THEN updated_offset ELSE ?4 END WHERE id = ?1",
              &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, x->version > 0 ? x->version : 1);
    bind_time(st, 3, updated);
    sqlite3_bind_int(st, 4, updated_offset);
    if ((rc = kb_sq_run(st, "restoring an article", d)))
        return rc;
    if ((rc = kb_store_redirects_set(s, id, x->redirects, x->nredirects, d)))
        return rc;
    return kb_store_origin_put(s, id, &x->origin, d);
}

int kb_store_article_extra_put(struct kb_store *s, int64_t id, const struct kb_article_extra *x,
                               int64_t updated, int updated_offset, struct kb_diag *d)
{
    if (s->mode == KB_STORE_READONLY)
        return kb_diag_set(d, KB_EINVAL, "", "the store is read-only");
    int rc = sp(s, "SAVEPOINT kb_extra", d);
    if (rc)
        return rc;
    bool unknown = false;
    rc = extra_write(s, id, x, updated, updated_offset, &unknown, d);
    if (rc) {
        struct kb_diag ignore;
        kb_diag_clear(&ignore);
        if (sp(s, "ROLLBACK TO kb_extra", &ignore) == 0 && sp(s, "RELEASE kb_extra", &ignore)) {
            /* the outer transaction's rollback cleans up */
        }
        return rc;
    }
    if ((rc = sp(s, "RELEASE kb_extra", d)))
        return rc;
    return unknown ? 1 : 0;
}

int kb_store_export_settings(struct kb_store *s, char ***keys, char ***values, size_t *n,
                             struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT key, value FROM settings ORDER BY key", &st, d);
    if (rc)
        return rc;
    char **k = NULL, **v = NULL;
    size_t cnt = 0, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : 16;
            k = kb_realloc(k, cap * sizeof(*k));
            v = kb_realloc(v, cap * sizeof(*v));
        }
        k[cnt] = kb_sq_col_dup(st, 0);
        v[cnt] = kb_sq_col_dup(st, 1);
        cnt++;
    }
    int r = rc == SQLITE_DONE ? 0 : kb_sq_fail(kb_store_sqlite_db(s), rc, "reading settings", d);
    sqlite3_finalize(st);
    if (r) {
        kb_export_strings_free(k, v, cnt);
        return r;
    }
    *keys = k;
    *values = v;
    *n = cnt;
    return 0;
}

void kb_export_strings_free(char **keys, char **values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(keys[i]);
        free(values[i]);
    }
    free(keys);
    free(values);
}

int kb_store_read_begin(struct kb_store *s, struct kb_diag *d)
{
    return sp(s, "BEGIN", d);
}

void kb_store_read_end(struct kb_store *s)
{
    struct kb_diag ignore;
    kb_diag_clear(&ignore);
    if (sp(s, "COMMIT", &ignore) != 0) {
        /* a read transaction has nothing to lose */
    }
}

/* ---- what other modules keep beside articles: redirects, translations, media ---------- */

static int strings_query(struct kb_store *s, const char *sql, int64_t id, char ***out, size_t *n,
                         struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, sql, &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : 4;
            v = kb_realloc(v, cap * sizeof(*v));
        }
        v[cnt++] = kb_sq_col_dup(st, 0);
    }
    int r = rc == SQLITE_DONE ? 0 : kb_sq_fail(kb_store_sqlite_db(s), rc, "reading", d);
    sqlite3_finalize(st);
    if (r) {
        for (size_t i = 0; i < cnt; i++)
            free(v[i]);
        free(v);
        return r;
    }
    *out = v;
    *n = cnt;
    return 0;
}

int kb_store_export_redirects(struct kb_store *s, int64_t id, char ***paths, size_t *n,
                              struct kb_diag *d)
{
    return strings_query(s, "SELECT path FROM redirects WHERE article_id = ?1 ORDER BY path", id,
                         paths, n, d);
}

int kb_store_redirects_set(struct kb_store *s, int64_t id, char *const *paths, size_t n,
                           struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "DELETE FROM redirects WHERE article_id = ?1", &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if ((rc = kb_sq_run(st, "writing redirects", d)))
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if ((rc = prep(s,
                       "INSERT INTO redirects (path, article_id) VALUES (?1, ?2) ON CONFLICT "
                       "(path) DO UPDATE SET article_id = excluded.article_id",
                       &st, d)))
            break;
        kb_sq_bind_str(st, 1, paths[i]);
        sqlite3_bind_int64(st, 2, id);
        rc = kb_sq_run(st, "writing redirects", d);
    }
    return rc;
}

int kb_store_export_translations(struct kb_store *s, int64_t **pairs, size_t *n, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT group_id, article_id FROM article_translations ORDER BY group_id, "
                  "article_id",
                  &st, d);
    if (rc)
        return rc;
    int64_t *v = NULL;
    size_t cnt = 0, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : 8;
            v = kb_realloc(v, cap * 2 * sizeof(*v));
        }
        v[2 * cnt] = sqlite3_column_int64(st, 0);
        v[2 * cnt + 1] = sqlite3_column_int64(st, 1);
        cnt++;
    }
    int r =
        rc == SQLITE_DONE ? 0 : kb_sq_fail(kb_store_sqlite_db(s), rc, "reading translations", d);
    sqlite3_finalize(st);
    if (r) {
        free(v);
        return r;
    }
    *pairs = v;
    *n = cnt;
    return 0;
}

int kb_store_translation_set(struct kb_store *s, int64_t article_id, int64_t group_id,
                             bool *changed, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "INSERT INTO article_translations (article_id, group_id) VALUES (?1, ?2) ON "
                  "CONFLICT (article_id) DO UPDATE SET group_id = excluded.group_id WHERE "
                  "group_id <> excluded.group_id",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, article_id);
    sqlite3_bind_int64(st, 2, group_id);
    rc = kb_sq_run(st, "writing a translation", d);
    if (rc == 0 && changed)
        *changed = sqlite3_changes(kb_store_sqlite_db(s)) > 0;
    return rc;
}

int kb_store_export_media_ids(struct kb_store *s, int64_t after, int64_t *ids, size_t max,
                              size_t *n, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT id FROM media WHERE id > ?1 ORDER BY id LIMIT ?2", &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    size_t k = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < max)
        ids[k++] = sqlite3_column_int64(st, 0);
    int r = rc == SQLITE_ROW || rc == SQLITE_DONE
                ? 0
                : kb_sq_fail(kb_store_sqlite_db(s), rc, "listing", d);
    sqlite3_finalize(st);
    if (r == 0)
        *n = k;
    return r;
}
