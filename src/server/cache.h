/*
 * cache.h — ready-to-send HTTP responses and the in-memory page cache that keeps them.
 *
 * A struct srv_entry is one resource as libmicrohttpd will send it: the identity body and,
 * when worth it, a gzip body, each already wrapped in an MHD_Response with every header
 * set (Content-Type, ETag, Last-Modified, Cache-Control, Vary, security headers), plus
 * the matching bodiless 304 responses.  MHD responses are reference-counted and may be
 * queued on any number of connections from any thread, so a cached entry is served by
 * queueing its response: no copy, no compression, no header work per request.
 *
 * The cache is a hash table of entries keyed by a canonical request key, under one rwlock,
 * with a byte budget.  Each entry carries the data generation it was rendered in (a
 * number the server bumps whenever the database changes) and an optional expiry time; a
 * lookup treats an entry of another generation, or past its expiry, as missing.  When an
 * insert passes the budget, stale and expired entries go first, then the least recently
 * used, until the cache is under 7/8 of the budget.
 *
 * Thread-safety: srv_cache_* functions may be called from any thread.  An entry that is
 * not in a cache belongs to one thread.
 */
#ifndef KHABAR_SRV_CACHE_H
#define KHABAR_SRV_CACHE_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The generation of entries that do not depend on the database (static files). */
#define SRV_GEN_ANY UINT64_MAX

enum srv_kind {
    SRV_KIND_PAGE,     /* HTML pages: public, max-age=60, CSP */
    SRV_KIND_API,      /* JSON: no-cache (revalidate with the ETag) */
    SRV_KIND_STATIC,   /* files under /static and /media: public, max-age=86400 */
    SRV_KIND_NOSTORE,  /* health checks and server errors: no-store */
    SRV_KIND_IMMUTABLE /* content-addressed files under /media: public, a year, immutable */
};

struct srv_entry;

/* What the request asked for, as far as choosing a response goes. */
struct srv_want {
    bool gzip;                 /* Accept-Encoding allows gzip */
    const char *if_none_match; /* header value or NULL */
    const char *if_modified_since;
};

/* Build an entry from a body, taking ownership of `body` (malloc'd; may be NULL when len
 * is 0).  `location` (may be NULL) is copied into a Location header.  Bodies of text types
 * of a useful size are gzipped once here.  Never fails (allocation failure aborts). */
struct srv_entry *srv_entry_new(int status, enum srv_kind kind, const char *content_type,
                                char *body, size_t len, int64_t last_modified,
                                const char *location);
/* The same for a response served once and never cached: gzipped only when `gzip` (the
 * client takes it), so an uncached answer (search) does not pay for a form nobody asked. */
struct srv_entry *srv_entry_new_once(int status, enum srv_kind kind, const char *content_type,
                                     char *body, size_t len, int64_t last_modified,
                                     const char *location, bool gzip);
/* Add one more header to every response of a fresh entry (before it is queued or cached). */
void srv_entry_header(struct srv_entry *e, const char *name, const char *value);
/* Free an entry that is not in a cache (responses in flight stay alive inside MHD). */
void srv_entry_free(struct srv_entry *e);

/* Queue the right response of `e` for the request: 304 when the validators match, else
 * the gzip or identity form.  Returns MHD's result; *status and *bytes say what was sent. */
enum MHD_Result srv_entry_queue(const struct srv_entry *e, struct MHD_Connection *c,
                                const struct srv_want *w, int *status, size_t *bytes);

struct srv_cache;

struct srv_cache *srv_cache_new(size_t budget_bytes);
void srv_cache_free(struct srv_cache *c);

/* The current data generation (starts at 1).  Read it BEFORE reading the database for a
 * response, and store the response under that number: a change that lands meanwhile then
 * makes the entry stale instead of leaving old bytes current. */
uint64_t srv_cache_generation(struct srv_cache *c);
/* Make every entry of an older generation stale (the database changed). */
void srv_cache_bump(struct srv_cache *c);

/* Look `key` up; when a current entry (of the current generation or SRV_GEN_ANY, not
 * expired at `now`) is found, queue its response as srv_entry_queue does and return true. */
bool srv_cache_serve(struct srv_cache *c, const char *key, int64_t now, struct MHD_Connection *conn,
                     const struct srv_want *w, enum MHD_Result *ret, int *status, size_t *bytes);

/* Insert `e` under `key` for generation `gen` (SRV_GEN_ANY for files), expiring at
 * `expires_at` (0: only the generation ends it; else unix seconds), replacing any entry
 * with that key.  The cache owns `e` afterwards.  An entry larger than a quarter of the
 * budget is not kept (freed at once). */
void srv_cache_put(struct srv_cache *c, const char *key, struct srv_entry *e, uint64_t gen,
                   int64_t expires_at, int64_t now);

/* Entries and bytes held, for tests and logs. */
void srv_cache_stats(struct srv_cache *c, size_t *entries, size_t *bytes);

#endif
