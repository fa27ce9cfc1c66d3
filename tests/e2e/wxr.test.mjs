// wxr.test.mjs — `khabar import wxr` as a user runs it: the summary and its reasons, what
// the running site then serves, idempotent re-runs, --dry-run, and refusals that leave the
// database exactly as it was (malformed XML naming its line, a DTD with entities, a file
// that is not an export).  Our own small exports are written into a temp dir.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dbFingerprint, getJson, run, runOk, startServer, tempWorkspace } from './helpers.mjs';

const HEAD = `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>sara</wp:author_login><wp:author_display_name>سارة علي</wp:author_display_name></wp:author>
<wp:category><wp:category_nicename>%d8%b3%d9%8a%d8%a7%d8%b3%d8%a9</wp:category_nicename><wp:cat_name>سياسة</wp:cat_name></wp:category>
`;

function post(i, { status = 'publish', title = `خبر رقم ${i}` } = {}) {
  return `<item><title>${title}</title><link>https://old.example/?p=${i}</link><dc:creator>sara</dc:creator>
<content:encoded><![CDATA[الفقرة الأولى ${i}

الفقرة الثانية]]></content:encoded><wp:post_id>${i}</wp:post_id>
<wp:post_date>2024-03-0${i} 12:00:00</wp:post_date><wp:post_date_gmt>2024-03-0${i} 09:00:00</wp:post_date_gmt>
<wp:post_name>%d8%ae%d8%a8%d8%b1-${i}</wp:post_name><wp:status>${status}</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="%d8%b3%d9%8a%d8%a7%d8%b3%d8%a9"><![CDATA[سياسة]]></category></item>
`;
}

const EXPORT = HEAD + post(1) + post(2) + post(3, { status: 'private' }) + '</channel></rss>\n';

describe('import wxr', () => {
  test('imports, serves, and a re-run changes nothing', async () => {
    const ws = tempWorkspace();
    try {
      const file = ws.file('site.xml', EXPORT);
      const r = runOk(['import', 'wxr', file], { db: ws.db });
      assert.match(r.stdout, /^2 created, 0 updated, 0 unchanged, 1 skipped$/m);
      assert.match(r.stdout, /^ {2}1 private post: line \d+$/m);
      assert.match(r.stdout, /1 sections created/);
      const before = dbFingerprint(ws.db);
      const again = runOk(['import', 'wxr', '-q', file], { db: ws.db });
      assert.match(again.stdout, /^0 created, 0 updated, 2 unchanged, 1 skipped$/m);
      assert.equal(dbFingerprint(ws.db), before);

      const srv = await startServer(ws.db);
      try {
        const list = (await getJson(srv.url('/api/v1/articles'))).json;
        assert.equal(list.total, 2);
        const a = list.articles.find((x) => x.headline === 'خبر رقم 1');
        assert.ok(a, 'the post is served');
        assert.equal(a.slug, 'خبر-1');
        assert.equal(a.section.name, 'سياسة');
        assert.equal(a.byline, 'سارة علي');
        assert.equal(a.published, '2024-03-01T12:00:00+03:00');
      } finally {
        await srv.stop();
      }
    } finally {
      ws.cleanup();
    }
  });

  test('--dry-run counts and writes nothing', () => {
    const ws = tempWorkspace();
    try {
      runOk(['init'], { db: ws.db });
      const before = dbFingerprint(ws.db);
      const r = runOk(['import', 'wxr', '--dry-run', ws.file('site.xml', EXPORT)], { db: ws.db });
      assert.match(r.stdout, /^dry run, nothing written: 2 created/m);
      assert.equal(dbFingerprint(ws.db), before);
    } finally {
      ws.cleanup();
    }
  });

  const broken = HEAD + post(1) + post(2).replace('</title>', '</titel>') + '</channel></rss>\n';
  const brokenLine = broken.slice(0, broken.indexOf('</titel>')).split('\n').length;
  const refusals = [
    ['malformed XML names its line', broken, new RegExp(`:${brokenLine}: malformed XML: opening and ending tag mismatch`)],
    ['billion laughs is refused before any expansion', `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<rss><channel><title>&c;</title></channel></rss>\n`, /document type declaration/],
    ['an external entity is never read', `<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<rss><channel><title>&x;</title></channel></rss>\n`, /document type declaration/],
    ['a feed that is not an export', `<?xml version="1.0"?>\n<rss><channel><item><title>x</title></item></channel></rss>\n`, /no wp:wxr_version/],
  ];
  for (const [name, xml, message] of refusals) {
    test(name, () => {
      const ws = tempWorkspace();
      try {
        runOk(['import', 'wxr', ws.file('first.xml', EXPORT)], { db: ws.db });
        const before = dbFingerprint(ws.db);
        const r = run(['import', 'wxr', ws.file('bad.xml', xml)], { db: ws.db });
        assert.equal(r.status, 1);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /nothing was written/);
        assert.doesNotMatch(r.stderr + r.stdout, /root:/, 'no /etc/passwd content');
        assert.equal(dbFingerprint(ws.db), before, 'the database is exactly as before');
      } finally {
        ws.cleanup();
      }
    });
  }

  test('usage errors', () => {
    assert.equal(run(['import', 'wxr']).status, 2);
    assert.equal(run(['import', 'wxr', '--bogus', 'x.xml']).status, 2);
    assert.match(runOk(['import', 'wxr', '--help']).stdout, /WordPress export/);
  });
});
