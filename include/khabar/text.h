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
/* Reading speed in words per minute for a BCP 47 language ("ar" 180, "en" 238, others
 * 184); overridable with kb_readtime_set_wpm (not thread-safe: call at start-up). */
int kb_readtime_wpm(const char *lang);
void kb_readtime_set_wpm(const char *lang, int wpm);
/* max(1, ceil(words / wpm(lang))). */
int kb_readtime_minutes(size_t words, const char *lang);
/* Append the label a reader sees: "3 دقائق قراءة", "دقيقة واحدة قراءة", "2 دقيقتان"..., or for
 * English "3 min read".  Digits follow `arabic_digits` (Arabic-Indic when true). */
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
    bool hijri; /* also show the Umm al-Qura Hijri date */
};

/* A calendar date with optional wall-clock time, as written on a page. */
struct kb_civil {
    int year, month, day; /* Gregorian, month 1..12 */
    int hour, minute;     /* valid when has_time */
    bool has_time;
};

/* Month name (1..12) in a style; KB_MONTHS_COMBINED gives "نوفمبر/تشرين الثاني". */
const char *kb_month_name(enum kb_months style, int month);

/* Offset in minutes east of UTC of IANA zone `zone` at instant `t` (unix seconds), through
 * ICU.  Unknown zones are KB_EINVAL.  Thread-safe. */
KB_MUST_CHECK int kb_tz_offset(const char *zone, int64_t t, int *offset_min);

/* Unix seconds for a civil date/time at a fixed offset (minutes east of UTC). */
int64_t kb_civil_to_unix(const struct kb_civil *c, int offset_min);
/* Civil date/time of instant t at offset. */
void kb_unix_to_civil(int64_t t, int offset_min, struct kb_civil *out);

/* "2024-11-13T00:00:00+03:00" (always with an offset; "+00:00" for UTC). */
void kb_date_iso8601(struct kb_buf *out, int64_t t, int offset_min);
/* Parse ISO 8601 / RFC 3339 date-times: "2024-11-13", "2024-11-13T10:20", with seconds,
 * fractions, "Z" or "+03:00"/"+0300".  A date without offset is taken at `default_offset`. */
KB_MUST_CHECK int kb_date_parse_iso8601(const char *s, size_t n, int default_offset,
                                        int64_t *t, int *offset_min, struct kb_diag *d);

/* Append the display date "13 نوفمبر 2024" of instant t at offset, in the style. */
void kb_date_format(struct kb_buf *out, int64_t t, int offset_min, const struct kb_date_style *st);
/* Append the Umm al-Qura Hijri date "11 جمادى الأولى 1446 هـ" through ICU. */
KB_MUST_CHECK int kb_date_format_hijri(struct kb_buf *out, int64_t t, int offset_min,
                                       enum kb_digits digits);

/* Parse an Arabic-worded date in any style above (and English month names): "13 نوفمبر 2024",
 * "١٣ تشرين الثاني ٢٠٢٤", "24 فبراير/شباط 2022", "شباط/فبراير", weekday prefixes
 * ("الأربعاء، 07 أكتوبر 2020 - 12:09 م"), optional "م"/"هـ", 12-hour times with ص/م,
 * "13/11/2024", ISO dates.  Relative years (الجاري, الماضي, المقبل) need `ref` (may be NULL,
 * then they fail).  The text is normalized first (hamza, digits, harakat, marks). */
KB_MUST_CHECK int kb_date_parse(const char *s, size_t n, const struct kb_civil *ref,
                                struct kb_civil *out, struct kb_diag *d);

/* ---- slugs --------------------------------------------------------------------------- */

#define KB_SLUG_MAX_CHARS 80

/* Append a URL slug made from a headline: Arabic and Latin letters and digits are kept
 * (Arabic stays Arabic; harakat, tatweel and format marks are removed; Latin lowercased;
 * Arabic-Indic digits become ASCII), every other run becomes one '-', no leading or
 * trailing '-', at most KB_SLUG_MAX_CHARS code points cut at a word boundary.  An input
 * with nothing to keep gives "". */
void kb_slug_make(struct kb_buf *out, const char *s, size_t n);

#endif
