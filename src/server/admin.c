/*
 * admin.c — the newsroom over HTTP (admin.h): /admin/login and /admin/logout, the session
 * cookie and CSRF token, Bearer tokens, the admin JSON API, and the scheduler thread.
 *
 * Order of checks on every admin request, so the answers are predictable: route known
 * (404/405) → authenticated (401) → CSRF for a session's state-changing request (403) →
 * role (403) → the use-case (its own 403/404/409/422).  Errors are product.md's
 * {"error":{"code","field","message"}} with Arabic messages (validation messages come from
 * one table of field names, `field_names`).
 *
 * Invariants: responses here are built per request and never enter the page cache; a
 * successful write bumps the cache generation at once and wakes the scheduler (a new
 * schedule may be due sooner); the session secret only ever travels in the HttpOnly cookie
 * and is stored hashed; the CSRF token is compared in constant time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include "../cmd.h"
#include "admin.h"
#include "admin_int.h"
#include "khabar/json.h"
#include "khabar/media_upload.h"
#include "khabar/newsroom.h"
#include "khabar/related.h"
#include "khabar/revision.h"
#include "khabar/settings.h"
#include "khabar/text.h"
#include "khabar/utf8.h"

#define COOKIE "khabar_session"
#define LOGIN_MAX_BODY ((size_t)64 << 10)
#define MAX_SEGS 8
#define CT_JSON "application/json; charset=utf-8"

/* ---- claiming ------------------------------------------------------------------------ */

/* "/api/v1/articles" or below it (the next byte ends the segment). */
static bool under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

struct srv_admin_req *srv_admin_claim(struct MHD_Connection *c, const char *method, const char *uri)
{
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    char path[512];
    if (plen >= sizeof(path))
        return NULL;
    memcpy(path, uri, plen);
    path[plen] = '\0';
    bool read = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    bool authed = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization") ||
                  MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE);
    size_t cap = SRV_ADMIN_MAX_BODY;
    bool mine;
    if (!strcmp(path, "/admin/login") || !strcmp(path, "/admin/logout")) {
        mine = !read;
        cap = LOGIN_MAX_BODY;
    } else if (under(path, "/api/v1/articles")) {
        /* Readers' GETs stay on the cached public API; the newsroom's views need a login. */
        mine = !read || authed || strstr(path + 16, "/revisions") || strstr(path + 16, "/diff");
    } else {
        mine = under(path, "/api/v1/sections") || under(path, "/api/v1/sessions") ||
               !strcmp(path, "/api/v1/session") || under(path, "/api/v1/media") ||
               under(path, "/api/v1/users") || under(path, "/api/v1/tokens");
        if (under(path, "/api/v1/media"))
            cap = KB_MEDIA_MAX_BYTES; /* photos: raw bytes, admin_media.c */
    }
    if (!mine)
        return NULL;
    struct srv_admin_req *r = kb_calloc(1, sizeof(*r));
    snprintf(r->method, sizeof(r->method), "%s", method);
    r->path = kb_strdup(path);
    r->query = q ? kb_strdup(q + 1) : NULL;
    kb_buf_init(&r->body, cap);
    return r;
}

size_t srv_admin_cap(const struct srv_admin_req *r)
{
    return r->body.max;
}

bool srv_admin_feed(struct srv_admin_req *r, const char *data, size_t n)
{
    if (!kb_buf_err(&r->body))
        kb_buf_add(&r->body, data, n);
    if (kb_buf_err(&r->body))
        r->dropped += n;
    return r->dropped <= 16 * r->body.max;
}

bool srv_admin_too_big(const struct srv_admin_req *r)
{
    return kb_buf_err(&r->body) != 0;
}

enum MHD_Result srv_admin_refuse_too_big(const struct srv_admin_req *r, struct MHD_Connection *c,
                                         int *status, size_t *bytes)
{
    struct srv_admin_env env = {.conn = c, .status = status, .bytes = bytes};
    struct answer a = {.env = &env, .rq = (struct srv_admin_req *)r};
    char msg[200];
    bool media = under(r->path, "/api/v1/media");
    bool mib = r->body.max >= ((size_t)1 << 20);
    snprintf(msg, sizeof(msg), "%s أكبر من الحد المسموح به (%zu %s)",
             media ? "حجم الصورة" : "حجم الطلب", mib ? r->body.max >> 20 : r->body.max >> 10,
             mib ? "ميغابايت" : "كيلوبايت");
    return adm_send_error(&a, 413, "too_large", media ? "bytes" : NULL, msg);
}

void srv_admin_req_free(struct srv_admin_req *r)
{
    if (!r)
        return;
    free(r->path);
    free(r->query);
    kb_buf_release(&r->body);
    free(r);
}

/* ---- responses ----------------------------------------------------------------------- */

enum MHD_Result adm_send_json(struct answer *a, int status, struct kb_buf *body)
{
    kb_buf_addch(body, '\n');
    size_t len = 0;
    char *p = kb_buf_err(body) ? NULL : kb_buf_detach(body, &len);
    if (!p) {
        static const char oops[] = "{\"error\":{\"code\":\"internal\",\"field\":null,"
                                   "\"message\":\"الرد أكبر من المسموح\"}}\n";
        status = 500;
        p = kb_strdup(oops);
        len = strlen(p);
    }
    kb_buf_release(body);
    bool head = !strcmp(a->rq->method, "HEAD");
    struct MHD_Response *r = head ? MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT)
                                  : MHD_create_response_from_buffer(len, p, MHD_RESPMEM_MUST_FREE);
    if (head)
        free(p);
    if (!r)
        kb_oom();
    MHD_add_response_header(r, "Content-Type", CT_JSON);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    if (a->etag[0])
        MHD_add_response_header(r, "ETag", a->etag);
    if (a->location[0])
        MHD_add_response_header(r, "Location", a->location);
    if (a->cookie[0])
        MHD_add_response_header(r, "Set-Cookie", a->cookie);
    if (a->retry[0])
        MHD_add_response_header(r, "Retry-After", a->retry);
    if (status == 401)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"khabar\"");
    enum MHD_Result ret = MHD_queue_response(a->env->conn, (unsigned)status, r);
    MHD_destroy_response(r);
    *a->env->status = status;
    *a->env->bytes = head ? 0 : len;
    return ret;
}

void adm_start_json(struct kb_buf *b, struct kb_json *j)
{
    kb_buf_init(b, (size_t)32 << 20);
    kb_json_init(j, b, KB_JSON_COMPACT);
}

enum MHD_Result adm_send_error(struct answer *a, int status, const char *code, const char *field,
                               const char *message)
{
    struct kb_buf b;
    struct kb_json j;
    adm_start_json(&b, &j);
    kb_json_obj(&j);
    kb_json_key(&j, "error");
    kb_json_obj(&j);
    kb_json_key(&j, "code");
    kb_json_strc(&j, code);
    kb_json_key(&j, "field");
    kb_json_strc(&j, field && *field ? field : NULL);
    kb_json_key(&j, "message");
    kb_json_strc(&j, message);
    kb_json_end(&j);
    kb_json_end(&j);
    return adm_send_json(a, status, &b);
}

/* Article fields in Arabic, for validation messages: the one table. */
static const struct {
    const char *field, *name;
} field_names[] = {
    {"headline", "العنوان"},
    {"lede", "الموجز"},
    {"byline", "اسم الكاتب"},
    {"source", "المصدر"},
    {"slug", "الرابط المختصر"},
    {"section", "القسم"},
    {"section.slug", "القسم"},
    {"section.name", "القسم"},
    {"language", "اللغة"},
    {"body_html", "نص المقال"},
    {"tags", "الوسوم"},
    {"published", "وقت النشر"},
    {"updated", "وقت التحديث"},
    {"status", "الحالة"},
    {"image", "الصورة"},
    {"image.src", "رابط الصورة"},
    {"image.alt", "النص البديل للصورة"},
    {"image.caption", "تعليق الصورة"},
    {"image.credit", "مصدر الصورة"},
    {"image.copyright", "حقوق الصورة"},
    {"name", "الاسم"},
    {"position", "الترتيب"},
    {"parent", "القسم الأب"},
    {"version", "رقم النسخة"},
    {"external_id", "المعرّف الخارجي"},
};

/* "<field in Arabic> مطلوب" / "أطول من المسموح" / "غير صالح". */
static void arabic_message(const struct kb_diag *d, char *out, size_t cap)
{
    const char *name = NULL;
    for (size_t i = 0; i < sizeof(field_names) / sizeof(field_names[0]); i++)
        if (!strcmp(d->field, field_names[i].field))
            name = field_names[i].name;
    if (!name) {
        snprintf(out, cap, "المدخلات غير صالحة");
        return;
    }
    bool missing = strstr(d->msg, "empty") || strstr(d->msg, "required") ||
                   strstr(d->msg, "missing") || strstr(d->msg, "blank");
    if (!strcmp(d->field, "published") && strstr(d->msg, "future"))
        snprintf(out, cap, "وقت النشر المجدول يجب أن يكون في المستقبل");
    else if (!strcmp(d->field, "slug") && strstr(d->msg, "reserved"))
        snprintf(out, cap,
                 "هذا الرابط محجوز لصفحات الموقع نفسه (tag وauthor وsearch وapi "
                 "وadmin وstatic وmedia)");
    else if (!strcmp(d->field, "parent") && strstr(d->msg, "ancestor"))
        snprintf(out, cap, "لا يوضع القسم داخل نفسه ولا داخل أحد فروعه");
    else if (!strcmp(d->field, "parent") && strstr(d->msg, "levels"))
        snprintf(out, cap, "شجرة الأقسام أعمق من المسموح");
    else if (!strcmp(d->field, "parent") && strstr(d->msg, "no section"))
        snprintf(out, cap, "القسم الأب غير موجود");
    else if (d->code == KB_ETOOBIG)
        snprintf(out, cap, "%s أطول من المسموح", name);
    else if (missing)
        snprintf(out, cap, "%s مطلوب", name);
    else
        snprintf(out, cap, "%s غير صالح", name);
}

/* An error from the engine or store, mapped to its status (the one table). */
enum MHD_Result adm_send_diag(struct answer *a, int rc, const struct kb_diag *d)
{
    char msg[300];
    switch (rc) {
    case KB_EINVAL:
    case KB_ETOOBIG:
        arabic_message(d, msg, sizeof(msg));
        return adm_send_error(a, 422, "invalid", d->field, msg);
    case KB_EPERM:
        return adm_send_error(a, 403, "forbidden", d->field, "لا تسمح صلاحياتك بهذا الإجراء");
    case KB_ENOTFOUND:
        return adm_send_error(a, 404, "not_found", NULL, "غير موجود");
    case KB_ECONFLICT:
        return adm_send_error(a, 409, "conflict", d->field, "تعارض مع الحالة الحالية");
    case KB_EEXISTS:
        return adm_send_error(a, 409, "exists", d->field, "هذه القيمة مستخدمة من قبل");
    default:
        cmd_error_diag("serve", a->rq->path, d);
        return adm_send_error(a, 500, "internal", NULL, "حدث خطأ في الخادم");
    }
}

/* ---- request reading ------------------------------------------------------------------ */

static int hexv(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n) (with '+' as space when `plus`) into a new string; NULL for bad
 * escapes, NUL bytes and invalid UTF-8. */
static char *pct(const char *s, size_t n, bool plus)
{
    char *o = kb_malloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int h = i + 2 < n ? hexv(s[i + 1]) : -1;
            int l = i + 2 < n ? hexv(s[i + 2]) : -1;
            if (h < 0 || l < 0) {
                free(o);
                return NULL;
            }
            c = (char)(h * 16 + l);
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        if (!c) {
            free(o);
            return NULL;
        }
        o[k++] = c;
    }
    o[k] = '\0';
    if (!kb_utf8_valid(o, k)) {
        free(o);
        return NULL;
    }
    return o;
}

/* The value of `name` in a form or query string (malloc'd), NULL when absent or bad. */
char *adm_form_get(const char *form, size_t len, const char *name)
{
    size_t nl = strlen(name);
    const char *end = form + len;
    for (const char *p = form; p && p < end;) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        size_t l = amp ? (size_t)(amp - p) : (size_t)(end - p);
        if (l > nl && !strncmp(p, name, nl) && p[nl] == '=')
            return pct(p + nl + 1, l - nl - 1, true);
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

char *adm_query_get(struct answer *a, const char *name)
{
    return a->rq->query ? adm_form_get(a->rq->query, strlen(a->rq->query), name) : NULL;
}

bool adm_is_form(struct answer *a)
{
    const char *ct = MHD_lookup_connection_value(a->env->conn, MHD_HEADER_KIND, "Content-Type");
    return ct && !strncasecmp(ct, "application/x-www-form-urlencoded", 33);
}

/* The body as a JSON object, or NULL after answering 400/422. */
json_t *adm_body_json(struct answer *a, enum MHD_Result *ret)
{
    json_error_t e;
    json_t *o = json_loadb(kb_buf_cstr(&a->rq->body), a->rq->body.n, JSON_REJECT_DUPLICATES, &e);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        *ret = adm_send_error(a, 400, "bad_request", NULL, "المحتوى ليس كائن JSON صالحاً");
        return NULL;
    }
    return o;
}

/* A positive decimal id, else 0. */
int64_t adm_parse_id(const char *s)
{
    if (!s || !*s || strlen(s) > 18)
        return 0;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

static void client_ip(struct answer *a)
{
    snprintf(a->ip, sizeof(a->ip), "-");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(a->env->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, a->ip, sizeof(a->ip));
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, a->ip,
                      sizeof(a->ip));
    }
}

/* ---- who is asking ---------------------------------------------------------------------- */

/* Fill a->user/role from a Bearer token or the session cookie.  0 ok, 1 none, <0 store. */
static int authenticate(struct answer *a, struct kb_diag *d)
{
    const char *auth = MHD_lookup_connection_value(a->env->conn, MHD_HEADER_KIND, "Authorization");
    if (auth) {
        if (strncasecmp(auth, "Bearer ", 7) != 0)
            return 1;
        int rc = kb_newsroom_token_check(a->s, auth + 7, a->now, &a->user, &a->role, d);
        if (rc == KB_ENOTFOUND)
            return 1;
        if (rc)
            return rc;
        a->authed = true;
        return 0;
    }
    const char *cookie = MHD_lookup_connection_value(a->env->conn, MHD_COOKIE_KIND, COOKIE);
    if (!cookie)
        return 1;
    int rc = kb_newsroom_session_check(a->s, cookie, a->now, &a->session, &a->user, d);
    if (rc == KB_ENOTFOUND)
        return 1;
    if (rc)
        return rc;
    a->role = a->user.role;
    a->authed = a->via_session = true;
    return 0;
}

/* A session's state-changing request must carry its CSRF token. */
static bool csrf_ok(struct answer *a)
{
    if (!a->via_session)
        return true;
    const char *m = a->rq->method;
    if (!strcmp(m, "GET") || !strcmp(m, "HEAD"))
        return true;
    const char *h = MHD_lookup_connection_value(a->env->conn, MHD_HEADER_KIND, "X-CSRF-Token");
    if (h)
        return kb_secret_eq(h, a->session.csrf);
    if (adm_is_form(a)) {
        char *f = adm_form_get(kb_buf_cstr(&a->rq->body), a->rq->body.n, "csrf");
        bool ok = f && kb_secret_eq(f, a->session.csrf);
        free(f);
        return ok;
    }
    return false;
}

bool adm_is_staff(const struct answer *a)
{
    return a->role == KB_ROLE_EDITOR || a->role == KB_ROLE_ADMIN;
}

void adm_write_user(struct kb_json *j, const struct kb_user *u, enum kb_role role)
{
    kb_json_obj(j);
    kb_json_key(j, "id");
    kb_json_int(j, u->id);
    kb_json_key(j, "name");
    kb_json_strc(j, u->name);
    kb_json_key(j, "role");
    kb_json_strc(j, kb_role_name(role));
    kb_json_end(j);
}

void adm_iso(struct kb_json *j, int64_t t)
{
    if (!t) {
        kb_json_null(j);
        return;
    }
    struct kb_buf b;
    kb_buf_init(&b, 64);
    kb_date_iso8601(&b, t, 0);
    kb_json_str(j, kb_buf_cstr(&b), b.n);
    kb_buf_release(&b);
}

/* ---- login, logout, sessions --------------------------------------------------------- */

static void set_cookie(struct answer *a, const char *value, int64_t max_age)
{
    bool secure = false;
    char *v = NULL;
    if (kb_store_setting_get(a->s, KB_SETTING_SECURE_COOKIES, &v, NULL) == 0 && v)
        secure = !strcmp(v, "1");
    free(v);
    snprintf(a->cookie, sizeof(a->cookie),
             COOKIE "=%s; Path=/; Max-Age=%lld; HttpOnly; "
                    "SameSite=Strict%s",
             value, (long long)max_age, secure ? "; Secure" : "");
}

static enum MHD_Result do_login(struct answer *a)
{
    char *name = NULL, *password = NULL;
    if (adm_is_form(a)) {
        name = adm_form_get(kb_buf_cstr(&a->rq->body), a->rq->body.n, "name");
        password = adm_form_get(kb_buf_cstr(&a->rq->body), a->rq->body.n, "password");
    } else {
        enum MHD_Result ret;
        json_t *o = adm_body_json(a, &ret);
        if (!o)
            return ret;
        json_t *n = json_object_get(o, "name"), *p = json_object_get(o, "password");
        if (json_is_string(n) && json_is_string(p)) {
            name = kb_strdup(json_string_value(n));
            password = kb_strdup(json_string_value(p));
        }
        json_decref(o);
    }
    enum MHD_Result ret;
    if (!name || !password || !*name || !*password) {
        ret = adm_send_error(a, 422, "invalid", !name || !*name ? "name" : "password",
                             "اسم المستخدم وكلمة المرور مطلوبان");
        goto out;
    }
    struct kb_diag d;
    kb_diag_clear(&d);
    enum kb_login_result res;
    int64_t retry = 0;
    int rc = kb_newsroom_login(a->s, name, password, a->ip, a->now, &res, &a->user, &retry, &d);
    if (rc) {
        ret = adm_send_diag(a, rc, &d);
        goto out;
    }
    if (res == KB_LOGIN_LIMITED) {
        long minutes = (long)((retry + 59) / 60);
        char msg[400];
        snprintf(msg, sizeof(msg),
                 "محاولات دخول فاشلة كثيرة؛ أعد المحاولة بعد %ld دقيقة. "
                 "Too many failed sign-ins; try again in %ld minute%s.",
                 minutes, minutes, minutes == 1 ? "" : "s");
        snprintf(a->retry, sizeof(a->retry), "%lld", (long long)retry);
        ret = adm_send_error(a, 429, "rate_limited", NULL, msg);
        goto out;
    }
    if (res == KB_LOGIN_BAD) {
        ret = adm_send_error(a, 401, "bad_credentials", NULL,
                             "اسم المستخدم أو كلمة المرور غير صحيحة");
        goto out;
    }
    char secret[KB_SECRET_LEN];
    const char *ua = MHD_lookup_connection_value(a->env->conn, MHD_HEADER_KIND, "User-Agent");
    rc = kb_newsroom_session_start(a->s, a->user.id, ua, a->ip, a->now, secret, &a->session, &d);
    if (rc) {
        ret = adm_send_diag(a, rc, &d);
        goto out;
    }
    set_cookie(a, secret, KB_SESSION_TTL);
    struct kb_buf b;
    struct kb_json j;
    adm_start_json(&b, &j);
    kb_json_obj(&j);
    kb_json_key(&j, "user");
    adm_write_user(&j, &a->user, a->user.role);
    kb_json_key(&j, "csrf");
    kb_json_strc(&j, a->session.csrf);
    kb_json_key(&j, "expires");
    adm_iso(&j, a->session.expires);
    kb_json_end(&j);
    ret = adm_send_json(a, 200, &b);
out:
    free(name);
    if (password)
        memset(password, 0, strlen(password));
    free(password);
    return ret;
}

static enum MHD_Result do_session(struct answer *a)
{
    struct kb_buf b;
    struct kb_json j;
    adm_start_json(&b, &j);
    kb_json_obj(&j);
    kb_json_key(&j, "user");
    adm_write_user(&j, &a->user, a->role);
    kb_json_key(&j, "via");
    kb_json_strc(&j, a->via_session ? "session" : "token");
    kb_json_key(&j, "csrf");
    kb_json_strc(&j, a->via_session ? a->session.csrf : NULL);
    /* What the editors' UI needs to know about the site: its name, the newsroom's time
     * zone (schedules are typed in it), its digits (latin or arabic, for counts and dates)
     * and whether authors may publish. */
    kb_json_key(&j, "site");
    kb_json_obj(&j);
    static const char *const keys[][2] = {{"name", "site.name"},
                                          {"timezone", "site.timezone"},
                                          {"language", "site.language"},
                                          {"digits", "site.digits"}};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char *v = NULL;
        if (kb_store_setting_get(a->s, keys[i][1], &v, NULL) != 0 || !v) {
            free(v);
            const struct kb_setting_def *def = kb_setting_def(keys[i][1]);
            v = kb_strdup(def ? def->def : "");
        }
        kb_json_key(&j, keys[i][0]);
        kb_json_strc(&j, v);
        free(v);
    }
    kb_json_key(&j, "authors_publish");
    kb_json_bool(&j, kb_newsroom_authors_publish(a->s));
    kb_json_end(&j);
    kb_json_end(&j);
    return adm_send_json(a, 200, &b);
}

static enum MHD_Result do_sessions(struct answer *a, char **seg, size_t n)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    if (n == 4 && !strcmp(a->rq->method, "DELETE")) {
        int64_t id = adm_parse_id(seg[3]);
        int rc = id ? kb_store_session_delete(a->s, id, a->user.id, &d) : KB_ENOTFOUND;
        if (rc)
            return adm_send_diag(a, rc, &d);
        struct kb_buf b;
        kb_buf_init(&b, 64);
        kb_buf_adds(&b, "{\"ok\":true}");
        return adm_send_json(a, 200, &b);
    }
    if (n != 3 || strcmp(a->rq->method, "GET"))
        return adm_send_error(a, 405, "method_not_allowed", NULL, "هذه الطريقة غير مسموح بها هنا");
    struct kb_session *v;
    size_t k;
    int rc = kb_store_session_list(a->s, a->user.id, a->now, &v, &k, &d);
    if (rc)
        return adm_send_diag(a, rc, &d);
    struct kb_buf b;
    struct kb_json j;
    adm_start_json(&b, &j);
    kb_json_obj(&j);
    kb_json_key(&j, "sessions");
    kb_json_arr(&j);
    for (size_t i = 0; i < k; i++) {
        kb_json_obj(&j);
        kb_json_key(&j, "id");
        kb_json_int(&j, v[i].id);
        kb_json_key(&j, "current");
        kb_json_bool(&j, a->via_session && v[i].id == a->session.id);
        kb_json_key(&j, "created");
        adm_iso(&j, v[i].created);
        kb_json_key(&j, "last_seen");
        adm_iso(&j, v[i].last_seen);
        kb_json_key(&j, "expires");
        adm_iso(&j, v[i].expires);
        kb_json_key(&j, "user_agent");
        kb_json_strc(&j, v[i].user_agent);
        kb_json_key(&j, "address");
        kb_json_strc(&j, v[i].address);
        kb_json_end(&j);
    }
    kb_json_end(&j);
    kb_json_end(&j);
    kb_sessions_free(v, k);
    return adm_send_json(a, 200, &b);
}

/* /api/v1/tokens: the signed-in user's own API tokens.  GET lists the live ones (never a
 * secret), POST {"role"?} makes one and answers its secret this once (201), DELETE /{id}
 * revokes one of one's own.  Only with a session: a token never mints or lists tokens. */
static enum MHD_Result do_tokens(struct answer *a, char **seg, size_t n)
{
    const char *m = a->rq->method;
    if (!a->via_session)
        return adm_send_error(a, 403, "forbidden", NULL,
                              "رموز الوصول تُدار من لوحة التحرير بجلسة دخول، لا برمز");
    struct kb_diag d;
    kb_diag_clear(&d);
    struct kb_buf b;
    struct kb_json j;
    if (n == 4 && !strcmp(m, "DELETE")) {
        int64_t id = adm_parse_id(seg[3]);
        struct kb_token *v = NULL;
        size_t k = 0;
        int rc = kb_store_token_list(a->s, a->user.id, &v, &k, &d);
        bool mine = false;
        for (size_t i = 0; !rc && i < k; i++)
            mine = mine || v[i].id == id;
        free(v);
        if (!rc && !mine)
            return adm_send_error(a, 404, "not_found", NULL, "لا رمز بهذا الرقم لك");
        if (!rc)
            rc = kb_store_token_revoke(a->s, id, a->now, &d);
        if (rc)
            return adm_send_diag(a, rc, &d);
        kb_buf_init(&b, 64);
        kb_buf_adds(&b, "{\"ok\":true}");
        return adm_send_json(a, 200, &b);
    }
    if (n == 3 && !strcmp(m, "POST")) {
        enum MHD_Result ret;
        json_t *o = adm_body_json(a, &ret);
        if (!o)
            return ret;
        json_t *r = json_object_get(o, "role");
        enum kb_role role = a->role;
        bool narrowed = r && !json_is_null(r);
        int rc = narrowed &&
                 (!json_is_string(r) || kb_role_parse(json_string_value(r), &role, NULL) != 0);
        const char *key;
        json_t *val;
        json_object_foreach(o, key, val)
        {
            if (strcmp(key, "role") != 0) /* unknown members are refused, not ignored */
                rc = 1;
        }
        json_decref(o);
        if (rc)
            return adm_send_error(a, 422, "invalid", "role",
                                  "الصلاحية غير صالحة: contributor أو author أو editor أو admin");
        if (role > a->role)
            return adm_send_error(a, 422, "invalid", "role", "لا يُعطى رمز صلاحية أعلى من صلاحيتك");
        char tok[KB_SECRET_LEN], hash[KB_SHA256_HEX];
        kb_secret_new("kbt_", tok);
        kb_secret_hash(tok, strlen(tok), hash);
        int64_t id = 0;
        rc = kb_store_token_add(a->s, a->user.id, hash, narrowed ? &role : NULL, a->now, &id, &d);
        if (rc)
            return adm_send_diag(a, rc, &d);
        adm_start_json(&b, &j);
        kb_json_obj(&j);
        kb_json_key(&j, "id");
        kb_json_int(&j, id);
        kb_json_key(&j, "token");
        kb_json_strc(&j, tok);
        kb_json_key(&j, "role");
        kb_json_strc(&j, kb_role_name(narrowed ? role : a->user.role));
        kb_json_key(&j, "narrowed");
        kb_json_bool(&j, narrowed);
        kb_json_key(&j, "created");
        adm_iso(&j, a->now);
        kb_json_end(&j);
        memset(tok, 0, sizeof(tok));
        snprintf(a->location, sizeof(a->location), "/api/v1/tokens/%lld", (long long)id);
        return adm_send_json(a, 201, &b);
    }
    if (n != 3 || strcmp(m, "GET"))
        return adm_send_error(a, 405, "method_not_allowed", NULL, "هذه الطريقة غير مسموح بها هنا");
    struct kb_token *v = NULL;
    size_t k = 0;
    int rc = kb_store_token_list(a->s, a->user.id, &v, &k, &d);
    if (rc)
        return adm_send_diag(a, rc, &d);
    adm_start_json(&b, &j);
    kb_json_obj(&j);
    kb_json_key(&j, "tokens");
    kb_json_arr(&j);
    for (size_t i = 0; i < k; i++) {
        kb_json_obj(&j);
        kb_json_key(&j, "id");
        kb_json_int(&j, v[i].id);
        kb_json_key(&j, "role"); /* what it acts with: the lower of its own and the user's */
        kb_json_strc(
            &j, kb_role_name(v[i].narrowed && v[i].role < a->user.role ? v[i].role : a->user.role));
        kb_json_key(&j, "narrowed");
        kb_json_bool(&j, v[i].narrowed);
        kb_json_key(&j, "created");
        adm_iso(&j, v[i].created);
        kb_json_key(&j, "last_used");
        adm_iso(&j, v[i].last_used);
        kb_json_end(&j);
    }
    kb_json_end(&j);
    kb_json_end(&j);
    free(v);
    return adm_send_json(a, 200, &b);
}

/* ---- articles ----------------------------------------------------------------------------- */

struct kb_actor adm_actor(const struct answer *a)
{
    return (struct kb_actor){a->user.id, a->role};
}

/* ,"duplicate_of":{id, headline, url} when the article is flagged as a near-duplicate of
 * another (related.h), else null; ,"translations":[{id, language, url}] (any status). */
static void add_links(struct kb_buf *b, struct kb_store *s, int64_t id)
{
    int64_t dup = 0;
    struct kb_article o;
    kb_article_init(&o);
    kb_buf_adds(b, ",\"duplicate_of\":");
    if (kb_store_related_dup_of(s, id, &dup, NULL) == 0 && dup > 0 &&
        kb_store_article_get(s, dup, &o, NULL) == 0) {
        struct kb_json j;
        kb_json_init(&j, b, KB_JSON_COMPACT);
        kb_json_obj(&j);
        kb_json_key(&j, "id");
        kb_json_int(&j, o.id);
        kb_json_key(&j, "headline");
        kb_json_strc(&j, o.headline);
        kb_json_key(&j, "url");
        struct kb_buf url;
        kb_buf_init(&url, 4096);
        kb_article_url(&url, &o);
        kb_json_strc(&j, kb_buf_cstr(&url));
        kb_buf_release(&url);
        kb_json_end(&j);
    } else {
        kb_buf_adds(b, "null");
    }
    kb_article_release(&o);
    struct kb_translation *v = NULL;
    size_t n = 0;
    if (kb_store_translations_get(s, id, false, 0, &v, &n, NULL) != 0)
        return;
    kb_buf_adds(b, ",\"translations\":");
    struct kb_json j;
    kb_json_init(&j, b, KB_JSON_COMPACT);
    kb_json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        kb_json_obj(&j);
        kb_json_key(&j, "id");
        kb_json_int(&j, v[i].id);
        kb_json_key(&j, "language");
        kb_json_strc(&j, v[i].language);
        kb_json_key(&j, "url");
        kb_json_strc(&j, v[i].url);
        kb_json_end(&j);
    }
    kb_json_end(&j);
    kb_translations_free(v, n);
}

/* The article JSON with the newsroom's extra members: version, author, trashed,
 * duplicate_of and translations. */
static void add_article(struct kb_buf *b, struct kb_store *s, const struct kb_article *art,
                        const struct kb_article_meta *m)
{
    struct kb_json j;
    kb_json_init(&j, b, KB_JSON_COMPACT);
    kb_article_to_json(art, &j);
    if (kb_buf_err(b) || !b->n || b->p[b->n - 1] != '}')
        return;
    b->p[--b->n] = '\0'; /* reopen the object */
    kb_buf_addf(b, ",\"version\":%lld,\"author\":", (long long)m->version);
    if (m->author_id) {
        kb_buf_addf(b, "{\"id\":%lld,\"name\":\"", (long long)m->author_id);
        kb_buf_add_json(b, m->author_name, strlen(m->author_name));
        kb_buf_adds(b, "\"}");
    } else {
        kb_buf_adds(b, "null");
    }
    kb_buf_adds(b, ",\"trashed\":");
    kb_buf_adds(b, m->deleted_at ? "true" : "false");
    add_links(b, s, art->id);
    kb_buf_addch(b, '}');
}

static enum MHD_Result send_article(struct answer *a, int status, int64_t id, bool trashed)
{
    struct kb_article art;
    struct kb_article_meta m;
    struct kb_diag d;
    kb_diag_clear(&d);
    kb_article_init(&art);
    struct kb_actor who = adm_actor(a);
    int rc = kb_newsroom_get(a->s, &who, id, trashed, &art, &m, &d);
    if (rc)
        return adm_send_diag(a, rc, &d);
    snprintf(a->etag, sizeof(a->etag), "\"v%lld\"", (long long)m.version);
    struct kb_buf b;
    kb_buf_init(&b, (size_t)32 << 20);
    add_article(&b, a->s, &art, &m);
    kb_article_release(&art);
    return adm_send_json(a, status, &b);
}

static enum MHD_Result list_articles(struct answer *a)
{
    char *status = adm_query_get(a, "status"), *section = adm_query_get(a, "section"),
         *author = adm_query_get(a, "author"), *q = adm_query_get(a, "q"),
         *page_s = adm_query_get(a, "page"), *per_s = adm_query_get(a, "per_page"),
         *trash = adm_query_get(a, "trash"), *dups = adm_query_get(a, "duplicates");
    enum MHD_Result ret;
    struct kb_diag d;
    kb_diag_clear(&d);
    int64_t page = page_s ? adm_parse_id(page_s) : 1, per = per_s ? adm_parse_id(per_s) : 20;
    enum kb_status st;
    struct kb_admin_query aq = {.status = status, .section_slug = section, .q = q};
    int64_t *ids = NULL;
    size_t n = 0, total = 0;
    if (page < 1 || page > 100000 || per < 1 || per > 100) {
        ret = adm_send_error(a, 400, "invalid", page < 1 || page > 100000 ? "page" : "per_page",
                             "رقم الصفحة أو عدد المقالات غير صالح");
        goto out;
    }
    if (status && kb_status_parse(status, &st) != 0) {
        ret = adm_send_error(a, 400, "invalid", "status", "الحالة غير معروفة");
        goto out;
    }
    if (author) {
        struct kb_user u = {0};
        int rc = kb_store_user_get(a->s, author, 0, &u, &d);
        aq.author_id = rc == 0 ? u.id : -1; /* an unknown author matches nothing */
        kb_user_release(&u);
    }
    aq.trashed = trash && !strcmp(trash, "1");
    aq.duplicates = dups && !strcmp(dups, "1");
    aq.viewer_id = adm_is_staff(a) ? 0 : a->user.id;
    aq.offset = (size_t)((page - 1) * per);
    aq.limit = (size_t)per;
    int rc = kb_store_article_ids(a->s, &aq, &ids, &n, &total, &d);
    if (rc) {
        ret = adm_send_diag(a, rc, &d);
        goto out;
    }
    struct kb_buf b;
    kb_buf_init(&b, (size_t)32 << 20);
    kb_buf_adds(&b, "{\"articles\":[");
    struct kb_actor who = adm_actor(a);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        struct kb_article art;
        struct kb_article_meta m;
        kb_article_init(&art);
        if (kb_newsroom_get(a->s, &who, ids[i], aq.trashed, &art, &m, NULL) == 0) {
            if (!first)
                kb_buf_addch(&b, ',');
            add_article(&b, a->s, &art, &m);
            first = false;
        }
        kb_article_release(&art);
    }
    kb_buf_addf(&b, "],\"total\":%zu,\"page\":%lld,\"per_page\":%lld}", total, (long long)page,
                (long long)per);
    ret = adm_send_json(a, 200, &b);
out:
    free(ids);
    free(status);
    free(section);
    free(author);
    free(q);
    free(page_s);
    free(per_s);
    free(trash);
    free(dups);
    return ret;
}

static enum MHD_Result create_article(struct answer *a)
{
    enum MHD_Result ret;
    json_t *o = adm_body_json(a, &ret);
    if (!o)
        return ret;
    struct kb_diag d;
    kb_diag_clear(&d);
    int64_t id = 0;
    struct kb_actor who = adm_actor(a);
    int rc = kb_newsroom_create(a->s, &who, o, a->now, &id, &d);
    json_decref(o);
    if (rc)
        return adm_send_diag(a, rc, &d);
    adm_wrote(a);
    snprintf(a->location, sizeof(a->location), "/api/v1/articles/%lld", (long long)id);
    return send_article(a, 201, id, false);
}

/* The version the client edits: If-Match ("v7", "7", W/"v7") or the body's "version". */
static int64_t wanted_version(struct answer *a, json_t *body)
{
    const char *im = MHD_lookup_connection_value(a->env->conn, MHD_HEADER_KIND, "If-Match");
    if (im) {
        const char *p = im;
        if (!strncmp(p, "W/", 2))
            p += 2;
        if (*p == '"')
            p++;
        if (*p == 'v')
            p++;
        char tmp[24];
        size_t k = 0;
        while (*p >= '0' && *p <= '9' && k < sizeof(tmp) - 1)
            tmp[k++] = *p++;
        tmp[k] = '\0';
        return adm_parse_id(tmp);
    }
    json_t *v = json_object_get(body, "version");
    return json_is_integer(v) && json_integer_value(v) > 0 ? (int64_t)json_integer_value(v) : 0;
}

static enum MHD_Result patch_article(struct answer *a, int64_t id)
{
    enum MHD_Result ret;
    json_t *o = adm_body_json(a, &ret);
    if (!o)
        return ret;
    int64_t v = wanted_version(a, o);
    if (!v) {
        json_decref(o);
        return adm_send_error(a, 428, "version_required", "version",
                              "أرسل رقم النسخة التي تعدّلها (If-Match أو version)");
    }
    struct kb_diag d;
    kb_diag_clear(&d);
    unsigned conflict = 0;
    struct kb_actor who = adm_actor(a);
    int rc = kb_newsroom_update(a->s, &who, id, o, v, a->now, &conflict, &d);
    json_decref(o);
    if (rc == KB_ECONFLICT) {
        struct kb_article art;
        struct kb_article_meta m;
        kb_article_init(&art);
        if (kb_newsroom_get(a->s, &who, id, false, &art, &m, NULL) != 0) {
            kb_article_release(&art);
            return adm_send_diag(a, KB_ENOTFOUND, &d);
        }
        snprintf(a->etag, sizeof(a->etag), "\"v%lld\"", (long long)m.version);
        struct kb_buf b;
        struct kb_json j;
        adm_start_json(&b, &j);
        kb_buf_adds(&b, "{\"error\":{\"code\":\"conflict\",\"field\":\"version\",\"message\":\"");
        kb_buf_adds(&b, "عدّل شخص آخر هذا المقال بعد أن فتحته؛ راجع التغييرات ثم احفظ من جديد");
        kb_buf_adds(&b, "\"},\"changed\":");
        kb_fields_json(conflict, &j);
        kb_buf_adds(&b, ",\"article\":");
        add_article(&b, a->s, &art, &m);
        kb_buf_addch(&b, '}');
        kb_article_release(&art);
        return adm_send_json(a, 409, &b);
    }
    if (rc)
        return adm_send_diag(a, rc, &d);
    adm_wrote(a);
    return send_article(a, 200, id, false);
}

static enum MHD_Result trash_article(struct answer *a, int64_t id, bool to_trash)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    struct kb_actor who = adm_actor(a);
    int rc = to_trash ? kb_newsroom_trash(a->s, &who, id, a->now, &d)
                      : kb_newsroom_untrash(a->s, &who, id, a->now, &d);
    if (rc)
        return adm_send_diag(a, rc, &d);
    adm_wrote(a);
    return send_article(a, 200, id, to_trash);
}

static enum MHD_Result revisions(struct answer *a, int64_t id, char **seg, size_t n)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    struct kb_actor who = adm_actor(a);
    struct kb_article cur;
    struct kb_article_meta m;
    kb_article_init(&cur);
    int rc = kb_newsroom_get(a->s, &who, id, false, &cur, &m, &d);
    if (rc)
        return adm_send_diag(a, rc, &d);
    bool get = !strcmp(a->rq->method, "GET") || !strcmp(a->rq->method, "HEAD");
    enum MHD_Result ret;
    struct kb_buf b;
    struct kb_json j;
    if (n == 5 && get) { /* the list */
        struct kb_revision *v;
        size_t k;
        if ((rc = kb_store_revision_list(a->s, id, &v, &k, &d))) {
            ret = adm_send_diag(a, rc, &d);
            goto out;
        }
        adm_start_json(&b, &j);
        kb_json_obj(&j);
        kb_json_key(&j, "revisions");
        kb_json_arr(&j);
        for (size_t i = 0; i < k; i++) {
            kb_json_obj(&j);
            kb_json_key(&j, "number");
            kb_json_int(&j, v[i].number);
            kb_json_key(&j, "version");
            kb_json_int(&j, v[i].version);
            kb_json_key(&j, "user");
            kb_json_strc(&j, v[i].user_id ? v[i].user_name : NULL);
            kb_json_key(&j, "created");
            adm_iso(&j, v[i].created);
            kb_json_key(&j, "changed");
            kb_fields_json(v[i].changed, &j);
            kb_json_end(&j);
        }
        kb_json_end(&j);
        kb_json_end(&j);
        kb_revisions_free(v, k);
        ret = adm_send_json(a, 200, &b);
        goto out;
    }
    int64_t num = n >= 6 ? adm_parse_id(seg[5]) : 0;
    struct kb_revision r = {0};
    if (!num || (rc = kb_store_revision_get(a->s, id, num, 0, &r, &d))) {
        ret = adm_send_diag(a, rc ? rc : KB_ENOTFOUND, &d);
        goto out;
    }
    if (n == 6 && get) {
        kb_buf_init(&b, (size_t)32 << 20);
        kb_buf_addf(&b, "{\"number\":%lld,\"version\":%lld,\"user\":", (long long)r.number,
                    (long long)r.version);
        kb_json_init(&j, &b, KB_JSON_COMPACT);
        kb_json_strc(&j, r.user_id ? r.user_name : NULL);
        kb_buf_adds(&b, ",\"changed\":");
        kb_json_init(&j, &b, KB_JSON_COMPACT);
        kb_fields_json(r.changed, &j);
        kb_buf_adds(&b, ",\"article\":");
        kb_buf_adds(&b, r.json); /* stored as our own JSON writer wrote it */
        kb_buf_addch(&b, '}');
        ret = adm_send_json(a, 200, &b);
    } else if (n == 7 && get && !strcmp(seg[6], "diff")) {
        /* From revision `num` to ?to=M (a revision) or to the current article. */
        char *to_s = adm_query_get(a, "to");
        int64_t to = to_s ? adm_parse_id(to_s) : 0;
        free(to_s);
        struct kb_article from, other;
        kb_article_init(&from);
        kb_article_init(&other);
        struct kb_revision r2 = {0};
        json_t *o1 = json_loads(r.json, 0, NULL), *o2 = NULL;
        rc = o1 ? kb_article_from_json(o1, &from, &d) : KB_EINTERNAL;
        if (!rc && to) {
            rc = kb_store_revision_get(a->s, id, to, 0, &r2, &d);
            if (!rc) {
                o2 = json_loads(r2.json, 0, NULL);
                rc = o2 ? kb_article_from_json(o2, &other, &d) : KB_EINTERNAL;
            }
        }
        if (rc) {
            ret = adm_send_diag(a, rc, &d);
        } else {
            adm_start_json(&b, &j);
            kb_revision_diff_json(&from, to ? &other : &cur, &j);
            ret = adm_send_json(a, 200, &b);
        }
        json_decref(o1);
        json_decref(o2);
        kb_revision_release(&r2);
        kb_article_release(&from);
        kb_article_release(&other);
    } else if (n == 7 && !strcmp(a->rq->method, "POST") && !strcmp(seg[6], "restore")) {
        rc = kb_newsroom_revision_restore(a->s, &who, id, num, a->now, &d);
        if (rc) {
            ret = adm_send_diag(a, rc, &d);
        } else {
            adm_wrote(a);
            ret = send_article(a, 200, id, false);
        }
    } else {
        ret = adm_send_error(a, 404, "not_found", NULL, "غير موجود");
    }
    kb_revision_release(&r);
out:
    kb_article_release(&cur);
    return ret;
}

static enum MHD_Result articles(struct answer *a, char **seg, size_t n)
{
    const char *m = a->rq->method;
    bool get = !strcmp(m, "GET") || !strcmp(m, "HEAD");
    if (n == 3) {
        if (get)
            return list_articles(a);
        if (!strcmp(m, "POST"))
            return create_article(a);
        return adm_send_error(a, 405, "method_not_allowed", NULL, "هذه الطريقة غير مسموح بها هنا");
    }
    int64_t id = adm_parse_id(seg[3]);
    if (!id)
        return adm_send_error(a, 404, "not_found", NULL, "غير موجود");
    if (n == 4) {
        if (get) {
            char *t = adm_query_get(a, "trash");
            bool trashed = t && !strcmp(t, "1");
            free(t);
            return send_article(a, 200, id, trashed);
        }
        if (!strcmp(m, "PATCH"))
            return patch_article(a, id);
        if (!strcmp(m, "DELETE"))
            return trash_article(a, id, true);
        return adm_send_error(a, 405, "method_not_allowed", NULL, "هذه الطريقة غير مسموح بها هنا");
    }
    if (n == 5 && !strcmp(seg[4], "restore") && !strcmp(m, "POST"))
        return trash_article(a, id, false);
    if (n >= 5 && !strcmp(seg[4], "revisions"))
        return revisions(a, id, seg, n);
    return adm_send_error(a, 404, "not_found", NULL, "غير موجود");
}

/* ---- sections ------------------------------------------------------------------------------ */

static void write_section(struct kb_json *j, const struct kb_section *s)
{
    kb_json_obj(j);
    kb_json_key(j, "slug");
    kb_json_strc(j, s->slug);
    kb_json_key(j, "name");
    kb_json_strc(j, s->name);
    kb_json_key(j, "position");
    kb_json_int(j, s->position);
    kb_json_key(j, "parent");
    kb_json_strc(j, s->parent);
    kb_json_end(j);
}

static enum MHD_Result sections(struct answer *a, char **seg, size_t n)
{
    const char *m = a->rq->method;
    bool get = !strcmp(m, "GET") || !strcmp(m, "HEAD");
    struct kb_diag d;
    kb_diag_clear(&d);
    struct kb_buf b;
    struct kb_json j;
    if (n == 3 && get) {
        struct kb_section *v;
        size_t k;
        int rc = kb_store_section_list(a->s, &v, &k, &d);
        if (rc)
            return adm_send_diag(a, rc, &d);
        adm_start_json(&b, &j);
        kb_json_obj(&j);
        kb_json_key(&j, "sections");
        kb_json_arr(&j);
        for (size_t i = 0; i < k; i++)
            write_section(&j, &v[i]);
        kb_json_end(&j);
        kb_json_end(&j);
        kb_sections_free(v, k);
        return adm_send_json(a, 200, &b);
    }
    if (!adm_is_staff(a))
        return adm_send_error(a, 403, "forbidden", NULL, "إدارة الأقسام للمحررين والمديرين فقط");
    if (n == 4 && !strcmp(m, "DELETE")) {
        int rc = kb_store_section_delete(a->s, seg[3], &d);
        if (rc)
            return adm_send_diag(a, rc, &d);
        adm_wrote(a);
        kb_buf_init(&b, 64);
        kb_buf_adds(&b, "{\"ok\":true}");
        return adm_send_json(a, 200, &b);
    }
    bool create = n == 3 && !strcmp(m, "POST"), update = n == 4 && !strcmp(m, "PATCH");
    if (!create && !update)
        return adm_send_error(a, 405, "method_not_allowed", NULL, "هذه الطريقة غير مسموح بها هنا");
    enum MHD_Result ret;
    json_t *o = adm_body_json(a, &ret);
    if (!o)
        return ret;
    struct kb_section sec = {0};
    int rc = 0;
    if (update && (rc = kb_store_section_get(a->s, seg[3], &sec, &d)) == 0 &&
        strcmp(sec.slug, seg[3]) != 0)
        rc = kb_diag_set(&d, KB_ENOTFOUND, "slug", "no such section");
    json_t *slug = json_object_get(o, "slug"), *name = json_object_get(o, "name"),
           *pos = json_object_get(o, "position"), *parent = json_object_get(o, "parent");
    if (!rc && ((slug && !json_is_string(slug)) || (name && !json_is_string(name)) ||
                (pos && !json_is_integer(pos)) ||
                (parent && !json_is_string(parent) && !json_is_null(parent))))
        rc = kb_diag_set(&d, KB_EINVAL,
                         slug && !json_is_string(slug)   ? "slug"
                         : name && !json_is_string(name) ? "name"
                         : pos && !json_is_integer(pos)  ? "position"
                                                         : "parent",
                         "wrong type");
    if (!rc && update && slug && strcmp(json_string_value(slug), sec.slug) != 0)
        rc = kb_diag_set(&d, KB_EINVAL, "slug", "a section's slug cannot change");
    if (!rc) {
        if (create)
            kb_set_str(&sec.slug, slug ? json_string_value(slug) : NULL);
        if (name)
            kb_set_str(&sec.name, json_string_value(name));
        if (pos)
            sec.position = (int)json_integer_value(pos);
        else if (create)
            sec.position = 1000;
        if (create) {
            struct kb_section exist = {0};
            if (sec.slug && kb_store_section_get(a->s, sec.slug, &exist, NULL) == 0 &&
                !strcmp(exist.slug, sec.slug))
                rc = kb_diag_set(&d, KB_EEXISTS, "slug", "taken");
            kb_section_release(&exist);
        }
        if (!rc)
            rc = kb_section_validate(&sec, &d);
        /* The section and its place in the tree are one write: a refused parent (missing,
         * a cycle, too deep) leaves the section as it was, or not created. */
        bool tx = !rc && parent && (rc = kb_store_begin(a->s, &d)) == 0;
        if (!rc)
            rc = kb_store_section_put(a->s, &sec, &d);
        if (!rc && parent) {
            const char *p = json_is_string(parent) ? json_string_value(parent) : NULL;
            rc = kb_store_section_set_parent(a->s, sec.slug, p, &d);
            if (rc == KB_ENOTFOUND && !strcmp(d.field, "parent"))
                rc = KB_EINVAL; /* a parent that does not exist is bad input, not a 404 */
            if (!rc) {
                free(sec.parent);
                sec.parent = p && *p ? kb_strdup(p) : NULL;
            }
        }
        if (tx && !rc)
            rc = kb_store_commit(a->s, &d);
        if (tx && rc)
            kb_store_rollback(a->s);
    }
    json_decref(o);
    if (rc) {
        kb_section_release(&sec);
        return adm_send_diag(a, rc, &d);
    }
    adm_wrote(a);
    adm_start_json(&b, &j);
    write_section(&j, &sec);
    if (create) {
        struct kb_buf loc;
        kb_buf_init(&loc, sizeof(a->location));
        kb_buf_adds(&loc, "/api/v1/sections/");
        kb_buf_add_urlpath(&loc, sec.slug, strlen(sec.slug));
        if (!kb_buf_err(&loc))
            snprintf(a->location, sizeof(a->location), "%s", kb_buf_cstr(&loc));
        kb_buf_release(&loc);
    }
    kb_section_release(&sec);
    return adm_send_json(a, create ? 201 : 200, &b);
}

/* ---- the router ---------------------------------------------------------------------------- */

enum MHD_Result srv_admin_answer(struct srv_admin_req *rq, const struct srv_admin_env *env)
{
    struct answer a = {.env = env, .rq = rq, .s = env->store, .now = (int64_t)time(NULL)};
    client_ip(&a);
    /* Split and decode the path: ["api", "v1", "articles", "7", ...]. */
    char *seg[MAX_SEGS] = {0};
    size_t n = 0;
    enum MHD_Result ret;
    bool bad = false;
    for (const char *p = rq->path + 1; *p && !bad;) {
        const char *sl = strchr(p, '/');
        size_t l = sl ? (size_t)(sl - p) : strlen(p);
        if (n == MAX_SEGS || l == 0 || !(seg[n] = pct(p, l, false)))
            bad = true;
        else
            n++;
        p = sl ? sl + 1 : p + l;
    }
    if (bad) {
        ret = adm_send_error(&a, 404, "not_found", NULL, "غير موجود");
        goto out;
    }
    struct kb_diag d;
    kb_diag_clear(&d);
    bool login = n == 2 && !strcmp(seg[0], "admin") && !strcmp(seg[1], "login");
    if (login) {
        ret = strcmp(rq->method, "POST") ? adm_send_error(&a, 405, "method_not_allowed", NULL,
                                                          "هذه الطريقة غير مسموح بها هنا")
                                         : do_login(&a);
        goto out;
    }
    int rc = authenticate(&a, &d);
    if (rc < 0) {
        ret = adm_send_diag(&a, rc, &d);
        goto out;
    }
    if (rc > 0) {
        ret =
            adm_send_error(&a, 401, "unauthenticated", NULL, "سجّل الدخول أولاً (جلسة أو رمز وصول)");
        goto out;
    }
    if (!csrf_ok(&a)) {
        ret = adm_send_error(&a, 403, "csrf", "csrf", "رمز الحماية (CSRF) مفقود أو غير صحيح");
        goto out;
    }
    if (n == 2 && !strcmp(seg[0], "admin") && !strcmp(seg[1], "logout")) {
        const char *cookie = MHD_lookup_connection_value(env->conn, MHD_COOKIE_KIND, COOKIE);
        if (a.via_session && (rc = kb_newsroom_session_end(a.s, cookie, &d)) != 0) {
            ret = adm_send_diag(&a, rc, &d);
            goto out;
        }
        set_cookie(&a, "", 0);
        struct kb_buf b;
        kb_buf_init(&b, 64);
        kb_buf_adds(&b, "{\"ok\":true}");
        ret = adm_send_json(&a, 200, &b);
        goto out;
    }
    if (n < 3 || strcmp(seg[0], "api") || strcmp(seg[1], "v1")) {
        ret = adm_send_error(&a, 404, "not_found", NULL, "غير موجود");
        goto out;
    }
    if (!strcmp(seg[2], "articles"))
        ret = articles(&a, seg, n);
    else if (!strcmp(seg[2], "sections"))
        ret = sections(&a, seg, n);
    else if (!strcmp(seg[2], "sessions"))
        ret = do_sessions(&a, seg, n);
    else if (!strcmp(seg[2], "session") && n == 3)
        ret = do_session(&a);
    else if (!strcmp(seg[2], "media"))
        ret = adm_media(&a, seg, n);
    else if (!strcmp(seg[2], "users"))
        ret = adm_users(&a, seg, n);
    else if (!strcmp(seg[2], "tokens"))
        ret = do_tokens(&a, seg, n);
    else
        ret = adm_send_error(&a, 404, "not_found", NULL, "غير موجود");
out:
    for (size_t i = 0; i < n; i++)
        free(seg[i]);
    kb_user_release(&a.user);
    kb_session_release(&a.session);
    return ret;
}

/* ---- the scheduler ---------------------------------------------------------------------- */

struct srv_scheduler {
    char *db_path;
    struct srv_cache *cache;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stopping, poked;
};

static int64_t next_due;                    /* atomic: srv_scheduler_next */
static struct srv_scheduler *the_scheduler; /* for adm_wrote()'s poke; one per process */

int64_t srv_scheduler_next(void)
{
    return __atomic_load_n(&next_due, __ATOMIC_ACQUIRE);
}

void adm_wrote(struct answer *a)
{
    srv_cache_bump(a->env->cache);
    struct srv_scheduler *sch = __atomic_load_n(&the_scheduler, __ATOMIC_ACQUIRE);
    if (sch) {
        pthread_mutex_lock(&sch->lock);
        sch->poked = true;
        pthread_cond_signal(&sch->cond);
        pthread_mutex_unlock(&sch->lock);
    }
}

static void *schedule_loop(void *arg)
{
    struct srv_scheduler *sch = arg;
    struct kb_store *s = NULL;
    pthread_mutex_lock(&sch->lock);
    while (!sch->stopping) {
        sch->poked = false;
        pthread_mutex_unlock(&sch->lock);
        struct kb_diag d;
        kb_diag_clear(&d);
        /* Not time(): glibc reads a coarse clock that can still show the previous second
         * just after the boundary we woke at, which made articles go live a second late. */
        struct timespec wall;
        clock_gettime(CLOCK_REALTIME, &wall);
        int64_t now = (int64_t)wall.tv_sec, when = 0;
        if (!s && kb_store_open(sch->db_path, KB_STORE_EXISTING, &s, &d) != 0) {
            s = NULL;
            cmd_error_diag("serve", "scheduler", &d);
        }
        if (s) {
            size_t published = 0;
            if (kb_newsroom_publish_due(s, now, &published, &d) != 0)
                cmd_error_diag("serve", "scheduler", &d);
            if (published)
                srv_cache_bump(sch->cache);
            if (kb_store_schedule_next(s, now, &when, NULL) != 0)
                when = 0;
        }
        __atomic_store_n(&next_due, when, __ATOMIC_RELEASE);
        /* Sleep until the next due second, at most one second (other processes may
         * schedule too), or until a write pokes us. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1; /* the start of the next second: due times are whole seconds */
        ts.tv_nsec = 0;
        pthread_mutex_lock(&sch->lock);
        while (!sch->stopping && !sch->poked &&
               pthread_cond_timedwait(&sch->cond, &sch->lock, &ts) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&sch->lock);
    kb_store_close(s);
    return NULL;
}

struct srv_scheduler *srv_scheduler_start(const char *db_path, struct srv_cache *cache)
{
    struct srv_scheduler *sch = kb_calloc(1, sizeof(*sch));
    sch->db_path = kb_strdup(db_path);
    sch->cache = cache;
    pthread_mutex_init(&sch->lock, NULL);
    pthread_cond_init(&sch->cond, NULL);
    if (pthread_create(&sch->thread, NULL, schedule_loop, sch) != 0) {
        pthread_cond_destroy(&sch->cond);
        pthread_mutex_destroy(&sch->lock);
        free(sch->db_path);
        free(sch);
        return NULL;
    }
    __atomic_store_n(&the_scheduler, sch, __ATOMIC_RELEASE);
    return sch;
}

void srv_scheduler_stop(struct srv_scheduler *sch)
{
    if (!sch)
        return;
    __atomic_store_n(&the_scheduler, NULL, __ATOMIC_RELEASE);
    pthread_mutex_lock(&sch->lock);
    sch->stopping = true;
    pthread_cond_signal(&sch->cond);
    pthread_mutex_unlock(&sch->lock);
    pthread_join(sch->thread, NULL);
    pthread_cond_destroy(&sch->cond);
    pthread_mutex_destroy(&sch->lock);
    free(sch->db_path);
    free(sch);
}
