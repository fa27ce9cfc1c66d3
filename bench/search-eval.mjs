// search-eval.mjs — the relevance half of `make bench-search` (bench/search.sh runs it).
//
// ARCD (../shared/data/arcd/arcd-dev.json, SQuAD format): every paragraph becomes an
// article (its Wikipedia title the headline, the paragraph the body) imported with
// `khabar import jsonl`; every question is a query through the engine's own search
// (`khabar search --json --limit 10`, the same code as /search); the answer is the
// paragraph the question was written from.  The same questions also run against a plain
// FTS5 table with the default unicode61 tokenizer over the same texts (built here with the
// sqlite3 CLI, same BM25 column weights), so the two figures come from one run.
//
// Prints MRR@10, R@1, R@5 for both.  Node stdlib only; exits 1 only when it cannot run.
// Usage: node search-eval.mjs KHABAR_BIN ARCD_JSON WORKDIR

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [bin, arcdPath, work] = process.argv.slice(2);
if (!bin || !arcdPath || !work) {
  console.error('usage: node search-eval.mjs KHABAR_BIN ARCD_JSON WORKDIR');
  process.exit(2);
}
const W_HEADLINE = Number(process.env.KB_BENCH_W_HEADLINE || 4.0);
const W_BODY = Number(process.env.KB_BENCH_W_BODY || 1.0);

const arcd = JSON.parse(fs.readFileSync(arcdPath, 'utf8'));
const paras = []; // {title, text}
const questions = []; // {q, para}
for (const art of arcd.data) {
  for (const p of art.paragraphs) {
    const idx = paras.length;
    paras.push({ title: art.title.trim(), text: p.context.trim() });
    for (const qa of p.qas) questions.push({ q: qa.question.trim(), para: idx });
  }
}

// ---- the engine ----------------------------------------------------------------------
const db = path.join(work, 'arcd.db');
const jsonl = path.join(work, 'arcd.jsonl');
fs.writeFileSync(
  jsonl,
  paras
    .map((p, i) =>
      JSON.stringify({
        id: `arcd-${i}`,
        title: p.title,
        body: p.text,
        category: 'arcd',
        published: '2024-01-01T00:00:00Z',
      }),
    )
    .join('\n') + '\n',
);
const kb = (args) => execFileSync(bin, ['--db', db, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
kb(['init']);
const t0 = process.hrtime.bigint();
kb(['import', 'jsonl', '--quiet', jsonl]);
const importMs = Number(process.hrtime.bigint() - t0) / 1e6;

// Article ids are given in file order on a fresh database; check it through the headlines.
process.env.KHABAR_BIN = bin;
const { startServer } = await import('../tests/e2e/helpers.mjs');
const server = await startServer(db);
async function engineRanking(q) {
  const res = await fetch(server.url(`/api/v1/search?per_page=10&q=${encodeURIComponent(q)}`));
  if (res.status !== 200) throw new Error(`/api/v1/search answered ${res.status} for "${q}"`);
  const out = await res.json();
  return out.hits.map((h) => {
    const para = h.id - 1;
    if (!paras[para] || paras[para].title !== h.headline) {
      throw new Error(`hit ${h.id} "${h.headline}" is not paragraph ${para}: ids are not in file order`);
    }
    return para;
  });
}

// ---- plain FTS5 unicode61 --------------------------------------------------------------
const sqlite = process.env.SQLITE3 || 'sqlite3';
const base = path.join(work, 'unicode61.db');
const sq = (s) => `'${s.replace(/'/g, "''")}'`;
let sql = 'CREATE VIRTUAL TABLE p USING fts5 (title, body);\nBEGIN;\n';
paras.forEach((p, i) => {
  sql += `INSERT INTO p (rowid, title, body) VALUES (${i + 1}, ${sq(p.title)}, ${sq(p.text)});\n`;
});
sql += 'COMMIT;\n';
fs.rmSync(base, { force: true });
execFileSync(sqlite, [base], { input: sql });
// unicode61's own idea of a token: runs of letters and digits (marks split them).
const tokens = (s) => s.match(/[\p{L}\p{N}]+/gu) || [];
let qsql = '.mode list\n.separator |\n';
questions.forEach((x, qi) => {
  const toks = [...new Set(tokens(x.q))];
  if (!toks.length) return;
  const m = toks.map((t) => `"${t}"`).join(' OR ');
  qsql += `SELECT ${qi}, rowid FROM p WHERE p MATCH ${sq(m)} ORDER BY bm25(p, ${W_HEADLINE}, ${W_BODY}) LIMIT 10;\n`;
});
const baseOut = execFileSync(sqlite, [base], { input: qsql, encoding: 'utf8', maxBuffer: 64 << 20 });
const baseRank = new Map();
for (const line of baseOut.split('\n')) {
  if (!line) continue;
  const [qi, rowid] = line.split('|').map(Number);
  if (!baseRank.has(qi)) baseRank.set(qi, []);
  baseRank.get(qi).push(rowid - 1);
}

// ---- scoring --------------------------------------------------------------------------
function score(rankOf) {
  let mrr = 0;
  let r1 = 0;
  let r5 = 0;
  questions.forEach((x, qi) => {
    const r = rankOf(qi).indexOf(x.para);
    if (r >= 0 && r < 10) mrr += 1 / (r + 1);
    if (r === 0) r1++;
    if (r >= 0 && r < 5) r5++;
  });
  const n = questions.length;
  return { mrr: mrr / n, r1: r1 / n, r5: r5 / n };
}

const t1 = process.hrtime.bigint();
const engineRanks = [];
try {
  for (const x of questions) engineRanks.push(await engineRanking(x.q));
} finally {
  await server.stop();
}
const searchMs = Number(process.hrtime.bigint() - t1) / 1e6;
const e = score((qi) => engineRanks[qi]);
const b = score((qi) => baseRank.get(qi) || []);
const f = (v) => v.toFixed(3);
console.log(`ARCD dev: ${paras.length} paragraphs, ${questions.length} questions`);
console.log(`import jsonl: ${paras.length} articles in ${(importMs / 1000).toFixed(2)} s`);
console.log(`engine searches: ${questions.length} through /api/v1/search in ${(searchMs / 1000).toFixed(1)} s, one at a time`);
console.log('');
console.log('                      MRR@10   R@1     R@5');
console.log(`khabar (engine)       ${f(e.mrr)}    ${f(e.r1)}   ${f(e.r5)}`);
console.log(`FTS5 unicode61        ${f(b.mrr)}    ${f(b.r1)}   ${f(b.r5)}`);
console.log(`ratio khabar/unicode61 MRR@10: ${(e.mrr / b.mrr).toFixed(2)}`);
console.log(`(weights headline ${W_HEADLINE} body ${W_BODY}; goal MRR@10 >= 0.80; Lucene ArabicAnalyzer 0.774)`);
