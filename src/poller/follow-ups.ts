/**
 * What a tick has to tell of a merchant after the news: `complaint.due` before each open deadline at each threshold
 * of `REMIND_BEFORE_HOURS`, `complaint.overdue` once a deadline passed, the complaints a poll found gone, and the
 * daily digest of the channels whose `digest_at` has come. Pure, but for {@link readFollowUps}, which reads what
 * they need.
 * @module
 */
import type { Config, Merchant } from "../config";
import { COMPLAINTS, type Complaint, type StoredComplaint } from "../domain/complaint";
import { type DeadlineKind, type DeadlineRules, isOverdue, openDeadlines, startOf } from "../domain/deadlines";
import { emptyBook, MARKS, type MarkBook, marksIn } from "../domain/marks";
import type { DigestEntry, DueItem, OverdueItem } from "../domain/notification";
import type { Outbox } from "../domain/outbox";
import { type ServedComplaint, served } from "../domain/served";
import { beijingDay, beijingMinutes, DAY_MS, HOUR_MS } from "../domain/time";
import { deadlineKey, hasDigest, type News } from "../notify/queue";
import type { Channel } from "../notify/settings";
import { complaintOf } from "../payjs/complaint";
import { complaintsKey, handledKey, type Store } from "../store";
import type { Tick } from "./tick-context";

/**
 * `complaint.overdue` is not sent later than this after its deadline: sent messages are remembered for 7 days after
 * delivery, and one that late (the Worker was down) would only repeat what the dashboard shows.
 */
const LATE_LIMIT_MS = 6 * DAY_MS;

const KINDS: readonly DeadlineKind[] = ["reply", "resolve"];

/** What the deadlines of a merchant's complaints call for now. */
export interface DeadlineNews {
  /** Soonest first: for each open deadline, the smallest threshold passed, while the deadline is ahead. */
  due: DueItem[];
  overdue: OverdueItem[];
  /** {@link deadlineKey}s of deadlines no longer to remind (met, or the complaint is handled or gone). */
  closed: Set<string>;
}

/** One decimal, rounded down: 11.95 hours left is 11.9, never 12. */
const hoursLeft = (ms: number): number => Math.floor(ms / (HOUR_MS / 10)) / 10;

/**
 * The deadline messages due now. A moment that had passed when the complaint was first seen is never told (a
 * first deploy sends no storm): `complaint.new` says how long is left. Of several thresholds passed since the last
 * tick, only the smallest is told; once the deadline has passed, only `complaint.overdue`.
 */
export function deadlineNews(complaints: readonly ServedComplaint[], rules: DeadlineRules, now: number): DeadlineNews {
  const news: DeadlineNews = { due: [], overdue: [], closed: new Set() };
  for (const complaint of complaints) {
    const firstSeen = Date.parse(complaint.first_seen_at);
    const open = openDeadlines(complaint, complaint.deadlines, complaint);
    for (const kind of KINDS) {
      if (!open.some((d) => d.kind === kind)) news.closed.add(deadlineKey(complaint.id, kind));
    }
    for (const { kind, due_at } of open) {
      const due = Date.parse(due_at);
      if (now >= due) {
        if (due > firstSeen && now - due < LATE_LIMIT_MS) news.overdue.push({ complaint, deadline: kind, due_at });
        continue;
      }
      const hours = rules.remindBeforeHours.findLast((h) => due - h * HOUR_MS <= now);
      if (hours !== undefined && due - hours * HOUR_MS > firstSeen) {
        news.due.push({ complaint, deadline: kind, due_at, hours, hours_left: hoursLeft(due - now) });
      }
    }
  }
  const byDue = (a: { due_at: string }, b: { due_at: string }) => Date.parse(a.due_at) - Date.parse(b.due_at);
  news.due.sort(byDue);
  news.overdue.sort(byDue);
  return news;
}

export function digestEntry(merchant: Merchant, complaints: readonly ServedComplaint[], now: number): DigestEntry {
  const active = complaints.filter((c) => c.active);
  const unhandled = active.filter((c) => c.handled === null);
  // Made, not first seen: the deadlines count from when the customer complained.
  const oldest = Math.min(...unhandled.map(startOf));
  return {
    mchid: merchant.mchid,
    name: merchant.name,
    new_24h: complaints.filter((c) => now - Date.parse(c.first_seen_at) < DAY_MS).length,
    active: active.length,
    unhandled: unhandled.length,
    due_24h: active.filter((c) => c.next_due !== null && !isOverdue(c.next_due, now) && Date.parse(c.next_due) - now <= DAY_MS).length,
    overdue: active.filter((c) => isOverdue(c.next_due, now)).length,
    oldest_unhandled_at: Number.isFinite(oldest) ? new Date(oldest).toISOString() : null,
  };
}

/** A digest due up to this long ago is still sent: a `digest_at` after the day's last tick goes out at 00:00. */
const DIGEST_CATCH_UP_MS = 60 * 60_000;

/** The Beijing day whose digest is due now at `digestAt` (minutes after midnight), or null when none is. */
export function digestDay(digestAt: number, now: number): string | null {
  const minutes = beijingMinutes(now);
  if (minutes >= digestAt) return beijingDay(now);
  const late = minutes + 24 * 60 - digestAt;
  return late * 60_000 < DIGEST_CATCH_UP_MS ? beijingDay(now - DAY_MS) : null;
}

/**
 * The channels whose digest goes out from `merchant`'s outbox now, by the day it covers: its time has come, it
 * is the first configured merchant the channel covers (one digest a channel, over all its merchants), the
 * channel takes `digest.daily`, and it is not queued yet.
 */
export function digestChannels(config: Config, merchant: Merchant, outbox: Outbox, now: number): Map<string, string> {
  const due = new Map<string, string>();
  for (const ch of digestsFrom(config, merchant)) {
    const day = digestDay(ch.digestAt, now);
    if (day !== null && !hasDigest(outbox, ch.name, day)) due.set(ch.name, day);
  }
  return due;
}

/** The channels with a `digest_at` that take `digest.daily` and whose digest goes out from `merchant`'s outbox. */
function digestsFrom(config: Config, merchant: Merchant): (Channel & { digestAt: number })[] {
  return config.channels.filter((ch): ch is Channel & { digestAt: number } => {
    if (ch.digestAt === null || (ch.events !== null && !ch.events.has("digest.daily"))) return false;
    const home = config.merchants.find((m) => ch.merchants === null || ch.merchants.has(m.mchid));
    return home?.mchid === merchant.mchid;
  });
}

/** The merchant's marks (none when they cannot be read: the HTTP side sets such a value aside). */
async function readMarks(store: Store, mchid: string): Promise<MarkBook> {
  const loaded = await store.load(handledKey(mchid), MARKS);
  return loaded.kind === "ok" ? loaded.value : emptyBook();
}

/** The merchant's stored complaints, as far as they can be read. */
export async function readComplaints(store: Store, mchid: string): Promise<StoredComplaint[]> {
  const loaded = await store.load(complaintsKey(mchid), COMPLAINTS);
  return loaded.kind === "ok" ? loaded.value : [];
}

/** What the follow-ups are worked out from. */
export interface FollowUpInput {
  /** The merchant's complaints as the poll left them (null: read them). */
  complaints: readonly StoredComplaint[] | null;
  /** The complaints the poll found gone. */
  resolved: readonly Complaint[];
  /** The merchant's last successful poll: when its active complaints were last seen. */
  lastSuccessAt: string | null;
}

/** What the follow-ups found, and what the news needs besides: the stored complaints and a way to serve one. */
export type FollowUps = Pick<News, "due" | "overdue" | "resolved" | "closed" | "digest"> & {
  complaints: readonly StoredComplaint[];
  serve(c: Complaint): ServedComplaint;
};

/**
 * Everything a merchant's outbox should hear this tick besides news: reads its marks (and its complaints unless
 * given, which it gives back), and, only when a digest goes out from it, every merchant the digest covers.
 */
export async function readFollowUps(tick: Tick, merchant: Merchant, outbox: Outbox, input: FollowUpInput): Promise<FollowUps> {
  const { config, store, now } = tick;
  const rules = config.deadlines;
  const servedOf = (m: Merchant, stored: readonly StoredComplaint[], book: MarkBook) =>
    stored.map((k) => served(complaintOf(m.mchid, k, input.lastSuccessAt), marksIn(book, k.id), rules));
  const mine = input.complaints ?? (await readComplaints(store, merchant.mchid));
  const book = await readMarks(store, merchant.mchid);
  const serve = (c: Complaint) => served(c, marksIn(book, c.id), rules);
  const active = servedOf(
    merchant,
    mine.filter((k) => k.active),
    book,
  );
  const channels = digestChannels(config, merchant, outbox, now);
  let digest: News["digest"] = null;
  if (channels.size > 0) {
    const covered = config.merchants.filter((m) =>
      config.channels.some((ch) => channels.has(ch.name) && (ch.merchants === null || ch.merchants.has(m.mchid))),
    );
    const merchants = await Promise.all(
      covered.map(async (m) =>
        m.mchid === merchant.mchid
          ? digestEntry(m, servedOf(m, mine, book), now)
          : digestEntry(m, servedOf(m, await readComplaints(store, m.mchid), await readMarks(store, m.mchid)), now),
      ),
    );
    digest = { days: channels, merchants };
  }
  const { due, overdue, closed } = deadlineNews(active, rules, now);
  for (const k of mine) if (!k.active) for (const kind of KINDS) closed.add(deadlineKey(k.id, kind));
  return { complaints: mine, serve, due, overdue, closed, resolved: input.resolved.map(serve), digest };
}
