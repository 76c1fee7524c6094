/**
 * The present and the history end to end inside workerd: complaints gone from PAYJS's list move into history parts
 * after two weeks, later polls read none of them, answers read them on demand, and a complaint PAYJS lists again comes
 * back with its first sighting and marks.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { beijingText, generateComplaints, type PayjsComplaintItem } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { WorkerEnv } from "../src/env";
import { parseJson } from "../src/json";
import { presentKey } from "../src/store";
import { Receiver, routeFetch } from "./support/receiver";
import { ADMIN_TOKEN, alertEnv, call, clearKv, fireCron, kv, NO_DEADLINES } from "./support/worker";

const H = 3_600_000;
const DAY = 24 * H;
const { mchid } = SANDBOX_MERCHANT;
const LISTED = 5;
const ALL = 30;
let sandbox: PayjsSandbox;
let receiver: Receiver;
let t0: number;
let items: PayjsComplaintItem[];
let e: WorkerEnv;

const idOf = (item: PayjsComplaintItem) => item.complaint_id as string;

beforeEach(async () => {
  await clearKv();
  t0 = Date.now();
  // One a day over the 30 days before t0: two Beijing months at least.
  items = generateComplaints(mchid, ALL, t0);
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT]);
  sandbox.setComplaints(mchid, items);
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
  e = alertEnv([{ type: "webhook", name: "hook", url: "https://hooks.test/in" }], NO_DEADLINES);
});
afterEach(() => vi.restoreAllMocks());

/** Every complaint seen at t0, all but the newest {@link LISTED} gone at t0 + 4 h, moved into history at t0 + 15 days. */
async function settle(): Promise<number> {
  await fireCron(e, t0);
  sandbox.setComplaints(mchid, items.slice(0, LISTED));
  await fireCron(e, t0 + 4 * H);
  const moved = t0 + 15 * DAY;
  await fireCron(e, moved);
  return moved;
}

async function json(path: string, token?: string): Promise<any> {
  const res = await call(e, path, token === undefined ? {} : { token });
  expect(res.status, path).toBe(200);
  return res.json();
}

async function historyValues(): Promise<{ key: string; ids: string[] }[]> {
  const keys = (await env.COMPLAINTS.list({ prefix: `history:${mchid}:` })).keys.map((k) => k.name);
  return Promise.all(
    keys.map(async (key) => {
      const value = parseJson((await env.COMPLAINTS.get(key)) as string) as { complaints: PayjsComplaintItem[] };
      return { key, ids: value.complaints.map(idOf) };
    }),
  );
}

const historyKeysRead = () => kv.readKeys.filter((k) => k.startsWith("history:") || k.startsWith("ids:") || k.startsWith("parts:"));
const webhookEvents = () => receiver.to(/hooks\.test/).map((r) => JSON.parse(r.body) as { event: string; complaint?: { id: string } });

describe("moving into history", () => {
  it("Should move the complaints gone for two weeks into month parts, each once, and keep the rest present", async () => {
    await fireCron(e, t0);
    sandbox.setComplaints(mchid, items.slice(0, LISTED));
    await fireCron(e, t0 + 4 * H);
    // A week after they left: not yet (the first must have left two weeks ago).
    await fireCron(e, t0 + 8 * DAY);
    expect(await historyValues()).toEqual([]);

    await fireCron(e, t0 + 15 * DAY);
    const parts = await historyValues();
    const moved = parts.flatMap((p) => p.ids);
    expect(moved.sort()).toEqual(items.slice(LISTED).map(idOf).sort());
    // One Beijing month of complaint_at per part.
    for (const part of parts) {
      const months = new Set(items.filter((i) => part.ids.includes(idOf(i))).map((i) => (i.complaint_at as string).slice(0, 7)));
      expect([...months], part.key).toEqual([part.key.split(":")[2]?.slice(0, 7)]);
    }
    const present = parseJson((await env.COMPLAINTS.get(presentKey(mchid))) as string) as { complaints: PayjsComplaintItem[] };
    expect(present.complaints.map(idOf)).toEqual(items.slice(0, LISTED).map(idOf));
    // The id index: one key per month of the parts.
    const months = new Set(parts.map((p) => p.key.split(":")[2]?.slice(0, 7)));
    const index = (await env.COMPLAINTS.list({ prefix: `ids:${mchid}:` })).keys.map((k) => k.name.split(":")[2]);
    expect(new Set(index)).toEqual(months);

    const status = (await json("/api/status")).merchants[0];
    expect(status.complaints_total).toBe(ALL);
    expect(status.history).toEqual({
      complaints: ALL - LISTED,
      parts: parts.length,
      oldest_complaint_at: (await json(`/api/complaints/${idOf(items[ALL - 1] as PayjsComplaintItem)}`)).complaint.complaint_at,
    });
    // The move is no news.
    expect(
      webhookEvents().filter((m) => m.event.startsWith("complaint.") && m.event !== "complaint.new" && m.event !== "complaint.resolved"),
    ).toEqual([]);
  });

  it("Should poll without reading or writing any of the history once it is moved", async () => {
    const moved = await settle();
    kv.resetCounts();
    const fresh = { ...items[0], complaint_id: "NEW-1", out_trade_no: "T-NEW-1", complaint_at: beijingText(moved + 4 * H - 60_000) };
    sandbox.addComplaint(mchid, fresh);
    receiver.received.length = 0;
    await fireCron(e, moved + 4 * H);
    expect(historyKeysRead()).toEqual([]);
    expect(kv.writes.filter((k) => k.startsWith("history:") || k.startsWith("ids:") || k.startsWith("parts:"))).toEqual([]);
    expect(kv.writes).toContain(presentKey(mchid));
    expect(webhookEvents().map((m) => [m.event, m.complaint?.id])).toEqual([["complaint.new", "NEW-1"]]);
  });
});

describe("a move cut short", () => {
  it("Should lose nothing when the present is not written after the parts, even where a part overflows", async () => {
    const october = Date.parse("2026-10-01T00:00:00+08:00");
    const month = Array.from({ length: 1_005 }, (_, i) => ({
      ...items[0],
      complaint_id: `OCT-${String(i).padStart(4, "0")}`,
      complaint_at: beijingText(october + i * 40 * 60_000),
    }));
    const late = month.filter((_, i) => i % 100 === 50);
    sandbox.setComplaints(mchid, month);
    await fireCron(e, t0);
    sandbox.setComplaints(mchid, late);
    await fireCron(e, t0 + 4 * H);
    await fireCron(e, t0 + 15 * DAY);
    expect((await historyValues()).flatMap((p) => p.ids)).toHaveLength(995);
    sandbox.setComplaints(mchid, []);
    await fireCron(e, t0 + 15 * DAY + 4 * H);

    // The ten fall within the full part's range: five fit, five go to a new part; then the present is refused.
    kv.failPutsMatching = /^present:/;
    kv.failPutsCount = 1;
    await fireCron(e, t0 + 30 * DAY);
    expect((await json("/api/status")).merchants[0].last_error).toMatchObject({ code: "storage" });
    await fireCron(e, t0 + 30 * DAY + 31 * 60_000);

    const stored = (await historyValues()).flatMap((p) => p.ids);
    expect(stored.sort()).toEqual(month.map(idOf).sort());
    for (const part of await historyValues()) expect(part.ids.length).toBeLessThanOrEqual(1_000);
    const status = (await json("/api/status")).merchants[0];
    expect(status).toMatchObject({ last_error: null, complaints_total: 1_005, history: { complaints: 1_005 } });
  });
});

describe("a complaint coming back out of history, its writes cut short", () => {
  it("Should keep its part until the description no longer names it, so later moves go on", async () => {
    // Alone in its month's part: coming back empties the part.
    const lone = { ...items[0], complaint_id: "LONE-1", out_trade_no: "T-LONE", complaint_at: "2025-01-15 10:00:00" };
    sandbox.setComplaints(mchid, [...items, lone]);
    await fireCron(e, t0);
    sandbox.setComplaints(mchid, items.slice(0, LISTED));
    await fireCron(e, t0 + 4 * H);
    const moved = t0 + 15 * DAY;
    await fireCron(e, moved);
    expect((await historyValues()).find((p) => p.key.includes(":2025-01."))?.ids).toEqual(["LONE-1"]);

    // Listed again; the description's write refused (twice: it is tried once more).
    sandbox.setComplaints(mchid, [...items.slice(0, LISTED), lone]);
    kv.failPutsMatching = /^parts:/;
    await fireCron(e, moved + 4 * H);
    kv.failPutsMatching = null;
    expect((await json("/api/status")).merchants[0].last_error).toMatchObject({ code: "storage" });
    expect((await json("/api/complaints/LONE-1")).complaint.active).toBe(true);

    // Gone again, and moved again two weeks later: the polls go on, the complaint is kept once.
    sandbox.setComplaints(mchid, items.slice(0, LISTED));
    await fireCron(e, moved + 5 * H);
    await fireCron(e, moved + 20 * DAY);
    sandbox.addComplaint(mchid, {
      ...items[0],
      complaint_id: "NEW-9",
      out_trade_no: "T-NEW-9",
      complaint_at: beijingText(moved + 20 * DAY),
    });
    await fireCron(e, moved + 20 * DAY + 4 * H);
    const status = (await json("/api/status")).merchants[0];
    expect(status).toMatchObject({ last_error: null, complaints_total: ALL + 2 });
    expect((await historyValues()).flatMap((p) => p.ids).filter((id) => id === "LONE-1")).toHaveLength(1);
    expect((await json("/api/complaints/NEW-9")).complaint.active).toBe(true);
  });
});

describe("a present that cannot be read", () => {
  it("Should be rebuilt from PAYJS's answer keeping the history its id index describes, the damaged text set aside", async () => {
    const moved = await settle();
    await env.COMPLAINTS.put(presentKey(mchid), '{"format":3,"rev":"x","mchid":"1500000001","complaints":[');
    await fireCron(e, moved + 4 * H);
    const status = (await json("/api/status")).merchants[0];
    expect(status.history.complaints).toBe(ALL - LISTED);
    expect(status.storage_errors.map((s: { code: string }) => s.code)).toContain("storage_rebuilt");
    const ids = [];
    for (let cursor: string | null = "", page: any; cursor !== null; cursor = page.next_cursor) {
      page = await json(`/api/complaints?limit=12${cursor === "" ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
      ids.push(...page.complaints.map((c: { id: string }) => c.id));
    }
    expect(ids).toEqual(items.map(idOf));
    expect((await env.COMPLAINTS.list({ prefix: `corrupt:${presentKey(mchid)}:` })).keys).toHaveLength(1);
  });
});

describe("a history description that cannot be read", () => {
  it("Should be read from the id index's months instead, by answers and by the next move", async () => {
    const moved = await settle();
    await env.COMPLAINTS.put(`parts:${mchid}`, "{not json");
    const all = await json("/api/complaints?limit=100");
    expect(all.complaints.map((c: { id: string }) => c.id)).toEqual(items.map(idOf));
    expect((await json(`/api/complaints/${idOf(items[ALL - 1] as PayjsComplaintItem)}`)).complaint.active).toBe(false);

    // Two more leave, and move: into the parts the index names, not over them.
    sandbox.setComplaints(mchid, items.slice(0, LISTED - 2));
    await fireCron(e, moved + 4 * H);
    await fireCron(e, moved + 20 * DAY);
    expect((await historyValues()).flatMap((p) => p.ids).sort()).toEqual(
      items
        .slice(LISTED - 2)
        .map(idOf)
        .sort(),
    );
  });
});

describe("a part KV fails to give", () => {
  it("Should be read again by the next request, not kept failed", async () => {
    await settle();
    kv.failGetsMatching = /^history:/;
    const failed = await call(e, "/api/complaints?active=false&limit=100");
    expect(failed.status).not.toBe(200);
    expect(await failed.text()).not.toContain("at ");
    kv.failGetsMatching = null;
    const again = await json("/api/complaints?active=false&limit=100");
    expect(again.complaints).toHaveLength(ALL - LISTED);
  });
});

describe("reading across the present and history", () => {
  it("Should page every complaint exactly once, newest first, with the whole total", async () => {
    await settle();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await json(`/api/complaints?limit=7${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(page.total).toBe(ALL);
      seen.push(...page.complaints.map((c: { id: string }) => c.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(items.map(idOf));
  });

  it("Should answer active complaints from the present alone, and inactive ones from history", async () => {
    await settle();
    kv.resetCounts();
    const active = await json("/api/complaints?active=true&limit=100");
    expect(active.total).toBe(LISTED);
    expect(active.complaints.map((c: { id: string }) => c.id)).toEqual(items.slice(0, LISTED).map(idOf));
    expect(historyKeysRead()).toEqual([]);

    const inactive = await json("/api/complaints?active=false&limit=100");
    expect(inactive.total).toBe(ALL - LISTED);
    expect(inactive.complaints.every((c: { active: boolean }) => !c.active)).toBe(true);
  });

  it("Should search, sort by due, filter by time, export and show the detail of history complaints", async () => {
    await settle();
    const old = items[ALL - 3] as PayjsComplaintItem;
    const found = await json(`/api/complaints?q=${encodeURIComponent((old.body as string).slice(0, 6))}`);
    expect(found.complaints.map((c: { id: string }) => c.id)).toContain(idOf(old));

    const notOverdue = await json("/api/complaints?overdue=false&limit=100");
    expect(notOverdue.complaints.map((c: { id: string }) => c.id)).toEqual(items.map(idOf));
    expect(notOverdue.total).toBe(ALL);

    const due = await json("/api/complaints?sort=due&limit=100");
    expect(due.total).toBe(ALL);
    expect(new Set(due.complaints.map((c: { id: string }) => c.id)).size).toBe(ALL);

    const day = (old.complaint_at as string).slice(0, 10);
    const onDay = await json(`/api/complaints?since=${day}&until=${day}`);
    expect(onDay.complaints.map((c: { id: string }) => c.id)).toEqual([idOf(old)]);
    expect(onDay.total).toBe(1);

    const csv = await (await call(e, "/api/complaints.csv")).text();
    for (const item of items) expect(csv).toContain(idOf(item));

    const detail = await json(`/api/complaints/${idOf(old)}`);
    expect(detail.complaint).toMatchObject({ id: idOf(old), active: false, mchid });
    expect((await call(e, "/api/complaints/NO-SUCH-ID")).status).toBe(404);
  });

  it("Should keep a mark made before the move, take new marks on history complaints, and refuse their refund", async () => {
    e = alertEnv([{ type: "webhook", name: "hook", url: "https://hooks.test/in" }], { ...NO_DEADLINES, ALLOW_REFUNDS: "true" });
    await fireCron(e, t0);
    const old = idOf(items[ALL - 1] as PayjsComplaintItem);
    const put = (id: string, note: string) =>
      call(e, `/api/complaints/${id}/replied`, {
        method: "PUT",
        token: ADMIN_TOKEN,
        body: JSON.stringify({ note }),
        headers: { "content-type": "application/json" },
      });
    expect((await put(old, "电话沟通")).status).toBe(200);
    sandbox.setComplaints(mchid, items.slice(0, LISTED));
    await fireCron(e, t0 + 4 * H);
    await fireCron(e, t0 + 15 * DAY);
    expect((await historyValues()).flatMap((p) => p.ids)).toContain(old);

    expect((await json(`/api/complaints/${old}`)).complaint.replied).toMatchObject({ note: "电话沟通" });
    const other = idOf(items[ALL - 2] as PayjsComplaintItem);
    expect((await put(other, "已处理")).status).toBe(200);
    expect((await json(`/api/complaints/${other}`)).complaint.replied).toMatchObject({ note: "已处理" });

    const refund = await call(e, `/api/complaints/${other}/refund`, {
      method: "POST",
      token: ADMIN_TOKEN,
      body: JSON.stringify({ total_fee: 1 }),
      headers: { "content-type": "application/json" },
    });
    expect(refund.status).toBe(409);
    expect(((await refund.json()) as { error: { code: string } }).error.code).toBe("in_history");
  });
});

describe("a complaint PAYJS lists again", () => {
  it("Should be active again with its first sighting and marks, out of history, told of by no complaint.new", async () => {
    await fireCron(e, t0);
    const back = items[ALL - 2] as PayjsComplaintItem;
    const before = (await json(`/api/complaints/${idOf(back)}`)).complaint;
    await call(e, `/api/complaints/${idOf(back)}/handled`, { method: "PUT", token: ADMIN_TOKEN });
    sandbox.setComplaints(mchid, items.slice(0, LISTED));
    await fireCron(e, t0 + 4 * H);
    const moved = t0 + 15 * DAY;
    await fireCron(e, moved);
    const total = (await json("/api/status")).merchants[0].history.complaints;

    sandbox.setComplaints(mchid, [...items.slice(0, LISTED), back]);
    receiver.received.length = 0;
    await fireCron(e, moved + 4 * H);
    const after = (await json(`/api/complaints/${idOf(back)}`)).complaint;
    expect(after).toMatchObject({ active: true, first_seen_at: before.first_seen_at });
    expect(after.handled).not.toBeNull();
    expect((await historyValues()).flatMap((p) => p.ids)).not.toContain(idOf(back));
    const status = (await json("/api/status")).merchants[0];
    expect(status.history.complaints).toBe(total - 1);
    expect(status.complaints_total).toBe(ALL);
    expect(webhookEvents().filter((m) => m.event === "complaint.new")).toEqual([]);

    // Listed and then gone again: present as any other, and the whole list still holds it once.
    const ids = (await json("/api/complaints?limit=100")).complaints.map((c: { id: string }) => c.id);
    expect(ids.filter((id: string) => id === idOf(back))).toHaveLength(1);
    expect(ids).toHaveLength(ALL);
  });
});
