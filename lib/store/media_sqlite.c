/*
 * media_sqlite.c — media_store.h on SQLite (migration 7's media table).
 *
 * Statements run on the store's own connection (kb_store_sqlite_db), so they join the
 * caller's transaction; each call is one statement, atomic by itself.  Out-parameters are
 * written only on success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "khabar/buf.h"
#include "khabar/media_store.h"
#include "store_int.h"

static int fail(sqlite3 *db, int rc, const char *what, struct kb_diag *d)
{
    int code = (rc & 0xff) == SQLITE_CONSTRAINT ? KB_EEXISTS
               : (rc & 0xff) == SQLITE_IOERR    ? KB_EIO
                                                : KB_EDB;
    return kb_diag_set(d, code, code == KB_EEXISTS ? "hash" : "", "%s: %s", what,
                       sqlite3_errmsg(db));
}

static int prep(struct kb_store *s, const char *sql, sqlite3_stmt **st, struct kb_diag *d)
{
    sqlite3 *db = kb_store_sqlite_db(s);
    if (!db)
        return kb_diag_set(d, KB_EINTERNAL, "", "media needs the SQLite store for now");
    int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? 0 : fail(db, rc, "preparing a media statement", d);
}

void kb_media_rec_release(struct kb_media_rec *m)
{
    if (!m)
        return;
    free(m->alt);
    free(m->caption);
    free(m->credit);
    free(m->copyright);
    free(m->uploader);
    memset(m, 0, sizeof(*m));
}

void kb_media_recs_free(struct kb_media_rec *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        kb_media_rec_release(&v[i]);
    free(v);
}

static char *text_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return kb_strdup(t ? (const char *)t : "");
}

#define COLUMNS                                                                                    \
    "m.id, m.hash, m.type, m.width, m.height, m.bytes, m.alt, m.caption, m.credit, "               \
    "m.copyright, coalesce(m.uploaded_by, 0), u.name, m.created FROM media m LEFT JOIN users "     \
    "u ON u.id = m.uploaded_by "

static void row(sqlite3_stmt *st, struct kb_media_rec *m)
{
    memset(m, 0, sizeof(*m));
    m->id = sqlite3_column_int64(st, 0);
    snprintf(m->hash, sizeof(m->hash), "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(m->type, sizeof(m->type), "%s", (const char *)sqlite3_column_text(st, 2));
    m->width = sqlite3_column_int64(st, 3);
    m->height = sqlite3_column_int64(st, 4);
    m->bytes = sqlite3_column_int64(st, 5);
    m->alt = text_dup(st, 6);
    m->caption = text_dup(st, 7);
    m->credit = text_dup(st, 8);
    m->copyright = text_dup(st, 9);
    m->uploaded_by = sqlite3_column_int64(st, 10);
    m->uploader = sqlite3_column_type(st, 11) == SQLITE_NULL ? NULL : text_dup(st, 11);
    m->created = sqlite3_column_int64(st, 12);
}

int kb_store_media_insert(struct kb_store *s, struct kb_media_rec *m, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "INSERT INTO media (hash, type, width, height, bytes, alt, caption, credit, "
                  "copyright, uploaded_by, created) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, m->hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, m->type, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, m->width);
    sqlite3_bind_int64(st, 4, m->height);
    sqlite3_bind_int64(st, 5, m->bytes);
    const char *text[4] = {m->alt, m->caption, m->credit, m->copyright};
    for (int i = 0; i < 4; i++)
        sqlite3_bind_text(st, 6 + i, text[i] ? text[i] : "", -1, SQLITE_TRANSIENT);
    if (m->uploaded_by > 0)
        sqlite3_bind_int64(st, 10, m->uploaded_by);
    else
        sqlite3_bind_null(st, 10);
    sqlite3_bind_int64(st, 11, m->created);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return fail(kb_store_sqlite_db(s), r, "adding a photo", d);
    m->id = sqlite3_last_insert_rowid(kb_store_sqlite_db(s));
    return 0;
}

int kb_store_media_get(struct kb_store *s, int64_t id, const char *hash, struct kb_media_rec *out,
                       struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc =
        prep(s, hash ? "SELECT " COLUMNS "WHERE m.hash = ?" : "SELECT " COLUMNS "WHERE m.id = ?",
             &st, d);
    if (rc)
        return rc;
    if (hash)
        sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        kb_media_rec_release(out);
        row(st, out);
        sqlite3_finalize(st);
        return 0;
    }
    sqlite3_finalize(st);
    if (r == SQLITE_DONE)
        return kb_diag_set(d, KB_ENOTFOUND, "id", "no such photo");
    return fail(kb_store_sqlite_db(s), r, "reading a photo", d);
}

int kb_store_media_set_text(struct kb_store *s, int64_t id, const char *alt, const char *caption,
                            const char *credit, const char *copyright, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "UPDATE media SET alt = coalesce(?, alt), caption = coalesce(?, caption), "
                  "credit = coalesce(?, credit), copyright = coalesce(?, copyright) WHERE id = ?",
                  &st, d);
    if (rc)
        return rc;
    const char *text[4] = {alt, caption, credit, copyright};
    for (int i = 0; i < 4; i++)
        if (text[i])
            sqlite3_bind_text(st, 1 + i, text[i], -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, 1 + i);
    sqlite3_bind_int64(st, 5, id);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return fail(kb_store_sqlite_db(s), r, "updating a photo", d);
    if (sqlite3_changes(kb_store_sqlite_db(s)) == 0)
        return kb_diag_set(d, KB_ENOTFOUND, "id", "no such photo");
    return 0;
}

/* The photos' text a search looks in: alt, caption, credit, copyright and the uploader. */
#define MATCH                                                                                      \
    "WHERE instr(lower(m.alt || ' ' || m.caption || ' ' || m.credit || ' ' || m.copyright || "     \
    "' ' || coalesce(u.name, '')), lower(?3)) > 0 "

int kb_store_media_list(struct kb_store *s, size_t offset, size_t limit, struct kb_media_rec **out,
                        size_t *n, size_t *total, struct kb_diag *d)
{
    return kb_store_media_find(s, NULL, offset, limit, out, n, total, d);
}

int kb_store_media_find(struct kb_store *s, const char *q, size_t offset, size_t limit,
                        struct kb_media_rec **out, size_t *n, size_t *total, struct kb_diag *d)
{
    bool all = !q || !*q;
    sqlite3_stmt *st;
    int rc = prep(s,
                  all ? "SELECT count(*) FROM media"
                      : "SELECT count(*) FROM media m LEFT JOIN users u ON u.id = "
                        "m.uploaded_by " MATCH,
                  &st, d);
    if (rc)
        return rc;
    if (!all)
        sqlite3_bind_text(st, 3, q, -1, SQLITE_TRANSIENT);
    int r = sqlite3_step(st);
    size_t count = r == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (r != SQLITE_ROW)
        return fail(kb_store_sqlite_db(s), r, "counting photos", d);
    if ((rc = prep(s,
                   all ? "SELECT " COLUMNS "ORDER BY m.created DESC, m.id DESC LIMIT ?1 OFFSET ?2"
                       : "SELECT " COLUMNS MATCH
                         "ORDER BY m.created DESC, m.id DESC LIMIT ?1 OFFSET ?2",
                   &st, d)))
        return rc;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)limit);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)offset);
    if (!all)
        sqlite3_bind_text(st, 3, q, -1, SQLITE_TRANSIENT);
    struct kb_media_rec *v = NULL;
    size_t k = 0, cap = 0;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? 2 * cap : 16;
            v = kb_realloc(v, cap * sizeof(*v));
        }
        row(st, &v[k++]);
    }
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) {
        kb_media_recs_free(v, k);
        return fail(kb_store_sqlite_db(s), r, "listing photos", d);
    }
    *out = v;
    *n = k;
    *total = count;
    return 0;
}
