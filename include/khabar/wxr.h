/*
 * wxr.h — reading WordPress exports (WXR 1.0, 1.1, 1.2) one entry at a time.
 *
 * Two layers.  The reader (kb_wxr_reader) streams the XML with libxml2's xmlTextReader and
 * hands out one entry at a time: an author, a category, a tag (the channel's lists) or an
 * item (a post, page, attachment or any other post type).  Memory is constant: the reader
 * holds one entry, each text field capped (KB_WXR_MAX_CONTENT for content:encoded,
 * KB_WXR_MAX_FIELD for the others), and libxml2 frees each node once it is passed.  The
 * mapping layer (kb_wxr_item_article) turns an item into a struct kb_article: status,
 * dates with the export's time zone, the slug decoded to UTF-8, the excerpt as lede and
 * content:encoded cleaned (Gutenberg block comments stripped, [caption] shortcodes made
 * figures, paragraphs made from blank lines when the post is not block content) and passed
 * through the HTML sanitizer (sanitize.h).
 *
 * Hostile input: elements are matched by namespace URI, never by prefix; no network access
 * (XML_PARSE_NONET) and an external-entity loader that refuses everything, so no file is
 * ever read on behalf of the document; entities are never substituted and any document
 * type declaration (the only place entities can be declared) is refused before its
 * content is reached, so billion-laughs documents cannot expand; XML_PARSE_HUGE is off,
 * so libxml2's own limits on names and text nodes apply as well.
 *
 * Errors are sticky: after a malformed-XML error (d->line names the line, d->msg
 * libxml2's reason) every later call returns it again.  Not thread-safe: one reader
 * belongs to one thread; kb_wxr_open installs a process-wide libxml2 entity loader that
 * refuses external entities (khabar uses libxml2 nowhere else).  See docs/wxr.md.
 */
#ifndef KHABAR_WXR_H
#define KHABAR_WXR_H

#include <stddef.h>
#include <stdint.h>
#include "khabar/article.h"
#include "khabar/err.h"

/* Caps on one text field, in bytes (UTF-8).  Over the cap the item is marked too_big. */
#define KB_WXR_MAX_CONTENT ((size_t)4 << 20)
#define KB_WXR_MAX_FIELD ((size_t)64 << 10)
/* Categories and tags kept per item (more are ignored). */
#define KB_WXR_MAX_ITEM_TERMS 64

enum kb_wxr_kind {
    KB_WXR_END = 0,
    KB_WXR_AUTHOR,   /* wp:author in the channel */
    KB_WXR_CATEGORY, /* wp:category in the channel */
    KB_WXR_TAG,      /* wp:tag in the channel */
    KB_WXR_ITEM,     /* item: post, page, attachment, ... (post_type says) */
};

struct kb_wxr_term {
    const char *slug;   /* nicename as written (may be percent-encoded); "" when absent */
    const char *name;   /* display name */
    const char *parent; /* category_parent slug, "" when none (tags: always "") */
};

struct kb_wxr_author {
    const char *login;
    const char *display_name;
};

struct kb_wxr_item {
    const char *title, *link, *guid, *creator;
    const char *content;       /* content:encoded as written */
    const char *excerpt;       /* excerpt:encoded */
    const char *post_date;     /* "YYYY-MM-DD HH:MM:SS" in the site's time zone */
    const char *post_date_gmt; /* the same in UTC; "0000-00-00 00:00:00" for drafts */
    const char *post_name;     /* slug, percent-encoded when not ASCII */
    const char *status;        /* publish, draft, pending, future, private, trash, inherit */
    const char *post_type;     /* post, page, attachment, nav_menu_item, ... */
    const char *attachment_url;
    const char *image_alt; /* postmeta _wp_attachment_image_alt */
    const char *pub_date;  /* RSS pubDate, "Thu, 05 Jan 2012 14:30:46 +0000" */
    int64_t post_id, post_parent;
    int64_t thumbnail_id;                           /* postmeta _thumbnail_id, 0 when none */
    struct kb_wxr_term cats[KB_WXR_MAX_ITEM_TERMS]; /* <category domain="category"> */
    size_t ncats;
    const char *tags[KB_WXR_MAX_ITEM_TERMS]; /* <category domain="post_tag">: names */
    size_t ntags;
    const char *too_big; /* the field that went over its cap, NULL when none */
};

/* One entry; the strings (never NULL, "" when absent) are valid until the next call. */
struct kb_wxr_entry {
    enum kb_wxr_kind kind;
    unsigned long line; /* where the entry's element starts */
    struct kb_wxr_author author;
    struct kb_wxr_term term; /* KB_WXR_CATEGORY, KB_WXR_TAG */
    struct kb_wxr_item item;
};

struct kb_wxr_reader;

/* Open a file.  KB_EIO when it cannot be opened (the message names the path and reason). */
KB_MUST_CHECK int kb_wxr_open(const char *path, struct kb_wxr_reader **out, struct kb_diag *d);
/* The same over `n` bytes at `p`, which must outlive the reader (tests, fuzzers). */
KB_MUST_CHECK int kb_wxr_open_mem(const void *p, size_t n, struct kb_wxr_reader **out,
                                  struct kb_diag *d);
/* Start again from the first byte (a second pass).  KB_EIO when the file cannot be read. */
KB_MUST_CHECK int kb_wxr_rewind(struct kb_wxr_reader *r, struct kb_diag *d);
void kb_wxr_close(struct kb_wxr_reader *r); /* NULL is a no-op */

/* The next entry: returns its kind (> 0) and fills *e; KB_WXR_END (0) at the end of the
 * document; or KB_EINVAL with d->line and d->msg for malformed XML ("line 14: premature
 * end of data in tag item"), a document that is not a WordPress export (root not rss, no
 * channel), a missing or invalid wp:wxr_version (checked when the first entry or the end
 * is reached), or a document type declaration. */
KB_MUST_CHECK int kb_wxr_next(struct kb_wxr_reader *r, struct kb_wxr_entry *e, struct kb_diag *d);

/* wp:wxr_version as read ("1.2"), "" before it is seen. */
const char *kb_wxr_version(const struct kb_wxr_reader *r);
/* Bytes of input consumed so far, and the input's size (0 when unknown): progress bars. */
uint64_t kb_wxr_bytes_in(const struct kb_wxr_reader *r);
uint64_t kb_wxr_size(const struct kb_wxr_reader *r);

/* ---- items as articles ------------------------------------------------------------- */

/* The featured image an item points at (its _thumbnail_id attachment). */
struct kb_wxr_media {
    const char *src;     /* attachment_url */
    const char *alt;     /* _wp_attachment_image_alt */
    const char *caption; /* the attachment's excerpt (WordPress keeps captions there) */
};

/* Things worth a warning that did not stop the item. */
enum {
    KB_WXR_NOTE_SHORTCODE = 1 << 0, /* a shortcode other than [caption] was left out */
    KB_WXR_NOTE_NO_GMT = 1 << 1,    /* no post_date_gmt: post_date taken as UTC */
    KB_WXR_NOTE_UNTITLED = 1 << 2,  /* no title: "بلا عنوان" */
    KB_WXR_NOTE_CUT = 1 << 3,       /* lede or tags cut to their caps */
    KB_WXR_NOTE_SLUG = 1 << 4,      /* post_name unusable as a slug: made from the headline */
    KB_WXR_NOTE_NO_DATE = 1 << 5,   /* published or future without any date: a draft */
};

/* Decode %XX escapes of `s` into `out` (WordPress percent-encodes non-ASCII slugs);
 * invalid escapes are kept as written.  The result may be invalid UTF-8: check it. */
void kb_wxr_percent_decode(struct kb_buf *out, const char *s);

/* Clean content:encoded into sanitized body HTML, appended to `out`: Gutenberg block
 * comments removed; [caption ...]<img/> text[/caption] becomes <figure><img/><figcaption>
 * text</figcaption></figure>; other WordPress shortcodes ([gallery], [embed], [audio],
 * [video], [playlist]) are removed (*notes gets KB_WXR_NOTE_SHORTCODE); content without
 * block comments gets paragraphs from blank lines and <br> from single newlines (WordPress's
 * wpautop, simplified); then kb_html_sanitize.  *notes may be NULL. */
KB_MUST_CHECK int kb_wxr_clean_content(const char *content, struct kb_buf *out, unsigned *notes,
                                       struct kb_diag *d);

/* The shortcodes of content:encoded, for an import's report: fn is called once per opening
 * tag with its name and what kb_wxr_clean_content does with it.  Unknown names are only
 * those shaped [a-z][a-z0-9_-]* with an attribute or a closing tag, so brackets in prose
 * ("[1]", "[sic]") are not counted; [[x]] is a literal. */
enum kb_wxr_sc {
    KB_WXR_SC_FIGURE,  /* [caption], [wp_caption]: made a figure */
    KB_WXR_SC_DROPPED, /* [gallery], [embed], [audio], [video], [playlist], [wpvideo] */
    KB_WXR_SC_UNKNOWN, /* anything else: left in the text as written */
};
void kb_wxr_shortcodes(const char *content,
                       void (*fn)(void *ctx, const char *name, enum kb_wxr_sc what), void *ctx);

/* Map a post or page to an article.  `byline` (the author's display name, may be NULL),
 * `image` (may be NULL).  Sets headline, slug (decoded; NULL when unusable), status,
 * published/published_offset (post_date_gmt, with the offset post_date - post_date_gmt;
 * else the RSS pubDate; none for drafts without a date; a published or future item
 * without any date becomes a draft, KB_WXR_NOTE_NO_DATE), lede (excerpt as plain text), body_html,
 * byline, tags, image, external_id (link, else guid, else "wxr:<post_id>", else
 * "wxr-title:<headline>|<post_date>"); section is left to the
 * caller.  Returns 0, or KB_EINVAL with a short reason in d->msg for an item that is not
 * imported: "private post", "in the trash", "auto-draft", "empty content", "content over
 * 4 MiB".  U+2028/U+2029 in the body are written as character references.  `out` must be
 * initialized; it is replaced. */
KB_MUST_CHECK int kb_wxr_item_article(const struct kb_wxr_item *it, const char *byline,
                                      const struct kb_wxr_media *image, struct kb_article *out,
                                      unsigned *notes, struct kb_diag *d);

#endif
