// search-scale.mjs — `make bench-search-scale`: search measured at 30,000, 300,000 and
// 1,000,000 articles instead of projected (issue 3).  Not part of `make bench`: at a million
// articles one run takes about an hour on this 2-core machine (docs/search.md, "Scale").
//
// Per size N (KB_SCALE_SIZES, default 30000,300000,1000000), on a fresh database:
// 1. Import: the first N articles of bench/corpus-scale.mjs's archive (ANT itself, then new
//    articles recombined from ANT's paragraphs; generated once, for the largest size, into
//    the work dir — a smaller size is a prefix) through `khabar import jsonl --skip-bad
//    --no-related -q --limit N`: wall time, the process's CPU time (user + system, what the
//    machine's load changes least) and peak RSS from GNU time; the database's size and the
//    search index's share (dbstat: the pages of article_search*).
// 2. The same method as bench/search-speed.mjs (the functions below are that file's, kept
//    in step by hand): 1,000 queries from the headlines in id order (half one word, half a
//    two-word phrase); `khabar serve`, one search to start the in-memory ranker, then its
//    `search index:` line (articles, terms, MiB, build time) — with the server's CPU time
//    over the build and its VmHWM/VmRSS once built; every query once (checked 200), then wrk
//    -t1 -c1 and -t2 -c16 over a Lua script cycling through them: p50/p90/p99, queries/s,
//    the server's CPU ms a query (/proc), VmHWM after the load.
// 3. The baseline: the same queries through plain FTS5 unicode61 over the same texts, in
//    process (bench/fts5-latency.c: count + bm25 top 10 + highlight/snippet), with its build.
// Then a table per size and the growth ratios between consecutive sizes.
//
// Invariants: builds nothing but the fts5-latency tool (cc); works in KB_SCALE_WORK or a
// temp dir; deletes each size's databases after measuring it (KB_SCALE_KEEP=1 keeps them and
// the temp dir); the generated corpus is kept in KB_SCALE_WORK when that is given (reused by
// the next run), else removed.  Results also go to bench/out/ (git-ignored).  Exits 1 only
// when it cannot run, never because of a figure.  Stops only the processes it started.
//
// Usage: node search-scale.mjs [KHABAR_BIN] [ANT_JSONL_XZ]
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPlain, buildQueries, makeSearchBench, ms, sql } from './search-lib.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, '..');
const shared = process.env.KB_SHARED || path.resolve(repo, '..', 'shared');
const bin = path.resolve(process.argv[2] || process.env.KHABAR_BIN || path.join(repo, 'build', 'khabar'));
const antPath = process.argv[3] || path.join(shared, 'data', 'ant', 'ant-v2.1.jsonl.xz');
const sizes = (process.env.KB_SCALE_SIZES || '30000,300000,1000000')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0)
  .sort((a, b) => a - b);
const keep = process.env.KB_SCALE_KEEP === '1';
// the plain-FTS5 baseline (a second copy of every text, and 2,000 MATCHes) only up to this size
const plainMax = Number(process.env.KB_SCALE_PLAIN_MAX || Infinity);
const sqlite = process.env.SQLITE3 || 'sqlite3';

for (const [what, p] of [
  ['khabar', bin],
  ['ANT', antPath],
]) {
  if (!fs.existsSync(p)) {
    console.error(`bench-search-scale: ${what} not found: ${p}`);
    process.exit(p === antPath ? 0 : 1);
  }
}
if (!sizes.length) {
  console.error('bench-search-scale: KB_SCALE_SIZES names no size');
  process.exit(1);
}
for (const tool of ['wrk', sqlite, 'xz']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    console.error(`bench-search-scale: ${tool} is needed`);
    process.exit(1);
  }
}
const gnuTime = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const work = process.env.KB_SCALE_WORK
  ? path.resolve(process.env.KB_SCALE_WORK)
  : fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-bench-scale-'));
fs.mkdirSync(work, { recursive: true });
const ownWork = !process.env.KB_SCALE_WORK;

const kb = (db, args) => spawnSync(bin, ['--db', db, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : '?');
const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : '?');
const mib = (b) => b / 1048576;
let report = '';
const say = (s = '') => {
  console.log(s);
  report += s + '\n';
};

// the plain FTS5 latency tool, the queries, the server under wrk (bench/search-lib.mjs)
const { plainLatency, engineLoad } = makeSearchBench({
  bin,
  work,
  name: 'search-scale.mjs',
  indexTimeoutMs: 3_600_000,
});

// ---- the corpus: generated once, for the largest size -------------------------------------
async function corpus(n) {
  const file = path.join(work, `corpus-${n}.jsonl`);
  // a complete corpus of at least n articles made earlier in this work dir will do
  for (const f of fs.readdirSync(work)) {
    const m = /^corpus-(\d+)\.jsonl$/.exec(f);
    if (m && Number(m[1]) >= n) return { file: path.join(work, f), genS: NaN, reused: true };
  }
  const t0 = process.hrtime.bigint();
  const out = fs.openSync(file + '.part', 'w');
  const gen = spawn(process.execPath, [path.join(here, 'corpus-scale.mjs'), String(n), antPath], {
    stdio: ['ignore', out, 'inherit'],
  });
  const [code] = await once(gen, 'exit');
  fs.closeSync(out);
  if (code !== 0) throw new Error(`corpus-scale.mjs exited ${code}`);
  fs.renameSync(file + '.part', file);
  return { file, genS: ms(t0) / 1000, reused: false };
}

// ---- 1. import ------------------------------------------------------------------------------
function importCorpus(db, file, n) {
  for (const s of ['', '-wal', '-shm']) fs.rmSync(db + s, { force: true });
  const init = kb(db, ['init']);
  if (init.status !== 0) throw new Error(`init: ${init.stderr}`);
  const help = kb(db, ['import', 'jsonl', '--help']).stdout;
  const args = ['import', 'jsonl', '--skip-bad', '-q', '--limit', String(n)];
  if (/--no-related/.test(help)) args.push('--no-related');
  const timeFile = path.join(work, 'import.time');
  const cmd = gnuTime ? [gnuTime, '-f', '%e %U %S %M', '-o', timeFile, bin] : [bin];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd[0], [...cmd.slice(1), '--db', db, ...args, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = ms(t0) / 1000;
  if (r.status !== 0) throw new Error(`import failed (${r.status}): ${r.stderr}`);
  const said = r.stdout + r.stderr;
  const created = Number((/(\d+) created/.exec(said) || [])[1]);
  let cpu = NaN;
  let rssKb = NaN;
  if (gnuTime) {
    const [, u, s, m] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    cpu = u + s;
    rssKb = m;
  }
  sql(db, 'PRAGMA wal_checkpoint(TRUNCATE)');
  const pages = sql(db, 'SELECT name, sum(pgsize) FROM dbstat GROUP BY name')
    .trim()
    .split('\n')
    .map((l) => l.split('|'));
  const sum = (re) => pages.filter(([nm]) => re.test(nm)).reduce((a, [, s]) => a + Number(s), 0);
  return {
    args: args.join(' '),
    wall,
    cpu,
    rssKb,
    created,
    dbBytes: fs.statSync(db).size,
    indexBytes: sum(/^article_search/),
    articlesBytes: sum(/^articles$/),
  };
}

// ---- 2. queries, plain FTS5, the server (bench/search-speed.mjs's method) -----------------
// ---- one size -----------------------------------------------------------------------------
async function measure(n, file) {
  const db = path.join(work, `scale-${n}.db`);
  const plainDb = path.join(work, `plain-${n}.db`);
  try {
    const imp = importCorpus(db, file, n);
    const queries = buildQueries(db);
    const skip = { t: NaN, idx: NaN };
    const plain = n <= plainMax ? buildPlain(db, plainDb) : skip;
    const p = n <= plainMax ? plainLatency(plainDb, queries) : { p50: NaN, p90: NaN, p99: NaN, qps: NaN };
    if (!keep) fs.rmSync(plainDb, { force: true });
    const e = await engineLoad(db, queries);
    return { n, imp, plain, p, e, load: os.loadavg() };
  } finally {
    if (!keep) for (const f of [db, db + '-wal', db + '-shm', plainDb]) fs.rmSync(f, { force: true });
  }
}

function table(r) {
  const { imp, plain, p, e } = r;
  const x = e.index;
  say('');
  say(`${r.n.toLocaleString('en')} articles requested, ${imp.created.toLocaleString('en')} created`);
  say(
    `  import: ${f1(imp.wall)} s wall, ${f1(imp.cpu)} s CPU (${Math.round(imp.created / imp.cpu)} articles per CPU second),` +
      ` peak RSS ${f1(imp.rssKb / 1024)} MiB  [${imp.args}]`,
  );
  say(
    `  database ${f1(mib(imp.dbBytes))} MiB: search index (article_search*) ${f1(mib(imp.indexBytes))} MiB,` +
      ` articles table ${f1(mib(imp.articlesBytes))} MiB; plain unicode61 index ${f1(mib(plain.idx))} MiB, built in ${f1(plain.t)} s`,
  );
  say(
    `  in-memory ranker: ${x.articles} articles, ${x.terms} terms, ${x.mib} MiB, built in ${x.buildS} s` +
      ` (server CPU ${f1(x.buildCpuS)} s); server VmHWM ${f1(x.hwmKb / 1024)} MiB once built,` +
      ` ${f1(x.hwmAfterKb / 1024)} MiB after the load (VmRSS ${f1(x.rssKb / 1024)} MiB once built)`,
  );
  say('                                              p50 ms  p90 ms  p99 ms  queries/s  CPU ms/q  load');
  const row = (name, q, cpu) =>
    say(
      `  ${name.padEnd(44)}${f2(q.p50).padStart(6)}  ${f2(q.p90).padStart(6)}  ${f2(q.p99).padStart(6)}  ${f1(q.rps ?? q.qps).padStart(9)}` +
        (cpu ? `  ${f2(q.cpuMs).padStart(8)}  ${f1(q.load).padStart(4)}` : ''),
    );
  row('khabar /api/v1/search, wrk -t2 -c16', e.load, true);
  row('khabar /api/v1/search, wrk -t1 -c1', e.one, true);
  if (Number.isFinite(p.p50)) row('plain FTS5 unicode61, in process, 1 thread', p, false);
  else say(`  plain FTS5 unicode61: not run above KB_SCALE_PLAIN_MAX=${plainMax}`);
  for (const w of [e.load, e.one])
    if (w.non2xx || w.socketErrors) say(`  WARNING: non-2xx ${w.non2xx}, socket errors ${w.socketErrors}`);
}

function growth(rs) {
  if (rs.length < 2) return;
  say('');
  say('Growth between sizes (ratio of the larger to the smaller; articles grow by the first row):');
  const items = [
    ['articles', (r) => r.imp.created],
    ['import CPU s', (r) => r.imp.cpu],
    ['import CPU per article', (r) => r.imp.cpu / r.imp.created],
    ['database bytes', (r) => r.imp.dbBytes],
    ['FTS5 index bytes', (r) => r.imp.indexBytes],
    ['ranker MiB', (r) => r.e.index.mib],
    ['ranker terms', (r) => r.e.index.terms],
    ['ranker build s (wall)', (r) => r.e.index.buildS],
    ['ranker build server CPU s', (r) => r.e.index.buildCpuS],
    ['server VmHWM after load', (r) => r.e.index.hwmAfterKb],
    ['CPU ms/q, -c1', (r) => r.e.one.cpuMs],
    ['CPU ms/q, -c16', (r) => r.e.load.cpuMs],
    ['p50 -c1', (r) => r.e.one.p50],
    ['p99 -c1', (r) => r.e.one.p99],
    ['p99 -c16', (r) => r.e.load.p99],
    ['plain FTS5 p50', (r) => r.p.p50],
    ['plain FTS5 p99', (r) => r.p.p99],
    ['plain FTS5 build s', (r) => r.plain.t],
  ];
  const heads = rs.slice(1).map((r, i) => `${Math.round(rs[i].n / 1000)}k→${Math.round(r.n / 1000)}k`);
  say(`  ${''.padEnd(28)}${heads.map((h) => h.padStart(12)).join('')}`);
  for (const [name, g] of items)
    say(`  ${name.padEnd(28)}${rs.slice(1).map((r, i) => f2(g(r) / g(rs[i])).padStart(12)).join('')}`);
}

// ---- run ----------------------------------------------------------------------------------
// what was measured: KB_SCALE_COMMIT names it when the binary was built elsewhere (e.g. from
// `git archive` of one commit, away from other people's uncommitted edits), else this tree
const git = (...a) => spawnSync('git', ['-C', repo, ...a], { encoding: 'utf8' }).stdout.trim();
const commit = process.env.KB_SCALE_COMMIT || git('log', '-1', '--format=%h %cI');
const dirty = process.env.KB_SCALE_COMMIT
  ? ''
  : git('status', '--porcelain', '--untracked-files=no', 'lib', 'src', 'include');
const t00 = process.hrtime.bigint();
say(`bench-search-scale: ${bin}, tree at ${commit}${dirty ? ' (with uncommitted changes in lib/src/include)' : ''}`);
say(`  sizes ${sizes.join(', ')}; work dir ${work}; ${os.cpus().length} cores, load ${os.loadavg().map(f1).join(' ')}`);
const results = [];
let failed = null;
try {
  const c = await corpus(sizes[sizes.length - 1]);
  say(`  corpus: ${c.file} (${c.reused ? 'made earlier' : `generated in ${f1(c.genS)} s`}; bench/corpus-scale.mjs, seed 1)`);
  for (const n of sizes) {
    const r = await measure(n, c.file);
    results.push(r);
    table(r);
    const saved = { commit, ...r, e: { ...r.e, log: undefined } };
    fs.writeFileSync(path.join(work, `result-${n}.json`), JSON.stringify(saved, null, 1));
  }
  growth(results);
} catch (e) {
  failed = e;
  say(`bench-search-scale: ${e.stack || e.message}`);
} finally {
  say('');
  say(`  total ${f1(ms(t00) / 60000)} min; load now ${os.loadavg().map(f1).join(' ')}`);
  say('  (CPU ms/q = the server\'s user+system CPU over the wrk run / requests; load = 1-minute load average, 2 shared cores)');
  fs.mkdirSync(path.join(repo, 'bench', 'out'), { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
  fs.writeFileSync(path.join(repo, 'bench', 'out', `search-scale-${stamp}.txt`), report);
  if (ownWork && !keep) fs.rmSync(work, { recursive: true, force: true });
  else if (ownWork) console.log(`kept ${work}`);
}
process.exit(failed ? 1 : 0);
