/*
 * ninjs.h — IPTC ninjs (News in JSON) items: reading them into articles and writing
 * articles as ninjs 2.2.  lib/ingest/ninjs.c; the mapping is documented in docs/ninjs.md.
 *
 * Reading.  A file holds one item (a JSON object), an array of items, or JSON Lines (one
 * item a line); the first non-blank byte and what follows the first value decide.  ninjs
 * 2.0-2.2 names are read, and the camelCase names of 3.x (versionCreated, pubStatus,
 * embargoedUntil, infoSources, ...) as well, plus 1.x's "headline" / "body_html" /
 * "body_text" / "description_text" strings and its associations object.  The mapping of one
 * item (kb_ninjs_item_from_json) fills an article without status, publication time or
 * section: those depend on the database and the clock, and are the engine's
 * (lib/engine/import_ninjs.c).
 *
 * Errors are KB_EINVAL / KB_ETOOBIG with d->field naming the ninjs member ("headlines",
 * "bodies", "uri", "versioncreated") and d->line the line (JSON Lines, or where the parser
 * stopped).  Invalid UTF-8 is refused by jansson with its position.
 *
 * Writing.  kb_ninjs_write turns an article (with its origin and newsroom state, given as
 * plain values so this layer stays below the store) into one ninjs 2.2 object that
 * validates against ../shared/data/ninjs/ninjs-2.2.json.
 *
 * Thread-safe: no global state.
 */
#ifndef KHABAR_NINJS_H
#define KHABAR_NINJS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "khabar/article.h"
#include "khabar/err.h"
#include "khabar/json.h"

/* A site path ("/media/x.jpg") written as a URI when the site has no base URL:
 * "khabar:/media/x.jpg".  The reader turns such an href back into the path. */
#define KB_NINJS_PATH_SCHEME "khabar:"

/* Largest file read (bytes). */
#define KB_NINJS_MAX_FILE ((size_t)64 << 20)

enum kb_ninjs_pubstatus {
    KB_NINJS_USABLE, /* the default */
    KB_NINJS_WITHHELD,
    KB_NINJS_CANCELED,
};

struct kb_ninjs_subject {
    char *name, *literal, *uri, *rel; /* NULL when absent */
};

struct kb_ninjs_item {
    /* headline, lede, byline, source, language, image, body_html (sanitized), tags (the
     * subjects' names, in order, without repeats), external_id (the uri).  status,
     * published and section are left for the engine. */
    struct kb_article a;
    char *type;    /* "text", "picture", ...; NULL when absent */
    char *version; /* the item's version string (a number is written in decimal) */
    int64_t versioncreated, firstcreated, contentcreated, embargoed; /* 0 = absent */
    int versioncreated_offset, firstcreated_offset, contentcreated_offset, embargoed_offset;
    enum kb_ninjs_pubstatus pubstatus;
    char *located;
    struct kb_ninjs_subject *subjects;
    size_t nsubjects;
    size_t tags_dropped; /* subject names left out: over KB_MAX_TAGS or KB_MAX_TAG */
};

void kb_ninjs_item_init(struct kb_ninjs_item *it);
void kb_ninjs_item_release(struct kb_ninjs_item *it); /* frees everything, inits again */

/* Map one ninjs object (a jansson json_t *, as void *) to `out` (initialized; replaced on
 * success, untouched on failure).  Required: uri (a non-empty string); a text item needs a
 * headline and a body, but that is checked by the engine with kb_article_validate after
 * it has set the rest.  Types are checked (a string where a string is due, arrays of
 * objects, ISO 8601 times); unknown members are ignored. */
KB_MUST_CHECK int kb_ninjs_item_from_json(const void *json_obj, struct kb_ninjs_item *out,
                                          struct kb_diag *d);

/* A parsed file: its items, in order. */
struct kb_ninjs_file {
    void **items;         /* json_t * objects, owned */
    unsigned long *lines; /* the line each item starts on (JSON Lines), else 0 */
    size_t n;
};

/* Parse a whole file's bytes.  Errors (the file is refused as a whole): not JSON, invalid
 * UTF-8, a duplicated key, an array member or a line that is not an object, an empty file,
 * more than KB_NINJS_MAX_FILE bytes; d->line is set when the parser knows it. */
KB_MUST_CHECK int kb_ninjs_parse_file(const char *p, size_t n, struct kb_ninjs_file *out,
                                      struct kb_diag *d);
void kb_ninjs_file_release(struct kb_ninjs_file *f);

/* What ninjs carries beside the article's product.md fields, for writing. */
struct kb_ninjs_meta {
    const char *uri;     /* required */
    const char *version; /* the item's version; NULL: none written */
    int64_t versioncreated, firstcreated;
    int versioncreated_offset, firstcreated_offset;
    bool trashed;      /* canceled */
    int64_t embargoed; /* 0: a scheduled article's publication time, else none */
    int embargoed_offset;
    const char *located; /* may be NULL */
};

/* Write `a` as one ninjs 2.2 object (docs/ninjs.md for the mapping): uri, type "text",
 * version, firstcreated, versioncreated, embargoed (a scheduled article's time), pubstatus
 * (published usable; trashed canceled; anything else withheld), language, headlines,
 * descriptions (the lede), bodies (body_html as text/html), by, located, infosources (the
 * source), subjects (the section with rel "section", then the tags), associations (the
 * image as a picture with a rendition). */
void kb_ninjs_write(const struct kb_article *a, const struct kb_ninjs_meta *m, struct kb_json *j);

#endif
