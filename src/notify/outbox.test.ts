import { describe, expect, it } from "vitest";
import { complaintOf } from "../domain/complaint";
import { DEFAULT_RULES, type DeadlineKind, deadlineKey } from "../domain/deadlines";
import { UNMARKED } from "../domain/marks";
import type { DueItem, Notification, OverdueItem, RefundedItem } from "../domain/notification";
import { applyDeliveries, emptyOutbox, mergeDeliveries, type Outbox, type OutboxEntry } from "../domain/outbox";
import { type ServedComplaint, served } from "../domain/served";
import { CHANNEL_TYPES } from "./channels";
import { channelStatus, dueEntries, progressOf, prune, recordAttempt } from "./outbox";
import { entryId, type News, queueNews } from "./queue";
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
  ids.map((id) =>
    served(
      complaintOf("100", { id, raw: { complaint_id: id }, first_seen_at: at, last_seen_at: at, active: true }, null),
      UNMARKED,
      DEFAULT_RULES,
    ),
  );
const news = (ids: string[]): News => ({
  mchid: "100",
  merchantName: null,
  at,
  newComplaints: complaints(ids),
  watcher: null,
  due: [],
  overdue: [],
  resolved: [],
  refunded: [],
  digest: null,
  closed: new Set(),
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

describe("queueNews: deadlines", () => {
  const [one, two] = complaints(["a", "b"]) as [ServedComplaint, ServedComplaint];
  const full = { ...one, raw: { complaint_id: "a", extra: "kept for webhooks" } };
  const dueItem = (c: ServedComplaint = full, deadline: DeadlineKind = "reply", hours = 12): DueItem => ({
    complaint: c,
    deadline,
    due_at: "2026-11-27T10:00:00+08:00",
    hours,
    hours_left: hours - 0.5,
  });
  const overdueItem = (c: ServedComplaint = full, deadline: DeadlineKind = "reply"): OverdueItem => ({
    complaint: c,
    deadline,
    due_at: "2026-11-27T06:00:00+08:00",
  });
  const tick = (part: Partial<News>, when = at): News => ({ ...news([]), at: when, ...part });
  const later = new Date(T0 + 30 * 60_000).toISOString();
  const itemsOf = (e: OutboxEntry | undefined) =>
    (e?.notification as Extract<Notification, { kind: "due" | "overdue" }> | null)?.items ?? [];
  /** Each entry as `channel event id#deadline,…`, sorted. */
  const listing = (outbox: Outbox) =>
    outbox.entries.map((e) => `${e.channel} ${e.event} ${itemsOf(e).map((d) => `${d.complaint.id}#${d.deadline}`)}`).sort();

  it("Should queue one webhook message per deadline and one chat message per merchant and tick, soonest first as given", () => {
    const outbox = emptyOutbox();
    const items = [dueItem(full, "reply"), dueItem(two, "resolve", 2)];
    expect(queueNews(outbox, tick({ due: items }), [chat, hook])).toBe(true);
    const hooks = outbox.entries.filter((e) => e.channel === "hook");
    expect(hooks.map((e) => e.event)).toEqual(["complaint.due", "complaint.due"]);
    expect(hooks.map((e) => itemsOf(e).map((d) => [d.complaint.id, d.deadline]))).toEqual([[["a", "reply"]], [["b", "resolve"]]]);
    const chats = outbox.entries.filter((e) => e.channel === "chat");
    expect(chats).toHaveLength(1);
    expect(chats[0]?.notification).toMatchObject({ kind: "due", event: "complaint.due", mchid: "100", at });
    expect(itemsOf(chats[0]).map((d) => d.complaint.id)).toEqual(["a", "b"]);
  });

  it("Should give a webhook the complaint whole and a chat channel without raw", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick({ due: [dueItem()], overdue: [overdueItem(full, "resolve")] }), [chat, hook]);
    for (const e of outbox.entries) {
      const raw = itemsOf(e)[0]?.complaint.raw;
      expect(raw, `${e.channel} ${e.event}`).toEqual(e.channel === "hook" ? full.raw : {});
    }
    // And the webhook's complaint is served: deadlines and marks included.
    expect(itemsOf(outbox.entries.find((e) => e.channel === "hook"))[0]?.complaint.deadlines).toEqual(full.deadlines);
  });

  it("Should tell each threshold of a deadline once, and a deadline's passing once", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick({ due: [dueItem(full, "reply", 12)] }), [chat, hook]);
    expect(queueNews(outbox, tick({ due: [dueItem(full, "reply", 12)] }, later), [chat, hook])).toBe(false);
    // The next threshold is news; so is the same threshold of the other deadline.
    queueNews(outbox, tick({ due: [dueItem(full, "reply", 2), dueItem(full, "resolve", 12)] }, later), [hook]);
    expect(outbox.entries.filter((e) => e.channel === "hook")).toHaveLength(3);
    queueNews(outbox, tick({ overdue: [overdueItem()] }), [chat, hook]);
    expect(queueNews(outbox, tick({ overdue: [overdueItem()] }, later), [chat, hook])).toBe(false);
    expect(outbox.entries.filter((e) => e.event === "complaint.overdue").map((e) => e.channel)).toEqual(["chat", "hook"]);
  });

  it("Should queue overdue messages before due ones", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick({ due: [dueItem(two, "reply")], overdue: [overdueItem()] }), [hook]);
    expect(outbox.entries.map((e) => e.event)).toEqual(["complaint.overdue", "complaint.due"]);
  });

  it("Should drop a pending message of a deadline met since, keeping the other deadlines a chat message tells of", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick({ due: [dueItem(full, "reply"), dueItem(two, "reply")], overdue: [overdueItem(two, "resolve")] }), [chat, hook]);
    const closed = new Set([deadlineKey("a", "reply"), deadlineKey("b", "resolve")]);
    expect(queueNews(outbox, tick({ closed }, later), [chat, hook])).toBe(true);
    // a's reply and b's resolve deadline are gone from every message; the overdue ones, about nothing else, entirely.
    expect(listing(outbox)).toEqual(["chat complaint.due b#reply", "hook complaint.due b#reply"]);
    // b's reply deadline still open: its message stays as it was queued.
    expect(outbox.entries.every((e) => e.state === "pending")).toBe(true);
  });

  it("Should keep a delivered deadline message as it is when the deadline closes", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick({ due: [dueItem()] }), [hook]);
    recordAttempt(outbox, outbox.entries[0]!, { ok: true }, T0);
    expect(queueNews(outbox, tick({ closed: new Set([deadlineKey("a", "reply")]) }, later), [hook])).toBe(false);
    expect(outbox.entries[0]).toMatchObject({ state: "delivered" });
  });

  it("Should let a held complaint.due give way to the complaint.overdue of the same deadline", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick({ due: [dueItem(full, "reply", 2), dueItem(full, "resolve", 12)] }), [chat, hook]);
    queueNews(outbox, tick({ overdue: [overdueItem(full, "reply")] }, later), [chat, hook]);
    expect(listing(outbox)).toEqual([
      "chat complaint.due a#resolve",
      "chat complaint.overdue a#reply",
      "hook complaint.due a#resolve",
      "hook complaint.overdue a#reply",
    ]);
  });

  it("Should drop pending messages of the retired complaint.reminder an older version left", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, news(["a"]), [hook]);
    const kept = outbox.entries[0]!;
    const old = { ...kept, id: "hook:reminder:a#24", event: "complaint.reminder", complaint_ids: ["a#24"] } as unknown as OutboxEntry;
    const sent = { ...old, id: "hook:reminder:b#24", state: "delivered", notification: null } as unknown as OutboxEntry;
    outbox.entries.push(old, sent);
    expect(queueNews(outbox, tick({}, later), [hook])).toBe(true);
    expect(outbox.entries).toEqual([kept, sent]);
  });

  it("Should follow a channel's events: complaint.overdue alone gets no complaint.due", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick({ due: [dueItem()], overdue: [overdueItem(two)] }), [{ ...chat, events: new Set(["complaint.overdue"]) }]);
    expect(outbox.entries.map((e) => e.event)).toEqual(["complaint.overdue"]);
  });
});

describe("queueNews: complaint.refunded", () => {
  const [one, two] = complaints(["a", "b"]) as [ServedComplaint, ServedComplaint];
  const refund = (c: ServedComplaint, attempt = `att-${c.id}`): RefundedItem => ({
    complaint: { ...c, raw: { complaint_id: c.id, extra: "kept for webhooks" } },
    attempt,
    at,
    total_fee: 2990,
    note: "",
  });
  const tick = (refunded: RefundedItem[], when = at): News => ({ ...news([]), at: when, refunded });
  const later = new Date(T0 + 30 * 60_000).toISOString();
  const refundedOf = (e: OutboxEntry | undefined) =>
    ((e?.notification as Extract<Notification, { kind: "refunded" }> | null)?.items ?? []).map((r) => [r.complaint.id, r.attempt]);

  it("Should queue one webhook message per refund, keyed by its attempt, and one chat message per merchant and tick", () => {
    const outbox = emptyOutbox();
    expect(queueNews(outbox, tick([refund(one), refund(two)]), [chat, hook])).toBe(true);
    const hooks = outbox.entries.filter((e) => e.channel === "hook");
    expect(hooks.map((e) => e.id)).toEqual([
      entryId("hook", { event: "complaint.refunded", refund: "a@att-a" }),
      entryId("hook", { event: "complaint.refunded", refund: "b@att-b" }),
    ]);
    expect(hooks.map((e) => e.id)).toEqual(["hook|refund:a@att-a", "hook|refund:b@att-b"]);
    expect(hooks.map(refundedOf)).toEqual([[["a", "att-a"]], [["b", "att-b"]]]);
    const chats = outbox.entries.filter((e) => e.channel === "chat");
    expect(chats.map((e) => [e.id, e.event, e.complaint_ids])).toEqual([["chat|refunds:" + at, "complaint.refunded", ["a", "b"]]]);
    expect(refundedOf(chats[0])).toEqual([
      ["a", "att-a"],
      ["b", "att-b"],
    ]);
    // The webhook gets the complaint whole, the chat message without raw.
    const rawOf = (e: OutboxEntry | undefined) =>
      (e?.notification as Extract<Notification, { kind: "refunded" }> | null)?.items[0]?.complaint.raw;
    expect(rawOf(hooks[0])).toMatchObject({ extra: "kept for webhooks" });
    expect(rawOf(chats[0])).toEqual({});
  });

  it("Should tell a refund once on every channel, pending, sent or given up, however many ticks see it", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick([refund(one)]), [chat, hook]);
    expect(queueNews(outbox, tick([refund(one)], later), [chat, hook])).toBe(false);
    recordAttempt(outbox, outbox.entries[0]!, { ok: true }, T0);
    for (let i = 0; i < 6; i++) recordAttempt(outbox, outbox.entries[1]!, { ok: false, code: "http_error", message: "down" }, T0);
    expect(outbox.entries.map((e) => e.state)).toEqual(["delivered", "given_up"]);
    expect(queueNews(outbox, tick([refund(one)], later), [chat, hook])).toBe(false);
    // Another refund of the same merchant is news, told alone.
    expect(queueNews(outbox, tick([refund(one), refund(two)], later), [chat, hook])).toBe(true);
    expect(outbox.entries.slice(2).map((e) => [e.channel, refundedOf(e)])).toEqual([
      ["chat", [["b", "att-b"]]],
      ["hook", [["b", "att-b"]]],
    ]);
  });

  it("Should not tell a complaint's refund again when another attempt is recorded done (PAYJS refunds an order once)", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick([refund(one, "first")]), [chat, hook]);
    expect(queueNews(outbox, tick([refund(one, "second")], later), [chat, hook])).toBe(false);
  });

  it("Should follow a channel's events and merchants: a channel without complaint.refunded gets none", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick([refund(one)]), [
      { ...hook, events: new Set(["complaint.new", "complaint.resolved"]) },
      { ...chat, name: "other", merchants: new Set(["200"]) },
      { ...chat, name: "refunds", events: new Set(["complaint.refunded"]) },
    ]);
    expect(outbox.entries.map((e) => [e.channel, e.event])).toEqual([["refunds", "complaint.refunded"]]);
  });

  it("Should queue refunds after the other news of the tick", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, { ...tick([refund(two)]), newComplaints: [one], resolved: [one] }, [hook]);
    expect(outbox.entries.map((e) => e.event)).toEqual(["complaint.new", "complaint.resolved", "complaint.refunded"]);
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
