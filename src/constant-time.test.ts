import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { equalsConstantTime } from "./constant-time";

describe("equalsConstantTime", () => {
  it("Should be true exactly when the strings are equal", () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => equalsConstantTime(a, b) === (a === b)));
    expect(equalsConstantTime("token", "token")).toBe(true);
  });

  it("Should tell apart strings of different length and a prefix", () => {
    expect(equalsConstantTime("token", "token ")).toBe(false);
    expect(equalsConstantTime("tok", "token")).toBe(false);
    expect(equalsConstantTime("", "x")).toBe(false);
  });
});
