/*
 * test_settings.c — the settings table: every default passes its own check, bad values are
 * refused with the accepted values named, unknown keys are not found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "khabar/settings.h"

static void test_defaults_are_valid(void **state)
{
    assert_true(kb_settings_count() >= 10);
    for (size_t i = 0; i < kb_settings_count(); i++) {
        const struct kb_setting_def *def = kb_settings_at(i);
        struct kb_diag d;
        kb_diag_clear(&d);
        /* tagline and base_url may be empty; everything else has a usable default */
        assert_int_equal(kb_setting_check(def->key, def->def, &d), 0);
        assert_ptr_equal(kb_setting_def(def->key), def);
    }
    assert_null(kb_settings_at(kb_settings_count()));
}

static void test_checks(void **state)
{
    static const struct {
        const char *key, *value;
        int rc;
        const char *msg_has;
    } cases[] = {
        {"site.months", "levant", 0, NULL},
        {"site.months", "combined", 0, NULL},
        {"site.months", "lev", KB_EINVAL, "standard levant combined"},
        {"site.months", "", KB_EINVAL, "one of"},
        {"site.digits", "arabic", 0, NULL},
        {"site.digits", "roman", KB_EINVAL, "latin arabic"},
        {"site.hijri", "1", 0, NULL},
        {"site.hijri", "yes", KB_EINVAL, "0 1"},
        {"site.timezone", "Europe/Istanbul", 0, NULL},
        {"site.timezone", "Mars/Base", KB_EINVAL, "time zone"},
        {"site.discover_count", "0", 0, NULL},
        {"site.discover_count", "101", KB_EINVAL, "0 to 100"},
        {"site.discover_count", "15x", KB_EINVAL, "whole number"},
        {"site.page_size", "0", KB_EINVAL, "1 to 100"},
        {"site.base_url", "https://news.example", 0, NULL},
        {"site.base_url", "javascript:alert(1)", KB_EINVAL, "http"},
        {"site.name", "", KB_EINVAL, "characters"},
        {"site.name", "صحيفة\nالغد", KB_EINVAL, "control"},
        {"site.name", "\xff", KB_EINVAL, "UTF-8"},
        {"site.colour", "red", KB_ENOTFOUND, "not a known setting"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct kb_diag d;
        kb_diag_clear(&d);
        int rc = kb_setting_check(cases[i].key, cases[i].value, &d);
        if (rc != cases[i].rc)
            fail_msg("%s=%s: rc %d, want %d (%s)", cases[i].key, cases[i].value, rc,
                     cases[i].rc, d.msg);
        if (cases[i].msg_has && !strstr(d.msg, cases[i].msg_has))
            fail_msg("%s=%s: message '%s' lacks '%s'", cases[i].key, cases[i].value, d.msg,
                     cases[i].msg_has);
        if (rc)
            assert_string_equal(d.field, cases[i].key);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_valid),
        cmocka_unit_test(test_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
