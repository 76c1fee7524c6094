/**
 * The alerts' trail (issue 28): every tick reads the merchant's outbox, and the outbox keeps what each complaint's
 * alerts did until the complaint has been out of the present 90 days. A busy shop's trail: 1,000 complaints × 3 alerts
 * (new, due, resolved) on one channel, kept as one short text a complaint, against the same alerts kept as outbox
 * entries (what the outbox holds for their first 7 days): bytes, and the time to read and check the value (JSON.parse
 * and the outbox's shape), the best of 30 in Node. A ratio below 1 is the trail costing less than the entries it keeps.
 *
 * Run alone: `npx tsx bench/trail.ts` (prints the table, writes nothing); `npm run bench` runs it as a section.
 * @module
 */
import { pathToFileURL } from "node:url";
import { emptyOutbox, encodeTrail, OUTBOX, type Outbox, type OutboxEntry, type TrailEntry } from "../src/domain/outbox";
import { type BenchTable, printTable } from "./stats";

const COMPLAINTS = 1_000;
const RUNS = 30;
const T0 = Date.parse("2026-09-01T00:00:00Z");
const EVENTS = [
  ["complaint.new", 0],
  ["complaint.due", 12],
  ["complaint.resolved", 72],
] as const;

const idOf = (i: number) => `42000012342026090${String(i).padStart(6, "0")}`;
const atOf = (i: number, hours: number) => new Date(T0 + i * 8_640_000 + hours * 3_600_000 + 1234).toISOString();

function withTrail(): Outbox {
  const outbox = emptyOutbox();
  for (let i = 0; i < COMPLAINTS; i++) {
    const alerts = EVENTS.map(([event, hours]): TrailEntry => [atOf(i, hours), event, "wecom0", "delivered"]);
    outbox.trail.alerts[idOf(i)] = encodeTrail(alerts);
    outbox.trail.away[idOf(i)] = atOf(i, 80);
  }
  return outbox;
}

function withEntries(): Outbox {
  const outbox = emptyOutbox();
  for (let i = 0; i < COMPLAINTS; i++) {
    for (const [event, hours] of EVENTS) {
      const entry: OutboxEntry = {
        id: `wecom0|${event}:${idOf(i)}`,
        channel: "wecom0",
        event,
        complaint_ids: [idOf(i)],
        notification: null,
        state: "delivered",
        attempts: 1,
        created_at: atOf(i, hours),
        next_attempt_at: null,
        done_at: atOf(i, hours),
        last_error: null,
      };
      outbox.entries.push(entry);
    }
  }
  return outbox;
}

function measure(outbox: Outbox): { bytes: number; ms: number } {
  const text = JSON.stringify({ format: 3, rev: "r", ...OUTBOX.write(outbox) });
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    if (OUTBOX.read(JSON.parse(text)) === null) throw new Error("the outbox did not read back");
    best = Math.min(best, performance.now() - start);
  }
  return { bytes: text.length, ms: best };
}

export function trailTable(): BenchTable {
  const trail = measure(withTrail());
  const entries = measure(withEntries());
  return {
    title: `Alerts' trail: ${COMPLAINTS.toLocaleString("en")} complaints × ${EVENTS.length} alerts, kept as trail ÷ kept as outbox entries`,
    columns: ["measure", "trail", "entries", "trail ÷ entries"],
    rows: [
      [
        "bytes of the outbox",
        trail.bytes.toLocaleString("en"),
        entries.bytes.toLocaleString("en"),
        (trail.bytes / entries.bytes).toFixed(2),
      ],
      ["read and check, ms (best of 30)", trail.ms.toFixed(2), entries.ms.toFixed(2), (trail.ms / entries.ms).toFixed(2)],
    ],
    notes: ["Node, JSON.parse and the outbox's shape check of the whole value, as every tick reads it."],
    // No goal to miss: the figures say what a busy shop's outbox costs.
    ok: true,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) printTable(trailTable());
