/*
 * media_upload.h — the photo upload use-case (lib/engine/media.c): check an uploaded file
 * from its bytes, make its variants, store the files content-addressed in the media
 * directory and remember them in the media table.  See docs/media.md.
 */
#ifndef KHABAR_MEDIA_UPLOAD_H
#define KHABAR_MEDIA_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/media.h"
#include "khabar/media_store.h"
#include "khabar/store.h"

#define KB_MEDIA_MAX_BYTES ((size_t)20 << 20) /* 20 MiB */
#define KB_MEDIA_MAX_PIXELS 40000000LL        /* 40 megapixels */
#define KB_MEDIA_MAX_SIDE 30000               /* pixels, either side */

/* Text limits in bytes (UTF-8). */
#define KB_MEDIA_MAX_ALT 1000
#define KB_MEDIA_MAX_CAPTION 4000
#define KB_MEDIA_MAX_CREDIT 400
#define KB_MEDIA_MAX_COPYRIGHT 400

/* The editor's text for a photo; NULL = not given (keep what is stored). */
struct kb_media_text {
    const char *alt, *caption, *credit, *copyright;
};

/* Check the text fields that are set: valid UTF-8 without control characters (a newline or
 * tab in a caption is allowed), within the limits above.  KB_EINVAL / KB_ETOOBIG with the
 * field ("alt", "caption", "credit", "copyright"). */
KB_MUST_CHECK int kb_media_text_check(const struct kb_media_text *t, struct kb_diag *d);

/*
 * Upload `p[0..n)` by user `user_id` at `now`.  Order: size cap (KB_ETOOBIG field
 * "bytes"), header (KB_EINVAL field "type": not a JPEG/PNG/WebP; "header": broken header),
 * pixel cap from the header, before any decoding (KB_ETOOBIG field "pixels"), text
 * (kb_media_text_check), then: when a photo with the same SHA-256 exists, its text fields
 * that `t` sets are updated and it is returned with *created = false; otherwise the photo is
 * decoded and its variants made (KB_EINVAL field "image": truncated or corrupt), the three
 * files are written to `media_dir` (created if missing) through temporary files, fsync and
 * rename, and the row is inserted; *created = true.
 * All or nothing: on any failure no row is written and no file this call created remains.
 * `out` must be zeroed; it is filled only on success.  Thread-safe given one store per
 * thread.
 */
KB_MUST_CHECK int kb_media_upload(struct kb_store *s, const char *media_dir, const void *p,
                                  size_t n, const struct kb_media_text *t, int64_t user_id,
                                  int64_t now, struct kb_media_rec *out, bool *created,
                                  struct kb_diag *d);

/* kb_media_upload for an importer already inside kb_store_begin (import wxr): the same
 * checks, files and row, but the row joins the caller's transaction — it is committed or
 * rolled back with the import — where kb_media_upload commits its own.  Files written for
 * an import that is then rolled back stay in media_dir (content-addressed: a later import
 * or upload of the same bytes reuses them). */
KB_MUST_CHECK int kb_media_import(struct kb_store *s, const char *media_dir, const void *p,
                                  size_t n, const struct kb_media_text *t, int64_t user_id,
                                  int64_t now, struct kb_media_rec *out, bool *created,
                                  struct kb_diag *d);

/* Update the text of photo `id` (the fields `t` sets).  KB_ENOTFOUND when missing. */
KB_MUST_CHECK int kb_media_set_text(struct kb_store *s, int64_t id, const struct kb_media_text *t,
                                    struct kb_media_rec *out, struct kb_diag *d);

/* The site path of a record's original ("/media/<hash>.<ext>") or variant, into `out`. */
void kb_media_rec_src(struct kb_buf *out, const struct kb_media_rec *m, enum kb_media_variant v);

#endif
