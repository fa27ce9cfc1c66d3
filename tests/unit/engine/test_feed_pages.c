/*
 * test_feed_pages.c — the feed and sitemap use-cases against a real (temporary) SQLite
 * store with a fixed clock: which articles each response lists, the split of the sitemap
 * into files, the news sitemap's 48-hour window, the feed settings, enclosure sizes from
 * the media directory, and 404s.
 *
 * The store holds 10 live articles (article i published 10 h × i before NOW, alternating
 * between two sections), a draft and a scheduled one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "khabar/feed_pages.h"

#define NOW 1731492000 /* 2024-11-13T10:00:00Z */
#define NLIVE 10

struct fixture {
    char dir[64];
    char db[128];
    char media[128];
    struct kb_store *s;
    struct kb_site_conf *conf;
    struct kb_site site; /* conf's, with an absolute base_url */
};

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

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

static void put_article(struct kb_store *s, const char *section, const char *slug,
                        enum kb_status st, int64_t published, const char *image)
{
    struct kb_article a;
    kb_article_init(&a);
    kb_set_str(&a.slug, slug);
    kb_set_str(&a.section.slug, section);
    kb_set_str(&a.headline, slug);
    kb_set_str(&a.lede, "موجز الخبر.");
    kb_set_str(&a.body_html, "<p>نص الخبر.</p>");
    kb_set_str(&a.image.src, image);
    a.status = st;
    a.published = published;
    a.published_offset = 180;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_article_put(s, &a, &d) != 0)
        fail_msg("article %s: %s: %s", slug, d.field, d.msg);
    kb_article_release(&a);
}

static void reload(struct fixture *f)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    kb_site_conf_free(f->conf);
    f->conf = NULL;
    if (kb_site_conf_load(f->s, &f->conf, &d) != 0)
        fail_msg("site settings: %s", d.msg);
    f->site = f->conf->site;
    f->site.base_url = "https://news.example";
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
    snprintf(f->dir, sizeof(f->dir), "/tmp/kb-feeds-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->db, sizeof(f->db), "%s/test.db", f->dir);
    snprintf(f->media, sizeof(f->media), "%s/media", f->dir);
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_store_open(f->db, KB_STORE_CREATE, &f->s, &d) != 0)
        return -1;
    put_section(f->s, "politics", "سياسة", 1);
    put_section(f->s, "world", "عالم", 2);
    for (int i = 0; i < NLIVE; i++) {
        char slug[32];
        snprintf(slug, sizeof(slug), "story-%02d", i);
        put_article(f->s, i % 2 ? "world" : "politics", slug, KB_STATUS_PUBLISHED,
                    NOW - (int64_t)i * 10 * 3600, i == 0 ? "/media/p.jpg" : NULL);
    }
    put_article(f->s, "politics", "draft-story", KB_STATUS_DRAFT, 0, NULL);
    put_article(f->s, "politics", "future-story", KB_STATUS_SCHEDULED, NOW + 3600, NULL);
    /* A 777-byte photo for story-00. */
    if (mkdir(f->media, 0700) != 0)
        return -1;
    char path[256];
    snprintf(path, sizeof(path), "%s/p.jpg", f->media);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    for (int i = 0; i < 777; i++)
        fputc('x', fp);
    fclose(fp);
    reload(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    kb_site_conf_free(f->conf);
    kb_store_close(f->s);
    char path[256];
    snprintf(path, sizeof(path), "%s/p.jpg", f->media);
    unlink(path);
    rmdir(f->media);
    const char *sfx[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s%s", f->db, sfx[i]);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static void expect_ok(int rc, const struct kb_diag *d)
{
    if (rc != 0)
        fail_msg("use-case failed: %s", d->msg);
}

static void test_feed_lists_live_articles_and_follows_settings(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    struct kb_diag d;
    kb_diag_clear(&d);
    expect_ok(kb_pages_feed(f->s, &f->site, KB_FEED_RSS, NULL, f->media, NOW, &p, &d), &d);
    assert_int_equal(p.status, 200);
    assert_string_equal(p.content_type, KB_CT_RSS);
    const char *x = kb_buf_cstr(&p.body);
    assert_int_equal(count(x, "<item>"), NLIVE);
    assert_null(strstr(x, "draft-story"));
    assert_null(strstr(x, "future-story"));
    assert_int_equal(count(x, "<content:encoded>"), NLIVE);
    assert_non_null(strstr(x, "<enclosure url=\"https://news.example/media/p.jpg\" "
                              "length=\"777\" type=\"image/jpeg\"/>"));
    assert_true(p.last_modified > 0);

    set(f, "feed.items", "3");
    set(f, "feed.full_content", "0");
    expect_ok(kb_pages_feed(f->s, &f->site, KB_FEED_ATOM, "world", f->media, NOW, &p, &d), &d);
    x = kb_buf_cstr(&p.body);
    assert_string_equal(p.content_type, KB_CT_ATOM);
    assert_int_equal(count(x, "<entry>"), 3);
    assert_int_equal(count(x, "<content "), 0);
    assert_null(strstr(x, "story-00")); /* a politics story */
    assert_non_null(strstr(x, "story-01"));

    /* Without a media directory the size is unknown: RSS says 0. */
    set(f, "feed.items", "1");
    expect_ok(kb_pages_feed(f->s, &f->site, KB_FEED_RSS, NULL, NULL, NOW, &p, &d), &d);
    assert_non_null(strstr(kb_buf_cstr(&p.body), "length=\"0\""));

    expect_ok(kb_pages_feed(f->s, &f->site, KB_FEED_JSON, "nope", f->media, NOW, &p, &d), &d);
    assert_int_equal(p.status, 404);
    set(f, "feed.items", "30");
    set(f, "feed.full_content", "1");
    kb_page_release(&p);
}

static void test_feed_settings_fall_back(void **state)
{
    struct fixture *f = *state;
    struct kb_feed_conf c;
    struct kb_diag d;
    kb_diag_clear(&d);
    set(f, "feed.items", "9999");
    set(f, "feed.full_content", "junk");
    expect_ok(kb_feed_conf_load(f->s, &c, &d), &d);
    assert_int_equal(c.items, KB_FEED_DEFAULT_ITEMS);
    assert_true(c.full_content);
    set(f, "feed.items", "200");
    expect_ok(kb_feed_conf_load(f->s, &c, &d), &d);
    assert_int_equal(c.items, 200);
    set(f, "feed.items", "30");
    set(f, "feed.full_content", "1");
}

static void test_sitemap_split(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    struct kb_diag d;
    kb_diag_clear(&d);
    /* 1 home + 2 sections + 10 articles = 13 URLs: 5 files of 3. */
    expect_ok(kb_pages_sitemap_index(f->s, &f->site, 3, NOW, &p, &d), &d);
    assert_string_equal(p.content_type, KB_CT_XML);
    assert_int_equal(count(kb_buf_cstr(&p.body), "<sitemap>"), 5);
    assert_non_null(strstr(kb_buf_cstr(&p.body), "https://news.example/sitemap-5.xml"));
    size_t urls = 0;
    for (size_t n = 1; n <= 5; n++) {
        expect_ok(kb_pages_sitemap(f->s, &f->site, n, 3, NOW, &p, &d), &d);
        assert_int_equal(p.status, 200);
        const char *x = kb_buf_cstr(&p.body);
        size_t k = count(x, "<url>");
        assert_true(k >= 1 && k <= 3);
        assert_int_equal(count(x, "<lastmod>"), k);
        urls += k;
        if (n == 1) {
            assert_non_null(strstr(x, "<loc>https://news.example/</loc>"));
            assert_non_null(strstr(x, "<loc>https://news.example/politics/</loc>"));
            assert_non_null(strstr(x, "<loc>https://news.example/world/</loc>"));
        }
        if (n == 2)
            assert_non_null(strstr(x, "<loc>https://news.example/politics/story-00</loc>"));
        if (n == 5)
            assert_non_null(strstr(x, "<loc>https://news.example/world/story-09</loc>"));
        assert_null(strstr(x, "draft-story"));
        assert_null(strstr(x, "future-story"));
    }
    assert_int_equal(urls, 1 + 2 + NLIVE);
    expect_ok(kb_pages_sitemap(f->s, &f->site, 6, 3, NOW, &p, &d), &d);
    assert_int_equal(p.status, 404);
    expect_ok(kb_pages_sitemap(f->s, &f->site, 0, 3, NOW, &p, &d), &d);
    assert_int_equal(p.status, 404);
    /* The default size: everything in one file. */
    expect_ok(kb_pages_sitemap(f->s, &f->site, 1, 0, NOW, &p, &d), &d);
    assert_int_equal(count(kb_buf_cstr(&p.body), "<url>"), 1 + 2 + NLIVE);
    kb_page_release(&p);
}

static void test_news_sitemap_window(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    struct kb_diag d;
    kb_diag_clear(&d);
    /* Published 0, 10, 20, 30, 40 h ago are in; 50 h and older are out. */
    expect_ok(kb_pages_news_sitemap(f->s, &f->site, NOW, &p, &d), &d);
    const char *x = kb_buf_cstr(&p.body);
    assert_int_equal(count(x, "<news:news>"), 5);
    assert_non_null(strstr(x, "story-04<"));
    assert_null(strstr(x, "story-05<"));
    assert_null(strstr(x, "future-story"));
    /* A day later the ones 24, 34 and 44 h old remain; the scheduled one is not live. */
    expect_ok(kb_pages_news_sitemap(f->s, &f->site, NOW + 24 * 3600, &p, &d), &d);
    assert_int_equal(count(kb_buf_cstr(&p.body), "<news:news>"), 3);
    kb_page_release(&p);
}

static void test_robots(void **state)
{
    struct fixture *f = *state;
    struct kb_page p;
    kb_page_init(&p);
    kb_pages_robots(&f->site, &p);
    assert_int_equal(p.status, 200);
    assert_string_equal(p.content_type, KB_CT_TEXT);
    assert_non_null(strstr(kb_buf_cstr(&p.body), "Sitemap: https://news.example/news-sitemap.xml"));
    kb_page_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_feed_lists_live_articles_and_follows_settings),
        cmocka_unit_test(test_feed_settings_fall_back),
        cmocka_unit_test(test_sitemap_split),
        cmocka_unit_test(test_news_sitemap_window),
        cmocka_unit_test(test_robots),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
