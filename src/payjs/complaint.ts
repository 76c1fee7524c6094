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
const ZONED_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
/** The exact form {@link toBeijingIso} writes: only such text is a time when read back. */
const BEIJING_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

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

/** The instant of a stored `complaint_at`, or null when it holds upstream text that did not parse. */
export function instantOfComplaintAt(complaintAt: string): number | null {
  return BEIJING_ISO.test(complaintAt) ? Date.parse(complaintAt) : null;
}

/** Year, month, day, hour, minute, second of a regex match; absent time parts are 0. */
function partsOf(match: RegExpExecArray): [number, number, number, number, number, number] {
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map((p) => (p === undefined ? 0 : Number(p)));
  return [y ?? 0, mo ?? 0, d ?? 0, h ?? 0, mi ?? 0, s ?? 0];
}

/** Whether the parts name a real calendar time: `Date` would silently roll 2026-02-30 over to March. */
function realTime([y, mo, d, h, mi, s]: readonly number[]): boolean {
  if (y === undefined || mo === undefined || d === undefined || y < 1970 || mo < 1 || mo > 12) return false;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d >= 1 && d <= daysInMonth && (h ?? 0) <= 23 && (mi ?? 0) <= 59 && (s ?? 0) <= 59;
}

/**
 * PAYJS times are Beijing wall-clock text (`2026-11-08 01:13:29`); unix seconds and zoned ISO are accepted too.
 * Returns the instant in epoch ms, or null when the text is no real time.
 */
export function parseUpstreamTime(value: unknown): number | null {
  if (typeof value === "number") return Number.isInteger(value) && value > 0 ? value * 1000 : null;
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (/^\d{9,10}$/.test(text)) return Number(text) * 1000;
  const local = LOCAL_TIME.exec(text);
  if (local) {
    const parts = partsOf(local);
    if (!realTime(parts)) return null;
    const [y, mo, d, h, mi, s] = parts;
    return Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS;
  }
  const zoned = ZONED_TIME.exec(text);
  return zoned && realTime(partsOf(zoned)) ? Date.parse(text) : null;
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
