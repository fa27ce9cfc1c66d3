/*
 * test_redirects.c — old addresses of imported articles (lib/store/redirects.c) and the
 * section tree (lib/store/section_tree.c), against an in-memory SQLite store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "khabar/store.h"

static struct kb_store *open_mem(void)
{
    struct kb_store *s = NULL;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_store_open(":memory:", KB_STORE_CREATE, &s, &d), 0);
    return s;
}

/* The canonical path of `url`, or NULL (and *code) when refused. */
static char *canon(const char *url, int *code)
{
    static char out[4096];
    struct kb_buf b;
    kb_buf_init(&b, 0);
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_redirect_path(url, &b, &d);
    if (code)
        *code = rc;
    snprintf(out, sizeof(out), "%s", kb_buf_cstr(&b));
    kb_buf_release(&b);
    return rc ? NULL : out;
}

static void test_path_forms(void **state)
{
    (void)state;
    assert_string_equal(canon("https://old.example/2020/05/slug/", NULL), "/2020/05/slug");
    assert_string_equal(canon("HTTP://old.example:8080/a/b?p=1#c", NULL), "/a/b");
    assert_string_equal(canon("/a/b/", NULL), "/a/b");
    /* percent-encoded Arabic, either case of hex, and the raw bytes are one path */
    const char *ar = "/2020/05/\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85";
    assert_string_equal(canon("http://x/2020/05/%d8%b3%d9%84%d8%a7%d9%85/", NULL), ar);
    assert_string_equal(canon("http://x/2020/05/%D8%B3%D9%84%D8%A7%D9%85", NULL), ar);
    assert_string_equal(canon(ar, NULL), ar);
    /* a bad escape is kept as written */
    assert_string_equal(canon("/a%zz", NULL), "/a%zz");
    int code = 0;
    assert_null(canon("https://old.example/", &code));
    assert_int_equal(code, KB_EINVAL);
    assert_null(canon("https://old.example", &code));
    assert_null(canon("https://old.example/?page=2", &code)); /* not a post id */
    assert_int_equal(code, KB_EINVAL);
    assert_null(canon("/?p=", &code));
    assert_null(canon("/?p=12x", &code));
    assert_null(canon("/?p=0", &code));
    assert_null(canon("/?xp=12", &code));
    /* WordPress's post and page ids on the root keep that one parameter */
    assert_string_equal(canon("https://old.example?p=12", NULL), "/?p=12");
    assert_string_equal(canon("https://old.example/?p=0012&preview=true#x", NULL), "/?p=12");
    assert_string_equal(canon("/?lang=ar&page_id=7", NULL), "/?page_id=7");
    assert_string_equal(canon("/?page_id=7&p=3", NULL), "/?p=3");
    assert_string_equal(canon("/2020/?p=12", NULL), "/2020"); /* only on the root */
    assert_null(canon("wxr:12", &code));
    assert_null(canon("/a/%ff%fe", &code)); /* not UTF-8 once decoded */
    assert_int_equal(code, KB_EINVAL);
    assert_null(canon("/a/%0a", &code));
    char longp[KB_REDIRECT_MAX_PATH + 10];
    memset(longp, 'a', sizeof(longp) - 1);
    longp[0] = '/';
    longp[sizeof(longp) - 1] = '\0';
    assert_null(canon(longp, &code));
    assert_int_equal(code, KB_ETOOBIG);
}

static int64_t put_article(struct kb_store *s, const char *slug, enum kb_status st)
{
    struct kb_article a;
    kb_article_init(&a);
    kb_set_str(&a.slug, slug);
    kb_set_str(&a.headline, "عنوان");
    kb_set_str(&a.body_html, "<p>نص</p>");
    kb_set_str(&a.section.name, "سياسة");
    a.status = st;
    a.published = st == KB_STATUS_PUBLISHED ? 1600000000 : 0;
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_store_article_put(s, &a, &d), 0);
    int64_t id = a.id;
    kb_article_release(&a);
    return id;
}

static const char *find(struct kb_store *s, const char *path, int64_t now)
{
    static char out[4096];
    struct kb_buf b;
    kb_buf_init(&b, 0);
    int rc = kb_store_redirect_find(s, path, now, &b, NULL);
    snprintf(out, sizeof(out), "%s", kb_buf_cstr(&b));
    kb_buf_release(&b);
    return rc == 0 ? out : rc == KB_ENOTFOUND ? NULL : "error";
}

static void test_put_find(void **state)
{
    (void)state;
    struct kb_store *s = open_mem();
    struct kb_section sec = {0};
    assert_int_equal(kb_store_section_ensure(s, "سياسة", &sec, NULL), 0);
    kb_section_release(&sec);
    int64_t live = put_article(s, "\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85", KB_STATUS_PUBLISHED);
    int64_t draft = put_article(s, "draft", KB_STATUS_DRAFT);
    assert_int_equal(kb_store_redirect_put(s, "/2020/05/old", live, NULL), 0);
    assert_int_equal(kb_store_redirect_put(s, "/2020/05/old", live, NULL), 0); /* again */
    assert_int_equal(kb_store_redirect_put(s, "/d", draft, NULL), 0);
    assert_string_equal(find(s, "/2020/05/old", 1700000000), "/politics/%D8%B3%D9%84%D8%A7%D9%85");
    assert_null(find(s, "/2020/05/old", 1500000000)); /* not yet published then */
    assert_null(find(s, "/d", 1700000000));           /* drafts are not redirected to */
    assert_null(find(s, "/nothing", 1700000000));
    size_t n = 0;
    assert_int_equal(kb_store_redirect_count(s, 0, &n, NULL), 0);
    assert_int_equal(n, 2);
    assert_int_equal(kb_store_redirect_put(s, "/x", 9999, NULL), KB_ENOTFOUND);
    assert_int_equal(kb_store_redirect_put(s, "/", live, NULL), KB_EINVAL);
    /* a path moves to the article imported last; a deleted article takes its paths */
    assert_int_equal(kb_store_redirect_put(s, "/d", live, NULL), 0);
    assert_non_null(find(s, "/d", 1700000000));
    assert_int_equal(kb_store_article_delete(s, live, NULL), 0);
    assert_int_equal(kb_store_redirect_count(s, 0, &n, NULL), 0);
    assert_int_equal(n, 0);
    kb_store_close(s);
}

/* kb_redirect_own_path of `url` against `base`, or NULL (and *code). */
static char *own(const char *url, const char *base, int *code)
{
    static char out[4096];
    struct kb_buf b;
    kb_buf_init(&b, 0);
    int rc = kb_redirect_own_path(url, base, &b, NULL);
    if (code)
        *code = rc;
    snprintf(out, sizeof(out), "%s", kb_buf_cstr(&b));
    kb_buf_release(&b);
    return rc ? NULL : out;
}

static void test_own_addresses(void **state)
{
    (void)state;
    int code = 0;
    const char *base = "https://News.Example";
    assert_string_equal(own("https://news.example/2020/05/a/", base, NULL), "/2020/05/a");
    assert_string_equal(own("http://NEWS.example/a?utm=1", base, NULL), "/a");
    assert_string_equal(own("https://news.example/?p=9", base, NULL), "/?p=9");
    assert_string_equal(own("/old/path/", NULL, NULL), "/old/path"); /* a site path */
    assert_null(own("https://news.example.evil/a", base, &code));
    assert_int_equal(code, KB_ENOTFOUND);
    assert_null(own("https://news.example:8443/a", base, &code)); /* another port */
    assert_int_equal(code, KB_ENOTFOUND);
    assert_null(own("https://other.example/a", base, &code));
    assert_int_equal(code, KB_ENOTFOUND);
    assert_null(own("https://news.example/a", NULL, &code)); /* no base_url: unknown */
    assert_int_equal(code, KB_ENOTFOUND);
    assert_null(own("https://news.example/a", "", &code));
    assert_null(own("//news.example/a", base, &code));
    assert_int_equal(code, KB_EINVAL);
    assert_null(own("html:2020-01-01:x", base, &code));
    assert_int_equal(code, KB_EINVAL);

    struct kb_store *s = open_mem();
    struct kb_section sec = {0};
    assert_int_equal(kb_store_section_ensure(s, "سياسة", &sec, NULL), 0);
    kb_section_release(&sec);
    int64_t id = put_article(s, "new-slug", KB_STATUS_PUBLISHED);
    struct kb_article a;
    kb_article_init(&a);
    assert_int_equal(kb_store_article_get(s, id, &a, NULL), 0);
    bool rec = false;
    struct kb_diag d;
    kb_diag_clear(&d);
    /* without site.base_url only site paths are this site's */
    assert_int_equal(kb_store_redirect_put_own(s, "https://news.example/old", NULL, &a, &rec, &d),
                     0);
    assert_false(rec);
    assert_int_equal(kb_store_redirect_put_own(s, "/2019/old-slug/", NULL, &a, &rec, &d), 0);
    assert_true(rec);
    assert_string_equal(find(s, "/2019/old-slug", 1700000000), "/politics/new-slug");
    /* with it, URLs on its host; other hosts, non-addresses and its own address: nothing */
    assert_int_equal(kb_store_setting_put(s, "site.base_url", "https://news.example", &d), 0);
    assert_int_equal(kb_store_redirect_put_own(s, "https://news.example/old", NULL, &a, &rec, &d),
                     0);
    assert_true(rec);
    assert_string_equal(find(s, "/old", 1700000000), "/politics/new-slug");
    const char *none[] = {"https://elsewhere.example/x",
                          "html:2020:x",
                          "12345",
                          "https://news.example/politics/new-slug/",
                          "/politics/new-slug",
                          "https://news.example/"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        assert_int_equal(kb_store_redirect_put_own(s, none[i], NULL, &a, &rec, &d), 0);
        if (rec)
            fail_msg("%s was recorded", none[i]);
    }
    size_t n = 0;
    assert_int_equal(kb_store_redirect_count(s, id, &n, NULL), 0);
    assert_int_equal(n, 2);
    kb_article_release(&a);
    kb_store_close(s);
}

static void add_section(struct kb_store *s, const char *slug, const char *name)
{
    struct kb_section sec = {.slug = (char *)slug, .name = (char *)name};
    assert_int_equal(kb_store_section_put(s, &sec, NULL), 0);
}

static void test_section_tree(void **state)
{
    (void)state;
    struct kb_store *s = open_mem();
    add_section(s, "world", "العالم");
    add_section(s, "arab", "عربي");
    add_section(s, "\xd9\x85\xd8\xb5\xd8\xb1", "مصر"); /* an Arabic slug */
    struct kb_diag d;
    kb_diag_clear(&d);
    assert_int_equal(kb_store_section_set_parent(s, "arab", "world", &d), 0);
    assert_int_equal(kb_store_section_set_parent(s, "\xd9\x85\xd8\xb5\xd8\xb1", "arab", &d), 0);
    struct kb_section got = {0};
    assert_int_equal(kb_store_section_get(s, "مصر", &got, NULL), 0);
    assert_string_equal(got.parent, "arab");
    assert_int_equal(kb_store_section_get(s, "world", &got, NULL), 0);
    assert_null(got.parent);
    /* a put (rename) keeps the parent */
    struct kb_section ren = {.slug = "arab", .name = "الوطن العربي", .position = 3};
    assert_int_equal(kb_store_section_put(s, &ren, NULL), 0);
    assert_int_equal(kb_store_section_get(s, "arab", &got, NULL), 0);
    assert_string_equal(got.parent, "world");
    kb_section_release(&got);
    /* the list carries parents too */
    struct kb_section *all;
    size_t n;
    assert_int_equal(kb_store_section_list(s, &all, &n, NULL), 0);
    size_t with_parent = 0;
    for (size_t i = 0; i < n; i++)
        with_parent += all[i].parent != NULL;
    assert_int_equal(with_parent, 2);
    kb_sections_free(all, n);
    /* cycles and missing sections are refused, the tree stays as it was */
    assert_int_equal(kb_store_section_set_parent(s, "world", "\xd9\x85\xd8\xb5\xd8\xb1", &d),
                     KB_EINVAL);
    assert_string_equal(d.field, "parent");
    assert_int_equal(kb_store_section_set_parent(s, "world", "world", &d), KB_EINVAL);
    assert_int_equal(kb_store_section_set_parent(s, "world", "nowhere", &d), KB_ENOTFOUND);
    assert_int_equal(kb_store_section_set_parent(s, "nowhere", "world", &d), KB_ENOTFOUND);
    assert_int_equal(kb_store_section_get(s, "world", &got, NULL), 0);
    assert_null(got.parent);
    /* back to the top */
    assert_int_equal(kb_store_section_set_parent(s, "arab", NULL, &d), 0);
    assert_int_equal(kb_store_section_get(s, "arab", &got, NULL), 0);
    assert_null(got.parent);
    kb_section_release(&got);
    /* depth: a chain of KB_MAX_SECTION_DEPTH fits, one more does not */
    char slug[32], prev[32];
    for (int i = 0; i <= KB_MAX_SECTION_DEPTH; i++) {
        snprintf(slug, sizeof(slug), "l%d", i);
        add_section(s, slug, slug);
        if (i)
            assert_int_equal(kb_store_section_set_parent(s, slug, prev, &d),
                             i < KB_MAX_SECTION_DEPTH ? 0 : KB_EINVAL);
        snprintf(prev, sizeof(prev), "%s", slug);
    }
    kb_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_forms),
        cmocka_unit_test(test_put_find),
        cmocka_unit_test(test_own_addresses),
        cmocka_unit_test(test_section_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
