/**
 * The poller's side of alerts: what a poll has to tell goes into the merchant's outbox, which is written
 * before the complaints that caused it (so a crash in between neither loses nor doubles an alert: the next
 * poll finds the same complaints new, and entries are keyed by channel and complaint); then what is due is
 * sent, and the outbox written again with the outcome.
 * @module
 */
import type { Merchant } from "../config";
import { deliverDue } from "../notify/deliver";
import { type Outbox, dueEntries, emptyOutbox, enqueue, failingKey, prune, recoveredKey } from "../notify/outbox";
import type { Complaint } from "../payjs/complaint";
import { comparePositions, positionOf } from "../reader/order";
import { statusEntry } from "../status-entry";
import { type PollState, outboxKey } from "../store";
import type { Tick } from "./tick-context";

export type WatcherEvent = { event: "watcher.failing" | "watcher.recovered"; run: string };

/** A stored outbox of a newer layout: the poll must fail rather than store complaints whose alerts it cannot queue. */
export class OutboxFormatError extends Error {
  readonly code = "storage_format";
}

/**
 * `watcher.failing` once per run of failures that reaches the threshold; `watcher.recovered` on the next
 * success after it. Marks the transition in `after`.
 */
export function watcherTransition(before: PollState, after: PollState, threshold: number): WatcherEvent | null {
  const run = before.last_success_at ?? "never";
  if (after.last_error !== null && after.consecutive_failures >= threshold && !before.failing_alerted) {
    after.failing_alerted = true;
    return { event: "watcher.failing", run };
  }
  if (after.last_error === null && before.failing_alerted) {
    after.failing_alerted = false;
    return { event: "watcher.recovered", run };
  }
  return null;
}

export interface Told {
  newComplaints: Complaint[];
  watcher: WatcherEvent | null;
  state: PollState;
  /** The merchant's complaints after the poll, for the status entry a watcher event carries. */
  complaints: () => Promise<Complaint[]>;
}

/** Loads the outbox, queues what the poll tells, and writes it if anything changed. */
export async function queueAlerts(tick: Tick, merchant: Merchant, told: Told): Promise<Outbox> {
  const { config, store, now } = tick;
  const stored = await store.loadOutbox(merchant.mchid);
  if (stored.kind === "unreadable" && stored.error.code === "storage_format") throw new OutboxFormatError(stored.error.message);
  const damaged = stored.kind === "unreadable" ? stored.text : stored.kind === "ok" ? stored.damage?.text : undefined;
  const outbox = stored.kind === "ok" ? stored.value : emptyOutbox();
  const w = told.watcher;
  const status =
    w === null
      ? null
      : {
          event: w.event,
          run: w.run,
          key: w.event === "watcher.failing" ? failingKey(w.run) : recoveredKey(w.run),
          merchant: statusEntry(merchant, told.state, await told.complaints(), now),
        };
  const newestFirst = [...told.newComplaints].sort((a, b) => comparePositions(positionOf(a), positionOf(b)));
  const at = new Date(now).toISOString();
  const added = enqueue(outbox, { mchid: merchant.mchid, merchantName: merchant.name, at, newComplaints: newestFirst, status }, config.channels);
  const pruned = prune(outbox, config.channels, now);
  if (damaged !== undefined) await store.preserve(outboxKey(merchant.mchid), damaged, now);
  if (added > 0 || pruned || damaged !== undefined) await store.saveOutbox(merchant.mchid, outbox, now);
  return outbox;
}

/** Sends the outbox's due entries and writes the outcome. */
export async function sendAlerts(tick: Tick, mchid: string, outbox: Outbox): Promise<void> {
  const { config, store, now } = tick;
  const attempts = await deliverDue(outbox, config.channels, tick.outbound, { publicUrl: config.publicUrl, now: Date.now() }, now);
  if (attempts > 0) await store.saveOutbox(mchid, outbox, now);
}

/** Sends the alerts that wait for a retry, for merchants this tick did not poll. */
export async function retryAlerts(tick: Tick, merchants: readonly Merchant[]): Promise<void> {
  const { config, store, now } = tick;
  if (config.channels.length === 0) return;
  for (const merchant of merchants) {
    if (tick.outbound.remaining === 0) return;
    const stored = await store.loadOutbox(merchant.mchid);
    // A damaged outbox waits for its merchant's next poll, which keeps the damaged text aside first.
    if (stored.kind !== "ok" || stored.damage !== null) continue;
    if (dueEntries(stored.value, config.channels, now).length === 0) continue;
    await sendAlerts(tick, merchant.mchid, stored.value);
  }
}
