/*
 * render_article.c — the article page, element by element in the reference page's order:
 * section, reading time, headline, lede, photo with caption and credit, date, body, source
 * line, tags; then the اكتشف (Discover) rail as an <aside> outside the <article>, so other
 * articles' headlines are never part of this article.
 *
 * Invariants: body_html is emitted as stored (it was sanitized on the way in); every other
 * string is escaped; URLs come from kb_article_url / kb_buf_add_urlpath.  One small buffer
 * holds the article's own path for the canonical link; the head's structured data
 * (OpenGraph article:*, Twitter card, JSON-LD NewsArticle and BreadcrumbList) is built in
 * two scratch buffers and written through the JSON writer, never by hand.
 */
#include <string.h>
#include "khabar/feeds.h"
#include "khabar/json.h"
#include "khabar/media.h"
#include "khabar/render.h"
#include "render_int.h"

/* A guess at the photo's shape for width/height: the model does not store the real size,
 * and a 16:9 hint lets the browser reserve the space (CSS height:auto then follows the real
 * picture once it has loaded). */
#define IMG_HINT_W 1200
#define IMG_HINT_H 675

/* An uploaded photo's variant (media.h: the page's 1280-wide copy, the 1200x630 social card)
 * in `b`, else `src` itself (a photo from elsewhere has no variants). */
static const char *variant(struct kb_buf *b, const char *src, enum kb_media_variant v)
{
    kb_buf_reset(b);
    return kb_media_variant_src(b, src, v) && !kb_buf_err(b) ? kb_buf_cstr(b) : src;
}

static void figure(struct kb_buf *out, const struct kb_site *site, const struct kb_article *a)
{
    const struct kb_image *im = &a->image;
    if (!kb_render_src_ok(im->src))
        return; /* a caption without a photo says nothing: no figure at all */
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    kb_buf_adds(out, "<figure>\n<img src=\"");
    struct kb_buf vb;
    kb_buf_init(&vb, 256);
    kb_buf_adds_html(out, variant(&vb, im->src, KB_MEDIA_PAGE));
    kb_buf_release(&vb);
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
        kb_buf_adds(out, "<li><a rel=\"tag\" href=\"");
        kb_render_tag_path(out, a->tags[i]);
        kb_buf_adds(out, "\">");
        kb_buf_adds_html(out, a->tags[i]);
        kb_buf_adds(out, "</a></li>");
    }
    kb_buf_adds(out, "</ul>\n");
}

/* ---- structured data ------------------------------------------------------------- */

/* Append the absolute form of `ref` without escaping (for the JSON writer). */
static void abs_raw(struct kb_buf *out, const struct kb_site *site, const char *ref)
{
    if (ref[0] == '/' && ref[1] == '/')
        kb_buf_adds(out, "https:");
    else if (ref[0] == '/')
        kb_buf_adds(out, site->base_url ? site->base_url : "");
    kb_buf_adds(out, ref);
}

static void json_abs(struct kb_json *j, struct kb_buf *tmp, const struct kb_site *site,
                     const char *ref)
{
    kb_buf_reset(tmp);
    abs_raw(tmp, site, ref);
    kb_json_str(j, kb_buf_cstr(tmp), tmp->n);
}

static void json_date(struct kb_json *j, struct kb_buf *tmp, int64_t t, int off)
{
    kb_buf_reset(tmp);
    kb_date_iso8601(tmp, t, off);
    kb_json_str(j, kb_buf_cstr(tmp), tmp->n);
}

static bool has(const char *s)
{
    return s && *s;
}

static const char *section_name(const struct kb_article *a)
{
    return has(a->section.name) ? a->section.name : a->section.slug;
}

/* The site as a schema.org Organization, with its logo when `logo`. */
static void organization(struct kb_json *j, struct kb_buf *tmp, const struct kb_site *site,
                         bool logo)
{
    kb_json_obj(j);
    kb_json_key(j, "@type");
    kb_json_strc(j, "Organization");
    kb_json_key(j, "name");
    kb_json_strc(j, site->name ? site->name : "");
    kb_json_key(j, "url");
    json_abs(j, tmp, site, "/");
    if (logo) {
        kb_json_key(j, "logo");
        kb_json_obj(j);
        kb_json_key(j, "@type");
        kb_json_strc(j, "ImageObject");
        kb_json_key(j, "url");
        json_abs(j, tmp, site, KB_LOGO_PATH);
        kb_json_key(j, "width");
        kb_json_int(j, KB_LOGO_SIZE);
        kb_json_key(j, "height");
        kb_json_int(j, KB_LOGO_SIZE);
        kb_json_end(j);
    }
    kb_json_end(j);
}

static void news_article(struct kb_json *j, struct kb_buf *tmp, const struct kb_site *site,
                         const struct kb_article *a, const char *canonical)
{
    kb_json_obj(j);
    kb_json_key(j, "@context");
    kb_json_strc(j, "https://schema.org");
    kb_json_key(j, "@type");
    kb_json_strc(j, "NewsArticle");
    if (canonical) {
        kb_json_key(j, "mainEntityOfPage");
        kb_json_obj(j);
        kb_json_key(j, "@type");
        kb_json_strc(j, "WebPage");
        kb_json_key(j, "@id");
        json_abs(j, tmp, site, canonical);
        kb_json_end(j);
        kb_json_key(j, "url");
        json_abs(j, tmp, site, canonical);
    }
    kb_json_key(j, "headline");
    kb_json_strc(j, a->headline ? a->headline : "");
    kb_json_key(j, "description");
    kb_json_strc(j, has(a->lede) ? a->lede : (a->headline ? a->headline : ""));
    if (kb_render_src_ok(a->image.src)) {
        kb_json_key(j, "image");
        kb_json_arr(j);
        struct kb_buf vb;
        kb_buf_init(&vb, 256);
        json_abs(j, tmp, site, variant(&vb, a->image.src, KB_MEDIA_SOCIAL));
        kb_buf_release(&vb);
        kb_json_end(j);
    }
    int64_t pub = a->published ? a->published : a->updated;
    int pub_off = a->published ? a->published_offset : a->updated_offset;
    if (pub) {
        kb_json_key(j, "datePublished");
        json_date(j, tmp, pub, pub_off);
    }
    int64_t mod = a->updated > pub ? a->updated : pub;
    if (mod) {
        kb_json_key(j, "dateModified");
        json_date(j, tmp, mod, a->updated > pub ? a->updated_offset : pub_off);
    }
    kb_json_key(j, "author");
    kb_json_arr(j);
    if (has(a->byline)) {
        kb_json_obj(j);
        kb_json_key(j, "@type");
        kb_json_strc(j, "Person");
        kb_json_key(j, "name");
        kb_json_strc(j, a->byline);
        kb_json_end(j);
    } else {
        organization(j, tmp, site, false);
    }
    kb_json_end(j);
    kb_json_key(j, "publisher");
    organization(j, tmp, site, true);
    if (has(section_name(a))) {
        kb_json_key(j, "articleSection");
        kb_json_strc(j, section_name(a));
    }
    if (a->ntags) {
        kb_json_key(j, "keywords");
        kb_json_arr(j);
        for (size_t i = 0; i < a->ntags; i++)
            if (has(a->tags[i]))
                kb_json_strc(j, a->tags[i]);
        kb_json_end(j);
    }
    kb_json_key(j, "inLanguage");
    kb_json_strc(j, has(a->language) ? a->language : kb_render_lang(site));
    kb_json_key(j, "isAccessibleForFree");
    kb_json_bool(j, true);
    kb_json_end(j);
}

/* Append JSON `js` inside a <script>: "</" becomes "<\/" and every other "<" becomes
 * "\u003c" ('<' only ever occurs inside JSON strings, where both mean the same), so no text
 * can close the element, open a comment or start a nested "<script". */
void kb_render_script_json(struct kb_buf *out, const struct kb_buf *js)
{
    const char *p = kb_buf_cstr(js), *start = p;
    kb_buf_adds(out, "<script type=\"application/ld+json\">");
    for (; *p; p++) {
        if (*p != '<')
            continue;
        kb_buf_add(out, start, (size_t)(p - start));
        if (p[1] == '/') {
            kb_buf_adds(out, "<\\/");
            p++;
        } else {
            kb_buf_adds(out, "\\u003c");
        }
        start = p + 1;
    }
    kb_buf_adds(out, start);
    kb_buf_adds(out, "</script>\n");
}

static void meta_prop(struct kb_buf *out, const char *attr, const char *name, const char *value)
{
    kb_buf_addf(out, "<meta %s=\"%s\" content=\"", attr, name);
    kb_buf_adds_html(out, value);
    kb_buf_adds(out, "\">\n");
}

/* Whether BCP 47 tags `x` and `y` share their primary language subtag ("ar" ~ "ar-EG"). */
static bool same_primary(const char *x, const char *y)
{
    size_t nx = strcspn(x, "-_"), ny = strcspn(y, "-_");
    if (nx != ny)
        return false;
    for (size_t i = 0; i < nx; i++)
        if ((x[i] | 0x20) != (y[i] | 0x20))
            return false;
    return true;
}

static bool same_lang(const char *x, const char *y)
{
    for (; *x && *y; x++, y++)
        if ((*x | 0x20) != (*y | 0x20))
            return false;
    return *x == *y;
}

static void alternate(struct kb_buf *out, const struct kb_site *site, const char *lang,
                      const char *path)
{
    kb_buf_adds(out, "<link rel=\"alternate\" hreflang=\"");
    kb_buf_adds_html(out, lang);
    kb_buf_adds(out, "\" href=\"");
    kb_render_abs_html(out, site, path);
    kb_buf_adds(out, "\">\n");
}

/* hreflang: the page itself, each translation (the first of each language), and
 * x-default = the group's article in the site's language with the smallest id, else the
 * group's smallest id — the same choice from every page of the group. */
static void hreflang(struct kb_buf *out, const struct kb_site *site, const struct kb_article *a,
                     const char *canonical)
{
    if (!a->ntranslations || !canonical)
        return;
    const char *self = has(a->language) ? a->language : kb_render_lang(site);
    const char *site_lang = kb_render_lang(site);
    alternate(out, site, self, canonical);
    const char *xdef = canonical;
    int64_t xid = a->id;
    bool xsite = same_primary(self, site_lang);
    for (size_t i = 0; i < a->ntranslations; i++) {
        const struct kb_translation *t = &a->translations[i];
        if (!has(t->language) || !has(t->url) || t->url[0] != '/')
            continue;
        bool dup = same_lang(t->language, self);
        for (size_t k = 0; k < i && !dup; k++)
            dup = has(a->translations[k].language) &&
                  same_lang(a->translations[k].language, t->language);
        if (!dup)
            alternate(out, site, t->language, t->url);
        bool tsite = same_primary(t->language, site_lang);
        if ((tsite && !xsite) || (tsite == xsite && t->id < xid)) {
            xdef = t->url;
            xid = t->id;
            xsite = tsite;
        }
    }
    alternate(out, site, "x-default", xdef);
}

void kb_render_article_head(struct kb_buf *out, const struct kb_site *site,
                            const struct kb_article *a, const char *canonical)
{
    struct kb_buf tmp, js;
    kb_buf_init(&tmp, (size_t)1 << 16);
    kb_buf_init(&js, (size_t)1 << 20);

    int64_t pub = a->published ? a->published : a->updated;
    int pub_off = a->published ? a->published_offset : a->updated_offset;
    if (pub) {
        kb_date_iso8601(&tmp, pub, pub_off);
        meta_prop(out, "property", "article:published_time", kb_buf_cstr(&tmp));
    }
    int64_t mod = a->updated > pub ? a->updated : pub;
    if (mod) {
        kb_buf_reset(&tmp);
        kb_date_iso8601(&tmp, mod, a->updated > pub ? a->updated_offset : pub_off);
        meta_prop(out, "property", "article:modified_time", kb_buf_cstr(&tmp));
    }
    if (has(section_name(a)))
        meta_prop(out, "property", "article:section", section_name(a));
    for (size_t i = 0; i < a->ntags; i++)
        if (has(a->tags[i]))
            meta_prop(out, "property", "article:tag", a->tags[i]);

    bool image = kb_render_src_ok(a->image.src);
    meta_prop(out, "name", "twitter:card", image ? "summary_large_image" : "summary");
    meta_prop(out, "name", "twitter:title", a->headline ? a->headline : "");
    if (has(a->lede))
        meta_prop(out, "name", "twitter:description", a->lede);
    if (image) {
        kb_buf_adds(out, "<meta name=\"twitter:image\" content=\"");
        struct kb_buf vb;
        kb_buf_init(&vb, 256);
        kb_render_abs_html(out, site, variant(&vb, a->image.src, KB_MEDIA_SOCIAL));
        kb_buf_release(&vb);
        kb_buf_adds(out, "\">\n");
        meta_prop(out, "name", "twitter:image:alt", kb_render_alt(a));
    }

    struct kb_json j;
    kb_json_init(&j, &js, KB_JSON_COMPACT);
    news_article(&j, &tmp, site, a, canonical);
    kb_render_script_json(out, &js);
    hreflang(out, site, a, canonical);

    if ((kb_buf_err(&tmp) || kb_buf_err(&js)) && !out->err)
        out->err = kb_buf_err(&tmp) ? kb_buf_err(&tmp) : kb_buf_err(&js);
    kb_buf_release(&tmp);
    kb_buf_release(&js);
}

void kb_render_article(struct kb_buf *out, const struct kb_site *site, const struct kb_article *a,
                       const struct kb_article *discover, size_t ndiscover)
{
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    struct kb_buf path, sec;
    kb_buf_init(&path, 4096);
    kb_buf_init(&sec, 4096);
    kb_article_url(&path, a);
    kb_render_section_path(&sec, a->section.slug);

    /* الرئيسية › section › the article (the section step only when it has a slug). */
    struct kb_crumb crumbs[3] = {{ui->home_crumb, "/"}};
    size_t ncrumbs = 1;
    if (has(a->section.slug) && !kb_buf_err(&sec))
        crumbs[ncrumbs++] = (struct kb_crumb){section_name(a), kb_buf_cstr(&sec)};
    crumbs[ncrumbs++] = (struct kb_crumb){a->headline ? a->headline : "", kb_buf_cstr(&path)};

    struct kb_buf social;
    kb_buf_init(&social, 256);
    struct kb_render_meta m = {
        .title = a->headline,
        .description = a->lede,
        .canonical_path = kb_buf_err(&path) ? NULL : kb_buf_cstr(&path),
        .current_section = a->section.slug,
        .body_class = "page-article",
        .og_type = "article",
        .og_image = variant(&social, a->image.src, KB_MEDIA_SOCIAL),
        .robots = a->status == KB_STATUS_PUBLISHED ? KB_ROBOTS_INDEX : KB_ROBOTS_NOINDEX,
        .article = a,
        .crumbs = kb_buf_err(&path) ? NULL : crumbs,
        .ncrumbs = kb_buf_err(&path) ? 0 : ncrumbs,
    };
    kb_render_page_begin(out, site, &m);
    kb_buf_release(&social);
    kb_render_crumbs(out, site, m.crumbs, m.ncrumbs);
    kb_buf_release(&path);
    kb_buf_release(&sec);

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
            size_t mark = out->n;
            kb_buf_adds(out, "<a rel=\"author\" href=\"");
            if (kb_render_author_path(out, a->byline)) {
                kb_buf_adds(out, "\">");
                kb_buf_adds_html(out, a->byline);
                kb_buf_adds(out, "</a>");
            } else if (!kb_buf_err(out)) { /* no slug: the name without a link */
                out->n = mark;
                out->p[mark] = '\0';
                kb_buf_adds_html(out, a->byline);
            }
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
