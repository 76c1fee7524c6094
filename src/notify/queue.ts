/**
 * What to queue in a merchant's outbox for what a tick has to tell ({@link News}), from one table: each event says
 * which items of the news it tells, what marks an item as told on a channel, the message a webhook gets for one
 * item, and the one message a chat channel gets for all of them. Adding an event is one entry in {@link EVENTS}.
 * Pure: the poller loads the outbox, queues, and writes it before the complaints that caused the news.
 * @module
 */
import type { Complaint } from "../domain/complaint";
import { deadlineKey } from "../domain/deadlines";
import type { DigestEntry, DueItem, EventName, MerchantStatusEntry, Notification, OverdueItem, RefundedItem } from "../domain/notification";
import type { Outbox, OutboxEntry } from "../domain/outbox";
import type { ServedComplaint } from "../domain/served";
import type { Channel } from "./settings";

/** Chat channels get one summary instead of more than this many `complaint.new` messages for one poll. */
export const SUMMARY_AFTER = 5;

/** A watcher event and the run of failures it belongs to (named by the last success before it). */
export interface WatcherNews {
  event: "watcher.failing" | "watcher.recovered";
  run: string;
  merchant: MerchantStatusEntry;
}

/** Everything one tick has to tell of one merchant. */
export interface News {
  mchid: string;
  merchantName: string | null;
  /** ISO: when it is told. */
  at: string;
  /** Newest first. */
  newComplaints: ServedComplaint[];
  watcher: WatcherNews | null;
  /** Deadlines that come soon, soonest first. */
  due: DueItem[];
  /** Deadlines that passed while open. */
  overdue: OverdueItem[];
  /** Complaints the poll found gone from PAYJS's list. */
  resolved: ServedComplaint[];
  /** Refunds done through PAYJS lately (told or not: the outbox knows which were), oldest first. */
  refunded: RefundedItem[];
  /** The digest of the channels whose digest goes out from this merchant's outbox now (channel → the day it covers). */
  digest: { days: ReadonlyMap<string, string>; merchants: DigestEntry[] } | null;
  /** Keys (`deadlineKey`) of deadlines met, or of complaints handled or gone: their pending messages are dropped. */
  closed: ReadonlySet<string>;
}

/**
 * What an entry is about, and so its id: the same event for the same thing is never queued twice on a channel.
 * Written into the id by {@link entryId} and never read back out of it.
 */
export type EntryKey =
  | { event: "complaint.new"; complaint: string }
  | { event: "complaint.new"; summary: string; count: number }
  | { event: "complaint.due" | "complaint.overdue" | "complaint.resolved"; mark: string }
  | { event: "complaint.due" | "complaint.overdue" | "complaint.resolved" | "complaint.refunded"; list: string }
  /** One refund: `{complaint id}@{attempt}`. */
  | { event: "complaint.refunded"; refund: string }
  | { event: "watcher.failing" | "watcher.recovered"; run: string }
  | { event: "digest.daily"; day: string };

function keyText(key: EntryKey): string {
  if ("complaint" in key) return `complaint:${key.complaint}`;
  if ("summary" in key) return `summary:${key.summary}:${key.count}`;
  if ("run" in key) return `${key.event === "watcher.failing" ? "failing" : "recovered"}:${key.run}`;
  if ("day" in key) return `digest:${key.day}`;
  if ("refund" in key) return `refund:${key.refund}`;
  if (key.event === "complaint.refunded") return `refunds:${key.list}`;
  const kind = key.event.slice("complaint.".length);
  return "list" in key ? `${kind}s:${key.list}` : `${kind}:${key.mark}`;
}

/** The id of a channel's entry for `key`. */
export function entryId(channel: string, key: EntryKey): string {
  return `${channel}|${keyText(key)}`;
}

/** One message about a group of items: its key, the marks it tells (kept as the entry's `complaint_ids`), what it says. */
interface Message {
  key: EntryKey;
  marks: string[];
  notification: Notification;
}

/** One row of the table: an event told of items of the news. */
interface EventRow<T> {
  /** The event whose earlier entries on a channel say which items were told already. */
  event: EventName;
  items(news: News, channel: Channel): readonly T[];
  /** What tells, on one channel, that this item was told already (null: its key alone does). */
  mark(item: T): string | null;
  /** The message a webhook gets for one item. */
  webhook(item: T, news: News, channel: Channel): Message;
  /** The messages a chat channel gets for every item not told yet. */
  chat(items: readonly T[], news: News, channel: Channel): Message[];
  /** Whether a message may be queued now, given what the outbox holds (it may drop entries it supersedes). */
  admit?(outbox: Outbox, channel: string, message: Message): boolean;
}

/** A chat message shows a few fields: the verbatim upstream item is for webhooks only. */
const slim = <C extends Complaint>(c: C): C => ({ ...c, raw: {} });
/** A deadline is told once per threshold before it, and once after it. */
const dueMark = (d: DueItem): string => `${deadlineKey(d.complaint.id, d.deadline)}#${d.hours}`;
const overdueMark = (d: OverdueItem): string => deadlineKey(d.complaint.id, d.deadline);
/**
 * Keyed by the complaint and the last poll that listed it: a poll that must be redone (its complaints write failed)
 * finds the same complaints gone again, and must not tell of them twice.
 */
const resolvedMark = (c: Complaint): string => `${c.id}@${c.last_seen_at}`;

const newComplaint: EventRow<ServedComplaint> = {
  event: "complaint.new",
  items: (news) => news.newComplaints,
  mark: (c) => c.id,
  // A webhook gets the complaint exactly as the API shows it.
  webhook: (c, news) => ({
    key: { event: "complaint.new", complaint: c.id },
    marks: [c.id],
    notification: { kind: "complaint", event: "complaint.new", at: news.at, merchantName: news.merchantName, complaint: c },
  }),
  chat: (fresh, news) => {
    if (fresh.length <= SUMMARY_AFTER) {
      return fresh.map((c) => ({
        key: { event: "complaint.new", complaint: c.id },
        marks: [c.id],
        notification: { kind: "complaint", event: "complaint.new", at: news.at, merchantName: news.merchantName, complaint: slim(c) },
      }));
    }
    const notification: Notification = {
      kind: "summary",
      event: "complaint.new",
      at: news.at,
      mchid: news.mchid,
      merchantName: news.merchantName,
      count: fresh.length,
      totalFee: fresh.reduce((sum, c) => sum + (c.total_fee ?? 0), 0),
      newest: fresh.slice(0, SUMMARY_AFTER).map(slim),
    };
    const key: EntryKey = { event: "complaint.new", summary: fresh[0]?.id ?? "", count: fresh.length };
    return [{ key, marks: fresh.map((c) => c.id), notification }];
  },
};

/**
 * A row for a deadline event: a webhook gets one message per deadline, a chat channel one per merchant and tick.
 * `complaint.due` and `complaint.overdue` differ only in their items and marks.
 */
function deadlineRow<E extends "complaint.due" | "complaint.overdue", T extends DueItem | OverdueItem>(
  event: E,
  items: (news: News) => T[],
  mark: (item: T) => string,
  notification: (items: T[], news: News) => Notification,
): EventRow<T> {
  return {
    event,
    items,
    mark,
    webhook: (item, news) => ({ key: { event, mark: mark(item) }, marks: [mark(item)], notification: notification([item], news) }),
    chat: (all, news) => [
      {
        key: { event, list: news.at },
        marks: all.map(mark),
        notification: notification(
          all.map((d) => ({ ...d, complaint: slim(d.complaint) })),
          news,
        ),
      },
    ],
  };
}

const due = deadlineRow(
  "complaint.due",
  (news) => news.due,
  dueMark,
  (items: DueItem[], news): Notification => ({
    kind: "due",
    event: "complaint.due",
    at: news.at,
    mchid: news.mchid,
    merchantName: news.merchantName,
    items,
  }),
);

const overdue = deadlineRow(
  "complaint.overdue",
  (news) => news.overdue,
  overdueMark,
  (items: OverdueItem[], news): Notification => ({
    kind: "overdue",
    event: "complaint.overdue",
    at: news.at,
    mchid: news.mchid,
    merchantName: news.merchantName,
    items,
  }),
);

const resolved: EventRow<ServedComplaint> = {
  event: "complaint.resolved",
  items: (news) => news.resolved,
  mark: resolvedMark,
  webhook: (c, news) => ({
    key: { event: "complaint.resolved", mark: resolvedMark(c) },
    marks: [resolvedMark(c)],
    notification: { kind: "resolved", event: "complaint.resolved", at: news.at, merchantName: news.merchantName, complaint: c },
  }),
  chat: (gone, news) => [
    {
      key: { event: "complaint.resolved", list: news.at },
      marks: gone.map(resolvedMark),
      notification: {
        kind: "resolved_list",
        event: "complaint.resolved",
        at: news.at,
        mchid: news.mchid,
        merchantName: news.merchantName,
        complaints: gone.map(slim),
      },
    },
  ],
};

/**
 * A refund is told once per complaint on a channel: PAYJS refunds an order once and whole, so a second done outcome
 * of the same complaint (two requests at once from far apart, the second told "已退款") is the same refund. Its entry
 * is keyed by the attempt that refunded it.
 */
const refundedMark = (r: RefundedItem): string => r.complaint.id;
const refundedNotification = (items: RefundedItem[], news: News): Notification => ({
  kind: "refunded",
  event: "complaint.refunded",
  at: news.at,
  mchid: news.mchid,
  merchantName: news.merchantName,
  items,
});

const refunded: EventRow<RefundedItem> = {
  event: "complaint.refunded",
  items: (news) => news.refunded,
  mark: refundedMark,
  webhook: (r, news) => ({
    key: { event: "complaint.refunded", refund: `${r.complaint.id}@${r.attempt}` },
    marks: [refundedMark(r)],
    notification: refundedNotification([r], news),
  }),
  chat: (all, news) => [
    {
      key: { event: "complaint.refunded", list: news.at },
      marks: all.map(refundedMark),
      notification: refundedNotification(
        all.map((r) => ({ ...r, complaint: slim(r.complaint) })),
        news,
      ),
    },
  ],
};

const watcherMessage = (w: WatcherNews, news: News): Message => ({
  key: { event: w.event, run: w.run },
  marks: [],
  notification: { kind: "status", event: w.event, at: news.at, merchant: w.merchant },
});

const watcher: EventRow<WatcherNews> = {
  event: "watcher.failing",
  items: (news) => (news.watcher === null ? [] : [news.watcher]),
  mark: () => null,
  webhook: watcherMessage,
  chat: (items, news) => items.map((w) => watcherMessage(w, news)),
  admit: (outbox, channel, { key }) => key.event !== "watcher.recovered" || !("run" in key) || settleFailing(outbox, channel, key.run),
};

/** A channel's digest covers only its own merchants, and is keyed by the day it covers. */
const digestMessage = (merchants: DigestEntry[], news: News, channel: Channel): Message => ({
  key: { event: "digest.daily", day: news.digest?.days.get(channel.name) ?? "" },
  marks: [],
  notification: { kind: "digest", event: "digest.daily", at: news.at, merchants },
});

/** Only the channels whose digest goes out from this outbox now (`digest.days`) get it. */
const digest: EventRow<DigestEntry[]> = {
  event: "digest.daily",
  items: (news, channel) =>
    news.digest?.days.has(channel.name)
      ? [news.digest.merchants.filter((m) => channel.merchants === null || channel.merchants.has(m.mchid))]
      : [],
  mark: () => null,
  webhook: digestMessage,
  chat: (items, news, channel) => items.map((merchants) => digestMessage(merchants, news, channel)),
};

function wants(channel: Channel, event: EventName, mchid: string): boolean {
  return (channel.events === null || channel.events.has(event)) && (channel.merchants === null || channel.merchants.has(mchid));
}

function newEntry(channel: string, m: Message, at: string): OutboxEntry {
  return {
    id: entryId(channel, m.key),
    channel,
    event: m.key.event,
    complaint_ids: m.marks,
    notification: m.notification,
    state: "pending",
    attempts: 0,
    created_at: at,
    next_attempt_at: at,
    done_at: null,
    last_error: null,
  };
}

/**
 * A pending deadline entry without the deadlines in `gone` (a chat message may tell of several: the others stay),
 * or null when none is left.
 */
function without(e: OutboxEntry, gone: ReadonlySet<string>): OutboxEntry | null {
  const n = e.notification;
  if (e.state !== "pending" || (n?.kind !== "due" && n?.kind !== "overdue")) return e;
  const left = (n.items as (DueItem | OverdueItem)[]).filter((d) => !gone.has(deadlineKey(d.complaint.id, d.deadline)));
  if (left.length === n.items.length) return e;
  return left.length === 0 ? null : { ...e, notification: { ...n, items: left } as Notification };
}

/**
 * Drops what is no longer to be said: the pending deadline messages of deadlines met or of complaints handled or
 * gone; a held `complaint.due` whose deadline has since passed (its `complaint.overdue` is queued now); and pending
 * entries of the retired `complaint.reminder`, which an older version may have left.
 */
function dropStale(outbox: Outbox, news: News): void {
  const passed = new Set([...news.closed, ...news.overdue.map(overdueMark)]);
  outbox.entries = outbox.entries.flatMap((e) => {
    if (e.state === "pending" && (e.event as string) === "complaint.reminder") return [];
    const kept = without(e, e.event === "complaint.due" ? passed : news.closed);
    return kept === null ? [] : [kept];
  });
}

/**
 * `watcher.recovered` only follows a `watcher.failing` the channel was told of. One still waiting for a retry is
 * dropped instead: "failing" arriving after the recovery would be the wrong last word. Returns whether to queue.
 */
function settleFailing(outbox: Outbox, channel: string, run: string): boolean {
  const failing = outbox.entries.find((e) => e.id === entryId(channel, { event: "watcher.failing", run }));
  if (failing?.state === "pending") outbox.entries = outbox.entries.filter((e) => e !== failing);
  return failing?.state === "delivered";
}

/**
 * The messages one channel gets for one event of the news: items it was told of already are left out; a webhook
 * gets one message an item, a chat channel the event's chat messages.
 */
function messagesFor<T>(row: EventRow<T>, outbox: Outbox, channel: Channel, news: News): Message[] {
  const told = new Set(outbox.entries.filter((e) => e.channel === channel.name && e.event === row.event).flatMap((e) => e.complaint_ids));
  const items = row.items(news, channel).filter((item) => {
    const mark = row.mark(item);
    return mark === null || !told.has(mark);
  });
  if (items.length === 0) return [];
  return channel.type.chat ? row.chat(items, news, channel) : items.map((item) => row.webhook(item, news, channel));
}

/** Queues one event's messages on one channel, unless an entry of the same id is there. */
function queueRow<T>(row: EventRow<T>, outbox: Outbox, channel: Channel, news: News, ids: Set<string>): void {
  for (const message of messagesFor(row, outbox, channel, news)) {
    const id = entryId(channel.name, message.key);
    if (ids.has(id) || !wants(channel, message.key.event, news.mchid)) continue;
    if (row.admit !== undefined && !row.admit(outbox, channel.name, message)) continue;
    ids.add(id);
    outbox.entries.push(newEntry(channel.name, message, news.at));
  }
}

type Queue = (outbox: Outbox, channel: Channel, news: News, ids: Set<string>) => void;
const rowOf =
  <T>(row: EventRow<T>): Queue =>
  (outbox, channel, news, ids) =>
    queueRow(row, outbox, channel, news, ids);

/** Every event a tick can tell, in the order they are queued (and so sent). */
const EVENTS: readonly Queue[] = [
  rowOf(newComplaint),
  rowOf(watcher),
  rowOf(overdue),
  rowOf(due),
  rowOf(resolved),
  rowOf(refunded),
  rowOf(digest),
];

/**
 * Queues every message `news` calls for on every channel that takes it, after dropping what is no longer to be
 * said. Returns whether the outbox changed.
 */
export function queueNews(outbox: Outbox, news: News, channels: readonly Channel[]): boolean {
  const before = outbox.entries;
  dropStale(outbox, news);
  const ids = new Set(outbox.entries.map((e) => e.id));
  for (const queue of EVENTS) for (const channel of channels) queue(outbox, channel, news, ids);
  return outbox.entries.length !== before.length || outbox.entries.some((e, i) => e !== before[i]);
}

/** Whether the channel already queued (or sent) its digest of `day` in this outbox. */
export function hasDigest(outbox: Outbox, channel: string, day: string): boolean {
  return outbox.entries.some((e) => e.id === entryId(channel, { event: "digest.daily", day }));
}
