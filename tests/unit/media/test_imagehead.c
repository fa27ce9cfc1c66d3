/*
 * test_imagehead.c — the header reader (lib/media/imagehead.c), table-driven: headers are
 * built byte by byte here (PNG CRCs computed by an independent table-driven CRC), each
 * with the type and size, or the refusal (field "type" = not an image, "header" = a broken
 * one) it must give.  Also every truncation of every good header is refused, and the names
 * of stored files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "khabar/media.h"

/* ---- building headers ---- */

struct bytes {
    unsigned char p[256];
    size_t n;
};

static void put(struct bytes *b, const void *p, size_t n)
{
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void put8(struct bytes *b, unsigned v)
{
    b->p[b->n++] = (unsigned char)v;
}

static void put16be(struct bytes *b, unsigned v)
{
    put8(b, v >> 8);
    put8(b, v & 0xff);
}

static void put32be(struct bytes *b, uint32_t v)
{
    put16be(b, v >> 16);
    put16be(b, v & 0xffff);
}

static void put32le(struct bytes *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        put8(b, (v >> (8 * i)) & 0xff);
}

static uint32_t crc_table[256];

static uint32_t crc(const unsigned char *p, size_t n)
{
    if (!crc_table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            crc_table[i] = c;
        }
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

/* A PNG signature + IHDR (+ a truncated IDAT), with a correct CRC unless bad_crc. */
static struct bytes png(uint32_t w, uint32_t h, unsigned depth, unsigned colour, int bad_crc)
{
    struct bytes b = {.n = 0};
    put(&b, "\x89PNG\r\n\x1a\n", 8);
    put32be(&b, 13);
    size_t start = b.n;
    put(&b, "IHDR", 4);
    put32be(&b, w);
    put32be(&b, h);
    put8(&b, depth);
    put8(&b, colour);
    put8(&b, 0);
    put8(&b, 0);
    put8(&b, 0);
    put32be(&b, crc(b.p + start, 17) ^ (bad_crc ? 1u : 0u));
    put32be(&b, 10);
    put(&b, "IDAT", 4);
    return b;
}

/* SOI, an APP0, optionally a DQT, then SOF`sof` with w x h and 3 components. */
static struct bytes jpeg(unsigned sof, unsigned w, unsigned h, int with_dqt)
{
    struct bytes b = {.n = 0};
    put(&b, "\xff\xd8", 2);
    put(&b, "\xff\xe0", 2);
    put16be(&b, 16);
    put(&b, "JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14);
    if (with_dqt) {
        put(&b, "\xff\xff\xdb", 3); /* with a fill byte */
        put16be(&b, 67);
        for (int i = 0; i < 65; i++)
            put8(&b, i ? 1 : 0);
    }
    put8(&b, 0xff);
    put8(&b, sof);
    put16be(&b, 17);
    put8(&b, 8);
    put16be(&b, h);
    put16be(&b, w);
    put8(&b, 3);
    for (int c = 1; c <= 3; c++) {
        put8(&b, c);
        put8(&b, 0x11);
        put8(&b, 0);
    }
    put(&b, "\xff\xda", 2);
    return b;
}

static struct bytes riff(const char *fourcc, const unsigned char *payload, size_t n)
{
    struct bytes b = {.n = 0};
    put(&b, "RIFF", 4);
    put32le(&b, (uint32_t)(4 + 8 + n + (n & 1)));
    put(&b, "WEBP", 4);
    put(&b, fourcc, 4);
    put32le(&b, (uint32_t)n);
    put(&b, payload, n);
    if (n & 1)
        put8(&b, 0);
    return b;
}

static struct bytes vp8(unsigned w, unsigned h, int keyframe)
{
    unsigned char p[10] = {
        keyframe ? 0x10 : 0x11, 0x02,     0x00,           0x9d, 0x01, 0x2a, w & 0xff,
        (w >> 8) & 0x3f,        h & 0xff, (h >> 8) & 0x3f};
    return riff("VP8 ", p, sizeof(p));
}

static struct bytes vp8l(unsigned w, unsigned h, unsigned version)
{
    uint32_t bits = (w - 1) | (h - 1) << 14 | (uint32_t)version << 29;
    unsigned char p[5] = {0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, bits >> 24};
    return riff("VP8L", p, sizeof(p));
}

static struct bytes vp8x(uint32_t w, uint32_t h)
{
    unsigned char p[10] = {0x10,
                           0,
                           0,
                           0,
                           (w - 1) & 0xff,
                           ((w - 1) >> 8) & 0xff,
                           (w - 1) >> 16,
                           (h - 1) & 0xff,
                           ((h - 1) >> 8) & 0xff,
                           (h - 1) >> 16};
    return riff("VP8X", p, sizeof(p));
}

static struct bytes text(const char *s)
{
    struct bytes b = {.n = 0};
    put(&b, s, strlen(s));
    return b;
}

/* ---- the table ---- */

struct row {
    const char *name;
    struct bytes b;
    enum kb_image_type type; /* expected, when field is NULL */
    uint32_t w, h;
    const char *field; /* expected refusal: "type" or "header" */
};

static void check(const struct row *r)
{
    struct kb_imagehead h = {KB_IMAGE_UNKNOWN, 7, 7};
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_imagehead_read(r->b.p, r->b.n, &h, &d);
    if (r->field) {
        if (rc != KB_EINVAL || strcmp(d.field, r->field) != 0)
            fail_msg("%s: want refusal %s, got rc %d field '%s' (%s)", r->name, r->field, rc,
                     d.field, d.msg);
        if (h.type != KB_IMAGE_UNKNOWN || h.width != 7)
            fail_msg("%s: out written on failure", r->name);
        assert_true(d.msg[0] != '\0');
    } else {
        if (rc != 0)
            fail_msg("%s: refused: %s at %zu", r->name, d.msg, d.offset);
        if (h.type != r->type || h.width != r->w || h.height != r->h)
            fail_msg("%s: got %s %ux%u, want %s %ux%u", r->name, kb_image_type_name(h.type),
                     h.width, h.height, kb_image_type_name(r->type), r->w, r->h);
    }
}

static void test_table(void **state)
{
    (void)state;
    struct bytes dnl = jpeg(0xc0, 640, 0, 0);
    struct bytes badcomp = jpeg(0xc0, 64, 64, 0);
    badcomp.p[2 + 2 + 16 + 2 + 2 + 1 + 4] = 0; /* component count 0 */
    struct bytes scan_first = text("\xff\xd8\xff\xda\x00\x08");
    struct bytes badlen = text("\xff\xd8\xff\xe0\x00\x01");
    struct bytes png_not_ihdr = png(10, 10, 8, 2, 0);
    memcpy(png_not_ihdr.p + 12, "IDAT", 4);
    struct bytes webp_other = riff("ALPH", (const unsigned char *)"0123456789", 10);
    struct bytes vp8_nostart = vp8(100, 100, 1);
    vp8_nostart.p[23] = 0;
    const struct row rows[] = {
        {"jpeg baseline", jpeg(0xc0, 640, 480, 0), KB_IMAGE_JPEG, 640, 480, NULL},
        {"jpeg progressive + DQT + fill byte", jpeg(0xc2, 4000, 3000, 1), KB_IMAGE_JPEG, 4000, 3000,
         NULL},
        {"jpeg extended", jpeg(0xc1, 1, 65535, 0), KB_IMAGE_JPEG, 1, 65535, NULL},
        {"jpeg arithmetic lossless", jpeg(0xcf, 300, 200, 0), KB_IMAGE_JPEG, 300, 200, NULL},
        {"jpeg DNL height 0", dnl, 0, 0, 0, "header"},
        {"jpeg zero components", badcomp, 0, 0, 0, "header"},
        {"jpeg scan before frame", scan_first, 0, 0, 0, "header"},
        {"jpeg segment length 1", badlen, 0, 0, 0, "header"},
        {"jpeg only SOI", text("\xff\xd8\xff"), 0, 0, 0, "header"},
        {"jpeg DHT is not a frame", jpeg(0xc4, 10, 10, 0), 0, 0, 0, "header"},
        {"png rgb", png(1920, 1080, 8, 2, 0), KB_IMAGE_PNG, 1920, 1080, NULL},
        {"png palette 1 bit", png(1, 1, 1, 3, 0), KB_IMAGE_PNG, 1, 1, NULL},
        {"png rgba 16", png(50, 70, 16, 6, 0), KB_IMAGE_PNG, 50, 70, NULL},
        {"png bomb 50000x50000 (header is fine)", png(50000, 50000, 8, 2, 0), KB_IMAGE_PNG, 50000,
         50000, NULL},
        {"png bad crc", png(10, 10, 8, 2, 1), 0, 0, 0, "header"},
        {"png zero width", png(0, 10, 8, 2, 0), 0, 0, 0, "header"},
        {"png width 2^31", png(0x80000000u, 10, 8, 2, 0), 0, 0, 0, "header"},
        {"png rgb 4 bit", png(10, 10, 4, 2, 0), 0, 0, 0, "header"},
        {"png colour type 5", png(10, 10, 8, 5, 0), 0, 0, 0, "header"},
        {"png first chunk not IHDR", png_not_ihdr, 0, 0, 0, "header"},
        {"webp lossy", vp8(1024, 768, 1), KB_IMAGE_WEBP, 1024, 768, NULL},
        {"webp lossy not a key frame", vp8(1024, 768, 0), 0, 0, 0, "header"},
        {"webp lossy no start code", vp8_nostart, 0, 0, 0, "header"},
        {"webp lossy zero width", vp8(0, 768, 1), 0, 0, 0, "header"},
        {"webp lossless", vp8l(16384, 1, 0), KB_IMAGE_WEBP, 16384, 1, NULL},
        {"webp lossless version 1", vp8l(10, 10, 1), 0, 0, 0, "header"},
        {"webp extended", vp8x(16777216, 3), KB_IMAGE_WEBP, 16777216, 3, NULL},
        {"webp other first chunk", webp_other, 0, 0, 0, "header"},
        {"php renamed .jpg", text("<?php system($_GET['c']); ?>\n"), 0, 0, 0, "type"},
        {"html", text("<!doctype html><svg onload=alert(1)>"), 0, 0, 0, "type"},
        {"gif", text("GIF89a\x01\x00\x01\x00\x80\x00\x00"), 0, 0, 0, "type"},
        {"riff but avi", text("RIFF\x10\0\0\0AVI LIST\0\0\0\0"), 0, 0, 0, "type"},
        {"empty", text(""), 0, 0, 0, "type"},
        {"half a jpeg signature", text("\xff\xd8"), 0, 0, 0, "type"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        check(&rows[i]);
}

/* Every proper prefix of a good header that still has the magic is refused as "header",
 * without reading past its end (ASan would see it: each prefix is copied to its own
 * allocation of exactly that size). */
static void test_truncations(void **state)
{
    (void)state;
    const struct bytes good[] = {jpeg(0xc0, 640, 480, 1), png(10, 10, 8, 2, 0), vp8(100, 50, 1),
                                 vp8l(100, 50, 0), vp8x(100, 50)};
    for (size_t g = 0; g < sizeof(good) / sizeof(good[0]); g++) {
        /* the full header reads: the first byte after the size fields is what it needs */
        size_t need = good[g].n;
        struct kb_imagehead h;
        assert_int_equal(kb_imagehead_read(good[g].p, need, &h, NULL), 0);
        for (size_t n = 0; n < need; n++) {
            unsigned char *copy = malloc(n ? n : 1);
            memcpy(copy, good[g].p, n);
            struct kb_diag d;
            kb_diag_clear(&d);
            int rc = kb_imagehead_read(copy, n, &h, &d);
            free(copy);
            if (rc == 0)
                continue; /* enough of it was there (e.g. the PNG without its IDAT) */
            assert_int_equal(rc, KB_EINVAL);
            if (kb_image_sniff(good[g].p, n) == KB_IMAGE_UNKNOWN)
                assert_string_equal(d.field, "type");
            else
                assert_string_equal(d.field, "header");
        }
    }
}

static void test_names(void **state)
{
    (void)state;
    const char *hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    struct kb_buf b;
    kb_buf_init(&b, 256);
    kb_media_file_name(&b, hash, KB_IMAGE_WEBP, KB_MEDIA_ORIGINAL);
    assert_string_equal(kb_buf_cstr(&b), "0123456789abcdef0123456789abcdef0123456789abcdef0123"
                                         "456789abcdef.webp");
    assert_true(kb_media_name_immutable(kb_buf_cstr(&b)));
    kb_buf_reset(&b);
    assert_true(kb_media_variant_src(
        &b, "/media/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.png",
        KB_MEDIA_SOCIAL));
    assert_string_equal(kb_buf_cstr(&b), "/media/0123456789abcdef0123456789abcdef0123456789abc"
                                         "def0123456789abcdef-social.jpg");
    assert_true(kb_media_name_immutable(kb_buf_cstr(&b) + 7));
    kb_buf_reset(&b);
    const char *not_uploads[] = {
        "/media/photo.jpg",
        "https://example.com/media/0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"
        "cdef.jpg",
        "/media/0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef.jpg",
        "/media/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.gif",
        "/media/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde.jpg",
        "/media/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef-page.jpg",
        "/media/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.jpg/x",
        NULL,
    };
    for (size_t i = 0; i < sizeof(not_uploads) / sizeof(not_uploads[0]); i++)
        if (kb_media_variant_src(&b, not_uploads[i], KB_MEDIA_PAGE))
            fail_msg("%s taken for an upload", not_uploads[i] ? not_uploads[i] : "NULL");
    assert_int_equal(b.n, 0);
    assert_false(kb_media_name_immutable("photo.jpg"));
    assert_false(kb_media_name_immutable(
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
    assert_int_equal(kb_image_type_from_name("webp"), KB_IMAGE_WEBP);
    assert_int_equal(kb_image_type_from_name("gif"), KB_IMAGE_UNKNOWN);
    assert_string_equal(kb_image_type_mime(KB_IMAGE_PNG), "image/png");
    kb_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
