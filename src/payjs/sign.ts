/**
 * The PAYJS signature, computed exactly as the official PHP SDK does:
 *
 * ```php
 * $data = array_filter($data);           // drop falsy top-level values
 * ksort($data);                          // sort top-level keys
 * strtoupper(md5(urldecode(http_build_query($data)) . '&key=' . $key));
 * ```
 *
 * `urldecode(http_build_query(...))` round-trips every key and value back to its raw UTF-8 text
 * (http_build_query writes `+` as `%2B`, a space as `+`, `%` as `%25`; urldecode undoes each), so the
 * signing string is built from raw values: nothing is URL-encoded here.
 *
 * @module
 * @see https://help.payjs.cn/api-lie-biao/qian-ming-suan-fa.html
 */
import { equalsConstantTime } from "../constant-time";
import { md5 } from "../md5";

/**
 * Whether PHP's `array_filter` (no callback) drops this top-level value, i.e. whether it is falsy in PHP:
 * `null`, `false`, `0`/`0.0`, `''`, `'0'`, and an empty array. A decoded JSON object is a PHP array too,
 * so an empty plain object is dropped as well. `'0.0'`, `' '` and `NaN` are truthy in PHP and kept.
 */
function droppedByArrayFilter(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === "" || value === "0") return true;
  if (typeof value === "number") return value === 0;
  if (typeof value === "bigint") return value === 0n;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

/**
 * How `http_build_query` prints a scalar; `undefined` means the value is skipped (PHP skips `null`).
 * Booleans print as `1`/`0`. Numbers use JavaScript's `String(n)`: identical to PHP for integers and for
 * ordinary decimals such as `29.9`, but PHP prints floats with `precision=14` and `%G`, so values with more
 * than 14 significant digits or needing an exponent would differ. PAYJS amounts are integer fen, so this is moot.
 */
function printScalar(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return value;
    case "boolean":
      return value ? "1" : "0";
    case "number":
    case "bigint":
      return String(value);
    default:
      return undefined; // null, undefined, functions, symbols: nothing PHP would emit
  }
}

/** Appends `name=value` pairs for one value the way `http_build_query` flattens nested arrays: `a[0][b]=…`, in the given order. */
function flatten(name: string, value: unknown, out: string[]): void {
  if (typeof value === "object" && value !== null) {
    // Nested keys keep their order (no sort below the top level); an empty array contributes nothing.
    for (const [k, v] of Object.entries(value)) flatten(`${name}[${k}]`, v, out);
    return;
  }
  const printed = printScalar(value);
  if (printed !== undefined) out.push(`${name}=${printed}`);
}

/**
 * Why this comparison: `ksort` on string keys orders by the raw bytes (`strcmp`) for ordinary keys, so `A` < `_` < `a` < `b`.
 * We compare UTF-16 code units, which equals UTF-8 byte order for every key except ones mixing astral characters
 * with U+E000–U+FFFF, and we ignore PHP's numeric-string comparison (keys such as `"10"` vs `"9"`); PAYJS field
 * names are lower-case ASCII, so neither difference can arise.
 */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The string PAYJS hashes, before `&key=KEY` is appended: `urldecode(http_build_query(ksort(array_filter(params))))`. */
export function signingString(params: Record<string, unknown>): string {
  const out: string[] = [];
  const keys = Object.keys(params)
    .filter((k) => !droppedByArrayFilter(params[k]))
    .sort(compareKeys);
  for (const k of keys) flatten(k, params[k], out);
  return out.join("&");
}

/** The PAYJS signature of `params` (every field given is signed): upper-case hex MD5 of the signing string plus `&key=KEY`. */
export function signParams(params: Record<string, unknown>, key: string): string {
  return md5(`${signingString(params)}&key=${key}`).toUpperCase();
}

/**
 * Whether `payload.sign` is the signature of every other field in `payload` (unknown fields included).
 * The received sign is upper-cased, then compared in constant time.
 */
export function verifySign(payload: Record<string, unknown>, key: string): boolean {
  const { sign: received, ...rest } = payload;
  if (typeof received !== "string") return false;
  return equalsConstantTime(received.toUpperCase(), signParams(rest, key));
}
