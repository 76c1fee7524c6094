/**
 * How the page shows times and amounts: Beijing time and yuan, with the Worker's own helpers
 * (src/domain/time.ts, src/domain/money.ts), whatever the browser's time zone.
 * @module
 */
import { yuan } from "../src/domain/money";
import { beijingText } from "../src/domain/time";

/** The instant of an ISO 8601 time from the API, or null for text that is no such time (e.g. raw upstream text). */
export function instant(iso: string): number | null {
  const t = /^\d{4}-\d\d-\d\dT/.test(iso) ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? null : t;
}

/** `YYYY-MM-DD hh:mm` (`:ss` with `seconds`) in Beijing time; "—" for none; text that is no time, as it is. */
export function bj(iso: string | null | undefined, seconds = false): string {
  if (iso == null || iso === "") return "—";
  const t = instant(iso);
  return t === null ? String(iso) : beijingText(t, seconds);
}

/** Fen as `¥29.90`; "—" when there is no amount. */
export function money(fen: number | null | undefined): string {
  return typeof fen === "number" && Number.isSafeInteger(fen) ? `¥${yuan(fen)}` : "—";
}

/** Yuan as a person types them ("29.9", "29.90") in fen; null for anything else ("29.901", "abc", "", "29."). No floating point. */
export function fenOf(text: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d\d?))?$/.exec(text.trim());
  return m ? Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0")) : null;
}
