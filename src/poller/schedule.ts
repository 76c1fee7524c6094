/**
 * A merchant's bookkeeping after an attempt: when its next upstream call comes (PAYJS rate-limits the complaint API
 * and asks for one call every 4 hours, so only a success or a hard failure earns the full interval; transient failures
 * retry sooner), and whether the attempt starts or ends a run of failures the channels hear of. (Whether a merchant is
 * due now is the domain's `isDue`.)
 * @module
 */
import type { PollState } from "../domain/poll-state";

const FIRST_RETRY_MS = 30 * 60_000;

/** 30 min, 1 h, 2 h, … after the 1st, 2nd, 3rd transient failure in a row, never more than the interval. */
export function backoffMs(transientFailures: number, intervalMs: number): number {
  const exponent = Math.max(0, Math.min(transientFailures - 1, 20));
  return Math.min(FIRST_RETRY_MS * 2 ** exponent, intervalMs);
}

export interface Outcome {
  ok: boolean;
  transient: boolean;
  error: { code: string; message: string; said?: string } | null;
}

/** The bookkeeping after one attempt. `failing_alerted` is left for the alerting side to set. */
export function nextState(previous: PollState, outcome: Outcome, now: number, intervalMs: number): PollState {
  const at = new Date(now).toISOString();
  if (outcome.ok) {
    return {
      ...previous,
      last_attempt_at: at,
      last_success_at: at,
      next_poll_at: new Date(now + intervalMs).toISOString(),
      consecutive_failures: 0,
      transient_failures: 0,
      last_error: null,
    };
  }
  const transientFailures = outcome.transient ? previous.transient_failures + 1 : 0;
  const wait = outcome.transient ? backoffMs(transientFailures, intervalMs) : intervalMs;
  return {
    ...previous,
    last_attempt_at: at,
    next_poll_at: new Date(now + wait).toISOString(),
    consecutive_failures: previous.consecutive_failures + 1,
    transient_failures: transientFailures,
    last_error: outcome.error === null ? null : { ...outcome.error, at },
  };
}

/**
 * What an attempt tells the channels of the merchant's health: that its polls are failing (a run of failures reached
 * the threshold) or have recovered, and the run of failures it belongs to (named by the last success before it).
 */
export interface WatcherEvent {
  kind: "failing" | "recovered";
  run: string;
}

/**
 * Failing once per run of failures that reaches the threshold; recovered on the next success after it. Gives the
 * state after the poll with the transition marked in it.
 */
export function watcherTransition(
  before: PollState,
  after: PollState,
  threshold: number,
): { state: PollState; event: WatcherEvent | null } {
  const run = before.last_success_at ?? "never";
  if (after.last_error !== null && after.consecutive_failures >= threshold && !before.failing_alerted) {
    return { state: { ...after, failing_alerted: true }, event: { kind: "failing", run } };
  }
  if (after.last_error === null && before.failing_alerted) {
    return { state: { ...after, failing_alerted: false }, event: { kind: "recovered", run } };
  }
  return { state: after, event: null };
}
