/**
 * How a merchant's complaints are kept in KV: PAYJS's records as sent, beside when each was seen, in the present
 * (`present:{mchid}`, with the summary of its history and the day counts) and in each part of its history
 * (`history:{mchid}:{part}`); the description of the parts (`parts:{mchid}`) and the id index by month (`ids:{mchid}:{month}`).
 * @module
 */
import type { Move, RawComplaint, StoredComplaint } from "./complaint";
import { type DayCounts, isDayCounts } from "./days";
import { type History, type HistorySummary, NO_SUMMARY, type Part } from "./history";
import type { Position } from "./position";
import { isCount, isString, type Shape } from "./shape";

/**
 * When one kept complaint was seen, beside its `raw` in a list of their own: `first_seen_at`
 * alone while it is active and `complaint_id` gives its id; else `[first_seen_at, last_seen_at or null while active]`,
 * with a third item, the id, when `complaint_id` alone does not give it (absent, a number past 2^53, a repeat's `~2`).
 */
type Seen = string | [string, string | null] | [string, string | null, string];

/** The id `complaint_id` gives when it is plain text or a safe integer; undefined when the id must be kept. */
function plainId(raw: RawComplaint): string | undefined {
  const given = raw.complaint_id;
  if (typeof given === "string") return given.trim() === given && given !== "" ? given : undefined;
  return typeof given === "number" && Number.isSafeInteger(given) ? String(given) : undefined;
}

function seenOf(k: StoredComplaint): Seen {
  const last = k.active ? null : k.last_seen_at;
  if (plainId(k.raw) !== k.id) return [k.first_seen_at, last, k.id];
  return last === null ? k.first_seen_at : [k.first_seen_at, last];
}

/** A kept complaint from its record and its `seen` entry; null when either is not valid. */
export function keptFromColumns(raw: unknown, seen: unknown): StoredComplaint | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  if (typeof seen === "string") {
    // The common case, taken without unpacking a list.
    const id = plainId(raw as RawComplaint);
    return id === undefined ? null : { id, raw: raw as RawComplaint, first_seen_at: seen, last_seen_at: seen, active: true };
  }
  const [first, last = null, own] = Array.isArray(seen) && seen.length <= 3 ? (seen as unknown[]) : [];
  if (typeof first !== "string" || (last !== null && typeof last !== "string")) return null;
  const id = own === undefined ? plainId(raw as RawComplaint) : own;
  if (typeof id !== "string") return null;
  return { id, raw: raw as RawComplaint, first_seen_at: first, last_seen_at: last ?? first, active: last === null };
}

const isMove = (m: unknown): m is Move => Array.isArray(m) && m.length === 2 && isString(m[0]) && (m[1] === null || isString(m[1]));

/** Whether a stored value's `moves` (by id, only of complaints that have any) is valid; absent is none. */
function isMovesById(v: unknown): v is Record<string, Move[]> | undefined {
  if (v === undefined) return true;
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((moves) => Array.isArray(moves) && moves.every(isMove));
}

/** The moves of the complaints that have any, by id (ids are unique within a list); undefined when none has. */
function movesById(kept: readonly StoredComplaint[]): Record<string, Move[]> | undefined {
  let byId: Record<string, Move[]> | undefined;
  for (const k of kept) {
    if (k.moves === undefined || k.moves.length === 0) continue;
    byId ??= Object.create(null) as Record<string, Move[]>;
    byId[k.id] = k.moves;
  }
  return byId;
}

/**
 * Complaints of one merchant in the one order: `seen` (one entry per complaint, small) before `complaints`, PAYJS's
 * records as sent. Two lists rather than one of pairs: `JSON.parse` reads a list of records of one shape markedly
 * faster than a list of pairs wrapping them. A part of the history is this; so was `complaints:{mchid}` of layout 2,
 * every complaint ever seen. `moves`, by id, only of the few complaints that left PAYJS's list since they were kept
 * (absent in older values, and when none has).
 */
export const COMPLAINTS: Shape<StoredComplaint[]> = {
  what: "complaints",
  read({ complaints, seen, moves }) {
    if (!Array.isArray(complaints) || !Array.isArray(seen) || seen.length !== complaints.length || !isMovesById(moves)) return null;
    const value: StoredComplaint[] = [];
    for (let i = 0; i < complaints.length; i++) {
      const k = keptFromColumns(complaints[i], seen[i]);
      if (k === null) return null;
      if (moves !== undefined && Object.hasOwn(moves, k.id)) k.moves = moves[k.id];
      value.push(k);
    }
    return value;
  },
  write: (kept) => {
    const moves = movesById(kept);
    return { seen: kept.map(seenOf), complaints: kept.map((k) => k.raw), ...(moves === undefined ? {} : { moves }) };
  },
};

/** What a poll reads and writes of one merchant: the complaints of the present, what its history holds, the day counts. */
export interface Present {
  complaints: StoredComplaint[];
  history: HistorySummary;
  days: DayCounts;
}

/** A part as the description keeps it: `[name, count, rev, newest at, newest id, oldest at, oldest id]`. */
type StoredPart = [string, number, string, number | null, string, number | null, string];

const isAt = (v: unknown): v is number | null => v === null || Number.isSafeInteger(v);

function partOfStored(mchid: string, p: unknown): Part | null {
  if (!Array.isArray(p) || p.length !== 7) return null;
  const [name, count, rev, newestAt, newestId, oldestAt, oldestId] = p as StoredPart;
  if (!isString(name) || !/^[^.:]+\.\d+$/.test(name) || !isCount(count) || count === 0 || !isString(rev)) return null;
  if (!isAt(newestAt) || !isAt(oldestAt) || !isString(newestId) || !isString(oldestId)) return null;
  const at = (a: number | null, id: string): Position => ({ at: a, mchid, id });
  return { name, count, rev, newest: at(newestAt, newestId), oldest: at(oldestAt, oldestId) };
}

function historyOf(mchid: string, h: unknown): History | null {
  const { parts, next } = (typeof h === "object" && h !== null ? h : {}) as Record<string, unknown>;
  if (!Array.isArray(parts) || typeof next !== "number" || !isCount(next)) return null;
  const read = parts.map((p) => partOfStored(mchid, p));
  return read.every((p): p is Part => p !== null) ? { parts: read, next } : null;
}

const storedPart = (p: Part): StoredPart => [p.name, p.count, p.rev, p.newest.at, p.newest.id, p.oldest.at, p.oldest.id];
const storedHistory = (h: History) => ({ next: h.next, parts: h.parts.map(storedPart) });

/** The description of merchant `mchid`'s history (`parts:{mchid}`): each part's name, count, revision and range. */
export function historyShape(mchid: string): Shape<History> {
  return {
    what: "history description",
    read: ({ history }) => historyOf(mchid, history),
    write: (history) => ({ history: storedHistory(history) }),
  };
}

/** The summary as the present keeps it: `[complaints, parts, newest at, newest id, oldest at, rev]`, or none. */
type StoredSummary = [number, number, number | null, string, number | null, string];

function summaryOfStored(mchid: string, v: unknown): HistorySummary | null {
  if (v === undefined) return NO_SUMMARY;
  if (!Array.isArray(v) || v.length !== 6) return null;
  const [complaints, parts, newestAt, newestId, oldestAt, rev] = v as StoredSummary;
  if (!isCount(complaints) || !isCount(parts) || !isAt(newestAt) || !isString(newestId) || !isAt(oldestAt) || !isString(rev)) return null;
  if (parts === 0) return NO_SUMMARY;
  return { complaints, parts, newest: { at: newestAt, mchid, id: newestId }, oldestAt, rev };
}

/** The present of merchant `mchid` (`present:{mchid}`): the value names its merchant, which its history's positions need. */
export function presentShape(mchid: string): Shape<Present> {
  return {
    what: "present complaints",
    read(record) {
      if (record.mchid !== mchid) return null;
      const complaints = COMPLAINTS.read(record);
      const history = summaryOfStored(mchid, record.history);
      const days = record.days === undefined ? {} : record.days;
      if (complaints === null || history === null || !isDayCounts(days)) return null;
      return { complaints, history, days };
    },
    write: ({ complaints, history: h, days }) => ({
      mchid,
      ...(h.newest === null ? {} : { history: [h.complaints, h.parts, h.newest.at, h.newest.id, h.oldestAt, h.rev] }),
      days,
      ...COMPLAINTS.write(complaints),
    }),
  };
}

/** A part's entry of the id index: 8 lowercase hex digits per id (domain/history.ts idHash). */
const HASHES = /^(?:[0-9a-f]{8})*$/;

/**
 * One month's id index of a merchant's history (`ids:{mchid}:{month}`): per part of that month, its complaints' id
 * hashes (domain/history.ts), and how the description named it when last written, from which a damaged or missing
 * `parts:{mchid}` is rebuilt. By month, so a move reads and writes only the months it touches.
 */
export interface IdIndex {
  hashes: Map<string, string>;
  parts: Part[];
}

export function idIndexShape(mchid: string): Shape<IdIndex> {
  return {
    what: "id index",
    read({ parts, described }) {
      if (typeof parts !== "object" || parts === null || Array.isArray(parts) || !Array.isArray(described)) return null;
      const entries = Object.entries(parts);
      if (!entries.every(([, v]) => isString(v) && HASHES.test(v))) return null;
      const read = described.map((p) => partOfStored(mchid, p));
      return read.every((p): p is Part => p !== null) ? { hashes: new Map(entries as [string, string][]), parts: read } : null;
    },
    write: ({ hashes, parts }) => ({ parts: Object.fromEntries(hashes), described: parts.map(storedPart) }),
  };
}
