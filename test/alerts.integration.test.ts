/**
 * Alerts end to end inside workerd: sandbox upstream → poller → outbox in real local KV → channel requests
 * to a local receiver, under a controlled clock.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../sandbox/payjs-sandbox";
import type { WorkerEnv } from "../src/env";
import { Receiver, routeFetch } from "./support/receiver";
import { ADMIN_TOKEN, alertEnv, call, clearKv, fireCron, kv, NO_DEADLINES, testEnv } from "./support/worker";

const H = 3_600_000;
const { mchid, key } = SANDBOX_MERCHANT;
const HOOK_SECRET = "hook-secret-SECRET-1234";
const CHANNELS = [
  { type: "webhook", name: "hook", url: "https://hooks.test/in", secret: HOOK_SECRET },
  { type: "wecom", url: "https://wecom.test/cgi-bin/webhook/send?key=WECOM-KEY-SECRET" },
  { type: "telegram", bot_token: "123456:TELEGRAM-SECRET", chat_id: "42", api_base: "https://telegram.test" },
];
let sandbox: PayjsSandbox;
let receiver: Receiver;
let t0: number;

async function channelsStatus(e: WorkerEnv): Promise<any[]> {
  return ((await (await call(e, "/api/status")).json()) as any).channels;
}

const newComplaint = (n: number) => ({
  complaint_id: `NEW-${n}`,
  complaint_at: "2026-11-27 10:00:00",
  out_trade_no: `T-${n}`,
  order_id: `O-${n}`,
  total_fee: 990,
  body: `新投诉 ${n}`,
});

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2]);
  sandbox.setComplaints(mchid, fixtureComplaints(mchid).slice(0, 3));
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
  t0 = Date.now();
});
afterEach(() => vi.restoreAllMocks());

describe("complaint.new", () => {
  it("Should send exactly one message per channel for a new complaint, and none again", async () => {
    const e = alertEnv(CHANNELS, NO_DEADLINES);
    await fireCron(e, t0);
    expect(receiver.to(/hooks\.test/)).toHaveLength(3);
    expect(receiver.to(/wecom\.test/)).toHaveLength(3);
    expect(receiver.to(/telegram\.test/)).toHaveLength(3);

    receiver.received.length = 0;
    sandbox.addComplaint(mchid, newComplaint(1));
    await fireCron(e, t0 + 4 * H);
    expect(receiver.received.map((r) => new URL(r.url).host).sort()).toEqual(["hooks.test", "telegram.test", "wecom.test"]);
    const hook = JSON.parse((receiver.to(/hooks\.test/)[0] as { body: string }).body);
    expect(hook).toMatchObject({ event: "complaint.new", complaint: { id: "NEW-1", mchid, total_fee: 990, raw: newComplaint(1) } });
    const wecom = JSON.parse((receiver.to(/wecom\.test/)[0] as { body: string }).body);
    expect(wecom.msgtype).toBe("markdown");
    expect(wecom.markdown.content).toContain("9.90");
    expect(wecom.markdown.content).toContain(`https://watch.example/#/complaints/${mchid}/NEW-1`);

    receiver.received.length = 0;
    await fireCron(e, t0 + 8 * H);
    expect(receiver.received).toHaveLength(0);
  });

  it("Should sign webhook bodies with the channel secret", async () => {
    await fireCron(alertEnv(CHANNELS, NO_DEADLINES), t0);
    const r = receiver.to(/hooks\.test/)[0] as { body: string; headers: Headers };
    const cryptoKey = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(HOOK_SECRET),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, new TextEncoder().encode(r.body)));
    expect(r.headers.get("x-signature")).toBe(`sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`);
  });

  it("Should send chat channels one summary when a poll brings more than 5, and the webhook each", async () => {
    sandbox.setComplaints(mchid, fixtureComplaints(mchid));
    const total = fixtureComplaints(mchid).length;
    await fireCron(alertEnv(CHANNELS, NO_DEADLINES), t0);
    expect(receiver.to(/hooks\.test/)).toHaveLength(total);
    expect(receiver.to(/wecom\.test/)).toHaveLength(1);
    const text = JSON.parse((receiver.to(/telegram\.test/)[0] as { body: string }).body).text as string;
    expect(text).toContain(String(total));
    expect(text).toContain(`${total - 5}`);
    expect(text).toContain("https://watch.example/");
  });

  it("Should respect a channel's events and merchants filters", async () => {
    const e = testEnv({
      ...NO_DEADLINES,
      PAYJS_MERCHANTS: JSON.stringify([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2]),
      NOTIFY_CHANNELS: JSON.stringify([
        { type: "webhook", name: "only2", url: "https://hooks.test/two", merchants: [SANDBOX_MERCHANT_2.mchid] },
        { type: "webhook", name: "failing-only", url: "https://hooks.test/fail", events: ["watcher.failing"] },
      ]),
    });
    sandbox.setComplaints(SANDBOX_MERCHANT_2.mchid, [newComplaint(7)]);
    await fireCron(e, t0);
    expect(receiver.to(/hooks\.test\/two/).map((r) => JSON.parse(r.body).complaint.id)).toEqual(["NEW-7"]);
    expect(receiver.to(/hooks\.test\/fail/)).toHaveLength(0);
  });
});

describe("delivery", () => {
  it("Should not let a failing channel block polling or the other channels, and retry it with backoff", async () => {
    receiver.failing = /wecom\.test/;
    const e = alertEnv(CHANNELS, NO_DEADLINES);
    await fireCron(e, t0);
    expect(receiver.to(/hooks\.test/)).toHaveLength(3);
    expect(((await (await call(e, "/api/status")).json()) as any).merchants[0].complaints_total).toBe(3);
    let wecom = (await channelsStatus(e)).find((c) => c.type === "wecom");
    // The three complaint.new and the first tick's 监控已启动 wait for a retry.
    expect(receiver.started.filter((r) => /wecom\.test/.test(r.url))).toHaveLength(1);
    expect(wecom).toMatchObject({ pending: 4, given_up: 0, last_delivery_at: null, last_error: { code: "http_error" } });
    expect(JSON.stringify(wecom)).not.toContain("WECOM-KEY-SECRET");

    // Not yet due for a retry: nothing is sent and nothing written.
    kv.resetCounts();
    const quiet = alertEnv(CHANNELS, NO_DEADLINES);
    receiver.received.length = 0;
    const sentBefore = receiver.all.length;
    await fireCron(quiet, t0 + 60_000);
    expect(receiver.all).toHaveLength(sentBefore);
    expect(kv.writes).toEqual([]);

    receiver.failing = null;
    await fireCron(e, t0 + 30 * 60_000);
    expect(receiver.to(/wecom\.test/)).toHaveLength(3);
    expect(receiver.started.filter((r) => /wecom\.test/.test(r.url))).toHaveLength(2);
    wecom = (await channelsStatus(e)).find((c) => c.type === "wecom");
    expect(wecom).toMatchObject({ pending: 0, given_up: 0, last_error: null, last_delivery_at: expect.any(String) });
    expect(receiver.to(/hooks\.test/)).toHaveLength(0);
  });

  it("Should give up after 6 attempts over more than an hour and record it", async () => {
    receiver.failing = /wecom\.test/;
    sandbox.setComplaints(mchid, [newComplaint(1)]);
    const e = alertEnv(CHANNELS, NO_DEADLINES);
    const attemptsAt: number[] = [];
    for (let now = t0; now <= t0 + 8 * H; now += 30 * 60_000) {
      const before = receiver.to(/wecom\.test/).length;
      await fireCron(e, now);
      if (receiver.to(/wecom\.test/).length > before) attemptsAt.push(now);
    }
    expect(attemptsAt).toHaveLength(6);
    expect((attemptsAt.at(-1) as number) - t0).toBeGreaterThanOrEqual(H);
    // The first tick's 监控已启动 failed alike, 6 times, and was given up beside the complaint's message.
    expect(receiver.started.filter((r) => /wecom\.test/.test(r.url))).toHaveLength(6);
    expect((await channelsStatus(e)).find((c) => c.type === "wecom")).toMatchObject({ pending: 0, given_up: 2 });
  });

  it.each([
    ["the complaints write fails after the outbox was written", /^present:/],
    ["the outbox write fails", /^outbox:/],
  ])("Should neither lose nor double an alert when %s", async (_, failing) => {
    sandbox.setComplaints(mchid, [newComplaint(1)]);
    kv.resetCounts();
    kv.failPutsMatching = failing;
    const e = alertEnv(CHANNELS, NO_DEADLINES);
    await fireCron(e, t0);
    expect(receiver.received).toHaveLength(0);
    kv.failPutsMatching = null;
    await fireCron(e, t0 + 30 * 60_000);
    await fireCron(e, t0 + 60 * 60_000);
    expect(((await (await call(e, "/api/complaints")).json()) as any).total).toBe(1);
    expect(receiver.to(/hooks\.test/)).toHaveLength(1);
    expect(receiver.to(/wecom\.test/)).toHaveLength(1);
    expect(receiver.to(/telegram\.test/)).toHaveLength(1);
  });

  it("Should write only the status on a due poll with nothing new and nothing pending", async () => {
    await fireCron(alertEnv(CHANNELS, NO_DEADLINES), t0);
    kv.resetCounts();
    const e = alertEnv(CHANNELS, NO_DEADLINES);
    await fireCron(e, t0 + 4 * H);
    expect(kv.writes).toEqual([`status:${mchid}`]);
  });

  it("Should retry a platform error code in a 200 body, as WeCom reports failures", async () => {
    vi.restoreAllMocks();
    let refuse = true;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.url.startsWith("https://payjs.sandbox.test")) return sandbox.fetch(request);
      return refuse ? Response.json({ errcode: 93000, errmsg: "invalid webhook url WECOM-KEY-SECRET" }) : Response.json({ errcode: 0 });
    });
    sandbox.setComplaints(mchid, [newComplaint(1)]);
    const e = alertEnv([CHANNELS[1]], NO_DEADLINES);
    await fireCron(e, t0);
    const status = (await channelsStatus(e))[0];
    // The complaint's message and the first tick's 监控已启动.
    expect(status).toMatchObject({ pending: 2, last_error: { code: "platform_error" } });
    expect(JSON.stringify(status)).not.toContain("WECOM-KEY-SECRET");
    refuse = false;
    await fireCron(e, t0 + 5 * 60_000);
    expect((await channelsStatus(e))[0]).toMatchObject({ pending: 0, last_error: null });
  });

  it("Should stay within 50 subrequests in one invocation and send the rest on the next tick", async () => {
    const channels = Array.from({ length: 4 }, (_, i) => ({ type: "webhook", name: `h${i}`, url: `https://hooks.test/${i}` }));
    sandbox.setComplaints(
      mchid,
      Array.from({ length: 20 }, (_, i) => newComplaint(i)),
    );
    const e = alertEnv(channels, NO_DEADLINES);
    await fireCron(e, t0);
    // Every request counts: the poll, 监控已启动 to each of the 4 channels, and as many complaint.new as fit.
    expect(receiver.started).toHaveLength(4);
    expect(sandbox.requests.length + receiver.all.length).toBe(50);
    await fireCron(e, t0 + 60_000);
    expect(receiver.received).toHaveLength(80);
    expect(new Set(receiver.received.map((r) => r.url + JSON.parse(r.body).complaint.id)).size).toBe(80);
  });
});

describe("watcher events", () => {
  it("Should send watcher.failing once after ALERT_AFTER_FAILURES failures and watcher.recovered on the next success", async () => {
    const e = alertEnv([{ type: "webhook", url: "https://hooks.test/w" }], {
      ...NO_DEADLINES,
      ALERT_AFTER_FAILURES: "2",
      POLL_INTERVAL_SECONDS: "1800",
    });
    await fireCron(e, t0);
    receiver.received.length = 0;
    sandbox.setMode("http_502");
    let now = t0 + 0.5 * H;
    for (let i = 0; i < 4; i++) {
      await fireCron(e, now);
      now += 0.5 * H;
    }
    const events = () => receiver.to(/hooks\.test/).map((r) => JSON.parse(r.body));
    expect(events().map((x) => x.event)).toEqual(["watcher.failing"]);
    expect(events()[0].merchant).toMatchObject({
      mchid,
      consecutive_failures: 2,
      last_error: { code: "http_status" },
      complaints_total: 3,
    });
    sandbox.setMode("ok");
    await fireCron(e, now);
    expect(events().map((x) => x.event)).toEqual(["watcher.failing", "watcher.recovered"]);
    expect(events()[1].merchant).toMatchObject({ mchid, consecutive_failures: 0, last_error: null });
  });
});

describe("watcher events while the failing alert waits for a retry", () => {
  it("Should drop the waiting failing alert and send no recovered", async () => {
    const e = alertEnv([{ type: "webhook", url: "https://hooks.test/w" }], {
      ...NO_DEADLINES,
      ALERT_AFTER_FAILURES: "1",
      POLL_INTERVAL_SECONDS: "1800",
    });
    await fireCron(e, t0);
    receiver.received.length = 0;
    receiver.failing = /hooks\.test/;
    sandbox.setMode("http_502");
    await fireCron(e, t0 + 0.5 * H);
    expect(receiver.received.map((r) => JSON.parse(r.body).event)).toEqual(["watcher.failing"]);
    receiver.failing = null;
    sandbox.setMode("ok");
    await fireCron(e, t0 + 1 * H);
    expect(receiver.received.map((r) => JSON.parse(r.body).event)).toEqual(["watcher.failing"]);
    expect((await channelsStatus(e))[0]).toMatchObject({ pending: 0 });
  });
});

describe("POST /api/notify/test", () => {
  it("Should send a test through every channel regardless of filters and report each", async () => {
    const e = alertEnv(
      [...CHANNELS, { type: "bark", device_key: "BARKKEY", server: "https://bark.test", events: ["watcher.failing"] }],
      NO_DEADLINES,
    );
    receiver.failing = /telegram\.test/;
    const res = await call(e, "/api/notify/test", { method: "POST", token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.results).toEqual([
      { name: "hook", type: "webhook", ok: true, error: null },
      { name: "wecom1", type: "wecom", ok: true, error: null },
      { name: "telegram2", type: "telegram", ok: false, error: { code: "http_error", message: expect.any(String) } },
      { name: "bark3", type: "bark", ok: true, error: null },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/SECRET|BARKKEY/);
    expect(JSON.parse((receiver.to(/hooks\.test/)[0] as { body: string }).body).event).toBe("test");
  });

  it("Should send through one channel with ?channel=, 404 for an unknown one, 503 with none", async () => {
    const e = alertEnv(CHANNELS, NO_DEADLINES);
    const one = (await (await call(e, "/api/notify/test?channel=hook", { method: "POST", token: ADMIN_TOKEN })).json()) as any;
    expect(one.results.map((r: any) => r.name)).toEqual(["hook"]);
    expect((await call(e, "/api/notify/test?channel=nope", { method: "POST", token: ADMIN_TOKEN })).status).toBe(404);
    expect((await call(testEnv(), "/api/notify/test", { method: "POST", token: ADMIN_TOKEN })).status).toBe(503);
    expect((await call(e, "/api/notify/test", { method: "POST" })).status).toBe(403);
  });
});

describe("NOTIFY_CHANNELS", () => {
  it.each([
    ["not json", "{"],
    ["an unknown type", JSON.stringify([{ type: "pager", url: "https://x.test" }])],
    ["a mistyped option", JSON.stringify([{ type: "webhook", url: "https://x.test", secert: "SECRET-VALUE" }])],
    ["an unknown mchid", JSON.stringify([{ type: "webhook", url: "https://x.test", merchants: ["999"] }])],
    ["an unknown event", JSON.stringify([{ type: "webhook", url: "https://x.test", events: ["complaint.old"] }])],
    [
      "a duplicate name",
      JSON.stringify([
        { type: "slack", url: "https://x.test" },
        { type: "slack", name: "slack0", url: "https://y.test" },
      ]),
    ],
    ["a missing url", JSON.stringify([{ type: "wecom" }])],
  ])("Should answer bad_config naming NOTIFY_CHANNELS for %s, without echoing values", async (_, value) => {
    const res = await call(testEnv({ PAYJS_MCHID: mchid, PAYJS_KEY: key, NOTIFY_CHANNELS: value }), "/healthz");
    expect(res.status).toBe(500);
    const body = (await res.json()) as any;
    expect(body.error).toMatchObject({ code: "bad_config", setting: "NOTIFY_CHANNELS" });
    expect(body.error.message).not.toContain("SECRET-VALUE");
  });

  it("Should show every channel in the status with its default name", async () => {
    expect((await channelsStatus(alertEnv(CHANNELS, NO_DEADLINES))).map((c) => c.name)).toEqual(["hook", "wecom1", "telegram2"]);
  });
});

describe("Cloudflare's production rules (one write per key per second)", () => {
  const twoHooks = [
    { type: "webhook", name: "a", url: "https://hooks.test/a" },
    { type: "webhook", name: "b", url: "https://hooks.test/b" },
  ];

  it("Should send each of 38 new complaints once per channel, writing outbox, complaints and status once each, in that order", async () => {
    sandbox.setComplaints(mchid, []);
    const e = alertEnv(twoHooks, NO_DEADLINES);
    await fireCron(e, t0);
    sandbox.setComplaints(
      mchid,
      Array.from({ length: 38 }, (_, i) => newComplaint(i)),
    );
    kv.resetCounts();
    // 38 × 2 requests and the upstream call do not fit in 50: the rest go on the next ticks.
    for (let now = t0 + 4 * H; now <= t0 + 5 * H; now += 30 * 60_000) await fireCron(e, now);
    expect(receiver.to(/hooks\.test\/a/)).toHaveLength(38);
    expect(receiver.to(/hooks\.test\/b/)).toHaveLength(38);
    expect(new Set(receiver.received.map((r) => r.url + JSON.parse(r.body).complaint.id)).size).toBe(76);
    // The poll wrote each key once, the retry tick after it only the status, the third tick nothing.
    expect(kv.writes).toEqual([`outbox:${mchid}`, `present:${mchid}`, `status:${mchid}`, `status:${mchid}`]);
    expect(await channelsStatus(e)).toEqual(twoHooks.map((h) => expect.objectContaining({ name: h.name, pending: 0, last_error: null })));
  });

  it("Should write complaints and status only, without channels, and only the status when nothing is new", async () => {
    const e = testEnv({ PAYJS_MCHID: mchid, PAYJS_KEY: key });
    await fireCron(e, t0);
    kv.resetCounts();
    sandbox.addComplaint(mchid, newComplaint(1));
    await fireCron(e, t0 + 4 * H);
    expect(kv.writes).toEqual([`present:${mchid}`, `status:${mchid}`]);
    kv.resetCounts();
    await fireCron(e, t0 + 8 * H);
    expect(kv.writes).toEqual([`status:${mchid}`]);
  });

  it("Should neither send again nor count a failure when KV refuses the status write once after the alerts went out", async () => {
    const e = alertEnv(twoHooks, { ...NO_DEADLINES, ALERT_AFTER_FAILURES: "1" });
    await fireCron(e, t0);
    receiver.received.length = 0;
    sandbox.addComplaint(mchid, newComplaint(1));
    kv.failPutsMatching = /^status:/;
    kv.failPutsCount = 1;
    await fireCron(e, t0 + 4 * H);
    for (let now = t0 + 4.5 * H; now <= t0 + 9 * H; now += 30 * 60_000) await fireCron(e, now);
    expect(receiver.received.map((r) => [new URL(r.url).pathname, JSON.parse(r.body).event, JSON.parse(r.body).complaint?.id])).toEqual([
      ["/a", "complaint.new", "NEW-1"],
      ["/b", "complaint.new", "NEW-1"],
    ]);
    expect(((await (await call(e, "/api/status")).json()) as any).merchants[0]).toMatchObject({
      consecutive_failures: 0,
      last_error: null,
    });
  });

  it("Should not alert again the complaints of an unreadable stored value, only one made since the last poll", async () => {
    const e = alertEnv([twoHooks[0]], NO_DEADLINES);
    await fireCron(e, t0);
    expect(receiver.received).toHaveLength(3);
    // Eight days on the delivered entries are pruned from the outbox; then the complaints value is damaged.
    await fireCron(e, t0 + 8 * 24 * H);
    const before = (await (await call(e, "/api/complaints")).json()) as any;
    await env.COMPLAINTS.put(`present:${mchid}`, "{not json");
    sandbox.addComplaint(mchid, { ...newComplaint(2), complaint_at: new Date(t0 + 9 * 24 * H).toISOString() });
    receiver.received.length = 0;
    await fireCron(e, t0 + 9 * 24 * H);
    const news = receiver.received.map((r) => JSON.parse(r.body)).filter((b) => b.event === "complaint.new");
    expect(news.map((b) => b.complaint.id)).toEqual(["NEW-2"]);
    const after = (await (await call(e, "/api/complaints")).json()) as any;
    expect(after.total).toBe(4);
    for (const c of before.complaints) {
      expect(after.complaints.find((x: any) => x.id === c.id)).toMatchObject({
        active: true,
        first_seen_at: new Date(t0 + 9 * 24 * H).toISOString(),
      });
    }
  });

  it("Should fold a long backlog's deliveries into the outbox instead of growing the status, and send each once", async () => {
    sandbox.setComplaints(
      mchid,
      Array.from({ length: 300 }, (_, i) => newComplaint(i)),
    );
    const e = alertEnv([twoHooks[0]], NO_DEADLINES);
    const largest: number[] = [];
    for (let now = t0; receiver.received.length < 300 && now < t0 + 4 * H; now += 30 * 60_000) {
      kv.resetCounts();
      await fireCron(e, now);
      const status = JSON.parse((await env.COMPLAINTS.get(`status:${mchid}`)) as string);
      largest.push(Object.keys(status.deliveries?.entries ?? {}).length);
      expect(new Set(kv.writes).size).toBe(kv.writes.length);
    }
    expect(receiver.received).toHaveLength(300);
    expect(new Set(receiver.received.map((r) => JSON.parse(r.body).complaint.id)).size).toBe(300);
    expect(Math.max(...largest)).toBeLessThanOrEqual(250);
    expect((await channelsStatus(e))[0]).toMatchObject({ pending: 0 });
  });
});

describe("damaged alert bookkeeping", () => {
  it("Should go on retrying other merchants' alerts when one merchant's outbox is of a newer layout", async () => {
    receiver.failing = /hooks\.test/;
    sandbox.setComplaints(SANDBOX_MERCHANT_2.mchid, [newComplaint(2)]);
    const e = testEnv({
      ...NO_DEADLINES,
      PAYJS_MERCHANTS: JSON.stringify([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2]),
      NOTIFY_CHANNELS: JSON.stringify([{ type: "webhook", url: "https://hooks.test/in" }]),
    });
    await fireCron(e, t0);
    await env.COMPLAINTS.put(`outbox:${mchid}`, JSON.stringify({ format: 99, outbox: {} }));
    receiver.failing = null;
    receiver.received.length = 0;
    await fireCron(e, t0 + 30 * 60_000);
    const news = receiver.received.map((r) => JSON.parse(r.body)).filter((b) => b.event === "complaint.new");
    expect(news.map((b) => b.complaint.id)).toEqual(["NEW-2"]);
  });

  it("Should keep polling and serving when the status holds a garbled delivery record, setting the whole status aside", async () => {
    // The status carried the record of what was delivered since the outbox was written: with it set aside, those
    // messages may go again (delivery is at least once), and nothing is lost.
    const e = alertEnv([{ type: "webhook", name: "hook", url: "https://hooks.test/in" }], NO_DEADLINES);
    await fireCron(e, t0);
    const status = JSON.parse((await env.COMPLAINTS.get(`status:${mchid}`)) as string);
    status.deliveries.entries["hook|complaint:x"] = { state: "sent?" };
    status.deliveries.channels.hook = null;
    const garbled = JSON.stringify(status);
    await env.COMPLAINTS.put(`status:${mchid}`, garbled);
    const res = await call(e, "/api/status");
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).merchants[0].storage_errors).toEqual([expect.objectContaining({ code: "storage_corrupt" })]);
    sandbox.addComplaint(mchid, newComplaint(1));
    receiver.received.length = 0;
    await fireCron(e, t0 + 4 * H);
    const told = receiver.received.map((r) => JSON.parse(r.body).complaint.id);
    expect(told).toContain("NEW-1");
    expect(new Set(told).size).toBe(told.length);
    expect(((await (await call(e, "/api/status")).json()) as any).merchants[0]).toMatchObject({ last_error: null, storage_errors: [] });
    const { keys } = await env.COMPLAINTS.list({ prefix: `corrupt:status:${mchid}` });
    expect(await env.COMPLAINTS.get((keys[0] as { name: string }).name)).toBe(garbled);
  });
});
