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
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [bin, antPath, work] = process.argv.slice(2);
if (!bin || !antPath || !work) {
  console.error('usage: node search-speed.mjs KHABAR_BIN ANT_JSONL_XZ WORKDIR');
  process.exit(2);
}
const here = path.dirname(new URL(import.meta.url).pathname);
const sqlite = process.env.SQLITE3 || 'sqlite3';
const NQ = 1000;
const WRK_SECS = Number(process.env.KB_BENCH_WRK_SECS || 10);

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const sql = (db, s) => execFileSync(sqlite, [db, s], { encoding: 'utf8', maxBuffer: 256 << 20 });
const kb = (db, args) => spawnSync(bin, ['--db', db, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

// the plain FTS5 latency tool
const lat = path.join(work, 'fts5-latency');
execFileSync(process.env.CC || 'cc', ['-O2', '-o', lat, path.join(here, 'fts5-latency.c'), '-lsqlite3']);

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
function buildQueries(db) {
  const heads = sql(db, 'SELECT headline FROM articles ORDER BY id').split('\n').filter(Boolean);
  const out = [];
  for (let i = 0; out.length < NQ && i < NQ * 4; i++) {
    const h = heads[Math.floor((i * heads.length) / (NQ * 4)) % heads.length];
    const words = (h.match(/[\p{L}\p{N}]+/gu) || []).filter((w) => [...w].length >= 3);
    if (!words.length) continue;
    const k = i % words.length;
    if (out.length % 2 === 0 || words.length < 2) out.push({ words: [words[k]] });
    else out.push({ words: [words[k % (words.length - 1)], words[(k % (words.length - 1)) + 1]] });
  }
  return out.map((q) => ({
    engine: q.words.length === 1 ? q.words[0] : `"${q.words.join(' ')}"`,
    fts5: `"${q.words.join(' ')}"`,
  }));
}

function buildPlain(db, plainDb) {
  fs.rmSync(plainDb, { force: true });
  const t0 = process.hrtime.bigint();
  sql(
    plainDb,
    `ATTACH '${db.replace(/'/g, "''")}' AS k;
     CREATE VIRTUAL TABLE u USING fts5 (headline, lede, body_text);
     INSERT INTO u (rowid, headline, lede, body_text)
       SELECT id, headline, lede, replace(replace(body_html, '<p>', ''), '</p>', char(10)) FROM k.articles;`,
  );
  const t = ms(t0) / 1000;
  const idx = Number(sql(plainDb, "SELECT sum(pgsize) FROM dbstat WHERE name IN ('u_data', 'u_idx', 'u_docsize')").trim());
  return { t, idx };
}

function plainLatency(plainDb, queries) {
  const r = spawnSync(lat, [plainDb, '2'], { input: queries.map((q) => q.fts5).join('\n') + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`fts5-latency: ${r.stderr}`);
  const g = (k) => Number(new RegExp(`${k} ([\\d.]+)`).exec(r.stdout)[1]);
  return { p50: g('p50'), p90: g('p90'), p99: g('p99'), max: g('max'), qps: g('qps'), errors: g('errors') };
}

function toMs(v, unit) {
  return Number(v) * { us: 1e-3, ms: 1, s: 1e3 }[unit];
}
// CPU seconds (user + system) the process has used so far, from /proc (Linux).
function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return NaN;
  }
}

function runWrk(url, script, threads, conns, secs, pid) {
  const load0 = os.loadavg()[0];
  const cpu0 = cpuSeconds(pid);
  const r = spawnSync('wrk', [`-t${threads}`, `-c${conns}`, `-d${secs}s`, '-s', script, '--latency', url], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`wrk: ${r.stderr}`);
  const cpu = cpuSeconds(pid) - cpu0;
  const load = (load0 + os.loadavg()[0]) / 2;
  const o = r.stdout;
  const pct = (p) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(o);
    return m ? toMs(m[1], m[2]) : NaN;
  };
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(o);
  const errs = /Socket errors: (.*)/.exec(o);
  const requests = Number(/(\d+) requests in/.exec(o)[1]);
  return {
    cpuMs: (1000 * cpu) / requests, // the server's CPU per query: independent of others' load
    load,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(o)[1]),
    requests,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: errs ? errs[1] : '',
  };
}

async function engineLoad(db, queries) {
  const script = path.join(work, 'queries.lua');
  const paths = queries.map((q) => `/api/v1/search?per_page=10&q=${encodeURIComponent(q.engine)}`);
  fs.writeFileSync(
    script,
    `-- generated by bench/search-speed.mjs: cycle through ${paths.length} queries\n` +
      `local paths = {\n${paths.map((p) => `  "${p}",`).join('\n')}\n}\n` +
      'local n = 0\nlocal i = 0\n' +
      'function setup(thread) thread:set("start", n * 491); n = n + 1 end\n' +
      'function init(args) i = start or 0 end\n' +
      'function request() i = i % #paths + 1; return wrk.format("GET", paths[i]) end\n',
  );
  process.env.KHABAR_BIN = bin;
  const { startServer } = await import('../tests/e2e/helpers.mjs');
  const server = await startServer(db);
  try {
    // The in-memory ranker is built on the server's own thread when the first search asks
    // for it; until it is, the server answers through FTS5.  Measure the ranker: ask once,
    // then wait for its report line.
    const t0 = process.hrtime.bigint();
    await (await fetch(server.url(paths[0]))).text();
    let m;
    while (!(m = /search index: (\d+) articles, (\d+) terms, ([\d.]+) MiB, built in ([\d.]+) s/.exec(server.stderr()))) {
      if (ms(t0) > 900_000) throw new Error(`no search index after 15 minutes: ${server.stderr()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const index = { articles: Number(m[1]), terms: Number(m[2]), mib: Number(m[3]), buildS: Number(m[4]) };
    const base = server.url('/');
    // warm-up: every query once, checked for a 200 and JSON
    for (const p of paths) {
      const res = await fetch(server.url(p));
      if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
      await res.json();
    }
    const one = runWrk(base, script, 1, 1, Math.max(3, WRK_SECS / 2), server.pid);
    const load = runWrk(base, script, 2, 16, WRK_SECS, server.pid);
    return { one, load, index };
  } finally {
    await server.stop();
  }
}

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
