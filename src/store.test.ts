import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { COMPLAINTS, type Kept } from "./domain/complaint";
import { noDeliveries } from "./domain/outbox";
import { INITIAL_STATE, STATUS } from "./domain/poll-state";
import { complaintId, complaintOf } from "./payjs/complaint";
import { complaintsKey, FORMAT, Store, statusKey } from "./store";

const kv = env.COMPLAINTS;
/** `JSON.rawJSON`, which workerd has and TypeScript's lib does not declare yet. */
const rawJSON = (digits: string): unknown => (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(digits);
const NOW = Date.parse("2026-11-27T00:00:00Z");

async function clear(): Promise<void> {
  const { keys } = await kv.list();
  await Promise.all(keys.map((k) => kv.delete(k.name)));
}

describe("Store", () => {
  beforeEach(clear);
  const store = new Store(kv);
  const complaint: Kept = {
    id: "C1",
    raw: { complaint_id: "C1", body: "商品未收到" },
    first_seen_at: "a",
    last_seen_at: "a",
    active: true,
  };
  /** The same complaint in the first layout, every derived field stored beside `raw`. */
  const record = complaintOf("100", complaint, null);

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
    [JSON.stringify({ format: 3, complaints: [] }), "storage_format"],
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
    const tricky: Kept = { ...complaint, id: "C2", raw: { complaint_id: "C2", body: '括号 } ] { [ 和引号 " 也在正文里' } };
    const third: Kept = { ...complaint, id: "C3", raw: { complaint_id: "C3" } };
    const whole = JSON.stringify({ format: FORMAT, rev: "r", ...COMPLAINTS.write([complaint, tricky, third]) });
    const text = whole.slice(0, whole.lastIndexOf('"C3"') + 3);
    await kv.put(complaintsKey("100"), text);
    const stored = await store.load(complaintsKey("100"), COMPLAINTS);
    expect(stored).toMatchObject({ kind: "ok", value: [complaint, tricky], damage: { text, error: { code: "storage_corrupt" } } });
  });

  it("Should keep every complete record of a first-layout value cut short", async () => {
    const whole = JSON.stringify({ format: 1, rev: "r", complaints: [record, { ...record, id: "C3" }] });
    const text = whole.slice(0, whole.lastIndexOf('"id":"C3"') + 5);
    await kv.put(complaintsKey("100"), text);
    expect(await store.load(complaintsKey("100"), COMPLAINTS)).toMatchObject({ kind: "ok", value: [complaint], damage: { text } });
  });

  it("Should read a first-layout value whole and write it back in the new layout, under half the size, losing nothing", async () => {
    const goneRaw = { order_id: "O-9", complaint_at: "2026-11-08 01:13:29" };
    const gone = complaintOf(
      "100",
      {
        id: complaintId(goneRaw),
        raw: goneRaw,
        first_seen_at: "2026-11-01T00:00:00.000Z",
        last_seen_at: "2026-11-02T00:00:00.000Z",
        active: false,
      },
      null,
    );
    const repeat = { ...record, id: "C1~2" };
    const old = JSON.stringify({ format: 1, rev: "r", complaints: [record, repeat, gone] });
    await kv.put(complaintsKey("100"), old);
    const read = await store.load(complaintsKey("100"), COMPLAINTS);
    const expected = [
      complaint,
      { ...complaint, id: "C1~2" },
      { id: gone.id, raw: gone.raw, first_seen_at: gone.first_seen_at, last_seen_at: gone.last_seen_at, active: false },
    ];
    expect(read).toMatchObject({ kind: "ok", value: expected, damage: null });
    await store.save(complaintsKey("100"), COMPLAINTS, expected, NOW);
    const text = (await kv.get(complaintsKey("100"))) as string;
    expect(text.length).toBeLessThan(old.length / 2);
    expect(await store.load(complaintsKey("100"), COMPLAINTS)).toMatchObject({ kind: "ok", value: expected, damage: null });
  });

  it("Should keep only the records a shorter seen list still covers, and report the damage", async () => {
    const text = JSON.stringify({ format: FORMAT, rev: "r", seen: ["a"], complaints: [complaint.raw, { complaint_id: "C2" }] });
    await kv.put(complaintsKey("100"), text);
    expect(await store.load(complaintsKey("100"), COMPLAINTS)).toMatchObject({ kind: "ok", value: [complaint], damage: { text } });
  });

  it("Should keep an id beside raw only when complaint_id alone does not give it", () => {
    const big = rawJSON("9007199254740993");
    const { seen } = COMPLAINTS.write([
      complaint,
      { ...complaint, id: "C1~2" },
      { ...complaint, id: "h0123456789abcdef0123", raw: { body: "没有 complaint_id" } },
      { ...complaint, id: "9007199254740993", raw: { complaint_id: big } },
      { ...complaint, id: "42", raw: { complaint_id: 42 }, active: false, last_seen_at: "b" },
    ]);
    expect(seen).toEqual(["a", ["a", null, "C1~2"], ["a", null, "h0123456789abcdef0123"], ["a", null, "9007199254740993"], ["a", "b"]]);
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
    const text = JSON.stringify({
      format: FORMAT,
      rev: "r",
      seen: ["a", 1, "a", "a", ["a", null]],
      complaints: [complaint.raw, { complaint_id: "C2" }, "not a record", { body: "no id, none kept" }, complaint.raw],
    });
    await kv.put(complaintsKey("100"), text);
    const stored = await store.load(complaintsKey("100"), COMPLAINTS);
    expect(stored).toMatchObject({ kind: "ok", value: [complaint, complaint], damage: { text, error: { code: "storage_corrupt" } } });
    expect((stored as { damage: { error: { message: string } } }).damage.error.message).toContain("3 unreadable complaints");
  });

  it("Should refuse a status whose times do not parse", async () => {
    await kv.put(statusKey("100"), JSON.stringify({ format: FORMAT, state: { ...INITIAL_STATE, next_poll_at: "soon" } }));
    expect(await store.load(statusKey("100"), STATUS)).toMatchObject({ kind: "unreadable" });
  });

  it("Should write the format key once, move it on from the layout before, and refuse a newer layout", async () => {
    expect(await store.checkFormat()).toBeNull();
    expect(await kv.get("format")).toBe(String(FORMAT));
    await kv.put("format", "1");
    expect(await store.checkFormat()).toBeNull();
    expect(await kv.get("format")).toBe("2");
    await kv.put("format", "9");
    expect(await store.checkFormat()).toMatchObject({ code: "storage_format" });
  });

  it("Should keep an unreadable value aside under its own key", async () => {
    const key = await store.preserve(complaintsKey("100"), "garbage", NOW);
    expect(await kv.get(key)).toBe("garbage");
  });
});
