/*
 * test_media_upload.c — the upload use-case (lib/engine/media.c) and its variants
 * (lib/media/image.c) end to end on a temporary database and media directory: a JPEG and a
 * PNG with alpha stored with both variants of the promised sizes, the same bytes twice are
 * one photo, and every refusal (not an image, a bomb, a truncated file, too many bytes, bad
 * text, an unwritable directory) leaves the directory and the table exactly as they were;
 * two connections storing the same photo at once end with one row and three files.
 * Test photos are made here with libvips from noise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <vips/vips.h>
#include "khabar/buf.h"
#include "khabar/media.h"
#include "khabar/media_upload.h"

struct fx {
    char dir[64], media[96], db[96];
    struct kb_store *s;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/kb-media-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->media, sizeof(f->media), "%s/media", f->dir);
    snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
    struct kb_diag d;
    if (kb_store_open(f->db, KB_STORE_CREATE, &f->s, &d) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    kb_store_close(f->s);
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* A w x h photo of noise (3 bands, or 4 with alpha) encoded as `fmt` (".jpg", ".png"). */
static unsigned char *photo(int w, int h, int alpha, const char *fmt, size_t *len)
{
    static int started;
    if (!started && VIPS_INIT("test"))
        fail_msg("vips init");
    started = 1;
    VipsImage *noise, *u8, *rgb;
    assert_int_equal(vips_gaussnoise(&noise, w, h, "mean", 128.0, "sigma", 40.0, NULL), 0);
    assert_int_equal(vips_cast(noise, &u8, VIPS_FORMAT_UCHAR, NULL), 0);
    VipsImage *bands[4] = {u8, u8, u8, u8};
    assert_int_equal(vips_bandjoin(bands, &rgb, alpha ? 4 : 3, NULL), 0);
    void *buf;
    size_t n;
    assert_int_equal(vips_image_write_to_buffer(rgb, fmt, &buf, &n, NULL), 0);
    g_object_unref(noise);
    g_object_unref(u8);
    g_object_unref(rgb);
    unsigned char *p = malloc(n);
    memcpy(p, buf, n);
    g_free(buf);
    *len = n;
    return p;
}

/* "name:size;" for every file in dir, sorted by readdir order (stable for an unchanged
 * directory), "-" when it does not exist. */
static void listing(const char *dir, struct kb_buf *out)
{
    kb_buf_reset(out);
    DIR *dd = opendir(dir);
    if (!dd) {
        kb_buf_adds(out, "-");
        return;
    }
    struct dirent *e;
    while ((e = readdir(dd)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[512];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        stat(path, &st);
        kb_buf_addf(out, "%s:%lld;", e->d_name, (long long)st.st_size);
    }
    closedir(dd);
}

static size_t count_rows(struct kb_store *s)
{
    struct kb_media_rec *v = NULL;
    size_t n = 0, total = 0;
    assert_int_equal(kb_store_media_list(s, 0, 1000, &v, &n, &total, NULL), 0);
    kb_media_recs_free(v, n);
    return total;
}

/* The header of a stored file (its site path), read back. */
static struct kb_imagehead stored(struct fx *f, const char *src)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", f->media, src + strlen("/media/"));
    char *data;
    size_t len;
    struct kb_diag d;
    if (kb_file_read(path, (size_t)64 << 20, &data, &len, &d) != 0)
        fail_msg("%s: %s", path, d.msg);
    struct kb_imagehead h;
    assert_int_equal(kb_imagehead_read(data, len, &h, &d), 0);
    free(data);
    return h;
}

static void test_jpeg_and_dedupe(void **state)
{
    struct fx *f = *state;
    size_t n;
    unsigned char *p = photo(2000, 1000, 0, ".jpg[Q=90]", &n);
    struct kb_media_text t = {.alt = "مؤتمر صحفي", .caption = "الوزير يتحدث", .credit = "وكالة"};
    struct kb_media_rec m = {0};
    bool created = false;
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_media_upload(f->s, f->media, p, n, &t, 0, 1700000000, &m, &created, &d);
    if (rc)
        fail_msg("upload: %s (%s)", d.msg, d.field);
    assert_true(created);
    assert_string_equal(m.type, "jpeg");
    assert_int_equal(m.width, 2000);
    assert_int_equal(m.height, 1000);
    assert_int_equal(m.bytes, (int64_t)n);
    assert_string_equal(m.alt, "مؤتمر صحفي");
    assert_string_equal(m.copyright, "");
    assert_int_equal(strlen(m.hash), 64);

    struct kb_buf src;
    kb_buf_init(&src, 256);
    kb_media_rec_src(&src, &m, KB_MEDIA_ORIGINAL);
    struct kb_imagehead h = stored(f, kb_buf_cstr(&src));
    assert_int_equal(h.type, KB_IMAGE_JPEG);
    assert_int_equal(h.width, 2000);
    kb_buf_reset(&src);
    kb_media_rec_src(&src, &m, KB_MEDIA_PAGE);
    h = stored(f, kb_buf_cstr(&src));
    assert_int_equal(h.width, KB_MEDIA_PAGE_WIDTH);
    assert_int_equal(h.height, 640);
    kb_buf_reset(&src);
    kb_media_rec_src(&src, &m, KB_MEDIA_SOCIAL);
    h = stored(f, kb_buf_cstr(&src));
    assert_int_equal(h.width, 1200);
    assert_int_equal(h.height, 630);

    /* The same bytes again: the same photo, its text updated where given. */
    struct kb_buf before, after;
    kb_buf_init(&before, 1 << 16);
    kb_buf_init(&after, 1 << 16);
    listing(f->media, &before);
    struct kb_media_text t2 = {.copyright = "حقوق محفوظة"};
    struct kb_media_rec m2 = {0};
    rc = kb_media_upload(f->s, f->media, p, n, &t2, 0, 1700000100, &m2, &created, &d);
    assert_int_equal(rc, 0);
    assert_false(created);
    assert_int_equal(m2.id, m.id);
    assert_string_equal(m2.alt, "مؤتمر صحفي");
    assert_string_equal(m2.copyright, "حقوق محفوظة");
    listing(f->media, &after);
    assert_string_equal(kb_buf_cstr(&before), kb_buf_cstr(&after));
    assert_int_equal(count_rows(f->s), 1);

    kb_media_rec_release(&m);
    kb_media_rec_release(&m2);
    kb_buf_release(&src);
    kb_buf_release(&before);
    kb_buf_release(&after);
    free(p);
}

static void test_png_alpha_small(void **state)
{
    struct fx *f = *state;
    size_t n;
    unsigned char *p = photo(300, 200, 1, ".png", &n);
    struct kb_media_rec m = {0};
    bool created;
    struct kb_diag d;
    int rc = kb_media_upload(f->s, f->media, p, n, NULL, 0, 1700000000, &m, &created, &d);
    if (rc)
        fail_msg("upload: %s", d.msg);
    assert_string_equal(m.type, "png");
    struct kb_buf src;
    kb_buf_init(&src, 256);
    kb_media_rec_src(&src, &m, KB_MEDIA_PAGE);
    struct kb_imagehead h = stored(f, kb_buf_cstr(&src));
    assert_int_equal(h.type, KB_IMAGE_JPEG); /* never enlarged, alpha flattened */
    assert_int_equal(h.width, 300);
    assert_int_equal(h.height, 200);
    kb_buf_reset(&src);
    kb_media_rec_src(&src, &m, KB_MEDIA_SOCIAL);
    h = stored(f, kb_buf_cstr(&src));
    assert_int_equal(h.width, 1200);
    assert_int_equal(h.height, 630);
    kb_buf_release(&src);
    kb_media_rec_release(&m);
    free(p);
}

static void expect_refusal(struct fx *f, const void *p, size_t n, const struct kb_media_text *t,
                           int want_rc, const char *want_field)
{
    struct kb_buf before, after;
    kb_buf_init(&before, 1 << 16);
    kb_buf_init(&after, 1 << 16);
    listing(f->media, &before);
    size_t rows = count_rows(f->s);
    struct kb_media_rec m = {0};
    bool created = false;
    struct kb_diag d;
    kb_diag_clear(&d);
    int rc = kb_media_upload(f->s, f->media, p, n, t, 0, 1700000000, &m, &created, &d);
    if (rc != want_rc || strcmp(d.field, want_field) != 0)
        fail_msg("want %d %s, got %d %s (%s)", want_rc, want_field, rc, d.field, d.msg);
    assert_true(d.msg[0] != '\0');
    assert_int_equal(m.id, 0);
    listing(f->media, &after);
    assert_string_equal(kb_buf_cstr(&before), kb_buf_cstr(&after));
    assert_int_equal(count_rows(f->s), rows);
    kb_buf_release(&before);
    kb_buf_release(&after);
}

static void test_refusals(void **state)
{
    struct fx *f = *state;
    /* one good upload first, so "unchanged" means something */
    size_t n;
    unsigned char *p = photo(800, 600, 0, ".jpg", &n);
    struct kb_media_rec m = {0};
    bool created;
    assert_int_equal(kb_media_upload(f->s, f->media, p, n, NULL, 0, 1, &m, &created, NULL), 0);
    kb_media_rec_release(&m);

    const char php[] = "<?php system($_GET['c']); ?>\n";
    expect_refusal(f, php, sizeof(php) - 1, NULL, KB_EINVAL, "type");

    /* 50,000 x 50,000 PNG: a correct IHDR, refused from the header */
    static const unsigned char bomb[] = {
        0x89, 'P',  'N',  'G',  '\r', '\n', 0x1a, '\n', 0,    0,   0,   13,   'I',  'H',  'D',
        'R',  0,    0,    0xc3, 0x50, 0,    0,    0xc3, 0x50, 8,   2,   0,    0,    0,    0xc4,
        0xcd, 0xaa, 0x9d, 0,    0,    0,    0,    'I',  'E',  'N', 'D', 0xae, 0x42, 0x60, 0x82};
    struct kb_imagehead h;
    assert_int_equal(kb_imagehead_read(bomb, sizeof(bomb), &h, NULL), 0);
    assert_int_equal(h.width, 50000);
    expect_refusal(f, bomb, sizeof(bomb), NULL, KB_ETOOBIG, "pixels");

    unsigned char *q = photo(1600, 1200, 0, ".jpg", &n);
    expect_refusal(f, q, n / 2, NULL, KB_EINVAL, "image"); /* truncated */
    free(q);
    /* a PNG whose compressed data is garbage past its header: libpng's error */
    q = photo(400, 300, 0, ".png", &n);
    for (size_t i = n / 3; i < n / 3 + 256; i++)
        q[i] = (unsigned char)(i * 131);
    expect_refusal(f, q, n, NULL, KB_EINVAL, "image");
    expect_refusal(f, q, n / 2, NULL, KB_EINVAL, "image"); /* and a truncated one */
    free(q);

    size_t big = KB_MEDIA_MAX_BYTES + 1;
    unsigned char *huge = calloc(1, big);
    memcpy(huge, p, n < big ? n : big);
    expect_refusal(f, huge, big, NULL, KB_ETOOBIG, "bytes");
    free(huge);

    /* new bytes with bad text: refused before anything is written */
    unsigned char *r = photo(100, 100, 0, ".jpg", &n);
    struct kb_media_text bad = {.alt = "سطر\nثان"};
    expect_refusal(f, r, n, &bad, KB_EINVAL, "alt");
    char *long_credit = malloc(KB_MEDIA_MAX_CREDIT + 2);
    memset(long_credit, 'x', KB_MEDIA_MAX_CREDIT + 1);
    long_credit[KB_MEDIA_MAX_CREDIT + 1] = '\0';
    struct kb_media_text bad2 = {.credit = long_credit};
    expect_refusal(f, r, n, &bad2, KB_ETOOBIG, "credit");
    free(long_credit);

    /* the media directory cannot be written: an I/O error, no row */
    char notdir[160];
    snprintf(notdir, sizeof(notdir), "%s/plainfile", f->dir);
    FILE *fp = fopen(notdir, "w");
    fclose(fp);
    size_t rows = count_rows(f->s);
    struct kb_diag d;
    assert_int_equal(kb_media_upload(f->s, notdir, r, n, NULL, 0, 1, &m, &created, &d), KB_EIO);
    assert_int_equal(count_rows(f->s), rows);
    free(r);
    free(p);
}

static void test_set_text_and_list(void **state)
{
    struct fx *f = *state;
    int64_t ids[3];
    for (int i = 0; i < 3; i++) {
        size_t n;
        unsigned char *p = photo(64 + i, 64, 0, ".jpg", &n);
        struct kb_media_rec m = {0};
        bool created;
        assert_int_equal(
            kb_media_upload(f->s, f->media, p, n, NULL, 0, 100 + i, &m, &created, NULL), 0);
        ids[i] = m.id;
        kb_media_rec_release(&m);
        free(p);
    }
    struct kb_media_rec *v;
    size_t n, total;
    assert_int_equal(kb_store_media_list(f->s, 0, 2, &v, &n, &total, NULL), 0);
    assert_int_equal(total, 3);
    assert_int_equal(n, 2);
    assert_int_equal(v[0].id, ids[2]); /* newest first */
    assert_int_equal(v[1].id, ids[1]);
    kb_media_recs_free(v, n);

    struct kb_media_text t = {.caption = "تعليق جديد"};
    struct kb_media_rec m = {0};
    assert_int_equal(kb_media_set_text(f->s, ids[0], &t, &m, NULL), 0);
    assert_string_equal(m.caption, "تعليق جديد");
    kb_media_rec_release(&m);
    struct kb_diag d;
    assert_int_equal(kb_media_set_text(f->s, 999, &t, &m, &d), KB_ENOTFOUND);
    struct kb_media_text bad = {.credit = "\x01"};
    assert_int_equal(kb_media_set_text(f->s, ids[0], &bad, &m, &d), KB_EINVAL);
    assert_string_equal(d.field, "credit");
}

struct racer {
    const char *db, *media;
    const unsigned char *p;
    size_t n;
    int rc;
    bool created;
    int64_t id;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    struct kb_store *s;
    if (kb_store_open(r->db, KB_STORE_EXISTING, &s, NULL) != 0) {
        r->rc = -100;
        return NULL;
    }
    struct kb_media_rec m = {0};
    r->rc = kb_media_upload(s, r->media, r->p, r->n, NULL, 0, 5, &m, &r->created, NULL);
    r->id = m.id;
    kb_media_rec_release(&m);
    kb_store_close(s);
    return NULL;
}

/* Two connections store the same new photo at the same moment: both succeed, with one row,
 * three files and no temporary file left behind. */
static void test_same_photo_at_once(void **state)
{
    struct fx *f = *state;
    size_t n;
    unsigned char *p = photo(1500, 900, 0, ".jpg", &n);
    struct racer r[2] = {{f->db, f->media, p, n, 0, false, 0},
                         {f->db, f->media, p, n, 0, false, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(r[0].rc, 0);
    assert_int_equal(r[1].rc, 0);
    assert_int_equal(r[0].id, r[1].id);
    assert_true(r[0].created || r[1].created);
    assert_int_equal(count_rows(f->s), 1);
    struct kb_buf l;
    kb_buf_init(&l, 1 << 16);
    listing(f->media, &l);
    int files = 0;
    for (const char *c = kb_buf_cstr(&l); *c; c++)
        files += *c == ';';
    assert_int_equal(files, 3);
    assert_null(strstr(kb_buf_cstr(&l), ".tmp"));
    kb_buf_release(&l);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_jpeg_and_dedupe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_png_alpha_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_text_and_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_photo_at_once, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
