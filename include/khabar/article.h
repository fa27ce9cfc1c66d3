/*
 * article.h — the article model: a plain struct, its validation and its JSON form.
 *
 * The JSON shape is product.md's contract: id, slug, url, status, section{slug,name},
 * headline, lede, byline, source, language, image{src,alt,caption,credit,copyright},
 * body_html, tags[], published, updated, reading_minutes.
 *
 * Ownership: every char * in these structs is owned (malloc'd) by the struct and freed by
 * its _release function; NULL means "absent".  Times are unix seconds (UTC) plus the
 * offset, in minutes east of UTC, in which they were written (kept for display and for
 * ISO 8601 output with the newsroom's offset).
 */
#ifndef KHABAR_ARTICLE_H
#define KHABAR_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/buf.h"
#include "khabar/err.h"
#include "khabar/json.h"

/* Length caps, in bytes of UTF-8, checked by kb_article_validate. */
#define KB_MAX_HEADLINE 600
#define KB_MAX_LEDE 2000
#define KB_MAX_BYLINE 300
#define KB_MAX_SOURCE 300
#define KB_MAX_SLUG 400 /* 80 Arabic code points are 160 bytes; room for "-NN" */
#define KB_MAX_LANGUAGE 16
#define KB_MAX_IMAGE_SRC 2000
#define KB_MAX_IMAGE_TEXT 1000 /* alt, caption, credit, copyright each */
#define KB_MAX_BODY ((size_t)2 << 20)
#define KB_MAX_TAGS 50
#define KB_MAX_TAG 100
#define KB_MAX_SECTION_SLUG 100
#define KB_MAX_SECTION_NAME 100
#define KB_MAX_EXTERNAL_ID 2000
#define KB_MAX_OFFSET_MIN (24 * 60 - 1) /* |offset| of published/updated, minutes */
#define KB_MAX_TRANSLATIONS 20           /* translations[] of one article */

enum kb_status {
    KB_STATUS_DRAFT,
    KB_STATUS_REVIEW,
    KB_STATUS_SCHEDULED,
    KB_STATUS_PUBLISHED,
    KB_STATUS_UNPUBLISHED,
};

const char *kb_status_name(enum kb_status s); /* "draft", ... */
/* Parse a status name; KB_EINVAL when unknown. */
KB_MUST_CHECK int kb_status_parse(const char *name, enum kb_status *out);

struct kb_section {
    int64_t id;
    char *slug;   /* URL segment: Latin for the built-in sections, Arabic kept otherwise */
    char *name;   /* display name: "سياسة" */
    int position; /* order in the site's navigation */
    /* The parent section's slug (a WordPress category's parent), NULL at the top.  Filled
     * by kb_store_section_get/list (not in an article's section); written only with
     * kb_store_section_set_parent, so kb_store_section_put leaves it as it was. */
    char *parent;
};

/* Free the strings of `s` and zero it (a zeroed struct is a valid empty one). */
void kb_section_release(struct kb_section *s);

/* Check a section as the store writes it: slug and name required, within
 * KB_MAX_SECTION_SLUG / KB_MAX_SECTION_NAME, valid UTF-8 without control characters; the
 * slug is one URL segment (no '/', '?', '#', '\\', '%', spaces; not "." or "..").  On failure
 * `d->field` is "slug" or "name". */
KB_MUST_CHECK int kb_section_validate(const struct kb_section *s, struct kb_diag *d);

struct kb_image {
    char *src; /* URL or site path ("/media/ab12.jpg") */
    char *alt;
    char *caption;
    char *credit;
    char *copyright;
};

/* Another article that is a translation of this one (hreflang; docs/render.md).  On input
 * (kb_article_from_json, kb_store_article_put) `id` names it or, when 0, `url`: the site
 * path of an existing article ("/politics/slug"; an absolute URL's path counts the same).
 * On output (kb_store_translations_get) every field is filled. */
struct kb_translation {
    int64_t id;
    char *url;      /* "/<section-slug>/<slug>", percent-encoded */
    char *language; /* the other article's language */
};

struct kb_article {
    int64_t id; /* 0 until stored */
    char *slug; /* unique; made from the headline when NULL at store time */
    enum kb_status status;
    struct kb_section section; /* slug is what is stored; name filled in on load */
    char *headline;
    char *lede;
    char *byline;
    char *source;
    char *language; /* BCP 47, "ar" by default */
    struct kb_image image;
    char *body_html; /* sanitized HTML */
    char **tags;
    size_t ntags;
    int64_t published; /* 0 when never published */
    int published_offset;
    int64_t updated; /* set by the store on every write */
    int updated_offset;
    int reading_minutes; /* computed from lede + body by kb_article_compute */
    char *external_id;   /* the importer's key (source URL or corpus id), NULL for native */
    int64_t want_id;     /* on insert (id 0) only: take this id when no article has it
                            (restoring an export, export.h); 0 = the next free one */
    /* Translations.  translations_set says the list means something: read from JSON that
     * has "translations", or loaded by kb_store_translations_get.  Then kb_store_article_put
     * makes this article a translation of exactly these articles (and of their own
     * translations), and kb_article_to_json writes "translations"; when false the stored
     * links are left as they are and the JSON has no "translations". */
    struct kb_translation *translations;
    size_t ntranslations;
    bool translations_set;
};

/* Zero `a` (status draft, every string NULL).  kb_article_release frees everything and
 * leaves `a` initialized again, so an article can be reused. */
void kb_article_init(struct kb_article *a);
void kb_article_release(struct kb_article *a);

/* Fill derived fields: language "ar" when NULL or empty, then reading_minutes from the words
 * of lede (plain text) + body_html (HTML) at the language's reading speed (text.h). */
void kb_article_compute(struct kb_article *a);

/* Check an article before it is stored or served.  On failure returns KB_EINVAL (missing,
 * malformed) or KB_ETOOBIG (a cap exceeded), and `d->field` names the field: "headline",
 * "body_html", "section.slug", "image.caption", "tags", "published", ...
 *  - required: headline and body_html (not blank), section.slug (or, before the store
 *    has resolved it, section.name);
 *  - every field within its KB_MAX_* cap (bytes), at most KB_MAX_TAGS tags, none empty;
 *  - every string valid UTF-8; no control characters (nor U+2028/U+2029) in single-line
 *    fields — all but lede and body_html, which may hold tab, CR and LF;
 *  - slug and section.slug are one URL segment each (see kb_section_validate); language
 *    is a BCP 47 shape ("ar", "en-GB");
 *  - status in range; published and scheduled articles need a published time (scheduled:
 *    the engine checks that it is in the future, since that needs a clock); offsets within
 *    ±KB_MAX_OFFSET_MIN; reading_minutes >= 0;
 *  - image: src, when set, is a site path ("/media/x.jpg") or an http(s) URL.  Image text
 *    (alt, caption, credit, copyright) without a src IS allowed: page-text imports carry
 *    the caption and credit of a photo whose file is not part of the text, and the page
 *    still shows them (the renderer decides how).
 * Pure; thread-safe. */
KB_MUST_CHECK int kb_article_validate(const struct kb_article *a, struct kb_diag *d);

/* Append the site path of the article: "/<section-slug>/<slug>" with both segments
 * percent-encoded (a NULL segment is empty). */
void kb_article_url(struct kb_buf *out, const struct kb_article *a);

/* Write the article as product.md's JSON object, fields in this order: id (null when 0),
 * slug, url (null without both slugs), status, section{slug,name}, headline, lede, byline,
 * source, language, image{src,alt,caption,credit,copyright} (null when every image field is
 * NULL), body_html, tags[], published, updated (ISO 8601 with the stored offset, null when
 * 0), reading_minutes.  NULL strings are null.  external_id is not part of the contract and
 * is not written. */
void kb_article_to_json(const struct kb_article *a, struct kb_json *j);
/* The members kb_article_to_json writes, without the enclosing braces, into an object the
 * caller opened (kb_json_obj) and closes: for records that add their own keys (export.h). */
void kb_article_json_members(const struct kb_article *a, struct kb_json *j);

/* Free the strings of v[0..n) and v itself. */
void kb_translations_free(struct kb_translation *v, size_t n);

/* Read an article from product.md's JSON (a jansson json_t *, passed as void * so this
 * header does not pull jansson in).  `section` is an object {slug, name} or a string,
 * kept in section.name with a NULL slug (the store resolves it as a slug or a display
 * name: "politics" and "سياسة" both work).  published/updated are
 * ISO 8601 strings (without an offset: UTC).  Every field is optional and may be null;
 * "url" is ignored (derived); "external_id" (a string) is read when present;
 * "translations" is an array of ids or of objects {"id"} / {"url"} (null or absent: not set).  Unknown fields
 * are ignored.  Wrong types, unknown status names, bad dates, strings holding NUL are
 * KB_EINVAL naming the field ("image.alt", "tags", "published"); more than KB_MAX_TAGS tags
 * is KB_ETOOBIG.  Nothing is validated beyond that: call kb_article_validate.
 * `out` must be initialized (kb_article_init or zeroed); on success its old contents are
 * released and replaced, on failure it is untouched. */
KB_MUST_CHECK int kb_article_from_json(const void *json_obj, struct kb_article *out,
                                       struct kb_diag *d);

/* Set *dst to a copy of src (NULL stays NULL), freeing the old value. */
void kb_set_str(char **dst, const char *src);

#endif
