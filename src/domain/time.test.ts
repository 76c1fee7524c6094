import { describe, expect, it } from "vitest";
import { beijingDay, beijingDayStart, beijingText, beijingTextOf, instantOfComplaintAt, isRealTime, toBeijingIso } from "./time";

const AT = Date.parse("2026-11-07T17:13:29Z"); // 2026-11-08 01:13:29 in Beijing

describe("Beijing time", () => {
  it("Should format an instant on the Beijing clock, past midnight UTC+8", () => {
    expect(toBeijingIso(AT)).toBe("2026-11-08T01:13:29+08:00");
    expect(beijingText(AT)).toBe("2026-11-08 01:13");
    expect(beijingText(AT, true)).toBe("2026-11-08 01:13:29");
    expect(beijingDay(AT)).toBe("2026-11-08");
    expect(beijingDayStart(2026, 11, 8)).toBe(Date.parse("2026-11-07T16:00:00Z"));
  });

  it("Should read back only what it writes as a complaint_at", () => {
    expect(instantOfComplaintAt("2026-11-08T01:13:29+08:00")).toBe(AT);
    expect(instantOfComplaintAt("2026-11-08 01:13:29")).toBeNull();
    // Upstream text kept because it names no time a PAYJS time may be: not one when read back either.
    expect(instantOfComplaintAt("2026-02-30T01:13:29+08:00")).toBeNull();
    expect(instantOfComplaintAt("2150-11-08T01:13:29+08:00")).toBeNull();
    expect(instantOfComplaintAt("2026-11-08T01:13:29+09:00")).toBeNull();
  });

  it("Should show a stored time in Beijing text and anything else unchanged", () => {
    expect(beijingTextOf("2026-11-07T17:13:29.000Z", true)).toBe("2026-11-08 01:13:29");
    expect(beijingTextOf("昨天下午")).toBe("昨天下午");
  });

  it("Should tell real calendar times from ones Date would roll over", () => {
    expect(isRealTime(2024, 2, 29)).toBe(true);
    expect([isRealTime(2026, 2, 29), isRealTime(2100, 2, 29), isRealTime(2026, 4, 31), isRealTime(2026, 13, 1)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect([isRealTime(2026, 1, 1, 24), isRealTime(2026, 1, 1, 23, 60), isRealTime(2026, 1, 1, 23, 59, 60)]).toEqual([false, false, false]);
    expect(isRealTime(2026, 1, 1, 23, 59, 59)).toBe(true);
  });
});
