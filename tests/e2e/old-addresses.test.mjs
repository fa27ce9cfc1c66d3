// old-addresses.test.mjs — a site moving to khabar keeps the links the web has, whatever it
// was imported with: `import jsonl` records whose key (external_id, else url) is an address
// of this site, and `import html` pages whose canonical URL or saved-from address is, become
// 301 redirects to the new article URL (WordPress's "/?p=N" included); addresses of other
// hosts do not.  "This site" is site.base_url's host; a site path always is.
//
// Articles and pages of our own writing.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getJson, request, runOk, startServer, tempWorkspace } from './helpers.mjs';

const jsonl = (v) => v.map((x) => JSON.stringify(x)).join('\n') + '\n';
const body = '<p>نص الخبر كما كتبناه للاختبار، فقرة تكفي ليكون مقالا.</p>';

function page(headline, canonical) {
  return `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>${headline}</title>
<meta property="og:title" content="${headline}">
<meta property="article:published_time" content="2020-10-07T12:09:00+03:00">
<meta property="article:section" content="محليات">
${canonical ? `<link rel="canonical" href="${canonical}">` : ''}
</head><body><article><h1>${headline}</h1>
<p>أقر المجلس البلدي مساء أمس خطة لإنشاء خمس حدائق عامة في الأحياء الشرقية، على أن يبدأ العمل فيها قبل الصيف المقبل.</p>
<p>وقال رئيس المجلس إن التمويل يأتي من ميزانية البلدية ومن تبرعات السكان، وإن الكلفة لن تتجاوز المبلغ المرصود.</p>
</article></body></html>
`;
}

describe('old addresses from import jsonl and import html', () => {
  let ws;
  let srv;
  let articles;
  const by = (h) => articles.find((a) => a.headline === h);

  before(async () => {
    ws = tempWorkspace();
    runOk(['init'], { db: ws.db });
    runOk(['config', 'site.base_url', 'https://news.example'], { db: ws.db });
    const records = [
      { url: 'https://news.example/2019/05/old-story.html', headline: 'خبر قديم بعنوان جديد', section: 'محليات',
        body_html: body, published: '2019-05-01T10:00:00+03:00' },
      { external_id: 'http://NEWS.example/?p=77&utm_source=x', headline: 'خبر برقم ووردبريس', section: 'محليات',
        body_html: body, published: '2019-05-02T10:00:00+03:00' },
      { url: 'https://other.example/2019/05/theirs', headline: 'خبر من موقع آخر', section: 'محليات',
        body_html: body, published: '2019-05-03T10:00:00+03:00' },
      { url: '/archive/2018/%D8%AE%D8%A8%D8%B1', headline: 'خبر بمسار عربي', section: 'محليات',
        body_html: body, published: '2018-01-03T10:00:00+03:00' },
    ];
    const r = runOk(['import', 'jsonl', ws.file('a.jsonl', jsonl(records))], { db: ws.db });
    assert.match(r.stdout, /4 created/);
    ws.file('saved/parks.html', page('حدائق جديدة في الأحياء الشرقية', 'https://news.example/local/2020/parks.html'));
    ws.file('saved/elsewhere.html', page('صفحة من موقع آخر محفوظة', 'https://madina.example/local/x'));
    ws.file('saved/nocanon.html', page('صفحة بلا رابط أصلي', ''));
    const list = ws.file('saved/list.txt',
      'parks.html\nelsewhere.html\nnocanon.html\thttps://news.example/local/2020/nocanon/\n');
    runOk(['import', 'html', '--url-list', list], { db: ws.db });
    srv = await startServer(ws.db);
    articles = (await getJson(srv.url('/api/v1/articles?per_page=100'))).json.articles;
    assert.equal(articles.length, 7);
  });
  after(async () => {
    await srv?.stop();
    ws?.cleanup();
  });

  /** `old` answers 301 to the article headed `h`, which then answers 200. */
  async function redirects(old, h) {
    const a = by(h);
    assert.ok(a, h);
    const r = await request(srv.url(old));
    assert.equal(r.status, 301, old);
    assert.equal(decodeURIComponent(r.headers.location), decodeURIComponent(a.url), old);
    const followed = await fetch(srv.url(old));
    assert.equal(followed.status, 200, `${old} followed`);
    assert.ok((await followed.text()).includes(h), `${old} ends at the article`);
  }

  test('jsonl: a key on this host, WordPress ids and site paths redirect; other hosts do not', async () => {
    await redirects('/2019/05/old-story.html', 'خبر قديم بعنوان جديد');
    await redirects('/?p=77', 'خبر برقم ووردبريس');
    await redirects('/?utm_medium=mail&p=77', 'خبر برقم ووردبريس');
    await redirects(`/archive/2018/${encodeURIComponent('خبر')}/`, 'خبر بمسار عربي');
    await redirects('/archive/2018/خبر', 'خبر بمسار عربي');
    assert.equal((await request(srv.url('/2019/05/theirs'))).status, 404, 'another host\'s path');
    assert.equal((await request(srv.url('/?p=78'))).status, 404);
  });

  test('html: the canonical URL and the saved-from address on this host redirect', async () => {
    await redirects('/local/2020/parks.html', 'حدائق جديدة في الأحياء الشرقية');
    await redirects('/local/2020/nocanon', 'صفحة بلا رابط أصلي');
    assert.equal((await request(srv.url('/local/x'))).status, 404, 'madina.example is not this site');
  });
});
