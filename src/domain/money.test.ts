import { describe, expect, it } from "vitest";
import { yuan } from "./money";

describe("yuan", () => {
  it("Should print fen as yuan with two decimals, exactly", () => {
    expect([yuan(2990), yuan(5), yuan(0), yuan(100), yuan(-150), yuan(null)]).toEqual(["29.90", "0.05", "0.00", "1.00", "-1.50", ""]);
    expect(yuan(Number.MAX_SAFE_INTEGER)).toBe("90071992547409.91");
  });
});
