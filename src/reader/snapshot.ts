/**
 * What the HTTP side serves: every configured merchant's complaints and poll state, read from KV with
 * 2 reads per merchant (3 with alerts), sorted once, and kept in the isolate so a list request costs no KV read at all.
 * @module
 */
import type { Merchant } from "../config";
import type { Complaint } from "../payjs/complaint";
import { md5 } from "../md5";
import { type Outbox, emptyOutbox } from "../notify/outbox";
import { type PollState, type StorageError, Store, type Stored, localWriteCount } from "../store";
import { type Position, comparePositions, positionOf } from "./order";

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

/** KV reads may lag writes by 60 s elsewhere anyway; a few seconds more spares most reads. */
const ISOLATE_TTL_MS = 5_000;
/** Cloudflare's smallest edge cache time for KV reads. */
const KV_CACHE_TTL_S = 30;

async function loadMerchant(store: Store, merchant: Merchant, alerts: boolean): Promise<{ view: MerchantView; revs: string[] }> {
  const [stored, state, outbox] = await Promise.all([
    store.loadComplaints(merchant.mchid, KV_CACHE_TTL_S),
    store.loadState(merchant.mchid, KV_CACHE_TTL_S),
    alerts ? store.loadOutbox(merchant.mchid, KV_CACHE_TTL_S) : null,
  ]);
  const storageErrors: StorageError[] = [];
  if (outbox?.kind === "unreadable") storageErrors.push(outbox.error);
  if (outbox?.kind === "ok" && outbox.damage !== null) storageErrors.push(outbox.damage.error);
  if (stored.kind === "unreadable") storageErrors.push(stored.error);
  if (stored.kind === "ok" && stored.damage !== null) storageErrors.push(stored.damage.error);
  if (state.kind === "unreadable") storageErrors.push(state.error);
  const pollState = state.kind === "ok" ? state.value : null;
  const lastSuccess = pollState?.last_success_at ?? null;
  // An active complaint was in the list of the last successful poll; storing that on every poll would
  // cost a write each time, so it is filled in here.
  const complaints =
    stored.kind === "ok"
      ? stored.value.map((c) => (c.active && lastSuccess !== null && lastSuccess > c.last_seen_at ? { ...c, last_seen_at: lastSuccess } : c))
      : [];
  const rev = (v: Stored<unknown> | null) => (v === null ? "" : v.kind === "ok" ? v.rev : v.kind);
  const revs = [merchant.mchid, merchant.name ?? "", rev(stored), rev(state), rev(outbox)];
  const outboxValue = outbox === null ? null : outbox.kind === "ok" ? outbox.value : emptyOutbox();
  return { view: { merchant, state: pollState, complaints, outbox: outboxValue, storageErrors }, revs };
}

export async function loadSnapshot(store: Store, merchants: readonly Merchant[], alerts: boolean): Promise<Snapshot> {
  const loaded = await Promise.all(merchants.map((m) => loadMerchant(store, m, alerts)));
  const sorted = loaded
    .flatMap((l) => l.view.complaints)
    .map((complaint) => ({ complaint, position: positionOf(complaint) }))
    .sort((a, b) => comparePositions(a.position, b.position));
  const successes = loaded.map((l) => l.view.state?.last_success_at ?? null).filter((s): s is string => s !== null);
  return {
    merchants: loaded.map((l) => l.view),
    complaints: sorted.map((s) => s.complaint),
    positions: sorted.map((s) => s.position),
    revision: md5(loaded.flatMap((l) => l.revs).join("\n")),
    updatedAt: successes.length === 0 ? null : successes.reduce((a, b) => (a > b ? a : b)),
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
 * The snapshot, from this isolate's copy while it is fresh and this isolate wrote nothing since.
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
  snapshot.catch(() => {
    if (cached === entry) cached = null;
  });
  return snapshot;
}
