// helpers.mjs — what the end-to-end and browser suites share: finding the khabar binary
// and ../shared, temporary databases, running CLI commands, starting and stopping
// `khabar serve`, writing page-text files of our own, and HTTP requests that show the raw
// bytes (gzip, HEAD) that fetch() would hide.
//
// Invariants: every server is started on 127.0.0.1 port 0 and is known to be ready only
// when it has printed its "serving" line (bounded wait, no sleeps); it is stopped by its
// own pid.  Temporary directories live under the OS temp dir and are removed by cleanup().
// Nothing here touches the repository tree.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED = process.env.KB_SHARED || path.resolve(REPO, '..', 'shared');
export const FIXTURE = path.join(SHARED, 'fixtures', 'trt-article.txt');
export const FIXTURE_JSON = path.join(SHARED, 'fixtures', 'trt-article.expected.json');
export const SKIP_SHARED = 'skipped: ../shared not found';

/** The khabar binary: $KHABAR_BIN, else <repo>/build/khabar. */
export function khabarBin() {
  return process.env.KHABAR_BIN || path.join(REPO, 'build', 'khabar');
}

/** Throw a clear error when the binary is missing (a suite cannot pass without it). */
export function requireBin() {
  const bin = khabarBin();
  if (!fs.existsSync(bin)) {
    throw new Error(`khabar binary not found at ${bin}: build it with \`make\` or set KHABAR_BIN`);
  }
  return bin;
}

/** True when the shared fixtures are there. */
export function haveShared() {
  return fs.existsSync(FIXTURE) && fs.existsSync(FIXTURE_JSON);
}

/** Skip test `t` when ../shared is missing; returns true when it did. */
export function skipWithoutShared(t) {
  if (haveShared()) return false;
  t.skip(SKIP_SHARED);
  return true;
}

/** The reference page's expected structure. */
export function expectedFixture() {
  return JSON.parse(fs.readFileSync(FIXTURE_JSON, 'utf8'));
}

/** A fresh temporary directory with a database path in it (not created yet). */
export function tempWorkspace(prefix = 'khabar-e2e-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    db: path.join(dir, 'khabar.db'),
    file(name, content) {
      const p = path.join(dir, name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
      return p;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Run `khabar ARGS...` and wait for it (bounded).  With opts.db the global `--db PATH` goes
 * first.  Returns {status, signal, stdout, stderr}.
 */
export function run(args, opts = {}) {
  const bin = requireBin();
  const full = opts.db ? ['--db', opts.db, ...args] : args;
  const r = spawnSync(bin, full, {
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, ...(opts.env || {}) },
    cwd: opts.cwd,
  });
  if (r.error) throw r.error;
  assertNoSanitizerReport(r.stderr, `khabar ${full.join(' ')}`);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const SANITIZER_RE = /ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer/;

/** Throw when a sanitizer (ASan, LSan, UBSan) reported anything on `stderr`. */
export function assertNoSanitizerReport(stderr, what) {
  if (SANITIZER_RE.test(stderr)) throw new Error(`${what}: sanitizer report on stderr:\n${stderr}`);
}

/** Run and insist on exit 0, with the output in the error otherwise. */
export function runOk(args, opts = {}) {
  const r = run(args, opts);
  if (r.status !== 0) {
    throw new Error(
      `khabar ${args.join(' ')} exited ${r.status ?? r.signal}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
    );
  }
  return r;
}

/** `init` then `import page-text FILES...` into db; returns the import's result. */
export function initAndImport(db, files, extra = []) {
  runOk(['init'], { db });
  return files.length ? runOk(['import', 'page-text', ...extra, ...files], { db }) : null;
}

/** `show KEY --json`, parsed. */
export function showJson(db, key) {
  return JSON.parse(runOk(['show', String(key), '--json'], { db }).stdout);
}

/**
 * A fingerprint of the whole database's content: sha256 of `sqlite3 -readonly DB .dump`
 * (the sqlite3 CLI is part of the stack), else of the database files' bytes.
 */
export function dbFingerprint(db) {
  if (!fs.existsSync(db)) return 'absent';
  const r = spawnSync('sqlite3', ['-readonly', db, '.dump'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const h = createHash('sha256');
  if (!r.error && r.status === 0) {
    h.update(r.stdout);
  } else {
    for (const suffix of ['', '-wal']) {
      if (fs.existsSync(db + suffix)) h.update(fs.readFileSync(db + suffix));
    }
  }
  return h.digest('hex');
}

// ---- the server ------------------------------------------------------------------------

const READY_RE = /khabar: serving http:\/\/127\.0\.0\.1:(\d+)\/ \(db (.*)\)/;

/**
 * Start `khabar --db DB serve --listen 127.0.0.1:0` and resolve once it printed its ready
 * line on stderr, with {pid, port, base, url(p), stop(), stderr()}.  Rejects when the
 * process exits first or after timeoutMs.
 */
export function startServer(db, opts = {}) {
  const bin = requireBin();
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const child = spawn(bin, ['--db', db, 'serve', '--listen', '127.0.0.1:0', ...(opts.args || [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(opts.env || {}) },
    cwd: opts.cwd,
  });
  let err = '';
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (s) => {
    out += s;
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`khabar serve printed no ready line within ${timeoutMs} ms; stderr:\n${err}`));
    }, timeoutMs);
    child.stderr.on('data', (s) => {
      err += s;
      if (done) return;
      const m = READY_RE.exec(err);
      if (!m) return;
      done = true;
      clearTimeout(timer);
      const port = Number(m[1]);
      const base = `http://127.0.0.1:${port}`;
      resolve({
        pid: child.pid,
        port,
        base,
        url: (p = '/') => base + p,
        stderr: () => err,
        stdout: () => out,
        exited,
        async stop(graceMs = 10_000) {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          process.kill(child.pid, 'SIGTERM');
          let t;
          const timeout = new Promise((r) => {
            t = setTimeout(() => r('timeout'), graceMs);
          });
          const res = await Promise.race([exited, timeout]);
          clearTimeout(t);
          if (res === 'timeout') {
            process.kill(child.pid, 'SIGKILL');
            await exited;
            throw new Error(`khabar serve (pid ${child.pid}) did not stop on SIGTERM within ${graceMs} ms`);
          }
          return res;
        },
      });
    });
    exited.then(({ code, signal }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`khabar serve exited (${code ?? signal}) before it was ready; stderr:\n${err}`));
    });
  });
}

// ---- raw HTTP ----------------------------------------------------------------------------

/**
 * One HTTP/1.1 request with node:http (no decompression, no redirects): resolves
 * {status, headers, body: Buffer}.
 */
export function request(url, { method = 'GET', headers = {}, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * GET each of `paths` in turn through one keep-alive agent limited to one socket: resolves
 * [{status, connection, reused}] where `reused` says whether the request went out on a
 * connection an earlier response had left open.
 */
export async function keepAliveSequence(base, paths, timeoutMs = 10_000) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const out = [];
  try {
    for (const p of paths) {
      out.push(
        await new Promise((resolve, reject) => {
          const req = http.get(base + p, { agent }, (res) => {
            res.resume();
            res.on('end', () =>
              resolve({ status: res.statusCode, connection: res.headers.connection ?? null, reused: req.reusedSocket }),
            );
            res.on('error', reject);
          });
          req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout: GET ${p}`)));
          req.on('error', reject);
        }),
      );
    }
  } finally {
    agent.destroy();
  }
  return out;
}

/**
 * Send `text` as-is on a fresh TCP connection and return every byte the server sends until
 * it closes the connection (bounded by timeoutMs).  For HEAD: proves no body follows.
 */
export function rawExchange(port, text, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const chunks = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('raw exchange: the server did not close the connection in time'));
    }, timeoutMs);
    sock.on('connect', () => sock.write(text));
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** GET a JSON resource with fetch: {status, headers, json}. */
export async function getJson(url) {
  const res = await fetch(url);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${url}: not JSON (status ${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, json };
}

/** GET a page with fetch: {status, headers, text}. */
export async function getText(url, init) {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Poll `fn` (async, returns truthy when done) every intervalMs until limitMs; returns its value or null. */
export async function pollUntil(fn, { limitMs = 5_000, intervalMs = 100 } = {}) {
  const end = Date.now() + limitMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() >= end) return null;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ---- page text of our own writing ------------------------------------------------------

export const AR_MONTHS = ['يناير', 'فبراير', 'مارس', 'أبريل', 'مايو', 'يونيو', 'يوليو', 'أغسطس', 'سبتمبر', 'أكتوبر', 'نوفمبر', 'ديسمبر'];

/** "5 مارس 2025" for a {y, m (1-12), d}. */
export function arabicDate({ y, m, d }) {
  return `${d} ${AR_MONTHS[m - 1]} ${y}`;
}

/** The date `n` days after 2025-01-01 as {y, m, d} (UTC arithmetic, no time zone games). */
export function dayAfterNewYear(n) {
  const t = new Date(Date.UTC(2025, 0, 1 + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

const WORDS = [
  'المدينة', 'المجلس', 'الطلاب', 'المكتبة', 'الحديقة', 'الميناء', 'المزارعون', 'السوق',
  'القطار', 'المستشفى', 'البلدية', 'المتحف', 'الفريق', 'الجامعة', 'المصنع', 'الصيادون',
];

/**
 * A page-text file of our own writing, in the reference page's layout: section, reading
 * time, headline, lede, date, paragraphs (each ending with a full stop), source line.
 */
export function makePageText({ section = 'سياسة', headline, lede, date, paragraphs, source = 'خبر - تجربة', seed = 1 }) {
  const paras =
    paragraphs ||
    Array.from({ length: 4 }, (_, i) => {
      const w = (k) => WORDS[(seed * 7 + i * 3 + k) % WORDS.length];
      return `قال ممثل ${w(0)} إن ${w(1)} و${w(2)} يعملون معاً في المشروع رقم ${seed} منذ أسابيع، وإن النتائج الأولى مشجعة للجميع في ${w(3)}.`;
    });
  const lines = [
    section,
    '1 دقيقة قراءة',
    headline,
    lede || `ملخص قصير للخبر رقم ${seed} كتبناه لاختبار الموقع.`,
    arabicDate(date),
    '',
    ...paras.flatMap((p) => [p, '']),
    `مصدر: ${source}`,
    '',
  ];
  return lines.join('\n');
}

// ---- the newsroom (admin.test.mjs) -------------------------------------------------------

/** `khabar user add NAME --role ROLE` with the password on stdin. */
export function addUser(db, name, role, password) {
  return runOk(['user', 'add', name, '--role', role], { db, input: `${password}\n` });
}

/**
 * POST /admin/login as JSON: resolves {status, headers, json, cookie (the "name=value" pair
 * for a Cookie header, or null), setCookie (the raw header), csrf}.
 */
export async function login(base, name, password) {
  const res = await fetch(`${base}/admin/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const json = await res.json();
  const setCookie = res.headers.get('set-cookie');
  return {
    status: res.status,
    headers: res.headers,
    json,
    setCookie,
    cookie: setCookie ? setCookie.split(';')[0] : null,
    csrf: json.csrf ?? null,
  };
}

/**
 * A request to the admin API with a session ({cookie, csrf}) or a token ({token}); `body`
 * is sent as JSON.  Resolves {status, headers, json}.
 */
export async function api(base, method, path, { session, token, body, headers = {}, csrf } = {}) {
  const h = { ...headers };
  if (session?.cookie) h.Cookie = session.cookie;
  const c = csrf === undefined ? session?.csrf : csrf;
  if (c) h['X-CSRF-Token'] = c;
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { raw: text };
  }
  return { status: res.status, headers: res.headers, json };
}
