/**
 * One complaint as this Worker stores and serves it, normalised from one upstream item.
 * The upstream item is kept verbatim in `raw`: PAYJS says its fields may change, so nothing is dropped.
 * @module
 * @see https://help.payjs.cn/api-lie-biao/complaint.html
 */
import { md5 } from "../md5";

export type RawComplaint = Record<string, unknown>;

export interface Complaint {
  id: string;
  mchid: string;
  /** ISO 8601 at +08:00, or the upstream text unchanged when it does not parse. */
  complaint_at: string;
  out_trade_no: string;
  order_id: string;
  /** Amount in fen; null when upstream sent no integer. */
  total_fee: number | null;
  body: string;
  first_seen_at: string;
  last_seen_at: string;
  active: boolean;
  raw: RawComplaint;
}

/** The fields that come from upstream alone; the rest is the watcher's bookkeeping. */
export type UpstreamFields = Pick<
  Complaint,
  "id" | "mchid" | "complaint_at" | "out_trade_no" | "order_id" | "total_fee" | "body" | "raw"
>;

const BEIJING_OFFSET_MS = 8 * 3600_000;
const LOCAL_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Formats an instant as Beijing wall-clock time with its `+08:00` offset. */
export function toBeijingIso(epochMs: number): string {
  const d = new Date(epochMs + BEIJING_OFFSET_MS);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`
  );
}

/**
 * PAYJS times are Beijing wall-clock text (`2026-11-08 01:13:29`); unix seconds and zoned ISO are accepted too.
 * Returns the instant in epoch ms, or null when the text is no time we can read.
 */
export function parseUpstreamTime(value: unknown): number | null {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value * 1000 : null;
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (/^\d{9,10}$/.test(text)) return Number(text) * 1000;
  const local = LOCAL_TIME.exec(text);
  if (local) {
    const [, y, mo, d, h = "0", mi = "0", s = "0"] = local;
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    const check = new Date(utc);
    // Date.UTC rolls 2026-02-30 over to March; such text is not a real time.
    if (check.getUTCDate() !== Number(d) || check.getUTCHours() !== Number(h)) return null;
    return utc - BEIJING_OFFSET_MS;
  }
  if (ZONED_TIME.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return "";
}

function fen(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : null;
  if (typeof value === "string" && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** The id PAYJS gave, or a stable one from the order number and time when it gave none. */
export function complaintId(raw: RawComplaint): string {
  const given = text(raw.complaint_id).trim();
  if (given !== "") return given;
  return "h" + md5(`${text(raw.order_id)}\n${text(raw.complaint_at)}`).slice(0, 20);
}

export function normaliseComplaint(mchid: string, raw: RawComplaint): UpstreamFields {
  const at = parseUpstreamTime(raw.complaint_at);
  return {
    id: complaintId(raw),
    mchid,
    complaint_at: at === null ? text(raw.complaint_at) : toBeijingIso(at),
    out_trade_no: text(raw.out_trade_no),
    order_id: text(raw.order_id),
    total_fee: fen(raw.total_fee),
    body: text(raw.body),
    raw,
  };
}

/** A stored complaint with its fields in the documented order, `raw` last. */
export function complaintRecord(
  fields: UpstreamFields,
  seen: { first_seen_at: string; last_seen_at: string; active: boolean },
): Complaint {
  const { raw, ...upstream } = fields;
  return { ...upstream, ...seen, raw };
}
