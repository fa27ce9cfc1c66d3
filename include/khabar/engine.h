/*
 * engine.h — the use-cases the programs share: importing articles.
 *
 * An import is all-or-nothing per call: every file is parsed and written inside one
 * transaction, and the first file that cannot be understood rolls everything back, so the
 * database is exactly as before and the diag names the file, the line and the reason.
 */
#ifndef KHABAR_ENGINE_H
#define KHABAR_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include "khabar/err.h"
#include "khabar/store.h"

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
};

struct kb_import_report {
    size_t created;
    size_t updated;
    size_t sections_created;
    size_t discover_skipped; /* Discover-rail lines recognised and not imported */
};

/* Import pages saved as text (pagetext.h).  On failure `failed_file` (when non-NULL) points
 * at the file that failed and *d says where and why; nothing was written. */
KB_MUST_CHECK int kb_engine_import_pagetext(struct kb_store *s, const char *const *files,
                                            size_t nfiles, const struct kb_import_opts *opts,
                                            struct kb_import_report *report,
                                            const char **failed_file, struct kb_diag *d);

#endif
