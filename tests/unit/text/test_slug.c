/*
 * test_slug.c — URL slugs from headlines: what is kept, deleted and separated, the length
 * cut at a word boundary, and that a slug is valid UTF-8 and its own slug.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/text.h"
#include "khabar/utf8.h"

static char *slug(const char *s, size_t n)
{
    struct kb_buf b;
    kb_buf_init(&b, 4096);
    kb_slug_make(&b, s, n);
    assert_int_equal(kb_buf_err(&b), 0);
    char *r = kb_buf_detach(&b, NULL);
    return r ? r : strdup("");
}

/* The properties every slug has. */
static void check_slug(const char *in, size_t n, const char *got)
{
    size_t len = strlen(got);
    assert_true(kb_utf8_valid(got, len));
    assert_true(kb_utf8_count(got, len) <= KB_SLUG_MAX_CHARS);
    if (len) {
        assert_true(got[0] != '-');
        assert_true(got[len - 1] != '-');
        assert_null(strstr(got, "--"));
    }
    char *again = slug(got, len);
    if (strcmp(again, got) != 0)
        fail_msg("not idempotent for \"%.*s\": \"%s\" then \"%s\"", (int)n, in, got, again);
    free(again);
}

static void test_table(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"الولايات المتحدة وحلف الناتو يدعوان إلى مواصلة الدعم لأوكرانيا",
         "الولايات-المتحدة-وحلف-الناتو-يدعوان-إلى-مواصلة-الدعم-لأوكرانيا"},
        {"الْحُكُومَةُ الجديدة", "الحكومة-الجديدة"}, /* harakat removed */
        {"مـــرحبا بكم", "مرحبا-بكم"},          /* tatweel removed */
        {"Hello, World!", "hello-world"},
        {"TRT عربي - وكالات", "trt-عربي-وكالات"},
        {"قمة ٢٠٢٤ في الرياض", "قمة-2024-في-الرياض"}, /* Arabic-Indic digits */
        {"عام ۱۴۰۳", "عام-1403"},                     /* Persian digits */
        {"  --Hello--  ", "hello"},
        {"Trump's win", "trumps-win"},
        {"Trump\u2019s win", "trumps-win"},
        {"!!! ؟؟ ...", ""},
        {"", ""},
        {"خبر، عاجل؛ اليوم؟", "خبر-عاجل-اليوم"},
        {"\u200fخبر\u200f عاجل", "خبر-عاجل"}, /* format marks removed */
        {"می\u200cخواهم", "میخواهم"},         /* ZWNJ removed, not a break */
        {"\xef\xbb\xbb", "لا"},               /* U+FEFB lam-alef ligature */
        {"\xef\xbb\xb7", "لأ"},               /* U+FEF7, hamza kept */
        {"ＡＢＣ １２", "abc-12"},            /* full-width */
        {"\xef\xac\x81le", "file"},           /* U+FB01 fi ligature */
        {"Café Olé", "café-olé"},
        {"Cafe\xcc\x81", "café"},           /* decomposed = precomposed */
        {"e\xcc\x82\xcc\x81", "ế"},         /* two marks compose in turn */
        {"\xd8\xa7\xd9\x94\xd9\x86", "أن"}, /* alef + hamza above = أ */
        {"a\xd9\x8e b", "a-b"},             /* a mark that composes nothing */
        {"Привет мир news", "news"},        /* other scripts separate */
        {"日本 news", "news"},
        {"abc\xff"
         "def",
         "abc-def"}, /* invalid UTF-8 separates */
        {"a_b/c.d", "a-b-c-d"},
        {"2024: عام الانتخابات", "2024-عام-الانتخابات"},
        {"ÀÉÎ", "àéî"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = slug(cases[i].in, strlen(cases[i].in));
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("slug(\"%s\") = \"%s\", want \"%s\"", cases[i].in, got, cases[i].want);
        check_slug(cases[i].in, strlen(cases[i].in), got);
        free(got);
    }
    char *n = slug(NULL, 10);
    assert_string_equal(n, "");
    free(n);
}

static void test_length_cut(void **state)
{
    char in[2048];
    /* 20 four-letter Arabic words: 16 fit (16*4 + 15 dashes = 79), the 17th would not. */
    in[0] = '\0';
    for (int i = 0; i < 20; i++)
        strcat(in, "كلمة ");
    char *got = slug(in, strlen(in));
    assert_int_equal(kb_utf8_count(got, strlen(got)), 79);
    assert_true(strlen(got) > 8 && strcmp(got + strlen(got) - 8, "كلمة") == 0);
    check_slug(in, strlen(in), got);
    free(got);

    /* Exactly 80: kept whole.  81: cut back to the first word. */
    memset(in, 'a', 40);
    in[40] = ' ';
    memset(in + 41, 'b', 39);
    in[80] = '\0';
    got = slug(in, strlen(in));
    assert_int_equal(strlen(got), 80);
    assert_int_equal(got[40], '-');
    free(got);
    memset(in + 41, 'b', 40);
    in[81] = '\0';
    got = slug(in, strlen(in));
    assert_int_equal(strlen(got), 40);
    assert_null(strchr(got, 'b'));
    check_slug(in, strlen(in), got);
    free(got);

    /* One word longer than the cap: cut inside it. */
    memset(in, 'x', 200);
    in[200] = '\0';
    got = slug(in, strlen(in));
    assert_int_equal(strlen(got), 80);
    check_slug(in, strlen(in), got);
    free(got);

    /* A cut never happens at a separator with a word after it counted in. */
    memset(in, 'a', 79);
    strcpy(in + 79, " b c");
    got = slug(in, strlen(in));
    assert_int_equal(strlen(got), 79);
    free(got);
}

static void test_appends(void **state)
{
    struct kb_buf b;
    kb_buf_init(&b, 1024);
    kb_buf_adds(&b, "/politics/");
    kb_slug_make(&b, "خبر عاجل", strlen("خبر عاجل"));
    assert_string_equal(kb_buf_cstr(&b), "/politics/خبر-عاجل");
    kb_buf_release(&b);
}

/* Every byte value and every two-byte prefix of Arabic: valid and idempotent. */
static void test_arbitrary_bytes(void **state)
{
    unsigned char in[64];
    uint32_t x = 12345;
    for (int round = 0; round < 2000; round++) {
        size_t n = (size_t)(round % 64);
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            unsigned char c = (unsigned char)(x >> 16);
            in[i] = round % 2 ? c : (unsigned char)(i % 2 ? 0x80 + c % 64 : 0xD8 + c % 4);
        }
        char *got = slug((const char *)in, n);
        check_slug((const char *)in, n, got);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_length_cut),
        cmocka_unit_test(test_appends),
        cmocka_unit_test(test_arbitrary_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
