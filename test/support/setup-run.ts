/**
 * `npm run setup` as a user runs it, for the setup tests: `tsx scripts/setup.ts` as a child process against the
 * bundled PAYJS sandbox on a real HTTP server, with the stand-in for wrangler (`$WRANGLER`,
 * test/support/stand-in-wrangler.mjs) that records how it was called, what the secrets file held while it ran,
 * and the Worker it deployed. Each run has its own empty directory as cwd (for `.dev.vars` and setup's record), its
 * own TMPDIR (where the secrets file must appear and vanish), and an environment without the developer's settings
 * and locale (English unless a test says otherwise). After the deploy setup asks the Worker for a sign-in link
 * (`POST /api/devices`): the address it calls is `SETUP_WORKER_URL`, by default a closed local port (so no run sends
 * the admin token to a real `*.workers.dev`), or a test's own server. `useSetupRuns()` starts the sandbox for a
 * test file.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../../sandbox/payjs-sandbox";
import { type SandboxServer, startSandboxServer } from "../../sandbox/server";
import { DOCTOR_SETTINGS } from "../../scripts/doctor/settings";
import { KEPT_SETTINGS, SECRET_NAMES } from "../../scripts/setup/deploy";
import { phpUrldecode } from "../../src/payjs/sign";
import { payjsCalls as sandboxCalls, sandboxControl } from "./sandbox-control";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
export const TSX = join(ROOT, "node_modules", ".bin", "tsx");
export const SETUP = join(ROOT, "scripts", "setup.ts");
export const STAND_IN = join(ROOT, "test", "support", "stand-in-wrangler.mjs");
export const WORKERS_DEV = "https://payjs-complaint-watch.example.workers.dev";
export const ONE = SANDBOX_MERCHANT;
export const TWO = SANDBOX_MERCHANT_2;
export const TOKEN = /^[A-Za-z0-9_-]{32,}$/;
const KEYS = [ONE.key, TWO.key];

/** Whatever setup, its locale or the stand-in reads: removed from the inherited environment of each run. */
const CLEARED = [
  ...DOCTOR_SETTINGS,
  ...SECRET_NAMES,
  ...KEPT_SETTINGS,
  "PUBLIC_URL",
  "WRANGLER",
  "SETUP_DNS_SERVER",
  "SETUP_CHANNEL_API_BASE",
  "SETUP_WORKER_URL",
  "LC_ALL",
  "LC_MESSAGES",
  "LANG",
  "LANGUAGE",
  ...["EXIT", "SECRET_EXIT", "TARGETS", "ECHO_SECRETS", "SLEEP_MS", "WORKER", "RECORD"].map((name) => `STAND_IN_${name}`),
];

export interface Call {
  argv: string[];
  cwd: string;
  envKeys: string[];
  secretsPath: string | null;
  secrets: { mode: number; dirMode: number; text: string } | null;
  config: { path: string; text: string | null };
  stdin: string | null;
}

/** The Worker as the stand-in deployed it. */
export interface Worker {
  secrets: Record<string, string>;
  vars: Record<string, string>;
  domains: string[];
  workers_dev: boolean;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  all: string;
  /** The stand-in's calls (none: it never ran). */
  calls: Call[];
  /** The Worker after the run (null: never deployed). */
  worker: Worker | null;
  /** Where the stand-in keeps that Worker: pass it as `worker` to a later run to deploy the same one. */
  workerPath: string;
  /** The run's cwd. */
  dir: string;
  /** What remains in the run's TMPDIR of setup's own (`payjs-setup-*`). */
  leftovers: string[];
}

export interface Options {
  env?: Record<string, string>;
  args?: string[];
  /** The cwd; default a new empty directory. */
  dir?: string;
  /** The stand-in's Worker file, to deploy the Worker of an earlier run; default a new one. */
  worker?: string;
  /** Called once the stand-in has recorded its call (it is still running when STAND_IN_SLEEP_MS is set). */
  whileDeploying?: (pid: number) => void;
  /** Close setup's stdout once the stand-in has recorded its call, as `npm run setup | head` would. */
  closeStdoutWhileDeploying?: boolean;
}

const scratch: string[] = [];
let server: SandboxServer;

export function newDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** The sandbox's `PAYJS_API_BASE`. */
export function api(): string {
  return `${server.url}/api`;
}

/** The sandbox's control API (`/__sandbox/{path}`). */
export function control(path: string, body?: unknown): Promise<unknown> {
  return sandboxControl(server, path, body);
}

/** How many PAYJS calls the sandbox has answered since it was last reset. */
export function payjsCalls(): Promise<number> {
  return sandboxCalls(server);
}

/** Starts the sandbox before the file's tests, resets it after each, stops it and removes the scratch after all. */
export function useSetupRuns(): void {
  beforeAll(async () => {
    server = await startSandboxServer({ port: 0, host: "127.0.0.1" });
  });
  afterEach(async () => {
    await control("reset", {});
  });
  afterAll(async () => {
    await server?.close();
    for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

function readJson<T>(path: string, fallback: T): T {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : fallback;
}

/**
 * Where nothing listens (a port below 1024 that fetch allows: 1 and 9 are on its "bad ports" list, refused
 * without a connection): the deployed Worker, unreachable, unless a test serves it.
 */
export const NO_WORKER = "http://127.0.0.1:2";

/** A run's environment: the test's settings, the stand-in as wrangler, its own TMPDIR, English by default. */
function runEnv(temp: string, workerPath: string, more: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLEARED) delete env[name];
  const record = join(temp, "stand-in-calls.json");
  const own = {
    WRANGLER: `node ${STAND_IN}`,
    STAND_IN_RECORD: record,
    STAND_IN_WORKER: workerPath,
    LANG: "C.UTF-8",
    SETUP_WORKER_URL: NO_WORKER,
  };
  return { ...env, ...own, TMPDIR: temp, TMP: temp, TEMP: temp, ...more };
}

function outcome(temp: string, workerPath: string, dir: string): Omit<Run, "code" | "signal" | "stdout" | "stderr" | "all"> {
  const leftovers = readdirSync(temp).filter((name) => name.startsWith("payjs-setup-"));
  const calls = readJson<Call[]>(join(temp, "stand-in-calls.json"), []);
  return { calls, worker: readJson<Worker | null>(workerPath, null), workerPath, dir, leftovers };
}

/** Runs setup with exactly these settings (plus PATH and the like) and the stand-in as wrangler. */
export function setup(options: Options = {}): Promise<Run> {
  const dir = options.dir ?? newDir("setup-test-");
  const temp = newDir("setup-tmp-");
  const workerPath = options.worker ?? join(newDir("setup-worker-"), "worker.json");
  const env = runEnv(temp, workerPath, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [SETUP, ...(options.args ?? [])], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const watching = options.whileDeploying !== undefined || options.closeStdoutWhileDeploying === true;
    const watch = !watching
      ? undefined
      : setInterval(() => {
          if (readJson<Call[]>(join(temp, "stand-in-calls.json"), []).length === 0 || child.pid === undefined) return;
          clearInterval(watch);
          if (options.closeStdoutWhileDeploying === true) child.stdout.destroy();
          options.whileDeploying?.(child.pid);
        }, 50);
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
      reject(new Error(`setup did not finish within 40 s\n${stdout}\n${stderr}`));
    }, 40_000);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      resolve({ code, signal, stdout, stderr, all: `${stdout}\n${stderr}`, ...outcome(temp, workerPath, dir) });
    });
  });
}

/** util-linux `script` gives setup a terminal (a pty) whose input the test types into; other systems skip. */
export const SCRIPT = ["/usr/bin/script", "/bin/script"].find((path) => process.platform === "linux" && existsSync(path));

/** Runs setup on a terminal, typing each answer once its question shows (each question once, in order). */
export function setupOnTerminal(
  dir: string,
  answers: [question: string, answer: string][],
  options: Pick<Options, "args" | "env"> = {},
): Promise<Run & { questions: number }> {
  const temp = newDir("setup-tmp-");
  const workerPath = join(newDir("setup-worker-"), "worker.json");
  const env = runEnv(temp, workerPath, { PAYJS_API_BASE: api(), ...options.env });
  const command = ["-qfec", [TSX, SETUP, ...(options.args ?? [])].join(" "), "/dev/null"];
  const child = spawn(SCRIPT as string, command, { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  let asked = 0;
  /** Where the next question is looked for: after the last one (a question asked again is answered again). */
  let from = 0;
  return new Promise((resolve, reject) => {
    const onData = (chunk: string): void => {
      output += chunk;
      const next = answers[asked];
      const at = next === undefined ? -1 : output.indexOf(next[0], from);
      if (next !== undefined && at !== -1) {
        asked++;
        from = at + next[0].length;
        // A moment for readline to take the terminal before the answer arrives, as a person would.
        setTimeout(() => child.stdin.write(`${next[1]}\r`), 100);
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", onData);
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
      reject(new Error(`setup on a terminal did not finish within 40 s\n${output}`));
    }, 40_000);
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const run = { code, signal, stdout: output, stderr: "", all: output, ...outcome(temp, workerPath, dir) };
      resolve({ ...run, questions: asked });
    });
  });
}

export function single(more: Record<string, string> = {}): Record<string, string> {
  return { PAYJS_API_BASE: api(), PAYJS_MCHID: ONE.mchid, PAYJS_KEY: ONE.key, ...more };
}

export function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** No key in any form anywhere in stdout+stderr. */
export function expectNoKeys(run: Run): void {
  for (const key of KEYS) {
    for (const form of [key, phpUrldecode(key), encodeURIComponent(key)]) {
      expect(run.all.includes(form), `a key (${form.length} characters) was printed`).toBe(false);
    }
  }
  expect(run.all).not.toContain("not-a-secret");
}

export function secretsOf(call: Call | undefined): Record<string, string> {
  expect(call?.secrets, "the stand-in found no secrets file").not.toBeNull();
  return JSON.parse(call?.secrets?.text ?? "null") as Record<string, string>;
}

/** The single line `label value` of the final block. */
export function shown(run: Run, label: string): string | undefined {
  return new RegExp(`^\\s+${label}[:：]?\\s*(\\S+)`, "m").exec(run.stdout)?.[1];
}
