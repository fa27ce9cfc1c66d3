/*
 * import_html.c — saved news pages (HTML) into the store, all-or-nothing (docs/extract.md).
 *
 * Per file: read (capped at KB_HTML_MAX_INPUT), extract (kb_html_extract), map to an
 * article, key it, then create, update or leave it.  Everything happens inside ONE
 * transaction: a file that cannot be read, is not a page, or yields no headline or no body
 * rolls the whole command back, and the diag names that file and why.  Fields the page
 * did not give are reported (opts->on_page), not refused.
 *
 * Keys: the page's canonical URL (rel=canonical, og:url, JSON-LD url, else the address
 * the page was saved from), else "html:<date>:<headline>".  A key already stored is
 * updated, or counted unchanged when nothing a reader sees would change; a key seen
 * earlier in the same command is skipped (the first file wins).  The key and the address
 * a page was saved from, when they are on this site (a site path, or site.base_url's
 * host), are recorded as the article's old addresses (store.h, redirects).
 *
 * Dates: a page that gives its offset keeps it; a wall-clock date without one is read in
 * the site's time zone (setting site.timezone, default Asia/Riyadh).  A page without any
 * date is imported as a draft (an article cannot be published without a time) and
 * warned about.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "khabar/engine.h"
#include "khabar/htmlextract.h"
#include "khabar/related.h"
#include "khabar/text.h"

#define DEFAULT_TZ "Asia/Riyadh"
#define MAX_KEYS 4096

static void note(struct kb_import_skip *v, size_t *nv, const char *reason, unsigned long file_no)
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
        e->lines[e->count] = file_no;
    e->count++;
}

static bool same_str(const char *x, const char *y)
{
    if (!x || !*x)
        return !y || !*y;
    return y && strcmp(x, y) == 0;
}

/* Would writing `a` over `old` change what readers see? */
static bool same_content(const struct kb_article *a, const struct kb_article *old)
{
    if (a->status != old->status || a->published != old->published ||
        a->published_offset != old->published_offset)
        return false;
    const char *const pairs[][2] = {
        {a->section.slug, old->section.slug},
        {a->headline, old->headline},
        {a->lede, old->lede},
        {a->byline, old->byline},
        {a->source, old->source},
        {a->language, old->language},
        {a->image.src, old->image.src},
        {a->image.alt, old->image.alt},
        {a->image.caption, old->image.caption},
        {a->image.credit, old->image.credit},
        {a->image.copyright, old->image.copyright},
        {a->body_html, old->body_html},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
        if (!same_str(pairs[i][0], pairs[i][1]))
            return false;
    return true;
}

/* A copy of s cut to at most `max` bytes at a code point boundary (NULL stays NULL). */
static char *capped(const char *s, size_t max, bool *cut)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    if (n <= max)
        return kb_strdup(s);
    *cut = true;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return kb_strndup(s, max);
}

struct run {
    struct kb_store *s;
    const struct kb_import_opts *opts;
    struct kb_import_report *rep;
    const char *tz;
    const char *section;  /* --section, or NULL */
    const char *base_url; /* site.base_url ("" when unset): whose URLs are old addresses */
    char **keys;
    size_t nkeys;
};

static int resolve_section(struct run *r, const struct kb_html_article *x, struct kb_article *a,
                           struct kb_diag *d)
{
    const char *want = r->section                                        ? r->section
                       : x->section                                      ? x->section
                       : (x->language && strcmp(x->language, "ar") != 0) ? "News"
                                                                         : "أخبار";
    struct kb_section sec = {0};
    int rc = kb_store_section_get(r->s, want, &sec, d);
    if (rc == KB_ENOTFOUND && r->section)
        return kb_diag_set(d, KB_ENOTFOUND, "section", "no section '%s' (see the site's sections)",
                           r->section);
    if (rc == KB_ENOTFOUND) {
        rc = kb_store_section_ensure(r->s, want, &sec, d);
        if (rc == 0)
            r->rep->sections_created++;
    }
    if (rc == 0)
        kb_set_str(&a->section.slug, sec.slug);
    kb_section_release(&sec);
    return rc;
}

static int map_article(struct run *r, const struct kb_html_article *x, unsigned long file_no,
                       struct kb_article *a, struct kb_diag *d)
{
    struct kb_import_report *rep = r->rep;
    if (!x->headline)
        return kb_diag_set(d, KB_EINVAL, "headline", "no headline found on the page");
    if (!x->body_html)
        return kb_diag_set(d, KB_EINVAL, "body_html", "no article text found on the page");
    if (strlen(x->body_html) > KB_MAX_BODY)
        return kb_diag_set(d, KB_ETOOBIG, "body_html",
                           "the article text is %zu bytes, more than "
                           "the %zu accepted",
                           strlen(x->body_html), (size_t)KB_MAX_BODY);
    bool cut = false;
    a->headline = capped(x->headline, KB_MAX_HEADLINE, &cut);
    if (cut)
        note(rep->warnings, &rep->nwarnings, "headline cut to the length allowed", file_no);
    cut = false;
    a->lede = capped(x->lede, KB_MAX_LEDE, &cut);
    if (cut)
        note(rep->warnings, &rep->nwarnings, "lede cut to the length allowed", file_no);
    cut = false;
    a->byline = capped(x->byline, KB_MAX_BYLINE, &cut);
    a->source = capped(x->site_name, KB_MAX_SOURCE, &cut);
    a->image.src =
        x->image_src && strlen(x->image_src) <= KB_MAX_IMAGE_SRC ? kb_strdup(x->image_src) : NULL;
    if (a->image.src) {
        a->image.alt = capped(x->image_alt, KB_MAX_IMAGE_TEXT, &cut);
        a->image.caption = capped(x->image_caption, KB_MAX_IMAGE_TEXT, &cut);
        a->image.credit = capped(x->image_credit, KB_MAX_IMAGE_TEXT, &cut);
    }
    if (cut)
        note(rep->warnings, &rep->nwarnings, "a byline, source or caption was cut", file_no);
    a->body_html = kb_strdup(x->body_html);
    kb_set_str(&a->language, x->language ? x->language : "ar");
    if (x->published.found) {
        int offset = x->published.offset_min;
        if (!x->published.has_offset) {
            struct kb_civil noon = x->published.civil;
            noon.hour = 12;
            noon.minute = 0;
            noon.has_time = true;
            if (kb_tz_offset(r->tz, kb_civil_to_unix(&noon, 0), &offset) != 0)
                offset = 0;
        }
        a->published = kb_civil_to_unix(&x->published.civil, offset);
        a->published_offset = offset;
        a->status = KB_STATUS_PUBLISHED;
    } else {
        a->status = KB_STATUS_DRAFT;
        note(rep->warnings, &rep->nwarnings, "no publication date: imported as a draft", file_no);
    }
    if (x->body_cut)
        note(rep->warnings, &rep->nwarnings, "article text cut at the 2 MiB allowed", file_no);
    if (x->tags_dropped)
        note(rep->warnings, &rep->nwarnings, "elements nested too deep were flattened", file_no);
    if (x->invalid_utf8)
        note(rep->warnings, &rep->nwarnings, "invalid UTF-8 replaced", file_no);

    struct kb_buf key;
    kb_buf_init(&key, KB_MAX_EXTERNAL_ID);
    if (x->canonical_url)
        kb_buf_adds(&key, x->canonical_url);
    else
        kb_buf_addf(&key, "html:%04d-%02d-%02d:%s", x->published.civil.year,
                    x->published.civil.month, x->published.civil.day, a->headline);
    if (kb_buf_err(&key)) { /* a very long URL: its headline key instead */
        kb_buf_reset(&key);
        kb_buf_addf(&key, "html:%.1000s", a->headline);
    }
    kb_set_str(&a->external_id, kb_buf_cstr(&key));
    kb_buf_release(&key);
    int rc = resolve_section(r, x, a, d);
    if (rc)
        return rc;
    kb_article_compute(a);
    return 0;
}

/* The page's addresses on this site — its key (the canonical URL) and the address it was
 * saved from — become old addresses of article `a` (docs/wxr.md, "Old addresses"). */
static int old_addresses(struct run *r, const struct kb_article *a, const char *url,
                         struct kb_diag *d)
{
    const char *v[2] = {a->external_id, url};
    for (size_t i = 0; i < 2; i++) {
        bool rec = false;
        int rc = v[i] ? kb_store_redirect_put_own(r->s, v[i], r->base_url, a, &rec, d) : 0;
        if (rc)
            return rc;
        if (rec)
            r->rep->redirects++;
    }
    return 0;
}

static int import_one(struct run *r, const char *file, const char *url, unsigned long file_no,
                      struct kb_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    int rc = kb_file_read(file, KB_HTML_MAX_INPUT, &text, &len, d);
    if (rc)
        return rc;
    struct kb_html_article x = {0};
    rc = kb_html_extract(text, len, url, &x, d);
    free(text);
    if (rc)
        return rc;
    const struct kb_import_opts *opts = r->opts;
    if (opts && opts->on_page)
        opts->on_page(opts->on_page_ctx, file, &x);

    struct kb_article a;
    kb_article_init(&a);
    rc = map_article(r, &x, file_no, &a, d);
    kb_html_article_release(&x);
    if (rc)
        goto out;
    for (size_t i = 0; i < r->nkeys; i++) {
        if (strcmp(r->keys[i], a.external_id) == 0) {
            note(r->rep->reasons, &r->rep->nreasons, "same page as an earlier file", file_no);
            r->rep->skipped++;
            goto out;
        }
    }
    if (r->nkeys < MAX_KEYS)
        r->keys[r->nkeys++] = kb_strdup(a.external_id);

    int64_t existing = 0;
    rc = kb_store_article_find_external(r->s, a.external_id, &existing, d);
    bool created = rc == KB_ENOTFOUND;
    if (rc && !created)
        goto out;
    kb_diag_clear(d);
    rc = 0;
    if (!created) {
        struct kb_article old;
        kb_article_init(&old);
        rc = kb_store_article_get(r->s, existing, &old, d);
        if (rc == 0 && same_content(&a, &old)) {
            kb_article_release(&old);
            r->rep->unchanged++;
            if (opts && opts->on_article)
                opts->on_article(opts->on_article_ctx, file, &a, false, 0);
            goto out;
        }
        a.id = existing;
        kb_set_str(&a.slug, old.slug); /* keep the address readers already link to */
        kb_article_release(&old);
        if (rc)
            goto out;
    }
    rc = kb_store_article_put(r->s, &a, d);
    if (rc == 0)
        rc = old_addresses(r, &a, url, d);
    if (rc)
        goto out;
    if (created)
        r->rep->created++;
    else
        r->rep->updated++;
    if (opts && opts->on_article)
        opts->on_article(opts->on_article_ctx, file, &a, created, 0);
out:
    kb_article_release(&a);
    return rc;
}

int kb_engine_import_html(struct kb_store *s, const char *const *files, const char *const *urls,
                          size_t nfiles, const struct kb_import_opts *opts, const char *section,
                          struct kb_import_report *report, const char **failed_file,
                          struct kb_diag *d)
{
    struct kb_import_report rep = {0};
    struct kb_diag tmp;
    if (!d)
        d = &tmp;
    kb_diag_clear(d);
    char *tz = NULL, *base = NULL;
    int rc = kb_store_setting_get(s, "site.timezone", &tz, d);
    if (rc == 0)
        rc = kb_store_setting_get(s, "site.base_url", &base, d);
    if (rc) {
        free(tz);
        return rc;
    }
    struct run r = {.s = s,
                    .opts = opts,
                    .rep = &rep,
                    .tz = tz ? tz : DEFAULT_TZ,
                    .section = section && *section ? section : NULL,
                    .base_url = base ? base : "",
                    .keys = kb_calloc(MAX_KEYS, sizeof(char *))};
    rc = kb_store_begin(s, d);
    for (size_t i = 0; rc == 0 && i < nfiles; i++) {
        rep.records++;
        rc = import_one(&r, files[i], urls ? urls[i] : NULL, (unsigned long)i + 1, d);
        if (rc) {
            if (failed_file)
                *failed_file = files[i];
            break;
        }
        if (opts && opts->progress)
            opts->progress(opts->progress_ctx, i + 1, nfiles);
    }
    bool dry = opts && opts->dry_run;
    if (rc || dry) {
        kb_store_rollback(s);
    } else {
        rc = kb_store_commit(s, d);
        if (rc && failed_file)
            *failed_file = NULL;
        struct kb_diag rdg;
        kb_diag_clear(&rdg);
        if (rc == 0 && rep.created + rep.updated > 0 &&
            (kb_engine_related_refresh(s, NULL, &rdg) != 0 ||
             kb_store_related_dup_pairs(s, rep.duplicate_pairs, 5, &rep.nduplicate_pairs,
                                        &rep.duplicates, &rdg) != 0)) {
            /* related lists stay stale until `khabar reindex`; the import stands */
        }
    }
    for (size_t i = 0; i < r.nkeys; i++)
        free(r.keys[i]);
    free(r.keys);
    free(tz);
    free(base);
    if (report)
        *report = rep;
    return rc;
}
