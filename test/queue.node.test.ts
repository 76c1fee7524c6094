/**
 * The poll queue as `npm run dev` runs it: the real `wrangler dev` with wrangler.toml's queue producer and consumer
 * (local Queues), the PAYJS sandbox on a Node server, three merchants. The cron polls the first due merchant itself
 * and sends the others to the queue; each is polled by the consumer in an invocation of its own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../sandbox/payjs-sandbox";
import { type SandboxServer, startSandboxServer } from "../sandbox/server";
import { startWranglerDev, type WranglerDev } from "./support/wrangler-dev";

const READ = "t-read";
const THIRD = { mchid: "1500000003", key: "third-key" };
const MERCHANTS = [SANDBOX_MERCHANT, SANDBOX_MERCHANT_2, THIRD];

describe("the poll queue under wrangler dev", () => {
  let sandboxServer: SandboxServer;
  let worker: WranglerDev;

  beforeAll(async () => {
    sandboxServer = await startSandboxServer({
      port: 0,
      sandbox: new PayjsSandbox(MERCHANTS, Object.fromEntries(MERCHANTS.map((m) => [m.mchid, fixtureComplaints(m.mchid)]))),
    });
    worker = await startWranglerDev({
      queue: true,
      vars: {
        PAYJS_API_BASE: `${sandboxServer.url}/api`,
        PAYJS_MCHID: SANDBOX_MERCHANT.mchid,
        PAYJS_KEY: SANDBOX_MERCHANT.key,
        PAYJS_MERCHANTS: JSON.stringify([SANDBOX_MERCHANT_2, THIRD]),
        API_TOKENS: READ,
      },
    });
  });

  afterEach((context) => {
    if (context.task.result?.state === "fail") console.error(`--- wrangler dev output ---\n${worker?.output()}`);
  });

  afterAll(async () => {
    await worker?.stop();
    await sandboxServer?.close();
  });

  async function statuses(): Promise<Record<string, { last_success_at: string | null; complaints_total: number }>> {
    const response = await fetch(`${worker.url}/api/status`, { headers: { authorization: `Bearer ${READ}` } });
    const body = (await response.json()) as { merchants: { mchid: string; last_success_at: string | null; complaints_total: number }[] };
    return Object.fromEntries(body.merchants.map((m) => [m.mchid, m]));
  }

  it("Should poll the first merchant in the tick and the others through the queue, each once", async () => {
    const fired = await fetch(`${worker.url}/__scheduled?cron=*/30+*+*+*+*`);
    expect(fired.status).toBe(200);
    // The first due merchant's poll is done when the tick returns.
    expect((await statuses())[SANDBOX_MERCHANT.mchid]?.complaints_total).toBe(fixtureComplaints(SANDBOX_MERCHANT.mchid).length);

    const deadline = Date.now() + 30_000;
    let seen = await statuses();
    while (Date.now() < deadline && MERCHANTS.some((m) => seen[m.mchid]?.last_success_at === null)) {
      await new Promise((r) => setTimeout(r, 200));
      seen = await statuses();
    }
    for (const m of MERCHANTS) expect(seen[m.mchid]?.complaints_total).toBe(fixtureComplaints(m.mchid).length);
    const calls = sandboxServer.sandbox.requests.map((r) => r.mchid).sort();
    expect(calls).toEqual(MERCHANTS.map((m) => m.mchid).sort());
    expect(worker.output()).toMatch(/"outcome":"enqueued","merchants":2/);
  });
});
