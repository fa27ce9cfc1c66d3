/*
 * server.c — `khabar serve`: libmicrohttpd, routing, per-thread store connections, the
 * page cache's invalidation watcher, request limits and access logging.
 *
 * Threads: MHD's epoll thread pool (one thread per core) runs every request to completion
 * on the thread that owns the connection.  Each such thread lazily opens its own store
 * connection (a struct worker, found through a thread-local pointer and registered in a
 * list so srv_run can close them all after MHD has stopped).  One more thread, the
 * watcher, polls kb_store_data_version on the start-up connection every 250 ms and bumps
 * the cache generation when the database changed — by this process or any other.
 *
 * Invariants: a request is answered exactly once — a refusal (405, 413, 414) on the first
 * call of the access handler, as soon as the headers are in, so a body is never read; any
 * other request on the second call, when MHD holds the complete request (answering earlier
 * would make MHD close the keep-alive connection); the cache
 * generation is read before the database is, so a response is never cached as current
 * when it might predate a change; every path segment is percent-decoded, checked for
 * UTF-8 and NUL, and never reaches the file system unchecked (files.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "../cmd.h"
#include "admin.h"
#include "cache.h"
#include "khabar/feed_pages.h"
#include "khabar/media.h"
#include "khabar/pages.h"
#include "khabar/utf8.h"
#include "server.h"

#define MAX_URI 4096          /* longer request targets get 414 */
#define MAX_SEGS 16           /* deeper paths are 404 without further thought */
#define MAX_PARAM 256         /* a query value longer than this is malformed */
#define FILE_TTL 5            /* seconds a cached /static or /media file is trusted */
#define WATCH_INTERVAL_MS 250 /* data_version polling period */
#define CONN_TIMEOUT 30       /* seconds of idleness before a connection is closed */
#define DEFAULT_CONN_MEMORY (16 * 1024)
#define DEFAULT_CACHE_BYTES ((size_t)64 << 20)

struct server;

struct worker {
    struct worker *next;
    struct server *owner;
    struct kb_store *store;
    struct kb_search_stmts *search_stmts; /* kept prepared on `store`'s connection */
    struct kb_site_conf *conf;
    uint64_t conf_gen;
    bool open_failed_logged;
};

struct server {
    const struct srv_config *cfg;
    struct srv_cache *cache;
    char *static_dir, *media_dir, *admin_dir;
    pthread_mutex_t workers_lock;
    struct worker *workers;
    struct kb_store *watch_store;
    pthread_mutex_t watch_lock;
    pthread_cond_t watch_cond;
    bool stopping;
    uint64_t data_version; /* as last seen by the watcher */
    bool have_version;
    struct kb_search_live *search; /* the in-memory search ranker (search.h), or NULL */
};

static _Thread_local struct worker *tl_worker;

/* Used for error pages when the store cannot be reached. */
static const struct kb_site fallback_site = {
    .name = "خبر",
    .language = "ar",
    .base_url = "",
    .timezone = "Asia/Riyadh",
    .discover_count = 15,
    .page_size = 20,
};

/* ---- per-request state ------------------------------------------------------------- */

struct request {
    struct timespec start;
    int status;
    size_t bytes;
    bool headers_seen, answered, too_long;
    char method[12];
    struct srv_admin_req *admin; /* the newsroom answers this one (admin.c) */
    char uri[]; /* as received, cut at MAX_URI */
};

/* /search?… or /api/v1/search?…: a query longer than MAX_URI is served cut there rather
 * than refused (the query language reads only its first KB_SEARCH_MAX_INPUT bytes), so a
 * reader who pastes a long text into the search box gets results, not an error. */
static bool search_target(const char *uri)
{
    return strncmp(uri, "/search?", 8) == 0 || strncmp(uri, "/api/v1/search?", 15) == 0;
}

/* MHD calls this first, with the raw request target; its result becomes *req_cls. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    size_t n = strlen(uri);
    bool too_long = n > MAX_URI;
    if (too_long)
        n = MAX_URI;
    struct request *rq = kb_calloc(1, sizeof(*rq) + n + 1);
    memcpy(rq->uri, uri, n);
    rq->too_long = too_long;
    clock_gettime(CLOCK_MONOTONIC, &rq->start);
    return rq;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *srv = cls;
    struct request *rq = *req_cls;
    (void)toe;
    if (!rq)
        return;
    if (srv->cfg->access_log && rq->answered) {
        struct timespec end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        double ms = (double)(end.tv_sec - rq->start.tv_sec) * 1e3 +
                    (double)(end.tv_nsec - rq->start.tv_nsec) / 1e6;
        char ip[INET6_ADDRSTRLEN] = "-";
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr) {
            const struct sockaddr *sa = ci->client_addr;
            if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof(ip));
            else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof(ip));
        }
        /* One write per line, so lines from several threads do not interleave. */
        char line[MAX_URI + 256];
        int n = snprintf(line, sizeof(line), "%s %s %s %d %zu %.3fms\n", ip, rq->method, rq->uri,
                         rq->status, rq->bytes, ms);
        if (n > 0)
            (void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line));
    }
    srv_admin_req_free(rq->admin);
    free(rq);
    *req_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    (void)socket_context;
    if (toe != MHD_CONNECTION_NOTIFY_STARTED)
        return;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci) {
        int one = 1; /* small responses must not wait for Nagle's delayed ACK dance */
        (void)setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
}

/* ---- workers ----------------------------------------------------------------------- */

static struct worker *worker_get(struct server *srv)
{
    struct worker *w = tl_worker;
    if (w && w->owner == srv)
        return w;
    w = kb_calloc(1, sizeof(*w));
    w->owner = srv;
    pthread_mutex_lock(&srv->workers_lock);
    w->next = srv->workers;
    srv->workers = w;
    pthread_mutex_unlock(&srv->workers_lock);
    tl_worker = w;
    return w;
}

/* Make sure the worker has a store and the site settings of generation `gen`. */
static bool worker_ready(struct worker *w, uint64_t gen)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    if (!w->store) {
        if (kb_store_open(w->owner->cfg->db_path, KB_STORE_EXISTING, &w->store, &d) != 0) {
            w->store = NULL;
            if (!w->open_failed_logged)
                cmd_error_diag("serve", w->owner->cfg->db_path, &d);
            w->open_failed_logged = true;
            return false;
        }
        w->search_stmts = kb_search_stmts_new();
    }
    if (!w->conf || w->conf_gen != gen) {
        struct kb_site_conf *c;
        if (kb_site_conf_load(w->store, &c, &d) == 0) {
            kb_site_conf_free(w->conf);
            w->conf = c;
            w->conf_gen = gen;
        } else {
            cmd_error_diag("serve", "site settings", &d);
            if (!w->conf)
                return false;
        }
    }
    return true;
}

static const struct kb_site *worker_site(const struct worker *w)
{
    return w && w->conf ? &w->conf->site : &fallback_site;
}

/* ---- request parsing --------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n) into out (room for n+1), '+' as space when `plus`.  False for
 * bad escapes, NUL bytes and invalid UTF-8. */
static bool pct_decode(const char *s, size_t n, char *out, bool plus)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return false;
            ch = (char)(hi * 16 + lo);
            i += 2;
        } else if (ch == '+' && plus) {
            ch = ' ';
        }
        if (ch == '\0')
            return false;
        out[o++] = ch;
    }
    out[o] = '\0';
    return kb_utf8_valid(out, o);
}

struct target {
    char buf[MAX_URI + 1]; /* decoded segments, NUL-separated */
    char *segs[MAX_SEGS];
    size_t nsegs;
    bool trailing;           /* the path ends with '/' (and is not just "/") */
    const char *query;       /* raw, after '?', or NULL */
    char shown[MAX_URI + 1]; /* the decoded path, for the 404 page */
};

/* Split and decode the path; false when it cannot name anything (then 404). */
static bool parse_target(const char *uri, struct target *t)
{
    memset(t->segs, 0, sizeof(t->segs));
    t->nsegs = 0;
    t->trailing = false;
    const char *q = strchr(uri, '?');
    t->query = q ? q + 1 : NULL;
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    if (plen == 0 || uri[0] != '/' || plen > MAX_URI)
        return false;
    if (!pct_decode(uri, plen, t->shown, false))
        snprintf(t->shown, sizeof(t->shown), "%.*s", (int)plen, uri);
    size_t o = 0, i = 1;
    while (i < plen) {
        size_t j = i;
        while (j < plen && uri[j] != '/')
            j++;
        if (j == i) /* "//": not a path we make */
            return false;
        if (t->nsegs == MAX_SEGS)
            return false;
        if (!pct_decode(uri + i, j - i, t->buf + o, false))
            return false;
        t->segs[t->nsegs++] = t->buf + o;
        o += strlen(t->buf + o) + 1;
        if (j == plen - 1)
            t->trailing = true;
        i = j + 1;
    }
    return true;
}

/* Find `name` in a raw query string.  0 and the decoded value in out (room for max + 1
 * bytes); 1 absent; -1 malformed or longer than max. */
static int query_get_n(const char *query, const char *name, char *out, size_t max)
{
    size_t nlen = strlen(name);
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            size_t vlen = len - nlen - 1;
            if (vlen > max || !pct_decode(p + nlen + 1, vlen, out, true))
                return -1;
            return 0;
        }
        if (len == nlen && strncmp(p, name, nlen) == 0) {
            out[0] = '\0';
            return 0;
        }
        p = amp ? amp + 1 : NULL;
    }
    return 1;
}

static int query_get(const char *query, const char *name, char out[MAX_PARAM + 1])
{
    return query_get_n(query, name, out, MAX_PARAM);
}

/* The search box's q: any bytes a reader sends (up to the request's own limit), decoded;
 * undecodable text (bad %-escapes, invalid UTF-8) is kept as sent: the query language
 * treats whatever it cannot read as separators.  "" when absent. */
static void query_get_q(const char *query, char out[MAX_URI + 1])
{
    int rc = query_get_n(query, "q", out, MAX_URI);
    if (rc == 0)
        return;
    out[0] = '\0';
    if (rc < 0) {
        for (const char *p = query; p && *p;) {
            const char *amp = strchr(p, '&');
            size_t len = amp ? (size_t)(amp - p) : strlen(p);
            if (len >= 2 && p[0] == 'q' && p[1] == '=') {
                size_t o = 0;
                for (size_t i = 2; i < len && o < MAX_URI; i++) {
                    int h = i + 2 < len && p[i] == '%' ? hexval(p[i + 1]) : -1;
                    int l = h >= 0 ? hexval(p[i + 2]) : -1;
                    if (l >= 0) {
                        char c = (char)(h * 16 + l);
                        out[o++] = c ? c : ' ';
                        i += 2;
                    } else {
                        out[o++] = p[i] == '+' ? ' ' : p[i];
                    }
                }
                out[o] = '\0';
                return;
            }
            p = amp ? amp + 1 : NULL;
        }
    }
}

/* Does Accept-Encoding allow gzip (present and not q=0)? */
static bool accepts_gzip(const char *ae)
{
    for (const char *p = ae; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *end = p;
        while (*end && *end != ',')
            end++;
        size_t tok = 0;
        while (p + tok < end && p[tok] != ';' && p[tok] != ' ' && p[tok] != '\t')
            tok++;
        if ((tok == 4 && strncasecmp(p, "gzip", 4) == 0) ||
            (tok == 6 && strncasecmp(p, "x-gzip", 6) == 0)) {
            const char *qp = p + tok;
            while (qp < end && (*qp == ' ' || *qp == ';' || *qp == '\t'))
                qp++;
            if (qp + 1 < end && (qp[0] == 'q' || qp[0] == 'Q') && qp[1] == '=') {
                double qv = strtod(qp + 2, NULL);
                return qv > 0;
            }
            return true;
        }
        p = end;
    }
    return false;
}

/* Append a length-prefixed component to a cache key, so "a|b" + "c" != "a" + "b|c". */
static void key_add(struct kb_buf *k, const char *s)
{
    if (!s) {
        kb_buf_adds(k, "-|");
        return;
    }
    kb_buf_addf(k, "%zu:", strlen(s));
    kb_buf_adds(k, s);
    kb_buf_addch(k, '|');
}

/* A list page number from ?page=: absent is 1, anything but 1..KB_PAGES_MAX_PAGE is 0. */
static size_t page_param(const char *query)
{
    char v[MAX_PARAM + 1];
    int rc = query_get(query, "page", v);
    if (rc == 1)
        return 1;
    if (rc < 0 || !v[0] || strlen(v) > 6)
        return 0;
    size_t n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        n = n * 10 + (size_t)(*p - '0');
    }
    return n >= 1 && n <= KB_PAGES_MAX_PAGE ? n : 0;
}

/* ---- answering --------------------------------------------------------------------- */

struct ctx {
    struct server *srv;
    struct MHD_Connection *conn;
    struct request *rq;
    struct srv_want want;
    struct target *t;
    bool api;                 /* errors as JSON */
    enum kb_feed_format feed; /* R_FEED, R_SECTION_FEED */
    size_t sitemap;           /* R_SITEMAP: n of /sitemap-<n>.xml */
};

/* The origin absolute URLs use when site.base_url is unset: "http://" + the request's Host
 * (lowercased; "https://" when X-Forwarded-Proto says so), or "http://localhost" when the
 * Host header is missing or holds anything but host-name characters. */
static void request_origin(struct MHD_Connection *c, struct kb_buf *out)
{
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    const char *proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
    bool ok = host && *host && strlen(host) <= 255;
    for (const char *p = host; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             strchr(".-:[]", *p);
    kb_buf_adds(out, proto && strcasecmp(proto, "https") == 0 ? "https://" : "http://");
    for (const char *p = ok ? host : "localhost"; *p; p++)
        kb_buf_addch(out, (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p));
}

static enum MHD_Result send_entry(struct ctx *x, struct srv_entry *e, const char *key, uint64_t gen,
                                  int64_t expires_at)
{
    enum MHD_Result r = srv_entry_queue(e, x->conn, &x->want, &x->rq->status, &x->rq->bytes);
    if (key)
        srv_cache_put(x->srv->cache, key, e, gen, expires_at, (int64_t)time(NULL));
    else
        srv_entry_free(e);
    return r;
}

static struct srv_entry *entry_from_page(struct kb_page *p, enum srv_kind kind)
{
    size_t len = 0;
    char *body = p->body.n ? kb_buf_detach(&p->body, &len) : NULL;
    return srv_entry_new(p->status, kind, p->content_type, body, body ? len : 0, p->last_modified,
                         p->location);
}

static const char *api_code(int status)
{
    switch (status) {
    case 400:
        return "bad_request";
    case 404:
        return "not_found";
    case 405:
        return "method_not_allowed";
    case 413:
        return "payload_too_large";
    case 414:
        return "uri_too_long";
    default:
        return "internal";
    }
}

static const char *api_message(int status)
{
    switch (status) {
    case 400:
        return "الطلب غير صالح";
    case 404:
        return "غير موجود";
    case 405:
        return "هذه الطريقة غير مسموح بها هنا";
    case 413:
        return "لا يُقبل محتوى مع هذا الطلب";
    case 414:
        return "عنوان الطلب أطول من المسموح";
    default:
        return "حدث خطأ في الخادم";
    }
}

/* An error response (HTML page or API JSON), never cached. */
static enum MHD_Result send_error(struct ctx *x, int status)
{
    struct kb_page p;
    kb_page_init(&p);
    const struct kb_site *site =
        worker_site(tl_worker && tl_worker->owner == x->srv ? tl_worker : NULL);
    if (x->api)
        kb_pages_api_error(status, api_code(status), NULL, api_message(status), &p);
    else if (status == 404)
        kb_pages_not_found(site, x->t ? x->t->shown : NULL, &p);
    else
        kb_pages_error(site, status, NULL, &p);
    struct srv_entry *e = entry_from_page(&p, x->api ? SRV_KIND_API : SRV_KIND_PAGE);
    kb_page_release(&p);
    if (status == 405)
        srv_entry_header(e, "Allow", "GET, HEAD");
    return send_entry(x, e, NULL, 0, 0);
}

enum route {
    R_HOME,
    R_SECTION,
    R_SECTION_BARE, /* "/politics" without the slash */
    R_ARTICLE,
    R_API_LIST,
    R_API_ARTICLE,
    R_HEALTH,
    R_SEARCH,       /* /search?q=&page=&sort= — never cached: queries are unbounded */
    R_API_SEARCH,   /* /api/v1/search?q=&page=&per_page=&sort= */
    R_FEED,         /* /feed.xml, /atom.xml, /feed.json (x->feed) */
    R_SECTION_FEED, /* /<section>/feed.xml, ... */
    R_SITEMAP_INDEX,
    R_SITEMAP, /* /sitemap-<n>.xml (x->sitemap) */
    R_NEWS_SITEMAP,
    R_ROBOTS,
    R_REDIRECT, /* any other path: an imported article's old address, else 404 */
    R_TAG,      /* /tag/<tag>/?page= */
    R_AUTHOR,   /* /author/<slug>/?page= */
    R_TAG_FEED, /* /tag/<tag>/feed.xml, ... (x->feed) */
};
/* Routes whose bodies hold absolute URLs: keyed and rendered with the request's origin
 * when site.base_url is unset. */
static bool absolute_route(enum route r)
{
    return r == R_ARTICLE || r == R_FEED || r == R_SECTION_FEED || r == R_TAG_FEED ||
           r == R_SITEMAP_INDEX || r == R_SITEMAP || r == R_NEWS_SITEMAP || r == R_ROBOTS ||
           r == R_HOME || r == R_SECTION || r == R_TAG ||
           r == R_AUTHOR; /* lists: JSON-LD breadcrumbs */
}

/* When `uri` is the old address of a live imported article (store.h, redirects): make *p
 * a 301 to its current path and return true. */
static bool old_address(struct kb_store *st, const char *uri, int64_t now, struct kb_page *p)
{
    struct kb_buf path, loc;
    kb_buf_init(&path, 2 * MAX_URI);
    kb_buf_init(&loc, 3 * MAX_URI);
    bool found = kb_redirect_path(uri, &path, NULL) == 0 &&
                 kb_store_redirect_find(st, kb_buf_cstr(&path), now, &loc, NULL) == 0 &&
                 !kb_buf_err(&loc);
    if (found) {
        kb_page_release(p);
        kb_page_init(p);
        p->status = 301;
        p->location = kb_buf_detach(&loc, NULL);
    }
    kb_buf_release(&path);
    kb_buf_release(&loc);
    return found;
}

/* Answer a route served from the store, through the cache. */
static enum MHD_Result serve_dynamic(struct ctx *x, enum route r)
{
    struct target *t = x->t;
    char page_s[MAX_PARAM + 1], per_s[MAX_PARAM + 1], sec_s[MAX_PARAM + 1];
    struct kb_api_list_query aq = {0};
    struct kb_search_params sp = {0};
    static _Thread_local char q_s[MAX_URI + 1], sort_s[MAX_PARAM + 1];
    size_t page = 1;
    struct kb_buf key;
    kb_buf_init(&key, 3 * MAX_URI);
    switch (r) {
    case R_HOME:
    case R_SECTION:
        page = page_param(t->query);
        if (page == 0)
            return send_error(x, 404);
        kb_buf_adds(&key, r == R_HOME ? "home|" : "section|");
        key_add(&key, r == R_HOME ? NULL : t->segs[0]);
        kb_buf_addf(&key, "%zu", page);
        break;
    case R_TAG:
    case R_AUTHOR:
        page = page_param(t->query);
        if (page == 0)
            return send_error(x, 404);
        kb_buf_adds(&key, r == R_TAG ? "tag|" : "author|");
        key_add(&key, t->segs[1]);
        kb_buf_addf(&key, "%zu", page);
        break;
    case R_SECTION_BARE:
        kb_buf_adds(&key, "bare|");
        key_add(&key, t->segs[0]);
        break;
    case R_ARTICLE:
        kb_buf_adds(&key, "article|");
        key_add(&key, t->segs[0]);
        key_add(&key, t->segs[1]);
        break;
    case R_API_LIST: {
        int a = query_get(t->query, "page", page_s), b = query_get(t->query, "per_page", per_s),
            c = query_get(t->query, "section", sec_s);
        if (a < 0 || b < 0 || c < 0)
            return send_error(x, 400);
        aq.page = a == 0 ? page_s : NULL;
        aq.per_page = b == 0 ? per_s : NULL;
        aq.section = c == 0 ? sec_s : NULL;
        kb_buf_adds(&key, "list|");
        key_add(&key, aq.page);
        key_add(&key, aq.per_page);
        key_add(&key, aq.section);
        break;
    }
    case R_API_ARTICLE:
        kb_buf_adds(&key, "api|");
        key_add(&key, t->segs[3]);
        break;
    case R_HEALTH:
        break;
    case R_SEARCH:
    case R_API_SEARCH: {
        query_get_q(t->query, q_s);
        sp.q = q_s;
        int a = query_get(t->query, "page", page_s), b = query_get(t->query, "per_page", per_s),
            c = query_get(t->query, "sort", sort_s);
        if (r == R_API_SEARCH && (a < 0 || b < 0))
            return send_error(x, 400);
        sp.page = a == 0 ? page_s : NULL;
        sp.per_page = b == 0 ? per_s : NULL;
        sp.sort = c == 0 ? sort_s : NULL;
        break;
    }
    case R_FEED:
    case R_SECTION_FEED:
        kb_buf_addf(&key, "feed|%d|", (int)x->feed);
        key_add(&key, r == R_FEED ? NULL : t->segs[0]);
        break;
    case R_TAG_FEED:
        kb_buf_addf(&key, "tagfeed|%d|", (int)x->feed);
        key_add(&key, t->segs[1]);
        break;
    case R_SITEMAP_INDEX:
    case R_SITEMAP:
    case R_NEWS_SITEMAP:
    case R_ROBOTS:
        kb_buf_addf(&key, "machine|%d|%zu|", (int)r, x->sitemap);
        break;
    case R_REDIRECT:
        kb_buf_adds(&key, "redirect|");
        if (kb_redirect_path(x->rq->uri, &key, NULL) != 0) {
            kb_buf_release(&key);
            return send_error(x, 404);
        }
        break;
    }
    struct kb_buf origin;
    kb_buf_init(&origin, 512);
    if (absolute_route(r)) {
        request_origin(x->conn, &origin);
        key_add(&key, kb_buf_cstr(&origin));
    }
    if (kb_buf_err(&key)) {
        kb_buf_release(&key);
        kb_buf_release(&origin);
        return send_error(x, 414);
    }
    const char *k = r == R_HEALTH || r == R_SEARCH || r == R_API_SEARCH ? NULL : kb_buf_cstr(&key);
    int64_t now = (int64_t)time(NULL);
    enum MHD_Result ret;
    if (k && srv_cache_serve(x->srv->cache, k, now, x->conn, &x->want, &ret, &x->rq->status,
                             &x->rq->bytes)) {
        kb_buf_release(&key);
        kb_buf_release(&origin);
        return ret;
    }

    uint64_t gen = srv_cache_generation(x->srv->cache); /* before reading the store */
    struct worker *w = worker_get(x->srv);
    if (!worker_ready(w, gen)) {
        kb_buf_release(&key);
        kb_buf_release(&origin);
        return send_error(x, 500);
    }
    const struct kb_site *site = &w->conf->site;
    struct kb_site with_origin;
    if (absolute_route(r) && (!site->base_url || !*site->base_url)) {
        with_origin = *site;
        with_origin.base_url = kb_buf_cstr(&origin);
        site = &with_origin;
    }
    struct kb_page p;
    kb_page_init(&p);
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = 0;
    enum srv_kind kind = SRV_KIND_PAGE;
    switch (r) {
    case R_HOME:
        rc = kb_pages_home(w->store, site, page, now, &p, &d);
        break;
    case R_SECTION:
        rc = kb_pages_section(w->store, site, t->segs[0], page, now, &p, &d);
        break;
    case R_TAG:
        rc = kb_pages_tag(w->store, site, t->segs[1], page, now, &p, &d);
        break;
    case R_AUTHOR:
        rc = kb_pages_author(w->store, site, t->segs[1], page, now, &p, &d);
        break;
    case R_SECTION_BARE:
        if (kb_site_section(site, t->segs[0])) {
            struct kb_buf loc;
            kb_buf_init(&loc, 2 * MAX_URI);
            kb_buf_addch(&loc, '/');
            kb_buf_add_urlpath(&loc, t->segs[0], strlen(t->segs[0]));
            kb_buf_addch(&loc, '/');
            p.status = 301;
            p.location = kb_buf_detach(&loc, NULL);
        } else {
            p.status = 404;
        }
        break;
    case R_ARTICLE:
        rc = kb_pages_article(w->store, site, t->segs[0], t->segs[1], now, &p, &d);
        break;
    case R_API_LIST:
        kind = SRV_KIND_API;
        rc = kb_pages_api_articles(w->store, site, &aq, now, &p, &d);
        break;
    case R_API_ARTICLE:
        kind = SRV_KIND_API;
        rc = kb_pages_api_article(w->store, site, t->segs[3], now, &p, &d);
        break;
    case R_HEALTH:
        kind = SRV_KIND_NOSTORE;
        rc = kb_pages_health(w->store, &p, &d);
        break;
    case R_SEARCH:
    case R_API_SEARCH: {
        /* the index of this generation, else FTS5 while it is (re)built */
        struct kb_search_index *si = kb_search_live_get(x->srv->search, gen);
        sp.index = si;
        sp.stmts = w->search_stmts;
        if (r == R_SEARCH) {
            rc = kb_pages_search(w->store, site, &sp, now, &p, &d);
        } else {
            kind = SRV_KIND_API;
            rc = kb_pages_api_search(w->store, site, &sp, now, &p, &d);
        }
        kb_search_index_release(si);
        break;
    }
    case R_FEED:
    case R_SECTION_FEED:
        rc = kb_pages_feed(w->store, site, x->feed, r == R_FEED ? NULL : t->segs[0],
                           x->srv->media_dir, now, &p, &d);
        break;
    case R_TAG_FEED:
        rc = kb_pages_tag_feed(w->store, site, x->feed, t->segs[1], x->srv->media_dir, now, &p, &d);
        break;
    case R_SITEMAP_INDEX:
        rc = kb_pages_sitemap_index(w->store, site, 0, now, &p, &d);
        break;
    case R_SITEMAP:
        rc = kb_pages_sitemap(w->store, site, x->sitemap, 0, now, &p, &d);
        break;
    case R_NEWS_SITEMAP:
        rc = kb_pages_news_sitemap(w->store, site, now, &p, &d);
        break;
    case R_ROBOTS:
        kb_pages_robots(site, &p);
        break;
    case R_REDIRECT:
        p.status = 404; /* unless it is an old address, below */
        break;
    }
    if (rc) {
        cmd_error_diag("serve", x->rq->uri, &d);
        kb_page_release(&p);
        kb_buf_release(&key);
        kb_buf_release(&origin);
        return send_error(x, 500);
    }
    if (p.status == 404 && kind == SRV_KIND_PAGE && old_address(w->store, x->rq->uri, now, &p)) {
        /* an imported article's old address: 301 to where it lives now (docs/wxr.md) */
    } else if (p.status == 404 && kind == SRV_KIND_PAGE) {
        /* The use-cases do not know the request path; the 404 page names it. */
        kb_page_release(&p);
        kb_page_init(&p);
        kb_pages_not_found(site, t->shown, &p);
    }
    bool cacheable = k && (p.status == 200 || p.status == 301);
    struct srv_entry *e;
    if (k) {
        e = entry_from_page(&p, kind);
    } else { /* never cached (search): gzip only for a client that takes it */
        size_t len = 0;
        char *body = p.body.n ? kb_buf_detach(&p.body, &len) : NULL;
        e = srv_entry_new_once(p.status, kind, p.content_type, body, body ? len : 0,
                               p.last_modified, p.location, x->want.gzip);
    }
    kb_page_release(&p);
    /* The news sitemap's 48-hour window moves with the clock, not only with the data. */
    /* Until the next scheduled article goes live, at the latest (admin.c's scheduler). */
    int64_t expires = r == R_NEWS_SITEMAP ? now + 300 : 0, due = srv_scheduler_next();
    if (due && (!expires || due < expires))
        expires = due;
    ret = send_entry(x, e, cacheable ? k : NULL, gen, expires);
    kb_buf_release(&key);
    kb_buf_release(&origin); /* after the last use of `site`, which may point into it */
    return ret;
}

/* /static/..., /media/... and /admin/...: files, cached for FILE_TTL seconds.  `index`
 * names the file for the bare prefix (/admin, /admin/), NULL when it has none; `kind`
 * says how long browsers keep them (the admin UI revalidates, so an upgrade shows at once). */
static enum MHD_Result serve_file(struct ctx *x, const char *root, const char *tag,
                                  enum srv_kind kind, const char *index)
{
    struct target *t = x->t;
    char index_name[32];
    if (index && t->nsegs == 1) {
        snprintf(index_name, sizeof(index_name), "%s", index);
        t->segs[1] = index_name;
        t->nsegs = 2;
        t->trailing = false;
    }
    if (t->trailing || t->nsegs < 2)
        return send_error(x, 404);
    struct kb_buf key;
    kb_buf_init(&key, 3 * MAX_URI);
    kb_buf_adds(&key, tag);
    for (size_t i = 1; i < t->nsegs; i++)
        key_add(&key, t->segs[i]);
    int64_t now = (int64_t)time(NULL);
    enum MHD_Result ret;
    if (!kb_buf_err(&key) && srv_cache_serve(x->srv->cache, kb_buf_cstr(&key), now, x->conn,
                                             &x->want, &ret, &x->rq->status, &x->rq->bytes)) {
        kb_buf_release(&key);
        return ret;
    }
    char *body;
    size_t len;
    int64_t mtime;
    const char *type;
    if (kb_buf_err(&key) ||
        srv_file_read(root, t->segs + 1, t->nsegs - 1, &body, &len, &mtime, &type) != 0) {
        kb_buf_release(&key);
        return send_error(x, 404);
    }
    struct srv_entry *e = srv_entry_new(200, kind, type, body, len, mtime, NULL);
    ret = send_entry(x, e, kb_buf_cstr(&key), SRV_GEN_ANY, now + FILE_TTL);
    kb_buf_release(&key);
    return ret;
}

static enum MHD_Result route(struct ctx *x)
{
    struct target *t = x->t;
    size_t n = t->nsegs;
    char **s = t->segs;
    if (n == 0) {
        /* WordPress's "/?p=12" / "/?page_id=7": an imported post's old address (or 404) */
        struct kb_buf wp;
        kb_buf_init(&wp, 64);
        bool old = t->query && kb_redirect_path(x->rq->uri, &wp, NULL) == 0;
        kb_buf_release(&wp);
        return serve_dynamic(x, old ? R_REDIRECT : R_HOME);
    }
    if (strcmp(s[0], "api") == 0) {
        x->api = true;
        if (n >= 3 && strcmp(s[1], "v1") == 0 && strcmp(s[2], "articles") == 0) {
            if (n == 3)
                return serve_dynamic(x, R_API_LIST);
            if (n == 4 && !t->trailing)
                return serve_dynamic(x, R_API_ARTICLE);
        }
        if (n == 3 && !t->trailing && strcmp(s[1], "v1") == 0 && strcmp(s[2], "search") == 0)
            return serve_dynamic(x, R_API_SEARCH);
        return send_error(x, 404);
    }
    if (strcmp(s[0], "static") == 0)
        return serve_file(x, x->srv->static_dir, "static|", SRV_KIND_STATIC, NULL);
    if (strcmp(s[0], "media") == 0)
        return serve_file(x, x->srv->media_dir, "media|",
                          kb_media_name_immutable(s[n - 1]) ? SRV_KIND_IMMUTABLE
                                                            : SRV_KIND_STATIC,
                          NULL);
    if (strcmp(s[0], "admin") == 0) /* the editors' UI (web/admin); its POSTs are admin.c's */
        return serve_file(x, x->srv->admin_dir, "admin|", SRV_KIND_API, "index.html");
    if (n == 1 && !t->trailing && strcmp(s[0], "healthz") == 0)
        return serve_dynamic(x, R_HEALTH);
    if (n == 1 && !t->trailing && strcmp(s[0], "search") == 0)
        return serve_dynamic(x, R_SEARCH);
    if (n <= 2 && !t->trailing) {
        /* Feeds of the site (/feed.xml) and of a section (/politics/feed.xml): these names
         * win over an article slug, which kb_slug_make never makes with a '.'. */
        static const char *const feeds[] = {"feed.xml", "atom.xml", "feed.json"};
        for (int i = 0; i < 3; i++) {
            if (strcmp(s[n - 1], feeds[i]) == 0) {
                x->feed = (enum kb_feed_format)i;
                return serve_dynamic(x, n == 1 ? R_FEED : R_SECTION_FEED);
            }
        }
    }
    if (n == 1 && !t->trailing) {
        if (strcmp(s[0], "sitemap.xml") == 0)
            return serve_dynamic(x, R_SITEMAP_INDEX);
        if (strcmp(s[0], "news-sitemap.xml") == 0)
            return serve_dynamic(x, R_NEWS_SITEMAP);
        if (strcmp(s[0], "robots.txt") == 0)
            return serve_dynamic(x, R_ROBOTS);
        /* /sitemap-<n>.xml: n a decimal without leading zeros */
        const char *p = s[0] + 8;
        if (strncmp(s[0], "sitemap-", 8) == 0 && *p >= '1' && *p <= '9') {
            size_t v = 0, digits = 0;
            for (; *p >= '0' && *p <= '9' && digits < 7; p++, digits++)
                v = v * 10 + (size_t)(*p - '0');
            if (strcmp(p, ".xml") == 0) {
                x->sitemap = v;
                return serve_dynamic(x, R_SITEMAP);
            }
        }
    }
    if (n == 1 && !t->trailing && strcmp(s[0], "favicon.ico") == 0) {
        /* Browsers ask on every first visit: a bodiless 404, no page render. */
        struct srv_entry *e =
            srv_entry_new(404, SRV_KIND_STATIC, "text/plain; charset=utf-8", NULL, 0, 0, NULL);
        return send_entry(x, e, NULL, 0, 0);
    }
    /* Tag and author pages: "tag" and "author" are reserved section slugs (store.h), so
     * "/tag/x" is never an article: it is the tag page without its slash. */
    if (n == 2 && !t->trailing && (strcmp(s[0], "tag") == 0 || strcmp(s[0], "author") == 0)) {
        struct kb_page p;
        kb_page_init(&p);
        struct kb_buf loc;
        kb_buf_init(&loc, 4 * MAX_URI);
        kb_buf_addf(&loc, "/%s/", s[0]);
        kb_buf_add_urlpath(&loc, s[1], strlen(s[1]));
        kb_buf_addch(&loc, '/');
        if (kb_buf_err(&loc)) {
            kb_buf_release(&loc);
            return send_error(x, 404);
        }
        p.status = 301;
        p.location = kb_buf_detach(&loc, NULL);
        struct srv_entry *e = entry_from_page(&p, SRV_KIND_PAGE);
        kb_page_release(&p);
        return send_entry(x, e, NULL, 0, 0);
    }
    if (n == 2 && t->trailing && strcmp(s[0], "tag") == 0)
        return serve_dynamic(x, R_TAG);
    if (n == 3 && !t->trailing && strcmp(s[0], "tag") == 0) { /* the tag's feeds */
        static const char *const feeds[] = {"feed.xml", "atom.xml", "feed.json"};
        for (int i = 0; i < 3; i++) {
            if (strcmp(s[2], feeds[i]) == 0) {
                x->feed = (enum kb_feed_format)i;
                return serve_dynamic(x, R_TAG_FEED);
            }
        }
    }
    if (n == 2 && t->trailing && strcmp(s[0], "author") == 0)
        return serve_dynamic(x, R_AUTHOR);
    if (n == 1)
        return serve_dynamic(x, t->trailing ? R_SECTION : R_SECTION_BARE);
    if (n == 2 && !t->trailing)
        return serve_dynamic(x, R_ARTICLE);
    return serve_dynamic(x, R_REDIRECT);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)url; /* decoded by MHD; we route on the raw target instead */
    (void)version;
    (void)upload_data;
    struct request *rq = *req_cls;
    if (!rq) /* not reached: on_uri always runs first */
        return MHD_NO;
    if (rq->answered) { /* body bytes of a request already refused: drop them */
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct ctx x = {.srv = cls, .conn = c, .rq = rq};
    x.api = strncmp(rq->uri, "/api/", 5) == 0;
    if (!rq->headers_seen) {
        /* First call, headers complete.  Refusals are answered now (MHD then closes the
         * connection without reading a body); a good request is answered on the next call,
         * once MHD has the whole request, which keeps the connection alive. */
        rq->headers_seen = true;
        snprintf(rq->method, sizeof(rq->method), "%s", method);
        if (!rq->too_long && (rq->admin = srv_admin_claim(c, method, rq->uri))) {
            const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
            if (!len || strtoull(len, NULL, 10) <= srv_admin_cap(rq->admin))
                return MHD_YES; /* its body, capped, comes in the next calls */
            rq->answered = true; /* announced too big: refused before it is read */
            return srv_admin_refuse_too_big(rq->admin, c, &rq->status, &rq->bytes);
        }
        int refuse = 0;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
            refuse = 405;
        else if (rq->too_long && !search_target(rq->uri))
            refuse = 414;
        else if ((cl && strcmp(cl, "0") != 0) ||
                 MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding"))
            refuse = 413;
        if (!refuse)
            return MHD_YES;
        rq->answered = true;
        return send_error(&x, refuse);
    }
    if (rq->admin) {
        if (*upload_data_size > 0) { /* MHD cannot answer mid-body: count, then answer */
            bool bearable = srv_admin_feed(rq->admin, upload_data, *upload_data_size);
            *upload_data_size = 0;
            return bearable ? MHD_YES : MHD_NO;
        }
        rq->answered = true;
        if (srv_admin_too_big(rq->admin))
            return srv_admin_refuse_too_big(rq->admin, c, &rq->status, &rq->bytes);
        struct worker *w = worker_get(x.srv);
        if (!worker_ready(w, srv_cache_generation(x.srv->cache)))
            return send_error(&x, 500);
        struct srv_admin_env env = {c, w->store, x.srv->cache, &rq->status, &rq->bytes,
                                    x.srv->media_dir};
        return srv_admin_answer(rq->admin, &env);
    }
    if (*upload_data_size > 0) { /* a body nobody announced: refuse it */
        rq->answered = true;
        *upload_data_size = 0;
        return send_error(&x, 413);
    }
    rq->answered = true;
    x.want.gzip = accepts_gzip(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding"));
    x.want.if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    x.want.if_modified_since = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Modified-Since");

    struct target *t = kb_malloc(sizeof(*t));
    x.t = t;
    enum MHD_Result r = parse_target(rq->uri, t) ? route(&x) : send_error(&x, 404);
    free(t);
    return r;
}

/* ---- the watcher ------------------------------------------------------------------- */

static void *watch(void *arg)
{
    struct server *srv = arg;
    uint64_t last = srv->data_version;
    bool have = srv->have_version;
    pthread_mutex_lock(&srv->watch_lock);
    while (!srv->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += WATCH_INTERVAL_MS * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        while (!srv->stopping &&
               pthread_cond_timedwait(&srv->watch_cond, &srv->watch_lock, &ts) != ETIMEDOUT)
            ;
        if (srv->stopping)
            break;
        pthread_mutex_unlock(&srv->watch_lock);
        uint64_t v;
        if (kb_store_data_version(srv->watch_store, &v, NULL) == 0) {
            if (have && v != last)
                srv_cache_bump(srv->cache);
            last = v;
            have = true;
        } else {
            srv_cache_bump(srv->cache); /* unsure: better re-render than serve stale */
        }
        pthread_mutex_lock(&srv->watch_lock);
    }
    pthread_mutex_unlock(&srv->watch_lock);
    return NULL;
}

/* ---- start-up ---------------------------------------------------------------------- */

/* strerror with a lower-case first letter, as our error lines are written. */
static void lower_reason(char *out, size_t cap, const char *why)
{
    snprintf(out, cap, "%s", why);
    if (out[0] >= 'A' && out[0] <= 'Z' && !(out[1] >= 'A' && out[1] <= 'Z'))
        out[0] = (char)(out[0] - 'A' + 'a');
}

/* `khabar: serve: listen ADDR:PORT: why`. */
static void listen_error(const char *spec, const char *why)
{
    char what[300];
    snprintf(what, sizeof(what), "listen %s", spec);
    cmd_error("serve", what, "%s", why);
}

/* Bind the listening socket for spec "ADDR:PORT" / "[V6]:PORT".  On success *fd, the host
 * to print, the real port and the family. */
static int open_listener(const char *spec, int *fd, char *host, size_t hostcap, int *port,
                         int *family)
{
    char why[128];
    char addr[256];
    const char *colon, *hp = spec;
    size_t hl;
    if (spec[0] == '[') {
        const char *rb = strchr(spec, ']');
        if (!rb || rb[1] != ':') {
            listen_error(spec, "expected ADDR:PORT");
            return -1;
        }
        hp = spec + 1;
        hl = (size_t)(rb - hp);
        colon = rb + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon) {
            listen_error(spec, "expected ADDR:PORT");
            return -1;
        }
        hl = (size_t)(colon - spec);
    }
    if (hl == 0 || hl >= sizeof(addr) || !colon[1]) {
        listen_error(spec, "expected ADDR:PORT");
        return -1;
    }
    memcpy(addr, hp, hl);
    addr[hl] = '\0';

    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int g = getaddrinfo(addr, colon + 1, &hints, &ai);
    if (g != 0) {
        lower_reason(why, sizeof(why), g == EAI_SYSTEM ? strerror(errno) : gai_strerror(g));
        listen_error(spec, why);
        return -1;
    }
    int s = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(s, ai->ai_addr, ai->ai_addrlen) != 0 || listen(s, 1024) != 0) {
        lower_reason(why, sizeof(why), strerror(errno));
        listen_error(spec, why);
        if (s >= 0)
            close(s);
        freeaddrinfo(ai);
        return -1;
    }
    (void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); /* inherited on Linux */
    *family = ai->ai_family;
    freeaddrinfo(ai);

    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(s, (struct sockaddr *)&ss, &sl) != 0) {
        lower_reason(why, sizeof(why), strerror(errno));
        listen_error(spec, why);
        close(s);
        return -1;
    }
    if (ss.ss_family == AF_INET6)
        *port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    else
        *port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    snprintf(host, hostcap, *family == AF_INET6 ? "[%s]" : "%s", addr);
    *fd = s;
    return 0;
}

/* <dir of the running binary>/../web/<leaf> ("static", "admin"). */
static char *default_web_dir(const char *leaf)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return kb_strdup(strcmp(leaf, "admin") == 0 ? "web/admin" : "web/static");
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    struct kb_buf b;
    kb_buf_init(&b, 2 * PATH_MAX);
    kb_buf_addf(&b, "%s/../web/%s", exe, leaf);
    char real[PATH_MAX];
    char *out = realpath(kb_buf_cstr(&b), real) ? kb_strdup(real) : kb_buf_detach(&b, NULL);
    kb_buf_release(&b);
    return out;
}

/* <dir of the database>/media. */
static char *default_media_dir(const char *db)
{
    if (strncmp(db, "sqlite:", 7) == 0)
        db += 7;
    const char *slash = strrchr(db, '/');
    struct kb_buf b;
    kb_buf_init(&b, 2 * PATH_MAX);
    if (slash)
        kb_buf_addf(&b, "%.*s/media", (int)(slash - db), db);
    else
        kb_buf_adds(&b, "media");
    return kb_buf_detach(&b, NULL);
}

/* The search index thread's report: one line per build. */
static void search_index_built(void *ctx, const struct kb_search_index *x, uint64_t gen,
                               const struct kb_diag *d)
{
    (void)ctx;
    if (!x) {
        cmd_error_diag("serve", "search index", d);
        return;
    }
    struct kb_search_index_stats st;
    kb_search_index_stats(x, &st);
    if (st.incremental)
        fprintf(stderr,
                "khabar: serve: search index: %zu articles, %.1f MiB, updated (%zu changed, "
                "%zu in the delta) in %.1f ms (generation %llu)\n",
                st.articles, (double)st.bytes / 1048576.0, st.changed, st.delta, st.build_ms,
                (unsigned long long)gen);
    else
        fprintf(stderr,
                "khabar: serve: search index: %zu articles, %zu terms, %.1f MiB, built in %.2f s "
                "(generation %llu)\n",
                st.articles, st.terms, (double)st.bytes / 1048576.0, st.build_ms / 1000.0,
                (unsigned long long)gen);
}

static unsigned cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n < 1024 ? (unsigned)n : 1;
}

int srv_run(const struct srv_config *cfg)
{
    struct server srv = {.cfg = cfg};
    struct kb_diag d;
    kb_diag_clear(&d);

    /* Signals: block the stop signals everywhere (threads inherit the mask) and wait for
     * them on this thread; a closed peer must never kill the process. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (kb_store_open(cfg->db_path, KB_STORE_CREATE, &srv.watch_store, &d) != 0) {
        cmd_error_diag("serve", cfg->db_path, &d);
        return EXIT_FAIL;
    }
    int fd, port, family;
    char host[300];
    if (open_listener(cfg->listen, &fd, host, sizeof(host), &port, &family) != 0) {
        kb_store_close(srv.watch_store);
        return EXIT_FAIL;
    }
    srv.static_dir = cfg->static_dir ? kb_strdup(cfg->static_dir) : default_web_dir("static");
    srv.admin_dir = default_web_dir("admin");
    srv.media_dir = cfg->media_dir ? kb_strdup(cfg->media_dir) : default_media_dir(cfg->db_path);
    srv.cache = srv_cache_new(cfg->cache_bytes ? cfg->cache_bytes : DEFAULT_CACHE_BYTES);
    pthread_mutex_init(&srv.workers_lock, NULL);
    pthread_mutex_init(&srv.watch_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&srv.watch_cond, &ca);
    pthread_condattr_destroy(&ca);

    /* The baseline, taken before anything is served: a commit after this point bumps. */
    srv.have_version = kb_store_data_version(srv.watch_store, &srv.data_version, NULL) == 0;
    pthread_t watcher;
    bool watching = pthread_create(&watcher, NULL, watch, &srv) == 0;
    struct srv_scheduler *scheduler = srv_scheduler_start(cfg->db_path, srv.cache);
    if (kb_search_live_start(strncmp(cfg->db_path, "sqlite:", 7) == 0 ? cfg->db_path + 7
                                                                      : cfg->db_path,
                             search_index_built, NULL, &srv.search, &d) != 0)
        cmd_error_diag("serve", "search index", &d);
    /* The in-memory index is built when the first search asks for it, not here: a site
     * nobody searches keeps its memory (the index of 30,000 articles holds 80-230 MiB)
     * and its CPU for the pages. */

    unsigned flags = MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES
                         ? MHD_USE_EPOLL_INTERNAL_THREAD
                         : MHD_USE_AUTO_INTERNAL_THREAD;
    if (family == AF_INET6)
        flags |= MHD_USE_IPv6;
    unsigned threads = cfg->threads ? cfg->threads : cores();
    size_t mem = cfg->conn_memory ? cfg->conn_memory : (size_t)DEFAULT_CONN_MEMORY;
    struct MHD_OptionItem opts[10];
    size_t no = 0;
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, fd, NULL};
    if (threads > 1) /* one thread is MHD's plain internal thread, no pool */
        opts[no++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL};
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)mem, NULL};
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, CONN_TIMEOUT, NULL};
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, &srv};
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, &srv};
    opts[no++] =
        (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, &srv};
    opts[no++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    struct MHD_Daemon *daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &srv,
                                                 MHD_OPTION_ARRAY, opts, MHD_OPTION_END);

    int status = EXIT_OK;
    if (!daemon) {
        listen_error(cfg->listen, "the HTTP server could not start");
        close(fd);
        status = EXIT_FAIL;
    } else {
        fprintf(stderr, "khabar: serving http://%s:%d/ (db %s)\n", host, port, cfg->db_path);
        int sig;
        while (sigwait(&stop, &sig) != 0)
            ;
        MHD_stop_daemon(daemon); /* joins the pool; closes connections */
        close(fd);
    }

    pthread_mutex_lock(&srv.watch_lock);
    srv.stopping = true;
    pthread_cond_signal(&srv.watch_cond);
    pthread_mutex_unlock(&srv.watch_lock);
    if (watching)
        pthread_join(watcher, NULL);
    srv_scheduler_stop(scheduler);
    kb_search_live_stop(srv.search);

    for (struct worker *w = srv.workers, *next; w; w = next) {
        next = w->next;
        kb_search_stmts_free(w->search_stmts); /* before its connection closes */
        if (w->store)
            kb_store_close(w->store);
        kb_site_conf_free(w->conf);
        free(w);
    }
    srv_cache_free(srv.cache);
    kb_store_close(srv.watch_store);
    pthread_cond_destroy(&srv.watch_cond);
    pthread_mutex_destroy(&srv.watch_lock);
    pthread_mutex_destroy(&srv.workers_lock);
    free(srv.static_dir);
    free(srv.admin_dir);
    free(srv.media_dir);
    return status;
}
