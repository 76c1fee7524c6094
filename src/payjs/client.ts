/**
 * Upstream calls: a signed form post to `${apiBase}/{endpoint}` with a time limit, the reply parsed and its sign
 * verified over every field present, every failure returned as a typed value. `POST ${apiBase}/complaint` is built
 * on it here; src/payjs/order.ts builds `/check` and `/refund` on it.
 * @module
 * @see https://help.payjs.cn/api-lie-biao/complaint.html
 */
import type { Merchant } from "../domain/merchant";
import { parseJson, rawNumberText, sourceKeys } from "../json";
import { checkSign, type SignCheck, signParams } from "./sign";

export type UpstreamErrorCode =
  | "timeout"
  | "network"
  | "http_status"
  | "not_json"
  | "upstream_error"
  | "bad_signature"
  | "unsigned"
  | "bad_shape";

export interface UpstreamError {
  code: UpstreamErrorCode;
  message: string;
  /** A transient failure is retried sooner, with backoff; any other waits the full interval. */
  transient: boolean;
  /** PAYJS's own words (`return_msg` or `msg`) when it refused: what a Chinese message quotes. */
  said?: string;
}

/**
 * What to do with an answer's `sign` (the setting `RESPONSE_SIGNATURE`): `strict` takes only a sign that
 * verifies; `if_present` also an answer without one; `report` every well-formed answer, saying what the check found.
 */
export type SignaturePolicy = "strict" | "if_present" | "report";

export type UpstreamResult =
  | { ok: true; items: Record<string, unknown>[]; payload: Record<string, unknown>; signature: SignCheck }
  | { ok: false; error: UpstreamError };

/** Everything one complaint call showed, for the Worker (`result`) and for a person reading `npm run doctor`. */
export interface Answer {
  /** Null when no HTTP answer came (timeout, network). */
  httpStatus: number | null;
  /** The body, when it was a JSON object. */
  payload: Record<string, unknown> | null;
  /** What the sign check found; null when the answer was not a success to check. */
  signature: SignCheck | null;
  result: UpstreamResult;
}

/** One signed call's answer as any endpoint gets it: a success payload taken as `RESPONSE_SIGNATURE` says, or why not. */
type SignedAnswer = Omit<Answer, "result"> & {
  result: { ok: true; payload: Record<string, unknown>; signature: SignCheck } | { ok: false; error: UpstreamError };
};

export interface ClientOptions {
  apiBase: string;
  timeoutMs: number;
  signaturePolicy: SignaturePolicy;
}

const MAX_MESSAGE = 200;
/** PAYJS's words for a caller that asks too often (频繁, 频率): a refusal that passes, tried again soon. */
export function askedTooOften(said: string): boolean {
  return /频繁|频率/.test(said);
}

function fail(code: UpstreamErrorCode, message: string, transient = false): { ok: false; error: UpstreamError } {
  return { ok: false, error: { code, message: message.slice(0, MAX_MESSAGE), transient } };
}

/** A JSON object: not an array, nor a long number that parseJson kept as its digits. */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && rawNumberText(v) === undefined;
}

/** `complaints` may be an array, an object keyed by index, a JSON string of either, `''`, `null` or absent. */
export function complaintItems(value: unknown): Record<string, unknown>[] | string {
  let list = value;
  if (typeof list === "string") {
    if (list.trim() === "") return [];
    try {
      list = parseJson(list);
    } catch {
      return "complaints is a string that is not JSON";
    }
  }
  if (list === undefined || list === null || list === "") return [];
  let items: unknown[];
  if (Array.isArray(list)) {
    items = list;
  } else if (isRecord(list)) {
    // Keyed by index: in the order sent (Object.values would put "0" before a "1" sent first).
    const record = list;
    items = sourceKeys(record).map((k) => record[k]);
  } else {
    return `complaints is a ${typeof list}, expected a list`;
  }
  const bad = items.findIndex((item) => !isRecord(item));
  if (bad !== -1) return `complaints item ${bad} is not an object`;
  return items as Record<string, unknown>[];
}

function transientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** One signed call of `POST {apiBase}/complaint`, and all it showed. */
export async function callComplaints(merchant: Merchant, options: ClientOptions): Promise<Answer> {
  return withItems(await callSigned("complaint", { mchid: merchant.mchid }, merchant.key, options));
}

/**
 * One signed call of `POST {apiBase}/{endpoint}` with these form fields and their `sign`, its answer checked as every
 * PAYJS answer is: HTTP 2xx, a JSON object, `return_code` 1, an unambiguous `sign` taken as `signaturePolicy` says.
 */
export async function callSigned(
  endpoint: string,
  fields: Record<string, string>,
  key: string,
  options: ClientOptions,
): Promise<SignedAnswer> {
  const url = `${options.apiBase}/${endpoint}`;
  const form = new URLSearchParams({ ...fields, sign: signParams(fields, key) });
  let response: Response;
  let bytes: Uint8Array;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form.toString(),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      return noAnswer(fail("timeout", `PAYJS did not answer within ${options.timeoutMs} ms`, true));
    }
    // The origin only: a URL's user info or path is nobody's business in a status message.
    const origin = new URL(url).origin;
    // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is the cause's code.
    const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
    const reason = `${error instanceof Error ? error.message : "network error"}${typeof cause === "string" ? ` (${cause})` : ""}`;
    return noAnswer(fail("network", `Could not reach ${origin}: ${reason}`, true));
  }
  const text = utf8.decode(bytes);
  if (response.status < 200 || response.status > 299) {
    const result = fail("http_status", `PAYJS answered HTTP ${response.status}`, transientStatus(response.status));
    return { httpStatus: response.status, payload: answerObject(text), signature: null, result };
  }
  return checkAnswer(text, key, options.signaturePolicy, response.status);
}

const utf8 = new TextDecoder();

function noAnswer(result: { ok: false; error: UpstreamError }): SignedAnswer {
  return { httpStatus: null, payload: null, signature: null, result };
}

/** The body of an answer that is no success, when it is a JSON object: what the doctor shows of it. */
function answerObject(text: string): Record<string, unknown> | null {
  try {
    const parsed = parseJson(text);
    return isRecord(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** The body of a 2xx complaint answer, checked ({@link checkAnswer}) and its `complaints` a list. No I/O: a bench times it alone. */
export function readAnswer(text: string, key: string, policy: SignaturePolicy, status = 200): Answer {
  return withItems(checkAnswer(text, key, policy, status));
}

function withItems(answer: SignedAnswer): Answer {
  const { result } = answer;
  if (!result.ok) return { ...answer, result };
  const items = complaintItems(result.payload.complaints);
  if (typeof items === "string") return { ...answer, result: fail("bad_shape", items) };
  return { ...answer, result: { ...result, items } };
}

/**
 * The body of a 2xx answer, parsed and checked: JSON object, `return_code` 1, no field name that makes the sign
 * ambiguous, `sign` checked over every field present and taken as `policy` says.
 * @param status the HTTP status it came with.
 */
function checkAnswer(text: string, key: string, policy: SignaturePolicy, status = 200): SignedAnswer {
  const answer = (payload: Record<string, unknown> | null, signature: SignCheck | null, result: SignedAnswer["result"]): SignedAnswer => ({
    httpStatus: status,
    payload,
    signature,
    result,
  });
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch {
    return answer(null, null, fail("not_json", `PAYJS answered HTTP ${status} with a body that is not JSON`, true));
  }
  if (!isRecord(parsed)) return answer(null, null, fail("bad_shape", "PAYJS answered JSON that is not an object"));
  const payload = parsed;

  if (Number(payload.return_code) !== 1) {
    const said = [payload.return_msg, payload.msg].find((m) => typeof m === "string" && m.trim() !== "");
    const message = `PAYJS refused: ${typeof said === "string" ? said : "return_code is not 1"}`;
    // "请求过于频繁": asked too soon (right after setup's own check, say), which passes; tried again soon, not in 4 hours.
    const refused = fail("upstream_error", message, typeof said === "string" && askedTooOften(said));
    if (typeof said === "string") refused.error.said = said.slice(0, MAX_MESSAGE);
    return answer(payload, null, refused);
  }
  // With urldecode in the signing string, `complaints[0][body]` as a field name signs exactly like a `complaints`
  // list: a signed answer could hide its list under such a name and make every stored complaint look gone.
  const ambiguous = Object.keys(payload).find((name) => /[[\]&=]/.test(name));
  if (ambiguous !== undefined) {
    return answer(
      payload,
      null,
      fail("bad_shape", `PAYJS answered a field named ${JSON.stringify(ambiguous)}, which makes its sign ambiguous`),
    );
  }
  const signature = checkSign(payload, key);
  if (signature.result === "absent" && policy === "strict") {
    return answer(payload, signature, fail("unsigned", "PAYJS answered without a sign (set RESPONSE_SIGNATURE=if_present to accept)"));
  }
  if (signature.result === "mismatch" && policy !== "report") {
    return answer(payload, signature, fail("bad_signature", "The sign of PAYJS's answer does not match its fields by any known scheme"));
  }
  return answer(payload, signature, { ok: true, payload, signature });
}
