/**
 * Realistic PAYJS complaint items for the local sandbox, tests and benchmarks, exactly as PAYJS sends them
 * (`complaint_at` is Beijing wall-clock text, `total_fee` integer fen, `body` may be empty), plus the awkward
 * cases a watcher must survive: an undocumented extra field, a missing `complaint_id`, an empty body,
 * HTML/script text, a spreadsheet formula, characters that matter to signing (`&`, `=`, `%`, `+`), emoji,
 * newlines, quotes and commas, and a nested `null` (skipped by PHP's `http_build_query`).
 *
 * Each complaint's order ({@link orderForComplaint}) is made up from the complaint itself, so the sandbox's
 * `/api/check` and `/api/refund` know every order a complaint names without a second fixture to keep in step.
 *
 * Everything is plain data built from fetch-free, Node-free code, so it runs inside workerd as well.
 * @module
 * @see https://help.payjs.cn/api-lie-biao/complaint.html
 */
import { rawNumberText } from "../src/json";
import { md5 } from "../src/md5";

/** One complaint item as PAYJS sends it: documented fields, maybe missing ones, maybe extra ones. */
export type PayjsComplaintItem = Record<string, unknown>;

const BEIJING_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Beijing wall-clock text as PAYJS writes it: `2026-11-08 01:13:29`. */
export function beijingText(epochMs: number): string {
  const d = new Date(epochMs + BEIJING_OFFSET_MS);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** The instant of Beijing wall-clock text (`2026-11-08 01:13:29`), or null when it is not such text. */
export function parseBeijingText(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - BEIJING_OFFSET_MS;
}

/** `20261108011329`: the digits of a Beijing time, as order numbers often start. */
function beijingDigits(epochMs: number): string {
  return beijingText(epochMs).replace(/\D/g, "");
}

/** Midnight (00:00 Beijing) of the Beijing day containing `epochMs`. */
export function beijingMidnight(epochMs: number): number {
  return Math.floor((epochMs + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS;
}

/** The last four digits of a merchant id (padded), to keep ids distinct across merchants. */
function tail(mchid: string): string {
  return mchid.replace(/\D/g, "").slice(-4).padStart(4, "0");
}

/**
 * A complaint id that deliberately repeats across merchants (the first fixture of every merchant has it):
 * the contract's `GET /api/complaints/{id}?mchid=` exists for exactly this case.
 */
export const SHARED_COMPLAINT_ID = "20260000000000000001";

interface Spec {
  /** Seconds before the anchor (midnight Beijing of `now`'s day). */
  ago: number;
  fee: number;
  body: string;
  /** Overrides/extra fields; a key set to `undefined` is removed from the item. */
  extra?: Record<string, unknown>;
}

const H = 3600;
const D = 86_400;

/** 15 complaints over the ~30 days before the anchor, newest first, every `ago` distinct. */
const SPECS: Spec[] = [
  { ago: 1 * H + 46 * 60 + 31, fee: 2990, body: "商品未收到，要求退款" },
  {
    ago: 9 * H + 12 * 60 + 5,
    fee: 19900,
    body: "付款后一直没有发货，客服也不回复",
    extra: { refund_status: "PROCESSING" },
  },
  { ago: 1 * D + 3 * H + 7, fee: 990, body: "充值未到账，付款截图已提供", extra: { complaint_id: undefined } },
  { ago: 2 * D + 5 * H + 40 * 60 + 2, fee: 500, body: "" },
  { ago: 3 * D + 11 * H + 1 * 60 + 59, fee: 1, body: "<img src=x onerror=alert(1)>" },
  { ago: 5 * D + 2 * H + 33 * 60 + 13, fee: 6600, body: '=HYPERLINK("x")' },
  { ago: 7 * D + 20 * H + 4 * 60 + 44, fee: 12800, body: "会员开通后无法使用，申请退款" },
  { ago: 9 * D + 6 * H + 58 * 60 + 8, fee: 3980, body: "重复扣款两次，请退还其中一笔" },
  { ago: 12 * D + 14 * H + 21 * 60 + 36, fee: 39900, body: "与页面描述严重不符，虚假宣传" },
  { ago: 15 * D + 9 * H + 9 * 60 + 9, fee: 2500, body: "东西是坏的😡\n第二行：包装也破了" },
  { ago: 18 * D + 1 * H + 17 * 60 + 50, fee: 100, body: "价格 100% 不对：a=b&c=d +1 元" },
  { ago: 21 * D + 16 * H + 45 * 60 + 27, fee: 8800, body: '质量问题,"包装破损",要求换货' },
  { ago: 25 * D + 4 * H + 30 * 60 + 1, fee: 1500, body: "未经同意自动续费", extra: { remark: null } },
  {
    ago: 27 * D + 22 * H + 3 * 60 + 15,
    fee: 29900,
    body: `课程内容与宣传不一致，老师不回复消息，多次联系客服无果。${"要求全额退款。".repeat(28)}`.slice(0, 255),
  },
  { ago: 29 * D + 12 * H + 12 * 60 + 12, fee: 4990, body: "  前后有空格的投诉内容  " },
];

/**
 * The fixture complaints of one merchant, newest first, each at a distinct second in the ~30 days before
 * midnight (Beijing) of `now`'s Beijing day. Deterministic given `mchid` and the Beijing day of `now`, so a
 * sandbox started twice on one day serves identical data (and the item without `complaint_id` keeps its
 * derived id). Ids and order numbers contain the merchant's last four digits, except the first item's
 * `complaint_id`, which is {@link SHARED_COMPLAINT_ID} for every merchant.
 *
 * Cases covered (by index): 0 `商品未收到，要求退款`; 1 extra field `refund_status`; 2 no `complaint_id`;
 * 3 empty body; 4 HTML `<img onerror>`; 5 CSV formula `=HYPERLINK("x")`; 9 emoji and newline; 10 `& = % +`
 * (signing uses raw values); 11 quotes and commas; 12 nested `null` (`remark`); 13 a 255-character body;
 * 14 leading and trailing spaces.
 */
export function fixtureComplaints(mchid: string, now: number = Date.now()): PayjsComplaintItem[] {
  const anchor = beijingMidnight(now);
  const t = tail(mchid);
  return SPECS.map((spec, i) => {
    const at = anchor - spec.ago * 1000;
    const seq = pad(i + 1, 4);
    const item: PayjsComplaintItem = {
      complaint_id: i === 0 ? SHARED_COMPLAINT_ID : `2026${t}${pad(i + 1, 12)}`,
      complaint_at: beijingText(at),
      out_trade_no: `SO${t}${seq}${pad((i * 7919) % 100000, 5)}`,
      order_id: `${beijingDigits(at - 600_000)}${t}${pad((i * 104_729) % 10_000_000, 7)}`,
      total_fee: spec.fee,
      body: spec.body,
    };
    for (const [k, v] of Object.entries(spec.extra ?? {})) {
      if (v === undefined) delete item[k];
      else item[k] = v;
    }
    return item;
  });
}

const PHRASES = [
  "商品未收到",
  "要求退款",
  "客服不回复",
  "付款后没有发货",
  "与描述不符",
  "重复扣款",
  "会员无法使用",
  "质量有问题",
  "物流一直不更新",
  "申请退款被拒绝",
  "虚假宣传",
  "自动续费未告知",
];

/**
 * `count` generated complaints for one merchant (for the sandbox's `huge` mode and benchmarks): spread
 * evenly over the 30 days before `now`, newest first, each about 500 bytes of JSON (so 10 000 ≈ 5 MB),
 * deterministic given the arguments.
 */
export function generateComplaints(mchid: string, count: number, now: number = Date.now()): PayjsComplaintItem[] {
  const t = tail(mchid);
  const base = Math.floor(now / 1000) * 1000;
  const step = count > 0 ? Math.max(1000, Math.floor((30 * DAY_MS) / count / 1000) * 1000) : 1000;
  const items: PayjsComplaintItem[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const at = base - (i + 1) * step;
    // ~100 CJK characters (3 bytes each in UTF-8), varied per item.
    let body = `第${i + 1}号投诉：`;
    for (let j = 0; body.length < 100; j++) body += `${PHRASES[(i * 7 + j * 5) % PHRASES.length]}，`;
    items[i] = {
      complaint_id: `9${t}${pad(i + 1, 15)}`,
      complaint_at: beijingText(at),
      out_trade_no: `GEN${t}${pad(i + 1, 12)}`,
      order_id: `${beijingDigits(at - 600_000)}${t}${pad(i, 7)}`,
      total_fee: 100 + ((i * 7919) % 99_900),
      body: body.slice(0, 100),
    };
  }
  return items;
}

/** An order as PAYJS's `/api/check` describes it, its merchant aside. */
export interface PayjsOrder {
  payjs_order_id: string;
  out_trade_no: string;
  /** WeChat Pay's number for the payment. */
  transaction_id: string;
  /** 0 unpaid, 1 paid. PAYJS has no refunded state: a refunded order stays 1. */
  status: 0 | 1;
  openid: string;
  /** Integer fen. */
  total_fee: number;
  /** Beijing wall-clock text, `""` when unknown. */
  paid_time: string;
  attach: string;
}

/** How long before its complaint an order was paid: the fixtures' order numbers date the order 10 minutes before. */
const PAID_BEFORE_COMPLAINT_MS = 9 * 60_000;

/** A complaint field as text: strings as they are, numbers by their digits (kept ones included); else null. */
function fieldText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return rawNumberText(value) ?? null;
}

/** The instant of a complaint's `complaint_at`: Beijing text, or Unix seconds or milliseconds by size. */
function complaintInstant(value: unknown): number | null {
  const text = fieldText(value);
  if (text === null) return null;
  if (!/^\d+$/.test(text)) return parseBeijingText(text);
  const n = Number(text);
  return n < 1e12 ? n * 1000 : n;
}

/** Decimal digits drawn from an MD5, so made-up ids are stable for an order yet look unrelated across orders. */
function hashDigits(seed: string): string {
  return [...md5(seed)].map((c) => String(Number.parseInt(c, 16) % 10)).join("");
}

/**
 * The paid order a complaint is about, made up deterministically from its `order_id` (PAYJS's order number),
 * `out_trade_no`, `total_fee` and `complaint_at` (paid a few minutes before it); null without an `order_id`.
 */
export function orderForComplaint(item: PayjsComplaintItem): PayjsOrder | null {
  const id = fieldText(item.order_id);
  if (id === null || id === "") return null;
  const fee = Number(fieldText(item.total_fee));
  const complainedAt = complaintInstant(item.complaint_at);
  return {
    payjs_order_id: id,
    out_trade_no: fieldText(item.out_trade_no) ?? "",
    transaction_id: `4200${hashDigits(`transaction:${id}`).slice(0, 24)}`,
    status: 1,
    openid: `o-sandbox-${md5(`openid:${id}`).slice(0, 18)}`,
    total_fee: Number.isSafeInteger(fee) && fee >= 0 ? fee : 0,
    paid_time: complainedAt === null ? "" : beijingText(complainedAt - PAID_BEFORE_COMPLAINT_MS),
    attach: "",
  };
}
