/*
 * pagetext.h — article pages saved as text (a browser's "save as text" of a news page).
 *
 * The layout, as on the reference page (../shared/fixtures/trt-article.txt):
 *   section / [reading time] / headline / lede / [image alt / caption "/ صورة: X / Y"] /
 *   date / body paragraphs and subheadings / "مصدر:" source / "اكتشف" + other headlines.
 * Dumps vary: a BOM, CRLF, extra blank lines, no reading-time line, no image, Arabic-Indic
 * digits, Levantine or combined month names: all accepted.  Anything else is refused with
 * the line number and the reason.
 */
#ifndef KHABAR_PAGETEXT_H
#define KHABAR_PAGETEXT_H

#include <stdbool.h>
#include <stddef.h>
#include "khabar/article.h"
#include "khabar/err.h"
#include "khabar/json.h"
#include "khabar/text.h"

/* The largest page text accepted (a real page is a few tens of KB). */
#define KB_PAGETEXT_MAX ((size_t)4 << 20)

enum kb_block_type { KB_BLOCK_P, KB_BLOCK_H2 };

struct kb_block {
    enum kb_block_type type;
    char *text;
};

struct kb_page_text {
    char *section;
    int reading_minutes; /* as printed on the page; 0 when the line is absent */
    char *headline;
    char *lede;
    bool has_image;
    char *image_alt, *image_caption, *image_credit, *image_copyright;
    struct kb_civil date;    /* the publication date as written */
    char *date_display;      /* the line as written: "13 نوفمبر 2024" */
    struct kb_block *blocks;
    size_t nblocks;
    char *source;            /* NULL when there is no "مصدر:" line */
    char **discover;         /* the "اكتشف" rail: other articles, not this one's body */
    size_t ndiscover;
};

/* Parse page text.  On failure d->line is the 1-based line and d->msg the reason, and
 * *out is untouched. */
KB_MUST_CHECK int kb_pagetext_parse(const char *text, size_t n, struct kb_page_text *out,
                                    struct kb_diag *d);
void kb_pagetext_release(struct kb_page_text *pt);

/* Write the parsed structure in the shape of trt-article.expected.json (section,
 * reading_minutes, headline, lede, image{alt,caption,credit,copyright}, published_date,
 * published_display, body[{type,text}], source, discover[]). */
void kb_pagetext_to_json(const struct kb_page_text *pt, struct kb_json *j);

/* Build an article (status published, body_html from the blocks, escaped) from parsed
 * page text.  `section_slug` is the slug of the section the caller resolved for
 * pt->section; the date is taken at `offset_min`.  The caller owns *out. */
KB_MUST_CHECK int kb_pagetext_to_article(const struct kb_page_text *pt, const char *section_slug,
                                         int offset_min, struct kb_article *out,
                                         struct kb_diag *d);

#endif
