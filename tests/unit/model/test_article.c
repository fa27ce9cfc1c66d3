/*
 * test_article.c — the article model: validation (a table of one broken field each), the
 * URL, the JSON form in product.md's order, JSON in (types, section forms, dates) and the
 * round trip to_json -> from_json.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "khabar/article.h"

/* A valid, fully filled article: the reference page's shape. */
static void make_article(struct kb_article *a)
{
    kb_article_init(a);
    a->id = 42;
    kb_set_str(&a->slug, "الناتو-أوكرانيا");
    a->status = KB_STATUS_PUBLISHED;
    kb_set_str(&a->section.slug, "politics");
    kb_set_str(&a->section.name, "سياسة");
    kb_set_str(&a->headline, "الولايات المتحدة وحلف الناتو يدعوان إلى مواصلة الدعم لأوكرانيا");
    kb_set_str(&a->lede, "وجه وزير الخارجية الأمريكي دعوة مشتركة.");
    kb_set_str(&a->byline, "مراسل");
    kb_set_str(&a->source, "TRT عربي - وكالات");
    kb_set_str(&a->language, "ar");
    kb_set_str(&a->image.src, "/media/nato.jpg");
    kb_set_str(&a->image.alt, "الناتو");
    kb_set_str(&a->image.caption, "بلينكن وروته \"الناتو\"");
    kb_set_str(&a->image.credit, "AA");
    kb_set_str(&a->image.copyright, "AA");
    kb_set_str(&a->body_html, "<p>جاء ذلك في مؤتمر صحفي.</p>\n<h2>روسيا</h2>");
    a->tags = calloc(2, sizeof(char *));
    a->tags[0] = strdup("الناتو");
    a->tags[1] = strdup("أوكرانيا");
    a->ntags = 2;
    a->published = 1731445200; /* 2024-11-13T00:00:00+03:00 */
    a->published_offset = 180;
    a->updated = 1731450000;
    a->updated_offset = 180;
    a->reading_minutes = 3;
}

static char *repeat(const char *unit, size_t times)
{
    size_t n = strlen(unit);
    char *s = malloc(n * times + 1);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * n, unit, n);
    s[n * times] = '\0';
    return s;
}

static void set_owned(char **dst, char *v)
{
    free(*dst);
    *dst = v;
}

/* ---- validation table ---------------------------------------------------------------- */

struct vcase {
    const char *name;
    void (*breakit)(struct kb_article *a);
    int code;
    const char *field;
};

static void no_headline(struct kb_article *a)
{
    kb_set_str(&a->headline, NULL);
}
static void blank_headline(struct kb_article *a)
{
    kb_set_str(&a->headline, "  \t ");
}
static void no_body(struct kb_article *a)
{
    kb_set_str(&a->body_html, NULL);
}
static void no_section(struct kb_article *a)
{
    kb_set_str(&a->section.slug, NULL);
    kb_set_str(&a->section.name, NULL);
}
static void long_headline(struct kb_article *a)
{
    set_owned(&a->headline, repeat("ب", KB_MAX_HEADLINE / 2 + 1));
}
static void long_lede(struct kb_article *a)
{
    set_owned(&a->lede, repeat("x", KB_MAX_LEDE + 1));
}
static void long_byline(struct kb_article *a)
{
    set_owned(&a->byline, repeat("x", KB_MAX_BYLINE + 1));
}
static void long_source(struct kb_article *a)
{
    set_owned(&a->source, repeat("x", KB_MAX_SOURCE + 1));
}
static void long_slug(struct kb_article *a)
{
    set_owned(&a->slug, repeat("s", KB_MAX_SLUG + 1));
}
static void long_language(struct kb_article *a)
{
    set_owned(&a->language, repeat("a", KB_MAX_LANGUAGE + 1));
}
static void long_src(struct kb_article *a)
{
    char *s = repeat("a", KB_MAX_IMAGE_SRC + 1);
    s[0] = '/';
    set_owned(&a->image.src, s);
}
static void long_alt(struct kb_article *a)
{
    set_owned(&a->image.alt, repeat("x", KB_MAX_IMAGE_TEXT + 1));
}
static void long_caption(struct kb_article *a)
{
    set_owned(&a->image.caption, repeat("x", KB_MAX_IMAGE_TEXT + 1));
}
static void long_credit(struct kb_article *a)
{
    set_owned(&a->image.credit, repeat("x", KB_MAX_IMAGE_TEXT + 1));
}
static void long_copyright(struct kb_article *a)
{
    set_owned(&a->image.copyright, repeat("x", KB_MAX_IMAGE_TEXT + 1));
}
static void long_body(struct kb_article *a)
{
    set_owned(&a->body_html, repeat("x", KB_MAX_BODY + 1));
}
static void long_tag(struct kb_article *a)
{
    set_owned(&a->tags[1], repeat("x", KB_MAX_TAG + 1));
}
static void many_tags(struct kb_article *a)
{
    a->tags = realloc(a->tags, (KB_MAX_TAGS + 1) * sizeof(char *));
    for (size_t i = a->ntags; i < KB_MAX_TAGS + 1; i++)
        a->tags[i] = strdup("t");
    a->ntags = KB_MAX_TAGS + 1;
}
static void long_section_slug(struct kb_article *a)
{
    set_owned(&a->section.slug, repeat("s", KB_MAX_SECTION_SLUG + 1));
}
static void long_section_name(struct kb_article *a)
{
    set_owned(&a->section.name, repeat("n", KB_MAX_SECTION_NAME + 1));
}
static void long_external(struct kb_article *a)
{
    set_owned(&a->external_id, repeat("e", KB_MAX_EXTERNAL_ID + 1));
}
static void bad_utf8_headline(struct kb_article *a)
{
    kb_set_str(&a->headline, "خبر \xd8 مكسور");
}
static void bad_utf8_body(struct kb_article *a)
{
    kb_set_str(&a->body_html, "<p>\xc0\xaf</p>");
}
static void bad_utf8_caption(struct kb_article *a)
{
    kb_set_str(&a->image.caption, "\xed\xa0\x80");
}
static void bad_utf8_tag(struct kb_article *a)
{
    kb_set_str(&a->tags[0], "\xff");
}
static void newline_headline(struct kb_article *a)
{
    kb_set_str(&a->headline, "سطر\nآخر");
}
static void control_byline(struct kb_article *a)
{
    kb_set_str(&a->byline, "a\x01b");
}
static void slash_slug(struct kb_article *a)
{
    kb_set_str(&a->slug, "a/b");
}
static void space_slug(struct kb_article *a)
{
    kb_set_str(&a->slug, "a b");
}
static void dotdot_section(struct kb_article *a)
{
    kb_set_str(&a->section.slug, "..");
}
static void bad_language(struct kb_article *a)
{
    kb_set_str(&a->language, "arabic!");
}
static void js_image(struct kb_article *a)
{
    kb_set_str(&a->image.src, "javascript:alert(1)");
}
static void empty_tag(struct kb_article *a)
{
    kb_set_str(&a->tags[1], " ");
}
static void published_no_time(struct kb_article *a)
{
    a->published = 0;
}
static void scheduled_no_time(struct kb_article *a)
{
    a->status = KB_STATUS_SCHEDULED;
    a->published = 0;
}
static void bad_status(struct kb_article *a)
{
    a->status = (enum kb_status)99;
}
static void bad_offset(struct kb_article *a)
{
    a->published_offset = 24 * 60;
}
static void negative_minutes(struct kb_article *a)
{
    a->reading_minutes = -1;
}

static const struct vcase vcases[] = {
    {"headline missing", no_headline, KB_EINVAL, "headline"},
    {"headline blank", blank_headline, KB_EINVAL, "headline"},
    {"body missing", no_body, KB_EINVAL, "body_html"},
    {"section missing", no_section, KB_EINVAL, "section.slug"},
    {"headline cap", long_headline, KB_ETOOBIG, "headline"},
    {"lede cap", long_lede, KB_ETOOBIG, "lede"},
    {"byline cap", long_byline, KB_ETOOBIG, "byline"},
    {"source cap", long_source, KB_ETOOBIG, "source"},
    {"slug cap", long_slug, KB_ETOOBIG, "slug"},
    {"language cap", long_language, KB_ETOOBIG, "language"},
    {"image src cap", long_src, KB_ETOOBIG, "image.src"},
    {"image alt cap", long_alt, KB_ETOOBIG, "image.alt"},
    {"image caption cap", long_caption, KB_ETOOBIG, "image.caption"},
    {"image credit cap", long_credit, KB_ETOOBIG, "image.credit"},
    {"image copyright cap", long_copyright, KB_ETOOBIG, "image.copyright"},
    {"body cap", long_body, KB_ETOOBIG, "body_html"},
    {"tag cap", long_tag, KB_ETOOBIG, "tags"},
    {"tag count cap", many_tags, KB_ETOOBIG, "tags"},
    {"section slug cap", long_section_slug, KB_ETOOBIG, "section.slug"},
    {"section name cap", long_section_name, KB_ETOOBIG, "section.name"},
    {"external id cap", long_external, KB_ETOOBIG, "external_id"},
    {"bad UTF-8 headline", bad_utf8_headline, KB_EINVAL, "headline"},
    {"bad UTF-8 body", bad_utf8_body, KB_EINVAL, "body_html"},
    {"surrogate in caption", bad_utf8_caption, KB_EINVAL, "image.caption"},
    {"bad UTF-8 tag", bad_utf8_tag, KB_EINVAL, "tags"},
    {"newline in headline", newline_headline, KB_EINVAL, "headline"},
    {"control char in byline", control_byline, KB_EINVAL, "byline"},
    {"slash in slug", slash_slug, KB_EINVAL, "slug"},
    {"space in slug", space_slug, KB_EINVAL, "slug"},
    {"dot-dot section", dotdot_section, KB_EINVAL, "section.slug"},
    {"bad language", bad_language, KB_EINVAL, "language"},
    {"javascript image", js_image, KB_EINVAL, "image.src"},
    {"empty tag", empty_tag, KB_EINVAL, "tags"},
    {"published without time", published_no_time, KB_EINVAL, "published"},
    {"scheduled without time", scheduled_no_time, KB_EINVAL, "published"},
    {"unknown status", bad_status, KB_EINVAL, "status"},
    {"offset out of range", bad_offset, KB_EINVAL, "published"},
    {"negative minutes", negative_minutes, KB_EINVAL, "reading_minutes"},
};

static void test_validate_ok(void **state)
{
    struct kb_article a;
    make_article(&a);
    struct kb_diag d = {0};
    assert_int_equal(kb_article_validate(&a, &d), 0);
    /* Exactly at the caps is fine. */
    set_owned(&a.headline, repeat("ب", KB_MAX_HEADLINE / 2));
    set_owned(&a.lede, repeat("x", KB_MAX_LEDE));
    kb_set_str(&a.lede, "سطر\nسطر\tآخر");
    assert_int_equal(kb_article_validate(&a, &d), 0);
    /* A draft needs no time; image text without a photo file is allowed (page-text). */
    a.status = KB_STATUS_DRAFT;
    a.published = 0;
    kb_set_str(&a.image.src, NULL);
    assert_int_equal(kb_article_validate(&a, &d), 0);
    kb_article_release(&a);
}

static void test_validate_table(void **state)
{
    for (size_t i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
        struct kb_article a;
        make_article(&a);
        vcases[i].breakit(&a);
        struct kb_diag d = {0};
        int rc = kb_article_validate(&a, &d);
        if (rc != vcases[i].code || strcmp(d.field, vcases[i].field) != 0)
            fail_msg("%s: got %d field '%s' (%s), want %d field '%s'", vcases[i].name, rc, d.field,
                     d.msg, vcases[i].code, vcases[i].field);
        assert_true(d.msg[0] != '\0');
        kb_article_release(&a);
    }
}

static void test_bad_utf8_offset(void **state)
{
    struct kb_article a;
    make_article(&a);
    kb_set_str(&a.headline, "ab\xffzz");
    struct kb_diag d = {0};
    assert_int_equal(kb_article_validate(&a, &d), KB_EINVAL);
    assert_int_equal(d.offset, 2);
    assert_non_null(strstr(d.msg, "UTF-8"));
    kb_article_release(&a);
}

static void test_section_validate(void **state)
{
    struct kb_section s = {0};
    struct kb_diag d = {0};
    assert_int_equal(kb_section_validate(&s, &d), KB_EINVAL);
    assert_string_equal(d.field, "slug");
    kb_set_str(&s.slug, "politics");
    assert_int_equal(kb_section_validate(&s, &d), KB_EINVAL);
    assert_string_equal(d.field, "name");
    kb_set_str(&s.name, "سياسة");
    assert_int_equal(kb_section_validate(&s, &d), 0);
    kb_set_str(&s.slug, "a?b");
    assert_int_equal(kb_section_validate(&s, &d), KB_EINVAL);
    kb_section_release(&s);
    assert_null(s.slug);
}

/* ---- status, compute, URL ------------------------------------------------------------ */

static void test_status_names(void **state)
{
    const char *names[] = {"draft", "review", "scheduled", "published", "unpublished"};
    for (int i = 0; i < 5; i++) {
        enum kb_status st;
        assert_int_equal(kb_status_parse(names[i], &st), 0);
        assert_int_equal(st, i);
        assert_string_equal(kb_status_name(st), names[i]);
    }
    enum kb_status st = KB_STATUS_REVIEW;
    assert_int_equal(kb_status_parse("Published", &st), KB_EINVAL);
    assert_int_equal(kb_status_parse(NULL, &st), KB_EINVAL);
    assert_int_equal(st, KB_STATUS_REVIEW);
}

static void test_compute(void **state)
{
    struct kb_article a;
    kb_article_init(&a);
    kb_set_str(&a.lede, "كلمة");
    /* 400 Arabic words at 180 wpm: 3 minutes with the lede. */
    char *body = repeat("<p>كلمة كلمة</p>", 200);
    set_owned(&a.body_html, body);
    kb_article_compute(&a);
    assert_string_equal(a.language, "ar");
    assert_int_equal(a.reading_minutes, 3);
    kb_set_str(&a.body_html, NULL);
    kb_set_str(&a.lede, NULL);
    kb_article_compute(&a);
    assert_int_equal(a.reading_minutes, 1);
    kb_article_release(&a);
}

static void test_url(void **state)
{
    struct kb_article a;
    kb_article_init(&a);
    kb_set_str(&a.section.slug, "politics");
    kb_set_str(&a.slug, "خبر-1");
    struct kb_buf b;
    kb_buf_init(&b, 1024);
    kb_article_url(&b, &a);
    assert_string_equal(kb_buf_cstr(&b), "/politics/%D8%AE%D8%A8%D8%B1-1");
    kb_buf_release(&b);
    kb_article_release(&a);
}

/* ---- JSON ---------------------------------------------------------------------------- */

static char *to_json(const struct kb_article *a)
{
    struct kb_buf b;
    struct kb_json j;
    kb_buf_init(&b, 0);
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_article_to_json(a, &j);
    assert_int_equal(kb_buf_err(&b), 0);
    return kb_buf_detach(&b, NULL);
}

static void test_to_json_order(void **state)
{
    struct kb_article a;
    make_article(&a);
    char *s = to_json(&a);
    json_error_t e;
    json_t *o = json_loads(s, 0, &e);
    assert_non_null(o);
    const char *want[] = {"id",   "slug",      "url",     "status",         "section", "headline",
                          "lede", "byline",    "source",  "language",       "image",   "body_html",
                          "tags", "published", "updated", "reading_minutes"};
    size_t i = 0;
    const char *key;
    json_t *v;
    /* The order is checked on the text: each key after the one before it. */
    const char *at = s;
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        char pat[64];
        snprintf(pat, sizeof(pat), "\"%s\":", want[i]);
        const char *p = strstr(at, pat);
        if (!p)
            fail_msg("key %s missing or out of order in %s", want[i], s);
        at = p + strlen(pat);
    }
    size_t nkeys = 0;
    json_object_foreach(o, key, v) nkeys++;
    assert_int_equal(nkeys, sizeof(want) / sizeof(want[0]));
    assert_string_equal(json_string_value(json_object_get(o, "url")),
                        "/politics/%D8%A7%D9%84%D9%86%D8%A7%D8%AA%D9%88-"
                        "%D8%A3%D9%88%D9%83%D8%B1%D8%A7%D9%86%D9%8A%D8%A7");
    assert_string_equal(json_string_value(json_object_get(o, "published")),
                        "2024-11-13T00:00:00+03:00");
    assert_string_equal(json_string_value(json_object_get(o, "status")), "published");
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "section"), "name")),
                        "سياسة");
    json_decref(o);
    free(s);

    /* A fresh article: null id, url, image, times. */
    kb_article_release(&a);
    s = to_json(&a);
    assert_non_null(strstr(s, "\"id\":null"));
    assert_non_null(strstr(s, "\"url\":null"));
    assert_non_null(strstr(s, "\"image\":null"));
    assert_non_null(strstr(s, "\"published\":null,\"updated\":null"));
    assert_non_null(strstr(s, "\"tags\":[]"));
    free(s);
}

static void assert_str_eq_null(const char *a, const char *b)
{
    if (!a || !b)
        assert_true(a == b);
    else
        assert_string_equal(a, b);
}

static void assert_articles_equal(const struct kb_article *x, const struct kb_article *y)
{
    assert_int_equal(x->id, y->id);
    assert_str_eq_null(x->slug, y->slug);
    assert_int_equal(x->status, y->status);
    assert_str_eq_null(x->section.slug, y->section.slug);
    assert_str_eq_null(x->section.name, y->section.name);
    assert_str_eq_null(x->headline, y->headline);
    assert_str_eq_null(x->lede, y->lede);
    assert_str_eq_null(x->byline, y->byline);
    assert_str_eq_null(x->source, y->source);
    assert_str_eq_null(x->language, y->language);
    assert_str_eq_null(x->image.src, y->image.src);
    assert_str_eq_null(x->image.alt, y->image.alt);
    assert_str_eq_null(x->image.caption, y->image.caption);
    assert_str_eq_null(x->image.credit, y->image.credit);
    assert_str_eq_null(x->image.copyright, y->image.copyright);
    assert_str_eq_null(x->body_html, y->body_html);
    assert_int_equal(x->ntags, y->ntags);
    for (size_t i = 0; i < x->ntags; i++)
        assert_string_equal(x->tags[i], y->tags[i]);
    assert_int_equal(x->published, y->published);
    assert_int_equal(x->published_offset, y->published_offset);
    assert_int_equal(x->updated, y->updated);
    assert_int_equal(x->updated_offset, y->updated_offset);
    assert_int_equal(x->reading_minutes, y->reading_minutes);
}

static int parse(const char *text, struct kb_article *out, struct kb_diag *d)
{
    json_error_t e;
    json_t *o = json_loads(text, JSON_ALLOW_NUL, &e);
    assert_non_null(o);
    int rc = kb_article_from_json(o, out, d);
    json_decref(o);
    return rc;
}

static void test_round_trip(void **state)
{
    struct kb_article a, b;
    make_article(&a);
    kb_article_init(&b);
    char *s = to_json(&a);
    struct kb_diag d = {0};
    assert_int_equal(parse(s, &b, &d), 0);
    assert_articles_equal(&a, &b);
    assert_int_equal(kb_article_validate(&b, &d), 0);
    /* And again: the second JSON is the first, byte for byte. */
    char *s2 = to_json(&b);
    assert_string_equal(s, s2);
    free(s);
    free(s2);
    kb_article_release(&b);

    /* Sparse: nulls and a missing image survive as NULL. */
    kb_article_release(&a);
    kb_set_str(&a.headline, "Headline");
    kb_set_str(&a.body_html, "<p>x</p>");
    kb_set_str(&a.section.slug, "world");
    a.updated = -86400; /* before 1970 */
    a.updated_offset = -300;
    s = to_json(&a);
    assert_int_equal(parse(s, &b, &d), 0);
    assert_articles_equal(&a, &b);
    free(s);
    kb_article_release(&a);
    kb_article_release(&b);
}

static void test_from_json_forms(void **state)
{
    struct kb_article a;
    kb_article_init(&a);
    struct kb_diag d = {0};
    assert_int_equal(parse("{\"headline\":\"h\",\"section\":\"سياسة\",\"body_html\":\"<p>b</p>\","
                           "\"published\":\"2024-11-13T10:00:00Z\",\"status\":\"scheduled\","
                           "\"external_id\":\"ant:1\",\"unknown\":[1,2]}",
                           &a, &d),
                     0);
    assert_string_equal(a.section.name, "سياسة");
    assert_null(a.section.slug);
    assert_int_equal(kb_article_validate(&a, &d), 0); /* the store resolves the name */
    assert_int_equal(a.published, 1731492000);
    assert_int_equal(a.published_offset, 0);
    assert_int_equal(a.status, KB_STATUS_SCHEDULED);
    assert_string_equal(a.external_id, "ant:1");
    assert_int_equal(a.id, 0);
    kb_article_release(&a);
}

struct jcase {
    const char *json;
    int code;
    const char *field;
};

static const struct jcase jcases[] = {
    {"{\"headline\":7}", KB_EINVAL, "headline"},
    {"{\"id\":\"7\"}", KB_EINVAL, "id"},
    {"{\"id\":-1}", KB_EINVAL, "id"},
    {"{\"status\":\"live\"}", KB_EINVAL, "status"},
    {"{\"status\":1}", KB_EINVAL, "status"},
    {"{\"section\":[\"a\"]}", KB_EINVAL, "section"},
    {"{\"section\":{\"slug\":1}}", KB_EINVAL, "section.slug"},
    {"{\"image\":\"/a.jpg\"}", KB_EINVAL, "image"},
    {"{\"image\":{\"alt\":false}}", KB_EINVAL, "image.alt"},
    {"{\"tags\":\"a,b\"}", KB_EINVAL, "tags"},
    {"{\"tags\":[\"a\",2]}", KB_EINVAL, "tags"},
    {"{\"published\":\"13 November 2024\"}", KB_EINVAL, "published"},
    {"{\"updated\":1731492000}", KB_EINVAL, "updated"},
    {"{\"reading_minutes\":1.5}", KB_EINVAL, "reading_minutes"},
    {"{\"lede\":\"a\\u0000b\"}", KB_EINVAL, "lede"},
    {"[]", KB_EINVAL, ""},
};

static void test_from_json_errors(void **state)
{
    for (size_t i = 0; i < sizeof(jcases) / sizeof(jcases[0]); i++) {
        struct kb_article a;
        kb_article_init(&a);
        kb_set_str(&a.headline, "kept");
        struct kb_diag d = {0};
        int rc = parse(jcases[i].json, &a, &d);
        if (rc != jcases[i].code || strcmp(d.field, jcases[i].field) != 0)
            fail_msg("%s: got %d field '%s' (%s)", jcases[i].json, rc, d.field, d.msg);
        /* Untouched on failure. */
        assert_string_equal(a.headline, "kept");
        kb_article_release(&a);
    }
    /* Too many tags. */
    json_t *o = json_object();
    json_t *tags = json_array();
    for (int i = 0; i <= KB_MAX_TAGS; i++)
        json_array_append_new(tags, json_string("t"));
    json_object_set_new(o, "tags", tags);
    struct kb_article a;
    kb_article_init(&a);
    struct kb_diag d = {0};
    assert_int_equal(kb_article_from_json(o, &a, &d), KB_ETOOBIG);
    assert_string_equal(d.field, "tags");
    json_decref(o);
    kb_article_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_ok),
        cmocka_unit_test(test_validate_table),
        cmocka_unit_test(test_bad_utf8_offset),
        cmocka_unit_test(test_section_validate),
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_compute),
        cmocka_unit_test(test_url),
        cmocka_unit_test(test_to_json_order),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_from_json_forms),
        cmocka_unit_test(test_from_json_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
