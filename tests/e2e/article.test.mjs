// article.test.mjs — the public site end to end: import the reference page
// (../shared/fixtures/trt-article.txt) and 20 articles of our own writing into a fresh
// database, start `khabar serve` on an ephemeral port, and check what a reader and an API
// client get: the article page element by element against trt-article.expected.json, the
// اكتشف rail, home and section lists with pagination, the JSON API, /healthz, the 404 page,
// ETag/304, Last-Modified, HEAD, gzip, and that a new import shows up on a running server.
//
// The page is parsed with parse5 (the HTML5 algorithm), never searched with regexes, so an
// element in the wrong place fails.  Tests in this file run in order and share one server;
// the cache-invalidation test imports one more article and so runs last.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { parseFragment } from 'parse5';
import {
  FIXTURE,
  assertNoSanitizerReport,
  dayAfterNewYear,
  expectedFixture,
  getJson,
  getText,
  haveShared,
  initAndImport,
  keepAliveSequence,
  makePageText,
  pollUntil,
  rawExchange,
  request,
  runOk,
  showJson,
  skipWithoutShared,
  startServer,
  tempWorkspace,
} from './helpers.mjs';
import { attr, closest, contains, parseHtml, qs, qsa, text } from './html.mjs';

const ARTICLE_KEYS = [
  'id', 'slug', 'url', 'status', 'section', 'headline', 'lede', 'byline', 'source', 'language',
  'image', 'body_html', 'tags', 'published', 'updated', 'reading_minutes',
];
const NGEN = 20;
const SECTIONS = ['سياسة', 'اقتصاد'];

/** The oldest NTOPICAL of our articles share the reference page's story (Blinken, Rutte,
 * NATO, support for Ukraine) in words of our own: the related articles of the rail. */
const NTOPICAL = 3;
const TOPICAL = [
  ['بلينكن وروته يبحثان دعم أوكرانيا في بروكسل', 'بحث وزير الخارجية الأمريكي أنتوني بلينكن مع الأمين العام لحلف الناتو مارك روته سبل مواصلة الدعم العسكري لأوكرانيا قبل تغيير الإدارة الأمريكية.', 'وأكد روته أن حلف شمال الأطلسي سيواصل دعم أوكرانيا وأن روسيا لن تنتصر في الحرب.'],
  ['الناتو يدعو إلى زيادة الإنفاق الدفاعي لدعم أوكرانيا', 'دعا الأمين العام لحلف الناتو مارك روته الدول الأعضاء إلى زيادة إنتاج صناعة الدفاع والإنفاق العسكري لمواصلة دعم أوكرانيا.', 'وقال بلينكن إن الولايات المتحدة ستقدم لأوكرانيا ما تحتاجه من دعم قبل نهاية ولاية الإدارة الأمريكية.'],
  ['روسيا لا يمكنها الانتصار في أوكرانيا بحسب حلف الناتو', 'قال مارك روته الأمين العام لحلف الناتو إن روسيا لا يمكنها الانتصار في أوكرانيا بفضل الدعم الغربي المستمر.', 'وشدد وزير الخارجية الأمريكي بلينكن على تعزيز القاعدة الصناعية الدفاعية لحلف شمال الأطلسي ودعم أوكرانيا.'],
];

/** Distinct paragraphs of our own for article `seed`: words drawn by a small LCG, so no
 * two generated articles share enough wording to be taken for near-duplicates (which the
 * Discover rail leaves out, docs/related.md). */
const VOCAB = ('التفاح البرتقال الموز العنب الرمان التين الزيتون النخيل الورد الياسمين القطط ' +
  'العصافير الحمام الخيول الجمال الأرانب السلاحف الفراشات النحل الأزهار الأشجار البحيرات ' +
  'الجبال الوديان الشواطئ الرمال الغيوم النجوم القمر الفجر الغروب الربيع الخريف الشتاء ' +
  'الصيف المطر الثلج النسيم الضباب').split(' '); // far from the reference page's story
function paragraphsFor(seed) {
  let x = seed * 2654435761 % 4294967296;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648) % VOCAB.length;
  return Array.from({ length: 3 }, () =>
    `${Array.from({ length: 24 }, () => VOCAB[next()]).join(' ')}.`);
}

/** Our own articles: distinct headlines, one a day from 2025-01-02, alternating sections. */
function generated() {
  return Array.from({ length: NGEN }, (_, i) => ({
    name: `gen-${String(i + 1).padStart(2, '0')}.txt`,
    section: SECTIONS[i % 2],
    headline: i < NTOPICAL ? TOPICAL[i][0] : `افتتاح المشروع الأهلي رقم ${i + 1} في مدينة الاختبار`,
    paragraphs: i < NTOPICAL ? TOPICAL[i].slice(1) : paragraphsFor(i + 1),
    date: dayAfterNewYear(i + 1),
    seed: i + 1,
  }));
}

const isoTime = (s) => Date.parse(s);

function assertNewestFirst(times, what) {
  for (let i = 1; i < times.length; i++) {
    assert.ok(times[i - 1] >= times[i], `${what}: item ${i + 1} is newer than item ${i}`);
  }
}

describe('the public site', { concurrency: false }, () => {
  let ws;
  let srv;
  let exp;
  let ref; // the reference article as the API gives it
  let all; // every article, newest first, from the API
  let byUrl;

  before(async () => {
    if (!haveShared()) return;
    exp = expectedFixture();
    ws = tempWorkspace();
    // A photo for the reference page, so its figure (alt, caption, credit) is shown.
    ws.file('media/trt-article.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    initAndImport(ws.db, [FIXTURE], ['--media-dir', `${ws.dir}/media`]);
    const files = generated().map((g) =>
      ws.file(g.name, makePageText({ section: g.section, headline: g.headline, paragraphs: g.paragraphs, date: g.date, seed: g.seed })),
    );
    runOk(['import', 'page-text', ...files], { db: ws.db });
    srv = await startServer(ws.db);
    const list = await getJson(srv.url('/api/v1/articles?per_page=100'));
    assert.equal(list.status, 200, 'GET /api/v1/articles');
    all = list.json.articles;
    ref = all.find((a) => a.headline === exp.headline);
    assert.ok(ref, 'the reference article is listed by the API');
    byUrl = new Map(all.map((a) => [a.url, a]));
  });

  after(async () => {
    if (srv) await srv.stop();
    if (ws) ws.cleanup();
  });

  test('the reference page: every element in its place', async (t) => {
    if (skipWithoutShared(t)) return;
    const res = await getText(srv.url(ref.url));
    assert.equal(res.status, 200, `GET ${ref.url}`);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    const doc = parseHtml(res.text);
    const html = qs(doc, 'html');
    assert.equal(attr(html, 'lang'), 'ar');
    assert.equal(attr(html, 'dir'), 'rtl');

    const h1s = qsa(doc, 'h1');
    assert.equal(h1s.length, 1, 'one h1 on the page');
    assert.equal(text(h1s[0]), exp.headline, 'the headline is the h1');
    const article = closest(h1s[0], 'article');
    assert.ok(article, 'the h1 is inside an <article>');

    // section link and reading time, before the headline
    const sectionLink = qsa(article, 'a[href]').find((a) => text(a) === exp.section);
    assert.ok(sectionLink, `a link reading ${exp.section} inside the article`);
    assert.equal(attr(sectionLink, 'href'), '/politics/', 'سياسة links to /politics/');
    const header = closest(h1s[0], 'header') || article;
    assert.match(text(header), /(^|\s)3 دقائق(\s|$)/, 'reading time reads "3 دقائق"');
    assert.doesNotMatch(text(doc), /(^|[^\d])3 دقيقة/, 'the page\'s own ungrammatical "3 دقيقة" is not copied');

    // lede: a paragraph of the header, not of the body
    const lede = qsa(article, 'p').find((p) => text(p) === exp.lede);
    assert.ok(lede, 'the lede is a <p> in the article');
    assert.ok(contains(header, lede), 'the lede sits in the article header');

    // figure: alt, caption, credit / copyright
    const figure = qs(article, 'figure');
    assert.ok(figure, 'a <figure> (the import was given a photo)');
    assert.equal(attr(qs(figure, 'img'), 'alt'), exp.image.alt, 'the image alt is the headline line');
    const figcaption = qs(figure, 'figcaption');
    assert.ok(figcaption, 'a <figcaption>');
    const cap = text(figcaption);
    assert.ok(cap.includes(exp.image.caption), `caption in figcaption: ${cap}`);
    const afterCaption = cap.slice(cap.indexOf(exp.image.caption) + exp.image.caption.length);
    assert.ok(
      afterCaption.includes(`${exp.image.credit} / ${exp.image.copyright}`) ||
        (afterCaption.includes(exp.image.credit) && afterCaption.includes(exp.image.copyright)),
      `credit and copyright follow the caption: ${afterCaption}`,
    );

    // date
    const time = qsa(article, 'time').find((el) => text(el) === exp.published_display);
    assert.ok(time, `<time> reading ${exp.published_display}`);
    assert.ok(attr(time, 'datetime')?.startsWith(exp.published_date), `datetime starts with ${exp.published_date}`);
    assert.ok(!Number.isNaN(Date.parse(attr(time, 'datetime'))), 'datetime is ISO 8601');

    // body: every block, as the right element, in order, all in one container
    const found = exp.body.map((b) => {
      const el = qsa(article, b.type).find((e) => text(e) === b.text);
      assert.ok(el, `body ${b.type} "${b.text.slice(0, 40)}…" is a <${b.type}> in the article`);
      assert.ok(!contains(header, el), 'body blocks are not in the header');
      return el;
    });
    const body = found[0].parentNode;
    for (const el of found) assert.equal(el.parentNode, body, 'every body block is in the same body container');
    const order = qsa(body, 'p, h2');
    assert.deepEqual(
      order.map(text),
      exp.body.map((b) => b.text),
      'the body holds exactly the reference paragraphs and subheading, in order (no alt text, no rail)',
    );
    const h2 = found[exp.body.findIndex((b) => b.type === 'h2')];
    assert.equal(h2.tagName, 'h2', 'the subheading is an h2 inside the body');

    // source line, outside the body
    const source = qsa(article, 'p, div, footer, span').find(
      (el) => text(el).includes(exp.source) && !contains(body, el) && text(el).length < exp.source.length + 20,
    );
    assert.ok(source, `the source line "${exp.source}" is in the article`);
    assert.match(text(source), /مصدر/, 'the source line is labelled مصدر');

    // the file's Discover rail is not imported: none of its headlines anywhere
    const whole = text(doc);
    for (const h of exp.discover) {
      assert.ok(!whole.includes(h), `Discover headline of the text file is on the page: ${h}`);
    }
  });

  test('show --json and the API agree on the reference article', async (t) => {
    if (skipWithoutShared(t)) return;
    const shown = showJson(ws.db, ref.id);
    for (const k of ARTICLE_KEYS) assert.ok(k in shown, `show --json has "${k}"`);
    assert.deepEqual(shown.section, { slug: 'politics', name: exp.section });
    assert.equal(shown.headline, exp.headline);
    assert.equal(shown.lede, exp.lede);
    assert.equal(shown.source, exp.source);
    assert.equal(shown.language, 'ar');
    assert.equal(shown.status, 'published');
    assert.equal(shown.reading_minutes, exp.reading_minutes);
    assert.ok(shown.published.startsWith(exp.published_date), `published ${shown.published}`);
    assert.match(shown.published, /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)$/, 'ISO 8601 with offset');
    assert.equal(shown.image.alt, exp.image.alt);
    assert.equal(shown.image.caption, exp.image.caption);
    assert.equal(shown.image.credit, exp.image.credit);
    assert.equal(shown.image.copyright, exp.image.copyright);
    assert.ok(shown.url.startsWith('/politics/'), `url ${shown.url}`);
    assert.ok(Array.isArray(shown.tags));
    const bodyText = parseFragment(shown.body_html);
    const blocks = (bodyText.childNodes || []).filter((n) => n.tagName).map((n) => ({ type: n.tagName, text: text(n) }));
    assert.deepEqual(blocks, exp.body, 'body_html is the reference body, block by block');
    assert.deepEqual(showJson(ws.db, shown.slug), shown, 'show by slug = show by id');

    const api = await getJson(srv.url(`/api/v1/articles/${ref.id}`));
    assert.equal(api.status, 200);
    assert.match(api.headers.get('content-type'), /^application\/json/);
    const { related, ...apiArticle } = api.json;
    assert.ok(Array.isArray(related), 'the API adds related[] to a single article');
    assert.deepEqual(apiArticle, shown, 'GET /api/v1/articles/{id} is show --json plus related[]');
  });

  test('the اكتشف rail: 15 other articles, related ones first, then the latest', async (t) => {
    if (skipWithoutShared(t)) return;
    const doc = parseHtml((await getText(srv.url(ref.url))).text);
    const heading = qsa(doc, 'h2, h3').find((h) => text(h) === 'اكتشف');
    assert.ok(heading, 'a heading reading اكتشف');
    const rail = closest(heading, 'aside') || heading.parentNode;
    assert.equal(closest(rail, 'article'), null, 'the rail is outside the <article>');
    const links = qsa(rail, 'a[href]');
    assert.equal(links.length, 15, 'the rail holds 15 links');
    const hrefs = links.map((a) => attr(a, 'href'));
    assert.ok(!hrefs.includes(ref.url), 'the rail does not link to the article itself');
    assert.equal(new Set(hrefs).size, 15, 'no article twice');
    const targets = hrefs.map((h) => {
      const a = byUrl.get(h);
      assert.ok(a, `the rail links to an existing article: ${h}`);
      return a;
    });
    for (const [i, a] of targets.entries()) assert.equal(text(links[i]), a.headline, 'each link reads its headline');
    // Our articles on the reference page's story are the oldest of ours, so "latest" alone
    // would not show them: they come first because they are related.
    const topical = new Set(all.filter((a) => TOPICAL.some((tp) => tp[0] === a.headline)).map((a) => a.url));
    assert.equal(topical.size, NTOPICAL);
    assert.deepEqual(new Set(hrefs.slice(0, NTOPICAL)), topical, 'the related articles come first');
    // then the latest others, newest first
    const rest = targets.slice(NTOPICAL);
    assertNewestFirst(rest.map((a) => isoTime(a.published)), 'the rail after the related ones');
    const newest = all
      .filter((a) => a.id !== ref.id && !topical.has(a.url))
      .slice(0, 15 - NTOPICAL)
      .map((a) => a.url);
    assert.deepEqual(rest.map((a) => a.url), newest, 'then the latest other articles');

    // the API says the same, in the same order
    const api = await getJson(srv.url(`/api/v1/articles/${ref.id}`));
    assert.deepEqual(
      api.json.related,
      targets.map((a) => ({ id: a.id, url: a.url, headline: a.headline })),
      'related[] of the article JSON is the rail',
    );
  });

  test('home page: the lead story (newest with a photo), then newest first, 20 a page, with pagination', async (t) => {
    if (skipWithoutShared(t)) return;
    const total = NGEN + 1;
    const p1 = await getText(srv.url('/'));
    assert.equal(p1.status, 200);
    const d1 = parseHtml(p1.text);
    assert.equal(attr(qs(d1, 'html'), 'dir'), 'rtl');
    const cards1 = qsa(d1, 'main article.card h2 a[href]').map((a) => attr(a, 'href'));
    assert.equal(cards1.length, 20, 'page 1 lists 20 articles');
    const next = qs(d1, 'a[rel="next"]');
    assert.ok(next, 'page 1 links to the next page (rel=next)');
    const p2url = new URL(attr(next, 'href'), srv.base);
    assert.equal(p2url.searchParams.get('page'), '2');
    const p2 = await getText(p2url.href);
    assert.equal(p2.status, 200);
    const d2 = parseHtml(p2.text);
    const cards2 = qsa(d2, 'main article.card h2 a[href]').map((a) => attr(a, 'href'));
    assert.equal(cards2.length, total - 20, 'page 2 lists the rest');
    assert.ok(qs(d2, 'a[rel="prev"]'), 'page 2 links back (rel=prev)');
    assert.equal(qs(d2, 'a[rel="next"]'), null, 'the last page has no next link');
    const urls = [...cards1, ...cards2];
    assert.deepEqual(new Set(urls), new Set(all.map((a) => a.url)), 'the two pages list every article once');
    assert.equal(new Set(urls).size, total);
    // The reference article is the only one with a photo: it leads page 1, large, though
    // it is the oldest; every other article follows newest first.
    const lead = qs(d1, 'main article.card.lead h2 a[href]');
    assert.equal(attr(lead, 'href'), ref.url, 'the lead story is the newest article with a photo');
    assert.ok(qs(qs(d1, 'main article.card.lead'), 'img'), 'the lead story shows its photo');
    assert.equal(urls[0], ref.url, 'the lead comes first');
    assert.equal(qs(d2, 'main article.card.lead'), null, 'page 2 has no lead');
    assertNewestFirst(urls.slice(1).map((u) => isoTime(byUrl.get(u).published)), 'home after the lead');
    const p3 = await getText(srv.url('/?page=3'));
    assert.equal(p3.status, 404, 'a page past the end is 404');
  });

  test('section page lists only its section, newest first', async (t) => {
    if (skipWithoutShared(t)) return;
    const res = await getText(srv.url('/politics/'));
    assert.equal(res.status, 200);
    const doc = parseHtml(res.text);
    assert.equal(text(qs(doc, 'main h1')), 'سياسة', 'the section page is titled with the section name');
    const urls = qsa(doc, 'main article.card h2 a[href]').map((a) => attr(a, 'href'));
    const expected = all.filter((a) => a.section.slug === 'politics' && a.id !== ref.id).map((a) => a.url);
    assert.equal(expected.length, NGEN / 2);
    assert.deepEqual(urls, [ref.url, ...expected], 'the lead (the one with a photo), then the politics articles, newest first');
    const other = all.find((a) => a.section.slug !== 'politics');
    const res2 = await getText(srv.url(`/${other.section.slug}/`));
    assert.equal(res2.status, 200, `the other section /${other.section.slug}/`);
    const urls2 = qsa(parseHtml(res2.text), 'main article.card h2 a[href]').map((a) => attr(a, 'href'));
    assert.equal(urls2.length, NGEN / 2);
    assert.ok(!urls2.includes(ref.url));
  });

  test('GET /api/v1/articles: shape, order, paging, errors', async (t) => {
    if (skipWithoutShared(t)) return;
    const r = await getJson(srv.url('/api/v1/articles'));
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.ok(Array.isArray(r.json.articles));
    assert.equal(r.json.total, NGEN + 1);
    assert.equal(r.json.articles.length, 20, 'default page size 20');
    for (const a of r.json.articles) {
      for (const k of ARTICLE_KEYS) assert.ok(k in a, `article has "${k}"`);
      assert.equal(typeof a.id, 'number');
      assert.equal(typeof a.section.slug, 'string');
      assert.equal(typeof a.section.name, 'string');
      assert.ok(a.image === null || typeof a.image === 'object');
      assert.ok(Array.isArray(a.tags));
      assert.equal(a.status, 'published');
      assert.ok(a.url.startsWith(`/${a.section.slug}/`), `url ${a.url} is under its section`);
    }
    assertNewestFirst(r.json.articles.map((a) => isoTime(a.published)), 'API list');

    const paged = await getJson(srv.url('/api/v1/articles?per_page=5&page=2'));
    assert.equal(paged.status, 200);
    assert.deepEqual(paged.json.articles.map((a) => a.id), all.slice(5, 10).map((a) => a.id), 'page 2 of 5');

    const sec = await getJson(srv.url('/api/v1/articles?section=politics&per_page=100'));
    assert.ok(sec.json.articles.every((a) => a.section.slug === 'politics'));
    assert.equal(sec.json.articles.length, 1 + NGEN / 2);

    const bad = await getJson(srv.url('/api/v1/articles?page=abc'));
    assert.equal(bad.status, 400, 'a malformed page is 400');
    assert.equal(typeof bad.json.error?.message, 'string', 'with {"error":{...,"message"}}');
    assert.equal(bad.json.error.field, 'page', 'naming the field');

    const missing = await getJson(srv.url('/api/v1/articles/987654321'));
    assert.equal(missing.status, 404);
    assert.ok(missing.json.error && 'code' in missing.json.error && 'message' in missing.json.error);
  });

  test('/healthz, /static/site.css and the 404 page', async (t) => {
    if (skipWithoutShared(t)) return;
    const h = await getJson(srv.url('/healthz'));
    assert.equal(h.status, 200);
    assert.equal(h.json.status, 'ok');
    if ('articles' in h.json) assert.equal(h.json.articles, NGEN + 1);

    const css = await getText(srv.url('/static/site.css'));
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type'), /^text\/css/);
    assert.ok(css.text.length > 100);

    for (const p of ['/no-such-section/', '/politics/no-such-article', '/static/nothing.css']) {
      const nf = await getText(srv.url(p));
      assert.equal(nf.status, 404, `${p} is 404`);
      if (p.startsWith('/static/')) continue;
      assert.match(nf.headers.get('content-type'), /^text\/html/, `${p}: the 404 is a page`);
      const doc = parseHtml(nf.text);
      assert.equal(attr(qs(doc, 'html'), 'lang'), 'ar');
      assert.equal(attr(qs(doc, 'html'), 'dir'), 'rtl');
      assert.ok(qs(doc, 'a[href="/"]'), 'the 404 page links home');
    }
  });

  test('ETag and If-None-Match give 304; Last-Modified is set', async (t) => {
    if (skipWithoutShared(t)) return;
    for (const p of [ref.url, '/', `/api/v1/articles/${ref.id}`]) {
      const first = await request(srv.url(p));
      assert.equal(first.status, 200);
      const etag = first.headers.etag;
      assert.ok(etag, `${p} has an ETag`);
      const again = await request(srv.url(p), { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304, `${p} with If-None-Match is 304`);
      assert.equal(again.body.length, 0, '304 has no body');
      const other = await request(srv.url(p), { headers: { 'if-none-match': '"not-the-etag"' } });
      assert.equal(other.status, 200, 'another ETag gets the page');
    }
    const page = await request(srv.url(ref.url));
    const lm = page.headers['last-modified'];
    assert.ok(lm, 'the article page has Last-Modified');
    assert.ok(!Number.isNaN(Date.parse(lm)), `Last-Modified is an HTTP date: ${lm}`);
  });

  test('HEAD: the headers of GET and no body', async (t) => {
    if (skipWithoutShared(t)) return;
    const get = await request(srv.url(ref.url));
    const raw = await rawExchange(
      srv.port,
      `HEAD ${ref.url} HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nConnection: close\r\n\r\n`,
    );
    const end = raw.indexOf('\r\n\r\n');
    assert.ok(end > 0, 'a complete header block');
    const head = raw.subarray(0, end).toString('latin1');
    assert.match(head, /^HTTP\/1\.1 200 /);
    assert.equal(raw.length, end + 4, 'nothing follows the headers of a HEAD response');
    const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (cl) assert.equal(Number(cl[1]), get.body.length, 'HEAD announces the GET length');
    assert.match(head, /\r\ncontent-type:\s*text\/html/i);
  });

  test('HTTP/1.1 keep-alive: one connection serves several requests', async (t) => {
    if (skipWithoutShared(t)) return;
    const seq = await keepAliveSequence(srv.base, [ref.url, '/', '/static/site.css', '/api/v1/articles']);
    assert.deepEqual(seq.map((r) => r.status), [200, 200, 200, 200]);
    for (const [i, r] of seq.entries()) {
      assert.notEqual(r.connection?.toLowerCase(), 'close', `response ${i + 1} does not close the connection`);
      if (i > 0) assert.ok(r.reused, `request ${i + 1} went out on the same connection`);
    }
  });

  test('gzip when asked: the same bytes, compressed', async (t) => {
    if (skipWithoutShared(t)) return;
    for (const p of [ref.url, '/', '/api/v1/articles']) {
      const plain = await request(srv.url(p));
      assert.equal(plain.headers['content-encoding'] ?? 'identity', 'identity', `${p} without Accept-Encoding is not compressed`);
      const gz = await request(srv.url(p), { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(gz.status, 200);
      assert.equal(gz.headers['content-encoding'], 'gzip', `${p} is gzipped on request`);
      assert.ok(gz.body.length < plain.body.length, 'and smaller');
      assert.ok(zlib.gunzipSync(gz.body).equals(plain.body), `${p}: gunzip gives exactly the identity bytes`);
      assert.match(gz.headers.vary ?? '', /accept-encoding/i, 'Vary: Accept-Encoding');
    }
  });

  test('an import while the server runs shows up on / within 5 s', async (t) => {
    if (skipWithoutShared(t)) return;
    const before1 = await getText(srv.url('/')); // make sure the home page is cached
    const headline = 'خبر جديد وصل أثناء عمل الخادم للتأكد من تحديث الصفحة';
    assert.ok(!before1.text.includes(headline));
    const f = ws.file('late.txt', makePageText({ headline, date: dayAfterNewYear(200), seed: 99 }));
    runOk(['import', 'page-text', f], { db: ws.db });
    const seen = await pollUntil(async () => (await getText(srv.url('/'))).text.includes(headline), { limitMs: 5000 });
    assert.ok(seen, 'the new headline appears on / within 5 s');
    const doc = parseHtml((await getText(srv.url('/'))).text);
    const first = qs(doc, 'main section.cards article.card h2 a');
    assert.equal(text(first), headline, 'and it is first after the lead story (the newest)');
  });

  test('the server stops cleanly on SIGTERM', async (t) => {
    if (skipWithoutShared(t)) return;
    const { code, signal } = await srv.stop();
    assert.equal(signal, null, 'it exits by itself, not killed by the signal');
    assert.equal(code, 0, `exit status 0 (stderr: ${srv.stderr().slice(-2000)})`);
    assertNoSanitizerReport(srv.stderr(), 'khabar serve');
  });
});

