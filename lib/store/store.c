/*
 * store.c — the store interface: picks a backend by location and dispatches to it.
 *
 * Everything that does not depend on the database engine lives here, once: refusing writes
 * on a read-only store, validating what is written, bounding queries, and the find-or-create
 * of sections by name with the built-in slug table.  Backends (store_int.h) only talk to
 * their database.
 *
 * Invariant: no write reaches a backend unless it passed the checks here, so a validation
 * failure never writes anything.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "khabar/store.h"
#include "khabar/text.h"
#include "khabar/utf8.h"
#include "store_int.h"

/* ---- opening ---------------------------------------------------------------------------- */

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int64_t system_now(void)
{
    return (int64_t)time(NULL);
}

int kb_store_open(const char *location, enum kb_store_mode mode, struct kb_store **out,
                  struct kb_diag *d)
{
    if (!location || !*location)
        return kb_diag_set(d, KB_EINVAL, "", "no database location given");
    if (mode != KB_STORE_CREATE && mode != KB_STORE_EXISTING && mode != KB_STORE_READONLY)
        return kb_diag_set(d, KB_EINVAL, "", "unknown open mode %d", (int)mode);
    bool pg = starts(location, "postgres://") || starts(location, "postgresql://");
    const char *path = starts(location, "sqlite:") ? location + 7 : location;
    if (!*path)
        return kb_diag_set(d, KB_EINVAL, "", "no database path after 'sqlite:'");
    struct kb_store *s = NULL;
    int rc = pg ? kb_store_pg_open(location, mode, &s, d) : kb_store_sqlite_open(path, mode, &s, d);
    if (rc)
        return rc;
    s->mode = mode;
    s->now = system_now;
    *out = s;
    return 0;
}

void kb_store_close(struct kb_store *s)
{
    if (s)
        s->ops->close(s);
}

void kb_store_set_clock(struct kb_store *s, int64_t (*now)(void))
{
    s->now = now ? now : system_now;
}

int64_t kb_store_now(const struct kb_store *s)
{
    return s->now();
}

int kb_store_schema_version(void)
{
    return kb_store_sqlite_nmigrations;
}

const char *kb_store_backend(const struct kb_store *s)
{
    return s->ops->name;
}

static int writable(struct kb_store *s, struct kb_diag *d)
{
    if (s->mode == KB_STORE_READONLY)
        return kb_diag_set(d, KB_EDB, "", "the database is open read-only");
    return 0;
}

/* ---- transactions ----------------------------------------------------------------------- */

int kb_store_begin(struct kb_store *s, struct kb_diag *d)
{
    int rc = writable(s, d);
    return rc ? rc : s->ops->begin(s, d);
}

int kb_store_commit(struct kb_store *s, struct kb_diag *d)
{
    return s->ops->commit(s, d);
}

void kb_store_rollback(struct kb_store *s)
{
    s->ops->rollback(s);
}

int kb_store_data_version(struct kb_store *s, uint64_t *out, struct kb_diag *d)
{
    return s->ops->data_version(s, out, d);
}

/* ---- settings --------------------------------------------------------------------------- */

static int check_key(const char *key, struct kb_diag *d)
{
    if (!key || !*key || strlen(key) > KB_STORE_MAX_KEY || !kb_utf8_valid(key, strlen(key)))
        return kb_diag_set(d, KB_EINVAL, "key", "a setting key is 1 to %d bytes of UTF-8",
                           KB_STORE_MAX_KEY);
    return 0;
}

int kb_store_setting_get(struct kb_store *s, const char *key, char **out, struct kb_diag *d)
{
    int rc = check_key(key, d);
    return rc ? rc : s->ops->setting_get(s, key, out, d);
}

int kb_store_setting_put(struct kb_store *s, const char *key, const char *value, struct kb_diag *d)
{
    int rc = writable(s, d);
    if (rc || (rc = check_key(key, d)))
        return rc;
    if (value && strlen(value) > KB_STORE_MAX_VALUE)
        return kb_diag_set(d, KB_ETOOBIG, "value", "setting %s is longer than %zu bytes", key,
                           KB_STORE_MAX_VALUE);
    if (value && !kb_utf8_valid(value, strlen(value)))
        return kb_diag_set(d, KB_EINVAL, "value", "setting %s is not valid UTF-8", key);
    return s->ops->setting_put(s, key, value, d);
}

/* ---- sections --------------------------------------------------------------------------- */

int kb_store_section_put(struct kb_store *s, struct kb_section *sec, struct kb_diag *d)
{
    int rc = writable(s, d);
    if (rc || (rc = kb_section_validate(sec, d)))
        return rc;
    if (kb_store_slug_reserved(sec->slug))
        return kb_diag_set(d, KB_EINVAL, "slug", "'%s' is reserved for the site's own pages",
                           sec->slug);
    return s->ops->section_put(s, sec, d);
}

int kb_store_section_get(struct kb_store *s, const char *slug_or_name, struct kb_section *out,
                         struct kb_diag *d)
{
    if (!slug_or_name || !*slug_or_name)
        return kb_diag_set(d, KB_ENOTFOUND, "section", "no section given");
    int rc = s->ops->section_find(s, slug_or_name, false, out, d);
    if (rc == KB_ENOTFOUND)
        rc = s->ops->section_find(s, slug_or_name, true, out, d);
    if (rc == KB_ENOTFOUND)
        return kb_diag_set(d, KB_ENOTFOUND, "section", "no section '%.100s'", slug_or_name);
    return rc;
}

int kb_store_section_list(struct kb_store *s, struct kb_section **out, size_t *n, struct kb_diag *d)
{
    return s->ops->section_list(s, out, n, d);
}

void kb_sections_free(struct kb_section *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        kb_section_release(&v[i]);
    free(v);
}

/* Common Arabic section names and their Latin URL slugs. */
static const struct {
    const char *name;
    const char *slug;
} builtin_sections[] = {
    {"سياسة", "politics"},       {"السياسة", "politics"},
    {"اقتصاد", "economy"},       {"الاقتصاد", "economy"},
    {"رياضة", "sports"},         {"الرياضة", "sports"},
    {"ثقافة", "culture"},        {"الثقافة", "culture"},
    {"تكنولوجيا", "technology"}, {"التكنولوجيا", "technology"},
    {"علوم", "science"},         {"العلوم", "science"},
    {"صحة", "health"},           {"الصحة", "health"},
    {"العالم", "world"},         {"عالم", "world"},
    {"دولي", "world"},           {"دولية", "world"},
    {"منوعات", "variety"},       {"المنوعات", "variety"},
    {"رأي", "opinion"},          {"الرأي", "opinion"},
    {"محليات", "local"},         {"المحليات", "local"},
};

static const char *builtin_slug(const char *name)
{
    for (size_t i = 0; i < sizeof(builtin_sections) / sizeof(builtin_sections[0]); i++)
        if (strcmp(name, builtin_sections[i].name) == 0)
            return builtin_sections[i].slug;
    return NULL;
}

int kb_store_section_ensure(struct kb_store *s, const char *name, struct kb_section *out,
                            struct kb_diag *d)
{
    if (!name || kb_str_trim(kb_str_c(name)).n == 0)
        return kb_diag_set(d, KB_EINVAL, "section", "a section needs a name");
    int rc = kb_store_section_get(s, name, out, d);
    if (rc != KB_ENOTFOUND)
        return rc;
    kb_diag_clear(d);
    if ((rc = writable(s, d)))
        return rc;

    const char *fixed = builtin_slug(name);
    if (fixed) {
        rc = s->ops->section_find(s, fixed, false, out, d);
        if (rc != KB_ENOTFOUND)
            return rc; /* an alias of a section that exists, or an error */
        kb_diag_clear(d);
    }

    struct kb_section *all = NULL;
    size_t n = 0;
    if ((rc = s->ops->section_list(s, &all, &n, d)))
        return rc;
    int position = 0;
    for (size_t i = 0; i < n; i++)
        if (all[i].position >= position)
            position = all[i].position + 1;

    char *base = fixed ? kb_strdup(fixed) : NULL;
    if (!base) {
        struct kb_buf b;
        kb_buf_init(&b, 4 * KB_SLUG_MAX_CHARS);
        kb_slug_make(&b, name, strlen(name));
        base = kb_buf_err(&b) || b.n == 0 ? kb_strdup("section") : kb_buf_detach(&b, NULL);
        kb_buf_release(&b);
        kb_store_slug_cut(base, KB_MAX_SECTION_SLUG - 8); /* room for "-NNNNNNN" */
    }
    struct kb_section sec = {0};
    sec.name = kb_strdup(name);
    sec.position = position;
    struct kb_buf cand;
    kb_buf_init(&cand, KB_MAX_SECTION_SLUG);
    kb_buf_adds(&cand, base);
    for (int k = 2;; k++) {
        bool taken = kb_store_slug_reserved(kb_buf_cstr(&cand));
        for (size_t i = 0; i < n && !taken; i++)
            taken = strcmp(all[i].slug, kb_buf_cstr(&cand)) == 0;
        if (!taken)
            break;
        kb_buf_reset(&cand);
        kb_buf_addf(&cand, "%s-%d", base, k);
    }
    sec.slug = kb_strdup(kb_buf_cstr(&cand));
    kb_buf_release(&cand);
    free(base);
    kb_sections_free(all, n);

    rc = kb_store_section_put(s, &sec, d);
    if (rc) {
        kb_section_release(&sec);
        return rc;
    }
    kb_section_release(out);
    *out = sec;
    return 0;
}

/* ---- articles --------------------------------------------------------------------------- */

void kb_store_slug_cut(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* back to the start of a code point */
    while (n > 1 && s[n - 1] == '-')
        n--;
    s[n] = '\0';
}

char *kb_store_slug_from(const char *headline)
{
    struct kb_buf b;
    kb_buf_init(&b, 4 * KB_SLUG_MAX_CHARS);
    if (headline)
        kb_slug_make(&b, headline, strlen(headline));
    char *slug = kb_buf_err(&b) || b.n == 0 ? kb_strdup("article") : kb_buf_detach(&b, NULL);
    kb_buf_release(&b);
    return slug;
}

int kb_store_article_put(struct kb_store *s, struct kb_article *a, struct kb_diag *d)
{
    int rc = writable(s, d);
    if (rc || (rc = kb_article_validate(a, d)))
        return rc;
    if (a->id < 0)
        return kb_diag_set(d, KB_EINVAL, "id", "is negative");
    return s->ops->article_put(s, a, d);
}

int kb_store_article_delete(struct kb_store *s, int64_t id, struct kb_diag *d)
{
    int rc = writable(s, d);
    return rc ? rc : s->ops->article_delete(s, id, d);
}

int kb_store_article_get(struct kb_store *s, int64_t id, struct kb_article *out, struct kb_diag *d)
{
    return s->ops->article_get(s, id, NULL, out, d);
}

int kb_store_article_get_slug(struct kb_store *s, const char *slug, struct kb_article *out,
                              struct kb_diag *d)
{
    if (!slug || !*slug)
        return kb_diag_set(d, KB_ENOTFOUND, "slug", "no slug given");
    return s->ops->article_get(s, 0, slug, out, d);
}

int kb_store_article_find_external(struct kb_store *s, const char *external_id, int64_t *id,
                                   struct kb_diag *d)
{
    if (!external_id || !*external_id)
        return kb_diag_set(d, KB_ENOTFOUND, "external_id", "no external id given");
    return s->ops->article_find_external(s, external_id, id, d);
}

int kb_store_article_list(struct kb_store *s, const struct kb_article_query *q,
                          struct kb_article **out, size_t *n, size_t *total, struct kb_diag *d)
{
    if (q->limit > KB_STORE_MAX_LIMIT)
        return kb_diag_set(d, KB_EINVAL, "limit", "at most %d articles at a time",
                           KB_STORE_MAX_LIMIT);
    if (q->offset > (size_t)INT64_MAX)
        return kb_diag_set(d, KB_EINVAL, "offset", "is too large");
    return s->ops->article_list(s, q, out, n, total, d);
}

void kb_articles_free(struct kb_article *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        kb_article_release(&v[i]);
    free(v);
}

int kb_store_article_count(struct kb_store *s, size_t *out, struct kb_diag *d)
{
    return s->ops->article_count(s, out, d);
}

/* ---- search ----------------------------------------------------------------------------- */

int kb_store_search(struct kb_store *s, const struct kb_search_request *rq,
                    struct kb_search_hit **out, size_t *n, size_t *total, struct kb_diag *d)
{
    if (!rq->match || !*rq->match)
        return kb_diag_set(d, KB_EINVAL, "q", "nothing to search for");
    if (rq->limit > KB_SEARCH_MAX_LIMIT)
        return kb_diag_set(d, KB_EINVAL, "limit", "at most %d results at a time",
                           KB_SEARCH_MAX_LIMIT);
    return s->ops->search(s, rq, out, n, total, d);
}

int kb_store_search_rebuild(struct kb_store *s, struct kb_diag *d)
{
    int rc = writable(s, d);
    return rc ? rc : s->ops->search_rebuild(s, d);
}
