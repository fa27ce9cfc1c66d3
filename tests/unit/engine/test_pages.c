/*
 * test_pages.c — the site's use-cases against a real (temporary) SQLite store: what a
 * reader gets for the home page, a section page, an article page and its Discover rail,
 * the JSON API and the health check — status codes, which articles appear, 404s,
 * redirects and pagination.
 *
 * The store holds 20 live articles (an hour apart, alternating between two sections), a
 * draft and a scheduled one; the clock is fixed.  Pages are checked by content a reader
 * would see (headlines present or absent), the API by parsing it with jansson.
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
#include <unistd.h>
#include "khabar/pages.h"

#define NOW 1731492000 /* 2024-11-13T10:00:00Z */
#define NLIVE 20

struct fixture {
    char dir[64];
    char db[128];
    struct kb_store *s;
    struct kb_site_conf *conf;
    int64_t ids[NLIVE];
    int64_t draft_id, scheduled_id, arabic_id;
};

static void put_section(struct kb_store *s, const char *slug, const char *name, int pos)
{
    struct kb_section sec = {0};
    kb_set_str(&sec.slug, slug);
    kb_set_str(&sec.name, name);
    sec.position = pos;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_section_put(s, &sec, &d) != 0)
        fail_msg("section %s: %s", slug, d.msg);
    kb_section_release(&sec);
}

static int64_t put_article(struct kb_store *s, const char *section, const char *slug,
                           const char *headline, enum kb_status st, int64_t published)
{
    struct kb_article a;
    kb_article_init(&a);
    kb_set_str(&a.slug, slug);
    kb_set_str(&a.section.slug, section);
    kb_set_str(&a.headline, headline);
    kb_set_str(&a.lede, "موجز الخبر في جملة واحدة.");
    kb_set_str(&a.body_html, "<p>نص الخبر الأول.</p><p>نص الخبر الثاني.</p>");
    a.status = st;
    a.published = published;
    a.published_offset = 180;
    kb_article_compute(&a);
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_article_put(s, &a, &d) != 0)
        fail_msg("article %s: %s: %s", slug, d.field, d.msg);
    int64_t id = a.id;
    kb_article_release(&a);
    return id;
}

static void reload(struct fixture *f)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    kb_site_conf_free(f->conf);
    f->conf = NULL;
    if (kb_site_conf_load(f->s, &f->conf, &d) != 0)
        fail_msg("site settings: %s", d.msg);
}

static void set(struct fixture *f, const char *key, const char *value)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_setting_put(f->s, key, value, &d) != 0)
        fail_msg("setting %s: %s", key, d.msg);
    reload(f);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/kb-pages-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof(f->db), "%s/test.db", f->dir);
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(f->db, KB_STORE_CREATE, &f->s, &d) != 0) {
        fprintf(stderr, "open: %s\n", d.msg);
        return -1;
    }
    put_section(f->s, "politics", "سياسة", 1);
    put_section(f->s, "world", "عالم", 2);
    /* Article i is published i hours before NOW: article 0 is the newest. */
    for (int i = 0; i < NLIVE; i++) {
        char slug[32], headline[64];
        snprintf(slug, sizeof(slug), "story-%02d", i);
        snprintf(headline, sizeof(headline), "عنوان الخبر %02d", i);
        f->ids[i] = put_article(f->s, i % 2 ? "world" : "politics", slug, headline,
                                KB_STATUS_PUBLISHED, NOW - 3600 - (int64_t)i * 3600);
    }
    f->draft_id = put_article(f->s, "politics", "draft-story", "مسودة لم تنشر", KB_STATUS_DRAFT, 0);
    f->scheduled_id = put_article(f->s, "politics", "future-story", "خبر مجدول للغد",
                                  KB_STATUS_SCHEDULED, NOW + 86400);
    reload(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    kb_site_conf_free(f->conf);
    kb_store_close(f->s);
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    free(f);
    return 0;
}

static const struct kb_site *site(struct fixture *f)
{
    return &f->conf->site;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("response lacks: %s", needle);
}

static void assert_lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("response must not contain: %s", needle);
}

static const char *headline(int i)
{
    static char h[64];
    snprintf(h, sizeof(h), "عنوان الخبر %02d", i);
    return h;
}

static json_t *parse(const struct kb_page *p)
{
    json_error_t e;
    json_t *j = json_loadb(kb_buf_cstr(&p->body), p->body.n, 0, &e);
    if (!j)
        fail_msg("not JSON (%s): %s", e.text, kb_buf_cstr(&p->body));
    return j;
}

/* ---- settings ---------------------------------------------------------------------- */

static void test_site_defaults(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(site(f)->name, "خبر");
    assert_string_equal(site(f)->language, "ar");
    assert_string_equal(site(f)->timezone, "Asia/Riyadh");
    assert_string_equal(site(f)->base_url, "");
    assert_int_equal(site(f)->discover_count, 15);
    assert_int_equal(site(f)->page_size, 20);
    assert_int_equal(site(f)->date_style.months, KB_MONTHS_STANDARD);
    assert_int_equal(site(f)->nsections, 2);
    assert_string_equal(site(f)->sections[0].slug, "politics");
    assert_string_equal(site(f)->sections[1].name, "عالم");
}

static void test_site_settings(void **state)
{
    struct fixture *f = *state;
    set(f, "site.name", "أخبار اليوم");
    set(f, "site.base_url", "https://news.example/");
    set(f, "site.months", "levant");
    set(f, "site.digits", "arabic");
    set(f, "site.hijri", "1");
    set(f, "site.page_size", "7");
    assert_string_equal(site(f)->name, "أخبار اليوم");
    assert_string_equal(site(f)->base_url, "https://news.example");
    assert_int_equal(site(f)->date_style.months, KB_MONTHS_LEVANT);
    assert_int_equal(site(f)->date_style.digits, KB_DIGITS_ARABIC);
    assert_true(site(f)->date_style.hijri);
    assert_int_equal(site(f)->page_size, 7);
    set(f, "site.page_size", "lots"); /* nonsense falls back to the default */
    set(f, "site.months", "martian");
    assert_int_equal(site(f)->page_size, 20);
    assert_int_equal(site(f)->date_style.months, KB_MONTHS_STANDARD);
}

/* ---- list pages -------------------------------------------------------------------- */

static void test_home(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    assert_int_equal(kb_pages_home(f->s, site(f), 1, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    assert_string_equal(p.content_type, "text/html; charset=utf-8");
    const char *html = kb_buf_cstr(&p.body);
    assert_contains(html, "<html");
    assert_contains(html, headline(0));
    assert_contains(html, headline(NLIVE - 1));
    assert_lacks(html, "مسودة لم تنشر");
    assert_lacks(html, "خبر مجدول للغد");
    assert_true(p.last_modified > 0);
    kb_page_release(&p);
}

static void test_home_scheduled_stays_hidden(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    /* A day and a minute later the scheduled story is still "scheduled": not shown. */
    assert_int_equal(kb_pages_home(f->s, site(f), 1, NOW + 86460, &p, NULL), 0);
    assert_lacks(kb_buf_cstr(&p.body), "خبر مجدول للغد");
    kb_page_release(&p);
}

static void test_home_pagination(void **state)
{
    struct fixture *f = *state;
    set(f, "site.page_size", "6");
    struct kb_page p;
    kb_page_init(&p);
    assert_int_equal(kb_pages_home(f->s, site(f), 2, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    assert_contains(kb_buf_cstr(&p.body), headline(6));
    assert_contains(kb_buf_cstr(&p.body), headline(11));
    assert_lacks(kb_buf_cstr(&p.body), headline(5));
    assert_lacks(kb_buf_cstr(&p.body), headline(12));
    assert_int_equal(kb_pages_home(f->s, site(f), 4, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200); /* 20 articles: 6+6+6+2 */
    assert_contains(kb_buf_cstr(&p.body), headline(19));
    assert_int_equal(kb_pages_home(f->s, site(f), 5, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);
    assert_int_equal(kb_pages_home(f->s, site(f), 0, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);
    kb_page_release(&p);
    set(f, "site.page_size", "20");
}

static void test_section(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    assert_int_equal(kb_pages_section(f->s, site(f), "world", 1, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    const char *html = kb_buf_cstr(&p.body);
    assert_contains(html, "عالم");
    assert_contains(html, headline(1));
    assert_contains(html, headline(19));
    assert_lacks(html, headline(0)); /* politics */
    assert_lacks(html, headline(2));
    assert_int_equal(kb_pages_section(f->s, site(f), "sport", 1, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);
    /* The display name is not a URL: only the slug is. */
    assert_int_equal(kb_pages_section(f->s, site(f), "عالم", 1, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);
    assert_int_equal(kb_pages_section(f->s, site(f), "world", 2, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);
    kb_page_release(&p);
}

/* ---- article pages ----------------------------------------------------------------- */

static void test_article(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    assert_int_equal(kb_pages_article(f->s, site(f), "world", "story-03", NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    const char *html = kb_buf_cstr(&p.body);
    assert_contains(html, "<h1");
    assert_contains(html, headline(3));
    assert_contains(html, "نص الخبر الأول.");
    assert_contains(html, "اكتشف");
    /* The rail: the 15 newest others are 0..15 without 3; 16 and older are not. */
    assert_contains(html, headline(0));
    assert_contains(html, headline(15));
    assert_lacks(html, headline(16));
    assert_lacks(html, "مسودة لم تنشر");
    assert_true(p.last_modified > 0);
    assert_null(p.location);
    kb_page_release(&p);
}

static void test_article_wrong_section_redirects(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    assert_int_equal(kb_pages_article(f->s, site(f), "politics", "story-03", NOW, &p, NULL), 0);
    assert_int_equal(p.status, 301);
    assert_non_null(p.location);
    assert_string_equal(p.location, "/world/story-03");
    kb_page_release(&p);
}

static void test_article_not_live_is_404(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    assert_int_equal(kb_pages_article(f->s, site(f), "politics", "draft-story", NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);
    assert_lacks(kb_buf_cstr(&p.body), "مسودة لم تنشر");
    assert_int_equal(kb_pages_article(f->s, site(f), "politics", "future-story", NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);
    assert_int_equal(kb_pages_article(f->s, site(f), "politics", "no-such", NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);
    assert_null(p.location);
    kb_page_release(&p);
}

static void test_article_arabic_slug(void **state)
{
    struct fixture *f = *state;
    f->arabic_id =
        put_article(f->s, "politics", "قمة-الرياض", "قمة في الرياض", KB_STATUS_PUBLISHED, NOW - 60);
    struct kb_page p;
    kb_page_init(&p);
    assert_int_equal(kb_pages_article(f->s, site(f), "politics", "قمة-الرياض", NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    assert_contains(kb_buf_cstr(&p.body), "قمة في الرياض");
    kb_page_release(&p);
}

static void test_discover(void **state)
{
    struct fixture *f = *state;
    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get(f->s, f->ids[0], &a, NULL), 0);
    struct kb_article *v = NULL;
    size_t n = 0;
    assert_int_equal(kb_pages_discover(f->s, site(f), &a, NOW, &v, &n, NULL), 0);
    assert_int_equal(n, 15);
    for (size_t i = 0; i < n; i++) {
        assert_true(v[i].id != a.id);
        assert_int_equal(v[i].status, KB_STATUS_PUBLISHED);
        assert_true(v[i].published <= NOW);
        if (i > 0)
            assert_true(v[i - 1].published >= v[i].published);
    }
    /* Article 0 is the newest, so the rail is articles 1..15 (plus any newer story a
     * previous test added: none is newer than 0 but the Arabic one, an hour later). */
    bool saw1 = false;
    for (size_t i = 0; i < n; i++)
        saw1 = saw1 || v[i].id == f->ids[1];
    assert_true(saw1);
    kb_articles_free(v, n);
    kb_article_release(&a);

    set(f, "site.discover_count", "3");
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get(f->s, f->ids[5], &a, NULL), 0);
    assert_int_equal(kb_pages_discover(f->s, site(f), &a, NOW, &v, &n, NULL), 0);
    assert_int_equal(n, 3);
    kb_articles_free(v, n);
    kb_article_release(&a);
    set(f, "site.discover_count", "15");
}

/* ---- the API ----------------------------------------------------------------------- */

static void test_api_list(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    struct kb_api_list_query q = {.per_page = "3", .page = "2"};
    assert_int_equal(kb_pages_api_articles(f->s, site(f), &q, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    assert_string_equal(p.content_type, "application/json; charset=utf-8");
    json_t *j = parse(&p);
    json_t *arts = json_object_get(j, "articles");
    assert_true(json_is_array(arts));
    assert_int_equal(json_array_size(arts), 3);
    size_t live = 0;
    assert_int_equal(kb_store_article_count(f->s, &live, NULL), 0);
    /* count is every status; the API counts live ones: all but the draft and scheduled */
    assert_int_equal(json_integer_value(json_object_get(j, "total")), (json_int_t)live - 2);
    assert_int_equal(json_integer_value(json_object_get(j, "page")), 2);
    assert_int_equal(json_integer_value(json_object_get(j, "per_page")), 3);
    json_t *first = json_array_get(arts, 0);
    assert_non_null(json_object_get(first, "headline"));
    assert_string_equal(json_string_value(json_object_get(first, "status")), "published");
    for (size_t i = 0; i < json_array_size(arts); i++)
        assert_string_not_equal(
            json_string_value(json_object_get(json_array_get(arts, i), "headline")),
            "مسودة لم تنشر");
    json_decref(j);

    struct kb_api_list_query qs = {.section = "world", .per_page = "100"};
    assert_int_equal(kb_pages_api_articles(f->s, site(f), &qs, NOW, &p, NULL), 0);
    j = parse(&p);
    arts = json_object_get(j, "articles");
    assert_int_equal(json_array_size(arts), 10);
    for (size_t i = 0; i < json_array_size(arts); i++) {
        json_t *sec = json_object_get(json_array_get(arts, i), "section");
        assert_string_equal(json_string_value(json_object_get(sec, "slug")), "world");
    }
    json_decref(j);
    kb_page_release(&p);
}

static void test_api_list_bad_query(void **state)
{
    struct fixture *f = *state;
    const char *bad[][2] = {{"0", NULL}, {"abc", NULL}, {NULL, "101"}, {NULL, "0"}, {"-1", NULL}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct kb_page p;
        kb_page_init(&p);
        struct kb_api_list_query q = {.page = bad[i][0], .per_page = bad[i][1]};
        assert_int_equal(kb_pages_api_articles(f->s, site(f), &q, NOW, &p, NULL), 0);
        assert_int_equal(p.status, 400);
        json_t *j = parse(&p);
        json_t *err = json_object_get(j, "error");
        assert_string_equal(json_string_value(json_object_get(err, "field")),
                            bad[i][0] ? "page" : "per_page");
        assert_non_null(json_string_value(json_object_get(err, "message")));
        json_decref(j);
        kb_page_release(&p);
    }
}

static void test_api_article(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    char id[32];
    snprintf(id, sizeof(id), "%lld", (long long)f->ids[4]);
    assert_int_equal(kb_pages_api_article(f->s, site(f), id, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    json_t *j = parse(&p);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), f->ids[4]);
    assert_string_equal(json_string_value(json_object_get(j, "headline")), headline(4));
    assert_string_equal(json_string_value(json_object_get(j, "slug")), "story-04");
    assert_non_null(json_string_value(json_object_get(j, "body_html")));
    json_decref(j);

    snprintf(id, sizeof(id), "%lld", (long long)f->draft_id);
    const char *missing[] = {id, "abc", "0", "-3", "99999999", "", "1x"};
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        assert_int_equal(kb_pages_api_article(f->s, site(f), missing[i], NOW, &p, NULL), 0);
        assert_int_equal(p.status, 404);
        j = parse(&p);
        json_t *err = json_object_get(j, "error");
        assert_string_equal(json_string_value(json_object_get(err, "code")), "not_found");
        assert_true(json_is_null(json_object_get(err, "field")));
        assert_non_null(json_string_value(json_object_get(err, "message")));
        json_decref(j);
    }
    kb_page_release(&p);
}

static void test_health(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    assert_int_equal(kb_pages_health(f->s, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    json_t *j = parse(&p);
    size_t n = 0;
    assert_int_equal(kb_store_article_count(f->s, &n, NULL), 0);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
    assert_int_equal(json_integer_value(json_object_get(j, "articles")), (json_int_t)n);
    assert_true(n >= NLIVE + 2);
    assert_string_equal(json_string_value(json_object_get(j, "backend")), "sqlite");
    json_decref(j);
    kb_page_release(&p);
}

static void test_not_found_names_path(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    kb_pages_not_found(site(f), "/<script>/x", &p);
    assert_int_equal(p.status, 404);
    assert_lacks(kb_buf_cstr(&p.body), "<script>");
    assert_contains(kb_buf_cstr(&p.body), "&lt;script&gt;");
    kb_page_release(&p);
}

/* ---- tag and author pages, lead stories, translations ---------------------------- */

/* A live article with a byline, tags and maybe a photo, `ago` seconds before NOW. */
static int64_t put_rich(struct fixture *f, const char *section, const char *slug,
                        const char *headline, const char *byline, const char *tag,
                        const char *photo, enum kb_status st, int64_t ago)
{
    struct kb_article a;
    kb_article_init(&a);
    kb_set_str(&a.slug, slug);
    kb_set_str(&a.section.slug, section);
    kb_set_str(&a.headline, headline);
    kb_set_str(&a.byline, byline);
    kb_set_str(&a.body_html, "<p>نص.</p>");
    if (photo)
        kb_set_str(&a.image.src, photo);
    if (tag) {
        a.tags = kb_calloc(1, sizeof(char *));
        a.tags[0] = kb_strdup(tag);
        a.ntags = 1;
    }
    a.status = st;
    a.published = st == KB_STATUS_DRAFT ? 0 : NOW - ago;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_article_put(f->s, &a, &d) != 0)
        fail_msg("article %s: %s: %s", slug, d.field, d.msg);
    int64_t id = a.id;
    kb_article_release(&a);
    return id;
}

static void test_tag_and_author_pages(void **state)
{
    struct fixture *f = *state;
    put_rich(f, "world", "oil-1", "أسعار النفط ترتفع", "سارة أحمد", "النفط", NULL,
             KB_STATUS_PUBLISHED, 100);
    put_rich(f, "politics", "oil-2", "أوبك تجتمع في فيينا", "سارة أحمد", "النفط", NULL,
             KB_STATUS_PUBLISHED, 200);
    put_rich(f, "world", "oil-3", "مسودة عن النفط", "سارة أحمد", "النفط", NULL, KB_STATUS_DRAFT, 0);
    put_rich(f, "world", "gold-1", "الذهب يتراجع", "Reuters", "الذهب", NULL, KB_STATUS_PUBLISHED,
             300);
    set(f, "site.base_url", "https://news.example");
    struct kb_page p;
    kb_page_init(&p);
    assert_int_equal(kb_pages_tag(f->s, site(f), "النفط", 1, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    const char *html = kb_buf_cstr(&p.body);
    assert_contains(html, "<h1>النفط</h1>");
    assert_contains(html, "أسعار النفط ترتفع");
    assert_contains(html, "أوبك تجتمع في فيينا");
    assert_lacks(html, "مسودة عن النفط");
    assert_lacks(html, "الذهب يتراجع");
    assert_true(strstr(html, "أسعار النفط ترتفع") < strstr(html, "أوبك تجتمع في فيينا"));
    assert_contains(html, "<link rel=\"canonical\" "
                          "href=\"https://news.example/tag/%D8%A7%D9%84%D9%86%D9%81%D8%B7/\">");
    assert_contains(html, "<nav class=\"breadcrumbs\"");
    assert_contains(html, "\"@type\":\"BreadcrumbList\"");
    assert_int_equal(kb_pages_tag(f->s, site(f), "النفط", 2, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);
    assert_int_equal(kb_pages_tag(f->s, site(f), "لا وسم كهذا", 1, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);

    /* One article a page: page 2 holds the older one, with prev/next both ways. */
    set(f, "site.page_size", "1");
    assert_int_equal(kb_pages_tag(f->s, site(f), "النفط", 2, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    html = kb_buf_cstr(&p.body);
    assert_contains(html, "أوبك تجتمع في فيينا");
    assert_lacks(html, "أسعار النفط ترتفع");
    assert_contains(html, "<a rel=\"prev\" href=\"/tag/%D8%A7%D9%84%D9%86%D9%81%D8%B7/\">");
    assert_contains(
        html,
        "<link rel=\"prev\" href=\"https://news.example/tag/%D8%A7%D9%84%D9%86%D9%81%D8%B7/\">");
    assert_int_equal(kb_pages_tag(f->s, site(f), "النفط", 3, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);
    set(f, "site.page_size", "20");

    /* The author page: the byline's slug, the byline as the heading. */
    assert_int_equal(kb_pages_author(f->s, site(f), "سارة-أحمد", 1, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    html = kb_buf_cstr(&p.body);
    assert_contains(html, "<h1>سارة أحمد</h1>");
    assert_contains(html, "أسعار النفط ترتفع");
    assert_lacks(html, "مسودة عن النفط");
    assert_lacks(html, "الذهب يتراجع");
    assert_int_equal(kb_pages_author(f->s, site(f), "reuters", 1, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    assert_contains(kb_buf_cstr(&p.body), "الذهب يتراجع");
    assert_int_equal(kb_pages_author(f->s, site(f), "nobody", 1, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 404);

    /* The article page links its tag and byline to those pages. */
    assert_int_equal(kb_pages_article(f->s, site(f), "world", "oil-1", NOW, &p, NULL), 0);
    html = kb_buf_cstr(&p.body);
    assert_contains(html, "<a rel=\"tag\" href=\"/tag/%D8%A7%D9%84%D9%86%D9%81%D8%B7/\">");
    assert_contains(html, "<a rel=\"author\" href=\"/author/%D8%B3%D8%A7%D8%B1%D8%A9-"
                          "%D8%A3%D8%AD%D9%85%D8%AF/\">سارة أحمد</a>");
    kb_page_release(&p);
}

static void test_lead_story_has_a_photo(void **state)
{
    struct fixture *f = *state;
    /* Older than several world stories, but the only one with a photo. */
    put_rich(f, "world", "photo-story", "صورة من الميدان", "مراسلنا", NULL, "/media/field.jpg",
             KB_STATUS_PUBLISHED, 5 * 3600 + 1800);
    struct kb_page p;
    kb_page_init(&p);
    assert_int_equal(kb_pages_section(f->s, site(f), "world", 1, NOW, &p, NULL), 0);
    const char *html = kb_buf_cstr(&p.body);
    const char *lead = strstr(html, "<article class=\"card lead\">");
    assert_non_null(lead);
    assert_true(strstr(lead, "صورة من الميدان") < strstr(lead, "</article>"));
    assert_int_equal(strstr(html, "صورة من الميدان") - html,
                     strstr(lead, "صورة من الميدان") - html); /* shown once, as the lead */
    assert_contains(html, headline(1));                       /* the newest world story follows */
    assert_true(strstr(html, headline(1)) > lead);

    /* The lead stays out of the paged list: with 2 a page, page 2 holds the 3rd and 4th
     * newest world stories that are not the lead, and never the lead. */
    set(f, "site.page_size", "2");
    assert_int_equal(kb_pages_section(f->s, site(f), "world", 2, NOW, &p, NULL), 0);
    assert_int_equal(p.status, 200);
    assert_lacks(kb_buf_cstr(&p.body), "صورة من الميدان");
    assert_lacks(kb_buf_cstr(&p.body), "card lead");
    assert_int_equal(kb_pages_home(f->s, site(f), 1, NOW, &p, NULL), 0);
    lead = strstr(kb_buf_cstr(&p.body), "<article class=\"card lead\">");
    assert_non_null(lead);
    assert_true(strstr(lead, "صورة من الميدان") < strstr(lead, "</article>"));
    set(f, "site.page_size", "20");
    kb_page_release(&p);
}

static int put_translations(struct fixture *f, int64_t id, const int64_t *to, size_t n,
                            struct kb_diag *d)
{
    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get(f->s, id, &a, NULL), 0);
    a.translations_set = true;
    a.translations = n ? kb_calloc(n, sizeof(*a.translations)) : NULL;
    a.ntranslations = n;
    for (size_t i = 0; i < n; i++)
        a.translations[i].id = to[i];
    int rc = kb_store_article_put(f->s, &a, d);
    kb_article_release(&a);
    return rc;
}

static void test_translations_hreflang(void **state)
{
    struct fixture *f = *state;
    set(f, "site.base_url", "https://news.example");
    struct kb_article en;
    kb_article_init(&en);
    kb_set_str(&en.slug, "summit-en");
    kb_set_str(&en.section.slug, "world");
    kb_set_str(&en.headline, "A summit in Riyadh");
    kb_set_str(&en.language, "en");
    kb_set_str(&en.body_html, "<p>Text.</p>");
    en.status = KB_STATUS_PUBLISHED;
    en.published = NOW - 50;
    en.translations_set = true;
    en.translations = kb_calloc(1, sizeof(*en.translations));
    en.ntranslations = 1;
    kb_set_str(&en.translations[0].url, "/world/story-03"); /* by address */
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_store_article_put(f->s, &en, &d), 0);
    int64_t en_id = en.id;
    kb_article_release(&en);

    struct kb_page p;
    kb_page_init(&p);
    assert_int_equal(kb_pages_article(f->s, site(f), "world", "story-03", NOW, &p, NULL), 0);
    const char *html = kb_buf_cstr(&p.body);
    assert_contains(
        html,
        "<link rel=\"alternate\" hreflang=\"ar\" href=\"https://news.example/world/story-03\">");
    assert_contains(
        html,
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://news.example/world/summit-en\">");
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"x-default\" "
                          "href=\"https://news.example/world/story-03\">");
    assert_int_equal(kb_pages_article(f->s, site(f), "world", "summit-en", NOW, &p, NULL), 0);
    html = kb_buf_cstr(&p.body);
    assert_contains(
        html,
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://news.example/world/summit-en\">");
    assert_contains(
        html,
        "<link rel=\"alternate\" hreflang=\"ar\" href=\"https://news.example/world/story-03\">");
    assert_contains(html, "<link rel=\"alternate\" hreflang=\"x-default\" "
                          "href=\"https://news.example/world/story-03\">");

    /* The API's article JSON lists them. */
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)f->ids[3]);
    assert_int_equal(kb_pages_api_article(f->s, site(f), id, NOW, &p, NULL), 0);
    json_t *j = parse(&p), *tr = json_object_get(j, "translations");
    assert_int_equal(json_array_size(tr), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(tr, 0), "id")), en_id);
    assert_string_equal(json_string_value(json_object_get(json_array_get(tr, 0), "language")),
                        "en");
    json_decref(j);

    /* Refused, and nothing changes: the article itself, a missing one, the same language. */
    int64_t self = en_id, missing = 999999, arabic = f->ids[4];
    assert_int_equal(put_translations(f, en_id, &self, 1, &d), KB_EINVAL);
    assert_string_equal(d.field, "translations");
    assert_int_equal(put_translations(f, en_id, &missing, 1, &d), KB_EINVAL);
    assert_string_equal(d.field, "translations");
    int64_t two[2] = {f->ids[3], f->ids[4]};
    assert_int_equal(put_translations(f, f->ids[5], two, 2, &d), KB_EINVAL); /* ar → ar */
    struct kb_translation *v = NULL;
    size_t n = 0;
    assert_int_equal(kb_store_translations_get(f->s, f->ids[3], false, NOW, &v, &n, NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].id, en_id);
    kb_translations_free(v, n);
    assert_int_equal(kb_store_translations_get(f->s, f->ids[5], false, NOW, &v, &n, NULL), 0);
    assert_int_equal(n, 0);
    (void)arabic;

    /* An empty list takes the article out of its group; a group of one is no group. */
    assert_int_equal(put_translations(f, en_id, NULL, 0, &d), 0);
    assert_int_equal(kb_store_translations_get(f->s, f->ids[3], false, NOW, &v, &n, NULL), 0);
    assert_int_equal(n, 0);
    assert_int_equal(kb_pages_article(f->s, site(f), "world", "story-03", NOW, &p, NULL), 0);
    assert_lacks(kb_buf_cstr(&p.body), "hreflang");
    kb_page_release(&p);
}

static void test_reserved_section_slugs(void **state)
{
    struct fixture *f = *state;
    struct kb_section sec = {0};
    kb_set_str(&sec.slug, "tag");
    kb_set_str(&sec.name, "وسوم");
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_store_section_put(f->s, &sec, &d), KB_EINVAL);
    assert_string_equal(d.field, "slug");
    kb_section_release(&sec);
    assert_int_equal(kb_store_section_ensure(f->s, "author", &sec, &d), 0);
    assert_string_equal(sec.slug, "author-2");
    kb_section_release(&sec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_site_defaults),
        cmocka_unit_test(test_site_settings),
        cmocka_unit_test(test_home),
        cmocka_unit_test(test_home_scheduled_stays_hidden),
        cmocka_unit_test(test_home_pagination),
        cmocka_unit_test(test_section),
        cmocka_unit_test(test_article),
        cmocka_unit_test(test_article_wrong_section_redirects),
        cmocka_unit_test(test_article_not_live_is_404),
        cmocka_unit_test(test_article_arabic_slug),
        cmocka_unit_test(test_discover),
        cmocka_unit_test(test_api_list),
        cmocka_unit_test(test_api_list_bad_query),
        cmocka_unit_test(test_api_article),
        cmocka_unit_test(test_health),
        cmocka_unit_test(test_not_found_names_path),
        cmocka_unit_test(test_tag_and_author_pages),
        cmocka_unit_test(test_lead_story_has_a_photo),
        cmocka_unit_test(test_translations_hreflang),
        cmocka_unit_test(test_reserved_section_slugs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
