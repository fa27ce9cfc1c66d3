/*
 * feeds.c — the XML writer and the three feeds: RSS 2.0, Atom and JSON Feed 1.1.
 *
 * Invariants: the output is well-formed XML / valid JSON whatever the articles hold (every
 * string goes through kb_xml_add_text, kb_xml_add_cdata or the JSON writer); every URL is
 * absolute (base_url + site path; relative href/src in bodies are rewritten); dates are
 * RFC 822 in RSS and RFC 3339 in Atom and JSON Feed, at the offset the article was written
 * in.  Nothing is allocated but one scratch buffer per item for its absolute URL and body.
 */
#include <string.h>
#include <strings.h>
#include "khabar/feeds.h"
#include "khabar/json.h"
#include "khabar/text.h"
#include "khabar/utf8.h"
#include "render_int.h"

/* ---- the XML writer ------------------------------------------------------------------ */

/* May code point `c` appear in an XML 1.0 document? */
static bool xml_char_ok(uint32_t c)
{
    if (c < 0x20)
        return c == '\t' || c == '\n' || c == '\r';
    return c != 0xFFFE && c != 0xFFFF;
}

/* Append s[0..n) with `esc` escaping the five markup characters (text) or not (CDATA),
 * characters XML cannot carry dropped and invalid UTF-8 replaced. */
static void xml_add(struct kb_buf *b, const char *s, size_t n, bool esc)
{
    size_t start = 0, i = 0;
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch < 0x80) {
            const char *rep = NULL;
            if (esc) {
                switch (ch) {
                case '&':
                    rep = "&amp;";
                    break;
                case '<':
                    rep = "&lt;";
                    break;
                case '>':
                    rep = "&gt;";
                    break;
                case '"':
                    rep = "&quot;";
                    break;
                case '\'':
                    rep = "&apos;";
                    break;
                default:
                    break;
                }
            }
            if (rep) {
                kb_buf_add(b, s + start, i - start);
                kb_buf_adds(b, rep);
                start = i + 1;
            }
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = kb_utf8_decode(s + i, n - i, &cp);
        bool invalid = cp == KB_UTF8_REPLACEMENT && len == 1 && ch >= 0x80;
        if (invalid || !xml_char_ok(cp)) {
            kb_buf_add(b, s + start, i - start);
            if (invalid)
                kb_buf_adds(b, "\xEF\xBF\xBD");
            start = i + len;
        }
        i += len;
    }
    kb_buf_add(b, s + start, n - start);
}

void kb_xml_add_text(struct kb_buf *b, const char *s, size_t n)
{
    xml_add(b, s, n, true);
}

void kb_xml_add_cdata(struct kb_buf *b, const char *s, size_t n)
{
    kb_buf_adds(b, "<![CDATA[");
    size_t start = 0;
    for (size_t i = 0; i + 2 < n; i++) {
        if (s[i] == ']' && s[i + 1] == ']' && s[i + 2] == '>') {
            /* End this section after "]]" and start the next one with ">". */
            xml_add(b, s + start, i + 2 - start, false);
            kb_buf_adds(b, "]]><![CDATA[");
            start = i + 2;
        }
    }
    xml_add(b, s + start, n - start, false);
    kb_buf_adds(b, "]]>");
}

/* ---- dates --------------------------------------------------------------------------- */

void kb_date_rfc822(struct kb_buf *out, int64_t t, int offset_min)
{
    static const char days[] = "ThuFriSatSunMonTueWed"; /* 1970-01-01 was a Thursday */
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (offset_min > KB_MAX_OFFSET_MIN || offset_min < -KB_MAX_OFFSET_MIN)
        offset_min = 0;
    struct kb_civil c;
    kb_unix_to_civil(t, offset_min, &c);
    int64_t local = t + (int64_t)offset_min * 60;
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int wd = (int)(((day % 7) + 7) % 7);
    int m = c.month >= 1 && c.month <= 12 ? c.month - 1 : 0;
    int a = offset_min < 0 ? -offset_min : offset_min;
    kb_buf_addf(out, "%.3s, %02d %.3s %04d %02d:%02d:%02d %c%02d%02d", days + 3 * wd, c.day,
                months + 3 * m, c.year, c.hour, c.minute, (int)(((local % 60) + 60) % 60),
                offset_min < 0 ? '-' : '+', a / 60, a % 60);
}

/* ---- shared pieces ------------------------------------------------------------------- */

const char *kb_feed_image_type(const char *src)
{
    static const struct {
        const char *ext, *type;
    } tab[] = {
        {".jpg", "image/jpeg"},    {".jpeg", "image/jpeg"}, {".png", "image/png"},
        {".gif", "image/gif"},     {".webp", "image/webp"}, {".avif", "image/avif"},
        {".svg", "image/svg+xml"},
    };
    if (!src)
        return NULL;
    size_t n = strcspn(src, "?#");
    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
        size_t e = strlen(tab[i].ext);
        if (n > e && strncasecmp(src + n - e, tab[i].ext, e) == 0)
            return tab[i].type;
    }
    return NULL;
}

void kb_feed_path(struct kb_buf *out, enum kb_feed_format fmt, const char *section_slug)
{
    static const char *const names[] = {"feed.xml", "atom.xml", "feed.json"};
    kb_render_section_path(out, section_slug);
    kb_buf_adds(out, names[fmt]);
}

void kb_feed_tag_path(struct kb_buf *out, enum kb_feed_format fmt, const char *tag)
{
    static const char *const names[] = {"feed.xml", "atom.xml", "feed.json"};
    kb_render_tag_path(out, tag);
    kb_buf_adds(out, names[fmt]);
}

/* Append an absolute URL for `ref`: a site path gets base_url, "//host/x" gets "https:",
 * an http(s) URL stays. */
static void abs_url(struct kb_buf *out, const struct kb_site *site, const char *ref)
{
    if (ref[0] == '/' && ref[1] == '/')
        kb_buf_adds(out, "https:");
    else if (ref[0] == '/')
        kb_buf_adds(out, site->base_url ? site->base_url : "");
    kb_buf_adds(out, ref);
}

/* The absolute URL of the feed's HTML page (home, section or tag page). */
static void page_url(struct kb_buf *out, const struct kb_feed *f)
{
    kb_buf_adds(out, f->site->base_url ? f->site->base_url : "");
    if (f->tag) {
        kb_render_tag_path(out, f->tag);
    } else {
        kb_render_section_path(out, f->section ? f->section->slug : NULL);
    }
}

static void self_url(struct kb_buf *out, const struct kb_feed *f, enum kb_feed_format fmt)
{
    kb_buf_adds(out, f->site->base_url ? f->site->base_url : "");
    if (f->tag)
        kb_feed_tag_path(out, fmt, f->tag);
    else
        kb_feed_path(out, fmt, f->section ? f->section->slug : NULL);
}

static void item_url(struct kb_buf *out, const struct kb_site *site, const struct kb_article *a)
{
    kb_buf_adds(out, site->base_url ? site->base_url : "");
    kb_article_url(out, a);
}

/* Append body_html with every root-relative href="/..." and src="/..." made absolute. */
static void abs_body(struct kb_buf *out, const struct kb_site *site, const char *html)
{
    const char *base = site->base_url ? site->base_url : "";
    const char *p = html ? html : "";
    const char *start = p;
    for (; *p; p++) {
        size_t k;
        if (strncasecmp(p, "href=", 5) == 0)
            k = 5;
        else if (strncasecmp(p, "src=", 4) == 0)
            k = 4;
        else
            continue;
        if (p > html && p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n' && p[-1] != '\r')
            continue;
        const char *v = p + k;
        if ((*v == '"' || *v == '\'') && v[1] == '/' && v[2] != '/') {
            kb_buf_add(out, start, (size_t)(v + 1 - start));
            kb_buf_adds(out, base);
            start = v + 1;
            p = v;
        }
    }
    kb_buf_adds(out, start);
}

static bool has(const char *s)
{
    return s && *s;
}

static int64_t modified_of(const struct kb_article *a, int *off)
{
    if (a->updated > a->published) {
        *off = a->updated_offset;
        return a->updated;
    }
    *off = a->published_offset;
    return a->published;
}

/* The newest modification among the items (the feed's own date), else f->now at UTC. */
static int64_t feed_updated(const struct kb_feed *f, int *off)
{
    int64_t best = 0;
    *off = 0;
    for (size_t i = 0; i < f->n; i++) {
        int o;
        int64_t t = modified_of(&f->items[i], &o);
        if (t > best) {
            best = t;
            *off = o;
        }
    }
    return best ? best : f->now;
}

static void feed_title(struct kb_buf *out, const struct kb_feed *f, bool xml)
{
    struct kb_buf t;
    kb_buf_init(&t, 4096);
    kb_buf_adds(&t, f->site->name ? f->site->name : "");
    if (f->section) {
        kb_buf_adds(&t, " — ");
        kb_buf_adds(&t, has(f->section->name) ? f->section->name : f->section->slug);
    } else if (has(f->tag)) {
        kb_buf_adds(&t, " — ");
        kb_buf_adds(&t, f->tag);
    }
    if (xml)
        kb_xml_add_text(out, kb_buf_cstr(&t), t.n);
    else
        kb_buf_add(out, kb_buf_cstr(&t), t.n);
    kb_buf_release(&t);
}

static const char *feed_description(const struct kb_feed *f)
{
    return has(f->site->tagline) ? f->site->tagline : (f->site->name ? f->site->name : "");
}

static const char *media_type(const struct kb_feed *f, size_t i)
{
    const char *t = f->media && f->media[i].type ? f->media[i].type : NULL;
    return t ? t : kb_feed_image_type(f->items[i].image.src);
}

static int64_t media_length(const struct kb_feed *f, size_t i)
{
    return f->media ? f->media[i].length : -1;
}

static const char *section_label(const struct kb_article *a)
{
    return has(a->section.name) ? a->section.name : a->section.slug;
}

/* ---- RSS 2.0 ------------------------------------------------------------------------- */

void kb_feed_rss(struct kb_buf *out, const struct kb_feed *f)
{
    const struct kb_site *site = f->site;
    struct kb_buf u;
    kb_buf_init(&u, (size_t)4 << 20);
    int off;
    int64_t updated = feed_updated(f, &off);

    kb_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "
                     "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
                     "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>");
    feed_title(out, f, true);
    kb_buf_adds(out, "</title>\n<link>");
    page_url(&u, f);
    kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
    kb_buf_adds(out, "</link>\n<description>");
    kb_xml_adds_text(out, feed_description(f));
    kb_buf_adds(out, "</description>\n<language>");
    kb_xml_adds_text(out, kb_render_lang(site));
    kb_buf_adds(out, "</language>\n<lastBuildDate>");
    kb_date_rfc822(out, updated, off);
    kb_buf_adds(out, "</lastBuildDate>\n<generator>khabar</generator>\n<atom:link href=\"");
    kb_buf_reset(&u);
    self_url(&u, f, KB_FEED_RSS);
    kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
    kb_buf_adds(out, "\" rel=\"self\" type=\"application/rss+xml\"/>\n<image>\n<url>");
    kb_buf_reset(&u);
    abs_url(&u, site, KB_LOGO_PATH);
    kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
    kb_buf_adds(out, "</url>\n<title>");
    feed_title(out, f, true);
    kb_buf_adds(out, "</title>\n<link>");
    kb_buf_reset(&u);
    page_url(&u, f);
    kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
    kb_buf_adds(out, "</link>\n</image>\n");

    for (size_t i = 0; i < f->n; i++) {
        const struct kb_article *a = &f->items[i];
        kb_buf_reset(&u);
        item_url(&u, site, a);
        kb_buf_adds(out, "<item>\n<title>");
        kb_xml_adds_text(out, a->headline);
        kb_buf_adds(out, "</title>\n<link>");
        kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
        kb_buf_adds(out, "</link>\n<guid isPermaLink=\"true\">");
        kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
        kb_buf_adds(out, "</guid>\n");
        if (a->published) {
            kb_buf_adds(out, "<pubDate>");
            kb_date_rfc822(out, a->published, a->published_offset);
            kb_buf_adds(out, "</pubDate>\n");
        }
        if (has(a->byline)) {
            kb_buf_adds(out, "<dc:creator>");
            kb_xml_adds_text(out, a->byline);
            kb_buf_adds(out, "</dc:creator>\n");
        }
        if (has(section_label(a))) {
            kb_buf_adds(out, "<category>");
            kb_xml_adds_text(out, section_label(a));
            kb_buf_adds(out, "</category>\n");
        }
        for (size_t k = 0; k < a->ntags; k++) {
            if (!has(a->tags[k]))
                continue;
            kb_buf_adds(out, "<category>");
            kb_xml_adds_text(out, a->tags[k]);
            kb_buf_adds(out, "</category>\n");
        }
        if (has(a->lede)) {
            kb_buf_adds(out, "<description>");
            kb_xml_adds_text(out, a->lede);
            kb_buf_adds(out, "</description>\n");
        }
        if (f->full_content && has(a->body_html)) {
            kb_buf_reset(&u);
            abs_body(&u, site, a->body_html);
            kb_buf_adds(out, "<content:encoded>");
            kb_xml_add_cdata(out, kb_buf_cstr(&u), u.n);
            kb_buf_adds(out, "</content:encoded>\n");
        }
        const char *type = media_type(f, i);
        if (kb_render_src_ok(a->image.src) && type) {
            kb_buf_reset(&u);
            abs_url(&u, site, a->image.src);
            kb_buf_adds(out, "<enclosure url=\"");
            kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
            int64_t len = media_length(f, i);
            /* RSS requires a length; 0 says "unknown" (RSS Best Practices). */
            kb_buf_addf(out, "\" length=\"%lld\" type=\"", (long long)(len > 0 ? len : 0));
            kb_xml_adds_text(out, type);
            kb_buf_adds(out, "\"/>\n");
        }
        kb_buf_adds(out, "</item>\n");
    }
    kb_buf_adds(out, "</channel>\n</rss>\n");
    if (kb_buf_err(&u) && !out->err)
        out->err = kb_buf_err(&u);
    kb_buf_release(&u);
}

/* ---- Atom ---------------------------------------------------------------------------- */

static void atom_link(struct kb_buf *out, const char *rel, const char *type, const char *href,
                      int64_t length)
{
    kb_buf_adds(out, "<link rel=\"");
    kb_buf_adds(out, rel);
    kb_buf_adds(out, "\" type=\"");
    kb_xml_adds_text(out, type);
    kb_buf_adds(out, "\" href=\"");
    kb_xml_adds_text(out, href);
    kb_buf_addch(out, '"');
    if (length > 0)
        kb_buf_addf(out, " length=\"%lld\"", (long long)length);
    kb_buf_adds(out, "/>\n");
}

void kb_feed_atom(struct kb_buf *out, const struct kb_feed *f)
{
    const struct kb_site *site = f->site;
    struct kb_buf u;
    kb_buf_init(&u, (size_t)4 << 20);
    int off;
    int64_t updated = feed_updated(f, &off);

    kb_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"");
    kb_xml_adds_text(out, kb_render_lang(site));
    kb_buf_adds(out, "\">\n<id>");
    self_url(&u, f, KB_FEED_ATOM);
    kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
    kb_buf_adds(out, "</id>\n<title>");
    feed_title(out, f, true);
    kb_buf_adds(out, "</title>\n<subtitle>");
    kb_xml_adds_text(out, feed_description(f));
    kb_buf_adds(out, "</subtitle>\n");
    atom_link(out, "self", "application/atom+xml", kb_buf_cstr(&u), 0);
    kb_buf_reset(&u);
    page_url(&u, f);
    atom_link(out, "alternate", "text/html", kb_buf_cstr(&u), 0);
    kb_buf_adds(out, "<updated>");
    kb_date_iso8601(out, updated, off);
    kb_buf_adds(out, "</updated>\n<author><name>");
    kb_xml_adds_text(out, site->name);
    kb_buf_adds(out, "</name><uri>");
    kb_buf_reset(&u);
    abs_url(&u, site, "/");
    kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
    kb_buf_adds(out, "</uri></author>\n<generator>khabar</generator>\n<icon>");
    kb_buf_reset(&u);
    abs_url(&u, site, KB_LOGO_PATH);
    kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
    kb_buf_adds(out, "</icon>\n");

    for (size_t i = 0; i < f->n; i++) {
        const struct kb_article *a = &f->items[i];
        kb_buf_reset(&u);
        item_url(&u, site, a);
        kb_buf_adds(out, "<entry");
        if (has(a->language) && strcmp(a->language, kb_render_lang(site)) != 0) {
            kb_buf_adds(out, " xml:lang=\"");
            kb_xml_adds_text(out, a->language);
            kb_buf_addch(out, '"');
        }
        kb_buf_adds(out, ">\n<id>");
        kb_xml_add_text(out, kb_buf_cstr(&u), u.n);
        kb_buf_adds(out, "</id>\n<title>");
        kb_xml_adds_text(out, a->headline);
        kb_buf_adds(out, "</title>\n");
        atom_link(out, "alternate", "text/html", kb_buf_cstr(&u), 0);
        int moff;
        int64_t mod = modified_of(a, &moff);
        if (a->published) {
            kb_buf_adds(out, "<published>");
            kb_date_iso8601(out, a->published, a->published_offset);
            kb_buf_adds(out, "</published>\n");
        }
        kb_buf_adds(out, "<updated>");
        kb_date_iso8601(out, mod ? mod : f->now, mod ? moff : 0);
        kb_buf_adds(out, "</updated>\n");
        if (has(a->byline)) {
            kb_buf_adds(out, "<author><name>");
            kb_xml_adds_text(out, a->byline);
            kb_buf_adds(out, "</name></author>\n");
        }
        if (has(a->section.slug)) {
            kb_buf_adds(out, "<category term=\"");
            kb_xml_adds_text(out, a->section.slug);
            kb_buf_adds(out, "\" label=\"");
            kb_xml_adds_text(out, section_label(a));
            kb_buf_adds(out, "\"/>\n");
        }
        for (size_t k = 0; k < a->ntags; k++) {
            if (!has(a->tags[k]))
                continue;
            kb_buf_adds(out, "<category term=\"");
            kb_xml_adds_text(out, a->tags[k]);
            kb_buf_adds(out, "\"/>\n");
        }
        if (has(a->lede)) {
            kb_buf_adds(out, "<summary type=\"text\">");
            kb_xml_adds_text(out, a->lede);
            kb_buf_adds(out, "</summary>\n");
        }
        if (f->full_content && has(a->body_html)) {
            kb_buf_reset(&u);
            abs_body(&u, site, a->body_html);
            kb_buf_adds(out, "<content type=\"html\">");
            kb_xml_add_cdata(out, kb_buf_cstr(&u), u.n);
            kb_buf_adds(out, "</content>\n");
        }
        const char *type = media_type(f, i);
        if (kb_render_src_ok(a->image.src) && type) {
            kb_buf_reset(&u);
            abs_url(&u, site, a->image.src);
            atom_link(out, "enclosure", type, kb_buf_cstr(&u), media_length(f, i));
        }
        kb_buf_adds(out, "</entry>\n");
    }
    kb_buf_adds(out, "</feed>\n");
    if (kb_buf_err(&u) && !out->err)
        out->err = kb_buf_err(&u);
    kb_buf_release(&u);
}

/* ---- JSON Feed 1.1 ------------------------------------------------------------------- */

static void json_buf(struct kb_json *j, const struct kb_buf *b)
{
    kb_json_str(j, kb_buf_cstr(b), b->n);
}

void kb_feed_json(struct kb_buf *out, const struct kb_feed *f)
{
    const struct kb_site *site = f->site;
    struct kb_buf u;
    kb_buf_init(&u, (size_t)4 << 20);
    struct kb_json j;
    kb_json_init(&j, out, KB_JSON_PRETTY);
    kb_json_obj(&j);
    kb_json_key(&j, "version");
    kb_json_strc(&j, "https://jsonfeed.org/version/1.1");
    kb_json_key(&j, "title");
    feed_title(&u, f, false);
    json_buf(&j, &u);
    kb_json_key(&j, "home_page_url");
    kb_buf_reset(&u);
    page_url(&u, f);
    json_buf(&j, &u);
    kb_json_key(&j, "feed_url");
    kb_buf_reset(&u);
    self_url(&u, f, KB_FEED_JSON);
    json_buf(&j, &u);
    kb_json_key(&j, "description");
    kb_json_strc(&j, feed_description(f));
    kb_json_key(&j, "icon");
    kb_buf_reset(&u);
    abs_url(&u, site, KB_LOGO_PATH);
    json_buf(&j, &u);
    kb_json_key(&j, "language");
    kb_json_strc(&j, kb_render_lang(site));
    kb_json_key(&j, "authors");
    kb_json_arr(&j);
    kb_json_obj(&j);
    kb_json_key(&j, "name");
    kb_json_strc(&j, site->name ? site->name : "");
    kb_json_key(&j, "url");
    kb_buf_reset(&u);
    abs_url(&u, site, "/");
    json_buf(&j, &u);
    kb_json_end(&j);
    kb_json_end(&j);
    kb_json_key(&j, "items");
    kb_json_arr(&j);
    for (size_t i = 0; i < f->n; i++) {
        const struct kb_article *a = &f->items[i];
        kb_json_obj(&j);
        kb_buf_reset(&u);
        item_url(&u, site, a);
        kb_json_key(&j, "id");
        json_buf(&j, &u);
        kb_json_key(&j, "url");
        json_buf(&j, &u);
        kb_json_key(&j, "title");
        kb_json_strc(&j, a->headline ? a->headline : "");
        if (f->full_content && has(a->body_html)) {
            kb_buf_reset(&u);
            abs_body(&u, site, a->body_html);
            kb_json_key(&j, "content_html");
            json_buf(&j, &u);
        } else {
            kb_json_key(&j, "content_text");
            kb_json_strc(&j, has(a->lede) ? a->lede : (a->headline ? a->headline : ""));
        }
        if (has(a->lede)) {
            kb_json_key(&j, "summary");
            kb_json_strc(&j, a->lede);
        }
        if (kb_render_src_ok(a->image.src)) {
            kb_buf_reset(&u);
            abs_url(&u, site, a->image.src);
            kb_json_key(&j, "image");
            json_buf(&j, &u);
        }
        if (a->published) {
            kb_buf_reset(&u);
            kb_date_iso8601(&u, a->published, a->published_offset);
            kb_json_key(&j, "date_published");
            json_buf(&j, &u);
        }
        int moff;
        int64_t mod = modified_of(a, &moff);
        if (mod) {
            kb_buf_reset(&u);
            kb_date_iso8601(&u, mod, moff);
            kb_json_key(&j, "date_modified");
            json_buf(&j, &u);
        }
        if (has(a->byline)) {
            kb_json_key(&j, "authors");
            kb_json_arr(&j);
            kb_json_obj(&j);
            kb_json_key(&j, "name");
            kb_json_strc(&j, a->byline);
            kb_json_end(&j);
            kb_json_end(&j);
        }
        if (has(section_label(a)) || a->ntags) {
            kb_json_key(&j, "tags");
            kb_json_arr(&j);
            if (has(section_label(a)))
                kb_json_strc(&j, section_label(a));
            for (size_t k = 0; k < a->ntags; k++)
                if (has(a->tags[k]))
                    kb_json_strc(&j, a->tags[k]);
            kb_json_end(&j);
        }
        kb_json_key(&j, "language");
        kb_json_strc(&j, has(a->language) ? a->language : kb_render_lang(site));
        const char *type = media_type(f, i);
        if (kb_render_src_ok(a->image.src) && type) {
            kb_buf_reset(&u);
            abs_url(&u, site, a->image.src);
            kb_json_key(&j, "attachments");
            kb_json_arr(&j);
            kb_json_obj(&j);
            kb_json_key(&j, "url");
            json_buf(&j, &u);
            kb_json_key(&j, "mime_type");
            kb_json_strc(&j, type);
            if (media_length(f, i) > 0) {
                kb_json_key(&j, "size_in_bytes");
                kb_json_int(&j, media_length(f, i));
            }
            kb_json_end(&j);
            kb_json_end(&j);
        }
        kb_json_end(&j);
    }
    kb_json_end(&j);
    kb_json_end(&j);
    kb_buf_addch(out, '\n');
    if (kb_buf_err(&u) && !out->err)
        out->err = kb_buf_err(&u);
    kb_buf_release(&u);
}
