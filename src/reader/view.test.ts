import { describe, expect, it } from "vitest";
import { complaintAt, snapshotOf } from "../../test/support/snapshot";
import { DEFAULT_RULES, type DeadlineRules } from "../domain/deadlines";
import { emptyBook, type Mark, UNMARKED, withMark } from "../domain/marks";
import { served } from "../domain/served";
import { type MarksView, NO_MARKS } from "./marks";
import { buildView, handlingCounts, type Row, servedRow, type View, viewKey } from "./view";

/** Every row of a view, worked out. */
const allRows = (v: View): Row[] => Array.from({ length: v.size }, (_, i) => v.row(i));

/** 2026-11-08 12:00 in Beijing. */
const NOW = Date.parse("2026-11-08T04:00:00Z");
const REPLIED: Mark = { at: "2026-11-07T02:00:00.000Z", note: "answered", by: null };
const HANDLED: Mark = { at: "2026-11-07T03:00:00.000Z", note: "refunded", by: null };
const NO_DEADLINES: DeadlineRules = { replyWithinHours: null, resolveWithinHours: null, remindBeforeHours: [] };

/** In the snapshot's order: a, b, d, c, e, f, g. */
const SNAPSHOT = snapshotOf([
  complaintAt("a", "100", "2026-11-08T01:13:29+08:00", { raw: { complaint_id: "a" } }),
  complaintAt("b", "100", "2026-11-07T00:00:00+08:00"),
  complaintAt("c", "100", "2026-11-05T00:00:00+08:00"),
  complaintAt("d", "100", "2026-11-06T00:00:00+08:00"),
  complaintAt("e", "100", "2026-11-04T00:00:00+08:00", { active: false }),
  complaintAt("f", "200", "2026-11-01T00:00:00+08:00"),
  // No time: its deadlines count from first_seen_at, 2026-11-01 08:00 in Beijing.
  complaintAt("g", "100", "not a time"),
]);
/** b replied and d handled for merchant 100; "a" handled for merchant 200, which has no complaint "a". */
const MARKS: MarksView = {
  byMerchant: new Map([
    ["100", { book: withMark(withMark(emptyBook(), "replied", "b", REPLIED), "handled", "d", HANDLED), rev: "1", error: null }],
    ["200", { book: withMark(emptyBook(), "handled", "a", HANDLED), rev: "2", error: null }],
  ]),
  revision: "m",
};
const view = buildView(SNAPSHOT, MARKS, DEFAULT_RULES);
const row = (id: string) => allRows(view).find((r) => r.complaint.id === id) ?? expect.unreachable(`no row ${id}`);

describe("buildView", () => {
  it("Should give one row per complaint, in the snapshot's order, with its complaint and position as they are", () => {
    expect(allRows(view).map((r) => r.complaint.id)).toEqual(["a", "b", "d", "c", "e", "f", "g"]);
    allRows(view).forEach((r, i) => {
      expect(r.complaint).toBe(SNAPSHOT.complaints[i]);
      expect(r.position).toBe(SNAPSHOT.positions[i]);
    });
    expect(view.snapshot).toBe(SNAPSHOT);
  });

  it("Should work out each row's marks, deadlines, next_due and handled once, by its own merchant's marks", () => {
    expect(allRows(view).map((r) => [r.complaint.id, r.next_due, r.due, r.handled])).toEqual([
      ["a", "2026-11-09T01:13:29+08:00", Date.parse("2026-11-09T01:13:29+08:00"), false],
      ["b", "2026-11-10T00:00:00+08:00", Date.parse("2026-11-10T00:00:00+08:00"), false], // replied: the resolve deadline
      ["d", null, null, true],
      ["c", "2026-11-06T00:00:00+08:00", Date.parse("2026-11-06T00:00:00+08:00"), false],
      ["e", null, null, false], // no longer listed by PAYJS
      ["f", "2026-11-02T00:00:00+08:00", Date.parse("2026-11-02T00:00:00+08:00"), false],
      ["g", "2026-11-02T08:00:00+08:00", Date.parse("2026-11-02T08:00:00+08:00"), false],
    ]);
    expect(row("a").deadlines).toEqual({ reply_by: "2026-11-09T01:13:29+08:00", resolve_by: "2026-11-11T01:13:29+08:00" });
    expect(row("a").marks).toEqual(UNMARKED);
    expect(row("b").marks).toEqual({ replied: REPLIED, handled: null, refund: null });
    expect(row("d").marks).toEqual({ replied: null, handled: HANDLED, refund: null });
    expect(row("d").deadlines.reply_by).toBe("2026-11-07T00:00:00+08:00");
  });

  it("Should follow the deadline settings it is given", () => {
    const rows = allRows(buildView(SNAPSHOT, MARKS, NO_DEADLINES));
    expect(rows.every((r) => r.next_due === null && r.due === null && r.deadlines.reply_by === null)).toBe(true);
    expect(rows.map((r) => r.handled)).toEqual(allRows(view).map((r) => r.handled));
  });

  it("Should change its revision with the snapshot, the marks and the deadline settings, and only with them", () => {
    expect(view.revision).toBe(`r|m|24/72/12,2`);
    expect(buildView(SNAPSHOT, MARKS, DEFAULT_RULES).revision).toBe(view.revision);
    const others = [
      buildView({ ...SNAPSHOT, revision: "r2" }, MARKS, DEFAULT_RULES),
      buildView(SNAPSHOT, { ...MARKS, revision: "m2" }, DEFAULT_RULES),
      buildView(SNAPSHOT, MARKS, { ...DEFAULT_RULES, remindBeforeHours: [12] }),
      buildView(SNAPSHOT, MARKS, { ...DEFAULT_RULES, replyWithinHours: 48 }),
      buildView(SNAPSHOT, MARKS, { ...DEFAULT_RULES, resolveWithinHours: null }),
    ].map((v) => v.revision);
    expect(new Set([view.revision, ...others]).size).toBe(6);
    expect(view.revision.endsWith(viewKey(MARKS, DEFAULT_RULES))).toBe(true);
    expect(viewKey(MARKS, DEFAULT_RULES)).not.toBe(viewKey(MARKS, NO_DEADLINES));
  });
});

describe("byDue", () => {
  it("Should order the rows soonest next_due first, those without one last in the snapshot's order", () => {
    const ids = view.byDue().map((i) => view.row(i)?.complaint.id);
    expect(ids).toEqual(["f", "g", "c", "a", "b", "d", "e"]);
  });

  it("Should order rows of one next_due by their position, and work the order out once", () => {
    const ties = buildView(
      snapshotOf([
        complaintAt("y", "200", "2026-11-08T00:00:00+08:00"),
        complaintAt("x", "100", "2026-11-08T00:00:00+08:00"),
        complaintAt("z", "100", "2026-11-08T00:00:00+08:00"),
        complaintAt("w", "100", "2026-11-09T00:00:00+08:00", { active: false }),
        complaintAt("v", "100", "2026-11-07T00:00:00+08:00"),
      ]),
      NO_MARKS,
      DEFAULT_RULES,
    );
    expect(allRows(ties).map((r) => r.complaint.id)).toEqual(["w", "x", "z", "y", "v"]);
    expect(ties.byDue().map((i) => ties.row(i)?.complaint.id)).toEqual(["v", "x", "z", "y", "w"]);
    expect(ties.byDue()).toBe(ties.byDue());
  });
});

describe("servedRow", () => {
  it("Should show a row's complaint as the API shows it, every stored field then deadlines, next_due and marks, raw last", () => {
    for (const r of allRows(view)) {
      const shown = servedRow(r);
      expect(shown).toEqual(served(r.complaint, r.marks, DEFAULT_RULES));
      expect(Object.keys(shown)).toEqual(Object.keys(served(r.complaint, r.marks, DEFAULT_RULES)));
    }
    const b = row("b");
    expect(Object.keys(servedRow(b))).toEqual([
      ...Object.keys(b.complaint).filter((k) => k !== "raw"),
      "deadlines",
      "next_due",
      "replied",
      "handled",
      "refund",
      "raw",
    ]);
    expect(servedRow(b)).toMatchObject({ id: "b", next_due: "2026-11-10T00:00:00+08:00", replied: REPLIED, handled: null });
    expect(servedRow(row("a")).raw).toBe(row("a").complaint.raw);
  });
});

describe("handlingCounts", () => {
  it("Should count one merchant's active unhandled complaints, those overdue, and the earliest next_due still ahead", () => {
    expect(handlingCounts(view, "100", NOW)).toEqual({
      complaints_unhandled: 4, // a, b, c, g: d is handled, e gone
      complaints_overdue: 2, // c, g
      next_due_at: "2026-11-09T01:13:29+08:00", // a's, before b's
    });
    expect(handlingCounts(view, "200", NOW)).toEqual({ complaints_unhandled: 1, complaints_overdue: 1, next_due_at: null });
    expect(handlingCounts(view, "300", NOW)).toEqual({ complaints_unhandled: 0, complaints_overdue: 0, next_due_at: null });
  });

  it("Should count a complaint overdue the moment its next_due comes", () => {
    const due = Date.parse("2026-11-09T01:13:29+08:00");
    expect(handlingCounts(view, "100", due - 1)).toMatchObject({ complaints_overdue: 2, next_due_at: "2026-11-09T01:13:29+08:00" });
    expect(handlingCounts(view, "100", due)).toMatchObject({ complaints_overdue: 3, next_due_at: "2026-11-10T00:00:00+08:00" });
  });

  it("Should count unhandled complaints without a deadline, never as overdue", () => {
    const none = buildView(SNAPSHOT, MARKS, NO_DEADLINES);
    expect(handlingCounts(none, "100", NOW)).toEqual({ complaints_unhandled: 4, complaints_overdue: 0, next_due_at: null });
  });
});
