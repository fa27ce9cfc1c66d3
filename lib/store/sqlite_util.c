/*
 * sqlite_util.c — the statement helpers the SQLite store's side files share
 * (newsroom_sqlite.c, export_sqlite.c): errors mapped to enum kb_err with the statement's
 * purpose, prepare on the store's connection, step-and-finalize, NULL-aware binds and
 * column copies.  Declared in store_int.h.
 */
#include <sqlite3.h>
#include "store_int.h"

int kb_sq_fail(sqlite3 *db, int rc, const char *what, struct kb_diag *d)
{
    int code = (rc & 0xff) == SQLITE_CONSTRAINT ? KB_EEXISTS
               : (rc & 0xff) == SQLITE_IOERR    ? KB_EIO
                                                : KB_EDB;
    return kb_diag_set(d, code, "", "%s: %s", what, sqlite3_errmsg(db));
}

int kb_sq_prep(struct kb_store *s, const char *sql, sqlite3_stmt **st, const char *needs,
               struct kb_diag *d)
{
    sqlite3 *db = kb_store_sqlite_db(s);
    if (!db)
        return kb_diag_set(d, KB_EINTERNAL, "", "%s need the SQLite store for now", needs);
    int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
    if (rc != SQLITE_OK)
        return kb_sq_fail(db, rc, "preparing a statement", d);
    return 0;
}

int kb_sq_run(sqlite3_stmt *st, const char *what, struct kb_diag *d)
{
    int rc = sqlite3_step(st);
    int r =
        rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : kb_sq_fail(sqlite3_db_handle(st), rc, what, d);
    sqlite3_finalize(st);
    return r;
}

void kb_sq_bind_str(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

char *kb_sq_col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? kb_strdup((const char *)t) : NULL;
}
