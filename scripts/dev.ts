/**
 * `npm run dev`: the Worker under `wrangler dev --test-scheduled` on port 8787, so `GET /__scheduled` fires
 * the cron. With no PAYJS credentials in `.dev.vars` (or no `.dev.vars` at all), it first starts the bundled
 * PAYJS sandbox (sandbox/server.ts) on 127.0.0.1:8788 (or a free port) and points the Worker at it, with the
 * sandbox's public dev merchant and dev tokens, so complaints flow end to end with nothing to set up.
 * With real credentials it runs plain `wrangler dev` with `.dev.vars` as its env file.
 *
 * It builds the dashboard once before wrangler starts and again whenever dashboard/ or src/domain/ (which the
 * dashboard imports) change; wrangler reloads the static assets itself, and rebuilds the Worker on its own.
 *
 * Usage: `npm run dev [-- [--sandbox-port N] [wrangler args…]]`, or `tsx scripts/dev.ts [--sandbox-port N] [-- wrangler args…]`.
 * Arguments this script does not know (and everything after a `--`) go to wrangler, e.g. `--persist-to DIR`,
 * `--port 9000`, `--ip 127.0.0.1`. Ctrl-C (SIGINT) or SIGTERM stops wrangler (by its PID) and the sandbox.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, type FSWatcher, readdirSync, readFileSync, watch } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import { type SandboxServer, startSandboxServer } from "../sandbox/server";
import { buildDashboard, formatSize } from "./build-dashboard.mjs";
import { DEV_ADMIN_TOKEN, DEV_READ_TOKEN, parseDevVars } from "./dev-vars";
import { processAlive } from "./processes";
import { writeLocalConfig } from "./wrangler-config";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const WRANGLER = join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "wrangler.cmd" : "wrangler");
const DEFAULT_PORT = 8787;
const DEFAULT_SANDBOX_PORT = 8788;

interface Args {
  sandboxPort: number;
  wranglerArgs: string[];
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { sandboxPort: DEFAULT_SANDBOX_PORT, wranglerArgs: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      args.wranglerArgs.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "--help" || arg === "-h") args.help = true;
    else if (arg === "--sandbox-port" || arg.startsWith("--sandbox-port=")) {
      const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error("--sandbox-port must be a port number (0 for any free port)");
      args.sandboxPort = port;
    } else args.wranglerArgs.push(arg);
  }
  return args;
}

/** The value of `--name V` or `--name=V` among wrangler's arguments. */
function flagValue(args: string[], name: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === name) found = args[i + 1];
    else if (arg.startsWith(`${name}=`)) found = arg.slice(name.length + 1);
  }
  return found;
}

async function startSandbox(port: number): Promise<SandboxServer> {
  try {
    return await startSandboxServer({ port, host: "127.0.0.1" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || port === 0) throw error;
    console.log(`[dev] port ${port} is taken; starting the PAYJS sandbox on a free port instead`);
    return startSandboxServer({ port: 0, host: "127.0.0.1" });
  }
}

/** The PIDs of every descendant of `pid` (Linux /proc; empty elsewhere), to clean up after wrangler by PID. */
function descendants(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

function banner(lines: string[]): void {
  const rule = "─".repeat(72);
  console.log(`\n${rule}\n${lines.map((l) => `  ${l}`).join("\n")}\n${rule}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log("Usage: npm run dev [-- [--sandbox-port N] [wrangler dev args…]]");
    return;
  }

  const devVarsPath = join(ROOT, ".dev.vars");
  const devVars = existsSync(devVarsPath) ? parseDevVars(readFileSync(devVarsPath, "utf8")) : {};
  const has = (name: string): boolean => (devVars[name] ?? "").trim() !== "";
  const realCredentials = (has("PAYJS_MCHID") && has("PAYJS_KEY")) || has("PAYJS_MERCHANTS");

  const passthrough = args.wranglerArgs;
  const wranglerArgs = ["dev", "--test-scheduled"];
  if (flagValue(passthrough, "--port") === undefined) wranglerArgs.push("--port", String(DEFAULT_PORT));
  const port = Number(flagValue(passthrough, "--port") ?? DEFAULT_PORT);
  const ip = flagValue(passthrough, "--ip");
  const urlHost = ip === undefined || ip === "0.0.0.0" || ip === "::" || ip === "*" ? "localhost" : ip.includes(":") ? `[${ip}]` : ip;
  const url = `http://${urlHost}:${port}`;

  let sandbox: SandboxServer | null = null;
  let readToken: string | null = null;
  let adminToken: string | null = null;
  if (!realCredentials) {
    sandbox = await startSandbox(args.sandboxPort);
    wranglerArgs.push(
      "--var",
      `PAYJS_API_BASE:${sandbox.url}/api`,
      "--var",
      `PAYJS_MCHID:${SANDBOX_MERCHANT.mchid}`,
      "--var",
      `PAYJS_KEY:${SANDBOX_MERCHANT.key}`,
      // The sandbox's orders are made up: refunds can be tried end to end without moving money.
      "--var",
      "ALLOW_REFUNDS:true",
    );
    if (has("API_TOKENS")) readToken = (devVars.API_TOKENS as string).split(",")[0]!.trim();
    else {
      wranglerArgs.push("--var", `API_TOKENS:${DEV_READ_TOKEN}`);
      readToken = DEV_READ_TOKEN;
    }
    if (has("ADMIN_TOKEN")) adminToken = (devVars.ADMIN_TOKEN as string).trim();
    else {
      wranglerArgs.push("--var", `ADMIN_TOKEN:${DEV_ADMIN_TOKEN}`);
      adminToken = DEV_ADMIN_TOKEN;
    }
    if (has("PAYJS_API_BASE")) {
      console.log("[dev] note: .dev.vars sets PAYJS_API_BASE, which overrides the sandbox address; remove it to use the sandbox");
    }
  }
  // The poll queue, which wrangler.toml ships commented out (a deployment opts in), runs here: `wrangler dev` simulates it.
  if (flagValue(passthrough, "--config") === undefined && flagValue(passthrough, "-c") === undefined) {
    wranglerArgs.push("--config", writeLocalConfig());
    // The copy lies in .wrangler/local/; the local KV and the developer's settings stay where they always were.
    if (flagValue(passthrough, "--persist-to") === undefined) wranglerArgs.push("--persist-to", join(ROOT, ".wrangler", "state"));
    if (existsSync(devVarsPath) && flagValue(passthrough, "--env-file") === undefined) wranglerArgs.push("--env-file", devVarsPath);
  }
  wranglerArgs.push(...passthrough);
  await buildAndReport();
  const dashboardWatchers = watchDashboardSources();

  let stopping = false;
  let child: ChildProcess | null = null;
  let exitCode = 0;

  const closeSandbox = async (): Promise<void> => {
    for (const watcher of dashboardWatchers) watcher.close();
    const s = sandbox;
    sandbox = null;
    if (s !== null) await s.close();
  };

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      // A second Ctrl-C: no more waiting.
      if (child?.pid !== undefined) {
        for (const pid of [child.pid, ...descendants(child.pid)]) signalPid(pid, "SIGKILL");
      }
      process.exit(1);
    }
    stopping = true;
    const pid = child?.pid;
    if (pid !== undefined && child?.exitCode === null && child.signalCode === null) {
      const family = descendants(pid);
      signalPid(pid, signal);
      if (!(await waitUntil(() => !processAlive(pid), 10_000))) signalPid(pid, "SIGKILL");
      await waitUntil(() => !processAlive(pid), 2000);
      // wrangler normally ends workerd itself; whatever it started and left behind goes by PID.
      const left = family.filter(processAlive);
      for (const p of left) signalPid(p, "SIGTERM");
      if (!(await waitUntil(() => !left.some(processAlive), 3000))) for (const p of left) signalPid(p, "SIGKILL");
    }
    await closeSandbox();
    process.exit(exitCode);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGHUP", () => void stop("SIGTERM"));

  if (sandbox !== null) {
    console.log(`[dev] no PAYJS credentials in .dev.vars: using the local PAYJS sandbox at ${sandbox.url}/api`);
  }
  child = spawn(WRANGLER, wranglerArgs, {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  console.log(`[dev] wrangler dev started (PID ${child.pid})`);
  child.once("error", (error) => {
    console.error(`[dev] could not start wrangler: ${error.message}`);
    exitCode = 1;
    void stop("SIGTERM");
  });
  child.once("exit", (code, signal) => {
    if (stopping) return;
    // wrangler ended on its own (its `x` hotkey, a crash): stop the sandbox too and pass its status on.
    stopping = true;
    void closeSandbox().then(() => process.exit(code ?? (signal === null ? 0 : 1)));
  });

  // Print the banner once the Worker answers, so it is not lost above wrangler's start-up output.
  const ready = await waitUntilReady(`http://${urlHost === "localhost" ? "127.0.0.1" : urlHost}:${port}`, url, () => stopping);
  if (stopping) return;
  const lines = [`payjs-complaint-watch is running on ${url}`, ""];
  if (!ready.ok) lines.push(`(the Worker answers /healthz with HTTP ${ready.status}: ${ready.body.slice(0, 200)})`, "");
  if (sandbox !== null) {
    lines.push(
      `PAYJS: the local sandbox at ${sandbox.url}/api (dev merchant ${SANDBOX_MERCHANT.mchid}, fixture complaints)`,
      `read token:  ${readToken}`,
      `admin token: ${adminToken}`,
      "",
      "Fire the cron (polls the sandbox):",
      `  curl "${url}/__scheduled?cron=*/30+*+*+*+*"`,
      "Read the complaints:",
      `  curl -H "Authorization: Bearer ${readToken}" ${url}/api/complaints`,
      "Poll now (admin; 429 until the interval has passed):",
      `  curl -X POST -H "Authorization: Bearer ${adminToken}" ${url}/api/poll`,
      "Make the sandbox misbehave (modes: timeout, http_500_html, bad_sign, …; reset with POST /__sandbox/reset):",
      `  curl -X POST -d '{"mode":"http_500_html"}' ${sandbox.url}/__sandbox/mode`,
      "Sign its answers another way (sign_raw_key, mismatch, unsigned), then ask the doctor what the Worker would do:",
      `  curl -X POST -d '{"mode":"mismatch"}' ${sandbox.url}/__sandbox/mode`,
      `  ${envPrefix({ PAYJS_API_BASE: `${sandbox.url}/api`, PAYJS_MCHID: SANDBOX_MERCHANT.mchid, PAYJS_KEY: SANDBOX_MERCHANT.key })}npm run doctor`,
    );
  } else {
    lines.push(
      "PAYJS: the real API, with the credentials in .dev.vars",
      has("API_TOKENS") || has("ADMIN_TOKEN")
        ? "tokens: the ones in .dev.vars (API_TOKENS to read, ADMIN_TOKEN to poll)"
        : "tokens: none set; add API_TOKENS and ADMIN_TOKEN to .dev.vars to use /api",
      "",
      "Fire the cron (calls PAYJS when due; PAYJS asks for one call per 4 hours):",
      `  curl "${url}/__scheduled?cron=*/30+*+*+*+*"`,
      "Read the complaints:",
      `  curl -H "Authorization: Bearer <API_TOKENS token>" ${url}/api/complaints`,
    );
  }
  lines.push("", "Ctrl-C stops everything.");
  banner(lines);
}

async function buildAndReport(): Promise<void> {
  try {
    const { files, changed } = await buildDashboard();
    const sizes = files.map((f) => `${f.path} ${formatSize(f.bytes)}`).join(", ");
    console.log(`[dev] dashboard built (${changed} files changed): ${sizes}`);
  } catch (error) {
    // A syntax error while editing: say so and keep serving the last build.
    console.error(`[dev] dashboard build failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Rebuilds the dashboard after its sources change, once per burst of changes (an editor saves in several steps). */
function watchDashboardSources(): FSWatcher[] {
  let timer: NodeJS.Timeout | undefined;
  let building = Promise.resolve();
  const rebuild = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      building = building.then(buildAndReport);
    }, 200);
  };
  return [join(ROOT, "dashboard"), join(ROOT, "src", "domain")].map((dir) => watch(dir, { recursive: true }, rebuild));
}

/** Settings for one command, as the developer's shell writes them (PowerShell on Windows). */
function envPrefix(vars: Record<string, string>): string {
  const pairs = Object.entries(vars);
  if (process.platform === "win32") return pairs.map(([name, value]) => `$env:${name}="${value}"; `).join("");
  return pairs.map(([name, value]) => `${name}=${value} `).join("");
}

/** Waits for `/healthz` to answer at all; gives up quietly when wrangler stops first. */
async function waitUntilReady(
  probeBase: string,
  shownBase: string,
  stopped: () => boolean,
): Promise<{ ok: boolean; status: number; body: string }> {
  for (;;) {
    if (stopped()) return { ok: false, status: 0, body: "" };
    for (const base of probeBase === shownBase ? [probeBase] : [probeBase, shownBase]) {
      try {
        const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
        const body = await response.text();
        return { ok: response.ok, status: response.status, body };
      } catch {
        // not up yet
      }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
