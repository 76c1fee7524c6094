import { describe, expect, it } from "vitest";
import { type Device, deviceName, isPending, listed, looksLikeCode, looksLikeToken } from "./device";

describe("devices", () => {
  it("Should take a name of 1–40 characters, trimmed, Chinese counted by character", () => {
    expect(deviceName("  店长手机 ")).toEqual({ ok: true, name: "店长手机" });
    expect(deviceName("机".repeat(40))).toEqual({ ok: true, name: "机".repeat(40) });
    expect(deviceName("机".repeat(41)).ok).toBe(false);
    expect(deviceName("   ").ok).toBe(false);
    expect(deviceName(12).ok).toBe(false);
    expect(deviceName("a\nb").ok).toBe(false);
  });

  it("Should know a code and a token by their form only", () => {
    expect(looksLikeCode("A".repeat(27))).toBe(true);
    expect(looksLikeCode("A".repeat(26))).toBe(false);
    expect(looksLikeCode(`${"A".repeat(26)}=`)).toBe(false);
    expect(looksLikeCode(null)).toBe(false);
    expect(looksLikeToken("-".repeat(43))).toBe(true);
    expect(looksLikeToken("A".repeat(44))).toBe(false);
  });

  it("Should list a device pending only while its code is unclaimed and good", () => {
    const now = Date.parse("2026-12-06T12:00:00Z");
    const d: Device = {
      id: "d1",
      name: "店长手机",
      role: "read",
      created_at: "2026-12-06T11:55:00.000Z",
      token_hash: null,
      code_hash: "0".repeat(64),
      code_expires_at: "2026-12-06T12:05:00.000Z",
    };
    expect(isPending(d, now)).toBe(true);
    expect(isPending(d, now + 5 * 60_000)).toBe(false);
    expect(isPending({ ...d, token_hash: "1".repeat(64), code_hash: null, code_expires_at: null }, now)).toBe(false);
    expect(listed(d, "2026-12-06", now)).toEqual({
      id: "d1",
      name: "店长手机",
      role: "read",
      created_at: d.created_at,
      pending: true,
      last_seen_on: "2026-12-06",
    });
  });
});
