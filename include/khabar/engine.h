/*
 * engine.h — the use-cases the programs share: importing articles.
 *
 * A page-text import is all-or-nothing per call: every file is parsed and written inside
 * one transaction, and the first file that cannot be understood rolls everything back, so
 * the database is exactly as before and the diag names the file, the line and the reason.
 * A JSONL import is all-or-nothing too by default (KB_IMPORT_ATOMIC); KB_IMPORT_SKIP_BAD
 * skips malformed lines and commits in batches (docs/jsonl.md).
 */
#ifndef KHABAR_ENGINE_H
#define KHABAR_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include "khabar/err.h"
#include "khabar/store.h"

struct kb_html_article; /* htmlextract.h */

/* What a JSONL import does with a malformed line. */
enum kb_import_mode {
    KB_IMPORT_ATOMIC,   /* any malformed line: nothing is written, the import fails */
    KB_IMPORT_SKIP_BAD, /* malformed lines are skipped and reported; batches of opts.batch */
};

/* What a WXR import does with the export's authors. */
enum kb_import_authors {
    KB_AUTHORS_USERS,   /* newsroom users (role author, no password) + the article's author */
    KB_AUTHORS_BYLINES, /* the display name as the byline only */
};

/* Articles per transaction in KB_IMPORT_SKIP_BAD mode when opts.batch is 0. */
#define KB_IMPORT_BATCH 1000

struct kb_import_opts {
    const char *media_dir; /* when set, <media_dir>/<basename>.jpg becomes the photo */
    bool dry_run;          /* parse and validate everything, write nothing */
    /* Called after each file (may be NULL): for progress bars. */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
    /* Called once per file with the article as stored (or as it would be, on a dry run),
     * whether it was created, and the number of Discover entries recognised and left out. */
    void (*on_article)(void *ctx, const char *file, const struct kb_article *a, bool created,
                       size_t ndiscover);
    void *on_article_ctx;
    /* HTML only (may be NULL): called once per page with what was extracted from it
     * (htmlextract.h: its `missing` bits say which fields the page did not give). */
    void (*on_page)(void *ctx, const char *file, const struct kb_html_article *x);
    void *on_page_ctx;
    /* JSONL only.  progress is called with bytes of the input read (compressed bytes for
     * .xz/.gz) and its size (0 when unknown: a pipe); on_article is not called. */
    enum kb_import_mode mode;
    size_t limit; /* read at most this many records (non-blank lines); 0: all */
    size_t batch; /* KB_IMPORT_SKIP_BAD: articles per transaction; 0: KB_IMPORT_BATCH */
    /* JSONL: the reader thread also analyzes the texts for the search index (search.h,
     * kb_search_pretok_*): a shorter writer thread for more CPU in all — off by default,
     * as it measured slower on a busy 2-core machine (docs/jsonl.md). */
    bool analyze_ahead;
    /* WXR only.  media_dir above is a copy of the site's uploads directory; the files the
     * export points at that are found there are copied, content-addressed, into
     * media_store (the directory `serve` answers /media/ from); NULL: not copied. */
    enum kb_import_authors authors;
    const char *media_store;
    /* WXR and JSONL: leave related lists and duplicate marks for `khabar reindex` instead
     * of refreshing them after the commit (their rebuild holds the whole corpus in memory
     * and is a third of a large import's time). */
    bool no_related;
    /* ninjs only: the section of items no subject places (NULL: "وكالات"), and the clock
     * embargoes are compared with (0: time(NULL)). */
    const char *section;
    int64_t now;
};

/* One reason lines were skipped, with how many and the first few line numbers. */
#define KB_IMPORT_MAX_REASONS 16
#define KB_IMPORT_REASON_LINES 5
struct kb_import_skip {
    char reason[64]; /* "invalid JSON", "missing headline", "same key as an earlier line" */
    size_t count;
    unsigned long lines[KB_IMPORT_REASON_LINES]; /* the first min(count, 5), ascending */
};

struct kb_import_report {
    size_t created;
    size_t updated;
    size_t sections_created;
    size_t discover_skipped; /* Discover-rail lines recognised and not imported */
    /* After a written import: articles marked as near-duplicates in the whole database
     * (related.h) and the newest few as (duplicate id, original id). */
    size_t duplicates;
    size_t nduplicate_pairs;
    int64_t duplicate_pairs[5][2];
    double related_seconds; /* of the import's time, spent on related lists after it */
    /* JSONL imports: */
    size_t unchanged; /* already stored with the same content: not written */
    size_t skipped;   /* records not imported (malformed, or a key repeated in the file) */
    size_t records;   /* non-blank lines read */
    size_t nreasons;  /* entries used in reasons[]; further reasons are counted under
                         the last entry, "other" */
    struct kb_import_skip reasons[KB_IMPORT_MAX_REASONS];
    /* WXR imports: things noted that did not stop an item (lines are the items' lines),
     * and what the channel declared. */
    size_t nwarnings;
    struct kb_import_skip warnings[KB_IMPORT_MAX_REASONS];
    size_t authors, categories, tags; /* wp:author, wp:category, wp:tag entries read */
    size_t users_created;             /* authors made newsroom users (KB_AUTHORS_USERS) */
    size_t redirects;                 /* old addresses recorded (store.h, redirects) */
    size_t media_copied;              /* files copied from opts.media_dir into opts.media_store */
    size_t sections_nested;           /* sections given a parent */
};

/* Import pages saved as text (pagetext.h).  On failure `failed_file` (when non-NULL) points
 * at the file that failed and *d says where and why; nothing was written. */
KB_MUST_CHECK int kb_engine_import_pagetext(struct kb_store *s, const char *const *files,
                                            size_t nfiles, const struct kb_import_opts *opts,
                                            struct kb_import_report *report,
                                            const char **failed_file, struct kb_diag *d);

/* Import a JSON Lines file (jsonl.h; "-" is standard input; .xz and .gz are read
 * directly) into the store.  Each record is keyed by its external id (external_id, else
 * url, else id): a key already stored is updated, or counted unchanged when its content
 * is the same (nothing is written); a key seen on an earlier line of the same input is
 * skipped (the first wins).  Sections are resolved by slug or name and created when
 * missing.
 *
 * KB_IMPORT_ATOMIC: one transaction; after the first malformed line nothing more is
 * written, the rest is still checked so the report lists every malformed line, then
 * everything is rolled back and KB_EINVAL returned with *d naming the first bad line.
 * KB_IMPORT_SKIP_BAD: malformed lines are skipped (report->skipped, reasons); articles are
 * committed every opts->batch, so an interrupted import leaves whole batches.  A read or
 * decoding error (a truncated .xz) fails both modes; in SKIP_BAD the articles before it
 * are committed.  opts->dry_run: everything is done inside one transaction that is rolled
 * back, so the counts are exact and nothing is written.
 *
 * *report is filled in on success and on failure (the counts up to the failure).  Database
 * errors (KB_EDB, ...) end the import with the current transaction rolled back. */
KB_MUST_CHECK int kb_engine_import_jsonl(struct kb_store *s, const char *path,
                                         const struct kb_import_opts *opts,
                                         struct kb_import_report *report, struct kb_diag *d);

/* Import a WordPress export (wxr.h, docs/wxr.md) in two streaming passes: the first
 * collects authors (login → display name, for bylines) and attachments (id → URL, alt,
 * caption, for featured images), the second writes sections (one per category), posts
 * and pages (pages in the section "pages", صفحات) inside ONE transaction.  Items are keyed
 * by their old URL (link, else guid) as external_id: a re-import updates or leaves them
 * unchanged.  Items not imported (attachments, private and trashed posts, other post
 * types, empty content, a link repeated in the file) are counted in report->skipped with
 * their reasons; they do not fail the import.  Malformed XML, a document that is not a
 * WordPress export, or a document type declaration is KB_EINVAL with d->line and the
 * reason: everything is rolled back.  opts->dry_run: the transaction is rolled back at
 * the end (exact counts, nothing written).  opts->mode, limit and batch are ignored. */
KB_MUST_CHECK int kb_engine_import_wxr(struct kb_store *s, const char *path,
                                       const struct kb_import_opts *opts,
                                       struct kb_import_report *report, struct kb_diag *d);

/* Import IPTC ninjs items (ninjs.h, docs/ninjs.md): each FILE holds one item, an array of
 * items or JSON Lines.  All files in ONE transaction, all-or-nothing: a file or item that
 * cannot be understood is KB_EINVAL / KB_ETOOBIG with *failed_file and *d naming the file,
 * the line or item, the member and the reason, and nothing is written.  Items are keyed by
 * uri: a newer version updates, an older one is skipped as stale (report->skipped and
 * reasons, as are non-text items), the same one is unchanged.  Sections, statuses,
 * embargoes and the trash as docs/ninjs.md says.  opts->dry_run: rolled back at the end
 * (exact counts).  opts->on_article is called for each article written, with file "". */
KB_MUST_CHECK int kb_engine_import_ninjs(struct kb_store *s, const char *const *files,
                                         size_t nfiles, const struct kb_import_opts *opts,
                                         struct kb_import_report *report,
                                         const char **failed_file, struct kb_diag *d);

/* Import saved news pages (htmlextract.h, docs/extract.md) in ONE transaction,
 * all-or-nothing: a file that cannot be read, is not a page, or yields no headline or no
 * article text fails the command with *failed_file and *d naming the file and the reason,
 * and nothing is written.  Each page is keyed by its canonical URL (else date and
 * headline): a key already stored is updated, or unchanged when its content is the same;
 * a key repeated in the same command is skipped (report->reasons, numbered by file).
 * `section` (may be NULL) is the slug or name of an existing section for every page;
 * otherwise the page's own section is used and created when missing, else أخبار/News.
 * `urls` (may be NULL, as may each entry) are the addresses the pages were saved from:
 * relative links resolve against them and they key pages without a canonical URL.
 * A page without a date is imported as a draft; that and other notes go to
 * report->warnings.  opts->dry_run: rolled back at the end (exact counts). */
KB_MUST_CHECK int kb_engine_import_html(struct kb_store *s, const char *const *files,
                                        const char *const *urls, size_t nfiles,
                                        const struct kb_import_opts *opts, const char *section,
                                        struct kb_import_report *report,
                                        const char **failed_file, struct kb_diag *d);

#endif
