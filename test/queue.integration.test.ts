/**
 * One merchant per invocation through the optional poll queue, inside workerd: the cron tick (producer) with and
 * without the `POLL_QUEUE` binding, the Worker's `queue()` handler (consumer) polling the sandbox into real local
 * KV, repeated and bad messages, and the tick's fallback when the queue refuses.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import { changeMarks } from "../src/actions/marks";
import { monthOf } from "../src/domain/history";
import { withMark, withRefund } from "../src/domain/marks";
import { parseUpstreamTime } from "../src/domain/payjs-fields";
import { refundNote } from "../src/domain/refund";
import type { WorkerEnv } from "../src/env";
import { presentKey, Store, statusKey } from "../src/store";
import { Receiver, routeFetch } from "./support/receiver";
import { call, clearKv, fireCron, fireQueue, kv, NO_DEADLINES, type RecordingQueue, recordingQueue, testEnv } from "./support/worker";

const H = 3_600_000;
const A = SANDBOX_MERCHANT;
const B = { mchid: "1500000002", key: "second-key" };
const C = { mchid: "1500000003", key: "third-key" };
let sandbox: PayjsSandbox;
let receiver: Receiver;
let queue: RecordingQueue;
let logs: Record<string, unknown>[];
let t0: number;

/** Three merchants (A as the pair, B and C in the list), with the recording queue unless `withQueue` is false. */
function bothEnv(vars: Record<string, string> = {}, withQueue = true): WorkerEnv {
  const e = testEnv({ ...NO_DEADLINES, PAYJS_MCHID: A.mchid, PAYJS_KEY: A.key, PAYJS_MERCHANTS: JSON.stringify([B, C]), ...vars });
  return withQueue ? { ...e, POLL_QUEUE: queue.binding } : e;
}

const requestsFor = (mchid: string) => sandbox.requests.filter((r) => r.mchid === mchid);
const logged = (event: string, outcome: string) => logs.filter((l) => l.event === event && l.outcome === outcome);

async function statusOf(e: WorkerEnv, mchid: string): Promise<Record<string, any>> {
  const body = (await (await call(e, "/api/status")).json()) as { merchants: Record<string, any>[] };
  return body.merchants.find((m) => m.mchid === mchid) as Record<string, any>;
}

/** Delivers every message the queue holds, each in its own invocation (max_batch_size = 1), and empties it. */
async function drain(e: WorkerEnv, sentAt: number) {
  const bodies = queue.sent.splice(0);
  const results = [];
  for (const body of bodies) results.push(await fireQueue(e, [body], sentAt));
  return results;
}

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([A, B, C]);
  for (const { mchid } of [A, B, C]) sandbox.setComplaints(mchid, fixtureComplaints(mchid));
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
  queue = recordingQueue();
  logs = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    try {
      logs.push(JSON.parse(String(line)) as Record<string, unknown>);
    } catch {
      // not one of the Worker's JSON lines
    }
  });
  t0 = Date.now();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("the cron tick with the poll queue", () => {
  it("Should poll the first due merchant itself and send each other one a message carrying only its mchid", async () => {
    const e = bothEnv();
    await fireCron(e, t0);
    expect(sandbox.requests.map((r) => r.mchid)).toEqual([A.mchid]);
    expect(queue.sent).toEqual([{ mchid: B.mchid }, { mchid: C.mchid }]);
    expect(queue.batches).toBe(1);
    expect(kv.writes.filter((k) => k.endsWith(B.mchid) || k.endsWith(C.mchid))).toEqual([]);
    expect(logged("tick", "enqueued")).toEqual([{ event: "tick", outcome: "enqueued", merchants: 2 }]);
    // The first merchant's poll is done when the tick returns, as without the queue.
    expect((await statusOf(e, A.mchid)).complaints_total).toBe(fixtureComplaints(A.mchid).length);
  });

  it("Should poll a lone due merchant itself and leave the queue alone", async () => {
    await fireCron(testEnv({ PAYJS_MCHID: A.mchid, PAYJS_KEY: A.key, PAYJS_MERCHANTS: JSON.stringify([B]) }), t0);
    expect(sandbox.requests).toHaveLength(2);
    // A and B are not due: C alone is.
    await fireCron(bothEnv(), t0 + 30 * 60_000);
    expect(requestsFor(C.mchid)).toHaveLength(1);
    expect(queue.batches).toBe(0);
    expect(logged("tick", "enqueued")).toEqual([]);
  });

  it("Should send every other due merchant in one batch, and nothing while none is due", async () => {
    const e = bothEnv();
    await fireCron(e, t0);
    expect(queue.sent).toEqual([{ mchid: B.mchid }, { mchid: C.mchid }]);
    expect(queue.batches).toBe(1);
    await drain(e, t0);

    await fireCron(e, t0 + 30 * 60_000);
    expect(queue.batches).toBe(1);
    expect(queue.sent).toEqual([]);
    expect(logged("tick", "idle")).toHaveLength(1);
  });

  it("Should poll every due merchant in its own invocation, as before, without the binding", async () => {
    const e = bothEnv({}, false);
    expect(e.POLL_QUEUE).toBeUndefined();
    await fireCron(e, t0);
    expect(sandbox.requests.map((r) => r.mchid).sort()).toEqual([A.mchid, B.mchid, C.mchid]);
    expect(await env.COMPLAINTS.get(presentKey(B.mchid))).not.toBeNull();
    expect(queue.batches).toBe(0);
    expect(logged("tick", "enqueued")).toEqual([]);
  });

  it("Should poll in its own invocation when the queue refuses, and say why", async () => {
    queue.failing = new Error("Queue send failed: 503 Service Unavailable");
    const e = bothEnv();
    await fireCron(e, t0);
    expect(sandbox.requests.map((r) => r.mchid).sort()).toEqual([A.mchid, B.mchid, C.mchid]);
    expect((await statusOf(e, B.mchid)).complaints_total).toBe(fixtureComplaints(B.mchid).length);
    const [failed] = logged("tick", "enqueue_failed");
    expect(failed).toMatchObject({ merchants: 2 });
    expect(failed?.message).toContain("503 Service Unavailable");
    expect(logged("tick", "enqueued")).toEqual([]);
  });

  it("Should still retry the alerts of a merchant that is not due, in the tick", async () => {
    const e = bothEnv({ NOTIFY_CHANNELS: JSON.stringify([{ type: "webhook", url: "https://hooks.test/in", merchants: [A.mchid] }]) });
    receiver.failing = /hooks\.test/;
    await fireCron(e, t0);
    await drain(e, t0);
    expect(receiver.received).toHaveLength(fixtureComplaints(A.mchid).length);

    receiver.failing = null;
    receiver.received.length = 0;
    await fireCron(e, t0 + H);
    expect(queue.sent).toEqual([]);
    expect(receiver.received).toHaveLength(fixtureComplaints(A.mchid).length);
    expect(requestsFor(A.mchid)).toHaveLength(1);
  });
});

describe("the queue consumer", () => {
  it("Should poll the merchant a message names, store its complaints and acknowledge the message", async () => {
    const e = bothEnv();
    await fireCron(e, t0);
    const [first, second] = await drain(e, t0);
    expect(first?.explicitAcks).toEqual(first?.ids);
    expect(second?.explicitAcks).toEqual(second?.ids);
    expect(first?.retryMessages).toEqual([]);
    for (const { mchid } of [A, B, C]) {
      expect(requestsFor(mchid)).toHaveLength(1);
      const s = await statusOf(e, mchid);
      expect(s).toMatchObject({ last_error: null, complaints_total: fixtureComplaints(mchid).length });
      expect(Date.parse(s.last_success_at)).toBeGreaterThanOrEqual(t0);
    }
    expect(logged("poll", "ok")).toHaveLength(3);
  });

  it("Should poll once for a message sent by two ticks, and for one redelivered", async () => {
    const e = bothEnv();
    // Two ticks before any consumer ran: the first polls A and sends B and C; the second polls B and sends C again.
    await fireCron(e, t0);
    await fireCron(e, t0 + 30 * 60_000);
    expect(queue.sent).toEqual([{ mchid: B.mchid }, { mchid: C.mchid }, { mchid: C.mchid }]);
    const results = await drain(e, t0 + 30 * 60_000);
    results.push(await fireQueue(e, [{ mchid: B.mchid }], t0 + 31 * 60_000, { attempts: 2 }));

    for (const m of [A, B, C]) expect(requestsFor(m.mchid)).toHaveLength(1);
    for (const r of results) expect(r.explicitAcks).toEqual(r.ids);
    expect(logged("queue", "not_due").map((l) => l.mchid)).toEqual([B.mchid, C.mchid, B.mchid]);
  });

  it("Should poll once for two messages of one merchant handled at the same time", async () => {
    const e = bothEnv();
    const results = await Promise.all([1, 2].map(() => fireQueue(e, [{ mchid: A.mchid }], t0)));
    expect(requestsFor(A.mchid)).toHaveLength(1);
    for (const r of results) expect(r.explicitAcks).toEqual(r.ids);
    expect((await statusOf(e, A.mchid)).complaints_total).toBe(fixtureComplaints(A.mchid).length);
  });

  it("Should poll again once the merchant is due again", async () => {
    const e = bothEnv();
    await fireQueue(e, [{ mchid: A.mchid }], t0);
    await fireQueue(e, [{ mchid: A.mchid }], t0 + 4 * H);
    expect(requestsFor(A.mchid)).toHaveLength(2);
  });

  it("Should acknowledge and log a merchant no longer configured, calling no upstream and writing nothing", async () => {
    const e = bothEnv();
    kv.resetCounts();
    const r = await fireQueue(e, [{ mchid: "1599999999" }], t0);
    expect(r.explicitAcks).toEqual(r.ids);
    expect(r.retryMessages).toEqual([]);
    expect(sandbox.requests).toHaveLength(0);
    expect(kv.writes).toEqual([]);
    expect(logged("queue", "unknown_merchant")).toEqual([expect.objectContaining({ mchid: "1599999999" })]);
  });

  it("Should acknowledge and log a bad message body without its content", async () => {
    const e = bothEnv();
    const bodies = [null, A.mchid, [A.mchid], {}, { mchid: 1500000001 }, { merchant: A.mchid, key: A.key }];
    const r = await fireQueue(e, bodies, t0);
    expect(r.explicitAcks).toEqual(r.ids);
    expect(r.retryMessages).toEqual([]);
    expect(sandbox.requests).toHaveLength(0);
    const bad = logged("queue", "bad_message");
    expect(bad.map((l) => l.id)).toEqual(r.ids);
    expect(bad.map((l) => l.body)).toEqual(["null", "string", "array", ...Array(3).fill("object without a string mchid")]);
    expect(JSON.stringify(bad)).not.toContain(A.key);
  });

  it("Should retry a message when KV fails before the poll, and poll when it comes back", async () => {
    const e = bothEnv();
    kv.failGetsMatching = /^status:/;
    const failed = await fireQueue(e, [{ mchid: A.mchid }], t0);
    expect(failed.retryMessages).toEqual([{ msgId: failed.ids[0] }]);
    expect(failed.explicitAcks).toEqual([]);
    expect(sandbox.requests).toHaveLength(0);
    expect(logged("queue", "retry")).toEqual([expect.objectContaining({ mchid: A.mchid, attempts: 1, error: "storage" })]);

    kv.failGetsMatching = null;
    const again = await fireQueue(e, [{ mchid: A.mchid }], t0 + 60_000, { attempts: 2 });
    expect(again.explicitAcks).toEqual(again.ids);
    expect(requestsFor(A.mchid)).toHaveLength(1);
    expect(await env.COMPLAINTS.get(statusKey(A.mchid))).not.toBeNull();
  });

  it("Should tell a refund of a merchant the consumer polls, once", async () => {
    const e = bothEnv({ NOTIFY_CHANNELS: JSON.stringify([{ type: "webhook", url: "https://hooks.test/in" }]) });
    await fireCron(e, t0);
    await drain(e, t0);
    receiver.received.length = 0;
    const first = fixtureComplaints(B.mchid)[0] as { complaint_id: string; complaint_at: string };
    const id = first.complaint_id;
    // A done refund of one of B's complaints, as the refund route records it.
    const at = new Date(t0 + 60_000).toISOString();
    const outcome = { attempt: "attempt-1", state: "done" as const, at, total_fee: 990, note: "", message: null, by: null };
    kv.nextInvocation();
    await changeMarks(
      new Store(kv.kv),
      B.mchid,
      monthOf(parseUpstreamTime(first.complaint_at)),
      (book) => withMark(withRefund(book, id, outcome), "handled", id, { at, by: null, note: refundNote(990, "") }),
      t0 + 60_000,
    );
    const refunded = () =>
      receiver.received
        .map((r) => JSON.parse(r.body))
        .filter((x) => x.event === "complaint.refunded")
        .map((x) => [x.complaint.mchid, x.complaint.id, x.complaint.refund.state]);
    // Every merchant due again: the tick polls A and sends B and C to the consumer, which tells B's refund.
    await fireCron(e, t0 + 4 * H);
    expect(queue.sent).toEqual([{ mchid: B.mchid }, { mchid: C.mchid }]);
    expect(refunded()).toEqual([]);
    await drain(e, t0 + 4 * H);
    expect(refunded()).toEqual([[B.mchid, id, "done"]]);
    await fireCron(e, t0 + 8 * H);
    await drain(e, t0 + 8 * H);
    expect(refunded()).toEqual([[B.mchid, id, "done"]]);
  });

  it("Should acknowledge every message while a setting is invalid, polling nothing", async () => {
    const e = bothEnv({ POLL_INTERVAL_SECONDS: "soon" });
    const r = await fireQueue(e, [{ mchid: A.mchid }], t0);
    expect(r.ackAll).toBe(true);
    expect(r.retryMessages).toEqual([]);
    expect(sandbox.requests).toHaveLength(0);
    expect(logged("queue", "error")).toEqual([expect.objectContaining({ error: "bad_config", setting: "POLL_INTERVAL_SECONDS" })]);
  });
});
