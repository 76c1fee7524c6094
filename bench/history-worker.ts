/**
 * `GET /history-cpu` of the bench-only Worker (cpu-worker.ts), run in workerd: the CPU of a poll of a merchant with a
 * history, against the same poll of one without.
 *
 * `?h=0,1000,10000,100000&rounds=5&minMs=60&old=0,1000,10000` — for each history size, a KV seeded by
 * history-seed.ts and a first poll (PAYJS listing the 20), then whole cron ticks (the Worker's real `scheduled()`, PAYJS
 * answering at once) in interleaved rounds: `new` (PAYJS lists the 20 and one new complaint) and `same` (the 20 again).
 * Each tick starts from the seeded KV (restored, a copy of a map of some 100 keys) at the same time, so every tick of a
 * kind does the same work; ticks are timed in batches of at least `minMs`, since workerd's clock steps by 1 ms.
 * `old`: the same polls as layout 2 did them, for the history sizes listed: every complaint in one value, read and
 * parsed whole, diffed, written whole when something changed (poll-work.ts's work plus the load); an estimate of the
 * poll before issue 29, with the same functions.
 *
 * Answers `{"sizes","ms":{"{h}:new"|"{h}:same"|"old:{h}:new"|"old:{h}:same":[ms per tick, per round]},"parts":{h:n},
 * "steps":{"{h}:parse"|"{h}:check"|"{h}:days"|"{h}:json":[ms per call, per round]}}`: see {@link steps}.
 * @module
 */

import { identifyComplaints } from "../src/domain/complaint";
import { countArrivals } from "../src/domain/days";
import { sortKept } from "../src/domain/position";
import { COMPLAINTS, presentShape } from "../src/domain/stored-complaints";
import type { WorkerEnv } from "../src/env";
import { loadHistory, loadParts } from "../src/history/parts";
import { loadPresent } from "../src/history/present";
import entry from "../src/index";
import { mergeComplaints } from "../src/poller/merge";
import { FORMAT, legacyComplaintsKey, Store } from "../src/store";
import { answerBody, HISTORY_SIZES, KEY, LISTED, listedItems, MCHID, newItem, seedHistory, T0, T1 } from "./history-seed";
import { MemoryKv } from "./memory-kv";
import { pollWork } from "./poll-work";
import { numberParam, timeBatch, timeBatchAsync } from "./timing";

const worker = entry as Required<Pick<ExportedHandler<WorkerEnv>, "scheduled">>;
const ctx = { waitUntil() {}, passThroughOnException() {} } as unknown as ExecutionContext;

function listParam(url: URL, name: string, fallback: readonly number[]): number[] {
  const given = url.searchParams.get(name);
  if (given === null) return [...fallback];
  return given === ""
    ? []
    : given
        .split(",")
        .map(Number)
        .filter((n) => Number.isSafeInteger(n) && n >= 0);
}

interface Seeded {
  kv: MemoryKv;
  seeded: ReadonlyMap<string, string>;
  env: WorkerEnv;
  parts: number;
}

/**
 * The steps of a poll that handle the present, for each history size, in interleaved rounds (ms per call): `parse`
 * (`JSON.parse` of its text), `check` (its shape read: complaints, the history's parts, the day counts), `days` (the
 * day counts with one arrival, as a poll with news counts it), `json` (the value a poll with news writes).
 */
async function steps(seeded: ReadonlyMap<number, Seeded>, rounds: number, minMs: number): Promise<Record<string, number[]>> {
  const fns: Record<string, () => unknown> = {};
  const shape = presentShape(MCHID);
  const arrived = mergeComplaints(MCHID, [], identifyComplaints([newItem()]).sightings, new Date(T1).toISOString(), null).added;
  for (const [h, s] of seeded) {
    const text = s.seeded.get(`present:${MCHID}`);
    if (text === undefined) throw new Error(`history ${h}: no present`);
    const record = JSON.parse(text) as Record<string, unknown>;
    const present = shape.read(record);
    if (present === null) throw new Error(`history ${h}: the present does not read`);
    const after = { ...present, complaints: [...arrived, ...present.complaints], days: countArrivals(present.days, arrived, T1) };
    fns[`${h}:parse`] = () => JSON.parse(text);
    fns[`${h}:check`] = () => shape.read(record);
    fns[`${h}:days`] = () => countArrivals(present.days, arrived, T1);
    fns[`${h}:json`] = () => JSON.stringify({ format: FORMAT, rev: "bench", plain: true, ...shape.write(after) });
  }
  const names = Object.keys(fns);
  const ms: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = 0; r <= rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length]!;
      const t = timeBatch(fns[name]!, minMs);
      if (r > 0) ms[name]!.push(t);
    }
  }
  return ms;
}

export async function historyCpu(url: URL): Promise<Response> {
  const sizes = listParam(url, "h", HISTORY_SIZES);
  const oldSizes = listParam(url, "old", [0, 1_000, 10_000]);
  const rounds = numberParam(url, "rounds", 5);
  const minMs = numberParam(url, "minMs", 60);
  const encoder = new TextEncoder();
  const listed = listedItems();
  const bodies = { same: encoder.encode(answerBody(listed)), new: encoder.encode(answerBody([newItem(), ...listed])) };
  let answer = bodies.same;
  const realFetch = globalThis.fetch;
  const log = console.log;
  globalThis.fetch = async () => new Response(answer, { headers: { "content-type": "application/json; charset=utf-8" } });
  console.log = () => {};
  const tick = async (env: WorkerEnv, at: number): Promise<void> =>
    worker.scheduled({ scheduledTime: at, cron: "*/10 * * * *", noRetry() {} } as ScheduledController, env, ctx);
  try {
    const seeded = new Map<number, Seeded>();
    for (const h of sizes) {
      const kv = new MemoryKv();
      const history = await seedHistory(kv, h);
      const env = {
        COMPLAINTS: kv.binding,
        PAYJS_API_BASE: "https://payjs.bench.invalid/api",
        PAYJS_MCHID: MCHID,
        PAYJS_KEY: KEY,
        POLL_INTERVAL_SECONDS: "14400",
      } as unknown as WorkerEnv;
      answer = bodies.same;
      await tick(env, T0);
      kv.resetCounts();
      seeded.set(h, { kv, seeded: kv.snapshot(), env, parts: history.parts.length });
    }
    const fns: Record<string, () => Promise<unknown>> = {};
    for (const [h, s] of seeded) {
      for (const kind of ["new", "same"] as const) {
        fns[`${h}:${kind}`] = async () => {
          s.kv.restore(s.seeded);
          s.kv.resetCounts();
          answer = bodies[kind];
          await tick(s.env, T1);
        };
      }
    }
    // Each tick once, checked: it polled (the status written), and wrote the present only when one is new.
    for (const [name, fn] of Object.entries(fns)) {
      await fn();
      const h = Number(name.split(":")[0]);
      const keys = seeded.get(h)!.kv.writes.map((w) => w.key);
      const want = name.endsWith(":new") ? [`present:${MCHID}`, `status:${MCHID}`] : [`status:${MCHID}`];
      if (keys.join() !== want.join()) throw new Error(`tick ${name} wrote ${keys.join()} (expected ${want.join()})`);
    }

    // Layout 2's poll of the same complaints: one value holding the present's and the history's, parsed whole.
    for (const h of oldSizes) {
      const s = seeded.get(h);
      if (s === undefined) continue;
      s.kv.restore(s.seeded);
      const store = new Store(s.kv.binding);
      const present = await loadPresent(store, MCHID, false);
      if (present.kind !== "ok") throw new Error(`history ${h}: no present`);
      const described = await loadHistory(store, MCHID, false);
      const parts = await loadParts(store, MCHID, described?.history.parts ?? [], false);
      const all = present.present.complaints.concat(parts.flatMap((p) => (p.ok ? p.complaints : [])));
      if (all.length !== h + LISTED) throw new Error(`history ${h}: ${all.length} complaints kept`);
      const oldKv = new MemoryKv();
      const oldStore = new Store(oldKv.binding);
      await oldStore.save(legacyComplaintsKey(MCHID), COMPLAINTS, sortKept(MCHID, all), T0, true);
      const previous = new Date(T0).toISOString();
      const nowIso = new Date(T1).toISOString();
      const decoder = new TextDecoder();
      for (const kind of ["new", "same"] as const) {
        const text = decoder.decode(bodies[kind]);
        fns[`old:${h}:${kind}`] = async () => {
          const stored = await oldStore.load(legacyComplaintsKey(MCHID), COMPLAINTS);
          if (stored.kind !== "ok") throw new Error("layout 2's value did not read back");
          return pollWork(text, stored.value, nowIso, previous);
        };
      }
    }

    const names = Object.keys(fns);
    const ms: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
    for (let r = 0; r <= rounds; r++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + r) % names.length]!;
        const t = await timeBatchAsync(fns[name]!, minMs);
        if (r > 0) ms[name]!.push(t); // round 0 warms up
      }
    }
    const parts = Object.fromEntries([...seeded].map(([h, s]) => [h, s.parts]));
    return Response.json({ sizes, ms, parts, steps: await steps(seeded, rounds, minMs / 3) });
  } finally {
    globalThis.fetch = realFetch;
    console.log = log;
  }
}
