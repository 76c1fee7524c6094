/**
 * What one answer of PAYJS means for a person about to deploy: accepted or not (exactly as the Worker decides,
 * from the {@link Answer} its own client returned), what the answer showed, and what to set or check next.
 * Pure: no I/O, so every case can be read here in one place.
 * @module
 */

import { complaintOf, identifyComplaints, keptSighting } from "../../src/domain/complaint";
import type { Merchant } from "../../src/domain/merchant";
import { sourceKeys } from "../../src/json";
import { type Answer, complaintItems, type SignaturePolicy } from "../../src/payjs/client";
import { SCHEMES } from "../../src/payjs/sign";

/** The client's network message ends with the system's reason code, e.g. `fetch failed (ECONNREFUSED)`. */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "the connection was refused: nothing listens on that host and port",
  ENOTFOUND: "the host name does not resolve (DNS)",
  EAI_AGAIN: "DNS lookup failed for now",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  ETIMEDOUT: "connecting timed out",
};

function networkReason(message: string): string {
  const code = /\(([A-Z_]+)\)$/.exec(message)?.[1];
  if (code === undefined) return "";
  return `: ${NETWORK_REASONS[code] ?? "the connection failed"} (${code})`;
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

function deployLine(ctx: Context, prefix: string): string {
  const names = ctx.secretNames;
  const secrets = names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  return `${prefix} run \`npm run setup\`: it sets ${secrets} as secrets (never in wrangler.toml), makes the tokens and deploys.`;
}

function policyLine(policy: SignaturePolicy): string {
  return `Set RESPONSE_SIGNATURE = "${policy}" under [vars] in wrangler.toml too, so the deployed Worker decides as the doctor did.`;
}

function keyCheck(ctx: Context): string {
  return `First check ${ctx.settings.key}: a wrong key gives exactly this. Copy it again from the PAYJS merchant console.`;
}

function transientTail(ctx: Context): string {
  return `Check PAYJS_API_BASE (now ${shownBase(ctx.apiBase)}), and try again later; the Worker retries such failures with backoff.`;
}

function advise(answer: Answer, ctx: Context, returnMsg: string | null): string[] {
  const result = answer.result;
  const sig = answer.signature;
  if (result.ok) {
    if (sig?.result === "verified") {
      const lines: string[] = [];
      if (sig.scheme !== "php-sdk") {
        lines.push(
          `The sign verifies by the ${sig.scheme} scheme (not the PHP SDK's php-sdk): fine, the Worker checks every known scheme (${SCHEME_LIST}) and /api/status shows the one that matched.`,
        );
      }
      lines.push(deployLine(ctx, "ready: deploy —"));
      return lines;
    }
    if (sig?.result === "absent") {
      return [
        `PAYJS's answer carries no sign; it is accepted only because RESPONSE_SIGNATURE=${ctx.policy}. The Worker cannot tell a changed answer from a real one: /api/status reports "absent" and the dashboard warns.`,
        policyLine(ctx.policy),
        deployLine(ctx, "Then"),
      ];
    }
    // mismatch, taken because RESPONSE_SIGNATURE=report
    return [
      `Warning: the sign verifies by none of the known schemes (${SCHEME_LIST}); the answer is accepted only because RESPONSE_SIGNATURE=report.`,
      keyCheck(ctx),
      "If the key is right, PAYJS signs its answers in a way it has not published. Running on unverified answers is a conscious risk: a changed answer would be stored as real. /api/status and the dashboard warn while it lasts.",
      policyLine("report"),
      deployLine(ctx, "Then"),
    ];
  }

  const error = result.error;
  switch (error.code) {
    case "bad_signature":
      return [
        `The sign of PAYJS's answer verifies by none of the known schemes (${SCHEME_LIST}), so the Worker with RESPONSE_SIGNATURE=${ctx.policy} refuses it.`,
        keyCheck(ctx),
        "If the key is right, PAYJS signs its answers in a way it has not published: you can run on unverified answers with RESPONSE_SIGNATURE=report (in .dev.vars and under [vars] in wrangler.toml); /api/status and the dashboard then warn. That is a conscious risk: a changed answer would be stored as real.",
      ];
    case "unsigned":
      return [
        "PAYJS answered without a sign, and RESPONSE_SIGNATURE=strict refuses that.",
        "To accept answers without a sign (a wrong sign is still refused), set RESPONSE_SIGNATURE=if_present (or report, which also takes wrong signs) in .dev.vars and under [vars] in wrangler.toml.",
      ];
    case "upstream_error":
      if ((returnMsg ?? error.message).includes(SIGN_ERROR)) {
        return [
          `PAYJS refused the sign of our request (${SIGN_ERROR}): check ${ctx.settings.key} and ${ctx.settings.mchid}. The key must be the one PAYJS shows for this mchid.`,
        ];
      }
      return [
        returnMsg === null
          ? `PAYJS's answer has no return_code 1 and no message (${error.message}); its field names are listed above.`
          : `PAYJS refused the call and said: ${returnMsg}`,
        `Fix what it names (the merchant's account at PAYJS, or ${ctx.settings.mchid}), then run the doctor again. PAYJS asks for at most one call per 4 hours; if it says the calls are too frequent, wait.`,
      ];
    case "http_status": {
      const status = answer.httpStatus ?? 0;
      if (error.transient) {
        return [
          `PAYJS (or something in front of it) answered HTTP ${status}: PAYJS or the network is failing from here.`,
          transientTail(ctx),
        ];
      }
      return [`${shownBase(ctx.apiBase)}/complaint answered HTTP ${status}: check PAYJS_API_BASE (the default is https://payjs.cn/api).`];
    }
    case "timeout":
      return [
        `No answer within UPSTREAM_TIMEOUT_MS=${ctx.timeoutMs} ms: PAYJS or the network is failing or slow from here.`,
        transientTail(ctx),
        "If PAYJS is merely slow, raise UPSTREAM_TIMEOUT_MS (at most 60000).",
      ];
    case "network":
      return [
        `Could not connect to ${shownBase(ctx.apiBase)}${networkReason(error.message)}. PAYJS or the network is failing from here (DNS, firewall, proxy).`,
        transientTail(ctx),
      ];
    case "not_json":
      return [
        "The answer is not JSON (an HTML page: a proxy, captive portal or firewall, not PAYJS's API): PAYJS or the network is failing from here.",
        transientTail(ctx),
      ];
    case "bad_shape":
      return [
        `PAYJS's answer has a shape the Worker refuses (${error.message}). Nothing to set: try again later, and report it if it persists (the field names above help).`,
      ];
  }
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
