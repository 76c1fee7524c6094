import { describe, expect, it } from "vitest";
import { Md5, md5 } from "./md5";

/** Bytes `(i * 7 + 3) & 255`, the buffer the unaligned-view vectors below are cut from. */
function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + 3) & 255;
  return out;
}

describe("md5 (inside workerd)", () => {
  it("Should reproduce the RFC 1321 test suite", () => {
    // RFC 1321, appendix A.5.
    expect(md5("")).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(md5("a")).toBe("0cc175b9c0f1b6a831c399e269772661");
    expect(md5("abc")).toBe("900150983cd24fb0d6963f7d28e17f72");
    expect(md5("message digest")).toBe("f96b697d7cb7938d525a2f31aaf161d0");
    expect(md5("abcdefghijklmnopqrstuvwxyz")).toBe("c3fcd3d76192e4007dfb496cca67e13b");
    expect(md5("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")).toBe("d174ab98d277d9f5a5611c2c9f419d9f");
    expect(md5("1234567890".repeat(8))).toBe("57edf4a22be3c955ac49da2e2107b67a");
  });

  it("Should give the same digest for a string and for its UTF-8 bytes", () => {
    const text = "The quick brown fox jumps over the lazy dog";
    expect(md5(text)).toBe("9e107d9d372bb6826bd81d3542a419d6");
    expect(md5(new TextEncoder().encode(text))).toBe("9e107d9d372bb6826bd81d3542a419d6");
  });

  // Expected values below were computed with node:crypto: createHash("md5").update(bytes).digest("hex").
  it("Should hash Chinese text, emoji and mixed scripts as UTF-8", () => {
    expect(md5("中文")).toBe("a7bac2239fcdcb3a067903d8077c4a07");
    expect(md5("微信支付投诉：商户未按约定发货，请尽快处理。")).toBe("6481edf02df0680c6b3f69c4f7589cb8");
    expect(md5("😀")).toBe("2a02eac39d716a70ecf37579185927b6");
    expect(md5("a中😀é\u0000z")).toBe("91b79c405bb42b13a685d29059ba0667");
  });

  it("Should encode lone surrogates as U+FFFD, like TextEncoder", () => {
    expect(md5("\ud800")).toBe("9b759040321a408a5c7768b4511287a6");
    expect(md5("a\udc00b")).toBe("ff6405018d5ab2642e35fdba389b7c51");
    expect(md5("abc\ud83d")).toBe("8bfd0e71a6e77a3fb9d599e526519931");
    expect(md5("\ude00\ud83d")).toBe("1e034b66363e5a081874ae022767f685");
    expect(md5("\ud800")).toBe(md5(new TextEncoder().encode("\ud800")));
  });

  it("Should hash strings too long to encode in one go", () => {
    expect(md5("中".repeat(6000))).toBe("c4b82b220088a9ade1ee9880a0f95c6c");
    expect(md5(`${"a".repeat(20000)}😀`)).toBe("57df26068bf1230e7013804c50be27a6");
    expect(md5("😀".repeat(3000))).toBe("f545af169790c56f24ff78c25549d0f6");
  });

  it("Should hash exactly the bytes a Uint8Array views, at any offset", () => {
    const bytes = pattern(20100);
    expect(md5(bytes.subarray(1, 65))).toBe("006711f1460fa037b41765287e7e3f84");
    expect(md5(bytes.subarray(3, 203))).toBe("bddba2d5d86b023f3ecde0d3e1ee7fc4");
    expect(md5(bytes.subarray(5, 60))).toBe("b58110d0f62d8ce1575ddef49d0d79a2");
    expect(md5(bytes.subarray(2, 2))).toBe("d41d8cd98f00b204e9800998ecf8427e");
  });

  it("Should hash large views, aligned or not", () => {
    const bytes = pattern(20100);
    expect(md5(bytes.subarray(0, 20000))).toBe("6633ba8338d338dc3f3b642b440364ac");
    expect(md5(bytes.subarray(1, 20001))).toBe("71e53ae1be12628cc23bf3d1a131a438");
    expect(md5(bytes.subarray(4, 20004))).toBe("292715f25f77a4b929aa2e4dab68d3fb");
  });

  it("Should not let one call's leftovers change the next digest", () => {
    const long = "x".repeat(500);
    expect(md5(long)).toBe(md5(long));
    md5(pattern(1000));
    expect(md5("abc")).toBe("900150983cd24fb0d6963f7d28e17f72");
    md5("中".repeat(6000));
    expect(md5("")).toBe("d41d8cd98f00b204e9800998ecf8427e");
  });
});

describe("Md5 fed in pieces (inside workerd, with its TextEncoder)", () => {
  it("Should equal md5 of the whole text, for short and long pieces across chunk boundaries", () => {
    const pieces = ["a".repeat(16_380), "中".repeat(127), "x".repeat(20_000), "😀".repeat(100), "é\ud800", "&key=", "中".repeat(300)];
    for (let drop = 0; drop < pieces.length; drop++) {
      const some = pieces.filter((_, i) => i !== drop);
      const hash = new Md5();
      for (const p of some) hash.update(p);
      expect(hash.digest(), `without piece ${drop}`).toBe(md5(some.join("")));
    }
  });

  it("Should let a copy go on alone", () => {
    const hash = new Md5().update("complaints[0][body]=退款");
    const twin = hash.copy().update("&key=a");
    expect(hash.update("&key=b").digest()).toBe(md5("complaints[0][body]=退款&key=b"));
    expect(twin.digest()).toBe(md5("complaints[0][body]=退款&key=a"));
  });
});
