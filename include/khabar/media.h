/*
 * media.h — photos (lib/media): what an uploaded file is, read from its first bytes by a
 * hand-written header reader before any decoder sees it; the page and social variants made
 * with libvips; and the names the stored files get under /media/.  See docs/media.md.
 *
 * Layering: lib/media sits on lib/base only (render uses its file names; the engine its
 * decoder).  Nothing here touches the disk or the database.
 */
#ifndef KHABAR_MEDIA_H
#define KHABAR_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/buf.h"
#include "khabar/err.h"

/* ---- the header reader (imagehead.c) ---- */

enum kb_image_type {
    KB_IMAGE_UNKNOWN = 0,
    KB_IMAGE_JPEG,
    KB_IMAGE_PNG,
    KB_IMAGE_WEBP,
};

struct kb_imagehead {
    enum kb_image_type type;
    uint32_t width, height; /* pixels, both >= 1 */
};

/* The type of `p[0..n)` from its magic bytes alone (JPEG FF D8 FF, the PNG signature,
 * RIFF....WEBP), KB_IMAGE_UNKNOWN for anything else.  Pure; thread-safe. */
enum kb_image_type kb_image_sniff(const void *p, size_t n);

/* Read type and dimensions from the header of `p[0..n)` without decoding: JPEG's first
 * SOFn segment (walking the markers before it), PNG's IHDR (length, CRC, bit depth and
 * colour type checked), WebP's VP8 key frame, VP8L or VP8X chunk.  On success fills *out.
 * Errors (KB_EINVAL, with d->offset the byte where it went wrong):
 *   d->field "type"   — not a JPEG, PNG or WebP at all (HTTP 415);
 *   d->field "header" — one of those, but its header is truncated, inconsistent or
 *                       describes no pixels (HTTP 422).
 * Pure; reads at most the bytes it is given; thread-safe. */
KB_MUST_CHECK int kb_imagehead_read(const void *p, size_t n, struct kb_imagehead *out,
                                    struct kb_diag *d);

/* "jpeg", "png", "webp" (the media table's `type`), "" for unknown. */
const char *kb_image_type_name(enum kb_image_type t);
/* The file extension without the dot: "jpg", "png", "webp". */
const char *kb_image_type_ext(enum kb_image_type t);
/* "image/jpeg", ... */
const char *kb_image_type_mime(enum kb_image_type t);
/* The type named by kb_image_type_name's string, KB_IMAGE_UNKNOWN otherwise. */
enum kb_image_type kb_image_type_from_name(const char *name);

/* ---- variants (image.c, libvips) ---- */

#define KB_MEDIA_PAGE_WIDTH 1280 /* the article page's photo, never enlarged */
#define KB_MEDIA_SOCIAL_WIDTH 1200
#define KB_MEDIA_SOCIAL_HEIGHT 630

/* One encoded variant: JPEG bytes (malloc'd) and its size in pixels. */
struct kb_image_variant {
    unsigned char *data;
    size_t len;
    int width, height;
};

void kb_image_variant_release(struct kb_image_variant *v); /* frees data, zeroes */

/* Decode `p[0..n)`, whose header `h` kb_imagehead_read returned, and make the page variant
 * (KB_MEDIA_PAGE_WIDTH wide at most, aspect kept) and the social card (exactly 1200x630,
 * scaled to cover and cropped around the centre), both JPEG quality 82 without metadata
 * (EXIF/GPS is stripped), alpha flattened on white, EXIF orientation applied.  The decoder
 * is chosen by h->type, never by libvips' own sniffing, and libvips' untrusted loaders are
 * blocked.  Errors: KB_EINVAL field "image" when the data is truncated or corrupt, or
 * decodes to other dimensions than the header said (d->msg from libvips, on one line).
 * On failure both outputs are untouched.  Thread-safe (libvips is initialised once). */
KB_MUST_CHECK int kb_image_variants(const void *p, size_t n, const struct kb_imagehead *h,
                                    struct kb_image_variant *page, struct kb_image_variant *social,
                                    struct kb_diag *d);

/* ---- file names (names.c) ---- */

#define KB_MEDIA_HASH_HEX 64 /* SHA-256 in lower-case hex */

enum kb_media_variant {
    KB_MEDIA_ORIGINAL,
    KB_MEDIA_PAGE,
    KB_MEDIA_SOCIAL,
};

/* Append the file name of a stored photo or one of its variants to `out`:
 * "<hash>.<ext>", "<hash>-page.jpg", "<hash>-social.jpg".  `hash` is KB_MEDIA_HASH_HEX
 * lower-case hex digits. */
void kb_media_file_name(struct kb_buf *out, const char *hash, enum kb_image_type t,
                        enum kb_media_variant v);

/* Is `src` the site path of an uploaded photo, "/media/<64 hex>.<jpg|png|webp>"?  When it
 * is and `out` is not NULL, append the site path of its variant `v` to out. */
bool kb_media_variant_src(struct kb_buf *out, const char *src, enum kb_media_variant v);

/* Is `name` (a file name under /media) content-addressed — does it start with 64
 * lower-case hex digits followed by '.' or '-'?  Such files never change: the server
 * serves them as immutable. */
bool kb_media_name_immutable(const char *name);

#endif
