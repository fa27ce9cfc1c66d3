// account.js — "حسابي": the signed-in user's API tokens and sessions.
//
// Tokens (GET/POST/DELETE /api/v1/tokens): a new token may act with the user's own role or
// be narrowed to a lower one; its secret is in the POST's answer only, so it is shown once,
// in a read-only field with a copy button, and dropped from the page when dismissed.  Only
// the token's number, role, creation and last use are listed; revoking asks first.
// Sessions (GET /api/v1/sessions, DELETE /api/v1/sessions/{id}): where and when the user
// is signed in, this browser's session marked; ending one, or every other one at once.

import { message, request } from './api.js';
import { ROLES, field, h, mount, toast } from './dom.js';
import { sessionLost, state } from './app.js';
import { display } from './tz.js';
import { fmtNum } from './num.js';

const ORDER = ['contributor', 'author', 'editor', 'admin'];

export async function accountView(el) {
  const tokensBox = h('div', { class: 'tokens-body' }, h('p', { class: 'loading' }, 'جارٍ التحميل…'));
  const sessionsBox = h('div', { class: 'sessions-body' }, h('p', { class: 'loading' }, 'جارٍ التحميل…'));
  const secretBox = h('div', { class: 'secret', hidden: true, role: 'region', 'aria-labelledby': 'secret-title' });
  const zone = state.site.timezone;
  const when = (iso) => (iso ? h('time', { datetime: iso }, display(Date.parse(iso), zone)) : '—');

  // ---- tokens ----
  const mine = ORDER.indexOf(state.user.role);
  const role = h('select', { name: 'role' },
    h('option', { value: '' }, `صلاحيتي كاملة (${ROLES[state.user.role]})`),
    ORDER.slice(0, Math.max(0, mine)).reverse().map((r) => h('option', { value: r }, `${ROLES[r]} فقط (${r})`)));
  const err = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'new-token', novalidate: true, 'aria-label': 'رمز وصول جديد' },
    field('صلاحية الرمز', role, 'الرمز يعمل بصلاحيتك أو بصلاحية أدنى تختارها'),
    err,
    h('button', { type: 'submit', class: 'primary' }, 'أنشئ رمزاً'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.textContent = '';
    const r = await request('POST', '/api/v1/tokens', { body: role.value ? { role: role.value } : {} });
    if (r.status === 401) return sessionLost();
    if (r.status !== 201) {
      err.textContent = message(r);
      role.focus();
      return;
    }
    showSecret(r.json);
    loadTokens();
  });

  function showSecret(t) {
    const input = h('input', { readonly: true, value: t.token, dir: 'ltr', class: 'token-value', 'aria-describedby': 'secret-warn', spellcheck: 'false' });
    const status = h('span', { role: 'status', class: 'row-state' });
    const hide = () => {
      input.value = '';
      mount(secretBox);
      secretBox.hidden = true;
      form.querySelector('button').focus();
    };
    mount(secretBox,
      h('h3', { id: 'secret-title' }, `الرمز رقم ${t.id} (${ROLES[t.role] || t.role})`),
      h('p', { id: 'secret-warn', class: 'warn' }, 'انسخه الآن واحفظه في مكان آمن: لن يظهر مرة أخرى. يُرسل في الترويسة Authorization: Bearer.'),
      field('الرمز', input),
      h('div', { class: 'actions' },
        h('button', {
          type: 'button',
          onclick: async () => {
            input.select();
            try {
              await navigator.clipboard.writeText(t.token);
              status.textContent = 'نُسخ';
            } catch {
              status.textContent = 'حدّده وانسخه بـ Ctrl+C';
            }
          },
        }, 'انسخ'),
        h('button', { type: 'button', onclick: hide }, 'تم، أخفِه'),
        status));
    secretBox.hidden = false;
    input.focus();
    input.select();
  }

  async function loadTokens() {
    const r = await request('GET', '/api/v1/tokens');
    if (r.status === 401) return sessionLost();
    if (!r.ok) {
      mount(tokensBox, h('p', { class: 'error', role: 'alert' }, message(r)));
      return;
    }
    const list = r.json.tokens;
    if (!list.length) {
      mount(tokensBox, h('p', { class: 'empty' }, 'لا رموز وصول فعّالة.'));
      return;
    }
    mount(tokensBox, h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'جدول رموز الوصول' }, h('table', { class: 'tokens' },
      h('thead', {}, h('tr', {}, ['الرقم', 'الصلاحية', 'أُنشئ', 'آخر استعمال', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, list.map((t) => h('tr', { dataset: { id: t.id } },
        h('th', { scope: 'row' }, `#${t.id}`),
        h('td', {}, ROLES[t.role] || t.role, t.narrowed ? ' (محدودة)' : ''),
        h('td', {}, when(t.created)),
        h('td', {}, t.last_used ? when(t.last_used) : 'لم يُستعمل'),
        h('td', {}, h('button', { type: 'button', class: 'link danger', 'aria-label': `ألغِ الرمز رقم ${t.id}`, onclick: () => revoke(t) }, 'ألغِه'))))))));
  }

  async function revoke(t) {
    if (!window.confirm(`إلغاء الرمز رقم ${t.id}؟ ستتوقف البرامج التي تستعمله فوراً.`)) return;
    const r = await request('DELETE', `/api/v1/tokens/${t.id}`);
    if (r.status === 401) return sessionLost();
    if (!r.ok) {
      toast(message(r), 'error');
      return;
    }
    toast(`أُلغي الرمز رقم ${t.id}`, 'ok');
    await loadTokens();
    form.querySelector('button').focus();
  }

  // ---- sessions ----
  async function loadSessions() {
    const r = await request('GET', '/api/v1/sessions');
    if (r.status === 401) return sessionLost();
    if (!r.ok) {
      mount(sessionsBox, h('p', { class: 'error', role: 'alert' }, message(r)));
      return;
    }
    const list = r.json.sessions;
    const others = list.filter((x) => !x.current);
    mount(sessionsBox,
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'جدول الجلسات' }, h('table', { class: 'sessions' },
        h('thead', {}, h('tr', {}, ['المتصفح', 'العنوان', 'آخر نشاط', 'بدأت', 'تنتهي', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, list.map((x) => h('tr', { dataset: { id: x.id, current: x.current ? '1' : '' } },
          h('th', { scope: 'row' }, h('span', { dir: 'auto' }, browserName(x.user_agent)), x.current ? h('span', { class: 'badge st-published' }, 'هذه الجلسة') : null),
          h('td', { dir: 'ltr' }, x.address || '—'),
          h('td', {}, when(x.last_seen)),
          h('td', {}, when(x.created)),
          h('td', {}, when(x.expires)),
          h('td', {}, x.current ? '' : h('button', { type: 'button', class: 'link danger', 'aria-label': `أنهِ الجلسة في ${browserName(x.user_agent)} (${x.address || ''})`, onclick: () => end([x]) }, 'أنهِها'))))))),
      others.length
        ? h('button', { type: 'button', class: 'danger end-others', onclick: () => end(others, true) }, 'سجّل الخروج من كل الأجهزة الأخرى')
        : h('p', { class: 'hint' }, 'لا جلسات أخرى: أنت مسجّل الدخول هنا فقط.'));
  }

  async function end(list, all = false) {
    if (all && !window.confirm(`إنهاء ${list.length === 1 ? 'الجلسة الأخرى' : `الجلسات الأخرى (${fmtNum(list.length)})`}؟`)) return;
    let failed = 0;
    for (const x of list) {
      const r = await request('DELETE', `/api/v1/sessions/${x.id}`);
      if (r.status === 401) return sessionLost();
      if (!r.ok && r.status !== 404) failed++; // 404: it ended on its own meanwhile
    }
    toast(failed ? 'تعذّر إنهاء بعض الجلسات' : all ? 'سُجّل الخروج من الأجهزة الأخرى' : 'أُنهيت الجلسة', failed ? 'error' : 'ok');
    await loadSessions();
    sessionsBox.querySelector('button, [tabindex]')?.focus();
  }

  mount(el,
    h('h1', {}, 'حسابي'),
    h('p', {}, `${state.user.name} — ${ROLES[state.user.role] || state.user.role}`),
    h('section', { class: 'card', 'aria-labelledby': 'tokens-title' },
      h('h2', { id: 'tokens-title' }, 'رموز الوصول للبرامج (API)'),
      h('p', { class: 'hint' }, 'للسكربتات والبرامج التي تنشر عبر الواجهة البرمجية بدلاً من كلمة مرورك.'),
      tokensBox, form, secretBox),
    h('section', { class: 'card', 'aria-labelledby': 'sessions-title' },
      h('h2', { id: 'sessions-title' }, 'جلساتي'),
      sessionsBox));
  await Promise.all([loadTokens(), loadSessions()]);
  return {};
}

/** "Chromium على Linux" from a User-Agent string; the raw string when nothing matches. */
export function browserName(ua) {
  if (!ua) return 'متصفح غير معروف';
  const b = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chrome/Chromium'
    : /Safari\//.test(ua) ? 'Safari' : /curl|node|python|Go-http/i.test(ua) ? 'برنامج' : null;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : null;
  if (!b) return ua.slice(0, 60);
  return os ? `${b} على ${os}` : b;
}
