/*
 * admin_users.c — /api/v1/users: the admins' users page over HTTP (docs/admin-ui.md).
 *
 *   GET   /api/v1/users          {users: [{id, name, role, disabled, created}]} by name
 *   GET   /api/v1/users/{id}     one user
 *   POST  /api/v1/users          {name, role, password} → 201 the user, Location
 *   PATCH /api/v1/users/{id}     any of {role, disabled, password} → 200 the user
 *
 * Admins only: everyone else gets 403 (after admin.c's 401 and CSRF checks).  Passwords are
 * checked and hashed with Argon2id by the engine (kb_newsroom_user_add/_update) and never
 * appear in an answer.  The last enabled admin cannot be demoted or disabled (409), so a
 * site can never lock itself out of its users page.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "admin_int.h"

static void write_user(struct kb_json *j, const struct kb_user *u)
{
    kb_json_obj(j);
    kb_json_key(j, "id");
    kb_json_int(j, u->id);
    kb_json_key(j, "name");
    kb_json_strc(j, u->name);
    kb_json_key(j, "role");
    kb_json_strc(j, kb_role_name(u->role));
    kb_json_key(j, "disabled");
    kb_json_bool(j, u->disabled);
    kb_json_key(j, "created");
    adm_iso(j, u->created);
    kb_json_end(j);
}

static enum MHD_Result send_user(struct answer *a, int status, int64_t id)
{
    struct kb_user u = {0};
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_store_user_get(a->s, NULL, id, &u, &d);
    if (rc)
        return rc == KB_ENOTFOUND
                   ? adm_send_error(a, 404, "not_found", NULL, "لا يوجد مستخدم بهذا الرقم")
                   : adm_send_diag(a, rc, &d);
    struct kb_buf b;
    struct kb_json j;
    adm_start_json(&b, &j);
    write_user(&j, &u);
    kb_user_release(&u);
    return adm_send_json(a, status, &b);
}

static enum MHD_Result list_users(struct answer *a)
{
    struct kb_user *v;
    size_t k;
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_store_user_list(a->s, &v, &k, &d);
    if (rc)
        return adm_send_diag(a, rc, &d);
    struct kb_buf b;
    struct kb_json j;
    adm_start_json(&b, &j);
    kb_json_obj(&j);
    kb_json_key(&j, "users");
    kb_json_arr(&j);
    for (size_t i = 0; i < k; i++)
        write_user(&j, &v[i]);
    kb_json_end(&j);
    kb_json_end(&j);
    kb_users_free(v, k);
    return adm_send_json(a, 200, &b);
}

/* The user fields in Arabic: each failure names the field and says what is wrong. */
static enum MHD_Result user_error(struct answer *a, int rc, const struct kb_diag *d)
{
    const char *f = d->field;
    if (rc == KB_EINVAL || rc == KB_ETOOBIG) {
        if (!strcmp(f, "password"))
            return adm_send_error(a, 422, "invalid", "password",
                                  "كلمة المرور يجب أن تكون 10 أحرف على الأقل");
        if (!strcmp(f, "role"))
            return adm_send_error(a, 422, "invalid", "role",
                                  "الدور غير معروف: admin أو editor أو author أو contributor");
        if (!strcmp(f, "disabled"))
            return adm_send_error(a, 422, "invalid", "disabled",
                                  "قيمة التعطيل يجب أن تكون true أو false");
        return adm_send_error(a, 422, "invalid", "name",
                              "اسم المستخدم غير صالح: حتى 64 بايت بلا مسافات ولا / ولا :");
    }
    if (rc == KB_EEXISTS)
        return adm_send_error(a, 409, "exists", "name", "اسم المستخدم مستخدم من قبل");
    if (rc == KB_ECONFLICT)
        return adm_send_error(a, 409, "last_admin", f,
                              "لا يمكن إزالة آخر مدير مفعّل؛ أضف مديراً آخر أولاً");
    if (rc == KB_ENOTFOUND)
        return adm_send_error(a, 404, "not_found", NULL, "لا يوجد مستخدم بهذا الرقم");
    return adm_send_diag(a, rc, d);
}

/* A role member of the body: absent (false, nothing set), or valid (true, *out set). */
static int body_role(json_t *o, bool *given, enum kb_role *out, struct kb_diag *d)
{
    json_t *r = json_object_get(o, "role");
    *given = r != NULL;
    if (!r)
        return 0;
    if (!json_is_string(r))
        return kb_diag_set(d, KB_EINVAL, "role", "not a string");
    return kb_role_parse(json_string_value(r), out, NULL) == 0
               ? 0
               : kb_diag_set(d, KB_EINVAL, "role", "unknown role");
}

/* Overwrite the password in the parsed body and in the raw request once it is used, so
 * the freed memory does not keep it. */
static void wipe(struct answer *a, json_t *o)
{
    json_t *p = json_object_get(o, "password");
    if (json_is_string(p)) /* jansson's own buffer, writable behind the const */
        memset((char *)(uintptr_t)json_string_value(p), 0, json_string_length(p));
    if (a->rq->body.n)
        memset(a->rq->body.p, 0, a->rq->body.n);
}

static enum MHD_Result create_user(struct answer *a)
{
    enum MHD_Result ret;
    json_t *o = adm_body_json(a, &ret);
    if (!o)
        return ret;
    struct kb_diag d;
    kb_diag_clear(&d);
    json_t *name = json_object_get(o, "name"), *pw = json_object_get(o, "password");
    bool has_role;
    enum kb_role role = KB_ROLE_CONTRIBUTOR;
    int64_t id = 0;
    int rc = 0;
    if (!json_is_string(name))
        rc = kb_diag_set(&d, KB_EINVAL, "name", "required");
    else if (!json_is_string(pw))
        rc = kb_diag_set(&d, KB_EINVAL, "password", "required");
    else if ((rc = body_role(o, &has_role, &role, &d)) == 0 && !has_role)
        rc = kb_diag_set(&d, KB_EINVAL, "role", "required");
    if (!rc)
        rc = kb_newsroom_user_add(a->s, json_string_value(name), role, json_string_value(pw),
                                  a->now, &id, &d);
    wipe(a, o);
    json_decref(o);
    if (rc)
        return user_error(a, rc, &d);
    snprintf(a->location, sizeof(a->location), "/api/v1/users/%lld", (long long)id);
    return send_user(a, 201, id);
}

static enum MHD_Result patch_user(struct answer *a, int64_t id)
{
    enum MHD_Result ret;
    json_t *o = adm_body_json(a, &ret);
    if (!o)
        return ret;
    struct kb_diag d;
    kb_diag_clear(&d);
    struct kb_user_change c = {0};
    json_t *dis = json_object_get(o, "disabled"), *pw = json_object_get(o, "password");
    int rc = body_role(o, &c.set_role, &c.role, &d);
    if (!rc && dis && !json_is_boolean(dis))
        rc = kb_diag_set(&d, KB_EINVAL, "disabled", "not a boolean");
    if (!rc && pw && !json_is_string(pw))
        rc = kb_diag_set(&d, KB_EINVAL, "password", "not a string");
    /* Unknown members are refused rather than ignored: a typo must not look like a save. */
    const char *key, *unknown = NULL;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (!unknown && strcmp(key, "role") && strcmp(key, "disabled") && strcmp(key, "password"))
            unknown = key;
    }
    if (!rc && unknown) {
        ret = adm_send_error(a, 422, "invalid", unknown, "حقل غير معروف في بيانات المستخدم");
        wipe(a, o);
        json_decref(o);
        return ret;
    }
    if (!rc) {
        c.set_disabled = dis != NULL;
        c.disabled = json_is_true(dis);
        c.password = pw ? json_string_value(pw) : NULL;
        rc = kb_newsroom_user_update(a->s, id, &c, &d);
    }
    wipe(a, o);
    json_decref(o);
    if (rc)
        return user_error(a, rc, &d);
    return send_user(a, 200, id);
}

enum MHD_Result adm_users(struct answer *a, char **seg, size_t n)
{
    if (a->role != KB_ROLE_ADMIN)
        return adm_send_error(a, 403, "forbidden", NULL, "إدارة المستخدمين للمديرين فقط");
    const char *m = a->rq->method;
    bool get = !strcmp(m, "GET") || !strcmp(m, "HEAD");
    if (n == 3) {
        if (get)
            return list_users(a);
        if (!strcmp(m, "POST"))
            return create_user(a);
    } else if (n == 4) {
        int64_t id = adm_parse_id(seg[3]);
        if (!id)
            return adm_send_error(a, 404, "not_found", NULL, "لا يوجد مستخدم بهذا الرقم");
        if (get)
            return send_user(a, 200, id);
        if (!strcmp(m, "PATCH"))
            return patch_user(a, id);
    } else {
        return adm_send_error(a, 404, "not_found", NULL, "غير موجود");
    }
    return adm_send_error(a, 405, "method_not_allowed", NULL, "هذه الطريقة غير مسموح بها هنا");
}
