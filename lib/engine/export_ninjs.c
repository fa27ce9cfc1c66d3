/*
 * export_ninjs.c — `khabar export ninjs`: every article as one IPTC ninjs 2.2 item a line
 * (JSON Lines), in id order, the trash included (as pubstatus canceled).  docs/ninjs.md.
 *
 * The item's identity and version come from where the article came from: an article
 * imported from ninjs keeps its uri (external_id), version, versioncreated, firstcreated
 * and located (article_origin), so `import ninjs` of this export finds every item
 * unchanged; another imported article uses its external_id as uri; a native one
 * "<site.base_url>/api/v1/articles/<id>" when the site has a base URL, else
 * "urn:khabar:article:<id>".  Its version is then the newsroom's version counter, its
 * versioncreated the last update, its firstcreated the publication time.  The image's
 * site path is made absolute with site.base_url, or written "khabar:/media/..." when the
 * site has none (still a URI, so the item validates; import ninjs reads it back as the
 * path); bytes outside ASCII are percent-encoded.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/export.h"
#include "khabar/json.h"
#include "khabar/ninjs.h"

#define PAGE 256

/* `s` as a URI: bytes outside printable ASCII, and the ones RFC 3986 never allows (space
 * " < > \\ ^ ` { | }, and a % not starting an escape) percent-encoded; import ninjs
 * decodes them to find the article again. */
static void uri_escape(char *out, size_t cap, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 4 < cap; p++) {
        bool esc = *p <= ' ' || *p >= 0x7F || strchr("\"<>\\^`{|}", *p);
        if (*p == '%')
            esc = !(isxdigit(p[1]) && isxdigit(p[2]));
        if (esc) {
            out[k++] = '%';
            out[k++] = hex[*p >> 4];
            out[k++] = hex[*p & 15];
        } else {
            out[k++] = (char)*p;
        }
    }
    out[k] = '\0';
}

static int one(struct kb_store *s, int64_t id, const char *base, kb_export_write_fn write,
               void *ctx, struct kb_buf *b, struct kb_export_report *rep, struct kb_diag *d)
{
    struct kb_article a;
    kb_article_init(&a);
    struct kb_article_extra x = {0};
    int rc = kb_store_article_get(s, id, &a, d);
    if (rc == 0)
        rc = kb_store_article_extra_get(s, id, &x, d);
    if (rc) {
        kb_article_release(&a);
        return rc;
    }
    char uri[3 * KB_MAX_EXTERNAL_ID + 1], version[32];
    if (a.external_id)
        uri_escape(uri, sizeof(uri), a.external_id);
    else if (base && *base)
        snprintf(uri, sizeof(uri), "%.2000s/api/v1/articles/%lld", base, (long long)id);
    else
        snprintf(uri, sizeof(uri), "urn:khabar:article:%lld", (long long)id);
    snprintf(version, sizeof(version), "%lld", (long long)x.version);
    /* An item that came as ninjs goes out with exactly the version and times it came with
     * (absent stays absent), so importing this export finds it unchanged. */
    struct kb_ninjs_meta m = {.uri = uri, .trashed = x.trashed != 0};
    if (strcmp(x.origin.format, "ninjs") == 0) {
        m.version = x.origin.version;
        m.versioncreated = x.origin.versioncreated;
        m.versioncreated_offset = x.origin.versioncreated_offset;
        m.firstcreated = x.origin.firstcreated;
        m.firstcreated_offset = x.origin.firstcreated_offset;
        m.located = x.origin.located;
        /* published later than first created: it was held by an embargo until then */
        if (a.published && x.origin.firstcreated && a.published > x.origin.firstcreated) {
            m.embargoed = a.published;
            m.embargoed_offset = a.published_offset;
        }
    } else {
        m.version = version;
        m.versioncreated = a.updated;
        m.versioncreated_offset = a.updated_offset;
        m.firstcreated = a.published;
        m.firstcreated_offset = a.published_offset;
    }
    if (a.image.src) { /* a URI the schema accepts: absolute, ASCII */
        struct kb_buf u;
        kb_buf_init(&u, 0);
        if (a.image.src[0] == '/')
            kb_buf_adds(&u, base && *base ? base : KB_NINJS_PATH_SCHEME);
        for (const unsigned char *p = (const unsigned char *)a.image.src; *p; p++) {
            if (*p >= 0x80 || *p == ' ')
                kb_buf_addf(&u, "%%%02X", *p);
            else
                kb_buf_addch(&u, (char)*p);
        }
        free(a.image.src);
        a.image.src = kb_buf_detach(&u, NULL);
        kb_buf_release(&u);
    }
    kb_buf_reset(b);
    struct kb_json j;
    kb_json_init(&j, b, KB_JSON_COMPACT);
    kb_ninjs_write(&a, &m, &j);
    kb_buf_addch(b, '\n');
    if (kb_buf_err(b)) {
        rep->skipped++; /* over the record cap: cannot happen within the article caps */
    } else {
        rc = write(ctx, b->p, b->n, d);
        rep->articles += rc == 0;
        rep->trashed += rc == 0 && x.trashed;
    }
    kb_article_extra_release(&x);
    kb_article_release(&a);
    return rc;
}

int kb_engine_export_ninjs(struct kb_store *s, kb_export_write_fn write, void *ctx,
                           const struct kb_export_opts *opts, struct kb_export_report *report,
                           struct kb_diag *d)
{
    static const struct kb_export_opts none = {0};
    if (!opts)
        opts = &none;
    struct kb_diag tmp;
    if (!d)
        d = &tmp;
    kb_diag_clear(d);
    struct kb_export_report rep = {0};
    char *base = NULL;
    int rc = kb_store_read_begin(s, d);
    if (rc) {
        if (report)
            *report = rep;
        return rc;
    }
    size_t total = 0;
    rc = kb_store_setting_get(s, "site.base_url", &base, d);
    if (rc == 0)
        rc = kb_store_article_count(s, &total, d);
    if (base) { /* "https://example.com/" → "https://example.com" */
        size_t n = strlen(base);
        while (n && base[n - 1] == '/')
            base[--n] = '\0';
    }
    struct kb_buf b;
    kb_buf_init(&b, (size_t)16 << 20);
    int64_t ids[PAGE], after = 0;
    size_t n = 0, done = 0;
    while (rc == 0) {
        if ((rc = kb_store_export_ids(s, after, ids, PAGE, &n, d)) || n == 0)
            break;
        for (size_t i = 0; i < n && rc == 0; i++, done++)
            rc = one(s, ids[i], base, write, ctx, &b, &rep, d);
        after = ids[n - 1];
        if (opts->progress)
            opts->progress(opts->progress_ctx, done, total);
        if (n < PAGE)
            break;
    }
    kb_store_read_end(s);
    kb_buf_release(&b);
    free(base);
    if (report)
        *report = rep;
    return rc;
}
