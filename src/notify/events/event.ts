/**
 * What every alert event is (one file each beside this one, listed in `index.ts`): what it tells of the news, what
 * marks an item as told on a channel, the messages a webhook and a chat channel get, their text and the webhook's
 * JSON. {@link defineEvent} turns one definition into the entry the outbox and the channels use, so the rest of
 * notify/ never branches on an event's name.
 * @module
 */
import type { Notice, Outbox, OutboxEntry } from "../../domain/outbox";
import type { Draft } from "../render";
import type { Channel, SendContext } from "../types";
import type { News } from "./news";

/** One message about a group of items: what it is about (its entry's key), the marks of what it tells, what it says. */
export interface Queued<N> {
  key: string;
  marks: string[];
  notification: N;
}

/** One event, as its file defines it. */
interface AlertEvent<Name extends string, Item, N extends Notice & { event: Name }> {
  name: Name;
  /** Never held by a channel's quiet hours. */
  urgent: boolean;
  /** The items of the news it tells on `channel`. */
  items(news: News, channel: Channel): readonly Item[];
  /** What tells, on one channel, that this item was told already (null: its entry's key alone does). */
  told(item: Item): string | null;
  /** The complaint one of those marks is about, for its timeline (absent: the event tells of no complaint). */
  about?(mark: string): string;
  /** The message a webhook gets for one item. */
  webhook(item: Item, news: News, channel: Channel): Queued<N>;
  /** The messages a chat channel gets for every item not told yet. */
  chat(items: readonly Item[], news: News, channel: Channel): Queued<N>[];
  /** Whether an item may be told on `channel` now, given what the outbox holds (it may drop entries it supersedes). */
  admit?(outbox: Outbox, channel: string, item: Item): boolean;
  /** A pending entry of this event as the news leaves it: trimmed of what need not be said any more, or null. */
  settle?(entry: OutboxEntry & { notification: N }, news: News): OutboxEntry | null;
  /** The text of a message, as it reads when it is sent (`ctx.now`: time left is counted then, not when queued). */
  draft(n: N, ctx: SendContext): Draft;
  /** The JSON a webhook receiver gets for a message. */
  body(n: N): Record<string, unknown>;
}

/**
 * An event as the outbox and the channels use it, whatever its items. Its messages' type stays (`N`): methods take
 * any notice where the table is read as a whole, the one that an entry of this event holds.
 */
export interface EventEntry<Name extends string = string, N extends Notice = Notice> {
  name: Name;
  urgent: boolean;
  /** Queues what `news` calls for on `channel`, unless an entry of the same id is there (`ids`, kept up to date). */
  queue(outbox: Outbox, channel: Channel, news: News, ids: Set<string>): void;
  /** A pending entry as the news leaves it (null: dropped). */
  settle(entry: OutboxEntry, news: News): OutboxEntry | null;
  /** The complaints an entry of this event tells of, each once (a summary message tells of several). */
  complaintsOf(entry: OutboxEntry): string[];
  draft(n: N, ctx: SendContext): Draft;
  body(n: N): Record<string, unknown>;
}

/** A mark's text before its last `count` parts after `separator` (`{id}#reply#24` → `{id}`), whatever the id holds. */
export function markBefore(mark: string, separator: string, count = 1): string {
  let end = mark.length;
  for (let i = 0; i < count; i++) {
    const at = mark.lastIndexOf(separator, end - 1);
    if (at === -1) return mark;
    end = at;
  }
  return mark.slice(0, end);
}

/** The id of a channel's entry about `key`: the same thing is never queued twice on a channel. */
export function entryId(channel: string, key: string): string {
  return `${channel}|${key}`;
}

function wants(channel: Channel, event: string, mchid: string): boolean {
  return (channel.events === null || channel.events.has(event)) && (channel.merchants === null || channel.merchants.has(mchid));
}

function newEntry(channel: string, event: string, m: Queued<Notice>, at: string): OutboxEntry {
  return {
    id: entryId(channel, m.key),
    channel,
    event,
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

/** The messages one channel gets: items it was told of already are left out; a webhook gets one message an item. */
function messagesFor<Name extends string, Item, N extends Notice & { event: Name }>(
  event: AlertEvent<Name, Item, N>,
  outbox: Outbox,
  channel: Channel,
  news: News,
): Queued<N>[] {
  if (!wants(channel, event.name, news.mchid)) return [];
  const told = new Set(outbox.entries.filter((e) => e.channel === channel.name && e.event === event.name).flatMap((e) => e.complaint_ids));
  const items = event.items(news, channel).filter((item) => {
    const mark = event.told(item);
    return (mark === null || !told.has(mark)) && (event.admit === undefined || event.admit(outbox, channel.name, item));
  });
  if (items.length === 0) return [];
  return channel.type.chat ? event.chat(items, news, channel) : items.map((item) => event.webhook(item, news, channel));
}

/** The entry the outbox and the channels use for one event's definition: the one place its types are let go of. */
export function defineEvent<const Name extends string, Item, N extends Notice & { event: Name }>(
  event: AlertEvent<Name, Item, N>,
): EventEntry<Name, N> {
  return {
    name: event.name,
    urgent: event.urgent,
    queue(outbox, channel, news, ids) {
      for (const message of messagesFor(event, outbox, channel, news)) {
        const id = entryId(channel.name, message.key);
        if (ids.has(id)) continue;
        ids.add(id);
        outbox.entries.push(newEntry(channel.name, event.name, message, news.at));
      }
    },
    settle: (entry, news) =>
      event.settle === undefined || entry.state !== "pending" || entry.notification === null
        ? entry
        : event.settle(entry as OutboxEntry & { notification: N }, news),
    complaintsOf: (entry) => {
      const about = event.about;
      return about === undefined ? [] : [...new Set(entry.complaint_ids.map((mark) => about(mark)))];
    },
    draft: (n, ctx) => event.draft(n, ctx),
    body: (n) => event.body(n),
  };
}
