/**
 * A merchant's alert outbox: what is to be sent through which channel, what was sent, and what was given
 * up on. Pure: the poller loads it, adds events, and writes it *before* the complaints that caused them, so a
 * crash in between neither loses an alert nor doubles one (the next poll finds the same new complaints, and
 * entries are keyed by channel and complaint). What delivery did afterwards is kept apart as
 * {@link Deliveries}, written with the merchant's status, so no invocation writes the outbox twice (KV takes
 * one write per key per second); they are folded in again when the outbox is next read.
 * @module
 */

import type { Complaint } from "../domain/complaint";
import { served } from "../domain/handled";
import type { DigestEntry, EventName, MerchantStatusEntry, Notification, Reminder } from "../domain/notification";
import type { ChannelRecord, Deliveries, Outbox, OutboxEntry, Progress } from "../domain/outbox";
import type { ErrorAt } from "../domain/shape";
import { beijingMinutes } from "../domain/time";
import type { Channel } from "./settings";

/** Chat channels get one summary instead of more than this many messages for one poll. */
export const SUMMARY_AFTER = 5;
/** Waits after the 1st, 2nd, … failed attempt; after the last, the entry is given up: 6 attempts over ~4 h. */
export const RETRY_DELAYS_MS = [5, 15, 30, 60, 120].map((m) => m * 60_000);
/** Sent and given-up entries are kept this long: long enough to recognise a re-queued event. */
const KEEP_DONE_MS = 7 * 86_400_000;

export function progressOf(e: OutboxEntry): Progress {
  return { state: e.state, attempts: e.attempts, next_attempt_at: e.next_attempt_at, done_at: e.done_at, last_error: e.last_error };
}

/**
 * Folds recorded deliveries into the outbox they were made from. A record never takes an entry back: one
 * with fewer attempts than the entry (an older status next to a newer outbox, after a failed write) is
 * skipped, so folding twice changes nothing.
 */
export function applyDeliveries(outbox: Outbox, deliveries: Deliveries): void {
  for (const e of outbox.entries) {
    const p = deliveries.entries[e.id];
    if (p === undefined || p.attempts < e.attempts) continue;
    e.state = p.state;
    e.attempts = p.attempts;
    e.next_attempt_at = p.next_attempt_at;
    e.done_at = p.done_at;
    e.last_error = p.last_error;
    if (e.state !== "pending") e.notification = null;
  }
  for (const [name, record] of Object.entries(deliveries.channels)) outbox.channels[name] = mergeChannel(outbox.channels[name], record);
}

/** Two invocations' deliveries as one: each entry at its furthest attempt, each channel at its latest. */
export function mergeDeliveries(a: Deliveries, b: Deliveries): Deliveries {
  const entries = { ...a.entries };
  for (const [id, p] of Object.entries(b.entries)) {
    const q = entries[id];
    if (q === undefined || p.attempts >= q.attempts) entries[id] = p;
  }
  const channels = { ...a.channels };
  for (const [name, record] of Object.entries(b.channels)) channels[name] = mergeChannel(channels[name], record);
  return { entries, channels };
}

function mergeChannel(a: ChannelRecord | undefined, b: ChannelRecord): ChannelRecord {
  if (a === undefined) return { ...b };
  const delivered = later(a.last_delivery_at, b.last_delivery_at);
  const error = later(a.last_error, b.last_error);
  // A delivery after the error clears it, as a successful attempt does.
  return { last_delivery_at: delivered, last_error: error !== null && delivered !== null && delivered >= error.at ? null : error };
}

function later<T extends string | ErrorAt>(a: T | null, b: T | null): T | null {
  if (a === null || b === null) return a ?? b;
  const at = (x: T) => (typeof x === "string" ? x : x.at);
  return at(a) >= at(b) ? a : b;
}

/** What one poll brings to tell. */
export interface PollEvents {
  mchid: string;
  merchantName: string | null;
  at: string;
  /** Newest first. */
  newComplaints: Complaint[];
  /** `run` names the run of failures: the last success before it. */
  status: { event: "watcher.failing" | "watcher.recovered"; key: string; run: string; merchant: MerchantStatusEntry } | null;
}

function wants(channel: Channel, event: EventName, mchid: string): boolean {
  return (channel.events === null || channel.events.has(event)) && (channel.merchants === null || channel.merchants.has(mchid));
}

function entry(channel: string, key: string, event: EventName, ids: string[], n: Notification, at: string): OutboxEntry {
  return {
    id: `${channel}|${key}`,
    channel,
    event,
    complaint_ids: ids,
    notification: n,
    state: "pending",
    attempts: 0,
    created_at: at,
    next_attempt_at: at,
    done_at: null,
    last_error: null,
  };
}

/**
 * `watcher.recovered` only follows a `watcher.failing` the channel was told of. One still waiting for a
 * retry is dropped instead: "failing" arriving after the recovery would be the wrong last word.
 */
function settleFailing(outbox: Outbox, channel: string, run: string): "delivered" | "dropped" | "none" {
  const failing = outbox.entries.find((e) => e.id === `${channel}|${failingKey(run)}`);
  if (failing?.state === "pending") {
    outbox.entries = outbox.entries.filter((e) => e !== failing);
    return "dropped";
  }
  return failing?.state === "delivered" ? "delivered" : "none";
}

export const failingKey = (run: string): string => `failing:${run}`;
export const recoveredKey = (run: string): string => `recovered:${run}`;

/** Adds the entries `events` call for; returns how many entries were added or dropped (0: nothing to write). */
export function enqueue(outbox: Outbox, events: PollEvents, channels: readonly Channel[]): number {
  const before = outbox.entries.length;
  let dropped = 0;
  const ids = new Set(outbox.entries.map((e) => e.id));
  for (const channel of channels) {
    if (events.newComplaints.length > 0 && wants(channel, "complaint.new", events.mchid)) {
      const told = new Set(outbox.entries.filter((e) => e.channel === channel.name).flatMap((e) => e.complaint_ids));
      const fresh = events.newComplaints.filter((c) => !told.has(c.id));
      // A chat message shows a few fields: the verbatim upstream item is for webhooks only.
      const slim = (c: Complaint): Complaint => (channel.type.chat ? { ...c, raw: {} } : c);
      if (channel.type.chat && fresh.length > SUMMARY_AFTER) {
        const n: Notification = {
          kind: "summary",
          event: "complaint.new",
          at: events.at,
          mchid: events.mchid,
          merchantName: events.merchantName,
          count: fresh.length,
          totalFee: fresh.reduce((sum, c) => sum + (c.total_fee ?? 0), 0),
          newest: fresh.slice(0, SUMMARY_AFTER).map(slim),
        };
        const key = `summary:${fresh[0]?.id}:${fresh.length}`;
        outbox.entries.push(
          entry(
            channel.name,
            key,
            "complaint.new",
            fresh.map((c) => c.id),
            n,
            events.at,
          ),
        );
      } else {
        // A webhook gets the complaint exactly as the API shows it: a new one is not handled yet.
        for (const complaint of fresh.map((c) => (channel.type.chat ? slim(c) : served(c, null)))) {
          const n: Notification = {
            kind: "complaint",
            event: "complaint.new",
            at: events.at,
            merchantName: events.merchantName,
            complaint,
          };
          outbox.entries.push(entry(channel.name, `complaint:${complaint.id}`, "complaint.new", [complaint.id], n, events.at));
        }
      }
    }
    const status = events.status;
    if (status !== null && wants(channel, status.event, events.mchid) && !ids.has(`${channel.name}|${status.key}`)) {
      if (status.event === "watcher.recovered") {
        const failing = settleFailing(outbox, channel.name, status.run);
        if (failing === "dropped") dropped++;
        if (failing !== "delivered") continue;
      }
      const n: Notification = { kind: "status", event: status.event, at: events.at, merchant: status.merchant };
      outbox.entries.push(entry(channel.name, status.key, status.event, [], n, events.at));
    }
  }
  return outbox.entries.length - before + 2 * dropped;
}

/** Every complaint some channel was told of (or is to be), as far as the outbox remembers: 7 days after delivery. */
export function toldComplaintIds(outbox: Outbox): Set<string> {
  return new Set(outbox.entries.filter((e) => e.event === "complaint.new").flatMap((e) => e.complaint_ids));
}

/** What a tick has to tell of a merchant besides new complaints and the watcher. */
export interface FollowUps {
  mchid: string;
  merchantName: string | null;
  at: string;
  /** Reminders due now, oldest first. */
  reminders: Reminder[];
  /** Complaints the poll found gone from PAYJS's list. */
  resolved: Complaint[];
  /** Complaints no longer to remind (handled, or gone): their pending reminders are dropped. */
  settled: ReadonlySet<string>;
  /** The digest for the channels whose digest goes out from this merchant's outbox now (channel → the day it covers); null: none. */
  digest: { days: ReadonlyMap<string, string>; merchants: DigestEntry[] } | null;
}

/** A reminder's mark among an entry's complaint ids: the complaint and the threshold. */
const reminderMark = (id: string, hours: number): string => `${id}#${hours}`;

/** Adds reminder, resolved and digest entries; drops pending reminders of settled complaints. Returns whether anything changed. */
export function enqueueFollowUps(outbox: Outbox, f: FollowUps, channels: readonly Channel[]): boolean {
  const before = outbox.entries.length;
  outbox.entries = outbox.entries.filter(
    (e) =>
      !(
        e.state === "pending" &&
        e.event === "complaint.reminder" &&
        e.complaint_ids.some((m) => f.settled.has(m.slice(0, m.lastIndexOf("#"))))
      ),
  );
  let changed = outbox.entries.length !== before;
  const ids = new Set(outbox.entries.map((e) => e.id));
  const add = (e: OutboxEntry): void => {
    if (ids.has(e.id)) return;
    ids.add(e.id);
    outbox.entries.push(e);
    changed = true;
  };
  for (const channel of channels) {
    const slim = (c: Complaint): Complaint => (channel.type.chat ? { ...c, raw: {} } : c);
    if (f.reminders.length > 0 && wants(channel, "complaint.reminder", f.mchid)) {
      const told = new Set(
        outbox.entries.filter((e) => e.channel === channel.name && e.event === "complaint.reminder").flatMap((e) => e.complaint_ids),
      );
      const due = f.reminders.filter((r) => !told.has(reminderMark(r.complaint.id, r.hours)));
      if (channel.type.chat && due.length > 0) {
        const items = due.map((r) => ({ complaint: slim(r.complaint), hours: r.hours }));
        const n: Notification = {
          kind: "reminders",
          event: "complaint.reminder",
          at: f.at,
          mchid: f.mchid,
          merchantName: f.merchantName,
          items,
        };
        const marks = due.map((r) => reminderMark(r.complaint.id, r.hours));
        add(entry(channel.name, `reminders:${f.at}`, "complaint.reminder", marks, n, f.at));
      } else {
        for (const r of due) {
          const n: Notification = {
            kind: "reminder",
            event: "complaint.reminder",
            at: f.at,
            merchantName: f.merchantName,
            complaint: served(r.complaint, null),
            hours: r.hours,
          };
          const mark = reminderMark(r.complaint.id, r.hours);
          add(entry(channel.name, `reminder:${mark}`, "complaint.reminder", [mark], n, f.at));
        }
      }
    }
    // Keyed by the complaint and the last poll that listed it: a poll that must be redone (its complaints write
    // failed) finds the same complaints gone again, and must not tell of them twice.
    const resolvedMark = (c: Complaint): string => `${c.id}@${c.last_seen_at}`;
    const toldGone = new Set(
      outbox.entries.filter((e) => e.channel === channel.name && e.event === "complaint.resolved").flatMap((e) => e.complaint_ids),
    );
    const gone = f.resolved.filter((c) => !toldGone.has(resolvedMark(c)));
    if (gone.length > 0 && wants(channel, "complaint.resolved", f.mchid)) {
      if (channel.type.chat) {
        const n: Notification = {
          kind: "resolved_list",
          event: "complaint.resolved",
          at: f.at,
          mchid: f.mchid,
          merchantName: f.merchantName,
          complaints: gone.map(slim),
        };
        add(entry(channel.name, `resolved:${f.at}`, "complaint.resolved", gone.map(resolvedMark), n, f.at));
      } else {
        for (const complaint of gone) {
          const n: Notification = { kind: "resolved", event: "complaint.resolved", at: f.at, merchantName: f.merchantName, complaint };
          add(entry(channel.name, `resolved:${resolvedMark(complaint)}`, "complaint.resolved", [resolvedMark(complaint)], n, f.at));
        }
      }
    }
    const day = f.digest?.days.get(channel.name);
    if (f.digest !== null && day !== undefined) {
      const merchants = f.digest.merchants.filter((m) => channel.merchants === null || channel.merchants.has(m.mchid));
      const n: Notification = { kind: "digest", event: "digest.daily", at: f.at, merchants };
      add(entry(channel.name, `digest:${day}`, "digest.daily", [], n, f.at));
    }
  }
  return changed;
}

/** Whether the channel already queued (or sent) its digest of `day` in this outbox. */
export function hasDigest(outbox: Outbox, channel: string, day: string): boolean {
  return outbox.entries.some((e) => e.id === `${channel}|digest:${day}`);
}

/** Whether `at` falls in the channel's quiet hours (Beijing time). */
export function inQuietHours(channel: Channel, at: number): boolean {
  if (channel.quietHours === null) return false;
  const [from, to] = channel.quietHours;
  const minute = beijingMinutes(at);
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/**
 * Pending entries whose time has come, oldest first, for channels that still exist. During a channel's quiet
 * hours its entries wait, all but `watcher.failing`, which is never held.
 */
export function dueEntries(outbox: Outbox, channels: readonly Channel[], now: number): OutboxEntry[] {
  const byName = new Map(channels.map((c) => [c.name, c]));
  return outbox.entries
    .filter((e) => {
      const channel = byName.get(e.channel);
      if (channel === undefined || e.state !== "pending" || e.next_attempt_at === null || Date.parse(e.next_attempt_at) > now) return false;
      return e.event === "watcher.failing" || !inQuietHours(channel, now);
    })
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export type AttemptResult = { ok: true } | { ok: false; code: string; message: string };

export function recordAttempt(outbox: Outbox, e: OutboxEntry, result: AttemptResult, now: number): void {
  const at = new Date(now).toISOString();
  let record = outbox.channels[e.channel];
  if (record === undefined) {
    record = { last_delivery_at: null, last_error: null };
    outbox.channels[e.channel] = record;
  }
  e.attempts++;
  if (result.ok) {
    Object.assign(e, { state: "delivered", next_attempt_at: null, done_at: at, notification: null, last_error: null });
    record.last_delivery_at = at;
    record.last_error = null;
    return;
  }
  const error = { code: result.code, message: result.message, at };
  e.last_error = error;
  record.last_error = error;
  const wait = RETRY_DELAYS_MS[e.attempts - 1];
  if (wait === undefined) {
    Object.assign(e, { state: "given_up", next_attempt_at: null, done_at: at, notification: null });
  } else {
    e.next_attempt_at = new Date(now + wait).toISOString();
  }
}

/** Drops entries done long ago, and pending ones of channels no longer configured; returns whether any went. */
export function prune(outbox: Outbox, channels: readonly Channel[], now: number): boolean {
  const names = new Set(channels.map((c) => c.name));
  const kept = outbox.entries.filter((e) => names.has(e.channel) && (e.done_at === null || now - Date.parse(e.done_at) < KEEP_DONE_MS));
  const changed = kept.length !== outbox.entries.length;
  outbox.entries = kept;
  return changed;
}

export interface ChannelStatus {
  name: string;
  type: string;
  last_delivery_at: string | null;
  last_error: ErrorAt | null;
  pending: number;
  given_up: number;
}

/** Each channel's entry of `/api/status`, over every merchant's outbox. */
export function channelStatus(channels: readonly Channel[], outboxes: readonly Outbox[]): ChannelStatus[] {
  return channels.map((channel) => {
    const records = outboxes.map((o) => o.channels[channel.name]).filter((r): r is ChannelRecord => r !== undefined);
    const latest = (values: (string | null)[]) =>
      values.reduce<string | null>((a, b) => (b !== null && (a === null || b > a) ? b : a), null);
    const lastError =
      records
        .map((r) => r.last_error)
        .filter((e): e is ErrorAt => e !== null)
        .sort((a, b) => b.at.localeCompare(a.at))[0] ?? null;
    const entries = outboxes.flatMap((o) => o.entries).filter((e) => e.channel === channel.name);
    const lastDelivery = latest(records.map((r) => r.last_delivery_at));
    return {
      name: channel.name,
      type: channel.type.type,
      last_delivery_at: lastDelivery,
      // Another merchant's older error is history once the channel has delivered since.
      last_error: lastError !== null && (lastDelivery === null || lastError.at > lastDelivery) ? lastError : null,
      pending: entries.filter((e) => e.state === "pending").length,
      given_up: entries.filter((e) => e.state === "given_up").length,
    };
  });
}
