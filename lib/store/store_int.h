/*
 * store_int.h — what a store backend implements (not a public header).
 *
 * store.c owns everything backend-independent: choosing the backend from the location,
 * refusing writes on a read-only store, validating articles, sections and settings,
 * checking query limits, and section_ensure (built on section_get/section_put).  A backend
 * (store_sqlite.c; store_pg.c later) fills a struct kb_store_ops and embeds struct kb_store
 * as the first member of its own connection struct.  Backend functions may assume their
 * arguments passed those checks.
 *
 * Invariants every backend keeps, and tests/unit/store checks:
 *  - a failed write leaves the database exactly as before (a savepoint around each write
 *    inside a caller's transaction, a transaction of its own outside one);
 *  - out-parameters are written only on success;
 *  - the schema version is kb_store_schema_version() (each backend has that many
 *    migrations, in the same order, with the same meaning).
 */
#ifndef KHABAR_STORE_INT_H
#define KHABAR_STORE_INT_H

#include "khabar/search.h"
#include "khabar/store.h"

struct kb_store_ops {
    const char *name; /* "sqlite", "postgres" */
    void (*close)(struct kb_store *s);
    int (*begin)(struct kb_store *s, struct kb_diag *d);
    int (*commit)(struct kb_store *s, struct kb_diag *d);
    void (*rollback)(struct kb_store *s);
    int (*data_version)(struct kb_store *s, uint64_t *out, struct kb_diag *d);
    int (*setting_get)(struct kb_store *s, const char *key, char **out, struct kb_diag *d);
    int (*setting_put)(struct kb_store *s, const char *key, const char *value, struct kb_diag *d);
    int (*section_put)(struct kb_store *s, struct kb_section *sec, struct kb_diag *d);
    /* Exact match on slug only (by_name false) or on name only (by_name true). */
    int (*section_find)(struct kb_store *s, const char *key, bool by_name, struct kb_section *out,
                        struct kb_diag *d);
    int (*section_list)(struct kb_store *s, struct kb_section **out, size_t *n, struct kb_diag *d);
    int (*article_put)(struct kb_store *s, struct kb_article *a, struct kb_diag *d);
    int (*article_delete)(struct kb_store *s, int64_t id, struct kb_diag *d);
    int (*article_get)(struct kb_store *s, int64_t id, const char *slug, struct kb_article *out,
                       struct kb_diag *d); /* by id when slug is NULL */
    int (*article_find_external)(struct kb_store *s, const char *external_id, int64_t *id,
                                 struct kb_diag *d);
    int (*article_list)(struct kb_store *s, const struct kb_article_query *q,
                        struct kb_article **out, size_t *n, size_t *total, struct kb_diag *d);
    int (*article_count)(struct kb_store *s, size_t *out, struct kb_diag *d);
    int (*search)(struct kb_store *s, const struct kb_search_request *rq,
                  struct kb_search_hit **out, size_t *n, size_t *total, struct kb_diag *d);
    int (*search_rebuild)(struct kb_store *s, struct kb_diag *d);
};

/* The part of every connection that store.c reads. */
struct kb_store {
    const struct kb_store_ops *ops;
    enum kb_store_mode mode;
    int64_t (*now)(void); /* never NULL */
};

/* The store's current time, for `updated`. */
int64_t kb_store_now(const struct kb_store *s);

/* Open the SQLite backend at a file path (or ":memory:"). */
int kb_store_sqlite_open(const char *path, enum kb_store_mode mode, struct kb_store **out,
                         struct kb_diag *d);

/* Open the PostgreSQL backend at a libpq URI (postgres://… or postgresql://…); store_pg.c. */
int kb_store_pg_open(const char *location, enum kb_store_mode mode, struct kb_store **out,
                     struct kb_diag *d);

/* The PostgreSQL migrations (pg_migrations.c): as many as SQLite's, with the same meaning. */
extern const char *const kb_store_pg_migrations[];
extern const int kb_store_pg_nmigrations;

/* The connection of a SQLite store, NULL for another backend: for the store's other SQLite
 * files (newsroom_sqlite.c), which run their statements on it. */
struct sqlite3 *kb_store_sqlite_db(struct kb_store *s);

/* The SQLite migrations, in order: step i brings the schema from version i to i + 1. */
extern const char *const kb_store_sqlite_migrations[];
extern const int kb_store_sqlite_nmigrations;

/* site_store.c: register kb_slug(text) on a connection (before migrations: migration 8's
 * articles.byline_slug is computed by it). */
int kb_store_sqlite_site_register(struct sqlite3 *db, struct kb_diag *d);
/* site_store.c: make article `id` (in `language`) a translation of exactly a->translations
 * (nothing when !a->translations_set), inside the caller's write; KB_EINVAL (field
 * "translations") for a missing target, the article itself or one in the same language. */
int kb_store_sqlite_translations_write(struct sqlite3 *db, int64_t id, const struct kb_article *a,
                                       const char *language, struct kb_diag *d);

/* Slug making for articles: kb_slug_make(headline), "article" when empty. */
char *kb_store_slug_from(const char *headline);

/* Cut a slug in place to at most `max` bytes, at a code point boundary, without a trailing
 * '-'. */
void kb_store_slug_cut(char *s, size_t max);

/* ---- statement helpers of the SQLite side files (sqlite_util.c) ---- */
struct sqlite3_stmt;
/* The SQLite error rc as KB_EEXISTS (constraint), KB_EIO or KB_EDB, "<what>: <message>". */
int kb_sq_fail(struct sqlite3 *db, int rc, const char *what, struct kb_diag *d);
/* Prepare on s's connection; KB_EINTERNAL "<needs> need the SQLite store" on another one. */
int kb_sq_prep(struct kb_store *s, const char *sql, struct sqlite3_stmt **st, const char *needs,
               struct kb_diag *d);
/* Step a statement (rows are not read) and finalize it. */
int kb_sq_run(struct sqlite3_stmt *st, const char *what, struct kb_diag *d);
/* Bind v, or NULL when v is NULL. */
void kb_sq_bind_str(struct sqlite3_stmt *st, int i, const char *v);
/* The column as a malloc'd string, NULL for NULL. */
char *kb_sq_col_dup(struct sqlite3_stmt *st, int i);

/* Settings limits. */
#define KB_STORE_MAX_KEY 200
#define KB_STORE_MAX_VALUE ((size_t)64 << 10)

#endif
