/*
 * jsonl.h — reading JSON Lines files of articles: plain, .xz or .gz, one record a line.
 *
 * Two layers.  The line reader (kb_jsonl_reader) turns a file, a file descriptor, standard
 * input ("-") or a memory block into lines; compression is recognised by the first bytes
 * (xz: FD 37 7A 58 5A 00, gzip: 1F 8B), never by the file name, and decoded as a stream
 * through liblzma / zlib in constant memory (fixed-size buffers plus one line).  The record
 * layer (kb_jsonl_parse_article) turns one line into a struct kb_article.
 *
 * Invariants of the reader: a line never holds its '\n' (nor a '\r' before it); lines
 * that are empty or only ASCII white space are skipped but counted, so line numbers are
 * those of an editor; a UTF-8 BOM at the start of the file is dropped; a line longer than
 * the cap is reported once (KB_ETOOBIG naming its number) and the reader then continues
 * with the next line, so callers may skip it.  Decoding errors (a truncated or corrupt .xz
 * or .gz stream) and read errors are sticky: every later call returns the same error.
 *
 * Not thread-safe: a reader belongs to one thread.  See docs/jsonl.md for the format.
 */
#ifndef KHABAR_JSONL_H
#define KHABAR_JSONL_H

#include <stddef.h>
#include <stdint.h>
#include "khabar/article.h"
#include "khabar/buf.h"
#include "khabar/err.h"

/* The default cap on one line, in decoded bytes. */
#define KB_JSONL_MAX_LINE ((size_t)8 << 20)

enum kb_jsonl_compression {
    KB_JSONL_PLAIN,
    KB_JSONL_XZ,
    KB_JSONL_GZIP,
};

/* "plain", "xz", "gzip". */
const char *kb_jsonl_compression_name(enum kb_jsonl_compression c);

struct kb_jsonl_limits {
    size_t max_line;     /* decoded bytes per line; 0 = KB_JSONL_MAX_LINE */
    uint64_t max_output; /* decoded bytes in all; 0 = no limit (fuzzers bound it) */
};

struct kb_jsonl_reader;

/* Open `path` ("-" = standard input, not closed at the end).  `lim` may be NULL.  Reads the
 * first bytes to recognise the compression; a file compressed with a format khabar does
 * not read (zstd, bzip2, lz4, zip) is KB_EINVAL saying which.  KB_EIO when the file cannot
 * be opened or read (the message names the path and the system's reason). */
KB_MUST_CHECK int kb_jsonl_open(const char *path, const struct kb_jsonl_limits *lim,
                                struct kb_jsonl_reader **out, struct kb_diag *d);
/* The same over an open descriptor, which kb_jsonl_close does not close. */
KB_MUST_CHECK int kb_jsonl_open_fd(int fd, const struct kb_jsonl_limits *lim,
                                   struct kb_jsonl_reader **out, struct kb_diag *d);
/* The same over `n` bytes at `p`, which must outlive the reader (tests, fuzzers). */
KB_MUST_CHECK int kb_jsonl_open_mem(const void *p, size_t n, const struct kb_jsonl_limits *lim,
                                    struct kb_jsonl_reader **out, struct kb_diag *d);
/* Free the reader (NULL is a no-op). */
void kb_jsonl_close(struct kb_jsonl_reader *r);

/* The next non-blank line.  Returns 1 and sets *line (valid until the next call; the bytes
 * are NUL-terminated at line->n) and *lineno (1-based); 0 at the end of the input; or a
 * negative error with d->line set: KB_ETOOBIG for a line over the cap (the reader stays
 * usable), KB_EINVAL for a corrupt or truncated compressed stream or output over
 * max_output, KB_EIO for a read error (both sticky). */
KB_MUST_CHECK int kb_jsonl_next(struct kb_jsonl_reader *r, struct kb_str *line,
                                unsigned long *lineno, struct kb_diag *d);

enum kb_jsonl_compression kb_jsonl_compression(const struct kb_jsonl_reader *r);
/* Bytes consumed from the underlying input so far (compressed bytes for .xz/.gz). */
uint64_t kb_jsonl_bytes_in(const struct kb_jsonl_reader *r);
/* The input's size when known (a regular file or memory), else 0: for progress bars. */
uint64_t kb_jsonl_size(const struct kb_jsonl_reader *r);

/* ---- records ------------------------------------------------------------------------- */

/* The two record shapes. */
enum kb_jsonl_shape {
    KB_JSONL_ARTICLE, /* product.md's article JSON */
    KB_JSONL_CORPUS,  /* the ANT corpus form */
};

/* Parse one line as an article record (docs/jsonl.md).  Two shapes are accepted:
 *  - product.md's article JSON (recognised by "headline" or "body_html"), read through
 *    kb_article_from_json; its "id" is the exporting site's and is not kept as ours;
 *    body_html goes through kb_html_sanitize (sanitize.h), as every stored body must;
 *  - the corpus form of ../shared/data/ant: id, source, category, url, title, lede, byline,
 *    published (ISO 8601), body with one paragraph a line (each becomes an escaped <p>);
 *    published_raw is ignored.  A category known from the corpus (internationalNews, sport,
 *    ...) is given its site section (slug "world", name "العالم"); any other category is
 *    the section's name, resolved or created by the importer.
 * Both: the importer's key, external_id, is "external_id" when given, else "url", else
 * "id" (a string or an integer, written in decimal).  A record without any of them has no
 * key and is always created.  Absent status: "published" when there is a published time,
 * else "draft".  The language defaults to "ar"; reading_minutes is left for the store
 * (kb_article_compute).
 * The article is NOT validated: call kb_jsonl_validate.  *shape (optional) is set on
 * success.
 * Errors (KB_EINVAL, KB_ETOOBIG; d->field names the field when there is one): the line is
 * not JSON (the message gives the column), holds invalid UTF-8 or a duplicated key, is not
 * an object, or a field has the wrong type.  `out` must be initialized; it is replaced on
 * success and untouched on failure.  Thread-safe. */
KB_MUST_CHECK int kb_jsonl_parse_article(const char *line, size_t n, struct kb_article *out,
                                         enum kb_jsonl_shape *shape, struct kb_diag *d);

/* kb_article_validate, with d->field named as the record named it: a corpus record's
 * "title", "body" and "category" rather than headline, body_html and section.slug. */
KB_MUST_CHECK int kb_jsonl_validate(const struct kb_article *a, enum kb_jsonl_shape shape,
                                    struct kb_diag *d);

/* Short, stable reason names for reports, from a failed kb_jsonl_next or
 * kb_jsonl_parse_article / kb_article_validate diag: "invalid JSON", "invalid UTF-8",
 * "duplicate key", "line too long", "not an object", or "bad <field>" / "missing <field>".
 * Writes at most `size` bytes (NUL included) to `out`. */
void kb_jsonl_reason(const struct kb_diag *d, char *out, size_t size);

#endif
