import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { StoredComplaint } from "./domain/complaint";
import { noDeliveries } from "./domain/outbox";
import { INITIAL_STATE, STATUS } from "./domain/poll-state";
import { COMPLAINTS } from "./domain/stored-complaints";
import { FORMAT, historyPartKey, Store, statusKey } from "./store";

const kv = env.COMPLAINTS;
const NOW = Date.parse("2026-11-27T00:00:00Z");

async function clear(): Promise<void> {
  const { keys } = await kv.list();
  await Promise.all(keys.map((k) => kv.delete(k.name)));
}

describe("Store", () => {
  beforeEach(clear);
  const store = new Store(kv);
  const complaint: StoredComplaint = {
    id: "C1",
    raw: { complaint_id: "C1", body: "商品未收到" },
    first_seen_at: "a",
    last_seen_at: "a",
    active: true,
  };

  it("Should read back what it wrote, under the documented keys", async () => {
    await store.save(historyPartKey("100", "2026-11.0"), COMPLAINTS, [complaint], NOW);
    await store.save(statusKey("100"), STATUS, { state: { ...INITIAL_STATE, consecutive_failures: 2 }, deliveries: noDeliveries() }, NOW);
    const complaints = await store.load(historyPartKey("100", "2026-11.0"), COMPLAINTS);
    expect(complaints).toMatchObject({ kind: "ok", value: [complaint] });
    expect(await store.load(statusKey("100"), STATUS)).toMatchObject({ kind: "ok", value: { state: { consecutive_failures: 2 } } });
    expect(JSON.parse((await kv.get(historyPartKey("100", "2026-11.0"))) as string)).toMatchObject({ format: FORMAT });
    expect(await kv.get(statusKey("100"))).not.toBeNull();
  });

  it("Should report absent values as absent", async () => {
    expect(await store.load(historyPartKey("100", "2026-11.0"), COMPLAINTS)).toEqual({ kind: "absent" });
  });

  it.each([
    [JSON.stringify({ format: 4, complaints: [] }), "storage_format"],
    [JSON.stringify({ format: 1, complaints: [] }), "storage_format"],
    [JSON.stringify({ complaints: [] }), "storage_format"],
  ])("Should report %s as unreadable (%s) and keep its text", async (text, code) => {
    await kv.put(historyPartKey("100", "2026-11.0"), text);
    const stored = await store.load(historyPartKey("100", "2026-11.0"), COMPLAINTS);
    expect(stored).toMatchObject({ kind: "unreadable", text, error: { code, key: historyPartKey("100", "2026-11.0") } });
  });

  it.each([
    ["garbage", "is not JSON"],
    ["[1,2,3]", "is not a JSON object"],
    [JSON.stringify({ format: FORMAT, complaints: "x" }), "has no valid complaints"],
    [
      JSON.stringify({ format: FORMAT, seen: ["a"], complaints: [{ complaint_id: "C1" }, { complaint_id: "C2" }] }),
      "has no valid complaints",
    ],
  ])("Should report %s as unreadable, whole, saying why and keeping its text", async (text, why) => {
    await kv.put(historyPartKey("100", "2026-11.0"), text);
    const stored = await store.load(historyPartKey("100", "2026-11.0"), COMPLAINTS);
    expect(stored).toMatchObject({ kind: "unreadable", text, error: { code: "storage_corrupt", key: historyPartKey("100", "2026-11.0") } });
    expect((stored as { error: { message: string } }).error.message).toContain(why);
  });

  it("Should report a value with one damaged record as unreadable: a KV put is atomic, so it was not written by us", async () => {
    const text = JSON.stringify({ format: FORMAT, rev: "r", seen: ["a", 1], complaints: [complaint.raw, { complaint_id: "C2" }] });
    await kv.put(historyPartKey("100", "2026-11.0"), text);
    expect(await store.load(historyPartKey("100", "2026-11.0"), COMPLAINTS)).toMatchObject({
      kind: "unreadable",
      error: { code: "storage_corrupt" },
    });
  });

  it("Should report an unreadable status as unreadable and keep its text", async () => {
    await kv.put(statusKey("100"), "garbage");
    expect(await store.load(statusKey("100"), STATUS)).toMatchObject({
      kind: "unreadable",
      text: "garbage",
      error: { code: "storage_corrupt" },
    });
  });

  it("Should refuse a status whose times do not parse", async () => {
    await kv.put(statusKey("100"), JSON.stringify({ format: FORMAT, state: { ...INITIAL_STATE, next_poll_at: "soon" } }));
    expect(await store.load(statusKey("100"), STATUS)).toMatchObject({ kind: "unreadable" });
  });

  it("Should read a value layout 2 wrote under a key layout 3 kept (its shape did not change)", async () => {
    await kv.put(
      statusKey("100"),
      JSON.stringify({ format: 2, rev: "two", state: INITIAL_STATE, deliveries: { entries: {}, channels: {} } }),
    );
    expect(await store.load(statusKey("100"), STATUS)).toMatchObject({ kind: "ok", rev: "two", format: 2 });
  });

  it("Should write the format key once, take layout 2 over as layout 3, and refuse any other layout", async () => {
    expect(await store.checkFormat()).toBeNull();
    expect(await kv.get("format")).toBe(String(FORMAT));
    expect(await store.checkFormat()).toBeNull();
    await kv.put("format", "2");
    expect(await store.checkFormat()).toBeNull();
    expect(await kv.get("format")).toBe("3");
    await kv.put("format", "1");
    expect(await store.checkFormat()).toMatchObject({ code: "storage_format" });
    await kv.put("format", "9");
    expect(await store.checkFormat()).toMatchObject({ code: "storage_format" });
  });

  it("Should set an unreadable value aside under its own key", async () => {
    const key = await store.setAside(historyPartKey("100", "2026-11.0"), "garbage", NOW);
    expect(await kv.get(key)).toBe("garbage");
  });
});
