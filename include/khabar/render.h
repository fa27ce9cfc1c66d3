/*
 * render.h — the public site's HTML pages.
 *
 * Pages are appended to a struct kb_buf; the caller checks kb_buf_err() once at the end.
 * Every page is <html lang="ar" dir="rtl"> (or the site language), links /static/site.css,
 * carries the site header with section navigation and a search box, and uses semantic
 * elements.  Rendering is pure: no I/O, thread-safe given const inputs.
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
    int discover_count; /* articles in the اكتشف rail, 15 */
    int page_size;      /* articles per list page, 20 */
    const struct kb_section *sections; /* navigation, in order */
    size_t nsections;
};

/* The article page: section link, reading time, headline, lede, figure with caption and
 * credit, date (<time datetime=ISO>), body, source line, and the اكتشف rail of `discover`. */
void kb_render_article(struct kb_buf *out, const struct kb_site *site, const struct kb_article *a,
                       const struct kb_article *discover, size_t ndiscover);

/* A list page (home when section is NULL, else the section page): articles newest first,
 * page `page` (1-based) of ceil(total / site->page_size), with previous/next links. */
void kb_render_list(struct kb_buf *out, const struct kb_site *site,
                    const struct kb_section *section, const struct kb_article *items, size_t n,
                    size_t page, size_t total);

/* The 404 page (Arabic), naming the path that was not found. */
void kb_render_not_found(struct kb_buf *out, const struct kb_site *site, const char *path);

/* A generic error page for 4xx/5xx. */
void kb_render_error(struct kb_buf *out, const struct kb_site *site, int status,
                     const char *message);

#endif
