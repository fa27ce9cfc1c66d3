/*
 * render_list.c — list pages: the home page (section == NULL) and section pages.
 *
 * Anatomy: <h1> (site or section name); on page 1 the first item as the lead story, larger
 * and with its photo; then one card per article (thumbnail, headline link, lede, section
 * link on the home page, date, reading time); then pagination ("صفحة 2 من 7" with
 * previous/next links, page 1 being the bare list path).  An empty page says so in words.
 *
 * Invariants: as everywhere in render, all text escaped and all URLs percent-encoded; one
 * small buffer for the canonical path, nothing per item.
 */
#include <string.h>
#include "khabar/render.h"
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

/* href of page `p` of this list: the bare path for page 1, "?page=N" otherwise. */
static void page_href(struct kb_buf *out, const struct kb_section *section, size_t p)
{
    if (p <= 1) {
        kb_render_section_path(out, section ? section->slug : NULL);
        return;
    }
    kb_buf_adds(out, "?page=");
    kb_buf_addi(out, (int64_t)p);
}

static void pagination(struct kb_buf *out, const struct kb_site *site,
                       const struct kb_section *section, size_t page, size_t pages)
{
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    kb_buf_adds(out, "<nav class=\"pagination\" aria-label=\"");
    kb_buf_adds(out, ui->pages);
    kb_buf_adds(out, "\">\n");
    if (page > 1) {
        kb_buf_adds(out, "<a rel=\"prev\" href=\"");
        page_href(out, section, page > pages ? 1 : page - 1);
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
        page_href(out, section, page + 1);
        kb_buf_adds(out, "\">");
        kb_buf_adds(out, ui->next);
        kb_buf_adds(out, "</a>\n");
    }
    kb_buf_adds(out, "</nav>\n");
}

void kb_render_list(struct kb_buf *out, const struct kb_site *site,
                    const struct kb_section *section, const struct kb_article *items, size_t n,
                    size_t page, size_t total)
{
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    size_t size = site->page_size > 0 ? (size_t)site->page_size : 20;
    size_t pages = total ? (total - 1) / size + 1 : 1;
    if (page < 1)
        page = 1;

    struct kb_buf canon;
    kb_buf_init(&canon, 1024);
    kb_render_section_path(&canon, section ? section->slug : NULL);
    if (page > 1) {
        kb_buf_adds(&canon, "?page=");
        kb_buf_addi(&canon, (int64_t)page);
    }
    const char *heading =
        section ? (section->name && *section->name ? section->name : section->slug) : site->name;
    struct kb_render_meta m = {
        .title = section ? heading : NULL,
        .description = section ? NULL : site->tagline,
        .canonical_path = kb_buf_err(&canon) ? NULL : kb_buf_cstr(&canon),
        .current_section = section ? section->slug : NULL,
        .body_class = section ? "page-list page-section" : "page-list page-home",
        .og_type = "website",
        .robots = n ? KB_ROBOTS_INDEX : KB_ROBOTS_NOINDEX,
    };
    kb_render_page_begin(out, site, &m);
    kb_buf_release(&canon);

    kb_buf_adds(out, "<h1>");
    kb_buf_adds_html(out, heading);
    kb_buf_adds(out, "</h1>\n");

    if (!n) {
        kb_buf_adds(out, "<p class=\"empty\">");
        kb_buf_adds(out, page > 1 ? ui->empty_page : section ? ui->empty_section : ui->empty_home);
        kb_buf_adds(out, "</p>\n");
    }
    enum card_section cs = section ? CARD_WITHOUT_SECTION : CARD_WITH_SECTION;
    size_t i = 0;
    if (n && page == 1)
        card(out, site, &items[i++], CARD_LEAD, cs);
    if (i < n) {
        kb_buf_adds(out, "<section class=\"cards\" aria-label=\"");
        kb_buf_adds(out, ui->latest);
        kb_buf_adds(out, "\">\n");
        for (; i < n; i++)
            card(out, site, &items[i], CARD_PLAIN, cs);
        kb_buf_adds(out, "</section>\n");
    }
    if (pages > 1 || page > 1)
        pagination(out, site, section, page, pages);
    kb_render_page_end(out, site);
}
