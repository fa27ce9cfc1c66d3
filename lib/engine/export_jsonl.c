/*
 * export_jsonl.c — `khabar export jsonl`: the whole database as typed JSON Lines records,
 * and their way back in (kb_engine_import_record, called by import_jsonl.c for lines that
 * start with a "kind" member).  The record kinds are documented in docs/jsonl.md.
 *
 * Invariants: an export holds nothing that depends on when it was made, and records come
 * in a fixed order (header, settings by key, sections in navigation order, articles by id,
 * each article's revisions by number after it), so the same database exports to the same
 * bytes; exporting, importing into an empty database and exporting again gives the same
 * bytes (tests/e2e/export.test.mjs).  Import: a record that is already as stored writes
 * nothing (re-imports are fixed points).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "khabar/export.h"
#include "khabar/json.h"
#include "khabar/media_store.h"
#include "khabar/newsroom_store.h"
#include "khabar/revision.h"
#include "khabar/sanitize.h"
#include "khabar/text.h"

#define EXPORT_FORMAT 1 /* the header's "format": bumped when a record changes meaning */
#define PAGE 256
#define LINE_CAP ((size_t)64 << 20)

/* ---- writing --------------------------------------------------------------------------- */

struct out {
    kb_export_write_fn write;
    void *ctx;
    struct kb_buf b;
    struct kb_json j;
};

static void rec_begin(struct out *o, const char *kind)
{
    kb_buf_reset(&o->b);
    kb_json_init(&o->j, &o->b, KB_JSON_COMPACT);
    kb_json_obj(&o->j);
    kb_json_key(&o->j, "kind");
    kb_json_strc(&o->j, kind);
}

static int rec_end(struct out *o, struct kb_diag *d)
{
    kb_json_end(&o->j);
    kb_buf_addch(&o->b, '\n');
    if (kb_buf_err(&o->b))
        return kb_diag_set(d, KB_ETOOBIG, "", "a record is longer than %zu bytes", LINE_CAP);
    return o->write(o->ctx, o->b.p, o->b.n, d);
}

static void j_time(struct kb_json *j, const char *key, int64_t t, int off)
{
    kb_json_key(j, key);
    if (!t) {
        kb_json_null(j);
        return;
    }
    struct kb_buf b;
    kb_buf_init(&b, 64);
    kb_date_iso8601(&b, t, off);
    kb_json_str(j, kb_buf_cstr(&b), b.n);
    kb_buf_release(&b);
}

static void j_str(struct kb_json *j, const char *key, const char *v)
{
    kb_json_key(j, key);
    kb_json_strc(j, v);
}

static void write_origin(struct kb_json *j, const struct kb_origin *o)
{
    kb_json_key(j, "origin");
    if (!o->format[0]) {
        kb_json_null(j);
        return;
    }
    kb_json_obj(j);
    j_str(j, "format", o->format);
    j_str(j, "version", o->version);
    j_time(j, "versioncreated", o->versioncreated, o->versioncreated_offset);
    j_time(j, "firstcreated", o->firstcreated, o->firstcreated_offset);
    j_str(j, "located", o->located);
    kb_json_end(j);
}

static int export_revisions(struct kb_store *s, struct out *o, int64_t id, size_t *count,
                            struct kb_diag *d)
{
    struct kb_revision *v = NULL;
    size_t n = 0;
    int rc = kb_store_revision_list(s, id, &v, &n, d);
    if (rc)
        return rc;
    for (size_t i = n; i-- > 0 && rc == 0;) { /* the list is newest first */
        struct kb_revision r = {0};
        if ((rc = kb_store_revision_get(s, id, v[i].number, 0, &r, d)))
            break;
        rec_begin(o, "revision");
        kb_json_key(&o->j, "article");
        kb_json_int(&o->j, id);
        kb_json_key(&o->j, "number");
        kb_json_int(&o->j, r.number);
        kb_json_key(&o->j, "version");
        kb_json_int(&o->j, r.version);
        j_str(&o->j, "user", r.user_name[0] ? r.user_name : NULL);
        j_time(&o->j, "created", r.created, 0);
        kb_json_key(&o->j, "changed");
        kb_fields_json(r.changed, &o->j);
        j_str(&o->j, "json", r.json);
        kb_revision_release(&r);
        rc = rec_end(o, d);
        if (rc == 0)
            (*count)++;
    }
    kb_revisions_free(v, n);
    return rc;
}

static int export_article(struct kb_store *s, struct out *o, int64_t id, bool revisions,
                          struct kb_export_report *rep, struct kb_diag *d)
{
    struct kb_article a;
    kb_article_init(&a);
    struct kb_article_extra x = {0};
    int rc = kb_store_article_get(s, id, &a, d);
    if (rc == 0)
        rc = kb_store_article_extra_get(s, id, &x, d);
    if (rc == 0) {
        rec_begin(o, "article");
        kb_article_json_members(&a, &o->j);
        j_str(&o->j, "external_id", a.external_id);
        j_str(&o->j, "author", x.author[0] ? x.author : NULL);
        kb_json_key(&o->j, "version");
        kb_json_int(&o->j, x.version);
        j_time(&o->j, "trashed", x.trashed, 0);
        j_str(&o->j, "trashed_status", x.trashed ? kb_status_name(x.trashed_status) : NULL);
        write_origin(&o->j, &x.origin);
        kb_json_key(&o->j, "redirects");
        kb_json_arr(&o->j);
        for (size_t i = 0; i < x.nredirects; i++)
            kb_json_strc(&o->j, x.redirects[i]);
        kb_json_end(&o->j);
        rc = rec_end(o, d);
    }
    if (rc == 0) {
        rep->articles++;
        if (x.trashed)
            rep->trashed++;
        if (revisions)
            rc = export_revisions(s, o, id, &rep->revisions, d);
    }
    kb_article_extra_release(&x);
    kb_article_release(&a);
    return rc;
}

/* The newsroom's users, by name, WITHOUT their password hashes (an export file travels;
 * docs/jsonl.md): imported users have no password until they set one. */
static int export_users(struct kb_store *s, struct out *o, struct kb_diag *d)
{
    struct kb_user *v = NULL;
    size_t n = 0;
    int rc = kb_store_user_list(s, &v, &n, d);
    for (size_t i = 0; i < n && rc == 0; i++) {
        rec_begin(o, "user");
        j_str(&o->j, "name", v[i].name);
        j_str(&o->j, "role", kb_role_name(v[i].role));
        kb_json_key(&o->j, "disabled");
        kb_json_bool(&o->j, v[i].disabled);
        j_time(&o->j, "created", v[i].created, 0);
        rc = rec_end(o, d);
    }
    kb_users_free(v, n);
    return rc;
}

/* Sections in navigation order, each parent before its children (depth-first from the top
 * level), so an import can set every parent as it goes. */
static int export_sections(struct kb_store *s, struct out *o, struct kb_export_report *rep,
                           struct kb_diag *d)
{
    struct kb_section *secs = NULL;
    size_t nsec = 0;
    int rc = kb_store_section_list(s, &secs, &nsec, d);
    if (rc)
        return rc;
    bool *done = kb_calloc(nsec ? nsec : 1, sizeof(bool));
    size_t *stack = kb_calloc(nsec ? nsec : 1, sizeof(size_t)), top = 0, written = 0;
    while (rc == 0 && written < nsec) {
        /* the next section to write: a child of the one on top of the stack, else (stack
         * empty) a top-level one, else (a cycle or a dangling parent) any left */
        size_t pick = nsec;
        while (pick == nsec && top > 0) {
            const char *parent = secs[stack[top - 1]].slug;
            for (size_t i = 0; i < nsec && pick == nsec; i++)
                if (!done[i] && secs[i].parent && strcmp(secs[i].parent, parent) == 0)
                    pick = i;
            if (pick == nsec)
                top--;
        }
        for (size_t i = 0; i < nsec && pick == nsec; i++)
            if (!done[i] && !secs[i].parent)
                pick = i;
        for (size_t i = 0; i < nsec && pick == nsec; i++)
            if (!done[i])
                pick = i;
        done[pick] = true;
        stack[top++] = pick;
        written++;
        rec_begin(o, "section");
        j_str(&o->j, "slug", secs[pick].slug);
        j_str(&o->j, "name", secs[pick].name);
        kb_json_key(&o->j, "position");
        kb_json_int(&o->j, secs[pick].position);
        j_str(&o->j, "parent", secs[pick].parent);
        rc = rec_end(o, d);
        rep->sections += rc == 0;
    }
    free(done);
    free(stack);
    kb_sections_free(secs, nsec);
    return rc;
}

/* The media table's rows (the files themselves are not in the export: docs/jsonl.md). */
static int export_media(struct kb_store *s, struct out *o, struct kb_diag *d)
{
    int64_t ids[PAGE], after = 0;
    size_t n = 0;
    int rc;
    do {
        if ((rc = kb_store_export_media_ids(s, after, ids, PAGE, &n, d)))
            return rc;
        for (size_t i = 0; i < n && rc == 0; i++) {
            struct kb_media_rec m = {0};
            if ((rc = kb_store_media_get(s, ids[i], NULL, &m, d)))
                break;
            rec_begin(o, "media");
            kb_json_key(&o->j, "id");
            kb_json_int(&o->j, m.id);
            j_str(&o->j, "hash", m.hash);
            j_str(&o->j, "type", m.type);
            kb_json_key(&o->j, "width");
            kb_json_int(&o->j, m.width);
            kb_json_key(&o->j, "height");
            kb_json_int(&o->j, m.height);
            kb_json_key(&o->j, "bytes");
            kb_json_int(&o->j, m.bytes);
            j_str(&o->j, "alt", m.alt);
            j_str(&o->j, "caption", m.caption);
            j_str(&o->j, "credit", m.credit);
            j_str(&o->j, "copyright", m.copyright);
            j_str(&o->j, "uploader", m.uploader);
            j_time(&o->j, "created", m.created, 0);
            kb_media_rec_release(&m);
            rc = rec_end(o, d);
        }
        if (n)
            after = ids[n - 1];
    } while (rc == 0 && n == PAGE);
    return rc;
}

/* Translation groups, by group id: {"group": id, "articles": [ids]} (ids of this export). */
static int export_translations(struct kb_store *s, struct out *o, struct kb_diag *d)
{
    int64_t *pairs = NULL;
    size_t n = 0;
    int rc = kb_store_export_translations(s, &pairs, &n, d);
    for (size_t i = 0; i < n && rc == 0;) {
        int64_t g = pairs[2 * i];
        rec_begin(o, "translations");
        kb_json_key(&o->j, "group");
        kb_json_int(&o->j, g);
        kb_json_key(&o->j, "articles");
        kb_json_arr(&o->j);
        for (; i < n && pairs[2 * i] == g; i++)
            kb_json_int(&o->j, pairs[2 * i + 1]);
        kb_json_end(&o->j);
        rc = rec_end(o, d);
    }
    free(pairs);
    return rc;
}

static int export_all(struct kb_store *s, struct out *o, const struct kb_export_opts *opts,
                      struct kb_export_report *rep, struct kb_diag *d)
{
    size_t total = 0;
    int rc = kb_store_article_count(s, &total, d);
    if (rc)
        return rc;
    rec_begin(o, "khabar-export");
    kb_json_key(&o->j, "format");
    kb_json_int(&o->j, EXPORT_FORMAT);
    kb_json_key(&o->j, "schema");
    kb_json_int(&o->j, kb_store_schema_version());
    kb_json_key(&o->j, "articles");
    kb_json_int(&o->j, (int64_t)total);
    kb_json_key(&o->j, "revisions");
    kb_json_bool(&o->j, opts->revisions);
    if ((rc = rec_end(o, d)))
        return rc;

    char **keys = NULL, **values = NULL;
    size_t nset = 0;
    if ((rc = kb_store_export_settings(s, &keys, &values, &nset, d)))
        return rc;
    for (size_t i = 0; i < nset && rc == 0; i++) {
        rec_begin(o, "setting");
        j_str(&o->j, "key", keys[i]);
        j_str(&o->j, "value", values[i]);
        rc = rec_end(o, d);
        rep->settings += rc == 0;
    }
    kb_export_strings_free(keys, values, nset);
    if (rc)
        return rc;

    if ((rc = export_users(s, o, d)) || (rc = export_sections(s, o, rep, d)) ||
        (rc = export_media(s, o, d)))
        return rc;

    int64_t ids[PAGE], after = 0;
    size_t n = 0, done = 0;
    do {
        if ((rc = kb_store_export_ids(s, after, ids, PAGE, &n, d)))
            return rc;
        for (size_t i = 0; i < n && rc == 0; i++) {
            rc = export_article(s, o, ids[i], opts->revisions, rep, d);
            done++;
        }
        if (n)
            after = ids[n - 1];
        if (opts->progress)
            opts->progress(opts->progress_ctx, done, total);
    } while (rc == 0 && n == PAGE);
    return rc ? rc : export_translations(s, o, d);
}

int kb_engine_export_jsonl(struct kb_store *s, kb_export_write_fn write, void *ctx,
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
    struct out o = {.write = write, .ctx = ctx};
    kb_buf_init(&o.b, LINE_CAP);
    int rc = kb_store_read_begin(s, d);
    if (rc == 0) {
        rc = export_all(s, &o, opts, &rep, d);
        kb_store_read_end(s);
    }
    kb_buf_release(&o.b);
    if (report)
        *report = rep;
    return rc;
}

/* ---- reading back ---------------------------------------------------------------------- */

struct kb_record_state {
    int64_t export_id; /* the export id of the article last imported */
    int64_t id;        /* and its id here */
    int64_t *map;      /* (export id, id here) pairs of every article imported, in order */
    size_t nmap, cap;
};

struct kb_record_state *kb_record_state_new(void)
{
    return kb_calloc(1, sizeof(struct kb_record_state));
}

void kb_record_state_free(struct kb_record_state *st)
{
    if (st)
        free(st->map);
    free(st);
}

static void map_add(struct kb_record_state *st, int64_t export_id, int64_t id)
{
    st->export_id = export_id;
    st->id = id;
    if (!export_id)
        return;
    if (st->nmap == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 256;
        st->map = kb_realloc(st->map, st->cap * 2 * sizeof(*st->map));
    }
    st->map[2 * st->nmap] = export_id;
    st->map[2 * st->nmap + 1] = id;
    st->nmap++;
}

/* The id here of export id `x`, 0 when no record of this import had it.  Exports list
 * articles by ascending id, so the map is searched by halves, with a scan as fallback. */
static int64_t map_find(const struct kb_record_state *st, int64_t x)
{
    size_t lo = 0, hi = st->nmap;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->map[2 * mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < st->nmap && st->map[2 * lo] == x)
        return st->map[2 * lo + 1];
    for (size_t i = 0; i < st->nmap; i++)
        if (st->map[2 * i] == x)
            return st->map[2 * i + 1];
    return 0;
}

bool kb_export_is_record(const char *line, size_t n)
{
    size_t i = 0;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= n || line[i] != '{')
        return false;
    i++;
    while (i < n && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return n - i >= 6 && memcmp(line + i, "\"kind\"", 6) == 0;
}

/* A string member: absent or null leaves *dst NULL; NUL inside is refused. */
static int get_str(const json_t *obj, const char *key, char **dst, struct kb_diag *d)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return kb_diag_set(d, KB_EINVAL, key, "must be a string or null");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return kb_diag_set(d, KB_EINVAL, key, "contains a NUL character");
    kb_set_str(dst, json_string_value(v));
    return 0;
}

static int get_int(const json_t *obj, const char *key, int64_t min, int64_t *out, bool required,
                   struct kb_diag *d)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return required ? kb_diag_set(d, KB_EINVAL, key, "is required") : 0;
    if (!json_is_integer(v) || json_integer_value(v) < min)
        return kb_diag_set(d, KB_EINVAL, key, "must be an integer >= %lld", (long long)min);
    *out = json_integer_value(v);
    return 0;
}

static int get_time(const json_t *obj, const char *key, int64_t *t, int *off, struct kb_diag *d)
{
    char *s = NULL;
    int rc = get_str(obj, key, &s, d);
    if (rc || !s)
        return rc;
    struct kb_diag why;
    kb_diag_clear(&why);
    int o = 0;
    rc = kb_date_parse_iso8601(s, strlen(s), 0, t, off ? off : &o, &why);
    free(s);
    if (rc)
        return kb_diag_set(d, KB_EINVAL, key, "%s",
                           why.msg[0] ? why.msg : "is not an ISO 8601 time");
    return 0;
}

/* One-line text kept beside an article: at most KB_MAX_SOURCE bytes, no control characters
 * (jansson has already refused invalid UTF-8). */
static int line_ok(const char *v, const char *field, struct kb_diag *d)
{
    if (!v)
        return 0;
    size_t n = strlen(v);
    if (n > KB_MAX_SOURCE)
        return kb_diag_set(d, KB_ETOOBIG, field, "is longer than %d bytes", KB_MAX_SOURCE);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || v[i] == 0x7F)
            return kb_diag_set(d, KB_EINVAL, field, "contains a control character (byte %zu)", i);
    return 0;
}

static int parse_origin(const json_t *obj, struct kb_origin *o, struct kb_diag *d)
{
    const json_t *v = json_object_get(obj, "origin");
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return kb_diag_set(d, KB_EINVAL, "origin", "must be an object or null");
    char *format = NULL;
    int rc = get_str(v, "format", &format, d);
    if (rc == 0 && (!format || !*format || strlen(format) >= sizeof(o->format)))
        rc = kb_diag_set(d, KB_EINVAL, "origin.format", "must be a short name like \"ninjs\"");
    if (rc == 0)
        snprintf(o->format, sizeof(o->format), "%s", format);
    free(format);
    if (rc || (rc = get_str(v, "version", &o->version, d)) ||
        (rc = get_time(v, "versioncreated", &o->versioncreated, &o->versioncreated_offset, d)) ||
        (rc = get_time(v, "firstcreated", &o->firstcreated, &o->firstcreated_offset, d)) ||
        (rc = get_str(v, "located", &o->located, d)))
        return rc;
    if ((rc = line_ok(o->version, "origin.version", d)) ||
        (rc = line_ok(o->located, "origin.located", d)))
        return rc;
    return 0;
}

static int sanitize(struct kb_article *a, struct kb_diag *d)
{
    if (!a->body_html)
        return 0;
    struct kb_buf clean;
    kb_buf_init(&clean, KB_MAX_BODY + 1);
    struct kb_diag why;
    kb_diag_clear(&why);
    int rc = kb_html_sanitize(a->body_html, strlen(a->body_html), &clean, &why);
    if (rc == 0 && kb_buf_err(&clean))
        rc = KB_ETOOBIG;
    if (rc == 0) {
        free(a->body_html);
        a->body_html = kb_buf_detach(&clean, NULL);
    }
    kb_buf_release(&clean);
    if (rc)
        return kb_diag_set(d, rc, "body_html", "%s",
                           why.msg[0] ? why.msg : "is longer than the limit once sanitized");
    return 0;
}

/* "redirects": site paths (old addresses, canonical as the redirects table keeps them). */
static int parse_redirects(const json_t *obj, struct kb_article_extra *x, struct kb_diag *d)
{
    const json_t *v = json_object_get(obj, "redirects");
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v))
        return kb_diag_set(d, KB_EINVAL, "redirects", "must be an array of paths");
    size_t n = json_array_size(v);
    if (n > 1000)
        return kb_diag_set(d, KB_ETOOBIG, "redirects", "more than 1000 old paths");
    x->redirects = kb_calloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        const json_t *p = json_array_get(v, i);
        const char *s = json_is_string(p) ? json_string_value(p) : NULL;
        if (!s || s[0] != '/' || strlen(s) != json_string_length(p) || strlen(s) > 2000)
            return kb_diag_set(d, KB_EINVAL, "redirects", "path %zu is not a site path", i + 1);
        for (const char *c = s; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7F)
                return kb_diag_set(d, KB_EINVAL, "redirects",
                                   "path %zu contains a control character", i + 1);
        x->redirects[x->nredirects++] = kb_strdup(s);
    }
    return 0;
}

static bool same_paths(const struct kb_article_extra *a, const struct kb_article_extra *b)
{
    if (a->nredirects != b->nredirects)
        return false;
    for (size_t i = 0; i < a->nredirects; i++) {
        bool found = false;
        for (size_t k = 0; k < b->nredirects && !found; k++)
            found = strcmp(a->redirects[i], b->redirects[k]) == 0;
        if (!found)
            return false;
    }
    return true;
}

struct art_rec {
    struct kb_article a;
    struct kb_article_extra x;
    int64_t export_id;
};

static int parse_article(const json_t *obj, struct art_rec *r, struct kb_diag *d)
{
    static const char *const extra_keys[] = {"kind",      "id",          "external_id",    "author",
                                             "version",   "trashed",     "trashed_status", "origin",
                                             "redirects", "translations"};
    json_t *copy = json_copy((json_t *)obj);
    for (size_t i = 0; i < sizeof(extra_keys) / sizeof(extra_keys[0]); i++)
        json_object_del(copy, extra_keys[i]);
    int rc = kb_article_from_json(copy, &r->a, d);
    json_decref(copy);
    if (rc)
        return rc;
    char *author = NULL, *tstatus = NULL;
    if ((rc = get_int(obj, "id", 1, &r->export_id, false, d)) ||
        (rc = get_str(obj, "external_id", &r->a.external_id, d)) ||
        (rc = get_str(obj, "author", &author, d)) ||
        (rc = get_int(obj, "version", 1, &r->x.version, false, d)) ||
        (rc = get_time(obj, "trashed", &r->x.trashed, NULL, d)) ||
        (rc = get_str(obj, "trashed_status", &tstatus, d)) ||
        (rc = parse_origin(obj, &r->x.origin, d)) || (rc = parse_redirects(obj, &r->x, d)))
        goto out;
    if (author) {
        if (strlen(author) >= sizeof(r->x.author)) {
            rc = kb_diag_set(d, KB_EINVAL, "author", "is longer than %d bytes", KB_USER_NAME_MAX);
            goto out;
        }
        snprintf(r->x.author, sizeof(r->x.author), "%s", author);
    }
    r->x.trashed_status = KB_STATUS_DRAFT;
    if (tstatus && kb_status_parse(tstatus, &r->x.trashed_status) != 0) {
        rc = kb_diag_set(d, KB_EINVAL, "trashed_status", "'%.40s' is not a status", tstatus);
        goto out;
    }
    if (!r->x.version)
        r->x.version = 1;
    r->a.id = 0;
    if (!r->a.language || !*r->a.language)
        kb_set_str(&r->a.language, "ar");
    if ((rc = sanitize(&r->a, d)) || (rc = kb_article_validate(&r->a, d)))
        goto out;
out:
    free(author);
    free(tstatus);
    return rc;
}

static bool same_str(const char *x, const char *y)
{
    if (!x || !*x)
        return !y || !*y;
    return y && strcmp(x, y) == 0;
}

static bool same_origin(const struct kb_origin *a, const struct kb_origin *b)
{
    return strcmp(a->format, b->format) == 0 && same_str(a->version, b->version) &&
           a->versioncreated == b->versioncreated &&
           a->versioncreated_offset == b->versioncreated_offset &&
           a->firstcreated == b->firstcreated && a->firstcreated_offset == b->firstcreated_offset &&
           same_str(a->located, b->located);
}

/* Is the stored article `old` (with its extra) already what the record says? */
static bool same_article(const struct art_rec *r, const struct kb_article *old,
                         const struct kb_article_extra *ox)
{
    const struct kb_article *a = &r->a;
    return kb_article_diff_fields(a, old) == 0 && a->published_offset == old->published_offset &&
           (!a->updated ||
            (a->updated == old->updated && a->updated_offset == old->updated_offset)) &&
           same_str(a->external_id, old->external_id) &&
           same_str(a->section.slug, old->section.slug) && strcmp(r->x.author, ox->author) == 0 &&
           r->x.version == ox->version && r->x.trashed == ox->trashed &&
           (!r->x.trashed || r->x.trashed_status == ox->trashed_status) &&
           same_origin(&r->x.origin, &ox->origin) && same_paths(&r->x, ox);
}

/* The section the record names: its slug must exist (section records come first); a
 * record without one creates it from slug and name. */
static int ensure_section(struct kb_store *s, struct kb_article *a, struct kb_diag *d)
{
    struct kb_section sec = {0};
    const char *key = a->section.slug ? a->section.slug : a->section.name;
    int rc = kb_store_section_get(s, key, &sec, d);
    if (rc == KB_ENOTFOUND) {
        kb_diag_clear(d);
        if (a->section.slug && a->section.name) {
            kb_set_str(&sec.slug, a->section.slug);
            kb_set_str(&sec.name, a->section.name);
            sec.position = 1000;
            rc = kb_store_section_put(s, &sec, d);
        } else {
            rc = kb_store_section_ensure(s, key, &sec, d);
        }
    }
    if (rc == 0)
        kb_set_str(&a->section.slug, sec.slug);
    kb_section_release(&sec);
    return rc;
}

static int import_article(struct kb_store *s, struct kb_record_state *st, const json_t *obj,
                          bool write, enum kb_record_outcome *out, const char **warning,
                          struct kb_diag *d)
{
    struct art_rec r = {.export_id = 0};
    kb_article_init(&r.a);
    int rc = parse_article(obj, &r, d);
    if (rc || !write)
        goto done;
    if ((rc = ensure_section(s, &r.a, d)))
        goto done;
    int64_t existing = 0;
    if (r.a.external_id) {
        rc = kb_store_article_find_external(s, r.a.external_id, &existing, d);
    } else {
        struct kb_article by_slug;
        kb_article_init(&by_slug);
        rc = kb_store_article_get_slug(s, r.a.slug ? r.a.slug : "", &by_slug, d);
        /* a native record never takes over an imported article that has its slug */
        if (rc == 0 && !by_slug.external_id)
            existing = by_slug.id;
        else if (rc == 0)
            rc = KB_ENOTFOUND;
        kb_article_release(&by_slug);
    }
    if (rc && rc != KB_ENOTFOUND)
        goto done;
    kb_diag_clear(d);
    int64_t updated = r.a.updated;
    int updated_offset = r.a.updated_offset;
    if (existing) {
        struct kb_article old;
        kb_article_init(&old);
        struct kb_article_extra ox = {0};
        rc = kb_store_article_get(s, existing, &old, d);
        if (rc == 0)
            rc = kb_store_article_extra_get(s, existing, &ox, d);
        bool same = rc == 0 && same_article(&r, &old, &ox);
        kb_article_extra_release(&ox);
        kb_article_release(&old);
        if (rc)
            goto done;
        if (same) {
            *out = KB_RECORD_UNCHANGED;
            map_add(st, r.export_id, existing);
            goto done;
        }
        r.a.id = existing;
    } else {
        r.a.want_id = r.export_id;
    }
    if ((rc = kb_store_article_put(s, &r.a, d)))
        goto done;
    rc = kb_store_article_extra_put(s, r.a.id, &r.x, updated, updated_offset, d);
    if (rc == 1) {
        if (warning)
            *warning = "unknown author (left without one)";
        rc = 0;
    }
    if (rc)
        goto done;
    *out = existing ? KB_RECORD_UPDATED : KB_RECORD_CREATED;
    map_add(st, r.export_id, r.a.id);
done:
    kb_article_extra_release(&r.x);
    kb_article_release(&r.a);
    return rc;
}

static int import_setting(struct kb_store *s, const json_t *obj, bool write,
                          enum kb_record_outcome *out, struct kb_diag *d)
{
    char *key = NULL, *value = NULL, *old = NULL;
    int rc;
    if ((rc = get_str(obj, "key", &key, d)) || (rc = get_str(obj, "value", &value, d)))
        goto done;
    if (!key || !value) {
        rc = kb_diag_set(d, KB_EINVAL, key ? "value" : "key", "is required");
        goto done;
    }
    if (!write)
        goto done;
    if ((rc = kb_store_setting_get(s, key, &old, d)))
        goto done;
    if (!old || strcmp(old, value) != 0)
        rc = kb_store_setting_put(s, key, value, d);
    *out = KB_RECORD_OTHER;
done:
    free(key);
    free(value);
    free(old);
    return rc;
}

static int import_section(struct kb_store *s, const json_t *obj, bool write,
                          enum kb_record_outcome *out, struct kb_diag *d)
{
    struct kb_section sec = {0}, old = {0};
    int64_t pos = 0;
    char *parent = NULL;
    int rc;
    if ((rc = get_str(obj, "slug", &sec.slug, d)) || (rc = get_str(obj, "name", &sec.name, d)) ||
        (rc = get_int(obj, "position", INT32_MIN, &pos, false, d)) ||
        (rc = get_str(obj, "parent", &parent, d)))
        goto done;
    if (pos > INT32_MAX) {
        rc = kb_diag_set(d, KB_EINVAL, "position", "is out of range");
        goto done;
    }
    sec.position = (int)pos;
    if ((rc = kb_section_validate(&sec, d)) || !write)
        goto done;
    rc = kb_store_section_get(s, sec.slug, &old, d);
    *out = KB_RECORD_OTHER;
    bool same_parent =
        (!parent && !old.parent) || (parent && old.parent && strcmp(parent, old.parent) == 0);
    if (rc == 0 && strcmp(old.slug, sec.slug) == 0 && strcmp(old.name, sec.name) == 0 &&
        old.position == sec.position && same_parent)
        goto done;
    if (rc && rc != KB_ENOTFOUND)
        goto done;
    kb_diag_clear(d);
    if ((rc = kb_store_section_put(s, &sec, d)))
        goto done;
    if (!same_parent) {
        rc = kb_store_section_set_parent(s, sec.slug, parent, d);
        if (rc && d && !d->field[0])
            snprintf(d->field, sizeof(d->field), "parent");
    }
done:
    free(parent);
    kb_section_release(&sec);
    kb_section_release(&old);
    return rc;
}

static int import_revision(struct kb_store *s, struct kb_record_state *st, const json_t *obj,
                           bool write, enum kb_record_outcome *out, const char **warning,
                           struct kb_diag *d)
{
    int64_t art = 0, number = 0, version = 0, created = 0;
    char *user = NULL, *json = NULL;
    unsigned changed = 0;
    int rc;
    if ((rc = get_int(obj, "article", 1, &art, true, d)) ||
        (rc = get_int(obj, "number", 1, &number, true, d)) ||
        (rc = get_int(obj, "version", 1, &version, true, d)) ||
        (rc = get_str(obj, "user", &user, d)) ||
        (rc = get_time(obj, "created", &created, NULL, d)) || (rc = get_str(obj, "json", &json, d)))
        goto done;
    const json_t *ch = json_object_get(obj, "changed");
    if (ch && !json_is_null(ch)) {
        if (!json_is_array(ch)) {
            rc = kb_diag_set(d, KB_EINVAL, "changed", "must be an array of field names");
            goto done;
        }
        for (size_t i = 0; i < json_array_size(ch); i++) {
            const json_t *f = json_array_get(ch, i);
            if (!json_is_string(f)) {
                rc = kb_diag_set(d, KB_EINVAL, "changed", "must be an array of field names");
                goto done;
            }
            changed |= kb_field_bit(json_string_value(f));
        }
    }
    if (!json) {
        rc = kb_diag_set(d, KB_EINVAL, "json", "is required");
        goto done;
    }
    json_error_t jerr;
    json_t *inner = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (!inner || !json_is_object(inner)) {
        json_decref(inner);
        rc = kb_diag_set(d, KB_EINVAL, "json", "is not an article JSON object");
        goto done;
    }
    json_decref(inner);
    if (!write)
        goto done;
    if (art != st->export_id || !st->id) {
        rc = kb_diag_set(d, KB_EINVAL, "article",
                         "revision of article %lld does not follow that article's record",
                         (long long)art);
        goto done;
    }
    *out = KB_RECORD_OTHER;
    struct kb_revision old = {0};
    rc = kb_store_revision_get(s, st->id, number, 0, &old, d);
    kb_revision_release(&old);
    if (rc == 0 || rc != KB_ENOTFOUND)
        goto done; /* already there (revisions never change), or a store error */
    kb_diag_clear(d);
    int64_t uid = 0;
    if (user) {
        struct kb_user u = {0};
        if (kb_store_user_get(s, user, 0, &u, NULL) == 0)
            uid = u.id;
        else if (warning)
            *warning = "unknown revision user (left without one)";
        kb_user_release(&u);
    }
    int64_t got = 0;
    rc = kb_store_revision_add(s, st->id, version, uid, created, changed, json, &got, d);
    if (rc == 0 && got != number && warning)
        *warning = "revision renumbered (the export skipped numbers)";
done:
    free(user);
    free(json);
    return rc;
}

/* A media row, keyed by its hash: created, or its text fields set when they differ.  The
 * file itself must be copied to the media directory separately (docs/jsonl.md). */
static int import_media(struct kb_store *s, const json_t *obj, bool write,
                        enum kb_record_outcome *out, const char **warning, struct kb_diag *d)
{
    struct kb_media_rec m = {0}, old = {0};
    char *hash = NULL, *type = NULL, *uploader = NULL;
    int rc;
    if ((rc = get_str(obj, "hash", &hash, d)) || (rc = get_str(obj, "type", &type, d)) ||
        (rc = get_int(obj, "width", 1, &m.width, true, d)) ||
        (rc = get_int(obj, "height", 1, &m.height, true, d)) ||
        (rc = get_int(obj, "bytes", 1, &m.bytes, true, d)) ||
        (rc = get_str(obj, "alt", &m.alt, d)) || (rc = get_str(obj, "caption", &m.caption, d)) ||
        (rc = get_str(obj, "credit", &m.credit, d)) ||
        (rc = get_str(obj, "copyright", &m.copyright, d)) ||
        (rc = get_str(obj, "uploader", &uploader, d)) ||
        (rc = get_time(obj, "created", &m.created, NULL, d)))
        goto done;
    bool hex = hash && strlen(hash) == 64;
    for (size_t i = 0; hex && i < 64; i++)
        hex = (hash[i] >= '0' && hash[i] <= '9') || (hash[i] >= 'a' && hash[i] <= 'f');
    if (!hex) {
        rc = kb_diag_set(d, KB_EINVAL, "hash", "must be 64 lowercase hex digits (SHA-256)");
        goto done;
    }
    if (!type || (strcmp(type, "jpeg") && strcmp(type, "png") && strcmp(type, "webp"))) {
        rc = kb_diag_set(d, KB_EINVAL, "type", "must be jpeg, png or webp");
        goto done;
    }
    const char *const texts[] = {m.alt, m.caption, m.credit, m.copyright};
    for (size_t i = 0; i < 4; i++)
        if (texts[i] && (rc = line_ok(texts[i], "media text", d)))
            goto done;
    if (!write)
        goto done;
    *out = KB_RECORD_OTHER;
    rc = kb_store_media_get(s, 0, hash, &old, d);
    if (rc == 0) {
        bool same = strcmp(old.alt, m.alt ? m.alt : "") == 0 &&
                    strcmp(old.caption, m.caption ? m.caption : "") == 0 &&
                    strcmp(old.credit, m.credit ? m.credit : "") == 0 &&
                    strcmp(old.copyright, m.copyright ? m.copyright : "") == 0;
        if (!same)
            rc = kb_store_media_set_text(s, old.id, m.alt ? m.alt : "", m.caption ? m.caption : "",
                                         m.credit ? m.credit : "", m.copyright ? m.copyright : "",
                                         d);
        goto done;
    }
    if (rc != KB_ENOTFOUND)
        goto done;
    kb_diag_clear(d);
    snprintf(m.hash, sizeof(m.hash), "%s", hash);
    snprintf(m.type, sizeof(m.type), "%s", type);
    if (uploader) {
        struct kb_user u = {0};
        if (kb_store_user_get(s, uploader, 0, &u, NULL) == 0)
            m.uploaded_by = u.id;
        else if (warning)
            *warning = "unknown media uploader (left without one)";
        kb_user_release(&u);
    }
    if (!m.alt)
        m.alt = kb_strdup("");
    if (!m.caption)
        m.caption = kb_strdup("");
    if (!m.credit)
        m.credit = kb_strdup("");
    if (!m.copyright)
        m.copyright = kb_strdup("");
    rc = kb_store_media_insert(s, &m, d);
done:
    free(hash);
    free(type);
    free(uploader);
    kb_media_rec_release(&m);
    kb_media_rec_release(&old);
    return rc;
}

/* A user: created without a password when this database has no user of that name (an
 * existing user is left as it is: its password and role are this site's). */
static int import_user(struct kb_store *s, const json_t *obj, bool write,
                       enum kb_record_outcome *out, struct kb_diag *d)
{
    char *name = NULL, *role = NULL;
    int64_t created = 0;
    enum kb_role r = KB_ROLE_AUTHOR;
    int rc;
    if ((rc = get_str(obj, "name", &name, d)) || (rc = get_str(obj, "role", &role, d)) ||
        (rc = get_time(obj, "created", &created, NULL, d)))
        goto done;
    const json_t *dis = json_object_get(obj, "disabled");
    if (dis && !json_is_boolean(dis)) {
        rc = kb_diag_set(d, KB_EINVAL, "disabled", "must be true or false");
        goto done;
    }
    if (!name || (rc = kb_user_name_check(name, d))) {
        rc = rc ? rc : kb_diag_set(d, KB_EINVAL, "name", "is required");
        goto done;
    }
    if (!role || kb_role_parse(role, &r, NULL) != 0) {
        rc = kb_diag_set(d, KB_EINVAL, "role", "must be admin, editor, author or contributor");
        goto done;
    }
    if (!write)
        goto done;
    *out = KB_RECORD_OTHER;
    struct kb_user u = {0};
    rc = kb_store_user_get(s, name, 0, &u, d);
    kb_user_release(&u);
    if (rc != KB_ENOTFOUND)
        goto done;
    kb_diag_clear(d);
    int64_t id = 0;
    if ((rc = kb_store_user_add(s, name, r, "", created ? created : 1, &id, d)) == 0 &&
        json_is_true(dis))
        rc = kb_store_user_set_disabled(s, id, true, d);
done:
    free(name);
    free(role);
    return rc;
}

/* A translation group: every member (by its export id) into one group. */
static int import_translations(struct kb_store *s, struct kb_record_state *st, const json_t *obj,
                               bool write, enum kb_record_outcome *out, struct kb_diag *d)
{
    int64_t group = 0;
    int rc = get_int(obj, "group", 1, &group, true, d);
    if (rc)
        return rc;
    const json_t *arr = json_object_get(obj, "articles");
    if (!json_is_array(arr) || json_array_size(arr) < 2 ||
        json_array_size(arr) > KB_MAX_TRANSLATIONS + 1)
        return kb_diag_set(d, KB_EINVAL, "articles", "must be an array of 2 to %d article ids",
                           KB_MAX_TRANSLATIONS + 1);
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (!json_is_integer(json_array_get(arr, i)) ||
            json_integer_value(json_array_get(arr, i)) < 1)
            return kb_diag_set(d, KB_EINVAL, "articles", "member %zu is not an article id", i + 1);
    if (!write)
        return 0;
    *out = KB_RECORD_OTHER;
    int64_t g = map_find(st, group);
    for (size_t i = 0; i < json_array_size(arr) && rc == 0; i++) {
        int64_t x = json_integer_value(json_array_get(arr, i));
        int64_t id = map_find(st, x);
        if (!id)
            return kb_diag_set(d, KB_EINVAL, "articles", "article %lld is not in this import",
                               (long long)x);
        if (!g) /* the group's own id was an article not exported: use the smallest here */
            g = id;
        rc = kb_store_translation_set(s, id, g, NULL, d);
    }
    return rc;
}

int kb_engine_import_record(struct kb_store *s, struct kb_record_state *st, const char *line,
                            size_t n, bool write, enum kb_record_outcome *out, const char **warning,
                            struct kb_diag *d)
{
    *out = KB_RECORD_NONE;
    if (warning)
        *warning = NULL;
    json_error_t jerr;
    json_t *obj = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!obj) {
        enum json_error_code code = json_error_code(&jerr);
        if (code == json_error_invalid_utf8)
            return kb_diag_set(d, KB_EINVAL, "", "invalid UTF-8 (near byte %d)", jerr.position);
        if (code == json_error_duplicate_key)
            return kb_diag_set(d, KB_EINVAL, "", "duplicate key: %s", jerr.text);
        return kb_diag_set(d, KB_EINVAL, "", "invalid JSON at column %d: %s", jerr.column,
                           jerr.text);
    }
    int rc;
    const json_t *k = json_object_get(obj, "kind");
    const char *kind = json_is_string(k) ? json_string_value(k) : "";
    if (strcmp(kind, "article") == 0) {
        rc = import_article(s, st, obj, write, out, warning, d);
    } else if (strcmp(kind, "revision") == 0) {
        rc = import_revision(s, st, obj, write, out, warning, d);
    } else if (strcmp(kind, "section") == 0) {
        rc = import_section(s, obj, write, out, d);
    } else if (strcmp(kind, "setting") == 0) {
        rc = import_setting(s, obj, write, out, d);
    } else if (strcmp(kind, "user") == 0) {
        rc = import_user(s, obj, write, out, d);
    } else if (strcmp(kind, "media") == 0) {
        rc = import_media(s, obj, write, out, warning, d);
    } else if (strcmp(kind, "translations") == 0) {
        rc = import_translations(s, st, obj, write, out, d);
    } else if (strcmp(kind, "khabar-export") == 0) {
        int64_t format = 0;
        rc = get_int(obj, "format", 1, &format, true, d);
        if (rc == 0 && format > EXPORT_FORMAT)
            rc = kb_diag_set(d, KB_EINVAL, "format",
                             "export format %lld is newer than this build reads (%d)",
                             (long long)format, EXPORT_FORMAT);
    } else {
        rc = kb_diag_set(d, KB_EINVAL, "kind",
                         "'%.40s' is not a record kind (khabar-export, setting, user, "
                         "section, media, article, revision, translations)",
                         kind);
    }
    json_decref(obj);
    return rc;
}
