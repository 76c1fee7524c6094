/**
 * `GET /api/complaints/{id}/order` and `POST /api/complaints/{id}/refund` inside workerd, complaints put there by a
 * real poll of the sandbox, which also answers `/check` and `/refund`, over KV held to production's rules.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { ServedComplaint } from "../src/domain/served";
import type { WorkerEnv } from "../src/env";
import type { ListBody } from "./support/api";
import { ADMIN_TOKEN, call, clearKv, fireCron, READ_TOKEN, routeUpstreamTo, testEnv } from "./support/worker";

const M1: string = SANDBOX_MERCHANT.mchid;
let sandbox: PayjsSandbox;
let target: ServedComplaint;
const MERCHANT = { PAYJS_MCHID: SANDBOX_MERCHANT.mchid, PAYJS_KEY: SANDBOX_MERCHANT.key };
const on = testEnv({ ...MERCHANT, ALLOW_REFUNDS: "true" });

const refund = (e: WorkerEnv, body: unknown, token = ADMIN_TOKEN) =>
  call(e, `/api/complaints/${encodeURIComponent(target.id)}/refund?mchid=${M1}`, {
    method: "POST",
    token,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const order = (token = ADMIN_TOKEN) => call(on, `/api/complaints/${encodeURIComponent(target.id)}/order?mchid=${M1}`, { token });
const refundCalls = () => sandbox.orderRequests.filter((r) => r.endpoint === "refund").length;
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT]);
  sandbox.setComplaints(M1, fixtureComplaints(M1));
  routeUpstreamTo(sandbox);
  await fireCron(on, Date.now());
  const listed = ((await (await call(on, "/api/complaints?limit=500")).json()) as ListBody).complaints;
  target = listed.find((c) => c.order_id !== "" && c.total_fee !== null && c.total_fee > 0) as ServedComplaint;
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("POST /api/complaints/{id}/refund", () => {
  it("Should call nothing when the amount typed is not the complaint's, or refunds are off, or the token only reads", async () => {
    const wrong = await refund(on, { total_fee: (target.total_fee as number) + 1 });
    expect([wrong.status, await errorCode(wrong)]).toEqual([400, "confirm_mismatch"]);
    const off = await refund(testEnv(MERCHANT), { total_fee: target.total_fee });
    expect([off.status, await errorCode(off)]).toEqual([403, "refunds_disabled"]);
    const read = await refund(on, { total_fee: target.total_fee }, READ_TOKEN);
    expect(read.status).toBe(403);
    expect(refundCalls()).toBe(0);
  });

  it("Should refund once, mark the complaint handled, and answer a repeat from the record without calling PAYJS", async () => {
    const res = await refund(on, { total_fee: target.total_fee, note: "商品未发出" });
    expect(res.status).toBe(200);
    const { complaint } = (await res.json()) as { complaint: ServedComplaint };
    expect(complaint.refund).toMatchObject({ state: "done", total_fee: target.total_fee });
    expect(complaint.handled?.note).toBe(`退款 ¥${((target.total_fee as number) / 100).toFixed(2)} 商品未发出`);
    expect(sandbox.getOrder(target.order_id)?.refunded).toBe(true);
    // Signed as the official PHP SDK signs every request: mchid posted and signed in.
    expect(sandbox.orderRequests.map((r) => [r.endpoint, r.mchid, r.mchid_posted])).toEqual([["refund", M1, true]]);
    const again = await refund(on, { total_fee: target.total_fee });
    expect(again.status).toBe(200);
    expect(refundCalls()).toBe(1);
    const listed = ((await (await call(on, "/api/complaints?limit=500")).json()) as ListBody).complaints.find((c) => c.id === target.id);
    expect(listed?.refund?.state).toBe("done");
  });

  it("Should make one PAYJS call for two requests at once", async () => {
    sandbox.setOrderMode("slow", { delayMs: 200 });
    const [a, b] = await Promise.all([refund(on, { total_fee: target.total_fee }), refund(on, { total_fee: target.total_fee })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(refundCalls()).toBe(1);
  });

  it("Should record a refusal with PAYJS's message and let the person try again", async () => {
    sandbox.setOrderMode("refund_refused", { times: 1 });
    const refused = await refund(on, { total_fee: target.total_fee });
    expect(refused.status).toBe(502);
    expect(await refused.json()).toMatchObject({ error: { code: "upstream_refused", message: expect.stringContaining("余额不足") } });
    const detail = (await (await call(on, `/api/complaints/${encodeURIComponent(target.id)}?mchid=${M1}`)).json()) as {
      complaint: ServedComplaint;
    };
    expect(detail.complaint.refund?.state).toBe("failed");
    expect(detail.complaint.handled).toBeNull();
    await new Promise((r) => setTimeout(r, 1100)); // KV takes one write of the attempt key a second
    expect((await refund(on, { total_fee: target.total_fee })).status).toBe(200);
    expect(refundCalls()).toBe(2);
  });

  it("Should never record an unsigned answer as done, nor a timeout: both stay unknown", async () => {
    sandbox.setOrderMode("unsigned", { times: 1 });
    const unsigned = await refund(on, { total_fee: target.total_fee });
    expect([unsigned.status, await errorCode(unsigned)]).toEqual([502, "upstream_invalid"]);
    const slow = testEnv({ ...MERCHANT, ALLOW_REFUNDS: "true", UPSTREAM_TIMEOUT_MS: "100" });
    sandbox.setOrderMode("slow", { delayMs: 2000 });
    await new Promise((r) => setTimeout(r, 1100));
    const timedOut = await refund(slow, { total_fee: target.total_fee });
    expect([timedOut.status, await errorCode(timedOut)]).toEqual([504, "refund_unknown"]);
    const detail = (await (await call(on, `/api/complaints/${encodeURIComponent(target.id)}?mchid=${M1}`)).json()) as {
      complaint: ServedComplaint;
    };
    expect(detail.complaint.refund?.state).toBe("unknown");
    expect(detail.complaint.handled).toBeNull();
  });
});

describe("GET /api/complaints/{id}/order", () => {
  it("Should answer the order from PAYJS once, then from the check kept for 10 minutes, and only to the admin token", async () => {
    const first = await order();
    expect(first.status).toBe(200);
    const body = (await first.json()) as { order: Record<string, unknown>; checked_at: string };
    expect(body.order).toMatchObject({ payjs_order_id: target.order_id, status: "paid", total_fee: target.total_fee });
    expect(JSON.stringify(body)).not.toContain('"sign"');
    const second = (await (await order()).json()) as { checked_at: string };
    expect(second.checked_at).toBe(body.checked_at);
    expect(sandbox.orderRequests.filter((r) => r.endpoint === "check").map((r) => [r.mchid, r.mchid_posted])).toEqual([[M1, true]]);
    expect((await order(READ_TOKEN)).status).toBe(403);
  });

  it("Should name PAYJS's refusal", async () => {
    sandbox.setOrderMode("http_500", { endpoint: "check" });
    const res = await order();
    expect([res.status, await errorCode(res)]).toEqual([502, "upstream_unavailable"]);
  });
});
