/**
 * What a tick has to tell of a merchant after the news: reminders of active, unhandled complaints at each
 * threshold of `REMIND_AFTER_HOURS`, the complaints a poll found gone, and the daily digest of the channels
 * whose `digest_at` has come; and, so that a tick with nothing due need not read the complaints to find so, the
 * earliest time any of it can next come due ({@link nextFollowUp}). Pure, but for {@link loadFollowUps}, which
 * reads what they need.
 * @module
 */
import type { Config, Merchant } from "../config";
import { COMPLAINTS, type Complaint, type Kept } from "../domain/complaint";
import { HANDLED, type Marks, served } from "../domain/handled";
import type { DigestEntry, Reminder } from "../domain/notification";
import type { Outbox } from "../domain/outbox";
import type { NextFollowUp } from "../domain/poll-state";
import { BEIJING_OFFSET_MS, beijingDay, beijingMinutes, DAY_MS } from "../domain/time";
import { md5 } from "../md5";
import { dueEntries, type FollowUps, hasDigest } from "../notify/outbox";
import type { Channel } from "../notify/settings";
import { complaintOf } from "../payjs/complaint";
import { complaintsKey, handledKey, type Store } from "../store";

const HOUR_MS = 3_600_000;
/**
 * A reminder is not sent later than this after its time: sent ones are remembered for 7 days after delivery,
 * and a reminder that long overdue (the Worker was down) would only repeat what the next one says.
 */
const LATE_LIMIT_MS = 6 * DAY_MS;

/** Each active, unhandled complaint's thresholds passed now (and not long ago), oldest complaint first. */
export function dueReminders<T extends Kept>(
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
export function settledIds(complaints: readonly Kept[], marks: Marks): Set<string> {
  return new Set(complaints.filter((c) => !c.active || Object.hasOwn(marks, c.id)).map((c) => c.id));
}

export function digestEntry(merchant: Merchant, complaints: readonly Kept[], marks: Marks, now: number): DigestEntry {
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

/** Whether any channel takes `complaint.reminder` of `merchant`. */
function remindsOf(config: Config, merchant: Merchant): boolean {
  return config.channels.some((ch) => remindsOn(ch, merchant));
}

/** Whether a channel takes this merchant's reminders. */
function remindsOn(ch: Config["channels"][number], merchant: Merchant): boolean {
  return (ch.events === null || ch.events.has("complaint.reminder")) && (ch.merchants === null || ch.merchants.has(merchant.mchid));
}

/** Bumped whenever {@link nextFollowUp} changes what it counts, so a bound stored by an older Worker is not trusted. */
const BOUND_VERSION = 2;

/**
 * A fingerprint of every setting {@link nextFollowUp} depends on for `merchant`: the thresholds, and which
 * channels take its reminders and its digests at what time. A bound stored under other settings is not known.
 * Every channel's name goes in, so a channel added or renamed (which would be told of reminders already due)
 * makes the next tick look.
 */
export function followUpSettings(config: Config, merchant: Merchant): string {
  const digests = new Map(digestsFrom(config, merchant).map((ch) => [ch.name, ch.digestAt]));
  const channels = config.channels.map((ch) => [ch.name, digests.get(ch.name) ?? null, remindsOn(ch, merchant)]);
  return md5(JSON.stringify([BOUND_VERSION, config.remindAfterHours, channels]));
}

/**
 * The earliest time after `now` a reminder or a digest can come due from `merchant`'s outbox, given its
 * complaints as they are stored: the first threshold still ahead of an active complaint (handled or not, so
 * taking a mark off never makes one due sooner than this says), and the next `digest_at` of a channel whose
 * digest goes out from here (its catch-up after midnight included, since that comes after the `digest_at`
 * itself). What came due up to `now` is what the follow-ups worked out at `now` queued. Only the list
 * (which a poll that changes it works this out again for) and the settings (in the fingerprint) move it.
 */
export function nextFollowUp(config: Config, merchant: Merchant, complaints: readonly Kept[], now: number, marks = ""): NextFollowUp {
  let next = Number.POSITIVE_INFINITY;
  if (remindsOf(config, merchant)) {
    for (const complaint of complaints) {
      if (!complaint.active) continue;
      const first = Date.parse(complaint.first_seen_at);
      for (const h of config.remindAfterHours) {
        const at = first + h * HOUR_MS;
        if (at > now && at < next) next = at;
      }
    }
  }
  for (const ch of digestsFrom(config, merchant)) next = Math.min(next, nextClockTime(ch.digestAt, now));
  return { at: Number.isFinite(next) ? new Date(next).toISOString() : null, settings: followUpSettings(config, merchant), marks };
}

/** The first instant after `now` at `minutes` after Beijing midnight. */
function nextClockTime(minutes: number, now: number): number {
  const midnight = now - ((((now + BEIJING_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS);
  const today = midnight + minutes * 60_000;
  return today > now ? today : today + DAY_MS;
}

/**
 * Whether a tick must work out `merchant`'s follow-ups: the stored bound is unknown, of other settings, or
 * reached; or a reminder is about to be sent from the outbox, which must be dropped first if its complaint
 * was handled (or left PAYJS's list) since it was queued.
 */
export async function followUpsDue(
  config: Config,
  store: Store,
  merchant: Merchant,
  bound: NextFollowUp | null,
  outbox: Outbox,
  now: number,
): Promise<boolean> {
  if (bound === null || bound.settings !== followUpSettings(config, merchant)) return true;
  if (bound.at !== null && now >= Date.parse(bound.at)) return true;
  if (dueEntries(outbox, config.channels, now).some((e) => e.event === "complaint.reminder")) return true;
  // The marks are a small value: reading them each tick is what lets the list stay unread.
  return (await marksOf(store, merchant.mchid)).rev !== bound.marks;
}

/** The merchant's handled marks, and which revision of them (or `absent`, `unreadable`) that is. */
async function marksOf(store: Store, mchid: string): Promise<{ marks: Marks; rev: string }> {
  const loaded = await store.load(handledKey(mchid), HANDLED);
  return loaded.kind === "ok" ? { marks: loaded.value, rev: loaded.rev } : { marks: {}, rev: loaded.kind };
}

/** The merchant's stored complaints, as far as they can be read. */
export async function complaintsOf(store: Store, mchid: string): Promise<Kept[]> {
  const loaded = await store.load(complaintsKey(mchid), COMPLAINTS);
  return loaded.kind === "ok" ? loaded.value : [];
}

/**
 * Everything a merchant's outbox should hear this tick besides news: reads its handled marks, and, only when
 * a digest goes out from it, every merchant the digest covers. With it, when they can next come due.
 * @param complaints the merchant's complaints as the poll left them (null: read them).
 * @param resolved the complaints the poll found gone.
 * @param lastSuccessAt the merchant's last successful poll: when its active complaints were last seen.
 */
export async function loadFollowUps(
  config: Config,
  store: Store,
  merchant: Merchant,
  outbox: Outbox,
  complaints: readonly Kept[] | null,
  resolved: readonly Complaint[],
  lastSuccessAt: string | null,
  now: number,
): Promise<{ followUps: FollowUps; next: NextFollowUp }> {
  const mine = complaints ?? (await complaintsOf(store, merchant.mchid));
  const { marks, rev: marksRev } = await marksOf(store, merchant.mchid);
  const channels = digestChannels(config, merchant, outbox, now);
  let digest: FollowUps["digest"] = null;
  if (channels.size > 0) {
    const covered = config.merchants.filter((m) =>
      config.channels.some((ch) => channels.has(ch.name) && (ch.merchants === null || ch.merchants.has(m.mchid))),
    );
    const merchants = await Promise.all(
      covered.map(async (m) =>
        m.mchid === merchant.mchid
          ? digestEntry(m, mine, marks, now)
          : digestEntry(m, await complaintsOf(store, m.mchid), (await marksOf(store, m.mchid)).marks, now),
      ),
    );
    digest = { days: channels, merchants };
  }
  const followUps: FollowUps = {
    mchid: merchant.mchid,
    merchantName: merchant.name,
    at: new Date(now).toISOString(),
    reminders: dueReminders(mine, marks, config.remindAfterHours, now).map(
      ({ complaint, hours }): Reminder => ({ complaint: complaintOf(merchant.mchid, complaint, lastSuccessAt), hours }),
    ),
    resolved: resolved.map((c) => served(c, Object.hasOwn(marks, c.id) ? (marks[c.id] ?? null) : null)),
    settled: settledIds(mine, marks),
    digest,
  };
  return { followUps, next: nextFollowUp(config, merchant, mine, now, marksRev) };
}
