/*
 * pages.h — the public site's use-cases, independent of the transport: which articles a
 * page shows, which status it answers with, and its bytes.
 *
 * The server (src/server/) maps a request path to one of these calls and turns the
 * resulting struct kb_page into an HTTP response; tests call them directly against a
 * temporary store.  Nothing here knows about sockets, headers or caches.
 *
 * Conventions: every kb_pages_* function that returns int returns 0 whenever it produced a
 * response — including a 404 or a 301, which are answers, not failures — and a negative
 * enum kb_err only when the store failed (the caller answers 500).  On failure `out` is
 * left in its initial state.  "Live" means status published and published <= now; only
 * live articles are ever shown.  `now` is unix seconds, passed in so tests control the
 * clock.
 *
 * Thread-safety: the functions are reentrant; each call uses the store connection it is
 * given, which belongs to the calling thread (store.h).  A struct kb_site_conf is read-only
 * after loading and may be shared.
 */
#ifndef KHABAR_PAGES_H
#define KHABAR_PAGES_H

#include <stddef.h>
#include <stdint.h>
#include "khabar/buf.h"
#include "khabar/err.h"
#include "khabar/json.h"
#include "khabar/render.h"
#include "khabar/store.h"

/* Largest page number a list or the API accepts (deeper pages are 404 / 400). */
#define KB_PAGES_MAX_PAGE 100000
/* Largest per_page the API accepts. */
#define KB_PAGES_MAX_PER_PAGE 100
/* Cap on one response body. */
#define KB_PAGES_MAX_BODY ((size_t)16 << 20)

/* The site's settings as loaded from the store, owning every string `site` points at. */
struct kb_site_conf {
    struct kb_site site;
    char *strings[5]; /* name, tagline, language, base_url, timezone (owned) */
    struct kb_section *sections;
    size_t nsections;
};

/* Load the settings (site.name default "خبر", site.tagline, site.language "ar",
 * site.base_url "" with any trailing '/' removed, site.timezone "Asia/Riyadh",
 * site.months standard|levant|combined|maghreb|morocco, site.digits latin|arabic,
 * site.hijri 0|1, site.discover_count 15 (0..100), site.page_size 20 (1..100)) and the
 * sections in navigation order.  Unknown or out-of-range values fall back to the default.
 * Free with kb_site_conf_free. */
KB_MUST_CHECK int kb_site_conf_load(struct kb_store *s, struct kb_site_conf **out,
                                    struct kb_diag *d);
void kb_site_conf_free(struct kb_site_conf *c);

/* The section of `site` whose slug is exactly `slug`, or NULL. */
const struct kb_section *kb_site_section(const struct kb_site *site, const char *slug);

/* One response. */
struct kb_page {
    int status;               /* 200, 301, 400, 404, 500 */
    const char *content_type; /* static string with charset */
    struct kb_buf body;       /* capped at KB_PAGES_MAX_BODY */
    int64_t last_modified;    /* max `updated` of what is shown; 0 when not applicable */
    char *location;           /* for 301: the site path to go to (owned), else NULL */
};

#define KB_CT_HTML "text/html; charset=utf-8"
#define KB_CT_JSON "application/json; charset=utf-8"

void kb_page_init(struct kb_page *p);
void kb_page_release(struct kb_page *p);

/* The home page, list page `page` (1-based) of every live article, newest first, led on
 * page 1 by the newest live article with a photo, which takes page 1's first place and is
 * kept out of the rest of the list (without one, page 1's first item leads).  Pages past the last one are 404 (page 1
 * always exists, saying so when there is nothing). */
KB_MUST_CHECK int kb_pages_home(struct kb_store *s, const struct kb_site *site, size_t page,
                                int64_t now, struct kb_page *out, struct kb_diag *d);

/* The page of section `slug` (exact slug, percent-decoded), led like the home page by its
 * newest live article with a photo: 404 when no such section or past the last page. */
KB_MUST_CHECK int kb_pages_section(struct kb_store *s, const struct kb_site *site, const char *slug,
                                   size_t page, int64_t now, struct kb_page *out,
                                   struct kb_diag *d);

/* The tag page /tag/<tag>/ (`tag` percent-decoded, matched exactly): live articles
 * carrying the tag, newest first, page `page`.  404 when no live article carries it, or
 * past the last page. */
KB_MUST_CHECK int kb_pages_tag(struct kb_store *s, const struct kb_site *site, const char *tag,
                               size_t page, int64_t now, struct kb_page *out, struct kb_diag *d);

/* The author page /author/<slug>/ (`slug` percent-decoded): live articles whose byline's
 * slug (kb_slug_make) is `slug`, newest first, under the byline as the newest of them
 * writes it.  Newsroom user names are sign-in names and are never shown: the byline is
 * the public name.  404 when no live article has such a byline, or past the last page. */
KB_MUST_CHECK int kb_pages_author(struct kb_store *s, const struct kb_site *site,
                                  const char *slug, size_t page, int64_t now,
                                  struct kb_page *out, struct kb_diag *d);

/* The article page of /<section_slug>/<slug> (both percent-decoded): 404 unless the
 * article exists and is live; when it lives in another section than the URL says, 301 to
 * its canonical path.  Shows the Discover rail of kb_pages_discover. */
KB_MUST_CHECK int kb_pages_article(struct kb_store *s, const struct kb_site *site,
                                   const char *section_slug, const char *slug, int64_t now,
                                   struct kb_page *out, struct kb_diag *d);

/* The Discover rail for article `a`, at most site->discover_count entries: its stored
 * related articles that are live (related.h; best first), then the latest other live
 * articles, newest first; never `a` itself, never twice the same, never an article marked
 * as a near-duplicate nor the one `a` duplicates.  Related entries carry every field, the
 * others summary fields.  Free with kb_articles_free. */
KB_MUST_CHECK int kb_pages_discover(struct kb_store *s, const struct kb_site *site,
                                    const struct kb_article *a, int64_t now,
                                    struct kb_article **out, size_t *n, struct kb_diag *d);

/* The 404 page naming `path` (what the user asked for, shown escaped). */
void kb_pages_not_found(const struct kb_site *site, const char *path, struct kb_page *out);
/* An error page for `status` with an optional message. */
void kb_pages_error(const struct kb_site *site, int status, const char *message,
                    struct kb_page *out);

/* ---- the JSON API ------------------------------------------------------------------ */

/* GET /api/v1/articles: query strings exactly as received (NULL when absent). */
struct kb_api_list_query {
    const char *page;     /* 1-based, default 1 */
    const char *per_page; /* 1..KB_PAGES_MAX_PER_PAGE, default site->page_size */
    const char *section;  /* a section slug; unknown gives an empty list */
};

/* {"articles":[article JSON...], "total":N, "page":p, "per_page":n} of live articles,
 * newest first.  A malformed page or per_page is 400 with an API error naming the field. */
KB_MUST_CHECK int kb_pages_api_articles(struct kb_store *s, const struct kb_site *site,
                                        const struct kb_api_list_query *q, int64_t now,
                                        struct kb_page *out, struct kb_diag *d);

/* GET /api/v1/articles/{id}: `id` as in the path; the live article's JSON with
 * "related": the Discover rail as [{"id", "url", "headline"}], or a 404 API error (also for
 * ids that are not positive decimal numbers). */
KB_MUST_CHECK int kb_pages_api_article(struct kb_store *s, const struct kb_site *site,
                                       const char *id, int64_t now, struct kb_page *out,
                                       struct kb_diag *d);

/* An API error body {"error":{"code","field","message"}} with `status`; field may be NULL;
 * message is Arabic for readers of the site's language. */
void kb_pages_api_error(int status, const char *code, const char *field, const char *message,
                        struct kb_page *out);

/* ---- search (lib/engine/search_pages.c; the query language is search.h's) ---------- */

/* GET /search and /api/v1/search: query strings exactly as received (NULL when absent). */
struct kb_search_params {
    const char *q;
    const char *page;     /* 1-based, default 1 */
    const char *sort;     /* "newest"; anything else is relevance */
    const char *per_page; /* API only: 1..KB_SEARCH_MAX_LIMIT, default site->page_size */
    const struct kb_search_index *index; /* the server's in-memory ranker, or NULL (search.h) */
    struct kb_search_stmts *stmts;       /* the worker's kept statements, or NULL (search.h) */
};

/* One search as the page, the API and `khabar search` show it. */
struct kb_search_result {
    struct kb_search_query query; /* as parsed */
    struct kb_search_hit *hits;
    size_t n;
    size_t total;
    size_t page, per_page;
    enum kb_search_sort sort;
    bool searched;        /* the query held something to search for */
    bool unknown_section; /* section: named no section (nothing was searched) */
    bool any;             /* matched on any word (relevance, or the fallback) */
    bool fallback;        /* sorted by date, no article had every word: these have some */
};

/* Search live articles for what a reader typed (any bytes; never an error for the query
 * itself).  KB_SEARCH_RELEVANCE: articles with any of the words, BM25-ranked;
 * KB_SEARCH_NEWEST: articles with every word, newest first, or with any word when none has
 * them all.
 * per_page is clamped to 1..KB_SEARCH_MAX_LIMIT.  Fails only when the store does.  Release
 * `out` with kb_search_result_release. */
KB_MUST_CHECK int kb_engine_search(struct kb_store *s, const struct kb_site *site, const char *q,
                                   size_t qlen, enum kb_search_sort sort, size_t page,
                                   size_t per_page, int64_t now, struct kb_search_result *out,
                                   struct kb_diag *d);
void kb_search_result_release(struct kb_search_result *r);
/* {"query","total","page","per_page","sort","match":"all|any|none","hits":[{id,url,headline,
 * snippet,score,published}], "suggestions":[...] (only without hits)}; snippet is HTML:
 * escaped text with <mark> around the reader's matched words; headline is plain text. */
void kb_search_result_json(const struct kb_search_result *r, struct kb_json *j);

/* The /search page: always 200 (malformed page numbers are page 1); RTL, the query's
 * results with marked headlines and snippets, the count in Arabic, sort links and
 * pagination, or an honest "no results" with suggestions.  noindex. */
KB_MUST_CHECK int kb_pages_search(struct kb_store *s, const struct kb_site *site,
                                  const struct kb_search_params *p, int64_t now,
                                  struct kb_page *out, struct kb_diag *d);
/* /api/v1/search: kb_search_result_json; 400 only for a malformed page or per_page. */
KB_MUST_CHECK int kb_pages_api_search(struct kb_store *s, const struct kb_site *site,
                                      const struct kb_search_params *p, int64_t now,
                                      struct kb_page *out, struct kb_diag *d);

/* GET /healthz: {"status":"ok","articles":N,"backend":"sqlite"}. */
KB_MUST_CHECK int kb_pages_health(struct kb_store *s, struct kb_page *out, struct kb_diag *d);

#endif
