/*
 * htmlextract.h — one article out of one saved news page (HTML), for `khabar import html`.
 *
 * Signals, strongest first (docs/extract.md): JSON-LD (NewsArticle, Article and their
 * kin, found at the top level, in arrays and in @graph), OpenGraph and article:* meta
 * tags, other meta tags (description, author, pubdate...), <link rel=canonical>,
 * <time datetime>, <html lang>; then the page's own text: the h1 that matches a meta
 * title, date-looking text near the top of the article, and the main text chosen by
 * content heuristics over the parsed tree (text density, link density, class names that
 * mean boilerplate, and the container that holds the most prose and the least
 * boilerplate).
 *
 * Hostile input: the page is capped (KB_HTML_MAX_INPUT, else KB_ETOOBIG); before gumbo
 * sees it, a pre-pass drops start tags nested deeper than KB_HTML_MAX_DEPTH (gumbo's
 * tree building is quadratic in nesting depth: 100,000 nested divs take 40 s), parse
 * errors are not recorded (gumbo copies the open-element stack into every error: 20,000
 * unclosed spans took 3 GB), every walk over the tree is iterative, and the tree is freed
 * without gumbo's recursive destructor.  Invalid UTF-8 becomes U+FFFD; a truncated page is
 * read as far as it goes.  Every string handed out is valid UTF-8.
 *
 * Thread-safe: no global state.
 */
#ifndef KHABAR_HTMLEXTRACT_H
#define KHABAR_HTMLEXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include "khabar/err.h"
#include "khabar/text.h"

/* The largest page accepted, in bytes. */
#define KB_HTML_MAX_INPUT ((size_t)8 << 20)
/* Start tags nested deeper than this are dropped (their text is kept). */
#define KB_HTML_MAX_DEPTH 400
/* More start tags than this is KB_ETOOBIG: it bounds the tree's memory (a real page has a
 * few thousand; 500,000 links took 400 MB). */
#define KB_HTML_MAX_ELEMENTS 200000

/* The fields, as bits of kb_html_article.missing. */
enum kb_html_field {
    KB_HF_HEADLINE = 1u << 0,
    KB_HF_LEDE = 1u << 1,
    KB_HF_SECTION = 1u << 2,
    KB_HF_BYLINE = 1u << 3,
    KB_HF_PUBLISHED = 1u << 4,
    KB_HF_MODIFIED = 1u << 5,
    KB_HF_BODY = 1u << 6,
    KB_HF_IMAGE = 1u << 7,
    KB_HF_CAPTION = 1u << 8,
    KB_HF_CREDIT = 1u << 9,
    KB_HF_SITE = 1u << 10,
    KB_HF_CANONICAL = 1u << 11,
    KB_HF_LANGUAGE = 1u << 12,
};
#define KB_HF_COUNT 13

/* "headline", "lede", ... for one bit; "" for anything else. */
const char *kb_html_field_name(unsigned bit);

/* A date as the page gives it: the wall-clock date/time and, when the page says so, its
 * offset from UTC.  `found` is false when the page has none. */
struct kb_html_date {
    bool found;
    bool has_offset; /* offset_min is the page's own; else the caller picks a zone */
    struct kb_civil civil;
    int offset_min;
};

/* Where a field came from, for reports and the benchmark. */
enum kb_html_source {
    KB_HS_NONE,
    KB_HS_JSONLD,
    KB_HS_META,   /* OpenGraph, article:*, name=... */
    KB_HS_MARKUP, /* <h1>, <time datetime>, <title>, rel=canonical, itemprop */
    KB_HS_TEXT,   /* text found by heuristics (a date line, the main text) */
    KB_HS_URL,    /* the date in the page's URL */
};
const char *kb_html_source_name(enum kb_html_source s); /* "json-ld", "meta", ... */

/* Every string is owned, valid UTF-8, trimmed, never empty; NULL means not found. */
struct kb_html_article {
    char *headline;
    char *lede;          /* the standfirst: JSON-LD/og/meta description */
    char *section;       /* articleSection, article:section */
    char *byline;        /* authors, ", "-separated */
    char *site_name;     /* og:site_name, the publisher: the source */
    char *canonical_url; /* absolute http(s) URL */
    char *language;      /* BCP 47 primary tag, lower case: "ar", "en" */
    struct kb_html_date published, modified;
    char *body_html; /* sanitized (sanitize.h): p, h2, h3, blockquote, ul/ol/li, a */
    char *body_text; /* the same blocks as plain text, separated by "\n\n" */
    size_t nblocks;  /* blocks in the body */
    bool body_cut;   /* the text went on past KB_MAX_BODY (article.h): cut at a block */
    char *image_src; /* absolute https URL of the lead image */
    char *image_alt, *image_caption, *image_credit;
    unsigned missing; /* KB_HF_* bits of the fields not found */
    enum kb_html_source headline_from, published_from, body_from;
    size_t tags_dropped; /* start tags the depth guard dropped (0 on real pages) */
    bool invalid_utf8;   /* the input held invalid UTF-8 (replaced by U+FFFD) */
};

/* Extract the article of html[0..n) (need not be NUL-terminated).  `page_url` (may be
 * NULL) is the address the page was saved from: relative links and images are resolved
 * against the canonical URL, else against it.  Fields that cannot be found are NULL (or
 * .found false) and their bits set in out->missing: that is not an error.
 * Errors: KB_ETOOBIG above KB_HTML_MAX_INPUT or KB_HTML_MAX_ELEMENTS; KB_EINVAL when the input is
 * not a page (empty, or NUL bytes in the first KiB: a binary file), with the reason in d. *out must
 * be zeroed or released; on success it is filled, on failure untouched. */
KB_MUST_CHECK int kb_html_extract(const char *html, size_t n, const char *page_url,
                                  struct kb_html_article *out, struct kb_diag *d);

/* Free everything *a owns and zero it.  Safe on a zeroed struct. */
void kb_html_article_release(struct kb_html_article *a);

/* Append "headline, byline, ..." (the names of the bits set in `missing`, in enum order,
 * ", "-separated) to out. */
void kb_html_missing_list(struct kb_buf *out, unsigned missing);

#endif
