/**
 * The import graph of src/ runs one way: each module imports only from its own folder and the layers below, and the
 * reader neither calls PAYJS nor knows the alerts.
 * An import that runs upward or sideways, or a cycle, fails the build here. `npx tsx test/support/imports.ts`
 * prints the graph.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EVENT_NAMES } from "../src/notify/events";
import { findCycle, type Graph, importGraph, SRC } from "./support/imports";

/**
 * Bottom to top. A module's layer is the first whose patterns match its path (relative to src/, without `.ts`).
 * Modules of one layer may import each other only within their own top folder (`payjs/` does not import `notify/`).
 */
const LAYERS: { name: string; modules: RegExp }[] = [
  { name: "base", modules: /^(md5|sha256|bytes|json|constant-time|log|env|config-error|outbound)$/ },
  { name: "domain", modules: /^domain\// },
  { name: "upstream, storage, alerts", modules: /^(payjs\/|store$|notify\/)/ },
  { name: "present and history", modules: /^history\// },
  { name: "settings", modules: /^config$/ },
  { name: "actions", modules: /^actions\// },
  { name: "access", modules: /^access\// },
  { name: "poller, reader", modules: /^(poller|reader)\// },
  { name: "http", modules: /^http\// },
  { name: "entry", modules: /^index$/ },
];

function layerOf(module: string): number {
  const i = LAYERS.findIndex((l) => l.modules.test(module));
  if (i === -1) throw new Error(`src/${module}.ts belongs to no layer: add it to LAYERS`);
  return i;
}

const folder = (module: string): string => (module.includes("/") ? (module.split("/")[0] as string) : module);

/** Why `from` may not import `to`, or null when it may. */
function violation(from: string, to: string): string | null {
  const a = layerOf(from);
  const b = layerOf(to);
  if (b > a) return `imports upward (${LAYERS[a]?.name} → ${LAYERS[b]?.name})`;
  if (b === a && a >= 2 && folder(from) !== folder(to)) return `imports sideways (${LAYERS[a]?.name})`;
  // The reader only reads what the poller and the actions stored: it never calls PAYJS nor knows the alerts.
  if (folder(from) === "reader" && (folder(to) === "payjs" || folder(to) === "notify"))
    return "the reader imports nothing of payjs/ or notify/";
  return null;
}

describe("the architecture", () => {
  const graph: Graph = importGraph();

  it("Should put every module of src/ in a layer", () => {
    expect(() => Object.keys(graph).forEach(layerOf)).not.toThrow();
  });

  it("Should have no import that runs upward or sideways", () => {
    const bad = Object.entries(graph).flatMap(([from, tos]) =>
      tos.flatMap((to) => {
        const why = violation(from, to);
        return why === null ? [] : [`${from} → ${to}: ${why}`];
      }),
    );
    expect(bad).toEqual([]);
  });

  it("Should write each alert event's name in at most two files of src/, its own event file among them", () => {
    const texts = Object.keys(graph).map((module) => ({ module, text: readFileSync(join(SRC, `${module}.ts`), "utf8") }));
    for (const name of EVENT_NAMES) {
      const files = texts.filter((f) => f.text.includes(name)).map((f) => f.module);
      expect(files.length, `${name} is written in ${files.join(", ")}`).toBeLessThanOrEqual(2);
      expect(files.some((f) => f.startsWith("notify/events/"))).toBe(true);
    }
  });

  it("Should have no cycle", () => {
    expect(findCycle(graph)).toBeNull();
  });

  it("Should catch an upward import and a cycle when there is one", () => {
    expect(violation("domain/complaint", "payjs/client")).not.toBeNull();
    expect(violation("md5", "domain/complaint")).not.toBeNull();
    expect(violation("reader/snapshot", "notify/outbox")).not.toBeNull();
    expect(violation("actions/refund", "reader/cache")).not.toBeNull();
    expect(violation("poller/follow-ups", "actions/marks")).toBeNull();
    expect(violation("payjs/client", "notify/outbox")).not.toBeNull();
    expect(violation("reader/snapshot", "poller/poll")).not.toBeNull();
    expect(violation("poller/poll", "store")).toBeNull();
    expect(findCycle({ a: ["b"], b: ["c"], c: ["a"] })).toEqual(["a", "b", "c", "a"]);
  });
});
