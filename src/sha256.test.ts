import { describe, expect, it } from "vitest";
import { toHex } from "./bytes";
import { hmacSha256, sha256 } from "./sha256";

/** Bytes `(i * 31 + seed) & 255`. */
function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 255;
  return out;
}

describe("sha256 and hmacSha256 (inside workerd, against Web Crypto)", () => {
  it("Should give the FIPS 180-2 digests", () => {
    expect(toHex(sha256(""))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(toHex(sha256("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(toHex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("Should match RFC 4231 test case 2, with key and message as UTF-8", () => {
    expect(toHex(hmacSha256("Jefe", "what do ya want for nothing?"))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    expect(toHex(hmacSha256("密钥", ""))).not.toBe(toHex(hmacSha256("密钥", " ")));
  });

  it("Should agree with Web Crypto on every length around the block boundaries, and on Chinese text", async () => {
    for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) {
      const data = pattern(length, length);
      const expected = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
      expect(toHex(sha256(data)), `length ${length}`).toBe(toHex(expected));
    }
    const text = "店长手机：投诉 ¥29.90 🙂";
    expect(toHex(sha256(text))).toBe(toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))));
  });

  it("Should agree with Web Crypto's HMAC for short, block-long and long keys", async () => {
    for (const keyLength of [1, 32, 64, 65, 200]) {
      const key = pattern(keyLength, 7);
      const message = pattern(keyLength * 3, 11);
      const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
      const expected = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, message));
      expect(toHex(hmacSha256(key, message)), `key ${keyLength}`).toBe(toHex(expected));
    }
  });
});
