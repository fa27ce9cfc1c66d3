// html.mjs — just enough DOM for the tests: parse a page with parse5 (the HTML5 parsing
// algorithm, as a browser would) and query it with simple CSS selectors.
//
// Selectors supported: compound selectors made of a tag name or `*`, `#id`, `.class`
// (any number), `[attr]`, `[attr="value"]`, `[attr^="value"]`, joined by the descendant
// combinator (space) or the child combinator (`>`); a comma separates alternatives.  That
// is all these suites need; anything else throws, so a typo never matches silently.

import { parse } from 'parse5';

/** Parse a whole document. */
export function parseHtml(text) {
  return parse(text);
}

const isElement = (n) => n && typeof n.tagName === 'string';

/** The value of attribute `name` of element `el`, or null. */
export function attr(el, name) {
  const a = el.attrs?.find((x) => x.name === name);
  return a ? a.value : null;
}

function classes(el) {
  return (attr(el, 'class') || '').split(/\s+/).filter(Boolean);
}

/** Text content, whitespace collapsed and trimmed (template and script text included). */
export function text(node) {
  let s = '';
  const walk = (n) => {
    if (n.nodeName === '#text') s += n.value;
    for (const c of n.childNodes || []) walk(c);
    if (n.content) walk(n.content);
  };
  walk(node);
  return s.replace(/\s+/g, ' ').trim();
}

function parseCompound(src) {
  const c = { tag: null, id: null, classes: [], attrs: [] };
  const re = /^(\*|[a-zA-Z][a-zA-Z0-9-]*)|#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:(\^?=)"([^"]*)")?\]/y;
  let pos = 0;
  while (pos < src.length) {
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m || m[0] === '') throw new Error(`unsupported selector: ${src}`);
    if (m[1] !== undefined) {
      if (pos !== 0) throw new Error(`unsupported selector: ${src}`);
      c.tag = m[1] === '*' ? null : m[1].toLowerCase();
    } else if (m[2] !== undefined) c.id = m[2];
    else if (m[3] !== undefined) c.classes.push(m[3]);
    else c.attrs.push({ name: m[4].toLowerCase(), op: m[5] || null, value: m[6] });
    pos = re.lastIndex;
    if (pos > 0 && /^[a-zA-Z*]/.test(src.slice(pos))) throw new Error(`unsupported selector: ${src}`);
  }
  return c;
}

function matches(el, c) {
  if (c.tag && el.tagName !== c.tag) return false;
  if (c.id && attr(el, 'id') !== c.id) return false;
  if (c.classes.length) {
    const have = classes(el);
    if (!c.classes.every((k) => have.includes(k))) return false;
  }
  for (const a of c.attrs) {
    const v = attr(el, a.name);
    if (v === null) return false;
    if (a.op === '=' && v !== a.value) return false;
    if (a.op === '^=' && !v.startsWith(a.value)) return false;
  }
  return true;
}

function parseSelector(sel) {
  // tokens: compound selectors with combinators between them
  const parts = sel.trim().replace(/\s*>\s*/g, ' > ').split(/\s+/);
  const steps = [];
  let comb = ' ';
  for (const p of parts) {
    if (p === '>') {
      comb = '>';
      continue;
    }
    steps.push({ comb, c: parseCompound(p) });
    comb = ' ';
  }
  return steps;
}

function descendants(root, out = []) {
  for (const c of root.childNodes || []) {
    if (isElement(c)) {
      out.push(c);
      descendants(c, out);
    }
  }
  return out;
}

/** Every element under `root` matching `selector`, in document order. */
export function qsa(root, selector) {
  const result = new Set();
  for (const alt of selector.split(',')) {
    const steps = parseSelector(alt);
    let current = [root];
    for (const step of steps) {
      const next = new Set();
      for (const ctx of current) {
        const pool = step.comb === '>' ? (ctx.childNodes || []).filter(isElement) : descendants(ctx);
        for (const el of pool) if (matches(el, step.c)) next.add(el);
      }
      current = [...next];
    }
    for (const el of current) result.add(el);
  }
  // document order
  const order = descendants(root);
  return order.filter((el) => result.has(el));
}

/** The first match or null. */
export function qs(root, selector) {
  return qsa(root, selector)[0] || null;
}

/** True when `inner` is `outer` or lies inside it. */
export function contains(outer, inner) {
  for (let n = inner; n; n = n.parentNode) if (n === outer) return true;
  return false;
}

/** The nearest ancestor (or self) of `el` with tag `tag`, or null. */
export function closest(el, tag) {
  for (let n = el; n; n = n.parentNode) if (n.tagName === tag) return n;
  return null;
}
