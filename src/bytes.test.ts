import { describe, expect, it } from "vitest";
import { fromBase64Url, randomBytes, toBase64, toBase64Url, toHex } from "./bytes";

describe("bytes as text", () => {
  it("Should encode bytes as lower-case hex and padded base64", () => {
    const bytes = new Uint8Array([0, 15, 16, 255, 251]);
    expect(toHex(bytes)).toBe("000f10fffb");
    expect(toBase64(bytes)).toBe("AA8Q//s=");
    expect(toBase64(new Uint8Array([]))).toBe("");
  });

  it("Should write base64url without padding and read it back, refusing other text", () => {
    const bytes = new Uint8Array([0, 15, 16, 255, 251]);
    expect(toBase64Url(bytes)).toBe("AA8Q__s");
    expect(fromBase64Url("AA8Q__s")).toEqual(bytes);
    for (let n = 0; n < 40; n++) {
      const random = randomBytes(n);
      expect(fromBase64Url(toBase64Url(random))).toEqual(random);
    }
    expect(fromBase64Url("AA8Q//s")).toBeNull();
    expect(fromBase64Url("AA8Q=")).toBeNull();
    expect(fromBase64Url("A")).toBeNull();
  });
});
