/*
 * render_int.h — helpers shared by the files of lib/render (not a public header).
 *
 * The UI string table (Arabic, or English for "en" sites), number and date output in the
 * site's digit style, and the small pieces every page repeats.  All of them only append to
 * the caller's buffer; none allocates.
 */
#ifndef KHABAR_RENDER_INT_H
#define KHABAR_RENDER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/render.h"

/* Every word of interface text a page shows; one table per UI language. */
struct kb_render_ui {
    const char *skip;               /* skip link to the content */
    const char *nav_label;          /* aria-label of the section nav */
    const char *search_label;       /* label of the search box */
    const char *search_placeholder; /* placeholder of the search box */
    const char *search_button;
    const char *discover; /* heading of the Discover rail */
    const char *source;   /* "مصدر: " */
    const char *photo;    /* "صورة: " */
    const char *byline;   /* "بقلم " */
    const char *tags;     /* aria-label of the tag list */
    const char *latest;   /* aria-label of the list of cards */
    const char *prev;
    const char *next;
    const char *page;  /* "صفحة" */
    const char *of;    /* "من" */
    const char *pages; /* aria-label of the pagination nav */
    const char *empty_home;
    const char *empty_section;
    const char *empty_page; /* a page number past the end */
    const char *first_page;
    const char *nf_title;
    const char *nf_before; /* text before the path */
    const char *nf_after;  /* text after the path */
    const char *home;      /* link back home */
    const char *error;
    const char *crumbs;      /* aria-label of the breadcrumb nav */
    const char *home_crumb;  /* the first crumb: "الرئيسية" */
    const char *tag_kind;    /* above a tag page's heading: "وسم" */
    const char *author_kind; /* above an author page's heading */
    const char *empty_list;  /* a tag or author page with nothing on it */
};

/* The table for the site's language ("en..." → English, anything else → Arabic). */
const struct kb_render_ui *kb_render_ui_for(const struct kb_site *site);
/* The site's language, "ar" when unset. */
const char *kb_render_lang(const struct kb_site *site);
/* True when `lang` is written right to left (ar, fa, ur, he, ...). */
bool kb_render_lang_rtl(const char *lang);
/* True when the site prints Arabic-Indic digits. */
bool kb_render_arabic_digits(const struct kb_site *site);

/* Append a non-negative integer in the site's digits. */
void kb_render_num(struct kb_buf *out, const struct kb_site *site, uint64_t v);
/* Append <time datetime="ISO">display date</time> for instant t, at the site's time zone
 * (falling back to `fallback_offset` when the zone is unset or unknown to ICU). */
void kb_render_time(struct kb_buf *out, const struct kb_site *site, int64_t t, int fallback_offset,
                    bool with_hijri);
/* Append the reading-time label of an article in a <span class="reading-time">. */
void kb_render_reading_time(struct kb_buf *out, const struct kb_site *site,
                            const struct kb_article *a);
/* Append "/<slug>/" percent-encoded (the section page path). */
void kb_render_section_path(struct kb_buf *out, const char *slug);
/* Append <a class="section" href="/<slug>/">name</a> (name falls back to the slug). */
void kb_render_section_link(struct kb_buf *out, const struct kb_section *s);
/* True when an image src may be emitted: a site path or an http(s) URL. */
bool kb_render_src_ok(const char *src);
/* The text of an image's alt attribute: alt, else caption, else the headline, else "". */
const char *kb_render_alt(const struct kb_article *a);
/* Append the head tags only article pages have (render_article.c): article:published_time,
 * article:modified_time, article:section, the Twitter card, and the JSON-LD NewsArticle and
 * BreadcrumbList scripts.  `canonical` is the page's path (percent-encoded) or NULL. */
void kb_render_article_head(struct kb_buf *out, const struct kb_site *site,
                            const struct kb_article *a, const char *canonical);
/* Append the absolute form of `ref` (a site path gets base_url, "//host/x" gets
 * "https:", an http(s) URL stays), HTML-escaped for an attribute. */
void kb_render_abs_html(struct kb_buf *out, const struct kb_site *site, const char *ref);

/* Append JSON `js` inside <script type="application/ld+json">, with every "</" as "<\\/"
 * and every other "<" as "\\u003c" (render_article.c). */
void kb_render_script_json(struct kb_buf *out, const struct kb_buf *js);

/* Append a search form whose input has id `id`. */
void kb_render_search_form(struct kb_buf *out, const struct kb_site *site, const char *id,
                           const char *cls);

#endif
