/**
 * What a tick has to tell of a merchant after the news: the deadline messages (see `deadline-news.ts`), the
 * complaints a poll found gone, the refunds done (see `refund-news.ts`), and the daily digest of the channels whose
 * `digest_at` has come. Pure, but for
 * {@link readFollowUps}, which reads what they need.
 * @module
 */
import { readMarks } from "../actions/marks";
import type { Config, Merchant } from "../config";
import { type Complaint, complaintOf, type StoredComplaint } from "../domain/complaint";
import { DEADLINE_KINDS, deadlineKey, isOverdue, startOf } from "../domain/deadlines";
import { type MarkBook, marksIn } from "../domain/marks";
import type { DigestEntry } from "../domain/notification";
import type { Outbox } from "../domain/outbox";
import { outcomeOf } from "../domain/refund";
import { type ServedComplaint, served } from "../domain/served";
import { COMPLAINTS } from "../domain/stored-complaints";
import { beijingDay, beijingMinutes, DAY_MS } from "../domain/time";
import { hasDigest, type News } from "../notify/queue";
import type { Channel } from "../notify/settings";
import { complaintsKey, type Store } from "../store";
import { deadlineNews } from "./deadline-news";
import { refundNews } from "./refund-news";
import type { Tick } from "./tick-context";

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

/** The merchant's marks as KV holds them now (none when they cannot be read: the next change sets such a value aside). */
async function marksNow(store: Store, mchid: string): Promise<MarkBook> {
  return (await readMarks(store, mchid, true)).book;
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
export type FollowUps = Pick<News, "due" | "overdue" | "resolved" | "refunded" | "closed" | "digest"> & {
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
  const book = await marksNow(store, merchant.mchid);
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
          : digestEntry(m, servedOf(m, await readComplaints(store, m.mchid), await marksNow(store, m.mchid)), now),
      ),
    );
    digest = { days: channels, merchants };
  }
  const { due, overdue, closed } = deadlineNews(active, rules, now);
  for (const k of mine) if (!k.active) for (const kind of DEADLINE_KINDS) closed.add(deadlineKey(k.id, kind));
  // Only the few complaints with a refund on record are served for it, active or gone.
  const withRefund = mine.filter((k) => outcomeOf(book.refunds, k.id) !== null);
  const refunded = refundNews(book.refunds, servedOf(merchant, withRefund, book), now);
  return { complaints: mine, serve, due, overdue, closed, resolved: input.resolved.map(serve), refunded, digest };
}
