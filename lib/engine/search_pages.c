/*
 * search_pages.c — searching the site: the /search page, /api/v1/search and the shared
 * use-case behind them and `khabar search`.
 *
 * A query is parsed (search.h), its filters resolved against the site (section slug or
 * display name; from/to dates at the site's time zone, `to` inclusive), and run through the
 * store.  Sorted by relevance, articles holding any of the words are ranked by BM25 (those
 * with more and rarer words first); sorted by date, only articles holding every word are
 * listed — or, when none does, those holding some of them (the page says so).  Nothing a
 * reader types is an error: a query with nothing searchable, an unknown section or no
 * matches is a 200 page saying so with suggestions (the query without its filters, without
 * its exclusions).
 *
 * Invariants: only live articles are shown (the store's search filters them); every
 * reader-typed string reaching the HTML goes through kb_buf_add_html or the marked-snippet
 * escaper, and into links through percent-encoding; `out` is written only on success.
 */
#include <stdlib.h>
#include <string.h>
#include "khabar/json.h"
#include "khabar/pages.h"
#include "khabar/search.h"

#define DEFAULT_PAGE_SIZE 20

/* ---- the use-case ------------------------------------------------------------------- */

void kb_search_result_release(struct kb_search_result *r)
{
    kb_search_query_release(&r->query);
    kb_search_hits_free(r->hits, r->n);
    memset(r, 0, sizeof(*r));
}

/* Unix seconds of local midnight starting `dt` in the site's zone. */
static int64_t day_start(const struct kb_site *site, const struct kb_search_date *dt)
{
    struct kb_civil c = {.year = dt->year, .month = dt->month, .day = dt->day};
    int64_t utc = kb_civil_to_unix(&c, 0);
    int off = 0;
    if (!site->timezone || kb_tz_offset(site->timezone, utc, &off) != 0)
        off = 0;
    return kb_civil_to_unix(&c, off);
}

/* The section a filter names: by slug, else by display name. */
static const struct kb_section *find_section(const struct kb_site *site, const char *key)
{
    const struct kb_section *sec = kb_site_section(site, key);
    for (size_t i = 0; !sec && i < site->nsections; i++)
        if (site->sections[i].name && strcmp(site->sections[i].name, key) == 0)
            sec = &site->sections[i];
    return sec;
}

static bool known_term(void *ctx, const char *term, size_t n)
{
    return kb_store_search_has_term(ctx, term, n);
}

static int engine_search(struct kb_store *s, const struct kb_site *site, const char *q, size_t qlen,
                         enum kb_search_sort sort, size_t page, size_t per_page, int64_t now,
                         const struct kb_search_index *index, struct kb_search_stmts *stmts,
                         struct kb_search_result *out, struct kb_diag *d)
{
    struct kb_search_result r;
    memset(&r, 0, sizeof(r));
    r.sort = sort;
    r.page = page < 1 ? 1 : page;
    r.per_page = per_page < 1 ? 1 : per_page > KB_SEARCH_MAX_LIMIT ? KB_SEARCH_MAX_LIMIT : per_page;
    kb_search_query_parse(q, q ? qlen : 0, &r.query);
    kb_search_query_backoff(&r.query, known_term, s);

    struct kb_search_request rq = {
        .now = now, .sort = sort, .limit = r.per_page, .index = index, .stmts = stmts};
    rq.offset = (r.page - 1) * r.per_page;
    if (r.query.section) {
        const struct kb_section *sec = find_section(site, r.query.section);
        if (!sec)
            r.unknown_section = true;
        else
            rq.section_slug = sec->slug;
    }
    if (r.query.from.year)
        rq.from = day_start(site, &r.query.from);
    if (r.query.to.year)
        rq.to = day_start(site, &r.query.to) + 86400;

    struct kb_buf m;
    kb_buf_init(&m, 16 * KB_SEARCH_MAX_INPUT);
    enum kb_search_join join = sort == KB_SEARCH_RELEVANCE ? KB_SEARCH_ANY : KB_SEARCH_ALL;
    size_t npos = kb_search_query_match(&r.query, join, &m);
    r.searched = npos > 0;
    r.any = join == KB_SEARCH_ANY && npos > 1;
    int rc = 0;
    if (r.searched && !r.unknown_section && !kb_buf_err(&m)) {
        rq.match = kb_buf_cstr(&m);
        rc = kb_store_search(s, &rq, &r.hits, &r.n, &r.total, d);
        if (rc == 0 && r.total == 0 && npos > 1 && join == KB_SEARCH_ALL) {
            kb_buf_reset(&m);
            (void)kb_search_query_match(&r.query, KB_SEARCH_ANY, &m);
            kb_search_hits_free(r.hits, r.n);
            r.hits = NULL;
            r.n = 0;
            rq.match = kb_buf_cstr(&m);
            r.any = true;
            r.fallback = true;
            rc = kb_store_search(s, &rq, &r.hits, &r.n, &r.total, d);
        }
    }
    kb_buf_release(&m);
    if (rc) {
        kb_search_result_release(&r);
        return rc;
    }
    *out = r;
    return 0;
}

int kb_engine_search(struct kb_store *s, const struct kb_site *site, const char *q, size_t qlen,
                     enum kb_search_sort sort, size_t page, size_t per_page, int64_t now,
                     struct kb_search_result *out, struct kb_diag *d)
{
    return engine_search(s, site, q, qlen, sort, page, per_page, now, NULL, NULL, out, d);
}

/* ---- parameters ------------------------------------------------------------------------ */

/* A decimal in [lo, hi], else def (absent) or -1 (malformed). */
static long param_num(const char *s, long lo, long hi, long def)
{
    if (!s)
        return def;
    if (!*s || strlen(s) > 9)
        return -1;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v < lo || v > hi ? -1 : v;
}

static enum kb_search_sort param_sort(const char *s)
{
    return s && strcmp(s, "newest") == 0 ? KB_SEARCH_NEWEST : KB_SEARCH_RELEVANCE;
}

static bool english(const struct kb_site *site)
{
    return site->language && strncmp(site->language, "en", 2) == 0;
}

/* Hand a finished body to `out`, or fail on a sticky error. */
static int finish(struct kb_page *out, int status, const char *type, struct kb_buf *body,
                  struct kb_diag *d)
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
    out->last_modified = 0;
    return 0;
}

/* ---- the page ------------------------------------------------------------------------- */

/* "/search?q=…[&sort=newest][&page=N]" */
static void search_href(struct kb_buf *out, const char *q, enum kb_search_sort sort, size_t page)
{
    kb_buf_adds(out, "/search?q=");
    kb_buf_add_urlpath(out, q, strlen(q));
    if (sort == KB_SEARCH_NEWEST)
        kb_buf_adds(out, "&amp;sort=newest");
    if (page > 1)
        kb_buf_addf(out, "&amp;page=%zu", page);
}

static void hit_date(struct kb_buf *out, const struct kb_site *site, const struct kb_search_hit *h)
{
    int off = 0;
    if (!site->timezone || kb_tz_offset(site->timezone, h->published, &off) != 0)
        off = h->published_offset;
    kb_buf_adds(out, "<time datetime=\"");
    kb_date_iso8601(out, h->published, h->published_offset);
    kb_buf_adds(out, "\">");
    kb_date_format(out, h->published, off, &site->date_style);
    kb_buf_adds(out, "</time>");
}

static void hit_html(struct kb_buf *out, const struct kb_site *site, const struct kb_search_hit *h)
{
    kb_buf_adds(out, "<li class=\"search-hit\"><article>\n<h2><a href=\"/");
    kb_buf_add_urlpath(out, h->section_slug, strlen(h->section_slug));
    kb_buf_addch(out, '/');
    kb_buf_add_urlpath(out, h->slug, strlen(h->slug));
    kb_buf_adds(out, "\">");
    kb_search_add_marked_html(out, h->headline);
    kb_buf_adds(out, "</a></h2>\n<p class=\"meta\"><a class=\"section\" href=\"/");
    kb_buf_add_urlpath(out, h->section_slug, strlen(h->section_slug));
    kb_buf_adds(out, "/\">");
    kb_buf_adds_html(out, h->section_name);
    kb_buf_adds(out, "</a> ");
    hit_date(out, site, h);
    kb_buf_adds(out, "</p>\n");
    if (h->snippet && *h->snippet) {
        kb_buf_adds(out, "<p class=\"snippet\">");
        kb_search_add_marked_html(out, h->snippet);
        kb_buf_adds(out, "</p>\n");
    }
    kb_buf_adds(out, "</article></li>\n");
}

static void sort_links(struct kb_buf *out, const char *q, enum kb_search_sort sort, bool en)
{
    static const struct {
        enum kb_search_sort sort;
        const char *ar, *en;
    } opts[] = {{KB_SEARCH_RELEVANCE, "الأكثر صلة", "Most relevant"},
                {KB_SEARCH_NEWEST, "الأحدث", "Newest"}};
    kb_buf_adds(out, en ? "<nav class=\"search-sort\" aria-label=\"Sort\">"
                        : "<nav class=\"search-sort\" aria-label=\"الترتيب\">");
    kb_buf_adds(out, en ? "Sort: " : "الترتيب: ");
    for (size_t i = 0; i < 2; i++) {
        if (i)
            kb_buf_adds(out, " · ");
        if (opts[i].sort == sort) {
            kb_buf_adds(out, "<strong aria-current=\"true\">");
            kb_buf_adds(out, en ? opts[i].en : opts[i].ar);
            kb_buf_adds(out, "</strong>");
        } else {
            kb_buf_adds(out, "<a href=\"");
            search_href(out, q, opts[i].sort, 1);
            kb_buf_adds(out, "\">");
            kb_buf_adds(out, en ? opts[i].en : opts[i].ar);
            kb_buf_adds(out, "</a>");
        }
    }
    kb_buf_adds(out, "</nav>\n");
}

static void pagination(struct kb_buf *out, const char *q, const struct kb_search_result *r, bool en)
{
    size_t pages = r->total ? (r->total - 1) / r->per_page + 1 : 1;
    if (pages <= 1 && r->page <= 1)
        return;
    kb_buf_adds(out, en ? "<nav class=\"pagination\" aria-label=\"Pages\">\n"
                        : "<nav class=\"pagination\" aria-label=\"الصفحات\">\n");
    if (r->page > 1) {
        kb_buf_adds(out, "<a rel=\"prev\" href=\"");
        search_href(out, q, r->sort, r->page > pages ? 1 : r->page - 1);
        kb_buf_adds(out, en ? "\">Previous</a>\n" : "\">السابق</a>\n");
    }
    kb_buf_addf(out,
                en ? "<span class=\"count\">Page %zu of %zu</span>\n"
                   : "<span class=\"count\">صفحة %zu من %zu</span>\n",
                r->page, pages);
    if (r->page < pages) {
        kb_buf_adds(out, "<a rel=\"next\" href=\"");
        search_href(out, q, r->sort, r->page + 1);
        kb_buf_adds(out, en ? "\">Next</a>\n" : "\">التالي</a>\n");
    }
    kb_buf_adds(out, "</nav>\n");
}

/* "Try instead" links: without the filters, without the exclusions. */
static void suggestions(struct kb_buf *out, const struct kb_search_result *r, const char *q,
                        bool en)
{
    struct kb_buf alt[2];
    enum kb_search_format f[2] = {KB_SEARCH_FORMAT_NO_FILTERS, KB_SEARCH_FORMAT_POSITIVE};
    kb_buf_adds(out,
                en ? "<ul class=\"search-suggestions\">\n" : "<ul class=\"search-suggestions\">\n");
    for (int i = 0; i < 2; i++) {
        kb_buf_init(&alt[i], 4 * KB_SEARCH_MAX_INPUT);
        kb_search_query_format(&r->query, f[i], &alt[i]);
        bool dup = i == 1 && strcmp(kb_buf_cstr(&alt[0]), kb_buf_cstr(&alt[1])) == 0;
        if (alt[i].n && !kb_buf_err(&alt[i]) && strcmp(kb_buf_cstr(&alt[i]), q) != 0 && !dup) {
            kb_buf_adds(out, en ? "<li>Try <a href=\"" : "<li>جرّب البحث عن <a href=\"");
            search_href(out, kb_buf_cstr(&alt[i]), r->sort, 1);
            kb_buf_adds(out, "\">");
            kb_buf_adds_html(out, kb_buf_cstr(&alt[i]));
            kb_buf_adds(out, "</a></li>\n");
        }
    }
    kb_buf_release(&alt[0]);
    kb_buf_release(&alt[1]);
    kb_buf_adds(out, en ? "<li>Check the spelling, or use fewer or more general words.</li>\n"
                          "<li>Put a phrase in quotes (\"…\") to find it exactly; add * to a word "
                          "to find every word starting with it.</li>\n</ul>\n"
                        : "<li>تحقّق من الإملاء، أو استخدم كلمات أقل أو أعمّ.</li>\n"
                          "<li>ضع العبارة بين علامتي تنصيص (\"…\") لتجدها كما هي، وأضف * بعد "
                          "الكلمة لتجد كل ما يبدأ بها.</li>\n</ul>\n");
}

/* A store without search (PostgreSQL for now, docs/store.md): its search pages answer 503
 * with that reason, never a 500. */
static bool no_search_here(struct kb_store *s)
{
    return strcmp(kb_store_backend(s), "sqlite") != 0;
}

int kb_pages_search(struct kb_store *s, const struct kb_site *site,
                    const struct kb_search_params *p, int64_t now, struct kb_page *out,
                    struct kb_diag *d)
{
    bool en = english(site);
    const char *q = p->q ? p->q : "";
    long page = param_num(p->page, 1, KB_PAGES_MAX_PAGE, 1);
    if (page < 0)
        page = 1;
    size_t size = site->page_size > 0 ? (size_t)site->page_size : DEFAULT_PAGE_SIZE;
    struct kb_search_result r;
    int rc = engine_search(s, site, q, strlen(q), param_sort(p->sort), (size_t)page, size, now,
                           p->index, p->stmts, &r, d);
    if (rc && no_search_here(s)) {
        kb_pages_error(site, 503,
                       en ? "Search is not available on this site's database yet."
                          : "البحث غير متاح بعد على قاعدة بيانات هذا الموقع.",
                       out);
        return 0;
    }
    if (rc)
        return rc;

    /* The query as understood, shown and used in links. */
    struct kb_buf shown;
    kb_buf_init(&shown, 4 * KB_SEARCH_MAX_INPUT);
    kb_search_query_format(&r.query, KB_SEARCH_FORMAT_ALL, &shown);
    const char *qs = kb_buf_err(&shown) ? "" : kb_buf_cstr(&shown);

    struct kb_buf title;
    kb_buf_init(&title, 4 * KB_SEARCH_MAX_INPUT);
    kb_buf_adds(&title, en ? "Search" : "بحث");
    if (*qs) {
        kb_buf_adds(&title, ": ");
        kb_buf_adds(&title, qs);
    }
    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    struct kb_render_meta m = {
        .title = kb_buf_cstr(&title),
        .body_class = "page-search",
        .robots = KB_ROBOTS_NOINDEX,
    };
    kb_render_page_begin(&b, site, &m);
    kb_buf_release(&title);

    kb_buf_adds(&b, "<section class=\"search\" aria-labelledby=\"search-title\">\n");
    kb_buf_adds(&b, "<h1 id=\"search-title\">");
    if (*qs) {
        kb_buf_adds(&b, en ? "Results for “" : "نتائج البحث عن «");
        kb_buf_adds_html(&b, qs);
        kb_buf_adds(&b, en ? "”" : "»");
    } else {
        kb_buf_adds(&b, en ? "Search" : "البحث");
    }
    kb_buf_adds(&b, "</h1>\n<form class=\"search-form search-page-form\" role=\"search\" "
                    "action=\"/search\" method=\"get\">\n<label for=\"search-q\">");
    kb_buf_adds(&b, en ? "Search the site" : "ابحث في الموقع");
    kb_buf_adds(&b, "</label>\n<input id=\"search-q\" type=\"search\" name=\"q\" value=\"");
    kb_buf_adds_html(&b, qs);
    kb_buf_adds(&b, "\" dir=\"auto\">\n");
    if (r.sort == KB_SEARCH_NEWEST)
        kb_buf_adds(&b, "<input type=\"hidden\" name=\"sort\" value=\"newest\">\n");
    kb_buf_adds(&b, en ? "<button type=\"submit\">Search</button>\n</form>\n"
                       : "<button type=\"submit\">بحث</button>\n</form>\n");

    if (!*qs) {
        kb_buf_adds(&b, en ? "<p class=\"search-help\">Type words to find articles.</p>\n"
                           : "<p class=\"search-help\">اكتب كلمات للبحث في المقالات.</p>\n");
    } else if (!r.searched || r.unknown_section || r.total == 0) {
        kb_buf_adds(&b, "<p class=\"search-count\" role=\"status\">");
        if (!r.searched)
            kb_buf_adds(&b, en ? "Nothing to search for: the query has only common words, "
                                 "exclusions or filters."
                               : "لا شيء يُبحث عنه: الاستعلام لا يحوي إلا كلمات شائعة أو "
                                 "استثناءات أو عوامل تصفية.");
        else if (r.unknown_section)
            kb_buf_adds(&b, en ? "No such section." : "لا يوجد قسم بهذا الاسم.");
        else
            kb_buf_adds(&b, en ? "No articles match." : "لم نجد مقالات تطابق بحثك.");
        kb_buf_adds(&b, "</p>\n");
        suggestions(&b, &r, qs, en);
    } else {
        kb_buf_adds(&b, "<p class=\"search-count\" role=\"status\">");
        kb_search_count_format(&b, r.total, site->language);
        if (r.fallback)
            kb_buf_adds(&b, en ? " — no article has every word; these have some of them"
                               : " — لا مقال يحوي كل الكلمات، وهذه تحوي بعضها");
        kb_buf_adds(&b, "</p>\n");
        sort_links(&b, qs, r.sort, en);
        if (r.n) {
            kb_buf_addf(&b, "<ol class=\"search-results\" start=\"%zu\">\n",
                        (r.page - 1) * r.per_page + 1);
            for (size_t i = 0; i < r.n; i++)
                hit_html(&b, site, &r.hits[i]);
            kb_buf_adds(&b, "</ol>\n");
        } else {
            kb_buf_adds(&b, en ? "<p class=\"empty\">This page is past the last result.</p>\n"
                               : "<p class=\"empty\">هذه الصفحة بعد آخر النتائج.</p>\n");
        }
        pagination(&b, qs, &r, en);
    }
    kb_buf_adds(&b, "</section>\n");
    kb_render_page_end(&b, site);
    kb_buf_release(&shown);
    kb_search_result_release(&r);
    return finish(out, 200, KB_CT_HTML, &b, d);
}

/* ---- the API --------------------------------------------------------------------------- */

void kb_search_result_json(const struct kb_search_result *r, struct kb_json *j)
{
    struct kb_buf tmp;
    kb_buf_init(&tmp, KB_PAGES_MAX_BODY);
    kb_json_obj(j);
    kb_json_key(j, "query");
    kb_search_query_format(&r->query, KB_SEARCH_FORMAT_ALL, &tmp);
    kb_json_str(j, kb_buf_cstr(&tmp), tmp.n);
    kb_json_key(j, "total");
    kb_json_int(j, (int64_t)r->total);
    kb_json_key(j, "page");
    kb_json_int(j, (int64_t)r->page);
    kb_json_key(j, "per_page");
    kb_json_int(j, (int64_t)r->per_page);
    kb_json_key(j, "sort");
    kb_json_strc(j, r->sort == KB_SEARCH_NEWEST ? "newest" : "relevance");
    kb_json_key(j, "match");
    kb_json_strc(j, !r->searched || r->unknown_section ? "none" : r->any ? "any" : "all");
    kb_json_key(j, "hits");
    kb_json_arr(j);
    for (size_t i = 0; i < r->n; i++) {
        const struct kb_search_hit *h = &r->hits[i];
        kb_json_obj(j);
        kb_json_key(j, "id");
        kb_json_int(j, h->id);
        kb_json_key(j, "url");
        kb_buf_reset(&tmp);
        kb_buf_addch(&tmp, '/');
        kb_buf_add_urlpath(&tmp, h->section_slug, strlen(h->section_slug));
        kb_buf_addch(&tmp, '/');
        kb_buf_add_urlpath(&tmp, h->slug, strlen(h->slug));
        kb_json_str(j, kb_buf_cstr(&tmp), tmp.n);
        kb_json_key(j, "headline");
        kb_buf_reset(&tmp);
        kb_search_add_unmarked(&tmp, h->headline);
        kb_json_str(j, kb_buf_cstr(&tmp), tmp.n);
        kb_json_key(j, "snippet");
        kb_buf_reset(&tmp);
        kb_search_add_marked_html(&tmp, h->snippet);
        kb_json_str(j, kb_buf_cstr(&tmp), tmp.n);
        kb_json_key(j, "score");
        kb_json_double(j, h->score);
        kb_json_key(j, "published");
        kb_buf_reset(&tmp);
        kb_date_iso8601(&tmp, h->published, h->published_offset);
        kb_json_str(j, kb_buf_cstr(&tmp), tmp.n);
        kb_json_end(j);
    }
    kb_json_end(j);
    if (r->n == 0) {
        kb_json_key(j, "suggestions");
        kb_json_arr(j);
        enum kb_search_format f[2] = {KB_SEARCH_FORMAT_NO_FILTERS, KB_SEARCH_FORMAT_POSITIVE};
        struct kb_buf all;
        kb_buf_init(&all, 4 * KB_SEARCH_MAX_INPUT);
        kb_search_query_format(&r->query, KB_SEARCH_FORMAT_ALL, &all);
        struct kb_buf prev;
        kb_buf_init(&prev, 4 * KB_SEARCH_MAX_INPUT);
        for (int i = 0; i < 2; i++) {
            kb_buf_reset(&tmp);
            kb_search_query_format(&r->query, f[i], &tmp);
            if (tmp.n && strcmp(kb_buf_cstr(&tmp), kb_buf_cstr(&all)) != 0 &&
                strcmp(kb_buf_cstr(&tmp), kb_buf_cstr(&prev)) != 0)
                kb_json_str(j, kb_buf_cstr(&tmp), tmp.n);
            kb_buf_reset(&prev);
            kb_buf_adds(&prev, kb_buf_cstr(&tmp));
        }
        kb_buf_release(&all);
        kb_buf_release(&prev);
        kb_json_end(j);
    }
    kb_json_end(j);
    kb_buf_release(&tmp);
}

int kb_pages_api_search(struct kb_store *s, const struct kb_site *site,
                        const struct kb_search_params *p, int64_t now, struct kb_page *out,
                        struct kb_diag *d)
{
    long page = param_num(p->page, 1, KB_PAGES_MAX_PAGE, 1);
    if (page < 0) {
        kb_pages_api_error(400, "invalid", "page", "رقم الصفحة غير صالح", out);
        return 0;
    }
    long def = site->page_size > 0 ? site->page_size : DEFAULT_PAGE_SIZE;
    long per = param_num(p->per_page, 1, KB_SEARCH_MAX_LIMIT, def > 100 ? 100 : def);
    if (per < 0) {
        kb_pages_api_error(400, "invalid", "per_page", "عدد النتائج في الصفحة غير صالح (1–100)",
                           out);
        return 0;
    }
    const char *q = p->q ? p->q : "";
    struct kb_search_result r;
    int rc = engine_search(s, site, q, strlen(q), param_sort(p->sort), (size_t)page, (size_t)per,
                           now, p->index, p->stmts, &r, d);
    if (rc && no_search_here(s)) {
        kb_pages_api_error(503, "unavailable", NULL,
                           "البحث غير متاح بعد على قاعدة بيانات هذا الموقع", out);
        return 0;
    }
    if (rc)
        return rc;
    struct kb_buf b;
    kb_buf_init(&b, KB_PAGES_MAX_BODY);
    struct kb_json j;
    kb_json_init(&j, &b, KB_JSON_COMPACT);
    kb_search_result_json(&r, &j);
    kb_buf_addch(&b, '\n');
    kb_search_result_release(&r);
    return finish(out, 200, KB_CT_JSON, &b, d);
}
