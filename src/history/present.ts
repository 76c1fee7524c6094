/**
 * A merchant's present (`present:{mchid}`): read by every poll and every answer, written by polls only. A merchant
 * layout 2 still holds (every complaint ever seen in `complaints:{mchid}`) has none until poller/upgrade.ts has moved
 * it over; meanwhile answers read that old list whole, as layout 2 did.
 * @module
 */
import type { StoredComplaint } from "../domain/complaint";
import { NO_SUMMARY } from "../domain/history";
import type { Shape } from "../domain/shape";
import { COMPLAINTS, type Present, presentShape } from "../domain/stored-complaints";
import { type Upgrade, upgradeBegun, upgradeShape } from "../domain/upgrade";
import { readExactly } from "../json";
import { legacyComplaintsKey, presentKey, type StorageError, type Store, type Stored, upgradeKey } from "../store";

/** A merchant's present as KV holds it. */
export type PresentRead =
  | { kind: "ok"; present: Present; rev: string }
  /** Never polled successfully: nothing kept yet. */
  | { kind: "absent" }
  /** Layout 2 still holds the merchant; `upgrade` says how far its move has come. */
  | { kind: "upgrading"; upgrade: Upgrade; rev: string | null }
  | { kind: "unreadable"; error: StorageError; text: string };

/**
 * Reads a merchant's present: as KV holds it now, or as the edge saw it up to 30 s ago (`recent`: what answers are
 * served from). Without one, the move from layout 2 under way, or layout 2's list (a move not begun: it begins with
 * the next poll), or nothing.
 */
export async function loadPresent(store: Store, mchid: string, recent: boolean): Promise<PresentRead> {
  const load = <T>(key: string, shape: Shape<T>) => store.read(key, shape, recent);
  const stored = await load(presentKey(mchid), presentShape(mchid));
  if (stored.kind === "ok") return { kind: "ok", present: stored.value, rev: stored.rev };
  if (stored.kind === "unreadable") return stored;
  const upgrade = await load(upgradeKey(mchid), upgradeShape(mchid));
  if (upgrade.kind === "ok") return { kind: "upgrading", upgrade: upgrade.value, rev: upgrade.rev };
  if (upgrade.kind === "unreadable") return upgrade;
  // Whether layout 2 holds the merchant: only a merchant with neither a present nor a move under way asks.
  return (await store.exists(legacyComplaintsKey(mchid))) ? { kind: "upgrading", upgrade: upgradeBegun(), rev: null } : { kind: "absent" };
}

/** Layout 2's list of a merchant being moved over, read whole: what answers and ticks show until the move is done. */
export async function loadLegacy(store: Store, mchid: string, recent: boolean): Promise<Stored<Present>> {
  const stored = await store.read(legacyComplaintsKey(mchid), COMPLAINTS, recent);
  if (stored.kind !== "ok") return stored;
  return { ...stored, value: { complaints: stored.value, history: NO_SUMMARY, days: {} } };
}

/** The present empty: a merchant never polled. */
export const NOTHING_YET: Present = { complaints: [], history: NO_SUMMARY, days: {} };

/** Whether `JSON.parse` reads complaints back whole (see Store.save's `plain`). */
export const plainComplaints = (complaints: readonly StoredComplaint[]): boolean => complaints.every((k) => !readExactly(k.raw));

/** Writes a merchant's present; gives its revision. */
export function savePresent(store: Store, mchid: string, present: Present, now: number): Promise<string> {
  return store.save(presentKey(mchid), presentShape(mchid), present, now, plainComplaints(present.complaints));
}
