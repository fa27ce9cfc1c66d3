/*
 * store.h — where articles live: one interface, two backends.
 *
 * kb_store_open() picks the backend from the location: a file path (or "sqlite:PATH") is
 * the embedded SQLite store (WAL, foreign keys); "postgres://..." / "postgresql://..." is
 * PostgreSQL (a later backend, same interface, same test suite).  Opening runs the
 * versioned migrations, so `khabar init` and start-up both bring a database up to date.
 *
 * Every write is transactional: a single put is its own transaction, and callers that
 * write several things (an import batch) wrap them in kb_store_begin/commit; on any error
 * they call kb_store_rollback and the database is exactly as before.
 *
 * Thread-safety: one struct kb_store is one connection and belongs to one thread at a time.
 * A server opens one per worker thread.
 *
 * Errors from kb_store_open: KB_EINVAL (an unsupported location), KB_EIO (the file or its
 * directory cannot be opened or created, or the database is missing in the modes that need
 * it), KB_EDB (not a database file, not a khabar database, a schema newer than this build,
 * or older in KB_STORE_READONLY).  The message names the path and SQLite's reason; the file
 * is never changed when it is refused.  See docs/store.md.
 */
#ifndef KHABAR_STORE_H
#define KHABAR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/article.h"
#include "khabar/err.h"
#include "khabar/search.h"

struct kb_store;

enum kb_store_mode {
    KB_STORE_CREATE,   /* create the database if missing, migrate */
    KB_STORE_EXISTING, /* the database must exist; migrate */
    KB_STORE_READONLY, /* must exist and be at the current version; no writes */
};

/* The schema version this build writes (the number of migrations). */
int kb_store_schema_version(void);

KB_MUST_CHECK int kb_store_open(const char *location, enum kb_store_mode mode,
                                struct kb_store **out, struct kb_diag *d);
/* Close the connection (rolling back an open transaction).  NULL is a no-op. */
void kb_store_close(struct kb_store *s);

/* The clock the store stamps `updated` with: unix seconds.  NULL restores time(NULL).  Tests
 * inject a fixed clock here. */
void kb_store_set_clock(struct kb_store *s, int64_t (*now)(void));

/* "sqlite" or "postgres". */
const char *kb_store_backend(const struct kb_store *s);

/* Open a write transaction (taking the write lock now, so later writes in it do not fail
 * with "locked").  Transactions do not nest: a second begin is KB_EINTERNAL.  Single
 * writes made inside one (kb_store_article_put, ...) become part of it; made outside one,
 * each is its own transaction.  kb_store_rollback without an open transaction is a no-op. */
KB_MUST_CHECK int kb_store_begin(struct kb_store *s, struct kb_diag *d);
KB_MUST_CHECK int kb_store_commit(struct kb_store *s, struct kb_diag *d);
void kb_store_rollback(struct kb_store *s);

/* A number that changes whenever any connection commits a write (SQLite's data_version
 * plus this connection's own writes).  Used to invalidate rendered-page caches. */
KB_MUST_CHECK int kb_store_data_version(struct kb_store *s, uint64_t *out, struct kb_diag *d);

/* ---- settings: site-wide key/value strings ("site.name", "site.timezone", ...) ---- */

/* *out is malloc'd, or NULL when the key is unset. */
KB_MUST_CHECK int kb_store_setting_get(struct kb_store *s, const char *key, char **out,
                                       struct kb_diag *d);
/* Set a key (at most 200 bytes) to a value (at most 64 KiB, valid UTF-8); NULL deletes it. */
KB_MUST_CHECK int kb_store_setting_put(struct kb_store *s, const char *key, const char *value,
                                       struct kb_diag *d);

/* ---- sections ---- */

/* Insert a section or update the one with the same slug (name and position); sets sec->id.
 * kb_section_validate first; a name taken by another section is KB_EEXISTS (field
 * "name"). */
KB_MUST_CHECK int kb_store_section_put(struct kb_store *s, struct kb_section *sec,
                                       struct kb_diag *d);
/* By slug or, when no slug matches, by display name.  KB_ENOTFOUND when neither.  `out`
 * must be zeroed or released; it is replaced on success. */
KB_MUST_CHECK int kb_store_section_get(struct kb_store *s, const char *slug_or_name,
                                       struct kb_section *out, struct kb_diag *d);
/* The section named `name` (or with that slug), created when missing: its slug comes from
 * the built-in table of common Arabic section names (سياسة → politics, اقتصاد → economy,
 * رياضة → sports, ثقافة → culture, تكنولوجيا → technology, علوم → science, صحة → health,
 * العالم / دولي → world, منوعات → variety, رأي → opinion, محليات → local, also with
 * "ال"), else from kb_slug_make(name) ("section" when that is empty), made unique with
 * "-2", "-3", ...  A name whose built-in slug already exists is an alias of that section
 * and returns it.  New sections go last in the navigation.  `out` as for section_get. */
KB_MUST_CHECK int kb_store_section_ensure(struct kb_store *s, const char *name,
                                          struct kb_section *out, struct kb_diag *d);
/* Sections nest at most this deep (a top section is level 1). */
#define KB_MAX_SECTION_DEPTH 16
/* Put section `slug` under section `parent` (NULL or "": at the top).  KB_ENOTFOUND when
 * either is missing (field "section" or "parent"); KB_EINVAL (field "parent") when it
 * would make a section its own ancestor or the tree deeper than KB_MAX_SECTION_DEPTH.
 * Readers get the parent's slug in struct kb_section's `parent` from section_get/list. */
KB_MUST_CHECK int kb_store_section_set_parent(struct kb_store *s, const char *slug,
                                              const char *parent, struct kb_diag *d);
/* All sections in navigation order; free with kb_sections_free. */
KB_MUST_CHECK int kb_store_section_list(struct kb_store *s, struct kb_section **out, size_t *n,
                                        struct kb_diag *d);
void kb_sections_free(struct kb_section *v, size_t n);

/* ---- articles ---- */

/* Insert (a->id == 0) or update (a->id != 0; KB_ENOTFOUND when no such id) an article
 * after kb_article_validate, with its tags, all-or-nothing (a savepoint inside a caller's
 * transaction).  A NULL slug is made from the headline (kb_slug_make; "article" when that
 * is empty); a slug taken by another article gets "-2", "-3", ...  reading_minutes and a
 * missing language are computed as kb_article_compute does.  updated is the store's clock;
 * updated_offset, when 0, takes published_offset.  The section is a->section.slug or, when
 * that is NULL, a->section.name, each looked up as a slug and then as a display name; it
 * must exist (KB_EINVAL, field "section").  A taken
 * external_id is KB_EEXISTS.  On success sets a->id, a->slug, a->updated(_offset),
 * a->language, a->reading_minutes and a->section (canonical slug, name, id); on failure
 * `a` and the database are unchanged. */
KB_MUST_CHECK int kb_store_article_put(struct kb_store *s, struct kb_article *a, struct kb_diag *d);
/* Delete an article and its tags.  KB_ENOTFOUND when no such id. */
KB_MUST_CHECK int kb_store_article_delete(struct kb_store *s, int64_t id, struct kb_diag *d);
/* One article with every field and its tags; KB_ENOTFOUND when missing.  `out` must be
 * initialized (kb_article_init); it is replaced on success. */
KB_MUST_CHECK int kb_store_article_get(struct kb_store *s, int64_t id, struct kb_article *out,
                                       struct kb_diag *d);
KB_MUST_CHECK int kb_store_article_get_slug(struct kb_store *s, const char *slug,
                                            struct kb_article *out, struct kb_diag *d);
/* The id of the article imported under external_id, or KB_ENOTFOUND. */
KB_MUST_CHECK int kb_store_article_find_external(struct kb_store *s, const char *external_id,
                                                 int64_t *id, struct kb_diag *d);

#define KB_STORE_MAX_LIMIT 1000

enum kb_fields {
    KB_FIELDS_SUMMARY, /* everything but body_html and tags */
    KB_FIELDS_FULL,
};

struct kb_article_query {
    const char *section_slug; /* NULL: every section */
    const char *tag;          /* NULL: any; else only articles carrying exactly this tag */
    const char *author;       /* NULL: any; else only articles whose byline's slug
                                 (kb_slug_make of the byline) is exactly this */
    bool with_image;          /* only articles with an image src */
    bool live_only;           /* status published and published <= now */
    int64_t now;              /* for live_only */
    int64_t exclude_id;       /* 0: none */
    size_t offset;
    size_t limit; /* at most KB_STORE_MAX_LIMIT (KB_EINVAL above); 0 lists nothing */
    enum kb_fields fields;
};

/* Articles newest first (published, then id; never-published ones last).  *total (optional) is the
 * number matching without offset/limit.  Free with kb_articles_free. */
KB_MUST_CHECK int kb_store_article_list(struct kb_store *s, const struct kb_article_query *q,
                                        struct kb_article **out, size_t *n, size_t *total,
                                        struct kb_diag *d);
void kb_articles_free(struct kb_article *v, size_t n);

/* Number of articles (any status). */
KB_MUST_CHECK int kb_store_article_count(struct kb_store *s, size_t *out, struct kb_diag *d);

/* ---- the public site's links between articles (lib/store/site_store.c) ---- */

/* Section slugs the site keeps for its own pages (/tag/<tag>/, /author/<slug>/, /search,
 * /api/, /static/, /media/, /admin/): kb_store_section_put refuses them (field "slug") and
 * kb_store_section_ensure never makes one. */
bool kb_store_slug_reserved(const char *slug);

/* The translations of article `id` (other articles of its translation group), by language
 * then id; with live_only only those live at `now` (published, published <= now, not
 * trashed).  *out is NULL and *n 0 when there are none.  Free with kb_translations_free.
 * KB_EINVAL on a backend without them. */
KB_MUST_CHECK int kb_store_translations_get(struct kb_store *s, int64_t id, bool live_only,
                                            int64_t now, struct kb_translation **out, size_t *n,
                                            struct kb_diag *d);

/* ---- redirects: old addresses of imported articles (lib/store/redirects.c) ---- */

#define KB_REDIRECT_MAX_PATH 2000

/* The canonical form of an old address, appended to `out`: the path of an http(s) URL or
 * of a site path ("/2020/05/x/"), without query or fragment, %XX escapes decoded (so
 * percent-encoded Arabic matches its UTF-8 form), trailing '/' removed.  The root with
 * WordPress's post or page id in its query ("/?p=12&x=1", "https://h?page_id=7") is
 * "/?p=12" / "/?page_id=7".  KB_EINVAL (field "url") when it has no path, is the root "/"
 * otherwise, or decodes to invalid UTF-8 or a control character; KB_ETOOBIG over
 * KB_REDIRECT_MAX_PATH bytes.  Pure; thread-safe. */
KB_MUST_CHECK int kb_redirect_path(const char *url, struct kb_buf *out, struct kb_diag *d);
/* kb_redirect_path of `url` when it is an address on this site: a site path ("/x/y"), or
 * an http(s) URL whose host[:port] is base_url's (either scheme, any case).  KB_ENOTFOUND
 * when it is on another host or base_url is not an http(s) URL; else as kb_redirect_path. */
KB_MUST_CHECK int kb_redirect_own_path(const char *url, const char *base_url, struct kb_buf *out,
                                       struct kb_diag *d);
/* Record `url` as an old address of stored article `a` (id, section slug, slug) when it is
 * on this site (kb_redirect_own_path against base_url, or the site.base_url setting when
 * base_url is NULL) and is not a's current address; anything else — another host, no
 * usable path, not an address at all ("html:...", a number) — records nothing and is not an
 * error.  *recorded (optional) says whether a row was written.  Errors: the store's. */
KB_MUST_CHECK int kb_store_redirect_put_own(struct kb_store *s, const char *url,
                                            const char *base_url, const struct kb_article *a,
                                            bool *recorded, struct kb_diag *d);
/* Record that canonical `path` was article `article_id`'s address (a path already
 * recorded moves to this article).  KB_ENOTFOUND when no such article. */
KB_MUST_CHECK int kb_store_redirect_put(struct kb_store *s, const char *path, int64_t article_id,
                                        struct kb_diag *d);
/* The current site path ("/<section>/<slug>", percent-encoded) of the live article (status
 * published, published <= now, not in the trash) once at canonical `path`, appended to
 * `location`.  KB_ENOTFOUND when there is none. */
KB_MUST_CHECK int kb_store_redirect_find(struct kb_store *s, const char *path, int64_t now,
                                         struct kb_buf *location, struct kb_diag *d);
/* The number of old paths recorded for an article (every article when article_id is 0). */
KB_MUST_CHECK int kb_store_redirect_count(struct kb_store *s, int64_t article_id, size_t *out,
                                          struct kb_diag *d);

/* ---- search (search.h; the index is kept in step with every article write) ---- */

/* Live articles matching rq->match (kb_search_query_match), ranked by rq->sort, with
 * highlighted headlines and snippets; *total (optional) counts every match.  Free with
 * kb_search_hits_free.  KB_EINVAL for an empty expression or a limit above
 * KB_SEARCH_MAX_LIMIT. */
KB_MUST_CHECK int kb_store_search(struct kb_store *s, const struct kb_search_request *rq,
                                  struct kb_search_hit **out, size_t *n, size_t *total,
                                  struct kb_diag *d);
/* Does the search index hold this QUERY-mode term for any article?  false on any failure
 * and on stores without the index (kb_search_query_backoff's `known`). */
bool kb_store_search_has_term(struct kb_store *s, const char *term, size_t n);
/* Rebuild the search index from the articles (`khabar reindex`), all-or-nothing. */
KB_MUST_CHECK int kb_store_search_rebuild(struct kb_store *s, struct kb_diag *d);

#endif
