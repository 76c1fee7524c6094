/**
 * The query parameters of `/api/complaints` and its CSV: parsed strictly (a 400 names the bad one),
 * then applied to a snapshot. Paging is by the position of the last item served, not by offset, so
 * complaints that arrive between pages neither repeat nor push others out of view.
 * @module
 */

import type { Complaint } from "../domain/complaint";
import { type DeadlineRules, type Deadlines, deadlinesOf, nextDue } from "../domain/deadlines";
import type { ComplaintMarks } from "../domain/marks";
import type { Merchant } from "../domain/merchant";
import { comparePositions, type Position } from "../domain/position";
import { type ListedComplaint, lean, type ServedComplaint, served } from "../domain/served";
import { beijingDayStart, DAY_MS, isRealTime } from "../domain/time";
import { md5 } from "../md5";
import { oncePer } from "./cache";
import { isHandled, type MarksView, marksFor } from "./marks";
import type { Snapshot } from "./snapshot";

/** What a complaint's marks and deadlines are read from when a query is answered. */
export interface Handling {
  marks: MarksView;
  rules: DeadlineRules;
  /** When `overdue` is decided. */
  now: number;
}

/** A snapshot complaint's deadlines under `rules`, worked out once per complaint (and per settings). */
export const deadlinesFor = oncePer((rules: DeadlineRules) => oncePer((c: Complaint): Deadlines => deadlinesOf(c, rules)));

/** A complaint's `next_due` as epoch ms, or null. */
function dueOf(c: Complaint, h: Handling): number | null {
  const due = nextDue(c, deadlinesFor(h.rules)(c), marksFor(h.marks, c));
  return due === null ? null : Date.parse(due);
}

export interface Filter {
  mchid: string | null;
  since: number | null;
  until: number | null;
  active: boolean | null;
  /** Lower case. */
  q: string | null;
  /** Whether the complaint carries a handled mark. */
  handled: boolean | null;
  /** Whether its `next_due` has passed. */
  overdue: boolean | null;
}

/** `newest`: newest `complaint_at` first; `due`: soonest `next_due` first, those without one last (then newest). */
export type SortOrder = "newest" | "due";

export interface ListQuery {
  filter: Filter;
  sort: SortOrder;
  limit: number;
  /** Where the previous page ended; with `sort=due`, also its last `next_due`. */
  after: Cursor | null;
  /** `include=raw`: list each complaint with its `raw`, as the detail shows it; without, the list leaves it out. */
  raw: boolean;
}

/**
 * A bad query parameter, named. The reader sits below the HTTP layer and cannot throw its `HttpError`: app.onError
 * answers this one as a 400 `bad_request` with `parameter`.
 */
export class QueryError extends Error {
  override readonly name = "QueryError";
  readonly code = "bad_request";
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** An empty parameter counts as absent. */
function param(params: URLSearchParams, name: string): string | null {
  const value = params.get(name);
  return value === null || value === "" ? null : value;
}

/** `YYYY-MM-DD` is a whole Beijing day (its start for `since`, its end for `until`); else an ISO instant. */
function parseTime(name: "since" | "until", value: string | null): number | null {
  if (value === null) return null;
  const date = DATE.exec(value);
  if (date) {
    const [, y, m, d] = date.map(Number) as [number, number, number, number];
    if (!isRealTime(y, m, d)) throw new QueryError(name, `${name} is not a real date: ${value}`);
    const beijingStart = beijingDayStart(y, m, d);
    return name === "since" ? beijingStart : beijingStart + DAY_MS - 1;
  }
  const instant = INSTANT.exec(value);
  if (instant === null) {
    throw new QueryError(name, `${name} must be a date YYYY-MM-DD (Beijing) or an ISO 8601 instant with Z or an offset`);
  }
  // Date.parse rolls 30 February over into March and reads T24:00 as the next midnight; a filter
  // bound that is not what the caller wrote would silently select the wrong complaints.
  const [y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0] = instant.slice(1, 7).map((part) => Number(part ?? 0));
  const ms = Date.parse(value);
  if (!isRealTime(y, m, d, hh, mm, ss) || Number.isNaN(ms)) {
    throw new QueryError(name, `${name} is not a real instant: ${value}`);
  }
  return ms;
}

export function parseFilter(params: URLSearchParams, mchids: ReadonlySet<string>): Filter {
  const mchid = param(params, "mchid");
  if (mchid !== null && !mchids.has(mchid)) throw new QueryError("mchid", `mchid ${mchid} is not a configured merchant`);
  const since = parseTime("since", param(params, "since"));
  const until = parseTime("until", param(params, "until"));
  if (since !== null && until !== null && since > until) throw new QueryError("since", "since is after until");
  const active = flag(params, "active");
  const q = param(params, "q");
  const handled = flag(params, "handled");
  const overdue = flag(params, "overdue");
  return { mchid, since, until, active, q: q === null ? null : q.toLowerCase(), handled, overdue };
}

function flag(params: URLSearchParams, name: "active" | "handled" | "overdue"): boolean | null {
  const value = param(params, name);
  if (value !== null && value !== "true" && value !== "false") throw new QueryError(name, `${name} must be true or false`);
  return value === null ? null : value === "true";
}

/**
 * A fingerprint of the filter and order inside the cursor, so a cursor is never applied to another query. Without
 * the `handled`, `overdue` and `sort` parameters it is what it was before they existed, so cursors handed out then
 * still work.
 */
function filterTag(filter: Filter, sort: SortOrder): string {
  const { handled, overdue, ...before } = filter;
  const tagged = { ...before, ...(handled === null ? {} : { handled }), ...(overdue === null ? {} : { overdue }) };
  return md5(JSON.stringify(tagged) + (sort === "due" ? ":due" : "")).slice(0, 8);
}

/** Where a page ended: the last item's position, and with `sort=due` its `next_due` (ms, null: none). */
export type Cursor = Position & { due?: number | null };

export function encodeCursor(cursor: Cursor, filter: Filter, sort: SortOrder): string {
  const fields: unknown[] = [cursor.at, cursor.mchid, cursor.id, filterTag(filter, sort)];
  if (sort === "due") fields.push(cursor.due ?? null);
  const bytes = new TextEncoder().encode(JSON.stringify(fields));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(cursor: string, filter: Filter, sort: SortOrder): Cursor {
  const invalid = new QueryError("cursor", "cursor is not one this API gave out (use next_cursor as it is)");
  let parsed: unknown;
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    parsed = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(parsed) || parsed.length < 4 || parsed.length > 5) throw invalid;
  const [at, mchid, id, tag, due] = parsed as unknown[];
  if ((at !== null && typeof at !== "number") || typeof mchid !== "string" || typeof id !== "string") throw invalid;
  if (tag !== filterTag(filter, sort) || (sort === "due") !== (parsed.length === 5)) {
    throw new QueryError("cursor", "cursor belongs to a query with other filters or another sort");
  }
  if (sort === "newest") return { at, mchid, id };
  if (due !== null && typeof due !== "number") throw invalid;
  return { at, mchid, id, due };
}

/**
 * `include`: what the list adds to each complaint. Only `raw` for now, and one value, not a list: any other value
 * is 400, so a comma list of further fields can come later without changing what a valid request means today.
 */
function includeRaw(params: URLSearchParams): boolean {
  const value = param(params, "include");
  if (value === null) return false;
  if (value !== "raw") throw new QueryError("include", `include must be raw (the only field the list leaves out), not ${value}`);
  return true;
}

function sortOrder(params: URLSearchParams): SortOrder {
  const value = param(params, "sort");
  if (value === null || value === "newest") return "newest";
  if (value === "due") return "due";
  throw new QueryError("sort", `sort must be newest or due, not ${value}`);
}

export function parseListQuery(params: URLSearchParams, mchids: ReadonlySet<string>): ListQuery {
  const filter = parseFilter(params, mchids);
  const sort = sortOrder(params);
  const limitText = param(params, "limit");
  let limit = DEFAULT_LIMIT;
  if (limitText !== null) {
    limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : 0;
    if (limit < 1 || limit > MAX_LIMIT) throw new QueryError("limit", `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  const raw = includeRaw(params);
  const cursor = param(params, "cursor");
  return { filter, sort, limit, after: cursor === null ? null : decodeCursor(cursor, filter, sort), raw };
}

const SEARCHED = ["body", "out_trade_no", "order_id", "id"] as const;
/** The searched fields of every complaint, lower-cased once per snapshot (on its first search). */
const searchFields = oncePer((snapshot: Snapshot): string[] => snapshot.complaints.flatMap((c) => SEARCHED.map((k) => c[k].toLowerCase())));

function matches(snapshot: Snapshot, h: Handling, i: number, f: Filter): boolean {
  const c = snapshot.complaints[i] as Complaint;
  const at = (snapshot.positions[i] as Position).at;
  if (f.mchid !== null && c.mchid !== f.mchid) return false;
  if (f.active !== null && c.active !== f.active) return false;
  if (f.handled !== null && isHandled(h.marks, c) !== f.handled) return false;
  if (f.since !== null && (at === null || at < f.since)) return false;
  if (f.until !== null && (at === null || at > f.until)) return false;
  if (f.q !== null) {
    const fields = searchFields(snapshot);
    const first = i * SEARCHED.length;
    let found = false;
    for (let k = first; k < first + SEARCHED.length && !found; k++) found = (fields[k] as string).includes(f.q);
    if (!found) return false;
  }
  if (f.overdue !== null) {
    const due = dueOf(c, h);
    if ((due !== null && due <= h.now) !== f.overdue) return false;
  }
  return true;
}

/** Every complaint of the snapshot that matches, newest first, as the API shows it. */
export function allMatches(snapshot: Snapshot, filter: Filter, h: Handling): ServedComplaint[] {
  const found: ServedComplaint[] = [];
  snapshot.complaints.forEach((c, i) => {
    if (matches(snapshot, h, i, filter)) found.push(served(c, marksFor(h.marks, c), h.rules));
  });
  return found;
}

/**
 * The complaint `GET /api/complaints/{id}` shows, with its merchant: the first with that id in the snapshot's order
 * (newest first), of merchant `mchid` when given.
 */
export function findComplaint(snapshot: Snapshot, id: string, mchid: string | null): { complaint: Complaint; merchant: Merchant } | null {
  const complaint = snapshot.complaints.find((x) => x.id === id && (mchid === null || x.mchid === mchid));
  const view = complaint === undefined ? undefined : snapshot.merchants.find((m) => m.merchant.mchid === complaint.mchid);
  return complaint === undefined || view === undefined ? null : { complaint, merchant: view.merchant };
}

export interface Page {
  complaints: ListedComplaint[];
  total: number;
  next_cursor: string | null;
}

/** A page before it is shown: the snapshot's own complaint objects, each with its marks. */
export interface PageSlice {
  complaints: Complaint[];
  /** `marks[i]` are the marks of `complaints[i]`. */
  marks: ComplaintMarks[];
  total: number;
  next_cursor: string | null;
}

function unfiltered(f: Filter): boolean {
  return (
    f.mchid === null &&
    f.since === null &&
    f.until === null &&
    f.active === null &&
    f.q === null &&
    f.handled === null &&
    f.overdue === null
  );
}

/** The first index whose position sorts after `after` (the snapshot is sorted by position). */
function firstAfter(positions: readonly Position[], after: Position): number {
  let lo = 0;
  let hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePositions(positions[mid] as Position, after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Without a filter every complaint matches: the page is a run of the snapshot's order, found without looking at
 * the others (the first page, the most asked for, is its first `limit`).
 */
function unfilteredSlice(snapshot: Snapshot, query: ListQuery, marks: MarksView): PageSlice {
  const total = snapshot.complaints.length;
  const start = query.after === null ? 0 : firstAfter(snapshot.positions, query.after);
  const end = Math.min(total, start + query.limit);
  const complaints = snapshot.complaints.slice(start, end);
  return {
    complaints,
    marks: complaints.map((c) => marksFor(marks, c)),
    total,
    next_cursor: end < total ? encodeCursor(snapshot.positions[end - 1] as Position, query.filter, "newest") : null,
  };
}

/** Orders by `next_due` (none last), then by position. */
function compareDue(a: Cursor, b: Cursor): number {
  const x = a.due ?? null;
  const y = b.due ?? null;
  if (x !== y) {
    if (x === null) return 1;
    if (y === null) return -1;
    return x - y;
  }
  return comparePositions(a, b);
}

/** `sort=due`: every match ordered by its `next_due`, then the page after the cursor. */
function dueSlice(snapshot: Snapshot, query: ListQuery, h: Handling): PageSlice {
  const { filter, limit, after } = query;
  const found: { c: Complaint; cursor: Cursor }[] = [];
  snapshot.complaints.forEach((c, i) => {
    if (matches(snapshot, h, i, filter)) found.push({ c, cursor: { ...(snapshot.positions[i] as Position), due: dueOf(c, h) } });
  });
  found.sort((a, b) => compareDue(a.cursor, b.cursor));
  const start = after === null ? 0 : found.findIndex((f) => compareDue(f.cursor, after) > 0);
  const page = start < 0 ? [] : found.slice(start, start + limit);
  const last = page.at(-1);
  const more = start >= 0 && start + limit < found.length;
  return {
    complaints: page.map((f) => f.c),
    marks: page.map((f) => marksFor(h.marks, f.c)),
    total: found.length,
    next_cursor: more && last !== undefined ? encodeCursor(last.cursor, filter, "due") : null,
  };
}

/** The complaints of the page `query` asks for, as the snapshot holds them (see {@link listPage}). */
export function pageSlice(snapshot: Snapshot, query: ListQuery, h: Handling): PageSlice {
  const { filter, limit, after } = query;
  if (query.sort === "due") return dueSlice(snapshot, query, h);
  if (unfiltered(filter)) return unfilteredSlice(snapshot, query, h.marks);
  const page: Complaint[] = [];
  const pageMarks: ComplaintMarks[] = [];
  let total = 0;
  let more = false;
  let last: Position | null = null;
  snapshot.complaints.forEach((c, i) => {
    const position = snapshot.positions[i] as Position;
    if (!matches(snapshot, h, i, filter)) return;
    total++;
    if (after !== null && comparePositions(position, after) <= 0) return;
    if (page.length < limit) {
      page.push(c);
      pageMarks.push(marksFor(h.marks, c));
      last = position;
    } else {
      more = true;
    }
  });
  return { complaints: page, marks: pageMarks, total, next_cursor: more && last !== null ? encodeCursor(last, filter, "newest") : null };
}

/** The page `query` asks for, each complaint as the list shows it (with `raw` only for `include=raw`). */
export function listPage(snapshot: Snapshot, query: ListQuery, h: Handling): Page {
  const slice = pageSlice(snapshot, query, h);
  const item = query.raw ? served : lean;
  return {
    complaints: slice.complaints.map((c, i) => item(c, slice.marks[i] as ComplaintMarks, h.rules)),
    total: slice.total,
    next_cursor: slice.next_cursor,
  };
}
