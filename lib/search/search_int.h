/*
 * search_int.h — what the files of lib/search share and nobody else sees: the MATCH
 * expression read back into phrases of analyzed terms, and the marks (highlighted headline,
 * snippet) computed from phrase instances.
 */
#ifndef KHABAR_SEARCH_INT_H
#define KHABAR_SEARCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/buf.h"
#include "khabar/search.h"

#define KB_MATCH_MAX_PHRASES (2 * KB_SEARCH_MAX_PARTS)
#define KB_MATCH_MAX_TERMS (4 * KB_SEARCH_MAX_PHRASE_WORDS)

/* One FTS5 string of the expression: its terms as the tokenizer gives them in QUERY mode
 * (PREFIX mode for a prefix, whose last term then matches any term it begins). */
struct kb_match_phrase {
    bool negative, prefix;
    size_t nterms;
    char *terms[KB_MATCH_MAX_TERMS];
    size_t lens[KB_MATCH_MAX_TERMS];
};

struct kb_match_expr {
    struct kb_match_phrase p[KB_MATCH_MAX_PHRASES];
    size_t np;
    bool all;        /* AND between the positive phrases (else OR) */
    bool has_prefix; /* a phrase is a prefix */
};

/* Read kb_search_query_match's output back: "S1 OR S2", "S1 AND S2", "(…) NOT (X1 OR X2)",
 * strings "…" with '"' doubled, " *" after a prefix.  False (and nothing to release) for
 * any other shape or a string with no term. */
bool kb_match_expr_parse(const char *m, struct kb_match_expr *e);
void kb_match_expr_release(struct kb_match_expr *e);

/* A phrase instance in one column: `len` tokens from position `pos`. */
struct kb_span {
    uint32_t pos, len;
    uint32_t phrase;
};

/* Every instance of the positive phrases in text[0..n), found by analyzing it (INDEX mode,
 * positions as FTS5 counts them).  *out sorted by position; free() it. */
size_t kb_marks_spans(const struct kb_match_expr *e, const char *text, size_t n,
                      struct kb_span **out);

/* The whole text with KB_SEARCH_MARK_OPEN/CLOSE around the spans (sorted by position). */
void kb_marks_highlight(struct kb_buf *out, const char *text, size_t n, const struct kb_span *s,
                        size_t ns);
/* Every KB_MARKS_CHECKPOINT-th position of a lede or body, the index keeps the byte offset
 * where its token starts, so a snippet deep in a long text is analyzed from there. */
#define KB_MARKS_CHECKPOINT 8

/* A window of `tokens` tokens around the best group of spans (most distinct phrases, then
 * most instances, then earliest; the first tokens when there is none), cut at token
 * boundaries with KB_SEARCH_ELLIPSIS where text was left out, spans marked.  The text is
 * analyzed only up to the window's end. */
void kb_marks_snippet(struct kb_buf *out, const char *text, size_t n, const struct kb_span *s,
                      size_t ns, uint32_t tokens, const uint32_t *ck, size_t nck);
/* The first position of the snippet's window (kb_marks_snippet's choice, before the pull
 * back from the end of the text). */
uint32_t kb_marks_window(const struct kb_span *s, size_t ns, uint32_t tokens);
/* (ck[i]: the byte offset of position (i + 1) * KB_MARKS_CHECKPOINT; NULL, 0 when unknown.) */

/* The spans of the positive phrases in column `col` (0 headline, 1 lede, 2 body) of article
 * `id`, from the in-memory index (no analysis).  False when the index does not hold it. */
bool kb_search_index_spans(const struct kb_search_index *x, int64_t id,
                           const struct kb_match_expr *e, int col, struct kb_span **out, size_t *n);
/* The checkpoints of column `col` of article `id` (see KB_MARKS_CHECKPOINT); 0 when none. */
size_t kb_search_index_checkpoints(const struct kb_search_index *x, int64_t id, int col,
                                   const uint32_t **out);

#endif
