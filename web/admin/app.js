// app.js — the editors' UI at /admin/: who is signed in, the header, and the router.
// Views live in their own modules (list.js, editor.js, users.js) and are chosen by the
// hash: #/articles, #/articles/new, #/articles/7, #/sections, #/media, #/users, #/account.  Hash routes keep the server
// simple (one index.html) and the back button working.

import { message, request, setCsrf } from './api.js';
import { ROLES, field, h, mount, toast } from './dom.js';
import { setDigits } from './num.js';

export const state = {
  user: null, // {id, name, role}
  site: { name: 'خبر', timezone: 'Asia/Riyadh', language: 'ar', digits: 'latin', authors_publish: false },
  sections: [],
  leave: null, // the current view's "may I leave?" check (unsaved changes)
};

const main = () => document.getElementById('main');

export function isStaff() {
  return state.user && (state.user.role === 'editor' || state.user.role === 'admin');
}

/** May the signed-in user publish an article whose author is authorId? (workflow.c's rule) */
export function canPublish(authorId) {
  if (isStaff()) return true;
  return state.user?.role === 'author' && state.site.authors_publish && authorId === state.user.id;
}

async function loadSession() {
  const r = await request('GET', '/api/v1/session');
  if (r.status !== 200) return false;
  state.user = r.json.user;
  state.site = { ...state.site, ...(r.json.site || {}) };
  setDigits(state.site.digits);
  setCsrf(r.json.csrf);
  const s = await request('GET', '/api/v1/sections');
  state.sections = s.ok ? s.json.sections : [];
  return true;
}

function header() {
  const top = document.getElementById('top');
  if (!state.user) {
    mount(top, h('span', { class: 'brand' }, `${state.site.name} — غرفة الأخبار`));
    return;
  }
  const link = (href, text) => h('a', { href, 'data-nav': href }, text);
  mount(
    top,
    h('span', { class: 'brand' }, `${state.site.name} — غرفة الأخبار`),
    h('nav', { 'aria-label': 'أقسام لوحة التحرير' },
      h('ul', {},
        h('li', {}, link('#/articles', 'المقالات')),
        h('li', {}, link('#/articles/new', 'مقال جديد')),
        h('li', {}, link('#/media', 'الصور')),
        isStaff() ? h('li', {}, link('#/sections', 'الأقسام')) : null,
        state.user.role === 'admin' ? h('li', {}, link('#/users', 'المستخدمون')) : null,
        h('li', {}, link('#/account', 'حسابي')),
        h('li', {}, h('a', { href: '/', target: '_blank', rel: 'noopener' }, 'الموقع')))),
    h('span', { class: 'who' }, `${state.user.name} (${ROLES[state.user.role] || state.user.role})`),
    h('button', { type: 'button', class: 'link', onclick: logout }, 'خروج'),
  );
  for (const a of top.querySelectorAll('[data-nav]')) {
    if (location.hash === a.dataset.nav || (a.dataset.nav === '#/articles' && location.hash === '')) a.setAttribute('aria-current', 'page');
  }
}

async function logout() {
  await request('POST', '/admin/logout');
  state.user = null;
  setCsrf(null);
  location.hash = '#/';
  start();
}

function loginView() {
  header();
  const name = h('input', { name: 'name', autocomplete: 'username', required: true, dir: 'auto' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, dir: 'auto' });
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'login card', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'تسجيل الدخول'),
    field('اسم المستخدم', name),
    field('كلمة المرور', password),
    err,
    h('button', { type: 'submit', class: 'primary' }, 'دخول'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    const btn = form.querySelector('button');
    btn.disabled = true;
    const r = await request('POST', '/admin/login', { body: { name: name.value.trim(), password: password.value } });
    btn.disabled = false;
    if (r.status !== 200) {
      err.textContent = message(r);
      password.select();
      return;
    }
    password.value = '';
    setCsrf(r.json.csrf);
    await loadSession();
    route();
  });
  mount(main(), form);
  name.focus();
}

let current = null; // the current view, for cleanup

async function route() {
  if (!state.user) return loginView();
  if (current?.destroy) current.destroy();
  current = null;
  state.leave = null;
  header();
  const hash = location.hash || '#/articles';
  const m = /^#\/(articles|users|sections|account|media)(?:\/(new|\d+))?\/?(?:\?(.*))?$/.exec(hash);
  const el = main();
  if (m && m[1] === 'media') {
    const { mediaView } = await import('./media.js');
    current = await mediaView(el, new URLSearchParams(m[3] || ''));
  } else if (m && m[1] === 'account') {
    const { accountView } = await import('./account.js');
    current = await accountView(el);
  } else if (m && m[1] === 'sections') {
    const { sectionsView } = await import('./sections.js');
    current = await sectionsView(el);
  } else if (m && m[1] === 'users') {
    if (state.user.role !== 'admin') {
      mount(el, h('p', { class: 'error' }, 'صفحة المستخدمين للمديرين فقط'));
      return;
    }
    const { usersView } = await import('./users.js');
    current = await usersView(el);
  } else if (m && m[2]) {
    const { editorView } = await import('./editor.js');
    current = await editorView(el, m[2] === 'new' ? null : Number(m[2]));
  } else {
    const { listView } = await import('./list.js');
    current = await listView(el, new URLSearchParams(m?.[3] || ''));
  }
  el.focus({ preventScroll: true });
}

window.addEventListener('hashchange', (e) => {
  if (state.leave && !state.leave()) {
    // Unsaved changes that could not be kept: stay (the view said so).
    history.replaceState(null, '', new URL(e.oldURL).hash);
    return;
  }
  route();
});

window.addEventListener('beforeunload', (e) => {
  if (state.leave && !state.leave(true)) e.preventDefault();
});

/** Called by views when the server says the session is gone. */
export function sessionLost() {
  state.user = null;
  toast('انتهت الجلسة؛ سجّل الدخول من جديد', 'error');
  loginView();
}

async function start() {
  if (await loadSession()) route();
  else loginView();
}

start();
