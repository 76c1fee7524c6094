/**
 * A merchant's handled marks: which complaints someone marked as dealt with, when, and with what note. Kept in
 * a value of its own that only `PUT`/`DELETE /api/complaints/{id}/handled` write, so a mark and a poll never
 * overwrite each other.
 * @module
 */
import type { Complaint, StoredComplaint } from "./complaint";
import { isString, type Shape } from "./shape";

export interface HandledMark {
  at: string;
  note: string;
}

/**
 * Marks by complaint id. Built without a prototype, so an upstream id such as `__proto__` or `constructor` is
 * a key like any other; read it with {@link markOf}.
 */
export type Marks = Record<string, HandledMark>;

/** The longest note a mark keeps, in characters (code points). */
export const MAX_NOTE = 500;

/** A complaint as the API shows it: the stored record with its handled mark (null when unmarked). */
export type ServedComplaint = Complaint & { handled: HandledMark | null };

/** A complaint as the list shows it: as the API shows it, without `raw` unless the list was asked for it. */
export type ListedComplaint = Omit<ServedComplaint, "raw"> & Partial<Pick<ServedComplaint, "raw">>;

/** A served complaint without `raw`, about half of its bytes, which a list row does not need (the detail has it). */
export function lean(c: Complaint, mark: HandledMark | null): ListedComplaint {
  // Written out rather than spread: every item of a page gets one object shape.
  return {
    id: c.id,
    mchid: c.mchid,
    complaint_at: c.complaint_at,
    out_trade_no: c.out_trade_no,
    order_id: c.order_id,
    total_fee: c.total_fee,
    body: c.body,
    first_seen_at: c.first_seen_at,
    last_seen_at: c.last_seen_at,
    active: c.active,
    handled: mark,
  };
}

/** The record with `handled` in its documented place, after `active` and before `raw`. */
export function served(c: Complaint, mark: HandledMark | null): ServedComplaint {
  return { ...(lean(c, mark) as Omit<ServedComplaint, "raw">), raw: c.raw };
}

/** No marks at all. */
export function noMarks(): Marks {
  return Object.create(null) as Marks;
}

/** The mark of complaint `id`, or null. Only the value's own keys count. */
export function markOf(marks: Marks, id: string): HandledMark | null {
  return Object.hasOwn(marks, id) ? (marks[id] as HandledMark) : null;
}

/** A copy of `marks` with complaint `id` marked (`mark`) or unmarked (null). */
export function withMark(marks: Marks, id: string, mark: HandledMark | null): Marks {
  const next = noMarks();
  for (const [k, v] of Object.entries(marks)) if (k !== id) next[k] = v;
  if (mark !== null) next[id] = mark;
  return next;
}

/** How many of `complaints` are active and carry no mark. */
export function countUnhandled(complaints: readonly StoredComplaint[], marks: Marks): number {
  let n = 0;
  for (const c of complaints) if (c.active && !Object.hasOwn(marks, c.id)) n++;
  return n;
}

function isMark(v: unknown): v is HandledMark {
  const x = v as Record<string, unknown>;
  return typeof v === "object" && v !== null && isString(x.at) && !Number.isNaN(Date.parse(x.at)) && isString(x.note);
}

export const HANDLED: Shape<Marks> = {
  what: "marks",
  read({ marks }) {
    if (typeof marks !== "object" || marks === null || Array.isArray(marks)) return null;
    const value = noMarks();
    for (const [id, mark] of Object.entries(marks)) {
      if (!isMark(mark)) return null;
      value[id] = { at: mark.at, note: mark.note };
    }
    return value;
  },
  write: (marks) => ({ marks }),
};
