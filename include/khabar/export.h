/*
 * export.h — everything out again: `khabar export jsonl` (lossless, read back by `import
 * jsonl`) and `khabar export ninjs` (IPTC ninjs 2.2 items), and the store's side of it.
 *
 * An export is a stream of JSON Lines written through a caller's sink, so the program can
 * write a file, standard output or a compressed stream.  The record kinds of `export jsonl`
 * (docs/jsonl.md, "Export records"): one header, the settings, the sections, then every
 * article (all statuses, the trash included) in id order, each optionally followed by its
 * revisions.  Every record starts with its "kind" member, which is how `import jsonl` tells
 * them from plain article lines (kb_export_is_record).  Nothing in an export depends on the
 * time it was made: exporting the same database twice gives the same bytes.
 *
 * Store side (lib/store/export_sqlite.c): what an article keeps beside product.md's fields
 * (author, version, trash, origin of an imported item) and the queries that walk it.  The
 * SQLite store only; another backend answers KB_EINTERNAL.
 */
#ifndef KHABAR_EXPORT_H
#define KHABAR_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/article.h"
#include "khabar/err.h"
#include "khabar/store.h"
#include "khabar/user.h"

/* ---- store side ------------------------------------------------------------------------ */

/* Where an imported item came from (migration 5's article_origin): formats that version
 * their items (ninjs) keep the item's version and times here. */
struct kb_origin {
    char format[16];        /* "ninjs"; "" = no origin row */
    char *version;          /* the item's own version string, NULL when it had none */
    int64_t versioncreated; /* 0 = unknown */
    int versioncreated_offset;
    int64_t firstcreated; /* 0 = unknown */
    int firstcreated_offset;
    char *located; /* ninjs "located", NULL when none */
};

void kb_origin_release(struct kb_origin *o); /* frees the strings, zeroes */

/* What an article keeps beside product.md's fields. */
struct kb_article_extra {
    char author[KB_USER_NAME_MAX + 1]; /* the author's user name, "" = none */
    int64_t version;                   /* the newsroom's version counter, >= 1 */
    int64_t trashed;                   /* when it went to the trash, 0 = not in the trash */
    enum kb_status trashed_status;     /* the status it had before (when trashed) */
    struct kb_origin origin;
    char **redirects; /* old paths that answer 301 to it (redirects table), sorted */
    size_t nredirects;
};

void kb_article_extra_release(struct kb_article_extra *x); /* origin and redirects */

/* Up to `max` article ids greater than `after`, ascending, into ids[]; *n how many (0 at the
 * end).  Every article, whatever its status or trash state. */
KB_MUST_CHECK int kb_store_export_ids(struct kb_store *s, int64_t after, int64_t *ids, size_t max,
                                      size_t *n, struct kb_diag *d);

/* The extra of article `id` (origin zeroed when it has none).  KB_ENOTFOUND when no such
 * article.  `out` is overwritten on success (release it with kb_article_extra_release). */
KB_MUST_CHECK int kb_store_article_extra_get(struct kb_store *s, int64_t id,
                                             struct kb_article_extra *out, struct kb_diag *d);

/* Give article `id` the extra `x` and the `updated` time it had (restoring an export): the
 * author by name (a name no user has leaves it without an author and returns 1 so the
 * caller can warn), the trash state, the version, updated/updated_offset (when updated is
 * not 0), and the origin row (removed when x->origin.format is "").  Written in one
 * savepoint after the article itself, since writing an article moves its version and
 * updated time; the article's redirects become exactly x->redirects.  0 on success
 * (1: author unknown), else a negative error. */
KB_MUST_CHECK int kb_store_article_extra_put(struct kb_store *s, int64_t id,
                                             const struct kb_article_extra *x, int64_t updated,
                                             int updated_offset, struct kb_diag *d);

/* Every setting, ordered by key: two arrays of n malloc'd strings, freed with
 * kb_export_strings_free. */
KB_MUST_CHECK int kb_store_export_settings(struct kb_store *s, char ***keys, char ***values,
                                           size_t *n, struct kb_diag *d);
void kb_export_strings_free(char **keys, char **values, size_t n);

/* A read transaction (SQLite's deferred BEGIN): every read until kb_store_read_end sees one
 * moment, without taking the write lock.  Not inside kb_store_begin. */
KB_MUST_CHECK int kb_store_read_begin(struct kb_store *s, struct kb_diag *d);
void kb_store_read_end(struct kb_store *s);

/* Old paths of article `id`, sorted (n malloc'd strings and the array); set them to exactly
 * `paths` (a path another article had moves to this one). */
KB_MUST_CHECK int kb_store_export_redirects(struct kb_store *s, int64_t id, char ***paths,
                                            size_t *n, struct kb_diag *d);
KB_MUST_CHECK int kb_store_redirects_set(struct kb_store *s, int64_t id, char *const *paths,
                                         size_t n, struct kb_diag *d);

/* Every translation link as (group id, article id) pairs, ordered: *pairs holds 2 * n
 * int64s, free() it.  translation_set puts `article_id` in group `group_id` (*changed,
 * optional, says whether anything was written). */
KB_MUST_CHECK int kb_store_export_translations(struct kb_store *s, int64_t **pairs, size_t *n,
                                               struct kb_diag *d);
KB_MUST_CHECK int kb_store_translation_set(struct kb_store *s, int64_t article_id, int64_t group_id,
                                           bool *changed, struct kb_diag *d);

/* Up to `max` media ids greater than `after`, ascending (media_store.h has the rows). */
KB_MUST_CHECK int kb_store_export_media_ids(struct kb_store *s, int64_t after, int64_t *ids,
                                            size_t max, size_t *n, struct kb_diag *d);

/* The origin row alone: get (KB_ENOTFOUND when none) and put (format "" deletes it). */
KB_MUST_CHECK int kb_store_origin_get(struct kb_store *s, int64_t id, struct kb_origin *out,
                                      struct kb_diag *d);
KB_MUST_CHECK int kb_store_origin_put(struct kb_store *s, int64_t id, const struct kb_origin *o,
                                      struct kb_diag *d);

/* ---- writing an export ------------------------------------------------------------------ */

/* The sink: write n bytes, return 0 or a negative error (with d set). */
typedef int (*kb_export_write_fn)(void *ctx, const char *p, size_t n, struct kb_diag *d);

struct kb_export_opts {
    bool revisions; /* export jsonl: each article's revisions after it */
    /* Called every few articles with (done, total) articles: for progress bars. */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
};

struct kb_export_report {
    size_t settings, sections, articles, trashed, revisions;
    size_t skipped; /* export ninjs: articles that could not be written as ninjs */
};

/* Write the whole database as export records (docs/jsonl.md), one per line, through
 * `write`.  Reads inside one read transaction, so the export is one consistent moment.
 * Errors: the sink's, or the store's.  Not thread-safe over one store. */
KB_MUST_CHECK int kb_engine_export_jsonl(struct kb_store *s, kb_export_write_fn write, void *ctx,
                                         const struct kb_export_opts *opts,
                                         struct kb_export_report *report, struct kb_diag *d);

/* Write every article as one IPTC ninjs 2.2 item a line (docs/ninjs.md). */
KB_MUST_CHECK int kb_engine_export_ninjs(struct kb_store *s, kb_export_write_fn write, void *ctx,
                                         const struct kb_export_opts *opts,
                                         struct kb_export_report *report, struct kb_diag *d);

/* ---- reading export records back (import jsonl) --------------------------------------- */

/* True when the line is an export record: a JSON object whose first member is "kind"
 * (white space allowed around the brace and colon).  Plain article lines are not. */
bool kb_export_is_record(const char *line, size_t n);

enum kb_record_outcome {
    KB_RECORD_NONE,      /* a header, or a record only checked (write false) */
    KB_RECORD_CREATED,   /* an article created */
    KB_RECORD_UPDATED,   /* an article updated */
    KB_RECORD_UNCHANGED, /* an article already as the record says */
    KB_RECORD_OTHER,     /* a setting, section or revision written or already there */
};

/* Import one export record into the store (inside the caller's transaction):
 *  - "khabar-export": the header; a format version above this build's is refused;
 *  - "setting": {key, value}, written when different;
 *  - "section": {slug, name, position}, created or updated by slug;
 *  - "article": product.md's article JSON plus external_id, author, version, trashed,
 *    trashed_status, origin.  Keyed by external_id when it has one, else by slug; a new
 *    article takes the record's id when no article has it; body_html is sanitized again
 *    (a file is untrusted).  Unchanged when every stored field is already the same;
 *  - "revision": {article (the article's id in the export), number, version, user, created,
 *    changed, article (the JSON)}, added to the article last imported with that export id
 *    when it has no revision with that number yet.
 * With write false the record is parsed and checked only (atomic imports after a bad line).
 * *warning (optional) gets a short reason when the record went in with something left out
 * ("unknown author").  Errors: KB_EINVAL / KB_ETOOBIG naming the field (a malformed record:
 * the caller skips or fails it), or the store's errors. */
struct kb_record_state;
struct kb_record_state *kb_record_state_new(void);
void kb_record_state_free(struct kb_record_state *st);
KB_MUST_CHECK int kb_engine_import_record(struct kb_store *s, struct kb_record_state *st,
                                          const char *line, size_t n, bool write,
                                          enum kb_record_outcome *out, const char **warning,
                                          struct kb_diag *d);

#endif
