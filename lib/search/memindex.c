/*
 * memindex.c — the in-memory ranker: a copy of the search index in the server's memory, so
 * that ranking a common word costs microseconds instead of FTS5's bm25() per match
 * (docs/search.md, "Speed").
 *
 * What it holds: every article (id, live state, published, section, token count) and, per
 * term, the articles holding it with the positions (column << 28 | offset) of every
 * occurrence — the same terms and positions FTS5 stores for article_search, made by the
 * same analyzer calls from the same texts (headline, lede, kb_html_text(body_html)),
 * colocated alternates included.  A query is the MATCH expression kb_search_query_match
 * wrote (parsed back here: strings joined by AND or OR, minus NOT (…)); each string is a
 * phrase analyzed in QUERY mode as FTS5 would (a prefix's last term in PREFIX mode,
 * matching every term it begins: a range of the byte-sorted dictionary); the score is
 * FTS5's own bm25 formula with the same column weights (idf from the phrase's document
 * count over all rows, k1 1.2, b 0.75, the document's token count over the average), so
 * the two paths rank alike, which the unit tests check.  Every match is counted (exact
 * totals), but once the heap holds the page's k an article is scored only when it may
 * enter it: each term keeps, per block of BLOCK postings, its largest weighted frequency
 * and shortest article, whose bm25 part bounds the block's.
 *
 * Segments: the terms and postings live in immutable, reference-counted segments, each
 * over its own articles in id order (local numbers): the base (a whole build, or the last
 * compaction) and a small delta (the articles written since).  An index version is a base,
 * at most one delta, and the per-article state of both (live, published, section, a dead
 * flag for a base article that was deleted or rewritten — its text is in the delta then);
 * global numbers are the base's articles, then the delta's.  kb_search_index_update reads
 * migration 11's change log (search_changes) since the version's own position and makes a
 * new version: a status, date or section change only edits the state (the text's hash
 * says the text is the same); a new or rewritten text is analyzed into a new delta, merged
 * with the old delta's surviving articles (postings copied, never re-analyzed); when the
 * delta outgrows a sixty-fourth of the base, the two are merged into a new base.  The
 * statistics bm25 needs (article count, average length, each phrase's document count)
 * always count the live rows of both, dead ones left out — exactly what a fresh build
 * would hold.
 *
 * Life cycle: a version never changes once made; it is shared by every worker thread
 * through a reference count, and shares its segments with the versions before and after
 * it.  kb_search_live keeps the version of the current data generation, updating it (or,
 * when the change log cannot say, rebuilding it) on a thread of its own when a newer
 * generation is asked for; until then the asker gets NULL and uses FTS5.
 */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "khabar/analyzer.h"
#include "khabar/search.h"
#include "search_int.h"

#define COL_SHIFT 28
#define POS_MASK ((1u << COL_SHIFT) - 1)
#define BM25_K1 1.2
#define BM25_B 0.75
#define SETTLE_MS 300 /* a rebuild waits this long without a newer generation */
#define SETTLE_MAX 30
#define COMPACT_MIN 256      /* a delta of fewer articles is never merged into the base */
#define COMPACT_RATIO 64     /* ... else once it holds more than base / COMPACT_RATIO */
#define UPDATE_MAX_RATIO 4   /* more changed articles than live / this: rebuild instead */
#define UPDATE_MAX_MIN 20000 /* ... but up to this many are always applied */

#define BLOCK 64  /* postings per block of the top-k bounds */
#define F_LIVE 1u /* status 'published' */
#define F_DEAD 2u /* a base article deleted or rewritten since the base was made */

static const double col_weight[3] = {KB_SEARCH_W_HEADLINE, KB_SEARCH_W_LEDE, KB_SEARCH_W_BODY};

struct term {
    uint32_t str;    /* offset of the NUL-terminated term in strs */
    uint32_t n, cap; /* postings */
    uint32_t *doc;   /* local article numbers, ascending */
    uint32_t *pend;  /* end of each posting's positions in pos */
    uint32_t npos, poscap;
    uint32_t *pos; /* col << COL_SHIFT | offset, ascending within a posting */
    /* per block of BLOCK postings: the largest weighted frequency (headline 4, lede 2,
     * body 1 per occurrence) and the shortest article, for the ranking's bounds */
    float *bmax;
    uint32_t *bmin;
};

/* An immutable set of articles with their dictionary and postings. */
struct seg {
    _Atomic long refs;
    size_t ndocs, doccap;
    int64_t *id;    /* ascending */
    uint32_t *len;  /* tokens in all columns (FTS5's xColumnSize(-1)) */
    uint64_t *hash; /* of headline, lede and body_html: a rewrite changes it */
    struct term *terms;
    size_t nterms, termcap;
    uint32_t *slots; /* open addressing: term index + 1, 0 empty */
    size_t nslots;
    char *strs;
    size_t strn, strcap;
    uint32_t *sorted; /* term indexes in byte order of their strings */
    /* snippet checkpoints: ck[ck_at[3 * d + col] ..] the byte offsets of every
     * KB_MARKS_CHECKPOINT-th position of column col of article d */
    uint32_t *ck, *ck_at;
    size_t nck, ckcap;
    uint64_t positions;
    size_t bytes;
};

struct kb_search_index {
    _Atomic long refs;
    struct seg *base, *delta; /* delta NULL when empty */
    size_t nbase, ndocs;      /* global numbers: base [0, nbase), delta [nbase, ndocs) */
    int64_t *id, *published;  /* published INT64_MIN when NULL */
    int64_t *section;         /* sections.id, INT64_MIN when NULL */
    uint32_t *len;
    uint8_t *flags; /* F_LIVE, F_DEAD */
    /* the sections table (id ascending) */
    int64_t *sec_id;
    char **sec_slug;
    size_t nsections;
    uint64_t alive, total; /* articles and tokens not dead */
    size_t ndead;
    double avgdl;
    bool logged; /* the database has the change log; seq is the last change included */
    int64_t seq;
    size_t bytes, changed;
    bool incremental;
    double build_ms;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- segments: dictionary ------------------------------------------------------------- */

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static struct seg *seg_new(void)
{
    struct seg *s = kb_calloc(1, sizeof(*s));
    atomic_init(&s->refs, 1);
    return s;
}

static void seg_release(struct seg *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    for (size_t i = 0; i < s->nterms; i++) {
        free(s->terms[i].doc);
        free(s->terms[i].pend);
        free(s->terms[i].pos);
        free(s->terms[i].bmax);
        free(s->terms[i].bmin);
    }
    free(s->terms);
    free(s->slots);
    free(s->strs);
    free(s->sorted);
    free(s->id);
    free(s->len);
    free(s->hash);
    free(s->ck);
    free(s->ck_at);
    free(s);
}

static const struct term *lookup(const struct seg *x, const char *s, size_t n)
{
    if (!x || !x->nslots)
        return NULL;
    for (size_t i = hash(s, n) & (x->nslots - 1);; i = (i + 1) & (x->nslots - 1)) {
        uint32_t t = x->slots[i];
        if (!t)
            return NULL;
        const char *ts = x->strs + x->terms[t - 1].str;
        if (strncmp(ts, s, n) == 0 && ts[n] == 0)
            return &x->terms[t - 1];
    }
}

static void grow_slots(struct seg *x)
{
    size_t ns = x->nslots ? 2 * x->nslots : 1 << 10;
    uint32_t *slots = kb_calloc(ns, sizeof(*slots));
    for (size_t t = 0; t < x->nterms; t++) {
        const char *s = x->strs + x->terms[t].str;
        size_t i = hash(s, strlen(s)) & (ns - 1);
        while (slots[i])
            i = (i + 1) & (ns - 1);
        slots[i] = (uint32_t)t + 1;
    }
    free(x->slots);
    x->slots = slots;
    x->nslots = ns;
}

static uint32_t intern(struct seg *x, const char *s, size_t n)
{
    if (2 * (x->nterms + 1) > x->nslots)
        grow_slots(x);
    size_t i = hash(s, n) & (x->nslots - 1);
    for (;; i = (i + 1) & (x->nslots - 1)) {
        uint32_t t = x->slots[i];
        if (!t)
            break;
        const char *ts = x->strs + x->terms[t - 1].str;
        if (strncmp(ts, s, n) == 0 && ts[n] == 0)
            return t - 1;
    }
    if (x->strn + n + 1 > x->strcap) {
        x->strcap = x->strcap ? 2 * x->strcap + n : 1 << 16;
        x->strs = kb_realloc(x->strs, x->strcap);
    }
    if (x->nterms == x->termcap) {
        x->termcap = x->termcap ? 2 * x->termcap : 1 << 10;
        x->terms = kb_realloc(x->terms, x->termcap * sizeof(*x->terms));
    }
    struct term *t = &x->terms[x->nterms];
    memset(t, 0, sizeof(*t));
    t->str = (uint32_t)x->strn;
    memcpy(x->strs + x->strn, s, n);
    x->strs[x->strn + n] = 0;
    x->strn += n + 1;
    x->slots[i] = (uint32_t)x->nterms + 1;
    return (uint32_t)x->nterms++;
}

static void add_ck(struct seg *x, uint32_t v)
{
    if (x->nck == x->ckcap) {
        x->ckcap = x->ckcap ? 2 * x->ckcap : 1 << 12;
        x->ck = kb_realloc(x->ck, x->ckcap * sizeof(*x->ck));
    }
    x->ck[x->nck++] = v;
}

/* Room for one more article. */
static size_t seg_add_slot(struct seg *x)
{
    if (x->ndocs == x->doccap) {
        x->doccap = x->doccap ? 2 * x->doccap : 64;
        x->id = kb_realloc(x->id, x->doccap * sizeof(*x->id));
        x->len = kb_realloc(x->len, x->doccap * sizeof(*x->len));
        x->hash = kb_realloc(x->hash, x->doccap * sizeof(*x->hash));
        x->ck_at = kb_realloc(x->ck_at, (3 * x->doccap + 1) * sizeof(*x->ck_at));
    }
    return x->ndocs++;
}

static struct seg *sort_seg; /* set around qsort, which has no context argument */
static pthread_mutex_t sort_mu = PTHREAD_MUTEX_INITIALIZER;

static int cmp_term(const void *a, const void *b)
{
    const struct seg *x = sort_seg;
    return strcmp(x->strs + x->terms[*(const uint32_t *)a].str,
                  x->strs + x->terms[*(const uint32_t *)b].str);
}

/* Exact sizes, the byte-sorted term order, the memory held. */
static void seg_finish(struct seg *x)
{
    if (!x->ck_at)
        x->ck_at = kb_malloc(sizeof(*x->ck_at));
    x->ck_at[3 * x->ndocs] = (uint32_t)x->nck;
    size_t bytes =
        x->ndocs * (sizeof(int64_t) + sizeof(uint32_t) + sizeof(uint64_t) + 3 * sizeof(uint32_t)) +
        x->nslots * sizeof(uint32_t) + x->strn + x->nck * sizeof(uint32_t) +
        x->nterms * sizeof(uint32_t);
    uint64_t positions = 0;
    for (size_t i = 0; i < x->nterms; i++) {
        struct term *t = &x->terms[i];
        if (t->cap != t->n) {
            t->doc = kb_realloc(t->doc, (t->n ? t->n : 1) * sizeof(*t->doc));
            t->pend = kb_realloc(t->pend, (t->n ? t->n : 1) * sizeof(*t->pend));
            t->cap = t->n;
        }
        if (t->poscap != t->npos) {
            t->pos = kb_realloc(t->pos, (t->npos ? t->npos : 1) * sizeof(*t->pos));
            t->poscap = t->npos;
        }
        positions += t->npos;
        size_t nb = (t->n + BLOCK - 1) / BLOCK;
        t->bmax = kb_malloc((nb ? nb : 1) * sizeof(*t->bmax));
        t->bmin = kb_malloc((nb ? nb : 1) * sizeof(*t->bmin));
        for (size_t b = 0; b < nb; b++) {
            float fmax = 0;
            uint32_t lmin = UINT32_MAX;
            for (size_t q = b * BLOCK; q < t->n && q < (b + 1) * BLOCK; q++) {
                float f = 0;
                for (uint32_t j = q ? t->pend[q - 1] : 0; j < t->pend[q]; j++)
                    f += (float)col_weight[t->pos[j] >> COL_SHIFT];
                fmax = f > fmax ? f : fmax;
                lmin = x->len[t->doc[q]] < lmin ? x->len[t->doc[q]] : lmin;
            }
            t->bmax[b] = fmax;
            t->bmin[b] = lmin;
        }
        bytes += sizeof(*t) + 2 * t->n * sizeof(uint32_t) + t->npos * sizeof(uint32_t) +
                 nb * (sizeof(*t->bmax) + sizeof(*t->bmin));
    }
    x->positions = positions;
    x->sorted = kb_malloc((x->nterms ? x->nterms : 1) * sizeof(*x->sorted));
    for (size_t i = 0; i < x->nterms; i++)
        x->sorted[i] = (uint32_t)i;
    pthread_mutex_lock(&sort_mu);
    sort_seg = x;
    qsort(x->sorted, x->nterms, sizeof(*x->sorted), cmp_term);
    sort_seg = NULL;
    pthread_mutex_unlock(&sort_mu);
    x->bytes = bytes;
}

/* ---- segments: analysis ------------------------------------------------------------------ */

struct occ {
    uint32_t term, code;
};

struct doc_terms {
    struct seg *x;
    struct occ *v;
    size_t n, cap;
    uint32_t col, pos; /* pos: tokens counted in this column so far */
    bool any;          /* a token was emitted in this column (fts5.c's on_term) */
    uint32_t len;
    size_t doc;
};

/* The same choices as fts5.c's on_term and FTS5's own position counting: a colocated
 * token takes the previous position, except the first of a column. */
static int on_doc_term(void *ctx, int flags, const char *s, size_t n, size_t start, size_t end)
{
    struct doc_terms *c = ctx;
    if (n == 0 || n > KB_SEARCH_MAX_TERM || end > (size_t)INT32_MAX)
        return 0;
    bool coloc = c->any && (flags & KB_TOKEN_COLOCATED);
    c->any = true;
    if (!coloc || c->pos == 0) {
        c->pos++;
        if (c->pos > 1 && (c->pos - 1) % KB_MARKS_CHECKPOINT == 0)
            add_ck(c->x, (uint32_t)start);
    }
    if (c->pos - 1 > POS_MASK)
        return 0;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->v = kb_realloc(c->v, c->cap * sizeof(*c->v));
    }
    c->v[c->n].term = intern(c->x, s, n);
    c->v[c->n].code = c->col << COL_SHIFT | (c->pos - 1);
    c->n++;
    return 0;
}

static int cmp_occ(const void *a, const void *b)
{
    const struct occ *p = a, *q = b;
    if (p->term != q->term)
        return p->term < q->term ? -1 : 1;
    return p->code < q->code ? -1 : p->code > q->code;
}

static void add_doc_text(struct doc_terms *c, uint32_t col, const char *s, size_t n)
{
    c->x->ck_at[c->doc * 3 + col] = (uint32_t)c->x->nck;
    c->col = col;
    c->pos = 0;
    c->any = false;
    if (s && n)
        (void)kb_analyze(s, n, KB_ANALYZE_INDEX, on_doc_term, c);
    c->len += c->pos;
}

static void append_postings(struct seg *x, struct doc_terms *c, uint32_t d)
{
    if (c->n > 1)
        qsort(c->v, c->n, sizeof(*c->v), cmp_occ);
    for (size_t i = 0; i < c->n;) {
        struct term *t = &x->terms[c->v[i].term];
        if (t->n == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 4;
            t->doc = kb_realloc(t->doc, t->cap * sizeof(*t->doc));
            t->pend = kb_realloc(t->pend, t->cap * sizeof(*t->pend));
        }
        size_t j = i;
        while (j < c->n && c->v[j].term == c->v[i].term)
            j++;
        if (t->npos + (j - i) > t->poscap) {
            t->poscap = t->poscap ? 2 * t->poscap : 8;
            while (t->poscap < t->npos + (j - i))
                t->poscap *= 2;
            t->pos = kb_realloc(t->pos, t->poscap * sizeof(*t->pos));
        }
        for (size_t k = i; k < j; k++)
            t->pos[t->npos++] = c->v[k].code;
        t->doc[t->n] = d;
        t->pend[t->n++] = t->npos;
        i = j;
    }
}

/* One row of ROW_COLUMNS. */
struct row {
    int64_t id, published, section;
    bool live;
    const char *text[3]; /* headline, lede, body_html; NULL when SQL NULL */
    size_t n[3];
};

#define ROW_COLUMNS "id, status = 'published', published, section_id, headline, lede, body_html"

static void read_row(sqlite3_stmt *st, struct row *r)
{
    r->id = sqlite3_column_int64(st, 0);
    r->live = sqlite3_column_int(st, 1) != 0;
    r->published =
        sqlite3_column_type(st, 2) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(st, 2);
    r->section =
        sqlite3_column_type(st, 3) == SQLITE_NULL ? INT64_MIN : sqlite3_column_int64(st, 3);
    for (int i = 0; i < 3; i++) {
        r->text[i] = (const char *)sqlite3_column_text(st, 4 + i);
        r->n[i] = r->text[i] ? (size_t)sqlite3_column_bytes(st, 4 + i) : 0;
    }
}

static uint64_t text_hash(const struct row *r)
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < 3; i++) {
        h = (h ^ (r->text[i] ? 1u : 2u)) * 1099511628211ull;
        for (size_t k = 0; k < r->n[i]; k++)
            h = (h ^ (unsigned char)r->text[i][k]) * 1099511628211ull;
        h = (h ^ 0xffu) * 1099511628211ull;
    }
    return h;
}

/* Analyze one article into x (ids must come in ascending order). */
static void seg_add_doc(struct seg *x, struct doc_terms *c, struct kb_buf *body,
                        const struct row *r)
{
    size_t i = seg_add_slot(x);
    x->id[i] = r->id;
    x->hash[i] = text_hash(r);
    c->x = x;
    c->n = 0;
    c->len = 0;
    c->doc = i;
    add_doc_text(c, 0, r->text[0], r->n[0]);
    add_doc_text(c, 1, r->text[1], r->n[1]);
    kb_buf_reset(body);
    if (r->text[2])
        kb_search_html_text(body, r->text[2], r->n[2]);
    add_doc_text(c, 2, body->n ? kb_buf_cstr(body) : NULL, body->n);
    x->len[i] = c->len;
    append_postings(x, c, (uint32_t)i);
}

/* ---- segments: merging --------------------------------------------------------------------- */

static void count_kept(const struct term *t, const uint32_t *map, uint32_t *n, uint32_t *npos)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (map[t->doc[i]] != UINT32_MAX) {
            (*n)++;
            *npos += t->pend[i] - (i ? t->pend[i - 1] : 0);
        }
}

/* The articles of a and b not dropped (da/db: a flag per article, or NULL), in id order,
 * with their postings copied: no text is analyzed again.  ma/mb get each article's new
 * number (UINT32_MAX when dropped). */
static struct seg *seg_merge(const struct seg *a, const uint8_t *da, const struct seg *b,
                             const uint8_t *db, uint32_t *ma, uint32_t *mb)
{
    struct seg *o = seg_new();
    size_t i = 0, j = 0;
    while (i < a->ndocs || j < b->ndocs) {
        if (i < a->ndocs && da && da[i]) {
            ma[i++] = UINT32_MAX;
            continue;
        }
        if (j < b->ndocs && db && db[j]) {
            mb[j++] = UINT32_MAX;
            continue;
        }
        bool from_a = j >= b->ndocs || (i < a->ndocs && a->id[i] < b->id[j]);
        const struct seg *s = from_a ? a : b;
        size_t k = from_a ? i : j;
        size_t d = seg_add_slot(o);
        o->id[d] = s->id[k];
        o->len[d] = s->len[k];
        o->hash[d] = s->hash[k];
        for (size_t col = 0; col < 3; col++) {
            o->ck_at[3 * d + col] = (uint32_t)o->nck;
            for (uint32_t c = s->ck_at[3 * k + col]; c < s->ck_at[3 * k + col + 1]; c++)
                add_ck(o, s->ck[c]);
        }
        if (from_a)
            ma[i++] = (uint32_t)d;
        else
            mb[j++] = (uint32_t)d;
    }
    size_t cap = a->nterms + b->nterms;
    uint32_t *ta = kb_malloc((cap ? cap : 1) * sizeof(*ta));
    uint32_t *tb = kb_malloc((cap ? cap : 1) * sizeof(*tb));
    for (size_t k = 0; k < cap; k++)
        ta[k] = tb[k] = UINT32_MAX;
    for (int side = 0; side < 2; side++) {
        const struct seg *s = side ? b : a;
        const uint32_t *m = side ? mb : ma;
        for (size_t t = 0; t < s->nterms; t++) {
            uint32_t n = 0, np = 0;
            count_kept(&s->terms[t], m, &n, &np);
            if (!n)
                continue;
            const char *str = s->strs + s->terms[t].str;
            uint32_t ot = intern(o, str, strlen(str));
            (side ? tb : ta)[ot] = (uint32_t)t;
        }
    }
    for (size_t t = 0; t < o->nterms; t++) {
        const struct term *x = ta[t] != UINT32_MAX ? &a->terms[ta[t]] : NULL;
        const struct term *y = tb[t] != UINT32_MAX ? &b->terms[tb[t]] : NULL;
        uint32_t n = 0, np = 0;
        if (x)
            count_kept(x, ma, &n, &np);
        if (y)
            count_kept(y, mb, &n, &np);
        struct term *ot = &o->terms[t];
        ot->doc = kb_malloc(n * sizeof(*ot->doc));
        ot->pend = kb_malloc(n * sizeof(*ot->pend));
        ot->pos = kb_malloc((np ? np : 1) * sizeof(*ot->pos));
        ot->cap = n;
        ot->poscap = np;
        uint32_t ix = 0, iy = 0;
        for (;;) {
            while (x && ix < x->n && ma[x->doc[ix]] == UINT32_MAX)
                ix++;
            while (y && iy < y->n && mb[y->doc[iy]] == UINT32_MAX)
                iy++;
            bool hx = x && ix < x->n, hy = y && iy < y->n;
            if (!hx && !hy)
                break;
            bool from_x = hx && (!hy || ma[x->doc[ix]] < mb[y->doc[iy]]);
            const struct term *s = from_x ? x : y;
            uint32_t k = from_x ? ix++ : iy++;
            uint32_t pb = k ? s->pend[k - 1] : 0;
            memcpy(ot->pos + ot->npos, s->pos + pb, (s->pend[k] - pb) * sizeof(*ot->pos));
            ot->npos += s->pend[k] - pb;
            ot->doc[ot->n] = (from_x ? ma : mb)[s->doc[k]];
            ot->pend[ot->n++] = ot->npos;
        }
    }
    free(ta);
    free(tb);
    seg_finish(o);
    return o;
}

/* ---- versions ------------------------------------------------------------------------------ */

/* A version over base and delta (their references are taken over), ids and lengths filled
 * in; the caller fills published, section and flags. */
static struct kb_search_index *ver_new(struct seg *base, struct seg *delta)
{
    struct kb_search_index *x = kb_calloc(1, sizeof(*x));
    atomic_init(&x->refs, 1);
    x->base = base;
    x->delta = delta;
    x->nbase = base->ndocs;
    x->ndocs = base->ndocs + (delta ? delta->ndocs : 0);
    size_t n = x->ndocs ? x->ndocs : 1;
    x->id = kb_malloc(n * sizeof(*x->id));
    x->published = kb_malloc(n * sizeof(*x->published));
    x->section = kb_malloc(n * sizeof(*x->section));
    x->len = kb_malloc(n * sizeof(*x->len));
    x->flags = kb_malloc(n);
    memcpy(x->id, base->id, base->ndocs * sizeof(*x->id));
    memcpy(x->len, base->len, base->ndocs * sizeof(*x->len));
    if (delta) {
        memcpy(x->id + x->nbase, delta->id, delta->ndocs * sizeof(*x->id));
        memcpy(x->len + x->nbase, delta->len, delta->ndocs * sizeof(*x->len));
    }
    return x;
}

/* The statistics of the rows bm25 counts (every article not dead) and the memory held. */
static void ver_finish(struct kb_search_index *x)
{
    uint64_t alive = 0, total = 0;
    for (size_t d = 0; d < x->ndocs; d++)
        if (!(x->flags[d] & F_DEAD)) {
            alive++;
            total += x->len[d];
        }
    x->alive = alive;
    x->ndead = x->ndocs - (size_t)alive;
    x->total = total;
    x->avgdl = alive ? (double)total / (double)alive : 0;
    x->bytes = x->base->bytes + (x->delta ? x->delta->bytes : 0) +
               x->ndocs * (4 * sizeof(int64_t) + sizeof(uint32_t) + 1);
}

static void sections_free(int64_t *id, char **slug, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(slug[i]);
    free(slug);
    free(id);
}

static int load_sections(sqlite3 *db, struct kb_search_index *x, struct kb_diag *d)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, slug FROM sections ORDER BY id", -1, &st, NULL) !=
        SQLITE_OK)
        return kb_diag_set(d, KB_EDB, "", "reading sections for the search index: %s",
                           sqlite3_errmsg(db));
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (x->nsections == cap) {
            cap = cap ? 2 * cap : 16;
            x->sec_id = kb_realloc(x->sec_id, cap * sizeof(*x->sec_id));
            x->sec_slug = kb_realloc(x->sec_slug, cap * sizeof(*x->sec_slug));
        }
        const char *slug = (const char *)sqlite3_column_text(st, 1);
        x->sec_id[x->nsections] = sqlite3_column_int64(st, 0);
        x->sec_slug[x->nsections++] = kb_strdup(slug ? slug : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return kb_diag_set(d, KB_EDB, "", "reading sections for the search index: %s",
                           sqlite3_errmsg(db));
    return 0;
}

static bool same_sections(const struct kb_search_index *a, const struct kb_search_index *b)
{
    if (a->nsections != b->nsections)
        return false;
    for (size_t i = 0; i < a->nsections; i++)
        if (a->sec_id[i] != b->sec_id[i] || strcmp(a->sec_slug[i], b->sec_slug[i]) != 0)
            return false;
    return true;
}

/* Every version is read in one transaction of its own, unless the caller has one open. */
static bool begin(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        return false;
    return sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

static void end(sqlite3 *db, bool began)
{
    if (began)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

/* The last change of migration 11's log; false when the database has no log. */
static bool log_seq(sqlite3 *db, int64_t *seq)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(seq), 0) FROM search_changes", -1, &st, NULL) !=
        SQLITE_OK)
        return false;
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    if (ok)
        *seq = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return ok;
}

int kb_search_index_build_db(struct sqlite3 *db, struct kb_search_index **out, struct kb_diag *d)
{
    double t0 = now_ms();
    bool began = begin(db);
    int64_t seq = 0;
    bool logged = log_seq(db, &seq);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT " ROW_COLUMNS " FROM articles ORDER BY id", -1, &st, NULL) !=
        SQLITE_OK) {
        kb_diag_set(d, KB_EDB, "", "reading articles for the search index: %s", sqlite3_errmsg(db));
        end(db, began);
        return KB_EDB;
    }
    struct seg *b = seg_new();
    int64_t *pub = NULL, *sec = NULL;
    uint8_t *flags = NULL;
    struct doc_terms c = {.x = b};
    struct kb_buf body;
    kb_buf_init(&body, (size_t)1 << 30);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct row r;
        read_row(st, &r);
        seg_add_doc(b, &c, &body, &r);
        if (b->ndocs == 1 || (b->ndocs & (b->ndocs - 1)) == 0) {
            pub = kb_realloc(pub, 2 * b->ndocs * sizeof(*pub));
            sec = kb_realloc(sec, 2 * b->ndocs * sizeof(*sec));
            flags = kb_realloc(flags, 2 * b->ndocs);
        }
        pub[b->ndocs - 1] = r.published;
        sec[b->ndocs - 1] = r.section;
        flags[b->ndocs - 1] = r.live ? F_LIVE : 0;
    }
    kb_buf_release(&body);
    free(c.v);
    if (rc != SQLITE_DONE) {
        kb_diag_set(d, KB_EDB, "", "reading articles for the search index: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        end(db, began);
        seg_release(b);
        free(pub);
        free(sec);
        free(flags);
        return KB_EDB;
    }
    sqlite3_finalize(st);
    seg_finish(b);
    struct kb_search_index *x = ver_new(b, NULL);
    if (b->ndocs) {
        memcpy(x->published, pub, b->ndocs * sizeof(*pub));
        memcpy(x->section, sec, b->ndocs * sizeof(*sec));
        memcpy(x->flags, flags, b->ndocs);
    }
    free(pub);
    free(sec);
    free(flags);
    rc = load_sections(db, x, d);
    end(db, began);
    if (rc != 0) {
        kb_search_index_release(x);
        return rc;
    }
    x->logged = logged;
    x->seq = seq;
    ver_finish(x);
    x->build_ms = now_ms() - t0;
    *out = x;
    return 0;
}

int kb_search_index_build(const char *path, struct kb_search_index **out, struct kb_diag *d)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        kb_diag_set(d, KB_EDB, path, "opening the database for the search index: %s",
                    db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return KB_EDB;
    }
    sqlite3_busy_timeout(db, 5000);
    int rc = kb_search_index_build_db(db, out, d);
    sqlite3_close(db);
    return rc;
}

static bool find_id(const int64_t *v, size_t n, int64_t id, size_t *at)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at = lo;
    return lo < n && v[lo] == id;
}

/* The state of the articles of one segment while a version is made. */
struct state {
    int64_t *published, *section;
    uint8_t *flags;
};

static void state_alloc(struct state *s, size_t n)
{
    n = n ? n : 1;
    s->published = kb_malloc(n * sizeof(*s->published));
    s->section = kb_malloc(n * sizeof(*s->section));
    s->flags = kb_malloc(n);
}

static void state_free(struct state *s)
{
    free(s->published);
    free(s->section);
    free(s->flags);
}

static void state_set(struct state *s, size_t i, const struct row *r, uint8_t keep)
{
    s->published[i] = r->published;
    s->section[i] = r->section;
    s->flags[i] = (uint8_t)((r->live ? F_LIVE : 0) | (s->flags[i] & keep));
}

static void state_put(struct kb_search_index *x, size_t to, const struct state *s, size_t from)
{
    x->published[to] = s->published[from];
    x->section[to] = s->section[from];
    x->flags[to] = s->flags[from];
}

/* Time to merge the delta into the base: it holds more than a COMPACT_RATIO-th of the
 * base's articles, or as many of the base's are dead. */
static bool delta_full(const struct seg *base, const struct seg *delta, const struct state *bs)
{
    size_t nd = delta ? delta->ndocs : 0, dead = 0;
    for (size_t i = 0; i < base->ndocs; i++)
        dead += (bs->flags[i] & F_DEAD) != 0;
    size_t n = nd > dead ? nd : dead;
    return n >= COMPACT_MIN && n * COMPACT_RATIO > base->ndocs;
}

/* The next version from old's segments and state: base state bs (dead flags set), the
 * delta's articles those of old->delta not dropped (od, state ds) and the new ones (nw,
 * state ns). */
static struct kb_search_index *assemble(const struct kb_search_index *old, struct state *bs,
                                        const uint8_t *od, struct state *ds, struct seg *nw,
                                        struct state *ns, bool compact)
{
    struct seg *delta = NULL;
    struct state dstate = {0};
    if (old->delta || nw->ndocs) {
        size_t n0 = old->delta ? old->delta->ndocs : 0;
        uint32_t *mo = kb_malloc((n0 ? n0 : 1) * sizeof(*mo));
        uint32_t *mn = kb_malloc((nw->ndocs ? nw->ndocs : 1) * sizeof(*mn));
        if (old->delta) {
            delta = seg_merge(old->delta, od, nw, NULL, mo, mn);
        } else {
            delta = nw;
            atomic_fetch_add(&nw->refs, 1);
            for (size_t i = 0; i < nw->ndocs; i++)
                mn[i] = (uint32_t)i;
        }
        state_alloc(&dstate, delta->ndocs);
        for (size_t i = 0; i < n0; i++)
            if (mo[i] != UINT32_MAX) {
                dstate.published[mo[i]] = ds->published[i];
                dstate.section[mo[i]] = ds->section[i];
                dstate.flags[mo[i]] = ds->flags[i];
            }
        for (size_t i = 0; i < nw->ndocs; i++) {
            dstate.published[mn[i]] = ns->published[i];
            dstate.section[mn[i]] = ns->section[i];
            dstate.flags[mn[i]] = ns->flags[i];
        }
        free(mo);
        free(mn);
        if (!delta->ndocs) {
            seg_release(delta);
            delta = NULL;
        }
    }
    struct kb_search_index *x;
    if (compact || delta_full(old->base, delta, bs)) {
        const struct seg *b = old->base;
        if (!delta) {
            delta = seg_new();
            seg_finish(delta);
        }
        uint8_t *dead = kb_malloc(b->ndocs ? b->ndocs : 1);
        for (size_t i = 0; i < b->ndocs; i++)
            dead[i] = (bs->flags[i] & F_DEAD) != 0;
        uint32_t *mb = kb_malloc((b->ndocs ? b->ndocs : 1) * sizeof(*mb));
        uint32_t *md = kb_malloc((delta->ndocs ? delta->ndocs : 1) * sizeof(*md));
        struct seg *nb = seg_merge(b, dead, delta, NULL, mb, md);
        x = ver_new(nb, NULL);
        for (size_t i = 0; i < b->ndocs; i++)
            if (mb[i] != UINT32_MAX)
                state_put(x, mb[i], bs, i);
        for (size_t i = 0; i < delta->ndocs; i++)
            state_put(x, md[i], &dstate, i);
        free(dead);
        free(mb);
        free(md);
        seg_release(delta);
    } else {
        atomic_fetch_add(&old->base->refs, 1);
        x = ver_new(old->base, delta);
        memcpy(x->published, bs->published, x->nbase * sizeof(*x->published));
        memcpy(x->section, bs->section, x->nbase * sizeof(*x->section));
        memcpy(x->flags, bs->flags, x->nbase);
        for (size_t i = 0; delta && i < delta->ndocs; i++)
            state_put(x, x->nbase + i, &dstate, i);
    }
    state_free(&dstate);
    return x;
}

static int update_fail(sqlite3 *db, bool began, sqlite3_stmt *st, struct kb_diag *d)
{
    kb_diag_set(d, KB_EDB, "", "reading changes for the search index: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    end(db, began);
    return KB_EDB;
}

/* The articles changed after `seq`, ascending, into *ids; 1 when the log cannot say (it
 * lost some, or the database is not the one the index was built from). */
static int changed_ids(sqlite3 *db, int64_t seq, int64_t **ids, size_t *n, int64_t *last,
                       struct kb_diag *d)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            db, "SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM search_changes", -1, &st,
            NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        return update_fail(db, false, st, d);
    int64_t mn = sqlite3_column_int64(st, 0), mx = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    if (mx < seq || (mx > seq && mn > seq + 1))
        return 1;
    *last = mx;
    *ids = NULL;
    *n = 0;
    if (mx == seq)
        return 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT DISTINCT article_id FROM search_changes WHERE seq > ?1"
                           " ORDER BY article_id",
                           -1, &st, NULL) != SQLITE_OK)
        return update_fail(db, false, st, d);
    sqlite3_bind_int64(st, 1, seq);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            *ids = kb_realloc(*ids, cap * sizeof(**ids));
        }
        (*ids)[(*n)++] = sqlite3_column_int64(st, 0);
    }
    if (rc != SQLITE_DONE) {
        free(*ids);
        *ids = NULL;
        return update_fail(db, false, st, d);
    }
    sqlite3_finalize(st);
    return 0;
}

int kb_search_index_update(struct kb_search_index *old, struct sqlite3 *db,
                           struct kb_search_index **out, struct kb_diag *d)
{
    if (!old->logged)
        return 1;
    double t0 = now_ms();
    bool began = begin(db);
    int64_t *ids = NULL, last = old->seq;
    size_t nids = 0;
    int rc = changed_ids(db, old->seq, &ids, &nids, &last, d);
    size_t most = (size_t)(old->alive / UPDATE_MAX_RATIO);
    if (rc == 0 && nids > (most > UPDATE_MAX_MIN ? most : UPDATE_MAX_MIN))
        rc = 1;
    if (rc != 0) {
        end(db, began);
        free(ids);
        return rc;
    }
    struct kb_search_index secs = {0};
    if ((rc = load_sections(db, &secs, d)) != 0) {
        end(db, began);
        free(ids);
        return rc;
    }
    if (!nids && same_sections(old, &secs)) {
        end(db, began);
        sections_free(secs.sec_id, secs.sec_slug, secs.nsections);
        kb_search_index_retain(old);
        *out = old;
        return 0;
    }
    const struct seg *base = old->base, *od = old->delta;
    size_t nb = old->nbase, nd = od ? od->ndocs : 0;
    struct state bs, ds, ns = {0};
    state_alloc(&bs, nb);
    state_alloc(&ds, nd);
    memcpy(bs.published, old->published, nb * sizeof(*bs.published));
    memcpy(bs.section, old->section, nb * sizeof(*bs.section));
    memcpy(bs.flags, old->flags, nb);
    memcpy(ds.published, old->published + nb, nd * sizeof(*ds.published));
    memcpy(ds.section, old->section + nb, nd * sizeof(*ds.section));
    memcpy(ds.flags, old->flags + nb, nd);
    uint8_t *drop = kb_calloc(nd ? nd : 1, 1);
    struct seg *nw = seg_new();
    struct doc_terms c = {.x = nw};
    struct kb_buf body;
    kb_buf_init(&body, (size_t)1 << 30);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT " ROW_COLUMNS " FROM articles WHERE id = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        rc = update_fail(db, began, st, d);
    for (size_t k = 0; rc == 0 && k < nids; k++) {
        size_t bi = 0, dj = 0;
        bool in_d = od && find_id(od->id, nd, ids[k], &dj);
        bool in_b = find_id(base->id, nb, ids[k], &bi) && !(bs.flags[bi] & F_DEAD);
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, ids[k]);
        int s = sqlite3_step(st);
        if (s == SQLITE_DONE) { /* deleted */
            if (in_d)
                drop[dj] = 1;
            if (in_b)
                bs.flags[bi] |= F_DEAD;
            continue;
        }
        if (s != SQLITE_ROW) {
            rc = update_fail(db, began, st, d);
            st = NULL;
            break;
        }
        struct row r;
        read_row(st, &r);
        uint64_t h = text_hash(&r);
        if (in_d && od->hash[dj] == h) {
            state_set(&ds, dj, &r, 0);
        } else if (!in_d && in_b && base->hash[bi] == h) {
            state_set(&bs, bi, &r, 0);
        } else {
            seg_add_doc(nw, &c, &body, &r);
            if (nw->ndocs == 1 || (nw->ndocs & (nw->ndocs - 1)) == 0) {
                ns.published = kb_realloc(ns.published, 2 * nw->ndocs * sizeof(int64_t));
                ns.section = kb_realloc(ns.section, 2 * nw->ndocs * sizeof(int64_t));
                ns.flags = kb_realloc(ns.flags, 2 * nw->ndocs);
            }
            ns.flags[nw->ndocs - 1] = 0;
            state_set(&ns, nw->ndocs - 1, &r, 0);
            if (in_d)
                drop[dj] = 1;
            if (in_b)
                bs.flags[bi] |= F_DEAD;
        }
    }
    sqlite3_finalize(st);
    kb_buf_release(&body);
    free(c.v);
    free(ids);
    struct kb_search_index *x = NULL;
    if (rc == 0) {
        end(db, began);
        seg_finish(nw);
        x = assemble(old, &bs, drop, &ds, nw, &ns, false);
        x->sec_id = secs.sec_id;
        x->sec_slug = secs.sec_slug;
        x->nsections = secs.nsections;
        secs.sec_id = NULL;
        secs.sec_slug = NULL;
        secs.nsections = 0;
        x->logged = true;
        x->seq = last;
        x->incremental = true;
        x->changed = nids;
        ver_finish(x);
        x->build_ms = now_ms() - t0;
    }
    sections_free(secs.sec_id, secs.sec_slug, secs.nsections);
    seg_release(nw);
    state_free(&bs);
    state_free(&ds);
    state_free(&ns);
    free(drop);
    if (rc != 0)
        return rc;
    *out = x;
    return 0;
}

int kb_search_index_compact(struct kb_search_index *old, struct kb_search_index **out)
{
    bool dead = false;
    for (size_t i = 0; i < old->nbase && !dead; i++)
        dead = (old->flags[i] & F_DEAD) != 0;
    if (!old->delta && !dead) {
        kb_search_index_retain(old);
        *out = old;
        return 0;
    }
    double t0 = now_ms();
    size_t nb = old->nbase, nd = old->delta->ndocs;
    struct state bs, ds, ns = {0};
    state_alloc(&bs, nb);
    state_alloc(&ds, nd);
    memcpy(bs.published, old->published, nb * sizeof(*bs.published));
    memcpy(bs.section, old->section, nb * sizeof(*bs.section));
    memcpy(bs.flags, old->flags, nb);
    memcpy(ds.published, old->published + nb, nd * sizeof(*ds.published));
    memcpy(ds.section, old->section + nb, nd * sizeof(*ds.section));
    memcpy(ds.flags, old->flags + nb, nd);
    struct seg *nw = seg_new();
    seg_finish(nw);
    struct kb_search_index *x = assemble(old, &bs, NULL, &ds, nw, &ns, true);
    seg_release(nw);
    state_free(&bs);
    state_free(&ds);
    x->nsections = old->nsections;
    x->sec_id = kb_malloc((old->nsections ? old->nsections : 1) * sizeof(*x->sec_id));
    x->sec_slug = kb_malloc((old->nsections ? old->nsections : 1) * sizeof(*x->sec_slug));
    for (size_t i = 0; i < old->nsections; i++) {
        x->sec_id[i] = old->sec_id[i];
        x->sec_slug[i] = kb_strdup(old->sec_slug[i]);
    }
    x->logged = old->logged;
    x->seq = old->seq;
    x->incremental = true;
    ver_finish(x);
    x->build_ms = now_ms() - t0;
    *out = x;
    return 0;
}

void kb_search_index_retain(struct kb_search_index *x)
{
    if (x)
        atomic_fetch_add(&x->refs, 1);
}

void kb_search_index_release(struct kb_search_index *x)
{
    if (!x || atomic_fetch_sub(&x->refs, 1) != 1)
        return;
    seg_release(x->base);
    seg_release(x->delta);
    sections_free(x->sec_id, x->sec_slug, x->nsections);
    free(x->id);
    free(x->published);
    free(x->section);
    free(x->len);
    free(x->flags);
    free(x);
}

void kb_search_index_stats(const struct kb_search_index *x, struct kb_search_index_stats *out)
{
    out->articles = (size_t)x->alive;
    out->terms = x->base->nterms + (x->delta ? x->delta->nterms : 0);
    out->bytes = x->bytes;
    out->build_ms = x->build_ms;
    out->changed = x->changed;
    out->delta = x->delta ? x->delta->ndocs : 0;
    out->incremental = x->incremental;
}

/* ---- the query ------------------------------------------------------------------------ */

struct phrase {
    bool negative;
    size_t nterms;
    /* per segment (0 base, 1 delta): the terms; a prefix's last term is the union of the
     * terms it begins (pfx, owned) */
    const struct term *t[2][KB_MATCH_MAX_TERMS];
    struct term *pfx[2];
    bool missing[2]; /* a term is in no article of the segment */
    /* one word (no prefix): its frequency is read from the postings only for an article
     * that may enter the top k */
    bool lazy;
    /* evaluated: articles holding the phrase (global numbers), its weighted frequency (or,
     * lazy, the posting's index in its segment's term) */
    uint32_t *doc;
    double *freq;
    uint32_t *pi;
    size_t n;
    double idf;
    size_t blk; /* lazy: the block `bound` is for (SIZE_MAX none) */
    double bound;
};

struct plan {
    struct phrase p[KB_MATCH_MAX_PHRASES];
    size_t np;
    bool all; /* AND between the positive phrases */
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t p = *(const uint64_t *)a, q = *(const uint64_t *)b;
    return p < q ? -1 : p > q;
}

/* The terms of x that begin with s[0..n), as one posting list: the positions of any of
 * them (one per position, as FTS5 merges a prefix's lists).  NULL when none. */
static struct term *prefix_term(const struct seg *x, const char *s, size_t n)
{
    size_t lo = 0, hi = x->nterms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strncmp(x->strs + x->terms[x->sorted[mid]].str, s, n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    uint64_t total = 0;
    while (end < x->nterms && strncmp(x->strs + x->terms[x->sorted[end]].str, s, n) == 0)
        total += x->terms[x->sorted[end++]].npos;
    if (end == lo)
        return NULL;
    uint64_t *v = kb_malloc((total ? total : 1) * sizeof(*v));
    size_t nv = 0;
    for (size_t k = lo; k < end; k++) {
        const struct term *t = &x->terms[x->sorted[k]];
        for (uint32_t i = 0; i < t->n; i++)
            for (uint32_t j = i ? t->pend[i - 1] : 0; j < t->pend[i]; j++)
                v[nv++] = (uint64_t)t->doc[i] << 32 | t->pos[j];
    }
    if (end - lo > 1)
        qsort(v, nv, sizeof(*v), cmp_u64);
    struct term *t = kb_calloc(1, sizeof(*t));
    t->doc = kb_malloc(nv * sizeof(*t->doc));
    t->pend = kb_malloc(nv * sizeof(*t->pend));
    t->pos = kb_malloc(nv * sizeof(*t->pos));
    for (size_t i = 0; i < nv; i++) {
        if (i && v[i] == v[i - 1])
            continue;
        uint32_t d = (uint32_t)(v[i] >> 32);
        if (!t->n || t->doc[t->n - 1] != d)
            t->doc[t->n++] = d;
        t->pos[t->npos++] = (uint32_t)v[i];
        t->pend[t->n - 1] = t->npos;
    }
    free(v);
    return t;
}

static void term_free(struct term *t)
{
    if (!t)
        return;
    free(t->doc);
    free(t->pend);
    free(t->pos);
    free(t);
}

/* The expression's phrases as each segment's terms. */
static void make_plan(const struct kb_search_index *x, const struct kb_match_expr *e,
                      struct plan *pl)
{
    memset(pl, 0, sizeof(*pl));
    pl->all = e->all;
    pl->np = e->np;
    for (size_t i = 0; i < e->np; i++) {
        struct phrase *p = &pl->p[i];
        const struct kb_match_phrase *mp = &e->p[i];
        p->negative = mp->negative;
        p->nterms = mp->nterms;
        p->lazy = p->nterms == 1 && !mp->prefix;
        p->blk = SIZE_MAX;
        for (int s = 0; s < 2; s++) {
            const struct seg *sg = s ? x->delta : x->base;
            if (!sg) {
                p->missing[s] = true;
                continue;
            }
            for (size_t k = 0; k < p->nterms; k++) {
                if (mp->prefix && k + 1 == p->nterms) {
                    p->pfx[s] = prefix_term(sg, mp->terms[k], mp->lens[k]);
                    p->t[s][k] = p->pfx[s];
                } else {
                    p->t[s][k] = lookup(sg, mp->terms[k], mp->lens[k]);
                }
                if (!p->t[s][k])
                    p->missing[s] = true;
            }
        }
    }
}

static void plan_free(struct plan *pl)
{
    for (size_t i = 0; i < pl->np; i++) {
        free(pl->p[i].doc);
        free(pl->p[i].freq);
        free(pl->p[i].pi);
        term_free(pl->p[i].pfx[0]);
        term_free(pl->p[i].pfx[1]);
    }
}

/* ---- evaluation ------------------------------------------------------------------------- */

/* First index >= from in t->doc with doc >= d (galloping). */
static uint32_t seek(const struct term *t, uint32_t from, uint32_t d)
{
    uint32_t lo = from, step = 1, hi = from;
    while (hi < t->n && t->doc[hi] < d) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    if (hi > t->n)
        hi = t->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->doc[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool has_code(const uint32_t *v, uint32_t n, uint32_t code)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v[mid] < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == code;
}

/* Append the articles of segment s holding the phrase (not dead) to p->doc/freq. */
static void eval_seg(const struct kb_search_index *x, struct phrase *p, int s)
{
    if (p->missing[s])
        return;
    const struct term *const *tt = p->t[s];
    const struct term *t0 = tt[0];
    uint32_t off = s ? (uint32_t)x->nbase : 0;
    uint32_t at[KB_MATCH_MAX_TERMS] = {0};
    for (uint32_t i = 0; i < t0->n; i++) {
        uint32_t d = t0->doc[i];
        if (x->flags[off + d] & F_DEAD)
            continue;
        bool all = true;
        for (size_t k = 1; all && k < p->nterms; k++) {
            at[k] = seek(tt[k], at[k], d);
            all = at[k] < tt[k]->n && tt[k]->doc[at[k]] == d;
        }
        if (!all)
            continue;
        uint32_t b = i ? t0->pend[i - 1] : 0;
        double f = 0;
        for (uint32_t j = b; j < t0->pend[i]; j++) {
            uint32_t code = t0->pos[j];
            bool match = true;
            for (size_t k = 1; match && k < p->nterms; k++) {
                const struct term *tk = tt[k];
                uint32_t kb = at[k] ? tk->pend[at[k] - 1] : 0;
                match = (code & POS_MASK) + k <= POS_MASK &&
                        has_code(tk->pos + kb, tk->pend[at[k]] - kb, code + (uint32_t)k);
            }
            if (match)
                f += col_weight[code >> COL_SHIFT];
        }
        if (f > 0) {
            p->doc[p->n] = off + d;
            p->freq[p->n++] = f;
        }
    }
}

static void eval_phrase(const struct kb_search_index *x, struct phrase *p)
{
    p->n = 0;
    size_t cap = 0;
    for (int s = 0; s < 2; s++)
        if (!p->missing[s])
            cap += p->t[s][0]->n;
    p->doc = kb_malloc((cap ? cap : 1) * sizeof(*p->doc));
    if (!p->lazy) {
        p->freq = kb_malloc((cap ? cap : 1) * sizeof(*p->freq));
        eval_seg(x, p, 0);
        eval_seg(x, p, 1);
        return;
    }
    p->pi = kb_malloc((cap ? cap : 1) * sizeof(*p->pi));
    for (int s = 0; s < 2; s++) {
        if (p->missing[s])
            continue;
        const struct term *t = p->t[s][0];
        uint32_t off = s ? (uint32_t)x->nbase : 0;
        for (uint32_t i = 0; i < t->n; i++)
            if (!(x->flags[off + t->doc[i]] & F_DEAD)) {
                p->doc[p->n] = off + t->doc[i];
                p->pi[p->n++] = i;
            }
    }
}

/* The weighted frequency of the phrase in its j-th article. */
static double freq_at(const struct kb_search_index *x, const struct phrase *p, size_t j)
{
    if (!p->lazy)
        return p->freq[j];
    const struct term *t = p->t[p->doc[j] >= x->nbase][0];
    uint32_t i = p->pi[j];
    double f = 0;
    for (uint32_t k = i ? t->pend[i - 1] : 0; k < t->pend[i]; k++)
        f += col_weight[t->pos[k] >> COL_SHIFT];
    return f;
}

static double bm25_part(double idf, double f, double dl, double avgdl)
{
    return idf * ((f * (BM25_K1 + 1.0)) / (f + BM25_K1 * (1 - BM25_B + BM25_B * dl / avgdl)));
}

/* At least the phrase's part of the score of its j-th article, whose length is dl. */
static double bound_at(const struct kb_search_index *x, struct phrase *p, size_t j, double dl)
{
    if (!p->lazy)
        return bm25_part(p->idf, p->freq[j], dl, x->avgdl);
    bool delta = p->doc[j] >= x->nbase;
    size_t blk = (size_t)delta << 40 | p->pi[j] / BLOCK;
    if (blk != p->blk) {
        const struct term *t = p->t[delta][0];
        p->blk = blk;
        p->bound =
            bm25_part(p->idf, t->bmax[p->pi[j] / BLOCK], t->bmin[p->pi[j] / BLOCK], x->avgdl);
    }
    return p->bound;
}

static int cmp_span(const void *a, const void *b)
{
    const struct kb_span *p = a, *q = b;
    if (p->pos != q->pos)
        return p->pos < q->pos ? -1 : 1;
    return p->len < q->len ? -1 : p->len > q->len;
}

struct cand {
    uint32_t doc;
    double score;
};

struct ctx {
    const struct kb_search_index *x;
    const struct kb_search_request *rq;
    bool newest;
};

/* a ranks before b */
static bool before(const struct ctx *c, const struct cand *a, const struct cand *b)
{
    const struct kb_search_index *x = c->x;
    if (!c->newest && a->score != b->score)
        return a->score > b->score;
    if (x->published[a->doc] != x->published[b->doc])
        return x->published[a->doc] > x->published[b->doc];
    return x->id[a->doc] > x->id[b->doc];
}

/* A heap of the k best so far, the worst at the top. */
static void sift_down(const struct ctx *c, struct cand *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, w = i;
        if (l < n && before(c, &h[w], &h[l]))
            w = l;
        if (r < n && before(c, &h[w], &h[r]))
            w = r;
        if (w == i)
            return;
        struct cand t = h[i];
        h[i] = h[w];
        h[w] = t;
        i = w;
    }
}

static void sift_up(const struct ctx *c, struct cand *h, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(c, &h[p], &h[i]))
            return;
        struct cand t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

static bool has_section(const struct kb_search_index *x, int64_t id)
{
    size_t at;
    return id != INT64_MIN && find_id(x->sec_id, x->nsections, id, &at);
}

static bool admitted(const struct ctx *c, uint32_t d, const int64_t *section)
{
    const struct kb_search_index *x = c->x;
    const struct kb_search_request *rq = c->rq;
    int64_t pub = x->published[d];
    if (!(x->flags[d] & F_LIVE) || (x->flags[d] & F_DEAD) || pub == INT64_MIN || pub > rq->now)
        return false;
    if (section ? x->section[d] != *section : !has_section(x, x->section[d]))
        return false;
    if (rq->from && pub < rq->from)
        return false;
    if (rq->to && pub >= rq->to)
        return false;
    return true;
}

static double idf_of(double N, double n)
{
    double idf = log((N - n + 0.5) / (n + 0.5));
    return idf <= 0.0 ? 1e-6 : idf;
}

static void heap_add(const struct ctx *c, struct cand *heap, size_t k, size_t *nh, struct cand cd)
{
    if (*nh < k) {
        heap[*nh] = cd;
        sift_up(c, heap, (*nh)++);
    } else if (before(c, &cd, &heap[0])) {
        heap[0] = cd;
        sift_down(c, heap, *nh, 0);
    }
}

/* The common query, one word: its postings walked in place, block by block; a block whose
 * bound cannot reach the heap's worst score is only counted.  The same hits, scores and
 * total as the general walk (bm25 of a single phrase is its one part). */
static void one_word(const struct kb_search_index *x, const struct ctx *c, struct phrase *p,
                     const int64_t *section, struct cand *heap, size_t k, size_t *nh, size_t *all)
{
    uint64_t df = 0;
    for (int s = 0; s < 2; s++) {
        if (p->missing[s])
            continue;
        const struct term *t = p->t[s][0];
        uint32_t off = s ? (uint32_t)x->nbase : 0;
        if (!x->ndead || s) {
            df += t->n;
            continue;
        }
        for (uint32_t i = 0; i < t->n; i++)
            df += !(x->flags[off + t->doc[i]] & F_DEAD);
    }
    double idf = idf_of((double)x->alive, (double)df);
    for (int s = 0; s < 2; s++) {
        if (p->missing[s])
            continue;
        const struct term *t = p->t[s][0];
        uint32_t off = s ? (uint32_t)x->nbase : 0;
        for (uint32_t b = 0; b * BLOCK < t->n; b++) {
            uint32_t end = (b + 1) * BLOCK < t->n ? (b + 1) * BLOCK : t->n;
            if (!c->newest && *nh == k && k) {
                double ub = bm25_part(idf, t->bmax[b], t->bmin[b], x->avgdl);
                if (ub + ub * 1e-9 < heap[0].score) {
                    for (uint32_t i = b * BLOCK; i < end; i++)
                        *all += admitted(c, off + t->doc[i], section);
                    continue;
                }
            }
            for (uint32_t i = b * BLOCK; i < end; i++) {
                uint32_t d = off + t->doc[i];
                if (!admitted(c, d, section))
                    continue;
                (*all)++;
                if (!k)
                    continue;
                struct cand cd = {d, 0};
                if (*nh == k && c->newest && !before(c, &cd, &heap[0]))
                    continue;
                double f = 0;
                for (uint32_t j = i ? t->pend[i - 1] : 0; j < t->pend[i]; j++)
                    f += col_weight[t->pos[j] >> COL_SHIFT];
                cd.score = bm25_part(idf, f, (double)x->len[d], x->avgdl);
                heap_add(c, heap, k, nh, cd);
            }
        }
    }
}

/* The general walk: every phrase evaluated, their lists walked together in article order. */
static void walk(const struct kb_search_index *x, const struct ctx *c, struct plan *pl,
                 const int64_t *section, struct cand *heap, size_t k, size_t *nh, size_t *all)
{
    double N = (double)x->alive;
    for (size_t i = 0; i < pl->np; i++) {
        struct phrase *p = &pl->p[i];
        eval_phrase(x, p);
        p->idf = idf_of(N, (double)p->n);
    }
    /* Walk every phrase's list at once, in article order: every match is counted (the
     * total is exact); once the heap holds k, an article is scored only when it may enter
     * it — its date beats the worst one's (newest first), or the bound of its score from
     * each word's block (largest frequency, shortest article) reaches the worst score
     * (relevance; a relative margin of 1e-9 covers rounding).  Scores are computed as an
     * exhaustive walk would, the phrases in order, so the top k is the same to the bit. */
    size_t at[KB_MATCH_MAX_PHRASES] = {0};
    size_t hit[KB_MATCH_MAX_PHRASES];
    for (;;) {
        uint32_t d = UINT32_MAX;
        for (size_t i = 0; i < pl->np; i++)
            if (!pl->p[i].negative && at[i] < pl->p[i].n && pl->p[i].doc[at[i]] < d)
                d = pl->p[i].doc[at[i]];
        if (d == UINT32_MAX)
            break;
        bool keep = true;
        for (size_t i = 0; i < pl->np; i++) {
            struct phrase *p = &pl->p[i];
            hit[i] = SIZE_MAX;
            if (p->negative)
                while (at[i] < p->n && p->doc[at[i]] < d)
                    at[i]++;
            if (at[i] < p->n && p->doc[at[i]] == d)
                hit[i] = at[i]++;
            if (hit[i] != SIZE_MAX && p->negative)
                keep = false;
            if (hit[i] == SIZE_MAX && pl->all && !p->negative)
                keep = false;
        }
        if (!keep || !admitted(c, d, section))
            continue;
        (*all)++;
        if (!k)
            continue;
        double dl = (double)x->len[d];
        struct cand cd = {d, 0};
        if (*nh == k) {
            if (c->newest) {
                if (!before(c, &cd, &heap[0]))
                    continue;
            } else {
                double ub = 0;
                for (size_t i = 0; i < pl->np; i++)
                    if (hit[i] != SIZE_MAX && !pl->p[i].negative)
                        ub += bound_at(x, &pl->p[i], hit[i], dl);
                if (ub + ub * 1e-9 < heap[0].score)
                    continue;
            }
        }
        double score = 0;
        for (size_t i = 0; i < pl->np; i++) {
            double f = hit[i] != SIZE_MAX ? freq_at(x, &pl->p[i], hit[i]) : 0;
            score += bm25_part(pl->p[i].idf, f, dl, x->avgdl);
        }
        cd.score = score;
        if (*nh < k) {
            heap[*nh] = cd;
            sift_up(c, heap, (*nh)++);
        } else if (before(c, &cd, &heap[0])) {
            heap[0] = cd;
            sift_down(c, heap, *nh, 0);
        }
    }
}

int kb_search_index_rank(const struct kb_search_index *x, const struct kb_search_request *rq,
                         struct kb_search_ranked **out, size_t *n, size_t *total)
{
    struct kb_match_expr *e = kb_malloc(sizeof(*e));
    if (!kb_match_expr_parse(rq->match, e)) {
        free(e);
        return 1;
    }
    struct plan *pl = kb_malloc(sizeof(*pl));
    make_plan(x, e, pl);
    kb_match_expr_release(e);
    free(e);
    int64_t sec = INT64_MIN, *section = NULL;
    if (rq->section_slug) {
        for (size_t i = 0; i < x->nsections; i++)
            if (strcmp(x->sec_slug[i], rq->section_slug) == 0)
                sec = x->sec_id[i];
        section = &sec; /* INT64_MIN: no article has it */
    }
    struct ctx c = {x, rq, rq->sort == KB_SEARCH_NEWEST};
    size_t k = rq->offset + rq->limit, nh = 0, all = 0;
    struct cand *heap = kb_malloc((k ? k : 1) * sizeof(*heap));
    if (pl->np == 1 && pl->p[0].lazy && !pl->p[0].negative) {
        one_word(x, &c, &pl->p[0], section, heap, k, &nh, &all);
    } else {
        walk(x, &c, pl, section, heap, k, &nh, &all);
    }
    /* heap → best first */
    size_t m = nh;
    while (m > 1) {
        struct cand t = heap[0];
        heap[0] = heap[m - 1];
        heap[m - 1] = t;
        sift_down(&c, heap, --m, 0);
    }
    plan_free(pl);
    free(pl);
    size_t from = rq->offset < nh ? rq->offset : nh;
    struct kb_search_ranked *r = kb_calloc(nh - from ? nh - from : 1, sizeof(*r));
    for (size_t i = from; i < nh; i++) {
        r[i - from].id = x->id[heap[i].doc];
        r[i - from].score = heap[i].score;
    }
    free(heap);
    *out = r;
    *n = nh - from;
    *total = all;
    return 0;
}

/* The segment and local number of article `id` (not dead). */
static bool find_doc(const struct kb_search_index *x, int64_t id, const struct seg **s, uint32_t *d)
{
    size_t at;
    if (x->delta && find_id(x->delta->id, x->delta->ndocs, id, &at)) {
        *s = x->delta;
        *d = (uint32_t)at;
        return true;
    }
    if (find_id(x->base->id, x->base->ndocs, id, &at) && !(x->flags[at] & F_DEAD)) {
        *s = x->base;
        *d = (uint32_t)at;
        return true;
    }
    return false;
}

/* The positions of term t in article d: [*b, *e) of t->pos.  False when d lacks it. */
static bool positions(const struct term *t, uint32_t d, uint32_t *b, uint32_t *e)
{
    if (!t)
        return false;
    uint32_t i = seek(t, 0, d);
    if (i >= t->n || t->doc[i] != d)
        return false;
    *b = i ? t->pend[i - 1] : 0;
    *e = t->pend[i];
    return true;
}

bool kb_search_index_spans(const struct kb_search_index *x, int64_t id,
                           const struct kb_match_expr *e, int col, struct kb_span **out, size_t *n)
{
    uint32_t d;
    const struct seg *sg;
    if (e->has_prefix || !find_doc(x, id, &sg, &d))
        return false;
    struct kb_span *v = NULL;
    size_t nv = 0, cap = 0;
    for (size_t ph = 0; ph < e->np; ph++) {
        const struct kb_match_phrase *p = &e->p[ph];
        if (p->negative)
            continue;
        const struct term *t[KB_MATCH_MAX_TERMS];
        uint32_t b[KB_MATCH_MAX_TERMS], en[KB_MATCH_MAX_TERMS];
        bool all = true;
        for (size_t k = 0; all && k < p->nterms; k++) {
            t[k] = lookup(sg, p->terms[k], p->lens[k]);
            all = positions(t[k], d, &b[k], &en[k]);
        }
        if (!all)
            continue;
        for (uint32_t j = b[0]; j < en[0]; j++) {
            uint32_t code = t[0]->pos[j];
            if ((int)(code >> COL_SHIFT) != col)
                continue;
            bool match = true;
            for (size_t k = 1; match && k < p->nterms; k++)
                match = (code & POS_MASK) + k <= POS_MASK &&
                        has_code(t[k]->pos + b[k], en[k] - b[k], code + (uint32_t)k);
            if (!match)
                continue;
            if (nv == cap) {
                cap = cap ? 2 * cap : 16;
                v = kb_realloc(v, cap * sizeof(*v));
            }
            v[nv++] = (struct kb_span){code & POS_MASK, (uint32_t)p->nterms, (uint32_t)ph};
        }
    }
    if (nv > 1)
        qsort(v, nv, sizeof(*v), cmp_span);
    *out = v;
    *n = nv;
    return true;
}

size_t kb_search_index_checkpoints(const struct kb_search_index *x, int64_t id, int col,
                                   const uint32_t **out)
{
    uint32_t d;
    const struct seg *sg;
    if (col < 0 || col > 2 || !find_doc(x, id, &sg, &d))
        return 0;
    size_t from = sg->ck_at[3 * d + (uint32_t)col], to = sg->ck_at[3 * d + (uint32_t)col + 1];
    *out = sg->ck + from;
    return to - from;
}

/* ---- the current index of a running server ------------------------------------------------ */

struct kb_search_live {
    char *path;
    sqlite3 *db; /* the builder's own read-only connection, for updates */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool stopping;
    struct kb_search_index *cur;
    uint64_t cur_gen, want_gen, tried_gen;
    kb_search_live_fn on_built;
    void *cb_ctx;
};

/* Apply what changed since l->cur to it (on the builder thread, unlocked): 0 and *out the
 * new version, 1 when a whole build is needed, or an error. */
static int live_update(struct kb_search_live *l, struct kb_search_index **out, struct kb_diag *d)
{
    if (!l->cur || !l->cur->logged)
        return 1;
    if (!l->db) {
        if (sqlite3_open_v2(l->path, &l->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
            SQLITE_OK) {
            kb_diag_set(d, KB_EDB, l->path, "opening the database for the search index: %s",
                        l->db ? sqlite3_errmsg(l->db) : "out of memory");
            sqlite3_close(l->db);
            l->db = NULL;
            return KB_EDB;
        }
        sqlite3_busy_timeout(l->db, 5000);
    }
    return kb_search_index_update(l->cur, l->db, out, d);
}

static void *builder(void *arg)
{
    struct kb_search_live *l = arg;
    pthread_mutex_lock(&l->mu);
    for (;;) {
        while (!l->stopping && l->want_gen <= l->tried_gen)
            pthread_cond_wait(&l->cv, &l->mu);
        if (l->stopping)
            break;
        uint64_t gen = l->want_gen;
        struct kb_search_index *x = NULL;
        struct kb_diag d;
        kb_diag_clear(&d);
        int rc = 1;
        if (l->cur) {
            /* Apply the changes at once: one publish costs milliseconds. */
            l->tried_gen = gen;
            pthread_mutex_unlock(&l->mu);
            rc = live_update(l, &x, &d);
            if (rc < 0 && l->on_built)
                l->on_built(l->cb_ctx, NULL, gen, &d);
            if (rc == 0 && x != l->cur && l->on_built)
                l->on_built(l->cb_ctx, x, gen, &d);
            pthread_mutex_lock(&l->mu);
        }
        if (rc != 0) {
            /* A whole build: let a burst of commits (an import in another process) settle:
             * build once no newer generation was asked for during SETTLE_MS, or after
             * SETTLE_MAX waits at most. */
            gen = l->want_gen;
            for (int i = 0; i < SETTLE_MAX && !l->stopping; i++) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_nsec += SETTLE_MS * 1000000L;
                ts.tv_sec += ts.tv_nsec / 1000000000L;
                ts.tv_nsec %= 1000000000L;
                while (!l->stopping && l->want_gen == gen &&
                       pthread_cond_timedwait(&l->cv, &l->mu, &ts) == 0)
                    ;
                if (l->want_gen == gen)
                    break;
                gen = l->want_gen;
            }
            if (l->stopping)
                break;
            l->tried_gen = gen;
            pthread_mutex_unlock(&l->mu);
            kb_diag_clear(&d);
            rc = kb_search_index_build(l->path, &x, &d);
            if (l->on_built)
                l->on_built(l->cb_ctx, rc == 0 ? x : NULL, gen, &d);
            pthread_mutex_lock(&l->mu);
        }
        if (rc == 0) {
            struct kb_search_index *old = l->cur;
            l->cur = x;
            l->cur_gen = gen;
            pthread_mutex_unlock(&l->mu);
            kb_search_index_release(old);
            pthread_mutex_lock(&l->mu);
        }
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

int kb_search_live_start(const char *db_path, kb_search_live_fn on_built, void *ctx,
                         struct kb_search_live **out, struct kb_diag *d)
{
    struct kb_search_live *l = kb_calloc(1, sizeof(*l));
    l->path = kb_strdup(db_path);
    l->on_built = on_built;
    l->cb_ctx = ctx;
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    if (pthread_create(&l->thread, NULL, builder, l) != 0) {
        pthread_mutex_destroy(&l->mu);
        pthread_cond_destroy(&l->cv);
        free(l->path);
        free(l);
        return kb_diag_set(d, KB_EINTERNAL, "", "starting the search index thread failed");
    }
    *out = l;
    return 0;
}

struct kb_search_index *kb_search_live_get(struct kb_search_live *l, uint64_t gen)
{
    if (!l)
        return NULL;
    struct kb_search_index *x = NULL;
    pthread_mutex_lock(&l->mu);
    if (l->cur && l->cur_gen == gen) {
        x = l->cur;
        kb_search_index_retain(x);
    } else if (gen > l->want_gen) {
        l->want_gen = gen;
        pthread_cond_signal(&l->cv);
    }
    pthread_mutex_unlock(&l->mu);
    return x;
}

void kb_search_live_stop(struct kb_search_live *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    l->stopping = true;
    pthread_cond_signal(&l->cv);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->thread, NULL);
    kb_search_index_release(l->cur);
    sqlite3_close(l->db);
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    free(l->path);
    free(l);
}
