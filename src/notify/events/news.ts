/**
 * What a tick knows of one merchant, from which each event (one file each beside this one) works out what it has to
 * tell: the poller gathers it, the events read it. Adding an event that needs something the tick does not gather
 * yet adds its field here.
 * @module
 */
import type { DeadlineRules } from "../../domain/deadlines";
import type { RefundBook } from "../../domain/refund";
import type { ServedComplaint } from "../../domain/served";
import type { MerchantStatusEntry } from "../../domain/status";

/**
 * What the poll tells of the merchant's health: its polls are failing (a run of failures reached the threshold) or
 * recovered; the run of failures it belongs to (named by the last success before it); its `/api/status` entry.
 */
export interface WatcherNews {
  kind: "failing" | "recovered";
  run: string;
  merchant: MerchantStatusEntry;
}

/** One merchant's line of the daily digest. */
export interface DigestEntry {
  mchid: string;
  name: string | null;
  new_24h: number;
  active: number;
  unhandled: number;
  /** Complaints whose `next_due` comes within the next 24 hours. */
  due_24h: number;
  /** Complaints whose `next_due` has passed. */
  overdue: number;
  /** When the oldest active, unhandled complaint was made (`complaint_at`, else `first_seen_at`), ISO UTC. */
  oldest_unhandled_at: string | null;
}

/** One merchant's line of "监控已启动": how its last poll went, its complaints now, and when it is polled next. */
export interface StartedEntry {
  mchid: string;
  name: string | null;
  /** Whether its last poll succeeded (false before its first). */
  ok: boolean;
  complaints_active: number;
  complaints_unhandled: number;
  /** The earliest `next_due` still ahead of its active complaints. */
  next_due_at: string | null;
  /** What its last poll met when it failed (PAYJS's own words in `said` when it refused). */
  error: { code: string; message: string; said?: string } | null;
  /** When it is polled next; null: at the next tick. */
  next_poll_at: string | null;
}

export interface News {
  mchid: string;
  merchantName: string | null;
  /** ISO: when it is told. */
  at: string;
  rules: DeadlineRules;
  /** The complaints the poll found new, newest first, as the API shows them. */
  fresh: readonly ServedComplaint[];
  /** The merchant's active complaints, as the API shows them. */
  active: readonly ServedComplaint[];
  /** The complaints the poll found gone from PAYJS's list. */
  gone: readonly ServedComplaint[];
  /** The merchant's refund outcomes, and the complaints they are of, as the API shows them. */
  refunds: { book: RefundBook; complaints: readonly ServedComplaint[] };
  watcher: WatcherNews | null;
  /** The digest of the channels whose digest goes out from this merchant's outbox now (channel → the day it covers). */
  digest: { days: ReadonlyMap<string, string>; merchants: readonly DigestEntry[] } | null;
  /**
   * "监控已启动" of settings whose `fingerprint` the channels have not heard yet, for the `channels` whose message goes
   * out from this merchant's outbox; every configured merchant's line. Null on every other tick.
   */
  started: { fingerprint: string; channels: ReadonlySet<string>; merchants: readonly StartedEntry[] } | null;
}
