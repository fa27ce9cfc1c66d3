/*
 * media.c — the photo upload use-case (media_upload.h).
 *
 * Order of checks, cheapest and most dangerous first: size cap, the header reader (type
 * from the bytes, never the name), the pixel cap from the header — so a decompression bomb
 * is refused before any decoder allocates for it — the text, then the decode, which must
 * succeed completely (libvips with fail-on=error) before anything is written.
 *
 * Invariants: files are content-addressed (SHA-256 of the original's bytes), written to a
 * hidden temporary name in the media directory (files.c never serves a name starting with
 * '.'), fsync'd, renamed into place, and the directory fsync'd; only then is the row
 * inserted.  If the insert fails, the files this call created (names that did not exist
 * before) are removed, so a refused or failed upload leaves the directory and the database
 * as they were.  Decoding happens outside any transaction (it takes a second on a large
 * photo and must not hold the database's write lock).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "khabar/media_upload.h"
#include "khabar/user.h"
#include "khabar/utf8.h"

static int check_one(const char *field, const char *v, size_t max, bool multiline,
                     struct kb_diag *d)
{
    if (!v)
        return 0;
    size_t n = strlen(v);
    if (n > max)
        return kb_diag_set(d, KB_ETOOBIG, field, "longer than %zu bytes", max);
    if (!kb_utf8_valid(v, n))
        return kb_diag_set(d, KB_EINVAL, field, "is not valid UTF-8");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f)
            return kb_diag_set(d, KB_EINVAL, field, "has a control character at byte %zu", i);
    }
    return 0;
}

int kb_media_text_check(const struct kb_media_text *t, struct kb_diag *d)
{
    int rc;
    if ((rc = check_one("alt", t->alt, KB_MEDIA_MAX_ALT, false, d)) ||
        (rc = check_one("caption", t->caption, KB_MEDIA_MAX_CAPTION, true, d)) ||
        (rc = check_one("credit", t->credit, KB_MEDIA_MAX_CREDIT, false, d)) ||
        (rc = check_one("copyright", t->copyright, KB_MEDIA_MAX_COPYRIGHT, false, d)))
        return rc;
    return 0;
}

void kb_media_rec_src(struct kb_buf *out, const struct kb_media_rec *m, enum kb_media_variant v)
{
    kb_buf_adds(out, "/media/");
    kb_media_file_name(out, m->hash, kb_image_type_from_name(m->type), v);
}

/* ---- files ---- */

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Write data to dir/name through dir/.name.<pid>.<n>.tmp, fsync, rename.  *made is true when
 * the name did not exist before (so a rollback may remove it). */
static int write_file(const char *dir, const char *name, const void *data, size_t len, bool *made,
                      struct kb_diag *d)
{
    struct kb_buf path, tmp;
    kb_buf_init(&path, 8192);
    kb_buf_init(&tmp, 8192);
    kb_buf_addf(&path, "%s/%s", dir, name);
    /* Unique per process and call: two workers storing the same photo at once must not
     * share a temporary file. */
    static unsigned long seq;
    kb_buf_addf(&tmp, "%s/.%s.%ld.%lu.tmp", dir, name, (long)getpid(),
                __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
    int rc = 0;
    *made = false;
    if (kb_buf_err(&path) || kb_buf_err(&tmp)) {
        rc = kb_diag_set(d, KB_ETOOBIG, "media_dir", "path too long");
        goto out;
    }
    struct stat st;
    if (lstat(kb_buf_cstr(&path), &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len)
        goto out; /* the same name is the same content: already there */
    int fd = open(kb_buf_cstr(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        rc = kb_diag_set(d, KB_EIO, "media_dir", "%s: %s", kb_buf_cstr(&tmp), strerror(errno));
        goto out;
    }
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        p += w;
        left -= (size_t)w;
    }
    int err = left ? (errno ? errno : EIO) : 0;
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    bool existed = lstat(kb_buf_cstr(&path), &st) == 0;
    if (!err && rename(kb_buf_cstr(&tmp), kb_buf_cstr(&path)) != 0)
        err = errno;
    if (err) {
        unlink(kb_buf_cstr(&tmp));
        rc = kb_diag_set(d, KB_EIO, "media_dir", "%s: %s", kb_buf_cstr(&path), strerror(err));
        goto out;
    }
    *made = !existed;
out:
    kb_buf_release(&path);
    kb_buf_release(&tmp);
    return rc;
}

static void remove_file(const char *dir, const char *name)
{
    struct kb_buf path;
    kb_buf_init(&path, 8192);
    kb_buf_addf(&path, "%s/%s", dir, name);
    if (!kb_buf_err(&path))
        unlink(kb_buf_cstr(&path));
    kb_buf_release(&path);
}

/* The three files of a new photo; on failure none that this call made remains. */
static int write_files(const char *dir, const char *hash, enum kb_image_type t, const void *p,
                       size_t n, const struct kb_image_variant *page,
                       const struct kb_image_variant *social, bool made[3], char names[3][96],
                       struct kb_diag *d)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return kb_diag_set(d, KB_EIO, "media_dir", "%s: %s", dir, strerror(errno));
    const enum kb_media_variant v[3] = {KB_MEDIA_ORIGINAL, KB_MEDIA_PAGE, KB_MEDIA_SOCIAL};
    const void *data[3] = {p, page->data, social->data};
    size_t len[3] = {n, page->len, social->len};
    for (int i = 0; i < 3; i++) {
        struct kb_buf b;
        kb_buf_init(&b, 96);
        kb_media_file_name(&b, hash, t, v[i]);
        snprintf(names[i], 96, "%s", kb_buf_cstr(&b));
        kb_buf_release(&b);
        made[i] = false;
    }
    for (int i = 0; i < 3; i++) {
        int rc = write_file(dir, names[i], data[i], len[i], &made[i], d);
        if (rc) {
            for (int k = 0; k < i; k++)
                if (made[k])
                    remove_file(dir, names[k]);
            return rc;
        }
    }
    if (fsync_dir(dir) != 0) {
        int e = errno;
        for (int k = 0; k < 3; k++)
            if (made[k])
                remove_file(dir, names[k]);
        return kb_diag_set(d, KB_EIO, "media_dir", "%s: %s", dir, strerror(e));
    }
    return 0;
}

/* ---- the use-cases ---- */

/* The stored photo with this hash gets the text `t` sets, and is returned. */
static int update_existing(struct kb_store *s, const char *hash, const struct kb_media_text *t,
                           struct kb_media_rec *out, struct kb_diag *d)
{
    struct kb_media_rec m = {0};
    int rc = kb_store_media_get(s, 0, hash, &m, d);
    if (rc == 0 && (t->alt || t->caption || t->credit || t->copyright)) {
        rc = kb_store_media_set_text(s, m.id, t->alt, t->caption, t->credit, t->copyright, d);
        if (rc == 0)
            rc = kb_store_media_get(s, m.id, NULL, &m, d);
    }
    if (rc) {
        kb_media_rec_release(&m);
        return rc;
    }
    *out = m;
    return 0;
}

/* kb_media_upload's work; `own_tx`: the row is written in a transaction of its own (an
 * upload), else inside the caller's (kb_media_import). */
static int upload(struct kb_store *s, const char *media_dir, const void *p, size_t n,
                  const struct kb_media_text *t, int64_t user_id, int64_t now,
                  struct kb_media_rec *out, bool *created, bool own_tx, struct kb_diag *d)
{
    static const struct kb_media_text none = {0};
    if (!t)
        t = &none;
    if (n > KB_MEDIA_MAX_BYTES)
        return kb_diag_set(d, KB_ETOOBIG, "bytes", "%zu bytes, the limit is %zu", n,
                           KB_MEDIA_MAX_BYTES);
    struct kb_imagehead h;
    int rc = kb_imagehead_read(p, n, &h, d);
    if (rc)
        return rc;
    if ((long long)h.width * h.height > KB_MEDIA_MAX_PIXELS || h.width > KB_MEDIA_MAX_SIDE ||
        h.height > KB_MEDIA_MAX_SIDE)
        return kb_diag_set(
            d, KB_ETOOBIG, "pixels", "%ux%u pixels, the limit is %lld pixels and %d per side",
            (unsigned)h.width, (unsigned)h.height, KB_MEDIA_MAX_PIXELS, KB_MEDIA_MAX_SIDE);
    if ((rc = kb_media_text_check(t, d)))
        return rc;
    char hash[KB_SHA256_HEX];
    kb_secret_hash((const char *)p, n, hash);

    /* Seen before: same bytes, same files; only the text may change. */
    struct kb_media_rec m = {0};
    rc = kb_store_media_get(s, 0, hash, &m, d);
    kb_media_rec_release(&m);
    if (rc == 0) {
        if ((rc = update_existing(s, hash, t, out, d)) == 0)
            *created = false;
        return rc;
    }
    if (rc != KB_ENOTFOUND)
        return rc;
    kb_diag_clear(d);

    struct kb_image_variant page = {0}, social = {0};
    if ((rc = kb_image_variants(p, n, &h, &page, &social, d)))
        return rc;
    bool made[3];
    char names[3][96];
    rc = write_files(media_dir, hash, h.type, p, n, &page, &social, made, names, d);
    kb_image_variant_release(&page);
    kb_image_variant_release(&social);
    if (rc)
        return rc;

    snprintf(m.hash, sizeof(m.hash), "%s", hash);
    snprintf(m.type, sizeof(m.type), "%s", kb_image_type_name(h.type));
    m.width = h.width;
    m.height = h.height;
    m.bytes = (int64_t)n;
    m.alt = (char *)(t->alt ? t->alt : "");
    m.caption = (char *)(t->caption ? t->caption : "");
    m.credit = (char *)(t->credit ? t->credit : "");
    m.copyright = (char *)(t->copyright ? t->copyright : "");
    m.uploaded_by = user_id;
    m.created = now;
    rc = own_tx ? kb_store_begin(s, d) : 0;
    if (rc == 0)
        rc = kb_store_media_insert(s, &m, d);
    if (rc && own_tx)
        kb_store_rollback(s);
    if (rc == KB_EEXISTS) { /* the same photo, uploaded at the same moment by someone else */
        kb_diag_clear(d);
        if ((rc = update_existing(s, hash, t, out, d)) == 0)
            *created = false;
        return rc;
    }
    if (rc == 0) {
        int64_t id = m.id;
        memset(&m, 0, sizeof(m)); /* its strings were borrowed */
        rc = kb_store_media_get(s, id, NULL, &m, d);
        if (rc == 0 && own_tx)
            rc = kb_store_commit(s, d);
        if (rc) {
            if (own_tx)
                kb_store_rollback(s);
            kb_media_rec_release(&m);
        } else {
            *out = m;
            *created = true;
            return 0;
        }
    }
    for (int i = 0; i < 3; i++)
        if (made[i])
            remove_file(media_dir, names[i]);
    return rc;
}

int kb_media_upload(struct kb_store *s, const char *media_dir, const void *p, size_t n,
                    const struct kb_media_text *t, int64_t user_id, int64_t now,
                    struct kb_media_rec *out, bool *created, struct kb_diag *d)
{
    return upload(s, media_dir, p, n, t, user_id, now, out, created, true, d);
}

int kb_media_import(struct kb_store *s, const char *media_dir, const void *p, size_t n,
                    const struct kb_media_text *t, int64_t user_id, int64_t now,
                    struct kb_media_rec *out, bool *created, struct kb_diag *d)
{
    return upload(s, media_dir, p, n, t, user_id, now, out, created, false, d);
}

int kb_media_set_text(struct kb_store *s, int64_t id, const struct kb_media_text *t,
                      struct kb_media_rec *out, struct kb_diag *d)
{
    int rc = kb_media_text_check(t, d);
    if (rc)
        return rc;
    struct kb_media_rec m = {0};
    if ((rc = kb_store_media_set_text(s, id, t->alt, t->caption, t->credit, t->copyright, d)) ||
        (rc = kb_store_media_get(s, id, NULL, &m, d))) {
        kb_media_rec_release(&m);
        return rc;
    }
    *out = m;
    return 0;
}
