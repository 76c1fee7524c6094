/**
 * End to end, as processes: the PAYJS sandbox on a Node HTTP server, the Worker under a real `wrangler dev`
 * pointed at it, and HTTP calls from outside — the cron fired through `/__scheduled`, the API read with
 * bearer tokens, the sandbox changed through its control endpoints. Also `scripts/dev.ts` (`npm run dev`)
 * started and stopped with Ctrl-C.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { type PayjsComplaintItem, PayjsSandbox, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../sandbox/payjs-sandbox";
import { type SandboxServer, startSandboxServer } from "../sandbox/server";
import type { Complaint } from "../src/domain/complaint";
import type { ComplaintBody, ErrorBody, ListBody, StatusBody } from "./support/api";
import {
  freePort,
  PROJECT_ROOT,
  processAlive,
  processGroupAlive,
  startWranglerDev,
  stopProcessGroup,
  type WranglerDev,
} from "./support/wrangler-dev";

const READ = "t-read";
const ADMIN = "t-admin";
const CRON = "*/30+*+*+*+*";
/** The smallest interval the Worker accepts: an admin poll right after the cron must get 429. */
const POLL_INTERVAL_SECONDS = 300;

/** `T`: what the answer's JSON is taken to be (not checked here); null when the body is not JSON. */
interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

/** A complaint as the API shows it, with `raw` typed as the sandbox's items. */
type ApiComplaint = Omit<Complaint, "raw"> & { raw: PayjsComplaintItem };

/** `2026-11-08 01:13:29` (Beijing) → `2026-11-08T01:13:29+08:00`. */
function beijingIso(text: unknown): string {
  return String(text).replace(" ", "T") + "+08:00";
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe("end to end: sandbox → wrangler dev → API", () => {
  const now = Date.now();
  const fixtures = fixtureComplaints(SANDBOX_MERCHANT.mchid, now);
  const mchid = SANDBOX_MERCHANT.mchid;
  let sandboxServer: SandboxServer;
  let worker: WranglerDev;
  let persistDir: string;
  /** Every response body the Worker gave, to check no secret ever appears in one. */
  const bodies: string[] = [];
  let firstList: ApiComplaint[] = [];

  async function call<T = unknown>(path: string, init: RequestInit & { token?: string } = {}): Promise<Answer<T>> {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set("authorization", `Bearer ${init.token}`);
    const response = await fetch(`${worker.url}${path}`, { ...init, headers, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    bodies.push(text);
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, headers: response.headers, text, json: json as T };
  }

  async function control(method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${sandboxServer.url}/__sandbox/${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
  }

  async function list(query = "limit=500&include=raw"): Promise<ApiComplaint[]> {
    const answer = await call<ListBody>(`/api/complaints?${query}`, { token: READ });
    expect(answer.status).toBe(200);
    return answer.json.complaints as ApiComplaint[];
  }

  beforeAll(async () => {
    sandboxServer = await startSandboxServer({
      port: 0,
      sandbox: new PayjsSandbox([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2], { [mchid]: fixtures }),
    });
    persistDir = mkdtempSync(join(tmpdir(), "e2e-kv-"));
    worker = await startWranglerDev({
      persistTo: persistDir,
      vars: {
        PAYJS_API_BASE: `${sandboxServer.url}/api`,
        PAYJS_MCHID: mchid,
        PAYJS_KEY: SANDBOX_MERCHANT.key,
        PAYJS_MERCHANTS: JSON.stringify([{ ...SANDBOX_MERCHANT_2, name: "second shop" }]),
        API_TOKENS: READ,
        ADMIN_TOKEN: ADMIN,
        POLL_INTERVAL_SECONDS: String(POLL_INTERVAL_SECONDS),
      },
    });
  });

  afterEach((context) => {
    if (context.task.result?.state === "fail" && worker !== undefined) {
      console.error(
        `--- wrangler dev output ---\n${worker.output()}\n--- sandbox requests ---\n${JSON.stringify(sandboxServer.sandbox.requests)}`,
      );
    }
  });

  afterAll(async () => {
    await worker?.stop();
    await sandboxServer?.close();
    if (persistDir !== undefined) rmSync(persistDir, { recursive: true, force: true });
  });

  it("is healthy, guards /api, and has nothing before the first poll", async () => {
    const health = await call("/healthz");
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ ok: true });

    const anonymous = await call("/api/complaints");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);

    const status = await call<StatusBody>("/api/status", { token: READ });
    expect(status.status).toBe(200);
    expect(status.json.merchants).toEqual([
      expect.objectContaining({ mchid, last_success_at: null, next_poll_at: null, complaints_total: 0, last_error: null }),
      expect.objectContaining({ mchid: SANDBOX_MERCHANT_2.mchid, name: "second shop", last_success_at: null }),
    ]);
    expect(sandboxServer.sandbox.requests).toHaveLength(0);
  });

  it("the cron polls each merchant once, signed; an immediate admin poll gets 429 with Retry-After", async () => {
    // The second merchant's PAYJS fails this time: its failure must be recorded without touching the first.
    expect((await control("POST", "mode", { mode: "http_500_html", mchid: SANDBOX_MERCHANT_2.mchid })).status).toBe(200);
    const cron = await call(`/__scheduled?cron=${CRON}`);
    expect(cron.status).toBe(200);
    const requests = [...sandboxServer.sandbox.requests].sort((a, b) => String(a.mchid).localeCompare(String(b.mchid)));
    expect(requests).toEqual([
      { mchid, signValid: true, at: expect.any(String), mode: "ok" },
      { mchid: SANDBOX_MERCHANT_2.mchid, signValid: true, at: expect.any(String), mode: "http_500_html" },
    ]);

    const again = await call<ErrorBody>("/api/poll", { method: "POST", token: ADMIN });
    expect(again.status).toBe(429);
    expect(again.json.error.code).toEqual(expect.any(String));
    const retryAfter = Number(again.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(POLL_INTERVAL_SECONDS - 60);
    expect(sandboxServer.sandbox.requests).toHaveLength(2); // 429 never reaches PAYJS

    const asReader = await call("/api/poll", { method: "POST", token: READ });
    expect(asReader.status).toBe(403);
  });

  it("serves every fixture complaint, newest first, verbatim", async () => {
    const answer = await call("/api/complaints?limit=500&include=raw", { token: READ });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(answer.headers.get("etag")).toBeTruthy();
    const { complaints, count, total, next_cursor, updated_at } = answer.json as {
      complaints: ApiComplaint[];
      count: number;
      total: number;
      next_cursor: string | null;
      updated_at: string | null;
    };
    expect(count).toBe(fixtures.length);
    expect(total).toBe(fixtures.length);
    expect(next_cursor).toBeNull();
    expect(updated_at).not.toBeNull();

    const instants = complaints.map((c) => Date.parse(c.complaint_at));
    expect(instants.every((t) => !Number.isNaN(t))).toBe(true);
    expect([...instants].sort((a, b) => b - a)).toEqual(instants);

    for (const fixture of fixtures) {
      const c = complaints.find((x) => x.out_trade_no === fixture.out_trade_no);
      expect(c, `complaint ${String(fixture.out_trade_no)}`).toBeDefined();
      expect(c!.raw).toEqual(fixture); // every field verbatim, unknown ones and nested nulls included
      expect(c!.mchid).toBe(mchid);
      expect(c!.complaint_at).toBe(beijingIso(fixture.complaint_at));
      expect(c!.order_id).toBe(fixture.order_id);
      expect(c!.total_fee).toBe(fixture.total_fee);
      expect(c!.body).toBe(fixture.body);
      expect(c!.active).toBe(true);
      if (typeof fixture.complaint_id === "string") expect(c!.id).toBe(fixture.complaint_id);
    }

    expect(complaints.find((c) => c.body === "商品未收到，要求退款")).toBeDefined();
    expect(complaints.find((c) => c.raw.refund_status === "PROCESSING")?.raw.refund_status).toBe("PROCESSING");

    const noId = complaints.filter((c) => !("complaint_id" in c.raw));
    expect(noId).toHaveLength(1);
    expect(noId[0]!.id).toMatch(/\S/);
    expect(new Set(complaints.map((c) => c.id)).size).toBe(complaints.length);
    const one = await call<ComplaintBody>(`/api/complaints/${encodeURIComponent(noId[0]!.id)}`, { token: READ });
    expect(one.status).toBe(200);
    expect(one.json.complaint.raw).toEqual(noId[0]!.raw);
    firstList = complaints;
  });

  it("reports the poll in /api/status", async () => {
    const status = await call<StatusBody>("/api/status", { token: READ });
    expect(status.status).toBe(200);
    const m = status.json.merchants.find((x) => x.mchid === mchid)!;
    expect(Date.parse(m.last_success_at as string)).not.toBeNaN();
    expect(m.last_attempt_at).toBe(m.last_success_at);
    expect(m.last_error).toBeNull();
    expect(m.consecutive_failures).toBe(0);
    expect(m.complaints_total).toBe(fixtures.length);
    expect(m.complaints_active).toBe(fixtures.length);
  });

  it("records the other merchant's upstream failure in the status, with the first merchant's data intact", async () => {
    const status = await call<StatusBody>("/api/status", { token: READ });
    const failed = status.json.merchants.find((x) => x.mchid === SANDBOX_MERCHANT_2.mchid);
    expect(failed).toMatchObject({
      last_success_at: null,
      consecutive_failures: 1,
      complaints_total: 0,
      last_error: { code: "http_status", message: expect.stringContaining("500"), at: expect.any(String) },
    });
    expect(await list()).toEqual(firstList);
    expect(await list(`mchid=${SANDBOX_MERCHANT_2.mchid}`)).toEqual([]);
  });

  it("never shows the PAYJS key in a response or in wrangler's output", () => {
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) expect(body).not.toContain(SANDBOX_MERCHANT.key);
    expect(worker.output()).toContain("Ready on");
    expect(worker.output()).not.toContain(SANDBOX_MERCHANT.key);
  });
});

describe("scripts/dev.ts (npm run dev)", () => {
  let child: ChildProcess | undefined;
  let persistDir: string | undefined;
  let output = "";

  afterEach((context) => {
    if (context.task.result?.state === "fail") console.error(`--- scripts/dev.ts output ---\n${output}`);
  });

  afterAll(async () => {
    if (child?.pid !== undefined && processGroupAlive(child.pid)) await stopProcessGroup(child.pid);
    if (persistDir !== undefined) rmSync(persistDir, { recursive: true, force: true });
  });

  it("starts the sandbox and wrangler, prints the URL and tokens, and stops everything on SIGINT", async () => {
    const port = await freePort();
    const inspectorPort = await freePort();
    persistDir = mkdtempSync(join(tmpdir(), "dev-script-"));
    const devVars = join(PROJECT_ROOT, ".dev.vars");
    const text = existsSync(devVars) ? readFileSync(devVars, "utf8") : "";
    const realCredentials = /^\s*(export\s+)?(PAYJS_KEY|PAYJS_MERCHANTS)\s*=\s*\S/m.test(text);

    child = spawn(
      join(PROJECT_ROOT, "node_modules/.bin/tsx"),
      [
        "scripts/dev.ts",
        "--sandbox-port",
        "0",
        "--",
        "--port",
        String(port),
        "--ip",
        "127.0.0.1",
        "--persist-to",
        persistDir,
        "--inspector-port",
        String(inspectorPort),
      ],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true, // its own process group: afterwards nothing may be left in it
      },
    );
    const pgid = child.pid!;
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child!.once("exit", (code, signal) => resolve({ code, signal })),
    );

    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (!output.includes("Ctrl-C stops everything")) {
      if (Date.now() > deadline) throw new Error("scripts/dev.ts printed no banner within 60 s");
      if (child.exitCode !== null) throw new Error(`scripts/dev.ts exited early with ${child.exitCode}`);
      await sleep(200);
    }
    expect(output).toContain(`running on ${url}`);
    expect(output).toContain(`curl "${url}/__scheduled?cron=${CRON}"`);
    if (!realCredentials) {
      expect(output).toMatch(/read token: +\S+/);
      expect(output).toMatch(/admin token: +\S+/);
      expect(output).toMatch(/local sandbox at http:\/\/127\.0\.0\.1:\d+\/api/);
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const wranglerPid = Number(/wrangler dev started \(PID (\d+)\)/.exec(output)?.[1]);
    expect(wranglerPid).toBeGreaterThan(0);
    expect(processAlive(wranglerPid)).toBe(true);

    process.kill(pgid, "SIGINT"); // the script's own PID only: it must stop wrangler itself
    const result = await Promise.race([exited, sleep(30_000).then(() => null)]);
    expect(result, "scripts/dev.ts did not exit within 30 s of SIGINT").not.toBeNull();
    expect(result!.code).toBe(0);
    expect(processAlive(wranglerPid)).toBe(false);
    // Nothing it started (wrangler, workerd, esbuild) is left in its process group; tsx's own esbuild
    // service ends on its own once its stdin closes, so allow it a moment.
    const drainDeadline = Date.now() + 5000;
    while (processGroupAlive(pgid) && Date.now() < drainDeadline) await sleep(100);
    expect(processGroupAlive(pgid)).toBe(false);
    await expect(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });
});
