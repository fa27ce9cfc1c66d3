/*
 * newsroom.h — the newsroom's use-cases, independent of HTTP: write, edit, move through the
 * workflow, trash and restore articles with a revision for every save; publish what is due;
 * sign in with rate limits; sessions and API tokens.  lib/engine/newsroom.c; the HTTP side
 * is src/server/admin.c, the design docs/newsroom.md.
 *
 * Errors (0 or a negative enum kb_err, detail in `d`, d->field naming the article field):
 *   KB_EINVAL / KB_ETOOBIG  the article does not validate (HTTP 422)
 *   KB_EPERM                the actor's role may not do it (403)
 *   KB_ENOTFOUND            no such article — or one the actor may not see (404)
 *   KB_ECONFLICT            the version given is not the current one (409)
 * Every save is one transaction: the article, its author, its revision — or nothing.
 *
 * Thread-safety: as the store — one connection per thread.
 */
#ifndef KHABAR_NEWSROOM_H
#define KHABAR_NEWSROOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/article.h"
#include "khabar/newsroom_store.h"
#include "khabar/store.h"
#include "khabar/user.h"
#include "khabar/workflow.h"

/* Settings (settings.c): may authors publish their own articles (0|1); is the site behind
 * TLS, so cookies get Secure (0|1). */
#define KB_SETTING_AUTHORS_PUBLISH "newsroom.authors_publish"
#define KB_SETTING_SECURE_COOKIES "newsroom.secure_cookies"

/* Sessions last this long from sign-in. */
#define KB_SESSION_TTL (12 * 3600)
/* Failed logins: at most this many per account / per client address in the window. */
#define KB_LOGIN_MAX_ACCOUNT 5
#define KB_LOGIN_MAX_ADDRESS 20
#define KB_LOGIN_WINDOW (15 * 60)
/* An autosave joins the same user's open revision for this long after its first save. */
#define KB_AUTOSAVE_WINDOW (10 * 60)

struct kb_actor {
    int64_t user_id; /* 0: the system (the scheduler) */
    enum kb_role role;
};

/* Create an article from product.md's JSON (a jansson json_t *; status defaults to draft)
 * as `who`, who becomes its author.  body_html goes through kb_html_sanitize first.  A
 * published article without a time gets `now`; a scheduled one needs a future time.  Sets
 * *id.  Keeps revision 1. */
KB_MUST_CHECK int kb_newsroom_create(struct kb_store *s, const struct kb_actor *who,
                                     const void *json, int64_t now, int64_t *id, struct kb_diag *d);

/* The article as `who` may see it (KB_ENOTFOUND otherwise, also for trashed articles unless
 * `trashed`).  `out` initialized; meta optional. */
KB_MUST_CHECK int kb_newsroom_get(struct kb_store *s, const struct kb_actor *who, int64_t id,
                                  bool trashed, struct kb_article *out,
                                  struct kb_article_meta *meta, struct kb_diag *d);

/* Apply a JSON merge patch (top-level keys replace) to article `id` at version
 * `if_version`.  On KB_ECONFLICT, *conflict (optional) holds the fields (revision.h bits)
 * that changed since that version.
 * Revisions: a patch is an autosave unless it carries "explicit_save": true (any other
 * non-boolean value is KB_EINVAL, field "explicit_save"; the key is never article data).
 * An autosave that keeps the status updates the user's open revision — the article's newest,
 * made by an autosave of the same user at most KB_AUTOSAVE_WINDOW seconds ago, counted
 * from that revision's first save — instead of adding one.  Explicit saves and status
 * changes always add a revision, and it is closed: the next autosave starts a new one. */
KB_MUST_CHECK int kb_newsroom_update(struct kb_store *s, const struct kb_actor *who, int64_t id,
                                     const void *patch, int64_t if_version, int64_t now,
                                     unsigned *conflict, struct kb_diag *d);

/* Move to the trash / back (KB_ECONFLICT when already there / not there). */
KB_MUST_CHECK int kb_newsroom_trash(struct kb_store *s, const struct kb_actor *who, int64_t id,
                                    int64_t now, struct kb_diag *d);
KB_MUST_CHECK int kb_newsroom_untrash(struct kb_store *s, const struct kb_actor *who, int64_t id,
                                      int64_t now, struct kb_diag *d);

/* Bring back the content of revision `number` (status and publication time stay as they
 * are), as a new save with its own revision. */
KB_MUST_CHECK int kb_newsroom_revision_restore(struct kb_store *s, const struct kb_actor *who,
                                               int64_t id, int64_t number, int64_t now,
                                               struct kb_diag *d);

/* Publish every scheduled article whose time has come (each its own transaction, with a
 * revision by the system).  *count (optional): how many. */
KB_MUST_CHECK int kb_newsroom_publish_due(struct kb_store *s, int64_t now, size_t *count,
                                          struct kb_diag *d);

/* May authors publish on this site (the setting)? */
bool kb_newsroom_authors_publish(struct kb_store *s);

/* The workflow actor for `who` on an article whose author is author_id. */
void kb_newsroom_wf_actor(struct kb_store *s, const struct kb_actor *who, int64_t author_id,
                          struct kb_wf_actor *out);

/* ---- users (the admins' page; who may call these is the caller's check) ---- */

/* Add a user: the name (kb_user_name_check) and password (kb_password_check) are checked,
 * the password hashed with Argon2id.  Sets *id.  KB_EINVAL (field "name" or "password"),
 * KB_EEXISTS (field "name") when the name is taken. */
KB_MUST_CHECK int kb_newsroom_user_add(struct kb_store *s, const char *name, enum kb_role role,
                                       const char *password, int64_t now, int64_t *id,
                                       struct kb_diag *d);

/* What an update of a user changes; a `set_` flag false leaves its field alone. */
struct kb_user_change {
    bool set_role, set_disabled;
    enum kb_role role;
    bool disabled;        /* disabling ends the user's sessions */
    const char *password; /* NULL: unchanged; else checked and hashed */
};

/* Change user `id`, all or nothing.  KB_ENOTFOUND; KB_EINVAL (field "password");
 * KB_ECONFLICT (field "role" or "disabled") when it would leave the site without an
 * enabled admin. */
KB_MUST_CHECK int kb_newsroom_user_update(struct kb_store *s, int64_t id,
                                          const struct kb_user_change *c, struct kb_diag *d);

/* ---- signing in ---- */

enum kb_login_result { KB_LOGIN_OK, KB_LOGIN_BAD, KB_LOGIN_LIMITED };

/* Check a name and password from `address`.  OK fills `user` (and rehashes the password
 * when its parameters are old); BAD records a failure for the account and the address;
 * LIMITED (nothing checked) sets *retry_after in seconds.  Fails only when the store does. */
KB_MUST_CHECK int kb_newsroom_login(struct kb_store *s, const char *name, const char *password,
                                    const char *address, int64_t now, enum kb_login_result *result,
                                    struct kb_user *user, int64_t *retry_after, struct kb_diag *d);

/* Start a session for user_id: writes the secret for the cookie into `secret` and fills
 * `out` (csrf, times). */
KB_MUST_CHECK int kb_newsroom_session_start(struct kb_store *s, int64_t user_id,
                                            const char *user_agent, const char *address,
                                            int64_t now, char secret[KB_SECRET_LEN],
                                            struct kb_session *out, struct kb_diag *d);
/* The live session of a cookie secret and its user (KB_ENOTFOUND otherwise). */
KB_MUST_CHECK int kb_newsroom_session_check(struct kb_store *s, const char *secret, int64_t now,
                                            struct kb_session *out, struct kb_user *user,
                                            struct kb_diag *d);
/* End the session of a cookie secret (no error when there is none). */
KB_MUST_CHECK int kb_newsroom_session_end(struct kb_store *s, const char *secret,
                                          struct kb_diag *d);
/* The user and role of a Bearer token (KB_ENOTFOUND otherwise). */
KB_MUST_CHECK int kb_newsroom_token_check(struct kb_store *s, const char *token, int64_t now,
                                          struct kb_user *user, enum kb_role *role,
                                          struct kb_diag *d);

#endif
