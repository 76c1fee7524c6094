/**
 * Moving a merchant from layout 2 to layout 3, a slice per invocation. Layout 2 kept every complaint ever seen in one
 * value (`complaints:{mchid}`, newest first) and every mark in one book (`handled:{mchid}`); reading it whole costs
 * more than a free invocation once it holds a few thousand. So each invocation that would poll the merchant instead:
 * 1. reads the old value as text, parses its small `seen` list and only the next {@link SLICE} records of its
 *    `complaints` list (cut at a record boundary, checked by the parse itself);
 * 2. keeps the complaints PAYJS still lists or that left it in the last week for the present (gathered in
 *    `upgrade:{mchid}`) and moves the others into the parts of its history (history/parts.ts), their marks into the
 *    books of their months, each id as it was;
 * 3. writes what it did to `upgrade:{mchid}`, last: a slice cut short is done again, and a part or a book written
 *    twice holds each complaint or mark once.
 * The last slice writes the marks of its complaints, of the present and of no complaint of the list (to the `none`
 * book) into their books, each book once, then the present (from then on the merchant is polled as any other), then
 * deletes the old values and `upgrade:{mchid}`. Nothing is
 * told: the move is no news. Until the present is written, answers read the old values whole, as layout 2 did, and
 * marks cannot be changed (`upgrading`).
 * @module
 */
import { changeMarks, type MerchantMarks, readLegacyMarks, readMonthMarks } from "../actions/marks";
import type { StoredComplaint } from "../domain/complaint";
import { countArrivals } from "../domain/days";
import { KEEP_PRESENT_MS, monthOf, monthOfPart, summaryOf } from "../domain/history";
import { isEmptyBook, type MarkBook, marksOfIds, mergeBooks } from "../domain/marks";
import { keptPosition, sortKept } from "../domain/position";
import { isCount, type Shape } from "../domain/shape";
import { keptFromColumns } from "../domain/stored-complaints";
import { DAY_MS } from "../domain/time";
import { type Upgrade, upgradeShape } from "../domain/upgrade";
import { movesIntoHistory, writePartChanges } from "../history/parts";
import { savePresent } from "../history/present";
import { parseJson } from "../json";
import { logEvent } from "../log";
import { isPlainText, legacyComplaintsKey, legacyMarksKey, type Store, upgradeKey, upgradeTriesKey } from "../store";
import type { Tick } from "./tick-context";

/** Complaints of the old list one invocation moves: reading and writing them fits a free invocation's CPU. */
export const SLICE = 1_000;

const LIST = '],"complaints":[';

/** Where the old value's lists lie in its text; null when it is not the value layout 2 wrote. */
function listsOf(text: string): { seen: unknown[]; start: number; end: number } | null {
  const seenAt = text.indexOf('"seen":[');
  // `seen` holds only strings (or lists of them), in which `"` is escaped: the first `],"complaints":[` ends it.
  const listAt = seenAt === -1 ? -1 : text.indexOf(LIST, seenAt);
  const end = text.lastIndexOf("]}");
  if (listAt === -1 || end < listAt) return null;
  try {
    const seen = JSON.parse(text.slice(seenAt + 7, listAt + 1)) as unknown;
    return Array.isArray(seen) ? { seen, start: listAt + LIST.length, end } : null;
  } catch {
    return null;
  }
}

/**
 * The next records of the old list from `offset`, about `wanted` of them, and where the ones after begin. A record
 * boundary is `},{"` outside any string (inside one, `"` is escaped); one inside a record (a nested list of objects)
 * leaves the text before it unbalanced, which the parse refuses: the next boundary is tried.
 */
function sliceAt(
  text: string,
  offset: number,
  end: number,
  wanted: number,
  perRecord: number,
  plain: boolean,
): { records: unknown[]; next: number } | null {
  const parse = (body: string): unknown[] | null => {
    try {
      const value = plain ? JSON.parse(body) : parseJson(body);
      return Array.isArray(value) ? value : null;
    } catch {
      return null;
    }
  };
  for (
    let at = text.indexOf('},{"', offset + Math.max(1, wanted * perRecord - 2));
    at !== -1 && at < end;
    at = text.indexOf('},{"', at + 1)
  ) {
    const records = parse(`[${text.slice(offset, at + 1)}]`);
    if (records !== null) return { records, next: at + 2 };
  }
  const rest = parse(`[${text.slice(offset, end)}]`);
  return rest === null ? null : { records: rest, next: end };
}

/** The present of the move so far: still listed, or left in the last week. */
const staysPresent = (k: StoredComplaint, now: number): boolean => k.active || Date.parse(k.last_seen_at) > now - KEEP_PRESENT_MS;

/** Marks of the old book to write into the books of their months: month → the marks it takes. */
type Picks = Map<string, MarkBook>;

/** Adds the old book's marks of `moved` to `picks`, by the month of each complaint. */
function pickMarks(picks: Picks, mchid: string, old: MarkBook, moved: readonly StoredComplaint[]): Picks {
  const byMonth = new Map<string, Set<string>>();
  for (const k of moved) {
    const month = monthOf(keptPosition(mchid, k).at);
    byMonth.set(month, (byMonth.get(month) ?? new Set<string>()).add(k.id));
  }
  for (const [month, ids] of byMonth) addPick(picks, month, marksOfIds(old, ids));
  return picks;
}

function addPick(picks: Picks, month: string, picked: MarkBook): void {
  if (isEmptyBook(picked)) return;
  const before = picks.get(month);
  picks.set(month, before === undefined ? picked : mergeBooks([before, picked]));
}

/** Writes each month's picked marks into its book, merged with what it holds (what a repeated slice wrote): once each. */
function writePicks(store: Store, mchid: string, picks: Picks, now: number): Promise<unknown> {
  return Promise.all([...picks].map(([month, picked]) => changeMarks(store, mchid, month, (book) => mergeBooks([book, picked]), now)));
}

/**
 * What a slice did: moved some (`message` says how far the move has come; no poll: no status is written), or found
 * the old value unreadable, or gave the move up (its `text`, and why).
 */
export type Slice = { moved: string } | { unreadable: string; why: string };

/**
 * Tries of one slice before the move is given up. A slice cut off (over the invocation's CPU) writes no progress and
 * would be begun again at every tick, the merchant never polled: after these, its old list is treated as one that
 * cannot be read (set aside, the present rebuilt from PAYJS's answer and what the slices so far moved).
 */
const TRIES = 3;

const TRIES_SHAPE: Shape<{ offset: number; tries: number }> = {
  what: "upgrade tries",
  read: ({ offset, tries }) => (isCount(offset) && isCount(tries) ? { offset: offset as number, tries: tries as number } : null),
  write: (v) => v,
};

/** The next slice of the move, counted; or the move given up after {@link TRIES} tries of the same slice. */
export async function nextSlice(tick: Tick, mchid: string, upgrade: Upgrade): Promise<Slice> {
  const { store, now } = tick;
  const key = upgradeTriesKey(mchid);
  const last = await store.load(key, TRIES_SHAPE);
  const tries = last.kind === "ok" && last.value.offset === upgrade.offset ? last.value.tries : 0;
  if (tries >= TRIES) {
    const text = await store.loadText(legacyComplaintsKey(mchid));
    if (text !== null) {
      logEvent("upgrade", { mchid, outcome: "given_up", done: upgrade.done, tries });
      return { unreadable: text, why: `could not be moved over: its next slice was begun ${tries} times without finishing` };
    }
  }
  // Written once a tick, never deleted in the same invocation: KV forgets it a day after the last try.
  await store.save(key, TRIES_SHAPE, { offset: upgrade.offset, tries: tries + 1 }, now, true, DAY_MS / 1000);
  return upgradeSlice(tick, mchid, upgrade);
}

/**
 * One slice of the move of merchant `mchid` (see the module's comment).
 * @returns `unreadable` when the old value cannot be read as layout 2 wrote it: the poll then rebuilds the present from
 *   PAYJS's answer, as for any unreadable present, with the old value set aside.
 */
export async function upgradeSlice(tick: Tick, mchid: string, upgrade: Upgrade): Promise<Slice> {
  const { store, now } = tick;
  const text = await store.loadText(legacyComplaintsKey(mchid));
  if (text === null) return finish(tick, mchid, upgrade);
  const lists = listsOf(text);
  if (lists === null) return { unreadable: text, why: "is not layout 2's list" };
  const offset = upgrade.offset === 0 ? lists.start : upgrade.offset;
  const total = lists.seen.length;
  if (upgrade.done >= total || offset >= lists.end) return finish(tick, mchid, upgrade);
  const perRecord = (lists.end - lists.start) / Math.max(1, total);
  const slice = sliceAt(text, offset, lists.end, SLICE, perRecord, isPlainText(text));
  const kept = slice?.records.map((raw, i) => keptFromColumns(raw, lists.seen[upgrade.done + i]));
  if (slice === null || kept === undefined || !kept.every((k): k is StoredComplaint => k !== null))
    return { unreadable: text, why: "is not layout 2's list" };

  const present = kept.filter((k) => staysPresent(k, now));
  const past = kept.filter((k) => !staysPresent(k, now));
  const changes = await movesIntoHistory(store, mchid, { history: upgrade.history, rev: upgrade.rev }, past, now);
  await writePartChanges(store, mchid, changes, now);
  const old = await readLegacyMarks(store, mchid, true);
  const picks = pickMarks(new Map(), mchid, old.book, past);
  const done = upgrade.done + kept.length;
  const next: Upgrade = {
    complaints: upgrade.complaints.concat(present),
    history: changes.history,
    rev: changes.rev,
    days: countArrivals(upgrade.days, kept, now),
    done,
    offset: slice.next,
  };
  logEvent("upgrade", { mchid, outcome: "slice", done, total, present: next.complaints.length, parts: next.history.parts.length });
  if (done >= total || slice.next >= lists.end) return finish(tick, mchid, next, { old, picks });
  await writePicks(store, mchid, picks, now);
  await store.save(upgradeKey(mchid), upgradeShape(mchid), next, now, true);
  return { moved: `moving stored complaints to layout 3: ${done} of ${total} done; polls resume when the move is done` };
}

/**
 * The move's last step: the marks of this invocation's slice, of the present and of no complaint written into their
 * books (each book once), then the present, then layout 2's values and the progress deleted. Until the present is
 * written the move is not done: a step cut short is done again, reading the old book again.
 */
async function finish(tick: Tick, mchid: string, upgrade: Upgrade, slice?: { old: MerchantMarks; picks: Picks }): Promise<Slice> {
  const { store, now } = tick;
  const complaints = sortKept(mchid, upgrade.complaints);
  const old = slice?.old ?? (await readLegacyMarks(store, mchid, true));
  const months = upgrade.history.parts.map((p) => monthOfPart(p.name));
  await moveOldMarks(store, mchid, { old: old.book, complaints, months, ...(slice === undefined ? {} : { gathered: slice.picks }) }, now);
  await savePresent(store, mchid, { complaints, history: summaryOf(upgrade.history, upgrade.rev), days: upgrade.days }, now);
  // A book that could not be read is left where it is, not deleted with the rest.
  const marks = old.error === null ? [store.delete(legacyMarksKey(mchid))] : [];
  await Promise.all([store.delete(legacyComplaintsKey(mchid)), store.delete(upgradeKey(mchid)), ...marks]);
  logEvent("upgrade", { mchid, outcome: "done", present: complaints.length, parts: upgrade.history.parts.length });
  return { moved: "moved to layout 3; polls resume at the next tick" };
}

/**
 * Writes the old book's marks of `complaints` (and `gathered` before) into the books of their months, and the
 * marks of no complaint (in none of `months`' books, written or about to be) into the `none` book rather than lose
 * them with the old one: each book once. Also what a layout 2 list that could not be read leaves (poller/poll.ts).
 */
export async function moveOldMarks(
  store: Store,
  mchid: string,
  {
    old,
    complaints,
    months,
    gathered,
  }: { old: MarkBook; complaints: readonly StoredComplaint[]; months: readonly string[]; gathered?: Picks },
  now: number,
): Promise<void> {
  if (isEmptyBook(old)) return;
  const picks = pickMarks(gathered ?? new Map(), mchid, old, complaints);
  addPick(picks, "none", await orphanMarks(store, mchid, old, months, picks));
  await writePicks(store, mchid, picks, now);
}

async function orphanMarks(store: Store, mchid: string, old: MarkBook, history: readonly string[], picks: Picks): Promise<MarkBook> {
  const months = new Set([...history, ...picks.keys()]);
  const books = await Promise.all([...months].map((m) => readMonthMarks(store, mchid, m, true)));
  const moved = mergeBooks(books.map((b) => b.book).concat([...picks.values()]));
  const all = new Set([...Object.keys(old.replied), ...Object.keys(old.handled), ...Object.keys(old.refunds)]);
  const orphans = new Set([...all].filter((id) => !(id in moved.replied || id in moved.handled || id in moved.refunds)));
  return marksOfIds(old, orphans);
}
