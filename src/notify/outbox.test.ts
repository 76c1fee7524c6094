import { describe, expect, it } from "vitest";
import { complaintsNamed, newsOf, pendingEntry, testChannel } from "../../test/support/alerts";
import { DAY, HOUR, MINUTE } from "../../test/support/time";
import { applyDeliveries, emptyOutbox, noTrail, type Outbox, type OutboxEntry } from "../domain/outbox";
import { queueNews } from "./events";
import { channelStatus, dueEntries, inQuietHours, progressOf, prune, recordAttempt } from "./outbox";

/** 08:00 in Beijing. */
const T0 = Date.parse("2026-11-27T00:00:00Z");
const at = new Date(T0).toISOString();
const chat = testChannel("chat", "slack");
const hook = testChannel("hook", "webhook");
const iso = (ms: number) => new Date(ms).toISOString();

/** An outbox holding complaint `id`'s `complaint.new` for `channels`. */
function queued(id: string, channels = [hook]): Outbox {
  const outbox = emptyOutbox();
  queueNews(outbox, newsOf(at, { fresh: complaintsNamed(id) }), channels);
  return outbox;
}

describe("attempts", () => {
  it("Should retry after 5, 15, 30, 60, 120 minutes, then give up, and drop the payload when done", () => {
    const outbox = queued("a");
    const entry = outbox.entries[0]!;
    let now = T0;
    const waits: number[] = [];
    while (entry.state === "pending") {
      expect(dueEntries(outbox, [hook], now)).toEqual([entry]);
      recordAttempt(outbox, entry, { ok: false, code: "http_error", message: "HTTP 500" }, now);
      if (entry.next_attempt_at !== null) {
        waits.push(Date.parse(entry.next_attempt_at) - now);
        expect(dueEntries(outbox, [hook], now + 1000)).toEqual([]);
        now = Date.parse(entry.next_attempt_at);
      }
    }
    expect(waits.map((w) => w / 60_000)).toEqual([5, 15, 30, 60, 120]);
    expect(entry).toMatchObject({ state: "given_up", attempts: 6, notification: null });
    expect(channelStatus([hook], [outbox])[0]).toMatchObject({ pending: 0, given_up: 1, last_error: { code: "http_error" } });
  });

  it("Should mark a delivery done, drop its payload, and clear the channel's error", () => {
    const outbox = queued("a");
    const entry = outbox.entries[0]!;
    recordAttempt(outbox, entry, { ok: false, code: "timeout", message: "slow" }, T0);
    expect(outbox.channels.hook).toEqual({ last_delivery_at: null, last_error: { code: "timeout", message: "slow", at } });
    recordAttempt(outbox, entry, { ok: true }, T0 + 5 * MINUTE);
    expect(entry).toMatchObject({
      state: "delivered",
      attempts: 2,
      next_attempt_at: null,
      done_at: iso(T0 + 5 * MINUTE),
      notification: null,
      last_error: null,
    });
    expect(outbox.channels.hook).toEqual({ last_delivery_at: iso(T0 + 5 * MINUTE), last_error: null });
  });

  it("Should not show an older error of another merchant once the channel delivered since", () => {
    const failed = queued("a");
    recordAttempt(failed, failed.entries[0]!, { ok: false, code: "timeout", message: "slow" }, T0);
    const delivered = queued("b");
    recordAttempt(delivered, delivered.entries[0]!, { ok: true }, T0 + 60_000);
    expect(channelStatus([hook], [failed, delivered])[0]).toMatchObject({
      last_error: null,
      pending: 1,
      last_delivery_at: new Date(T0 + 60_000).toISOString(),
    });
  });

  it("Should show a channel's latest error when it came after its last delivery, and nothing of a channel never used", () => {
    const delivered = queued("a");
    recordAttempt(delivered, delivered.entries[0]!, { ok: true }, T0);
    const failed = queued("b");
    recordAttempt(failed, failed.entries[0]!, { ok: false, code: "timeout", message: "slow" }, T0 + 60_000);
    expect(channelStatus([hook, chat], [delivered, failed])).toEqual([
      {
        name: "hook",
        type: "webhook",
        last_delivery_at: at,
        last_error: { code: "timeout", message: "slow", at: iso(T0 + 60_000) },
        pending: 1,
        given_up: 0,
      },
      { name: "chat", type: "slack", last_delivery_at: null, last_error: null, pending: 0, given_up: 0 },
    ]);
  });

  it("Should prune done entries after 7 days and entries of channels no longer configured", () => {
    const outbox = queued("a", [hook, chat]);
    recordAttempt(outbox, outbox.entries[0]!, { ok: true }, T0);
    expect(prune(outbox, [hook, chat], T0 + 6 * DAY)).toBe(false);
    expect(prune(outbox, [hook], T0 + 8 * DAY)).toBe(true);
    expect(outbox.entries).toEqual([]);
  });

  it("Should record an attempt as progress that brings the outbox as written to where delivery left it", () => {
    const sent = queued("a");
    const e = sent.entries[0]!;
    recordAttempt(sent, e, { ok: true }, T0);
    const stored = queued("a");
    applyDeliveries(stored, { entries: { [e.id]: progressOf(e) }, channels: sent.channels });
    expect(stored).toEqual(sent);
  });
});

describe("dueEntries", () => {
  /** A pending entry of `channel` for `event`, queued `minutes` after T0. */
  const entry = (channel: string, event: string, minutes = 0, more: Partial<OutboxEntry> = {}): OutboxEntry =>
    pendingEntry(iso(T0 + minutes * MINUTE), { id: `${channel}|${event}:${minutes}`, channel, event, ...more });
  const ids = (outbox: Outbox, channels = [chat, hook], now = T0 + 10 * MINUTE) => dueEntries(outbox, channels, now).map((e) => e.id);

  it("Should hand over pending entries whose time has come, oldest first, of channels still configured", () => {
    const outbox: Outbox = {
      entries: [
        entry("hook", "complaint.new", 2),
        entry("chat", "complaint.new", 1),
        entry("hook", "complaint.due", 0, { next_attempt_at: iso(T0 + 15 * MINUTE) }),
        entry("hook", "complaint.overdue", 0, { state: "delivered", next_attempt_at: null }),
        entry("gone", "complaint.new", 0),
      ],
      channels: {},
      trail: noTrail(),
    };
    expect(ids(outbox)).toEqual(["chat|complaint.new:1", "hook|complaint.new:2"]);
    expect(ids(outbox, [chat, hook], T0 + 15 * MINUTE)).toEqual(["hook|complaint.due:0", "chat|complaint.new:1", "hook|complaint.new:2"]);
  });

  it("Should hold a channel's entries during its quiet hours in Beijing time, over midnight too, and no other channel's", () => {
    const outbox: Outbox = { entries: [entry("chat", "complaint.new"), entry("hook", "complaint.new")], channels: {}, trail: noTrail() };
    // T0 is 08:00 in Beijing.
    expect(ids(outbox, [{ ...chat, quietHours: [7 * 60, 9 * 60] }, hook])).toEqual(["hook|complaint.new:0"]);
    expect(ids(outbox, [{ ...chat, quietHours: [23 * 60, 8 * 60 + 30] }, hook])).toEqual(["hook|complaint.new:0"]);
    expect(ids(outbox, [{ ...chat, quietHours: [9 * 60, 23 * 60] }, hook])).toEqual(["chat|complaint.new:0", "hook|complaint.new:0"]);
    // Up to the end of the quiet hours, not including it.
    const quiet = { ...chat, quietHours: [7 * 60, 9 * 60] as [number, number] };
    expect(inQuietHours(quiet, T0 + HOUR - 1)).toBe(true);
    expect(inQuietHours(quiet, T0 + HOUR)).toBe(false);
    expect(ids(outbox, [quiet, hook], T0 + HOUR)).toEqual(["chat|complaint.new:0", "hook|complaint.new:0"]);
    expect(inQuietHours(chat, T0)).toBe(false);
  });

  it("Should never hold watcher.failing, which is urgent, and hold every other event, an unknown one too", () => {
    const outbox: Outbox = {
      entries: ["watcher.failing", "watcher.recovered", "complaint.overdue", "digest.daily", "complaint.reminder"].map((event, i) =>
        entry("chat", event, i),
      ),
      channels: {},
      trail: noTrail(),
    };
    expect(ids(outbox, [{ ...chat, quietHours: [7 * 60, 9 * 60] }])).toEqual(["chat|watcher.failing:0"]);
  });
});
