/**
 * The diff of one successful poll against what is stored. Nothing seen is ever deleted: a complaint that
 * left the upstream list becomes inactive and keeps the time it was last seen.
 * @module
 */
import { cameBack, keptSighting, type Sighting, type StoredComplaint, wentAway } from "../domain/complaint";
import { sortKept } from "../domain/position";

export interface Merge {
  /** In the one order of complaints (domain/position), as the HTTP side serves them: it then sorts a list already in order. */
  complaints: StoredComplaint[];
  added: StoredComplaint[];
  vanished: StoredComplaint[];
  /** False when the stored list is already exactly right: the poll then writes no complaints. */
  changed: boolean;
}

/**
 * Whether two JSON values would print the same: same keys in the same order, same values. Equivalent to
 * comparing their `JSON.stringify`, without building two strings per complaint on every poll. Both sides
 * come from `JSON.parse`, so there is no `undefined`, function or non-finite number to print differently.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  const others = Object.keys(y);
  if (keys.length !== others.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (k !== others[i] || !sameJson(x[k], y[k])) return false;
  }
  return true;
}

/**
 * @param previousSuccessAt the last poll that saw the stored active complaints: their `last_seen_at`
 *   when they vanish now. Active complaints' `last_seen_at` is served from the merchant's last success,
 *   so an unchanged list needs no write.
 */
export function mergeComplaints(
  mchid: string,
  stored: readonly StoredComplaint[],
  upstream: readonly Sighting[],
  nowIso: string,
  previousSuccessAt: string | null,
): Merge {
  const fresh = new Map<string, Sighting>();
  for (const item of upstream) fresh.set(item.id, item);

  const complaints: StoredComplaint[] = [];
  const added: StoredComplaint[] = [];
  const vanished: StoredComplaint[] = [];
  let changed = false;

  for (const old of stored) {
    const now = fresh.get(old.id);
    if (now === undefined) {
      if (old.active) {
        const gone = { ...old, active: false, last_seen_at: previousSuccessAt ?? old.last_seen_at, moves: wentAway(old, nowIso) };
        vanished.push(gone);
        complaints.push(gone);
        changed = true;
      } else {
        complaints.push(old);
      }
      continue;
    }
    fresh.delete(now.id);
    // Every other field derives from `raw`: the same record is the same complaint.
    if (old.active && sameJson(old.raw, now.raw)) {
      complaints.push(old);
    } else {
      complaints.push(keptSighting(now, old.first_seen_at, nowIso, old.active ? old.moves : cameBack(old, nowIso)));
      changed = true;
    }
  }
  for (const item of fresh.values()) {
    const complaint = keptSighting(item, nowIso, nowIso);
    added.push(complaint);
    complaints.push(complaint);
    changed = true;
  }
  return { complaints: changed ? sortKept(mchid, complaints) : complaints, added, vanished, changed };
}
