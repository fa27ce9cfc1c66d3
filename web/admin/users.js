// users.js — the admins' users page: everyone with their role and state, a new user form,
// and per user: change role, disable/enable, set a new password.  The server refuses what
// it must (the last admin, short passwords, taken names) and its Arabic message is shown.

import { message, request } from './api.js';
import { ROLES, field, h, mount, toast } from './dom.js';
import { sessionLost, state } from './app.js';
import { display } from './tz.js';
import { fmtNum } from './num.js';

export async function usersView(el) {
  const body = h('div', { class: 'users-body' });
  const err = h('p', { class: 'error', role: 'alert' });
  const name = h('input', { name: 'name', required: true, dir: 'auto', autocomplete: 'off' });
  const role = roleSelect('author');
  const password = h('input', { name: 'password', type: 'password', required: true, minlength: 10, autocomplete: 'new-password' });
  // novalidate: the server's Arabic message names what is wrong (the browser's own bubble
  // would be in the browser's language and disappears).
  const form = h('form', { class: 'card new-user', 'aria-labelledby': 'new-user-title', novalidate: true },
    h('h2', { id: 'new-user-title' }, 'مستخدم جديد'),
    h('div', { class: 'row' },
      field('اسم المستخدم', name, 'بلا مسافات'),
      field('الدور', role),
      field('كلمة المرور', password, `${fmtNum(10)} أحرف على الأقل`)),
    err,
    h('button', { type: 'submit', class: 'primary' }, 'أضف المستخدم'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    const r = await request('POST', '/api/v1/users', { body: { name: name.value.trim(), role: role.value, password: password.value } });
    if (r.status === 401) return sessionLost();
    if (r.status !== 201) {
      err.textContent = message(r);
      ({ name, password, role })[r.json?.error?.field]?.focus();
      return;
    }
    password.value = '';
    name.value = '';
    toast(`أُضيف المستخدم ${r.json.name}`, 'ok');
    load();
  });

  mount(el, h('h1', {}, 'المستخدمون'), body, form);

  async function load() {
    const r = await request('GET', '/api/v1/users');
    if (r.status === 401) return sessionLost();
    if (!r.ok) {
      mount(body, h('p', { class: 'error', role: 'alert' }, message(r)));
      return;
    }
    mount(body, h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'جدول المستخدمين' }, h('table', { class: 'users' },
      h('thead', {}, h('tr', {}, ['الاسم', 'الدور', 'الحالة', 'أُنشئ', 'كلمة مرور جديدة'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, r.json.users.map(row)))));
  }

  function row(u) {
    const status = h('span', { class: 'row-state', role: 'status' });
    const patch = async (change, what) => {
      status.textContent = '…';
      const r = await request('PATCH', `/api/v1/users/${u.id}`, { body: change });
      if (r.status === 401) return sessionLost();
      if (!r.ok) {
        status.textContent = '';
        toast(message(r), 'error');
        load();
        return;
      }
      Object.assign(u, r.json);
      status.textContent = what;
      if (u.id === state.user.id && change.role) toast('تغيّر دورك؛ أعد تحميل الصفحة', 'info');
    };
    const sel = roleSelect(u.role, `دور ${u.name}`);
    sel.addEventListener('change', () => patch({ role: sel.value }, 'حُفظ الدور'));
    const dis = h('input', { type: 'checkbox', checked: u.disabled, id: `dis-${u.id}` });
    dis.addEventListener('change', () => patch({ disabled: dis.checked }, dis.checked ? 'عُطّل وأُنهيت جلساته' : 'فُعّل'));
    const pw = h('input', { type: 'password', minlength: 10, autocomplete: 'new-password', 'aria-label': `كلمة مرور جديدة لـ${u.name}` });
    const pwForm = h('form', { class: 'inline', novalidate: true }, pw, h('button', { type: 'submit' }, 'غيّر'));
    pwForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      await patch({ password: pw.value }, 'تغيّرت كلمة المرور');
      pw.value = '';
    });
    return h('tr', { dataset: { name: u.name } },
      h('th', { scope: 'row' }, u.name, u.id === state.user.id ? ' (أنت)' : ''),
      h('td', {}, sel),
      h('td', {}, h('span', { class: 'check' }, dis, h('label', { for: dis.id }, 'معطّل')), status),
      h('td', {}, u.created ? display(Date.parse(u.created), state.site.timezone) : ''),
      h('td', {}, pwForm));
  }

  load();
  return {};
}

function roleSelect(value, label) {
  const s = h('select', { name: 'role', 'aria-label': label || null },
    Object.entries(ROLES).map(([k, v]) => h('option', { value: k }, `${v} (${k})`)));
  s.value = value;
  return s;
}
