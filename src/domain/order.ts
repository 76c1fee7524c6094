/**
 * The one order of complaints everywhere (list, CSV, cursor): newest `complaint_at` first, complaints whose
 * time did not parse last, then by mchid and id so that the order is total and a cursor is exact.
 * @module
 */
import type { Complaint } from "./complaint";
import { instantOfComplaintAt } from "./time";

export interface Position {
  /** Epoch ms of `complaint_at`, or null when it did not parse. */
  at: number | null;
  mchid: string;
  id: string;
}

export function positionOf(c: Complaint): Position {
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
