import { describe, expect, it } from "vitest";
import { DEFAULT_RULES, type DeadlineRules, deadlinesOf, isOverdue, nextDue, openDeadlines } from "./deadlines";
import { UNMARKED } from "./marks";

const mark = { at: "2026-11-09T00:00:00.000Z", note: "", by: null };
const at = (complaint_at: string, first_seen_at = "2026-11-08T04:00:00.000Z") => ({ complaint_at, first_seen_at });
const active = { active: true };

describe("deadlines", () => {
  it("Should count both deadlines from complaint_at, not from when the complaint was first seen", () => {
    // Seen four hours after it was made: the deadlines do not move with it.
    expect(deadlinesOf(at("2026-11-08T01:13:29+08:00", "2026-11-07T21:13:29.000Z"), DEFAULT_RULES)).toEqual({
      reply_by: "2026-11-09T01:13:29+08:00",
      resolve_by: "2026-11-11T01:13:29+08:00",
    });
  });

  it("Should cross month and year ends on the Beijing calendar", () => {
    expect(deadlinesOf(at("2026-12-31T22:00:00+08:00"), { ...DEFAULT_RULES, replyWithinHours: 3, resolveWithinHours: 720 })).toEqual({
      reply_by: "2027-01-01T01:00:00+08:00",
      resolve_by: "2027-01-30T22:00:00+08:00",
    });
  });

  it("Should count from first_seen_at when complaint_at is upstream text that is no time", () => {
    const seen = "2026-11-08T04:00:00.000Z"; // 12:00 in Beijing
    expect(deadlinesOf(at("昨天下午", seen), DEFAULT_RULES)).toEqual({
      reply_by: "2026-11-09T12:00:00+08:00",
      resolve_by: "2026-11-11T12:00:00+08:00",
    });
    // In the +08:00 form but no real date: kept as text upstream, so no time here either.
    expect(deadlinesOf(at("2026-02-30T10:00:00+08:00", seen), DEFAULT_RULES).reply_by).toBe("2026-11-09T12:00:00+08:00");
  });

  it("Should give no deadline for hours that are null, and none when no start is known", () => {
    const noReply: DeadlineRules = { ...DEFAULT_RULES, replyWithinHours: null };
    expect(deadlinesOf(at("2026-11-08T01:13:29+08:00"), noReply)).toEqual({ reply_by: null, resolve_by: "2026-11-11T01:13:29+08:00" });
    const none: DeadlineRules = { replyWithinHours: null, resolveWithinHours: null, remindBeforeHours: [] };
    expect(deadlinesOf(at("2026-11-08T01:13:29+08:00"), none)).toEqual({ reply_by: null, resolve_by: null });
    expect(deadlinesOf(at("昨天下午", "not a time"), DEFAULT_RULES)).toEqual({ reply_by: null, resolve_by: null });
  });
});

describe("open deadlines and next_due", () => {
  const deadlines = { reply_by: "2026-11-09T01:13:29+08:00", resolve_by: "2026-11-11T01:13:29+08:00" };

  it("Should keep both deadlines open, reply first, while the complaint is neither replied nor handled", () => {
    expect(openDeadlines(active, deadlines, UNMARKED)).toEqual([
      { kind: "reply", due_at: deadlines.reply_by },
      { kind: "resolve", due_at: deadlines.resolve_by },
    ]);
    expect(nextDue(active, deadlines, UNMARKED)).toBe(deadlines.reply_by);
  });

  it("Should close the reply deadline once replied and move next_due to the resolve deadline", () => {
    const marks = { replied: mark, handled: null, refund: null };
    expect(openDeadlines(active, deadlines, marks)).toEqual([{ kind: "resolve", due_at: deadlines.resolve_by }]);
    expect(nextDue(active, deadlines, marks)).toBe(deadlines.resolve_by);
  });

  it("Should close every deadline once handled, which counts as replied too", () => {
    expect(openDeadlines(active, deadlines, { replied: null, handled: mark, refund: null })).toEqual([]);
    expect(nextDue(active, deadlines, { replied: null, handled: mark, refund: null })).toBeNull();
    expect(nextDue(active, deadlines, { replied: mark, handled: mark, refund: null })).toBeNull();
  });

  it("Should have no next_due once the complaint left PAYJS's list", () => {
    expect(openDeadlines({ active: false }, deadlines, UNMARKED)).toEqual([]);
    expect(nextDue({ active: false }, deadlines, UNMARKED)).toBeNull();
  });

  it("Should skip a missing deadline and order what is open by time, whichever kind comes first", () => {
    expect(nextDue(active, { reply_by: null, resolve_by: deadlines.resolve_by }, UNMARKED)).toBe(deadlines.resolve_by);
    expect(nextDue(active, { reply_by: null, resolve_by: null }, UNMARKED)).toBeNull();
    // A resolve deadline set before the reply's (not what the settings allow, but the order still follows time).
    const odd = { reply_by: "2026-11-10T00:00:00+08:00", resolve_by: "2026-11-09T00:00:00+08:00" };
    expect(openDeadlines(active, odd, UNMARKED).map((d) => d.kind)).toEqual(["resolve", "reply"]);
  });

  it("Should tell a next_due as overdue from the moment it comes", () => {
    const due = "2026-11-09T01:13:29+08:00";
    const ms = Date.parse(due);
    expect(isOverdue(due, ms - 1)).toBe(false);
    expect(isOverdue(due, ms)).toBe(true);
    expect(isOverdue(due, ms + 1)).toBe(true);
    expect(isOverdue(null, ms)).toBe(false);
  });
});
