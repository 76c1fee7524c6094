import { describe, expect, it } from "vitest";
import {
  complaintsNamed,
  FAILING_MERCHANT,
  madeComplaint,
  newsOf,
  pendingEntry,
  servedComplaint,
  testChannel,
} from "../../../test/support/alerts";
import { HOUR } from "../../../test/support/time";
import { emptyOutbox, type OutboxEntry } from "../../domain/outbox";
import { emptyRefunds, withOutcome } from "../../domain/refund";
import type { ServedComplaint } from "../../domain/served";
import { entryId } from "./event";
import { EVENT_NAMES, eventNamed, queueNews } from "./index";
import type { News } from "./news";

const T0 = Date.parse("2026-11-27T00:00:00Z");
const at = new Date(T0).toISOString();
const later = new Date(T0 + 30 * 60_000).toISOString();
const chat = testChannel("chat", "slack");
const hook = testChannel("hook", "webhook");
const fresh = (...ids: string[]) => newsOf(at, { fresh: complaintsNamed(...ids) });
/** Its reply deadline 10 hours after T0: at T0, 12 hours or less away. */
const dueSoon = (id: string) => madeComplaint(id, T0 - 14 * HOUR);
/** Its reply deadline passed an hour before T0. */
const overdue = (id: string) => madeComplaint(id, T0 - 25 * HOUR);
/** Complaint `id` refunded at T0. */
const refunds = (...complaints: ServedComplaint[]): News["refunds"] => ({
  book: complaints.reduce(
    (book, c) => withOutcome(book, c.id, { attempt: `att-${c.id}`, state: "done", at, total_fee: 2990, note: "", message: null, by: null }),
    emptyRefunds(),
  ),
  complaints,
});
const WATCHER = { kind: "failing", run: "2026-11-26T00:00:00.000Z", merchant: FAILING_MERCHANT } as const;

describe("The events", () => {
  it("Should list every event a channel's events may name, in the order a tick queues them", () => {
    expect(EVENT_NAMES).toEqual([
      "watcher.started",
      "complaint.new",
      "watcher.failing",
      "watcher.recovered",
      "complaint.overdue",
      "complaint.due",
      "complaint.resolved",
      "complaint.refunded",
      "digest.daily",
      "device.added",
    ]);
    expect(EVENT_NAMES.filter((name) => eventNamed(name)?.urgent)).toEqual(["watcher.started", "watcher.failing", "device.added"]);
  });

  it("Should find an event by its name, and none by a name this version does not know", () => {
    expect(eventNamed("complaint.due")?.name).toBe("complaint.due");
    expect(eventNamed("complaint.reminder")).toBeUndefined();
    expect(eventNamed("test")).toBeUndefined();
  });

  it("Should name an entry by its channel and what it is about", () => {
    expect(entryId("hook", "complaint:C1")).toBe("hook|complaint:C1");
  });
});

describe("queueNews: the order of events", () => {
  it("Should queue a tick's news in order: new, watcher, overdue, due, resolved, refunded, digest", () => {
    const outbox = emptyOutbox();
    const news = newsOf(at, {
      fresh: complaintsNamed("n"),
      watcher: WATCHER,
      active: [dueSoon("d"), overdue("o")],
      gone: complaintsNamed("g"),
      refunds: refunds(servedComplaint({ id: "r" })),
      digest: { days: new Map([["hook", "2026-11-27"]]), merchants: [] },
    });
    expect(queueNews(outbox, news, [hook])).toBe(true);
    expect(outbox.entries.map((e) => e.id)).toEqual([
      "hook|complaint:n",
      "hook|failing:2026-11-26T00:00:00.000Z",
      "hook|overdue:o#reply",
      "hook|due:d#reply#12",
      "hook|resolved:g@2026-11-07T17:20:00.000Z",
      "hook|refund:r@att-r",
      "hook|digest:2026-11-27",
    ]);
  });

  it("Should queue an event on every channel before the next event", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, { ...fresh("a"), watcher: WATCHER }, [chat, hook]);
    expect(outbox.entries.map((e) => e.id)).toEqual([
      "chat|complaint:a",
      "hook|complaint:a",
      "chat|failing:2026-11-26T00:00:00.000Z",
      "hook|failing:2026-11-26T00:00:00.000Z",
    ]);
  });

  it("Should queue overdue messages before due ones", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, newsOf(at, { active: [dueSoon("b"), overdue("a")] }), [hook]);
    expect(outbox.entries.map((e) => e.event)).toEqual(["complaint.overdue", "complaint.due"]);
  });

  it("Should queue refunds after the other news of the tick", () => {
    const outbox = emptyOutbox();
    const [one, two] = complaintsNamed("a", "b") as [ServedComplaint, ServedComplaint];
    queueNews(outbox, newsOf(at, { refunds: refunds(two), fresh: [one], gone: [one] }), [hook]);
    expect(outbox.entries.map((e) => e.event)).toEqual(["complaint.new", "complaint.resolved", "complaint.refunded"]);
  });
});

describe("queueNews: channels", () => {
  it("Should skip channels whose filters exclude the event or merchant", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, fresh("a"), [
      { ...hook, events: new Set(["watcher.failing"]) },
      { ...chat, merchants: new Set(["200"]) },
    ]);
    expect(outbox.entries).toEqual([]);
  });

  it("Should follow a channel's events: complaint.overdue alone gets no complaint.due", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, newsOf(at, { active: [dueSoon("a"), overdue("b")] }), [{ ...chat, events: new Set(["complaint.overdue"]) }]);
    expect(outbox.entries.map((e) => e.event)).toEqual(["complaint.overdue"]);
  });

  it("Should queue for a channel that covers the merchant, and for each channel apart", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, fresh("a"), [
      { ...chat, merchants: new Set(["100"]) },
      { ...chat, name: "other" },
    ]);
    expect(outbox.entries.map((e) => e.id)).toEqual(["chat|complaint:a", "other|complaint:a"]);
  });
});

describe("queueNews: what is pending", () => {
  it("Should drop pending messages of the retired complaint.reminder an older version left", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, fresh("a"), [hook]);
    const kept = outbox.entries[0]!;
    const old = { ...kept, id: "hook:reminder:a#24", event: "complaint.reminder", complaint_ids: ["a#24"] } as unknown as OutboxEntry;
    const sent = { ...old, id: "hook:reminder:b#24", state: "delivered", notification: null } as unknown as OutboxEntry;
    outbox.entries.push(old, sent);
    expect(queueNews(outbox, newsOf(later), [hook])).toBe(true);
    expect(outbox.entries).toEqual([kept, sent]);
  });

  it("Should drop a pending entry of any event this version does not know, and keep one sent or given up", () => {
    const outbox = emptyOutbox();
    const unknown = pendingEntry(at, { id: "hook|someday:a", event: "complaint.someday" });
    const delivered = pendingEntry(at, { id: "hook|someday:b", event: "complaint.someday", state: "delivered", notification: null });
    const givenUp = pendingEntry(at, { id: "hook|someday:c", event: "complaint.someday", state: "given_up", notification: null });
    outbox.entries.push(unknown, delivered, givenUp);
    expect(queueNews(outbox, newsOf(later), [hook])).toBe(true);
    expect(outbox.entries).toEqual([delivered, givenUp]);
  });

  it("Should keep a pending entry of a known event as the very entry it was", () => {
    const outbox = emptyOutbox();
    const entry = pendingEntry(at);
    outbox.entries.push(entry);
    expect(queueNews(outbox, newsOf(later), [hook])).toBe(false);
    expect(outbox.entries[0]).toBe(entry);
  });
});

describe("queueNews: whether the outbox changed", () => {
  it("Should say the outbox changed when it queued something, and not when there was nothing new to queue", () => {
    const outbox = emptyOutbox();
    expect(queueNews(outbox, newsOf(at), [chat, hook])).toBe(false);
    expect(queueNews(outbox, fresh("a"), [])).toBe(false);
    expect(queueNews(outbox, fresh("a"), [chat, hook])).toBe(true);
    expect(queueNews(outbox, fresh("a"), [chat, hook])).toBe(false);
    expect(outbox.entries).toHaveLength(2);
  });

  it("Should say the outbox changed when it only trimmed a pending message", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, newsOf(at, { active: [dueSoon("a"), dueSoon("b")] }), [chat]);
    const gone = newsOf(later, { active: [dueSoon("b")] });
    expect(queueNews(outbox, gone, [chat])).toBe(true);
    expect(outbox.entries.map((e) => e.complaint_ids)).toEqual([["b#reply#12"]]);
    expect(queueNews(outbox, gone, [chat])).toBe(false);
  });
});
