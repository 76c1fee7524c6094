import { afterEach, describe, expect, it, vi } from "vitest";
import { md5 } from "../md5";
import { type Answer, callComplaintsUnless, fingerprint, parseComplaintResponse, type SameAnswer, type UpstreamResult } from "./client";
import { complaintOf, normaliseComplaint } from "./complaint";
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

describe("parseComplaintResponse: numbers keep their digits", () => {
  const sign = signOf(
    "complaints[0][complaint_id]=9007199254740993&complaints[0][order_id]=12345678901234567890123&complaints[0][total_fee]=2990&return_code=1",
  );
  const body = `{"return_code":1,"complaints":[{"complaint_id":9007199254740993,"order_id":12345678901234567890123,"total_fee":2990}],"sign":"${sign}"}`;

  it("Should verify a bare complaint_id beyond 2^53 against the digits PAYJS sent", () => {
    expect(accepted(parseComplaintResponse(body, KEY, "strict")).items).toHaveLength(1);
  });

  it("Should keep those digits in the complaint's id, order number and raw", () => {
    const [item] = accepted(parseComplaintResponse(body, KEY, "strict")).items;
    const fields = normaliseComplaint("100", item!);
    expect(fields.id).toBe("9007199254740993");
    expect(fields.order_id).toBe("12345678901234567890123");
    const at = "2026-11-08T00:00:00.000Z";
    const printed = JSON.stringify(
      complaintOf("100", { id: fields.id, raw: item!, first_seen_at: at, last_seen_at: at, active: true }, null),
    );
    expect(printed).toContain('"raw":{"complaint_id":9007199254740993,"order_id":12345678901234567890123,"total_fee":2990}');
  });

  it("Should keep the digits of a complaints list sent as a JSON string", () => {
    const list = '[{"complaint_id":9007199254740993}]';
    const text = `{"return_code":1,"complaints":${JSON.stringify(list)},"sign":"${signOf(`complaints=${list}&return_code=1`)}"}`;
    const [item] = accepted(parseComplaintResponse(text, KEY, "strict")).items;
    expect(normaliseComplaint("100", item!).id).toBe("9007199254740993");
  });
});

describe("parseComplaintResponse: nested keys in PHP's order", () => {
  it("Should verify complaints keyed by index in the order sent, and list them in that order", () => {
    const sign = signOf("complaints[1][complaint_id]=B&complaints[0][complaint_id]=A&return_code=1");
    const body = `{"return_code":1,"complaints":{"1":{"complaint_id":"B"},"0":{"complaint_id":"A"}},"sign":"${sign}"}`;
    const { items } = accepted(parseComplaintResponse(body, KEY, "strict"));
    expect(items.map((c) => c.complaint_id)).toEqual(["B", "A"]);
  });

  it('Should verify a complaint with a key "10" after its other keys', () => {
    const sign = signOf("complaints[0][complaint_id]=C&complaints[0][body]=x&complaints[0][10]=y&return_code=1");
    const body = `{"return_code":1,"complaints":[{"complaint_id":"C","body":"x","10":"y"}],"sign":"${sign}"}`;
    expect(accepted(parseComplaintResponse(body, KEY, "strict")).items).toHaveLength(1);
  });
});

describe("parseComplaintResponse: ambiguous field names", () => {
  it("Should refuse a correctly signed answer that hides its list under a field named complaints[0][body]", () => {
    // Signs exactly like {"complaints":[{"body":"x"}]}: with urldecode, both give "complaints[0][body]=x".
    const sign = signOf("complaints[0][body]=x&return_code=1");
    expect(signParams({ return_code: 1, complaints: [{ body: "x" }] }, KEY)).toBe(sign);
    const result = parseComplaintResponse(`{"return_code":1,"complaints[0][body]":"x","sign":"${sign}"}`, KEY, "strict");
    expect(result).toMatchObject({ ok: false, error: { code: "bad_shape", transient: false } });
  });

  it.each(["a[b", "a]b", "a&b", "a=b"])("Should refuse a correctly signed answer with a field named %j", (name) => {
    const payload = { return_code: 1, complaints: [], [name]: "1" };
    const text = JSON.stringify({ ...payload, sign: signParams(payload, KEY) });
    expect(parseComplaintResponse(text, KEY, "strict")).toMatchObject({ ok: false, error: { code: "bad_shape" } });
    expect(parseComplaintResponse(text, KEY, "report")).toMatchObject({ ok: false, error: { code: "bad_shape" } });
  });
});

describe("callComplaintsUnless: the answer already merged", () => {
  const merchant = { mchid: "100", key: KEY, name: null };
  const options = { apiBase: "https://payjs.test/api", timeoutMs: 1000, signaturePolicy: "strict" as const };
  const body = (complaints: unknown[], extra = "") => {
    const payload = { return_code: 1, complaints, sign: "" };
    payload.sign = signParams({ return_code: 1, complaints }, KEY);
    return JSON.stringify(payload).replace('"sign":', `${extra}"sign":`);
  };
  const answering = (text: string) =>
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response(text, { headers: { "content-type": "application/json" } }));
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const first = body([{ complaint_id: "1", body: "商品未收到" }]);
  const known = fingerprint((JSON.parse(first) as { sign: string }).sign, new TextEncoder().encode(first).length, KEY);

  it("Should know the very answer again without reading it, and still read it in full when asked", async () => {
    answering(first);
    const reply = await callComplaintsUnless(merchant, options, known);
    expect("same" in reply).toBe(true);
    const read = (reply as SameAnswer).read();
    expect(read.result).toMatchObject({ ok: true, fingerprint: known, signature: { result: "verified" } });
  });

  it.each([
    ["another sign, the same length", body([{ complaint_id: "2", body: "商品未收到" }])],
    ["the same sign, another length", first.replace("{", "{ ")],
    ["a second sign field, in a complaint", body([{ complaint_id: "1", body: "商品未收到", sign: "x" }])],
    ["spacing around the colon", first.replace('"sign":"', '"sign": "')],
  ])("Should read in full an answer with %s", async (_, text) => {
    answering(text);
    const reply = await callComplaintsUnless(merchant, options, known);
    expect("same" in reply).toBe(false);
    expect((reply as Answer).result).toMatchObject({ ok: true });
    expect((reply as Answer).result).not.toMatchObject({ fingerprint: known });
  });

  it("Should read in full the very answer again when the key in the settings changed, and check it with that key", async () => {
    answering(first);
    const reply = await callComplaintsUnless({ ...merchant, key: "another key" }, options, known);
    expect(reply).toMatchObject({ result: { ok: false, error: { code: "bad_signature" } } });
    expect(known).not.toContain(KEY);
  });

  it("Should read in full when nothing is known yet", async () => {
    answering(first);
    const reply = await callComplaintsUnless(merchant, options, null);
    expect(reply).toMatchObject({ result: { ok: true, fingerprint: known } });
  });
});
