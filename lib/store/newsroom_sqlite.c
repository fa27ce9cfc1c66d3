/*
 * newsroom_sqlite.c — newsroom_store.h on SQLite: users, sessions, tokens, failed logins,
 * revisions, article metadata and trash, admin lists, the schedule (migration 3's tables).
 *
 * Statements run on the store's own connection (kb_store_sqlite_db), so they join a
 * transaction the caller opened with kb_store_begin.  They are prepared per call: this is
 * the newsroom's traffic, not the readers', and it keeps store_sqlite.c's cache untouched.
 * Calls that write more than one row wrap them in a savepoint (all or nothing, inside or
 * outside a caller's transaction).  Out-parameters are written only on success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "khabar/newsroom_store.h"
#include "khabar/revision.h"
#include "store_int.h"

static int prep(struct kb_store *s, const char *sql, sqlite3_stmt **st, struct kb_diag *d)
{
    return kb_sq_prep(s, sql, st, "the newsroom's tables", d);
}

static int exec(struct kb_store *s, const char *sql, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, sql, &st, d);
    return rc ? rc : kb_sq_run(st, sql, d);
}

static void col_copy(sqlite3_stmt *st, int i, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static int changes(struct kb_store *s)
{
    return sqlite3_changes(kb_store_sqlite_db(s));
}

/* Savepoints around multi-row writes. */
static int sp_begin(struct kb_store *s, struct kb_diag *d)
{
    return exec(s, "SAVEPOINT kb_newsroom", d);
}

static int sp_end(struct kb_store *s, int rc, struct kb_diag *d)
{
    if (rc) {
        (void)exec(s, "ROLLBACK TO kb_newsroom", NULL);
        (void)exec(s, "RELEASE kb_newsroom", NULL);
        return rc;
    }
    return exec(s, "RELEASE kb_newsroom", d);
}

static enum kb_role role_of(const unsigned char *t)
{
    enum kb_role r = KB_ROLE_CONTRIBUTOR;
    if (t && kb_role_parse((const char *)t, &r, NULL) != 0)
        r = KB_ROLE_CONTRIBUTOR; /* the CHECK constraint makes this unreachable */
    return r;
}

/* ---- users ------------------------------------------------------------------------------- */

void kb_user_release(struct kb_user *u)
{
    if (!u)
        return;
    free(u->name);
    free(u->pwhash);
    memset(u, 0, sizeof(*u));
}

void kb_users_free(struct kb_user *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        kb_user_release(&v[i]);
    free(v);
}

int kb_store_user_add(struct kb_store *s, const char *name, enum kb_role role, const char *pwhash,
                      int64_t now, int64_t *id, struct kb_diag *d)
{
    int rc = kb_user_name_check(name, d);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = prep(s,
                   "INSERT INTO users (name, role, password_hash, created) VALUES (?1, ?2, ?3, ?4)",
                   &st, d)))
        return rc;
    kb_sq_bind_str(st, 1, name);
    kb_sq_bind_str(st, 2, kb_role_name(role));
    kb_sq_bind_str(st, 3, pwhash);
    sqlite3_bind_int64(st, 4, now);
    rc = kb_sq_run(st, "adding a user", d);
    if (rc == KB_EEXISTS)
        return kb_diag_set(d, KB_EEXISTS, "name", "a user named \"%s\" already exists", name);
    if (rc)
        return rc;
    if (id)
        *id = sqlite3_last_insert_rowid(kb_store_sqlite_db(s));
    return 0;
}

static void read_user(sqlite3_stmt *st, int c, struct kb_user *u, bool with_hash)
{
    u->id = sqlite3_column_int64(st, c);
    u->name = kb_sq_col_dup(st, c + 1);
    u->role = role_of(sqlite3_column_text(st, c + 2));
    u->disabled = sqlite3_column_int(st, c + 3) != 0;
    u->created = sqlite3_column_int64(st, c + 4);
    u->pwhash = with_hash ? kb_sq_col_dup(st, c + 5) : NULL;
}

#define USER_COLS "u.id, u.name, u.role, u.disabled, u.created, u.password_hash"

int kb_store_user_get(struct kb_store *s, const char *name, int64_t id, struct kb_user *out,
                      struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  name ? "SELECT " USER_COLS " FROM users u WHERE u.name = ?1"
                       : "SELECT " USER_COLS " FROM users u WHERE u.id = ?2",
                  &st, d);
    if (rc)
        return rc;
    if (name)
        kb_sq_bind_str(st, 1, name);
    else
        sqlite3_bind_int64(st, 2, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct kb_user u = {0};
        read_user(st, 0, &u, true);
        kb_user_release(out);
        *out = u;
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = kb_diag_set(d, KB_ENOTFOUND, "name", "no user \"%s\"", name ? name : "(by id)");
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "reading a user", d);
    }
    sqlite3_finalize(st);
    return rc;
}

int kb_store_user_list(struct kb_store *s, struct kb_user **out, size_t *n, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT " USER_COLS " FROM users u ORDER BY u.name", &st, d);
    if (rc)
        return rc;
    struct kb_user *v = NULL;
    size_t k = 0, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 16;
            v = kb_realloc(v, cap * sizeof(*v));
        }
        memset(&v[k], 0, sizeof(v[k]));
        read_user(st, 0, &v[k++], false);
    }
    if (rc != SQLITE_DONE) {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "listing users", d);
        sqlite3_finalize(st);
        kb_users_free(v, k);
        return rc;
    }
    sqlite3_finalize(st);
    *out = v;
    *n = k;
    return 0;
}

int kb_store_user_set_password(struct kb_store *s, int64_t id, const char *pwhash,
                               struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "UPDATE users SET password_hash = ?1 WHERE id = ?2", &st, d);
    if (rc)
        return rc;
    kb_sq_bind_str(st, 1, pwhash);
    sqlite3_bind_int64(st, 2, id);
    rc = kb_sq_run(st, "changing a password", d);
    if (!rc && changes(s) == 0)
        rc = kb_diag_set(d, KB_ENOTFOUND, "name", "no such user");
    return rc;
}

int kb_store_user_set_role(struct kb_store *s, int64_t id, enum kb_role role, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "UPDATE users SET role = ?1 WHERE id = ?2", &st, d);
    if (rc)
        return rc;
    kb_sq_bind_str(st, 1, kb_role_name(role));
    sqlite3_bind_int64(st, 2, id);
    rc = kb_sq_run(st, "changing a role", d);
    if (!rc && changes(s) == 0)
        rc = kb_diag_set(d, KB_ENOTFOUND, "name", "no such user");
    return rc;
}

int kb_store_user_set_disabled(struct kb_store *s, int64_t id, bool disabled, struct kb_diag *d)
{
    int rc = sp_begin(s, d);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    rc = prep(s, "UPDATE users SET disabled = ?1 WHERE id = ?2", &st, d);
    if (!rc) {
        sqlite3_bind_int(st, 1, disabled ? 1 : 0);
        sqlite3_bind_int64(st, 2, id);
        rc = kb_sq_run(st, "disabling a user", d);
    }
    if (!rc && changes(s) == 0)
        rc = kb_diag_set(d, KB_ENOTFOUND, "name", "no such user");
    if (!rc && disabled && !(rc = prep(s, "DELETE FROM sessions WHERE user_id = ?1", &st, d))) {
        sqlite3_bind_int64(st, 1, id);
        rc = kb_sq_run(st, "ending sessions", d);
    }
    return sp_end(s, rc, d);
}

/* ---- sessions ---------------------------------------------------------------------------- */

void kb_session_release(struct kb_session *x)
{
    if (!x)
        return;
    free(x->user_agent);
    free(x->address);
    memset(x, 0, sizeof(*x));
}

void kb_sessions_free(struct kb_session *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        kb_session_release(&v[i]);
    free(v);
}

int kb_store_session_add(struct kb_store *s, const char *secret_hash, struct kb_session *x,
                         struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "INSERT INTO sessions (secret_hash, user_id, csrf, created, last_seen, expires, "
                  "user_agent, address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                  &st, d);
    if (rc)
        return rc;
    kb_sq_bind_str(st, 1, secret_hash);
    sqlite3_bind_int64(st, 2, x->user_id);
    kb_sq_bind_str(st, 3, x->csrf);
    sqlite3_bind_int64(st, 4, x->created);
    sqlite3_bind_int64(st, 5, x->last_seen);
    sqlite3_bind_int64(st, 6, x->expires);
    kb_sq_bind_str(st, 7, x->user_agent);
    kb_sq_bind_str(st, 8, x->address);
    rc = kb_sq_run(st, "starting a session", d);
    if (!rc)
        x->id = sqlite3_last_insert_rowid(kb_store_sqlite_db(s));
    return rc;
}

#define SESSION_COLS                                                                               \
    "x.id, x.user_id, x.csrf, x.created, x.last_seen, x.expires, x.user_agent, x.address"

static void read_session(sqlite3_stmt *st, struct kb_session *x)
{
    x->id = sqlite3_column_int64(st, 0);
    x->user_id = sqlite3_column_int64(st, 1);
    col_copy(st, 2, x->csrf, sizeof(x->csrf));
    x->created = sqlite3_column_int64(st, 3);
    x->last_seen = sqlite3_column_int64(st, 4);
    x->expires = sqlite3_column_int64(st, 5);
    x->user_agent = kb_sq_col_dup(st, 6);
    x->address = kb_sq_col_dup(st, 7);
}

int kb_store_session_find(struct kb_store *s, const char *secret_hash, int64_t now,
                          struct kb_session *out, struct kb_user *user, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT " SESSION_COLS ", " USER_COLS " FROM sessions x JOIN users u ON "
                  "u.id = x.user_id WHERE x.secret_hash = ?1 AND x.expires > ?2 AND "
                  "u.disabled = 0",
                  &st, d);
    if (rc)
        return rc;
    kb_sq_bind_str(st, 1, secret_hash);
    sqlite3_bind_int64(st, 2, now);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct kb_session x = {0};
        struct kb_user u = {0};
        read_session(st, &x);
        read_user(st, 8, &u, false);
        kb_session_release(out);
        *out = x;
        kb_user_release(user);
        *user = u;
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = kb_diag_set(d, KB_ENOTFOUND, "session", "no such session");
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "reading a session", d);
    }
    sqlite3_finalize(st);
    return rc;
}

int kb_store_session_touch(struct kb_store *s, int64_t id, int64_t now, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "UPDATE sessions SET last_seen = ?1 WHERE id = ?2", &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, id);
    return kb_sq_run(st, "touching a session", d);
}

int kb_store_session_delete(struct kb_store *s, int64_t id, int64_t user_id, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "DELETE FROM sessions WHERE id = ?1 AND user_id = ?2", &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, user_id);
    rc = kb_sq_run(st, "ending a session", d);
    if (!rc && changes(s) == 0)
        rc = kb_diag_set(d, KB_ENOTFOUND, "session", "no such session");
    return rc;
}

int kb_store_session_list(struct kb_store *s, int64_t user_id, int64_t now, struct kb_session **out,
                          size_t *n, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "DELETE FROM sessions WHERE expires <= ?1", &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    if ((rc = kb_sq_run(st, "removing expired sessions", d)))
        return rc;
    if ((rc = prep(s,
                   "SELECT " SESSION_COLS " FROM sessions x WHERE x.user_id = ?1 "
                   "ORDER BY x.last_seen DESC, x.id DESC",
                   &st, d)))
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    struct kb_session *v = NULL;
    size_t k = 0, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 8;
            v = kb_realloc(v, cap * sizeof(*v));
        }
        memset(&v[k], 0, sizeof(v[k]));
        read_session(st, &v[k++]);
    }
    if (rc != SQLITE_DONE) {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "listing sessions", d);
        sqlite3_finalize(st);
        kb_sessions_free(v, k);
        return rc;
    }
    sqlite3_finalize(st);
    *out = v;
    *n = k;
    return 0;
}

/* ---- tokens ------------------------------------------------------------------------------ */

int kb_store_token_add(struct kb_store *s, int64_t user_id, const char *secret_hash,
                       const enum kb_role *role, int64_t now, int64_t *id, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "INSERT INTO api_tokens (secret_hash, user_id, role, created) "
                  "VALUES (?1, ?2, ?3, ?4)",
                  &st, d);
    if (rc)
        return rc;
    kb_sq_bind_str(st, 1, secret_hash);
    sqlite3_bind_int64(st, 2, user_id);
    kb_sq_bind_str(st, 3, role ? kb_role_name(*role) : NULL);
    sqlite3_bind_int64(st, 4, now);
    rc = kb_sq_run(st, "adding a token", d);
    if (!rc && id)
        *id = sqlite3_last_insert_rowid(kb_store_sqlite_db(s));
    return rc;
}

int kb_store_token_find(struct kb_store *s, const char *secret_hash, int64_t now,
                        struct kb_user *user, enum kb_role *role, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT t.id, t.role, " USER_COLS " FROM api_tokens t JOIN users u ON "
                  "u.id = t.user_id WHERE t.secret_hash = ?1 AND t.revoked IS NULL AND "
                  "u.disabled = 0",
                  &st, d);
    if (rc)
        return rc;
    kb_sq_bind_str(st, 1, secret_hash);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int64_t tid = sqlite3_column_int64(st, 0);
        struct kb_user u = {0};
        read_user(st, 2, &u, false);
        enum kb_role r = u.role;
        if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            enum kb_role tr = role_of(sqlite3_column_text(st, 1));
            if (tr < r)
                r = tr;
        }
        sqlite3_finalize(st);
        sqlite3_stmt *t2;
        if (prep(s, "UPDATE api_tokens SET last_used = ?1 WHERE id = ?2", &t2, NULL) == 0) {
            sqlite3_bind_int64(t2, 1, now);
            sqlite3_bind_int64(t2, 2, tid);
            (void)kb_sq_run(t2, "", NULL); /* bookkeeping only: a locked database must not refuse */
        }
        kb_user_release(user);
        *user = u;
        *role = r;
        return 0;
    }
    rc = rc == SQLITE_DONE ? kb_diag_set(d, KB_ENOTFOUND, "token", "no such token")
                           : kb_sq_fail(kb_store_sqlite_db(s), rc, "reading a token", d);
    sqlite3_finalize(st);
    return rc;
}

int kb_store_token_revoke(struct kb_store *s, int64_t id, int64_t now, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc =
        prep(s, "UPDATE api_tokens SET revoked = ?1 WHERE id = ?2 AND revoked IS NULL", &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, id);
    rc = kb_sq_run(st, "revoking a token", d);
    if (!rc && changes(s) == 0)
        rc = kb_diag_set(d, KB_ENOTFOUND, "token", "no token %lld (or it is already revoked)",
                         (long long)id);
    return rc;
}

int kb_store_token_list(struct kb_store *s, int64_t user_id, struct kb_token **out, size_t *n,
                        struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT id, role, created, coalesce(last_used, 0) FROM api_tokens "
                  "WHERE user_id = ?1 AND revoked IS NULL ORDER BY id DESC",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    struct kb_token *v = NULL;
    size_t k = 0, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 8;
            v = kb_realloc(v, cap * sizeof(*v));
        }
        struct kb_token *t = &v[k++];
        memset(t, 0, sizeof(*t));
        t->id = sqlite3_column_int64(st, 0);
        t->user_id = user_id;
        t->narrowed = sqlite3_column_type(st, 1) != SQLITE_NULL;
        t->role = t->narrowed ? role_of(sqlite3_column_text(st, 1)) : KB_ROLE_CONTRIBUTOR;
        t->created = sqlite3_column_int64(st, 2);
        t->last_used = sqlite3_column_int64(st, 3);
    }
    if (rc != SQLITE_DONE) {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "listing tokens", d);
        sqlite3_finalize(st);
        free(v);
        return rc;
    }
    sqlite3_finalize(st);
    *out = v;
    *n = k;
    return 0;
}

/* ---- failed logins ----------------------------------------------------------------------- */

int kb_store_login_failures(struct kb_store *s, const char *key, int64_t since, int *count,
                            int64_t *oldest, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc =
        prep(s, "SELECT count(*), min(at) FROM login_failures WHERE key = ?1 AND at >= ?2", &st, d);
    if (rc)
        return rc;
    kb_sq_bind_str(st, 1, key);
    sqlite3_bind_int64(st, 2, since);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *count = sqlite3_column_int(st, 0);
        *oldest = sqlite3_column_int64(st, 1);
        rc = 0;
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "counting failed logins", d);
    }
    sqlite3_finalize(st);
    return rc;
}

int kb_store_login_failure_add(struct kb_store *s, const char *key, int64_t now,
                               int64_t forget_before, struct kb_diag *d)
{
    int rc = sp_begin(s, d);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if (!(rc = prep(s, "DELETE FROM login_failures WHERE at < ?1", &st, d))) {
        sqlite3_bind_int64(st, 1, forget_before);
        rc = kb_sq_run(st, "forgetting old failed logins", d);
    }
    if (!rc && !(rc = prep(s, "INSERT INTO login_failures (key, at) VALUES (?1, ?2)", &st, d))) {
        kb_sq_bind_str(st, 1, key);
        sqlite3_bind_int64(st, 2, now);
        rc = kb_sq_run(st, "recording a failed login", d);
    }
    return sp_end(s, rc, d);
}

int kb_store_login_failures_clear(struct kb_store *s, const char *key, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "DELETE FROM login_failures WHERE key = ?1", &st, d);
    if (rc)
        return rc;
    kb_sq_bind_str(st, 1, key);
    return kb_sq_run(st, "clearing failed logins", d);
}

/* ---- article metadata, trash ------------------------------------------------------------- */

int kb_store_article_meta(struct kb_store *s, int64_t id, struct kb_article_meta *out,
                          struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT a.author_id, u.name, a.version, a.deleted_at FROM articles a LEFT JOIN "
                  "users u ON u.id = a.author_id WHERE a.id = ?1",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct kb_article_meta m = {0};
        m.author_id = sqlite3_column_int64(st, 0);
        col_copy(st, 1, m.author_name, sizeof(m.author_name));
        m.version = sqlite3_column_int64(st, 2);
        m.deleted_at = sqlite3_column_int64(st, 3);
        *out = m;
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = kb_diag_set(d, KB_ENOTFOUND, "id", "no article %lld", (long long)id);
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "reading an article", d);
    }
    sqlite3_finalize(st);
    return rc;
}

int kb_store_article_set_author(struct kb_store *s, int64_t id, int64_t author_id,
                                struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s, "UPDATE articles SET author_id = ?1 WHERE id = ?2", &st, d);
    if (rc)
        return rc;
    if (author_id)
        sqlite3_bind_int64(st, 1, author_id);
    else
        sqlite3_bind_null(st, 1);
    sqlite3_bind_int64(st, 2, id);
    rc = kb_sq_run(st, "setting the author", d);
    if (!rc && changes(s) == 0)
        rc = kb_diag_set(d, KB_ENOTFOUND, "id", "no article %lld", (long long)id);
    return rc;
}

static int trash_flip(struct kb_store *s, int64_t id, const char *sql, int64_t now,
                      const char *what, struct kb_diag *d)
{
    struct kb_article_meta m;
    int rc = kb_store_article_meta(s, id, &m, d);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = prep(s, sql, &st, d)))
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (now)
        sqlite3_bind_int64(st, 2, now);
    rc = kb_sq_run(st, what, d);
    if (!rc && changes(s) == 0)
        rc = kb_diag_set(d, KB_ECONFLICT, "id", now ? "already in the trash" : "not in the trash");
    return rc;
}

int kb_store_article_trash(struct kb_store *s, int64_t id, int64_t now, struct kb_diag *d)
{
    return trash_flip(s, id,
                      "UPDATE articles SET deleted_status = status, status = 'unpublished', "
                      "deleted_at = ?2 WHERE id = ?1 AND deleted_at IS NULL",
                      now ? now : 1, "moving to the trash", d);
}

int kb_store_article_untrash(struct kb_store *s, int64_t id, struct kb_diag *d)
{
    /* A scheduled article whose time passed while in the trash comes back scheduled: the
     * scheduler publishes it at once, as it would have. */
    return trash_flip(s, id,
                      "UPDATE articles SET status = coalesce(deleted_status, 'draft'), "
                      "deleted_status = NULL, deleted_at = NULL WHERE id = ?1 AND "
                      "deleted_at IS NOT NULL",
                      0, "restoring from the trash", d);
}

/* ---- admin lists ------------------------------------------------------------------------- */

/* LIKE pattern "%q%" with %, _ and \ escaped. */
static char *like_pattern(const char *q)
{
    struct kb_buf b;
    kb_buf_init(&b, 4 * strlen(q) + 8);
    kb_buf_addch(&b, '%');
    for (const char *p = q; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            kb_buf_addch(&b, '\\');
        kb_buf_addch(&b, *p);
    }
    kb_buf_addch(&b, '%');
    return kb_buf_detach(&b, NULL);
}

int kb_store_article_ids(struct kb_store *s, const struct kb_admin_query *q, int64_t **ids,
                         size_t *n, size_t *total, struct kb_diag *d)
{
    if (q->limit > KB_STORE_MAX_LIMIT)
        return kb_diag_set(d, KB_EINVAL, "per_page", "at most %d", KB_STORE_MAX_LIMIT);
    static const char where[] =
        " FROM articles a JOIN sections s ON s.id = a.section_id WHERE "
        "(a.deleted_at IS NOT NULL) = ?1 AND (?2 IS NULL OR a.status = ?2) AND "
        "(?3 IS NULL OR s.slug = ?3) AND (?4 = 0 OR a.author_id = ?4) AND "
        "(?5 IS NULL OR a.headline LIKE ?5 ESCAPE '\\' OR a.lede LIKE ?5 ESCAPE '\\') AND "
        "(?6 = 0 OR a.author_id = ?6 OR a.status = 'published') AND "
        "(?9 = 0 OR a.id IN (SELECT article_id FROM article_simhash WHERE dup_of IS NOT NULL))";
    char *like = q->q && *q->q ? like_pattern(q->q) : NULL;
    int rc = 0;
    int64_t *v = NULL;
    size_t k = 0, count = 0;
    for (int pass = 0; pass < 2 && !rc; pass++) {
        struct kb_buf sql;
        kb_buf_init(&sql, 2048);
        kb_buf_adds(&sql, pass == 0 ? "SELECT count(*)" : "SELECT a.id");
        kb_buf_adds(&sql, where);
        if (pass == 1)
            kb_buf_adds(&sql, " ORDER BY a.updated DESC, a.id DESC LIMIT ?7 OFFSET ?8");
        sqlite3_stmt *st;
        rc = prep(s, kb_buf_cstr(&sql), &st, d);
        kb_buf_release(&sql);
        if (rc)
            break;
        sqlite3_bind_int(st, 1, q->trashed ? 1 : 0);
        kb_sq_bind_str(st, 2, q->status);
        kb_sq_bind_str(st, 3, q->section_slug);
        sqlite3_bind_int64(st, 4, q->author_id);
        kb_sq_bind_str(st, 5, like);
        sqlite3_bind_int64(st, 6, q->viewer_id);
        sqlite3_bind_int(st, 9, q->duplicates ? 1 : 0);
        if (pass == 1) {
            sqlite3_bind_int64(st, 7, (int64_t)q->limit);
            sqlite3_bind_int64(st, 8, (int64_t)q->offset);
        }
        int r;
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
            if (pass == 0) {
                count = (size_t)sqlite3_column_int64(st, 0);
                v = kb_calloc(q->limit ? q->limit : 1, sizeof(*v));
            } else if (k < q->limit) {
                v[k++] = sqlite3_column_int64(st, 0);
            }
        }
        if (r != SQLITE_DONE)
            rc = kb_sq_fail(kb_store_sqlite_db(s), r, "listing articles", d);
        sqlite3_finalize(st);
    }
    free(like);
    if (rc) {
        free(v);
        return rc;
    }
    *ids = v;
    *n = k;
    if (total)
        *total = count;
    return 0;
}

int kb_store_schedule_next(struct kb_store *s, int64_t now, int64_t *when, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT min(published) FROM articles WHERE published IS NOT NULL AND "
                  "deleted_at IS NULL AND (status = 'scheduled' OR (status = 'published' AND "
                  "published > ?1))",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *when = sqlite3_column_int64(st, 0);
        rc = 0;
    } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        rc = KB_ENOTFOUND;
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "reading the schedule", d);
    }
    sqlite3_finalize(st);
    return rc;
}

int kb_store_schedule_due(struct kb_store *s, int64_t now, int64_t **ids, size_t *n,
                          struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT id FROM articles WHERE status = 'scheduled' AND deleted_at IS NULL AND "
                  "published <= ?1 ORDER BY published, id LIMIT 1000",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    int64_t *v = NULL;
    size_t k = 0, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 8;
            v = kb_realloc(v, cap * sizeof(*v));
        }
        v[k++] = sqlite3_column_int64(st, 0);
    }
    rc = rc == SQLITE_DONE ? 0 : kb_sq_fail(kb_store_sqlite_db(s), rc, "reading the schedule", d);
    sqlite3_finalize(st);
    if (rc) {
        free(v);
        return rc;
    }
    *ids = v;
    *n = k;
    return 0;
}

int kb_store_section_delete(struct kb_store *s, const char *slug, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT s.id, (SELECT count(*) FROM articles a WHERE a.section_id = s.id) "
                  "FROM sections s WHERE s.slug = ?1",
                  &st, d);
    if (rc)
        return rc;
    kb_sq_bind_str(st, 1, slug);
    rc = sqlite3_step(st);
    int64_t id = 0, used = 0;
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        used = sqlite3_column_int64(st, 1);
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = kb_diag_set(d, KB_ENOTFOUND, "slug", "no section \"%s\"", slug);
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "reading a section", d);
    }
    sqlite3_finalize(st);
    if (rc)
        return rc;
    if (used)
        return kb_diag_set(d, KB_ECONFLICT, "slug", "%lld articles are in this section",
                           (long long)used);
    if ((rc = prep(s, "DELETE FROM sections WHERE id = ?1", &st, d)))
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return kb_sq_run(st, "deleting a section", d);
}

/* ---- revisions --------------------------------------------------------------------------- */

void kb_revision_release(struct kb_revision *r)
{
    if (!r)
        return;
    free(r->json);
    memset(r, 0, sizeof(*r));
}

void kb_revisions_free(struct kb_revision *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        kb_revision_release(&v[i]);
    free(v);
}

int kb_store_revision_add(struct kb_store *s, int64_t article_id, int64_t version, int64_t user_id,
                          int64_t now, unsigned changed, const char *json, int64_t *number,
                          struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "INSERT INTO revisions (article_id, number, version, user_id, created, changed, "
                  "article_json) VALUES (?1, (SELECT coalesce(max(number), 0) + 1 FROM revisions "
                  "WHERE article_id = ?1), ?2, ?3, ?4, ?5, ?6) RETURNING number",
                  &st, d);
    if (rc)
        return rc;
    struct kb_buf csv;
    kb_buf_init(&csv, 512);
    kb_fields_csv(changed, &csv);
    sqlite3_bind_int64(st, 1, article_id);
    sqlite3_bind_int64(st, 2, version);
    if (user_id)
        sqlite3_bind_int64(st, 3, user_id);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, now);
    kb_sq_bind_str(st, 5, kb_buf_cstr(&csv));
    kb_sq_bind_str(st, 6, json);
    kb_buf_release(&csv);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (number)
            *number = sqlite3_column_int64(st, 0);
        rc = 0;
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "keeping a revision", d);
    }
    sqlite3_finalize(st);
    return rc;
}

int kb_store_revision_autosave(struct kb_store *s, int64_t article_id, int64_t version,
                               int64_t user_id, int64_t now, unsigned changed, const char *json,
                               int64_t window, int64_t *number, bool *merged, struct kb_diag *d)
{
    *merged = false;
    sqlite3_stmt *st;
    /* The newest revision, when it is open to this user's autosave at `now`. */
    int rc = prep(s,
                  "SELECT number, changed FROM revisions WHERE article_id = ?1 AND number = "
                  "(SELECT max(number) FROM revisions WHERE article_id = ?1) AND user_id = ?2 "
                  "AND open_until IS NOT NULL AND ?3 <= open_until AND ?3 >= created",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, article_id);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, now);
    int64_t open = 0;
    unsigned before = 0;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        open = sqlite3_column_int64(st, 0);
        before = kb_fields_parse((const char *)sqlite3_column_text(st, 1));
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = 0;
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "reading the newest revision", d);
    }
    sqlite3_finalize(st);
    if (rc)
        return rc;
    if (!user_id || window <= 0) /* the system never autosaves; no window: a plain save */
        open = 0;
    struct kb_buf csv;
    kb_buf_init(&csv, 512);
    if (open) {
        kb_fields_csv(before | changed, &csv);
        rc = prep(s,
                  "UPDATE revisions SET version = ?3, created = ?4, changed = ?5, "
                  "article_json = ?6 WHERE article_id = ?1 AND number = ?2",
                  &st, d);
        if (!rc) {
            sqlite3_bind_int64(st, 1, article_id);
            sqlite3_bind_int64(st, 2, open);
            sqlite3_bind_int64(st, 3, version);
            sqlite3_bind_int64(st, 4, now);
            kb_sq_bind_str(st, 5, kb_buf_cstr(&csv));
            kb_sq_bind_str(st, 6, json);
        }
    } else {
        kb_fields_csv(changed, &csv);
        rc = prep(s,
                  "INSERT INTO revisions (article_id, number, version, user_id, created, changed, "
                  "article_json, open_until) VALUES (?1, (SELECT coalesce(max(number), 0) + 1 "
                  "FROM revisions WHERE article_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7) RETURNING number",
                  &st, d);
        if (!rc) {
            sqlite3_bind_int64(st, 1, article_id);
            sqlite3_bind_int64(st, 2, version);
            if (user_id)
                sqlite3_bind_int64(st, 3, user_id);
            else
                sqlite3_bind_null(st, 3);
            sqlite3_bind_int64(st, 4, now);
            kb_sq_bind_str(st, 5, kb_buf_cstr(&csv));
            kb_sq_bind_str(st, 6, json);
            if (user_id && window > 0)
                sqlite3_bind_int64(st, 7, now + window);
            else
                sqlite3_bind_null(st, 7);
        }
    }
    kb_buf_release(&csv);
    if (rc)
        return rc;
    rc = sqlite3_step(st);
    if (open && rc == SQLITE_DONE) {
        *merged = true;
        if (number)
            *number = open;
        rc = 0;
    } else if (!open && rc == SQLITE_ROW) {
        if (number)
            *number = sqlite3_column_int64(st, 0);
        rc = 0;
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "keeping a revision", d);
    }
    sqlite3_finalize(st);
    return rc;
}

#define REV_COLS "r.article_id, r.number, r.version, r.user_id, u.name, r.created, r.changed"

static void read_rev(sqlite3_stmt *st, struct kb_revision *r, bool json)
{
    r->article_id = sqlite3_column_int64(st, 0);
    r->number = sqlite3_column_int64(st, 1);
    r->version = sqlite3_column_int64(st, 2);
    r->user_id = sqlite3_column_int64(st, 3);
    col_copy(st, 4, r->user_name, sizeof(r->user_name));
    r->created = sqlite3_column_int64(st, 5);
    r->changed = kb_fields_parse((const char *)sqlite3_column_text(st, 6));
    r->json = json ? kb_sq_col_dup(st, 7) : NULL;
}

int kb_store_revision_list(struct kb_store *s, int64_t article_id, struct kb_revision **out,
                           size_t *n, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT " REV_COLS " FROM revisions r LEFT JOIN users u ON u.id = r.user_id "
                  "WHERE r.article_id = ?1 ORDER BY r.number DESC",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, article_id);
    struct kb_revision *v = NULL;
    size_t k = 0, cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            cap = cap ? cap * 2 : 16;
            v = kb_realloc(v, cap * sizeof(*v));
        }
        memset(&v[k], 0, sizeof(v[k]));
        read_rev(st, &v[k++], false);
    }
    if (rc != SQLITE_DONE) {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "listing revisions", d);
        sqlite3_finalize(st);
        kb_revisions_free(v, k);
        return rc;
    }
    sqlite3_finalize(st);
    *out = v;
    *n = k;
    return 0;
}

int kb_store_revision_get(struct kb_store *s, int64_t article_id, int64_t number, int64_t version,
                          struct kb_revision *out, struct kb_diag *d)
{
    sqlite3_stmt *st;
    int rc = prep(s,
                  number ? "SELECT " REV_COLS ", r.article_json FROM revisions r LEFT JOIN users u "
                           "ON u.id = r.user_id WHERE r.article_id = ?1 AND r.number = ?2"
                         : "SELECT " REV_COLS ", r.article_json FROM revisions r LEFT JOIN users u "
                           "ON u.id = r.user_id WHERE r.article_id = ?1 AND r.version = ?2 "
                           "ORDER BY r.number DESC LIMIT 1",
                  &st, d);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, article_id);
    sqlite3_bind_int64(st, 2, number ? number : version);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct kb_revision r = {0};
        read_rev(st, &r, true);
        kb_revision_release(out);
        *out = r;
        rc = 0;
    } else if (rc == SQLITE_DONE) {
        rc = kb_diag_set(d, KB_ENOTFOUND, "revision", "no such revision");
    } else {
        rc = kb_sq_fail(kb_store_sqlite_db(s), rc, "reading a revision", d);
    }
    sqlite3_finalize(st);
    return rc;
}
