/*
 * import_ninjs.c — `khabar import ninjs FILE...`: agency copy as IPTC ninjs items, into the
 * store, all-or-nothing (docs/ninjs.md).
 *
 * Every file is read and every item mapped (lib/ingest/ninjs.c) inside ONE transaction; the
 * first file or item that cannot be understood rolls everything back, naming the file, the
 * line (JSON Lines) or item number, and the member.  Items are keyed by their uri
 * (external_id).  The item's own version decides: a newer version (versioncreated, then
 * version) of a stored uri updates it, an older one is skipped as stale, the same one is
 * unchanged when nothing differs.  The version and times are kept in article_origin
 * (migration 5, export.h), so the decision survives restarts and exports.
 *
 * What the engine decides (the parser cannot: it needs the database and the clock): the
 * section (a subject with rel "section", else a subject naming a section the site has, else
 * a top-level IPTC media topic, else opts->section or "وكالات"), the status (usable →
 * published, or scheduled until an embargo in the future; withheld → unpublished; canceled
 * → unpublished and moved to the trash) and the publication time (the embargo when there is
 * one, else firstcreated, versioncreated, contentcreated).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "khabar/engine.h"
#include "khabar/export.h"
#include "khabar/newsroom_store.h"
#include "khabar/ninjs.h"
#include "khabar/related.h"
#include "khabar/revision.h"

#define DEFAULT_SECTION "وكالات"

/* Top-level IPTC media topics (http://cv.iptc.org/newscodes/mediatopic/) and the site
 * sections they fall under; names kb_store_section_ensure knows. */
static const struct {
    const char *code, *section;
} medtop[] = {
    {"01000000", "ثقافة"}, {"04000000", "اقتصاد"}, {"07000000", "صحة"},
    {"11000000", "سياسة"}, {"13000000", "علوم"},   {"15000000", "رياضة"},
};

struct run {
    struct kb_store *s;
    const struct kb_import_opts *opts;
    struct kb_import_report *rep;
    int64_t now;
    char *base;    /* site.base_url without a trailing '/', NULL when unset */
    char *matched; /* the decoded key find_uri matched last */
};

static void note(struct kb_import_skip *list, size_t *nlist, size_t *total, const char *reason,
                 unsigned long where)
{
    if (total)
        (*total)++;
    struct kb_import_skip *e = NULL;
    for (size_t i = 0; i < *nlist && !e; i++)
        if (strcmp(list[i].reason, reason) == 0)
            e = &list[i];
    if (!e) {
        if (*nlist < KB_IMPORT_MAX_REASONS) {
            e = &list[(*nlist)++];
            snprintf(e->reason, sizeof(e->reason), "%s", reason);
        } else {
            e = &list[KB_IMPORT_MAX_REASONS - 1];
            snprintf(e->reason, sizeof(e->reason), "other");
        }
    }
    if (e->count < KB_IMPORT_REASON_LINES)
        e->lines[e->count] = where;
    e->count++;
}

static void skip(struct run *r, const char *reason, unsigned long where)
{
    note(r->rep->reasons, &r->rep->nreasons, &r->rep->skipped, reason, where);
}

static void warn(struct run *r, const char *reason, unsigned long where)
{
    note(r->rep->warnings, &r->rep->nwarnings, NULL, reason, where);
}

/* ---- versions ------------------------------------------------------------------------- */

static bool numeric(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* <0: the item is older than what is stored, 0: the same version, >0: newer; 2 when the two
 * cannot be ordered (then content decides). */
static int version_cmp(const struct kb_ninjs_item *it, const struct kb_origin *o)
{
    if (it->versioncreated && o->versioncreated && it->versioncreated != o->versioncreated)
        return it->versioncreated < o->versioncreated ? -1 : 1;
    if (numeric(it->version) && numeric(o->version)) {
        size_t a = strlen(it->version), b = strlen(o->version);
        int c = a != b ? (a < b ? -1 : 1) : strcmp(it->version, o->version);
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    if (it->versioncreated && it->versioncreated == o->versioncreated)
        return (it->version == NULL) == (o->version == NULL) &&
                       (!it->version || strcmp(it->version, o->version) == 0)
                   ? 0
                   : 2;
    return 2;
}

/* ---- the section ---------------------------------------------------------------------- */

static const char *medtop_section(const struct kb_ninjs_subject *sj)
{
    static const char *const prefixes[] = {"http://cv.iptc.org/newscodes/mediatopic/",
                                           "https://cv.iptc.org/newscodes/mediatopic/", "medtop:"};
    const char *const ids[] = {sj->uri, sj->literal};
    for (size_t k = 0; k < 2; k++) {
        if (!ids[k])
            continue;
        for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
            size_t n = strlen(prefixes[p]);
            if (strncmp(ids[k], prefixes[p], n) != 0)
                continue;
            for (size_t i = 0; i < sizeof(medtop) / sizeof(medtop[0]); i++)
                if (strcmp(ids[k] + n, medtop[i].code) == 0)
                    return medtop[i].section;
        }
    }
    return NULL;
}

static int find_section(struct kb_store *s, const char *key, struct kb_section *out,
                        struct kb_diag *d)
{
    if (!key || !*key)
        return KB_ENOTFOUND;
    int rc = kb_store_section_get(s, key, out, d);
    if (rc == KB_ENOTFOUND)
        kb_diag_clear(d);
    return rc;
}

/* Choose the section (docs/ninjs.md, "Sections"); the chosen subject's name is no tag. */
static int choose_section(struct run *r, struct kb_ninjs_item *it, struct kb_diag *d)
{
    struct kb_section sec = {0};
    const char *taken = NULL; /* the subject name that became the section */
    int rc = KB_ENOTFOUND;
    for (size_t i = 0; i < it->nsubjects && rc == KB_ENOTFOUND; i++) {
        const struct kb_ninjs_subject *sj = &it->subjects[i];
        if (!sj->rel || strcmp(sj->rel, "section") != 0)
            continue;
        rc = find_section(r->s, sj->literal, &sec, d);
        if (rc == KB_ENOTFOUND)
            rc = find_section(r->s, sj->name, &sec, d);
        if (rc == KB_ENOTFOUND && sj->name && sj->literal) { /* an export of another site */
            kb_set_str(&sec.slug, sj->literal);
            kb_set_str(&sec.name, sj->name);
            sec.position = 1000;
            struct kb_diag why;
            kb_diag_clear(&why);
            if (kb_section_validate(&sec, &why) == 0)
                rc = kb_store_section_put(r->s, &sec, d);
        }
        if (rc == KB_ENOTFOUND && sj->name)
            rc = kb_store_section_ensure(r->s, sj->name, &sec, d);
        if (rc == 0)
            taken = sj->name;
    }
    for (size_t i = 0; i < it->nsubjects && rc == KB_ENOTFOUND; i++) {
        const struct kb_ninjs_subject *sj = &it->subjects[i];
        rc = find_section(r->s, sj->name, &sec, d);
        if (rc == KB_ENOTFOUND)
            rc = find_section(r->s, sj->literal, &sec, d);
        if (rc == 0)
            taken = sj->name;
    }
    for (size_t i = 0; i < it->nsubjects && rc == KB_ENOTFOUND; i++) {
        const char *name = medtop_section(&it->subjects[i]);
        if (name)
            rc = kb_store_section_ensure(r->s, name, &sec, d);
        if (rc == 0) /* so a re-import, which finds the section by this name, agrees */
            taken = it->subjects[i].name;
    }
    if (rc == KB_ENOTFOUND)
        rc = kb_store_section_ensure(r->s, r->opts->section ? r->opts->section : DEFAULT_SECTION,
                                     &sec, d);
    if (rc == 0) {
        kb_set_str(&it->a.section.slug, sec.slug);
        kb_set_str(&it->a.section.name, sec.name);
        for (size_t i = 0; taken && i < it->a.ntags; i++) {
            if (strcmp(it->a.tags[i], taken) == 0) {
                free(it->a.tags[i]);
                memmove(&it->a.tags[i], &it->a.tags[i + 1],
                        (it->a.ntags - i - 1) * sizeof(it->a.tags[0]));
                it->a.ntags--;
                break;
            }
        }
    }
    kb_section_release(&sec);
    return rc;
}

/* ---- one item --------------------------------------------------------------------------- */

/* `old`: the stored article of this uri, or NULL. */
static void set_status(struct run *r, struct kb_ninjs_item *it, const struct kb_article *old)
{
    struct kb_article *a = &it->a;
    if (!a->language || !*a->language)
        kb_set_str(&a->language, "ar");
    if (it->firstcreated) {
        a->published = it->firstcreated;
        a->published_offset = it->firstcreated_offset;
    } else if (it->versioncreated) {
        a->published = it->versioncreated;
        a->published_offset = it->versioncreated_offset;
    } else if (it->contentcreated) {
        a->published = it->contentcreated;
        a->published_offset = it->contentcreated_offset;
    }
    if (it->embargoed) {
        a->published = it->embargoed;
        a->published_offset = it->embargoed_offset;
    }
    switch (it->pubstatus) {
    case KB_NINJS_USABLE:
        if (!a->published && old && old->published) { /* an item without times */
            a->published = old->published;
            a->published_offset = old->published_offset;
        } else if (!a->published) {
            a->published = r->now;
            a->published_offset = 0;
        }
        a->status = it->embargoed > r->now ? KB_STATUS_SCHEDULED : KB_STATUS_PUBLISHED;
        break;
    case KB_NINJS_WITHHELD:
    case KB_NINJS_CANCELED:
        a->status = KB_STATUS_UNPUBLISHED;
        break;
    }
}

static bool same_str(const char *x, const char *y)
{
    if (!x || !*x)
        return !y || !*y;
    return y && strcmp(x, y) == 0;
}

static void origin_of(const struct kb_ninjs_item *it, struct kb_origin *o)
{
    memset(o, 0, sizeof(*o));
    snprintf(o->format, sizeof(o->format), "ninjs");
    o->version = it->version; /* borrowed: never released through this copy */
    o->versioncreated = it->versioncreated;
    o->versioncreated_offset = it->versioncreated_offset;
    o->firstcreated = it->firstcreated;
    o->firstcreated_offset = it->firstcreated_offset;
    o->located = it->located;
}

static bool same_origin(const struct kb_origin *a, const struct kb_origin *b)
{
    return strcmp(a->format, b->format) == 0 && same_str(a->version, b->version) &&
           a->versioncreated == b->versioncreated &&
           a->versioncreated_offset == b->versioncreated_offset &&
           a->firstcreated == b->firstcreated && a->firstcreated_offset == b->firstcreated_offset &&
           same_str(a->located, b->located);
}

/* The id in one of this site's own uris (export_ninjs.c): "urn:khabar:article:N" or
 * "<site.base_url>/api/v1/articles/N"; 0 for any other uri. */
static int64_t own_id(const struct run *r, const char *uri)
{
    static const char urn[] = "urn:khabar:article:", api[] = "/api/v1/articles/";
    const char *p = NULL;
    size_t nb = r->base ? strlen(r->base) : 0;
    if (strncmp(uri, urn, sizeof(urn) - 1) == 0)
        p = uri + sizeof(urn) - 1;
    else if (nb && strncmp(uri, r->base, nb) == 0 && strncmp(uri + nb, api, sizeof(api) - 1) == 0)
        p = uri + nb + sizeof(api) - 1;
    int64_t id = 0;
    for (; p && *p >= '0' && *p <= '9' && id < INT64_MAX / 10; p++)
        id = id * 10 + (*p - '0');
    return p && !*p ? id : 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The article of `uri`: by external_id; else by the uri with its %XX escapes decoded (an
 * export writes another importer's key, "pagetext:2024-11-13:عنوان", percent-encoded so it
 * is a URI); 0 when none. */
static int find_uri(struct run *r, const char *uri, int64_t *id, struct kb_diag *d)
{
    int rc = kb_store_article_find_external(r->s, uri, id, d);
    if (rc != KB_ENOTFOUND || !strchr(uri, '%'))
        return rc;
    kb_diag_clear(d);
    char *dec = kb_strdup(uri), *w = dec;
    for (const char *p = uri; *p; p++) {
        if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
            *w++ = (char)(hexval(p[1]) * 16 + hexval(p[2]));
            p += 2;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    rc = strcmp(dec, uri) ? kb_store_article_find_external(r->s, dec, id, d) : KB_ENOTFOUND;
    if (rc == 0)
        kb_set_str(&r->matched, dec); /* the article keeps the key it has */
    free(dec);
    return rc;
}

static int one_item(struct run *r, struct kb_ninjs_item *it, unsigned long where, struct kb_diag *d)
{
    if (it->type && strcmp(it->type, "text") != 0 && strcmp(it->type, "composite") != 0) {
        skip(r, "not a text item (picture, video, ...)", where);
        return 0;
    }
    char *src = it->a.image.src;
    size_t nb = r->base ? strlen(r->base) : 0;
    if (src && nb && strncmp(src, r->base, nb) == 0 && src[nb] == '/')
        memmove(src, src + nb, strlen(src + nb) + 1); /* our own site's photo: its path */
    if (it->tags_dropped)
        warn(r, "subjects not kept as tags (over 50, or over 100 bytes)", where);
    int64_t existing = 0;
    kb_set_str(&r->matched, NULL);
    int rc = find_uri(r, it->a.external_id, &existing, d);
    if (rc && rc != KB_ENOTFOUND)
        return rc;
    kb_diag_clear(d);
    if (existing && r->matched)
        kb_set_str(&it->a.external_id, r->matched);
    struct kb_article old;
    kb_article_init(&old);
    struct kb_article_extra ox = {0};
    bool canceled = it->pubstatus == KB_NINJS_CANCELED;
    int64_t own = existing ? 0 : own_id(r, it->a.external_id);
    if (own) { /* this site's own article, exported as ninjs: it stays native */
        rc = kb_store_article_get(r->s, own, &old, d);
        if (rc == 0 && !old.external_id) {
            existing = own;
            kb_set_str(&it->a.external_id, NULL);
        }
        kb_article_release(&old);
        kb_article_init(&old);
        if (rc && rc != KB_ENOTFOUND)
            return rc;
        kb_diag_clear(d);
    }
    if (existing) {
        if ((rc = kb_store_article_get(r->s, existing, &old, d)) ||
            (rc = kb_store_article_extra_get(r->s, existing, &ox, d)))
            goto out;
        if (ox.origin.format[0] && version_cmp(it, &ox.origin) < 0) {
            skip(r, "stale: older than the stored version", where);
            goto out;
        }
    }
    if ((rc = choose_section(r, it, d)))
        goto out;
    set_status(r, it, existing ? &old : NULL);
    if (existing)
        kb_set_str(&it->a.slug, old.slug); /* its address does not change */
    if ((rc = kb_article_validate(&it->a, d)))
        goto out;
    struct kb_origin o;
    origin_of(it, &o);
    bool trashed = existing && ox.trashed;
    /* An article that did not come as ninjs (native, or another importer's) has no origin
     * to compare: its content decides, and an unchanged one gets no origin row. */
    bool from_ninjs = strcmp(ox.origin.format, "ninjs") == 0;
    if (existing && trashed == canceled && kb_article_diff_fields(&it->a, &old) == 0 &&
        it->a.published_offset == old.published_offset &&
        (!from_ninjs || same_origin(&o, &ox.origin))) {
        r->rep->unchanged++;
        goto out;
    }
    if (trashed && !canceled && (rc = kb_store_article_untrash(r->s, existing, d)))
        goto out;
    it->a.id = existing;
    if ((rc = kb_store_article_put(r->s, &it->a, d)) ||
        (rc = kb_store_origin_put(r->s, it->a.id, &o, d)))
        goto out;
    if (canceled && !trashed && (rc = kb_store_article_trash(r->s, it->a.id, r->now, d)))
        goto out;
    if (existing)
        r->rep->updated++;
    else
        r->rep->created++;
    if (r->opts->on_article)
        r->opts->on_article(r->opts->on_article_ctx, "", &it->a, !existing, 0);
out:
    kb_article_extra_release(&ox);
    kb_article_release(&old);
    return rc;
}

static int one_file(struct run *r, const char *file, struct kb_diag *d)
{
    char *text = NULL;
    size_t len = 0;
    int rc = kb_file_read(file, KB_NINJS_MAX_FILE, &text, &len, d);
    if (rc)
        return rc;
    struct kb_ninjs_file f = {0};
    rc = kb_ninjs_parse_file(text, len, &f, d);
    free(text);
    if (rc)
        return rc;
    for (size_t i = 0; i < f.n && rc == 0; i++) {
        r->rep->records++;
        unsigned long where = f.lines[i] ? f.lines[i] : (unsigned long)(i + 1);
        struct kb_ninjs_item it;
        kb_ninjs_item_init(&it);
        rc = kb_ninjs_item_from_json(f.items[i], &it, d);
        if (rc == 0)
            rc = one_item(r, &it, where, d);
        if (rc && d) {
            if (f.lines[i]) {
                d->line = f.lines[i];
            } else if (f.n > 1) { /* an array: name the item, and its uri when known */
                const json_t *u = json_object_get(f.items[i], "uri");
                struct kb_buf msg;
                kb_buf_init(&msg, sizeof(d->msg) - 1);
                kb_buf_addf(&msg, "item %zu", i + 1);
                if (json_is_string(u))
                    kb_buf_addf(&msg, " (%.120s)", json_string_value(u));
                kb_buf_addf(&msg, ": %s", d->msg);
                if (!kb_buf_err(&msg))
                    memcpy(d->msg, msg.p, msg.n + 1);
                kb_buf_release(&msg);
            }
        }
        kb_ninjs_item_release(&it);
    }
    kb_ninjs_file_release(&f);
    return rc;
}

int kb_engine_import_ninjs(struct kb_store *s, const char *const *files, size_t nfiles,
                           const struct kb_import_opts *opts, struct kb_import_report *report,
                           const char **failed_file, struct kb_diag *d)
{
    static const struct kb_import_opts none = {0};
    if (!opts)
        opts = &none;
    struct kb_diag tmp;
    if (!d)
        d = &tmp;
    kb_diag_clear(d);
    struct kb_import_report rep = {0};
    struct run r = {
        .s = s, .opts = opts, .rep = &rep, .now = opts->now ? opts->now : (int64_t)time(NULL)};
    if (failed_file)
        *failed_file = NULL;
    struct kb_section *before = NULL;
    size_t nbefore = 0;
    int rc = kb_store_section_list(s, &before, &nbefore, d);
    kb_sections_free(before, nbefore);
    if (rc == 0)
        rc = kb_store_setting_get(s, "site.base_url", &r.base, d);
    if (r.base) {
        size_t n = strlen(r.base);
        while (n && r.base[n - 1] == '/')
            r.base[--n] = '\0';
        if (n == 0) {
            free(r.base);
            r.base = NULL;
        }
    }
    if (rc == 0)
        rc = kb_store_begin(s, d);
    if (rc) {
        free(r.base);
        if (report)
            *report = rep;
        return rc;
    }
    for (size_t i = 0; i < nfiles && rc == 0; i++) {
        rc = one_file(&r, files[i], d);
        if (rc && failed_file)
            *failed_file = files[i];
        if (opts->progress)
            opts->progress(opts->progress_ctx, i + 1, nfiles);
    }
    if (rc == 0) {
        struct kb_section *after = NULL;
        size_t nafter = 0;
        if (kb_store_section_list(s, &after, &nafter, NULL) == 0)
            rep.sections_created = nafter > nbefore ? nafter - nbefore : 0;
        kb_sections_free(after, nafter);
    }
    if (rc == 0 && !opts->dry_run)
        rc = kb_store_commit(s, d);
    else
        kb_store_rollback(s);
    if (rc == 0 && !opts->dry_run && rep.created + rep.updated > 0) {
        struct kb_diag rdg;
        kb_diag_clear(&rdg);
        if (kb_engine_related_refresh(s, NULL, &rdg) != 0 ||
            kb_store_related_dup_pairs(s, rep.duplicate_pairs, 5, &rep.nduplicate_pairs,
                                       &rep.duplicates, &rdg) != 0) {
            /* stale until `khabar reindex`: the import stands */
        }
    }
    free(r.base);
    free(r.matched);
    if (report)
        *report = rep;
    return rc;
}
