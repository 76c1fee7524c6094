/**
 * What an alert tells: the events, a merchant's status entry (as `GET /api/status` shows it) and each kind of
 * message, before any channel formats it.
 * @module
 */
import type { Complaint } from "./complaint";

export type EventName =
  | "complaint.new"
  | "complaint.reminder"
  | "complaint.resolved"
  | "digest.daily"
  | "watcher.failing"
  | "watcher.recovered";

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
  /**
   * Active complaints without a handled mark. The status route always shows it; optional so an entry built
   * without reading the marks still fits (it then leaves the field out rather than guess).
   */
  complaints_unhandled?: number;
  /** What the check of the last answer's `sign` found, and by which scheme it verified. */
  signature: { result: "verified" | "absent" | "mismatch" | null; scheme: string | null; checked_at: string | null };
  /** The status route shows it too; optional so an entry built without the snapshot still fits. */
  storage_errors?: { code: string; message: string; at?: string }[];
}

export interface Reminder {
  complaint: Complaint;
  hours: number;
}

/** One merchant's line of the daily digest. */
export interface DigestEntry {
  mchid: string;
  name: string | null;
  new_24h: number;
  active: number;
  unhandled: number;
  /** `first_seen_at` of the oldest active, unhandled complaint. */
  oldest_unhandled_at: string | null;
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
  /** Webhooks: one complaint still active and unhandled `hours` after it was first seen. */
  | { kind: "reminder"; event: "complaint.reminder"; at: string; merchantName: string | null; complaint: Complaint; hours: number }
  /** Chat channels: every reminder of one merchant in one tick, oldest first. */
  | { kind: "reminders"; event: "complaint.reminder"; at: string; mchid: string; merchantName: string | null; items: Reminder[] }
  /** Webhooks: a complaint that left PAYJS's list. */
  | { kind: "resolved"; event: "complaint.resolved"; at: string; merchantName: string | null; complaint: Complaint }
  /** Chat channels: every complaint of one merchant that one poll found gone. */
  | { kind: "resolved_list"; event: "complaint.resolved"; at: string; mchid: string; merchantName: string | null; complaints: Complaint[] }
  | { kind: "digest"; event: "digest.daily"; at: string; merchants: DigestEntry[] }
  /** Chat channels: the messages quiet hours held, as one. */
  | { kind: "held"; event: EventName; at: string; titles: string[] }
  | { kind: "test"; event: "test"; at: string };
