/**
 * A merchant's entry of `GET /api/status`, which the `watcher.*` alerts also carry.
 * @module
 */

import type { Complaint, StoredComplaint } from "./complaint";
import { type DeadlineRules, deadlinesOf, isOverdue, nextDue } from "./deadlines";
import { type MarkBook, markOf, marksIn } from "./marks";
import type { Merchant } from "./merchant";
import type { MerchantStatusEntry } from "./notification";
import { isDue, type PollState } from "./poll-state";
import { DAY_MS } from "./time";

/** The entry without what needs the marks (see {@link handlingCounts}): what a `watcher.*` alert carries. */
export function statusEntry(
  merchant: Merchant,
  state: PollState | null,
  complaints: readonly StoredComplaint[],
  now: number,
): MerchantStatusEntry {
  return {
    mchid: merchant.mchid,
    name: merchant.name,
    last_attempt_at: state?.last_attempt_at ?? null,
    last_success_at: state?.last_success_at ?? null,
    next_poll_at: state === null || isDue(state, now) ? null : state.next_poll_at,
    consecutive_failures: state?.consecutive_failures ?? 0,
    last_error: state?.last_error ?? null,
    complaints_total: complaints.length,
    complaints_active: complaints.filter((c) => c.active).length,
    signature: state?.signature ?? { result: null, scheme: null, checked_at: null },
  };
}

export type HandlingCounts = Required<Pick<MerchantStatusEntry, "complaints_unhandled" | "complaints_overdue" | "next_due_at">>;

/**
 * How many active complaints are unhandled and how many overdue, and the earliest `next_due` still ahead. Only the
 * active, unhandled ones can have a `next_due`: their deadlines alone are worked out.
 */
export function handlingCounts(complaints: readonly Complaint[], book: MarkBook, rules: DeadlineRules, now: number): HandlingCounts {
  const counts: HandlingCounts = { complaints_unhandled: 0, complaints_overdue: 0, next_due_at: null };
  let next = Number.POSITIVE_INFINITY;
  for (const c of complaints) {
    if (!c.active || markOf(book.handled, c.id) !== null) continue;
    counts.complaints_unhandled++;
    const due = nextDue(c, deadlinesOf(c, rules), marksIn(book, c.id));
    if (due === null) continue;
    if (isOverdue(due, now)) counts.complaints_overdue++;
    else if (Date.parse(due) < next) {
      next = Date.parse(due);
      counts.next_due_at = due;
    }
  }
  return counts;
}

/** How long the status tells that a merchant's complaints were rebuilt. */
const REBUILT_SHOWN_MS = 7 * DAY_MS;

/** The status's word that the stored complaints could not be read and were rebuilt, for a week after (else none). */
export function rebuiltNotice(state: PollState | null, now: number): { code: "storage_rebuilt"; message: string; at: string }[] {
  const rebuilt = state?.rebuilt ?? null;
  if (rebuilt === null || now - Date.parse(rebuilt.at) > REBUILT_SHOWN_MS) return [];
  return [
    {
      code: "storage_rebuilt",
      message: `The stored complaints could not be read: set aside as ${rebuilt.aside} and rebuilt from PAYJS's answer; complaints PAYJS no longer lists were lost with it`,
      at: rebuilt.at,
    },
  ];
}
