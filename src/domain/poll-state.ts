/**
 * A merchant's poll bookkeeping: when it was last polled and with what outcome, when it is due next, and what
 * the last answer's signature check found.
 * @module
 */
import { type Deliveries, readDeliveries } from "./outbox";
import { type ErrorAt, isCount, isErrorAt, isString, isTime, type Shape } from "./shape";

export interface PollState {
  last_attempt_at: string | null;
  last_success_at: string | null;
  next_poll_at: string | null;
  consecutive_failures: number;
  /** Failures in a row that were transient; drives the backoff. */
  transient_failures: number;
  last_error: ErrorAt | null;
  /** True once the channels were told of the current run of failures (src/notify/events/watcher-failing.ts). */
  failing_alerted: boolean;
  /** What the check of the last checked answer's `sign` found (null before any). */
  signature: SignatureStatus | null;
  /**
   * When the stored complaints could not be read and were rebuilt from PAYJS's answer, and where the unreadable
   * value was set aside (null: never; absent in older values).
   */
  rebuilt: Rebuilt | null;
}

export interface SignatureStatus {
  result: "verified" | "absent" | "mismatch";
  scheme: string | null;
  /** When the answer was checked (null in values written before it was kept). */
  checked_at: string | null;
}

export interface Rebuilt {
  at: string;
  /** The key the unreadable value was set aside under. */
  aside: string;
}

export const INITIAL_STATE: PollState = {
  last_attempt_at: null,
  last_success_at: null,
  next_poll_at: null,
  consecutive_failures: 0,
  transient_failures: 0,
  last_error: null,
  failing_alerted: false,
  signature: null,
  rebuilt: null,
};

/** What `status:{mchid}` holds. */
export interface Status {
  state: PollState;
  deliveries: Deliveries;
}

/** Cron fires a little early or late; a tick this close to `next_poll_at` counts as on time. */
const JITTER_MS = 60_000;

export function isDue(state: PollState, now: number): boolean {
  if (state.next_poll_at === null) return true;
  return now >= Date.parse(state.next_poll_at) - JITTER_MS;
}

/** Milliseconds until a merchant is due (0 when due now). */
export function msUntilDue(state: PollState, now: number): number {
  if (isDue(state, now)) return 0;
  return Date.parse(state.next_poll_at as string) - JITTER_MS - now;
}

function pollState(v: unknown): PollState | null {
  if (typeof v !== "object" || v === null) return null;
  const s = v as Record<string, unknown>;
  const ok =
    isTime(s.last_attempt_at) &&
    isTime(s.last_success_at) &&
    isTime(s.next_poll_at) &&
    isCount(s.consecutive_failures) &&
    isCount(s.transient_failures) &&
    isErrorAt(s.last_error) &&
    typeof s.failing_alerted === "boolean" &&
    (s.signature === undefined || s.signature === null || isSignature(s.signature));
  if (!ok) return null;
  const p = v as PollState;
  // Field by field: what older versions kept beside these (their short cuts) is not carried on.
  return {
    last_attempt_at: p.last_attempt_at,
    last_success_at: p.last_success_at,
    next_poll_at: p.next_poll_at,
    consecutive_failures: p.consecutive_failures,
    transient_failures: p.transient_failures,
    last_error: p.last_error,
    failing_alerted: p.failing_alerted,
    signature:
      s.signature === undefined || s.signature === null
        ? null
        : { ...(s.signature as SignatureStatus), checked_at: (s.signature as Partial<SignatureStatus>).checked_at ?? null },
    rebuilt: isRebuilt(s.rebuilt) ? (s.rebuilt as Rebuilt) : null,
  };
}

function isRebuilt(v: unknown): boolean {
  const x = v as Record<string, unknown>;
  return typeof v === "object" && v !== null && isString(x.at) && isString(x.aside);
}

function isSignature(v: unknown): boolean {
  const x = v as Record<string, unknown>;
  return (
    typeof v === "object" &&
    ["verified", "absent", "mismatch"].includes(x.result as string) &&
    (x.scheme === null || isString(x.scheme)) &&
    (x.checked_at === undefined || isTime(x.checked_at))
  );
}

/** The merchant's status: its poll bookkeeping and the deliveries not yet folded into its outbox (omitted when none). */
export const STATUS: Shape<Status> = {
  what: "state",
  read(record) {
    const state = pollState(record.state);
    const deliveries = readDeliveries(record.deliveries);
    return state === null || deliveries === null ? null : { state, deliveries };
  },
  write({ state, deliveries }) {
    const none = Object.keys(deliveries.entries).length === 0 && Object.keys(deliveries.channels).length === 0;
    return none ? { state } : { state, deliveries };
  },
};
