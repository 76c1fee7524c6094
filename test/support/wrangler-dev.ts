/**
 * `wrangler dev` as a child process, for process-level tests (end to end, browser, load): started on reserved
 * ports (see {@link reservePort}) with the given vars, awaited until `/healthz` answers, stopped by its PID with its
 * whole process group (wrangler, workerd, esbuild), with its stdout/stderr captured so a failing test can show them.
 *
 * The developer's own `.dev.vars` / `.env` never leak in: wrangler is always given `--env-file` (a temp file
 * holding `secrets`, possibly empty), which replaces both.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { processAlive } from "../../scripts/processes";
import { writeWranglerConfig } from "../../scripts/wrangler-config";
import { HOUR } from "./time";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
export const WRANGLER_BIN = join(PROJECT_ROOT, "node_modules/.bin/wrangler");

export interface WranglerDevOptions {
  /** Passed as `--var NAME:value` (wrangler shows these as "(hidden)" in its bindings table). */
  vars?: Record<string, string>;
  /** Written to a temp env file passed with `--env-file` (loaded as secrets). */
  secrets?: Record<string, string>;
  /** `--persist-to`: local KV state; default a fresh temp dir, removed on stop. */
  persistTo?: string;
  /** Default: a port reserved for this run (see {@link reservePort}) and released by `stop()`; a port given here stays the caller's. */
  port?: number;
  /** More wrangler arguments. */
  extraArgs?: string[];
  /** How long to wait for `/healthz` to answer (default 60 s). */
  readyTimeoutMs?: number;
  /**
   * Run with the poll queue that wrangler.toml ships commented out, as `npm run dev` does (default false). Without
   * it a cron's polls are all done when `/__scheduled` answers; with it, every due merchant but the first is polled
   * a moment later, by the queue's consumer. Ignored when `extraArgs` names a `--config`.
   */
  queue?: boolean;
}

export interface WranglerDev {
  /** `http://127.0.0.1:port`. */
  url: string;
  port: number;
  /** The wrangler process's PID (also its process group id). */
  pid: number;
  /** Everything wrangler printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Stops wrangler and everything it started; idempotent. */
  stop(): Promise<void>;
}

/**
 * A copy of wrangler.toml without its `[assets]` and `[build]` tables: the same Worker on the same local state
 * without the dashboard's static assets. Needed to fire a cron at a chosen time: with assets on, wrangler 4.86's
 * miniflare answers `/cdn-cgi/handler/scheduled` with 500 "exception" (cloudflare/workers-sdk#9882, fixed in later
 * releases), while `/__scheduled` has no `time`.
 */
export function configWithoutAssets(dir: string): string {
  return writeWranglerConfig(dir, { withoutAssets: true });
}

/** A port that was free a moment ago (the OS picks it). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Where the ports {@link reservePort} hands out are recorded, one file per port holding the owner's PID: shared by
 * every test process on the machine (parallel test files, another person's run), so none is handed out twice.
 */
const PORT_LOCKS = join(tmpdir(), "payjs-watch-test-ports");
/** Reserved ports are picked here, below Linux's ephemeral range (32768–60999), which the OS's own choices come from. */
const PORT_RANGE = { low: 20_000, high: 30_000 } as const;
/** A lock whose owner is gone and that is older than this is removed (a test process killed before its exit hook). */
const STALE_LOCK_MS = HOUR;
const heldPorts = new Set<number>();

/** Whether {@link PORT_RANGE} is clear of the OS's ephemeral ports (unknown off Linux: assumed so, as on macOS and Windows). */
function rangeOutsideEphemeral(): boolean {
  try {
    const [low = 0, high = 0] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    return high < PORT_RANGE.low || low >= PORT_RANGE.high;
  } catch {
    return true;
  }
}

/** Removes the locks of test processes that are gone, once per process. */
let swept = false;
function sweepStaleLocks(): void {
  if (swept) return;
  swept = true;
  for (const name of readdirSync(PORT_LOCKS)) {
    const path = join(PORT_LOCKS, name);
    try {
      const owner = Number(readFileSync(path, "utf8"));
      if (Date.now() - statSync(path).mtimeMs > STALE_LOCK_MS && !processAlive(owner)) rmSync(path, { force: true });
    } catch {
      // Removed meanwhile by its owner or another sweep.
    }
  }
}

/** Takes the lock of `port`; false when another process (or this one) holds it. */
function lockPort(port: number): boolean {
  mkdirSync(PORT_LOCKS, { recursive: true });
  sweepStaleLocks();
  try {
    writeFileSync(join(PORT_LOCKS, String(port)), String(process.pid), { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  heldPorts.add(port);
  installExitHook();
  return true;
}

/** Gives back a port from {@link reservePort}; idempotent, and a no-op for a port this process does not hold. */
export function releasePort(port: number): void {
  if (!heldPorts.delete(port)) return;
  rmSync(join(PORT_LOCKS, String(port)), { force: true });
}

async function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolveListen) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolveListen(false));
    server.listen(port, host, () => server.close(() => resolveListen(true)));
  });
}

/**
 * A port for a `wrangler dev` that no other test process will be handed until {@link releasePort}: locked in a
 * directory every test process shares, picked outside the OS's ephemeral range when that range is known to leave
 * room (else as {@link freePort} picks), and free when handed out. Unlike a port from {@link freePort}, it stays
 * the caller's while nothing listens on it, e.g. while a Worker is stopped to be started again on the same port.
 */
export async function reservePort(host = "127.0.0.1"): Promise<number> {
  const outside = rangeOutsideEphemeral();
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = outside ? PORT_RANGE.low + randomInt(PORT_RANGE.high - PORT_RANGE.low) : await freePort(host);
    if (!lockPort(port)) continue;
    if (await canListen(port, host)) return port;
    releasePort(port); // another program listens there
  }
  throw new Error(`no port could be reserved (locks in ${PORT_LOCKS})`);
}

/** The environment for a wrangler child: no telemetry, no `request.cf` download. */
export function wranglerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    ...extra,
  };
}

/** One `NAME='value'` line; values dotenv would alter (quotes, `$` expansion, newlines) are refused. */
function dotenvLine(name: string, value: string): string {
  if (/['$\r\n]/.test(value)) throw new Error(`secret ${name}: this helper cannot write ', $ or newlines to an env file`);
  return `${name}='${value}'`;
}

/** Whether any process is still in process group `pgid`. */
export function processGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export { processAlive };

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

async function waitFor(check: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}

/** Sends SIGTERM to a process group, then SIGKILL if anything is left after `graceMs`. */
export async function stopProcessGroup(pgid: number, graceMs = 5000): Promise<void> {
  killGroup(pgid, "SIGTERM");
  if (await waitFor(() => !processGroupAlive(pgid), graceMs)) return;
  killGroup(pgid, "SIGKILL");
  await waitFor(() => !processGroupAlive(pgid), 2000);
}

const running = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A crashed test run must not leave a wrangler (and its workerd) behind, nor its ports reserved.
  process.once("exit", () => {
    for (const pgid of running) killGroup(pgid, "SIGKILL");
    for (const port of [...heldPorts]) releasePort(port);
  });
}

export async function startWranglerDev(options: WranglerDevOptions = {}): Promise<WranglerDev> {
  const ownPorts: number[] = [];
  const reserve = async (): Promise<number> => {
    const reserved = await reservePort();
    ownPorts.push(reserved);
    return reserved;
  };
  const port = options.port ?? (await reserve());
  const inspectorPort = await reserve();
  const scratch = mkdtempSync(join(tmpdir(), "wrangler-dev-"));
  const envFile = join(scratch, "test.env");
  writeFileSync(
    envFile,
    Object.entries(options.secrets ?? {})
      .map(([k, v]) => dotenvLine(k, v))
      .join("\n") + "\n",
  );
  const persistTo = options.persistTo ?? join(scratch, "state");

  const args = [
    "dev",
    "--test-scheduled",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    persistTo,
    "--env-file",
    envFile,
    "--show-interactive-dev-session=false",
    "--log-level",
    "log",
  ];
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("--var", `${name}:${value}`);
  const extra = options.extraArgs ?? [];
  if (options.queue === true && !extra.includes("--config")) args.push("--config", writeWranglerConfig(scratch, { queue: true }));
  args.push(...extra);

  let output = "";
  const child: ChildProcess = spawn(WRANGLER_BIN, args, {
    cwd: PROJECT_ROOT,
    env: wranglerEnv(),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stop() reaches workerd too
  });
  const pid = child.pid;
  if (pid === undefined) {
    for (const reserved of ownPorts) releasePort(reserved);
    rmSync(scratch, { recursive: true, force: true });
    throw new Error("wrangler dev did not start");
  }
  running.add(pid);
  installExitHook();
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitPromise = new Promise<void>((r) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      r();
    }),
  );

  const url = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await stopProcessGroup(pid);
      await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 2000))]);
      running.delete(pid);
      for (const reserved of ownPorts) releasePort(reserved);
      rmSync(scratch, { recursive: true, force: true });
    })();
    return stopped;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== null) {
      await stop();
      const { code, signal } = exited as { code: number | null; signal: NodeJS.Signals | null };
      throw new Error(`wrangler dev exited (code ${code}, signal ${signal}) before answering /healthz:\n${output}`);
    }
    try {
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      break; // any HTTP answer: the Worker is up (a bad config answers 500, which the test may want to see)
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer ${url}/healthz in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return { url, port, pid, output: () => output, stop };
}
