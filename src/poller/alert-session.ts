/**
 * One merchant's outbox for one invocation, the one way a poll and a tick without one tell and send alerts:
 * 1. {@link openAlerts}: the outbox read, with the deliveries its status recorded since it was written folded in;
 * 2. `tell`: what the tick knows queued (src/notify/events/), what is done with pruned (what its alerts did kept in the
 *    trail, src/notify/trail.ts), and the outbox written when that changed it: *before* the complaints that caused it,
 *    so a crash in between neither loses nor doubles an alert (the next poll finds the same complaints new, and entries
 *    are keyed by channel and complaint);
 * 3. `send`: what is due sent, each attempt recorded in `deliveries`, which the caller writes with the status, the
 *    last write: no key is written twice in one invocation (KV takes one write per key per second).
 * @module
 */
import { viewSecret } from "../access/view-secret";
import type { Merchant } from "../domain/merchant";
import { applyDeliveries, type Deliveries, emptyOutbox, noDeliveries, OUTBOX, type Outbox } from "../domain/outbox";
import { viewKey } from "../domain/view-key";
import { logEvent } from "../log";
import { deliverDue } from "../notify/deliver";
import { queueNews } from "../notify/events";
import { dueEntries, progressOf, prune } from "../notify/outbox";
import { tendAway, trailDropped } from "../notify/trail";
import type { SendContext } from "../notify/types";
import { outboxKey, type StorageError } from "../store";
import { type Findings, gatherNews } from "./news";
import type { Tick } from "./tick-context";

/** Past this many delivery records, the status would grow with a long backlog: they are folded into the outbox. */
const FOLD_AFTER = 200;

export interface AlertSession {
  readonly outbox: Outbox;
  /** What to write with the status: deliveries made since the outbox was last written. */
  readonly deliveries: Deliveries;
  /** Queues what the tick found, and writes the outbox when that (or an unreadable one) changed it. */
  tell(findings: Findings): Promise<void>;
  /** Sends what is due (none: false, nothing to write), and folds a long record of deliveries into the outbox. */
  send(): Promise<boolean>;
}

/**
 * Opens `merchant`'s outbox, its `deliveries` (from its status) folded in. An outbox of another layout is the error: a
 * poll must then fail rather than store complaints whose alerts it cannot queue.
 */
export async function openAlerts(tick: Tick, merchant: Merchant, recorded: Deliveries): Promise<AlertSession | StorageError> {
  const { store, now, config } = tick;
  const key = outboxKey(merchant.mchid);
  const stored = await store.load(key, OUTBOX);
  if (stored.kind === "unreadable" && stored.error.code === "storage_format") return stored.error;
  let unreadable = stored.kind === "unreadable" ? stored.text : null;
  const outbox = stored.kind === "ok" ? stored.value : emptyOutbox();
  applyDeliveries(outbox, recorded);
  const ids = new Set(outbox.entries.map((e) => e.id));
  let deliveries: Deliveries = {
    entries: Object.fromEntries(Object.entries(recorded.entries).filter(([id]) => ids.has(id))),
    channels: recorded.channels,
  };
  let written = false;
  const write = async (): Promise<void> => {
    if (unreadable !== null) await store.setAside(key, unreadable, now);
    await store.save(key, OUTBOX, outbox, now);
    deliveries = noDeliveries();
    unreadable = null;
    written = true;
  };
  return {
    outbox,
    get deliveries() {
      return deliveries;
    },
    async tell(findings) {
      const gathered = await gatherNews(tick, merchant, outbox, findings);
      const before = outbox.entries;
      const queued = gathered !== null && queueNews(outbox, gathered.news, config.channels);
      const pruned = prune(outbox, config.channels, now);
      if (queued || pruned || unreadable !== null) {
        // Only entries queueNews or prune dropped or changed leave the outbox: the trail rides on this write.
        trailDropped(outbox, before);
        if (gathered !== null) tendAway(outbox.trail, new Set(gathered.kept.map((k) => k.id)), now);
        await write();
      }
      if (gathered !== null && gathered.news.started !== null) tick.started?.told.add(merchant.mchid);
    },
    async send() {
      // On the tick that tells "监控已启动", the merchants polled before its homes wait, so nothing comes before it.
      if (tick.started?.hold.has(merchant.mchid)) return false;
      if (dueEntries(outbox, config.channels, now).length === 0 || tick.outbound.remaining === 0) return false;
      const attempted = await deliverDue(outbox, config.channels, tick.outbound, await sendContext(tick), now);
      if (attempted.length === 0) return false;
      deliveries = { entries: { ...deliveries.entries }, channels: structuredClone(outbox.channels) };
      for (const e of attempted) deliveries.entries[e.id] = progressOf(e);
      if (!written && Object.keys(deliveries.entries).length > FOLD_AFTER) await foldQuietly(merchant.mchid, write);
      return true;
    },
  };
}

/** One read of the view links' secret a tick, however many merchants send. */
const secrets = new WeakMap<Tick, Promise<Uint8Array | null>>();

/** What messages are drafted with: the links' address and, with one, the view keys of their complaints (made now). */
async function sendContext(tick: Tick): Promise<SendContext> {
  const { store, config, now } = tick;
  const ctx: SendContext = { publicUrl: config.publicUrl, now: Date.now(), at: now };
  if (config.publicUrl === null) return ctx;
  let secret = secrets.get(tick);
  if (secret === undefined) {
    secret = viewSecret(store, now, true);
    secrets.set(tick, secret);
  }
  const key = await secret;
  return key === null ? ctx : { ...ctx, viewKey: (mchid, id) => viewKey(key, mchid, id, now) };
}

/**
 * After sending, the outbox written with its deliveries folded in (a webhook draining a backlog of thousands, 49 a
 * tick). Sending is done by then, so nothing is lost if it fails: the deliveries then go with the status as usual.
 */
async function foldQuietly(mchid: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    logEvent("alert", { mchid, outcome: "fold_failed", message: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
  }
}
