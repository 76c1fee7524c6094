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
  return width === 2 && n >= 0 && n < 10 ? `0${n}` : String(n).padStart(width, "0");
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
  // No inner helper: bundlers that keep function names (wrangler does) would re-name it on every call.
  return [Number(match[1] ?? 0), Number(match[2] ?? 0), Number(match[3] ?? 0), Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0)];
}

/** Days in month `mo` (1–12) of year `y`, Gregorian. */
function daysInMonth(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

/** Whether the parts name a real calendar time: `Date` would silently roll 2026-02-30 over to March. */
function realTime([y, mo, d, h, mi, s]: readonly number[]): boolean {
  if (y === undefined || mo === undefined || d === undefined || y < 1970 || mo < 1 || mo > 12) return false;
  return d >= 1 && d <= daysInMonth(y, mo) && (h ?? 0) <= 23 && (mi ?? 0) <= 59 && (s ?? 0) <= 59;
}

/** PAYJS's own form, Beijing wall-clock text, already in parts: checked, else null. */
function localParts(text: string): [number, number, number, number, number, number] | null {
  const local = LOCAL_TIME.exec(text);
  if (local === null) return null;
  const parts = partsOf(local);
  return realTime(parts) ? parts : null;
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

/**
 * A stored `complaint_at`: ISO 8601 at +08:00, or the upstream text unchanged when it does not parse.
 * Beijing wall-clock text (what PAYJS sends) is rewritten from its own parts, without a round trip
 * through `Date`: the same text {@link toBeijingIso} would give, at a fraction of the cost per complaint.
 */
function complaintAt(value: unknown): string {
  if (typeof value === "string") {
    const parts = localParts(value.trim());
    if (parts !== null) {
      const [y, mo, d, h, mi, s] = parts;
      return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}+08:00`;
    }
  }
  const at = parseUpstreamTime(value);
  return at === null ? text(value) : toBeijingIso(at);
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
  return {
    id: complaintId(raw),
    mchid,
    complaint_at: complaintAt(raw.complaint_at),
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
  // Written out rather than spread: every record gets one object shape, which keeps building, diffing and
  // JSON.stringify of a 10 000-complaint list fast.
  return {
    id: fields.id,
    mchid: fields.mchid,
    complaint_at: fields.complaint_at,
    out_trade_no: fields.out_trade_no,
    order_id: fields.order_id,
    total_fee: fields.total_fee,
    body: fields.body,
    first_seen_at: seen.first_seen_at,
    last_seen_at: seen.last_seen_at,
    active: seen.active,
    raw: fields.raw,
  };
}
