/**
 * Refunding a complaint's order through PAYJS, once (`POST /api/complaints/{id}/refund`, only with
 * `ALLOW_REFUNDS=true`). The person types the amount back as their confirmation.
 *
 * Exactly once: the attempt is written to `refund:{mchid}:{id}` before PAYJS is called; requests in this isolate
 * wait for none and share none (a second one while the first runs is refused), and a request in another isolate
 * finds the attempt in KV. Its outcome is written with the merchant's marks (`marks:{mchid}:{month}`), together with the
 * handled mark a done refund leaves. KV reaches other locations up to a minute late, so two requests at the same
 * moment from two far-apart places could both find no attempt: PAYJS refunds an order once, and the second then
 * gets its "already refunded", which is recorded as the done refund it is.
 * @module
 */
import type { Complaint } from "../domain/complaint";
import { monthOfComplaint } from "../domain/history";
import { MARKS, markOf, withMark, withRefund } from "../domain/marks";
import type { Merchant } from "../domain/merchant";
import { outcomeOf, REFUND_ATTEMPT, type RefundAttempt, type RefundOutcome, refundNote, refundOf } from "../domain/refund";
import { logEvent } from "../log";
import type { ClientOptions } from "../payjs/client";
import { type RefundCall, refundOrder } from "../payjs/order";
import { marksKey, refundAttemptKey, type Store } from "../store";
import { ActionError, noOrder, upstreamFailure } from "./errors";
import { changeMarks, MarkNotSaved, type MerchantMarks } from "./marks";

/** What the person asked: the amount typed back, in fen, and a note; and who asked (a device's name; null: a configured token). */
export interface RefundRequest {
  total_fee: number;
  note: string;
  by: string | null;
}

/** What a refund left: the merchant's marks as they now stand, and why it did not refund (null: it did). */
interface RefundDone {
  marks: MerchantMarks;
  error: ActionError | null;
}

/** PAYJS's words for an order it refunded before: the refund happened, whoever asked for it. */
const ALREADY_REFUNDED = /已退款/;

/** Refunds under way in this isolate, by attempt key. */
const running = new Set<string>();

const inProgress = (complaint: Complaint) =>
  new ActionError("refund_in_progress", `A refund of complaint ${complaint.id} is under way; look again in a minute`);

/** @throws ActionError `refunds_disabled` unless `ALLOW_REFUNDS` is on: asked before anything else of a refund. */
export function checkRefundsAllowed(allowRefunds: boolean): void {
  if (!allowRefunds)
    throw new ActionError("refunds_disabled", "Refunds are off: set ALLOW_REFUNDS=true to let the admin token refund orders");
}

/**
 * Refunds `complaint`'s order, once; a repeat after a done refund answers from the record and calls nothing.
 * @throws ActionError when nothing was recorded: `refunds_disabled`, `confirm_mismatch`, `no_order`,
 *   `refund_in_progress`, or `storage` when PAYJS's answer could not be stored.
 */
export async function refundComplaint(
  store: Store,
  settings: { allowRefunds: boolean; upstream: ClientOptions },
  merchant: Merchant,
  complaint: Complaint,
  request: RefundRequest,
): Promise<RefundDone> {
  checkRefundsAllowed(settings.allowRefunds);
  if (complaint.total_fee === null || request.total_fee !== complaint.total_fee) {
    const amount = complaint.total_fee === null ? "no amount" : `${complaint.total_fee} fen`;
    const message = `total_fee ${request.total_fee} is not the complaint's amount (${amount}); nothing was refunded`;
    throw new ActionError("confirm_mismatch", message, "total_fee");
  }
  const missing = noOrder(complaint);
  if (missing !== null) throw missing;
  const key = refundAttemptKey(complaint.mchid, complaint.id);
  if (running.has(key)) throw inProgress(complaint);
  running.add(key);
  try {
    return await refundOnce(store, settings.upstream, merchant, complaint, request);
  } finally {
    running.delete(key);
  }
}

async function refundOnce(
  store: Store,
  upstream: ClientOptions,
  merchant: Merchant,
  complaint: Complaint,
  request: RefundRequest,
): Promise<RefundDone> {
  const key = refundAttemptKey(complaint.mchid, complaint.id);
  const now = Date.now();
  // Both fresh, not the edge's copies: what KV holds now decides whether PAYJS is called.
  const [attempt, marks] = await Promise.all([
    store.load(key, REFUND_ATTEMPT),
    store.load(marksKey(complaint.mchid, monthOfComplaint(complaint)), MARKS),
  ]);
  const lastOutcome = marks.kind === "ok" ? outcomeOf(marks.value.refunds, complaint.id) : null;
  const standing = refundOf(lastOutcome, attempt.kind === "ok" ? attempt.value : null, now);
  if (standing?.state === "done" && marks.kind === "ok") return { marks: { book: marks.value, rev: marks.rev, error: null }, error: null };
  if (standing?.state === "pending") throw inProgress(complaint);

  const mine: RefundAttempt = {
    attempt: crypto.randomUUID(),
    at: new Date(now).toISOString(),
    total_fee: request.total_fee,
    note: request.note,
    by: request.by,
  };
  try {
    await store.save(key, REFUND_ATTEMPT, mine, now);
  } catch {
    // KV refuses a second write of the key within a second: another attempt was just written.
    throw inProgress(complaint);
  }
  const result = await refundOrder(merchant, complaint.order_id, upstream);
  const outcome = outcomeOfCall(mine, result);
  logEvent("refund", {
    mchid: complaint.mchid,
    complaint: complaint.id,
    order: complaint.order_id,
    total_fee: request.total_fee,
    outcome: outcome.state,
    ...(result.ok ? {} : { error: result.error.code, message: result.error.message }),
  });
  return { marks: await recordOutcome(store, complaint, outcome), error: failureOf(outcome, result) };
}

/** What PAYJS's answer means for the refund: done (also when it says it refunded before), refused, or unknown. */
function outcomeOfCall(attempt: RefundAttempt, result: RefundCall): RefundOutcome {
  const { total_fee, note, by } = attempt;
  const base = { attempt: attempt.attempt, at: new Date().toISOString(), total_fee, note, by };
  if (result.ok) return { ...base, state: "done", message: null };
  const { code, message } = result.error;
  if (code === "upstream_error") return { ...base, state: ALREADY_REFUNDED.test(message) ? "done" : "failed", message };
  return { ...base, state: "unknown", message: `${message}; the refund may or may not have happened: check the order` };
}

/** Why the refund is not done, or null when it is. */
function failureOf(outcome: RefundOutcome, result: RefundCall): ActionError | null {
  if (result.ok || outcome.state === "done") return null;
  if (outcome.state === "failed") return new ActionError("upstream_refused", result.error.message);
  if (result.error.transient) return new ActionError("refund_unknown", outcome.message ?? result.error.message);
  return upstreamFailure(result.error);
}

/**
 * The outcome written with the marks, and the handled mark a done refund leaves (unless the complaint was handled), by
 * whoever asked for the refund.
 */
async function recordOutcome(store: Store, complaint: Complaint, outcome: RefundOutcome): Promise<MerchantMarks> {
  try {
    return await changeMarks(
      store,
      complaint.mchid,
      monthOfComplaint(complaint),
      (current) => {
        const recorded = withRefund(current, complaint.id, outcome);
        if (outcome.state !== "done" || markOf(current.handled, complaint.id) !== null) return recorded;
        const note = refundNote(outcome.total_fee, outcome.note);
        return withMark(recorded, "handled", complaint.id, { at: outcome.at, by: outcome.by, note });
      },
      Date.now(),
    );
  } catch (error) {
    const message = error instanceof MarkNotSaved ? error.message : "KV could not be written";
    logEvent("refund", { mchid: complaint.mchid, complaint: complaint.id, outcome: "not_recorded", message });
    throw new ActionError("storage", `PAYJS's answer (${outcome.state}) was not recorded: ${message}`);
  }
}
