/*
 * text.h — language facts the engine is built on: reading time, Arabic dates, slugs.
 *
 * Everything here follows ../shared/docs/arabic.md (the project's design note is
 * docs/arabic.md).  Functions are pure and thread-safe unless noted; ICU is used for
 * calendars and plural rules.
 */
#ifndef KHABAR_TEXT_H
#define KHABAR_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/buf.h"
#include "khabar/err.h"

/* ---- reading time ------------------------------------------------------------------ */

/* Words in plain text: runs of letters/digits, after removing tatweel and harakat (so a
 * vowelled word is one word, not fragments).  Invalid UTF-8 never fails. */
size_t kb_readtime_words(const char *text, size_t n);
/* The same over HTML: tags are skipped, character references count as text. */
size_t kb_readtime_words_html(const char *html, size_t n);
/* Reading speed in words per minute for a BCP 47 language, by its primary subtag ("ar" 180,
 * "en" 238, others 184; NULL or "" is "ar").  kb_readtime_set_wpm overrides one language, or
 * the default for all others with lang "*"; wpm <= 0 is ignored.  Up to 16 languages.  Not
 * thread-safe: call it at start-up. */
int kb_readtime_wpm(const char *lang);
void kb_readtime_set_wpm(const char *lang, int wpm);
/* max(1, ceil(words / wpm(lang))), capped at INT_MAX. */
int kb_readtime_minutes(size_t words, const char *lang);
/* Append the label a reader sees.  Arabic (lang "ar*", NULL or "") agrees with the number
 * through ICU's plural rules: 1 "دقيقة واحدة قراءة", 2 "دقيقتان قراءة", 3–10 (few)
 * "3 دقائق قراءة", 11–99 (many) and 100–102 (other) "11 دقيقة قراءة".  Every other language
 * gets "3 min read".  Digits are Arabic-Indic when `arabic_digits`.  minutes < 1 count as 1. */
void kb_readtime_format(struct kb_buf *out, int minutes, const char *lang, bool arabic_digits);

/* ---- dates --------------------------------------------------------------------------- */

enum kb_months {
    KB_MONTHS_STANDARD, /* يناير فبراير ... (Egypt, Gulf, pan-Arab) — the default */
    KB_MONTHS_LEVANT,   /* كانون الثاني، شباط ... (Levant, Iraq) */
    KB_MONTHS_COMBINED, /* نوفمبر/تشرين الثاني (pan-Arab outlets) */
    KB_MONTHS_MAGHREB,  /* جانفي فيفري ... (Algeria, Tunisia) */
    KB_MONTHS_MOROCCO,  /* يناير ... يوليوز غشت شتنبر نونبر دجنبر */
};

enum kb_digits { KB_DIGITS_LATIN, KB_DIGITS_ARABIC };

struct kb_date_style {
    enum kb_months months;
    enum kb_digits digits;
    bool hijri; /* the site also shows the Umm al-Qura date (kb_date_format_hijri); the
                 * Gregorian kb_date_format never includes it */
};

/* A calendar date with optional wall-clock time, as written on a page. */
struct kb_civil {
    int year, month, day; /* Gregorian, month 1..12 */
    int hour, minute;     /* valid when has_time */
    bool has_time;
};

/* Month name (1..12) in a style; KB_MONTHS_COMBINED gives "نوفمبر/تشرين الثاني".  A static
 * string; "" for a month out of range. */
const char *kb_month_name(enum kb_months style, int month);

/* Offset in minutes east of UTC of IANA zone `zone` at instant `t` (unix seconds), through
 * ICU.  Unknown zones are KB_EINVAL.  Thread-safe. */
KB_MUST_CHECK int kb_tz_offset(const char *zone, int64_t t, int *offset_min);

/* Unix seconds for a civil date/time at a fixed offset (minutes east of UTC); midnight when
 * !has_time.  Pure proleptic-Gregorian arithmetic: no TZ environment, no validation (pass a
 * real date, as kb_date_parse gives). */
int64_t kb_civil_to_unix(const struct kb_civil *c, int offset_min);
/* Civil date/time of instant t at offset (has_time is set).  Instants outside the years
 * 1..9999 are clamped to them, offsets to ±24 h. */
void kb_unix_to_civil(int64_t t, int offset_min, struct kb_civil *out);

/* "2024-11-13T00:00:00+03:00" (always with an offset; "+00:00" for UTC). */
void kb_date_iso8601(struct kb_buf *out, int64_t t, int offset_min);
/* Inputs longer than this are refused with KB_ETOOBIG by the parsers below. */
#define KB_DATE_MAX_INPUT 512

/* Parse ISO 8601 / RFC 3339 date-times: "2024-11-13", "2024-11-13T10:20", with seconds,
 * fractions (dropped), "Z", "+03:00", "+0300" or "+03"; 'T' may be a space; surrounding
 * spaces are ignored.  A date-time without an offset is taken at `default_offset`, which is
 * then also *offset_min.  Errors: KB_EINVAL (with the reason in d), KB_ETOOBIG. */
KB_MUST_CHECK int kb_date_parse_iso8601(const char *s, size_t n, int default_offset, int64_t *t,
                                        int *offset_min, struct kb_diag *d);

/* Append the display date "13 نوفمبر 2024" of instant t at offset, in the style (NULL: the
 * standard months, Latin digits): day without a leading zero, month name, year in four
 * digits (so that kb_date_parse reads it back). */
void kb_date_format(struct kb_buf *out, int64_t t, int offset_min, const struct kb_date_style *st);
/* Append the Umm al-Qura Hijri date "11 جمادى الأولى 1446 هـ" of instant t at offset,
 * through ICU.  KB_EINVAL before the Hijra, KB_EINTERNAL when ICU fails; nothing is appended
 * then. */
KB_MUST_CHECK int kb_date_format_hijri(struct kb_buf *out, int64_t t, int offset_min,
                                       enum kb_digits digits);

/* Parse a date as written on a page into the civil date (and wall-clock time when one is
 * written).  The text is normalized first (NFKC; hamza forms to bare alef, ى→ي, ة→ه;
 * Arabic-Indic and Persian digits to ASCII; harakat, tatweel and format marks removed;
 * Latin lower-cased), then accepted forms are:
 *   [يوم] [weekday[،|,|-]] DATE [م|ميلادي|هـ|هجري] [-|،] [الساعة] [H:MM[:SS] [ص|م|am|pm]]
 *   [GMT|UTC|±HH:MM|بتوقيت ...]
 * where DATE is "13 نوفمبر 2024" in any month table (and common variants: يونيه, يوليه,
 * كانون ثاني), the combined form in either order ("24 فبراير/شباط 2022", "شباط / فبراير"),
 * English ("13 November 2024", "November 13, 2024", "Nov 13th 2024"), numeric day first
 * ("13/11/2024", also with '.' or '-'), year first ("2024/11/13"), ISO 8601 (the offset is
 * ignored: the wall time is returned as written), or an Umm al-Qura date ("11 جمادى الأولى
 * 1446 هـ", converted to Gregorian through ICU).  Instead of a year, a relative word:
 * "الجاري"/"الحالي" = ref's year; "الماضي"/"المنصرم" = the most recent such month before
 * ref's month; "المقبل"/"القادم" = the next one after it; with "العام"/"السنة" before it
 * ("من العام الماضي") it is ref's year -1/0/+1.  Relative years need `ref` (NULL: they
 * fail).  A weekday that disagrees with the date is ignored.
 * Errors: KB_EINVAL with a reason in d that quotes the input ("day 31 does not exist in
 * February 2024", "no year after the month", "unexpected 'x' after the date"), KB_ETOOBIG
 * above KB_DATE_MAX_INPUT.  Thread-safe. */
KB_MUST_CHECK int kb_date_parse(const char *s, size_t n, const struct kb_civil *ref,
                                struct kb_civil *out, struct kb_diag *d);
/* The first date inside a longer text, as kb_date_parse reads dates, with words before and
 * after it: "نشر في: الخميس 17 مارس/ آذار 2020 - 17:55 آخر تحديث" gives 2020-03-17 17:55.
 * The text is normalized once and a date is tried at each word (the first 96 words and
 * numbers).  KB_ENOTFOUND when there is none, KB_ETOOBIG above KB_DATE_MAX_INPUT.
 * Thread-safe. */
KB_MUST_CHECK int kb_date_find(const char *s, size_t n, const struct kb_civil *ref,
                               struct kb_civil *out);

/* ---- slugs --------------------------------------------------------------------------- */

#define KB_SLUG_MAX_CHARS 80

/* Append a URL slug made from a headline: Arabic and Latin letters and digits are kept
 * (Arabic stays Arabic, hamza included; presentation forms are folded by NFKC; harakat,
 * tatweel, format marks and combining marks are removed; Latin lowercased; digits of any
 * script become ASCII; apostrophes are dropped: "Trump's" → "trumps"), every other run
 * becomes one '-', no leading or trailing '-', at most KB_SLUG_MAX_CHARS code points cut at
 * a word boundary (inside the first word only when it alone is longer).  An input with
 * nothing to keep gives "".  Invalid UTF-8 is a separator.  Idempotent:
 * slug(slug(x)) == slug(x).  Thread-safe. */
void kb_slug_make(struct kb_buf *out, const char *s, size_t n);

#endif
