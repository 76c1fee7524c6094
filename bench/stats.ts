/**
 * Shared helpers for the benches run by `npm run bench`: interleaved timing rounds with medians, ratio
 * checks against goals, and plain-text tables.
 *
 * Rounds are interleaved (every function once per round, in a rotating order) so that a noisy neighbour or
 * a frequency change hits all contenders alike, and the median of the rounds throws away the outliers.
 *
 * @module
 */

export interface MeasureOptions {
  /** Timed rounds per function; the reported figure is their median. */
  rounds?: number;
  /** Minimum time each function runs per round. */
  roundMs?: number;
  /** Untimed run per function before the first round, so every one is JIT-optimised. */
  warmupMs?: number;
}

/** Keeps results alive so no engine can discard a call as unused. */
export let sink: unknown;

const now = (): bigint => process.hrtime.bigint();

/**
 * Calls `fn` `times` times. Results go to a local and only the last to `sink`: storing every result in a
 * module-level binding would add a write barrier per call to every contender's time. The calls cannot be
 * dropped either way, since `fn` is not known here.
 */
function callMany(fn: () => unknown, times: number): void {
  let last: unknown;
  for (let i = 0; i < times; i++) last = fn();
  sink = last;
}

/**
 * How many calls of `fn` make one timed batch of about 1 ms: reading the clock per call would cost
 * more than a fast function itself.
 */
function calibrate(fn: () => unknown, warmupMs: number): number {
  const deadline = now() + BigInt(Math.round(warmupMs * 1e6));
  let batch = 1;
  let perCallNs = Number.POSITIVE_INFINITY;
  while (now() < deadline) {
    const t0 = now();
    callMany(fn, batch);
    const ns = Number(now() - t0);
    perCallNs = Math.min(perCallNs, ns / batch);
    if (ns < 1e6) batch *= 2;
  }
  return Math.max(1, Math.round(1e6 / perCallNs));
}

function runFor(fn: () => unknown, batch: number, ms: number): number {
  const budget = BigInt(Math.round(ms * 1e6));
  let calls = 0;
  const t0 = now();
  let elapsed = 0n;
  do {
    callMany(fn, batch);
    calls += batch;
    elapsed = now() - t0;
  } while (elapsed < budget);
  return calls / (Number(elapsed) / 1e9);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Measurement {
  /** Per name, the median ops/s over the rounds. */
  median: Record<string, number>;
  /** Per round, ops/s by name. */
  rounds: Array<Record<string, number>>;
}

/**
 * Times every function in interleaved rounds: each round runs every function for `roundMs`, starting with
 * a different one each round.
 */
export function measure(
  fns: Record<string, () => unknown>,
  { rounds = 7, roundMs = 200, warmupMs = 300 }: MeasureOptions = {},
): Measurement {
  const names = Object.keys(fns);
  const batches = new Map<string, number>();
  for (const name of names) batches.set(name, calibrate(fns[name]!, warmupMs));
  const perRound: Array<Record<string, number>> = [];
  for (let r = 0; r < rounds; r++) {
    const round: Record<string, number> = {};
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length]!;
      round[name] = runFor(fns[name]!, batches.get(name)!, roundMs);
    }
    perRound.push(round);
  }
  const medianOf = (name: string): number => median(perRound.map((round) => round[name]!));
  return { median: Object.fromEntries(names.map((name) => [name, medianOf(name)])), rounds: perRound };
}

/**
 * The median over rounds of `ours / peer`. A round's two figures are taken at most a second or so apart,
 * so on a machine whose speed drifts (shared cores, frequency changes) this is steadier than a ratio of
 * medians.
 */
export function medianRatio(m: Measurement, ours: string, peer: string): number {
  return median(m.rounds.map((round) => round[ours]! / round[peer]!));
}

/** `3.21M`, `845k`, `612`: ops/s short enough for a table cell. */
export function formatRate(opsPerSecond: number): string {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)}M`;
  if (opsPerSecond >= 1e4) return `${(opsPerSecond / 1e3).toFixed(0)}k`;
  if (opsPerSecond >= 100) return opsPerSecond.toFixed(0);
  return opsPerSecond.toFixed(1);
}

export interface RatioCheck {
  ratio: number;
  goal: number;
  pass: boolean;
  /** e.g. `2.31× (goal ≥ 2.0×) PASS` */
  text: string;
}

/** Compares a ratio (ours ÷ peer) with a goal of at least `goal`. */
export function checkRatio(ratio: number, goal: number): RatioCheck {
  const pass = ratio >= goal;
  return { ratio, goal, pass, text: `${ratio.toFixed(2)}× (goal ≥ ${goal.toFixed(2)}×) ${pass ? "PASS" : "BELOW"}` };
}

export interface BenchTable {
  title: string;
  columns: string[];
  rows: string[][];
  /** Lines printed under the table: methodology, caveats. */
  notes: string[];
  /** False when a measured figure misses its goal. */
  ok: boolean;
}

/** Renders a table with right-aligned columns except the first. */
export function formatTable({ title, columns, rows, notes }: BenchTable): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [title, "", line(columns), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  if (notes.length > 0) out.push("", ...notes);
  return out.join("\n");
}

export function printTable(table: BenchTable): void {
  console.log(`${formatTable(table)}\n`);
}

/**
 * The table as Markdown, for docs/performance.md: a heading, the table, and its notes as paragraphs (the notes are
 * wrapped for a terminal; Markdown joins a paragraph's lines again, and an empty note separates paragraphs).
 */
export function markdownTable({ title, columns, rows, notes }: BenchTable): string {
  const cells = (row: readonly string[]): string => `| ${row.map((c) => c.trim().replaceAll("|", "\\|")).join(" | ")} |`;
  const align = `|${columns.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`;
  const out = [`### ${title}`, "", cells(columns), align, ...rows.map(cells)];
  if (notes.length > 0) out.push("", ...notes.map((n) => n.trim()));
  return out.join("\n");
}
