/**
 * The page's addresses, all in the fragment so the page itself is one static file: `#/` the list of active
 * complaints, soonest deadline first; `#/?mchid=…&since=…&until=…&active=…&handled=…&overdue=…&q=…&sort=newest&size=…`
 * a filtered list (`active`: `true`, the default, `false` or `all`; `sort`: `due`, the default, or `newest`; `size`:
 * the page size, 1–500, default 50); `#/complaints/{mchid}/{id}` one complaint, `…?view=<key>` the same read with an
 * alert's view key instead of a token (alert messages link there); `#signin=<code>` a device's one-time sign-in code.
 * A key or a code lives in the fragment because browsers never send it to a server.
 * @module
 */
import type { Complaint } from "./wire";

/** The list filters, as named in the address and the API. */
export const FILTERS = ["mchid", "since", "until", "active", "handled", "overdue", "q"] as const;
export type Filter = (typeof FILTERS)[number];

export function hashParams(): URLSearchParams {
  const h = location.hash;
  const i = h.indexOf("?");
  return new URLSearchParams(i < 0 ? "" : h.slice(i + 1));
}

/**
 * A filter's value in the address ("" for none); `active` is `true` (active complaints only) unless it says `false`
 * or `all`: the page asks for active complaints unless the person asks for others.
 */
export function filterValue(f: Filter): string {
  const v = hashParams().get(f) ?? "";
  return f === "active" ? v || "true" : v;
}

/** The filters of the address, as the API's query (`active=all` is the API's absent `active`). */
export function filterParams(): URLSearchParams {
  const p = new URLSearchParams();
  for (const f of FILTERS) {
    const v = filterValue(f);
    if (v && !(f === "active" && v === "all")) p.set(f, v);
  }
  return p;
}

/** The list's order, as named in the address and the API: `due` (soonest `next_due` first) unless it says `newest`. */
export function sortOrder(): "due" | "newest" {
  return hashParams().get("sort") === "newest" ? "newest" : "due";
}

/** Complaints per page. */
export function pageSize(): number {
  const n = Number(hashParams().get("size"));
  return Number.isInteger(n) && n >= 1 && n <= 500 ? n : 50;
}

/** `[mchid, id]` when the address is a complaint's. */
export function detailRoute(): [mchid: string, id: string] | null {
  const m = /^#\/complaints\/([^/?#]+)\/([^/?#]+)\/?(?:\?.*)?$/.exec(location.hash);
  if (!m) return null;
  try {
    return [decodeURIComponent(m[1] as string), decodeURIComponent(m[2] as string)];
  } catch {
    return null;
  }
}

/** The address of a complaint's detail. */
export function detailHash(c: Pick<Complaint, "mchid" | "id">): string {
  return `#/complaints/${encodeURIComponent(c.mchid)}/${encodeURIComponent(c.id)}`;
}

/** The view key of a complaint's address (`?view=`), or null. */
export function viewKey(): string | null {
  return (detailRoute() && hashParams().get("view")) || null;
}

/** The sign-in code of a `#signin=<code>` address, or null. */
export function signinCode(): string | null {
  const m = /^#signin=([^&?]+)/.exec(location.hash);
  return m ? (m[1] as string) : null;
}
