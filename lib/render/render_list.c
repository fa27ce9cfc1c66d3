/*
 * render_list.c — list pages: the home page, section pages, tag pages and author pages.
 *
 * Anatomy: the breadcrumb trail (not on the home page); <h1> (site, section, tag or author
 * name); on page 1 the lead story, larger and with its photo (the caller's lead, else the
 * first item); then one card per article (thumbnail, headline link, lede, section link
 * except on a section's own page, date, reading time); then pagination ("صفحة 2 من 7" with
 * previous/next links, page 1 being the bare list path).  An empty page says so in words.
 *
 * Invariants: as everywhere in render, all text escaped and all URLs percent-encoded; a
 * few small buffers for the list's paths, nothing per item.
 */
#include <string.h>
#include "khabar/render.h"
#include "khabar/text.h"
#include "render_int.h"

enum card_kind { CARD_LEAD, CARD_PLAIN };
enum card_section { CARD_WITH_SECTION, CARD_WITHOUT_SECTION };

static void card(struct kb_buf *out, const struct kb_site *site, const struct kb_article *a,
                 enum card_kind kind, enum card_section with_section)
{
    bool lead = kind == CARD_LEAD;
    kb_buf_adds(out, lead ? "<article class=\"card lead\">\n" : "<article class=\"card\">\n");
    if (kb_render_src_ok(a->image.src)) {
        /* The headline link below carries the name; the picture link is a duplicate for
         * the mouse, hidden from keyboards and screen readers. */
        kb_buf_adds(out, "<a class=\"thumb\" href=\"");
        kb_article_url(out, a);
        kb_buf_adds(out, "\" tabindex=\"-1\" aria-hidden=\"true\"><img src=\"");
        kb_buf_adds_html(out, a->image.src);
        kb_buf_adds(out, "\" alt=\"\" width=\"");
        kb_buf_adds(out, lead ? "1200\" height=\"675\" loading=\"eager\""
                              : "480\" height=\"270\" loading=\"lazy\"");
        kb_buf_adds(out, " decoding=\"async\"></a>\n");
    }
    kb_buf_adds(out, "<div class=\"text\">\n<h2><a href=\"");
    kb_article_url(out, a);
    kb_buf_adds(out, "\">");
    kb_buf_adds_html(out, a->headline);
    kb_buf_adds(out, "</a></h2>\n");
    if (a->lede && *a->lede) {
        kb_buf_adds(out, "<p class=\"lede\">");
        kb_buf_adds_html(out, a->lede);
        kb_buf_adds(out, "</p>\n");
    }
    kb_buf_adds(out, "<p class=\"meta\">");
    if (with_section == CARD_WITH_SECTION && a->section.slug && *a->section.slug) {
        kb_render_section_link(out, &a->section);
        kb_buf_addch(out, ' ');
    }
    if (a->published) {
        kb_render_time(out, site, a->published, a->published_offset, false);
        kb_buf_addch(out, ' ');
    }
    kb_render_reading_time(out, site, a);
    kb_buf_adds(out, "</p>\n</div>\n</article>\n");
}

void kb_render_tag_path(struct kb_buf *out, const char *tag)
{
    kb_buf_adds(out, "/tag/");
    kb_buf_add_urlpath(out, tag ? tag : "", tag ? strlen(tag) : 0);
    kb_buf_addch(out, '/');
}

bool kb_render_author_path(struct kb_buf *out, const char *byline)
{
    if (!byline || !*byline)
        return false;
    struct kb_buf slug;
    kb_buf_init(&slug, 4 * KB_SLUG_MAX_CHARS + 16);
    kb_slug_make(&slug, byline, strlen(byline));
    bool ok = !kb_buf_err(&slug) && slug.n > 0;
    if (ok) {
        kb_buf_adds(out, "/author/");
        kb_buf_add_urlpath(out, kb_buf_cstr(&slug), slug.n);
        kb_buf_addch(out, '/');
    }
    kb_buf_release(&slug);
    return ok;
}

/* href of page `p` of the list at `base`: the bare path for page 1, "?page=N" otherwise. */
static void page_href(struct kb_buf *out, const char *base, size_t p)
{
    kb_buf_adds(out, base);
    if (p > 1) {
        kb_buf_adds(out, "?page=");
        kb_buf_addi(out, (int64_t)p);
    }
}

static void pagination(struct kb_buf *out, const struct kb_site *site, const char *base,
                       size_t page, size_t pages)
{
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    kb_buf_adds(out, "<nav class=\"pagination\" aria-label=\"");
    kb_buf_adds(out, ui->pages);
    kb_buf_adds(out, "\">\n");
    if (page > 1) {
        kb_buf_adds(out, "<a rel=\"prev\" href=\"");
        page_href(out, base, page > pages ? 1 : page - 1);
        kb_buf_adds(out, "\">");
        kb_buf_adds(out, page > pages ? ui->first_page : ui->prev);
        kb_buf_adds(out, "</a>\n");
    }
    kb_buf_adds(out, "<span class=\"count\">");
    kb_buf_adds(out, ui->page);
    kb_buf_addch(out, ' ');
    kb_render_num(out, site, page);
    kb_buf_addch(out, ' ');
    kb_buf_adds(out, ui->of);
    kb_buf_addch(out, ' ');
    kb_render_num(out, site, pages);
    kb_buf_adds(out, "</span>\n");
    if (page < pages) {
        kb_buf_adds(out, "<a rel=\"next\" href=\"");
        page_href(out, base, page + 1);
        kb_buf_adds(out, "\">");
        kb_buf_adds(out, ui->next);
        kb_buf_adds(out, "</a>\n");
    }
    kb_buf_adds(out, "</nav>\n");
}

/* The list's bare path into `out`. */
static void list_path(struct kb_buf *out, const struct kb_list_page *l)
{
    switch (l->kind) {
    case KB_LIST_SECTION:
        kb_render_section_path(out, l->section ? l->section->slug : NULL);
        break;
    case KB_LIST_TAG:
        kb_render_tag_path(out, l->name);
        break;
    case KB_LIST_AUTHOR:
        kb_buf_adds(out, "/author/");
        kb_buf_add_urlpath(out, l->slug ? l->slug : "", l->slug ? strlen(l->slug) : 0);
        kb_buf_addch(out, '/');
        break;
    case KB_LIST_HOME:
    default:
        kb_buf_addch(out, '/');
        break;
    }
}

void kb_render_list_page(struct kb_buf *out, const struct kb_site *site,
                         const struct kb_list_page *l)
{
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    size_t size = site->page_size > 0 ? (size_t)site->page_size : 20;
    size_t pages = l->total ? (l->total - 1) / size + 1 : 1;
    size_t page = l->page < 1 ? 1 : l->page;
    const struct kb_section *section = l->kind == KB_LIST_SECTION ? l->section : NULL;

    struct kb_buf base, canon, prev, next;
    kb_buf_init(&base, 4096);
    kb_buf_init(&canon, 4096);
    kb_buf_init(&prev, 4096);
    kb_buf_init(&next, 4096);
    list_path(&base, l);
    page_href(&canon, kb_buf_cstr(&base), page);
    if (page > 1)
        page_href(&prev, kb_buf_cstr(&base), page > pages ? 1 : page - 1);
    if (page < pages)
        page_href(&next, kb_buf_cstr(&base), page + 1);
    bool paths_ok =
        !kb_buf_err(&base) && !kb_buf_err(&canon) && !kb_buf_err(&prev) && !kb_buf_err(&next);

    const char *heading = site->name;
    const char *kind = NULL;
    switch (l->kind) {
    case KB_LIST_SECTION:
        heading = section ? (section->name && *section->name ? section->name : section->slug) : "";
        break;
    case KB_LIST_TAG:
        heading = l->name ? l->name : "";
        kind = ui->tag_kind;
        break;
    case KB_LIST_AUTHOR:
        heading = l->name ? l->name : (l->slug ? l->slug : "");
        kind = ui->author_kind;
        break;
    case KB_LIST_HOME:
    default:
        break;
    }
    struct kb_crumb crumbs[2] = {{ui->home_crumb, "/"}, {heading, kb_buf_cstr(&base)}};
    bool home = l->kind == KB_LIST_HOME;
    struct kb_render_meta m = {
        .title = home ? NULL : heading,
        .description = home ? site->tagline : NULL,
        .canonical_path = paths_ok ? kb_buf_cstr(&canon) : NULL,
        .current_section = section ? section->slug : NULL,
        .body_class = home                         ? "page-list page-home"
                      : l->kind == KB_LIST_SECTION ? "page-list page-section"
                      : l->kind == KB_LIST_TAG     ? "page-list page-tag"
                                                   : "page-list page-author",
        .og_type = "website",
        .robots = l->n || l->lead ? KB_ROBOTS_INDEX : KB_ROBOTS_NOINDEX,
        .crumbs = home || !paths_ok ? NULL : crumbs,
        .ncrumbs = home || !paths_ok ? 0 : 2,
        .prev_path = paths_ok && prev.n ? kb_buf_cstr(&prev) : NULL,
        .next_path = paths_ok && next.n ? kb_buf_cstr(&next) : NULL,
        .feed_tag = l->kind == KB_LIST_TAG ? l->name : NULL,
    };
    kb_render_page_begin(out, site, &m);
    kb_render_crumbs(out, site, m.crumbs, m.ncrumbs);

    if (kind) {
        kb_buf_adds(out, "<p class=\"list-kind\">");
        kb_buf_adds(out, kind);
        kb_buf_adds(out, "</p>\n");
    }
    kb_buf_adds(out, "<h1>");
    kb_buf_adds_html(out, heading);
    kb_buf_adds(out, "</h1>\n");

    const struct kb_article *lead = page == 1 ? l->lead : NULL;
    if (!l->n && !lead) {
        kb_buf_adds(out, "<p class=\"empty\">");
        kb_buf_adds(out, page > 1                     ? ui->empty_page
                         : home                       ? ui->empty_home
                         : l->kind == KB_LIST_SECTION ? ui->empty_section
                                                      : ui->empty_list);
        kb_buf_adds(out, "</p>\n");
    }
    enum card_section cs = section ? CARD_WITHOUT_SECTION : CARD_WITH_SECTION;
    size_t i = 0;
    if (lead)
        card(out, site, lead, CARD_LEAD, cs);
    else if (l->n && page == 1)
        card(out, site, &l->items[i++], CARD_LEAD, cs);
    if (i < l->n) {
        kb_buf_adds(out, "<section class=\"cards\" aria-label=\"");
        kb_buf_adds(out, ui->latest);
        kb_buf_adds(out, "\">\n");
        for (; i < l->n; i++)
            card(out, site, &l->items[i], CARD_PLAIN, cs);
        kb_buf_adds(out, "</section>\n");
    }
    if (pages > 1 || page > 1)
        pagination(out, site, kb_buf_cstr(&base), page, pages);
    kb_render_page_end(out, site);
    kb_buf_release(&base);
    kb_buf_release(&canon);
    kb_buf_release(&prev);
    kb_buf_release(&next);
}

void kb_render_list(struct kb_buf *out, const struct kb_site *site,
                    const struct kb_section *section, const struct kb_article *items, size_t n,
                    size_t page, size_t total)
{
    struct kb_list_page l = {
        .kind = section ? KB_LIST_SECTION : KB_LIST_HOME,
        .section = section,
        .items = items,
        .n = n,
        .page = page,
        .total = total,
    };
    kb_render_list_page(out, site, &l);
}
