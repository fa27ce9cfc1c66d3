/*
 * newsroom_store.h — what the newsroom keeps beside the articles: users, sessions, API
 * tokens, failed logins, revisions, and per-article metadata (author, version, trash).
 * Implemented for SQLite in lib/store/newsroom_sqlite.c (migration 3); on another backend
 * every call is KB_EINTERNAL "not supported" until that backend grows it.
 *
 * Conventions as store.h: 0 or a negative enum kb_err, detail in `d`; out-parameters written
 * only on success; single calls are atomic; callers that write several things wrap them in
 * kb_store_begin/commit.  Secrets are never stored: sessions and tokens are looked up by the
 * SHA-256 hex of the secret (user.h's kb_secret_hash).
 *
 * Article versions: every write to an article's content, status, publication time or trash
 * state adds 1 to its `version` (a trigger, so imports and the scheduler count too).
 * Trash: a trashed article keeps its row; its status becomes unpublished (so no public page
 * shows it) and the status it had is remembered for restoring.
 */
#ifndef KHABAR_NEWSROOM_STORE_H
#define KHABAR_NEWSROOM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/article.h"
#include "khabar/store.h"
#include "khabar/user.h"

/* ---- users ---- */

struct kb_user {
    int64_t id;
    char *name;
    enum kb_role role;
    bool disabled;
    int64_t created;
    char *pwhash; /* filled by kb_store_user_get only */
};

void kb_user_release(struct kb_user *u); /* frees strings, zeroes */
void kb_users_free(struct kb_user *v, size_t n);

/* A new user (name checked with kb_user_name_check).  KB_EEXISTS (field "name") when taken. */
KB_MUST_CHECK int kb_store_user_add(struct kb_store *s, const char *name, enum kb_role role,
                                    const char *pwhash, int64_t now, int64_t *id,
                                    struct kb_diag *d);
/* By name (when name != NULL) or id.  KB_ENOTFOUND when missing.  `out` zeroed or released. */
KB_MUST_CHECK int kb_store_user_get(struct kb_store *s, const char *name, int64_t id,
                                    struct kb_user *out, struct kb_diag *d);
/* Every user by name (pwhash not filled). */
KB_MUST_CHECK int kb_store_user_list(struct kb_store *s, struct kb_user **out, size_t *n,
                                     struct kb_diag *d);
KB_MUST_CHECK int kb_store_user_set_password(struct kb_store *s, int64_t id, const char *pwhash,
                                             struct kb_diag *d);
/* A new role for user `id`: their sessions and tokens act with it from the next request
 * (tokens still capped by their own role).  KB_ENOTFOUND when there is no such user. */
KB_MUST_CHECK int kb_store_user_set_role(struct kb_store *s, int64_t id, enum kb_role role,
                                         struct kb_diag *d);
/* Disabling also ends the user's sessions. */
KB_MUST_CHECK int kb_store_user_set_disabled(struct kb_store *s, int64_t id, bool disabled,
                                             struct kb_diag *d);

/* ---- sessions ---- */

struct kb_session {
    int64_t id; /* public handle, for the list and for ending one */
    int64_t user_id;
    char csrf[KB_SECRET_LEN];
    int64_t created, last_seen, expires;
    char *user_agent, *address;
};

void kb_session_release(struct kb_session *x);
void kb_sessions_free(struct kb_session *v, size_t n);

/* Store a session under the hash of its secret; sets x->id. */
KB_MUST_CHECK int kb_store_session_add(struct kb_store *s, const char *secret_hash,
                                       struct kb_session *x, struct kb_diag *d);
/* The live session (expires > now) of an enabled user, with the user.  KB_ENOTFOUND
 * otherwise. */
KB_MUST_CHECK int kb_store_session_find(struct kb_store *s, const char *secret_hash, int64_t now,
                                        struct kb_session *out, struct kb_user *user,
                                        struct kb_diag *d);
KB_MUST_CHECK int kb_store_session_touch(struct kb_store *s, int64_t id, int64_t now,
                                         struct kb_diag *d);
/* End session `id` of user `user_id`; KB_ENOTFOUND when it is not theirs. */
KB_MUST_CHECK int kb_store_session_delete(struct kb_store *s, int64_t id, int64_t user_id,
                                          struct kb_diag *d);
/* The user's live sessions, newest first; expired ones are removed on the way. */
KB_MUST_CHECK int kb_store_session_list(struct kb_store *s, int64_t user_id, int64_t now,
                                        struct kb_session **out, size_t *n, struct kb_diag *d);

/* ---- API tokens ---- */

/* `role` (may be NULL) narrows the token below its user's role. */
KB_MUST_CHECK int kb_store_token_add(struct kb_store *s, int64_t user_id, const char *secret_hash,
                                     const enum kb_role *role, int64_t now, int64_t *id,
                                     struct kb_diag *d);
/* The user of a live token (not revoked, user enabled) and the role it acts with (the
 * lower of the user's and the token's).  KB_ENOTFOUND otherwise. */
KB_MUST_CHECK int kb_store_token_find(struct kb_store *s, const char *secret_hash, int64_t now,
                                      struct kb_user *user, enum kb_role *role, struct kb_diag *d);
/* KB_ENOTFOUND when no such token or already revoked. */
KB_MUST_CHECK int kb_store_token_revoke(struct kb_store *s, int64_t id, int64_t now,
                                        struct kb_diag *d);

/* One API token as its owner may see it (never the secret nor its hash). */
struct kb_token {
    int64_t id, user_id;
    bool narrowed;              /* the token carries its own role */
    enum kb_role role;          /* when narrowed */
    int64_t created, last_used; /* last_used 0: never */
};

/* The live (not revoked) tokens of user `user_id`, newest first, into a malloc'd array the
 * caller frees with free(). */
KB_MUST_CHECK int kb_store_token_list(struct kb_store *s, int64_t user_id, struct kb_token **out,
                                      size_t *n, struct kb_diag *d);

/* ---- failed logins (the rate limit's memory; survives restarts) ---- */

/* Failures recorded under `key` at or after `since`: how many and the oldest. */
KB_MUST_CHECK int kb_store_login_failures(struct kb_store *s, const char *key, int64_t since,
                                          int *count, int64_t *oldest, struct kb_diag *d);
/* Record one; failures before `forget_before` (any key) are deleted on the way. */
KB_MUST_CHECK int kb_store_login_failure_add(struct kb_store *s, const char *key, int64_t now,
                                             int64_t forget_before, struct kb_diag *d);
KB_MUST_CHECK int kb_store_login_failures_clear(struct kb_store *s, const char *key,
                                                struct kb_diag *d);

/* ---- article metadata, trash, admin lists, the schedule ---- */

struct kb_article_meta {
    int64_t author_id; /* 0: none (imported) */
    char author_name[KB_USER_NAME_MAX + 1];
    int64_t version;
    int64_t deleted_at; /* 0: not in the trash */
};

KB_MUST_CHECK int kb_store_article_meta(struct kb_store *s, int64_t id, struct kb_article_meta *out,
                                        struct kb_diag *d);
KB_MUST_CHECK int kb_store_article_set_author(struct kb_store *s, int64_t id, int64_t author_id,
                                              struct kb_diag *d);
/* KB_ENOTFOUND when missing; KB_ECONFLICT when already in (trash) / not in (untrash). */
KB_MUST_CHECK int kb_store_article_trash(struct kb_store *s, int64_t id, int64_t now,
                                         struct kb_diag *d);
KB_MUST_CHECK int kb_store_article_untrash(struct kb_store *s, int64_t id, struct kb_diag *d);

struct kb_admin_query {
    const char *status;       /* NULL: any */
    const char *section_slug; /* NULL: any */
    int64_t author_id;        /* 0: any */
    const char *q;            /* NULL: no text filter; else headline or lede contains it */
    bool trashed;             /* the trash instead of the live newsroom */
    int64_t viewer_id;        /* 0: sees everything; else own articles + published ones */
    bool duplicates;          /* only articles flagged as near-duplicates (related.h) */
    size_t offset, limit;     /* limit at most KB_STORE_MAX_LIMIT */
};

/* Ids of matching articles, most recently updated first; free(*ids). */
KB_MUST_CHECK int kb_store_article_ids(struct kb_store *s, const struct kb_admin_query *q,
                                       int64_t **ids, size_t *n, size_t *total, struct kb_diag *d);

/* The earliest moment after which the public site changes by itself: the earliest
 * publication time of a scheduled article, or of a published one still in the future
 * (> now).  KB_ENOTFOUND when there is none. */
KB_MUST_CHECK int kb_store_schedule_next(struct kb_store *s, int64_t now, int64_t *when,
                                         struct kb_diag *d);
/* Scheduled articles whose time has come (published <= now), oldest first; free(*ids). */
KB_MUST_CHECK int kb_store_schedule_due(struct kb_store *s, int64_t now, int64_t **ids, size_t *n,
                                        struct kb_diag *d);

/* Delete a section no article uses: KB_ENOTFOUND, or KB_ECONFLICT when articles use it. */
KB_MUST_CHECK int kb_store_section_delete(struct kb_store *s, const char *slug, struct kb_diag *d);

/* ---- revisions ---- */

struct kb_revision {
    int64_t article_id, number, version, user_id;
    char user_name[KB_USER_NAME_MAX + 1];
    int64_t created;
    unsigned changed; /* revision.h's field bits */
    char *json;       /* the article as product.md's JSON (NULL in lists) */
};

void kb_revision_release(struct kb_revision *r);
void kb_revisions_free(struct kb_revision *v, size_t n);

/* Add revision number max+1 of the article; sets *number. */
KB_MUST_CHECK int kb_store_revision_add(struct kb_store *s, int64_t article_id, int64_t version,
                                        int64_t user_id, int64_t now, unsigned changed,
                                        const char *json, int64_t *number, struct kb_diag *d);
/* An autosave's revision: when the article's newest revision is open (an earlier autosave
 * of the same user, now <= its open_until, migration 12), update it — version, created =
 * now, changed |= `changed`, json — and set *merged; otherwise add revision max+1, open
 * until now + `window` seconds (closed when user_id is 0 or window <= 0).  Sets *number
 * (optional) to the revision written.  Revisions added by kb_store_revision_add are closed. */
KB_MUST_CHECK int kb_store_revision_autosave(struct kb_store *s, int64_t article_id,
                                             int64_t version, int64_t user_id, int64_t now,
                                             unsigned changed, const char *json, int64_t window,
                                             int64_t *number, bool *merged, struct kb_diag *d);
/* Newest first, without json. */
KB_MUST_CHECK int kb_store_revision_list(struct kb_store *s, int64_t article_id,
                                         struct kb_revision **out, size_t *n, struct kb_diag *d);
/* By number (version 0) or by the article version it recorded (number 0). */
KB_MUST_CHECK int kb_store_revision_get(struct kb_store *s, int64_t article_id, int64_t number,
                                        int64_t version, struct kb_revision *out,
                                        struct kb_diag *d);

#endif
