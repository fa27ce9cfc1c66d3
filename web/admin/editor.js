// editor.js — writing and editing one article: the fields of product.md's article, the
// photo (uploaded to /api/v1/media), the body (richtext.js), a live preview of the public
// page (a sandboxed iframe styled by the site's own CSS: no script can run in it), the
// reading time as you type (readtime.js), the schedule in the newsroom's time zone
// (tz.js), the workflow buttons the role allows, revisions with their diff and restore,
// the 409 of a concurrent edit shown field by field, and autosave.
//
// Autosave: every change is copied at once to localStorage (so a closed tab, a crash or a
// dropped connection loses nothing), and drafts and articles in review are saved to the
// server AUTOSAVE_MS after the last change.  Scheduled and published articles are saved
// only when the editor says so (Ctrl+S or the button): an autosave must never publish
// half a sentence.  Saves the editor asks for carry "explicit_save": true and make a
// revision each; the server coalesces a run of autosaves into one.  When the server is unreachable the local copy waits and is sent when
// the browser is back online; on opening an article with a newer local copy, the editor is
// offered to restore it.

import { message, request } from './api.js';
import { FIELDS, STATUS, badge, field, h, mount, toast } from './dom.js';
import { canPublish, isStaff, sessionLost, state } from './app.js';
import { countWords, countWordsNode, label as readLabel, minutes } from './readtime.js';
import { display, instantToWall, isoUtc, wallToInstant } from './tz.js';
import { richText } from './richtext.js';
import { fmtNum } from './num.js';

const AUTOSAVE_MS = 3000;
const PREVIEW_MS = 250;

export async function editorView(el, id) {
  let article = null;
  if (id) {
    const r = await request('GET', `/api/v1/articles/${id}`);
    if (r.status === 401) return sessionLost();
    if (!r.ok) {
      mount(el, h('p', { class: 'error', role: 'alert' }, r.status === 404 ? 'المقال غير موجود أو لا تملك صلاحية رؤيته' : message(r)));
      return {};
    }
    article = r.json;
  }
  const ed = new Editor(el, article);
  return ed;
}

class Editor {
  constructor(el, article) {
    this.el = el;
    this.article = article;
    this.photo = article?.image ? { ...article.image } : null;
    this.saving = null;
    this.timer = null;
    this.previewTimer = null;
    this.lastSaved = null;
    this.build();
    this.fill(article);
    this.lastSaved = this.snapshot();
    this.offerLocalCopy();
    this.onKey = (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
        e.preventDefault();
        this.save();
      }
    };
    this.onOnline = () => {
      if (this.dirty()) this.save({ quiet: true });
    };
    document.addEventListener('keydown', this.onKey);
    window.addEventListener('online', this.onOnline);
    state.leave = (unloading) => {
      if (!this.dirty()) return true;
      this.keepLocal();
      if (!unloading && this.autosaves()) this.save({ quiet: true });
      return !unloading; // leaving the page with unsaved work: let the browser ask
    };
  }

  destroy() {
    document.removeEventListener('keydown', this.onKey);
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.timer);
    clearTimeout(this.previewTimer);
  }

  // ---- building -------------------------------------------------------------------------

  build() {
    const i = (attrs) => h('input', { dir: 'auto', ...attrs });
    this.f = {
      headline: i({ name: 'headline', required: true, maxlength: 300, class: 'headline-input' }),
      lede: h('textarea', { name: 'lede', rows: 2, dir: 'auto', maxlength: 1000 }),
      section: h('select', { name: 'section', required: true },
        h('option', { value: '' }, '— اختر القسم —'),
        state.sections.map((s) => h('option', { value: s.slug }, s.name))),
      tags: i({ name: 'tags' }),
      byline: i({ name: 'byline' }),
      source: i({ name: 'source' }),
      schedule: h('input', { name: 'schedule', type: 'datetime-local', step: 1 }),
    };
    this.rich = richText({ label: 'نص المقال', onChange: () => this.changed() });
    for (const k of ['headline', 'lede', 'tags', 'byline', 'source']) this.f[k].addEventListener('input', () => this.changed());
    this.f.section.addEventListener('change', () => this.changed());

    // Photo
    this.file = h('input', { type: 'file', name: 'photo', accept: 'image/jpeg,image/png,image/webp' });
    this.file.addEventListener('change', () => this.upload());
    this.pf = {
      alt: i({ name: 'alt' }),
      caption: i({ name: 'caption' }),
      credit: i({ name: 'credit' }),
      copyright: i({ name: 'copyright' }),
    };
    for (const [k, c] of Object.entries(this.pf)) {
      c.addEventListener('input', () => {
        if (this.photo) this.photo[k] = c.value;
        this.changed();
      });
    }
    this.thumb = h('div', { class: 'thumb' });
    this.uploadState = h('p', { class: 'upload-state', role: 'status' });
    const photoBox = h('fieldset', { class: 'photo' },
      h('legend', {}, 'الصورة'),
      field('رفع صورة (JPEG أو PNG أو WebP)', this.file),
      this.pickButton = h('button', { type: 'button', onclick: () => this.pickFromLibrary() }, 'أو اختر صورة من المكتبة'),
      this.uploadState,
      this.thumb,
      field('النص البديل (وصف الصورة لمن لا يراها)', this.pf.alt),
      field('تعليق الصورة', this.pf.caption),
      field('مصدر الصورة', this.pf.credit, 'مثال: وكالة الأنباء'),
      field('حقوق الصورة', this.pf.copyright),
      h('button', { type: 'button', class: 'link danger', onclick: () => this.removePhoto() }, 'إزالة الصورة من المقال'));

    // Status line
    this.badge = h('span', { class: 'status' });
    this.saveState = h('span', { class: 'save-state', role: 'status', 'aria-live': 'polite' });
    this.readtime = h('span', { class: 'readtime', 'aria-live': 'off' });
    this.banner = h('div', { class: 'banner', hidden: true });
    this.conflict = h('section', { class: 'conflict', hidden: true, role: 'alert', 'aria-labelledby': 'conflict-title' });
    this.errorBox = h('p', { class: 'error', role: 'alert', hidden: true });

    // Workflow
    this.actions = h('div', { class: 'actions' });
    this.zoneNote = h('small', { class: 'hint', id: 'schedule-hint' });
    this.f.schedule.setAttribute('aria-describedby', 'schedule-hint');
    this.f.schedule.id = 'f-schedule';
    const publishing = h('fieldset', { class: 'publishing' },
      h('legend', {}, 'النشر'),
      h('div', { class: 'field' }, h('label', { for: 'f-schedule' }, 'موعد النشر'), this.f.schedule, this.zoneNote),
      this.actions);

    // Revisions
    this.revList = h('div', { class: 'revisions-body' });
    this.revisions = h('details', { class: 'revisions' }, h('summary', {}, 'المراجعات السابقة'), this.revList);
    this.revisions.addEventListener('toggle', () => {
      if (this.revisions.open) this.loadRevisions();
    });

    // Preview
    this.frame = h('iframe', { class: 'preview-frame', title: 'معاينة الصفحة العامة', sandbox: 'allow-same-origin' });
    const preview = h('aside', { class: 'preview', 'aria-labelledby': 'preview-title' },
      h('h2', { id: 'preview-title' }, 'معاينة الصفحة العامة'),
      this.frame);

    const form = h('form', { class: 'editor', 'aria-labelledby': 'ed-title', novalidate: true },
      h('div', { class: 'ed-head' },
        h('h1', { id: 'ed-title' }, this.article ? 'تحرير مقال' : 'مقال جديد'),
        this.badge, this.readtime, this.saveState),
      this.banner,
      this.conflict,
      this.errorBox,
      field('العنوان', this.f.headline),
      field('الموجز', this.f.lede, 'جملة أو جملتان تلخّصان الخبر'),
      h('div', { class: 'row' },
        field('القسم', this.f.section),
        field('الوسوم', this.f.tags, 'افصل بينها بفاصلة')),
      h('div', { class: 'row' },
        field('اسم الكاتب', this.f.byline),
        field('المصدر', this.f.source, 'مثال: خبر - وكالات')),
      photoBox,
      h('div', { class: 'field' }, h('span', { class: 'label', id: 'body-label' }, 'نص المقال'), this.rich.el),
      publishing,
      this.revisions);
    this.rich.region.setAttribute('aria-labelledby', 'body-label');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.save();
    });
    this.form = form;
    mount(this.el, h('div', { class: 'editor-layout' }, form, preview));
    this.frame.srcdoc = '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
      + '<link rel="stylesheet" href="/static/site.css"></head><body class="page-article"><main id="main"></main></body></html>';
    this.frame.addEventListener('load', () => this.renderPreview());
  }

  fill(a) {
    this.f.headline.value = a?.headline || '';
    this.f.lede.value = a?.lede || '';
    this.f.section.value = a?.section?.slug || (state.sections.length === 1 ? state.sections[0].slug : '');
    this.f.tags.value = (a?.tags || []).join('، ');
    this.f.byline.value = a?.byline || '';
    this.f.source.value = a?.source || '';
    this.photo = a?.image ? { ...a.image } : null;
    this.showPhoto();
    this.rich.setHTML(a?.body_html || '');
    const zone = state.site.timezone;
    this.zoneNote.textContent = `بتوقيت غرفة الأخبار (${zone})`;
    const pub = a?.published ? Date.parse(a.published) : NaN;
    this.f.schedule.value = Number.isFinite(pub) && (a.status === 'scheduled' || pub > Date.now()) ? instantToWall(pub, zone) : '';
    this.refresh();
  }

  showPhoto() {
    const p = this.photo;
    for (const [k, c] of Object.entries(this.pf)) c.value = p?.[k] || '';
    if (p?.src) {
      mount(this.thumb, h('img', { src: p.src, alt: p.alt || '', width: p.width || null, height: p.height || null }));
    } else {
      mount(this.thumb);
    }
  }

  // ---- state ----------------------------------------------------------------------------

  /** What the form says, as the API's article JSON (without status/published). */
  collect() {
    const sec = state.sections.find((s) => s.slug === this.f.section.value);
    const text = (c) => c.value.trim() || null;
    const tags = this.f.tags.value.split(/[,،]/).map((t) => t.trim()).filter(Boolean);
    let image = null;
    if (this.photo?.src) {
      image = { src: this.photo.src };
      for (const k of ['alt', 'caption', 'credit', 'copyright']) image[k] = this.pf[k].value.trim() || null;
    }
    return {
      headline: this.f.headline.value.trim(),
      lede: text(this.f.lede),
      section: sec ? { slug: sec.slug, name: sec.name } : null,
      tags,
      byline: text(this.f.byline),
      source: text(this.f.source),
      image,
      body_html: this.rich.getHTML(),
    };
  }

  snapshot() {
    return JSON.stringify(this.collect());
  }

  dirty() {
    return this.snapshot() !== this.lastSaved;
  }

  /** Drafts and articles in review are saved by themselves; live ones only on request. */
  autosaves() {
    const st = this.article?.status || 'draft';
    if (st !== 'draft' && st !== 'review') return false;
    if (this.article) return true;
    const d = this.collect();
    return !!(d.headline && d.section && d.body_html); // a new article needs these to exist
  }

  localKey() {
    return `khabar:draft:${state.user.id}:${this.article?.id ?? 'new'}`;
  }

  keepLocal() {
    try {
      localStorage.setItem(this.localKey(), JSON.stringify({ at: Date.now(), version: this.article?.version ?? 0, data: this.collect() }));
    } catch {
      /* storage full or refused: the server copy is all there is */
    }
  }

  dropLocal(key = this.localKey()) {
    try {
      localStorage.removeItem(key);
    } catch {
      /* nothing to drop */
    }
  }

  offerLocalCopy() {
    let copy = null;
    try {
      copy = JSON.parse(localStorage.getItem(this.localKey()) || 'null');
    } catch {
      copy = null;
    }
    if (!copy?.data || JSON.stringify(copy.data) === this.lastSaved) return;
    const when = display(copy.at, state.site.timezone);
    const stale = this.article && copy.version !== this.article.version;
    mount(this.banner,
      h('p', {}, `لديك نسخة محلية لم تُحفظ على الخادم (${when}).`,
        stale ? ' عُدّل المقال على الخادم بعدها؛ إن استعدتها وحفظت فسترى ما تغيّر.' : ''),
      h('button', {
        type: 'button',
        class: 'primary',
        onclick: () => {
          this.applyData(copy.data);
          this.banner.hidden = true;
          this.changed();
        },
      }, 'استعد النسخة المحلية'),
      h('button', {
        type: 'button',
        onclick: () => {
          this.dropLocal();
          this.banner.hidden = true;
        },
      }, 'تجاهلها'));
    this.banner.hidden = false;
  }

  applyData(d) {
    const keep = { ...(this.article || {}), ...d };
    const status = this.article?.status;
    const published = this.article?.published;
    this.fill({ ...keep, status, published });
  }

  changed() {
    this.keepLocal();
    this.refreshCounts();
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => this.renderPreview(), PREVIEW_MS);
    clearTimeout(this.timer);
    if (this.dirty()) {
      this.saveState.textContent = this.autosaves() ? 'تعديلات غير محفوظة…' : 'تعديلات غير محفوظة (اضغط حفظ أو Ctrl+S)';
      if (this.autosaves()) this.timer = setTimeout(() => this.save({ quiet: true }), AUTOSAVE_MS);
    }
  }

  refreshCounts() {
    const words = countWords(this.f.lede.value) + countWordsNode(this.rich.region);
    const lang = this.article?.language || state.site.language || 'ar';
    this.readtime.textContent = `${readLabel(minutes(words, lang), lang)} · ${wordsCount(words)}`;
    this.readtime.dataset.words = String(words);
  }

  refresh() {
    const a = this.article;
    const st = a?.status || 'draft';
    const dup = a?.duplicate_of;
    mount(this.badge, badge(st), dup
      ? h('a', { class: 'dup', href: `#/articles/${dup.id ?? dup}`, title: `يشبه إلى حد كبير: ${dup.headline || ''}` }, 'مكرر محتمل')
      : null);
    this.refreshCounts();
    this.renderActions();
    this.renderPreview();
  }

  renderActions() {
    const a = this.article;
    const st = a?.status || 'draft';
    const authorId = a?.author?.id ?? state.user.id;
    const pub = canPublish(authorId);
    const btn = (text, onclick, cls = '') => h('button', { type: 'button', class: cls, onclick }, text);
    const list = [h('button', { type: 'submit', class: 'primary', title: 'Ctrl+S' }, 'حفظ')];
    if (st === 'draft') list.push(btn('أرسل للمراجعة', () => this.save({ status: 'review' })));
    if (st === 'review') list.push(btn('أعِده إلى المسودات', () => this.save({ status: 'draft' })));
    if (pub) {
      if (st !== 'published') {
        list.push(btn('انشر الآن', () => this.save({ status: 'published', published: st === 'unpublished' && a?.published && Date.parse(a.published) <= Date.now() ? undefined : isoUtc(Date.now()) }), 'publish'));
        list.push(btn(st === 'scheduled' ? 'غيّر موعد النشر' : 'جدولة', () => this.schedule(), 'schedule'));
      }
      if (st === 'scheduled') list.push(btn('ألغِ الجدولة', () => this.save({ status: 'draft' })));
      if (st === 'published') list.push(btn('ألغِ النشر', () => this.save({ status: 'unpublished' }), 'danger'));
    }
    if (a && (isStaff() || a.author?.id === state.user.id)) list.push(btn('انقل إلى سلة المحذوفات', () => this.trash(), 'link danger'));
    if (a?.status === 'published' && a.url) list.push(h('a', { href: a.url, target: '_blank', rel: 'noopener' }, 'اعرضه على الموقع'));
    this.f.schedule.disabled = !pub;
    if (!pub) this.zoneNote.textContent = 'النشر والجدولة للمحررين';
    else this.zoneNote.textContent = `بتوقيت غرفة الأخبار (${state.site.timezone})`;
    mount(this.actions, list);
  }

  schedule() {
    const v = this.f.schedule.value;
    const t = wallToInstant(v, state.site.timezone);
    if (!Number.isFinite(t)) {
      this.showError('اختر موعد النشر أولاً', this.f.schedule);
      return;
    }
    if (t <= Date.now()) {
      this.showError('موعد النشر المجدول يجب أن يكون في المستقبل', this.f.schedule);
      return;
    }
    this.save({ status: 'scheduled', published: isoUtc(t) });
  }

  showError(text, control) {
    this.errorBox.textContent = text;
    this.errorBox.hidden = !text;
    for (const c of this.form.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.focus();
    }
  }

  controlFor(fieldName) {
    const f = String(fieldName || '');
    if (f.startsWith('image.')) return this.pf[f.slice(6)] || this.file;
    if (f.startsWith('section')) return this.f.section;
    if (f === 'body_html') return this.rich.region;
    if (f === 'published') return this.f.schedule;
    return this.f[f] || null;
  }

  // ---- saving ---------------------------------------------------------------------------

  /** Save to the server; `change` adds status/published.  Serialized: one at a time. */
  async save(change = {}) {
    if (this.saving) {
      await this.saving;
      if (!change.status && !this.dirty()) return;
    }
    this.saving = this.doSave(change).finally(() => {
      this.saving = null;
    });
    return this.saving;
  }

  async doSave({ status, published, quiet, force } = {}) {
    clearTimeout(this.timer);
    const data = this.collect();
    const snap = JSON.stringify(data);
    const body = { ...data };
    if (status) body.status = status;
    if (published !== undefined) body.published = published;
    if (!this.article && !status) body.status = 'draft';
    this.saveState.textContent = 'جارٍ الحفظ…';
    let r;
    if (!this.article) {
      r = await request('POST', '/api/v1/articles', { body });
    } else {
      const version = force ?? this.article.version;
      // The Save button, Ctrl+S, the workflow buttons and "save mine over theirs" are explicit
      // saves: each is its own revision.  Autosaves (quiet) say nothing, so the server folds
      // an editor's run of them into one open revision (docs/newsroom.md).
      if (!quiet || status) body.explicit_save = true;
      r = await request('PATCH', `/api/v1/articles/${this.article.id}`, { body, headers: { 'If-Match': `"v${version}"` } });
    }
    if (r.status === 200 || r.status === 201) {
      const wasNew = !this.article;
      if (wasNew) this.dropLocal();
      this.article = r.json;
      this.lastSaved = snap;
      if (this.snapshot() === snap) this.dropLocal();
      else this.keepLocal();
      if (wasNew) history.replaceState(null, '', `#/articles/${this.article.id}`);
      this.conflict.hidden = true;
      this.showError('');
      this.banner.hidden = true;
      const t = display(Date.now(), state.site.timezone);
      this.saveState.textContent = status ? `${STATUS[this.article.status]} — حُفظ ${t}` : `حُفظ ${t}`;
      this.refresh();
      if (this.revisions.open) this.loadRevisions();
      this.syncMedia();
      if (!quiet || status) toast(status ? `الحالة الآن: ${STATUS[this.article.status]}` : 'حُفظ المقال', 'ok');
      return true;
    }
    this.keepLocal();
    if (r.status === 0) {
      this.saveState.textContent = 'غير متصل — حُفظت نسخة على هذا الجهاز وستُرسل عند عودة الاتصال';
      return false;
    }
    if (r.status === 401) {
      this.saveState.textContent = 'انتهت الجلسة — نسختك محفوظة على هذا الجهاز';
      sessionLost();
      return false;
    }
    if (r.status === 409 && r.json?.article) {
      this.saveState.textContent = 'لم يُحفظ: تعارض مع تعديل آخر';
      await this.showConflict(r.json);
      return false;
    }
    this.saveState.textContent = 'لم يُحفظ';
    if (quiet && !status && r.status === 422) {
      // An autosave of something half-written: say so quietly, keep the local copy.
      this.saveState.textContent = `لم يُحفظ بعد: ${message(r)}`;
      return false;
    }
    this.showError(message(r), this.controlFor(r.json?.error?.field));
    return false;
  }

  /** The 409: what changed since this editor opened the article, theirs beside mine. */
  async showConflict(j) {
    const theirs = j.article;
    const mine = this.collect();
    let who = null;
    const rv = await request('GET', `/api/v1/articles/${theirs.id}/revisions`);
    if (rv.ok && rv.json.revisions?.length) who = rv.json.revisions[0];
    const show = (k, v) => {
      if (v === null || v === undefined || v === '') return '—';
      if (k === 'section') return v.name || v.slug || '';
      if (k === 'tags') return v.join('، ');
      if (k === 'image') return [v.src, v.caption, v.credit].filter(Boolean).join(' / ');
      if (k === 'body_html') return textOf(v);
      if (k === 'published') return display(Date.parse(v), state.site.timezone);
      if (k === 'status') return STATUS[v] || v;
      return String(v);
    };
    const rows = (j.changed || []).map((k) => h('tr', { dataset: { field: k } },
      h('th', { scope: 'row' }, FIELDS[k] || k),
      h('td', { class: 'theirs' }, show(k, theirs[k])),
      h('td', { class: 'mine' }, k in mine ? show(k, mine[k]) : '—')));
    mount(this.conflict,
      h('h2', { id: 'conflict-title' }, 'لم يُحفظ: عدّل شخص آخر هذا المقال بعد أن فتحته'),
      h('p', {}, who ? `آخر تعديل: ${who.user || 'النظام'} — ${display(Date.parse(who.created), state.site.timezone)}. ` : '',
        `ما تغيّر: ${(j.changed || []).map((k) => FIELDS[k] || k).join('، ') || '—'}`),
      h('table', { class: 'conflict-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'الحقل'), h('th', { scope: 'col' }, 'نسختهم (المحفوظة)'), h('th', { scope: 'col' }, 'نسختك'))),
        h('tbody', {}, rows)),
      h('div', { class: 'actions' },
        h('button', {
          type: 'button',
          onclick: () => {
            this.article = theirs;
            this.fill(theirs);
            this.lastSaved = this.snapshot();
            this.dropLocal();
            this.conflict.hidden = true;
            this.saveState.textContent = 'فُتحت النسخة المحفوظة';
          },
        }, 'خذ نسختهم (تُهمل تعديلاتي)'),
        h('button', {
          type: 'button',
          class: 'danger',
          onclick: () => this.save({ force: theirs.version }),
        }, 'احفظ نسختي فوقها')));
    this.conflict.hidden = false;
    this.conflict.scrollIntoView({ block: 'nearest' });
  }

  async trash() {
    if (!window.confirm('نقل المقال إلى سلة المحذوفات؟ يمكن استعادته لاحقاً.')) return;
    const r = await request('DELETE', `/api/v1/articles/${this.article.id}`);
    if (!r.ok) {
      this.showError(message(r));
      return;
    }
    this.dropLocal();
    this.lastSaved = this.snapshot();
    toast('نُقل المقال إلى سلة المحذوفات', 'ok');
    location.hash = '#/articles';
  }

  // ---- photo ----------------------------------------------------------------------------

  async upload() {
    const file = this.file.files?.[0];
    if (!file) return;
    this.uploadState.textContent = `جارٍ رفع ${file.name}…`;
    const query = {};
    for (const k of ['alt', 'caption', 'credit', 'copyright']) query[k] = this.pf[k].value.trim();
    const r = await request('POST', '/api/v1/media', {
      raw: await file.arrayBuffer(),
      headers: { 'Content-Type': file.type || 'application/octet-stream' },
      query,
    });
    if (r.status !== 201 && r.status !== 200) { // 200: the same bytes were uploaded before
      this.uploadState.textContent = r.status === 501 ? 'رفع الصور غير متاح على هذا الخادم بعد' : `لم تُرفع الصورة: ${message(r)}`;
      this.uploadState.className = 'upload-state error';
      return;
    }
    const m = r.json;
    this.mediaText = { alt: m.alt || '', caption: m.caption || '', credit: m.credit || '', copyright: m.copyright || '' };
    this.photo = {
      id: m.id,
      src: m.src,
      width: m.width,
      height: m.height,
      alt: m.alt ?? query.alt,
      caption: m.caption ?? query.caption,
      credit: m.credit ?? query.credit,
      copyright: m.copyright ?? query.copyright,
    };
    this.uploadState.className = 'upload-state ok';
    this.uploadState.textContent = `رُفعت الصورة (${fmtNum(m.width)}×${fmtNum(m.height)})`;
    this.showPhoto();
    this.changed();
  }

  /** A photo from the media library (media.js's modal picker): its text comes with it and
   * stays editable here, like an upload's. */
  async pickFromLibrary() {
    const { pickPhoto } = await import('./media.js');
    const m = await pickPhoto();
    if (!m) {
      this.pickButton.focus();
      return;
    }
    this.mediaText = { alt: m.alt || '', caption: m.caption || '', credit: m.credit || '', copyright: m.copyright || '' };
    this.photo = { id: m.id, src: m.src, width: m.width, height: m.height, ...this.mediaText };
    this.file.value = '';
    this.uploadState.className = 'upload-state ok';
    this.uploadState.textContent = `اختيرت الصورة من المكتبة (${fmtNum(m.width)}×${fmtNum(m.height)})`;
    this.showPhoto();
    this.changed();
    this.pf.alt.focus();
  }

  /** Keep the media library's text in step with what the article says about its photo
   * (best effort: the article's copy is what the page shows). */
  async syncMedia() {
    const p = this.photo;
    if (!p?.id || !this.mediaText) return;
    const now = {};
    for (const k of ['alt', 'caption', 'credit', 'copyright']) now[k] = this.pf[k].value.trim();
    const change = Object.fromEntries(Object.entries(now).filter(([k, v]) => v !== this.mediaText[k]));
    if (!Object.keys(change).length) return;
    const r = await request('PATCH', `/api/v1/media/${p.id}`, { body: change });
    if (r.ok) Object.assign(this.mediaText, change);
  }

  removePhoto() {
    this.photo = null;
    this.file.value = '';
    this.uploadState.textContent = '';
    this.showPhoto();
    this.changed();
  }

  // ---- preview --------------------------------------------------------------------------

  renderPreview() {
    const doc = this.frame.contentDocument;
    const main = doc?.getElementById('main');
    if (!main) return;
    const d = this.collect();
    const e = (tag, attrs = {}, ...kids) => {
      const el = doc.createElement(tag);
      for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, v);
      for (const k of kids) if (k !== null && k !== undefined) el.append(k);
      return el;
    };
    const lang = this.article?.language || state.site.language || 'ar';
    const words = Number(this.readtime.dataset.words || 0);
    const kicker = e('p', { class: 'kicker' },
      d.section ? e('a', { href: `/${d.section.slug}/` }, d.section.name) : null, ' ',
      e('span', { class: 'reading-time' }, readLabel(minutes(words, lang), lang)));
    const head = e('header', {}, kicker, e('h1', {}, d.headline || 'العنوان'), d.lede ? e('p', { class: 'lede' }, d.lede) : null);
    let fig = null;
    if (d.image?.src) {
      const cap = d.image.caption || d.image.credit || d.image.copyright
        ? e('figcaption', {}, d.image.caption || '',
          d.image.credit || d.image.copyright
            ? e('span', { class: 'credit' }, ` صورة: ${[d.image.credit, d.image.copyright].filter(Boolean).join(' / ')}`)
            : null)
        : null;
      fig = e('figure', {}, e('img', { src: d.image.src, alt: d.image.alt || d.headline }), cap);
    }
    const pub = this.article?.published ? Date.parse(this.article.published) : Date.now();
    const meta = e('p', { class: 'meta' },
      d.byline ? e('span', { class: 'byline' }, `بقلم ${d.byline}`) : null, ' ',
      e('time', {}, display(pub, state.site.timezone)));
    const body = e('div', { class: 'body' });
    body.innerHTML = d.body_html; // inside a sandbox without scripts; the server sanitizes on save
    const source = d.source ? e('p', { class: 'source' }, `مصدر: ${d.source}`) : null;
    const tags = d.tags.length ? e('ul', { class: 'tags' }, ...d.tags.map((t) => e('li', {}, e('a', {}, t)))) : null;
    main.replaceChildren(e('article', {}, head, fig, meta, body, source, tags));
  }

  // ---- revisions ------------------------------------------------------------------------

  async loadRevisions() {
    if (!this.article) {
      mount(this.revList, h('p', {}, 'احفظ المقال أولاً.'));
      return;
    }
    const r = await request('GET', `/api/v1/articles/${this.article.id}/revisions`);
    if (!r.ok) {
      mount(this.revList, h('p', { class: 'error' }, message(r)));
      return;
    }
    const zone = state.site.timezone;
    this.diffBox = h('div', { class: 'diff', 'aria-live': 'polite' });
    mount(this.revList,
      h('ol', { class: 'rev-list' }, r.json.revisions.map((v) => h('li', { dataset: { number: v.number } },
        h('span', {}, `#${fmtNum(v.number)} — ${v.user || 'النظام'} — `, h('time', { datetime: v.created }, display(Date.parse(v.created), zone))),
        h('span', { class: 'changed' }, (v.changed || []).map((k) => FIELDS[k] || k).join('، ')),
        h('button', { type: 'button', class: 'link', onclick: () => this.showDiff(v.number) }, 'الفرق مع الحالي'),
        h('button', { type: 'button', class: 'link', onclick: () => this.restore(v.number) }, 'استعد هذه')))),
      this.diffBox);
  }

  async showDiff(n) {
    const r = await request('GET', `/api/v1/articles/${this.article.id}/revisions/${n}/diff`);
    if (!r.ok) {
      mount(this.diffBox, h('p', { class: 'error' }, message(r)));
      return;
    }
    const d = r.json;
    const fields = (d.fields || []).filter((f) => f.field !== 'body_html');
    mount(this.diffBox,
      h('h3', {}, `من المراجعة #${fmtNum(n)} إلى النسخة الحالية`),
      d.changed?.length ? null : h('p', {}, 'لا فرق.'),
      fields.length
        ? h('table', { class: 'diff-fields' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'الحقل'), h('th', { scope: 'col' }, 'كان'), h('th', { scope: 'col' }, 'صار'))),
          h('tbody', {}, fields.map((f) => h('tr', {},
            h('th', { scope: 'row' }, FIELDS[f.field] || f.field),
            h('td', { class: 'del' }, valueText(f.from)),
            h('td', { class: 'add' }, valueText(f.to))))))
        : null,
      d.body?.some((o) => o.op !== 'same')
        ? h('div', { class: 'diff-body' }, d.body.map((o) => {
          const t = textOf(o.html);
          if (o.op === 'del') return h('del', {}, t);
          if (o.op === 'add') return h('ins', {}, t);
          return h('p', { class: 'same' }, t);
        }))
        : null);
  }

  async restore(n) {
    if (this.dirty() && !window.confirm('لديك تعديلات غير محفوظة ستُستبدل. متابعة؟')) return;
    const r = await request('POST', `/api/v1/articles/${this.article.id}/revisions/${n}/restore`);
    if (!r.ok) {
      this.showError(message(r));
      return;
    }
    this.article = r.json;
    this.fill(r.json);
    this.lastSaved = this.snapshot();
    this.dropLocal();
    toast(`استُعيدت المراجعة #${fmtNum(n)}`, 'ok');
    this.loadRevisions();
  }
}

/** "كلمة واحدة", "كلمتان", "3 كلمات", "11 كلمة", "100 كلمة" in the site's digits. */
function wordsCount(n) {
  if (n === 0) return 'لا كلمات';
  if (n === 1) return 'كلمة واحدة';
  if (n === 2) return 'كلمتان';
  const r = n % 100;
  return r >= 3 && r <= 10 ? `${fmtNum(n)} كلمات` : `${fmtNum(n)} كلمة`;
}

/** The text of an HTML fragment, read in an inert template (nothing loads or runs). */
function textOf(html) {
  const t = document.createElement('template');
  t.innerHTML = String(html ?? '');
  for (const b of t.content.querySelectorAll('p, h2, h3, li, blockquote')) b.append(' ');
  return t.content.textContent.replace(/\s+/g, ' ').trim();
}

function valueText(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.join('، ');
  if (typeof v === 'object') return v.name || v.src || JSON.stringify(v);
  return String(v);
}
