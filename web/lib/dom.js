// DOM helpers: h(tag, attrs, ...children) builds an element; no innerHTML anywhere (CSP, XSS).
//
//   h('button', {class: 'btn', type: 'button', onclick: fn, 'aria-label': t('x')}, t('go'))
//   h('input', {id: 'q', name: 'q', value: '', required: true})
//
// attrs: `class` (string or array, falsy entries skipped), `for`, `dataset` ({k: v}),
// `on<event>` (a function: addEventListener), `style` is refused (CSP: use classes),
// booleans set/omit the attribute (`disabled: false` leaves it out), `value`/`checked`/`selected`
// are set as properties, null/undefined/false skip the attribute.
// children: strings, numbers, Nodes, arrays of those (nested), null/undefined/false skipped.

const SVG_NS = 'http://www.w3.org/2000/svg';
const PROPS = new Set(['value', 'checked', 'selected', 'indeterminate', 'multiple']);

function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'style') throw new Error('dom.h: inline style is blocked by the CSP; use a class');
    if (k === 'class' || k === 'className') {
      const c = Array.isArray(v) ? v.filter(Boolean).join(' ') : String(v);
      if (c) el.setAttribute('class', c);
    } else if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) if (dv !== null && dv !== undefined) el.dataset[dk] = dv;
    } else if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (PROPS.has(k)) {
      el[k] = v;
      if (k === 'value' && el.tagName !== 'SELECT') el.setAttribute('value', v);
    } else if (k === 'htmlFor') {
      el.setAttribute('for', v);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
}

export function append(el, ...children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false || c === true) continue;
    if (Array.isArray(c)) append(el, ...c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

/** h('tag', attrs, ...children) -> HTMLElement. attrs may be omitted when the 2nd arg is a child. */
export function h(tag, attrs, ...children) {
  if (attrs instanceof Node || Array.isArray(attrs) || typeof attrs !== 'object' || attrs === null) {
    if (attrs !== null && attrs !== undefined) children.unshift(attrs);
    attrs = null;
  }
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, ...children);
  // a <select value=...>: set after the options exist
  if (tag === 'select' && attrs && attrs.value !== undefined && attrs.value !== null) el.value = attrs.value;
  return el;
}

/** svg('rect', {x: 0, ...}, ...children) -> SVGElement (for charts). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'style') throw new Error('dom.svg: inline style is blocked by the CSP');
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, String(v));
    }
  }
  append(el, ...children);
  return el;
}

/** Removes every child of el; returns el. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replaces the children of el with children. */
export function replace(el, ...children) {
  clear(el);
  return append(el, ...children);
}

/** A text node (for clarity where a string child would do). */
export function text(s) {
  return document.createTextNode(s === null || s === undefined ? '' : String(s));
}

export const qs = (sel, root = document) => root.querySelector(sel);
export const qsa = (sel, root = document) => Array.from(root.querySelectorAll(sel));

let idSeq = 0;
/** A fresh element id, for label/for and aria-describedby pairs. */
export function uid(prefix = 'nr') {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

/** The values of a form's named controls as an object (checkboxes -> boolean, empty -> omitted
 *  unless keepEmpty; multiple selects -> arrays; number inputs -> numbers). */
export function formData(form, { keepEmpty = false } = {}) {
  const out = {};
  for (const el of Array.from(form.elements)) {
    if (!el.name || el.disabled || el.type === 'submit' || el.type === 'button' || el.type === 'file') continue;
    if (el.type === 'checkbox') { out[el.name] = el.checked; continue; }
    if (el.type === 'radio') { if (el.checked) out[el.name] = el.value; continue; }
    if (el.multiple) { out[el.name] = Array.from(el.selectedOptions).map((o) => o.value); continue; }
    let v = el.value;
    if (v === '' && !keepEmpty) continue;
    if (el.type === 'number' && v !== '') v = Number(v);
    out[el.name] = v;
  }
  return out;
}
