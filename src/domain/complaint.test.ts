import { describe, expect, it } from "vitest";
import { rawJSON } from "../../test/support/raw-json";
import { type Complaint, complaintId, complaintOf, identifyComplaints, keptSighting, type RawComplaint } from "./complaint";

const SEEN = "2026-11-08T00:00:00.000Z";
/** The complaint one record of an answer becomes, first seen at {@link SEEN}. */
const complaintFrom = (raw: RawComplaint): Complaint => complaintOf("100", keptSighting({ id: complaintId(raw), raw }, SEEN, SEEN), null);
/** The complaints one answer's records become, ids as identifyComplaints gives them. */
function answerOf(items: RawComplaint[]): { complaints: Complaint[]; repeatedIds: string[] } {
  const { sightings, repeatedIds } = identifyComplaints(items);
  return { complaints: sightings.map((s) => complaintOf("100", keptSighting(s, SEEN, SEEN), null)), repeatedIds };
}

describe("complaintOf: a record read into a complaint", () => {
  const raw = {
    complaint_id: "C1",
    complaint_at: "2026-11-08 01:13:29",
    out_trade_no: "OT1",
    order_id: 2026110812345,
    total_fee: "2990",
    body: "商品未收到",
    refund_status: "PROCESSING",
  };

  it("Should map the documented fields and keep raw verbatim", () => {
    const c = complaintFrom(raw);
    expect(c).toEqual({
      id: "C1",
      mchid: "100",
      complaint_at: "2026-11-08T01:13:29+08:00",
      out_trade_no: "OT1",
      order_id: "2026110812345",
      total_fee: 2990,
      body: "商品未收到",
      first_seen_at: SEEN,
      last_seen_at: SEEN,
      active: true,
      raw,
    });
    expect(c.raw).toBe(raw);
  });

  it("Should keep a time it cannot read unchanged and a non-integer fee as null", () => {
    const c = complaintFrom({ ...raw, complaint_at: "昨天", total_fee: "29.9元" });
    expect(c.complaint_at).toBe("昨天");
    expect(c.total_fee).toBeNull();
  });

  it("Should derive a stable id from the whole record when complaint_id is missing", () => {
    const { complaint_id: _, ...noId } = raw;
    const a = complaintId(noId);
    expect(a).toMatch(/^h[0-9a-f]{20}$/);
    expect(complaintId({ ...noId })).toBe(a);
    expect(complaintId({ ...noId, complaint_id: "" })).toMatch(/^h[0-9a-f]{20}$/);
    expect(complaintId({ ...noId, complaint_at: "2026-11-09 01:13:29" })).not.toBe(a);
    // Every field counts, long numbers by their digits.
    expect(complaintId({ ...noId, n: rawJSON("9007199254740993") })).not.toBe(complaintId({ ...noId, n: rawJSON("9007199254740992") }));
  });

  it("Should give two complaints on one order in one second distinct ids", () => {
    const { complaint_id: _, ...noId } = raw;
    const first = complaintId({ ...noId, body: "商品未收到" });
    const second = complaintId({ ...noId, body: "重复扣款" });
    expect(second).not.toBe(first);
    expect(complaintId({ ...noId, body: "重复扣款", refund_status: "SUCCESS" })).not.toBe(second);
  });

  it("Should keep complaint_id's digits, and order numbers', when they are numbers too long for a double", () => {
    const c = complaintFrom({ complaint_id: rawJSON("9007199254740993"), order_id: rawJSON("12345678901234567890123") });
    expect(c.id).toBe("9007199254740993");
    expect(c.order_id).toBe("12345678901234567890123");
    expect(complaintFrom({ complaint_id: 12345 }).id).toBe("12345");
  });
});

describe("identifyComplaints: one answer's records", () => {
  const noId = { complaint_at: "2026-11-08 01:13:29", order_id: "O1", body: "x" };

  it("Should keep every record whose id repeats in one answer, with a suffix by occurrence, and report the id", () => {
    const { complaints, repeatedIds } = answerOf([
      { complaint_id: "7", body: "a" },
      noId,
      { complaint_id: "7", body: "b" },
      { complaint_id: "7~2", body: "c" }, // a real id that looks like a suffixed one keeps it
      { ...noId },
      { complaint_id: "7", body: "d" },
    ]);
    const h = complaintId(noId);
    expect(complaints.map((c) => c.id)).toEqual(["7", h, "7~3", "7~2", `${h}~2`, "7~4"]);
    expect(complaints.map((c) => c.body)).toEqual(["a", "x", "b", "c", "x", "d"]);
    expect(repeatedIds).toEqual(["7", h]);
  });

  it("Should give the same ids to the same answer every time", () => {
    const answer = () => [noId, { ...noId }, { ...noId, body: "y" }];
    expect(answerOf(answer()).complaints.map((c) => c.id)).toEqual(answerOf(answer()).complaints.map((c) => c.id));
    expect(answerOf([{ complaint_id: "1" }, { complaint_id: "2" }])).toMatchObject({
      complaints: [{ id: "1" }, { id: "2" }],
      repeatedIds: [],
    });
  });
});
