/*
 * render_page.c — the page frame (head, site header, footer), the 404 and error pages, and
 * the helpers every page shares (UI strings, digits, dates, section links).
 *
 * Invariants: every string from an article, a section, the site settings or the request is
 * appended through kb_buf_add_html or kb_buf_add_urlpath; attribute values are always
 * double-quoted; nothing here allocates beyond the caller's buffer.
 */
#include <string.h>
#include "khabar/json.h"
#include "khabar/render.h"
#include "khabar/utf8.h"
#include "render_int.h"

static const struct kb_render_ui ui_ar = {
    .skip = "تخطَّ إلى المحتوى",
    .nav_label = "الأقسام",
    .search_label = "البحث في الموقع",
    .search_placeholder = "ابحث في الأخبار…",
    .search_button = "بحث",
    .discover = "اكتشف",
    .source = "مصدر: ",
    .photo = "صورة: ",
    .byline = "بقلم ",
    .tags = "الوسوم",
    .latest = "آخر الأخبار",
    .prev = "السابق",
    .next = "التالي",
    .page = "صفحة",
    .of = "من",
    .pages = "الصفحات",
    .empty_home = "لا توجد أخبار منشورة بعد. عُد إلينا قريباً.",
    .empty_section = "لا توجد أخبار في هذا القسم بعد.",
    .empty_page = "لا توجد أخبار في هذه الصفحة.",
    .first_page = "الصفحة الأولى",
    .nf_title = "الصفحة غير موجودة",
    .nf_before = "لم نعثر على صفحة بالعنوان ",
    .nf_after = ". ربما نُقلت أو حُذفت.",
    .home = "العودة إلى الصفحة الرئيسية",
    .error = "حدث خطأ",
    .crumbs = "مسار التنقل",
    .home_crumb = "الرئيسية",
    .tag_kind = "وسم",
    .author_kind = "مقالات",
    .empty_list = "لا توجد أخبار منشورة هنا.",
};

static const struct kb_render_ui ui_en = {
    .skip = "Skip to content",
    .nav_label = "Sections",
    .search_label = "Search the site",
    .search_placeholder = "Search the news…",
    .search_button = "Search",
    .discover = "Discover",
    .source = "Source: ",
    .photo = "Photo: ",
    .byline = "By ",
    .tags = "Tags",
    .latest = "Latest news",
    .prev = "Previous",
    .next = "Next",
    .page = "Page",
    .of = "of",
    .pages = "Pages",
    .empty_home = "Nothing has been published yet. Come back soon.",
    .empty_section = "Nothing has been published in this section yet.",
    .empty_page = "There are no articles on this page.",
    .first_page = "First page",
    .nf_title = "Page not found",
    .nf_before = "We could not find the page ",
    .nf_after = ". It may have been moved or deleted.",
    .home = "Back to the home page",
    .error = "Something went wrong",
    .crumbs = "Breadcrumb",
    .home_crumb = "Home",
    .tag_kind = "Tag",
    .author_kind = "Articles by",
    .empty_list = "Nothing has been published here.",
};

const char *kb_render_lang(const struct kb_site *site)
{
    return site->language && *site->language ? site->language : "ar";
}

const struct kb_render_ui *kb_render_ui_for(const struct kb_site *site)
{
    const char *l = kb_render_lang(site);
    return (l[0] == 'e' && l[1] == 'n' && (l[2] == '\0' || l[2] == '-')) ? &ui_en : &ui_ar;
}

bool kb_render_lang_rtl(const char *lang)
{
    static const char *const rtl[] = {"ar", "fa", "ur", "he", "ps", "sd", "ug", "yi", "ckb", "dv"};
    if (!lang)
        return true;
    size_t n = strcspn(lang, "-_");
    for (size_t i = 0; i < sizeof(rtl) / sizeof(rtl[0]); i++)
        if (strlen(rtl[i]) == n && strncmp(lang, rtl[i], n) == 0)
            return true;
    return false;
}

bool kb_render_arabic_digits(const struct kb_site *site)
{
    return site->date_style.digits == KB_DIGITS_ARABIC;
}

void kb_render_num(struct kb_buf *out, const struct kb_site *site, uint64_t v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    bool arabic = kb_render_arabic_digits(site);
    while (n--) {
        if (arabic) { /* U+0660..U+0669 are D9 A0..D9 A9 */
            char d[2] = {'\xD9', (char)(0xA0 + (tmp[n] - '0'))};
            kb_buf_add(out, d, 2);
        } else {
            kb_buf_addch(out, tmp[n]);
        }
    }
}

static int display_offset(const struct kb_site *site, int64_t t, int fallback)
{
    int off;
    if (site->timezone && *site->timezone && kb_tz_offset(site->timezone, t, &off) == 0)
        return off;
    return fallback;
}

static void date_english(struct kb_buf *out, const struct kb_site *site, int64_t t, int off)
{
    static const char *const months[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
    struct kb_civil c;
    kb_unix_to_civil(t, off, &c);
    kb_render_num(out, site, (uint64_t)c.day);
    kb_buf_addch(out, ' ');
    kb_buf_adds(out, c.month >= 1 && c.month <= 12 ? months[c.month - 1] : "");
    kb_buf_addch(out, ' ');
    kb_buf_addi(out, c.year);
}

void kb_render_time(struct kb_buf *out, const struct kb_site *site, int64_t t, int fallback_offset,
                    bool with_hijri)
{
    int off = display_offset(site, t, fallback_offset);
    kb_buf_adds(out, "<time datetime=\"");
    kb_date_iso8601(out, t, off);
    kb_buf_adds(out, "\">");
    if (kb_render_ui_for(site) == &ui_en)
        date_english(out, site, t, off);
    else
        kb_date_format(out, t, off, &site->date_style);
    kb_buf_adds(out, "</time>");
    if (!with_hijri)
        return;
    /* The Hijri line is optional decoration: if ICU cannot give it, drop the wrapper too. */
    size_t mark = out->n;
    kb_buf_adds(out, "\n<span class=\"hijri\">");
    if (kb_date_format_hijri(out, t, off, site->date_style.digits) == 0) {
        kb_buf_adds(out, "</span>");
    } else if (!kb_buf_err(out)) {
        out->n = mark;
        out->p[mark] = '\0';
    }
}

void kb_render_reading_time(struct kb_buf *out, const struct kb_site *site,
                            const struct kb_article *a)
{
    const char *lang = a->language && *a->language ? a->language : kb_render_lang(site);
    int minutes = a->reading_minutes;
    if (minutes <= 0) { /* not computed yet (a preview): count lede + body here */
        size_t words = 0;
        if (a->lede)
            words += kb_readtime_words(a->lede, strlen(a->lede));
        if (a->body_html)
            words += kb_readtime_words_html(a->body_html, strlen(a->body_html));
        minutes = kb_readtime_minutes(words, lang);
    }
    kb_buf_adds(out, "<span class=\"reading-time\">");
    kb_readtime_format(out, minutes, lang, kb_render_arabic_digits(site));
    kb_buf_adds(out, "</span>");
}

void kb_render_section_path(struct kb_buf *out, const char *slug)
{
    kb_buf_addch(out, '/');
    if (slug && *slug) {
        kb_buf_add_urlpath(out, slug, strlen(slug));
        kb_buf_addch(out, '/');
    }
}

void kb_render_section_link(struct kb_buf *out, const struct kb_section *s)
{
    kb_buf_adds(out, "<a class=\"section\" href=\"");
    kb_render_section_path(out, s->slug);
    kb_buf_adds(out, "\">");
    kb_buf_adds_html(out, s->name && *s->name ? s->name : s->slug);
    kb_buf_adds(out, "</a>");
}

bool kb_render_src_ok(const char *src)
{
    if (!src || !*src)
        return false;
    if (src[0] == '/')
        return src[1] != '/' || src[2] != '\0'; /* "/x" or protocol-relative "//host/x" */
    return strncmp(src, "https://", 8) == 0 || strncmp(src, "http://", 7) == 0;
}

const char *kb_render_alt(const struct kb_article *a)
{
    if (a->image.alt && *a->image.alt)
        return a->image.alt;
    if (a->image.caption && *a->image.caption)
        return a->image.caption;
    return a->headline ? a->headline : "";
}

void kb_render_search_form(struct kb_buf *out, const struct kb_site *site, const char *id,
                           const char *cls)
{
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    kb_buf_addf(out, "<form class=\"%s\" role=\"search\" action=\"/search\" method=\"get\">", cls);
    kb_buf_addf(out, "<label for=\"%s\">", id);
    kb_buf_adds(out, ui->search_label);
    kb_buf_addf(out, "</label><input id=\"%s\" type=\"search\" name=\"q\" placeholder=\"", id);
    kb_buf_adds(out, ui->search_placeholder);
    kb_buf_adds(out, "\" enterkeyhint=\"search\"><button type=\"submit\">");
    kb_buf_adds(out, ui->search_button);
    kb_buf_adds(out, "</button></form>\n");
}

static void site_url(struct kb_buf *out, const struct kb_site *site, const char *path)
{
    kb_buf_adds_html(out, site->base_url);
    kb_buf_adds_html(out, path);
}

void kb_render_abs_html(struct kb_buf *out, const struct kb_site *site, const char *ref)
{
    if (ref[0] == '/' && ref[1] == '/')
        kb_buf_adds(out, "https:");
    else if (ref[0] == '/')
        kb_buf_adds_html(out, site->base_url);
    kb_buf_adds_html(out, ref);
}

/* <link rel="alternate"> to the three feeds of the site (section and tag NULL), a section
 * or a tag (feeds.h kb_feed_tag_path). */
static void feed_links(struct kb_buf *out, const struct kb_site *site, const struct kb_section *sec,
                       const char *tag)
{
    static const struct {
        const char *type, *file;
    } feeds[] = {{"application/rss+xml", "feed.xml"},
                 {"application/atom+xml", "atom.xml"},
                 {"application/feed+json", "feed.json"}};
    for (size_t i = 0; i < sizeof(feeds) / sizeof(feeds[0]); i++) {
        kb_buf_addf(out, "<link rel=\"alternate\" type=\"%s\" href=\"", feeds[i].type);
        if (tag)
            kb_render_tag_path(out, tag); /* percent-encoded: nothing to escape */
        else
            kb_render_section_path(out, sec ? sec->slug : NULL);
        kb_buf_adds(out, feeds[i].file);
        kb_buf_adds(out, "\" title=\"");
        kb_buf_adds_html(out, site->name);
        if (sec || tag) {
            kb_buf_adds(out, " — ");
            kb_buf_adds_html(out, tag ? tag : sec->name && *sec->name ? sec->name : sec->slug);
        }
        kb_buf_adds(out, "\">\n");
    }
}

static const struct kb_section *nav_section(const struct kb_site *site, const char *slug)
{
    for (size_t i = 0; slug && i < site->nsections; i++)
        if (site->sections[i].slug && strcmp(site->sections[i].slug, slug) == 0)
            return &site->sections[i];
    return NULL;
}

static void link_rel(struct kb_buf *out, const struct kb_site *site, const char *rel,
                     const char *path)
{
    kb_buf_addf(out, "<link rel=\"%s\" href=\"", rel);
    site_url(out, site, path);
    kb_buf_adds(out, "\">\n");
}

/* The JSON-LD BreadcrumbList of a trail: the same names and paths as kb_render_crumbs
 * shows, as absolute URLs. */
static void crumbs_jsonld(struct kb_buf *out, const struct kb_site *site, const struct kb_crumb *c,
                          size_t n)
{
    struct kb_buf js, url;
    kb_buf_init(&js, (size_t)1 << 16);
    kb_buf_init(&url, 8192);
    struct kb_json j;
    kb_json_init(&j, &js, KB_JSON_COMPACT);
    kb_json_obj(&j);
    kb_json_key(&j, "@context");
    kb_json_strc(&j, "https://schema.org");
    kb_json_key(&j, "@type");
    kb_json_strc(&j, "BreadcrumbList");
    kb_json_key(&j, "itemListElement");
    kb_json_arr(&j);
    for (size_t i = 0; i < n; i++) {
        kb_json_obj(&j);
        kb_json_key(&j, "@type");
        kb_json_strc(&j, "ListItem");
        kb_json_key(&j, "position");
        kb_json_int(&j, (int64_t)i + 1);
        kb_json_key(&j, "name");
        kb_json_strc(&j, c[i].name ? c[i].name : "");
        if (c[i].path) {
            kb_buf_reset(&url);
            kb_buf_adds(&url, site->base_url ? site->base_url : "");
            kb_buf_adds(&url, c[i].path);
            kb_json_key(&j, "item");
            kb_json_str(&j, kb_buf_cstr(&url), url.n);
        }
        kb_json_end(&j);
    }
    kb_json_end(&j);
    kb_json_end(&j);
    kb_render_script_json(out, &js);
    if ((kb_buf_err(&js) || kb_buf_err(&url)) && !out->err)
        out->err = kb_buf_err(&js) ? kb_buf_err(&js) : kb_buf_err(&url);
    kb_buf_release(&js);
    kb_buf_release(&url);
}

void kb_render_crumbs(struct kb_buf *out, const struct kb_site *site, const struct kb_crumb *c,
                      size_t n)
{
    if (!n)
        return;
    kb_buf_adds(out, "<nav class=\"breadcrumbs\" aria-label=\"");
    kb_buf_adds(out, kb_render_ui_for(site)->crumbs);
    kb_buf_adds(out, "\"><ol>");
    for (size_t i = 0; i < n; i++) {
        if (i + 1 == n) {
            kb_buf_adds(out, "<li aria-current=\"page\">");
            kb_buf_adds_html(out, c[i].name);
        } else {
            kb_buf_adds(out, "<li><a href=\"");
            kb_buf_adds_html(out, c[i].path);
            kb_buf_adds(out, "\">");
            kb_buf_adds_html(out, c[i].name);
            kb_buf_adds(out, "</a>");
        }
        kb_buf_adds(out, "</li>");
    }
    kb_buf_adds(out, "</ol></nav>\n");
}

/* Facebook's locale for the site language: ar → ar_AR, en → en_US, xx → xx_XX. */
static void og_locale(struct kb_buf *out, const char *lang)
{
    size_t n = strcspn(lang, "-_");
    if (n < 2 || n > 3)
        return;
    kb_buf_adds(out, "<meta property=\"og:locale\" content=\"");
    if (n == 2 && strncmp(lang, "en", 2) == 0) {
        kb_buf_adds(out, "en_US");
    } else {
        for (size_t i = 0; i < n; i++)
            kb_buf_addch(out, (char)(lang[i] >= 'A' && lang[i] <= 'Z' ? lang[i] + 32 : lang[i]));
        kb_buf_addch(out, '_');
        for (size_t i = 0; i < 2; i++)
            kb_buf_addch(out, (char)(lang[i] >= 'a' && lang[i] <= 'z' ? lang[i] - 32 : lang[i]));
    }
    kb_buf_adds(out, "\">\n");
}

void kb_render_page_begin(struct kb_buf *out, const struct kb_site *site,
                          const struct kb_render_meta *m)
{
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    const char *lang = kb_render_lang(site);
    const char *name = site->name ? site->name : "";

    kb_buf_adds(out, "<!doctype html>\n<html lang=\"");
    kb_buf_adds_html(out, lang);
    kb_buf_adds(out, kb_render_lang_rtl(lang) ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n");
    kb_buf_adds(out, "<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>");
    if (m->title) {
        kb_buf_adds_html(out, m->title);
        kb_buf_adds(out, " — ");
    }
    kb_buf_adds_html(out, name);
    kb_buf_adds(out, "</title>\n");
    if (m->description && *m->description) {
        kb_buf_adds(out, "<meta name=\"description\" content=\"");
        kb_buf_adds_html(out, m->description);
        kb_buf_adds(out, "\">\n");
    }
    if (m->canonical_path) {
        kb_buf_adds(out, "<link rel=\"canonical\" href=\"");
        site_url(out, site, m->canonical_path);
        kb_buf_adds(out, "\">\n");
    }
    if (m->robots == KB_ROBOTS_NOINDEX)
        kb_buf_adds(out, "<meta name=\"robots\" content=\"noindex\">\n");
    kb_buf_adds(out, "<meta name=\"color-scheme\" content=\"light dark\">\n"
                     "<link rel=\"stylesheet\" href=\"/static/site.css\">\n");
    feed_links(out, site, NULL, NULL);
    const struct kb_section *cur = nav_section(site, m->current_section);
    if (cur)
        feed_links(out, site, cur, NULL);
    if (m->feed_tag && *m->feed_tag)
        feed_links(out, site, NULL, m->feed_tag);
    if (m->og_type) {
        kb_buf_adds(out, "<meta property=\"og:type\" content=\"");
        kb_buf_adds_html(out, m->og_type);
        kb_buf_adds(out, "\">\n<meta property=\"og:site_name\" content=\"");
        kb_buf_adds_html(out, name);
        kb_buf_adds(out, "\">\n<meta property=\"og:title\" content=\"");
        kb_buf_adds_html(out, m->title ? m->title : name);
        kb_buf_adds(out, "\">\n");
        if (m->canonical_path) {
            kb_buf_adds(out, "<meta property=\"og:url\" content=\"");
            site_url(out, site, m->canonical_path);
            kb_buf_adds(out, "\">\n");
        }
        if (m->description && *m->description) {
            kb_buf_adds(out, "<meta property=\"og:description\" content=\"");
            kb_buf_adds_html(out, m->description);
            kb_buf_adds(out, "\">\n");
        }
        og_locale(out, lang);
        if (m->og_image && kb_render_src_ok(m->og_image)) {
            kb_buf_adds(out, "<meta property=\"og:image\" content=\"");
            kb_render_abs_html(out, site, m->og_image);
            kb_buf_adds(out, "\">\n");
        }
    }
    if (m->prev_path)
        link_rel(out, site, "prev", m->prev_path);
    if (m->next_path)
        link_rel(out, site, "next", m->next_path);
    if (m->article)
        kb_render_article_head(out, site, m->article, m->canonical_path);
    if (m->ncrumbs)
        crumbs_jsonld(out, site, m->crumbs, m->ncrumbs);
    kb_buf_adds(out, "</head>\n<body");
    if (m->body_class) {
        kb_buf_adds(out, " class=\"");
        kb_buf_adds_html(out, m->body_class);
        kb_buf_addch(out, '"');
    }
    kb_buf_adds(out, ">\n<a class=\"skip\" href=\"#main\">");
    kb_buf_adds(out, ui->skip);
    kb_buf_adds(out, "</a>\n<header class=\"site-header\">\n<a class=\"brand\" href=\"/\">");
    kb_buf_adds_html(out, name);
    kb_buf_adds(out, "</a>\n");
    if (site->nsections) {
        kb_buf_adds(out, "<nav class=\"sections\" aria-label=\"");
        kb_buf_adds(out, ui->nav_label);
        kb_buf_adds(out, "\"><ul>");
        for (size_t i = 0; i < site->nsections; i++) {
            const struct kb_section *s = &site->sections[i];
            kb_buf_adds(out, "<li><a href=\"");
            kb_render_section_path(out, s->slug);
            kb_buf_addch(out, '"');
            if (m->current_section && s->slug && strcmp(m->current_section, s->slug) == 0)
                kb_buf_adds(out, " aria-current=\"page\"");
            kb_buf_addch(out, '>');
            kb_buf_adds_html(out, s->name && *s->name ? s->name : s->slug);
            kb_buf_adds(out, "</a></li>");
        }
        kb_buf_adds(out, "</ul></nav>\n");
    }
    kb_render_search_form(out, site, "site-q", "search");
    kb_buf_adds(out, "</header>\n<main id=\"main\">\n");
}

void kb_render_page_end(struct kb_buf *out, const struct kb_site *site)
{
    kb_buf_adds(out, "</main>\n<footer class=\"site-footer\">\n<p><a href=\"/\">");
    kb_buf_adds_html(out, site->name);
    kb_buf_adds(out, "</a>");
    if (site->tagline && *site->tagline) {
        kb_buf_adds(out, " — ");
        kb_buf_adds_html(out, site->tagline);
    }
    kb_buf_adds(
        out, "</p>\n<p class=\"feeds\"><a href=\"/feed.xml\" type=\"application/rss+xml\">RSS</a>"
             " · <a href=\"/atom.xml\" type=\"application/atom+xml\">Atom</a> · "
             "<a href=\"/feed.json\" type=\"application/feed+json\">JSON Feed</a></p>\n"
             "</footer>\n</body>\n</html>\n");
}

/* A request path can be long: show at most this many bytes of it, cut on a UTF-8 boundary. */
#define SHOWN_PATH_MAX 200

void kb_render_not_found(struct kb_buf *out, const struct kb_site *site, const char *path)
{
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    struct kb_render_meta m = {
        .title = ui->nf_title, .body_class = "page-status", .robots = KB_ROBOTS_NOINDEX};
    kb_render_page_begin(out, site, &m);
    kb_buf_adds(out, "<section class=\"status\">\n<h1>");
    kb_buf_adds(out, ui->nf_title);
    kb_buf_adds(out, "</h1>\n<p>");
    kb_buf_adds(out, ui->nf_before);
    kb_buf_adds(out, "<code dir=\"ltr\">");
    size_t n = path ? strlen(path) : 0;
    if (n > SHOWN_PATH_MAX) {
        size_t k = SHOWN_PATH_MAX;
        while (k > 0 && ((unsigned char)path[k] & 0xC0) == 0x80)
            k--;
        kb_buf_add_html(out, path, k);
        kb_buf_adds(out, "…");
    } else if (n) {
        kb_buf_add_html(out, path, n);
    }
    kb_buf_adds(out, "</code>");
    kb_buf_adds(out, ui->nf_after);
    kb_buf_adds(out, "</p>\n");
    kb_render_search_form(out, site, "status-q", "search search-big");
    kb_buf_adds(out, "<p><a class=\"home\" href=\"/\">");
    kb_buf_adds(out, ui->home);
    kb_buf_adds(out, "</a></p>\n</section>\n");
    kb_render_page_end(out, site);
}

static const char *status_title(const struct kb_render_ui *ui, int status)
{
    if (ui == &ui_en) {
        switch (status) {
        case 400:
            return "Bad request";
        case 401:
            return "Please sign in";
        case 403:
            return "Not allowed";
        case 404:
            return ui->nf_title;
        case 405:
            return "Method not allowed";
        case 413:
            return "Request too large";
        case 429:
            return "Too many requests";
        case 503:
            return "Temporarily unavailable";
        default:
            return ui->error;
        }
    }
    switch (status) {
    case 400:
        return "طلب غير صالح";
    case 401:
        return "يلزم تسجيل الدخول";
    case 403:
        return "غير مسموح";
    case 404:
        return ui->nf_title;
    case 405:
        return "طريقة الطلب غير مسموحة";
    case 413:
        return "الطلب أكبر من المسموح";
    case 429:
        return "طلبات كثيرة، حاول بعد قليل";
    case 503:
        return "الخدمة غير متاحة مؤقتاً";
    default:
        return ui->error;
    }
}

void kb_render_error(struct kb_buf *out, const struct kb_site *site, int status,
                     const char *message)
{
    const struct kb_render_ui *ui = kb_render_ui_for(site);
    const char *what = status_title(ui, status);
    struct kb_render_meta m = {
        .title = what, .body_class = "page-status", .robots = KB_ROBOTS_NOINDEX};
    kb_render_page_begin(out, site, &m);
    kb_buf_adds(out, "<section class=\"status\">\n<h1>");
    kb_buf_adds(out, what);
    kb_buf_adds(out, "</h1>\n<p class=\"code\">");
    if (status > 0 && status < 1000)
        kb_render_num(out, site, (uint64_t)status);
    kb_buf_adds(out, "</p>\n");
    if (message && *message) {
        kb_buf_adds(out, "<p>");
        kb_buf_adds_html(out, message);
        kb_buf_adds(out, "</p>\n");
    }
    kb_render_search_form(out, site, "status-q", "search search-big");
    kb_buf_adds(out, "<p><a class=\"home\" href=\"/\">");
    kb_buf_adds(out, ui->home);
    kb_buf_adds(out, "</a></p>\n</section>\n");
    kb_render_page_end(out, site);
}
