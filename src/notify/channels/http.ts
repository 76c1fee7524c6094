/**
 * What the channels share on the wire: JSON requests, and reading the platforms' answers into a
 * {@link DeliveryCheck} whose message is short, one line, and carries no URL, token or key.
 * @module
 */
import type { DeliveryCheck } from "../types";

export const USER_AGENT = "payjs-complaint-watch";
const JSON_TYPE = "application/json; charset=utf-8";
export const FORM_TYPE = "application/x-www-form-urlencoded; charset=utf-8";

/** A POST with a JSON body that is exactly `body` (the text a signature was computed over). */
export function postJson(url: string, body: string, headers: Record<string, string> = {}): Request {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": JSON_TYPE, "user-agent": USER_AGENT, ...headers },
    body,
  });
}

const DETAIL_LIMIT = 100;

/** A URL cut to its origin: its path or query may hold a token. */
function originOnly(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}

/**
 * Platform text made fit for a status record: one line, at most 100 code points, and any token-like run
 * (16+ letters/digits/`_`/`-` mixing letters and digits: a bot token, a device key, an access token a
 * platform might echo) replaced by `***`, and any URL cut to its origin. Long numbers (WeCom's hint ids) stay.
 */
export function detail(text: string): string {
  const line = text
    .replace(/[A-Za-z0-9_-]{16,}/g, (run) => (/[A-Za-z]/.test(run) && /\d/.test(run) ? "***" : run))
    .replace(/https?:\/\/[^\s"'<>\]]+/g, originOnly)
    .replace(/\s+/g, " ")
    .trim();
  const points = Array.from(line);
  return points.length <= DETAIL_LIMIT ? line : points.slice(0, DETAIL_LIMIT).join("") + "…";
}

function is2xx(status: number): boolean {
  return status >= 200 && status <= 299;
}

/** The body as a JSON object, or null when it is not one. */
function jsonObject(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function scalar(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

/** `label value: message` from a platform's error fields, e.g. `errcode 310000: sign not match`. */
export function describe(label: string, code: unknown, message: unknown): string {
  const text = scalar(message);
  return detail(`${label} ${code === undefined ? "(none)" : scalar(code) || JSON.stringify(code)}${text === "" ? "" : `: ${text}`}`);
}

function httpError(status: number, more = ""): DeliveryCheck {
  return { ok: false, code: "http_error", message: more === "" ? `HTTP ${status}` : `HTTP ${status}: ${more}` };
}

/** Any 2xx (webhook, Slack). `more` may add a safe word from the body (Slack's `invalid_token`). */
export function statusCheck(status: number, more = ""): DeliveryCheck {
  return is2xx(status) ? { ok: true } : httpError(status, more);
}

/**
 * A platform that answers JSON and reports success in it: non-2xx fails with the status (and the platform's
 * own error, when the body says one), a body that is no JSON object fails as `bad_response`, then `accepted`
 * decides and `explain` says why not.
 */
export function jsonCheck(
  status: number,
  body: string,
  accepted: (json: Record<string, unknown>) => boolean,
  explain: (json: Record<string, unknown>) => string,
): DeliveryCheck {
  const json = jsonObject(body);
  if (!is2xx(status)) return httpError(status, json === null ? "" : explain(json));
  if (json === null) return { ok: false, code: "bad_response", message: `HTTP ${status}: the response is not a JSON object` };
  if (accepted(json)) return { ok: true };
  return { ok: false, code: "platform_error", message: explain(json) };
}

/** WeCom and DingTalk robots answer HTTP 200 with `errcode` 0 on success, another code and `errmsg` on failure. */
export function errcodeCheck(status: number, body: string): DeliveryCheck {
  return jsonCheck(
    status,
    body,
    (j) => j.errcode === 0,
    (j) => describe("errcode", j.errcode, j.errmsg),
  );
}
