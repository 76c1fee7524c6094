/**
 * A complaint's refund through PAYJS, as the watcher knows it. Two values in KV, so an attempt and its outcome are
 * never written to the same key (KV takes one write per key per second), and the attempt never to a key a poll or a
 * mark writes:
 * - the attempt, `refund:{mchid}:{id}`, written before PAYJS is called: which attempt, when, what amount;
 * - the outcome, kept with the merchant's marks (`marks:{mchid}:{month}`, under `refunds`) in the one write that also marks
 *   a refunded complaint handled, so every reader of the marks (the list, the poller's reminders) sees both at once.
 * An attempt with no outcome of its own is in flight for {@link PENDING_MS}, and of unknown outcome after: a crash
 * between the two writes leaves that, and PAYJS refunds an order only once, so it may be tried again.
 * @module
 */

import { isBy, isCount, isString, type Shape } from "./shape";
import { MINUTE_MS } from "./time";

type RefundState = "pending" | "done" | "failed" | "unknown";

/** What the API shows in a complaint's `refund`. */
export interface Refund {
  state: RefundState;
  at: string;
  total_fee: number;
  /** PAYJS's refusal, or why the outcome is unknown. */
  message?: string;
  /** The device's name whose token asked for it; null: a configured token, or asked before this was kept. */
  by: string | null;
}

/** One try, written before PAYJS is called. */
export interface RefundAttempt {
  attempt: string;
  at: string;
  total_fee: number;
  note: string;
  by: string | null;
}

/** What became of one attempt. */
export interface RefundOutcome {
  attempt: string;
  state: Exclude<RefundState, "pending">;
  at: string;
  total_fee: number;
  note: string;
  message: string | null;
  by: string | null;
}

/** A merchant's outcomes by complaint id; built without a prototype, like the marks. */
export type RefundBook = Record<string, RefundOutcome>;

/** How long an attempt without an outcome counts as in flight (PAYJS answers within the upstream time limit). */
export const PENDING_MS = 2 * MINUTE_MS;

export function emptyRefunds(): RefundBook {
  return Object.create(null) as RefundBook;
}

export function outcomeOf(book: RefundBook, id: string): RefundOutcome | null {
  return Object.hasOwn(book, id) ? (book[id] as RefundOutcome) : null;
}

export function withOutcome(book: RefundBook, id: string, outcome: RefundOutcome): RefundBook {
  const next = emptyRefunds();
  for (const [k, v] of Object.entries(book)) if (k !== id) next[k] = v;
  next[id] = outcome;
  return next;
}

function shown(o: { at: string; total_fee: number; by: string | null }, state: RefundState, message: string | null): Refund {
  const { at, total_fee, by } = o;
  return message === null ? { state, at, total_fee, by } : { state, at, total_fee, message, by };
}

/**
 * The refund as it stands: the latest attempt's outcome; an attempt without one is `pending`, then `unknown` once
 * {@link PENDING_MS} have passed. Without the attempt (the list reads only the outcomes) the outcome on record.
 */
export function refundOf(outcome: RefundOutcome | null, attempt: RefundAttempt | null, now: number): Refund | null {
  if (attempt !== null && outcome?.attempt !== attempt.attempt) {
    // A done refund stays done: PAYJS refunds an order once, whatever a later attempt did.
    if (outcome?.state === "done") return shown(outcome, "done", outcome.message);
    if (now - Date.parse(attempt.at) < PENDING_MS) return shown(attempt, "pending", null);
    return shown(attempt, "unknown", "No answer from PAYJS was recorded for this attempt: check the order before trying again");
  }
  return outcome === null ? null : shown(outcome, outcome.state, outcome.message);
}

/** The handled mark's note a refund leaves: `退款 ¥29.90`, then the person's note. */
export function refundNote(totalFee: number, note: string): string {
  const amount = `退款 ¥${(totalFee / 100).toFixed(2)}`;
  return note.trim() === "" ? amount : `${amount} ${note.trim()}`;
}

const OUTCOME_STATES: readonly string[] = ["done", "failed", "unknown"];

function isOutcome(v: unknown): v is RefundOutcome {
  const x = v as Record<string, unknown>;
  return (
    typeof v === "object" &&
    v !== null &&
    isString(x.attempt) &&
    isString(x.state) &&
    OUTCOME_STATES.includes(x.state) &&
    isString(x.at) &&
    isCount(x.total_fee) &&
    isString(x.note) &&
    (x.message === null || isString(x.message)) &&
    isBy(x.by)
  );
}

/** The outcomes stored with the marks; null when any is not valid. */
export function readRefunds(value: unknown): RefundBook | null {
  if (value === undefined) return emptyRefunds();
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const book = emptyRefunds();
  for (const [id, outcome] of Object.entries(value)) {
    if (!isOutcome(outcome)) return null;
    book[id] = { ...outcome, by: outcome.by ?? null };
  }
  return book;
}

export const REFUND_ATTEMPT: Shape<RefundAttempt> = {
  what: "refund attempt",
  read({ attempt, at, total_fee, note, by }) {
    if (!isString(attempt) || !isString(at) || !isCount(total_fee) || !isString(note) || !isBy(by)) return null;
    return { attempt, at, total_fee: total_fee as number, note, by: (by as string | null | undefined) ?? null };
  },
  write: (a) => ({ attempt: a.attempt, at: a.at, total_fee: a.total_fee, note: a.note, by: a.by }),
};
