/*
 * ninjs.c — IPTC ninjs items in and out (ninjs.h, docs/ninjs.md).
 *
 * In: a file's bytes → jansson values (one item, an array, or JSON Lines) → one
 * struct kb_ninjs_item per object.  Every member is looked up under its 2.x name and then
 * its 3.x camelCase name, so one mapping reads both.  Text fields meant for one line
 * (headline, byline, source, tags, image text) are whitespace-collapsed and stripped of
 * control characters; HTML in a headline or description (contenttype text/html) is
 * reduced to its text; bodies go through the sanitizer (sanitize.h) like every stored body.
 *
 * Out: kb_ninjs_write emits only members of the 2.2 schema, with the types it requires
 * (strings, arrays of objects with "value"/"name"/"uri"), so every item validates.
 *
 * Invariants: a mapping failure leaves `out` untouched; nothing here allocates more than a
 * fixed multiple of the input (every buffer is capped at the article limits).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "khabar/ninjs.h"
#include "khabar/sanitize.h"
#include "khabar/text.h"
#include "khabar/utf8.h"

/* ---- lifecycle ------------------------------------------------------------------------- */

void kb_ninjs_item_init(struct kb_ninjs_item *it)
{
    memset(it, 0, sizeof(*it));
    kb_article_init(&it->a);
}

void kb_ninjs_item_release(struct kb_ninjs_item *it)
{
    if (!it)
        return;
    kb_article_release(&it->a);
    free(it->type);
    free(it->version);
    free(it->located);
    for (size_t i = 0; i < it->nsubjects; i++) {
        free(it->subjects[i].name);
        free(it->subjects[i].literal);
        free(it->subjects[i].uri);
        free(it->subjects[i].rel);
    }
    free(it->subjects);
    kb_ninjs_item_init(it);
}

/* ---- member access ---------------------------------------------------------------------- */

/* The member under its 2.x name, else its 3.x name (may be NULL); null counts as absent. */
static const json_t *member(const json_t *obj, const char *v2, const char *v3)
{
    const json_t *v = json_object_get(obj, v2);
    if ((!v || json_is_null(v)) && v3)
        v = json_object_get(obj, v3);
    return v && !json_is_null(v) ? v : NULL;
}

/* A string member: *out points into the JSON (NULL when absent). */
static int get_s(const json_t *obj, const char *v2, const char *v3, const char *field,
                 const char **out, struct kb_diag *d)
{
    *out = NULL;
    const json_t *v = member(obj, v2, v3);
    if (!v)
        return 0;
    if (!json_is_string(v))
        return kb_diag_set(d, KB_EINVAL, field, "must be a string");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return kb_diag_set(d, KB_EINVAL, field, "contains a NUL character");
    *out = json_string_value(v);
    return 0;
}

/* An array member of objects (absent: *out NULL). */
static int get_arr(const json_t *obj, const char *v2, const char *v3, const char *field,
                   const json_t **out, struct kb_diag *d)
{
    *out = member(obj, v2, v3);
    if (!*out)
        return 0;
    if (!json_is_array(*out))
        return kb_diag_set(d, KB_EINVAL, field, "must be an array of objects");
    for (size_t i = 0; i < json_array_size(*out); i++)
        if (!json_is_object(json_array_get(*out, i)))
            return kb_diag_set(d, KB_EINVAL, field, "item %zu is not an object", i + 1);
    return 0;
}

static int get_time(const json_t *obj, const char *v2, const char *v3, int64_t *t, int *off,
                    struct kb_diag *d)
{
    const char *s;
    int rc = get_s(obj, v2, v3, v2, &s, d);
    if (rc || !s)
        return rc;
    struct kb_diag why;
    kb_diag_clear(&why);
    rc = kb_date_parse_iso8601(s, strlen(s), 0, t, off, &why);
    if (rc)
        return kb_diag_set(d, KB_EINVAL, v2, "%s",
                           why.msg[0] ? why.msg : "is not an ISO 8601 time");
    return 0;
}

/* ---- text ----------------------------------------------------------------------------- */

static bool drop_cp(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

/* Append s as one line: runs of white space (and line breaks, U+2028/9) become one space,
 * other control characters are dropped, the ends are trimmed. */
static void add_line(struct kb_buf *out, const char *s, size_t n)
{
    bool space = false;
    size_t start = out->n;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = kb_utf8_decode(s + i, n - i, &cp);
        bool ws = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2028 ||
                  cp == 0x2029 || cp == 0xA0;
        if (ws) {
            space = out->n > start;
        } else if (!drop_cp(cp)) {
            if (space)
                kb_buf_addch(out, ' ');
            space = false;
            kb_buf_add(out, s + i, len);
        }
        i += len;
    }
}

/* The text of a little HTML (a headline or description marked text/html): tags dropped,
 * the common entities decoded. */
static void html_to_text(struct kb_buf *out, const char *s)
{
    static const struct {
        const char *ent, *ch;
    } ents[] = {{"&amp;", "&"},   {"&lt;", "<"},  {"&gt;", ">"},
                {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
    for (const char *p = s; *p;) {
        if (*p == '<') {
            const char *e = strchr(p, '>');
            if (!e)
                break;
            kb_buf_addch(out, ' ');
            p = e + 1;
            continue;
        }
        if (*p == '&') {
            bool hit = false;
            for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]) && !hit; i++) {
                size_t m = strlen(ents[i].ent);
                if (strncmp(p, ents[i].ent, m) == 0) {
                    kb_buf_adds(out, ents[i].ch);
                    p += m;
                    hit = true;
                }
            }
            if (hit)
                continue;
        }
        kb_buf_addch(out, *p++);
    }
}

static bool is_html(const char *contenttype)
{
    return contenttype && strstr(contenttype, "html") != NULL;
}

/* *dst = s as one line (NULL when it is empty), capped at `max` + 1 bytes so validation
 * reports an oversized field instead of a silent cut. */
static void set_line(char **dst, const char *s, bool html, size_t max)
{
    struct kb_buf raw, out;
    kb_buf_init(&raw, 4 * max + 64);
    kb_buf_init(&out, max + 1);
    if (html)
        html_to_text(&raw, s);
    else
        kb_buf_adds(&raw, s);
    add_line(&out, raw.p ? raw.p : "", raw.n);
    free(*dst);
    *dst = out.n ? kb_buf_detach(&out, NULL) : NULL;
    kb_buf_release(&out);
    kb_buf_release(&raw);
}

/* ---- the parts of an item ------------------------------------------------------------- */

/* The {role, contenttype, value} object of `arr` to use: the first whose role is one of
 * `roles` (NULL-terminated), else the first without a role, else the first. */
static const json_t *pick(const json_t *arr, const char *const *roles)
{
    if (!arr)
        return NULL;
    for (const char *const *r = roles; r && *r; r++) {
        for (size_t i = 0; i < json_array_size(arr); i++) {
            const json_t *o = json_array_get(arr, i);
            const json_t *role = json_object_get(o, "role");
            if (json_is_string(role) && strcmp(json_string_value(role), *r) == 0)
                return o;
        }
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *o = json_array_get(arr, i);
        if (!json_object_get(o, "role"))
            return o;
    }
    return json_array_size(arr) ? json_array_get(arr, 0) : NULL;
}

/* value and contenttype of a picked object, type-checked. */
static int value_of(const json_t *o, const char *field, const char **value, const char **ct,
                    struct kb_diag *d)
{
    *value = *ct = NULL;
    if (!o)
        return 0;
    int rc = get_s(o, "value", NULL, field, value, d);
    if (rc == 0)
        rc = get_s(o, "contenttype", "contentType", field, ct, d);
    if (rc == 0 && !*value)
        rc = kb_diag_set(d, KB_EINVAL, field, "an entry has no \"value\"");
    return rc;
}

static int headlines(const json_t *obj, struct kb_ninjs_item *it, const char **sub, bool *sub_html,
                     struct kb_diag *d)
{
    static const char *const main_roles[] = {"main", "headline", NULL};
    static const char *const sub_roles[] = {"sub", "subheadline", "subtitle", "subhead", NULL};
    const json_t *arr;
    int rc = get_arr(obj, "headlines", NULL, "headlines", &arr, d);
    if (rc)
        return rc;
    const char *v = NULL, *ct = NULL;
    if (arr) {
        if ((rc = value_of(pick(arr, main_roles), "headlines", &v, &ct, d)))
            return rc;
        /* a sub headline only when one is marked as such */
        for (const char *const *r = sub_roles; *r && !*sub; r++) {
            for (size_t i = 0; i < json_array_size(arr) && !*sub; i++) {
                const json_t *o = json_array_get(arr, i);
                const json_t *role = json_object_get(o, "role");
                const char *sct;
                if (json_is_string(role) && strcmp(json_string_value(role), *r) == 0 &&
                    (rc = value_of(o, "headlines", sub, &sct, d)) == 0)
                    *sub_html = is_html(sct);
                if (rc)
                    return rc;
            }
        }
    } else if ((rc = get_s(obj, "headline", NULL, "headline", &v, d))) { /* ninjs 1.x */
        return rc;
    }
    if (v)
        set_line(&it->a.headline, v, is_html(ct), KB_MAX_HEADLINE);
    return 0;
}

static int descriptions(const json_t *obj, struct kb_ninjs_item *it, struct kb_diag *d)
{
    static const char *const roles[] = {"summary", "abstract", "lede", "main", NULL};
    const json_t *arr;
    int rc = get_arr(obj, "descriptions", NULL, "descriptions", &arr, d);
    if (rc)
        return rc;
    const char *v = NULL, *ct = NULL;
    if (arr) {
        if ((rc = value_of(pick(arr, roles), "descriptions", &v, &ct, d)))
            return rc;
    } else {
        if ((rc = get_s(obj, "description_text", NULL, "description_text", &v, d)))
            return rc;
        if (!v && (rc = get_s(obj, "description_html", NULL, "description_html", &v, d)) == 0)
            ct = v ? "text/html" : NULL;
        if (rc)
            return rc;
    }
    if (v)
        set_line(&it->a.lede, v, is_html(ct), KB_MAX_LEDE);
    return 0;
}

/* Plain text as paragraphs: one a line, blank lines dropped, each escaped in <p>. */
static void text_paragraphs(struct kb_buf *out, const char *s)
{
    struct kb_buf para;
    kb_buf_init(&para, KB_MAX_BODY + 1);
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        kb_buf_reset(&para);
        add_line(&para, p, n);
        if (para.n) {
            kb_buf_adds(out, "<p>");
            kb_buf_add_html(out, para.p, para.n);
            kb_buf_adds(out, "</p>\n");
        }
        p += n + (nl ? 1 : 0);
    }
    kb_buf_release(&para);
}

static int bodies(const json_t *obj, struct kb_ninjs_item *it, struct kb_diag *d)
{
    const json_t *arr;
    int rc = get_arr(obj, "bodies", NULL, "bodies", &arr, d);
    if (rc)
        return rc;
    const char *v = NULL, *ct = NULL;
    if (arr) {
        const json_t *html = NULL;
        for (size_t i = 0; i < json_array_size(arr) && !html; i++) {
            const json_t *o = json_array_get(arr, i);
            const json_t *c = member(o, "contenttype", "contentType");
            if (json_is_string(c) && is_html(json_string_value(c)))
                html = o;
        }
        static const char *const roles[] = {"main", "body", NULL};
        if ((rc = value_of(html ? html : pick(arr, roles), "bodies", &v, &ct, d)))
            return rc;
    } else {
        if ((rc = get_s(obj, "body_html", NULL, "body_html", &v, d)))
            return rc;
        if (v)
            ct = "text/html";
        else if ((rc = get_s(obj, "body_text", NULL, "body_text", &v, d)))
            return rc;
    }
    if (!v)
        return 0;
    /* Text becomes paragraphs first; both then go through the sanitizer, so what is stored
     * is the sanitizer's fixed point and an export of it reads back the same. */
    struct kb_buf out, para;
    kb_buf_init(&out, KB_MAX_BODY + 1);
    kb_buf_init(&para, KB_SANITIZE_MAX_INPUT);
    if (!is_html(ct))
        text_paragraphs(&para, v);
    const char *html = is_html(ct) ? v : kb_buf_cstr(&para);
    size_t hn = is_html(ct) ? strlen(v) : para.n;
    struct kb_diag why;
    kb_diag_clear(&why);
    if (kb_buf_err(&para))
        rc = KB_ETOOBIG;
    else
        rc = kb_html_sanitize(html, hn, &out, &why);
    kb_buf_release(&para);
    if (rc)
        rc = kb_diag_set(d, rc, "bodies", "%s",
                         why.msg[0] ? why.msg : "is longer than the limit of the sanitizer");
    if (rc == 0 && kb_buf_err(&out))
        rc = kb_diag_set(d, KB_ETOOBIG, "bodies", "is longer than the limit of %zu bytes",
                         (size_t)KB_MAX_BODY);
    if (rc == 0) {
        free(it->a.body_html);
        it->a.body_html = out.n ? kb_buf_detach(&out, NULL) : NULL;
    }
    kb_buf_release(&out);
    return rc;
}

static int infosources(const json_t *obj, struct kb_ninjs_item *it, struct kb_diag *d)
{
    const json_t *arr;
    int rc = get_arr(obj, "infosources", "infoSources", "infosources", &arr, d);
    if (rc || !arr)
        return rc;
    struct kb_buf src;
    kb_buf_init(&src, 4 * KB_MAX_SOURCE);
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *name;
        if ((rc = get_s(json_array_get(arr, i), "name", NULL, "infosources", &name, d)))
            break;
        if (!name || !*name)
            continue;
        if (src.n)
            kb_buf_adds(&src, " - ");
        kb_buf_adds(&src, name);
    }
    if (rc == 0 && src.n)
        set_line(&it->a.source, src.p, false, KB_MAX_SOURCE);
    kb_buf_release(&src);
    return rc;
}

static char *dup_or_null(const char *s)
{
    return s && *s ? kb_strdup(s) : NULL;
}

static int subjects(const json_t *obj, struct kb_ninjs_item *it, struct kb_diag *d)
{
    const json_t *arr;
    int rc = get_arr(obj, "subjects", NULL, "subjects", &arr, d);
    if (rc || !arr)
        return rc;
    size_t n = json_array_size(arr);
    it->subjects = kb_calloc(n ? n : 1, sizeof(*it->subjects));
    it->a.tags = kb_calloc(KB_MAX_TAGS, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(arr, i);
        const char *name, *literal, *uri, *rel;
        if ((rc = get_s(o, "name", NULL, "subjects", &name, d)) ||
            (rc = get_s(o, "literal", NULL, "subjects", &literal, d)) ||
            (rc = get_s(o, "uri", NULL, "subjects", &uri, d)) ||
            (rc = get_s(o, "rel", NULL, "subjects", &rel, d)))
            return rc;
        struct kb_ninjs_subject *s = &it->subjects[it->nsubjects++];
        s->name = NULL;
        if (name)
            set_line(&s->name, name, false, KB_MAX_SECTION_NAME * 4);
        s->literal = dup_or_null(literal);
        s->uri = dup_or_null(uri);
        s->rel = dup_or_null(rel);
        if (!s->name)
            continue;
        bool seen = false;
        for (size_t k = 0; k < it->a.ntags && !seen; k++)
            seen = strcmp(it->a.tags[k], s->name) == 0;
        if (seen)
            continue;
        if (it->a.ntags >= KB_MAX_TAGS || strlen(s->name) > KB_MAX_TAG) {
            it->tags_dropped++;
            continue;
        }
        it->a.tags[it->a.ntags++] = kb_strdup(s->name);
    }
    return 0;
}

/* The rendition href to use from a picture: original-like names first, else the widest,
 * else the first with an href.  Accepts 2.x arrays and 1.x objects keyed by name. */
static const char *rendition_href(const json_t *r)
{
    static const char *const names[] = {"original", "baseImage", "viewImage",
                                        "highres",  "large",     "featuremedia"};
    if (!r)
        return NULL;
    const json_t *best = NULL;
    double best_w = -1;
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]) && !best; k++) {
        if (json_is_object(r)) {
            const json_t *o = json_object_get(r, names[k]);
            if (json_is_object(o) && json_is_string(json_object_get(o, "href")))
                best = o;
            continue;
        }
        for (size_t i = 0; i < json_array_size(r) && !best; i++) {
            const json_t *o = json_array_get(r, i);
            const json_t *nm = json_object_get(o, "name");
            if (json_is_string(nm) && strcmp(json_string_value(nm), names[k]) == 0 &&
                json_is_string(json_object_get(o, "href")))
                best = o;
        }
    }
    if (!best) {
        const char *key;
        const json_t *o;
        size_t i;
        if (json_is_object(r)) {
            json_object_foreach((json_t *)r, key, o)
            {
                if (!json_is_object(o) || !json_is_string(json_object_get(o, "href")))
                    continue;
                double w = json_number_value(json_object_get(o, "width"));
                if (w > best_w) {
                    best_w = w;
                    best = o;
                }
            }
        } else if (json_is_array(r)) {
            json_array_foreach(r, i, o)
            {
                if (!json_is_object(o) || !json_is_string(json_object_get(o, "href")))
                    continue;
                double w = json_number_value(json_object_get(o, "width"));
                if (w > best_w) {
                    best_w = w;
                    best = o;
                }
            }
        }
    }
    return best ? json_string_value(json_object_get(best, "href")) : NULL;
}

static bool picture_like(const json_t *o)
{
    const json_t *t = json_object_get(o, "type");
    if (json_is_string(t))
        return strcmp(json_string_value(t), "picture") == 0 ||
               strcmp(json_string_value(t), "graphic") == 0;
    return member(o, "renditions", NULL) != NULL;
}

/* The featured picture among the associations: one named like a feature image, else the
 * first picture. */
static const json_t *featured(const json_t *assoc)
{
    static const char *const names[] = {"featureimage", "featuremedia", "featured", "main",
                                        "image"};
    if (!assoc)
        return NULL;
    if (json_is_object(assoc)) { /* ninjs 1.x: {"featureimage": {...}} */
        for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
            const json_t *o = json_object_get(assoc, names[k]);
            if (json_is_object(o))
                return o;
        }
        const char *key;
        const json_t *o;
        json_object_foreach((json_t *)assoc, key,
                            o) if (json_is_object(o) && picture_like(o)) return o;
        return NULL;
    }
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        for (size_t i = 0; i < json_array_size(assoc); i++) {
            const json_t *o = json_array_get(assoc, i);
            const json_t *nm = json_object_get(o, "name");
            if (json_is_object(o) && json_is_string(nm) &&
                strcmp(json_string_value(nm), names[k]) == 0 && picture_like(o))
                return o;
        }
    }
    for (size_t i = 0; i < json_array_size(assoc); i++) {
        const json_t *o = json_array_get(assoc, i);
        if (json_is_object(o) && picture_like(o))
            return o;
    }
    return NULL;
}

static bool src_ok(const char *s)
{
    if (!s)
        return false;
    bool ok = (s[0] == '/' && s[1] != '/') || strncmp(s, "http://", 7) == 0 ||
              strncmp(s, "https://", 8) == 0;
    for (const char *p = s; ok && *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>')
            ok = false;
    return ok;
}

static int image(const json_t *obj, struct kb_ninjs_item *it, struct kb_diag *d)
{
    const json_t *assoc = member(obj, "associations", NULL);
    if (assoc && !json_is_array(assoc) && !json_is_object(assoc))
        return kb_diag_set(d, KB_EINVAL, "associations", "must be an array of objects");
    const json_t *pic = featured(assoc);
    if (!pic)
        return 0;
    const json_t *r = member(pic, "renditions", NULL);
    if (r && !json_is_array(r) && !json_is_object(r))
        return kb_diag_set(d, KB_EINVAL, "associations", "renditions must be an array");
    struct kb_image *im = &it->a.image;
    const char *href = rendition_href(r);
    if (!href) { /* a picture given by its own uri */
        const json_t *u = json_object_get(pic, "uri");
        href = json_is_string(u) ? json_string_value(u) : NULL;
    }
    size_t scheme = strlen(KB_NINJS_PATH_SCHEME);
    if (href && strncmp(href, KB_NINJS_PATH_SCHEME, scheme) == 0 && href[scheme] == '/')
        href += scheme; /* our own export's site path */
    if (src_ok(href) && strlen(href) <= KB_MAX_IMAGE_SRC)
        kb_set_str(&im->src, href);
    static const char *const hroles[] = {"main", NULL};
    static const char *const droles[] = {"caption", "summary", "main", NULL};
    const json_t *hl = member(pic, "headlines", NULL), *ds = member(pic, "descriptions", NULL);
    const char *v = NULL, *ct = NULL;
    int rc;
    if (json_is_array(hl) && (rc = value_of(pick(hl, hroles), "associations", &v, &ct, d)))
        return rc;
    if (v)
        set_line(&im->alt, v, is_html(ct), KB_MAX_IMAGE_TEXT);
    else if (json_is_string(json_object_get(pic, "headline")))
        set_line(&im->alt, json_string_value(json_object_get(pic, "headline")), false,
                 KB_MAX_IMAGE_TEXT);
    v = ct = NULL;
    if (json_is_array(ds) && (rc = value_of(pick(ds, droles), "associations", &v, &ct, d)))
        return rc;
    if (v)
        set_line(&im->caption, v, is_html(ct), KB_MAX_IMAGE_TEXT);
    else if (json_is_string(json_object_get(pic, "description_text")))
        set_line(&im->caption, json_string_value(json_object_get(pic, "description_text")), false,
                 KB_MAX_IMAGE_TEXT);
    const json_t *by = json_object_get(pic, "by");
    if (json_is_string(by))
        set_line(&im->credit, json_string_value(by), false, KB_MAX_IMAGE_TEXT);
    const json_t *cn = member(pic, "copyrightnotice", "copyrightNotice");
    if (!json_is_string(cn))
        cn = member(pic, "copyrightholder", "copyrightHolder");
    if (json_is_string(cn))
        set_line(&im->copyright, json_string_value(cn), false, KB_MAX_IMAGE_TEXT);
    return 0;
}

static int map_item(const json_t *obj, struct kb_ninjs_item *it, struct kb_diag *d)
{
    const char *s;
    int rc;
    if ((rc = get_s(obj, "uri", NULL, "uri", &s, d)))
        return rc;
    if (!s || !*kb_str_trim(kb_str_c(s)).p)
        return kb_diag_set(d, KB_EINVAL, "uri", "is required");
    if (strlen(s) > KB_MAX_EXTERNAL_ID)
        return kb_diag_set(d, KB_ETOOBIG, "uri", "is longer than %d bytes", KB_MAX_EXTERNAL_ID);
    it->a.external_id = kb_strdup(s);
    if ((rc = get_s(obj, "type", NULL, "type", &s, d)))
        return rc;
    it->type = dup_or_null(s);

    const json_t *ver = member(obj, "version", NULL);
    if (json_is_integer(ver)) {
        char num[32];
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(ver));
        it->version = kb_strdup(num);
    } else if (ver) {
        if ((rc = get_s(obj, "version", NULL, "version", &s, d)))
            return rc;
        if (strlen(s) > 64)
            return kb_diag_set(d, KB_ETOOBIG, "version", "is longer than 64 bytes");
        set_line(&it->version, s, false, 64);
    }
    if ((rc = get_time(obj, "versioncreated", "versionCreated", &it->versioncreated,
                       &it->versioncreated_offset, d)) ||
        (rc = get_time(obj, "firstcreated", "firstCreated", &it->firstcreated,
                       &it->firstcreated_offset, d)) ||
        (rc = get_time(obj, "contentcreated", "contentCreated", &it->contentcreated,
                       &it->contentcreated_offset, d)) ||
        (rc = get_time(obj, "embargoed", "embargoedUntil", &it->embargoed, &it->embargoed_offset,
                       d)))
        return rc;

    if ((rc = get_s(obj, "pubstatus", "pubStatus", "pubstatus", &s, d)))
        return rc;
    if (!s || strcmp(s, "usable") == 0)
        it->pubstatus = KB_NINJS_USABLE;
    else if (strcmp(s, "withheld") == 0)
        it->pubstatus = KB_NINJS_WITHHELD;
    else if (strcmp(s, "canceled") == 0 || strcmp(s, "cancelled") == 0)
        it->pubstatus = KB_NINJS_CANCELED;
    else
        return kb_diag_set(d, KB_EINVAL, "pubstatus",
                           "'%.40s' is not one of usable, withheld, canceled", s);

    if ((rc = get_s(obj, "language", NULL, "language", &s, d)))
        return rc;
    if (s && *s)
        kb_set_str(&it->a.language, s);
    if ((rc = get_s(obj, "by", NULL, "by", &s, d)))
        return rc;
    if (s)
        set_line(&it->a.byline, s, false, KB_MAX_BYLINE);
    if ((rc = get_s(obj, "located", NULL, "located", &s, d)))
        return rc;
    if (s)
        set_line(&it->located, s, false, KB_MAX_SOURCE);
    if (it->located && strlen(it->located) > KB_MAX_SOURCE)
        return kb_diag_set(d, KB_ETOOBIG, "located", "is longer than %d bytes", KB_MAX_SOURCE);

    const char *sub = NULL;
    bool sub_html = false;
    if ((rc = headlines(obj, it, &sub, &sub_html, d)) || (rc = descriptions(obj, it, d)) ||
        (rc = bodies(obj, it, d)) || (rc = infosources(obj, it, d)) ||
        (rc = subjects(obj, it, d)) || (rc = image(obj, it, d)))
        return rc;
    if (!it->a.lede && sub)
        set_line(&it->a.lede, sub, sub_html, KB_MAX_LEDE);
    return 0;
}

int kb_ninjs_item_from_json(const void *json_obj, struct kb_ninjs_item *out, struct kb_diag *d)
{
    const json_t *obj = json_obj;
    if (!obj || !json_is_object(obj))
        return kb_diag_set(d, KB_EINVAL, "", "a ninjs item must be a JSON object");
    struct kb_ninjs_item it;
    kb_ninjs_item_init(&it);
    int rc = map_item(obj, &it, d);
    if (rc) {
        kb_ninjs_item_release(&it);
        return rc;
    }
    kb_ninjs_item_release(out);
    *out = it;
    return 0;
}

/* ---- files ------------------------------------------------------------------------------ */

static int json_fail(const json_error_t *e, unsigned long line_base, struct kb_diag *d)
{
    enum json_error_code code = json_error_code(e);
    const char *what = code == json_error_invalid_utf8    ? "invalid UTF-8"
                       : code == json_error_duplicate_key ? "duplicate key"
                                                          : "invalid JSON";
    int rc = kb_diag_set(d, KB_EINVAL, "", "%s at column %d: %s", what, e->column, e->text);
    if (d)
        d->line = line_base + (unsigned long)(e->line > 0 ? e->line - 1 : 0);
    return rc;
}

static void file_add(struct kb_ninjs_file *f, size_t *cap, json_t *v, unsigned long line)
{
    if (f->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        f->items = kb_realloc(f->items, *cap * sizeof(*f->items));
        f->lines = kb_realloc(f->lines, *cap * sizeof(*f->lines));
    }
    f->items[f->n] = v;
    f->lines[f->n] = line;
    f->n++;
}

void kb_ninjs_file_release(struct kb_ninjs_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        json_decref(f->items[i]);
    free(f->items);
    free(f->lines);
    memset(f, 0, sizeof(*f));
}

static bool blank_bytes(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
            return false;
    return true;
}

int kb_ninjs_parse_file(const char *p, size_t n, struct kb_ninjs_file *out, struct kb_diag *d)
{
    if (n > KB_NINJS_MAX_FILE)
        return kb_diag_set(d, KB_ETOOBIG, "", "the file is larger than %zu bytes",
                           KB_NINJS_MAX_FILE);
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) { /* a BOM */
        p += 3;
        n -= 3;
    }
    if (blank_bytes(p, n))
        return kb_diag_set(d, KB_EINVAL, "", "empty file: no ninjs item");
    struct kb_ninjs_file f = {0};
    size_t cap = 0;
    json_error_t e;
    json_t *first = json_loadb(p, n, JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK, &e);
    if (!first)
        return json_fail(&e, 1, d);
    size_t used = (size_t)e.position;
    if (blank_bytes(p + used, n - used)) { /* one document: an item or an array */
        if (json_is_object(first)) {
            file_add(&f, &cap, first, 0);
        } else if (json_is_array(first)) {
            for (size_t i = 0; i < json_array_size(first); i++) {
                json_t *v = json_array_get(first, i);
                if (!json_is_object(v)) {
                    json_decref(first);
                    kb_ninjs_file_release(&f);
                    return kb_diag_set(d, KB_EINVAL, "", "item %zu of the array is not an object",
                                       i + 1);
                }
                file_add(&f, &cap, json_incref(v), 0);
            }
            json_decref(first);
            if (f.n == 0)
                return kb_diag_set(d, KB_EINVAL, "", "empty array: no ninjs item");
        } else {
            json_decref(first);
            return kb_diag_set(d, KB_EINVAL, "", "not a ninjs item, an array or JSON Lines");
        }
        *out = f;
        return 0;
    }
    json_decref(first);
    /* JSON Lines: one object a line. */
    unsigned long line = 0;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (p + i)) : n - i;
        line++;
        if (!blank_bytes(p + i, len)) {
            json_t *v = json_loadb(p + i, len, JSON_REJECT_DUPLICATES, &e);
            if (!v) {
                kb_ninjs_file_release(&f);
                return json_fail(&e, line, d);
            }
            if (!json_is_object(v)) {
                json_decref(v);
                kb_ninjs_file_release(&f);
                int rc = kb_diag_set(d, KB_EINVAL, "", "not a JSON object (one item a line)");
                if (d)
                    d->line = line;
                return rc;
            }
            file_add(&f, &cap, v, line);
        }
        i += len + 1;
    }
    *out = f;
    return 0;
}

/* ---- writing ---------------------------------------------------------------------------- */

static void w_time(struct kb_json *j, const char *key, int64_t t, int off)
{
    if (!t)
        return;
    struct kb_buf b;
    kb_buf_init(&b, 64);
    kb_date_iso8601(&b, t, off);
    kb_json_key(j, key);
    kb_json_str(j, kb_buf_cstr(&b), b.n);
    kb_buf_release(&b);
}

static void w_str(struct kb_json *j, const char *key, const char *v)
{
    if (!v || !*v)
        return;
    kb_json_key(j, key);
    kb_json_strc(j, v);
}

/* [{"role": role, "contenttype": ct, "value": v}] */
static void w_values(struct kb_json *j, const char *key, const char *role, const char *ct,
                     const char *v)
{
    if (!v || !*v)
        return;
    kb_json_key(j, key);
    kb_json_arr(j);
    kb_json_obj(j);
    w_str(j, "role", role);
    w_str(j, "contenttype", ct);
    w_str(j, "value", v);
    kb_json_end(j);
    kb_json_end(j);
}

void kb_ninjs_write(const struct kb_article *a, const struct kb_ninjs_meta *m, struct kb_json *j)
{
    kb_json_obj(j);
    w_str(j, "uri", m->uri);
    w_str(j, "type", "text");
    w_str(j, "version", m->version);
    w_time(j, "firstcreated", m->firstcreated, m->firstcreated_offset);
    w_time(j, "versioncreated", m->versioncreated, m->versioncreated_offset);
    if (m->embargoed)
        w_time(j, "embargoed", m->embargoed, m->embargoed_offset);
    else if (a->status == KB_STATUS_SCHEDULED && !m->trashed)
        w_time(j, "embargoed", a->published, a->published_offset);
    w_str(j, "pubstatus",
          m->trashed                                                             ? "canceled"
          : a->status == KB_STATUS_PUBLISHED || a->status == KB_STATUS_SCHEDULED ? "usable"
                                                                                 : "withheld");
    w_str(j, "language", a->language);
    w_values(j, "headlines", "main", "text/plain", a->headline);
    w_values(j, "descriptions", "summary", "text/plain", a->lede);
    w_values(j, "bodies", "main", "text/html", a->body_html);
    w_str(j, "by", a->byline);
    w_str(j, "located", m->located);
    if (a->source && *a->source) {
        kb_json_key(j, "infosources");
        kb_json_arr(j);
        kb_json_obj(j);
        w_str(j, "name", a->source);
        kb_json_end(j);
        kb_json_end(j);
    }
    if (a->section.name || a->ntags) {
        kb_json_key(j, "subjects");
        kb_json_arr(j);
        if (a->section.name) {
            kb_json_obj(j);
            w_str(j, "name", a->section.name);
            w_str(j, "rel", "section");
            w_str(j, "literal", a->section.slug);
            kb_json_end(j);
        }
        for (size_t i = 0; i < a->ntags; i++) {
            kb_json_obj(j);
            w_str(j, "name", a->tags[i]);
            kb_json_end(j);
        }
        kb_json_end(j);
    }
    const struct kb_image *im = &a->image;
    if (im->src || im->alt || im->caption || im->credit || im->copyright) {
        struct kb_buf uri;
        kb_buf_init(&uri, KB_MAX_EXTERNAL_ID + KB_MAX_IMAGE_SRC + 16);
        if (im->src && strncmp(im->src, "http", 4) == 0)
            kb_buf_adds(&uri, im->src);
        else
            kb_buf_addf(&uri, "%s#image", m->uri);
        kb_json_key(j, "associations");
        kb_json_arr(j);
        kb_json_obj(j);
        w_str(j, "name", "featureimage");
        w_str(j, "uri", kb_buf_cstr(&uri));
        w_str(j, "type", "picture");
        w_values(j, "headlines", "main", "text/plain", im->alt);
        w_values(j, "descriptions", "caption", "text/plain", im->caption);
        w_str(j, "by", im->credit);
        w_str(j, "copyrightnotice", im->copyright);
        if (im->src) {
            kb_json_key(j, "renditions");
            kb_json_arr(j);
            kb_json_obj(j);
            w_str(j, "name", "original");
            w_str(j, "href", im->src);
            kb_json_end(j);
            kb_json_end(j);
        }
        kb_json_end(j);
        kb_json_end(j);
        kb_buf_release(&uri);
    }
    kb_json_end(j);
}
