/**
 * The sandbox's order endpoints over real HTTP, as process tests and `npm run dev` reach them: a caller whose
 * time limit runs out before a slow refund answers closes its connection, and the refund has happened all the
 * same — the outcome a refund caller must treat as unknown.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signParams, verifySign } from "../src/payjs/sign";
import { fixtureComplaints } from "./fixtures";
import { SANDBOX_MERCHANT } from "./payjs-sandbox";
import { type SandboxServer, startSandboxServer } from "./server";

const ORDER_ID = String(fixtureComplaints(SANDBOX_MERCHANT.mchid)[0]!.order_id);

describe("the sandbox server's /api/check and /api/refund", () => {
  let server: SandboxServer;

  beforeAll(async () => {
    server = await startSandboxServer({ port: 0 });
  });
  beforeEach(async () => {
    await control("POST", "reset");
  });
  afterAll(async () => {
    await server?.close();
  });

  async function control(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${server.url}/__sandbox/${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  function post(endpoint: "check" | "refund", init: RequestInit = {}): Promise<Response> {
    const fields = { payjs_order_id: ORDER_ID };
    return fetch(`${server.url}/api/${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...fields, sign: signParams(fields, SANDBOX_MERCHANT.key) }).toString(),
      ...init,
    });
  }

  it("checks and refunds once, signed, and lists both calls", async () => {
    const checked = (await (await post("check")).json()) as Record<string, unknown>;
    expect(checked).toMatchObject({ return_code: 1, payjs_order_id: ORDER_ID, status: 1 });
    expect(verifySign(checked, SANDBOX_MERCHANT.key)).toBe(true);
    const refunded = (await (await post("refund")).json()) as Record<string, unknown>;
    expect(verifySign(refunded, SANDBOX_MERCHANT.key)).toBe(true);
    expect(await (await post("refund")).json()).toEqual({ return_code: 0, return_msg: "订单已退款" });
    const { requests, orders } = await control("GET", "requests");
    expect(requests).toEqual([]);
    expect((orders as { endpoint: string }[]).map((o) => o.endpoint)).toEqual(["check", "refund", "refund"]);
  });

  it("slow: the caller times out, the order is refunded anyway", async () => {
    await control("POST", "orders/mode", { mode: "slow", endpoint: "refund", delayMs: 5_000 });
    const error = await post("refund", { signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
    expect(await control("GET", `orders/${ORDER_ID}`)).toMatchObject({ refunded: true, refunds: 1 });
    await control("POST", "orders/mode", { mode: "ok" });
    expect(await (await post("refund")).json()).toEqual({ return_code: 0, return_msg: "订单已退款" });
  });
});
