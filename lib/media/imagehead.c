/*
 * imagehead.c — type and dimensions of a JPEG, PNG or WebP from its header (media.h).
 *
 * This runs on untrusted upload bytes before any decoder does, so that a file that is not
 * an image is refused by what it is (not by its name), and a decompression bomb (a few
 * hundred bytes claiming 50,000 x 50,000 pixels) is refused by what it claims before
 * anything allocates for it.
 *
 * Invariants: every read is bounds-checked against n (a helper returns false past the end,
 * never reads it); no allocation; the first problem found is the one reported, with its
 * byte offset.  What is accepted is deliberately narrow: JPEG with a frame header (SOF0-3,
 * 5-7, 9-11, 13-15) before the first scan, PNG whose first chunk is a correct IHDR, WebP
 * whose first chunk is VP8 (key frame), VP8L or VP8X.
 */
#include <string.h>
#include "khabar/media.h"

static uint32_t be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le24(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static uint32_t le32(const unsigned char *p)
{
    return le24(p) | (uint32_t)p[3] << 24;
}

static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

enum kb_image_type kb_image_sniff(const void *data, size_t n)
{
    const unsigned char *p = data;
    if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
        return KB_IMAGE_JPEG;
    if (n >= 8 && memcmp(p, png_sig, 8) == 0)
        return KB_IMAGE_PNG;
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return KB_IMAGE_WEBP;
    return KB_IMAGE_UNKNOWN;
}

static int bad(struct kb_diag *d, size_t off, const char *what)
{
    int rc = kb_diag_set(d, KB_EINVAL, "header", "%s", what);
    if (d)
        d->offset = off;
    return rc;
}

/* SOF markers: C0-CF except DHT (C4), JPG (C8) and DAC (CC). */
static bool is_sof(unsigned m)
{
    return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

static int jpeg(const unsigned char *p, size_t n, struct kb_imagehead *h, struct kb_diag *d)
{
    size_t i = 2; /* after SOI */
    for (;;) {
        /* A marker: one or more 0xFF fill bytes, then the code. */
        if (i >= n)
            return bad(d, i, "JPEG ends before its frame header");
        if (p[i] != 0xff)
            return bad(d, i, "JPEG marker expected");
        while (i < n && p[i] == 0xff)
            i++;
        if (i >= n)
            return bad(d, i, "JPEG ends before its frame header");
        unsigned m = p[i++];
        if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
            continue; /* TEM, RSTn: no length */
        if (m == 0xd8 || m == 0xd9 || m == 0xda || m == 0x00)
            return bad(d, i - 1, "JPEG has no frame header before its image data");
        if (i + 2 > n)
            return bad(d, i, "JPEG ends inside a segment length");
        uint32_t len = be16(p + i);
        if (len < 2)
            return bad(d, i, "JPEG segment length below 2");
        if (is_sof(m)) {
            if (len < 8 || i + 8 > n)
                return bad(d, i, "JPEG frame header truncated");
            uint32_t height = be16(p + i + 3), width = be16(p + i + 5);
            unsigned comps = p[i + 7];
            if (width == 0 || height == 0)
                return bad(d, i + 3, "JPEG frame header has zero width or height");
            if (comps == 0 || len != 8 + 3 * comps)
                return bad(d, i + 7, "JPEG frame header has a bad component count");
            h->type = KB_IMAGE_JPEG;
            h->width = width;
            h->height = height;
            return 0;
        }
        i += len;
    }
}

/* CRC-32 (ISO 3309, as PNG uses), bitwise: IHDR is 17 bytes, no table needed. */
static uint32_t crc32_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

static int png(const unsigned char *p, size_t n, struct kb_imagehead *h, struct kb_diag *d)
{
    /* signature(8) length(4) "IHDR"(4) data(13) crc(4) */
    if (n < 33)
        return bad(d, n, "PNG ends before the end of its IHDR chunk");
    if (be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
        return bad(d, 8, "PNG does not start with a 13-byte IHDR chunk");
    if (crc32_png(p + 12, 17) != be32(p + 29))
        return bad(d, 29, "PNG IHDR checksum does not match");
    uint32_t width = be32(p + 16), height = be32(p + 20);
    unsigned depth = p[24], colour = p[25];
    if (width == 0 || height == 0 || width > 0x7fffffffu || height > 0x7fffffffu)
        return bad(d, 16, "PNG width or height out of range");
    bool ok;
    switch (colour) {
    case 0:
        ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
        break;
    case 3:
        ok = depth == 1 || depth == 2 || depth == 4 || depth == 8;
        break;
    case 2:
    case 4:
    case 6:
        ok = depth == 8 || depth == 16;
        break;
    default:
        ok = false;
    }
    if (!ok)
        return bad(d, 24, "PNG bit depth and colour type do not go together");
    if (p[26] != 0 || p[27] != 0 || p[28] > 1)
        return bad(d, 26, "PNG compression, filter or interlace method unknown");
    h->type = KB_IMAGE_PNG;
    h->width = width;
    h->height = height;
    return 0;
}

static int webp(const unsigned char *p, size_t n, struct kb_imagehead *h, struct kb_diag *d)
{
    /* "RIFF" size(4) "WEBP" then the first chunk: fourcc(4) size(4) payload */
    if (n < 20)
        return bad(d, n, "WebP ends before its first chunk");
    uint32_t riff = le32(p + 4);
    if (riff < 12 || riff % 2)
        return bad(d, 4, "WebP RIFF size is wrong");
    const unsigned char *c = p + 12;
    uint32_t clen = le32(c + 4);
    const unsigned char *q = c + 8; /* payload, n - 20 bytes of it available */
    size_t avail = n - 20;
    uint32_t width, height;
    if (memcmp(c, "VP8 ", 4) == 0) {
        /* frame tag (3 bytes; bit 0 clear = key frame), start code 9D 01 2A, then 14-bit
         * width and height each with 2 scale bits */
        if (clen < 10 || avail < 10)
            return bad(d, 20, "WebP VP8 frame header truncated");
        if (q[0] & 1)
            return bad(d, 20, "WebP VP8 data does not start with a key frame");
        if (q[3] != 0x9d || q[4] != 0x01 || q[5] != 0x2a)
            return bad(d, 23, "WebP VP8 start code missing");
        width = (q[6] | (uint32_t)q[7] << 8) & 0x3fff;
        height = (q[8] | (uint32_t)q[9] << 8) & 0x3fff;
    } else if (memcmp(c, "VP8L", 4) == 0) {
        /* signature 0x2F, then 14 bits width-1, 14 bits height-1, 1 alpha, 3 version (0) */
        if (clen < 5 || avail < 5)
            return bad(d, 20, "WebP VP8L header truncated");
        if (q[0] != 0x2f)
            return bad(d, 20, "WebP VP8L signature missing");
        uint32_t bits = le32(q + 1);
        if (bits >> 29)
            return bad(d, 21, "WebP VP8L version unknown");
        width = (bits & 0x3fff) + 1;
        height = ((bits >> 14) & 0x3fff) + 1;
    } else if (memcmp(c, "VP8X", 4) == 0) {
        /* flags(1) reserved(3) canvas width-1 (24 bits) canvas height-1 (24 bits) */
        if (clen < 10 || avail < 10)
            return bad(d, 20, "WebP VP8X header truncated");
        width = le24(q + 4) + 1;
        height = le24(q + 7) + 1;
    } else {
        return bad(d, 12, "WebP first chunk is not VP8, VP8L or VP8X");
    }
    if (width == 0 || height == 0)
        return bad(d, 20, "WebP has zero width or height");
    h->type = KB_IMAGE_WEBP;
    h->width = width;
    h->height = height;
    return 0;
}

int kb_imagehead_read(const void *data, size_t n, struct kb_imagehead *out, struct kb_diag *d)
{
    const unsigned char *p = data;
    struct kb_imagehead h = {0};
    int rc;
    switch (kb_image_sniff(p, n)) {
    case KB_IMAGE_JPEG:
        rc = jpeg(p, n, &h, d);
        break;
    case KB_IMAGE_PNG:
        rc = png(p, n, &h, d);
        break;
    case KB_IMAGE_WEBP:
        rc = webp(p, n, &h, d);
        break;
    default:
        return kb_diag_set(d, KB_EINVAL, "type", "not a JPEG, PNG or WebP image");
    }
    if (rc == 0)
        *out = h;
    return rc;
}

static const struct {
    const char *name, *ext, *mime;
} types[] = {
    [KB_IMAGE_UNKNOWN] = {"", "", "application/octet-stream"},
    [KB_IMAGE_JPEG] = {"jpeg", "jpg", "image/jpeg"},
    [KB_IMAGE_PNG] = {"png", "png", "image/png"},
    [KB_IMAGE_WEBP] = {"webp", "webp", "image/webp"},
};

static unsigned type_index(enum kb_image_type t)
{
    return (unsigned)t < sizeof(types) / sizeof(types[0]) ? (unsigned)t : 0;
}

const char *kb_image_type_name(enum kb_image_type t)
{
    return types[type_index(t)].name;
}

const char *kb_image_type_ext(enum kb_image_type t)
{
    return types[type_index(t)].ext;
}

const char *kb_image_type_mime(enum kb_image_type t)
{
    return types[type_index(t)].mime;
}

enum kb_image_type kb_image_type_from_name(const char *name)
{
    for (unsigned i = 1; name && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(name, types[i].name) == 0)
            return (enum kb_image_type)i;
    return KB_IMAGE_UNKNOWN;
}
