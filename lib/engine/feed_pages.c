/*
 * feed_pages.c — the use-cases behind /feed.xml, /atom.xml, /feed.json (site-wide and per
 * section, and /tag/<tag>/feed.xml, ...), /sitemap.xml and its parts, /news-sitemap.xml and
 * /robots.txt.
 *
 * Invariants: only live articles are listed (the store's live_only); every response is
 * complete or the call failed (a body past its cap is an error, never a cut feed); `out`
 * is written only on success.  The one I/O besides the store is stat(2) of /media images
 * for their enclosure length, confined to media_dir (no "..", no hidden names).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "khabar/feed_pages.h"

/* Hand a finished buffer to `out`, or fail on its sticky error (as pages.c's finish). */
static int finish(struct kb_page *out, int status, const char *type, struct kb_buf *body,
                  int64_t last_modified, struct kb_diag *d)
{
    if (kb_buf_err(body)) {
        int rc = kb_buf_err(body);
        size_t max = body->max;
        kb_buf_release(body);
        return kb_diag_set(d, rc, NULL, "response larger than %zu bytes", max);
    }
    kb_buf_release(&out->body);
    free(out->location);
    out->location = NULL;
    out->body = *body;
    out->status = status;
    out->content_type = type;
    out->last_modified = last_modified;
    return 0;
}

static int64_t max_updated(int64_t m, const struct kb_article *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].updated > m)
            m = v[i].updated;
        if (v[i].published > m)
            m = v[i].published;
    }
    return m;
}

/* ---- settings ---------------------------------------------------------------------- */

int kb_feed_conf_load(struct kb_store *s, struct kb_feed_conf *out, struct kb_diag *d)
{
    char *items = NULL, *full = NULL;
    int rc = kb_store_setting_get(s, "feed.items", &items, d);
    if (rc == 0)
        rc = kb_store_setting_get(s, "feed.full_content", &full, d);
    if (rc == 0) {
        long v = -1;
        if (items && *items && strlen(items) <= 3) {
            char *end;
            v = strtol(items, &end, 10);
            if (*end)
                v = -1;
        }
        out->items = v >= 1 && v <= KB_FEED_MAX_ITEMS ? (int)v : KB_FEED_DEFAULT_ITEMS;
        out->full_content = !(full && strcmp(full, "0") == 0);
    }
    free(items);
    free(full);
    return rc;
}

/* ---- feeds ------------------------------------------------------------------------- */

/* The size of the file behind a /media/... src, or -1. */
static int64_t media_length(const char *media_dir, const char *src)
{
    if (!media_dir || !src || strncmp(src, "/media/", 7) != 0)
        return -1;
    const char *rel = src + 7;
    /* Only plain relative names: no query, no "..", no hidden or empty segments. */
    if (!*rel || strpbrk(rel, "?#%\\") || strstr(rel, "//"))
        return -1;
    for (const char *seg = rel; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL)
        if (seg[0] == '.' || seg[0] == '/' || seg[0] == '\0')
            return -1;
    struct kb_buf path;
    kb_buf_init(&path, 8192);
    kb_buf_adds(&path, media_dir);
    kb_buf_addch(&path, '/');
    kb_buf_adds(&path, rel);
    struct stat st;
    int64_t len = -1;
    if (!kb_buf_err(&path) && stat(kb_buf_cstr(&path), &st) == 0 && S_ISREG(st.st_mode))
        len = (int64_t)st.st_size;
    kb_buf_release(&path);
    return len;
}

/* The feed of the site, a section (sec) or a tag: 404 for a tag no live article carries. */
static int feed(struct kb_store *s, const struct kb_site *site, enum kb_feed_format fmt,
                const struct kb_section *sec, const char *tag, const char *media_dir, int64_t now,
                struct kb_page *out, struct kb_diag *d)
{
    struct kb_feed_conf conf;
    int rc = kb_feed_conf_load(s, &conf, d);
    if (rc)
        return rc;
    struct kb_article_query q = {
        .section_slug = sec ? sec->slug : NULL,
        .tag = tag,
        .live_only = true,
        .now = now,
        .limit = (size_t)conf.items,
        .fields = conf.full_content ? KB_FIELDS_FULL : KB_FIELDS_SUMMARY,
    };
    struct kb_article *items = NULL;
    size_t n = 0;
    rc = kb_store_article_list(s, &q, &items, &n, NULL, d);
    if (rc)
        return rc;
    if (tag && n == 0) { /* as the tag page: no live article carries it */
        kb_pages_not_found(site, NULL, out);
        return 0;
    }
    struct kb_feed_media *media = n ? kb_calloc(n, sizeof(*media)) : NULL;
    for (size_t i = 0; i < n; i++) {
        media[i].type = kb_feed_image_type(items[i].image.src);
        media[i].length = media_length(media_dir, items[i].image.src);
    }
    struct kb_feed f = {
        .site = site,
        .section = sec,
        .tag = tag,
        .items = items,
        .n = n,
        .media = media,
        .full_content = conf.full_content,
        .now = now,
    };
    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    const char *type = KB_CT_RSS;
    switch (fmt) {
    case KB_FEED_RSS:
        kb_feed_rss(&b, &f);
        break;
    case KB_FEED_ATOM:
        kb_feed_atom(&b, &f);
        type = KB_CT_ATOM;
        break;
    case KB_FEED_JSON:
        kb_feed_json(&b, &f);
        type = KB_CT_JSONFEED;
        break;
    }
    int64_t lm = max_updated(0, items, n);
    free(media);
    kb_articles_free(items, n);
    return finish(out, 200, type, &b, lm, d);
}

int kb_pages_feed(struct kb_store *s, const struct kb_site *site, enum kb_feed_format fmt,
                  const char *section_slug, const char *media_dir, int64_t now, struct kb_page *out,
                  struct kb_diag *d)
{
    const struct kb_section *sec = NULL;
    if (section_slug) {
        sec = kb_site_section(site, section_slug);
        if (!sec) {
            kb_pages_not_found(site, NULL, out);
            return 0;
        }
    }
    return feed(s, site, fmt, sec, NULL, media_dir, now, out, d);
}

int kb_pages_tag_feed(struct kb_store *s, const struct kb_site *site, enum kb_feed_format fmt,
                      const char *tag, const char *media_dir, int64_t now, struct kb_page *out,
                      struct kb_diag *d)
{
    if (!tag || !*tag || strlen(tag) > KB_MAX_TAG) {
        kb_pages_not_found(site, NULL, out);
        return 0;
    }
    return feed(s, site, fmt, NULL, tag, media_dir, now, out, d);
}

/* ---- sitemaps ---------------------------------------------------------------------- */

/* Live articles in `section_slug` (NULL: all): their number, and the newest change among
 * the first page of them (what the list page shows). */
static int list_stats(struct kb_store *s, const struct kb_site *site, const char *section_slug,
                      int64_t now, size_t *total, int64_t *lastmod, struct kb_diag *d)
{
    struct kb_article_query q = {
        .section_slug = section_slug,
        .live_only = true,
        .now = now,
        .limit = site->page_size > 0 ? (size_t)site->page_size : 20,
        .fields = KB_FIELDS_SUMMARY,
    };
    struct kb_article *v = NULL;
    size_t n = 0;
    int rc = kb_store_article_list(s, &q, &v, &n, total, d);
    if (rc)
        return rc;
    *lastmod = max_updated(0, v, n);
    kb_articles_free(v, n);
    return 0;
}

static size_t files_for(size_t urls, size_t per)
{
    return urls ? (urls + per - 1) / per : 1;
}

int kb_pages_sitemap_index(struct kb_store *s, const struct kb_site *site, size_t per_file,
                           int64_t now, struct kb_page *out, struct kb_diag *d)
{
    size_t per = per_file ? per_file : KB_SITEMAP_MAX_URLS;
    size_t total = 0;
    int64_t lm = 0;
    int rc = list_stats(s, site, NULL, now, &total, &lm, d);
    if (rc)
        return rc;
    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    kb_sitemap_index(&b, site, files_for(1 + site->nsections + total, per), 0);
    return finish(out, 200, KB_CT_XML, &b, lm, d);
}

/* The modification time of an article as a sitemap gives it, with its offset. */
static int64_t modified_of(const struct kb_article *a, int *off)
{
    if (a->updated > a->published) {
        *off = a->updated_offset;
        return a->updated;
    }
    *off = a->published_offset;
    return a->published;
}

int kb_pages_sitemap(struct kb_store *s, const struct kb_site *site, size_t n, size_t per_file,
                     int64_t now, struct kb_page *out, struct kb_diag *d)
{
    size_t per = per_file ? per_file : KB_SITEMAP_MAX_URLS;
    size_t total = 0;
    int64_t home_lm = 0;
    int rc = list_stats(s, site, NULL, now, &total, &home_lm, d);
    if (rc)
        return rc;
    size_t fixed = 1 + site->nsections; /* home and sections come first */
    size_t urls = fixed + total;
    if (n < 1 || n > files_for(urls, per)) {
        kb_pages_not_found(site, NULL, out);
        return 0;
    }
    size_t start = (n - 1) * per, end = start + per < urls ? start + per : urls;

    struct kb_buf b, path;
    kb_buf_init(&b, KB_SITEMAP_MAX_BODY);
    kb_buf_init(&path, 8192);
    kb_sitemap_begin(&b);
    int64_t lm = 0;
    for (size_t i = start; i < end && i < fixed; i++) {
        int64_t t = home_lm;
        kb_buf_reset(&path);
        if (i == 0) {
            kb_buf_addch(&path, '/');
        } else {
            const struct kb_section *sec = &site->sections[i - 1];
            size_t cnt;
            rc = list_stats(s, site, sec->slug, now, &cnt, &t, d);
            if (rc)
                break;
            kb_buf_addch(&path, '/');
            kb_buf_add_urlpath(&path, sec->slug, strlen(sec->slug));
            kb_buf_addch(&path, '/');
        }
        kb_sitemap_url(&b, site, kb_buf_cstr(&path), t, 0);
        if (t > lm)
            lm = t;
    }
    /* Then articles [from, to) in the store's newest-first order, a page at a time. */
    size_t from = start > fixed ? start - fixed : 0;
    size_t to = end > fixed ? end - fixed : 0;
    while (rc == 0 && from < to) {
        size_t want = to - from < KB_STORE_MAX_LIMIT ? to - from : KB_STORE_MAX_LIMIT;
        struct kb_article_query q = {
            .live_only = true,
            .now = now,
            .offset = from,
            .limit = want,
            .fields = KB_FIELDS_SUMMARY,
        };
        struct kb_article *v = NULL;
        size_t got = 0;
        rc = kb_store_article_list(s, &q, &v, &got, NULL, d);
        if (rc)
            break;
        for (size_t i = 0; i < got; i++) {
            kb_buf_reset(&path);
            kb_article_url(&path, &v[i]);
            int off;
            int64_t t = modified_of(&v[i], &off);
            kb_sitemap_url(&b, site, kb_buf_cstr(&path), t, off);
            if (t > lm)
                lm = t;
        }
        kb_articles_free(v, got);
        if (got < want)
            break; /* the list shrank since we counted */
        from += got;
    }
    kb_buf_release(&path);
    if (rc) {
        kb_buf_release(&b);
        return rc;
    }
    kb_sitemap_end(&b);
    return finish(out, 200, KB_CT_XML, &b, lm, d);
}

int kb_pages_news_sitemap(struct kb_store *s, const struct kb_site *site, int64_t now,
                          struct kb_page *out, struct kb_diag *d)
{
    struct kb_article_query q = {
        .live_only = true,
        .now = now,
        .limit = KB_NEWS_SITEMAP_MAX,
        .fields = KB_FIELDS_SUMMARY,
    };
    struct kb_article *v = NULL;
    size_t n = 0;
    int rc = kb_store_article_list(s, &q, &v, &n, NULL, d);
    if (rc)
        return rc;
    /* Newest first: the fresh ones are a prefix. */
    size_t fresh = 0;
    while (fresh < n && v[fresh].published >= now - KB_NEWS_SITEMAP_WINDOW)
        fresh++;
    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    kb_sitemap_news(&b, site, v, fresh);
    int64_t lm = max_updated(0, v, fresh);
    kb_articles_free(v, n);
    return finish(out, 200, KB_CT_XML, &b, lm, d);
}

void kb_pages_robots(const struct kb_site *site, struct kb_page *out)
{
    struct kb_buf b;
    kb_buf_init(&b, 1 << 16);
    kb_robots_txt(&b, site);
    (void)finish(out, 200, KB_CT_TEXT, &b, 0, NULL);
}
