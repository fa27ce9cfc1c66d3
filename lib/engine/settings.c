/*
 * settings.c — the table of site settings and their validation (see settings.h).
 *
 * The defaults here must match what kb_site_conf_load (pages.c) and kb_feed_conf_load
 * (feed_pages.c) fall back to.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/settings.h"
#include "khabar/text.h"
#include "khabar/utf8.h"

enum kind { TEXT, URL, ZONE, CHOICE, NUMBER };

struct def {
    struct kb_setting_def pub;
    enum kind kind;
    const char *choices; /* CHOICE: space-separated */
    long lo, hi;         /* NUMBER */
};

static const struct def defs[] = {
    {{"site.name", "خبر", "the site's name, in the header and page titles"}, TEXT, NULL, 1, 100},
    {{"site.tagline", "", "a line beside the name in the footer"}, TEXT, NULL, 0, 200},
    {{"site.language", "ar", "the site's language (BCP 47): ar, en, ..."}, TEXT, NULL, 2, 16},
    {{"site.base_url", "", "absolute address for canonical links, e.g. https://example.com"},
     URL,
     NULL,
     0,
     0},
    {{"site.timezone", "Asia/Riyadh", "the newsroom's time zone (IANA name)"}, ZONE, NULL, 0, 0},
    {{"site.months", "standard",
      "month names: standard (نوفمبر), levant (تشرين الثاني), "
      "combined (نوفمبر/تشرين الثاني), maghreb (نونبر... Algeria/"
      "Tunisia), morocco"},
     CHOICE,
     "standard levant combined maghreb morocco",
     0,
     0},
    {{"site.digits", "latin", "digits in dates and counts: latin (13) or arabic (١٣)"},
     CHOICE,
     "latin arabic",
     0,
     0},
    {{"site.hijri", "0", "1 to show the Umm al-Qura Hijri date under the date"},
     CHOICE,
     "0 1",
     0,
     0},
    {{"site.discover_count", "15", "articles in the اكتشف rail (0-100)"}, NUMBER, NULL, 0, 100},
    {{"site.page_size", "20", "articles per list page (1-100)"}, NUMBER, NULL, 1, 100},
    {{"newsroom.authors_publish", "0", "1 lets authors publish their own articles"}, CHOICE,
     "0 1", 0, 0},
    {{"newsroom.secure_cookies", "0", "1 when the site is served over TLS: cookies get Secure"},
     CHOICE, "0 1", 0, 0},
    {{"feed.items", "30", "articles in each RSS, Atom and JSON feed (1-200)"},
     NUMBER,
     NULL,
     1,
     200},
    {{"feed.full_content", "1", "1 to put whole articles in the feeds, 0 for summaries only"},
     CHOICE,
     "0 1",
     0,
     0},
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

size_t kb_settings_count(void)
{
    return NDEFS;
}

const struct kb_setting_def *kb_settings_at(size_t i)
{
    return i < NDEFS ? &defs[i].pub : NULL;
}

static const struct def *find(const char *key)
{
    for (size_t i = 0; i < NDEFS; i++)
        if (strcmp(defs[i].pub.key, key) == 0)
            return &defs[i];
    return NULL;
}

const struct kb_setting_def *kb_setting_def(const char *key)
{
    const struct def *d = find(key);
    return d ? &d->pub : NULL;
}

static bool is_choice(const char *choices, const char *v)
{
    size_t n = strlen(v);
    const char *p = choices;
    while (*p) {
        size_t len = strcspn(p, " ");
        if (len == n && n > 0 && strncmp(p, v, n) == 0)
            return true;
        p += len;
        while (*p == ' ')
            p++;
    }
    return false;
}

int kb_setting_check(const char *key, const char *value, struct kb_diag *d)
{
    const struct def *def = find(key);
    if (!def)
        return kb_diag_set(d, KB_ENOTFOUND, key, "not a known setting (see khabar config)");
    size_t n = strlen(value);
    if (!kb_utf8_valid(value, n))
        return kb_diag_set(d, KB_EINVAL, key, "the value is not valid UTF-8");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)value[i] < 0x20)
            return kb_diag_set(d, KB_EINVAL, key, "the value holds a control character");
    switch (def->kind) {
    case TEXT: {
        size_t chars = kb_utf8_count(value, n);
        if (chars < (size_t)def->lo || chars > (size_t)def->hi)
            return kb_diag_set(d, KB_EINVAL, key, "must be %ld to %ld characters", def->lo,
                               def->hi);
        return 0;
    }
    case URL:
        if (n == 0)
            return 0;
        if ((strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) ||
            strpbrk(value, " \"'<>") || n > 500)
            return kb_diag_set(d, KB_EINVAL, key, "must be an http:// or https:// address");
        return 0;
    case ZONE: {
        int off;
        if (n == 0 || kb_tz_offset(value, 0, &off) != 0)
            return kb_diag_set(d, KB_EINVAL, key,
                               "'%.60s' is not a time zone ICU knows (e.g. Asia/Riyadh)", value);
        return 0;
    }
    case CHOICE:
        if (!is_choice(def->choices, value))
            return kb_diag_set(d, KB_EINVAL, key, "must be one of: %s", def->choices);
        return 0;
    case NUMBER: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < def->lo || v > def->hi)
            return kb_diag_set(d, KB_EINVAL, key, "must be a whole number from %ld to %ld", def->lo,
                               def->hi);
        return 0;
    }
    }
    return KB_EINTERNAL;
}
