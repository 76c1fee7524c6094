/**
 * Fixtures for the unit tests of the reader (src/reader/): a complaint as stored and a snapshot of complaints in the
 * one order, as `loadSnapshot` would make of them. Pure: no Worker, no KV.
 */
import type { Complaint } from "../../src/domain/complaint";
import { monthOfComplaint, NO_SUMMARY } from "../../src/domain/history";
import { comparePositions, positionOf } from "../../src/domain/position";
import type { MerchantView, Snapshot } from "../../src/reader/snapshot";

/** Complaint `id` of merchant `mchid` made at `at` (`complaint_at` as stored: ISO at +08:00, or text that is no time). */
export function complaintAt(id: string, mchid: string, at: string, extra: Partial<Complaint> = {}): Complaint {
  return {
    id,
    mchid,
    complaint_at: at,
    out_trade_no: `OT-${id}`,
    order_id: `ORD-${id}`,
    total_fee: 100,
    body: `body ${id}`,
    first_seen_at: "2026-11-01T00:00:00.000Z",
    last_seen_at: "2026-11-01T00:00:00.000Z",
    active: true,
    raw: {},
    ...extra,
  };
}

/** A merchant's part of a snapshot: its complaints, no history, the months of its complaints. */
export function merchantView(mchid: string, complaints: readonly Complaint[], extra: Partial<MerchantView> = {}): MerchantView {
  return {
    merchant: { mchid, key: "k", name: null },
    state: null,
    complaints: [...complaints],
    history: NO_SUMMARY,
    days: {},
    months: [...new Set(complaints.map(monthOfComplaint))].sort(),
    upgrading: null,
    outbox: null,
    moves: new Map(),
    storageErrors: [],
    ...extra,
  };
}

/** The snapshot of these complaints: sorted into the one order, each with its position, its merchants in that order. */
export function snapshotOf(complaints: readonly Complaint[], merchants?: readonly string[]): Snapshot {
  const sorted = [...complaints].sort((a, b) => comparePositions(positionOf(a), positionOf(b)));
  return {
    merchants: (merchants ?? [...new Set(sorted.map((c) => c.mchid))]).map((mchid) =>
      merchantView(
        mchid,
        sorted.filter((c) => c.mchid === mchid),
      ),
    ),
    complaints: sorted,
    positions: sorted.map(positionOf),
    revision: "r",
    updatedAt: null,
  };
}
