import { describe, expect, it } from "vitest";
import { madeComplaint, pendingEntry } from "../../../test/support/alerts";
import { DAY, HOUR } from "../../../test/support/time";
import { DEFAULT_RULES, type DeadlineKind, deadlineKey } from "../../domain/deadlines";
import { UNMARKED } from "../../domain/marks";
import type { OutboxEntry } from "../../domain/outbox";
import type { ServedComplaint } from "../../domain/served";
import { deadlineNews, keepItems, type OverdueItem } from "./deadlines";

const T0 = Date.parse("2026-12-01T00:00:00Z");
const MARK = { at: "2026-12-01T00:00:00Z", note: "", by: null };

const told = (list: ServedComplaint[], now: number) => {
  const news = deadlineNews(list, DEFAULT_RULES.remindBeforeHours, now);
  return {
    due: news.due.map((d) => [d.complaint.id, d.deadline, d.hours, d.hours_left]),
    overdue: news.overdue.map((d) => [d.complaint.id, d.deadline]),
    open: [...news.open].sort(),
  };
};

describe("deadlineNews", () => {
  it("Should tell the smallest threshold passed before each open deadline, and overdue once it passed, soonest first", () => {
    const c = madeComplaint("c", T0);
    expect(told([c], T0 + 11 * HOUR).due).toEqual([]);
    expect(told([c], T0 + 12 * HOUR).due).toEqual([["c", "reply", 12, 12]]);
    expect(told([c], T0 + 12.5 * HOUR).due).toEqual([["c", "reply", 12, 11.5]]);
    // Both thresholds passed since the last tick: only the 2-hour one.
    expect(told([c], T0 + 23 * HOUR).due).toEqual([["c", "reply", 2, 1]]);
    expect(told([c], T0 + 24 * HOUR)).toEqual({ due: [], overdue: [["c", "reply"]], open: ["c#reply", "c#resolve"] });
    expect(told([c], T0 + 70 * HOUR)).toEqual({ due: [["c", "resolve", 2, 2]], overdue: [["c", "reply"]], open: ["c#reply", "c#resolve"] });
    const later = madeComplaint("later", T0 + HOUR);
    expect(told([later, c], T0 + 13 * HOUR).due.map(([id]) => id)).toEqual(["c", "later"]);
  });

  it("Should give the hours left to one decimal, rounded down", () => {
    const c = madeComplaint("c", T0);
    // 11.95 hours left is 11.9, never 12.
    expect(told([c], T0 + 12 * HOUR + 3 * 60_000).due).toEqual([["c", "reply", 12, 11.9]]);
  });

  it("Should never tell a moment that had passed when the complaint was first seen", () => {
    // Seen 13 hours after it was made: the reply's 12-hour moment had passed, its 2-hour one had not.
    const late = madeComplaint("late", T0, T0 + 13 * HOUR);
    expect(told([late], T0 + 13.5 * HOUR).due).toEqual([]);
    expect(told([late], T0 + 22 * HOUR).due).toEqual([["late", "reply", 2, 2]]);
    // Seen after both deadlines: nothing, ever (though both stay open).
    const past = madeComplaint("past", T0, T0 + 73 * HOUR);
    for (const now of [T0 + 73 * HOUR, T0 + 80 * HOUR]) {
      expect(told([past], now)).toEqual({ due: [], overdue: [], open: ["past#reply", "past#resolve"] });
    }
  });

  it("Should close the reply when replied, both when handled or gone, and not tell an overdue more than 6 days late", () => {
    const replied = madeComplaint("r", T0, T0, { replied: MARK, handled: null, refund: null });
    expect(told([replied], T0 + 24 * HOUR)).toEqual({ due: [], overdue: [], open: ["r#resolve"] });
    const handled = madeComplaint("h", T0, T0, { replied: null, handled: MARK, refund: null });
    expect(told([handled], T0 + 24 * HOUR)).toEqual({ due: [], overdue: [], open: [] });
    const gone = madeComplaint("g", T0, T0, UNMARKED, false);
    expect(told([gone], T0 + 24 * HOUR)).toEqual({ due: [], overdue: [], open: [] });
    const c = madeComplaint("c", T0);
    expect(told([c], T0 + 24 * HOUR + 6 * DAY - 1).overdue).toEqual([
      ["c", "reply"],
      ["c", "resolve"],
    ]);
    expect(told([c], T0 + 24 * HOUR + 6 * DAY).overdue).toEqual([["c", "resolve"]]);
  });

  it("Should tell no threshold when the settings set none", () => {
    const c = madeComplaint("c", T0);
    expect(deadlineNews([c], [], T0 + 23 * HOUR).due).toEqual([]);
  });
});

describe("keepItems", () => {
  const at = new Date(T0).toISOString();
  const item = (id: string, deadline: DeadlineKind = "reply"): OverdueItem => ({
    complaint: madeComplaint(id, T0 - 25 * HOUR),
    deadline,
    due_at: new Date(T0 - HOUR).toISOString(),
  });
  const mark = (d: OverdueItem) => deadlineKey(d.complaint.id, d.deadline);
  /** A chat channel's pending message of three deadlines, marked as told. */
  const entry = () => {
    const items = [item("a"), item("b"), item("c", "resolve")];
    const notification = { kind: "overdue", event: "complaint.overdue", at, mchid: "100", merchantName: null, items };
    const e = pendingEntry(at, { id: `chat|overdues:${at}`, channel: "chat", event: "complaint.overdue", complaint_ids: items.map(mark) });
    return { ...e, notification };
  };
  const ids = (e: OutboxEntry | null) => (e?.notification as { items: OverdueItem[] } | undefined)?.items.map(mark);

  it("Should give the entry back as it is when it keeps every item", () => {
    const e = entry();
    expect(keepItems(e, () => true, mark)).toBe(e);
  });

  it("Should drop the entry when it keeps no item", () => {
    expect(keepItems(entry(), () => false, mark)).toBeNull();
  });

  it("Should keep the other items, and only their marks, so a deadline dropped unsaid is told again when it opens again", () => {
    const e = entry();
    const kept = keepItems(e, (d) => d.complaint.id !== "a", mark);
    expect(ids(kept)).toEqual(["b#reply", "c#resolve"]);
    expect(kept?.complaint_ids).toEqual(["b#reply", "c#resolve"]);
    // Everything else as it was, and the entry it was given untouched.
    expect(kept).toMatchObject({ id: e.id, channel: "chat", event: "complaint.overdue", state: "pending", notification: { at } });
    expect(e.complaint_ids).toEqual(["a#reply", "b#reply", "c#resolve"]);
    expect(ids(e)).toEqual(["a#reply", "b#reply", "c#resolve"]);
  });
});
