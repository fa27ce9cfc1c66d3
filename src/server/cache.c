/*
 * cache.c — prepared responses (headers, ETag, gzip) and the page cache that holds them.
 *
 * Invariants: an entry's responses are fully built before anyone else can see it and are
 * never modified afterwards (MHD may be sending them on several threads); a response is
 * queued only while the cache's read lock is held or by the thread owning the entry, so
 * eviction (under the write lock) never destroys a response between lookup and queue —
 * after queueing, MHD's own reference keeps it alive.  `bytes` counts every body, key and
 * entry the cache holds; it never exceeds the budget after srv_cache_put returns.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include "cache.h"
#include "khabar/buf.h"

#define NBUCKETS 4096u
#define GZIP_MIN 256 /* smaller bodies are not worth a Content-Encoding */

#define CSP                                                                                        \
    "default-src 'self'; img-src 'self' data:; style-src 'self'; base-uri 'self'; "                \
    "form-action 'self'; frame-ancestors 'self'"

struct srv_entry {
    struct srv_entry *next; /* hash chain */
    char *key;
    uint64_t hash;
    uint64_t gen;
    int64_t expires_at;
    _Atomic uint64_t last_used;
    size_t bytes; /* what this entry costs the cache */
    int status;
    size_t len, gzlen;
    char etag[48], etag_gz[52];
    int64_t last_modified;
    struct MHD_Response *resp, *resp_gz, *resp_304, *resp_304_gz;
};

struct srv_cache {
    pthread_rwlock_t lock;
    struct srv_entry *buckets[NBUCKETS];
    size_t entries, bytes, budget;
    _Atomic uint64_t tick;
    _Atomic uint64_t generation;
};

/* ---- entries ----------------------------------------------------------------------- */

static void http_date(char out[32], int64_t t)
{
    static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    /* HTTP dates have four-digit years; clamp so the field widths are known. */
    int year = tm.tm_year + 1900;
    year = year < 0 ? 0 : year > 9999 ? 9999 : year;
    char tmp[64]; /* 29 bytes in practice; the compiler cannot prove the field widths */
    int n = snprintf(tmp, sizeof(tmp), "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7],
                     tm.tm_mday % 32, months[tm.tm_mon % 12], year, tm.tm_hour % 24,
                     tm.tm_min % 60, tm.tm_sec % 61);
    size_t len = n < 0 ? 0 : (size_t)n > 31 ? 31 : (size_t)n;
    memcpy(out, tmp, len);
    out[len] = '\0';
}

/* Unix seconds of an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), or -1. */
static int64_t parse_http_date(const char *s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char mon[4];
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (sscanf(s, "%*3s, %2d %3s %4d %2d:%2d:%2d GMT", &tm.tm_mday, mon, &tm.tm_year, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return -1;
    const char *m = strstr(months, mon);
    if (!m || (m - months) % 3)
        return -1;
    tm.tm_mon = (int)((m - months) / 3);
    tm.tm_year -= 1900;
    return (int64_t)timegm(&tm);
}

static bool compressible(const char *type)
{
    return strncmp(type, "text/", 5) == 0 || strncmp(type, "application/json", 16) == 0 ||
           strncmp(type, "application/xml", 15) == 0 ||
           strncmp(type, "application/rss+xml", 19) == 0 ||
           strncmp(type, "application/atom+xml", 20) == 0 ||
           strncmp(type, "application/feed+json", 21) == 0 ||
           strncmp(type, "image/svg+xml", 13) == 0 ||
           strncmp(type, "application/javascript", 22) == 0;
}

/* gzip `p` once; NULL when it does not get smaller. */
static char *gzip_body(const char *p, size_t n, size_t *outlen)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)n);
    char *out = kb_malloc(cap);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    size_t len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || len >= n) {
        free(out);
        return NULL;
    }
    *outlen = len;
    return out;
}

/* A strong validator from the bytes: CRC-32 and Adler-32 (both in zlib) and the length. */
static void make_etag(char *out, size_t cap, const char *p, size_t n, const char *suffix)
{
    uLong crc = crc32(0L, (const Bytef *)p, (uInt)n);
    uLong adl = adler32(1L, (const Bytef *)p, (uInt)n);
    snprintf(out, cap, "\"%08lx%08lx%zx%s\"", crc & 0xffffffffUL, adl & 0xffffffffUL, n, suffix);
}

static const char *cache_control(enum srv_kind kind, int status)
{
    if (kind == SRV_KIND_NOSTORE || (status >= 400 && status != 404 && status != 410))
        return "no-store";
    switch (kind) {
    case SRV_KIND_PAGE:
        return "public, max-age=60";
    case SRV_KIND_STATIC:
        return status == 200 ? "public, max-age=86400" : "public, max-age=60";
    case SRV_KIND_IMMUTABLE: /* the name is the content's hash (media.h) */
        return status == 200 ? "public, max-age=31536000, immutable" : "public, max-age=60";
    default:
        return "no-cache";
    }
}

static void common_headers(struct MHD_Response *r, const struct srv_entry *e, enum srv_kind kind,
                           const char *etag, bool html)
{
    char date[32];
    MHD_add_response_header(r, "Cache-Control", cache_control(kind, e->status));
    MHD_add_response_header(r, "Vary", "Accept-Encoding");
    if (e->status == 200 || e->status == 304) {
        MHD_add_response_header(r, "ETag", etag);
        if (e->last_modified > 0) {
            http_date(date, e->last_modified);
            MHD_add_response_header(r, "Last-Modified", date);
        }
    }
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "strict-origin-when-cross-origin");
    if (html)
        MHD_add_response_header(r, "Content-Security-Policy", CSP);
}

static struct MHD_Response *body_response(struct srv_entry *e, enum srv_kind kind, const char *type,
                                          char *body, size_t len, const char *etag, bool gz,
                                          const char *location)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, body, body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!r)
        kb_oom();
    MHD_add_response_header(r, "Content-Type", type);
    if (gz)
        MHD_add_response_header(r, "Content-Encoding", "gzip");
    if (location)
        MHD_add_response_header(r, "Location", location);
    common_headers(r, e, kind, etag, strncmp(type, "text/html", 9) == 0);
    return r;
}

static struct MHD_Response *not_modified(struct srv_entry *e, enum srv_kind kind, const char *etag,
                                         size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (!r)
        kb_oom();
    /* MHD 0.9.75 announces "Content-Length: 0" on a 304 whatever we set (adding the real
     * length gives two headers), which RFC 9110 8.6 discourages but RFC 9111 3.2 makes
     * harmless: caches never take Content-Length from a 304. */
    (void)len;
    int saved = e->status;
    e->status = 304;
    common_headers(r, e, kind, etag, false);
    e->status = saved;
    return r;
}

static struct srv_entry *entry_new(int status, enum srv_kind kind, const char *content_type,
                                   char *body, size_t len, int64_t last_modified,
                                   const char *location, bool try_gzip)
{
    struct srv_entry *e = kb_calloc(1, sizeof(*e));
    e->status = status;
    e->len = len;
    e->last_modified = last_modified;
    if (!body)
        len = 0;
    make_etag(e->etag, sizeof(e->etag), body ? body : "", len, "");
    char *gz = NULL;
    if (try_gzip && status == 200 && len >= GZIP_MIN && compressible(content_type))
        gz = gzip_body(body, len, &e->gzlen);
    if (gz) {
        make_etag(e->etag_gz, sizeof(e->etag_gz), body, len, "-gz");
        e->resp_gz = body_response(e, kind, content_type, gz, e->gzlen, e->etag_gz, true, NULL);
        e->resp_304_gz = not_modified(e, kind, e->etag_gz, e->gzlen);
    }
    e->resp = body_response(e, kind, content_type, body, len, e->etag, false, location);
    if (status == 200)
        e->resp_304 = not_modified(e, kind, e->etag, len);
    e->bytes = sizeof(*e) + len + e->gzlen + 1024; /* + headers, roughly */
    return e;
}

struct srv_entry *srv_entry_new(int status, enum srv_kind kind, const char *content_type,
                                char *body, size_t len, int64_t last_modified, const char *location)
{
    return entry_new(status, kind, content_type, body, len, last_modified, location, true);
}

struct srv_entry *srv_entry_new_once(int status, enum srv_kind kind, const char *content_type,
                                     char *body, size_t len, int64_t last_modified,
                                     const char *location, bool gzip)
{
    return entry_new(status, kind, content_type, body, len, last_modified, location, gzip);
}

void srv_entry_header(struct srv_entry *e, const char *name, const char *value)
{
    MHD_add_response_header(e->resp, name, value);
    if (e->resp_gz)
        MHD_add_response_header(e->resp_gz, name, value);
}

void srv_entry_free(struct srv_entry *e)
{
    if (!e)
        return;
    MHD_destroy_response(e->resp);
    if (e->resp_gz)
        MHD_destroy_response(e->resp_gz);
    if (e->resp_304)
        MHD_destroy_response(e->resp_304);
    if (e->resp_304_gz)
        MHD_destroy_response(e->resp_304_gz);
    free(e->key);
    free(e);
}

/* Does the If-None-Match list name `etag` (weak comparison, as RFC 9110 asks for GET)? */
static bool etag_listed(const char *list, const char *etag)
{
    size_t elen = strlen(etag);
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (*p != '"')
            return false;
        const char *end = strchr(p + 1, '"');
        if (!end)
            return false;
        if ((size_t)(end + 1 - p) == elen && memcmp(p, etag, elen) == 0)
            return true;
        p = end + 1;
    }
    return false;
}

static bool not_modified_for(const struct srv_entry *e, const struct srv_want *w)
{
    if (e->status != 200)
        return false;
    if (w->if_none_match) /* when present, If-Modified-Since is ignored (RFC 9110 13.1.3) */
        return etag_listed(w->if_none_match, e->etag) ||
               (e->resp_gz && etag_listed(w->if_none_match, e->etag_gz));
    if (w->if_modified_since && e->last_modified > 0) {
        int64_t t = parse_http_date(w->if_modified_since);
        return t >= 0 && e->last_modified <= t;
    }
    return false;
}

enum MHD_Result srv_entry_queue(const struct srv_entry *e, struct MHD_Connection *c,
                                const struct srv_want *w, int *status, size_t *bytes)
{
    bool gz = w->gzip && e->resp_gz;
    if (not_modified_for(e, w)) {
        *status = 304;
        *bytes = 0;
        return MHD_queue_response(c, 304, gz ? e->resp_304_gz : e->resp_304);
    }
    *status = e->status;
    *bytes = gz ? e->gzlen : e->len;
    return MHD_queue_response(c, (unsigned)e->status, gz ? e->resp_gz : e->resp);
}

/* ---- the cache --------------------------------------------------------------------- */

static uint64_t hash_key(const char *k)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ULL;
    return h;
}

struct srv_cache *srv_cache_new(size_t budget_bytes)
{
    struct srv_cache *c = kb_calloc(1, sizeof(*c));
    pthread_rwlock_init(&c->lock, NULL);
    c->budget = budget_bytes;
    atomic_init(&c->generation, 1);
    return c;
}

uint64_t srv_cache_generation(struct srv_cache *c)
{
    return atomic_load(&c->generation);
}

void srv_cache_bump(struct srv_cache *c)
{
    atomic_fetch_add(&c->generation, 1);
}

void srv_cache_free(struct srv_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < NBUCKETS; i++) {
        struct srv_entry *e = c->buckets[i];
        while (e) {
            struct srv_entry *next = e->next;
            srv_entry_free(e);
            e = next;
        }
    }
    pthread_rwlock_destroy(&c->lock);
    free(c);
}

static bool current(const struct srv_entry *e, uint64_t gen, int64_t now)
{
    return (e->gen == SRV_GEN_ANY || e->gen == gen) && (e->expires_at == 0 || now < e->expires_at);
}

bool srv_cache_serve(struct srv_cache *c, const char *key, int64_t now, struct MHD_Connection *conn,
                     const struct srv_want *w, enum MHD_Result *ret, int *status, size_t *bytes)
{
    uint64_t gen = srv_cache_generation(c);
    uint64_t h = hash_key(key);
    bool hit = false;
    pthread_rwlock_rdlock(&c->lock);
    for (struct srv_entry *e = c->buckets[h % NBUCKETS]; e; e = e->next) {
        if (e->hash == h && strcmp(e->key, key) == 0) {
            if (current(e, gen, now)) {
                atomic_store_explicit(&e->last_used,
                                      atomic_fetch_add_explicit(&c->tick, 1, memory_order_relaxed),
                                      memory_order_relaxed);
                *ret = srv_entry_queue(e, conn, w, status, bytes);
                hit = true;
            }
            break;
        }
    }
    pthread_rwlock_unlock(&c->lock);
    return hit;
}

/* Unlink `e` (found in bucket b after `prev`) and free it.  Write lock held. */
static void unlink_entry(struct srv_cache *c, size_t b, struct srv_entry *prev, struct srv_entry *e)
{
    if (prev)
        prev->next = e->next;
    else
        c->buckets[b] = e->next;
    c->entries--;
    c->bytes -= e->bytes;
    srv_entry_free(e);
}

struct victim {
    uint64_t rank; /* 0 for stale/expired: they go first */
    struct srv_entry *e;
};

static int victim_cmp(const void *a, const void *b)
{
    uint64_t x = ((const struct victim *)a)->rank, y = ((const struct victim *)b)->rank;
    return x < y ? -1 : x > y;
}

/* Bring the cache under 7/8 of its budget.  Write lock held. */
static void evict(struct srv_cache *c, uint64_t gen, int64_t now)
{
    size_t target = c->budget / 8 * 7;
    if (c->bytes <= c->budget || c->entries == 0)
        return;
    struct victim *v = kb_malloc(c->entries * sizeof(*v));
    size_t n = 0;
    for (size_t b = 0; b < NBUCKETS; b++)
        for (struct srv_entry *e = c->buckets[b]; e; e = e->next)
            v[n++] = (struct victim){current(e, gen, now) ? 1 + e->last_used : 0, e};
    qsort(v, n, sizeof(*v), victim_cmp);
    for (size_t i = 0; i < n && c->bytes > target; i++) {
        size_t b = v[i].e->hash % NBUCKETS;
        struct srv_entry *prev = NULL;
        for (struct srv_entry *e = c->buckets[b]; e; prev = e, e = e->next) {
            if (e == v[i].e) {
                unlink_entry(c, b, prev, e);
                break;
            }
        }
    }
    free(v);
}

void srv_cache_put(struct srv_cache *c, const char *key, struct srv_entry *e, uint64_t gen,
                   int64_t expires_at, int64_t now)
{
    size_t keylen = strlen(key);
    if (e->bytes + keylen > c->budget / 4) {
        srv_entry_free(e);
        return;
    }
    e->key = kb_strdup(key);
    e->hash = hash_key(key);
    e->gen = gen;
    e->expires_at = expires_at;
    e->bytes += keylen + 1;
    size_t b = e->hash % NBUCKETS;

    pthread_rwlock_wrlock(&c->lock);
    atomic_store_explicit(&e->last_used, atomic_fetch_add(&c->tick, 1), memory_order_relaxed);
    struct srv_entry *prev = NULL;
    for (struct srv_entry *old = c->buckets[b]; old; prev = old, old = old->next) {
        if (old->hash == e->hash && strcmp(old->key, key) == 0) {
            unlink_entry(c, b, prev, old);
            break;
        }
    }
    e->next = c->buckets[b];
    c->buckets[b] = e;
    c->entries++;
    c->bytes += e->bytes;
    evict(c, srv_cache_generation(c), now);
    pthread_rwlock_unlock(&c->lock);
}

void srv_cache_stats(struct srv_cache *c, size_t *entries, size_t *bytes)
{
    pthread_rwlock_rdlock(&c->lock);
    *entries = c->entries;
    *bytes = c->bytes;
    pthread_rwlock_unlock(&c->lock);
}
