/**
 * What the deadlines of a merchant's active complaints call for at a tick, shared by the two deadline events
 * (complaint-due.ts, complaint-overdue.ts): each threshold of `REMIND_BEFORE_HOURS` before an open deadline, each deadline once it passed,
 * and which deadlines are still open (a pending message of one that is not any more is dropped). Pure.
 * @module
 */
import { type DeadlineKind, deadlineKey, openDeadlines } from "../../domain/deadlines";
import type { OutboxEntry } from "../../domain/outbox";
import type { ServedComplaint } from "../../domain/served";
import { DAY_MS, HOUR_MS } from "../../domain/time";
import type { News } from "./news";

/** A deadline of a complaint that comes within `hours` (a threshold of `REMIND_BEFORE_HOURS`). */
export interface DueItem {
  complaint: ServedComplaint;
  deadline: DeadlineKind;
  due_at: string;
  /** The threshold it was sent for. */
  hours: number;
  /** Hours from the message's `at` to `due_at`, to one decimal, rounded down. */
  hours_left: number;
}

/** A deadline of a complaint that passed while it was open. */
export interface OverdueItem {
  complaint: ServedComplaint;
  deadline: DeadlineKind;
  due_at: string;
}

/**
 * A deadline's passing is not told later than this after it: sent messages are remembered for 7 days after
 * delivery, and one that late (the Worker was down) would only repeat what the dashboard shows.
 */
const LATE_LIMIT_MS = 6 * DAY_MS;

interface DeadlineNews {
  /** Soonest first: for each open deadline, the smallest threshold passed, while the deadline is ahead. */
  due: DueItem[];
  /** Soonest first. */
  overdue: OverdueItem[];
  /** {@link deadlineKey}s of the deadlines still open (of active complaints, neither met nor handled). */
  open: Set<string>;
}

/** One decimal, rounded down: 11.95 hours left is 11.9, never 12. */
const hoursLeft = (ms: number): number => Math.floor(ms / (HOUR_MS / 10)) / 10;
const byDue = (a: { due_at: string }, b: { due_at: string }) => Date.parse(a.due_at) - Date.parse(b.due_at);

/**
 * The deadline messages due at `now`. A moment that had passed when the complaint was first seen is never told (a
 * first deploy sends no storm): the new complaint's message says how long is left. Of several thresholds passed since the last
 * tick, only the smallest is told; once the deadline has passed, only its passing.
 */
export function deadlineNews(complaints: readonly ServedComplaint[], remindBeforeHours: readonly number[], now: number): DeadlineNews {
  const news: DeadlineNews = { due: [], overdue: [], open: new Set() };
  for (const complaint of complaints) {
    const firstSeen = Date.parse(complaint.first_seen_at);
    for (const { kind, due_at } of openDeadlines(complaint, complaint.deadlines, complaint)) {
      news.open.add(deadlineKey(complaint.id, kind));
      const due = Date.parse(due_at);
      if (now >= due) {
        if (due > firstSeen && now - due < LATE_LIMIT_MS) news.overdue.push({ complaint, deadline: kind, due_at });
        continue;
      }
      const hours = remindBeforeHours.findLast((h) => due - h * HOUR_MS <= now);
      if (hours !== undefined && due - hours * HOUR_MS > firstSeen) {
        news.due.push({ complaint, deadline: kind, due_at, hours, hours_left: hoursLeft(due - now) });
      }
    }
  }
  news.due.sort(byDue);
  news.overdue.sort(byDue);
  return news;
}

const worked = new WeakMap<News, DeadlineNews>();

/** {@link deadlineNews} of the news, worked out once for both events and every channel. */
export function deadlinesOfNews(news: News): DeadlineNews {
  let found = worked.get(news);
  if (found === undefined) {
    found = deadlineNews(news.active, news.rules.remindBeforeHours, Date.parse(news.at));
    worked.set(news, found);
  }
  return found;
}

/**
 * A pending deadline message without the items `keep` turns down (a chat message may tell of several: the others
 * stay, and only their marks: a deadline dropped unsaid and opened again is told again), or null when none is left.
 */
export function keepItems<I extends OverdueItem, E extends OutboxEntry & { notification: { items: I[] } }>(
  entry: E,
  keep: (item: I) => boolean,
  mark: (item: I) => string,
): OutboxEntry | null {
  const left = entry.notification.items.filter(keep);
  if (left.length === entry.notification.items.length) return entry;
  if (left.length === 0) return null;
  return { ...entry, complaint_ids: left.map(mark), notification: { ...entry.notification, items: left } };
}
