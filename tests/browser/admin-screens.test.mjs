// admin-screens.test.mjs — the editors' UI screens beyond the article editor, in a real
// browser (Debian's Chromium driven by playwright-core): sections (the tree, create,
// rename, reorder, parent, the API's refusals under the field they name), API tokens and
// "my sessions", the site's digits setting, and the media library.  Each test signs in
// through the form the first time a user is needed, later contexts reuse that cookie.
// Skips with a message when /usr/bin/chromium is missing.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { addUser, api, login, runOk, startServer, tempWorkspace } from '../e2e/helpers.mjs';

const CHROMIUM = process.env.KB_CHROMIUM || '/usr/bin/chromium';
const PW = 'كلمة-سر-طويلة-للشاشات';
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

const skipReason = !fs.existsSync(CHROMIUM) ? `skipped: ${CHROMIUM} not found (apt-get install chromium)` : null;

describe('the editors\' UI: sections, tokens and sessions, digits, media', { skip: skipReason ?? false, concurrency: false }, () => {
  let browser;
  let ws;
  let srv;
  let base;
  const sessions = {};
  const cookies = {};

  before(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    ws = tempWorkspace('khabar-admin-screens-');
    runOk(['init'], { db: ws.db });
    for (const [name, role] of [['admin1', 'admin'], ['ed1', 'editor'], ['au1', 'author']]) addUser(ws.db, name, role, PW);
    srv = await startServer(ws.db, { cwd: ws.dir });
    base = srv.base;
    sessions.ed1 = await login(base, 'ed1', PW);
    for (const [slug, name] of [['politics', 'سياسة'], ['economy', 'اقتصاد']]) {
      const r = await api(base, 'POST', '/api/v1/sections', { session: sessions.ed1, body: { slug, name } });
      assert.equal(r.status, 201, JSON.stringify(r.json));
    }
  });

  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
    if (ws) ws.cleanup();
  });

  async function signIn(name, { width = 1400 } = {}) {
    const context = await browser.newContext({ viewport: { width, height: 1000 }, locale: 'ar', storageState: cookies[name] });
    context.setDefaultTimeout(20_000); // generous: the suite shares two cores with builds
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/admin/`);
    if (!cookies[name]) {
      await page.getByLabel('اسم المستخدم').fill(name);
      await page.getByLabel('كلمة المرور').fill(PW);
      await page.getByRole('button', { name: 'دخول' }).click();
    }
    await page.getByRole('heading', { name: 'المقالات' }).waitFor();
    if (!cookies[name]) cookies[name] = { cookies: (await context.storageState()).cookies, origins: [] };
    return { context, page, errors };
  }

  const sectionsNow = async () => (await api(base, 'GET', '/api/v1/sections', { session: sessions.ed1 })).json.sections;

  test('sections: the tree, create with a parent, refusals under their field, rename, reorder by keyboard, move to the top', async () => {
    const { context, page, errors } = await signIn('ed1');
    try {
      await page.getByRole('link', { name: 'الأقسام' }).click();
      await page.getByRole('heading', { name: 'الأقسام', level: 1 }).waitFor();
      const tree = page.getByRole('list', { name: 'شجرة الأقسام' });
      await tree.locator('li[data-slug="economy"]').waitFor();

      const form = page.locator('form.new-section');
      const add = async (name, slug, parentLabel) => {
        await form.getByLabel('الاسم').fill(name);
        await form.getByLabel('الرابط المختصر').fill(slug);
        await form.getByLabel('داخل القسم').selectOption({ label: parentLabel ?? '— في الأعلى (بلا قسم أب) —' });
        await form.getByRole('button', { name: 'أضف القسم' }).click();
      };
      await add('العالم', 'world');
      await tree.locator('li[data-slug="world"]').waitFor();
      await add('آسيا', 'asia', 'العالم');
      // asia is drawn inside world's list, and the API agrees.
      await tree.locator('li[data-slug="world"] li[data-slug="asia"]').waitFor();
      assert.equal((await sectionsNow()).find((s) => s.slug === 'asia').parent, 'world');

      // A reserved slug: the server's reason under the slug field, marked invalid, focused,
      // nothing created.
      await add('وسوم', 'tag');
      const slugInput = form.getByLabel('الرابط المختصر');
      const slugError = form.locator('.field-error');
      await slugError.waitFor();
      assert.match(await slugError.textContent(), /محجوز/);
      assert.equal(await slugInput.getAttribute('aria-invalid'), 'true');
      assert.ok((await slugInput.getAttribute('aria-describedby')).includes(await slugError.getAttribute('id')));
      assert.equal(await page.evaluate(() => document.activeElement.name), 'slug');
      assert.ok(!(await sectionsNow()).some((s) => s.slug === 'tag'));
      // A taken slug (409) is shown the same way; a correct retry clears the error.
      await add('عالم ثان', 'world');
      await page.waitForFunction(() => /مستخدمة/.test(document.querySelector('form.new-section .field-error')?.textContent || ''));
      await add('أفريقيا', 'africa', 'العالم');
      await tree.locator('li[data-slug="world"] li[data-slug="africa"]').waitFor();
      assert.equal(await form.locator('.field-error').count(), 0);
      assert.equal(await slugInput.getAttribute('aria-invalid'), null);

      // Rename asia in its own row; an empty name is refused under the name field.
      const asia = page.getByRole('form', { name: 'القسم آسيا' });
      await asia.getByLabel('الاسم', { exact: true }).fill('');
      await asia.getByRole('button', { name: 'احفظ' }).click();
      await asia.locator('.field-error').waitFor();
      assert.match(await asia.locator('.field-error').textContent(), /الاسم مطلوب/);
      assert.equal(await asia.getByLabel('الاسم', { exact: true }).getAttribute('aria-invalid'), 'true');
      await page.locator('li[data-slug="asia"] input[name="name"]').fill('آسيا والمحيط الهادئ');
      await page.locator('li[data-slug="asia"] button:has-text("احفظ")').click();
      await page.waitForFunction(() => document.querySelector('li[data-slug="asia"] .sec-name')?.textContent.includes('المحيط الهادئ'));
      assert.equal((await sectionsNow()).find((s) => s.slug === 'asia').name, 'آسيا والمحيط الهادئ');

      // Reorder with the keyboard: africa (second child of world) up above asia.
      const up = page.locator('li[data-slug="africa"] > form button[data-focus="up"]');
      await up.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => {
        const kids = [...document.querySelectorAll('li[data-slug="world"] > ul > li')].map((li) => li.dataset.slug);
        return kids.join() === 'africa,asia';
      });
      const after1 = await sectionsNow();
      const pos = (slug) => after1.find((s) => s.slug === slug).position;
      assert.ok(pos('africa') < pos('asia'), `africa ${pos('africa')} before asia ${pos('asia')}`);
      // Focus stays in the moved row (up is now disabled: on the save button of that row).
      assert.equal(await page.evaluate(() => document.activeElement.closest('li')?.dataset.slug), 'africa');

      // Move asia to the top level with its parent select.
      await page.locator('li[data-slug="asia"] > form select[name="parent"]').selectOption('');
      await page.locator('li[data-slug="asia"] > form button:has-text("احفظ")').click();
      await page.locator('ul.section-tree > li[data-slug="asia"]').waitFor();
      assert.equal((await sectionsNow()).find((s) => s.slug === 'asia').parent, null);
      // A section cannot be offered as its own parent, nor its children as its parent.
      const worldChoices = await page.locator('li[data-slug="world"] > form select[name="parent"] option').evaluateAll((o) => o.map((x) => x.value));
      assert.ok(!worldChoices.includes('world') && !worldChoices.includes('africa'), worldChoices.join());
      // Delete: refused for a section with articles (the reason in the message line), done
      // for an empty one.
      const used = await api(base, 'POST', '/api/v1/articles', { session: sessions.ed1, body: { headline: 'خبر في قسم الاقتصاد', section: 'economy', body_html: '<p>نص.</p>' } });
      assert.equal(used.status, 201);
      page.on('dialog', (d) => d.accept());
      await page.locator('li[data-slug="economy"] > form button:has-text("احذف")').click();
      await page.waitForFunction(() => /لا يمكن حذف «اقتصاد»: فيه مقالات/.test(document.getElementById('toast').textContent));
      assert.ok((await sectionsNow()).some((s) => s.slug === 'economy'));
      await page.locator('li[data-slug="africa"] > form button:has-text("احذف")').click();
      await page.locator('li[data-slug="africa"]').waitFor({ state: 'detached' });
      assert.ok(!(await sectionsNow()).some((s) => s.slug === 'africa'));
      // The editor's section choice follows the new sections.
      await page.getByRole('link', { name: 'مقال جديد' }).first().click();
      await page.locator('select[name="section"]').waitFor();
      const opts = await page.locator('select[name="section"] option').evaluateAll((o) => o.map((x) => x.value));
      assert.ok(opts.includes('world') && opts.includes('asia') && !opts.includes('africa'), opts.join());
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('sections: an author sees no sections link and the page is read-only for them', async () => {
    const { context, page, errors } = await signIn('au1');
    try {
      assert.equal(await page.getByRole('link', { name: 'الأقسام' }).count(), 0);
      await page.goto(`${base}/admin/#/sections`);
      await page.locator('li[data-slug="politics"]').waitFor();
      assert.equal(await page.locator('form').count(), 0, 'no write controls');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('my account: a token made with a narrowed role is shown once, works, and is revoked; other sessions are signed out', async () => {
    const { context, page, errors } = await signIn('au1');
    const elsewhere = await login(base, 'au1', PW); // another "device"
    assert.equal(elsewhere.status, 200);
    page.on('dialog', (d) => d.accept());
    try {
      await page.getByRole('link', { name: 'حسابي' }).click();
      await page.getByRole('heading', { name: 'حسابي' }).waitFor();
      await page.getByText('لا رموز وصول فعّالة.').waitFor();
      // An author may narrow to contributor, not widen to editor.
      const roles = await page.getByLabel('صلاحية الرمز').locator('option').evaluateAll((o) => o.map((x) => x.value));
      assert.deepEqual(roles, ['', 'contributor']);
      await page.getByLabel('صلاحية الرمز').selectOption('contributor');
      await page.getByRole('button', { name: 'أنشئ رمزاً' }).click();
      const secret = page.getByRole('textbox', { name: 'الرمز', exact: true });
      await secret.waitFor();
      const token = await secret.inputValue();
      assert.match(token, /^kbt_[A-Za-z0-9_-]{20,}$/);
      assert.equal(await page.evaluate(() => document.activeElement.classList.contains('token-value')), true, 'the secret has the focus');
      assert.match(await page.locator('#secret-warn').textContent(), /لن يظهر مرة أخرى/);
      let who = await api(base, 'GET', '/api/v1/session', { token });
      assert.equal(who.status, 200);
      assert.equal(who.json.user.role, 'contributor', 'the token acts with the narrowed role');
      const row = page.locator('table.tokens tbody tr');
      await row.first().waitFor();
      assert.equal(await row.count(), 1);
      assert.match(await row.first().textContent(), /مساهم \(محدودة\)/);
      // Dismissed: gone from the page, and a reload does not bring it back.
      await page.getByRole('button', { name: 'تم، أخفِه' }).click();
      assert.ok(!(await page.content()).includes(token));
      await page.reload();
      await page.locator('table.tokens tbody tr').first().waitFor();
      assert.ok(!(await page.content()).includes(token));
      assert.match(await page.locator('table.tokens tbody tr').first().textContent(), /لم يُستعمل|\d/);
      const id = await page.locator('table.tokens tbody tr').first().getAttribute('data-id');
      await page.getByRole('button', { name: `ألغِ الرمز رقم ${id}` }).click();
      await page.getByText('لا رموز وصول فعّالة.').waitFor();
      who = await api(base, 'GET', '/api/v1/session', { token });
      assert.equal(who.status, 401, 'revoked');

      // Sessions: this one marked, the other one listed and then signed out.
      const rows = page.locator('table.sessions tbody tr');
      await rows.first().waitFor();
      assert.ok(await rows.count() >= 2);
      assert.equal(await page.locator('table.sessions tbody tr[data-current="1"]').count(), 1);
      assert.match(await page.locator('table.sessions tbody tr[data-current="1"]').textContent(), /هذه الجلسة/);
      await page.getByRole('button', { name: 'سجّل الخروج من كل الأجهزة الأخرى' }).click();
      await page.getByText('لا جلسات أخرى').waitFor();
      assert.equal(await rows.count(), 1);
      assert.equal((await api(base, 'GET', '/api/v1/session', { session: elsewhere })).status, 401, 'the other device is signed out');
      await page.reload();
      await page.getByRole('heading', { name: 'حسابي' }).waitFor(); // this browser still is signed in
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('digits: with site.digits = arabic the list, dates, reading time and preview use ١٢٣ like the public page; latin again gives 123', async () => {
    const body = `<p>${Array.from({ length: 450 }, () => 'كلمة').join(' ')}</p>`;
    const made = [];
    for (let i = 0; i < 3; i++) {
      const r = await api(base, 'POST', '/api/v1/articles', {
        session: sessions.ed1,
        body: { headline: `خبر الأرقام ${['الأول', 'الثاني', 'الثالث'][i]}`, section: 'politics', status: 'published', published: '2025-03-14T09:05:00Z', body_html: body },
      });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      made.push(r.json);
    }
    assert.equal(made[0].reading_minutes, 3);
    const publicLabel = async () => {
      const html = await (await fetch(`${base}${made[0].url}`)).text();
      return /class="reading-time"[^>]*>([^<]+)</.exec(html)?.[1];
    };
    const ASCII = /[0-9]/;
    const INDIC = /[\u0660-\u0669]/;
    // Every article ed1 can list (earlier tests made some too): a count from 3 to 10 takes
    // the plural مقالات.
    const total = (await api(base, 'GET', '/api/v1/articles', { session: sessions.ed1 })).json.total;
    assert.ok(total >= 3 && total <= 10, String(total));
    const indic = (n) => String(n).replace(/[0-9]/g, (d) => String.fromCharCode(0x660 + Number(d)));
    runOk(['config', 'site.digits', 'arabic'], { db: ws.db });
    const { context, page, errors } = await signIn('ed1');
    try {
      const caption = page.locator('table.articles caption');
      await caption.waitFor();
      assert.equal(await caption.textContent(), `${indic(total)} مقالات`);
      const date = await page.locator('table.articles tbody tr').first().locator('time').textContent();
      assert.match(date, INDIC);
      assert.doesNotMatch(date, ASCII, date);
      assert.match(date, /١٤ مارس ٢٠٢٥/);
      await page.goto(`${base}/admin/#/articles/${made[0].id}`);
      const rt = page.locator('.readtime');
      await page.waitForFunction(() => /قراءة/.test(document.querySelector('.readtime')?.textContent || ''));
      assert.equal(await rt.textContent(), '٣ دقائق قراءة · ٤٥٠ كلمة');
      // The same label as the public page's, digits included.
      const pub = await publicLabel();
      assert.equal(pub, '٣ دقائق قراءة');
      const frame = page.frameLocator('iframe.preview-frame');
      assert.equal(await frame.locator('.reading-time').textContent(), pub);
      const when = await frame.locator('.meta time').textContent();
      assert.match(when, INDIC);
      assert.doesNotMatch(when, ASCII);
      await page.getByText('المراجعات السابقة').click();
      assert.match(await page.locator('.rev-list li').first().textContent(), /^#١ /);

      runOk(['config', 'site.digits', 'latin'], { db: ws.db });
      await page.goto(`${base}/admin/?r=1#/articles/${made[0].id}`);
      await page.waitForFunction(() => /قراءة/.test(document.querySelector('.readtime')?.textContent || ''));
      assert.equal(await rt.textContent(), '3 دقائق قراءة · 450 كلمة');
      assert.equal(await publicLabel(), '3 دقائق قراءة');
      await page.goto(`${base}/admin/?r=2#/articles`);
      await caption.waitFor();
      assert.equal(await caption.textContent(), `${total} مقالات`);
      assert.match(await page.locator('table.articles tbody tr').first().locator('time').textContent(), /14 مارس 2025/);
      assert.deepEqual(errors, []);
    } finally {
      runOk(['config', 'site.digits', 'latin'], { db: ws.db });
      await context.close();
    }
  });

  test('media library: browse and search, edit a photo\'s text (refused for someone else\'s), pick one for an article', async () => {
    const upload = async (session, color, fields) => {
      const r = await fetch(`${base}/api/v1/media?${new URLSearchParams(fields)}`, {
        method: 'POST', body: png(64, 48, color), headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'image/png' },
      });
      const text = await r.text();
      assert.equal(r.status, 201, text);
      return JSON.parse(text);
    };
    sessions.au1 = sessions.au1 || await login(base, 'au1', PW);
    const fish = await upload(sessions.ed1, [10, 120, 200], { alt: 'سوق السمك عند الفجر', caption: 'الباعة في الميناء', credit: 'وكالة الشرق' });
    await upload(sessions.ed1, [200, 40, 40], { alt: 'ملعب المدينة', credit: 'AFP' });
    const park = await upload(sessions.au1, [40, 200, 40], { caption: 'حديقة عامة بلا وصف' });

    const { context, page, errors } = await signIn('ed1');
    try {
      await page.getByRole('link', { name: 'الصور' }).click();
      await page.getByRole('heading', { name: 'مكتبة الصور' }).waitFor();
      await page.locator('.media-card').nth(2).waitFor();
      assert.equal(await page.locator('.media-results .count').textContent(), '3 صور');
      // Newest first; a photo without alt text says so.
      assert.deepEqual(await page.locator('.media-card').evaluateAll((c) => c.map((x) => Number(x.dataset.id))), [park.id, park.id - 1, fish.id]);
      assert.match(await page.locator(`.media-card[data-id="${park.id}"]`).textContent(), /بلا نص بديل/);
      // Search: in the hash, one card.
      await page.getByLabel('ابحث في الصور').fill('الميناء');
      await page.keyboard.press('Enter');
      await page.waitForURL(/#\/media\?q=/);
      await page.waitForFunction(() => document.querySelectorAll('.media-card').length === 1);
      assert.match(await page.locator('.media-results .count').textContent(), /صورة واحدة تطابق «الميناء»/);
      // Edit its text with the keyboard.
      await page.getByRole('button', { name: /عدّل بيانات الصورة: سوق السمك/ }).focus();
      await page.keyboard.press('Enter');
      const form = page.getByRole('form', { name: /بيانات الصورة/ });
      await form.getByLabel('النص البديل').fill('سوق السمك في الميناء القديم عند الفجر');
      await form.getByLabel('الحقوق').fill('خبر');
      await form.getByLabel('الحقوق').press('Enter');
      await page.getByText('صورة: وكالة الشرق / خبر').waitFor();
      let rec = (await api(base, 'GET', `/api/v1/media/${fish.id}`, { session: sessions.ed1 })).json;
      assert.deepEqual([rec.alt, rec.copyright, rec.caption], ['سوق السمك في الميناء القديم عند الفجر', 'خبر', 'الباعة في الميناء']);
      assert.equal(await page.locator(`.media-card[data-id="${fish.id}"] img`).getAttribute('alt'), rec.alt);

      // Pick it for a new article from the editor's dialog; Esc first closes without a choice.
      await page.getByRole('link', { name: 'مقال جديد' }).first().click();
      const pickBtn = page.getByRole('button', { name: 'أو اختر صورة من المكتبة' });
      await pickBtn.click();
      const dialog = page.getByRole('dialog', { name: 'اختر صورة من المكتبة' });
      await dialog.locator('.media-card').first().waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'أو اختر صورة من المكتبة');
      await pickBtn.click();
      await dialog.getByLabel('ابحث في الصور').fill('السمك');
      await dialog.getByLabel('ابحث في الصور').press('Enter');
      await page.waitForFunction(() => document.querySelectorAll('dialog .media-card').length === 1);
      await dialog.getByRole('button', { name: /استعمل الصورة: سوق السمك/ }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.getByLabel('النص البديل (وصف الصورة لمن لا يراها)').inputValue(), rec.alt);
      assert.equal(await page.getByLabel('مصدر الصورة').inputValue(), 'وكالة الشرق');
      assert.equal(await page.locator('.photo .thumb img').getAttribute('src'), fish.src);
      await page.getByLabel('العنوان').fill('سوق السمك يعود إلى الميناء القديم');
      await page.getByLabel('القسم').selectOption('economy');
      await page.locator('.body-editor').click();
      await page.keyboard.type('عاد الباعة إلى السوق القديم بعد ترميمه.');
      await page.keyboard.press('Control+s');
      await page.waitForURL(/#\/articles\/\d+$/);
      const artId = Number(/#\/articles\/(\d+)$/.exec(page.url())[1]);
      const art = (await api(base, 'GET', `/api/v1/articles/${artId}`, { session: sessions.ed1 })).json;
      assert.equal(art.image.src, fish.src);
      assert.equal(art.image.alt, rec.alt);
      assert.equal(art.image.copyright, 'خبر');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
    // Someone else's photo: an author may not change it, and is told why.
    const au = await signIn('au1');
    try {
      await au.page.goto(`${base}/admin/#/media?q=${encodeURIComponent('ملعب')}`);
      await au.page.getByRole('button', { name: /عدّل بيانات الصورة: ملعب المدينة/ }).click();
      const form = au.page.getByRole('form', { name: /بيانات الصورة/ });
      await form.getByLabel('التعليق').fill('تعليق من غير صاحب الصورة');
      await form.getByRole('button', { name: 'احفظ' }).click();
      await form.locator('.error').waitFor();
      assert.match(await form.locator('.error').textContent(), /لا يعدّل بيانات الصورة إلا من رفعها/);
      const rec2 = (await api(base, 'GET', `/api/v1/media/${park.id - 1}`, { session: sessions.ed1 })).json;
      assert.equal(rec2.caption || '', '', 'unchanged');
      assert.deepEqual(au.errors, []);
    } finally {
      await au.context.close();
    }
  });

  test('autosaves fold into one revision; Ctrl+S sends explicit_save and makes its own', async () => {
    const r = await api(base, 'POST', '/api/v1/articles', {
      session: sessions.ed1,
      body: { headline: 'مسودة للحفظ التلقائي', section: 'politics', status: 'draft', body_html: '<p>الفقرة الأولى.</p>' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const id = r.json.id;
    const revisions = async () => (await api(base, 'GET', `/api/v1/articles/${id}/revisions`, { session: sessions.ed1 })).json.revisions;
    assert.equal((await revisions()).length, 1);
    const { context, page, errors } = await signIn('ed1');
    try {
      const patches = [];
      page.on('request', (q) => {
        if (q.method() === 'PATCH' && q.url().endsWith(`/api/v1/articles/${id}`)) patches.push(JSON.parse(q.postData()));
      });
      await page.goto(`${base}/admin/#/articles/${id}`);
      const headline = page.getByLabel('العنوان');
      await headline.waitFor();
      for (const text of ['مسودة للحفظ التلقائي: أولى', 'مسودة للحفظ التلقائي: ثانية']) {
        await headline.fill(text);
        const n = patches.length;
        await page.waitForFunction(() => /^حُفظ/.test(document.querySelector('.save-state').textContent), null, { timeout: 20_000 });
        assert.ok(patches.length > n, 'an autosave went out');
        await page.evaluate(() => { document.querySelector('.save-state').textContent = ''; });
      }
      assert.ok(patches.every((b) => !('explicit_save' in b)), 'autosaves are not explicit');
      assert.equal((await revisions()).length, 2, 'two autosaves, one revision');
      await headline.fill('مسودة للحفظ التلقائي: محفوظة باليد');
      await page.keyboard.press('Control+s');
      await page.waitForFunction(() => /^حُفظ/.test(document.querySelector('.save-state').textContent));
      assert.equal(patches.at(-1).explicit_save, true);
      assert.equal((await revisions()).length, 3, 'Ctrl+S is its own revision');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('no sideways scrolling at 375 px on the new screens', async () => {
    const { context, page, errors } = await signIn('ed1', { width: 375 });
    try {
      for (const [hash, ready] of SCREENS) {
        await page.goto(`${base}/admin/${hash}`);
        await page.locator(ready).first().waitFor();
        const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(over <= 0, `${hash}: ${over}px wider than the screen`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

/** The new screens and an element that shows each is drawn. */
const SCREENS = [
  ['#/sections', 'form.new-section'],
  ['#/account', 'table.sessions'],
  ['#/media', '.media-card'],
];
