import { describe, expect, it } from "vitest";
import { pendingEntry } from "../../test/support/alerts";
import { MINUTE } from "../../test/support/time";
import {
  applyDeliveries,
  type ChannelRecord,
  type Deliveries,
  mergeDeliveries,
  noDeliveries,
  noTrail,
  type Outbox,
  type Progress,
} from "./outbox";

const T0 = Date.parse("2026-11-27T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const at = iso(T0);
const ID = "hook|complaint:C1";

/** An outbox as written: one entry queued for `hook` at T0, nothing tried yet. */
const queued = (): Outbox => ({ entries: [pendingEntry(at)], channels: {}, trail: noTrail() });
/** Where the entry stands after a first attempt failed at T0. */
const FAILED_ONCE: Progress = {
  state: "pending",
  attempts: 1,
  next_attempt_at: iso(T0 + 5 * MINUTE),
  done_at: null,
  last_error: { code: "http_error", message: "500", at },
};
const FAILED_RECORD: ChannelRecord = { last_delivery_at: null, last_error: { code: "http_error", message: "500", at } };
/** Where the entry stands once delivered at `when` at its `attempts`th attempt. */
const deliveredAt = (when: number, attempts: number): Progress => ({
  state: "delivered",
  attempts,
  next_attempt_at: null,
  done_at: iso(when),
  last_error: null,
});
const deliveredRecord = (when: number): ChannelRecord => ({ last_delivery_at: iso(when), last_error: null });
const deliveries = (progress: Progress, record: ChannelRecord): Deliveries => ({ entries: { [ID]: progress }, channels: { hook: record } });

describe("deliveries recorded apart from the outbox", () => {
  it("Should bring a written outbox to where delivery left it, payload dropped once delivered", () => {
    const stored = queued();
    applyDeliveries(stored, deliveries(deliveredAt(T0, 1), deliveredRecord(T0)));
    expect(stored.entries[0]).toMatchObject({ state: "delivered", attempts: 1, notification: null, done_at: at });
    expect(stored.channels.hook).toEqual({ last_delivery_at: at, last_error: null });
  });

  it("Should keep the payload of an entry still waiting for its next attempt", () => {
    const stored = queued();
    applyDeliveries(stored, deliveries(FAILED_ONCE, FAILED_RECORD));
    expect(stored.entries[0]).toMatchObject({ ...FAILED_ONCE, notification: queued().entries[0]?.notification });
    expect(stored.channels.hook).toEqual(FAILED_RECORD);
  });

  it("Should never take an entry back: an older record beside a newer outbox changes nothing", () => {
    const newer = queued();
    applyDeliveries(newer, deliveries(deliveredAt(T0 + 5 * MINUTE, 2), deliveredRecord(T0 + 5 * MINUTE)));
    applyDeliveries(newer, deliveries(FAILED_ONCE, FAILED_RECORD));
    expect(newer.entries[0]).toMatchObject({ state: "delivered", attempts: 2 });
    // The error came before the delivery, so the channel shows none.
    expect(newer.channels.hook).toMatchObject({ last_error: null, last_delivery_at: iso(T0 + 5 * MINUTE) });
  });

  it("Should change nothing when folded twice, nor when there is nothing to fold", () => {
    const once = queued();
    const d = deliveries(deliveredAt(T0, 1), deliveredRecord(T0));
    applyDeliveries(once, d);
    const twice = structuredClone(once);
    applyDeliveries(twice, d);
    applyDeliveries(twice, noDeliveries());
    expect(twice).toEqual(once);
  });

  it("Should merge two invocations' deliveries, each entry at its furthest attempt", () => {
    const merged = mergeDeliveries(
      deliveries(deliveredAt(T0 + MINUTE, 2), deliveredRecord(T0 + MINUTE)),
      deliveries(FAILED_ONCE, FAILED_RECORD),
    );
    expect(merged.entries[ID]).toMatchObject({ state: "delivered", attempts: 2 });
    expect(merged.channels.hook).toMatchObject({ last_error: null });
    // Whichever comes first.
    expect(
      mergeDeliveries(deliveries(FAILED_ONCE, FAILED_RECORD), deliveries(deliveredAt(T0 + MINUTE, 2), deliveredRecord(T0 + MINUTE))),
    ).toEqual(merged);
  });

  it("Should keep a channel's error when it came after its last delivery", () => {
    const later: ChannelRecord = { last_delivery_at: null, last_error: { code: "timeout", message: "slow", at: iso(T0 + MINUTE) } };
    const merged = mergeDeliveries(deliveries(deliveredAt(T0, 1), deliveredRecord(T0)), { entries: {}, channels: { hook: later } });
    expect(merged.channels.hook).toEqual({ last_delivery_at: at, last_error: later.last_error });
  });
});
