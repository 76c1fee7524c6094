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
  /** True once `watcher.failing` was raised for the current run of failures. */
  failing_alerted: boolean;
  /** What the check of the last checked answer's `sign` found (null before any; absent in older values). */
  signature: SignatureStatus | null;
  /**
   * The answer the stored complaints were last merged with, and that stored value (null: none, or the answer did
   * not verify; absent in older values). An answer with the same fingerprint, while the value is still that one,
   * holds nothing new: the poll neither parses nor diffs nor rewrites the list.
   */
  merged_answer: MergedAnswer | null;
  /**
   * The earliest a reminder or a digest can next come due from this merchant, and the settings that was worked out
   * under (null: not known, work it out now; absent in older values). Before it, with the same settings, a tick
   * need not read the merchant's complaints and handled marks to find nothing due.
   */
  next_follow_up: NextFollowUp | null;
}

export interface NextFollowUp {
  /** ISO; null: nothing can come due before the list or the settings change. */
  at: string | null;
  /** A fingerprint of the settings it was worked out under: others make it unknown. */
  settings: string;
  /**
   * The revision of the handled marks it was worked out with: a mark taken off (or put on) since makes it unknown,
   * since a threshold that passed while the complaint was marked comes due again.
   */
  marks: string;
}

export interface MergedAnswer {
  /** Tells the answer from any other with different content (its verified sign and its length). */
  fingerprint: string;
  /** The complaints value as stored after the merge: its revision and length. */
  rev: string;
  length: number;
}

export interface SignatureStatus {
  result: "verified" | "absent" | "mismatch";
  scheme: string | null;
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
  merged_answer: null,
  next_follow_up: null,
};

/** What `status:{mchid}` holds. */
export interface Status {
  state: PollState;
  deliveries: Deliveries;
}

/** Cron fires a little early or late; a tick this close to `next_poll_at` counts as on time. */
export const JITTER_MS = 60_000;

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
  return {
    ...(v as PollState),
    signature: (s.signature as SignatureStatus | undefined) ?? null,
    // Both are only short cuts: one that cannot be read (older, or edited by hand) is not taken, and the state stands.
    next_follow_up: isNextFollowUp(s.next_follow_up) ? (s.next_follow_up as NextFollowUp) : null,
    merged_answer: isMergedAnswer(s.merged_answer) ? (s.merged_answer as MergedAnswer) : null,
  };
}

function isNextFollowUp(v: unknown): boolean {
  const x = v as Record<string, unknown>;
  return typeof v === "object" && v !== null && isTime(x.at) && isString(x.settings) && isString(x.marks);
}

function isMergedAnswer(v: unknown): boolean {
  const x = v as Record<string, unknown>;
  return typeof v === "object" && v !== null && isString(x.fingerprint) && isString(x.rev) && isCount(x.length);
}

function isSignature(v: unknown): boolean {
  const x = v as Record<string, unknown>;
  return (
    typeof v === "object" && ["verified", "absent", "mismatch"].includes(x.result as string) && (x.scheme === null || isString(x.scheme))
  );
}

/** The merchant's status: its poll bookkeeping and the deliveries not yet folded into its outbox (omitted when none). */
export const STATUS: Shape<Status> = {
  whole: "state",
  parts: "delivery records",
  read(record) {
    const state = pollState(record.state);
    if (state === null) return null;
    const deliveries = readDeliveries(record.deliveries);
    return { value: { state, deliveries: deliveries.value }, bad: deliveries.bad };
  },
  write({ state, deliveries }) {
    const none = Object.keys(deliveries.entries).length === 0 && Object.keys(deliveries.channels).length === 0;
    return none ? { state } : { state, deliveries };
  },
};
