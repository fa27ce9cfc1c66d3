/*
 * admin_media.c — /api/v1/media: photo upload for the newsroom (issue 4 item 6,
 * docs/media.md).
 *
 *   POST  /api/v1/media?alt=&caption=&credit=&copyright=   raw image bytes → 201 (200 when
 *                                                           the same bytes were stored before)
 *   GET   /api/v1/media[?q=&page=&per_page=]                newest first; q: text search
 *   GET   /api/v1/media/{id}
 *   PATCH /api/v1/media/{id}   {"alt","caption","credit","copyright"} (strings, any subset)
 *
 * admin.c has already authenticated the request and checked its CSRF token, and capped the
 * body at KB_MEDIA_MAX_BYTES (an announced larger Content-Length never gets here).  The
 * type is decided from the bytes only; Content-Type and any file name are ignored.  Any
 * signed-in role may upload and read; text may be changed by the uploader or an editor or
 * admin.  Refusals are product.md's JSON errors with Arabic messages: 413 over the byte cap,
 * 415 not a JPEG/PNG/WebP, 422 too many pixels (from the header, before decoding), a broken
 * header, a truncated or corrupt image, or bad text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "admin_int.h"
#include "khabar/media.h"
#include "khabar/media_upload.h"

#define PER_PAGE 30

static void write_record(struct kb_json *j, const struct kb_media_rec *m)
{
    struct kb_buf src;
    kb_buf_init(&src, 256);
    kb_json_obj(j);
    kb_json_key(j, "id");
    kb_json_int(j, m->id);
    kb_json_key(j, "src");
    kb_media_rec_src(&src, m, KB_MEDIA_ORIGINAL);
    kb_json_str(j, kb_buf_cstr(&src), src.n);
    kb_json_key(j, "width");
    kb_json_int(j, m->width);
    kb_json_key(j, "height");
    kb_json_int(j, m->height);
    kb_json_key(j, "type");
    kb_json_strc(j, kb_image_type_mime(kb_image_type_from_name(m->type)));
    kb_json_key(j, "bytes");
    kb_json_int(j, m->bytes);
    kb_json_key(j, "alt");
    kb_json_strc(j, m->alt);
    kb_json_key(j, "caption");
    kb_json_strc(j, m->caption);
    kb_json_key(j, "credit");
    kb_json_strc(j, m->credit);
    kb_json_key(j, "copyright");
    kb_json_strc(j, m->copyright);
    kb_json_key(j, "variants");
    kb_json_obj(j);
    kb_json_key(j, "page");
    kb_buf_reset(&src);
    kb_media_rec_src(&src, m, KB_MEDIA_PAGE);
    kb_json_str(j, kb_buf_cstr(&src), src.n);
    kb_json_key(j, "social");
    kb_buf_reset(&src);
    kb_media_rec_src(&src, m, KB_MEDIA_SOCIAL);
    kb_json_str(j, kb_buf_cstr(&src), src.n);
    kb_json_end(j);
    kb_json_key(j, "uploaded_by");
    if (m->uploader) {
        kb_json_obj(j);
        kb_json_key(j, "id");
        kb_json_int(j, m->uploaded_by);
        kb_json_key(j, "name");
        kb_json_strc(j, m->uploader);
        kb_json_end(j);
    } else {
        kb_json_null(j);
    }
    kb_json_key(j, "created");
    adm_iso(j, m->created);
    kb_json_end(j);
    kb_buf_release(&src);
}

static enum MHD_Result send_record(struct answer *a, int status, const struct kb_media_rec *m)
{
    struct kb_buf b;
    struct kb_json j;
    adm_start_json(&b, &j);
    write_record(&j, m);
    return adm_send_json(a, status, &b);
}

static const char *text_name(const char *field)
{
    if (!strcmp(field, "alt"))
        return "النص البديل للصورة";
    if (!strcmp(field, "caption"))
        return "تعليق الصورة";
    if (!strcmp(field, "credit"))
        return "مصدر الصورة";
    return "حقوق الصورة";
}

/* An upload's or an edit's failure, mapped to its status with an Arabic message (the one
 * table for media). */
static enum MHD_Result send_failure(struct answer *a, int rc, const struct kb_diag *d)
{
    char msg[400];
    const char *f = d->field;
    if (!strcmp(f, "bytes")) {
        snprintf(msg, sizeof(msg), "حجم الصورة أكبر من الحد المسموح به (%zu ميغابايت)",
                 KB_MEDIA_MAX_BYTES >> 20);
        return adm_send_error(a, 413, "too_large", "bytes", msg);
    }
    if (!strcmp(f, "type"))
        return adm_send_error(a, 415, "unsupported_type", "type",
                              "الملف ليس صورة بصيغة JPEG أو PNG أو WebP");
    if (!strcmp(f, "pixels")) {
        unsigned w = 0, h = 0;
        if (sscanf(d->msg, "%ux%u", &w, &h) != 2)
            w = h = 0;
        snprintf(msg, sizeof(msg),
                 "أبعاد الصورة (%u×%u بكسل) أكبر من المسموح: الحد %lld ميغابكسل و%d بكسل لكل ضلع",
                 w, h, KB_MEDIA_MAX_PIXELS / 1000000, KB_MEDIA_MAX_SIDE);
        return adm_send_error(a, 422, "too_many_pixels", "pixels", msg);
    }
    if (!strcmp(f, "header"))
        return adm_send_error(a, 422, "invalid_image", "image",
                              "ترويسة الصورة تالفة أو ناقصة، فلا يمكن قراءتها");
    if (!strcmp(f, "image"))
        return adm_send_error(a, 422, "invalid_image", "image",
                              "الصورة مقطوعة أو تالفة، فلا يمكن قراءتها");
    if (!strcmp(f, "alt") || !strcmp(f, "caption") || !strcmp(f, "credit") ||
        !strcmp(f, "copyright")) {
        snprintf(msg, sizeof(msg), "%s %s", text_name(f),
                 rc == KB_ETOOBIG ? "أطول من المسموح" : "غير صالح");
        return adm_send_error(a, 422, "invalid", f, msg);
    }
    return adm_send_diag(a, rc, d);
}

/* A query field: *out is NULL when absent; false (after answering 422 into *ret) when it is
 * there but not valid percent-encoded UTF-8. */
static bool query_text(struct answer *a, const char *name, char **out, enum MHD_Result *ret)
{
    *out = adm_query_get(a, name);
    if (*out || !a->rq->query)
        return true;
    size_t nl = strlen(name);
    for (const char *p = a->rq->query; p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL)
        if (!strncmp(p, name, nl) && p[nl] == '=') {
            char msg[200];
            snprintf(msg, sizeof(msg), "%s غير صالح (ترميز النسبة المئوية أو UTF-8)",
                     text_name(name));
            *ret = adm_send_error(a, 422, "invalid", name, msg);
            return false;
        }
    return true;
}

static enum MHD_Result upload(struct answer *a)
{
    static const char *const names[4] = {"alt", "caption", "credit", "copyright"};
    char *v[4] = {0};
    enum MHD_Result ret;
    for (int i = 0; i < 4; i++)
        if (!query_text(a, names[i], &v[i], &ret))
            goto out;
    struct kb_media_text t = {v[0], v[1], v[2], v[3]};
    struct kb_media_rec m = {0};
    bool created = false;
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_media_upload(a->s, a->env->media_dir, kb_buf_cstr(&a->rq->body), a->rq->body.n, &t,
                             a->user.id, a->now, &m, &created, &d);
    if (rc) {
        ret = send_failure(a, rc, &d);
        goto out;
    }
    snprintf(a->location, sizeof(a->location), "/api/v1/media/%lld", (long long)m.id);
    ret = send_record(a, created ? 201 : 200, &m);
    kb_media_rec_release(&m);
out:
    for (int i = 0; i < 4; i++)
        free(v[i]);
    return ret;
}

static enum MHD_Result list(struct answer *a)
{
    char *page_s = adm_query_get(a, "page"), *per_s = adm_query_get(a, "per_page"),
         *q = adm_query_get(a, "q");
    int64_t page = page_s ? adm_parse_id(page_s) : 1, per = per_s ? adm_parse_id(per_s) : PER_PAGE;
    free(page_s);
    free(per_s);
    if (q && strlen(q) > 200) {
        free(q);
        return adm_send_error(a, 400, "invalid", "q", "نص البحث أطول من المسموح");
    }
    if (page < 1 || page > 100000 || per < 1 || per > 100) {
        free(q);
        return adm_send_error(a, 400, "invalid", page < 1 || page > 100000 ? "page" : "per_page",
                              "رقم الصفحة أو عدد العناصر غير صالح");
    }
    struct kb_media_rec *v = NULL;
    size_t n = 0, total = 0;
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc =
        kb_store_media_find(a->s, q, (size_t)((page - 1) * per), (size_t)per, &v, &n, &total, &d);
    free(q);
    if (rc)
        return adm_send_diag(a, rc, &d);
    struct kb_buf b;
    struct kb_json j;
    adm_start_json(&b, &j);
    kb_json_obj(&j);
    kb_json_key(&j, "media");
    kb_json_arr(&j);
    for (size_t i = 0; i < n; i++)
        write_record(&j, &v[i]);
    kb_json_end(&j);
    kb_json_key(&j, "total");
    kb_json_int(&j, (int64_t)total);
    kb_json_key(&j, "page");
    kb_json_int(&j, page);
    kb_json_key(&j, "per_page");
    kb_json_int(&j, per);
    kb_json_end(&j);
    kb_media_recs_free(v, n);
    return adm_send_json(a, 200, &b);
}

static enum MHD_Result patch(struct answer *a, int64_t id)
{
    struct kb_media_rec m = {0};
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_store_media_get(a->s, id, NULL, &m, &d);
    if (rc)
        return adm_send_diag(a, rc, &d);
    bool own = m.uploaded_by && m.uploaded_by == a->user.id;
    kb_media_rec_release(&m);
    if (!own && !adm_is_staff(a))
        return adm_send_error(a, 403, "forbidden", NULL,
                              "لا يعدّل بيانات الصورة إلا من رفعها أو محرر أو مدير");
    enum MHD_Result ret;
    json_t *o = adm_body_json(a, &ret);
    if (!o)
        return ret;
    static const char *const names[4] = {"alt", "caption", "credit", "copyright"};
    const char *v[4] = {0};
    for (int i = 0; i < 4; i++) {
        json_t *x = json_object_get(o, names[i]);
        if (!x)
            continue;
        if (json_is_null(x)) {
            v[i] = "";
        } else if (json_is_string(x)) {
            v[i] = json_string_value(x);
            if (strlen(v[i]) != json_string_length(x)) { /* an embedded \u0000 */
                json_decref(o);
                char msg[200];
                snprintf(msg, sizeof(msg), "%s غير صالح", text_name(names[i]));
                return adm_send_error(a, 422, "invalid", names[i], msg);
            }
        } else {
            json_decref(o);
            char msg[200];
            snprintf(msg, sizeof(msg), "%s يجب أن يكون نصاً", text_name(names[i]));
            return adm_send_error(a, 422, "invalid", names[i], msg);
        }
    }
    struct kb_media_text t = {v[0], v[1], v[2], v[3]};
    rc = kb_media_set_text(a->s, id, &t, &m, &d);
    json_decref(o);
    if (rc)
        return send_failure(a, rc, &d);
    ret = send_record(a, 200, &m);
    kb_media_rec_release(&m);
    return ret;
}

enum MHD_Result adm_media(struct answer *a, char **seg, size_t n)
{
    const char *m = a->rq->method;
    bool get = !strcmp(m, "GET") || !strcmp(m, "HEAD");
    if (n == 3) {
        if (!strcmp(m, "POST"))
            return upload(a);
        if (get)
            return list(a);
    } else if (n == 4) {
        int64_t id = adm_parse_id(seg[3]);
        if (id <= 0)
            return adm_send_error(a, 404, "not_found", NULL, "غير موجود");
        if (!strcmp(m, "PATCH"))
            return patch(a, id);
        if (get) {
            struct kb_media_rec r = {0};
            struct kb_diag d;
            kb_diag_clear(&d);
            int rc = kb_store_media_get(a->s, id, NULL, &r, &d);
            if (rc)
                return adm_send_diag(a, rc, &d);
            enum MHD_Result ret = send_record(a, 200, &r);
            kb_media_rec_release(&r);
            return ret;
        }
    } else {
        return adm_send_error(a, 404, "not_found", NULL, "غير موجود");
    }
    return adm_send_error(a, 405, "method_not_allowed", NULL, "هذه الطريقة غير مسموح بها هنا");
}
