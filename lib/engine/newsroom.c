/*
 * newsroom.c — the newsroom's use-cases (newsroom.h): saves with sanitizing, workflow
 * checks, versions and revisions; the scheduler's step; sign-in with rate limits; sessions
 * and tokens.
 *
 * Invariants: every article write here is one transaction holding the article, its author
 * and its revision; body_html never reaches the store without kb_html_sanitize; every
 * status change is decided by workflow.c's table; a password is checked only when neither
 * the account nor the address is over its failed-login limit.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "khabar/newsroom.h"
#include "khabar/related.h"
#include "khabar/revision.h"
#include "khabar/sanitize.h"
#include "khabar/text.h"
#include "khabar/workflow.h"

/* ---- settings, actors ----------------------------------------------------------------- */

static bool setting_on(struct kb_store *s, const char *key)
{
    char *v = NULL;
    if (kb_store_setting_get(s, key, &v, NULL) != 0)
        return false;
    bool on = v && strcmp(v, "1") == 0;
    free(v);
    return on;
}

bool kb_newsroom_authors_publish(struct kb_store *s)
{
    return setting_on(s, KB_SETTING_AUTHORS_PUBLISH);
}

void kb_newsroom_wf_actor(struct kb_store *s, const struct kb_actor *who, int64_t author_id,
                          struct kb_wf_actor *out)
{
    out->role = who->role;
    out->own = who->user_id != 0 && who->user_id == author_id;
    out->authors_publish = who->role == KB_ROLE_AUTHOR && kb_newsroom_authors_publish(s);
}

/* The newsroom's offset now (site.timezone, default Asia/Riyadh), for new publish times. */
static int site_offset(struct kb_store *s, int64_t now)
{
    char *tz = NULL;
    int off = 0;
    if (kb_store_setting_get(s, "site.timezone", &tz, NULL) != 0)
        tz = NULL;
    if (kb_tz_offset(tz && *tz ? tz : "Asia/Riyadh", now, &off) != 0)
        off = 0;
    free(tz);
    return off;
}

/* ---- saving ------------------------------------------------------------------------------ */

/* Sanitize the body, settle the publication time, validate. */
static int prepare(struct kb_store *s, struct kb_article *a, int64_t now, struct kb_diag *d)
{
    if (a->body_html) {
        struct kb_buf b;
        kb_buf_init(&b, KB_MAX_BODY + 1);
        int rc = kb_html_sanitize(a->body_html, strlen(a->body_html), &b, d);
        if (rc) {
            kb_buf_release(&b);
            return rc;
        }
        kb_set_str(&a->body_html, kb_buf_cstr(&b));
        kb_buf_release(&b);
    }
    if (a->status == KB_STATUS_PUBLISHED && a->published == 0) {
        a->published = now;
        a->published_offset = site_offset(s, now);
    }
    if (a->status == KB_STATUS_SCHEDULED && a->published <= now)
        return kb_diag_set(d, KB_EINVAL, "published",
                           "a scheduled article needs a publication time in the future");
    return kb_article_validate(a, d);
}

static char *article_json(const struct kb_article *a)
{
    struct kb_buf b;
    kb_buf_init(&b, (size_t)8 << 20);
    struct kb_json j;
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_article_to_json(a, &j);
    return kb_buf_detach(&b, NULL);
}

/* After a committed change of article `id`: its related list, its neighbours' and its
 * duplicate marks (related.h).  A failure leaves them stale, which the next refresh
 * (`khabar reindex`, an import) repairs; the saved article is never at risk. */
static void related_after(struct kb_store *s, int64_t id)
{
    struct kb_diag rd = {0};
    if (kb_engine_related_update(s, id, &rd) != 0) {
        /* stale until the next refresh */
    }
}

/* Write `a` (id 0: new, authored by who) and its revision in one transaction.  With
 * `coalesce` (an autosave that keeps the status) the revision may be the user's open one,
 * updated (kb_store_revision_autosave); otherwise it is a new, closed one. */
static int save(struct kb_store *s, const struct kb_actor *who, struct kb_article *a,
                const struct kb_article *old, bool coalesce, int64_t now, struct kb_diag *d)
{
    int rc = kb_store_begin(s, d);
    if (rc)
        return rc;
    bool fresh = a->id == 0;
    rc = kb_store_article_put(s, a, d);
    if (!rc && fresh && who->user_id)
        rc = kb_store_article_set_author(s, a->id, who->user_id, d);
    struct kb_article_meta m;
    if (!rc)
        rc = kb_store_article_meta(s, a->id, &m, d);
    if (!rc) {
        unsigned changed = old ? kb_article_diff_fields(old, a) : (1u << KB_FIELD_COUNT) - 1;
        char *json = article_json(a);
        bool merged;
        rc = coalesce ? kb_store_revision_autosave(s, a->id, m.version, who->user_id, now, changed,
                                                   json ? json : "{}", KB_AUTOSAVE_WINDOW, NULL,
                                                   &merged, d)
                      : kb_store_revision_add(s, a->id, m.version, who->user_id, now, changed,
                                              json ? json : "{}", NULL, d);
        free(json);
    }
    if (!rc)
        rc = kb_store_commit(s, d);
    if (rc)
        kb_store_rollback(s);
    else
        related_after(s, a->id);
    return rc;
}

int kb_newsroom_create(struct kb_store *s, const struct kb_actor *who, const void *json,
                       int64_t now, int64_t *id, struct kb_diag *d)
{
    struct kb_article a;
    kb_article_init(&a);
    int rc = kb_article_from_json(json, &a, d);
    if (rc)
        return rc;
    a.id = 0;
    kb_set_str(&a.external_id, NULL);
    struct kb_wf_actor wa;
    kb_newsroom_wf_actor(s, who, who->user_id, &wa);
    if (!kb_workflow_can_create(&wa, a.status))
        rc = kb_diag_set(d, KB_EPERM, "status", "a %s may not create a %s article",
                         kb_role_name(who->role), kb_status_name(a.status));
    if (!rc)
        rc = prepare(s, &a, now, d);
    if (!rc)
        rc = save(s, who, &a, NULL, false, now, d);
    if (!rc)
        *id = a.id;
    kb_article_release(&a);
    return rc;
}

int kb_newsroom_get(struct kb_store *s, const struct kb_actor *who, int64_t id, bool trashed,
                    struct kb_article *out, struct kb_article_meta *meta, struct kb_diag *d)
{
    struct kb_article_meta m;
    int rc = kb_store_article_meta(s, id, &m, d);
    if (rc)
        return rc;
    if ((m.deleted_at != 0) != trashed)
        return kb_diag_set(d, KB_ENOTFOUND, "id", trashed ? "not in the trash" : "in the trash");
    struct kb_article a;
    kb_article_init(&a);
    if ((rc = kb_store_article_get(s, id, &a, d)))
        return rc;
    struct kb_wf_actor wa;
    kb_newsroom_wf_actor(s, who, m.author_id, &wa);
    if (!kb_workflow_can_view(&wa, a.status)) {
        kb_article_release(&a);
        return kb_diag_set(d, KB_ENOTFOUND, "id", "no article %lld", (long long)id);
    }
    kb_article_release(out);
    *out = a;
    if (meta)
        *meta = m;
    return 0;
}

/* The fields that changed since version `v` of article `cur`; `patch_keys` when that
 * version has no revision (imported articles): the patched fields that differ. */
static unsigned changed_since(struct kb_store *s, const struct kb_article *cur, int64_t v,
                              const struct kb_article *patched)
{
    struct kb_revision r = {0};
    unsigned m = 0;
    if (kb_store_revision_get(s, cur->id, 0, v, &r, NULL) == 0) {
        json_t *o = json_loads(r.json, 0, NULL);
        struct kb_article then;
        kb_article_init(&then);
        if (o && kb_article_from_json(o, &then, NULL) == 0)
            m = kb_article_diff_fields(&then, cur);
        json_decref(o);
        kb_article_release(&then);
        kb_revision_release(&r);
        return m;
    }
    return kb_article_diff_fields(cur, patched);
}

/* `cur` with the patch's top-level keys replacing its own, as an article in `out`. */
static int merge(const struct kb_article *cur, const json_t *patch, struct kb_article *out,
                 struct kb_diag *d)
{
    if (!json_is_object(patch))
        return kb_diag_set(d, KB_EINVAL, "", "the body must be a JSON object");
    char *js = article_json(cur);
    json_t *o = js ? json_loads(js, 0, NULL) : NULL;
    free(js);
    if (!o)
        return kb_diag_set(d, KB_EINTERNAL, "", "the article could not be read back");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)patch, k, v)
    {
        if (strcmp(k, "id") != 0 && strcmp(k, "version") != 0 && strcmp(k, "explicit_save") != 0)
            json_object_set(o, k, v);
    }
    int rc = kb_article_from_json(o, out, d);
    json_decref(o);
    if (!rc) {
        out->id = cur->id;
        kb_set_str(&out->external_id, cur->external_id);
    }
    return rc;
}

/* Check the workflow for old → new as `who` on an article by author_id. */
static int check_change(struct kb_store *s, const struct kb_actor *who, int64_t author_id,
                        const struct kb_article *old, const struct kb_article *new_,
                        struct kb_diag *d)
{
    struct kb_wf_actor wa;
    kb_newsroom_wf_actor(s, who, author_id, &wa);
    if (!kb_workflow_can_view(&wa, old->status))
        return kb_diag_set(d, KB_ENOTFOUND, "id", "no article %lld", (long long)old->id);
    if (!kb_workflow_can_edit(&wa, old->status) &&
        (kb_article_diff_fields(old, new_) & ~(unsigned)KB_FIELD_STATUS))
        return kb_diag_set(d, KB_EPERM, "", "a %s may not edit this %s article",
                           kb_role_name(who->role), kb_status_name(old->status));
    if (old->status != new_->status && !kb_workflow_allowed(&wa, old->status, new_->status))
        return kb_diag_set(d, KB_EPERM, "status", "a %s may not move this article from %s to %s",
                           kb_role_name(who->role), kb_status_name(old->status),
                           kb_status_name(new_->status));
    return 0;
}

int kb_newsroom_update(struct kb_store *s, const struct kb_actor *who, int64_t id,
                       const void *patch, int64_t if_version, int64_t now, unsigned *conflict,
                       struct kb_diag *d)
{
    struct kb_article cur, next;
    struct kb_article_meta m;
    kb_article_init(&cur);
    kb_article_init(&next);
    int rc = kb_newsroom_get(s, who, id, false, &cur, &m, d);
    const json_t *pj = patch;
    const json_t *ex = json_is_object(pj) ? json_object_get(pj, "explicit_save") : NULL;
    if (!rc && ex && !json_is_boolean(ex))
        rc = kb_diag_set(d, KB_EINVAL, "explicit_save", "must be true or false");
    if (!rc)
        rc = merge(&cur, patch, &next, d);
    if (!rc && if_version != m.version) {
        if (conflict)
            *conflict = changed_since(s, &cur, if_version, &next);
        rc = kb_diag_set(d, KB_ECONFLICT, "version",
                         "the article changed since version %lld (now %lld)", (long long)if_version,
                         (long long)m.version);
    }
    if (!rc)
        rc = check_change(s, who, m.author_id, &cur, &next, d);
    if (!rc)
        rc = prepare(s, &next, now, d);
    if (!rc) /* an autosave keeping the status may join the user's open revision */
        rc = save(s, who, &next, &cur, !json_is_true(ex) && next.status == cur.status, now, d);
    kb_article_release(&cur);
    kb_article_release(&next);
    return rc;
}

static int trash_op(struct kb_store *s, const struct kb_actor *who, int64_t id, int64_t now,
                    bool to_trash, struct kb_diag *d)
{
    struct kb_article a;
    struct kb_article_meta m;
    kb_article_init(&a);
    int rc = kb_newsroom_get(s, who, id, !to_trash, &a, &m, d);
    if (!rc) {
        struct kb_wf_actor wa;
        kb_newsroom_wf_actor(s, who, m.author_id, &wa);
        if (!kb_workflow_can_trash(&wa, a.status))
            rc = kb_diag_set(d, KB_EPERM, "", "a %s may not %s this article",
                             kb_role_name(who->role), to_trash ? "delete" : "restore");
    }
    if (!rc)
        rc = to_trash ? kb_store_article_trash(s, id, now, d) : kb_store_article_untrash(s, id, d);
    if (!rc)
        related_after(s, id);
    kb_article_release(&a);
    return rc;
}

int kb_newsroom_trash(struct kb_store *s, const struct kb_actor *who, int64_t id, int64_t now,
                      struct kb_diag *d)
{
    return trash_op(s, who, id, now, true, d);
}

int kb_newsroom_untrash(struct kb_store *s, const struct kb_actor *who, int64_t id, int64_t now,
                        struct kb_diag *d)
{
    return trash_op(s, who, id, now, false, d);
}

int kb_newsroom_revision_restore(struct kb_store *s, const struct kb_actor *who, int64_t id,
                                 int64_t number, int64_t now, struct kb_diag *d)
{
    struct kb_article cur, next;
    struct kb_article_meta m;
    struct kb_revision r = {0};
    kb_article_init(&cur);
    kb_article_init(&next);
    int rc = kb_newsroom_get(s, who, id, false, &cur, &m, d);
    if (!rc)
        rc = kb_store_revision_get(s, id, number, 0, &r, d);
    if (!rc) {
        json_t *o = json_loads(r.json, 0, NULL);
        rc = o ? kb_article_from_json(o, &next, d)
               : kb_diag_set(d, KB_EINTERNAL, "revision", "revision %lld is not JSON",
                             (long long)number);
        json_decref(o);
    }
    if (!rc) {
        next.id = id;
        next.status = cur.status;
        next.published = cur.published;
        next.published_offset = cur.published_offset;
        kb_set_str(&next.external_id, cur.external_id);
        rc = check_change(s, who, m.author_id, &cur, &next, d);
    }
    if (!rc)
        rc = prepare(s, &next, now, d);
    if (!rc)
        rc = save(s, who, &next, &cur, false, now, d);
    kb_revision_release(&r);
    kb_article_release(&cur);
    kb_article_release(&next);
    return rc;
}

int kb_newsroom_publish_due(struct kb_store *s, int64_t now, size_t *count, struct kb_diag *d)
{
    int64_t *ids = NULL;
    size_t n = 0, done = 0;
    int rc = kb_store_schedule_due(s, now, &ids, &n, d);
    for (size_t i = 0; !rc && i < n; i++) {
        struct kb_article a, old;
        kb_article_init(&a);
        kb_article_init(&old);
        rc = kb_store_article_get(s, ids[i], &a, d);
        if (!rc && a.status == KB_STATUS_SCHEDULED) {
            rc = kb_store_article_get(s, ids[i], &old, d);
            a.status = KB_STATUS_PUBLISHED;
            struct kb_actor sys = {0, KB_ROLE_ADMIN};
            if (!rc)
                rc = save(s, &sys, &a, &old, false, now, d);
            if (!rc)
                done++;
        }
        kb_article_release(&a);
        kb_article_release(&old);
    }
    free(ids);
    if (count)
        *count = done;
    return rc;
}

/* ---- users ----------------------------------------------------------------------------------- */

int kb_newsroom_user_add(struct kb_store *s, const char *name, enum kb_role role,
                         const char *password, int64_t now, int64_t *id, struct kb_diag *d)
{
    int rc = kb_user_name_check(name, d);
    if (!rc)
        rc = kb_password_check(password, d);
    if (rc)
        return rc;
    char hash[KB_PWHASH_LEN];
    if ((rc = kb_password_hash(password, KB_PW_INTERACTIVE, hash, d)))
        return rc;
    return kb_store_user_add(s, name, role, hash, now, id, d);
}

/* Enabled admins left, in the open transaction. */
static int admins_left(struct kb_store *s, size_t *n, struct kb_diag *d)
{
    struct kb_user *v;
    size_t k;
    int rc = kb_store_user_list(s, &v, &k, d);
    if (rc)
        return rc;
    size_t c = 0;
    for (size_t i = 0; i < k; i++)
        c += v[i].role == KB_ROLE_ADMIN && !v[i].disabled;
    kb_users_free(v, k);
    *n = c;
    return 0;
}

int kb_newsroom_user_update(struct kb_store *s, int64_t id, const struct kb_user_change *c,
                            struct kb_diag *d)
{
    char hash[KB_PWHASH_LEN];
    int rc = 0;
    /* Argon2 before the write lock: it takes a while and needs no database. */
    if (c->password && ((rc = kb_password_check(c->password, d)) ||
                        (rc = kb_password_hash(c->password, KB_PW_INTERACTIVE, hash, d))))
        return rc;
    if ((rc = kb_store_begin(s, d)))
        return rc;
    struct kb_user u = {0};
    rc = kb_store_user_get(s, NULL, id, &u, d);
    bool was_admin = !rc && u.role == KB_ROLE_ADMIN && !u.disabled;
    kb_user_release(&u);
    if (!rc && c->set_role)
        rc = kb_store_user_set_role(s, id, c->role, d);
    if (!rc && c->set_disabled)
        rc = kb_store_user_set_disabled(s, id, c->disabled, d);
    if (!rc && c->password)
        rc = kb_store_user_set_password(s, id, hash, d);
    size_t left = 1;
    if (!rc && was_admin && (rc = admins_left(s, &left, d)) == 0 && left == 0)
        rc = kb_diag_set(d, KB_ECONFLICT, c->set_disabled && c->disabled ? "disabled" : "role",
                         "the site would be left without an enabled admin");
    if (!rc)
        rc = kb_store_commit(s, d);
    if (rc)
        kb_store_rollback(s);
    memset(hash, 0, sizeof(hash));
    return rc;
}

/* ---- signing in ---------------------------------------------------------------------------- */

static void key_of(char *out, size_t cap, const char *kind, const char *v)
{
    snprintf(out, cap, "%s:%s", kind, v ? v : "");
}

/* Over the limit? *retry: seconds until the oldest failure leaves the window. */
static int limited(struct kb_store *s, const char *key, int max, int64_t now, bool *over,
                   int64_t *retry, struct kb_diag *d)
{
    int count = 0;
    int64_t oldest = 0;
    int rc = kb_store_login_failures(s, key, now - KB_LOGIN_WINDOW, &count, &oldest, d);
    if (rc)
        return rc;
    *over = count >= max;
    if (*over) {
        int64_t r = oldest + KB_LOGIN_WINDOW - now;
        if (r > *retry)
            *retry = r < 1 ? 1 : r;
    }
    return 0;
}

int kb_newsroom_login(struct kb_store *s, const char *name, const char *password,
                      const char *address, int64_t now, enum kb_login_result *result,
                      struct kb_user *user, int64_t *retry_after, struct kb_diag *d)
{
    char ukey[KB_USER_NAME_MAX + 16], akey[128];
    key_of(ukey, sizeof(ukey), "user", name);
    key_of(akey, sizeof(akey), "addr", address);
    bool over_u = false, over_a = false;
    int64_t retry = 0;
    int rc = limited(s, ukey, KB_LOGIN_MAX_ACCOUNT, now, &over_u, &retry, d);
    if (!rc)
        rc = limited(s, akey, KB_LOGIN_MAX_ADDRESS, now, &over_a, &retry, d);
    if (rc)
        return rc;
    if (over_u || over_a) {
        *result = KB_LOGIN_LIMITED;
        *retry_after = retry;
        return 0;
    }
    struct kb_user u = {0};
    bool ok = false;
    if (name && password && kb_store_user_get(s, name, 0, &u, NULL) == 0 && !u.disabled)
        ok = kb_password_verify(u.pwhash, password);
    else
        kb_password_burn(password);
    if (!ok) {
        kb_user_release(&u);
        rc = kb_store_begin(s, d);
        if (!rc)
            rc = kb_store_login_failure_add(s, ukey, now, now - KB_LOGIN_WINDOW, d);
        if (!rc)
            rc = kb_store_login_failure_add(s, akey, now, now - KB_LOGIN_WINDOW, d);
        if (!rc)
            rc = kb_store_commit(s, d);
        if (rc) {
            kb_store_rollback(s);
            return rc;
        }
        *result = KB_LOGIN_BAD;
        return 0;
    }
    if ((rc = kb_store_login_failures_clear(s, ukey, d))) {
        kb_user_release(&u);
        return rc;
    }
    if (kb_password_needs_rehash(u.pwhash)) {
        char h[KB_PWHASH_LEN];
        if (kb_password_hash(password, KB_PW_INTERACTIVE, h, NULL) == 0)
            (void)!kb_store_user_set_password(s, u.id, h, NULL); /* next time, then */
    }
    free(u.pwhash);
    u.pwhash = NULL;
    kb_user_release(user);
    *user = u;
    *result = KB_LOGIN_OK;
    return 0;
}

int kb_newsroom_session_start(struct kb_store *s, int64_t user_id, const char *user_agent,
                              const char *address, int64_t now, char secret[KB_SECRET_LEN],
                              struct kb_session *out, struct kb_diag *d)
{
    struct kb_session x = {0};
    char sec[KB_SECRET_LEN], hash[KB_SHA256_HEX];
    kb_secret_new("", sec);
    kb_secret_new("", x.csrf);
    kb_secret_hash(sec, strlen(sec), hash);
    x.user_id = user_id;
    x.created = x.last_seen = now;
    x.expires = now + KB_SESSION_TTL;
    if (user_agent)
        x.user_agent = kb_strndup(user_agent, strnlen(user_agent, 300));
    x.address = kb_strdup(address);
    int rc = kb_store_session_add(s, hash, &x, d);
    if (rc) {
        kb_session_release(&x);
        return rc;
    }
    memcpy(secret, sec, KB_SECRET_LEN);
    kb_session_release(out);
    *out = x;
    return 0;
}

int kb_newsroom_session_check(struct kb_store *s, const char *secret, int64_t now,
                              struct kb_session *out, struct kb_user *user, struct kb_diag *d)
{
    char hash[KB_SHA256_HEX];
    if (!secret || !*secret || strlen(secret) >= KB_SECRET_LEN)
        return kb_diag_set(d, KB_ENOTFOUND, "session", "no such session");
    kb_secret_hash(secret, strlen(secret), hash);
    int rc = kb_store_session_find(s, hash, now, out, user, d);
    if (!rc && now - out->last_seen >= 60) {
        (void)!kb_store_session_touch(s, out->id, now, NULL); /* bookkeeping only */
        out->last_seen = now;
    }
    return rc;
}

int kb_newsroom_session_end(struct kb_store *s, const char *secret, struct kb_diag *d)
{
    struct kb_session x = {0};
    struct kb_user u = {0};
    int rc = kb_newsroom_session_check(s, secret, 0, &x, &u, NULL);
    if (rc == 0)
        rc = kb_store_session_delete(s, x.id, x.user_id, d);
    else
        rc = 0;
    kb_session_release(&x);
    kb_user_release(&u);
    return rc;
}

int kb_newsroom_token_check(struct kb_store *s, const char *token, int64_t now,
                            struct kb_user *user, enum kb_role *role, struct kb_diag *d)
{
    char hash[KB_SHA256_HEX];
    if (!token || !*token || strlen(token) >= KB_SECRET_LEN)
        return kb_diag_set(d, KB_ENOTFOUND, "token", "no such token");
    kb_secret_hash(token, strlen(token), hash);
    return kb_store_token_find(s, hash, now, user, role, d);
}
