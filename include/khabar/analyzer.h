/*
 * analyzer.h — the Arabic-first text analyzer behind search and related articles.
 *
 * Text is decoded (invalid UTF-8 never fails), normalized (NFKC, format marks, harakat,
 * tatweel, alef/yeh/teh-marbuta/Persian folding, digits, lowercase), split into tokens
 * (words, numbers with ٫/٬, hashtags, URLs, e-mail addresses — see docs/analyzer.md), stop
 * words dropped, and stemmed (Arabic light stemmer with a name-exclusion list; English
 * Porter2 for Latin words).  In KB_ANALYZE_INDEX mode an alternate stem without a leading
 * و ف ب ل ك is emitted at the same position (flag KB_TOKEN_COLOCATED), as FTS5 expects.
 *
 * Byte offsets passed to the callback are offsets into the caller's original text, so
 * highlights mark the reader's own spelling.  Thread-safe; no global state after
 * kb_analyzer_init().
 */
#ifndef KHABAR_ANALYZER_H
#define KHABAR_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>
#include "khabar/buf.h"
#include "khabar/err.h"

enum kb_analyze_mode {
    KB_ANALYZE_INDEX,  /* primary stems plus colocated alternates */
    KB_ANALYZE_QUERY,  /* primary stems only */
    KB_ANALYZE_PREFIX, /* normalized, not stemmed, stop words kept (for word* queries) */
};

#define KB_TOKEN_COLOCATED 0x0001 /* same value as FTS5_TOKEN_COLOCATED */

/* Receives each term; returning non-zero stops the analysis and is returned by kb_analyze. */
typedef int (*kb_token_fn)(void *ctx, int flags, const char *term, size_t n, size_t start,
                           size_t end);

/* One-time setup (ICU normalizer); safe to call more than once. */
KB_MUST_CHECK int kb_analyzer_init(struct kb_diag *d);

/* Analyze text[0..n) and call fn for every term, in order. */
int kb_analyze(const char *text, size_t n, enum kb_analyze_mode mode, kb_token_fn fn, void *ctx);

/* Append the normalized form of s (no tokenizing, no stemming). */
void kb_normalize(struct kb_buf *out, const char *s, size_t n);

/* True when the raw token is an Arabic or English stop word. */
bool kb_is_stopword(const char *s, size_t n);

#endif
