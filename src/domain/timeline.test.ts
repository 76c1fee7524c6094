import { describe, expect, it } from "vitest";
import type { LogEntry } from "./marks";
import type { TrailEntry } from "./outbox";
import { timelineOf } from "./timeline";

const T = (h: number) => new Date(Date.parse("2026-11-27T00:00:00.000Z") + h * 3_600_000).toISOString();
const active = { first_seen_at: T(0), last_seen_at: T(0), active: true };

describe("timelineOf: what happened to a complaint, oldest first", () => {
  it("Should begin with when it was first seen, then its alerts, marks and refund in time order, each with who and what", () => {
    const log: LogEntry[] = [
      [T(2), "replied", "店长手机", "打过电话"],
      [T(3), "unreplied", null, null],
      [T(5), "refund", "店长手机", "done"],
      [T(5), "handled", "店长手机", "退款 ¥29.90"],
    ];
    const alerts: TrailEntry[] = [
      [T(1), "complaint.new", "wecom0", "delivered"],
      [T(0.5), "complaint.new", "hook", "failed"],
    ];
    expect(timelineOf(active, log, alerts)).toEqual([
      { at: T(0), kind: "seen" },
      { at: T(0.5), kind: "alert", event: "complaint.new", channel: "hook", outcome: "failed" },
      { at: T(1), kind: "alert", event: "complaint.new", channel: "wecom0", outcome: "delivered" },
      { at: T(2), kind: "replied", by: "店长手机", note: "打过电话" },
      { at: T(3), kind: "unreplied", by: null, note: null },
      { at: T(5), kind: "refund", state: "done", by: "店长手机" },
      { at: T(5), kind: "handled", by: "店长手机", note: "退款 ¥29.90" },
    ]);
  });

  it("Should tell each time it left PAYJS's list and came back, as its moves record", () => {
    const kept = {
      ...active,
      moves: [[T(1), T(2)] as [string, string], [T(3), null] as [string, null]],
      active: false,
      last_seen_at: T(2.5),
    };
    expect(timelineOf(kept, [], []).map((e) => [e.kind, e.at])).toEqual([
      ["seen", T(0)],
      ["gone", T(1)],
      ["back", T(2)],
      ["gone", T(3)],
    ]);
    const back = { ...active, moves: [[T(1), T(2)] as [string, string]], last_seen_at: T(4) };
    expect(timelineOf(back, [], []).map((e) => e.kind)).toEqual(["seen", "gone", "back"]);
  });

  it("Should tell a complaint gone before moves were kept as gone when it was last seen", () => {
    expect(timelineOf({ ...active, active: false, last_seen_at: T(9) }, [], [])).toEqual([
      { at: T(0), kind: "seen" },
      { at: T(9), kind: "gone" },
    ]);
  });
});
