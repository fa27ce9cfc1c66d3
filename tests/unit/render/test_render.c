/*
 * test_render.c — the public site's pages as a reader and a browser see them.
 *
 * The article page is built from the reference page's structure
 * ($KB_SHARED/fixtures/trt-article.expected.json, skipped when ../shared is missing) and
 * checked element by element and in order; hostile strings must come out escaped; list
 * pages must paginate in Arabic; the 404 page must escape the path it names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/render.h"

/* ---- helpers ----------------------------------------------------------------------- */

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

/* Position of `needle` in `hay`, failing the test when absent. */
static size_t pos(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    if (!p)
        fail_msg("missing: %s", needle);
    return (size_t)(p - hay);
}

/* A copy of hay[from .. first `end` after from), or "" when absent. */
static char *slice(const char *hay, const char *start, const char *end)
{
    const char *a = strstr(hay, start);
    if (!a)
        return strdup("");
    const char *b = strstr(a, end);
    if (!b)
        return strdup("");
    return strndup(a, (size_t)(b - a) + strlen(end));
}

static char *escaped(const char *s)
{
    struct kb_buf b;
    kb_buf_init(&b, 0);
    kb_buf_adds_html(&b, s);
    return kb_buf_detach(&b, NULL);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("page lacks: %s", needle);
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("page must not contain: %s", needle);
}

static struct kb_section sections[] = {
    {1, "politics", "سياسة", 1, NULL},
    {2, "world", "عالم", 2, NULL},
    {3, "economy", "اقتصاد", 3, NULL},
};

static struct kb_site test_site(void)
{
    struct kb_site s = {
        .name = "خبر",
        .tagline = "أخبار العالم العربي",
        .language = "ar",
        .base_url = "http://127.0.0.1:8080",
        .timezone = "Europe/Istanbul",
        .date_style = {KB_MONTHS_STANDARD, KB_DIGITS_LATIN, false},
        .discover_count = 15,
        .page_size = 20,
        .sections = sections,
        .nsections = 3,
    };
    return s;
}

/* 2024-11-12T21:00:00Z = 2024-11-13 00:00 in Istanbul (+03:00). */
#define REF_INSTANT INT64_C(1731445200)

static void set_section(struct kb_article *a, const char *slug, const char *name)
{
    kb_set_str(&a->section.slug, slug);
    kb_set_str(&a->section.name, name);
}

/* ---- the reference article --------------------------------------------------------- */

struct reference {
    json_t *root;
    struct kb_article a;
    struct kb_article discover[15];
    size_t ndiscover;
};

static bool load_reference(struct reference *r)
{
    const char *shared = getenv("KB_SHARED");
    char path[4096];
    snprintf(path, sizeof(path), "%s/fixtures/trt-article.expected.json",
             shared ? shared : "../shared");
    json_error_t jerr;
    r->root = json_load_file(path, 0, &jerr);
    if (!r->root)
        return false;

    struct kb_article *a = &r->a;
    kb_article_init(a);
    a->status = KB_STATUS_PUBLISHED;
    kb_set_str(&a->slug, "us-nato-ukraine");
    set_section(a, "politics", json_string_value(json_object_get(r->root, "section")));
    kb_set_str(&a->headline, json_string_value(json_object_get(r->root, "headline")));
    kb_set_str(&a->lede, json_string_value(json_object_get(r->root, "lede")));
    kb_set_str(&a->source, json_string_value(json_object_get(r->root, "source")));
    kb_set_str(&a->language, "ar");
    json_t *img = json_object_get(r->root, "image");
    kb_set_str(&a->image.src, "/media/blinken-rutte.jpg");
    kb_set_str(&a->image.alt, json_string_value(json_object_get(img, "alt")));
    kb_set_str(&a->image.caption, json_string_value(json_object_get(img, "caption")));
    kb_set_str(&a->image.credit, json_string_value(json_object_get(img, "credit")));
    kb_set_str(&a->image.copyright, json_string_value(json_object_get(img, "copyright")));

    /* The body as the sanitizer would store it: escaped text in p / h2 elements. */
    struct kb_buf body;
    kb_buf_init(&body, 0);
    size_t i;
    json_t *blk;
    json_array_foreach(json_object_get(r->root, "body"), i, blk)
    {
        const char *type = json_string_value(json_object_get(blk, "type"));
        kb_buf_addf(&body, "<%s>", type);
        kb_buf_adds_html(&body, json_string_value(json_object_get(blk, "text")));
        kb_buf_addf(&body, "</%s>\n", type);
    }
    a->body_html = kb_buf_detach(&body, NULL);
    a->published = REF_INSTANT;
    a->published_offset = 180;
    a->updated = REF_INSTANT;
    a->updated_offset = 180;
    a->reading_minutes = (int)json_integer_value(json_object_get(r->root, "reading_minutes"));

    json_t *h;
    r->ndiscover = 0;
    json_array_foreach(json_object_get(r->root, "discover"), i, h)
    {
        if (r->ndiscover == 15)
            break;
        struct kb_article *d = &r->discover[r->ndiscover++];
        kb_article_init(d);
        char slug[32];
        snprintf(slug, sizeof(slug), "d-%zu", i + 1);
        kb_set_str(&d->slug, slug);
        set_section(d, "world", "عالم");
        kb_set_str(&d->headline, json_string_value(h));
        d->published = REF_INSTANT + 86400 * (int64_t)(i + 1);
        d->published_offset = 180;
    }
    return true;
}

static void free_reference(struct reference *r)
{
    kb_article_release(&r->a);
    for (size_t i = 0; i < r->ndiscover; i++)
        kb_article_release(&r->discover[i]);
    json_decref(r->root);
}

#define NEED_REFERENCE(r)                                                                          \
    do {                                                                                           \
        if (!load_reference(r)) {                                                                  \
            printf("skipped: ../shared not found\n");                                              \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

static char *render_article(const struct kb_site *site, const struct kb_article *a,
                            const struct kb_article *d, size_t nd)
{
    struct kb_buf b;
    kb_buf_init(&b, 0);
    kb_render_article(&b, site, a, d, nd);
    assert_int_equal(kb_buf_err(&b), 0);
    return kb_buf_detach(&b, NULL);
}

static void test_article_reference(void **state)
{
    struct reference r;
    NEED_REFERENCE(&r);
    struct kb_site site = test_site();
    char *html = render_article(&site, &r.a, r.discover, r.ndiscover);
    const struct kb_article *a = &r.a;

    /* The document: language, direction, head. */
    static const char start[] = "<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">";
    assert_true(strncmp(html, start, sizeof(start) - 1) == 0);
    assert_contains(html, "<meta charset=\"utf-8\">");
    assert_contains(html, "<meta name=\"viewport\" content=\"width=device-width");
    char *hl = escaped(a->headline), *lede = escaped(a->lede);
    char want[8192];
    snprintf(want, sizeof(want), "<title>%s — خبر</title>", hl);
    assert_contains(html, want);
    snprintf(want, sizeof(want), "<meta name=\"description\" content=\"%s\">", lede);
    assert_contains(html, want);
    assert_contains(
        html, "<link rel=\"canonical\" href=\"http://127.0.0.1:8080/politics/us-nato-ukraine\">");
    assert_contains(html, "<link rel=\"stylesheet\" href=\"/static/site.css\">");

    /* Site header: name linking home, the sections, the search form. */
    assert_contains(html, "<a class=\"brand\" href=\"/\">خبر</a>");
    assert_contains(html, "<a href=\"/politics/\" aria-current=\"page\">سياسة</a>");
    assert_contains(html, "<a href=\"/economy/\">اقتصاد</a>");
    assert_contains(html, "action=\"/search\" method=\"get\"");
    assert_contains(html, "name=\"q\" placeholder=\"ابحث في الأخبار…\"");

    /* Every element of the reference page, in its order. */
    char *article = slice(html, "<article", "</article>");
    assert_true(strlen(article) > 0);
    size_t p_section = pos(article, "<a class=\"section\" href=\"/politics/\">سياسة</a>");
    size_t p_read = pos(article, "<span class=\"reading-time\">3 دقائق قراءة</span>");
    snprintf(want, sizeof(want), "<h1>%s</h1>", hl);
    size_t p_h1 = pos(article, want);
    assert_int_equal(count(html, "<h1"), 1);
    snprintf(want, sizeof(want), "<p class=\"lede\">%s</p>", lede);
    size_t p_lede = pos(article, want);
    snprintf(want, sizeof(want), "<img src=\"/media/blinken-rutte.jpg\" alt=\"%s\" width=", hl);
    size_t p_img = pos(article, want);
    char *cap = escaped(a->image.caption);
    snprintf(want, sizeof(want),
             "<figcaption>%s <span class=\"credit\">صورة: AA / AA</span></figcaption>", cap);
    size_t p_cap = pos(article, want);
    size_t p_time =
        pos(article, "<time datetime=\"2024-11-13T00:00:00+03:00\">13 نوفمبر 2024</time>");
    size_t p_body = pos(article, "<div class=\"body\">");
    size_t p_source = pos(article, "<p class=\"source\">مصدر: TRT عربي - وكالات</p>");
    assert_true(p_section < p_read && p_read < p_h1 && p_h1 < p_lede && p_lede < p_img &&
                p_img < p_cap && p_cap < p_time && p_time < p_body && p_body < p_source);
    assert_true(pos(html, "</article>") < pos(html, "<aside class=\"discover\""));

    /* The body as stored: 11 paragraphs and the subheading, inside div.body. */
    char *body = slice(article, "<div class=\"body\">", "\n</div>");
    assert_int_equal(count(body, "<p>"), 11);
    assert_contains(body, "<h2>روسيا لا يمكنها الانتصار</h2>");
    assert_contains(body, "جاء ذلك في مؤتمر صحفي اليوم الأربعاء");

    /* The Discover rail: every article, in order, linked; none of it inside <article>. */
    char *aside = slice(html, "<aside class=\"discover\"", "</aside>");
    assert_contains(aside, "aria-labelledby=\"discover-title\"");
    assert_contains(aside, "<h2 id=\"discover-title\">اكتشف</h2>");
    assert_int_equal(r.ndiscover, 15);
    assert_int_equal(count(aside, "<li>"), 15);
    size_t last = 0;
    for (size_t i = 0; i < r.ndiscover; i++) {
        char *dh = escaped(r.discover[i].headline);
        snprintf(want, sizeof(want), "<li><a href=\"/world/d-%zu\">%s</a>", i + 1, dh);
        size_t p = pos(aside, want);
        assert_true(i == 0 || p > last);
        last = p;
        assert_null(strstr(article, dh));
        assert_int_equal(count(html, dh), 1);
        free(dh);
    }
    assert_contains(aside, "<time datetime=\"2024-11-14T00:00:00+03:00\">14 نوفمبر 2024</time>");

    /* Footer. */
    assert_contains(html, "<footer class=\"site-footer\">\n<p><a href=\"/\">خبر</a>");

    free(body);
    free(aside);
    free(cap);
    free(article);
    free(hl);
    free(lede);
    free(html);
    free_reference(&r);
}

static void test_article_timezone_and_hijri(void **state)
{
    struct reference r;
    NEED_REFERENCE(&r);
    struct kb_site site = test_site();

    site.timezone = "UTC";
    char *html = render_article(&site, &r.a, NULL, 0);
    assert_contains(html, "<time datetime=\"2024-11-12T21:00:00+00:00\">12 نوفمبر 2024</time>");
    assert_lacks(html, "class=\"discover\"");
    free(html);

    /* A zone ICU does not know falls back to the article's own offset. */
    site.timezone = "Nowhere/Atlantis";
    html = render_article(&site, &r.a, NULL, 0);
    assert_contains(html, "<time datetime=\"2024-11-13T00:00:00+03:00\">13 نوفمبر 2024</time>");
    free(html);

    /* The rail shows at most the site's discover_count, the first ones. */
    site.discover_count = 5;
    html = render_article(&site, &r.a, r.discover, r.ndiscover);
    assert_int_equal(count(html, "<li><a href=\"/world/d-"), 5);
    assert_contains(html, "href=\"/world/d-5\"");
    assert_lacks(html, "href=\"/world/d-6\"");
    free(html);

    site.timezone = "Asia/Riyadh";
    site.date_style.hijri = true;
    site.date_style.digits = KB_DIGITS_ARABIC;
    html = render_article(&site, &r.a, NULL, 0);
    assert_contains(html, "١٣ نوفمبر ٢٠٢٤</time>");
    assert_contains(html, "<span class=\"hijri\">١١ جمادى الأولى ١٤٤٦ هـ</span>");
    assert_contains(html, "<span class=\"reading-time\">٣ دقائق قراءة</span>");
    free(html);
    free_reference(&r);
}

static void test_reading_time_computed(void **state)
{
    struct reference r;
    NEED_REFERENCE(&r);
    struct kb_site site = test_site();
    r.a.reading_minutes = 0; /* a preview: not computed yet */
    char *html = render_article(&site, &r.a, NULL, 0);
    assert_contains(html, "<span class=\"reading-time\">3 دقائق قراءة</span>");
    free(html);
    free_reference(&r);
}

/* ---- articles built here ----------------------------------------------------------- */

static void small_article(struct kb_article *a, const char *slug, const char *headline)
{
    kb_article_init(a);
    a->status = KB_STATUS_PUBLISHED;
    kb_set_str(&a->slug, slug);
    set_section(a, "politics", "سياسة");
    kb_set_str(&a->headline, headline);
    kb_set_str(&a->lede, "خلاصة الخبر في جملة واحدة.");
    kb_set_str(&a->language, "ar");
    kb_set_str(&a->body_html, "<p>نص قصير.</p>");
    a->published = REF_INSTANT;
    a->published_offset = 180;
    a->reading_minutes = 1;
}

static void test_hostile_strings_escaped(void **state)
{
    struct kb_site site = test_site();
    site.name = "<svg onload=alert(1)>";
    struct kb_article a;
    small_article(&a, "a\"b c", "<script>alert(\"x\")</script> & 'q'");
    set_section(&a, "x\"y", "<i>قسم</i>");
    kb_set_str(&a.lede, "</title><script>alert(2)</script>");
    kb_set_str(&a.image.src, "/m/x.jpg\" onerror=\"alert(3)");
    kb_set_str(&a.image.caption, "\" onload=\"alert(4)");
    kb_set_str(&a.image.credit, "<b>AA</b>");
    kb_set_str(&a.source, "<img src=x onerror=alert(5)>");
    a.tags = calloc(1, sizeof(char *));
    a.tags[0] = strdup("\"><script>alert(6)</script>");
    a.ntags = 1;
    struct kb_article d;
    small_article(&d, "d", "<script>alert(7)</script>");

    char *html = render_article(&site, &a, &d, 1);
    /* The only scripts are the two JSON-LD data blocks, and nothing ends them early. */
    assert_int_equal(count(html, "<script"), 2);
    assert_int_equal(count(html, "<script type=\"application/ld+json\">"), 2);
    assert_int_equal(count(html, "</script>"), 2);
    assert_lacks(html, "<svg");
    assert_lacks(html, "<img src=x");
    assert_lacks(html, "\" onerror=\"");
    assert_lacks(html, "\" onload=\"");
    assert_lacks(html, "<b>AA");
    assert_lacks(html, "<i>قسم");
    assert_contains(html,
                    "<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; "
                    "— &lt;svg onload=alert(1)&gt;</title>");
    assert_contains(html, "<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                          "&#39;q&#39;</h1>");
    assert_contains(html, "<img src=\"/m/x.jpg&quot; onerror=&quot;alert(3)\"");
    assert_contains(html, "<figcaption>&quot; onload=&quot;alert(4) <span class=\"credit\">صورة: "
                          "&lt;b&gt;AA&lt;/b&gt;</span></figcaption>");
    /* URL segments are percent-encoded, never raw quotes or spaces. */
    assert_contains(html, "<a class=\"section\" href=\"/x%22y/\">&lt;i&gt;قسم&lt;/i&gt;</a>");
    assert_contains(html, "/x%22y/a%22b%20c\"");
    assert_contains(html,
                    "<a rel=\"tag\" href=\"/tag/%22%3E%3Cscript%3Ealert%286%29%3C%2Fscript%3E/\">");
    free(html);

    /* A javascript: photo is not emitted at all. */
    kb_set_str(&a.image.src, "javascript:alert(8)");
    html = render_article(&site, &a, NULL, 0);
    assert_lacks(html, "javascript:");
    assert_lacks(html, "<figure");
    free(html);
    kb_article_release(&a);
    kb_article_release(&d);
}

static void test_caption_without_photo(void **state)
{
    struct kb_site site = test_site();
    struct kb_article a;
    small_article(&a, "s", "عنوان");
    kb_set_str(&a.image.caption, "تعليق بلا صورة");
    char *html = render_article(&site, &a, NULL, 0);
    assert_lacks(html, "<figure");
    assert_lacks(html, "تعليق بلا صورة");
    free(html);
    kb_article_release(&a);
}

static void test_languages(void **state)
{
    struct kb_site site = test_site();
    struct kb_article a;
    small_article(&a, "s", "Allies call for support");
    kb_set_str(&a.language, "en");
    char *html = render_article(&site, &a, NULL, 0);
    assert_contains(html, "<html lang=\"ar\" dir=\"rtl\">");
    assert_contains(html, "<article lang=\"en\" dir=\"ltr\">");
    free(html);

    site.language = "en";
    kb_set_str(&a.source, "Agencies");
    html = render_article(&site, &a, &a, 1);
    assert_contains(html, "<html lang=\"en\" dir=\"ltr\">");
    assert_contains(html, "<article>");
    assert_contains(html, ">Discover</h2>");
    assert_contains(html, "<p class=\"source\">Source: Agencies</p>");
    assert_contains(html, "13 November 2024</time>");
    free(html);
    kb_article_release(&a);
}

/* ---- list pages -------------------------------------------------------------------- */

static char *render_list(const struct kb_site *site, const struct kb_section *section,
                         const struct kb_article *items, size_t n, size_t page, size_t total)
{
    struct kb_buf b;
    kb_buf_init(&b, 0);
    kb_render_list(&b, site, section, items, n, page, total);
    assert_int_equal(kb_buf_err(&b), 0);
    return kb_buf_detach(&b, NULL);
}

static void make_items(struct kb_article *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char slug[32], head[64];
        snprintf(slug, sizeof(slug), "item-%zu", i + 1);
        snprintf(head, sizeof(head), "الخبر رقم %zu", i + 1);
        small_article(&items[i], slug, head);
        if (i % 2 == 0)
            kb_set_str(&items[i].image.src, "/media/p.jpg");
    }
}

static void free_items(struct kb_article *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        kb_article_release(&items[i]);
}

static void test_list_section_pagination(void **state)
{
    struct kb_site site = test_site();
    struct kb_article items[20];
    make_items(items, 20);

    /* Page 2 of 7 (130 articles, 20 a page) of a section. */
    char *html = render_list(&site, &sections[0], items, 20, 2, 130);
    assert_contains(html, "<html lang=\"ar\" dir=\"rtl\">");
    assert_contains(html, "<title>سياسة — خبر</title>");
    assert_contains(html,
                    "<link rel=\"canonical\" href=\"http://127.0.0.1:8080/politics/?page=2\">");
    assert_int_equal(count(html, "<h1"), 1);
    assert_contains(html, "<h1>سياسة</h1>");
    assert_int_equal(count(html, "<article class=\"card\">"), 20);
    assert_lacks(html, "card lead");            /* the lead story is page 1's */
    assert_lacks(html, "<a class=\"section\""); /* a section page does not repeat itself */
    assert_contains(html, "<h2><a href=\"/politics/item-1\">الخبر رقم 1</a></h2>");
    assert_contains(html, "<time datetime=\"2024-11-13T00:00:00+03:00\">13 نوفمبر 2024</time>");
    assert_contains(html, "<span class=\"reading-time\">دقيقة");
    assert_int_equal(count(html, "loading=\"lazy\""), 10);
    char *nav = slice(html, "<nav class=\"pagination\"", "</nav>");
    assert_contains(nav, "<a rel=\"prev\" href=\"/politics/\">السابق</a>");
    assert_contains(nav, "<span class=\"count\">صفحة 2 من 7</span>");
    assert_contains(nav, "<a rel=\"next\" href=\"/politics/?page=3\">التالي</a>");
    assert_true(pos(html, "item-20") < pos(html, "<nav class=\"pagination\""));
    free(nav);
    free(html);

    html = render_list(&site, &sections[0], items, 20, 3, 130);
    assert_contains(html, "<a rel=\"prev\" href=\"/politics/?page=2\">");
    free(html);

    /* The last page has no next link. */
    html = render_list(&site, &sections[0], items, 10, 7, 130);
    assert_contains(html, "صفحة 7 من 7");
    assert_contains(html, "<a rel=\"prev\" href=\"/politics/?page=6\">");
    assert_lacks(html, "rel=\"next\"");
    free(html);

    /* Arabic-Indic digits when the site asks for them. */
    site.date_style.digits = KB_DIGITS_ARABIC;
    html = render_list(&site, &sections[0], items, 20, 2, 130);
    assert_contains(html, "صفحة ٢ من ٧");
    assert_contains(html, "href=\"/politics/?page=3\"");
    free(html);
    free_items(items, 20);
}

static void test_list_home(void **state)
{
    struct kb_site site = test_site();
    struct kb_article items[5];
    make_items(items, 5);
    char *html = render_list(&site, NULL, items, 5, 1, 5);
    assert_contains(html, "<title>خبر</title>");
    assert_contains(html, "<h1>خبر</h1>");
    assert_int_equal(count(html, "<article class=\"card lead\">"), 1);
    assert_int_equal(count(html, "<article class=\"card\">"), 4);
    assert_true(pos(html, "card lead") < pos(html, "item-2\""));
    assert_contains(html, "<img src=\"/media/p.jpg\" alt=\"\" width=\"1200\"");
    assert_int_equal(count(html, "<a class=\"section\" href=\"/politics/\">سياسة</a>"), 5);
    assert_lacks(html, "class=\"pagination\""); /* one page only */
    free(html);

    html = render_list(&site, NULL, items, 5, 1, 45);
    assert_contains(html, "صفحة 1 من 3");
    assert_lacks(html, "rel=\"prev\"");
    assert_contains(html, "<a rel=\"next\" href=\"/?page=2\">");
    free(html);
    free_items(items, 5);
}

static void test_list_empty(void **state)
{
    struct kb_site site = test_site();
    char *html = render_list(&site, &sections[1], NULL, 0, 1, 0);
    assert_contains(html, "<h1>عالم</h1>");
    assert_contains(html, "<p class=\"empty\">لا توجد أخبار في هذا القسم بعد.</p>");
    assert_lacks(html, "<article");
    assert_lacks(html, "pagination");
    free(html);

    html = render_list(&site, NULL, NULL, 0, 1, 0);
    assert_contains(html, "<p class=\"empty\">لا توجد أخبار منشورة بعد.");
    free(html);

    /* A page past the end says so and links back to the first page. */
    html = render_list(&site, &sections[1], NULL, 0, 9, 30);
    assert_contains(html, "<p class=\"empty\">لا توجد أخبار في هذه الصفحة.</p>");
    assert_contains(html, "href=\"/world/\">الصفحة الأولى</a>");
    free(html);
}

/* ---- 404 and errors ---------------------------------------------------------------- */

/* ---- breadcrumbs, tag and author links, hreflang, tag and author lists ------------ */

static void add_tag(struct kb_article *a, const char *tag)
{
    a->tags = kb_realloc(a->tags, (a->ntags + 1) * sizeof(char *));
    a->tags[a->ntags++] = strdup(tag);
}

static void test_article_breadcrumbs_and_links(void **state)
{
    struct kb_site site = test_site();
    struct kb_article a;
    small_article(&a, "summit", "قمة \"الرياض\" <اليوم>");
    kb_set_str(&a.byline, "سارة أحمد");
    add_tag(&a, "الناتو");
    add_tag(&a, "a/b \"c\"");
    char *html = render_article(&site, &a, NULL, 0);
    /* The visible trail, in <main> before the article, the last step unlinked. */
    char *nav = slice(html, "<nav class=\"breadcrumbs\"", "</nav>");
    assert_string_equal(nav, "<nav class=\"breadcrumbs\" aria-label=\"مسار التنقل\"><ol>"
                             "<li><a href=\"/\">الرئيسية</a></li>"
                             "<li><a href=\"/politics/\">سياسة</a></li>"
                             "<li aria-current=\"page\">قمة &quot;الرياض&quot; &lt;اليوم&gt;</li>"
                             "</ol></nav>");
    assert_true(pos(html, "<main") < pos(html, "<nav class=\"breadcrumbs\""));
    assert_true(pos(html, "<nav class=\"breadcrumbs\"") < pos(html, "<article"));
    /* The same trail as JSON-LD, with absolute URLs; "<" cannot end the script. */
    assert_contains(html, "{\"@context\":\"https://schema.org\",\"@type\":\"BreadcrumbList\","
                          "\"itemListElement\":[{\"@type\":\"ListItem\",\"position\":1,"
                          "\"name\":\"الرئيسية\",\"item\":\"http://127.0.0.1:8080/\"},"
                          "{\"@type\":\"ListItem\",\"position\":2,\"name\":\"سياسة\","
                          "\"item\":\"http://127.0.0.1:8080/politics/\"},"
                          "{\"@type\":\"ListItem\",\"position\":3,"
                          "\"name\":\"قمة \\\"الرياض\\\" \\u003cاليوم>\","
                          "\"item\":\"http://127.0.0.1:8080/politics/summit\"}]}");
    assert_int_equal(count(html, "\"BreadcrumbList\""), 1);
    /* Tags link to their pages (one segment each, '/' encoded); the byline to its author. */
    assert_contains(html, "<a rel=\"tag\" href=\"/tag/%D8%A7%D9%84%D9%86%D8%A7%D8%AA%D9%88/\">");
    assert_contains(html, "<a rel=\"tag\" href=\"/tag/a%2Fb%20%22c%22/\">a/b &quot;c&quot;</a>");
    assert_contains(html, "<span class=\"byline\">بقلم <a rel=\"author\" href=\"/author/"
                          "%D8%B3%D8%A7%D8%B1%D8%A9-%D8%A3%D8%AD%D9%85%D8%AF/\">سارة أحمد</a>");
    assert_lacks(html, "hreflang"); /* no translations */
    free(nav);
    free(html);

    /* A byline with nothing to make a slug from is shown without a link. */
    kb_set_str(&a.byline, "— ؟");
    html = render_article(&site, &a, NULL, 0);
    assert_contains(html, "<span class=\"byline\">بقلم — ؟</span>");
    assert_lacks(html, "rel=\"author\"");
    free(html);
    kb_article_release(&a);
}

static void translation(struct kb_article *a, int64_t id, const char *lang, const char *url)
{
    a->translations =
        kb_realloc(a->translations, (a->ntranslations + 1) * sizeof(*a->translations));
    struct kb_translation *t = &a->translations[a->ntranslations++];
    memset(t, 0, sizeof(*t));
    t->id = id;
    t->language = strdup(lang);
    t->url = strdup(url);
    a->translations_set = true;
}

static void test_hreflang(void **state)
{
    struct kb_site site = test_site();
    struct kb_article a;
    small_article(&a, "summit-en", "Summit");
    a.id = 7;
    kb_set_str(&a.language, "en");
    translation(&a, 9, "ar", "/politics/summit");
    translation(&a, 3, "fr", "/politics/sommet");
    translation(&a, 12, "fr", "/politics/sommet-2"); /* a second French one: not named */
    translation(&a, 14, "en", "/politics/summit-2"); /* this page's language: not named */
    char *html = render_article(&site, &a, NULL, 0);
    assert_int_equal(count(html, "hreflang="), 4);
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"en\" "
                          "href=\"http://127.0.0.1:8080/politics/summit-en\">");
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"ar\" "
                          "href=\"http://127.0.0.1:8080/politics/summit\">");
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"fr\" "
                          "href=\"http://127.0.0.1:8080/politics/sommet\">");
    /* x-default: the version in the site's language (ar), whatever the ids. */
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"x-default\" "
                          "href=\"http://127.0.0.1:8080/politics/summit\">");
    free(html);

    /* Without a version in the site's language: the group's smallest id. */
    site.language = "ur";
    html = render_article(&site, &a, NULL, 0);
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"x-default\" "
                          "href=\"http://127.0.0.1:8080/politics/sommet\">");
    free(html);
    kb_article_release(&a);
}

static char *render_kind(const struct kb_site *site, const struct kb_list_page *l)
{
    struct kb_buf b;
    kb_buf_init(&b, 0);
    kb_render_list_page(&b, site, l);
    assert_int_equal(kb_buf_err(&b), 0);
    return kb_buf_detach(&b, NULL);
}

static void test_tag_and_author_lists(void **state)
{
    struct kb_site site = test_site();
    struct kb_article items[20];
    make_items(items, 20);
    struct kb_list_page l = {
        .kind = KB_LIST_TAG, .name = "<النفط>", .items = items, .n = 20, .page = 2, .total = 45};
    char *html = render_kind(&site, &l);
    const char *enc = "/tag/%3C%D8%A7%D9%84%D9%86%D9%81%D8%B7%3E/";
    char want[512];
    snprintf(want, sizeof(want), "<link rel=\"canonical\" href=\"http://127.0.0.1:8080%s?page=2\">",
             enc);
    assert_contains(html, want);
    snprintf(want, sizeof(want), "<link rel=\"prev\" href=\"http://127.0.0.1:8080%s\">", enc);
    assert_contains(html, want);
    snprintf(want, sizeof(want), "<link rel=\"next\" href=\"http://127.0.0.1:8080%s?page=3\">",
             enc);
    assert_contains(html, want);
    snprintf(want, sizeof(want), "<a rel=\"next\" href=\"%s?page=3\">", enc);
    assert_contains(html, want);
    assert_contains(html, "<title>&lt;النفط&gt; — خبر</title>");
    assert_contains(html, "<h1>&lt;النفط&gt;</h1>");
    assert_contains(html, "<p class=\"list-kind\">وسم</p>");
    assert_contains(html, "<li aria-current=\"page\">&lt;النفط&gt;</li>");
    assert_contains(html, "\"name\":\"\\u003cالنفط>\"");
    assert_int_equal(count(html, "<a class=\"section\""), 20); /* items of any section */
    assert_lacks(html, "card lead");                           /* page 2 */
    free(html);

    /* An author page, page 1 of 1, led by a given lead story. */
    struct kb_article lead;
    small_article(&lead, "lead", "القصة الرئيسية");
    kb_set_str(&lead.image.src, "/media/lead.jpg");
    l = (struct kb_list_page){.kind = KB_LIST_AUTHOR,
                              .name = "سارة أحمد",
                              .slug = "سارة-أحمد",
                              .lead = &lead,
                              .items = items,
                              .n = 3,
                              .page = 1,
                              .total = 4};
    html = render_kind(&site, &l);
    assert_contains(html, "<link rel=\"canonical\" href=\"http://127.0.0.1:8080/author/"
                          "%D8%B3%D8%A7%D8%B1%D8%A9-%D8%A3%D8%AD%D9%85%D8%AF/\">");
    assert_contains(html, "<h1>سارة أحمد</h1>");
    assert_int_equal(count(html, "<article class=\"card lead\">"), 1);
    assert_int_equal(count(html, "<article class=\"card\">"), 3);
    assert_true(pos(html, "القصة الرئيسية") < pos(html, "الخبر رقم 1<"));
    assert_lacks(html, "pagination");
    assert_lacks(html, "rel=\"next\"");
    free(html);

    /* The home page has no trail; a section page's is home › section. */
    html = render_list(&site, NULL, items, 5, 1, 5);
    assert_lacks(html, "breadcrumbs");
    assert_lacks(html, "BreadcrumbList");
    free(html);
    html = render_list(&site, &sections[1], items, 5, 1, 5);
    assert_contains(html, "<li><a href=\"/\">الرئيسية</a></li><li aria-current=\"page\">عالم</li>");
    assert_contains(html, "\"name\":\"عالم\",\"item\":\"http://127.0.0.1:8080/world/\"");
    free(html);
    kb_article_release(&lead);
    free_items(items, 20);
}

static void test_not_found(void **state)
{
    struct kb_site site = test_site();
    struct kb_buf b;
    kb_buf_init(&b, 0);
    kb_render_not_found(&b, &site, "/<script>alert(1)</script>?a=\"b\"");
    assert_int_equal(kb_buf_err(&b), 0);
    const char *html = kb_buf_cstr(&b);
    assert_contains(html, "<html lang=\"ar\" dir=\"rtl\">");
    assert_contains(html, "<title>الصفحة غير موجودة — خبر</title>");
    assert_contains(html, "<meta name=\"robots\" content=\"noindex\">");
    assert_contains(html, "<h1>الصفحة غير موجودة</h1>");
    assert_lacks(html, "<script");
    assert_contains(html, "<code dir=\"ltr\">/&lt;script&gt;alert(1)&lt;/script&gt;?a=&quot;b&quot;"
                          "</code>");
    assert_contains(html, "<a class=\"home\" href=\"/\">");
    assert_int_equal(count(html, "action=\"/search\""), 2);
    assert_int_equal(count(html, "name=\"q\""), 2);
    kb_buf_release(&b);

    /* A very long path is shown cut, on a character boundary. */
    char path[2001];
    path[0] = '/';
    for (size_t i = 1; i + 2 <= 2000; i += 2)
        memcpy(path + i, "\xD8\xA8", 2); /* ب */
    path[1999] = 'x';
    path[2000] = '\0';
    kb_buf_init(&b, 0);
    kb_render_not_found(&b, &site, path);
    assert_int_equal(kb_buf_err(&b), 0);
    assert_lacks(kb_buf_cstr(&b), "x</code>");
    assert_contains(kb_buf_cstr(&b), "ب…</code>");
    kb_buf_release(&b);
}

static void test_error_page(void **state)
{
    struct kb_site site = test_site();
    struct kb_buf b;
    kb_buf_init(&b, 0);
    kb_render_error(&b, &site, 503, "database <locked>");
    assert_int_equal(kb_buf_err(&b), 0);
    const char *html = kb_buf_cstr(&b);
    assert_contains(html, "<html lang=\"ar\" dir=\"rtl\">");
    assert_contains(html, "<h1>الخدمة غير متاحة مؤقتاً</h1>");
    assert_contains(html, "<p class=\"code\">503</p>");
    assert_contains(html, "<p>database &lt;locked&gt;</p>");
    assert_contains(html, "<a class=\"home\" href=\"/\">");
    kb_buf_release(&b);
}

static void test_cap_is_an_error_not_a_crash(void **state)
{
    struct kb_site site = test_site();
    struct kb_article a;
    small_article(&a, "s", "عنوان");
    struct kb_buf b;
    kb_buf_init(&b, 300);
    kb_render_article(&b, &site, &a, &a, 1);
    assert_int_equal(kb_buf_err(&b), KB_ETOOBIG);
    assert_true(b.n <= 300);
    kb_buf_release(&b);
    kb_article_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_article_reference),
        cmocka_unit_test(test_article_timezone_and_hijri),
        cmocka_unit_test(test_reading_time_computed),
        cmocka_unit_test(test_hostile_strings_escaped),
        cmocka_unit_test(test_caption_without_photo),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_list_section_pagination),
        cmocka_unit_test(test_list_home),
        cmocka_unit_test(test_list_empty),
        cmocka_unit_test(test_article_breadcrumbs_and_links),
        cmocka_unit_test(test_hreflang),
        cmocka_unit_test(test_tag_and_author_lists),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_error_page),
        cmocka_unit_test(test_cap_is_an_error_not_a_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
