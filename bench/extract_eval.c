/*
 * extract_eval.c — the measuring half of `make bench-extract` (bench/extract.sh).
 *
 * Reads the manifest bench/extract-truth.mjs writes (one page with its ground truth a
 * line), runs kb_html_extract on every page and compares:
 *   headline  exact after whitespace normalization (runs of white space → one space,
 *             trimmed); a second, looser figure folds letters the way search does
 *             (kb_normalize) and ignores punctuation;
 *   date      the publication day: a truth with an offset is compared in UTC when the page
 *             gave an offset too, else day as written;
 *   body      token-level F1: text folded by kb_normalize (the analyzer's normalization:
 *             NFKC case folding, harakat and tatweel removed, alef/yeh/teh marbuta folded,
 *             digits to ASCII), tokens = maximal runs of letters and digits, F1 over the
 *             two multisets of tokens;
 *   lede      the same F1, where the truth has a standfirst;
 *   snippets  trafilatura's "with" phrases must be in the body, "without" ones must not.
 * Then per set and per language: pages, median and mean body F1, headline and date
 * accuracy, median lede F1; and the extraction rate (pages/s of CPU time, one thread,
 * median of 5 passes over every page).
 *
 * usage: bench_extract MANIFEST            the evaluation
 *        bench_extract --dump FILE [URL]   one page's extraction as JSON (for a human)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/uchar.h>
#include "khabar/analyzer.h"
#include "khabar/htmlextract.h"
#include "khabar/utf8.h"

/* ---- tokens ----------------------------------------------------------------------------- */

struct toks {
    char **v;
    size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void tokenize(const char *s, struct toks *t)
{
    t->v = NULL;
    t->n = t->cap = 0;
    if (!s)
        return;
    struct kb_buf b;
    kb_buf_init(&b, (size_t)64 << 20);
    kb_normalize(&b, s, strlen(s));
    const char *p = kb_buf_cstr(&b);
    size_t i = 0, start = 0;
    bool in = false;
    while (i <= b.n) {
        uint32_t cp = 0;
        size_t len = 1;
        if (i < b.n)
            len = kb_utf8_decode(p + i, b.n - i, &cp);
        bool word = i < b.n && u_isalnum((UChar32)cp);
        if (word && !in) {
            start = i;
            in = true;
        } else if (!word && in) {
            if (t->n == t->cap) {
                t->cap = t->cap ? t->cap * 2 : 256;
                t->v = realloc(t->v, sizeof(*t->v) * t->cap);
            }
            t->v[t->n++] = strndup(p + start, i - start);
            in = false;
        }
        i += len;
    }
    kb_buf_release(&b);
    qsort(t->v, t->n, sizeof(*t->v), cmp_str);
}

static void toks_free(struct toks *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
}

/* Token F1 of `got` against `truth`; -1 when there is no truth. */
static double f1(const char *got, const char *truth)
{
    if (!truth)
        return -1;
    struct toks a, b;
    tokenize(got, &a);
    tokenize(truth, &b);
    size_t i = 0, j = 0, common = 0;
    while (i < a.n && j < b.n) {
        int c = strcmp(a.v[i], b.v[j]);
        if (c == 0)
            common++, i++, j++;
        else if (c < 0)
            i++;
        else
            j++;
    }
    double r = 0;
    if (common) {
        double p = (double)common / (double)a.n, rc = (double)common / (double)b.n;
        r = 2 * p * rc / (p + rc);
    }
    toks_free(&a);
    toks_free(&b);
    return r;
}

static char *ws_norm(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *o = malloc(n + 1);
    size_t k = 0;
    bool sp = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            ws = true;
            i++;
        }
        if (ws) {
            if (!sp)
                o[k++] = ' ';
            sp = true;
        } else {
            o[k++] = (char)c;
            sp = false;
        }
    }
    while (k && o[k - 1] == ' ')
        k--;
    o[k] = '\0';
    return o;
}

static bool loose_eq(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    struct toks x, y;
    tokenize(a, &x);
    tokenize(b, &y);
    bool eq = x.n == y.n && x.n > 0;
    for (size_t i = 0; eq && i < x.n; i++)
        eq = strcmp(x.v[i], y.v[i]) == 0;
    toks_free(&x);
    toks_free(&y);
    return eq;
}

/* ---- dates ------------------------------------------------------------------------------ */

/* The truth's day, and whether it carried an offset (then *utc_day is its UTC day). */
static bool truth_day(const char *s, struct kb_civil *day, bool *has_offset)
{
    if (!s || strlen(s) < 10)
        return false;
    int64_t t;
    int off;
    const int none = 0x7FFF;
    if (kb_date_parse_iso8601(s, strlen(s), none, &t, &off, NULL) != 0)
        return false;
    if (off == none) {
        kb_unix_to_civil(t + (int64_t)none * 60, 0, day);
        *has_offset = false;
    } else {
        kb_unix_to_civil(t, 0, day);
        *has_offset = strlen(s) > 10;
    }
    return true;
}

static int date_ok(const struct kb_html_date *got, const char *truth)
{
    struct kb_civil tday;
    bool toff;
    if (!truth_day(truth, &tday, &toff))
        return -1;
    if (!got->found)
        return 0;
    struct kb_civil g = got->civil;
    if (toff && got->has_offset) {
        int64_t t = kb_civil_to_unix(&got->civil, got->offset_min);
        kb_unix_to_civil(t, 0, &g);
    }
    return g.year == tday.year && g.month == tday.month && g.day == tday.day;
}

/* ---- reading files ----------------------------------------------------------------------- */

static char *slurp(const char *path, size_t *n)
{
    char *s = NULL;
    struct kb_diag d;
    if (kb_file_read(path, KB_HTML_MAX_INPUT + 1, &s, n, &d) != 0)
        return NULL;
    return s;
}

/* CPU time of this process: the machine is shared, and wall time moves with its load. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void dump(const char *file, const char *url)
{
    size_t n;
    char *s = slurp(file, &n);
    if (!s) {
        fprintf(stderr, "bench_extract: %s: cannot read\n", file);
        exit(1);
    }
    struct kb_html_article a = {0};
    struct kb_diag d;
    if (kb_html_extract(s, n, url, &a, &d) != 0) {
        fprintf(stderr, "bench_extract: %s: %s\n", file, d.msg);
        exit(1);
    }
    json_t *o = json_object();
#define S(k, v) json_object_set_new(o, k, (v) ? json_string(v) : json_null())
    S("headline", a.headline);
    json_object_set_new(o, "headline_from", json_string(kb_html_source_name(a.headline_from)));
    S("lede", a.lede);
    S("section", a.section);
    S("byline", a.byline);
    S("site", a.site_name);
    S("canonical", a.canonical_url);
    S("language", a.language);
    char buf[64];
    if (a.published.found) {
        snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d%s%d", a.published.civil.year,
                 a.published.civil.month, a.published.civil.day, a.published.civil.hour,
                 a.published.civil.minute, a.published.has_offset ? " offset " : " no offset ",
                 a.published.offset_min);
        json_object_set_new(o, "published", json_string(buf));
    }
    json_object_set_new(o, "published_from", json_string(kb_html_source_name(a.published_from)));
    S("image", a.image_src);
    S("image_alt", a.image_alt);
    S("caption", a.image_caption);
    S("credit", a.image_credit);
    json_object_set_new(o, "body_from", json_string(kb_html_source_name(a.body_from)));
    json_object_set_new(o, "blocks", json_integer((json_int_t)a.nblocks));
    S("body_html", a.body_html);
    struct kb_buf m;
    kb_buf_init(&m, 4096);
    kb_html_missing_list(&m, a.missing);
    json_object_set_new(o, "missing", json_string(kb_buf_cstr(&m)));
    kb_buf_release(&m);
#undef S
    char *out = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    puts(out);
    free(out);
    json_decref(o);
    kb_html_article_release(&a);
    free(s);
}

/* ---- the evaluation ------------------------------------------------------------------------ */

#define MAXP 512

struct res {
    const char *set, *lang;
    double body, lede;
    int head, head_loose, date, snip; /* -1: no truth */
};

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    if (!n)
        return -1;
    qsort(v, n, sizeof(*v), cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void summary(const char *label, const struct res *r, size_t n, const char *set,
                    const char *lang)
{
    double body[MAXP], lede[MAXP];
    size_t nb = 0, nl = 0, pages = 0;
    int h = 0, hn = 0, hl = 0, dd = 0, dn = 0, s = 0, sn = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (set && strcmp(r[i].set, set) != 0)
            continue;
        if (lang && strcmp(r[i].lang, lang) != 0)
            continue;
        pages++;
        if (r[i].body >= 0)
            body[nb++] = r[i].body, sum += r[i].body;
        if (r[i].lede >= 0)
            lede[nl++] = r[i].lede;
        if (r[i].head >= 0)
            hn++, h += r[i].head, hl += r[i].head_loose;
        if (r[i].date >= 0)
            dn++, dd += r[i].date;
        if (r[i].snip >= 0)
            sn++, s += r[i].snip;
    }
    if (!pages)
        return;
    printf("%-16s %5zu", label, pages);
    if (nb)
        printf("  %5.3f %5.3f (%2zu)", median(body, nb), sum / (double)nb, nb);
    else
        printf("  %5s %5s (%2d)", "-", "-", 0);
    if (hn)
        printf("  %3d/%-3d %5.1f%% (loose %5.1f%%)", h, hn, 100.0 * h / hn, 100.0 * hl / hn);
    else
        printf("  %7s %6s %16s", "-", "-", "");
    if (dn)
        printf("  %3d/%-3d %5.1f%%", dd, dn, 100.0 * dd / dn);
    else
        printf("  %7s %6s", "-", "-");
    if (nl)
        printf("  %5.3f (%2zu)", median(lede, nl), nl);
    else
        printf("  %5s (%2d)", "-", 0);
    if (sn)
        printf("  %d/%d", s, sn);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "--dump") == 0) {
        dump(argv[2], argc > 3 ? argv[3] : NULL);
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: bench_extract MANIFEST | --dump FILE [URL]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static struct res r[MAXP];
    static char *pages[MAXP], *urls[MAXP];
    static size_t lens[MAXP];
    size_t n = 0;
    char *line = NULL;
    size_t cap = 0;
    printf("%-14s %-4s %6s %4s %4s %6s  %s\n", "set", "lang", "bodyF1", "head", "date", "ledeF1",
           "page (headline from / date from / body from; what was not found)");
    while (getline(&line, &cap, f) > 0 && n < MAXP) {
        json_error_t e;
        json_t *o = json_loads(line, 0, &e);
        if (!o)
            continue;
        const char *file = json_string_value(json_object_get(o, "file"));
        const char *url = json_string_value(json_object_get(o, "url"));
        size_t len;
        char *s = file ? slurp(file, &len) : NULL;
        if (!s) {
            fprintf(stderr, "bench_extract: %s: cannot read\n", file ? file : "(no file)");
            json_decref(o);
            continue;
        }
        struct kb_html_article a = {0};
        struct kb_diag d;
        struct res *x = &r[n];
        x->set = strdup(json_string_value(json_object_get(o, "set")));
        x->lang = strdup(json_string_value(json_object_get(o, "lang")));
        x->body = x->lede = -1;
        x->head = x->head_loose = x->date = x->snip = -1;
        if (kb_html_extract(s, len, url, &a, &d) != 0) {
            printf("%-14s %-4s refused: %s\n", x->set, x->lang, d.msg);
            free(s);
            json_decref(o);
            continue;
        }
        const char *title = json_string_value(json_object_get(o, "title"));
        const char *body = json_string_value(json_object_get(o, "body"));
        const char *lede = json_string_value(json_object_get(o, "lede"));
        x->body = f1(a.body_text, body);
        x->lede = lede ? f1(a.lede, lede) : -1;
        if (title) {
            char *g = ws_norm(a.headline), *t = ws_norm(title);
            x->head = g && strcmp(g, t) == 0;
            x->head_loose = loose_eq(a.headline, title);
            free(g);
            free(t);
        }
        x->date = date_ok(&a.published, json_string_value(json_object_get(o, "date")));
        json_t *with = json_object_get(o, "with"), *without = json_object_get(o, "without");
        if (json_is_array(with) || json_is_array(without)) {
            int ok = 1;
            size_t i;
            json_t *v;
            json_array_foreach(with, i, v) if (!a.body_text ||
                                               !strstr(a.body_text, json_string_value(v))) ok = 0;
            json_array_foreach(without, i, v) if (a.body_text &&
                                                  strstr(a.body_text, json_string_value(v))) ok = 0;
            x->snip = ok;
        }
        struct kb_buf m;
        kb_buf_init(&m, 4096);
        kb_html_missing_list(&m, a.missing);
        const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
        char fb[8], hb[8], db[8], lb[8];
        snprintf(fb, sizeof(fb), x->body >= 0 ? "%.3f" : "-", x->body);
        snprintf(hb, sizeof(hb), "%s", x->head < 0 ? "-" : x->head ? "ok" : "NO");
        snprintf(db, sizeof(db), "%s", x->date < 0 ? "-" : x->date ? "ok" : "NO");
        snprintf(lb, sizeof(lb), x->lede >= 0 ? "%.3f" : "-", x->lede);
        printf("%-14s %-4s %6s %4s %4s %6s  %.28s (%s/%s/%s; %s)\n", x->set, x->lang, fb, hb, db,
               lb, base, kb_html_source_name(a.headline_from),
               kb_html_source_name(a.published_from), kb_html_source_name(a.body_from),
               m.n ? kb_buf_cstr(&m) : "-");
        if (x->head == 0)
            printf("    headline: got  \"%s\"\n              want \"%s\"\n",
                   a.headline ? a.headline : "(none)", title);
        kb_buf_release(&m);
        kb_html_article_release(&a);
        pages[n] = s;
        lens[n] = len;
        urls[n] = url ? strdup(url) : NULL;
        n++;
        json_decref(o);
    }
    free(line);
    fclose(f);

    printf("\n%-16s %5s  %5s %5s %4s  %-30s  %-14s  %s\n", "", "pages", "body F1", "", "",
           "headline exact", "date (day)", "lede F1");
    printf("%-16s %5s  %5s %5s (n)\n", "", "", "median", "mean");
    const char *sets[MAXP];
    size_t nsets = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < nsets; k++)
            seen |= strcmp(sets[k], r[i].set) == 0;
        if (!seen)
            sets[nsets++] = r[i].set;
    }
    for (size_t k = 0; k < nsets; k++)
        summary(sets[k], r, n, sets[k], NULL);
    const char *langs[] = {"ar", "en", "fr"};
    for (size_t k = 0; k < 3; k++) {
        char label[32];
        snprintf(label, sizeof(label), "language %s", langs[k]);
        summary(label, r, n, NULL, langs[k]);
    }
    summary("all", r, n, NULL, NULL);

    /* speed: every page extracted, 5 passes, the median pass */
    double passes[5];
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += lens[i];
    for (int p = 0; p < 5; p++) {
        double t0 = now();
        for (size_t i = 0; i < n; i++) {
            struct kb_html_article a = {0};
            struct kb_diag d;
            if (kb_html_extract(pages[i], lens[i], urls[i], &a, &d) == 0)
                kb_html_article_release(&a);
        }
        passes[p] = now() - t0;
    }
    double med = median(passes, 5);
    printf(
        "\nspeed: %zu pages (%.1f MB), median of 5 passes %.3f s of CPU: %.0f pages/s, %.1f MB/s "
        "(one thread)\n",
        n, (double)bytes / 1e6, med, (double)n / med, (double)bytes / 1e6 / med);
    for (size_t i = 0; i < n; i++) {
        free(pages[i]);
        free(urls[i]);
    }
    return 0;
}
