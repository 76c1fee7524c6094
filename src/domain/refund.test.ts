import { describe, expect, it } from "vitest";
import {
  emptyRefunds,
  outcomeOf,
  PENDING_MS,
  type RefundAttempt,
  type RefundOutcome,
  readRefunds,
  refundNote,
  refundOf,
  withOutcome,
} from "./refund";

const T0 = Date.parse("2026-12-05T10:00:00.000Z");
const attempt = (id: string, at = T0): RefundAttempt => ({ attempt: id, at: new Date(at).toISOString(), total_fee: 2990, note: "" });
const outcome = (id: string, state: RefundOutcome["state"], message: string | null = null): RefundOutcome => ({
  attempt: id,
  state,
  at: new Date(T0 + 1000).toISOString(),
  total_fee: 2990,
  note: "",
  message,
});

describe("refundOf: the refund as it stands", () => {
  it("Should be none without an attempt or an outcome", () => {
    expect(refundOf(null, null, T0)).toBeNull();
  });

  it("Should be pending while the latest attempt has no outcome, and unknown after 2 minutes", () => {
    expect(refundOf(null, attempt("a"), T0 + PENDING_MS - 1)).toEqual({ state: "pending", at: attempt("a").at, total_fee: 2990 });
    expect(refundOf(outcome("old", "failed", "PAYJS refused: 余额不足"), attempt("a"), T0 + 1000)?.state).toBe("pending");
    const unknown = refundOf(null, attempt("a"), T0 + PENDING_MS);
    expect(unknown).toMatchObject({ state: "unknown", total_fee: 2990 });
    expect(unknown?.message).toContain("check the order");
  });

  it("Should be the outcome of the latest attempt, with its message", () => {
    expect(refundOf(outcome("a", "failed", "PAYJS refused: 余额不足"), attempt("a"), T0)).toEqual({
      state: "failed",
      at: outcome("a", "failed").at,
      total_fee: 2990,
      message: "PAYJS refused: 余额不足",
    });
    expect(refundOf(outcome("a", "done"), null, T0)).toEqual({ state: "done", at: outcome("a", "done").at, total_fee: 2990 });
  });

  it("Should stay done whatever a later attempt shows: PAYJS refunds an order once", () => {
    expect(refundOf(outcome("a", "done"), attempt("b"), T0 + PENDING_MS * 10)?.state).toBe("done");
  });
});

describe("the refund book", () => {
  it("Should keep one outcome per complaint, the newest, and ids only the prototype knows apart", () => {
    const book = withOutcome(withOutcome(emptyRefunds(), "x", outcome("a", "failed")), "x", outcome("b", "done"));
    expect(outcomeOf(book, "x")?.attempt).toBe("b");
    expect(outcomeOf(book, "constructor")).toBeNull();
    expect(outcomeOf(withOutcome(book, "__proto__", outcome("c", "unknown")), "__proto__")?.state).toBe("unknown");
  });

  it("Should read what it wrote, an absent book as empty, and refuse a malformed outcome", () => {
    const book = withOutcome(emptyRefunds(), "x", outcome("a", "done"));
    expect(readRefunds(JSON.parse(JSON.stringify(book)))).toEqual(book);
    expect(readRefunds(undefined)).toEqual(emptyRefunds());
    expect(readRefunds({ x: { ...outcome("a", "done"), state: "pending" } })).toBeNull();
    expect(readRefunds({ x: { ...outcome("a", "done"), total_fee: -1 } })).toBeNull();
    expect(readRefunds([])).toBeNull();
  });
});

describe("refundNote", () => {
  it("Should say the amount in yuan, then the person's note", () => {
    expect(refundNote(2990, "")).toBe("退款 ¥29.90");
    expect(refundNote(5, " 商品未发出 ")).toBe("退款 ¥0.05 商品未发出");
  });
});
