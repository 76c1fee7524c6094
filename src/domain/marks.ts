/**
 * A merchant's marks: which complaints someone answered (`replied`) or finished (`handled`), when, and with what
 * note, kept in one book with the outcomes of its refunds (src/actions/marks.ts reads and changes it; a poll never
 * writes it, so a mark and a poll never overwrite each other). Neither mark tells PAYJS anything.
 * @module
 */
import { emptyRefunds, outcomeOf, type Refund, type RefundBook, readRefunds, refundOf } from "./refund";
import { isString, type Shape } from "./shape";

export interface Mark {
  at: string;
  note: string;
}

/** `replied`: the merchant answered the customer; `handled`: the matter is finished (which counts as replied). */
export type MarkKind = "replied" | "handled";
export const MARK_KINDS: readonly MarkKind[] = ["replied", "handled"];

/**
 * Marks of one kind by complaint id. Built without a prototype, so an upstream id such as `__proto__` or
 * `constructor` is a key like any other; read it with {@link markOf}.
 */
export type Marks = Record<string, Mark>;

/** One merchant's marks of both kinds, and the outcomes of its refunds (kept with them: see refund.ts). */
export type MarkBook = Record<MarkKind, Marks> & { refunds: RefundBook };

/** One complaint's marks and refund outcome, as the API shows them. */
export type ComplaintMarks = Record<MarkKind, Mark | null> & { refund: Refund | null };

export const UNMARKED: ComplaintMarks = { replied: null, handled: null, refund: null };

/** The longest note a mark keeps, in characters (code points). */
export const MAX_NOTE = 500;

/** No marks at all. */
function noMarks(): Marks {
  return Object.create(null) as Marks;
}

export function emptyBook(): MarkBook {
  return { replied: noMarks(), handled: noMarks(), refunds: emptyRefunds() };
}

/** The mark of complaint `id`, or null. Only the value's own keys count. */
export function markOf(marks: Marks, id: string): Mark | null {
  return Object.hasOwn(marks, id) ? (marks[id] as Mark) : null;
}

/** Complaint `id`'s marks in `book`. */
export function marksIn(book: MarkBook, id: string): ComplaintMarks {
  const replied = markOf(book.replied, id);
  const handled = markOf(book.handled, id);
  const outcome = outcomeOf(book.refunds, id);
  if (replied === null && handled === null && outcome === null) return UNMARKED;
  // Without the attempt, the outcome on record is the refund (its time is all refundOf needs of `now`).
  return { replied, handled, refund: refundOf(outcome, null, 0) };
}

/** One book of the marks of several (the month books of one merchant: no complaint is in two). */
export function mergeBooks(books: readonly MarkBook[]): MarkBook {
  if (books.length === 1) return books[0] as MarkBook;
  const merged = emptyBook();
  for (const b of books) {
    Object.assign(merged.replied, b.replied);
    Object.assign(merged.handled, b.handled);
    Object.assign(merged.refunds, b.refunds);
  }
  return merged;
}

/** The marks and refund outcomes of `book` that belong to complaints `ids`. */
export function marksOfIds(book: MarkBook, ids: ReadonlySet<string>): MarkBook {
  const picked = emptyBook();
  for (const kind of MARK_KINDS) for (const [id, mark] of Object.entries(book[kind])) if (ids.has(id)) picked[kind][id] = mark;
  for (const [id, outcome] of Object.entries(book.refunds)) if (ids.has(id)) picked.refunds[id] = outcome;
  return picked;
}

/** Whether a book holds no mark and no refund outcome. */
export const isEmptyBook = (book: MarkBook): boolean =>
  Object.keys(book.replied).length === 0 && Object.keys(book.handled).length === 0 && Object.keys(book.refunds).length === 0;

/** A copy of `book` with complaint `id` given the `kind` mark (`mark`) or without it (null). */
export function withMark(book: MarkBook, kind: MarkKind, id: string, mark: Mark | null): MarkBook {
  const next = noMarks();
  for (const [k, v] of Object.entries(book[kind])) if (k !== id) next[k] = v;
  if (mark !== null) next[id] = mark;
  return { ...book, [kind]: next };
}

function isMark(v: unknown): v is Mark {
  const x = v as Record<string, unknown>;
  return typeof v === "object" && v !== null && isString(x.at) && !Number.isNaN(Date.parse(x.at)) && isString(x.note);
}

function readMarks(value: unknown): Marks | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const marks = noMarks();
  for (const [id, mark] of Object.entries(value)) {
    if (!isMark(mark)) return null;
    marks[id] = { at: mark.at, note: mark.note };
  }
  return marks;
}

/**
 * `handled` marks under `marks` (the name they had before `replied` existed), refund outcomes under `refunds`: older
 * values without them read as they are.
 */
export const MARKS: Shape<MarkBook> = {
  what: "marks",
  read({ marks, replied, refunds }) {
    const handled = readMarks(marks);
    const answered = replied === undefined ? noMarks() : readMarks(replied);
    const outcomes = readRefunds(refunds);
    return handled === null || answered === null || outcomes === null ? null : { handled, replied: answered, refunds: outcomes };
  },
  write: (book) => ({ marks: book.handled, replied: book.replied, refunds: book.refunds }),
};
