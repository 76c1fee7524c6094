import { describe, expect, it } from "vitest";
import { rawJSON } from "../../test/support/raw-json";
import { parseJson } from "../json";
import type { StoredComplaint } from "./complaint";
import { COMPLAINTS } from "./stored-complaints";

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
