/** Small DOM helpers: elements are built with DOM APIs only (the view's CSP forbids inline markup styles). */

type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

function apply(el: Element, attrs: Attrs | undefined, children: readonly Child[]): void {
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') el.setAttribute('class', String(value));
      else el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs, children);
  return el;
}

let counter = 0;
/** A document-unique id with a readable prefix. */
export function uid(prefix: string): string {
  counter++;
  return `${prefix}-${counter}`;
}

/** Ids can come from a manifest; keep them safe for use inside element ids. */
export function idPart(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function button(
  label: string,
  onClick: () => void,
  attrs: Attrs = {},
  variant: 'primary' | 'secondary' = 'secondary',
): HTMLButtonElement {
  const b = h('button', { type: 'button', class: `btn ${variant}`, ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** A 0–100 range input for one objective's weight (tests find it by `data-objective`). */
export function percentSlider(id: string, objective: string, attrs: Attrs): HTMLInputElement {
  return h('input', { type: 'range', id, min: 0, max: 100, step: 1, 'data-objective': objective, ...attrs });
}
