// extract-truth.mjs — gathers every page with ground truth under ../shared/data/html/ into
// one manifest for bench/extract_eval.c: one JSON object a line, {set, lang, file, url,
// title, date, lede, body, with, without}, absent fields null.  Gzipped pages are
// decompressed into WORK; nothing is written elsewhere.
//
// Ground-truth formats read (each folder's own): fundus (<Publisher>.json with V1, V2...
// paired in order with the publisher's saved pages, meta.info for URLs), newspaper4k
// (metadata/*.json + txt/*.txt), trafilatura evaldata (title, description, with/without
// snippets), htmldate dates.json, mozilla/readability (expected.html + expected-metadata.json),
// AndyTheFactory article-extraction-dataset (articles.subset.json), scrapinghub
// article-extraction-benchmark (ground-truth.subset.json).
//
// usage: node extract-truth.mjs HTML_DIR WORK > manifest.jsonl
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const [root, work] = process.argv.slice(2);
if (!root || !work) {
  console.error('usage: extract-truth.mjs HTML_DIR WORK');
  process.exit(2);
}
const out = [];
const exists = (p) => fs.existsSync(p);
const readJSON = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));

// A page path usable by the extractor: .gz pages are decompressed into WORK.
function page(p) {
  if (!p.endsWith('.gz')) return p;
  const dst = path.join(work, path.basename(p, '.gz'));
  fs.writeFileSync(dst, zlib.gunzipSync(fs.readFileSync(p)));
  return dst;
}

function add(rec) {
  out.push({ set: null, lang: null, file: null, url: null, title: null, date: null, lede: null,
    body: null, with: null, without: null, ...rec });
}

// HTML ground truth (readability's expected.html) to text: blocks become blank lines.
function htmlText(h) {
  const ent = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—',
    ndash: '–', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', hellip: '…' };
  return h.replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<\/?(p|div|h[1-6]|li|ul|ol|blockquote|figure|figcaption|br|tr|table|section|article)\b[^>]*>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e) => {
      if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
      return ent[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t]+/g, ' ').replace(/\n\s*\n\s*/g, '\n\n').trim();
}

// fundus: <Publisher>.json {V1: {...}, V2: ...} with the publisher's pages in date order.
function fundus(dir, lang, set) {
  if (!exists(dir)) return;
  for (const country of fs.readdirSync(dir)) {
    const cdir = path.join(dir, country);
    if (!fs.statSync(cdir).isDirectory()) continue;
    const meta = exists(path.join(cdir, 'meta.info')) ? readJSON(path.join(cdir, 'meta.info')) : {};
    for (const f of fs.readdirSync(cdir).filter((f) => f.endsWith('.json'))) {
      const pub = f.replace(/\.json$/, '');
      const truth = readJSON(path.join(cdir, f));
      const pages = fs.readdirSync(cdir).filter((p) => p.startsWith(pub + '_') && p.endsWith('.html.gz')).sort();
      Object.keys(truth).sort((a, b) => parseInt(a.slice(1)) - parseInt(b.slice(1))).forEach((v, i) => {
        if (!pages[i]) return;
        const t = truth[v];
        const paras = [];
        for (const s of t.body?.sections ?? []) paras.push(...(s.headline ?? []), ...(s.paragraphs ?? []));
        add({ set, lang, file: page(path.join(cdir, pages[i])), url: meta[pages[i]]?.url ?? null,
          title: t.title ?? null, date: t.publishing_date ?? null,
          lede: (t.body?.summary ?? []).join('\n') || null, body: paras.join('\n\n') || null });
      });
    }
  }
}

const ar = path.join(root, 'ar');
const en = path.join(root, 'en');
fundus(path.join(ar, 'fundus'), 'ar', 'ar/fundus');
fundus(path.join(en, 'fundus'), 'en', 'en/fundus');

// htmldate: dates.json {url: {file, date}}
{
  const d = path.join(ar, 'htmldate-dates');
  if (exists(path.join(d, 'dates.json')))
    for (const [url, v] of Object.entries(readJSON(path.join(d, 'dates.json'))))
      add({ set: 'ar/htmldate', lang: 'ar', file: path.join(d, v.file), url, date: v.date });
}
// trafilatura evaldata: {url: {file, title, description, with, without, date}}
{
  const d = path.join(ar, 'trafilatura-assabah');
  for (const f of exists(d) ? fs.readdirSync(d).filter((f) => f.startsWith('evaldata')) : [])
    for (const [url, v] of Object.entries(readJSON(path.join(d, f))))
      add({ set: 'ar/trafilatura', lang: 'ar', file: path.join(d, v.file), url, title: v.title || null,
        date: v.date || null, lede: v.description || null, with: v.with, without: v.without });
}
// newspaper4k: metadata/<name>.json + txt/<name>.txt + html/<name>.html
{
  const d = path.join(ar, 'newspaper4k-cnn-arabic');
  for (const f of exists(d) ? fs.readdirSync(path.join(d, 'metadata')) : []) {
    const name = f.replace(/\.json$/, '');
    const m = readJSON(path.join(d, 'metadata', f));
    add({ set: 'ar/newspaper4k', lang: m.language || 'ar', file: path.join(d, 'html', name + '.html'),
      url: m.url, title: m.title || null, date: m.publish_date || null,
      body: fs.readFileSync(path.join(d, 'txt', name + '.txt'), 'utf8') });
  }
}
// readability: <case>/source.html, expected.html, expected-metadata.json
{
  const d = path.join(en, 'mozilla-readability');
  for (const c of exists(d) ? fs.readdirSync(d) : []) {
    const cd = path.join(d, c);
    if (!exists(path.join(cd, 'source.html'))) continue;
    const m = readJSON(path.join(cd, 'expected-metadata.json'));
    add({ set: 'en/readability', lang: m.lang || 'en', file: path.join(cd, 'source.html'), url: null,
      title: m.title || null, date: m.publishedTime || null, lede: m.excerpt || null,
      body: htmlText(fs.readFileSync(path.join(cd, 'expected.html'), 'utf8')) });
  }
}
// AndyTheFactory article-extraction-dataset: {id: {title, date, articleBody, url}}, html/<id>.html
{
  const d = path.join(en, 'andythefactory-aed');
  if (exists(path.join(d, 'articles.subset.json')))
    for (const [id, v] of Object.entries(readJSON(path.join(d, 'articles.subset.json'))))
      add({ set: 'en/aed', lang: 'en', file: path.join(d, 'html', id + '.html'), url: v.url,
        title: v.title || null, date: v.date || null, body: v.articleBody || null });
}
// scrapinghub article-extraction-benchmark: {hash: {articleBody, url}}, html/<hash>.html.gz
{
  const d = path.join(en, 'scrapinghub-aeb');
  if (exists(path.join(d, 'ground-truth.subset.json')))
    for (const [id, v] of Object.entries(readJSON(path.join(d, 'ground-truth.subset.json'))))
      add({ set: 'en/aeb', lang: 'en', file: page(path.join(d, 'html', id + '.html.gz')), url: v.url,
        body: v.articleBody || null });
}
for (const r of out) process.stdout.write(JSON.stringify(r) + '\n');
