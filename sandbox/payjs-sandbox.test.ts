/**
 * The PAYJS sandbox, inside workerd: it signs what our verifier accepts, checks request signs like PAYJS,
 * and each failure mode and `complaints` shape produces what it says — both as raw HTTP and as seen by
 * our own upstream client (`callComplaints`) with `fetch` routed to the sandbox. Then the orders the
 * complaints name, through `/check` and `/refund`: refunded once, under modes of their own.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Merchant } from "../src/domain/merchant";
import { type ClientOptions, callComplaints, type UpstreamErrorCode } from "../src/payjs/client";
import { signParams, verifySign } from "../src/payjs/sign";
import { beijingText, fixtureComplaints, generateComplaints, parseBeijingText, SHARED_COMPLAINT_ID } from "./fixtures";
import {
  PayjsSandbox,
  SANDBOX_MERCHANT,
  SANDBOX_MERCHANT_2,
  SANDBOX_MODES,
  SANDBOX_ORDER_MODES,
  type SandboxMode,
  type SandboxOrderEndpoint,
  type SandboxOrderMode,
  type SandboxShape,
} from "./payjs-sandbox";

const NOW = Date.UTC(2026, 10, 8, 2, 0, 0); // 2026-11-08 10:00 Beijing
const BASE = "https://payjs.sandbox.test/api";
const M1: Merchant = { ...SANDBOX_MERCHANT, name: null };
const M2: Merchant = { ...SANDBOX_MERCHANT_2, name: null };

function newSandbox(): PayjsSandbox {
  return new PayjsSandbox([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2], {
    [M1.mchid]: fixtureComplaints(M1.mchid, NOW),
    [M2.mchid]: fixtureComplaints(M2.mchid, NOW),
  });
}

function complaintRequest(fields: Record<string, string>, init: RequestInit = {}): Request {
  return formRequest("complaint", fields, init);
}

function formRequest(path: string, fields: Record<string, string>, init: RequestInit = {}): Request {
  return new Request(`${BASE}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    ...init,
  });
}

function signedRequest(merchant: { mchid: string; key: string } = M1, init: RequestInit = {}): Request {
  return complaintRequest({ mchid: merchant.mchid, sign: signParams({ mchid: merchant.mchid }, merchant.key) }, init);
}

/** `POST …/check` or `…/refund` of one order, signed with the merchant's key (or as `fields` say). */
function orderRequest(
  endpoint: SandboxOrderEndpoint,
  payjsOrderId: string,
  merchant: { key: string } = M1,
  init: RequestInit = {},
): Request {
  const fields = { payjs_order_id: payjsOrderId };
  return formRequest(endpoint, { ...fields, sign: signParams(fields, merchant.key) }, init);
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

let sandbox: PayjsSandbox;
beforeEach(() => {
  sandbox = newSandbox();
});
afterEach(() => {
  sandbox.reset();
  vi.restoreAllMocks();
});

describe("fixtures", () => {
  const items = fixtureComplaints(M1.mchid, NOW);

  it("has 13+ realistic items over the last ~30 days, newest first, at distinct times", () => {
    expect(items.length).toBeGreaterThanOrEqual(13);
    const times = items.map((c) => String(c.complaint_at));
    for (const t of times) expect(t).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(new Set(times).size).toBe(times.length);
    expect([...times].sort().reverse()).toEqual(times);
    expect(times[0]! < beijingText(NOW)).toBe(true);
    expect(times.at(-1)! > beijingText(NOW - 31 * 86_400_000)).toBe(true);
    for (const c of items) expect(Number.isInteger(c.total_fee)).toBe(true);
  });

  it("covers the awkward cases", () => {
    const bodies = items.map((c) => c.body);
    expect(bodies).toContain("商品未收到，要求退款");
    expect(bodies).toContain("");
    expect(bodies).toContain("<img src=x onerror=alert(1)>");
    expect(bodies).toContain('=HYPERLINK("x")');
    expect(items.some((c) => c.refund_status === "PROCESSING")).toBe(true);
    expect(items.filter((c) => !("complaint_id" in c))).toHaveLength(1);
    expect(items[0]!.complaint_id).toBe(SHARED_COMPLAINT_ID);
    expect(fixtureComplaints(M2.mchid, NOW)[0]!.complaint_id).toBe(SHARED_COMPLAINT_ID);
  });

  it("is deterministic for one Beijing day and distinct per merchant", () => {
    expect(fixtureComplaints(M1.mchid, NOW + 3600_000)).toEqual(items);
    const other = fixtureComplaints(M2.mchid, NOW);
    const ids1 = new Set<unknown>(
      items
        .slice(1)
        .map((c) => c.complaint_id)
        .filter((id) => id !== undefined),
    );
    expect(other.slice(1).some((c) => ids1.has(c.complaint_id))).toBe(false);
    expect(other.map((c) => c.order_id).some((id) => items.some((c) => c.order_id === id))).toBe(false);
  });

  it("generates N deterministic complaints of about 500 bytes each", () => {
    const a = generateComplaints(M1.mchid, 200, NOW);
    expect(a).toHaveLength(200);
    expect(generateComplaints(M1.mchid, 200, NOW)).toEqual(a);
    expect(new Set(a.map((c) => c.complaint_id)).size).toBe(200);
    const bytes = new TextEncoder().encode(JSON.stringify(a)).length / 200;
    expect(bytes).toBeGreaterThan(400);
    expect(bytes).toBeLessThan(600);
  });
});

describe("signing", () => {
  it("answers a signed request with a signed success our verifier accepts", async () => {
    const response = await sandbox.fetch(signedRequest());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await json(response);
    expect(body).toMatchObject({ return_code: 1, return_msg: "SUCCESS", mchid: M1.mchid });
    expect(body.sign).toMatch(/^[0-9A-F]{32}$/);
    expect(verifySign(body, M1.key)).toBe(true);
    expect(verifySign(body, M2.key)).toBe(false);
    expect(body.complaints).toEqual(fixtureComplaints(M1.mchid, NOW));
    expect(sandbox.requests).toEqual([{ mchid: M1.mchid, signValid: true, at: expect.any(String), mode: "ok" }]);
  });

  it("signs every field: tampering with any nested value breaks the sign", async () => {
    const body = await json(await sandbox.fetch(signedRequest()));
    const tampered = structuredClone(body) as { complaints: Record<string, unknown>[] };
    tampered.complaints[3]!.body = "x";
    expect(verifySign(tampered, M1.key)).toBe(false);
    const extra = { ...body, extra_field: "1" };
    expect(verifySign(extra, M1.key)).toBe(false);
  });

  it("serves each merchant its own complaints under its own key", async () => {
    const body = await json(await sandbox.fetch(signedRequest(M2)));
    expect(body.mchid).toBe(M2.mchid);
    expect(verifySign(body, M2.key)).toBe(true);
    expect(body.complaints).toEqual(fixtureComplaints(M2.mchid, NOW));
  });

  it.each([
    ["a wrong sign", { mchid: M1.mchid, sign: signParams({ mchid: M1.mchid }, "not-the-key") }, "签名错误"],
    ["no sign", { mchid: M1.mchid }, "签名错误"],
    ["an unknown mchid", { mchid: "1599999999", sign: signParams({ mchid: "1599999999" }, M1.key) }, "签名错误"],
    ["another merchant's key", { mchid: M1.mchid, sign: signParams({ mchid: M1.mchid }, M2.key) }, "签名错误"],
    ["no mchid", { sign: "ABC" }, "mchid 不能为空"],
  ])("rejects %s with return_code 0 (HTTP 200)", async (_, fields, message) => {
    const response = await sandbox.fetch(complaintRequest(fields));
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ return_code: 0, return_msg: message });
    expect(sandbox.requests[0]!.signValid).toBe(false);
  });

  it("accepts a sign over extra posted fields, like PAYJS verifies everything posted", async () => {
    const fields = { mchid: M1.mchid, nonce: "abc" };
    const response = await sandbox.fetch(complaintRequest({ ...fields, sign: signParams(fields, M1.key) }));
    expect((await json(response)).return_code).toBe(1);
  });

  it("reads a multipart form too, and ignores a JSON body like PHP's $_POST", async () => {
    const form = new FormData();
    form.set("mchid", M1.mchid);
    form.set("sign", signParams({ mchid: M1.mchid }, M1.key));
    const multipart = await sandbox.fetch(new Request(`${BASE}/complaint`, { method: "POST", body: form }));
    expect((await json(multipart)).return_code).toBe(1);
    const asJson = await sandbox.fetch(
      new Request(`${BASE}/complaint`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ mchid: M1.mchid, sign: signParams({ mchid: M1.mchid }, M1.key) }),
      }),
    );
    expect((await json(asJson)).return_code).toBe(0);
  });

  it("answers 404 off the complaint path and 405 for other methods", async () => {
    expect((await sandbox.fetch(new Request(`${BASE}/native`, { method: "POST" }))).status).toBe(404);
    const get = await sandbox.fetch(new Request(`${BASE}/complaint`));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(sandbox.requests).toHaveLength(0);
  });
});

describe("modes", () => {
  it("timeout: never answers, then rejects with the request signal's reason", async () => {
    sandbox.setMode("timeout");
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const pending = sandbox.fetch(signedRequest(M1, { signal: controller.signal }));
    const settled = await Promise.race([
      pending.then(
        () => "settled",
        () => "settled",
      ),
      sleep(100).then(() => "pending"),
    ]);
    expect(settled).toBe("pending");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("timeout: rejects with the TimeoutError of AbortSignal.timeout, like real fetch", async () => {
    sandbox.setMode("timeout");
    const error = await sandbox.fetch(signedRequest(M1, { signal: AbortSignal.timeout(50) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe("TimeoutError");
  });

  it("timeout with delayMs: answers like ok after the delay, unless aborted first", async () => {
    sandbox.setMode("timeout", { delayMs: 150 });
    const started = Date.now();
    const body = await json(await sandbox.fetch(signedRequest()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(verifySign(body, M1.key)).toBe(true);
    const error = await sandbox.fetch(signedRequest(M1, { signal: AbortSignal.timeout(30) })).catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
  });

  it("reset releases a held request", async () => {
    sandbox.setMode("timeout");
    const pending = sandbox.fetch(signedRequest());
    await sleep(10);
    sandbox.reset();
    await expect(pending).rejects.toThrow(/reset/);
  });

  it.each([
    ["http_500_html", 500, /^text\/html/, /<html>[\s\S]*500/],
    ["http_502", 502, /^text\/plain/, /502/],
    ["http_429", 429, /^text\/plain/, /429/],
    ["http_404", 404, /^text\/plain/, /404/],
    ["html_200", 200, /^text\/html/, /<html/],
    ["not_json", 200, /^text\/plain/, /系统繁忙/],
  ] as const)("%s answers HTTP %i with a non-JSON body, before checking the sign", async (mode, status, type, text) => {
    sandbox.setMode(mode);
    for (const request of [signedRequest(), complaintRequest({ mchid: M1.mchid, sign: "WRONG" })]) {
      const response = await sandbox.fetch(request);
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toMatch(type);
      const body = await response.text();
      expect(body).toMatch(text);
      expect(() => JSON.parse(body)).toThrow();
    }
    expect(sandbox.requests.map((r) => [r.mode, r.signValid])).toEqual([
      [mode, true],
      [mode, false],
    ]);
  });

  it("truncated_json: the first half of a valid signed body", async () => {
    const full = await (await sandbox.fetch(signedRequest())).text();
    sandbox.setMode("truncated_json");
    const response = await sandbox.fetch(signedRequest());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const text = await response.text();
    expect(text).toBe(full.slice(0, Math.floor(full.length / 2)));
    expect(() => JSON.parse(text)).toThrow();
  });

  it("empty_object: {}", async () => {
    sandbox.setMode("empty_object");
    const response = await sandbox.fetch(signedRequest());
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("{}");
  });

  it("return_code_0: return_code 0 with return_msg (default or given)", async () => {
    sandbox.setMode("return_code_0");
    expect(await json(await sandbox.fetch(signedRequest()))).toEqual({ return_code: 0, return_msg: expect.any(String) });
    sandbox.setMode("return_code_0", { returnMsg: "请求过于频繁" });
    expect(await json(await sandbox.fetch(signedRequest()))).toEqual({ return_code: 0, return_msg: "请求过于频繁" });
  });

  it("return_code_0_msg_only: return_code 0 with msg and no return_msg", async () => {
    sandbox.setMode("return_code_0_msg_only", { returnMsg: "账户已冻结" });
    expect(await json(await sandbox.fetch(signedRequest()))).toEqual({ return_code: 0, msg: "账户已冻结" });
  });

  it("bad_sign: a valid body whose sign is wrong", async () => {
    sandbox.setMode("bad_sign");
    const body = await json(await sandbox.fetch(signedRequest()));
    expect(body).toMatchObject({ return_code: 1, mchid: M1.mchid, complaints: fixtureComplaints(M1.mchid, NOW) });
    expect(body.sign).toMatch(/^[0-9A-F]{32}$/);
    expect(verifySign(body, M1.key)).toBe(false);
  });

  it("unsigned: a valid body with no sign field", async () => {
    sandbox.setMode("unsigned");
    const body = await json(await sandbox.fetch(signedRequest()));
    expect(body).toMatchObject({ return_code: 1, complaints: fixtureComplaints(M1.mchid, NOW) });
    expect("sign" in body).toBe(false);
  });

  it("huge: 10 000 generated complaints by default, about 5 MB, signed", async () => {
    sandbox.setMode("huge");
    const text = await (await sandbox.fetch(signedRequest())).text();
    const bytes = new TextEncoder().encode(text).length;
    expect(bytes).toBeGreaterThan(4_000_000);
    expect(bytes).toBeLessThan(6_500_000);
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body.complaints).toHaveLength(10_000);
    expect(verifySign(body, M1.key)).toBe(true);
  });

  it("huge with count, stable across calls", async () => {
    sandbox.setMode("huge", { count: 123 });
    const a = await json(await sandbox.fetch(signedRequest()));
    const b = await json(await sandbox.fetch(signedRequest()));
    expect(a.complaints).toHaveLength(123);
    expect(b).toEqual(a);
  });

  it("the modes that need a valid request sign still refuse a bad one", async () => {
    for (const mode of ["empty_object", "return_code_0", "bad_sign", "unsigned", "huge", "truncated_json"] as const) {
      sandbox.setMode(mode, { count: 3 });
      const body = await json(await sandbox.fetch(complaintRequest({ mchid: M1.mchid, sign: "WRONG" })));
      expect(body).toEqual({ return_code: 0, return_msg: "签名错误" });
    }
  });

  it("times: applies to the next N requests only", async () => {
    sandbox.setMode("http_502", { times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await sandbox.fetch(signedRequest())).status);
    expect(statuses).toEqual([502, 502, 200]);
    expect(sandbox.currentMode.mode).toBe("ok");
  });

  it("mchid: applies to that merchant only", async () => {
    sandbox.setMode("http_502", { mchid: M2.mchid });
    expect((await sandbox.fetch(signedRequest(M2))).status).toBe(502);
    expect((await sandbox.fetch(signedRequest(M1))).status).toBe(200);
    expect(sandbox.requests.map((r) => r.mode)).toEqual(["http_502", "ok"]);
  });

  it("delayMs delays any mode", async () => {
    sandbox.setMode("http_429", { delayMs: 80 });
    const started = Date.now();
    expect((await sandbox.fetch(signedRequest())).status).toBe(429);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
  });

  it("rejects an unknown mode", () => {
    expect(() => sandbox.setMode("nope" as SandboxMode)).toThrow(/Unknown sandbox mode/);
  });
});

describe("shapes", () => {
  const fixtures = fixtureComplaints(M1.mchid, NOW);
  it.each([
    ["array", fixtures],
    ["object", Object.fromEntries(fixtures.map((c, i) => [String(i), c]))],
    ["json_string", JSON.stringify(fixtures)],
    ["empty_string", ""],
    ["null", null],
  ] as const)("%s: complaints is sent as that, and signed", async (shape, expected) => {
    sandbox.setShape(shape);
    const body = await json(await sandbox.fetch(signedRequest()));
    expect(body.complaints).toEqual(expected);
    expect(verifySign(body, M1.key)).toBe(true);
  });

  it("absent: no complaints field, signed", async () => {
    sandbox.setShape("absent");
    const body = await json(await sandbox.fetch(signedRequest()));
    expect("complaints" in body).toBe(false);
    expect(verifySign(body, M1.key)).toBe(true);
  });

  it("object with no complaints is {}", async () => {
    sandbox.setComplaints(M1.mchid, []);
    sandbox.setShape("object");
    const body = await json(await sandbox.fetch(signedRequest()));
    expect(body.complaints).toEqual({});
    expect(verifySign(body, M1.key)).toBe(true);
  });
});

describe("state", () => {
  it("setComplaints, addComplaint (on top), removeComplaint, reset", async () => {
    const one = { complaint_id: "X1", complaint_at: "2026-11-08 09:00:00", out_trade_no: "a", order_id: "b", total_fee: 1, body: "新投诉" };
    sandbox.setComplaints(M1.mchid, [one]);
    sandbox.addComplaint(M1.mchid, { ...one, complaint_id: "X2" });
    expect(sandbox.getComplaints(M1.mchid).map((c) => c.complaint_id)).toEqual(["X2", "X1"]);
    expect(sandbox.removeComplaint(M1.mchid, "X1")).toBe(1);
    expect(sandbox.removeComplaint(M1.mchid, "X1")).toBe(0);
    const body = await json(await sandbox.fetch(signedRequest()));
    expect(body.complaints).toEqual([{ ...one, complaint_id: "X2" }]);
    sandbox.setMode("bad_sign");
    sandbox.setShape("null");
    sandbox.reset();
    expect(sandbox.requests).toHaveLength(0);
    expect(sandbox.currentMode).toEqual({ mode: "ok", options: {}, shape: "array" });
    expect(sandbox.getComplaints(M1.mchid)).toEqual(fixtures());
  });

  it("keeps its own copies of the items it is given", () => {
    const items = [{ complaint_id: "Y", body: "a" }];
    sandbox.setComplaints(M1.mchid, items);
    items[0]!.body = "changed";
    expect(sandbox.getComplaints(M1.mchid)[0]!.body).toBe("a");
  });

  it("refuses an unknown merchant", () => {
    expect(() => sandbox.setComplaints("42", [])).toThrow(/no merchant 42/);
  });

  function fixtures(): Record<string, unknown>[] {
    return fixtureComplaints(M1.mchid, NOW);
  }
});

describe("control API", () => {
  const control = (method: string, path: string, body?: unknown): Promise<Response | null> =>
    sandbox.control(
      new Request(`http://sandbox.test/__sandbox/${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );

  it("is null for other paths", async () => {
    expect(await sandbox.control(new Request("http://sandbox.test/api/complaint", { method: "POST" }))).toBeNull();
  });

  it("sets mode and shape, edits complaints, lists requests, resets", async () => {
    expect((await control("POST", "mode", { mode: "return_code_0", returnMsg: "停用", times: 1 }))!.status).toBe(200);
    expect(await json(await sandbox.fetch(signedRequest()))).toEqual({ return_code: 0, return_msg: "停用" });
    expect((await control("POST", "shape", { shape: "json_string" }))!.status).toBe(200);
    expect((await control("PUT", `complaints/${M1.mchid}`, [{ complaint_id: "A", body: "甲" }]))!.status).toBe(200);
    expect((await control("POST", `complaints/${M1.mchid}`, { complaint_id: "B", body: "乙" }))!.status).toBe(200);
    expect((await control("DELETE", `complaints/${M1.mchid}/A`))!.status).toBe(200);
    expect((await control("DELETE", `complaints/${M1.mchid}/A`))!.status).toBe(404);
    const listed = await json((await control("GET", `complaints/${M1.mchid}`))!);
    expect(listed.complaints).toEqual([{ complaint_id: "B", body: "乙" }]);
    const body = await json(await sandbox.fetch(signedRequest()));
    expect(body.complaints).toBe(JSON.stringify([{ complaint_id: "B", body: "乙" }]));
    expect(verifySign(body, M1.key)).toBe(true);
    const requests = await json((await control("GET", "requests"))!);
    expect(requests.requests).toHaveLength(2);
    expect((await control("POST", "reset"))!.status).toBe(200);
    expect(sandbox.requests).toHaveLength(0);
  });

  it("answers 400 for bad input and 404 for unknown merchants and routes", async () => {
    expect((await control("POST", "mode", { mode: "sideways" }))!.status).toBe(400);
    expect((await control("POST", "mode", { mode: "huge", count: "many" }))!.status).toBe(400);
    expect((await control("POST", "shape", { shape: "tree" }))!.status).toBe(400);
    expect((await control("PUT", `complaints/${M1.mchid}`, { not: "an array" }))!.status).toBe(400);
    expect((await control("PUT", "complaints/42", []))!.status).toBe(404);
    expect((await control("GET", "nothing"))!.status).toBe(404);
  });

  it("knows every mode", async () => {
    for (const mode of SANDBOX_MODES) expect((await control("POST", "mode", { mode }))!.status).toBe(200);
  });
});

/** Our own upstream client against the sandbox: `fetch` routed to `sandbox.fetch`. */
describe("as seen by callComplaints", () => {
  const options = { apiBase: BASE, timeoutMs: 200, signaturePolicy: "strict" as const };
  const complaintsResult = async (merchant: Merchant, o: ClientOptions) => (await callComplaints(merchant, o)).result;
  beforeEach(() => {
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => sandbox.fetch(new Request(input, init)));
  });

  it("ok: every fixture arrives verbatim", async () => {
    const result = await complaintsResult(M1, options);
    expect(result).toMatchObject({ ok: true, items: fixtureComplaints(M1.mchid, NOW) });
    expect(sandbox.requests).toEqual([{ mchid: M1.mchid, signValid: true, at: expect.any(String), mode: "ok" }]);
  });

  it.each([
    ["timeout", {}, "timeout", true],
    ["http_500_html", {}, "http_status", true],
    ["http_502", {}, "http_status", true],
    ["http_429", {}, "http_status", true],
    ["http_404", {}, "http_status", false],
    ["html_200", {}, "not_json", true],
    ["not_json", {}, "not_json", true],
    ["truncated_json", {}, "not_json", true],
    ["empty_object", {}, "upstream_error", false],
    ["return_code_0", { returnMsg: "频率过高" }, "upstream_error", true],
    ["return_code_0", { returnMsg: "请求过于频繁，请4小时后再试" }, "upstream_error", true],
    ["return_code_0", { returnMsg: "商户未开通投诉接口" }, "upstream_error", false],
    ["return_code_0_msg_only", { returnMsg: "商户已禁用" }, "upstream_error", false],
    ["bad_sign", {}, "bad_signature", false],
    ["unsigned", {}, "unsigned", false],
  ] as const)("%s %o → %s", async (mode, modeOptions, code: UpstreamErrorCode, transient) => {
    sandbox.setMode(mode, modeOptions);
    const result = await complaintsResult(M1, options);
    expect(result).toEqual({
      ok: false,
      error: { code, message: expect.any(String), transient, ...("returnMsg" in modeOptions ? { said: modeOptions.returnMsg } : {}) },
    });
    if ("returnMsg" in modeOptions && !result.ok) expect(result.error.message).toContain(modeOptions.returnMsg);
  });

  it("unsigned is accepted when ALLOW_UNSIGNED_RESPONSES", async () => {
    sandbox.setMode("unsigned");
    const result = await complaintsResult(M1, { ...options, signaturePolicy: "if_present" });
    expect(result.ok && result.items.length).toBe(fixtureComplaints(M1.mchid, NOW).length);
  });

  it("a slow answer within the time limit is fine", async () => {
    sandbox.setMode("timeout", { delayMs: 50 });
    expect((await complaintsResult(M1, options)).ok).toBe(true);
  });

  it("huge: all 10 000 arrive", async () => {
    sandbox.setMode("huge");
    const result = await complaintsResult(M1, { ...options, timeoutMs: 20_000 });
    expect(result.ok && result.items.length).toBe(10_000);
  });

  it.each([
    ["array", 15],
    ["object", 15],
    ["json_string", 15],
    ["empty_string", 0],
    ["null", 0],
    ["absent", 0],
  ] as [SandboxShape, number][])("shape %s → %i items", async (shape, count) => {
    sandbox.setShape(shape);
    const result = await complaintsResult(M1, options);
    expect(result.ok && result.items.length).toBe(count === 15 ? fixtureComplaints(M1.mchid, NOW).length : 0);
    if (result.ok && count > 0) expect(result.items).toEqual(fixtureComplaints(M1.mchid, NOW));
  });

  it("the second merchant is signed with its own key", async () => {
    const result = await complaintsResult(M2, options);
    expect(result).toMatchObject({ ok: true, items: fixtureComplaints(M2.mchid, NOW) });
    const wrongKey = await complaintsResult({ ...M2, key: M1.key }, options);
    expect(wrongKey).toMatchObject({ ok: false, error: { code: "upstream_error" } });
    expect(!wrongKey.ok && wrongKey.error.message).toContain("签名错误");
  });
});

describe("orders: /check", () => {
  const complaint = fixtureComplaints(M1.mchid, NOW)[0]!;
  const ORDER_ID = String(complaint.order_id);
  const check = (id = ORDER_ID, merchant: { key: string } = M1) => sandbox.fetch(orderRequest("check", id, merchant));

  it("answers a fixture order with PAYJS's documented fields, signed with the merchant's key", async () => {
    const response = await check();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await json(response);
    expect(Object.keys(body)).toEqual([
      "return_code",
      "mchid",
      "out_trade_no",
      "payjs_order_id",
      "transaction_id",
      "status",
      "openid",
      "total_fee",
      "paid_time",
      "attach",
      "sign",
    ]);
    expect(body).toMatchObject({
      return_code: 1,
      mchid: M1.mchid,
      out_trade_no: complaint.out_trade_no,
      payjs_order_id: ORDER_ID,
      status: 1,
      total_fee: complaint.total_fee,
      attach: "",
    });
    expect(body.transaction_id).toMatch(/^4200\d{24}$/);
    expect(body.openid).toMatch(/^o-sandbox-/);
    const paid = parseBeijingText(String(body.paid_time))!;
    const complained = parseBeijingText(String(complaint.complaint_at))!;
    expect(complained - paid).toBeGreaterThan(0);
    expect(complained - paid).toBeLessThanOrEqual(15 * 60_000);
    expect(body.sign).toMatch(/^[0-9A-F]{32}$/);
    expect(verifySign(body, M1.key)).toBe(true);
    expect(verifySign(body, M2.key)).toBe(false);
  });

  it("knows an order for every fixture complaint of every merchant, made up the same way each time", async () => {
    for (const m of [M1, M2]) {
      const complaints = fixtureComplaints(m.mchid, NOW);
      expect(sandbox.listOrders(m.mchid).map((o) => o.order.payjs_order_id)).toEqual(complaints.map((c) => c.order_id));
      for (const c of complaints) expect(sandbox.getOrder(String(c.order_id))?.order.total_fee).toBe(c.total_fee);
    }
    expect(newSandbox().getOrder(ORDER_ID)).toEqual(sandbox.getOrder(ORDER_ID));
  });

  it("answers the second merchant's orders under its key, and to no other merchant", async () => {
    const order = String(fixtureComplaints(M2.mchid, NOW)[4]!.order_id);
    const body = await json(await check(order, M2));
    expect(body).toMatchObject({ return_code: 1, mchid: M2.mchid, payjs_order_id: order });
    expect(verifySign(body, M2.key)).toBe(true);
    expect(await json(await check(order, M1))).toEqual({ return_code: 0, return_msg: "订单不存在" });
    expect(sandbox.orderRequests.map((r) => r.mchid)).toEqual([M2.mchid, M1.mchid]);
  });

  it("takes mchid posted and signed in, as the PHP SDK sends it: the sign must then verify with that merchant's key", async () => {
    const signed = (fields: Record<string, string>, key: string) => ({ ...fields, sign: signParams(fields, key) });
    const withMchid = { mchid: M1.mchid, payjs_order_id: ORDER_ID };
    const body = await json(await sandbox.fetch(formRequest("check", signed(withMchid, M1.key))));
    expect(body).toMatchObject({ return_code: 1, mchid: M1.mchid, payjs_order_id: ORDER_ID });
    // Another merchant's mchid with M1's key, or M1's mchid with M2's key: no merchant's sign.
    const otherMchid = { mchid: M2.mchid, payjs_order_id: ORDER_ID };
    expect(await json(await sandbox.fetch(formRequest("check", signed(otherMchid, M1.key))))).toEqual({
      return_code: 0,
      return_msg: "签名错误",
    });
    expect(await json(await sandbox.fetch(formRequest("refund", signed(withMchid, M2.key))))).toEqual({
      return_code: 0,
      return_msg: "签名错误",
    });
    expect(sandbox.orderRequests.map((r) => [r.mchid, r.mchid_posted])).toEqual([
      [M1.mchid, true],
      [null, true],
      [null, true],
    ]);
    expect(sandbox.getOrder(ORDER_ID)).toMatchObject({ refunded: false, refunds: 0 });
  });

  it("answers 订单不存在 for an unknown order or none", async () => {
    expect(await json(await check("20260000999999999999"))).toEqual({ return_code: 0, return_msg: "订单不存在" });
    const none = await sandbox.fetch(formRequest("check", { sign: signParams({}, M1.key) }));
    expect(await json(none)).toEqual({ return_code: 0, return_msg: "订单不存在" });
  });

  it.each([
    ["a wrong sign", { payjs_order_id: ORDER_ID, sign: signParams({ payjs_order_id: ORDER_ID }, "not-the-key") }],
    ["no sign", { payjs_order_id: ORDER_ID }],
    ["a sign over other fields", { payjs_order_id: ORDER_ID, sign: signParams({ payjs_order_id: "1" }, M1.key) }],
  ])("refuses %s with 签名错误, as /complaint does", async (_, fields) => {
    for (const endpoint of ["check", "refund"] as const) {
      const response = await sandbox.fetch(formRequest(endpoint, fields));
      expect(response.status).toBe(200);
      expect(await json(response)).toEqual({ return_code: 0, return_msg: "签名错误" });
    }
    expect(sandbox.orderRequests.map((r) => r.mchid)).toEqual([null, null]);
    expect(sandbox.getOrder(ORDER_ID)).toMatchObject({ refunded: false, refunds: 0 });
  });

  it("answers 405 to other methods, and leaves the complaint log alone", async () => {
    const get = await sandbox.fetch(new Request(`${BASE}/check`));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    await check();
    expect(sandbox.requests).toHaveLength(0);
    expect(sandbox.orderRequests).toHaveLength(1);
  });
});

describe("orders: /refund", () => {
  const complaint = fixtureComplaints(M1.mchid, NOW)[0]!;
  const ORDER_ID = String(complaint.order_id);
  const refund = (id = ORDER_ID, init: RequestInit = {}) => sandbox.fetch(orderRequest("refund", id, M1, init));
  const state = () => sandbox.getOrder(ORDER_ID)!;

  it("refunds the whole order once, signed; a second refund answers 订单已退款; check still says paid", async () => {
    const body = await json(await refund());
    expect(body).toEqual({
      return_code: 1,
      return_msg: "SUCCESS",
      payjs_order_id: ORDER_ID,
      out_trade_no: complaint.out_trade_no,
      transaction_id: state().order.transaction_id,
      refund: complaint.total_fee,
      sign: expect.stringMatching(/^[0-9A-F]{32}$/),
    });
    expect(verifySign(body, M1.key)).toBe(true);
    expect(state()).toMatchObject({ mchid: M1.mchid, refunded: true, refunded_at: expect.any(String), refunds: 1 });

    expect(await json(await refund())).toEqual({ return_code: 0, return_msg: "订单已退款" });
    expect(state()).toMatchObject({ refunded: true, refunds: 2 });
    const checked = await json(await sandbox.fetch(orderRequest("check", ORDER_ID)));
    expect(checked).toMatchObject({ return_code: 1, status: 1 });
    expect(verifySign(checked, M1.key)).toBe(true);
    expect(sandbox.orderRequests.map((r) => r.endpoint === "refund" && r.refunded)).toEqual([true, false, false]);
  });

  it("answers 订单未支付 for an unpaid order and refunds nothing", async () => {
    sandbox.updateOrder(ORDER_ID, { status: 0, paid_time: "" });
    expect(await json(await refund())).toEqual({ return_code: 0, return_msg: "订单未支付" });
    expect(state()).toMatchObject({ refunded: false, refunds: 1 });
    const checked = await json(await sandbox.fetch(orderRequest("check", ORDER_ID)));
    expect(checked).toMatchObject({ status: 0, paid_time: "" });
    expect(verifySign(checked, M1.key)).toBe(true);
  });

  it("answers 订单不存在 for an unknown order, and for another merchant's", async () => {
    expect(await json(await refund("1"))).toEqual({ return_code: 0, return_msg: "订单不存在" });
    const other = String(fixtureComplaints(M2.mchid, NOW)[0]!.order_id);
    expect(await json(await refund(other))).toEqual({ return_code: 0, return_msg: "订单不存在" });
    expect(sandbox.getOrder(other)).toMatchObject({ refunded: false, refunds: 0 });
  });

  it("the second merchant's refunds are signed with its key", async () => {
    const other = String(fixtureComplaints(M2.mchid, NOW)[1]!.order_id);
    const body = await json(await sandbox.fetch(orderRequest("refund", other, M2)));
    expect(body).toMatchObject({ return_code: 1, payjs_order_id: other });
    expect(verifySign(body, M2.key)).toBe(true);
    expect(verifySign(body, M1.key)).toBe(false);
    expect(sandbox.getOrder(other)).toMatchObject({ mchid: M2.mchid, refunded: true });
  });
});

describe("orders: modes", () => {
  const ORDER_ID = String(fixtureComplaints(M1.mchid, NOW)[0]!.order_id);
  const refund = (init: RequestInit = {}) => sandbox.fetch(orderRequest("refund", ORDER_ID, M1, init));
  const check = () => sandbox.fetch(orderRequest("check", ORDER_ID));
  const state = () => sandbox.getOrder(ORDER_ID)!;

  it("refund_refused: return_code 0 with 余额不足 or the given message, nothing refunded; checks unaffected", async () => {
    sandbox.setOrderMode("refund_refused");
    expect(await json(await refund())).toEqual({ return_code: 0, return_msg: "余额不足" });
    expect((await json(await check())).return_code).toBe(1);
    sandbox.setOrderMode("refund_refused", { returnMsg: "退款金额超过可退金额" });
    expect(await json(await refund())).toEqual({ return_code: 0, return_msg: "退款金额超过可退金额" });
    expect(state()).toMatchObject({ refunded: false, refunds: 2 });
    expect(sandbox.orderRequests.map((r) => r.mode)).toEqual(["refund_refused", "ok", "refund_refused"]);

    sandbox.setOrderMode("ok");
    const body = await json(await refund());
    expect(body.return_code).toBe(1);
    expect(verifySign(body, M1.key)).toBe(true);
    expect(state()).toMatchObject({ refunded: true, refunds: 3 });
  });

  it("refund_refused with times: checks do not use it up, and refunds go back to ok after", async () => {
    sandbox.setOrderMode("refund_refused", { times: 1 });
    await check();
    expect((await json(await refund())).return_msg).toBe("余额不足");
    expect((await json(await refund())).return_code).toBe(1);
    expect(sandbox.currentOrderMode.mode).toBe("ok");
  });

  it("slow: answers after delayMs, the refund done even when the caller gives up first", async () => {
    sandbox.setOrderMode("slow", { delayMs: 120 });
    const started = Date.now();
    const body = await json(await check());
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(verifySign(body, M1.key)).toBe(true);

    const error = await refund({ signal: AbortSignal.timeout(30) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
    expect(state()).toMatchObject({ refunded: true, refunds: 1 });
    expect(sandbox.orderRequests.at(-1)).toMatchObject({ endpoint: "refund", mode: "slow", refunded: true });
  });

  it("slow: waits 30 s by default, until the caller gives up or the sandbox is reset", async () => {
    sandbox.setOrderMode("slow");
    const pending = check();
    const settled = await Promise.race([pending.then(() => "settled"), sleep(100).then(() => "pending")]);
    expect(settled).toBe("pending");
    sandbox.reset();
    await expect(pending).rejects.toThrow(/reset/);
  });

  it("unsigned: a success without sign, and the refund is done", async () => {
    sandbox.setOrderMode("unsigned");
    const refunded = await json(await refund());
    expect(refunded).toMatchObject({ return_code: 1, return_msg: "SUCCESS", payjs_order_id: ORDER_ID });
    expect("sign" in refunded).toBe(false);
    expect(state()).toMatchObject({ refunded: true });
    const checked = await json(await check());
    expect(checked).toMatchObject({ return_code: 1, status: 1 });
    expect("sign" in checked).toBe(false);
  });

  it("bad_sign: a success whose sign does not verify, and the refund is done", async () => {
    sandbox.setOrderMode("bad_sign");
    const body = await json(await refund());
    expect(body).toMatchObject({ return_code: 1, payjs_order_id: ORDER_ID });
    expect(body.sign).toMatch(/^[0-9A-F]{32}$/);
    expect(verifySign(body, M1.key)).toBe(false);
    expect(state()).toMatchObject({ refunded: true });
  });

  it("http_500: an HTML 500 before the sign is checked, nothing refunded", async () => {
    sandbox.setOrderMode("http_500");
    for (const request of [orderRequest("refund", ORDER_ID), formRequest("refund", { payjs_order_id: ORDER_ID, sign: "WRONG" })]) {
      const response = await sandbox.fetch(request);
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    }
    expect(state()).toMatchObject({ refunded: false, refunds: 0 });
    expect(sandbox.orderRequests.map((r) => [r.mode, r.mchid])).toEqual([
      ["http_500", M1.mchid],
      ["http_500", null],
    ]);
  });

  it("endpoint: applies the mode to that endpoint only", async () => {
    sandbox.setOrderMode("http_500", { endpoint: "check" });
    expect((await check()).status).toBe(500);
    expect((await json(await refund())).return_code).toBe(1);
  });

  it("leaves the complaint mode alone, and the complaint mode leaves orders alone", async () => {
    sandbox.setMode("http_502");
    sandbox.setOrderMode("unsigned");
    expect((await sandbox.fetch(signedRequest())).status).toBe(502);
    expect(sandbox.currentMode.mode).toBe("http_502");
    sandbox.setOrderMode("ok");
    expect(verifySign(await json(await check()), M1.key)).toBe(true);
  });

  it("rejects an unknown mode or endpoint, and refund_refused for checks", () => {
    expect(() => sandbox.setOrderMode("nope" as SandboxOrderMode)).toThrow(/Unknown sandbox order mode/);
    expect(() => sandbox.setOrderMode("ok", { endpoint: "native" as SandboxOrderEndpoint })).toThrow(/endpoint/);
    expect(() => sandbox.setOrderMode("refund_refused", { endpoint: "check" })).toThrow(/refunds only/);
  });
});

describe("orders: state", () => {
  const ORDER_ID = String(fixtureComplaints(M1.mchid, NOW)[0]!.order_id);

  it("reset restores the orders, forgets refunds, the order mode and the order log", async () => {
    sandbox.updateOrder(ORDER_ID, { total_fee: 1 });
    sandbox.setOrderMode("unsigned");
    await sandbox.fetch(orderRequest("refund", ORDER_ID));
    expect(sandbox.getOrder(ORDER_ID)).toMatchObject({ refunded: true, order: { total_fee: 1 } });
    sandbox.reset();
    expect(sandbox.getOrder(ORDER_ID)).toEqual(newSandbox().getOrder(ORDER_ID));
    expect(sandbox.getOrder(ORDER_ID)).toMatchObject({ refunded: false, refunded_at: null, refunds: 0 });
    expect(sandbox.currentOrderMode).toEqual({ mode: "ok", options: {} });
    expect(sandbox.orderRequests).toHaveLength(0);
    expect((await json(await sandbox.fetch(orderRequest("refund", ORDER_ID)))).return_code).toBe(1);
  });

  it("complaints set or added later bring their orders; one filed again does not undo a refund", async () => {
    const item = {
      complaint_id: "N1",
      complaint_at: "2026-11-08 09:30:00",
      out_trade_no: "SO-N1",
      order_id: "2026110809200000001",
      total_fee: 1234,
    };
    sandbox.addComplaint(M2.mchid, item);
    expect(sandbox.getOrder(item.order_id)).toMatchObject({
      mchid: M2.mchid,
      order: { payjs_order_id: item.order_id, out_trade_no: "SO-N1", total_fee: 1234, status: 1, paid_time: "2026-11-08 09:21:00" },
    });
    await sandbox.fetch(orderRequest("refund", item.order_id, M2));
    sandbox.setComplaints(M2.mchid, [item, { ...item, order_id: "2026110809200000002" }]);
    expect(sandbox.getOrder(item.order_id)).toMatchObject({ refunded: true });
    expect(sandbox.getOrder("2026110809200000002")).toMatchObject({ mchid: M2.mchid, refunded: false });
    sandbox.addComplaint(M1.mchid, { complaint_id: "no-order", body: "没有订单号" });
    expect(sandbox.listOrders(M1.mchid)).toHaveLength(fixtureComplaints(M1.mchid, NOW).length);
  });

  it("logs each check and refund: endpoint, order, the merchant whose key verified, mode, time, whether it refunded", async () => {
    await sandbox.fetch(orderRequest("check", ORDER_ID));
    await sandbox.fetch(orderRequest("refund", ORDER_ID));
    await sandbox.fetch(orderRequest("refund", ORDER_ID, M2));
    expect(sandbox.orderRequests).toEqual([
      { endpoint: "check", payjs_order_id: ORDER_ID, mchid: M1.mchid, mchid_posted: false, at: expect.any(String), mode: "ok" },
      {
        endpoint: "refund",
        payjs_order_id: ORDER_ID,
        mchid: M1.mchid,
        mchid_posted: false,
        at: expect.any(String),
        mode: "ok",
        refunded: true,
      },
      {
        endpoint: "refund",
        payjs_order_id: ORDER_ID,
        mchid: M2.mchid,
        mchid_posted: false,
        at: expect.any(String),
        mode: "ok",
        refunded: false,
      },
    ]);
    expect(Number.isNaN(Date.parse(sandbox.orderRequests[0]!.at))).toBe(false);
  });
});

describe("orders: control API", () => {
  const ORDER_ID = String(fixtureComplaints(M1.mchid, NOW)[0]!.order_id);
  const control = async (method: string, path: string, body?: unknown): Promise<Response> =>
    (await sandbox.control(
      new Request(`http://sandbox.test/__sandbox/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) }),
    ))!;

  it("sets the order mode, shows and changes orders, lists both request logs", async () => {
    const set = await control("POST", "orders/mode", { mode: "refund_refused", returnMsg: "商户余额不足", times: 1, delayMs: 0 });
    expect(await json(set)).toEqual({ ok: true, mode: "refund_refused", options: { returnMsg: "商户余额不足", times: 1, delayMs: 0 } });
    expect(await json(await sandbox.fetch(orderRequest("refund", ORDER_ID)))).toEqual({ return_code: 0, return_msg: "商户余额不足" });
    await sandbox.fetch(signedRequest());

    const order = await json(await control("GET", `orders/${ORDER_ID}`));
    expect(order).toEqual({ ...sandbox.getOrder(ORDER_ID), refunded: false, refunds: 1 });
    const patched = await json(await control("PATCH", `orders/${ORDER_ID}`, { status: 0 }));
    expect(patched).toMatchObject({ order: { payjs_order_id: ORDER_ID, status: 0 } });
    const listed = await json(await control("GET", `orders?mchid=${M2.mchid}`));
    expect((listed.orders as unknown[]).length).toBe(fixtureComplaints(M2.mchid, NOW).length);

    const requests = await json(await control("GET", "requests"));
    expect(requests.requests).toEqual([{ mchid: M1.mchid, signValid: true, at: expect.any(String), mode: "ok" }]);
    expect(requests.orders).toEqual([
      {
        endpoint: "refund",
        payjs_order_id: ORDER_ID,
        mchid: M1.mchid,
        mchid_posted: false,
        at: expect.any(String),
        mode: "refund_refused",
        refunded: false,
      },
    ]);
    const state = await json(await control("GET", "state"));
    expect(state).toMatchObject({ mode: "ok", requests: 1, orders: { mode: "ok", options: {}, requests: 1 } });
  });

  it("answers 400 for bad input and 404 for unknown orders", async () => {
    expect((await control("POST", "orders/mode", { mode: "sideways" })).status).toBe(400);
    expect((await control("POST", "orders/mode", { mode: "ok", endpoint: "native" })).status).toBe(400);
    expect((await control("POST", "orders/mode", { mode: "refund_refused", endpoint: "check" })).status).toBe(400);
    expect((await control("POST", "orders/mode", { mode: "slow", delayMs: -1 })).status).toBe(400);
    expect((await control("POST", "orders/mode", { mode: "ok", returnMsg: 1 })).status).toBe(400);
    expect((await control("PATCH", `orders/${ORDER_ID}`, { status: 2 })).status).toBe(400);
    expect((await control("PATCH", `orders/${ORDER_ID}`, { total_fee: 1.5 })).status).toBe(400);
    expect((await control("PATCH", `orders/${ORDER_ID}`, { refunded: true })).status).toBe(400);
    expect((await control("PATCH", `orders/${ORDER_ID}`, { openid: 1 })).status).toBe(400);
    expect((await control("GET", "orders/1")).status).toBe(404);
    expect((await control("PATCH", "orders/1", { status: 0 })).status).toBe(404);
    expect(sandbox.getOrder(ORDER_ID)).toEqual(newSandbox().getOrder(ORDER_ID));
    expect(sandbox.currentOrderMode.mode).toBe("ok");
  });

  it("knows every order mode", async () => {
    for (const mode of SANDBOX_ORDER_MODES) expect((await control("POST", "orders/mode", { mode })).status).toBe(200);
  });

  it("reset forgets refunds", async () => {
    await sandbox.fetch(orderRequest("refund", ORDER_ID));
    expect(await json(await control("GET", `orders/${ORDER_ID}`))).toMatchObject({ refunded: true });
    expect((await control("POST", "reset")).status).toBe(200);
    expect(await json(await control("GET", `orders/${ORDER_ID}`))).toMatchObject({ refunded: false, refunds: 0 });
    expect((await json(await control("GET", "requests"))).orders).toEqual([]);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
