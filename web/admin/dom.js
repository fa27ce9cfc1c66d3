// dom.js — building the UI's DOM without HTML strings: every text goes in as a text node,
// so nothing a user typed (or the server sent) is ever parsed as markup here.  The only
// places that set innerHTML are the body editor and the preview, with the server's
// sanitized body_html (see editor.js).

import { fmtNum } from './num.js';

/**
 * h('button', {class: 'x', onclick: f, 'aria-label': '…'}, 'text', child, …): an element.
 * Attributes: `class`, `on<event>` (listeners), booleans (true → present, false/null → absent),
 * `dataset` (object), everything else as attributes.  Children: strings, nodes, arrays, null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replace el's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A unique id for label/for pairs. */
export function id(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A labelled field: <div class="field"><label for>…</label>control<small>hint</small></div>. */
export function field(labelText, control, hint) {
  if (!control.id) control.id = id();
  const hintEl = hint ? h('small', { id: `${control.id}-hint`, class: 'hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, labelText), control, hintEl);
}

/** A short message for screen readers and eyes (the #toast live region). */
export function toast(text, kind = 'info') {
  const t = document.getElementById('toast');
  if (!t) return;
  t.className = kind;
  t.textContent = text;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    t.textContent = '';
    t.className = '';
  }, 6000);
}

export const STATUS = {
  draft: 'مسودة',
  review: 'قيد المراجعة',
  scheduled: 'مجدول',
  published: 'منشور',
  unpublished: 'غير منشور',
};

export const ROLES = {
  admin: 'مدير',
  editor: 'محرر',
  author: 'كاتب',
  contributor: 'مساهم',
};

/** Article fields in Arabic, for conflicts and revisions (the server's names). */
export const FIELDS = {
  headline: 'العنوان',
  lede: 'الموجز',
  byline: 'اسم الكاتب',
  source: 'المصدر',
  slug: 'الرابط المختصر',
  section: 'القسم',
  language: 'اللغة',
  body_html: 'نص المقال',
  tags: 'الوسوم',
  published: 'وقت النشر',
  updated: 'وقت التحديث',
  status: 'الحالة',
  image: 'الصورة',
  trashed: 'سلة المحذوفات',
};

/** "مقال واحد", "مقالان", "3 مقالات", "11 مقالاً", "100 مقال": the noun agrees with the count. */
export function articlesCount(n) {
  if (n === 0) return 'لا مقالات';
  if (n === 1) return 'مقال واحد';
  if (n === 2) return 'مقالان';
  const r = n % 100;
  if (r >= 3 && r <= 10) return `${fmtNum(n)} مقالات`;
  if (r >= 11 && r <= 99) return `${fmtNum(n)} مقالاً`;
  return `${fmtNum(n)} مقال`;
}

/** A status badge. */
export function badge(status) {
  return h('span', { class: `badge st-${status}` }, STATUS[status] || status);
}
