/*
 * feed_pages.h — the use-cases behind the feeds, sitemaps and robots.txt
 * (lib/engine/feed_pages.c): which articles each one lists, answered as a struct kb_page
 * (pages.h) the server sends and caches like any page.
 *
 * Conventions are pages.h's: 0 whenever a response was produced (including 404), a
 * negative enum kb_err only when the store failed; only live articles are listed; `now` is
 * passed in.  site->base_url must be an absolute "http(s)://host[:port]" without a
 * trailing '/': the server derives one from the request when the setting is empty, so no
 * feed or sitemap ever holds a relative URL.
 *
 * Settings (settings.h): feed.items (1..200, default 30) articles per feed,
 * feed.full_content (0|1, default 1) the body as well as the summary.
 */
#ifndef KHABAR_FEED_PAGES_H
#define KHABAR_FEED_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/feeds.h"
#include "khabar/pages.h"

#define KB_FEED_DEFAULT_ITEMS 30
#define KB_FEED_MAX_ITEMS 200
/* Cap on a sitemap's body: the sitemaps protocol's 50 MiB. */
#define KB_SITEMAP_MAX_BODY ((size_t)50 << 20)

struct kb_feed_conf {
    int items;         /* feed.items */
    bool full_content; /* feed.full_content */
};

/* Read feed.items and feed.full_content (out-of-range or unset values are the defaults). */
KB_MUST_CHECK int kb_feed_conf_load(struct kb_store *s, struct kb_feed_conf *out,
                                    struct kb_diag *d);

/* The feed in `fmt` of the site (section_slug NULL) or of a section (404 when the site has
 * no such section): the latest feed.items live articles.  `media_dir` (may be NULL) is
 * where /media/... images live: their enclosures get the file's real length. */
KB_MUST_CHECK int kb_pages_feed(struct kb_store *s, const struct kb_site *site,
                                enum kb_feed_format fmt, const char *section_slug,
                                const char *media_dir, int64_t now, struct kb_page *out,
                                struct kb_diag *d);

/* The feed in `fmt` of the tag page /tag/<tag>/: the latest feed.items live articles
 * carrying exactly `tag` (404, like the tag page, when none does or the tag is empty or
 * longer than KB_MAX_TAG). */
KB_MUST_CHECK int kb_pages_tag_feed(struct kb_store *s, const struct kb_site *site,
                                    enum kb_feed_format fmt, const char *tag, const char *media_dir,
                                    int64_t now, struct kb_page *out, struct kb_diag *d);

/* /sitemap.xml: the index of /sitemap-1.xml .. /sitemap-N.xml, each holding at most
 * `per_file` URLs (0: KB_SITEMAP_MAX_URLS) — the home page, the sections, then every live
 * article newest first. */
KB_MUST_CHECK int kb_pages_sitemap_index(struct kb_store *s, const struct kb_site *site,
                                         size_t per_file, int64_t now, struct kb_page *out,
                                         struct kb_diag *d);
/* /sitemap-<n>.xml (n from 1): 404 past the last one.  lastmod of the home and section
 * pages is the newest change among the articles on their first page. */
KB_MUST_CHECK int kb_pages_sitemap(struct kb_store *s, const struct kb_site *site, size_t n,
                                   size_t per_file, int64_t now, struct kb_page *out,
                                   struct kb_diag *d);
/* /news-sitemap.xml: live articles published in the KB_NEWS_SITEMAP_WINDOW before `now`,
 * newest first, at most KB_NEWS_SITEMAP_MAX. */
KB_MUST_CHECK int kb_pages_news_sitemap(struct kb_store *s, const struct kb_site *site, int64_t now,
                                        struct kb_page *out, struct kb_diag *d);
/* /robots.txt (kb_robots_txt). */
void kb_pages_robots(const struct kb_site *site, struct kb_page *out);

#endif
