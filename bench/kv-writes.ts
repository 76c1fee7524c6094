/**
 * KV writes per poll, counted: nothing new, one new complaint, and the first poll of 10,000, without and
 * with alert channels. The Worker's real `scheduled()` in Node over a counted in-memory KV.
 * @module
 */
import { generateComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { Facts } from "./facts";
import { BENCH_CHANNELS, inProcessWorker, quietly, withClock } from "./in-process";
import { type KvWrite, writeBytes } from "./memory-kv";
import type { BenchTable } from "./stats";

const MCHID = SANDBOX_MERCHANT.mchid;
const HOUR = 3_600_000;
const TICK = 30 * 60_000;
const T0 = Date.parse("2026-05-01T00:00:00Z");

interface Outcome {
  writes: KvWrite[];
  /** Alert entries still queued after the tick. */
  pending: number;
}

type Worker = ReturnType<typeof inProcessWorker>;

async function tickCounted(w: Worker, clock: { now: number }, at: number): Promise<Outcome> {
  clock.now = at;
  w.kv.resetCounts();
  await w.tick(at);
  const writes = w.kv.writes;
  const status = JSON.parse((await w.get("/api/status")).text) as { channels?: { pending: number }[] };
  return { writes, pending: (status.channels ?? []).reduce((n, c) => n + c.pending, 0) };
}

function describeWrites(writes: KvWrite[]): string {
  return writes.map((w) => w.key.replace(`:${MCHID}`, "")).join(", ") || "—";
}

function megabytes(writes: KvWrite[]): string {
  const bytes = writes.reduce((n, w) => n + writeBytes(w), 0);
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

/** The three polls for one setting: a first poll of `first` complaints, then (once any alert backlog is sent) nothing new, then one new. */
async function scenario(
  channels: string | null,
  first: number,
): Promise<{ first: Outcome; next: Outcome; unchanged: Outcome; oneNew: Outcome }> {
  const items = generateComplaints(MCHID, first, T0);
  const sandbox = new PayjsSandbox([SANDBOX_MERCHANT], { [MCHID]: items });
  const clock = { now: T0 };
  const w = inProcessWorker(sandbox, channels === null ? {} : { NOTIFY_CHANNELS: channels });
  try {
    return await quietly(() =>
      withClock(
        () => clock.now,
        async () => {
          const firstPoll = await tickCounted(w, clock, T0);
          // The next tick: no poll is due, but a webhook's backlog of one alert per complaint goes on.
          const next = await tickCounted(w, clock, T0 + TICK);
          const unchanged = await tickCounted(w, clock, T0 + 4 * HOUR);
          sandbox.addComplaint(MCHID, { ...generateComplaints(MCHID, 1, T0 + 5 * HOUR)[0], complaint_id: "9BENCHNEW000000001" });
          const oneNew = await tickCounted(w, clock, T0 + 8 * HOUR);
          return { first: firstPoll, next, unchanged, oneNew };
        },
      ),
    );
  } finally {
    w.restore();
  }
}

export async function benchKvWrites(facts: Facts): Promise<BenchTable> {
  const rows: string[][] = [];
  let ok = true;
  const judge = (n: number, low: number, high: number, label = low === high ? String(low) : `${low}–${high}`): string => {
    const pass = n >= low && n <= high;
    ok &&= pass;
    return `${label} ${pass ? "PASS" : "BELOW"}`;
  };
  const notes: string[] = [];
  /** First-poll writes of a 5-complaint merchant, per setting: the 10,000 one must write no more. */
  const smallFirst = new Map<string, number>();

  // Nothing new and one new: a small merchant, so that no alert backlog is left when they are measured.
  for (const [label, channels] of [
    ["no alert channels", null],
    ["wecom + webhook", BENCH_CHANNELS],
  ] as const) {
    const small = await scenario(channels, 5);
    smallFirst.set(label, small.first.writes.length);
    rows.push([
      `nothing new (${label})`,
      String(small.unchanged.writes.length),
      describeWrites(small.unchanged.writes),
      megabytes(small.unchanged.writes),
      judge(small.unchanged.writes.length, 1, 1),
    ]);
    rows.push([
      `one new complaint (${label})`,
      String(small.oneNew.writes.length),
      describeWrites(small.oneNew.writes),
      megabytes(small.oneNew.writes),
      judge(small.oneNew.writes.length, 2, 3),
    ]);
    if (channels === null) {
      facts.writesUnchanged = small.unchanged.writes.length;
      facts.writesOneNew = small.oneNew.writes.length;
    } else {
      facts.writesUnchangedAlerts = small.unchanged.writes.length;
      facts.writesOneNewAlerts = small.oneNew.writes.length;
    }
  }
  for (const [label, channels] of [
    ["no alert channels", null],
    ["wecom + webhook", BENCH_CHANNELS],
  ] as const) {
    const big = await scenario(channels, 10_000);
    const same = smallFirst.get(label) ?? -1;
    const constant = big.first.writes.length === same ? big.first.writes.length : -1;
    rows.push([
      `first poll of 10,000 (${label})`,
      String(big.first.writes.length),
      describeWrites(big.first.writes),
      megabytes(big.first.writes),
      judge(constant, 1, 5, `≤ 5, = first of 5 (${same})`),
    ]);
    if (channels !== null) {
      rows.push([
        `  next tick, no poll due (${label})`,
        String(big.next.writes.length),
        describeWrites(big.next.writes),
        megabytes(big.next.writes),
        "(backlog)",
      ]);
      const perTick = Math.max(1, big.first.pending - big.next.pending);
      const ticks = Math.ceil(big.next.pending / perTick);
      facts.webhookBacklogTicks = ticks + 1;
      notes.push(
        `A webhook gets one request per new complaint: the first poll of 10,000 left ${big.first.pending} queued; a tick sends ${perTick}`,
        `  (the free plan's 50 subrequests), so the backlog drains over ${ticks + 1} ticks (${((ticks + 1) / 48).toFixed(1)} days at 2 ticks/h), the status each, and the outbox every 5th or so (folding 200+ deliveries).`,
        "  Chat channels (wecom here) get one summary message instead.",
      );
    }
  }
  return {
    title: "KV writes per poll (the Worker's scheduled() in Node, KV counted; a poll 4 h after the last)",
    columns: ["poll", "writes", "keys written, in order", "bytes", "goal"],
    rows,
    notes: [
      "Without alert channels: the status always, the complaints only when they changed; `format` once per namespace.",
      "`view-secret` too is written once per namespace, by the first tick that sends a link (alert links carry view keys):",
      "  it makes the first poll with channels 6 writes, one over this goal, once; every later poll is as before.",
      "With alert channels: the outbox before the complaints (so a crash between them neither loses nor doubles an alert)",
      "  and what sending did with the status, last: no key twice in an invocation (KV takes one write per key per second).",
      ...notes,
    ],
    ok,
  };
}
