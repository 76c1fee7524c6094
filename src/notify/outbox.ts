/**
 * A merchant's alert outbox: what is to be sent through which channel, what was sent, and what was given
 * up on (what is queued in it is the events' to say: src/notify/events/). Pure: the poller loads it, queues news, and writes it *before* the complaints that caused them, so a
 * crash in between neither loses an alert nor doubles one (the next poll finds the same new complaints, and
 * entries are keyed by channel and complaint). What delivery did afterwards is kept apart as
 * {@link Deliveries}, written with the merchant's status, so no invocation writes the outbox twice (KV takes
 * one write per key per second); they are folded in again when the outbox is next read.
 * @module
 */

import type { ChannelRecord, Outbox, OutboxEntry, Progress } from "../domain/outbox";
import type { ErrorAt } from "../domain/shape";
import { beijingMinutes } from "../domain/time";
import { eventNamed } from "./events";
import type { Channel } from "./types";

/** Waits after the 1st, 2nd, … failed attempt; after the last, the entry is given up: 6 attempts over ~4 h. */
const RETRY_DELAYS_MS = [5, 15, 30, 60, 120].map((m) => m * 60_000);
/** Sent and given-up entries are kept this long: long enough to recognise a re-queued event. */
const KEEP_DONE_MS = 7 * 86_400_000;

export function progressOf(e: OutboxEntry): Progress {
  return { state: e.state, attempts: e.attempts, next_attempt_at: e.next_attempt_at, done_at: e.done_at, last_error: e.last_error };
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
 * hours its entries wait, all but those of an urgent event, which are never held.
 */
export function dueEntries(outbox: Outbox, channels: readonly Channel[], now: number): OutboxEntry[] {
  const byName = new Map(channels.map((c) => [c.name, c]));
  return outbox.entries
    .filter((e) => {
      const channel = byName.get(e.channel);
      if (channel === undefined || e.state !== "pending" || e.next_attempt_at === null || Date.parse(e.next_attempt_at) > now) return false;
      return eventNamed(e.event)?.urgent === true || !inQuietHours(channel, now);
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
