// export.test.mjs — `khabar export jsonl`: everything out and back in, losslessly.
//
// A database with every kind of content is built the way a newsroom builds it — the admin
// API (Arabic articles with tags and photos, a draft, a scheduled one, edits that make
// revisions, one in the trash, a translation, an uploaded photo), an imported ninjs item
// (its origin), a corpus line (its external id), a WordPress export (nested sections, old
// addresses that redirect, authors as users without passwords), a setting — then exported, imported into an empty database and exported
// again: the two exports must be the same bytes.  Also: re-import changes nothing, .gz and
// .xz outputs read back the same, a failed export leaves no file, and bad export files are
// refused with the line and the reason while the database stays exactly as it was.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO, addUser, api, dbFingerprint, login, run, runOk, startServer, tempWorkspace } from './helpers.mjs';

const PW = 'export-test-password-1';
let ws;
let e1; // the first export, as text
const counts = {};

function records(text) {
  return text.trimEnd().split('\n').map((l) => JSON.parse(l));
}

before(async () => {
  ws = tempWorkspace('khabar-export-');
  runOk(['init'], { db: ws.db });
  addUser(ws.db, 'rana', 'editor', PW);
  addUser(ws.db, 'omar', 'author', PW);
  runOk(['config', 'site.name', 'خبر اليوم'], { db: ws.db });

  const server = await startServer(ws.db);
  try {
    const base = server.base;
    const rana = await login(base, 'rana', PW);
    const omar = await login(base, 'omar', PW);
    assert.equal(rana.status, 200);
    let r = await api(base, 'POST', '/api/v1/sections', { session: rana, body: { slug: 'politics', name: 'سياسة' } });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const mk = async (who, extra) => {
      const res = await api(base, 'POST', '/api/v1/articles', {
        session: who,
        body: {
          headline: 'خبر تجريبي',
          lede: 'موجز الخبر في سطر.',
          section: 'politics',
          body_html: '<p>الفقرة الأولى.</p><h2>عنوان فرعي</h2><p>الفقرة الثانية مع <a href="https://example.org/x">رابط</a>.</p>',
          ...extra,
        },
      });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      return res.json;
    };
    // Published, Arabic, tags and a photo with every image field, then edited twice.
    const pub = await mk(rana, {
      headline: 'افتتاح جسر جديد على النهر',
      status: 'published',
      published: '2024-11-13T09:00:00+03:00',
      tags: ['نقل', 'مدن'],
      byline: 'رنا سالم',
      source: 'خبر - وكالات',
      image: { src: '/media/bridge.jpg', alt: 'الجسر الجديد', caption: 'الجسر عند الافتتاح', credit: 'صورة: خبر', copyright: 'خبر' },
    });
    r = await api(base, 'PATCH', `/api/v1/articles/${pub.id}`, { session: rana, body: { lede: 'موجز معدل.', version: pub.version } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    r = await api(base, 'PATCH', `/api/v1/articles/${pub.id}`, { session: rana, body: { tags: ['نقل'], version: r.json.version } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    await mk(omar, { headline: 'مسودة لم تنشر بعد' }); // a draft by an author
    await mk(rana, { headline: 'خبر مجدول للغد', status: 'scheduled', published: '2099-01-01T06:00:00Z' });
    const gone = await mk(rana, { headline: 'خبر سيحذف', status: 'published', published: '2024-01-02T10:00:00Z' });
    r = await api(base, 'DELETE', `/api/v1/articles/${gone.id}`, { session: rana });
    assert.ok(r.status === 200 || r.status === 204, `trash: ${r.status} ${JSON.stringify(r.json)}`);
    // An English translation of the bridge story (hreflang group).
    await mk(rana, {
      headline: 'New bridge opens over the river', language: 'en', status: 'published',
      published: '2024-11-13T10:00:00+03:00', translations: [{ id: pub.id }],
      body_html: '<p>The bridge opened on Wednesday.</p>',
    });
    // An uploaded photo (the media table), made with ImageMagick like the demo's photos.
    const png = spawnSync('convert', ['-size', '40x30', 'xc:#1a7f5a', 'png:-'], { maxBuffer: 1 << 20 });
    assert.equal(png.status, 0, 'ImageMagick convert makes the test photo');
    const up = await fetch(`${base}/api/v1/media?alt=${encodeURIComponent('صورة تجريبية')}&credit=${encodeURIComponent('خبر')}`, {
      method: 'POST', headers: { Cookie: rana.cookie, 'X-CSRF-Token': rana.csrf }, body: png.stdout,
    });
    assert.equal(up.status, 201, await up.text());
  } finally {
    await server.stop();
  }
  // An agency item (its origin: version, times, located) and a corpus line (external id).
  const item = path.join(ws.dir, 'item.json');
  fs.writeFileSync(item, JSON.stringify({
    uri: 'urn:test:wakala:1', version: '4', versioncreated: '2024-05-01T12:00:00Z', firstcreated: '2024-05-01T11:00:00Z',
    located: 'عمّان', headlines: [{ value: 'خبر من الوكالة' }], bodies: [{ value: 'نص الخبر.' }], language: 'ar',
  }));
  runOk(['import', 'ninjs', item], { db: ws.db });
  const corpus = path.join(ws.dir, 'corpus.jsonl');
  fs.writeFileSync(corpus, JSON.stringify({
    id: 77, url: 'https://old.example/news/77', title: 'خبر من الأرشيف', category: 'economy', body: 'سطر أول\nسطر ثان',
    published: '2019-06-01T08:00:00+03:00',
  }) + '\n');
  runOk(['import', 'jsonl', corpus], { db: ws.db });
  runOk(['import', 'wxr', path.join(REPO, 'fuzz', 'corpus', 'wxr', 'arabic-news-site.xml')], { db: ws.db });

  const out = path.join(ws.dir, 'e1.jsonl');
  const r = runOk(['export', 'jsonl', '--revisions', '--out', out], { db: ws.db });
  assert.match(r.stderr, /12 articles \(1 in the trash\)/);
  e1 = fs.readFileSync(out, 'utf8');
  for (const rec of records(e1)) counts[rec.kind] = (counts[rec.kind] || 0) + 1;
});

after(() => ws?.cleanup());

test('export jsonl holds every kind of record, each with what is stored', () => {
  const recs = records(e1);
  assert.equal(recs[0].kind, 'khabar-export');
  assert.equal(recs[0].format, 1);
  assert.equal(recs[0].articles, 12);
  assert.equal(counts.article, 12);
  assert.equal(counts.media, 1);
  assert.equal(counts.translations, 1);
  const users = recs.filter((x) => x.kind === 'user');
  assert.deepEqual(users.map((u) => u.name), ['hala', 'karim.s', 'omar', 'rana']);
  assert.ok(users.every((u) => !('password' in u) && !JSON.stringify(u).includes('argon2')), 'no password hashes');
  const secs = recs.filter((x) => x.kind === 'section');
  const sec = (slug) => secs.find((x) => x.slug === slug);
  assert.equal(sec('بلديات').parent, 'محليات');
  assert.ok(secs.indexOf(sec('محليات')) < secs.indexOf(sec('بلديات')), 'a parent comes before its children');
  assert.ok(recs.some((x) => x.kind === 'article' && x.redirects.length > 0), 'old WordPress addresses kept');
  const media = recs.find((x) => x.kind === 'media');
  assert.equal(media.alt, 'صورة تجريبية');
  assert.equal(media.uploader, 'rana');
  assert.ok(counts.revision >= 2, `revisions: ${counts.revision}`);
  assert.ok(recs.some((x) => x.kind === 'setting' && x.key === 'site.name' && x.value === 'خبر اليوم'));
  assert.ok(recs.some((x) => x.kind === 'section' && x.slug === 'politics' && x.name === 'سياسة'));
  const arts = recs.filter((x) => x.kind === 'article');
  const byHead = (h) => arts.find((a) => a.headline === h);
  const bridge = byHead('افتتاح جسر جديد على النهر');
  assert.equal(bridge.status, 'published');
  assert.deepEqual(bridge.tags, ['نقل']);
  assert.deepEqual(bridge.image, { src: '/media/bridge.jpg', alt: 'الجسر الجديد', caption: 'الجسر عند الافتتاح', credit: 'صورة: خبر', copyright: 'خبر' });
  assert.equal(bridge.author, 'rana');
  assert.ok(bridge.version >= 3, `version ${bridge.version}`);
  assert.equal(bridge.published, '2024-11-13T09:00:00+03:00');
  assert.equal(byHead('مسودة لم تنشر بعد').status, 'draft');
  assert.equal(byHead('مسودة لم تنشر بعد').author, 'omar');
  assert.equal(byHead('خبر مجدول للغد').status, 'scheduled');
  const trashed = byHead('خبر سيحذف');
  assert.ok(trashed.trashed, 'the trashed article is flagged');
  assert.equal(trashed.trashed_status, 'published');
  const agency = byHead('خبر من الوكالة');
  assert.equal(agency.external_id, 'urn:test:wakala:1');
  assert.deepEqual(agency.origin, { format: 'ninjs', version: '4', versioncreated: '2024-05-01T12:00:00+00:00', firstcreated: '2024-05-01T11:00:00+00:00', located: 'عمّان' });
  assert.equal(byHead('خبر من الأرشيف').external_id, 'https://old.example/news/77');
  const revs = recs.filter((x) => x.kind === 'revision' && x.article === bridge.id);
  assert.ok(revs.length >= 2);
  assert.equal(JSON.parse(revs.at(-1).json).tags.length, 1);
  // Nothing in an export depends on when it was made: exporting again gives the same bytes.
  assert.equal(runOk(['export', 'jsonl', '--revisions'], { db: ws.db }).stdout, e1);
});

test('export -> import into an empty database -> export gives the same bytes', () => {
  const ws2 = tempWorkspace('khabar-export2-');
  try {
    runOk(['init'], { db: ws2.db });
    const file = path.join(ws2.dir, 'e1.jsonl');
    fs.writeFileSync(file, e1);
    const r = runOk(['import', 'jsonl', file], { db: ws2.db });
    assert.match(r.stdout, /^12 created, 0 updated, 0 unchanged, 0 skipped/);
    assert.doesNotMatch(r.stdout, /warnings/);
    const e2 = runOk(['export', 'jsonl', '--revisions'], { db: ws2.db }).stdout;
    assert.equal(e2, e1);
    // The restored site serves: search finds the Arabic article in the new database.
    const hits = JSON.parse(runOk(['search', 'جسر', '--json'], { db: ws2.db }).stdout);
    assert.ok(JSON.stringify(hits).includes('افتتاح جسر جديد على النهر'), 'search index rebuilt by the import');
    // A second import of the same file changes nothing.
    const before = dbFingerprint(ws2.db);
    const again = runOk(['import', 'jsonl', file], { db: ws2.db });
    assert.match(again.stdout, /^0 created, 0 updated, 12 unchanged, 0 skipped/);
    assert.equal(dbFingerprint(ws2.db), before);
  } finally {
    ws2.cleanup();
  }
});

test('compressed exports (.gz, .xz) read back the same', () => {
  for (const ext of ['gz', 'xz']) {
    const ws3 = tempWorkspace('khabar-export3-');
    try {
      const file = path.join(ws3.dir, `e.jsonl.${ext}`);
      runOk(['export', 'jsonl', '--revisions', '--out', file], { db: ws.db });
      const magic = fs.readFileSync(file).subarray(0, 2).toString('hex');
      assert.equal(magic, ext === 'gz' ? '1f8b' : 'fd37');
      runOk(['init'], { db: ws3.db });
      runOk(['import', 'jsonl', file], { db: ws3.db });
      assert.equal(runOk(['export', 'jsonl', '--revisions'], { db: ws3.db }).stdout, e1);
    } finally {
      ws3.cleanup();
    }
  }
});

test('an author the new database does not have is reported, not invented', () => {
  const ws4 = tempWorkspace('khabar-export4-');
  try {
    runOk(['init'], { db: ws4.db });
    const file = path.join(ws4.dir, 'e1.jsonl');
    fs.writeFileSync(file, e1.split('\n').filter((l) => !l.startsWith('{"kind":"user"')).join('\n'));
    const r = runOk(['import', 'jsonl', file], { db: ws4.db });
    assert.match(r.stdout, /unknown author \(left without one\): lines/);
    assert.match(r.stdout, /unknown media uploader/);
  } finally {
    ws4.cleanup();
  }
});

test('bad export files are refused with the line and reason; nothing is written', () => {
  const ws5 = tempWorkspace('khabar-export5-');
  try {
    runOk(['init'], { db: ws5.db });
    const lines = e1.trimEnd().split('\n');
    const cases = [
      ['truncated', lines.slice(0, 4).join('\n') + '\n' + lines[4].slice(0, 40) + '\n', /:5: invalid JSON/],
      ['unknown kind', lines[0] + '\n{"kind":"users","name":"x"}\n', /:2: kind: 'users' is not a record kind/],
      ['wrong type', lines[0] + '\n{"kind":"section","slug":"x","name":7}\n', /:2: name: must be a string/],
      ['bad trash status', lines[0] + '\n' + lines.find((l) => l.includes('"trashed":"')).replace(/"trashed_status":"[a-z]+"/, '"trashed_status":"gone"') + '\n', /trashed_status: 'gone' is not a status/],
      ['newer format', '{"kind":"khabar-export","format":99}\n', /:1: format: export format 99 is newer/],
      ['invalid UTF-8', lines[0] + '\n{"kind":"setting","key":"site.name","value":"\xff"}\n', /:2: invalid UTF-8/],
    ];
    for (const [name, text, re] of cases) {
      const file = path.join(ws5.dir, `${name.replace(/ /g, '-')}.jsonl`);
      fs.writeFileSync(file, name === 'invalid UTF-8' ? Buffer.from(text, 'latin1') : text);
      const before = dbFingerprint(ws5.db);
      const r = run(['import', 'jsonl', file], { db: ws5.db });
      assert.equal(r.status, 1, `${name}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, re, name);
      assert.match(r.stderr, /nothing was written/);
      assert.equal(dbFingerprint(ws5.db), before, `${name}: the database changed`);
    }
  } finally {
    ws5.cleanup();
  }
});

test('export: usage errors exit 2; a failed export leaves no file', () => {
  assert.equal(run(['export'], { db: ws.db }).status, 2);
  assert.match(run(['export', 'csv'], { db: ws.db }).stderr, /khabar: export: csv: unknown format/);
  assert.equal(run(['export', 'jsonl', '--bogus'], { db: ws.db }).status, 2);
  const missing = path.join(ws.dir, 'no-such-dir', 'out.jsonl');
  const r = run(['export', 'jsonl', '--out', missing], { db: ws.db });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /khabar: export: .*out\.jsonl: No such file or directory/);
  assert.ok(!fs.existsSync(missing));
  const nodb = run(['export', 'jsonl'], { db: path.join(ws.dir, 'absent.db') });
  assert.equal(nodb.status, 1);
  assert.match(nodb.stderr, /khabar: export: .*absent\.db/);
});
