/*
 * article.c — the article: lifecycle, derived fields, validation, URL and JSON forms.
 *
 * Invariants: every string of a struct kb_article is owned by it (NULL = absent) and freed
 * by kb_article_release; kb_article_to_json writes product.md's fields in product.md's
 * order whatever the article holds (invalid UTF-8 is replaced by the JSON writer), and
 * kb_article_from_json(kb_article_to_json(a)) gives back every field of a valid article but
 * external_id (not part of the JSON contract) and url (derived).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "khabar/article.h"
#include "khabar/text.h"
#include "khabar/utf8.h"
#include "model_int.h"

/* ---- status ------------------------------------------------------------------------ */

static const char *const status_names[] = {
    [KB_STATUS_DRAFT] = "draft",
    [KB_STATUS_REVIEW] = "review",
    [KB_STATUS_SCHEDULED] = "scheduled",
    [KB_STATUS_PUBLISHED] = "published",
    [KB_STATUS_UNPUBLISHED] = "unpublished",
};
#define NSTATUS (sizeof(status_names) / sizeof(status_names[0]))

const char *kb_status_name(enum kb_status s)
{
    if ((unsigned)s >= NSTATUS)
        return "draft";
    return status_names[s];
}

int kb_status_parse(const char *name, enum kb_status *out)
{
    if (name) {
        for (size_t i = 0; i < NSTATUS; i++) {
            if (strcmp(name, status_names[i]) == 0) {
                *out = (enum kb_status)i;
                return 0;
            }
        }
    }
    return KB_EINVAL;
}

/* ---- lifecycle ----------------------------------------------------------------------- */

void kb_set_str(char **dst, const char *src)
{
    char *copy = kb_strdup(src); /* before the free: src may be *dst */
    free(*dst);
    *dst = copy;
}

void kb_article_init(struct kb_article *a)
{
    memset(a, 0, sizeof(*a));
    a->status = KB_STATUS_DRAFT;
}

static void image_release(struct kb_image *im)
{
    free(im->src);
    free(im->alt);
    free(im->caption);
    free(im->credit);
    free(im->copyright);
    memset(im, 0, sizeof(*im));
}

void kb_article_release(struct kb_article *a)
{
    if (!a)
        return;
    free(a->slug);
    kb_section_release(&a->section);
    free(a->headline);
    free(a->lede);
    free(a->byline);
    free(a->source);
    free(a->language);
    image_release(&a->image);
    free(a->body_html);
    for (size_t i = 0; i < a->ntags; i++)
        free(a->tags[i]);
    free(a->tags);
    free(a->external_id);
    kb_translations_free(a->translations, a->ntranslations);
    kb_article_init(a);
}

void kb_translations_free(struct kb_translation *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].url);
        free(v[i].language);
    }
    free(v);
}

void kb_article_compute(struct kb_article *a)
{
    if (!a->language || !*a->language)
        kb_set_str(&a->language, "ar");
    size_t words = 0;
    if (a->lede)
        words += kb_readtime_words(a->lede, strlen(a->lede));
    if (a->body_html)
        words += kb_readtime_words_html(a->body_html, strlen(a->body_html));
    a->reading_minutes = kb_readtime_minutes(words, a->language);
}

/* ---- validation ---------------------------------------------------------------------- */

static bool is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

int kb_model_check_text(const char *v, const char *field, size_t max, enum kb_text_kind kind,
                        struct kb_diag *d)
{
    if (!v)
        return 0;
    size_t n = strlen(v);
    if (n > max)
        return kb_diag_set(d, KB_ETOOBIG, field, "is %zu bytes, longer than the limit of %zu", n,
                           max);
    const unsigned char *u = (const unsigned char *)v;
    for (size_t i = 0; i < n;) {
        /* Fast paths for the bulk of news text (bulk imports validate megabytes): printable
         * ASCII, and well-formed two-byte sequences above the C1 controls (Arabic). */
        if (u[i] >= 0x20 && u[i] < 0x7F) {
            i++;
            continue;
        }
        if (u[i] >= 0xC3 && u[i] <= 0xDF && i + 1 < n && (u[i + 1] & 0xC0) == 0x80) {
            i += 2;
            continue;
        }
        uint32_t cp;
        size_t len = kb_utf8_decode(v + i, n - i, &cp);
        int rc = 0;
        if (cp == KB_UTF8_REPLACEMENT && len == 1)
            rc = kb_diag_set(d, KB_EINVAL, field, "is not valid UTF-8 (byte %zu)", i);
        else if ((cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 ||
                  cp == 0x2029) &&
                 !(kind == KB_TEXT_BLOCK && (cp == '\t' || cp == '\n' || cp == '\r')))
            rc = kb_diag_set(d, KB_EINVAL, field,
                             "contains the control character U+%04X (byte %zu)", (unsigned)cp, i);
        if (rc) {
            if (d)
                d->offset = i;
            return rc;
        }
        i += len;
    }
    return 0;
}

int kb_model_check_segment(const char *v, const char *field, size_t max, struct kb_diag *d)
{
    if (!v || !*v)
        return kb_diag_set(d, KB_EINVAL, field, "is empty");
    int rc = kb_model_check_text(v, field, max, KB_TEXT_LINE, d);
    if (rc)
        return rc;
    if (strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
        return kb_diag_set(d, KB_EINVAL, field, "cannot be '%s'", v);
    size_t n = strlen(v);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = kb_utf8_decode(v + i, n - i, &cp);
        if (cp == '/' || cp == '?' || cp == '#' || cp == '\\' || cp == '%' || is_space_cp(cp)) {
            if (d) {
                kb_diag_set(d, KB_EINVAL, field,
                            "must be one URL segment: no '/', '?', '#', "
                            "'\\', '%%' or spaces (byte %zu)",
                            i);
                d->offset = i;
            }
            return KB_EINVAL;
        }
        i += len;
    }
    return 0;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/* The shape of a BCP 47 tag: a 2–8 letter primary subtag, then 1–8 alphanumeric subtags. */
static bool language_ok(const char *s)
{
    size_t i = 0;
    while (is_alpha(s[i]))
        i++;
    if (i < 2 || i > 8)
        return false;
    while (s[i] == '-') {
        size_t j = ++i;
        while (is_alnum(s[i]))
            i++;
        if (i - j < 1 || i - j > 8)
            return false;
    }
    return s[i] == '\0';
}

static bool blank(const char *s)
{
    return !s || kb_str_trim(kb_str_c(s)).n == 0;
}

static int check_offset(int off, const char *field, struct kb_diag *d)
{
    if (off < -KB_MAX_OFFSET_MIN || off > KB_MAX_OFFSET_MIN)
        return kb_diag_set(d, KB_EINVAL, field, "offset %d minutes is outside ±%d", off,
                           KB_MAX_OFFSET_MIN);
    return 0;
}

static int check_image(const struct kb_image *im, struct kb_diag *d)
{
    int rc;
    if (im->src) {
        if ((rc = kb_model_check_text(im->src, "image.src", KB_MAX_IMAGE_SRC, KB_TEXT_LINE, d)))
            return rc;
        bool path = im->src[0] == '/';
        bool http = strncmp(im->src, "http://", 7) == 0 || strncmp(im->src, "https://", 8) == 0;
        if (!path && !http)
            return kb_diag_set(d, KB_EINVAL, "image.src",
                               "must be a site path (/media/...) or an http(s) URL");
        for (const char *p = im->src; *p; p++)
            if (*p == ' ' || *p == '"' || *p == '<' || *p == '>')
                return kb_diag_set(d, KB_EINVAL, "image.src", "contains '%c'", *p);
    }
    if ((rc = kb_model_check_text(im->alt, "image.alt", KB_MAX_IMAGE_TEXT, KB_TEXT_LINE, d)) ||
        (rc = kb_model_check_text(im->caption, "image.caption", KB_MAX_IMAGE_TEXT, KB_TEXT_LINE,
                                  d)) ||
        (rc =
             kb_model_check_text(im->credit, "image.credit", KB_MAX_IMAGE_TEXT, KB_TEXT_LINE, d)) ||
        (rc = kb_model_check_text(im->copyright, "image.copyright", KB_MAX_IMAGE_TEXT, KB_TEXT_LINE,
                                  d)))
        return rc;
    return 0;
}

int kb_article_validate(const struct kb_article *a, struct kb_diag *d)
{
    int rc;
    /* Required fields first: the most useful message when several things are wrong. */
    if (blank(a->headline))
        return kb_diag_set(d, KB_EINVAL, "headline", "is required");
    if (blank(a->body_html))
        return kb_diag_set(d, KB_EINVAL, "body_html", "is required");
    bool has_slug = a->section.slug && *a->section.slug;
    if (!has_slug && blank(a->section.name))
        return kb_diag_set(d, KB_EINVAL, "section.slug", "is required (or section.name)");

    if ((rc = kb_model_check_text(a->headline, "headline", KB_MAX_HEADLINE, KB_TEXT_LINE, d)) ||
        (rc = kb_model_check_text(a->lede, "lede", KB_MAX_LEDE, KB_TEXT_BLOCK, d)) ||
        (rc = kb_model_check_text(a->byline, "byline", KB_MAX_BYLINE, KB_TEXT_LINE, d)) ||
        (rc = kb_model_check_text(a->source, "source", KB_MAX_SOURCE, KB_TEXT_LINE, d)) ||
        (rc = kb_model_check_text(a->body_html, "body_html", KB_MAX_BODY, KB_TEXT_BLOCK, d)) ||
        (rc = kb_model_check_text(a->external_id, "external_id", KB_MAX_EXTERNAL_ID, KB_TEXT_LINE,
                                  d)) ||
        (has_slug &&
         (rc = kb_model_check_segment(a->section.slug, "section.slug", KB_MAX_SECTION_SLUG, d))) ||
        (rc = kb_model_check_text(a->section.name, "section.name", KB_MAX_SECTION_NAME,
                                  KB_TEXT_LINE, d)))
        return rc;
    if (a->slug && (rc = kb_model_check_segment(a->slug, "slug", KB_MAX_SLUG, d)))
        return rc;
    if (a->language) {
        if ((rc = kb_model_check_text(a->language, "language", KB_MAX_LANGUAGE, KB_TEXT_LINE, d)))
            return rc;
        if (!language_ok(a->language))
            return kb_diag_set(d, KB_EINVAL, "language", "'%s' is not a language tag like 'ar'",
                               a->language);
    }
    if ((rc = check_image(&a->image, d)))
        return rc;

    if (a->ntags > KB_MAX_TAGS)
        return kb_diag_set(d, KB_ETOOBIG, "tags", "%zu tags, more than the limit of %d", a->ntags,
                           KB_MAX_TAGS);
    if (a->ntags && !a->tags)
        return kb_diag_set(d, KB_EINTERNAL, "tags", "ntags without tags");
    for (size_t i = 0; i < a->ntags; i++) {
        if (blank(a->tags[i]))
            return kb_diag_set(d, KB_EINVAL, "tags", "tag %zu is empty", i + 1);
        if ((rc = kb_model_check_text(a->tags[i], "tags", KB_MAX_TAG, KB_TEXT_LINE, d)))
            return rc;
    }

    if (a->ntranslations > KB_MAX_TRANSLATIONS)
        return kb_diag_set(d, KB_ETOOBIG, "translations",
                           "%zu translations, more than the limit of %d", a->ntranslations,
                           KB_MAX_TRANSLATIONS);
    for (size_t i = 0; i < a->ntranslations; i++) {
        const struct kb_translation *t = &a->translations[i];
        if (t->id < 0 || (t->id == 0 && blank(t->url)))
            return kb_diag_set(d, KB_EINVAL, "translations",
                               "translation %zu names no article (an id or a url)", i + 1);
        if (t->url &&
            (rc = kb_model_check_text(t->url, "translations", KB_MAX_IMAGE_SRC, KB_TEXT_LINE, d)))
            return rc;
    }

    if ((unsigned)a->status >= NSTATUS)
        return kb_diag_set(d, KB_EINVAL, "status", "unknown status %d", (int)a->status);
    if ((a->status == KB_STATUS_PUBLISHED || a->status == KB_STATUS_SCHEDULED) && a->published == 0)
        return kb_diag_set(d, KB_EINVAL, "published", "a %s article needs a publication time",
                           kb_status_name(a->status));
    if ((rc = check_offset(a->published_offset, "published", d)) ||
        (rc = check_offset(a->updated_offset, "updated", d)))
        return rc;
    if (a->reading_minutes < 0)
        return kb_diag_set(d, KB_EINVAL, "reading_minutes", "is negative");
    return 0;
}

/* ---- URL and JSON out ------------------------------------------------------------------ */

void kb_article_url(struct kb_buf *out, const struct kb_article *a)
{
    const char *sec = a->section.slug ? a->section.slug : "";
    const char *slug = a->slug ? a->slug : "";
    kb_buf_addch(out, '/');
    kb_buf_add_urlpath(out, sec, strlen(sec));
    kb_buf_addch(out, '/');
    kb_buf_add_urlpath(out, slug, strlen(slug));
}

static void json_time(struct kb_json *j, const char *key, int64_t t, int offset)
{
    kb_json_key(j, key);
    if (t == 0) {
        kb_json_null(j);
        return;
    }
    struct kb_buf b;
    kb_buf_init(&b, 64);
    kb_date_iso8601(&b, t, offset);
    kb_json_str(j, kb_buf_cstr(&b), b.n);
    kb_buf_release(&b);
}

static void json_field(struct kb_json *j, const char *key, const char *v)
{
    kb_json_key(j, key);
    kb_json_strc(j, v);
}

void kb_article_to_json(const struct kb_article *a, struct kb_json *j)
{
    kb_json_obj(j);
    kb_article_json_members(a, j);
    kb_json_end(j);
}

void kb_article_json_members(const struct kb_article *a, struct kb_json *j)
{
    kb_json_key(j, "id");
    if (a->id)
        kb_json_int(j, a->id);
    else
        kb_json_null(j);
    json_field(j, "slug", a->slug);
    kb_json_key(j, "url");
    if (a->slug && a->section.slug) {
        struct kb_buf u;
        kb_buf_init(&u, 4 * (KB_MAX_SLUG + KB_MAX_SECTION_SLUG) + 16);
        kb_article_url(&u, a);
        kb_json_str(j, kb_buf_cstr(&u), u.n);
        kb_buf_release(&u);
    } else {
        kb_json_null(j);
    }
    json_field(j, "status", kb_status_name(a->status));
    kb_json_key(j, "section");
    kb_json_obj(j);
    json_field(j, "slug", a->section.slug);
    json_field(j, "name", a->section.name);
    kb_json_end(j);
    json_field(j, "headline", a->headline);
    json_field(j, "lede", a->lede);
    json_field(j, "byline", a->byline);
    json_field(j, "source", a->source);
    json_field(j, "language", a->language);
    kb_json_key(j, "image");
    const struct kb_image *im = &a->image;
    if (im->src || im->alt || im->caption || im->credit || im->copyright) {
        kb_json_obj(j);
        json_field(j, "src", im->src);
        json_field(j, "alt", im->alt);
        json_field(j, "caption", im->caption);
        json_field(j, "credit", im->credit);
        json_field(j, "copyright", im->copyright);
        kb_json_end(j);
    } else {
        kb_json_null(j);
    }
    json_field(j, "body_html", a->body_html);
    kb_json_key(j, "tags");
    kb_json_arr(j);
    for (size_t i = 0; i < a->ntags; i++)
        kb_json_strc(j, a->tags[i]);
    kb_json_end(j);
    json_time(j, "published", a->published, a->published_offset);
    json_time(j, "updated", a->updated, a->updated_offset);
    kb_json_key(j, "reading_minutes");
    kb_json_int(j, a->reading_minutes);
    if (a->translations_set) {
        kb_json_key(j, "translations");
        kb_json_arr(j);
        for (size_t i = 0; i < a->ntranslations; i++) {
            const struct kb_translation *t = &a->translations[i];
            kb_json_obj(j);
            kb_json_key(j, "id");
            kb_json_int(j, t->id);
            json_field(j, "language", t->language);
            json_field(j, "url", t->url);
            kb_json_end(j);
        }
        kb_json_end(j);
    }
}

/* ---- JSON in ---------------------------------------------------------------------------- */

/* A string member (absent or null: *dst stays NULL).  `field` names it in errors. */
static int get_str(const json_t *obj, const char *key, const char *field, char **dst,
                   struct kb_diag *d)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return kb_diag_set(d, KB_EINVAL, field, "must be a string or null");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (strlen(s) != n)
        return kb_diag_set(d, KB_EINVAL, field, "contains a NUL character");
    kb_set_str(dst, s);
    return 0;
}

static int get_time(const json_t *obj, const char *key, int64_t *t, int *offset, struct kb_diag *d)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return kb_diag_set(d, KB_EINVAL, key, "must be an ISO 8601 date-time string or null");
    struct kb_diag why = {0};
    const char *s = json_string_value(v);
    int rc = kb_date_parse_iso8601(s, json_string_length(v), 0, t, offset, &why);
    if (rc)
        return kb_diag_set(d, rc, key, "%s", why.msg[0] ? why.msg : "is not an ISO 8601 date");
    return 0;
}

static int get_section(const json_t *obj, struct kb_section *sec, struct kb_diag *d)
{
    const json_t *v = json_object_get(obj, "section");
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) /* a name or a slug: the store resolves both */
        return get_str(obj, "section", "section", &sec->name, d);
    if (!json_is_object(v))
        return kb_diag_set(d, KB_EINVAL, "section", "must be an object {slug, name} or a string");
    int rc = get_str(v, "slug", "section.slug", &sec->slug, d);
    if (rc == 0)
        rc = get_str(v, "name", "section.name", &sec->name, d);
    return rc;
}

static int get_image(const json_t *obj, struct kb_image *im, struct kb_diag *d)
{
    const json_t *v = json_object_get(obj, "image");
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return kb_diag_set(d, KB_EINVAL, "image", "must be an object or null");
    int rc;
    if ((rc = get_str(v, "src", "image.src", &im->src, d)) ||
        (rc = get_str(v, "alt", "image.alt", &im->alt, d)) ||
        (rc = get_str(v, "caption", "image.caption", &im->caption, d)) ||
        (rc = get_str(v, "credit", "image.credit", &im->credit, d)) ||
        (rc = get_str(v, "copyright", "image.copyright", &im->copyright, d)))
        return rc;
    return 0;
}

static int get_tags(const json_t *obj, struct kb_article *a, struct kb_diag *d)
{
    const json_t *v = json_object_get(obj, "tags");
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return kb_diag_set(d, KB_EINVAL, "tags", "must be an array of strings");
    size_t n = json_array_size(v);
    if (n > KB_MAX_TAGS)
        return kb_diag_set(d, KB_ETOOBIG, "tags", "%zu tags, more than the limit of %d", n,
                           KB_MAX_TAGS);
    if (n == 0)
        return 0;
    a->tags = kb_calloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        const json_t *t = json_array_get(v, i);
        if (!json_is_string(t))
            return kb_diag_set(d, KB_EINVAL, "tags", "tag %zu is not a string", i + 1);
        if (strlen(json_string_value(t)) != json_string_length(t))
            return kb_diag_set(d, KB_EINVAL, "tags", "tag %zu contains a NUL character", i + 1);
        a->tags[i] = kb_strdup(json_string_value(t));
        a->ntags = i + 1;
    }
    return 0;
}

/* "translations": [12, {"id": 13}, {"url": "/world/slug"}] or null. */
static int get_translations(const json_t *obj, struct kb_article *a, struct kb_diag *d)
{
    const json_t *v = json_object_get(obj, "translations");
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return kb_diag_set(d, KB_EINVAL, "translations", "must be an array of ids or {id}/{url}");
    size_t n = json_array_size(v);
    if (n > KB_MAX_TRANSLATIONS)
        return kb_diag_set(d, KB_ETOOBIG, "translations",
                           "%zu translations, more than the limit of %d", n, KB_MAX_TRANSLATIONS);
    a->translations_set = true;
    if (n == 0)
        return 0;
    a->translations = kb_calloc(n, sizeof(*a->translations));
    for (size_t i = 0; i < n; i++) {
        const json_t *t = json_array_get(v, i), *id = t;
        struct kb_translation *dst = &a->translations[i];
        a->ntranslations = i + 1;
        if (json_is_object(t)) {
            id = json_object_get(t, "id");
            int rc = get_str(t, "url", "translations", &dst->url, d);
            if (rc)
                return rc;
        }
        if (id && json_is_integer(id) && json_integer_value(id) > 0)
            dst->id = (int64_t)json_integer_value(id);
        else if (id && !json_is_null(id))
            return kb_diag_set(d, KB_EINVAL, "translations",
                               "translation %zu: an id is a positive integer", i + 1);
        if (!dst->id && !dst->url)
            return kb_diag_set(d, KB_EINVAL, "translations",
                               "translation %zu names no article (an id or a url)", i + 1);
    }
    return 0;
}

static int get_int(const json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out,
                   struct kb_diag *d)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v))
        return kb_diag_set(d, KB_EINVAL, key, "must be an integer or null");
    json_int_t x = json_integer_value(v);
    if (x < min || x > max)
        return kb_diag_set(d, KB_EINVAL, key, "%lld is out of range", (long long)x);
    *out = (int64_t)x;
    return 0;
}

static int from_json(const json_t *obj, struct kb_article *a, struct kb_diag *d)
{
    int rc;
    int64_t id = 0, minutes = 0;
    if ((rc = get_int(obj, "id", 0, INT64_MAX, &id, d)))
        return rc;
    a->id = id;
    if ((rc = get_str(obj, "slug", "slug", &a->slug, d)))
        return rc;
    const json_t *st = json_object_get(obj, "status");
    if (st && !json_is_null(st)) {
        if (!json_is_string(st))
            return kb_diag_set(d, KB_EINVAL, "status", "must be a string");
        if (kb_status_parse(json_string_value(st), &a->status))
            return kb_diag_set(d, KB_EINVAL, "status",
                               "'%.40s' is not one of draft, review, scheduled, published, "
                               "unpublished",
                               json_string_value(st));
    }
    if ((rc = get_section(obj, &a->section, d)) ||
        (rc = get_str(obj, "headline", "headline", &a->headline, d)) ||
        (rc = get_str(obj, "lede", "lede", &a->lede, d)) ||
        (rc = get_str(obj, "byline", "byline", &a->byline, d)) ||
        (rc = get_str(obj, "source", "source", &a->source, d)) ||
        (rc = get_str(obj, "language", "language", &a->language, d)) ||
        (rc = get_image(obj, &a->image, d)) ||
        (rc = get_str(obj, "body_html", "body_html", &a->body_html, d)) ||
        (rc = get_tags(obj, a, d)) || (rc = get_translations(obj, a, d)) ||
        (rc = get_time(obj, "published", &a->published, &a->published_offset, d)) ||
        (rc = get_time(obj, "updated", &a->updated, &a->updated_offset, d)) ||
        (rc = get_int(obj, "reading_minutes", 0, INT_MAX, &minutes, d)) ||
        (rc = get_str(obj, "external_id", "external_id", &a->external_id, d)))
        return rc;
    a->reading_minutes = (int)minutes;
    return 0;
}

int kb_article_from_json(const void *json_obj, struct kb_article *out, struct kb_diag *d)
{
    const json_t *obj = json_obj;
    if (!obj || !json_is_object(obj))
        return kb_diag_set(d, KB_EINVAL, "", "an article must be a JSON object");
    struct kb_article a;
    kb_article_init(&a);
    int rc = from_json(obj, &a, d);
    if (rc) {
        kb_article_release(&a);
        return rc;
    }
    kb_article_release(out);
    *out = a;
    return 0;
}
