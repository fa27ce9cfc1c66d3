/*
 * image.c — decoding an uploaded photo and making its variants with libvips (media.h).
 *
 * libvips was chosen over GraphicsMagick by measurement (docs/media.md).  The photo is
 * decoded once, into memory, by the loader its sniffed type names (never libvips' own
 * guess), with fail-on=error so a truncated or corrupt file is an error rather than a grey
 * fill; JPEGs are shrunk on load (1/2, 1/4, 1/8) as far as both variants allow.  Both
 * variants are then made from that one decoded picture.
 *
 * Invariants: the caller has checked the pixel cap from the header (kb_imagehead_read)
 * before calling; the decoded size must agree with the header (a file whose decoder sees
 * another picture than the header described is refused); libvips' operation cache is off
 * (uploads are never seen twice) and its untrusted loaders are blocked; every VipsImage is
 * unreferenced on every path.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>
#include "khabar/media.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_failed;

static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain;
    (void)level;
    (void)msg;
    (void)data;
}

static void init(void)
{
    if (VIPS_INIT("khabar")) {
        init_failed = 1;
        return;
    }
    vips_cache_set_max(0);
    vips_block_untrusted_set(TRUE);
    /* The library never prints: libvips' warnings (a damaged tile, ...) are dropped; what
     * matters comes back as an error through vips_error_buffer. */
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO, quiet,
                      NULL);
}

/* libvips' last error on this thread's behalf, on one line, into d. */
static int vips_fail(struct kb_diag *d, const char *what)
{
    char *e = vips_error_buffer_copy();
    for (char *c = e; c && *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    size_t n = e ? strlen(e) : 0;
    while (n && e[n - 1] == ' ')
        e[--n] = '\0';
    int rc = kb_diag_set(d, KB_EINVAL, "image", "%s%s%s", what, n ? ": " : "", n ? e : "");
    g_free(e);
    return rc;
}

void kb_image_variant_release(struct kb_image_variant *v)
{
    if (!v)
        return;
    free(v->data);
    memset(v, 0, sizeof(*v));
}

/* The largest JPEG shrink-on-load factor that keeps enough pixels for both variants. */
static int jpeg_shrink(uint32_t w, uint32_t h)
{
    double cover = (double)KB_MEDIA_SOCIAL_WIDTH / w;
    if ((double)KB_MEDIA_SOCIAL_HEIGHT / h > cover)
        cover = (double)KB_MEDIA_SOCIAL_HEIGHT / h;
    double page = w > KB_MEDIA_PAGE_WIDTH ? (double)w / KB_MEDIA_PAGE_WIDTH : 1.0;
    double most = cover >= 1.0 ? 1.0 : 1.0 / cover;
    if (page < most)
        most = page;
    int s = 1;
    while (s < 8 && 2.0 * s <= most)
        s *= 2;
    return s;
}

/* Does a JPEG's image data end with an EOI marker?  libjpeg reports a file cut short as a
 * warning ("premature end of data segment") and fills the rest with grey, which fail-on=error
 * lets through.  In entropy-coded data 0xFF is always followed by 0x00 or RSTn, so an FF D9
 * after the first scan's header is the end of the image (an EXIF thumbnail's own EOI comes
 * before it). */
static bool jpeg_complete(const unsigned char *p, size_t n)
{
    size_t i = 2;
    while (i + 4 <= n) { /* the markers before the first scan, as in imagehead.c */
        if (p[i] != 0xff)
            return false;
        while (i < n && p[i] == 0xff)
            i++;
        if (i >= n)
            return false;
        unsigned m = p[i++];
        if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
            continue;
        if (m == 0xda)
            break;
        if (i + 2 > n)
            return false;
        i += (size_t)p[i] << 8 | p[i + 1];
    }
    for (size_t k = i; k + 1 < n; k++)
        if (p[k] == 0xff && p[k + 1] == 0xd9)
            return true;
    return false;
}

static VipsImage *load(const void *p, size_t n, const struct kb_imagehead *h, int *shrink)
{
    VipsImage *im = NULL;
    *shrink = 1;
    switch (h->type) {
    case KB_IMAGE_JPEG:
        *shrink = jpeg_shrink(h->width, h->height);
        if (vips_jpegload_buffer((void *)p, n, &im, "shrink", *shrink, "fail_on",
                                 VIPS_FAIL_ON_ERROR, NULL))
            return NULL;
        break;
    case KB_IMAGE_PNG:
        if (vips_pngload_buffer((void *)p, n, &im, "fail_on", VIPS_FAIL_ON_ERROR, NULL))
            return NULL;
        break;
    case KB_IMAGE_WEBP:
        if (vips_webpload_buffer((void *)p, n, &im, "fail_on", VIPS_FAIL_ON_ERROR, NULL))
            return NULL;
        break;
    default:
        return NULL;
    }
    return im;
}

/* Replace *im by op's output (unreferencing the input); false when op failed. */
static bool step(VipsImage **im, int rc, VipsImage *out)
{
    g_object_unref(*im);
    *im = rc ? NULL : out;
    if (rc && out)
        g_object_unref(out);
    return rc == 0;
}

static int encode(VipsImage *im, struct kb_image_variant *v, struct kb_diag *d)
{
    void *buf = NULL;
    size_t len = 0;
    if (vips_jpegsave_buffer(im, &buf, &len, "Q", 82, "strip", TRUE, "optimize_coding", TRUE, NULL))
        return vips_fail(d, "cannot encode the variant");
    v->data = malloc(len ? len : 1);
    if (!v->data)
        abort();
    memcpy(v->data, buf, len);
    v->len = len;
    v->width = vips_image_get_width(im);
    v->height = vips_image_get_height(im);
    g_free(buf);
    return 0;
}

int kb_image_variants(const void *p, size_t n, const struct kb_imagehead *h,
                      struct kb_image_variant *page, struct kb_image_variant *social,
                      struct kb_diag *d)
{
    pthread_once(&once, init);
    if (init_failed)
        return kb_diag_set(d, KB_EINTERNAL, "image", "libvips did not start");
    if (h->type == KB_IMAGE_JPEG && !jpeg_complete(p, n))
        return kb_diag_set(d, KB_EINVAL, "image", "the JPEG is truncated (no end-of-image marker)");
    int shrink;
    VipsImage *im = load(p, n, h, &shrink);
    if (!im)
        return vips_fail(d, "cannot read the image");
    /* Shrink-on-load rounds up: the header's size divided by the factor, within one. */
    int64_t w = vips_image_get_width(im), hh = vips_image_get_height(im);
    int64_t ew = ((int64_t)h->width + shrink - 1) / shrink,
            eh = ((int64_t)h->height + shrink - 1) / shrink;
    if (w < ew - 1 || w > ew || hh < eh - 1 || hh > eh) {
        g_object_unref(im);
        return kb_diag_set(d, KB_EINVAL, "image",
                           "decodes to %lldx%lld pixels, the header said %ux%u", (long long)w,
                           (long long)hh, (unsigned)h->width, (unsigned)h->height);
    }
    /* Decode everything now: a truncated or corrupt file fails here, once. */
    VipsImage *out = vips_image_copy_memory(im);
    if (!step(&im, out ? 0 : -1, out))
        return vips_fail(d, "the image is truncated or corrupt");
    if (!step(&im, vips_autorot(im, &out, NULL), out))
        return vips_fail(d, "cannot rotate the image");
    if (vips_image_get_interpretation(im) != VIPS_INTERPRETATION_sRGB &&
        !step(&im, vips_colourspace(im, &out, VIPS_INTERPRETATION_sRGB, NULL), out))
        return vips_fail(d, "cannot convert the image to sRGB");
    if (vips_image_hasalpha(im)) {
        VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
        int rc = vips_flatten(im, &out, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
        if (!step(&im, rc, out))
            return vips_fail(d, "cannot flatten the image");
    }
    if (vips_image_get_format(im) != VIPS_FORMAT_UCHAR &&
        !step(&im, vips_cast(im, &out, VIPS_FORMAT_UCHAR, NULL), out))
        return vips_fail(d, "cannot convert the image to 8 bits");

    struct kb_image_variant pv = {0}, sv = {0};
    VipsImage *pg = NULL, *so = NULL;
    int rc = 0;
    if (vips_thumbnail_image(im, &pg, KB_MEDIA_PAGE_WIDTH, "height", VIPS_MAX_COORD, "size",
                             VIPS_SIZE_DOWN, NULL))
        rc = vips_fail(d, "cannot resize the image");
    else if (vips_thumbnail_image(im, &so, KB_MEDIA_SOCIAL_WIDTH, "height", KB_MEDIA_SOCIAL_HEIGHT,
                                  "crop", VIPS_INTERESTING_CENTRE, "size", VIPS_SIZE_BOTH, NULL))
        rc = vips_fail(d, "cannot crop the image");
    else if ((rc = encode(pg, &pv, d)) == 0)
        rc = encode(so, &sv, d);
    if (pg)
        g_object_unref(pg);
    if (so)
        g_object_unref(so);
    g_object_unref(im);
    if (rc) {
        kb_image_variant_release(&pv);
        kb_image_variant_release(&sv);
        return rc;
    }
    *page = pv;
    *social = sv;
    return 0;
}
