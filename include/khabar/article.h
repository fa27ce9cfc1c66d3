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
    char *slug; /* URL segment: Latin for the built-in sections, Arabic kept otherwise */
    char *name; /* display name: "سياسة" */
    int position; /* order in the site's navigation */
};

void kb_section_release(struct kb_section *s);

struct kb_image {
    char *src; /* URL or site path ("/media/ab12.jpg") */
    char *alt;
    char *caption;
    char *credit;
    char *copyright;
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
    char *external_id; /* the importer's key (source URL or corpus id), NULL for native */
};

void kb_article_init(struct kb_article *a);
void kb_article_release(struct kb_article *a);

/* Fill derived fields: reading_minutes from lede + body (language-aware), language "ar"
 * when NULL. */
void kb_article_compute(struct kb_article *a);

/* Check required fields (headline, body_html, section slug), caps on every field, valid
 * status/time combinations (scheduled needs published), image fields (src when any other
 * image field is set is not required: a caption without a photo is refused).  On failure
 * `d->field` names the field. */
KB_MUST_CHECK int kb_article_validate(const struct kb_article *a, struct kb_diag *d);

/* Append the site path of the article: "/<section-slug>/<slug>" with both segments
 * percent-encoded. */
void kb_article_url(struct kb_buf *out, const struct kb_article *a);

/* Write the article as product.md's JSON object. */
void kb_article_to_json(const struct kb_article *a, struct kb_json *j);

/* Read an article from product.md's JSON (a jansson json_t *, passed as void * so this
 * header does not pull jansson in).  Unknown fields are ignored; wrong types are
 * KB_EINVAL naming the field. */
KB_MUST_CHECK int kb_article_from_json(const void *json_obj, struct kb_article *out,
                                       struct kb_diag *d);

/* Set *dst to a copy of src (NULL stays NULL), freeing the old value. */
void kb_set_str(char **dst, const char *src);

#endif
