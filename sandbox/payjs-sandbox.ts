/**
 * A local emulator of the PAYJS complaint API (`POST …/complaint`), written against the fetch API only
 * (Request → Response, no Node APIs), so the same code answers inside workerd tests (stub `fetch` with
 * `sandbox.fetch`) and behind a Node HTTP server (`sandbox/server.ts`, used by `npm run dev` and process tests).
 *
 * It checks the request `sign` like PAYJS, answers with a response signed over every field (nested
 * complaints flattened the PHP way, by the same code the Worker verifies with), and can inject every
 * failure the Worker must survive: timeouts, HTTP errors, HTML, broken JSON, `return_code: 0`, bad or missing
 * signs, huge lists, and each shape PAYJS may give `complaints`.
 *
 * The merchants below are the sandbox's dev pairs: public, not secrets, and accepted by nothing but this sandbox.
 * @module
 * @see https://help.payjs.cn/api-lie-biao/complaint.html
 */
import { parseJson } from "../src/json";
import { SCHEMES, type Scheme, signWith, verifySign } from "../src/payjs/sign";
import { generateComplaints, type PayjsComplaintItem } from "./fixtures";

export type { PayjsComplaintItem } from "./fixtures";

export interface SandboxMerchant {
  mchid: string;
  key: string;
}

/** The dev merchant `npm run dev` uses when `.dev.vars` has no PAYJS credentials. Not a secret. */
export const SANDBOX_MERCHANT = { mchid: "1500000001", key: "sandbox-dev-key-not-a-secret" } as const satisfies SandboxMerchant;

/**
 * A second dev merchant, for multi-merchant tests (`PAYJS_MERCHANTS`). Not a secret. Its key holds `+` and
 * `%2B`, which PHP's `urldecode` changes: the one key whose answers tell the `php-sdk` and `raw-key` schemes apart.
 */
export const SANDBOX_MERCHANT_2 = { mchid: "1500000002", key: "sandbox+second%2Bkey-not-a-secret" } as const satisfies SandboxMerchant;

export const SANDBOX_MODES = [
  "ok",
  "timeout",
  "http_500_html",
  "http_502",
  "http_429",
  "http_404",
  "html_200",
  "not_json",
  "truncated_json",
  "empty_object",
  "return_code_0",
  "return_code_0_msg_only",
  "bad_sign",
  "unsigned",
  "sign_php_sdk",
  "sign_raw_key",
  "mismatch",
  "huge",
] as const;

/**
 * How the sandbox answers a complaint request:
 * - `ok`: a signed success with the merchant's complaints.
 * - `timeout`: never answers; rejects with `request.signal.reason` when the request's signal aborts, exactly
 *   like a real `fetch` whose caller gave up. With `delayMs`, answers like `ok` after that delay instead (a slow PAYJS).
 * - `http_500_html`: HTTP 500 with an HTML error page. `http_502`, `http_429`, `http_404`: that status, short text body.
 * - `html_200`: HTTP 200 with an HTML page (a captive portal, a WAF page).
 * - `not_json`: HTTP 200 `text/plain` that is not JSON.
 * - `truncated_json`: HTTP 200 with the first half of a valid signed success body.
 * - `empty_object`: HTTP 200 `{}`.
 * - `return_code_0`: `{"return_code":0,"return_msg":…}` (option `returnMsg`).
 * - `return_code_0_msg_only`: `{"return_code":0,"msg":…}` (option `returnMsg`), no `return_msg`.
 * - `bad_sign`: a valid success body whose `sign` was made with another key.
 * - `unsigned`: a valid success body with no `sign` field.
 * - `sign_php_sdk`: as `ok`, which signs by the `php-sdk` scheme (the key URL-decoded, as the official PHP SDK does).
 * - `sign_raw_key`: a success signed by the `raw-key` scheme (the key as it is, as the API doc's Python sample does);
 *   it differs from `php-sdk` only for a key holding `+` or `%` ({@link SANDBOX_MERCHANT_2}'s).
 * - `mismatch`: a success signed with the right key by no scheme the Worker knows: over the top-level fields
 *   only, leaving the complaints out.
 * - `huge`: a signed success with `count` (default 10 000, ≈ 5 MB) generated complaints instead of the stored ones.
 *
 * Transport-level modes (`timeout` … `not_json`) answer before the request sign is checked, like a proxy in
 * front of PAYJS would; the others answer only a correctly signed request (else `签名错误`).
 */
export type SandboxMode = (typeof SANDBOX_MODES)[number];

export const SANDBOX_SHAPES = ["array", "object", "json_string", "empty_string", "null", "absent"] as const;

/**
 * How a success response carries `complaints`: `array` (default); `object` keyed `"0"`, `"1"`, …; `json_string`
 * (the array's JSON text, signed as that string); `empty_string`, `null` or `absent` (no complaints at all).
 */
export type SandboxShape = (typeof SANDBOX_SHAPES)[number];

export interface ModeOptions {
  /** Wait this long before answering (abortable by the request's signal). In `timeout` mode: answer like `ok` after it. */
  delayMs?: number;
  /** `huge`: how many generated complaints (default 10 000). */
  count?: number;
  /** `return_code_0` / `return_code_0_msg_only`: the message. */
  returnMsg?: string;
  /** Apply the mode to the next `times` complaint requests only, then go back to `ok`. */
  times?: number;
  /** Apply the mode to this merchant only; the others are answered as in `ok`. */
  mchid?: string;
}

export interface SandboxRequestLog {
  /** The posted `mchid`, or null when none was posted. */
  mchid: string | null;
  /** Whether the request's `sign` is right for that merchant (false for an unknown merchant). */
  signValid: boolean;
  /** When the request arrived, ISO 8601 UTC. */
  at: string;
  /** The mode it was answered in. */
  mode: SandboxMode;
}

const DEFAULT_HUGE_COUNT = 10_000;
const SIGN_ERROR = "签名错误";

function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return textResponse(JSON.stringify(body), status, "application/json; charset=utf-8", headers);
}

function textResponse(text: string, status: number, contentType: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { "content-type": contentType, ...headers } });
}

/** A deep copy that keeps a long number's digits, as PAYJS would. */
function clone<T>(value: T): T {
  return parseJson(JSON.stringify(value)) as T;
}

const HTML_500 =
  "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>" +
  "<body><center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body></html>\n";
const HTML_200 =
  '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>安全验证</title></head>' +
  "<body><p>访问过于频繁，请完成安全验证后继续。</p></body></html>\n";

export class PayjsSandbox {
  /** Every complaint request, in arrival order (cleared by {@link reset}). */
  readonly requests: SandboxRequestLog[] = [];

  private readonly keys = new Map<string, string>();
  private readonly initial: Map<string, PayjsComplaintItem[]>;
  private complaints = new Map<string, PayjsComplaintItem[]>();
  private mode: SandboxMode = "ok";
  private options: ModeOptions = {};
  private remaining: number | null = null;
  private shape: SandboxShape = "array";
  private hugeCache = new Map<string, PayjsComplaintItem[]>();
  private hugeNow = Date.now();
  /** Requests held open (`timeout`, delays): released by {@link reset}. */
  private readonly pending = new Set<(reason: unknown) => void>();

  /**
   * @param merchants the merchants PAYJS knows, each with its key.
   * @param initialComplaints complaints per mchid to start with (and to go back to on {@link reset}).
   */
  constructor(merchants: SandboxMerchant[], initialComplaints: Record<string, PayjsComplaintItem[]> = {}) {
    for (const m of merchants) this.keys.set(m.mchid, m.key);
    this.initial = new Map();
    for (const [mchid, items] of Object.entries(initialComplaints)) {
      this.assertMerchant(mchid);
      this.initial.set(mchid, clone(items));
    }
    this.complaints = this.cloneInitial();
  }

  get merchants(): string[] {
    return [...this.keys.keys()];
  }

  get currentMode(): { mode: SandboxMode; options: ModeOptions; shape: SandboxShape } {
    return { mode: this.mode, options: { ...this.options }, shape: this.shape };
  }

  /** The complaints currently served for a merchant (a copy). */
  getComplaints(mchid: string): PayjsComplaintItem[] {
    this.assertMerchant(mchid);
    return clone(this.complaints.get(mchid) ?? []);
  }

  setComplaints(mchid: string, items: PayjsComplaintItem[]): void {
    this.assertMerchant(mchid);
    this.complaints.set(mchid, clone(items));
  }

  /** Adds one complaint at the top of the list (PAYJS lists newest first). */
  addComplaint(mchid: string, item: PayjsComplaintItem): void {
    this.assertMerchant(mchid);
    this.complaints.set(mchid, [clone(item), ...(this.complaints.get(mchid) ?? [])]);
  }

  /** Removes the complaints whose `complaint_id` is `complaintId`; returns how many were removed. */
  removeComplaint(mchid: string, complaintId: string): number {
    this.assertMerchant(mchid);
    const before = this.complaints.get(mchid) ?? [];
    const after = before.filter((c) => String(c.complaint_id ?? "") !== complaintId);
    this.complaints.set(mchid, after);
    return before.length - after.length;
  }

  setMode(mode: SandboxMode, options: ModeOptions = {}): void {
    if (!(SANDBOX_MODES as readonly string[]).includes(mode)) throw new Error(`Unknown sandbox mode ${String(mode)}`);
    this.mode = mode;
    this.options = { ...options };
    this.remaining = options.times === undefined ? null : Math.max(0, Math.floor(options.times));
    if (mode === "huge") {
      this.hugeCache.clear();
      this.hugeNow = Date.now();
    }
  }

  setShape(shape: SandboxShape): void {
    if (!(SANDBOX_SHAPES as readonly string[]).includes(shape)) throw new Error(`Unknown sandbox shape ${String(shape)}`);
    this.shape = shape;
  }

  /** Back to the initial complaints, mode `ok`, shape `array`, an empty request log; held requests are released (rejected). */
  reset(): void {
    this.complaints = this.cloneInitial();
    this.mode = "ok";
    this.options = {};
    this.remaining = null;
    this.shape = "array";
    this.hugeCache.clear();
    this.requests.length = 0;
    for (const release of [...this.pending]) release(new Error("The PAYJS sandbox was reset"));
    this.pending.clear();
  }

  /** Answers one request to the PAYJS API: `POST <anything>/complaint`. */
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (!/\/complaint\/?$/.test(url.pathname)) {
      return textResponse("404 Not Found", 404, "text/plain; charset=utf-8");
    }
    if (request.method !== "POST") {
      return textResponse("405 Method Not Allowed", 405, "text/plain; charset=utf-8", { allow: "POST" });
    }

    const params = await formParams(request);
    const mchid = typeof params.mchid === "string" && params.mchid !== "" ? params.mchid : null;
    const key = mchid === null ? undefined : this.keys.get(mchid);
    const signValid = key !== undefined && verifySign(params, key);

    const applies = this.options.mchid === undefined || this.options.mchid === mchid;
    const mode = applies ? this.mode : "ok";
    const options = applies ? this.options : {};
    if (applies && this.remaining !== null) {
      this.remaining -= 1;
      if (this.remaining <= 0) this.setMode("ok");
    }
    this.requests.push({ mchid, signValid, at: new Date().toISOString(), mode });

    const signal = request.signal;
    if (mode === "timeout" && options.delayMs === undefined) return this.hold(signal);
    if (options.delayMs !== undefined && options.delayMs > 0) await this.sleep(options.delayMs, signal);

    switch (mode) {
      case "http_500_html":
        return textResponse(HTML_500, 500, "text/html; charset=utf-8");
      case "http_502":
        return textResponse("502 Bad Gateway", 502, "text/plain; charset=utf-8");
      case "http_429":
        return textResponse("429 Too Many Requests", 429, "text/plain; charset=utf-8", { "retry-after": "60" });
      case "http_404":
        return textResponse("404 Not Found", 404, "text/plain; charset=utf-8");
      case "html_200":
        return textResponse(HTML_200, 200, "text/html; charset=utf-8");
      case "not_json":
        return textResponse("系统繁忙，请稍后再试", 200, "text/plain; charset=utf-8");
      default:
        break;
    }

    if (mchid === null) return jsonResponse({ return_code: 0, return_msg: "mchid 不能为空" });
    if (key === undefined || !signValid) return jsonResponse({ return_code: 0, return_msg: SIGN_ERROR });

    switch (mode) {
      case "empty_object":
        return jsonResponse({});
      case "return_code_0":
        return jsonResponse({ return_code: 0, return_msg: options.returnMsg ?? "请求过于频繁，请4小时后再试" });
      case "return_code_0_msg_only":
        return jsonResponse({ return_code: 0, msg: options.returnMsg ?? "商户号已被禁用" });
      case "truncated_json": {
        const text = JSON.stringify(this.success(mchid, key, this.itemsFor(mchid, mode, options), "valid"));
        return textResponse(text.slice(0, Math.floor(text.length / 2)), 200, "application/json; charset=utf-8");
      }
      case "bad_sign":
        return jsonResponse(this.success(mchid, key, this.itemsFor(mchid, mode, options), "wrong"));
      case "unsigned":
        return jsonResponse(this.success(mchid, key, this.itemsFor(mchid, mode, options), "none"));
      case "sign_raw_key":
        return jsonResponse(this.success(mchid, key, this.itemsFor(mchid, mode, options), "raw-key"));
      case "mismatch":
        return jsonResponse(this.success(mchid, key, this.itemsFor(mchid, mode, options), "top-level-only"));
      default:
        return jsonResponse(this.success(mchid, key, this.itemsFor(mchid, mode, options), "valid"));
    }
  }

  /**
   * The control API, for process-level tests (served by `sandbox/server.ts` under `/__sandbox/`); null for any
   * other path. JSON in, JSON out:
   * `POST /__sandbox/mode` `{"mode":…, "delayMs"?, "count"?, "returnMsg"?, "times"?}`; `POST /__sandbox/shape`
   * `{"shape":…}`; `GET|PUT|POST /__sandbox/complaints/{mchid}` (list / replace with a JSON array / add one
   * object); `DELETE /__sandbox/complaints/{mchid}/{complaint_id}`; `POST /__sandbox/reset`;
   * `GET /__sandbox/requests`; `GET /__sandbox/state`.
   */
  async control(request: Request): Promise<Response | null> {
    const url = new URL(request.url);
    if (!url.pathname.startsWith("/__sandbox/")) return null;
    const parts = url.pathname.slice("/__sandbox/".length).split("/").map(decodeURIComponent);
    const method = request.method;
    const bad = (message: string, status = 400): Response => jsonResponse({ error: { code: "bad_request", message } }, status);
    const readJson = async (): Promise<unknown> => {
      try {
        return parseJson(await request.text());
      } catch {
        return undefined;
      }
    };
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

    const [first, mchid, id, ...rest] = parts;
    if (first === "mode" && parts.length === 1 && method === "POST") {
      const body = await readJson();
      if (!isObject(body) || typeof body.mode !== "string") return bad('Send {"mode":"…"}');
      if (!(SANDBOX_MODES as readonly string[]).includes(body.mode)) {
        return bad(`Unknown mode ${body.mode}; one of ${SANDBOX_MODES.join(", ")}`);
      }
      const options: ModeOptions = {};
      for (const name of ["delayMs", "count", "times"] as const) {
        const v = body[name];
        if (v === undefined) continue;
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0) return bad(`${name} must be a non-negative number`);
        options[name] = v;
      }
      if (body.mchid !== undefined) {
        if (typeof body.mchid !== "string") return bad("mchid must be a string");
        options.mchid = body.mchid;
      }
      if (body.returnMsg !== undefined) {
        if (typeof body.returnMsg !== "string") return bad("returnMsg must be a string");
        options.returnMsg = body.returnMsg;
      }
      this.setMode(body.mode as SandboxMode, options);
      return jsonResponse({ ok: true, ...this.currentMode });
    }
    if (first === "shape" && parts.length === 1 && method === "POST") {
      const body = await readJson();
      if (!isObject(body) || typeof body.shape !== "string" || !(SANDBOX_SHAPES as readonly string[]).includes(body.shape)) {
        return bad(`Send {"shape":"…"}, one of ${SANDBOX_SHAPES.join(", ")}`);
      }
      this.setShape(body.shape as SandboxShape);
      return jsonResponse({ ok: true, ...this.currentMode });
    }
    if (first === "reset" && parts.length === 1 && method === "POST") {
      this.reset();
      return jsonResponse({ ok: true });
    }
    if (first === "requests" && parts.length === 1 && method === "GET") {
      return jsonResponse({ requests: this.requests });
    }
    if (first === "state" && parts.length === 1 && method === "GET") {
      return jsonResponse({ ...this.currentMode, merchants: this.merchants, requests: this.requests.length });
    }
    if (first === "complaints" && mchid !== undefined && rest.length === 0) {
      if (!this.keys.has(mchid)) return bad(`Unknown mchid ${mchid}`, 404);
      if (id === undefined) {
        if (method === "GET") return jsonResponse({ complaints: this.getComplaints(mchid) });
        if (method === "PUT") {
          const body = await readJson();
          if (!Array.isArray(body) || !body.every(isObject)) return bad("Send a JSON array of complaint objects");
          this.setComplaints(mchid, body);
          return jsonResponse({ ok: true, count: body.length });
        }
        if (method === "POST") {
          const body = await readJson();
          if (!isObject(body)) return bad("Send one complaint as a JSON object");
          this.addComplaint(mchid, body);
          return jsonResponse({ ok: true, count: this.getComplaints(mchid).length });
        }
      } else if (method === "DELETE") {
        const removed = this.removeComplaint(mchid, id);
        if (removed === 0) return bad(`No complaint ${id} for ${mchid}`, 404);
        return jsonResponse({ ok: true, removed });
      }
    }
    return bad(`No sandbox control ${method} ${url.pathname}`, 404);
  }

  private assertMerchant(mchid: string): void {
    if (!this.keys.has(mchid)) throw new Error(`The PAYJS sandbox has no merchant ${mchid}`);
  }

  private cloneInitial(): Map<string, PayjsComplaintItem[]> {
    const map = new Map<string, PayjsComplaintItem[]>();
    for (const [mchid, items] of this.initial) map.set(mchid, clone(items));
    return map;
  }

  private itemsFor(mchid: string, mode: SandboxMode, options: ModeOptions): PayjsComplaintItem[] {
    if (mode !== "huge") return this.complaints.get(mchid) ?? [];
    const count = Math.floor(options.count ?? DEFAULT_HUGE_COUNT);
    const cacheKey = `${mchid}:${count}`;
    let items = this.hugeCache.get(cacheKey);
    if (items === undefined) {
      items = generateComplaints(mchid, count, this.hugeNow);
      this.hugeCache.set(cacheKey, items);
    }
    return items;
  }

  /** A success body, `complaints` in the current shape, signed over every field by a scheme (or wrongly, or not at all). */
  private success(
    mchid: string,
    key: string,
    items: PayjsComplaintItem[],
    sign: "valid" | "raw-key" | "wrong" | "top-level-only" | "none",
  ): Record<string, unknown> {
    const payload: Record<string, unknown> = { return_code: 1, return_msg: "SUCCESS", mchid };
    switch (this.shape) {
      case "array":
        payload.complaints = items;
        break;
      case "object":
        payload.complaints = Object.fromEntries(items.map((item, i) => [String(i), item]));
        break;
      case "json_string":
        payload.complaints = JSON.stringify(items);
        break;
      case "empty_string":
        payload.complaints = "";
        break;
      case "null":
        payload.complaints = null;
        break;
      case "absent":
        break;
    }
    const scheme = (name: string) => SCHEMES.find((x) => x.name === name) as Scheme;
    if (sign === "valid") payload.sign = signWith(scheme("php-sdk"), payload, key);
    if (sign === "raw-key") payload.sign = signWith(scheme("raw-key"), payload, key);
    if (sign === "wrong") payload.sign = signWith(scheme("php-sdk"), payload, `${key}-wrong`);
    if (sign === "top-level-only") {
      const scalars = Object.fromEntries(Object.entries(payload).filter(([, v]) => typeof v !== "object" || v === null));
      payload.sign = signWith(scheme("php-sdk"), scalars, key);
    }
    return payload;
  }

  /** Never settles on its own: rejects with the signal's reason when it aborts (or when the sandbox is reset). */
  private hold(signal: AbortSignal): Promise<never> {
    return new Promise<never>((_, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const release = (reason: unknown): void => {
        this.pending.delete(release);
        signal.removeEventListener("abort", onAbort);
        reject(reason);
      };
      const onAbort = (): void => release(signal.reason);
      this.pending.add(release);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Waits `ms`, or rejects with the signal's reason when it aborts first (or when the sandbox is reset). */
  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const done = (): void => {
        this.pending.delete(release);
        signal.removeEventListener("abort", onAbort);
      };
      const timer = setTimeout(() => {
        done();
        resolve();
      }, ms);
      const release = (reason: unknown): void => {
        clearTimeout(timer);
        done();
        reject(reason);
      };
      const onAbort = (): void => release(signal.reason);
      this.pending.add(release);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** The posted form fields (urlencoded or multipart, as PHP's `$_POST` reads them); others count as none. */
async function formParams(request: Request): Promise<Record<string, string>> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const params: Record<string, string> = {};
  if (type.startsWith("application/x-www-form-urlencoded")) {
    // Decoded by hand: workerd warns about `.text()` on a body whose type it does not consider text.
    const text = new TextDecoder().decode(await request.arrayBuffer());
    for (const [k, v] of new URLSearchParams(text)) params[k] = v;
  } else if (type.startsWith("multipart/form-data")) {
    try {
      const form = await request.formData();
      form.forEach((v, k) => {
        if (typeof v === "string") params[k] = v;
      });
    } catch {
      // A malformed multipart body posts nothing, as in PHP.
    }
  }
  return params;
}
