/*
 * wxr.c — the WordPress export (WXR) reader: libxml2's xmlTextReader over our own input
 * callback, a small state machine over element depth, and the mapping of items to
 * articles (docs/wxr.md).
 *
 * Data flow: file or memory → io_read (which watches the prolog and refuses a document
 * type declaration before libxml2 sees it) → xmlTextReader → start/end/text events → the
 * fields of the entry being read (capped kb_bufs) → one struct kb_wxr_entry per call.
 *
 * Depths: rss 0, channel 1, item / wp:author / wp:category / wp:tag 2, their fields 3,
 * wp:postmeta's key and value 4.  Text is captured for the field element open at
 * `cap_depth` (including text in elements nested inside it); everything else, such as
 * wp:comment and its meta, is passed over.
 *
 * Invariants: every string handed out is NUL-terminated and lives in the reader until the
 * next call; a field never grows past its cap (the item is marked too_big instead); an
 * error is sticky; nothing is ever fetched from the network or the file system for the
 * document (XML_PARSE_NONET, the refusing entity loader, no DTD at all).
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "khabar/sanitize.h"
#include "khabar/utf8.h"
#include "khabar/wxr.h"

enum fid {
    F_TITLE,
    F_LINK,
    F_GUID,
    F_CREATOR,
    F_CONTENT,
    F_EXCERPT,
    F_POST_DATE,
    F_POST_DATE_GMT,
    F_POST_NAME,
    F_STATUS,
    F_POST_TYPE,
    F_ATT_URL,
    F_IMAGE_ALT,
    F_POST_ID,
    F_POST_PARENT,
    F_META_KEY,
    F_META_VALUE,
    F_LOGIN,
    F_DISPLAY,
    F_TERM_SLUG,
    F_TERM_NAME,
    F_TERM_PARENT,
    F_VERSION,
    F_ITEM_TERM, /* <category> inside an item */
    F_PUB_DATE,
    NFIELDS,
    F_NONE = -1,
};

static const char *const field_names[NFIELDS] = {
    "title",
    "link",
    "guid",
    "dc:creator",
    "content:encoded",
    "excerpt:encoded",
    "wp:post_date",
    "wp:post_date_gmt",
    "wp:post_name",
    "wp:status",
    "wp:post_type",
    "wp:attachment_url",
    "_wp_attachment_image_alt",
    "wp:post_id",
    "wp:post_parent",
    "wp:meta_key",
    "wp:meta_value",
    "wp:author_login",
    "wp:author_display_name",
    "slug",
    "name",
    "parent",
    "wp:wxr_version",
    "category",
};

enum ns { NS_NONE, NS_WP, NS_EXCERPT, NS_CONTENT, NS_DC, NS_OTHER };

/* The prolog watcher's states (io_read). */
enum prolog { P_TEXT, P_LT, P_BANG, P_BANG_DASH, P_COMMENT, P_PI, P_DONE };

struct kb_wxr_reader {
    xmlTextReaderPtr x;
    /* input */
    int fd; /* -1 for memory */
    const unsigned char *mem;
    size_t mem_n, mem_pos;
    uint64_t bytes_in, size;
    uint64_t newlines; /* in the bytes read so far: the file's last line once at EOF */
    bool eof;          /* the read callback reached the end of the input */
    enum prolog pstate;
    int pdashes;
    bool pq;          /* P_PI: the last byte was '?' */
    bool refused_dtd; /* io_read saw <!DOCTYPE */
    /* errors */
    bool failed;
    struct kb_diag err;
    char xml_msg[200];
    unsigned long xml_line;
    int xml_level;
    /* document state */
    bool seen_root, seen_channel, done;
    bool root_closed; /* </rss> was read: what follows is extra, not a cut-off file */
    char version[16];
    bool version_seen;
    enum kb_wxr_kind open; /* entry being read, KB_WXR_END when none */
    unsigned long open_line;
    bool in_meta;
    enum fid cur;
    int cap_depth;
    bool term_is_cat, term_is_tag;
    int64_t thumbnail_id;
    struct kb_buf f[NFIELDS];
    struct kb_buf terms; /* item terms: NUL-separated strings */
    size_t cat_slug[KB_WXR_MAX_ITEM_TERMS], cat_name[KB_WXR_MAX_ITEM_TERMS];
    size_t tag_off[KB_WXR_MAX_ITEM_TERMS];
    size_t ncats, ntags;
    struct kb_buf pending_slug; /* nicename attribute of the <category> being read */
    const char *too_big;
};

/* ---- input ------------------------------------------------------------------------- */

/* Watch the bytes before the first element: a '<!' that does not open a comment is a
 * document type declaration (or invalid), refused before libxml2 parses it. */
static bool prolog_ok(struct kb_wxr_reader *r, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n && r->pstate != P_DONE; i++) {
        unsigned char c = p[i];
        switch (r->pstate) {
        case P_TEXT:
            if (c == '<')
                r->pstate = P_LT;
            else if (c == 0)
                return false; /* UTF-16 or binary: not what WordPress writes */
            break;
        case P_LT:
            r->pstate = c == '?' ? P_PI : c == '!' ? P_BANG : P_DONE;
            r->pq = false;
            break;
        case P_BANG:
            if (c != '-')
                return false;
            r->pstate = P_BANG_DASH;
            break;
        case P_BANG_DASH:
            if (c != '-')
                return false;
            r->pstate = P_COMMENT;
            r->pdashes = 0;
            break;
        case P_COMMENT:
            if (c == '>' && r->pdashes >= 2)
                r->pstate = P_TEXT;
            r->pdashes = c == '-' ? r->pdashes + 1 : 0;
            break;
        case P_PI:
            if (c == '>' && r->pq)
                r->pstate = P_TEXT;
            r->pq = c == '?';
            break;
        case P_DONE:
            break;
        }
    }
    return true;
}

static int io_read(void *ctx, char *buf, int len)
{
    struct kb_wxr_reader *r = ctx;
    size_t got = 0;
    if (r->fd >= 0) {
        ssize_t k;
        do
            k = read(r->fd, buf, (size_t)len);
        while (k < 0 && errno == EINTR);
        if (k < 0)
            return -1;
        got = (size_t)k;
    } else {
        got = r->mem_n - r->mem_pos;
        if (got > (size_t)len)
            got = (size_t)len;
        memcpy(buf, r->mem + r->mem_pos, got);
        r->mem_pos += got;
    }
    if (r->pstate != P_DONE && !prolog_ok(r, (const unsigned char *)buf, got)) {
        r->refused_dtd = true;
        return -1;
    }
    r->bytes_in += got;
    if (got == 0)
        r->eof = true;
    for (const char *p = buf, *end = buf + got; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        r->newlines++;
    return (int)got;
}

static int io_close(void *ctx)
{
    (void)ctx;
    return 0;
}

/* Never load anything the document names (external entities, DTDs). */
static xmlParserInputPtr refuse_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
    struct kb_wxr_reader *r = ctx;
    if (!e || e->level < XML_ERR_ERROR || e->domain == XML_FROM_NAMESPACE)
        return; /* warnings and namespace URI complaints do not stop a WordPress import */
    if (r->xml_msg[0] && r->xml_level >= (int)e->level)
        return; /* keep the first of the most severe */
    snprintf(r->xml_msg, sizeof(r->xml_msg), "%s", e->message ? e->message : "parser error");
    size_t n = strlen(r->xml_msg);
    while (n && (r->xml_msg[n - 1] == '\n' || r->xml_msg[n - 1] == ' '))
        r->xml_msg[--n] = '\0';
    for (char *c = r->xml_msg; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    if (r->xml_msg[0] >= 'A' && r->xml_msg[0] <= 'Z')
        r->xml_msg[0] = (char)(r->xml_msg[0] - 'A' + 'a');
    r->xml_line = (unsigned long)(e->line > 0 ? e->line : 0);
    r->xml_level = (int)e->level;
}

static void reset_doc(struct kb_wxr_reader *r)
{
    r->pstate = P_TEXT;
    r->pdashes = 0;
    r->pq = false;
    r->refused_dtd = false;
    r->bytes_in = 0;
    r->newlines = 0;
    r->eof = false;
    r->mem_pos = 0;
    r->failed = false;
    kb_diag_clear(&r->err);
    r->xml_msg[0] = '\0';
    r->xml_line = 0;
    r->xml_level = 0;
    r->seen_root = r->seen_channel = r->done = r->root_closed = false;
    r->version[0] = '\0';
    r->version_seen = false;
    r->open = KB_WXR_END;
    r->in_meta = false;
    r->cur = F_NONE;
}

static int start_reader(struct kb_wxr_reader *r, struct kb_diag *d)
{
    reset_doc(r);
    xmlSetExternalEntityLoader(refuse_loader);
    r->x = xmlReaderForIO(io_read, io_close, r, NULL, NULL, XML_PARSE_NONET);
    if (!r->x)
        return kb_diag_set(d, KB_EINTERNAL, "", "libxml2 could not start a reader");
    xmlTextReaderSetStructuredErrorHandler(r->x, on_xml_error, r);
    return 0;
}

static struct kb_wxr_reader *new_reader(void)
{
    struct kb_wxr_reader *r = kb_calloc(1, sizeof(*r));
    r->fd = -1;
    for (int i = 0; i < NFIELDS; i++)
        kb_buf_init(&r->f[i], i == F_CONTENT ? KB_WXR_MAX_CONTENT : KB_WXR_MAX_FIELD);
    kb_buf_init(&r->terms, (size_t)KB_WXR_MAX_ITEM_TERMS * 2 * 1024);
    kb_buf_init(&r->pending_slug, 1024);
    return r;
}

int kb_wxr_open(const char *path, struct kb_wxr_reader **out, struct kb_diag *d)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kb_diag_set(d, KB_EIO, "", "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return kb_diag_set(d, KB_EIO, "", "cannot read %s: it is a directory", path);
    }
    struct kb_wxr_reader *r = new_reader();
    r->fd = fd;
    r->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    int rc = start_reader(r, d);
    if (rc) {
        kb_wxr_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int kb_wxr_open_mem(const void *p, size_t n, struct kb_wxr_reader **out, struct kb_diag *d)
{
    struct kb_wxr_reader *r = new_reader();
    r->mem = p;
    r->mem_n = n;
    r->size = n;
    int rc = start_reader(r, d);
    if (rc) {
        kb_wxr_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int kb_wxr_rewind(struct kb_wxr_reader *r, struct kb_diag *d)
{
    if (r->x)
        xmlFreeTextReader(r->x);
    r->x = NULL;
    if (r->fd >= 0 && lseek(r->fd, 0, SEEK_SET) != 0)
        return kb_diag_set(d, KB_EIO, "", "cannot read the file again: %s", strerror(errno));
    return start_reader(r, d);
}

void kb_wxr_close(struct kb_wxr_reader *r)
{
    if (!r)
        return;
    if (r->x)
        xmlFreeTextReader(r->x);
    if (r->fd >= 0)
        close(r->fd);
    for (int i = 0; i < NFIELDS; i++)
        kb_buf_release(&r->f[i]);
    kb_buf_release(&r->terms);
    kb_buf_release(&r->pending_slug);
    free(r);
}

const char *kb_wxr_version(const struct kb_wxr_reader *r)
{
    return r->version;
}

uint64_t kb_wxr_bytes_in(const struct kb_wxr_reader *r)
{
    return r->bytes_in;
}

uint64_t kb_wxr_size(const struct kb_wxr_reader *r)
{
    return r->size;
}

/* ---- the state machine ------------------------------------------------------------- */

static int fail(struct kb_wxr_reader *r, struct kb_diag *d, unsigned long line, const char *fmt,
                ...) KB_PRINTF(4, 5);
static int fail(struct kb_wxr_reader *r, struct kb_diag *d, unsigned long line, const char *fmt,
                ...)
{
    kb_diag_clear(&r->err);
    char msg[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    kb_diag_setl(&r->err, KB_EINVAL, line, "%s", msg);
    r->failed = true;
    if (d)
        *d = r->err;
    return KB_EINVAL;
}

/* The line of the node the reader is on (the parser itself may have read further). */
static unsigned long cur_line(struct kb_wxr_reader *r)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(r->x);
    long l = n ? xmlGetLineNo(n) : -1;
    if (l <= 0)
        l = xmlTextReaderGetParserLineNumber(r->x);
    return l > 0 ? (unsigned long)l : 0;
}

static enum ns classify(const char *uri)
{
    static const char wp[] = "http://wordpress.org/export/",
                      wps[] = "https://wordpress.org/export/";
    if (!uri || !*uri)
        return NS_NONE;
    bool http = strncmp(uri, wp, sizeof(wp) - 1) == 0;
    if (http || strncmp(uri, wps, sizeof(wps) - 1) == 0) {
        const char *p = uri + (http ? sizeof(wp) : sizeof(wps)) - 1;
        if (!isdigit((unsigned char)*p))
            return NS_OTHER;
        while (isdigit((unsigned char)*p) || *p == '.')
            p++;
        if (strcmp(p, "/") == 0)
            return NS_WP;
        if (strcmp(p, "/excerpt/") == 0)
            return NS_EXCERPT;
        return NS_OTHER;
    }
    if (strcmp(uri, "http://purl.org/rss/1.0/modules/content/") == 0)
        return NS_CONTENT;
    if (strcmp(uri, "http://purl.org/dc/elements/1.1/") == 0)
        return NS_DC;
    return NS_OTHER;
}

static bool is(enum ns have, const char *name, enum ns want, const char *local)
{
    return have == want && strcmp(name, local) == 0;
}

static bool version_valid(const char *v)
{
    const char *p = v;
    if (!isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    if (*p++ != '.' || !isdigit((unsigned char)*p))
        return false;
    while (isdigit((unsigned char)*p))
        p++;
    return *p == '\0';
}

static void begin_entry(struct kb_wxr_reader *r, enum kb_wxr_kind k)
{
    r->open = k;
    r->open_line = cur_line(r);
    for (int i = 0; i < NFIELDS; i++)
        kb_buf_reset(&r->f[i]);
    kb_buf_reset(&r->terms);
    r->ncats = r->ntags = 0;
    r->thumbnail_id = 0;
    r->too_big = NULL;
    r->in_meta = false;
    r->cur = F_NONE;
}

static void capture(struct kb_wxr_reader *r, enum fid f, int depth)
{
    r->cur = f;
    r->cap_depth = depth;
    kb_buf_reset(&r->f[f]);
}

static int64_t to_int(const struct kb_buf *b)
{
    struct kb_str s = kb_str_trim(kb_buf_str(b));
    int64_t v = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (!isdigit((unsigned char)s.p[i]) || v > INT64_MAX / 10 - 10)
            return 0;
        v = v * 10 + (s.p[i] - '0');
    }
    return v;
}

/* An element opens: decide what, if anything, it feeds. */
static int on_start(struct kb_wxr_reader *r, int depth, struct kb_diag *d)
{
    const char *name = (const char *)xmlTextReaderConstLocalName(r->x);
    enum ns ns = classify((const char *)xmlTextReaderConstNamespaceUri(r->x));
    if (!name)
        name = "";
    if (depth == 0) {
        if (!is(ns, name, NS_NONE, "rss"))
            return fail(r, d, cur_line(r),
                        "not a WordPress export: the root element is <%s>, not <rss>", name);
        r->seen_root = true;
        return 0;
    }
    if (depth == 1) {
        if (is(ns, name, NS_NONE, "channel"))
            r->seen_channel = true;
        return 0;
    }
    if (!r->seen_channel)
        return 0;
    if (depth == 2) {
        enum kb_wxr_kind k = KB_WXR_END;
        if (is(ns, name, NS_NONE, "item"))
            k = KB_WXR_ITEM;
        else if (is(ns, name, NS_WP, "author"))
            k = KB_WXR_AUTHOR;
        else if (is(ns, name, NS_WP, "category"))
            k = KB_WXR_CATEGORY;
        else if (is(ns, name, NS_WP, "tag"))
            k = KB_WXR_TAG;
        else if (is(ns, name, NS_WP, "wxr_version"))
            capture(r, F_VERSION, depth);
        if (k != KB_WXR_END) {
            if (!r->version_seen)
                return fail(r, d, cur_line(r),
                            "not a WordPress export: no wp:wxr_version before the first <%s>",
                            name);
            begin_entry(r, k);
        }
        return 0;
    }
    if (r->open == KB_WXR_END)
        return 0;
    if (depth == 3 && r->cur == F_NONE) {
        enum fid f = F_NONE;
        switch (r->open) {
        case KB_WXR_ITEM:
            if (ns == NS_NONE) {
                f = !strcmp(name, "title")     ? F_TITLE
                    : !strcmp(name, "link")    ? F_LINK
                    : !strcmp(name, "guid")    ? F_GUID
                    : !strcmp(name, "pubDate") ? F_PUB_DATE
                                               : F_NONE;
                if (!strcmp(name, "category")) {
                    xmlChar *dom = xmlTextReaderGetAttribute(r->x, BAD_CAST "domain");
                    xmlChar *nice = xmlTextReaderGetAttribute(r->x, BAD_CAST "nicename");
                    r->term_is_cat = dom && !strcmp((const char *)dom, "category");
                    r->term_is_tag = dom && !strcmp((const char *)dom, "post_tag");
                    kb_buf_reset(&r->pending_slug);
                    if (nice)
                        kb_buf_adds(&r->pending_slug, (const char *)nice);
                    xmlFree(dom);
                    xmlFree(nice);
                    f = F_ITEM_TERM;
                }
            } else if (ns == NS_DC) {
                f = !strcmp(name, "creator") ? F_CREATOR : F_NONE;
            } else if (ns == NS_CONTENT) {
                f = !strcmp(name, "encoded") ? F_CONTENT : F_NONE;
            } else if (ns == NS_EXCERPT) {
                f = !strcmp(name, "encoded") ? F_EXCERPT : F_NONE;
            } else if (ns == NS_WP) {
                static const struct {
                    const char *n;
                    enum fid f;
                } wpf[] = {
                    {"post_id", F_POST_ID},
                    {"post_date", F_POST_DATE},
                    {"post_date_gmt", F_POST_DATE_GMT},
                    {"post_name", F_POST_NAME},
                    {"status", F_STATUS},
                    {"post_type", F_POST_TYPE},
                    {"attachment_url", F_ATT_URL},
                    {"post_parent", F_POST_PARENT},
                };
                for (size_t i = 0; i < sizeof(wpf) / sizeof(wpf[0]); i++)
                    if (!strcmp(name, wpf[i].n))
                        f = wpf[i].f;
                if (!strcmp(name, "postmeta")) {
                    r->in_meta = true;
                    kb_buf_reset(&r->f[F_META_KEY]);
                    kb_buf_reset(&r->f[F_META_VALUE]);
                }
            }
            break;
        case KB_WXR_AUTHOR:
            if (ns == NS_WP)
                f = !strcmp(name, "author_login")          ? F_LOGIN
                    : !strcmp(name, "author_display_name") ? F_DISPLAY
                                                           : F_NONE;
            break;
        case KB_WXR_CATEGORY:
            if (ns == NS_WP)
                f = !strcmp(name, "category_nicename") ? F_TERM_SLUG
                    : !strcmp(name, "cat_name")        ? F_TERM_NAME
                    : !strcmp(name, "category_parent") ? F_TERM_PARENT
                                                       : F_NONE;
            break;
        case KB_WXR_TAG:
            if (ns == NS_WP)
                f = !strcmp(name, "tag_slug")   ? F_TERM_SLUG
                    : !strcmp(name, "tag_name") ? F_TERM_NAME
                                                : F_NONE;
            break;
        case KB_WXR_END:
            break;
        }
        if (f != F_NONE)
            capture(r, f, depth);
        return 0;
    }
    if (depth == 4 && r->in_meta && r->cur == F_NONE && ns == NS_WP) {
        if (!strcmp(name, "meta_key"))
            capture(r, F_META_KEY, depth);
        else if (!strcmp(name, "meta_value"))
            capture(r, F_META_VALUE, depth);
    }
    return 0;
}

static void push_term(struct kb_wxr_reader *r)
{
    struct kb_str name = kb_str_trim(kb_buf_str(&r->f[F_ITEM_TERM]));
    if (r->term_is_cat && r->ncats < KB_WXR_MAX_ITEM_TERMS) {
        r->cat_slug[r->ncats] = r->terms.n;
        kb_buf_addstr(&r->terms, kb_buf_str(&r->pending_slug));
        kb_buf_addch(&r->terms, '\0');
        r->cat_name[r->ncats] = r->terms.n;
        kb_buf_addstr(&r->terms, name);
        kb_buf_addch(&r->terms, '\0');
        if (!kb_buf_err(&r->terms))
            r->ncats++;
    } else if (r->term_is_tag && r->ntags < KB_WXR_MAX_ITEM_TERMS) {
        r->tag_off[r->ntags] = r->terms.n;
        kb_buf_addstr(&r->terms, name);
        kb_buf_addch(&r->terms, '\0');
        if (!kb_buf_err(&r->terms))
            r->ntags++;
    }
}

static const char *fs(struct kb_wxr_reader *r, enum fid f)
{
    return kb_buf_cstr(&r->f[f]);
}

static void fill_entry(struct kb_wxr_reader *r, struct kb_wxr_entry *e)
{
    memset(e, 0, sizeof(*e));
    e->kind = r->open;
    e->line = r->open_line;
    e->author.login = fs(r, F_LOGIN);
    e->author.display_name = fs(r, F_DISPLAY);
    e->term.slug = fs(r, F_TERM_SLUG);
    e->term.name = fs(r, F_TERM_NAME);
    e->term.parent = fs(r, F_TERM_PARENT);
    struct kb_wxr_item *it = &e->item;
    it->title = fs(r, F_TITLE);
    it->link = fs(r, F_LINK);
    it->guid = fs(r, F_GUID);
    it->creator = fs(r, F_CREATOR);
    it->content = fs(r, F_CONTENT);
    it->excerpt = fs(r, F_EXCERPT);
    it->post_date = fs(r, F_POST_DATE);
    it->post_date_gmt = fs(r, F_POST_DATE_GMT);
    it->post_name = fs(r, F_POST_NAME);
    it->status = fs(r, F_STATUS);
    it->post_type = fs(r, F_POST_TYPE);
    it->attachment_url = fs(r, F_ATT_URL);
    it->image_alt = fs(r, F_IMAGE_ALT);
    it->pub_date = fs(r, F_PUB_DATE);
    it->post_id = to_int(&r->f[F_POST_ID]);
    it->post_parent = to_int(&r->f[F_POST_PARENT]);
    it->thumbnail_id = r->thumbnail_id;
    const char *base = kb_buf_cstr(&r->terms);
    for (size_t i = 0; i < r->ncats; i++) {
        it->cats[i].slug = base + r->cat_slug[i];
        it->cats[i].name = base + r->cat_name[i];
        it->cats[i].parent = "";
    }
    it->ncats = r->ncats;
    for (size_t i = 0; i < r->ntags; i++)
        it->tags[i] = base + r->tag_off[i];
    it->ntags = r->ntags;
    it->too_big = r->too_big;
    if (!it->post_type[0] && e->kind == KB_WXR_ITEM)
        it->post_type = "post";
}

/* An element closes (or was empty).  Returns the kind of a finished entry, 0, or an error. */
static int on_end(struct kb_wxr_reader *r, int depth, struct kb_wxr_entry *e, struct kb_diag *d)
{
    if (r->cur != F_NONE && depth == r->cap_depth) {
        enum fid f = r->cur;
        r->cur = F_NONE;
        if (f == F_VERSION) {
            struct kb_str v = kb_str_trim(kb_buf_str(&r->f[F_VERSION]));
            snprintf(r->version, sizeof(r->version), "%.*s", (int)(v.n < 15 ? v.n : 15), v.p);
            if (!version_valid(r->version) || v.n >= 15)
                return fail(r, d, cur_line(r),
                            "not a WordPress export: invalid wp:wxr_version \"%s\"", r->version);
            r->version_seen = true;
        } else if (f == F_ITEM_TERM) {
            push_term(r);
        }
        return 0;
    }
    if (r->in_meta && depth == 3) {
        r->in_meta = false;
        struct kb_str key = kb_str_trim(kb_buf_str(&r->f[F_META_KEY]));
        if (kb_str_eqc(key, "_thumbnail_id")) {
            r->thumbnail_id = to_int(&r->f[F_META_VALUE]);
        } else if (kb_str_eqc(key, "_wp_attachment_image_alt")) {
            kb_buf_reset(&r->f[F_IMAGE_ALT]);
            kb_buf_addstr(&r->f[F_IMAGE_ALT], kb_buf_str(&r->f[F_META_VALUE]));
        }
        return 0;
    }
    if (depth == 2 && r->open != KB_WXR_END) {
        fill_entry(r, e);
        r->open = KB_WXR_END;
        return e->kind;
    }
    return 0;
}

static int on_text(struct kb_wxr_reader *r, int depth, struct kb_diag *d)
{
    if (r->cur == F_NONE || depth <= r->cap_depth)
        return 0;
    const char *v = (const char *)xmlTextReaderConstValue(r->x);
    if (!v)
        return 0;
    /* libxml2 2.9 lets some invalid sequences (overlong forms) through in CDATA */
    if (!kb_utf8_valid(v, strlen(v)))
        return fail(r, d, cur_line(r), "malformed XML: invalid UTF-8 in %s", field_names[r->cur]);
    struct kb_buf *b = &r->f[r->cur];
    kb_buf_adds(b, v);
    if (kb_buf_err(b) && !r->too_big && r->open == KB_WXR_ITEM && r->cur != F_META_VALUE)
        r->too_big = field_names[r->cur];
    return 0;
}

static int xml_error(struct kb_wxr_reader *r, struct kb_diag *d)
{
    if (r->refused_dtd)
        return fail(r, d, r->xml_line ? r->xml_line : 1,
                    "a document type declaration (<!DOCTYPE>) is refused: WordPress exports "
                    "have none, and it is where entities that expand without bound are declared");
    if (r->bytes_in == 0 && (r->fd >= 0 || r->mem_n == 0))
        return fail(r, d, 1, "not a WordPress export: the file is empty");
    /* A file that stops inside the export (the error is on its last line and </rss> was
     * never read): libxml2's reader then says "extra content at the end of the document"
     * or whatever the cut left; say what a user can act on.  msg is cut to the diag's size
     * by fail(). */
    char msg[480];
    bool cut = r->seen_root && !r->root_closed &&
               ((r->eof && r->xml_line >= r->newlines) || strstr(r->xml_msg, "remature end"));
    if (cut)
        snprintf(msg, sizeof(msg), "the file ends before the export does (truncated?): %s",
                 r->xml_msg);
    else
        snprintf(msg, sizeof(msg), "malformed XML: %s", r->xml_msg[0] ? r->xml_msg : "parse error");
    return fail(r, d, r->xml_line ? r->xml_line : cur_line(r), "%s", msg);
}

int kb_wxr_next(struct kb_wxr_reader *r, struct kb_wxr_entry *e, struct kb_diag *d)
{
    if (r->failed) {
        if (d)
            *d = r->err;
        return r->err.code;
    }
    if (r->done)
        return KB_WXR_END;
    for (;;) {
        int ret = xmlTextReaderRead(r->x);
        if (ret < 0 || (ret == 0 && (r->xml_msg[0] || r->refused_dtd)))
            return xml_error(r, d);
        if (ret == 0) {
            r->done = true;
            if (!r->seen_root)
                return fail(r, d, cur_line(r), "not a WordPress export: the file is empty");
            if (!r->seen_channel)
                return fail(r, d, cur_line(r), "not a WordPress export: no <channel>");
            if (!r->version_seen)
                return fail(r, d, cur_line(r), "not a WordPress export: no wp:wxr_version");
            return KB_WXR_END;
        }
        int type = xmlTextReaderNodeType(r->x);
        int depth = xmlTextReaderDepth(r->x);
        int rc = 0;
        switch (type) {
        case XML_READER_TYPE_DOCUMENT_TYPE:
        case XML_READER_TYPE_ENTITY_REFERENCE:
        case XML_READER_TYPE_ENTITY:
            return fail(r, d, cur_line(r),
                        "a document type declaration or entity is refused in a WordPress "
                        "export");
        case XML_READER_TYPE_ELEMENT:
            rc = on_start(r, depth, d);
            if (rc == 0 && xmlTextReaderIsEmptyElement(r->x))
                rc = on_end(r, depth, e, d);
            break;
        case XML_READER_TYPE_END_ELEMENT:
            if (depth == 0)
                r->root_closed = true;
            rc = on_end(r, depth, e, d);
            break;
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_WHITESPACE:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
            rc = on_text(r, depth, d);
            break;
        default:
            break;
        }
        if (rc != 0)
            return rc;
    }
}

/* ---- items as articles ------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void kb_wxr_percent_decode(struct kb_buf *out, const char *s)
{
    for (; *s; s++) {
        int hi, lo;
        if (s[0] == '%' && (hi = hexval(s[1])) >= 0 && (lo = hexval(s[2])) >= 0) {
            kb_buf_addch(out, (char)(hi * 16 + lo));
            s += 2;
        } else {
            kb_buf_addch(out, *s);
        }
    }
}

/* Append `s` as one line of plain text: tags removed, the common entities decoded, runs of
 * white space and control characters made one space, trimmed. */
static void plain_text(struct kb_buf *out, const char *s)
{
    static const struct {
        const char *e, *c;
    } ents[] = {{"&amp;", "&"},
                {"&lt;", "<"},
                {"&gt;", ">"},
                {"&quot;", "\""},
                {"&#39;", "'"},
                {"&#039;", "'"},
                {"&nbsp;", " "},
                {"&#8217;", "\xe2\x80\x99"},
                {"&#8216;", "\xe2\x80\x98"},
                {"&#8220;", "\xe2\x80\x9c"},
                {"&#8221;", "\xe2\x80\x9d"},
                {"&#8211;", "\xe2\x80\x93"},
                {"&#8212;", "\xe2\x80\x94"},
                {"&#8230;", "\xe2\x80\xa6"}};
    size_t start = out->n;
    bool space = true; /* drop leading space */
    while (*s) {
        unsigned char c = (unsigned char)*s;
        if (c == '<') {
            const char *gt = strchr(s, '>');
            if (gt) {
                s = gt + 1;
                if (!space) {
                    kb_buf_addch(out, ' ');
                    space = true;
                }
                continue;
            }
        }
        if (c == '&') {
            bool hit = false;
            for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]) && !hit; i++) {
                size_t n = strlen(ents[i].e);
                if (strncmp(s, ents[i].e, n) == 0) {
                    if (ents[i].c[0] == ' ') {
                        if (!space)
                            kb_buf_addch(out, ' ');
                        space = true;
                    } else {
                        kb_buf_adds(out, ents[i].c);
                        space = false;
                    }
                    s += n;
                    hit = true;
                }
            }
            if (hit)
                continue;
        }
        if (c < 0x20 || c == 0x7f || c == ' ') {
            if (!space)
                kb_buf_addch(out, ' ');
            space = true;
            s++;
            continue;
        }
        if ((c == 0xe2 && (unsigned char)s[1] == 0x80 &&
             ((unsigned char)s[2] == 0xa8 || (unsigned char)s[2] == 0xa9)) || /* U+2028/9 */
            (c == 0xc2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] < 0xa0)) { /* C1 */
            s += c == 0xc2 ? 2 : 3;
            if (!space)
                kb_buf_addch(out, ' ');
            space = true;
            continue;
        }
        kb_buf_addch(out, (char)c);
        space = false;
        s++;
    }
    while (out->n > start && out->p[out->n - 1] == ' ')
        out->p[--out->n] = '\0';
}

/* A copy of plain_text(s) cut to `max` bytes at a character boundary; NULL when empty. */
static char *plain_dup(const char *s, size_t max, unsigned *notes)
{
    struct kb_buf b;
    kb_buf_init(&b, KB_WXR_MAX_CONTENT * 2);
    plain_text(&b, s);
    if (b.n > max) {
        size_t n = max;
        while (n > 0 && ((unsigned char)b.p[n] & 0xc0) == 0x80)
            n--;
        b.n = n;
        b.p[n] = '\0';
        while (b.n && b.p[b.n - 1] == ' ')
            b.p[--b.n] = '\0';
        if (notes)
            *notes |= KB_WXR_NOTE_CUT;
    }
    char *r = b.n && !kb_buf_err(&b) ? kb_strdup(kb_buf_cstr(&b)) : NULL;
    kb_buf_release(&b);
    return r;
}

/* ---- content ----------------------------------------------------------------------- */

static bool starts_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Remove <!-- wp:... --> and <!-- /wp:... -->; *blocks says whether there were any. */
static void strip_blocks(struct kb_buf *out, const char *s, bool *blocks)
{
    *blocks = false;
    while (*s) {
        if (s[0] == '<' && strncmp(s, "<!--", 4) == 0) {
            const char *p = s + 4;
            while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                p++;
            if (strncmp(p, "wp:", 3) == 0 || strncmp(p, "/wp:", 4) == 0) {
                const char *end = strstr(p, "-->");
                if (end) {
                    *blocks = true;
                    s = end + 3;
                    continue;
                }
            }
        }
        kb_buf_addch(out, *s++);
    }
}

static const char *const dropped_shortcodes[] = {"gallery", "embed",    "audio",
                                                 "video",   "playlist", "wpvideo"};

/* The shortcode name at s (just after '[' or "[/"); its length, 0 when none. */
static size_t sc_name(const char *s)
{
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '-')
        n++;
    return n;
}

/* End of the opening tag that starts at s ('['): the byte after its ']' (quotes respected),
 * or NULL. */
static const char *sc_open_end(const char *s)
{
    char q = 0;
    for (const char *p = s + 1; *p; p++) {
        if (q) {
            if (*p == q)
                q = 0;
        } else if (*p == '"' || *p == '\'') {
            q = *p;
        } else if (*p == ']') {
            return p + 1;
        } else if (*p == '[') {
            return NULL;
        }
    }
    return NULL;
}

/* caption="..." in an old-style [caption] opening tag, appended to out. */
static void sc_caption_attr(struct kb_buf *out, const char *open, const char *end)
{
    const char *p = open;
    while (p < end) {
        const char *hit = strstr(p, "caption=\"");
        if (!hit || hit >= end)
            return;
        if (hit > open && hit[-1] != ' ') {
            p = hit + 1;
            continue;
        }
        hit += 9;
        const char *q = memchr(hit, '"', (size_t)(end - hit));
        if (q)
            kb_buf_add(out, hit, (size_t)(q - hit));
        return;
    }
}

/* [caption ...]<a><img></a> text[/caption] → <figure>...<figcaption>text</figcaption></figure>.
 * Other known shortcodes are removed (their inner URL kept as a link for [embed]). */
static void shortcodes(struct kb_buf *out, const char *s, unsigned *notes)
{
    while (*s) {
        if (*s != '[' || s[1] == '[') {
            if (*s == '[' && s[1] == '[') { /* [[x]] is WordPress's escape for literal [x] */
                kb_buf_addch(out, '[');
                s += 2;
                continue;
            }
            kb_buf_addch(out, *s++);
            continue;
        }
        bool closing = s[1] == '/';
        const char *nm = s + 1 + closing;
        size_t nl = sc_name(nm);
        bool caption =
            (nl == 7 && !strncmp(nm, "caption", 7)) || (nl == 10 && !strncmp(nm, "wp_caption", 10));
        bool dropped = false;
        for (size_t i = 0; i < sizeof(dropped_shortcodes) / sizeof(dropped_shortcodes[0]); i++)
            if (nl == strlen(dropped_shortcodes[i]) && !strncmp(nm, dropped_shortcodes[i], nl))
                dropped = true;
        const char *oe = (caption || dropped) && (nm[nl] == ']' || nm[nl] == ' ' || nm[nl] == '/')
                             ? sc_open_end(s)
                             : NULL;
        if (!oe) {
            kb_buf_addch(out, *s++);
            continue;
        }
        if (closing) { /* a stray closing tag */
            s = oe;
            continue;
        }
        char close[24];
        snprintf(close, sizeof(close), "[/%.*s]", (int)nl, nm);
        const char *ce = strstr(oe, close);
        if (caption) {
            if (!ce) {
                s = oe;
                continue;
            }
            /* the image markup ends at the last "</a>" or the first img's '>' */
            const char *split = oe;
            const char *img = strstr(oe, "<img");
            if (img && img < ce) {
                const char *gt = strchr(img, '>');
                if (gt && gt < ce)
                    split = gt + 1;
                const char *a_end = strstr(split, "</a>");
                if (a_end && a_end < ce)
                    split = a_end + 4;
            }
            kb_buf_adds(out, "\n\n<figure>");
            kb_buf_add(out, oe, (size_t)(split - oe));
            struct kb_buf cap;
            kb_buf_init(&cap, KB_WXR_MAX_FIELD);
            kb_buf_add(&cap, split, (size_t)(ce - split));
            struct kb_str t = kb_str_trim(kb_buf_str(&cap));
            if (!t.n) {
                kb_buf_reset(&cap);
                sc_caption_attr(&cap, s, oe);
                t = kb_str_trim(kb_buf_str(&cap));
            }
            if (t.n) {
                kb_buf_adds(out, "<figcaption>");
                kb_buf_addstr(out, t);
                kb_buf_adds(out, "</figcaption>");
            }
            kb_buf_release(&cap);
            kb_buf_adds(out, "</figure>\n\n");
            s = ce + strlen(close);
            continue;
        }
        if (notes)
            *notes |= KB_WXR_NOTE_SHORTCODE;
        if (ce) {
            if (nl == 5 && !strncmp(nm, "embed", 5)) {
                struct kb_buf u;
                kb_buf_init(&u, KB_MAX_IMAGE_SRC);
                kb_buf_add(&u, oe, (size_t)(ce - oe));
                struct kb_str t = kb_str_trim(kb_buf_str(&u));
                if (t.n && !memchr(t.p, '<', t.n) && !memchr(t.p, '"', t.n)) {
                    kb_buf_adds(out, "<a href=\"");
                    kb_buf_addstr(out, t);
                    kb_buf_adds(out, "\">");
                    kb_buf_addstr(out, t);
                    kb_buf_adds(out, "</a>");
                }
                kb_buf_release(&u);
                s = ce + strlen(close);
                continue;
            }
        }
        s = oe; /* opening tag removed; inner content (if any) stays; the closer is stray */
    }
}

void kb_wxr_shortcodes(const char *content,
                       void (*fn)(void *ctx, const char *name, enum kb_wxr_sc what), void *ctx)
{
    for (const char *s = strchr(content, '['); s; s = strchr(s + 1, '[')) {
        if (s[1] == '[' || (s > content && s[-1] == '[')) /* [[x]]: a literal */
            continue;
        const char *nm = s + 1;
        size_t nl = sc_name(nm);
        if (nl == 0 || nl > 40 || !islower((unsigned char)nm[0]) ||
            (nm[nl] != ']' && nm[nl] != ' ' && nm[nl] != '/'))
            continue;
        const char *oe = sc_open_end(s);
        if (!oe)
            continue;
        char name[48];
        snprintf(name, sizeof(name), "%.*s", (int)nl, nm);
        enum kb_wxr_sc what = KB_WXR_SC_UNKNOWN;
        if (!strcmp(name, "caption") || !strcmp(name, "wp_caption"))
            what = KB_WXR_SC_FIGURE;
        for (size_t i = 0; i < sizeof(dropped_shortcodes) / sizeof(dropped_shortcodes[0]); i++)
            if (!strcmp(name, dropped_shortcodes[i]))
                what = KB_WXR_SC_DROPPED;
        if (what == KB_WXR_SC_UNKNOWN) {
            /* prose uses brackets too ("[1]", "[sic]"): only an attribute or a closing
             * tag makes it a shortcode */
            char close[56];
            snprintf(close, sizeof(close), "[/%s]", name);
            if (!memchr(nm + nl, '=', (size_t)(oe - (nm + nl))) && !strstr(oe, close))
                continue;
        }
        fn(ctx, name, what);
        s = oe - 1;
    }
}

static const char *const block_tags[] = {
    "p",          "div",     "h1",      "h2",       "h3",     "h4",       "h5",         "h6",
    "ul",         "ol",      "li",      "dl",       "dt",     "dd",       "blockquote", "figure",
    "figcaption", "table",   "thead",   "tbody",    "tr",     "td",       "th",         "pre",
    "hr",         "section", "article", "aside",    "header", "footer",   "address",    "form",
    "iframe",     "script",  "style",   "noscript", "object", "embed",    "video",      "audio",
    "math",       "svg",     "caption", "colgroup", "col",    "fieldset", "legend",     "hgroup",
    "details",    "summary", "menu",    "nav",      "main",   "center",   "select",     "map",
    "area",       "!--",
};

static bool starts_with_block(struct kb_str t)
{
    if (t.n < 2 || t.p[0] != '<')
        return false;
    const char *p = t.p + 1;
    if (*p == '/')
        p++;
    for (size_t i = 0; i < sizeof(block_tags) / sizeof(block_tags[0]); i++) {
        size_t n = strlen(block_tags[i]);
        if ((size_t)(t.p + t.n - p) >= n && strncasecmp(p, block_tags[i], n) == 0) {
            char c = (size_t)(t.p + t.n - p) > n ? p[n] : '>';
            if (!isalnum((unsigned char)c))
                return true;
        }
    }
    return false;
}

/* Paragraphs from blank lines, <br> from single newlines (outside tags). */
static void autop(struct kb_buf *out, const char *s)
{
    const char *p = s;
    while (*p) {
        /* a chunk ends at a blank line (a newline, optional spaces, another newline) */
        const char *end = p;
        for (;;) {
            const char *nl = strchr(end, '\n');
            if (!nl) {
                end = p + strlen(p);
                break;
            }
            const char *q = nl + 1;
            while (*q == ' ' || *q == '\t' || *q == '\r')
                q++;
            if (*q == '\n' || *q == '\0') {
                end = nl;
                break;
            }
            end = q;
        }
        struct kb_str t = kb_str_trim((struct kb_str){p, (size_t)(end - p)});
        if (t.n) {
            bool wrap = !starts_with_block(t);
            if (wrap)
                kb_buf_adds(out, "<p>");
            bool in_tag = false;
            for (size_t i = 0; i < t.n; i++) {
                char c = t.p[i];
                if (c == '<')
                    in_tag = true;
                else if (c == '>')
                    in_tag = false;
                if (c == '\r')
                    continue;
                if (c == '\n' && wrap && !in_tag)
                    kb_buf_adds(out, "<br>");
                kb_buf_addch(out, c);
            }
            kb_buf_adds(out, wrap ? "</p>\n" : "\n");
        }
        p = end;
        while (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r')
            p++;
    }
}

int kb_wxr_clean_content(const char *content, struct kb_buf *out, unsigned *notes,
                         struct kb_diag *d)
{
    struct kb_buf a, b;
    kb_buf_init(&a, KB_SANITIZE_MAX_INPUT);
    kb_buf_init(&b, KB_SANITIZE_MAX_INPUT);
    bool blocks = false;
    strip_blocks(&a, content, &blocks);
    shortcodes(&b, kb_buf_cstr(&a), notes);
    int rc = 0;
    if (kb_buf_err(&a) || kb_buf_err(&b)) {
        rc = kb_diag_set(d, KB_ETOOBIG, "content:encoded", "is longer than %zu bytes",
                         KB_SANITIZE_MAX_INPUT);
    } else if (!blocks) {
        kb_buf_reset(&a);
        autop(&a, kb_buf_cstr(&b));
        if (kb_buf_err(&a))
            rc = kb_diag_set(d, KB_ETOOBIG, "content:encoded", "is longer than %zu bytes",
                             KB_SANITIZE_MAX_INPUT);
        else
            rc = kb_html_sanitize(a.p ? a.p : "", a.n, out, d);
    } else {
        rc = kb_html_sanitize(b.p ? b.p : "", b.n, out, d);
    }
    kb_buf_release(&a);
    kb_buf_release(&b);
    return rc;
}

/* ---- the item ---------------------------------------------------------------------- */

/* "YYYY-MM-DD HH:MM:SS" as if UTC; false for "0000-00-00 ..." and anything else. */
static bool wp_time(const char *s, int64_t *out)
{
    int Y, M, D, h = 0, m = 0, sec = 0;
    char tail = 0;
    while (*s == ' ')
        s++;
    int k = sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%c", &Y, &M, &D, &h, &m, &sec, &tail);
    if (k != 3 && k != 6)
        return false;
    if (Y < 1000 || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60 || h < 0 ||
        m < 0 || sec < 0)
        return false;
    struct tm tm = {.tm_year = Y - 1900,
                    .tm_mon = M - 1,
                    .tm_mday = D,
                    .tm_hour = h,
                    .tm_min = m,
                    .tm_sec = sec};
    *out = (int64_t)timegm(&tm);
    return true;
}

/* RSS pubDate: "Thu, 05 Jan 2012 14:30:46 +0000" (the weekday optional). */
static bool rfc822_time(const char *s, int64_t *out)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *comma = strchr(s, ',');
    if (comma)
        s = comma + 1;
    int D, Y, h, m, sec = 0;
    char mon[4] = {0}, zone[8] = {0};
    if (sscanf(s, " %d %3s %d %d:%d:%d %7s", &D, mon, &Y, &h, &m, &sec, zone) < 6)
        return false;
    const char *mp = strstr(months, mon);
    if (!mon[0] || !mp || (mp - months) % 3 || Y < 1000 || D < 1 || D > 31 || h < 0 || h > 23 ||
        m < 0 || m > 59 || sec < 0 || sec > 60)
        return false;
    struct tm tm = {.tm_year = Y - 1900,
                    .tm_mon = (int)((mp - months) / 3),
                    .tm_mday = D,
                    .tm_hour = h,
                    .tm_min = m,
                    .tm_sec = sec};
    int64_t t = (int64_t)timegm(&tm);
    if ((zone[0] == '+' || zone[0] == '-') && strlen(zone) == 5) {
        int hh = (zone[1] - '0') * 10 + (zone[2] - '0'),
            mm = (zone[3] - '0') * 10 + (zone[4] - '0');
        int off = hh * 60 + mm;
        t -= (zone[0] == '-' ? -off : off) * 60;
    }
    *out = t;
    return true;
}

/* U+2028 and U+2029 are refused in stored text (article.h): write them as references. */
static void escape_separators(struct kb_buf *b)
{
    if (!b->p || (!strstr(b->p, "\xe2\x80\xa8") && !strstr(b->p, "\xe2\x80\xa9")))
        return;
    struct kb_buf o;
    kb_buf_init(&o, b->max);
    for (size_t i = 0; i < b->n; i++) {
        if ((unsigned char)b->p[i] == 0xe2 && i + 2 < b->n && (unsigned char)b->p[i + 1] == 0x80 &&
            ((unsigned char)b->p[i + 2] == 0xa8 || (unsigned char)b->p[i + 2] == 0xa9)) {
            kb_buf_adds(&o, (unsigned char)b->p[i + 2] == 0xa8 ? "&#x2028;" : "&#x2029;");
            i += 2;
        } else {
            kb_buf_addch(&o, b->p[i]);
        }
    }
    kb_buf_release(b);
    *b = o;
}

static bool slug_ok(const char *s, size_t n)
{
    if (n == 0 || n > KB_MAX_SLUG || !kb_utf8_valid(s, n))
        return false;
    if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x21 || c == 0x7f || strchr("/?#\\%", c))
            return false;
        if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
            return false;
        if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] < 0xa0)
            return false; /* C1 controls */
    }
    return true;
}

static bool image_src_ok(const char *s)
{
    return starts_ci(s, "https://") || starts_ci(s, "http://") || (s[0] == '/' && s[1] != '/');
}

static int skip(struct kb_diag *d, const char *reason)
{
    return kb_diag_set(d, KB_EINVAL, "", "%s", reason);
}

int kb_wxr_item_article(const struct kb_wxr_item *it, const char *byline,
                        const struct kb_wxr_media *image, struct kb_article *out, unsigned *notes,
                        struct kb_diag *d)
{
    unsigned dummy = 0;
    if (!notes)
        notes = &dummy;
    if (it->too_big)
        return kb_diag_set(d, KB_ETOOBIG, it->too_big, "%s over %zu bytes", it->too_big,
                           strcmp(it->too_big, "content:encoded") ? KB_WXR_MAX_FIELD
                                                                  : KB_WXR_MAX_CONTENT);
    enum kb_status st;
    const char *ws = it->status;
    if (!strcmp(ws, "publish"))
        st = KB_STATUS_PUBLISHED;
    else if (!strcmp(ws, "draft") || !*ws)
        st = KB_STATUS_DRAFT;
    else if (!strcmp(ws, "pending"))
        st = KB_STATUS_REVIEW;
    else if (!strcmp(ws, "future"))
        st = KB_STATUS_SCHEDULED;
    else if (!strcmp(ws, "private"))
        return skip(d, "private post");
    else if (!strcmp(ws, "trash"))
        return skip(d, "in the trash");
    else if (!strcmp(ws, "auto-draft"))
        return skip(d, "auto-draft");
    else
        return skip(d, "unknown status");

    int64_t gmt = 0, local = 0, published = 0;
    int offset = 0;
    bool has_gmt = wp_time(it->post_date_gmt, &gmt);
    bool has_local = wp_time(it->post_date, &local);
    if (has_gmt) {
        published = gmt;
        if (has_local) {
            int64_t off = (local - gmt) / 60;
            if (off >= -KB_MAX_OFFSET_MIN && off <= KB_MAX_OFFSET_MIN)
                offset = (int)off;
        }
    } else if (has_local && st != KB_STATUS_DRAFT && st != KB_STATUS_REVIEW) {
        published = local;
        *notes |= KB_WXR_NOTE_NO_GMT;
    }
    if ((st == KB_STATUS_PUBLISHED || st == KB_STATUS_SCHEDULED) && !published &&
        rfc822_time(it->pub_date, &published))
        *notes |= KB_WXR_NOTE_NO_GMT;
    if ((st == KB_STATUS_PUBLISHED || st == KB_STATUS_SCHEDULED) && !published) {
        st = KB_STATUS_DRAFT; /* a date WordPress would invent (now) is not invented here */
        *notes |= KB_WXR_NOTE_NO_DATE;
    }

    struct kb_buf body;
    kb_buf_init(&body, KB_MAX_BODY);
    struct kb_diag why;
    kb_diag_clear(&why);
    int rc = kb_wxr_clean_content(it->content, &body, notes, &why);
    if (rc) {
        kb_buf_release(&body);
        return rc == KB_ETOOBIG ? skip(d, "content too long") : skip(d, "bad content");
    }
    escape_separators(&body);
    struct kb_str bt = kb_str_trim(kb_buf_str(&body));
    if (bt.n == 0) {
        kb_buf_release(&body);
        return skip(d, "empty content");
    }

    struct kb_article a;
    kb_article_init(&a);
    a.status = st;
    a.published = published;
    a.published_offset = offset;
    a.body_html = kb_buf_detach(&body, NULL);
    a.headline = plain_dup(it->title, KB_MAX_HEADLINE, notes);
    if (!a.headline) {
        a.headline = kb_strdup("بلا عنوان");
        *notes |= KB_WXR_NOTE_UNTITLED;
    }
    a.lede = plain_dup(it->excerpt, KB_MAX_LEDE, notes);
    if (byline && *byline)
        a.byline = plain_dup(byline, KB_MAX_BYLINE, notes);

    struct kb_buf sl;
    kb_buf_init(&sl, KB_MAX_SLUG * 4);
    struct kb_str pn = kb_str_trim(kb_str_c(it->post_name));
    char *pnz = kb_strndup(pn.p, pn.n);
    kb_wxr_percent_decode(&sl, pnz);
    free(pnz);
    if (!kb_buf_err(&sl) && slug_ok(kb_buf_cstr(&sl), sl.n))
        a.slug = kb_strdup(kb_buf_cstr(&sl));
    else if (pn.n)
        *notes |= KB_WXR_NOTE_SLUG;
    kb_buf_release(&sl);

    /* tags: plain, non-empty, unique, capped */
    a.tags = kb_calloc(KB_MAX_TAGS, sizeof(char *));
    for (size_t i = 0; i < it->ntags; i++) {
        char *t = plain_dup(it->tags[i], KB_MAX_TAG, notes);
        bool dup = !t;
        for (size_t k = 0; k < a.ntags && !dup; k++)
            dup = strcmp(a.tags[k], t) == 0;
        if (!dup && a.ntags == KB_MAX_TAGS) {
            *notes |= KB_WXR_NOTE_CUT;
            dup = true;
        }
        if (dup)
            free(t);
        else
            a.tags[a.ntags++] = t;
    }

    if (image && image->src && image_src_ok(image->src) && strlen(image->src) <= KB_MAX_IMAGE_SRC) {
        a.image.src = kb_strdup(image->src);
        if (image->alt)
            a.image.alt = plain_dup(image->alt, KB_MAX_IMAGE_TEXT, notes);
        if (image->caption)
            a.image.caption = plain_dup(image->caption, KB_MAX_IMAGE_TEXT, notes);
    }

    struct kb_str link = kb_str_trim(kb_str_c(it->link));
    struct kb_str guid = kb_str_trim(kb_str_c(it->guid));
    if (link.n && link.n <= KB_MAX_EXTERNAL_ID && kb_utf8_valid(link.p, link.n))
        a.external_id = kb_strndup(link.p, link.n);
    else if (guid.n && guid.n <= KB_MAX_EXTERNAL_ID && kb_utf8_valid(guid.p, guid.n))
        a.external_id = kb_strndup(guid.p, guid.n);
    else if (it->post_id) {
        char buf[40];
        snprintf(buf, sizeof(buf), "wxr:%lld", (long long)it->post_id);
        a.external_id = kb_strdup(buf);
    } else { /* nothing names it: its title and date, as WordPress's post_exists() does */
        struct kb_buf k;
        kb_buf_init(&k, KB_MAX_EXTERNAL_ID);
        kb_buf_addf(&k, "wxr-title:%s|%s", a.headline, it->post_date);
        if (!kb_buf_err(&k) && kb_utf8_valid(k.p, k.n))
            a.external_id = kb_buf_detach(&k, NULL);
        kb_buf_release(&k);
    }
    kb_article_release(out);
    *out = a;
    return 0;
}
