/**
 * What the HTTP side serves: every configured merchant's complaints and poll state, read from KV with
 * 2 reads per merchant (3 with alerts), sorted once, and kept in the isolate so a list request costs no KV read at all,
 * until the next poll could have changed something.
 * @module
 */

import type { Complaint } from "../domain/complaint";
import { COMPLAINTS } from "../domain/complaint";
import type { Merchant } from "../domain/merchant";
import { comparePositions, type Position, positionOf } from "../domain/order";
import { emptyOutbox, OUTBOX, type Outbox } from "../domain/outbox";
import { type PollState, STATUS } from "../domain/poll-state";
import { md5 } from "../md5";
import { applyDeliveries } from "../notify/outbox";
import { complaintOf } from "../payjs/complaint";
import { complaintsKey, localWriteCount, outboxKey, type StorageError, Store, type Stored, statusKey } from "../store";

export interface MerchantView {
  merchant: Merchant;
  state: PollState | null;
  complaints: Complaint[];
  /** Null when no alert channel is configured (then it is not read). */
  outbox: Outbox | null;
  storageErrors: StorageError[];
}

export interface Snapshot {
  merchants: MerchantView[];
  /** Every merchant's complaints, newest `complaint_at` first. */
  complaints: Complaint[];
  /** `positions[i]` is where `complaints[i]` sorts, its time parsed once. */
  positions: Position[];
  /** Changes whenever any stored value changes: the base of every ETag. */
  revision: string;
  /** The latest successful poll of any merchant. */
  updatedAt: string | null;
}

/**
 * How long this isolate keeps its copy at least. KV reads may lag writes by 60 s in other locations anyway,
 * and the edge keeps what it read for {@link KV_CACHE_TTL_S}: re-reading sooner mostly brings the same copy
 * back, at the price of a billed read per key.
 */
const ISOLATE_TTL_MS = 60_000;
/** Cloudflare's smallest edge cache time for KV reads. */
const KV_CACHE_TTL_S = 30;
/** The longest a copy is kept on the strength of the poll schedule; bounds the effect of hand edits in KV. */
const QUIET_MAX_MS = 2 * 3_600_000;
/**
 * A value is trusted to have reached every location (and every edge cache) this long after the poll
 * that wrote it began: KV's 60 s, the edge's 30 s, and the poll's own upstream call and alert deliveries.
 */
const SETTLE_MS = 5 * 60_000;
/** Kept clear of a due time: the poller's 60 s of cron jitter, and clocks that differ between machines. */
const DUE_MARGIN_MS = 2 * 60_000;

/**
 * Until when this isolate may keep `snapshot`, read at `now`. Only a poll writes a merchant's complaints, and
 * it polls only once due (`next_poll_at` less the cron jitter, for the cron and `POST /api/poll` alike);
 * with alert channels, a retry writes the status only once an entry's `next_attempt_at` has come. (A tick that
 * queues a reminder or digest writes the outbox unannounced: the channels' `pending` counts may lag until the
 * copy expires; complaints and poll states never do. Handled marks are read apart, see `marks.ts`.) So:
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

async function loadMerchant(store: Store, merchant: Merchant, alerts: boolean): Promise<{ view: MerchantView; revs: string[] }> {
  const [stored, state, outbox] = await Promise.all([
    store.load(complaintsKey(merchant.mchid), COMPLAINTS, KV_CACHE_TTL_S),
    store.load(statusKey(merchant.mchid), STATUS, KV_CACHE_TTL_S),
    alerts ? store.load(outboxKey(merchant.mchid), OUTBOX, KV_CACHE_TTL_S) : null,
  ]);
  const storageErrors: StorageError[] = [];
  if (outbox?.kind === "unreadable") storageErrors.push(outbox.error);
  if (outbox?.kind === "ok" && outbox.damage !== null) storageErrors.push(outbox.damage.error);
  if (stored.kind === "unreadable") storageErrors.push(stored.error);
  if (stored.kind === "ok" && stored.damage !== null) storageErrors.push(stored.damage.error);
  if (state.kind === "unreadable") storageErrors.push(state.error);
  if (state.kind === "ok" && state.damage !== null) storageErrors.push(state.damage.error);
  const pollState = state.kind === "ok" ? state.value.state : null;
  const lastSuccess = pollState?.last_success_at ?? null;
  const complaints = stored.kind === "ok" ? stored.value.map((kept) => complaintOf(merchant.mchid, kept, lastSuccess)) : [];
  const rev = (v: Stored<unknown> | null) => (v === null ? "" : v.kind === "ok" ? v.rev : v.kind);
  const revs = [merchant.mchid, merchant.name ?? "", rev(stored), rev(state), rev(outbox)];
  const outboxValue = outbox === null ? null : outbox.kind === "ok" ? outbox.value : emptyOutbox();
  // What delivery did since the outbox was written is recorded with the status.
  if (outboxValue !== null && state.kind === "ok") applyDeliveries(outboxValue, state.value.deliveries);
  return { view: { merchant, state: pollState, complaints, outbox: outboxValue, storageErrors }, revs };
}

/**
 * The complaints in the one order, each with its position. The poller stores each merchant's list in that order
 * already, so with one merchant this is a check; several merchants' lists are sorted together.
 */
function inOrder(complaints: Complaint[]): { complaints: Complaint[]; positions: Position[] } {
  const positions = complaints.map(positionOf);
  let ordered = true;
  for (let i = 1; i < positions.length && ordered; i++)
    ordered = comparePositions(positions[i - 1] as Position, positions[i] as Position) <= 0;
  if (ordered) return { complaints, positions };
  const sorted = complaints.map((complaint, i) => ({ complaint, position: positions[i] as Position }));
  sorted.sort((a, b) => comparePositions(a.position, b.position));
  return { complaints: sorted.map((s) => s.complaint), positions: sorted.map((s) => s.position) };
}

export async function loadSnapshot(store: Store, merchants: readonly Merchant[], alerts: boolean): Promise<Snapshot> {
  const loaded = await Promise.all(merchants.map((m) => loadMerchant(store, m, alerts)));
  const { complaints, positions } = inOrder(loaded.flatMap((l) => l.view.complaints));
  const successes = loaded.map((l) => l.view.state?.last_success_at ?? null).filter((s): s is string => s !== null);
  return {
    merchants: loaded.map((l) => l.view),
    complaints,
    positions,
    revision: md5(loaded.flatMap((l) => l.revs).join("\n")),
    // ISO 8601 UTC times sort as text.
    updatedAt: successes.sort().at(-1) ?? null,
  };
}

interface Cached {
  snapshot: Promise<Snapshot>;
  kv: KVNamespace;
  mchids: string;
  writes: number;
  expires: number;
}

let cached: Cached | null = null;

/**
 * The snapshot, from this isolate's copy while it is fresh and this isolate wrote nothing since. Fresh is
 * {@link ISOLATE_TTL_MS}, or longer while the poll schedule says nothing can change ({@link freshUntil}):
 * a busy isolate then reads KV a few times per poll instead of every few seconds.
 * @param alerts whether alert channels are configured: then the outboxes are read too.
 */
export function currentSnapshot(kv: KVNamespace, merchants: readonly Merchant[], alerts: boolean, now = Date.now()): Promise<Snapshot> {
  const c = cached;
  const mchids = `${alerts}:${merchants.map((m) => m.mchid).join(",")}`;
  if (c !== null && c.kv === kv && c.mchids === mchids && c.writes === localWriteCount() && now < c.expires) {
    return c.snapshot;
  }
  const snapshot = loadSnapshot(new Store(kv), merchants, alerts);
  const entry: Cached = { snapshot, kv, mchids, writes: localWriteCount(), expires: now + ISOLATE_TTL_MS };
  cached = entry;
  snapshot.then(
    (loaded) => {
      entry.expires = freshUntil(loaded, now);
    },
    () => {
      if (cached === entry) cached = null;
    },
  );
  return snapshot;
}
