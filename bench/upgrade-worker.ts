/**
 * `GET /upgrade-cpu?n=1000,20000` of the bench-only Worker (cpu-worker.ts): the move from layout 2 timed in workerd,
 * slice by slice (poller/upgrade.ts), for a layout 2 value of each size: complaints one an hour, the newest 20 listed,
 * the others gone over a week ago. `{"sizes":{n:[ms per slice]}}`; the first slice of each is the isolate's first run
 * of that code.
 * @module
 */
import { beijingText, generateComplaints, type PayjsComplaintItem } from "../sandbox/fixtures";
import type { RawComplaint, StoredComplaint } from "../src/domain/complaint";
import { sortKept } from "../src/domain/position";
import { COMPLAINTS } from "../src/domain/stored-complaints";
import { upgradeBegun, upgradeShape } from "../src/domain/upgrade";
import { Outbound } from "../src/outbound";
import type { Tick } from "../src/poller/tick-context";
import { upgradeSlice } from "../src/poller/upgrade";
import { legacyComplaintsKey, Store, upgradeKey } from "../src/store";
import { MemoryKv } from "./memory-kv";
import { MCHID, T0 } from "./poll-work";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What a Worker of layout 2 kept for `n` complaints. */
async function legacyValue(store: Store, n: number): Promise<void> {
  const items: PayjsComplaintItem[] = generateComplaints(MCHID, n, T0).map((item, i) => ({
    ...item,
    complaint_at: beijingText(T0 - (i + 1) * HOUR),
  }));
  const kept: StoredComplaint[] = items.map((raw, i) => {
    const at = T0 - (i + 1) * HOUR;
    const left = i < 20 ? null : Math.min(at + 3 * DAY, T0 - 8 * DAY);
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      id: String(raw.complaint_id),
      raw: raw as RawComplaint,
      first_seen_at: iso(at),
      last_seen_at: iso(left ?? T0),
      active: left === null,
    };
  });
  await store.save(legacyComplaintsKey(MCHID), COMPLAINTS, sortKept(MCHID, kept), T0, true);
}

/** Every slice of the move of a value of `n` complaints, in ms. */
async function sliceTimes(n: number): Promise<number[]> {
  const store = new Store(new MemoryKv().binding);
  await legacyValue(store, n);
  const tick = { store, now: T0, outbound: new Outbound() } as unknown as Tick;
  let upgrade = upgradeBegun();
  const times: number[] = [];
  for (;;) {
    const started = performance.now();
    const slice = await upgradeSlice(tick, MCHID, upgrade);
    times.push(performance.now() - started);
    if ("unreadable" in slice) throw new Error(`the layout 2 value of ${n} could not be read`);
    const progress = await store.load(upgradeKey(MCHID), upgradeShape(MCHID));
    if (progress.kind !== "ok") return times;
    upgrade = progress.value;
    tick.now += 10 * 60_000;
  }
}

export async function upgradeCpu(url: URL): Promise<Response> {
  const sizes = (url.searchParams.get("n") ?? "1000,20000").split(",").map(Number);
  const log = console.log;
  console.log = () => {};
  try {
    const result: Record<string, number[]> = {};
    for (const n of sizes) result[n] = await sliceTimes(n);
    return Response.json({ sizes: result });
  } finally {
    console.log = log;
  }
}
