// feeds.test.mjs — what feed readers, crawlers and link previews get from a running
// `khabar serve`: RSS, Atom and JSON Feed (site-wide and per section) read by Debian's
// python3-feedparser and a JSON Feed 1.1 checker of our own, the sitemaps validated with
// xmllint against the sitemaps.org schemas in ../shared/data/schemas, the Google News
// sitemap's tags and 48-hour window, robots.txt, and the article page's JSON-LD and
// OpenGraph tags.
//
// The articles are imported with `khabar import jsonl` and dated relative to the real
// clock (the server's "now"): one an hour old, one two hours old, one three days old, one
// draft.  Tools that are missing fail the test with a message saying what to install.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SHARED, SKIP_SHARED, getText, pollUntil, request, run, runOk, startServer, tempWorkspace } from './helpers.mjs';

const SCHEMAS = path.join(SHARED, 'data', 'schemas');
// Debian's python3 (with python3-feedparser), not a pyenv shim that may be first on PATH.
const PY = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const HOUR = 3600 * 1000;
const NOW = Date.now();

/** ISO 8601 of epoch ms `ms` written at +03:00 (the newsroom's offset), to the second. */
function isoRiyadh(ms) {
  const local = new Date(Math.floor(ms / 1000) * 1000 + 3 * HOUR);
  return local.toISOString().replace(/\.\d{3}Z$/, '+03:00');
}

const FRESH = { headline: 'افتتاح جسر جديد فوق النهر', at: NOW - HOUR, section: 'سياسة', slug: 'fresh-bridge' };
const FRESH2 = { headline: 'ارتفاع أسعار القمح في الأسواق', at: NOW - 2 * HOUR, section: 'اقتصاد', slug: 'wheat-prices' };
const OLD = { headline: 'مهرجان الكتاب يختتم دورته', at: NOW - 72 * HOUR, section: 'سياسة', slug: 'book-fair' };
const DRAFT = { headline: 'مسودة لم تنشر بعد', at: NOW - 3 * HOUR, section: 'سياسة', slug: 'a-draft' };
const PHOTO_BYTES = 2048;

function records() {
  const rec = (a, extra = {}) =>
    JSON.stringify({
      slug: a.slug,
      headline: a.headline,
      lede: `ملخص: ${a.headline}.`,
      section: a.section,
      published: isoRiyadh(a.at),
      body_html: `<p>${a.headline} — نص الخبر مع <a href="/politics/">رابط داخلي</a> و a]]>b.</p>`,
      external_id: `e2e-${a.slug}`,
      ...extra,
    });
  return [
    rec(FRESH, { byline: 'سارة أحمد', image: { src: '/media/bridge.jpg', alt: 'الجسر' }, tags: ['جسور'] }),
    rec(FRESH2, { image: { src: 'https://cdn.example/wheat.png', alt: 'قمح' } }),
    rec(OLD, { tags: ['جسور', 'كتب'] }),
    rec(DRAFT, { status: 'draft', tags: ['جسور', 'مسودات'] }),
  ].join('\n') + '\n';
}

/** Parse `body` with feedparser; returns its view of the feed as plain JSON. */
function feedparse(body, contentType) {
  const script = `
import sys, json, calendar, feedparser
d = feedparser.parse(sys.stdin.buffer.read(), response_headers={'content-type': sys.argv[1]})
t = lambda x: calendar.timegm(x) if x else None
print(json.dumps({
  'bozo': bool(d.bozo), 'error': str(d.get('bozo_exception', '')), 'version': d.version,
  'title': d.feed.get('title'), 'link': d.feed.get('link'), 'language': d.feed.get('language'),
  'entries': [{'title': e.get('title'), 'link': e.get('link'), 'id': e.get('id'),
               'published': t(e.get('published_parsed')), 'updated': t(e.get('updated_parsed')),
               'author': e.get('author'), 'enclosures': [dict(x) for x in e.get('enclosures', [])],
               'content': [c.get('value') for c in e.get('content', [])],
               'summary': e.get('summary')} for e in d.entries]}))
`;
  const r = spawnSync(PY, ['-c', script, contentType], { input: body, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(`feedparser failed (install Debian's python3-feedparser): ${r.stderr || r.error}`);
  }
  return JSON.parse(r.stdout);
}

/** xmllint --noout [--schema XSD] on `text`; returns {ok, out}. */
function xmllint(text, xsd) {
  const args = ['--noout', ...(xsd ? ['--schema', xsd] : []), '-'];
  const r = spawnSync('xmllint', args, { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint not found (install libxml2-utils): ${r.error.message}`);
  return { ok: r.status === 0, out: r.stderr };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The JSON Feed 1.1 rules a reader relies on; returns a list of problems. */
function jsonFeedProblems(f) {
  const p = [];
  const isUrl = (u) => typeof u === 'string' && /^https?:\/\//.test(u);
  if (f.version !== 'https://jsonfeed.org/version/1.1') p.push(`version is ${f.version}`);
  if (typeof f.title !== 'string' || !f.title) p.push('title missing');
  if ('home_page_url' in f && !isUrl(f.home_page_url)) p.push('home_page_url not absolute');
  if ('feed_url' in f && !isUrl(f.feed_url)) p.push('feed_url not absolute');
  if ('author' in f) p.push('1.1 uses authors[], not author');
  if (!Array.isArray(f.items)) return [...p, 'items is not an array'];
  const ids = new Set();
  f.items.forEach((it, i) => {
    const at = `items[${i}]`;
    if (typeof it.id !== 'string' || !it.id) p.push(`${at}.id must be a non-empty string`);
    if (ids.has(it.id)) p.push(`${at}.id repeated`);
    ids.add(it.id);
    if (typeof it.content_html !== 'string' && typeof it.content_text !== 'string') {
      p.push(`${at} needs content_html or content_text`);
    }
    if ('url' in it && !isUrl(it.url)) p.push(`${at}.url not absolute`);
    if ('image' in it && !isUrl(it.image)) p.push(`${at}.image not absolute`);
    for (const k of ['date_published', 'date_modified']) {
      if (k in it && !RFC3339.test(it[k])) p.push(`${at}.${k} not RFC 3339: ${it[k]}`);
    }
    if ('authors' in it && (!Array.isArray(it.authors) || it.authors.some((a) => typeof a.name !== 'string'))) {
      p.push(`${at}.authors must be [{name}]`);
    }
    for (const [j, a] of (it.attachments || []).entries()) {
      if (!isUrl(a.url) || typeof a.mime_type !== 'string') p.push(`${at}.attachments[${j}] needs url and mime_type`);
      if ('size_in_bytes' in a && !Number.isInteger(a.size_in_bytes)) p.push(`${at}.attachments[${j}].size_in_bytes`);
    }
  });
  return p;
}

/** The <loc> values of a sitemap or sitemap index. */
function locs(xml) {
  return [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1].replaceAll('&amp;', '&'));
}

describe('feeds, sitemaps and structured data', () => {
  let ws;
  let server;
  let base;

  before(async () => {
    ws = tempWorkspace();
    fs.mkdirSync(path.join(ws.dir, 'media'));
    fs.writeFileSync(path.join(ws.dir, 'media', 'bridge.jpg'), Buffer.alloc(PHOTO_BYTES, 0xff));
    runOk(['init'], { db: ws.db });
    runOk(['import', 'jsonl', ws.file('a.jsonl', records())], { db: ws.db });
    server = await startServer(ws.db);
    base = server.base;
  });

  after(async () => {
    await server?.stop();
    ws?.cleanup();
  });

  const live = [FRESH, FRESH2, OLD]; // newest first
  const articleUrl = (a) => `${base}/${a.section === 'سياسة' ? 'politics' : 'economy'}/${a.slug}`;

  for (const [p, type, version] of [
    ['/feed.xml', 'application/rss+xml; charset=utf-8', 'rss20'],
    ['/atom.xml', 'application/atom+xml; charset=utf-8', 'atom10'],
  ]) {
    test(`${p} reads cleanly in feedparser with titles, links, dates and language`, async () => {
      const r = await request(base + p);
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], type);
      const f = feedparse(r.body, type);
      assert.equal(f.bozo, false, `feedparser bozo: ${f.error}`);
      assert.equal(f.version, version);
      assert.equal(f.title, 'خبر');
      assert.equal(f.link, `${base}/`);
      assert.equal(f.language, 'ar');
      assert.deepEqual(f.entries.map((e) => e.title), live.map((a) => a.headline), 'live articles, newest first, no draft');
      for (const [i, a] of live.entries()) {
        const e = f.entries[i];
        assert.equal(e.link, articleUrl(a));
        assert.equal(e.published, Math.floor(a.at / 1000), `${a.slug}: published time`);
        assert.match(e.content[0], /رابط داخلي/, 'full content by default');
        assert.match(e.content[0], new RegExp(`href="${base}/politics/"`), 'links in the body are absolute');
        // import jsonl sanitizes body_html, which escapes '>' in text: either form is the text "a]]>b".
        assert.match(e.content[0], /a\]\](>|&gt;)b/, '"]]>" in a body survives');
      }
      assert.equal(f.entries[0].author, 'سارة أحمد');
      assert.deepEqual(
        f.entries[0].enclosures.map((x) => [x.href, String(x.length), x.type]),
        [[`${base}/media/bridge.jpg`, String(PHOTO_BYTES), 'image/jpeg']],
        'the local photo with its real size',
      );
      assert.equal(f.entries[1].enclosures[0].href, 'https://cdn.example/wheat.png');
      const text = r.body.toString('utf8');
      if (p === '/feed.xml') assert.match(text, /<pubDate>[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0300<\/pubDate>/);
      else assert.match(text, /<published>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00<\/published>/);
      assert.equal(xmllint(text).ok, true, 'well-formed XML');
    });
  }

  test('/feed.json passes the JSON Feed 1.1 rules', async () => {
    const r = await request(`${base}/feed.json`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/feed+json; charset=utf-8');
    const f = JSON.parse(r.body.toString('utf8'));
    assert.deepEqual(jsonFeedProblems(f), []);
    assert.equal(f.title, 'خبر');
    assert.equal(f.language, 'ar');
    assert.equal(f.feed_url, `${base}/feed.json`);
    assert.deepEqual(f.items.map((i) => i.title), live.map((a) => a.headline));
    assert.deepEqual(f.items.map((i) => i.url), live.map(articleUrl));
    assert.deepEqual(f.items.map((i) => Date.parse(i.date_published)), live.map((a) => Math.floor(a.at / 1000) * 1000));
    assert.equal(f.items[0].attachments[0].size_in_bytes, PHOTO_BYTES);
    // Debian's feedparser 6.0.x has no JSON Feed parser (JSON Feed arrived in 6.1): this
    // feed is checked by jsonFeedProblems alone.
  });

  test('section feeds list only their section, and an unknown section is 404', async () => {
    for (const p of ['/economy/feed.xml', '/economy/atom.xml']) {
      const r = await request(base + p);
      assert.equal(r.status, 200, p);
      const f = feedparse(r.body, r.headers['content-type']);
      assert.equal(f.bozo, false, `${p}: ${f.error}`);
      assert.equal(f.title, 'خبر — اقتصاد');
      assert.equal(f.link, `${base}/economy/`);
      assert.deepEqual(f.entries.map((e) => e.title), [FRESH2.headline]);
    }
    const j = JSON.parse((await request(`${base}/politics/feed.json`)).body.toString('utf8'));
    assert.deepEqual(jsonFeedProblems(j), []);
    assert.deepEqual(j.items.map((i) => i.title), [FRESH.headline, OLD.headline]);
    assert.equal((await request(`${base}/no-such-section/feed.xml`)).status, 404);
  });

  test('tag feeds list the live articles carrying the tag, and the tag page links them', async () => {
    const tag = encodeURIComponent('جسور');
    for (const p of [`/tag/${tag}/feed.xml`, `/tag/${tag}/atom.xml`]) {
      const r = await request(base + p);
      assert.equal(r.status, 200, p);
      const f = feedparse(r.body, r.headers['content-type']);
      assert.equal(f.bozo, false, `${p}: ${f.error}`);
      assert.equal(f.title, 'خبر — جسور');
      assert.equal(f.link, `${base}/tag/${tag}/`);
      assert.deepEqual(f.entries.map((e) => e.title), [FRESH.headline, OLD.headline], 'newest first, no draft');
      assert.equal(f.entries[0].link, articleUrl(FRESH));
      assert.ok(r.body.toString('utf8').includes(`${base}${p}`), `${p}: its self link`);
    }
    const jr = await request(`${base}/tag/${tag}/feed.json`);
    assert.equal(jr.status, 200);
    assert.equal(jr.headers['content-type'], 'application/feed+json; charset=utf-8');
    const j = JSON.parse(jr.body.toString('utf8'));
    assert.deepEqual(jsonFeedProblems(j), []);
    assert.equal(j.feed_url, `${base}/tag/${tag}/feed.json`);
    assert.equal(j.home_page_url, `${base}/tag/${tag}/`);
    assert.deepEqual(j.items.map((i) => i.url), [FRESH, OLD].map(articleUrl));
    const k = JSON.parse((await request(`${base}/tag/${encodeURIComponent('كتب')}/feed.json`)).body.toString('utf8'));
    assert.deepEqual(k.items.map((i) => i.title), [OLD.headline]);
    // Like the tag page: a tag no live article carries (only a draft, or none) is 404.
    assert.equal((await request(`${base}/tag/${encodeURIComponent('مسودات')}/feed.xml`)).status, 404);
    assert.equal((await request(`${base}/tag/no-such-tag/atom.xml`)).status, 404);
    assert.equal((await request(`${base}/tag/${tag}/other.xml`)).status, 404);

    const page = (await getText(`${base}/tag/${tag}/`)).text;
    for (const [type, file] of [['application/rss+xml', 'feed.xml'], ['application/atom+xml', 'atom.xml'], ['application/feed+json', 'feed.json']]) {
      assert.ok(
        page.includes(`<link rel="alternate" type="${type}" href="/tag/${tag}/${file}" title="خبر — جسور">`),
        `the tag page links its ${file}`,
      );
    }
    const section = (await getText(`${base}/politics/`)).text;
    assert.ok(!section.includes(`/tag/${tag}/feed.xml`), 'only the tag page links the tag feed');
  });

  test('feeds are served gzipped and revalidate with ETag like pages', async () => {
    const r = await request(`${base}/feed.xml`, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(r.headers['content-encoding'], 'gzip');
    const again = await request(`${base}/feed.xml`, { headers: { 'If-None-Match': (await request(`${base}/feed.xml`)).headers.etag } });
    assert.equal(again.status, 304);
  });

  test('sitemap index and sitemap validate against the sitemaps.org schemas', async (t) => {
    const idx = await request(`${base}/sitemap.xml`);
    assert.equal(idx.status, 200);
    assert.equal(idx.headers['content-type'], 'application/xml; charset=utf-8');
    const idxText = idx.body.toString('utf8');
    assert.deepEqual(locs(idxText), [`${base}/sitemap-1.xml`]);
    const sm = await request(`${base}/sitemap-1.xml`);
    assert.equal(sm.status, 200);
    const smText = sm.body.toString('utf8');
    const urls = locs(smText);
    assert.deepEqual(urls.slice(0, 1), [`${base}/`]);
    for (const u of [`${base}/politics/`, `${base}/economy/`, ...live.map(articleUrl)]) assert.ok(urls.includes(u), u);
    assert.ok(!urls.some((u) => u.includes(DRAFT.slug)), 'no draft in the sitemap');
    assert.equal((smText.match(/<lastmod>/g) || []).length, urls.length, 'every URL has a lastmod');
    for (const m of smText.matchAll(/<lastmod>([^<]*)<\/lastmod>/g)) assert.match(m[1], RFC3339);
    assert.equal((await request(`${base}/sitemap-2.xml`)).status, 404);
    assert.equal((await request(`${base}/sitemap-0.xml`)).status, 404);

    if (!fs.existsSync(path.join(SCHEMAS, 'sitemap.xsd'))) {
      t.skip(SKIP_SHARED);
      return;
    }
    const a = xmllint(idxText, path.join(SCHEMAS, 'siteindex.xsd'));
    assert.ok(a.ok, `sitemap index: ${a.out}`);
    const b = xmllint(smText, path.join(SCHEMAS, 'sitemap.xsd'));
    assert.ok(b.ok, `sitemap: ${b.out}`);
  });

  test('the news sitemap has every Google News tag and only the last 48 hours', async () => {
    const r = await request(`${base}/news-sitemap.xml`);
    assert.equal(r.status, 200);
    const x = r.body.toString('utf8');
    assert.equal(xmllint(x).ok, true, 'well-formed');
    assert.match(x, /xmlns:news="http:\/\/www\.google\.com\/schemas\/sitemap-news\/0\.9"/);
    assert.deepEqual(locs(x), [FRESH, FRESH2].map(articleUrl), 'fresh articles only, newest first');
    const urls = [...x.matchAll(/<url>([\s\S]*?)<\/url>/g)].map((m) => m[1]);
    assert.equal(urls.length, 2);
    for (const [i, u] of urls.entries()) {
      assert.match(u, /<news:news>[\s\S]*<\/news:news>/);
      assert.match(u, /<news:publication><news:name>خبر<\/news:name><news:language>ar<\/news:language><\/news:publication>/);
      const date = /<news:publication_date>([^<]+)<\/news:publication_date>/.exec(u)?.[1];
      assert.match(date, RFC3339);
      assert.equal(Date.parse(date), Math.floor([FRESH, FRESH2][i].at / 1000) * 1000);
      assert.equal(/<news:title>([^<]+)<\/news:title>/.exec(u)?.[1], [FRESH, FRESH2][i].headline);
    }
  });

  test('robots.txt keeps crawlers out of /admin/ and /api/ and names both sitemaps', async () => {
    const r = await getText(`${base}/robots.txt`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/plain/);
    const lines = r.text.split('\n');
    for (const l of ['User-agent: *', 'Disallow: /admin/', 'Disallow: /api/', `Sitemap: ${base}/sitemap.xml`, `Sitemap: ${base}/news-sitemap.xml`]) {
      assert.ok(lines.includes(l), `robots.txt lacks "${l}":\n${r.text}`);
    }
  });

  test('the article page carries JSON-LD NewsArticle and BreadcrumbList, OpenGraph and Twitter tags', async () => {
    const r = await getText(articleUrl(FRESH));
    assert.equal(r.status, 200);
    const blocks = [...r.text.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]));
    const art = blocks.find((b) => b['@type'] === 'NewsArticle');
    assert.ok(art, 'a NewsArticle block');
    for (const k of ['headline', 'description', 'image', 'datePublished', 'dateModified', 'author', 'publisher',
      'articleSection', 'inLanguage', 'mainEntityOfPage', 'isAccessibleForFree']) {
      assert.ok(k in art, `NewsArticle lacks ${k}`);
    }
    assert.equal(art.headline, FRESH.headline);
    assert.deepEqual(art.image, [`${base}/media/bridge.jpg`]);
    assert.equal(Date.parse(art.datePublished), Math.floor(FRESH.at / 1000) * 1000);
    assert.match(art.dateModified, RFC3339);
    assert.deepEqual(art.author, [{ '@type': 'Person', name: 'سارة أحمد' }]);
    assert.equal(art.publisher['@type'], 'Organization');
    assert.equal(art.publisher.name, 'خبر');
    assert.equal(art.publisher.logo['@type'], 'ImageObject');
    assert.equal(art.publisher.logo.url, `${base}/static/logo.png`);
    assert.equal(art.articleSection, 'سياسة');
    assert.equal(art.inLanguage, 'ar');
    assert.equal(art.mainEntityOfPage['@id'], articleUrl(FRESH));
    assert.equal(art.isAccessibleForFree, true);
    const logo = await request(art.publisher.logo.url);
    assert.equal(logo.status, 200, 'the logo is served');
    assert.equal(logo.headers['content-type'], 'image/png');

    const bc = blocks.find((b) => b['@type'] === 'BreadcrumbList');
    assert.deepEqual(bc.itemListElement.map((i) => [i.position, i.item]),
      [[1, `${base}/`], [2, `${base}/politics/`], [3, articleUrl(FRESH)]]);

    const meta = (attr, name) => new RegExp(`<meta ${attr}="${name}" content="([^"]*)">`).exec(r.text)?.[1];
    assert.equal(meta('property', 'og:type'), 'article');
    assert.equal(meta('property', 'og:title'), FRESH.headline);
    assert.equal(meta('property', 'og:url'), articleUrl(FRESH));
    assert.equal(meta('property', 'og:image'), `${base}/media/bridge.jpg`);
    assert.equal(meta('property', 'og:locale'), 'ar_AR');
    assert.ok(meta('property', 'og:description'));
    assert.equal(Date.parse(meta('property', 'article:published_time')), Math.floor(FRESH.at / 1000) * 1000);
    assert.ok(meta('property', 'article:modified_time'));
    assert.equal(meta('property', 'article:section'), 'سياسة');
    assert.equal(meta('name', 'twitter:card'), 'summary_large_image');
    assert.match(r.text, new RegExp(`<link rel="canonical" href="${articleUrl(FRESH)}">`));
    assert.match(r.text, /<link rel="alternate" type="application\/rss\+xml" href="\/feed\.xml"/);
    // The feed links in the page lead somewhere.
    for (const href of [...r.text.matchAll(/<a href="(\/[a-z/]*(?:feed\.xml|atom\.xml|feed\.json))"/g)].map((m) => m[1])) {
      assert.equal((await request(base + href)).status, 200, href);
    }
  });

  test('settings: summaries only, fewer items, and a configured base URL', async () => {
    runOk(['config', 'feed.full_content', '0'], { db: ws.db });
    runOk(['config', 'feed.items', '1'], { db: ws.db });
    runOk(['config', 'site.base_url', 'https://akhbar.example'], { db: ws.db });
    const f = await pollUntil(async () => {
      const r = await request(`${base}/feed.xml`);
      const parsed = feedparse(r.body, r.headers['content-type']);
      return parsed.entries.length === 1 && parsed.link === 'https://akhbar.example/' ? parsed : null;
    });
    assert.ok(f, 'the running server follows the new settings');
    assert.equal(f.bozo, false);
    assert.equal(f.entries[0].link, 'https://akhbar.example/politics/fresh-bridge');
    assert.deepEqual(f.entries[0].content, [], 'no full content');
    assert.equal(f.entries[0].summary, `ملخص: ${FRESH.headline}.`);
    const j = JSON.parse((await request(`${base}/feed.json`)).body.toString('utf8'));
    assert.deepEqual(jsonFeedProblems(j), []);
    assert.equal(j.items[0].content_text, `ملخص: ${FRESH.headline}.`);
    assert.ok(!('content_html' in j.items[0]));
    const robots = await getText(`${base}/robots.txt`);
    assert.match(robots.text, /^Sitemap: https:\/\/akhbar\.example\/sitemap\.xml$/m);
  });

  test('a feed setting out of range is refused', () => {
    for (const [k, v] of [['feed.items', '0'], ['feed.items', '201'], ['feed.full_content', 'yes']]) {
      const r = run(['config', k, v], { db: ws.db });
      assert.equal(r.status, 1, `${k}=${v} must be refused: ${r.stderr}`);
    }
  });
});
