/**
 * The poller's side of alerts. A poll opens the merchant's outbox (folding in the deliveries its status
 * recorded), queues what it has to tell and writes the outbox *before* the complaints that caused it: a
 * crash in between neither loses nor doubles an alert, since the next poll finds the same complaints new
 * and entries are keyed by channel and complaint. Then what is due is sent, and what delivery did goes
 * into the status, the poll's last write: no key is written twice in one invocation.
 * @module
 */

import type { Complaint } from "../domain/complaint";
import type { Merchant } from "../domain/merchant";
import { applyDeliveries, type Deliveries, emptyOutbox, noDeliveries, OUTBOX, type Outbox } from "../domain/outbox";
import type { PollState } from "../domain/poll-state";
import { comparePositions, positionOf } from "../domain/position";
import { statusEntry } from "../domain/status";
import { logEvent } from "../log";
import { deliverDue } from "../notify/deliver";
import { dueEntries, progressOf, prune } from "../notify/outbox";
import { queueNews, type WatcherNews } from "../notify/queue";
import { outboxKey, type StorageError, type Store } from "../store";
import { type FollowUpInput, readFollowUps } from "./follow-ups";
import type { Tick } from "./tick-context";

export type WatcherEvent = Pick<WatcherNews, "event" | "run">;

/**
 * `watcher.failing` once per run of failures that reaches the threshold; `watcher.recovered` on the next
 * success after it. Gives the state after the poll with the transition marked in it.
 */
export function watcherTransition(
  before: PollState,
  after: PollState,
  threshold: number,
): { state: PollState; event: WatcherEvent | null } {
  const run = before.last_success_at ?? "never";
  if (after.last_error !== null && after.consecutive_failures >= threshold && !before.failing_alerted) {
    return { state: { ...after, failing_alerted: true }, event: { event: "watcher.failing", run } };
  }
  if (after.last_error === null && before.failing_alerted) {
    return { state: { ...after, failing_alerted: false }, event: { event: "watcher.recovered", run } };
  }
  return { state: after, event: null };
}

/** One merchant's outbox as this invocation sees it. */
export interface OpenOutbox {
  mchid: string;
  outbox: Outbox;
  /** What to write with the status: deliveries made since the outbox was last written. */
  deliveries: Deliveries;
  /** Stored text that could not be read, set aside before the outbox is rewritten. */
  unreadable: string | undefined;
  /** Whether the outbox must be written (something was queued or pruned, or it could not be read). */
  changed: boolean;
  /** Whether this invocation wrote it already: KV takes one write per key per second. */
  written: boolean;
}

/** Past this many delivery records, the status would grow with a long backlog: they are folded into the outbox. */
const FOLD_AFTER = 200;

/**
 * Loads the outbox and folds in the deliveries recorded since it was written; an outbox of another layout is the
 * error (a poll must then fail rather than store complaints whose alerts it cannot queue).
 */
export async function openOutbox(store: Store, mchid: string, deliveries: Deliveries): Promise<OpenOutbox | StorageError> {
  const stored = await store.load(outboxKey(mchid), OUTBOX);
  if (stored.kind === "unreadable" && stored.error.code === "storage_format") return stored.error;
  const unreadable = stored.kind === "unreadable" ? stored.text : undefined;
  const outbox = stored.kind === "ok" ? stored.value : emptyOutbox();
  applyDeliveries(outbox, deliveries);
  const ids = new Set(outbox.entries.map((e) => e.id));
  const kept = Object.fromEntries(Object.entries(deliveries.entries).filter(([id]) => ids.has(id)));
  return {
    mchid,
    outbox,
    deliveries: { entries: kept, channels: deliveries.channels },
    unreadable,
    changed: unreadable !== undefined,
    written: false,
  };
}

/** What a poll (or a tick that did not poll) has to tell of a merchant, before the follow-ups are read. */
export interface Findings extends FollowUpInput {
  newComplaints: Complaint[];
  watcher: WatcherEvent | null;
  /** The merchant's state after the poll, for the status entry a watcher event carries. */
  state: PollState;
}

/**
 * Queues everything the tick tells of `merchant` (the news and the follow-ups, read here), and drops what is done
 * with; marks the outbox changed if anything was. The one way both a poll and a tick without one queue alerts.
 */
export async function queueAlerts(tick: Tick, merchant: Merchant, open: OpenOutbox, findings: Findings): Promise<void> {
  const { config, now } = tick;
  const { complaints, serve, ...followUps } = await readFollowUps(tick, merchant, open.outbox, findings);
  const watcher =
    findings.watcher === null ? null : { ...findings.watcher, merchant: statusEntry(merchant, findings.state, complaints, now) };
  const news = {
    mchid: merchant.mchid,
    merchantName: merchant.name,
    at: new Date(now).toISOString(),
    newComplaints: [...findings.newComplaints].sort((a, b) => comparePositions(positionOf(a), positionOf(b))).map(serve),
    watcher,
    ...followUps,
  };
  const queued = queueNews(open.outbox, news, config.channels);
  const pruned = prune(open.outbox, config.channels, now);
  if (queued || pruned) open.changed = true;
}

/** Writes the outbox with every delivery folded in, so the status need not carry them any more. */
export async function writeOutbox(store: Store, open: OpenOutbox, now: number): Promise<void> {
  if (open.unreadable !== undefined) await store.setAside(outboxKey(open.mchid), open.unreadable, now);
  await store.save(outboxKey(open.mchid), OUTBOX, open.outbox, now);
  open.deliveries = noDeliveries();
  open.changed = false;
  open.unreadable = undefined;
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

/** Whether an outbox has alerts due now (an unreadable one is rewritten, its text set aside, before this is asked). */
export function hasDueAlerts(tick: Tick, open: OpenOutbox): boolean {
  return dueEntries(open.outbox, tick.config.channels, tick.now).length > 0;
}
