/*
 * analyzer.h — the Arabic-first text analyzer behind search and related articles.
 *
 * Text is decoded (invalid UTF-8 never fails), normalized (NFKC_Casefold, format marks,
 * harakat, tatweel, alef/yeh/teh-marbuta/Persian folding, digits, lowercase), split into
 * tokens (Arabic words, Latin words, numbers with . , ٫ ٬ between digits; hashtags and
 * e-mail addresses give their words, URLs their words without scheme, www and %XX — see
 * docs/analyzer.md), stop words dropped, and stemmed (Arabic light stemmer with a
 * name-exclusion list; Snowball English for Latin words; numbers without thousands
 * separators).  In KB_ANALYZE_INDEX mode alternate stems without a leading و ف ب ل ك are
 * emitted right after the primary, at the same position (flag KB_TOKEN_COLOCATED), as FTS5
 * expects; the first term of a text is never colocated.
 *
 * Terms are non-empty valid UTF-8, at most 64 code points (longer runs are not emitted);
 * analyzing a QUERY-mode term again in QUERY mode gives exactly that term, or nothing when
 * it is a stop word.  Byte offsets passed to the callback are offsets into the caller's
 * original text (start <= end <= n, starts never decrease; harakat and tatweel inside or at
 * the end of a word are inside its range), so highlights mark the reader's own spelling.
 * Thread-safe: the tables are built once, and each thread gets its own English stemmer.
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
    KB_ANALYZE_PREFIX, /* normalized, not stemmed, stop words kept (for word* queries); an
                        * Arabic article ال/وال/بال/كال/فال/لل is removed, as the index
                        * holds stems without it */
};

#define KB_TOKEN_COLOCATED 0x0001 /* same value as FTS5_TOKEN_COLOCATED */

/* Receives each term; returning non-zero stops the analysis and is returned by kb_analyze. */
typedef int (*kb_token_fn)(void *ctx, int flags, const char *term, size_t n, size_t start,
                           size_t end);

/* One-time setup (ICU normalizer); safe to call more than once. */
KB_MUST_CHECK int kb_analyzer_init(struct kb_diag *d);

/* Analyze text[0..n) and call fn for every term, in order.  Returns 0, or the first
 * non-zero value fn returned.  Calls kb_analyzer_init itself if needed (an ICU failure then
 * only skips NFKC). */
int kb_analyze(const char *text, size_t n, enum kb_analyze_mode mode, kb_token_fn fn, void *ctx);

/* Append the normalized form of s (no tokenizing, no stemming): every character folded as
 * the analyzer folds it, separators kept.  Idempotent. */
void kb_normalize(struct kb_buf *out, const char *s, size_t n);

/* True when the token, as written (harakat, tatweel and case aside), is an Arabic or English
 * stop word.  Letter folding is not applied: على is one, the name علي is not. */
bool kb_is_stopword(const char *s, size_t n);

#endif
