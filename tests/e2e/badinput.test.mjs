// badinput.test.mjs — bad input never crashes anything and never half-writes.
//
// Every refused import must exit 1, say `khabar: import: FILE[:LINE]: reason` on stderr
// naming the file, and leave the database exactly as it was (compared by a fingerprint of
// `sqlite3 .dump`, i.e. every row of every table).  Also: unknown sections are created,
// an unwritable database and a port in use are clear failures, and the CLI's usage rules
// (--help exits 0, unknown command and missing arguments exit 2).
//
// Inputs are written into a fresh temp dir by each test (page text of our own writing,
// random bytes from a fixed seed, a 50 MB file); nothing here needs ../shared.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import {
  REPO,
  dayAfterNewYear,
  dbFingerprint,
  getJson,
  initAndImport,
  makePageText,
  run,
  runOk,
  showJson,
  startServer,
  tempWorkspace,
} from './helpers.mjs';

/** Bytes from a small fixed-seed generator (xorshift32), with NULs guaranteed. */
function pseudoRandomBytes(n, seed = 0x6b686272) {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  b[10] = 0;
  b[100] = 0;
  return b;
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('refused imports change nothing', { concurrency: false }, () => {
  let ws;
  let seeded; // fingerprint of the database with one good article

  before(() => {
    ws = tempWorkspace('khabar-bad-');
    const good = ws.file(
      'good.txt',
      makePageText({ headline: 'مقال سليم موجود قبل كل محاولة فاشلة', date: dayAfterNewYear(3), seed: 3 }),
    );
    initAndImport(ws.db, [good]);
    seeded = dbFingerprint(ws.db);
  });
  after(() => ws?.cleanup());

  /** Import `files`, expect exit 1 naming `culprit` (and a line when `line`), db unchanged. */
  function refused(files, culprit, { line = false, reason } = {}) {
    const r = run(['import', 'page-text', ...files], { db: ws.db });
    assert.equal(r.status, 1, `exit status 1 (stderr: ${r.stderr})`);
    // the line as FILE:N: (the brief's form) or FILE: line N: (the CLI's current form)
    const where = line ? '(:\\d+|: line \\d+)' : '(:\\d+|: line \\d+)?';
    const re = new RegExp(`^khabar: import: ${escapeRe(culprit)}${where}: \\S`, 'm');
    assert.match(r.stderr, re, 'stderr says khabar: import: FILE[:LINE]: reason');
    if (reason) assert.match(r.stderr, reason);
    assert.doesNotMatch(r.stderr, /AddressSanitizer|runtime error|Segmentation/);
    assert.equal(dbFingerprint(ws.db), seeded, 'the database is exactly as before');
    return r;
  }

  test('an empty file', () => {
    refused([ws.file('empty.txt', '')], path.join(ws.dir, 'empty.txt'), { reason: /empty|headline/i });
  });

  test('a file of only blank lines', () => {
    refused([ws.file('blank.txt', '\n\n   \n\n')], path.join(ws.dir, 'blank.txt'));
  });

  test('a binary file (random bytes with NULs)', () => {
    refused([ws.file('random.bin', pseudoRandomBytes(4096))], path.join(ws.dir, 'random.bin'), { line: true });
  });

  test('a page with no headline (the date stands where it belongs)', () => {
    const f = ws.file('noheadline.txt', ['سياسة', '3 دقائق قراءة', '13 نوفمبر 2024', '', 'فقرة وحيدة في النص.', ''].join('\n'));
    refused([f], f, { line: true, reason: /headline/i });
  });

  test('a page that ends before its date', () => {
    const f = ws.file('nodate.txt', ['سياسة', 'عنوان بلا تاريخ ولا نص', ''].join('\n'));
    refused([f], f, { line: true });
  });

  test('a 50 MB file', () => {
    const f = path.join(ws.dir, 'huge.txt');
    const head = makePageText({ headline: 'ملف ضخم جدا', date: dayAfterNewYear(4), seed: 4 });
    const para = `${'كلمة '.repeat(2000).trim()}.\n\n`;
    const fd = fs.openSync(f, 'w');
    fs.writeSync(fd, head);
    const chunk = Buffer.from(para.repeat(Math.ceil((1 << 20) / Buffer.byteLength(para))));
    let size = Buffer.byteLength(head);
    while (size < 50 * 1024 * 1024) {
      fs.writeSync(fd, chunk);
      size += chunk.length;
    }
    fs.closeSync(fd);
    assert.ok(fs.statSync(f).size >= 50 * 1024 * 1024);
    refused([f], f, { reason: /large|big|limit|long/i });
    fs.rmSync(f);
  });

  test('a missing file', () => {
    const f = path.join(ws.dir, 'does-not-exist.txt');
    refused([f], f);
  });

  test('two files, the second bad: nothing from the first is written either', () => {
    const first = ws.file('first-good.txt', makePageText({ headline: 'مقال أول صالح لا ينبغي أن يُحفظ', date: dayAfterNewYear(5), seed: 5 }));
    const second = ws.file('second-bad.txt', Buffer.from('سياسة\n\0\0\0 binary\n'));
    refused([first, second], second, { line: true });
  });

  test('two files, the first bad: the second is not written', () => {
    const first = ws.file('bad-first.txt', '');
    const second = ws.file('good-second.txt', makePageText({ headline: 'مقال ثان صالح', date: dayAfterNewYear(6), seed: 6 }));
    refused([first, second], first);
  });
});

describe('WXR and JSONL: truncated files and invalid UTF-8 are refused, nothing written', { concurrency: false }, () => {
  // Our own Arabic export (tests/fixtures/wxr/arabic-news.xml) and JSON lines of our own.
  const WXR = fs.readFileSync(path.join(REPO, 'tests', 'fixtures', 'wxr', 'arabic-news.xml'));
  const line = (o) => `${JSON.stringify(o)}\n`;
  const JSONL = line({ headline: 'خبر أول', body_html: '<p>نص الخبر الأول</p>', section: 'سياسة', external_id: 'bad-1' })
    + line({ headline: 'خبر ثان', body_html: '<p>نص الخبر الثاني</p>', section: 'سياسة', external_id: 'bad-2' });
  let ws;
  let seeded;
  before(() => {
    ws = tempWorkspace('khabar-bad-wxr-');
    runOk(['import', 'wxr', '-q', ws.file('seed.xml', WXR)], { db: ws.db });
    seeded = dbFingerprint(ws.db);
  });
  after(() => ws?.cleanup());

  /** `khabar import FORMAT file` exits 1 with "khabar: import: FILE:LINE: <reason>", db as before. */
  function refusedAt(format, name, bytes, reason, wantLine) {
    const f = ws.file(name, bytes);
    const r = run(['import', format, f], { db: ws.db });
    assert.equal(r.status, 1, `exit status 1 (stderr: ${r.stderr})`);
    const m = new RegExp(`^khabar: import: ${escapeRe(f)}:(\\d+): (.*)$`, 'm').exec(r.stderr);
    assert.ok(m, `names the file and the line: ${r.stderr}`);
    assert.match(m[2], reason);
    if (wantLine) assert.equal(Number(m[1]), wantLine, r.stderr);
    assert.match(r.stderr, /nothing was written/);
    assert.doesNotMatch(r.stderr, /AddressSanitizer|runtime error|Segmentation/);
    assert.equal(dbFingerprint(ws.db), seeded, 'the database is exactly as before');
  }
  const lines = (b) => b.toString('latin1').split('\n').length;

  test('a WXR cut in the middle of an item names its last line', () => {
    for (const at of [3000, 9000, 15000]) {
      const cut = WXR.subarray(0, at);
      refusedAt('wxr', `cut-${at}.xml`, cut, /the file ends before the export does \(truncated\?\)/, lines(cut));
    }
  });

  test('a WXR cut inside an Arabic letter', () => {
    const at = WXR.indexOf(Buffer.from('أقر المجلس')) + 1; // between the two bytes of أ
    refusedAt('wxr', 'cut-letter.xml', WXR.subarray(0, at), /truncated|UTF-8/);
  });

  test('invalid UTF-8 in a WXR, in text and in CDATA, names its line', () => {
    const title = WXR.indexOf(Buffer.from('<title>أخبار المدينة</title>')) + 7;
    const bad1 = Buffer.concat([WXR.subarray(0, title), Buffer.from([0xff, 0xfe]), WXR.subarray(title)]);
    refusedAt('wxr', 'bad-text.xml', bad1, /not proper UTF-8/, lines(WXR.subarray(0, title)));
    const body = WXR.indexOf(Buffer.from('أقر المجلس'));
    const bad2 = Buffer.concat([WXR.subarray(0, body), Buffer.from([0xc0, 0xaf]), WXR.subarray(body)]); // overlong '/'
    refusedAt('wxr', 'bad-cdata.xml', bad2, /UTF-8/);
  });

  test('a JSONL file whose last line is cut, or holds invalid UTF-8, or a cut .gz', () => {
    refusedAt('jsonl', 'cut.jsonl', Buffer.from(JSONL.slice(0, JSONL.length - 20)), /invalid JSON/, 2);
    const bad = Buffer.concat([Buffer.from(JSONL), Buffer.from('{"headline":"\xd8\xb9'), Buffer.from([0xff]), Buffer.from('","body_html":"<p>x</p>","section":"سياسة"}\n')]);
    refusedAt('jsonl', 'bad.jsonl', bad, /invalid UTF-8/, 3);
    const gz = zlib.gzipSync(Buffer.from(JSONL.repeat(50)));
    refusedAt('jsonl', 'cut.jsonl.gz', gz.subarray(0, gz.length - 30), /\.gz stream is truncated/);
  });
});

describe('unknown sections', () => {
  test('are created on import, and the help says so', async () => {
    const ws = tempWorkspace('khabar-sec-');
    let srv;
    try {
      const name = 'ثقافة وفنون';
      const f = ws.file('culture.txt', makePageText({ section: name, headline: 'معرض جديد للفنون في وسط المدينة', date: dayAfterNewYear(7), seed: 7 }));
      const r = initAndImport(ws.db, [f]);
      assert.match(r.stdout, /1 sections? created/, `the summary counts the new section: ${r.stdout}`);
      srv = await startServer(ws.db);
      const list = await getJson(srv.url('/api/v1/articles'));
      assert.equal(list.json.articles.length, 1);
      const a = list.json.articles[0];
      assert.equal(a.section.name, name, 'the article is in the new section, named as on the page');
      assert.ok(a.section.slug && !/[\s/?#]/.test(a.section.slug), `a usable slug: ${a.section.slug}`);
      const page = await fetch(srv.url(`/${encodeURIComponent(a.section.slug)}/`));
      assert.equal(page.status, 200, 'the new section has its page');
      assert.ok((await page.text()).includes('معرض جديد للفنون'));
      assert.deepEqual(showJson(ws.db, a.id).section, a.section);
      const help = runOk(['import', '--help']);
      assert.match(help.stdout, /unknown sections are created/i, 'import --help documents it');
    } finally {
      if (srv) await srv.stop();
      ws.cleanup();
    }
  });
});

describe('environment failures', () => {
  let ws;
  before(() => {
    ws = tempWorkspace('khabar-env-');
  });
  after(() => ws?.cleanup());

  test('an unwritable database path', () => {
    const page = ws.file('ok.txt', makePageText({ headline: 'مقال لقاعدة لا تُكتب', date: dayAfterNewYear(8), seed: 8 }));
    const blocker = ws.file('plainfile', 'not a directory');
    for (const db of ['/proc/khabar.db', path.join(blocker, 'khabar.db')]) {
      const init = run(['init'], { db });
      assert.equal(init.status, 1, `init on ${db} exits 1 (stderr: ${init.stderr})`);
      assert.match(init.stderr, new RegExp(`^khabar: init: ${escapeRe(db)}: \\S`, 'm'), 'naming the database');
      const imp = run(['import', 'page-text', page], { db });
      assert.equal(imp.status, 1, `import into ${db} exits 1`);
      assert.match(imp.stderr, /^khabar: import: /m);
      assert.match(imp.stderr, new RegExp(escapeRe(db)), 'naming the database');
    }
    assert.ok(!fs.existsSync('/proc/khabar.db'));
  });

  test('serve on a port that is in use', async () => {
    runOk(['init'], { db: ws.db });
    const blocker = net.createServer();
    await new Promise((resolve, reject) => {
      blocker.once('error', reject);
      blocker.listen(0, '127.0.0.1', resolve);
    });
    const { port } = blocker.address();
    try {
      const r = run(['serve', '--listen', `127.0.0.1:${port}`], { db: ws.db, timeoutMs: 20_000 });
      assert.equal(r.signal, null, `serve ended by itself (stderr: ${r.stderr})`);
      assert.equal(r.status, 1, `exit 1 (stderr: ${r.stderr})`);
      assert.match(r.stderr, /^khabar: serve: /m);
      assert.match(r.stderr, /address already in use/i);
      assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`), 'naming the address');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('serve with a malformed --listen is a usage error', () => {
    const r = run(['serve', '--listen', 'not-an-address'], { db: ws.db, timeoutMs: 20_000 });
    assert.equal(r.signal, null, 'serve ended by itself');
    assert.ok(r.status === 2 || r.status === 1, `exit 2 or 1, got ${r.status}`);
    assert.match(r.stderr, /^khabar: serve: /m);
  });
});

describe('command line', () => {
  const commands = [['init'], ['import'], ['import', 'page-text'], ['show'], ['serve']];

  test('--help exits 0 and prints usage on stdout, for every command', () => {
    for (const c of [[], ...commands]) {
      const r = run([...c, '--help']);
      assert.equal(r.status, 0, `khabar ${c.join(' ')} --help exits 0 (stderr: ${r.stderr})`);
      assert.match(r.stdout, /usage: khabar/i, `khabar ${c.join(' ')} --help prints usage`);
    }
  });

  test('an unknown command exits 2', () => {
    const r = run(['frobnicate']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^khabar: frobnicate: /m);
  });

  test('missing arguments exit 2', () => {
    const ws = tempWorkspace('khabar-cli-');
    try {
      runOk(['init'], { db: ws.db });
      for (const args of [[], ['import'], ['import', 'page-text'], ['show'], ['import', 'no-such-format', 'x'], ['--db']]) {
        const r = run(args, { db: args[0] === '--db' ? undefined : ws.db });
        assert.equal(r.status, 2, `khabar ${args.join(' ')} exits 2 (stderr: ${r.stderr})`);
        assert.ok(r.stderr.length > 0, 'and says why on stderr');
      }
      const extra = run(['init', 'unexpected'], { db: ws.db });
      assert.equal(extra.status, 2, 'init with an extra argument exits 2');
      const missing = run(['show', '999999', '--json'], { db: ws.db });
      assert.equal(missing.status, 1, 'show of a missing article exits 1');
      assert.match(missing.stderr, /^khabar: show: 999999: /m);
    } finally {
      ws.cleanup();
    }
  });
});
