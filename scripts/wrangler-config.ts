/**
 * Copies of wrangler.toml that differ from it in one way: for local runs, with the poll queue, which
 * wrangler.toml ships commented out (a deployment opts in once the queue exists), without the dashboard's build
 * command, or without the dashboard's static assets; for `npm run setup -- --domain NAME`, with `workers_dev =
 * true` (wrangler turns workers.dev off when a deploy has routes or custom domains and the file does not say).
 * Paths in the copy are made absolute, so it works from any directory (`wrangler … --config PATH`).
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
  /** Leave out `[build]` only: the caller builds the dashboard itself. */
  withoutBuild?: boolean;
  /** Say `workers_dev = true`, so the workers.dev address stays on beside a custom domain. */
  workersDev?: boolean;
}

/**
 * Writes the copy into `dir` as `wrangler.toml` and answers its path. wrangler reads a `.dev.vars` lying beside
 * the config it is given, so `dir` should hold none unless the caller wants it read.
 */
export function writeWranglerConfig(dir: string, options: ConfigOptions): string {
  const { queue = false, withoutAssets = false, withoutBuild = false, workersDev = false } = options;
  let toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  if (workersDev) {
    if (/^workers_dev\s*=/m.test(toml)) toml = toml.replace(/^workers_dev\s*=.*$/m, "workers_dev = true");
    // A top-level key: before the first table.
    else toml = toml.replace(/^(compatibility_date = .*)$/m, "$1\nworkers_dev = true");
    if (!/^workers_dev = true$/m.test(toml)) throw new Error("wrangler.toml has no compatibility_date to put workers_dev after");
  }
  if (queue) {
    toml = toml.replace(QUEUE_LINE, "$1");
    if (!/^\[\[queues\.consumers\]\]$/m.test(toml)) throw new Error("wrangler.toml has no poll queue to turn on");
  }
  if (withoutAssets) toml = toml.replace(tablePattern(["assets", "build"]), "");
  else if (withoutBuild) toml = toml.replace(tablePattern(["build"]), "");
  toml = toml
    .replace(/^main = "([^"]+)"$/m, (_, main: string) => `main = ${absolute(main)}`)
    .replace(/^directory = "([^"]+)"$/m, (_, directory: string) => `directory = ${absolute(directory)}`)
    .replace(/^command = "node ([^"]+)"$/m, (_, script: string) => `command = ${JSON.stringify(`node ${join(ROOT, script)}`)}`);
  const leftOver = withoutAssets ? /^\[(?:assets|build)\]/m : withoutBuild ? /^\[build\]/m : null;
  if (!toml.includes(`main = ${absolute("src/index.ts")}`) || leftOver?.test(toml)) {
    throw new Error(`could not rewrite wrangler.toml:\n${toml}`);
  }
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "wrangler.toml");
  if (path === join(ROOT, "wrangler.toml")) throw new Error("refusing to overwrite the project's own wrangler.toml");
  writeFileSync(path, toml);
  return path;
}

/**
 * The copy `npm run dev` runs and `npm run types` describes, so the types wrangler dev checks at start-up are the
 * ones committed: the poll queue on, and no `[build]` (dev.ts builds the dashboard once itself; wrangler's build
 * watcher would build it again on start). It lives where no `.dev.vars` lies beside it, so a developer's own
 * secrets never enter the types; `npm run dev` hands wrangler that file with `--env-file`.
 */
export function writeLocalConfig(): string {
  return writeWranglerConfig(join(ROOT, ".wrangler", "local"), { queue: true, withoutBuild: true });
}
