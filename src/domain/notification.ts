/**
 * What an alert tells: the events, a merchant's status entry (as `GET /api/status` shows it) and each kind of
 * message, before any channel formats it.
 * @module
 */
import type { Complaint } from "./complaint";
import type { DeadlineKind } from "./deadlines";
import type { ServedComplaint } from "./served";

export type EventName =
  | "complaint.new"
  | "complaint.due"
  | "complaint.overdue"
  | "complaint.resolved"
  | "complaint.refunded"
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
  /** Complaints whose `next_due` has passed; like `complaints_unhandled`, only where the marks were read. */
  complaints_overdue?: number;
  /** The earliest `next_due` still ahead; null when none is. */
  next_due_at?: string | null;
  /** What the check of the last answer's `sign` found, and by which scheme it verified. */
  signature: { result: "verified" | "absent" | "mismatch" | null; scheme: string | null; checked_at: string | null };
  /** The status route shows it too; optional so an entry built without the snapshot still fits. */
  storage_errors?: { code: string; message: string; at?: string }[];
}

/** A deadline of a complaint that comes within `hours` (a threshold of `REMIND_BEFORE_HOURS`). */
export interface DueItem {
  complaint: ServedComplaint;
  deadline: DeadlineKind;
  due_at: string;
  /** The threshold it was sent for. */
  hours: number;
  /** Hours from the message's `at` to `due_at`, to one decimal, rounded down. */
  hours_left: number;
}

/** A deadline of a complaint that passed while it was open. */
export interface OverdueItem {
  complaint: ServedComplaint;
  deadline: DeadlineKind;
  due_at: string;
}

/** A complaint whose order was refunded through PAYJS (`POST /api/complaints/{id}/refund`, outcome `done`). */
export interface RefundedItem {
  /** As the API shows it: its `refund` done, and the handled mark the refund left. */
  complaint: ServedComplaint;
  /** The attempt that refunded it (the outcome's `attempt`). */
  attempt: string;
  /** When it was refunded, ISO UTC, and how much (fen): the outcome's. */
  at: string;
  total_fee: number;
  /** The person's note with the refund; "" when none. */
  note: string;
}

/** One merchant's line of the daily digest. */
export interface DigestEntry {
  mchid: string;
  name: string | null;
  new_24h: number;
  active: number;
  unhandled: number;
  /** Complaints whose `next_due` comes within the next 24 hours. */
  due_24h: number;
  /** Complaints whose `next_due` has passed. */
  overdue: number;
  /** When the oldest active, unhandled complaint was made (`complaint_at`, else `first_seen_at`), ISO UTC. */
  oldest_unhandled_at: string | null;
}

export type Notification =
  | { kind: "complaint"; event: "complaint.new"; at: string; merchantName: string | null; complaint: ServedComplaint }
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
  /** Webhooks: one deadline that comes soon; chat channels: every one of a merchant in one tick, soonest first. */
  | { kind: "due"; event: "complaint.due"; at: string; mchid: string; merchantName: string | null; items: DueItem[] }
  /** Webhooks: one deadline that passed; chat channels: every one of a merchant in one tick. */
  | { kind: "overdue"; event: "complaint.overdue"; at: string; mchid: string; merchantName: string | null; items: OverdueItem[] }
  /** Webhooks: a complaint that left PAYJS's list. */
  | { kind: "resolved"; event: "complaint.resolved"; at: string; merchantName: string | null; complaint: ServedComplaint }
  /** Chat channels: every complaint of one merchant that one poll found gone. */
  | {
      kind: "resolved_list";
      event: "complaint.resolved";
      at: string;
      mchid: string;
      merchantName: string | null;
      complaints: ServedComplaint[];
    }
  /** Webhooks: one refund; chat channels: every refund of one merchant that one tick found. */
  | { kind: "refunded"; event: "complaint.refunded"; at: string; mchid: string; merchantName: string | null; items: RefundedItem[] }
  | { kind: "digest"; event: "digest.daily"; at: string; merchants: DigestEntry[] }
  /** Chat channels: the messages quiet hours held, as one. */
  | { kind: "held"; event: EventName; at: string; titles: string[] }
  | { kind: "test"; event: "test"; at: string };
