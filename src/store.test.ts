import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { COMPLAINTS, complaintRecord } from "./domain/complaint";
import { noDeliveries } from "./domain/outbox";
import { INITIAL_STATE, STATUS } from "./domain/poll-state";
import { normaliseComplaint } from "./payjs/complaint";
import { complaintsKey, FORMAT, Store, statusKey } from "./store";

const kv = env.COMPLAINTS;
const NOW = Date.parse("2026-11-27T00:00:00Z");

async function clear(): Promise<void> {
  const { keys } = await kv.list();
  await Promise.all(keys.map((k) => kv.delete(k.name)));
}

describe("Store", () => {
  beforeEach(clear);
  const store = new Store(kv);
  const complaint = complaintRecord(normaliseComplaint("100", { complaint_id: "C1", body: "商品未收到" }), {
    first_seen_at: "a",
    last_seen_at: "b",
    active: true,
  });

  it("Should read back what it wrote, under the documented keys", async () => {
    await store.save(complaintsKey("100"), COMPLAINTS, [complaint], NOW);
    await store.save(statusKey("100"), STATUS, { state: { ...INITIAL_STATE, consecutive_failures: 2 }, deliveries: noDeliveries() }, NOW);
    const complaints = await store.load(complaintsKey("100"), COMPLAINTS);
    expect(complaints).toMatchObject({ kind: "ok", value: [complaint] });
    expect(await store.load(statusKey("100"), STATUS)).toMatchObject({ kind: "ok", value: { state: { consecutive_failures: 2 } } });
    expect(JSON.parse((await kv.get(complaintsKey("100"))) as string)).toMatchObject({ format: FORMAT });
    expect(await kv.get(statusKey("100"))).not.toBeNull();
  });

  it("Should report absent values as absent", async () => {
    expect(await store.load(complaintsKey("100"), COMPLAINTS)).toEqual({ kind: "absent" });
  });

  it.each([
    [JSON.stringify({ format: 2, complaints: [] }), "storage_format"],
    [JSON.stringify({ complaints: [] }), "storage_format"],
  ])("Should report %s as unreadable (%s) and keep its text", async (text, code) => {
    await kv.put(complaintsKey("100"), text);
    const stored = await store.load(complaintsKey("100"), COMPLAINTS);
    expect(stored).toMatchObject({ kind: "unreadable", text, error: { code, key: complaintsKey("100") } });
  });

  it.each(["garbage", "[1,2,3]", JSON.stringify({ format: 1, complaints: "x" })])(
    "Should read %s as no complaints, reporting the damage and keeping its text",
    async (text) => {
      await kv.put(complaintsKey("100"), text);
      const stored = await store.load(complaintsKey("100"), COMPLAINTS);
      expect(stored).toMatchObject({
        kind: "ok",
        value: [],
        damage: { text, error: { code: "storage_corrupt", key: complaintsKey("100") } },
      });
    },
  );

  it("Should keep every complete record of a value cut short, braces and quotes inside text included", async () => {
    const tricky = { ...complaint, id: "C2", body: '括号 } ] { [ 和引号 " 也在正文里' };
    const whole = JSON.stringify({ format: FORMAT, rev: "r", complaints: [complaint, tricky, { ...complaint, id: "C3" }] });
    const text = whole.slice(0, whole.lastIndexOf('"id":"C3"') + 5);
    await kv.put(complaintsKey("100"), text);
    const stored = await store.load(complaintsKey("100"), COMPLAINTS);
    expect(stored).toMatchObject({ kind: "ok", value: [complaint, tricky], damage: { text, error: { code: "storage_corrupt" } } });
  });

  it("Should report an unreadable status as unreadable and keep its text", async () => {
    await kv.put(statusKey("100"), "garbage");
    expect(await store.load(statusKey("100"), STATUS)).toMatchObject({
      kind: "unreadable",
      text: "garbage",
      error: { code: "storage_corrupt" },
    });
  });

  it("Should keep the readable complaints of a value with one damaged record, and report the damage", async () => {
    const text = JSON.stringify({ format: FORMAT, rev: "r", complaints: [complaint, { id: 1 }] });
    await kv.put(complaintsKey("100"), text);
    const stored = await store.load(complaintsKey("100"), COMPLAINTS);
    expect(stored).toMatchObject({ kind: "ok", value: [complaint], damage: { text, error: { code: "storage_corrupt" } } });
  });

  it("Should refuse a status whose times do not parse", async () => {
    await kv.put(statusKey("100"), JSON.stringify({ format: FORMAT, state: { ...INITIAL_STATE, next_poll_at: "soon" } }));
    expect(await store.load(statusKey("100"), STATUS)).toMatchObject({ kind: "unreadable" });
  });

  it("Should write the format key once and refuse a newer layout", async () => {
    expect(await store.checkFormat()).toBeNull();
    expect(await kv.get("format")).toBe(String(FORMAT));
    await kv.put("format", "9");
    expect(await store.checkFormat()).toMatchObject({ code: "storage_format" });
  });

  it("Should keep an unreadable value aside under its own key", async () => {
    const key = await store.preserve(complaintsKey("100"), "garbage", NOW);
    expect(await kv.get(key)).toBe("garbage");
  });
});
