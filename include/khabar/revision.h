/*
 * revision.h — what changed between two versions of an article: the fields (for revision
 * summaries and 409 answers) and, for the body, a paragraph-level diff (an LCS over the
 * body's blocks).  lib/model/revision.c.
 *
 * Field names are product.md's JSON keys: slug, status, section, headline, lede, byline,
 * source, language, image, body_html, tags, published.
 *
 * Pure; thread-safe.
 */
#ifndef KHABAR_REVISION_H
#define KHABAR_REVISION_H

#include <stddef.h>
#include "khabar/article.h"
#include "khabar/json.h"

enum kb_field_bit {
    KB_FIELD_SLUG = 1u << 0,
    KB_FIELD_STATUS = 1u << 1,
    KB_FIELD_SECTION = 1u << 2,
    KB_FIELD_HEADLINE = 1u << 3,
    KB_FIELD_LEDE = 1u << 4,
    KB_FIELD_BYLINE = 1u << 5,
    KB_FIELD_SOURCE = 1u << 6,
    KB_FIELD_LANGUAGE = 1u << 7,
    KB_FIELD_IMAGE = 1u << 8,
    KB_FIELD_BODY = 1u << 9,
    KB_FIELD_TAGS = 1u << 10,
    KB_FIELD_PUBLISHED = 1u << 11,
};
#define KB_FIELD_COUNT 12

/* The JSON name of one bit ("headline"), NULL for anything else. */
const char *kb_field_name(unsigned bit);
/* The bit of a JSON name, 0 when unknown. */
unsigned kb_field_bit(const char *name);

/* The fields in which a and b differ (NULL and "" count as the same; the section is
 * compared by slug, or by name when either slug is missing; published by instant). */
unsigned kb_article_diff_fields(const struct kb_article *a, const struct kb_article *b);

/* Append the names in `mask` as "headline,body_html" (table order). */
void kb_fields_csv(unsigned mask, struct kb_buf *out);
/* Write them as a JSON array of names. */
void kb_fields_json(unsigned mask, struct kb_json *j);
/* Parse "headline,body_html" back (unknown names ignored). */
unsigned kb_fields_parse(const char *csv);

/* Bodies compared as at most this many blocks each; past it the whole body is one change. */
#define KB_DIFF_MAX_BLOCKS 2000

enum kb_diff_kind { KB_DIFF_SAME, KB_DIFF_DEL, KB_DIFF_ADD };

struct kb_diff_op {
    enum kb_diff_kind kind;
    const char *p; /* points into the `a` (SAME, DEL) or `b` (ADD) text */
    size_t n;
};

/* Split two bodies into blocks (an element closed by </p>, </h2>, </h3>, </blockquote>,
 * </li>, </ul>, </ol>, </figure>, or a line of text; blank ones dropped, ends trimmed) and
 * diff them with a longest-common-subsequence: the result reads `a` to `b` in order.  Free
 * *ops with free(). */
void kb_diff_blocks(const char *a, const char *b, struct kb_diff_op **ops, size_t *n);

/* {"fields":[{"field","from","to"}...], "body":[{"op":"same|del|add","html":...}...]}: the
 * changed fields with both values (as JSON: strings, objects, arrays) and the body diff
 * (empty when the body did not change). */
void kb_revision_diff_json(const struct kb_article *a, const struct kb_article *b,
                           struct kb_json *j);

#endif
