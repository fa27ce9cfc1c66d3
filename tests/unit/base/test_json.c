/*
 * test_json.c — the JSON writer: nesting, commas, escaping, invalid UTF-8, depth cap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "khabar/json.h"

static void test_nesting(void **state)
{
    struct kb_buf b;
    struct kb_json j;
    kb_buf_init(&b, 0);
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_json_obj(&j);
    kb_json_key(&j, "id");
    kb_json_int(&j, -7);
    kb_json_key(&j, "tags");
    kb_json_arr(&j);
    kb_json_strc(&j, "أ");
    kb_json_strc(&j, NULL);
    kb_json_end(&j);
    kb_json_key(&j, "e");
    kb_json_obj(&j);
    kb_json_end(&j);
    kb_json_key(&j, "ok");
    kb_json_bool(&j, true);
    kb_json_end(&j);
    assert_int_equal(kb_buf_err(&b), 0);
    assert_string_equal(kb_buf_cstr(&b), "{\"id\":-7,\"tags\":[\"أ\",null],\"e\":{},\"ok\":true}");
    kb_buf_release(&b);
}

static void test_escaping(void **state)
{
    struct kb_buf b;
    kb_buf_init(&b, 0);
    const char in[] = "a\"b\\c\n\x01\xff\xe2\x80\xa8z";
    kb_buf_add_json(&b, in, sizeof(in) - 1);
    assert_string_equal(kb_buf_cstr(&b), "a\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\\u2028z");
    kb_buf_release(&b);
}

static void test_pretty(void **state)
{
    struct kb_buf b;
    struct kb_json j;
    kb_buf_init(&b, 0);
    kb_json_init(&j, &b, KB_JSON_PRETTY);
    kb_json_obj(&j);
    kb_json_key(&j, "a");
    kb_json_arr(&j);
    kb_json_int(&j, 1);
    kb_json_int(&j, 2);
    kb_json_end(&j);
    kb_json_end(&j);
    assert_string_equal(kb_buf_cstr(&b), "{\n \"a\": [\n  1,\n  2\n ]\n}");
    kb_buf_release(&b);
}

static void test_depth_cap(void **state)
{
    struct kb_buf b;
    struct kb_json j;
    kb_buf_init(&b, 0);
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    for (int i = 0; i < KB_JSON_MAX_DEPTH + 1; i++)
        kb_json_arr(&j);
    assert_int_equal(kb_buf_err(&b), KB_ETOOBIG);
    kb_buf_release(&b);
}

static void test_buf_cap(void **state)
{
    struct kb_buf b;
    kb_buf_init(&b, 8);
    kb_buf_adds(&b, "12345");
    kb_buf_adds(&b, "6789");
    assert_int_equal(kb_buf_err(&b), KB_ETOOBIG);
    kb_buf_adds(&b, "x");
    assert_string_equal(kb_buf_cstr(&b), "12345");
    assert_null(kb_buf_detach(&b, NULL));
    kb_buf_init(&b, 0);
    kb_buf_add_html(&b, "<a href=\"x\">&'</a>", 18);
    assert_string_equal(kb_buf_cstr(&b), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    kb_buf_reset(&b);
    kb_buf_add_urlpath(&b, "سياسة a/b", strlen("سياسة a/b"));
    assert_string_equal(kb_buf_cstr(&b), "%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9%20a%2Fb");
    kb_buf_release(&b);
}

static void test_trim(void **state)
{
    struct kb_str s = kb_str_trim(kb_str_c("\xEF\xBB\xBF  نص \xC2\xA0\r\n"));
    assert_int_equal(s.n, strlen("نص"));
    assert_memory_equal(s.p, "نص", s.n);
    s = kb_str_trim(kb_str_c("   "));
    assert_int_equal(s.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nesting),   cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_pretty),    cmocka_unit_test(test_depth_cap),
        cmocka_unit_test(test_buf_cap),   cmocka_unit_test(test_trim),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
