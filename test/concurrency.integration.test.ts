/**
 * Two invocations at once in one isolate — two cron ticks, or a tick and POST /api/poll — poll each
 * merchant once: no duplicate or lost complaint, no alert sent twice.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import { Receiver, routeFetch } from "./support/receiver";
import { ADMIN_TOKEN, call, clearKv, fireCron, testEnv } from "./support/worker";

const { mchid, key } = SANDBOX_MERCHANT;
let sandbox: PayjsSandbox;
let receiver: Receiver;
const e = () =>
  testEnv({ PAYJS_MCHID: mchid, PAYJS_KEY: key, NOTIFY_CHANNELS: JSON.stringify([{ type: "webhook", url: "https://hooks.test/in" }]) });

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT]);
  sandbox.setComplaints(mchid, fixtureComplaints(mchid));
  // A slow PAYJS widens the window in which the two invocations overlap.
  sandbox.setMode("timeout", { delayMs: 50 });
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
});
afterEach(() => vi.restoreAllMocks());

async function listIds(env: ReturnType<typeof e>): Promise<string[]> {
  const body = (await (await call(env, "/api/complaints?limit=500")).json()) as { complaints: { id: string }[] };
  return body.complaints.map((c) => c.id);
}

describe("concurrent polls", () => {
  it("Should poll once and alert once when two ticks run at the same time", async () => {
    const env = e();
    const now = Date.now();
    await Promise.all([fireCron(env, now), fireCron(env, now)]);
    expect(sandbox.requests).toHaveLength(1);
    const ids = await listIds(env);
    expect(ids).toHaveLength(fixtureComplaints(mchid).length);
    expect(new Set(ids).size).toBe(ids.length);
    const alerted = receiver.received.map((r) => JSON.parse(r.body).complaint.id as string);
    expect(alerted.sort()).toEqual([...ids].sort());
  });

  it("Should poll once when a tick and POST /api/poll arrive together", async () => {
    const env = e();
    const [, res] = await Promise.all([fireCron(env, Date.now()), call(env, "/api/poll", { method: "POST", token: ADMIN_TOKEN })]);
    expect([200, 429]).toContain(res.status);
    expect(sandbox.requests).toHaveLength(1);
    expect(receiver.received).toHaveLength(fixtureComplaints(mchid).length);
    expect(new Set(await listIds(env)).size).toBe(fixtureComplaints(mchid).length);
  });
});
