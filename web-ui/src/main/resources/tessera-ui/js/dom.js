// The one way this page makes DOM: h(tag, attrs, ...children). It sets text with textContent
// (via text nodes) and attributes with setAttribute, never innerHTML, so a name such as
// `<img src=x onerror=alert(1)>` is shown as those characters and never parsed as markup.
// Event handlers are passed as functions (attrs.on = {click: fn}), never as attribute strings,
// which the Content-Security-Policy (default-src 'self') would refuse anyway.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Makes an element.
 *   attrs: plain attributes (string/number/true; false/null/undefined leave it out),
 *          plus `on` ({event: handler}), `class` (string or array, falsy entries dropped),
 *          `dataset` ({key: value}), `props` (assigned as properties: value, checked, disabled ...).
 *   children: strings/numbers (text), Nodes, arrays of them, or null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  applyAttrs(el, attrs);
  append(el, children);
  return el;
}

function applyAttrs(el, attrs) {
  if (!attrs) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'on') {
      for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    } else if (key === 'class') {
      const names = Array.isArray(value) ? value.filter(Boolean) : String(value).split(/\s+/).filter(Boolean);
      el.classList.add(...names);
    } else if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) el.dataset[k] = String(v);
    } else if (key === 'props') {
      Object.assign(el, value);
    } else if (key.startsWith('on')) {
      // an "onclick" string would be an inline handler: refused by design
      throw new Error(`h(): use attrs.on for ${key}`);
    } else if (key === 'style') {
      throw new Error('h(): no inline styles (CSP); use a class');
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
}

/** Appends children (text, nodes, arrays) to el; strings become text nodes. */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Removes all children of el, then appends the given ones. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/**
 * An icon from img/<name>.svg, drawn with CSS mask so it takes the text colour (light and dark
 * themes alike). Decorative: hidden from screen readers; buttons carry their own labels.
 */
export function icon(name, extraClass) {
  return h('span', { class: ['icon', `icon-${name}`, extraClass], 'aria-hidden': 'true' });
}

/** An inline SVG spinner (no external resource; made with createElementNS, no markup parsing). */
export function spinner() {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', 'spinner');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const c = document.createElementNS(SVG_NS, 'circle');
  for (const [k, v] of Object.entries({ cx: 12, cy: 12, r: 9, fill: 'none', 'stroke-width': 3 })) c.setAttribute(k, v);
  svg.append(c);
  return svg;
}

/** A button with an icon and a label (the label is visible text, or aria-label/title when iconOnly). */
export function button({ label, iconName, test, onClick, kind, iconOnly = false, disabled = false, type = 'button', extra = {} }) {
  return h('button', {
    type,
    class: ['btn', kind && `btn-${kind}`, iconOnly && 'btn-icon'],
    'data-test': test,
    title: iconOnly ? label : null,
    'aria-label': iconOnly ? label : null,
    props: { disabled },
    on: onClick ? { click: onClick } : undefined,
    ...extra,
  }, iconName && icon(iconName), iconOnly ? null : h('span', { class: 'btn-label' }, label));
}

/** Debounces fn by ms (the filter box: one listing request per pause in typing). */
export function debounce(fn, ms) {
  let t = null;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}
