import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { ProductionKv } from "../../test/support/production-kv";
import { noDeliveries } from "../domain/outbox";
import { INITIAL_STATE, STATUS } from "../domain/poll-state";
import { Store, statusKey } from "../store";
import { saveStatus } from "./save-status";

const NOW = Date.parse("2026-11-27T00:00:00Z");
const progress = (attempts: number, state: "pending" | "delivered") => ({
  state,
  attempts,
  next_attempt_at: null,
  done_at: null,
  last_error: null,
});

describe("saveStatus", () => {
  let kv: ProductionKv;
  let store: Store;
  beforeEach(async () => {
    kv = new ProductionKv(env.COMPLAINTS);
    store = new Store(kv.kv);
    await env.COMPLAINTS.delete("status:100");
  });

  it("Should keep another invocation's newer state and both invocations' deliveries when KV refused the write", async () => {
    const theirs = {
      state: { ...INITIAL_STATE, consecutive_failures: 0, last_success_at: "2026-11-27T00:00:00.000Z" },
      deliveries: { entries: { "hook|complaint:b": progress(1, "delivered") }, channels: {} },
    };
    await new Store(env.COMPLAINTS).save(statusKey("100"), STATUS, theirs, NOW);
    kv.failPutsMatching = /^status:/;
    kv.failPutsCount = 1;
    const mine = {
      state: { ...INITIAL_STATE, consecutive_failures: 1 },
      deliveries: { entries: { "hook|complaint:a": progress(1, "delivered") }, channels: {} },
    };
    expect(await saveStatus(store, "100", mine, "a-rev-read-before", NOW)).toBe(true);
    const stored = await store.load(statusKey("100"), STATUS);
    expect(stored).toMatchObject({ kind: "ok", value: { state: theirs.state } });
    expect(Object.keys(stored.kind === "ok" ? stored.value.deliveries.entries : {}).sort()).toEqual([
      "hook|complaint:a",
      "hook|complaint:b",
    ]);
    expect(kv.violations).toEqual([]);
  });

  it("Should write its own status when nobody else wrote since it read", async () => {
    kv.failPutsMatching = /^status:/;
    kv.failPutsCount = 1;
    const mine = { state: { ...INITIAL_STATE, consecutive_failures: 1 }, deliveries: noDeliveries() };
    expect(await saveStatus(store, "100", mine, null, NOW)).toBe(true);
    expect(await store.load(statusKey("100"), STATUS)).toMatchObject({ kind: "ok", value: { state: { consecutive_failures: 1 } } });
  });

  it("Should report false, and log, when KV refuses twice", async () => {
    kv.failPutsMatching = /^status:/;
    expect(await saveStatus(store, "100", { state: INITIAL_STATE, deliveries: noDeliveries() }, null, NOW)).toBe(false);
    expect(await store.load(statusKey("100"), STATUS)).toEqual({ kind: "absent" });
  });
});
