/*
 * sitemap.c — sitemaps (the index and its URL sets), the Google News sitemap and
 * robots.txt.
 *
 * Invariants: every <loc> is absolute (base_url + a percent-encoded site path) and
 * XML-escaped; lastmod and publication dates are W3C datetimes with an offset; the caller
 * chooses which URLs go in (at most KB_SITEMAP_MAX_URLS per URL set, KB_NEWS_SITEMAP_MAX in
 * the news sitemap) — nothing here reads a clock or a store.
 */
#include <string.h>
#include "khabar/feeds.h"
#include "khabar/text.h"
#include "render_int.h"

#define SITEMAP_NS "http://www.sitemaps.org/schemas/sitemap/0.9"
#define NEWS_NS "http://www.google.com/schemas/sitemap-news/0.9"

static const char *base_of(const struct kb_site *site)
{
    return site->base_url ? site->base_url : "";
}

void kb_sitemap_index(struct kb_buf *out, const struct kb_site *site, size_t n, int64_t lastmod)
{
    kb_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"" SITEMAP_NS
                     "\">\n");
    for (size_t i = 1; i <= n; i++) {
        kb_buf_adds(out, "<sitemap><loc>");
        kb_xml_adds_text(out, base_of(site));
        kb_buf_addf(out, "/sitemap-%zu.xml</loc>", i);
        if (lastmod) {
            kb_buf_adds(out, "<lastmod>");
            kb_date_iso8601(out, lastmod, 0);
            kb_buf_adds(out, "</lastmod>");
        }
        kb_buf_adds(out, "</sitemap>\n");
    }
    kb_buf_adds(out, "</sitemapindex>\n");
}

void kb_sitemap_begin(struct kb_buf *out)
{
    kb_buf_adds(out,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"" SITEMAP_NS "\">\n");
}

void kb_sitemap_url(struct kb_buf *out, const struct kb_site *site, const char *path,
                    int64_t lastmod, int offset_min)
{
    kb_buf_adds(out, "<url><loc>");
    kb_xml_adds_text(out, base_of(site));
    kb_xml_adds_text(out, path);
    kb_buf_adds(out, "</loc>");
    if (lastmod) {
        kb_buf_adds(out, "<lastmod>");
        kb_date_iso8601(out, lastmod, offset_min);
        kb_buf_adds(out, "</lastmod>");
    }
    kb_buf_adds(out, "</url>\n");
}

void kb_sitemap_end(struct kb_buf *out)
{
    kb_buf_adds(out, "</urlset>\n");
}

/* Google News wants an ISO 639 code: the primary subtag, except zh-cn / zh-tw. */
static void news_language(struct kb_buf *out, const char *lang)
{
    size_t n = strcspn(lang, "-_");
    if (n == 2 && strncmp(lang, "zh", 2) == 0 && lang[2]) {
        kb_buf_adds(out, (lang[3] == 't' || lang[3] == 'T' || lang[3] == 'h' || lang[3] == 'H')
                             ? "zh-tw"
                             : "zh-cn");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char c = lang[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c >= 'a' && c <= 'z')
            kb_buf_addch(out, c);
    }
}

void kb_sitemap_news(struct kb_buf *out, const struct kb_site *site, const struct kb_article *items,
                     size_t n)
{
    kb_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"" SITEMAP_NS
                     "\" xmlns:news=\"" NEWS_NS "\">\n");
    struct kb_buf u;
    kb_buf_init(&u, 1 << 16);
    for (size_t i = 0; i < n; i++) {
        const struct kb_article *a = &items[i];
        kb_buf_reset(&u);
        kb_buf_adds(&u, base_of(site));
        kb_article_url(&u, a);
        kb_buf_adds(out, "<url><loc>");
        kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
        kb_buf_adds(out, "</loc>\n<news:news><news:publication><news:name>");
        kb_xml_adds_text(out, site->name);
        kb_buf_adds(out, "</news:name><news:language>");
        news_language(out, a->language && *a->language ? a->language : kb_render_lang(site));
        kb_buf_adds(out, "</news:language></news:publication>\n<news:publication_date>");
        kb_date_iso8601(out, a->published, a->published_offset);
        kb_buf_adds(out, "</news:publication_date>\n<news:title>");
        kb_xml_adds_text(out, a->headline);
        kb_buf_adds(out, "</news:title></news:news></url>\n");
    }
    kb_buf_adds(out, "</urlset>\n");
    if (kb_buf_err(&u) && !out->err)
        out->err = kb_buf_err(&u);
    kb_buf_release(&u);
}

void kb_robots_txt(struct kb_buf *out, const struct kb_site *site)
{
    kb_buf_adds(out, "User-agent: *\nDisallow: /admin/\nDisallow: /api/\n\nSitemap: ");
    kb_buf_adds(out, base_of(site));
    kb_buf_adds(out, "/sitemap.xml\nSitemap: ");
    kb_buf_adds(out, base_of(site));
    kb_buf_adds(out, "/news-sitemap.xml\n");
}
