import { describe, expect, it } from "vitest";
import type { Config } from "../config";
import type { Complaint } from "../domain/complaint";
import { emptyOutbox } from "../domain/outbox";
import type { Channel } from "../notify/settings";
import { complaintOf } from "../payjs/complaint";
import { digestChannels, digestEntry, dueReminders, settledIds } from "./follow-ups";

const H = 3_600_000;
const T0 = Date.parse("2026-12-01T00:00:00Z");
const seen = (id: string, at: number, active = true): Complaint =>
  complaintOf("100", { id, raw: { complaint_id: id }, first_seen_at: new Date(at).toISOString(), last_seen_at: "", active }, null);

describe("dueReminders", () => {
  it("Should give each passed threshold of each active, unhandled complaint, oldest complaint first", () => {
    const list = [seen("new", T0), seen("old", T0 - 30 * H), seen("gone", T0 - 30 * H, false), seen("done", T0 - 30 * H)];
    const due = dueReminders(list, { done: { at: "2026-12-01T00:00:00Z", note: "" } }, [24, 48], T0 + 25 * H);
    expect(due.map((r) => [r.complaint.id, r.hours])).toEqual([
      ["old", 24],
      ["old", 48],
      ["new", 24],
    ]);
  });

  it("Should not send a reminder more than 6 days late", () => {
    expect(dueReminders([seen("a", T0)], {}, [24], T0 + 24 * H + 6 * 24 * H - 1)).toHaveLength(1);
    expect(dueReminders([seen("a", T0)], {}, [24], T0 + 24 * H + 6 * 24 * H)).toHaveLength(0);
  });
});

describe("settledIds and digestEntry", () => {
  it("Should count handled and gone complaints as settled, and sum a merchant's day", () => {
    const list = [seen("a", T0), seen("b", T0 - 30 * H), seen("gone", T0, false)];
    const marks = { a: { at: "2026-12-01T01:00:00Z", note: "" } };
    expect([...settledIds(list, marks)].sort()).toEqual(["a", "gone"]);
    expect(digestEntry({ mchid: "100", key: "k", name: "店" }, list, marks, T0 + H)).toEqual({
      mchid: "100",
      name: "店",
      new_24h: 2,
      active: 2,
      unhandled: 1,
      oldest_unhandled_at: new Date(T0 - 30 * H).toISOString(),
    });
  });
});

describe("digestChannels", () => {
  const merchant = { mchid: "100", key: "k", name: null };
  const other = { mchid: "200", key: "k", name: null };
  const channel = (over: Partial<Channel> = {}): Channel =>
    ({ name: "hook", type: {}, options: {}, events: null, merchants: null, digestAt: null, quietHours: null, ...over }) as Channel;
  const config = (channels: Channel[]) => ({ merchants: [merchant, other], channels, remindAfterHours: [24, 48] }) as unknown as Config;
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
