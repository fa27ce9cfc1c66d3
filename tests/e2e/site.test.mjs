// site.test.mjs — the public site around the article, end to end: tag pages, author pages,
// breadcrumbs, section pages led by a photo story with pagination, hreflang between
// translations, reserved section names, and near-duplicates in the newsroom's article list.
//
// One database, imported with `khabar import jsonl` from records of our own writing, one
// server on an ephemeral port.  Pages are parsed with parse5 (tests/e2e/html.mjs); every
// internal link a tested page shows is fetched and must answer 200; JSON-LD is parsed and
// compared with what the page shows.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  addUser,
  api,
  getJson,
  getText,
  pollUntil,
  request,
  run,
  runOk,
  startServer,
  tempWorkspace,
} from './helpers.mjs';
import { attr, parseHtml, qs, qsa, text } from './html.mjs';

const PAGE_SIZE = 4;
const TAG = 'الطاقة المتجددة';
const AUTHOR = 'سارة أحمد';
const AUTHOR_SLUG = 'سارة-أحمد';
const NTAGGED = 9; // over two pages of PAGE_SIZE and a third
const PHOTO_HEADLINE = 'صورة من محطة الرياح الجديدة في الشمال';

/** Our own articles: one a day in January 2025, newest last in the file. */
function records() {
  const out = [];
  for (let i = 1; i <= 14; i += 1) {
    const tagged = i <= NTAGGED;
    out.push({
      external_id: `site-${i}`,
      headline: i === 3 ? PHOTO_HEADLINE : `مشروع رقم ${i} لتوليد الكهرباء من الشمس والرياح`,
      lede: `موجز الخبر رقم ${i}.`,
      byline: i % 2 ? AUTHOR : 'وكالة الأنباء',
      section: i % 3 ? 'اقتصاد' : 'سياسة',
      body_html: `<p>تفاصيل الخبر رقم ${i} عن مشروعات الطاقة في المنطقة ومواعيد تنفيذها.</p>`,
      status: 'published',
      published: `2025-01-${String(i).padStart(2, '0')}T09:00:00+03:00`,
      tags: tagged ? [TAG, 'الاقتصاد الأخضر'] : ['متفرقات'],
      image: i === 3 ? { src: '/static/logo.png', alt: 'توربينات رياح' } : null,
    });
  }
  // Two copies of one wire story, the second lightly edited: near-duplicates.
  const wire = Array.from({ length: 12 }, (_, k) =>
    `<p>أعلنت وزارة الطاقة في بيانها رقم ${k + 1} أن محطة الرياح الجديدة ستدخل الخدمة في الربيع المقبل بطاقة إنتاجية تكفي مئات الآلاف من المنازل في المحافظات الشمالية والوسطى وفق الجدول الزمني المعلن.</p>`).join('\n');
  out.push({ external_id: 'wire-1', headline: 'محطة رياح جديدة تدخل الخدمة في الربيع', section: 'اقتصاد',
    body_html: wire, status: 'published', published: '2025-01-20T08:00:00+03:00' });
  out.push({ external_id: 'wire-2', headline: 'محطة الرياح الجديدة تدخل الخدمة في الربيع المقبل', section: 'اقتصاد',
    body_html: `${wire}\n<p>وأضاف البيان أن العمل جار.</p>`, status: 'published', published: '2025-01-20T10:00:00+03:00' });
  return out;
}

let ws;
let srv;
let all; // every article as the API gives it, newest first
const byUrl = new Map();

const jsonl = (rows) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

/** Every link in `doc` to a page of this site (not feeds, static files or searches). */
function internalLinks(doc) {
  return [...new Set(qsa(doc, 'a[href]').map((a) => attr(a, 'href'))
    .filter((h) => h.startsWith('/') && !h.startsWith('//') && !h.startsWith('/search')))];
}

async function assertLinksResolve(doc, what) {
  for (const h of internalLinks(doc)) {
    const r = await getText(srv.url(h));
    assert.equal(r.status, 200, `${what}: the link ${decodeURIComponent(h)} answers 200`);
  }
}

function jsonLd(doc) {
  return qsa(doc, 'script[type="application/ld+json"]').map((s) => JSON.parse(text(s)));
}

/** The visible trail and the JSON-LD BreadcrumbList say the same, in order. */
function assertCrumbs(doc, expectedNames, what) {
  const nav = qs(doc, 'nav.breadcrumbs');
  assert.ok(nav, `${what}: a breadcrumb nav`);
  assert.ok(attr(nav, 'aria-label'), `${what}: the nav is labelled`);
  const items = qsa(nav, 'li');
  assert.deepEqual(items.map((li) => text(li)), expectedNames, `${what}: the trail`);
  assert.equal(attr(items.at(-1), 'aria-current'), 'page', `${what}: the last step is this page`);
  assert.equal(qs(items.at(-1), 'a'), null, `${what}: the last step is not a link`);
  const lists = jsonLd(doc).filter((b) => b['@type'] === 'BreadcrumbList');
  assert.equal(lists.length, 1, `${what}: one BreadcrumbList`);
  const els = lists[0].itemListElement;
  assert.deepEqual(els.map((e) => e.position), expectedNames.map((_, i) => i + 1));
  assert.deepEqual(els.map((e) => e.name), expectedNames, `${what}: JSON-LD names match the nav`);
  const hrefs = items.slice(0, -1).map((li) => new URL(attr(qs(li, 'a'), 'href'), srv.base).href);
  assert.deepEqual(els.slice(0, -1).map((e) => e.item), hrefs, `${what}: JSON-LD items match the links`);
  const canonical = attr(qs(doc, 'link[rel="canonical"]'), 'href');
  assert.equal(new URL(els.at(-1).item).pathname, new URL(canonical).pathname,
    `${what}: the last item is this page`);
}

/** Walk a paginated list from `path` by rel=next; returns the card hrefs page by page. */
async function walk(path) {
  const pages = [];
  let url = srv.url(path);
  for (let guard = 0; url && guard < 20; guard += 1) {
    const r = await getText(url);
    assert.equal(r.status, 200, `${url} answers 200`);
    const doc = parseHtml(r.text);
    pages.push({ doc, hrefs: qsa(doc, 'main article.card h2 a[href]').map((a) => attr(a, 'href')) });
    const next = qs(doc, 'nav.pagination a[rel="next"]');
    const headNext = qs(doc, 'link[rel="next"]');
    assert.equal(Boolean(next), Boolean(headNext), 'rel=next in the head exactly when in the nav');
    if (next) {
      assert.equal(new URL(attr(headNext, 'href')).pathname + new URL(attr(headNext, 'href')).search,
        attr(next, 'href'), 'the head and the nav name the same next page');
    }
    url = next ? new URL(attr(next, 'href'), srv.base).href : null;
  }
  return pages;
}

describe('the site around the article', () => {
  before(async () => {
    ws = tempWorkspace('khabar-site-');
    runOk(['init'], { db: ws.db });
    runOk(['config', 'site.page_size', String(PAGE_SIZE)], { db: ws.db });
    runOk(['import', 'jsonl', ws.file('site.jsonl', jsonl(records()))], { db: ws.db });
    srv = await startServer(ws.db);
    const list = await getJson(srv.url('/api/v1/articles?per_page=100'));
    all = list.json.articles;
    for (const a of all) byUrl.set(a.url, a);
  });
  after(async () => {
    await srv?.stop();
    ws?.cleanup();
  });

  test('a tag page lists every article with the tag, newest first, over pages that end in 404', async () => {
    const tagged = all.filter((a) => a.tags.includes(TAG)).map((a) => a.url);
    assert.equal(tagged.length, NTAGGED);
    const path = `/tag/${encodeURIComponent(TAG)}/`;
    const pages = await walk(path);
    assert.equal(pages.length, Math.ceil(NTAGGED / PAGE_SIZE));
    for (const p of pages.slice(0, -1)) assert.equal(p.hrefs.length, PAGE_SIZE);
    assert.deepEqual(pages.flatMap((p) => p.hrefs), tagged, 'every tagged article once, newest first');
    const first = pages[0].doc;
    assert.equal(text(qs(first, 'main h1')), TAG);
    assert.equal(new URL(attr(qs(first, 'link[rel="canonical"]'), 'href')).pathname, path);
    assertCrumbs(first, ['الرئيسية', TAG], 'tag page');
    await assertLinksResolve(first, 'tag page');
    assert.equal((await getText(srv.url(`${path}?page=${pages.length + 1}`))).status, 404, 'past the end');
    assert.equal((await getText(srv.url(`${path}?page=0`))).status, 404);
    assert.equal((await getText(srv.url(`/tag/${encodeURIComponent('لا يوجد')}/`))).status, 404, 'an unused tag');
    const bare = await request(srv.url(path.slice(0, -1)));
    assert.equal(bare.status, 301, 'without its slash, the tag page redirects');
    assert.equal(bare.headers.location, path);
  });

  test('the article page links its tags and byline to their pages, which link back', async () => {
    const a = all.find((x) => x.byline === AUTHOR && x.tags.includes(TAG));
    const doc = parseHtml((await getText(srv.url(a.url))).text);
    const tagLinks = qsa(doc, 'article ul.tags a[href]');
    assert.deepEqual(tagLinks.map((l) => text(l)), a.tags);
    assert.equal(attr(tagLinks[0], 'href'), `/tag/${encodeURIComponent(TAG)}/`);
    const by = qs(doc, 'article .byline a[rel="author"]');
    assert.ok(by, 'the byline is a link');
    assert.equal(text(by), AUTHOR);
    assert.equal(attr(by, 'href'), `/author/${encodeURIComponent(AUTHOR_SLUG)}/`);

    const pages = await walk(attr(by, 'href'));
    const mine = all.filter((x) => x.byline === AUTHOR).map((x) => x.url);
    assert.deepEqual(pages.flatMap((p) => p.hrefs), mine, "exactly the byline's articles, newest first");
    assert.ok(pages.flatMap((p) => p.hrefs).includes(a.url), 'the author page links back');
    assert.equal(text(qs(pages[0].doc, 'main h1')), AUTHOR);
    assertCrumbs(pages[0].doc, ['الرئيسية', AUTHOR], 'author page');
    await assertLinksResolve(pages[0].doc, 'author page');
    assert.equal((await getText(srv.url('/author/nobody-here/'))).status, 404);
  });

  test('article breadcrumbs: home › section › the article, nav and JSON-LD alike', async () => {
    const a = all[0];
    const doc = parseHtml((await getText(srv.url(a.url))).text);
    assertCrumbs(doc, ['الرئيسية', a.section.name, a.headline], 'article page');
    const nav = qs(doc, 'nav.breadcrumbs');
    assert.equal(attr(qsa(nav, 'a')[1], 'href'), `/${a.section.slug}/`);
    await assertLinksResolve(doc, 'article page');
  });

  test('a section page: the photo story leads, then the rest newest first, paginated', async () => {
    const photo = all.find((x) => x.headline === PHOTO_HEADLINE);
    const slug = photo.section.slug;
    const pages = await walk(`/${slug}/`);
    const lead = qs(pages[0].doc, 'main article.card.lead');
    assert.ok(lead, 'page 1 has a lead story');
    assert.equal(text(qs(lead, 'h2 a')), PHOTO_HEADLINE, 'the newest article with a photo leads');
    assert.ok(qs(lead, 'img'), 'with its photo');
    const rest = all.filter((x) => x.section.slug === slug && x.url !== photo.url).map((x) => x.url);
    const shown = pages.flatMap((p) => p.hrefs);
    assert.deepEqual(shown, [photo.url, ...rest], 'the lead once, then the section newest first');
    for (const p of pages.slice(0, -1)) assert.equal(p.hrefs.length, PAGE_SIZE, 'full pages');
    for (const p of pages.slice(1)) assert.equal(qs(p.doc, 'main article.card.lead'), null);
    assertCrumbs(pages[0].doc, ['الرئيسية', photo.section.name], 'section page');
    assert.equal((await getText(srv.url(`/${slug}/?page=${pages.length + 1}`))).status, 404);
    await assertLinksResolve(pages[0].doc, 'section page');
  });

  test('hreflang: translations name each other and themselves, with one x-default', async () => {
    const ar = all.find((x) => x.headline.startsWith('مشروع رقم 5 '));
    assert.ok(ar);
    const en = {
      external_id: 'site-5-en', headline: 'Project 5: electricity from sun and wind', language: 'en',
      section: ar.section.slug, body_html: '<p>Our own English text.</p>', status: 'published',
      published: '2025-01-05T12:00:00+03:00', translations: [{ url: ar.url }],
    };
    const fr = {
      external_id: 'site-5-fr', headline: 'Projet 5 : électricité du soleil et du vent', language: 'fr',
      section: ar.section.slug, body_html: '<p>Notre texte.</p>', status: 'published',
      published: '2025-01-05T13:00:00+03:00', translations: [ar.id],
    };
    runOk(['import', 'jsonl', ws.file('tr.jsonl', jsonl([en, fr]))], { db: ws.db });
    let list = [];
    const seen = await pollUntil(async () => {
      list = (await getJson(srv.url('/api/v1/articles?per_page=100'))).json.articles;
      return list.filter((x) => ['en', 'fr'].includes(x.language)).length === 2;
    });
    assert.ok(seen, 'the running server shows the translations');
    const group = [ar.url, ...list.filter((x) => ['en', 'fr'].includes(x.language)).map((x) => x.url)];
    assert.equal(group.length, 3);
    const sets = new Map();
    for (const u of group) {
      const doc = parseHtml((await getText(srv.url(u))).text);
      const links = qsa(doc, 'link[rel="alternate"][hreflang]');
      sets.set(u, new Map(links.map((l) => [attr(l, 'hreflang'), new URL(attr(l, 'href')).pathname])));
    }
    const langs = (m) => [...m.keys()].sort();
    for (const [u, m] of sets) {
      assert.deepEqual(langs(m), ['ar', 'en', 'fr', 'x-default'], `${u}: every language and x-default`);
      assert.ok([...m.values()].includes(u), `${u} names itself`);
      for (const [l, target] of m) {
        if (l === 'x-default') continue;
        assert.ok(group.includes(target), `${u}: ${l} is in the group`);
        assert.ok([...sets.get(target).values()].includes(u), `${target} links back to ${u} (reciprocal)`);
      }
      assert.equal(m.get('x-default'), ar.url, 'x-default: the version in the site language');
    }
    const api1 = await getJson(srv.url(`/api/v1/articles/${ar.id}`));
    assert.deepEqual(api1.json.translations.map((t) => t.language).sort(), ['en', 'fr']);
    // an article without translations has none of this
    const lone = parseHtml((await getText(srv.url(all.at(-1).url))).text);
    assert.equal(qsa(lone, 'link[hreflang]').length, 0);
    // a translation naming nothing real is refused, naming the field, and nothing changes
    const bad = { ...en, external_id: 'site-bad', headline: 'Bad link', translations: [{ url: '/x/no-such-article' }] };
    const r = run(['import', 'jsonl', ws.file('bad.jsonl', jsonl([bad]))], { db: ws.db });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /translations/);
    assert.ok(!(await getJson(srv.url('/api/v1/articles?per_page=100'))).json.articles.some((x) => x.headline === 'Bad link'));
  });

  test('section names the site keeps for itself get another slug', async () => {
    const rec = { external_id: 'site-tag-section', headline: 'خبر في قسم اسمه tag', section: 'tag',
      body_html: '<p>نص.</p>', status: 'published', published: '2025-01-25T09:00:00+03:00' };
    runOk(['import', 'jsonl', ws.file('tagsec.jsonl', jsonl([rec]))], { db: ws.db });
    let a;
    await pollUntil(async () => {
      a = (await getJson(srv.url('/api/v1/articles?per_page=100'))).json.articles.find((x) => x.headline === rec.headline);
      return Boolean(a);
    });
    assert.ok(a, 'the article is served');
    assert.equal(a.section.slug, 'tag-2');
    assert.equal((await getText(srv.url(a.url))).status, 200);
  });

  test('near-duplicates in the newsroom list: duplicate_of, and ?duplicates=1', async () => {
    addUser(ws.db, 'site-editor', 'editor', 'a long enough password 1');
    const token = runOk(['token', 'create', '--user', 'site-editor'], { db: ws.db }).stdout.trim();
    const dups = await api(srv.base, 'GET', '/api/v1/articles?duplicates=1&per_page=100', { token });
    assert.equal(dups.status, 200, JSON.stringify(dups.json));
    assert.ok(dups.json.articles.length >= 1, 'the edited wire copy is flagged');
    for (const a of dups.json.articles) {
      assert.ok(a.duplicate_of, `${a.headline}: duplicate_of`);
      assert.equal(typeof a.duplicate_of.id, 'number');
      assert.ok(a.duplicate_of.url.startsWith('/'));
      assert.ok(a.duplicate_of.headline);
    }
    const second = dups.json.articles.find((a) => a.headline === 'محطة الرياح الجديدة تدخل الخدمة في الربيع المقبل');
    assert.ok(second, 'the later copy is the duplicate');
    assert.equal(second.duplicate_of.headline, 'محطة رياح جديدة تدخل الخدمة في الربيع');
    const every = await api(srv.base, 'GET', '/api/v1/articles?per_page=100', { token });
    assert.ok(every.json.total > dups.json.total, 'the filter narrows the list');
    const plain = every.json.articles.find((a) => a.headline === PHOTO_HEADLINE);
    assert.equal(plain.duplicate_of, null, 'an article that is not flagged says null');
  });

  test('the newsroom API shows and changes translations (PATCH), refusing bad ones by field', async () => {
    const token = runOk(['token', 'create', '--user', 'site-editor'], { db: ws.db }).stdout.trim();
    const list = await api(srv.base, 'GET', '/api/v1/articles?per_page=100', { token });
    const fr = list.json.articles.find((a) => a.language === 'fr');
    const ar = list.json.articles.find((a) => a.headline.startsWith('مشروع رقم 5 '));
    assert.deepEqual(fr.translations.map((x) => x.language).sort(), ['ar', 'en']);
    let r = await api(srv.base, 'PATCH', `/api/v1/articles/${fr.id}`,
      { token, body: { version: fr.version, translations: [fr.id] } });
    assert.ok(r.status >= 400 && r.status < 500, `refused: ${r.status}`);
    assert.equal(r.json.error.field, 'translations');
    r = await api(srv.base, 'PATCH', `/api/v1/articles/${fr.id}`,
      { token, body: { version: fr.version, translations: [] } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(r.json.translations, [], 'out of the group');
    const left = await pollUntil(async () => {
      const doc = parseHtml((await getText(srv.url(ar.url))).text);
      const langs = qsa(doc, 'link[rel="alternate"][hreflang]').map((l) => attr(l, 'hreflang')).sort();
      return JSON.stringify(langs) === JSON.stringify(['ar', 'en', 'x-default']);
    });
    assert.ok(left, 'the Arabic page no longer names the French one');
  });
});
