/*
 * render.h — the public site's HTML pages.
 *
 * Pages are appended to a struct kb_buf; the caller checks kb_buf_err() once at the end.
 * Every page is <html lang="ar" dir="rtl"> (or the site language), links /static/site.css,
 * carries the site header with section navigation and a search box, and uses semantic
 * elements.  Rendering is pure: no I/O, thread-safe given const inputs (it calls ICU through
 * text.h for time zones and Hijri dates).
 *
 * Escaping rule: every string that comes from an article, a section, the site settings or
 * the request goes through kb_buf_add_html (text and double-quoted attributes) and, inside
 * URLs, through kb_buf_add_urlpath / kb_article_url.  The one exception is body_html, which
 * is stored already sanitized and is emitted as is.
 *
 * UI text is Arabic; a site whose language starts with "en" gets English UI text.  Pages
 * are not cached here: the server caches the rendered bytes.  The design note is
 * docs/render.md.
 */
#ifndef KHABAR_RENDER_H
#define KHABAR_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include "khabar/article.h"
#include "khabar/buf.h"
#include "khabar/text.h"

/* Site-wide settings that shape every page (loaded from the store's settings). */
struct kb_site {
    const char *name;     /* "خبر" */
    const char *tagline;  /* may be NULL */
    const char *language; /* "ar" */
    const char *base_url; /* "http://127.0.0.1:8080", no trailing slash; may be "" */
    const char *timezone; /* IANA zone for display, "Asia/Riyadh" */
    struct kb_date_style date_style;
    int discover_count;                /* articles in the اكتشف rail, 15 */
    int page_size;                     /* articles per list page, 20 */
    const struct kb_section *sections; /* navigation, in order */
    size_t nsections;
};

/* The article page: section link, reading time, headline, lede, figure with caption and
 * credit, date (<time datetime=ISO>), body, source line, and the اكتشف rail of `discover`
 * (at most site->discover_count of them when that is > 0), which is an <aside> after the
 * </article>.  Articles that are not published get <meta name="robots" content="noindex">. */
void kb_render_article(struct kb_buf *out, const struct kb_site *site, const struct kb_article *a,
                       const struct kb_article *discover, size_t ndiscover);

/* A list page (home when section is NULL, else the section page): articles newest first,
 * page `page` (1-based) of ceil(total / site->page_size), with previous/next links. */
void kb_render_list(struct kb_buf *out, const struct kb_site *site,
                    const struct kb_section *section, const struct kb_article *items, size_t n,
                    size_t page, size_t total);

/* The 404 page (Arabic), naming the path that was not found. */
void kb_render_not_found(struct kb_buf *out, const struct kb_site *site, const char *path);

/* A generic error page for 4xx/5xx: an Arabic title for the status, `message` (may be
 * NULL) escaped below it, a link home and the search form. */
void kb_render_error(struct kb_buf *out, const struct kb_site *site, int status,
                     const char *message);

/* ---- the page frame, for pages rendered elsewhere (search results, ...) ------------ */

enum kb_render_robots { KB_ROBOTS_INDEX, KB_ROBOTS_NOINDEX };

struct kb_render_meta {
    const char *title;           /* the page's own title, plain text: <title> is "<title> — <site
                                    name>", or the site name alone when NULL */
    const char *description;     /* meta description, plain text; NULL to omit */
    const char *canonical_path;  /* site path, already percent-encoded ("/politics/"); NULL
                                    to omit the canonical link */
    const char *current_section; /* section slug marked aria-current in the nav; may be NULL */
    const char *body_class;      /* class of <body> ("page-article"); may be NULL */
    const char *og_type;         /* "article" / "website"; NULL omits Open Graph tags */
    const char *og_image;        /* image URL for og:image; may be NULL */
    enum kb_render_robots robots;
    const struct kb_article *article; /* an article page: its OpenGraph article:* and
                                         Twitter card tags and JSON-LD (NewsArticle,
                                         BreadcrumbList) join the head; NULL otherwise */
};

/* Append everything from <!doctype html> to the opening <main id="main"> inclusive: head
 * (charset, viewport, title, description, canonical = base_url + canonical_path, the
 * stylesheet, feed links — the site's and, with current_section, the section's —,
 * OpenGraph, and for m->article the structured data), the skip link and the site header
 * (name, section nav, search form).  JSON-LD is written by the JSON writer with every "</"
 * as "<\/" and every other "<" as "\u003c", so no text can end the <script> element. */
void kb_render_page_begin(struct kb_buf *out, const struct kb_site *site,
                          const struct kb_render_meta *m);
/* Append </main>, the site footer (with links to the RSS, Atom and JSON feeds) and the
 * closing tags. */
void kb_render_page_end(struct kb_buf *out, const struct kb_site *site);

#endif
