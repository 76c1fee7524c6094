/** How long an isolate keeps its snapshot, and the KV reads that costs. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ProductionKv } from "../../test/support/production-kv";
import { merchantView } from "../../test/support/snapshot";
import { HOUR, MINUTE } from "../../test/support/time";
import type { Merchant } from "../domain/merchant";
import { noDeliveries, noTrail, type Outbox, type OutboxEntry } from "../domain/outbox";
import { INITIAL_STATE, type PollState, STATUS } from "../domain/poll-state";
import { NOTHING_YET, savePresent } from "../history/present";
import { Store, statusKey } from "../store";
import { currentSnapshot, freshUntil } from "./cache";
import type { MerchantView, Snapshot } from "./snapshot";

const now = Date.parse("2026-05-01T10:00:00Z");
const iso = (ms: number): string => new Date(ms).toISOString();
const merchant: Merchant = { mchid: "100", key: "k", name: null };

function polled(lastAttempt: number, nextPoll: number): PollState {
  return { ...INITIAL_STATE, last_attempt_at: iso(lastAttempt), last_success_at: iso(lastAttempt), next_poll_at: iso(nextPoll) };
}

function snapshotOf(...views: Array<Partial<MerchantView>>): Snapshot {
  return {
    merchants: views.map((v) => merchantView(merchant.mchid, [], v)),
    complaints: [],
    positions: [],
    revision: "r",
    updatedAt: null,
  };
}

function pending(nextAttempt: number): Outbox {
  const entry = {
    id: "e",
    channel: "c",
    event: "complaint.new",
    complaint_ids: [],
    notification: {},
    state: "pending",
    attempts: 1,
    created_at: iso(now),
    next_attempt_at: iso(nextAttempt),
    done_at: null,
    last_error: null,
  };
  return { entries: [entry as unknown as OutboxEntry], channels: {}, trail: noTrail() };
}

describe("freshUntil", () => {
  it("Should keep a copy 60 s while a merchant was never polled, is due, or could not be read", () => {
    expect(freshUntil(snapshotOf({ state: null }), now)).toBe(now + MINUTE);
    expect(freshUntil(snapshotOf({ state: { ...INITIAL_STATE } }), now)).toBe(now + MINUTE);
    expect(freshUntil(snapshotOf({ state: polled(now - 4 * HOUR, now) }), now)).toBe(now + MINUTE);
    const unreadable = { code: "storage_corrupt" as const, message: "x", key: "complaints:100" };
    expect(freshUntil(snapshotOf({ state: polled(now - HOUR, now + 3 * HOUR), storageErrors: [unreadable] }), now)).toBe(now + MINUTE);
  });

  it("Should keep a copy until 2 min before the next poll is due, at most 2 h", () => {
    expect(freshUntil(snapshotOf({ state: polled(now - 3 * HOUR, now + HOUR) }), now)).toBe(now + HOUR - 2 * MINUTE);
    expect(freshUntil(snapshotOf({ state: polled(now - HOUR, now + 3 * HOUR) }), now)).toBe(now + 2 * HOUR);
  });

  it("Should read again 5 min after a poll began, when its values are surely everywhere", () => {
    expect(freshUntil(snapshotOf({ state: polled(now - MINUTE, now + 4 * HOUR - MINUTE) }), now)).toBe(now + 4 * MINUTE);
    expect(freshUntil(snapshotOf({ state: polled(now - 4.5 * MINUTE, now + 4 * HOUR) }), now)).toBe(now + MINUTE);
  });

  it("Should take the earliest merchant, and an alert retry that will write the status", () => {
    const calm = { state: polled(now - HOUR, now + 3 * HOUR) };
    const soon = { state: polled(now - 3.5 * HOUR, now + 30 * MINUTE) };
    expect(freshUntil(snapshotOf(calm, soon), now)).toBe(now + 28 * MINUTE);
    expect(freshUntil(snapshotOf({ ...calm, outbox: pending(now + 10 * MINUTE) }), now)).toBe(now + 8 * MINUTE);
  });
});

describe("currentSnapshot", () => {
  it("Should read KV once while nothing can change, and again after this isolate writes", async () => {
    const kv = new ProductionKv(env.COMPLAINTS);
    const store = new Store(kv.kv);
    await store.save(
      statusKey(merchant.mchid),
      STATUS,
      { state: polled(now - HOUR, now + 3 * HOUR), deliveries: noDeliveries() },
      now - HOUR,
    );
    await savePresent(store, merchant.mchid, NOTHING_YET, now - HOUR);
    kv.reads = 0;
    await currentSnapshot(kv.kv, [merchant], false, now);
    expect(kv.reads).toBe(2);
    await currentSnapshot(kv.kv, [merchant], false, now + 90 * MINUTE);
    expect(kv.reads).toBe(2);
    await currentSnapshot(kv.kv, [merchant], false, now + 2 * HOUR + MINUTE);
    expect(kv.reads).toBe(4);
    kv.nextInvocation();
    await store.save(statusKey(merchant.mchid), STATUS, { state: polled(now, now + 4 * HOUR), deliveries: noDeliveries() }, now);
    await currentSnapshot(kv.kv, [merchant], false, now + 2 * HOUR + 2 * MINUTE);
    expect(kv.reads).toBe(6);
  });
});
