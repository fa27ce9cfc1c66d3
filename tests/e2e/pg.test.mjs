// pg.test.mjs — the PostgreSQL store end to end: the demo articles imported into a
// PostgreSQL database and into an SQLite file give the same public site, byte for byte.
//
// A throwaway cluster (scripts/pg-scratch.sh: initdb as `nobody` when root, a unix socket in
// its own directory, no TCP port) is started for this file and stopped by its pid at the
// end.  Both stores get `init` and `import page-text --media-dir` of demo/articles (two of
// them with a photo, so the lead-story queries run); then, so that the two differ only by
// their engine, PostgreSQL's articles take SQLite's `updated` (the import's wall clock),
// and SQLite's related lists (not on PostgreSQL yet: the page falls back to the
// section's newest) are emptied.  Every page both servers answer is compared: status and
// body bytes.  Search, not on PostgreSQL yet, must answer an honest error, never a 500.
//
// Skipped with a message when PostgreSQL's initdb or the sqlite3 shell is not installed.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO, request, runOk, startServer, tempWorkspace } from './helpers.mjs';

const HOST = 'news.example';
const PHOTOS = ['pol-budget-debate.txt', 'cul-book-fair.txt']; // lead stories

function pgBindir() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  for (const v of fs.readdirSync(base).sort().reverse()) {
    const dir = path.join(base, v, 'bin');
    if (fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'psql'))) return dir;
  }
  return null;
}

function haveSqlite3() {
  return spawnSync('sqlite3', ['-version'], { encoding: 'utf8' }).status === 0;
}

const bindir = pgBindir();
const skip = !bindir
  ? 'skipped: PostgreSQL (initdb) is not installed: scripts/install-deps.sh check'
  : !haveSqlite3()
    ? 'skipped: the sqlite3 shell is not installed'
    : false;

function sh(cmd, args, what) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 180_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${what} exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('PostgreSQL store: the same site as SQLite', { skip }, () => {
  const pgDir = path.join(os.tmpdir(), `khabar-pg-e2e-${process.pid}`);
  const scratch = path.join(REPO, 'scripts', 'pg-scratch.sh');
  let ws;
  let pgUrl;
  let sqlite;
  let pg;
  const paths = new Set(['/', '/?page=2', '/feed.xml', '/atom.xml', '/feed.json', '/sitemap.xml',
    '/news-sitemap.xml', '/robots.txt', '/api/v1/articles', '/no-such-section/', '/nothing/here']);

  before(async () => {
    ws = tempWorkspace('khabar-e2e-pg-');
    const admin = sh(scratch, ['start', pgDir], 'pg-scratch.sh start').trim();
    sh(path.join(bindir, 'psql'), ['-X', '-q', admin, '-c', 'CREATE DATABASE demo'], 'createdb');
    pgUrl = admin.replace('/postgres?', '/demo?');
    assert.notEqual(pgUrl, admin);

    const media = path.join(ws.dir, 'media');
    const tsv = fs.readFileSync(path.join(REPO, 'demo', 'photos.tsv'), 'utf8').split('\n')
      .filter((l) => PHOTOS.includes(l.split('\t')[0]));
    assert.equal(tsv.length, PHOTOS.length);
    const photos = ws.file('photos.tsv', `${tsv.join('\n')}\n`);
    sh(path.join(REPO, 'scripts', 'make-photos.sh'), [media, photos], 'make-photos.sh');

    const dir = path.join(REPO, 'demo', 'articles');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort().map((f) => path.join(dir, f));
    for (const db of [ws.db, pgUrl]) {
      runOk(['init'], { db });
      runOk(['import', 'page-text', '--quiet', '--media-dir', media, ...files], { db });
    }
    // SQLite's articles cannot be updated from the sqlite3 shell (byline_slug is kb_slug(),
    // khabar's own function), so PostgreSQL's articles take SQLite's `updated`, id by id
    // (the same import order gave the same ids and slugs: checked).
    sh('sqlite3', [ws.db, 'DELETE FROM article_related; DELETE FROM article_simhash;'
      + ' DELETE FROM article_terms;'], 'sqlite3');
    const rows = sh('sqlite3', ['-separator', '\t', ws.db, 'SELECT id, updated, slug FROM articles ORDER BY id'], 'sqlite3')
      .trim().split('\n').map((l) => l.split('\t'));
    const pgRows = sh(path.join(bindir, 'psql'), ['-X', '-A', '-t', '-F', '\t', pgUrl, '-c', 'SELECT id, updated, slug FROM articles ORDER BY id'], 'psql')
      .trim().split('\n').map((l) => l.split('\t'));
    assert.equal(rows.length, 36);
    assert.deepEqual(pgRows.map((r) => [r[0], r[2]]), rows.map((r) => [r[0], r[2]]));
    const values = rows.map(([id, updated]) => `(${Number(id)}, ${Number(updated)})`).join(', ');
    sh(path.join(bindir, 'psql'), ['-X', '-q', pgUrl, '-c',
      `UPDATE articles a SET updated = v.u FROM (VALUES ${values}) v (id, u) WHERE a.id = v.id`], 'psql');

    // Every article, its section (pages 1 and 2, feeds) and its tags.
    for (let id = 1; ; id += 1) {
      const r = spawnSync(process.env.KHABAR_BIN || path.join(REPO, 'build', 'khabar'),
        ['--db', ws.db, 'show', String(id), '--json'], { encoding: 'utf8' });
      if (r.status !== 0) break;
      const a = JSON.parse(r.stdout);
      const sec = `/${encodeURIComponent(a.section.slug)}/`;
      paths.add(a.url);
      paths.add(sec);
      paths.add(`${sec}?page=2`);
      paths.add(`${sec}feed.xml`);
      paths.add(`/api/v1/articles/${a.id}`);
      for (const t of a.tags || []) paths.add(`/tag/${encodeURIComponent(t)}/`);
    }
    assert.ok(paths.size > 40, `only ${paths.size} paths`);
    // The same photo directory for both (feeds give the photo's size): SQLite's default is
    // beside its file, and a PostgreSQL URL has no directory.
    sqlite = await startServer(ws.db, { args: ['--media', media] });
    pg = await startServer(pgUrl, { args: ['--media', media] });
  });

  after(async () => {
    await pg?.stop();
    await sqlite?.stop();
    spawnSync(scratch, ['stop', pgDir], { encoding: 'utf8' });
    ws?.cleanup();
  });

  test('the cluster is private and the store says postgres', () => {
    assert.match(pg.stderr(), /serving http:\/\/127\.0\.0\.1:\d+\/ \(db postgresql:\/\/khabar@\/demo\?/);
    assert.ok(fs.existsSync(path.join(pgDir, '.s.PGSQL.5432')));
  });

  test('every page is the same bytes from PostgreSQL as from SQLite', async () => {
    const diffs = [];
    let ok = 0;
    for (const p of [...paths].sort()) {
      const [a, b] = await Promise.all([
        request(sqlite.url(p), { headers: { host: HOST } }),
        request(pg.url(p), { headers: { host: HOST } }),
      ]);
      if (a.status === 200) ok += 1;
      if (a.status !== b.status) diffs.push(`${p}: status ${a.status} (sqlite) vs ${b.status} (pg)`);
      else if (!a.body.equals(b.body)) {
        let i = 0;
        while (i < a.body.length && a.body[i] === b.body[i]) i += 1;
        diffs.push(`${p}: bodies differ at byte ${i}: sqlite …${a.body.subarray(i, i + 80)}… pg …${b.body.subarray(i, i + 80)}…`);
      }
    }
    assert.deepEqual(diffs, []);
    assert.ok(ok >= 40, `only ${ok} pages answered 200`);
  });

  test('search, not on PostgreSQL yet, answers 503 with the reason (page and API), never 500', async () => {
    const q = encodeURIComponent('معرض الكتاب');
    const page = await request(pg.url(`/search?q=${q}`), { headers: { host: HOST } });
    assert.equal(page.status, 503);
    assert.match(page.body.toString('utf8'), /البحث غير متاح بعد على قاعدة بيانات هذا الموقع/);
    const apiRes = await request(pg.url(`/api/v1/search?q=${q}`), { headers: { host: HOST } });
    assert.equal(apiRes.status, 503);
    const body = JSON.parse(apiRes.body.toString('utf8'));
    assert.equal(body.error.code, 'unavailable');
    // The empty search page needs no index: the same on both.
    const [a, b] = await Promise.all([sqlite, pg].map((srv) => request(srv.url('/search'), { headers: { host: HOST } })));
    assert.equal(b.status, 200);
    assert.ok(a.body.equals(b.body));
    // SQLite answers the same query.
    assert.equal((await request(sqlite.url(`/search?q=${q}`), { headers: { host: HOST } })).status, 200);
  });

  test('a write through PostgreSQL shows on its pages (the cache follows its data version)', async () => {
    const before = await request(pg.url('/'), { headers: { host: HOST } });
    sh(path.join(bindir, 'psql'), ['-X', '-q', pgUrl, '-c',
      "UPDATE articles SET headline = headline || ' (محدث)' WHERE status = 'published'"],
    'psql');
    let after;
    for (let i = 0; i < 50; i += 1) {
      after = await request(pg.url('/'), { headers: { host: HOST } });
      if (!after.body.equals(before.body)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(!after.body.equals(before.body), 'the home page did not change after a commit');
  });
});
