/**
 * A local emulator of the PAYJS API the Worker calls (`POST …/complaint`, `…/check`, `…/refund`), written against
 * the fetch API only (Request → Response, no Node APIs), so the same code answers inside workerd tests (stub
 * `fetch` with `sandbox.fetch`) and behind a Node HTTP server (`sandbox/server.ts`, used by `npm run dev` and
 * process tests).
 *
 * It checks the request `sign` like PAYJS, answers with a response signed over every field (nested
 * complaints flattened the PHP way, by the same code the Worker verifies with), and can inject every
 * failure the Worker must survive: timeouts, HTTP errors, HTML, broken JSON, `return_code: 0`, bad or missing
 * signs, huge lists, and each shape PAYJS may give `complaints`.
 *
 * Every order a complaint names can be checked and refunded (once, as PAYJS does), under modes of their own, so a
 * refund test can make PAYJS refuse, answer too late for its caller (having refunded all the same), or answer
 * unsigned, while polling goes on undisturbed.
 *
 * The merchants below are the sandbox's dev pairs: public, not secrets, and accepted by nothing but this sandbox.
 * @module
 * @see https://help.payjs.cn/api-lie-biao/complaint.html
 */
import { parseJson } from "../src/json";
import { SCHEMES, type Scheme, type SchemeName, signWith, verifySign } from "../src/payjs/sign";
import { generateComplaints, orderForComplaint, type PayjsComplaintItem, type PayjsOrder } from "./fixtures";

export type { PayjsComplaintItem, PayjsOrder } from "./fixtures";

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

export const SANDBOX_ORDER_MODES = ["ok", "refund_refused", "slow", "unsigned", "bad_sign", "http_500"] as const;

/**
 * How the sandbox answers `/check` and `/refund`, apart from the complaint mode. The work (a refund) is done
 * when the request arrives; the answer may then wait (`delayMs`), so a caller that gives up cannot tell
 * whether the refund happened — as with the real PAYJS.
 * - `ok`: a signed answer.
 * - `refund_refused`: refunds only: `return_code` 0 with `return_msg` (option `returnMsg`, default `余额不足`),
 *   nothing refunded. Checks are answered as in `ok` (and do not count against `times`).
 * - `slow`: as `ok` (the refund done at once), answered after `delayMs` (default 30 s), abortable by the
 *   request's signal: a caller with a shorter time limit sees a timeout although the order was refunded.
 * - `unsigned`: a success with no `sign`; the refund is done.
 * - `bad_sign`: a success whose `sign` was made with another key; the refund is done.
 * - `http_500`: HTTP 500 with an HTML page, before the sign is checked; nothing is refunded.
 *
 * Refusals (`签名错误`, `订单不存在`, `订单已退款`, `订单未支付`) come first in every mode but `http_500`, unsigned, as
 * PAYJS sends them.
 */
export type SandboxOrderMode = (typeof SANDBOX_ORDER_MODES)[number];

export const SANDBOX_ORDER_ENDPOINTS = ["check", "refund"] as const;

/** The order endpoints: `POST …/check` and `POST …/refund`. */
export type SandboxOrderEndpoint = (typeof SANDBOX_ORDER_ENDPOINTS)[number];

export interface OrderModeOptions {
  /** Apply the mode to this endpoint only; the other is answered as in `ok`. */
  endpoint?: SandboxOrderEndpoint;
  /** Wait this long before answering (after the work is done; abortable by the request's signal). */
  delayMs?: number;
  /** `refund_refused`: the message. */
  returnMsg?: string;
  /** Apply the mode to the next `times` order requests it concerns only, then go back to `ok`. */
  times?: number;
}

interface OrderRequestLogBase {
  /** The posted `payjs_order_id`, or null when none was posted. */
  payjs_order_id: string | null;
  /** The merchant whose key the request's `sign` verified with, or null when none did. */
  mchid: string | null;
  /** Whether the request posted `mchid` (as the PHP SDK does), or left it out (as PAYJS's API page lists). */
  mchid_posted: boolean;
  /** When the request arrived, ISO 8601 UTC. */
  at: string;
  /** The order mode it was answered in. */
  mode: SandboxOrderMode;
}

export interface SandboxCheckRequestLog extends OrderRequestLogBase {
  endpoint: "check";
}

export interface SandboxRefundRequestLog extends OrderRequestLogBase {
  endpoint: "refund";
  /** Whether this request refunded the order (whatever its caller was told, or whether it heard at all). */
  refunded: boolean;
}

export type SandboxOrderRequestLog = SandboxCheckRequestLog | SandboxRefundRequestLog;

/** An order as the sandbox holds it: what `/check` tells, and what only the sandbox knows. */
export interface SandboxOrderState {
  mchid: string;
  order: PayjsOrder;
  refunded: boolean;
  /** When it was refunded, ISO 8601 UTC, or null. */
  refunded_at: string | null;
  /** Refund requests that reached this order (its merchant's sign), whatever they answered: what an exactly-once test counts. */
  refunds: number;
}

/** The fields of an order a test may change (to make one unpaid, say); its number is its identity. */
export type OrderPatch = Partial<Omit<PayjsOrder, "payjs_order_id">>;

const DEFAULT_HUGE_COUNT = 10_000;
const DEFAULT_SLOW_MS = 30_000;
const SIGN_ERROR = "签名错误";
const ORDER_NOT_FOUND = "订单不存在";
const ALREADY_REFUNDED = "订单已退款";
const NOT_PAID = "订单未支付";
const DEFAULT_REFUSAL = "余额不足";

/** How an answer is signed: by a scheme, wrongly, over the top-level fields only, or not at all. */
type SignStyle = "valid" | "raw-key" | "wrong" | "top-level-only" | "none";

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
  /** Every check and refund request, in arrival order (cleared by {@link reset}). */
  readonly orderRequests: SandboxOrderRequestLog[] = [];
  /** By `payjs_order_id`: PAYJS's order numbers are unique across merchants. */
  private orders = new Map<string, OrderRecord>();
  private orderMode: SandboxOrderMode = "ok";
  private orderOptions: OrderModeOptions = {};
  private orderRemaining: number | null = null;

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
    this.orders = this.initialOrders();
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
    addOrders(this.orders, mchid, items);
  }

  /** Adds one complaint at the top of the list (PAYJS lists newest first). */
  addComplaint(mchid: string, item: PayjsComplaintItem): void {
    this.assertMerchant(mchid);
    this.complaints.set(mchid, [clone(item), ...(this.complaints.get(mchid) ?? [])]);
    addOrders(this.orders, mchid, [item]);
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

  get currentOrderMode(): { mode: SandboxOrderMode; options: OrderModeOptions } {
    return { mode: this.orderMode, options: { ...this.orderOptions } };
  }

  setOrderMode(mode: SandboxOrderMode, options: OrderModeOptions = {}): void {
    if (!(SANDBOX_ORDER_MODES as readonly string[]).includes(mode)) throw new Error(`Unknown sandbox order mode ${String(mode)}`);
    if (options.endpoint !== undefined && !(SANDBOX_ORDER_ENDPOINTS as readonly string[]).includes(options.endpoint)) {
      throw new Error(`Unknown sandbox order endpoint ${String(options.endpoint)}`);
    }
    if (mode === "refund_refused" && options.endpoint === "check") throw new Error("refund_refused concerns refunds only");
    this.orderMode = mode;
    this.orderOptions = { ...options };
    this.orderRemaining = options.times === undefined ? null : Math.max(0, Math.floor(options.times));
  }

  /** An order and its refund state (a copy), or null when PAYJS has no such order. */
  getOrder(payjsOrderId: string): SandboxOrderState | null {
    const record = this.orders.get(payjsOrderId);
    return record === undefined ? null : orderState(record);
  }

  /** Every order (of one merchant, given `mchid`), in the order they became known. */
  listOrders(mchid?: string): SandboxOrderState[] {
    return [...this.orders.values()].filter((r) => mchid === undefined || r.mchid === mchid).map(orderState);
  }

  /** Changes an order's fields (to make it unpaid, say); throws for an unknown order. */
  updateOrder(payjsOrderId: string, patch: OrderPatch): SandboxOrderState {
    const record = this.orders.get(payjsOrderId);
    if (record === undefined) throw new Error(`The PAYJS sandbox has no order ${payjsOrderId}`);
    record.order = { ...record.order, ...patch, payjs_order_id: payjsOrderId };
    return orderState(record);
  }

  /**
   * Back to the initial complaints and their orders (refunds forgotten), modes `ok`, shape `array`, empty request
   * logs; held requests are released (rejected).
   */
  reset(): void {
    this.complaints = this.cloneInitial();
    this.orders = this.initialOrders();
    this.orderMode = "ok";
    this.orderOptions = {};
    this.orderRemaining = null;
    this.orderRequests.length = 0;
    this.mode = "ok";
    this.options = {};
    this.remaining = null;
    this.shape = "array";
    this.hugeCache.clear();
    this.requests.length = 0;
    for (const release of [...this.pending]) release(new Error("The PAYJS sandbox was reset"));
    this.pending.clear();
  }

  /** Answers one request to the PAYJS API: `POST <anything>/complaint`, `…/check` or `…/refund`. */
  async fetch(request: Request): Promise<Response> {
    const endpoint = /\/(complaint|check|refund)\/?$/.exec(new URL(request.url).pathname)?.[1];
    if (endpoint === undefined) {
      return textResponse("404 Not Found", 404, "text/plain; charset=utf-8");
    }
    if (request.method !== "POST") {
      return textResponse("405 Method Not Allowed", 405, "text/plain; charset=utf-8", { allow: "POST" });
    }
    return endpoint === "complaint" ? this.answerComplaint(request) : this.answerOrder(endpoint as SandboxOrderEndpoint, request);
  }

  private async answerComplaint(request: Request): Promise<Response> {
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
        return jsonResponse({ return_code: 0, return_msg: options.returnMsg ?? "商户未开通投诉接口" });
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
   * Answers `…/check` or `…/refund`, with `mchid` posted (as the PHP SDK sends it: the sign must verify with that
   * merchant's key) or without (as PAYJS's API page lists: the merchant is whichever one's key the sign verifies with).
   */
  private async answerOrder(endpoint: SandboxOrderEndpoint, request: Request): Promise<Response> {
    const params = await formParams(request);
    const payjsOrderId = params.payjs_order_id !== undefined && params.payjs_order_id !== "" ? params.payjs_order_id : null;
    const posted = params.mchid !== undefined && params.mchid !== "";
    const candidates = posted ? this.merchants.filter((m) => m === params.mchid) : this.merchants;
    const mchid = candidates.find((m) => verifySign(params, this.keys.get(m) as string)) ?? null;
    const { mode, options } = this.orderModeFor(endpoint);
    const seen = { payjs_order_id: payjsOrderId, mchid, mchid_posted: posted, at: new Date().toISOString(), mode };
    const entry: SandboxOrderRequestLog = endpoint === "check" ? { endpoint, ...seen } : { endpoint, ...seen, refunded: false };
    this.orderRequests.push(entry);

    const response = mode === "http_500" ? textResponse(HTML_500, 500, "text/html; charset=utf-8") : this.orderAnswer(entry, mode, options);
    const delayMs = options.delayMs ?? (mode === "slow" ? DEFAULT_SLOW_MS : 0);
    if (delayMs > 0) await this.sleep(delayMs, request.signal);
    return response;
  }

  /** The mode an order request is answered in; a request the mode concerns uses up one of its `times`. */
  private orderModeFor(endpoint: SandboxOrderEndpoint): { mode: SandboxOrderMode; options: OrderModeOptions } {
    const concerns = this.orderOptions.endpoint ?? (this.orderMode === "refund_refused" ? "refund" : endpoint);
    if (concerns !== endpoint) return { mode: "ok", options: {} };
    const current = { mode: this.orderMode, options: this.orderOptions };
    if (this.orderRemaining !== null) {
      this.orderRemaining -= 1;
      if (this.orderRemaining <= 0) this.setOrderMode("ok");
    }
    return current;
  }

  /** PAYJS's answer once past the transport; a refund it answers with success is done, and noted in `entry`. */
  private orderAnswer(entry: SandboxOrderRequestLog, mode: SandboxOrderMode, options: OrderModeOptions): Response {
    const refuse = (message: string): Response => jsonResponse({ return_code: 0, return_msg: message });
    if (entry.mchid === null) return refuse(SIGN_ERROR);
    const record = entry.payjs_order_id === null ? undefined : this.orders.get(entry.payjs_order_id);
    // Another merchant's order is as unknown to this one as a number that does not exist.
    if (record === undefined || record.mchid !== entry.mchid) return refuse(ORDER_NOT_FOUND);
    const key = this.keys.get(record.mchid) as string;
    if (entry.endpoint === "check") return jsonResponse(signAnswer(checkBody(record), key, orderSignStyle(mode)));

    record.refunds += 1;
    if (record.refundedAt !== null) return refuse(ALREADY_REFUNDED);
    if (record.order.status !== 1) return refuse(NOT_PAID);
    if (mode === "refund_refused") return refuse(options.returnMsg ?? DEFAULT_REFUSAL);
    record.refundedAt = new Date().toISOString();
    entry.refunded = true;
    return jsonResponse(signAnswer(refundBody(record), key, orderSignStyle(mode)));
  }

  /**
   * The control API, for process-level tests (served by `sandbox/server.ts` under `/__sandbox/`); null for any
   * other path. JSON in, JSON out:
   * `POST /__sandbox/mode` `{"mode":…, "delayMs"?, "count"?, "returnMsg"?, "times"?}`; `POST /__sandbox/shape`
   * `{"shape":…}`; `GET|PUT|POST /__sandbox/complaints/{mchid}` (list / replace with a JSON array / add one
   * object); `DELETE /__sandbox/complaints/{mchid}/{complaint_id}`; `POST /__sandbox/reset`;
   * `GET /__sandbox/requests` (`{"requests":[complaint requests], "orders":[check and refund requests]}`);
   * `GET /__sandbox/state`; and for orders: `POST /__sandbox/orders/mode` `{"mode":…, "endpoint"?, "delayMs"?,
   * "returnMsg"?, "times"?}`; `GET /__sandbox/orders[?mchid=]`; `GET /__sandbox/orders/{payjs_order_id}`
   * ({@link SandboxOrderState}); `PATCH /__sandbox/orders/{payjs_order_id}` (fields of {@link OrderPatch}).
   */
  async control(request: Request): Promise<Response | null> {
    const url = new URL(request.url);
    if (!url.pathname.startsWith("/__sandbox/")) return null;
    const parts = url.pathname.slice("/__sandbox/".length).split("/").map(decodeURIComponent);
    const method = request.method;

    const [first, mchid, id, ...rest] = parts;
    if (first === "mode" && parts.length === 1 && method === "POST") {
      const body = await readJsonBody(request);
      if (!isObject(body) || typeof body.mode !== "string") return badRequest('Send {"mode":"…"}');
      if (!(SANDBOX_MODES as readonly string[]).includes(body.mode)) {
        return badRequest(`Unknown mode ${body.mode}; one of ${SANDBOX_MODES.join(", ")}`);
      }
      const numbers = pickOptions(body, ["delayMs", "count", "times"] as const, COUNT);
      if (typeof numbers === "string") return badRequest(numbers);
      const strings = pickOptions(body, ["mchid", "returnMsg"] as const, TEXT);
      if (typeof strings === "string") return badRequest(strings);
      this.setMode(body.mode as SandboxMode, { ...numbers, ...strings });
      return jsonResponse({ ok: true, ...this.currentMode });
    }
    if (first === "shape" && parts.length === 1 && method === "POST") {
      const body = await readJsonBody(request);
      if (!isObject(body) || typeof body.shape !== "string" || !(SANDBOX_SHAPES as readonly string[]).includes(body.shape)) {
        return badRequest(`Send {"shape":"…"}, one of ${SANDBOX_SHAPES.join(", ")}`);
      }
      this.setShape(body.shape as SandboxShape);
      return jsonResponse({ ok: true, ...this.currentMode });
    }
    if (first === "reset" && parts.length === 1 && method === "POST") {
      this.reset();
      return jsonResponse({ ok: true });
    }
    if (first === "requests" && parts.length === 1 && method === "GET") {
      return jsonResponse({ requests: this.requests, orders: this.orderRequests });
    }
    if (first === "state" && parts.length === 1 && method === "GET") {
      const orders = { ...this.currentOrderMode, requests: this.orderRequests.length };
      return jsonResponse({ ...this.currentMode, merchants: this.merchants, requests: this.requests.length, orders });
    }
    if (first === "orders") return this.controlOrders(method, parts.slice(1), request, url);
    if (first === "complaints" && mchid !== undefined && rest.length === 0) {
      if (!this.keys.has(mchid)) return badRequest(`Unknown mchid ${mchid}`, 404);
      if (id === undefined) {
        if (method === "GET") return jsonResponse({ complaints: this.getComplaints(mchid) });
        if (method === "PUT") {
          const body = await readJsonBody(request);
          if (!Array.isArray(body) || !body.every(isObject)) return badRequest("Send a JSON array of complaint objects");
          this.setComplaints(mchid, body);
          return jsonResponse({ ok: true, count: body.length });
        }
        if (method === "POST") {
          const body = await readJsonBody(request);
          if (!isObject(body)) return badRequest("Send one complaint as a JSON object");
          this.addComplaint(mchid, body);
          return jsonResponse({ ok: true, count: this.getComplaints(mchid).length });
        }
      } else if (method === "DELETE") {
        const removed = this.removeComplaint(mchid, id);
        if (removed === 0) return badRequest(`No complaint ${id} for ${mchid}`, 404);
        return jsonResponse({ ok: true, removed });
      }
    }
    return badRequest(`No sandbox control ${method} ${url.pathname}`, 404);
  }

  /** The control API's `/__sandbox/orders…` routes (see {@link control}); `parts` follow `orders/`. */
  private async controlOrders(method: string, parts: string[], request: Request, url: URL): Promise<Response> {
    const [id, ...rest] = parts;
    if (id === undefined && method === "GET") {
      return jsonResponse({ orders: this.listOrders(url.searchParams.get("mchid") ?? undefined) });
    }
    if (id === "mode" && rest.length === 0 && method === "POST") {
      const body = await readJsonBody(request);
      if (!isObject(body) || typeof body.mode !== "string") return badRequest('Send {"mode":"…"}');
      const numbers = pickOptions(body, ["delayMs", "times"] as const, COUNT);
      if (typeof numbers === "string") return badRequest(numbers);
      const strings = pickOptions(body, ["endpoint", "returnMsg"] as const, TEXT);
      if (typeof strings === "string") return badRequest(strings);
      try {
        // setOrderMode checks the mode and endpoint names.
        this.setOrderMode(body.mode as SandboxOrderMode, { ...numbers, ...(strings as Pick<OrderModeOptions, "endpoint" | "returnMsg">) });
      } catch (error) {
        return badRequest(
          `${(error as Error).message}; modes: ${SANDBOX_ORDER_MODES.join(", ")}; endpoints: ${SANDBOX_ORDER_ENDPOINTS.join(", ")}`,
        );
      }
      return jsonResponse({ ok: true, ...this.currentOrderMode });
    }
    if (id !== undefined && rest.length === 0 && (method === "GET" || method === "PATCH")) {
      if (!this.orders.has(id)) return badRequest(`No order ${id}`, 404);
      if (method === "GET") return jsonResponse(this.getOrder(id));
      const patch = parseOrderPatch(await readJsonBody(request));
      if (typeof patch === "string") return badRequest(patch);
      return jsonResponse(this.updateOrder(id, patch));
    }
    return badRequest(`No sandbox control ${method} ${url.pathname}`, 404);
  }

  private assertMerchant(mchid: string): void {
    if (!this.keys.has(mchid)) throw new Error(`The PAYJS sandbox has no merchant ${mchid}`);
  }

  private initialOrders(): Map<string, OrderRecord> {
    const orders = new Map<string, OrderRecord>();
    for (const [mchid, items] of this.initial) addOrders(orders, mchid, items);
    return orders;
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
  private success(mchid: string, key: string, items: PayjsComplaintItem[], sign: SignStyle): Record<string, unknown> {
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
    return signAnswer(payload, key, sign);
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

/** `payload` given the `sign` PAYJS would put on it in `style` (none for `none`): over every field, by default. */
function signAnswer(payload: Record<string, unknown>, key: string, style: SignStyle): Record<string, unknown> {
  const scheme = (name: SchemeName) => SCHEMES.find((x) => x.name === name) as Scheme;
  if (style === "valid") payload.sign = signWith(scheme("php-sdk"), payload, key);
  if (style === "raw-key") payload.sign = signWith(scheme("raw-key"), payload, key);
  if (style === "wrong") payload.sign = signWith(scheme("php-sdk"), payload, `${key}-wrong`);
  if (style === "top-level-only") {
    const scalars = Object.fromEntries(Object.entries(payload).filter(([, v]) => typeof v !== "object" || v === null));
    payload.sign = signWith(scheme("php-sdk"), scalars, key);
  }
  return payload;
}

interface OrderRecord {
  mchid: string;
  order: PayjsOrder;
  refundedAt: string | null;
  refunds: number;
}

/** Adds the order each complaint names, unless already known: a complaint filed again must not undo a refund. */
function addOrders(orders: Map<string, OrderRecord>, mchid: string, items: PayjsComplaintItem[]): void {
  for (const item of items) {
    const order = orderForComplaint(item);
    if (order === null || orders.has(order.payjs_order_id)) continue;
    orders.set(order.payjs_order_id, { mchid, order, refundedAt: null, refunds: 0 });
  }
}

function orderState({ mchid, order, refundedAt, refunds }: OrderRecord): SandboxOrderState {
  return { mchid, order: { ...order }, refunded: refundedAt !== null, refunded_at: refundedAt, refunds };
}

/** `/check`'s success: PAYJS's documented fields only, none for the refund (PAYJS's check has no refunded state). */
function checkBody({ mchid, order }: OrderRecord): Record<string, unknown> {
  const { out_trade_no, payjs_order_id, transaction_id, status, openid, total_fee, paid_time, attach } = order;
  return { return_code: 1, mchid, out_trade_no, payjs_order_id, transaction_id, status, openid, total_fee, paid_time, attach };
}

/** `/refund`'s success; `refund` (optional in PAYJS's docs) is the amount refunded: the whole order, in fen. */
function refundBody({ order }: OrderRecord): Record<string, unknown> {
  const { payjs_order_id, out_trade_no, transaction_id, total_fee } = order;
  return { return_code: 1, return_msg: "SUCCESS", payjs_order_id, out_trade_no, transaction_id, refund: total_fee };
}

function orderSignStyle(mode: SandboxOrderMode): SignStyle {
  if (mode === "unsigned") return "none";
  return mode === "bad_sign" ? "wrong" : "valid";
}

const ORDER_TEXT_FIELDS = ["out_trade_no", "transaction_id", "openid", "paid_time", "attach"];

/** An {@link OrderPatch} from a control body, each field of its type; else what is wrong with it. */
function parseOrderPatch(body: unknown): OrderPatch | string {
  if (!isObject(body)) return "Send the order fields to change as a JSON object";
  for (const [name, value] of Object.entries(body)) {
    if (name === "status") {
      if (value !== 0 && value !== 1) return "status must be 0 or 1";
    } else if (name === "total_fee") {
      if (!Number.isSafeInteger(value) || (value as number) < 0) return "total_fee must be a non-negative integer (fen)";
    } else if (!ORDER_TEXT_FIELDS.includes(name)) {
      return `Unknown order field ${name}; one of status, total_fee, ${ORDER_TEXT_FIELDS.join(", ")}`;
    } else if (typeof value !== "string") return `${name} must be a string`;
  }
  return body as OrderPatch;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A control request's JSON body, or undefined when it is not JSON. */
async function readJsonBody(request: Request): Promise<unknown> {
  try {
    return parseJson(await request.text());
  } catch {
    return undefined;
  }
}

function badRequest(message: string, status = 400): Response {
  return jsonResponse({ error: { code: "bad_request", message } }, status);
}

interface OptionKind<V> {
  is(v: unknown): v is V;
  what: string;
}

const COUNT: OptionKind<number> = {
  is: (v): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0,
  what: "a non-negative number",
};
const TEXT: OptionKind<string> = { is: (v): v is string => typeof v === "string", what: "a string" };

/** The named options of a control body, each of `kind` (absent ones left out), or what is wrong with one. */
function pickOptions<K extends string, V>(
  body: Record<string, unknown>,
  names: readonly K[],
  kind: OptionKind<V>,
): Partial<Record<K, V>> | string {
  const picked: Partial<Record<K, V>> = {};
  for (const name of names) {
    const v = body[name];
    if (v === undefined) continue;
    if (!kind.is(v)) return `${name} must be ${kind.what}`;
    picked[name] = v;
  }
  return picked;
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
