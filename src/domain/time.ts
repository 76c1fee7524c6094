/**
 * Beijing time (UTC+8, no daylight saving), the only time zone PAYJS and its merchants speak: formatting an
 * instant, and telling a real calendar date from one `Date` would silently roll over (30 February → March).
 * @module
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const BEIJING_OFFSET_MS = 8 * HOUR_MS;

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

/** `YYYY-MM-DD hh:mm` (with `:ss` when asked) of an instant, in Beijing time: how people read a time here. */
export function beijingText(epochMs: number, seconds = false): string {
  return toBeijingIso(epochMs)
    .slice(0, seconds ? 19 : 16)
    .replace("T", " ");
}

/** A stored time (ISO 8601 with `Z` or an offset) as {@link beijingText}; anything else (upstream text that did not parse) unchanged. */
export function beijingTextOf(value: string, seconds = false): string {
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(ms) ? value : beijingText(ms, seconds);
}

/**
 * A stored `complaint_at` as {@link beijingText}: only the exact form the poller writes is a time; upstream text it
 * kept because it named no real time (`2026-02-30T…`, a year outside 2000–2100) stays as it is.
 */
export function complaintAtText(complaintAt: string, seconds = false): string {
  const instant = instantOfComplaintAt(complaintAt);
  return instant === null ? complaintAt : beijingText(instant, seconds);
}

/** Minutes after Beijing midnight of an instant. */
export function beijingMinutes(epochMs: number): number {
  return Math.floor(((((epochMs + BEIJING_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
}

/** The Beijing date (`YYYY-MM-DD`) an instant falls on. */
export function beijingDay(epochMs: number): string {
  return toBeijingIso(epochMs).slice(0, 10);
}

/** The instant a Beijing date begins. */
export function beijingDayStart(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) - BEIJING_OFFSET_MS;
}

/** The number of the two ASCII digits at `i`, or -1 when either is no digit. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** The first and the last year a PAYJS time may fall in; anything outside is a misread, not a time. */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

/**
 * The instant of Beijing wall-clock text `YYYY-MM-DD?hh:mm:ss` (its first 19 characters; `?` is the character
 * `separator`), read digit by digit and allocating nothing: a poll and a list request read every complaint's time,
 * and a regular expression per complaint costs more than parsing the whole value. Null unless it names a real time
 * in the years {@link FIRST_YEAR}–{@link LAST_YEAR}.
 */
export function wallClockInstant(text: string, separator: string): number | null {
  if (text.charAt(10) !== separator || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return null;
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
  if (hi < 0 || lo < 0 || y < FIRST_YEAR || y > LAST_YEAR || !isRealTime(y, mo, d, h, mi, s)) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s) - BEIJING_OFFSET_MS;
}

/**
 * The instant of a stored `complaint_at`, or null when it holds upstream text that did not parse: only the exact
 * form {@link toBeijingIso} writes is a time.
 */
export function instantOfComplaintAt(complaintAt: string): number | null {
  return complaintAt.length === 25 && complaintAt.endsWith("+08:00") ? wallClockInstant(complaintAt, "T") : null;
}

/** Days in month `mo` (1–12) of year `y`, Gregorian. */
function daysInMonth(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

/** Whether year, month (1–12), day and the optional hour, minute, second name a real calendar time. */
export function isRealTime(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): boolean {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59;
}
