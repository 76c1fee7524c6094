/**
 * `npm run setup` as a user runs it: `tsx scripts/setup.ts` as a child process, against the bundled PAYJS sandbox
 * on a real HTTP server, with a stand-in for wrangler (`$WRANGLER`, test/support/stand-in-wrangler.mjs) that
 * records how it was called and what the secrets file held while it ran. Each run has its own empty directory as
 * cwd (for `.dev.vars` and setup's record), its own TMPDIR (where the secrets file must appear and vanish), and
 * an environment without the developer's settings. Every run is checked for leaked keys.
 * The pure parts (arguments, tokens, missing settings, wrangler's output) are tested directly at the end.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../sandbox/payjs-sandbox";
import { type SandboxServer, startSandboxServer } from "../sandbox/server";
import { DOCTOR_SETTINGS } from "../scripts/doctor/settings";
import { parseArgs } from "../scripts/setup/args";
import * as deploy from "../scripts/setup/deploy";
import { SetupError } from "../scripts/setup/errors";
import { chooseTokens, missingCredentials, missingError } from "../scripts/setup/inputs";
import { doneReport, tokensNote } from "../scripts/setup/report";
import { workerAddress } from "../scripts/setup/wrangler-output";
import { phpUrldecode } from "../src/payjs/sign";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const SETUP = join(ROOT, "scripts", "setup.ts");
const STAND_IN = join(ROOT, "test", "support", "stand-in-wrangler.mjs");
const WORKERS_DEV = "https://payjs-complaint-watch.example.workers.dev";

const ONE = SANDBOX_MERCHANT;
const TWO = SANDBOX_MERCHANT_2;
const KEYS = [ONE.key, TWO.key];
/** Whatever setup or the stand-in reads: removed from the inherited environment of each run. */
const STAND_IN_SETTINGS = ["STAND_IN_EXIT", "STAND_IN_TARGETS", "STAND_IN_ECHO_SECRETS", "STAND_IN_SLEEP_MS"];
const CLEARED = [...DOCTOR_SETTINGS, ...deploy.SECRET_NAMES, "WRANGLER", ...STAND_IN_SETTINGS];
const TOKEN = /^[A-Za-z0-9_-]{32,}$/;

interface Call {
  argv: string[];
  cwd: string;
  envKeys: string[];
  secretsPath: string | null;
  secrets: { mode: number; dirMode: number; text: string } | null;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  all: string;
  /** The stand-in's calls (none: it never ran). */
  calls: Call[];
  /** The run's cwd. */
  dir: string;
  /** What remains in the run's TMPDIR of setup's own (`payjs-setup-*`). */
  leftovers: string[];
}

interface Options {
  env?: Record<string, string>;
  args?: string[];
  /** The cwd; default a new empty directory. */
  dir?: string;
  /** Called once the stand-in has recorded its call (it is still running when STAND_IN_SLEEP_MS is set). */
  whileDeploying?: (pid: number) => void;
  /** Close setup's stdout once the stand-in has recorded its call, as `npm run setup | head` would. */
  closeStdoutWhileDeploying?: boolean;
}

let server: SandboxServer;
let api: string;
const scratch: string[] = [];

function newDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

async function control(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${server.url}/__sandbox/${path}`, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  if (!response.ok) throw new Error(`sandbox control ${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

async function payjsCalls(): Promise<number> {
  return ((await control("requests")) as { requests: unknown[] }).requests.length;
}

function readCalls(path: string): Call[] {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Call[]) : [];
}

/** Runs setup with exactly these settings (plus PATH and the like) and the stand-in as wrangler. */
function setup(options: Options = {}): Promise<Run> {
  const dir = options.dir ?? newDir("setup-test-");
  const temp = newDir("setup-tmp-");
  const record = join(temp, "stand-in-calls.json");
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLEARED) delete env[name];
  Object.assign(env, { WRANGLER: `node ${STAND_IN}`, STAND_IN_RECORD: record, TMPDIR: temp, TMP: temp, TEMP: temp }, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [SETUP, ...(options.args ?? [])], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const watch =
      options.whileDeploying === undefined && options.closeStdoutWhileDeploying !== true
        ? undefined
        : setInterval(() => {
            if (readCalls(record).length === 0 || child.pid === undefined) return;
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
      const leftovers = readdirSync(temp).filter((name) => name.startsWith("payjs-setup-"));
      resolve({ code, signal, stdout, stderr, all: `${stdout}\n${stderr}`, calls: readCalls(record), dir, leftovers });
    });
  });
}

function single(more: Record<string, string> = {}): Record<string, string> {
  return { PAYJS_API_BASE: api, PAYJS_MCHID: ONE.mchid, PAYJS_KEY: ONE.key, ...more };
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** No key in any form anywhere in stdout+stderr. */
function expectNoKeys(run: Run): void {
  for (const key of KEYS) {
    for (const form of [key, phpUrldecode(key), encodeURIComponent(key)]) {
      expect(run.all.includes(form), `a key (${form.length} characters) was printed`).toBe(false);
    }
  }
  expect(run.all).not.toContain("not-a-secret");
}

function secretsOf(call: Call | undefined): Record<string, string> {
  expect(call?.secrets, "the stand-in found no secrets file").not.toBeNull();
  return JSON.parse(call?.secrets?.text ?? "null") as Record<string, string>;
}

/** The single line `label value` of the final block. */
function shown(run: Run, label: string): string | undefined {
  return new RegExp(`^\\s+${label}:?\\s+(\\S+)`, "m").exec(run.stdout)?.[1];
}

beforeAll(async () => {
  server = await startSandboxServer({ port: 0, host: "127.0.0.1" });
  api = `${server.url}/api`;
});

afterEach(async () => {
  await control("reset", {});
});

afterAll(async () => {
  await server?.close();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe("npm run setup", () => {
  it("deploys once, a 0600 secrets file outside the repository removed after; the address and each token once", async () => {
    const run = await setup({ env: single() });
    expect(run.code, run.all).toBe(0);
    expect(run.calls).toHaveLength(1);
    const call = run.calls[0] as Call;
    expect(call.argv.slice(0, 2)).toEqual(["deploy", "--secrets-file"]);
    expect(call.argv[2]).toBe(call.secretsPath);
    expect(call.argv).toContain(`PAYJS_API_BASE:${api}`);
    expect(call.argv[call.argv.indexOf(`PAYJS_API_BASE:${api}`) - 1]).toBe("--var");
    expect(call.cwd.replace(/\/$/, "")).toBe(ROOT);

    const path = call.secretsPath as string;
    expect(path.startsWith(`${ROOT}/`)).toBe(false);
    expect(call.secrets?.mode).toBe(0o600);
    expect(call.secrets?.dirMode).toBe(0o700);
    const secrets = secretsOf(call);
    expect(Object.keys(secrets).sort()).toEqual(["ADMIN_TOKEN", "API_TOKENS", "PAYJS_KEY", "PAYJS_MCHID"]);
    expect(secrets.PAYJS_MCHID).toBe(ONE.mchid);
    expect(secrets.PAYJS_KEY).toBe(ONE.key);
    expect(existsSync(path)).toBe(false);
    expect(run.leftovers).toEqual([]);

    const { API_TOKENS: read, ADMIN_TOKEN: admin } = secrets as { API_TOKENS: string; ADMIN_TOKEN: string };
    expect(read).toMatch(TOKEN);
    expect(admin).toMatch(TOKEN);
    expect(read).not.toBe(admin);
    expect(count(run.all, read)).toBe(1);
    expect(count(run.all, admin)).toBe(1);
    expect(shown(run, "Worker")).toBe(WORKERS_DEV);
    expect(shown(run, "Dashboard")).toBe(`${WORKERS_DEV}/`);
    expect(shown(run, "Read token")).toBe(read);
    expect(shown(run, "Admin token")).toBe(admin);
    expect(run.stdout).toContain(`curl -H "Authorization: Bearer <read token>" ${WORKERS_DEV}/api/complaints`);
    expect(run.stdout).toContain("Set PUBLIC_URL to this address");
    expect(run.stdout).toContain("docs/deploy.md#custom-domain");
    expect(run.stdout).toContain("If this Worker was deployed before, its old tokens stop working");
    expect(run.stdout).toContain("Warning: PAYJS_API_BASE is on this machine");
    expectNoKeys(run);

    for (const name of ["PAYJS_KEY", "PAYJS_MCHID", "PAYJS_MERCHANTS", "API_TOKENS", "ADMIN_TOKEN", "NOTIFY_CHANNELS"]) {
      expect(call.envKeys).not.toContain(name);
    }
    const record = readFileSync(join(run.dir, ".wrangler", "setup.json"), "utf8");
    expect(JSON.parse(record)).toEqual({ deployed_at: expect.any(String), worker_url: WORKERS_DEV });
    expect(record).not.toContain(read);
    expect(record).not.toContain(admin);
  });

  it("refuses what the Worker would refuse (a sign by another key): exit 1, the doctor's advice, no wrangler", async () => {
    await control("mode", { mode: "bad_sign" });
    const run = await setup({ env: single() });
    expect(run.code, run.all).toBe(1);
    expect(run.calls).toEqual([]);
    expect(run.stdout).toContain("NOT accepted (bad_signature)");
    expect(run.stdout).toContain(`First check PAYJS_KEY (the key of mchid ${ONE.mchid})`);
    expect(run.stderr).toContain("Nothing was deployed.");
    expect(run.all).not.toMatch(/Read token|Admin token/);
    expect(existsSync(join(run.dir, ".wrangler"))).toBe(false);
    expectNoKeys(run);
  });

  it("refuses PAYJS's own refusal too (return_code 0), naming its message", async () => {
    await control("mode", { mode: "return_code_0", returnMsg: "商户号已被禁用" });
    const run = await setup({ env: single() });
    expect(run.code, run.all).toBe(1);
    expect(run.calls).toEqual([]);
    expect(run.stdout).toContain("PAYJS refused the call and said: 商户号已被禁用");
    expectNoKeys(run);
  });

  it("--yes with nothing set (no .dev.vars): exit 2 naming PAYJS_MCHID, PAYJS_KEY, PAYJS_MERCHANTS; no PAYJS call", async () => {
    const before = await payjsCalls();
    const run = await setup({ env: { PAYJS_API_BASE: api }, args: ["--", "--yes"] });
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain("missing PAYJS_MCHID and PAYJS_KEY (or PAYJS_MERCHANTS)");
    expect(run.stderr).toContain("run without --yes to be asked");
    expect(run.calls).toEqual([]);
    expect(await payjsCalls()).toBe(before);
  });

  it("without a terminal it cannot ask either: exit 2; a half pair in .dev.vars names the other half", async () => {
    const none = await setup({ env: { PAYJS_API_BASE: api } });
    expect(none.code, none.all).toBe(2);
    expect(none.stderr).toContain("run setup in a terminal to be asked");

    const dir = newDir("setup-test-");
    writeFileSync(join(dir, ".dev.vars"), `PAYJS_MCHID="${ONE.mchid}"\n`);
    const half = await setup({ env: { PAYJS_API_BASE: api }, args: ["--yes"], dir });
    expect(half.code, half.all).toBe(2);
    expect(half.stderr).toContain("missing PAYJS_KEY (PAYJS_MCHID is set)");
    expect(half.calls).toEqual([]);
  });

  it("reads the credentials from .dev.vars in the current directory", async () => {
    const dir = newDir("setup-test-");
    writeFileSync(join(dir, ".dev.vars"), `# local\nPAYJS_MCHID="${ONE.mchid}"\nPAYJS_KEY='${ONE.key}'\n`);
    const run = await setup({ env: { PAYJS_API_BASE: api }, dir });
    expect(run.code, run.all).toBe(0);
    expect(secretsOf(run.calls[0]).PAYJS_KEY).toBe(ONE.key);
    expectNoKeys(run);
  });

  it("a wrong setting: exit 2 naming it, no key printed, nothing called", async () => {
    const before = await payjsCalls();
    const run = await setup({ env: { PAYJS_API_BASE: api, PAYJS_MERCHANTS: `[{"mchid":"${ONE.mchid}","key":"${ONE.key}"` } });
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain("PAYJS_MERCHANTS: is not valid JSON");
    expect(run.stderr).toContain("Fix PAYJS_MERCHANTS");
    expect(run.calls).toEqual([]);
    expect(await payjsCalls()).toBe(before);
    expectNoKeys(run);
  });

  it("a bad --channels file: exit 2 naming the problem, before PAYJS or wrangler is called", async () => {
    const dir = newDir("setup-test-");
    const cases: [string, string][] = [
      ['[{"type":"pager","url":"https://example.com/hook"}]', "NOTIFY_CHANNELS: [0].type must be one of"],
      ['[{"type":"webhook","url":"https://example.com/hook"', "NOTIFY_CHANNELS: is not valid JSON"],
      [
        '[{"type":"webhook","url":"https://example.com/hook","merchants":["999"]}]',
        'NOTIFY_CHANNELS: [0].merchants has "999", which is not one of the configured mchids',
      ],
    ];
    const before = await payjsCalls();
    for (const [i, [text, problem]] of cases.entries()) {
      writeFileSync(join(dir, `bad${i}.json`), text);
      const run = await setup({ env: single(), args: ["--channels", `bad${i}.json`], dir });
      expect(run.code, run.all).toBe(2);
      expect(run.stderr).toContain(`bad${i}.json: ${problem}`);
      expect(run.calls).toEqual([]);
    }
    const missing = await setup({ env: single(), args: ["--channels=nowhere.json"], dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nowhere.json: cannot be read (ENOENT)");
    expect(await payjsCalls()).toBe(before);
  });

  it("a good --channels file goes into the secrets file as NOTIFY_CHANNELS, verbatim", async () => {
    const dir = newDir("setup-test-");
    const text = `[\n  {"type": "webhook", "url": "https://example.com/hook", "merchants": ["${ONE.mchid}"]}\n]\n`;
    writeFileSync(join(dir, "channels.json"), text);
    const run = await setup({ env: single(), args: ["--channels", "channels.json"], dir });
    expect(run.code, run.all).toBe(0);
    const secrets = secretsOf(run.calls[0]);
    expect(Object.keys(secrets).sort()).toEqual(["ADMIN_TOKEN", "API_TOKENS", "NOTIFY_CHANNELS", "PAYJS_KEY", "PAYJS_MCHID"]);
    expect(secrets.NOTIFY_CHANNELS).toBe(text);
    expect(run.all).not.toContain("https://example.com/hook");
  });

  it("wrangler failing: exit 1, the secrets file removed anyway, no tokens shown, no record", async () => {
    const run = await setup({ env: single({ STAND_IN_EXIT: "1" }) });
    expect(run.code, run.all).toBe(1);
    expect(run.calls).toHaveLength(1);
    const secrets = secretsOf(run.calls[0]);
    expect(existsSync(run.calls[0]?.secretsPath as string)).toBe(false);
    expect(run.leftovers).toEqual([]);
    expect(run.stderr).toContain("wrangler deploy failed (exit 1); nothing else was changed by setup");
    expect(run.stderr).toContain("npx wrangler login");
    expect(run.all).not.toContain(secrets.API_TOKENS as string);
    expect(run.all).not.toContain(secrets.ADMIN_TOKEN as string);
    expect(run.all).not.toMatch(/Deployed\.|Read token/);
    expect(existsSync(join(run.dir, ".wrangler", "setup.json"))).toBe(false);
    expectNoKeys(run);
  });

  it("a wrangler that cannot be started: exit 1, the secrets file removed", async () => {
    const run = await setup({ env: single({ WRANGLER: join(ROOT, "no-such-wrangler") }) });
    expect(run.code, run.all).toBe(1);
    expect(run.stderr).toContain("could not start");
    expect(run.leftovers).toEqual([]);
  });

  it("stdout closed while wrangler runs (a pipe into head): setup fails, the secrets file removed all the same", async () => {
    const run = await setup({ env: single({ STAND_IN_SLEEP_MS: "500" }), closeStdoutWhileDeploying: true });
    expect(run.calls).toHaveLength(1);
    expect(run.code, run.all).not.toBe(0);
    expect(existsSync(run.calls[0]?.secretsPath as string)).toBe(false);
    expect(run.leftovers).toEqual([]);
  });

  it("a signal while wrangler runs: forwarded to wrangler, the secrets file removed at once", async () => {
    const run = await setup({
      env: single({ STAND_IN_SLEEP_MS: "20000" }),
      whileDeploying: (pid) => process.kill(pid, "SIGTERM"),
    });
    const path = run.calls[0]?.secretsPath ?? null;
    expect(run.code, run.all).toBe(143);
    expect(run.stderr).toContain("wrangler was stopped (SIGTERM); the secrets file is removed");
    expect(path).not.toBeNull();
    expect(existsSync(path as string)).toBe(false);
    expect(run.leftovers).toEqual([]);
    expect(run.all).not.toMatch(/Read token/);
  });

  it("wrangler's own output passes the scrubber: a key it echoes is hidden", async () => {
    const run = await setup({ env: single({ STAND_IN_ECHO_SECRETS: "1" }) });
    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain('"PAYJS_KEY": "[key hidden]"');
    expectNoKeys(run);
  });

  it("tokens given in .dev.vars or the environment are used as given; no warning about old tokens", async () => {
    const read = "r".repeat(40);
    const admin = "a".repeat(40);
    const dir = newDir("setup-test-");
    writeFileSync(join(dir, ".dev.vars"), `API_TOKENS="${read},${"s".repeat(40)}"\n`);
    const run = await setup({ env: single({ ADMIN_TOKEN: admin }), dir });
    expect(run.code, run.all).toBe(0);
    const secrets = secretsOf(run.calls[0]);
    expect(secrets.API_TOKENS).toBe(`${read},${"s".repeat(40)}`);
    expect(secrets.ADMIN_TOKEN).toBe(admin);
    expect(run.stdout).toContain("Using API_TOKENS as given and ADMIN_TOKEN as given.");
    expect(run.stdout).not.toContain("stop working");
    expect(count(run.all, admin)).toBe(1);

    const short = await setup({ env: single({ API_TOKENS: "my-short-token" }) });
    expect(short.code, short.all).toBe(0);
    expect(secretsOf(short.calls[0]).API_TOKENS).toBe("my-short-token");
    expect(secretsOf(short.calls[0]).ADMIN_TOKEN).toMatch(TOKEN);
    expect(short.stdout).toContain("Warning: API_TOKENS holds a token shorter than 32 characters");
    expect(short.stdout).toContain("its old admin token stops working");
  });

  it("npm run dev's published tokens: exit 2 naming the setting, before PAYJS or wrangler is called", async () => {
    const before = await payjsCalls();
    const read = await setup({ env: single({ API_TOKENS: `${"r".repeat(40)},dev-read-token` }) });
    expect(read.code, read.all).toBe(2);
    expect(read.stderr).toContain("API_TOKENS holds dev-read-token, npm run dev's published token");
    const admin = await setup({ env: single({ ADMIN_TOKEN: "dev-admin-token" }) });
    expect(admin.code, admin.all).toBe(2);
    expect(admin.stderr).toContain("ADMIN_TOKEN holds dev-admin-token");
    expect([...read.calls, ...admin.calls]).toEqual([]);
    expect(await payjsCalls()).toBe(before);
  });

  it("equal read and admin tokens: exit 2 naming ADMIN_TOKEN, before PAYJS or wrangler is called", async () => {
    const before = await payjsCalls();
    const token = "t".repeat(40);
    const run = await setup({ env: single({ API_TOKENS: `x${token},${token}`, ADMIN_TOKEN: token }) });
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain("ADMIN_TOKEN must differ from every read token in API_TOKENS");
    expect(run.calls).toEqual([]);
    expect(await payjsCalls()).toBe(before);
  });

  it("a re-run makes new tokens and says the old ones, from the earlier setup, stop working", async () => {
    const dir = newDir("setup-test-");
    const first = await setup({ env: single(), dir });
    expect(first.code, first.all).toBe(0);
    const second = await setup({ env: single(), dir });
    expect(second.code, second.all).toBe(0);
    expect(second.stdout).toMatch(
      /The tokens from the setup of \d{4}-\d\d-\d\d \d\d:\d\d UTC \(https:\/\/[^)]+\) stop working with this deploy/,
    );
    expect(second.stdout).toContain("no longer work: hand out the new ones");
    const old = secretsOf(first.calls[0]);
    const now = secretsOf(second.calls[0]);
    expect(now.API_TOKENS).not.toBe(old.API_TOKENS);
    expect(now.ADMIN_TOKEN).not.toBe(old.ADMIN_TOKEN);
  });

  it("PAYJS_MERCHANTS instead of the pair: both merchants checked, deployed as given, no key printed", async () => {
    const merchants = JSON.stringify([
      { mchid: ONE.mchid, key: ONE.key, name: "one" },
      { mchid: TWO.mchid, key: TWO.key },
    ]);
    const run = await setup({ env: { PAYJS_API_BASE: api, PAYJS_MERCHANTS: merchants, RESPONSE_SIGNATURE: "strict" } });
    expect(run.code, run.all).toBe(0);
    const call = run.calls[0] as Call;
    const secrets = secretsOf(call);
    expect(Object.keys(secrets).sort()).toEqual(["ADMIN_TOKEN", "API_TOKENS", "PAYJS_MERCHANTS"]);
    expect(secrets.PAYJS_MERCHANTS).toBe(merchants);
    expect(call.argv).toContain("RESPONSE_SIGNATURE:strict");
    expect(run.stdout).toContain(`one (${ONE.mchid}): accepted`);
    expect(run.stdout).toContain(`${TWO.mchid}: accepted`);
    expectNoKeys(run);
  });

  it("prefers a custom domain wrangler reported, and still succeeds when it reported none", async () => {
    const custom = await setup({ env: single({ STAND_IN_TARGETS: "custom_domain" }) });
    expect(custom.code, custom.all).toBe(0);
    expect(shown(custom, "Worker")).toBe("https://watch.example.com");
    expect(shown(custom, "Dashboard")).toBe("https://watch.example.com/");
    expect(custom.stdout).not.toContain("often unreachable from mainland China");

    const none = await setup({ env: single({ STAND_IN_TARGETS: "none" }) });
    expect(none.code, none.all).toBe(0);
    expect(none.stdout).toContain("wrangler printed no address");
    expect(none.stdout).toContain("Cloudflare dashboard");
    expect(shown(none, "Read token")).toMatch(TOKEN);
  });

  it("an unknown argument: exit 2 with the usage; --help: exit 0", async () => {
    const bad = await setup({ env: single(), args: ["--force"] });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown argument --force");
    expect(bad.stderr).toContain("Usage: npm run setup");
    expect(bad.calls).toEqual([]);
    const help = await setup({ args: ["--help"] });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--channels FILE");
  });
});

/** util-linux `script` gives setup a terminal (a pty) whose input the test types into; other systems skip. */
const SCRIPT = ["/usr/bin/script", "/bin/script"].find((path) => process.platform === "linux" && existsSync(path));

/** Runs setup on a terminal, typing each answer once its question shows. */
function setupOnTerminal(dir: string, answers: [question: string, answer: string][]): Promise<Run & { questions: number }> {
  const temp = newDir("setup-tmp-");
  const record = join(temp, "stand-in-calls.json");
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLEARED) delete env[name];
  Object.assign(env, { PAYJS_API_BASE: api, WRANGLER: `node ${STAND_IN}`, STAND_IN_RECORD: record, TMPDIR: temp });
  const command = ["-qfec", `${TSX} ${SETUP}`, "/dev/null"];
  const child = spawn(SCRIPT as string, command, { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  let asked = 0;
  return new Promise((resolve, reject) => {
    const onData = (chunk: string): void => {
      output += chunk;
      const next = answers[asked];
      if (next !== undefined && output.includes(next[0])) {
        asked++;
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
      const leftovers = readdirSync(temp).filter((name) => name.startsWith("payjs-setup-"));
      const calls = readCalls(record);
      resolve({ code, signal, stdout: output, stderr: "", all: output, calls, dir, leftovers, questions: asked });
    });
  });
}

describe.skipIf(SCRIPT === undefined)("npm run setup on a terminal", () => {
  it("asks for PAYJS_MCHID, then PAYJS_KEY without echo; a re-run asks before replacing the tokens", async () => {
    const dir = newDir("setup-test-");
    const credentials: [string, string][] = [
      ["PAYJS_MCHID (the merchant id): ", ONE.mchid],
      ["not shown as you type): ", ONE.key],
    ];
    const first = await setupOnTerminal(dir, credentials);
    expect(first.code, first.all).toBe(0);
    expect(first.questions).toBe(2);
    expect(first.all).toContain(ONE.mchid);
    expectNoKeys(first);
    const secrets = secretsOf(first.calls[0]);
    expect([secrets.PAYJS_MCHID, secrets.PAYJS_KEY]).toEqual([ONE.mchid, ONE.key]);

    const again = await setupOnTerminal(dir, [...credentials, ["Deploy with new tokens? [y/N] ", "n"]]);
    expect(again.code, again.all).toBe(1);
    expect(again.questions).toBe(3);
    expect(again.all).toMatch(/The tokens from the setup of .* stop working/);
    expect(again.all).toContain("Nothing was deployed.");
    expect(again.calls).toEqual([]);
    expectNoKeys(again);
  });
});

describe("setup's pure parts", () => {
  it("arguments: --yes, --channels FILE or =FILE, npm's --, anything else refused", () => {
    expect(parseArgs(["--", "--yes", "--channels", "c.json"])).toEqual({ yes: true, channels: "c.json", help: false });
    expect(parseArgs(["--channels=c.json"]).channels).toBe("c.json");
    expect(() => parseArgs(["--channels"])).toThrow(SetupError);
    expect(() => parseArgs(["--channels", "--yes"])).toThrow("--channels needs a FILE");
    expect(() => parseArgs(["deploy"])).toThrow("unknown argument deploy");
  });

  it("missing credentials: both, one half, or none when PAYJS_MERCHANTS is set", () => {
    expect(missingCredentials({})).toEqual(["PAYJS_MCHID", "PAYJS_KEY"]);
    expect(missingCredentials({ PAYJS_MCHID: "1" })).toEqual(["PAYJS_KEY"]);
    expect(missingCredentials({ PAYJS_KEY: "k" })).toEqual(["PAYJS_MCHID"]);
    expect(missingCredentials({ PAYJS_MERCHANTS: "[]" })).toEqual([]);
    const error = missingError(["PAYJS_MCHID", "PAYJS_KEY"], "yes");
    expect([error.code, error.status, error.setting]).toEqual(["missing", 2, "PAYJS_MCHID"]);
  });

  it("a PAYJS_API_BASE on this machine is recognised", () => {
    for (const base of ["http://127.0.0.1:8788/api", "http://localhost/api", "http://[::1]:1/api", "http://a.localhost/api"]) {
      expect(deploy.isLocalApiBase(base), base).toBe(true);
    }
    for (const base of ["https://payjs.cn/api", "https://127.example.com/api", "not a url"]) {
      expect(deploy.isLocalApiBase(base), base).toBe(false);
    }
  });

  it("tokens: new ones 43 URL-safe characters and different; given ones kept; clashes and spaces refused", () => {
    const made = chooseTokens({});
    expect(made.read).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.admin).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(made.read).not.toBe(made.admin);
    expect(made.generated).toEqual(["API_TOKENS", "ADMIN_TOKEN"]);
    // A generator that repeats itself is asked again until the two differ.
    const values = ["same", "same", "other"];
    expect(chooseTokens({}, () => values.shift() as string)).toMatchObject({ read: "same", admin: "other" });
    expect(chooseTokens({ API_TOKENS: "a,b", ADMIN_TOKEN: "c" })).toEqual({ read: "a,b", admin: "c", generated: [] });
    expect(() => chooseTokens({ API_TOKENS: "a, b", ADMIN_TOKEN: "b" })).toThrow("ADMIN_TOKEN must differ");
    expect(() => chooseTokens({ ADMIN_TOKEN: "a b" })).toThrow("ADMIN_TOKEN holds a space");
    expect(() => chooseTokens({ API_TOKENS: " , " })).toThrow("API_TOKENS holds no token");
  });

  it("the deploy: secrets by name, the doctor's non-secret settings as --var, $WRANGLER split, no secret in the env", () => {
    const tokens = { read: "r", admin: "a", generated: [] };
    expect(deploy.deploySecrets({ PAYJS_MCHID: " 1 ", PAYJS_KEY: "k", PAYJS_API_BASE: "x" }, tokens, null)).toEqual({
      PAYJS_MCHID: "1",
      PAYJS_KEY: "k",
      API_TOKENS: "r",
      ADMIN_TOKEN: "a",
    });
    expect(deploy.deployVars({ PAYJS_KEY: "k", PAYJS_API_BASE: "http://h:1/api", UPSTREAM_TIMEOUT_MS: "500" })).toEqual([
      "PAYJS_API_BASE:http://h:1/api",
      "UPSTREAM_TIMEOUT_MS:500",
    ]);
    const args = ["deploy", "--secrets-file", "/t/s.json", "--var", "A:1", "--var", "B:2"];
    expect(deploy.deployArgs("/t/s.json", ["A:1", "B:2"])).toEqual(args);
    expect(deploy.wranglerCommand({})).toEqual({ file: "npx", args: ["wrangler"], shown: "npx wrangler" });
    const split = { file: "node", args: ["/x/w.mjs"], shown: "node /x/w.mjs" };
    expect(deploy.wranglerCommand({ WRANGLER: " node  /x/w.mjs " })).toEqual(split);
    const env = deploy.childEnv({ PATH: "/bin", PAYJS_KEY: "k", NOTIFY_CHANNELS: "[]", PAYJS_API_BASE: "x" });
    expect(Object.keys(env).sort()).toEqual(["PATH", "PAYJS_API_BASE"]);
  });

  it("wrangler's output: a workers.dev target, a custom domain preferred, colours ignored, none", () => {
    const block = (targets: string[]): string =>
      ["Uploaded w (1.00 sec)", "Deployed w triggers (0.50 sec)", ...targets.map((t) => `  ${t}`), "Version: x"].join("\n");
    expect(workerAddress(block(["https://w.me.workers.dev", "schedule: */30 * * * *"]))).toEqual({
      url: "https://w.me.workers.dev",
      kind: "workers_dev",
    });
    expect(workerAddress(block(["https://w.me.workers.dev", "Watch.Example.com (custom domain)"]))).toEqual({
      url: "https://watch.example.com",
      kind: "custom_domain",
    });
    const zoned = block(["watch.example.com (custom domain - zone name: example.com)"]);
    expect(workerAddress(zoned)?.url).toBe("https://watch.example.com");
    expect(workerAddress(`\u001b[2m${block(["https://w.me.workers.dev"])}\u001b[22m`)?.url).toBe("https://w.me.workers.dev");
    expect(workerAddress(block(["example.com/* (zone name: example.com)", "schedule: */30 * * * *"]))).toBeNull();
    expect(workerAddress("See https://w.me.workers.dev for details")).toBeNull();
    expect(workerAddress("")).toBeNull();
  });

  it("the final block shows each token once; the token note names the earlier setup", () => {
    const tokens = { read: "R".repeat(43), admin: "A".repeat(43), generated: ["API_TOKENS" as const, "ADMIN_TOKEN" as const] };
    const text = doneReport({
      address: { url: "https://w.workers.dev", kind: "workers_dev" },
      tokens,
      vars: [],
      replaced: null,
      workerName: "w",
    });
    expect(count(text, tokens.read)).toBe(1);
    expect(count(text, tokens.admin)).toBe(1);
    const note = tokensNote(tokens, { deployed_at: "2026-05-01T08:30:12.345Z", worker_url: "https://w.workers.dev" }).join("\n");
    expect(note).toContain("The tokens from the setup of 2026-05-01 08:30 UTC (https://w.workers.dev) stop working");
  });
});
