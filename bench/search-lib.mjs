// search-lib.mjs — what bench/search-speed.mjs and bench/search-scale.mjs measure alike:
// the 1,000 headline queries, the plain FTS5 unicode61 baseline (bench/fts5-latency.c), and a
// `khabar serve` under wrk with the server's own CPU and memory read from /proc.
//
// makeSearchBench({ bin, work, name, indexTimeoutMs }) compiles the FTS5 latency tool into
// `work` and returns the functions bound to that binary and directory.  Node stdlib + wrk +
// sqlite3 CLI + cc.  Linux only (/proc).

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const sqlite = process.env.SQLITE3 || 'sqlite3';
const NQ = 1000;
const WRK_SECS = Number(process.env.KB_BENCH_WRK_SECS || 10);

export const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
export const sql = (db, s) => execFileSync(sqlite, [db, s], { encoding: 'utf8', maxBuffer: 512 << 20 });

export function toMs(v, unit) {
  return Number(v) * { us: 1e-3, ms: 1, s: 1e3 }[unit];
}

// CPU seconds (user + system) the process has used so far, from /proc (Linux).
export function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return NaN;
  }
}

// A /proc/PID/status figure in kB (VmHWM, VmRSS), NaN when gone.
export function memKb(pid, key) {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

// 1,000 queries from the headlines in id order, sampled evenly: by position one word of 3+
// letters or a two-word phrase, alternately.
export function buildQueries(db) {
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

// A plain unicode61 FTS5 table over the same texts, in its own file: build time and size.
export function buildPlain(db, plainDb) {
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
  const idxSql = "SELECT sum(pgsize) FROM dbstat WHERE name IN ('u_data', 'u_idx', 'u_docsize')";
  const idx = Number(sql(plainDb, idxSql).trim());
  return { t, idx };
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

export function makeSearchBench({ bin, work, name, indexTimeoutMs = 900_000 }) {
  const lat = path.join(work, 'fts5-latency');
  execFileSync(process.env.CC || 'cc', ['-O2', '-o', lat, path.join(here, 'fts5-latency.c'), '-lsqlite3']);

  function plainLatency(plainDb, queries) {
    const r = spawnSync(lat, [plainDb, '2'], { input: queries.map((q) => q.fts5).join('\n') + '\n', encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`fts5-latency: ${r.stderr}`);
    const g = (k) => Number(new RegExp(`${k} ([\\d.]+)`).exec(r.stdout)[1]);
    return { p50: g('p50'), p90: g('p90'), p99: g('p99'), max: g('max'), qps: g('qps'), errors: g('errors') };
  }

  // Serve `db`, wait for the in-memory ranker, warm every query, then wrk -c1 and -c16.
  async function engineLoad(db, queries) {
    const script = path.join(work, 'queries.lua');
    const paths = queries.map((q) => `/api/v1/search?per_page=10&q=${encodeURIComponent(q.engine)}`);
    fs.writeFileSync(
      script,
      `-- generated by bench/${name}: cycle through ${paths.length} queries\n` +
        `local paths = {\n${paths.map((p) => `  "${p}",`).join('\n')}\n}\n` +
        'local n = 0\nlocal i = 0\n' +
        'function setup(thread) thread:set("start", n * 491); n = n + 1 end\n' +
        'function init(args) i = start or 0 end\n' +
        'function request() i = i % #paths + 1; return wrk.format("GET", paths[i]) end\n',
    );
    process.env.KHABAR_BIN = bin;
    const { startServer } = await import('../tests/e2e/helpers.mjs');
    const server = await startServer(db, { timeoutMs: 600_000 });
    try {
      // The in-memory ranker is built on the server's own thread when the first search asks
      // for it; until it is, the server answers through FTS5.  Measure the ranker: ask once,
      // then wait for its report line.
      const cpu0 = cpuSeconds(server.pid);
      const t0 = process.hrtime.bigint();
      await (await fetch(server.url(paths[0]))).text();
      let m;
      while (!(m = /search index: (\d+) articles, (\d+) terms, ([\d.]+) MiB, built in ([\d.]+) s/.exec(server.stderr()))) {
        if (ms(t0) > indexTimeoutMs) throw new Error(`no search index after ${indexTimeoutMs / 60000} minutes: ${server.stderr()}`);
        if (/search index.*(fail|cannot|error)/i.test(server.stderr())) throw new Error(`search index: ${server.stderr()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const index = {
        articles: Number(m[1]),
        terms: Number(m[2]),
        mib: Number(m[3]),
        buildS: Number(m[4]),
        buildCpuS: cpuSeconds(server.pid) - cpu0, // the server's CPU from the first search to the line
        hwmKb: memKb(server.pid, 'VmHWM'),
        rssKb: memKb(server.pid, 'VmRSS'),
      };
      const base = server.url('/');
      // warm-up: every query once, checked for a 200 and JSON
      for (const p of paths) {
        const res = await fetch(server.url(p));
        if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
        await res.json();
      }
      const one = runWrk(base, script, 1, 1, Math.max(3, WRK_SECS / 2), server.pid);
      const load = runWrk(base, script, 2, 16, WRK_SECS, server.pid);
      index.hwmAfterKb = memKb(server.pid, 'VmHWM');
      return { one, load, index, log: server.stderr() };
    } finally {
      await server.stop(60_000);
    }
  }

  return { plainLatency, engineLoad };
}
