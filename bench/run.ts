/**
 * `npm run bench`: runs each bench section in turn and prints its tables. Exits 1 if a section throws
 * (e.g. a peer disagrees with node:crypto, or a server does not start); figures below their goals are
 * reported, not fatal, since timings on a shared machine are noisy.
 *
 * Sections: MD5 (Node), serving under load (wrangler dev + autocannon), polling CPU and CPU per invocation
 * (workerd), KV reads and writes (the Worker in Node over a counted KV), and the free-plan budget computed
 * from those counts. Every server a section starts (the PAYJS sandbox, wrangler dev) it stops by its PID.
 *
 * @module
 */
import { benchBudget } from "./budget";
import type { Facts } from "./facts";
import { benchKvReads } from "./kv-reads";
import { benchKvWrites } from "./kv-writes";
import { benchMd5 } from "./md5";
import { benchPolling } from "./polling";
import { benchQueue } from "./queue";
import { benchServing } from "./serving";
import { type BenchTable, printTable } from "./stats";

const facts: Facts = {};

const sections: Array<[string, () => Promise<BenchTable | BenchTable[]> | BenchTable]> = [
  ["MD5", benchMd5],
  ["Serving", benchServing],
  ["Polling CPU", () => benchPolling(facts)],
  ["KV reads", () => benchKvReads(facts)],
  ["KV writes", () => benchKvWrites(facts)],
  ["Queue", () => benchQueue(facts)],
  ["Budget", () => benchBudget(facts)],
];

const started = Date.now();
let below = 0;
for (const [name, run] of sections) {
  try {
    const result = await run();
    for (const table of Array.isArray(result) ? result : [result]) {
      printTable(table);
      if (!table.ok) below++;
    }
  } catch (error) {
    console.error(`${name} bench failed:`, error);
    process.exit(1);
  }
}
console.log(below === 0 ? "All goals met." : `${below} table(s) with figures below their goals (see BELOW).`);
console.log(`Bench time: ${((Date.now() - started) / 1000).toFixed(0)} s.`);
