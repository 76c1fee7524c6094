/**
 * After the news: reminders toward the deadlines until replied or handled, `complaint.resolved`, the daily digest
 * and quiet hours, through
 * the outbox with a moving tick clock (sandbox upstream → poller → KV → channel requests to a receiver).
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { WorkerEnv } from "../src/env";
import { Receiver, routeFetch } from "./support/receiver";
import { ADMIN_TOKEN, alertEnv, call, clearKv, fireCron, kv, testEnv, tickThrough } from "./support/worker";

const H = 3_600_000;
const MIN = 60_000;
/** 2026-12-01 08:00 in Beijing. */
const T0 = Date.parse("2026-12-01T00:00:00Z");
const { mchid, key } = SANDBOX_MERCHANT;
const HOOK = { type: "webhook", name: "hook", url: "https://hooks.test/in" };
const WECOM = { type: "wecom", name: "chat", url: "https://wecom.test/send" };
let sandbox: PayjsSandbox;
let receiver: Receiver;

const bodies = (pattern: RegExp) => receiver.to(pattern).map((r) => JSON.parse(r.body));
const events = (pattern: RegExp) => bodies(pattern).map((b) => b.event as string);

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT]);
  sandbox.setComplaints(mchid, fixtureComplaints(mchid).slice(0, 2));
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
});
afterEach(() => vi.restoreAllMocks());

/** A complaint made at `at` (Beijing wall-clock text). */
const made = (id: string, at: string, body = "商品未收到，要求退款") => ({
  complaint_id: id,
  complaint_at: at,
  out_trade_no: `T-${id}`,
  order_id: `O-${id}`,
  total_fee: 2990,
  body,
});
/** 2026-12-01 07:00 Beijing, an hour before T0: its reply is due at T0 + 23 h, its end at T0 + 71 h. */
const AT_7 = "2026-12-01 07:00:00";
/** What the webhook heard after the complaint.new: event, deadline, and the threshold as hours_left rounds up to it. */
const deadlineEvents = () =>
  bodies(/hooks\.test/)
    .filter((b) => b.event === "complaint.due" || b.event === "complaint.overdue")
    .map((b) => [b.event, b.deadline, b.hours_left === undefined ? null : Math.ceil(b.hours_left)]);
const markPath = (id: string, kind: "replied" | "handled") => `/api/complaints/${encodeURIComponent(id)}/${kind}?mchid=${mchid}`;
const mark = (e: WorkerEnv, id: string, kind: "replied" | "handled", note = "") =>
  call(e, markPath(id, kind), {
    method: "PUT",
    token: ADMIN_TOKEN,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ note }),
  });

describe("deadlines: complaint.due and complaint.overdue", () => {
  it("Should follow one complaint's whole timeline: due 12 h and 2 h before each deadline, overdue once, replied, handled, then silence", async () => {
    sandbox.setComplaints(mchid, [made("C1", AT_7)]);
    const e = alertEnv([HOOK, WECOM]);
    await fireCron(e, T0);
    expect(events(/hooks\.test/)).toEqual(["complaint.new"]);
    // complaint.new says how long is left for the answer: 23 hours, due 12月2日 07:00.
    expect(bodies(/wecom\.test/)[0].markdown.content).toContain("### 新投诉：请在 12月2日 07:00 前回复（剩 23 小时）");
    receiver.received.length = 0;
    await tickThrough(e, T0 + 30 * MIN, T0 + 23.5 * H);
    expect(deadlineEvents()).toEqual([
      ["complaint.due", "reply", 12],
      ["complaint.due", "reply", 2],
      ["complaint.overdue", "reply", null],
    ]);
    const [due12, , overdue] = bodies(/hooks\.test/);
    expect(Date.parse(due12.at)).toBe(T0 + 11 * H);
    expect(due12).toMatchObject({
      deadline: "reply",
      due_at: "2026-12-02T07:00:00+08:00",
      hours_left: 12,
      complaint: { id: "C1", next_due: "2026-12-02T07:00:00+08:00" },
    });
    expect(Date.parse(overdue.at)).toBe(T0 + 23 * H);
    expect(Object.keys(overdue).sort()).toEqual(["at", "complaint", "deadline", "due_at", "event", "link"]);
    const chat = bodies(/wecom\.test/).map((b) => b.markdown.content as string);
    expect(chat).toEqual([
      expect.stringContaining("回复剩 12 小时"),
      expect.stringContaining("回复剩 2 小时"),
      expect.stringContaining("回复期限已到"),
    ]);
    expect(chat[0]).toContain(`https://watch.example/#/complaints/${mchid}/C1`);

    expect((await mark(e, "C1", "replied", "已在商家助手回复")).status).toBe(200);
    receiver.received.length = 0;
    await tickThrough(e, T0 + 24 * H, T0 + 71.5 * H);
    expect(deadlineEvents()).toEqual([
      ["complaint.due", "resolve", 12],
      ["complaint.due", "resolve", 2],
      ["complaint.overdue", "resolve", null],
    ]);
    expect(bodies(/hooks\.test/)[0].complaint).toMatchObject({
      replied: { note: "已在商家助手回复" },
      next_due: "2026-12-04T07:00:00+08:00",
    });

    expect((await mark(e, "C1", "handled")).status).toBe(200);
    receiver.received.length = 0;
    await tickThrough(e, T0 + 72 * H, T0 + 100 * H);
    expect(receiver.received).toHaveLength(0);
  });

  it("Should give a complaint first seen after its reply deadline only the resolve reminders, and one seen after both none", async () => {
    sandbox.setComplaints(mchid, [made("LATE", "2026-11-30 02:00:00"), made("PAST", "2026-11-27 08:00:00")]);
    const e = alertEnv([HOOK, WECOM]);
    await fireCron(e, T0);
    const news = bodies(/wecom\.test/).map((b) => b.markdown.content as string);
    // LATE: made 30 h ago, its reply deadline passed 6 h ago; PAST: both passed.
    expect(news.find((m) => m.includes("O-LATE"))).toContain("已超过回复期限 6 小时；请在 12月3日 02:00 前处理完毕（剩 42 小时）");
    expect(news.find((m) => m.includes("O-PAST"))).toContain("已超过回复期限 3 天；已超过处理期限 24 小时");
    receiver.received.length = 0;
    await tickThrough(e, T0 + 30 * MIN, T0 + 100 * H);
    const told = bodies(/hooks\.test/).map((b) => [b.event, b.complaint.id, b.deadline]);
    expect(told).toEqual([
      ["complaint.due", "LATE", "resolve"],
      ["complaint.due", "LATE", "resolve"],
      ["complaint.overdue", "LATE", "resolve"],
    ]);
  });

  it("Should hold complaint.due in quiet hours like other messages, and send it at their end", async () => {
    sandbox.setComplaints(mchid, [made("C1", AT_7)]);
    // The reply's 12-hour reminder falls at 19:00 Beijing.
    const e = alertEnv([{ ...HOOK, quiet_hours: "18:00-20:00" }]);
    await fireCron(e, T0);
    receiver.received.length = 0;
    await tickThrough(e, T0 + 30 * MIN, T0 + 11.5 * H);
    expect(receiver.received).toHaveLength(0);
    await tickThrough(e, T0 + 12 * H, T0 + 12 * H);
    expect(deadlineEvents()).toEqual([["complaint.due", "reply", 12]]);
    expect(Date.parse(bodies(/hooks\.test/)[0].due_at)).toBe(T0 + 23 * H);
  });

  it("Should let a held complaint.due whose deadline passes while it waits give way to the complaint.overdue", async () => {
    sandbox.setComplaints(mchid, [made("C1", AT_7)]);
    // The 2-hour reminder falls at 05:00 Beijing, the deadline at 07:00, the quiet hours end at 08:00.
    const e = alertEnv([
      { ...HOOK, quiet_hours: "04:00-08:00" },
      { ...WECOM, quiet_hours: "04:00-08:00" },
    ]);
    await tickThrough(e, T0, T0 + 12 * H);
    receiver.received.length = 0;
    await tickThrough(e, T0 + 12.5 * H, T0 + 24 * H);
    expect(deadlineEvents()).toEqual([["complaint.overdue", "reply", null]]);
    const chat = bodies(/wecom\.test/).map((b) => b.markdown.content as string);
    expect(chat).toHaveLength(1);
    // Sent at 08:00, when the quiet hours end: how long ago the 07:00 deadline passed is counted then.
    expect(chat[0]).toContain("### 投诉回复已超期 1 小时（12月2日 07:00）");
    expect(chat[0]).not.toContain("回复剩");
    const status = (await (await call(e, "/api/status")).json()) as any;
    expect(status.channels.map((c: { pending: number }) => c.pending)).toEqual([0, 0]);
  });

  it("Should keep a held complaint.due while the stored complaints cannot be read, and send it at the end of quiet hours", async () => {
    sandbox.setComplaints(mchid, [made("C1", AT_7)]);
    // The reply's 12-hour reminder falls at 19:00 Beijing, held until 20:00.
    const e = alertEnv([{ ...HOOK, quiet_hours: "18:00-20:00" }]);
    await tickThrough(e, T0, T0 + 11 * H);
    receiver.received.length = 0;
    await env.COMPLAINTS.put(`present:${mchid}`, "{not json");
    // 19:30: not due for a poll, so only the outbox is tended; the list it would check the reminder against is gone.
    await fireCron(e, T0 + 11.5 * H);
    expect(receiver.received).toHaveLength(0);
    await fireCron(e, T0 + 12 * H);
    expect(deadlineEvents()).toEqual([["complaint.due", "reply", 12]]);
  });

  it("Should drop a pending complaint.due once the complaint is replied, keeping the other complaints' in the same chat message", async () => {
    sandbox.setComplaints(mchid, [made("A", AT_7), made("B", AT_7)]);
    const e = alertEnv([WECOM]);
    await fireCron(e, T0);
    receiver.failing = /wecom\.test/;
    await fireCron(e, T0 + 11 * H);
    expect((await mark(e, "A", "replied")).status).toBe(200);
    receiver.failing = null;
    receiver.received.length = 0;
    await tickThrough(e, T0 + 11.5 * H, T0 + 12 * H);
    const chat = bodies(/wecom\.test/).map((b) => b.markdown.content as string);
    expect(chat).toHaveLength(1);
    expect(chat[0]).toContain("T-B");
    expect(chat[0]).not.toContain("T-A");
  });

  it("Should stay within 50 requests an invocation with 200 complaints due at once, sending the rest on later ticks", async () => {
    sandbox.setComplaints(
      mchid,
      Array.from({ length: 200 }, (_, i) => made(`R-${i}`, AT_7)),
    );
    const e = alertEnv([HOOK], { REMIND_BEFORE_HOURS: "12" });
    await tickThrough(e, T0, T0 + 4 * H);
    expect(events(/hooks\.test/).filter((x) => x === "complaint.new")).toHaveLength(200);
    receiver.received.length = 0;
    const perTick: number[] = [];
    for (let now = T0 + 11 * H; receiver.received.length < 200 && now < T0 + 16 * H; now += 30 * MIN) {
      const before = receiver.received.length + sandbox.requests.length;
      await fireCron(e, now);
      perTick.push(receiver.received.length + sandbox.requests.length - before);
    }
    expect(Math.max(...perTick)).toBeLessThanOrEqual(50);
    const due = bodies(/hooks\.test/)
      .filter((b) => b.event === "complaint.due")
      .map((b) => b.complaint.id);
    expect(new Set(due).size).toBe(200);
    expect(due).toHaveLength(200);
  });

  it("Should keep marks made between ticks through the polls after them, and the polls' data beside the marks", async () => {
    sandbox.setComplaints(mchid, [made("A", AT_7), made("B", AT_7)]);
    const e = alertEnv([HOOK]);
    await fireCron(e, T0);
    expect((await mark(e, "A", "replied", "回复了")).status).toBe(200);
    expect((await mark(e, "B", "handled", "退款了")).status).toBe(200);
    sandbox.addComplaint(mchid, made("C", "2026-12-01 11:00:00"));
    receiver.received.length = 0;
    await tickThrough(e, T0 + 4 * H, T0 + 23.5 * H);
    const list = (await (await call(e, "/api/complaints?sort=due")).json()) as any;
    const byId = Object.fromEntries(list.complaints.map((c: { id: string }) => [c.id, c]));
    expect(byId.A).toMatchObject({ replied: { note: "回复了" }, handled: null, next_due: "2026-12-04T07:00:00+08:00" });
    expect(byId.B).toMatchObject({ handled: { note: "退款了" }, next_due: null });
    expect(byId.C).toMatchObject({ replied: null, next_due: "2026-12-02T11:00:00+08:00" });
    expect(list.complaints.map((c: { id: string }) => c.id)).toEqual(["C", "A", "B"]);
    // A's reply and B's deadlines are closed: only C is reminded (12 h before its reply, at 23:00 Beijing).
    expect(bodies(/hooks\.test/).map((b) => [b.event, b.complaint.id])).toEqual([
      ["complaint.new", "C"],
      ["complaint.due", "C"],
    ]);
  });
});

describe("digest.daily", () => {
  it("Should send one digest a day at the first tick at or after digest_at, never twice", async () => {
    sandbox.setComplaints(mchid, [made("A", AT_7), made("B", "2026-12-01 06:00:00")]);
    const e = alertEnv([{ ...HOOK, digest_at: "09:00" }]);
    await fireCron(e, T0); // 08:00 Beijing
    receiver.received.length = 0;
    await tickThrough(e, T0 + 30 * MIN, T0 + 25 * H + 30 * MIN);
    const digests = bodies(/hooks\.test/).filter((b) => b.event === "digest.daily");
    expect(digests).toHaveLength(2);
    expect(Date.parse(digests[0].at)).toBe(T0 + H); // 09:00 Beijing
    expect(Date.parse(digests[1].at)).toBe(T0 + 25 * H);
    expect(digests[0].merchants).toEqual([
      // Both replies are due within 24 hours; the oldest was made at 06:00 Beijing.
      {
        mchid,
        name: null,
        new_24h: 2,
        active: 2,
        unhandled: 2,
        due_24h: 2,
        overdue: 0,
        oldest_unhandled_at: new Date(T0 - 2 * H).toISOString(),
      },
    ]);
  });
});

describe("quiet_hours", () => {
  it("Should hold a chat channel's messages during quiet hours and send one summary at their end, but never hold watcher.failing", async () => {
    const e = alertEnv([{ ...WECOM, quiet_hours: "23:00-08:00" }], { ALERT_AFTER_FAILURES: "1", POLL_INTERVAL_SECONDS: "3600" });
    const night = T0 - 8 * H; // 00:00 Beijing
    await fireCron(e, night);
    sandbox.addComplaint(mchid, {
      complaint_id: "NIGHT-1",
      complaint_at: "2026-12-01 01:00:00",
      order_id: "O",
      total_fee: 100,
      body: "夜里",
    });
    await fireCron(e, night + H);
    expect(receiver.received).toHaveLength(0);
    sandbox.setMode("http_502");
    await fireCron(e, night + 2 * H);
    // watcher.failing goes out at once, quiet hours or not.
    expect(bodies(/wecom\.test/).map((b) => b.markdown.content as string)).toEqual([
      expect.stringContaining("### 投诉查询连续失败 1 次：请运行 npm run doctor 检查"),
    ]);
    sandbox.setMode("ok");
    receiver.received.length = 0;
    await tickThrough(e, night + 3 * H, T0 + 30 * MIN);
    const chat = bodies(/wecom\.test/).map((b) => b.markdown.content as string);
    expect(chat).toHaveLength(1);
    expect(chat[0]).toContain("免打扰期间");
    expect(chat[0]).toContain("新投诉");
    expect(chat[0]).toContain("投诉查询已恢复");
  });
});

describe("settings", () => {
  it.each([
    ['{"type":"webhook","url":"https://x.test","digest_at":"9:00"}', "digest_at"],
    ['{"type":"webhook","url":"https://x.test","quiet_hours":"23:00"}', "quiet_hours"],
  ])("Should refuse %s naming %s", async (item, option) => {
    const res = await call(testEnv({ PAYJS_MCHID: mchid, PAYJS_KEY: key, NOTIFY_CHANNELS: `[${item}]` }), "/healthz");
    expect(res.status).toBe(500);
    expect(((await res.json()) as any).error.message).toContain(option);
  });

  it.each(["12,12", "0", "169", "2,12", "x"])("Should refuse REMIND_BEFORE_HOURS=%s", async (value) => {
    const res = await call(testEnv({ REMIND_BEFORE_HOURS: value }), "/healthz");
    expect(((await res.json()) as any).error).toMatchObject({ code: "bad_config", setting: "REMIND_BEFORE_HOURS" });
  });

  it("Should refuse the retired REMIND_AFTER_HOURS and a channel that takes complaint.reminder, naming what replaces them", async () => {
    const retired = await call(testEnv({ REMIND_AFTER_HOURS: "24,48" }), "/healthz");
    expect(retired.status).toBe(500);
    const { error } = (await retired.json()) as any;
    expect(error).toMatchObject({ code: "bad_config", setting: "REMIND_AFTER_HOURS" });
    expect(error.message).toContain("REMIND_BEFORE_HOURS");
    const events = JSON.stringify([{ ...HOOK, events: ["complaint.new", "complaint.reminder"] }]);
    const channel = await call(testEnv({ PAYJS_MCHID: mchid, PAYJS_KEY: key, NOTIFY_CHANNELS: events }), "/healthz");
    expect(((await channel.json()) as any).error.message).toMatch(/complaint\.due.*complaint\.overdue/);
  });
});

describe("what the review of follow-ups found", () => {
  it("Should keep a chat reminder of many complaints within the platform's size: 10 lines and how many more", async () => {
    sandbox.setComplaints(
      mchid,
      Array.from({ length: 30 }, (_, i) => ({
        complaint_id: `M-${i}`,
        complaint_at: "2026-12-01 07:00:00",
        order_id: `O-${i}`,
        total_fee: 100,
        body: "很长的投诉内容".repeat(10),
      })),
    );
    const e = alertEnv([WECOM], { REMIND_BEFORE_HOURS: "12" });
    await fireCron(e, T0);
    receiver.received.length = 0;
    await fireCron(e, T0 + 11 * H);
    const chat = bodies(/wecom\.test/).map((b) => b.markdown.content as string);
    expect(chat).toHaveLength(1);
    expect(chat[0]).toContain("还有 20 条");
    expect(new TextEncoder().encode(chat[0]).length).toBeLessThan(4096);
  });

  it("Should send a digest_at after the day's last tick at the next midnight tick, once", async () => {
    const e = alertEnv([{ ...HOOK, digest_at: "23:45" }]);
    await fireCron(e, T0);
    receiver.received.length = 0;
    await tickThrough(e, T0 + 30 * MIN, T0 + 20 * H);
    const digests = bodies(/hooks\.test/).filter((b) => b.event === "digest.daily");
    expect(digests.map((d) => Date.parse(d.at))).toEqual([T0 + 16 * H]); // 00:00 Beijing, the day after
  });

  it("Should tell of a complaint gone once, even when the poll that found it gone must be redone", async () => {
    const e = alertEnv([HOOK]);
    await fireCron(e, T0);
    const gone = (fixtureComplaints(mchid)[0] as { complaint_id: string }).complaint_id;
    sandbox.removeComplaint(mchid, gone);
    receiver.failing = /hooks\.test/;
    kv.failPutsMatching = /^present:/;
    kv.failPutsCount = 1;
    await fireCron(e, T0 + 4 * H);
    receiver.failing = null;
    await tickThrough(e, T0 + 4.5 * H, T0 + 6 * H);
    const resolved = bodies(/hooks\.test/).filter((b) => b.event === "complaint.resolved");
    expect(resolved.map((b) => b.complaint.id)).toEqual([gone]);
    expect(resolved[0].complaint).toMatchObject({ active: false, handled: null });
  });

  it("Should send a webhook the complaint as the API shows it, handled included", async () => {
    await fireCron(alertEnv([HOOK]), T0);
    expect(bodies(/hooks\.test/)[0].complaint).toMatchObject({ handled: null, active: true });
  });
});

describe("what a tick with nothing due reads", () => {
  /** `e` with its KV recording the key of every read (the counting KV counts them, but not by key). */
  function recording(e: WorkerEnv): { env: WorkerEnv; keys: string[] } {
    const keys: string[] = [];
    const COMPLAINTS = new Proxy(e.COMPLAINTS, {
      get(target, prop, receiver) {
        if (prop === "get" || prop === "getWithMetadata") {
          return (key: string, ...rest: unknown[]) => {
            keys.push(key);
            return (target[prop] as (...a: unknown[]) => Promise<unknown>)(key, ...rest);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    return { env: { ...e, COMPLAINTS }, keys };
  }

  /** One tick at `now`: the keys it read, in order (`kv.writes` then holds what it wrote). */
  async function readsOf(e: WorkerEnv, now: number): Promise<string[]> {
    const r = recording(e);
    kv.resetCounts();
    await fireCron(r.env, now);
    expect(kv.reads).toBe(r.keys.length);
    return r.keys;
  }

  const ids = () => ["A", "B"];
  const handledPath = (id: string) => markPath(id, "handled");
  /** Polls every 5 h, so that the ticks at 11 h (the reply's 12-hour reminder) and at midnight poll nothing. */
  const FIVE_HOURS = { POLL_INTERVAL_SECONDS: "18000" };
  /**
   * What a tick reads of a merchant it does not poll, to find what is due: whether the settings were told
   * (`watcher.started`'s fingerprint), then every value of the merchant, once.
   */
  const IDLE = ["started", `status:${mchid}`, `outbox:${mchid}`, `present:${mchid}`, `marks:${mchid}:2026-12`];
  beforeEach(() => sandbox.setComplaints(mchid, [made("A", AT_7), made("B", AT_7)]));

  it("Should read each of the merchant's values once on a tick that polls nothing, write nothing, and remind at the threshold", async () => {
    const e = alertEnv([HOOK], FIVE_HOURS);
    await fireCron(e, T0);
    receiver.received.length = 0;
    expect(await readsOf(e, T0 + 30 * MIN)).toEqual(IDLE);
    expect(kv.writes).toEqual([]);
    await tickThrough(e, T0 + 1 * H, T0 + 10.5 * H);
    expect(receiver.received).toHaveLength(0);
    // A tick that sends reads the view links' secret too (once; the isolate keeps it 30 s).
    expect(await readsOf(e, T0 + 11 * H)).toEqual([...IDLE, "view-secret"]);
    expect(events(/hooks\.test/)).toEqual(["complaint.due", "complaint.due"]);
    expect(kv.writes).toEqual([`outbox:${mchid}`, `status:${mchid}`]);
  });

  it("Should still remind at the threshold a complaint whose mark was taken off before it", async () => {
    const e = alertEnv([HOOK]);
    await fireCron(e, T0);
    for (const id of ids()) expect((await mark(e, id, "handled")).status).toBe(200);
    // A poll with news works the follow-ups out while both are marked.
    sandbox.addComplaint(mchid, made("LATER-1", "2026-12-01 11:00:00"));
    await fireCron(e, T0 + 4 * H);
    for (const id of ids()) expect((await call(e, handledPath(id), { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(200);
    receiver.received.length = 0;
    await tickThrough(e, T0 + 4.5 * H, T0 + 10.5 * H);
    expect(receiver.received).toHaveLength(0);
    await fireCron(e, T0 + 11 * H);
    expect(bodies(/hooks\.test/).map((b) => [b.event, b.complaint.id, b.deadline])).toEqual(
      ids().map((id) => ["complaint.due", id, "reply"]),
    );
  });

  it("Should remind of a complaint whose mark is taken off after its threshold passed, on the next tick", async () => {
    const e = alertEnv([HOOK], FIVE_HOURS);
    await fireCron(e, T0);
    const [first] = ids();
    expect((await mark(e, first as string, "handled")).status).toBe(200);
    await tickThrough(e, T0 + 30 * MIN, T0 + 12 * H);
    receiver.received.length = 0;
    expect((await call(e, handledPath(first as string), { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(200);
    await fireCron(e, T0 + 12.5 * H);
    expect(bodies(/hooks\.test/).map((b) => [b.event, b.complaint.id, b.deadline])).toEqual([["complaint.due", first, "reply"]]);
  });

  it("Should drop a reminder held by quiet hours once its complaint is handled, before they end", async () => {
    // The reply's 12-hour reminders fall at 19:00 Beijing, inside 18:00-20:00.
    const e = alertEnv([{ ...HOOK, quiet_hours: "18:00-20:00" }]);
    await tickThrough(e, T0, T0 + 10.5 * H);
    receiver.received.length = 0;
    await fireCron(e, T0 + 11 * H);
    expect(receiver.received).toHaveLength(0);
    for (const id of ids()) expect((await mark(e, id, "handled")).status).toBe(200);
    await tickThrough(e, T0 + 11.5 * H, T0 + 14 * H);
    expect(receiver.received).toHaveLength(0);
    const status = (await (await call(e, "/api/status")).json()) as any;
    expect(status.channels[0]).toMatchObject({ name: "hook", pending: 0 });
  });
});
