/*
 * test_feeds.c — feeds, sitemaps, robots.txt and the article page's structured data, as
 * feed readers, crawlers and link previews read them.
 *
 * XML output is checked for well-formedness by a small checker here (balanced elements,
 * no stray '<' or '&', CDATA intact), and JSON output is parsed with jansson; hostile
 * article text must come out escaped and must never end a CDATA section or a <script>.
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
#include "khabar/feeds.h"
#include "khabar/render.h"

/* 2024-11-13T00:00:00Z, a Wednesday. */
#define T0 INT64_C(1731456000)

/* ---- helpers ----------------------------------------------------------------------- */

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("output lacks: %s\n--- output ---\n%s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("output must not contain: %s", needle);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

/* A minimal XML well-formedness check: declarations, comments and CDATA skipped, start
 * and end tags balanced with matching names, attribute values quoted without '<', and
 * '&' only as a known entity or a character reference.  Returns NULL or what is wrong. */
static const char *xml_wellformed(const char *s)
{
    static char why[200];
    char stack[64][64];
    int depth = 0, roots = 0;
    for (const char *p = s; *p;) {
        if (strncmp(p, "<![CDATA[", 9) == 0) {
            const char *e = strstr(p + 9, "]]>");
            if (!e)
                return "unterminated CDATA";
            p = e + 3;
        } else if (strncmp(p, "<?", 2) == 0) {
            const char *e = strstr(p, "?>");
            if (!e)
                return "unterminated declaration";
            p = e + 2;
        } else if (*p == '<') {
            bool end = p[1] == '/';
            const char *n = p + (end ? 2 : 1);
            size_t len = strcspn(n, " \t\n/>");
            if (len == 0 || len >= 64)
                return "bad tag name";
            const char *q = n + len;
            char quote = 0;
            for (; *q && (quote || *q != '>'); q++) {
                if (quote && *q == '<')
                    return "'<' in an attribute value";
                if (*q == '"' || *q == '\'')
                    quote = quote == *q ? 0 : (quote ? quote : *q);
            }
            if (!*q)
                return "unterminated tag";
            bool empty = q[-1] == '/';
            if (end) {
                if (depth == 0 || strncmp(stack[depth - 1], n, len) != 0 ||
                    stack[depth - 1][len] != '\0') {
                    snprintf(why, sizeof(why), "mismatched </%.*s>", (int)len, n);
                    return why;
                }
                depth--;
            } else if (!empty) {
                if (depth == 0)
                    roots++;
                if (depth == 64)
                    return "too deep";
                memcpy(stack[depth], n, len);
                stack[depth++][len] = '\0';
            } else if (depth == 0) {
                roots++;
            }
            p = q + 1;
        } else if (*p == '&') {
            static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"};
            bool ok = false;
            for (size_t i = 0; i < 6; i++)
                ok = ok || strncmp(p, ents[i], strlen(ents[i])) == 0;
            if (!ok)
                return "bare '&'";
            p++;
        } else if (*p == '>' && depth == 0) {
            return "stray '>'";
        } else {
            p++;
        }
    }
    if (depth)
        return "unclosed element";
    return roots == 1 ? NULL : "not exactly one root element";
}

static void assert_xml(const char *s)
{
    const char *why = xml_wellformed(s);
    if (why)
        fail_msg("not well-formed XML (%s):\n%s", why, s);
}

/* The text inside every CDATA section of s[0..n), concatenated (what a parser sees). */
static char *cdata_text(const char *s)
{
    struct kb_buf b;
    kb_buf_init(&b, 0);
    for (const char *p = strstr(s, "<![CDATA["); p; p = strstr(p, "<![CDATA[")) {
        const char *e = strstr(p + 9, "]]>");
        assert_non_null(e);
        kb_buf_add(&b, p + 9, (size_t)(e - p - 9));
        p = e + 3;
    }
    return kb_buf_detach(&b, NULL);
}

static struct kb_section sections[] = {
    {1, "politics", "سياسة", 1, NULL},
    {2, "world", "عالم", 2, NULL},
};

static struct kb_site test_site(void)
{
    struct kb_site s = {
        .name = "خبر",
        .tagline = "أخبار العالم العربي",
        .language = "ar",
        .base_url = "https://news.example",
        .timezone = "Asia/Riyadh",
        .discover_count = 15,
        .page_size = 20,
        .sections = sections,
        .nsections = 2,
    };
    return s;
}

static void make_article(struct kb_article *a, int64_t id, const char *slug, const char *headline)
{
    kb_article_init(a);
    a->id = id;
    a->status = KB_STATUS_PUBLISHED;
    kb_set_str(&a->slug, slug);
    kb_set_str(&a->section.slug, "politics");
    kb_set_str(&a->section.name, "سياسة");
    kb_set_str(&a->headline, headline);
    kb_set_str(&a->lede, "ملخص قصير للخبر.");
    kb_set_str(&a->body_html, "<p>نص الخبر.</p>");
    kb_set_str(&a->language, "ar");
    a->published = T0;
    a->published_offset = 180;
    a->updated = T0 + 3600;
    a->updated_offset = 180;
}

/* Two articles: one with a local photo, hostile text and relative links; one with a remote
 * photo and no byline. */
struct fixture {
    struct kb_article a[2];
    struct kb_feed_media media[2];
};

static void fixture_init(struct fixture *f)
{
    make_article(&f->a[0], 7, "قمة-الرياض", "قمة <الرياض> & \"الأمل\"");
    kb_set_str(&f->a[0].byline, "سارة أحمد");
    kb_set_str(&f->a[0].image.src, "/media/summit.jpg");
    kb_set_str(&f->a[0].body_html, "<p>قال <a href=\"/politics/other\">المتحدث</a> إن "
                                   "a]]>b لا يكسر شيئاً.</p><figure><img src=\"/media/in.png\" "
                                   "alt=\"\"></figure><p>\x01ok</p>");
    f->a[0].tags = calloc(1, sizeof(char *));
    f->a[0].tags[0] = strdup("قمم");
    f->a[0].ntags = 1;
    f->media[0] = (struct kb_feed_media){"image/jpeg", 12345};

    make_article(&f->a[1], 8, "second", "Second story");
    kb_set_str(&f->a[1].image.src, "https://cdn.example/p/photo.PNG");
    f->a[1].published = T0 - 86400;
    f->a[1].published_offset = -300;
    f->a[1].updated = T0 - 86400;
    f->a[1].updated_offset = -300;
    f->media[1] = (struct kb_feed_media){NULL, -1};
}

static void fixture_release(struct fixture *f)
{
    kb_article_release(&f->a[0]);
    kb_article_release(&f->a[1]);
}

static char *render_feed(enum kb_feed_format fmt, const struct kb_site *site,
                         const struct kb_section *sec, struct fixture *fx, bool full)
{
    struct kb_feed f = {
        .site = site,
        .section = sec,
        .items = fx->a,
        .n = 2,
        .media = fx->media,
        .full_content = full,
        .now = T0 + 7200,
    };
    struct kb_buf b;
    kb_buf_init(&b, 1 << 20);
    if (fmt == KB_FEED_RSS)
        kb_feed_rss(&b, &f);
    else if (fmt == KB_FEED_ATOM)
        kb_feed_atom(&b, &f);
    else
        kb_feed_json(&b, &f);
    assert_int_equal(kb_buf_err(&b), 0);
    return kb_buf_detach(&b, NULL);
}

/* ---- the XML writer and dates ------------------------------------------------------- */

static void test_xml_escaping(void **state)
{
    (void)state;
    struct kb_buf b;
    kb_buf_init(&b, 0);
    const char in[] = "a<b>&\"c'\x01\t\n\xff\xef\xbf\xbe"
                      "خبر";
    kb_xml_add_text(&b, in, sizeof(in) - 1);
    assert_string_equal(kb_buf_cstr(&b), "a&lt;b&gt;&amp;&quot;c&apos;\t\n\xef\xbf\xbd"
                                         "خبر");
    kb_buf_release(&b);
}

static void test_cdata_split(void **state)
{
    (void)state;
    struct kb_buf b;
    kb_buf_init(&b, 0);
    const char *in = "<p>x]]>y]]]>z</p>";
    kb_xml_add_cdata(&b, in, strlen(in));
    assert_string_equal(kb_buf_cstr(&b), "<![CDATA[<p>x]]]]><![CDATA[>y]]]]]><![CDATA[>z</p>]]>");
    char *back = cdata_text(kb_buf_cstr(&b));
    assert_string_equal(back, in); /* what a parser reads is the body, unchanged */
    free(back);
    kb_buf_release(&b);
}

static void test_rfc822_dates(void **state)
{
    (void)state;
    struct kb_buf b;
    kb_buf_init(&b, 0);
    kb_date_rfc822(&b, T0, 180);
    assert_string_equal(kb_buf_cstr(&b), "Wed, 13 Nov 2024 03:00:00 +0300");
    kb_buf_reset(&b);
    kb_date_rfc822(&b, T0 + 59, -300); /* the day before in New York */
    assert_string_equal(kb_buf_cstr(&b), "Tue, 12 Nov 2024 19:00:59 -0500");
    kb_buf_reset(&b);
    kb_date_rfc822(&b, 0, 0);
    assert_string_equal(kb_buf_cstr(&b), "Thu, 01 Jan 1970 00:00:00 +0000");
    kb_buf_reset(&b);
    kb_date_rfc822(&b, INT64_C(951782400), 330); /* 2000-02-29 05:30 in India */
    assert_string_equal(kb_buf_cstr(&b), "Tue, 29 Feb 2000 05:30:00 +0530");
    kb_buf_release(&b);
}

/* ---- feeds ------------------------------------------------------------------------- */

static void test_rss(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct kb_site site = test_site();
    char *x = render_feed(KB_FEED_RSS, &site, NULL, &fx, true);
    assert_xml(x);
    assert_contains(x, "<rss version=\"2.0\"");
    assert_contains(x, "<title>خبر</title>\n<link>https://news.example/</link>");
    assert_contains(x, "<language>ar</language>");
    assert_contains(x, "<atom:link href=\"https://news.example/feed.xml\" rel=\"self\" "
                       "type=\"application/rss+xml\"/>");
    assert_contains(x, "<title>قمة &lt;الرياض&gt; &amp; &quot;الأمل&quot;</title>");
    assert_contains(x, "<link>https://news.example/politics/"
                       "%D9%82%D9%85%D8%A9-%D8%A7%D9%84%D8%B1%D9%8A%D8%A7%D8%B6</link>");
    assert_contains(x, "<pubDate>Wed, 13 Nov 2024 03:00:00 +0300</pubDate>");
    assert_contains(x, "<pubDate>Mon, 11 Nov 2024 19:00:00 -0500</pubDate>");
    assert_contains(x, "<lastBuildDate>Wed, 13 Nov 2024 04:00:00 +0300</lastBuildDate>");
    assert_contains(x, "<dc:creator>سارة أحمد</dc:creator>");
    assert_contains(x, "<category>سياسة</category>");
    assert_contains(x, "<category>قمم</category>");
    assert_contains(x, "<description>ملخص قصير للخبر.</description>");
    /* Enclosures: the local file's length; a remote one says 0 (unknown). */
    assert_contains(x, "<enclosure url=\"https://news.example/media/summit.jpg\" "
                       "length=\"12345\" type=\"image/jpeg\"/>");
    assert_contains(x, "<enclosure url=\"https://cdn.example/p/photo.PNG\" length=\"0\" "
                       "type=\"image/png\"/>");
    /* The body: absolute links, "]]>" split, the control character gone. */
    char *body = cdata_text(x);
    assert_contains(body, "<a href=\"https://news.example/politics/other\">");
    assert_contains(body, "<img src=\"https://news.example/media/in.png\"");
    assert_contains(body, "a]]>b");
    assert_contains(body, "<p>ok</p>");
    free(body);
    assert_lacks(x, "\x01");
    assert_lacks(x, "href=\"/");
    assert_lacks(x, "src=\"/");
    free(x);

    /* Summaries only: no content:encoded at all. */
    x = render_feed(KB_FEED_RSS, &site, NULL, &fx, false);
    assert_xml(x);
    assert_lacks(x, "content:encoded>");
    assert_contains(x, "<description>ملخص قصير للخبر.</description>");
    free(x);
    fixture_release(&fx);
}

static void test_atom(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct kb_site site = test_site();
    char *x = render_feed(KB_FEED_ATOM, &site, &sections[0], &fx, true);
    assert_xml(x);
    assert_contains(x, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ar\">");
    assert_contains(x, "<id>https://news.example/politics/atom.xml</id>");
    assert_contains(x, "<title>خبر — سياسة</title>");
    assert_contains(x, "<link rel=\"self\" type=\"application/atom+xml\" "
                       "href=\"https://news.example/politics/atom.xml\"/>");
    assert_contains(x, "<link rel=\"alternate\" type=\"text/html\" "
                       "href=\"https://news.example/politics/\"/>");
    assert_contains(x, "<updated>2024-11-13T04:00:00+03:00</updated>");
    assert_contains(x, "<published>2024-11-13T03:00:00+03:00</published>");
    assert_contains(x, "<published>2024-11-11T19:00:00-05:00</published>");
    assert_contains(x, "<author><name>سارة أحمد</name></author>");
    assert_contains(x, "<category term=\"politics\" label=\"سياسة\"/>");
    assert_contains(x, "<content type=\"html\"><![CDATA[");
    assert_contains(x, "<link rel=\"enclosure\" type=\"image/jpeg\" "
                       "href=\"https://news.example/media/summit.jpg\" length=\"12345\"/>");
    /* Atom's length is optional: left out when unknown. */
    assert_contains(x, "<link rel=\"enclosure\" type=\"image/png\" "
                       "href=\"https://cdn.example/p/photo.PNG\"/>");
    assert_int_equal(count(x, "<entry>"), 2);
    free(x);
    fixture_release(&fx);
}

static void test_json_feed(void **state)
{
    (void)state;
    struct fixture fx;
    fixture_init(&fx);
    struct kb_site site = test_site();
    for (int full = 1; full >= 0; full--) {
        char *x = render_feed(KB_FEED_JSON, &site, NULL, &fx, full);
        json_error_t err;
        json_t *root = json_loads(x, 0, &err);
        if (!root)
            fail_msg("JSON Feed does not parse: %s\n%s", err.text, x);
        assert_string_equal(json_string_value(json_object_get(root, "version")),
                            "https://jsonfeed.org/version/1.1");
        assert_string_equal(json_string_value(json_object_get(root, "title")), "خبر");
        assert_string_equal(json_string_value(json_object_get(root, "feed_url")),
                            "https://news.example/feed.json");
        assert_string_equal(json_string_value(json_object_get(root, "home_page_url")),
                            "https://news.example/");
        assert_string_equal(json_string_value(json_object_get(root, "language")), "ar");
        json_t *items = json_object_get(root, "items");
        assert_int_equal(json_array_size(items), 2);
        json_t *it = json_array_get(items, 0);
        assert_string_equal(json_string_value(json_object_get(it, "title")),
                            "قمة <الرياض> & \"الأمل\"");
        assert_true(strncmp(json_string_value(json_object_get(it, "id")),
                            "https://news.example/politics/", 30) == 0);
        assert_string_equal(json_string_value(json_object_get(it, "date_published")),
                            "2024-11-13T03:00:00+03:00");
        assert_string_equal(json_string_value(json_object_get(it, "date_modified")),
                            "2024-11-13T04:00:00+03:00");
        assert_string_equal(json_string_value(json_object_get(it, "image")),
                            "https://news.example/media/summit.jpg");
        json_t *att = json_array_get(json_object_get(it, "attachments"), 0);
        assert_string_equal(json_string_value(json_object_get(att, "mime_type")), "image/jpeg");
        assert_int_equal(json_integer_value(json_object_get(att, "size_in_bytes")), 12345);
        json_t *att2 = json_array_get(json_object_get(json_array_get(items, 1), "attachments"), 0);
        assert_null(json_object_get(att2, "size_in_bytes"));
        if (full) {
            const char *html = json_string_value(json_object_get(it, "content_html"));
            assert_non_null(html);
            assert_contains(html, "href=\"https://news.example/politics/other\"");
            assert_null(json_object_get(it, "content_text"));
        } else {
            assert_null(json_object_get(it, "content_html"));
            assert_string_equal(json_string_value(json_object_get(it, "content_text")),
                                "ملخص قصير للخبر.");
        }
        json_decref(root);
        free(x);
    }
    fixture_release(&fx);
}

static void test_empty_feed(void **state)
{
    (void)state;
    struct kb_site site = test_site();
    struct kb_feed f = {.site = &site, .now = T0};
    struct kb_buf b;
    kb_buf_init(&b, 1 << 20);
    kb_feed_atom(&b, &f);
    assert_xml(kb_buf_cstr(&b));
    assert_contains(kb_buf_cstr(&b), "<updated>2024-11-13T00:00:00+00:00</updated>");
    kb_buf_reset(&b);
    kb_feed_rss(&b, &f);
    assert_xml(kb_buf_cstr(&b));
    assert_lacks(kb_buf_cstr(&b), "<item>");
    kb_buf_release(&b);
}

/* ---- sitemaps and robots.txt -------------------------------------------------------- */

static void test_sitemaps(void **state)
{
    (void)state;
    struct kb_site site = test_site();
    struct kb_buf b;
    kb_buf_init(&b, 1 << 20);
    kb_sitemap_index(&b, &site, 3, 0);
    assert_xml(kb_buf_cstr(&b));
    assert_contains(kb_buf_cstr(&b),
                    "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    assert_contains(kb_buf_cstr(&b),
                    "<sitemap><loc>https://news.example/sitemap-3.xml</loc></sitemap>");
    assert_int_equal(count(kb_buf_cstr(&b), "<sitemap>"), 3);

    kb_buf_reset(&b);
    kb_sitemap_begin(&b);
    kb_sitemap_url(&b, &site, "/", T0, 180);
    kb_sitemap_url(&b, &site, "/a/b?x=1&y=2", 0, 0);
    kb_sitemap_end(&b);
    assert_xml(kb_buf_cstr(&b));
    assert_contains(kb_buf_cstr(&b), "<url><loc>https://news.example/</loc>"
                                     "<lastmod>2024-11-13T03:00:00+03:00</lastmod></url>");
    assert_contains(kb_buf_cstr(&b), "<url><loc>https://news.example/a/b?x=1&amp;y=2</loc></url>");

    struct fixture fx;
    fixture_init(&fx);
    kb_buf_reset(&b);
    kb_sitemap_news(&b, &site, fx.a, 2);
    const char *x = kb_buf_cstr(&b);
    assert_xml(x);
    assert_contains(x, "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"");
    assert_int_equal(count(x, "<news:news>"), 2);
    assert_int_equal(count(x, "<news:name>خبر</news:name>"), 2);
    assert_int_equal(count(x, "<news:language>ar</news:language>"), 2);
    assert_contains(x, "<news:publication_date>2024-11-13T03:00:00+03:00</news:publication_date>");
    assert_contains(x, "<news:title>قمة &lt;الرياض&gt; &amp; &quot;الأمل&quot;</news:title>");
    fixture_release(&fx);

    kb_buf_reset(&b);
    kb_robots_txt(&b, &site);
    assert_string_equal(kb_buf_cstr(&b), "User-agent: *\nDisallow: /admin/\nDisallow: /api/\n\n"
                                         "Sitemap: https://news.example/sitemap.xml\n"
                                         "Sitemap: https://news.example/news-sitemap.xml\n");
    kb_buf_release(&b);
}

/* ---- the article page's head -------------------------------------------------------- */

/* The JSON-LD blocks of a page, parsed (at most 4). */
static size_t jsonld(const char *html, json_t **out)
{
    static const char open[] = "<script type=\"application/ld+json\">";
    size_t n = 0;
    for (const char *p = strstr(html, open); p && n < 4; p = strstr(p, open)) {
        p += sizeof(open) - 1;
        const char *e = strstr(p, "</script>");
        assert_non_null(e);
        json_error_t err;
        out[n] = json_loadb(p, (size_t)(e - p), 0, &err);
        if (!out[n])
            fail_msg("JSON-LD does not parse: %s: %.*s", err.text, (int)(e - p), p);
        n++;
        p = e;
    }
    return n;
}

static json_t *by_type(json_t **v, size_t n, const char *type)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(json_string_value(json_object_get(v[i], "@type")), type) == 0)
            return v[i];
    fail_msg("no JSON-LD %s", type);
    return NULL;
}

static const char *str_at(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("JSON-LD lacks the string %s", key);
    return json_string_value(v);
}

static char *render_page(const struct kb_site *site, const struct kb_article *a)
{
    struct kb_buf b;
    kb_buf_init(&b, 1 << 22);
    kb_render_article(&b, site, a, NULL, 0);
    assert_int_equal(kb_buf_err(&b), 0);
    return kb_buf_detach(&b, NULL);
}

static void test_article_structured_data(void **state)
{
    (void)state;
    struct kb_site site = test_site();
    struct fixture fx;
    fixture_init(&fx);
    char *html = render_page(&site, &fx.a[0]);

    json_t *ld[4];
    size_t n = jsonld(html, ld);
    assert_int_equal(n, 2);
    json_t *art = by_type(ld, n, "NewsArticle");
    assert_string_equal(str_at(art, "@context"), "https://schema.org");
    assert_string_equal(str_at(art, "headline"), "قمة <الرياض> & \"الأمل\"");
    assert_string_equal(str_at(art, "description"), "ملخص قصير للخبر.");
    assert_string_equal(json_string_value(json_array_get(json_object_get(art, "image"), 0)),
                        "https://news.example/media/summit.jpg");
    assert_string_equal(str_at(art, "datePublished"), "2024-11-13T03:00:00+03:00");
    assert_string_equal(str_at(art, "dateModified"), "2024-11-13T04:00:00+03:00");
    json_t *author = json_array_get(json_object_get(art, "author"), 0);
    assert_string_equal(str_at(author, "@type"), "Person");
    assert_string_equal(str_at(author, "name"), "سارة أحمد");
    json_t *pub = json_object_get(art, "publisher");
    assert_string_equal(str_at(pub, "@type"), "Organization");
    assert_string_equal(str_at(pub, "name"), "خبر");
    json_t *logo = json_object_get(pub, "logo");
    assert_string_equal(str_at(logo, "@type"), "ImageObject");
    assert_string_equal(str_at(logo, "url"), "https://news.example/static/logo.png");
    assert_string_equal(str_at(art, "articleSection"), "سياسة");
    assert_string_equal(str_at(art, "inLanguage"), "ar");
    const char *canonical = "https://news.example/politics/"
                            "%D9%82%D9%85%D8%A9-%D8%A7%D9%84%D8%B1%D9%8A%D8%A7%D8%B6";
    assert_string_equal(str_at(json_object_get(art, "mainEntityOfPage"), "@id"), canonical);
    assert_true(json_is_true(json_object_get(art, "isAccessibleForFree")));

    json_t *bc = by_type(ld, n, "BreadcrumbList");
    json_t *items = json_object_get(bc, "itemListElement");
    assert_int_equal(json_array_size(items), 3);
    assert_string_equal(str_at(json_array_get(items, 0), "item"), "https://news.example/");
    assert_string_equal(str_at(json_array_get(items, 1), "item"), "https://news.example/politics/");
    assert_string_equal(str_at(json_array_get(items, 1), "name"), "سياسة");
    assert_string_equal(str_at(json_array_get(items, 2), "item"), canonical);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(json_integer_value(json_object_get(json_array_get(items, i), "position")),
                         (json_int_t)i + 1);
    for (size_t i = 0; i < n; i++)
        json_decref(ld[i]);

    /* OpenGraph, Twitter, canonical, feeds: each once. */
    static const char *const once[] = {
        "<meta property=\"og:type\" content=\"article\">",
        "<meta property=\"og:title\" content=\"قمة &lt;الرياض&gt; &amp; &quot;الأمل&quot;\">",
        "<meta property=\"og:description\" content=\"ملخص قصير للخبر.\">",
        "<meta property=\"og:image\" content=\"https://news.example/media/summit.jpg\">",
        "<meta property=\"og:locale\" content=\"ar_AR\">",
        "<meta property=\"article:published_time\" content=\"2024-11-13T03:00:00+03:00\">",
        "<meta property=\"article:modified_time\" content=\"2024-11-13T04:00:00+03:00\">",
        "<meta property=\"article:section\" content=\"سياسة\">",
        "<meta name=\"twitter:card\" content=\"summary_large_image\">",
        "<meta name=\"twitter:image\" content=\"https://news.example/media/summit.jpg\">",
        "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\" title=\"خبر\">",
        "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/politics/atom.xml\" "
        "title=\"خبر — سياسة\">",
        "<a href=\"/feed.json\" type=\"application/feed+json\">JSON Feed</a>",
    };
    for (size_t i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
        if (count(html, once[i]) != 1)
            fail_msg("expected once (%zu times): %s", count(html, once[i]), once[i]);
    }
    assert_int_equal(count(html, "<link rel=\"canonical\""), 1);
    assert_int_equal(count(html, "og:url"), 1);
    assert_contains(html, "<meta property=\"og:url\" content=\"");
    free(html);

    /* No byline: the site is the author; no photo: a small card. */
    struct kb_article *b = &fx.a[1];
    kb_set_str(&b->image.src, NULL);
    html = render_page(&site, b);
    n = jsonld(html, ld);
    art = by_type(ld, n, "NewsArticle");
    author = json_array_get(json_object_get(art, "author"), 0);
    assert_string_equal(str_at(author, "@type"), "Organization");
    assert_string_equal(str_at(author, "name"), "خبر");
    assert_null(json_object_get(art, "image"));
    assert_contains(html, "<meta name=\"twitter:card\" content=\"summary\">");
    for (size_t i = 0; i < n; i++)
        json_decref(ld[i]);
    free(html);
    fixture_release(&fx);
}

static void test_jsonld_cannot_break_out(void **state)
{
    (void)state;
    struct kb_site site = test_site();
    struct kb_article a;
    const char *hostile = "</script><script>alert(1)</script><!-- x";
    make_article(&a, 9, "x", hostile);
    kb_set_str(&a.lede, "</SCRIPT><img src=x onerror=alert(2)>");
    kb_set_str(&a.byline, "</script >");
    char *html = render_page(&site, &a);
    /* Exactly our two scripts open and close; the text is all inside strings. */
    assert_int_equal(count(html, "<script"), 2);
    assert_int_equal(count(html, "</script>"), 2);
    assert_lacks(html, "</SCRIPT>");
    assert_lacks(html, "</script >");
    assert_lacks(html, "<!--");
    assert_contains(html, "<\\/script>");
    json_t *ld[4];
    size_t n = jsonld(html, ld);
    assert_int_equal(n, 2);
    json_t *art = by_type(ld, n, "NewsArticle");
    assert_string_equal(str_at(art, "headline"), hostile); /* the same text, read back */
    assert_string_equal(str_at(art, "description"), "</SCRIPT><img src=x onerror=alert(2)>");
    for (size_t i = 0; i < n; i++)
        json_decref(ld[i]);
    free(html);
    kb_article_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xml_escaping),
        cmocka_unit_test(test_cdata_split),
        cmocka_unit_test(test_rfc822_dates),
        cmocka_unit_test(test_rss),
        cmocka_unit_test(test_atom),
        cmocka_unit_test(test_json_feed),
        cmocka_unit_test(test_empty_feed),
        cmocka_unit_test(test_sitemaps),
        cmocka_unit_test(test_article_structured_data),
        cmocka_unit_test(test_jsonld_cannot_break_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
