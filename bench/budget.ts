/**
 * The free-plan budget, computed from what the other sections measured: KV reads and writes and Worker
 * requests per day for one merchant polled every 4 h, with N dashboard users and M front-end requests a
 * minute, against the Workers free plan's 100,000 requests, 100,000 KV reads and 1,000 KV writes a day.
 * @module
 */
import type { Facts } from "./facts";
import type { BenchTable } from "./stats";

const FREE = { requests: 100_000, reads: 100_000, writes: 1_000 };
const CRON_TICKS_PER_DAY = 48;
const POLLS_PER_DAY = 6;
/** A dashboard user: the page open 8 h a day, refreshing every 5 min (status, a list page, one chart page); the page itself is a static asset, no Worker request. */
const DASHBOARD_HOURS = 8;
const REQUESTS_PER_REFRESH = 3;
const DASHBOARD_REQUESTS_PER_DAY = REQUESTS_PER_REFRESH * (1 + (DASHBOARD_HOURS * 60) / 5);

const SCENARIOS: Array<[number, number]> = [
  [1, 0],
  [5, 0],
  [20, 0],
  [5, 10],
  [5, 30],
  [20, 60],
  [5, 70],
  [50, 120],
];

function need(facts: Facts, name: keyof Facts): number {
  const value = facts[name];
  if (value === undefined) throw new Error(`budget: ${name} was not measured`);
  return value;
}

const pct = (x: number, of: number): string => `${x.toLocaleString("en-US")} (${((x / of) * 100).toFixed(x / of < 0.1 ? 1 : 0)}%)`;

export interface Budget {
  requests: number;
  readsTypical: number;
  readsWorst: number;
  writes: number;
}

/** One day for one merchant, `users` dashboard users and `perMinute` front-end requests a minute. */
export function budgetFor(facts: Facts, users: number, perMinute: number, alerts: boolean): Budget {
  const isolateDay = need(facts, alerts ? "httpReadsPerIsolateDayAlerts" : "httpReadsPerIsolateDay");
  const cold = need(facts, "readsColdRequest") + (alerts ? 1 : 0);
  const cronReads = need(facts, alerts ? "cronReadsPerDayAlerts" : "cronReadsPerDay");
  const httpRequests = users * DASHBOARD_REQUESTS_PER_DAY + perMinute * 1440;
  // Typical: each dashboard user keeps a warm isolate while the page is open; front-end traffic keeps one.
  const readsTypical =
    cronReads + users * (Math.ceil((isolateDay * DASHBOARD_HOURS) / 24) + cold) + (perMinute > 0 ? isolateDay + cold : 0);
  // Worst: every request lands on a fresh isolate.
  const readsWorst = cronReads + httpRequests * cold;
  // Upper bound: every poll of the day brings news.
  const writes = POLLS_PER_DAY * need(facts, alerts ? "writesOneNewAlerts" : "writesOneNew");
  return { requests: httpRequests + CRON_TICKS_PER_DAY, readsTypical, readsWorst, writes };
}

export function benchBudget(facts: Facts): BenchTable {
  const rows: string[][] = [];
  for (const alerts of [false, true]) {
    for (const [users, perMinute] of alerts ? SCENARIOS.slice(0, 4) : SCENARIOS) {
      const b = budgetFor(facts, users, perMinute, alerts);
      const over = b.requests > FREE.requests || b.readsTypical > FREE.reads || b.writes > FREE.writes;
      const risky = b.readsWorst > FREE.reads;
      rows.push([
        `${users} user${users === 1 ? "" : "s"}, ${perMinute}/min${alerts ? ", alerts" : ""}`,
        pct(b.requests, FREE.requests),
        pct(b.readsTypical, FREE.reads),
        pct(b.readsWorst, FREE.reads),
        pct(b.writes, FREE.writes),
        over ? "paid" : risky ? "free (reads: watch)" : "free",
      ]);
    }
  }
  const maxPerMinute = (users: number): number =>
    Math.floor((FREE.requests - CRON_TICKS_PER_DAY - users * DASHBOARD_REQUESTS_PER_DAY) / 1440);
  const coldReads = need(facts, "readsColdRequest");
  const worstRequests = Math.floor((FREE.reads - need(facts, "cronReadsPerDay")) / coldReads);
  return {
    title: "Free-plan budget per day — one merchant polled every 4 h (computed from the measured counts above)",
    columns: [
      "N dashboard users, M front-end req/min",
      "requests (of 100,000)",
      "KV reads, typical",
      "KV reads, worst",
      "KV writes (of 1,000)",
      "plan",
    ],
    rows,
    notes: [
      `A dashboard user: page open ${DASHBOARD_HOURS} h a day, refreshing every 5 min (${REQUESTS_PER_REFRESH} requests: status, list, chart) → ${DASHBOARD_REQUESTS_PER_DAY} requests a day.`,
      `Requests include the ${CRON_TICKS_PER_DAY} cron ticks. Reads include the cron's (${need(facts, "cronReadsPerDay")} a day; ${need(facts, "cronReadsPerDayAlerts")} with alert channels).`,
      `Typical reads: one warm isolate per dashboard user while open and one for the front-end, each ${need(facts, "httpReadsPerIsolateDay")} reads a day`,
      `  (${need(facts, "httpReadsPerIsolateDayAlerts")} with alerts) plus ${coldReads} when it starts. Worst: every request on a fresh isolate, ${coldReads} reads each (${coldReads + 1} with alerts).`,
      `Writes assume news at every poll (${need(facts, "writesOneNew")} writes, ${need(facts, "writesOneNewAlerts")} with alerts); a quiet day writes ${need(facts, "cronWritesPerDay")}.`,
      `The paid plan is needed when requests pass 100,000 a day: with 5 dashboard users, above ${maxPerMinute(5)} front-end requests a minute`,
      `  (${maxPerMinute(0)}/min with none). Reads stay far below their limit unless nearly every request starts a fresh isolate`,
      `  (more than ~${worstRequests.toLocaleString("en-US")} such requests a day). Writes never come near theirs. CPU is the other limit: a merchant with`,
      `  more than about ${need(facts, "maxComplaintsCron").toLocaleString("en-US")} complaints needs the paid plan for a poll that brings news (10 ms of CPU per invocation`,
      `  on the free plan); a poll that finds nothing new fits up to ${need(facts, "maxComplaintsCronRepoll").toLocaleString("en-US")} or more, and a fresh isolate's first list request about`,
      `  ${need(facts, "maxComplaintsHttp").toLocaleString("en-US")}.`,
      `Queue operations (with the poll queue, several merchants): ${need(facts, "queueOpsPerMerchantDay")} a day per merchant beyond the first (1 message a poll, 3 operations`,
      `  each), of the free plan's 10,000: one merchant uses none, 20 merchants ${(19 * need(facts, "queueOpsPerMerchantDay")).toLocaleString("en-US")}.`,
    ],
    ok: true,
  };
}
