/*
 * media_store.h — the media table (migration 7): one row per uploaded photo, keyed by the
 * SHA-256 of its bytes.  Implemented for SQLite in lib/store/media_sqlite.c; another
 * backend answers KB_EINTERNAL until it grows it.  The files themselves are the engine's
 * business (media_upload.h); the store only remembers them.
 *
 * Conventions as store.h: 0 or a negative enum kb_err with detail in `d`; out-parameters
 * written only on success; each call is atomic and joins a transaction opened with
 * kb_store_begin.
 */
#ifndef KHABAR_MEDIA_STORE_H
#define KHABAR_MEDIA_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "khabar/store.h"

struct kb_media_rec {
    int64_t id;
    char hash[65]; /* SHA-256 hex of the original's bytes */
    char type[8];  /* "jpeg", "png", "webp" */
    int64_t width, height, bytes;
    char *alt, *caption, *credit, *copyright; /* never NULL once read ("" when unset) */
    int64_t uploaded_by;                      /* user id, 0 when unknown or deleted */
    char *uploader;                           /* that user's name, NULL when unknown */
    int64_t created;                          /* unix seconds */
};

void kb_media_rec_release(struct kb_media_rec *m); /* frees the strings, zeroes */
void kb_media_recs_free(struct kb_media_rec *v, size_t n);

/* Insert `m` (its id is ignored; on success m->id is set).  KB_EEXISTS (field "hash") when
 * a row with that hash exists. */
KB_MUST_CHECK int kb_store_media_insert(struct kb_store *s, struct kb_media_rec *m,
                                        struct kb_diag *d);
/* By hash when `hash` is not NULL, else by id.  KB_ENOTFOUND when missing.  `out` must be
 * zeroed or hold a record (it is released before being filled). */
KB_MUST_CHECK int kb_store_media_get(struct kb_store *s, int64_t id, const char *hash,
                                     struct kb_media_rec *out, struct kb_diag *d);
/* Set the text fields that are not NULL.  KB_ENOTFOUND when there is no such row. */
KB_MUST_CHECK int kb_store_media_set_text(struct kb_store *s, int64_t id, const char *alt,
                                          const char *caption, const char *credit,
                                          const char *copyright, struct kb_diag *d);
/* Newest first (created, then id), `limit` rows from `offset`; *total counts them all.
 * *out is malloc'd (free with kb_media_recs_free), NULL when empty. */
KB_MUST_CHECK int kb_store_media_list(struct kb_store *s, size_t offset, size_t limit,
                                      struct kb_media_rec **out, size_t *n, size_t *total,
                                      struct kb_diag *d);
/* As kb_store_media_list, only the photos whose alt, caption, credit, copyright or
 * uploader's name contain `q` (a substring; ASCII letters in any case; NULL or "": all). */
KB_MUST_CHECK int kb_store_media_find(struct kb_store *s, const char *q, size_t offset,
                                      size_t limit, struct kb_media_rec **out, size_t *n,
                                      size_t *total, struct kb_diag *d);

#endif
