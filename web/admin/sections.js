// sections.js — the sections page: the section tree (parent → children, each level in its
// `position` order, as the site's navigation shows them), and for editors and admins a
// form per section (name, parent), moving a section up or down among its siblings, deleting
// an unused one, and a new-section form.  The server is the authority: a reserved or taken
// slug, a parent that would make a cycle, an empty name come back as 422/409 naming the
// field, and the message is shown under that field (aria-invalid + aria-describedby).
// Everyone signed in may read the tree; the write controls are shown to staff only.

import { message, request } from './api.js';
import { field, h, id, mount, toast } from './dom.js';
import { isStaff, sessionLost, state } from './app.js';
import { fmtNum } from './num.js';

/** The sections as a tree, in display order: [{s, depth}] (children follow their parent). */
export function sectionTree(list) {
  const bySlug = new Map(list.map((s) => [s.slug, s]));
  const kids = new Map();
  for (const s of list) {
    const p = s.parent && bySlug.has(s.parent) ? s.parent : '';
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(s);
  }
  const out = [];
  const seen = new Set();
  const walk = (p, depth) => {
    for (const s of kids.get(p) || []) {
      if (seen.has(s.slug)) continue; // the server keeps the tree acyclic; be safe anyway
      seen.add(s.slug);
      out.push({ s, depth });
      walk(s.slug, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

/** Slugs of `slug` and everything below it (not allowed as its parent). */
function subtree(list, slug) {
  const out = new Set([slug]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of list) {
      if (s.parent && out.has(s.parent) && !out.has(s.slug)) {
        out.add(s.slug);
        grew = true;
      }
    }
  }
  return out;
}

/** "العالم › آسيا": the path of a section, for the parent choices. */
function pathName(list, s) {
  const bySlug = new Map(list.map((x) => [x.slug, x]));
  const names = [];
  for (let at = s, n = 0; at && n < 20; at = bySlug.get(at.parent), n++) names.unshift(at.name);
  return names.join(' › ');
}

function parentSelect(list, value, exclude, label) {
  const sel = h('select', { name: 'parent', 'aria-label': label || null },
    h('option', { value: '' }, '— في الأعلى (بلا قسم أب) —'),
    sectionTree(list).filter(({ s }) => !exclude.has(s.slug)).map(({ s }) => h('option', { value: s.slug }, pathName(list, s))));
  sel.value = value || '';
  return sel;
}

/**
 * Field errors for a form: show(r) puts the API's message under the control its `field`
 * names (or in the form's general error line), clear() removes them.
 */
function fieldErrors(general, controls) {
  const shown = [];
  const clear = () => {
    general.textContent = '';
    for (const el of shown.splice(0)) el.remove();
    for (const c of Object.values(controls)) {
      c.removeAttribute('aria-invalid');
      const d = (c.getAttribute('aria-describedby') || '').split(' ').filter((x) => !x.startsWith('err-')).join(' ');
      if (d) c.setAttribute('aria-describedby', d);
      else c.removeAttribute('aria-describedby');
    }
  };
  const show = (r) => {
    clear();
    const c = controls[r.json?.error?.field];
    if (!c) {
      general.textContent = message(r);
      return;
    }
    const e = h('small', { class: 'field-error', id: id('err') }, message(r));
    c.setAttribute('aria-invalid', 'true');
    c.setAttribute('aria-describedby', [c.getAttribute('aria-describedby'), e.id].filter(Boolean).join(' '));
    c.after(e);
    shown.push(e);
    c.focus();
  };
  return { show, clear };
}

export async function sectionsView(el) {
  const staff = isStaff();
  const body = h('div', { class: 'sections-body' }, h('p', { class: 'loading' }, 'جارٍ التحميل…'));
  let list = [];
  let form = null;

  async function load(focusSlug, focusWhat) {
    const r = await request('GET', '/api/v1/sections');
    if (r.status === 401) return sessionLost();
    if (!r.ok) {
      mount(body, h('p', { class: 'error', role: 'alert' }, message(r)));
      return;
    }
    list = r.json.sections;
    state.sections = list;
    render();
    if (focusSlug) {
      const li = body.querySelector(`li[data-slug="${CSS.escape(focusSlug)}"]`);
      const b = li?.querySelector(`:scope > form [data-focus="${focusWhat}"]`);
      (b && !b.disabled ? b : li?.querySelector(':scope > form [data-focus="save"]'))?.focus();
    }
  }

  function render() {
    const tree = sectionTree(list);
    if (!tree.length) {
      mount(body, h('p', { class: 'empty' }, 'لا أقسام بعد.'));
    } else {
      // Nested lists: a child's <li> sits in its parent's <ul>, so the tree reads as one to
      // screen readers and indents by itself.
      const uls = new Map();
      const top = h('ul', { class: 'section-tree', 'aria-label': 'شجرة الأقسام' });
      for (const { s, depth } of tree) {
        const li = row(s, depth, tree);
        (uls.get(s.parent || '') || top).append(li);
        const sub = h('ul', {});
        uls.set(s.slug, sub);
        li.append(sub);
      }
      for (const ul of uls.values()) if (!ul.children.length) ul.remove();
      mount(body, h('p', { class: 'hint count' }, sectionsCount(tree.length)), top);
    }
    if (staff && form) form.refreshParents();
  }

  function row(s, depth, tree) {
    const siblings = tree.filter((t) => (t.s.parent || '') === (s.parent || '') && t.depth === depth).map((t) => t.s);
    const k = siblings.indexOf(s);
    const head = h('span', { class: 'sec-name' }, s.name, ' ', h('code', { dir: 'ltr' }, `/${s.slug}/`));
    if (!staff) return h('li', { class: 'sec', dataset: { slug: s.slug } }, head);
    const name = h('input', { name: 'name', value: s.name, dir: 'auto' });
    const parent = parentSelect(list, s.parent, subtree(list, s.slug));
    const err = h('p', { class: 'error', role: 'alert' });
    const errs = fieldErrors(err, { name, parent, position: name });
    const f = h('form', { class: 'sec-edit', novalidate: true, 'aria-label': `القسم ${s.name}` },
      h('div', { class: 'field' }, h('label', { for: (name.id = id('sn')) }, 'الاسم'), name),
      h('div', { class: 'field' }, h('label', { for: (parent.id = id('sp')) }, 'داخل'), parent),
      h('div', { class: 'sec-buttons' },
        h('button', { type: 'submit', 'data-focus': 'save' }, 'احفظ'),
        h('button', { type: 'button', 'data-focus': 'up', disabled: k <= 0, 'aria-label': `انقل «${s.name}» إلى أعلى`, onclick: () => move(siblings, k, -1, 'up') }, '↑ أعلى'),
        h('button', { type: 'button', 'data-focus': 'down', disabled: k >= siblings.length - 1, 'aria-label': `انقل «${s.name}» إلى أسفل`, onclick: () => move(siblings, k, +1, 'down') }, '↓ أسفل'),
        h('button', { type: 'button', class: 'link danger', onclick: () => remove(s) }, 'احذف')),
      err);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      errs.clear();
      const change = {};
      if (name.value.trim() !== s.name) change.name = name.value.trim();
      if ((parent.value || null) !== (s.parent || null)) change.parent = parent.value || null;
      if (!Object.keys(change).length) {
        toast('لا تغيير', 'info');
        return;
      }
      const r = await request('PATCH', `/api/v1/sections/${encodeURIComponent(s.slug)}`, { body: change });
      if (r.status === 401) return sessionLost();
      if (!r.ok) return errs.show(r);
      toast(`حُفظ القسم ${r.json.name}`, 'ok');
      await load(s.slug, 'save');
    });
    return h('li', { class: 'sec', dataset: { slug: s.slug, depth } }, head, f);
  }

  /** Swap siblings[k] with its neighbour: the siblings are renumbered 10, 20, 30, … */
  async function move(siblings, k, dir, focus) {
    const order = siblings.slice();
    [order[k], order[k + dir]] = [order[k + dir], order[k]];
    for (let i = 0; i < order.length; i++) {
      const want = (i + 1) * 10;
      if (order[i].position === want) continue;
      const r = await request('PATCH', `/api/v1/sections/${encodeURIComponent(order[i].slug)}`, { body: { position: want } });
      if (r.status === 401) return sessionLost();
      if (!r.ok) {
        toast(message(r), 'error');
        break;
      }
    }
    await load(siblings[k].slug, focus);
  }

  async function remove(s) {
    if (!window.confirm(`حذف القسم «${s.name}»؟ لا يُحذف قسم فيه مقالات.`)) return;
    const r = await request('DELETE', `/api/v1/sections/${encodeURIComponent(s.slug)}`);
    if (r.status === 401) return sessionLost();
    if (!r.ok) {
      toast(r.status === 409 ? `لا يمكن حذف «${s.name}»: فيه مقالات` : message(r), 'error');
      return;
    }
    toast(`حُذف القسم ${s.name}`, 'ok');
    await load();
  }

  if (staff) form = newSectionForm(() => list, async (slug) => {
    await load();
    toast(`أُضيف القسم ${list.find((x) => x.slug === slug)?.name || slug}`, 'ok');
  });
  mount(el, h('h1', {}, 'الأقسام'), body, form ? form.el : h('p', { class: 'hint' }, 'إدارة الأقسام للمحررين والمديرين.'));
  await load();
  return {};
}

/** "قسم واحد", "قسمان", "3 أقسام", "11 قسماً", "100 قسم". */
export function sectionsCount(n) {
  if (n === 1) return 'قسم واحد';
  if (n === 2) return 'قسمان';
  const r = n % 100;
  if (r >= 3 && r <= 10) return `${fmtNum(n)} أقسام`;
  if (r >= 11 && r <= 99) return `${fmtNum(n)} قسماً`;
  return `${fmtNum(n)} قسم`;
}

function newSectionForm(getList, done) {
  const slug = h('input', { name: 'slug', dir: 'ltr', autocomplete: 'off', spellcheck: 'false' });
  const name = h('input', { name: 'name', dir: 'auto', autocomplete: 'off' });
  let parent = parentSelect(getList(), '', new Set());
  const parentBox = h('div', {}, field('داخل القسم', parent));
  const err = h('p', { class: 'error', role: 'alert' });
  const controls = { slug, name, parent, position: name };
  const errs = fieldErrors(err, controls);
  const form = h('form', { class: 'card new-section', 'aria-labelledby': 'new-section-title', novalidate: true },
    h('h2', { id: 'new-section-title' }, 'قسم جديد'),
    h('div', { class: 'row' },
      field('الاسم', name, 'كما يظهر للقراء، مثال: رياضة'),
      field('الرابط المختصر', slug, 'حروف لاتينية صغيرة وأرقام وشرطات، مثال: sports'),
      parentBox),
    err,
    h('button', { type: 'submit', class: 'primary' }, 'أضف القسم'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errs.clear();
    const body = { slug: slug.value.trim(), name: name.value.trim() };
    if (parent.value) body.parent = parent.value;
    const siblings = getList().filter((s) => (s.parent || '') === (parent.value || ''));
    body.position = siblings.length ? Math.max(...siblings.map((s) => s.position)) + 10 : 10;
    const r = await request('POST', '/api/v1/sections', { body });
    if (r.status === 401) return sessionLost();
    if (r.status !== 201) return errs.show(r);
    slug.value = '';
    name.value = '';
    await done(r.json.slug);
    name.focus();
  });
  return {
    el: form,
    refreshParents() {
      const v = parent.value;
      const fresh = parentSelect(getList(), v, new Set());
      fresh.id = parent.id;
      parent.replaceWith(fresh);
      parent = fresh;
      controls.parent = fresh;
    },
  };
}
