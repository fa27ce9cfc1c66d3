/*
 * related_store.c — the store's side of related articles (related.h): each call runs
 * lib/search/related.c's SQLite function on the store's own connection.
 *
 * Invariants: a backend without SQLite answers KB_EINVAL ("related lists need the SQLite
 * store"); a read-only store refuses the writes with KB_EINVAL before touching anything.
 */
#include <sqlite3.h>
#include "khabar/related.h"
#include "store_int.h"

static int db_of(struct kb_store *s, bool write, sqlite3 **db, struct kb_diag *d)
{
    *db = kb_store_sqlite_db(s);
    if (!*db)
        return kb_diag_set(d, KB_EINVAL, "", "related lists need the SQLite store");
    if (write && s->mode == KB_STORE_READONLY)
        return kb_diag_set(d, KB_EINVAL, "", "the store is read-only");
    return 0;
}

int kb_store_related_update(struct kb_store *s, int64_t id, struct kb_related_stats *st,
                            struct kb_diag *d)
{
    sqlite3 *db;
    int rc = db_of(s, true, &db, d);
    return rc ? rc : kb_related_sqlite_update(db, id, st, d);
}

int kb_store_related_rebuild(struct kb_store *s, struct kb_related_stats *st, struct kb_diag *d)
{
    sqlite3 *db;
    int rc = db_of(s, true, &db, d);
    return rc ? rc : kb_related_sqlite_rebuild(db, st, d);
}

int kb_store_related_stale(struct kb_store *s, int64_t **ids, size_t *n, struct kb_diag *d)
{
    sqlite3 *db;
    int rc = db_of(s, false, &db, d);
    return rc ? rc : kb_related_sqlite_stale(db, ids, n, d);
}

int kb_store_related_list(struct kb_store *s, int64_t id, int64_t *ids, size_t max, size_t *n,
                          struct kb_diag *d)
{
    sqlite3 *db;
    int rc = db_of(s, false, &db, d);
    return rc ? rc : kb_related_sqlite_list(db, id, ids, max, n, d);
}

int kb_store_related_dup_of(struct kb_store *s, int64_t id, int64_t *dup_of, struct kb_diag *d)
{
    sqlite3 *db;
    int rc = db_of(s, false, &db, d);
    return rc ? rc : kb_related_sqlite_dup_of(db, id, dup_of, d);
}

int kb_store_related_dup_pairs(struct kb_store *s, int64_t (*pairs)[2], size_t max, size_t *n,
                               size_t *total, struct kb_diag *d)
{
    sqlite3 *db;
    int rc = db_of(s, false, &db, d);
    return rc ? rc : kb_related_sqlite_dup_pairs(db, pairs, max, n, total, d);
}
