/**
 * Where a complaint sorts: the one order of complaints everywhere (the stored list, the list, the CSV, the cursor),
 * newest `complaint_at` first, complaints whose time is no time last, then by mchid and id so that the order is total
 * and a cursor is exact. (A "position", never an "order": an order is PAYJS's.)
 * @module
 */
import type { Complaint, StoredComplaint } from "./complaint";
import { upstreamTime } from "./payjs-fields";
import { instantOfComplaintAt } from "./time";

export interface Position {
  /** Epoch ms of `complaint_at`, or null when it is no time. */
  at: number | null;
  mchid: string;
  id: string;
}

export function positionOf(c: Pick<Complaint, "complaint_at" | "mchid" | "id">): Position {
  return { at: instantOfComplaintAt(c.complaint_at), mchid: c.mchid, id: c.id };
}

export function comparePositions(a: Position, b: Position): number {
  if (a.at !== b.at) {
    if (a.at === null) return 1;
    if (b.at === null) return -1;
    return b.at - a.at;
  }
  if (a.mchid !== b.mchid) return a.mchid < b.mchid ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** Where one of merchant `mchid`'s kept complaints sorts. */
export function keptPosition(mchid: string, k: StoredComplaint): Position {
  return positionOf({ complaint_at: upstreamTime(k.raw.complaint_at), mchid, id: k.id });
}

/** One merchant's kept complaints in place, in {@link comparePositions}'s order. Stable, and near linear on a list in order. */
export function sortKept(mchid: string, kept: StoredComplaint[]): StoredComplaint[] {
  const positions = new Map<StoredComplaint, Position>();
  for (const k of kept) positions.set(k, keptPosition(mchid, k));
  return kept.sort((a, b) => comparePositions(positions.get(a) as Position, positions.get(b) as Position));
}
