/**
 * What one answer of PAYJS means for a person about to deploy: accepted or not (exactly as the Worker decides,
 * from the {@link Answer} its own client returned), what the answer showed, and what to set or check next.
 * Pure: no I/O, so every case can be read here in one place.
 * @module
 */

import { complaintOf, identifyComplaints, keptSighting } from "../../src/domain/complaint";
import type { Merchant } from "../../src/domain/merchant";
import { sourceKeys } from "../../src/json";
import { type Answer, complaintItems, type SignaturePolicy, type UpstreamError } from "../../src/payjs/client";
import { SCHEMES, type SignCheck } from "../../src/payjs/sign";
import type { Messages } from "../i18n";

/** The client's network message ends with the system's reason code, e.g. `fetch failed (ECONNREFUSED)`. */
function networkCode(message: string): string | null {
  return /\(([A-Z_]+)\)$/.exec(message)?.[1] ?? null;
}

/** One merchant's verdict; the `--json` output is exactly these fields (plus `complaint_list` with `--show`). */
export interface Verdict {
  mchid: string;
  name: string | null;
  accepted: boolean;
  http_status: number | null;
  return_code: number | null;
  message: string | null;
  complaints: number | null;
  signature: "verified" | "absent" | "mismatch" | null;
  scheme: string | null;
  fields: string[];
  advice: string[];
}

/** A complaint as `--show` lists it (the Worker's own id and time). */
export interface ShownComplaint {
  id: string;
  complaint_at: string;
  body: string;
}

export interface Judged {
  verdict: Verdict;
  /** The error code when not accepted. */
  code: string | null;
  /** PAYJS's `return_msg` (or `msg`), when it sent one. */
  returnMsg: string | null;
  /** Top-level field names, and those of the complaints, each once, in the order first seen. */
  topFields: string[];
  complaintFields: string[];
  /** The complaints the answer held (also when refused for its sign), for `--show` only. */
  list: ShownComplaint[];
}

export interface Context {
  policy: SignaturePolicy;
  /** `PAYJS_API_BASE` as the Worker uses it. */
  apiBase: string;
  timeoutMs: number;
  /** Where this merchant's id and key are set, e.g. `PAYJS_KEY` or its entry in `PAYJS_MERCHANTS`. */
  settings: { mchid: string; key: string };
  /** The secrets that hold the credentials: PAYJS_MCHID and PAYJS_KEY, PAYJS_MERCHANTS, or all three. */
  secretNames: string[];
  /** The words, in the run's language. */
  m: Messages;
}

const SCHEME_LIST = SCHEMES.map((s) => s.name).join(", ");
const SIGN_ERROR = "签名错误";

function integerOrNull(value: unknown): number | null {
  if (value === undefined || value === null || value === "") return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

function textOrNull(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/** The API base without any user info, fit to print. */
export function shownBase(apiBase: string): string {
  try {
    const url = new URL(apiBase);
    url.username = "";
    url.password = "";
    return url.toString().replace(/\/+$/, "");
  } catch {
    return apiBase;
  }
}

/** What to do after an accepted answer: deploy, and what its sign means. */
function adviseAccepted(sig: SignCheck | null, ctx: Context): string[] {
  const a = ctx.m.advice;
  if (sig?.result === "verified") {
    const other = sig.scheme !== "php-sdk" ? [a.otherScheme(sig.scheme, SCHEME_LIST)] : [];
    return [...other, a.deploy(true, ctx.secretNames)];
  }
  if (sig?.result === "absent") return [a.absent(ctx.policy), a.policy(ctx.policy), a.deploy(false, ctx.secretNames)];
  // mismatch, taken because RESPONSE_SIGNATURE=report
  return [
    a.mismatchWarning(SCHEME_LIST),
    a.keyCheck(ctx.settings.key),
    a.unpublishedRisk,
    a.policy("report"),
    a.deploy(false, ctx.secretNames),
  ];
}

/** What to set or check after a refused answer, by the client's error code. */
function adviseRefused(answer: Answer, error: UpstreamError, ctx: Context, returnMsg: string | null): string[] {
  const a = ctx.m.advice;
  const base = shownBase(ctx.apiBase);
  switch (error.code) {
    case "bad_signature":
      return [a.badSignature(SCHEME_LIST, ctx.policy), a.keyCheck(ctx.settings.key), a.reportOption];
    case "unsigned":
      return [a.unsigned, a.allowUnsigned];
    case "upstream_error":
      if ((returnMsg ?? error.message).includes(SIGN_ERROR)) return [a.signError(SIGN_ERROR, ctx.settings.key, ctx.settings.mchid)];
      return [returnMsg === null ? a.refusedSilently(error.message) : a.refusedSaying(returnMsg), a.fixRefusal(ctx.settings.mchid)];
    case "http_status": {
      const status = answer.httpStatus ?? 0;
      return error.transient ? [a.httpTransient(status), a.transientTail(base)] : [a.httpOther(base, status)];
    }
    case "timeout":
      return [a.timeout(ctx.timeoutMs), a.transientTail(base), a.raiseTimeout];
    case "network":
      return [a.network(base, networkCode(error.message)), a.transientTail(base)];
    case "not_json":
      return [a.notJson, a.transientTail(base)];
    case "bad_shape":
      return [a.badShape(error.message)];
  }
}

function advise(answer: Answer, ctx: Context, returnMsg: string | null): string[] {
  return answer.result.ok ? adviseAccepted(answer.signature, ctx) : adviseRefused(answer, answer.result.error, ctx, returnMsg);
}

/** The verdict on one merchant's answer. */
export function judge(merchant: Merchant, answer: Answer, ctx: Context): Judged {
  const payload = answer.payload;
  const result = answer.result;
  const topFields = payload === null ? [] : [...sourceKeys(payload)];
  const returnMsg = payload === null ? null : (textOrNull(payload.return_msg) ?? textOrNull(payload.msg));
  const returnCode = payload === null ? null : integerOrNull(payload.return_code);

  // The complaints, when the answer was a success: also when it was refused for its sign.
  let items: Record<string, unknown>[] | null = null;
  if (result.ok) items = result.items;
  else if (payload !== null && returnCode === 1) {
    const listed = complaintItems(payload.complaints);
    if (typeof listed !== "string") items = listed;
  }
  const complaintFields: string[] = [];
  const seen = new Set<string>();
  for (const item of items ?? []) {
    for (const name of sourceKeys(item)) {
      if (seen.has(name)) continue;
      seen.add(name);
      complaintFields.push(name);
    }
  }
  const fields = [...new Set([...topFields, ...complaintFields])];
  const list =
    items === null
      ? []
      : identifyComplaints(items).sightings.map((s) => {
          const c = complaintOf(merchant.mchid, keptSighting(s, "", ""), null);
          return { id: c.id, complaint_at: c.complaint_at, body: c.body };
        });

  const verdict: Verdict = {
    mchid: merchant.mchid,
    name: merchant.name,
    accepted: result.ok,
    http_status: answer.httpStatus,
    return_code: returnCode,
    message: result.ok ? returnMsg : result.error.message,
    complaints: items === null ? null : items.length,
    signature: answer.signature?.result ?? null,
    scheme: answer.signature?.scheme ?? null,
    fields,
    advice: advise(answer, ctx, returnMsg),
  };
  return { verdict, code: result.ok ? null : result.error.code, returnMsg, topFields, complaintFields, list };
}
