/*
 * analyzer_int.h — the pieces of the analyzer shared by analyzer.c, stem_ar.c, stem_en.c
 * and stopwords.c, and nobody else (programs and other areas include khabar/analyzer.h).
 *
 * Words are passed between the pieces as arrays of code points, already normalized
 * (folded letters, no marks), so the stemmers and lists never decode UTF-8 themselves.
 */
#ifndef KHABAR_ANALYZER_INT_H
#define KHABAR_ANALYZER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest token the analyzer emits, in code points; longer runs are not indexed (no word of
 * a real language is this long: they are hashes, base64 or keyboard mashing). */
#define KB_AN_MAX_CHARS 64

/* Arabic light stemmer (stem_ar.c).  w[0..*n) is a normalized Arabic word; the stem
 * replaces it in place and *n shrinks.  Idempotent: stemming a stem changes nothing. */
void kb_stem_ar(uint32_t *w, size_t *n);
/* Remove at most one of the article prefixes ال وال بال كال فال لل (at least 2 letters
 * remain), nothing else: for prefix queries, which are not stemmed. */
void kb_stem_ar_prefix(uint32_t *w, size_t *n);
/* True when the normalized word is on the name list (never stemmed). */
bool kb_stem_ar_is_name(const uint32_t *w, size_t n);
/* Build the name table; called once by kb_analyzer_init. */
void kb_stem_ar_init(void);

/* English Snowball stemmer (stem_en.c), one stemmer per thread.  word[0..n) is lowercase
 * UTF-8; the stem (no longer than the word) is written to out (room for n bytes) and its
 * length returned.  Repeated until it no longer changes, so it is idempotent.  On failure
 * (no memory for the stemmer) the word is returned unchanged. */
size_t kb_stem_en(const char *word, size_t n, char *out);

/* Stop words (stopwords.c).  `raw` is the token after NFKC, case folding and mark removal
 * but before letter folding; `norm` the fully normalized form.  Both UTF-8. */
bool kb_stopword_match(const char *raw, size_t rn, const char *norm, size_t nn);
void kb_stopwords_init(void);

/* Normalization of one code point after NFKC_Casefold (analyzer.c): 0 when it is deleted
 * (harakat, superscript alef, tatweel, format and combining marks), else the folded form
 * (alef variants, yeh, teh marbuta, Persian letters, digits).  `raw` gets the form before
 * letter folding (deleted or not). */
uint32_t kb_an_fold(uint32_t cp, uint32_t *raw);

#endif
