/**
 * Amounts: PAYJS counts in fen (分, 1/100 yuan) as integers; people read yuan.
 * @module
 */

/** 2990 fen → "29.90"; exact for any safe integer, no floating point. Empty for no amount. */
export function yuan(fen: number | null): string {
  if (fen === null) return "";
  const sign = fen < 0 ? "-" : "";
  const digits = String(Math.abs(fen)).padStart(3, "0");
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
