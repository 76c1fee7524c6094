import { describe, expect, it } from "vitest";
import { complaintId, type RawComplaint, type Sighting } from "../domain/complaint";
import { mergeComplaints } from "./merge";

const sighting = (raw: RawComplaint): Sighting => ({ id: complaintId(raw), raw });
const item = (id: string, body = "body " + id) => sighting({ complaint_id: id, complaint_at: "2026-11-08 01:13:29", body });
const T1 = "2026-11-27T00:00:00.000Z";
const T2 = "2026-11-27T04:00:00.000Z";
const T3 = "2026-11-27T08:00:00.000Z";

describe("mergeComplaints", () => {
  it("Should add every complaint on a first poll", () => {
    const m = mergeComplaints("100", [], [item("a"), item("b")], T1, null);
    expect(m.added.map((c) => c.id)).toEqual(["a", "b"]);
    expect(m.changed).toBe(true);
    expect(m.complaints[0]).toMatchObject({ first_seen_at: T1, last_seen_at: T1, active: true });
  });

  it("Should keep the list newest complaint_at first, times that do not parse last, then by id", () => {
    const at = (id: string, complaint_at: unknown) => sighting({ complaint_id: id, complaint_at });
    const first = mergeComplaints("100", [], [at("b", "2026-11-08 01:00:00"), at("x", "昨天"), at("c", "2026-11-09 01:00:00")], T1, null);
    expect(first.complaints.map((c) => c.id)).toEqual(["c", "b", "x"]);
    const next = mergeComplaints(
      "100",
      first.complaints,
      [...first.complaints, at("a", "2026-11-08 01:00:00"), at("d", 1_794_300_000)],
      T2,
      T1,
    );
    expect(next.complaints.map((c) => c.id)).toEqual(["d", "c", "a", "b", "x"]);
  });

  it("Should report no change when the list is the same", () => {
    const first = mergeComplaints("100", [], [item("a"), item("b")], T1, null);
    const m = mergeComplaints("100", first.complaints, [item("b"), item("a")], T2, T1);
    expect(m).toMatchObject({ added: [], vanished: [], changed: false });
    expect(m.complaints).toEqual(first.complaints);
  });

  it("Should mark a vanished complaint inactive, keep it, and remember when it was last seen", () => {
    const first = mergeComplaints("100", [], [item("a"), item("b")], T1, null);
    const m = mergeComplaints("100", first.complaints, [item("b")], T2, T1);
    expect(m.vanished.map((c) => c.id)).toEqual(["a"]);
    expect(m.complaints.find((c) => c.id === "a")).toMatchObject({ active: false, last_seen_at: T1, first_seen_at: T1 });
    const again = mergeComplaints("100", m.complaints, [item("b")], T3, T2);
    expect(again.changed).toBe(false);
    expect(again.vanished).toEqual([]);
  });

  it("Should reactivate a complaint that comes back, keeping first_seen_at", () => {
    const first = mergeComplaints("100", [], [item("a")], T1, null);
    const gone = mergeComplaints("100", first.complaints, [], T2, T1);
    const back = mergeComplaints("100", gone.complaints, [item("a")], T3, T2);
    expect(back.added).toEqual([]);
    expect(back.complaints).toHaveLength(1);
    expect(back.complaints[0]).toMatchObject({ active: true, first_seen_at: T1, last_seen_at: T3 });
  });

  it("Should record when a complaint was found gone and when back, and keep the moves through a change of its fields", () => {
    const first = mergeComplaints("100", [], [item("a")], T1, null);
    expect(first.complaints[0]?.moves).toBeUndefined();
    const gone = mergeComplaints("100", first.complaints, [], T2, T1);
    expect(gone.complaints[0]?.moves).toEqual([[T2, null]]);
    const back = mergeComplaints("100", gone.complaints, [item("a")], T3, T2);
    expect(back.complaints[0]?.moves).toEqual([[T2, T3]]);
    const T4 = "2026-11-27T12:00:00.000Z";
    const changed = mergeComplaints("100", back.complaints, [item("a", "changed")], T4, T3);
    expect(changed.complaints[0]?.moves).toEqual([[T2, T3]]);
    const T5 = "2026-11-27T16:00:00.000Z";
    expect(mergeComplaints("100", changed.complaints, [], T5, T4).complaints[0]?.moves).toEqual([
      [T2, T3],
      [T5, null],
    ]);
  });

  it("Should give a complaint that left before moves were kept one from its last sighting when it comes back", () => {
    const old = { ...item("a"), first_seen_at: T1, last_seen_at: T2, active: false };
    const back = mergeComplaints("100", [old], [item("a")], T3, T2);
    expect(back.complaints[0]?.moves).toEqual([[T2, T3]]);
  });

  it("Should update a complaint whose upstream fields changed, without counting it new", () => {
    const first = mergeComplaints("100", [], [item("a", "old")], T1, null);
    const m = mergeComplaints("100", first.complaints, [item("a", "new")], T2, T1);
    expect(m).toMatchObject({ added: [], changed: true });
    expect(m.complaints[0]).toMatchObject({ raw: { body: "new" }, first_seen_at: T1 });
  });

  it("Should count a complaint listed twice in one response once", () => {
    const m = mergeComplaints("100", [], [item("a", "x"), item("a", "y")], T1, null);
    expect(m.added).toHaveLength(1);
    expect(m.complaints[0]?.raw.body).toBe("y");
  });
});
