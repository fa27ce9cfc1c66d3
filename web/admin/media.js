// media.js — the media library: the uploaded photos (GET /api/v1/media, newest first),
// searched by their text (?q= looks in alt, caption, credit, copyright and the uploader),
// paged, each with its text editable in place (PATCH /api/v1/media/{id}: the uploader, an
// editor or an admin; the server says no to anyone else and its message is shown).
//
// The same component is the editor's photo picker: mediaLibrary({pick}) adds "use this
// photo" to every card, and pickPhoto() shows it in a modal <dialog> (the browser traps the
// focus in it and Esc closes it) and resolves with the chosen record, or null.

import { message, request } from './api.js';
import { field, h, id, mount, toast } from './dom.js';
import { sessionLost, state } from './app.js';
import { display } from './tz.js';
import { fmtNum } from './num.js';

const PER_PAGE = 24;
const TEXT = [['alt', 'النص البديل'], ['caption', 'التعليق'], ['credit', 'المصدر'], ['copyright', 'الحقوق']];

/** "صورة واحدة", "صورتان", "3 صور", "11 صورة", "100 صورة". */
export function photosCount(n) {
  if (n === 0) return 'لا صور';
  if (n === 1) return 'صورة واحدة';
  if (n === 2) return 'صورتان';
  const r = n % 100;
  return r >= 3 && r <= 10 ? `${fmtNum(n)} صور` : `${fmtNum(n)} صورة`;
}

/**
 * The library as an element: {el, load}.  `pick(record)`, when given, adds a "use this
 * photo" button to each card; `q`/`page` start there; `onQuery(q, page)` is told when the
 * reader searches or pages (the route keeps them in the hash).
 */
export function mediaLibrary({ pick = null, q = '', page = 1, onQuery = null } = {}) {
  const search = h('input', { type: 'search', name: 'q', value: q, dir: 'auto', placeholder: 'كلمات من الوصف أو التعليق أو المصدر' });
  const form = h('form', { class: 'media-search', role: 'search', 'aria-label': 'البحث في الصور' },
    field('ابحث في الصور', search),
    h('button', { type: 'submit' }, 'ابحث'));
  const results = h('div', { class: 'media-results', 'aria-live': 'polite' });
  const el = h('div', { class: 'media-library' }, form, results);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    q = search.value.trim();
    page = 1;
    if (onQuery) onQuery(q, page);
    else load();
  });

  async function load() {
    mount(results, h('p', { class: 'loading' }, 'جارٍ التحميل…'));
    const r = await request('GET', '/api/v1/media', { query: { q, page, per_page: PER_PAGE } });
    if (r.status === 401) return sessionLost();
    if (!r.ok) {
      mount(results, h('p', { class: 'error', role: 'alert' }, message(r)));
      return;
    }
    const { media, total } = r.json;
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    const go = (p) => {
      page = p;
      if (onQuery) onQuery(q, page);
      else load();
    };
    mount(results,
      h('p', { class: 'count' }, q ? `${photosCount(total)} تطابق «${q}»` : photosCount(total)),
      media.length
        ? h('ul', { class: 'media-grid' }, media.map((m) => card(m)))
        : h('p', { class: 'empty' }, q ? 'لا صور تطابق هذا البحث.' : 'لم تُرفع صور بعد؛ ارفعها من محرر المقال.'),
      pages > 1
        ? h('nav', { class: 'pager', 'aria-label': 'صفحات الصور' },
          page > 1 ? h('button', { type: 'button', class: 'link', onclick: () => go(page - 1) }, 'السابق') : null,
          h('span', {}, `صفحة ${fmtNum(page)} من ${fmtNum(pages)}`),
          page < pages ? h('button', { type: 'button', class: 'link', onclick: () => go(page + 1) }, 'التالي') : null)
        : null);
  }

  function card(m) {
    const title = m.alt || m.caption || `صورة ${m.id}`;
    const info = h('div', { class: 'media-info' });
    const img = h('img', { src: m.variants?.page || m.src, alt: m.alt || '', loading: 'lazy', width: m.width, height: m.height });
    const li = h('li', { class: 'media-card', dataset: { id: m.id } }, h('figure', {}, img, info));
    const showInfo = () => mount(info,
      h('figcaption', {},
        m.caption ? h('span', { class: 'cap', dir: 'auto' }, m.caption) : null,
        m.credit || m.copyright ? h('span', { class: 'credit', dir: 'auto' }, `صورة: ${[m.credit, m.copyright].filter(Boolean).join(' / ')}`) : null),
      h('p', { class: 'meta' },
        `${fmtNum(m.width)}×${fmtNum(m.height)}`,
        m.uploaded_by?.name ? ` · ${m.uploaded_by.name}` : '',
        m.created ? ` · ${display(Date.parse(m.created), state.site.timezone)}` : ''),
      m.alt ? null : h('p', { class: 'warn' }, 'بلا نص بديل'),
      h('div', { class: 'actions' },
        pick ? h('button', { type: 'button', class: 'primary', 'aria-label': `استعمل الصورة: ${title}`, onclick: () => pick(m) }, 'استعمل هذه الصورة') : null,
        h('button', { type: 'button', 'aria-label': `عدّل بيانات الصورة: ${title}`, onclick: edit }, 'عدّل البيانات')));

    function edit() {
      const inputs = Object.fromEntries(TEXT.map(([k]) => [k, h('input', { name: k, value: m[k] || '', dir: 'auto' })]));
      const err = h('p', { class: 'error', role: 'alert', id: id('merr') });
      const f = h('form', { class: 'media-edit', novalidate: true, 'aria-label': `بيانات الصورة ${title}` },
        TEXT.map(([k, label]) => field(label, inputs[k])),
        err,
        h('div', { class: 'actions' },
          h('button', { type: 'submit', class: 'primary' }, 'احفظ'),
          h('button', { type: 'button', onclick: () => { showInfo(); info.querySelector('button:last-child')?.focus(); } }, 'ألغِ')));
      f.addEventListener('submit', async (e) => {
        e.preventDefault();
        err.textContent = '';
        for (const c of Object.values(inputs)) c.removeAttribute('aria-invalid');
        const change = {};
        for (const [k] of TEXT) if (inputs[k].value.trim() !== (m[k] || '')) change[k] = inputs[k].value.trim();
        if (!Object.keys(change).length) {
          showInfo();
          return;
        }
        const r = await request('PATCH', `/api/v1/media/${m.id}`, { body: change });
        if (r.status === 401) return sessionLost();
        if (!r.ok) {
          err.textContent = message(r);
          const c = inputs[r.json?.error?.field];
          if (c) {
            c.setAttribute('aria-invalid', 'true');
            c.setAttribute('aria-describedby', err.id);
            c.focus();
          }
          return;
        }
        Object.assign(m, r.json);
        img.alt = m.alt || '';
        toast('حُفظت بيانات الصورة', 'ok');
        showInfo();
        info.querySelector('[aria-label^="عدّل"]')?.focus();
      });
      mount(info, f);
      inputs.alt.focus();
    }

    showInfo();
    return li;
  }

  return { el, load, focus: () => search.focus() };
}

/** The #/media route. */
export async function mediaView(el, params) {
  const lib = mediaLibrary({
    q: params.get('q') || '',
    page: Number(params.get('page') || 1) || 1,
    onQuery: (q, page) => {
      const p = new URLSearchParams();
      if (q) p.set('q', q);
      if (page > 1) p.set('page', page);
      const s = p.toString();
      location.hash = s ? `#/media?${s}` : '#/media';
    },
  });
  mount(el, h('h1', {}, 'مكتبة الصور'), lib.el);
  await lib.load();
  return {};
}

/** A modal picker; resolves with the chosen media record, or null when closed. */
export function pickPhoto() {
  return new Promise((resolve) => {
    let chosen = null;
    const dialog = h('dialog', { class: 'media-dialog', 'aria-labelledby': 'media-dialog-title' });
    const lib = mediaLibrary({
      pick: (m) => {
        chosen = m;
        dialog.close();
      },
    });
    mount(dialog,
      h('div', { class: 'dialog-head' },
        h('h2', { id: 'media-dialog-title' }, 'اختر صورة من المكتبة'),
        h('button', { type: 'button', onclick: () => dialog.close() }, 'أغلق')),
      lib.el);
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(chosen);
    });
    document.body.append(dialog);
    dialog.showModal();
    lib.focus();
    lib.load();
  });
}
