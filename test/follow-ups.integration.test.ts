/**
 * After the news: reminders until handled, `complaint.resolved`, the daily digest and quiet hours, through
 * the outbox with a moving tick clock (sandbox upstream → poller → KV → channel requests to a receiver).
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { WorkerEnv } from "../src/env";
import { Receiver, routeFetch } from "./support/receiver";
import { ADMIN_TOKEN, call, clearKv, fireCron, kv, testEnv } from "./support/worker";

const H = 3_600_000;
const MIN = 60_000;
/** 2026-12-01 08:00 in Beijing. */
const T0 = Date.parse("2026-12-01T00:00:00Z");
const { mchid, key } = SANDBOX_MERCHANT;
const HOOK = { type: "webhook", name: "hook", url: "https://hooks.test/in" };
const WECOM = { type: "wecom", name: "chat", url: "https://wecom.test/send" };
let sandbox: PayjsSandbox;
let receiver: Receiver;

function alertEnv(channels: unknown[], vars: Record<string, string> = {}) {
  return testEnv({
    PAYJS_MCHID: mchid,
    PAYJS_KEY: key,
    NOTIFY_CHANNELS: JSON.stringify(channels),
    PUBLIC_URL: "https://watch.example",
    ...vars,
  });
}

const bodies = (pattern: RegExp) => receiver.to(pattern).map((r) => JSON.parse(r.body));
const events = (pattern: RegExp) => bodies(pattern).map((b) => b.event as string);

/** Ticks every 30 minutes from `from` to `to` (inclusive). */
async function tickThrough(e: ReturnType<typeof alertEnv>, from: number, to: number): Promise<void> {
  for (let now = from; now <= to; now += 30 * MIN) await fireCron(e, now);
}

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT]);
  sandbox.setComplaints(mchid, fixtureComplaints(mchid).slice(0, 2));
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
});
afterEach(() => vi.restoreAllMocks());

describe("complaint.reminder", () => {
  it("Should remind each active, unhandled complaint at 24 h and 48 h exactly once, webhook per complaint, chat per tick", async () => {
    const e = alertEnv([HOOK, WECOM]);
    await fireCron(e, T0);
    receiver.received.length = 0;
    await tickThrough(e, T0 + 30 * MIN, T0 + 60 * H);
    const reminders = bodies(/hooks\.test/).filter((b) => b.event === "complaint.reminder");
    expect(reminders.map((b) => b.hours).sort()).toEqual([24, 24, 48, 48]);
    expect(reminders[0]).toMatchObject({ event: "complaint.reminder", hours: 24, complaint: { mchid, active: true } });
    // Chat: one message per merchant per tick, listing both complaints with their age and links.
    const chat = bodies(/wecom\.test/).map((b) => b.markdown.content as string);
    expect(chat).toHaveLength(2);
    expect(chat[0]).toContain("24 小时未处理");
    expect(chat[1]).toContain("2 天未处理");
    expect(chat[0]).toContain(`https://watch.example/#/complaints/${mchid}/`);
  });

  it("Should not remind a complaint handled before its reminder, nor one gone from PAYJS's list, which is resolved once", async () => {
    const e = alertEnv([HOOK]);
    await fireCron(e, T0);
    const [handled, gone] = fixtureComplaints(mchid).slice(0, 2) as { complaint_id: string }[];
    await env.COMPLAINTS.put(
      `handled:${mchid}`,
      JSON.stringify({ format: 2, rev: "r", marks: { [handled!.complaint_id]: { at: new Date(T0 + H).toISOString(), note: "已退款" } } }),
    );
    sandbox.removeComplaint(mchid, gone!.complaint_id);
    receiver.received.length = 0;
    await tickThrough(e, T0 + 4 * H, T0 + 60 * H);
    expect(events(/hooks\.test/)).toEqual(["complaint.resolved"]);
    expect(bodies(/hooks\.test/)[0]).toMatchObject({ complaint: { id: gone!.complaint_id, active: false } });
  });

  it("Should drop a reminder still waiting for a retry once its complaint is handled", async () => {
    const e = alertEnv([HOOK]);
    await fireCron(e, T0);
    receiver.failing = /hooks\.test/;
    await tickThrough(e, T0 + 24 * H, T0 + 24 * H);
    expect(events(/hooks\.test/).filter((x) => x === "complaint.reminder")).toHaveLength(2);
    const ids = (fixtureComplaints(mchid).slice(0, 2) as { complaint_id: string }[]).map((c) => c.complaint_id);
    const marks = Object.fromEntries(ids.map((id) => [id, { at: new Date(T0 + 24 * H).toISOString(), note: "" }]));
    await env.COMPLAINTS.put(`handled:${mchid}`, JSON.stringify({ format: 2, rev: "r", marks }));
    receiver.failing = null;
    receiver.received.length = 0;
    await tickThrough(e, T0 + 24.5 * H, T0 + 30 * H);
    expect(receiver.received).toHaveLength(0);
  });

  it("Should stay within 50 requests an invocation with 200 reminders due at once, sending the rest on later ticks", async () => {
    sandbox.setComplaints(
      mchid,
      Array.from({ length: 200 }, (_, i) => ({
        complaint_id: `R-${i}`,
        complaint_at: "2026-12-01 07:00:00",
        order_id: `O-${i}`,
        total_fee: 100,
        body: "未处理",
      })),
    );
    const e = alertEnv([HOOK], { REMIND_AFTER_HOURS: "24" });
    await tickThrough(e, T0, T0 + 3 * H);
    receiver.received.length = 0;
    const perTick: number[] = [];
    for (let now = T0 + 24 * H; receiver.received.length < 200 && now < T0 + 30 * H; now += 30 * MIN) {
      const before = receiver.received.length + sandbox.requests.length;
      await fireCron(e, now);
      perTick.push(receiver.received.length + sandbox.requests.length - before);
    }
    expect(Math.max(...perTick)).toBeLessThanOrEqual(50);
    const reminded = bodies(/hooks\.test/)
      .filter((b) => b.event === "complaint.reminder")
      .map((b) => b.complaint.id);
    expect(new Set(reminded).size).toBe(200);
    expect(reminded).toHaveLength(200);
  });
});

describe("digest.daily", () => {
  it("Should send one digest a day at the first tick at or after digest_at, never twice", async () => {
    const e = alertEnv([{ ...HOOK, digest_at: "09:00" }]);
    await fireCron(e, T0); // 08:00 Beijing
    receiver.received.length = 0;
    await tickThrough(e, T0 + 30 * MIN, T0 + 25 * H + 30 * MIN);
    const digests = bodies(/hooks\.test/).filter((b) => b.event === "digest.daily");
    expect(digests).toHaveLength(2);
    expect(Date.parse(digests[0].at)).toBe(T0 + H); // 09:00 Beijing
    expect(Date.parse(digests[1].at)).toBe(T0 + 25 * H);
    expect(digests[0].merchants).toEqual([
      { mchid, name: null, new_24h: 2, active: 2, unhandled: 2, oldest_unhandled_at: new Date(T0).toISOString() },
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
    expect(bodies(/wecom\.test/).map((b) => b.markdown.content as string)).toEqual([expect.stringContaining("投诉监控异常")]);
    sandbox.setMode("ok");
    receiver.received.length = 0;
    await tickThrough(e, night + 3 * H, T0 + 30 * MIN);
    const chat = bodies(/wecom\.test/).map((b) => b.markdown.content as string);
    expect(chat).toHaveLength(1);
    expect(chat[0]).toContain("免打扰期间");
    expect(chat[0]).toContain("新投诉");
    expect(chat[0]).toContain("投诉监控已恢复");
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

  it.each(["24,24", "0", "721", "48,24", "x"])("Should refuse REMIND_AFTER_HOURS=%s", async (value) => {
    const res = await call(testEnv({ REMIND_AFTER_HOURS: value }), "/healthz");
    expect(((await res.json()) as any).error).toMatchObject({ code: "bad_config", setting: "REMIND_AFTER_HOURS" });
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
    const e = alertEnv([WECOM], { REMIND_AFTER_HOURS: "24" });
    await fireCron(e, T0);
    receiver.received.length = 0;
    await fireCron(e, T0 + 24 * H);
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
    kv.failPutsMatching = /^complaints:/;
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

  const ids = () => (fixtureComplaints(mchid).slice(0, 2) as { complaint_id: string }[]).map((c) => c.complaint_id);
  const handledPath = (id: string) => `/api/complaints/${encodeURIComponent(id)}/handled?mchid=${mchid}`;
  /** Polls every 5 h, so that the ticks at 24 h and at midnight poll nothing. */
  const FIVE_HOURS = { POLL_INTERVAL_SECONDS: "18000" };
  /** What a tick reads of a merchant it does not poll, to find what is due: every value of the merchant, once. */
  const IDLE = [`status:${mchid}`, `outbox:${mchid}`, `complaints:${mchid}`, `handled:${mchid}`];

  it("Should read each of the merchant's values once on a tick that polls nothing, write nothing, and remind at the threshold", async () => {
    const e = alertEnv([HOOK], FIVE_HOURS);
    await fireCron(e, T0);
    receiver.received.length = 0;
    expect(await readsOf(e, T0 + 30 * MIN)).toEqual(IDLE);
    expect(kv.writes).toEqual([]);
    await tickThrough(e, T0 + 1 * H, T0 + 23.5 * H);
    expect(receiver.received).toHaveLength(0);
    expect(await readsOf(e, T0 + 24 * H)).toEqual(IDLE);
    expect(events(/hooks\.test/)).toEqual(["complaint.reminder", "complaint.reminder"]);
    expect(kv.writes).toEqual([`outbox:${mchid}`, `status:${mchid}`]);
  });

  it("Should still remind at the threshold a complaint whose mark was taken off before it", async () => {
    const e = alertEnv([HOOK]);
    await fireCron(e, T0);
    const put = (id: string) =>
      call(e, handledPath(id), {
        method: "PUT",
        token: ADMIN_TOKEN,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ note: "" }),
      });
    for (const id of ids()) expect((await put(id)).status).toBe(200);
    // A poll with news works the follow-ups out while both are marked.
    sandbox.addComplaint(mchid, {
      complaint_id: "LATER-1",
      complaint_at: "2026-12-01 11:00:00",
      order_id: "O",
      total_fee: 1,
      body: "后来",
    });
    await fireCron(e, T0 + 4 * H);
    for (const id of ids()) expect((await call(e, handledPath(id), { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(200);
    receiver.received.length = 0;
    await tickThrough(e, T0 + 4.5 * H, T0 + 23.5 * H);
    expect(receiver.received).toHaveLength(0);
    await fireCron(e, T0 + 24 * H);
    expect(bodies(/hooks\.test/).map((b) => [b.event, b.complaint.id, b.hours])).toEqual(ids().map((id) => ["complaint.reminder", id, 24]));
  });

  it("Should remind of a complaint whose mark is taken off after its threshold passed, on the next tick", async () => {
    const e = alertEnv([HOOK], FIVE_HOURS);
    await fireCron(e, T0);
    const [first] = ids();
    const put = await call(e, handledPath(first as string), { method: "PUT", token: ADMIN_TOKEN, body: "{}" });
    expect(put.status).toBe(200);
    await tickThrough(e, T0 + 30 * MIN, T0 + 30 * H);
    receiver.received.length = 0;
    expect((await call(e, handledPath(first as string), { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(200);
    await fireCron(e, T0 + 30.5 * H);
    expect(bodies(/hooks\.test/).map((b) => [b.event, b.complaint.id, b.hours])).toEqual([["complaint.reminder", first, 24]]);
  });

  it("Should drop a reminder held by quiet hours once its complaint is handled, before they end", async () => {
    // The 24 h reminders fall at 08:00 Beijing, inside 07:00-09:00.
    const e = alertEnv([{ ...HOOK, quiet_hours: "07:00-09:00" }]);
    await tickThrough(e, T0, T0 + 23.5 * H);
    receiver.received.length = 0;
    await fireCron(e, T0 + 24 * H);
    expect(receiver.received).toHaveLength(0);
    const marks = Object.fromEntries(ids().map((id) => [id, { at: new Date(T0 + 24 * H).toISOString(), note: "" }]));
    await env.COMPLAINTS.put(`handled:${mchid}`, JSON.stringify({ format: 2, rev: "r", marks }));
    await tickThrough(e, T0 + 24.5 * H, T0 + 27 * H);
    expect(receiver.received).toHaveLength(0);
    const status = (await (await call(e, "/api/status")).json()) as any;
    expect(status.channels[0]).toMatchObject({ name: "hook", pending: 0 });
  });
});
