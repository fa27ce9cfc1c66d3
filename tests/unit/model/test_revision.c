/*
 * test_revision.c — which fields differ between two articles, the field list round trip,
 * and the paragraph diff (LCS over blocks): reading the ops gives back both bodies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/revision.h"

static void test_fields(void **state)
{
    (void)state;
    struct kb_article a, b;
    kb_article_init(&a);
    kb_article_init(&b);
    kb_set_str(&a.headline, "عنوان");
    kb_set_str(&b.headline, "عنوان");
    kb_set_str(&a.lede, "");
    assert_int_equal(kb_article_diff_fields(&a, &b), 0); /* "" and NULL are the same */
    kb_set_str(&b.headline, "عنوان آخر");
    b.status = KB_STATUS_PUBLISHED;
    kb_set_str(&b.image.caption, "تعليق");
    assert_int_equal(kb_article_diff_fields(&a, &b),
                     KB_FIELD_HEADLINE | KB_FIELD_STATUS | KB_FIELD_IMAGE);
    struct kb_buf csv;
    kb_buf_init(&csv, 256);
    kb_fields_csv(kb_article_diff_fields(&a, &b), &csv);
    assert_string_equal(kb_buf_cstr(&csv), "status,headline,image");
    assert_int_equal(kb_fields_parse(kb_buf_cstr(&csv)),
                     KB_FIELD_HEADLINE | KB_FIELD_STATUS | KB_FIELD_IMAGE);
    assert_int_equal(kb_fields_parse("nonsense,tags"), KB_FIELD_TAGS);
    kb_buf_release(&csv);
    kb_article_release(&a);
    kb_article_release(&b);
}

/* Rebuild a and b from the ops: SAME+DEL give a's blocks, SAME+ADD give b's. */
static void check_diff(const char *a, const char *b, const char *want_ops)
{
    struct kb_diff_op *ops;
    size_t n;
    kb_diff_blocks(a, b, &ops, &n);
    char got[64] = "";
    for (size_t i = 0; i < n && i < sizeof(got) - 1; i++)
        got[i] = "=-+"[ops[i].kind];
    if (strcmp(got, want_ops) != 0)
        fail_msg("diff %s -> %s: ops %s, want %s", a, b, got, want_ops);
    struct kb_buf ra, rb;
    kb_buf_init(&ra, 4096);
    kb_buf_init(&rb, 4096);
    for (size_t i = 0; i < n; i++) {
        if (ops[i].kind != KB_DIFF_ADD)
            kb_buf_add(&ra, ops[i].p, ops[i].n);
        if (ops[i].kind != KB_DIFF_DEL)
            kb_buf_add(&rb, ops[i].p, ops[i].n);
    }
    struct kb_buf sa, sb; /* the inputs without their separating whitespace */
    kb_buf_init(&sa, 4096);
    kb_buf_init(&sb, 4096);
    for (const char *p = a; *p; p++)
        if (*p != '\n')
            kb_buf_addch(&sa, *p);
    for (const char *p = b; *p; p++)
        if (*p != '\n')
            kb_buf_addch(&sb, *p);
    assert_string_equal(kb_buf_cstr(&ra), kb_buf_cstr(&sa));
    assert_string_equal(kb_buf_cstr(&rb), kb_buf_cstr(&sb));
    kb_buf_release(&ra);
    kb_buf_release(&rb);
    kb_buf_release(&sa);
    kb_buf_release(&sb);
    free(ops);
}

static void test_blocks(void **state)
{
    (void)state;
    check_diff("<p>1</p><p>2</p><p>3</p>", "<p>1</p><p>2</p><p>3</p>", "===");
    check_diff("<p>1</p><p>2</p><p>3</p>", "<p>1</p><p>X</p><p>3</p>", "=-+=");
    check_diff("<p>1</p><p>3</p>", "<p>1</p><p>2</p><p>3</p>", "=+=");
    check_diff("<p>1</p><p>2</p><p>3</p>", "<p>2</p><p>3</p>", "-==");
    check_diff("<p>a</p><h2>b</h2><p>c</p><p>d</p>", "<p>d</p><p>a</p><h2>b</h2>", "+==--");
    check_diff("line one\nline two", "line one\nline 2", "=-+");
    check_diff("", "<p>new</p>", "+");
    check_diff("<p>old</p>", "", "-");
    check_diff("<ul><li>x</li><li>y</li></ul>", "<ul><li>x</li><li>z</li></ul>", "=-+=");
}

static void test_diff_json(void **state)
{
    (void)state;
    struct kb_article a, b;
    kb_article_init(&a);
    kb_article_init(&b);
    kb_set_str(&a.headline, "قديم");
    kb_set_str(&b.headline, "جديد");
    kb_set_str(&a.body_html, "<p>1</p>");
    kb_set_str(&b.body_html, "<p>1</p><p>2</p>");
    struct kb_buf out;
    kb_buf_init(&out, 4096);
    struct kb_json j;
    kb_json_init(&j, &out, KB_JSON_COMPACT);
    kb_revision_diff_json(&a, &b, &j);
    assert_string_equal(kb_buf_cstr(&out),
                        "{\"changed\":[\"headline\",\"body_html\"],\"fields\":[{\"field\":"
                        "\"headline\",\"from\":\"قديم\",\"to\":\"جديد\"}],\"body\":[{\"op\":"
                        "\"same\",\"html\":\"<p>1</p>\"},{\"op\":\"add\",\"html\":\"<p>2</p>\"}]}");
    kb_buf_release(&out);
    kb_article_release(&a);
    kb_article_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_blocks),
        cmocka_unit_test(test_diff_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
