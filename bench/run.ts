/**
 * `npm run bench`: runs each bench section in turn and prints its tables. Exits 1 if a section throws
 * (e.g. a peer disagrees with node:crypto, or a server does not start); figures below their goals are
 * reported, not fatal, since timings on a shared machine are noisy.
 *
 * Sections: MD5 (Node), serving under load (wrangler dev + autocannon), polling CPU and CPU per invocation
 * (workerd), a poll with 0 to 100,000 complaints in history against none (workerd, Node, wrangler dev; runs alone with
 * `npx tsx bench/history.ts`), KV reads and writes (the Worker in Node over a counted KV), the free-plan budget computed
 * from those counts, the alerts' trail a busy shop's outbox carries, and the dashboard's size. Every server a section starts (the PAYJS sandbox, wrangler dev) it stops by its PID. The tables
 * also go to docs/performance.md (bench/report.ts), the only page that states these figures.
 *
 * @module
 */
import { benchBudget } from "./budget";
import { benchDashboardSize } from "./dashboard-size";
import type { Facts } from "./facts";
import { benchHistory } from "./history";
import { benchKvReads } from "./kv-reads";
import { benchKvWrites } from "./kv-writes";
import { benchMd5 } from "./md5";
import { benchPolling } from "./polling";
import { benchQueue } from "./queue";
import { type Section, writePerformancePage } from "./report";
import { benchServing } from "./serving";
import { type BenchTable, printTable } from "./stats";
import { trailTable } from "./trail";

const facts: Facts = {};

const sections: Array<[string, () => Promise<BenchTable | BenchTable[]> | BenchTable]> = [
  ["MD5", benchMd5],
  ["Serving", benchServing],
  ["Polling CPU", () => benchPolling(facts)],
  ["Poll with history", benchHistory],
  ["KV reads", () => benchKvReads(facts)],
  ["KV writes", () => benchKvWrites(facts)],
  ["Queue", () => benchQueue(facts)],
  ["Budget", () => benchBudget(facts)],
  ["Alerts' trail", trailTable],
  ["Dashboard", benchDashboardSize],
];

const started = Date.now();
let below = 0;
const done: Section[] = [];
for (const [name, run] of sections) {
  try {
    const result = await run();
    const tables = Array.isArray(result) ? result : [result];
    for (const table of tables) {
      printTable(table);
      if (!table.ok) below++;
    }
    done.push({ name, tables });
  } catch (error) {
    console.error(`${name} bench failed:`, error);
    process.exit(1);
  }
}
console.log(below === 0 ? "All goals met." : `${below} table(s) with figures below their goals (see BELOW).`);
const seconds = (Date.now() - started) / 1000;
console.log(`Bench time: ${seconds.toFixed(0)} s.`);
writePerformancePage(done, new Date(started), seconds);
console.log("Written to docs/performance.md.");
