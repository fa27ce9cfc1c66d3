/*
 * redirects.c — old addresses of imported articles (store.h, "redirects"; migration 6).
 *
 * A site moved to khabar keeps the links the web already has: an importer that knows an
 * article's old URL (WordPress's <link>) records its path here, and the server answers a
 * request for that path, when no page matches it, with a 301 to the article's current
 * address.  The current address is computed when asked (section slug + article slug), so a
 * moved or renamed article is followed, and only a live article is redirected to.
 *
 * Invariants: paths are stored in one canonical form (kb_redirect_path: the path only,
 * percent-decoded to UTF-8, no trailing '/'), so "/2020/05/%D8%B3%D9%84%D8%A7%D9%85/",
 * "/2020/05/%d8%b3%d9%84%d8%a7%d9%85" and the raw UTF-8 bytes all find the same row; a
 * path names one article (the last import wins); "/" is never a redirect, but WordPress's
 * "/?p=N" and "/?page_id=N" are (their canonical form keeps that one query parameter).  Statements
 * are prepared per call on the store's own connection, so writes join the caller's
 * transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sqlite3.h>
#include "khabar/store.h"
#include "khabar/utf8.h"
#include "store_int.h"

static int fail(sqlite3 *db, int rc, const char *what, struct kb_diag *d)
{
    return kb_diag_set(d, (rc & 0xff) == SQLITE_IOERR ? KB_EIO : KB_EDB, "", "%s: %s", what,
                       sqlite3_errmsg(db));
}

static int db_of(struct kb_store *s, bool write, sqlite3 **db, struct kb_diag *d)
{
    *db = kb_store_sqlite_db(s);
    if (!*db)
        return kb_diag_set(d, KB_EINVAL, "", "redirects need the SQLite store");
    if (write && s->mode == KB_STORE_READONLY)
        return kb_diag_set(d, KB_EINVAL, "", "the store is read-only");
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* WordPress's address of a post or page by its id: "?p=12" / "?page_id=7" in the query
 * `q` (after '?', up to '#'), as "/?p=12" / "/?page_id=7" (leading zeros dropped); false
 * when the query has neither. */
static bool wp_id_path(const char *q, struct kb_buf *out)
{
    static const char *const keys[] = {"p=", "page_id="};
    size_t qn = strcspn(q, "#");
    for (size_t k = 0; k < 2; k++) {
        size_t kl = strlen(keys[k]);
        for (const char *f = q; f < q + qn; f += strcspn(f, "&;") + 1) {
            if ((size_t)(q + qn - f) <= kl || strncmp(f, keys[k], kl) != 0)
                continue;
            const char *v = f + kl, *e = v;
            while (e < q + qn && *e >= '0' && *e <= '9')
                e++;
            if (e == v || (e < q + qn && *e != '&' && *e != ';'))
                continue;
            while (v + 1 < e && *v == '0')
                v++;
            if (e - v > 18 || (e - v == 1 && *v == '0'))
                continue;
            kb_buf_addf(out, "/?%s%.*s", keys[k], (int)(e - v), v);
            return true;
        }
    }
    return false;
}

int kb_redirect_path(const char *url, struct kb_buf *out, struct kb_diag *d)
{
    const char *p = url ? url : "";
    if (strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0) {
        p = strstr(p, "//") + 2;
        p += strcspn(p, "/?#"); /* the host and port */
        if (*p == '?' && wp_id_path(p + 1, out))
            return 0;
        if (*p != '/')
            return kb_diag_set(d, KB_EINVAL, "url", "no path after the host");
    } else if (*p != '/') {
        return kb_diag_set(d, KB_EINVAL, "url", "not an http(s) URL or a path");
    }
    if (p[1] == '?' && wp_id_path(p + 2, out))
        return 0;
    size_t n = strcspn(p, "?#");
    if (n > KB_REDIRECT_MAX_PATH)
        return kb_diag_set(d, KB_ETOOBIG, "url", "path longer than %d bytes", KB_REDIRECT_MAX_PATH);
    struct kb_buf b;
    kb_buf_init(&b, KB_REDIRECT_MAX_PATH + 1);
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (p[i] == '%' && i + 2 < n && (hi = hexval(p[i + 1])) >= 0 &&
            (lo = hexval(p[i + 2])) >= 0) {
            kb_buf_addch(&b, (char)(hi * 16 + lo));
            i += 2;
        } else {
            kb_buf_addch(&b, p[i]);
        }
    }
    while (b.n > 1 && b.p[b.n - 1] == '/')
        b.p[--b.n] = '\0';
    int rc = 0;
    if (kb_buf_err(&b))
        rc = kb_diag_set(d, KB_ETOOBIG, "url", "path too long");
    else if (!kb_utf8_valid(b.p, b.n))
        rc = kb_diag_set(d, KB_EINVAL, "url", "the path is not UTF-8 once decoded");
    else if (b.n <= 1)
        rc = kb_diag_set(d, KB_EINVAL, "url", "the site's root is never redirected");
    for (size_t i = 0; rc == 0 && i < b.n; i++)
        if ((unsigned char)b.p[i] < 0x20 || b.p[i] == 0x7f)
            rc = kb_diag_set(d, KB_EINVAL, "url", "a control character in the path");
    if (rc == 0)
        kb_buf_add(out, b.p, b.n);
    kb_buf_release(&b);
    return rc;
}

int kb_redirect_own_path(const char *url, const char *base_url, struct kb_buf *out,
                         struct kb_diag *d)
{
    const char *u = url ? url : "";
    if (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0) {
        const char *b = base_url ? base_url : "";
        if (strncasecmp(b, "http://", 7) != 0 && strncasecmp(b, "https://", 8) != 0)
            return kb_diag_set(d, KB_ENOTFOUND, "url", "site.base_url is not set");
        const char *uh = strstr(u, "//") + 2, *bh = strstr(b, "//") + 2;
        size_t un = strcspn(uh, "/?#"), bn = strcspn(bh, "/?#");
        if (un != bn || strncasecmp(uh, bh, un) != 0)
            return kb_diag_set(d, KB_ENOTFOUND, "url", "on another host");
    } else if (u[0] != '/' || u[1] == '/') {
        return kb_diag_set(d, KB_EINVAL, "url", "not an http(s) URL or a path");
    }
    return kb_redirect_path(u, out, d);
}

int kb_store_redirect_put_own(struct kb_store *s, const char *url, const char *base_url,
                              const struct kb_article *a, bool *recorded, struct kb_diag *d)
{
    if (recorded)
        *recorded = false;
    if (!url || !a || !a->id || !a->slug || !a->section.slug)
        return 0;
    bool http = strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
    if (!http && url[0] != '/')
        return 0; /* an external id that is no address ("html:...", a corpus number) */
    char *setting = NULL;
    if (http && !base_url) {
        int rc = kb_store_setting_get(s, "site.base_url", &setting, d);
        if (rc)
            return rc;
        base_url = setting;
    }
    struct kb_buf path, now;
    kb_buf_init(&path, KB_REDIRECT_MAX_PATH + 1);
    kb_buf_init(&now, 4 * KB_REDIRECT_MAX_PATH);
    int rc = 0;
    if (kb_redirect_own_path(url, base_url, &path, NULL) == 0) {
        kb_article_url(&now, a);
        struct kb_buf cur; /* the article's own address is no old one */
        kb_buf_init(&cur, KB_REDIRECT_MAX_PATH + 1);
        bool same = !kb_buf_err(&now) && kb_redirect_path(kb_buf_cstr(&now), &cur, NULL) == 0 &&
                    strcmp(kb_buf_cstr(&cur), kb_buf_cstr(&path)) == 0;
        kb_buf_release(&cur);
        if (!same) {
            rc = kb_store_redirect_put(s, kb_buf_cstr(&path), a->id, d);
            if (rc == 0 && recorded)
                *recorded = true;
        }
    }
    kb_buf_release(&path);
    kb_buf_release(&now);
    free(setting);
    return rc;
}

int kb_store_redirect_put(struct kb_store *s, const char *path, int64_t article_id,
                          struct kb_diag *d)
{
    sqlite3 *db;
    int rc = db_of(s, true, &db, d);
    if (rc)
        return rc;
    if (!path || path[0] != '/' || !path[1] || strlen(path) > KB_REDIRECT_MAX_PATH)
        return kb_diag_set(d, KB_EINVAL, "url", "not a canonical path (kb_redirect_path)");
    sqlite3_stmt *st;
    int src =
        sqlite3_prepare_v2(db,
                           "INSERT INTO redirects (path, article_id) VALUES (?1, ?2) "
                           "ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id "
                           "WHERE article_id <> excluded.article_id",
                           -1, &st, NULL);
    if (src != SQLITE_OK)
        return fail(db, src, "preparing a statement", d);
    sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, article_id);
    src = sqlite3_step(st);
    sqlite3_finalize(st);
    if ((src & 0xff) == SQLITE_CONSTRAINT)
        return kb_diag_set(d, KB_ENOTFOUND, "article", "no article %lld", (long long)article_id);
    if (src != SQLITE_DONE)
        return fail(db, src, "recording an old address", d);
    return 0;
}

int kb_store_redirect_find(struct kb_store *s, const char *path, int64_t now,
                           struct kb_buf *location, struct kb_diag *d)
{
    sqlite3 *db;
    int rc = db_of(s, false, &db, d);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(db,
                                 "SELECT s.slug, a.slug FROM redirects r "
                                 "JOIN articles a ON a.id = r.article_id "
                                 "JOIN sections s ON s.id = a.section_id "
                                 "WHERE r.path = ?1 AND a.status = 'published' "
                                 "AND a.published <= ?2 AND a.deleted_at IS NULL",
                                 -1, &st, NULL);
    if (src != SQLITE_OK)
        return fail(db, src, "preparing a statement", d);
    sqlite3_bind_text(st, 1, path ? path : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        struct kb_article a = {
            .section.slug = (char *)sqlite3_column_text(st, 0),
            .slug = (char *)sqlite3_column_text(st, 1),
        };
        kb_article_url(location, &a);
        rc = 0;
    } else if (src == SQLITE_DONE) {
        rc = kb_diag_set(d, KB_ENOTFOUND, "url", "no article was at '%.100s'", path ? path : "");
    } else {
        rc = fail(db, src, "reading an old address", d);
    }
    sqlite3_finalize(st);
    return rc;
}

int kb_store_redirect_count(struct kb_store *s, int64_t article_id, size_t *out, struct kb_diag *d)
{
    sqlite3 *db;
    int rc = db_of(s, false, &db, d);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(
        db, "SELECT count(*) FROM redirects WHERE ?1 = 0 OR article_id = ?1", -1, &st, NULL);
    if (src != SQLITE_OK)
        return fail(db, src, "preparing a statement", d);
    sqlite3_bind_int64(st, 1, article_id);
    src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *out = (size_t)sqlite3_column_int64(st, 0);
    else
        rc = fail(db, src, "counting old addresses", d);
    sqlite3_finalize(st);
    return rc;
}
