/*
 * test_date.c — month tables (checked against ICU's own symbols), time-zone offsets through
 * ICU, civil <-> unix arithmetic, ISO 8601 out and in, display dates in every style and
 * both digit systems, the Umm al-Qura calendar, and kb_date_parse over every form it
 * promises, including the errors a user sees.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/ustring.h>
#include "khabar/text.h"
#include "khabar/utf8.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t unix_of(int y, int m, int d, int h, int mi, int off)
{
    struct kb_civil c = {y, m, d, h, mi, true};
    return kb_civil_to_unix(&c, off);
}

/* ---- month names against ICU ------------------------------------------------------------ */

/* ICU's format-wide month name `m` (0-based) for a locale, as UTF-8. */
static void icu_month(const char *locale, int m, char *out, size_t cap)
{
    UErrorCode st = U_ZERO_ERROR;
    UDateFormat *f = udat_open(UDAT_NONE, UDAT_LONG, locale, NULL, 0, NULL, 0, &st);
    assert_true(U_SUCCESS(st));
    UChar u[64];
    int32_t n = udat_getSymbols(f, UDAT_MONTHS, m, u, 64, &st);
    assert_true(U_SUCCESS(st));
    udat_close(f);
    u_strToUTF8(out, (int32_t)cap, NULL, u, n, &st);
    assert_true(U_SUCCESS(st));
}

static void test_month_tables_match_icu(void **state)
{
    static const struct {
        const char *locale;
        enum kb_months style;
    } cases[] = {
        {"ar", KB_MONTHS_STANDARD},   {"ar_EG", KB_MONTHS_STANDARD}, {"ar_AE", KB_MONTHS_STANDARD},
        {"ar_LB", KB_MONTHS_LEVANT},  {"ar_SY", KB_MONTHS_LEVANT},   {"ar_IQ", KB_MONTHS_LEVANT},
        {"ar_JO", KB_MONTHS_LEVANT},  {"ar_PS", KB_MONTHS_LEVANT},   {"ar_DZ", KB_MONTHS_MAGHREB},
        {"ar_TN", KB_MONTHS_MAGHREB}, {"ar_MA", KB_MONTHS_MOROCCO},
    };
    char want[128];
    for (size_t i = 0; i < N(cases); i++)
        for (int m = 1; m <= 12; m++) {
            icu_month(cases[i].locale, m - 1, want, sizeof(want));
            const char *got = kb_month_name(cases[i].style, m);
            if (strcmp(got, want) != 0)
                fail_msg("%s month %d: table \"%s\", ICU \"%s\"", cases[i].locale, m, got, want);
        }
    /* Combined = standard/Levant. */
    for (int m = 1; m <= 12; m++) {
        snprintf(want, sizeof(want), "%s/%s", kb_month_name(KB_MONTHS_STANDARD, m),
                 kb_month_name(KB_MONTHS_LEVANT, m));
        assert_string_equal(kb_month_name(KB_MONTHS_COMBINED, m), want);
    }
    assert_string_equal(kb_month_name(KB_MONTHS_COMBINED, 11), "نوفمبر/تشرين الثاني");
    assert_string_equal(kb_month_name(KB_MONTHS_STANDARD, 0), "");
    assert_string_equal(kb_month_name(KB_MONTHS_STANDARD, 13), "");
}

/* ---- time zones ------------------------------------------------------------------------- */

static void test_tz_offset(void **state)
{
    static const struct {
        const char *zone;
        int64_t t;
        int off;
    } cases[] = {
        {"Asia/Riyadh", 1731445200, 180},     /* 2024-11-13 */
        {"Asia/Riyadh", 1719792000, 180},     /* 2024-07-01: no DST */
        {"Europe/Istanbul", 1731445200, 180}, /* permanent +03 since 2016 */
        {"Europe/Istanbul", 1719792000, 180},
        {"Europe/Istanbul", 1421280000, 120},   /* 2015-01-15: still +02 in winter */
        {"Europe/Istanbul", 1436918400, 180},   /* 2015-07-15: +03 in summer */
        {"America/New_York", 1719792000, -240}, /* EDT */
        {"America/New_York", 1733011200, -300}, /* 2024-12-01 EST */
        {"America/New_York", 1710053999, -300}, /* 2024-03-10 06:59:59Z, before the change */
        {"America/New_York", 1710054000, -240}, /* 07:00:00Z = 03:00 EDT */
        {"America/New_York", 1730613599, -240}, /* 2024-11-03 05:59:59Z */
        {"America/New_York", 1730613600, -300}, /* 06:00:00Z = 01:00 EST */
        {"Asia/Kolkata", 1731445200, 330},
        {"UTC", 1731445200, 0},
        {"Africa/Casablanca", 1731445200, 60},
    };
    /* forwards, backwards, and interleaved with unknown zones: each thread keeps a calendar
     * for the last zone it was asked, which must never answer for another zone or time */
    static const char *const bad[] = {"Nowhere/Atlantis", "", "Asia/Riyad", "not a zone"};
    for (size_t round = 0; round < 3; round++) {
        for (size_t k = 0; k < N(cases); k++) {
            size_t i = round == 1 ? N(cases) - 1 - k : k;
            int off = 12345;
            int rc = kb_tz_offset(cases[i].zone, cases[i].t, &off);
            if (rc != 0 || off != cases[i].off)
                fail_msg("%s at %lld: rc %d offset %d, want %d", cases[i].zone,
                         (long long)cases[i].t, rc, off, cases[i].off);
            if (round == 2) {
                int boff = 777;
                assert_int_equal(kb_tz_offset(bad[k % N(bad)], 0, &boff), KB_EINVAL);
                assert_int_equal(boff, 777);
            }
        }
    }
    for (size_t i = 0; i < N(bad); i++) {
        int off = 777;
        assert_int_equal(kb_tz_offset(bad[i], 0, &off), KB_EINVAL);
        assert_int_equal(off, 777); /* untouched on failure */
    }
    int off = 777;
    assert_int_equal(kb_tz_offset(NULL, 0, &off), KB_EINVAL);
}

/* ---- civil <-> unix ---------------------------------------------------------------------- */

static void test_civil_unix(void **state)
{
    static const struct {
        int y, m, d, h, mi, off;
        int64_t t;
    } cases[] = {
        {1970, 1, 1, 0, 0, 0, 0},
        {2024, 11, 13, 0, 0, 180, 1731445200},
        {2024, 11, 12, 21, 0, 0, 1731445200},
        {2000, 2, 29, 0, 0, 0, 951782400},
        {1969, 12, 31, 23, 59, 0, -60},
        {1900, 3, 1, 0, 0, 0, -2203891200},
        {1, 1, 1, 0, 0, 0, -62135596800},
        {9999, 12, 31, 23, 59, 0, 253402300740},
        {2024, 3, 10, 3, 0, -240, 1710054000},
        {2024, 1, 1, 5, 30, 330, 1704067200},
    };
    for (size_t i = 0; i < N(cases); i++) {
        int64_t t =
            unix_of(cases[i].y, cases[i].m, cases[i].d, cases[i].h, cases[i].mi, cases[i].off);
        if (t != cases[i].t)
            fail_msg("case %zu: %lld, want %lld", i, (long long)t, (long long)cases[i].t);
        struct kb_civil c;
        kb_unix_to_civil(cases[i].t, cases[i].off, &c);
        assert_int_equal(c.year, cases[i].y);
        assert_int_equal(c.month, cases[i].m);
        assert_int_equal(c.day, cases[i].d);
        assert_int_equal(c.hour, cases[i].h);
        assert_int_equal(c.minute, cases[i].mi);
        assert_true(c.has_time);
    }
    /* A date without time is midnight. */
    struct kb_civil date = {2024, 11, 13, 9, 9, false};
    assert_int_equal(kb_civil_to_unix(&date, 180), 1731445200);

    /* Every 7th day for 60,000 years' worth of days round-trips, and consecutive days differ
     * by exactly one calendar day. */
    struct kb_civil prev = {0, 0, 0, 0, 0, false};
    for (int64_t day = -719162; day < 2932896; day += 7) {
        struct kb_civil c;
        kb_unix_to_civil(day * 86400, 0, &c);
        assert_int_equal(kb_civil_to_unix(&c, 0), day * 86400);
        assert_in_range(c.month, 1, 12);
        assert_in_range(c.day, 1, 31);
        if (prev.year)
            assert_true(c.year > prev.year || (c.year == prev.year && c.month > prev.month) ||
                        (c.year == prev.year && c.month == prev.month && c.day == prev.day + 7));
        prev = c;
    }

    /* The same days as ICU's Gregorian calendar (after 1583, where ICU is Gregorian too). */
    UErrorCode st = U_ZERO_ERROR;
    static const UChar utc[] = {'U', 'T', 'C', 0};
    UCalendar *cal = ucal_open(utc, -1, "en_US_POSIX", UCAL_GREGORIAN, &st);
    assert_true(U_SUCCESS(st));
    for (int64_t day = -140000; day < 200000; day += 397) {
        ucal_setMillis(cal, (UDate)day * 86400000.0, &st);
        struct kb_civil c;
        kb_unix_to_civil(day * 86400 + 3600 * 5, 0, &c);
        assert_int_equal(c.year, ucal_get(cal, UCAL_YEAR, &st));
        assert_int_equal(c.month, ucal_get(cal, UCAL_MONTH, &st) + 1);
        assert_int_equal(c.day, ucal_get(cal, UCAL_DATE, &st));
        assert_int_equal(c.hour, 5);
    }
    assert_true(U_SUCCESS(st));
    ucal_close(cal);

    /* Extremes clamp instead of overflowing. */
    struct kb_civil c;
    kb_unix_to_civil(INT64_MAX, 1440, &c);
    assert_int_equal(c.year, 10000); /* 9999-12-31T23:59:59Z + 24 h */
    kb_unix_to_civil(INT64_MIN, -1440, &c);
    assert_int_equal(c.year, 0);
}

/* ---- ISO 8601 ---------------------------------------------------------------------------- */

static char *iso(int64_t t, int off)
{
    struct kb_buf b;
    kb_buf_init(&b, 256);
    kb_date_iso8601(&b, t, off);
    return kb_buf_detach(&b, NULL);
}

static void test_iso8601_out(void **state)
{
    static const struct {
        int64_t t;
        int off;
        const char *want;
    } cases[] = {
        {1731445200, 180, "2024-11-13T00:00:00+03:00"},
        {1731445200, 0, "2024-11-12T21:00:00+00:00"},
        {0, 0, "1970-01-01T00:00:00+00:00"},
        {1731445259, -300, "2024-11-12T16:00:59-05:00"},
        {1704067200, 330, "2024-01-01T05:30:00+05:30"},
        {-1, 0, "1969-12-31T23:59:59+00:00"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char *s = iso(cases[i].t, cases[i].off);
        assert_string_equal(s, cases[i].want);
        free(s);
    }
}

static void test_iso8601_in(void **state)
{
    static const struct {
        const char *in;
        int64_t t;
        int off;
    } ok[] = {
        {"2024-11-13", 1731445200, 180}, /* date only: the default offset */
        {"2024-11-13T00:00", 1731445200, 180},
        {"2024-11-13T00:00:00+03:00", 1731445200, 180},
        {"2024-11-12T21:00:00Z", 1731445200, 0},
        {"2024-11-12t21:00:00z", 1731445200, 0},
        {"2024-11-12T21:00:00.123456Z", 1731445200, 0},
        {"2024-11-12T21:00:00,5Z", 1731445200, 0},
        {"2024-11-12 16:00:00-05:00", 1731445200, -300},
        {"2024-11-12T16:00:00-0500", 1731445200, -300},
        {"2024-11-12T16:00-05", 1731445200, -300},
        {"2024-11-12T21:00:59Z", 1731445259, 0},
        {"  2024-11-13T05:30+05:30\n", 1731456000, 330},
        {"1969-12-31T23:59:59Z", -1, 0},
    };
    for (size_t i = 0; i < N(ok); i++) {
        int64_t t = 0;
        int off = 0;
        struct kb_diag d;
        int rc = kb_date_parse_iso8601(ok[i].in, strlen(ok[i].in), 180, &t, &off, &d);
        if (rc != 0 || t != ok[i].t || off != ok[i].off)
            fail_msg("\"%s\": rc %d (%s) t %lld off %d", ok[i].in, rc, rc ? d.msg : "",
                     (long long)t, off);
    }
    static const struct {
        const char *in, *why;
    } bad[] = {
        {"", "not an ISO 8601 date"},
        {"2024-13-01", "month 13 does not exist"},
        {"2024-02-30", "day 30 does not exist in February 2024"},
        {"2023-02-29", "day 29 does not exist in February 2023"},
        {"2024-11-13T25:00", "time 25:00 does not exist"},
        {"2024-11-13T10:60", "time 10:60 does not exist"},
        {"2024-11-13T10:20+24:00", "out of range"},
        {"2024/11/13", "not an ISO 8601 date"},
        {"13-11-2024", "not an ISO 8601 date"},
        {"20241113", "not an ISO 8601 date"},
        {"2024-11-13T10", "HH:MM"},
        {"2024-11-13T10:20:30.", "decimal point"},
        {"2024-11-13T10:20x", "unexpected text"},
        {"2024-11-13X", "unexpected 'X'"},
        {"0000-01-01", "year 0 is out of range"},
    };
    for (size_t i = 0; i < N(bad); i++) {
        int64_t t = 42;
        int off = 42;
        struct kb_diag d;
        kb_diag_clear(&d);
        int rc = kb_date_parse_iso8601(bad[i].in, strlen(bad[i].in), 0, &t, &off, &d);
        if (rc != KB_EINVAL || !strstr(d.msg, bad[i].why))
            fail_msg("\"%s\": rc %d msg \"%s\", want \"%s\"", bad[i].in, rc, d.msg, bad[i].why);
        assert_int_equal(t, 42);
        assert_int_equal(off, 42);
        assert_string_equal(d.field, "date");
    }
    char big[KB_DATE_MAX_INPUT + 10];
    memset(big, '1', sizeof(big));
    int64_t t;
    int off;
    assert_int_equal(kb_date_parse_iso8601(big, sizeof(big), 0, &t, &off, NULL), KB_ETOOBIG);

    /* Round trip: what we write, we read back to the same instant and offset. */
    static const int offs[] = {0, 180, -300, 330, -570, 840};
    for (int64_t x = -2208988800; x < 4102444800; x += 86400 * 37 + 3607)
        for (size_t k = 0; k < N(offs); k++) {
            char *s = iso(x, offs[k]);
            int64_t t2;
            int off2;
            assert_int_equal(kb_date_parse_iso8601(s, strlen(s), 0, &t2, &off2, NULL), 0);
            assert_int_equal(t2, x);
            assert_int_equal(off2, offs[k]);
            free(s);
        }
}

/* ---- display ------------------------------------------------------------------------------ */

static char *display(int64_t t, int off, enum kb_months m, enum kb_digits dg)
{
    struct kb_date_style st = {m, dg, false};
    struct kb_buf b;
    kb_buf_init(&b, 256);
    kb_date_format(&b, t, off, &st);
    return kb_buf_detach(&b, NULL);
}

static void test_format(void **state)
{
    int64_t nov13 = unix_of(2024, 11, 13, 0, 0, 180), jul5 = unix_of(2024, 7, 5, 10, 0, 0);
    static const struct {
        int which;
        enum kb_months m;
        enum kb_digits dg;
        const char *want;
    } cases[] = {
        {0, KB_MONTHS_STANDARD, KB_DIGITS_LATIN, "13 نوفمبر 2024"},
        {0, KB_MONTHS_STANDARD, KB_DIGITS_ARABIC, "١٣ نوفمبر ٢٠٢٤"},
        {0, KB_MONTHS_LEVANT, KB_DIGITS_LATIN, "13 تشرين الثاني 2024"},
        {0, KB_MONTHS_COMBINED, KB_DIGITS_LATIN, "13 نوفمبر/تشرين الثاني 2024"},
        {0, KB_MONTHS_COMBINED, KB_DIGITS_ARABIC, "١٣ نوفمبر/تشرين الثاني ٢٠٢٤"},
        {0, KB_MONTHS_MAGHREB, KB_DIGITS_LATIN, "13 نوفمبر 2024"},
        {0, KB_MONTHS_MOROCCO, KB_DIGITS_LATIN, "13 نونبر 2024"},
        {1, KB_MONTHS_STANDARD, KB_DIGITS_LATIN, "5 يوليو 2024"},
        {1, KB_MONTHS_LEVANT, KB_DIGITS_ARABIC, "٥ تموز ٢٠٢٤"},
        {1, KB_MONTHS_COMBINED, KB_DIGITS_LATIN, "5 يوليو/تموز 2024"},
        {1, KB_MONTHS_MAGHREB, KB_DIGITS_LATIN, "5 جويلية 2024"},
        {1, KB_MONTHS_MOROCCO, KB_DIGITS_ARABIC, "٥ يوليوز ٢٠٢٤"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char *s = display(cases[i].which ? jul5 : nov13, 180, cases[i].m, cases[i].dg);
        assert_string_equal(s, cases[i].want);
        free(s);
    }
    /* The display date is the date at the offset, not in UTC. */
    char *utc = display(nov13, 0, KB_MONTHS_STANDARD, KB_DIGITS_LATIN);
    assert_string_equal(utc, "12 نوفمبر 2024");
    free(utc);
    /* The hijri flag never changes the Gregorian line. */
    struct kb_date_style st = {KB_MONTHS_STANDARD, KB_DIGITS_LATIN, true};
    struct kb_buf b;
    kb_buf_init(&b, 256);
    kb_date_format(&b, nov13, 180, &st);
    assert_string_equal(kb_buf_cstr(&b), "13 نوفمبر 2024");
    kb_buf_release(&b);
}

static void test_format_parse_round_trip(void **state)
{
    static const enum kb_months styles[] = {KB_MONTHS_STANDARD, KB_MONTHS_LEVANT,
                                            KB_MONTHS_COMBINED, KB_MONTHS_MAGHREB,
                                            KB_MONTHS_MOROCCO};
    static const int years[] = {1999, 2024, 2025};
    for (size_t s = 0; s < N(styles); s++)
        for (int dg = 0; dg < 2; dg++)
            for (size_t y = 0; y < N(years); y++)
                for (int m = 1; m <= 12; m++) {
                    static const int days[] = {1, 15, 28};
                    for (size_t k = 0; k < N(days); k++) {
                        int64_t t = unix_of(years[y], m, days[k], 12, 0, 180);
                        char *txt = display(t, 180, styles[s], (enum kb_digits)dg);
                        struct kb_civil c;
                        struct kb_diag d;
                        int rc = kb_date_parse(txt, strlen(txt), NULL, &c, &d);
                        if (rc != 0)
                            fail_msg("\"%s\": %s", txt, d.msg);
                        if (c.year != years[y] || c.month != m || c.day != days[k] || c.has_time)
                            fail_msg("\"%s\" parsed as %d-%d-%d", txt, c.year, c.month, c.day);
                        free(txt);
                    }
                }
}

/* ---- Hijri ------------------------------------------------------------------------------ */

static char *hijri(int64_t t, int off, enum kb_digits dg)
{
    struct kb_buf b;
    kb_buf_init(&b, 256);
    assert_int_equal(kb_date_format_hijri(&b, t, off, dg), 0);
    return kb_buf_detach(&b, NULL);
}

static void test_hijri(void **state)
{
    static const struct {
        int y, m, d, h, off;
        enum kb_digits dg;
        const char *want;
    } cases[] = {
        {2024, 11, 13, 0, 180, KB_DIGITS_LATIN, "11 جمادى الأولى 1446 هـ"},
        {2024, 11, 13, 0, 180, KB_DIGITS_ARABIC, "١١ جمادى الأولى ١٤٤٦ هـ"},
        {2025, 3, 1, 0, 180, KB_DIGITS_LATIN, "1 رمضان 1446 هـ"},
        {2025, 3, 30, 12, 180, KB_DIGITS_LATIN, "1 شوال 1446 هـ"},
        {2024, 7, 7, 12, 180, KB_DIGITS_LATIN, "1 محرم 1446 هـ"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        char *s = hijri(unix_of(cases[i].y, cases[i].m, cases[i].d, cases[i].h, 0, cases[i].off),
                        cases[i].off, cases[i].dg);
        assert_string_equal(s, cases[i].want);
        free(s);
    }
    /* The day before 1 Ramadan is in Sha'ban; 23:00 UTC on 28 Feb is already 1 Ramadan at
     * +03:00. */
    char *s = hijri(unix_of(2025, 2, 28, 12, 0, 180), 180, KB_DIGITS_LATIN);
    assert_non_null(strstr(s, " شعبان 1446 هـ"));
    free(s);
    s = hijri(unix_of(2025, 2, 28, 23, 0, 0), 180, KB_DIGITS_LATIN);
    assert_string_equal(s, "1 رمضان 1446 هـ");
    free(s);

    /* Each month name is ICU's: the first day of every month of 1446 through ICU's own
     * formatter must match ours. */
    UErrorCode st = U_ZERO_ERROR;
    static const UChar utc[] = {'U', 'T', 'C', 0};
    UCalendar *cal = ucal_open(utc, -1, "ar@calendar=islamic-umalqura", UCAL_DEFAULT, &st);
    UDateFormat *f =
        udat_open(UDAT_PATTERN, UDAT_PATTERN, "ar@calendar=islamic-umalqura;numbers=latn", utc, -1,
                  u"d MMMM y", -1, &st);
    udat_setCalendar(f, cal);
    assert_true(U_SUCCESS(st));
    for (int m = 0; m < 12; m++) {
        ucal_clear(cal);
        ucal_set(cal, UCAL_EXTENDED_YEAR, 1446);
        ucal_set(cal, UCAL_MONTH, m);
        ucal_set(cal, UCAL_DATE, 1);
        UDate ms = ucal_getMillis(cal, &st);
        UChar u[128];
        char want[256];
        int32_t n = udat_format(f, ms, u, 128, NULL, &st);
        u_strToUTF8(want, sizeof(want), NULL, u, n, &st);
        assert_true(U_SUCCESS(st));
        /* ICU writes "1 رمضان 1446 هـ" with its own era suffix; compare up to the year. */
        char *ours = hijri((int64_t)(ms / 1000), 0, KB_DIGITS_LATIN);
        size_t prefix = strlen(ours) - strlen(" هـ");
        if (strncmp(ours, want, prefix) != 0)
            fail_msg("month %d: ours \"%s\", ICU \"%s\"", m + 1, ours, want);
        /* And it parses back to the same day. */
        struct kb_civil c, g;
        struct kb_diag d;
        if (kb_date_parse(ours, strlen(ours), NULL, &c, &d) != 0)
            fail_msg("\"%s\": %s", ours, d.msg);
        kb_unix_to_civil((int64_t)(ms / 1000), 0, &g);
        assert_int_equal(c.year, g.year);
        assert_int_equal(c.month, g.month);
        assert_int_equal(c.day, g.day);
        free(ours);
    }
    udat_close(f);
    ucal_close(cal);
}

/* ---- parsing ------------------------------------------------------------------------------ */

static const struct kb_civil ref_nov = {2024, 11, 13, 0, 0, false};
static const struct kb_civil ref_oct = {2024, 10, 30, 0, 0, false};
static const struct kb_civil ref_mar = {2024, 3, 1, 0, 0, false};

static void test_parse_ok(void **state)
{
    static const struct {
        const char *in;
        const struct kb_civil *ref;
        int y, m, d, h, mi; /* h < 0: no time */
    } cases[] = {
        {"13 نوفمبر 2024", NULL, 2024, 11, 13, -1, 0},
        {"١٣ نوفمبر ٢٠٢٤", NULL, 2024, 11, 13, -1, 0},
        {"۱۳ نوفمبر ۲۰۲۴", NULL, 2024, 11, 13, -1, 0}, /* Persian digits */
        {"13 تشرين الثاني 2024", NULL, 2024, 11, 13, -1, 0},
        {"١٣ تشرين الثاني ٢٠٢٤", NULL, 2024, 11, 13, -1, 0},
        {"13 تشرين ثاني 2024", NULL, 2024, 11, 13, -1, 0},
        {"24 فبراير/شباط 2022", NULL, 2022, 2, 24, -1, 0},
        {"24 شباط/فبراير 2022", NULL, 2022, 2, 24, -1, 0},
        {"24 فبراير / شباط 2022", NULL, 2022, 2, 24, -1, 0},
        {"24 شباط /فبراير 2022", NULL, 2022, 2, 24, -1, 0},
        {"13 نوفمبر/تشرين الثاني 2024", NULL, 2024, 11, 13, -1, 0},
        {"13 تشرين الثاني/نوفمبر 2024", NULL, 2024, 11, 13, -1, 0},
        {"الأربعاء، 07 أكتوبر 2020 - 12:09 م", NULL, 2020, 10, 7, 12, 9},
        {"الأربعاء 07 أكتوبر 2020 - 12:09 ص", NULL, 2020, 10, 7, 0, 9},
        {"الخميس، 8 أكتوبر 2020 - 01:30 م", NULL, 2020, 10, 8, 13, 30},
        {"الخميس ,8 أكتوبر 2020 01:30 ص", NULL, 2020, 10, 8, 1, 30},
        {"الاثنين - 3 يونيو 2024 الساعة 9:05 صباحاً", NULL, 2024, 6, 3, 9, 5},
        {"يوم الأربعاء 13 نوفمبر 2024", NULL, 2024, 11, 13, -1, 0},
        {"13 نوفمبر 2024م", NULL, 2024, 11, 13, -1, 0},
        {"13 نوفمبر 2024 م", NULL, 2024, 11, 13, -1, 0},
        {"٧ أكتوبر ٢٠٢٠ م - ١١:٠٥ ص", NULL, 2020, 10, 7, 11, 5},
        {"13 نوفمبر 2024 - 18:45", NULL, 2024, 11, 13, 18, 45},
        {"13 نوفمبر 2024 - 12:09 م بتوقيت مكة المكرمة", NULL, 2024, 11, 13, 12, 9},
        {"13 جانفي 2024", NULL, 2024, 1, 13, -1, 0},
        {"3 فيفري 2024", NULL, 2024, 2, 3, -1, 0},
        {"10 أفريل 2024", NULL, 2024, 4, 10, -1, 0},
        {"1 جوان 2024", NULL, 2024, 6, 1, -1, 0},
        {"5 جويلية 2023", NULL, 2023, 7, 5, -1, 0},
        {"15 أوت 2023", NULL, 2023, 8, 15, -1, 0},
        {"9 ماي 2024", NULL, 2024, 5, 9, -1, 0},
        {"5 يوليوز 2023", NULL, 2023, 7, 5, -1, 0},
        {"15 غشت 2023", NULL, 2023, 8, 15, -1, 0},
        {"20 شتنبر 2023", NULL, 2023, 9, 20, -1, 0},
        {"13 نونبر 2024", NULL, 2024, 11, 13, -1, 0},
        {"25 دجنبر 2024", NULL, 2024, 12, 25, -1, 0},
        {"30 يونيه 2024", NULL, 2024, 6, 30, -1, 0},
        {"4 يوليه 2024", NULL, 2024, 7, 4, -1, 0},
        {"7 اكتوبر 2020", NULL, 2020, 10, 7, -1, 0}, /* no hamza */
        {"10 إبريل 2024", NULL, 2024, 4, 10, -1, 0}, /* hamza below */
        {"5 ايار 2024", NULL, 2024, 5, 5, -1, 0},
        {"1 اذار 2024", NULL, 2024, 3, 1, -1, 0},
        {"١٣ نُوفَمْبَر ٢٠٢٤", NULL, 2024, 11, 13, -1, 0},             /* harakat */
        {"13 نوفمـــبر 2024", NULL, 2024, 11, 13, -1, 0},          /* tatweel */
        {"\u200f13 نوفمبر 2024\u200f", NULL, 2024, 11, 13, -1, 0}, /* RLM as ICU writes */
        {"  13   نوفمبر\t2024 ", NULL, 2024, 11, 13, -1, 0},
        {"2 ديسمبر، 2024", NULL, 2024, 12, 2, -1, 0},
        {"29 فبراير 2024", NULL, 2024, 2, 29, -1, 0},
        {"13/11/2024", NULL, 2024, 11, 13, -1, 0},
        {"١٣/١١/٢٠٢٤", NULL, 2024, 11, 13, -1, 0},
        {"1/2/2024", NULL, 2024, 2, 1, -1, 0}, /* day first */
        {"13.11.2024", NULL, 2024, 11, 13, -1, 0},
        {"13-11-2024 12:09 م", NULL, 2024, 11, 13, 12, 9},
        {"2024/11/13", NULL, 2024, 11, 13, -1, 0},
        {"2024-11-13", NULL, 2024, 11, 13, -1, 0},
        {"2024-11-13T10:20:00+03:00", NULL, 2024, 11, 13, 10, 20},
        {"2024-11-13 12:09 م", NULL, 2024, 11, 13, 12, 9},
        {"November 13, 2024", NULL, 2024, 11, 13, -1, 0},
        {"13 November 2024", NULL, 2024, 11, 13, -1, 0},
        {"Nov 13, 2024", NULL, 2024, 11, 13, -1, 0},
        {"Wednesday, November 13th, 2024", NULL, 2024, 11, 13, -1, 0},
        {"Wed, 13 Nov 2024 10:20:30 GMT", NULL, 2024, 11, 13, 10, 20},
        {"Wed, 13 Nov 2024 10:20:30 +0300", NULL, 2024, 11, 13, 10, 20},
        {"13 Sept 2024 at 9:30 pm", NULL, 2024, 9, 13, 21, 30},
        {"25 أكتوبر/تشرين الأول الجاري", &ref_nov, 2024, 10, 25, -1, 0},
        {"25 أكتوبر الماضي", &ref_nov, 2024, 10, 25, -1, 0},
        {"25 أكتوبر الماضي", &ref_oct, 2023, 10, 25, -1, 0},
        {"25 أكتوبر الماضي", &ref_mar, 2023, 10, 25, -1, 0},
        {"5 يناير المقبل", &ref_nov, 2025, 1, 5, -1, 0},
        {"5 ديسمبر المقبل", &ref_nov, 2024, 12, 5, -1, 0},
        {"5 ديسمبر القادم", &ref_nov, 2024, 12, 5, -1, 0},
        {"25 أكتوبر من العام الماضي", &ref_nov, 2023, 10, 25, -1, 0},
        {"3 مارس من العام المقبل", &ref_nov, 2025, 3, 3, -1, 0},
        {"11 جمادى الأولى 1446 هـ", NULL, 2024, 11, 13, -1, 0},
        {"11 جمادى الأولى 1446هـ", NULL, 2024, 11, 13, -1, 0},
        {"1 رمضان 1446 هـ", NULL, 2025, 3, 1, -1, 0},
        {"الأحد 1 محرم 1446 هـ", NULL, 2024, 7, 7, -1, 0},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct kb_civil c;
        struct kb_diag d;
        kb_diag_clear(&d);
        int rc = kb_date_parse(cases[i].in, strlen(cases[i].in), cases[i].ref, &c, &d);
        if (rc != 0)
            fail_msg("\"%s\": rc %d: %s", cases[i].in, rc, d.msg);
        bool want_time = cases[i].h >= 0;
        if (c.year != cases[i].y || c.month != cases[i].m || c.day != cases[i].d ||
            c.has_time != want_time ||
            (want_time && (c.hour != cases[i].h || c.minute != cases[i].mi)))
            fail_msg("\"%s\": got %04d-%02d-%02d %02d:%02d (%s)", cases[i].in, c.year, c.month,
                     c.day, c.hour, c.minute, c.has_time ? "time" : "no time");
    }
}

static void test_parse_errors(void **state)
{
    static const struct {
        const char *in;
        const struct kb_civil *ref;
        const char *why;
    } cases[] = {
        {"31 فبراير 2024", NULL, "day 31 does not exist in February 2024"},
        {"29 فبراير 2023", NULL, "day 29 does not exist in February 2023"},
        {"31 نيسان 2024", NULL, "day 31 does not exist in April 2024"},
        {"0 يناير 2024", NULL, "day 0 does not exist in January 2024"},
        {"32/01/2024", NULL, "day 32 does not exist in January 2024"},
        {"13/13/2024", NULL, "month 13 does not exist"},
        {"13/11/24", NULL, "must have four digits"},
        {"13/11", NULL, "day, month and year"},
        {"13 فلان 2024", NULL, "'فلان' is not a month name"},
        {"فلان", NULL, "'فلان' is not a month name"},
        {"13 نوفمبر", NULL, "no year"},
        {"13", NULL, "no month"},
        {"25 أكتوبر الجاري", NULL, "needs the date it is relative to"},
        {"", NULL, "no date"},
        {"   ", NULL, "no date"},
        {"الأربعاء،", NULL, "no date"},
        {"13 نوفمبر 2024 - 25:00", NULL, "time 25:00 does not exist"},
        {"13 نوفمبر 2024 - 10:75", NULL, "time 10:75 does not exist"},
        {"13 نوفمبر 2024 - 13:00 ص", NULL, "not a morning time"},
        {"13 نوفمبر 2024 foo", NULL, "unexpected 'foo' after the date"},
        {"24 فبراير/آذار 2022", NULL, "disagree"},
        {"24 فبراير/فلان 2022", NULL, "is not a month name"},
        {"11 جمادى الأولى 1446 م", NULL, "Hijri month with a Gregorian era"},
        {"13 نوفمبر 1446 هـ", NULL, "Gregorian month with a Hijri era"},
        {"30 رمضان 1446 هـ", NULL, "day 30 does not exist in رمضان 1446"},
        {"13 نوفمبر 20245", NULL, "four digits"},
        {"13 نوفمبر 0000", NULL, "year 0 is out of range"},
        {"123 نوفمبر 2024", NULL, "expected a day"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        struct kb_civil c = {1, 2, 3, 4, 5, true};
        struct kb_diag d;
        kb_diag_clear(&d);
        int rc = kb_date_parse(cases[i].in, strlen(cases[i].in), cases[i].ref, &c, &d);
        if (rc != KB_EINVAL || !strstr(d.msg, cases[i].why))
            fail_msg("\"%s\": rc %d msg \"%s\", want \"%s\"", cases[i].in, rc, d.msg, cases[i].why);
        /* out is written only on success */
        assert_true(c.year == 1 && c.month == 2 && c.day == 3 && c.hour == 4 && c.minute == 5);
        assert_true(kb_utf8_valid(d.msg, strlen(d.msg)));
        assert_string_equal(d.field, "date");
    }
    /* The message quotes the input, even when it is not valid UTF-8. */
    struct kb_civil c;
    struct kb_diag d;
    const char bad[] = "13 \xff\xfe 2024";
    assert_int_equal(kb_date_parse(bad, sizeof(bad) - 1, NULL, &c, &d), KB_EINVAL);
    assert_true(kb_utf8_valid(d.msg, strlen(d.msg)));
    assert_non_null(strstr(d.msg, "\"13 "));
    assert_int_equal(kb_date_parse("31 فبراير 2024", strlen("31 فبراير 2024"), NULL, &c, &d),
                     KB_EINVAL);
    assert_string_equal(d.msg, "\"31 فبراير 2024\": day 31 does not exist in February 2024");

    char big[KB_DATE_MAX_INPUT + 1];
    memset(big, 'a', sizeof(big));
    assert_int_equal(kb_date_parse(big, sizeof(big), NULL, &c, &d), KB_ETOOBIG);
    assert_int_equal(kb_date_parse(NULL, 0, NULL, &c, NULL), KB_EINVAL);
    /* Many parts: refused, not overflowed. */
    char many[KB_DATE_MAX_INPUT];
    for (size_t i = 0; i + 1 < sizeof(many); i += 2) {
        many[i] = '1';
        many[i + 1] = ' ';
    }
    assert_int_equal(kb_date_parse(many, sizeof(many), NULL, &c, &d), KB_EINVAL);
}

/* kb_date_find: the first date inside a longer line of a page. */
static void test_find(void **state)
{
    (void)state;
    struct {
        const char *s;
        int y, m, d, h, mi;
        bool has_time;
    } ok[] = {
        {"نشر في: الخميس 17 مارس/ آذار 2020 - 17:55 آخر تحديث", 2020, 3, 17, 17, 55, true},
        {"Posted on October 7th, 2020 at 9:30 am by the desk", 2020, 10, 7, 9, 30, true},
        {"بقلم سلمى حداد | الأربعاء، 07 أكتوبر 2020 - 12:09 م", 2020, 10, 7, 12, 9, true},
        {"Updated 2021-06-30, 3 min read", 2021, 6, 30, 0, 0, false},
        {"3 دقائق قراءة · ١٣ نوفمبر ٢٠٢٤", 2024, 11, 13, 0, 0, false},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct kb_civil c;
        int rc = kb_date_find(ok[i].s, strlen(ok[i].s), NULL, &c);
        if (rc != 0 || c.year != ok[i].y || c.month != ok[i].m || c.day != ok[i].d ||
            c.has_time != ok[i].has_time ||
            (c.has_time && (c.hour != ok[i].h || c.minute != ok[i].mi)))
            fail_msg("\"%s\": rc %d, %d-%d-%d %d:%d", ok[i].s, rc, c.year, c.month, c.day, c.hour,
                     c.minute);
    }
    const char *none[] = {"3 دقائق قراءة", "Page 2 of 17", "", "17 مارس بدون سنة"};
    for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        struct kb_civil c;
        assert_int_equal(kb_date_find(none[i], strlen(none[i]), NULL, &c), KB_ENOTFOUND);
    }
    char big[KB_DATE_MAX_INPUT + 1];
    memset(big, 'x', sizeof(big));
    struct kb_civil c;
    assert_int_equal(kb_date_find(big, sizeof(big), NULL, &c), KB_ETOOBIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_month_tables_match_icu),
        cmocka_unit_test(test_tz_offset),
        cmocka_unit_test(test_civil_unix),
        cmocka_unit_test(test_iso8601_out),
        cmocka_unit_test(test_iso8601_in),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_parse_round_trip),
        cmocka_unit_test(test_hijri),
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
