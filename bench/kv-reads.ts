/**
 * KV reads of the HTTP side while nothing changes upstream: `GET /api/complaints?limit=100` through the
 * Worker's real `fetch()` in Node over a counted in-memory KV, on a simulated clock, with the cron ticking
 * every 30 minutes as deployed (a poll every 4 hours that finds nothing new).
 * @module
 */
import { generateComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { Facts } from "./facts";
import { HOOK_ORIGIN, inProcessWorker, quietly, withClock } from "./in-process";
import type { BenchTable } from "./stats";

const COMPLAINTS = 1200;
const TICK_MS = 30 * 60_000;
const DAY_MS = 86_400_000;
const GOAL_PER_1000 = 1;
const LIST = "/api/complaints?limit=100";

interface Run {
  requests: number;
  spanMs: number;
  reads: number;
  cronReads: number;
  cronWrites: number;
}

/**
 * `requests` list requests `gapMs` apart starting at `start`, with a cron tick at every half hour in between.
 * Reads are counted for the requests only; the ticks' reads and writes separately.
 */
async function traffic(
  w: ReturnType<typeof inProcessWorker>,
  clock: { now: number },
  requests: number,
  gapMs: number,
  revalidate = false,
): Promise<Run> {
  let etag = "";
  const run: Run = { requests, spanMs: requests * gapMs, reads: 0, cronReads: 0, cronWrites: 0 };
  let nextTick = Math.ceil(clock.now / TICK_MS) * TICK_MS;
  for (let i = 0; i < requests; i++) {
    clock.now += gapMs;
    while (nextTick <= clock.now) {
      const [r, wr] = [w.kv.reads, w.kv.writes.length];
      const saved = clock.now;
      clock.now = nextTick;
      await w.tick(nextTick);
      clock.now = saved;
      run.cronReads += w.kv.reads - r;
      run.cronWrites += w.kv.writes.length - wr;
      nextTick += TICK_MS;
    }
    const before = w.kv.reads;
    const res = await w.get(LIST, revalidate && etag !== "" ? { "if-none-match": etag } : {});
    if (res.status !== 200 && res.status !== 304) throw new Error(`list answered ${res.status}`);
    etag = res.headers.get("etag") ?? "";
    run.reads += w.kv.reads - before;
  }
  return run;
}

export async function benchKvReads(facts: Facts): Promise<BenchTable> {
  // The first poll on a cron tick, as deployed: later polls then fall on ticks too.
  const start = Date.parse("2026-05-01T00:00:00Z");
  const sandbox = new PayjsSandbox([SANDBOX_MERCHANT], {
    [SANDBOX_MERCHANT.mchid]: generateComplaints(SANDBOX_MERCHANT.mchid, COMPLAINTS, start),
  });
  const clock = { now: start };
  const w = inProcessWorker(sandbox);
  let runs: { coldReads: number; burst: Run; steady: Run; cycle: Run; day: Run };
  try {
    runs = await quietly(() =>
      withClock(
        () => clock.now,
        async () => {
          await w.tick(clock.now); // the first poll stores the complaints
          clock.now += 10 * 60_000;
          const cold = w.kv.reads;
          await w.get(LIST); // a fresh isolate's first request
          const coldReads = w.kv.reads - cold;
          const burst = await traffic(w, clock, 1000, 1); // 1,000 requests/s, as under load
          const steady = await traffic(w, clock, 1000, 1000); // 1 request/s between polls
          const cycle = await traffic(w, clock, 4 * 3600, 1000, true); // 1 request/s through a whole poll cycle
          const day = await traffic(w, clock, DAY_MS / 30_000, 30_000, true); // a request every 30 s for a day
          return { coldReads, burst, steady, cycle, day };
        },
      ),
    );
  } finally {
    w.restore();
  }
  // The same day with an alert channel: each tick also reads the outbox, and so does each snapshot load.
  const alertClock = { now: start };
  const wa = inProcessWorker(sandbox, { NOTIFY_CHANNELS: JSON.stringify([{ type: "wecom", url: `${HOOK_ORIGIN}/wecom` }]) });
  let alertDay: Run;
  try {
    alertDay = await quietly(() =>
      withClock(
        () => alertClock.now,
        async () => {
          await wa.tick(alertClock.now);
          alertClock.now += 10 * 60_000;
          await wa.get(LIST);
          return traffic(wa, alertClock, DAY_MS / 30_000, 30_000, true);
        },
      ),
    );
  } finally {
    wa.restore();
  }
  {
    const { coldReads, burst, steady, cycle, day } = runs;
    facts.readsColdRequest = coldReads;
    facts.httpReadsPerIsolateDay = day.reads;
    facts.cronReadsPerDay = day.cronReads;
    facts.cronWritesPerDay = day.cronWrites;
    facts.httpReadsPerIsolateDayAlerts = alertDay.reads;
    facts.cronReadsPerDayAlerts = alertDay.cronReads;
    let ok = true;
    const row = (name: string, r: Run): string[] => {
      const per1000 = (r.reads / r.requests) * 1000;
      const pass = per1000 <= GOAL_PER_1000;
      ok &&= pass;
      return [
        name,
        String(r.requests),
        formatSpan(r.spanMs),
        String(r.reads),
        per1000.toFixed(2),
        ((r.reads / r.spanMs) * DAY_MS).toFixed(0),
        `≤ ${GOAL_PER_1000} ${pass ? "PASS" : "BELOW"}`,
      ];
    };
    return {
      title: `KV reads per 1,000 list requests while nothing changes (GET ${LIST}, ${COMPLAINTS} stored, 1 merchant, no alert channels)`,
      columns: ["traffic (one warm isolate)", "requests", "span", "KV reads", "reads / 1,000 req", "reads / day", "goal"],
      rows: [
        row("burst, 1,000 requests/s", burst),
        row("1 request/s between polls", steady),
        row("1 request/s through a 4 h poll cycle", cycle),
        [...row("1 request / 30 s for a day", day).slice(0, 6), "(reads follow time)"],
        [...row("  same, with an alert channel", alertDay).slice(0, 6), "(reads follow time)"],
      ],
      notes: [
        "The Worker's own fetch() in Node on a simulated clock; KV counted by an in-memory stand-in (every get counts, as KV bills it).",
        "The cron ticks every 30 min in the same isolate (a poll every 4 h, nothing new); its own KV use is not in these",
        `  columns: ${day.cronReads} reads and ${day.cronWrites} writes in the day (${alertDay.cronReads} reads with the alert channel).`,
        `  A fresh isolate's first request reads ${coldReads} values (3 with alert channels).`,
        "From the third row on, requests revalidate with If-None-Match (304): a 304 loads the same snapshot, so it reads what a 200 would.",
        "Since the isolate keeps its copy ≥ 60 s, any rate above 1 request/min gives the last row's reads per day.",
      ],
      ok,
    };
  }
}

function formatSpan(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(0)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(0)} min`;
  return `${(ms / 3_600_000).toFixed(0)} h`;
}
