import { describe, expect, it } from "vitest";
import { emptyOutbox, type Outbox } from "../domain/outbox";
import { complaintOf } from "../payjs/complaint";
import { CHANNEL_TYPES } from "./channels";
import { applyDeliveries, channelStatus, dueEntries, mergeDeliveries, progressOf, prune, recordAttempt } from "./outbox";
import { type News, queueNews } from "./queue";
import type { Channel } from "./settings";

const T0 = Date.parse("2026-11-27T00:00:00Z");
const at = new Date(T0).toISOString();
const channel = (name: string, type: string): Channel => ({
  name,
  type: CHANNEL_TYPES[type]!,
  options: {},
  events: null,
  merchants: null,
  digestAt: null,
  quietHours: null,
});
const chat = channel("chat", "slack");
const hook = channel("hook", "webhook");
const complaints = (ids: string[]) =>
  ids.map((id) => complaintOf("100", { id, raw: { complaint_id: id }, first_seen_at: at, last_seen_at: at, active: true }, null));
const news = (ids: string[]): News => ({
  mchid: "100",
  merchantName: null,
  at,
  newComplaints: complaints(ids),
  watcher: null,
  reminders: [],
  resolved: [],
  digest: null,
  settled: new Set(),
});

describe("queueNews", () => {
  it("Should queue one summary for a chat channel and one entry per complaint for a webhook above 5", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, news(["a", "b", "c", "d", "e", "f"]), [chat, hook]);
    expect(outbox.entries.filter((e) => e.channel === "chat").map((e) => e.notification?.kind)).toEqual(["summary"]);
    expect(outbox.entries.filter((e) => e.channel === "hook")).toHaveLength(6);
  });

  it("Should not queue a complaint again that a channel was already told of, summary or not", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, news(["a", "b", "c", "d", "e", "f"]), [chat, hook]);
    const before = outbox.entries.length;
    expect(queueNews(outbox, news(["a", "b", "c", "d", "e", "f", "g"]), [chat, hook])).toBe(true);
    expect(outbox.entries.length - before).toBe(2);
    expect(
      outbox.entries
        .filter((e) => e.complaint_ids.includes("g"))
        .map((e) => e.channel)
        .sort(),
    ).toEqual(["chat", "hook"]);
  });

  it("Should skip channels whose filters exclude the event or merchant", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, news(["a"]), [
      { ...hook, events: new Set(["watcher.failing"]) },
      { ...chat, merchants: new Set(["200"]) },
    ]);
    expect(outbox.entries).toEqual([]);
  });
});

describe("attempts", () => {
  it("Should retry after 5, 15, 30, 60, 120 minutes, then give up, and drop the payload when done", () => {
    const outbox: Outbox = emptyOutbox();
    queueNews(outbox, news(["a"]), [hook]);
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

  it("Should not show an older error of another merchant once the channel delivered since", () => {
    const failed = emptyOutbox();
    queueNews(failed, news(["a"]), [hook]);
    recordAttempt(failed, failed.entries[0]!, { ok: false, code: "timeout", message: "slow" }, T0);
    const delivered = emptyOutbox();
    queueNews(delivered, news(["b"]), [hook]);
    recordAttempt(delivered, delivered.entries[0]!, { ok: true }, T0 + 60_000);
    expect(channelStatus([hook], [failed, delivered])[0]).toMatchObject({
      last_error: null,
      pending: 1,
      last_delivery_at: new Date(T0 + 60_000).toISOString(),
    });
  });

  it("Should prune done entries after 7 days and entries of channels no longer configured", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, news(["a"]), [hook, chat]);
    recordAttempt(outbox, outbox.entries[0]!, { ok: true }, T0);
    expect(prune(outbox, [hook, chat], T0 + 6 * 86_400_000)).toBe(false);
    expect(prune(outbox, [hook], T0 + 8 * 86_400_000)).toBe(true);
    expect(outbox.entries).toEqual([]);
  });
});

describe("deliveries recorded apart from the outbox", () => {
  const queued = (): Outbox => {
    const outbox = emptyOutbox();
    queueNews(outbox, news(["a"]), [hook]);
    return outbox;
  };

  it("Should bring a written outbox to where delivery left it, payload dropped once delivered", () => {
    const sent = queued();
    const e = sent.entries[0]!;
    recordAttempt(sent, e, { ok: true }, T0);
    const stored = queued();
    applyDeliveries(stored, { entries: { [e.id]: progressOf(e) }, channels: sent.channels });
    expect(stored.entries[0]).toMatchObject({ state: "delivered", attempts: 1, notification: null });
    expect(stored.channels.hook).toEqual({ last_delivery_at: at, last_error: null });
  });

  it("Should never take an entry back: an older record beside a newer outbox changes nothing", () => {
    const older = queued();
    recordAttempt(older, older.entries[0]!, { ok: false, code: "http_error", message: "500" }, T0);
    const stale = { entries: { [older.entries[0]!.id]: progressOf(older.entries[0]!) }, channels: older.channels };
    const newer = structuredClone(older);
    recordAttempt(newer, newer.entries[0]!, { ok: true }, T0 + 5 * 60_000);
    applyDeliveries(newer, stale);
    expect(newer.entries[0]).toMatchObject({ state: "delivered", attempts: 2 });
    // The error came before the delivery, so the channel shows none.
    expect(newer.channels.hook).toMatchObject({ last_error: null, last_delivery_at: new Date(T0 + 5 * 60_000).toISOString() });
  });

  it("Should merge two invocations' deliveries, each entry at its furthest attempt", () => {
    const a = queued();
    const b = queued();
    recordAttempt(a, a.entries[0]!, { ok: false, code: "timeout", message: "t" }, T0);
    recordAttempt(b, b.entries[0]!, { ok: false, code: "timeout", message: "t" }, T0);
    recordAttempt(b, b.entries[0]!, { ok: true }, T0 + 60_000);
    const id = a.entries[0]!.id;
    const merged = mergeDeliveries(
      { entries: { [id]: progressOf(b.entries[0]!) }, channels: b.channels },
      { entries: { [id]: progressOf(a.entries[0]!) }, channels: a.channels },
    );
    expect(merged.entries[id]).toMatchObject({ state: "delivered", attempts: 2 });
    expect(merged.channels.hook).toMatchObject({ last_error: null });
  });
});
