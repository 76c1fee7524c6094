/**
 * Browser tests and screenshots of the dashboard: Debian's Chromium (`apt-get install chromium
 * fonts-noto-cjk`, never a downloaded browser) driven by `playwright-core`, against the real Worker under
 * `wrangler dev` pointed at the PAYJS sandbox, after one real cron tick.
 * @module
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { fixtureComplaints } from "../../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../../sandbox/payjs-sandbox";
import { type SandboxServer, startSandboxServer } from "../../sandbox/server";
import { configWithoutAssets, releasePort, reservePort, startWranglerDev, type WranglerDev } from "./wrangler-dev";

/** `CHROMIUM_PATH` overrides it (e.g. `/usr/bin/chromium-browser`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CRON = "*/30+*+*+*+*";
export const READ_TOKEN = "dashboard-read-token";
export const ADMIN_TOKEN = "dashboard-admin-token";

export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH)
    ? null
    : `No Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM_PATH)`;
}

/** @param extraArgs more Chromium switches, e.g. `--lang=zh-CN` (the UI language: date inputs follow it). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing !== null) throw new Error(missing);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      ...extraArgs,
    ],
  });
}

export interface DashboardStackOptions {
  /** The second merchant's display name (it is configured through PAYJS_MERCHANTS). */
  secondName?: string;
  /** The first merchant's display name: when set, it too goes through PAYJS_MERCHANTS instead of PAYJS_MCHID/KEY. */
  firstName?: string;
  /** The sandbox answers this merchant with an HTML 500 page from the start (a failing upstream). */
  failingMchid?: string;
  /** Fixture complaints of the second merchant (default: none). */
  secondHasFixtures?: boolean;
  /** More Worker vars (e.g. `RESPONSE_SIGNATURE`), given after the stack's own. */
  vars?: Record<string, string>;
}

export interface DashboardStack {
  sandbox: SandboxServer;
  /** The Worker with the dashboard's static assets; its `url` stays the same for the stack's life. */
  worker: WranglerDev;
  /** Fires the cron through wrangler's `/__scheduled`. */
  fireCron(): Promise<void>;
  /**
   * Fires the cron with a chosen `scheduledTime` (miniflare's `/cdn-cgi/handler/scheduled?time=`), through a
   * `wrangler dev` without the assets on the same state (see {@link configWithoutAssets}): the Worker is stopped
   * meanwhile and started again on its port (reserved for the stack's life), so an open page keeps working after a
   * reload or a refresh.
   */
  fireCronAt(epochMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The PAYJS sandbox (both dev merchants, the first with its 15 fixture complaints) and `wrangler dev` on it,
 * with `PUBLIC_URL` unset, the read/admin tokens above and a state dir of its own.
 */
export async function startDashboardStack(options: DashboardStackOptions = {}): Promise<DashboardStack> {
  const now = Date.now();
  const m1 = SANDBOX_MERCHANT.mchid;
  const m2 = SANDBOX_MERCHANT_2.mchid;
  const sandbox = await startSandboxServer({
    port: 0,
    sandbox: new PayjsSandbox([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2], {
      [m1]: fixtureComplaints(m1, now),
      ...(options.secondHasFixtures === true ? { [m2]: fixtureComplaints(m2, now) } : {}),
    }),
  });
  if (options.failingMchid !== undefined) {
    const res = await fetch(`${sandbox.url}/__sandbox/mode`, {
      method: "POST",
      body: JSON.stringify({ mode: "http_500_html", mchid: options.failingMchid }),
    });
    if (!res.ok) throw new Error(`sandbox mode: ${res.status} ${await res.text()}`);
  }
  const persistDir = mkdtempSync(join(tmpdir(), "dashboard-kv-"));
  const second = { ...SANDBOX_MERCHANT_2, ...(options.secondName === undefined ? {} : { name: options.secondName }) };
  const merchants = options.firstName === undefined ? [second] : [{ ...SANDBOX_MERCHANT, name: options.firstName }, second];
  const vars: Record<string, string> = {
    PAYJS_API_BASE: `${sandbox.url}/api`,
    PAYJS_MERCHANTS: JSON.stringify(merchants),
    API_TOKENS: READ_TOKEN,
    ADMIN_TOKEN,
    POLL_INTERVAL_SECONDS: "300",
  };
  if (options.firstName === undefined) {
    vars.PAYJS_MCHID = m1;
    vars.PAYJS_KEY = SANDBOX_MERCHANT.key;
  }
  Object.assign(vars, options.vars);
  // The Worker's port, held for the stack's whole life: fireCronAt starts the Worker on it again, and meanwhile no
  // other test process (e.g. another test file run in parallel) may be handed it.
  const port = await reservePort();
  let current: WranglerDev;
  try {
    current = await startWranglerDev({ persistTo: persistDir, vars, port });
  } catch (error) {
    await sandbox.close();
    rmSync(persistDir, { recursive: true, force: true });
    releasePort(port);
    throw error;
  }
  /** What the Worker's earlier runs (and the cron runs without assets) printed. */
  const earlier: string[] = [];
  const worker: WranglerDev = {
    get url() {
      return current.url;
    },
    get port() {
      return current.port;
    },
    get pid() {
      return current.pid;
    },
    output: () => [...earlier, current.output()].join("\n--- wrangler dev restarted ---\n"),
    stop: () => current.stop(),
  };
  const hit = async (url: string, path: string): Promise<void> => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  };
  const noAssets = configWithoutAssets(persistDir);
  return {
    sandbox,
    worker,
    fireCron: () => hit(current.url, `/__scheduled?cron=${CRON}`),
    async fireCronAt(epochMs) {
      earlier.push(current.output());
      await current.stop();
      try {
        const cron = await startWranglerDev({ persistTo: persistDir, vars, extraArgs: ["--config", noAssets] });
        try {
          await hit(cron.url, `/cdn-cgi/handler/scheduled?cron=${CRON}&time=${epochMs}`);
        } finally {
          earlier.push(cron.output());
          await cron.stop();
        }
      } finally {
        current = await startWranglerDev({ persistTo: persistDir, vars, port });
      }
    },
    async stop() {
      await worker.stop();
      await sandbox.close();
      rmSync(persistDir, { recursive: true, force: true });
      releasePort(port);
    },
  };
}
