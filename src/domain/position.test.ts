import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StoredComplaint } from "./complaint";
import { comparePositions, type Position, positionOf, sortKept } from "./position";

/** 2026-11-08 01:13:29 in Beijing. */
const AT = Date.parse("2026-11-07T17:13:29Z");
const at = (ms: number | null, mchid = "100", id = "C1"): Position => ({ at: ms, mchid, id });
const SEEN = "2026-11-08T00:00:00.000Z";
const kept = (id: string, complaintAt: unknown): StoredComplaint => ({
  id,
  raw: { complaint_id: id, complaint_at: complaintAt },
  first_seen_at: SEEN,
  last_seen_at: SEEN,
  active: true,
});

describe("positionOf", () => {
  it("Should take the instant of a served complaint_at, and the mchid and id as they are", () => {
    expect(positionOf({ complaint_at: "2026-11-08T01:13:29+08:00", mchid: "100", id: "C1" })).toEqual({ at: AT, mchid: "100", id: "C1" });
  });

  it("Should give no instant for upstream text kept because it is no time, nor for any form the API never serves", () => {
    for (const text of ["昨天", "2026-02-30T01:13:29+08:00", "2026-11-08 01:13:29", "2026-11-07T17:13:29Z", ""]) {
      expect(positionOf({ complaint_at: text, mchid: "100", id: "C1" }).at).toBeNull();
    }
  });
});

describe("comparePositions", () => {
  it("Should put the newer complaint first, by as much as their times differ", () => {
    expect(comparePositions(at(AT), at(AT - 1000))).toBe(-1000);
    expect(comparePositions(at(AT - 1000), at(AT))).toBe(1000);
  });

  it("Should put a complaint whose time is no time after every one that has one", () => {
    expect(comparePositions(at(null), at(0))).toBe(1);
    expect(comparePositions(at(0), at(null))).toBe(-1);
    expect(comparePositions(at(null, "100", "a"), at(null, "100", "b"))).toBe(-1);
  });

  it("Should order one time by mchid then id, as text, and find a position equal only to itself", () => {
    expect(comparePositions(at(AT, "100"), at(AT, "20"))).toBe(-1); // "100" < "20" as text
    expect(comparePositions(at(AT, "20"), at(AT, "100"))).toBe(1);
    expect(comparePositions(at(AT, "100", "Z"), at(AT, "20", "A"))).toBe(-1); // mchid before id
    expect(comparePositions(at(AT, "100", "C10"), at(AT, "100", "C9"))).toBe(-1);
    expect(comparePositions(at(AT, "100", "C9"), at(AT, "100", "C10"))).toBe(1);
    expect(comparePositions(at(AT, "100", "C1"), at(AT, "100", "C1"))).toBe(0);
    // The time comes first: an older complaint of a smaller mchid still sorts after.
    expect(comparePositions(at(AT - 1, "1", "A"), at(AT, "9", "Z"))).toBeGreaterThan(0);
  });

  it("Should be a total order: antisymmetric, transitive, and zero only between equal positions", () => {
    const position = fc.record({
      at: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
      mchid: fc.constantFrom("1", "10", "2"),
      id: fc.constantFrom("a", "b"),
    });
    fc.assert(
      fc.property(position, position, position, (a, b, c) => {
        const [ab, ba] = [comparePositions(a, b), comparePositions(b, a)];
        expect([ab < 0, ab > 0]).toEqual([ba > 0, ba < 0]);
        expect(ab === 0).toBe(a.at === b.at && a.mchid === b.mchid && a.id === b.id);
        if (ab <= 0 && comparePositions(b, c) <= 0) expect(comparePositions(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe("sortKept", () => {
  it("Should sort one merchant's kept complaints in place, newest complaint_at first, times it cannot read last, then by id", () => {
    const list = [
      kept("old", "2026-11-01 08:00:00"),
      kept("unreadable", "昨天"),
      kept("b", "2026-11-08 01:13:29"),
      kept("seconds", 1762535609),
      kept("a", "2026-11-08 01:13:29"),
      kept("absent", undefined),
      kept("loose", "2026-11-8 9:00"),
    ];
    const sorted = sortKept("100", list);
    expect(sorted).toBe(list);
    expect(sorted.map((k) => k.id)).toEqual(["loose", "a", "b", "old", "seconds", "absent", "unreadable"]);
  });

  it("Should keep the order of complaints whose position is the same", () => {
    const first = kept("C1", "2026-11-08 01:13:29");
    const second = { ...kept("C1", "2026-11-08 01:13:29"), active: false };
    expect(sortKept("100", [first, second])).toEqual([first, second]);
    expect(sortKept("100", [second, first])).toEqual([second, first]);
  });

  it("Should leave a list already in order as it is", () => {
    const list = [kept("c", "2026-11-09 00:00:00"), kept("b", "2026-11-08 00:00:00"), kept("a", "2026-11-07 00:00:00")];
    expect(sortKept("100", [...list])).toEqual(list);
    expect(sortKept("100", [...list].reverse())).toEqual(list);
  });
});
