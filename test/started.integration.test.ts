/**
 * "监控已启动" (`watcher.started`) end to end inside workerd: the first tick after the settings change tells every
 * channel that the watcher runs, after that tick's polls and before its new complaints, once per fingerprint of the
 * settings (sandbox upstream → poller → outbox in KV → a local receiver).
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../sandbox/payjs-sandbox";
import { STARTED_KEY } from "../src/store";
import { Receiver, routeFetch } from "./support/receiver";
import { alertEnv, clearKv, fireCron, kv, NO_DEADLINES, recordingQueue } from "./support/worker";

const MIN = 60_000;
const H = 60 * MIN;
/** 2026-12-01 08:00 in Beijing. */
const T0 = Date.parse("2026-12-01T00:00:00Z");
const HOOK = { type: "webhook", name: "hook", url: "https://hooks.test/in" };
const WECOM = { type: "wecom", name: "chat", url: "https://wecom.test/send" };
const M1 = SANDBOX_MERCHANT.mchid;
const M2 = SANDBOX_MERCHANT_2.mchid;
const BOTH = JSON.stringify([
  { mchid: M1, key: SANDBOX_MERCHANT.key, name: "一号店" },
  { mchid: M2, key: SANDBOX_MERCHANT_2.key, name: "二号店" },
]);
let sandbox: PayjsSandbox;
let receiver: Receiver;

/** The events the channels got, in the order they were sent (webhook bodies, or a chat message's first line). */
function told(): string[] {
  return receiver.all.map(({ url, body }) =>
    url.includes("hooks.test") ? `hook ${JSON.parse(body).event}` : `chat ${(JSON.parse(body).markdown.content as string).split("\n")[0]}`,
  );
}
const startedBodies = () => receiver.started.filter((r) => r.url.includes("hooks.test")).map((r) => JSON.parse(r.body));

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2]);
  sandbox.setComplaints(M1, fixtureComplaints(M1).slice(0, 2));
  sandbox.setComplaints(M2, fixtureComplaints(M2).slice(0, 1));
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
});
afterEach(() => vi.restoreAllMocks());

describe("watcher.started", () => {
  it("Should tell every channel once, after the first tick's poll and before its new complaints, and record the settings", async () => {
    const e = alertEnv([HOOK, WECOM], NO_DEADLINES);
    await fireCron(e, T0);
    const order = told();
    // Both channels hear it first (they are sent side by side), then the two complaints each.
    expect(order.slice(0, 2).sort()).toEqual(["chat ### 监控已启动", "hook watcher.started"]);
    expect(order).toHaveLength(6);
    expect(order.slice(2).filter((t) => t.startsWith("hook"))).toEqual(["hook complaint.new", "hook complaint.new"]);
    expect(
      order
        .slice(2)
        .filter((t) => t.startsWith("chat"))
        .every((t) => t.startsWith("chat ### 新投诉")),
    ).toBe(true);
    const [body] = startedBodies();
    expect(body).toMatchObject({
      event: "watcher.started",
      merchants: [{ mchid: M1, ok: true, complaints_active: 2, complaints_unhandled: 2, error: null, next_poll_at: expect.any(String) }],
    });
    expect(Date.parse(body.merchants[0].next_poll_at)).toBe(T0 + 4 * H);
    const chat = receiver.started.find((r) => r.url.includes("wecom.test"));
    expect(chat?.body).toContain("查询正常 · 进行中 2 条 · 未处理 2 条");
    expect(chat?.body).toContain("https://watch.example/");
    expect(await env.COMPLAINTS.get(STARTED_KEY, "json")).toMatchObject({ fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it("Should tell nothing again on later ticks or a restart with the same settings, and again once the channels change", async () => {
    const e = alertEnv([HOOK], NO_DEADLINES);
    await fireCron(e, T0);
    expect(startedBodies()).toHaveLength(1);
    kv.resetCounts();
    await fireCron(e, T0 + 10 * MIN);
    await fireCron(alertEnv([HOOK], NO_DEADLINES), T0 + 20 * MIN);
    expect(startedBodies()).toHaveLength(1);
    // A tick with nothing due writes nothing: the fingerprint is read, not written again.
    expect(kv.writes).toEqual([]);
    await fireCron(alertEnv([HOOK, WECOM], NO_DEADLINES), T0 + 30 * MIN);
    expect(startedBodies()).toHaveLength(2);
    expect(receiver.started.filter((r) => r.url.includes("wecom.test"))).toHaveLength(1);
    // Its merchant was polled 30 minutes ago: reported from that poll, not polled early.
    expect(sandbox.requests).toHaveLength(1);
    expect(startedBodies()[1].merchants[0]).toMatchObject({ ok: true, next_poll_at: new Date(T0 + 4 * H).toISOString() });
  });

  it("Should say what PAYJS answered when the first poll is refused for asking too often, and poll again within 30 minutes", async () => {
    sandbox.setMode("return_code_0", { returnMsg: "请求过于频繁，请4小时后再试", times: 1 });
    const e = alertEnv([HOOK, WECOM], NO_DEADLINES);
    await fireCron(e, T0);
    const [body] = startedBodies();
    expect(body.merchants[0]).toMatchObject({ ok: false, error: { code: "upstream_error", said: "请求过于频繁，请4小时后再试" } });
    expect(Date.parse(body.merchants[0].next_poll_at)).toBe(T0 + 30 * MIN);
    const chat = receiver.started.find((r) => r.url.includes("wecom.test"))?.body ?? "";
    expect(chat).toContain("查询失败：PAYJS 拒绝了查询：请求过于频繁，请4小时后再试（upstream_error）");
    expect(chat).toContain("下次查询：12月1日 08:30");
    expect(chat).not.toMatch(/PAYJS refused|[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}/);
    await fireCron(e, T0 + 30 * MIN);
    expect(receiver.to(/hooks\.test/).map((r) => JSON.parse(r.body).event)).toEqual(["complaint.new", "complaint.new"]);
  });

  it("Should poll the other merchants first and hold their news for the next tick, so it lists this tick's polls first", async () => {
    const e = alertEnv([HOOK], { ...NO_DEADLINES, PAYJS_MCHID: "", PAYJS_KEY: "", PAYJS_MERCHANTS: BOTH });
    await fireCron(e, T0);
    expect(sandbox.requests.map((r) => r.mchid)).toEqual([M2, M1]);
    const [body] = startedBodies();
    expect(
      body.merchants.map((m: { mchid: string; ok: boolean; complaints_active: number }) => [m.mchid, m.ok, m.complaints_active]),
    ).toEqual([
      [M1, true, 2],
      [M2, true, 1],
    ]);
    // The second merchant's new complaint waits for the next tick, after "监控已启动".
    expect(receiver.to(/hooks\.test/).map((r) => JSON.parse(r.body).complaint.mchid)).toEqual([M1, M1]);
    await fireCron(e, T0 + 10 * MIN);
    expect(receiver.to(/hooks\.test/).map((r) => JSON.parse(r.body).complaint.mchid)).toEqual([M1, M1, M2]);
  });

  it("Should, with the poll queue, poll the merchant it goes out from itself and send the others to the queue", async () => {
    const queue = recordingQueue();
    const e = {
      ...alertEnv([HOOK], { ...NO_DEADLINES, PAYJS_MCHID: "", PAYJS_KEY: "", PAYJS_MERCHANTS: BOTH }),
      POLL_QUEUE: queue.binding,
    };
    await fireCron(e, T0);
    expect(sandbox.requests.map((r) => r.mchid)).toEqual([M1]);
    expect(queue.sent).toEqual([{ mchid: M2 }]);
    // The other merchant, not polled yet, is reported as such.
    expect(startedBodies()[0].merchants.map((m: { mchid: string; ok: boolean; error: unknown }) => [m.mchid, m.ok, m.error])).toEqual([
      [M1, true, null],
      [M2, false, null],
    ]);
  });

  it("Should follow each channel's events and merchants, tell the merchants it covers from its first one, and never wait for quiet hours", async () => {
    const channels = [
      { ...HOOK, name: "second-only", merchants: [M2], quiet_hours: "07:00-09:00" },
      { ...HOOK, name: "new-only", url: "https://hooks.test/new", events: ["complaint.new"] },
    ];
    const e = alertEnv(channels, { ...NO_DEADLINES, PAYJS_MCHID: "", PAYJS_KEY: "", PAYJS_MERCHANTS: BOTH });
    await fireCron(e, T0);
    const bodies = startedBodies();
    expect(bodies).toHaveLength(1);
    expect(bodies[0].merchants.map((m: { mchid: string }) => m.mchid)).toEqual([M2]);
    expect(receiver.started.map((r) => r.url)).toEqual(["https://hooks.test/in"]);
  });
});
