/*
 * store_sqlite.c — the embedded store: one SQLite connection per struct kb_store.
 *
 * Connection setup: WAL journal, synchronous=NORMAL, foreign keys on, a 5 s busy timeout,
 * temporary b-trees in memory and the file memory-mapped (up to 1 GiB): a search sorts every
 * match and reads each match's row, and through read() every overflow page of a long body
 * was copied from the kernel again on every query (docs/search.md, "Speed").
 * Every statement is prepared once per connection, on first use, and kept (the article list
 * has one statement per combination of filters, so each keeps its index-friendly SQL).
 *
 * Invariants:
 *  - a file that is refused on open (not a database, another program's database, a newer
 *    schema) is never written: the checks only read, and WAL mode and migrations come after;
 *  - a write is BEGIN IMMEDIATE ... COMMIT when no transaction is open, and SAVEPOINT ...
 *    RELEASE inside the caller's kb_store_begin, rolled back to its start on any error;
 *  - data_version = PRAGMA data_version (moves on other connections' commits) + the number
 *    of commits made on this connection (which that pragma does not count);
 *  - every connection has lib/search's tokenizer and kb_html_text() registered before
 *    anything else runs, because migration 2's index and its triggers on `articles` need
 *    them: the search index changes in the same transaction as the article it indexes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "khabar/search.h"
#include "khabar/text.h"
#include "store_int.h"

#define APPLICATION_ID 1263026770 /* 'KHBR', set by migration 1 */

enum stmt_id {
    ST_USER_VERSION,
    ST_DATA_VERSION,
    ST_BEGIN,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_SAVEPOINT,
    ST_RELEASE,
    ST_ROLLBACK_TO,
    ST_SETTING_GET,
    ST_SETTING_PUT,
    ST_SETTING_DEL,
    ST_SECTION_PUT,
    ST_SECTION_BY_SLUG,
    ST_SECTION_BY_NAME,
    ST_SECTION_LIST,
    ST_SLUG_OWNER,
    ST_ARTICLE_EXISTS,
    ST_ARTICLE_INSERT,
    ST_ARTICLE_UPDATE,
    ST_ARTICLE_DELETE,
    ST_TAGS_DELETE,
    ST_TAG_INSERT,
    ST_TAGS_GET,
    ST_ARTICLE_BY_ID,
    ST_ARTICLE_BY_SLUG,
    ST_FIND_EXTERNAL,
    ST_COUNT,
    ST_SEARCH_TERM,
    ST_COUNT_
};

/* A section's parent slug, for the section statements (alias s). */
#define SECTION_PARENT "(SELECT p.slug FROM sections p WHERE p.id = s.parent_id)"

#define ARTICLE_COLS                                                                               \
    "a.id, a.slug, a.status, s.id, s.slug, s.name, s.position, a.headline, a.lede, "               \
    "a.byline, a.source, a.language, a.image_src, a.image_alt, a.image_caption, "                  \
    "a.image_credit, a.image_copyright, %s, a.published, a.published_offset, a.updated, "          \
    "a.updated_offset, a.reading_minutes, a.external_id FROM articles a JOIN sections s ON "       \
    "s.id = a.section_id"

#define ARTICLE_SET                                                                                \
    "slug = ?1, status = ?2, section_id = ?3, headline = ?4, lede = ?5, byline = ?6, "             \
    "source = ?7, language = ?8, image_src = ?9, image_alt = ?10, image_caption = ?11, "           \
    "image_credit = ?12, image_copyright = ?13, body_html = ?14, published = ?15, "                \
    "published_offset = ?16, updated = ?17, updated_offset = ?18, reading_minutes = ?19, "         \
    "external_id = ?20"

static const char *const stmt_sql[ST_COUNT_] = {
    [ST_USER_VERSION] = "PRAGMA user_version",
    [ST_DATA_VERSION] = "PRAGMA data_version",
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_SAVEPOINT] = "SAVEPOINT kb_write",
    [ST_RELEASE] = "RELEASE kb_write",
    [ST_ROLLBACK_TO] = "ROLLBACK TO kb_write",
    [ST_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
    [ST_SETTING_PUT] = "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    [ST_SETTING_DEL] = "DELETE FROM settings WHERE key = ?1",
    [ST_SECTION_PUT] = "INSERT INTO sections (slug, name, position) VALUES (?1, ?2, ?3) "
                       "ON CONFLICT (slug) DO UPDATE SET name = excluded.name, "
                       "position = excluded.position RETURNING id",
    /* the 5th column is the parent's slug (migration 6), read by section_find/list only */
    [ST_SECTION_BY_SLUG] =
        "SELECT id, slug, name, position, " SECTION_PARENT " FROM sections s WHERE slug = ?1",
    [ST_SECTION_BY_NAME] =
        "SELECT id, slug, name, position, " SECTION_PARENT " FROM sections s WHERE name = ?1",
    [ST_SECTION_LIST] =
        "SELECT id, slug, name, position, " SECTION_PARENT " FROM sections s ORDER BY position, id",
    [ST_SLUG_OWNER] = "SELECT id FROM articles WHERE slug = ?1",
    [ST_ARTICLE_EXISTS] = "SELECT 1 FROM articles WHERE id = ?1",
    [ST_ARTICLE_INSERT] =
        "INSERT INTO articles (slug, status, section_id, headline, lede, byline, source, "
        "language, image_src, image_alt, image_caption, image_credit, image_copyright, "
        "body_html, published, published_offset, updated, updated_offset, reading_minutes, "
        "external_id, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
        "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)", /* ?21 NULL: the next id */
    [ST_ARTICLE_UPDATE] = "UPDATE articles SET " ARTICLE_SET " WHERE id = ?21",
    [ST_ARTICLE_DELETE] = "DELETE FROM articles WHERE id = ?1",
    [ST_TAGS_DELETE] = "DELETE FROM article_tags WHERE article_id = ?1",
    [ST_TAG_INSERT] = "INSERT INTO article_tags (article_id, position, tag) VALUES (?1, ?2, ?3)",
    [ST_TAGS_GET] = "SELECT tag FROM article_tags WHERE article_id = ?1 ORDER BY position",
    [ST_ARTICLE_BY_ID] = NULL,   /* built from ARTICLE_COLS */
    [ST_ARTICLE_BY_SLUG] = NULL, /* built from ARTICLE_COLS */
    [ST_FIND_EXTERNAL] = "SELECT id FROM articles WHERE external_id = ?1",
    [ST_COUNT] = "SELECT count(*) FROM articles",
    /* one FTS5 string, LIMIT 1, no ranking: FTS5 reads the first page of the term's doclist
     * and stops, as cheap for a term in every article as for a rare one */
    [ST_SEARCH_TERM] = "SELECT 1 FROM article_search WHERE article_search MATCH ?1 LIMIT 1",
};

/* List statements: one per combination of these bits. */
enum {
    LQ_SECTION = 1,
    LQ_LIVE = 2,
    LQ_EXCLUDE = 4,
    LQ_FULL = 8,
    LQ_TAG = 16,
    LQ_AUTHOR = 32,
    LQ_IMAGE = 64,
    LQ_COUNT_ = 128
};

/* Articles inserted in the open kb_store_begin transaction and not yet indexed. */
struct later {
    int64_t *ids;
    size_t n, cap;
    bool on;     /* inside kb_store_begin: defer */
    bool sorted; /* ids ascending, no repeats */
};

struct sqlite_store {
    struct kb_store base; /* first: the dispatcher's view */
    sqlite3 *db;
    char *path;
    sqlite3_stmt *st[ST_COUNT_];
    sqlite3_stmt *list_st[LQ_COUNT_];
    sqlite3_stmt *count_st[LQ_COUNT_];
    uint64_t own_commits;
    struct later later; /* search indexing deferred to the commit (below) */
};

static struct sqlite_store *ss_of(struct kb_store *s)
{
    return (struct sqlite_store *)s;
}

/* ---- errors ----------------------------------------------------------------------------- */

static int map_code(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_PERM:
        return KB_EIO;
    case SQLITE_CONSTRAINT:
        return KB_EEXISTS;
    case SQLITE_TOOBIG:
        return KB_ETOOBIG;
    default:
        return KB_EDB;
    }
}

/* Record SQLite's failure `rc` while doing `what`. */
static int db_fail(struct sqlite_store *ss, int rc, const char *what, struct kb_diag *d)
{
    return kb_diag_set(d, map_code(rc), "", "%s: %s", what, sqlite3_errmsg(ss->db));
}

/* ---- statements ------------------------------------------------------------------------- */

static int prepare(struct sqlite_store *ss, const char *sql, sqlite3_stmt **out, struct kb_diag *d)
{
    int rc = sqlite3_prepare_v3(ss->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc != SQLITE_OK)
        return db_fail(ss, rc, "preparing a statement", d);
    return 0;
}

static char *article_sql(const char *body_col, const char *tail)
{
    struct kb_buf b;
    kb_buf_init(&b, 4096);
    kb_buf_addf(&b, "SELECT " ARTICLE_COLS, body_col);
    kb_buf_adds(&b, tail);
    return kb_buf_detach(&b, NULL);
}

/* The cached statement `id`, reset and unbound, or NULL with d set. */
static sqlite3_stmt *stmt(struct sqlite_store *ss, enum stmt_id id, struct kb_diag *d)
{
    if (!ss->st[id]) {
        char *built = NULL;
        const char *sql = stmt_sql[id];
        if (id == ST_ARTICLE_BY_ID)
            sql = built = article_sql("a.body_html", " WHERE a.id = ?1");
        else if (id == ST_ARTICLE_BY_SLUG)
            sql = built = article_sql("a.body_html", " WHERE a.slug = ?1");
        int rc = prepare(ss, sql, &ss->st[id], d);
        free(built);
        if (rc)
            return NULL;
    }
    return ss->st[id];
}

static void done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_time(sqlite3_stmt *st, int i, int64_t t)
{
    if (t)
        sqlite3_bind_int64(st, i, t);
    else
        sqlite3_bind_null(st, i);
}

/* Run a statement that returns no rows. */
static int exec_st(struct sqlite_store *ss, enum stmt_id id, const char *what, struct kb_diag *d)
{
    sqlite3_stmt *st = stmt(ss, id, d);
    if (!st)
        return KB_EDB;
    int rc = sqlite3_step(st);
    done(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_fail(ss, rc, what, d);
    return 0;
}

static int pragma_int(struct sqlite_store *ss, enum stmt_id id, int64_t *out, struct kb_diag *d)
{
    sqlite3_stmt *st = stmt(ss, id, d);
    if (!st)
        return KB_EDB;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    done(st);
    if (rc != SQLITE_ROW)
        return db_fail(ss, rc, "reading the database", d);
    return 0;
}

/* ---- write scopes ----------------------------------------------------------------------- */

/* Start a write: its own transaction, or a savepoint inside the caller's. */
static int write_begin(struct sqlite_store *ss, bool *nested, struct kb_diag *d)
{
    *nested = !sqlite3_get_autocommit(ss->db);
    return exec_st(ss, *nested ? ST_SAVEPOINT : ST_BEGIN, "starting a write", d);
}

static int write_end(struct sqlite_store *ss, bool nested, int rc, struct kb_diag *d)
{
    if (rc) {
        if (nested) {
            (void)exec_st(ss, ST_ROLLBACK_TO, "rolling back", NULL);
            (void)exec_st(ss, ST_RELEASE, "rolling back", NULL);
        } else if (!sqlite3_get_autocommit(ss->db)) {
            (void)exec_st(ss, ST_ROLLBACK, "rolling back", NULL);
        }
        return rc;
    }
    if (nested)
        return exec_st(ss, ST_RELEASE, "finishing a write", d);
    rc = exec_st(ss, ST_COMMIT, "committing", d);
    if (rc) {
        if (!sqlite3_get_autocommit(ss->db))
            (void)exec_st(ss, ST_ROLLBACK, "rolling back", NULL);
        return rc;
    }
    ss->own_commits++;
    return 0;
}

/* ---- search indexing deferred to the commit -------------------------------------------
 * FTS5 (3.40) writes its pending terms out as a new segment at every savepoint, and every
 * article write is a savepoint (kb_write, and the statement's own): indexed one by one, a
 * batch of 1,000 imported articles made 1,000 tiny segments to merge.  So, inside a
 * transaction opened by kb_store_begin, migration 9's insert trigger leaves a new article to
 * the commit: kb_search_later(id) records the id and answers 1 (skip), and sq_commit indexes
 * them all with one INSERT ... SELECT just before COMMIT, in the same transaction.  The
 * update and delete triggers skip a recorded article (kb_search_pending), which the commit
 * then indexes from its current row or finds gone.  A savepoint rolled back leaves its ids
 * recorded: harmless, the commit finds no row (or the row that took the id, also recorded).
 * Invariant: nothing commits with recorded ids — the commit hook refuses it (a raw COMMIT
 * would otherwise store articles missing from the index). */

static void later_reset(struct sqlite_store *ss, bool on)
{
    ss->later.n = 0;
    ss->later.sorted = true;
    ss->later.on = on;
}

static void fn_search_later(sqlite3_context *c, int argc, sqlite3_value **v)
{
    (void)argc;
    struct later *l = sqlite3_user_data(c);
    if (!l->on) {
        sqlite3_result_int(c, 0);
        return;
    }
    int64_t id = sqlite3_value_int64(v[0]);
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->ids = kb_realloc(l->ids, l->cap * sizeof(*l->ids));
    }
    if (l->n && l->ids[l->n - 1] >= id)
        l->sorted = false;
    l->ids[l->n++] = id;
    sqlite3_result_int(c, 1);
}

static int id_cmp(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

static void later_sort(struct later *l)
{
    if (l->sorted)
        return;
    if (l->n) /* qsort of a NULL array is undefined even for 0 members (UBSan) */
        qsort(l->ids, l->n, sizeof(*l->ids), id_cmp);
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        if (k == 0 || l->ids[k - 1] != l->ids[i])
            l->ids[k++] = l->ids[i];
    l->n = k;
    l->sorted = true;
}

static void fn_search_pending(sqlite3_context *c, int argc, sqlite3_value **v)
{
    (void)argc;
    struct later *l = sqlite3_user_data(c);
    int64_t id = sqlite3_value_int64(v[0]);
    later_sort(l);
    sqlite3_result_int(c, l->n && bsearch(&id, l->ids, l->n, sizeof(*l->ids), id_cmp) != NULL);
}

static int later_commit_hook(void *p)
{
    return ((struct later *)p)->n != 0; /* non-zero turns the COMMIT into a rollback */
}

static int later_register(struct sqlite_store *ss, struct kb_diag *d)
{
    int flags = SQLITE_UTF8; /* called by triggers: not DIRECTONLY */
    if (sqlite3_create_function(ss->db, "kb_search_later", 1, flags, &ss->later, fn_search_later,
                                NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(ss->db, "kb_search_pending", 1, flags, &ss->later,
                                fn_search_pending, NULL, NULL) != SQLITE_OK)
        return kb_diag_set(d, KB_EDB, "", "%s: registering functions: %s", ss->path,
                           sqlite3_errmsg(ss->db));
    sqlite3_commit_hook(ss->db, later_commit_hook, &ss->later);
    return 0;
}

/* Index the recorded articles (one statement, so one FTS5 flush) and forget them. */
static int later_flush(struct sqlite_store *ss, struct kb_diag *d)
{
    struct later *l = &ss->later;
    if (!l->n)
        return 0;
    later_sort(l);
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(ss->db,
                                "INSERT INTO article_search (rowid, headline, lede, body_text)"
                                " SELECT id, headline, lede, kb_html_text(body_html) FROM articles"
                                " WHERE id BETWEEN ?1 AND ?2 AND kb_search_pending(id)",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return db_fail(ss, rc, "indexing the new articles", d);
    sqlite3_bind_int64(st, 1, l->ids[0]);
    sqlite3_bind_int64(st, 2, l->ids[l->n - 1]);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(ss, rc, "indexing the new articles", d);
    l->n = 0;
    return 0;
}

/* ---- open, migrate, close --------------------------------------------------------------- */

static void sq_close(struct kb_store *s)
{
    struct sqlite_store *ss = ss_of(s);
    if (ss->db && !sqlite3_get_autocommit(ss->db))
        sqlite3_exec(ss->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < ST_COUNT_; i++)
        sqlite3_finalize(ss->st[i]);
    for (int i = 0; i < LQ_COUNT_; i++)
        sqlite3_finalize(ss->list_st[i]);
    for (int i = 0; i < LQ_COUNT_; i++)
        sqlite3_finalize(ss->count_st[i]);
    sqlite3_close(ss->db);
    free(ss->later.ids);
    free(ss->path);
    free(ss);
}

/* An open failure: names the path and SQLite's (and the OS's) reason. */
static int open_fail(struct sqlite_store *ss, int rc, const char *what, struct kb_diag *d)
{
    int err = ss->db ? sqlite3_system_errno(ss->db) : 0;
    const char *msg = ss->db ? sqlite3_errmsg(ss->db) : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_NOTADB)
        return kb_diag_set(d, KB_EDB, "", "%s: not a database file", ss->path);
    if (err)
        return kb_diag_set(d, map_code(rc), "", "%s: %s: %s (%s)", ss->path, what, msg,
                           strerror(err));
    return kb_diag_set(d, map_code(rc), "", "%s: %s: %s", ss->path, what, msg);
}

static int exec_sql(struct sqlite_store *ss, const char *sql, struct kb_diag *d)
{
    char *err = NULL;
    int rc = sqlite3_exec(ss->db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        kb_diag_set(d, map_code(rc), "", "%s: %s", ss->path, err ? err : sqlite3_errstr(rc));
        sqlite3_free(err);
        return map_code(rc);
    }
    return 0;
}

static int migrate(struct sqlite_store *ss, struct kb_diag *d)
{
    for (int v = 1; v <= kb_store_sqlite_nmigrations; v++) {
        int64_t cur = 0;
        int rc = pragma_int(ss, ST_USER_VERSION, &cur, d);
        if (rc)
            return rc;
        if (cur >= v)
            continue;
        if ((rc = exec_st(ss, ST_BEGIN, "starting a migration", d)))
            return rc;
        /* Another process may have migrated while we waited for the lock. */
        if ((rc = pragma_int(ss, ST_USER_VERSION, &cur, d)) == 0 && cur < v) {
            char bump[64];
            snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", v);
            rc = exec_sql(ss, kb_store_sqlite_migrations[v - 1], d);
            if (rc == 0)
                rc = exec_sql(ss, bump, d);
            if (rc && d) {
                char why[sizeof(d->msg)];
                snprintf(why, sizeof(why), "%s", d->msg);
                kb_diag_set(d, rc, "", "migration %d failed: %s", v, why);
            }
        }
        rc = write_end(ss, false, rc, d);
        if (rc)
            return rc;
    }
    return 0;
}

/* Refuse what this build must not touch; only reads. */
static int check_schema(struct sqlite_store *ss, enum kb_store_mode mode, struct kb_diag *d)
{
    int64_t version = 0;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(ss->db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            version = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return open_fail(ss, rc, "cannot read the database", d);

    int want = kb_store_sqlite_nmigrations;
    if (version > want)
        return kb_diag_set(d, KB_EDB, "",
                           "%s: the database's schema version %lld is newer than this build's "
                           "%d: use a newer khabar",
                           ss->path, (long long)version, want);
    if (mode == KB_STORE_READONLY && version < want)
        return kb_diag_set(d, KB_EDB, "",
                           "%s: the database's schema version %lld is older than this build's "
                           "%d: run `khabar init` to migrate it",
                           ss->path, (long long)version, want);
    if (version == 0) {
        /* A database with tables but no version is another program's. */
        int64_t tables = 0;
        rc = sqlite3_prepare_v2(ss->db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL);
        if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
            tables = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW)
            return open_fail(ss, rc, "cannot read the database", d);
        if (tables > 0)
            return kb_diag_set(d, KB_EDB, "",
                               "%s: an SQLite database of another program (it has tables but "
                               "no khabar schema version)",
                               ss->path);
    } else {
        int64_t app = 0;
        rc = sqlite3_prepare_v2(ss->db, "PRAGMA application_id", -1, &st, NULL);
        if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
            app = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (rc == SQLITE_ROW && app != APPLICATION_ID)
            return kb_diag_set(d, KB_EDB, "", "%s: not a khabar database (application id %lld)",
                               ss->path, (long long)app);
    }
    return 0;
}

static const struct kb_store_ops sqlite_ops;

int kb_store_sqlite_open(const char *path, enum kb_store_mode mode, struct kb_store **out,
                         struct kb_diag *d)
{
    bool memory = strcmp(path, ":memory:") == 0;
    if (!memory && mode != KB_STORE_CREATE) {
        struct stat sb;
        if (stat(path, &sb) != 0)
            return kb_diag_set(d, KB_EIO, "", "%s: no such database (%s): run `khabar init`", path,
                               strerror(errno));
    }
    if (!memory) {
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            return kb_diag_set(d, KB_EIO, "", "%s: is a directory, not a database file", path);
    }

    struct sqlite_store *ss = kb_calloc(1, sizeof(*ss));
    ss->base.ops = &sqlite_ops;
    ss->path = kb_strdup(path);
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (mode == KB_STORE_READONLY)
        flags |= SQLITE_OPEN_READONLY;
    else if (mode == KB_STORE_EXISTING)
        flags |= SQLITE_OPEN_READWRITE;
    else
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

    int rc = sqlite3_open_v2(path, &ss->db, flags, NULL);
    if (rc != SQLITE_OK) {
        rc = open_fail(ss, rc, "cannot open the database", d);
        sq_close(&ss->base);
        return rc;
    }
    sqlite3_extended_result_codes(ss->db, 1);
    sqlite3_busy_timeout(ss->db, 5000);

    rc = kb_search_sqlite_register(ss->db, d);
    if (rc == 0) /* kb_search_later(), kb_search_pending() for migration 9's triggers */
        rc = later_register(ss, d);
    if (rc == 0) /* kb_slug(), for articles.byline_slug (migration 8) */
        rc = kb_store_sqlite_site_register(ss->db, d);
    if (rc == 0)
        rc = check_schema(ss, mode, d);
    if (rc == 0 && mode != KB_STORE_READONLY && !memory)
        rc = exec_sql(ss, "PRAGMA journal_mode = WAL", d);
    if (rc == 0)
        rc = exec_sql(ss,
                      "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                      " PRAGMA temp_store = MEMORY; PRAGMA mmap_size = 1073741824",
                      d);
    if (rc == 0 && mode != KB_STORE_READONLY)
        rc = migrate(ss, d);
    if (rc) {
        sq_close(&ss->base);
        return rc;
    }
    *out = &ss->base;
    return 0;
}

/* ---- transactions ----------------------------------------------------------------------- */

static int sq_begin(struct kb_store *s, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    if (!sqlite3_get_autocommit(ss->db))
        return kb_diag_set(d, KB_EINTERNAL, "", "a transaction is already open");
    int rc = exec_st(ss, ST_BEGIN, "starting a transaction", d);
    later_reset(ss, rc == 0);
    return rc;
}

static int sq_commit(struct kb_store *s, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    if (sqlite3_get_autocommit(ss->db))
        return kb_diag_set(d, KB_EINTERNAL, "", "no transaction is open");
    int rc = write_end(ss, false, later_flush(ss, d), d);
    later_reset(ss, false);
    return rc;
}

static void sq_rollback(struct kb_store *s)
{
    struct sqlite_store *ss = ss_of(s);
    if (!sqlite3_get_autocommit(ss->db))
        (void)exec_st(ss, ST_ROLLBACK, "rolling back", NULL);
    later_reset(ss, false);
}

static int sq_data_version(struct kb_store *s, uint64_t *out, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    int64_t v = 0;
    int rc = pragma_int(ss, ST_DATA_VERSION, &v, d);
    if (rc)
        return rc;
    *out = (uint64_t)v + ss->own_commits;
    return 0;
}

/* ---- settings --------------------------------------------------------------------------- */

static char *col_str(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t)
        return NULL;
    return kb_strndup((const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

static int sq_setting_get(struct kb_store *s, const char *key, char **out, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, ST_SETTING_GET, d);
    if (!st)
        return KB_EDB;
    bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    char *v = rc == SQLITE_ROW ? col_str(st, 0) : NULL;
    done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(ss, rc, "reading a setting", d);
    *out = v;
    return 0;
}

static int sq_setting_put(struct kb_store *s, const char *key, const char *value, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    bool nested;
    int rc = write_begin(ss, &nested, d);
    if (rc)
        return rc;
    sqlite3_stmt *st = stmt(ss, value ? ST_SETTING_PUT : ST_SETTING_DEL, d);
    if (!st) {
        rc = KB_EDB;
    } else {
        bind_text(st, 1, key);
        if (value)
            bind_text(st, 2, value);
        int src = sqlite3_step(st);
        done(st);
        if (src != SQLITE_DONE)
            rc = db_fail(ss, src, "writing a setting", d);
    }
    return write_end(ss, nested, rc, d);
}

/* ---- sections --------------------------------------------------------------------------- */

static void read_section(sqlite3_stmt *st, int col, struct kb_section *sec)
{
    sec->id = sqlite3_column_int64(st, col);
    sec->slug = col_str(st, col + 1);
    sec->name = col_str(st, col + 2);
    sec->position = sqlite3_column_int(st, col + 3);
}

static int sq_section_put(struct kb_store *s, struct kb_section *sec, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    bool nested;
    int rc = write_begin(ss, &nested, d);
    if (rc)
        return rc;
    int64_t id = 0;
    sqlite3_stmt *st = stmt(ss, ST_SECTION_PUT, d);
    if (!st) {
        rc = KB_EDB;
    } else {
        bind_text(st, 1, sec->slug);
        bind_text(st, 2, sec->name);
        sqlite3_bind_int(st, 3, sec->position);
        int src = sqlite3_step(st);
        if (src == SQLITE_ROW) {
            id = sqlite3_column_int64(st, 0);
            src = sqlite3_step(st);
        }
        done(st);
        if ((src & 0xff) == SQLITE_CONSTRAINT)
            rc = kb_diag_set(d, KB_EEXISTS, "name", "another section is named '%s'", sec->name);
        else if (src != SQLITE_DONE)
            rc = db_fail(ss, src, "writing a section", d);
    }
    rc = write_end(ss, nested, rc, d);
    if (rc == 0)
        sec->id = id;
    return rc;
}

static int sq_section_find(struct kb_store *s, const char *key, bool by_name,
                           struct kb_section *out, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, by_name ? ST_SECTION_BY_NAME : ST_SECTION_BY_SLUG, d);
    if (!st)
        return KB_EDB;
    bind_text(st, 1, key);
    int rc = sqlite3_step(st);
    struct kb_section sec = {0};
    if (rc == SQLITE_ROW) {
        read_section(st, 0, &sec);
        sec.parent = col_str(st, 4);
    }
    done(st);
    if (rc == SQLITE_DONE)
        return kb_diag_set(d, KB_ENOTFOUND, "section", "no section '%.100s'", key);
    if (rc != SQLITE_ROW)
        return db_fail(ss, rc, "reading a section", d);
    kb_section_release(out);
    *out = sec;
    return 0;
}

static int sq_section_list(struct kb_store *s, struct kb_section **out, size_t *n,
                           struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, ST_SECTION_LIST, d);
    if (!st)
        return KB_EDB;
    struct kb_section *v = NULL;
    size_t count = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            v = kb_realloc(v, cap * sizeof(*v));
        }
        memset(&v[count], 0, sizeof(v[count]));
        read_section(st, 0, &v[count]);
        v[count++].parent = col_str(st, 4);
    }
    done(st);
    if (rc != SQLITE_DONE) {
        kb_sections_free(v, count);
        return db_fail(ss, rc, "listing sections", d);
    }
    *out = v;
    *n = count;
    return 0;
}

/* ---- articles: reading ------------------------------------------------------------------ */

/* Read the ARTICLE_COLS row into a (initialized). */
static int read_article(struct sqlite_store *ss, sqlite3_stmt *st, struct kb_article *a,
                        struct kb_diag *d)
{
    a->id = sqlite3_column_int64(st, 0);
    a->slug = col_str(st, 1);
    const char *status = (const char *)sqlite3_column_text(st, 2);
    if (kb_status_parse(status, &a->status))
        return kb_diag_set(d, KB_EDB, "status", "article %lld has an unknown status '%s'",
                           (long long)a->id, status ? status : "");
    read_section(st, 3, &a->section);
    a->headline = col_str(st, 7);
    a->lede = col_str(st, 8);
    a->byline = col_str(st, 9);
    a->source = col_str(st, 10);
    a->language = col_str(st, 11);
    a->image.src = col_str(st, 12);
    a->image.alt = col_str(st, 13);
    a->image.caption = col_str(st, 14);
    a->image.credit = col_str(st, 15);
    a->image.copyright = col_str(st, 16);
    a->body_html = col_str(st, 17);
    a->published = sqlite3_column_int64(st, 18);
    a->published_offset = sqlite3_column_int(st, 19);
    a->updated = sqlite3_column_int64(st, 20);
    a->updated_offset = sqlite3_column_int(st, 21);
    a->reading_minutes = sqlite3_column_int(st, 22);
    a->external_id = col_str(st, 23);
    (void)ss;
    return 0;
}

static int read_tags(struct sqlite_store *ss, struct kb_article *a, struct kb_diag *d)
{
    sqlite3_stmt *st = stmt(ss, ST_TAGS_GET, d);
    if (!st)
        return KB_EDB;
    sqlite3_bind_int64(st, 1, a->id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (a->ntags == cap) {
            cap = cap ? cap * 2 : 8;
            a->tags = kb_realloc(a->tags, cap * sizeof(char *));
        }
        a->tags[a->ntags++] = col_str(st, 0);
    }
    done(st);
    if (rc != SQLITE_DONE)
        return db_fail(ss, rc, "reading tags", d);
    return 0;
}

static int sq_article_get(struct kb_store *s, int64_t id, const char *slug, struct kb_article *out,
                          struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, slug ? ST_ARTICLE_BY_SLUG : ST_ARTICLE_BY_ID, d);
    if (!st)
        return KB_EDB;
    if (slug)
        bind_text(st, 1, slug);
    else
        sqlite3_bind_int64(st, 1, id);
    struct kb_article a;
    kb_article_init(&a);
    int rc = 0;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rc = read_article(ss, st, &a, d);
    done(st);
    if (src == SQLITE_DONE) {
        if (slug)
            rc = kb_diag_set(d, KB_ENOTFOUND, "slug", "no article '%.100s'", slug);
        else
            rc = kb_diag_set(d, KB_ENOTFOUND, "id", "no article %lld", (long long)id);
    } else if (src != SQLITE_ROW) {
        rc = db_fail(ss, src, "reading an article", d);
    }
    if (rc == 0)
        rc = read_tags(ss, &a, d);
    if (rc) {
        kb_article_release(&a);
        return rc;
    }
    kb_article_release(out);
    *out = a;
    return 0;
}

static int sq_find_external(struct kb_store *s, const char *external_id, int64_t *id,
                            struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    sqlite3_stmt *st = stmt(ss, ST_FIND_EXTERNAL, d);
    if (!st)
        return KB_EDB;
    bind_text(st, 1, external_id);
    int rc = sqlite3_step(st);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    done(st);
    if (rc == SQLITE_DONE)
        return kb_diag_set(d, KB_ENOTFOUND, "external_id", "no article imported as '%.100s'",
                           external_id);
    if (rc != SQLITE_ROW)
        return db_fail(ss, rc, "finding an article", d);
    *id = v;
    return 0;
}

static int sq_count(struct kb_store *s, size_t *out, struct kb_diag *d)
{
    int64_t n = 0;
    int rc = pragma_int(ss_of(s), ST_COUNT, &n, d);
    if (rc == 0)
        *out = (size_t)n;
    return rc;
}

static void list_where(struct kb_buf *b, int bits)
{
    kb_buf_adds(b, " WHERE 1");
    if (bits & LQ_SECTION)
        kb_buf_adds(b, " AND a.section_id = (SELECT id FROM sections WHERE slug = :sec)");
    if (bits & LQ_LIVE)
        kb_buf_adds(b, " AND a.status = 'published' AND a.published <= :now");
    if (bits & LQ_EXCLUDE)
        kb_buf_adds(b, " AND a.id <> :ex");
    if (bits & LQ_TAG) /* tag pages */
        kb_buf_adds(b, " AND a.id IN (SELECT article_id FROM article_tags WHERE tag = :tag)");
    if (bits & LQ_AUTHOR) /* author pages: the indexed kb_slug(byline) of migration 8 */
        kb_buf_adds(b, " AND a.byline_slug = :author");
    if (bits & LQ_IMAGE) /* a list's lead story */
        kb_buf_adds(b, " AND a.image_src <> ''");
}

static sqlite3_stmt *list_stmt(struct sqlite_store *ss, int bits, bool count, struct kb_diag *d)
{
    sqlite3_stmt **slot = count ? &ss->count_st[bits & ~LQ_FULL] : &ss->list_st[bits];
    if (*slot)
        return *slot;
    struct kb_buf b;
    kb_buf_init(&b, 8192);
    if (count) {
        kb_buf_adds(&b, "SELECT count(*) FROM articles a");
    } else {
        kb_buf_addf(&b, "SELECT " ARTICLE_COLS, (bits & LQ_FULL) ? "a.body_html" : "NULL");
    }
    list_where(&b, bits);
    if (!count)
        kb_buf_adds(&b, " ORDER BY a.published DESC, a.id DESC LIMIT :lim OFFSET :off");
    const char *sql = kb_buf_cstr(&b);
    struct kb_buf lead;
    kb_buf_init(&lead, 8192);
    const char *from = strstr(sql, " FROM articles a ");
    if ((bits & LQ_IMAGE) && (bits & LQ_LIVE) && from) {
        /* The lead story: through migration 10's partial indexes of live articles with a
         * photo.  Left to itself the planner walks articles_live and reads every article
         * without a photo on the way. */
        from += strlen(" FROM articles a");
        kb_buf_add(&lead, sql, (size_t)(from - sql));
        kb_buf_adds(&lead, (bits & LQ_SECTION) ? " INDEXED BY articles_lead_section"
                                               : " INDEXED BY articles_lead");
        kb_buf_adds(&lead, from);
        sql = kb_buf_cstr(&lead);
    }
    int rc = prepare(ss, sql, slot, d);
    kb_buf_release(&lead);
    kb_buf_release(&b);
    return rc ? NULL : *slot;
}

static void bind_query(sqlite3_stmt *st, const struct kb_article_query *q)
{
    int i;
    if ((i = sqlite3_bind_parameter_index(st, ":sec")))
        bind_text(st, i, q->section_slug);
    if ((i = sqlite3_bind_parameter_index(st, ":now")))
        sqlite3_bind_int64(st, i, q->now);
    if ((i = sqlite3_bind_parameter_index(st, ":ex")))
        sqlite3_bind_int64(st, i, q->exclude_id);
    if ((i = sqlite3_bind_parameter_index(st, ":tag")))
        bind_text(st, i, q->tag);
    if ((i = sqlite3_bind_parameter_index(st, ":author")))
        bind_text(st, i, q->author);
    if ((i = sqlite3_bind_parameter_index(st, ":lim")))
        sqlite3_bind_int64(st, i, (sqlite3_int64)q->limit);
    if ((i = sqlite3_bind_parameter_index(st, ":off")))
        sqlite3_bind_int64(st, i, (sqlite3_int64)q->offset);
}

static int sq_article_list(struct kb_store *s, const struct kb_article_query *q,
                           struct kb_article **out, size_t *n, size_t *total, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    int bits = (q->section_slug ? LQ_SECTION : 0) | (q->live_only ? LQ_LIVE : 0) |
               (q->exclude_id ? LQ_EXCLUDE : 0) | (q->fields == KB_FIELDS_FULL ? LQ_FULL : 0) |
               (q->tag ? LQ_TAG : 0) | (q->author ? LQ_AUTHOR : 0) | (q->with_image ? LQ_IMAGE : 0);
    int64_t count = 0;
    if (total) {
        sqlite3_stmt *cst = list_stmt(ss, bits, true, d);
        if (!cst)
            return KB_EDB;
        bind_query(cst, q);
        int rc = sqlite3_step(cst);
        if (rc == SQLITE_ROW)
            count = sqlite3_column_int64(cst, 0);
        done(cst);
        if (rc != SQLITE_ROW)
            return db_fail(ss, rc, "counting articles", d);
    }
    sqlite3_stmt *st = list_stmt(ss, bits, false, d);
    if (!st)
        return KB_EDB;
    bind_query(st, q);
    struct kb_article *v = NULL;
    size_t cnt = 0, cap = 0;
    int rc = 0, src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : 16;
            v = kb_realloc(v, cap * sizeof(*v));
        }
        kb_article_init(&v[cnt]);
        rc = read_article(ss, st, &v[cnt++], d);
        if (rc)
            break;
    }
    done(st);
    if (rc == 0 && src != SQLITE_DONE)
        rc = db_fail(ss, src, "listing articles", d);
    for (size_t i = 0; rc == 0 && (bits & LQ_FULL) && i < cnt; i++)
        rc = read_tags(ss, &v[i], d);
    if (rc) {
        kb_articles_free(v, cnt);
        return rc;
    }
    *out = v;
    *n = cnt;
    if (total)
        *total = (size_t)count;
    return 0;
}

/* ---- articles: writing ------------------------------------------------------------------ */

/* 0 with *owner = the id holding `slug` (0 when free). */
static int slug_owner(struct sqlite_store *ss, const char *slug, int64_t *owner, struct kb_diag *d)
{
    sqlite3_stmt *st = stmt(ss, ST_SLUG_OWNER, d);
    if (!st)
        return KB_EDB;
    bind_text(st, 1, slug);
    int rc = sqlite3_step(st);
    *owner = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(ss, rc, "checking a slug", d);
    return 0;
}

/* The first of base, base-2, base-3, ... not held by another article than `self`. */
static int unique_slug(struct sqlite_store *ss, const char *base, int64_t self, char **out,
                       struct kb_diag *d)
{
    char *stem = kb_strdup(base);
    struct kb_buf cand;
    kb_buf_init(&cand, KB_MAX_SLUG);
    kb_buf_adds(&cand, stem);
    int rc = 0;
    for (int k = 2;; k++) {
        int64_t owner = 0;
        if ((rc = slug_owner(ss, kb_buf_cstr(&cand), &owner, d)))
            break;
        if (owner == 0 || owner == self)
            break;
        if (k > 100000) {
            rc = kb_diag_set(d, KB_EEXISTS, "slug", "too many articles with the slug '%.100s'",
                             base);
            break;
        }
        kb_store_slug_cut(stem, KB_MAX_SLUG - 8); /* room for "-NNNNNN" */
        kb_buf_reset(&cand);
        kb_buf_addf(&cand, "%s-%d", stem, k);
    }
    free(stem);
    if (rc == 0 && kb_buf_err(&cand))
        rc = kb_diag_set(d, KB_EINTERNAL, "slug", "slug too long");
    if (rc == 0)
        *out = kb_buf_detach(&cand, NULL);
    kb_buf_release(&cand);
    return rc;
}

struct derived {
    struct kb_section sec;
    char *slug;
    const char *language;
    int minutes;
    int64_t updated;
    int updated_offset;
};

static void bind_article(sqlite3_stmt *st, const struct kb_article *a, const struct derived *x)
{
    bind_text(st, 1, x->slug);
    bind_text(st, 2, kb_status_name(a->status));
    sqlite3_bind_int64(st, 3, x->sec.id);
    bind_text(st, 4, a->headline);
    bind_text(st, 5, a->lede);
    bind_text(st, 6, a->byline);
    bind_text(st, 7, a->source);
    bind_text(st, 8, x->language);
    bind_text(st, 9, a->image.src);
    bind_text(st, 10, a->image.alt);
    bind_text(st, 11, a->image.caption);
    bind_text(st, 12, a->image.credit);
    bind_text(st, 13, a->image.copyright);
    bind_text(st, 14, a->body_html);
    bind_time(st, 15, a->published);
    sqlite3_bind_int(st, 16, a->published_offset);
    bind_time(st, 17, x->updated);
    sqlite3_bind_int(st, 18, x->updated_offset);
    sqlite3_bind_int(st, 19, x->minutes);
    bind_text(st, 20, a->external_id);
}

static int write_article(struct sqlite_store *ss, const struct kb_article *a, struct derived *x,
                         int64_t *id, struct kb_diag *d)
{
    const char *key = a->section.slug && *a->section.slug ? a->section.slug : a->section.name;
    int rc = kb_store_section_get(&ss->base, key, &x->sec, d);
    if (rc == KB_ENOTFOUND)
        return kb_diag_set(d, KB_EINVAL, "section", "no section '%.100s'", key);
    if (rc)
        return rc;
    if (a->id) {
        sqlite3_stmt *st = stmt(ss, ST_ARTICLE_EXISTS, d);
        if (!st)
            return KB_EDB;
        sqlite3_bind_int64(st, 1, a->id);
        int src = sqlite3_step(st);
        done(st);
        if (src == SQLITE_DONE)
            return kb_diag_set(d, KB_ENOTFOUND, "id", "no article %lld", (long long)a->id);
        if (src != SQLITE_ROW)
            return db_fail(ss, src, "reading an article", d);
    }
    int64_t take = 0; /* an insert asking for its id (export.h): taken when free */
    if (!a->id && a->want_id > 0) {
        sqlite3_stmt *st = stmt(ss, ST_ARTICLE_EXISTS, d);
        if (!st)
            return KB_EDB;
        sqlite3_bind_int64(st, 1, a->want_id);
        int src = sqlite3_step(st);
        done(st);
        if (src == SQLITE_DONE)
            take = a->want_id;
        else if (src != SQLITE_ROW)
            return db_fail(ss, src, "reading an article", d);
    }
    char *base = a->slug ? kb_strdup(a->slug) : kb_store_slug_from(a->headline);
    rc = unique_slug(ss, base, a->id, &x->slug, d);
    free(base);
    if (rc)
        return rc;

    sqlite3_stmt *st = stmt(ss, a->id ? ST_ARTICLE_UPDATE : ST_ARTICLE_INSERT, d);
    if (!st)
        return KB_EDB;
    bind_article(st, a, x);
    if (a->id)
        sqlite3_bind_int64(st, 21, a->id);
    else if (take)
        sqlite3_bind_int64(st, 21, take); /* else ?21 stays NULL: the next id */
    int src = sqlite3_step(st);
    done(st);
    if ((src & 0xff) == SQLITE_CONSTRAINT && a->external_id)
        return kb_diag_set(d, KB_EEXISTS, "external_id", "another article was imported as '%.100s'",
                           a->external_id);
    if (src != SQLITE_DONE)
        return db_fail(ss, src, "writing an article", d);
    *id = a->id ? a->id : sqlite3_last_insert_rowid(ss->db);

    if (!(st = stmt(ss, ST_TAGS_DELETE, d)))
        return KB_EDB;
    sqlite3_bind_int64(st, 1, *id);
    src = sqlite3_step(st);
    done(st);
    if (src != SQLITE_DONE)
        return db_fail(ss, src, "writing tags", d);
    for (size_t i = 0; i < a->ntags; i++) {
        if (!(st = stmt(ss, ST_TAG_INSERT, d)))
            return KB_EDB;
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        bind_text(st, 3, a->tags[i]);
        src = sqlite3_step(st);
        done(st);
        if (src != SQLITE_DONE)
            return db_fail(ss, src, "writing tags", d);
    }
    return 0;
}

static int sq_article_put(struct kb_store *s, struct kb_article *a, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    struct derived x = {0};
    x.language = a->language && *a->language ? a->language : "ar";
    size_t words = 0;
    if (a->lede)
        words += kb_readtime_words(a->lede, strlen(a->lede));
    words += kb_readtime_words_html(a->body_html, strlen(a->body_html));
    x.minutes = kb_readtime_minutes(words, x.language);
    x.updated = kb_store_now(s);
    if (x.updated == 0)
        x.updated = 1; /* 0 means "never" */
    x.updated_offset = a->updated_offset ? a->updated_offset : a->published_offset;

    bool nested;
    int64_t id = 0;
    int rc = write_begin(ss, &nested, d);
    if (rc == 0) {
        rc = write_article(ss, a, &x, &id, d);
        if (rc == 0) /* translations[] (site_store.c), in the same write */
            rc = kb_store_sqlite_translations_write(ss->db, id, a, x.language, d);
        rc = write_end(ss, nested, rc, d);
    }
    if (rc == 0) {
        a->id = id;
        free(a->slug);
        a->slug = x.slug;
        x.slug = NULL;
        if (a->language != x.language)
            kb_set_str(&a->language, x.language);
        a->reading_minutes = x.minutes;
        a->updated = x.updated;
        a->updated_offset = x.updated_offset;
        kb_section_release(&a->section);
        a->section = x.sec;
        memset(&x.sec, 0, sizeof(x.sec));
    }
    free(x.slug);
    kb_section_release(&x.sec);
    return rc;
}

static int sq_article_delete(struct kb_store *s, int64_t id, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    bool nested;
    int rc = write_begin(ss, &nested, d);
    if (rc)
        return rc;
    sqlite3_stmt *st = stmt(ss, ST_ARTICLE_DELETE, d);
    if (!st) {
        rc = KB_EDB;
    } else {
        sqlite3_bind_int64(st, 1, id);
        int src = sqlite3_step(st);
        done(st);
        if (src != SQLITE_DONE)
            rc = db_fail(ss, src, "deleting an article", d);
        else if (sqlite3_changes(ss->db) == 0)
            rc = kb_diag_set(d, KB_ENOTFOUND, "id", "no article %lld", (long long)id);
    }
    return write_end(ss, nested, rc, d);
}

/* ---- search (lib/search runs the statements on this connection) ------------------------- */

static int sq_search(struct kb_store *s, const struct kb_search_request *rq,
                     struct kb_search_hit **out, size_t *n, size_t *total, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    int rc = later_flush(ss, d); /* a search inside the transaction sees its own articles */
    return rc ? rc : kb_search_sqlite_run(ss->db, rq, out, n, total, d);
}

static int sq_search_rebuild(struct kb_store *s, struct kb_diag *d)
{
    struct sqlite_store *ss = ss_of(s);
    bool nested;
    int rc = write_begin(ss, &nested, d);
    if (rc)
        return rc;
    rc = kb_search_sqlite_rebuild(ss->db, d);
    if (rc == 0) /* the rebuild indexed every article, the recorded ones too */
        ss->later.n = 0;
    return write_end(ss, nested, rc, d);
}

static const struct kb_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .data_version = sq_data_version,
    .setting_get = sq_setting_get,
    .setting_put = sq_setting_put,
    .section_put = sq_section_put,
    .section_find = sq_section_find,
    .section_list = sq_section_list,
    .article_put = sq_article_put,
    .article_delete = sq_article_delete,
    .article_get = sq_article_get,
    .article_find_external = sq_find_external,
    .article_list = sq_article_list,
    .article_count = sq_count,
    .search = sq_search,
    .search_rebuild = sq_search_rebuild,
};

/* Does the search index hold a term (kb_search_query_backoff's question, docs/search.md
 * "Backoff")?  Any article counts, drafts too: the answer is about the index's vocabulary.
 * A failure reads as "not held", which only turns the backoff off. */
bool kb_store_search_has_term(struct kb_store *s, const char *term, size_t n)
{
    if (!s || s->ops != &sqlite_ops || n == 0 || n > KB_SEARCH_MAX_TERM)
        return false;
    struct sqlite_store *ss = ss_of(s);
    char q[2 * KB_SEARCH_MAX_TERM + 3];
    size_t k = 0;
    q[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (term[i] == '"')
            q[k++] = '"';
        q[k++] = term[i];
    }
    q[k++] = '"';
    sqlite3_stmt *st = stmt(ss, ST_SEARCH_TERM, NULL);
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, q, (int)k, SQLITE_TRANSIENT);
    bool held = sqlite3_step(st) == SQLITE_ROW;
    done(st);
    return held;
}

sqlite3 *kb_store_sqlite_db(struct kb_store *s)
{
    return s && s->ops == &sqlite_ops ? ss_of(s)->db : NULL;
}
