// richtext.js — the body editor: a contenteditable region with our own toolbar for the
// blocks and marks the server's sanitizer keeps (p, h2, blockquote, ul/ol/li, a, strong,
// em).  No npm editor: the browser's editing commands do the work, this file keeps their
// output inside that vocabulary.  Whatever it produces, the server sanitizes body_html
// again before storing it, so this is about a clean editing experience, not safety.
//
// Keyboard: the toolbar is one tab stop (arrow keys move inside it, as WAI-ARIA's toolbar
// pattern says); Ctrl+B / Ctrl+I / Ctrl+K (link) work inside the text; Enter starts a new
// paragraph.  Pasted content goes in as plain text, one paragraph per line, so nothing
// foreign (styles, scripts, tracking images) enters the body.

import { h } from './dom.js';

const BUTTONS = [
  { cmd: 'block', arg: 'p', label: 'فقرة', title: 'فقرة عادية', key: null },
  { cmd: 'block', arg: 'h2', label: 'عنوان فرعي', title: 'عنوان فرعي (h2)', key: null },
  { cmd: 'block', arg: 'blockquote', label: 'اقتباس', title: 'اقتباس', key: null },
  { cmd: 'insertUnorderedList', label: 'قائمة نقطية', title: 'قائمة نقطية', key: null },
  { cmd: 'insertOrderedList', label: 'قائمة مرقمة', title: 'قائمة مرقمة', key: null },
  { cmd: 'link', label: 'رابط', title: 'رابط (Ctrl+K)', key: 'k' },
  { cmd: 'bold', label: 'غامق', title: 'غامق (Ctrl+B)', key: 'b' },
  { cmd: 'italic', label: 'مائل', title: 'مائل (Ctrl+I)', key: 'i' },
];

/**
 * The editor: {el (toolbar + region), region, getHTML(), setHTML(html), focus()}.
 * onChange() is called after every edit.
 */
export function richText({ label, onChange }) {
  const region = h('div', {
    class: 'body-editor',
    contenteditable: 'true',
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-label': label,
    dir: 'auto',
    spellcheck: 'true',
  });
  const buttons = BUTTONS.map((b, i) =>
    h('button', {
      type: 'button',
      tabindex: i === 0 ? '0' : '-1',
      title: b.title,
      'aria-label': b.title,
      dataset: { cmd: b.cmd, arg: b.arg || '' },
      onmousedown: (e) => e.preventDefault(), // keep the selection in the text
      onclick: () => run(b),
    }, b.label));
  const toolbar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'تنسيق النص', 'aria-controls': 'body-editor' }, buttons);
  region.id = 'body-editor';

  toolbar.addEventListener('keydown', (e) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    // RTL: the right arrow goes to the previous button, the left arrow to the next.
    const step = { ArrowLeft: 1, ArrowRight: -1, Home: -i, End: buttons.length - 1 - i }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const j = (i + step + buttons.length) % buttons.length;
    buttons[i].tabIndex = -1;
    buttons[j].tabIndex = 0;
    buttons[j].focus();
  });

  function changed() {
    onChange?.();
  }

  function run(b) {
    region.focus();
    document.execCommand('defaultParagraphSeparator', false, 'p');
    if (b.cmd === 'block') {
      const cur = currentBlock();
      // A second press of quote/subheading turns it back into a paragraph.
      const tag = cur && cur.tagName.toLowerCase() === b.arg && b.arg !== 'p' ? 'p' : b.arg;
      document.execCommand('formatBlock', false, tag);
    } else if (b.cmd === 'link') {
      const sel = window.getSelection();
      const existing = closest(sel.anchorNode, 'A');
      const url = window.prompt('عنوان الرابط (https://… أو /مسار في الموقع). اتركه فارغاً لإزالة الرابط:', existing?.getAttribute('href') || 'https://');
      if (url === null) return;
      if (!url.trim() || url.trim() === 'https://') document.execCommand('unlink');
      else if (!/^(https?:\/\/|mailto:|\/|#)/i.test(url.trim())) {
        window.alert('الرابط يجب أن يبدأ بـ https:// أو http:// أو mailto: أو / (مسار في الموقع)');
        return;
      } else if (sel.isCollapsed && !existing) {
        document.execCommand('insertHTML', false, `<a href="${escapeAttr(url.trim())}">${escapeText(url.trim())}</a>`);
      } else {
        document.execCommand('createLink', false, url.trim());
      }
    } else {
      document.execCommand(b.cmd, false, null);
    }
    normalize();
    changed();
    updateState();
  }

  function currentBlock() {
    const sel = window.getSelection();
    let n = sel.anchorNode;
    while (n && n !== region) {
      if (n.nodeType === 1 && /^(P|H2|H3|BLOCKQUOTE|LI|DIV)$/.test(n.tagName)) return n;
      n = n.parentNode;
    }
    return null;
  }

  function closest(node, tag) {
    for (let n = node; n && n !== region; n = n.parentNode) if (n.nodeType === 1 && n.tagName === tag) return n;
    return null;
  }

  /** aria-pressed on the buttons for where the caret is. */
  function updateState() {
    if (!region.contains(window.getSelection().anchorNode)) return;
    const block = currentBlock()?.tagName.toLowerCase();
    for (const btn of buttons) {
      const { cmd, arg } = btn.dataset;
      let on = false;
      if (cmd === 'block') on = block === arg || (arg === 'blockquote' && !!closest(window.getSelection().anchorNode, 'BLOCKQUOTE'));
      else if (cmd === 'bold' || cmd === 'italic' || cmd === 'insertUnorderedList' || cmd === 'insertOrderedList') on = document.queryCommandState(cmd);
      else if (cmd === 'link') on = !!closest(window.getSelection().anchorNode, 'A');
      btn.setAttribute('aria-pressed', on ? 'true' : 'false');
    }
  }

  /**
   * Chromium's list commands can leave a list (and the paragraphs after it) inside a <p>,
   * which HTML does not allow: lift such blocks out, wrapping the inline runs around them
   * in paragraphs of their own.  Nodes are moved, not copied, so the caret is put back.
   */
  function liftBlocks(root) {
    const nested = [...root.querySelectorAll('p')].filter((p) => [...p.children].some((c) => BLOCKS.has(c.tagName)));
    if (!nested.length) return;
    const sel = root === region ? window.getSelection() : null;
    const r = sel && sel.rangeCount ? sel.getRangeAt(0) : null;
    const saved = r ? [r.startContainer, r.startOffset, r.endContainer, r.endOffset] : null;
    for (const p of nested) {
      if (!p.isConnected && root === region) continue;
      const out = [];
      let run = null;
      for (const n of [...p.childNodes]) {
        if (n.nodeType === 1 && BLOCKS.has(n.tagName)) {
          run = null;
          out.push(n);
        } else {
          if (!run) {
            run = document.createElement('p');
            run.dataset.run = '1';
            out.push(run);
          }
          run.append(n);
        }
      }
      p.replaceWith(...out);
    }
    for (const run of root.querySelectorAll('p[data-run]')) {
      run.removeAttribute('data-run');
      if (!run.textContent.trim() && !run.querySelector('img') && !(saved && run.contains(saved[0]))) run.remove();
    }
    if (saved && saved[0].isConnected && saved[2].isConnected) {
      try {
        sel.setBaseAndExtent(saved[0], saved[1], saved[2], saved[3]);
      } catch {
        /* the caret's node changed length: leave the browser's choice */
      }
    }
  }

  /** Keep the region's top level made of blocks: stray text and divs become paragraphs. */
  function normalize(root = region) {
    liftBlocks(root);
    for (const n of [...root.childNodes]) {
      if (n.nodeType === 3 && n.data.trim()) {
        const p = h('p');
        n.replaceWith(p);
        p.append(n);
      } else if (n.nodeType === 1 && n.tagName === 'DIV') {
        const p = h('p');
        p.append(...n.childNodes);
        n.replaceWith(p);
      } else if (n.nodeType === 1 && (n.tagName === 'SPAN' || n.tagName === 'FONT')) {
        n.replaceWith(...n.childNodes);
      }
    }
    for (const s of root.querySelectorAll('span, font')) s.replaceWith(...s.childNodes);
    for (const el of root.querySelectorAll('[style]')) el.removeAttribute('style');
  }

  region.addEventListener('input', (e) => {
    if (e.inputType === 'insertParagraph') liftBlocks(region);
    changed();
  });
  region.addEventListener('keyup', updateState);
  region.addEventListener('mouseup', updateState);
  region.addEventListener('focus', () => {
    document.execCommand('defaultParagraphSeparator', false, 'p');
    if (!region.firstChild) {
      region.append(h('p', {}, h('br')));
    }
  });
  region.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    // Ctrl+B and Ctrl+I are the browser's own (it keeps the typing style right); Ctrl+K is ours.
    const b = BUTTONS.find((x) => x.key === 'k' && x.key === e.key.toLowerCase());
    if (b) {
      e.preventDefault();
      run(b);
    }
  });
  region.addEventListener('paste', (e) => {
    e.preventDefault();
    const text = e.clipboardData.getData('text/plain');
    const paras = text.split(/\r?\n\s*\r?\n|\r?\n/).map((s) => s.trim()).filter(Boolean);
    if (paras.length <= 1) document.execCommand('insertText', false, paras[0] || '');
    else document.execCommand('insertHTML', false, paras.map((p) => `<p>${escapeText(p)}</p>`).join(''));
    normalize();
    changed();
  });
  region.addEventListener('drop', (e) => e.preventDefault()); // no dragged-in markup or files

  return {
    el: h('div', { class: 'rich' }, toolbar, region),
    region,
    getHTML() {
      const clone = region.cloneNode(true); // the live region is left alone: the caret stays
      normalize(clone);
      // The editing commands write &nbsp; where a space meets a tag; between words it is an
      // ordinary space (a real one keeps lines breaking and search tokenizing as expected).
      const walker = document.createTreeWalker(clone, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        if (!t.data.includes('\u00a0')) continue;
        const before = t.previousSibling ? 'x' : '';
        const after = t.nextSibling ? 'x' : '';
        const s = before + t.data + after;
        let out = '';
        for (let i = before.length; i < s.length - after.length; i++) {
          const c = s[i];
          out += c === '\u00a0' && i > 0 && i < s.length - 1 && !/\s/.test(s[i - 1]) && !/\s/.test(s[i + 1]) ? ' ' : c;
        }
        t.data = out;
      }
      // Empty paragraphs (an Enter too many) are not content.
      for (const p of clone.querySelectorAll('p, h2, h3, blockquote, li')) {
        if (!p.textContent.trim() && !p.querySelector('img')) p.remove();
      }
      return clone.innerHTML.replace(/<br>(?=<\/(p|h2|h3|li|blockquote)>)/g, '');
    },
    setHTML(html) {
      // Usually the server's sanitized body_html; a restored local copy is not, so it is
      // cleaned the same way before it touches the live document.
      region.replaceChildren(clean(html || ''));
    },
    text() {
      return region.textContent;
    },
  };
}

const BLOCKS = new Set(['P', 'UL', 'OL', 'H2', 'H3', 'BLOCKQUOTE', 'FIGURE', 'DIV']);
const KEEP = new Set(['P', 'H2', 'H3', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'A', 'STRONG', 'EM', 'B', 'I', 'BR', 'FIGURE', 'IMG', 'FIGCAPTION']);
const DROP = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'TEMPLATE', 'FORM', 'INPUT',
  'BUTTON', 'TEXTAREA', 'SELECT', 'META', 'LINK', 'BASE', 'NOSCRIPT', 'FRAME', 'FRAMESET', 'AUDIO', 'VIDEO', 'SOURCE']);
const URL_OK = /^(https?:|mailto:|\/|#)/i;

/**
 * The body's allowlist in the browser (a subset of lib/text/sanitize.c's rules): parsed in
 * an inert <template> (nothing loads or runs there), unknown elements unwrapped, dangerous
 * ones dropped with their content, only href on links and src/alt on images, and only
 * http(s)/mailto/site URLs.  Returns a fragment for the live editor.
 */
export function clean(html) {
  const t = document.createElement('template');
  t.innerHTML = String(html);
  const walk = (node) => {
    for (const el of [...node.children]) {
      if (DROP.has(el.tagName)) {
        el.remove();
        continue;
      }
      walk(el);
      if (!KEEP.has(el.tagName)) {
        el.replaceWith(...el.childNodes);
        continue;
      }
      for (const a of [...el.attributes]) {
        const ok = (el.tagName === 'A' && a.name === 'href') || (el.tagName === 'IMG' && (a.name === 'src' || a.name === 'alt'));
        // Browsers ignore controls and spaces inside a scheme: judge the URL as they read it.
        if (!ok || ((a.name === 'href' || a.name === 'src') && !URL_OK.test(a.value.replace(/[\u0000-\u0020]/g, '')))) el.removeAttribute(a.name);
      }
    }
  };
  walk(t.content);
  return t.content;
}

function escapeText(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttr(s) {
  return escapeText(s).replace(/"/g, '&quot;');
}
