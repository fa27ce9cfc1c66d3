/*
 * pages.c — the public site's use-cases: site settings, list pages, article pages with the
 * Discover rail, the read-only JSON API and the health check.
 *
 * Invariants: only live articles (published, published <= now) reach a page or the API;
 * every response has a status and a content type, and its body is complete or the call
 * failed (a body past KB_PAGES_MAX_BODY is an error, never a truncated page); `out` is
 * written only on success.  No I/O but the store; no clock but `now`.
 */
#include <stdlib.h>
#include <string.h>
#include "khabar/json.h"
#include "khabar/pages.h"
#include "khabar/related.h"
#include "khabar/text.h"

#define DEFAULT_NAME "خبر"
#define DEFAULT_LANGUAGE "ar"
#define DEFAULT_TZ "Asia/Riyadh"
#define DEFAULT_DISCOVER 15
#define DEFAULT_PAGE_SIZE 20

enum { S_NAME, S_TAGLINE, S_LANGUAGE, S_BASE_URL, S_TIMEZONE };

/* ---- settings ---------------------------------------------------------------------- */

/* A decimal in [lo, hi] with nothing else around it, or `def`. */
static long parse_range(const char *s, long lo, long hi, long def)
{
    if (!s || !*s)
        return def;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > hi)
            return def;
        v = v * 10 + (*p - '0');
    }
    return v < lo || v > hi ? def : v;
}

static enum kb_months parse_months(const char *s)
{
    static const struct {
        const char *name;
        enum kb_months m;
    } tab[] = {
        {"standard", KB_MONTHS_STANDARD}, {"levant", KB_MONTHS_LEVANT},
        {"combined", KB_MONTHS_COMBINED}, {"maghreb", KB_MONTHS_MAGHREB},
        {"morocco", KB_MONTHS_MOROCCO},
    };
    for (size_t i = 0; s && i < sizeof(tab) / sizeof(tab[0]); i++)
        if (strcmp(s, tab[i].name) == 0)
            return tab[i].m;
    return KB_MONTHS_STANDARD;
}

int kb_site_conf_load(struct kb_store *s, struct kb_site_conf **out, struct kb_diag *d)
{
    static const char *const keys[] = {"site.name", "site.tagline", "site.language",
                                       "site.base_url", "site.timezone"};
    static const char *const defaults[] = {DEFAULT_NAME, NULL, DEFAULT_LANGUAGE, "", DEFAULT_TZ};
    struct kb_site_conf *c = kb_calloc(1, sizeof(*c));
    char *months = NULL, *digits = NULL, *hijri = NULL, *discover = NULL, *page_size = NULL;
    int rc = 0;

    for (size_t i = 0; i < 5 && rc == 0; i++) {
        rc = kb_store_setting_get(s, keys[i], &c->strings[i], d);
        if (rc == 0 && (!c->strings[i] || !*c->strings[i]) && defaults[i])
            kb_set_str(&c->strings[i], defaults[i]);
    }
    if (rc == 0)
        rc = kb_store_setting_get(s, "site.months", &months, d);
    if (rc == 0)
        rc = kb_store_setting_get(s, "site.digits", &digits, d);
    if (rc == 0)
        rc = kb_store_setting_get(s, "site.hijri", &hijri, d);
    if (rc == 0)
        rc = kb_store_setting_get(s, "site.discover_count", &discover, d);
    if (rc == 0)
        rc = kb_store_setting_get(s, "site.page_size", &page_size, d);
    if (rc == 0)
        rc = kb_store_section_list(s, &c->sections, &c->nsections, d);
    if (rc == 0) {
        char *base = c->strings[S_BASE_URL];
        size_t n = strlen(base);
        while (n > 0 && base[n - 1] == '/')
            base[--n] = '\0';
        struct kb_site *site = &c->site;
        site->name = c->strings[S_NAME];
        site->tagline = c->strings[S_TAGLINE];
        site->language = c->strings[S_LANGUAGE];
        site->base_url = base;
        site->timezone = c->strings[S_TIMEZONE];
        site->date_style.months = parse_months(months);
        site->date_style.digits =
            digits && strcmp(digits, "arabic") == 0 ? KB_DIGITS_ARABIC : KB_DIGITS_LATIN;
        site->date_style.hijri = hijri && strcmp(hijri, "1") == 0;
        site->discover_count = (int)parse_range(discover, 0, 100, DEFAULT_DISCOVER);
        site->page_size = (int)parse_range(page_size, 1, 100, DEFAULT_PAGE_SIZE);
        site->sections = c->sections;
        site->nsections = c->nsections;
        *out = c;
    } else {
        kb_site_conf_free(c);
    }
    free(months);
    free(digits);
    free(hijri);
    free(discover);
    free(page_size);
    return rc;
}

void kb_site_conf_free(struct kb_site_conf *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < sizeof(c->strings) / sizeof(c->strings[0]); i++)
        free(c->strings[i]);
    if (c->sections)
        kb_sections_free(c->sections, c->nsections);
    free(c);
}

const struct kb_section *kb_site_section(const struct kb_site *site, const char *slug)
{
    for (size_t i = 0; slug && i < site->nsections; i++)
        if (site->sections[i].slug && strcmp(site->sections[i].slug, slug) == 0)
            return &site->sections[i];
    return NULL;
}

/* ---- responses --------------------------------------------------------------------- */

void kb_page_init(struct kb_page *p)
{
    memset(p, 0, sizeof(*p));
    p->content_type = KB_CT_HTML;
    kb_buf_init(&p->body, KB_PAGES_MAX_BODY);
}

void kb_page_release(struct kb_page *p)
{
    kb_buf_release(&p->body);
    free(p->location);
    p->location = NULL;
}

/* Hand a finished buffer to `out` (replacing its body), or fail on a sticky error. */
static int finish(struct kb_page *out, int status, const char *type, struct kb_buf *body,
                  int64_t last_modified, struct kb_diag *d)
{
    if (kb_buf_err(body)) {
        int rc = kb_buf_err(body);
        kb_buf_release(body);
        return kb_diag_set(d, rc, NULL, "response larger than %zu bytes", KB_PAGES_MAX_BODY);
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

static bool is_live(const struct kb_article *a, int64_t now)
{
    return a->status == KB_STATUS_PUBLISHED && a->published != 0 && a->published <= now;
}

static int64_t max_updated(int64_t m, const struct kb_article *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].updated > m)
            m = v[i].updated;
    return m;
}

void kb_pages_not_found(const struct kb_site *site, const char *path, struct kb_page *out)
{
    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    kb_render_not_found(&b, site, path ? path : "");
    if (finish(out, 404, KB_CT_HTML, &b, 0, NULL) != 0) {
        /* Only a path longer than the cap gets here: say it without naming it. */
        kb_buf_init(&b, KB_PAGES_MAX_BODY);
        kb_render_not_found(&b, site, "");
        (void)finish(out, 404, KB_CT_HTML, &b, 0, NULL);
    }
}

void kb_pages_error(const struct kb_site *site, int status, const char *message,
                    struct kb_page *out)
{
    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    kb_render_error(&b, site, status, message);
    (void)finish(out, status, KB_CT_HTML, &b, 0, NULL);
}

/* ---- list pages -------------------------------------------------------------------- */

/* A list page: `l` says what it is (kind, section, names), `base` which articles (section,
 * tag or author filter).  Home and section pages lead with the newest live article that
 * has a photo: it is page 1's first article (so every page still holds page_size) and is
 * kept out of the rest of the list on every page, so the pages stay stable; tag and
 * author pages lead with their first item.  404 past the last page, and for a tag or
 * author with no live article at all. */
static int list_page(struct kb_store *s, const struct kb_site *site, struct kb_list_page *l,
                     const struct kb_article_query *base, size_t page, int64_t now,
                     struct kb_page *out, struct kb_diag *d)
{
    size_t size = site->page_size > 0 ? (size_t)site->page_size : DEFAULT_PAGE_SIZE;
    if (page < 1 || page > KB_PAGES_MAX_PAGE) {
        kb_pages_not_found(site, NULL, out);
        return 0;
    }
    struct kb_article_query q = *base;
    q.live_only = true;
    q.now = now;
    q.fields = KB_FIELDS_SUMMARY;
    struct kb_article *lead = NULL, *items = NULL;
    size_t nlead = 0, n = 0, total = 0;
    int rc = 0;
    if (l->kind == KB_LIST_HOME || l->kind == KB_LIST_SECTION) {
        struct kb_article_query lq = q;
        lq.with_image = true;
        lq.limit = 1;
        rc = kb_store_article_list(s, &lq, &lead, &nlead, NULL, d);
        if (rc == 0 && nlead)
            q.exclude_id = lead[0].id;
    }
    /* The lead takes page 1's first place: page 1 lists size - 1 more, page k the
     * size articles after the (k - 1) * size - 1 before it. */
    size_t skip = nlead ? 1 : 0;
    q.offset = page == 1 ? 0 : (page - 1) * size - skip;
    q.limit = page == 1 ? size - skip : size;
    if (rc == 0)
        rc = kb_store_article_list(s, &q, &items, &n, &total, d);
    if (rc) {
        if (lead)
            kb_articles_free(lead, nlead);
        return rc;
    }
    bool none =
        (page > 1 && n == 0) || ((l->kind == KB_LIST_TAG || l->kind == KB_LIST_AUTHOR) && n == 0);
    if (none) {
        if (lead)
            kb_articles_free(lead, nlead);
        kb_articles_free(items, n);
        kb_pages_not_found(site, NULL, out);
        return 0;
    }
    if (l->kind == KB_LIST_AUTHOR && !l->name)
        l->name = items[0].byline; /* the byline as the newest article writes it */
    l->lead = nlead ? &lead[0] : NULL;
    l->items = items;
    l->n = n;
    l->page = page;
    l->total = total + skip;
    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    kb_render_list_page(&b, site, l);
    int64_t lm = max_updated(max_updated(0, lead, nlead), items, n);
    if (lead)
        kb_articles_free(lead, nlead);
    kb_articles_free(items, n);
    return finish(out, 200, KB_CT_HTML, &b, lm, d);
}

int kb_pages_home(struct kb_store *s, const struct kb_site *site, size_t page, int64_t now,
                  struct kb_page *out, struct kb_diag *d)
{
    struct kb_list_page l = {.kind = KB_LIST_HOME};
    struct kb_article_query q = {0};
    return list_page(s, site, &l, &q, page, now, out, d);
}

int kb_pages_section(struct kb_store *s, const struct kb_site *site, const char *slug, size_t page,
                     int64_t now, struct kb_page *out, struct kb_diag *d)
{
    const struct kb_section *sec = kb_site_section(site, slug);
    if (!sec) {
        kb_pages_not_found(site, NULL, out);
        return 0;
    }
    struct kb_list_page l = {.kind = KB_LIST_SECTION, .section = sec};
    struct kb_article_query q = {.section_slug = sec->slug};
    return list_page(s, site, &l, &q, page, now, out, d);
}

int kb_pages_tag(struct kb_store *s, const struct kb_site *site, const char *tag, size_t page,
                 int64_t now, struct kb_page *out, struct kb_diag *d)
{
    if (!tag || !*tag || strlen(tag) > KB_MAX_TAG) {
        kb_pages_not_found(site, NULL, out);
        return 0;
    }
    struct kb_list_page l = {.kind = KB_LIST_TAG, .name = tag};
    struct kb_article_query q = {.tag = tag};
    return list_page(s, site, &l, &q, page, now, out, d);
}

int kb_pages_author(struct kb_store *s, const struct kb_site *site, const char *slug, size_t page,
                    int64_t now, struct kb_page *out, struct kb_diag *d)
{
    if (!slug || !*slug || strlen(slug) > 4 * KB_SLUG_MAX_CHARS) {
        kb_pages_not_found(site, NULL, out);
        return 0;
    }
    struct kb_list_page l = {.kind = KB_LIST_AUTHOR, .slug = slug};
    struct kb_article_query q = {.author = slug};
    return list_page(s, site, &l, &q, page, now, out, d);
}

/* The live translations of `a`, into a (for hreflang and the API's JSON). */
static int load_translations(struct kb_store *s, struct kb_article *a, int64_t now,
                             struct kb_diag *d)
{
    int rc = kb_store_translations_get(s, a->id, true, now, &a->translations, &a->ntranslations, d);
    if (rc == KB_EINVAL) /* a backend without them */
        return 0;
    a->translations_set = rc == 0 && a->ntranslations > 0; /* JSON: only when there are */
    return rc;
}

/* ---- article pages ----------------------------------------------------------------- */

/* Whether `x` may sit in the rail of `a`: not a near-duplicate of another article, nor the
 * article `a` duplicates. */
static int rail_ok(struct kb_store *s, int64_t a_dup, int64_t id, bool *ok, struct kb_diag *d)
{
    int64_t dup = 0;
    int rc = kb_store_related_dup_of(s, id, &dup, d);
    if (rc == KB_EINVAL) /* a backend without related lists */
        dup = 0, rc = 0;
    *ok = rc == 0 && dup == 0 && id != a_dup;
    return rc;
}

int kb_pages_discover(struct kb_store *s, const struct kb_site *site, const struct kb_article *a,
                      int64_t now, struct kb_article **out, size_t *n, struct kb_diag *d)
{
    if (site->discover_count <= 0) {
        *out = NULL;
        *n = 0;
        return 0;
    }
    size_t want = (size_t)site->discover_count;
    int64_t rel[KB_RELATED_MAX], a_dup = 0;
    size_t nrel = 0;
    int rc = kb_store_related_list(s, a->id, rel, KB_RELATED_MAX, &nrel, d);
    if (rc == 0)
        rc = kb_store_related_dup_of(s, a->id, &a_dup, d);
    if (rc == KB_EINVAL) /* a backend without related lists: the latest only */
        nrel = 0, a_dup = 0, rc = 0;
    if (rc)
        return rc;

    struct kb_article *v = kb_calloc(want, sizeof *v);
    size_t k = 0;
    /* Related first (stored best first), as long as they are still live. */
    for (size_t i = 0; i < nrel && k < want && rc == 0; i++) {
        bool ok;
        if (rel[i] == a->id || (rc = rail_ok(s, a_dup, rel[i], &ok, d)) || !ok)
            continue;
        kb_article_init(&v[k]);
        rc = kb_store_article_get(s, rel[i], &v[k], d);
        if (rc == KB_ENOTFOUND || (rc == 0 && !is_live(&v[k], now))) {
            kb_article_release(&v[k]);
            rc = 0;
            continue;
        }
        if (rc == 0)
            k++;
    }
    /* Then the latest, skipping what is already there and duplicates. */
    struct kb_article *latest = NULL;
    size_t nlatest = 0;
    if (rc == 0 && k < want) {
        struct kb_article_query q = {
            .live_only = true,
            .now = now,
            .exclude_id = a->id,
            .limit = want + nrel + 16,
            .fields = KB_FIELDS_SUMMARY,
        };
        if (q.limit > KB_STORE_MAX_LIMIT)
            q.limit = KB_STORE_MAX_LIMIT;
        rc = kb_store_article_list(s, &q, &latest, &nlatest, NULL, d);
    }
    for (size_t i = 0; rc == 0 && i < nlatest && k < want; i++) {
        bool seen = false, ok;
        for (size_t j = 0; j < k && !seen; j++)
            seen = v[j].id == latest[i].id;
        if (seen || (rc = rail_ok(s, a_dup, latest[i].id, &ok, d)) || !ok)
            continue;
        v[k++] = latest[i];
        kb_article_init(&latest[i]);
    }
    if (latest)
        kb_articles_free(latest, nlatest);
    if (rc) {
        kb_articles_free(v, k);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}

int kb_pages_article(struct kb_store *s, const struct kb_site *site, const char *section_slug,
                     const char *slug, int64_t now, struct kb_page *out, struct kb_diag *d)
{
    struct kb_article a;
    kb_article_init(&a);
    int rc = kb_store_article_get_slug(s, slug, &a, d);
    if (rc == KB_ENOTFOUND || (rc == 0 && !is_live(&a, now))) {
        kb_article_release(&a);
        kb_pages_not_found(site, NULL, out);
        return 0;
    }
    if (rc) {
        kb_article_release(&a);
        return rc;
    }

    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    if (!a.section.slug || strcmp(a.section.slug, section_slug) != 0) {
        /* Moved to another section, or linked with the wrong one: one canonical URL. */
        kb_article_url(&b, &a);
        kb_article_release(&a);
        if (kb_buf_err(&b)) {
            kb_buf_release(&b);
            return kb_diag_set(d, KB_ETOOBIG, "url", "article URL too long");
        }
        free(out->location);
        out->location = kb_buf_detach(&b, NULL);
        kb_buf_reset(&out->body);
        out->status = 301;
        out->content_type = KB_CT_HTML;
        out->last_modified = 0;
        return 0;
    }

    struct kb_article *disc = NULL;
    size_t ndisc = 0;
    rc = load_translations(s, &a, now, d);
    if (rc == 0)
        rc = kb_pages_discover(s, site, &a, now, &disc, &ndisc, d);
    if (rc) {
        kb_buf_release(&b);
        kb_article_release(&a);
        return rc;
    }
    kb_render_article(&b, site, &a, disc, ndisc);
    int64_t lm = max_updated(a.updated, disc, ndisc);
    if (disc)
        kb_articles_free(disc, ndisc);
    kb_article_release(&a);
    return finish(out, 200, KB_CT_HTML, &b, lm, d);
}

/* ---- JSON API ---------------------------------------------------------------------- */

void kb_pages_api_error(int status, const char *code, const char *field, const char *message,
                        struct kb_page *out)
{
    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    struct kb_json j;
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_json_obj(&j);
    kb_json_key(&j, "error");
    kb_json_obj(&j);
    kb_json_key(&j, "code");
    kb_json_strc(&j, code);
    kb_json_key(&j, "field");
    kb_json_strc(&j, field);
    kb_json_key(&j, "message");
    kb_json_strc(&j, message);
    kb_json_end(&j);
    kb_json_end(&j);
    kb_buf_addch(&b, '\n');
    (void)finish(out, status, KB_CT_JSON, &b, 0, NULL);
}

int kb_pages_api_articles(struct kb_store *s, const struct kb_site *site,
                          const struct kb_api_list_query *q, int64_t now, struct kb_page *out,
                          struct kb_diag *d)
{
    long page = parse_range(q->page, 1, KB_PAGES_MAX_PAGE, -1);
    if (!q->page)
        page = 1;
    if (page < 0) {
        kb_pages_api_error(400, "invalid", "page", "رقم الصفحة غير صالح", out);
        return 0;
    }
    long def = site->page_size > 0 ? site->page_size : DEFAULT_PAGE_SIZE;
    long per = parse_range(q->per_page, 1, KB_PAGES_MAX_PER_PAGE, -1);
    if (!q->per_page)
        per = def > KB_PAGES_MAX_PER_PAGE ? KB_PAGES_MAX_PER_PAGE : def;
    if (per < 0) {
        kb_pages_api_error(400, "invalid", "per_page", "عدد المقالات في الصفحة غير صالح (1–100)",
                           out);
        return 0;
    }
    struct kb_article_query aq = {
        .section_slug = q->section && *q->section ? q->section : NULL,
        .live_only = true,
        .now = now,
        .offset = (size_t)(page - 1) * (size_t)per,
        .limit = (size_t)per,
        .fields = KB_FIELDS_FULL,
    };
    struct kb_article *items = NULL;
    size_t n = 0, total = 0;
    int rc = kb_store_article_list(s, &aq, &items, &n, &total, d);
    if (rc)
        return rc;

    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    struct kb_json j;
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_json_obj(&j);
    kb_json_key(&j, "articles");
    kb_json_arr(&j);
    for (size_t i = 0; i < n; i++)
        kb_article_to_json(&items[i], &j);
    kb_json_end(&j);
    kb_json_key(&j, "total");
    kb_json_int(&j, (int64_t)total);
    kb_json_key(&j, "page");
    kb_json_int(&j, page);
    kb_json_key(&j, "per_page");
    kb_json_int(&j, per);
    kb_json_end(&j);
    kb_buf_addch(&b, '\n');
    int64_t lm = max_updated(0, items, n);
    kb_articles_free(items, n);
    return finish(out, 200, KB_CT_JSON, &b, lm, d);
}

int kb_pages_api_article(struct kb_store *s, const struct kb_site *site, const char *id,
                         int64_t now, struct kb_page *out, struct kb_diag *d)
{
    int64_t v = 0;
    bool ok = id && *id && strlen(id) <= 18;
    for (const char *p = id; ok && *p; p++) {
        ok = *p >= '0' && *p <= '9';
        v = v * 10 + (*p - '0');
    }
    struct kb_article a;
    kb_article_init(&a);
    int rc = ok && v > 0 ? kb_store_article_get(s, v, &a, d) : KB_ENOTFOUND;
    if (rc == KB_ENOTFOUND || (rc == 0 && !is_live(&a, now))) {
        kb_article_release(&a);
        kb_pages_api_error(404, "not_found", NULL, "لا يوجد مقال بهذا المعرّف", out);
        return 0;
    }
    if (rc) {
        kb_article_release(&a);
        return rc;
    }
    struct kb_article *disc = NULL;
    size_t ndisc = 0;
    rc = load_translations(s, &a, now, d);
    if (rc == 0)
        rc = kb_pages_discover(s, site, &a, now, &disc, &ndisc, d);
    if (rc) {
        kb_article_release(&a);
        return rc;
    }
    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    struct kb_json j;
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_article_to_json(&a, &j);
    /* The object gets one more member: reopen it before its closing brace. */
    if (!kb_buf_err(&b) && b.n > 0 && b.p[b.n - 1] == '}') {
        b.n--;
        kb_buf_adds(&b, b.p[b.n - 1] == '{' ? "\"related\":" : ",\"related\":");
        struct kb_json r;
        kb_json_init(&r, &b, KB_JSON_COMPACT);
        kb_json_arr(&r);
        struct kb_buf url;
        kb_buf_init(&url, 4096);
        for (size_t i = 0; i < ndisc; i++) {
            kb_json_obj(&r);
            kb_json_key(&r, "id");
            kb_json_int(&r, disc[i].id);
            kb_json_key(&r, "url");
            kb_buf_reset(&url);
            kb_article_url(&url, &disc[i]);
            kb_json_strc(&r, kb_buf_cstr(&url));
            kb_json_key(&r, "headline");
            kb_json_strc(&r, disc[i].headline);
            kb_json_end(&r);
        }
        kb_buf_release(&url);
        kb_json_end(&r);
        kb_buf_addch(&b, '}');
    }
    kb_buf_addch(&b, '\n');
    int64_t lm = max_updated(a.updated, disc, ndisc);
    if (disc)
        kb_articles_free(disc, ndisc);
    kb_article_release(&a);
    return finish(out, 200, KB_CT_JSON, &b, lm, d);
}

int kb_pages_health(struct kb_store *s, struct kb_page *out, struct kb_diag *d)
{
    size_t n = 0;
    int rc = kb_store_article_count(s, &n, d);
    if (rc)
        return rc;
    struct kb_buf b;
    kb_buf_init(&b, 4096);
    struct kb_json j;
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_json_obj(&j);
    kb_json_key(&j, "status");
    kb_json_strc(&j, "ok");
    kb_json_key(&j, "articles");
    kb_json_int(&j, (int64_t)n);
    kb_json_key(&j, "backend");
    kb_json_strc(&j, kb_store_backend(s));
    kb_json_end(&j);
    kb_buf_addch(&b, '\n');
    return finish(out, 200, KB_CT_JSON, &b, 0, d);
}
