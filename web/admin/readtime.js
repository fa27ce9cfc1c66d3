// readtime.js — reading time as the server computes it (lib/text/readtime.c, docs/text.md),
// so the editor can show it while the body is typed: words of the lede and the body, a
// speed per language, minutes = max(1, ceil(words / wpm)), and the Arabic label whose noun
// agrees with the number (ICU's plural rules for "ar", written out here).
//
// A word is a run of letters or digits; harakat, superscript alef, tatweel, soft hyphen and
// format marks neither make nor break a word; combining marks continue one; an apostrophe
// between two letters joins them.  Block tags and <br> separate words, inline tags do not.

import { fmtNum } from './num.js';

const WPM = { ar: 180, en: 238 };
const WPM_OTHER = 184;

const IGNORABLE = /[\u064B-\u065F\u0670\u0640\u200B-\u200F\u061C\uFEFF\u2066-\u2069\u00AD]/gu;
const WORD_CHAR = /[\p{L}\p{N}]/u;
const MARK = /\p{M}/u;

/** Words in plain text, counted like kb_readtime_words. */
export function countWords(text) {
  let words = 0;
  let inWord = false;
  let apos = false;
  for (const ch of String(text ?? '').replace(IGNORABLE, '')) {
    if (WORD_CHAR.test(ch)) {
      if (!inWord) words++;
      inWord = true;
      apos = false;
      continue;
    }
    if (inWord && ch.codePointAt(0) > 0x7f && MARK.test(ch)) continue;
    if (inWord && !apos && (ch === "'" || ch === '\u2019')) {
      apos = true;
      continue;
    }
    inWord = false;
    apos = false;
  }
  return words;
}

const INLINE = new Set(['A', 'ABBR', 'B', 'BDI', 'BDO', 'CITE', 'CODE', 'EM', 'I', 'MARK', 'Q', 'S',
  'SMALL', 'SPAN', 'STRONG', 'SUB', 'SUP', 'U', 'WBR', 'TIME', 'KBD']);

/** Words in a DOM subtree: text of inline elements runs on, every other element separates. */
export function countWordsNode(root) {
  let text = '';
  const walk = (node) => {
    for (let n = node.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) text += n.data;
      else if (n.nodeType === 1) {
        if (n.tagName === 'SCRIPT' || n.tagName === 'STYLE') continue;
        const inline = INLINE.has(n.tagName);
        if (!inline) text += ' ';
        walk(n);
        if (!inline) text += ' ';
      }
    }
  };
  walk(root);
  return countWords(text);
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', shy: '\u00ad', zwnj: '\u200c', zwj: '\u200d', rlm: '\u200f', lrm: '\u200e' };

/** Words in an HTML string (what the server counts in body_html), without a DOM. */
export function countWordsHtml(html) {
  const text = String(html ?? '')
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?([a-zA-Z][a-zA-Z0-9]*)(?:"[^"]*"|'[^']*'|[^'">])*>/g, (_, name) => (INLINE.has(name.toUpperCase()) ? '' : ' '))
    .replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);/g, (_, e) => {
      if (e[0] === '#') {
        const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : ' ';
      }
      return ENTITIES[e.toLowerCase()] ?? ' ';
    });
  return countWords(text);
}

/** Words per minute for a language tag ("ar", "en-GB", "" = Arabic). */
export function wpm(lang) {
  const key = String(lang || 'ar').toLowerCase().split(/[-_]/)[0];
  return WPM[key] ?? WPM_OTHER;
}

/** max(1, ceil(words / wpm)). */
export function minutes(words, lang) {
  return Math.max(1, Math.ceil(words / wpm(lang)));
}

/** ICU's plural category for "ar" of a whole number. */
export function arabicPlural(n) {
  if (n === 0) return 'zero';
  if (n === 1) return 'one';
  if (n === 2) return 'two';
  const r = n % 100;
  if (r >= 3 && r <= 10) return 'few';
  if (r >= 11 && r <= 99) return 'many';
  return 'other';
}

/** The label a reader sees: "دقيقتان قراءة", "3 دقائق قراءة" ("٣ دقائق قراءة" with the site's
 * Arabic digits), "11 دقيقة قراءة", "3 min read". */
export function label(mins, lang) {
  const m = Math.max(1, mins | 0);
  const key = String(lang || 'ar').toLowerCase().split(/[-_]/)[0];
  if (key !== 'ar') return `${fmtNum(m)} min read`;
  switch (arabicPlural(m)) {
    case 'one': return 'دقيقة واحدة قراءة';
    case 'two': return 'دقيقتان قراءة';
    case 'few': return `${fmtNum(m)} دقائق قراءة`;
    default: return `${fmtNum(m)} دقيقة قراءة`;
  }
}
