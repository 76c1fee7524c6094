/**
 * Building the page from data, as text only: elements are created and filled with `append(string)` /
 * `textContent`, never through an HTML sink (`innerHTML` and the like), which the Content-Security-Policy's
 * Trusted Types would refuse anyway.
 * @module
 */

import { T } from "./i18n";
import type { StringKey } from "./strings";

export type Kid = Node | string | null | undefined;
export type Attrs = Record<string, string | number | null | undefined> | null;

/** The element with this id; the page shell (page.ts) has every id the script asks for. */
export function $<E extends HTMLElement = HTMLElement>(id: string): E {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`#${id} is missing from the page`);
  return e as E;
}

// Explicit roles keep table semantics when the narrow layout turns tables into cards (display: block/grid).
const ROLES: Partial<Record<string, string>> = {
  table: "table",
  thead: "rowgroup",
  tbody: "rowgroup",
  tr: "row",
  th: "columnheader",
  td: "cell",
};

/** An HTML element with these attributes (null/undefined ones left out) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs, ...kids: Kid[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  const role = ROLES[tag];
  if (role !== undefined) e.setAttribute("role", role);
  for (const [k, v] of Object.entries(attrs ?? {})) if (v != null) e.setAttribute(k, String(v));
  for (const c of kids) if (c != null) e.append(c);
  return e;
}

/** An SVG element. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...kids: (Node | string)[]
): SVGElementTagNameMap[K] {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  e.append(...kids);
  return e;
}

/** A table cell that names its column (`data-label`, shown in the narrow layout). */
export function cell(key: StringKey, content: Kid, cls?: string): HTMLTableCellElement {
  return el("td", { "data-label": T(key), class: cls }, content);
}

/** A table with a header row of these column names. */
export function table(keys: StringKey[], rows: HTMLTableRowElement[]): HTMLTableElement {
  return el(
    "table",
    { class: "cards" },
    el("thead", null, el("tr", null, ...keys.map((k) => el("th", { scope: "col" }, T(k))))),
    el("tbody", null, ...rows),
  );
}
