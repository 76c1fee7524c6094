/**
 * WeChat Pay's deadlines for a complaint, behind PAYJS: a first answer within `REPLY_WITHIN_HOURS` (24) of the
 * complaint and the matter finished within `RESOLVE_WITHIN_HOURS` (72). Counted from `complaint_at`, not from when
 * the watcher happened to see it (from `first_seen_at` only when `complaint_at` is no time). Pure.
 * @module
 */
import type { Complaint } from "./complaint";
import type { ComplaintMarks } from "./marks";
import { HOUR_MS, instantOfComplaintAt, toBeijingIso } from "./time";

export interface DeadlineRules {
  /** Hours after the complaint by which it must be answered; null: no such deadline. */
  replyWithinHours: number | null;
  /** Hours after the complaint by which it must be finished; null: none. */
  resolveWithinHours: number | null;
  /** Hours before an open deadline at which a reminder goes, descending; empty: none. */
  remindBeforeHours: readonly number[];
}

export const DEFAULT_RULES: DeadlineRules = { replyWithinHours: 24, resolveWithinHours: 72, remindBeforeHours: [12, 2] };

export type DeadlineKind = "reply" | "resolve";

/** One deadline of one complaint: what marks its messages as told, and what closes them. */
export const deadlineKey = (id: string, kind: DeadlineKind): string => `${id}#${kind}`;

/** ISO at +08:00, as `complaint_at` is written. */
export interface Deadlines {
  reply_by: string | null;
  resolve_by: string | null;
}

/** When the deadlines count from: `complaint_at`, or `first_seen_at` when that is no time. */
export function startOf(c: Pick<Complaint, "complaint_at" | "first_seen_at">): number {
  return instantOfComplaintAt(c.complaint_at) ?? Date.parse(c.first_seen_at);
}

export function deadlinesOf(c: Pick<Complaint, "complaint_at" | "first_seen_at">, rules: DeadlineRules): Deadlines {
  const start = startOf(c);
  const after = (hours: number | null) => (hours === null || Number.isNaN(start) ? null : toBeijingIso(start + hours * HOUR_MS));
  return { reply_by: after(rules.replyWithinHours), resolve_by: after(rules.resolveWithinHours) };
}

/** A deadline nothing has met yet. */
export interface OpenDeadline {
  kind: DeadlineKind;
  due_at: string;
}

/**
 * The deadlines still open, earliest first: none once the complaint left PAYJS's list or is handled; the reply's
 * while it is neither replied nor handled.
 */
export function openDeadlines(c: Pick<Complaint, "active">, deadlines: Deadlines, marks: ComplaintMarks): OpenDeadline[] {
  if (!c.active || marks.handled !== null) return [];
  const open: OpenDeadline[] = [];
  if (deadlines.reply_by !== null && marks.replied === null) open.push({ kind: "reply", due_at: deadlines.reply_by });
  if (deadlines.resolve_by !== null) open.push({ kind: "resolve", due_at: deadlines.resolve_by });
  return open.sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at));
}

/** The earliest open deadline (`next_due`), or null. */
export function nextDue(c: Pick<Complaint, "active">, deadlines: Deadlines, marks: ComplaintMarks): string | null {
  return openDeadlines(c, deadlines, marks)[0]?.due_at ?? null;
}

/** Whether a `next_due` has passed at `now`. */
export function isOverdue(next: string | null, now: number): boolean {
  return next !== null && Date.parse(next) <= now;
}
