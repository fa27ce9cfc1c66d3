// search-speed.mjs — the speed half of `make bench-search` (bench/search.sh runs it).
//
// 1. Import + index of the whole ANT corpus (`khabar import jsonl --skip-bad`, straight from
//    the .xz; two lines have an empty body): time, records/s and articles/s, the database
//    size and the search index's share of it (dbstat: the pages of article_search*).
// 2. 1,000 queries built deterministically from the imported headlines (every other query
//    one word, the others a two-word "phrase"), through /api/v1/search on a running
//    `khabar serve` under wrk (-t2 -c16 -d10s, a Lua script cycling through the queries;
//    and -t1 -c1 for the latency of one query alone): p50, p99, queries/s, and the server's
//    CPU per query (from /proc: the figure other people's load on the machine does not
//    change).  Measured once the server's in-memory ranker is built (its stderr line says
//    so, with its size and build time).  There is no results cache: nothing is warm but
//    the OS page cache (every query is fetched once first).
// 3. The same queries through plain FTS5 (unicode61) over the same texts in a copy
//    (bench/fts5-latency.c: count + bm25 top 10 + highlight/snippet, one thread).
// 4. The same at a 10,000-article prefix, for the growth curve and the projection to 1M.
//
// Node stdlib + wrk + sqlite3 CLI + cc.  Exits 1 only when it cannot run.
// Usage: node search-speed.mjs KHABAR_BIN ANT_JSONL_XZ WORKDIR
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPlain, buildQueries, makeSearchBench, ms, sql } from './search-lib.mjs';

const [bin, antPath, work] = process.argv.slice(2);
if (!bin || !antPath || !work) {
  console.error('usage: node search-speed.mjs KHABAR_BIN ANT_JSONL_XZ WORKDIR');
  process.exit(2);
}
const NQ = 1000; // bench/search-lib.mjs's buildQueries

const kb = (db, args) => spawnSync(bin, ['--db', db, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

// the plain FTS5 latency tool, the queries, the server under wrk (bench/search-lib.mjs)
const { plainLatency, engineLoad } = makeSearchBench({ bin, work, name: 'search-speed.mjs' });

function importCorpus(db, limit) {
  fs.rmSync(db, { force: true });
  kb(db, ['init']);
  const args = ['import', 'jsonl', '--skip-bad'];
  if (limit) args.push('--limit', String(limit));
  const t0 = process.hrtime.bigint();
  const r = kb(db, [...args, antPath]);
  const t = ms(t0) / 1000;
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  const said = r.stdout + r.stderr;
  const m = /(\d+) created/.exec(said);
  const recs = /(\d+) records from/.exec(said);
  const created = m ? Number(m[1]) : NaN;
  const records = recs ? Number(recs[1]) : NaN;
  // The command's own figures: its whole time, and of it the related lists and
  // near-duplicates (rebuilt after the import; `--no-related` leaves them to reindex).
  const own = /records from .*, ([\d.]+) s \(/.exec(said);
  const rel = /of which related lists and near-duplicates: ([\d.]+) s/.exec(said);
  const total = own ? Number(own[1]) : t;
  const related = rel ? Number(rel[1]) : 0;
  console.log(
    `import ${limit || 'all'}: import + index ${(total - related).toFixed(2)} s, related lists and ` +
      `near-duplicates ${related.toFixed(2)} s (the command's figures; ${t.toFixed(2)} s wall around it)`,
  );
  const size = fs.statSync(db).size + (fs.existsSync(db + '-wal') ? fs.statSync(db + '-wal').size : 0);
  sql(db, 'PRAGMA wal_checkpoint(TRUNCATE)');
  const pages = sql(db, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name")
    .trim()
    .split('\n')
    .map((l) => l.split('|'));
  const sum = (re) => pages.filter(([n]) => re.test(n)).reduce((a, [, s]) => a + Number(s), 0);
  return {
    t: total - related, // import + index: the goal's figure
    tRelated: related,
    tWall: t,
    created,
    records,
    fileBytes: fs.statSync(db).size,
    walBytes: size,
    indexBytes: sum(/^article_search/),
    articlesBytes: sum(/^articles$/),
  };
}

// Queries: deterministic, from the headlines in id order.
const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : '?');
const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : '?');
const mib = (b) => (b / 1048576).toFixed(1);

async function scale(limit) {
  const db = path.join(work, `ant-${limit || 'all'}.db`);
  const imp = importCorpus(db, limit);
  const queries = buildQueries(db);
  const plainDb = path.join(work, `plain-${limit || 'all'}.db`);
  const plain = buildPlain(db, plainDb);
  const p = plainLatency(plainDb, queries);
  const e = await engineLoad(db, queries);
  fs.rmSync(plainDb, { force: true });
  return { imp, queries, plain, p, e };
}

const full = await scale(0);
const small = await scale(10000);

const { imp, p, e, plain } = full;
console.log('');
console.log(`ANT v2.1: import + index, --skip-bad, from .xz, fresh database`);
console.log(
  `  ${imp.records} records → ${imp.created} articles in ${f2(imp.t)} s: ` +
    `${Math.round(imp.records / imp.t)} records/s, ${Math.round(imp.created / imp.t)} articles/s (goal: < 20 s)`,
);
console.log(
  `  database ${mib(imp.fileBytes)} MiB; search index (article_search*) ${mib(imp.indexBytes)} MiB` +
    ` = ${((100 * imp.indexBytes) / imp.fileBytes).toFixed(0)} % (articles table ${mib(imp.articlesBytes)} MiB);` +
    ` plain unicode61 index of the same texts ${mib(plain.idx)} MiB`,
);
console.log(`  10,000-article prefix: ${f2(small.imp.t)} s, ${Math.round(small.imp.created / small.imp.t)} articles/s, index ${mib(small.imp.indexBytes)} MiB`);
console.log('');
console.log(`${NQ} queries from the headlines (${NQ / 2} words, ${NQ / 2} two-word phrases), latency in ms`);
console.log('                                            articles   p50     p90     p99     queries/s  CPU ms/q  load');
const row = (name, n, r, q) =>
  console.log(
    `${name.padEnd(44)}${String(n).padStart(8)}  ${f2(r.p50).padStart(6)}  ${f2(r.p90).padStart(6)}  ${f2(r.p99).padStart(6)}  ${f1(q).padStart(9)}` +
      (r.cpuMs !== undefined ? `  ${f2(r.cpuMs).padStart(8)}  ${f1(r.load).padStart(4)}` : ''),
  );
for (const s of [small, full]) {
  row('khabar /api/v1/search, wrk -t2 -c16', s.imp.created, s.e.load, s.e.load.rps);
  row('khabar /api/v1/search, wrk -t1 -c1', s.imp.created, s.e.one, s.e.one.rps);
  row('plain FTS5 unicode61, 1 thread, in-process', s.imp.created, s.p, s.p.qps);
}
for (const s of [small, full])
  console.log(
    `  in-memory ranker at ${s.e.index.articles} articles: ${s.e.index.terms} terms, ${s.e.index.mib} MiB, built in ${s.e.index.buildS} s on the server's own thread`,
  );
console.log('  (no results cache: every request is ranked, marked and rendered; cold and warm are the same path.');
console.log("   CPU ms/q = the server process's user+system CPU over the run / requests — what the machine's load does not change;");
console.log('   load = the 1-minute load average during the run, on 2 cores shared with other work)');
const bad = [small, full].flatMap((s) => [s.e.load, s.e.one]).filter((r) => r.non2xx || r.socketErrors);
if (bad.length) console.log(`  WARNING: non-2xx or socket errors: ${JSON.stringify(bad)}`);
console.log('  (plain FTS5 finds only the exact spelling: fewer matches to rank, no stemming, no HTTP/JSON)');
// Projection: a query's ranking cost grows with its posting lists (linear in the corpus for
// a given word), its marks and rendering do not; the index's memory and build time grow
// linearly.  Extrapolated linearly from the two sizes above (an upper bound for the marks).
const n1 = small.imp.created;
const n2 = imp.created;
const proj = (a, b) => b + ((b - a) * (1e6 - n2)) / (n2 - n1);
console.log('');
console.log('Projection to 1,000,000 articles (linear from the two sizes above):');
console.log(
  `  server CPU ${f2(proj(small.e.one.cpuMs, e.one.cpuMs))} ms a query (one at a time);` +
    ` in-memory ranker ${f1(proj(small.e.index.mib, e.index.mib) / 1024)} GiB built in ${f1(proj(small.e.index.buildS, e.index.buildS) / 60)} min;` +
    ` import ${f1((1e6 / (imp.created / imp.t)) / 60)} min at today's rate;` +
    ` FTS5 index ${((imp.indexBytes / n2) * 1e6 / 1073741824).toFixed(1)} GiB`,
);
console.log(
  '  (latencies are not extrapolated: at -c16 they are queueing, CPU per query / cores x connections,' +
    ' and on a shared machine they move with the load; the CPU per query is the figure that scales)',
);
