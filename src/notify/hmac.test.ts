import { describe, expect, it } from "vitest";
import { hmacSha256, toBase64, toHex } from "./hmac";

describe("HMAC-SHA256", () => {
  it("Should match RFC 4231 test case 2", async () => {
    expect(toHex(await hmacSha256("Jefe", "what do ya want for nothing?"))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("Should read key and message as UTF-8 and allow an empty message", async () => {
    const mac = await hmacSha256("密钥", "");
    expect(mac).toHaveLength(32);
    expect(toHex(mac)).not.toBe(toHex(await hmacSha256("密钥", " ")));
  });

  it("Should encode bytes as lower-case hex and padded base64", () => {
    const bytes = new Uint8Array([0, 15, 16, 255, 251]);
    expect(toHex(bytes)).toBe("000f10fffb");
    expect(toBase64(bytes)).toBe("AA8Q//s=");
    expect(toBase64(new Uint8Array([]))).toBe("");
  });
});
