/*
 * jsonl.c — the JSON Lines reader (plain, .xz, .gz) and the article record mapping.
 *
 * Data flow: raw bytes (fd or memory) → `in` (64 KiB) → decoder (none, liblzma, zlib) →
 * `out` (256 KiB) → split at '\n' into `line` (a kb_buf capped at the line limit).  Memory is
 * constant: the two fixed buffers, the decoder state (liblzma's is capped by XZ_MEMLIMIT),
 * and one line.  The compression is chosen from the first bytes, so a .xz file renamed
 * .jsonl (or piped on stdin) still reads.
 *
 * Invariants: `bytes_in` counts raw bytes handed to the decoder (what a progress bar over
 * the file size wants); once `err` is set every call returns it (decoder state is not
 * trusted after an error); `lineno` is the number of '\n'-terminated lines consumed so far,
 * so the line being returned is lineno (after its '\n') and a last line without '\n' is
 * lineno + 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <lzma.h>
#include <zlib.h>
#include "khabar/jsonl.h"
#include "khabar/sanitize.h"
#include "khabar/text.h"
#include "khabar/utf8.h"

#define IN_SIZE ((size_t)64 << 10)
#define OUT_SIZE ((size_t)256 << 10)
/* xz -9 needs 64 MiB of dictionary; anything above this is refused, not allocated. */
#define XZ_MEMLIMIT ((uint64_t)256 << 20)

struct kb_jsonl_reader {
    int fd; /* -1 for memory input */
    bool own_fd;
    const unsigned char *mem; /* memory input */
    size_t mem_n, mem_off;

    enum kb_jsonl_compression comp;
    lzma_stream xz;
    z_stream z;
    bool dec_ready, dec_done; /* decoder initialised / stream end seen */

    unsigned char *in;
    size_t in_n, in_off;
    bool in_eof;

    unsigned char *out;
    size_t out_n, out_off;
    bool out_eof; /* no more decoded bytes will come */

    struct kb_buf line;
    size_t max_line;
    uint64_t max_output, total_out;
    uint64_t bytes_in, size;
    unsigned long lineno;
    bool first; /* BOM check pending */
    int err;
    struct kb_diag err_diag;
};

const char *kb_jsonl_compression_name(enum kb_jsonl_compression c)
{
    switch (c) {
    case KB_JSONL_XZ:
        return "xz";
    case KB_JSONL_GZIP:
        return "gzip";
    default:
        return "plain";
    }
}

/* ---- raw input ---------------------------------------------------------------------- */

/* Refill `in` (moving unread bytes to the front).  Sets in_eof at the end of the input. */
static int fill_in(struct kb_jsonl_reader *r, struct kb_diag *d)
{
    if (r->in_off > 0) {
        memmove(r->in, r->in + r->in_off, r->in_n - r->in_off);
        r->in_n -= r->in_off;
        r->in_off = 0;
    }
    while (r->in_n < IN_SIZE && !r->in_eof) {
        if (r->fd < 0) {
            size_t take = r->mem_n - r->mem_off;
            if (take > IN_SIZE - r->in_n)
                take = IN_SIZE - r->in_n;
            memcpy(r->in + r->in_n, r->mem + r->mem_off, take);
            r->mem_off += take;
            r->in_n += take;
            if (r->mem_off == r->mem_n)
                r->in_eof = true;
            break;
        }
        ssize_t got = read(r->fd, r->in + r->in_n, IN_SIZE - r->in_n);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return kb_diag_set(d, KB_EIO, "", "read error: %s", strerror(errno));
        }
        if (got == 0)
            r->in_eof = true;
        r->in_n += (size_t)got;
        break; /* one read per fill: pipes deliver what they have */
    }
    return 0;
}

static bool starts(const unsigned char *p, size_t n, const char *magic, size_t m)
{
    return n >= m && memcmp(p, magic, m) == 0;
}

/* Look at the first bytes (reading until 6 are there or the input ends). */
static int detect(struct kb_jsonl_reader *r, struct kb_diag *d)
{
    while (r->in_n < 6 && !r->in_eof) {
        int rc = fill_in(r, d);
        if (rc)
            return rc;
    }
    const unsigned char *p = r->in;
    size_t n = r->in_n;
    const char *other = NULL;
    if (starts(p, n,
               "\xFD"
               "7zXZ\0",
               6))
        r->comp = KB_JSONL_XZ;
    else if (starts(p, n, "\x1F\x8B", 2))
        r->comp = KB_JSONL_GZIP;
    else if (starts(p, n, "\x28\xB5\x2F\xFD", 4))
        other = "zstd";
    else if (starts(p, n, "BZh", 3) && n > 3 && p[3] >= '1' && p[3] <= '9')
        other = "bzip2";
    else if (starts(p, n, "\x04\x22\x4D\x18", 4))
        other = "lz4";
    else if (starts(p, n, "PK\x03\x04", 4))
        other = "zip";
    if (other)
        return kb_diag_set(d, KB_EINVAL, "",
                           "the input is compressed with %s; khabar reads plain, .xz and .gz "
                           "JSON Lines",
                           other);
    if (r->comp == KB_JSONL_XZ) {
        lzma_stream init = LZMA_STREAM_INIT;
        r->xz = init;
        if (lzma_stream_decoder(&r->xz, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
            return kb_diag_set(d, KB_EINTERNAL, "", "cannot start the xz decoder");
        r->dec_ready = true;
    } else if (r->comp == KB_JSONL_GZIP) {
        memset(&r->z, 0, sizeof(r->z));
        if (inflateInit2(&r->z, 15 + 16) != Z_OK) /* gzip wrapper only */
            return kb_diag_set(d, KB_EINTERNAL, "", "cannot start the gzip decoder");
        r->dec_ready = true;
    }
    return 0;
}

/* ---- decoding --------------------------------------------------------------------------- */

static int decode_xz(struct kb_jsonl_reader *r, struct kb_diag *d)
{
    r->xz.next_in = r->in + r->in_off;
    r->xz.avail_in = r->in_n - r->in_off;
    r->xz.next_out = r->out;
    r->xz.avail_out = OUT_SIZE;
    lzma_ret ret = lzma_code(&r->xz, r->in_eof ? LZMA_FINISH : LZMA_RUN);
    size_t used = (r->in_n - r->in_off) - r->xz.avail_in;
    r->in_off += used;
    r->bytes_in += used;
    r->out_n = OUT_SIZE - r->xz.avail_out;
    switch (ret) {
    case LZMA_OK:
        return 0;
    case LZMA_STREAM_END:
        r->dec_done = true;
        return 0;
    case LZMA_BUF_ERROR:
        /* No progress possible: with LZMA_FINISH this is a stream cut short. */
        if (r->in_eof && r->out_n == 0)
            return kb_diag_set(d, KB_EINVAL, "",
                               "the .xz stream is truncated (it ends after %llu bytes)",
                               (unsigned long long)r->bytes_in);
        return 0;
    case LZMA_MEMLIMIT_ERROR:
        return kb_diag_set(d, KB_EINVAL, "",
                           "the .xz stream needs more than %llu MiB of memory to decode",
                           (unsigned long long)(XZ_MEMLIMIT >> 20));
    case LZMA_FORMAT_ERROR:
    case LZMA_OPTIONS_ERROR:
    case LZMA_DATA_ERROR:
        return kb_diag_set(d, KB_EINVAL, "", "the .xz stream is corrupt (near byte %llu)",
                           (unsigned long long)r->bytes_in);
    default:
        return kb_diag_set(d, KB_EINVAL, "", "the .xz decoder failed (code %d)", (int)ret);
    }
}

static int decode_gz(struct kb_jsonl_reader *r, struct kb_diag *d)
{
    if (r->dec_done) {
        /* After one gzip member: another may follow (cat a.gz b.gz). */
        if (r->in_off == r->in_n && r->in_eof) {
            r->out_eof = true;
            return 0;
        }
        if (r->in_n - r->in_off < 2 && !r->in_eof)
            return fill_in(r, d);
        if (!starts(r->in + r->in_off, r->in_n - r->in_off, "\x1F\x8B", 2))
            return kb_diag_set(d, KB_EINVAL, "",
                               "unexpected data after the gzip stream (byte %llu)",
                               (unsigned long long)r->bytes_in);
        if (inflateReset(&r->z) != Z_OK)
            return kb_diag_set(d, KB_EINTERNAL, "", "cannot restart the gzip decoder");
        r->dec_done = false;
    }
    r->z.next_in = r->in + r->in_off;
    r->z.avail_in = (uInt)(r->in_n - r->in_off);
    r->z.next_out = r->out;
    r->z.avail_out = (uInt)OUT_SIZE;
    int ret = inflate(&r->z, Z_NO_FLUSH);
    size_t used = (r->in_n - r->in_off) - r->z.avail_in;
    r->in_off += used;
    r->bytes_in += used;
    r->out_n = OUT_SIZE - r->z.avail_out;
    switch (ret) {
    case Z_OK:
        return 0;
    case Z_STREAM_END:
        r->dec_done = true;
        return 0;
    case Z_BUF_ERROR:
        if (r->in_eof && r->in_off == r->in_n && r->out_n == 0)
            return kb_diag_set(d, KB_EINVAL, "",
                               "the .gz stream is truncated (it ends after %llu bytes)",
                               (unsigned long long)r->bytes_in);
        return 0;
    default:
        return kb_diag_set(d, KB_EINVAL, "", "the .gz stream is corrupt (near byte %llu): %s",
                           (unsigned long long)r->bytes_in, r->z.msg ? r->z.msg : "bad data");
    }
}

/* Refill `out` with at least one decoded byte, or set out_eof. */
static int fill_out(struct kb_jsonl_reader *r, struct kb_diag *d)
{
    r->out_n = r->out_off = 0;
    while (r->out_n == 0 && !r->out_eof) {
        if (r->in_off == r->in_n && !r->in_eof) {
            int rc = fill_in(r, d);
            if (rc)
                return rc;
        }
        if (r->comp == KB_JSONL_PLAIN) {
            size_t take = r->in_n - r->in_off;
            if (take > OUT_SIZE)
                take = OUT_SIZE;
            memcpy(r->out, r->in + r->in_off, take);
            r->in_off += take;
            r->bytes_in += take;
            r->out_n = take;
            if (take == 0 && r->in_eof)
                r->out_eof = true;
            continue;
        }
        if (r->comp == KB_JSONL_XZ && r->dec_done) {
            r->out_eof = true;
            break;
        }
        int rc = r->comp == KB_JSONL_XZ ? decode_xz(r, d) : decode_gz(r, d);
        if (rc)
            return rc;
        if (r->out_n == 0 && !r->dec_done && r->in_eof && r->in_off == r->in_n &&
            r->comp == KB_JSONL_GZIP)
            return kb_diag_set(d, KB_EINVAL, "",
                               "the .gz stream is truncated (it ends after %llu bytes)",
                               (unsigned long long)r->bytes_in);
    }
    r->total_out += r->out_n;
    if (r->max_output && r->total_out > r->max_output)
        return kb_diag_set(d, KB_ETOOBIG, "", "the decoded input exceeds %llu bytes",
                           (unsigned long long)r->max_output);
    return 0;
}

/* ---- opening and closing ------------------------------------------------------------------ */

static struct kb_jsonl_reader *reader_new(const struct kb_jsonl_limits *lim)
{
    struct kb_jsonl_reader *r = kb_calloc(1, sizeof(*r));
    r->fd = -1;
    r->in = kb_malloc(IN_SIZE);
    r->out = kb_malloc(OUT_SIZE);
    r->max_line = lim && lim->max_line ? lim->max_line : KB_JSONL_MAX_LINE;
    r->max_output = lim ? lim->max_output : 0;
    /* The cap of the line buffer is the line limit plus the bytes of one '\r'. */
    kb_buf_init(&r->line, r->max_line + 1);
    r->first = true;
    return r;
}

static int reader_start(struct kb_jsonl_reader *r, struct kb_jsonl_reader **out, struct kb_diag *d)
{
    int rc = detect(r, d);
    if (rc) {
        kb_jsonl_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int kb_jsonl_open_fd(int fd, const struct kb_jsonl_limits *lim, struct kb_jsonl_reader **out,
                     struct kb_diag *d)
{
    struct kb_jsonl_reader *r = reader_new(lim);
    r->fd = fd;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        r->size = (uint64_t)st.st_size;
    return reader_start(r, out, d);
}

int kb_jsonl_open(const char *path, const struct kb_jsonl_limits *lim, struct kb_jsonl_reader **out,
                  struct kb_diag *d)
{
    if (strcmp(path, "-") == 0)
        return kb_jsonl_open_fd(STDIN_FILENO, lim, out, d);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kb_diag_set(d, KB_EIO, "", "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return kb_diag_set(d, KB_EIO, "", "%s is a directory", path);
    }
    struct kb_jsonl_reader *r = NULL;
    int rc = kb_jsonl_open_fd(fd, lim, &r, d);
    if (rc) {
        close(fd);
        return rc;
    }
    r->own_fd = true;
    *out = r;
    return 0;
}

int kb_jsonl_open_mem(const void *p, size_t n, const struct kb_jsonl_limits *lim,
                      struct kb_jsonl_reader **out, struct kb_diag *d)
{
    struct kb_jsonl_reader *r = reader_new(lim);
    r->mem = p;
    r->mem_n = n;
    r->size = n;
    if (n == 0)
        r->in_eof = true;
    return reader_start(r, out, d);
}

void kb_jsonl_close(struct kb_jsonl_reader *r)
{
    if (!r)
        return;
    if (r->dec_ready && r->comp == KB_JSONL_XZ)
        lzma_end(&r->xz);
    if (r->dec_ready && r->comp == KB_JSONL_GZIP)
        inflateEnd(&r->z);
    if (r->own_fd)
        close(r->fd);
    kb_buf_release(&r->line);
    free(r->in);
    free(r->out);
    free(r);
}

enum kb_jsonl_compression kb_jsonl_compression(const struct kb_jsonl_reader *r)
{
    return r->comp;
}

uint64_t kb_jsonl_bytes_in(const struct kb_jsonl_reader *r)
{
    return r->bytes_in;
}

uint64_t kb_jsonl_size(const struct kb_jsonl_reader *r)
{
    return r->size;
}

/* ---- lines ---------------------------------------------------------------------------- */

static bool blank_line(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\f' && p[i] != '\v')
            return false;
    return true;
}

static int sticky(struct kb_jsonl_reader *r, int rc, struct kb_diag *d)
{
    r->err = rc;
    r->err_diag = d ? *d : (struct kb_diag){0};
    if (d)
        d->line = r->lineno + 1;
    r->err_diag.line = r->lineno + 1;
    return rc;
}

int kb_jsonl_next(struct kb_jsonl_reader *r, struct kb_str *line, unsigned long *lineno,
                  struct kb_diag *d)
{
    if (r->err) {
        if (d)
            *d = r->err_diag;
        return r->err;
    }
    for (;;) {
        kb_buf_reset(&r->line);
        bool overlong = false, got_any = false, ended = false;
        /* Gather bytes up to the next '\n' (or the end of the input). */
        for (;;) {
            if (r->out_off == r->out_n) {
                if (r->out_eof)
                    break;
                struct kb_diag why;
                kb_diag_clear(&why);
                int rc = fill_out(r, &why);
                if (rc) {
                    if (d)
                        *d = why;
                    return sticky(r, rc, d);
                }
                if (r->out_n == 0)
                    break;
            }
            const unsigned char *p = r->out + r->out_off;
            size_t avail = r->out_n - r->out_off;
            const unsigned char *nl = memchr(p, '\n', avail);
            size_t take = nl ? (size_t)(nl - p) : avail;
            got_any = true;
            if (!overlong) {
                kb_buf_add(&r->line, p, take);
                if (kb_buf_err(&r->line))
                    overlong = true;
            }
            r->out_off += take + (nl ? 1 : 0);
            if (nl) {
                ended = true;
                break;
            }
        }
        if (!got_any)
            return 0; /* end of input */
        unsigned long num = ++r->lineno;
        if (!ended && r->line.n == 0 && !overlong)
            return 0;
        const char *p = kb_buf_cstr(&r->line);
        size_t n = r->line.n;
        if (!overlong && n > 0 && p[n - 1] == '\r')
            n--;
        if (!overlong && n > r->max_line)
            overlong = true;
        if (overlong) {
            if (d) {
                kb_diag_set(d, KB_ETOOBIG, "", "line is longer than the limit of %zu bytes",
                            r->max_line);
                d->line = num;
            }
            return KB_ETOOBIG;
        }
        if (r->first) {
            r->first = false;
            if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
                p += 3;
                n -= 3;
            }
        }
        if (blank_line(p, n))
            continue;
        ((char *)p)[n] = '\0';
        *line = (struct kb_str){p, n};
        *lineno = num;
        return 1;
    }
}

/* ---- records ---------------------------------------------------------------------------- */

/* The categories of the ANT corpus and the site sections they become. */
static const struct {
    const char *category, *slug, *name;
} corpus_sections[] = {
    {"internationalNews", "world", "العالم"},
    {"middleEast", "middle-east", "الشرق الأوسط"},
    {"sport", "sports", "رياضة"},
    {"economy", "economy", "اقتصاد"},
    {"technology", "technology", "تكنولوجيا"},
    {"culture", "culture", "ثقافة"},
};

/* A string member (absent or null: *dst untouched). */
static int str_field(const json_t *obj, const char *key, char **dst, struct kb_diag *d)
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

/* external_id, else url, else id (string or integer). */
static int key_field(const json_t *obj, char **dst, struct kb_diag *d)
{
    static const char *const keys[] = {"external_id", "url", "id"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const json_t *v = json_object_get(obj, keys[i]);
        if (!v || json_is_null(v))
            continue;
        if (json_is_integer(v) && strcmp(keys[i], "id") == 0) {
            char num[32];
            snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
            kb_set_str(dst, num);
            return 0;
        }
        if (!json_is_string(v))
            return kb_diag_set(d, KB_EINVAL, keys[i], "must be a string%s or null",
                               i == 2 ? ", an integer" : "");
        if (strlen(json_string_value(v)) != json_string_length(v))
            return kb_diag_set(d, KB_EINVAL, keys[i], "contains a NUL character");
        if (json_string_length(v) == 0)
            continue;
        kb_set_str(dst, json_string_value(v));
        return 0;
    }
    return 0;
}

/* Control characters have no meaning in a corpus's plain text (the ANT corpus has a few
 * stray U+0002); they are dropped, and U+2028/U+2029 become spaces, so that one stray byte
 * does not cost the article. */
static void add_clean_html(struct kb_buf *out, struct kb_buf *scratch, struct kb_str para)
{
    kb_buf_reset(scratch);
    size_t run = 0; /* start of the pending clean run */
    for (size_t i = 0; i < para.n;) {
        unsigned char c = (unsigned char)para.p[i];
        if (c >= 0x20 && c != 0x7F && c != 0xC2 && c != 0xE2) { /* fast path */
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = kb_utf8_decode(para.p + i, para.n - i, &cp);
        bool drop = (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F);
        bool space = cp == 0x2028 || cp == 0x2029;
        if (drop || space) {
            kb_buf_add(scratch, para.p + run, i - run);
            if (space)
                kb_buf_addch(scratch, ' ');
            run = i + len;
        }
        i += len;
    }
    if (run == 0) {
        kb_buf_add_html(out, para.p, para.n);
        return;
    }
    kb_buf_add(scratch, para.p + run, para.n - run);
    kb_buf_add_html(out, kb_buf_cstr(scratch), scratch->n);
}

/* Paragraphs, one a line, as escaped <p> blocks; blank lines dropped. */
static void body_paragraphs(struct kb_buf *out, const char *s, size_t n)
{
    struct kb_buf scratch;
    kb_buf_init(&scratch, KB_MAX_BODY + 1);
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n;
        struct kb_str para = kb_str_trim((struct kb_str){s + i, end - i});
        if (para.n) {
            kb_buf_adds(out, "<p>");
            add_clean_html(out, &scratch, para);
            kb_buf_adds(out, "</p>\n");
        }
        i = end + 1;
    }
    kb_buf_release(&scratch);
}

static int from_corpus(const json_t *obj, struct kb_article *a, struct kb_diag *d)
{
    int rc;
    char *category = NULL;
    if ((rc = str_field(obj, "title", &a->headline, d)) ||
        (rc = str_field(obj, "lede", &a->lede, d)) ||
        (rc = str_field(obj, "byline", &a->byline, d)) ||
        (rc = str_field(obj, "source", &a->source, d)) ||
        (rc = str_field(obj, "language", &a->language, d)) ||
        (rc = str_field(obj, "category", &category, d)))
        goto out;
    if (category) {
        for (size_t i = 0; i < sizeof(corpus_sections) / sizeof(corpus_sections[0]); i++) {
            if (strcmp(category, corpus_sections[i].category) == 0) {
                kb_set_str(&a->section.slug, corpus_sections[i].slug);
                kb_set_str(&a->section.name, corpus_sections[i].name);
                break;
            }
        }
        if (!a->section.name) {
            a->section.name = category;
            category = NULL;
        }
    }
    const json_t *body = json_object_get(obj, "body");
    if (body && !json_is_null(body)) {
        if (!json_is_string(body)) {
            rc = kb_diag_set(d, KB_EINVAL, "body", "must be a string or null");
            goto out;
        }
        /* Escaping grows text by at most 6x ('"' → "&quot;"); cap at the model's limit
         * plus one byte so an oversized body fails validation rather than being cut. */
        struct kb_buf html;
        kb_buf_init(&html, KB_MAX_BODY + 1);
        body_paragraphs(&html, json_string_value(body), json_string_length(body));
        if (kb_buf_err(&html)) {
            kb_buf_release(&html);
            rc = kb_diag_set(d, KB_ETOOBIG, "body", "is longer than the limit of %zu bytes",
                             (size_t)KB_MAX_BODY);
            goto out;
        }
        a->body_html = html.n ? kb_buf_detach(&html, NULL) : NULL;
        kb_buf_release(&html);
    }
    const json_t *pub = json_object_get(obj, "published");
    if (pub && !json_is_null(pub)) {
        if (!json_is_string(pub)) {
            rc = kb_diag_set(d, KB_EINVAL, "published", "must be an ISO 8601 date-time string");
            goto out;
        }
        struct kb_diag why;
        kb_diag_clear(&why);
        rc = kb_date_parse_iso8601(json_string_value(pub), json_string_length(pub), 0,
                                   &a->published, &a->published_offset, &why);
        if (rc) {
            rc = kb_diag_set(d, rc, "published", "%s",
                             why.msg[0] ? why.msg : "is not an ISO 8601 date");
            goto out;
        }
    }
out:
    free(category);
    return rc;
}

static int sanitize_body(struct kb_article *a, struct kb_diag *d)
{
    struct kb_buf clean;
    kb_buf_init(&clean, KB_MAX_BODY + 1);
    struct kb_diag why;
    kb_diag_clear(&why);
    int rc = kb_html_sanitize(a->body_html, strlen(a->body_html), &clean, &why);
    if (rc == 0 && kb_buf_err(&clean))
        rc = KB_ETOOBIG;
    if (rc) {
        kb_buf_release(&clean);
        return kb_diag_set(d, rc, "body_html", "%s",
                           why.msg[0] ? why.msg : "is longer than the limit once sanitized");
    }
    free(a->body_html);
    a->body_html = clean.n ? kb_buf_detach(&clean, NULL) : NULL;
    kb_buf_release(&clean);
    return 0;
}

static int parse_object(const json_t *obj, struct kb_article *a, enum kb_jsonl_shape *shape,
                        struct kb_diag *d)
{
    int rc;
    bool product = json_object_get(obj, "headline") || json_object_get(obj, "body_html");
    *shape = product ? KB_JSONL_ARTICLE : KB_JSONL_CORPUS;
    if (product) {
        /* The exporting site's numeric id is not ours: keep it out of a->id. */
        json_t *copy = json_copy((json_t *)obj);
        json_object_del(copy, "id");
        json_object_del(copy, "external_id"); /* read below, with url and id */
        rc = kb_article_from_json(copy, a, d);
        json_decref(copy);
        if (rc)
            return rc;
        a->id = 0;
        a->updated = 0;
        a->updated_offset = 0;
        /* The renderer emits body_html as stored: what comes from a file is untrusted. */
        if (a->body_html && (rc = sanitize_body(a, d)))
            return rc;
    } else if ((rc = from_corpus(obj, a, d))) {
        return rc;
    }
    if ((rc = key_field(obj, &a->external_id, d)))
        return rc;
    const json_t *st = json_object_get(obj, "status");
    if (!st || json_is_null(st))
        a->status = a->published ? KB_STATUS_PUBLISHED : KB_STATUS_DRAFT;
    /* The store computes reading time on write; only the language default is needed here,
     * so that an unchanged record compares equal to its stored self. */
    if (!a->language || !*a->language)
        kb_set_str(&a->language, "ar");
    return 0;
}

int kb_jsonl_parse_article(const char *line, size_t n, struct kb_article *out,
                           enum kb_jsonl_shape *shape, struct kb_diag *d)
{
    enum kb_jsonl_shape sh = KB_JSONL_ARTICLE;
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
    struct kb_article a;
    kb_article_init(&a);
    if (!json_is_object(obj))
        rc = kb_diag_set(d, KB_EINVAL, "", "not a JSON object (one article per line)");
    else
        rc = parse_object(obj, &a, &sh, d);
    json_decref(obj);
    if (rc) {
        kb_article_release(&a);
        return rc;
    }
    kb_article_release(out);
    *out = a;
    if (shape)
        *shape = sh;
    return 0;
}

int kb_jsonl_validate(const struct kb_article *a, enum kb_jsonl_shape shape, struct kb_diag *d)
{
    static const char *const renames[][2] = {
        {"headline", "title"},
        {"body_html", "body"},
        {"section.slug", "category"},
        {"section.name", "category"},
    };
    int rc = kb_article_validate(a, d);
    if (rc && d && shape == KB_JSONL_CORPUS) {
        for (size_t i = 0; i < sizeof(renames) / sizeof(renames[0]); i++) {
            if (strcmp(d->field, renames[i][0]) == 0) {
                snprintf(d->field, sizeof(d->field), "%s", renames[i][1]);
                break;
            }
        }
    }
    return rc;
}

void kb_jsonl_reason(const struct kb_diag *d, char *out, size_t size)
{
    static const char *const prefixes[] = {"invalid JSON", "invalid UTF-8", "duplicate key",
                                           "not a JSON object"};
    if (size == 0)
        return;
    const char *why = NULL;
    if (d->code == KB_ETOOBIG && !d->field[0] && strncmp(d->msg, "line is longer", 14) == 0)
        why = "line too long";
    for (size_t i = 0; !why && i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(d->msg, prefixes[i], strlen(prefixes[i])) == 0)
            why = prefixes[i];
    if (why) {
        snprintf(out, size, "%s", why);
    } else if (d->field[0]) {
        bool missing = strncmp(d->msg, "is required", 11) == 0;
        snprintf(out, size, "%s %s", missing ? "missing" : "bad", d->field);
    } else {
        snprintf(out, size, "%s", kb_err_str(d->code));
    }
}
