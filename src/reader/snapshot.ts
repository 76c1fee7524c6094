/**
 * What the HTTP side serves: every configured merchant's present complaints, what its history holds, and its poll
 * state, read from KV with 2 reads per merchant (3 with alerts) and sorted once. The history's parts are read only by
 * answers that reach into it (reader/history.ts). How long an isolate keeps a snapshot is `cache.ts`'s.
 * @module
 */

import { type Complaint, complaintOf, type Move } from "../domain/complaint";
import type { DayCounts } from "../domain/days";
import { type HistorySummary, monthsOfComplaints } from "../domain/history";
import type { Merchant } from "../domain/merchant";
import { applyDeliveries, emptyOutbox, OUTBOX, type Outbox } from "../domain/outbox";
import { type PollState, STATUS } from "../domain/poll-state";
import { comparePositions, type Position, positionOf } from "../domain/position";
import type { Present } from "../domain/stored-complaints";
import { loadLegacy, loadPresent, NOTHING_YET } from "../history/present";
import { md5 } from "../md5";
import { outboxKey, type StorageError, type Store, type Stored, statusKey } from "../store";

export interface MerchantView {
  merchant: Merchant;
  state: PollState | null;
  /** The present's complaints (while layout 2 is moved over: its whole list). */
  complaints: Complaint[];
  history: HistorySummary;
  days: DayCounts;
  /** The months whose marks books hold the present's marks. */
  months: string[];
  /** While layout 2 is moved over: how many of its complaints have moved (its marks are then layout 2's one book). */
  upgrading: { done: number } | null;
  /** Null when no alert channel is configured (then it is not read). */
  outbox: Outbox | null;
  /** The moves of the present's complaints that have any (when they left PAYJS's list and came back), by id. */
  moves: ReadonlyMap<string, Move[]>;
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

/** The present as answers see it: a merchant being moved over is read whole from layout 2, as before. */
async function servedPresent(store: Store, mchid: string): Promise<{ stored: Stored<Present>; upgrading: { done: number } | null }> {
  const read = await loadPresent(store, mchid, true);
  if (read.kind === "ok") return { stored: { kind: "ok", value: read.present, rev: read.rev, format: 3 }, upgrading: null };
  if (read.kind === "absent" || read.kind === "unreadable") return { stored: read, upgrading: null };
  return { stored: await loadLegacy(store, mchid, true), upgrading: { done: read.upgrade.done } };
}

async function loadMerchant(store: Store, merchant: Merchant, alerts: boolean): Promise<{ view: MerchantView; revs: string[] }> {
  const [{ stored, upgrading }, state, outbox] = await Promise.all([
    servedPresent(store, merchant.mchid),
    store.loadRecent(statusKey(merchant.mchid), STATUS),
    alerts ? store.loadRecent(outboxKey(merchant.mchid), OUTBOX) : null,
  ]);
  const storageErrors = [outbox, stored, state].flatMap((v) => (v?.kind === "unreadable" ? [v.error] : []));
  const pollState = state.kind === "ok" ? state.value.state : null;
  const lastSuccess = pollState?.last_success_at ?? null;
  const present = stored.kind === "ok" ? stored.value : NOTHING_YET;
  const complaints = present.complaints.map((kept) => complaintOf(merchant.mchid, kept, lastSuccess));
  const months = upgrading === null ? monthsOfComplaints(complaints) : [];
  const rev = (v: Stored<unknown> | null) => (v === null ? "" : v.kind === "ok" ? v.rev : v.kind);
  const revs = [merchant.mchid, merchant.name ?? "", rev(stored), rev(state), rev(outbox), upgrading === null ? "" : "upgrading"];
  const outboxValue = outbox === null ? null : outbox.kind === "ok" ? outbox.value : emptyOutbox();
  // What delivery did since the outbox was written is recorded with the status.
  if (outboxValue !== null && state.kind === "ok") applyDeliveries(outboxValue, state.value.deliveries);
  const { history, days } = present;
  const moves = new Map(present.complaints.flatMap((k) => (k.moves === undefined ? [] : [[k.id, k.moves] as const])));
  return {
    view: { merchant, state: pollState, complaints, history, days, months, upgrading, outbox: outboxValue, moves, storageErrors },
    revs,
  };
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
