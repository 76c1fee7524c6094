/**
 * One upstream call: `POST ${apiBase}/complaint`, signed, with a time limit; the reply parsed, its sign
 * verified over every field present, and every failure returned as a typed value.
 * @module
 * @see https://help.payjs.cn/api-lie-biao/complaint.html
 */
import type { Merchant } from "../domain/merchant";
import { parseJson, rawNumberText, sourceKeys } from "../json";
import { md5 } from "../md5";
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
}

/**
 * What to do with an answer's `sign` (the setting `RESPONSE_SIGNATURE`): `strict` takes only a sign that
 * verifies; `if_present` also an answer without one; `report` every well-formed answer, saying what the check found.
 */
export type SignaturePolicy = "strict" | "if_present" | "report";

export type UpstreamResult =
  | {
      ok: true;
      items: Record<string, unknown>[];
      payload: Record<string, unknown>;
      signature: SignCheck;
      /**
       * The answer's {@link fingerprint} when its sign verified and it came by {@link callComplaints}; null else
       * (an answer without one is always read in full).
       */
      fingerprint: string | null;
    }
  | { ok: false; error: UpstreamError };

/** Everything one call showed, for the Worker (`result`) and for a person reading `npm run doctor`. */
export interface Answer {
  /** Null when no HTTP answer came (timeout, network). */
  httpStatus: number | null;
  /** The body, when it was a JSON object. */
  payload: Record<string, unknown> | null;
  /** What the sign check found; null when the answer was not a success to check. */
  signature: SignCheck | null;
  result: UpstreamResult;
}

/**
 * A call whose answer was the one named by `known` (see {@link callComplaintsUnless}): neither parsed nor checked
 * again, since everything it says was taken in when that one was.
 */
export interface SameAnswer {
  same: true;
  /** The answer read in full after all, for a caller that finds it needs it. */
  read(): Answer;
}

export interface ClientOptions {
  apiBase: string;
  timeoutMs: number;
  signaturePolicy: SignaturePolicy;
}

const MAX_MESSAGE = 200;

function fail(code: UpstreamErrorCode, message: string, transient = false): UpstreamResult {
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

export async function fetchComplaints(merchant: Merchant, options: ClientOptions): Promise<UpstreamResult> {
  return (await callComplaints(merchant, options)).result;
}

/** One signed call of `POST {apiBase}/complaint`, and all it showed. */
export async function callComplaints(merchant: Merchant, options: ClientOptions): Promise<Answer> {
  const reply = await request(merchant, options);
  return "bytes" in reply ? readReply(reply, merchant.key, options.signaturePolicy) : reply;
}

/**
 * {@link callComplaints}, unless the answer is the one whose {@link fingerprint} is `known`: the same number of
 * bytes, and the sign the fingerprint names within its first or last few hundred bytes, where a top-level field
 * sits (PAYJS's PHP adds `sign` last). That costs nothing measurable; decoding, parsing and checking a large answer
 * cost several times a `JSON.parse` of it, and most polls bring the same answer again.
 *
 * The sign is not checked again, so an answer altered in transit that kept the old sign and size would pass as the
 * old one; that changes nothing stored (the old answer stands), which is no more than replaying the old answer, an
 * authentic one, would do to any check.
 */
export async function callComplaintsUnless(merchant: Merchant, options: ClientOptions, known: string | null): Promise<Answer | SameAnswer> {
  const reply = await request(merchant, options);
  if (!("bytes" in reply)) return reply;
  const read = () => readReply(reply, merchant.key, options.signaturePolicy);
  if (known !== null && reply.status >= 200 && reply.status <= 299 && isAnswer(reply.bytes, known, merchant.key))
    return { same: true, read };
  return read();
}

/**
 * What names a verified answer: its sign (an MD5 over every value, keyed), its size in bytes, and which key checked
 * it (a short salted hash, so a key changed in the settings is checked against the next answer, not taken on trust).
 */
export function fingerprint(sign: string, bytes: number, key: string): string {
  return `${sign.toUpperCase()}:${bytes}:${keyTag(key)}`;
}

/** Tells keys apart and nothing more: 48 bits of a salted MD5, stored only in the merchant's status. */
function keyTag(key: string): string {
  return md5(`payjs-complaint-watch fingerprint key\n${key}`).slice(0, 12);
}

/** How far into either end of an answer a top-level `sign` is looked for. */
const END_BYTES = 512;
const latin1 = new TextDecoder("latin1");

/** Whether `bytes` is the answer `known` names (see {@link callComplaintsUnless}). */
function isAnswer(bytes: Uint8Array, known: string, key: string): boolean {
  const [sign, size, tag] = known.split(":");
  if (sign === undefined || bytes.length !== Number(size) || tag !== keyTag(key)) return false;
  // A sign is ASCII: read byte for byte, whatever the text around it.
  const field = `"sign":"${sign}"`;
  const ends = latin1.decode(bytes.subarray(0, END_BYTES)) + "\n" + latin1.decode(bytes.subarray(Math.max(0, bytes.length - END_BYTES)));
  return ends.toUpperCase().includes(field.toUpperCase());
}

interface Reply {
  status: number;
  bytes: Uint8Array;
}

/** The signed request and its body, or the answer that there was none. */
async function request(merchant: Merchant, options: ClientOptions): Promise<Reply | Answer> {
  const url = `${options.apiBase}/complaint`;
  const form = new URLSearchParams({ mchid: merchant.mchid, sign: signParams({ mchid: merchant.mchid }, merchant.key) });
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
  return { status: response.status, bytes };
}

const utf8 = new TextDecoder();

function readReply({ status, bytes }: Reply, key: string, policy: SignaturePolicy): Answer {
  const text = utf8.decode(bytes);
  if (status < 200 || status > 299) {
    const result = fail("http_status", `PAYJS answered HTTP ${status}`, transientStatus(status));
    return { httpStatus: status, payload: jsonObject(text), signature: null, result };
  }
  const answer = readAnswer(text, key, policy, status);
  const { result } = answer;
  if (result.ok && result.signature.result === "verified") result.fingerprint = fingerprint(String(result.payload.sign), bytes.length, key);
  return answer;
}

function noAnswer(result: UpstreamResult): Answer {
  return { httpStatus: null, payload: null, signature: null, result };
}

function jsonObject(text: string): Record<string, unknown> | null {
  try {
    const parsed = parseJson(text);
    return isRecord(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** {@link readAnswer}'s verdict alone. No I/O, so a bench can time it alone. */
export function parseComplaintResponse(text: string, key: string, policy: SignaturePolicy, status = 200): UpstreamResult {
  return readAnswer(text, key, policy, status).result;
}

/**
 * The body of a 2xx answer, parsed and checked: JSON object, `return_code` 1, no field name that makes the
 * sign ambiguous, `sign` checked over every field present and taken as `policy` says, `complaints` a list.
 * @param status the HTTP status it came with.
 */
export function readAnswer(text: string, key: string, policy: SignaturePolicy, status = 200): Answer {
  const answer = (payload: Record<string, unknown> | null, signature: SignCheck | null, result: UpstreamResult): Answer => ({
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
    return answer(payload, null, fail("upstream_error", `PAYJS refused: ${typeof said === "string" ? said : "return_code is not 1"}`));
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
  const items = complaintItems(payload.complaints);
  if (typeof items === "string") return answer(payload, signature, fail("bad_shape", items));
  return answer(payload, signature, { ok: true, items, payload, signature, fingerprint: null });
}
