/**
 * A merchant's history: the complaints PAYJS no longer lists and that left it more than {@link KEEP_PRESENT_MS} ago,
 * kept in parts of at most {@link PART_SIZE} complaints, each part holding complaints of one Beijing month of
 * `complaint_at` (its name begins with the month: `2026-11.4`; `none.0` for complaints whose time is no time), in the
 * one order. What each part holds (its count, its newest and oldest position, its revision) is the history's
 * description (`parts:{mchid}`), so a poll or a request knows which parts it needs without reading any; the present
 * keeps only its {@link HistorySummary}. Pure: the parts are read and written by src/history/.
 * @module
 */
import type { Complaint, StoredComplaint } from "./complaint";
import { upstreamTime } from "./payjs-fields";
import { comparePositions, keptPosition, type Position } from "./position";
import { DAY_MS, instantOfComplaintAt, toBeijingIso } from "./time";

/** At most this many complaints a part: reading one fits a free invocation. */
export const PART_SIZE = 1_000;

/** A complaint that left PAYJS's list stays in the present this long: `complaint.resolved`, the digest and recent marks need it. */
export const KEEP_PRESENT_MS = 7 * DAY_MS;

/**
 * Complaints move into history once the first of them left this long ago (then every one past {@link KEEP_PRESENT_MS}
 * moves): a move every week or so, not at every poll.
 */
const MOVE_AFTER_MS = 14 * DAY_MS;

/** At most this many complaints move in one poll: the rest move at the next. */
export const MOVE_AT_ONCE = 1_000;

/** One part of a merchant's history, as its description (`parts:{mchid}`) names it. */
export interface Part {
  /** `{month}.{n}`: the key's last segment. */
  name: string;
  count: number;
  /** The stored part's revision: a reader's copy of the part is good while it matches. */
  rev: string;
  newest: Position;
  oldest: Position;
}

export interface History {
  /** Newest first (by `newest`). */
  parts: Part[];
  /** The number the next new part's name gets. */
  next: number;
}

export const NO_HISTORY: History = { parts: [], next: 0 };

/**
 * What the present keeps of its history: its counts for the status, and its newest position, which tells a poll
 * whether a complaint PAYJS lists may be in it, so the parts' description (`parts:{mchid}`, about 110 bytes a part)
 * is read only when one may be, when complaints move in, and by answers that reach into the history.
 */
export interface HistorySummary {
  complaints: number;
  parts: number;
  /** The newest position any part holds; null: no history. */
  newest: Position | null;
  /** The oldest `complaint_at` (epoch ms) of any part that has a time. */
  oldestAt: number | null;
  /** The description's revision: a reader's copy of it is good while it matches. */
  rev: string;
}

export const NO_SUMMARY: HistorySummary = { complaints: 0, parts: 0, newest: null, oldestAt: null, rev: "" };

/** The summary of a history whose description was written as revision `rev`. */
export function summaryOf(history: History, rev: string): HistorySummary {
  if (history.parts.length === 0) return NO_SUMMARY;
  let oldestAt: number | null = null;
  for (const { oldest } of history.parts) if (oldest.at !== null && (oldestAt === null || oldest.at < oldestAt)) oldestAt = oldest.at;
  return { complaints: historyTotal(history), parts: history.parts.length, newest: (history.parts[0] as Part).newest, oldestAt, rev };
}

/** Whether a complaint at `position` may be in the history: it is not newer than the newest complaint there. */
export const mayBeInHistory = (summary: HistorySummary, position: Position): boolean =>
  summary.newest !== null && comparePositions(summary.newest, position) <= 0;

export function historyTotal(history: History): number {
  let total = 0;
  for (const part of history.parts) total += part.count;
  return total;
}

/** The Beijing month (`YYYY-MM`) of a position's time, `none` when it has none: the first half of a part's name. */
export function monthOf(at: number | null): string {
  return at === null ? "none" : toBeijingIso(at).slice(0, 7);
}

/**
 * The month of a complaint as the API shows it: whose marks book holds its marks (`marks:{mchid}:{month}`). A
 * `complaint_at` that is a time is Beijing ISO text already, so its month is its first 7 characters (what
 * {@link monthOf} of its instant gives, without formatting the instant again: a snapshot takes it of every complaint).
 */
export const monthOfComplaint = (c: Pick<Complaint, "complaint_at">): string =>
  instantOfComplaintAt(c.complaint_at) === null ? "none" : c.complaint_at.slice(0, 7);

/** The months of complaints, each once. */
export function monthsOfComplaints(complaints: readonly Pick<Complaint, "complaint_at">[]): string[] {
  const months = new Set<string>();
  for (const c of complaints) months.add(monthOfComplaint(c));
  return [...months].sort();
}

/** The months of complaints as they are kept, each once. */
export const monthsOfKept = (kept: readonly StoredComplaint[]): string[] =>
  monthsOfComplaints(kept.map((k) => ({ complaint_at: upstreamTime(k.raw.complaint_at) })));

/** The month of a part's complaints: the first half of its name. */
export const monthOfPart = (name: string): string => name.slice(0, name.indexOf("."));

/** Whether a part may hold complaints whose `complaint_at` falls within `since`…`until` (epoch ms, null: open). */
export function mayHold(part: Part, since: number | null, until: number | null): boolean {
  if (since === null && until === null) return true;
  // A part of no time holds none that a time bound lets through.
  if (part.newest.at === null || part.oldest.at === null) return false;
  return (until === null || part.oldest.at <= until) && (since === null || part.newest.at >= since);
}

/** Whether every complaint of a part falls within `since`…`until`: its count then counts whole. */
export function holdsOnly(part: Part, since: number | null, until: number | null): boolean {
  if (since === null && until === null) return true;
  if (part.newest.at === null || part.oldest.at === null) return false;
  return (since === null || part.oldest.at >= since) && (until === null || part.newest.at <= until);
}

/** The parts whose range holds `position`: where a complaint at that position would be, if it is in history. */
export function partsHolding(history: History, position: Position): Part[] {
  return history.parts.filter((p) => comparePositions(p.newest, position) <= 0 && comparePositions(position, p.oldest) <= 0);
}

/**
 * Which part each complaint moving into history goes to: the part of its month whose range holds it, else the part
 * of its month with room whose range is nearest, else a new part (named here, `next` counting on). A part may be
 * given more than it has room for: {@link fillPart} puts the rest into new parts.
 * @returns complaints by part name, and the history with the new parts' numbers taken.
 */
export function placeMoves(
  history: History,
  mchid: string,
  moving: readonly StoredComplaint[],
): { targets: Map<string, StoredComplaint[]>; next: number } {
  const targets = new Map<string, StoredComplaint[]>();
  const room = new Map(history.parts.map((p) => [p.name, PART_SIZE - p.count]));
  const fresh = new Map<string, string>(); // month → the new part this call opened for it
  let next = history.next;
  for (const k of moving) {
    const position = keptPosition(mchid, k);
    const month = monthOf(position.at);
    const own = history.parts.filter((p) => monthOfPart(p.name) === month);
    const holding = own.find((p) => comparePositions(p.newest, position) <= 0 && comparePositions(position, p.oldest) <= 0);
    const nearest = holding ?? nearestWithRoom(own, position, room);
    let name = nearest?.name ?? fresh.get(month);
    if (name === undefined || (nearest === undefined && (room.get(name) ?? 0) <= 0)) {
      name = `${month}.${next++}`;
      fresh.set(month, name);
      room.set(name, PART_SIZE);
    }
    room.set(name, (room.get(name) ?? 0) - 1);
    const list = targets.get(name);
    if (list === undefined) targets.set(name, [k]);
    else list.push(k);
  }
  return { targets, next };
}

/**
 * The part of the month just older or just newer than `position`, when it has room: adding the position to it keeps the
 * month's parts mostly apart. They may overlap (complaints on both sides of a full part go to one new part; a crash
 * between writes): readers then read both, since ranges are only bounds.
 */
function nearestWithRoom(parts: readonly Part[], position: Position, room: ReadonlyMap<string, number>): Part | undefined {
  const older = parts.filter((p) => comparePositions(position, p.newest) < 0).sort((a, b) => comparePositions(a.newest, b.newest))[0];
  const newer = parts.filter((p) => comparePositions(p.oldest, position) < 0).sort((a, b) => comparePositions(b.oldest, a.oldest))[0];
  return [older, newer].find((p) => p !== undefined && (room.get(p.name) ?? 0) > 0);
}

/**
 * What part `name` holds once `adding` moves into it, in the one order: what it `kept` (less any of `adding`: a move
 * repeated after a crash replaces, never doubles) and as many of `adding` as fit in {@link PART_SIZE}; the rest in new
 * parts of at most PART_SIZE each, named on from `next`. What a part kept never leaves it, so a part written before a
 * crash still holds all it held, whichever description the next attempt starts from.
 */
export function fillPart(
  name: string,
  mchid: string,
  kept: readonly StoredComplaint[],
  adding: readonly StoredComplaint[],
  next: number,
): { parts: Map<string, StoredComplaint[]>; next: number } {
  const byPosition = (a: StoredComplaint, b: StoredComplaint) => comparePositions(keptPosition(mchid, a), keptPosition(mchid, b));
  const ids = new Set(adding.map((k) => k.id));
  const stays = kept.filter((k) => !ids.has(k.id));
  const sorted = [...adding].sort(byPosition);
  const fits = Math.max(0, PART_SIZE - stays.length);
  const parts = new Map([[name, stays.concat(sorted.slice(0, fits)).sort(byPosition)]]);
  const month = monthOfPart(name);
  for (let at = fits; at < sorted.length; at += PART_SIZE) parts.set(`${month}.${next++}`, sorted.slice(at, at + PART_SIZE));
  return { parts, next };
}

/** How the description names a part holding `complaints` (one merchant's, in the one order, at least one). */
export function partOf(name: string, mchid: string, complaints: readonly StoredComplaint[], rev: string): Part {
  return {
    name,
    count: complaints.length,
    rev,
    newest: keptPosition(mchid, complaints[0] as StoredComplaint),
    oldest: keptPosition(mchid, complaints[complaints.length - 1] as StoredComplaint),
  };
}

/** The history with the parts just written (replacing those of the same name) and without those just emptied. */
export function withParts(history: History, written: readonly Part[], emptied: ReadonlySet<string>, next: number): History {
  const names = new Set(written.map((p) => p.name));
  const parts = history.parts.filter((p) => !names.has(p.name) && !emptied.has(p.name)).concat(written);
  parts.sort((a, b) => comparePositions(a.newest, b.newest) || comparePositions(a.oldest, b.oldest));
  return { parts, next };
}

/**
 * Which complaints of the present have been gone from PAYJS's list long enough to move into history at `now`: none
 * until the first left {@link MOVE_AFTER_MS} ago, then every one that left {@link KEEP_PRESENT_MS} ago, at most
 * {@link MOVE_AT_ONCE}, oldest departure first.
 */
export function dueToMove(present: readonly StoredComplaint[], now: number): StoredComplaint[] {
  const gone = present.filter((k) => !k.active && Date.parse(k.last_seen_at) <= now - KEEP_PRESENT_MS);
  if (gone.length === 0) return [];
  gone.sort((a, b) => Date.parse(a.last_seen_at) - Date.parse(b.last_seen_at));
  if (Date.parse((gone[0] as StoredComplaint).last_seen_at) > now - MOVE_AFTER_MS) return [];
  return gone.slice(0, MOVE_AT_ONCE);
}

/** An id's 32-bit FNV-1a hash as 8 hex digits: what the id index keeps of it. */
export function idHash(id: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** A part's entry of the id index (`ids:{mchid}:{month}`): its complaints' {@link idHash}es, one after another. */
export const idHashes = (complaints: readonly StoredComplaint[]): string => complaints.map((k) => idHash(k.id)).join("");

/** Whether a part's entry of the id index may hold `id` (a hash shared by two ids makes a part read for nothing). */
export function mayHoldId(hashes: string, id: string): boolean {
  const h = idHash(id);
  for (let i = hashes.indexOf(h); i !== -1; i = hashes.indexOf(h, i + 1)) if (i % 8 === 0) return true;
  return false;
}
