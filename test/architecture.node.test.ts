/**
 * The import graph of src/ runs one way: each module imports only from its own folder and the layers below.
 * An import that runs upward or sideways, or a cycle, fails the build here. `npx tsx test/support/imports.ts`
 * prints the graph.
 */
import { describe, expect, it } from "vitest";
import { findCycle, type Graph, importGraph } from "./support/imports";

/**
 * Bottom to top. A module's layer is the first whose patterns match its path (relative to src/, without `.ts`).
 * Modules of one layer may import each other only within their own top folder (`payjs/` does not import `notify/`).
 */
const LAYERS: { name: string; modules: RegExp }[] = [
  { name: "domain", modules: /^domain\// },
  { name: "base", modules: /^(md5|json|constant-time|log|env|config-error|outbound)$/ },
  { name: "upstream, storage, alerts", modules: /^(payjs\/|store$|notify\/)/ },
  { name: "settings", modules: /^config$/ },
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
  // The domain imports nothing of ours but itself.
  if (a === 0 && b !== 0) return "the domain imports nothing outside it";
  if (b === a && a >= 2 && folder(from) !== folder(to)) return `imports sideways (${LAYERS[a]?.name})`;
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

  it("Should have no cycle", () => {
    expect(findCycle(graph)).toBeNull();
  });

  it("Should catch an upward import and a cycle when there is one", () => {
    expect(violation("domain/complaint", "payjs/client")).not.toBeNull();
    expect(violation("payjs/client", "notify/outbox")).not.toBeNull();
    expect(violation("reader/snapshot", "poller/poll")).not.toBeNull();
    expect(violation("poller/poll", "store")).toBeNull();
    expect(findCycle({ a: ["b"], b: ["c"], c: ["a"] })).toEqual(["a", "b", "c", "a"]);
  });
});
