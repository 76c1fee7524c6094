/**
 * `JSON.parse` that keeps the two things it loses and the PAYJS sign needs:
 *
 * - a number's digits: `9007199254740993` parses to 9007199254740992, so the sign (made by PHP over the
 *   integer PAYJS holds) no longer matches, and a stored id would be rounded. Such a literal becomes
 *   `JSON.rawJSON(literal)`: `JSON.stringify` prints it back digit for digit.
 * - an object's key order: JS objects list integer-like keys (`"0"`, `"10"`) first, PHP arrays keep insertion
 *   order, and the sign follows PHP. The order as sent is kept aside ({@link sourceKeys}).
 *
 * Most text has neither, and a poll parses megabytes: `JSON.parse` reads it, and only text where it may have
 * lost something is read again by the slower parser below. Runs in workerd and in Node 20, which has no
 * `JSON.rawJSON`.
 * @module
 */

/** A number literal kept as its text: `JSON.rawJSON`'s result, or where that is missing a frozen stand-in of the same shape. */
interface RawNumber {
  readonly rawJSON: string;
}

interface RawJsonApi {
  rawJSON?: (text: string) => RawNumber;
  isRawJSON?: (value: unknown) => boolean;
}

/** Feature-detected: workerd has `JSON.rawJSON`, Node 20 (the command-line tools) does not. */
const api = JSON as unknown as RawJsonApi;
const standIns = new WeakSet<object>();

function rawNumber(literal: string): RawNumber {
  if (api.rawJSON !== undefined) return api.rawJSON(literal);
  const standIn: RawNumber = Object.freeze(Object.assign(Object.create(null) as RawNumber, { rawJSON: literal }));
  standIns.add(standIn);
  return standIn;
}

/** The digits of a number kept by {@link parseJson} (or made with `JSON.rawJSON`), else undefined. */
export function rawNumberText(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const raw = api.isRawJSON !== undefined ? api.isRawJSON(value) : standIns.has(value);
  return raw ? (value as RawNumber).rawJSON : undefined;
}

const keyOrders = new WeakMap<object, readonly string[]>();
/** Every array and object the exact parser made: only these may hold what `JSON.parse` would lose. */
const exact = new WeakSet<object>();

/**
 * Whether `value` (an array or object) came from {@link parseJson}'s slow, exact read, i.e. may hold a number's
 * digits or a key order that `JSON.parse` of its `JSON.stringify` would lose. False for everything else.
 */
export function readExactly(value: object): boolean {
  return exact.has(value);
}

/** An object's keys in the order the JSON text gave them (which `Object.keys` changes for integer-like keys). */
export function sourceKeys(object: object): readonly string[] {
  return keyOrders.get(object) ?? Object.keys(object);
}

/** An object's values in {@link sourceKeys} order; where that is `Object.keys` order, one native call rather than a lookup per key. */
export function sourceValues(object: object): readonly unknown[] {
  const keys = keyOrders.get(object);
  if (keys === undefined) return Object.values(object);
  const record = object as Record<string, unknown>;
  return keys.map((k) => record[k]);
}

/**
 * Parses JSON like `JSON.parse` (same values, same `SyntaxError`s), keeping every number's digits and every
 * object's key order. Most text needs neither, and a poll parses megabytes: `JSON.parse` reads it, a walk over
 * the result and a scan for decimal points find whether it may have lost something, and only then the text is
 * read again, slowly and exactly. (The checks add about a sixth to `JSON.parse`'s time in workerd; a regular
 * expression over the text cost more than `JSON.parse` itself.)
 */
export function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  return mayHaveLost(value) || longDecimal(text) ? parseJsonExact(text) : value;
}

/**
 * Whether `JSON.parse` may have changed something: an integer past 2^53 (its digits may be gone) or an object
 * whose first key starts with a digit (JS lists integer-like keys first, so if any was sent, one comes first).
 * Iterative: JSON.parse reads any depth, so this must not overflow the stack on one.
 */
function mayHaveLost(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return unsafe(value);
  const pending: object[] = [value];
  for (let v = pending.pop(); v !== undefined; v = pending.pop()) {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === "object") {
          if (x !== null) pending.push(x);
        } else if (unsafe(x)) return true;
      }
      continue;
    }
    let first = true;
    for (const k in v) {
      if (first && digit(k.charCodeAt(0))) return true;
      first = false;
      const x: unknown = (v as Record<string, unknown>)[k];
      if (typeof x === "object") {
        if (x !== null) pending.push(x);
      } else if (unsafe(x)) return true;
    }
  }
  return false;
}

function unsafe(x: unknown): boolean {
  return typeof x === "number" && (x > Number.MAX_SAFE_INTEGER || x < -Number.MAX_SAFE_INTEGER);
}

/** Whether a decimal point sits in a run of 16 or more digits: a decimal a double may not hold (or digits in a string, which only costs the exact read). */
function longDecimal(text: string): boolean {
  for (let i = text.indexOf("."); i !== -1; i = text.indexOf(".", i + 1)) {
    let from = i;
    while (from > 0 && numberChar(text.charCodeAt(from - 1))) from--;
    let to = i + 1;
    while (to < text.length && numberChar(text.charCodeAt(to))) to++;
    if (to - from > 16) return true;
  }
  return false;
}

function digit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function numberChar(c: number): boolean {
  return digit(c) || c === 0x2e;
}

/** A character a number literal may hold: digits, `.`, `-`, `+`, `e`, `E`. */
function numberPart(c: number): boolean {
  return numberChar(c) || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45;
}

/** A key JS objects list first, in numeric order, whatever order it came in. Matching a few more keys than that is harmless. */
const INDEX_KEY = /^\d+$/;

/**
 * A number literal as a double, or as its text when the double would not print back its digits. Digits are
 * lost only from a mantissa of 16 or more (a double holds any 15), and {@link parseJson}'s checks see those
 * with a decimal point or past 2^53; so that both ways of reading give the same values, only those are kept
 * as text. (A long mantissa without a point and with a negative exponent, `…e-7`, which no encoder writes,
 * stays a double.)
 */
function numberValue(literal: string): number | RawNumber {
  const n = Number(literal);
  if (literal.length < 16 || !Number.isFinite(n)) return n;
  const mantissa = literal.replace(/[eE].*/, "");
  if (mantissa.replace(/[-.]/g, "").length < 16) return n;
  if (!mantissa.includes(".") && !unsafe(n)) return n;
  return significant(mantissa) === significant(String(n)) ? n : rawNumber(literal);
}

/** The significant digits of a number's text: exponent, sign, point and padding zeros dropped. */
function significant(number: string): string {
  return number
    .replace(/[eE].*/, "")
    .replace(/[-.]/g, "")
    .replace(/^0+|0+$/g, "");
}

/**
 * A number as JSON writes it. The parser scans by hand rather than with sticky regular expressions and
 * `lastIndex`: in workerd, once optimised, such a parser now and then lost a `lastIndex` write and misread
 * valid JSON.
 */
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const ESCAPED = 'bfnrt"\\/';
const UNESCAPED = '\b\f\n\r\t"\\/';
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** An open array or object; `keys` (objects only) is the source order. */
interface Frame {
  readonly value: unknown[] | Record<string, unknown>;
  readonly keys: string[] | null;
  /** The key awaiting its value (objects only). */
  key: string;
}

/**
 * {@link parseJson} without the fast path (exported for tests). Iterative rather than recursive, so deep
 * nesting cannot overflow the stack where `JSON.parse` would not.
 */
export function parseJsonExact(text: string): unknown {
  let at = 0;

  const fail = (): never => {
    throw new SyntaxError(
      at >= text.length ? "Unexpected end of JSON input" : `Unexpected character ${JSON.stringify(text[at])} at position ${at} in JSON`,
    );
  };
  const skip = (): void => {
    for (let c = text.charCodeAt(at); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(at)) at++;
  };
  const string = (): string => {
    at++; // the opening quote
    let out = "";
    for (;;) {
      // A run that needs no decoding, then what ends it.
      let end = at;
      let c = text.charCodeAt(end);
      while (c !== 0x22 && c !== 0x5c && c >= 0x20) c = text.charCodeAt(++end);
      out += text.slice(at, end);
      at = end;
      if (c === 0x22) {
        at++;
        return out;
      }
      if (c !== 0x5c) fail(); // a control character, or the end
      const e = text.charAt(at + 1);
      if (e === "u") {
        const hex = text.slice(at + 2, at + 6);
        if (!HEX4.test(hex)) fail();
        out += String.fromCharCode(parseInt(hex, 16));
        at += 6;
      } else {
        const i = e === "" ? -1 : ESCAPED.indexOf(e);
        if (i === -1) fail();
        out += UNESCAPED.charAt(i);
        at += 2;
      }
    }
  };
  const key = (): string => {
    skip();
    if (text.charCodeAt(at) !== 0x22) fail();
    const k = string();
    skip();
    if (text.charCodeAt(at) !== 0x3a) fail();
    at++;
    return k;
  };
  const put = (frame: Frame, value: unknown): void => {
    if (frame.keys === null) {
      (frame.value as unknown[]).push(value);
      return;
    }
    const object = frame.value as Record<string, unknown>;
    const k = frame.key;
    // A repeated key keeps its first place and its last value, as in JSON.parse and PHP's json_decode.
    if (!Object.hasOwn(object, k)) frame.keys.push(k);
    // `__proto__` is an own field in JSON.parse's result, never the prototype.
    if (k === "__proto__") Object.defineProperty(object, k, { value, writable: true, enumerable: true, configurable: true });
    else object[k] = value;
  };

  const stack: Frame[] = [];
  for (;;) {
    // A value starts here.
    skip();
    let value: unknown;
    const c = text.charCodeAt(at);
    if (c === 0x7b || c === 0x5b) {
      at++;
      skip();
      if (text.charCodeAt(at) === c + 2) {
        // `{}` or `[]`: `}` and `]` are two code points after their openers.
        at++;
        value = c === 0x7b ? {} : [];
      } else {
        stack.push(c === 0x7b ? { value: {}, keys: [], key: key() } : { value: [], keys: null, key: "" });
        continue;
      }
    } else if (c === 0x22) {
      value = string();
    } else if (text.startsWith("true", at)) {
      at += 4;
      value = true;
    } else if (text.startsWith("false", at)) {
      at += 5;
      value = false;
    } else if (text.startsWith("null", at)) {
      at += 4;
      value = null;
    } else {
      // Every character a number may hold, then the whole checked: nothing valid follows a number without a break.
      let end = at;
      while (numberPart(text.charCodeAt(end))) end++;
      const literal = text.slice(at, end);
      if (!NUMBER.test(literal)) fail();
      at = end;
      value = numberValue(literal);
    }

    // The value goes into its container; every container it closes goes into its own, up to the top.
    for (;;) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) {
        skip();
        if (at < text.length) fail();
        return value;
      }
      put(frame, value);
      skip();
      const next = text.charCodeAt(at);
      if (next === 0x2c) {
        at++;
        if (frame.keys !== null) frame.key = key();
        break;
      }
      if (next !== (frame.keys === null ? 0x5d : 0x7d)) fail();
      at++;
      stack.pop();
      if (frame.keys?.some((k) => INDEX_KEY.test(k))) keyOrders.set(frame.value, frame.keys);
      exact.add(frame.value);
      value = frame.value;
    }
  }
}
