/**
 * The PAYJS signature, as the official PHP SDK computes it:
 *
 * ```php
 * $data = array_filter($data);           // drop falsy top-level values
 * ksort($data);                          // sort top-level keys
 * strtoupper(md5(urldecode(http_build_query($data) . '&key=' . $key)));
 * ```
 *
 * `urldecode(http_build_query(...))` round-trips every key and value back to its raw UTF-8 text
 * (http_build_query writes `+` as `%2B`, a space as `+`, `%` as `%25`; urldecode undoes each), so the
 * signing string is built from raw values: nothing is URL-encoded here.
 *
 * How PAYJS signs its *answers* (with a nested `complaints` list) nobody outside PAYJS has published, so an
 * answer is checked against each named {@link SCHEMES | scheme} in turn, and the one that matched is reported.
 *
 * @module
 * @see https://help.payjs.cn/api-lie-biao/qian-ming-suan-fa.html
 */
import { equalsConstantTime } from "../constant-time";
import { rawNumberText, sourceKeys, sourceValues } from "../json";
import { Md5 } from "../md5";

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
 * Integers past 2^53 (ids) never get here as numbers: parseJson keeps them as their digits, see {@link flatten}.
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

/**
 * Where the signing string goes. Every pair is written as `&name=value`, the name in pieces so that no
 * string is built per field; the sink drops the `&` that would start the string.
 */
interface Sink {
  /** A piece of a pair's `&name=`. */
  name(piece: string): void;
  value(text: string): void;
}

/** Writes the pairs of one value the way `http_build_query` flattens nested arrays: `a[0][b]=…`, in the given order. */
function flatten(name: string, value: unknown, sink: Sink): void {
  // A number too long for a double, kept by parseJson: PHP signed the digits it holds.
  const digits = rawNumberText(value);
  if (typeof value === "object" && value !== null && digits === undefined) {
    flattenEntries(name, value, sink);
    return;
  }
  const printed = digits ?? printScalar(value);
  if (printed === undefined) return;
  sink.name(`&${name}=`);
  sink.value(printed);
}

/** The entries of an array or object, each named `name[key]`. */
function flattenEntries(name: string, value: object, sink: Sink): void {
  // Nested keys keep the order PHP had (no sort below the top level), which for keys such as "1", "0" is not
  // the order Object.keys gives: sourceKeys has the order parseJson read. An empty array contributes nothing.
  const keys = sourceKeys(value);
  const values = sourceValues(value);
  const open = `&${name}[`;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const child = values[i];
    if (typeof child === "object" && child !== null) {
      flatten(`${name}[${k}]`, child, sink);
      continue;
    }
    const printed = printScalar(child);
    if (printed === undefined) continue;
    sink.name(open);
    sink.name(k);
    sink.name("]=");
    sink.value(printed);
  }
}

/** Collects the signing string as text (for {@link signingString}). */
class TextSink implements Sink {
  private readonly parts: string[] = [];
  name(piece: string): void {
    this.parts.push(piece);
  }
  value(text: string): void {
    this.parts.push(text);
  }
  joined(): string {
    return this.parts.join("").slice(1);
  }
}

/** Characters gathered before they are hashed: enough that a TextEncoder call's fixed cost is noise. */
const PENDING_MAX = 8192;

/**
 * Whether a value probably holds a character past U+00FF, such as Chinese text (judged by its first and
 * last character). The guess only picks the faster way to the same bytes, see {@link HashSink}.
 */
function looksWide(text: string): boolean {
  return text.length > 0 && (text.charCodeAt(0) > 0xff || text.charCodeAt(text.length - 1) > 0xff);
}

/**
 * Hashes the signing string as it is written, without ever building it whole (a large answer makes
 * megabytes). Pieces are gathered into a string a few KB long first: V8 joins strings without copying,
 * and TextEncoder encodes a string of one-byte characters (V8 keeps Latin-1 text so) at memory speed,
 * where a call per piece would cost ~0.2 µs each. A wide value would turn the whole gathered string
 * two-byte, which TextEncoder encodes several times slower, so it is hashed on its own.
 */
class HashSink implements Sink {
  private readonly md5 = new Md5();
  private pending = "";
  private started = false;

  name(piece: string): void {
    this.pending += piece;
  }

  value(text: string): void {
    if (looksWide(text)) {
      this.flush();
      this.md5.update(text);
    } else {
      this.pending += text;
      if (this.pending.length >= PENDING_MAX) this.flush();
    }
  }

  /** The hasher, fed the whole signing string. */
  done(): Md5 {
    this.flush();
    return this.md5;
  }

  private flush(): void {
    if (this.pending === "") return;
    this.md5.update(this.started ? this.pending : this.pending.slice(1));
    this.started = true;
    this.pending = "";
  }
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

/** Writes the pairs of every top-level field PHP keeps, keys sorted; `skip` (the received `sign`) is left out. */
function writeParams(params: Record<string, unknown>, sink: Sink, skip?: string): void {
  const keys = Object.keys(params)
    .filter((k) => k !== skip && !droppedByArrayFilter(params[k]))
    .sort(compareKeys);
  for (const k of keys) flatten(k, params[k], sink);
}

/** The string PAYJS hashes, before `&key=KEY` is appended: `urldecode(http_build_query(ksort(array_filter(params))))`. */
export function signingString(params: Record<string, unknown>): string {
  const sink = new TextSink();
  writeParams(params, sink);
  return sink.joined();
}

/** MD5 fed the signing string of `params` (without `skip`), ready for the `&key=…` tail. */
function hashParams(params: Record<string, unknown>, skip?: string): Md5 {
  const sink = new HashSink();
  writeParams(params, sink, skip);
  return sink.done();
}

/** Upper-case hex MD5 of the hashed signing string followed by `&key=` and `keyText`. */
function withKey(signed: Md5, keyText: string): string {
  return signed.update("&key=").update(keyText).digest().toUpperCase();
}

/** PHP's `urldecode`: `+` is a space and `%XX` a byte; anything else, a stray `%` included, stays. */
export function phpUrldecode(text: string): string {
  if (!/[+%]/.test(text)) return text;
  const bytes: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const hex = ch === "%" ? text.slice(i + 1, i + 3) : "";
    if (ch === "+") bytes.push(0x20);
    else if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...utf8.encode(ch));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** A way PAYJS may sign. The signing string is the same in each; what follows `&key=` is not. */
export interface Scheme {
  name: SchemeName;
  /** The text appended after `&key=`. */
  keyText(key: string): string;
}

export type SchemeName = "php-sdk" | "raw-key";

/**
 * The schemes an answer is checked against, in this order. Each covers every field of the answer, nested
 * complaints included: one that left complaint data outside the signature would let it be changed unseen.
 * They differ only for a key holding `+` or `%`.
 */
export const SCHEMES: readonly Scheme[] = [
  /** The official PHP SDK: `urldecode(http_build_query($data) . '&key=' . $key)`, so the key is URL-decoded too. */
  { name: "php-sdk", keyText: phpUrldecode },
  /** The API doc's Python sample: the key appended after the query is decoded, as it is. */
  { name: "raw-key", keyText: (key) => key },
];

/** The sign of `params` (every field given) by one scheme. */
export function signWith(scheme: Scheme, params: Record<string, unknown>, key: string): string {
  return withKey(hashParams(params), scheme.keyText(key));
}

/** The PAYJS signature of `params` (every field given is signed), for requests: the key as it is. */
export function signParams(params: Record<string, unknown>, key: string): string {
  return withKey(hashParams(params), key);
}

/** What the check of an answer's `sign` found. */
export type SignCheck =
  | { result: "verified"; scheme: SchemeName }
  | { result: "absent"; scheme: null }
  | { result: "mismatch"; scheme: null };

/**
 * Checks `payload.sign` against every other field in `payload` (unknown fields included), by each scheme in
 * {@link SCHEMES} order; a scheme that would compute the same string as one before it is not tried again.
 * The signing string is hashed once; each scheme goes on from a copy of that with its own `&key=…`.
 * The received sign is upper-cased, then compared in constant time.
 */
export function checkSign(payload: Record<string, unknown>, key: string): SignCheck {
  const received = payload.sign;
  if (received === undefined || received === null || received === "") return { result: "absent", scheme: null };
  if (typeof received !== "string") return { result: "mismatch", scheme: null };
  const expected = received.toUpperCase();
  const signed = hashParams(payload, "sign");
  const tried = new Set<string>();
  for (const scheme of SCHEMES) {
    const keyText = scheme.keyText(key);
    if (tried.has(keyText)) continue;
    tried.add(keyText);
    if (equalsConstantTime(expected, withKey(signed.copy(), keyText))) return { result: "verified", scheme: scheme.name };
  }
  return { result: "mismatch", scheme: null };
}

/** Whether `payload.sign` is the signature of every other field in `payload` by one of the {@link SCHEMES}. */
export function verifySign(payload: Record<string, unknown>, key: string): boolean {
  return checkSign(payload, key).result === "verified";
}
