// publish.mjs — the load half of bench/publish.sh: CLIENTS concurrent clients each POST
// published articles to /api/v1/articles with a Bearer token, one after another, for
// SECONDS; prints one JSON line {clients, seconds, published, errors, rate, p50_ms, p95_ms}.
// Articles are our own generated Arabic text (about 450 words, a subheading and a quote),
// each with a unique headline.  Usage: node publish.mjs BASE TOKEN CLIENTS SECONDS [SECTION]

const [base, token, clientsArg, secondsArg, section = 'politics'] = process.argv.slice(2);
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
function article(client) {
  serial++;
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
