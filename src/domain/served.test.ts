import { describe, expect, it } from "vitest";
import type { Complaint } from "./complaint";
import { DEFAULT_RULES } from "./deadlines";
import { UNMARKED } from "./marks";
import { lean, served } from "./served";

const complaint = (over: Partial<Complaint> = {}): Complaint => ({
  id: "1",
  mchid: "100",
  complaint_at: "2026-11-08T01:13:29+08:00",
  out_trade_no: "T",
  order_id: "O",
  total_fee: 1,
  body: "b",
  first_seen_at: "2026-11-08T00:00:00.000Z",
  last_seen_at: "2026-11-08T00:00:00.000Z",
  active: true,
  raw: { complaint_id: "1" },
  ...over,
});
const replied = { at: "2026-11-08T12:00:00.000Z", note: "answered", by: "店长手机" };
const handled = { at: "2026-11-09T00:00:00.000Z", note: "refunded", by: null };

describe("served complaints", () => {
  it("Should serve every stored field, then deadlines, next_due, replied, handled and refund, with raw last", () => {
    const c = complaint();
    const refund = {
      state: "failed" as const,
      at: "2026-11-08T13:00:00.000Z",
      total_fee: 2990,
      message: "PAYJS refused: 余额不足",
      by: null,
    };
    const s = served(c, { replied, handled: null, refund }, DEFAULT_RULES);
    expect(Object.keys(s)).toEqual([
      ...Object.keys(c).filter((k) => k !== "raw"),
      "deadlines",
      "next_due",
      "replied",
      "handled",
      "refund",
      "raw",
    ]);
    expect(Object.keys(s.deadlines)).toEqual(["reply_by", "resolve_by"]);
    expect(s).toEqual({
      ...c,
      deadlines: { reply_by: "2026-11-09T01:13:29+08:00", resolve_by: "2026-11-11T01:13:29+08:00" },
      next_due: "2026-11-11T01:13:29+08:00",
      replied,
      handled: null,
      refund,
    });
  });

  it("Should serve an unmarked complaint with its reply deadline next, and a handled one with none", () => {
    const c = complaint();
    const open = served(c, UNMARKED, DEFAULT_RULES);
    expect([open.replied, open.handled, open.next_due]).toEqual([null, null, "2026-11-09T01:13:29+08:00"]);
    const done = served(c, { replied: null, handled, refund: null }, DEFAULT_RULES);
    expect([done.handled, done.next_due]).toEqual([handled, null]);
    expect(done.deadlines.reply_by).toBe("2026-11-09T01:13:29+08:00");
  });

  it("Should leave raw out of a lean row and keep the same fields in the same order otherwise", () => {
    const c = complaint({ active: false });
    const row = lean(c, UNMARKED, DEFAULT_RULES);
    expect("raw" in row).toBe(false);
    expect(Object.keys(row)).toEqual(Object.keys(served(c, UNMARKED, DEFAULT_RULES)).filter((k) => k !== "raw"));
    expect(row.next_due).toBeNull();
  });
});
