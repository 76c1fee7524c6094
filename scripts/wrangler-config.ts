/**
 * Copies of wrangler.toml for local runs that differ from what a deployment gets: with the poll queue, which
 * wrangler.toml ships commented out (a deployment opts in once the queue exists), or without the dashboard's static
 * assets. Paths in the copy are made absolute, so it works from any directory (`wrangler dev --config PATH`).
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/** The queue's lines as wrangler.toml comments them out: `#[[queues.…]]` and `#key = value` (explanations have `# `). */
const QUEUE_LINE = /^#(\[\[queues\.(?:producers|consumers)\]\]|[a-z_]+ = .*)$/gm;

/** A `[name]` table of wrangler.toml with its lines, up to the next table or comment block. */
function tablePattern(names: readonly string[]): RegExp {
  return new RegExp(`^\\[(?:${names.join("|")})\\]\\n(?:(?![\\[#])[^\\n]*\\n)*`, "gm");
}

function absolute(path: string): string {
  return JSON.stringify(join(ROOT, path));
}

export interface ConfigOptions {
  /** Uncomment the poll queue's producer and consumer. */
  queue?: boolean;
  /** Leave out `[assets]` and `[build]`. */
  withoutAssets?: boolean;
}

/**
 * Writes the copy into `dir` as `file` and answers its path. wrangler reads `.dev.vars` beside the config it is
 * given, so a copy for `npm run dev` goes in the project directory, under another name.
 */
export function writeWranglerConfig(dir: string, { queue = false, withoutAssets = false }: ConfigOptions, file = "wrangler.toml"): string {
  let toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  if (queue) {
    toml = toml.replace(QUEUE_LINE, "$1");
    if (!/^\[\[queues\.consumers\]\]$/m.test(toml)) throw new Error("wrangler.toml has no poll queue to turn on");
  }
  if (withoutAssets) toml = toml.replace(tablePattern(["assets", "build"]), "");
  toml = toml
    .replace(/^main = "([^"]+)"$/m, (_, main: string) => `main = ${absolute(main)}`)
    .replace(/^directory = "([^"]+)"$/m, (_, directory: string) => `directory = ${absolute(directory)}`)
    .replace(/^command = "node ([^"]+)"$/m, (_, script: string) => `command = ${JSON.stringify(`node ${join(ROOT, script)}`)}`)
    .replace(
      /^watch_dir = \[([^\]]*)\]$/m,
      (_, dirs: string) =>
        `watch_dir = [${dirs
          .split(",")
          .map((d) => absolute(JSON.parse(d.trim()) as string))
          .join(", ")}]`,
    );
  if (!toml.includes(`main = ${absolute("src/index.ts")}`) || (withoutAssets && /^\[(?:assets|build)\]/m.test(toml))) {
    throw new Error(`could not rewrite wrangler.toml:\n${toml}`);
  }
  const path = join(dir, file);
  if (path === join(ROOT, "wrangler.toml")) throw new Error("refusing to overwrite the project's own wrangler.toml");
  writeFileSync(path, toml);
  return path;
}
