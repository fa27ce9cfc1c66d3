// admin.test.mjs — the editors' UI at /admin/ in a real browser (Debian's Chromium driven by
// playwright-core), issue 4's scenario: an editor signs in, writes an Arabic article of our
// own with a subheading, a quote and an uploaded photo with caption and credit, schedules
// it a few seconds ahead, and the article appears on the home page, its section page and
// its own URL at that time — and not before.  An author gets no publish button and the API
// refuses them; a contributor does not see another contributor's drafts; two editors in two
// browser contexts edit the same article and the second save is refused with what changed.
// Also: revisions (diff, restore) and the users page.
//
// The photo is drawn by the browser on a canvas (our own pixels).  Skips with a message
// when /usr/bin/chromium is missing.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, addUser, api, getText, login, pollUntil, runOk, startServer, tempWorkspace } from '../e2e/helpers.mjs';

const CHROMIUM = process.env.KB_CHROMIUM || '/usr/bin/chromium';
const PW = 'كلمة-سر-طويلة-للتجربة';
const ZONE = 'Asia/Riyadh'; // site.timezone's default
const ARTIFACTS = path.join(REPO, 'tests', 'artifacts'); // git-ignored screenshots
const { instantToWall } = await import(path.join(REPO, 'web', 'admin', 'tz.js'));

const skipReason = !fs.existsSync(CHROMIUM) ? `skipped: ${CHROMIUM} not found (apt-get install chromium)` : null;

/** A 960×540 JPEG drawn in the page: a sky, a sun and a skyline. */
async function drawPhoto(page) {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 960;
    c.height = 540;
    const g = c.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, 540);
    sky.addColorStop(0, 'hsl(200, 60%, 45%)');
    sky.addColorStop(1, 'hsl(40, 70%, 80%)');
    g.fillStyle = sky;
    g.fillRect(0, 0, 960, 540);
    g.fillStyle = 'rgba(255, 240, 200, 0.9)';
    g.beginPath();
    g.arc(700, 150, 60, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#223';
    for (let x = 0, i = 0; x < 960; i++) {
      const w = 40 + ((i * 29) % 90);
      const hgt = 100 + ((i * 53) % 220);
      g.fillRect(x, 540 - hgt, w - 6, hgt);
      x += w;
    }
    return c.toDataURL('image/jpeg', 0.85);
  });
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

describe('the editors\' UI', { skip: skipReason ?? false, concurrency: false }, () => {
  let chromium;
  let browser;
  let ws;
  let srv;
  let base;
  const sessions = {};

  before(async () => {
    ({ chromium } = await import('playwright-core'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    ws = tempWorkspace('khabar-admin-ui-');
    runOk(['init'], { db: ws.db });
    for (const [name, role] of [['admin1', 'admin'], ['ed1', 'editor'], ['ed2', 'editor'], ['au1', 'author'], ['co1', 'contributor'], ['co2', 'contributor']]) {
      addUser(ws.db, name, role, PW);
    }
    srv = await startServer(ws.db, { cwd: ws.dir });
    base = srv.base;
    sessions.ed1 = await login(base, 'ed1', PW);
    for (const [slug, name] of [['politics', 'سياسة'], ['economy', 'اقتصاد']]) {
      const r = await api(base, 'POST', '/api/v1/sections', { session: sessions.ed1, body: { slug, name } });
      assert.equal(r.status, 201, JSON.stringify(r.json));
    }
    // Two copies of one wire story of our own, the second lightly edited: near-duplicates.
    const wire = Array.from({ length: 12 }, (_, k) =>
      `<p>قالت هيئة النقل في نشرتها رقم ${k + 1} إن خط الحافلات الجديد بين الميناء والجامعة يبدأ العمل مطلع الشهر المقبل بعشرين حافلة تعمل بالكهرباء طوال اليوم.</p>`).join('');
    const lines = [
      { external_id: 'wire-a', headline: 'خط حافلات جديد بين الميناء والجامعة', section: 'economy', body_html: wire, status: 'published', published: '2025-02-01T08:00:00+03:00' },
      { external_id: 'wire-b', headline: 'خط الحافلات الجديد بين الميناء والجامعة يبدأ قريباً', section: 'economy', body_html: `${wire}<p>وأضافت الهيئة أن التذاكر تباع إلكترونياً.</p>`, status: 'published', published: '2025-02-01T10:00:00+03:00' },
    ];
    runOk(['import', 'jsonl', ws.file('wire.jsonl', `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`)], { db: ws.db });
    // Something already on the home page, so "not there yet" is about our article alone.
    const r = await api(base, 'POST', '/api/v1/articles', {
      session: sessions.ed1,
      body: { headline: 'خبر منشور من قبل في قسم الاقتصاد', section: 'economy', status: 'published', body_html: '<p>نص قصير لخبر قديم كتبناه للتجربة.</p>' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  });

  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
    if (ws) ws.cleanup();
  });

  const cookies = {}; // per user, after their first sign-in through the form

  /**
   * A fresh browser context signed in as `name`: through the login form the first time,
   * then with that session's cookie (each form sign-in costs an Argon2id verification).
   */
  async function signIn(name) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'ar', storageState: cookies[name] });
    context.setDefaultTimeout(20_000); // generous: the suite shares two cores with builds
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/admin/`);
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
    if (!cookies[name]) {
      await page.getByLabel('اسم المستخدم').fill(name);
      await page.getByLabel('كلمة المرور').fill(PW);
      await page.getByRole('button', { name: 'دخول' }).click();
    }
    await page.getByRole('heading', { name: 'المقالات' }).waitFor();
    if (!cookies[name]) cookies[name] = { cookies: (await context.storageState()).cookies, origins: [] };
    return { context, page, errors };
  }

  /** The article the editor has open, as the API gives it to that browser's session. */
  async function openArticle(page) {
    await page.waitForURL(/#\/articles\/\d+$/);
    const id = Number(/#\/articles\/(\d+)$/.exec(page.url())[1]);
    return page.evaluate(async (i) => (await fetch(`/api/v1/articles/${i}`)).json(), id);
  }

  test('an editor writes an Arabic article with a subheading, a quote and a photo, and schedules it: live at its time, not before', async () => {
    const { context, page, errors } = await signIn('ed1');
    try {
      await page.getByRole('link', { name: 'مقال جديد' }).first().click();
      const headline = 'مكتبة الحي تفتح أبوابها ليلاً لطلاب الامتحانات';
      await page.getByLabel('العنوان', { exact: true }).fill(headline);
      await page.getByLabel('الموجز').fill('قررت البلدية تمديد ساعات المكتبة العامة حتى منتصف الليل طوال شهر الامتحانات.');
      await page.getByLabel('القسم').selectOption('politics');
      await page.getByLabel('الوسوم').fill('تعليم، مكتبات');
      await page.getByLabel('اسم الكاتب').fill('سارة المحررة');
      await page.getByLabel('المصدر', { exact: true }).fill('خبر - مراسلونا');

      // The body, with the toolbar: paragraph, subheading, quote, paragraph.
      const body = page.getByRole('textbox', { name: 'نص المقال' });
      await body.click();
      await page.keyboard.type('أعلنت البلدية صباح اليوم أن المكتبة العامة في الحي القديم ستبقى مفتوحة حتى منتصف الليل.');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'عنوان فرعي (h2)' }).click();
      await page.keyboard.type('إقبال الطلاب');
      await page.keyboard.press('Enter');
      await page.keyboard.type('وقال أمين المكتبة إن القاعات امتلأت في الليلة الأولى.');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'اقتباس' }).click();
      await page.keyboard.type('نريد أن يجد كل طالب مقعداً هادئاً');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'فقرة عادية' }).click();
      await page.keyboard.type('وتستمر التجربة حتى نهاية الشهر.');
      const html = await body.evaluate((el) => el.innerHTML);
      assert.match(html, /<h2>إقبال الطلاب<\/h2>/);
      assert.match(html, /<blockquote>[^<]*نريد أن يجد كل طالب مقعداً هادئاً/);

      // Reading time as you type, with the Arabic number.
      await pollUntil(async () => /دقيقة واحدة قراءة/.test(await page.locator('.readtime').textContent()));
      assert.match(await page.locator('.readtime').textContent(), /دقيقة واحدة قراءة · \d+ كلم(ة|ات)/);

      // The photo: uploaded, then alt, caption and credit.
      const painter = await context.newPage();
      const jpeg = await drawPhoto(painter);
      await painter.close();
      const input = page.getByLabel('رفع صورة (JPEG أو PNG أو WebP)');
      await input.setInputFiles({ name: 'shell.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<?php system($_GET["c"]); ?>') });
      await page.locator('.upload-state', { hasText: 'لم تُرفع الصورة' }).waitFor();
      assert.match(await page.locator('.upload-state').textContent(), /[\u0600-\u06FF]{3,}.*[\u0600-\u06FF]/, 'refused with an Arabic reason');
      assert.equal(await page.locator('.photo .thumb img').count(), 0, 'nothing attached');
      await input.setInputFiles({ name: 'maktaba.jpg', mimeType: 'image/jpeg', buffer: jpeg });
      await page.locator('.upload-state').filter({ hasText: /رُفعت الصورة|غير متاح/ }).waitFor();
      assert.match(await page.locator('.upload-state').textContent(), /رُفعت الصورة \(960×540\)/, 'the photo is uploaded through /api/v1/media');
      await page.getByLabel('النص البديل (وصف الصورة لمن لا يراها)').fill('طلاب يقرؤون في قاعة المكتبة ليلاً');
      await page.getByLabel('تعليق الصورة').fill('قاعة المطالعة في الليلة الأولى');
      await page.getByLabel('مصدر الصورة').fill('عدسة خبر');
      assert.ok(await page.locator('.photo .thumb img').evaluate((img) => img.complete && img.naturalWidth > 0), 'the uploaded photo shows');

      // The live preview: the public page's markup with the site's CSS, scripts off.
      const preview = page.frameLocator('iframe.preview-frame');
      await preview.locator('h1', { hasText: headline }).waitFor();
      await preview.locator('figcaption', { hasText: 'عدسة خبر' }).waitFor();
      assert.equal(await preview.locator('.body h2').textContent(), 'إقبال الطلاب');
      assert.equal(await preview.locator('.body blockquote').count(), 1);
      assert.equal(await page.locator('iframe.preview-frame').getAttribute('sandbox'), 'allow-same-origin', 'no scripts in the preview');
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-editor.png'), fullPage: true }); // for a person to look at

      // Save (Ctrl+S), then schedule a few seconds ahead in the newsroom's time zone.
      await page.keyboard.press('Control+s');
      const saved = await openArticle(page);
      assert.equal(saved.status, 'draft');
      const when = Math.ceil((Date.now() + 9000) / 1000) * 1000;
      await page.getByLabel('موعد النشر').fill(instantToWall(when, ZONE));
      await page.getByRole('button', { name: 'جدولة' }).click();
      await page.locator('.status .badge', { hasText: 'مجدول' }).waitFor();
      const a = await openArticle(page);

      // Before its time: nowhere (and these pages are now cached).
      assert.ok(!(await getText(`${base}/`)).text.includes(headline), 'not on the home page before its time');
      assert.ok(!(await getText(`${base}/politics/`)).text.includes(headline), 'not on its section page before its time');
      assert.equal((await getText(`${base}${a.url}`)).status, 404, 'its URL is 404 before its time');
      assert.ok(Date.now() < when - 500, 'the checks above ran before the scheduled time');

      assert.equal(a.status, 'scheduled');
      assert.equal(Date.parse(a.published), when, 'the schedule typed in Riyadh time is the instant meant');
      assert.equal(a.image.caption, 'قاعة المطالعة في الليلة الأولى');
      assert.equal(a.image.credit, 'عدسة خبر');
      assert.match(a.body_html, /<h2>إقبال الطلاب<\/h2>/);
      assert.match(a.body_html, /<blockquote>/);
      assert.deepEqual(a.tags, ['تعليم', 'مكتبات']);
      const lib = await page.evaluate(async () => (await fetch('/api/v1/media')).json());
      const photo = lib.media.find((m) => m.src === a.image.src);
      assert.ok(photo, `the photo is in the media library: ${a.image.src}`);
      assert.equal(photo.caption, 'قاعة المطالعة في الليلة الأولى', 'the library keeps the text typed after the upload');
      assert.equal(photo.credit, 'عدسة خبر');

      // At its time: everywhere.
      const seen = await pollUntil(async () => (await getText(`${base}/`)).text.includes(headline), { limitMs: 20_000, intervalMs: 200 });
      assert.ok(seen, 'on the home page after its time');
      assert.ok(Date.now() >= when - 1000, 'and not before it');
      assert.ok((await getText(`${base}/politics/`)).text.includes(headline), 'on its section page');
      const pub = await context.newPage();
      let ran = false;
      pub.on('dialog', () => {
        ran = true;
      });
      const res = await pub.goto(`${base}${a.url}`);
      assert.equal(res.status(), 200);
      const art = pub.locator('article').filter({ has: pub.locator('h1') }).first();
      assert.equal((await art.locator('h1').textContent()).trim(), headline);
      assert.equal(await art.locator('.body h2', { hasText: 'إقبال الطلاب' }).count(), 1);
      assert.equal(await art.locator('.body blockquote').count(), 1);
      assert.match(await art.locator('figure figcaption').textContent(), /قاعة المطالعة في الليلة الأولى.*عدسة خبر/);
      assert.ok(await art.locator('figure img').evaluate((img) => img.complete && img.naturalWidth > 0), 'the photo loads on the public page');
      assert.equal(await art.locator('figure img').getAttribute('alt'), 'طلاب يقرؤون في قاعة المكتبة ليلاً');
      assert.equal(ran, false);
      await pub.close();
      assert.deepEqual(errors, [], 'no script errors in the UI');
    } finally {
      await context.close();
    }
  });

  test('an author gets no publish or schedule button, and the API refuses to publish for them', async () => {
    const { context, page, errors } = await signIn('au1');
    try {
      await page.getByRole('link', { name: 'مقال جديد' }).first().click();
      await page.getByLabel('العنوان', { exact: true }).fill('مقال كاتب ينتظر المراجعة');
      await page.getByLabel('القسم').selectOption('economy');
      await page.getByRole('textbox', { name: 'نص المقال' }).click();
      await page.keyboard.type('فقرة كتبها الكاتب ويريد نشرها.');
      await page.keyboard.press('Control+s');
      const a = await openArticle(page);
      assert.equal(a.author.name, 'au1');
      await page.getByRole('button', { name: 'أرسل للمراجعة' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'انشر الآن' }).count(), 0, 'no publish button');
      assert.equal(await page.getByRole('button', { name: 'جدولة' }).count(), 0, 'no schedule button');
      assert.ok(await page.getByLabel('موعد النشر').isDisabled());
      await page.getByRole('button', { name: 'أرسل للمراجعة' }).click();
      await page.locator('.status .badge', { hasText: 'قيد المراجعة' }).waitFor();
      const au = await login(base, 'au1', PW);
      const cur = await api(base, 'GET', `/api/v1/articles/${a.id}`, { session: au });
      const r = await api(base, 'PATCH', `/api/v1/articles/${a.id}`, { session: au, body: { status: 'published', version: cur.json.version } });
      assert.equal(r.status, 403, 'the API refuses');
      // An editor opening the same article has the publish button.
      const ed = await signIn('ed2');
      try {
        await ed.page.goto(`${base}/admin/#/articles/${a.id}`);
        await ed.page.getByRole('button', { name: 'انشر الآن' }).waitFor();
      } finally {
        await ed.context.close();
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('a contributor does not see another contributor\'s drafts', async () => {
    const co1 = await login(base, 'co1', PW);
    const r = await api(base, 'POST', '/api/v1/articles', {
      session: co1, body: { headline: 'مسودة سرية للمساهم الأول', section: 'economy', body_html: '<p>ما زالت مسودة.</p>' },
    });
    assert.equal(r.status, 201);
    const mine = await signIn('co1');
    try {
      await mine.page.locator('table.articles a', { hasText: 'مسودة سرية للمساهم الأول' }).waitFor();
    } finally {
      await mine.context.close();
    }
    const { context, page } = await signIn('co2');
    try {
      await page.locator('.results').filter({ has: page.locator('table, .empty') }).waitFor();
      assert.equal(await page.getByText('مسودة سرية للمساهم الأول').count(), 0, 'not in the list');
      await page.goto(`${base}/admin/#/articles/${r.json.id}`);
      await page.getByText('المقال غير موجود أو لا تملك صلاحية رؤيته').waitFor();
      assert.equal(await page.getByLabel('العنوان', { exact: true }).count(), 0, 'no editor opens');
    } finally {
      await context.close();
    }
  });

  test('two editors edit the same article: the second save is refused and the UI shows what changed', async () => {
    const created = await api(base, 'POST', '/api/v1/articles', {
      session: sessions.ed1, body: { headline: 'عنوان أول لمقال يتنازعه محرران', lede: 'موجز أول.', section: 'politics', body_html: '<p>فقرة المقال.</p>' },
    });
    assert.equal(created.status, 201);
    const id = created.json.id;
    const one = await signIn('ed1');
    const two = await signIn('ed2');
    try {
      for (const x of [one, two]) {
        await x.page.goto(`${base}/admin/#/articles/${id}`);
        await x.page.getByLabel('العنوان', { exact: true }).waitFor();
      }
      await one.page.getByLabel('العنوان', { exact: true }).fill('عنوان عدّله المحرر الأول');
      await one.page.keyboard.press('Control+s');
      await one.page.locator('.save-state', { hasText: 'حُفظ' }).waitFor();

      await two.page.getByLabel('الموجز').fill('موجز كتبه المحرر الثاني');
      await two.page.keyboard.press('Control+s');
      const panel = two.page.getByRole('alert').filter({ hasText: 'عدّل شخص آخر هذا المقال' });
      await panel.waitFor();
      assert.match(await panel.textContent(), /ما تغيّر: العنوان/);
      const row = panel.locator('tr[data-field="headline"]');
      assert.equal(await row.locator('td.theirs').textContent(), 'عنوان عدّله المحرر الأول');
      assert.equal(await row.locator('td.mine').textContent(), 'عنوان أول لمقال يتنازعه محرران');
      assert.match(await panel.textContent(), /آخر تعديل: ed1/);
      const stored = await api(base, 'GET', `/api/v1/articles/${id}`, { session: sessions.ed1 });
      assert.equal(stored.json.lede, 'موجز أول.', 'the refused save stored nothing');
      assert.equal(stored.json.headline, 'عنوان عدّله المحرر الأول');

      // Taking their version loads it into the form.
      await panel.getByRole('button', { name: 'خذ نسختهم (تُهمل تعديلاتي)' }).click();
      assert.equal(await two.page.getByLabel('العنوان', { exact: true }).inputValue(), 'عنوان عدّله المحرر الأول');
      assert.equal(await two.page.getByLabel('الموجز').inputValue(), 'موجز أول.');
    } finally {
      await one.context.close();
      await two.context.close();
    }
  });

  test('revisions: the diff shows what a save changed, and an old revision can be restored', async () => {
    const { context, page, errors } = await signIn('ed1');
    try {
      await page.getByRole('link', { name: 'مقال جديد' }).first().click();
      await page.getByLabel('العنوان', { exact: true }).fill('عنوان المراجعة الأولى');
      await page.getByLabel('القسم').selectOption('economy');
      await page.getByRole('textbox', { name: 'نص المقال' }).click();
      await page.keyboard.type('الفقرة كما كتبت أول مرة.');
      await page.keyboard.press('Control+s');
      await openArticle(page);
      await page.locator('.save-state', { hasText: 'حُفظ' }).waitFor();
      await page.getByLabel('العنوان', { exact: true }).fill('عنوان المراجعة الثانية');
      await page.locator('.save-state', { hasText: 'غير محفوظة' }).waitFor(); // so the next "حُفظ" is this save's
      await page.keyboard.press('Control+s');
      await page.locator('.save-state', { hasText: 'حُفظ' }).waitFor();
      await page.getByText('المراجعات السابقة').click();
      const first = page.locator('.rev-list li[data-number="1"]');
      await first.getByRole('button', { name: 'الفرق مع الحالي' }).click();
      const diff = page.locator('.diff-fields');
      await diff.waitFor();
      assert.equal(await diff.locator('td.del').first().textContent(), 'عنوان المراجعة الأولى');
      assert.equal(await diff.locator('td.add').first().textContent(), 'عنوان المراجعة الثانية');
      page.once('dialog', (d) => d.accept());
      await first.getByRole('button', { name: 'استعد هذه' }).click();
      await pollUntil(async () => (await page.getByLabel('العنوان', { exact: true }).inputValue()) === 'عنوان المراجعة الأولى');
      assert.equal(await page.getByLabel('العنوان', { exact: true }).inputValue(), 'عنوان المراجعة الأولى');
      await page.locator('.rev-list li[data-number="3"]').waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('autosave: a draft saves itself; offline it waits in localStorage, goes out when back online, and a reopened editor offers it', async () => {
    const { context, page, errors } = await signIn('ed2');
    try {
      await page.getByRole('link', { name: 'مقال جديد' }).first().click();
      await page.getByLabel('العنوان', { exact: true }).fill('مسودة تحفظ نفسها');
      await page.getByLabel('القسم').selectOption('economy');
      await page.getByRole('textbox', { name: 'نص المقال' }).click();
      await page.keyboard.type('لم يضغط أحد على زر الحفظ.');
      const a = await openArticle(page); // the URL changes once the autosave created it
      assert.equal(a.headline, 'مسودة تحفظ نفسها');
      assert.equal(a.status, 'draft');

      await context.setOffline(true);
      await page.getByLabel('الموجز').fill('موجز كتب دون اتصال');
      await page.locator('.save-state', { hasText: 'غير متصل' }).waitFor();
      const local = await page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('khabar:draft:')).map(([, v]) => JSON.parse(v).data.lede));
      assert.ok(local.includes('موجز كتب دون اتصال'), 'the offline edit is kept on this device');
      await context.setOffline(false);
      await page.locator('.save-state', { hasText: 'حُفظ' }).waitFor();
      const back = await api(base, 'GET', `/api/v1/articles/${a.id}`, { session: sessions.ed1 });
      assert.equal(back.json.lede, 'موجز كتب دون اتصال', 'sent when the connection came back');

      // Offline again, an edit, and the tab is closed: the next editor of this browser gets it back.
      await context.setOffline(true);
      await page.getByLabel('العنوان', { exact: true }).fill('عنوان كتب قبل إغلاق النافذة');
      await page.locator('.save-state', { hasText: 'غير متصل' }).waitFor({ timeout: 15_000 });
      await page.close();
      await context.setOffline(false);
      const again = await context.newPage();
      await again.goto(`${base}/admin/#/articles/${a.id}`);
      const banner = again.locator('.banner', { hasText: 'نسخة محلية' });
      await banner.waitFor();
      assert.equal(await again.getByLabel('العنوان', { exact: true }).inputValue(), 'مسودة تحفظ نفسها', 'the server copy first');
      await banner.getByRole('button', { name: 'استعد النسخة المحلية' }).click();
      assert.equal(await again.getByLabel('العنوان', { exact: true }).inputValue(), 'عنوان كتب قبل إغلاق النافذة');
      await again.keyboard.press('Control+s');
      await again.locator('.save-state', { hasText: 'حُفظ' }).waitFor();
      const last = await api(base, 'GET', `/api/v1/articles/${a.id}`, { session: sessions.ed1 });
      assert.equal(last.json.headline, 'عنوان كتب قبل إغلاق النافذة');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('keyboard and toolbar: one tab stop with arrow keys, visible focus, Ctrl+B/I/K, lists, and what the server keeps', async () => {
    const { context, page } = await signIn('ed1');
    try {
      await page.getByRole('link', { name: 'مقال جديد' }).first().click();
      const toolbar = page.getByRole('toolbar', { name: 'تنسيق النص' });
      await toolbar.waitFor();
      assert.equal(await toolbar.locator('button[tabindex="0"]').count(), 1, 'one tab stop');
      await page.getByLabel('المصدر', { exact: true }).focus();
      // Tab from the last field before the photo walks the form in order to the toolbar.
      let reached = false;
      for (let i = 0; i < 12 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.closest('[role=toolbar]') !== null);
      }
      assert.ok(reached, 'the toolbar is reachable with Tab');
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'فقرة');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none', 'focus is visible');
      await page.keyboard.press('ArrowLeft'); // RTL: left is the next button
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'عنوان فرعي');
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'فقرة');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('role')), 'textbox', 'Tab leaves the toolbar for the text');
      await page.keyboard.type('كلمة ');
      await page.keyboard.press('Control+b');
      await page.keyboard.type('مهمة');
      await page.keyboard.press('Control+b');
      await page.keyboard.type(' و');
      await page.keyboard.press('Control+i');
      await page.keyboard.type('مائلة');
      await page.keyboard.press('Control+i');
      await page.keyboard.type(' ثم نص عادي.');
      // Lists and a link from the toolbar (the link asks for its address).
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'قائمة نقطية' }).click();
      await page.keyboard.type('بند أول');
      await page.keyboard.press('Enter');
      await page.keyboard.type('بند ثان');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter'); // an empty item ends the list
      await page.getByRole('button', { name: 'قائمة مرقمة' }).click();
      await page.keyboard.type('خطوة');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
      page.once('dialog', (d) => d.accept('https://example.com/تقرير'));
      await page.keyboard.press('Control+k');
      const html = await page.getByRole('textbox', { name: 'نص المقال' }).innerHTML();
      assert.match(html, /<b>مهمة<\/b>|<strong>مهمة<\/strong>/);
      assert.match(html, /<(i|em)>مائلة<\/(i|em)>/);
      assert.match(html, /<ul><li>بند أول<\/li><li>بند ثان<\/li><\/ul>/);
      assert.match(html, /<ol><li>خطوة<\/li><\/ol>/);
      assert.match(html, /<a href="https:\/\/example\.com\/تقرير">/);
      // What the server keeps of it: the same structure, b/i as strong/em, rel on the link.
      await page.getByLabel('العنوان', { exact: true }).fill('تجربة لوحة المفاتيح');
      await page.getByLabel('القسم').selectOption('economy');
      await page.keyboard.press('Control+s');
      const a = await openArticle(page);
      assert.match(a.body_html, /<p>كلمة <strong>مهمة<\/strong> و<em>مائلة<\/em> ثم نص عادي\.<\/p>/, 'ordinary spaces, not &nbsp;');
      assert.match(a.body_html, /<ul><li>بند أول<\/li><li>بند ثان<\/li><\/ul>/);
      assert.match(a.body_html, /<a href="https:\/\/example\.com\/[^"]+" rel="noopener noreferrer nofollow">/);
    } finally {
      await context.close();
    }
  });

  test('hostile HTML — from the server or from a tampered local copy — never runs in the editor or its preview', async () => {
    const vectors = [
      '<img src=x onerror="window.__xss=1;alert(1)">', '<svg onload="window.__xss=2"></svg>', '<script>window.__xss=3</script>',
      '<a href="javascript:window.__xss=4">رابط</a>', '<a href="jav&#x09;ascript:alert(5)">رابط</a>', '<p onclick="window.__xss=6">فقرة</p>',
      '<iframe src="javascript:alert(7)"></iframe>', '<math><mtext><table><mglyph><style><img src=x onerror=alert(8)>',
      '<form action="javascript:alert(9)"><button>زر</button></form>', '<details open ontoggle="window.__xss=10">',
      '<object data="javascript:alert(11)"></object>', '<img src="data:text/html,<script>alert(12)</script>">',
    ].join('');
    const created = await api(base, 'POST', '/api/v1/articles', {
      session: sessions.ed1, body: { headline: 'مقال يحمل نصاً عدائياً', section: 'politics', body_html: `<p>نص عادي.</p>${vectors}` },
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const { context, page, errors } = await signIn('ed1');
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      d.dismiss();
    });
    try {
      // A local copy for this article holding the raw vectors, as if storage were tampered with.
      await page.evaluate(([uid, id, body]) => {
        localStorage.setItem(`khabar:draft:${uid}:${id}`, JSON.stringify({ at: Date.now(), version: 0, data: { headline: 'نسخة محلية', section: null, tags: [], body_html: body } }));
      }, [sessions.ed1.json.user.id, created.json.id, vectors]);
      await page.goto(`${base}/admin/#/articles/${created.json.id}`);
      await page.frameLocator('iframe.preview-frame').locator('h1', { hasText: 'مقال يحمل نصاً عدائياً' }).waitFor();
      await page.locator('.banner').getByRole('button', { name: 'استعد النسخة المحلية' }).click();
      await page.frameLocator('iframe.preview-frame').locator('h1', { hasText: 'نسخة محلية' }).waitFor();
      await page.waitForTimeout(300);
      const html = await page.getByRole('textbox', { name: 'نص المقال' }).innerHTML();
      assert.doesNotMatch(html, /<script|<svg|<iframe|<object|<form|onerror|onload|onclick|ontoggle|javascript:|data:text/i, html);
      assert.equal(await page.evaluate(() => window.__xss), undefined, 'nothing ran in the editor');
      assert.equal(await page.frames().find((f) => f !== page.mainFrame())?.evaluate(() => window.__xss).catch(() => undefined), undefined, 'nothing ran in the preview');
      assert.equal(dialogs, 0, 'no alert');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the list: filters, status badges, and the near-duplicate marker linking to the original', async () => {
    const { context, page, errors } = await signIn('ed1');
    try {
      await page.locator('table.articles').waitFor();
      const dupRow = page.locator('tr', { hasText: 'خط الحافلات الجديد بين الميناء والجامعة يبدأ قريباً' });
      const marker = dupRow.locator('a.dup');
      assert.equal(await marker.textContent(), 'مكرر محتمل');
      assert.match(await marker.getAttribute('title'), /خط حافلات جديد بين الميناء والجامعة/);
      assert.equal(await page.locator('tr', { hasText: 'خبر منشور من قبل في قسم الاقتصاد' }).locator('a.dup').count(), 0, 'no marker on an ordinary article');
      await page.getByLabel('المكررات المحتملة فقط').check();
      await page.waitForURL(/duplicates=1/);
      await page.locator('table.articles caption', { hasText: 'مقال واحد' }).waitFor();
      assert.equal(await page.locator('table.articles tbody tr').count(), 1);
      await page.locator('a.dup').click();
      await page.waitForURL(/#\/articles\/\d+$/);
      assert.equal(await page.getByLabel('العنوان', { exact: true }).inputValue(), 'خط حافلات جديد بين الميناء والجامعة', 'the marker opens the original');
      // Filters: status and text, with the badge in Arabic.
      await page.goto(`${base}/admin/#/articles`);
      await page.getByLabel('الحالة').selectOption('published');
      await page.waitForURL(/status=published/);
      // The old table stays until the filtered one replaces it: wait for the new one.
      const badges = await pollUntil(async () => {
        const v = await page.locator('table.articles tbody .badge').allTextContents();
        return v.length >= 3 && v.every((x) => x === 'منشور') ? v : null;
      }, { limitMs: 15_000 });
      assert.ok(badges, 'only published articles, with their badge in Arabic');
      await page.getByLabel('بحث').fill('الميناء');
      await page.getByRole('button', { name: 'تصفية' }).click();
      await page.waitForURL(/q=/);
      await page.locator('table.articles caption', { hasText: 'مقالان' }).waitFor();
      assert.deepEqual((await page.locator('table.articles tbody td.headline > a:first-child').allTextContents()).sort(),
        ['خط الحافلات الجديد بين الميناء والجامعة يبدأ قريباً', 'خط حافلات جديد بين الميناء والجامعة']);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test('the users page: an admin adds a user and changes a role; others do not get the page', async () => {
    const { context, page, errors } = await signIn('admin1');
    try {
      await page.getByRole('link', { name: 'المستخدمون' }).click();
      await page.locator('table.users tr[data-name="ed1"]').waitFor();
      const form = page.locator('form.new-user');
      await form.getByLabel('اسم المستخدم').fill('نور');
      await form.getByLabel('الدور').selectOption('contributor');
      await form.getByLabel('كلمة المرور').fill('قصير');
      await form.getByRole('button', { name: 'أضف المستخدم' }).click();
      await form.locator('.error', { hasText: 'كلمة المرور' }).waitFor();
      await form.getByLabel('كلمة المرور').fill(PW);
      await form.getByRole('button', { name: 'أضف المستخدم' }).click();
      const row = page.locator('table.users tr[data-name="نور"]');
      await row.waitFor();
      await row.getByLabel('دور نور').selectOption('author');
      await row.locator('.row-state', { hasText: 'حُفظ الدور' }).waitFor();
      const nour = await login(base, 'نور', PW);
      assert.equal(nour.json.user.role, 'author');
      // On a phone nothing scrolls sideways: wide tables scroll inside their own box.
      await page.setViewportSize({ width: 375, height: 812 });
      for (const hash of ['#/users', '#/articles', '#/articles/new']) {
        await page.goto(`${base}/admin/${hash}`);
        await page.locator(hash === '#/users' ? 'table.users' : hash === '#/articles' ? 'table.articles' : '.toolbar').waitFor();
        const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
        assert.ok(sw <= iw, `${hash} at 375 px: ${sw}px wide`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
    const ed = await signIn('ed1');
    try {
      assert.equal(await ed.page.getByRole('link', { name: 'المستخدمون' }).count(), 0, 'no users link for an editor');
      await ed.page.goto(`${base}/admin/#/users`);
      await ed.page.getByText('صفحة المستخدمين للمديرين فقط').waitFor();
    } finally {
      await ed.context.close();
    }
  });
});
