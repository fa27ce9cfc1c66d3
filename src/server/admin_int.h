/*
 * admin_int.h — what the parts of the newsroom's HTTP side share (admin.c, admin_media.c,
 * admin_users.c): the per-request answer state and the helpers that build JSON answers.
 * Not for the rest of the server: server.c talks to admin.h only.
 */
#ifndef KHABAR_SRV_ADMIN_INT_H
#define KHABAR_SRV_ADMIN_INT_H

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stdint.h>
#include "admin.h"
#include "khabar/buf.h"
#include "khabar/json.h"
#include "khabar/newsroom.h"

/* The raw request as srv_admin_claim kept it. */
struct srv_admin_req {
    char method[12];
    char *path; /* decoded later; the raw target without its query */
    char *query;
    struct kb_buf body;
    size_t dropped; /* bytes past the cap */
};

/* One admin request being answered: who asks (after authentication), and the extra
 * headers of the response. */
struct answer {
    const struct srv_admin_env *env;
    struct srv_admin_req *rq;
    struct kb_store *s;
    int64_t now;
    /* who */
    bool authed, via_session;
    struct kb_user user;
    enum kb_role role;
    struct kb_session session;
    char ip[INET6_ADDRSTRLEN];
    /* extra headers of the response */
    char etag[48], location[128], cookie[256], retry[24];
};

/* Send `body` (a JSON document; consumed) with `status`, no-store, and the extra headers. */
enum MHD_Result adm_send_json(struct answer *a, int status, struct kb_buf *body);
/* Start a JSON answer body in `b` written through `j`. */
void adm_start_json(struct kb_buf *b, struct kb_json *j);
/* product.md's {"error":{"code","field","message"}} with an Arabic message. */
enum MHD_Result adm_send_error(struct answer *a, int status, const char *code, const char *field,
                               const char *message);
/* A use-case's failure (rc < 0, d filled) as 404/409/422/500 with its Arabic message. */
enum MHD_Result adm_send_diag(struct answer *a, int rc, const struct kb_diag *d);
/* A field of an x-www-form-urlencoded body or of the query string, decoded; NULL when
 * absent.  Caller frees. */
char *adm_form_get(const char *form, size_t len, const char *name);
char *adm_query_get(struct answer *a, const char *name);
bool adm_is_form(struct answer *a);
/* The request body as a JSON object; on failure the 400/422 answer is sent into *ret and
 * NULL returned. */
json_t *adm_body_json(struct answer *a, enum MHD_Result *ret);
/* A positive decimal id, or -1. */
int64_t adm_parse_id(const char *s);
/* admin or editor */
bool adm_is_staff(const struct answer *a);
void adm_write_user(struct kb_json *j, const struct kb_user *u, enum kb_role role);
/* An ISO 8601 time in UTC, or null for 0. */
void adm_iso(struct kb_json *j, int64_t t);
struct kb_actor adm_actor(const struct answer *a);
/* After every successful write: bump the page cache, wake the scheduler. */
void adm_wrote(struct answer *a);

/* ---- the parts in other files; each answers /api/v1/<seg[2]>/... ---- */

/* /api/v1/media... (admin_media.c) */
enum MHD_Result adm_media(struct answer *a, char **seg, size_t n);
/* /api/v1/users... (admin_users.c) */
enum MHD_Result adm_users(struct answer *a, char **seg, size_t n);

#endif
