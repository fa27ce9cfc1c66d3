/*
 * pagetext.h — article pages saved as text (a browser's "save as text" of a news page).
 *
 * The layout, as on the reference page (../shared/fixtures/trt-article.txt), one element a
 * line (blank lines are ignored everywhere):
 *
 *   section                    "سياسة" (at most 6 words)
 *   [reading time]             "3 دقيقة قراءة", "دقيقتان قراءة", "٣ دقائق قراءة", "4 min read"
 *   headline
 *   [lede]                     absent only when the next line is already the date
 *   [image alt]                a line repeating the headline (whitespace-normalized)
 *   [caption]                  "<caption> / صورة: <credit> / <copyright>"; the label may
 *                              also be تصوير: الصورة: Photo:; credit and copyright optional
 *   date                       anything kb_date_parse accepts: "13 نوفمبر 2024",
 *                              "١٣ تشرين الثاني ٢٠٢٤", "13 نوفمبر/تشرين الثاني 2024", ...
 *   body                       one paragraph or subheading a line
 *   [source]                   "مصدر:" or "المصدر:" (spaces around the colon optional)
 *   [discover]                 "اكتشف" then other articles' headlines, one a line
 *
 * The image block is optional: after the lede comes either the alt line (then an optional
 * caption line), or a caption line carrying a credit label, or directly the date.  A line
 * after the alt line that is not the date is the caption even without a credit label.
 *
 * Subheadings: a body line is an h2 when it has at most 12 words, does not end with
 * sentence punctuation (. ! ? ؟ : … " » ” ’ ' ، ؛ , ;) and is not the last body line;
 * every other body line is a paragraph.
 *
 * The body ends at the last source line; when there is none, at the "اكتشف" line; when
 * there is neither, at the end of the file.  Lines between the source line and "اكتشف"
 * (page furniture such as tags) are dropped.  Discover headlines are never body.
 *
 * Dumps vary: a UTF-8 BOM, CRLF or CR line ends, extra blank lines, leading and trailing
 * spaces, no reading-time line, no image, Arabic-Indic digits, Levantine or combined month
 * names, no source line, no Discover rail: all accepted.  Anything else is refused with
 * the 1-based line number in d->line and an English reason in d->msg that starts with
 * "line N: " (except "empty file: no headline"): NUL bytes, control characters or invalid
 * UTF-8 (binary content), a line longer than KB_PAGETEXT_MAX_LINE, a file longer than
 * KB_PAGETEXT_MAX (KB_ETOOBIG), no headline, a missing date where one is expected, no
 * body, and fields longer than the article caps of article.h.
 *
 * Thread-safety: every function is reentrant; a struct kb_page_text belongs to one thread.
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
/* The longest line accepted, in bytes (a long paragraph is a few KB). */
#define KB_PAGETEXT_MAX_LINE ((size_t)64 << 10)
/* The most words a subheading may have. */
#define KB_PAGETEXT_H2_MAX_WORDS 12

enum kb_block_type { KB_BLOCK_P, KB_BLOCK_H2 };

struct kb_block {
    enum kb_block_type type;
    char *text;
};

/* Every string is owned, valid UTF-8 and trimmed; NULL means absent. */
struct kb_page_text {
    char *section;
    int reading_minutes; /* as printed on the page; 0 when the line is absent */
    char *headline;      /* never NULL or empty after a successful parse */
    char *lede;          /* NULL when the page has none */
    bool has_image;
    char *image_alt, *image_caption, *image_credit, *image_copyright; /* each may be NULL */
    struct kb_civil date;    /* the publication date as written (has_time when a time was) */
    char *date_display;      /* the line as written: "13 نوفمبر 2024" */
    struct kb_block *blocks; /* at least one */
    size_t nblocks;
    char *source;    /* NULL when there is no "مصدر:" line (or it is empty) */
    char **discover; /* the "اكتشف" rail: other articles, not this one's body */
    size_t ndiscover;
};

/* Parse page text (n bytes; need not be NUL-terminated).  On success fills *out, which the
 * caller frees with kb_pagetext_release.  On failure returns KB_EINVAL (or KB_ETOOBIG for
 * size caps), sets d->line to the 1-based line and d->msg to the reason, and leaves *out
 * untouched. */
KB_MUST_CHECK int kb_pagetext_parse(const char *text, size_t n, struct kb_page_text *out,
                                    struct kb_diag *d);
/* Free everything *pt owns and zero it.  Safe on a zeroed struct. */
void kb_pagetext_release(struct kb_page_text *pt);

/* Write the parsed structure in the shape of trt-article.expected.json, keys in this
 * order: section, reading_minutes, headline, lede, image{alt,caption,credit,copyright},
 * published_date ("2024-11-13"), published_display (as written), body[{type,text}],
 * source, discover[].  Absent values are null (reading_minutes when 0, lede, image,
 * image fields, source); discover is always an array.  Errors go to the buffer's sticky
 * error. */
void kb_pagetext_to_json(const struct kb_page_text *pt, struct kb_json *j);

/* Build an article from parsed page text: status published, section.slug = section_slug
 * and section.name = pt->section, headline, lede, source, image alt/caption/credit/
 * copyright (no src), language "ar" (or "en" when the headline has Latin letters and no
 * Arabic ones), body_html with one "<p>…</p>" or "<h2>…</h2>" per block, HTML-escaped,
 * joined with "\n", published = the date at 00:00 (or the time written on the page) at
 * `offset_min` minutes east of UTC.  reading_minutes is left 0 for kb_article_compute:
 * the page's own figure is not trusted.
 * *out must have been set up with kb_article_init; on success it is released and replaced,
 * on failure it is untouched.  Errors: KB_EINVAL (no section slug), KB_ETOOBIG (body
 * above KB_MAX_BODY). */
KB_MUST_CHECK int kb_pagetext_to_article(const struct kb_page_text *pt, const char *section_slug,
                                         int offset_min, struct kb_article *out, struct kb_diag *d);

#endif
