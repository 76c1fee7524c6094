/**
 * `npm run dev` as a newcomer runs it: the sandbox, one dashboard build, wrangler dev without a warning about stale
 * types, the banner with the dev tokens, and complaints flowing once the cron fires; SIGTERM stops it all.
 * Skipped where a `.dev.vars` exists: `npm run dev` reads the developer's own settings from there (CI has none).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT, processGroupAlive, releasePort, reservePort, stopProcessGroup, wranglerEnv } from "./support/wrangler-dev";

const DEV_VARS = join(PROJECT_ROOT, ".dev.vars");

describe.skipIf(existsSync(DEV_VARS))("npm run dev", () => {
  let child: ChildProcess;
  let output = "";
  let port = 0;
  let base = "";
  const persist = mkdtempSync(join(tmpdir(), "payjs-dev-command-"));

  beforeAll(async () => {
    port = await reservePort();
    base = `http://127.0.0.1:${port}`;
    const tsx = join(PROJECT_ROOT, "node_modules/.bin/tsx");
    child = spawn(tsx, ["scripts/dev.ts", "--sandbox-port", "0", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persist], {
      cwd: PROJECT_ROOT,
      env: wranglerEnv(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 80_000;
    while (!output.includes("Ctrl-C stops everything.")) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm run dev did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 90_000);

  afterAll(async () => {
    if (child?.pid !== undefined) await stopProcessGroup(child.pid);
    releasePort(port);
    rmSync(persist, { recursive: true, force: true });
  });

  it("builds the dashboard once and starts wrangler without a stale-types warning", () => {
    expect(output.match(/\[dev\] dashboard built/g)).toHaveLength(1);
    expect(output).not.toContain("[custom build]");
    expect(output).not.toContain("types might be out of date");
  });

  it("prints the address and the dev tokens, and serves the dashboard", async () => {
    expect(output).toContain(`payjs-complaint-watch is running on http://127.0.0.1:${port}`);
    expect(output).toContain("read token:  dev-read-token");
    expect(output).toContain("admin token: dev-admin-token");
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('id="token"');
  });

  it("polls the sandbox when the cron fires", async () => {
    expect((await fetch(`${base}/__scheduled?cron=*/30+*+*+*+*`)).status).toBe(200);
    const response = await fetch(`${base}/api/complaints`, { headers: { Authorization: "Bearer dev-read-token" } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { complaints: unknown[] };
    expect(body.complaints.length).toBeGreaterThan(0);
  });

  it("stops wrangler and the sandbox on SIGTERM", async () => {
    const pid = child.pid as number;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    process.kill(pid, "SIGTERM");
    expect(await exited).toBe(0);
    const deadline = Date.now() + 10_000;
    while (processGroupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(processGroupAlive(pid)).toBe(false);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
