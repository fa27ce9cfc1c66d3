// html.test.mjs — `khabar import html` as a user runs it: saved pages of our own writing
// are imported and served (headline, lede, byline, date with its offset, body without the
// page's menus, share bar, related list and comments); a re-run leaves the database as it
// was; --dry-run writes nothing; --url-list reads paths relative to the list; --section
// puts the pages in an existing section; a bad file (empty, binary, no article) is named
// in the error and nothing from the command is written.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dbFingerprint, getJson, getText, run, runOk, startServer, tempWorkspace } from './helpers.mjs';

function page({ headline, url, date = 'الأربعاء، 07 أكتوبر 2020 - 12:09 م', section = 'محليات', extra = '' }) {
  return `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>${headline} | صحيفة المدينة</title>
<meta property="og:title" content="${headline}">
<meta property="og:description" content="خطة لخمس حدائق في الأحياء الشرقية قبل الصيف المقبل.">
<meta property="og:site_name" content="صحيفة المدينة">
<meta property="article:published_time" content="${date}">
<meta property="article:section" content="${section}">
<meta name="author" content="بقلم: سلمى حداد">
<link rel="canonical" href="${url}">
</head><body>
<nav class="main-menu"><ul><li><a href="/">الرئيسية</a></li><li><a href="/local/">محليات</a></li></ul></nav>
<article><h1>${headline}</h1>
<div class="share-tools"><a href="https://facebook.com/sharer">شارك على فيسبوك</a></div>
<figure><img src="/images/park.jpg" alt="حديقة"><figcaption>حديقة الحي الشرقي / صورة: المدينة</figcaption></figure>
<p>أقر المجلس البلدي مساء أمس خطة لإنشاء خمس حدائق عامة في الأحياء الشرقية، على أن يبدأ العمل فيها قبل الصيف المقبل.</p>
<h2>التمويل</h2>
<p>وقال رئيس المجلس إن التمويل يأتي من ميزانية البلدية ومن تبرعات السكان، وإن الكلفة لن تتجاوز المبلغ المرصود.</p>
${extra}
</article>
<aside class="related"><h3>اقرأ أيضا</h3><ul><li><a href="/a">افتتاح مكتبة عامة جديدة في وسط المدينة بعد سنوات من الانتظار</a></li></ul></aside>
<div id="comments"><p>تعليق من قارئ: خبر رائع، ننتظر الحدائق منذ زمن طويل، شكرا للمجلس على القرار.</p></div>
<footer>جميع الحقوق محفوظة</footer></body></html>
`;
}

const A = page({ headline: 'المجلس البلدي يقر خطة الحدائق', url: 'https://madina.example/local/parks' });
const B = page({
  headline: 'افتتاح سوق الخضار الجديد',
  url: 'https://madina.example/local/market',
  date: '2021-03-02T09:15:00+02:00',
});

describe('import html', () => {
  test('imports, serves, and a re-run changes nothing', async () => {
    const ws = tempWorkspace();
    try {
      const a = ws.file('pages/parks.html', A);
      const b = ws.file('pages/market.html', B);
      const r = runOk(['import', 'html', a, b], { db: ws.db });
      assert.match(r.stdout, /^2 created, 0 updated, 0 unchanged, 0 skipped, 1 sections created$/m);
      assert.match(r.stdout, /parks\.html: "المجلس البلدي يقر خطة الحدائق"; not found: modified/);
      const before = dbFingerprint(ws.db);
      const again = runOk(['import', 'html', '-q', a, b], { db: ws.db });
      assert.match(again.stdout, /^0 created, 0 updated, 2 unchanged, 0 skipped/m);
      assert.equal(dbFingerprint(ws.db), before);

      const srv = await startServer(ws.db);
      try {
        const list = (await getJson(srv.url('/api/v1/articles'))).json;
        assert.equal(list.total, 2);
        const meta = list.articles.find((x) => x.headline === 'المجلس البلدي يقر خطة الحدائق');
        assert.ok(meta, 'the page is served');
        const one = (await getJson(srv.url(`/api/v1/articles/${meta.id}`))).json;
        const art = one.article ?? one;
        assert.equal(art.section.slug, 'local'); // محليات, a built-in name
        assert.equal(art.lede, 'خطة لخمس حدائق في الأحياء الشرقية قبل الصيف المقبل.');
        assert.equal(art.byline, 'سلمى حداد');
        assert.equal(art.source, 'صحيفة المدينة');
        assert.equal(art.language, 'ar');
        assert.equal(art.published, '2020-10-07T12:09:00+03:00'); // no offset on the page: the site's zone
        assert.equal(art.image.src, 'https://madina.example/images/park.jpg');
        assert.equal(art.image.caption, 'حديقة الحي الشرقي');
        assert.equal(art.image.credit, 'المدينة');
        assert.match(art.body_html, /<h2>التمويل<\/h2>/);
        for (const junk of ['الرئيسية', 'فيسبوك', 'مكتبة', 'تعليق', 'محفوظة']) {
          assert.ok(!art.body_html.includes(junk), `"${junk}" left out of the body`);
        }
        const market = list.articles.find((x) => x.headline === 'افتتاح سوق الخضار الجديد');
        assert.equal(market.published, '2021-03-02T09:15:00+02:00'); // the page's own offset
        const html = await getText(srv.url(meta.url));
        assert.equal(html.status, 200);
        assert.match(html.text, /أقر المجلس البلدي مساء أمس/);
      } finally {
        await srv.stop();
      }
    } finally {
      ws.cleanup();
    }
  });

  test('a changed page updates its article; --dry-run writes nothing', () => {
    const ws = tempWorkspace();
    try {
      const a = ws.file('parks.html', A);
      runOk(['init'], { db: ws.db });
      const before = dbFingerprint(ws.db);
      const dry = runOk(['import', 'html', '--dry-run', a], { db: ws.db });
      assert.match(dry.stdout, /^dry run, nothing written: 1 created/m);
      assert.match(dry.stdout, /would be created/);
      assert.equal(dbFingerprint(ws.db), before);
      runOk(['import', 'html', a], { db: ws.db });
      ws.file('parks.html', A.replace('</article>', '<p>وأضاف أن الحدائق ستفتح أبوابها للجميع مجانا طوال أيام الأسبوع.</p></article>'));
      const upd = runOk(['import', 'html', a], { db: ws.db });
      assert.match(upd.stdout, /^0 created, 1 updated, 0 unchanged/m);
    } finally {
      ws.cleanup();
    }
  });

  test('--url-list and --section', () => {
    const ws = tempWorkspace();
    try {
      ws.file('saved/parks.html', A);
      ws.file('saved/market.html', B);
      ws.file('saved/nocanon.html', page({ headline: 'صفحة بلا عنوان أصلي', url: '' }));
      const list = ws.file('saved/list.txt', '# pages saved on Monday\nparks.html\n\nfile://' + ws.dir +
        '/saved/market.html\nnocanon.html\thttps://madina.example/local/nocanon\n');
      runOk(['init'], { db: ws.db });
      runOk(['import', 'page-text', ws.file('x.txt', 'اقتصاد\nعنوان\nمقدمة\n13 نوفمبر 2024\nفقرة أولى من النص.\n')], { db: ws.db });
      const r = runOk(['import', 'html', '--url-list', list, '--section', 'economy'], { db: ws.db });
      assert.match(r.stdout, /^3 created, 0 updated, 0 unchanged, 0 skipped, 0 sections created$/m);
      assert.match(r.stdout, /-> created \/economy\//);
      // the address after the TAB stands in for the missing canonical URL
      assert.match(r.stdout, /nocanon\.html: "صفحة بلا عنوان أصلي"; not found: modified\n/);
      const again = runOk(['import', 'html', '-q', '--url-list', list, '--section', 'economy'], { db: ws.db });
      assert.match(again.stdout, /^0 created, 0 updated, 3 unchanged/m);
      const bad = run(['import', 'html', '--section', 'nope', list.replace('list.txt', 'parks.html')], { db: ws.db });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /no section 'nope'/);
      const url = run(['import', 'html', '--url-list', ws.file('urls.txt', 'https://madina.example/x\n')], { db: ws.db });
      assert.equal(url.status, 1);
      assert.match(url.stderr, /line 1: .* is a URL/);
    } finally {
      ws.cleanup();
    }
  });

  test('a bad file is named and nothing is written', () => {
    const ws = tempWorkspace();
    try {
      const good = ws.file('good.html', A);
      runOk(['init'], { db: ws.db });
      const before = dbFingerprint(ws.db);
      const cases = [
        ['empty.html', '', /empty\.html.*empty file/],
        ['binary.html', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), /binary\.html.*NUL bytes/],
        ['menu.html', '<nav><a href="/">Home</a> <a href="/news">News</a></nav>', /menu\.html.*(no headline|no article text)/],
      ];
      for (const [name, content, re] of cases) {
        const bad = ws.file(name, content);
        const r = run(['import', 'html', good, bad], { db: ws.db });
        assert.equal(r.status, 1, name);
        assert.match(r.stderr, re);
        assert.match(r.stderr, /nothing was written/);
        assert.equal(dbFingerprint(ws.db), before, name);
      }
      const missing = run(['import', 'html', ws.dir + '/absent.html'], { db: ws.db });
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /absent\.html/);
      const usage = run(['import', 'html'], { db: ws.db });
      assert.equal(usage.status, 2);
      assert.match(runOk(['import', 'html', '--help']).stdout, /--url-list FILE/);
    } finally {
      ws.cleanup();
    }
  });
});
