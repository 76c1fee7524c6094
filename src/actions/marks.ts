/**
 * A merchant's marks books (`marks:{mchid}:{month}`, one per Beijing month of `complaint_at`: the replied and handled
 * marks, and the refunds' outcomes): the one way they are read (by the reader, the poller and the refund) and the one
 * way one is changed (by the mark routes and the refund). A poll never writes them, so a mark and a poll never
 * overwrite each other; and a complaint keeps its book when it moves into history, so the present's marks are the
 * books of the present's months.
 * @module
 */
import { monthsOfKept } from "../domain/history";
import { emptyBook, MARKS, type MarkBook, type MarkChange, type MarkKind, markOf, mergeBooks, withMark } from "../domain/marks";
import type { Present } from "../domain/stored-complaints";
import { loadLegacy, loadPresent, NOTHING_YET } from "../history/present";
import { logEvent } from "../log";
import { legacyMarksKey, marksKey, type StorageError, type Store, type Stored, writeTwice } from "../store";
import { ActionError } from "./errors";

export interface MerchantMarks {
  book: MarkBook;
  /** The stored value's revision (`absent` when there is none): part of every ETag. */
  rev: string;
  /** The value, or some marks in it, could not be read. */
  error: StorageError | null;
}

function fromStored(stored: Stored<MarkBook>): MerchantMarks {
  if (stored.kind === "absent") return { book: emptyBook(), rev: "absent", error: null };
  if (stored.kind === "unreadable") return { book: emptyBook(), rev: "unreadable", error: stored.error };
  return { book: stored.value, rev: stored.rev, error: null };
}

/**
 * One month's book of a merchant's marks: as KV holds it now (`fresh`: what a change or a tick decides on), or as the
 * edge saw it up to 30 s ago (what answers are served from). An unreadable value reads as no marks, with its error.
 */
export async function readMonthMarks(store: Store, mchid: string, month: string, fresh: boolean): Promise<MerchantMarks> {
  const key = marksKey(mchid, month);
  return fromStored(await store.read(key, MARKS, !fresh));
}

/** Layout 2's one book of every mark of a merchant (`handled:{mchid}`): read while the merchant is moved over. */
export async function readLegacyMarks(store: Store, mchid: string, fresh: boolean): Promise<MerchantMarks> {
  const key = legacyMarksKey(mchid);
  return fromStored(await store.read(key, MARKS, !fresh));
}

/** Books of one merchant read as one: their marks together, a revision of them all, the first error. */
export function joinMarks(months: readonly string[], books: readonly MerchantMarks[]): MerchantMarks {
  return {
    book: books.length === 0 ? emptyBook() : mergeBooks(books.map((b) => b.book)),
    rev: months.map((m, i) => `${m}=${books[i]?.rev}`).join(";"),
    error: books.find((b) => b.error !== null)?.error ?? null,
  };
}

/** The marks of a merchant's complaints of `months`, as KV holds them now. */
export async function readMarks(store: Store, mchid: string, months: readonly string[]): Promise<MerchantMarks> {
  return joinMarks(months, await Promise.all(months.map((m) => readMonthMarks(store, mchid, m, true))));
}

/**
 * A merchant's present as KV holds it now and the marks of its complaints, for what a tick tells of it: while layout 2
 * is moved over, its whole list and its one book. Null when the present cannot be read.
 */
export async function presentWithMarks(store: Store, mchid: string): Promise<{ present: Present; marks: MerchantMarks } | null> {
  const read = await loadPresent(store, mchid, false);
  if (read.kind === "unreadable") return null;
  if (read.kind === "absent") return { present: NOTHING_YET, marks: joinMarks([], []) };
  if (read.kind === "ok") return { present: read.present, marks: await readMarks(store, mchid, monthsOfKept(read.present.complaints)) };
  const [legacy, marks] = await Promise.all([loadLegacy(store, mchid, false), readLegacyMarks(store, mchid, true)]);
  if (legacy.kind === "unreadable") return null;
  return { present: legacy.kind === "ok" ? legacy.value : NOTHING_YET, marks };
}

/** A change of the marks that could not be stored; its message is for the caller (no stack, no key). */
export class MarkNotSaved extends ActionError {
  constructor(message: string) {
    super("storage", message);
  }
}

/** A change of a merchant's marks: the book to write, or null when there is nothing to write. */
type MarksEdit = (book: MarkBook) => MarkBook | null;

/** Gives complaint `id` the `kind` mark, or takes it off (`change.note` null; nothing to write when it has none). */
export function markEdit({ kind, id, change }: { kind: MarkKind; id: string; change: MarkChange }): MarksEdit {
  return (book) => (change.note === null && markOf(book[kind], id) === null ? null : withMark(book, kind, id, change));
}

/**
 * Applies `edit` to merchant `mchid`'s book of `month`: reads it, edits and writes it back, one write. KV refuses a
 * second write of a key within a second (another change of the same merchant's marks, from this isolate or
 * another): then, once, it waits a second, reads again, applies the edit to what it finds and writes. An edit
 * with nothing to write writes nothing. An unreadable value is set aside under `corrupt:marks:{mchid}:{month}:{ms}`
 * before it is replaced; a value in a newer layout is never replaced.
 * @returns the merchant's marks as they now stand.
 * @throws MarkNotSaved when neither try was stored.
 */
export async function changeMarks(store: Store, mchid: string, month: string, edit: MarksEdit, now: number): Promise<MerchantMarks> {
  const key = marksKey(mchid, month);
  let setAside = false;
  const apply = async (): Promise<MerchantMarks> => {
    // Fresh, not the edge's copy: the change is applied to what KV holds now.
    const current = await store.load(key, MARKS);
    if (current.kind === "unreadable" && current.error.code === "storage_format") {
      throw new MarkNotSaved(`${current.error.message}: a newer version of this Worker wrote it, so it is left as it is`);
    }
    const next = edit(current.kind === "ok" ? current.value : emptyBook());
    if (next === null) return fromStored(current);
    if (current.kind === "unreadable" && !setAside) {
      await store.setAside(key, current.text, now);
      setAside = true;
    }
    const rev = await store.save(key, MARKS, next, now);
    return { book: next, rev, error: null };
  };
  try {
    return await writeTwice(apply, (error) => error instanceof MarkNotSaved);
  } catch (error) {
    if (error instanceof MarkNotSaved) throw error;
    throw new MarkNotSaved("KV did not store the change of the marks (twice); try again in a few seconds");
  }
}

/** A complaint a mark is given to: its merchant, its id, and the month of its book. */
export interface MarkedComplaint {
  mchid: string;
  id: string;
  month: string;
}

/**
 * Gives a complaint the `kind` mark with `note`, or takes it off (`note` null), as `by` (a device's name; null: a
 * configured token).
 * @returns the book of the complaint's month as it now stands.
 * @throws ActionError `storage` naming the mark when KV did not store it.
 */
export async function setMark(
  store: Store,
  { mchid, id, month }: MarkedComplaint,
  kind: MarkKind,
  { note, by }: { note: string | null; by: string | null },
  now: number,
): Promise<MerchantMarks> {
  const change: MarkChange = { at: new Date(now).toISOString(), by, note };
  try {
    return await changeMarks(store, mchid, month, markEdit({ kind, id, change }), now);
  } catch (error) {
    const message = error instanceof MarkNotSaved ? error.message : "KV could not be read or written";
    logEvent("mark", { mchid, kind, outcome: "error", error: "storage", message });
    throw new ActionError("storage", `The ${kind} mark was not saved: ${message}`);
  }
}
