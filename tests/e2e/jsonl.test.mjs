// jsonl.test.mjs — `khabar import jsonl` as a user runs it: exit statuses, the summary line
// and its reasons, what the running site then serves (/api/v1/articles total), the two
// modes for malformed lines, idempotent re-runs, standard input, gzip, --dry-run, --limit.
//
// Our own small JSONL files (corpus form and product.md's article form) are written into a
// temp dir by each test; the ANT corpus ($KB_SHARED/data/ant/ant-v2.1.jsonl.xz) is read for
// its first 500 records and for a truncated copy — those tests skip when ../shared is
// missing.  The database is compared by fingerprint (every row) where "nothing written" is
// the claim.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, test } from 'node:test';
import { SHARED, SKIP_SHARED, dbFingerprint, getJson, run, runOk, startServer, tempWorkspace } from './helpers.mjs';

const ANT = path.join(SHARED, 'data', 'ant', 'ant-v2.1.jsonl.xz');

function skipWithoutAnt(t) {
  if (fs.existsSync(ANT)) return false;
  t.skip(SKIP_SHARED);
  return true;
}

/** A corpus-form record of our own. */
function record(i, { category = 'sport', extra = 'فقرة ثانية.' } = {}) {
  return JSON.stringify({
    id: `T-${i}`,
    source: 'test',
    category,
    url: `http://news.example/${i}`,
    title: `الخبر رقم ${i}`,
    lede: `موجز الخبر ${i}`,
    byline: 'المحرر',
    published: `2024-01-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00+03:00`,
    body: `نص الخبر ${i}.\n${extra}`,
  });
}

/** 10 good records, bad ones on lines 4 (not JSON) and 8 (no title). */
function mixedFile() {
  const lines = [];
  let k = 1;
  for (let line = 1; line <= 12; line++) {
    if (line === 4) lines.push('{"title": "بلا نهاية"');
    else if (line === 8) lines.push(JSON.stringify({ url: 'http://news.example/x', category: 'sport', body: 'ن' }));
    else lines.push(record(k++, { category: k % 2 ? 'sport' : 'economy' }));
  }
  return lines.join('\n') + '\n';
}

async function liveTotal(db) {
  const srv = await startServer(db);
  try {
    const r = await getJson(srv.url('/api/v1/articles'));
    assert.equal(r.status, 200);
    return r.json.total;
  } finally {
    await srv.stop();
  }
}

describe('import jsonl', () => {
  test('atomic (default): a malformed line names its line, nothing is written, exit 1', () => {
    const ws = tempWorkspace();
    try {
      runOk(['init'], { db: ws.db });
      const before = dbFingerprint(ws.db);
      const file = ws.file('mixed.jsonl', mixedFile());
      const r = run(['import', 'jsonl', file], { db: ws.db });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`khabar: import: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: invalid JSON`));
      assert.match(r.stderr, /1 missing title: line 8/);
      assert.match(r.stderr, /nothing was written/);
      assert.equal(dbFingerprint(ws.db), before, 'the database is exactly as before');
    } finally {
      ws.cleanup();
    }
  });

  test('--skip-bad: the good lines go in, the bad ones are counted with their lines', async () => {
    const ws = tempWorkspace();
    try {
      const file = ws.file('mixed.jsonl', mixedFile());
      const r = runOk(['import', 'jsonl', '--skip-bad', file], { db: ws.db });
      assert.match(r.stdout, /^10 created, 0 updated, 0 unchanged, 2 skipped$/m);
      assert.match(r.stdout, /^ {2}1 invalid JSON: line 4$/m);
      assert.match(r.stdout, /^ {2}1 missing title: line 8$/m);
      assert.match(r.stdout, /2 sections created/);
      assert.equal(await liveTotal(ws.db), 10);
    } finally {
      ws.cleanup();
    }
  });

  test('re-import: unchanged, then one edited record is updated, no duplicates', async () => {
    const ws = tempWorkspace();
    try {
      const recs = Array.from({ length: 6 }, (_, i) => record(i + 1));
      const file = ws.file('a.jsonl', recs.join('\n') + '\n');
      assert.match(runOk(['import', 'jsonl', file], { db: ws.db }).stdout, /^6 created, 0 updated, 0 unchanged, 0 skipped$/m);
      const again = runOk(['import', 'jsonl', '-q', file], { db: ws.db });
      assert.match(again.stdout, /^0 created, 0 updated, 6 unchanged, 0 skipped$/m);
      recs[2] = record(3, { extra: 'فقرة مصححة.' });
      recs.push(record(7));
      fs.writeFileSync(file, recs.join('\n') + '\n');
      assert.match(runOk(['import', 'jsonl', file], { db: ws.db }).stdout, /^1 created, 1 updated, 5 unchanged, 0 skipped$/m);
      assert.equal(await liveTotal(ws.db), 7);
      // A key repeated inside one file: the first line wins, the repeat is reported.
      const dup = ws.file('dup.jsonl', [record(1), record(1, { category: 'economy' })].join('\n'));
      const d = runOk(['import', 'jsonl', dup], { db: ws.db });
      assert.match(d.stdout, /^0 created, 0 updated, 1 unchanged, 1 skipped$/m);
      assert.match(d.stdout, /1 same key as an earlier line: line 2/);
    } finally {
      ws.cleanup();
    }
  });

  test('standard input, gzip recognised by its bytes, product-form records, --dry-run', async () => {
    const ws = tempWorkspace();
    try {
      const product = JSON.stringify({
        external_id: 'agency:1',
        headline: 'خبر من الوكالة',
        section: 'سياسة',
        body_html: '<p>نص الخبر.</p>',
        tags: ['وكالات'],
        published: '2024-11-13T08:00:00Z',
      });
      const gz = zlib.gzipSync(Buffer.from([product, record(1), record(2)].join('\n') + '\n'));
      runOk(['init'], { db: ws.db });
      const before = dbFingerprint(ws.db);
      const dry = runOk(['import', 'jsonl', '--dry-run', '-'], { db: ws.db, input: gz });
      assert.match(dry.stdout, /^dry run, nothing written: 3 created, 0 updated, 0 unchanged, 0 skipped$/m);
      assert.equal(dbFingerprint(ws.db), before, 'a dry run writes nothing');
      const r = runOk(['import', 'jsonl', '-'], { db: ws.db, input: gz });
      assert.match(r.stdout, /^3 created/m);
      assert.match(r.stdout, /from stdin/);
      const list = await (async () => {
        const srv = await startServer(ws.db);
        try {
          return (await getJson(srv.url('/api/v1/articles'))).json;
        } finally {
          await srv.stop();
        }
      })();
      assert.equal(list.total, 3);
      const agency = list.articles.find((a) => a.headline === 'خبر من الوكالة');
      assert.ok(agency, 'the product-form record is served');
      assert.equal(agency.section.slug, 'politics');
    } finally {
      ws.cleanup();
    }
  });

  test('usage: no FILE, a bad --limit, an unknown option, two files → exit 2; --help → 0', () => {
    const ws = tempWorkspace();
    try {
      assert.equal(run(['import', 'jsonl'], { db: ws.db }).status, 2);
      assert.equal(run(['import', 'jsonl', '--limit', 'x', 'f'], { db: ws.db }).status, 2);
      assert.equal(run(['import', 'jsonl', '--limit', '0', 'f'], { db: ws.db }).status, 2);
      assert.equal(run(['import', 'jsonl', '--frobnicate', 'f'], { db: ws.db }).status, 2);
      assert.equal(run(['import', 'jsonl', 'a', 'b'], { db: ws.db }).status, 2);
      const h = run(['import', 'jsonl', '--help']);
      assert.equal(h.status, 0);
      assert.match(h.stdout, /--skip-bad/);
      const missing = run(['import', 'jsonl', path.join(ws.dir, 'nope.jsonl')], { db: ws.db });
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /nope\.jsonl/);
    } finally {
      ws.cleanup();
    }
  });

  test('--no-related: the articles go in, related lists wait for reindex (both --help say so)', () => {
    const ws = tempWorkspace();
    try {
      const lines = [];
      for (let i = 1; i <= 6; i++) lines.push(record(i, { extra: 'فقرة عن مباراة كرة القدم في الملعب الكبير.' }));
      const file = ws.file('six.jsonl', lines.join('\n') + '\n');
      const sql = (q) => spawnSync('sqlite3', [ws.db, q], { encoding: 'utf8' }).stdout.trim();
      const r = runOk(['import', 'jsonl', '--no-related', file], { db: ws.db });
      assert.match(r.stdout, /^6 created/);
      assert.doesNotMatch(r.stdout, /of which related/);
      assert.equal(sql('SELECT count(*) FROM article_simhash'), '0', 'no related data computed');
      const re = runOk(['reindex'], { db: ws.db });
      assert.match(re.stdout, /reindexed 6 articles/);
      assert.equal(sql('SELECT count(*) FROM article_simhash'), '6');
      assert.match(run(['import', 'jsonl', '--help']).stdout, /--no-related[^]*khabar reindex/);
      assert.match(run(['reindex', '--help']).stdout, /--no-related/);
    } finally {
      ws.cleanup();
    }
  });

  test('ANT corpus: the first 500 records of the real .xz, then the same again', async (t) => {
    if (skipWithoutAnt(t)) return;
    const ws = tempWorkspace();
    try {
      const r = runOk(['import', 'jsonl', '--limit', '500', ANT], { db: ws.db, timeoutMs: 120_000 });
      // The first repeated url in the file is on line 3347: all 500 are new.
      assert.match(r.stdout, /^500 created, 0 updated, 0 unchanged, 0 skipped$/m);
      assert.match(r.stdout, /^500 records from /m);
      assert.equal(await liveTotal(ws.db), 500);
      const again = runOk(['import', 'jsonl', '--limit', '500', ANT], { db: ws.db, timeoutMs: 120_000 });
      assert.match(again.stdout, /^0 created, 0 updated, 500 unchanged, 0 skipped$/m);
      const srv = await startServer(ws.db);
      try {
        const culture = await getJson(srv.url('/api/v1/articles?per_page=1'));
        const a = culture.json.articles[0];
        assert.ok(a.body_html.startsWith('<p>'), 'body paragraphs become <p> blocks');
        assert.ok(['world', 'middle-east', 'sports', 'economy', 'technology', 'culture'].includes(a.section.slug));
      } finally {
        await srv.stop();
      }
    } finally {
      ws.cleanup();
    }
  });

  test('ANT corpus cut short: "truncated" names the line; atomic writes nothing', (t) => {
    if (skipWithoutAnt(t)) return;
    const ws = tempWorkspace();
    try {
      const fd = fs.openSync(ANT, 'r');
      const head = Buffer.alloc(300_000);
      fs.readSync(fd, head, 0, head.length, 0);
      fs.closeSync(fd);
      const cut = ws.file('cut.jsonl.xz', head);
      runOk(['init'], { db: ws.db });
      const before = dbFingerprint(ws.db);
      const r = run(['import', 'jsonl', cut], { db: ws.db });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /cut\.jsonl\.xz:\d+: the \.xz stream is truncated/);
      assert.equal(dbFingerprint(ws.db), before);
      // --skip-bad keeps the whole lines before the cut, and still exits 1.
      const s = run(['import', 'jsonl', '--skip-bad', cut], { db: ws.db });
      assert.equal(s.status, 1);
      const line = Number(/cut\.jsonl\.xz:(\d+):/.exec(s.stderr)[1]);
      assert.match(s.stderr, new RegExp(`\\(${line - 1} created, 0 updated\\)`));
    } finally {
      ws.cleanup();
    }
  });
});
