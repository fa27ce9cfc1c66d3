// admin.test.mjs — the newsroom over HTTP against a real `khabar serve`: users from the
// CLI, sign-in with HttpOnly/SameSite cookies, CSRF, tokens, every admin endpoint refusing
// the unauthenticated (401), the wrong role (403) and a missing or wrong CSRF token (403),
// the workflow per role, scheduling (not visible before its time, visible after), two
// editors and the stale PATCH (409 with the changed fields), revisions and their diff,
// trash, the sanitizer on the way in, the failed-login rate limit (429), and the users API
// (admins only; the last admin stays).

import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import { addUser, api, getText, login, pollUntil, rawExchange, run, runOk, startServer, tempWorkspace } from './helpers.mjs';

const PW = 'كلمة-سر-طويلة-2024';
let ws;
let server;
let base;
const s = {}; // sessions by user name

before(async () => {
  ws = tempWorkspace('khabar-admin-');
  runOk(['init'], { db: ws.db });
  for (const [name, role] of [
    ['admin1', 'admin'], ['ed1', 'editor'], ['ed2', 'editor'], ['au1', 'author'],
    ['co1', 'contributor'], ['co2', 'contributor'], ['locked', 'author'],
  ]) addUser(ws.db, name, role, PW);
  server = await startServer(ws.db);
  base = server.base;
  for (const name of ['admin1', 'ed1', 'ed2', 'au1', 'co1', 'co2']) {
    s[name] = await login(base, name, PW);
    assert.equal(s[name].status, 200, `login ${name}: ${JSON.stringify(s[name].json)}`);
  }
  const r = await api(base, 'POST', '/api/v1/sections', { session: s.ed1, body: { slug: 'politics', name: 'سياسة' } });
  assert.equal(r.status, 201, JSON.stringify(r.json));
});

after(async () => {
  await server?.stop();
  ws?.cleanup();
});

const article = (extra = {}) => ({
  headline: `خبر من غرفة الأخبار ${Math.random().toString(36).slice(2, 8)}`,
  lede: 'موجز قصير للخبر.',
  section: 'politics',
  body_html: '<p>الفقرة الأولى من الخبر.</p><h2>عنوان فرعي</h2><p>الفقرة الثانية.</p>',
  ...extra,
});

async function create(who, extra) {
  const r = await api(base, 'POST', '/api/v1/articles', { session: s[who], body: article(extra) });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json;
}

test('user add refuses a short password with a clear message and stores nothing', () => {
  const r = run(['user', 'add', 'shorty', '--role', 'author'], { db: ws.db, input: 'short\n' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /khabar: user: password: .*at least 10 characters/);
  assert.doesNotMatch(runOk(['user', 'list'], { db: ws.db }).stdout, /shorty/);
  const e = run(['user', 'add', 'empty', '--role', 'author'], { db: ws.db, input: '\n' });
  assert.equal(e.status, 1);
  assert.match(e.stderr, /password: is empty/);
  assert.equal(run(['user', 'add', 'x', '--role', 'boss'], { db: ws.db, input: `${PW}\n` }).status, 2);
});

test('the session cookie is HttpOnly and SameSite=Strict, and the login gives a CSRF token', () => {
  const c = s.ed1.setCookie;
  assert.match(c, /^khabar_session=[A-Za-z0-9_-]{40,};/);
  assert.match(c, /;\s*HttpOnly/i);
  assert.match(c, /;\s*SameSite=Strict/i);
  assert.match(c, /;\s*Path=\//);
  assert.equal(typeof s.ed1.csrf, 'string');
  assert.ok(s.ed1.csrf.length >= 40);
  assert.equal(s.ed1.json.user.role, 'editor');
});

test('a wrong password is 401 and sets no cookie', async () => {
  const r = await login(base, 'ed2', 'not the password at all');
  assert.equal(r.status, 401);
  assert.equal(r.setCookie, null);
  assert.equal(r.json.error.code, 'bad_credentials');
});

const ENDPOINTS = [
  ['POST', '/api/v1/articles', {}],
  ['GET', '/api/v1/articles/1/revisions'],
  ['PATCH', '/api/v1/articles/1', { headline: 'x' }],
  ['DELETE', '/api/v1/articles/1'],
  ['POST', '/api/v1/articles/1/restore'],
  ['POST', '/api/v1/articles/1/revisions/1/restore'],
  ['GET', '/api/v1/sections'],
  ['POST', '/api/v1/sections', { slug: 'x', name: 'س' }],
  ['PATCH', '/api/v1/sections/politics', { name: 'س' }],
  ['DELETE', '/api/v1/sections/politics'],
  ['GET', '/api/v1/sessions'],
  ['GET', '/api/v1/session'],
  ['POST', '/api/v1/media', {}],
  ['GET', '/api/v1/users'],
  ['GET', '/api/v1/users/1'],
  ['POST', '/api/v1/users', { name: 'newbie', role: 'author', password: PW }],
  ['PATCH', '/api/v1/users/1', { role: 'editor' }],
  ['POST', '/admin/logout'],
];

test('every admin endpoint without a session or token is 401 (JSON error)', async () => {
  for (const [method, path, body] of ENDPOINTS) {
    const r = await api(base, method, path, { body });
    assert.equal(r.status, 401, `${method} ${path}`);
    assert.equal(r.json.error.code, 'unauthenticated', `${method} ${path}`);
  }
  const bad = await api(base, 'POST', '/api/v1/articles', { token: 'kbt_not-a-real-token', body: article() });
  assert.equal(bad.status, 401);
  const forged = await fetch(`${base}/api/v1/session`, { headers: { Cookie: 'khabar_session=forged' } });
  assert.equal(forged.status, 401);
});

test('every state-changing request with a session and a missing or wrong CSRF token is 403', async () => {
  for (const [method, path, body] of ENDPOINTS) {
    if (method === 'GET') continue;
    for (const csrf of [null, 'wrong-token']) {
      const r = await api(base, method, path, { session: s.admin1, body, csrf });
      assert.equal(r.status, 403, `${method} ${path} csrf=${csrf}`);
      assert.equal(r.json.error.code, 'csrf');
    }
  }
  // Another session's token is not this session's.
  const r = await api(base, 'POST', '/api/v1/articles', { session: s.ed1, csrf: s.ed2.csrf, body: article() });
  assert.equal(r.status, 403);
});

test('wrong roles get 403', async () => {
  let r = await api(base, 'POST', '/api/v1/sections', { session: s.co1, body: { slug: 'sports', name: 'رياضة' } });
  assert.equal(r.status, 403);
  r = await api(base, 'DELETE', '/api/v1/sections/politics', { session: s.au1 });
  assert.equal(r.status, 403);
  r = await api(base, 'POST', '/api/v1/articles', { session: s.co1, body: article({ status: 'published' }) });
  assert.equal(r.status, 403);
  const draft = await create('co1');
  r = await api(base, 'PATCH', `/api/v1/articles/${draft.id}`, { session: s.co1, body: { status: 'published', version: draft.version } });
  assert.equal(r.status, 403);
  r = await api(base, 'PATCH', `/api/v1/articles/${draft.id}`, { session: s.co1, body: { status: 'review', version: draft.version } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.status, 'review');
});

test('the users API is for admins only: editors, authors and contributors get 403', async () => {
  for (const who of ['ed1', 'au1', 'co1']) {
    for (const [method, path, body] of [
      ['GET', '/api/v1/users'],
      ['GET', '/api/v1/users/1'],
      ['POST', '/api/v1/users', { name: `by-${who}`, role: 'admin', password: PW }],
      ['PATCH', `/api/v1/users/${s[who].json.user.id}`, { role: 'admin' }],
    ]) {
      const r = await api(base, method, path, { session: s[who], body });
      assert.equal(r.status, 403, `${who}: ${method} ${path}`);
      assert.equal(r.json.error.code, 'forbidden');
    }
  }
  const me = await api(base, 'GET', '/api/v1/session', { session: s.au1 });
  assert.equal(me.json.user.role, 'author', 'nobody promoted themselves');
  assert.doesNotMatch(runOk(['user', 'list'], { db: ws.db }).stdout, /by-/);
});

test('users API: an admin lists, adds, changes role, password and disabled; refusals are clear', async () => {
  const list = await api(base, 'GET', '/api/v1/users', { session: s.admin1 });
  assert.equal(list.status, 200);
  const names = list.json.users.map((u) => u.name);
  assert.ok(['admin1', 'ed1', 'co1'].every((n) => names.includes(n)), names.join(','));
  assert.doesNotMatch(JSON.stringify(list.json), /argon2|password/i, 'no hash or password leaves the server');
  const ed1 = list.json.users.find((u) => u.name === 'ed1');
  assert.deepEqual(Object.keys(ed1).sort(), ['created', 'disabled', 'id', 'name', 'role']);
  assert.equal(ed1.role, 'editor');
  assert.equal(ed1.disabled, false);

  const add = await api(base, 'POST', '/api/v1/users', { session: s.admin1, body: { name: 'سلمى', role: 'author', password: PW } });
  assert.equal(add.status, 201, JSON.stringify(add.json));
  assert.equal(add.headers.get('location'), `/api/v1/users/${add.json.id}`);
  assert.equal(add.json.name, 'سلمى');
  assert.equal(add.json.role, 'author');
  let salma = await login(base, 'سلمى', PW);
  assert.equal(salma.status, 200, 'the new user can sign in');
  assert.equal(salma.json.user.role, 'author');

  // Refusals name the field, in Arabic, and store nothing.
  const before = runOk(['user', 'list'], { db: ws.db }).stdout;
  for (const [body, status, field] of [
    [{ name: 'short-pw', role: 'author', password: 'قصيرة' }, 422, 'password'],
    [{ name: 'bad-role', role: 'boss', password: PW }, 422, 'role'],
    [{ name: 'no-role', password: PW }, 422, 'role'],
    [{ name: 'has space', role: 'author', password: PW }, 422, 'name'],
    [{ role: 'author', password: PW }, 422, 'name'],
    [{ name: 'سلمى', role: 'editor', password: PW }, 409, 'name'],
  ]) {
    const r = await api(base, 'POST', '/api/v1/users', { session: s.admin1, body });
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.json.error.field, field, JSON.stringify(body));
    assert.match(r.json.error.message, /[\u0600-\u06FF]/, 'an Arabic message');
  }
  assert.equal(runOk(['user', 'list'], { db: ws.db }).stdout, before, 'nothing stored by the refusals');

  // Role: takes effect on the live session at its next request.
  let r = await api(base, 'PATCH', `/api/v1/users/${add.json.id}`, { session: s.admin1, body: { role: 'editor' } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.role, 'editor');
  assert.equal((await api(base, 'GET', '/api/v1/session', { session: salma })).json.user.role, 'editor');
  r = await api(base, 'PATCH', `/api/v1/users/${add.json.id}`, { session: s.admin1, body: { role: 'chief' } });
  assert.equal(r.status, 422);
  r = await api(base, 'PATCH', `/api/v1/users/${add.json.id}`, { session: s.admin1, body: { nickname: 'x' } });
  assert.equal(r.status, 422, 'an unknown member is refused, not ignored');
  assert.equal(r.json.error.field, 'nickname');
  r = await api(base, 'PATCH', `/api/v1/users/${add.json.id}`, { session: s.admin1, body: { disabled: 'yes' } });
  assert.equal(r.status, 422);
  r = await api(base, 'PATCH', '/api/v1/users/999999', { session: s.admin1, body: { role: 'author' } });
  assert.equal(r.status, 404);

  // Password: the old one stops working, the new one works; too short is refused.
  const PW2 = 'كلمة-سر-جديدة-تماماً';
  r = await api(base, 'PATCH', `/api/v1/users/${add.json.id}`, { session: s.admin1, body: { password: 'short' } });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'password');
  r = await api(base, 'PATCH', `/api/v1/users/${add.json.id}`, { session: s.admin1, body: { password: PW2 } });
  assert.equal(r.status, 200);
  assert.equal((await login(base, 'سلمى', PW)).status, 401);
  salma = await login(base, 'سلمى', PW2);
  assert.equal(salma.status, 200);

  // Disabled: the sessions end at once and signing in fails.
  r = await api(base, 'PATCH', `/api/v1/users/${add.json.id}`, { session: s.admin1, body: { disabled: true } });
  assert.equal(r.status, 200);
  assert.equal(r.json.disabled, true);
  assert.equal((await api(base, 'GET', '/api/v1/session', { session: salma })).status, 401);
  assert.equal((await login(base, 'سلمى', PW2)).status, 401);
  r = await api(base, 'PATCH', `/api/v1/users/${add.json.id}`, { session: s.admin1, body: { disabled: false } });
  assert.equal(r.json.disabled, false);
  assert.equal((await login(base, 'سلمى', PW2)).status, 200);
});

test('users API: the last enabled admin cannot be demoted or disabled (409), another admin can', async () => {
  const admin = s.admin1.json.user;
  for (const body of [{ role: 'editor' }, { disabled: true }]) {
    const r = await api(base, 'PATCH', `/api/v1/users/${admin.id}`, { session: s.admin1, body });
    assert.equal(r.status, 409, JSON.stringify(body));
    assert.equal(r.json.error.code, 'last_admin');
    assert.match(r.json.error.message, /مدير/);
  }
  assert.equal((await api(base, 'GET', '/api/v1/session', { session: s.admin1 })).json.user.role, 'admin', 'still admin');
  const two = await api(base, 'POST', '/api/v1/users', { session: s.admin1, body: { name: 'admin2', role: 'admin', password: PW } });
  assert.equal(two.status, 201);
  const demote = await api(base, 'PATCH', `/api/v1/users/${two.json.id}`, { session: s.admin1, body: { role: 'author' } });
  assert.equal(demote.status, 200, 'with two admins one may go');
  assert.equal(demote.json.role, 'author');
});

test('GET /admin/ serves the editors\' UI from web/admin: Arabic RTL shell, revalidated, files typed, nothing outside', async () => {
  for (const p of ['/admin', '/admin/', '/admin/index.html']) {
    const r = await getText(`${base}${p}`);
    assert.equal(r.status, 200, p);
    assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/);
    assert.match(r.text, /<html lang="ar" dir="rtl">/);
    assert.match(r.text, /<script type="module" src="\/admin\/app\.js">/);
    assert.equal(r.headers.get('cache-control'), 'no-cache', `${p}: revalidated, so a new UI shows at once`);
    assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  }
  const first = await getText(`${base}/admin/app.js`);
  assert.equal(first.status, 200);
  assert.match(first.headers.get('content-type'), /^text\/javascript/);
  const etag = first.headers.get('etag');
  assert.ok(etag);
  const again = await fetch(`${base}/admin/app.js`, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal((await getText(`${base}/admin/admin.css`)).headers.get('content-type'), 'text/css; charset=utf-8');
  for (const p of ['/admin/nope.js', '/admin/.hidden', '/admin/login']) {
    assert.equal((await getText(`${base}${p}`)).status, 404, p);
  }
  // fetch() would resolve the dots itself: send the raw target.
  for (const p of ['/admin/%2e%2e/static/site.css', '/admin/..%2fstatic%2fsite.css', '/admin/../static/site.css']) {
    const raw = (await rawExchange(server.port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toString('utf8');
    assert.match(raw, /^HTTP\/1\.1 404 /, p);
  }
});

test('the UI\'s reading time (web/admin/readtime.js) agrees with the server\'s reading_minutes', async () => {
  const rt = await import(new URL('../../web/admin/readtime.js', import.meta.url));
  const para = (n, w) => `<p>${Array.from({ length: n }, (_, i) => `${w}${i % 7}`).join(' ')}.</p>`;
  const cases = [
    ['<p>كلمة واحدة</p>', 'ar'],
    [para(150, 'المكتبة') + '<h2>عنوان فرعي</h2>' + para(60, 'الطلاب'), 'ar'],
    [para(400, 'الْحُكُومَةُ') + '<blockquote>اقتباس <strong>قوي</strong>ـــ</blockquote>', 'ar'],
    [para(1900, 'كل<em>مة</em>'), 'ar'],
    ['<p>don\'t stop &amp; read ' + 'word '.repeat(500) + '</p>', 'en'],
  ];
  for (const [body, language] of cases) {
    const lede = 'موجز من خمس كلمات هنا';
    const a = await create('ed1', { body_html: body, lede, language });
    const words = rt.countWords(lede) + rt.countWordsHtml(a.body_html);
    assert.equal(rt.minutes(words, language), a.reading_minutes, `${language} ${body.slice(0, 40)}… (${words} words)`);
  }
  assert.equal(rt.label(1, 'ar'), 'دقيقة واحدة قراءة');
  assert.equal(rt.label(2, 'ar'), 'دقيقتان قراءة');
  assert.equal(rt.label(3, 'ar'), '3 دقائق قراءة');
  assert.equal(rt.label(10, 'ar'), '10 دقائق قراءة');
  assert.equal(rt.label(11, 'ar'), '11 دقيقة قراءة');
  assert.equal(rt.label(100, 'ar'), '100 دقيقة قراءة');
  assert.equal(rt.label(103, 'ar'), '103 دقائق قراءة');
  assert.equal(rt.label(4, 'en'), '4 min read');
});

test('create → publish → the article appears on the home page and at its URL', async () => {
  const a = await create('ed1');
  assert.equal(a.status, 'draft');
  assert.equal(a.author.name, 'ed1');
  assert.equal((await getText(`${base}${a.url}`)).status, 404, 'a draft is not public');
  const r = await api(base, 'PATCH', `/api/v1/articles/${a.id}`, {
    session: s.ed1, headers: { 'If-Match': `"v${a.version}"` }, body: { status: 'published' },
  });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.headers.get('etag'), `"v${r.json.version}"`);
  assert.ok(await pollUntil(async () => (await getText(`${base}/`)).text.includes(a.headline)), 'on the home page');
  assert.equal((await getText(`${base}${a.url}`)).status, 200);
});

test('a scheduled article is not visible before its time and is after it', async () => {
  const when = new Date(Date.now() + 4000);
  when.setMilliseconds(0);
  const a = await create('ed1', { status: 'scheduled', published: when.toISOString().replace('.000Z', 'Z') });
  assert.equal(a.status, 'scheduled');
  // Fill the cache with the home page and ask for the article before its time.
  assert.ok(!(await getText(`${base}/`)).text.includes(a.headline));
  assert.equal((await getText(`${base}${a.url}`)).status, 404);
  assert.ok(!(await getText(`${base}/politics/`)).text.includes(a.headline));
  const seen = await pollUntil(async () => (await getText(`${base}/`)).text.includes(a.headline), { limitMs: 15_000, intervalMs: 200 });
  assert.ok(seen, 'visible on the home page after its time');
  assert.ok(Date.now() >= when.getTime() - 1000, 'not before its time');
  assert.equal((await getText(`${base}${a.url}`)).status, 200);
  assert.ok((await getText(`${base}/politics/`)).text.includes(a.headline));
  const st = await api(base, 'GET', `/api/v1/articles/${a.id}`, { session: s.ed1 });
  assert.equal(st.json.status, 'published');
  // A scheduled time in the past is refused.
  const past = await api(base, 'POST', '/api/v1/articles', { session: s.ed1, body: article({ status: 'scheduled', published: '2020-01-01T00:00:00Z' }) });
  assert.equal(past.status, 422);
  assert.equal(past.json.error.field, 'published');
});

test('two editors: the second, stale PATCH gets 409 with the changed fields and the current article', async () => {
  const a = await create('ed1');
  const v = a.version;
  const first = await api(base, 'PATCH', `/api/v1/articles/${a.id}`, { session: s.ed1, body: { headline: 'عنوان المحرر الأول', version: v } });
  assert.equal(first.status, 200);
  const second = await api(base, 'PATCH', `/api/v1/articles/${a.id}`, { session: s.ed2, body: { lede: 'موجز المحرر الثاني', version: v } });
  assert.equal(second.status, 409);
  assert.equal(second.json.error.code, 'conflict');
  assert.deepEqual(second.json.changed, ['headline']);
  assert.equal(second.json.article.headline, 'عنوان المحرر الأول');
  assert.equal(second.json.article.lede, a.lede, 'nothing of the stale save was stored');
  const none = await api(base, 'PATCH', `/api/v1/articles/${a.id}`, { session: s.ed2, body: { lede: 'x' } });
  assert.equal(none.status, 428, 'a PATCH without a version is refused');
});

test('a contributor cannot see another contributor\'s drafts', async () => {
  const a = await create('co1');
  const r = await api(base, 'GET', `/api/v1/articles/${a.id}`, { session: s.co2 });
  assert.equal(r.status, 404);
  const list = await api(base, 'GET', '/api/v1/articles?per_page=100', { session: s.co2 });
  assert.equal(list.status, 200);
  assert.ok(!list.json.articles.some((x) => x.id === a.id));
  const own = await api(base, 'GET', '/api/v1/articles?status=draft&per_page=100', { session: s.co1 });
  assert.ok(own.json.articles.some((x) => x.id === a.id));
  const ed = await api(base, 'GET', `/api/v1/articles?author=co1&per_page=100`, { session: s.ed1 });
  assert.ok(ed.json.articles.some((x) => x.id === a.id));
  const patch = await api(base, 'PATCH', `/api/v1/articles/${a.id}`, { session: s.co2, body: { headline: 'x', version: a.version } });
  assert.equal(patch.status, 404);
});

test('an author cannot publish while the setting is off, and can when it is on', async () => {
  const a = await create('au1');
  let r = await api(base, 'PATCH', `/api/v1/articles/${a.id}`, { session: s.au1, body: { status: 'published', version: a.version } });
  assert.equal(r.status, 403);
  runOk(['config', 'newsroom.authors_publish', '1'], { db: ws.db });
  r = await api(base, 'PATCH', `/api/v1/articles/${a.id}`, { session: s.au1, body: { status: 'published', version: a.version } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  runOk(['config', 'newsroom.authors_publish', '0'], { db: ws.db });
  const draft = await create('ed1');
  r = await api(base, 'GET', `/api/v1/articles/${draft.id}`, { session: s.au1 });
  assert.equal(r.status, 404, 'someone else\'s draft is not visible to an author');
  const live = await create('ed1', { status: 'published' });
  r = await api(base, 'PATCH', `/api/v1/articles/${live.id}`, { session: s.au1, body: { status: 'unpublished', version: live.version } });
  assert.equal(r.status, 403, 'nor may an author unpublish someone else\'s article');
});

test('validation errors are 422 naming the field, with an Arabic message', async () => {
  const r = await api(base, 'POST', '/api/v1/articles', { session: s.ed1, body: { section: 'politics', body_html: '<p>x</p>' } });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'invalid');
  assert.equal(r.json.error.field, 'headline');
  assert.match(r.json.error.message, /العنوان/);
  const only = await api(base, 'POST', '/api/v1/articles', { session: s.ed1, body: article({ body_html: '<script>alert(1)</script>' }) });
  assert.equal(only.status, 422, 'a body that is nothing but script is empty after cleaning');
  assert.equal(only.json.error.field, 'body_html');
  const big = await postRaw('/api/v1/articles', JSON.stringify(article({ body_html: `<p>${'ا'.repeat(3 << 20)}</p>` })));
  assert.equal(big, 413, 'a body over 4 MB');
  const announced = (await rawExchange(server.port, 'POST /api/v1/articles HTTP/1.1\r\nHost: x\r\n'
    + `Cookie: ${s.ed1.cookie}\r\nX-CSRF-Token: ${s.ed1.csrf}\r\nContent-Type: application/json\r\n`
    + 'Content-Length: 999999999\r\n\r\n')).toString('utf8');
  assert.match(announced, /^HTTP\/1\.1 413 /, 'an announced length over the cap is refused before the body');
});

/** POST a body with node:http, chunked, and resolve the status. */
function postRaw(path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, {
      method: 'POST',
      // No Content-Length: chunked, so the server reads (and drops) it all before answering.
      headers: { Cookie: s.ed1.cookie, 'X-CSRF-Token': s.ed1.csrf, 'Content-Type': 'application/json' },
    }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    const buf = Buffer.from(body); // in 64 KiB chunks, as a browser streams an upload
    for (let i = 0; i < buf.length; i += 65536) req.write(buf.subarray(i, i + 65536));
    req.end();
  });
}

test('body_html is sanitized before it is stored and shown', async () => {
  const body = '<p onclick="alert(1)">نص <b>قوي</b></p><script>alert(2)</script>'
    + '<a href="java&#x09;script:alert(3)">رابط</a><a href="https://example.com/">خارجي</a>'
    + '<img src=x onerror=alert(4)><svg onload=alert(5)></svg>';
  const a = await create('ed1', { status: 'published', body_html: body });
  assert.equal(a.body_html, '<p>نص <strong>قوي</strong></p>رابط<a href="https://example.com/" rel="noopener noreferrer nofollow">خارجي</a>');
  const page = (await getText(`${base}${a.url}`)).text;
  assert.doesNotMatch(page, /alert\(/);
  assert.doesNotMatch(page, /onclick|onerror|onload|javascript:/i);
});

test('revisions: every save is kept, with a field and paragraph diff, and one can be restored', async () => {
  const a = await create('ed1');
  const p1 = await api(base, 'PATCH', `/api/v1/articles/${a.id}`, {
    session: s.ed1, body: { headline: 'العنوان الثاني', body_html: '<p>الفقرة الأولى من الخبر.</p><h2>عنوان فرعي</h2><p>فقرة جديدة.</p>', version: a.version },
  });
  assert.equal(p1.status, 200);
  const list = await api(base, 'GET', `/api/v1/articles/${a.id}/revisions`, { session: s.ed1 });
  assert.equal(list.status, 200);
  assert.equal(list.json.revisions.length, 2);
  assert.deepEqual(list.json.revisions[0].changed, ['headline', 'body_html']);
  assert.equal(list.json.revisions[0].user, 'ed1');
  const one = await api(base, 'GET', `/api/v1/articles/${a.id}/revisions/1`, { session: s.ed1 });
  assert.equal(one.json.article.headline, a.headline);
  const diff = await api(base, 'GET', `/api/v1/articles/${a.id}/revisions/1/diff?to=2`, { session: s.ed1 });
  assert.equal(diff.status, 200);
  assert.deepEqual(diff.json.changed, ['headline', 'body_html']);
  assert.deepEqual(diff.json.fields.find((f) => f.field === 'headline'), { field: 'headline', from: a.headline, to: 'العنوان الثاني' });
  assert.deepEqual(diff.json.body.map((o) => o.op), ['same', 'same', 'del', 'add']);
  const back = await api(base, 'POST', `/api/v1/articles/${a.id}/revisions/1/restore`, { session: s.ed1 });
  assert.equal(back.status, 200, JSON.stringify(back.json));
  assert.equal(back.json.headline, a.headline);
  const after3 = await api(base, 'GET', `/api/v1/articles/${a.id}/revisions`, { session: s.ed1 });
  assert.equal(after3.json.revisions.length, 3);
});

test('delete moves to the trash (gone from the site) and restore brings it back', async () => {
  const a = await create('ed1', { status: 'published' });
  await pollUntil(async () => (await getText(`${base}${a.url}`)).status === 200);
  const del = await api(base, 'DELETE', `/api/v1/articles/${a.id}`, { session: s.ed1 });
  assert.equal(del.status, 200);
  assert.equal(del.json.trashed, true);
  assert.equal((await getText(`${base}${a.url}`)).status, 404);
  assert.equal((await api(base, 'GET', `/api/v1/articles/${a.id}`, { session: s.ed1 })).status, 404);
  const trash = await api(base, 'GET', '/api/v1/articles?trash=1&per_page=100', { session: s.ed1 });
  assert.ok(trash.json.articles.some((x) => x.id === a.id));
  const res = await api(base, 'POST', `/api/v1/articles/${a.id}/restore`, { session: s.ed1 });
  assert.equal(res.status, 200);
  assert.equal(res.json.status, 'published');
  assert.equal((await getText(`${base}${a.url}`)).status, 200);
});

test('API tokens: Bearer works without CSRF, acts with its role, and stops when revoked', async () => {
  const t = runOk(['token', 'create', '--user', 'ed2'], { db: ws.db });
  const token = t.stdout.trim();
  const id = /token (\d+) for ed2/.exec(t.stderr)[1];
  assert.match(token, /^kbt_/);
  let r = await api(base, 'POST', '/api/v1/articles', { token, body: article() });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const weak = runOk(['token', 'create', '--user', 'ed2', '--role', 'contributor'], { db: ws.db }).stdout.trim();
  r = await api(base, 'POST', '/api/v1/sections', { token: weak, body: { slug: 'tech', name: 'تقنية' } });
  assert.equal(r.status, 403, 'a token narrowed to contributor');
  runOk(['token', 'revoke', id], { db: ws.db });
  r = await api(base, 'POST', '/api/v1/articles', { token, body: article() });
  assert.equal(r.status, 401);
});

test('sessions: listed for their user, and logout ends one', async () => {
  const extra = await login(base, 'ed2', PW);
  const list = await api(base, 'GET', '/api/v1/sessions', { session: extra });
  assert.equal(list.status, 200);
  assert.ok(list.json.sessions.length >= 2);
  assert.equal(list.json.sessions.filter((x) => x.current).length, 1);
  const out = await api(base, 'POST', '/admin/logout', { session: extra });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie'), /Max-Age=0/);
  assert.equal((await api(base, 'GET', '/api/v1/session', { session: extra })).status, 401);
  assert.equal((await api(base, 'GET', '/api/v1/session', { session: s.ed2 })).status, 200);
});

test('sections: a parent (the section tree) set, changed, refused when it would make a cycle, and field-named errors', async () => {
  const post = (body, who = 'ed1') => api(base, 'POST', '/api/v1/sections', { session: s[who], body });
  const patch = (slug, body) => api(base, 'PATCH', `/api/v1/sections/${encodeURIComponent(slug)}`, { session: s.ed1, body });
  let r = await post({ slug: 'world', name: 'العالم', position: 20 });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.parent, null);
  r = await post({ slug: 'asia', name: 'آسيا', parent: 'world' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.parent, 'world');
  r = await post({ slug: 'gulf', name: 'الخليج', parent: 'asia' });
  assert.equal(r.json.parent, 'asia');
  const listed = (await api(base, 'GET', '/api/v1/sections', { session: s.co1 })).json.sections;
  assert.equal(listed.find((x) => x.slug === 'gulf').parent, 'asia');
  assert.equal(listed.find((x) => x.slug === 'politics').parent, null);
  // A cycle: world under its own grandchild.  Refused by field, nothing changed.
  r = await patch('world', { parent: 'gulf', name: 'عالم آخر' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'parent');
  assert.match(r.json.error.message, /فروعه/);
  let world = (await api(base, 'GET', '/api/v1/sections', { session: s.ed1 })).json.sections.find((x) => x.slug === 'world');
  assert.deepEqual([world.name, world.parent], ['العالم', null], 'the refused PATCH changed nothing');
  // A parent that does not exist: 422 on "parent", and the new section is not created.
  r = await post({ slug: 'africa', name: 'أفريقيا', parent: 'nowhere' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'parent');
  assert.ok(!(await api(base, 'GET', '/api/v1/sections', { session: s.ed1 })).json.sections.some((x) => x.slug === 'africa'));
  // Move and back to the top; rename and reorder keep the parent.
  r = await patch('gulf', { parent: 'world' });
  assert.equal(r.json.parent, 'world');
  r = await patch('gulf', { name: 'دول الخليج', position: 5 });
  assert.deepEqual([r.json.name, r.json.position, r.json.parent], ['دول الخليج', 5, 'world']);
  r = await patch('gulf', { parent: null });
  assert.equal(r.json.parent, null);
  r = await patch('asia', { parent: 7 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.field, 'parent');
  // Reserved slugs say why, on "slug".
  for (const slug of ['tag', 'author', 'search', 'media']) {
    r = await post({ slug, name: 'محجوز' });
    assert.equal(r.status, 422, slug);
    assert.equal(r.json.error.field, 'slug');
    assert.match(r.json.error.message, /محجوز/);
  }
  r = await post({ slug: 'world', name: 'مكرر' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.field, 'slug');
  world = (await api(base, 'GET', '/api/v1/sections', { session: s.ed1 })).json.sections.find((x) => x.slug === 'world');
  assert.equal(world.name, 'العالم');
});

test('tokens API: a user makes, lists and revokes their own tokens from a session; the secret is shown once; never above their role', async () => {
  const mk = (body, who = 'au1') => api(base, 'POST', '/api/v1/tokens', { session: s[who], body });
  let r = await mk({});
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.match(r.json.token, /^kbt_/);
  assert.deepEqual([r.json.role, r.json.narrowed], ['author', false]);
  const full = r.json;
  r = await mk({ role: 'contributor' });
  assert.deepEqual([r.json.role, r.json.narrowed], ['contributor', true]);
  const narrow = r.json;
  // Above one's own role, an unknown role, an unknown member: 422 on "role", nothing made.
  for (const body of [{ role: 'editor' }, { role: 'chief' }, { role: 3 }, { role: 'author', note: 'x' }]) {
    r = await mk(body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.json.error.field, 'role');
  }
  r = await api(base, 'GET', '/api/v1/tokens', { session: s.au1 });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.tokens.map((t) => t.id), [narrow.id, full.id]);
  assert.ok(!JSON.stringify(r.json).includes(full.token.slice(4)), 'the secret is never listed');
  assert.equal(r.json.tokens[1].last_used, null);
  // The token works, is then seen as used, and acts with its narrowed role.
  assert.equal((await api(base, 'POST', '/api/v1/articles', { token: full.token, body: article() })).status, 201);
  r = await api(base, 'GET', '/api/v1/tokens', { session: s.au1 });
  assert.ok(r.json.tokens.find((t) => t.id === full.id).last_used);
  // Tokens are one's own: others do not see them and cannot revoke them.
  assert.deepEqual((await api(base, 'GET', '/api/v1/tokens', { session: s.co1 })).json.tokens, []);
  assert.equal((await api(base, 'DELETE', `/api/v1/tokens/${full.id}`, { session: s.admin1 })).status, 404);
  // A token cannot manage tokens.
  assert.equal((await api(base, 'GET', '/api/v1/tokens', { token: full.token })).status, 403);
  assert.equal((await api(base, 'POST', '/api/v1/tokens', { token: full.token, body: {} })).status, 403);
  r = await api(base, 'DELETE', `/api/v1/tokens/${full.id}`, { session: s.au1 });
  assert.equal(r.status, 200);
  assert.equal((await api(base, 'POST', '/api/v1/articles', { token: full.token, body: article() })).status, 401);
  assert.deepEqual((await api(base, 'GET', '/api/v1/tokens', { session: s.au1 })).json.tokens.map((t) => t.id), [narrow.id]);
  assert.equal((await api(base, 'DELETE', `/api/v1/tokens/${full.id}`, { session: s.au1 })).status, 404, 'already revoked');
  // Without a session or with a wrong CSRF token: 401 / 403.
  assert.equal((await api(base, 'GET', '/api/v1/tokens')).status, 401);
  assert.equal((await api(base, 'POST', '/api/v1/tokens', { session: s.au1, body: {}, csrf: 'wrong' })).status, 403);
});

test('GET /api/v1/session tells the UI the site\'s digits (site.digits), as configured', async () => {
  let me = await api(base, 'GET', '/api/v1/session', { session: s.co1 });
  assert.equal(me.json.site.digits, 'latin');
  runOk(['config', 'site.digits', 'arabic'], { db: ws.db });
  try {
    me = await api(base, 'GET', '/api/v1/session', { session: s.co1 });
    assert.equal(me.json.site.digits, 'arabic');
  } finally {
    runOk(['config', 'site.digits', 'latin'], { db: ws.db });
  }
});

/** A small PNG of one colour (our own pixels): distinct colours give distinct files. */
function png(w, h, [r, g, b]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set([r, g, b], y * (w * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

test('media list: ?q= finds photos by alt, caption, credit, copyright or uploader, with its total; too long a q is refused', async (t) => {
  const up = async (color, query) => {
    const r = await fetch(`${base}/api/v1/media?${new URLSearchParams(query)}`, {
      method: 'POST', body: png(40, 30, color), headers: { Cookie: s.ed1.cookie, 'X-CSRF-Token': s.ed1.csrf, 'Content-Type': 'image/png' },
    });
    return { status: r.status, json: await r.json() };
  };
  const first = await up([10, 120, 200], { alt: 'سوق السمك عند الفجر', caption: 'الباعة في الميناء', credit: 'وكالة الشرق' });
  if (first.status === 501) return t.skip('media upload is not available in this build');
  assert.equal(first.status, 201, JSON.stringify(first.json));
  assert.equal((await up([200, 40, 40], { alt: 'ملعب المدينة', caption: 'Final match', credit: 'AFP' })).status, 201);
  assert.equal((await up([40, 200, 40], { alt: 'حديقة عامة', copyright: 'Khabar Photo Desk' })).status, 201);
  const find = async (q) => (await api(base, 'GET', `/api/v1/media?${new URLSearchParams({ q, per_page: '100' })}`, { session: s.co1 })).json;
  let r = await find('السمك');
  assert.deepEqual([r.total, r.media.map((m) => m.alt)], [1, ['سوق السمك عند الفجر']]);
  assert.equal((await find('الميناء')).total, 1, 'caption');
  assert.equal((await find('afp')).total, 1, 'credit, any case');
  assert.equal((await find('photo desk')).total, 1, 'copyright');
  assert.equal((await find('ed1')).total, 3, 'the uploader');
  assert.equal((await find('لا يوجد هذا')).total, 0);
  assert.equal((await find('%')).total, 0, 'no pattern syntax');
  r = await api(base, 'GET', '/api/v1/media?per_page=100', { session: s.co1 });
  assert.ok(r.json.total >= 3);
  r = await api(base, 'GET', `/api/v1/media?q=${'س'.repeat(201)}`, { session: s.co1 });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'q');
});

test('ten wrong passwords: rate-limited with 429, Retry-After and a message in Arabic and English', async () => {
  const statuses = [];
  let last;
  for (let i = 0; i < 10; i++) {
    last = await login(base, 'locked', `wrong password ${i}`);
    statuses.push(last.status);
  }
  assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.ok(statuses.slice(5).every((x) => x === 429), statuses.join(','));
  assert.ok(Number(last.headers.get('retry-after')) > 0);
  assert.match(last.json.error.message, /محاولات/);
  assert.match(last.json.error.message, /Too many failed sign-ins/);
  const right = await login(base, 'locked', PW);
  assert.equal(right.status, 429, 'even the right password waits');
  // The limit is kept in the database: a restart does not reset it.
  await server.stop();
  server = await startServer(ws.db);
  base = server.base;
  assert.equal((await login(base, 'locked', PW)).status, 429);
});
