/*
 * fuzz_date.c — libFuzzer target for the date parsers and the slug maker (lib/text/).
 *
 * Any bytes go in, to kb_date_parse (with and without a reference date),
 * kb_date_parse_iso8601, kb_slug_make and the word counters.  Invariants checked (a
 * violation aborts, which the replayer and libFuzzer report):
 * - a parsed date is a real date (month 1..12, day within the month, time in range), and
 *   formatting it and parsing the result gives the same day back;
 * - a refusal carries a reason that is valid UTF-8;
 * - an ISO 8601 instant written back and parsed again is the same instant;
 * - a slug is valid UTF-8, at most KB_SLUG_MAX_CHARS code points, has no leading, trailing
 *   or doubled '-', and is its own slug: slug(slug(x)) == slug(x).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/text.h"
#include "khabar/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int dim(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

static void check_civil(const struct kb_civil *c)
{
    if (c->year < 1 || c->year > 9999 || c->month < 1 || c->month > 12 || c->day < 1 ||
        c->day > dim(c->year, c->month))
        abort();
    if (c->has_time && (c->hour < 0 || c->hour > 23 || c->minute < 0 || c->minute > 59))
        abort();
}

static void check_diag(const struct kb_diag *d)
{
    size_t n = strnlen(d->msg, sizeof(d->msg));
    if (n == 0 || n == sizeof(d->msg) || !kb_utf8_valid(d->msg, n))
        abort();
}

static void check_date(const char *s, size_t n, const struct kb_civil *ref)
{
    struct kb_civil c;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_date_parse(s, n, ref, &c, &d) != 0) {
        check_diag(&d);
        return;
    }
    check_civil(&c);
    /* Round trip through the display form of a style picked from the input. */
    struct kb_date_style st = {(enum kb_months)(n % 5), (enum kb_digits)(n / 5 % 2), false};
    struct kb_buf b;
    kb_buf_init(&b, 1024);
    struct kb_civil noon = c;
    noon.hour = 12;
    noon.minute = 0;
    noon.has_time = true;
    kb_date_format(&b, kb_civil_to_unix(&noon, 0), 0, &st);
    struct kb_civil back;
    if (kb_date_parse(b.p, b.n, NULL, &back, &d) != 0 || back.year != c.year ||
        back.month != c.month || back.day != c.day)
        abort();
    kb_buf_release(&b);
}

static void check_iso(const char *s, size_t n)
{
    int64_t t;
    int off;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_date_parse_iso8601(s, n, 180, &t, &off, &d) != 0) {
        check_diag(&d);
        return;
    }
    struct kb_buf b;
    kb_buf_init(&b, 256);
    kb_date_iso8601(&b, t, off);
    int64_t t2;
    int off2;
    if (kb_date_parse_iso8601(b.p, b.n, 0, &t2, &off2, NULL) != 0 || t2 != t || off2 != off)
        abort();
    kb_buf_release(&b);
}

static void check_slug(const char *s, size_t n)
{
    struct kb_buf a, b;
    kb_buf_init(&a, 4096);
    kb_buf_init(&b, 4096);
    kb_slug_make(&a, s, n);
    if (kb_buf_err(&a))
        abort();
    const char *p = kb_buf_cstr(&a);
    if (!kb_utf8_valid(p, a.n) || kb_utf8_count(p, a.n) > KB_SLUG_MAX_CHARS)
        abort();
    if (a.n && (p[0] == '-' || p[a.n - 1] == '-' || strstr(p, "--")))
        abort();
    kb_slug_make(&b, p, a.n);
    if (a.n != b.n || memcmp(p, kb_buf_cstr(&b), a.n) != 0)
        abort();
    kb_buf_release(&a);
    kb_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    static const struct kb_civil ref = {2024, 11, 13, 0, 0, false};
    check_date(s, size, NULL);
    check_date(s, size, &ref);
    check_iso(s, size);
    check_slug(s, size);
    size_t w = kb_readtime_words(s, size) + kb_readtime_words_html(s, size);
    (void)w;
    return 0;
}
