/*
 * related.h — related articles and near-duplicate detection (docs/related.md).
 *
 * Every article gets a term vector: the analyzer's QUERY-mode terms of its headline (x3),
 * lede (x2) and body text (x1), weighted (1 + ln tf) * idf with document frequencies from
 * the FTS5 index (migration 4's article_search_vocab), Latin words written with a capital
 * (names) doubled, the KB_RELATED_TERMS heaviest kept and scaled to unit length.  Two
 * articles are related by the cosine of their vectors times a time decay on the distance
 * between their publication dates.  Near-duplicates: two articles whose body texts share
 * at least KB_DUP_JACCARD of their 3-term shingles (Jaccard similarity of the two sets of
 * analyzer QUERY-mode term triples; bodies under 8 terms are never compared), checked among
 * each article's best candidates by cosine (a copy of a story has nearly its vector); the
 * later one (published, then id) is marked dup_of the earliest's root.
 *
 * Stored (migration 4): article_terms (the vectors), article_simhash (a hash of the body's
 * shingle set — the column keeps its first name —, the body's term count, dup_of and the
 * article version they were computed from) and article_related (up to KB_RELATED_MAX ids
 * per article, by rank).  Invariants of a stored list: never the article itself, only
 * articles that were published and not trashed when it was computed, no article marked
 * as a duplicate and no near-duplicate of the article.  Readers still check liveness.
 *
 * Layering: the kb_related_sqlite_* functions work on a SQLite connection (lib/search);
 * the kb_store_related_* ones on a store (lib/store; KB_EINVAL on a backend without them);
 * kb_engine_related_* are what write paths call after they commit (lib/engine).
 * Writes run in a savepoint, so they join a caller's transaction or make their own.
 */
#ifndef KHABAR_RELATED_H
#define KHABAR_RELATED_H

#include <stddef.h>
#include <stdint.h>
#include "khabar/err.h"

struct sqlite3;
struct kb_store;

#define KB_RELATED_MAX 10   /* ids stored per article */
#define KB_RELATED_TERMS 24 /* terms kept in a vector */
#define KB_DUP_JACCARD 0.7  /* shared body shingles for a near-duplicate (docs/related.md) */
/* kb_engine_related_refresh recomputes every list instead of the affected ones when more
 * than this many articles changed. */
#define KB_RELATED_BULK 200

/* ---- near-duplicates -------------------------------------------------------------------- */

/* The Jaccard similarity of two texts' sets of 3-term shingles (analyzer QUERY-mode terms):
 * 1 for the same text, >= KB_DUP_JACCARD for near-duplicates; -1 when either has fewer than
 * 8 terms (too short to judge). */
double kb_dup_similarity(const char *a, size_t na, const char *b, size_t nb);

/* ---- SQLite ---------------------------------------------------------------------------- */

struct kb_related_stats {
    size_t articles;   /* vectors computed */
    size_t lists;      /* related lists written */
    size_t duplicates; /* articles marked dup_of another */
};

/* Recompute article `id` (vector, shingle hash, duplicate marks, list) and the lists of the
 * articles it may now belong to or leave: its own best candidates and those listing it.
 * A missing id (deleted) only refreshes those listing it.  `st` (optional) is added to. */
KB_MUST_CHECK int kb_related_sqlite_update(struct sqlite3 *db, int64_t id,
                                           struct kb_related_stats *st, struct kb_diag *d);
/* Recompute everything from `articles`. */
KB_MUST_CHECK int kb_related_sqlite_rebuild(struct sqlite3 *db, struct kb_related_stats *st,
                                            struct kb_diag *d);
/* Ids of articles whose stored data is missing or older than the article (version). */
KB_MUST_CHECK int kb_related_sqlite_stale(struct sqlite3 *db, int64_t **ids, size_t *n,
                                          struct kb_diag *d);
/* The stored list of `id`, best first, at most `max`. */
KB_MUST_CHECK int kb_related_sqlite_list(struct sqlite3 *db, int64_t id, int64_t *ids, size_t max,
                                         size_t *n, struct kb_diag *d);
/* The article `id` is a near-duplicate of (0: none). */
KB_MUST_CHECK int kb_related_sqlite_dup_of(struct sqlite3 *db, int64_t id, int64_t *dup_of,
                                           struct kb_diag *d);
/* Up to `max` (duplicate, original) pairs, newest duplicate first; *total counts all. */
KB_MUST_CHECK int kb_related_sqlite_dup_pairs(struct sqlite3 *db, int64_t (*pairs)[2], size_t max,
                                              size_t *n, size_t *total, struct kb_diag *d);

/* ---- the store (lib/store) ------------------------------------------------------------- */

KB_MUST_CHECK int kb_store_related_update(struct kb_store *s, int64_t id,
                                          struct kb_related_stats *st, struct kb_diag *d);
KB_MUST_CHECK int kb_store_related_rebuild(struct kb_store *s, struct kb_related_stats *st,
                                           struct kb_diag *d);
KB_MUST_CHECK int kb_store_related_stale(struct kb_store *s, int64_t **ids, size_t *n,
                                         struct kb_diag *d);
KB_MUST_CHECK int kb_store_related_list(struct kb_store *s, int64_t id, int64_t *ids, size_t max,
                                        size_t *n, struct kb_diag *d);
KB_MUST_CHECK int kb_store_related_dup_of(struct kb_store *s, int64_t id, int64_t *dup_of,
                                          struct kb_diag *d);
KB_MUST_CHECK int kb_store_related_dup_pairs(struct kb_store *s, int64_t (*pairs)[2], size_t max,
                                             size_t *n, size_t *total, struct kb_diag *d);

/* ---- the engine (lib/engine): call after a write has committed ----------------------- */

/* Article `id` was created, changed, published, trashed or deleted. */
KB_MUST_CHECK int kb_engine_related_update(struct kb_store *s, int64_t id, struct kb_diag *d);
/* Bring every stale article up to date (after an import): one by one, or a full rebuild
 * when more than KB_RELATED_BULK changed. */
KB_MUST_CHECK int kb_engine_related_refresh(struct kb_store *s, struct kb_related_stats *st,
                                            struct kb_diag *d);

#endif
