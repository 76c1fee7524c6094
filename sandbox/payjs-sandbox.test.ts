/**
 * The PAYJS sandbox, inside workerd: it signs what our verifier accepts, checks request signs like PAYJS,
 * and each failure mode and `complaints` shape produces what it says — both as raw HTTP and as seen by
 * our own upstream client (`fetchComplaints`) with `fetch` routed to the sandbox.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Merchant } from "../src/domain/merchant";
import { fetchComplaints, type UpstreamErrorCode } from "../src/payjs/client";
import { signParams, verifySign } from "../src/payjs/sign";
import { beijingText, fixtureComplaints, generateComplaints, SHARED_COMPLAINT_ID } from "./fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2, SANDBOX_MODES, type SandboxMode, type SandboxShape } from "./payjs-sandbox";

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
  return new Request(`${BASE}/complaint`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    ...init,
  });
}

function signedRequest(merchant: { mchid: string; key: string } = M1, init: RequestInit = {}): Request {
  return complaintRequest({ mchid: merchant.mchid, sign: signParams({ mchid: merchant.mchid }, merchant.key) }, init);
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
    sandbox.setMode("return_code_0", { returnMsg: "商户未开通投诉接口" });
    expect(await json(await sandbox.fetch(signedRequest()))).toEqual({ return_code: 0, return_msg: "商户未开通投诉接口" });
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
describe("as seen by fetchComplaints", () => {
  const options = { apiBase: BASE, timeoutMs: 200, signaturePolicy: "strict" as const };
  beforeEach(() => {
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => sandbox.fetch(new Request(input, init)));
  });

  it("ok: every fixture arrives verbatim", async () => {
    const result = await fetchComplaints(M1, options);
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
    ["return_code_0", { returnMsg: "频率过高" }, "upstream_error", false],
    ["return_code_0_msg_only", { returnMsg: "商户已禁用" }, "upstream_error", false],
    ["bad_sign", {}, "bad_signature", false],
    ["unsigned", {}, "unsigned", false],
  ] as const)("%s %o → %s", async (mode, modeOptions, code: UpstreamErrorCode, transient) => {
    sandbox.setMode(mode, modeOptions);
    const result = await fetchComplaints(M1, options);
    expect(result).toEqual({ ok: false, error: { code, message: expect.any(String), transient } });
    if ("returnMsg" in modeOptions && !result.ok) expect(result.error.message).toContain(modeOptions.returnMsg);
  });

  it("unsigned is accepted when ALLOW_UNSIGNED_RESPONSES", async () => {
    sandbox.setMode("unsigned");
    const result = await fetchComplaints(M1, { ...options, signaturePolicy: "if_present" });
    expect(result.ok && result.items.length).toBe(fixtureComplaints(M1.mchid, NOW).length);
  });

  it("a slow answer within the time limit is fine", async () => {
    sandbox.setMode("timeout", { delayMs: 50 });
    expect((await fetchComplaints(M1, options)).ok).toBe(true);
  });

  it("huge: all 10 000 arrive", async () => {
    sandbox.setMode("huge");
    const result = await fetchComplaints(M1, { ...options, timeoutMs: 20_000 });
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
    const result = await fetchComplaints(M1, options);
    expect(result.ok && result.items.length).toBe(count === 15 ? fixtureComplaints(M1.mchid, NOW).length : 0);
    if (result.ok && count > 0) expect(result.items).toEqual(fixtureComplaints(M1.mchid, NOW));
  });

  it("the second merchant is signed with its own key", async () => {
    const result = await fetchComplaints(M2, options);
    expect(result).toMatchObject({ ok: true, items: fixtureComplaints(M2.mchid, NOW) });
    const wrongKey = await fetchComplaints({ ...M2, key: M1.key }, options);
    expect(wrongKey).toMatchObject({ ok: false, error: { code: "upstream_error" } });
    expect(!wrongKey.ok && wrongKey.error.message).toContain("签名错误");
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
