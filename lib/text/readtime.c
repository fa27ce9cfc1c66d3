/*
 * readtime.c — reading time: word counts over text and HTML, per-language speeds, and the
 * label a reader sees ("3 دقائق قراءة", "3 min read").
 *
 * A word is a run of letters and digits.  Harakat, tatweel and format marks never break a
 * run (a vowelled word is one word); an apostrophe between two letters joins them
 * ("don't").  Speeds are words per minute, looked up by the primary language subtag.
 * The Arabic label takes its grammatical number from ICU's plural rules for "ar", so the
 * noun agrees with the count as arabic.md describes.
 *
 * Invariants: counting never fails and never reads past n; the wpm table is written only
 * by kb_readtime_set_wpm (start-up) and read everywhere else.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <unicode/uchar.h>
#include <unicode/upluralrules.h>
#include <unicode/ustring.h>
#include "khabar/text.h"
#include "khabar/utf8.h"
#include "text_int.h"

/* ---- counting ------------------------------------------------------------------------- */

struct counter {
    size_t words;
    bool in_word;
    bool apos; /* an apostrophe followed a letter; joins if a letter comes next */
};

/* Code points that are deleted before counting: they neither make nor break a word. */
static bool is_ignorable(uint32_t cp)
{
    return (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640 ||
           (cp >= 0x200B && cp <= 0x200F) || cp == 0x061C || cp == 0xFEFF ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x00AD;
}

static bool is_word_char(uint32_t cp)
{
    if (cp < 0x80)
        return isalnum((int)cp) != 0;
    if (cp == KB_UTF8_REPLACEMENT)
        return false;
    return u_isalnum((UChar32)cp) != 0;
}

static void count_cp(struct counter *c, uint32_t cp)
{
    if (is_ignorable(cp))
        return;
    if (is_word_char(cp)) {
        if (!c->in_word)
            c->words++;
        c->in_word = true;
        c->apos = false;
        return;
    }
    /* Combining marks continue a word (decomposed accents) but never start one. */
    if (c->in_word && cp > 0x7F) {
        int8_t t = u_charType((UChar32)cp);
        if (t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK)
            return;
    }
    if (c->in_word && !c->apos && (cp == '\'' || cp == 0x2019)) {
        c->apos = true; /* stay in the word until we see what follows */
        return;
    }
    c->in_word = false;
    c->apos = false;
}

static void count_text(struct counter *c, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        i += kb_utf8_decode(p + i, n - i, &cp);
        count_cp(c, cp);
    }
}

static void boundary(struct counter *c)
{
    c->in_word = false;
    c->apos = false;
}

size_t kb_readtime_words(const char *text, size_t n)
{
    struct counter c = {0, false, false};
    if (text)
        count_text(&c, text, n);
    return c.words;
}

/* Inline elements do not separate words: "<b>كل</b>مة" is one word.  Every other tag does. */
static bool tag_is_inline(const char *name, size_t n)
{
    static const char *const inl[] = {"a",      "abbr", "b",    "bdi", "bdo", "cite",  "code",
                                      "em",     "i",    "mark", "q",   "s",   "small", "span",
                                      "strong", "sub",  "sup",  "u",   "wbr", "time",  "kbd"};
    for (size_t k = 0; k < sizeof(inl) / sizeof(inl[0]); k++)
        if (strlen(inl[k]) == n && strncasecmp(inl[k], name, n) == 0)
            return true;
    return false;
}

/* A character reference at p[0] == '&'.  Returns the bytes it spans (0 when it is not one)
 * and the code point it stands for in *cp (' ' for names we do not know, which then act as
 * a separator: the common unknown ones are punctuation such as &bull;). */
static size_t char_ref(const char *p, size_t n, uint32_t *cp)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } named[] = {{"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
                 {"apos", '\''},    {"nbsp", ' '},     {"shy", 0xAD},     {"zwnj", 0x200C},
                 {"zwj", 0x200D},   {"rlm", 0x200F},   {"lrm", 0x200E},   {"rsquo", 0x2019},
                 {"lsquo", 0x2018}, {"mdash", 0x2014}, {"ndash", 0x2013}, {"hellip", 0x2026}};
    size_t i = 1;
    if (i < n && p[i] == '#') {
        i++;
        uint32_t v = 0;
        bool hex = i < n && (p[i] == 'x' || p[i] == 'X');
        if (hex)
            i++;
        size_t start = i;
        while (i < n && i - start < 8 &&
               (hex ? isxdigit((unsigned char)p[i]) : isdigit((unsigned char)p[i]))) {
            int dv = isdigit((unsigned char)p[i]) ? p[i] - '0'
                                                  : (tolower((unsigned char)p[i]) - 'a' + 10);
            v = v * (hex ? 16u : 10u) + (uint32_t)dv;
            i++;
        }
        if (i == start)
            return 0;
        if (i < n && p[i] == ';')
            i++;
        *cp = (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) ? KB_UTF8_REPLACEMENT : v;
        return i;
    }
    size_t start = i;
    while (i < n && i - start < 32 && isalnum((unsigned char)p[i]))
        i++;
    if (i == start || i >= n || p[i] != ';')
        return 0;
    size_t len = i - start;
    *cp = ' ';
    for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
        if (strlen(named[k].name) == len && memcmp(named[k].name, p + start, len) == 0)
            *cp = named[k].cp;
    return i + 1;
}

/* Skip the element whose raw text we must not count (script, style) from p[i], just past its
 * start tag; returns the index after its end tag (or n). */
static size_t skip_raw(const char *p, size_t n, size_t i, const char *name)
{
    size_t len = strlen(name);
    for (; i + 2 + len <= n; i++)
        if (p[i] == '<' && p[i + 1] == '/' && strncasecmp(p + i + 2, name, len) == 0)
            break;
    while (i < n && p[i] != '>')
        i++;
    return i < n ? i + 1 : n;
}

size_t kb_readtime_words_html(const char *html, size_t n)
{
    struct counter c = {0, false, false};
    if (!html)
        return 0;
    size_t i = 0;
    while (i < n) {
        char ch = html[i];
        if (ch == '<') {
            if (i + 4 <= n && memcmp(html + i, "<!--", 4) == 0) {
                const char *end = NULL;
                for (size_t k = i + 4; k + 3 <= n; k++)
                    if (memcmp(html + k, "-->", 3) == 0) {
                        end = html + k + 3;
                        break;
                    }
                i = end ? (size_t)(end - html) : n;
                continue;
            }
            size_t k = i + 1;
            if (k < n && html[k] == '/')
                k++;
            size_t name = k;
            while (k < n && isalnum((unsigned char)html[k]))
                k++;
            size_t name_len = k - name;
            if (name_len == 0 && !(k < n && (html[k] == '!' || html[k] == '?'))) {
                count_cp(&c, '<'); /* a bare '<' is text */
                i++;
                continue;
            }
            /* Find the end of the tag, respecting quoted attribute values. */
            char quote = 0;
            while (k < n && (quote || html[k] != '>')) {
                if (quote && html[k] == quote)
                    quote = 0;
                else if (!quote && (html[k] == '"' || html[k] == '\''))
                    quote = html[k];
                k++;
            }
            k = k < n ? k + 1 : n;
            if (!tag_is_inline(html + name, name_len))
                boundary(&c);
            bool closing = html[i + 1] == '/';
            if (!closing && name_len == 6 && strncasecmp(html + name, "script", 6) == 0)
                k = skip_raw(html, n, k, "script");
            else if (!closing && name_len == 5 && strncasecmp(html + name, "style", 5) == 0)
                k = skip_raw(html, n, k, "style");
            i = k;
            continue;
        }
        if (ch == '&') {
            uint32_t cp;
            size_t used = char_ref(html + i, n - i, &cp);
            if (used) {
                count_cp(&c, cp);
                i += used;
                continue;
            }
        }
        uint32_t cp;
        i += kb_utf8_decode(html + i, n - i, &cp);
        count_cp(&c, cp);
    }
    return c.words;
}

/* ---- speeds --------------------------------------------------------------------------- */

#define WPM_SLOTS 16

struct wpm_entry {
    char lang[12]; /* primary subtag, lower case; "" = unused */
    int wpm;
};

/* Silent-reading speeds (arabic.md): the reference page gives 3 minutes for 410 words. */
static struct wpm_entry wpm_table[WPM_SLOTS] = {{"ar", 180}, {"en", 238}};
static int wpm_default = 184; /* IReST's mean over 17 languages */

/* The primary subtag of a BCP 47 tag, lower-cased, in buf (size 12).  NULL and "" are the
 * engine's default language, Arabic. */
static void primary_subtag(const char *lang, char *buf)
{
    size_t k = 0;
    if (lang)
        for (; lang[k] && lang[k] != '-' && lang[k] != '_' && k < 11; k++)
            buf[k] = (char)tolower((unsigned char)lang[k]);
    buf[k] = '\0';
    if (k == 0)
        memcpy(buf, "ar", 3);
}

int kb_readtime_wpm(const char *lang)
{
    char key[12];
    primary_subtag(lang, key);
    for (size_t k = 0; k < WPM_SLOTS; k++)
        if (wpm_table[k].lang[0] && strcmp(wpm_table[k].lang, key) == 0)
            return wpm_table[k].wpm;
    return wpm_default;
}

void kb_readtime_set_wpm(const char *lang, int wpm)
{
    if (wpm <= 0)
        return;
    char key[12];
    primary_subtag(lang, key);
    if (strcmp(key, "*") == 0) {
        wpm_default = wpm;
        return;
    }
    struct wpm_entry *free_slot = NULL;
    for (size_t k = 0; k < WPM_SLOTS; k++) {
        if (wpm_table[k].lang[0] && strcmp(wpm_table[k].lang, key) == 0) {
            wpm_table[k].wpm = wpm;
            return;
        }
        if (!wpm_table[k].lang[0] && !free_slot)
            free_slot = &wpm_table[k];
    }
    if (free_slot) {
        memcpy(free_slot->lang, key, sizeof(key));
        free_slot->wpm = wpm;
    }
}

int kb_readtime_minutes(size_t words, const char *lang)
{
    size_t wpm = (size_t)kb_readtime_wpm(lang);
    size_t m = words / wpm + (words % wpm != 0);
    if (m < 1)
        m = 1;
    return m > INT_MAX ? INT_MAX : (int)m;
}

/* ---- the label ------------------------------------------------------------------------ */

static UPluralRules *ar_rules;
static pthread_once_t ar_rules_once = PTHREAD_ONCE_INIT;

static void open_ar_rules(void)
{
    UErrorCode st = U_ZERO_ERROR;
    UPluralRules *r = uplrules_open("ar", &st);
    if (U_SUCCESS(st))
        ar_rules = r;
}

enum ar_plural { AR_ONE, AR_TWO, AR_FEW, AR_MANY, AR_OTHER };

/* ICU's category for n in Arabic; the CLDR rule by hand if ICU cannot answer. */
static enum ar_plural ar_category(int n)
{
    pthread_once(&ar_rules_once, open_ar_rules);
    if (ar_rules) {
        UChar kw[16];
        UErrorCode st = U_ZERO_ERROR;
        int32_t len = uplrules_select(ar_rules, (double)n, kw, 16, &st);
        if (U_SUCCESS(st) && len > 0 && len < 16) {
            char a[16];
            u_austrncpy(a, kw, 16);
            if (strcmp(a, "one") == 0)
                return AR_ONE;
            if (strcmp(a, "two") == 0)
                return AR_TWO;
            if (strcmp(a, "few") == 0)
                return AR_FEW;
            if (strcmp(a, "many") == 0)
                return AR_MANY;
            return AR_OTHER; /* "other", and "zero" which minutes never are */
        }
    }
    int r = n % 100;
    if (n == 1)
        return AR_ONE;
    if (n == 2)
        return AR_TWO;
    if (r >= 3 && r <= 10)
        return AR_FEW;
    if (r >= 11)
        return AR_MANY;
    return AR_OTHER;
}

void kb_readtime_format(struct kb_buf *out, int minutes, const char *lang, bool arabic_digits)
{
    char key[12];
    primary_subtag(lang, key);
    if (minutes < 1)
        minutes = 1;
    if (strcmp(key, "ar") != 0) {
        kb_text_addnum(out, minutes, arabic_digits, 1);
        kb_buf_adds(out, " min read");
        return;
    }
    switch (ar_category(minutes)) {
    case AR_ONE:
        kb_buf_adds(out, "دقيقة واحدة قراءة");
        return;
    case AR_TWO:
        kb_buf_adds(out, "دقيقتان قراءة");
        return;
    case AR_FEW:
        kb_text_addnum(out, minutes, arabic_digits, 1);
        kb_buf_adds(out, " دقائق قراءة");
        return;
    case AR_MANY:
    case AR_OTHER:
        kb_text_addnum(out, minutes, arabic_digits, 1);
        kb_buf_adds(out, " دقيقة قراءة");
        return;
    }
}
