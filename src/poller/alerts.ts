/**
 * The poller's side of alerts. A poll opens the merchant's outbox (folding in the deliveries its status
 * recorded), queues what it has to tell and writes the outbox *before* the complaints that caused it: a
 * crash in between neither loses nor doubles an alert, since the next poll finds the same complaints new
 * and entries are keyed by channel and complaint. Then what is due is sent, and what delivery did goes
 * into the status, the poll's last write: no key is written twice in one invocation.
 * @module
 */

import type { Complaint, Kept } from "../domain/complaint";
import type { Merchant } from "../domain/merchant";
import { comparePositions, positionOf } from "../domain/order";
import { type Deliveries, emptyOutbox, noDeliveries, OUTBOX, type Outbox } from "../domain/outbox";
import type { PollState } from "../domain/poll-state";
import { statusEntry } from "../domain/status";
import { logEvent } from "../log";
import { deliverDue } from "../notify/deliver";
import { applyDeliveries, dueEntries, enqueue, failingKey, progressOf, prune, recoveredKey } from "../notify/outbox";
import { outboxKey, type Store } from "../store";
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

/** One merchant's outbox as this invocation sees it. */
export interface OpenOutbox {
  mchid: string;
  outbox: Outbox;
  /** What to write with the status: deliveries made since the outbox was last written. */
  deliveries: Deliveries;
  /** Stored text that could not be read, kept aside before the outbox is rewritten. */
  damaged: string | undefined;
  /** Whether the outbox must be written (something was queued or pruned, or it was damaged). */
  changed: boolean;
  /** Whether this invocation wrote it already: KV takes one write per key per second. */
  written: boolean;
}

/** Past this many delivery records, the status would grow with a long backlog: they are folded into the outbox. */
const FOLD_AFTER = 200;

/** Loads the outbox and folds in the deliveries recorded since it was written. */
export async function openOutbox(store: Store, mchid: string, deliveries: Deliveries): Promise<OpenOutbox> {
  const stored = await store.load(outboxKey(mchid), OUTBOX);
  if (stored.kind === "unreadable" && stored.error.code === "storage_format") throw new OutboxFormatError(stored.error.message);
  const damaged = stored.kind === "unreadable" ? stored.text : stored.kind === "ok" ? stored.damage?.text : undefined;
  const outbox = stored.kind === "ok" ? stored.value : emptyOutbox();
  applyDeliveries(outbox, deliveries);
  const ids = new Set(outbox.entries.map((e) => e.id));
  const kept = Object.fromEntries(Object.entries(deliveries.entries).filter(([id]) => ids.has(id)));
  return {
    mchid,
    outbox,
    deliveries: { entries: kept, channels: deliveries.channels },
    damaged,
    changed: damaged !== undefined,
    written: false,
  };
}

export interface Told {
  newComplaints: Complaint[];
  watcher: WatcherEvent | null;
  state: PollState;
  /** The merchant's complaints after the poll, for the status entry a watcher event carries. */
  complaints: () => Promise<readonly Kept[]>;
}

/** Queues what the poll tells and drops what is done with; marks the outbox changed if anything was. */
export async function queueAlerts(tick: Tick, merchant: Merchant, open: OpenOutbox, told: Told): Promise<void> {
  const { config, now } = tick;
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
  const added = enqueue(
    open.outbox,
    { mchid: merchant.mchid, merchantName: merchant.name, at, newComplaints: newestFirst, status },
    config.channels,
  );
  const pruned = prune(open.outbox, config.channels, now);
  if (added > 0 || pruned) open.changed = true;
}

/** Writes the outbox with every delivery folded in, so the status need not carry them any more. */
export async function writeOutbox(store: Store, open: OpenOutbox, now: number): Promise<void> {
  if (open.damaged !== undefined) await store.preserve(outboxKey(open.mchid), open.damaged, now);
  await store.save(outboxKey(open.mchid), OUTBOX, open.outbox, now);
  open.deliveries = noDeliveries();
  open.changed = false;
  open.damaged = undefined;
  open.written = true;
}

/**
 * After sending, writes the outbox with its deliveries folded in when they have piled up (a webhook draining
 * a backlog of thousands, 49 a tick), unless this invocation wrote it already. Sending is done by then, so
 * nothing is lost if it fails: the deliveries then go with the status as usual.
 */
export async function foldIfLarge(store: Store, open: OpenOutbox, now: number): Promise<void> {
  if (open.written || Object.keys(open.deliveries.entries).length <= FOLD_AFTER) return;
  try {
    await writeOutbox(store, open, now);
  } catch (error) {
    logEvent("alert", {
      mchid: open.mchid,
      outcome: "fold_failed",
      message: error instanceof Error ? error.message.slice(0, 200) : "unknown",
    });
  }
}

/** Sends the outbox's due entries and records each attempt in the deliveries the status will carry. */
export async function sendAlerts(tick: Tick, open: OpenOutbox): Promise<void> {
  const { config, now } = tick;
  const attempted = await deliverDue(open.outbox, config.channels, tick.outbound, { publicUrl: config.publicUrl, now: Date.now() }, now);
  if (attempted.length === 0) return;
  for (const e of attempted) open.deliveries.entries[e.id] = progressOf(e);
  open.deliveries.channels = structuredClone(open.outbox.channels);
}

/** Whether an outbox has alerts due now (a damaged one is rewritten, its text kept aside, before this is asked). */
export function hasDueAlerts(tick: Tick, open: OpenOutbox): boolean {
  return dueEntries(open.outbox, tick.config.channels, tick.now).length > 0;
}
