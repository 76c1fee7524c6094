import { describe, expect, it } from "vitest";
import {
  emptyRefunds,
  outcomeOf,
  PENDING_MS,
  REFUND_ATTEMPT,
  type RefundAttempt,
  type RefundOutcome,
  readRefunds,
  refundNote,
  refundOf,
  withOutcome,
} from "./refund";

const T0 = Date.parse("2026-12-05T10:00:00.000Z");
const attempt = (id: string, at = T0): RefundAttempt => ({
  attempt: id,
  at: new Date(at).toISOString(),
  total_fee: 2990,
  note: "",
  by: null,
});
const outcome = (id: string, state: RefundOutcome["state"], message: string | null = null): RefundOutcome => ({
  attempt: id,
  state,
  at: new Date(T0 + 1000).toISOString(),
  total_fee: 2990,
  note: "",
  message,
  by: null,
});

describe("refundOf: the refund as it stands", () => {
  it("Should be none without an attempt or an outcome", () => {
    expect(refundOf(null, null, T0)).toBeNull();
  });

  it("Should be pending while the latest attempt has no outcome, and unknown after 2 minutes", () => {
    expect(refundOf(null, attempt("a"), T0 + PENDING_MS - 1)).toEqual({ state: "pending", at: attempt("a").at, total_fee: 2990, by: null });
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
      by: null,
    });
    const asked = { ...outcome("a", "done"), by: "店长手机" };
    expect(refundOf(asked, null, T0)).toEqual({ state: "done", at: asked.at, total_fee: 2990, by: "店长手机" });
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
    expect(readRefunds({ x: { ...outcome("a", "done"), by: 1 } })).toBeNull();
  });

  it("Should read an outcome and an attempt stored before `by` was kept as asked by a configured token", () => {
    const { by: _, ...old } = outcome("a", "done");
    expect(outcomeOf(readRefunds({ x: old }) ?? emptyRefunds(), "x")?.by).toBeNull();
    const { by: __, ...oldAttempt } = attempt("a");
    expect(REFUND_ATTEMPT.read(oldAttempt)?.by).toBeNull();
    expect(REFUND_ATTEMPT.read({ ...attempt("a"), by: "前台" })?.by).toBe("前台");
  });
});

describe("refundNote", () => {
  it("Should say the amount in yuan, then the person's note", () => {
    expect(refundNote(2990, "")).toBe("退款 ¥29.90");
    expect(refundNote(5, " 商品未发出 ")).toBe("退款 ¥0.05 商品未发出");
  });
});
