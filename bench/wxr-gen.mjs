#!/usr/bin/env node
// wxr-gen.mjs — write a WordPress export (WXR 1.2) of a given size, for the memory and speed
// checks of `khabar import wxr`: bench/wxr-1g.sh (1 GB) and tests/e2e/wxr-size.test.mjs (5 and
// 50 MB).  Never committed output: it is generated on the fly into a temp dir.
//
// usage: node bench/wxr-gen.mjs SIZE_MB OUT.xml [BODY_KB]
//
// The text is ours: sentences put together from a small list of Arabic words by a seeded
// generator, so the same arguments always write the same bytes.  Every item is a published
// post with a unique percent-encoded Arabic slug and link, one of 12 categories in a tree of
// three levels, two tags, one of 6 authors, Gutenberg paragraph blocks (and every 7th a
// [caption] shortcode); every 10th post has a featured image whose attachment comes after it.
// Bodies are about BODY_KB (default 8) KB.  Written in chunks: memory stays small whatever
// the size.

import fs from 'node:fs';

const [sizeArg, out, bodyArg] = process.argv.slice(2);
const sizeMb = Number(sizeArg);
if (!out || !(sizeMb > 0)) {
  console.error('usage: node bench/wxr-gen.mjs SIZE_MB OUT.xml [BODY_KB]');
  process.exit(2);
}
const bodyBytes = (Number(bodyArg) > 0 ? Number(bodyArg) : 8) * 1024;
const limit = Math.floor(sizeMb * 1024 * 1024);

let seed = 20231015;
const rand = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};

const WORDS = ('المدينة المجلس الحكومة الوزير الشارع السوق المدرسة الطلاب المعلمون الطريق الجسر '
  + 'الماء الكهرباء الميزانية الخطة المشروع السكان الحي الشرقي الغربي الشمالي الجنوبي الفريق '
  + 'المباراة الملعب الجمهور الموسم الدوري الكأس اللاعب المدرب الهدف الاقتصاد الأسعار التجار '
  + 'المصنع العمال الشركة البنك القرض المطر الشتاء الصيف الحرارة المستشفى الأطباء المرضى الدواء '
  + 'الثقافة المسرح المعرض الكتاب المكتبة الفنان الشاعر الرواية الجائزة الصحيفة المراسل الخبر '
  + 'قال أعلن أكد أضاف أوضح افتتح زار ناقش أقر رفض وافق طالب بدأ أنهى سجل فاز خسر ارتفع انخفض '
  + 'اليوم أمس غدا صباح مساء الأسبوع الماضي المقبل خلال بعد قبل في من إلى على مع عن حتى بين '
  + 'جديد كبير صغير أول آخر مهم عام خاص محلي دولي سريع طويل').split(' ');

const sentence = (n) => {
  const w = [];
  for (let i = 0; i < n; i++) w.push(WORDS[rand(WORDS.length)]);
  return w.join(' ') + '.';
};
const paragraph = () => {
  const s = [];
  for (let i = 0, n = 2 + rand(4); i < n; i++) s.push(sentence(8 + rand(12)));
  return s.join(' ');
};
const enc = (s) => encodeURIComponent(s).toLowerCase();

const CATS = [
  ['أخبار', ''], ['محليات', 'أخبار'], ['بلديات', 'محليات'], ['دولي', 'أخبار'],
  ['الشرق-الأوسط', 'دولي'], ['رياضة', ''], ['كرة-القدم', 'رياضة'], ['اقتصاد', ''],
  ['أسواق', 'اقتصاد'], ['ثقافة', ''], ['كتب', 'ثقافة'], ['صحة', ''],
];
const AUTHORS = ['hala', 'karim', 'noor', 'samir', 'lina', 'omar'];

const fd = fs.openSync(out, 'w');
let written = 0;
let chunk = [];
let chunkLen = 0;
const emit = (s) => {
  chunk.push(s);
  chunkLen += Buffer.byteLength(s);
  if (chunkLen > 1 << 20) flush();
};
const flush = () => {
  const b = Buffer.from(chunk.join(''), 'utf8');
  fs.writeSync(fd, b);
  written += b.length;
  chunk = [];
  chunkLen = 0;
};

emit(`<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>موقع للتجربة</title><link>https://big.example</link><language>ar</language>
<wp:wxr_version>1.2</wp:wxr_version>
`);
for (const a of AUTHORS) {
  emit(`<wp:author><wp:author_login><![CDATA[${a}]]></wp:author_login><wp:author_display_name><![CDATA[${a}]]></wp:author_display_name></wp:author>\n`);
}
for (const [c, p] of CATS) {
  emit(`<wp:category><wp:category_nicename><![CDATA[${enc(c)}]]></wp:category_nicename><wp:category_parent><![CDATA[${p ? enc(p) : ''}]]></wp:category_parent><wp:cat_name><![CDATA[${c.replace('-', ' ')}]]></wp:cat_name></wp:category>\n`);
}

const TAIL = '</channel>\n</rss>\n';
let id = 0;
let pendingAttachment = null;
while (written + chunkLen + TAIL.length + 2 * bodyBytes < limit) {
  id++;
  const day = 1 + (id % 28);
  const month = 1 + (Math.floor(id / 28) % 12);
  const date = `2022-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const title = sentence(5 + rand(6)).slice(0, -1);
  const slug = `${title.split(' ').slice(0, 4).join('-')}-${id}`;
  const body = [];
  let n = 0;
  while (n < bodyBytes) {
    const p = paragraph();
    n += Buffer.byteLength(p);
    body.push(`<!-- wp:paragraph -->\n<p>${p}</p>\n<!-- /wp:paragraph -->`);
    if (id % 7 === 0 && body.length === 2) {
      body.push(`<!-- wp:shortcode -->\n[caption id="attachment_${id}" width="800"]<img src="https://big.example/wp-content/uploads/2022/${id}.jpg" alt="صورة ${id}" /> ${sentence(6)}[/caption]\n<!-- /wp:shortcode -->`);
    }
  }
  const cat = CATS[rand(CATS.length)][0];
  const thumb = id % 10 === 0 ? 1_000_000 + id : 0;
  emit(`<item><title><![CDATA[${title}]]></title><link>https://big.example/2022/${date.slice(5, 7)}/${enc(slug)}/</link>
<dc:creator><![CDATA[${AUTHORS[rand(AUTHORS.length)]}]]></dc:creator>
<content:encoded><![CDATA[${body.join('\n\n')}]]></content:encoded>
<excerpt:encoded><![CDATA[${sentence(14)}]]></excerpt:encoded>
<wp:post_id>${id}</wp:post_id><wp:post_date><![CDATA[${date} 12:00:00]]></wp:post_date><wp:post_date_gmt><![CDATA[${date} 09:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[${enc(slug)}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="${enc(cat)}"><![CDATA[${cat.replace('-', ' ')}]]></category>
<category domain="post_tag" nicename="t${id % 50}"><![CDATA[وسم ${id % 50}]]></category>
<category domain="post_tag" nicename="u${id % 7}"><![CDATA[موضوع ${id % 7}]]></category>
${thumb ? `<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[${thumb}]]></wp:meta_value></wp:postmeta>` : ''}</item>
`);
  if (pendingAttachment) emit(pendingAttachment);
  pendingAttachment = thumb
    ? `<item><title>صورة ${id}</title><link>https://big.example/?attachment_id=${thumb}</link><wp:post_id>${thumb}</wp:post_id><excerpt:encoded><![CDATA[${sentence(6)}]]></excerpt:encoded><wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type><wp:attachment_url>https://big.example/wp-content/uploads/2022/${thumb}.jpg</wp:attachment_url><wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value><![CDATA[صورة ${id}]]></wp:meta_value></wp:postmeta></item>\n`
    : null;
}
if (pendingAttachment) emit(pendingAttachment);
emit(TAIL);
flush();
fs.closeSync(fd);
console.log(`${out}: ${written} bytes, ${id} posts`);
