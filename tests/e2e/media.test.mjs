// media.test.mjs — photo upload (/api/v1/media, docs/media.md) against a real `khabar serve`:
// upload with metadata, get, list, patch; the stored bytes served under /media/ with
// immutable cache headers and both variants; the same bytes twice are one photo; an
// article using the photo shows the page variant and announces the social card; the four
// bad uploads of issue 4 (a PHP file renamed .jpg, a 100 MB body, a 50,000 x 50,000 PNG
// bomb crafted here byte by byte, a truncated JPEG) each refused with a clear JSON message
// while the media directory and the database stay exactly as they were; 401 without
// credentials, 403 without the CSRF token, 403 for a contributor editing someone else's
// photo.  Test photos are drawn here with ImageMagick's `convert`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { addUser, api, login, runOk, startServer, tempWorkspace } from './helpers.mjs';

const PW = 'كلمة-سر-طويلة-2024';
let ws;
let server;
let base;
let mediaDir;
const s = {};
let token;
const img = {};

function convert(args, out) {
  const r = spawnSync('convert', [...args, out], { encoding: 'utf8' });
  assert.equal(r.status, 0, `convert ${args.join(' ')}: ${r.stderr}`);
  return fs.readFileSync(out);
}

before(async () => {
  ws = tempWorkspace('khabar-media-');
  mediaDir = path.join(ws.dir, 'media'); // the default: beside the database
  runOk(['init'], { db: ws.db });
  for (const [name, role] of [['ed1', 'editor'], ['co1', 'contributor'], ['co2', 'contributor']]) addUser(ws.db, name, role, PW);
  const t = runOk(['token', 'create', '--user', 'ed1'], { db: ws.db });
  token = t.stdout.trim();
  server = await startServer(ws.db);
  base = server.base;
  for (const name of ['ed1', 'co1', 'co2']) {
    s[name] = await login(base, name, PW);
    assert.equal(s[name].status, 200);
  }
  img.jpg = convert(['-size', '1600x1000', 'gradient:#2a4d69-#e8d8c4', '-quality', '88'], path.join(ws.dir, 'photo.jpg'));
  img.png = convert(['-size', '300x200', 'xc:rgba(200,30,30,0.5)'], path.join(ws.dir, 'small.png'));
  img.webp = convert(['-size', '640x480', 'gradient:#114-#ee9', '-quality', '80'], path.join(ws.dir, 'photo.webp'));
  img.big = convert(['-size', '2400x1800', 'plasma:', '-quality', '92'], path.join(ws.dir, 'other.jpg'));
});

after(async () => {
  await server?.stop();
  ws?.cleanup();
});

/** POST raw bytes to /api/v1/media with a query string; resolves {status, headers, json}. */
async function upload(bytes, query = '', { auth = { token }, contentType = 'image/jpeg' } = {}) {
  const h = { 'Content-Type': contentType };
  if (auth.token) h.Authorization = `Bearer ${auth.token}`;
  if (auth.session) {
    h.Cookie = auth.session.cookie;
    if (auth.csrf !== null) h['X-CSRF-Token'] = auth.csrf ?? auth.session.csrf;
  }
  const res = await fetch(`${base}/api/v1/media${query}`, { method: 'POST', headers: h, body: bytes });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

/** Names and sizes of the media directory ('-' when it does not exist). */
function mediaListing() {
  if (!fs.existsSync(mediaDir)) return '-';
  return fs.readdirSync(mediaDir).sort().map((n) => `${n}:${fs.statSync(path.join(mediaDir, n)).size}`).join(';');
}

/** A fingerprint of the database without the sign-in bookkeeping (a token's or session's
 * last use is written by every authenticated request): every other table, dumped. */
function dbContent() {
  const tables = spawnSync('sqlite3', ['-readonly', ws.db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"], { encoding: 'utf8' });
  assert.equal(tables.status, 0, tables.stderr);
  const keep = tables.stdout.split('\n').filter((t) => t && !['sessions', 'tokens', 'api_tokens', 'login_failures'].includes(t));
  assert.ok(keep.includes('media'));
  const r = spawnSync('sqlite3', ['-readonly', ws.db, `.dump ${keep.join(' ')}`], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return createHash('sha256').update(r.stdout).digest('hex');
}

/** Width and height from a JPEG's SOF segment. */
function jpegSize(b) {
  let i = 2;
  while (i + 9 < b.length) {
    while (b[i] === 0xff) i++;
    const m = b[i++];
    const len = b.readUInt16BE(i);
    if (m >= 0xc0 && m <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(m)) return [b.readUInt16BE(i + 5), b.readUInt16BE(i + 3)];
    i += len;
  }
  return null;
}

/** CRC-32 as PNG uses it. */
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A 50,000 x 50,000 RGB PNG of a few dozen bytes: a valid IHDR (with its CRC), a tiny IDAT. */
function pngBomb() {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(50000, 0);
  ihdr.writeUInt32BE(50000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let photo; // the first upload's record

test('upload a JPEG with its text: 201, the record, the files served immutable', async () => {
  const q = `?alt=${encodeURIComponent('وزير الخارجية في المؤتمر')}&caption=${encodeURIComponent('الوزير يتحدث إلى الصحفيين')}`
    + `&credit=${encodeURIComponent('وكالة الأنباء')}&copyright=AA`;
  const r = await upload(img.jpg, q, { contentType: 'application/octet-stream' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  photo = r.json;
  const hash = createHash('sha256').update(img.jpg).digest('hex');
  assert.equal(photo.src, `/media/${hash}.jpg`);
  assert.deepEqual([photo.width, photo.height, photo.type, photo.bytes], [1600, 1000, 'image/jpeg', img.jpg.length]);
  assert.equal(photo.alt, 'وزير الخارجية في المؤتمر');
  assert.equal(photo.caption, 'الوزير يتحدث إلى الصحفيين');
  assert.equal(photo.credit, 'وكالة الأنباء');
  assert.equal(photo.copyright, 'AA');
  assert.equal(photo.variants.page, `/media/${hash}-page.jpg`);
  assert.equal(photo.variants.social, `/media/${hash}-social.jpg`);
  assert.equal(photo.uploaded_by.name, 'ed1');
  assert.equal(r.headers.get('location'), `/api/v1/media/${photo.id}`);

  const orig = await fetch(base + photo.src);
  assert.equal(orig.status, 200);
  assert.equal(orig.headers.get('content-type'), 'image/jpeg');
  assert.equal(orig.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.ok(Buffer.from(await orig.arrayBuffer()).equals(img.jpg), 'the original is served byte for byte');
  for (const [v, size] of [['page', [1280, 800]], ['social', [1200, 630]]]) {
    const res = await fetch(base + photo.variants[v]);
    assert.equal(res.status, 200, v);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.deepEqual(jpegSize(Buffer.from(await res.arrayBuffer())), size, v);
  }
});

test('PNG with alpha and WebP are accepted by their bytes, whatever the Content-Type says', async () => {
  const p = await upload(img.png, '?alt=x', { contentType: 'image/jpeg' });
  assert.equal(p.status, 201, JSON.stringify(p.json));
  assert.equal(p.json.type, 'image/png');
  assert.match(p.json.src, /^\/media\/[0-9a-f]{64}\.png$/);
  const page = Buffer.from(await (await fetch(base + p.json.variants.page)).arrayBuffer());
  assert.deepEqual(jpegSize(page), [300, 200], 'a small photo is not enlarged');
  const w = await upload(img.webp, '', { contentType: 'text/plain' });
  assert.equal(w.status, 201, JSON.stringify(w.json));
  assert.deepEqual([w.json.type, w.json.width, w.json.height], ['image/webp', 640, 480]);
});

test('the same bytes twice are one photo (200, same id), its text updated when given', async () => {
  const before = mediaListing();
  const r = await upload(img.jpg, `?caption=${encodeURIComponent('تعليق محدّث')}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.id, photo.id);
  assert.equal(r.json.src, photo.src);
  assert.equal(r.json.caption, 'تعليق محدّث');
  assert.equal(r.json.alt, 'وزير الخارجية في المؤتمر', 'fields not given are kept');
  assert.equal(mediaListing(), before, 'no new file');
});

test('get, list newest first, patch', async () => {
  const g = await api(base, 'GET', `/api/v1/media/${photo.id}`, { token });
  assert.equal(g.status, 200);
  assert.equal(g.json.src, photo.src);
  const l = await api(base, 'GET', '/api/v1/media', { session: s.co1 });
  assert.equal(l.status, 200);
  assert.equal(l.json.total, 3);
  assert.equal(l.json.media.length, 3);
  assert.ok(l.json.media[0].id > l.json.media[2].id, 'newest first');
  const p2 = await api(base, 'GET', '/api/v1/media?page=2&per_page=2', { token });
  assert.equal(p2.json.media.length, 1);
  const p = await api(base, 'PATCH', `/api/v1/media/${photo.id}`, { session: s.ed1, body: { alt: 'نص بديل جديد', credit: 'رويترز' } });
  assert.equal(p.status, 200, JSON.stringify(p.json));
  assert.equal(p.json.alt, 'نص بديل جديد');
  assert.equal(p.json.credit, 'رويترز');
  assert.equal(p.json.caption, 'تعليق محدّث');
  const bad = await api(base, 'PATCH', `/api/v1/media/${photo.id}`, { token, body: { alt: 7 } });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.error.field, 'alt');
  const nf = await api(base, 'GET', '/api/v1/media/99999', { token });
  assert.equal(nf.status, 404);
});

test('401 without credentials, 403 without the CSRF token, 403 for another contributor', async () => {
  const before = mediaListing();
  const fp = dbContent();
  const anon = await upload(img.big, '', { auth: {} });
  assert.equal(anon.status, 401);
  assert.equal((await api(base, 'GET', '/api/v1/media')).status, 401);
  const nocsrf = await upload(img.big, '', { auth: { session: s.co1, csrf: null } });
  assert.equal(nocsrf.status, 403);
  assert.equal(nocsrf.json.error.code, 'csrf');
  const wrong = await upload(img.big, '', { auth: { session: s.co1, csrf: 'x'.repeat(43) } });
  assert.equal(wrong.status, 403);
  assert.equal(mediaListing(), before);
  assert.equal(dbContent(), fp);

  // a contributor uploads (contributor and up may), another contributor may not edit it
  const mine = await upload(img.big, '?alt=mine', { auth: { session: s.co1 } });
  assert.equal(mine.status, 201, JSON.stringify(mine.json));
  const other = await api(base, 'PATCH', `/api/v1/media/${mine.json.id}`, { session: s.co2, body: { alt: 'x' } });
  assert.equal(other.status, 403);
  assert.match(other.json.error.message, /[\u0600-\u06ff]/);
  const own = await api(base, 'PATCH', `/api/v1/media/${mine.json.id}`, { session: s.co1, body: { alt: 'لي' } });
  assert.equal(own.status, 200);
});

/** The four bad uploads: each refused, nothing stored. */
async function refused(name, send, status, field) {
  const before = mediaListing();
  const fp = dbContent();
  const r = await send();
  assert.equal(r.status, status, `${name}: ${JSON.stringify(r.json)}`);
  assert.equal(r.json.error.field, field, name);
  assert.match(r.json.error.message, /[\u0600-\u06ff]/, `${name}: an Arabic message`);
  assert.equal(mediaListing(), before, `${name}: the media directory is unchanged`);
  assert.equal(dbContent(), fp, `${name}: the database is unchanged`);
  return r.json.error;
}

test('a PHP file renamed .jpg is refused as not an image (415)', async () => {
  const php = Buffer.from('<?php echo shell_exec($_GET["cmd"]); ?>\n');
  const e = await refused('php', () => upload(php, `?alt=${encodeURIComponent('shell.jpg')}`), 415, 'type');
  assert.equal(e.code, 'unsupported_type');
  assert.match(e.message, /JPEG/);
});

test('a 50,000 x 50,000 PNG bomb is refused from its header (422) before any decode', async () => {
  const bomb = pngBomb();
  assert.ok(bomb.length < 100);
  const t0 = process.hrtime.bigint();
  const e = await refused('bomb', () => upload(bomb, '', { contentType: 'image/png' }), 422, 'pixels');
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(e.code, 'too_many_pixels');
  assert.match(e.message, /50000×50000/);
  assert.ok(ms < 5000, `answered without decoding 2.5 gigapixels (${ms} ms)`);
});

test('a truncated JPEG is refused (422)', async () => {
  const cut = img.big.subarray(0, Math.floor(img.big.length * 0.6));
  const e = await refused('truncated', () => upload(cut), 422, 'image');
  assert.equal(e.code, 'invalid_image');
});

/** POST `total` bytes of a JPEG-looking body to /api/v1/media over a raw socket and resolve
 * {status, json} from what the server answers.  Announced: Content-Length with
 * `Expect: 100-continue`, as HTTP clients send a large body — the server must refuse from
 * the headers instead of inviting the body (it closes the connection right after, so a
 * client that pushed the body regardless could see a reset instead: docs/media.md).
 * Chunked: the body streams in 1 MiB chunks; the server reads and drops what is over the
 * cap and answers at the end. */
function bigUpload(total, announce) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1');
    let got = Buffer.alloc(0);
    let sent = 0;
    const block = Buffer.alloc(1 << 20, 0x55);
    img.big.copy(block, 0, 0, Math.min(img.big.length, block.length));
    const finish = () => {
      const text = got.toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      if (!m) return reject(new Error(`no HTTP answer after ${sent} bytes: ${text.slice(0, 200)}`));
      const json = body.startsWith('{') ? body : body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1); // chunked
      resolve({ status: Number(m[1]), json: JSON.parse(json) });
    };
    sock.on('data', (d) => { got = Buffer.concat([got, d]); });
    sock.on('error', () => {}); // EPIPE / ECONNRESET once the server has answered and closed
    sock.on('close', finish);
    sock.setTimeout(60_000, () => sock.destroy());
    sock.write(`POST /api/v1/media HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n`
      + 'Content-Type: image/jpeg\r\nConnection: close\r\n'
      + (announce ? `Content-Length: ${total}\r\nExpect: 100-continue\r\n\r\n` : 'Transfer-Encoding: chunked\r\n\r\n'));
    const pump = () => {
      if (announce) return; // as HTTP clients do for a large body: wait for 100 Continue
      while (sent < total && !sock.destroyed && got.length === 0) {
        sent += block.length;
        const piece = announce ? block : Buffer.concat([Buffer.from(`${block.length.toString(16)}\r\n`), block, Buffer.from('\r\n')]);
        if (!sock.write(piece)) return sock.once('drain', pump);
      }
      if (!sock.destroyed && got.length === 0 && !announce) sock.write('0\r\n\r\n');
    };
    pump();
  });
}

test('a 100 MB upload is refused with a JSON 413 naming the limit (announced and streamed)', async () => {
  for (const announce of [true, false]) {
    const e = await refused(`100 MB ${announce ? 'announced' : 'chunked'}`, () => bigUpload(100 << 20, announce), 413, 'bytes');
    assert.equal(e.code, 'too_large');
    assert.match(e.message, /20 ميغابايت/);
  }
});

test('an article with the photo shows the page variant and announces the social card', async () => {
  const sec = await api(base, 'POST', '/api/v1/sections', { token, body: { slug: 'politics', name: 'سياسة' } });
  assert.equal(sec.status, 201);
  const a = await api(base, 'POST', '/api/v1/articles', {
    token,
    body: {
      headline: 'وزير الخارجية يلتقي الصحفيين', lede: 'لقاء مطوّل.', section: 'politics', status: 'published',
      body_html: '<p>التقى وزير الخارجية الصحفيين في مؤتمر مطوّل بعد اجتماع الحكومة الأسبوعي، وتحدث عن خطط الوزارة للعام المقبل.</p>',
      image: { src: photo.src, alt: 'الوزير', caption: 'في المؤتمر', credit: 'وكالة', copyright: 'AA' },
    },
  });
  assert.equal(a.status, 201, JSON.stringify(a.json));
  const html = await (await fetch(base + a.json.url)).text();
  assert.match(html, new RegExp(`<img src="${photo.variants.page}"`));
  assert.match(html, new RegExp(`<meta property="og:image" content="http://127\\.0\\.0\\.1:\\d+${photo.variants.social}"`));
  assert.match(html, new RegExp(`<meta name="twitter:image" content="[^"]*${photo.variants.social}"`));
  assert.match(html, new RegExp(`"image":\\["[^"]*${photo.variants.social}"\\]`));
});
