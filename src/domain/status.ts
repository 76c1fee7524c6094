/**
 * A merchant's entry of `GET /api/status`, which the `watcher.*` alerts also carry.
 * @module
 */

import type { StoredComplaint } from "./complaint";
import type { HistorySummary } from "./history";
import type { Merchant } from "./merchant";
import { isDue, type PollState } from "./poll-state";
import type { ErrorAt } from "./shape";
import { DAY_MS, toBeijingIso } from "./time";

/** A merchant's entry as GET /api/status shows it. */
export interface MerchantStatusEntry {
  mchid: string;
  name: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  next_poll_at: string | null;
  consecutive_failures: number;
  last_error: ErrorAt | null;
  /** In the present and in history. */
  complaints_total: number;
  complaints_active: number;
  /** What the merchant's history holds (domain/history.ts): how many complaints, in how many parts, the oldest's time. */
  history: { complaints: number; parts: number; oldest_complaint_at: string | null };
  /**
   * Active complaints without a handled mark. The status route always shows it; optional so an entry built
   * without reading the marks still fits (it then leaves the field out rather than guess).
   */
  complaints_unhandled?: number;
  /** Complaints whose `next_due` has passed; like `complaints_unhandled`, only where the marks were read. */
  complaints_overdue?: number;
  /** The earliest `next_due` still ahead; null when none is. */
  next_due_at?: string | null;
  /** What the check of the last answer's `sign` found, and by which scheme it verified. */
  signature: { result: "verified" | "absent" | "mismatch" | null; scheme: string | null; checked_at: string | null };
  /** The status route shows it too; optional so an entry built without the snapshot still fits. */
  storage_errors?: { code: string; message: string; at?: string }[];
}

/** The entry without what needs the marks (the status route adds the counts): what a `watcher.*` alert carries. */
export function statusEntry(
  merchant: Merchant,
  state: PollState | null,
  complaints: readonly StoredComplaint[],
  history: HistorySummary,
  now: number,
): MerchantStatusEntry {
  return {
    mchid: merchant.mchid,
    name: merchant.name,
    last_attempt_at: state?.last_attempt_at ?? null,
    last_success_at: state?.last_success_at ?? null,
    next_poll_at: state === null || isDue(state, now) ? null : state.next_poll_at,
    consecutive_failures: state?.consecutive_failures ?? 0,
    last_error: state?.last_error ?? null,
    complaints_total: complaints.length + history.complaints,
    complaints_active: complaints.filter((c) => c.active).length,
    history: {
      complaints: history.complaints,
      parts: history.parts,
      oldest_complaint_at: history.oldestAt === null ? null : toBeijingIso(history.oldestAt),
    },
    signature: state?.signature ?? { result: null, scheme: null, checked_at: null },
  };
}

/** How long the status tells that a merchant's complaints were rebuilt. */
const REBUILT_SHOWN_MS = 7 * DAY_MS;

/** The status's word that the stored complaints could not be read and were rebuilt, for a week after (else none). */
export function rebuiltNotice(state: PollState | null, now: number): { code: "storage_rebuilt"; message: string; at: string }[] {
  const rebuilt = state?.rebuilt ?? null;
  if (rebuilt === null || now - Date.parse(rebuilt.at) > REBUILT_SHOWN_MS) return [];
  return [
    {
      code: "storage_rebuilt",
      message: `The stored complaints could not be read: set aside as ${rebuilt.aside} and rebuilt from PAYJS's answer, its history kept; complaints that left PAYJS's list in the week before were lost with it`,
      at: rebuilt.at,
    },
  ];
}
