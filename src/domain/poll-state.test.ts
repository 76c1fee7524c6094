import { describe, expect, it } from "vitest";
import { MINUTE } from "../../test/support/time";
import { noDeliveries } from "./outbox";
import { INITIAL_STATE, isDue, msUntilDue, type PollState, STATUS, type Status } from "./poll-state";

const NEXT = "2026-11-08T04:00:00.000Z";
const next = Date.parse(NEXT);
const scheduled: PollState = { ...INITIAL_STATE, next_poll_at: NEXT };

/** A merchant two failures into a run, its last answer verified. */
const FAILING: PollState = {
  last_attempt_at: "2026-11-08T03:30:00.000Z",
  last_success_at: "2026-11-08T02:30:00.000Z",
  next_poll_at: NEXT,
  consecutive_failures: 2,
  transient_failures: 1,
  last_error: { code: "upstream_error", message: "签名错误", at: "2026-11-08T03:30:00.000Z" },
  failing_alerted: true,
  signature: { result: "verified", scheme: "php-sdk", checked_at: "2026-11-08T02:30:00.000Z" },
  rebuilt: { at: "2026-11-08T02:30:00.000Z", aside: "unreadable:complaints:100:1" },
};
const DELIVERIES: Status["deliveries"] = {
  entries: {
    "hook|complaint:C1": { state: "delivered", attempts: 1, next_attempt_at: null, done_at: "2026-11-08T03:30:01.000Z", last_error: null },
  },
  channels: { hook: { last_delivery_at: "2026-11-08T03:30:01.000Z", last_error: null } },
};

/** The state a stored record of `state` (with no deliveries) reads as; null when refused. */
const readState = (state: unknown): PollState | null => STATUS.read({ state })?.state ?? null;

describe("isDue and msUntilDue", () => {
  it("Should find a merchant never scheduled due now", () => {
    expect(isDue(INITIAL_STATE, 0)).toBe(true);
    expect(msUntilDue(INITIAL_STATE, 0)).toBe(0);
  });

  it("Should count a tick up to 60 s early as on time", () => {
    expect(isDue(scheduled, next - MINUTE)).toBe(true);
    expect(isDue(scheduled, next - MINUTE - 1)).toBe(false);
    expect(isDue(scheduled, next)).toBe(true);
    expect(isDue(scheduled, next + 5 * MINUTE)).toBe(true);
  });

  it("Should answer the time until the 60 s early mark, and 0 from it on", () => {
    expect(msUntilDue(scheduled, next - 30 * MINUTE)).toBe(29 * MINUTE);
    expect(msUntilDue(scheduled, next - MINUTE - 1)).toBe(1);
    expect(msUntilDue(scheduled, next - MINUTE)).toBe(0);
    expect(msUntilDue(scheduled, next + MINUTE)).toBe(0);
  });
});

describe("STATUS: what status:{mchid} holds", () => {
  it("Should read back what it wrote, deliveries and all", () => {
    const status: Status = { state: FAILING, deliveries: DELIVERIES };
    const record = STATUS.write(status);
    expect(Object.keys(record)).toEqual(["state", "deliveries"]);
    expect(STATUS.read(JSON.parse(JSON.stringify(record)))).toEqual(status);
  });

  it("Should write no deliveries when there are none, and read their absence as none", () => {
    const record = STATUS.write({ state: INITIAL_STATE, deliveries: noDeliveries() });
    expect(record).toEqual({ state: INITIAL_STATE });
    expect(STATUS.read(record)).toEqual({ state: INITIAL_STATE, deliveries: noDeliveries() });
    // A channel's record alone is worth keeping.
    const channelOnly = { entries: {}, channels: DELIVERIES.channels };
    expect(STATUS.write({ state: INITIAL_STATE, deliveries: channelOnly })).toEqual({ state: INITIAL_STATE, deliveries: channelOnly });
  });

  it("Should read a value written before the signature, its checked_at or rebuilt were kept", () => {
    const { signature: _, rebuilt: __, ...older } = FAILING;
    expect(readState(older)).toEqual({ ...older, signature: null, rebuilt: null });
    expect(readState({ ...older, signature: { result: "mismatch", scheme: null } })).toEqual({
      ...older,
      signature: { result: "mismatch", scheme: null, checked_at: null },
      rebuilt: null,
    });
  });

  it("Should drop what older versions kept beside the state's fields", () => {
    expect(readState({ ...FAILING, backoff_until: "2026-11-08T05:00:00.000Z", last_count: 3 })).toEqual(FAILING);
  });

  it("Should read a rebuilt notice it cannot read as none, rather than refuse the state", () => {
    expect(readState({ ...FAILING, rebuilt: { at: "2026-11-08T02:30:00.000Z" } })).toEqual({ ...FAILING, rebuilt: null });
    expect(readState({ ...FAILING, rebuilt: "yes" })).toEqual({ ...FAILING, rebuilt: null });
  });

  it.each([
    ["no state", undefined],
    ["a state that is no object", "ok"],
    ["a time that does not parse", { ...FAILING, next_poll_at: "soon" }],
    ["a time that is a number", { ...FAILING, last_success_at: 1762535609000 }],
    ["a negative count", { ...FAILING, consecutive_failures: -1 }],
    ["a fractional count", { ...FAILING, transient_failures: 1.5 }],
    ["a missing count", { ...FAILING, transient_failures: undefined }],
    ["an error without its time", { ...FAILING, last_error: { code: "x", message: "y" } }],
    ["failing_alerted that is no boolean", { ...FAILING, failing_alerted: "true" }],
    ["a signature of an unknown result", { ...FAILING, signature: { result: "ok", scheme: null } }],
    ["a signature whose scheme is no text", { ...FAILING, signature: { result: "verified", scheme: 1 } }],
    ["a signature checked at no time", { ...FAILING, signature: { result: "verified", scheme: "md5", checked_at: "then" } }],
  ])("Should refuse %s", (_, state) => {
    expect(readState(state)).toBeNull();
  });

  it("Should refuse a status whose deliveries it cannot read", () => {
    expect(STATUS.read({ state: FAILING, deliveries: DELIVERIES })).not.toBeNull();
    expect(STATUS.read({ state: FAILING, deliveries: null })).toBeNull();
    expect(STATUS.read({ state: FAILING, deliveries: { entries: {} } })).toBeNull();
    const badProgress = {
      ...DELIVERIES,
      entries: { e: { state: "sent", attempts: 1, next_attempt_at: null, done_at: null, last_error: null } },
    };
    expect(STATUS.read({ state: FAILING, deliveries: badProgress })).toBeNull();
  });
});
