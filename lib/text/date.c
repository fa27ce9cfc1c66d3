/*
 * date.c — dates as Arabic newsrooms write them: month-name tables per region, time-zone
 * offsets and the Umm al-Qura calendar through ICU, civil <-> unix arithmetic, ISO 8601 in
 * and out, display formatting, and a tolerant parser for dates found on pages.
 *
 * Invariants:
 * - Civil <-> unix conversion is pure arithmetic on the proleptic Gregorian calendar (no
 *   timegm, no TZ environment); instants are clamped to the years 1..9999.
 * - The parser works on a normalized copy of its input (arabic.md: NFKC, format marks,
 *   harakat and tatweel deleted, hamza forms to bare alef, ى→ي, ة→ه, Arabic-Indic and
 *   Persian digits to ASCII, Latin lower-cased, spaces collapsed); every word it compares
 *   against (month and weekday names) goes through the same normalization once, at first
 *   use, so the tables below are written in their display spelling.
 * - Out-parameters are written only on success; every failure says why in the diag.
 */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/unorm2.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include "khabar/text.h"
#include "khabar/utf8.h"
#include "text_int.h"

/* ---- month names --------------------------------------------------------------------- */

static const char *const months_standard[12] = {"يناير",  "فبراير", "مارس",   "أبريل",
                                                "مايو",   "يونيو",  "يوليو",  "أغسطس",
                                                "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"};
static const char *const months_levant[12] = {
    "كانون الثاني", "شباط", "آذار",  "نيسان",       "أيار",         "حزيران",
    "تموز",         "آب",   "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول"};
static const char *const months_combined[12] = {
    "يناير/كانون الثاني", "فبراير/شباط",        "مارس/آذار",           "أبريل/نيسان",
    "مايو/أيار",          "يونيو/حزيران",       "يوليو/تموز",          "أغسطس/آب",
    "سبتمبر/أيلول",       "أكتوبر/تشرين الأول", "نوفمبر/تشرين الثاني", "ديسمبر/كانون الأول"};
static const char *const months_maghreb[12] = {"جانفي",  "فيفري",  "مارس",   "أفريل",
                                               "ماي",    "جوان",   "جويلية", "أوت",
                                               "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"};
static const char *const months_morocco[12] = {"يناير", "فبراير", "مارس",   "أبريل",
                                               "ماي",   "يونيو",  "يوليوز", "غشت",
                                               "شتنبر", "أكتوبر", "نونبر",  "دجنبر"};
/* ICU's "ar@calendar=islamic-umalqura" month names (checked against ICU in test_date.c). */
static const char *const months_hijri[12] = {
    "محرم", "صفر",   "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب",  "شعبان", "رمضان",      "شوال",       "ذو القعدة",    "ذو الحجة"};
static const char *const months_english[12] = {"January",   "February", "March",    "April",
                                               "May",       "June",     "July",     "August",
                                               "September", "October",  "November", "December"};

const char *kb_month_name(enum kb_months style, int month)
{
    if (month < 1 || month > 12)
        return "";
    switch (style) {
    case KB_MONTHS_LEVANT:
        return months_levant[month - 1];
    case KB_MONTHS_COMBINED:
        return months_combined[month - 1];
    case KB_MONTHS_MAGHREB:
        return months_maghreb[month - 1];
    case KB_MONTHS_MOROCCO:
        return months_morocco[month - 1];
    case KB_MONTHS_STANDARD:
    default:
        return months_standard[month - 1];
    }
}

/* ---- numbers ------------------------------------------------------------------------- */

void kb_text_addnum(struct kb_buf *out, int64_t v, bool arabic_digits, int width)
{
    char tmp[24];
    int len = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[len++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (len < width && len < (int)sizeof(tmp))
        tmp[len++] = '0';
    if (v < 0)
        kb_buf_addch(out, '-');
    while (len--) {
        if (arabic_digits) { /* U+0660 + d is D9 A0+d */
            char d[2] = {'\xD9', (char)(0xA0 + (tmp[len] - '0'))};
            kb_buf_add(out, d, 2);
        } else {
            kb_buf_addch(out, tmp[len]);
        }
    }
}

/* ---- civil calendar arithmetic --------------------------------------------------------- */

#define KB_T_MIN (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define KB_T_MAX (253402300799LL) /* 9999-12-31T23:59:59Z */
#define KB_OFFSET_MAX (24 * 60)

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date: March-based years make the leap
 * day the last day of the year, so the day of the year is a linear function of the month. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                         /* 0..399 */
    int64_t mp = m > 2 ? m - 3 : m + 9;                  /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + d - 1;            /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

int64_t kb_civil_to_unix(const struct kb_civil *c, int offset_min)
{
    int64_t days = days_from_civil(c->year, c->month, c->day);
    int64_t secs = days * 86400;
    if (c->has_time)
        secs += (int64_t)c->hour * 3600 + (int64_t)c->minute * 60;
    return secs - (int64_t)offset_min * 60;
}

void kb_unix_to_civil(int64_t t, int offset_min, struct kb_civil *out)
{
    int64_t local =
        clamp64(t, KB_T_MIN, KB_T_MAX) + clamp64(offset_min, -KB_OFFSET_MAX, KB_OFFSET_MAX) * 60;
    int64_t days = floor_div(local, 86400);
    int64_t secs = local - days * 86400;
    int64_t y;
    civil_from_days(days, &y, &out->month, &out->day);
    out->year = (int)y;
    out->hour = (int)(secs / 3600);
    out->minute = (int)(secs % 3600 / 60);
    out->has_time = true;
}

/* ---- time zones (ICU) ------------------------------------------------------------------ */

/* One calendar per thread for the last zone asked (pages ask for the site's zone once per
 * date shown: opening a UCalendar each time was ~8% of a search page's CPU).  Freed by the
 * thread's exit through the key's destructor. */
struct tz_cache {
    char zone[65];
    UCalendar *cal;
};

static pthread_key_t tz_key;
static pthread_once_t tz_once = PTHREAD_ONCE_INIT;
static bool tz_key_ok;

static void tz_free(void *p)
{
    struct tz_cache *c = p;
    if (c->cal)
        ucal_close(c->cal);
    free(c);
}

static void tz_make_key(void)
{
    tz_key_ok = pthread_key_create(&tz_key, tz_free) == 0;
}

/* A calendar for `zone`, NULL when ICU does not know it.  The thread's cached one when the
 * zone is the same; owned by the cache when *cached, else the caller closes it. */
static UCalendar *tz_calendar(const char *zone, bool *cached)
{
    *cached = false;
    pthread_once(&tz_once, tz_make_key);
    struct tz_cache *c = tz_key_ok ? pthread_getspecific(tz_key) : NULL;
    if (c && c->cal && strcmp(c->zone, zone) == 0) {
        *cached = true;
        return c->cal;
    }
    UChar uz[80], canon[80];
    int32_t uzn = 0;
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(uz, 80, &uzn, zone, -1, &st);
    if (U_FAILURE(st))
        return NULL;
    UBool system_id = 0;
    ucal_getCanonicalTimeZoneID(uz, uzn, canon, 80, &system_id, &st);
    if (U_FAILURE(st))
        return NULL; /* ICU would silently use GMT for a zone it does not know */
    UCalendar *cal = ucal_open(uz, uzn, "en_US_POSIX", UCAL_GREGORIAN, &st);
    if (U_FAILURE(st)) {
        if (cal)
            ucal_close(cal);
        return NULL;
    }
    if (!c && tz_key_ok) {
        c = calloc(1, sizeof(*c));
        if (c && pthread_setspecific(tz_key, c) != 0) {
            free(c);
            c = NULL;
        }
    }
    if (!c)
        return cal;
    if (c->cal)
        ucal_close(c->cal);
    snprintf(c->zone, sizeof(c->zone), "%s", zone);
    c->cal = cal;
    *cached = true;
    return cal;
}

int kb_tz_offset(const char *zone, int64_t t, int *offset_min)
{
    if (!zone || !*zone || strlen(zone) > 64)
        return KB_EINVAL;
    bool cached;
    UCalendar *cal = tz_calendar(zone, &cached);
    if (!cal)
        return KB_EINVAL;
    UErrorCode st = U_ZERO_ERROR;
    ucal_setMillis(cal, (UDate)clamp64(t, KB_T_MIN, KB_T_MAX) * 1000.0, &st);
    int32_t ms = ucal_get(cal, UCAL_ZONE_OFFSET, &st);
    ms += ucal_get(cal, UCAL_DST_OFFSET, &st);
    if (!cached)
        ucal_close(cal);
    if (U_FAILURE(st))
        return KB_EINVAL;
    *offset_min = ms / 60000;
    return 0;
}

/* ---- ISO 8601 -------------------------------------------------------------------------- */

static void add2(struct kb_buf *out, int v)
{
    char s[2] = {(char)('0' + v / 10 % 10), (char)('0' + v % 10)};
    kb_buf_add(out, s, 2);
}

void kb_date_iso8601(struct kb_buf *out, int64_t t, int offset_min)
{
    offset_min = (int)clamp64(offset_min, -KB_OFFSET_MAX + 1, KB_OFFSET_MAX - 1);
    int64_t ct = clamp64(t, KB_T_MIN, KB_T_MAX);
    struct kb_civil c;
    kb_unix_to_civil(ct, offset_min, &c);
    int64_t local = ct + (int64_t)offset_min * 60;
    int sec = (int)(local - floor_div(local, 86400) * 86400) % 60;
    kb_buf_addf(out, "%04d-%02d-%02dT%02d:%02d:%02d%c", c.year, c.month, c.day, c.hour, c.minute,
                sec, offset_min < 0 ? '-' : '+');
    int a = offset_min < 0 ? -offset_min : offset_min;
    add2(out, a / 60);
    kb_buf_addch(out, ':');
    add2(out, a % 60);
}

struct iso_parts {
    struct kb_civil c;
    int second;
    bool has_offset;
    int offset;
};

/* Exactly `k` ASCII digits at s[*i]. */
static bool digits(const char *s, size_t n, size_t *i, int k, int *v)
{
    int r = 0;
    for (int j = 0; j < k; j++) {
        if (*i >= n || !isdigit((unsigned char)s[*i]))
            return false;
        r = r * 10 + (s[(*i)++] - '0');
    }
    *v = r;
    return true;
}

static int check_date(int64_t y, int m, int dd, const char *src, size_t srcn, struct kb_diag *d);
static int check_time(int h, int mi, const char *src, size_t srcn, struct kb_diag *d);
static int fail(struct kb_diag *d, const char *src, size_t srcn, const char *fmt, ...)
    KB_PRINTF(4, 5);

/* YYYY-MM-DD[(T| )HH:MM[:SS[(.|,)frac]][Z|±HH[:MM]|±HHMM]], the whole of s[0..n). */
static int iso_parse(const char *s, size_t n, struct iso_parts *o, struct kb_diag *d)
{
    struct iso_parts r = {{0, 0, 0, 0, 0, false}, 0, false, 0};
    size_t i = 0;
    if (!digits(s, n, &i, 4, &r.c.year) || i >= n || s[i++] != '-' ||
        !digits(s, n, &i, 2, &r.c.month) || i >= n || s[i++] != '-' ||
        !digits(s, n, &i, 2, &r.c.day))
        return fail(d, s, n, "not an ISO 8601 date (YYYY-MM-DD)");
    int rc = check_date(r.c.year, r.c.month, r.c.day, s, n, d);
    if (rc)
        return rc;
    if (i < n) {
        if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
            return isgraph((unsigned char)s[i])
                       ? fail(d, s, n, "unexpected '%c' after the date", s[i])
                       : fail(d, s, n, "unexpected text after the date");
        i++;
        if (!digits(s, n, &i, 2, &r.c.hour) || i >= n || s[i++] != ':' ||
            !digits(s, n, &i, 2, &r.c.minute))
            return fail(d, s, n, "the time must be HH:MM");
        r.c.has_time = true;
        if (i < n && s[i] == ':') {
            i++;
            if (!digits(s, n, &i, 2, &r.second) || r.second > 60)
                return fail(d, s, n, "the seconds must be 00..60");
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                size_t f = ++i;
                while (i < n && isdigit((unsigned char)s[i]))
                    i++;
                if (i == f)
                    return fail(d, s, n, "a decimal point without digits");
            }
        }
        rc = check_time(r.c.hour, r.c.minute, s, n, d);
        if (rc)
            return rc;
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
            r.has_offset = true;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            int sign = s[i++] == '-' ? -1 : 1, oh = 0, om = 0;
            if (!digits(s, n, &i, 2, &oh))
                return fail(d, s, n, "the offset must be +HH:MM, +HHMM or +HH");
            if (i < n && s[i] == ':')
                i++;
            if (i < n && !digits(s, n, &i, 2, &om))
                return fail(d, s, n, "the offset must be +HH:MM, +HHMM or +HH");
            if (oh > 23 || om > 59)
                return fail(d, s, n, "offset %02d:%02d is out of range", oh, om);
            r.has_offset = true;
            r.offset = sign * (oh * 60 + om);
        }
    }
    if (i != n)
        return fail(d, s, n, "unexpected text after the date-time");
    *o = r;
    return 0;
}

int kb_date_parse_iso8601(const char *s, size_t n, int default_offset, int64_t *t, int *offset_min,
                          struct kb_diag *d)
{
    if (!s)
        return kb_diag_set(d, KB_EINVAL, "date", "no date");
    struct kb_str v = kb_str_trim((struct kb_str){s, n});
    if (v.n > KB_DATE_MAX_INPUT)
        return kb_diag_set(d, KB_ETOOBIG, "date", "longer than %d bytes", KB_DATE_MAX_INPUT);
    struct iso_parts p;
    int rc = iso_parse(v.p, v.n, &p, d);
    if (rc)
        return rc;
    int off = p.has_offset ? p.offset : default_offset;
    *t = kb_civil_to_unix(&p.c, off) + p.second;
    *offset_min = off;
    return 0;
}

/* ---- display --------------------------------------------------------------------------- */

void kb_date_format(struct kb_buf *out, int64_t t, int offset_min, const struct kb_date_style *st)
{
    static const struct kb_date_style def = {KB_MONTHS_STANDARD, KB_DIGITS_LATIN, false};
    if (!st)
        st = &def;
    bool ar = st->digits == KB_DIGITS_ARABIC;
    struct kb_civil c;
    kb_unix_to_civil(t, offset_min, &c);
    kb_text_addnum(out, c.day, ar, 1);
    kb_buf_addch(out, ' ');
    kb_buf_adds(out, kb_month_name(st->months, c.month));
    kb_buf_addch(out, ' ');
    kb_text_addnum(out, c.year, ar, 4);
}

static UCalendar *open_hijri(UErrorCode *st)
{
    static const UChar utc[] = {'U', 'T', 'C', 0};
    return ucal_open(utc, -1, "ar@calendar=islamic-umalqura", UCAL_DEFAULT, st);
}

int kb_date_format_hijri(struct kb_buf *out, int64_t t, int offset_min, enum kb_digits digits_)
{
    UErrorCode st = U_ZERO_ERROR;
    UCalendar *cal = open_hijri(&st);
    if (U_FAILURE(st))
        return KB_EINTERNAL;
    /* A UTC calendar at the shifted instant reads the wall clock of the offset. */
    int64_t local =
        clamp64(t, KB_T_MIN, KB_T_MAX) + clamp64(offset_min, -KB_OFFSET_MAX, KB_OFFSET_MAX) * 60;
    ucal_setMillis(cal, (UDate)local * 1000.0, &st);
    int32_t day = ucal_get(cal, UCAL_DATE, &st);
    int32_t month = ucal_get(cal, UCAL_MONTH, &st);
    int32_t year = ucal_get(cal, UCAL_EXTENDED_YEAR, &st);
    ucal_close(cal);
    if (U_FAILURE(st) || month < 0 || month > 11)
        return KB_EINTERNAL;
    if (year < 1)
        return KB_EINVAL; /* before the Hijra */
    bool ar = digits_ == KB_DIGITS_ARABIC;
    kb_text_addnum(out, day, ar, 1);
    kb_buf_addch(out, ' ');
    kb_buf_adds(out, months_hijri[month]);
    kb_buf_addch(out, ' ');
    kb_text_addnum(out, year, ar, 4);
    kb_buf_adds(out, " هـ");
    return 0;
}

/* Gregorian date of Umm al-Qura y/m/d through ICU, refusing days the month does not have. */
static int hijri_to_civil(int y, int m, int dd, struct kb_civil *out)
{
    UErrorCode st = U_ZERO_ERROR;
    UCalendar *cal = open_hijri(&st);
    if (U_FAILURE(st))
        return KB_EINTERNAL;
    ucal_setAttribute(cal, UCAL_LENIENT, 0);
    ucal_clear(cal);
    ucal_set(cal, UCAL_EXTENDED_YEAR, y);
    ucal_set(cal, UCAL_MONTH, m - 1);
    ucal_set(cal, UCAL_DATE, dd);
    UDate ms = ucal_getMillis(cal, &st);
    ucal_close(cal);
    if (U_FAILURE(st))
        return KB_EINVAL;
    kb_unix_to_civil(floor_div((int64_t)ms, 1000), 0, out);
    return 0;
}

/* ---- normalization --------------------------------------------------------------------- */

#define NORM_UCHARS (KB_DATE_MAX_INPUT * 4 + 16)

static uint32_t norm_cp(uint32_t cp)
{
    if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640 ||
        (cp >= 0x200B && cp <= 0x200F) || cp == 0x061C || cp == 0xFEFF ||
        (cp >= 0x2066 && cp <= 0x2069) || (cp >= 0x202A && cp <= 0x202E) || cp == 0x00AD)
        return 0; /* deleted */
    switch (cp) {
    case 0x0622:
    case 0x0623:
    case 0x0625:
    case 0x0671:
        return 0x0627; /* آ أ إ ٱ → ا */
    case 0x0649:
        return 0x064A; /* ى → ي */
    case 0x0629:
        return 0x0647; /* ة → ه */
    case 0x06A9:
        return 0x0643; /* Persian ک → ك */
    case 0x06CC:
        return 0x064A; /* Persian ی → ي */
    case 0x060C:
    case 0x066C:
        return ',';
    case 0x061B:
        return ';';
    case 0x066B:
        return '.';
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2212:
        return '-';
    case 0x2044:
    case 0x2215:
        return '/';
    default:
        break;
    }
    if (cp >= 0x0660 && cp <= 0x0669)
        return '0' + (cp - 0x0660);
    if (cp >= 0x06F0 && cp <= 0x06F9)
        return '0' + (cp - 0x06F0);
    if (cp < 0x80)
        return isspace((int)cp) ? ' ' : (uint32_t)tolower((int)cp);
    if (cp == 0xA0 || u_isUWhiteSpace((UChar32)cp))
        return ' ';
    return (uint32_t)u_tolower((UChar32)cp);
}

/* Normalize s[0..n) into out (NUL-terminated), collapsing spaces and trimming them. */
static int normalize(const char *s, size_t n, struct kb_buf *out)
{
    UChar *a = kb_malloc(sizeof(UChar) * NORM_UCHARS);
    UChar *b = kb_malloc(sizeof(UChar) * NORM_UCHARS);
    int rc = 0;
    UErrorCode st = U_ZERO_ERROR;
    int32_t an = 0;
    u_strFromUTF8WithSub(a, NORM_UCHARS, &an, s, (int32_t)n, 0xFFFD, NULL, &st);
    const UNormalizer2 *nfkc = U_SUCCESS(st) ? unorm2_getNFKCInstance(&st) : NULL;
    int32_t bn = nfkc ? unorm2_normalize(nfkc, a, an, b, NORM_UCHARS, &st) : 0;
    if (U_FAILURE(st)) {
        rc = st == U_BUFFER_OVERFLOW_ERROR ? KB_ETOOBIG : KB_EINTERNAL;
        goto out;
    }
    bool space = true; /* drop leading spaces */
    for (int32_t i = 0; i < bn;) {
        UChar32 c;
        U16_NEXT(b, i, bn, c);
        uint32_t m = norm_cp((uint32_t)c);
        if (m == 0)
            continue;
        if (m == ' ') {
            if (!space)
                kb_buf_addch(out, ' ');
            space = true;
            continue;
        }
        space = false;
        char enc[4];
        kb_buf_add(out, enc, kb_utf8_encode(m, enc));
    }
    if (out->n && out->p[out->n - 1] == ' ')
        out->p[--out->n] = '\0';
    rc = kb_buf_err(out);
out:
    free(a);
    free(b);
    return rc;
}

/* ---- the words the parser knows ---------------------------------------------------------- */

enum cal { CAL_GREG, CAL_HIJRI };

struct name_src {
    const char *s;
    int value;
    enum cal cal;
};

/* Spellings seen in print beyond the five tables, and English month names. */
static const struct name_src month_extra[] = {
    {"يونيه", 6, CAL_GREG},        {"يوليه", 7, CAL_GREG},        {"كانون ثاني", 1, CAL_GREG},
    {"تشرين أول", 10, CAL_GREG},   {"تشرين ثاني", 11, CAL_GREG},  {"كانون أول", 12, CAL_GREG},
    {"january", 1, CAL_GREG},      {"february", 2, CAL_GREG},     {"march", 3, CAL_GREG},
    {"april", 4, CAL_GREG},        {"may", 5, CAL_GREG},          {"june", 6, CAL_GREG},
    {"july", 7, CAL_GREG},         {"august", 8, CAL_GREG},       {"september", 9, CAL_GREG},
    {"october", 10, CAL_GREG},     {"november", 11, CAL_GREG},    {"december", 12, CAL_GREG},
    {"jan", 1, CAL_GREG},          {"feb", 2, CAL_GREG},          {"mar", 3, CAL_GREG},
    {"apr", 4, CAL_GREG},          {"jun", 6, CAL_GREG},          {"jul", 7, CAL_GREG},
    {"aug", 8, CAL_GREG},          {"sep", 9, CAL_GREG},          {"sept", 9, CAL_GREG},
    {"oct", 10, CAL_GREG},         {"nov", 11, CAL_GREG},         {"dec", 12, CAL_GREG},
    {"ربيع الثاني", 4, CAL_HIJRI}, {"جمادى الأول", 5, CAL_HIJRI}, {"جمادى الثانية", 6, CAL_HIJRI},
    {"جمادى الآخر", 6, CAL_HIJRI}, {"ذي القعدة", 11, CAL_HIJRI},  {"ذي الحجة", 12, CAL_HIJRI},
};

static const struct name_src weekday_src[] = {
    {"الأحد", 0, CAL_GREG},    {"الإثنين", 1, CAL_GREG},  {"الاثنين", 1, CAL_GREG},
    {"الثلاثاء", 2, CAL_GREG}, {"الأربعاء", 3, CAL_GREG}, {"الخميس", 4, CAL_GREG},
    {"الجمعة", 5, CAL_GREG},   {"السبت", 6, CAL_GREG},    {"sunday", 0, CAL_GREG},
    {"monday", 1, CAL_GREG},   {"tuesday", 2, CAL_GREG},  {"wednesday", 3, CAL_GREG},
    {"thursday", 4, CAL_GREG}, {"friday", 5, CAL_GREG},   {"saturday", 6, CAL_GREG},
    {"sun", 0, CAL_GREG},      {"mon", 1, CAL_GREG},      {"tue", 2, CAL_GREG},
    {"tues", 2, CAL_GREG},     {"wed", 3, CAL_GREG},      {"thu", 4, CAL_GREG},
    {"thur", 4, CAL_GREG},     {"thurs", 4, CAL_GREG},    {"fri", 5, CAL_GREG},
    {"sat", 6, CAL_GREG},
};

struct name {
    char s[64]; /* normalized, words separated by one space */
    int value;
    enum cal cal;
};

#define MONTH_NAMES (12 * 5 + sizeof(month_extra) / sizeof(month_extra[0]))
#define WEEKDAY_NAMES (sizeof(weekday_src) / sizeof(weekday_src[0]))

static struct name month_names[MONTH_NAMES];
static struct name weekday_names[WEEKDAY_NAMES];
static size_t n_month_names, n_weekday_names;
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void add_name(struct name *tab, size_t *n, const char *s, int value, enum cal cal)
{
    struct kb_buf b;
    kb_buf_init(&b, sizeof(tab[0].s) - 1);
    if (normalize(s, strlen(s), &b) == 0 && b.n > 0) {
        memcpy(tab[*n].s, b.p, b.n + 1);
        tab[*n].value = value;
        tab[*n].cal = cal;
        (*n)++;
    }
    kb_buf_release(&b);
}

static void init_names(void)
{
    static const char *const *const tables[] = {months_standard, months_levant, months_maghreb,
                                                months_morocco, months_hijri};
    for (size_t t = 0; t < 5; t++)
        for (int m = 0; m < 12; m++)
            add_name(month_names, &n_month_names, tables[t][m], m + 1,
                     t == 4 ? CAL_HIJRI : CAL_GREG);
    for (size_t k = 0; k < sizeof(month_extra) / sizeof(month_extra[0]); k++)
        add_name(month_names, &n_month_names, month_extra[k].s, month_extra[k].value,
                 month_extra[k].cal);
    for (size_t k = 0; k < WEEKDAY_NAMES; k++)
        add_name(weekday_names, &n_weekday_names, weekday_src[k].s, weekday_src[k].value, CAL_GREG);
}

/* ---- tokens ------------------------------------------------------------------------------ */

enum tk { TK_NUM, TK_WORD, TK_PUNCT };

struct tok {
    enum tk k;
    const char *p; /* into the normalized text */
    size_t n;
    int v;  /* TK_NUM: the value, INT_MAX when longer than 9 digits */
    int nd; /* TK_NUM: digit count */
};

#define MAX_TOKENS 96

static int tokenize(const char *s, size_t n, struct tok *t, size_t *nt, bool truncate)
{
    size_t i = 0, k = 0;
    while (i < n) {
        if (s[i] == ' ') {
            i++;
            continue;
        }
        if (k == MAX_TOKENS) {
            if (!truncate)
                return -1;
            break; /* kb_date_find looks at the first MAX_TOKENS tokens only */
        }
        struct tok *o = &t[k++];
        o->p = s + i;
        o->v = 0;
        o->nd = 0;
        if (isdigit((unsigned char)s[i])) {
            o->k = TK_NUM;
            while (i < n && isdigit((unsigned char)s[i])) {
                o->v = o->nd < 9 ? o->v * 10 + (s[i] - '0') : INT_MAX;
                o->nd++;
                i++;
            }
        } else {
            uint32_t cp;
            size_t len = kb_utf8_decode(s + i, n - i, &cp);
            if (u_isalpha((UChar32)cp) && cp != KB_UTF8_REPLACEMENT) {
                o->k = TK_WORD;
                while (i < n) {
                    len = kb_utf8_decode(s + i, n - i, &cp);
                    if (!u_isalpha((UChar32)cp) || cp == KB_UTF8_REPLACEMENT)
                        break;
                    i += len;
                }
            } else {
                o->k = TK_PUNCT;
                i += len;
            }
        }
        o->n = (size_t)(s + i - o->p);
    }
    *nt = k;
    return 0;
}

/* ---- the parser ------------------------------------------------------------------------- */

struct ps {
    const char *src; /* the caller's text, for messages */
    size_t srcn;
    const char *norm; /* the normalized text */
    size_t normn;
    struct tok t[MAX_TOKENS];
    size_t nt, i;
    const struct kb_civil *ref;
    struct kb_diag *d;
    bool prefix; /* kb_date_find: words after the date are allowed */
};

static int vfail(struct kb_diag *d, const char *src, size_t srcn, const char *fmt, va_list ap)
    KB_PRINTF(4, 0);

static int vfail(struct kb_diag *d, const char *src, size_t srcn, const char *fmt, va_list ap)
{
    if (!d)
        return KB_EINVAL;
    char why[200];
    vsnprintf(why, sizeof(why), fmt, ap);
    /* Quote about 60 bytes of the input, re-encoded so the message is valid UTF-8 even when
     * the input is not, with control characters shown as '?'. */
    char quote[80];
    size_t q = 0, i = 0;
    while (i < srcn && q < 60) {
        uint32_t cp;
        i += kb_utf8_decode(src + i, srcn - i, &cp);
        if (cp < 0x20 || cp == 0x7F)
            cp = '?';
        q += kb_utf8_encode(cp, quote + q);
    }
    quote[q] = '\0';
    return kb_diag_set(d, KB_EINVAL, "date", "\"%s%s\": %s", quote, i < srcn ? "..." : "", why);
}

static int fail(struct kb_diag *d, const char *src, size_t srcn, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(d, src, srcn, fmt, ap);
    va_end(ap);
    return rc;
}

static int pfail(struct ps *p, const char *fmt, ...) KB_PRINTF(2, 3);
static int pfail(struct ps *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(p->d, p->src, p->srcn, fmt, ap);
    va_end(ap);
    return rc;
}

static int check_date(int64_t y, int m, int dd, const char *src, size_t srcn, struct kb_diag *d)
{
    if (y < 1 || y > 9999)
        return fail(d, src, srcn, "year %lld is out of range (1..9999)", (long long)y);
    if (m < 1 || m > 12)
        return fail(d, src, srcn, "month %d does not exist", m);
    if (dd < 1 || dd > days_in_month(y, m))
        return fail(d, src, srcn, "day %d does not exist in %s %lld", dd, months_english[m - 1],
                    (long long)y);
    return 0;
}

static int check_time(int h, int mi, const char *src, size_t srcn, struct kb_diag *d)
{
    if (h < 0 || h > 23 || mi < 0 || mi > 59)
        return fail(d, src, srcn, "time %d:%02d does not exist", h, mi);
    return 0;
}

static const struct tok *at(const struct ps *p, size_t k)
{
    return p->i + k < p->nt ? &p->t[p->i + k] : NULL;
}

static bool is_punct(const struct tok *t, char c)
{
    return t && t->k == TK_PUNCT && t->n == 1 && t->p[0] == c;
}

/* `w` is written normalized (ة as ه, no hamza on alef). */
static bool is_word(const struct tok *t, const char *w)
{
    return t && t->k == TK_WORD && t->n == strlen(w) && memcmp(t->p, w, t->n) == 0;
}

static bool is_num(const struct tok *t)
{
    return t && t->k == TK_NUM;
}

static bool accept_word(struct ps *p, const char *w)
{
    if (!is_word(at(p, 0), w))
        return false;
    p->i++;
    return true;
}

/* Longest entry of tab matching the word tokens at the cursor: index, or -1. */
static int match_name(const struct ps *p, const struct name *tab, size_t n, size_t *ntok)
{
    int best = -1;
    size_t best_len = 0;
    for (size_t k = 0; k < n; k++) {
        const char *s = tab[k].s;
        size_t used = 0;
        bool ok = true;
        while (*s) {
            const char *e = strchr(s, ' ');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            const struct tok *t = at(p, used);
            if (!t || t->k != TK_WORD || t->n != len || memcmp(t->p, s, len) != 0) {
                ok = false;
                break;
            }
            used++;
            s += len + (e ? 1 : 0);
        }
        if (ok && used > best_len) {
            best = (int)k;
            best_len = used;
        }
    }
    *ntok = best_len;
    return best;
}

/* A month name, or two of them around '/' ("فبراير/شباط" in either order). */
static int parse_month(struct ps *p, int *month, enum cal *cal)
{
    size_t len;
    int k = match_name(p, month_names, n_month_names, &len);
    if (k < 0)
        return 1; /* not a month */
    p->i += len;
    *month = month_names[k].value;
    *cal = month_names[k].cal;
    if (is_punct(at(p, 0), '/') && at(p, 1) && at(p, 1)->k == TK_WORD) {
        p->i++;
        int k2 = match_name(p, month_names, n_month_names, &len);
        if (k2 < 0)
            return pfail(p, "'%.*s' after '/' is not a month name", (int)at(p, 0)->n, at(p, 0)->p);
        if (month_names[k2].value != *month || month_names[k2].cal != *cal)
            return pfail(p, "the two month names '%s' and '%s' disagree", month_names[k].s,
                         month_names[k2].s);
        p->i += len;
    }
    return 0;
}

/* الجاري / الماضي / المقبل after a month, or "[من] العام الماضي".  1 when not there. */
static int parse_relative(struct ps *p, int month, enum cal cal, int64_t *year)
{
    size_t save = p->i;
    bool year_word = false;
    accept_word(p, "من");
    if (accept_word(p, "العام") || accept_word(p, "السنه") || accept_word(p, "عام"))
        year_word = true;
    int rel;
    if (accept_word(p, "الجاري") || accept_word(p, "الحالي"))
        rel = 0;
    else if (accept_word(p, "الماضي") || accept_word(p, "المنصرم") || accept_word(p, "الفائت"))
        rel = -1;
    else if (accept_word(p, "المقبل") || accept_word(p, "القادم"))
        rel = 1;
    else {
        p->i = save;
        return 1;
    }
    if (cal != CAL_GREG)
        return pfail(p, "a relative year needs a Gregorian month");
    const struct kb_civil *r = p->ref;
    if (!r)
        return pfail(p, "a relative year (الجاري, الماضي, المقبل) needs the date it is "
                        "relative to");
    if (r->month < 1 || r->month > 12 || r->year < 1 || r->year > 9999)
        return pfail(p, "the reference date %d-%d is not a valid date", r->year, r->month);
    if (year_word || rel == 0)
        *year = (int64_t)r->year + rel;
    else if (rel < 0)
        *year = month < r->month ? r->year : (int64_t)r->year - 1;
    else
        *year = month > r->month ? r->year : (int64_t)r->year + 1;
    return 0;
}

static int parse_year(struct ps *p, int month, enum cal cal, int64_t *year)
{
    if (is_punct(at(p, 0), ',') && is_num(at(p, 1)))
        p->i++;
    const struct tok *t = at(p, 0);
    if (is_num(t)) {
        if (t->nd != 4 && !(cal == CAL_HIJRI && t->nd == 3))
            return pfail(p, "the year '%.*s' must have four digits", (int)t->n, t->p);
        *year = t->v;
        p->i++;
        return 0;
    }
    int rc = parse_relative(p, month, cal, year);
    if (rc <= 0)
        return rc;
    return pfail(p, "no year after the month");
}

static bool skip_ordinal(struct ps *p)
{
    return accept_word(p, "st") || accept_word(p, "nd") || accept_word(p, "rd") ||
           accept_word(p, "th");
}

static int parse_day(struct ps *p, int *day)
{
    const struct tok *t = at(p, 0);
    if (!is_num(t) || t->nd > 2)
        return pfail(p, "expected a day of the month");
    *day = t->v;
    p->i++;
    skip_ordinal(p);
    return 0;
}

/* [- | ,] [الساعه | at] H:MM[:SS] [ص | م | am | pm ...] */
static int parse_time(struct ps *p, struct kb_civil *c)
{
    size_t save = p->i;
    if (is_punct(at(p, 0), '-') || is_punct(at(p, 0), ',') || is_punct(at(p, 0), '|'))
        p->i++;
    if (!accept_word(p, "الساعه"))
        accept_word(p, "at");
    const struct tok *h = at(p, 0);
    if (!is_num(h) || !is_punct(at(p, 1), ':') || !is_num(at(p, 2))) {
        p->i = save;
        return 1;
    }
    const struct tok *mi = at(p, 2);
    if (h->nd > 2 || mi->nd != 2)
        return pfail(p, "the time must be H:MM");
    int hour = h->v, minute = mi->v;
    p->i += 3;
    if (is_punct(at(p, 0), ':') && is_num(at(p, 1))) {
        if (at(p, 1)->nd != 2 || at(p, 1)->v > 60)
            return pfail(p, "the seconds must be 00..60");
        p->i += 2;
    }
    int half = 0; /* 1 am, 2 pm */
    if (accept_word(p, "ص") || accept_word(p, "صباحا") || accept_word(p, "am"))
        half = 1;
    else if (accept_word(p, "م") || accept_word(p, "مساء") || accept_word(p, "مساءا") ||
             accept_word(p, "pm"))
        half = 2;
    if (half) {
        if (hour > 12 && half == 1)
            return pfail(p, "%d:%02d is not a morning time", hour, minute);
        if (hour == 12 && half == 1)
            hour = 0;
        else if (hour < 12 && half == 2)
            hour += 12;
    }
    int rc = check_time(hour, minute, p->src, p->srcn, p->d);
    if (rc)
        return rc;
    c->hour = hour;
    c->minute = minute;
    c->has_time = true;
    return 0;
}

/* A zone after the time says where the wall clock is; the civil time is kept as written. */
static void skip_zone(struct ps *p)
{
    if (accept_word(p, "بتوقيت")) {
        p->i = p->nt; /* "بتوقيت مكه المكرمه", "بتوقيت غرينتش": the rest names the zone */
        return;
    }
    if (accept_word(p, "gmt") || accept_word(p, "utc") || accept_word(p, "z")) {
        ;
    }
    if ((is_punct(at(p, 0), '+') || is_punct(at(p, 0), '-')) && is_num(at(p, 1))) {
        p->i += 2;
        if (is_punct(at(p, 0), ':') && is_num(at(p, 1)))
            p->i += 2;
    }
}

static int parse_tokens(struct ps *p, struct kb_civil *out)
{
    struct kb_civil c = {0, 0, 0, 0, 0, false};
    int64_t year = 0;
    enum cal cal = CAL_GREG;
    size_t len;

    accept_word(p, "يوم");
    if (match_name(p, weekday_names, n_weekday_names, &len) >= 0) {
        p->i += len;
        if (is_punct(at(p, 0), ',') || is_punct(at(p, 0), '-'))
            p->i++;
    }

    const struct tok *t = at(p, 0);
    if (!t)
        return pfail(p, "no date");
    if (is_num(t) && t->nd == 4 && is_punct(at(p, 1), '-')) {
        struct iso_parts iso;
        const char *s = t->p;
        if (iso_parse(s, (size_t)(p->norm + p->normn - s), &iso, NULL) == 0) {
            *out = iso.c;
            return 0;
        }
    }

    int rc;
    if (is_num(t) && at(p, 1) && at(p, 1)->k == TK_PUNCT && at(p, 1)->n == 1 &&
        strchr("/.-", at(p, 1)->p[0]) && is_num(at(p, 2))) {
        /* Numeric: day/month/year, or year/month/day when the first has four digits. */
        char sep = at(p, 1)->p[0];
        const struct tok *a = at(p, 0), *b = at(p, 2), *e = at(p, 4);
        if (!is_punct(at(p, 3), sep) || !is_num(e))
            return pfail(p, "a numeric date needs day, month and year");
        const struct tok *ty = a->nd == 4 ? a : e, *td = a->nd == 4 ? e : a;
        if (ty->nd != 4)
            return pfail(p, "the year '%.*s' must have four digits", (int)ty->n, ty->p);
        if (td->nd > 2 || b->nd > 2)
            return pfail(p, "the day and the month must have one or two digits");
        year = ty->v;
        c.month = b->v;
        c.day = td->v;
        p->i += 5;
    } else if (is_num(t)) {
        rc = parse_day(p, &c.day);
        if (rc)
            return rc;
        accept_word(p, "من");
        accept_word(p, "شهر");
        rc = parse_month(p, &c.month, &cal);
        if (rc > 0)
            return at(p, 0) ? pfail(p, "'%.*s' is not a month name", (int)at(p, 0)->n, at(p, 0)->p)
                            : pfail(p, "no month after the day");
        if (rc)
            return rc;
        rc = parse_year(p, c.month, cal, &year);
        if (rc)
            return rc;
    } else {
        accept_word(p, "شهر");
        rc = parse_month(p, &c.month, &cal);
        if (rc > 0)
            return t->k == TK_WORD ? pfail(p, "'%.*s' is not a month name", (int)t->n, t->p)
                                   : pfail(p, "no date found");
        if (rc)
            return rc;
        rc = parse_day(p, &c.day);
        if (rc)
            return rc;
        rc = parse_year(p, c.month, cal, &year);
        if (rc)
            return rc;
    }

    /* Era: م / ميلادي for the Gregorian calendar, هـ / هجري for the Hijri one. */
    if (accept_word(p, "م") || accept_word(p, "ميلادي") || accept_word(p, "ميلاديه") ||
        accept_word(p, "ad") || accept_word(p, "ce")) {
        if (cal == CAL_HIJRI)
            return pfail(p, "a Hijri month with a Gregorian era (م)");
    } else if (accept_word(p, "ه") || accept_word(p, "هجري") || accept_word(p, "هجريه") ||
               accept_word(p, "ah")) {
        if (cal != CAL_HIJRI)
            return pfail(p, "a Gregorian month with a Hijri era (هـ)");
    }

    rc = parse_time(p, &c);
    if (rc < 0)
        return rc;
    if (rc == 0)
        skip_zone(p);
    if (p->i < p->nt && !p->prefix)
        return pfail(p, "unexpected '%.*s' after the date", (int)at(p, 0)->n, at(p, 0)->p);

    if (cal == CAL_HIJRI) {
        if (year < 1 || year > 9999 || c.month < 1 || c.month > 12 || c.day < 1 || c.day > 30)
            return pfail(p, "Hijri date %d/%d/%lld does not exist", c.day, c.month,
                         (long long)year);
        struct kb_civil g;
        rc = hijri_to_civil((int)year, c.month, c.day, &g);
        if (rc == KB_EINVAL)
            return pfail(p, "day %d does not exist in %s %lld", c.day, months_hijri[c.month - 1],
                         (long long)year);
        if (rc)
            return kb_diag_set(p->d, rc, "date", "ICU could not convert the Hijri date");
        year = g.year;
        c.month = g.month;
        c.day = g.day;
    }
    rc = check_date(year, c.month, c.day, p->src, p->srcn, p->d);
    if (rc)
        return rc;
    c.year = (int)year;
    *out = c;
    return 0;
}

int kb_date_parse(const char *s, size_t n, const struct kb_civil *ref, struct kb_civil *out,
                  struct kb_diag *d)
{
    if (!s)
        return kb_diag_set(d, KB_EINVAL, "date", "no date");
    if (n > KB_DATE_MAX_INPUT)
        return kb_diag_set(d, KB_ETOOBIG, "date", "longer than %d bytes", KB_DATE_MAX_INPUT);
    pthread_once(&names_once, init_names);
    struct kb_buf norm;
    kb_buf_init(&norm, KB_DATE_MAX_INPUT * 8);
    struct ps *p = kb_calloc(1, sizeof(*p));
    int rc = normalize(s, n, &norm);
    if (rc) {
        rc = kb_diag_set(d, rc, "date", "the text could not be normalized");
        goto out;
    }
    p->src = s;
    p->srcn = n;
    p->norm = kb_buf_cstr(&norm);
    p->normn = norm.n;
    p->ref = ref;
    p->d = d;
    if (tokenize(p->norm, p->normn, p->t, &p->nt, false) != 0) {
        rc = pfail(p, "too many parts for a date");
        goto out;
    }
    struct kb_civil c;
    rc = parse_tokens(p, &c);
    if (rc == 0)
        *out = c;
out:
    free(p);
    kb_buf_release(&norm);
    return rc;
}

int kb_date_find(const char *s, size_t n, const struct kb_civil *ref, struct kb_civil *out)
{
    if (!s || n > KB_DATE_MAX_INPUT)
        return KB_ETOOBIG;
    pthread_once(&names_once, init_names);
    struct kb_buf norm;
    kb_buf_init(&norm, KB_DATE_MAX_INPUT * 8);
    struct ps *p = kb_calloc(1, sizeof(*p));
    int rc = normalize(s, n, &norm);
    if (rc == 0) {
        p->src = s;
        p->srcn = n;
        p->norm = kb_buf_cstr(&norm);
        p->normn = norm.n;
        p->ref = ref;
        p->prefix = true;
        tokenize(p->norm, p->normn, p->t, &p->nt, true);
        rc = KB_ENOTFOUND;
        for (size_t k = 0; k < p->nt && rc; k++) {
            if (p->t[k].k == TK_PUNCT)
                continue;
            p->i = k;
            struct kb_civil c;
            if (parse_tokens(p, &c) == 0) {
                *out = c;
                rc = 0;
            }
        }
    }
    free(p);
    kb_buf_release(&norm);
    return rc;
}
