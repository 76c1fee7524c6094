import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Config } from "../config";
import type { Complaint } from "../domain/complaint";
import { emptyOutbox } from "../domain/outbox";
import type { Channel } from "../notify/settings";
import { complaintOf } from "../payjs/complaint";
import { handledKey, Store } from "../store";
import { digestEntry, dueReminders, followUpSettings, followUpsDue, nextFollowUp, settledIds } from "./follow-ups";

const H = 3_600_000;
/** No handled marks stored: their revision reads `absent`. */
const store = new Store(env.COMPLAINTS);
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

describe("nextFollowUp", () => {
  const merchant = { mchid: "100", key: "k", name: null };
  const other = { mchid: "200", key: "k", name: null };
  const channel = (over: Partial<Channel> = {}): Channel =>
    ({ name: "hook", type: {}, options: {}, events: null, merchants: null, digestAt: null, quietHours: null, ...over }) as Channel;
  const config = (channels: Channel[], hours = [24, 48]) =>
    ({ merchants: [merchant, other], channels, remindAfterHours: hours }) as unknown as Config;
  const at = (ms: number) => new Date(ms).toISOString();

  it("Should give the first threshold still ahead of an active complaint, handled or not, and none of a gone one", () => {
    const list = [seen("a", T0), seen("b", T0 - 30 * H), seen("gone", T0 - 23 * H, false)];
    expect(nextFollowUp(config([channel()]), merchant, list, T0 + H).at).toBe(at(T0 - 30 * H + 48 * H));
    expect(nextFollowUp(config([channel()]), merchant, list, T0 + 18 * H).at).toBe(at(T0 + 24 * H));
    // A threshold reached at `now` is the computation's at `now`: the next one comes after.
    expect(nextFollowUp(config([channel()]), merchant, list, T0 + 24 * H).at).toBe(at(T0 + 48 * H));
    expect(nextFollowUp(config([channel()]), merchant, list, T0 + 48 * H).at).toBeNull();
  });

  it("Should count no reminders when no channel takes them for the merchant", () => {
    const list = [seen("a", T0)];
    expect(nextFollowUp(config([channel({ events: new Set(["complaint.new"]) })]), merchant, list, T0).at).toBeNull();
    expect(nextFollowUp(config([channel({ merchants: new Set(["200"]) })]), merchant, list, T0).at).toBeNull();
    expect(nextFollowUp(config([channel()], []), merchant, list, T0).at).toBeNull();
  });

  it("Should give the next digest_at (Beijing time) of a channel whose digest goes out from this merchant", () => {
    const nine = channel({ digestAt: 9 * 60 }); // T0 is 08:00 Beijing
    expect(nextFollowUp(config([nine]), merchant, [], T0).at).toBe(at(T0 + H));
    expect(nextFollowUp(config([nine]), merchant, [], T0 + H).at).toBe(at(T0 + 25 * H));
    expect(nextFollowUp(config([nine]), merchant, [], T0 + H - 1).at).toBe(at(T0 + H));
    // Its digest goes out from the first merchant it covers.
    expect(nextFollowUp(config([nine]), other, [], T0).at).toBeNull();
    expect(nextFollowUp(config([channel({ digestAt: 9 * 60, merchants: new Set(["200"]) })]), other, [], T0).at).toBe(at(T0 + H));
    expect(nextFollowUp(config([channel({ digestAt: 9 * 60, events: new Set(["complaint.new"]) })]), merchant, [], T0).at).toBeNull();
    expect(nextFollowUp(config([nine]), merchant, [seen("a", T0 - 23.5 * H)], T0).at).toBe(at(T0 + 0.5 * H));
  });

  it("Should tell settings apart by thresholds, digest times and channels, and trust a bound only under its own", async () => {
    const base = followUpSettings(config([channel()]), merchant);
    expect(followUpSettings(config([channel()]), merchant)).toBe(base);
    expect(followUpSettings(config([channel()], [1]), merchant)).not.toBe(base);
    expect(followUpSettings(config([channel({ digestAt: 540 })]), merchant)).not.toBe(base);
    expect(followUpSettings(config([channel({ digestAt: 540 })]), merchant)).not.toBe(
      followUpSettings(config([channel({ digestAt: 600 })]), merchant),
    );
    expect(followUpSettings(config([channel({ name: "other" })]), merchant)).not.toBe(base);
    expect(followUpSettings(config([channel({ events: new Set(["complaint.new"]) })]), merchant)).not.toBe(base);

    const c = config([channel()]);
    const outbox = emptyOutbox();
    const bound = nextFollowUp(c, merchant, [seen("a", T0)], T0, "absent");
    expect(await followUpsDue(c, store, merchant, null, outbox, T0)).toBe(true);
    expect(await followUpsDue(c, store, merchant, bound, outbox, T0 + 24 * H - 1)).toBe(false);
    expect(await followUpsDue(c, store, merchant, bound, outbox, T0 + 24 * H)).toBe(true);
    expect(await followUpsDue(config([channel()], [1]), store, merchant, bound, outbox, T0 + 1)).toBe(true);
    expect(await followUpsDue(c, store, merchant, { at: null, settings: bound.settings, marks: "absent" }, outbox, T0 + 1000 * H)).toBe(
      false,
    );
    // A mark put on or taken off since: a threshold that passed while it was on may be due now.
    await env.COMPLAINTS.put(handledKey(merchant.mchid), JSON.stringify({ format: 2, rev: "r1", marks: {} }));
    expect(await followUpsDue(c, store, merchant, bound, outbox, T0 + 1)).toBe(true);
    expect(await followUpsDue(c, store, merchant, { ...bound, marks: "r1" }, outbox, T0 + 1)).toBe(false);
    await env.COMPLAINTS.delete(handledKey(merchant.mchid));
  });

  it("Should work them out whenever a queued reminder is about to go, so one of a handled complaint is dropped first", async () => {
    const c = config([channel()]);
    const bound = nextFollowUp(c, merchant, [seen("a", T0)], T0, "absent");
    const outbox = emptyOutbox();
    const reminder = {
      id: "hook|reminder:a#24",
      channel: "hook",
      event: "complaint.reminder" as const,
      complaint_ids: ["a#24"],
      notification: {} as never,
      state: "pending" as const,
      attempts: 1,
      created_at: at(T0),
      next_attempt_at: at(T0 + 5 * 60_000),
      done_at: null,
      last_error: null,
    };
    outbox.entries.push(reminder);
    expect(await followUpsDue(c, store, merchant, bound, outbox, T0 + 60_000)).toBe(false);
    expect(await followUpsDue(c, store, merchant, bound, outbox, T0 + 5 * 60_000)).toBe(true);
    reminder.event = "complaint.new" as never;
    expect(await followUpsDue(c, store, merchant, bound, outbox, T0 + 5 * 60_000)).toBe(false);
  });
});
