import { describe, expect, it } from "vitest";
import { complaintId, normaliseComplaint, parseUpstreamTime, toBeijingIso } from "./complaint";

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

describe("normaliseComplaint", () => {
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
    const c = normaliseComplaint("100", raw);
    expect(c).toEqual({
      id: "C1",
      mchid: "100",
      complaint_at: "2026-11-08T01:13:29+08:00",
      out_trade_no: "OT1",
      order_id: "2026110812345",
      total_fee: 2990,
      body: "商品未收到",
      raw,
    });
    expect(c.raw).toBe(raw);
  });

  it("Should keep a time it cannot read unchanged and a non-integer fee as null", () => {
    const c = normaliseComplaint("100", { ...raw, complaint_at: "昨天", total_fee: "29.9元" });
    expect(c.complaint_at).toBe("昨天");
    expect(c.total_fee).toBeNull();
  });

  it("Should derive a stable id from order_id and complaint_at when complaint_id is missing", () => {
    const { complaint_id: _, ...noId } = raw;
    const a = complaintId(noId);
    expect(a).toMatch(/^h[0-9a-f]{20}$/);
    expect(complaintId({ ...noId, body: "changed" })).toBe(a);
    expect(complaintId({ ...noId, complaint_at: "2026-11-09 01:13:29" })).not.toBe(a);
    expect(complaintId({ ...noId, complaint_id: "" })).toBe(a);
  });
});
