/**
 * Drives the real Worker inside workerd: its `scheduled()` and `fetch()` with a chosen env, the upstream
 * answered by the bundled PAYJS sandbox through the global `fetch` (never by stubbing our own modules).
 */
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { vi } from "vitest";
import { type PayjsSandbox, SANDBOX_MERCHANT } from "../../sandbox/payjs-sandbox";
import type { WorkerEnv } from "../../src/env";
import entry from "../../src/index";
import { ProductionKv } from "./production-kv";
import { MINUTE } from "./time";

const worker: Required<Pick<ExportedHandler<WorkerEnv>, "fetch" | "scheduled" | "queue">> = entry;

export const UPSTREAM = "https://payjs.sandbox.test/api";
export const READ_TOKEN = "read-token-for-tests";
export const ADMIN_TOKEN = "admin-token-for-tests";

/** The KV every test Worker gets: local KV held to production's rules, counting reads and writes. */
export const kv = new ProductionKv(env.COMPLAINTS);

/**
 * No reply or resolve deadline: for tests of delivery, whose fixture complaints are made relative to the real clock
 * and would otherwise fall due (and announce it) while the test's ticks move on. Deadlines have their own tests.
 */
export const NO_DEADLINES = { REPLY_WITHIN_HOURS: "", RESOLVE_WITHIN_HOURS: "" } as const;

/** Settings of a test Worker, over those {@link testEnv} gives. */
type Vars = Partial<Record<keyof WorkerEnv, string>>;

/**
 * The env a test Worker gets: without `POLL_QUEUE`, as wrangler.toml ships (the queue commented out), so the tick
 * polls in its own invocation; a test of the queue adds a {@link recordingQueue}'s binding.
 */
export function testEnv(vars: Vars = {}): WorkerEnv {
  return {
    ...env,
    COMPLAINTS: kv.kv,
    PAYJS_API_BASE: UPSTREAM,
    API_TOKENS: READ_TOKEN,
    ADMIN_TOKEN,
    CORS_ORIGINS: "",
    ...vars,
  } as WorkerEnv;
}

/**
 * The env of a test of alerts: the sandbox merchant alone, these `NOTIFY_CHANNELS`, messages linking to the dashboard
 * at `https://watch.example`, and `vars` over them (deadlines are on unless `vars` holds {@link NO_DEADLINES}).
 */
export function alertEnv(channels: readonly unknown[], vars: Vars = {}): WorkerEnv {
  return testEnv({
    PAYJS_MCHID: SANDBOX_MERCHANT.mchid,
    PAYJS_KEY: SANDBOX_MERCHANT.key,
    NOTIFY_CHANNELS: JSON.stringify(channels),
    PUBLIC_URL: "https://watch.example",
    ...vars,
  });
}

/** Empties the namespace and forgets the production rules' bookkeeping. */
export async function clearKv(): Promise<void> {
  kv.reset();
  let cursor: string | undefined;
  do {
    const page = await env.COMPLAINTS.list(cursor === undefined ? {} : { cursor });
    await Promise.all(page.keys.map((k) => env.COMPLAINTS.delete(k.name)));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor !== undefined);
}

/** Sends every outbound `fetch` to the sandbox; returns the spy so a test can count calls. */
export function routeUpstreamTo(sandbox: PayjsSandbox) {
  return vi
    .spyOn(globalThis, "fetch")
    .mockImplementation((input: RequestInfo | URL, init?: RequestInit) => sandbox.fetch(new Request(input, init)));
}

export async function fireCron(e: WorkerEnv, scheduledTime: number): Promise<void> {
  kv.nextInvocation();
  const controller = createScheduledController({ scheduledTime, cron: "*/30 * * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, e, ctx);
  await waitOnExecutionContext(ctx);
}

/** Fires the cron every 30 minutes from `from` to `to`, both included. */
export async function tickThrough(e: WorkerEnv, from: number, to: number): Promise<void> {
  for (let now = from; now <= to; now += 30 * MINUTE) await fireCron(e, now);
}

export async function call(e: WorkerEnv, path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const { token = READ_TOKEN, ...rest } = init;
  kv.nextInvocation();
  const headers = new Headers(rest.headers);
  if (token !== null) headers.set("authorization", `Bearer ${token}`);
  const ctx = createExecutionContext();
  const request = new Request(`http://worker.test${path}`, { ...rest, headers });
  const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A `Queue` binding that keeps what the Worker sends, or refuses it (as Queues would) while `failing` is set. */
export interface RecordingQueue {
  binding: Queue;
  /** The body of every message sent, in order. */
  sent: unknown[];
  /** Calls of `sendBatch`. */
  batches: number;
  failing: Error | null;
}

export function recordingQueue(): RecordingQueue {
  const q: RecordingQueue = {
    sent: [],
    batches: 0,
    failing: null,
    binding: {
      async send(body: unknown) {
        if (q.failing !== null) throw q.failing;
        q.sent.push(structuredClone(body));
        return { metadata: { metrics: { backlogCount: q.sent.length, backlogBytes: 0 } } };
      },
      async sendBatch(messages: Iterable<MessageSendRequest>) {
        q.batches++;
        if (q.failing !== null) throw q.failing;
        for (const m of messages) q.sent.push(structuredClone(m.body));
        return { metadata: { metrics: { backlogCount: q.sent.length, backlogBytes: 0 } } };
      },
      async metrics() {
        return { backlogCount: q.sent.length, backlogBytes: 0 };
      },
    },
  };
  return q;
}

/** What the consumer did with a batch's messages (by message id), as `getQueueResult` reports it. */
export interface QueueOutcome {
  ackAll: boolean;
  retryBatch: { retry: boolean };
  explicitAcks: string[];
  retryMessages: { msgId: string }[];
}

let messageSeq = 0;

/**
 * One invocation of the Worker's `queue()` with a batch of these bodies, sent at `sentAt` (the consumer polls no
 * earlier than that, as `fireCron`'s `scheduledTime`). Answers what it did with each message, and their `ids` in order.
 */
export async function fireQueue(
  e: WorkerEnv,
  bodies: unknown[],
  sentAt: number,
  { attempts = 1 }: { attempts?: number } = {},
): Promise<QueueOutcome & { ids: string[] }> {
  kv.nextInvocation();
  const messages = bodies.map((body) => ({ id: `m${++messageSeq}`, timestamp: new Date(sentAt), attempts, body }));
  const batch = createMessageBatch("payjs-complaint-watch-polls", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, e, ctx);
  const result = (await getQueueResult(batch, ctx)) as QueueOutcome;
  return { ...result, ids: messages.map((m) => m.id) };
}
