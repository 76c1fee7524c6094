/**
 * What a tick has to tell of a merchant after the news: reminders of active, unhandled complaints at each
 * threshold of `REMIND_AFTER_HOURS`, the complaints a poll found gone, and the daily digest of the channels
 * whose `digest_at` has come. Pure, but for {@link readFollowUps}, which reads what they need.
 * @module
 */
import type { Config, Merchant } from "../config";
import { COMPLAINTS, type Complaint, type StoredComplaint } from "../domain/complaint";
import { HANDLED, type Marks, served } from "../domain/handled";
import type { DigestEntry, Reminder } from "../domain/notification";
import type { Outbox } from "../domain/outbox";
import { beijingDay, beijingMinutes, DAY_MS, HOUR_MS } from "../domain/time";
import { hasDigest, type News } from "../notify/queue";
import type { Channel } from "../notify/settings";
import { complaintOf } from "../payjs/complaint";
import { complaintsKey, handledKey, type Store } from "../store";
import type { Tick } from "./tick-context";

/**
 * A reminder is not sent later than this after its time: sent ones are remembered for 7 days after delivery,
 * and a reminder that long overdue (the Worker was down) would only repeat what the next one says.
 */
const LATE_LIMIT_MS = 6 * DAY_MS;

/** Each active, unhandled complaint's thresholds passed now (and not long ago), oldest complaint first. */
export function dueReminders<T extends StoredComplaint>(
  complaints: readonly T[],
  marks: Marks,
  hours: readonly number[],
  now: number,
): { complaint: T; hours: number }[] {
  const due: { complaint: T; hours: number }[] = [];
  for (const complaint of complaints) {
    if (!complaint.active || Object.hasOwn(marks, complaint.id)) continue;
    const first = Date.parse(complaint.first_seen_at);
    for (const h of hours) {
      const at = first + h * HOUR_MS;
      if (at <= now && now - at < LATE_LIMIT_MS) due.push({ complaint, hours: h });
    }
  }
  return due.sort((a, b) => a.complaint.first_seen_at.localeCompare(b.complaint.first_seen_at) || a.hours - b.hours);
}

/** Complaints never to remind again: handled, or gone from PAYJS's list. */
export function settledIds(complaints: readonly StoredComplaint[], marks: Marks): Set<string> {
  return new Set(complaints.filter((c) => !c.active || Object.hasOwn(marks, c.id)).map((c) => c.id));
}

export function digestEntry(merchant: Merchant, complaints: readonly StoredComplaint[], marks: Marks, now: number): DigestEntry {
  const active = complaints.filter((c) => c.active);
  const unhandled = active.filter((c) => !Object.hasOwn(marks, c.id));
  const oldest = unhandled.map((c) => c.first_seen_at).sort()[0] ?? null;
  return {
    mchid: merchant.mchid,
    name: merchant.name,
    new_24h: complaints.filter((c) => now - Date.parse(c.first_seen_at) < DAY_MS).length,
    active: active.length,
    unhandled: unhandled.length,
    oldest_unhandled_at: oldest,
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

/** The merchant's handled marks (none when they cannot be read: the HTTP side sets such a value aside). */
async function readMarks(store: Store, mchid: string): Promise<Marks> {
  const loaded = await store.load(handledKey(mchid), HANDLED);
  return loaded.kind === "ok" ? loaded.value : {};
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

/**
 * Everything a merchant's outbox should hear this tick besides news: reads its handled marks (and its complaints
 * unless given, which it gives back), and, only when a digest goes out from it, every merchant the digest covers.
 */
export async function readFollowUps(
  tick: Tick,
  merchant: Merchant,
  outbox: Outbox,
  input: FollowUpInput,
): Promise<Pick<News, "reminders" | "resolved" | "settled" | "digest"> & { complaints: readonly StoredComplaint[] }> {
  const { config, store, now } = tick;
  const mine = input.complaints ?? (await readComplaints(store, merchant.mchid));
  const marks = await readMarks(store, merchant.mchid);
  const channels = digestChannels(config, merchant, outbox, now);
  let digest: News["digest"] = null;
  if (channels.size > 0) {
    const covered = config.merchants.filter((m) =>
      config.channels.some((ch) => channels.has(ch.name) && (ch.merchants === null || ch.merchants.has(m.mchid))),
    );
    const merchants = await Promise.all(
      covered.map(async (m) =>
        m.mchid === merchant.mchid
          ? digestEntry(m, mine, marks, now)
          : digestEntry(m, await readComplaints(store, m.mchid), await readMarks(store, m.mchid), now),
      ),
    );
    digest = { days: channels, merchants };
  }
  return {
    complaints: mine,
    reminders: dueReminders(mine, marks, config.remindAfterHours, now).map(
      ({ complaint, hours }): Reminder => ({ complaint: complaintOf(merchant.mchid, complaint, input.lastSuccessAt), hours }),
    ),
    resolved: input.resolved.map((c) => served(c, Object.hasOwn(marks, c.id) ? (marks[c.id] ?? null) : null)),
    settled: settledIds(mine, marks),
    digest,
  };
}
