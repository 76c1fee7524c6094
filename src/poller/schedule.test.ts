import { describe, expect, it } from "vitest";
import { INITIAL_STATE, isDue, msUntilDue } from "../domain/poll-state";
import { backoffMs, nextState } from "./schedule";

const H = 3_600_000;
const INTERVAL = 4 * H;
const T0 = Date.parse("2026-11-27T00:00:00Z");

describe("isDue", () => {
  it("Should treat a merchant never polled as due", () => {
    expect(isDue(INITIAL_STATE, T0)).toBe(true);
  });

  it("Should tolerate a minute of cron jitter before next_poll_at", () => {
    const state = { ...INITIAL_STATE, next_poll_at: new Date(T0 + INTERVAL).toISOString() };
    expect(isDue(state, T0 + INTERVAL - 61_000)).toBe(false);
    expect(isDue(state, T0 + INTERVAL - 60_000)).toBe(true);
    expect(msUntilDue(state, T0)).toBe(INTERVAL - 60_000);
  });
});

describe("nextState", () => {
  const error = { code: "timeout", message: "slow" };

  it("Should wait the full interval after a success and clear the error", () => {
    const failed = nextState(INITIAL_STATE, { ok: false, transient: true, error }, T0, INTERVAL);
    const s = nextState(failed, { ok: true, transient: false, error: null }, T0 + H, INTERVAL);
    expect(s).toMatchObject({
      last_attempt_at: new Date(T0 + H).toISOString(),
      last_success_at: new Date(T0 + H).toISOString(),
      next_poll_at: new Date(T0 + H + INTERVAL).toISOString(),
      consecutive_failures: 0,
      transient_failures: 0,
      last_error: null,
    });
  });

  it("Should back off 30 min, 1 h, 2 h, then the interval after transient failures", () => {
    let s = INITIAL_STATE;
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      s = nextState(s, { ok: false, transient: true, error }, T0, INTERVAL);
      waits.push(Date.parse(s.next_poll_at as string) - T0);
    }
    expect(waits).toEqual([0.5 * H, H, 2 * H, 4 * H, 4 * H]);
    expect(s.consecutive_failures).toBe(5);
    expect(s.last_error).toEqual({ ...error, at: new Date(T0).toISOString() });
  });

  it("Should wait the full interval after a hard failure and keep the last success", () => {
    const ok = nextState(INITIAL_STATE, { ok: true, transient: false, error: null }, T0, INTERVAL);
    const s = nextState(ok, { ok: false, transient: false, error: { code: "bad_signature", message: "x" } }, T0 + INTERVAL, INTERVAL);
    expect(Date.parse(s.next_poll_at as string) - (T0 + INTERVAL)).toBe(INTERVAL);
    expect(s.last_success_at).toBe(new Date(T0).toISOString());
    expect(s.consecutive_failures).toBe(1);
  });

  it("Should cap the backoff at the interval when the interval is short", () => {
    expect(backoffMs(1, 10 * 60_000)).toBe(10 * 60_000);
  });
});
