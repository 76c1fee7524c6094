/**
 * Every alert event, one file each, in the order a tick queues (and so sends) them. The names a channel's `events`
 * may list are this table's; adding an event is its file and one line here (CONTRIBUTING.md says how).
 * @module
 */
import type { Outbox, OutboxEntry } from "../../domain/outbox";
import type { Channel } from "../types";
import { complaintDue } from "./complaint-due";
import { complaintNew } from "./complaint-new";
import { complaintOverdue } from "./complaint-overdue";
import { complaintRefunded } from "./complaint-refunded";
import { complaintResolved } from "./complaint-resolved";
import { deviceAdded } from "./device-added";
import { digestDaily } from "./digest-daily";
import type { EventEntry } from "./event";
import type { News } from "./news";
import { watcherFailing } from "./watcher-failing";
import { watcherRecovered } from "./watcher-recovered";
import { watcherStarted } from "./watcher-started";

const EVENTS = [
  watcherStarted,
  complaintNew,
  watcherFailing,
  watcherRecovered,
  complaintOverdue,
  complaintDue,
  complaintResolved,
  complaintRefunded,
  digestDaily,
  deviceAdded,
] as const;

type EventName = (typeof EVENTS)[number]["name"];
/** Every message an event may send. */
export type EventNotice = (typeof EVENTS)[number] extends infer E ? (E extends EventEntry<string, infer N> ? N : never) : never;
export const EVENT_NAMES: readonly EventName[] = EVENTS.map((e) => e.name);

/** The event an entry or a notice names; undefined for one this version does not know (an older one's). */
export function eventNamed(name: string): EventEntry | undefined {
  return EVENTS.find((e) => e.name === name);
}

/** A pending entry as the news leaves it: its event's say, and dropped when this version knows no such event. */
function settled(entry: OutboxEntry, news: News): OutboxEntry | null {
  if (entry.state !== "pending") return entry;
  const event = eventNamed(entry.event);
  return event === undefined ? null : event.settle(entry, news);
}

/**
 * Queues every message `news` calls for on every channel that takes it, after settling what is pending (what need not
 * be said any more is dropped). Returns whether the outbox changed. Pure: the poller loads the outbox, queues, and
 * writes it before the complaints that caused the news.
 */
export function queueNews(outbox: Outbox, news: News, channels: readonly Channel[]): boolean {
  const before = outbox.entries;
  outbox.entries = before.flatMap((e) => settled(e, news) ?? []);
  const ids = new Set(outbox.entries.map((e) => e.id));
  for (const event of EVENTS) for (const channel of channels) event.queue(outbox, channel, news, ids);
  return outbox.entries.length !== before.length || outbox.entries.some((e, i) => e !== before[i]);
}
