/**
 * The Worker driven in Node, in-process: its real `fetch()` and `scheduled()` (Hono and the poller are plain
 * TypeScript), a {@link MemoryKv} as `COMPLAINTS`, PAYJS answered by the bundled sandbox and alert channels
 * by an always-happy receiver, both through a stubbed global `fetch`. For counting KV operations, where
 * workerd adds nothing but noise.
 * @module
 */
import { type PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { WorkerEnv } from "../src/env";
import entry from "../src/index";
import { MemoryKv } from "./memory-kv";

const worker = entry as Required<Pick<ExportedHandler<WorkerEnv>, "fetch" | "scheduled">>;

export const UPSTREAM_ORIGIN = "https://payjs.bench.invalid";
export const HOOK_ORIGIN = "https://hooks.bench.invalid";
export const READ_TOKEN = "bench-read-token";
export const ADMIN_TOKEN = "bench-admin-token";

/** Alert channels as a user would configure them: one chat robot (one summary per big poll) and one webhook. */
export const BENCH_CHANNELS = JSON.stringify([
  { type: "wecom", url: `${HOOK_ORIGIN}/wecom` },
  { type: "webhook", url: `${HOOK_ORIGIN}/webhook` },
]);

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

export interface InProcessWorker {
  env: WorkerEnv;
  kv: MemoryKv;
  /** Alert deliveries answered so far. */
  deliveries: number;
  /** `GET path` with the read token. */
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  /** One cron tick at `time`. */
  tick(time: number): Promise<void>;
  /** Puts the real global `fetch` back. */
  restore(): void;
}

const ctx = { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext;

export function inProcessWorker(sandbox: PayjsSandbox, vars: Record<string, string> = {}): InProcessWorker {
  const kv = new MemoryKv();
  const env = {
    COMPLAINTS: kv.binding,
    PAYJS_API_BASE: `${UPSTREAM_ORIGIN}/api`,
    PAYJS_MCHID: SANDBOX_MERCHANT.mchid,
    PAYJS_KEY: SANDBOX_MERCHANT.key,
    API_TOKENS: READ_TOKEN,
    ADMIN_TOKEN,
    POLL_INTERVAL_SECONDS: "14400",
    UPSTREAM_TIMEOUT_MS: "10000",
    ALLOW_UNSIGNED_RESPONSES: "false",
    ALERT_AFTER_FAILURES: "3",
    CORS_ORIGINS: "",
    PUBLIC_URL: "https://watch.bench.invalid",
    ...vars,
  } as unknown as WorkerEnv;

  const realFetch = globalThis.fetch;
  const self: InProcessWorker = {
    env,
    kv,
    deliveries: 0,
    async get(path, headers = {}) {
      const request = new Request(`https://worker.bench.invalid${path}`, {
        headers: { authorization: `Bearer ${READ_TOKEN}`, ...headers },
      });
      const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, env, ctx);
      return { status: response.status, headers: response.headers, text: await response.text() };
    },
    async tick(time) {
      const controller = { scheduledTime: time, cron: "*/30 * * * *", noRetry() {} } as ScheduledController;
      await worker.scheduled(controller, env, ctx);
    },
    restore() {
      globalThis.fetch = realFetch;
    },
  };
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (request.url.startsWith(UPSTREAM_ORIGIN)) return sandbox.fetch(request);
    if (request.url.startsWith(HOOK_ORIGIN)) {
      self.deliveries++;
      return Response.json({ errcode: 0, errmsg: "ok" });
    }
    throw new Error(`bench: unexpected fetch to ${request.url}`);
  };
  return self;
}

/** Runs `fn` with `Date.now()` answering from `clock()`, so hours of traffic pass in seconds. */
export async function withClock<T>(clock: () => number, fn: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  Date.now = clock;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

/** Runs `fn` with `console.log` silenced: the Worker logs one JSON line per poll and tick. */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
  }
}
