/**
 * A bench-only Worker, run under `wrangler dev` by `npm run bench` and never deployed: CPU timings inside
 * workerd, the runtime production uses. Local workerd's clock advances during synchronous work in 1 ms
 * steps, so batches run long enough for that step to be noise; a single invocation is timed as a median
 * of several runs.
 *
 * - `GET /poll-cpu?n=10000` — one poll's own work (`poll-work.ts`) and its parts, interleaved with a bare
 *   `JSON.parse` of the same body: `{"n","bytes","ms":{name:[ms per call, per round]}}`.
 * - `GET /tick-cpu?n=1000` — the Worker's real `scheduled()`, first poll and re-poll, with a bare `JSON.parse` of
 *   the answer in the same rounds: `{"n","bytes","storedBytes","ms":{"parse","first","again":[ms per tick, per round]}}`.
 * - `GET /serve-cpu?n=1200` — the HTTP side's work: `{"n","load","view","page","parse"}` in ms: loading the snapshot,
 *   building its view (once per snapshot and marks revision), and one page's body from a kept view.
 * - `GET /history-cpu?h=0,1000,10000,100000` — a poll of 20 listed with a history of each size (history-worker.ts).
 * - `GET /upgrade-cpu?n=1000,20000` — each slice of the move from layout 2 of a value of each size (upgrade-worker.ts).
 * @module
 */
import { SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import { countArrivals } from "../src/domain/days";
import { DEFAULT_RULES } from "../src/domain/deadlines";
import { NO_SUMMARY } from "../src/domain/history";
import { INITIAL_STATE } from "../src/domain/poll-state";
import type { WorkerEnv } from "../src/env";
import { savePresent } from "../src/history/present";
import entry from "../src/index";
import { md5 } from "../src/md5";
import { readAnswer } from "../src/payjs/client";
import { listBody } from "../src/reader/list-body";
import { NO_MARKS } from "../src/reader/marks";
import { pageOf, parseListQuery } from "../src/reader/query";
import { loadSnapshot } from "../src/reader/snapshot";
import { buildView } from "../src/reader/view";
import { FORMAT, Store } from "../src/store";
import { historyCpu } from "./history-worker";
import { MemoryKv } from "./memory-kv";
import { complaintsValue, KEY, MCHID, pollWork, reloaded, responseBody, T0 } from "./poll-work";
import { numberParam, timeBatch, timeBatchAsync } from "./timing";
import { upgradeCpu } from "./upgrade-worker";

type Fn = () => unknown;

const worker = entry as Required<Pick<ExportedHandler<WorkerEnv>, "scheduled">>;
const ctx = { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext;

/** Rounds of every function in turn, each round starting with the next one: per name, ms per call per round. */
function interleaved(fns: Record<string, Fn>, rounds: number, minMs: number): Record<string, number[]> {
  const names = Object.keys(fns);
  for (const name of names) timeBatch(fns[name]!, minMs); // warm-up
  const ms: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length]!;
      ms[name]!.push(timeBatch(fns[name]!, minMs));
    }
  }
  return ms;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function pollCpu(url: URL): Response {
  const n = numberParam(url, "n", 1000);
  const body = responseBody(n);
  const bytes = new TextEncoder().encode(body);
  const nowIso = new Date(T0).toISOString();
  const firstPoll = pollWork(body, [], nowIso, null);
  if (firstPoll.added !== n || !firstPoll.changed) throw new Error(`a first poll of ${n} added ${firstPoll.added}`);
  const stored = reloaded(firstPoll.complaints);
  if (pollWork(body, stored, nowIso, nowIso).changed) throw new Error("an unchanged re-poll found changes");
  const ms = interleaved(
    {
      parse: () => JSON.parse(body),
      md5: () => md5(bytes),
      decode: () => new TextDecoder().decode(bytes),
      verify: () => readAnswer(body, KEY, "strict").result,
      stringify: () => complaintsValue(firstPoll.complaints),
      first: () => pollWork(body, [], nowIso, null),
      again: () => pollWork(body, stored, nowIso, nowIso),
    },
    numberParam(url, "rounds", 5),
    numberParam(url, "minMs", 60),
  );
  return Response.json({ n, bytes: bytes.length, ms });
}

/**
 * Whole cron ticks (the Worker's real `scheduled()`, one merchant, over an in-memory KV, PAYJS answering at once)
 * against a bare `JSON.parse` of the answer, in interleaved rounds: a first poll (empty KV) and a re-poll of the
 * same answer. Each is timed over a batch, so workerd's 1 ms clock steps are noise.
 */
async function tickCpu(url: URL): Promise<Response> {
  const n = numberParam(url, "n", 1000);
  const rounds = numberParam(url, "rounds", 5);
  const minMs = numberParam(url, "minMs", 60);
  const text = responseBody(n);
  const bytes = new TextEncoder().encode(text);
  const kv = new MemoryKv();
  const env = {
    COMPLAINTS: kv.binding,
    PAYJS_API_BASE: "https://payjs.bench.invalid/api",
    PAYJS_MCHID: MCHID,
    PAYJS_KEY: KEY,
    POLL_INTERVAL_SECONDS: "14400",
  } as unknown as WorkerEnv;
  const realFetch = globalThis.fetch;
  const log = console.log;
  // PAYJS answers at once with the body as bytes, as a real fetch would hand them over.
  globalThis.fetch = async () => new Response(bytes, { headers: { "content-type": "application/json; charset=utf-8" } });
  console.log = () => {};
  let at = T0;
  const tick = async (): Promise<void> => {
    at += 4 * 3_600_000; // due again
    kv.resetCounts(); // the write log would keep every value written, and the garbage collector busy
    await worker.scheduled({ scheduledTime: at, cron: "*/30 * * * *", noRetry() {} } as ScheduledController, env, ctx);
  };
  const first = async (): Promise<void> => {
    kv.clear();
    await tick();
  };
  try {
    await first();
    const stored = (await kv.binding.get(`present:${MCHID}`)) as string;
    if (stored === null) throw new Error("the tick stored no present");
    const ms: Record<string, number[]> = { parse: [], first: [], again: [] };
    for (let r = 0; r <= rounds; r++) {
      const parse = timeBatch(() => JSON.parse(text), minMs);
      const f = await timeBatchAsync(first, minMs);
      const a = await timeBatchAsync(tick, minMs);
      if (r === 0) continue; // warm-up
      ms.parse!.push(parse);
      ms.first!.push(f);
      ms.again!.push(a);
    }
    const storedBytes = new TextEncoder().encode(stored).length;
    return Response.json({ n, bytes: bytes.length, storedBytes, ms });
  } finally {
    globalThis.fetch = realFetch;
    console.log = log;
  }
}

async function serveCpu(url: URL): Promise<Response> {
  const n = numberParam(url, "n", 1200);
  const kv = new MemoryKv();
  const nowIso = new Date(T0).toISOString();
  const complaints = pollWork(responseBody(n), [], nowIso, null).complaints;
  const store = new Store(kv.binding);
  // As a poll writes it (the present: every complaint is listed, so none is in history).
  await savePresent(store, MCHID, { complaints, history: NO_SUMMARY, days: countArrivals({}, complaints, T0) }, T0);
  const state = { ...INITIAL_STATE, last_attempt_at: nowIso, last_success_at: nowIso, next_poll_at: nowIso };
  await kv.put(`status:${MCHID}`, JSON.stringify({ format: FORMAT, rev: "b", state }));
  const merchants = [{ mchid: MCHID, key: SANDBOX_MERCHANT.key, name: null }];
  const snapshot = await loadSnapshot(store, merchants, false);
  const query = parseListQuery(new URLSearchParams("limit=100"), new Set([MCHID]));
  const view = (): unknown => buildView(snapshot, NO_MARKS, DEFAULT_RULES);
  // A page from a view kept, as every request after the first one of a snapshot and marks revision is answered.
  const kept = buildView(snapshot, NO_MARKS, DEFAULT_RULES);
  const page = (): Uint8Array => listBody(pageOf(kept, query, T0), false, snapshot.updatedAt);
  const runs = numberParam(url, "runs", 7);
  const load: number[] = [];
  const pageMs: number[] = [];
  const viewMs: number[] = [];
  for (let r = 0; r < runs + 1; r++) {
    // Loads in a batch of at least 30 ms (an in-memory KV answers at once, so this is CPU).
    let calls = 0;
    const t0 = performance.now();
    do {
      await loadSnapshot(store, merchants, false);
      calls++;
    } while (performance.now() - t0 < 30);
    const perLoad = (performance.now() - t0) / calls;
    const perView = timeBatch(view, 30);
    const perPage = timeBatch(page, 30);
    if (r > 0) {
      load.push(perLoad);
      viewMs.push(perView);
      pageMs.push(perPage);
    }
  }
  const text = (await kv.get(`present:${MCHID}`)) as string;
  const parseMs = timeBatch(() => JSON.parse(text), 60);
  return Response.json({ n, load: median(load), view: median(viewMs), page: median(pageMs), parse: parseMs });
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/poll-cpu") return pollCpu(url);
    if (url.pathname === "/tick-cpu") return tickCpu(url);
    if (url.pathname === "/serve-cpu") return serveCpu(url);
    if (url.pathname === "/history-cpu") return historyCpu(url);
    if (url.pathname === "/upgrade-cpu") return upgradeCpu(url);
    return new Response("not found", { status: 404 });
  },
};
