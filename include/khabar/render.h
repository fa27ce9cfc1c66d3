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

#include <stdbool.h>
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
 * page `page` (1-based) of ceil(total / site->page_size), with previous/next links; page
 * 1's first item is the lead story.  Same as kb_render_list_page without a separate lead. */
void kb_render_list(struct kb_buf *out, const struct kb_site *site,
                    const struct kb_section *section, const struct kb_article *items, size_t n,
                    size_t page, size_t total);

enum kb_list_kind { KB_LIST_HOME, KB_LIST_SECTION, KB_LIST_TAG, KB_LIST_AUTHOR };

/* What a list page shows. */
struct kb_list_page {
    enum kb_list_kind kind;
    const struct kb_section *section; /* KB_LIST_SECTION */
    const char *name; /* KB_LIST_TAG: the tag; KB_LIST_AUTHOR: the byline as written */
    const char *slug; /* KB_LIST_AUTHOR: the author's slug (kb_slug_make of the byline) */
    /* The lead story, shown large above the list on page 1 only, or NULL: then page 1's
     * first item leads.  The caller keeps it out of `items` on every page. */
    const struct kb_article *lead;
    const struct kb_article *items;
    size_t n;
    size_t page;  /* 1-based */
    size_t total; /* of the paged list (the lead not counted) */
};

/* Any list page: <h1> (site, section, tag or author name), the breadcrumb trail (visible
 * nav and JSON-LD BreadcrumbList, except on the home page), the lead story on page 1, one
 * card per item, and pagination: "?page=N" links with rel=prev/next, in the nav and as
 * <link>s in the head, page 1 being the bare path (also its canonical URL).  The path is
 * "/" (home), "/<section>/", "/tag/<tag>/" or "/author/<slug>/", percent-encoded. */
void kb_render_list_page(struct kb_buf *out, const struct kb_site *site,
                         const struct kb_list_page *l);

/* Append "/tag/<tag>/", the tag percent-encoded as one segment. */
void kb_render_tag_path(struct kb_buf *out, const char *tag);
/* Append "/author/<slug>/" for a byline (slug = kb_slug_make(byline)); false, appending
 * nothing, when the byline has no slug (nothing but punctuation). */
bool kb_render_author_path(struct kb_buf *out, const char *byline);

/* One step of a breadcrumb trail. */
struct kb_crumb {
    const char *name; /* plain text */
    const char *path; /* site path, percent-encoded ("/politics/") */
};

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
                                         Twitter card tags, JSON-LD NewsArticle and hreflang
                                         links (a->translations) join the head; NULL
                                         otherwise */
    const struct kb_crumb *crumbs;    /* the breadcrumb trail, home first, this page last:
                                         its JSON-LD BreadcrumbList joins the head */
    size_t ncrumbs;
    const char *prev_path, *next_path; /* <link rel=prev/next>, site paths; may be NULL */
    const char *feed_tag; /* a tag page: <link rel="alternate"> to the tag's three feeds
                             (/tag/<tag>/feed.xml, ...); NULL otherwise */
};

/* Append everything from <!doctype html> to the opening <main id="main"> inclusive: head
 * (charset, viewport, title, description, canonical = base_url + canonical_path, the
 * stylesheet, feed links — the site's and, with current_section or feed_tag, the
 * section's or the tag's —,
 * OpenGraph, and for m->article the structured data), the skip link and the site header
 * (name, section nav, search form).  JSON-LD is written by the JSON writer with every "</"
 * as "<\/" and every other "<" as "\u003c", so no text can end the <script> element. */
void kb_render_page_begin(struct kb_buf *out, const struct kb_site *site,
                          const struct kb_render_meta *m);
/* Append the visible breadcrumb trail: <nav class="breadcrumbs" aria-label> with an <ol>
 * of links, the last item (this page) as text with aria-current="page".  Nothing when n
 * is 0. */
void kb_render_crumbs(struct kb_buf *out, const struct kb_site *site, const struct kb_crumb *c,
                      size_t n);
/* Append </main>, the site footer (with links to the RSS, Atom and JSON feeds) and the
 * closing tags. */
void kb_render_page_end(struct kb_buf *out, const struct kb_site *site);

#endif
