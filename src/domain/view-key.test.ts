import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "../bytes";
import { opensComplaint, viewKey } from "./view-key";

const SECRET = new Uint8Array(32).fill(7);
const NOW = Date.parse("2026-12-06T12:00:00Z");
const DAY = 86_400_000;

describe("view keys", () => {
  it("Should be 32 base64url characters: a 4-byte expiry and 160 bits of MAC", () => {
    const key = viewKey(SECRET, "1500000001", "C1", NOW);
    expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fromBase64Url(key)).toHaveLength(24);
  });

  it("Should open its own complaint for 7 days, and nothing else", () => {
    const key = viewKey(SECRET, "1500000001", "C1", NOW);
    expect(opensComplaint(SECRET, key, "1500000001", "C1", NOW)).toBe(true);
    expect(opensComplaint(SECRET, key, "1500000001", "C1", NOW + 7 * DAY - 1000)).toBe(true);
    expect(opensComplaint(SECRET, key, "1500000001", "C1", NOW + 7 * DAY)).toBe(false);
    expect(opensComplaint(SECRET, key, "1500000001", "C2", NOW)).toBe(false);
    expect(opensComplaint(SECRET, key, "1500000002", "C1", NOW)).toBe(false);
    expect(opensComplaint(new Uint8Array(32).fill(8), key, "1500000001", "C1", NOW)).toBe(false);
  });

  it("Should refuse a key whose expiry or MAC was altered, or that is not a key at all", () => {
    const bytes = fromBase64Url(viewKey(SECRET, "1500000001", "C1", NOW)) as Uint8Array;
    for (const at of [0, 3, 4, 23]) {
      const altered = bytes.slice();
      altered[at] = (altered[at] as number) ^ 1;
      expect(opensComplaint(SECRET, toBase64Url(altered), "1500000001", "C1", NOW), `byte ${at}`).toBe(false);
    }
    for (const junk of ["", "abc", "!".repeat(32), toBase64Url(bytes.slice(0, 20))]) {
      expect(opensComplaint(SECRET, junk, "1500000001", "C1", NOW)).toBe(false);
    }
  });

  it("Should keep merchant and id apart: no two pairs sign the same text", () => {
    const key = viewKey(SECRET, "a", "b,c", NOW);
    expect(opensComplaint(SECRET, key, "a,b", "c", NOW)).toBe(false);
  });
});
