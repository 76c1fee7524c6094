/**
 * What every answer about complaints is built from: each complaint of a snapshot as the API shows it (its deadlines,
 * `next_due` and marks worked out once, on first use: a page of 100 works out 100), in the snapshot's order, with the
 * order by `next_due` worked out on first use. One view serves every request until a poll makes a new snapshot, a mark
 * changes the marks' revision, or the deadline settings change (reader/cache.ts keeps it). Pure.
 * @module
 */
import type { Complaint } from "../domain/complaint";
import { type DeadlineRules, type Deadlines, deadlinesOf, nextDue } from "../domain/deadlines";
import type { ComplaintMarks } from "../domain/marks";
import { comparePositions, type Position } from "../domain/position";
import type { ServedComplaint } from "../domain/served";
import { isHandled, type MarksView, marksFor } from "./marks";
import type { Snapshot } from "./snapshot";

/** One complaint of a view, with what the marks and the deadline settings decide of it. */
export interface Row {
  complaint: Complaint;
  position: Position;
  marks: ComplaintMarks;
  deadlines: Deadlines;
  /** ISO, as the API shows it; null once handled, no longer active, or without a deadline. */
  next_due: string | null;
  /** `next_due` as epoch ms. */
  due: number | null;
  handled: boolean;
}

export interface View {
  snapshot: Snapshot;
  /** How many complaints (rows) it has, in the snapshot's order. */
  size: number;
  /** Row `i`, worked out on first use. */
  row(i: number): Row;
  /** Row indices soonest `next_due` first, those without one last, then in the snapshot's order. */
  byDue(): readonly number[];
  /** Changes whenever the stored complaints, poll states, marks or deadline settings do: the base of every ETag. */
  revision: string;
}

/** The one order of `sort=due`: by `next_due` (none last), then by position. */
export function compareDue(a: { due: number | null; position: Position }, b: { due: number | null; position: Position }): number {
  if (a.due !== b.due) {
    if (a.due === null) return 1;
    if (b.due === null) return -1;
    return a.due - b.due;
  }
  return comparePositions(a.position, b.position);
}

function rowOf(complaint: Complaint, position: Position, marks: MarksView, rules: DeadlineRules): Row {
  const own = marksFor(marks, complaint);
  const deadlines = deadlinesOf(complaint, rules);
  const next = nextDue(complaint, deadlines, own);
  return {
    complaint,
    position,
    marks: own,
    deadlines,
    next_due: next,
    due: next === null ? null : Date.parse(next),
    handled: isHandled(marks, complaint),
  };
}

/** The deadline settings as text, for the revision. */
const rulesKey = (rules: DeadlineRules): string =>
  `${rules.replyWithinHours}/${rules.resolveWithinHours}/${rules.remindBeforeHours.join(",")}`;

export function buildView(snapshot: Snapshot, marks: MarksView, rules: DeadlineRules): View {
  const size = snapshot.complaints.length;
  const rows: (Row | undefined)[] = new Array(size);
  const row = (i: number): Row => {
    let r = rows[i];
    if (r === undefined) {
      r = rowOf(snapshot.complaints[i] as Complaint, snapshot.positions[i] as Position, marks, rules);
      rows[i] = r;
    }
    return r;
  };
  let byDue: number[] | null = null;
  return {
    snapshot,
    size,
    row,
    byDue() {
      byDue ??= Array.from({ length: size }, (_, i) => i).sort((a, b) => compareDue(row(a), row(b)));
      return byDue;
    },
    revision: `${snapshot.revision}|${marks.revision}|${rulesKey(rules)}`,
  };
}

/** The view's key besides its snapshot: a new one is built when it changes. */
export function viewKey(marks: MarksView, rules: DeadlineRules): string {
  return `${marks.revision}|${rulesKey(rules)}`;
}

/** A row as the API shows its complaint (the detail, the CSV, the webhooks), `raw` last. */
export function servedRow(row: Row): ServedComplaint {
  const { raw, ...fields } = row.complaint;
  const { replied, handled, refund } = row.marks;
  return { ...fields, deadlines: row.deadlines, next_due: row.next_due, replied, handled, refund, raw };
}

/** How many of a merchant's active complaints are unhandled and overdue at `now`, and the earliest `next_due` still ahead. */
interface HandlingCounts {
  complaints_unhandled: number;
  complaints_overdue: number;
  next_due_at: string | null;
}

export function handlingCounts(view: View, mchid: string, now: number): HandlingCounts {
  const counts: HandlingCounts = { complaints_unhandled: 0, complaints_overdue: 0, next_due_at: null };
  let next = Number.POSITIVE_INFINITY;
  for (let i = 0; i < view.size; i++) {
    const c = view.snapshot.complaints[i] as Complaint;
    // Only an active complaint of the merchant can count: the others' deadlines and marks are not worked out.
    if (c.mchid !== mchid || !c.active) continue;
    const row = view.row(i);
    if (row.handled) continue;
    counts.complaints_unhandled++;
    if (row.due === null) continue;
    if (row.due <= now) counts.complaints_overdue++;
    else if (row.due < next) {
      next = row.due;
      counts.next_due_at = row.next_due;
    }
  }
  return counts;
}
