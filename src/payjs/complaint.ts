/**
 * One complaint as this Worker stores and serves it, normalised from one upstream item.
 * The upstream item is kept verbatim in `raw`: PAYJS says its fields may change, so nothing is dropped.
 * @module
 * @see https://help.payjs.cn/api-lie-biao/complaint.html
 */

import type { Complaint, RawComplaint, StoredComplaint, UpstreamFields } from "../domain/complaint";
import { BEIJING_OFFSET_MS, isRealTime, toBeijingIso } from "../domain/time";
import { rawNumberText, sourceKeys } from "../json";
import { md5 } from "../md5";

/** The years a PAYJS time may fall in, as instants (Beijing years); anything outside is a misread, not a time. */
const FIRST_MS = Date.UTC(2000, 0, 1) - BEIJING_OFFSET_MS;
const END_MS = Date.UTC(2101, 0, 1) - BEIJING_OFFSET_MS;
/** A count of at least this is milliseconds, below it seconds: 1e11 s is the year 5138, 1e11 ms is 1973. */
const MILLISECONDS_FROM = 1e11;
const LOCAL_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ZONED_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
function pad(n: number): string {
  return n >= 0 && n < 10 ? `0${n}` : String(n);
}

/** Year, month, day, hour, minute, second of a regex match; absent time parts are 0. */
function partsOf(match: RegExpExecArray): [number, number, number, number, number, number] {
  // No inner helper: bundlers that keep function names (wrangler does) would re-name it on every call.
  return [
    Number(match[1] ?? 0),
    Number(match[2] ?? 0),
    Number(match[3] ?? 0),
    Number(match[4] ?? 0),
    Number(match[5] ?? 0),
    Number(match[6] ?? 0),
  ];
}

/** The number of two ASCII digits at `i`, or -1. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The instant of PAYJS's own form exactly, `2026-11-08 01:13:29`, read digit by digit and allocating nothing: a
 * poll and a list request read every stored complaint's time, and a regular expression per complaint costs more
 * than parsing the whole value. Null for any other text (the general path then reads it).
 */
function payjsInstant(text: string): number | null {
  if (text.length !== 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32) return null;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
  const hi = twoDigits(text, 0);
  const lo = twoDigits(text, 2);
  const y = hi * 100 + lo;
  const mo = twoDigits(text, 5);
  const d = twoDigits(text, 8);
  const h = twoDigits(text, 11);
  const mi = twoDigits(text, 14);
  const s = twoDigits(text, 17);
  // A part that is no two digits is -1, which no check below lets through.
  if (hi < 0 || lo < 0 || y < 2000 || y > 2100 || !isRealTime(y, mo, d, h, mi, s)) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS;
}

/** Whether the parts name a real calendar time within the years 2000–2100. */
function realTime([y, mo, d, h, mi, s]: readonly [number, number, number, number, number, number]): boolean {
  return y >= 2000 && y <= 2100 && isRealTime(y, mo, d, h, mi, s);
}

/** PAYJS's own form, Beijing wall-clock text, already in parts: checked, else null. */
function localParts(text: string): [number, number, number, number, number, number] | null {
  const local = LOCAL_TIME.exec(text);
  if (local === null) return null;
  const parts = partsOf(local);
  return realTime(parts) ? parts : null;
}

/** A Unix time, seconds or milliseconds by its size, as epoch ms; null outside the years 2000–2100. */
function unixTime(count: number): number | null {
  return inYears(Math.round(count < MILLISECONDS_FROM ? count * 1000 : count));
}

function inYears(ms: number): number | null {
  return ms >= FIRST_MS && ms < END_MS ? ms : null;
}

/**
 * PAYJS times are Beijing wall-clock text (`2026-11-08 01:13:29`); Unix seconds or milliseconds (a number
 * or a string of digits) and zoned ISO are accepted too. Returns the instant in epoch ms, or null when the
 * value is no real time in the years 2000–2100.
 */
export function parseUpstreamTime(value: unknown): number | null {
  if (typeof value === "number") return unixTime(value);
  const exact = typeof value === "string" ? payjsInstant(value) : null;
  if (exact !== null) return exact;
  // A number too long for a double (kept as its digits by parseJson) is read from its digits.
  const source = typeof value === "string" ? value : rawNumberText(value);
  if (source === undefined) return null;
  const text = source.trim();
  if (/^\d+$/.test(text)) return unixTime(Number(text));
  const local = LOCAL_TIME.exec(text);
  if (local) {
    const parts = partsOf(local);
    if (!realTime(parts)) return null;
    const [y, mo, d, h, mi, s] = parts;
    return Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS;
  }
  const zoned = ZONED_TIME.exec(text);
  return zoned && realTime(partsOf(zoned)) ? inYears(Date.parse(text)) : null;
}

/**
 * A stored `complaint_at` (or another PAYJS time, an order's `paid_time`): ISO 8601 at +08:00, or the upstream text unchanged when it does not parse.
 * Beijing wall-clock text (what PAYJS sends) is rewritten from its own parts, without a round trip
 * through `Date`: the same text {@link toBeijingIso} would give, at a fraction of the cost per complaint.
 */
export function upstreamTime(value: unknown): string {
  if (typeof value === "string") {
    // PAYJS's own form already has every part two digits wide: only the separator and the offset change.
    if (payjsInstant(value) !== null) return `${value.slice(0, 10)}T${value.slice(11)}+08:00`;
    const parts = localParts(value.trim());
    if (parts !== null) {
      const [y, mo, d, h, mi, s] = parts;
      return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}+08:00`;
    }
  }
  const at = parseUpstreamTime(value);
  return at === null ? fieldText(value) : toBeijingIso(at);
}

/** A field as text: a long number (an id, an order number) as the digits PAYJS sent. */
export function fieldText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return rawNumberText(value) ?? "";
}

/** An amount in fen (分): a safe integer, or null when PAYJS sent none. */
export function fen(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : null;
  if (typeof value === "string" && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** JSON text with keys in the order PAYJS sent them and numbers as their digits: the same record always gives the same text. */
function canonical(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  const digits = rawNumberText(value);
  if (digits !== undefined) return digits;
  if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
  const record = value as Record<string, unknown>;
  return (
    "{" +
    sourceKeys(value)
      .map((k) => JSON.stringify(k) + ":" + canonical(record[k]))
      .join(",") +
    "}"
  );
}

/**
 * The id PAYJS gave, or one derived from every field of the record when it gave none. Order number and time
 * alone are not enough: two complaints on one order in one second would share an id, and one would overwrite
 * the other. The price: when PAYJS changes a field of such a complaint, it gets a new id.
 */
export function complaintId(raw: RawComplaint): string {
  const given = fieldText(raw.complaint_id).trim();
  if (given !== "") return given;
  return "h" + md5(canonical(raw)).slice(0, 20);
}

/** An upstream record and the id it goes by in this answer. */
export interface Sighting {
  id: string;
  raw: RawComplaint;
}

/**
 * One answer's records, each with an id no other one in the answer has. Records whose id repeats (the same
 * `complaint_id` twice, or identical records without one) are all kept: the second gets `~2`, the third `~3`
 * (skipping any id already in use), so a repeat keeps its id from poll to poll while the answer stays the same.
 * `repeatedIds` lists each repeated id once, for the log.
 */
export function identifyComplaints(items: readonly RawComplaint[]): { sightings: Sighting[]; repeatedIds: string[] } {
  const sightings = items.map((raw): Sighting => ({ id: complaintId(raw), raw }));
  const taken = new Set(sightings.map((c) => c.id));
  if (taken.size === sightings.length) return { sightings, repeatedIds: [] };
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const sighting of sightings) {
    const id = sighting.id;
    if (!seen.has(id)) {
      seen.add(id);
      continue;
    }
    repeated.add(id);
    let n = 2;
    while (taken.has(`${id}~${n}`)) n++;
    sighting.id = `${id}~${n}`;
    taken.add(sighting.id);
  }
  return { sightings, repeatedIds: [...repeated] };
}

/** Every record of one answer with the fields derived from it, ids as {@link identifyComplaints} gives them. */
export function normaliseComplaints(
  mchid: string,
  items: readonly RawComplaint[],
): { complaints: UpstreamFields[]; repeatedIds: string[] } {
  const { sightings, repeatedIds } = identifyComplaints(items);
  return { complaints: sightings.map((s) => upstreamFields(mchid, s.id, s.raw)), repeatedIds };
}

export function normaliseComplaint(mchid: string, raw: RawComplaint): UpstreamFields {
  return upstreamFields(mchid, complaintId(raw), raw);
}

/**
 * A kept complaint as the API shows it: every field derived from `raw` again, by today's rules, and an active
 * one last seen by the merchant's last successful poll (`lastSuccessAt`), which had it in its list.
 */
export function complaintOf(mchid: string, kept: StoredComplaint, lastSuccessAt: string | null): Complaint {
  const last = kept.active && lastSuccessAt !== null && lastSuccessAt > kept.last_seen_at ? lastSuccessAt : kept.last_seen_at;
  const raw = kept.raw;
  // One object, its fields in the documented order, `raw` last: a fresh isolate's first request derives every
  // stored complaint (building it from upstreamFields() and a second object cost ~25% more, measured in Node).
  return {
    id: kept.id,
    mchid,
    complaint_at: upstreamTime(raw.complaint_at),
    out_trade_no: fieldText(raw.out_trade_no),
    order_id: fieldText(raw.order_id),
    total_fee: fen(raw.total_fee),
    body: fieldText(raw.body),
    first_seen_at: kept.first_seen_at,
    last_seen_at: last,
    active: kept.active,
    raw,
  };
}

function upstreamFields(mchid: string, id: string, raw: RawComplaint): UpstreamFields {
  return {
    id,
    mchid,
    complaint_at: upstreamTime(raw.complaint_at),
    out_trade_no: fieldText(raw.out_trade_no),
    order_id: fieldText(raw.order_id),
    total_fee: fen(raw.total_fee),
    body: fieldText(raw.body),
    raw,
  };
}
