import { createHash, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Md5, md5 } from "./md5";

const openssl = (input: string | Uint8Array): string => createHash("md5").update(input).digest("hex");
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("md5 against node:crypto", () => {
  it("Should match for ASCII strings of every length from 0 to 300", () => {
    const text = "The quick brown fox jumps over the lazy dog; 0123456789!".repeat(6);
    for (let n = 0; n <= 300; n++) expect(md5(text.slice(0, n)), `length ${n}`).toBe(openssl(text.slice(0, n)));
  });

  it("Should match for random bytes of every length from 0 to 300", () => {
    const bytes = randomBytes(300);
    for (let n = 0; n <= 300; n++) {
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset, n);
      expect(md5(view), `length ${n}`).toBe(openssl(view));
    }
  });

  it("Should match when multi-byte characters straddle the 55/56/64-byte boundaries", () => {
    for (const ch of ["é", "中", "😀", "\ud800"]) {
      for (let n = 50; n <= 70; n++) {
        for (const s of ["a".repeat(n) + ch, "a".repeat(n) + ch + "b", ch.repeat(n)]) {
          expect(md5(s), `${JSON.stringify(ch)} after ${n}`).toBe(openssl(utf8(s)));
        }
      }
    }
  });

  it("Should encode lone surrogates exactly as TextEncoder does (U+FFFD), as node's utf8 also does", () => {
    for (const s of ["\ud800", "\udfff", "a\ud800b", "x\udc00", "\ud83d", "\ude00\ud83d", "\ud83d\ud83d\ude00"]) {
      expect(openssl(s)).toBe(openssl(utf8(s)));
      expect(md5(s)).toBe(openssl(utf8(s)));
    }
  });

  it("Should match for 1 MiB of random bytes", () => {
    const bytes = new Uint8Array(randomBytes(1 << 20));
    expect(md5(bytes)).toBe(openssl(bytes));
  });

  it("Should match for views at every offset from 0 to 7 (aligned and unaligned), short and long", () => {
    const bytes = new Uint8Array(randomBytes(70_000));
    for (let offset = 0; offset <= 7; offset++) {
      for (const n of [0, 1, 55, 56, 63, 64, 65, 300, 1_023, 1_024, 1_025, 1_087, 16_383, 16_384, 16_385, 50_000]) {
        const view = bytes.subarray(offset, offset + n);
        expect(md5(view), `offset ${offset}, length ${n}`).toBe(openssl(view));
      }
    }
  });

  it("Should match for long strings encoded in several chunks", () => {
    for (const s of ["a".repeat(100_000), "中".repeat(30_000), "😀".repeat(20_000), "\ud800".repeat(7_000)]) {
      expect(md5(s), `length ${s.length}`).toBe(openssl(utf8(s)));
    }
  });

  it("Should match when a long string's surrogate pair or 3-byte character straddles a chunk boundary", () => {
    // Chunks are 16 KiB: put the character at every byte position around the first boundary.
    for (let k = 16_370; k <= 16_390; k++) {
      for (const ch of ["😀", "中", "\ud800"]) {
        const s = `${"a".repeat(k)}${ch}b`;
        expect(md5(s), `${JSON.stringify(ch)} after ${k}`).toBe(openssl(utf8(s)));
      }
    }
  });

  it("Should not leak state between interleaved calls of different lengths and kinds", () => {
    const inputs: Array<string | Uint8Array> = [];
    for (let n = 0; n < 200; n += 7) {
      inputs.push("z".repeat(200 - n), new Uint8Array(randomBytes(n)), "中".repeat(n), randomBytes(3 * n + 1).subarray(1));
    }
    inputs.push("q".repeat(40_000), new Uint8Array(randomBytes(100_000)));
    const expected = inputs.map((input) => openssl(typeof input === "string" ? utf8(input) : input));
    for (let pass = 0; pass < 3; pass++) {
      const order = inputs.map((_, i) => i).sort(() => Math.random() - 0.5);
      for (const i of order) expect(md5(inputs[i]!)).toBe(expected[i]);
    }
  });

  it("Should match node:crypto's utf8 hashing for any string, lone surrogates included (property)", () => {
    // Any UTF-16 code unit, so lone and reversed surrogates occur, mixed with whole code points of every plane.
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    const unit = fc.oneof(codeUnit, fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), fc.constant("a"));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 300 }), (s) => md5(s) === createHash("md5").update(s, "utf8").digest("hex")),
      { numRuns: 3000 },
    );
  });

  it("Should match node:crypto for any bytes at any offset (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat({ max: 7 }), (data, offset) => {
        const padded = new Uint8Array(data.length + offset);
        padded.set(data, offset);
        return md5(padded.subarray(offset)) === openssl(data);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("Md5 fed in pieces, against node:crypto fed the same pieces", () => {
  const unit = fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    fc.constantFrom("a", "中", "é", "😀", "\ud800", "\udc00"),
  );
  // Pieces short and long, so both ways of encoding (by hand, and TextEncoder) take turns.
  const piece = fc.oneof(fc.string({ unit, maxLength: 20 }), fc.string({ unit, minLength: 100, maxLength: 400 }));

  const expected = (pieces: readonly string[]): string => {
    const hash = createHash("md5");
    for (const p of pieces) hash.update(p, "utf8");
    return hash.digest("hex");
  };
  const fed = (pieces: readonly string[]): Md5 => {
    const hash = new Md5();
    for (const p of pieces) hash.update(p);
    return hash;
  };

  it("Should match for any pieces, each encoded on its own, lone surrogates included (property)", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => fed(pieces).digest() === expected(pieces)),
      { numRuns: 1000 },
    );
  });

  it("Should equal one-shot md5 of the whole string however it is split between whole characters (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "中", "é", "😀", "\ud800", "&"), maxLength: 2000 }),
        fc.array(fc.nat()),
        (s, cuts) => {
          // Cut only where no surrogate pair would be split.
          const points = [...new Set(cuts.map((c) => c % (s.length + 1)))]
            .filter((c) => !(c > 0 && c < s.length && /[\ud800-\udbff]/.test(s[c - 1]!) && /[\udc00-\udfff]/.test(s[c]!)))
            .sort((x, y) => x - y);
          const pieces = [0, ...points, s.length].slice(1).map((end, i, ends) => s.slice(i === 0 ? 0 : ends[i - 1], end));
          return fed(pieces).digest() === md5(s);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("Should match when pieces end around the 16 KiB chunk, by hand and by TextEncoder", () => {
    for (let k = 16_370; k <= 16_390; k++) {
      for (const tail of ["中".repeat(127), "😀".repeat(63), "é".repeat(200), "b".repeat(300), "\ud800x".repeat(60)]) {
        const pieces = ["a".repeat(k - 5), "12345", tail, "中".repeat(40), "z".repeat(20_000), "q"];
        expect(fed(pieces).digest(), `${JSON.stringify(tail.slice(0, 2))} after ${k}`).toBe(expected(pieces));
      }
    }
  });

  it("Should hash a surrogate pair split across two pieces as two U+FFFD", () => {
    expect(fed(["\ud83d", "\ude00"]).digest()).toBe(md5("\ufffd\ufffd"));
    expect(fed(["\ud83d\ude00"]).digest()).toBe(md5("😀"));
  });

  it("Should give the digest so far without ending the hasher, and let a copy go on alone", () => {
    const hash = new Md5().update("abc");
    expect(hash.digest()).toBe(md5("abc"));
    expect(hash.digest()).toBe(md5("abc"));
    const twin = hash.copy().update("中".repeat(200));
    hash.update("d".repeat(20_000));
    expect(twin.digest()).toBe(md5(`abc${"中".repeat(200)}`));
    expect(hash.digest()).toBe(md5(`abc${"d".repeat(20_000)}`));
    expect(new Md5().digest()).toBe(md5(""));
  });
});
