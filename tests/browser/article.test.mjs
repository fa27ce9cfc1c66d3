// article.test.mjs — what a reader sees, in a real browser (Debian's Chromium driven by
// playwright-core): the reference article at phone (375×812) and desktop (1280×900) sizes,
// the home page at phone size, and the section, tag and author pages at 360 px.  Every element of the reference page must be visible,
// the page must be right-to-left, and nothing may scroll sideways.  Screenshots go to
// tests/artifacts/ (git-ignored) for a person to look at.
//
// The article photos are drawn by the browser itself on a canvas (our own pixels) and
// handed to the importer with --media-dir.  Skips with a message when /usr/bin/chromium
// or ../shared is missing.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  FIXTURE,
  REPO,
  SKIP_SHARED,
  dayAfterNewYear,
  expectedFixture,
  getJson,
  haveShared,
  initAndImport,
  makePageText,
  runOk,
  startServer,
  tempWorkspace,
} from '../e2e/helpers.mjs';

const CHROMIUM = process.env.KB_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO, 'tests', 'artifacts');
const VIEWPORTS = [
  { name: 'phone', width: 375, height: 812 },
  { name: 'desktop', width: 1280, height: 900 },
];
const NOTHER = 6;
// A tag and a byline long enough to test wrapping on a 360 px screen (our own words).
const LONG_TAG = 'مشروعات_الطاقة_المتجددة_والتحول_الأخضر_2030'; // one word, 77 bytes
const LONG_BYLINE = 'عبد الرحمن بن محمد بن عبد العزيز الفلاني مراسل الشؤون الاقتصادية والطاقة';

const skipReason = !fs.existsSync(CHROMIUM)
  ? `skipped: ${CHROMIUM} not found (apt-get install chromium)`
  : !haveShared()
    ? SKIP_SHARED
    : null;

/** A 1200×675 JPEG drawn in the page: a gradient sky, a sun and a skyline, per seed. */
async function drawPhoto(page, seed) {
  const dataUrl = await page.evaluate((s) => {
    const c = document.createElement('canvas');
    c.width = 1200;
    c.height = 675;
    const g = c.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, 675);
    sky.addColorStop(0, `hsl(${(s * 47) % 360}, 60%, 45%)`);
    sky.addColorStop(1, `hsl(${(s * 47 + 40) % 360}, 70%, 80%)`);
    g.fillStyle = sky;
    g.fillRect(0, 0, 1200, 675);
    g.fillStyle = 'rgba(255, 240, 200, 0.9)';
    g.beginPath();
    g.arc(300 + ((s * 131) % 600), 200, 70, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#223';
    for (let x = 0, i = 0; x < 1200; i++) {
      const w = 40 + ((s * 17 + i * 29) % 90);
      const h = 120 + ((s * 23 + i * 53) % 260);
      g.fillRect(x, 675 - h, w - 6, h);
      x += w;
    }
    return c.toDataURL('image/jpeg', 0.8);
  }, seed);
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

describe('in the browser', { skip: skipReason ?? false, concurrency: false }, () => {
  let chromium;
  let browser;
  let ws;
  let srv;
  let exp;
  let ref;

  before(async () => {
    ({ chromium } = await import('playwright-core'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    exp = expectedFixture();
    ws = tempWorkspace('khabar-browser-');
    const media = path.join(ws.dir, 'media');
    fs.mkdirSync(media);
    const painter = await browser.newPage();
    fs.writeFileSync(path.join(media, 'trt-article.jpg'), await drawPhoto(painter, 1));
    const files = [];
    for (let i = 1; i <= NOTHER; i++) {
      const name = `other-${i}.txt`;
      if (i % 2) fs.writeFileSync(path.join(media, `other-${i}.jpg`), await drawPhoto(painter, i + 1));
      files.push(
        ws.file(
          name,
          makePageText({
            section: i % 2 ? 'سياسة' : 'اقتصاد',
            headline: `خبر آخر رقم ${i} لعرضه في قائمة اكتشف وعلى الصفحة الرئيسية`,
            date: dayAfterNewYear(i),
            seed: i,
          }),
        ),
      );
    }
    await painter.close();
    initAndImport(ws.db, [FIXTURE, ...files], ['--media-dir', media]);
    const tagged = [1, 2, 3].map((i) => JSON.stringify({
      external_id: `browser-tagged-${i}`,
      headline: `تقرير مطول رقم ${i} عن مشروعات الطاقة المتجددة والتحول الأخضر في المنطقة`,
      lede: 'موجز التقرير في جملة واحدة.',
      byline: LONG_BYLINE,
      section: 'اقتصاد',
      body_html: '<p>نص التقرير من كتابتنا.</p>',
      status: 'published',
      published: `2025-02-0${i}T09:00:00+03:00`,
      tags: [LONG_TAG, 'طاقة'],
    }));
    runOk(['import', 'jsonl', ws.file('tagged.jsonl', `${tagged.join('\n')}\n`)], { db: ws.db });
    srv = await startServer(ws.db, { cwd: ws.dir });
    const list = await getJson(srv.url('/api/v1/articles?per_page=100'));
    ref = list.json.articles.find((a) => a.headline === exp.headline);
    assert.ok(ref, 'the reference article is served');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
    if (ws) ws.cleanup();
  });

  async function open(vp, urlPath) {
    const context = await browser.newContext({ viewport: { width: vp.width, height: vp.height }, locale: 'ar' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const res = await page.goto(srv.url(urlPath), { waitUntil: 'load', timeout: 30_000 });
    assert.equal(res.status(), 200, `GET ${urlPath}`);
    return { context, page, errors };
  }

  async function noSidewaysScroll(page, what) {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    assert.ok(scrollWidth <= innerWidth, `${what}: page is ${scrollWidth}px wide in a ${innerWidth}px window`);
  }

  for (const vp of VIEWPORTS) {
    test(`the reference article at ${vp.width}×${vp.height} (${vp.name})`, async () => {
      const { context, page, errors } = await open(vp, ref.url);
      try {
        assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'ar');
        const article = page.locator('article').filter({ has: page.locator('h1') }).first();
        const bodyP = exp.body.find((b) => b.type === 'p').text;
        const h2 = exp.body.find((b) => b.type === 'h2').text;
        const elements = {
          'section link': article.locator('a[href="/politics/"]', { hasText: exp.section }).first(),
          'reading time': article.getByText('3 دقائق', { exact: false }).first(),
          headline: article.locator('h1'),
          lede: article.locator('p', { hasText: exp.lede.slice(0, 40) }).first(),
          figure: article.locator('figure').first(),
          photo: article.locator('figure img').first(),
          figcaption: article.locator('figcaption').first(),
          date: article.locator('time', { hasText: exp.published_display }).first(),
          'body paragraph': article.locator('p', { hasText: bodyP.slice(0, 40) }).first(),
          subheading: article.locator('h2', { hasText: h2 }).first(),
          source: article.getByText(exp.source, { exact: false }).first(),
          discover: page.locator('aside', { has: page.locator('h2, h3', { hasText: 'اكتشف' }) }).first(),
          breadcrumbs: page.locator('nav.breadcrumbs'),
        };
        for (const [name, loc] of Object.entries(elements)) {
          assert.equal(await loc.count(), 1, `${vp.name}: the ${name} is on the page`);
          assert.ok(await loc.isVisible(), `${vp.name}: the ${name} is visible`);
        }
        assert.equal(await elements.headline.textContent().then((s) => s.trim()), exp.headline);
        const photoLoaded = await elements.photo.evaluate((img) => img.complete && img.naturalWidth > 0);
        assert.ok(photoLoaded, `${vp.name}: the photo loads (/media/ is served)`);
        assert.equal(
          await elements.headline.evaluate((el) => getComputedStyle(el).direction),
          'rtl',
          'the headline runs right to left',
        );
        const fontPx = await elements['body paragraph'].evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
        assert.ok(fontPx >= 15, `${vp.name}: body text is readable (${fontPx}px)`);
        assert.equal(await elements.discover.locator('a[href]').count(), Math.min(15, NOTHER + 3),
          'the rail lists the other articles');
        await noSidewaysScroll(page, `${vp.name} article`);
        await page.screenshot({ path: path.join(ARTIFACTS, `article-${vp.name}.png`), fullPage: true });
        assert.deepEqual(errors, [], 'no script errors');
      } finally {
        await context.close();
      }
    });
  }

  test('the home page at 375×812 (phone)', async () => {
    const vp = VIEWPORTS[0];
    const { context, page, errors } = await open(vp, '/');
    try {
      assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
      const cards = page.locator('main article');
      assert.equal(await cards.count(), NOTHER + 4, 'every article is listed');
      for (let i = 0; i < (await cards.count()); i++) {
        const link = cards.nth(i).locator('h2 a, h3 a').first();
        assert.ok(await link.isVisible(), `card ${i + 1}'s headline link is visible`);
      }
      // The lead story is the newest article with a photo (the odd-numbered ones have one).
      const lead = page.locator('main article.card.lead');
      assert.equal(await lead.count(), 1);
      assert.match((await lead.locator('h2 a').textContent()).trim(), new RegExp(`رقم ${NOTHER - 1} `),
        'the newest article with a photo leads');
      const leadImg = lead.locator('img');
      assert.ok(await leadImg.isVisible(), 'the lead shows its photo');
      const leadBox = await leadImg.boundingBox();
      assert.ok(leadBox.width >= vp.width * 0.8, `the lead photo spans the phone screen (${leadBox.width}px)`);
      await noSidewaysScroll(page, 'phone home');
      await page.screenshot({ path: path.join(ARTIFACTS, 'home-phone.png'), fullPage: true });
      assert.deepEqual(errors, [], 'no script errors');
    } finally {
      await context.close();
    }
  });

  const narrow = { name: 'narrow phone', width: 360, height: 740 };
  const listPages = [
    ['section', () => '/politics/', 'سياسة'],
    ['tag', () => `/tag/${encodeURIComponent(LONG_TAG)}/`, LONG_TAG],
    ['author', () => attrHref, LONG_BYLINE],
  ];
  let attrHref = null;
  for (const [kind, pathOf, heading] of listPages) {
    test(`the ${kind} page at 360×740: breadcrumbs, heading and cards fit the screen`, async () => {
      if (kind === 'author') {
        // reach it the way a reader does: the byline link of a tagged article
        const { context, page } = await open(narrow, `/tag/${encodeURIComponent(LONG_TAG)}/`);
        try {
          const href = await page.locator('main article.card h2 a').first().getAttribute('href');
          await page.goto(srv.url(href), { waitUntil: 'load' });
          const by = page.locator('article .byline a[rel="author"]');
          assert.ok(await by.isVisible(), 'the byline links to the author page');
          await noSidewaysScroll(page, 'narrow tagged article');
          attrHref = await by.getAttribute('href');
        } finally {
          await context.close();
        }
      }
      const { context, page, errors } = await open(narrow, pathOf());
      try {
        assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
        const crumbs = page.locator('nav.breadcrumbs');
        assert.ok(await crumbs.isVisible(), `${kind}: the breadcrumb trail is visible`);
        assert.equal((await crumbs.locator('li').last().textContent()).trim(), heading);
        assert.equal((await page.locator('main h1').textContent()).trim(), heading);
        const cards = page.locator('main article.card');
        assert.ok((await cards.count()) >= 1, `${kind}: cards are listed`);
        for (let i = 0; i < (await cards.count()); i++) {
          const box = await cards.nth(i).boundingBox();
          assert.ok(box.x >= 0 && box.x + box.width <= narrow.width + 0.5,
            `${kind}: card ${i + 1} lies within the screen (${box.x}..${box.x + box.width})`);
        }
        await noSidewaysScroll(page, `narrow ${kind}`);
        await page.screenshot({ path: path.join(ARTIFACTS, `${kind}-narrow.png`), fullPage: true });
        assert.deepEqual(errors, [], 'no script errors');
      } finally {
        await context.close();
      }
    });
  }
});

