// config.test.mjs — the site's settings through `khabar config`: a date style set on the
// command line changes what a running server shows (Levantine and combined month names,
// Arabic-Indic digits, the Hijri line), and a bad value is refused with nothing stored.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dbFingerprint, getJson, getText, initAndImport, makePageText, pollUntil, run, runOk,
  startServer, tempWorkspace } from './helpers.mjs';
import { attr, parseHtml, qs, text } from './html.mjs';

let ws;
let server;
let url;

before(async () => {
  ws = tempWorkspace();
  const page = ws.file('a.txt', makePageText({
    headline: 'افتتاح جسر جديد فوق النهر يختصر الطريق إلى الضفة الأخرى',
    date: { y: 2024, m: 11, d: 13 },
  }));
  initAndImport(ws.db, [page]);
  server = await startServer(ws.db);
  url = (await getJson(`${server.base}/api/v1/articles`)).json.articles[0].url;
});

after(async () => {
  await server?.stop();
  ws?.cleanup();
});

async function timeLine() {
  const doc = parseHtml((await getText(`${server.base}${url}`)).text);
  const t = qs(doc, 'article time');
  return { text: text(t).trim(), datetime: attr(t, 'datetime'), html: doc };
}

test('the default style is the standard month name with Latin digits', async () => {
  const t = await timeLine();
  assert.equal(t.text, '13 نوفمبر 2024');
  assert.match(t.datetime, /^2024-11-13T/);
});

test('config changes the date style on a running server', async () => {
  runOk(['config', 'site.months', 'levant'], { db: ws.db });
  assert.ok(await pollUntil(async () => (await timeLine()).text === '13 تشرين الثاني 2024'),
    `levant month expected, page shows ${(await timeLine()).text}`);
  runOk(['config', 'site.months', 'combined'], { db: ws.db });
  runOk(['config', 'site.digits', 'arabic'], { db: ws.db });
  assert.ok(await pollUntil(async () => (await timeLine()).text === '١٣ نوفمبر/تشرين الثاني ٢٠٢٤'),
    `combined month with Arabic-Indic digits expected, page shows ${(await timeLine()).text}`);
  const t = await timeLine();
  assert.match(t.datetime, /^2024-11-13T/, 'datetime stays ISO 8601 with Latin digits');
});

test('the Hijri line appears when configured', async () => {
  runOk(['config', 'site.digits', 'latin'], { db: ws.db });
  runOk(['config', 'site.hijri', '1'], { db: ws.db });
  assert.ok(await pollUntil(async () => (await getText(`${server.base}${url}`)).text.includes('11 جمادى الأولى 1446 هـ')),
    'the Hijri date line');
});

test('a bad value is refused, naming the setting and the accepted values, and not stored', () => {
  const before = dbFingerprint(ws.db);
  const r = run(['config', 'site.months', 'egyptian'], { db: ws.db });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^khabar: config: site\.months: must be one of: standard levant/m);
  const u = run(['config', 'site.colour', 'red'], { db: ws.db });
  assert.equal(u.status, 2);
  assert.equal(dbFingerprint(ws.db), before);
  assert.equal(runOk(['config', 'site.months'], { db: ws.db }).stdout.trim(), 'combined');
});
