// wxr-size.test.mjs — `khabar import wxr` reads an export in bounded memory: a 50 MB export
// (ten times the posts of a 5 MB one, generated on the fly by bench/wxr-gen.mjs into a temp
// dir, never committed) must not need much more memory than the 5 MB one.  Peak RSS is the
// kernel's own figure (GNU time's %M, VmHWM).  A ratio, not a timing.
//
// --no-related: the related-articles rebuild after the commit holds the whole archive in
// memory by design (docs/related.md); it is not the importer's memory and is left out here.
// Under ASan the allocator's quarantine would grow with the bytes allocated, so it is kept
// small for these two runs.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO, requireBin, tempWorkspace } from './helpers.mjs';

const TIME = '/usr/bin/time';
const GEN = path.join(REPO, 'bench', 'wxr-gen.mjs');

function generate(mb, out) {
  const r = spawnSync(process.execPath, [GEN, String(mb), out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(/(\d+) posts/.exec(r.stdout)[1]);
}

/** Import `file` into a fresh `db`: {stdout, peakKb}. */
function importPeak(db, file) {
  const env = { ...process.env };
  env.ASAN_OPTIONS = `${env.ASAN_OPTIONS ? `${env.ASAN_OPTIONS}:` : ''}quarantine_size_mb=1`;
  const r = spawnSync(TIME, ['-f', 'peak-kb %M', requireBin(), '--db', db, 'import', 'wxr', '-q', '--no-related', file], {
    encoding: 'utf8',
    env,
    timeout: 600_000,
    maxBuffer: 16 << 20,
  });
  assert.equal(r.status, 0, r.stderr);
  const m = /peak-kb (\d+)/.exec(r.stderr);
  assert.ok(m, `no peak in: ${r.stderr}`);
  return { stdout: r.stdout, peakKb: Number(m[1]) };
}

test('a 50 MB export imports in about the memory of a 5 MB one', (t) => {
  if (!fs.existsSync(TIME)) {
    t.skip(`skipped: ${TIME} not found (Debian package "time")`);
    return;
  }
  const ws = tempWorkspace();
  try {
    const small = generate(5, path.join(ws.dir, 'small.xml'));
    const big = generate(50, path.join(ws.dir, 'big.xml'));
    assert.ok(big >= 9 * small, `${big} posts vs ${small}`);
    const a = importPeak(path.join(ws.dir, 'small.db'), path.join(ws.dir, 'small.xml'));
    const b = importPeak(path.join(ws.dir, 'big.db'), path.join(ws.dir, 'big.xml'));
    assert.match(a.stdout, new RegExp(`^${small} created, 0 updated, 0 unchanged, \\d+ skipped$`, 'm'));
    assert.match(b.stdout, new RegExp(`^${big} created, 0 updated, 0 unchanged, \\d+ skipped$`, 'm'));
    const ratio = b.peakKb / a.peakKb;
    t.diagnostic(`peak RSS: 5 MB export ${a.peakKb} KB (${small} posts), 50 MB export ${b.peakKb} KB (${big} posts), ratio ${ratio.toFixed(2)}`);
    // ten times the input; memory that grew with it would be ~10x: allow a little for
    // SQLite's page cache and the 8-byte-per-post key set
    assert.ok(ratio < 1.6, `peak RSS grew ${ratio.toFixed(2)}x for 10x the input`);
  } finally {
    ws.cleanup();
  }
});
