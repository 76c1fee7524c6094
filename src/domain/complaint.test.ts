import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rawJSON } from "../../test/support/raw-json";
import { type Complaint, complaintId, complaintOf, identifyComplaints, keptSighting, type RawComplaint } from "./complaint";
import { parseUpstreamTime } from "./payjs-fields";
import { toBeijingIso } from "./time";

const SEEN = "2026-11-08T00:00:00.000Z";
/** The complaint one record of an answer becomes, first seen at {@link SEEN}. */
const complaintFrom = (raw: RawComplaint): Complaint => complaintOf("100", keptSighting({ id: complaintId(raw), raw }, SEEN, SEEN), null);
/** The complaints one answer's records become, ids as identifyComplaints gives them. */
function answerOf(items: RawComplaint[]): { complaints: Complaint[]; repeatedIds: string[] } {
  const { sightings, repeatedIds } = identifyComplaints(items);
  return { complaints: sightings.map((s) => complaintOf("100", keptSighting(s, SEEN, SEEN), null)), repeatedIds };
}

describe("Beijing time", () => {
  it("Should read PAYJS wall-clock text as Beijing time", () => {
    expect(parseUpstreamTime("2026-11-08 01:13:29")).toBe(Date.parse("2026-11-07T17:13:29Z"));
    expect(toBeijingIso(Date.parse("2026-11-07T17:13:29Z"))).toBe("2026-11-08T01:13:29+08:00");
  });

  it("Should accept 29 February only in a leap year", () => {
    expect(parseUpstreamTime("2028-02-29 12:00:00")).toBe(Date.parse("2028-02-29T04:00:00Z"));
    expect(parseUpstreamTime("2026-02-29 12:00:00")).toBeNull();
  });

  it("Should accept a date alone, unix seconds and zoned ISO", () => {
    expect(parseUpstreamTime("2026-11-08")).toBe(Date.parse("2026-11-07T16:00:00Z"));
    expect(parseUpstreamTime("1762535609")).toBe(1762535609000);
    expect(parseUpstreamTime(1762535609)).toBe(1762535609000);
    expect(parseUpstreamTime("2026-11-08T01:13:29+08:00")).toBe(Date.parse("2026-11-07T17:13:29Z"));
  });

  it("Should refuse text that is no real time", () => {
    for (const bad of [
      "2026-02-30 10:00:00",
      "2026-13-08 01:00:00",
      "2026-00-08 01:00:00",
      "2026-11-08 25:00:00",
      "2026-11-08 01:00:75",
      "0099-11-08 01:00:00",
      "1999-12-31 23:59:59",
      "2026-02-30T00:00:00Z",
      "2026/11/08 01:13:29",
      "yesterday",
      "",
      null,
      undefined,
      {},
    ]) {
      expect(parseUpstreamTime(bad)).toBeNull();
    }
  });
});

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

describe("complaint_at as a number", () => {
  const at = (value: unknown): string => complaintFrom({ complaint_id: "1", complaint_at: value }).complaint_at;

  it("Should read Unix seconds and milliseconds, as numbers or digits", () => {
    expect(at(1762535609)).toBe("2025-11-08T01:13:29+08:00");
    expect(at(1762535609000)).toBe("2025-11-08T01:13:29+08:00");
    expect(at("1762535609000")).toBe("2025-11-08T01:13:29+08:00");
    expect(parseUpstreamTime(1762535609000)).toBe(1762535609000);
  });

  it("Should keep the number 20261108011329 as its text, not 0NaN-…", () => {
    expect(at(20261108011329)).toBe("20261108011329");
    expect(at("20261108011329")).toBe("20261108011329");
  });

  it("Should count only times within the years 2000–2100 (Beijing)", () => {
    expect(at(946656000)).toBe("2000-01-01T00:00:00+08:00");
    expect(at(946655999)).toBe("946655999");
    expect(at(4133951999)).toBe("2100-12-31T23:59:59+08:00");
    expect(at(4133952000)).toBe("4133952000");
    expect(at(4133952000000)).toBe("4133952000000");
    expect(at(1)).toBe("1");
    expect(at(-1762535609)).toBe("-1762535609");
    expect(at("1999-12-31 23:59:59")).toBe("1999-12-31 23:59:59");
    expect(at("2101-01-01 00:00:00")).toBe("2101-01-01 00:00:00");
    expect(at(rawJSON("17625356090000000000"))).toBe("17625356090000000000");
  });

  it("Should never give an invalid or absurd date, whatever the number", () => {
    const iso = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
    const value = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.bigInt({ min: 0n, max: 10n ** 20n }).map(Number),
      fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
    );
    fc.assert(
      fc.property(value, (v) => {
        const result = at(v);
        const year = iso.exec(result)?.[1];
        if (year === undefined) {
          expect(result).toBe(String(v)); // no time: the upstream value as text
        } else {
          expect(Number(year)).toBeGreaterThanOrEqual(2000);
          expect(Number(year)).toBeLessThanOrEqual(2100);
        }
      }),
    );
  });
});
