/**
 * `npm run bench`: runs each bench section in turn and prints its table. Exits 1 if a section throws
 * (e.g. a peer disagrees with node:crypto); figures below their goals are reported, not fatal, since
 * timings on a shared machine are noisy.
 *
 * @module
 */
import { benchMd5 } from "./md5";
import { type BenchTable, printTable } from "./stats";

const sections: Array<[string, () => Promise<BenchTable>]> = [["MD5", benchMd5]];

let below = 0;
for (const [name, run] of sections) {
  try {
    const table = await run();
    printTable(table);
    if (!table.ok) below++;
  } catch (error) {
    console.error(`${name} bench failed:`, error);
    process.exit(1);
  }
}
console.log(below === 0 ? "All goals met." : `${below} section(s) with figures below their goals (see BELOW).`);
