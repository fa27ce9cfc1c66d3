/*
 * search.h — full-text search: the query language, the SQLite FTS5 index behind it, hits.
 *
 * Layering (docs/search.md): lib/search sits between lib/text and lib/store.  It knows the
 * analyzer (analyzer.h) and SQLite, not the store: the SQLite store registers the "khabar"
 * FTS5 tokenizer on every connection it opens (kb_search_sqlite_register), its migration 2
 * creates the index with triggers that keep it in step with `articles` inside the same
 * transaction as every write, and its search operation runs kb_search_sqlite_run on its
 * own connection.  The engine parses what a reader typed (kb_search_query_parse), turns it
 * into a MATCH expression (kb_search_query_match) and asks the store (kb_store_search).
 *
 * Safety rule: what a reader types never reaches FTS5 as syntax.  Every word and phrase is
 * emitted as an FTS5 string ("..." with '"' doubled) that the tokenizer analyzes; operators
 * (AND, OR, NOT, *, parentheses) only ever come from this code.
 *
 * Thread-safety: everything here is reentrant; a sqlite3 connection belongs to one thread.
 */
#ifndef KHABAR_SEARCH_H
#define KHABAR_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/buf.h"
#include "khabar/err.h"

struct sqlite3;

/* ---- the query language ------------------------------------------------------------- */

/* Bytes of a query that are read; the rest is ignored (cut at a code point boundary). */
#define KB_SEARCH_MAX_INPUT 1024
/* Words, phrases and prefixes kept from one query (exclusions included); later ones are
 * ignored and counted in `dropped`. */
#define KB_SEARCH_MAX_PARTS 32
/* Terms longer than this (bytes) are neither indexed nor searched. */
#define KB_SEARCH_MAX_TERM 256
/* Words kept inside one phrase. */
#define KB_SEARCH_MAX_PHRASE_WORDS 16

enum kb_search_part_kind {
    KB_SEARCH_WORD,   /* وزير */
    KB_SEARCH_PHRASE, /* "وزير الخارجية" (also “…” and «…») */
    KB_SEARCH_PREFIX, /* اقتص* */
};

struct kb_search_part {
    enum kb_search_part_kind kind;
    bool excluded; /* written with a leading '-' */
    char *text;    /* the reader's own spelling: valid UTF-8, no '"', no control characters */
    char *match;   /* searched instead of text (kb_search_query_backoff), or NULL */
};

struct kb_search_date {
    int year, month, day; /* 0 when unset */
};

/* A parsed query.  Zero it (or kb_search_query_parse it) before use. */
struct kb_search_query {
    struct kb_search_part parts[KB_SEARCH_MAX_PARTS];
    size_t nparts;
    size_t dropped;             /* parts past KB_SEARCH_MAX_PARTS, ignored */
    bool truncated;             /* the input was longer than KB_SEARCH_MAX_INPUT */
    char *section;              /* section:<slug> (the last one wins), or NULL */
    struct kb_search_date from; /* from:YYYY-MM-DD, inclusive */
    struct kb_search_date to;   /* to:YYYY-MM-DD, inclusive */
};

/* Parse what a reader typed.  Never fails: anything that is not a well-formed operator is
 * words.  Rules: whitespace separates; "…" (also “…”, «…») is a phrase, an unmatched quote
 * is ignored; a leading '-' on a word or phrase excludes it (a lone '-' is ignored); a
 * trailing '*' makes a prefix ('*' alone, or inside a word, is a separator); section:SLUG,
 * from:YYYY-MM-DD and to:YYYY-MM-DD (real dates; digits may be Arabic-Indic) are filters —
 * malformed ones are words.  Invalid UTF-8, NUL and control characters are separators.
 * `out` is overwritten (release it first if it held a query). */
void kb_search_query_parse(const char *q, size_t n, struct kb_search_query *out);
/* Free what a parsed query owns and zero it. */
void kb_search_query_release(struct kb_search_query *q);

enum kb_search_join {
    KB_SEARCH_ALL, /* every word (AND) */
    KB_SEARCH_ANY, /* any word (OR), ranked by BM25 */
};

/* Append the FTS5 MATCH expression for the query's words, phrases and prefixes joined by
 * `join`, minus its exclusions.  Parts that analyze to nothing (stop words, punctuation)
 * are left out.  Returns the number of positive parts written: 0 means there is nothing to
 * search for (only exclusions, only stop words, only filters) and nothing was appended. */
size_t kb_search_query_match(const struct kb_search_query *q, enum kb_search_join join,
                             struct kb_buf *out);

/* Does the index hold this QUERY-mode term (any article, any column)? */
typedef bool (*kb_search_known_fn)(void *ctx, const char *term, size_t n);

/* Backoff for words the index has never seen whole: a word part (not a phrase, prefix or
 * exclusion) whose one term is unknown to `known` but which has a colocated alternate the
 * index holds (INDEX mode: the word without its و ف ب ل ك) is searched by that alternate
 * (part->match); the reader's spelling stays in part->text for everything shown.  So
 * "لإستضافة" finds the articles that say "استضافة" when no article says "لاستضافة". */
void kb_search_query_backoff(struct kb_search_query *q, kb_search_known_fn known, void *ctx);

enum kb_search_format {
    KB_SEARCH_FORMAT_ALL,        /* the whole query, normalized spacing */
    KB_SEARCH_FORMAT_NO_FILTERS, /* without section:/from:/to: */
    KB_SEARCH_FORMAT_POSITIVE,   /* words, phrases and prefixes only (no exclusions, filters) */
};
/* Append the query written back in the query language (for "try this instead" links). */
void kb_search_query_format(const struct kb_search_query *q, enum kb_search_format what,
                            struct kb_buf *out);

/* ---- hits ------------------------------------------------------------------------------ */

/* Around matched terms in kb_search_hit.headline and .snippet.  Neither byte occurs in
 * indexed text (control characters are removed from it). */
#define KB_SEARCH_MARK_OPEN '\x01'
#define KB_SEARCH_MARK_CLOSE '\x02'
#define KB_SEARCH_ELLIPSIS "…"

/* Largest `limit` of one search. */
#define KB_SEARCH_MAX_LIMIT 100
/* BM25 column weights: headline, lede, body (docs/search.md says why). */
#define KB_SEARCH_W_HEADLINE 4.0
#define KB_SEARCH_W_LEDE 2.0
#define KB_SEARCH_W_BODY 1.0

enum kb_search_sort {
    KB_SEARCH_RELEVANCE, /* BM25, then newest */
    KB_SEARCH_NEWEST,    /* published, newest first */
};

struct kb_search_index;

struct kb_search_request {
    const char *match; /* kb_search_query_match's expression, not empty */
    /* Optional: the in-memory ranker of the current data (the server's), used instead of
     * FTS5's bm25 when it can answer (not for prefixes); NULL: FTS5 alone. */
    const struct kb_search_index *index;
    const char *section_slug; /* NULL: every section */
    int64_t from;             /* published >= from, when non-zero */
    int64_t to;               /* published < to, when non-zero */
    int64_t now;              /* only live articles: published and published <= now */
    enum kb_search_sort sort;
    size_t offset;
    size_t limit; /* 0..KB_SEARCH_MAX_LIMIT */
    /* Optional: statements kept prepared between searches on one SQLite connection (a
     * server worker's); NULL: prepared for this search. */
    struct kb_search_stmts *stmts;
};

struct kb_search_hit {
    int64_t id;
    char *slug;
    char *section_slug;
    char *section_name;
    char *headline; /* with KB_SEARCH_MARK_OPEN/CLOSE around the terms that matched */
    char *snippet;  /* from the lede or body, cut at words, marked; "" when none */
    double score;   /* higher is better (BM25, sign flipped) */
    int64_t published;
    int published_offset;
    int64_t updated;
};

void kb_search_hits_free(struct kb_search_hit *v, size_t n);

/* Append `s` escaped for HTML with the marks turned into <mark>…</mark>. */
void kb_search_add_marked_html(struct kb_buf *out, const char *s);
/* Append `s` without its marks. */
void kb_search_add_unmarked(struct kb_buf *out, const char *s);

/* Append the number of results in Arabic with the noun agreeing through ICU's plural rules:
 * 0 "لا نتائج", 1 "نتيجة واحدة", 2 "نتيجتان", 3–10 "3 نتائج", 11–99 "11 نتيجة", 100 "100
 * نتيجة"; English ("1 result", "12 results") when `lang` starts with "en". */
void kb_search_count_format(struct kb_buf *out, size_t n, const char *lang);

/* ---- text of an article body --------------------------------------------------------- */

/* Append the text of sanitized HTML: tags removed (block elements become a line break,
 * inline ones nothing), character references decoded, control characters and invalid
 * UTF-8 turned into spaces.  What the index holds for the body. */
void kb_search_html_text(struct kb_buf *out, const char *html, size_t n);
/* The same, stopping once at least `want` bytes were appended (at most one character or
 * line break more): the start of the text, for a snippet that needs no more. */
void kb_search_html_text_prefix(struct kb_buf *out, const char *html, size_t n, size_t want);

/* ---- pre-analyzed text for the index (fts5.c) ----------------------------------------- */

/* A text analyzed ahead of its indexing (INDEX mode), on any thread: a bulk import's reader
 * thread.  NULL for an empty text (or one kb_analyze refuses). */
struct kb_search_pretok;
struct kb_search_pretok *kb_search_pretok_make(const char *text, size_t n);
void kb_search_pretok_free(struct kb_search_pretok *p); /* NULL is a no-op */
/* Give `p` (may be NULL) to the calling thread's tokenizer: the next time this thread's
 * connection indexes a document column whose bytes are exactly p's text, the recorded
 * tokens are replayed instead of analyzing it (the index is the same).  Offers are used
 * once; beyond 96 MB held they are dropped (analyzed as usual): false then. */
bool kb_search_pretok_offer(struct kb_search_pretok *p);
/* Drop this thread's offers not used yet (after a commit or rollback), and how many
 * are held. */
void kb_search_pretok_clear(void);
size_t kb_search_pretok_pending(void);

/* ---- SQLite (for lib/store's SQLite backend) ------------------------------------------ */

/* Register, on one connection, the "khabar" FTS5 tokenizer and the SQL function
 * kb_html_text(html) that migration 2's index and triggers use.  Must run before anything
 * touches the index (the migrations included).  Initializes the analyzer.  KB_EDB when
 * SQLite has no FTS5, KB_EINTERNAL when the analyzer cannot start. */
KB_MUST_CHECK int kb_search_sqlite_register(struct sqlite3 *db, struct kb_diag *d);
/* Run a search; *total (optional) counts every match.  Free hits with kb_search_hits_free.
 * A MATCH expression FTS5 refuses is KB_EINVAL (a bug in the caller: user text cannot
 * produce one). */
KB_MUST_CHECK int kb_search_sqlite_run(struct sqlite3 *db, const struct kb_search_request *rq,
                                       struct kb_search_hit **out, size_t *n, size_t *total,
                                       struct kb_diag *d);
/* Statements kb_search_sqlite_run keeps prepared (persistent) for the next search on the
 * same connection, so a busy server does not parse and plan them on every request.  One
 * cache serves one connection, used by one thread at a time (a request on another
 * connection prepares its own); free it before that connection is closed (SQLite will not
 * close a connection with statements).  Between searches no statement holds a read
 * transaction open. */
struct kb_search_stmts *kb_search_stmts_new(void);
void kb_search_stmts_free(struct kb_search_stmts *c);
/* Rebuild the whole index from `articles` (FTS5 'rebuild', then 'optimize').  Call inside
 * a write transaction. */
KB_MUST_CHECK int kb_search_sqlite_rebuild(struct sqlite3 *db, struct kb_diag *d);

/* ---- the in-memory ranker (memindex.c) ------------------------------------------------- */

/* A read-only copy of the index in memory: per term, the articles holding it with every
 * position, and per article its live state, date, section and length; built from one
 * snapshot by the same analyzer calls as FTS5's index, and ranked with FTS5's own bm25
 * formula and the same column weights, so both paths give the same hits in the same order.
 * Shared between threads (reference counted; a version never changes once made, and shares
 * its immutable segments with the versions kb_search_index_update makes from it). */
struct kb_search_index;

struct kb_search_index_stats {
    size_t articles, terms; /* terms: of both segments, a term in both counted twice */
    size_t bytes;           /* heap held, approximately */
    double build_ms;        /* the build, or the update that made this version */
    bool incremental;       /* made by kb_search_index_update / _compact */
    size_t changed;         /* articles the update read (0 for a build) */
    size_t delta;           /* articles in the delta segment */
};

/* Build from the database file at `path` (its own read-only connection) or from an open
 * connection (one statement: one snapshot).  KB_EDB when the articles cannot be read. */
KB_MUST_CHECK int kb_search_index_build(const char *path, struct kb_search_index **out,
                                        struct kb_diag *d);
KB_MUST_CHECK int kb_search_index_build_db(struct sqlite3 *db, struct kb_search_index **out,
                                           struct kb_diag *d);
/* Apply to `old` what changed in the database since its snapshot, from migration 11's
 * change log (search_changes): *out a new version sharing old's segments (a status, date or
 * section change edits the article's state; a new or rewritten text is analyzed into the
 * delta; a large delta is merged into the base), or `old` itself retained when no article
 * and no section changed.  It ranks exactly like a fresh build of the same data.  Returns 0,
 * 1 when the log cannot say (no log, older changes trimmed, too many changes: build anew),
 * or KB_EDB.  `db` is read in one transaction (its own unless one is open). */
KB_MUST_CHECK int kb_search_index_update(struct kb_search_index *old, struct sqlite3 *db,
                                         struct kb_search_index **out, struct kb_diag *d);
/* Merge old's delta into its base (what an update does once the delta is large): *out a
 * version with one segment.  Returns 0. */
int kb_search_index_compact(struct kb_search_index *old, struct kb_search_index **out);
void kb_search_index_retain(struct kb_search_index *x);
/* Drop one reference; the last one frees.  NULL is ignored. */
void kb_search_index_release(struct kb_search_index *x);
void kb_search_index_stats(const struct kb_search_index *x, struct kb_search_index_stats *out);

struct kb_search_ranked {
    int64_t id;
    double score; /* higher is better */
};
/* Rank rq->match over the index with rq's filters, sort, offset and limit: *out (free())
 * holds the page's ids in order, *total every admitted match (exact).  Returns 0, or 1 when
 * the expression cannot be read back: ask FTS5 then. */
int kb_search_index_rank(const struct kb_search_index *x, const struct kb_search_request *rq,
                         struct kb_search_ranked **out, size_t *n, size_t *total);

/* The index of a running server's current data: a thread that (re)builds it when a newer
 * data generation is asked for. */
struct kb_search_live;
/* Called on the builder thread after each build: `x` NULL when it failed (`d` says why). */
typedef void (*kb_search_live_fn)(void *ctx, const struct kb_search_index *x, uint64_t gen,
                                  const struct kb_diag *d);
KB_MUST_CHECK int kb_search_live_start(const char *db_path, kb_search_live_fn on_built, void *ctx,
                                       struct kb_search_live **out, struct kb_diag *d);
/* The index built for generation `gen` (retained: release it), or NULL when there is none
 * yet — then the thread is asked for `gen`: it applies the changes since its current index
 * at once (kb_search_index_update: milliseconds for a publish), or, when the change log
 * cannot say, builds anew once no newer generation has been asked for during 300 ms (or
 * after 9 s); the caller uses FTS5 meanwhile.  The generation must be read before the
 * database, so an index is never newer than it says. */
struct kb_search_index *kb_search_live_get(struct kb_search_live *l, uint64_t gen);
/* Stop the thread (waits for a build in progress) and free everything.  NULL is ignored. */
void kb_search_live_stop(struct kb_search_live *l);

#endif
