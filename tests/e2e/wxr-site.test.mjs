// wxr-site.test.mjs — a WordPress site moving to khabar, as its newsroom sees it: the Arabic
// export of our own writing (tests/fixtures/wxr/arabic-news.xml) is imported with a copy of
// its uploads directory; then the site answers the old addresses (percent-encoded Arabic,
// either case, with or without the trailing slash) with a 301 to the new ones, serves the
// copied featured image, and the imported authors cannot sign in until an admin gives them a
// password.  Re-running the import changes nothing; a dry run copies no file.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { REPO, addUser, api, dbFingerprint, getJson, login, request, run, runOk, startServer, tempWorkspace } from './helpers.mjs';

const EXPORT = fs.readFileSync(path.join(REPO, 'tests', 'fixtures', 'wxr', 'arabic-news.xml'));
const NOT_A_PHOTO = Buffer.from('\xff\xd8\xff\xe0 our own bytes standing in for a photo', 'latin1');

/** A JPEG drawn here with ImageMagick's `convert` (as media.test.mjs does). */
function drawPhoto(dir) {
  const out = path.join(dir, 'drawn.jpg');
  const r = spawnSync('convert', ['-size', '640x400', 'gradient:#1d3557-#a8dadc', '-quality', '85', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, `convert (install imagemagick): ${r.stderr || r.error}`);
  return fs.readFileSync(out);
}
const enc = (s) => encodeURIComponent(s);

function workspace(photo = NOT_A_PHOTO) {
  const ws = tempWorkspace();
  ws.xml = ws.file('export.xml', EXPORT);
  // the uploads copy in its long form: DIR/wp-content/uploads/2023/10/<file>
  ws.photo = photo === true ? drawPhoto(ws.dir) : photo;
  ws.file('uploads/wp-content/uploads/2023/10/خزان-المياه.jpg', ws.photo);
  ws.uploads = path.join(ws.dir, 'uploads');
  return ws;
}

describe('import wxr: a site moves in', () => {
  test('old addresses redirect, the photo is served, authors need a password first', async () => {
    const ws = workspace();
    try {
      const r = runOk(['import', 'wxr', '--media-dir', ws.uploads, ws.xml], { db: ws.db });
      assert.match(r.stdout, /^5 created, 0 updated, 0 unchanged, 4 skipped$/m);
      assert.match(r.stdout, /^ {2}1 shortcode \[gallery\] removed: line \d+$/m);
      assert.match(r.stdout, /^ {2}1 shortcode \[contact-form-7\] unknown: left as text: line \d+$/m);
      assert.match(r.stdout, /^ {2}1 media file not in --media-dir: kept as a remote URL: line \d+$/m);
      // these bytes only pretend to be a JPEG: copied as they are, without a media row
      assert.match(r.stdout, /^ {2}1 media file not a JPEG, PNG or WebP: copied, no media row: line \d+$/m);
      assert.match(r.stdout, /5 sections given a parent, 2 users created .*, 10 old addresses redirect, 1 media files copied/);
      const before = dbFingerprint(ws.db);
      const again = runOk(['import', 'wxr', '-q', '--media-dir', ws.uploads, ws.xml], { db: ws.db });
      assert.match(again.stdout, /^0 created, 0 updated, 5 unchanged, 4 skipped$/m);
      assert.equal(dbFingerprint(ws.db), before, 're-import changes nothing');

      const srv = await startServer(ws.db);
      try {
        const list = (await getJson(srv.url('/api/v1/articles'))).json;
        const water = list.articles.find((a) => a.headline.startsWith('المجلس البلدي'));
        assert.ok(water, 'the post is served');
        assert.equal(water.section.slug, 'بلديات');
        const slug = 'المجلس-البلدي-يقر-خطة-المياه';
        const forms = [
          `/2023/10/${enc(slug).toLowerCase()}/`, // as WordPress writes its links
          `/2023/10/${enc(slug)}/`,
          `/2023/10/${enc(slug)}`,
        ];
        for (const p of forms) {
          for (let i = 0; i < 2; i++) { // the second answer comes from the page cache
            const res = await request(srv.url(p));
            assert.equal(res.status, 301, p);
            assert.equal(decodeURIComponent(res.headers.location), decodeURIComponent(water.url), p);
          }
        }
        const page = await request(srv.url(`/${enc('من-نحن').toLowerCase()}/`));
        assert.equal(page.status, 301);
        assert.equal(decodeURIComponent(page.headers.location), '/pages/من-نحن');
        const followed = await fetch(srv.url(forms[0]));
        assert.equal(followed.status, 200);
        assert.match(await followed.text(), /أقر المجلس البلدي/);
        // WordPress's id links: /?p=<post id> and /?page_id=<page id>, other parameters ignored
        for (const [p, to] of [['/?p=101', water.url], ['/?p=101&utm_source=feed', water.url], ['/?page_id=104', '/pages/من-نحن']]) {
          const res = await request(srv.url(p));
          assert.equal(res.status, 301, p);
          assert.equal(decodeURIComponent(res.headers.location), decodeURIComponent(to), p);
        }
        const byId = await fetch(srv.url('/?p=101'));
        assert.equal(byId.status, 200);
        assert.match(await byId.text(), /أقر المجلس البلدي/);
        assert.equal((await request(srv.url('/?p=105'))).status, 404, 'the draft');
        assert.equal((await request(srv.url('/?p=999'))).status, 404, 'no such post');
        assert.equal((await request(srv.url('/?page=1'))).status, 200, 'the home page still pages');
        // a draft's old address, and an address nobody had: 404
        assert.equal((await request(srv.url(`/2023/10/${enc('مسودة-الميزانية')}/`))).status, 404);
        assert.equal((await request(srv.url('/2023/10/nothing-here/'))).status, 404);

        // the featured image was copied by content and is served with its bytes
        assert.match(water.image.src, /^\/media\/[0-9a-f]{2}\/[0-9a-f]{64}\.jpg$/);
        const img = await request(srv.url(water.image.src));
        assert.equal(img.status, 200);
        assert.deepEqual(img.body, NOT_A_PHOTO);
        const football = list.articles.find((a) => a.headline.startsWith('الفريق المحلي'));
        assert.equal(football.image.src, 'https://akhbar.example/wp-content/uploads/2023/10/stadium.jpg');

        // authors are users without a password: no password signs in, until one is set
        assert.notEqual((await login(srv.base, 'hala', '')).status, 200);
        assert.notEqual((await login(srv.base, 'hala', 'a guess of ten chars')).status, 200);
        runOk(['user', 'passwd', 'hala'], { db: ws.db, input: 'كلمة سر طويلة بما يكفي\n' });
        const ok = await login(srv.base, 'hala', 'كلمة سر طويلة بما يكفي');
        assert.equal(ok.status, 200, JSON.stringify(ok.json));
      } finally {
        await srv.stop();
      }
    } finally {
      ws.cleanup();
    }
  });

  test('a featured photo joins the media library: variants, a media row in the API and the export', async () => {
    const ws = workspace(true);
    try {
      const dry = runOk(['import', 'wxr', '--dry-run', '--media-dir', ws.uploads, ws.xml], { db: ws.db });
      assert.match(dry.stdout, /1 media files copied/);
      assert.equal(fs.existsSync(path.join(ws.dir, 'media')), false, 'a dry run writes no file');
      const r = runOk(['import', 'wxr', '--media-dir', ws.uploads, ws.xml], { db: ws.db });
      assert.match(r.stdout, /1 media files copied/);
      assert.doesNotMatch(r.stdout, /no media row|no row/);
      const before = dbFingerprint(ws.db);
      const again = runOk(['import', 'wxr', '--media-dir', ws.uploads, ws.xml], { db: ws.db });
      assert.match(again.stdout, /0 media files copied/);
      assert.equal(dbFingerprint(ws.db), before, 're-import changes nothing');
      addUser(ws.db, 'mona', 'editor', 'كلمة سر المحررة الطويلة');
      const srv = await startServer(ws.db);
      try {
        const water = (await getJson(srv.url('/api/v1/articles'))).json.articles.find((a) => a.headline.startsWith('المجلس البلدي'));
        assert.match(water.image.src, /^\/media\/[0-9a-f]{64}\.jpg$/, 'named like an uploaded photo');
        const s = await login(srv.base, 'mona', 'كلمة سر المحررة الطويلة');
        const lib = await api(srv.base, 'GET', '/api/v1/media', { session: s });
        assert.equal(lib.status, 200);
        assert.equal(lib.json.total, 1);
        const photo = lib.json.media[0];
        assert.equal(photo.src, water.image.src);
        assert.deepEqual([photo.width, photo.height, photo.bytes], [640, 400, ws.photo.length]);
        assert.equal(photo.alt, 'خزان المياه في الحي الشرقي');
        const orig = await request(srv.url(photo.src));
        assert.equal(orig.status, 200);
        assert.deepEqual(orig.body, ws.photo);
        for (const v of ['-page.jpg', '-social.jpg']) {
          const res = await request(srv.url(photo.src.replace(/\.jpg$/, v)));
          assert.equal(res.status, 200, v);
          assert.equal(res.headers['content-type'], 'image/jpeg', v);
        }
      } finally {
        await srv.stop();
      }
      const recs = runOk(['export', 'jsonl'], { db: ws.db }).stdout.trim().split('\n').map((l) => JSON.parse(l));
      const media = recs.filter((x) => x.kind === 'media');
      assert.equal(media.length, 1);
      assert.equal(`/media/${media[0].hash}.jpg`, recs.find((x) => x.kind === 'article' && x.headline.startsWith('المجلس البلدي')).image.src);
    } finally {
      ws.cleanup();
    }
  });

  test('--authors bylines makes no user; --dry-run copies no file', () => {
    const ws = workspace();
    try {
      const dry = runOk(['import', 'wxr', '--dry-run', '--media-dir', ws.uploads, ws.xml], { db: ws.db });
      assert.match(dry.stdout, /^dry run, nothing written: 5 created/m);
      assert.equal(fs.existsSync(path.join(ws.dir, 'media')), false, 'no media directory made');
      const r = runOk(['import', 'wxr', '--authors', 'bylines', ws.xml], { db: ws.db });
      assert.match(r.stdout, /0 users created/);
      assert.match(runOk(['user', 'list'], { db: ws.db }).stdout, /^(?![\s\S]*hala)/);
    } finally {
      ws.cleanup();
    }
  });

  test('usage errors name the option', () => {
    const ws = workspace();
    try {
      const bad = [
        [['--authors', 'everyone', ws.xml], /--authors: 'everyone': expected users or bylines/],
        [['--media', ws.dir, ws.xml], /--media: only with --media-dir/],
        [['--media-dir', ws.xml, ws.xml], /--media-dir: not a directory/],
        [['--media-dir'], /--media-dir: needs a value/],
      ];
      for (const [args, message] of bad) {
        const r = run(['import', 'wxr', ...args], { db: ws.db });
        assert.equal(r.status, 2, args.join(' '));
        assert.match(r.stderr, message);
      }
      assert.equal(fs.existsSync(ws.db), false, 'a usage error opens no database');
    } finally {
      ws.cleanup();
    }
  });
});
