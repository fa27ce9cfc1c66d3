/*
 * import.c — importing page-text files into the store, all-or-nothing.
 *
 * Each article is keyed by an external id made from its publication date and headline
 * ("pagetext:2024-11-13:<headline>"), so importing the same page again updates the article
 * instead of duplicating it.  Unknown sections are created (documented in README).  The
 * publication date, which a page gives without a time, is taken at 00:00 in the site's
 * time zone (setting site.timezone, default Asia/Riyadh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "khabar/engine.h"
#include "khabar/related.h"
#include "khabar/pagetext.h"
#include "khabar/text.h"

#define DEFAULT_TZ "Asia/Riyadh"

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* "<media_dir>/<basename without extension>.jpg" when it exists: set image.src. */
static void attach_photo(struct kb_article *a, const char *media_dir, const char *file)
{
    const char *base = base_name(file);
    const char *dot = strrchr(base, '.');
    size_t stem = dot ? (size_t)(dot - base) : strlen(base);
    struct kb_buf path, src;
    kb_buf_init(&path, 4096);
    kb_buf_init(&src, KB_MAX_IMAGE_SRC);
    kb_buf_addf(&path, "%s/%.*s.jpg", media_dir, (int)stem, base);
    struct stat st;
    if (!kb_buf_err(&path) && stat(kb_buf_cstr(&path), &st) == 0 && S_ISREG(st.st_mode)) {
        kb_buf_adds(&src, "/media/");
        kb_buf_add_urlpath(&src, base, stem);
        kb_buf_adds(&src, ".jpg");
        if (!kb_buf_err(&src))
            kb_set_str(&a->image.src, kb_buf_cstr(&src));
    }
    kb_buf_release(&path);
    kb_buf_release(&src);
}

static int import_one(struct kb_store *s, const char *file, const char *tz,
                      const struct kb_import_opts *opts, struct kb_import_report *rep,
                      struct kb_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    int rc = kb_file_read(file, KB_PAGETEXT_MAX, &text, &len, d);
    if (rc)
        return rc;

    struct kb_page_text pt;
    rc = kb_pagetext_parse(text, len, &pt, d);
    free(text);
    if (rc)
        return rc;

    struct kb_section sec = {0};
    struct kb_article a;
    kb_article_init(&a);
    struct kb_buf ext;
    kb_buf_init(&ext, 4096);

    rc = kb_store_section_get(s, pt.section, &sec, NULL);
    if (rc == KB_ENOTFOUND) {
        rc = kb_store_section_ensure(s, pt.section, &sec, d);
        if (rc == 0)
            rep->sections_created++;
    }
    if (rc)
        goto out;

    /* The offset of the site's zone on that day (noon avoids DST edges). */
    struct kb_civil noon = pt.date;
    noon.hour = 12;
    noon.minute = 0;
    noon.has_time = true;
    int offset = 0;
    if (kb_tz_offset(tz, kb_civil_to_unix(&noon, 0), &offset) != 0)
        offset = 0;

    rc = kb_pagetext_to_article(&pt, sec.slug, offset, &a, d);
    if (rc)
        goto out;
    kb_buf_addf(&ext, "pagetext:%04d-%02d-%02d:%s", pt.date.year, pt.date.month, pt.date.day,
                pt.headline);
    kb_set_str(&a.external_id, kb_buf_cstr(&ext));
    if (opts && opts->media_dir)
        attach_photo(&a, opts->media_dir, file);
    kb_article_compute(&a);

    int64_t existing = 0;
    rc = kb_store_article_find_external(s, a.external_id, &existing, d);
    bool created = rc == KB_ENOTFOUND;
    if (rc && !created)
        goto out;
    kb_diag_clear(d);
    if (!created) {
        /* Keep the id and the slug readers already link to. */
        struct kb_article old;
        kb_article_init(&old);
        rc = kb_store_article_get(s, existing, &old, d);
        if (rc) {
            kb_article_release(&old);
            goto out;
        }
        a.id = existing;
        kb_set_str(&a.slug, old.slug);
        kb_article_release(&old);
    }
    if (opts && opts->dry_run)
        rc = kb_article_validate(&a, d);
    else
        rc = kb_store_article_put(s, &a, d);
    if (rc)
        goto out;
    if (created)
        rep->created++;
    else
        rep->updated++;
    rep->discover_skipped += pt.ndiscover;
    if (opts && opts->on_article)
        opts->on_article(opts->on_article_ctx, file, &a, created, pt.ndiscover);
out:
    kb_buf_release(&ext);
    kb_article_release(&a);
    kb_section_release(&sec);
    kb_pagetext_release(&pt);
    return rc;
}

int kb_engine_import_pagetext(struct kb_store *s, const char *const *files, size_t nfiles,
                              const struct kb_import_opts *opts, struct kb_import_report *report,
                              const char **failed_file, struct kb_diag *d)
{
    struct kb_import_report rep = {0};
    char *tz = NULL;
    int rc = kb_store_setting_get(s, "site.timezone", &tz, d);
    if (rc)
        return rc;
    rc = kb_store_begin(s, d);
    if (rc) {
        free(tz);
        return rc;
    }
    for (size_t i = 0; i < nfiles; i++) {
        rc = import_one(s, files[i], tz ? tz : DEFAULT_TZ, opts, &rep, d);
        if (rc) {
            if (failed_file)
                *failed_file = files[i];
            break;
        }
        if (opts && opts->progress)
            opts->progress(opts->progress_ctx, i + 1, nfiles);
    }
    free(tz);
    if (rc || (opts && opts->dry_run)) {
        kb_store_rollback(s);
    } else {
        rc = kb_store_commit(s, d);
        if (rc && failed_file)
            *failed_file = NULL;
        struct kb_diag rdg;
        kb_diag_clear(&rdg);
        if (rc == 0 && (kb_engine_related_refresh(s, NULL, &rdg) != 0 ||
                        kb_store_related_dup_pairs(s, rep.duplicate_pairs, 5, &rep.nduplicate_pairs,
                                                   &rep.duplicates, &rdg) != 0)) {
            /* related lists stay stale until the next refresh; the import stands */
        }
    }
    if (rc == 0 && report)
        *report = rep;
    return rc;
}
