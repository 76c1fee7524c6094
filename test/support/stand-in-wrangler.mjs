#!/usr/bin/env node
/**
 * A stand-in for `wrangler`, for `npm run setup`'s tests (run as `WRANGLER="node test/support/stand-in-wrangler.mjs"`).
 * Each call appends to the JSON array in $STAND_IN_RECORD: its argv, cwd, environment names, the secrets file's
 * path, mode and text as it found them, the config it read, and what came on its standard input.
 *
 * It keeps the deployed Worker in $STAND_IN_WORKER (JSON `{"secrets","vars","domains","workers_dev"}`) across calls,
 * with wrangler's rules: a deploy replaces the vars with its `--var`s, adds the secrets of `--secrets-file` to those
 * the Worker has (secrets are never deleted by a deploy), and fails when a var and a secret share a name;
 * `--domains NAME` adds a custom domain; workers.dev stays on only when the deploy has no custom domain or its config
 * says `workers_dev = true` (wrangler's default); `secret put NAME` reads the value from standard input.
 *
 * - $STAND_IN_EXIT: a deploy's exit status (default 0), with wrangler's "not logged in" lines when not 0.
 * - $STAND_IN_SECRET_EXIT: `secret put`'s exit status (default 0).
 * - $STAND_IN_TARGETS: `workers_dev` (default), `custom_domain` (also watch.example.com, as from wrangler.toml's
 *   routes) or `none` (no address printed).
 * - $STAND_IN_ECHO_SECRETS=1: also prints the secrets file's text, as a careless tool might.
 * - $STAND_IN_SLEEP_MS: waits that long after recording (to be stopped by a signal meanwhile).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

const WORKERS_DEV = "https://payjs-complaint-watch.example.workers.dev";
const argv = process.argv.slice(2);

/** Every value of `--name V` / `--name=V`. */
function values(name) {
  const found = [];
  argv.forEach((arg, i) => {
    if (arg === name && argv[i + 1] !== undefined) found.push(argv[i + 1]);
    else if (arg.startsWith(`${name}=`)) found.push(arg.slice(name.length + 1));
  });
  return found;
}

function readSecretsFile() {
  const path = values("--secrets-file")[0] ?? null;
  if (path === null || !existsSync(path)) return { path, found: null };
  const found = { mode: statSync(path).mode & 0o777, dirMode: statSync(dirname(path)).mode & 0o777, text: readFileSync(path, "utf8") };
  return { path, found };
}

function readConfig() {
  const path = resolve(values("--config")[0] ?? join(process.cwd(), "wrangler.toml"));
  return { path, text: existsSync(path) ? readFileSync(path, "utf8") : null };
}

async function readStdin() {
  if (argv[0] !== "secret") return null;
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

const workerPath = process.env.STAND_IN_WORKER;
const worker =
  workerPath && existsSync(workerPath)
    ? JSON.parse(readFileSync(workerPath, "utf8"))
    : { secrets: {}, vars: {}, domains: [], workers_dev: true };
const secretsFile = readSecretsFile();
const config = readConfig();
const stdin = await readStdin();

const recordPath = process.env.STAND_IN_RECORD;
if (recordPath) {
  const calls = existsSync(recordPath) ? JSON.parse(readFileSync(recordPath, "utf8")) : [];
  const envKeys = Object.keys(process.env);
  calls.push({ argv, cwd: process.cwd(), envKeys, secretsPath: secretsFile.path, secrets: secretsFile.found, config, stdin });
  writeFileSync(recordPath, JSON.stringify(calls, null, 2));
}

const sleep = Number(process.env.STAND_IN_SLEEP_MS ?? "0");
if (sleep > 0) await new Promise((done) => setTimeout(done, sleep));

function fail(lines, code = 1) {
  for (const line of lines) console.error(line);
  process.exit(code);
}

function save() {
  if (workerPath) writeFileSync(workerPath, JSON.stringify(worker, null, 2));
}

function secretPut() {
  const name = argv[2];
  const code = Number(process.env.STAND_IN_SECRET_EXIT ?? "0");
  if (code !== 0) fail(["✘ [ERROR] A request to the Cloudflare API failed.", "  Authentication error [code: 10000]"], code);
  console.log(`🌀 Creating the secret for the Worker "payjs-complaint-watch" `);
  worker.secrets[name] = stdin ?? "";
  save();
  console.log(`✨ Success! Uploaded secret ${name}`);
}

/** The checks a real deploy makes that setup could get wrong: its config's entry point, and var/secret names. */
function checkDeploy(secrets, vars) {
  const main = config.text === null ? null : /^main\s*=\s*"([^"]+)"/m.exec(config.text)?.[1];
  if (main === undefined || main === null || !existsSync(resolve(dirname(config.path), main))) {
    fail([`✘ [ERROR] The entry-point file at "${main}" was not found (config ${config.path}).`]);
  }
  const clash = Object.keys(vars).find((name) => name in secrets || name in worker.secrets);
  if (clash !== undefined)
    fail([`✘ [ERROR] Binding name '${clash}' already in use. Please use a different name and try again. [code: 10053]`]);
}

function deploy() {
  const code = Number(process.env.STAND_IN_EXIT ?? "0");
  if (code !== 0) {
    fail(
      [
        "✘ [ERROR] A request to the Cloudflare API (/memberships) failed.",
        "  Not logged in. Run `wrangler login` or set CLOUDFLARE_API_TOKEN.",
      ],
      code,
    );
  }
  const secrets = secretsFile.found === null ? {} : JSON.parse(secretsFile.found.text);
  const vars = Object.fromEntries(values("--var").map((v) => [v.slice(0, v.indexOf(":")), v.slice(v.indexOf(":") + 1)]));
  checkDeploy(secrets, vars);
  const domains = values("--domains");
  Object.assign(worker.secrets, secrets);
  worker.vars = vars;
  worker.domains = [...new Set([...worker.domains, ...domains])];
  worker.workers_dev = domains.length === 0 || /^workers_dev\s*=\s*true\s*$/m.test(config.text ?? "");
  save();
  if (process.env.STAND_IN_ECHO_SECRETS === "1" && secretsFile.found !== null) console.log(secretsFile.found.text);
  printDeployed(domains);
}

function printDeployed(domains) {
  const mode = process.env.STAND_IN_TARGETS ?? "workers_dev";
  const targets = mode === "none" ? [] : [...(worker.workers_dev ? [WORKERS_DEV] : []), ...domains.map((d) => `${d} (custom domain)`)];
  if (mode === "custom_domain") targets.push("watch.example.com (custom domain)");
  console.log(" ⛅️ wrangler 4.86.0");
  console.log("───────────────────");
  console.log("Total Upload: 98.12 KiB / gzip: 24.01 KiB");
  console.log("Your Worker has access to the following bindings:");
  console.log("Binding                               Resource");
  console.log("env.COMPLAINTS (inherited)            KV Namespace");
  console.log("");
  console.log("Uploaded payjs-complaint-watch (3.21 sec)");
  console.log("Deployed payjs-complaint-watch triggers (1.23 sec)");
  for (const target of [...targets, "schedule: */10 * * * *"]) console.log(" ", target);
  console.log("Current Version ID: 00000000-0000-4000-8000-000000000000");
}

if (argv[0] === "secret" && argv[1] === "put") secretPut();
else if (argv[0] === "deploy") deploy();
else fail([`✘ [ERROR] Unknown arguments: ${argv.join(" ")}`]);
