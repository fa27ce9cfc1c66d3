/*
 * test_pagetext.c — page text as saved from a news page, parsed the way a reader sees it.
 *
 * The reference page ($KB_SHARED/fixtures/trt-article.txt; skipped when ../shared is
 * missing) must give exactly trt-article.expected.json (without "notes"), field by field and
 * as JSON.  A small page of our own words, assembled line by line, covers the variants
 * (no reading time, no image, caption forms, month styles, digits, line ends, BOM, blank
 * lines, trailing spaces, no source, no Discover rail) and every refusal with its line.
 * The same line-end/BOM/blank-line transforms are applied to the reference page too: the
 * result must not change.
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
#include "khabar/pagetext.h"

/* ---- helpers ----------------------------------------------------------------------- */

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

/* Read $KB_SHARED/fixtures/<name>; NULL when ../shared is not there. */
static char *read_shared(const char *name, size_t *len)
{
    const char *shared = getenv("KB_SHARED");
    if (!shared || !*shared)
        return NULL;
    char path[4096];
    snprintf(path, sizeof(path), "%s/fixtures/%s", shared, name);
    char *text = NULL;
    struct kb_diag d;
    if (kb_file_read(path, (size_t)16 << 20, &text, len, &d) != 0)
        return NULL;
    return text;
}

#define SHARED_OR_SKIP(var, lenvar, name)                                                          \
    size_t lenvar = 0;                                                                             \
    char *var = read_shared(name, &lenvar);                                                        \
    do {                                                                                           \
        if (!var) {                                                                                \
            printf("skipped: ../shared not found\n");                                              \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

static void parse_ok(const char *text, size_t n, struct kb_page_text *pt)
{
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_pagetext_parse(text, n, pt, &d);
    if (rc != 0)
        fail_msg("parse failed (%d) at line %lu: %s", rc, d.line, d.msg);
}

/* The parse must fail with `code` on `line`, and the message must contain `needle`; the
 * output struct must be left as it was. */
static void parse_fails(const char *text, size_t n, int code, unsigned long line,
                        const char *needle)
{
    struct kb_page_text pt;
    memset(&pt, 0xA5, sizeof(pt));
    struct kb_page_text before = pt;
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_pagetext_parse(text, n, &pt, &d);
    if (rc != code || d.line != line || !strstr(d.msg, needle))
        fail_msg("expected %d at line %lu containing \"%s\"; got %d at line %lu: %s", code, line,
                 needle, rc, d.line, d.msg);
    assert_int_equal(d.code, code);
    assert_memory_equal(&pt, &before, sizeof(pt));
}

static char *to_json(const struct kb_page_text *pt)
{
    struct kb_buf b;
    struct kb_json j;
    kb_buf_init(&b, 0);
    kb_json_init(&j, &b, KB_JSON_PRETTY);
    kb_pagetext_to_json(pt, &j);
    assert_int_equal(kb_buf_err(&b), 0);
    return kb_buf_detach(&b, NULL);
}

static json_t *load_json(const char *s)
{
    json_error_t e;
    json_t *v = json_loads(s, 0, &e);
    if (!v)
        fail_msg("invalid JSON at line %d: %s", e.line, e.text);
    return v;
}

/* ---- a page of our own words, assembled line by line -------------------------------- */

static const char *const own_body[] = {
    "قالت البلدية إن السوق ستفتح كل يوم سبت من الساعة السابعة صباحاً حتى الظهر.",
    "وأضاف رئيس البلدية أن الهدف هو خفض الأسعار ودعم صغار المزارعين في القرى المجاورة.",
    "إقبال كبير في اليوم الأول",
    "وشهد اليوم الأول إقبالاً واسعاً، إذ نفدت بعض المنتجات قبل العاشرة صباحاً.",
};
#define OWN_HEADLINE "افتتاح سوق جديدة للمزارعين في وسط المدينة"
#define OWN_LEDE "افتتحت البلدية صباح اليوم سوقاً أسبوعية يبيع فيها المزارعون منتجاتهم للسكان."

struct spec {
    const char *section, *rt, *headline, *lede, *alt, *caption, *date;
    const char *const *body;
    size_t nbody;
    const char *source;
    const char *discover_heading;
};

static struct spec own_spec(void)
{
    struct spec s = {
        .section = "اقتصاد",
        .rt = "4 دقائق قراءة",
        .headline = OWN_HEADLINE,
        .lede = OWN_LEDE,
        .alt = OWN_HEADLINE,
        .caption = "مزارعون يعرضون الخضار في السوق الجديدة. / صورة: وكالة المدينة / أرشيف البلدية",
        .date = "13 نوفمبر 2024",
        .body = own_body,
        .nbody = sizeof(own_body) / sizeof(own_body[0]),
        .source = "مصدر:وكالة المدينة",
        .discover_heading = "اكتشف",
    };
    return s;
}

static const char *const own_discover[] = {"مهرجان للكتاب في الميناء القديم",
                                           "ارتفاع درجات الحرارة نهاية الأسبوع"};

/* The page's lines joined with "\n"; NULL parts are left out. */
static char *build(const struct spec *s)
{
    struct kb_buf b;
    kb_buf_init(&b, 0);
    const char *head[] = {s->section, s->rt, s->headline, s->lede, s->alt, s->caption, s->date};
    for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
        if (head[i])
            kb_buf_addf(&b, "%s\n", head[i]);
    for (size_t i = 0; i < s->nbody; i++)
        kb_buf_addf(&b, "%s\n", s->body[i]);
    if (s->source)
        kb_buf_addf(&b, "%s\n", s->source);
    if (s->discover_heading) {
        kb_buf_addf(&b, "%s\n", s->discover_heading);
        for (size_t i = 0; i < 2; i++)
            kb_buf_addf(&b, "%s\n", own_discover[i]);
    }
    return kb_buf_detach(&b, NULL);
}

/* Rewrite "\n"-separated text the way other dumps look. */
struct xform {
    const char *eol;  /* line end instead of "\n" */
    bool bom;         /* a UTF-8 BOM first */
    int blanks;       /* extra blank lines after every line (and before the first) */
    const char *tail; /* appended to every line (trailing spaces) */
};

static char *transform(const char *text, const struct xform *x)
{
    struct kb_buf b;
    kb_buf_init(&b, 0);
    if (x->bom)
        kb_buf_adds(&b, "\xEF\xBB\xBF");
    for (int k = 0; k < x->blanks; k++)
        kb_buf_adds(&b, x->eol);
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        kb_buf_add(&b, p, n);
        if (x->tail)
            kb_buf_adds(&b, x->tail);
        kb_buf_adds(&b, x->eol);
        for (int k = 0; k < x->blanks; k++) {
            if (x->tail)
                kb_buf_adds(&b, x->tail);
            kb_buf_adds(&b, x->eol);
        }
        p += n + (nl ? 1 : 0);
    }
    return kb_buf_detach(&b, NULL);
}

static void parse_spec(const struct spec *s, struct kb_page_text *pt)
{
    char *text = build(s);
    parse_ok(text, strlen(text), pt);
    free(text);
}

static void check_own_body(const struct kb_page_text *pt)
{
    assert_int_equal(pt->nblocks, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(pt->blocks[i].text, own_body[i]);
        assert_int_equal(pt->blocks[i].type, i == 2 ? KB_BLOCK_H2 : KB_BLOCK_P);
    }
}

static void check_date(const struct kb_page_text *pt, int y, int m, int dd, const char *display)
{
    assert_int_equal(pt->date.year, y);
    assert_int_equal(pt->date.month, m);
    assert_int_equal(pt->date.day, dd);
    assert_string_equal(pt->date_display, display);
}

/* ---- the reference page ------------------------------------------------------------ */

static json_t *expected_json(void)
{
    size_t n;
    char *s = read_shared("trt-article.expected.json", &n);
    if (!s)
        return NULL;
    json_t *v = load_json(s);
    free(s);
    json_object_del(v, "notes");
    return v;
}

static void test_reference_fields(void **state)
{
    SHARED_OR_SKIP(text, len, "trt-article.txt");
    json_t *exp = expected_json();
    assert_non_null(exp);
    struct kb_page_text pt;
    parse_ok(text, len, &pt);

    assert_string_equal(pt.section, json_string_value(json_object_get(exp, "section")));
    assert_int_equal(pt.reading_minutes,
                     json_integer_value(json_object_get(exp, "reading_minutes")));
    assert_string_equal(pt.headline, json_string_value(json_object_get(exp, "headline")));
    assert_string_equal(pt.lede, json_string_value(json_object_get(exp, "lede")));
    json_t *img = json_object_get(exp, "image");
    assert_true(pt.has_image);
    assert_string_equal(pt.image_alt, json_string_value(json_object_get(img, "alt")));
    assert_string_equal(pt.image_caption, json_string_value(json_object_get(img, "caption")));
    assert_string_equal(pt.image_credit, "AA");
    assert_string_equal(pt.image_copyright, "AA");
    check_date(&pt, 2024, 11, 13, "13 نوفمبر 2024");
    assert_string_equal(pt.date_display,
                        json_string_value(json_object_get(exp, "published_display")));

    json_t *body = json_object_get(exp, "body");
    assert_int_equal(pt.nblocks, json_array_size(body));
    assert_int_equal(pt.nblocks, 12);
    size_t np = 0, nh2 = 0;
    for (size_t i = 0; i < pt.nblocks; i++) {
        json_t *blk = json_array_get(body, i);
        const char *type = json_string_value(json_object_get(blk, "type"));
        assert_string_equal(pt.blocks[i].type == KB_BLOCK_H2 ? "h2" : "p", type);
        assert_string_equal(pt.blocks[i].text, json_string_value(json_object_get(blk, "text")));
        np += pt.blocks[i].type == KB_BLOCK_P;
        nh2 += pt.blocks[i].type == KB_BLOCK_H2;
    }
    assert_int_equal(np, 11);
    assert_int_equal(nh2, 1);
    assert_int_equal(pt.blocks[4].type, KB_BLOCK_H2);

    assert_string_equal(pt.source, "TRT عربي - وكالات");
    json_t *disc = json_object_get(exp, "discover");
    assert_int_equal(pt.ndiscover, json_array_size(disc));
    assert_int_equal(pt.ndiscover, 15);
    for (size_t i = 0; i < pt.ndiscover; i++)
        assert_string_equal(pt.discover[i], json_string_value(json_array_get(disc, i)));

    kb_pagetext_release(&pt);
    json_decref(exp);
    free(text);
}

static void test_reference_json(void **state)
{
    SHARED_OR_SKIP(text, len, "trt-article.txt");
    json_t *exp = expected_json();
    assert_non_null(exp);
    struct kb_page_text pt;
    parse_ok(text, len, &pt);
    char *out = to_json(&pt);
    json_t *got = load_json(out);
    if (!json_equal(got, exp))
        fail_msg("to_json differs from the fixture:\n%s", out);

    /* Key order as in the fixture. */
    const char *keys[] = {"\"section\"", "\"reading_minutes\"", "\"headline\"",          "\"lede\"",
                          "\"image\"",   "\"published_date\"",  "\"published_display\"", "\"body\"",
                          "\"source\"",  "\"discover\""};
    const char *prev = out;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *p = strstr(out, keys[i]);
        assert_non_null(p);
        assert_true(p > prev || (i == 0 && p >= prev));
        prev = p;
    }
    const char *ikeys[] = {"\"alt\"", "\"caption\"", "\"credit\"", "\"copyright\""};
    prev = strstr(out, "\"image\"");
    for (size_t i = 0; i < 4; i++) {
        const char *p = strstr(out, ikeys[i]);
        assert_non_null(p);
        assert_true(p > prev);
        prev = p;
    }
    json_decref(got);
    json_decref(exp);
    free(out);
    kb_pagetext_release(&pt);
    free(text);
}

/* Line ends, a BOM, blank lines and trailing spaces do not change the reference result. */
static void test_reference_transformed(void **state)
{
    SHARED_OR_SKIP(text, len, "trt-article.txt");
    struct kb_page_text pt;
    parse_ok(text, len, &pt);
    char *plain = to_json(&pt);
    kb_pagetext_release(&pt);

    const struct xform xs[] = {
        {.eol = "\r\n"},
        {.eol = "\r"},
        {.eol = "\n", .bom = true},
        {.eol = "\n", .blanks = 3},
        {.eol = "\n", .tail = "  \t"},
        {.eol = "\r\n", .bom = true, .blanks = 2, .tail = " \xC2\xA0"},
    };
    for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
        char *t = transform(text, &xs[i]);
        parse_ok(t, strlen(t), &pt);
        char *got = to_json(&pt);
        if (strcmp(got, plain) != 0)
            fail_msg("transform %zu changed the result:\n%s", i, got);
        free(got);
        kb_pagetext_release(&pt);
        free(t);
    }
    free(plain);
    free(text);
}

static bool in_body(const struct kb_page_text *pt, const char *s)
{
    for (size_t i = 0; i < pt->nblocks; i++)
        if (strstr(pt->blocks[i].text, s))
            return true;
    return false;
}

static void test_reference_discover_not_body(void **state)
{
    SHARED_OR_SKIP(text, len, "trt-article.txt");
    struct kb_page_text pt;
    parse_ok(text, len, &pt);
    struct kb_article a;
    kb_article_init(&a);
    struct kb_diag d;
    assert_int_equal(kb_pagetext_to_article(&pt, "politics", 180, &a, &d), 0);
    assert_true(pt.ndiscover > 0);
    for (size_t i = 0; i < pt.ndiscover; i++) {
        assert_false(in_body(&pt, pt.discover[i]));
        assert_null(strstr(a.body_html, pt.discover[i]));
    }
    assert_false(in_body(&pt, "اكتشف"));
    assert_false(in_body(&pt, "مصدر:"));
    assert_false(in_body(&pt, pt.lede));
    assert_false(in_body(&pt, "صورة:"));
    kb_article_release(&a);
    kb_pagetext_release(&pt);
    free(text);
}

static void test_reference_to_article(void **state)
{
    SHARED_OR_SKIP(text, len, "trt-article.txt");
    struct kb_page_text pt;
    parse_ok(text, len, &pt);
    struct kb_article a;
    kb_article_init(&a);
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_pagetext_to_article(&pt, "politics", 180, &a, &d);
    if (rc)
        fail_msg("to_article: %s", d.msg);

    assert_int_equal(a.status, KB_STATUS_PUBLISHED);
    assert_string_equal(a.section.slug, "politics");
    assert_string_equal(a.section.name, "سياسة");
    assert_string_equal(a.headline, pt.headline);
    assert_string_equal(a.lede, pt.lede);
    assert_string_equal(a.source, "TRT عربي - وكالات");
    assert_string_equal(a.language, "ar");
    assert_string_equal(a.image.alt, pt.headline);
    assert_string_equal(a.image.caption, pt.image_caption);
    assert_string_equal(a.image.credit, "AA");
    assert_string_equal(a.image.copyright, "AA");
    assert_null(a.image.src);
    /* 2024-11-13T00:00:00+03:00 */
    assert_int_equal(a.published, 1731445200);
    assert_int_equal(a.published_offset, 180);
    /* The page's "3 دقيقة" is not copied: kb_article_compute does it. */
    assert_int_equal(a.reading_minutes, 0);

    assert_int_equal(count(a.body_html, "<p>"), 11);
    assert_int_equal(count(a.body_html, "</p>"), 11);
    assert_int_equal(count(a.body_html, "<h2>"), 1);
    assert_non_null(strstr(a.body_html, "\n<h2>روسيا لا يمكنها الانتصار</h2>\n<p>"));
    assert_int_equal(strncmp(a.body_html, "<p>جاء ذلك", strlen("<p>جاء ذلك")), 0);
    assert_int_equal(count(a.body_html, "\n"), 11);
    /* Quotes in the text are escaped. */
    assert_null(strstr(a.body_html, "\"الناتو\""));
    assert_non_null(strstr(a.body_html, "&quot;"));

    kb_article_release(&a);
    kb_pagetext_release(&pt);
    free(text);
}

/* ---- variants, on our own page -------------------------------------------------------- */

static void test_own_full(void **state)
{
    struct spec s = own_spec();
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    assert_string_equal(pt.section, "اقتصاد");
    assert_int_equal(pt.reading_minutes, 4);
    assert_string_equal(pt.headline, OWN_HEADLINE);
    assert_string_equal(pt.lede, OWN_LEDE);
    assert_true(pt.has_image);
    assert_string_equal(pt.image_alt, OWN_HEADLINE);
    assert_string_equal(pt.image_caption, "مزارعون يعرضون الخضار في السوق الجديدة.");
    assert_string_equal(pt.image_credit, "وكالة المدينة");
    assert_string_equal(pt.image_copyright, "أرشيف البلدية");
    check_date(&pt, 2024, 11, 13, "13 نوفمبر 2024");
    check_own_body(&pt);
    assert_string_equal(pt.source, "وكالة المدينة");
    assert_int_equal(pt.ndiscover, 2);
    assert_string_equal(pt.discover[0], own_discover[0]);
    assert_string_equal(pt.discover[1], own_discover[1]);
    kb_pagetext_release(&pt);
}

static void test_no_reading_time(void **state)
{
    struct spec s = own_spec();
    s.rt = NULL;
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    assert_int_equal(pt.reading_minutes, 0);
    assert_string_equal(pt.section, "اقتصاد");
    assert_string_equal(pt.headline, OWN_HEADLINE);
    assert_string_equal(pt.lede, OWN_LEDE);
    check_own_body(&pt);
    char *j = to_json(&pt);
    assert_non_null(strstr(j, "\"reading_minutes\": null"));
    free(j);
    kb_pagetext_release(&pt);
}

static void test_reading_time_forms(void **state)
{
    const struct {
        const char *line;
        int minutes;
    } cases[] = {
        {"3 دقيقة قراءة", 3},      {"٣ دقائق قراءة", 3},   {"۷ دقائق قراءة", 7},
        {"دقيقتان قراءة", 2},      {"2 دقيقتان قراءة", 2}, {"دقيقة واحدة قراءة", 1},
        {"١٢ دقيقة قراءة", 12},    {"5 min read", 5},      {"1 Minute read", 1},
        {"11  دقيقة   قراءة", 11},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct spec s = own_spec();
        s.rt = cases[i].line;
        struct kb_page_text pt;
        parse_spec(&s, &pt);
        if (pt.reading_minutes != cases[i].minutes)
            fail_msg("\"%s\": got %d minutes", cases[i].line, pt.reading_minutes);
        assert_string_equal(pt.headline, OWN_HEADLINE);
        kb_pagetext_release(&pt);
    }
}

static void test_no_image(void **state)
{
    struct spec s = own_spec();
    s.alt = s.caption = NULL;
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    assert_false(pt.has_image);
    assert_null(pt.image_alt);
    assert_null(pt.image_caption);
    assert_string_equal(pt.lede, OWN_LEDE);
    check_date(&pt, 2024, 11, 13, "13 نوفمبر 2024");
    check_own_body(&pt);
    char *j = to_json(&pt);
    assert_non_null(strstr(j, "\"image\": null"));
    free(j);
    kb_pagetext_release(&pt);
}

static void test_caption_without_alt(void **state)
{
    struct spec s = own_spec();
    s.alt = NULL;
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    assert_true(pt.has_image);
    assert_null(pt.image_alt);
    assert_string_equal(pt.lede, OWN_LEDE);
    assert_string_equal(pt.image_caption, "مزارعون يعرضون الخضار في السوق الجديدة.");
    assert_string_equal(pt.image_credit, "وكالة المدينة");
    assert_string_equal(pt.image_copyright, "أرشيف البلدية");
    check_own_body(&pt);
    kb_pagetext_release(&pt);
}

static void test_alt_without_caption(void **state)
{
    struct spec s = own_spec();
    s.caption = NULL;
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    assert_true(pt.has_image);
    assert_string_equal(pt.image_alt, OWN_HEADLINE);
    assert_null(pt.image_caption);
    assert_null(pt.image_credit);
    check_own_body(&pt);
    kb_pagetext_release(&pt);
}

/* The alt line matches the headline after whitespace is normalized. */
static void test_alt_whitespace(void **state)
{
    struct spec s = own_spec();
    s.alt = "افتتاح سوق   جديدة للمزارعين\tفي وسط المدينة";
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    assert_true(pt.has_image);
    assert_non_null(pt.image_alt);
    assert_string_equal(pt.image_caption, "مزارعون يعرضون الخضار في السوق الجديدة.");
    check_own_body(&pt);
    kb_pagetext_release(&pt);
}

static void test_caption_forms(void **state)
{
    const struct {
        const char *line, *caption, *credit, *copyright;
    } cases[] = {
        {"سوق الخضار صباحاً. / تصوير: سامي / الوكالة", "سوق الخضار صباحاً.", "سامي", "الوكالة"},
        {"سوق الخضار صباحاً / الصورة: سامي", "سوق الخضار صباحاً", "سامي", NULL},
        {"Market stalls in the morning. / Photo: Sami / Agency", "Market stalls in the morning.",
         "Sami", "Agency"},
        {"سوق الخضار صباحاً. / صورة:سامي", "سوق الخضار صباحاً.", "سامي", NULL},
        {"صورة: سامي / الوكالة", NULL, "سامي", "الوكالة"},
        {"سوق الخضار صباحاً بلا نسبة", "سوق الخضار صباحاً بلا نسبة", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct spec s = own_spec();
        s.caption = cases[i].line;
        struct kb_page_text pt;
        parse_spec(&s, &pt);
        assert_true(pt.has_image);
        if (cases[i].caption)
            assert_string_equal(pt.image_caption, cases[i].caption);
        else
            assert_null(pt.image_caption);
        if (cases[i].credit)
            assert_string_equal(pt.image_credit, cases[i].credit);
        else
            assert_null(pt.image_credit);
        if (cases[i].copyright)
            assert_string_equal(pt.image_copyright, cases[i].copyright);
        else
            assert_null(pt.image_copyright);
        check_own_body(&pt);
        kb_pagetext_release(&pt);
    }
}

static void test_date_styles(void **state)
{
    const char *dates[] = {
        "13 تشرين الثاني 2024", "13 نوفمبر/تشرين الثاني 2024", "١٣ نوفمبر ٢٠٢٤",
        "١٣ تشرين الثاني ٢٠٢٤", "الأربعاء، 13 نوفمبر 2024",
    };
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
        struct spec s = own_spec();
        s.date = dates[i];
        struct kb_page_text pt;
        parse_spec(&s, &pt);
        check_date(&pt, 2024, 11, 13, dates[i]);
        check_own_body(&pt);
        char *j = to_json(&pt);
        assert_non_null(strstr(j, "\"published_date\": \"2024-11-13\""));
        free(j);
        kb_pagetext_release(&pt);
    }
}

static void test_own_transformed(void **state)
{
    struct spec s = own_spec();
    char *text = build(&s);
    struct kb_page_text pt;
    parse_ok(text, strlen(text), &pt);
    char *plain = to_json(&pt);
    kb_pagetext_release(&pt);
    const struct xform xs[] = {
        {.eol = "\r\n"},
        {.eol = "\n", .bom = true},
        {.eol = "\n", .blanks = 2},
        {.eol = "\n", .tail = "   "},
        {.eol = "\r\n", .bom = true, .blanks = 1, .tail = "\t "},
    };
    for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
        char *t = transform(text, &xs[i]);
        parse_ok(t, strlen(t), &pt);
        char *got = to_json(&pt);
        if (strcmp(got, plain) != 0)
            fail_msg("transform %zu changed the result:\n%s", i, got);
        check_own_body(&pt);
        free(got);
        kb_pagetext_release(&pt);
        free(t);
    }
    free(plain);
    free(text);
}

static void test_no_source(void **state)
{
    struct spec s = own_spec();
    s.source = NULL;
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    assert_null(pt.source);
    check_own_body(&pt);
    assert_int_equal(pt.ndiscover, 2);
    char *j = to_json(&pt);
    assert_non_null(strstr(j, "\"source\": null"));
    free(j);
    kb_pagetext_release(&pt);
}

static void test_no_discover(void **state)
{
    struct spec s = own_spec();
    s.discover_heading = NULL;
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    assert_string_equal(pt.source, "وكالة المدينة");
    assert_int_equal(pt.ndiscover, 0);
    check_own_body(&pt);
    char *j = to_json(&pt);
    assert_non_null(strstr(j, "\"discover\": []"));
    free(j);
    kb_pagetext_release(&pt);
}

static void test_no_source_no_discover(void **state)
{
    struct spec s = own_spec();
    s.source = NULL;
    s.discover_heading = NULL;
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    assert_null(pt.source);
    assert_int_equal(pt.ndiscover, 0);
    check_own_body(&pt);
    kb_pagetext_release(&pt);
}

static void test_source_forms(void **state)
{
    const char *forms[] = {"مصدر:وكالة المدينة", "مصدر: وكالة المدينة", "المصدر:وكالة المدينة",
                           "المصدر: وكالة المدينة", "المصدر : وكالة المدينة"};
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        struct spec s = own_spec();
        s.source = forms[i];
        struct kb_page_text pt;
        parse_spec(&s, &pt);
        assert_string_equal(pt.source, "وكالة المدينة");
        check_own_body(&pt);
        assert_int_equal(pt.ndiscover, 2);
        kb_pagetext_release(&pt);
    }
}

static void test_discover_never_body(void **state)
{
    struct spec s = own_spec();
    s.source = NULL; /* the rail heading alone must end the body */
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    check_own_body(&pt);
    for (size_t i = 0; i < 2; i++)
        assert_false(in_body(&pt, own_discover[i]));
    assert_false(in_body(&pt, "اكتشف"));
    struct kb_article a;
    kb_article_init(&a);
    struct kb_diag d;
    assert_int_equal(kb_pagetext_to_article(&pt, "economy", 0, &a, &d), 0);
    for (size_t i = 0; i < 2; i++)
        assert_null(strstr(a.body_html, own_discover[i]));
    kb_article_release(&a);
    kb_pagetext_release(&pt);
}

static void test_subheading_rule(void **state)
{
    static const char *const body[] = {
        "عنوان فرعي قصير",        /* h2 */
        "سؤال قصير في سطر وحده؟", /* p: ends with ؟ */
        "قال الوزير:",            /* p: ends with : */
        "«جملة مقتبسة قصيرة»",    /* p: ends with » */
        "واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة أحد عشر اثنا عشر ثلاثة عشر",
        "واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة إحدى عشرة", /* 12 words: h2 */
        "سطر أخير قصير", /* p: the last body line */
    };
    const enum kb_block_type want[] = {KB_BLOCK_H2, KB_BLOCK_P,  KB_BLOCK_P, KB_BLOCK_P,
                                       KB_BLOCK_P,  KB_BLOCK_H2, KB_BLOCK_P};
    struct spec s = own_spec();
    s.body = body;
    s.nbody = sizeof(body) / sizeof(body[0]);
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    assert_int_equal(pt.nblocks, s.nbody);
    for (size_t i = 0; i < s.nbody; i++)
        if (pt.blocks[i].type != want[i])
            fail_msg("body line %zu (%s): wrong type", i, body[i]);
    kb_pagetext_release(&pt);
}

static void test_to_article_escapes(void **state)
{
    static const char *const body[] = {"نص فيه <script>alert(1)</script> & \"علامات\"."};
    struct spec s = own_spec();
    s.body = body;
    s.nbody = 1;
    s.headline = s.alt = "Council opens a farmers' market";
    s.date = "١٣ نوفمبر ٢٠٢٤";
    struct kb_page_text pt;
    parse_spec(&s, &pt);
    struct kb_article a;
    kb_article_init(&a);
    struct kb_diag d;
    assert_int_equal(kb_pagetext_to_article(&pt, "economy", 0, &a, &d), 0);
    assert_string_equal(a.body_html, "<p>نص فيه &lt;script&gt;alert(1)&lt;/script&gt; &amp; "
                                     "&quot;علامات&quot;.</p>");
    assert_string_equal(a.language, "en");
    assert_int_equal(a.published, 1731456000); /* 2024-11-13T00:00:00Z */
    assert_string_equal(a.section.slug, "economy");
    kb_article_release(&a);

    /* No section slug: refused, the article untouched. */
    kb_article_init(&a);
    kb_diag_clear(&d);
    assert_int_equal(kb_pagetext_to_article(&pt, NULL, 0, &a, &d), KB_EINVAL);
    assert_null(a.headline);
    kb_article_release(&a);
    kb_pagetext_release(&pt);
}

/* ---- refusals --------------------------------------------------------------------------- */

static void test_refuse_empty(void **state)
{
    parse_fails("", 0, KB_EINVAL, 1, "empty file: no headline");
    parse_fails("\n\n  \r\n\t\n", 7, KB_EINVAL, 1, "empty file: no headline");
    parse_fails("\xEF\xBB\xBF", 3, KB_EINVAL, 1, "empty file: no headline");
}

static void test_refuse_binary(void **state)
{
    struct spec s = own_spec();
    char *text = build(&s);
    size_t n = strlen(text);
    /* A NUL byte in the lede (line 4). */
    char *bin = malloc(n);
    memcpy(bin, text, n);
    char *lede = strstr(bin, OWN_LEDE);
    lede[6] = '\0';
    parse_fails(bin, n, KB_EINVAL, 4, "line 4: NUL byte");
    /* An invalid UTF-8 byte in the date line (line 7). */
    memcpy(bin, text, n);
    char *date = strstr(bin, "13 نوفمبر");
    date[3] = (char)0xFF;
    parse_fails(bin, n, KB_EINVAL, 7, "line 7: invalid UTF-8");
    /* A truncated sequence at the very end. */
    memcpy(bin, text, n);
    parse_fails(bin, n - 2, KB_EINVAL, 15, "line 15: invalid UTF-8");
    /* A control character. */
    memcpy(bin, text, n);
    bin[0] = 0x01;
    parse_fails(bin, n, KB_EINVAL, 1, "control character");
    /* Latin-1, as an old dump might be. */
    parse_fails("Politique\nL'\xE9t\xE9 chaud\n", 22, KB_EINVAL, 2, "line 2: invalid UTF-8");
    free(bin);
    free(text);
}

static void test_refuse_no_headline(void **state)
{
    parse_fails("سياسة\n", strlen("سياسة\n"), KB_EINVAL, 1, "no headline");
    parse_fails("سياسة\n3 دقيقة قراءة\n\n", strlen("سياسة\n3 دقيقة قراءة\n\n"), KB_EINVAL, 2,
                "no headline");
    const char *t = "سياسة\n13 نوفمبر 2024\nنص الخبر.\n";
    parse_fails(t, strlen(t), KB_EINVAL, 2, "line 2: no headline");
}

static void test_refuse_no_date(void **state)
{
    struct spec s = own_spec();
    s.date = NULL;
    char *text = build(&s);
    /* After the caption (line 6) comes a paragraph on line 7. */
    parse_fails(text, strlen(text), KB_EINVAL, 7,
                "line 7: expected the publication date, found \"قالت البلدية");
    free(text);

    s = own_spec();
    s.alt = s.caption = s.date = NULL;
    text = build(&s);
    parse_fails(text, strlen(text), KB_EINVAL, 5, "line 5: expected the publication date");
    free(text);

    /* The page stops after the lede. */
    const char *t = "سياسة\nعنوان الخبر\nمقدمة الخبر في جملة.\n";
    parse_fails(t, strlen(t), KB_EINVAL, 3, "expected the publication date");
    /* A date that is not one. */
    t = "سياسة\nعنوان الخبر\nمقدمة الخبر في جملة.\n45 نوفمبر 2024\nنص.\n";
    parse_fails(t, strlen(t), KB_EINVAL, 4, "line 4: expected the publication date");
}

static void test_refuse_no_body(void **state)
{
    struct spec s = own_spec();
    s.nbody = 0;
    s.source = NULL;
    s.discover_heading = NULL;
    char *text = build(&s);
    parse_fails(text, strlen(text), KB_EINVAL, 7, "no body");
    free(text);

    s.source = "مصدر:وكالة المدينة";
    text = build(&s);
    parse_fails(text, strlen(text), KB_EINVAL, 8, "line 8: no body");
    free(text);

    s.source = NULL;
    s.discover_heading = "اكتشف";
    text = build(&s);
    parse_fails(text, strlen(text), KB_EINVAL, 8, "line 8: no body");
    free(text);
}

static void test_refuse_section(void **state)
{
    const char *t = "هذا سطر طويل جداً لا يمكن أن يكون اسم قسم في موقع إخباري\nعنوان\nمقدمة.\n"
                    "13 نوفمبر 2024\nنص.\n";
    parse_fails(t, strlen(t), KB_EINVAL, 1, "line 1: expected the section name");
}

static void test_refuse_too_big(void **state)
{
    size_t n = KB_PAGETEXT_MAX + 1;
    char *big = malloc(n);
    memset(big, 'a', n);
    for (size_t i = 100; i < n; i += 100)
        big[i] = '\n';
    struct kb_diag d;
    struct kb_page_text pt;
    memset(&pt, 0, sizeof(pt));
    kb_diag_clear(&d);
    assert_int_equal(kb_pagetext_parse(big, n, &pt, &d), KB_ETOOBIG);
    assert_true(d.line > 1);
    assert_non_null(strstr(d.msg, "longer than the page-text limit"));
    assert_null(pt.headline);
    free(big);
}

static void test_refuse_long_line(void **state)
{
    struct kb_buf b;
    kb_buf_init(&b, 0);
    kb_buf_adds(&b, "سياسة\nعنوان الخبر\nمقدمة.\n13 نوفمبر 2024\n");
    for (size_t i = 0; i < KB_PAGETEXT_MAX_LINE / 10 + 1; i++)
        kb_buf_adds(&b, "كلمة كلم ");
    kb_buf_adds(&b, "\n");
    parse_fails(kb_buf_cstr(&b), b.n, KB_ETOOBIG, 5, "line 5: line is");
    kb_buf_release(&b);
}

static void test_refuse_long_headline(void **state)
{
    struct kb_buf b;
    kb_buf_init(&b, 0);
    kb_buf_adds(&b, "سياسة\n");
    for (size_t i = 0; i < 100; i++)
        kb_buf_adds(&b, "كلمة ");
    kb_buf_adds(&b, "\nمقدمة.\n13 نوفمبر 2024\nنص.\n");
    parse_fails(kb_buf_cstr(&b), b.n, KB_ETOOBIG, 2, "headline is");
    kb_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_fields),
        cmocka_unit_test(test_reference_json),
        cmocka_unit_test(test_reference_transformed),
        cmocka_unit_test(test_reference_discover_not_body),
        cmocka_unit_test(test_reference_to_article),
        cmocka_unit_test(test_own_full),
        cmocka_unit_test(test_no_reading_time),
        cmocka_unit_test(test_reading_time_forms),
        cmocka_unit_test(test_no_image),
        cmocka_unit_test(test_caption_without_alt),
        cmocka_unit_test(test_alt_without_caption),
        cmocka_unit_test(test_alt_whitespace),
        cmocka_unit_test(test_caption_forms),
        cmocka_unit_test(test_date_styles),
        cmocka_unit_test(test_own_transformed),
        cmocka_unit_test(test_no_source),
        cmocka_unit_test(test_no_discover),
        cmocka_unit_test(test_no_source_no_discover),
        cmocka_unit_test(test_source_forms),
        cmocka_unit_test(test_discover_never_body),
        cmocka_unit_test(test_subheading_rule),
        cmocka_unit_test(test_to_article_escapes),
        cmocka_unit_test(test_refuse_empty),
        cmocka_unit_test(test_refuse_binary),
        cmocka_unit_test(test_refuse_no_headline),
        cmocka_unit_test(test_refuse_no_date),
        cmocka_unit_test(test_refuse_no_body),
        cmocka_unit_test(test_refuse_section),
        cmocka_unit_test(test_refuse_too_big),
        cmocka_unit_test(test_refuse_long_line),
        cmocka_unit_test(test_refuse_long_headline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
