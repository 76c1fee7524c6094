import { describe, expect, it } from "vitest";
import { keptSighting, type StoredComplaint } from "./complaint";
import {
  dueToMove,
  fillPart,
  type History,
  historyTotal,
  holdsOnly,
  idHash,
  idHashes,
  MOVE_AT_ONCE,
  mayHold,
  mayHoldId,
  monthOf,
  monthOfComplaint,
  monthsOfKept,
  NO_HISTORY,
  PART_SIZE,
  type Part,
  partOf,
  partsHolding,
  placeMoves,
  withParts,
} from "./history";
import { DAY_MS } from "./time";

const M = "100";
const SEEN = "2026-12-01T00:00:00.000Z";
/** The instant of Beijing wall-clock text `YYYY-MM-DD hh:mm:ss`. */
const bj = (text: string): number => Date.parse(`${text.replace(" ", "T")}+08:00`);
/** Complaint `id` as kept, active, made at `complaintAt` (PAYJS's text; absent: no time). */
const kept = (id: string, complaintAt?: string): StoredComplaint =>
  keptSighting({ id, raw: { complaint_id: id, complaint_at: complaintAt } }, SEEN, SEEN);
/** `n` complaints made at one time, in the one order (their ids ascending). */
const many = (n: number, complaintAt: string, prefix = "C"): StoredComplaint[] =>
  Array.from({ length: n }, (_, i) => kept(`${prefix}${String(i).padStart(5, "0")}`, complaintAt));
/** Part `name` holding `count` complaints from `newest` to `oldest`. */
const part = (name: string, count: number, newest: StoredComplaint, oldest: StoredComplaint, rev = "r1"): Part => ({
  ...partOf(name, M, [newest, oldest], rev),
  count,
});
const ids = (list: readonly StoredComplaint[] | undefined): string[] | undefined => list?.map((k) => k.id);
const targetIds = (targets: Map<string, StoredComplaint[]>) => [...targets].map(([name, list]) => [name, ids(list)]);

/** November 2026: 20th to 5th. */
const NOV = part("2026-11.0", 10, kept("n20", "2026-11-20 00:00:00"), kept("n05", "2026-11-05 00:00:00"));
/** October 2026: 31st to 1st. */
const OCT = part("2026-10.1", 20, kept("o31", "2026-10-31 00:00:00"), kept("o01", "2026-10-01 00:00:00"));
/** Complaints whose time is no time. */
const NONE = part("none.2", 3, kept("x1"), kept("x3"));

describe("historyTotal", () => {
  it("Should add up the counts of every part", () => {
    expect(historyTotal({ parts: [NOV, OCT, NONE], next: 3 })).toBe(33);
  });

  it("Should count no history as none", () => {
    expect(historyTotal(NO_HISTORY)).toBe(0);
  });
});

describe("monthOf and monthOfComplaint", () => {
  it("Should give the Beijing month of an instant, not the UTC one", () => {
    expect(monthOf(Date.parse("2026-11-30T16:30:00Z"))).toBe("2026-12");
    expect(monthOf(Date.parse("2026-11-30T15:59:59Z"))).toBe("2026-11");
    expect(monthOf(Date.parse("2026-12-31T16:00:00Z"))).toBe("2027-01");
  });

  it("Should give none for no time", () => {
    expect(monthOf(null)).toBe("none");
  });

  it("Should read a served complaint_at, and give none for text that is no time in the served form", () => {
    expect(monthOfComplaint({ complaint_at: "2026-12-01T00:30:00+08:00" })).toBe("2026-12");
    expect(monthOfComplaint({ complaint_at: "2026-11-30T23:59:59+08:00" })).toBe("2026-11");
    for (const text of ["昨天", "2026-11-30T16:30:00Z", "2026-11-30 16:30:00", "2026-02-30T01:00:00+08:00", ""]) {
      expect(monthOfComplaint({ complaint_at: text })).toBe("none");
    }
  });
});

describe("monthsOfKept", () => {
  it("Should list the Beijing months of kept complaints once each, sorted, none last", () => {
    const list = [
      kept("a", "2026-11-20 08:00:00"),
      kept("b"),
      kept("c", "2026-10-01 00:00:00"),
      kept("d", "2026-11-01 00:00:00"),
      kept("e", "昨天"),
      kept("f", "2026-12-01 00:00:00"),
    ];
    expect(monthsOfKept(list)).toEqual(["2026-10", "2026-11", "2026-12", "none"]);
  });

  it("Should read PAYJS's other time forms as Beijing times", () => {
    // 2026-11-30 16:30 UTC is 2026-12-01 00:30 in Beijing, as Unix seconds and as zoned ISO.
    const seconds = Date.parse("2026-11-30T16:30:00Z") / 1000;
    const list = [
      keptSighting({ id: "s", raw: { complaint_id: "s", complaint_at: seconds } }, SEEN, SEEN),
      kept("z", "2026-11-30T16:30:00Z"),
    ];
    expect(monthsOfKept(list)).toEqual(["2026-12"]);
  });

  it("Should list no months for no complaints", () => {
    expect(monthsOfKept([])).toEqual([]);
  });
});

describe("mayHold and holdsOnly", () => {
  const [n05, n20] = [bj("2026-11-05 00:00:00"), bj("2026-11-20 00:00:00")];

  it("Should let every part through when neither bound is set, a part of no time too", () => {
    for (const p of [NOV, NONE]) {
      expect(mayHold(p, null, null)).toBe(true);
      expect(holdsOnly(p, null, null)).toBe(true);
    }
  });

  it("Should find a part that may hold a range when their ranges meet, ends included", () => {
    expect(mayHold(NOV, bj("2026-11-01 00:00:00"), bj("2026-11-10 00:00:00"))).toBe(true);
    expect(mayHold(NOV, bj("2026-11-10 00:00:00"), bj("2026-11-30 00:00:00"))).toBe(true);
    expect(mayHold(NOV, bj("2026-11-06 00:00:00"), bj("2026-11-19 00:00:00"))).toBe(true);
    expect(mayHold(NOV, n20, null)).toBe(true);
    expect(mayHold(NOV, null, n05)).toBe(true);
  });

  it("Should rule a part out when the range is all newer or all older than it", () => {
    expect(mayHold(NOV, n20 + 1, null)).toBe(false);
    expect(mayHold(NOV, null, n05 - 1)).toBe(false);
    expect(mayHold(NOV, bj("2026-11-21 00:00:00"), bj("2026-11-30 00:00:00"))).toBe(false);
  });

  it("Should find a part holds only the range's complaints when its whole range is within, ends included", () => {
    expect(holdsOnly(NOV, n05, n20)).toBe(true);
    expect(holdsOnly(NOV, bj("2026-11-01 00:00:00"), null)).toBe(true);
    expect(holdsOnly(NOV, null, bj("2026-11-30 00:00:00"))).toBe(true);
  });

  it("Should not count a part whole when part of it lies outside the range", () => {
    expect(holdsOnly(NOV, n05 + 1, null)).toBe(false);
    expect(holdsOnly(NOV, null, n20 - 1)).toBe(false);
    expect(holdsOnly(NOV, bj("2026-11-06 00:00:00"), bj("2026-11-19 00:00:00"))).toBe(false);
  });

  it("Should let no part of no time through a time bound", () => {
    for (const [since, until] of [
      [n05, null],
      [null, n20],
      [0, Number.MAX_SAFE_INTEGER],
    ] as const) {
      expect(mayHold(NONE, since, until)).toBe(false);
      expect(holdsOnly(NONE, since, until)).toBe(false);
    }
  });
});

describe("partsHolding", () => {
  const history: History = { parts: [NOV, OCT, NONE], next: 3 };
  const at = (text: string | null, id = "q") => ({ at: text === null ? null : bj(text), mchid: M, id });

  it("Should find the part whose range holds a position, its ends included", () => {
    expect(partsHolding(history, at("2026-11-10 00:00:00")).map((p) => p.name)).toEqual(["2026-11.0"]);
    expect(partsHolding(history, NOV.newest).map((p) => p.name)).toEqual(["2026-11.0"]);
    expect(partsHolding(history, NOV.oldest).map((p) => p.name)).toEqual(["2026-11.0"]);
    expect(partsHolding(history, at("2026-10-15 00:00:00")).map((p) => p.name)).toEqual(["2026-10.1"]);
  });

  it("Should find the part of no time for a position of no time, when its ids range over it", () => {
    expect(partsHolding(history, at(null, "x2")).map((p) => p.name)).toEqual(["none.2"]);
    expect(partsHolding(history, at(null, "x4"))).toEqual([]);
  });

  it("Should find none for a position outside every range or between two", () => {
    expect(partsHolding(history, at("2026-11-25 00:00:00"))).toEqual([]);
    expect(partsHolding(history, at("2026-11-02 00:00:00"))).toEqual([]);
    expect(partsHolding(history, at("2026-09-30 00:00:00"))).toEqual([]);
    // The same time as a part's newest end, but an id that sorts before it: just outside.
    expect(partsHolding(history, { ...NOV.newest, id: "a" })).toEqual([]);
  });

  it("Should find every part whose range holds it when ranges overlap", () => {
    const overlapping = part("2026-11.3", 5, kept("n15", "2026-11-15 00:00:00"), kept("n01", "2026-11-01 00:00:00"));
    const found = partsHolding({ parts: [NOV, overlapping, OCT], next: 4 }, at("2026-11-10 00:00:00"));
    expect(found.map((p) => p.name)).toEqual(["2026-11.0", "2026-11.3"]);
  });
});

describe("placeMoves", () => {
  it("Should put a complaint within a part's range into that part, taking no new number", () => {
    const moving = [kept("m", "2026-11-10 12:00:00")];
    const { targets, next } = placeMoves({ parts: [NOV, OCT], next: 2 }, M, moving);
    expect(targetIds(targets)).toEqual([["2026-11.0", ["m"]]]);
    expect(next).toBe(2);
  });

  it("Should put each complaint into the part of its month whose range holds it", () => {
    const newer = part("2026-11.0", 10, kept("n30", "2026-11-30 00:00:00"), kept("n16", "2026-11-16 00:00:00"));
    const older = part("2026-11.1", 10, kept("n15", "2026-11-15 00:00:00"), kept("n01", "2026-11-01 00:00:00"));
    const moving = [kept("a", "2026-11-20 00:00:00"), kept("b", "2026-11-03 00:00:00"), kept("c", "2026-11-18 00:00:00")];
    const { targets, next } = placeMoves({ parts: [newer, older], next: 2 }, M, moving);
    expect(targetIds(targets)).toEqual([
      ["2026-11.0", ["a", "c"]],
      ["2026-11.1", ["b"]],
    ]);
    expect(next).toBe(2);
  });

  it("Should put a complaint between two parts of its month into the nearest with room, the older first", () => {
    const newer = part("2026-11.0", 10, kept("n30", "2026-11-30 00:00:00"), kept("n16", "2026-11-16 00:00:00"));
    const older = part("2026-11.1", 10, kept("n15", "2026-11-15 00:00:00"), kept("n01", "2026-11-01 00:00:00"));
    const between = [kept("m", "2026-11-15 18:00:00")];
    expect(targetIds(placeMoves({ parts: [newer, older], next: 2 }, M, between).targets)).toEqual([["2026-11.1", ["m"]]]);
    const olderFull = { ...older, count: PART_SIZE };
    expect(targetIds(placeMoves({ parts: [newer, olderFull], next: 2 }, M, between).targets)).toEqual([["2026-11.0", ["m"]]]);
  });

  it("Should put a complaint newer or older than its month's only part with room into that part", () => {
    const moving = [kept("late", "2026-11-28 00:00:00"), kept("early", "2026-11-02 00:00:00")];
    const { targets, next } = placeMoves({ parts: [NOV], next: 1 }, M, moving);
    expect(targetIds(targets)).toEqual([["2026-11.0", ["late", "early"]]]);
    expect(next).toBe(1);
  });

  it("Should never put a complaint into a part of another month, however near", () => {
    // 2026-10-31 23:59:59 and 2026-12-01 00:00:00 in Beijing: neither is November's, though November's part has room.
    const moving = [kept("dec", "2026-12-01 00:00:00"), kept("oct", "2026-10-31 23:59:59")];
    const { targets, next } = placeMoves({ parts: [NOV], next: 1 }, M, moving);
    expect(targetIds(targets)).toEqual([
      ["2026-12.1", ["dec"]],
      ["2026-10.2", ["oct"]],
    ]);
    expect(next).toBe(3);
  });

  it("Should open a new part {month}.{next} beside a full part, and put the month's other newcomers there too", () => {
    const full = { ...NOV, count: PART_SIZE };
    const moving = [kept("n28", "2026-11-28 00:00:00"), kept("n25", "2026-11-25 00:00:00"), kept("n02", "2026-11-02 00:00:00")];
    const { targets, next } = placeMoves({ parts: [full, OCT], next: 7 }, M, moving);
    expect(targetIds(targets)).toEqual([["2026-11.7", ["n28", "n25", "n02"]]]);
    expect(next).toBe(8);
  });

  it("Should still put a complaint within a full part's range into it: fillPart puts what does not fit into a new part", () => {
    const full = { ...NOV, count: PART_SIZE };
    const { targets, next } = placeMoves({ parts: [full], next: 1 }, M, [kept("m", "2026-11-10 00:00:00")]);
    expect(targetIds(targets)).toEqual([["2026-11.0", ["m"]]]);
    expect(next).toBe(1);
  });

  it("Should open another part when the part it opened is full, next counting on", () => {
    const moving = many(PART_SIZE + 1, "2026-11-10 00:00:00");
    const { targets, next } = placeMoves({ parts: [], next: 4 }, M, moving);
    expect([...targets.keys()]).toEqual(["2026-11.4", "2026-11.5"]);
    expect(targets.get("2026-11.4")).toEqual(moving.slice(0, PART_SIZE));
    expect(targets.get("2026-11.5")).toEqual(moving.slice(PART_SIZE));
    expect(next).toBe(6);
  });

  it("Should place complaints of several months at once, a new part for each month without one", () => {
    const moving = [
      kept("dec", "2026-12-01 00:00:00"),
      kept("nov1", "2026-11-10 00:00:00"),
      kept("nov2", "2026-11-08 00:00:00"),
      kept("sep1", "2026-09-20 00:00:00"),
      kept("sep2", "2026-09-01 00:00:00"),
      kept("absent"),
      kept("text", "昨天"),
    ];
    const { targets, next } = placeMoves({ parts: [NOV, OCT], next: 3 }, M, moving);
    expect(targetIds(targets)).toEqual([
      ["2026-12.3", ["dec"]],
      ["2026-11.0", ["nov1", "nov2"]],
      ["2026-09.4", ["sep1", "sep2"]],
      ["none.5", ["absent", "text"]],
    ]);
    expect(next).toBe(6);
  });

  it("Should leave the history it was given as it was", () => {
    const history: History = { parts: [NOV], next: 1 };
    const copy = structuredClone(history);
    placeMoves(history, M, [kept("dec", "2026-12-01 00:00:00"), kept("m", "2026-11-10 00:00:00")]);
    expect(history).toEqual(copy);
  });

  it("Should place nothing when nothing moves", () => {
    const { targets, next } = placeMoves({ parts: [NOV], next: 1 }, M, []);
    expect(targets.size).toBe(0);
    expect(next).toBe(1);
  });
});

describe("fillPart", () => {
  const ids = (list: readonly StoredComplaint[] | undefined) => (list ?? []).map((k) => k.id);

  it("Should put every complaint moving in beside what the part kept, in the one order, taking no number", () => {
    const kept = many(PART_SIZE - 10, "2026-11-10 00:00:00");
    const adding = many(10, "2026-11-20 00:00:00").map((k) => ({ ...k, id: `new-${k.id}` }));
    const { parts, next } = fillPart("2026-11.0", M, kept, adding, 5);
    expect([...parts.keys()]).toEqual(["2026-11.0"]);
    expect(ids(parts.get("2026-11.0"))).toEqual(ids(adding).concat(ids(kept)));
    expect(next).toBe(5);
  });

  it("Should never move what the part kept: the ones that do not fit go to new parts of at most PART_SIZE", () => {
    const kept = many(PART_SIZE - 5, "2026-11-10 00:00:00");
    const adding = many(2_010, "2026-11-20 00:00:00").map((k) => ({ ...k, id: `new-${k.id}` }));
    const { parts, next } = fillPart("2026-11.4", M, kept, adding, 7);
    expect([...parts.keys()]).toEqual(["2026-11.4", "2026-11.7", "2026-11.8", "2026-11.9"]);
    expect([...parts.values()].map((p) => p.length)).toEqual([PART_SIZE, PART_SIZE, PART_SIZE, 5]);
    for (const k of kept) expect(ids(parts.get("2026-11.4"))).toContain(k.id);
    expect(new Set([...parts.values()].flat().map((k) => k.id)).size).toBe(kept.length + adding.length);
    expect(next).toBe(10);
  });

  it("Should give the same parts when a move is repeated after a crash wrote the part but not its description", () => {
    const kept = many(PART_SIZE - 3, "2026-11-10 00:00:00");
    const adding = many(8, "2026-11-20 00:00:00").map((k) => ({ ...k, id: `new-${k.id}` }));
    const first = fillPart("2026-11.0", M, kept, adding, 2);
    const again = fillPart("2026-11.0", M, first.parts.get("2026-11.0") ?? [], adding, 2);
    expect([...again.parts].map(([n, p]) => [n, ids(p)])).toEqual([...first.parts].map(([n, p]) => [n, ids(p)]));
    expect(again.next).toBe(first.next);
  });

  it("Should keep a part of no time in its month", () => {
    const { parts } = fillPart("none.2", M, many(PART_SIZE, "昨天"), [kept("x", "前天")], 3);
    expect([...parts].map(([name, run]) => [name, run.length])).toEqual([
      ["none.2", PART_SIZE],
      ["none.3", 1],
    ]);
  });
});

describe("partOf", () => {
  it("Should describe a part by its count, its revision and the positions of its first and last complaints", () => {
    const complaints = [kept("a", "2026-11-20 08:00:00"), kept("b", "2026-11-10 00:00:00"), kept("c", "2026-11-05 00:00:00")];
    expect(partOf("2026-11.0", M, complaints, "rev-1")).toEqual({
      name: "2026-11.0",
      count: 3,
      rev: "rev-1",
      newest: { at: bj("2026-11-20 08:00:00"), mchid: M, id: "a" },
      oldest: { at: bj("2026-11-05 00:00:00"), mchid: M, id: "c" },
    });
  });

  it("Should describe a part of one complaint of no time by that complaint at both ends", () => {
    const p = partOf("none.0", M, [kept("x")], "rev-2");
    expect(p.count).toBe(1);
    expect(p.newest).toEqual({ at: null, mchid: M, id: "x" });
    expect(p.oldest).toEqual(p.newest);
  });
});

describe("withParts", () => {
  it("Should replace the part of the same name with the one written, and take the next number given", () => {
    const rewritten = { ...NOV, count: 11, rev: "r2" };
    const history: History = { parts: [NOV, OCT], next: 2 };
    const after = withParts(history, [rewritten], new Set(), 5);
    expect(after).toEqual({ parts: [rewritten, OCT], next: 5 });
    expect(history.parts).toEqual([NOV, OCT]);
  });

  it("Should drop the parts just emptied", () => {
    expect(withParts({ parts: [NOV, OCT, NONE], next: 3 }, [], new Set(["2026-10.1"]), 3)).toEqual({ parts: [NOV, NONE], next: 3 });
  });

  it("Should keep the parts newest first, a part of no time last", () => {
    const dec = part("2026-12.3", 1, kept("d", "2026-12-02 00:00:00"), kept("d", "2026-12-02 00:00:00"));
    const sep = part("2026-09.4", 1, kept("s", "2026-09-02 00:00:00"), kept("s", "2026-09-02 00:00:00"));
    const after = withParts({ parts: [NOV, NONE], next: 3 }, [sep, OCT, dec], new Set(), 5);
    expect(after.parts.map((p) => p.name)).toEqual(["2026-12.3", "2026-11.0", "2026-10.1", "2026-09.4", "none.2"]);
  });

  it("Should order parts whose newest is the same by their oldest", () => {
    const newest = kept("n20", "2026-11-20 00:00:00");
    const longer = part("2026-11.5", 2, newest, kept("n01", "2026-11-01 00:00:00"));
    const shorter = part("2026-11.6", 2, newest, kept("n10", "2026-11-10 00:00:00"));
    expect(withParts(NO_HISTORY, [longer, shorter], new Set(), 7).parts.map((p) => p.name)).toEqual(["2026-11.6", "2026-11.5"]);
  });

  it("Should leave no parts when every part is emptied", () => {
    expect(withParts({ parts: [NOV], next: 1 }, [], new Set(["2026-11.0"]), 1)).toEqual({ parts: [], next: 1 });
  });
});

describe("dueToMove", () => {
  const NOW = Date.parse("2026-12-01T00:00:00Z");
  const ago = (ms: number) => new Date(NOW - ms).toISOString();
  /** Complaint `id`, gone from PAYJS's list since `ms` before now. */
  const gone = (id: string, ms: number): StoredComplaint => ({ ...kept(id, "2026-11-10 00:00:00"), active: false, last_seen_at: ago(ms) });

  it("Should move nothing while every complaint is listed, however long ago each was first seen", () => {
    const active = { ...kept("a", "2026-10-01 00:00:00"), first_seen_at: ago(60 * DAY_MS), last_seen_at: ago(30 * DAY_MS) };
    expect(dueToMove([active], NOW)).toEqual([]);
  });

  it("Should move nothing until the first complaint left 14 days ago", () => {
    const present = [gone("a", 13 * DAY_MS), gone("b", 10 * DAY_MS), gone("c", 8 * DAY_MS)];
    expect(dueToMove(present, NOW)).toEqual([]);
    expect(dueToMove([gone("a", 14 * DAY_MS - 1)], NOW)).toEqual([]);
  });

  it("Should then move every complaint that left 7 days ago or more, oldest departure first, and never an active one", () => {
    const present = [
      gone("b", 10 * DAY_MS),
      { ...kept("active", "2026-10-01 00:00:00"), last_seen_at: ago(30 * DAY_MS) },
      gone("recent", 7 * DAY_MS - 1),
      gone("a", 14 * DAY_MS),
      gone("c", 7 * DAY_MS),
    ];
    expect(ids(dueToMove(present, NOW))).toEqual(["a", "b", "c"]);
  });

  it("Should move at most MOVE_AT_ONCE in one poll, those that left first", () => {
    const present = Array.from({ length: MOVE_AT_ONCE + 200 }, (_, i) => gone(`g${i}`, 14 * DAY_MS + i * 60_000));
    const due = dueToMove(present, NOW);
    expect(due).toHaveLength(MOVE_AT_ONCE);
    expect(due[0]?.id).toBe(`g${MOVE_AT_ONCE + 199}`);
    expect(due.at(-1)?.id).toBe("g200");
    expect(ids(due)).not.toContain("g199");
  });

  it("Should move nothing from an empty present", () => {
    expect(dueToMove([], NOW)).toEqual([]);
  });
});

describe("idHash, idHashes and mayHoldId", () => {
  it("Should give the 32-bit FNV-1a hash as 8 lowercase hex digits", () => {
    expect(idHash("")).toBe("811c9dc5");
    expect(idHash("a")).toBe("e40c292c");
    expect(idHash("foobar")).toBe("bf9cf968");
  });

  it("Should pad a hash below 0x10000000 to 8 digits", () => {
    const small = Array.from({ length: 400 }, (_, i) => `C${i}`).find((id) => idHash(id).startsWith("0"));
    expect(small).toBeDefined();
    expect(idHash(small as string)).toMatch(/^0[0-9a-f]{7}$/);
  });

  it("Should write a part's hashes one after another, in its order", () => {
    const complaints = [kept("a"), kept("C1"), kept("foobar")];
    expect(idHashes(complaints)).toBe(`e40c292c${idHash("C1")}bf9cf968`);
    expect(idHashes([])).toBe("");
  });

  it("Should find an id whose hash is one of the entry's, and not one whose hash is not", () => {
    const hashes = idHashes([kept("a"), kept("C1"), kept("foobar")]);
    for (const id of ["a", "C1", "foobar"]) expect(mayHoldId(hashes, id)).toBe(true);
    expect(mayHoldId(hashes, "C2")).toBe(false);
    expect(mayHoldId("", "a")).toBe(false);
  });

  it("Should not match a hash that appears only straddling two entries", () => {
    // "e40c292c" (the hash of "a") spans the second half of one entry and the first half of the next.
    expect(mayHoldId("0000e40c292c0000", "a")).toBe(false);
    expect(mayHoldId("811c9dc50000e40c292c0000", "a")).toBe(false);
  });

  it("Should go on looking past a straddling match to an entry that holds it", () => {
    expect(mayHoldId("0000e40c292c0000e40c292c", "a")).toBe(true);
  });
});
