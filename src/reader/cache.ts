/**
 * What the reader keeps in the isolate between requests: its one short cut, here alone. Why: a busy dashboard or
 * front-end asks every few seconds, PAYJS is polled every 4 hours, and the free plan allows 100,000 KV reads a day;
 * an answer built from the isolate's copy costs no read and little CPU. What is kept, and for how long:
 * - the snapshot, until the poll schedule says something can change ({@link freshUntil}), or this isolate wrote;
 * - each merchant's marks books (one per month of `complaint_at`), {@link MARKS_TTL_MS} at most (a mark made in
 *   another isolate shows within a minute; one made in this isolate at once);
 * - the view of a snapshot (reader/view.ts: each complaint with its deadlines and marks), until the snapshot, the
 *   marks' revision or the deadline settings change;
 * - what is worked out from a snapshot or one of its complaints ({@link oncePer}): the same snapshot serves every
 *   request until the next poll, and a poll makes a new one.
 * @module
 */

import { joinMarks, type MerchantMarks, readLegacyMarks, readMonthMarks } from "../actions/marks";
import type { DeadlineRules } from "../domain/deadlines";
import type { Merchant } from "../domain/merchant";
import { HOUR_MS, MINUTE_MS } from "../domain/time";
import { localWriteCount, Store } from "../store";
import type { MarksView } from "./marks";
import { loadSnapshot, type Snapshot } from "./snapshot";
import { buildView, type View, viewKey } from "./view";

/**
 * How long this isolate keeps its snapshot at least. KV reads may lag writes by 60 s in other locations anyway, and
 * the edge keeps what it read for 30 s: re-reading sooner mostly brings the same copy back, at a billed read a key.
 */
const ISOLATE_TTL_MS = MINUTE_MS;
/** The longest a copy is kept on the strength of the poll schedule; bounds the effect of hand edits in KV. */
const QUIET_MAX_MS = 2 * HOUR_MS;
/**
 * A value is trusted to have reached every location (and every edge cache) this long after the poll
 * that wrote it began: KV's 60 s, the edge's 30 s, and the poll's own upstream call and alert deliveries.
 */
const SETTLE_MS = 5 * MINUTE_MS;
/** Kept clear of a due time: the poller's 60 s of cron jitter, and clocks that differ between machines. */
const DUE_MARGIN_MS = 2 * MINUTE_MS;
/** How long this isolate keeps a merchant's marks. */
const MARKS_TTL_MS = MINUTE_MS / 2;

/**
 * Until when this isolate may keep `snapshot`, read at `now`. Only a poll writes a merchant's complaints, and
 * it polls only once due (`next_poll_at` less the cron jitter, for the cron and `POST /api/poll` alike);
 * with alert channels, a retry writes the status only once an entry's `next_attempt_at` has come. (A tick that
 * queues a reminder or digest writes the outbox unannounced: the channels' `pending` counts may lag until the
 * copy expires; complaints and poll states never do.) So:
 * - a merchant that is due, never polled, or unreadable: {@link ISOLATE_TTL_MS}, a poll may come any minute;
 * - a poll that began less than {@link SETTLE_MS} ago: until then, when its values are surely everywhere
 *   and one more read takes them (what was read before may still predate it);
 * - otherwise until the next poll (or retry) is due, at most {@link QUIET_MAX_MS}.
 */
export function freshUntil(snapshot: Snapshot, now: number): number {
  let until = now + QUIET_MAX_MS;
  for (const view of snapshot.merchants) {
    const state = view.state;
    if (state === null || state.next_poll_at === null || state.last_attempt_at === null || view.storageErrors.length > 0) {
      return now + ISOLATE_TTL_MS;
    }
    for (const entry of view.outbox?.entries ?? []) {
      if (entry.state === "pending" && entry.next_attempt_at !== null)
        until = Math.min(until, Date.parse(entry.next_attempt_at) - DUE_MARGIN_MS);
    }
    const settled = Date.parse(state.last_attempt_at) + SETTLE_MS;
    until = Math.min(until, now < settled ? settled : Date.parse(state.next_poll_at) - DUE_MARGIN_MS);
  }
  return Number.isNaN(until) ? now + ISOLATE_TTL_MS : Math.max(until, now + ISOLATE_TTL_MS);
}

/** A value kept until `expires`, unless this isolate writes anything to KV first. */
interface Copy<T> {
  value: Promise<T>;
  /** {@link localWriteCount} when read: any write in this isolate since makes the copy stale. */
  writes: number;
  expires: number;
}

function isFresh(copy: Copy<unknown> | undefined, now: number): boolean {
  return copy !== undefined && copy.writes === localWriteCount() && now < copy.expires;
}

/** Keeps `value` under `key` until `expires`; forgets it if it fails, so the next request reads again. */
function keep<T>(table: Map<string, Copy<T>>, key: string, value: Promise<T>, expires: number): Copy<T> {
  const copy: Copy<T> = { value, writes: localWriteCount(), expires };
  table.set(key, copy);
  value.catch(() => {
    if (table.get(key) === copy) table.delete(key);
  });
  return copy;
}

/** Each namespace's copies (tests run many namespaces in one isolate): snapshots by settings, marks books by merchant and month. */
const tables = new WeakMap<KVNamespace, { snapshots: Map<string, Copy<Snapshot>>; marks: Map<string, Copy<MerchantMarks>> }>();

function tablesOf(kv: KVNamespace) {
  let t = tables.get(kv);
  if (t === undefined) {
    t = { snapshots: new Map(), marks: new Map() };
    tables.set(kv, t);
  }
  return t;
}

/**
 * The snapshot, from this isolate's copy while it is fresh ({@link freshUntil}) and this isolate wrote nothing since.
 * @param alerts whether alert channels are configured: then the outboxes are read too.
 */
export function currentSnapshot(kv: KVNamespace, merchants: readonly Merchant[], alerts: boolean, now = Date.now()): Promise<Snapshot> {
  const { snapshots } = tablesOf(kv);
  const key = `${alerts}:${merchants.map((m) => m.mchid).join(",")}`;
  const cached = snapshots.get(key);
  if (cached !== undefined && isFresh(cached, now)) return cached.value;
  // One copy per namespace: a change of settings replaces it rather than keeping both.
  snapshots.clear();
  const copy = keep(snapshots, key, loadSnapshot(new Store(kv), merchants, alerts), now + ISOLATE_TTL_MS);
  copy.value.then((loaded) => {
    copy.expires = freshUntil(loaded, now);
  }, ignore);
  return copy.value;
}

const ignore = (): void => {};

/** Layout 2's one book stands for every month while a merchant is moved over (reader/snapshot.ts). */
const LEGACY = "*";

function monthMarks(kv: KVNamespace, mchid: string, month: string, now: number, ttl: number): Promise<MerchantMarks> {
  const { marks } = tablesOf(kv);
  const key = `${mchid}:${month}`;
  const cached = marks.get(key);
  if (cached !== undefined && isFresh(cached, now)) return cached.value;
  const store = new Store(kv);
  const read = month === LEGACY ? readLegacyMarks(store, mchid, false) : readMonthMarks(store, mchid, month, false);
  return keep(marks, key, read, now + ttl).value;
}

/**
 * Every merchant's marks of the present's months (and of `also`'s, for answers that read parts of the history), from
 * this isolate's copies while they are younger than {@link MARKS_TTL_MS} times the present's books (at most two).
 */
export async function currentMarks(
  kv: KVNamespace,
  snapshot: Snapshot,
  now = Date.now(),
  also?: ReadonlyMap<string, readonly string[]>,
): Promise<MarksView> {
  const loaded = await Promise.all(
    snapshot.merchants.map(async ({ merchant, months, upgrading }) => {
      const wanted = upgrading !== null ? [LEGACY] : [...new Set([...months, ...(also?.get(merchant.mchid) ?? [])])].sort();
      // The present's one or two books cost one read per MARKS_TTL_MS together, as layout 2's one book did; at most a
      // minute, so a mark made elsewhere shows within one.
      const ttl = MARKS_TTL_MS * Math.min(2, Math.max(1, months.length));
      const books = await Promise.all(wanted.map((m) => monthMarks(kv, merchant.mchid, m, now, ttl)));
      return [merchant.mchid, joinMarks(wanted, books)] as const;
    }),
  );
  const byMerchant = new Map(loaded);
  return { byMerchant, revision: loaded.map(([mchid, m]) => `${mchid}=${m.rev}`).join(",") };
}

/**
 * Keeps a merchant's book of `month` as a change in this isolate left it, so the change shows here at once: a read
 * would bring back the edge's copy, which may predate it by 30 s.
 */
export function keepMarks(kv: KVNamespace, mchid: string, month: string, changed: MerchantMarks, now: number): void {
  keep(tablesOf(kv).marks, `${mchid}:${month}`, Promise.resolve(changed), now + MARKS_TTL_MS);
}

/** Each snapshot's latest view, by the key of the marks and settings it was built with. */
const views = new WeakMap<Snapshot, { key: string; view: View }>();

/** What every answer about complaints is built from (reader/view.ts), and every merchant's marks as they were read. */
export interface Served {
  view: View;
  marks: MarksView;
}

/** The view of the current snapshot and marks under `rules`, built again only when one of them changed. */
export async function currentView(
  kv: KVNamespace,
  merchants: readonly Merchant[],
  alerts: boolean,
  rules: DeadlineRules,
  now = Date.now(),
): Promise<Served> {
  const snapshot = await currentSnapshot(kv, merchants, alerts, now);
  const marks = await currentMarks(kv, snapshot, now);
  const key = viewKey(marks, rules);
  const kept = views.get(snapshot);
  if (kept !== undefined && kept.key === key) return { view: kept.view, marks };
  const view = buildView(snapshot, marks, rules);
  views.set(snapshot, { key, view });
  return { view, marks };
}

/**
 * `compute`, worked out once per key: for what is derived from a snapshot or one of its complaints, which are never
 * changed in place (a poll makes a new snapshot), so the value goes with its key.
 */
export function oncePer<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const values = new WeakMap<K, V>();
  return (key) => {
    let value = values.get(key);
    if (value === undefined) {
      value = compute(key);
      values.set(key, value);
    }
    return value;
  };
}
