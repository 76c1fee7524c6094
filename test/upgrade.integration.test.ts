/**
 * The move from layout 2 (every complaint ever seen in one value) to layout 3 end to end inside workerd, with a
 * layout 2 value of 20,000 complaints: slices over the first ticks, nothing lost or doubled, ids as they were, marks
 * in the books of their months, no alert, the old list served meanwhile.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { beijingText, generateComplaints, type PayjsComplaintItem } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { RawComplaint, StoredComplaint } from "../src/domain/complaint";
import { PART_SIZE } from "../src/domain/history";
import { noDeliveries } from "../src/domain/outbox";
import { INITIAL_STATE, STATUS } from "../src/domain/poll-state";
import { sortKept } from "../src/domain/position";
import { COMPLAINTS } from "../src/domain/stored-complaints";
import type { WorkerEnv } from "../src/env";
import { parseJson } from "../src/json";
import { SLICE } from "../src/poller/upgrade";
import { legacyComplaintsKey, legacyMarksKey, presentKey, Store, statusKey, upgradeKey } from "../src/store";
import { Receiver, routeFetch } from "./support/receiver";
import { ADMIN_TOKEN, alertEnv, call, clearKv, fireCron, kv, NO_DEADLINES } from "./support/worker";

const H = 3_600_000;
const DAY = 24 * H;
const { mchid } = SANDBOX_MERCHANT;
const TOTAL = 20_000;
const LISTED = 20;
/** Gone from PAYJS's list two days ago: they stay in the present. */
const RECENT = 30;
const REPEAT = 7_001;
let t0: number;
let items: PayjsComplaintItem[];
let sandbox: PayjsSandbox;
let receiver: Receiver;
let e: WorkerEnv;

const idOf = (i: number) => (items[i] as PayjsComplaintItem).complaint_id as string;

/** What a Worker of layout 2 left: `complaints:` with all 20,000 (one an hour, newest first), `handled:` with marks. */
async function seedLayout2(total = TOTAL, apart = H): Promise<void> {
  items = generateComplaints(mchid, total, t0).map((item, i) => ({ ...item, complaint_at: beijingText(t0 - (i + 1) * apart) }));
  // PAYJS once listed two records under one complaint_id: layout 2 kept the second as `{id}~2`.
  if (total > REPEAT) items[REPEAT] = { ...items[REPEAT], complaint_id: idOf(REPEAT - 1) };
  const iso = (ms: number) => new Date(ms).toISOString();
  const kept: StoredComplaint[] = items.map((raw, i) => {
    const at = t0 - (i + 1) * apart;
    const last = i < LISTED ? t0 - H : i < LISTED + RECENT ? t0 - 2 * DAY : Math.min(at + 3 * DAY, t0 - 8 * DAY);
    const id = i === REPEAT && total > REPEAT ? `${idOf(i)}~2` : idOf(i);
    return { id, raw: raw as RawComplaint, first_seen_at: iso(at + 60_000), last_seen_at: iso(last), active: i < LISTED };
  });
  const store = new Store(env.COMPLAINTS);
  await store.save(legacyComplaintsKey(mchid), COMPLAINTS, sortKept(mchid, kept), t0, true);
  const text = (await env.COMPLAINTS.get(legacyComplaintsKey(mchid))) as string;
  expect(text.startsWith('{"format":3,')).toBe(true);
  await env.COMPLAINTS.put(legacyComplaintsKey(mchid), text.replace('{"format":3,', '{"format":2,'));
  const mark = (note: string) => ({ at: iso(t0 - DAY), note });
  await env.COMPLAINTS.put(
    legacyMarksKey(mchid),
    JSON.stringify({
      format: 2,
      rev: "layout-2",
      marks: { [idOf(Math.min(5_000, total - 5))]: mark("") },
      replied: { [idOf(0)]: mark("已电话联系"), [idOf(Math.min(12_345, total - 1))]: mark("旧的回复"), "GONE-1": mark("不在列表里") },
      refunds: {},
    }),
  );
  // Its last poll an hour ago: by its status, not due for three hours more.
  const polled = { ...INITIAL_STATE, last_attempt_at: iso(t0 - H), last_success_at: iso(t0 - H), next_poll_at: iso(t0 + 3 * H) };
  await store.save(statusKey(mchid), STATUS, { state: polled, deliveries: noDeliveries() }, t0);
  const status = (await env.COMPLAINTS.get(statusKey(mchid))) as string;
  await env.COMPLAINTS.put(statusKey(mchid), status.replace('{"format":3,', '{"format":2,'));
  await env.COMPLAINTS.put("format", "2");
}

beforeEach(async () => {
  await clearKv();
  t0 = Date.now();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT]);
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
  e = alertEnv([{ type: "webhook", name: "hook", url: "https://hooks.test/in" }], NO_DEADLINES);
});

async function seed(total = TOTAL, apart = H): Promise<void> {
  await seedLayout2(total, apart);
  sandbox.setComplaints(mchid, items.slice(0, LISTED));
}
afterEach(() => vi.restoreAllMocks());

async function json(path: string): Promise<any> {
  const res = await call(e, path);
  expect(res.status, path).toBe(200);
  return res.json();
}

async function storedIds(): Promise<{ present: string[]; parts: { key: string; ids: string[] }[] }> {
  const present = parseJson((await env.COMPLAINTS.get(presentKey(mchid))) as string) as { complaints: PayjsComplaintItem[] };
  const keys = (await env.COMPLAINTS.list({ prefix: `history:${mchid}:` })).keys.map((k) => k.name);
  const parts = await Promise.all(
    keys.map(async (key) => {
      const value = parseJson((await env.COMPLAINTS.get(key)) as string) as { complaints: PayjsComplaintItem[] };
      return { key, ids: value.complaints.map((c) => c.complaint_id as string) };
    }),
  );
  return { present: present.complaints.map((c) => c.complaint_id as string), parts };
}

describe("the move from layout 2", () => {
  it("Should move 20,000 complaints over its first ticks (not waiting for its next poll), each once with its id and marks, telling nothing", {
    timeout: 120_000,
  }, async () => {
    await seed();
    await fireCron(e, t0);
    expect(await env.COMPLAINTS.get("format")).toBe("3");
    expect(await env.COMPLAINTS.get(presentKey(mchid))).toBeNull();
    // Meanwhile the old list is served whole, and marks wait.
    const status = (await json("/api/status")).merchants[0];
    // A slice ends at the first record boundary past about SLICE records.
    expect(status.upgrading.done).toBeGreaterThanOrEqual(SLICE);
    expect(status.upgrading.done).toBeLessThan(SLICE + 10);
    const list = await json("/api/complaints?limit=5");
    expect(list.total).toBe(TOTAL);
    expect(list.complaints.map((c: { id: string }) => c.id)).toEqual([0, 1, 2, 3, 4].map(idOf));
    expect((await json(`/api/complaints/${idOf(0)}`)).complaint.replied).toMatchObject({ note: "已电话联系" });
    const refused = await call(e, `/api/complaints/${idOf(1)}/replied`, { method: "PUT", token: ADMIN_TOKEN });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("upgrading");

    // `POST /api/poll` moves a slice now, as a tick would: a way to finish sooner.
    const poll = await call(e, "/api/poll", { method: "POST", token: ADMIN_TOKEN });
    expect(poll.status).toBe(200);
    const [result] = ((await poll.json()) as { results: { error: { code: string; message: string } }[] }).results;
    expect(result?.error).toMatchObject({ code: "upgrading" });
    expect(result?.error.message).toMatch(/^moving stored complaints to layout 3: 20\d\d of 20000 done/);

    let ticks = 2;
    while ((await env.COMPLAINTS.get(presentKey(mchid))) === null && ticks < 40) await fireCron(e, t0 + ticks++ * 10 * 60_000);
    // Ticks and the request above: one slice each.
    expect(ticks).toBeGreaterThanOrEqual(TOTAL / (SLICE + 10));
    expect(ticks).toBeLessThanOrEqual(TOTAL / SLICE + 1);
    // No poll of PAYJS while moving: the first comes at the next tick.
    expect(sandbox.requests).toHaveLength(0);
    await fireCron(e, t0 + ticks * 10 * 60_000);
    expect(sandbox.requests.length).toBeGreaterThan(0);

    const { present, parts } = await storedIds();
    expect(present).toEqual(Array.from({ length: LISTED + RECENT }, (_, i) => idOf(i)));
    const all = present.concat(parts.flatMap((p) => p.ids));
    expect(all).toHaveLength(TOTAL);
    expect(new Set(all).size).toBe(TOTAL - 1);
    expect(new Set(all)).toEqual(new Set(items.map((i) => i.complaint_id as string)));
    // Each id as it was: the repeat keeps its own.
    expect((await json(`/api/complaints/${idOf(REPEAT)}~2`)).complaint).toMatchObject({
      id: `${idOf(REPEAT)}~2`,
      body: items[REPEAT]?.body,
    });
    expect((await json(`/api/complaints/${idOf(REPEAT)}`)).complaint).toMatchObject({ id: idOf(REPEAT), body: items[REPEAT - 1]?.body });
    for (const part of parts) expect(part.ids.length, part.key).toBeLessThanOrEqual(PART_SIZE);
    for (const key of [legacyComplaintsKey(mchid), legacyMarksKey(mchid), upgradeKey(mchid)])
      expect(await env.COMPLAINTS.get(key), key).toBeNull();

    const after = (await json("/api/status")).merchants[0];
    expect(after).toMatchObject({ upgrading: null, complaints_total: TOTAL, last_error: null });
    expect(after.history.complaints).toBe(TOTAL - LISTED - RECENT);
    expect(after.history.parts).toBe(parts.length);

    // Marks in the books of their months; one of no listed complaint kept in the `none` book.
    expect((await json(`/api/complaints/${idOf(0)}`)).complaint).toMatchObject({ active: true, replied: { note: "已电话联系" } });
    expect((await json(`/api/complaints/${idOf(12_345)}`)).complaint).toMatchObject({ active: false, replied: { note: "旧的回复" } });
    expect((await json(`/api/complaints/${idOf(5_000)}`)).complaint.handled).not.toBeNull();
    expect(await env.COMPLAINTS.get(`marks:${mchid}:none`)).toContain("GONE-1");

    // The move and the poll after it are no news.
    const events = receiver.to(/hooks\.test/).map((r) => (JSON.parse(r.body) as { event: string }).event);
    expect(events.filter((name) => name.startsWith("complaint."))).toEqual([]);
  });

  it("Should answer from the moved history: the first page by counts, a span too wide refused, a narrow one read", {
    timeout: 120_000,
  }, async () => {
    await seed();
    for (let tick = 0; (await env.COMPLAINTS.get(presentKey(mchid))) === null && tick < 40; tick++)
      await fireCron(e, t0 + tick * 10 * 60_000);

    kv.resetCounts();
    const first = await json("/api/complaints?limit=100");
    expect(first.total).toBe(TOTAL);
    expect(first.complaints.map((c: { id: string }) => c.id)).toEqual(Array.from({ length: 100 }, (_, i) => idOf(i)));
    expect(kv.readKeys.filter((k) => k.startsWith("history:")).length).toBeLessThanOrEqual(2);

    const wide = await call(e, "/api/complaints?q=%E6%8A%95%E8%AF%89");
    expect(wide.status).toBe(400);
    expect(((await wide.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "span_too_large" });
    expect((await call(e, "/api/complaints.csv")).status).toBe(400);

    const since = beijingText(t0 - 60 * DAY).slice(0, 10);
    const narrow = await json(`/api/complaints?q=%E6%8A%95%E8%AF%89&since=${since}&limit=100`);
    expect(narrow.total).toBeGreaterThan(1_000);

    // The chart's counts came over with the move: one complaint an hour.
    const { days } = await json("/api/daily");
    expect(days).toHaveLength(30);
    expect(days[days.length - 2]).toMatchObject({ complaints: 24 });
  });

  it("Should move a small merchant in one tick, each month's book written once with the marks of past and present", async () => {
    // 60 complaints a minute apart: one month, one slice; the last 10 left PAYJS's list over a week ago.
    await seed(60, 60_000);
    await fireCron(e, t0);
    const { present, parts } = await storedIds();
    expect(present).toHaveLength(LISTED + RECENT);
    expect(parts.flatMap((p) => p.ids)).toHaveLength(10);
    expect((await json(`/api/complaints/${idOf(0)}`)).complaint.replied).toMatchObject({ note: "已电话联系" });
    expect((await json(`/api/complaints/${idOf(59)}`)).complaint.replied).toMatchObject({ note: "旧的回复" });
    expect((await json(`/api/complaints/${idOf(55)}`)).complaint.handled).not.toBeNull();
    // (A second write of one book in the invocation would be refused by production's rules: the test would fail.)
    expect(kv.violations).toEqual([]);
  });

  it("Should do the last step again when writing the marks fails, the old book kept until the present is written", async () => {
    await seed(60, 60_000);
    // Every write of a book refused (each is tried once more after a second).
    kv.failPutsMatching = /^marks:/;
    await fireCron(e, t0);
    kv.failPutsMatching = null;
    expect(await env.COMPLAINTS.get(presentKey(mchid))).toBeNull();
    expect(await env.COMPLAINTS.get(legacyMarksKey(mchid))).not.toBeNull();
    // The failure is in the status; tried again as a transient one, within 30 minutes.
    expect((await json("/api/status")).merchants[0].last_error).toMatchObject({ code: "storage" });
    await fireCron(e, t0 + 31 * 60_000);
    expect(await env.COMPLAINTS.get(presentKey(mchid))).not.toBeNull();
    expect((await json(`/api/complaints/${idOf(0)}`)).complaint.replied).toMatchObject({ note: "已电话联系" });
    expect((await json(`/api/complaints/${idOf(59)}`)).complaint.replied).toMatchObject({ note: "旧的回复" });
  });

  it("Should rebuild from PAYJS a layout 2 list it cannot read, its text set aside and its marks kept", async () => {
    await seed(60, 60_000);
    await env.COMPLAINTS.put(legacyComplaintsKey(mchid), '{"format":2,"rev":"x","seen":["2026-11-01T00:00:00.000Z"');
    await fireCron(e, t0);
    expect(await env.COMPLAINTS.get(presentKey(mchid))).not.toBeNull();
    expect((await env.COMPLAINTS.list({ prefix: `corrupt:${legacyComplaintsKey(mchid)}:` })).keys).toHaveLength(1);
    for (const key of [legacyComplaintsKey(mchid), legacyMarksKey(mchid), upgradeKey(mchid)])
      expect(await env.COMPLAINTS.get(key), key).toBeNull();
    expect((await json(`/api/complaints/${idOf(0)}`)).complaint.replied).toMatchObject({ note: "已电话联系" });
    expect(await env.COMPLAINTS.get(`marks:${mchid}:none`)).toContain("GONE-1");
  });

  it("Should keep what the slices gathered when layout 2's list turns unreadable past the first, marks moved once", {
    timeout: 60_000,
  }, async () => {
    await seed(2_500, H);
    const marks = JSON.parse((await env.COMPLAINTS.get(legacyMarksKey(mchid))) as string);
    marks.marks[idOf(900)] = { at: new Date(t0 - DAY).toISOString(), note: "第一批" };
    await env.COMPLAINTS.put(legacyMarksKey(mchid), JSON.stringify(marks));
    await fireCron(e, t0);
    expect((await json("/api/status")).merchants[0].upgrading.done).toBeGreaterThanOrEqual(SLICE);
    // A record the second slice reaches no longer parses.
    const text = (await env.COMPLAINTS.get(legacyComplaintsKey(mchid))) as string;
    const broken = text.replace('"body":"第1801号', '"body":X"第1801号');
    expect(broken).not.toBe(text);
    await env.COMPLAINTS.put(legacyComplaintsKey(mchid), broken);
    await fireCron(e, t0 + 10 * 60_000);

    const { present } = await storedIds();
    expect(present).toEqual(Array.from({ length: LISTED + RECENT }, (_, i) => idOf(i)));
    expect((await json(`/api/complaints/${idOf(900)}`)).complaint.handled).toMatchObject({ note: "第一批" });
    expect(await env.COMPLAINTS.get(`marks:${mchid}:none`)).not.toContain(idOf(900));
    expect((await env.COMPLAINTS.list({ prefix: `corrupt:${legacyComplaintsKey(mchid)}:` })).keys).toHaveLength(1);
  });

  it("Should give the move up after a slice is begun three times without finishing, and poll PAYJS again", async () => {
    await seed(2_500, H);
    const original = await env.COMPLAINTS.get(legacyComplaintsKey(mchid));
    // Every slice fails before it writes its progress, as one cut off for CPU would.
    kv.failPutsMatching = /^history:/;
    let minutes = 0;
    // Each failure is in the status and tried again sooner than a poll (30 min, then 1 h, …), ticks every 10 minutes.
    for (; (await env.COMPLAINTS.get(presentKey(mchid))) === null && minutes < 8 * 60; minutes += 10) {
      expect(sandbox.requests).toHaveLength(0);
      await fireCron(e, t0 + minutes * 60_000);
    }
    kv.failPutsMatching = null;
    // Three tries (at 0, 30 and 90 minutes), given up at the fourth (210 minutes).
    expect(minutes).toBe(220);
    expect(sandbox.requests.length).toBeGreaterThan(0);
    const { present } = await storedIds();
    expect(present).toEqual(Array.from({ length: LISTED }, (_, i) => idOf(i)));
    // The old list is kept aside, whole; the marks moved.
    const aside = (await env.COMPLAINTS.list({ prefix: `corrupt:${legacyComplaintsKey(mchid)}:` })).keys;
    expect(aside).toHaveLength(1);
    expect(await env.COMPLAINTS.get(aside[0]?.name as string)).toBe(original);
    expect((await json(`/api/complaints/${idOf(0)}`)).complaint.replied).toMatchObject({ note: "已电话联系" });
    const status = (await json("/api/status")).merchants[0];
    expect(status.storage_errors.map((x: { code: string }) => x.code)).toContain("storage_rebuilt");
    expect(status.upgrading).toBeNull();
  });
});
