/**
 * What the deadlines of a merchant's complaints call for at a tick: `complaint.due` at each threshold of
 * `REMIND_BEFORE_HOURS` before an open deadline, `complaint.overdue` once it passed, and which deadlines are closed.
 * Pure.
 * @module
 */
import { DEADLINE_KINDS, type DeadlineRules, deadlineKey, openDeadlines } from "../domain/deadlines";
import type { DueItem, OverdueItem } from "../domain/notification";
import type { ServedComplaint } from "../domain/served";
import { DAY_MS, HOUR_MS } from "../domain/time";

/**
 * `complaint.overdue` is not sent later than this after its deadline: sent messages are remembered for 7 days after
 * delivery, and one that late (the Worker was down) would only repeat what the dashboard shows.
 */
const LATE_LIMIT_MS = 6 * DAY_MS;

/** What the deadlines of a merchant's complaints call for now. */
export interface DeadlineNews {
  /** Soonest first: for each open deadline, the smallest threshold passed, while the deadline is ahead. */
  due: DueItem[];
  overdue: OverdueItem[];
  /** {@link deadlineKey}s of deadlines no longer to remind (met, or the complaint is handled or gone). */
  closed: Set<string>;
}

/** One decimal, rounded down: 11.95 hours left is 11.9, never 12. */
const hoursLeft = (ms: number): number => Math.floor(ms / (HOUR_MS / 10)) / 10;

/**
 * The deadline messages due now. A moment that had passed when the complaint was first seen is never told (a
 * first deploy sends no storm): `complaint.new` says how long is left. Of several thresholds passed since the last
 * tick, only the smallest is told; once the deadline has passed, only `complaint.overdue`.
 */
export function deadlineNews(complaints: readonly ServedComplaint[], rules: DeadlineRules, now: number): DeadlineNews {
  const news: DeadlineNews = { due: [], overdue: [], closed: new Set() };
  for (const complaint of complaints) {
    const firstSeen = Date.parse(complaint.first_seen_at);
    const open = openDeadlines(complaint, complaint.deadlines, complaint);
    for (const kind of DEADLINE_KINDS) {
      if (!open.some((d) => d.kind === kind)) news.closed.add(deadlineKey(complaint.id, kind));
    }
    for (const { kind, due_at } of open) {
      const due = Date.parse(due_at);
      if (now >= due) {
        if (due > firstSeen && now - due < LATE_LIMIT_MS) news.overdue.push({ complaint, deadline: kind, due_at });
        continue;
      }
      const hours = rules.remindBeforeHours.findLast((h) => due - h * HOUR_MS <= now);
      if (hours !== undefined && due - hours * HOUR_MS > firstSeen) {
        news.due.push({ complaint, deadline: kind, due_at, hours, hours_left: hoursLeft(due - now) });
      }
    }
  }
  const byDue = (a: { due_at: string }, b: { due_at: string }) => Date.parse(a.due_at) - Date.parse(b.due_at);
  news.due.sort(byDue);
  news.overdue.sort(byDue);
  return news;
}
