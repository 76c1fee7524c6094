/**
 * The poll queue against the free plan's limits per invocation: many merchants, all due, polled by one cron
 * invocation (no `POLL_QUEUE`) or one merchant per `queue()` invocation (with it), measured inside workerd by a
 * bench-only Worker (`queue-worker.ts`) under `wrangler dev`. Also records the Queue operations a day the queue
 * costs, for the budget.
 * @module
 */
import { startWranglerDev } from "../test/support/wrangler-dev";
import type { Facts } from "./facts";
import type { BenchTable } from "./stats";

const MERCHANTS = 20;
const COMPLAINTS = 500;
const RUNS = 9;
const FREE_CPU_MS = 10;
const FREE_SUBREQUESTS = 50;
/** Queue operations per message: one write (send), one read (delivery), one delete (ack). */
const OPS_PER_MESSAGE = 3;
/** `POLL_INTERVAL_SECONDS` as wrangler.toml sets it: PAYJS asks for one call per 4 hours. */
const POLL_INTERVAL_SECONDS = 14_400;
const CRON_TICKS_PER_DAY = 48;
const FREE_QUEUE_OPS_PER_DAY = 10_000;

interface Figure {
  ms: number;
  subrequests: number;
}

interface Pass {
  without: Figure;
  cron: Figure;
  consumer: Figure;
  consumerMedianMs: number;
}

interface QueueCpu {
  merchants: number;
  n: number;
  runs: number;
  messages: number;
  first: Pass;
  again: Pass;
}

/** Queue operations a day for one merchant: one message per poll, a poll every `POLL_INTERVAL_SECONDS`. */
export function queueOpsPerMerchantDay(pollIntervalSeconds = POLL_INTERVAL_SECONDS): number {
  return OPS_PER_MESSAGE * (86_400 / pollIntervalSeconds);
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(300_000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Read off a clock in 1 ms steps: whole ms. */
const cpu = (x: number): string => (x < 1 ? "< 1 ms" : `${Math.round(x)} ms`);
const within = (f: Figure): boolean => f.ms <= FREE_CPU_MS && f.subrequests <= FREE_SUBREQUESTS;
const cell = (f: Figure): string => `${cpu(f.ms)}${f.ms > FREE_CPU_MS ? " > 10" : ""}`;
const subs = (f: Figure): string => `${f.subrequests}${f.subrequests > FREE_SUBREQUESTS ? " > 50" : ""}`;

export async function benchQueue(facts: Facts): Promise<BenchTable> {
  const perMerchant = queueOpsPerMerchantDay();
  facts.queueOpsPerMerchantDay = perMerchant;

  const worker = await startWranglerDev({ extraArgs: ["bench/queue-worker.ts"] });
  let r: QueueCpu;
  try {
    r = await getJson<QueueCpu>(`${worker.url}/queue-cpu?merchants=${MERCHANTS}&n=${COMPLAINTS}&runs=${RUNS}`);
  } finally {
    await worker.stop();
  }

  const largest = (p: Pass): Figure => ({
    ms: Math.max(p.cron.ms, p.consumer.ms),
    subrequests: Math.max(p.cron.subrequests, p.consumer.subrequests),
  });
  const ok = within(largest(r.first)) && within(largest(r.again));
  const goal = (p: Pass): string => (within(largest(p)) ? "PASS" : "BELOW");
  const row = (name: string, pick: (p: Pass) => Figure, goalCell: (p: Pass) => string): string[] => [
    name,
    cell(pick(r.first)),
    subs(pick(r.first)),
    cell(pick(r.again)),
    subs(pick(r.again)),
    goalCell(r.first) === goalCell(r.again) ? goalCell(r.first) : `${goalCell(r.first)} / ${goalCell(r.again)}`,
  ];
  const daily = (merchants: number, pollsPerDay: number): string =>
    `${(merchants * pollsPerDay * OPS_PER_MESSAGE).toLocaleString("en-US")} (${((merchants * pollsPerDay * OPS_PER_MESSAGE * 100) / FREE_QUEUE_OPS_PER_DAY).toFixed(1)}%)`;
  const pollsPerDay = 86_400 / POLL_INTERVAL_SECONDS;

  return {
    title: `Poll queue — the largest invocation with ${r.merchants} merchants × ${r.n.toLocaleString("en-US")} complaints, all due, against the free plan's ${FREE_CPU_MS} ms of CPU and ${FREE_SUBREQUESTS} subrequests (workerd; lower quartile of ${r.runs} runs)`,
    columns: [
      "invocation",
      "first poll: CPU",
      "subrequests",
      "re-poll: CPU",
      "subrequests",
      `goal ≤ ${FREE_CPU_MS} ms, ≤ ${FREE_SUBREQUESTS}`,
    ],
    rows: [
      row(
        `without the queue: the cron tick polls all ${r.merchants}`,
        (p) => p.without,
        () => "(for comparison)",
      ),
      row(
        `with the queue: the cron tick polls the first, sends ${r.messages} messages`,
        (p) => p.cron,
        () => "",
      ),
      row("with the queue: the slowest consumer, one merchant", (p) => p.consumer, goal),
      ["  (the median consumer)", cpu(r.first.consumerMedianMs), "", cpu(r.again.consumerMedianMs), "", ""],
    ],
    notes: [
      "The Worker's real scheduled() and queue() in workerd, over an in-memory KV; PAYJS answers at once with a signed body",
      "  (~470 bytes a complaint); one alert channel, a WeCom robot, gets one summary per poll that brings news. first poll:",
      "  every complaint new; re-poll: four hours later, nothing new. Subrequests: outbound fetch calls (PAYJS and alert",
      "  deliveries). Sending to the queue is a binding call to a Cloudflare service, like KV: it counts against the 1,000",
      "  such operations an invocation may make, not the 50 subrequests.",
      `Each consumer invocation polls one merchant (max_batch_size = 1): its CPU does not grow with the number of merchants,`,
      "  while the cron tick's without the queue grows with their sum (and what does not fit in 50 subrequests waits a tick).",
      `Queue operations (free plan: ${FREE_QUEUE_OPS_PER_DAY.toLocaleString("en-US")} a day), ${OPS_PER_MESSAGE} per message (write, read, delete), one message per poll:`,
      `  ${perMerchant} a day per merchant beyond the first (which the tick polls itself) at POLL_INTERVAL_SECONDS=${POLL_INTERVAL_SECONDS} (${pollsPerDay} polls); ${MERCHANTS} merchants ${daily(MERCHANTS - 1, pollsPerDay)}; a merchant`,
      `  due at every tick (failing with the shortest backoff) at most ${CRON_TICKS_PER_DAY * OPS_PER_MESSAGE} a day, ${MERCHANTS} such ${daily(MERCHANTS, CRON_TICKS_PER_DAY)}. A retried message`,
      "  (KV failed before its poll) adds a read each time, at most 2 (max_retries).",
    ],
    ok,
  };
}
