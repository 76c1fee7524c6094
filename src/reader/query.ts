/**
 * The query parameters of `/api/complaints` and its CSV: parsed strictly (a 400 names the bad one),
 * then applied to a view (reader/view.ts). Paging is by the position of the last item served, not by offset, so
 * complaints that arrive between pages neither repeat nor push others out of view.
 * @module
 */

import { fromBase64Url, toBase64Url } from "../bytes";
import type { Complaint } from "../domain/complaint";
import type { Merchant } from "../domain/merchant";
import { comparePositions, type Position } from "../domain/position";
import { beijingDayStart, DAY_MS, isRealTime } from "../domain/time";
import { md5 } from "../md5";
import { oncePer } from "./cache";
import type { Snapshot } from "./snapshot";
import { compareDue, type Row, type View } from "./view";

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
type SortOrder = "newest" | "due";

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
  constructor(
    readonly parameter: string,
    message: string,
    /** `span_too_large`: the request would read more of the history than one request may (reader/history.ts). */
    readonly code: "bad_request" | "span_too_large" = "bad_request",
  ) {
    super(message);
  }
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;
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
type Cursor = Position & { due?: number | null };

export function encodeCursor(cursor: Cursor, filter: Filter, sort: SortOrder): string {
  const fields: unknown[] = [cursor.at, cursor.mchid, cursor.id, filterTag(filter, sort)];
  if (sort === "due") fields.push(cursor.due ?? null);
  return toBase64Url(new TextEncoder().encode(JSON.stringify(fields)));
}

function decodeCursor(cursor: string, filter: Filter, sort: SortOrder): Cursor {
  const invalid = new QueryError("cursor", "cursor is not one this API gave out (use next_cursor as it is)");
  let parsed: unknown;
  try {
    const bytes = fromBase64Url(cursor);
    if (bytes === null) throw invalid;
    parsed = JSON.parse(new TextDecoder().decode(bytes));
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

function found(snapshot: Snapshot, i: number, q: string): boolean {
  const fields = searchFields(snapshot);
  const first = i * SEARCHED.length;
  for (let k = first; k < first + SEARCHED.length; k++) if ((fields[k] as string).includes(q)) return true;
  return false;
}

/** Whether row `i` of the view matches; `overdue` is decided at `now`. */
function matches(view: View, i: number, f: Filter, now: number): boolean {
  const c = view.snapshot.complaints[i] as Complaint;
  const at = (view.snapshot.positions[i] as Position).at;
  if (f.mchid !== null && c.mchid !== f.mchid) return false;
  if (f.active !== null && c.active !== f.active) return false;
  if (f.since !== null && (at === null || at < f.since)) return false;
  if (f.until !== null && (at === null || at > f.until)) return false;
  if (f.q !== null && !found(view.snapshot, i, f.q)) return false;
  // What the marks and deadlines decide last: only a complaint that got this far has its row worked out.
  if (f.handled !== null && view.row(i).handled !== f.handled) return false;
  if (f.overdue !== null) {
    const due = view.row(i).due;
    if ((due !== null && due <= now) !== f.overdue) return false;
  }
  return true;
}

/** Every row of the view that matches, newest first. */
export function matchingRows(view: View, filter: Filter, now: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < view.size; i++) if (matches(view, i, filter, now)) rows.push(view.row(i));
  return rows;
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

/** One page of the list: its rows, how many match in all, and where the next page starts. */
export interface Page {
  rows: Row[];
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
function unfilteredPage(view: View, query: ListQuery): Page {
  const { positions } = view.snapshot;
  const total = view.size;
  const start = query.after === null ? 0 : firstAfter(positions, query.after);
  const end = Math.min(total, start + query.limit);
  return {
    rows: Array.from({ length: end - start }, (_, k) => view.row(start + k)),
    total,
    next_cursor: end < total ? encodeCursor(positions[end - 1] as Position, query.filter, "newest") : null,
  };
}

/** Where a row sorts against the cursor, in the query's order. */
function afterCursor(query: ListQuery): (row: Row) => boolean {
  const after = query.after;
  if (after === null) return () => true;
  if (query.sort === "newest") return (row) => comparePositions(row.position, after) > 0;
  const cursor = { due: after.due ?? null, position: after };
  return (row) => compareDue(row, cursor) > 0;
}

/** The cursor after `row` in the query's order. */
function cursorAt(row: Row, query: ListQuery): string {
  return query.sort === "due"
    ? encodeCursor({ ...row.position, due: row.due }, query.filter, "due")
    : encodeCursor(row.position, query.filter, "newest");
}

/**
 * The page `query` asks for: the matches in its order (`sort=due`: the view's order by `next_due`) after its cursor.
 * Every match is counted, so `total` is exact; while nothing changes, paging yields every match exactly once.
 */
export function pageOf(view: View, query: ListQuery, now: number): Page {
  if (query.sort === "newest" && unfiltered(query.filter)) return unfilteredPage(view, query);
  const order = query.sort === "due" ? view.byDue() : null;
  const after = afterCursor(query);
  const rows: Row[] = [];
  let total = 0;
  let more = false;
  for (let k = 0; k < view.size; k++) {
    const i = order === null ? k : (order[k] as number);
    if (!matches(view, i, query.filter, now)) continue;
    total++;
    const row = view.row(i);
    if (!after(row)) continue;
    if (rows.length < query.limit) rows.push(row);
    else more = true;
  }
  const last = rows.at(-1);
  return { rows, total, next_cursor: more && last !== undefined ? cursorAt(last, query) : null };
}
