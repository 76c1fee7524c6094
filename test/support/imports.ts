/**
 * The import graph of the Worker's source (src/, tests left out): module → the modules it imports, paths
 * relative to src/ without `.ts`. Run it to print the graph: `npx tsx test/support/imports.ts`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

export type Graph = Record<string, string[]>;

export const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src");
const IMPORT = /^(?:import|export)\s[^;]*?\sfrom\s+"(\.[^"]+)"/gm;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** A folder imported by its name means its `index.ts`. */
function resolve(module: string): string {
  return !existsSync(join(SRC, `${module}.ts`)) && existsSync(join(SRC, module, "index.ts")) ? `${module}/index` : module;
}

export function importGraph(): Graph {
  const graph: Graph = {};
  for (const file of sources(SRC).sort()) {
    const module = relative(SRC, file).replace(/\.ts$/, "");
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(IMPORT)].map((m) =>
      resolve(relative(SRC, normalize(join(dirname(file), m[1] as string))).replace(/\.ts$/, "")),
    );
    graph[module] = [...new Set(targets)].sort();
  }
  return graph;
}

/** A cycle as the path that closes it (`[a, b, a]`), or null. */
export function findCycle(graph: Graph): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === "done") return null;
    if (state.get(node) === "open") return [...path.slice(path.indexOf(node)), node];
    state.set(node, "open");
    path.push(node);
    for (const next of graph[node] ?? []) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    path.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of Object.keys(graph)) {
    const cycle = visit(node);
    if (cycle !== null) return cycle;
  }
  return null;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  for (const [module, imports] of Object.entries(importGraph())) console.log(`${module}: ${imports.join(" ")}`);
}
