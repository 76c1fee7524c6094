import { describe, expect, it } from "vitest";
import { rawJSON } from "../../test/support/raw-json";
import { parseJson } from "../json";
import type { StoredComplaint } from "./complaint";
import { type History, idHash, idHashes, NO_SUMMARY, partOf, summaryOf } from "./history";
import type { Shape } from "./shape";
import { COMPLAINTS, historyShape, idIndexShape, type Present, presentShape } from "./stored-complaints";

const FIRST = "2026-11-08T00:00:00.000Z";
const LAST = "2026-11-09T00:00:00.000Z";
/** Active, its id given by `complaint_id`: the common case. */
const complaint: StoredComplaint = {
  id: "C1",
  raw: { complaint_id: "C1", body: "商品未收到" },
  first_seen_at: FIRST,
  last_seen_at: FIRST,
  active: true,
};
/** What a stored value reads as after a trip through KV's text. */
const throughText = (kept: StoredComplaint[]): StoredComplaint[] | null =>
  COMPLAINTS.read(parseJson(JSON.stringify(COMPLAINTS.write(kept))) as Record<string, unknown>);

describe("COMPLAINTS: how a merchant's complaints are kept", () => {
  it("Should write the seen list first, then PAYJS's records as they are", () => {
    const gone = { ...complaint, id: "C2", raw: { complaint_id: "C2" }, active: false, last_seen_at: LAST };
    const record = COMPLAINTS.write([complaint, gone]);
    expect(Object.keys(record)).toEqual(["seen", "complaints"]);
    expect(record.complaints).toEqual([complaint.raw, gone.raw]);
    expect((record.complaints as unknown[])[0]).toBe(complaint.raw);
  });

  it("Should keep an id beside raw only when complaint_id alone does not give it", () => {
    const big = rawJSON("9007199254740993");
    const { seen } = COMPLAINTS.write([
      complaint,
      { ...complaint, id: "C1~2" },
      { ...complaint, id: "h0123456789abcdef0123", raw: { body: "没有 complaint_id" } },
      { ...complaint, id: "9007199254740993", raw: { complaint_id: big } },
      { ...complaint, id: "42", raw: { complaint_id: 42 }, active: false, last_seen_at: "b" },
      { ...complaint, id: "C3", raw: { complaint_id: " C3 " } },
      { ...complaint, id: "h0123456789abcdef0124", raw: { complaint_id: "" } },
      { ...complaint, id: "9007199254740994", raw: { complaint_id: 2 ** 53 + 2 } },
    ]);
    expect(seen).toEqual([
      FIRST,
      [FIRST, null, "C1~2"],
      [FIRST, null, "h0123456789abcdef0123"],
      [FIRST, null, "9007199254740993"],
      [FIRST, "b"],
      [FIRST, null, "C3"],
      [FIRST, null, "h0123456789abcdef0124"],
      [FIRST, null, "9007199254740994"],
    ]);
  });

  it("Should read back every form it writes: active or gone, its id given or kept", () => {
    const kept: StoredComplaint[] = [
      complaint,
      { ...complaint, id: "C1~2" },
      { ...complaint, id: "9007199254740993", raw: { complaint_id: rawJSON("9007199254740993") } },
      { ...complaint, id: "42", raw: { complaint_id: 42 }, active: false, last_seen_at: LAST },
      { ...complaint, id: "h0123456789abcdef0123", raw: { body: "没有 complaint_id" }, active: false, last_seen_at: LAST },
    ];
    const read = throughText(kept);
    expect(read).toEqual(kept);
    expect(read?.map((k) => k.id)).toEqual(["C1", "C1~2", "9007199254740993", "42", "h0123456789abcdef0123"]);
  });

  it("Should read an active complaint as last seen when first seen: the last successful poll tells the rest", () => {
    expect(throughText([{ ...complaint, last_seen_at: LAST }])).toEqual([{ ...complaint, last_seen_at: FIRST }]);
  });

  it("Should read back a complaint_id that was a number past 2^53, which KV's text gives back as its digits", () => {
    const read = throughText([{ ...complaint, id: "9007199254740994", raw: { complaint_id: 2 ** 53 + 2 } }]);
    expect(read?.map((k) => k.id)).toEqual(["9007199254740994"]);
  });

  it("Should keep the moves of the complaints that left PAYJS's list, by id, and read a value without them as having none", () => {
    const moved: StoredComplaint = {
      ...complaint,
      id: "C2",
      raw: { complaint_id: "C2" },
      active: false,
      last_seen_at: LAST,
      moves: [[LAST, null]],
    };
    const record = COMPLAINTS.write([complaint, moved]);
    expect(Object.keys(record)).toEqual(["seen", "complaints", "moves"]);
    expect(record.moves).toEqual({ C2: [[LAST, null]] });
    expect(throughText([complaint, moved])).toEqual([complaint, moved]);
    expect(COMPLAINTS.write([complaint, { ...moved, moves: [] }])).not.toHaveProperty("moves");
    expect(COMPLAINTS.read({ ...record, moves: { C2: [[LAST]] } })).toBeNull();
    expect(COMPLAINTS.read({ ...record, moves: [] })).toBeNull();
    // An id only the prototype knows is no complaint's moves.
    expect(COMPLAINTS.read({ ...record, moves: {} })?.map((k) => k.moves)).toEqual([undefined, undefined]);
  });

  it("Should read no complaints as none", () => {
    expect(COMPLAINTS.write([])).toEqual({ seen: [], complaints: [] });
    expect(COMPLAINTS.read({ seen: [], complaints: [] })).toEqual([]);
  });

  it.each([
    ["no lists", {}],
    ["complaints that are no list", { seen: [], complaints: {} }],
    ["seen that is no list", { seen: FIRST, complaints: [] }],
    ["lists of different lengths", { seen: [FIRST, FIRST], complaints: [{ complaint_id: "C1" }] }],
    // Its id kept beside it: the record's own kind alone refuses it.
    ["a record that is no object", { seen: [[FIRST, null, "C1"]], complaints: ["C1"] }],
    ["a record that is null", { seen: [[FIRST, null, "C1"]], complaints: [null] }],
    ["a record that is a list", { seen: [[FIRST, null, "C1"]], complaints: [["C1"]] }],
    ["seen alone for a record without complaint_id", { seen: [FIRST], complaints: [{ body: "x" }] }],
    ["seen alone for a complaint_id with spaces around", { seen: [FIRST], complaints: [{ complaint_id: " C1 " }] }],
    ["seen that is a number", { seen: [1], complaints: [{ complaint_id: "C1" }] }],
    ["seen that is an empty list", { seen: [[]], complaints: [{ complaint_id: "C1" }] }],
    ["a first sighting that is no text", { seen: [[1, null]], complaints: [{ complaint_id: "C1" }] }],
    ["a last sighting that is no text", { seen: [[FIRST, 1]], complaints: [{ complaint_id: "C1" }] }],
    ["a kept id that is no text", { seen: [[FIRST, null, 7]], complaints: [{ complaint_id: "C1" }] }],
    ["a seen list too long", { seen: [[FIRST, null, "C1", "x"]], complaints: [{ complaint_id: "C1" }] }],
  ])("Should refuse %s, whole", (_, record) => {
    expect(COMPLAINTS.read(record)).toBeNull();
    // One damaged complaint among good ones refuses the whole value.
    const { seen, complaints } = record as { seen: unknown; complaints: unknown };
    if (Array.isArray(seen) && Array.isArray(complaints) && seen.length === 1 && complaints.length === 1) {
      expect(COMPLAINTS.read({ seen: [FIRST, ...seen], complaints: [complaint.raw, ...complaints] })).toBeNull();
    }
  });
});

/** What a value of `shape` reads as after a trip through KV's text. */
const throughKv = <T>(shape: Shape<T>, value: T): T | null =>
  shape.read(parseJson(JSON.stringify(shape.write(value))) as Record<string, unknown>);

const M = "100";
/** Complaint `id` of merchant {@link M}, made at `complaintAt` (absent: no time), gone from PAYJS's list. */
const made = (id: string, complaintAt?: string): StoredComplaint => ({
  ...complaint,
  id,
  raw: { complaint_id: id, complaint_at: complaintAt },
  active: false,
  last_seen_at: LAST,
});
const H1 = made("H1", "2026-11-08 01:13:29");
const H2 = made("H2", "2026-11-01 00:00:00");
const H3 = made("H3");
const HISTORY: History = { parts: [partOf("2026-11.0", M, [H1, H2], "rev-a"), partOf("none.1", M, [H3], "rev-b")], next: 2 };
const PRESENT: Present = {
  complaints: [complaint, { ...complaint, id: "C2", raw: { complaint_id: "C2" }, active: false, last_seen_at: LAST }],
  history: summaryOf(HISTORY, "rev-d"),
  days: { "2026-11-08": [2, 1000], "2026-11-07": [1, -5] },
};
/** 2026-11-08 01:13:29 and 2026-11-01 00:00:00 in Beijing. */
const [AT1, AT2] = [Date.parse("2026-11-07T17:13:29Z"), Date.parse("2026-10-31T16:00:00Z")];
/** How the description keeps the November part: `[name, count, rev, newest at, newest id, oldest at, oldest id]`. */
const STORED_PART = ["2026-11.0", 2, "rev-a", AT1, "H1", AT2, "H2"];

describe("presentShape: a merchant's present, the summary of its history and its day counts", () => {
  it("Should read back what it writes: complaints, the history's counts, newest position and revision, the day counts", () => {
    const read = throughKv(presentShape(M), PRESENT);
    expect(read).toEqual(PRESENT);
    expect(read?.history).toEqual({ complaints: 3, parts: 2, newest: { at: AT1, mchid: M, id: "H1" }, oldestAt: AT2, rev: "rev-d" });
  });

  it("Should write the merchant it belongs to and the summary as a list, its position without its merchant", () => {
    const record = presentShape(M).write(PRESENT);
    expect(record.mchid).toBe(M);
    expect(record.history).toEqual([3, 2, AT1, "H1", AT2, "rev-d"]);
    expect(record.days).toEqual(PRESENT.days);
    expect(record.seen).toEqual(COMPLAINTS.write(PRESENT.complaints).seen);
    // No history: no summary written.
    expect(presentShape(M).write({ ...PRESENT, history: NO_SUMMARY }).history).toBeUndefined();
  });

  it("Should refuse the present of another merchant", () => {
    const record = parseJson(JSON.stringify(presentShape(M).write(PRESENT))) as Record<string, unknown>;
    expect(presentShape("200").read(record)).toBeNull();
    expect(presentShape(M).read({ ...record, mchid: undefined })).toBeNull();
  });

  it("Should read a present kept without history or day counts as having none", () => {
    const record = { mchid: M, ...COMPLAINTS.write([complaint]) };
    expect(presentShape(M).read(record)).toEqual({ complaints: [complaint], history: NO_SUMMARY, days: {} });
  });

  it("Should refuse a present whose complaints are not valid", () => {
    const record = presentShape(M).write(PRESENT);
    expect(presentShape(M).read({ ...record, seen: [FIRST] })).toBeNull();
  });

  it.each([
    ["a summary that is null", null],
    ["a summary that is an object", { complaints: 3 }],
    ["a summary of five items", [3, 2, AT1, "H1", AT2]],
    ["a negative count", [-3, 2, AT1, "H1", AT2, "r"]],
    ["parts that are a fraction", [3, 1.5, AT1, "H1", AT2, "r"]],
    ["a newest time that is text", [3, 2, "2026-11-08", "H1", AT2, "r"]],
    ["a newest id that is no text", [3, 2, AT1, 1, AT2, "r"]],
    ["an oldest time that is a fraction", [3, 2, AT1, "H1", 1.5, "r"]],
    ["a revision that is no text", [3, 2, AT1, "H1", AT2, null]],
  ])("Should refuse %s", (_, history) => {
    const record = presentShape(M).write(PRESENT);
    expect(presentShape(M).read({ ...record, history })).toBeNull();
  });

  it.each([
    ["day counts that are a list", []],
    ["day counts that are text", "2026-11-08"],
    ["a day not written YYYY-MM-DD", { "2026-11-8": [1, 0] }],
    ["a negative count", { "2026-11-08": [-1, 0] }],
    ["counts of one item", { "2026-11-08": [1] }],
  ])("Should refuse %s", (_, days) => {
    const record = presentShape(M).write(PRESENT);
    expect(presentShape(M).read({ ...record, days })).toBeNull();
  });
});

describe("historyShape: the description of a merchant's history parts", () => {
  it("Should read back what it writes: parts with their positions, and next", () => {
    const read = throughKv(historyShape(M), HISTORY);
    expect(read).toEqual(HISTORY);
    expect(read?.parts[0]?.newest).toEqual({ at: AT1, mchid: M, id: "H1" });
    expect(read?.parts[1]?.oldest).toEqual({ at: null, mchid: M, id: "H3" });
  });

  it("Should write each part as a list, its positions without their merchant", () => {
    expect(historyShape(M).write(HISTORY)).toEqual({
      history: { next: 2, parts: [STORED_PART, ["none.1", 1, "rev-b", null, "H3", null, "H3"]] },
    });
  });

  const part = (i: number, v: unknown) => STORED_PART.map((x, j) => (j === i ? v : x));
  it.each([
    ["a history that is null", null],
    ["a history that is a list", []],
    ["parts that are no list", { parts: {}, next: 1 }],
    ["no next", { parts: [] }],
    ["a next that is negative", { parts: [], next: -1 }],
    ["a next that is a fraction", { parts: [], next: 1.5 }],
    ["a next that is text", { parts: [], next: "1" }],
    ["a part that is no list", { parts: [{ name: "2026-11.0" }], next: 1 }],
    ["a part of six items", { parts: [STORED_PART.slice(0, 6)], next: 1 }],
    ["a part of eight items", { parts: [[...STORED_PART, "x"]], next: 1 }],
    ["a part named without its number", { parts: [part(0, "2026-11")], next: 1 }],
    ["a part named with a colon", { parts: [part(0, "2026:11.0")], next: 1 }],
    ["a part named with two dots", { parts: [part(0, "2026.11.0")], next: 1 }],
    ["a part whose number is no number", { parts: [part(0, "2026-11.x")], next: 1 }],
    ["a part of no complaints", { parts: [part(1, 0)], next: 1 }],
    ["a part of a fraction of complaints", { parts: [part(1, 1.5)], next: 1 }],
    ["a part whose count is text", { parts: [part(1, "2")], next: 1 }],
    ["a part whose revision is no text", { parts: [part(2, 7)], next: 1 }],
    ["a part whose newest time is text", { parts: [part(3, "2026-11-08")], next: 1 }],
    ["a part whose oldest time is a fraction", { parts: [part(5, 1.5)], next: 1 }],
    ["a part whose newest id is no text", { parts: [part(4, null)], next: 1 }],
    ["a part whose oldest id is no text", { parts: [part(6, 2)], next: 1 }],
  ])("Should refuse %s, whole", (_, history) => {
    expect(historyShape(M).read({ history })).toBeNull();
    const { parts, next } = (history ?? {}) as { parts?: unknown; next?: unknown };
    // One damaged part among good ones refuses the whole description.
    if (Array.isArray(parts) && parts.length === 1 && next === 1) {
      expect(historyShape(M).read({ history: { parts: [STORED_PART, ...parts], next } })).toBeNull();
    }
  });
});

describe("the id index: one month's id hashes of a merchant's history, by part, and how the description named the parts", () => {
  const ID_INDEX = idIndexShape(M);
  const NOVEMBER = HISTORY.parts.filter((p) => p.name.startsWith("2026-11"));
  const hashes = new Map([["2026-11.0", idHashes([H1, H2])]]);
  const index = { hashes, parts: NOVEMBER };

  it("Should read back what it writes, each part's hashes one after another, each part as the description keeps it", () => {
    expect(ID_INDEX.write(index)).toEqual({ parts: { "2026-11.0": idHash("H1") + idHash("H2") }, described: [STORED_PART] });
    expect(throughKv(ID_INDEX, index)).toEqual(index);
  });

  it("Should refuse an index without a valid list of the parts it describes", () => {
    const record = ID_INDEX.write(index);
    expect(ID_INDEX.read({ ...record, described: undefined })).toBeNull();
    expect(ID_INDEX.read({ ...record, described: [["2026-11", 2]] })).toBeNull();
  });

  it("Should read an index of no parts, and a part of no hashes", () => {
    const none = { hashes: new Map<string, string>(), parts: [] };
    expect(throughKv(ID_INDEX, none)).toEqual(none);
    const empty = { hashes: new Map([["2026-11.0", ""]]), parts: NOVEMBER };
    expect(throughKv(ID_INDEX, empty)).toEqual(empty);
  });

  it.each([
    ["no parts", {}],
    ["parts that are null", { parts: null }],
    ["parts that are a list", { parts: ["e40c292c"] }],
    ["parts that are text", { parts: "e40c292c" }],
    ["an entry one digit short", { parts: { "2026-11.0": "e40c292" } }],
    ["an entry one digit long", { parts: { "2026-11.0": "e40c292c0" } }],
    ["an entry that is a number", { parts: { "2026-11.0": 12345678 } }],
    ["an entry that is null", { parts: { "2026-11.0": null } }],
    // An entry no hash can match would hide its part from every lookup; refused, every part is read.
    ["an entry that is not hex", { parts: { "2026-11.0": "zzzzzzzz" } }],
    ["an entry in uppercase", { parts: { "2026-11.0": "E40C292C" } }],
  ])("Should refuse %s", (_, record) => {
    const { described } = ID_INDEX.write(index);
    expect(ID_INDEX.read({ described, ...record })).toBeNull();
    const { parts } = record as { parts?: unknown };
    // One damaged entry among good ones refuses the whole index.
    if (typeof parts === "object" && parts !== null && !Array.isArray(parts)) {
      expect(ID_INDEX.read({ described, parts: { "2026-11.1": idHash("H3"), ...parts } })).toBeNull();
    }
  });
});
