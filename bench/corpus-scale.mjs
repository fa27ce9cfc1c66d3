// corpus-scale.mjs — a deterministic archive of N Arabic news articles for the search-scale
// bench (bench/search-scale.mjs), made from ANT (../shared/data/ant/ant-v2.1.jsonl.xz).
//
// Output: N lines of JSON on standard output in the corpus form `khabar import jsonl` reads
// (docs/jsonl.md: id, external_id, source, category, url, title, lede, byline, published,
// body — one paragraph a line), every line a distinct article with its own key.
//
// How an article is made.  ANT is read once (`xz -dc`); lines with an empty body and repeats
// of an earlier url are left out, leaving M = 30,337 source articles, kept in memory grouped
// by category.  Output article j is copy k = floor(j / M) of source article i = j mod M:
//   - copy 0 is source article i itself, unchanged: the first 30,337 articles ARE ANT;
//   - copy k ≥ 1 is a new article in i's category, from a PRNG seeded by (seed, i, k):
//     . body: as many paragraphs as article i has (so the distribution of article lengths is
//       ANT's); the first is paragraph 1 of a "donor" article d of the same category, then
//       each next paragraph, with probability 0.6, is the donor's next one (runs of a real
//       article's consecutive paragraphs keep a story's repeated terms together), else a
//       random paragraph of another random article of the category;
//     . headline: the first part of d's headline and the last part of another same-category
//       headline (cut at random words), so headlines are distinct and their words are in the
//       body as a real headline's are;
//     . lede: the new first paragraph cut, at a word, to the length of i's lede (ANT's ledes
//       are the opening of the body);  byline and source: d's;
//     . published: i's date moved back k × 200 days plus 0–199 days more (its time and UTC
//       offset kept): at a million articles (k up to 32) the archive spans 2000–2018;
//     . key: external_id `scale:<ANT id>:<k>`, url `https://archive.invalid/<k>/<ANT id>`.
//   The article j is the same whatever N is: a smaller corpus is a prefix of a larger one.
//
// What it keeps real: the vocabulary and its spelling (every word is a word ANT's outlets
// wrote), each category's term distribution (paragraphs are drawn within the category),
// paragraph lengths and paragraphs per article, the headline/lede/body proportions, and the
// total number of postings per article — so posting lists of the common words grow as they
// would in an archive of that many articles, which is what ranking and the index's memory
// pay for.
//
// What it does not: no new vocabulary.  Heaps' law (V ≈ K·n^β) holds on ANT itself —
// khabar's index has 77,556 terms at 9,992 articles and 139,113 at 30,337, β ≈ 0.53 — so a
// real million-article archive would have ≈ 6× as many distinct terms (≈ 0.9 M), mostly
// names, places and misspellings, each in few articles; here the term count stops at ANT's.
// What that changes: the term dictionary (hash table) and the FTS5 term b-tree are smaller
// than real (≈ 100 bytes a term in the in-memory index: tens of MiB at 1M, beside the
// postings' GiB); the postings total is right.  And a rare ANT word appears in up to k+1
// articles instead of one (its paragraph is reused), so queries on rare words match more
// than they would — they are the cheap queries; the expensive ones (common words, whose
// lists hold a large share of all articles) are modelled as a real archive has them.  The
// topics of 2018 repeat in every year, and a story's follow-ups are not modelled beyond the
// shared paragraphs.
//
// Memory: the ANT texts (≈ 120 MB as JS strings), whatever N is; output is streamed with
// back-pressure.
//
// Usage: node corpus-scale.mjs N [ANT_JSONL_XZ] [--seed S] > corpus.jsonl
//   (ANT defaults to ../shared/data/ant/ant-v2.1.jsonl.xz beside the repository, or
//   $KB_SHARED/data/ant/…).  Progress and the source count go to standard error.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';

const here = path.dirname(new URL(import.meta.url).pathname);

/** mulberry32: a small seeded PRNG; returns a function giving floats in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from the run's seed and the article's (i, k). */
function mix(seed, i, k) {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const v of [i, k]) {
    h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** Read ANT: the usable source articles in file order, and per category their indexes. */
export async function loadAnt(antPath) {
  const xz = spawn('xz', ['-dc', antPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = readline.createInterface({ input: xz.stdout, crlfDelay: Infinity });
  const src = [];
  const byCat = new Map();
  const seen = new Set();
  for await (const line of rl) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    const paras = String(r.body || '')
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    if (!paras.length || !r.title || seen.has(r.url)) continue; // what import jsonl skips
    seen.add(r.url);
    const a = {
      rec: line,
      id: String(r.id),
      category: r.category,
      title: r.title,
      lede: r.lede || '',
      byline: r.byline || '',
      source: r.source || '',
      published: r.published,
      paras,
    };
    if (!byCat.has(a.category)) byCat.set(a.category, []);
    byCat.get(a.category).push(src.length);
    src.push(a);
  }
  const [code] = xz.exitCode === null ? await once(xz, 'exit') : [xz.exitCode];
  if (code !== 0) throw new Error(`xz -dc ${antPath}: exit ${code}`);
  return { src, byCat };
}

const DAY = 86400e3;

/** ISO 8601 `published` moved back by `days`, keeping its wall time and offset. */
function shiftDate(iso, days) {
  const m = /([+-]\d\d:\d\d|Z)$/.exec(iso || '');
  const t = Date.parse(iso);
  if (!m || !Number.isFinite(t)) return iso;
  const sign = m[1][0] === '-' ? -1 : 1;
  const off = m[1] === 'Z' ? 0 : sign * (Number(m[1].slice(1, 3)) * 60 + Number(m[1].slice(4))) * 60e3;
  const local = new Date(t - days * DAY + off).toISOString().slice(0, 19);
  return local + m[1];
}

/** The text cut at a word to at most `len` characters (the whole text when shorter). */
function cutAtWord(text, len) {
  if (text.length <= len) return text;
  const sp = text.lastIndexOf(' ', len);
  return text.slice(0, sp > 0 ? sp : len);
}

/** Output article j (0-based) as a JSON line, from the loaded ANT. */
export function article(ant, j, seed = 1) {
  const { src, byCat } = ant;
  const M = src.length;
  const i = j % M;
  const k = Math.floor(j / M);
  const a = src[i];
  if (k === 0) return a.rec;
  const rnd = prng(mix(seed, i, k));
  const cat = byCat.get(a.category);
  const pick = () => src[cat[Math.floor(rnd() * cat.length)]];
  const d = pick();
  const e = pick();
  // body: i's paragraph count, runs of a donor's consecutive paragraphs
  const paras = [];
  let cur = d;
  let pos = 0;
  while (paras.length < a.paras.length) {
    paras.push(cur.paras[pos]);
    if (rnd() < 0.6 && pos + 1 < cur.paras.length) pos++;
    else {
      cur = pick();
      pos = Math.floor(rnd() * cur.paras.length);
    }
  }
  // headline: the start of d's, the end of e's
  const hw = d.title.split(/\s+/).filter(Boolean);
  const tw = e.title.split(/\s+/).filter(Boolean);
  const cut1 = Math.max(1, Math.min(hw.length, 1 + Math.floor(rnd() * Math.max(1, hw.length - 1))));
  const cut2 = Math.max(0, Math.min(tw.length - 1, 1 + Math.floor(rnd() * Math.max(1, tw.length - 1))));
  const title = [...hw.slice(0, cut1), ...tw.slice(cut2)].join(' ');
  const days = k * 200 + Math.floor(rnd() * 200);
  return JSON.stringify({
    id: `${a.id}-${k}`,
    external_id: `scale:${a.id}:${k}`,
    source: d.source,
    category: a.category,
    url: `https://archive.invalid/${k}/${encodeURIComponent(a.id)}`,
    title,
    lede: a.lede ? cutAtWord(paras[0], a.lede.length) : '',
    byline: d.byline,
    published: shiftDate(a.published, days),
    body: paras.join('\n'),
  });
}

async function main() {
  const args = process.argv.slice(2);
  let seed = 1;
  const pos = [];
  for (let x = 0; x < args.length; x++) {
    if (args[x] === '--seed') seed = Number(args[++x]);
    else pos.push(args[x]);
  }
  const n = Number(pos[0]);
  const shared = process.env.KB_SHARED || path.resolve(here, '..', '..', 'shared');
  const antPath = pos[1] || path.join(shared, 'data', 'ant', 'ant-v2.1.jsonl.xz');
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(seed)) {
    console.error('usage: node corpus-scale.mjs N [ANT_JSONL_XZ] [--seed S] > corpus.jsonl');
    process.exit(2);
  }
  const ant = await loadAnt(antPath);
  console.error(`corpus-scale: ${ant.src.length} source articles from ${antPath}; writing ${n} articles (seed ${seed})`);
  const out = process.stdout;
  out.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0); // the reader stopped reading: not our failure
    throw e;
  });
  let chunk = [];
  for (let j = 0; j < n; j++) {
    chunk.push(article(ant, j, seed));
    if (chunk.length === 256 || j === n - 1) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk = [];
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  main().catch((e) => {
    console.error(`corpus-scale: ${e.message}`);
    process.exit(1);
  });
}
