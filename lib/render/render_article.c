/*
 * render_article.c — the article page, element by element in the reference page's order:
 * section, reading time, headline, lede, photo with caption and credit, date, body, source
 * line, tags; then the اكتشف (Discover) rail as an <aside> outside the <article>, so other
 * articles' headlines are never part of this article.
 *
 * Invariants: body_html is emitted as stored (it was sanitized on the way in); every other
 * string is escaped; URLs come from kb_article_url / kb_buf_add_urlpath.  One small buffer
 * holds the article's own path for the canonical link; nothing else is allocated.
 */
#include <string.h>
#include "khabar/render.h"
#include "render_int.h"

/* A guess at the photo's shape for width/height: the model does not store the real size,
 * and a 16:9 hint lets the browser reserve the space (CSS height:auto then follows the real
 * picture once it has loaded). */
#define IMG_HINT_W 1200
#define IMG_HINT_H 675

static void figure(struct kb_buf *out, const struct kb_site *site, const struct kb_article *a)
{
    const struct kb_image *im = &a->image;
    if (!kb_render_src_ok(im->src))
        return; /* a caption without a photo says nothing: no figure at all */
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    kb_buf_adds(out, "<figure>\n<img src=\"");
    kb_buf_adds_html(out, im->src);
    kb_buf_adds(out, "\" alt=\"");
    kb_buf_adds_html(out, kb_render_alt(a));
    kb_buf_addf(out, "\" width=\"%d\" height=\"%d\" loading=\"eager\" fetchpriority=\"high\">\n",
                IMG_HINT_W, IMG_HINT_H);
    bool has_caption = im->caption && *im->caption;
    bool has_credit = im->credit && *im->credit;
    bool has_copy = im->copyright && *im->copyright;
    if (has_caption || has_credit || has_copy) {
        kb_buf_adds(out, "<figcaption>");
        kb_buf_adds_html(out, im->caption);
        if (has_credit || has_copy) {
            if (has_caption)
                kb_buf_addch(out, ' ');
            kb_buf_adds(out, "<span class=\"credit\">");
            kb_buf_adds(out, ui->photo);
            kb_buf_adds_html(out, has_credit ? im->credit : im->copyright);
            if (has_credit && has_copy) {
                kb_buf_adds(out, " / ");
                kb_buf_adds_html(out, im->copyright);
            }
            kb_buf_adds(out, "</span>");
        }
        kb_buf_adds(out, "</figcaption>\n");
    }
    kb_buf_adds(out, "</figure>\n");
}

static void discover_rail(struct kb_buf *out, const struct kb_site *site,
                          const struct kb_article *d, size_t n)
{
    if (site->discover_count > 0 && n > (size_t)site->discover_count)
        n = (size_t)site->discover_count;
    if (!n)
        return;
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    kb_buf_adds(out, "<aside class=\"discover\" aria-labelledby=\"discover-title\">\n"
                     "<h2 id=\"discover-title\">");
    kb_buf_adds(out, ui->discover);
    kb_buf_adds(out, "</h2>\n<ol>\n");
    for (size_t i = 0; i < n; i++) {
        kb_buf_adds(out, "<li><a href=\"");
        kb_article_url(out, &d[i]);
        kb_buf_adds(out, "\">");
        kb_buf_adds_html(out, d[i].headline);
        kb_buf_adds(out, "</a>");
        if (d[i].published) {
            kb_buf_adds(out, " <small>");
            kb_render_time(out, site, d[i].published, d[i].published_offset, false);
            kb_buf_adds(out, "</small>");
        }
        kb_buf_adds(out, "</li>\n");
    }
    kb_buf_adds(out, "</ol>\n</aside>\n");
}

static void tags(struct kb_buf *out, const struct kb_site *site, const struct kb_article *a)
{
    if (!a->ntags)
        return;
    kb_buf_adds(out, "<ul class=\"tags\" aria-label=\"");
    kb_buf_adds(out, kb_render_ui_for(site)->tags);
    kb_buf_adds(out, "\">");
    for (size_t i = 0; i < a->ntags; i++) {
        if (!a->tags[i] || !*a->tags[i])
            continue;
        /* There is no tag page: a tag is a search for itself. */
        kb_buf_adds(out, "<li><a href=\"/search?q=");
        kb_buf_add_urlpath(out, a->tags[i], strlen(a->tags[i]));
        kb_buf_adds(out, "\">");
        kb_buf_adds_html(out, a->tags[i]);
        kb_buf_adds(out, "</a></li>");
    }
    kb_buf_adds(out, "</ul>\n");
}

void kb_render_article(struct kb_buf *out, const struct kb_site *site, const struct kb_article *a,
                       const struct kb_article *discover, size_t ndiscover)
{
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    struct kb_buf path;
    kb_buf_init(&path, 4096);
    kb_article_url(&path, a);

    struct kb_render_meta m = {
        .title = a->headline,
        .description = a->lede,
        .canonical_path = kb_buf_err(&path) ? NULL : kb_buf_cstr(&path),
        .current_section = a->section.slug,
        .body_class = "page-article",
        .og_type = "article",
        .og_image = a->image.src,
        .robots = a->status == KB_STATUS_PUBLISHED ? KB_ROBOTS_INDEX : KB_ROBOTS_NOINDEX,
    };
    kb_render_page_begin(out, site, &m);
    kb_buf_release(&path);

    /* An article in another language than the site's says so, and flips direction. */
    kb_buf_adds(out, "<article");
    const char *site_lang = kb_render_lang(site);
    if (a->language && *a->language && strcmp(a->language, site_lang) != 0) {
        kb_buf_adds(out, " lang=\"");
        kb_buf_adds_html(out, a->language);
        kb_buf_adds(out, kb_render_lang_rtl(a->language) ? "\" dir=\"rtl\"" : "\" dir=\"ltr\"");
    }
    kb_buf_adds(out, ">\n<header>\n<p class=\"kicker\">");
    if (a->section.slug && *a->section.slug) {
        kb_render_section_link(out, &a->section);
        kb_buf_addch(out, ' ');
    }
    kb_render_reading_time(out, site, a);
    kb_buf_adds(out, "</p>\n<h1>");
    kb_buf_adds_html(out, a->headline);
    kb_buf_adds(out, "</h1>\n");
    if (a->lede && *a->lede) {
        kb_buf_adds(out, "<p class=\"lede\">");
        kb_buf_adds_html(out, a->lede);
        kb_buf_adds(out, "</p>\n");
    }
    kb_buf_adds(out, "</header>\n");

    figure(out, site, a);

    int64_t when = a->published ? a->published : a->updated;
    int when_off = a->published ? a->published_offset : a->updated_offset;
    if (when || (a->byline && *a->byline)) {
        kb_buf_adds(out, "<p class=\"meta\">");
        if (a->byline && *a->byline) {
            kb_buf_adds(out, "<span class=\"byline\">");
            kb_buf_adds(out, ui->byline);
            kb_buf_adds_html(out, a->byline);
            kb_buf_adds(out, "</span>\n");
        }
        if (when)
            kb_render_time(out, site, when, when_off, site->date_style.hijri);
        kb_buf_adds(out, "</p>\n");
    }

    kb_buf_adds(out, "<div class=\"body\">\n");
    kb_buf_adds(out, a->body_html); /* sanitized when stored: emitted as is */
    kb_buf_adds(out, "\n</div>\n");

    if (a->source && *a->source) {
        kb_buf_adds(out, "<p class=\"source\">");
        kb_buf_adds(out, ui->source);
        kb_buf_adds_html(out, a->source);
        kb_buf_adds(out, "</p>\n");
    }
    tags(out, site, a);
    kb_buf_adds(out, "</article>\n");

    discover_rail(out, site, discover, ndiscover);
    kb_render_page_end(out, site);
}
