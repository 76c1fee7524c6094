/**
 * What a merchant's refunds call for at a tick: `complaint.refunded` for each refund done through PAYJS
 * (`POST /api/complaints/{id}/refund`), read from the outcomes kept with the merchant's marks (see refund.ts). The
 * route only writes KV; the tick tells. Which refunds a channel was told of already is the outbox's to say
 * (`queue.ts`). Pure.
 * @module
 */
import type { RefundedItem } from "../domain/notification";
import { outcomeOf, type RefundBook } from "../domain/refund";
import type { ServedComplaint } from "../domain/served";
import { DAY_MS } from "../domain/time";

/**
 * A refund is not told later than this after it was done: told messages are remembered for 7 days after they were
 * sent (the outbox's pruning), so a refund told once never comes up again after its message is forgotten; one this
 * late (the Worker was down, or the channel was added since) would only repeat what the dashboard shows.
 */
export const REFUND_LATE_LIMIT_MS = 6 * DAY_MS;

/**
 * The refunds of `complaints` (one merchant's, served with its marks) that `refunds` (the same merchant's outcomes)
 * records as done within {@link REFUND_LATE_LIMIT_MS}, oldest first. Failed and unknown outcomes tell nothing.
 */
export function refundNews(refunds: RefundBook, complaints: readonly ServedComplaint[], now: number): RefundedItem[] {
  const items: RefundedItem[] = [];
  for (const complaint of complaints) {
    const outcome = outcomeOf(refunds, complaint.id);
    if (outcome?.state !== "done") continue;
    // Not `>=`: an unreadable time (NaN) is not told rather than told forever.
    if (!(now - Date.parse(outcome.at) < REFUND_LATE_LIMIT_MS)) continue;
    items.push({ complaint, attempt: outcome.attempt, at: outcome.at, total_fee: outcome.total_fee, note: outcome.note });
  }
  return items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.complaint.id.localeCompare(b.complaint.id));
}
