/*
 * test_readtime.c — word counts (text and HTML), speeds per language, minutes, and the
 * reading-time label with Arabic grammatical number for every ICU plural category; the
 * reference article must read in 3 minutes, "3 دقائق قراءة".
 *
 * The reference article is read from $KB_SHARED/fixtures/trt-article.expected.json with
 * jansson; when ../shared is missing the test says so and skips.
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
#include "khabar/text.h"

static char *label(int minutes, const char *lang, bool arabic_digits)
{
    struct kb_buf b;
    kb_buf_init(&b, 1024);
    kb_readtime_format(&b, minutes, lang, arabic_digits);
    assert_int_equal(kb_buf_err(&b), 0);
    return kb_buf_detach(&b, NULL);
}

static void test_words_text(void **state)
{
    static const struct {
        const char *in;
        size_t words;
    } cases[] = {
        {"", 0},
        {"   ، . ! ", 0},
        {"كلمة", 1},
        {"الْحُكُومَةُ الجديدة", 2}, /* harakat do not split a word */
        {"مـــرحبا بكم", 2},    /* nor does tatweel */
        {"مي\u200cخواهم", 1},   /* nor a zero-width non-joiner */
        {"hello world", 2},
        {"don't stop", 2}, /* an apostrophe between letters joins */
        {"rock 'n' roll", 3},
        {"3 دقائق قراءة", 3}, /* digits are words */
        {"٢٠٢٤ عام", 2},
        {"a-b c_d", 4},
        {"وزير الخارجية، أنتوني بلينكن.", 4},
        {"word\xff\xfeword", 2},     /* invalid bytes separate, never fail */
        {"cafe\xcc\x81 au lait", 3}, /* a combining accent continues its word */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t got = kb_readtime_words(cases[i].in, strlen(cases[i].in));
        if (got != cases[i].words)
            fail_msg("words(\"%s\") = %zu, want %zu", cases[i].in, got, cases[i].words);
    }
    assert_int_equal(kb_readtime_words(NULL, 5), 0);
}

static void test_words_html(void **state)
{
    static const struct {
        const char *in;
        size_t words;
    } cases[] = {
        {"<p>a</p><p>b</p>", 2},             /* block tags separate */
        {"<p>كل<strong>مة</strong></p>", 1}, /* inline tags do not */
        {"a<br>b", 2},
        {"a&amp;b", 2},
        {"caf&#233; &#x627;&#x644;", 2}, /* numeric references are text */
        {"a&nbsp;b", 2},
        {"x&unknown;y", 2},
        {"AT&T", 2}, /* a bare '&' is just text */
        {"<a href=\"one two > three\">link</a>", 1},
        {"<script>var a = 1;</script><p>one</p>", 1},
        {"<style>p { color: red }</style>one", 1},
        {"<!-- two words -->one", 1},
        {"1 < 2", 2},
        {"<p", 0},
        {"<h2>روسيا لا يمكنها الانتصار</h2><p>مِن ناحيته</p>", 6},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t got = kb_readtime_words_html(cases[i].in, strlen(cases[i].in));
        if (got != cases[i].words)
            fail_msg("words_html(\"%s\") = %zu, want %zu", cases[i].in, got, cases[i].words);
    }
}

static void test_wpm(void **state)
{
    assert_int_equal(kb_readtime_wpm("ar"), 180);
    assert_int_equal(kb_readtime_wpm("ar-EG"), 180);
    assert_int_equal(kb_readtime_wpm("AR_sa"), 180);
    assert_int_equal(kb_readtime_wpm(NULL), 180);
    assert_int_equal(kb_readtime_wpm(""), 180);
    assert_int_equal(kb_readtime_wpm("en"), 238);
    assert_int_equal(kb_readtime_wpm("en-GB"), 238);
    assert_int_equal(kb_readtime_wpm("fr"), 184);
    assert_int_equal(kb_readtime_wpm("tr"), 184);

    kb_readtime_set_wpm("fr", 200);
    assert_int_equal(kb_readtime_wpm("fr-CA"), 200);
    kb_readtime_set_wpm("ar", 150);
    assert_int_equal(kb_readtime_wpm("ar"), 150);
    kb_readtime_set_wpm("*", 190);
    assert_int_equal(kb_readtime_wpm("de"), 190);
    kb_readtime_set_wpm("ar", 0); /* ignored */
    assert_int_equal(kb_readtime_wpm("ar"), 150);
    kb_readtime_set_wpm("ar", 180);
    kb_readtime_set_wpm("fr", 184);
    kb_readtime_set_wpm("*", 184);
    assert_int_equal(kb_readtime_wpm("ar"), 180);
    assert_int_equal(kb_readtime_wpm("de"), 184);
}

static void test_minutes(void **state)
{
    static const struct {
        size_t words;
        const char *lang;
        int minutes;
    } cases[] = {
        {0, "ar", 1},   {1, "ar", 1},   {180, "ar", 1},        {181, "ar", 2}, {410, "ar", 3},
        {540, "ar", 3}, {541, "ar", 4}, {410, "en", 2},        {238, "en", 1}, {239, "en", 2},
        {368, "fr", 2}, {369, "fr", 3}, {1000000, "ar", 5556},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int got = kb_readtime_minutes(cases[i].words, cases[i].lang);
        if (got != cases[i].minutes)
            fail_msg("minutes(%zu, %s) = %d, want %d", cases[i].words, cases[i].lang, got,
                     cases[i].minutes);
    }
}

static void test_arabic_plurals(void **state)
{
    static const struct {
        int minutes;
        const char *latin, *arabic;
    } cases[] = {
        {1, "دقيقة واحدة قراءة", "دقيقة واحدة قراءة"}, /* one */
        {2, "دقيقتان قراءة", "دقيقتان قراءة"},         /* two */
        {3, "3 دقائق قراءة", "٣ دقائق قراءة"},         /* few: 3..10 */
        {4, "4 دقائق قراءة", "٤ دقائق قراءة"},
        {5, "5 دقائق قراءة", "٥ دقائق قراءة"},
        {6, "6 دقائق قراءة", "٦ دقائق قراءة"},
        {7, "7 دقائق قراءة", "٧ دقائق قراءة"},
        {8, "8 دقائق قراءة", "٨ دقائق قراءة"},
        {9, "9 دقائق قراءة", "٩ دقائق قراءة"},
        {10, "10 دقائق قراءة", "١٠ دقائق قراءة"},
        {11, "11 دقيقة قراءة", "١١ دقيقة قراءة"}, /* many: 11..99 */
        {12, "12 دقيقة قراءة", "١٢ دقيقة قراءة"},
        {99, "99 دقيقة قراءة", "٩٩ دقيقة قراءة"},
        {100, "100 دقيقة قراءة", "١٠٠ دقيقة قراءة"}, /* other: 100..102 */
        {101, "101 دقيقة قراءة", "١٠١ دقيقة قراءة"},
        {102, "102 دقيقة قراءة", "١٠٢ دقيقة قراءة"},
        {103, "103 دقائق قراءة", "١٠٣ دقائق قراءة"}, /* few again: n % 100 */
        {111, "111 دقيقة قراءة", "١١١ دقيقة قراءة"}, /* many again */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *a = label(cases[i].minutes, "ar", false);
        char *b = label(cases[i].minutes, "ar-EG", true);
        if (strcmp(a, cases[i].latin) != 0)
            fail_msg("%d: got \"%s\", want \"%s\"", cases[i].minutes, a, cases[i].latin);
        if (strcmp(b, cases[i].arabic) != 0)
            fail_msg("%d: got \"%s\", want \"%s\"", cases[i].minutes, b, cases[i].arabic);
        free(a);
        free(b);
    }
    char *z = label(0, NULL, false); /* 0 minutes is shown as one; NULL is Arabic */
    assert_string_equal(z, "دقيقة واحدة قراءة");
    free(z);
}

static void test_english_label(void **state)
{
    char *a = label(1, "en", false), *b = label(3, "en-US", false), *c = label(12, "fr", true);
    assert_string_equal(a, "1 min read");
    assert_string_equal(b, "3 min read");
    assert_string_equal(c, "١٢ min read");
    free(a);
    free(b);
    free(c);
}

static void test_appends(void **state)
{
    struct kb_buf b;
    kb_buf_init(&b, 1024);
    kb_buf_adds(&b, "<span>");
    kb_readtime_format(&b, 3, "ar", false);
    kb_buf_adds(&b, "</span>");
    assert_string_equal(kb_buf_cstr(&b), "<span>3 دقائق قراءة</span>");
    kb_buf_release(&b);
}

/* The reference page: lede + body must read in 3 minutes, labelled grammatically. */
static void test_reference_article(void **state)
{
    const char *shared = getenv("KB_SHARED");
    char path[4096];
    snprintf(path, sizeof(path), "%s/fixtures/trt-article.expected.json",
             shared && *shared ? shared : "../shared");
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("skipped: ../shared not found (%s)\n", path);
        skip();
    }
    fclose(f);
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!root)
        fail_msg("%s:%d: %s", path, err.line, err.text);

    struct kb_buf text, html;
    kb_buf_init(&text, 1 << 20);
    kb_buf_init(&html, 1 << 20);
    const char *lede = json_string_value(json_object_get(root, "lede"));
    assert_non_null(lede);
    kb_buf_adds(&text, lede);
    json_t *body = json_object_get(root, "body");
    assert_true(json_array_size(body) > 5);
    for (size_t i = 0; i < json_array_size(body); i++) {
        json_t *el = json_array_get(body, i);
        const char *type = json_string_value(json_object_get(el, "type"));
        const char *t = json_string_value(json_object_get(el, "text"));
        assert_non_null(type);
        assert_non_null(t);
        kb_buf_addch(&text, '\n');
        kb_buf_adds(&text, t);
        kb_buf_addf(&html, "<%s>", type);
        kb_buf_adds_html(&html, t);
        kb_buf_addf(&html, "</%s>\n", type);
    }
    int want = (int)json_integer_value(json_object_get(root, "reading_minutes"));

    size_t words = kb_readtime_words(text.p, text.n);
    size_t lede_words = kb_readtime_words(lede, strlen(lede));
    size_t html_words = kb_readtime_words_html(html.p, html.n);
    /* arabic.md: about 410 words; the page says 3 minutes. */
    assert_in_range(words, 400, 420);
    assert_int_equal(words, lede_words + html_words);
    int minutes = kb_readtime_minutes(words, "ar");
    assert_int_equal(minutes, 3);
    assert_int_equal(minutes, want);
    char *l = label(minutes, "ar", false);
    assert_string_equal(l, "3 دقائق قراءة");
    free(l);
    kb_buf_release(&text);
    kb_buf_release(&html);
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_text),
        cmocka_unit_test(test_words_html),
        cmocka_unit_test(test_wpm),
        cmocka_unit_test(test_minutes),
        cmocka_unit_test(test_arabic_plurals),
        cmocka_unit_test(test_english_label),
        cmocka_unit_test(test_appends),
        cmocka_unit_test(test_reference_article),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
