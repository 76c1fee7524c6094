/**
 * The parts of a merchant's history (`history:{mchid}:{part}`), their description (`parts:{mchid}`) and the id index
 * (`ids:{mchid}:{month}`): read by a request that reaches past the present, and by a poll when a complaint PAYJS lists again
 * may be in a part or when complaints move in; written by a poll that moves complaints in or takes one out. Each part's
 * revision and the description's are chosen before any is written; a poll writes the parts, the index and the
 * description before the present that sums them up when complaints move in, after it when they come out, so a crash
 * in between leaves a complaint in both places (readers keep the present's), never in neither.
 * @module
 */
import type { Sighting, StoredComplaint } from "../domain/complaint";
import {
  fillPart,
  type History,
  type HistorySummary,
  idHashes,
  mayBeInHistory,
  mayHoldId,
  monthOfPart,
  NO_HISTORY,
  type Part,
  partOf,
  partsHolding,
  placeMoves,
  withParts,
} from "../domain/history";
import { upstreamTime } from "../domain/payjs-fields";
import { keptPosition, positionOf } from "../domain/position";
import { COMPLAINTS, historyShape, idIndexShape } from "../domain/stored-complaints";
import { logEvent } from "../log";
import { historyPartKey, idIndexKey, newRev, partsKey, type StorageError, type Store } from "../store";
import { plainComplaints } from "./present";

/** Why a move into history could not be made now: tried again at the next poll, nothing written. */
export class HistoryError extends Error {
  override readonly name = "HistoryError";
  constructor(
    readonly code: "part_missing",
    message: string,
  ) {
    super(message);
  }
}

/** A part as read: its complaints and the revision they were written as, or why it could not be read. */
export type PartRead =
  | { ok: true; part: Part; complaints: StoredComplaint[]; rev: string }
  /** `text`: what KV holds instead, null when it holds nothing. */
  | { ok: false; part: Part; error: StorageError; text: string | null };

/**
 * Reads parts of one merchant's history, all at once; `recent`: the edge's copy will do, unless it is older than the
 * revision the description names (a part written in the last 30 s), which is read again from KV.
 */
export function loadParts(store: Store, mchid: string, parts: readonly Part[], recent: boolean): Promise<PartRead[]> {
  return Promise.all(
    parts.map(async (part): Promise<PartRead> => {
      const key = historyPartKey(mchid, part.name);
      let stored = await store.read(key, COMPLAINTS, recent);
      if (recent && stored.kind === "ok" && stored.rev !== part.rev) stored = await store.load(key, COMPLAINTS);
      if (stored.kind === "ok") return { ok: true, part, complaints: stored.value, rev: stored.rev };
      if (stored.kind === "unreadable") return { ok: false, part, error: stored.error, text: stored.text };
      return { ok: false, part, error: { code: "storage_corrupt", key, message: `Stored value ${key} is missing` }, text: null };
    }),
  );
}

/** A history's description as read, and its revision. */
export interface HistoryRead {
  history: History;
  rev: string;
}

/**
 * A merchant's history description: `parts:{mchid}`, else (missing or damaged) as the id index's months name the parts;
 * none when neither exists; null when the description cannot be read or rebuilt. `recent`: the edge's copy will do.
 */
export async function loadHistory(store: Store, mchid: string, recent: boolean): Promise<HistoryRead | null> {
  const stored = await store.read(partsKey(mchid), historyShape(mchid), recent);
  if (stored.kind === "ok") return { history: stored.value, rev: stored.rev };
  const rebuilt = await historyOfIndex(store, mchid, recent);
  if (rebuilt !== null && rebuilt.parts.length > 0) {
    logEvent("history", { mchid, outcome: "described_from_index", parts: rebuilt.parts.length });
    return { history: rebuilt, rev: "" };
  }
  // No part yet. A damaged description with no index to rebuild it from is not taken for none: a part named anew
  // could overwrite one it named.
  if (rebuilt !== null && stored.kind === "absent") return { history: NO_HISTORY, rev: "" };
  logEvent("history", { mchid, outcome: "unreadable", key: partsKey(mchid) });
  return null;
}

/** The history as the id index's months name its parts (null: one of them cannot be read). */
async function historyOfIndex(store: Store, mchid: string, recent: boolean): Promise<History | null> {
  const prefix = idIndexKey(mchid, "");
  const keys: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { keys: string[]; cursor: string | null } = await store.list(prefix, cursor);
    keys.push(...page.keys);
    cursor = page.cursor;
  } while (cursor !== null);
  const shape = idIndexShape(mchid);
  const months = await Promise.all(keys.map((key) => store.read(key, shape, recent)));
  if (months.some((m) => m.kind === "unreadable")) return null;
  const parts = months.flatMap((m) => (m.kind === "ok" ? m.value.parts : []));
  const next = parts.reduce((n, p) => Math.max(n, Number(p.name.slice(p.name.indexOf(".") + 1)) + 1), 0);
  return withParts(NO_HISTORY, parts, new Set(), next);
}

/**
 * The complaints PAYJS lists again that the history holds. Only a sighting not in the present and not newer than the
 * history's newest complaint may be there (a new complaint is newer: parts hold only complaints that left PAYJS's list a
 * week or more ago), so a poll reads nothing of the history unless one may come back; then the description, and each
 * part whose range holds such a sighting. An unreadable description finds none.
 */
export async function findReturning(
  store: Store,
  mchid: string,
  summary: HistorySummary,
  fresh: readonly Sighting[],
  presentComplaints: readonly StoredComplaint[],
): Promise<{ returning: StoredComplaint[]; parts: PartRead[]; history: HistoryRead | null }> {
  const none = { returning: [], parts: [], history: null };
  if (summary.newest === null) return none;
  const present = new Set(presentComplaints.map((k) => k.id));
  const maybe = fresh
    .filter((s) => !present.has(s.id))
    .map((s) => ({ id: s.id, position: positionOf({ complaint_at: upstreamTime(s.raw.complaint_at), mchid, id: s.id }) }))
    .filter((s) => mayBeInHistory(summary, s.position));
  if (maybe.length === 0) return none;
  const history = await loadHistory(store, mchid, false);
  if (history === null) return none;
  const wanted = new Map<string, Part>();
  const ids = new Set<string>();
  for (const s of maybe) {
    const holding = partsHolding(history.history, s.position);
    for (const part of holding) wanted.set(part.name, part);
    if (holding.length > 0) ids.add(s.id);
  }
  if (wanted.size === 0) return { ...none, history };
  const parts = await loadParts(store, mchid, [...wanted.values()], false);
  const returning = parts.flatMap((p) => (p.ok ? p.complaints.filter((k) => ids.has(k.id)) : []));
  return { returning, parts, history };
}

/**
 * What a poll changes of a merchant's history: each part's complaints (none: deleted) and revision, the history after
 * and its description's revision.
 */
export interface PartChanges {
  contents: Map<string, StoredComplaint[]>;
  revs: Map<string, string>;
  history: History;
  rev: string;
}

/** The changes with their revisions, and the history that describes the parts once written. */
function changesOf(mchid: string, history: History, contents: Map<string, StoredComplaint[]>, next: number, now: number): PartChanges {
  const revs = new Map<string, string>();
  const written: Part[] = [];
  const emptied = new Set<string>();
  for (const [name, complaints] of contents) {
    if (complaints.length === 0) {
      emptied.add(name);
      continue;
    }
    const rev = newRev(now);
    revs.set(name, rev);
    written.push(partOf(name, mchid, complaints, rev));
  }
  return { contents, revs, history: withParts(history, written, emptied, next), rev: newRev(now) };
}

/**
 * Writes the parts as the changes give them (a part with no complaints is deleted), then the id index, then the
 * description. A part is written whole, never merged with what KV holds: the poll read it, and only polls of this
 * merchant (one at a time) write parts.
 */
export async function writePartChanges(store: Store, mchid: string, changes: PartChanges, now: number): Promise<void> {
  const { contents, revs, history, rev } = changes;
  if (contents.size === 0) return;
  const written = [...contents].filter(([, complaints]) => complaints.length > 0);
  await Promise.all(
    written.map(([name, complaints]) =>
      store.save(historyPartKey(mchid, name), COMPLAINTS, complaints, now, plainComplaints(complaints), undefined, revs.get(name)),
    ),
  );
  await writeIdIndex(store, mchid, changes, now);
  await store.save(partsKey(mchid), historyShape(mchid), history, now, true, undefined, rev);
  // A part emptied goes last: while the description may still name it, it is there.
  await Promise.all(
    [...contents].filter(([, complaints]) => complaints.length === 0).map(([name]) => store.delete(historyPartKey(mchid, name))),
  );
}

/** The id index of each month whose parts changed: their hashes, and how the history after the changes names them. */
async function writeIdIndex(store: Store, mchid: string, { contents, history }: PartChanges, now: number): Promise<void> {
  const months = new Set([...contents.keys()].map(monthOfPart));
  const shape = idIndexShape(mchid);
  await Promise.all(
    [...months].map(async (month) => {
      const key = idIndexKey(mchid, month);
      const stored = await store.load(key, shape);
      // An unreadable month is written anew: a part missing from it is read whenever an id is looked for.
      const hashes = stored.kind === "ok" ? stored.value.hashes : new Map<string, string>();
      for (const [name, complaints] of contents) {
        if (monthOfPart(name) !== month) continue;
        if (complaints.length === 0) hashes.delete(name);
        else hashes.set(name, idHashes(complaints));
      }
      const parts = history.parts.filter((p) => monthOfPart(p.name) === month);
      if (parts.length === 0) return store.delete(key);
      await store.save(key, shape, { hashes, parts }, now, true);
    }),
  );
}

/**
 * What moving complaints into history changes: each goes into the part domain/history.ts places it in (read here,
 * unless new), what does not fit into new parts. A complaint a part already holds (a move whose parts and description
 * were written but not the present) goes back into that part, its copy there replaced. A part that cannot be read is set aside (`corrupt:…`) and
 * written anew with what moves in.
 */
export async function movesIntoHistory(
  store: Store,
  mchid: string,
  described: HistoryRead,
  moving: readonly StoredComplaint[],
  now: number,
): Promise<PartChanges> {
  const { history } = described;
  const holding = new Map<string, Part>();
  for (const k of moving) for (const part of partsHolding(history, keptPosition(mchid, k))) holding.set(part.name, part);
  const read = await loadParts(store, mchid, [...holding.values()], false);
  // A complaint a part holds already goes back to that part, replacing the copy there with the present's.
  const byId = new Map(moving.map((k) => [k.id, k]));
  const already = new Map<string, StoredComplaint[]>();
  for (const r of read) {
    const there = r.ok ? r.complaints.flatMap((k) => byId.get(k.id) ?? []) : [];
    if (there.length > 0) already.set(r.part.name, there);
  }
  const placedAlready = new Set([...already.values()].flat());
  const placing = placeMoves(
    history,
    mchid,
    moving.filter((k) => !placedAlready.has(k)),
  );
  const targets = placing.targets;
  for (const [name, list] of already) targets.set(name, (targets.get(name) ?? []).concat(list));
  const placed = placing.next;
  const unread = history.parts.filter((p) => targets.has(p.name) && !holding.has(p.name));
  read.push(...(await loadParts(store, mchid, unread, false)));
  const contents = new Map<string, StoredComplaint[]>();
  let next = placed;
  for (const [name, adding] of targets) {
    const before = read.find((r) => r.part.name === name);
    let kept: StoredComplaint[] = [];
    if (before?.ok === true) kept = before.complaints;
    else if (before !== undefined) {
      // A part the description names but KV does not hold (yet, as seen here): written anew, it would lose what it held.
      if (before.text === null) throw new HistoryError("part_missing", `Stored value ${before.error.key} is missing`);
      const aside = await store.setAside(before.error.key, before.text, now);
      logEvent("history", { mchid, outcome: "rebuilt", part: name, aside });
    }
    const filled = fillPart(name, mchid, kept, adding, next);
    next = filled.next;
    for (const [part, complaints] of filled.parts) contents.set(part, complaints);
  }
  return changesOf(mchid, history, contents, next, now);
}

/** What taking the complaints PAYJS lists again out of the parts {@link findReturning} read changes. */
export function takenOutOfHistory(
  mchid: string,
  history: History,
  parts: readonly PartRead[],
  ids: ReadonlySet<string>,
  now: number,
): PartChanges {
  const contents = new Map<string, StoredComplaint[]>();
  for (const p of parts) {
    if (!p.ok) continue;
    const left = p.complaints.filter((k) => !ids.has(k.id));
    if (left.length !== p.complaints.length) contents.set(p.part.name, left);
  }
  return changesOf(mchid, history, contents, history.next, now);
}

/**
 * Complaint `id` of the history, found through the id index (a part the index does not know is read too), or null.
 * `recent`: the edge's copies will do.
 */
export async function findInHistory(
  store: Store,
  mchid: string,
  history: History,
  id: string,
  recent: boolean,
): Promise<{ complaint: StoredComplaint; part: Part } | null> {
  if (history.parts.length === 0) return null;
  const shape = idIndexShape(mchid);
  const months = [...new Set(history.parts.map((p) => monthOfPart(p.name)))];
  const read = await Promise.all(months.map((m) => store.read(idIndexKey(mchid, m), shape, recent)));
  const index = new Map(read.flatMap((m) => (m.kind === "ok" ? [...m.value.hashes] : [])));
  const candidates = history.parts.filter((p) => {
    const hashes = index.get(p.name);
    return hashes === undefined || mayHoldId(hashes, id);
  });
  for (const read of await loadParts(store, mchid, candidates, recent)) {
    const complaint = read.ok ? read.complaints.find((k) => k.id === id) : undefined;
    if (complaint !== undefined) return { complaint, part: read.part };
  }
  return null;
}
