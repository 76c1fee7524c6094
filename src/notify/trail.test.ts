import { describe, expect, it } from "vitest";
import { pendingEntry } from "../../test/support/alerts";
import { emptyOutbox, OUTBOX, type Outbox, type OutboxEntry } from "../domain/outbox";
import { DAY_MS } from "../domain/time";
import { complaintAlerts, TRAIL_AWAY_MS, tendAway, trailDropped } from "./trail";

const T0 = Date.parse("2026-11-27T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const at = iso(T0);
const done = iso(T0 + 60_000);

const delivered = (more: Partial<OutboxEntry> = {}): OutboxEntry =>
  pendingEntry(at, { state: "delivered", attempts: 1, next_attempt_at: null, done_at: done, notification: null, ...more });
const failedOnce = (more: Partial<OutboxEntry> = {}): OutboxEntry =>
  pendingEntry(at, { attempts: 1, last_error: { code: "http_500", message: "500", at: done }, ...more });

function outboxOf(...entries: OutboxEntry[]): Outbox {
  return { ...emptyOutbox(), entries };
}

describe("complaintAlerts: a complaint's alerts, live and kept", () => {
  it("Should give one per entry that tells of it and was tried, with its latest outcome, and nothing for one not tried", () => {
    const outbox = outboxOf(
      delivered(),
      failedOnce({ id: "chat|complaint:C1", channel: "chat" }),
      pendingEntry(at, { id: "tg|complaint:C1", channel: "tg" }),
      delivered({ id: "hook|complaint:C2", complaint_ids: ["C2"] }),
      pendingEntry(at, { id: "x|complaint:C1", channel: "x", state: "given_up", attempts: 6, done_at: done, notification: null }),
    );
    expect(complaintAlerts(outbox, "C1")).toEqual([
      [done, "complaint.new", "hook", "delivered"],
      [done, "complaint.new", "chat", "failed"],
      [done, "complaint.new", "x", "given_up"],
    ]);
  });

  it("Should count a summary message and a deadline message for each complaint it tells of", () => {
    const outbox = outboxOf(
      delivered({ id: "chat|summary:C1:6", channel: "chat", complaint_ids: ["C1", "C2#x", "C3"] }),
      delivered({ id: "hook|due:C2#x#reply#24", event: "complaint.due", complaint_ids: ["C2#x#reply#24"] }),
      delivered({ id: "chat|overdues:x", channel: "chat", event: "complaint.overdue", complaint_ids: ["C1#reply", "C2#x#resolve"] }),
      delivered({ id: "hook|resolved:C2#x@t", event: "complaint.resolved", complaint_ids: [`C2#x@${at}`] }),
      delivered({ id: "hook|started:f", event: "watcher.started", complaint_ids: [] }),
    );
    expect(complaintAlerts(outbox, "C2#x").map((a) => a[1])).toEqual([
      "complaint.new",
      "complaint.due",
      "complaint.overdue",
      "complaint.resolved",
    ]);
    expect(complaintAlerts(outbox, "C1").map((a) => a[1])).toEqual(["complaint.new", "complaint.overdue"]);
  });
});

describe("trailDropped: what leaves the outbox is kept in its trail", () => {
  it("Should keep a pruned entry's outcome for each complaint it told of, and nothing of an entry never tried", () => {
    const summary = delivered({ id: "chat|summary:C1:2", channel: "chat", complaint_ids: ["C1", "C2"] });
    const outbox = outboxOf(summary, pendingEntry(at, { id: "gone|complaint:C1", channel: "gone" }), delivered());
    const before = outbox.entries;
    outbox.entries = [before[2] as OutboxEntry];
    trailDropped(outbox, before);
    expect(outbox.trail.alerts).toEqual({
      C1: [[done, "complaint.new", "chat", "delivered"]],
      C2: [[done, "complaint.new", "chat", "delivered"]],
    });
    // Live and kept together: each alert once.
    expect(complaintAlerts(outbox, "C1")).toEqual([
      [done, "complaint.new", "hook", "delivered"],
      [done, "complaint.new", "chat", "delivered"],
    ]);
  });

  it("Should keep a complaint a pending entry that failed so far no longer tells of as failed, and not the others", () => {
    const entry = failedOnce({ id: "chat|overdues:x", channel: "chat", event: "complaint.overdue", complaint_ids: ["A#reply", "B#reply"] });
    const outbox = outboxOf(entry);
    outbox.entries = [{ ...entry, complaint_ids: ["B#reply"] }];
    trailDropped(outbox, [entry]);
    expect(outbox.trail.alerts).toEqual({ A: [[done, "complaint.overdue", "chat", "failed"]] });
  });

  it("Should read back what it writes, and an outbox written before the trail as having none", () => {
    const outbox = outboxOf(delivered());
    trailDropped(outbox, [delivered({ id: "hook|complaint:constructor", complaint_ids: ["constructor"] })]);
    tendAway(outbox.trail, new Set(), T0);
    const text = JSON.stringify(OUTBOX.write(outbox));
    const back = OUTBOX.read(JSON.parse(text));
    expect(back?.trail.alerts.constructor).toEqual([[done, "complaint.new", "hook", "delivered"]]);
    expect(back?.trail.away.constructor).toBe(at);
    expect(OUTBOX.read({ outbox: { entries: [], channels: {} } })?.trail).toEqual({ alerts: {}, away: {} });
    expect(JSON.stringify(OUTBOX.write(emptyOutbox()))).toBe('{"outbox":{"entries":[],"channels":{}}}');
    expect(
      OUTBOX.read({ outbox: { entries: [], channels: {}, trail: { C1: [[at, "complaint.new", "hook", "sent"]] }, away: {} } }),
    ).toBeNull();
  });
});

describe("tendAway: a trail is kept until its complaint has been out of the present for 90 days", () => {
  it("Should note when a complaint was first found away, forget the note when it is back, and drop its trail 90 days on", () => {
    const outbox = outboxOf();
    outbox.trail.alerts.A = [[done, "complaint.new", "hook", "delivered"]];
    outbox.trail.alerts.B = [[done, "complaint.new", "hook", "delivered"]];
    tendAway(outbox.trail, new Set(["B"]), T0);
    expect(outbox.trail.away).toEqual({ A: at });
    tendAway(outbox.trail, new Set(["A", "B"]), T0 + DAY_MS);
    expect(outbox.trail.away).toEqual({});
    tendAway(outbox.trail, new Set(["B"]), T0 + 2 * DAY_MS);
    tendAway(outbox.trail, new Set(["B"]), T0 + 2 * DAY_MS + TRAIL_AWAY_MS);
    expect(Object.keys(outbox.trail.alerts)).toEqual(["A", "B"]);
    tendAway(outbox.trail, new Set(["B"]), T0 + 2 * DAY_MS + TRAIL_AWAY_MS + 1);
    expect(Object.keys(outbox.trail.alerts)).toEqual(["B"]);
    expect(outbox.trail.away).toEqual({});
  });
});
