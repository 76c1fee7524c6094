/**
 * MD5 in plain TypeScript, for signing schemes that demand it (MD5 is not collision resistant: never use
 * it to protect anything). Web Crypto has no MD5 and `node:crypto` is absent in Workers without
 * `nodejs_compat`, hence this file. Built for speed: no buffer allocated per call, strings encoded
 * straight into a reused one, the 64 steps unrolled with their constants inlined and ordered for the
 * shortest dependency chain; on large inputs it keeps pace with OpenSSL. {@link Md5} takes a message in
 * pieces, for one built on the fly that should never exist whole.
 *
 * @module
 * @see https://www.rfc-editor.org/rfc/rfc1321
 */

/**
 * Bytes hashed per pass when input has to be copied or encoded first. A multiple of 64; large enough
 * that per-pass overhead is noise, small enough to stay in L1/L2.
 */
const CHUNK = 16384;

/** Byte arrays up to this long are copied to the scratch whole; longer ones are read in place through an
 * Int32Array view when aligned, whose allocation costs about as much as copying this many bytes. */
const COPY_MAX = 1024;

/** Strings up to this many UTF-16 units are encoded in one go: at 3 bytes per unit at most, they fit. */
const SHORT_STRING = Math.floor(CHUNK / 3);

/** {@link Md5.update} encodes text shorter than this by hand: below it, a `TextEncoder` call's fixed cost
 * is more than the loop's, measured in workerd (two-byte text costs both about the same per character). */
const BY_HAND_MAX = 128;

/** Message bytes on their way to the compression function, and the state they are hashed into. */
interface Scratch {
  readonly bytes: Uint8Array;
  /** The same bytes as little-endian words. */
  readonly words: Int32Array;
  readonly state: Int32Array;
}

/** CHUNK bytes, room past them for one short piece {@link Md5} encodes by hand and for two padding blocks, and a fresh state. */
function newScratch(): Scratch {
  const buffer = new ArrayBuffer(CHUNK + 3 * BY_HAND_MAX + 128);
  const state = new Int32Array(4);
  reset(state);
  return { bytes: new Uint8Array(buffer), words: new Int32Array(buffer), state };
}

/** MD5 reads the message as little-endian words; on a big-endian host the Int32Array views would read
 * them byte-swapped, so there the buffer is swapped in place before each pass. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The two hex digits of a byte, as char codes: HI[b] then LO[b]. Plain arrays, whose elements are already
 * tagged small integers ready to pass as call arguments: measured faster than typed arrays here.
 */
const HI: number[] = [];
const LO: number[] = [];
for (let i = 0; i < 256; i++) {
  HI.push("0123456789abcdef".charCodeAt(i >> 4));
  LO.push("0123456789abcdef".charCodeAt(i & 15));
}

// md5()'s scratch, shared by every call: safe because md5() is synchronous and never re-entered.
const shared = newScratch();
const bytes = shared.bytes;
const state = shared.state;

// Native UTF-8 encoding: a call has a fixed cost (~0.2 µs in workerd), then one-byte strings go at memory speed
// (V8's charCodeAt costs ~1.5 ns per character); lone surrogates become U+FFFD by definition.
const encoder = new TextEncoder();

/**
 * The MD5 digest of `input` as 32 lower-case hex digits. A string is hashed as its UTF-8 encoding, with
 * lone surrogates encoded as U+FFFD exactly as `TextEncoder` does; a `Uint8Array` is hashed as the bytes
 * it views (any offset and length).
 */
export function md5(input: string | Uint8Array): string {
  return typeof input === "string" ? md5String(input) : md5Bytes(input);
}

function md5String(s: string): string {
  reset(state);
  if (s.length <= SHORT_STRING) {
    const len = encoder.encodeInto(s, bytes).written;
    return finish(shared, len, len);
  }
  // Stream through the scratch: encode a chunk, hash its whole blocks, carry the rest to the front.
  let rest = s;
  let carry = 0;
  let total = 0;
  for (;;) {
    const { read, written } = encoder.encodeInto(rest, bytes.subarray(carry, CHUNK));
    const have = carry + written;
    total += written;
    if (read === rest.length) return finish(shared, have, total);
    // encodeInto stops only when the next character (at most 4 bytes) does not fit, so `have` is at
    // least CHUNK - 3: there is always a whole block to hash, and the loop always advances.
    carry = hashWhole(shared, have);
    // A sliced string shares the original's characters: O(1), no copy.
    rest = rest.slice(read);
  }
}

function md5Bytes(u: Uint8Array): string {
  reset(state);
  const n = u.length;
  if (n <= COPY_MAX) {
    copyIn(u, 0, n);
    return finish(shared, n, n);
  }
  const whole = n - (n & 63);
  if (LITTLE_ENDIAN && (u.byteOffset & 3) === 0) {
    compress(state, new Int32Array(u.buffer, u.byteOffset, whole >> 2), 0, whole >> 2);
  } else {
    // Int32Array needs 4-byte alignment, so an unaligned view is hashed from aligned copies.
    for (let p = 0; p < whole; p += CHUNK) {
      const m = Math.min(CHUNK, whole - p);
      bytes.set(u.subarray(p, p + m));
      compressScratch(shared, m);
    }
  }
  copyIn(u, whole, n);
  return finish(shared, n - whole, n);
}

/** Copies `u[from, to)` to the scratch from 0. */
function copyIn(u: Uint8Array, from: number, to: number): void {
  if (to - from < 256) {
    // A short loop beats the subarray() allocation that set() would need.
    for (let i = from; i < to; i++) bytes[i - from] = u[i]!;
  } else {
    bytes.set(u.subarray(from, to));
  }
}

/**
 * MD5 fed text piece by piece, so that a long message built on the fly (the signing string of a large
 * PAYJS answer) never exists whole, neither as one string nor as bytes: each piece's UTF-8 bytes go
 * straight into the scratch, hashed a chunk at a time while still in cache.
 */
export class Md5 {
  private readonly scratch = newScratch();
  /** Bytes waiting in the scratch. */
  private length = 0;
  /** Bytes hashed before them. */
  private hashed = 0;

  /**
   * Adds the UTF-8 bytes of `text`, lone surrogates as U+FFFD (as md5() and TextEncoder encode them). Each
   * call's text is encoded on its own: a surrogate pair split across two calls becomes two U+FFFD.
   */
  update(text: string): this {
    if (text.length < BY_HAND_MAX) this.encodeByHand(text);
    else this.encode(text);
    return this;
  }

  /** A hasher that goes on from this one's message on its own. */
  copy(): Md5 {
    const twin = new Md5();
    twin.scratch.state.set(this.scratch.state);
    twin.scratch.bytes.set(this.scratch.bytes.subarray(0, this.length));
    twin.length = this.length;
    twin.hashed = this.hashed;
    return twin;
  }

  /** The digest of everything added so far, as md5() gives it for the whole message; this hasher can go on. */
  digest(): string {
    // Padding overwrites the scratch past the waiting bytes and changes the state: done on a copy.
    const last = this.copy();
    return finish(last.scratch, last.length, last.hashed + last.length);
  }

  private encode(text: string): void {
    const s = this.scratch;
    let rest = text;
    let at = this.length;
    for (;;) {
      // Past CHUNK (after a piece encoded by hand) this encodes nothing, and the whole blocks are hashed first.
      const { read, written } = encoder.encodeInto(rest, s.bytes.subarray(at, CHUNK));
      at += written;
      if (read === rest.length) break;
      at = this.hashWaiting(at);
      rest = rest.slice(read);
    }
    this.length = at;
  }

  /** At most BY_HAND_MAX * 3 bytes, which the scratch has room for past CHUNK. */
  private encodeByHand(text: string): void {
    const out = this.scratch.bytes;
    const n = text.length;
    let at = this.length;
    if (at >= CHUNK) at = this.hashWaiting(at);
    for (let i = 0; i < n; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        out[at++] = c;
      } else if (c < 0x800) {
        out[at++] = 0xc0 | (c >> 6);
        out[at++] = 0x80 | (c & 63);
      } else {
        if ((c & 0xf800) === 0xd800) {
          // A high surrogate followed by a low one is one character of 4 bytes; any other surrogate is U+FFFD.
          const next = c < 0xdc00 && i + 1 < n ? text.charCodeAt(i + 1) : 0;
          if ((next & 0xfc00) === 0xdc00) {
            const code = ((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
            out[at++] = 0xf0 | (code >> 18);
            out[at++] = 0x80 | ((code >> 12) & 63);
            out[at++] = 0x80 | ((code >> 6) & 63);
            out[at++] = 0x80 | (code & 63);
            i++;
            continue;
          }
          c = 0xfffd;
        }
        out[at++] = 0xe0 | (c >> 12);
        out[at++] = 0x80 | ((c >> 6) & 63);
        out[at++] = 0x80 | (c & 63);
      }
    }
    this.length = at;
  }

  /** Hashes the whole blocks among the first `have` waiting bytes; returns how many still wait. */
  private hashWaiting(have: number): number {
    const left = hashWhole(this.scratch, have);
    this.hashed += have - left;
    return left;
  }
}

/** Hashes the whole blocks among the first `have` bytes of the scratch and moves the rest to the front; returns how many moved. */
function hashWhole(s: Scratch, have: number): number {
  const whole = have - (have & 63);
  compressScratch(s, whole);
  s.bytes.copyWithin(0, whole, have);
  return have - whole;
}

function reset(state: Int32Array): void {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89;
  state[2] = 0x98badcfe;
  state[3] = 0x10325476;
}

/** Pads the `len` message bytes waiting in the scratch, hashes them and returns the hex digest;
 * `total` is the whole message length in bytes. */
function finish(s: Scratch, len: number, total: number): string {
  const { bytes, words } = s;
  bytes[len] = 0x80;
  // The scratch holds leftovers of earlier calls: clear up to the length field.
  let i = len + 1;
  for (; (i & 3) !== 0; i++) bytes[i] = 0;
  const end = (((len + 8) >> 6) + 1) << 4; // in words
  for (i >>= 2; i < end - 2; i++) words[i] = 0;
  if (!LITTLE_ENDIAN) swapWords(words, end - 2);
  // The bit length modulo 2^64 without computing total * 8 itself: `<<` works on total's low 32 bits,
  // which is all the low word needs; the Int32Array store truncates total / 2^29 to the high word.
  words[end - 2] = total << 3;
  words[end - 1] = total / 0x20000000;
  compress(s.state, words, 0, end);
  return hex(s.state);
}

function compressScratch(s: Scratch, byteLength: number): void {
  if (!LITTLE_ENDIAN) swapWords(s.words, byteLength >> 2);
  compress(s.state, s.words, 0, byteLength >> 2);
}

function swapWords(words: Int32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const w = words[i]!;
    words[i] = (w >>> 24) | ((w >> 8) & 0xff00) | ((w & 0xff00) << 8) | (w << 24);
  }
}

/** The state as 32 hex digits: each word's bytes low byte first, in one flat string from one call. */
function hex(state: Int32Array): string {
  const a = state[0]!;
  const b = state[1]!;
  const c = state[2]!;
  const d = state[3]!;
  const a0 = a & 255,
    a1 = (a >> 8) & 255,
    a2 = (a >> 16) & 255,
    a3 = a >>> 24;
  const b0 = b & 255,
    b1 = (b >> 8) & 255,
    b2 = (b >> 16) & 255,
    b3 = b >>> 24;
  const c0 = c & 255,
    c1 = (c >> 8) & 255,
    c2 = (c >> 16) & 255,
    c3 = c >>> 24;
  const d0 = d & 255,
    d1 = (d >> 8) & 255,
    d2 = (d >> 16) & 255,
    d3 = d >>> 24;
  return String.fromCharCode(
    HI[a0]!,
    LO[a0]!,
    HI[a1]!,
    LO[a1]!,
    HI[a2]!,
    LO[a2]!,
    HI[a3]!,
    LO[a3]!,
    HI[b0]!,
    LO[b0]!,
    HI[b1]!,
    LO[b1]!,
    HI[b2]!,
    LO[b2]!,
    HI[b3]!,
    LO[b3]!,
    HI[c0]!,
    LO[c0]!,
    HI[c1]!,
    LO[c1]!,
    HI[c2]!,
    LO[c2]!,
    HI[c3]!,
    LO[c3]!,
    HI[d0]!,
    LO[d0]!,
    HI[d1]!,
    LO[d1]!,
    HI[d2]!,
    LO[d2]!,
    HI[d3]!,
    LO[d3]!,
  );
}

/**
 * Runs the MD5 compression function over the 16-word blocks `x[off, end)`, updating `state`.
 *
 * Each step computes `a = b + ((a + F(b, c, d) + x[g] + K) <<< s)`. The value finished last is always
 * `b`, so every step is written to keep b off the long end: `a + (x + K)` does not depend on b and is
 * ready early, and each boolean function is arranged so that only its last one or two operations wait
 * for b. Keeping `(x + K)` parenthesised also stops V8 from folding K into a three-operand `lea` on the
 * critical path. The message words are read into locals once per block.
 *
 * K is RFC 1321's T[i] = floor(2^32 · |sin i|). Sums may pass 32 bits: the shifts and `| 0` wrap them, which
 * is MD5's addition modulo 2^32, and V8 compiles them to plain 32-bit adds.
 */
function compress(state: Int32Array, x: Int32Array, off: number, end: number): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  for (let o = off; o < end; o += 16) {
    const aa = a;
    const bb = b;
    const cc = c;
    const dd = d;
    const x0 = x[o]!;
    const x1 = x[o + 1]!;
    const x2 = x[o + 2]!;
    const x3 = x[o + 3]!;
    const x4 = x[o + 4]!;
    const x5 = x[o + 5]!;
    const x6 = x[o + 6]!;
    const x7 = x[o + 7]!;
    const x8 = x[o + 8]!;
    const x9 = x[o + 9]!;
    const x10 = x[o + 10]!;
    const x11 = x[o + 11]!;
    const x12 = x[o + 12]!;
    const x13 = x[o + 13]!;
    const x14 = x[o + 14]!;
    const x15 = x[o + 15]!;

    // Round 1, F = (b & c) | (~b & d), written as d ^ (b & (c ^ d)): c ^ d is ready before b is.
    a = a + (x0 + 0xd76aa478) + (d ^ (b & (c ^ d)));
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = d + (x1 + 0xe8c7b756) + (c ^ (a & (b ^ c)));
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = c + (x2 + 0x242070db) + (b ^ (d & (a ^ b)));
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = b + (x3 + 0xc1bdceee) + (a ^ (c & (d ^ a)));
    b = (((b << 22) | (b >>> 10)) + c) | 0;
    a = a + (x4 + 0xf57c0faf) + (d ^ (b & (c ^ d)));
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = d + (x5 + 0x4787c62a) + (c ^ (a & (b ^ c)));
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = c + (x6 + 0xa8304613) + (b ^ (d & (a ^ b)));
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = b + (x7 + 0xfd469501) + (a ^ (c & (d ^ a)));
    b = (((b << 22) | (b >>> 10)) + c) | 0;
    a = a + (x8 + 0x698098d8) + (d ^ (b & (c ^ d)));
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = d + (x9 + 0x8b44f7af) + (c ^ (a & (b ^ c)));
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = c + (x10 + 0xffff5bb1) + (b ^ (d & (a ^ b)));
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = b + (x11 + 0x895cd7be) + (a ^ (c & (d ^ a)));
    b = (((b << 22) | (b >>> 10)) + c) | 0;
    a = a + (x12 + 0x6b901122) + (d ^ (b & (c ^ d)));
    a = (((a << 7) | (a >>> 25)) + b) | 0;
    d = d + (x13 + 0xfd987193) + (c ^ (a & (b ^ c)));
    d = (((d << 12) | (d >>> 20)) + a) | 0;
    c = c + (x14 + 0xa679438e) + (b ^ (d & (a ^ b)));
    c = (((c << 17) | (c >>> 15)) + d) | 0;
    b = b + (x15 + 0x49b40821) + (a ^ (c & (d ^ a)));
    b = (((b << 22) | (b >>> 10)) + c) | 0;

    // Round 2, G = (b & d) | (c & ~d): the two halves share no bits, so they can be added separately and
    // only `d & b` waits for b (the value finished last).
    a = a + (x1 + 0xf61e2562) + (~d & c) + (d & b);
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = d + (x6 + 0xc040b340) + (~c & b) + (c & a);
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = c + (x11 + 0x265e5a51) + (~b & a) + (b & d);
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = b + (x0 + 0xe9b6c7aa) + (~a & d) + (a & c);
    b = (((b << 20) | (b >>> 12)) + c) | 0;
    a = a + (x5 + 0xd62f105d) + (~d & c) + (d & b);
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = d + (x10 + 0x02441453) + (~c & b) + (c & a);
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = c + (x15 + 0xd8a1e681) + (~b & a) + (b & d);
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = b + (x4 + 0xe7d3fbc8) + (~a & d) + (a & c);
    b = (((b << 20) | (b >>> 12)) + c) | 0;
    a = a + (x9 + 0x21e1cde6) + (~d & c) + (d & b);
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = d + (x14 + 0xc33707d6) + (~c & b) + (c & a);
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = c + (x3 + 0xf4d50d87) + (~b & a) + (b & d);
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = b + (x8 + 0x455a14ed) + (~a & d) + (a & c);
    b = (((b << 20) | (b >>> 12)) + c) | 0;
    a = a + (x13 + 0xa9e3e905) + (~d & c) + (d & b);
    a = (((a << 5) | (a >>> 27)) + b) | 0;
    d = d + (x2 + 0xfcefa3f8) + (~c & b) + (c & a);
    d = (((d << 9) | (d >>> 23)) + a) | 0;
    c = c + (x7 + 0x676f02d9) + (~b & a) + (b & d);
    c = (((c << 14) | (c >>> 18)) + d) | 0;
    b = b + (x12 + 0x8d2a4c8a) + (~a & d) + (a & c);
    b = (((b << 20) | (b >>> 12)) + c) | 0;

    // Round 3, H = b ^ c ^ d, with c ^ d first for the same reason.
    a = a + (x5 + 0xfffa3942) + (c ^ d ^ b);
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = d + (x8 + 0x8771f681) + (b ^ c ^ a);
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = c + (x11 + 0x6d9d6122) + (a ^ b ^ d);
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = b + (x14 + 0xfde5380c) + (d ^ a ^ c);
    b = (((b << 23) | (b >>> 9)) + c) | 0;
    a = a + (x1 + 0xa4beea44) + (c ^ d ^ b);
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = d + (x4 + 0x4bdecfa9) + (b ^ c ^ a);
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = c + (x7 + 0xf6bb4b60) + (a ^ b ^ d);
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = b + (x10 + 0xbebfbc70) + (d ^ a ^ c);
    b = (((b << 23) | (b >>> 9)) + c) | 0;
    a = a + (x13 + 0x289b7ec6) + (c ^ d ^ b);
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = d + (x0 + 0xeaa127fa) + (b ^ c ^ a);
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = c + (x3 + 0xd4ef3085) + (a ^ b ^ d);
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = b + (x6 + 0x04881d05) + (d ^ a ^ c);
    b = (((b << 23) | (b >>> 9)) + c) | 0;
    a = a + (x9 + 0xd9d4d039) + (c ^ d ^ b);
    a = (((a << 4) | (a >>> 28)) + b) | 0;
    d = d + (x12 + 0xe6db99e5) + (b ^ c ^ a);
    d = (((d << 11) | (d >>> 21)) + a) | 0;
    c = c + (x15 + 0x1fa27cf8) + (a ^ b ^ d);
    c = (((c << 16) | (c >>> 16)) + d) | 0;
    b = b + (x2 + 0xc4ac5665) + (d ^ a ^ c);
    b = (((b << 23) | (b >>> 9)) + c) | 0;

    // Round 4, I = c ^ (b | ~d).
    a = a + (x0 + 0xf4292244) + (c ^ (b | ~d));
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = d + (x7 + 0x432aff97) + (b ^ (a | ~c));
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = c + (x14 + 0xab9423a7) + (a ^ (d | ~b));
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = b + (x5 + 0xfc93a039) + (d ^ (c | ~a));
    b = (((b << 21) | (b >>> 11)) + c) | 0;
    a = a + (x12 + 0x655b59c3) + (c ^ (b | ~d));
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = d + (x3 + 0x8f0ccc92) + (b ^ (a | ~c));
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = c + (x10 + 0xffeff47d) + (a ^ (d | ~b));
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = b + (x1 + 0x85845dd1) + (d ^ (c | ~a));
    b = (((b << 21) | (b >>> 11)) + c) | 0;
    a = a + (x8 + 0x6fa87e4f) + (c ^ (b | ~d));
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = d + (x15 + 0xfe2ce6e0) + (b ^ (a | ~c));
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = c + (x6 + 0xa3014314) + (a ^ (d | ~b));
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = b + (x13 + 0x4e0811a1) + (d ^ (c | ~a));
    b = (((b << 21) | (b >>> 11)) + c) | 0;
    a = a + (x4 + 0xf7537e82) + (c ^ (b | ~d));
    a = (((a << 6) | (a >>> 26)) + b) | 0;
    d = d + (x11 + 0xbd3af235) + (b ^ (a | ~c));
    d = (((d << 10) | (d >>> 22)) + a) | 0;
    c = c + (x2 + 0x2ad7d2bb) + (a ^ (d | ~b));
    c = (((c << 15) | (c >>> 17)) + d) | 0;
    b = b + (x9 + 0xeb86d391) + (d ^ (c | ~a));
    b = (((b << 21) | (b >>> 11)) + c) | 0;

    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
}
