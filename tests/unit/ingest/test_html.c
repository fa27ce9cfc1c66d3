/*
 * test_html.c — the article extractor (lib/ingest/html.c) on pages of our own writing.
 *
 * Table-driven: each signal alone (JSON-LD with @graph, arrays, comments; OpenGraph and
 * article:*; <time datetime>; a date in the page's text; a date in the URL; the h1 against
 * the meta titles; <title> with the site's name), the publication dates as Arabic and
 * English newsrooms write them, the main text with its boilerplate (menus, share buttons,
 * related lists, comments, "اقرأ أيضا"), the fields reported missing, and hostile pages
 * (100,000 nested elements, invalid UTF-8, truncated, empty, binary, too big).
 * When ../shared is there, every ground-truth page of ../shared/data/html/ar must give a
 * headline and a body without failing (the figures are bench-extract's business).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/article.h"
#include "khabar/htmlextract.h"
#include "khabar/sanitize.h"
#include "khabar/utf8.h"

static struct kb_html_article extract_url(const char *html, const char *url)
{
    struct kb_html_article a = {0};
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_html_extract(html, strlen(html), url, &a, &d);
    if (rc)
        fail_msg("extract failed: %s", d.msg);
    return a;
}

static struct kb_html_article extract(const char *html)
{
    return extract_url(html, NULL);
}

static void assert_has(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("\"%s\" not found in \"%s\"", needle, hay ? hay : "(null)");
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (hay && strstr(hay, needle))
        fail_msg("\"%s\" should not be in \"%s\"", needle, hay);
}

#define PARA_AR                                                                                                                                                     \
    "<p>أقر المجلس البلدي مساء أمس خطة لإنشاء خمس حدائق عامة في الأحياء الشرقية، على أن يبدأ " \
    "العمل فيها قبل الصيف المقبل.</p>"
#define PARA_EN                                                                                    \
    "<p>The island ferry will run again from Monday, the operator said, after a week in which "    \
    "storms kept both boats in port.</p>"

/* ---- JSON-LD ----------------------------------------------------------------------------- */

static void test_jsonld_graph(void **state)
{
    (void)state;
    const char *html =
        "<html><head><script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
        "\"@graph\":[{\"@type\":\"WebSite\",\"name\":\"S\"},{\"@type\":\"WebPage\",\"name\":\"P\"},"
        "{\"@type\":\"NewsArticle\",\"headline\":\"البلدية تفتتح حديقة\",\"description\":\"حديقة "
        "جديدة في الحي الشرقي "
        "للمدينة\",\"articleSection\":[\"محليات\",\"x\"],\"author\":[{\"@type\":"
        "\"Person\",\"name\":\"سلمى حداد\"},{\"name\":\"https://example.org/u/1\"},\"كريم نصر\"],"
        "\"datePublished\":\"2024-11-13T09:30:00+03:00\",\"dateModified\":\"2024-11-14T10:00:00Z\","
        "\"image\":[{\"@type\":\"ImageObject\",\"url\":\"/img/park.jpg\",\"caption\":\"الحديقة\","
        "\"creditText\":\"وكالة\"}],\"publisher\":{\"@type\":\"Organization\",\"name\":\"صحيفة "
        "المدينة\"},"
        "\"mainEntityOfPage\":{\"@id\":\"https://example.org/local/"
        "park\"},\"inLanguage\":\"ar-SA\"}]}"
        "</script></head><body>" PARA_AR "</body></html>";
    struct kb_html_article a = extract(html);
    assert_string_equal(a.headline, "البلدية تفتتح حديقة");
    assert_int_equal(a.headline_from, KB_HS_JSONLD);
    assert_string_equal(a.lede, "حديقة جديدة في الحي الشرقي للمدينة");
    assert_string_equal(a.section, "محليات");
    assert_string_equal(a.byline, "سلمى حداد, كريم نصر");
    assert_string_equal(a.site_name, "صحيفة المدينة");
    assert_string_equal(a.canonical_url, "https://example.org/local/park");
    assert_string_equal(a.image_src, "https://example.org/img/park.jpg");
    assert_string_equal(a.image_caption, "الحديقة");
    assert_string_equal(a.image_credit, "وكالة");
    assert_string_equal(a.language, "ar");
    assert_true(a.published.found && a.published.has_offset);
    assert_int_equal(a.published.offset_min, 180);
    assert_int_equal(a.published.civil.year, 2024);
    assert_int_equal(a.published.civil.day, 13);
    assert_int_equal(a.published.civil.hour, 9);
    assert_int_equal(a.published_from, KB_HS_JSONLD);
    assert_true(a.modified.found);
    assert_int_equal(a.modified.civil.day, 14);
    assert_int_equal(a.missing, 0);
    kb_html_article_release(&a);
}

static void test_jsonld_odd_forms(void **state)
{
    (void)state;
    /* a top-level array, @type as an array, the JSON inside an HTML comment, raw newlines
     * in strings, entities escaped twice; an earlier script that is not JSON at all */
    const char *html =
        "<script type=\"application/ld+json\">{not json</script>"
        "<script type=\"application/ld+json\"><!--\n[{\"@type\":\"BreadcrumbList\"},"
        "{\"@type\":[\"Thing\",\"http://schema.org/ReportageNewsArticle\"],\"headline\":"
        "\"It&#8217;s a \nstorm\",\"datePublished\":\"2020-03-02\"}]\n--></script>" PARA_EN;
    struct kb_html_article a = extract(html);
    assert_string_equal(a.headline, "It’s a storm");
    assert_true(a.published.found);
    assert_false(a.published.has_offset);
    assert_int_equal(a.published.civil.month, 3);
    kb_html_article_release(&a);
}

/* A page whose text is rendered by script: JSON-LD articleBody is the body; HTML in it
 * becomes paragraph breaks, never markup. */
static void test_jsonld_article_body(void **state)
{
    (void)state;
    const char *html =
        "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"Dam "
        "opens\",\"articleBody\":\"<p>First paragraph of the story, long enough.</p><p "
        "onclick=x>Second &amp; last paragraph.</p><script>alert(1)<\\/script>\"}</script>"
        "<div id=\"app\"></div>";
    struct kb_html_article a = extract(html);
    assert_int_equal(a.body_from, KB_HS_JSONLD);
    assert_string_equal(a.body_html, "<p>First paragraph of the story, long enough.</p>\n"
                                     "<p>Second &amp; last paragraph.</p>\n<p>alert(1)</p>\n");
    assert_int_equal(a.nblocks, 3);
    kb_html_article_release(&a);
}

/* ---- meta tags, markup, text ------------------------------------------------------------- */

static void test_opengraph(void **state)
{
    (void)state;
    const char *html =
        "<html lang=\"en-GB\"><head><title>Ferry service resumes | Harbour Gazette</title>"
        "<meta property=\"og:title\" content=\"Ferry service resumes | Harbour Gazette\">"
        "<meta property=\"og:description\" content=\"Crossings restart on Monday with a reduced "
        "timetable.\"><meta property=\"og:site_name\" content=\"Harbour Gazette\">"
        "<meta property=\"og:url\" content=\"https://gazette.example/news/ferry\">"
        "<meta property=\"og:image\" content=\"http://cdn.example/ferry.jpg\">"
        "<meta property=\"article:published_time\" content=\"2020-03-02T09:15:00+00:00\">"
        "<meta property=\"article:section\" content=\"Island\">"
        "<meta property=\"article:author\" content=\"https://gazette.example/staff/tom\">"
        "<meta name=\"author\" content=\"By Tom Reeves\"></head><body>" PARA_EN "</body></html>";
    struct kb_html_article a = extract(html);
    assert_string_equal(a.headline, "Ferry service resumes"); /* the site's name removed */
    assert_int_equal(a.headline_from, KB_HS_META);
    assert_string_equal(a.lede, "Crossings restart on Monday with a reduced timetable.");
    assert_string_equal(a.site_name, "Harbour Gazette");
    assert_string_equal(a.canonical_url, "https://gazette.example/news/ferry");
    assert_string_equal(a.image_src, "https://cdn.example/ferry.jpg"); /* https for images */
    assert_string_equal(a.section, "Island");
    assert_string_equal(a.byline, "Tom Reeves"); /* not the author's URL, "By" removed */
    assert_string_equal(a.language, "en");
    assert_int_equal(a.published_from, KB_HS_META);
    assert_true(a.published.has_offset);
    kb_html_article_release(&a);
}

static void test_headline_sources(void **state)
{
    (void)state;
    struct {
        const char *html, *want;
        enum kb_html_source from;
    } cases[] = {
        /* the h1 a meta title contains wins over the title with its suffix */
        {"<title>Dam opens - Valley Times</title><h1>Dam opens</h1>" PARA_EN, "Dam opens",
         KB_HS_MARKUP},
        /* an h1 that no meta agrees with (a site logo) loses to the title */
        {"<meta property=\"og:title\" content=\"Dam opens\"><h1>Valley Times</h1>" PARA_EN,
         "Dam opens", KB_HS_META},
        /* <title> alone: the longest part between separators */
        {"<title>Valley Times | Dam opens on the river at last</title>" PARA_EN,
         "Dam opens on the river at last", KB_HS_MARKUP},
        /* no meta at all: the first h1 */
        {"<h1> افتتاح  السد </h1>" PARA_AR, "افتتاح السد", KB_HS_MARKUP},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct kb_html_article a = extract(cases[i].html);
        if (!a.headline || strcmp(a.headline, cases[i].want) != 0)
            fail_msg("case %zu: got \"%s\"", i, a.headline ? a.headline : "(null)");
        assert_int_equal(a.headline_from, cases[i].from);
        kb_html_article_release(&a);
    }
}

/* Each way a page gives its date, alone. */
static void test_date_signals(void **state)
{
    (void)state;
    struct {
        const char *html, *url;
        int y, m, d;
        enum kb_html_source from;
    } cases[] = {
        {"<time datetime=\"2019-05-01T10:00:00+02:00\">1 May</time>" PARA_EN, NULL, 2019, 5, 1,
         KB_HS_MARKUP},
        {"<span itemprop=\"datePublished\" content=\"2018-02-03\">3/2</span>" PARA_EN, NULL, 2018,
         2, 3, KB_HS_MARKUP},
        {"<meta name=\"pubdate\" content=\"Mon, 02 Mar 2020 09:15:00 +0000\">" PARA_EN, NULL, 2020,
         3, 2, KB_HS_META},
        {"<div class=\"article-date\">نشر في: الخميس 17 مارس/ آذار 2020 - 17:55</div>" PARA_AR,
         NULL, 2020, 3, 17, KB_HS_TEXT},
        {"<p class=\"posted-on\">Posted on October 7th, 2020 at 9:30 am</p>" PARA_EN, NULL, 2020,
         10, 7, KB_HS_TEXT},
        {PARA_EN, "https://example.org/2021/06/30/story.html", 2021, 6, 30, KB_HS_URL},
        /* a date line at the top of the article text itself: a date, and not body */
        {"<div><p>الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)</p>" PARA_AR "</div>",
         NULL, 2013, 8, 28, KB_HS_TEXT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct kb_html_article a = extract_url(cases[i].html, cases[i].url);
        if (!a.published.found || a.published.civil.year != cases[i].y ||
            a.published.civil.month != cases[i].m || a.published.civil.day != cases[i].d)
            fail_msg("case %zu: got %d-%d-%d (found %d)", i, a.published.civil.year,
                     a.published.civil.month, a.published.civil.day, a.published.found);
        assert_int_equal(a.published_from, cases[i].from);
        assert_null(strstr(a.body_text, "آخر تحديث"));
        kb_html_article_release(&a);
    }
}

/* Publication dates as newsrooms write them, in article:published_time. */
static void test_dates_written(void **state)
{
    (void)state;
    struct {
        const char *s;
        int y, m, d, h, mi, off;
        bool has_off;
    } cases[] = {
        {"الأربعاء، 07 أكتوبر 2020 - 12:09 م", 2020, 10, 7, 12, 9, 0, false},
        {"الأربعاء، 07 أكتوبر 2020 - 09:05 ص", 2020, 10, 7, 9, 5, 0, false},
        {"١٣ تشرين الثاني ٢٠٢٤", 2024, 11, 13, 0, 0, 0, false},
        {"13 نوفمبر/تشرين الثاني 2024", 2024, 11, 13, 0, 0, 0, false},
        {"24 شباط / فبراير 2022", 2022, 2, 24, 0, 0, 0, false},
        {"05 جانفي 2021", 2021, 1, 5, 0, 0, 0, false},
        {"3 يوليوز 2019", 2019, 7, 3, 0, 0, 0, false},
        {"الجمعة 11 جمادى الأولى 1446 هـ", 2024, 11, 13, 0, 0, 0, false},
        {"2020-06-03T03:01+0400", 2020, 6, 3, 3, 1, 240, true},
        {"2020-12-01 02:00:00", 2020, 12, 1, 2, 0, 0, false},
        {"Wed, 07 Oct 2020 12:09:00 +0300", 2020, 10, 7, 12, 9, 180, true},
        {"Wed, 07 Oct 2020 12:09:00 GMT", 2020, 10, 7, 12, 9, 0, true},
        {"October 7, 2020", 2020, 10, 7, 0, 0, 0, false},
        {"7 October 2020 at 12:09", 2020, 10, 7, 12, 9, 0, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char html[1024];
        snprintf(html, sizeof(html),
                 "<meta property=\"article:published_time\" content=\"%s\">" PARA_AR, cases[i].s);
        struct kb_html_article a = extract(html);
        const struct kb_html_date *p = &a.published;
        if (!p->found || p->civil.year != cases[i].y || p->civil.month != cases[i].m ||
            p->civil.day != cases[i].d || (cases[i].h && p->civil.hour != cases[i].h) ||
            p->civil.minute != cases[i].mi || p->has_offset != cases[i].has_off ||
            (cases[i].has_off && p->offset_min != cases[i].off))
            fail_msg("\"%s\": got %d-%02d-%02d %02d:%02d offset %d (%d, found %d)", cases[i].s,
                     p->civil.year, p->civil.month, p->civil.day, p->civil.hour, p->civil.minute,
                     p->offset_min, p->has_offset, p->found);
        kb_html_article_release(&a);
    }
}

/* ---- the main text -------------------------------------------------------------------------- */

static void test_body_boilerplate(void **state)
{
    (void)state;
    const char *html =
        "<html lang=\"ar\"><body>"
        "<header><a href=\"/\">الرئيسية</a><nav><ul><li><a href=\"/p\">سياسة</a></li><li><a "
        "href=\"/e\">اقتصاد</a></li></ul></nav></header>"
        "<div class=\"ad-slot\"><p>إعلان: اشترك الآن في خدمة الأخبار العاجلة واحصل على شهر مجاني، "
        "العرض لفترة محدودة.</p></div>"
        "<div class=\"col-main\"><h1>خطة الحدائق الجديدة</h1>"
        "<div class=\"share-bar\"><a href=\"https://facebook.com/x\">فيسبوك</a> <a "
        "href=\"https://x.com/y\">إكس</a></div>"
        "<div class=\"article-body\">" PARA_AR "<h2>التمويل</h2>"
        "<p>وقال رئيس المجلس إن التمويل يأتي من ميزانية البلدية ومن تبرعات السكان، وإن الكلفة لن "
        "تتجاوز المبلغ المرصود في <a href=\"/budget\">موازنة العام</a>.</p>"
        "<p>اقرأ أيضا: البلدية تعلن مواعيد جمع النفايات</p>"
        "<ul><li>حديقة الشروق، قرب المدرسة</li><li>حديقة النخيل، عند المدخل الشمالي</li></ul>"
        "<p>وأضاف أن الحدائق ستفتح أبوابها للجميع مجانا، وأن البلدية ستعين حراسا لها طوال "
        "أيام الأسبوع.</p></div>"
        "<div class=\"related-news\"><h3>أخبار ذات صلة</h3><ul><li><a href=\"/1\">افتتاح مكتبة "
        "عامة جديدة في وسط المدينة بعد سنوات من الانتظار</a></li><li><a href=\"/2\">المجلس يناقش "
        "ميزانية العام المقبل وسط خلافات بين الأعضاء</a></li></ul></div>"
        "<div id=\"comments\"><p>تعليق: هذا خبر رائع، ننتظر الحدائق منذ زمن طويل، شكرا للمجلس "
        "على هذا القرار الحكيم.</p></div></div>"
        "<footer><p>جميع الحقوق محفوظة لصحيفة المدينة، ويمنع النسخ دون إذن مكتوب من الإدارة.</p>"
        "</footer></body></html>";
    struct kb_html_article a = extract_url(html, "https://example.org/local/parks");
    assert_non_null(a.body_html);
    assert_has(a.body_html, "<p>أقر المجلس البلدي");
    assert_has(a.body_html, "<h2>التمويل</h2>");
    assert_has(a.body_html, "<a href=\"https://example.org/budget\" rel=\"noopener noreferrer "
                            "nofollow\">موازنة العام</a>");
    assert_has(a.body_html, "<ul><li>حديقة الشروق، قرب المدرسة</li><li>");
    assert_has(a.body_html, "ستعين حراسا");
    assert_lacks(a.body_html, "الرئيسية");
    assert_lacks(a.body_html, "فيسبوك");
    assert_lacks(a.body_html, "إعلان");
    assert_lacks(a.body_html, "اقرأ أيضا");
    assert_lacks(a.body_html, "مكتبة");
    assert_lacks(a.body_html, "تعليق");
    assert_lacks(a.body_html, "محفوظة");
    assert_lacks(a.body_html, "خطة الحدائق الجديدة"); /* the headline is not body */
    assert_int_equal(a.nblocks, 6);
    assert_has(a.body_text, "التمويل\n\nوقال");
    /* the body is a fixed point of the sanitizer */
    struct kb_buf b;
    struct kb_diag d;
    kb_buf_init(&b, 0);
    assert_int_equal(kb_html_sanitize(a.body_html, strlen(a.body_html), &b, &d), 0);
    assert_string_equal(kb_buf_cstr(&b), a.body_html);
    kb_buf_release(&b);
    kb_html_article_release(&a);
}

static void test_body_br_runs_and_figure(void **state)
{
    (void)state;
    const char *html =
        "<form id=\"aspnetForm\" action=\"./Details.aspx\"><div id=\"txt\">"
        "<span "
        "itemprop=\"url\">https://news.example/a/b.aspx?id=1234567890&amp;utm=abcdefghij</span>"
        "<figure><img src=\"/m/1.jpg\" alt=\"السد\"><figcaption>السد بعد الافتتاح / صورة: وكالة "
        "الأنباء</figcaption></figure>"
        "افتتح وزير الري السد الجديد صباح اليوم، بعد ثلاث سنوات من العمل المتواصل في "
        "الموقع.<br><br>"
        "وقال الوزير إن السد سيخزن مياه الأمطار لري المزارع القريبة، ويحمي القرى من الفيضانات."
        "<br></div><p>© وكالة الأنباء 2024</p></form>";
    struct kb_html_article a = extract_url(html, "https://news.example/a/b.aspx");
    assert_int_equal(a.nblocks, 2); /* one paragraph per <br>-separated run */
    assert_has(a.body_html, "<p>افتتح وزير الري");
    assert_has(a.body_html, "<p>وقال الوزير");
    assert_lacks(a.body_html, "السد بعد الافتتاح");    /* the caption is not body */
    assert_lacks(a.body_html, "https://news.example"); /* microdata written out */
    assert_lacks(a.body_html, "<br>");                 /* a trailing break ends nothing */
    assert_lacks(a.body_html, "©");
    assert_string_equal(a.image_src, "https://news.example/m/1.jpg");
    assert_string_equal(a.image_caption, "السد بعد الافتتاح");
    assert_string_equal(a.image_credit, "وكالة الأنباء");
    assert_string_equal(a.image_alt, "السد");
    kb_html_article_release(&a);
}

static void test_missing_fields(void **state)
{
    (void)state;
    struct kb_html_article a = extract("<p>text</p>" PARA_EN);
    unsigned want = KB_HF_HEADLINE | KB_HF_LEDE | KB_HF_SECTION | KB_HF_BYLINE | KB_HF_PUBLISHED |
                    KB_HF_MODIFIED | KB_HF_IMAGE | KB_HF_CAPTION | KB_HF_CREDIT | KB_HF_SITE |
                    KB_HF_CANONICAL;
    assert_int_equal(a.missing, want);
    assert_string_equal(a.language, "en"); /* from the text's script */
    struct kb_buf b;
    kb_buf_init(&b, 0);
    kb_html_missing_list(&b, KB_HF_HEADLINE | KB_HF_PUBLISHED | KB_HF_CREDIT);
    assert_string_equal(kb_buf_cstr(&b), "headline, published, credit");
    kb_buf_release(&b);
    kb_html_article_release(&a);
}

/* ---- hostile pages ------------------------------------------------------------------------ */

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + ul * n, tail, tl + 1);
    return s;
}

static void test_deep_nesting(void **state)
{
    (void)state;
    /* <a> last: its text is link text, so no body is expected, only a clean return */
    const char *units[] = {"<div>", "<b>", "<span>", "<table><tr><td>", "<blockquote>", "<a>"};
    for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        size_t per = 0; /* tags in one unit: 100,000 nested elements in all */
        for (const char *q = units[u]; *q; q++)
            per += *q == '<';
        char *html = repeat("<title>Deep</title>", units[u], 100000 / per,
                            "<p>The text at the bottom of a very deep page, with a comma, long "
                            "enough.</p>");
        struct kb_html_article a = {0};
        struct kb_diag d;
        assert_int_equal(kb_html_extract(html, strlen(html), NULL, &a, &d), 0);
        if (u < 5) {
            assert_true(a.tags_dropped > 0);
            assert_has(a.body_text, "The text at the bottom of a very deep page");
        }
        kb_html_article_release(&a);
        free(html);
    }
}

static void test_bad_bytes(void **state)
{
    (void)state;
    const char *bad = "<title>\xff\xfe bad \xc3\x28</title><p>caf\xe9 \xed\xa0\x80 text, with "
                      "enough words to be a paragraph of the page.</p>";
    struct kb_html_article a = extract(bad);
    assert_true(a.invalid_utf8);
    assert_true(kb_utf8_valid(a.headline, strlen(a.headline)));
    assert_true(kb_utf8_valid(a.body_html, strlen(a.body_html)));
    kb_html_article_release(&a);

    /* truncated in the middle of a tag, an attribute, a comment, a script */
    const char *cuts[] = {"<p>Some text of a paragraph, cut short in the middle of a <a hr",
                          "<p title=\"never closed>Some text", "<!-- never closed <p>text",
                          "<script>var a = '<p>';"};
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        struct kb_html_article b = {0};
        struct kb_diag d;
        assert_int_equal(kb_html_extract(cuts[i], strlen(cuts[i]), NULL, &b, &d), 0);
        kb_html_article_release(&b);
    }

    struct kb_html_article c = {0};
    struct kb_diag d;
    assert_int_equal(kb_html_extract(" \n\t", 3, NULL, &c, &d), KB_EINVAL);
    assert_non_null(strstr(d.msg, "empty"));
    assert_int_equal(kb_html_extract("<p>\0\0binary", 12, NULL, &c, &d), KB_EINVAL);
    assert_non_null(strstr(d.msg, "NUL"));
    /* too many elements: refused before the tree is built (memory) */
    char *many = repeat("", "<i>x</i>", KB_HTML_MAX_ELEMENTS + 1, "");
    assert_int_equal(kb_html_extract(many, strlen(many), NULL, &c, &d), KB_ETOOBIG);
    assert_non_null(strstr(d.msg, "elements"));
    free(many);
    /* a body longer than an article may be: cut at a block, and said so */
    char *longp = repeat("<article>",
                         "<p>A paragraph of the very long article, with a comma, and more words "
                         "to make it a real paragraph of prose.</p>",
                         40000, "</article>");
    struct kb_html_article e = {0};
    assert_int_equal(kb_html_extract(longp, strlen(longp), NULL, &e, &d), 0);
    assert_true(e.body_cut);
    assert_true(strlen(e.body_html) <= KB_MAX_BODY);
    assert_true(e.nblocks > 1000);
    kb_html_article_release(&e);
    free(longp);
    char *big = repeat("", "<p>x</p>", KB_HTML_MAX_INPUT / 8 + 1, "");
    assert_int_equal(kb_html_extract(big, strlen(big), NULL, &c, &d), KB_ETOOBIG);
    free(big);
    assert_null(c.headline); /* untouched on failure */
}

/* A legacy Arabic page in windows-1256, declared in its meta tag: converted, not mangled. */
static void test_windows_1256(void **state)
{
    (void)state;
    const char *html =
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
        "charset=windows-1256\"></head><body><h1>"
        "\xce\xc8\xd1\x20\xda\xc7\xcc\xe1\x20\xe3\xe4\x20\xc7\xe1\xe3\xcf\xed\xe4\xc9"
        "</h1><p>\xc7\xdd\xca\xca\xcd\x20\xc7\xe1\xe6\xd2\xed\xd1\x20\xc7\xe1\xd3\xcf\x20\xc7"
        "\xe1\xcc\xcf\xed\xcf\x20\xd5\xc8\xc7\xcd\x20\xc7\xe1\xed\xe6\xe3\xa1\x20\xc8\xda\xcf"
        "\x20\xcb\xe1\xc7\xcb\x20\xd3\xe4\xe6\xc7\xca\x20\xe3\xe4\x20\xc7\xe1\xda\xe3\xe1\x2e"
        "</p></body></html>";
    struct kb_html_article a = extract(html);
    assert_string_equal(a.headline, "خبر عاجل من المدينة");
    assert_string_equal(a.body_text,
                        "افتتح الوزير السد الجديد صباح اليوم، بعد ثلاث سنوات من العمل.");
    assert_false(a.invalid_utf8);
    assert_string_equal(a.language, "ar");
    kb_html_article_release(&a);
}

/* ---- the real Arabic pages, when ../shared is there ------------------------------------------ */

static void test_shared_pages(void **state)
{
    (void)state;
    const char *shared = getenv("KB_SHARED");
    const char *pages[] = {"htmldate-dates/1550981615.html",
                           "htmldate-dates/1623715966.html",
                           "htmldate-dates/1731695567.html",
                           "htmldate-dates/1784190729.html",
                           "trafilatura-assabah/assabah.com.tn.article.html",
                           "newspaper4k-cnn-arabic/html/arabic_article.html"};
    char path[4096];
    snprintf(path, sizeof(path), "%s/data/html/ar/%s", shared ? shared : "", pages[0]);
    FILE *probe = shared ? fopen(path, "r") : NULL;
    if (!probe) {
        print_message("skipped: ../shared not found\n");
        skip();
    }
    fclose(probe);
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        snprintf(path, sizeof(path), "%s/data/html/ar/%s", shared, pages[i]);
        char *s;
        size_t n;
        struct kb_diag d;
        assert_int_equal(kb_file_read(path, KB_HTML_MAX_INPUT, &s, &n, &d), 0);
        struct kb_html_article a = {0};
        assert_int_equal(kb_html_extract(s, n, NULL, &a, &d), 0);
        if (!a.headline || !a.body_html)
            fail_msg("%s: headline or body missing", pages[i]);
        assert_string_equal(a.language, "ar");
        if (i < 4 && !a.published.found)
            fail_msg("%s: no date", pages[i]);
        kb_html_article_release(&a);
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonld_graph),
        cmocka_unit_test(test_jsonld_odd_forms),
        cmocka_unit_test(test_jsonld_article_body),
        cmocka_unit_test(test_opengraph),
        cmocka_unit_test(test_headline_sources),
        cmocka_unit_test(test_date_signals),
        cmocka_unit_test(test_dates_written),
        cmocka_unit_test(test_body_boilerplate),
        cmocka_unit_test(test_body_br_runs_and_figure),
        cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_windows_1256),
        cmocka_unit_test(test_shared_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
