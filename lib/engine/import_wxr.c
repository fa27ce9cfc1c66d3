/*
 * import_wxr.c — `khabar import wxr`: a WordPress export into the store (docs/wxr.md).
 *
 * Two streaming passes over the file (wxr.h).  Pass one writes nothing: it collects the
 * authors (login → display name) and the attachments (id → URL, alt text, caption), the
 * only things an item points at that may come after it in the file.  Pass two runs inside
 * one transaction: categories become sections, posts and pages become articles keyed by
 * their old URL (external_id), created, updated or left unchanged.
 *
 * Memory: constant in the posts; the two tables grow with the authors and attachments
 * (a few hundred bytes each), sorted after pass one and searched by bisection.
 *
 * Invariants: nothing is committed unless the whole file was read without an XML error
 * (all-or-nothing); a dry run always rolls back; a link seen earlier in the same file is
 * never written twice, so re-importing the same file changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "khabar/engine.h"
#include "khabar/media.h"
#include "khabar/media_store.h"
#include "khabar/media_upload.h"
#include "khabar/newsroom_store.h"
#include "khabar/related.h"
#include "khabar/user.h"
#include "khabar/wxr.h"

#define PROGRESS_EVERY 64
#define SECTION_MEMO 512
#define MAX_NESTED 4096 /* category → parent pairs kept for the end of pass two */
#define MEDIA_FILE_MAX ((size_t)64 << 20) /* a file bigger than this stays a remote URL */

enum media_state { MEDIA_UNTRIED, MEDIA_LOCAL, MEDIA_REMOTE };

struct media {
    int64_t id;
    char *src, *alt, *caption;
    enum media_state state;
    char *local; /* "/media/ab/<sha256>.jpg" once copied (MEDIA_LOCAL) */
};

struct author {
    char *login, *name;
    int64_t user_id; /* 0: not looked up yet; -1: not a usable user name */
};

struct nest {
    char *key, *parent; /* category nicenames as written */
    unsigned long line;
};

struct memo {
    char *key;  /* the category's nicename as written */
    char *slug; /* the store's section slug */
};

struct run {
    struct kb_store *s;
    struct kb_import_report *rep;
    struct media *media;
    size_t nmedia, capmedia;
    struct author *authors;
    size_t nauthors, capauthors;
    struct memo memo[SECTION_MEMO];
    size_t nmemo;
    /* links seen in this file: sorted insertion would be O(n²); a hash set of 64-bit
     * hashes, as in import_jsonl.c */
    uint64_t *keys;
    size_t capkeys, nkeys;
    const struct kb_import_opts *opts;
    struct nest *nests;
    size_t nnests;
    /* authors met only as dc:creator (WXR 1.0 declares none): login → user id */
    struct author *extra;
    size_t nextra;
};

static int cmp_media(const void *a, const void *b)
{
    const struct media *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_author(const void *a, const void *b)
{
    const struct author *x = a, *y = b;
    return strcmp(x->login, y->login);
}

static uint64_t key_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    return h ? h : 1;
}

/* true when `key` was already seen */
static bool key_seen(struct run *r, const char *key)
{
    if ((r->nkeys + 1) * 2 > r->capkeys) {
        size_t cap = r->capkeys ? r->capkeys * 2 : 1024;
        uint64_t *k = kb_calloc(cap, sizeof(*k));
        for (size_t i = 0; i < r->capkeys; i++) {
            if (!r->keys[i])
                continue;
            size_t j = r->keys[i] & (cap - 1);
            while (k[j])
                j = (j + 1) & (cap - 1);
            k[j] = r->keys[i];
        }
        free(r->keys);
        r->keys = k;
        r->capkeys = cap;
    }
    uint64_t h = key_hash(key);
    size_t j = h & (r->capkeys - 1);
    while (r->keys[j]) {
        if (r->keys[j] == h)
            return true;
        j = (j + 1) & (r->capkeys - 1);
    }
    r->keys[j] = h;
    r->nkeys++;
    return false;
}

static void note(struct kb_import_skip *v, size_t *nv, const char *reason, unsigned long line)
{
    struct kb_import_skip *e = NULL;
    for (size_t i = 0; i < *nv && !e; i++)
        if (strcmp(v[i].reason, reason) == 0)
            e = &v[i];
    if (!e) {
        if (*nv < KB_IMPORT_MAX_REASONS) {
            e = &v[(*nv)++];
            snprintf(e->reason, sizeof(e->reason), "%s", reason);
        } else {
            e = &v[KB_IMPORT_MAX_REASONS - 1];
            snprintf(e->reason, sizeof(e->reason), "other");
        }
    }
    if (e->count < KB_IMPORT_REASON_LINES)
        e->lines[e->count] = line;
    e->count++;
}

static void skipped(struct run *r, const char *reason, unsigned long line)
{
    r->rep->skipped++;
    note(r->rep->reasons, &r->rep->nreasons, reason, line);
}

static void warn(struct run *r, const char *reason, unsigned long line)
{
    note(r->rep->warnings, &r->rep->nwarnings, reason, line);
}

/* ---- pass one ---------------------------------------------------------------------- */

static int collect(struct run *r, struct kb_wxr_reader *rd, struct kb_diag *d)
{
    struct kb_wxr_entry e;
    int k;
    while ((k = kb_wxr_next(rd, &e, d)) > 0) {
        if (k == KB_WXR_AUTHOR && e.author.login[0]) {
            if (r->nauthors == r->capauthors) {
                r->capauthors = r->capauthors ? r->capauthors * 2 : 16;
                r->authors = kb_realloc(r->authors, r->capauthors * sizeof(*r->authors));
            }
            r->authors[r->nauthors].user_id = 0;
            r->authors[r->nauthors].login = kb_strdup(e.author.login);
            r->authors[r->nauthors].name =
                kb_strdup(e.author.display_name[0] ? e.author.display_name : e.author.login);
            r->nauthors++;
        } else if (k == KB_WXR_ITEM && !strcmp(e.item.post_type, "attachment") && e.item.post_id &&
                   e.item.attachment_url[0]) {
            if (r->nmedia == r->capmedia) {
                r->capmedia = r->capmedia ? r->capmedia * 2 : 64;
                r->media = kb_realloc(r->media, r->capmedia * sizeof(*r->media));
            }
            struct media *m = &r->media[r->nmedia++];
            *m = (struct media){0};
            m->id = e.item.post_id;
            m->src = kb_strdup(e.item.attachment_url);
            m->alt = e.item.image_alt[0] ? kb_strdup(e.item.image_alt) : NULL;
            m->caption = e.item.excerpt[0] ? kb_strdup(e.item.excerpt) : NULL;
        }
    }
    if (k < 0)
        return k;
    if (r->media)
        qsort(r->media, r->nmedia, sizeof(*r->media), cmp_media);
    if (r->authors)
        qsort(r->authors, r->nauthors, sizeof(*r->authors), cmp_author);
    return 0;
}

static const struct media *find_media(struct run *r, int64_t id)
{
    struct media key = {.id = id};
    return id && r->media ? bsearch(&key, r->media, r->nmedia, sizeof(key), cmp_media) : NULL;
}

static struct author *find_author_entry(struct run *r, const char *login)
{
    struct author key = {.login = (char *)login};
    return r->authors ? bsearch(&key, r->authors, r->nauthors, sizeof(key), cmp_author) : NULL;
}

static const char *find_author(struct run *r, const char *login)
{
    const struct author *a = find_author_entry(r, login);
    return a ? a->name : login;
}

/* ---- authors as newsroom users ----------------------------------------------------- */

/* The user id of WXR author `login`: the newsroom user of that name, created with role
 * author and no password (an empty hash, which no password verifies: they sign in once an
 * admin sets one with `khabar user passwd`).  An export that declares its authors
 * (wp:author, WXR 1.1+) names the only ones made users; a WXR 1.0 export declares none and
 * its dc:creator logins are used.  *out is -1 when there is no user (warned); returns
 * nonzero with *d on a database error. */
static int user_for(struct run *r, const char *login, unsigned long line, int64_t *out,
                    struct kb_diag *d)
{
    struct author *a = find_author_entry(r, login);
    if (!a) {
        for (size_t i = 0; i < r->nextra && !a; i++)
            if (strcmp(r->extra[i].login, login) == 0)
                a = &r->extra[i];
        if (!a && r->nauthors) { /* the export declares its authors: this one is not */
            warn(r, "author not declared in the export: byline only", line);
            *out = -1;
            return 0;
        }
        if (!a) {
            r->extra = kb_realloc(r->extra, (r->nextra + 1) * sizeof(*r->extra));
            a = &r->extra[r->nextra++];
            *a = (struct author){.login = kb_strdup(login), .name = NULL};
        }
    }
    if (a->user_id) {
        *out = a->user_id;
        return 0;
    }
    struct kb_diag why;
    kb_diag_clear(&why);
    if (kb_user_name_check(login, &why) != 0) {
        warn(r, "author login not usable as a user name: byline only", line);
        *out = a->user_id = -1;
        return 0;
    }
    struct kb_user u = {0};
    int rc = kb_store_user_get(r->s, login, 0, &u, &why);
    if (rc == 0) {
        a->user_id = u.id;
    } else if (rc == KB_ENOTFOUND) {
        rc =
            kb_store_user_add(r->s, login, KB_ROLE_AUTHOR, "", (int64_t)time(NULL), &a->user_id, d);
        if (rc == 0)
            r->rep->users_created++;
    } else {
        *d = why;
    }
    kb_user_release(&u);
    if (rc)
        return rc;
    *out = a->user_id;
    return 0;
}

/* ---- media files ------------------------------------------------------------------- */

/* The part of an uploads URL after "/wp-content/uploads/" ("2020/05/x.jpg"), or NULL. */
static const char *uploads_rel(const char *url)
{
    const char *p = strstr(url, "/wp-content/uploads/");
    if (!p)
        return NULL;
    p += strlen("/wp-content/uploads/");
    return *p ? p : NULL;
}

/* A relative path safe to join under a directory: no "..", no empty or hidden segment. */
static bool rel_safe(const char *rel)
{
    if (!*rel || *rel == '/' || strchr(rel, '\\') || strpbrk(rel, "?#"))
        return false;
    for (const char *seg = rel; *seg;) {
        size_t n = strcspn(seg, "/");
        if (n == 0 || seg[0] == '.')
            return false;
        seg += n;
        if (*seg == '/')
            seg++;
    }
    return true;
}

static const char *image_ext(const char *rel)
{
    static const char *const ok[] = {"jpg", "jpeg", "png", "gif", "webp", "avif"};
    const char *dot = strrchr(rel, '.');
    if (!dot || strchr(dot, '/'))
        return NULL;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (strcasecmp(dot + 1, ok[i]) == 0)
            return ok[i];
    return NULL;
}

/* Read a regular file of at most MEDIA_FILE_MAX bytes that really lies under `root` (a
 * symbolic link in a copied uploads folder must not publish /etc/shadow as a photo).  0, or
 * -1 (missing), -2 (too big, not a regular file, or outside root). */
static int slurp(const char *root, const char *path, char **out, size_t *len)
{
    char real_root[PATH_MAX], real[PATH_MAX];
    if (!realpath(path, real))
        return -1;
    size_t rn = realpath(root, real_root) ? strlen(real_root) : 0;
    if (!rn || strncmp(real, real_root, rn) != 0 || (real[rn] != '/' && real_root[rn - 1] != '/'))
        return -2;
    int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MEDIA_FILE_MAX) {
        close(fd);
        return -2;
    }
    size_t n = (size_t)st.st_size, got = 0;
    char *b = kb_malloc(n ? n : 1);
    while (got < n) {
        ssize_t k = read(fd, b + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    if (got != n) {
        free(b);
        return -2;
    }
    *out = b;
    *len = n;
    return 0;
}

/* Write `n` bytes to `path` through a temporary file and a rename (never half a file). */
static bool write_atomic(const char *path, const char *p, size_t n)
{
    char tmp[4400];
    snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    size_t done = 0;
    while (done < n) {
        ssize_t k = write(fd, p + done, n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    bool ok = done == n && close(fd) == 0;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return false;
    }
    return true;
}

/* A photo the media library takes (JPEG, PNG or WebP with a sound header, within the
 * upload limits, decodable): through kb_media_import, as if uploaded — the original and
 * its page and social variants in opts->media_store, a media row in the import's
 * transaction (so the media API and export jsonl list it) with the attachment's alt and
 * caption — and m->local is its "/media/<sha256>.<ext>".  A dry run only reads the
 * header.  False (nothing written) for anything else, which media_local then copies as it
 * is, warned. */
static bool media_library(struct run *r, struct media *m, const char *data, size_t len,
                          unsigned long line)
{
    struct kb_imagehead h;
    struct kb_diag d;
    kb_diag_clear(&d);
    if (kb_imagehead_read(data, len, &h, &d) != 0) {
        warn(r, "media file not a JPEG, PNG or WebP: copied, no media row", line);
        return false;
    }
    struct kb_media_rec rec = {0};
    bool created = false;
    struct kb_buf src;
    kb_buf_init(&src, 256);
    if (r->opts->dry_run) {
        char hex[KB_SHA256_HEX];
        kb_secret_hash(data, len, hex);
        kb_buf_adds(&src, "/media/");
        kb_media_file_name(&src, hex, h.type, KB_MEDIA_ORIGINAL);
        struct kb_media_rec old = {0};
        created = kb_store_media_get(r->s, 0, hex, &old, NULL) != 0;
        kb_media_rec_release(&old);
    } else {
        struct kb_media_text t = {.alt = m->alt, .caption = m->caption};
        if (kb_media_text_check(&t, NULL) != 0)
            t = (struct kb_media_text){0};
        if (kb_media_import(r->s, r->opts->media_store, data, len, &t, 0, (int64_t)time(NULL), &rec,
                            &created, &d) != 0) {
            warn(r, "media file refused by the media library: copied, no row", line);
            kb_buf_release(&src);
            return false;
        }
        kb_media_rec_src(&src, &rec, KB_MEDIA_ORIGINAL);
        kb_media_rec_release(&rec);
    }
    if (created)
        r->rep->media_copied++;
    m->local = kb_buf_detach(&src, NULL);
    m->state = MEDIA_LOCAL;
    return true;
}

/* Copy the attachment's file from opts->media_dir (DIR/2020/05/x.jpg, else
 * DIR/wp-content/uploads/2020/05/x.jpg; the URL's %XX escapes decoded first, as written
 * second) into opts->media_store/<2 hex>/<sha256>.<ext>, once per attachment.  A dry run
 * reads and hashes but writes nothing.  Missing files are warned and stay remote. */
static void media_local(struct run *r, struct media *m, unsigned long line)
{
    if (m->state != MEDIA_UNTRIED)
        return;
    m->state = MEDIA_REMOTE;
    const char *rel = uploads_rel(m->src);
    const char *ext = rel ? image_ext(rel) : NULL;
    if (!rel || !ext) {
        warn(r, "media not under wp-content/uploads or not an image: kept as a remote URL", line);
        return;
    }
    struct kb_buf dec;
    kb_buf_init(&dec, 4096);
    kb_wxr_percent_decode(&dec, rel);
    const char *rels[2] = {kb_buf_err(&dec) ? rel : kb_buf_cstr(&dec), rel};
    char *data = NULL;
    size_t len = 0;
    int got = -1;
    char path[4200];
    for (int i = 0; i < 2 && got == -1; i++) {
        if (!rel_safe(rels[i]))
            continue;
        static const char *const under[] = {"", "wp-content/uploads/"};
        for (int k = 0; k < 2 && got == -1; k++) {
            snprintf(path, sizeof(path), "%s/%s%s", r->opts->media_dir, under[k], rels[i]);
            got = slurp(r->opts->media_dir, path, &data, &len);
        }
    }
    kb_buf_release(&dec);
    if (got == -1) {
        warn(r, "media file not in --media-dir: kept as a remote URL", line);
        return;
    }
    if (got != 0) {
        warn(r, "media file refused (over 64 MiB, not a file, outside the dir)", line);
        return;
    }
    if (media_library(r, m, data, len, line)) {
        free(data);
        return;
    }
    char hex[KB_SHA256_HEX];
    kb_secret_hash(data, len, hex);
    char dir[4200], dest[4300];
    snprintf(dir, sizeof(dir), "%s/%.2s", r->opts->media_store, hex);
    snprintf(dest, sizeof(dest), "%s/%s.%s", dir, hex, ext);
    bool ok = true, have = false;
    struct stat st;
    have = stat(dest, &st) == 0 && (size_t)st.st_size == len; /* same name, same bytes */
    if (!have && !r->opts->dry_run) {
        (void)mkdir(r->opts->media_store, 0755);
        (void)mkdir(dir, 0755);
        ok = write_atomic(dest, data, len);
    }
    free(data);
    if (!ok) {
        warn(r, "media file could not be written to the media directory: kept remote", line);
        return;
    }
    if (!have)
        r->rep->media_copied++;
    char site[200];
    snprintf(site, sizeof(site), "/media/%.2s/%s.%s", hex, hex, ext);
    m->local = kb_strdup(site);
    m->state = MEDIA_LOCAL;
}

/* ---- sections ---------------------------------------------------------------------- */

/* The store slug of the category (nicename `key`, display name `name`), created when
 * missing.  *created is set when a section was added. */
static int section_for(struct run *r, const char *key, const char *name, char **slug,
                       struct kb_diag *d)
{
    for (size_t i = 0; i < r->nmemo; i++) {
        if (strcmp(r->memo[i].key, key) == 0) {
            *slug = kb_strdup(r->memo[i].slug);
            return 0;
        }
    }
    struct kb_buf dec;
    kb_buf_init(&dec, KB_MAX_SECTION_SLUG * 4);
    kb_wxr_percent_decode(&dec, key);
    struct kb_section sec = {0};
    int rc = KB_ENOTFOUND;
    if (dec.n && !kb_buf_err(&dec))
        rc = kb_store_section_get(r->s, kb_buf_cstr(&dec), &sec, d);
    if (rc == KB_ENOTFOUND) {
        struct kb_section want = {.slug = (char *)kb_buf_cstr(&dec),
                                  .name = (char *)(name && *name ? name : kb_buf_cstr(&dec)),
                                  .position = 1000};
        struct kb_diag why;
        kb_diag_clear(&why);
        if (dec.n && !kb_buf_err(&dec) && kb_section_validate(&want, &why) == 0) {
            rc = kb_store_section_put(r->s, &want, &why);
            if (rc == 0) {
                kb_set_str(&sec.slug, want.slug);
                r->rep->sections_created++;
            } else if (rc == KB_EEXISTS) { /* the name belongs to another section: use it */
                rc = kb_store_section_get(r->s, want.name, &sec, d);
            }
        }
        if (rc == KB_ENOTFOUND || rc == KB_EINVAL) {
            struct kb_section probe = {0};
            const char *nm = name && *name ? name : "غير مصنف";
            bool existed = kb_store_section_get(r->s, nm, &probe, NULL) == 0;
            kb_section_release(&probe);
            rc = kb_store_section_ensure(r->s, nm, &sec, d);
            if (rc == 0 && !existed)
                r->rep->sections_created++;
        }
    }
    kb_buf_release(&dec);
    if (rc == 0) {
        if (r->nmemo < SECTION_MEMO) {
            r->memo[r->nmemo].key = kb_strdup(key);
            r->memo[r->nmemo].slug = kb_strdup(sec.slug);
            r->nmemo++;
        }
        *slug = kb_strdup(sec.slug);
    }
    kb_section_release(&sec);
    return rc;
}

/* ---- pass two ---------------------------------------------------------------------- */

static bool same_str(const char *x, const char *y)
{
    if (!x || !*x)
        return !y || !*y;
    return y && strcmp(x, y) == 0;
}

static bool same_content(const struct kb_article *a, const struct kb_article *old)
{
    if (a->status != old->status || a->published != old->published ||
        a->published_offset != old->published_offset || a->ntags != old->ntags)
        return false;
    const char *const pairs[][2] = {
        {a->section.slug, old->section.slug},
        {a->headline, old->headline},
        {a->lede, old->lede},
        {a->byline, old->byline},
        {a->source, old->source},
        {a->image.src, old->image.src},
        {a->image.alt, old->image.alt},
        {a->image.caption, old->image.caption},
        {a->body_html, old->body_html},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
        if (!same_str(pairs[i][0], pairs[i][1]))
            return false;
    for (size_t i = 0; i < a->ntags; i++) { /* as sets: the store may order them */
        bool found = false;
        for (size_t k = 0; k < old->ntags && !found; k++)
            found = same_str(a->tags[i], old->tags[k]);
        if (!found)
            return false;
    }
    return true;
}

static void image_clear(struct kb_image *im)
{
    free(im->src);
    free(im->alt);
    free(im->caption);
    free(im->credit);
    free(im->copyright);
    memset(im, 0, sizeof(*im));
}

/* Write one article.  Returns 0, a validation error (the item is skipped), or a fatal one. */
static int write_article(struct run *r, struct kb_article *a, struct kb_diag *d)
{
    int64_t existing = 0;
    bool created = true;
    int rc;
    if (a->external_id) {
        rc = kb_store_article_find_external(r->s, a->external_id, &existing, d);
        if (rc && rc != KB_ENOTFOUND)
            return rc;
        created = rc == KB_ENOTFOUND;
        kb_diag_clear(d);
    }
    if (!created) {
        struct kb_article old;
        kb_article_init(&old);
        rc = kb_store_article_get(r->s, existing, &old, d);
        if (rc) {
            kb_article_release(&old);
            return rc;
        }
        /* the address readers know stays: the stored slug is kept */
        kb_set_str(&a->slug, old.slug);
        if (!a->language)
            kb_set_str(&a->language, old.language);
        bool same = same_content(a, &old);
        kb_article_release(&old);
        a->id = existing;
        if (same) {
            r->rep->unchanged++;
            return 0;
        }
    }
    rc = kb_store_article_put(r->s, a, d);
    if (rc)
        return rc;
    if (created)
        r->rep->created++;
    else
        r->rep->updated++;
    return 0;
}

static void warn_notes(struct run *r, unsigned notes, unsigned long line)
{
    if (notes & KB_WXR_NOTE_NO_GMT)
        warn(r, "no post_date_gmt: post_date taken as UTC", line);
    if (notes & KB_WXR_NOTE_UNTITLED)
        warn(r, "no title: imported as \"بلا عنوان\"", line);
    if (notes & KB_WXR_NOTE_CUT)
        warn(r, "lede, tags or image text cut to their limits", line);
    if (notes & KB_WXR_NOTE_NO_DATE)
        warn(r, "published without any date: imported as a draft", line);
    if (notes & KB_WXR_NOTE_SLUG)
        warn(r, "post_name not usable as a slug: made from the title", line);
}

struct sc_ctx {
    struct run *r;
    unsigned long line;
};

static void shortcode_seen(void *ctx, const char *name, enum kb_wxr_sc what)
{
    struct sc_ctx *c = ctx;
    char reason[64];
    if (what == KB_WXR_SC_DROPPED)
        snprintf(reason, sizeof(reason), "shortcode [%.24s] removed", name);
    else if (what == KB_WXR_SC_UNKNOWN)
        snprintf(reason, sizeof(reason), "shortcode [%.24s] unknown: left as text", name);
    else
        return; /* [caption]: made a figure */
    warn(c->r, reason, c->line);
}

/* What follows a written (or unchanged) article: its old address, its author. */
static int after_write(struct run *r, const struct kb_wxr_item *it, const struct kb_article *a,
                       unsigned long line, struct kb_diag *d)
{
    if (!a->id)
        return 0;
    struct kb_buf path;
    kb_buf_init(&path, KB_REDIRECT_MAX_PATH + 1);
    int rc = 0;
    if (it->link[0] && kb_redirect_path(it->link, &path, NULL) == 0) {
        rc = kb_store_redirect_put(r->s, kb_buf_cstr(&path), a->id, d);
        if (rc == 0)
            r->rep->redirects++;
    } else if (it->link[0]) {
        warn(r, "link has no path to redirect: no redirect", line);
    }
    /* WordPress answers "/?p=<post id>" (pages "/?page_id=<id>") whatever the permalinks:
     * links written that way, and the shortlinks, follow the article too. */
    char idlink[48];
    snprintf(idlink, sizeof(idlink), "/?%s=%lld",
             strcmp(it->post_type, "page") == 0 ? "page_id" : "p", (long long)it->post_id);
    struct kb_buf idpath;
    kb_buf_init(&idpath, sizeof(idlink));
    if (rc == 0 && it->post_id > 0 && kb_redirect_path(idlink, &idpath, NULL) == 0 &&
        strcmp(kb_buf_cstr(&idpath), kb_buf_cstr(&path)) != 0) {
        rc = kb_store_redirect_put(r->s, kb_buf_cstr(&idpath), a->id, d);
        if (rc == 0)
            r->rep->redirects++;
    }
    kb_buf_release(&idpath);
    kb_buf_release(&path);
    if (rc || r->opts->authors != KB_AUTHORS_USERS || !it->creator[0])
        return rc;
    int64_t uid = 0;
    rc = user_for(r, it->creator, line, &uid, d);
    if (rc || uid <= 0)
        return rc;
    struct kb_article_meta meta;
    rc = kb_store_article_meta(r->s, a->id, &meta, d);
    if (rc == 0 && meta.author_id != uid)
        rc = kb_store_article_set_author(r->s, a->id, uid, d);
    return rc;
}

static int one_item(struct run *r, const struct kb_wxr_entry *e, const struct kb_import_opts *opts,
                    struct kb_diag *d)
{
    const struct kb_wxr_item *it = &e->item;
    bool page = !strcmp(it->post_type, "page");
    if (!page && strcmp(it->post_type, "post") != 0) {
        char reason[64];
        if (!strcmp(it->post_type, "attachment"))
            snprintf(reason, sizeof(reason), "attachment (its URL serves featured images)");
        else
            snprintf(reason, sizeof(reason), "post type %.40s", it->post_type);
        skipped(r, reason, e->line);
        return 0;
    }
    struct media *m = (struct media *)find_media(r, it->thumbnail_id);
    struct kb_wxr_media img = {0};
    if (m && r->opts->media_dir && r->opts->media_store)
        media_local(r, m, e->line);
    if (m) {
        img.src = m->state == MEDIA_LOCAL ? m->local : m->src;
        img.alt = m->alt;
        img.caption = m->caption;
    }
    struct kb_article a;
    kb_article_init(&a);
    unsigned notes = 0;
    struct kb_diag why;
    kb_diag_clear(&why);
    const char *byline = it->creator[0] ? find_author(r, it->creator) : NULL;
    int rc = kb_wxr_item_article(it, byline, m ? &img : NULL, &a, &notes, &why);
    if (rc) {
        skipped(r, why.msg[0] ? why.msg : "not imported", e->line);
        kb_article_release(&a);
        return 0;
    }
    if (it->thumbnail_id && !m)
        warn(r, "featured image not in the file", e->line);
    if (a.external_id && key_seen(r, a.external_id)) {
        skipped(r, "same link as an earlier item", e->line);
        kb_article_release(&a);
        return 0;
    }
    char *slug = NULL;
    if (page)
        rc = section_for(r, "pages", "صفحات", &slug, d);
    else if (it->ncats)
        rc = section_for(r, it->cats[0].slug[0] ? it->cats[0].slug : it->cats[0].name,
                         it->cats[0].name, &slug, d);
    else
        rc = section_for(r, "uncategorized", "غير مصنف", &slug, d);
    if (rc) {
        kb_article_release(&a);
        return rc;
    }
    kb_set_str(&a.section.slug, slug);
    free(slug);
    rc = write_article(r, &a, &why);
    if ((rc == KB_EINVAL || rc == KB_ETOOBIG) && !strncmp(why.field, "image", 5)) {
        /* a featured image the model refuses (a URL with spaces...): the post without it */
        warn(r, "featured image refused: imported without it", e->line);
        image_clear(&a.image);
        kb_diag_clear(&why);
        rc = write_article(r, &a, &why);
    }
    if ((rc == KB_EINVAL || rc == KB_ETOOBIG) && !strcmp(why.field, "slug") && a.id == 0) {
        warn(r, "post_name not usable as a slug: made from the title", e->line);
        kb_set_str(&a.slug, NULL);
        kb_diag_clear(&why);
        rc = write_article(r, &a, &why);
    }
    if (rc == KB_EINVAL || rc == KB_ETOOBIG) {
        char reason[64];
        snprintf(reason, sizeof(reason), "bad %.56s", why.field[0] ? why.field : "article");
        skipped(r, reason, e->line);
        rc = 0;
    } else if (rc) {
        *d = why;
        d->line = e->line;
    } else {
        warn_notes(r, notes, e->line);
        kb_wxr_shortcodes(it->content, shortcode_seen, &(struct sc_ctx){r, e->line});
        rc = after_write(r, it, &a, e->line, d);
        if (rc == 0 && opts->on_article)
            opts->on_article(opts->on_article_ctx, "", &a, true, 0);
    }
    kb_article_release(&a);
    return rc;
}

/* The category tree, once every category is a section (a child may come before its parent
 * in a hand-made file).  A parent not declared in the file, or a cycle, is warned and the
 * section stays at the top. */
static int nest_sections(struct run *r, struct kb_diag *d)
{
    for (size_t i = 0; i < r->nnests; i++) {
        const struct nest *n = &r->nests[i];
        const char *child = NULL, *parent = NULL;
        for (size_t k = 0; k < r->nmemo; k++) {
            if (!strcmp(r->memo[k].key, n->key))
                child = r->memo[k].slug;
            if (!strcmp(r->memo[k].key, n->parent))
                parent = r->memo[k].slug;
        }
        if (!child)
            continue;
        if (!parent) {
            warn(r, "category parent not declared in the file: kept at the top", n->line);
            continue;
        }
        struct kb_section before = {0};
        int rc = kb_store_section_get(r->s, child, &before, d);
        bool same = rc == 0 && before.parent && !strcmp(before.parent, parent);
        kb_section_release(&before);
        if (rc)
            return rc;
        struct kb_diag why;
        kb_diag_clear(&why);
        rc = kb_store_section_set_parent(r->s, child, parent, &why);
        if (rc == KB_EINVAL || rc == KB_ENOTFOUND) {
            warn(r, "category parent refused (a cycle, or too deep): kept at the top", n->line);
        } else if (rc) {
            *d = why;
            return rc;
        } else if (!same) {
            r->rep->sections_nested++;
        }
    }
    return 0;
}

static int write_pass(struct run *r, struct kb_wxr_reader *rd, const struct kb_import_opts *opts,
                      struct kb_diag *d)
{
    struct kb_wxr_entry e;
    int k;
    while ((k = kb_wxr_next(rd, &e, d)) > 0) {
        int rc = 0;
        if (k == KB_WXR_AUTHOR) {
            r->rep->authors++;
            int64_t uid;
            if (opts->authors == KB_AUTHORS_USERS && e.author.login[0])
                rc = user_for(r, e.author.login, e.line, &uid, d);
        } else if (k == KB_WXR_TAG) {
            r->rep->tags++;
        } else if (k == KB_WXR_CATEGORY) {
            r->rep->categories++;
            char *slug = NULL;
            const char *key = e.term.slug[0] ? e.term.slug : e.term.name;
            if (key[0])
                rc = section_for(r, key, e.term.name, &slug, d);
            free(slug);
            if (rc == 0 && key[0] && e.term.parent[0]) {
                if (r->nnests < MAX_NESTED) {
                    r->nests = kb_realloc(r->nests, (r->nnests + 1) * sizeof(*r->nests));
                    r->nests[r->nnests++] =
                        (struct nest){kb_strdup(key), kb_strdup(e.term.parent), e.line};
                } else {
                    warn(r, "more than 4096 nested categories: the rest stay at the top", e.line);
                }
            }
        } else if (k == KB_WXR_ITEM) {
            r->rep->records++;
            rc = one_item(r, &e, opts, d);
            if (opts->progress && r->rep->records % PROGRESS_EVERY == 0)
                opts->progress(opts->progress_ctx, (size_t)kb_wxr_bytes_in(rd),
                               (size_t)kb_wxr_size(rd));
        }
        if (rc)
            return rc;
    }
    if (k == 0)
        k = nest_sections(r, d);
    if (k == 0 && opts->progress)
        opts->progress(opts->progress_ctx, (size_t)kb_wxr_size(rd), (size_t)kb_wxr_size(rd));
    return k;
}

static void run_free(struct run *r)
{
    for (size_t i = 0; i < r->nmedia; i++) {
        free(r->media[i].src);
        free(r->media[i].alt);
        free(r->media[i].caption);
        free(r->media[i].local);
    }
    free(r->media);
    for (size_t i = 0; i < r->nauthors; i++) {
        free(r->authors[i].login);
        free(r->authors[i].name);
    }
    free(r->authors);
    for (size_t i = 0; i < r->nmemo; i++) {
        free(r->memo[i].key);
        free(r->memo[i].slug);
    }
    free(r->keys);
    for (size_t i = 0; i < r->nnests; i++) {
        free(r->nests[i].key);
        free(r->nests[i].parent);
    }
    free(r->nests);
    for (size_t i = 0; i < r->nextra; i++)
        free(r->extra[i].login);
    free(r->extra);
}

int kb_engine_import_wxr(struct kb_store *s, const char *path, const struct kb_import_opts *opts,
                         struct kb_import_report *report, struct kb_diag *d)
{
    static const struct kb_import_opts none = {0};
    if (!opts)
        opts = &none;
    struct kb_diag tmp;
    if (!d)
        d = &tmp;
    kb_diag_clear(d);
    struct kb_import_report rep = {0};
    struct run r = {.s = s, .rep = &rep, .opts = opts};
    struct kb_wxr_reader *rd = NULL;
    int rc = kb_wxr_open(path, &rd, d);
    if (rc == 0)
        rc = collect(&r, rd, d);
    if (rc == 0)
        rc = kb_wxr_rewind(rd, d);
    if (rc == 0) {
        rc = kb_store_begin(s, d);
        if (rc == 0) {
            rc = write_pass(&r, rd, opts, d);
            if (rc == 0 && !opts->dry_run)
                rc = kb_store_commit(s, d);
            if (rc || opts->dry_run)
                kb_store_rollback(s);
        }
    }
    if (rc) { /* nothing was written: the counts say what was read, not what went in */
        rep.created = rep.updated = rep.unchanged = 0;
        rep.sections_created = rep.sections_nested = rep.users_created = rep.redirects = 0;
    }
    if (rc == 0 && !opts->dry_run && !opts->no_related && rep.created + rep.updated > 0) {
        /* Related lists and duplicate marks (related.h); a failure leaves them stale for
         * the next refresh, the import stands. */
        struct kb_diag rdg;
        kb_diag_clear(&rdg);
        if (kb_engine_related_refresh(s, NULL, &rdg) != 0 ||
            kb_store_related_dup_pairs(s, rep.duplicate_pairs, 5, &rep.nduplicate_pairs,
                                       &rep.duplicates, &rdg) != 0) {
            /* stale until `khabar reindex` */
        }
    }
    kb_wxr_close(rd);
    run_free(&r);
    if (report)
        *report = rep;
    return rc;
}
