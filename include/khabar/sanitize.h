/*
 * sanitize.h — the HTML allowlist every article body passes before it is stored.
 *
 * kb_html_sanitize parses its input as an HTML5 body fragment (gumbo, the same tree a
 * browser builds) and writes back only what the allowlist names:
 *
 *   blocks   p, h2, h3, blockquote, ul, ol, li, figure, figcaption
 *   inline   a[href], strong, em, br, img[src alt]   (b becomes strong, i becomes em)
 *
 * - script, style, iframe, object, embed, svg, math, template, form controls, head
 *   elements and the like are dropped with everything inside them; every other element is
 *   unwrapped (its content kept in its place);
 * - no attribute survives but a[href] and img[src, alt]; rel="noopener noreferrer nofollow"
 *   is added to links that leave the site;
 * - href: http, https, mailto, a site path ("/x", not "//host") or "#fragment"; img src:
 *   https or a site path.  Schemes are read the way a browser reads them: after entity
 *   decoding, with ASCII whitespace and control characters removed, case-insensitively.
 *   A link with another URL is unwrapped; an image without a good src is dropped;
 * - the content model is enforced so the output is stable: p, h2, h3, figcaption, a,
 *   strong and em hold inline content only (a block met inside them is unwrapped), links
 *   do not nest, ul/ol hold li only (other content is put in an li), li outside a list and
 *   figcaption outside figure are unwrapped, comments are dropped;
 * - text is escaped (&, <, >, quotes), NUL and other C0 controls but tab and newline are
 *   removed.
 *
 * Invariants (tests/unit/text/test_sanitize.c and fuzz/fuzz_sanitize.c): the output is a
 * fixed point — kb_html_sanitize(output) == output — and holds no "<script", no attribute
 * outside the allowlist (so no on...= handler) and no javascript:/data: URL.
 *
 * Thread-safe (gumbo keeps no global state).
 */
#ifndef KHABAR_SANITIZE_H
#define KHABAR_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include "khabar/buf.h"
#include "khabar/err.h"

/* Largest input accepted (bytes); larger is KB_ETOOBIG. */
#define KB_SANITIZE_MAX_INPUT ((size_t)4 << 20)
/* Elements deeper than this in the parsed tree are dropped with their content. */
#define KB_SANITIZE_MAX_DEPTH 256

/* Append the sanitized form of html[0..n) to `out`.  Fails with KB_ETOOBIG when the input
 * is larger than KB_SANITIZE_MAX_INPUT or the output passes out's cap; `out` may then hold
 * a partial result (reset it).  Any bytes are accepted: invalid UTF-8 becomes U+FFFD. */
KB_MUST_CHECK int kb_html_sanitize(const char *html, size_t n, struct kb_buf *out,
                                   struct kb_diag *d);

enum kb_url_use {
    KB_URL_LINK,  /* a[href]: http, https, mailto, site path, #fragment */
    KB_URL_IMAGE, /* img[src]: https, site path */
};

/* Is `url` (already entity-decoded, as an attribute value) allowed for `use`?  When it is,
 * the cleaned form (whitespace and controls removed) is appended to `clean` (may be NULL)
 * and *external (may be NULL) says whether it leaves the site (http/https). */
bool kb_url_allowed(const char *url, enum kb_url_use use, struct kb_buf *clean, bool *external);

#endif
