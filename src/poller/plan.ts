/**
 * Which merchants a tick (or `POST /api/poll`, or a queue message) polls: each merchant's status read, the due ones
 * apart from the others, whose alerts may still wait for a retry.
 * @module
 */
import type { Config } from "../config";
import type { Merchant } from "../domain/merchant";
import { type Deliveries, noDeliveries } from "../domain/outbox";
import { INITIAL_STATE, isDue, msUntilDue, type PollState, STATUS } from "../domain/poll-state";
import { LEGACY_FORMAT, type Store, statusKey } from "../store";

/** A merchant and what its status holds. */
export interface MerchantRecord {
  merchant: Merchant;
  state: PollState;
  deliveries: Deliveries;
  /** The status value's revision as read (null: none was readable), to tell whether another invocation wrote since. */
  rev: string | null;
}

interface Plan {
  due: MerchantRecord[];
  /** The merchants not due now: their alerts may still wait for a retry. */
  waiting: MerchantRecord[];
  /** Milliseconds until the first merchant that is not due becomes due; null when all are due. */
  nextDueInMs: number | null;
}

/** A merchant's status as KV holds it now; an unreadable one is set aside and read as a merchant never polled. */
export async function loadRecord(store: Store, merchant: Merchant, now: number): Promise<MerchantRecord> {
  const stored = await store.load(statusKey(merchant.mchid), STATUS);
  if (stored.kind === "ok" && stored.format === LEGACY_FORMAT) {
    // Written by a Worker of layout 2: due now, so the move over begins at the first tick. Slices write no status,
    // so it stays due, a slice a tick, until the move is done and a poll writes it anew.
    return { merchant, ...stored.value, state: { ...stored.value.state, next_poll_at: null }, rev: stored.rev };
  }
  if (stored.kind === "ok") return { merchant, ...stored.value, rev: stored.rev };
  if (stored.kind === "unreadable") await store.setAside(statusKey(merchant.mchid), stored.text, now);
  return { merchant, state: INITIAL_STATE, deliveries: noDeliveries(), rev: null };
}

export async function planPoll(config: Config, store: Store, now: number, only?: Merchant): Promise<Plan> {
  const merchants = only === undefined ? config.merchants : [only];
  const records = await Promise.all(merchants.map((merchant) => loadRecord(store, merchant, now)));
  const due = records.filter((r) => isDue(r.state, now));
  const waiting = records.filter((r) => !isDue(r.state, now));
  return { due, waiting, nextDueInMs: waiting.length === 0 ? null : Math.min(...waiting.map((r) => msUntilDue(r.state, now))) };
}
