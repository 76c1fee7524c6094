/**
 * `npm run types` (and `npm run types:check`, which only compares): worker-configuration.d.ts from the Worker's
 * configuration as `npm run dev` runs it (the poll queue on; see `writeLocalConfig`), with no `.dev.vars` read.
 * A script rather than a wrangler command line, so it needs no `/dev/null` and works the same on Windows.
 * @module
 */
import { spawnSync } from "node:child_process";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { writeLocalConfig } from "./wrangler-config";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const config = relative(ROOT, writeLocalConfig()).replaceAll("\\", "/");
const args = ["wrangler", "types", "--config", config, "--strict-vars=false", ...process.argv.slice(2)];
const result = spawnSync("npx", args, { cwd: ROOT, stdio: "inherit", shell: process.platform === "win32" });
process.exit(result.status ?? 1);
