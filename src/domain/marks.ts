/**
 * A merchant's marks: which complaints someone answered (`replied`) or finished (`handled`), when, by whom, and with
 * what note, kept in one book with the outcomes of its refunds and a log of every change (src/actions/marks.ts reads
 * and changes it; a poll never writes it, so a mark and a poll never overwrite each other). Neither mark tells PAYJS
 * anything.
 * @module
 */
import { emptyRefunds, outcomeOf, type Refund, type RefundBook, type RefundOutcome, readRefunds, refundOf, withOutcome } from "./refund";
import { isBy, isString, type Shape } from "./shape";

export interface Mark {
  at: string;
  note: string;
  /** The device's name whose token set it; null: a configured token (`API_TOKENS`, `ADMIN_TOKEN`), or set before this was kept. */
  by: string | null;
}

/** What a change of a mark is: set (`note`) or taken off (`note` null), when and by whom. */
export interface MarkChange {
  at: string;
  by: string | null;
  note: string | null;
}

/** What the log says happened to a complaint. */
export type LogKind = "replied" | "unreplied" | "handled" | "unhandled" | "refund";
const LOG_KINDS: readonly string[] = ["replied", "unreplied", "handled", "unhandled", "refund"];

/**
 * One change, compact (the book is read by every answer): `[at, kind, by, detail]`, `detail` the note of a mark set,
 * null for one taken off, the state of a refund's outcome.
 */
export type LogEntry = [at: string, kind: LogKind, by: string | null, detail: string | null];

/** The changes by complaint id, oldest first; built without a prototype, like the marks. */
export type MarkLog = Record<string, LogEntry[]>;

/** The most changes the log keeps of one complaint: the oldest go first. */
export const LOG_KEPT = 50;

/** `replied`: the merchant answered the customer; `handled`: the matter is finished (which counts as replied). */
export type MarkKind = "replied" | "handled";
export const MARK_KINDS: readonly MarkKind[] = ["replied", "handled"];

/**
 * Marks of one kind by complaint id. Built without a prototype, so an upstream id such as `__proto__` or
 * `constructor` is a key like any other; read it with {@link markOf}.
 */
export type Marks = Record<string, Mark>;

/** One merchant's marks of both kinds, the outcomes of its refunds (kept with them: see refund.ts), and the log of changes. */
export type MarkBook = Record<MarkKind, Marks> & { refunds: RefundBook; log: MarkLog };

/** One complaint's marks and refund outcome, as the API shows them. */
export type ComplaintMarks = Record<MarkKind, Mark | null> & { refund: Refund | null };

export const UNMARKED: ComplaintMarks = { replied: null, handled: null, refund: null };

/** The longest note a mark keeps, in characters (code points). */
export const MAX_NOTE = 500;

/** No marks at all. */
function noMarks(): Marks {
  return Object.create(null) as Marks;
}

const noLog = (): MarkLog => Object.create(null) as MarkLog;

export function emptyBook(): MarkBook {
  return { replied: noMarks(), handled: noMarks(), refunds: emptyRefunds(), log: noLog() };
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
    Object.assign(merged.log, b.log);
  }
  return merged;
}

/** The marks and refund outcomes of `book` that belong to complaints `ids`. */
export function marksOfIds(book: MarkBook, ids: ReadonlySet<string>): MarkBook {
  const picked = emptyBook();
  for (const kind of MARK_KINDS) for (const [id, mark] of Object.entries(book[kind])) if (ids.has(id)) picked[kind][id] = mark;
  for (const [id, outcome] of Object.entries(book.refunds)) if (ids.has(id)) picked.refunds[id] = outcome;
  for (const [id, entries] of Object.entries(book.log)) if (ids.has(id)) picked.log[id] = entries;
  return picked;
}

/** Whether a book holds no mark, no refund outcome and no change. */
export const isEmptyBook = (book: MarkBook): boolean =>
  Object.keys(book.replied).length === 0 &&
  Object.keys(book.handled).length === 0 &&
  Object.keys(book.refunds).length === 0 &&
  Object.keys(book.log).length === 0;

/**
 * Complaint `id`'s changes, oldest first. A complaint marked before the log was kept has none of its own: its marks
 * and refund outcome as they stand are its changes.
 */
export function logOf(book: MarkBook, id: string): LogEntry[] {
  if (Object.hasOwn(book.log, id)) return book.log[id] as LogEntry[];
  const entries: LogEntry[] = [];
  for (const kind of MARK_KINDS) {
    const mark = markOf(book[kind], id);
    if (mark !== null) entries.push([mark.at, kind, mark.by, mark.note]);
  }
  const outcome = outcomeOf(book.refunds, id);
  if (outcome !== null) entries.push([outcome.at, "refund", outcome.by, outcome.state]);
  return entries.sort((a, b) => a[0].localeCompare(b[0]));
}

/** The log with `entry` after complaint `id`'s changes (those its marks stand for, when it has no log yet). */
function logged(book: MarkBook, id: string, entry: LogEntry): MarkLog {
  const log = noLog();
  for (const [k, v] of Object.entries(book.log)) if (k !== id) log[k] = v;
  log[id] = [...logOf(book, id), entry].slice(-LOG_KEPT);
  return log;
}

/** A copy of `book` with complaint `id` given the `kind` mark or without it (`change.note` null), the change logged. */
export function withMark(book: MarkBook, kind: MarkKind, id: string, change: MarkChange): MarkBook {
  const { at, by, note } = change;
  const next = noMarks();
  for (const [k, v] of Object.entries(book[kind])) if (k !== id) next[k] = v;
  if (note !== null) next[id] = { at, note, by };
  const entry: LogEntry = note === null ? [at, kind === "replied" ? "unreplied" : "unhandled", by, null] : [at, kind, by, note];
  return { ...book, [kind]: next, log: logged(book, id, entry) };
}

/** A copy of `book` with complaint `id`'s refund outcome recorded, and logged. */
export function withRefund(book: MarkBook, id: string, outcome: RefundOutcome): MarkBook {
  const log = logged(book, id, [outcome.at, "refund", outcome.by, outcome.state]);
  return { ...book, refunds: withOutcome(book.refunds, id, outcome), log };
}

function isMark(v: unknown): v is Mark {
  const x = v as Record<string, unknown>;
  return typeof v === "object" && v !== null && isString(x.at) && !Number.isNaN(Date.parse(x.at)) && isString(x.note) && isBy(x.by);
}

function readMarks(value: unknown): Marks | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const marks = noMarks();
  for (const [id, mark] of Object.entries(value)) {
    if (!isMark(mark)) return null;
    // A mark set before `by` was kept reads as set by a configured token.
    marks[id] = { at: mark.at, note: mark.note, by: mark.by ?? null };
  }
  return marks;
}

function isLogEntry(v: unknown): v is LogEntry {
  if (!Array.isArray(v) || v.length !== 4) return false;
  const [at, kind, by, detail] = v as unknown[];
  return (
    isString(at) && !Number.isNaN(Date.parse(at)) && LOG_KINDS.includes(kind as string) && isBy(by) && (detail === null || isString(detail))
  );
}

/**
 * The log as stored. An entry that is not valid is left out rather than refusing the book: the marks are what
 * matters, and a book that cannot be read is set aside and replaced.
 */
function readLog(value: unknown): MarkLog {
  const log = noLog();
  if (typeof value !== "object" || value === null || Array.isArray(value)) return log;
  for (const [id, entries] of Object.entries(value)) if (Array.isArray(entries)) log[id] = entries.filter(isLogEntry);
  return log;
}

/**
 * `handled` marks under `marks` (the name they had before `replied` existed), refund outcomes under `refunds`, the
 * changes under `log` (only once there is one): older values without them read as they are.
 */
export const MARKS: Shape<MarkBook> = {
  what: "marks",
  read({ marks, replied, refunds, log }) {
    const handled = readMarks(marks);
    const answered = replied === undefined ? noMarks() : readMarks(replied);
    const outcomes = readRefunds(refunds);
    if (handled === null || answered === null || outcomes === null) return null;
    return { handled, replied: answered, refunds: outcomes, log: readLog(log) };
  },
  write: (book) => ({
    marks: book.handled,
    replied: book.replied,
    refunds: book.refunds,
    ...(Object.keys(book.log).length === 0 ? {} : { log: book.log }),
  }),
};
