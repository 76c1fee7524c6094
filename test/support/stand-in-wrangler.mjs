#!/usr/bin/env node
/**
 * A stand-in for `wrangler`, for `npm run setup`'s tests (run as `WRANGLER="node test/support/stand-in-wrangler.mjs"`).
 * Each call appends to the JSON array in $STAND_IN_RECORD: its argv, cwd, environment names, and the secrets
 * file's path, mode and text as it found them. Then it prints what wrangler 4 prints after a deploy and exits
 * with $STAND_IN_EXIT (default 0).
 * - $STAND_IN_TARGETS: `workers_dev` (default), `custom_domain` (both, the custom domain second) or `none`.
 * - $STAND_IN_ECHO_SECRETS=1: also prints the secrets file's text, as a careless tool might.
 * - $STAND_IN_SLEEP_MS: waits that long after recording (to be stopped by a signal meanwhile).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const argv = process.argv.slice(2);
const at = argv.indexOf("--secrets-file");
const secretsPath = at === -1 ? null : (argv[at + 1] ?? null);
let secrets = null;
if (secretsPath !== null && existsSync(secretsPath)) {
  secrets = {
    mode: statSync(secretsPath).mode & 0o777,
    dirMode: statSync(dirname(secretsPath)).mode & 0o777,
    text: readFileSync(secretsPath, "utf8"),
  };
}
const recordPath = process.env.STAND_IN_RECORD;
if (recordPath) {
  const calls = existsSync(recordPath) ? JSON.parse(readFileSync(recordPath, "utf8")) : [];
  calls.push({ argv, cwd: process.cwd(), envKeys: Object.keys(process.env), secretsPath, secrets });
  writeFileSync(recordPath, JSON.stringify(calls, null, 2));
}

const sleep = Number(process.env.STAND_IN_SLEEP_MS ?? "0");
if (sleep > 0) await new Promise((resolve) => setTimeout(resolve, sleep));

const code = Number(process.env.STAND_IN_EXIT ?? "0");
if (code !== 0) {
  console.error("✘ [ERROR] A request to the Cloudflare API (/memberships) failed.");
  console.error("  Not logged in. Run `wrangler login` or set CLOUDFLARE_API_TOKEN.");
  process.exit(code);
}
if (process.env.STAND_IN_ECHO_SECRETS === "1" && secrets !== null) console.log(secrets.text);

const targets = {
  workers_dev: ["https://payjs-complaint-watch.example.workers.dev"],
  custom_domain: ["https://payjs-complaint-watch.example.workers.dev", "watch.example.com (custom domain)"],
  none: [],
}[process.env.STAND_IN_TARGETS ?? "workers_dev"];
console.log(" ⛅️ wrangler 4.86.0");
console.log("───────────────────");
console.log("Total Upload: 98.12 KiB / gzip: 24.01 KiB");
console.log("Your Worker has access to the following bindings:");
console.log("Binding                               Resource");
console.log("env.COMPLAINTS (inherited)            KV Namespace");
console.log("");
console.log("Uploaded payjs-complaint-watch (3.21 sec)");
console.log("Deployed payjs-complaint-watch triggers (1.23 sec)");
for (const target of [...targets, "schedule: */30 * * * *"]) console.log(" ", target);
console.log("Current Version ID: 00000000-0000-4000-8000-000000000000");
