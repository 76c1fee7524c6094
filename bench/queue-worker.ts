/**
 * A bench-only Worker, run under `wrangler dev` by the queue bench (`queue.ts`) and never deployed: the CPU and
 * the subrequests of each invocation of the Worker's real `scheduled()` and `queue()` inside workerd, for many
 * merchants all due, without the poll queue (one cron invocation polls them all) and with it (the cron
 * invocation sends one message per merchant; each message is one `queue()` invocation).
 *
 * - `GET /queue-cpu?merchants=20&n=500&runs=9` — `{"merchants","n","runs","messages","first":{…},"again":{…}}`:
 *   per pass (`first`: a first poll, every complaint new; `again`: four hours later, nothing new) `without` (the
 *   cron polling all), `cron` (the cron sending the messages) and `consumer` (the slowest merchant's `queue()`),
 *   each `{"ms","subrequests"}`: the lower quartile of the runs' ms and the outbound `fetch` calls (PAYJS and
 *   alert deliveries), plus `consumerMedianMs`.
 *
 * KV is in memory ({@link MemoryKv}), PAYJS answers at once from prepared bytes and the one alert channel (a WeCom
 * robot: one summary per poll) at once with success, so the time is the Worker's own work. Local workerd's clock
 * moves in 1 ms steps during synchronous work; a consumer's figure is the lower quartile of its runs.
 * @module
 */
import { generateComplaints } from "../sandbox/fixtures";
import type { WorkerEnv } from "../src/env";
import entry from "../src/index";
import { signParams } from "../src/payjs/sign";
import { MemoryKv } from "./memory-kv";

const worker = entry as Required<Pick<ExportedHandler<WorkerEnv>, "scheduled" | "queue">>;
const ctx = { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext;
const API = "https://payjs.bench.invalid/api";
const HOOK = "https://hooks.bench.invalid/wecom";
const H = 3_600_000;

interface Figure {
  /** Lower quartile of the runs, ms. */
  ms: number;
  /** Outbound requests of the invocation (the same every run). */
  subrequests: number;
}

/** One merchant's poll of one pass, as a consumer invocation. */
interface Consumer extends Figure {
  mchid: string;
}

function lowerQuartile(xs: number[]): number {
  return [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 4)]!;
}

function numberParam(url: URL, name: string, fallback: number): number {
  const value = Number(url.searchParams.get(name) ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** A signed PAYJS success body with `n` generated complaints for this merchant, as the bytes a fetch hands over. */
function answer(mchid: string, key: string, n: number, at: number): Uint8Array {
  const payload: Record<string, unknown> = { return_code: 1, return_msg: "SUCCESS", mchid, complaints: generateComplaints(mchid, n, at) };
  payload.sign = signParams(payload, key);
  return new TextEncoder().encode(JSON.stringify(payload));
}

/** A message batch as Queues hands one to `queue()`: one message, acknowledged or retried. */
function batchOf(body: unknown, sentAt: number): { batch: MessageBatch; acked: () => boolean } {
  let acked = false;
  const message = {
    id: crypto.randomUUID(),
    timestamp: new Date(sentAt),
    body,
    attempts: 1,
    ack: () => {
      acked = true;
    },
    retry: () => {},
  } as unknown as Message;
  const batch = {
    queue: "payjs-complaint-watch-polls",
    messages: [message],
    metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } },
    ackAll: () => {
      acked = true;
    },
    retryAll: () => {},
  } as unknown as MessageBatch;
  return { batch, acked: () => acked };
}

async function queueCpu(url: URL): Promise<Response> {
  const count = numberParam(url, "merchants", 20);
  const n = numberParam(url, "n", 500);
  const runs = numberParam(url, "runs", 9);
  const merchants = Array.from({ length: count }, (_, i) => ({ mchid: `15${String(i + 1).padStart(8, "0")}`, key: `bench-key-${i + 1}` }));
  // Simulated times ahead of the real clock: the consumer polls no earlier than a message was sent.
  const start = Date.now() + 86_400_000;
  const bodies = new Map(merchants.map((m) => [m.mchid, answer(m.mchid, m.key, n, start)]));

  let subrequests = 0;
  const fakeFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    subrequests++;
    const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!target.startsWith(API)) return Response.json({ errcode: 0, errmsg: "ok" });
    const form = typeof init?.body === "string" ? init.body : await new Request(input, init).text();
    const bytes = bodies.get(new URLSearchParams(form).get("mchid") ?? "");
    if (bytes === undefined) return new Response("unknown merchant", { status: 404 });
    return new Response(bytes, { headers: { "content-type": "application/json; charset=utf-8" } });
  };

  const kv = new MemoryKv();
  const sent: unknown[] = [];
  const queue = {
    async sendBatch(messages: Iterable<MessageSendRequest>) {
      for (const m of messages) sent.push(m.body);
      return { metadata: { metrics: { backlogCount: sent.length, backlogBytes: 0 } } };
    },
    async send(body: unknown) {
      sent.push(body);
      return { metadata: { metrics: { backlogCount: sent.length, backlogBytes: 0 } } };
    },
    async metrics() {
      return { backlogCount: sent.length, backlogBytes: 0 };
    },
  } as Queue;
  const vars = {
    COMPLAINTS: kv.binding,
    PAYJS_API_BASE: API,
    PAYJS_MERCHANTS: JSON.stringify(merchants),
    POLL_INTERVAL_SECONDS: "14400",
    NOTIFY_CHANNELS: JSON.stringify([{ type: "wecom", url: HOOK }]),
  };
  const without = vars as unknown as WorkerEnv;
  const withQueue = { ...vars, POLL_QUEUE: queue } as unknown as WorkerEnv;

  /** Times one invocation; counts its subrequests. */
  const timed = async (run: () => unknown): Promise<{ ms: number; subrequests: number }> => {
    subrequests = 0;
    const t0 = performance.now();
    await run();
    return { ms: performance.now() - t0, subrequests };
  };
  const cron = (env: WorkerEnv, at: number) => () =>
    worker.scheduled({ scheduledTime: at, cron: "*/30 * * * *", noRetry() {} } as ScheduledController, env, ctx);

  type Pass = "first" | "again";
  const passes: Pass[] = ["first", "again"];
  const samples = {
    without: { first: [] as number[], again: [] as number[] },
    cron: { first: [] as number[], again: [] as number[] },
    consumers: { first: new Map<string, number[]>(), again: new Map<string, number[]>() },
  };
  const subs = {
    without: { first: 0, again: 0 },
    cron: { first: 0, again: 0 },
    consumers: { first: new Map<string, number>(), again: new Map<string, number>() },
  };

  const realFetch = globalThis.fetch;
  const log = console.log;
  globalThis.fetch = fakeFetch as typeof fetch;
  console.log = () => {};
  try {
    for (let r = 0; r < runs + 2; r++) {
      const keep = r >= 2; // two warm-up runs
      const base = start + r * 10 * 86_400_000;
      // Without the queue: one cron invocation polls every merchant.
      kv.clear();
      kv.resetCounts();
      for (const [i, pass] of passes.entries()) {
        const f = await timed(cron(without, base + i * 4 * H));
        if (keep) samples.without[pass].push(f.ms);
        subs.without[pass] = Math.max(subs.without[pass], f.subrequests);
      }
      const polled = kv.writes.filter((w) => w.key.startsWith("status:")).length;
      if (polled < count) throw new Error(`without the queue, the cron stored ${polled} statuses of ${count}`);
      // With the queue: the cron polls the first due merchant and sends the others; each message is one consumer invocation.
      kv.clear();
      kv.resetCounts();
      for (const [i, pass] of passes.entries()) {
        const at = base + i * 4 * H;
        sent.length = 0;
        const c = await timed(cron(withQueue, at));
        if (keep) samples.cron[pass].push(c.ms);
        subs.cron[pass] = Math.max(subs.cron[pass], c.subrequests);
        if (sent.length !== count - 1) throw new Error(`the cron sent ${sent.length} messages for ${count} due merchants`);
        for (const body of [...sent]) {
          const mchid = (body as { mchid: string }).mchid;
          const { batch, acked } = batchOf(body, at);
          const q = await timed(() => worker.queue(batch, withQueue, ctx));
          if (!acked()) throw new Error(`the consumer did not acknowledge ${mchid}`);
          if (keep) {
            const list = samples.consumers[pass].get(mchid) ?? [];
            list.push(q.ms);
            samples.consumers[pass].set(mchid, list);
          }
          subs.consumers[pass].set(mchid, Math.max(subs.consumers[pass].get(mchid) ?? 0, q.subrequests));
        }
      }
      const consumed = kv.writes.filter((w) => w.key.startsWith("status:")).length;
      if (consumed < 2 * count) throw new Error(`the cron and the consumers stored ${consumed} statuses for ${2 * count} polls`);
    }
  } finally {
    globalThis.fetch = realFetch;
    console.log = log;
  }

  const scenario = (pass: Pass) => {
    const consumers: Consumer[] = [...samples.consumers[pass]].map(([mchid, ms]) => ({
      mchid,
      ms: lowerQuartile(ms),
      subrequests: subs.consumers[pass].get(mchid) ?? 0,
    }));
    const slowest = consumers.reduce((a, b) => (b.ms > a.ms ? b : a));
    return {
      without: { ms: lowerQuartile(samples.without[pass]), subrequests: subs.without[pass] } satisfies Figure,
      cron: { ms: lowerQuartile(samples.cron[pass]), subrequests: subs.cron[pass] } satisfies Figure,
      consumer: { ms: slowest.ms, subrequests: Math.max(...consumers.map((c) => c.subrequests)) } satisfies Figure,
      consumerMedianMs: [...consumers.map((c) => c.ms)].sort((a, b) => a - b)[consumers.length >> 1]!,
    };
  };
  return Response.json({ merchants: count, n, runs, messages: count - 1, first: scenario("first"), again: scenario("again") });
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/queue-cpu") return queueCpu(url);
    return new Response("not found", { status: 404 });
  },
};
