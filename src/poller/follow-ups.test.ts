import { describe, expect, it } from "vitest";
import type { Config } from "../config";
import { complaintOf } from "../domain/complaint";
import { DEFAULT_RULES } from "../domain/deadlines";
import { type ComplaintMarks, UNMARKED } from "../domain/marks";
import { emptyOutbox } from "../domain/outbox";
import { served } from "../domain/served";
import { toBeijingIso } from "../domain/time";
import type { Channel } from "../notify/settings";
import { deadlineNews } from "./deadline-news";
import { digestChannels, digestEntry } from "./follow-ups";

const H = 3_600_000;
const T0 = Date.parse("2026-12-01T00:00:00Z");
const MARK = { at: "2026-12-01T00:00:00Z", note: "" };
/** Complaint `id` made at `made` and first seen at `seen` (epoch ms). */
const complaint = (id: string, made: number, seen: number, marks: ComplaintMarks = UNMARKED, active = true) =>
  served(
    complaintOf(
      "100",
      {
        id,
        raw: { complaint_id: id, complaint_at: toBeijingIso(made).slice(0, 19).replace("T", " ") },
        first_seen_at: new Date(seen).toISOString(),
        last_seen_at: "",
        active,
      },
      null,
    ),
    marks,
    DEFAULT_RULES,
  );
const told = (list: ReturnType<typeof complaint>[], now: number) => {
  const news = deadlineNews(list, DEFAULT_RULES, now);
  return {
    due: news.due.map((d) => [d.complaint.id, d.deadline, d.hours, d.hours_left]),
    overdue: news.overdue.map((d) => [d.complaint.id, d.deadline]),
    closed: [...news.closed].sort(),
  };
};

describe("deadlineNews", () => {
  it("Should tell the smallest threshold passed before each open deadline, and overdue once it passed, soonest first", () => {
    const c = complaint("c", T0, T0);
    expect(told([c], T0 + 11 * H).due).toEqual([]);
    expect(told([c], T0 + 12 * H).due).toEqual([["c", "reply", 12, 12]]);
    expect(told([c], T0 + 12.5 * H).due).toEqual([["c", "reply", 12, 11.5]]);
    // Both thresholds passed since the last tick: only the 2-hour one.
    expect(told([c], T0 + 23 * H).due).toEqual([["c", "reply", 2, 1]]);
    expect(told([c], T0 + 24 * H)).toEqual({ due: [], overdue: [["c", "reply"]], closed: [] });
    expect(told([c], T0 + 70 * H)).toEqual({ due: [["c", "resolve", 2, 2]], overdue: [["c", "reply"]], closed: [] });
    const later = complaint("later", T0 + H, T0 + H);
    expect(told([later, c], T0 + 13 * H).due.map(([id]) => id)).toEqual(["c", "later"]);
  });

  it("Should never tell a moment that had passed when the complaint was first seen", () => {
    // Seen 13 hours after it was made: the reply's 12-hour moment had passed, its 2-hour one had not.
    const late = complaint("late", T0, T0 + 13 * H);
    expect(told([late], T0 + 13.5 * H).due).toEqual([]);
    expect(told([late], T0 + 22 * H).due).toEqual([["late", "reply", 2, 2]]);
    // Seen after both deadlines: nothing, ever.
    const past = complaint("past", T0, T0 + 73 * H);
    for (const now of [T0 + 73 * H, T0 + 80 * H]) expect(told([past], now)).toEqual({ due: [], overdue: [], closed: [] });
  });

  it("Should close the reply when replied, both when handled or gone, and not tell an overdue more than 6 days late", () => {
    const replied = complaint("r", T0, T0, { replied: MARK, handled: null, refund: null });
    expect(told([replied], T0 + 24 * H)).toEqual({ due: [], overdue: [], closed: ["r#reply"] });
    const handled = complaint("h", T0, T0, { replied: null, handled: MARK, refund: null });
    expect(told([handled], T0 + 24 * H).closed).toEqual(["h#reply", "h#resolve"]);
    const gone = complaint("g", T0, T0, UNMARKED, false);
    expect(told([gone], T0 + 24 * H).closed).toEqual(["g#reply", "g#resolve"]);
    const c = complaint("c", T0, T0);
    expect(told([c], T0 + 24 * H + 6 * 24 * H - 1).overdue).toEqual([
      ["c", "reply"],
      ["c", "resolve"],
    ]);
    expect(told([c], T0 + 24 * H + 6 * 24 * H).overdue).toEqual([["c", "resolve"]]);
  });
});

describe("digestEntry", () => {
  it("Should count a merchant's day: new, active, unhandled, due within 24 h, overdue, oldest unhandled", () => {
    const list = [
      complaint("new", T0 + 20 * H, T0 + 20 * H),
      complaint("overdue", T0 - 30 * H, T0 - 30 * H),
      complaint("handled", T0, T0, { replied: null, handled: MARK, refund: null }),
      complaint("gone", T0, T0, UNMARKED, false),
    ];
    expect(digestEntry({ mchid: "100", key: "k", name: "店" }, list, T0 + 21 * H)).toEqual({
      mchid: "100",
      name: "店",
      new_24h: 3,
      active: 3,
      unhandled: 2,
      due_24h: 1,
      overdue: 1,
      oldest_unhandled_at: new Date(T0 - 30 * H).toISOString(),
    });
  });
});

describe("digestChannels", () => {
  const merchant = { mchid: "100", key: "k", name: null };
  const other = { mchid: "200", key: "k", name: null };
  const channel = (over: Partial<Channel> = {}): Channel =>
    ({ name: "hook", type: {}, options: {}, events: null, merchants: null, digestAt: null, quietHours: null, ...over }) as Channel;
  const config = (channels: Channel[]) => ({ merchants: [merchant, other], channels, deadlines: DEFAULT_RULES }) as unknown as Config;
  const due = (c: Config, m: typeof merchant, now: number) => [...digestChannels(c, m, emptyOutbox(), now)];

  it("Should send a channel's digest from the first merchant it covers, once its digest_at (Beijing time) has come", () => {
    const nine = channel({ digestAt: 9 * 60 }); // T0 is 08:00 Beijing
    expect(due(config([nine]), merchant, T0)).toEqual([]);
    expect(due(config([nine]), merchant, T0 + H)).toEqual([["hook", "2026-12-01"]]);
    expect(due(config([nine]), other, T0 + H)).toEqual([]);
    expect(due(config([channel({ digestAt: 9 * 60, merchants: new Set(["200"]) })]), other, T0 + H)).toEqual([["hook", "2026-12-01"]]);
    expect(due(config([channel({ digestAt: 9 * 60, events: new Set(["complaint.new"]) })]), merchant, T0 + H)).toEqual([]);
  });
});
