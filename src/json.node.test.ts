/**
 * Under Node 20 (the command-line tools), which has no `JSON.rawJSON`: long numbers are kept by a stand-in
 * that the sign and the complaint still read as digits.
 */
import { describe, expect, it } from "vitest";
import { complaintId } from "./domain/complaint";
import { parseJson, rawNumberText } from "./json";
import { signingString } from "./payjs/sign";

describe("parseJson without JSON.rawJSON", () => {
  it("Should keep an integer beyond 2^53 as its digits in a frozen stand-in", () => {
    const value = parseJson('{"complaint_id":9007199254740993,"n":5}') as Record<string, unknown>;
    expect(rawNumberText(value.complaint_id)).toBe("9007199254740993");
    expect(Object.isFrozen(value.complaint_id)).toBe(true);
    expect(value.n).toBe(5);
    // A look-alike made elsewhere is no number.
    expect(rawNumberText({ rawJSON: "1" })).toBeUndefined();
  });

  it("Should sign and name the complaint with those digits", () => {
    const value = parseJson('{"complaint_id":9007199254740993}') as Record<string, unknown>;
    expect(signingString(value)).toBe("complaint_id=9007199254740993");
    expect(complaintId(value)).toBe("9007199254740993");
  });
});
