// ninjs.test.mjs — `khabar import ninjs` and `khabar export ninjs` end to end.
//
// Agency items of our own writing (Arabic and English; one item, an array, JSON Lines; 2.x
// and 3.x names) are imported and checked field by field through `show --json`; versions
// (newer updates, older is stale), embargoes, withheld and canceled items; dry runs and bad
// files leave the database exactly as it was.  Export: every item of a database with every
// kind of content validates against ../shared/data/ninjs/ninjs-2.2.json with Debian's
// python3-jsonschema, and import -> export -> import is a fixed point.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { REPO, SHARED, dbFingerprint, run, runOk, showJson, tempWorkspace } from './helpers.mjs';

const SCHEMA = path.join(SHARED, 'data', 'ninjs', 'ninjs-2.2.json');
let ws;

const item = (extra = {}) => ({
  uri: 'urn:test:agency:100',
  type: 'text',
  version: '1',
  firstcreated: '2024-11-13T08:00:00+03:00',
  versioncreated: '2024-11-13T08:00:00+03:00',
  pubstatus: 'usable',
  language: 'ar',
  headlines: [{ role: 'main', value: 'افتتاح معرض الكتاب' }, { role: 'sub', value: 'ناشرون من عشرين بلدًا' }],
  bodies: [{ role: 'main', contenttype: 'text/html', value: '<p>الفقرة <b>الأولى</b>.</p><script>alert(1)</script><p onclick="x()">الثانية.</p>' }],
  by: 'مراسل الوكالة',
  located: 'القاهرة',
  infosources: [{ name: 'وكالة المثال' }],
  subjects: [{ name: 'ثقافة', uri: 'http://cv.iptc.org/newscodes/mediatopic/01000000' }, { name: 'كتب' }],
  associations: [{
    name: 'featureimage', uri: 'urn:test:agency:pic:1', type: 'picture',
    headlines: [{ value: 'زوار المعرض' }], descriptions: [{ role: 'caption', value: 'زوار بين الأجنحة' }],
    by: 'مصور الوكالة', copyrightnotice: '© وكالة المثال',
    renditions: [{ name: 'thumb', href: 'https://img.example/t.jpg', width: 100 }, { name: 'original', href: 'https://img.example/o.jpg', width: 2000 }],
  }],
  ...extra,
});

function write(name, value) {
  const file = path.join(ws.dir, name);
  fs.writeFileSync(file, typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value));
  return file;
}

function exportLines(db) {
  return runOk(['export', 'ninjs', '-q'], { db }).stdout;
}

before(() => {
  ws = tempWorkspace('khabar-ninjs-');
  runOk(['init'], { db: ws.db });
});

after(() => ws?.cleanup());

test('an Arabic item maps field by field', () => {
  const r = runOk(['import', 'ninjs', write('one.json', item())], { db: ws.db });
  assert.match(r.stdout, /^1 created, 0 updated, 0 unchanged, 0 skipped/);
  const a = showJson(ws.db, 'افتتاح-معرض-الكتاب');
  assert.equal(a.headline, 'افتتاح معرض الكتاب');
  assert.equal(a.lede, 'ناشرون من عشرين بلدًا', 'the sub headline is the lede when there is no description');
  assert.equal(a.body_html, '<p>الفقرة <strong>الأولى</strong>.</p><p>الثانية.</p>', 'sanitized');
  assert.equal(a.byline, 'مراسل الوكالة');
  assert.equal(a.source, 'وكالة المثال');
  assert.equal(a.status, 'published');
  assert.equal(a.published, '2024-11-13T08:00:00+03:00');
  assert.deepEqual(a.section, { slug: 'culture', name: 'ثقافة' }, 'a top-level media topic names the section');
  assert.deepEqual(a.tags, ['كتب'], 'the subject that became the section is not a tag');
  assert.deepEqual(a.image, { src: 'https://img.example/o.jpg', alt: 'زوار المعرض', caption: 'زوار بين الأجنحة', credit: 'مصور الوكالة', copyright: '© وكالة المثال' });
});

test('versions: the same item is unchanged, a newer one updates, an older one is stale', () => {
  let r = runOk(['import', 'ninjs', write('same.json', item())], { db: ws.db });
  assert.match(r.stdout, /^0 created, 0 updated, 1 unchanged, 0 skipped/);
  const v2 = item({ version: '2', versioncreated: '2024-11-13T10:00:00+03:00', descriptions: [{ value: 'موجز النسخة الثانية.' }] });
  r = runOk(['import', 'ninjs', write('v2.json', v2)], { db: ws.db });
  assert.match(r.stdout, /^0 created, 1 updated, 0 unchanged, 0 skipped/);
  const a = showJson(ws.db, 'افتتاح-معرض-الكتاب');
  assert.equal(a.lede, 'موجز النسخة الثانية.', 'a description wins over the sub headline');
  const before = dbFingerprint(ws.db);
  r = runOk(['import', 'ninjs', write('v1-again.json', item({ headlines: [{ value: 'عنوان قديم' }] }))], { db: ws.db });
  assert.match(r.stdout, /^0 created, 0 updated, 0 unchanged, 1 skipped\n {2}1 stale: older than the stored version: item 1/);
  assert.equal(dbFingerprint(ws.db), before, 'a stale item writes nothing');
  assert.equal(showJson(ws.db, a.id).headline, 'افتتاح معرض الكتاب');
});

test('an array and JSON Lines; embargo schedules, withheld unpublishes, canceled goes to the trash', () => {
  const arr = [
    item({ uri: 'urn:test:b:1', headlines: [{ value: 'Budget under embargo' }], language: 'en', embargoed: '2099-05-01T06:00:00Z', subjects: [{ name: 'economy', literal: 'medtop:04000000' }] }),
    item({ uri: 'urn:test:b:2', headlines: [{ value: 'Photo only' }], type: 'picture' }),
  ];
  const lines = [
    JSON.stringify(item({ uri: 'urn:test:c:1', headlines: [{ value: 'خبر محجوب' }], pubstatus: 'withheld', subjects: [] })),
    '',
    JSON.stringify(item({ uri: 'urn:test:c:2', headlines: [{ value: 'خبر ملغى' }], pubstatus: 'canceled', subjects: [{ name: 'محليات', rel: 'section' }] })),
  ].join('\n');
  const r = runOk(['import', 'ninjs', write('arr.json', arr), write('lines.jsonl', lines)], { db: ws.db });
  assert.match(r.stdout, /^3 created, 0 updated, 0 unchanged, 1 skipped\n {2}1 not a text item/);
  const emb = showJson(ws.db, 'budget-under-embargo');
  assert.equal(emb.status, 'scheduled');
  assert.equal(emb.published, '2099-05-01T06:00:00+00:00');
  assert.equal(emb.section.slug, 'economy');
  const held = showJson(ws.db, 'خبر-محجوب');
  assert.equal(held.status, 'unpublished');
  assert.equal(held.section.name, 'وكالات', 'no subject places it: the default section');
  const canceled = showJson(ws.db, 'خبر-ملغى');
  assert.equal(canceled.status, 'unpublished');
  assert.equal(canceled.section.name, 'محليات', 'rel "section" names the section');
  const exported = runOk(['export', 'jsonl'], { db: ws.db }).stdout;
  const rec = exported.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((x) => x.headline === 'خبر ملغى');
  assert.ok(rec.trashed, 'a canceled item is in the trash');
});

test('3.x names and --section', () => {
  const v3 = {
    uri: 'urn:test:v3:1', versionCreated: '2025-02-02T12:00:00+01:00', pubStatus: 'usable',
    headlines: [{ value: 'Three point one' }], bodies: [{ contentType: 'text/plain', value: 'Line one.\n\nLine two.' }],
    infoSources: [{ name: 'Wire' }], language: 'en',
  };
  runOk(['import', 'ninjs', '--section', 'رأي', write('v3.json', v3)], { db: ws.db });
  const a = showJson(ws.db, 'three-point-one');
  assert.equal(a.body_html.replace(/\n/g, ''), '<p>Line one.</p><p>Line two.</p>');
  assert.equal(a.source, 'Wire');
  assert.equal(a.published, '2025-02-02T12:00:00+01:00');
  assert.equal(a.section.name, 'رأي');
});

test('a dry run reports and writes nothing', () => {
  const before = dbFingerprint(ws.db);
  const r = runOk(['import', 'ninjs', '--dry-run', write('dry.json', item({ uri: 'urn:test:dry', headlines: [{ value: 'تجربة' }] }))], { db: ws.db });
  assert.match(r.stdout, /^dry run, nothing written: 1 created/);
  assert.equal(dbFingerprint(ws.db), before);
});

test('bad files: the file, the place and the reason; nothing is written, not even the good items', () => {
  const good = JSON.stringify(item({ uri: 'urn:test:good', headlines: [{ value: 'خبر جيد' }] }));
  const cases = [
    ['truncated.json', '{"uri": "urn:x", "headlines": [{"value": "مقطوع', /truncated\.json:1: invalid JSON at column \d+/],
    ['types.json', JSON.stringify([JSON.parse(good), { uri: 'urn:y', headlines: 'not an array' }]), /types\.json: headlines: item 2 \(urn:y\): must be an array of objects/],
    ['lines.jsonl', `${good}\n{"uri": "urn:z", "pubstatus": "maybe"}\n`, /lines\.jsonl:2: pubstatus: 'maybe' is not one of usable, withheld, canceled/],
    ['utf8.jsonl', Buffer.concat([Buffer.from(`${good}\n{"uri": "urn:u", "by": "`), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]), /utf8\.jsonl:2: invalid UTF-8/],
    ['nohead.json', JSON.stringify({ uri: 'urn:n', bodies: [{ value: 'x' }] }), /nohead\.json: headline: is required/],
    ['nouri.json', JSON.stringify({ headlines: [{ value: 'x' }] }), /nouri\.json: uri: is required/],
    ['empty.json', '  \n', /empty\.json: empty file/],
  ];
  for (const [name, text, re] of cases) {
    const before = dbFingerprint(ws.db);
    const r = run(['import', 'ninjs', write('ok-first.json', good), write(name, text)], { db: ws.db });
    assert.equal(r.status, 1, `${name}: ${r.stdout}`);
    assert.match(r.stderr, re, name);
    assert.match(r.stderr, /nothing was written/);
    assert.equal(dbFingerprint(ws.db), before, `${name}: the database changed`);
  }
  assert.equal(run(['import', 'ninjs'], { db: ws.db }).status, 2);
  assert.equal(run(['import', 'ninjs', '--bogus', 'x'], { db: ws.db }).status, 2);
});

test('export ninjs: every item validates against the ninjs 2.2 schema', (t) => {
  if (!fs.existsSync(SCHEMA)) return t.skip('skipped: ../shared not found');
  // Add native content of every kind: the demo's Arabic articles (with photos' paths).
  runOk(['import', 'page-text', '-q', ...fs.readdirSync(path.join(REPO, 'demo', 'articles')).filter((f) => f.endsWith('.txt')).slice(0, 8).map((f) => path.join(REPO, 'demo', 'articles', f))], { db: ws.db });
  const text = exportLines(ws.db);
  const items = text.trimEnd().split('\n');
  assert.ok(items.length >= 13, `${items.length} items`);
  const file = write('export.jsonl', text);
  const py = [
    'import json, sys, jsonschema',
    'schema = json.load(open(sys.argv[1]))',
    'V = jsonschema.validators.validator_for(schema)',
    'V.check_schema(schema)',
    'v = V(schema, format_checker=V.FORMAT_CHECKER)',
    'bad = 0',
    'for n, line in enumerate(open(sys.argv[2], encoding="utf-8"), 1):',
    '    for e in v.iter_errors(json.loads(line)):',
    '        bad += 1; print(f"item {n}: {e.message[:200]}")',
    'print(f"checked {n} items, {bad} errors")',
    'sys.exit(1 if bad else 0)',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', py, SCHEMA, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `jsonschema: ${r.stdout}${r.stderr}`);
  assert.match(r.stdout, new RegExp(`checked ${items.length} items, 0 errors`));
  // The validator is not a rubber stamp: a broken item fails.
  const broken = write('broken.jsonl', JSON.stringify({ ...JSON.parse(items[0]), pubstatus: 'maybe', extra: 1 }) + '\n');
  assert.equal(spawnSync('/usr/bin/python3', ['-c', py, SCHEMA, broken], { encoding: 'utf8' }).status, 1);
});

test('import -> export -> import is a fixed point', () => {
  const e1 = exportLines(ws.db);
  const file = write('e1.jsonl', e1);
  const same = runOk(['import', 'ninjs', file], { db: ws.db });
  const n = e1.trimEnd().split('\n').length;
  assert.match(same.stdout, new RegExp(`^0 created, 0 updated, ${n} unchanged, 0 skipped`));
  const ws2 = tempWorkspace('khabar-ninjs2-');
  try {
    runOk(['init'], { db: ws2.db });
    const r = runOk(['import', 'ninjs', file], { db: ws2.db });
    assert.match(r.stdout, new RegExp(`^${n} created`));
    assert.equal(exportLines(ws2.db), e1, 'the export of the copy is the same bytes');
  } finally {
    ws2.cleanup();
  }
});
