/**
 * What an alert tells: the events, a merchant's status entry (as `GET /api/status` shows it) and each kind of
 * message, before any channel formats it.
 * @module
 */
import type { Complaint } from "./complaint";

export type EventName = "complaint.new" | "watcher.failing" | "watcher.recovered";

/** A merchant's entry as GET /api/status shows it. */
export interface MerchantStatusEntry {
  mchid: string;
  name: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  next_poll_at: string | null;
  consecutive_failures: number;
  last_error: { code: string; message: string; at: string } | null;
  complaints_total: number;
  complaints_active: number;
  /** What the check of the last answer's `sign` found, and by which scheme it verified. */
  signature: { result: "verified" | "absent" | "mismatch" | null; scheme: string | null };
  /** The status route shows it too; optional so an entry built without the snapshot still fits. */
  storage_errors?: { code: string; message: string }[];
}

export type Notification =
  | { kind: "complaint"; event: "complaint.new"; at: string; merchantName: string | null; complaint: Complaint }
  /** Chat channels only: more than 5 new complaints for one merchant in one poll. */
  | {
      kind: "summary";
      event: "complaint.new";
      at: string;
      mchid: string;
      merchantName: string | null;
      /** How many complaints are new, and their total in fen. */
      count: number;
      totalFee: number;
      /** The newest few, newest first: only these are listed. */
      newest: Complaint[];
    }
  | { kind: "status"; event: "watcher.failing" | "watcher.recovered"; at: string; merchant: MerchantStatusEntry }
  | { kind: "test"; event: "test"; at: string };
