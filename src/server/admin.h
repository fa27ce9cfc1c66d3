/*
 * admin.h — the newsroom's HTTP side (admin.c): sign-in, sessions, CSRF, the admin JSON API
 * under /api/v1/, and the scheduler thread that publishes scheduled articles on time.
 *
 * server.c asks srv_admin_claim on the first call of a request (headers in, no body yet);
 * a claimed request has its body read into a capped buffer (srv_admin_feed; past the cap
 * the server answers 413) and is answered by srv_admin_answer on the worker thread's store.
 * Admin responses are never cached (Cache-Control: no-store).  See docs/newsroom.md.
 */
#ifndef KHABAR_SRV_ADMIN_H
#define KHABAR_SRV_ADMIN_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cache.h"
#include "khabar/store.h"

/* Largest request body of the article API (login: 64 KiB). */
#define SRV_ADMIN_MAX_BODY ((size_t)4 << 20)

struct srv_admin_req;

/* The request's state when the admin side answers it, else NULL: every write under
 * /api/v1/ (articles, sections, sessions, media), /admin/login and /admin/logout, the
 * newsroom-only GETs (sections, session(s), revisions), and GET /api/v1/articles[/{id}]
 * when the request carries a session cookie or an Authorization header. */
struct srv_admin_req *srv_admin_claim(struct MHD_Connection *c, const char *method,
                                      const char *uri);
/* The body cap of a claimed request (a Content-Length above it is answered 413 at once). */
size_t srv_admin_cap(const struct srv_admin_req *r);
/* Append body bytes.  Past the cap the rest is counted and dropped (answer 413 once the
 * request is complete); false when even that passes 16 times the cap (close the
 * connection). */
bool srv_admin_feed(struct srv_admin_req *r, const char *data, size_t n);
/* Did the body pass its cap? */
bool srv_admin_too_big(const struct srv_admin_req *r);
/* Answer 413 for a claimed request whose body is (or is announced) over its cap: a JSON
 * error naming the limit in MiB (photos: 20 MiB; articles: 4 MiB). */
enum MHD_Result srv_admin_refuse_too_big(const struct srv_admin_req *r, struct MHD_Connection *c,
                                         int *status, size_t *bytes);
void srv_admin_req_free(struct srv_admin_req *r);

struct srv_admin_env {
    struct MHD_Connection *conn;
    struct kb_store *store; /* the worker thread's connection */
    struct srv_cache *cache;
    int *status; /* what was sent, for the access log */
    size_t *bytes;
    const char *media_dir; /* where uploaded photos are written (admin_media.c) */
};

enum MHD_Result srv_admin_answer(struct srv_admin_req *r, const struct srv_admin_env *env);

/* ---- the scheduler ---- */

/* Start the thread: it opens its own store connection, publishes due articles (bumping the
 * cache when it did), and sleeps until the next due time (at most one second, so articles
 * scheduled by another process are seen too).  NULL when the thread could not start. */
struct srv_scheduler *srv_scheduler_start(const char *db_path, struct srv_cache *cache);
void srv_scheduler_stop(struct srv_scheduler *sch);
/* When the public pages change by themselves next (unix seconds), 0 when nothing is due:
 * cached list pages expire then. */
int64_t srv_scheduler_next(void);

#endif
