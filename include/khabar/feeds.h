/*
 * feeds.h — what machines read around the site: RSS 2.0, Atom and JSON Feed 1.1 feeds,
 * sitemaps (index, URL sets, Google News) and robots.txt, written by lib/render/feeds.c
 * and lib/render/sitemap.c.  The use-cases that choose the articles are in feed_pages.h.
 *
 * Every function appends to a struct kb_buf (check kb_buf_err() once at the end) and is
 * pure: no I/O, no clock (times are passed in), thread-safe given const inputs.
 *
 * URLs: every URL written is absolute, site->base_url + a site path; the caller makes sure
 * base_url is an absolute "http(s)://host" without a trailing '/' (the server derives one
 * from the request when the setting is empty).  Relative href/src attributes inside
 * body_html are made absolute the same way.
 *
 * XML: text goes through kb_xml_add_text, which escapes & < > " ' and drops what XML 1.0
 * cannot carry (C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, invalid UTF-8 becomes
 * U+FFFD), so a feed is well-formed whatever an article holds.  Full HTML bodies go in
 * CDATA sections (kb_xml_add_cdata), split so that "]]>" in the body cannot end one.
 * The design note is docs/feeds.md.
 */
#ifndef KHABAR_FEEDS_H
#define KHABAR_FEEDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/article.h"
#include "khabar/buf.h"
#include "khabar/render.h"

#define KB_CT_RSS "application/rss+xml; charset=utf-8"
#define KB_CT_ATOM "application/atom+xml; charset=utf-8"
#define KB_CT_JSONFEED "application/feed+json; charset=utf-8"
#define KB_CT_XML "application/xml; charset=utf-8"
#define KB_CT_TEXT "text/plain; charset=utf-8"

/* The site path of the publisher logo (web/static/logo.png, 192×192). */
#define KB_LOGO_PATH "/static/logo.png"
#define KB_LOGO_SIZE 192

/* ---- the XML writer -------------------------------------------------------------- */

/* Append `s` as XML character data or a double-quoted attribute value (see above). */
void kb_xml_add_text(struct kb_buf *b, const char *s, size_t n);
static inline void kb_xml_adds_text(struct kb_buf *b, const char *s)
{
    if (s)
        kb_xml_add_text(b, s, __builtin_strlen(s));
}
/* Append `s` as one or more CDATA sections: "<![CDATA[" ... "]]>", every "]]>" inside
 * split as "]]]]><![CDATA[>", characters XML cannot carry dropped as in kb_xml_add_text. */
void kb_xml_add_cdata(struct kb_buf *b, const char *s, size_t n);

/* ---- dates ------------------------------------------------------------------------- */

/* RFC 822 (as RFC 1123 updates it): "Wed, 13 Nov 2024 10:20:00 +0300", at offset minutes
 * east of UTC. */
void kb_date_rfc822(struct kb_buf *out, int64_t t, int offset_min);

/* ---- feeds --------------------------------------------------------------------------- */

enum kb_feed_format { KB_FEED_RSS, KB_FEED_ATOM, KB_FEED_JSON };

/* The image file behind an article's image.src, when known. */
struct kb_feed_media {
    const char *type; /* "image/jpeg"; NULL: guessed from the extension of the src */
    int64_t length;   /* bytes; -1 when unknown (a remote image) */
};

struct kb_feed {
    const struct kb_site *site;       /* base_url absolute (see above) */
    const struct kb_section *section; /* NULL: the site-wide feed (or a tag's) */
    const char *tag;                  /* non-NULL: the feed of /tag/<tag>/ (section NULL) */
    const struct kb_article *items;   /* newest first, with body_html when full_content */
    size_t n;
    const struct kb_feed_media *media; /* n entries parallel to items, or NULL */
    bool full_content;                 /* the body as well as the summary (lede) */
    int64_t now;                       /* the feed's date when it has no items */
};

/* The feed's self path: "/feed.xml", "/politics/atom.xml", ... (percent-encoded). */
void kb_feed_path(struct kb_buf *out, enum kb_feed_format fmt, const char *section_slug);
/* A tag feed's self path: "/tag/<tag>/feed.xml", "/tag/<tag>/atom.xml",
 * "/tag/<tag>/feed.json" (the tag percent-encoded). */
void kb_feed_tag_path(struct kb_buf *out, enum kb_feed_format fmt, const char *tag);

/* RSS 2.0 with content:encoded (full content), dc:creator (byline), atom:link rel=self,
 * enclosures (RSS needs a length: 0 when the file's size is unknown). */
void kb_feed_rss(struct kb_buf *out, const struct kb_feed *f);
/* Atom (RFC 4287): entries with id (the article URL), updated, published, summary,
 * content type="html" (full content), author, category, link rel=enclosure. */
void kb_feed_atom(struct kb_buf *out, const struct kb_feed *f);
/* JSON Feed 1.1: items with id, url, title, content_html (full) or content_text (the
 * summary), summary, image, date_published, date_modified, authors, tags, language,
 * attachments. */
void kb_feed_json(struct kb_buf *out, const struct kb_feed *f);

/* The MIME type of an image path by its extension ("image/jpeg"), or NULL when unknown. */
const char *kb_feed_image_type(const char *src);

/* ---- sitemaps ------------------------------------------------------------------------ */

/* The sitemaps protocol's cap on URLs in one file. */
#define KB_SITEMAP_MAX_URLS 50000
/* At most this many URLs in the news sitemap, published within this many seconds. */
#define KB_NEWS_SITEMAP_MAX 1000
#define KB_NEWS_SITEMAP_WINDOW (48 * 3600)

/* <sitemapindex> naming /sitemap-1.xml .. /sitemap-<n>.xml; lastmod (may be 0: omitted). */
void kb_sitemap_index(struct kb_buf *out, const struct kb_site *site, size_t n, int64_t lastmod);
/* A <urlset>: begin, any number of urls (site path already percent-encoded; lastmod 0
 * omits it, else W3C datetime at the offset), end. */
void kb_sitemap_begin(struct kb_buf *out);
void kb_sitemap_url(struct kb_buf *out, const struct kb_site *site, const char *path,
                    int64_t lastmod, int offset_min);
void kb_sitemap_end(struct kb_buf *out);
/* The Google News sitemap of `items` (every one written: the caller picks them), with the
 * site's name as publication name and the article's (or the site's) language. */
void kb_sitemap_news(struct kb_buf *out, const struct kb_site *site, const struct kb_article *items,
                     size_t n);
/* robots.txt: everything allowed but /admin/ and /api/, both sitemaps named. */
void kb_robots_txt(struct kb_buf *out, const struct kb_site *site);

#endif
