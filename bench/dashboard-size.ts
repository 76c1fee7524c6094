/**
 * The dashboard's weight as a phone downloads it: each built file, raw and gzip-compressed (a size, not a speed, so
 * it has no peer; dashboard/build.node.test.ts holds the budget).
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildDashboard, formatSize } from "../scripts/build-dashboard.mjs";
import type { BenchTable } from "./stats";

export async function benchDashboardSize(): Promise<BenchTable> {
  const { outDir, files } = await buildDashboard();
  const sized = files
    .filter((f) => f.path !== "_headers")
    .map((f) => ({ path: f.path, raw: f.bytes, gzip: gzipSync(readFileSync(join(outDir, f.path))).length }));
  const total = sized.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip }), { raw: 0, gzip: 0 });
  return {
    title: "Dashboard size (what a phone downloads on its first visit)",
    columns: ["file", "bytes", "gzip"],
    rows: [...sized.map((f) => [f.path, formatSize(f.raw), formatSize(f.gzip)]), ["total", formatSize(total.raw), formatSize(total.gzip)]],
    notes: ["Later visits load only index.html: the script and style sheet are cached for a year under their hashed names."],
    ok: true,
  };
}
