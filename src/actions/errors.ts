/**
 * Why an action (a mark, an order check, a refund, a device) did not do what was asked: a typed code the HTTP layer answers
 * with its status (src/http/app.ts), and a message for the person, which never holds a key, a token or a stack.
 * @module
 */
import type { UpstreamError } from "../payjs/client";

export type ActionErrorCode =
  /** The complaint names no PAYJS order. */
  | "no_order"
  /** `ALLOW_REFUNDS` is off. */
  | "refunds_disabled"
  /** The amount typed back is not the complaint's. */
  | "confirm_mismatch"
  /** Another refund of the complaint is under way. */
  | "refund_in_progress"
  /** PAYJS refused (`return_code` 0). */
  | "upstream_refused"
  /** No answer from PAYJS (a check: nothing happened). */
  | "upstream_unavailable"
  /** An answer that cannot be trusted (unsigned, wrong sign, about another order). */
  | "upstream_invalid"
  /** No answer from PAYJS to a refund: it may or may not have happened. */
  | "refund_unknown"
  /** KV did not store the change. */
  | "storage"
  /** The merchant's stored complaints are being moved to the new layout: marks wait until that is done. */
  | "upgrading"
  /** The complaint left PAYJS's list over a week ago and is kept in history: it is not refunded from here. */
  | "in_history"
  /** As many devices as may be are signed in or waiting: one must be revoked first. */
  | "too_many_devices";

export class ActionError extends Error {
  override readonly name = "ActionError";
  constructor(
    readonly code: ActionErrorCode,
    message: string,
    /** The request field the error is about (`total_fee`), when it is one. */
    readonly parameter?: string,
  ) {
    super(message);
  }
}

/** PAYJS's refusal says why (`return_msg`); no answer, or one not to be trusted, is PAYJS being unavailable. */
export function upstreamFailure(error: UpstreamError): ActionError {
  if (error.code === "upstream_error") return new ActionError("upstream_refused", error.message);
  return new ActionError(error.transient ? "upstream_unavailable" : "upstream_invalid", error.message);
}

/** A complaint without a PAYJS order has nothing to check or refund. */
export function noOrder(complaint: { id: string; order_id: string }): ActionError | null {
  return complaint.order_id.trim() === ""
    ? new ActionError("no_order", `Complaint ${complaint.id} names no PAYJS order (order_id is empty)`)
    : null;
}
