import { afterEach, describe, expect, it, vi } from "vitest";
import { complaintId, complaintOf, keptSighting } from "../domain/complaint";
import { md5 } from "../md5";
import { callSigned, readAnswer, type UpstreamResult } from "./client";
import { signParams } from "./sign";

const KEY = "k";

/**
 * The sign of a signing string written out by hand, the way PHP builds it: a reference independent of
 * sign.ts, which walks parsed values and could share a mistake with them.
 */
const signOf = (signingString: string): string => md5(`${signingString}&key=${KEY}`).toUpperCase();

function accepted(result: UpstreamResult): Extract<UpstreamResult, { ok: true }> {
  if (!result.ok) throw new Error(`refused: ${result.error.code} ${result.error.message}`);
  return result;
}

describe("readAnswer: numbers keep their digits", () => {
  const sign = signOf(
    "complaints[0][complaint_id]=9007199254740993&complaints[0][order_id]=12345678901234567890123&complaints[0][total_fee]=2990&return_code=1",
  );
  const body = `{"return_code":1,"complaints":[{"complaint_id":9007199254740993,"order_id":12345678901234567890123,"total_fee":2990}],"sign":"${sign}"}`;

  it("Should verify a bare complaint_id beyond 2^53 against the digits PAYJS sent", () => {
    expect(accepted(readAnswer(body, KEY, "strict").result).items).toHaveLength(1);
  });

  it("Should keep those digits in the complaint's id, order number and raw", () => {
    const [item] = accepted(readAnswer(body, KEY, "strict").result).items;
    const at = "2026-11-08T00:00:00.000Z";
    const complaint = complaintOf("100", keptSighting({ id: complaintId(item!), raw: item! }, at, at), null);
    expect(complaint.id).toBe("9007199254740993");
    expect(complaint.order_id).toBe("12345678901234567890123");
    const printed = JSON.stringify(complaint);
    expect(printed).toContain('"raw":{"complaint_id":9007199254740993,"order_id":12345678901234567890123,"total_fee":2990}');
  });

  it("Should keep the digits of a complaints list sent as a JSON string", () => {
    const list = '[{"complaint_id":9007199254740993}]';
    const text = `{"return_code":1,"complaints":${JSON.stringify(list)},"sign":"${signOf(`complaints=${list}&return_code=1`)}"}`;
    const [item] = accepted(readAnswer(text, KEY, "strict").result).items;
    expect(complaintId(item!)).toBe("9007199254740993");
  });
});

describe("readAnswer: nested keys in PHP's order", () => {
  it("Should verify complaints keyed by index in the order sent, and list them in that order", () => {
    const sign = signOf("complaints[1][complaint_id]=B&complaints[0][complaint_id]=A&return_code=1");
    const body = `{"return_code":1,"complaints":{"1":{"complaint_id":"B"},"0":{"complaint_id":"A"}},"sign":"${sign}"}`;
    const { items } = accepted(readAnswer(body, KEY, "strict").result);
    expect(items.map((c) => c.complaint_id)).toEqual(["B", "A"]);
  });

  it('Should verify a complaint with a key "10" after its other keys', () => {
    const sign = signOf("complaints[0][complaint_id]=C&complaints[0][body]=x&complaints[0][10]=y&return_code=1");
    const body = `{"return_code":1,"complaints":[{"complaint_id":"C","body":"x","10":"y"}],"sign":"${sign}"}`;
    expect(accepted(readAnswer(body, KEY, "strict").result).items).toHaveLength(1);
  });
});

describe("readAnswer: ambiguous field names", () => {
  it("Should refuse a correctly signed answer that hides its list under a field named complaints[0][body]", () => {
    // Signs exactly like {"complaints":[{"body":"x"}]}: with urldecode, both give "complaints[0][body]=x".
    const sign = signOf("complaints[0][body]=x&return_code=1");
    expect(signParams({ return_code: 1, complaints: [{ body: "x" }] }, KEY)).toBe(sign);
    const result = readAnswer(`{"return_code":1,"complaints[0][body]":"x","sign":"${sign}"}`, KEY, "strict").result;
    expect(result).toMatchObject({ ok: false, error: { code: "bad_shape", transient: false } });
  });

  it.each(["a[b", "a]b", "a&b", "a=b"])("Should refuse a correctly signed answer with a field named %j", (name) => {
    const payload = { return_code: 1, complaints: [], [name]: "1" };
    const text = JSON.stringify({ ...payload, sign: signParams(payload, KEY) });
    expect(readAnswer(text, KEY, "strict").result).toMatchObject({ ok: false, error: { code: "bad_shape" } });
    expect(readAnswer(text, KEY, "report").result).toMatchObject({ ok: false, error: { code: "bad_shape" } });
  });
});

describe("callSigned: one signed form post to any endpoint", () => {
  const options = { apiBase: "https://payjs.test/api", timeoutMs: 1000, signaturePolicy: "strict" as const };
  const answering = (payload: Record<string, unknown>) =>
    vi
      .spyOn(globalThis, "fetch")
      .mockImplementation(async () => new Response(JSON.stringify(payload), { headers: { "content-type": "application/json" } }));
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("Should post exactly the fields and their sign to {apiBase}/{endpoint}", async () => {
    const answer = { return_code: 1, payjs_order_id: "2026112709300000001", status: 1 };
    const fetchSpy = answering({ ...answer, sign: signParams(answer, KEY) });
    const reply = await callSigned("check", { payjs_order_id: "2026112709300000001" }, KEY, options);
    expect(reply.result).toMatchObject({ ok: true, payload: answer, signature: { result: "verified" } });
    const [url, init] = fetchSpy.mock.calls[0] as [string, RequestInit];
    expect(url).toBe("https://payjs.test/api/check");
    const form = new URLSearchParams(String(init.body));
    expect([...form.keys()]).toEqual(["payjs_order_id", "sign"]);
    expect(form.get("sign")).toBe(signOf("payjs_order_id=2026112709300000001"));
  });

  it("Should refuse an unsigned success under strict, and PAYJS's refusal with its message", async () => {
    answering({ return_code: 1, payjs_order_id: "1" });
    expect((await callSigned("refund", { payjs_order_id: "1" }, KEY, options)).result).toMatchObject({
      ok: false,
      error: { code: "unsigned" },
    });
    vi.restoreAllMocks();
    answering({ return_code: 0, return_msg: "余额不足" });
    expect((await callSigned("refund", { payjs_order_id: "1" }, KEY, options)).result).toMatchObject({
      ok: false,
      error: { code: "upstream_error", message: "PAYJS refused: 余额不足" },
    });
  });
});
