/*
 * import_jsonl.c — the bulk import: a JSON Lines file of articles into the store.
 *
 * One pass over the input in constant memory apart from the set of keys seen (16 bytes a
 * record): read a line, parse it (kb_jsonl_parse_article), validate it, resolve its
 * section, then create, update or leave it.  Writes go inside one transaction (atomic
 * mode, dry runs) or one per batch (skip-bad mode).  Each article write is the store's own
 * savepoint, so a write the store refuses leaves nothing of that article.
 *
 * Invariants: a key seen earlier in the same input is never written twice (the first line
 * wins), which keeps a re-import of the same file a fixed point (all unchanged); in atomic
 * mode nothing is written after the first malformed line; the section cache only holds
 * sections resolved inside the open transaction chain of this call.
 *
 * The key set stores 64-bit hashes, not the keys: two different keys colliding would make
 * the later one count as a repeat (odds about n²/2⁶⁵: 10⁻¹¹ at a million records).
 *
 * Two threads: a reader thread reads lines (kb_jsonl_next: the xz/gzip decoding), parses
 * and validates article records (kb_jsonl_parse_article, kb_jsonl_validate) into a bounded
 * ring of QUEUE_SLOTS items, in input order; the calling thread takes them one by one and
 * does everything that touches the store (keys, sections, writes, commits), exactly as if
 * it had read them itself: each item carries kb_jsonl_next's result, its line number, the
 * diag and the bytes read so far (for progress).  Export records travel as a copy of the
 * raw line.  The reader stops after an end, a read error or the item past opts->limit; the
 * calling thread stops it (and joins it) on every way out, then frees what is left in the
 * ring.  Without a thread (pthread_create failed) the calling thread fills each item
 * itself.  With opts->analyze_ahead (not a dry run), the reader also analyzes each
 * article's texts for the search index (kb_search_pretok_*, search.h); the writer offers them to
 * its tokenizer just before the write, so the commit's indexing replays them instead of analyzing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "khabar/engine.h"
#include "khabar/export.h"
#include "khabar/jsonl.h"
#include "khabar/related.h"
#include "khabar/search.h"

#define PROGRESS_EVERY 128 /* records between progress calls */
#define SECTION_CACHE 64
#define QUEUE_SLOTS 64 /* items between the reader thread and the writer */

/* ---- the set of keys seen in this input --------------------------------------------- */

struct keyset {
    uint64_t *h;          /* 0 = empty slot */
    unsigned long *lines; /* the line each key was first seen on */
    size_t cap, n;
};

static uint64_t key_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a, then a final mix for the low bits */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3u;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    return h ? h : 1;
}

static void keyset_grow(struct keyset *k)
{
    size_t cap = k->cap ? k->cap * 2 : 1024;
    uint64_t *h = kb_calloc(cap, sizeof(*h));
    unsigned long *lines = kb_calloc(cap, sizeof(*lines));
    for (size_t i = 0; i < k->cap; i++) {
        if (!k->h[i])
            continue;
        size_t j = k->h[i] & (cap - 1);
        while (h[j])
            j = (j + 1) & (cap - 1);
        h[j] = k->h[i];
        lines[j] = k->lines[i];
    }
    free(k->h);
    free(k->lines);
    k->h = h;
    k->lines = lines;
    k->cap = cap;
}

/* Add `key` first seen on `line`; returns 0 when new, else the line it was first seen on. */
static unsigned long keyset_add(struct keyset *k, const char *key, unsigned long line)
{
    if ((k->n + 1) * 2 > k->cap)
        keyset_grow(k);
    uint64_t h = key_hash(key);
    size_t j = h & (k->cap - 1);
    while (k->h[j]) {
        if (k->h[j] == h)
            return k->lines[j];
        j = (j + 1) & (k->cap - 1);
    }
    k->h[j] = h;
    k->lines[j] = line;
    k->n++;
    return 0;
}

static void keyset_free(struct keyset *k)
{
    free(k->h);
    free(k->lines);
}

/* ---- the reader thread and its ring of parsed items ----------------------------------- */

struct item {
    int got;              /* kb_jsonl_next's result: 1 a line, 0 the end, < 0 an error */
    unsigned long lineno; /* got == 1 */
    uint64_t bytes_in;    /* kb_jsonl_bytes_in after this item */
    struct kb_diag why;   /* got < 0: the reader's diag; got == 1: parse or validation */
    char *raw;            /* an export record: a copy of the line (NUL-terminated) */
    size_t nraw;
    int prc; /* an article record: kb_jsonl_parse_article / validate result */
    enum kb_jsonl_shape shape;
    struct kb_article a; /* prc == 0: the parsed article */
    /* prc == 0 and queue.pretok: the headline, lede and body text analyzed for the index
     * (search.h, kb_search_pretok_*), offered to the tokenizer when the article is written */
    struct kb_search_pretok *pt[3];
};

struct queue {
    struct kb_jsonl_reader *rd;
    size_t limit;   /* opts->limit */
    size_t records; /* records read (reader side) */
    struct item ring[QUEUE_SLOTS];
    size_t head, count; /* the consumer's slot, items ready */
    bool threaded, started;
    bool pretok;    /* analyze the texts for the index on the reader thread */
    int pretok_off; /* set by the writer when the tokenizer holds all it can */
    bool stop;      /* the consumer asks the reader to end */
    bool done;      /* the reader has pushed its last item */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t ready, room;
};

static void item_release(struct item *it)
{
    free(it->raw);
    it->raw = NULL;
    kb_article_release(&it->a);
    for (size_t i = 0; i < 3; i++) {
        kb_search_pretok_free(it->pt[i]);
        it->pt[i] = NULL;
    }
}

/* The texts the index will tokenize for it->a (the columns of article_search), analyzed
 * here.  Any that differs from what is stored in the end is simply analyzed again. */
static void pre_analyze(struct item *it)
{
    const struct kb_article *a = &it->a;
    if (a->headline)
        it->pt[0] = kb_search_pretok_make(a->headline, strlen(a->headline));
    if (a->lede)
        it->pt[1] = kb_search_pretok_make(a->lede, strlen(a->lede));
    if (a->body_html) {
        struct kb_buf b;
        kb_buf_init(&b, KB_BUF_DEFAULT_MAX);
        kb_search_html_text(&b, a->body_html, strlen(a->body_html));
        if (!kb_buf_err(&b))
            it->pt[2] = kb_search_pretok_make(b.p, b.n);
        kb_buf_release(&b);
    }
}

/* Read and parse one item into `it`; with q->pretok, analyze its texts for the index too
 * (always: the writer's indexing at each commit is bursty — while it commits, the ring is
 * full and this thread waits — so a "writer behind" signal from the ring's fill missed it).
 * Returns true when the reader goes on after it. */
static bool fill_item(struct queue *q, struct item *it)
{
    it->raw = NULL;
    it->nraw = 0;
    it->prc = 0;
    it->shape = KB_JSONL_ARTICLE;
    it->lineno = 0;
    it->pt[0] = it->pt[1] = it->pt[2] = NULL;
    kb_article_init(&it->a);
    kb_diag_clear(&it->why);
    struct kb_str line;
    it->got = kb_jsonl_next(q->rd, &line, &it->lineno, &it->why);
    it->bytes_in = kb_jsonl_bytes_in(q->rd);
    if (it->got < 0 && it->got != KB_ETOOBIG)
        return false; /* sticky: nothing more to read */
    if (it->got == 0)
        return false;
    q->records++;
    bool more = !q->limit || q->records <= q->limit; /* the item past the limit ends it */
    if (it->got == KB_ETOOBIG || !more)
        return more; /* past the limit: the caller stops before using it */
    if (kb_export_is_record(line.p, line.n)) {
        it->raw = kb_malloc(line.n + 1);
        memcpy(it->raw, line.p, line.n);
        it->raw[line.n] = '\0';
        it->nraw = line.n;
        return more;
    }
    it->prc = kb_jsonl_parse_article(line.p, line.n, &it->a, &it->shape, &it->why);
    if (it->prc == 0)
        it->prc = kb_jsonl_validate(&it->a, it->shape, &it->why);
    if (it->prc == 0 && q->pretok && !__atomic_load_n(&q->pretok_off, __ATOMIC_RELAXED))
        pre_analyze(it);
    return more;
}

static void *reader_main(void *arg)
{
    struct queue *q = arg;
    size_t tail = 0;
    for (bool more = true; more;) {
        pthread_mutex_lock(&q->mu);
        while (q->count == QUEUE_SLOTS && !q->stop)
            pthread_cond_wait(&q->room, &q->mu);
        bool stop = q->stop;
        pthread_mutex_unlock(&q->mu);
        if (stop)
            break;
        more = fill_item(q, &q->ring[tail]); /* the slot is the reader's until counted */
        tail = (tail + 1) % QUEUE_SLOTS;
        pthread_mutex_lock(&q->mu);
        q->count++;
        pthread_cond_signal(&q->ready);
        pthread_mutex_unlock(&q->mu);
    }
    pthread_mutex_lock(&q->mu);
    q->done = true;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

static void queue_start(struct queue *q, struct kb_jsonl_reader *rd, size_t limit, bool pretok)
{
    q->rd = rd;
    q->limit = limit;
    q->pretok = pretok;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->ready, NULL);
    pthread_cond_init(&q->room, NULL);
    q->started = true;
    q->threaded = pthread_create(&q->thread, NULL, reader_main, q) == 0;
    if (!q->threaded)
        q->pretok = false; /* no thread to move the analysis to */
}

/* The next item, in input order (valid until queue_next is called again); NULL after the
 * last.  The previous item is released here. */
static struct item *queue_next(struct queue *q, struct item *prev)
{
    if (!q->threaded) { /* one slot, filled here */
        struct item *it = &q->ring[0];
        if (prev)
            item_release(prev);
        if (q->done)
            return NULL;
        q->done = !fill_item(q, it);
        return it;
    }
    if (prev) /* still ours: the reader only fills slots not counted */
        item_release(prev);
    pthread_mutex_lock(&q->mu);
    if (prev) {
        q->head = (q->head + 1) % QUEUE_SLOTS;
        q->count--;
        pthread_cond_signal(&q->room);
    }
    while (q->count == 0 && !q->done)
        pthread_cond_wait(&q->ready, &q->mu);
    struct item *it = q->count ? &q->ring[q->head] : NULL;
    pthread_mutex_unlock(&q->mu);
    return it;
}

/* Stop the reader, join it, and free every item still in the ring (`cur`: the one the
 * caller holds, or NULL). */
static void queue_finish(struct queue *q, struct item *cur)
{
    if (!q->started)
        return;
    if (!q->threaded) {
        if (cur)
            item_release(cur);
    } else {
        pthread_mutex_lock(&q->mu);
        q->stop = true;
        pthread_cond_signal(&q->room);
        pthread_mutex_unlock(&q->mu);
        pthread_join(q->thread, NULL);
        for (size_t i = 0; i < q->count; i++) /* cur, when held, is the head */
            item_release(&q->ring[(q->head + i) % QUEUE_SLOTS]);
        q->count = 0;
    }
    pthread_cond_destroy(&q->ready);
    pthread_cond_destroy(&q->room);
    pthread_mutex_destroy(&q->mu);
    q->started = false;
}

/* ---- the import ------------------------------------------------------------------------ */

struct section_memo {
    char *key;  /* the record's section.slug or section.name */
    char *slug; /* the store's canonical slug */
};

struct run {
    struct kb_store *s;
    const struct kb_import_opts *opts;
    struct kb_import_report *rep;
    bool atomic, dry_run, in_tx;
    bool failed;          /* atomic mode saw a malformed line: write nothing more */
    struct kb_diag first; /* the first malformed line's diag */
    size_t batch, in_batch;
    struct keyset keys;
    struct section_memo memo[SECTION_CACHE];
    size_t nmemo;
    struct kb_record_state *records; /* export records (export.h), made on the first */
    struct queue *q;                 /* the reader thread's ring */
};

static void note_skip(struct run *r, const char *reason, unsigned long line)
{
    struct kb_import_report *rep = r->rep;
    rep->skipped++;
    struct kb_import_skip *e = NULL;
    for (size_t i = 0; i < rep->nreasons && !e; i++)
        if (strcmp(rep->reasons[i].reason, reason) == 0)
            e = &rep->reasons[i];
    if (!e) {
        if (rep->nreasons < KB_IMPORT_MAX_REASONS) {
            e = &rep->reasons[rep->nreasons++];
            snprintf(e->reason, sizeof(e->reason), "%s", reason);
        } else {
            e = &rep->reasons[KB_IMPORT_MAX_REASONS - 1];
            snprintf(e->reason, sizeof(e->reason), "other");
        }
    }
    if (e->count < KB_IMPORT_REASON_LINES)
        e->lines[e->count] = line;
    e->count++;
}

/* A malformed line: count it; in atomic mode remember the first and stop writing. */
static void bad_line(struct run *r, struct kb_diag *why, unsigned long line)
{
    char reason[64];
    why->line = line;
    kb_jsonl_reason(why, reason, sizeof(reason));
    note_skip(r, reason, line);
    if (r->atomic && !r->failed) {
        r->failed = true;
        r->first = *why;
    }
}

static bool line_error(int rc)
{
    return rc == KB_EINVAL || rc == KB_ETOOBIG || rc == KB_EEXISTS;
}

/* Set a->section.slug to the stored section the record names, creating it when missing. */
static int resolve_section(struct run *r, struct kb_article *a, struct kb_diag *d)
{
    const char *key = a->section.slug ? a->section.slug : a->section.name;
    for (size_t i = 0; i < r->nmemo; i++) {
        if (strcmp(r->memo[i].key, key) == 0) {
            kb_set_str(&a->section.slug, r->memo[i].slug);
            return 0;
        }
    }
    struct kb_section sec = {0};
    int rc = KB_ENOTFOUND;
    if (a->section.slug)
        rc = kb_store_section_get(r->s, a->section.slug, &sec, d);
    if (rc == KB_ENOTFOUND && a->section.name)
        rc = kb_store_section_get(r->s, a->section.name, &sec, d);
    if (rc == KB_ENOTFOUND) {
        if (a->section.slug && a->section.name) {
            kb_set_str(&sec.slug, a->section.slug);
            kb_set_str(&sec.name, a->section.name);
            sec.position = 1000; /* after the sections a site set up itself */
            rc = kb_store_section_put(r->s, &sec, d);
        } else {
            rc = kb_store_section_ensure(r->s, key, &sec, d);
        }
    }
    if (rc == 0) {
        if (r->nmemo < SECTION_CACHE) {
            r->memo[r->nmemo].key = kb_strdup(key);
            r->memo[r->nmemo].slug = kb_strdup(sec.slug);
            r->nmemo++;
        }
        kb_set_str(&a->section.slug, sec.slug);
    }
    kb_section_release(&sec);
    return rc;
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
        a->published_offset != old->published_offset || a->ntags != old->ntags)
        return false;
    if (a->slug && !same_str(a->slug, old->slug))
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
    for (size_t i = 0; i < a->ntags; i++)
        if (!same_str(a->tags[i], old->tags[i]))
            return false;
    return true;
}

static int tx_begin(struct run *r, struct kb_diag *d)
{
    int rc = kb_store_begin(r->s, d);
    if (rc == 0)
        r->in_tx = true;
    return rc;
}

/* The record's key, when it is an address on this site — a site path, or a URL on
 * site.base_url's host, WordPress's "/?p=N" included — becomes an old address of the
 * written article `a` (store.h, redirects; docs/jsonl.md). */
static int record_old_address(struct run *r, const struct kb_article *a, struct kb_diag *d)
{
    bool rec = false;
    int rc = kb_store_redirect_put_own(r->s, a->external_id, NULL, a, &rec, d);
    if (rc == 0 && rec)
        r->rep->redirects++;
    return rc;
}

/* Hand the item's pre-analyzed texts to this thread's tokenizer, for the article's
 * indexing at the commit; when it holds all it can, the reader stops making them. */
static void offer_texts(struct run *r, struct item *it)
{
    for (size_t i = 0; i < 3; i++) {
        if (it->pt[i] && !kb_search_pretok_offer(it->pt[i]))
            __atomic_store_n(&r->q->pretok_off, 1, __ATOMIC_RELAXED);
        it->pt[i] = NULL;
    }
}

/* Commit the batch and begin the next; offers the index did not use are dropped. */
static int batch_commit(struct run *r, struct kb_diag *d)
{
    r->in_batch = 0;
    r->in_tx = false;
    int rc = kb_store_commit(r->s, d);
    kb_search_pretok_clear();
    if (rc == 0)
        rc = tx_begin(r, d);
    return rc && line_error(rc) ? KB_EDB : rc; /* never mistaken for a line error */
}

/* Store one parsed, valid article (it->a).  Line errors come back as KB_EINVAL /
 * KB_ETOOBIG. */
static int write_article(struct run *r, struct item *it, struct kb_diag *d)
{
    struct kb_article *a = &it->a;
    int rc = resolve_section(r, a, d);
    if (rc)
        return rc;
    int64_t existing = 0;
    bool created = true;
    if (a->external_id) {
        rc = kb_store_article_find_external(r->s, a->external_id, &existing, d);
        if (rc && rc != KB_ENOTFOUND)
            return rc;
        created = rc == KB_ENOTFOUND;
        kb_diag_clear(d);
    }
    if (!created) {
        struct kb_article old;
        kb_article_init(&old);
        rc = kb_store_article_get(r->s, existing, &old, d);
        if (rc == 0 && same_content(a, &old)) {
            kb_article_release(&old);
            r->rep->unchanged++;
            return 0;
        }
        a->id = existing;
        if (!a->slug) /* keep the address readers already link to */
            kb_set_str(&a->slug, old.slug);
        kb_article_release(&old);
        if (rc)
            return rc;
    }
    offer_texts(r, it);
    rc = kb_store_article_put(r->s, a, d);
    if (rc == 0)
        rc = record_old_address(r, a, d);
    if (rc)
        return rc;
    if (created)
        r->rep->created++;
    else
        r->rep->updated++;
    if (!r->atomic && !r->dry_run && ++r->in_batch >= r->batch)
        return batch_commit(r, d);
    return 0;
}

/* A typed record of `khabar export jsonl` (export.h, export_jsonl.c): settings, sections,
 * articles with their newsroom state, revisions.  Counted like articles; malformed ones like
 * malformed lines; warnings (an author this database does not have) in rep->warnings. */
static int one_export_record(struct run *r, const struct kb_str *line, unsigned long lineno,
                             struct kb_diag *d)
{
    if (!r->records)
        r->records = kb_record_state_new();
    struct kb_diag why;
    kb_diag_clear(&why);
    enum kb_record_outcome out = KB_RECORD_NONE;
    const char *warning = NULL;
    int rc = kb_engine_import_record(r->s, r->records, line->p, line->n, !r->failed, &out, &warning,
                                     &why);
    if (rc && line_error(rc)) {
        bad_line(r, &why, lineno);
        return 0;
    }
    if (rc) {
        why.line = lineno;
        *d = why;
        return rc;
    }
    if (warning && r->rep->nwarnings < KB_IMPORT_MAX_REASONS) {
        struct kb_import_skip *w = NULL;
        for (size_t i = 0; i < r->rep->nwarnings && !w; i++)
            if (strcmp(r->rep->warnings[i].reason, warning) == 0)
                w = &r->rep->warnings[i];
        if (!w) {
            w = &r->rep->warnings[r->rep->nwarnings++];
            snprintf(w->reason, sizeof(w->reason), "%s", warning);
        }
        if (w->count < KB_IMPORT_REASON_LINES)
            w->lines[w->count] = lineno;
        w->count++;
    }
    if (out == KB_RECORD_UNCHANGED)
        r->rep->unchanged++;
    if (out != KB_RECORD_CREATED && out != KB_RECORD_UPDATED)
        return 0;
    if (out == KB_RECORD_CREATED)
        r->rep->created++;
    else
        r->rep->updated++;
    if (!r->atomic && !r->dry_run && ++r->in_batch >= r->batch)
        return batch_commit(r, d);
    return 0;
}

/* One record, read and parsed by fill_item.  Returns 0 (imported, left or skipped) or a
 * fatal error. */
static int one_record(struct run *r, struct item *it, struct kb_diag *d)
{
    if (it->raw) {
        struct kb_str line = {.p = it->raw, .n = it->nraw};
        return one_export_record(r, &line, it->lineno, d);
    }
    unsigned long lineno = it->lineno;
    const struct kb_article *a = &it->a;
    struct kb_diag why = it->why;
    if (it->prc) {
        bad_line(r, &why, lineno);
        return 0;
    }
    if (a->external_id) {
        unsigned long first = keyset_add(&r->keys, a->external_id, lineno);
        if (first) {
            note_skip(r, "same key as an earlier line", lineno);
            return 0;
        }
    }
    if (r->failed) /* atomic, already failing: only check the rest */
        return 0;
    int rc = write_article(r, it, &why);
    if (rc && line_error(rc)) {
        bad_line(r, &why, lineno);
        return 0;
    }
    if (rc) {
        why.line = lineno;
        *d = why;
    }
    return rc;
}

static size_t section_count(struct kb_store *s)
{
    struct kb_section *v = NULL;
    size_t n = 0;
    if (kb_store_section_list(s, &v, &n, NULL) != 0)
        return 0;
    kb_sections_free(v, n);
    return n;
}

int kb_engine_import_jsonl(struct kb_store *s, const char *path, const struct kb_import_opts *opts,
                           struct kb_import_report *report, struct kb_diag *d)
{
    static const struct kb_import_opts none = {0};
    if (!opts)
        opts = &none;
    struct kb_import_report rep = {0};
    struct run r = {
        .s = s,
        .opts = opts,
        .rep = &rep,
        .atomic = opts->mode == KB_IMPORT_ATOMIC,
        .dry_run = opts->dry_run,
        .batch = opts->batch ? opts->batch : KB_IMPORT_BATCH,
    };
    struct kb_diag tmp;
    if (!d)
        d = &tmp;
    kb_diag_clear(d);

    struct kb_jsonl_reader *rd = NULL;
    int rc = kb_jsonl_open(path, NULL, &rd, d);
    if (rc) {
        if (report)
            *report = rep;
        return rc;
    }
    size_t sections_before = section_count(s);
    bool read_error = false;
    rc = tx_begin(&r, d);
    struct queue q = {0};
    struct item *it = NULL;
    size_t total = (size_t)kb_jsonl_size(rd); /* set at open: safe beside the reader */
    if (rc == 0)
        queue_start(&q, rd, opts->limit, opts->analyze_ahead && !opts->dry_run);
    r.q = &q;
    while (rc == 0) {
        it = queue_next(&q, it);
        int got = it ? it->got : 0;
        if (got == 0)
            break;
        if (got == KB_ETOOBIG) { /* a line over the cap: the reader goes on after it */
            if (opts->limit && rep.records >= opts->limit)
                break;
            rep.records++;
            bad_line(&r, &it->why, it->why.line);
            continue;
        }
        if (got < 0) { /* read or decoding error: the input cannot be trusted further */
            *d = it->why;
            rc = got;
            read_error = true;
            break;
        }
        if (opts->limit && rep.records >= opts->limit)
            break;
        rep.records++;
        rc = one_record(&r, it, d);
        if (opts->progress && rep.records % PROGRESS_EVERY == 0)
            opts->progress(opts->progress_ctx, (size_t)it->bytes_in, total);
    }
    queue_finish(&q, it); /* the reader is joined: rd is this thread's again */
    if (rc == 0 && r.failed) {
        *d = r.first;
        rc = d->code ? d->code : KB_EINVAL;
    }
    if (r.in_tx) {
        /* skip-bad keeps what came before a read error: those lines were whole */
        bool keep = !r.dry_run && (rc == 0 || (read_error && !r.atomic && !r.failed));
        if (keep)
            rep.sections_created = section_count(s) - sections_before;
        if (r.dry_run && rc == 0)
            rep.sections_created = section_count(s) - sections_before;
        if (keep) {
            struct kb_diag cd;
            kb_diag_clear(&cd);
            int crc = kb_store_commit(s, &cd);
            if (crc && rc == 0) {
                rc = crc;
                *d = cd;
            }
        } else {
            kb_store_rollback(s);
        }
    }
    kb_search_pretok_clear();
    if (opts->progress && rc == 0)
        opts->progress(opts->progress_ctx, (size_t)kb_jsonl_bytes_in(rd),
                       (size_t)kb_jsonl_size(rd));
    kb_jsonl_close(rd);
    if (!r.dry_run && !opts->no_related && rep.created + rep.updated > 0) {
        /* Related lists and duplicate marks of what was written (related.h); a failure
         * leaves them stale for the next refresh, the import stands. */
        struct kb_diag rdg;
        kb_diag_clear(&rdg);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (kb_engine_related_refresh(s, NULL, &rdg) != 0 ||
            kb_store_related_dup_pairs(s, rep.duplicate_pairs, 5, &rep.nduplicate_pairs,
                                       &rep.duplicates, &rdg) != 0) {
            /* stale until `khabar reindex` */
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        rep.related_seconds =
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    }
    keyset_free(&r.keys);
    kb_record_state_free(r.records);
    for (size_t i = 0; i < r.nmemo; i++) {
        free(r.memo[i].key);
        free(r.memo[i].slug);
    }
    if (report)
        *report = rep;
    return rc;
}
