/*
 * store_pg.c — the PostgreSQL store: one libpq connection per struct kb_store.
 *
 * Locations are libpq connection URIs, `postgres://…` or `postgresql://…`, passed to
 * PQconnectdb as they are; messages show them with the password replaced by "***".  The
 * database must exist (khabar never creates databases) and use UTF-8.  Opening checks the
 * schema (reads only), then migrates (pg_migrations.c) unless read-only.
 *
 * Invariants (the same as store_sqlite.c's, docs/store.md):
 *  - a database refused on open (another program's tables, a newer schema, not UTF-8) is
 *    never written: the checks only read, the migrations come after them;
 *  - migrations run one step per transaction, under a transaction-level advisory lock,
 *    re-reading the version after taking it, so two servers starting at once migrate once;
 *  - a write is BEGIN … COMMIT when no transaction is open and SAVEPOINT kb_write … RELEASE
 *    inside the caller's kb_store_begin, rolled back to its start on any error; every
 *    write transaction first takes the advisory write lock, so writers queue as on SQLite
 *    (BEGIN IMMEDIATE) and the read-then-write slug choice cannot race;
 *  - data_version is kb_data_version.version, bumped by a statement trigger on every
 *    table in the writing transaction (so a rollback does not move it);
 *  - every statement is prepared once per connection (named "kbN", keyed by its SQL) and
 *    kept; parameters and results travel as text;
 *  - libpq's notices never reach stderr (the library never prints).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "khabar/search.h"
#include "khabar/text.h"
#include "store_int.h"

/* pg_advisory_xact_lock(KB_PG_LOCK, …): 'KHBR', as SQLite's application_id. */
#define KB_PG_LOCK "1263026770"
#define LOCK_MIGRATE "SELECT pg_advisory_xact_lock(" KB_PG_LOCK ", 1)"
#define LOCK_WRITE "SELECT pg_advisory_xact_lock(" KB_PG_LOCK ", 2)"
#define APP_NAME "khabar"
#define MAX_PARAMS 24

struct prepared {
    char *sql;
    char name[16];
};

struct pg_store {
    struct kb_store base; /* first: the dispatcher's view */
    PGconn *conn;
    char *shown; /* the location without its password, for messages */
    struct prepared *prep;
    size_t nprep, capprep;
    enum kb_store_mode mode;
    bool tx; /* a transaction is open on this connection (ours or the caller's) */
};

static struct pg_store *ps_of(struct kb_store *s)
{
    return (struct pg_store *)s;
}

/* ---- errors ----------------------------------------------------------------------------- */

/* An enum kb_err for a failed result's SQLSTATE. */
static int map_state(const char *state)
{
    if (!state || strlen(state) < 2)
        return KB_EDB;
    if (strncmp(state, "23", 2) == 0) /* integrity constraint violation */
        return KB_EEXISTS;
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
        strncmp(state, "58", 2) == 0) /* connection, resources, system */
        return KB_EIO;
    if (strncmp(state, "54", 2) == 0) /* program limit exceeded */
        return KB_ETOOBIG;
    return KB_EDB;
}

/* libpq's message on one line: its newlines and tabs become single spaces, none at the
 * ends. */
static void one_line(char *out, size_t cap, const char *msg)
{
    size_t k = 0;
    bool space = false;
    for (const char *p = msg ? msg : ""; *p && k + 1 < cap; p++) {
        if (*p == '\n' || *p == '\t' || *p == ' ') {
            space = k > 0;
            continue;
        }
        if (space && k + 2 < cap)
            out[k++] = ' ';
        space = false;
        out[k++] = *p;
    }
    out[k] = '\0';
}

/* Record the failure of `res` (or of the connection when res is NULL) while doing `what`. */
static int pg_fail(struct pg_store *ps, const PGresult *res, const char *what, struct kb_diag *d)
{
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg)
        msg = PQerrorMessage(ps->conn);
    char line[256];
    one_line(line, sizeof(line), msg);
    int code = res ? map_state(PQresultErrorField(res, PG_DIAG_SQLSTATE)) : KB_EIO;
    if (PQstatus(ps->conn) == CONNECTION_BAD)
        code = KB_EIO;
    return kb_diag_set(d, code, "", "%s: %s", what, line);
}

/* The constraint a failed result names, "" when none. */
static const char *constraint_of(const PGresult *res)
{
    const char *c = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    return c ? c : "";
}

static bool is_unique_violation(const PGresult *res)
{
    const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return st && strcmp(st, "23505") == 0;
}

/* ---- statements ------------------------------------------------------------------------- */

/* The name of the prepared statement for `sql` in *name, prepared on first use. */
static int prepared(struct pg_store *ps, const char *sql, int nparams, const char **name,
                    struct kb_diag *d)
{
    for (size_t i = 0; i < ps->nprep; i++)
        if (strcmp(ps->prep[i].sql, sql) == 0) {
            *name = ps->prep[i].name;
            return 0;
        }
    if (ps->nprep == ps->capprep) {
        ps->capprep = ps->capprep ? 2 * ps->capprep : 32;
        ps->prep = kb_realloc(ps->prep, ps->capprep * sizeof(*ps->prep));
    }
    struct prepared *p = &ps->prep[ps->nprep];
    snprintf(p->name, sizeof(p->name), "kb%zu", ps->nprep);
    PGresult *res = PQprepare(ps->conn, p->name, sql, nparams, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int rc = pg_fail(ps, res, "preparing a statement", d);
        PQclear(res);
        return rc;
    }
    PQclear(res);
    p->sql = kb_strdup(sql);
    ps->nprep++;
    *name = p->name;
    return 0;
}

static int session_setup(struct pg_store *ps, struct kb_diag *d);

/* A new connection in place of a lost one (the server restarted, an administrator ended
 * the backend): PQreset, then the session's settings again; prepared statements went with
 * the old one. */
static int reconnect(struct pg_store *ps, struct kb_diag *d)
{
    PQreset(ps->conn);
    for (size_t i = 0; i < ps->nprep; i++)
        free(ps->prep[i].sql);
    ps->nprep = 0;
    if (PQstatus(ps->conn) != CONNECTION_OK) {
        char line[256];
        one_line(line, sizeof(line), PQerrorMessage(ps->conn));
        return kb_diag_set(d, KB_EIO, "", "%s: cannot reconnect: %s", ps->shown, line);
    }
    return session_setup(ps, d);
}

/* Run `sql` with text parameters: the result when it succeeded (rows or none), else NULL
 * with *rc and d set and the failed result in *failed (the caller clears it), for its
 * constraint.  Outside a transaction, a statement that failed because the connection was
 * lost runs once more on a new one: only reads, BEGIN and SET run there (every write is
 * inside BEGIN … COMMIT), so running one again cannot apply anything twice.  Inside a
 * transaction a lost connection is an error (KB_EIO): the transaction is gone. */
static PGresult *run_keep(struct pg_store *ps, const char *sql, int n, const char *const *vals,
                          const char *what, int *rc, PGresult **failed, struct kb_diag *d)
{
    *failed = NULL;
    for (int attempt = 0;; attempt++) {
        if (!ps->tx && PQstatus(ps->conn) == CONNECTION_BAD && (*rc = reconnect(ps, d)))
            return NULL;
        const char *name = NULL;
        PGresult *res = NULL;
        if ((*rc = prepared(ps, sql, n, &name, d)) == 0) {
            res = PQexecPrepared(ps->conn, name, n, vals, NULL, NULL, 0);
            ExecStatusType st = PQresultStatus(res);
            if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
                return res;
            *rc = pg_fail(ps, res, what, d);
        }
        if (attempt == 0 && !ps->tx && PQstatus(ps->conn) == CONNECTION_BAD) {
            PQclear(res);
            continue;
        }
        *failed = res;
        return NULL;
    }
}

/* run_keep without the failed result. */
static PGresult *run(struct pg_store *ps, const char *sql, int n, const char *const *vals,
                     const char *what, int *rc, struct kb_diag *d)
{
    PGresult *failed = NULL;
    PGresult *res = run_keep(ps, sql, n, vals, what, rc, &failed, d);
    PQclear(failed);
    return res;
}

/* Run a statement without parameters or rows of interest. */
static int exec0(struct pg_store *ps, const char *sql, const char *what, struct kb_diag *d)
{
    int rc;
    PGresult *res = run(ps, sql, 0, NULL, what, &rc, d);
    PQclear(res);
    return rc;
}

/* Run SQL text that may hold several statements (migrations), unprepared. */
static int exec_script(struct pg_store *ps, const char *sql, const char *what, struct kb_diag *d)
{
    PGresult *res = PQexec(ps->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY)
        rc = pg_fail(ps, res, what, d);
    PQclear(res);
    return rc;
}

/* A column as a malloc'd string, NULL for NULL. */
static char *col_str(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return NULL;
    return kb_strndup(PQgetvalue(res, row, col), (size_t)PQgetlength(res, row, col));
}

/* A column as an integer, 0 for NULL. */
static int64_t col_int(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return 0;
    return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* Parameters in text form: integers are printed into the struct. */
struct params {
    const char *v[MAX_PARAMS];
    char num[MAX_PARAMS][24];
    int n;
};

/* Add a string parameter (NULL is SQL NULL); returns its number. */
static int p_str(struct params *p, const char *s)
{
    p->v[p->n] = s;
    return ++p->n;
}

static int p_int(struct params *p, int64_t x)
{
    snprintf(p->num[p->n], sizeof(p->num[p->n]), "%lld", (long long)x);
    p->v[p->n] = p->num[p->n];
    return ++p->n;
}

/* A time: NULL for 0 ("never"). */
static int p_time(struct params *p, int64_t t)
{
    return t ? p_int(p, t) : p_str(p, NULL);
}

/* ---- write scopes ----------------------------------------------------------------------- */

static bool in_transaction(struct pg_store *ps)
{
    return ps->tx;
}

/* End the open transaction, if the connection still has one. */
static void rollback_tx(struct pg_store *ps)
{
    PGTransactionStatusType t = PQtransactionStatus(ps->conn);
    if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
        (void)exec_script(ps, "ROLLBACK", "rolling back", NULL);
    ps->tx = false;
}

/* BEGIN and the write lock. */
static int begin_locked(struct pg_store *ps, const char *lock, struct kb_diag *d)
{
    int rc = exec0(ps, "BEGIN", "starting a write", d);
    if (rc == 0)
        ps->tx = true;
    if (rc == 0 && (rc = exec0(ps, lock, "waiting for the write lock", d)))
        rollback_tx(ps);
    return rc;
}

/* COMMIT; a transaction that had failed answers ROLLBACK to it, which is a failure. */
static int commit(struct pg_store *ps, struct kb_diag *d)
{
    int rc;
    PGresult *res = run(ps, "COMMIT", 0, NULL, "committing", &rc, d);
    if (res && strcmp(PQcmdStatus(res), "COMMIT") != 0)
        rc = kb_diag_set(d, KB_EDB, "",
                         "committing: the transaction had failed and was rolled "
                         "back");
    PQclear(res);
    if (rc)
        rollback_tx(ps);
    ps->tx = false;
    return rc;
}

/* Start a write: its own transaction, or a savepoint inside the caller's. */
static int write_begin(struct pg_store *ps, bool *nested, struct kb_diag *d)
{
    *nested = in_transaction(ps);
    if (*nested)
        return exec0(ps, "SAVEPOINT kb_write", "starting a write", d);
    return begin_locked(ps, LOCK_WRITE, d);
}

static int write_end(struct pg_store *ps, bool nested, int rc, struct kb_diag *d)
{
    if (rc) {
        if (nested) {
            (void)exec0(ps, "ROLLBACK TO SAVEPOINT kb_write", "rolling back", NULL);
            (void)exec0(ps, "RELEASE SAVEPOINT kb_write", "rolling back", NULL);
        } else if (in_transaction(ps)) {
            rollback_tx(ps);
        }
        return rc;
    }
    if (nested)
        return exec0(ps, "RELEASE SAVEPOINT kb_write", "finishing a write", d);
    return commit(ps, d);
}

/* ---- open, migrate, close --------------------------------------------------------------- */

static void pg_close(struct kb_store *s)
{
    struct pg_store *ps = ps_of(s);
    if (ps->conn) {
        if (in_transaction(ps))
            rollback_tx(ps);
        PQfinish(ps->conn);
    }
    for (size_t i = 0; i < ps->nprep; i++)
        free(ps->prep[i].sql);
    free(ps->prep);
    free(ps->shown);
    free(ps);
}

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* the library never prints */
}

/* The location with the password of a URI's user info replaced by "***" (and a
 * password=… query parameter cut). */
static char *redact(const char *loc)
{
    struct kb_buf b;
    kb_buf_init(&b, strlen(loc) + 16);
    const char *p = strstr(loc, "://");
    const char *auth = p ? p + 3 : loc;
    const char *end = auth + strcspn(auth, "/?");
    const char *at = memchr(auth, '@', (size_t)(end - auth));
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon) {
        kb_buf_add(&b, loc, (size_t)(colon - loc));
        kb_buf_adds(&b, ":***");
        kb_buf_adds(&b, at);
    } else {
        kb_buf_adds(&b, loc);
    }
    const char *pw = strstr(kb_buf_cstr(&b), "password=");
    if (pw) { /* a password in the query: keep what follows it */
        size_t at_pw = (size_t)(pw - kb_buf_cstr(&b)) + 9;
        char *rest = kb_strdup(kb_buf_cstr(&b) + at_pw + strcspn(kb_buf_cstr(&b) + at_pw, "&"));
        b.n = at_pw;
        kb_buf_adds(&b, "***");
        kb_buf_adds(&b, rest);
        free(rest);
    }
    char *out = kb_buf_detach(&b, NULL);
    kb_buf_release(&b);
    return out;
}

/* Read schema_version: *exists, *app, *version; *tables is the number of other tables in
 * the current schema. */
static int read_version(struct pg_store *ps, bool *exists, char **app, int64_t *version,
                        int64_t *tables, struct kb_diag *d)
{
    static const char *sql =
        "SELECT to_regclass('schema_version') IS NOT NULL, (SELECT count(*) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
        "AND c.relkind IN ('r', 'v', 'm', 'p', 'f') AND c.relname <> 'schema_version')";
    PGresult *res = PQexec(ps->conn, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pg_fail(ps, res, "reading the database", d);
        PQclear(res);
        return rc;
    }
    *exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    *tables = col_int(res, 0, 1);
    PQclear(res);
    *app = NULL;
    *version = 0;
    if (!*exists)
        return 0;
    res = PQexec(ps->conn, "SELECT app, version FROM schema_version");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pg_fail(ps, res, "reading the schema version", d);
        PQclear(res);
        return rc;
    }
    if (PQntuples(res) == 1) {
        *app = col_str(res, 0, 0);
        *version = col_int(res, 0, 1);
    } else {
        *app = kb_strdup("");
    }
    PQclear(res);
    return 0;
}

/* Refuse what this build must not touch; only reads. */
static int check_schema(struct pg_store *ps, enum kb_store_mode mode, struct kb_diag *d)
{
    const char *enc = PQparameterStatus(ps->conn, "server_encoding");
    if (!enc || strcmp(enc, "UTF8") != 0)
        return kb_diag_set(d, KB_EDB, "", "%s: the database's encoding is %s, not UTF8", ps->shown,
                           enc ? enc : "unknown");
    bool exists;
    char *app = NULL;
    int64_t version = 0, tables = 0;
    int rc = read_version(ps, &exists, &app, &version, &tables, d);
    if (rc)
        return rc;
    int want = kb_store_pg_nmigrations;
    if (exists && (!app || strcmp(app, APP_NAME) != 0))
        rc = kb_diag_set(d, KB_EDB, "", "%s: not a khabar database (schema_version is %.40s's)",
                         ps->shown, app ? app : "");
    else if (!exists && tables > 0)
        rc = kb_diag_set(d, KB_EDB, "",
                         "%s: a PostgreSQL database of another program (it has tables but no "
                         "khabar schema version)",
                         ps->shown);
    else if (version > want)
        rc = kb_diag_set(d, KB_EDB, "",
                         "%s: the database's schema version %lld is newer than this build's %d: "
                         "use a newer khabar",
                         ps->shown, (long long)version, want);
    else if (mode == KB_STORE_READONLY && version < want)
        rc = kb_diag_set(d, KB_EDB, "",
                         "%s: the database's schema version %lld is older than this build's %d: "
                         "run `khabar init` to migrate it",
                         ps->shown, (long long)version, want);
    free(app);
    return rc;
}

/* Give every table of the schema that lacks it the trigger that bumps kb_data_version. */
static const char *const attach_bump =
    "DO $$ DECLARE t record; BEGIN\n"
    "  FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace\n"
    "    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')\n"
    "      AND c.relname NOT IN ('kb_data_version', 'schema_version')\n"
    "      AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid\n"
    "                      AND g.tgname = 'kb_data_version_bump')\n"
    "  LOOP\n"
    "    EXECUTE format('CREATE TRIGGER kb_data_version_bump AFTER INSERT OR UPDATE OR DELETE'\n"
    "      ' OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION kb_data_version_bump()',\n"
    "      t.relname);\n"
    "  END LOOP;\n"
    "END $$;";

static int migrate(struct pg_store *ps, struct kb_diag *d)
{
    for (int v = 1; v <= kb_store_pg_nmigrations; v++) {
        bool exists;
        char *app = NULL;
        int64_t cur = 0, tables = 0;
        int rc = read_version(ps, &exists, &app, &cur, &tables, d);
        free(app);
        if (rc)
            return rc;
        if (cur >= v)
            continue;
        if ((rc = begin_locked(ps, LOCK_MIGRATE, d)))
            return rc;
        /* Another process may have migrated while we waited for the lock. */
        rc = read_version(ps, &exists, &app, &cur, &tables, d);
        free(app);
        if (rc == 0 && !exists)
            rc = exec_script(ps,
                             "CREATE TABLE schema_version (app text NOT NULL, version integer "
                             "NOT NULL); INSERT INTO schema_version VALUES ('" APP_NAME "', 0)",
                             "creating schema_version", d);
        if (rc == 0 && cur < v) {
            char bump[96];
            snprintf(bump, sizeof(bump), "UPDATE schema_version SET version = %d", v);
            rc = exec_script(ps, kb_store_pg_migrations[v - 1], "migrating", d);
            if (rc == 0)
                rc = exec_script(ps, attach_bump, "migrating", d);
            if (rc == 0)
                rc = exec_script(ps, bump, "migrating", d);
            if (rc && d) {
                char why[sizeof(d->msg)];
                snprintf(why, sizeof(why), "%s", d->msg);
                kb_diag_set(d, rc, "", "%s: migration %d failed: %s", ps->shown, v, why);
            }
        }
        rc = write_end(ps, false, rc, d);
        if (rc)
            return rc;
    }
    return 0;
}

/* The session's settings, on a new connection and after a reconnect. */
static int session_setup(struct pg_store *ps, struct kb_diag *d)
{
    PQsetNoticeProcessor(ps->conn, quiet_notices, NULL);
    if (PQsetClientEncoding(ps->conn, "UTF8") != 0)
        return kb_diag_set(d, KB_EDB, "", "%s: cannot use UTF8", ps->shown);
    int rc = exec_script(ps, "SET lock_timeout = '5s'; SET client_min_messages = warning",
                         "setting up the connection", d);
    if (rc == 0 && ps->mode == KB_STORE_READONLY)
        rc = exec_script(ps, "SET default_transaction_read_only = on", "opening read-only", d);
    return rc;
}

static const struct kb_store_ops pg_ops;

int kb_store_pg_open(const char *location, enum kb_store_mode mode, struct kb_store **out,
                     struct kb_diag *d)
{
    char *why = NULL;
    PQconninfoOption *opts = PQconninfoParse(location, &why);
    if (!opts) {
        char *shown = redact(location);
        char line[256];
        one_line(line, sizeof(line), why ? why : "out of memory");
        int rc = kb_diag_set(d, KB_EINVAL, "", "%s: not a valid PostgreSQL URI: %s", shown, line);
        free(shown);
        PQfreemem(why);
        return rc;
    }
    PQconninfoFree(opts);
    struct pg_store *ps = kb_calloc(1, sizeof(*ps));
    ps->base.ops = &pg_ops;
    ps->shown = redact(location);
    ps->conn = PQconnectdb(location);
    if (!ps->conn || PQstatus(ps->conn) != CONNECTION_OK) {
        char line[256];
        one_line(line, sizeof(line), ps->conn ? PQerrorMessage(ps->conn) : "out of memory");
        int rc = kb_diag_set(d, KB_EIO, "", "%s: cannot connect: %s", ps->shown, line);
        pg_close(&ps->base);
        return rc;
    }
    ps->mode = mode;
    int rc = session_setup(ps, d);
    if (rc == 0 && kb_store_pg_nmigrations != kb_store_sqlite_nmigrations)
        rc = kb_diag_set(d, KB_EINTERNAL, "",
                         "this build's postgresql backend has %d migrations, its SQLite one %d",
                         kb_store_pg_nmigrations, kb_store_sqlite_nmigrations);
    if (rc == 0)
        rc = check_schema(ps, mode, d);
    if (rc == 0 && mode != KB_STORE_READONLY)
        rc = migrate(ps, d);
    if (rc) {
        pg_close(&ps->base);
        return rc;
    }
    *out = &ps->base;
    return 0;
}

/* ---- transactions ----------------------------------------------------------------------- */

static int pg_begin(struct kb_store *s, struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    if (in_transaction(ps))
        return kb_diag_set(d, KB_EINTERNAL, "", "a transaction is already open");
    return begin_locked(ps, LOCK_WRITE, d);
}

static int pg_commit(struct kb_store *s, struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    if (!in_transaction(ps))
        return kb_diag_set(d, KB_EINTERNAL, "", "no transaction is open");
    return commit(ps, d);
}

static void pg_rollback(struct kb_store *s)
{
    struct pg_store *ps = ps_of(s);
    if (in_transaction(ps))
        rollback_tx(ps);
}

static int pg_data_version(struct kb_store *s, uint64_t *out, struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    int rc;
    PGresult *res =
        run(ps, "SELECT version FROM kb_data_version", 0, NULL, "reading the data version", &rc, d);
    if (!res)
        return rc;
    if (PQntuples(res) != 1)
        rc = kb_diag_set(d, KB_EDB, "", "%s: kb_data_version has %d rows", ps->shown,
                         PQntuples(res));
    else
        *out = (uint64_t)col_int(res, 0, 0);
    PQclear(res);
    return rc;
}

/* ---- settings --------------------------------------------------------------------------- */

static int pg_setting_get(struct kb_store *s, const char *key, char **out, struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    int rc;
    const char *v[1] = {key};
    PGresult *res =
        run(ps, "SELECT value FROM settings WHERE key = $1", 1, v, "reading a setting", &rc, d);
    if (!res)
        return rc;
    *out = PQntuples(res) ? col_str(res, 0, 0) : NULL;
    PQclear(res);
    return 0;
}

static int pg_setting_put(struct kb_store *s, const char *key, const char *value, struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    bool nested;
    int rc = write_begin(ps, &nested, d);
    if (rc)
        return rc;
    const char *v[2] = {key, value};
    PGresult *res =
        value ? run(ps,
                    "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT "
                    "(key) DO UPDATE SET value = excluded.value",
                    2, v, "writing a setting", &rc, d)
              : run(ps, "DELETE FROM settings WHERE key = $1", 1, v, "writing a setting", &rc, d);
    PQclear(res);
    return write_end(ps, nested, rc, d);
}

/* ---- sections --------------------------------------------------------------------------- */

#define SECTION_PARENT "(SELECT p.slug FROM sections p WHERE p.id = s.parent_id)"

static void read_section(const PGresult *res, int row, int col, struct kb_section *sec)
{
    sec->id = col_int(res, row, col);
    sec->slug = col_str(res, row, col + 1);
    sec->name = col_str(res, row, col + 2);
    sec->position = (int)col_int(res, row, col + 3);
}

static int pg_section_put(struct kb_store *s, struct kb_section *sec, struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    bool nested;
    int rc = write_begin(ps, &nested, d);
    if (rc)
        return rc;
    struct params p = {0};
    p_str(&p, sec->slug);
    p_str(&p, sec->name);
    p_int(&p, sec->position);
    PGresult *failed = NULL;
    PGresult *res = run_keep(ps,
                             "INSERT INTO sections (slug, name, position) VALUES ($1, $2, $3) "
                             "ON CONFLICT (slug) DO UPDATE SET name = excluded.name, "
                             "position = excluded.position RETURNING id",
                             p.n, p.v, "writing a section", &rc, &failed, d);
    if (failed && is_unique_violation(failed))
        rc = kb_diag_set(d, KB_EEXISTS, "name", "another section is named '%s'", sec->name);
    PQclear(failed);
    int64_t id = res && PQntuples(res) ? col_int(res, 0, 0) : 0;
    PQclear(res);
    rc = write_end(ps, nested, rc, d);
    if (rc == 0)
        sec->id = id;
    return rc;
}

static int pg_section_find(struct kb_store *s, const char *key, bool by_name,
                           struct kb_section *out, struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    int rc;
    const char *v[1] = {key};
    PGresult *res = run(ps,
                        by_name ? "SELECT id, slug, name, position, " SECTION_PARENT
                                  " FROM sections s WHERE name = $1"
                                : "SELECT id, slug, name, position, " SECTION_PARENT
                                  " FROM sections s WHERE slug = $1",
                        1, v, "reading a section", &rc, d);
    if (!res)
        return rc;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return kb_diag_set(d, KB_ENOTFOUND, "section", "no section '%.100s'", key);
    }
    struct kb_section sec = {0};
    read_section(res, 0, 0, &sec);
    sec.parent = col_str(res, 0, 4);
    PQclear(res);
    kb_section_release(out);
    *out = sec;
    return 0;
}

static int pg_section_list(struct kb_store *s, struct kb_section **out, size_t *n,
                           struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    int rc;
    PGresult *res = run(ps,
                        "SELECT id, slug, name, position, " SECTION_PARENT
                        " FROM sections s ORDER BY position, id",
                        0, NULL, "listing sections", &rc, d);
    if (!res)
        return rc;
    int rows = PQntuples(res);
    struct kb_section *v = rows ? kb_calloc((size_t)rows, sizeof(*v)) : NULL;
    for (int i = 0; i < rows; i++) {
        read_section(res, i, 0, &v[i]);
        v[i].parent = col_str(res, i, 4);
    }
    PQclear(res);
    *out = v;
    *n = (size_t)rows;
    return 0;
}

/* ---- articles: reading ------------------------------------------------------------------ */

#define ARTICLE_COLS                                                                               \
    "a.id, a.slug, a.status, s.id, s.slug, s.name, s.position, a.headline, a.lede, "               \
    "a.byline, a.source, a.language, a.image_src, a.image_alt, a.image_caption, "                  \
    "a.image_credit, a.image_copyright, %s, a.published, a.published_offset, a.updated, "          \
    "a.updated_offset, a.reading_minutes, a.external_id FROM articles a JOIN sections s ON "       \
    "s.id = a.section_id"

/* Read the ARTICLE_COLS row into a (initialized). */
static int read_article(const PGresult *res, int row, struct kb_article *a, struct kb_diag *d)
{
    a->id = col_int(res, row, 0);
    a->slug = col_str(res, row, 1);
    const char *status = PQgetisnull(res, row, 2) ? NULL : PQgetvalue(res, row, 2);
    if (kb_status_parse(status, &a->status))
        return kb_diag_set(d, KB_EDB, "status", "article %lld has an unknown status '%s'",
                           (long long)a->id, status ? status : "");
    read_section(res, row, 3, &a->section);
    a->headline = col_str(res, row, 7);
    a->lede = col_str(res, row, 8);
    a->byline = col_str(res, row, 9);
    a->source = col_str(res, row, 10);
    a->language = col_str(res, row, 11);
    a->image.src = col_str(res, row, 12);
    a->image.alt = col_str(res, row, 13);
    a->image.caption = col_str(res, row, 14);
    a->image.credit = col_str(res, row, 15);
    a->image.copyright = col_str(res, row, 16);
    a->body_html = col_str(res, row, 17);
    a->published = col_int(res, row, 18);
    a->published_offset = (int)col_int(res, row, 19);
    a->updated = col_int(res, row, 20);
    a->updated_offset = (int)col_int(res, row, 21);
    a->reading_minutes = (int)col_int(res, row, 22);
    a->external_id = col_str(res, row, 23);
    return 0;
}

static int read_tags(struct pg_store *ps, struct kb_article *a, struct kb_diag *d)
{
    struct params p = {0};
    p_int(&p, a->id);
    int rc;
    PGresult *res = run(ps, "SELECT tag FROM article_tags WHERE article_id = $1 ORDER BY position",
                        p.n, p.v, "reading tags", &rc, d);
    if (!res)
        return rc;
    int rows = PQntuples(res);
    if (rows) {
        a->tags = kb_calloc((size_t)rows, sizeof(char *));
        for (int i = 0; i < rows; i++)
            a->tags[a->ntags++] = col_str(res, i, 0);
    }
    PQclear(res);
    return 0;
}

static char *article_sql(const char *body_col, const char *tail)
{
    struct kb_buf b;
    kb_buf_init(&b, 4096);
    kb_buf_addf(&b, "SELECT " ARTICLE_COLS, body_col);
    kb_buf_adds(&b, tail);
    char *sql = kb_buf_detach(&b, NULL);
    kb_buf_release(&b);
    return sql;
}

static int pg_article_get(struct kb_store *s, int64_t id, const char *slug, struct kb_article *out,
                          struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    struct params p = {0};
    if (slug)
        p_str(&p, slug);
    else
        p_int(&p, id);
    char *sql = article_sql("a.body_html", slug ? " WHERE a.slug = $1" : " WHERE a.id = $1");
    int rc;
    PGresult *res = run(ps, sql, p.n, p.v, "reading an article", &rc, d);
    free(sql);
    if (!res)
        return rc;
    if (PQntuples(res) == 0) {
        PQclear(res);
        if (slug)
            return kb_diag_set(d, KB_ENOTFOUND, "slug", "no article '%.100s'", slug);
        return kb_diag_set(d, KB_ENOTFOUND, "id", "no article %lld", (long long)id);
    }
    struct kb_article a;
    kb_article_init(&a);
    rc = read_article(res, 0, &a, d);
    PQclear(res);
    if (rc == 0)
        rc = read_tags(ps, &a, d);
    if (rc) {
        kb_article_release(&a);
        return rc;
    }
    kb_article_release(out);
    *out = a;
    return 0;
}

static int pg_find_external(struct kb_store *s, const char *external_id, int64_t *id,
                            struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    const char *v[1] = {external_id};
    int rc;
    PGresult *res = run(ps, "SELECT id FROM articles WHERE external_id = $1", 1, v,
                        "finding an article", &rc, d);
    if (!res)
        return rc;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return kb_diag_set(d, KB_ENOTFOUND, "external_id", "no article imported as '%.100s'",
                           external_id);
    }
    *id = col_int(res, 0, 0);
    PQclear(res);
    return 0;
}

static int pg_count(struct kb_store *s, size_t *out, struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    int rc;
    PGresult *res = run(ps, "SELECT count(*) FROM articles", 0, NULL, "counting articles", &rc, d);
    if (!res)
        return rc;
    *out = (size_t)col_int(res, 0, 0);
    PQclear(res);
    return 0;
}

/* The tags of v[0..n) in one round trip (the list is ordered by published, not id: each
 * row finds its article by id in v). */
static int read_list_tags(struct pg_store *ps, struct kb_article *v, size_t n, struct kb_diag *d)
{
    struct kb_buf ids;
    kb_buf_init(&ids, 32 * n + 8);
    kb_buf_addch(&ids, '{');
    for (size_t i = 0; i < n; i++)
        kb_buf_addf(&ids, "%s%lld", i ? "," : "", (long long)v[i].id);
    kb_buf_addch(&ids, '}');
    const char *vals[1] = {kb_buf_cstr(&ids)};
    int rc;
    PGresult *res = run(ps,
                        "SELECT article_id, tag FROM article_tags WHERE article_id = "
                        "ANY ($1::bigint[]) ORDER BY article_id, position",
                        1, vals, "reading tags", &rc, d);
    kb_buf_release(&ids);
    if (!res)
        return rc;
    int rows = PQntuples(res);
    size_t k = 0;
    for (int r = 0; r < rows; r++) {
        int64_t id = col_int(res, r, 0);
        if (v[k].id != id) /* rows come grouped by article */
            for (k = 0; k < n && v[k].id != id; k++)
                ;
        if (k == n) {
            k = 0;
            continue; /* not one of ours: cannot happen */
        }
        struct kb_article *a = &v[k];
        if ((a->ntags & (a->ntags - 1)) == 0) /* 0, 1, 2, 4, …: grow */
            a->tags = kb_realloc(a->tags, (a->ntags ? 2 * a->ntags : 1) * sizeof(char *));
        a->tags[a->ntags++] = col_str(res, r, 1);
    }
    PQclear(res);
    return 0;
}

/* The WHERE clause of a list query, its parameters added to p in order. */
static void list_where(struct kb_buf *b, struct params *p, const struct kb_article_query *q)
{
    kb_buf_adds(b, " WHERE true");
    if (q->section_slug)
        kb_buf_addf(b, " AND a.section_id = (SELECT id FROM sections WHERE slug = $%d)",
                    p_str(p, q->section_slug));
    if (q->live_only)
        kb_buf_addf(b, " AND a.status = 'published' AND a.published <= $%d", p_int(p, q->now));
    if (q->exclude_id)
        kb_buf_addf(b, " AND a.id <> $%d", p_int(p, q->exclude_id));
    if (q->tag)
        kb_buf_addf(b, " AND a.id IN (SELECT article_id FROM article_tags WHERE tag = $%d)",
                    p_str(p, q->tag));
    if (q->author)
        kb_buf_addf(b, " AND a.byline_slug = $%d", p_str(p, q->author));
    if (q->with_image)
        kb_buf_adds(b, " AND a.image_src <> ''");
}

static int pg_article_list(struct kb_store *s, const struct kb_article_query *q,
                           struct kb_article **out, size_t *n, size_t *total, struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    int rc = 0;
    int64_t count = 0;
    struct kb_buf b;
    kb_buf_init(&b, 8192);
    struct params p = {0};
    if (total) {
        kb_buf_adds(&b, "SELECT count(*) FROM articles a");
        list_where(&b, &p, q);
        PGresult *res = run(ps, kb_buf_cstr(&b), p.n, p.v, "counting articles", &rc, d);
        if (!res) {
            kb_buf_release(&b);
            return rc;
        }
        count = col_int(res, 0, 0);
        PQclear(res);
    }
    kb_buf_reset(&b);
    memset(&p, 0, sizeof(p));
    kb_buf_addf(&b, "SELECT " ARTICLE_COLS,
                q->fields == KB_FIELDS_FULL ? "a.body_html" : "NULL::text");
    list_where(&b, &p, q);
    kb_buf_addf(&b, " ORDER BY a.published DESC NULLS LAST, a.id DESC LIMIT $%d",
                p_int(&p, (int64_t)q->limit));
    kb_buf_addf(&b, " OFFSET $%d", p_int(&p, (int64_t)q->offset));
    PGresult *res =
        kb_buf_err(&b) ? NULL : run(ps, kb_buf_cstr(&b), p.n, p.v, "listing articles", &rc, d);
    if (!res && !rc)
        rc = kb_diag_set(d, KB_EINTERNAL, "", "a list query too long");
    kb_buf_release(&b);
    if (!res)
        return rc;
    int rows = PQntuples(res);
    struct kb_article *v = rows ? kb_calloc((size_t)rows, sizeof(*v)) : NULL;
    size_t cnt = 0;
    for (int i = 0; rc == 0 && i < rows; i++) {
        kb_article_init(&v[cnt]);
        rc = read_article(res, i, &v[cnt++], d);
    }
    PQclear(res);
    if (rc == 0 && q->fields == KB_FIELDS_FULL && cnt > 0)
        rc = read_list_tags(ps, v, cnt, d);
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
static int slug_owner(struct pg_store *ps, const char *slug, int64_t *owner, struct kb_diag *d)
{
    const char *v[1] = {slug};
    int rc;
    PGresult *res =
        run(ps, "SELECT id FROM articles WHERE slug = $1", 1, v, "checking a slug", &rc, d);
    if (!res)
        return rc;
    *owner = PQntuples(res) ? col_int(res, 0, 0) : 0;
    PQclear(res);
    return 0;
}

/* The first of base, base-2, base-3, ... not held by another article than `self`. */
static int unique_slug(struct pg_store *ps, const char *base, int64_t self, char **out,
                       struct kb_diag *d)
{
    char *stem = kb_strdup(base);
    struct kb_buf cand;
    kb_buf_init(&cand, KB_MAX_SLUG);
    kb_buf_adds(&cand, stem);
    int rc = 0;
    for (int k = 2;; k++) {
        int64_t owner = 0;
        if ((rc = slug_owner(ps, kb_buf_cstr(&cand), &owner, d)))
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

static int article_exists(struct pg_store *ps, int64_t id, bool *yes, struct kb_diag *d)
{
    struct params p = {0};
    p_int(&p, id);
    int rc;
    PGresult *res =
        run(ps, "SELECT 1 FROM articles WHERE id = $1", p.n, p.v, "reading an article", &rc, d);
    if (!res)
        return rc;
    *yes = PQntuples(res) > 0;
    PQclear(res);
    return 0;
}

struct derived {
    struct kb_section sec;
    char *slug;
    const char *language;
    int minutes;
    int64_t updated;
    int updated_offset;
};

/* kb_slug_make(s), NULL when s is NULL or the slug is empty (SQLite's kb_slug()). */
static char *slug_or_null(const char *s)
{
    if (!s)
        return NULL;
    struct kb_buf b;
    kb_buf_init(&b, 4 * KB_SLUG_MAX_CHARS + 16);
    kb_slug_make(&b, s, strlen(s));
    char *out = kb_buf_err(&b) || b.n == 0 ? NULL : kb_buf_detach(&b, NULL);
    kb_buf_release(&b);
    return out;
}

#define ARTICLE_SET                                                                                \
    "slug = $1, status = $2, section_id = $3, headline = $4, lede = $5, byline = $6, "             \
    "source = $7, language = $8, image_src = $9, image_alt = $10, image_caption = $11, "           \
    "image_credit = $12, image_copyright = $13, body_html = $14, published = $15, "                \
    "published_offset = $16, updated = $17, updated_offset = $18, reading_minutes = $19, "         \
    "external_id = $20, byline_slug = $21"

static int write_tags_and_text(struct pg_store *ps, const struct kb_article *a, int64_t id,
                               struct kb_diag *d)
{
    struct params p = {0};
    p_int(&p, id);
    int rc;
    PGresult *res =
        run(ps, "DELETE FROM article_tags WHERE article_id = $1", p.n, p.v, "writing tags", &rc, d);
    PQclear(res);
    for (size_t i = 0; rc == 0 && i < a->ntags; i++) {
        struct params t = {0};
        p_int(&t, id);
        p_int(&t, (int64_t)i);
        p_str(&t, a->tags[i]);
        res = run(ps, "INSERT INTO article_tags (article_id, position, tag) VALUES ($1, $2, $3)",
                  t.n, t.v, "writing tags", &rc, d);
        PQclear(res);
    }
    if (rc)
        return rc;
    /* The searchable text (migration 2). */
    struct kb_buf text;
    kb_buf_init(&text, strlen(a->body_html) + 64);
    kb_search_html_text(&text, a->body_html, strlen(a->body_html));
    if (kb_buf_err(&text)) {
        kb_buf_release(&text);
        return kb_diag_set(d, KB_ETOOBIG, "body_html", "its text does not fit");
    }
    struct params s = {0};
    p_int(&s, id);
    p_str(&s, a->headline);
    p_str(&s, a->lede);
    p_str(&s, kb_buf_cstr(&text));
    res = run(ps,
              "INSERT INTO article_search_text (article_id, headline, lede, body_text) "
              "VALUES ($1, $2, $3, $4) ON CONFLICT (article_id) DO UPDATE SET "
              "headline = excluded.headline, lede = excluded.lede, body_text = excluded.body_text",
              s.n, s.v, "writing the search text", &rc, d);
    PQclear(res);
    kb_buf_release(&text);
    return rc;
}

static int write_article(struct pg_store *ps, const struct kb_article *a, struct derived *x,
                         int64_t *id, struct kb_diag *d)
{
    const char *key = a->section.slug && *a->section.slug ? a->section.slug : a->section.name;
    int rc = kb_store_section_get(&ps->base, key, &x->sec, d);
    if (rc == KB_ENOTFOUND)
        return kb_diag_set(d, KB_EINVAL, "section", "no section '%.100s'", key);
    if (rc)
        return rc;
    if (a->translations_set && a->ntranslations > 0)
        return kb_diag_set(d, KB_EINTERNAL, "translations",
                           "not supported by the postgresql backend yet");
    bool yes = false;
    if (a->id) {
        if ((rc = article_exists(ps, a->id, &yes, d)))
            return rc;
        if (!yes)
            return kb_diag_set(d, KB_ENOTFOUND, "id", "no article %lld", (long long)a->id);
    }
    int64_t take = 0; /* an insert asking for its id (export.h): taken when free */
    if (!a->id && a->want_id > 0) {
        if ((rc = article_exists(ps, a->want_id, &yes, d)))
            return rc;
        if (!yes)
            take = a->want_id;
    }
    char *base = a->slug ? kb_strdup(a->slug) : kb_store_slug_from(a->headline);
    rc = unique_slug(ps, base, a->id, &x->slug, d);
    free(base);
    if (rc)
        return rc;

    char *byline_slug = slug_or_null(a->byline);
    struct params p = {0};
    p_str(&p, x->slug);
    p_str(&p, kb_status_name(a->status));
    p_int(&p, x->sec.id);
    p_str(&p, a->headline);
    p_str(&p, a->lede);
    p_str(&p, a->byline);
    p_str(&p, a->source);
    p_str(&p, x->language);
    p_str(&p, a->image.src);
    p_str(&p, a->image.alt);
    p_str(&p, a->image.caption);
    p_str(&p, a->image.credit);
    p_str(&p, a->image.copyright);
    p_str(&p, a->body_html);
    p_time(&p, a->published);
    p_int(&p, a->published_offset);
    p_time(&p, x->updated);
    p_int(&p, x->updated_offset);
    p_int(&p, x->minutes);
    p_str(&p, a->external_id);
    p_str(&p, byline_slug);
    const char *sql;
    if (a->id) {
        p_int(&p, a->id);
        sql = "UPDATE articles SET " ARTICLE_SET " WHERE id = $22 RETURNING id";
    } else if (take) {
        p_int(&p, take);
        sql = "INSERT INTO articles (slug, status, section_id, headline, lede, byline, source, "
              "language, image_src, image_alt, image_caption, image_credit, image_copyright, "
              "body_html, published, published_offset, updated, updated_offset, "
              "reading_minutes, external_id, byline_slug, id) VALUES ($1, $2, $3, $4, $5, $6, "
              "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) "
              "RETURNING id";
    } else {
        sql = "INSERT INTO articles (slug, status, section_id, headline, lede, byline, source, "
              "language, image_src, image_alt, image_caption, image_credit, image_copyright, "
              "body_html, published, published_offset, updated, updated_offset, "
              "reading_minutes, external_id, byline_slug) VALUES ($1, $2, $3, $4, $5, $6, $7, "
              "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id";
    }
    PGresult *failed = NULL;
    PGresult *res = run_keep(ps, sql, p.n, p.v, "writing an article", &rc, &failed, d);
    free(byline_slug);
    if (failed && is_unique_violation(failed) && a->external_id &&
        strstr(constraint_of(failed), "external_id"))
        rc = kb_diag_set(d, KB_EEXISTS, "external_id", "another article was imported as '%.100s'",
                         a->external_id);
    else if (failed && is_unique_violation(failed) && strstr(constraint_of(failed), "slug"))
        rc = kb_diag_set(d, KB_EEXISTS, "slug", "another article has the slug '%.100s'", x->slug);
    PQclear(failed);
    if (!res)
        return rc;
    *id = col_int(res, 0, 0);
    PQclear(res);
    if (take) {
        /* Keep the identity ahead of an id taken by hand, as SQLite's max(rowid) + 1 is. */
        struct params t = {0};
        p_int(&t, take);
        res = run(ps,
                  "SELECT setval(pg_get_serial_sequence('articles', 'id'), $1::bigint) WHERE "
                  "$1::bigint > COALESCE(pg_sequence_last_value(pg_get_serial_sequence("
                  "'articles', 'id')::regclass), 0)",
                  t.n, t.v, "writing an article", &rc, d);
        PQclear(res);
        if (rc)
            return rc;
    }
    return write_tags_and_text(ps, a, *id, d);
}

static int pg_article_put(struct kb_store *s, struct kb_article *a, struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
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
    int rc = write_begin(ps, &nested, d);
    if (rc == 0) {
        rc = write_article(ps, a, &x, &id, d);
        rc = write_end(ps, nested, rc, d);
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

static int pg_article_delete(struct kb_store *s, int64_t id, struct kb_diag *d)
{
    struct pg_store *ps = ps_of(s);
    bool nested;
    int rc = write_begin(ps, &nested, d);
    if (rc)
        return rc;
    struct params p = {0};
    p_int(&p, id);
    PGresult *res =
        run(ps, "DELETE FROM articles WHERE id = $1", p.n, p.v, "deleting an article", &rc, d);
    if (res && strcmp(PQcmdTuples(res), "0") == 0)
        rc = kb_diag_set(d, KB_ENOTFOUND, "id", "no article %lld", (long long)id);
    PQclear(res);
    return write_end(ps, nested, rc, d);
}

/* ---- search: not on this backend yet ---------------------------------------------------- */

static int pg_search(struct kb_store *s, const struct kb_search_request *rq,
                     struct kb_search_hit **out, size_t *n, size_t *total, struct kb_diag *d)
{
    return kb_diag_set(d, KB_EINTERNAL, "", "search: not supported by the postgresql backend yet");
}

static int pg_search_rebuild(struct kb_store *s, struct kb_diag *d)
{
    return kb_diag_set(d, KB_EINTERNAL, "",
                       "rebuilding the search index: not supported by the postgresql backend yet");
}

static const struct kb_store_ops pg_ops = {
    .name = "postgres",
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .data_version = pg_data_version,
    .setting_get = pg_setting_get,
    .setting_put = pg_setting_put,
    .section_put = pg_section_put,
    .section_find = pg_section_find,
    .section_list = pg_section_list,
    .article_put = pg_article_put,
    .article_delete = pg_article_delete,
    .article_get = pg_article_get,
    .article_find_external = pg_find_external,
    .article_list = pg_article_list,
    .article_count = pg_count,
    .search = pg_search,
    .search_rebuild = pg_search_rebuild,
};
