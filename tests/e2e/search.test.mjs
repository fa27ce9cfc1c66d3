// search.test.mjs — search end to end: articles imported with `import jsonl`, then the
// /search page, /api/v1/search, `khabar search` and `khabar reindex` as a reader or a
// script sees them, and hostile queries over HTTP (never a 500).
//
// The articles are our own writing, written to a temp dir by the suite; nothing here needs
// ../shared.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getJson, getText, request, runOk, startServer, tempWorkspace } from './helpers.mjs';

const ARTICLES = [
  {
    id: 'e2e-search-1',
    title: 'وزير الخارجية يصل إلى أنقرة',
    lede: 'زيارة رسمية تستمر يومين.',
    body: 'وصل وزير الخارجية إلى أنقرة صباح اليوم في زيارة رسمية.\nوبحث الجانبان ملف أوكرانيا والتعاون الاقتصادي.',
    category: 'سياسة',
    published: '2024-11-10T09:00:00+03:00',
  },
  {
    id: 'e2e-search-2',
    title: 'افتتاح معرض الكتاب',
    lede: 'دور نشر من عشرين دولة.',
    body: 'افتتح معرض الكتاب أبوابه للزوار.\nويشارك فيه ناشرون من مصر والأردن ولبنان.',
    category: 'ثقافة',
    published: '2024-11-11T09:00:00+03:00',
  },
  {
    id: 'e2e-search-3',
    title: 'مسودة لم تنشر عن أوكرانيا',
    body: 'نص تجريبي.',
    category: 'سياسة',
    status: 'draft',
  },
];

describe('search', () => {
  let ws;
  let server;
  before(async () => {
    ws = tempWorkspace('khabar-e2e-search-');
    const file = ws.file('a.jsonl', ARTICLES.map((a) => JSON.stringify(a)).join('\n') + '\n');
    runOk(['init'], { db: ws.db });
    runOk(['import', 'jsonl', '--quiet', file], { db: ws.db });
    server = await startServer(ws.db);
  });
  after(async () => {
    if (server) await server.stop();
    if (ws) ws.cleanup();
  });

  test('the search box is on the home page', async () => {
    const { text } = await getText(server.url('/'));
    assert.match(text, /<form[^>]*action="\/search"/);
    assert.match(text, /name="q"/);
  });

  test('/search finds another spelling and marks the reader\'s own', async () => {
    const { status, text } = await getText(server.url('/search?q=' + encodeURIComponent('اوكرانيا')));
    assert.equal(status, 200);
    assert.match(text, /dir="rtl"/);
    assert.match(text, /وزير الخارجية يصل إلى أنقرة/);
    assert.match(text, /<mark>أوكرانيا<\/mark>/);
    assert.match(text, /نتيجة واحدة/);
    assert.doesNotMatch(text, /مسودة لم تنشر/); // drafts are never found
  });

  test('/api/v1/search answers the documented JSON', async () => {
    const { status, json } = await getJson(server.url('/api/v1/search?q=' + encodeURIComponent('الكتاب')));
    assert.equal(status, 200);
    assert.equal(json.query, 'الكتاب');
    assert.equal(json.total, 1);
    assert.equal(json.page, 1);
    const [h] = json.hits;
    assert.equal(h.headline, 'افتتاح معرض الكتاب');
    assert.match(h.url, /^\/[^/]+\/[^/]+$/);
    assert.equal(typeof h.id, 'number');
    assert.equal(typeof h.score, 'number');
    assert.match(h.snippet, /<mark>/);
    assert.equal(h.published, '2024-11-11T09:00:00+03:00');
    const page = await getText(server.url(h.url));
    assert.equal(page.status, 200);
  });

  test('no results: an honest page with suggestions', async () => {
    const { status, text } = await getText(
      server.url('/search?q=' + encodeURIComponent('غواصة section:nowhere')),
    );
    assert.equal(status, 200);
    assert.match(text, /search-suggestions/);
    assert.match(text, /href="\/search\?q=%D8%BA/); // the query without its filter
  });

  test('hostile queries never produce a 500', async () => {
    const hostile = [
      '"', '""', '-', '--', '*', '**', 'NEAR(', 'NEAR(a b, 2)', '^', ':', 'headline:x', '(', ')',
      'a AND', 'NOT', '"unclosed', '-"', 'section:', 'from:2024-02-30', '\\', "'", '{a b}:c',
      'أ'.repeat(300), Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' '),
      'x'.repeat(10 * 1024),
    ];
    const raw = ['%00', 'a%00NEAR(', '%FF%FE', '%C0%AF', '%ED%A0%80', '%E2%80', '%', '%ZZ', '+++'];
    const urls = [];
    for (const q of hostile) {
      urls.push('/search?q=' + encodeURIComponent(q), '/api/v1/search?q=' + encodeURIComponent(q));
    }
    for (const q of raw) urls.push('/search?q=' + q, '/api/v1/search?q=' + q);
    urls.push('/search?q=x&page=abc', '/search?q=x&page=999999999', '/search?q=x&sort=zzz', '/search');
    for (const u of urls) {
      const res = await request(server.url(u));
      assert.equal(res.status, 200, `${u.slice(0, 80)} → ${res.status}`);
      if (u.startsWith('/api/') && res.status === 200) {
        const j = JSON.parse(res.body.toString('utf8'));
        assert.ok(Array.isArray(j.hits), u);
      }
    }
    // 10 KB of Arabic is 60 KB percent-encoded: past libmicrohttpd's request-line limit
    // (the connection memory), which refuses it with 414 — never a 500.
    const huge = await request(server.url('/search?q=' + encodeURIComponent('بحث '.repeat(2600))));
    assert.notEqual(huge.status, 500);
    // Still serving.
    const { status } = await getText(server.url('/healthz'));
    assert.equal(status, 200);
  });

  test('khabar search prints results, --json the API object; reindex rebuilds', () => {
    const text = runOk(['search', 'انقرة'], { db: ws.db }).stdout;
    assert.match(text, /وزير الخارجية يصل إلى أنقرة/);
    const json = JSON.parse(runOk(['search', '--json', '--limit', '1', 'معرض'], { db: ws.db }).stdout);
    assert.equal(json.hits.length, 1);
    assert.equal(json.per_page, 1);
    const r = runOk(['reindex'], { db: ws.db });
    assert.match(r.stdout, /reindexed 3 articles/);
    const again = JSON.parse(runOk(['search', '--json', 'معرض'], { db: ws.db }).stdout);
    assert.equal(again.total, 1);
  });

  test('the in-memory ranker follows a write from another process', async () => {
    let last;
    const until = async (what, ok) => {
      const t0 = Date.now();
      for (;;) {
        const v = await ok();
        if (v) return v;
        if (Date.now() - t0 > 15_000) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // the index is built when a search first asks for it
    await until('the first index', async () => {
      await getJson(server.url('/api/v1/search?q=' + encodeURIComponent('المرصد')));
      return /search index: /.test(server.stderr());
    });
    assert.match(server.stderr(), /search index: 3 articles, \d+ terms/);
    const q = '/api/v1/search?q=' + encodeURIComponent('المرصد');
    assert.equal((await getJson(server.url(q))).json.total, 0);
    const file = ws.file('b.jsonl', JSON.stringify({
      id: 'e2e-search-4',
      title: 'افتتاح المرصد الفلكي',
      body: 'افتتح المرصد الفلكي الجديد أمام الزوار.',
      category: 'ثقافة',
      published: '2024-11-12T09:00:00+03:00',
    }) + '\n');
    runOk(['import', 'jsonl', '--quiet', file], { db: ws.db });
    // found at once (through FTS5 while the index is rebuilt), then through the new index
    const found = await until('the new article', async () => {
      const r = await getJson(server.url(q));
      last = r.json;
      return r.json.total === 1 ? r.json : null;
    });
    assert.match(found.hits[0].snippet, /<mark>المرصد<\/mark>/);
    // (an earlier test's reindex may have asked for a rebuild of its own: wait for this one)
    await until('an index with the new article', () => /search index: 4 articles/.test(server.stderr()));
    // applied from the change log (migration 11), not rebuilt
    assert.match(server.stderr(), /search index: 4 articles, [\d.]+ MiB, updated \(\d+ changed, \d+ in the delta\) in [\d.]+ ms/);
    const after = (await getJson(server.url(q))).json;
    assert.deepEqual(after, found);
  });
});
