/*
 * test_user.c — roles, name and password rules, Argon2id hashes (verify, wrong password,
 * rehash when the parameters are weaker than interactive), secrets and their hashes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "khabar/user.h"

static void test_roles_and_names(void **state)
{
    (void)state;
    enum kb_role r;
    struct kb_diag d;
    assert_int_equal(kb_role_parse("editor", &r, &d), 0);
    assert_int_equal(r, KB_ROLE_EDITOR);
    assert_int_equal(kb_role_parse("boss", &r, &d), KB_EINVAL);
    assert_non_null(strstr(d.msg, "contributor"));
    assert_string_equal(kb_role_name(KB_ROLE_ADMIN), "admin");
    assert_true(KB_ROLE_CONTRIBUTOR < KB_ROLE_AUTHOR && KB_ROLE_AUTHOR < KB_ROLE_EDITOR);
    assert_int_equal(kb_user_name_check("سارة", &d), 0);
    assert_int_equal(kb_user_name_check("s.ali", &d), 0);
    assert_int_equal(kb_user_name_check("", &d), KB_EINVAL);
    assert_int_equal(kb_user_name_check("a b", &d), KB_EINVAL);
    assert_int_equal(kb_user_name_check("a/b", &d), KB_EINVAL);
}

static void test_password_rules(void **state)
{
    (void)state;
    struct kb_diag d;
    assert_int_equal(kb_password_check("", &d), KB_EINVAL);
    assert_int_equal(kb_password_check("123456789", &d), KB_EINVAL);
    assert_non_null(strstr(d.msg, "too short"));
    assert_int_equal(kb_password_check("1234567890", &d), 0);
    /* ten Arabic letters are ten characters (twenty bytes): enough */
    assert_int_equal(kb_password_check("كلمةسرطويل", &d), 0);
    assert_int_equal(kb_password_check("كلمةسر", &d), KB_EINVAL);
}

static void test_hash_verify_rehash(void **state)
{
    (void)state;
    char h[KB_PWHASH_LEN], weak[KB_PWHASH_LEN];
    assert_int_equal(kb_password_hash("correct horse battery", KB_PW_INTERACTIVE, h, NULL), 0);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_true(kb_password_verify(h, "correct horse battery"));
    assert_false(kb_password_verify(h, "correct horse batterz"));
    assert_false(kb_password_verify(h, ""));
    assert_false(kb_password_verify("not a hash", "x"));
    assert_false(kb_password_needs_rehash(h));
    assert_int_equal(kb_password_hash("correct horse battery", KB_PW_WEAK, weak, NULL), 0);
    assert_true(kb_password_verify(weak, "correct horse battery"));
    assert_true(kb_password_needs_rehash(weak));
    /* two hashes of one password differ (random salt) */
    char h2[KB_PWHASH_LEN];
    assert_int_equal(kb_password_hash("correct horse battery", KB_PW_INTERACTIVE, h2, NULL), 0);
    assert_string_not_equal(h, h2);
}

static void test_secrets(void **state)
{
    (void)state;
    char a[KB_SECRET_LEN], b[KB_SECRET_LEN], ha[KB_SHA256_HEX];
    kb_secret_new("kbt_", a);
    kb_secret_new("kbt_", b);
    assert_true(strncmp(a, "kbt_", 4) == 0);
    assert_int_equal(strlen(a), 4 + 43);
    assert_string_not_equal(a, b);
    assert_true(kb_secret_eq(a, a));
    assert_false(kb_secret_eq(a, b));
    assert_false(kb_secret_eq(a, "kbt_"));
    kb_secret_hash("abc", 3, ha);
    assert_string_equal(ha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles_and_names),
        cmocka_unit_test(test_password_rules),
        cmocka_unit_test(test_hash_verify_rehash),
        cmocka_unit_test(test_secrets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
