import { describe, expect, it } from "vitest";
import { complaintOf } from "../domain/complaint";
import { DEFAULT_RULES } from "../domain/deadlines";
import { emptyBook, type MarkBook, marksIn, withMark } from "../domain/marks";
import { type RefundOutcome, refundNote, withOutcome } from "../domain/refund";
import { served } from "../domain/served";
import { DAY_MS } from "../domain/time";
import { REFUND_LATE_LIMIT_MS, refundNews } from "./refund-news";

const T0 = Date.parse("2026-12-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

const outcome = (state: RefundOutcome["state"], at = T0, over: Partial<RefundOutcome> = {}): RefundOutcome => ({
  attempt: `att-${state}-${at}`,
  state,
  at: iso(at),
  total_fee: 2990,
  note: "",
  message: state === "done" ? null : "余额不足",
  ...over,
});

/** A book as the route leaves it: each outcome, and the handled mark a done refund leaves. */
function book(outcomes: Record<string, RefundOutcome>): MarkBook {
  let b = emptyBook();
  for (const [id, o] of Object.entries(outcomes)) {
    b = { ...b, refunds: withOutcome(b.refunds, id, o) };
    if (o.state === "done") b = withMark(b, "handled", id, { at: o.at, note: refundNote(o.total_fee, o.note) });
  }
  return b;
}

/** Merchant `mchid`'s complaints `ids`, served with `b`. */
const complaints = (mchid: string, ids: string[], b: MarkBook) =>
  ids.map((id) =>
    served(
      complaintOf(
        mchid,
        { id, raw: { complaint_id: id, total_fee: 2990 }, first_seen_at: iso(T0), last_seen_at: iso(T0), active: true },
        null,
      ),
      marksIn(b, id),
      DEFAULT_RULES,
    ),
  );

const told = (b: MarkBook, mchid: string, ids: string[], now: number) =>
  refundNews(b.refunds, complaints(mchid, ids, b), now).map((r) => [r.complaint.mchid, r.complaint.id, r.attempt]);

describe("refundNews", () => {
  it("Should tell each done refund with its attempt, amount, time and note, the complaint served with its refund and mark", () => {
    const b = book({ A: outcome("done", T0, { note: "客户同意" }) });
    const [item, ...more] = refundNews(b.refunds, complaints("100", ["A", "B"], b), T0 + 60_000);
    expect(more).toEqual([]);
    expect(item).toMatchObject({ attempt: `att-done-${T0}`, at: iso(T0), total_fee: 2990, note: "客户同意" });
    expect(item?.complaint).toMatchObject({
      id: "A",
      mchid: "100",
      refund: { state: "done", at: iso(T0), total_fee: 2990 },
      handled: { note: "退款 ¥29.90 客户同意" },
    });
  });

  it("Should tell nothing of failed or unknown refunds, nor of complaints without one", () => {
    const b = book({ F: outcome("failed"), U: outcome("unknown") });
    expect(told(b, "100", ["F", "U", "N"], T0 + 60_000)).toEqual([]);
  });

  it("Should tell a refund done after a failed try, by the attempt that refunded it", () => {
    const failed = book({ A: outcome("failed", T0) });
    expect(told(failed, "100", ["A"], T0 + 60_000)).toEqual([]);
    const done = book({ A: outcome("done", T0 + 120_000, { attempt: "second" }) });
    expect(told(done, "100", ["A"], T0 + 180_000)).toEqual([["100", "A", "second"]]);
  });

  it("Should list refunds oldest first, and stop telling one 6 days after it was done", () => {
    const b = book({ late: outcome("done", T0 + DAY_MS), early: outcome("done", T0) });
    expect(told(b, "100", ["late", "early"], T0 + DAY_MS).map(([, id]) => id)).toEqual(["early", "late"]);
    expect(told(b, "100", ["late", "early"], T0 + REFUND_LATE_LIMIT_MS - 1).map(([, id]) => id)).toEqual(["early", "late"]);
    expect(told(b, "100", ["late", "early"], T0 + REFUND_LATE_LIMIT_MS).map(([, id]) => id)).toEqual(["late"]);
    expect(REFUND_LATE_LIMIT_MS).toBe(6 * DAY_MS);
  });

  it("Should not mix up merchants: each merchant's complaints with its own book, ids shared or not", () => {
    const mine = book({ A: outcome("done", T0, { attempt: "mine" }) });
    const theirs = book({ B: outcome("done", T0, { attempt: "theirs" }) });
    // Both merchants have complaints A and B; each book refunds one of them.
    expect(told(mine, "100", ["A", "B"], T0)).toEqual([["100", "A", "mine"]]);
    expect(told(theirs, "200", ["A", "B"], T0)).toEqual([["200", "B", "theirs"]]);
  });
});
