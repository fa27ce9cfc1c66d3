// publish.mjs — the load half of bench/publish.sh: CLIENTS concurrent clients each POST
// published articles to /api/v1/articles with a Bearer token, one after another, for
// SECONDS; prints one JSON line {clients, seconds, published, errors, rate, p50_ms, p95_ms}.
// Articles are real news text when CORPUS names a JSON Lines file in the ANT form (title,
// lede, byline, body with one paragraph a line: ../shared/data/ant), taken in turn, else
// generated Arabic text (about 450 words from a small vocabulary: every article then shares
// every term, the worst case for related lists); each gets a unique headline.
// Usage: node publish.mjs BASE TOKEN CLIENTS SECONDS [SECTION] [CORPUS] [SKIP]

import fs from 'node:fs';

const [base, token, clientsArg, secondsArg, section = 'politics', corpusPath, skipArg = '0'] = process.argv.slice(2);
const corpus = corpusPath ? fs.readFileSync(corpusPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : null;
let next = Number(skipArg) || 0;
const clients = Number(clientsArg);
const seconds = Number(secondsArg);
if (!base || !token || !(clients > 0) || !(seconds > 0)) {
  console.error('usage: node publish.mjs BASE TOKEN CLIENTS SECONDS [SECTION]');
  process.exit(2);
}

const WORDS = ['الحكومة', 'أعلنت', 'اليوم', 'عن', 'خطة', 'جديدة', 'لتطوير', 'شبكة', 'النقل', 'العام',
  'في', 'المدن', 'الكبرى', 'وقال', 'الوزير', 'إن', 'المشروع', 'سيبدأ', 'العام', 'المقبل', 'بتكلفة',
  'تقديرية', 'تبلغ', 'مليارات', 'الدولارات', 'ويشمل', 'إنشاء', 'خطوط', 'قطارات', 'وحافلات', 'كهربائية'];
let seed = process.pid;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const sentence = (n) => Array.from({ length: n }, () => WORDS[rnd(WORDS.length)]).join(' ') + '.';
const paragraph = () => Array.from({ length: 4 }, () => sentence(10 + rnd(8))).join(' ');

let serial = 0;
const esc = (t) => String(t ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function article(client) {
  serial++;
  if (corpus && corpus.length) {
    const a = corpus[next++ % corpus.length];
    const paras = String(a.body || '').split('\n').map((p) => p.trim()).filter(Boolean);
    return {
      headline: `${String(a.title || sentence(8)).slice(0, 400)} (${client}-${serial}-${Date.now()})`,
      lede: String(a.lede || '').slice(0, 1500) || undefined,
      byline: String(a.byline || '').slice(0, 200) || undefined,
      section,
      status: 'published',
      body_html: (paras.length ? paras : [sentence(20)]).map((p) => `<p>${esc(p)}</p>`).join(''),
    };
  }
  return {
    headline: `${sentence(8)} ${client}-${serial}-${Date.now()}`,
    lede: sentence(18),
    byline: 'مراسل خبر',
    source: 'خبر - وكالات',
    section,
    status: 'published',
    tags: ['نقل', 'اقتصاد'],
    body_html: `<p>${paragraph()}</p><p>${paragraph()}</p><h2>${sentence(5)}</h2><p>${paragraph()}</p>`
      + `<blockquote><p>${sentence(14)}</p></blockquote><p>${paragraph()}</p><p>${paragraph()}</p>`,
  };
}

const latencies = [];
let published = 0;
let errors = 0;
const firstErrors = [];
const deadline = performance.now() + seconds * 1000;

async function client(id) {
  while (performance.now() < deadline) {
    const body = JSON.stringify(article(id));
    const t0 = performance.now();
    try {
      const res = await fetch(`${base}/api/v1/articles`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body,
      });
      const text = await res.text();
      if (res.status === 201) {
        published++;
        latencies.push(performance.now() - t0);
      } else {
        errors++;
        if (firstErrors.length < 3) firstErrors.push(`${res.status} ${text.slice(0, 200)}`);
      }
    } catch (e) {
      errors++;
      if (firstErrors.length < 3) firstErrors.push(String(e));
    }
  }
}

const start = performance.now();
await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0);
console.log(JSON.stringify({
  clients, seconds: Number(elapsed.toFixed(2)), published, errors,
  rate: Number((published / elapsed).toFixed(1)),
  p50_ms: Number(pct(0.5).toFixed(1)), p95_ms: Number(pct(0.95).toFixed(1)),
  first_errors: firstErrors,
}));
