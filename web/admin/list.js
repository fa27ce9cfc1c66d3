// list.js — the articles list: filters (status, section, author, text) kept in the hash so
// a filtered list can be bookmarked, status badges, the near-duplicate marker when the
// article JSON carries `duplicate_of`, and paging.  What a role may see is the server's
// decision (contributors see their own drafts and what is published).

import { message, request } from './api.js';
import { STATUS, articlesCount, badge, field, h, mount, toast } from './dom.js';
import { sessionLost, state } from './app.js';
import { display } from './tz.js';
import { fmtNum } from './num.js';

const PER_PAGE = 20;

export async function listView(el, params) {
  const q = {
    status: params.get('status') || '',
    section: params.get('section') || '',
    author: params.get('author') || '',
    q: params.get('q') || '',
    trash: params.get('trash') || '',
    duplicates: params.get('duplicates') || '',
    page: Number(params.get('page') || 1) || 1,
  };

  const status = h('select', { name: 'status' },
    h('option', { value: '' }, 'كل الحالات'),
    Object.entries(STATUS).map(([k, v]) => h('option', { value: k }, v)));
  status.value = q.status;
  const section = h('select', { name: 'section' },
    h('option', { value: '' }, 'كل الأقسام'),
    state.sections.map((s) => h('option', { value: s.slug }, s.name)));
  section.value = q.section;
  const author = h('input', { name: 'author', value: q.author, dir: 'auto', placeholder: 'اسم المستخدم' });
  const text = h('input', { name: 'q', type: 'search', value: q.q, dir: 'auto', placeholder: 'كلمات من العنوان أو النص' });
  const trash = h('input', { name: 'trash', type: 'checkbox', checked: q.trash === '1' });
  const dups = h('input', { name: 'duplicates', type: 'checkbox', checked: q.duplicates === '1' });

  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'تصفية المقالات' },
    field('الحالة', status),
    field('القسم', section),
    field('الكاتب', author),
    field('بحث', text),
    h('div', { class: 'field check' }, trash, h('label', { for: (trash.id = 'f-trash') }, 'سلة المحذوفات')),
    h('div', { class: 'field check' }, dups, h('label', { for: (dups.id = 'f-dups') }, 'المكررات المحتملة فقط')),
    h('button', { type: 'submit' }, 'تصفية'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go({ ...q, status: status.value, section: section.value, author: author.value.trim(), q: text.value.trim(), trash: trash.checked ? '1' : '', duplicates: dups.checked ? '1' : '', page: 1 });
  });
  for (const c of [status, section, trash, dups]) c.addEventListener('change', () => form.requestSubmit());

  const results = h('div', { class: 'results', 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'جارٍ التحميل…'));
  mount(el,
    h('div', { class: 'list-head' },
      h('h1', {}, q.trash ? 'سلة المحذوفات' : 'المقالات'),
      h('a', { class: 'button primary', href: '#/articles/new' }, 'مقال جديد')),
    form,
    results);

  const r = await request('GET', '/api/v1/articles', {
    query: { status: q.status, section: q.section, author: q.author, q: q.q, trash: q.trash, duplicates: q.duplicates, page: q.page, per_page: PER_PAGE },
  });
  if (r.status === 401) return sessionLost();
  if (!r.ok) {
    mount(results, h('p', { class: 'error', role: 'alert' }, message(r)));
    return {};
  }
  const { articles, total } = r.json;
  if (!articles.length) {
    mount(results, h('p', { class: 'empty' }, 'لا مقالات تطابق هذه التصفية.'));
    return {};
  }
  const zone = state.site.timezone;
  const rows = articles.map((a) => {
    const when = a.published || a.updated;
    return h('tr', { dataset: { id: a.id, status: a.status } },
      h('td', { class: 'headline' },
        h('a', { href: `#/articles/${a.id}` }, a.headline || '(بلا عنوان)'),
        a.duplicate_of
          ? h('a', { class: 'dup', href: `#/articles/${dupId(a.duplicate_of)}`, title: `يشبه إلى حد كبير: ${a.duplicate_of.headline || ''}` }, 'مكرر محتمل')
          : null),
      h('td', {}, badge(a.status)),
      h('td', {}, a.section?.name || ''),
      h('td', {}, a.author?.name || '—'),
      h('td', {}, when ? h('time', { datetime: when }, display(Date.parse(when), zone)) : '—'),
      q.trash ? h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => restore(a) }, 'استعده')) : null);
  });
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  mount(results,
    h('div', { class: 'table-wrap' }, h('table', { class: 'articles' },
      h('caption', {}, articlesCount(total)),
      h('thead', {}, h('tr', {}, ['العنوان', 'الحالة', 'القسم', 'الكاتب', 'التاريخ', q.trash ? '' : null].filter((t) => t !== null).map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows))),
    pages > 1
      ? h('nav', { class: 'pager', 'aria-label': 'الصفحات' },
        q.page > 1 ? h('a', { href: hashFor({ ...q, page: q.page - 1 }) }, 'السابق') : null,
        h('span', {}, `صفحة ${fmtNum(q.page)} من ${fmtNum(pages)}`),
        q.page < pages ? h('a', { href: hashFor({ ...q, page: q.page + 1 }) }, 'التالي') : null)
      : null);
  return {};
}

async function restore(a) {
  const r = await request('POST', `/api/v1/articles/${a.id}/restore`);
  if (!r.ok) {
    toast(message(r), 'error');
    return;
  }
  toast(`استُعيد «${a.headline}» من سلة المحذوفات`, 'ok');
  location.hash = `#/articles/${a.id}`;
}

function dupId(d) {
  return typeof d === 'object' && d ? d.id : d;
}

function hashFor(q) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v && !(k === 'page' && v === 1)) p.set(k, v);
  const s = p.toString();
  return s ? `#/articles?${s}` : '#/articles';
}

function go(q) {
  location.hash = hashFor(q);
}
