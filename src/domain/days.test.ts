import { describe, expect, it } from "vitest";
import { keptSighting, type StoredComplaint } from "./complaint";
import { countArrivals, type DayCounts, isDayCounts, KEEP_DAYS } from "./days";
import { DAY_MS } from "./time";

/** 2026-11-08 12:00 in Beijing. */
const NOW = Date.parse("2026-11-08T04:00:00Z");
/** The first day kept at {@link NOW}: {@link KEEP_DAYS} days before it. */
const FIRST_KEPT = "2026-08-10";
const SEEN = "2026-11-08T04:00:00.000Z";
/** A complaint just seen for the first time, made at `complaintAt`, of `fee` (PAYJS's `total_fee`, as sent). */
const arrived = (id: string, complaintAt: unknown, fee?: unknown): StoredComplaint =>
  keptSighting({ id, raw: { complaint_id: id, complaint_at: complaintAt, total_fee: fee } }, SEEN, SEEN);

describe("countArrivals", () => {
  it("Should count each arrival and its fee on the Beijing day of its complaint_at", () => {
    const counts = countArrivals(
      {},
      [arrived("a", "2026-11-08 01:13:29", 990), arrived("b", "2026-11-08 23:59:59", "10"), arrived("c", "2026-11-07 00:00:00", 1)],
      NOW,
    );
    expect(counts).toEqual({ "2026-11-08": [2, 1000], "2026-11-07": [1, 1] });
  });

  it("Should read PAYJS's other time forms as Beijing days", () => {
    // 2026-11-07 16:30 UTC is 2026-11-08 00:30 in Beijing.
    const seconds = Date.parse("2026-11-07T16:30:00Z") / 1000;
    const counts = countArrivals(
      {},
      [arrived("a", seconds, 1), arrived("b", "2026-11-07T16:30:00Z", 2), arrived("c", String(seconds), 4)],
      NOW,
    );
    expect(counts).toEqual({ "2026-11-08": [3, 7] });
  });

  it("Should count an arrival without a fee it can read, adding nothing to the fees", () => {
    const counts = countArrivals(
      {},
      [arrived("a", "2026-11-08 01:00:00"), arrived("b", "2026-11-08 02:00:00", "九十九"), arrived("c", "2026-11-08 03:00:00", 1.5)],
      NOW,
    );
    expect(counts).toEqual({ "2026-11-08": [3, 0] });
  });

  it("Should not count an arrival whose complaint_at is no time", () => {
    const counts = countArrivals(
      { "2026-11-08": [1, 5] },
      [arrived("a", "昨天", 100), arrived("b", undefined, 100), arrived("c", "2026-02-30 01:00:00", 100)],
      NOW,
    );
    expect(counts).toEqual({ "2026-11-08": [1, 5] });
  });

  it("Should add to the counts it is given without changing them", () => {
    const days: DayCounts = { "2026-11-08": [2, 300], "2026-11-01": [1, 50] };
    const counts = countArrivals(days, [arrived("a", "2026-11-08 09:00:00", 700)], NOW);
    expect(counts).toEqual({ "2026-11-08": [3, 1000], "2026-11-01": [1, 50] });
    expect(days).toEqual({ "2026-11-08": [2, 300], "2026-11-01": [1, 50] });
    expect(counts["2026-11-01"]).not.toBe(days["2026-11-01"]);
  });

  it("Should drop days older than KEEP_DAYS before now, and not count arrivals on them", () => {
    expect(KEEP_DAYS).toBe(90);
    const days: DayCounts = { "2026-08-09": [4, 40], [FIRST_KEPT]: [1, 10], "2026-11-08": [1, 1] };
    const counts = countArrivals(days, [arrived("old", "2026-08-09 23:59:59", 5), arrived("edge", "2026-08-10 00:00:00", 5)], NOW);
    expect(counts).toEqual({ [FIRST_KEPT]: [2, 15], "2026-11-08": [1, 1] });
  });

  it("Should drop the oldest day as time passes, with nothing arriving", () => {
    const days: DayCounts = { [FIRST_KEPT]: [1, 10], "2026-11-08": [1, 1] };
    expect(countArrivals(days, [], NOW)).toEqual(days);
    expect(countArrivals(days, [], NOW + DAY_MS)).toEqual({ "2026-11-08": [1, 1] });
  });

  it("Should count nothing for nothing", () => {
    expect(countArrivals({}, [], NOW)).toEqual({});
  });
});

describe("isDayCounts", () => {
  it("Should accept day counts, a negative fee too (as fen reads it), and none", () => {
    expect(isDayCounts({})).toBe(true);
    expect(isDayCounts({ "2026-11-08": [2, 1000], "2026-11-07": [0, 0] })).toBe(true);
    expect(isDayCounts({ "2026-11-08": [1, -990] })).toBe(true);
  });

  it.each([
    ["null", null],
    ["a list", [["2026-11-08", [1, 0]]]],
    ["text", "2026-11-08"],
    ["a number", 1],
    ["a day not written YYYY-MM-DD", { "2026-11-8": [1, 0] }],
    ["a day with a time", { "2026-11-08T00:00": [1, 0] }],
    ["counts that are no list", { "2026-11-08": { complaints: 1, fee: 0 } }],
    ["counts of one item", { "2026-11-08": [1] }],
    ["counts of three items", { "2026-11-08": [1, 0, 0] }],
    ["a negative number of complaints", { "2026-11-08": [-1, 0] }],
    ["a fraction of a complaint", { "2026-11-08": [1.5, 0] }],
    ["a number of complaints as text", { "2026-11-08": ["1", 0] }],
    ["a fee that is a fraction", { "2026-11-08": [1, 0.5] }],
    ["a fee as text", { "2026-11-08": [1, "990"] }],
    ["a fee past 2^53", { "2026-11-08": [1, 2 ** 53] }],
  ])("Should refuse %s", (_, value) => {
    expect(isDayCounts(value)).toBe(false);
    // One bad day among good ones refuses the whole value.
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      expect(isDayCounts({ "2026-11-01": [1, 1], ...value })).toBe(false);
    }
  });
});
