/**
 * The replied and handled marks of every merchant (`handled:{mchid}`), which only the HTTP side writes: read apart
 * from the snapshot and merged into each answer when it is built. How long an isolate keeps them is `cache.ts`'s.
 * @module
 */

import type { Complaint } from "../domain/complaint";
import {
  type ComplaintMarks,
  emptyBook,
  MARKS,
  type Mark,
  type MarkBook,
  type MarkKind,
  markOf,
  marksIn,
  UNMARKED,
  withMark,
} from "../domain/marks";
import { handledKey, type StorageError, type Store, type Stored, writeTwice } from "../store";

export interface MerchantMarks {
  book: MarkBook;
  /** The stored value's revision (`absent` when there is none): part of every ETag. */
  rev: string;
  /** The value, or some marks in it, could not be read. */
  error: StorageError | null;
}

export interface MarksView {
  /** Each configured merchant's marks. */
  byMerchant: ReadonlyMap<string, MerchantMarks>;
  /** Changes whenever any merchant's marks change. */
  revision: string;
}

/** No marks read (what the reader's functions assume when given none). */
export const NO_MARKS: MarksView = { byMerchant: new Map(), revision: "" };

const EMPTY = emptyBook();

/** A merchant's marks in the view (none when it has none). */
export function marksOf(view: MarksView, mchid: string): MarkBook {
  return view.byMerchant.get(mchid)?.book ?? EMPTY;
}

/** The marks of one complaint. */
export function marksFor(view: MarksView, c: Pick<Complaint, "mchid" | "id">): ComplaintMarks {
  const book = view.byMerchant.get(c.mchid)?.book;
  return book === undefined ? UNMARKED : marksIn(book, c.id);
}

/** Whether one complaint carries a handled mark. */
export function isHandled(view: MarksView, c: Pick<Complaint, "mchid" | "id">): boolean {
  const book = view.byMerchant.get(c.mchid)?.book;
  return book !== undefined && markOf(book.handled, c.id) !== null;
}

function fromStored(stored: Stored<MarkBook>): MerchantMarks {
  if (stored.kind === "absent") return { book: emptyBook(), rev: "absent", error: null };
  if (stored.kind === "unreadable") return { book: emptyBook(), rev: "unreadable", error: stored.error };
  return { book: stored.value, rev: stored.rev, error: null };
}

/** A merchant's marks as KV holds them now, or as the edge saw them up to 30 s ago. */
export async function loadMarks(store: Store, mchid: string): Promise<MerchantMarks> {
  return fromStored(await store.loadRecent(handledKey(mchid), MARKS));
}

/** A change of the marks that could not be stored; its message is for the caller (no stack, no key). */
export class MarkNotSaved extends Error {
  override readonly name = "MarkNotSaved";
}

/** A change of a merchant's marks: the book to write, or null when there is nothing to write. */
export type MarksEdit = (book: MarkBook) => MarkBook | null;

/** Gives complaint `id` the `kind` mark (`mark`), or takes it off (null; nothing to write when it has none). */
export function markEdit({ kind, id, mark }: { kind: MarkKind; id: string; mark: Mark | null }): MarksEdit {
  return (book) => (mark === null && markOf(book[kind], id) === null ? null : withMark(book, kind, id, mark));
}

/**
 * Applies `edit` to merchant `mchid`'s marks: reads them, edits and writes them back, one write. KV refuses a
 * second write of a key within a second (another change of the same merchant's marks, from this isolate or
 * another): then, once, it waits a second, reads again, applies the edit to what it finds and writes. An edit
 * with nothing to write writes nothing. An unreadable value is set aside under `corrupt:handled:{mchid}:{ms}`
 * before it is replaced; a value in a newer layout is never replaced.
 * @returns the merchant's marks as they now stand.
 * @throws MarkNotSaved when neither try was stored.
 */
export async function changeMarks(store: Store, mchid: string, edit: MarksEdit, now: number): Promise<MerchantMarks> {
  const key = handledKey(mchid);
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
