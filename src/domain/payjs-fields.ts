/**
 * How PAYJS writes a time, a text and an amount, read into what the API shows: a complaint's `complaint_at`,
 * `order_id` and `total_fee`, an order's `paid_time`. PAYJS says its fields may change, so each reader takes what it
 * is given and never throws: a value it cannot read is kept as text, or as no amount.
 * @module
 * @see https://help.payjs.cn/api-lie-biao/complaint.html
 */
import { rawNumberText } from "../json";
import { BEIJING_OFFSET_MS, FIRST_YEAR, isRealTime, LAST_YEAR, toBeijingIso, wallClockInstant } from "./time";

/** The instants the years PAYJS times may fall in begin and end at (Beijing years). */
const FIRST_MS = Date.UTC(FIRST_YEAR, 0, 1) - BEIJING_OFFSET_MS;
const END_MS = Date.UTC(LAST_YEAR + 1, 0, 1) - BEIJING_OFFSET_MS;
/** A count of at least this is milliseconds, below it seconds: 1e11 s is the year 5138, 1e11 ms is 1973. */
const MILLISECONDS_FROM = 1e11;
const LOCAL_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ZONED_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

type Parts = [number, number, number, number, number, number];

function pad(n: number): string {
  return n >= 0 && n < 10 ? `0${n}` : String(n);
}

/** Year, month, day, hour, minute, second of a regex match; absent time parts are 0. */
function partsOf(match: RegExpExecArray): Parts {
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

/** PAYJS's own form exactly, `2026-11-08 01:13:29`: the common case, read without a regular expression. */
function payjsInstant(text: string): number | null {
  return text.length === 19 ? wallClockInstant(text, " ") : null;
}

/** Whether the parts name a real calendar time within the years PAYJS times fall in. */
function realTime([y, mo, d, h, mi, s]: readonly [number, number, number, number, number, number]): boolean {
  return y >= FIRST_YEAR && y <= LAST_YEAR && isRealTime(y, mo, d, h, mi, s);
}

/** Beijing wall-clock text in PAYJS's looser forms (a date alone, one-digit parts), in parts: checked, else null. */
function localParts(text: string): Parts | null {
  const local = LOCAL_TIME.exec(text);
  if (local === null) return null;
  const parts = partsOf(local);
  return realTime(parts) ? parts : null;
}

function inYears(ms: number): number | null {
  return ms >= FIRST_MS && ms < END_MS ? ms : null;
}

/** A Unix time, seconds or milliseconds by its size, as epoch ms; null outside the years PAYJS times fall in. */
function unixTime(count: number): number | null {
  return inYears(Math.round(count < MILLISECONDS_FROM ? count * 1000 : count));
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
  const local = localParts(text);
  if (local !== null) {
    const [y, mo, d, h, mi, s] = local;
    return Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS;
  }
  const zoned = ZONED_TIME.exec(text);
  return zoned && realTime(partsOf(zoned)) ? inYears(Date.parse(text)) : null;
}

/**
 * A PAYJS time as the API shows it (a complaint's `complaint_at`, an order's `paid_time`): ISO 8601 at +08:00, or
 * the upstream value as text when it is no time. Beijing wall-clock text (what PAYJS sends) is rewritten from its
 * own parts, without a round trip through `Date`: the same text {@link toBeijingIso} would give, at a fraction of the
 * cost per complaint.
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
