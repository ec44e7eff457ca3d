// A tiny element builder: h('button', { class: 'x', onclick: fn }, 'text').
//
// The UI is served with the CSP `style-src 'self'`, under which the browser drops inline style
// attributes (`style="width: 2%"` only logs a CSP error). Styles set through the CSSOM are
// allowed, so `style` takes an object of CSS properties as CSS names them, { width: '2%' }, and
// sets each through el.style.
export type Child = Node | string | number | null | undefined | false | Child[];
type Props = Record<string, unknown>;

// Set as properties, not attributes, so they reflect live state.
const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected', 'hidden']);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value as EventListener);
    else if (name === 'class') el.className = String(value);
    else if (name === 'style') setStyle(el, value);
    else if (PROPERTIES.has(name)) (el as unknown as Record<string, unknown>)[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function setStyle(el: HTMLElement, value: unknown): void {
  if (typeof value !== 'object') throw new TypeError(`h(): style must be an object of CSS properties (the CSP blocks style attributes), got ${typeof value}`);
  for (const [property, v] of Object.entries(value as Record<string, string | number>)) el.style.setProperty(property, String(v));
}

function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}
