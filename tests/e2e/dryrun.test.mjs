// dryrun.test.mjs — every importer honours --dry-run: it reports what would happen, says
// "dry run, nothing written", and leaves the database byte for byte as it was; the same
// command without --dry-run then writes what the dry run announced.  One small input of our
// own writing per format: page-text, jsonl, wxr, ninjs, html.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, dayAfterNewYear, dbFingerprint, makePageText, runOk, tempWorkspace } from './helpers.mjs';

const HTML = `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>افتتاح مكتبة جديدة في المدينة</title>
<meta property="og:title" content="افتتاح مكتبة جديدة في المدينة">
<meta property="article:published_time" content="2024-05-02T09:00:00+03:00">
<link rel="canonical" href="https://news.example/culture/library"></head><body><article>
<h1>افتتاح مكتبة جديدة في المدينة</h1><time datetime="2024-05-02T09:00:00+03:00">2 مايو 2024</time>
<p>افتتحت البلدية صباح اليوم مكتبة عامة جديدة في وسط المدينة تضم آلاف الكتب للقراء من كل الأعمار.</p>
<p>وقال مدير المكتبة إن أبوابها ستبقى مفتوحة حتى المساء طوال أيام الأسبوع لخدمة الطلاب والباحثين.</p>
<p>وتضم المكتبة قاعة للأطفال وأخرى للقراءة الهادئة إلى جانب ركن للصحف والمجلات اليومية.</p>
</article></body></html>
`;

const inputs = {
  'page-text': ['page.txt', makePageText({ headline: 'خبر للتجربة الجافة', date: dayAfterNewYear(9), seed: 9 })],
  jsonl: ['a.jsonl', `${JSON.stringify({ headline: 'خبر بصيغة الأسطر', body_html: '<p>نص قصير للتجربة.</p>', section: 'سياسة', external_id: 'dry-jsonl-1' })}\n`],
  wxr: ['site.xml', fs.readFileSync(path.join(REPO, 'tests', 'fixtures', 'wxr', 'arabic-news.xml'))],
  ninjs: ['item.json', JSON.stringify({ uri: 'urn:khabar-test:dry-1', type: 'text', version: '1', versioncreated: '2024-05-01T10:00:00Z', pubstatus: 'usable', language: 'ar', headline: 'خبر من وكالة للتجربة', body_html: '<p>نص الخبر من الوكالة للتجربة فقط.</p>' })],
  html: ['page.html', HTML],
};

for (const [format, [name, content]] of Object.entries(inputs)) {
  test(`import ${format} --dry-run writes nothing, then the import writes what it announced`, () => {
    const ws = tempWorkspace();
    try {
      runOk(['init'], { db: ws.db });
      const before = dbFingerprint(ws.db);
      const file = ws.file(name, content);
      const dry = runOk(['import', format, '--dry-run', file], { db: ws.db });
      const m = /^dry run, nothing written: (\d+) created/m.exec(dry.stdout);
      assert.ok(m, `says so: ${dry.stdout}`);
      assert.ok(Number(m[1]) >= 1, 'it had something to write');
      assert.equal(dbFingerprint(ws.db), before, 'the database is exactly as before');
      const real = runOk(['import', format, file], { db: ws.db });
      assert.match(real.stdout, new RegExp(`^${m[1]} created`, 'm'), real.stdout);
      assert.notEqual(dbFingerprint(ws.db), before);
    } finally {
      ws.cleanup();
    }
  });
}
