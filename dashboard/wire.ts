/**
 * The JSON the page reads from the API (docs/api.md). A complaint and a merchant's status entry are the
 * Worker's own domain types; the page reads them defensively, as an older or newer Worker may leave a field out.
 * @module
 */
import type { ListedDevice } from "../src/domain/device";
import type { Mark } from "../src/domain/marks";
import type { PayjsOrder } from "../src/domain/payjs-order";
import type { Refund } from "../src/domain/refund";
import type { ServedComplaint } from "../src/domain/served";
import type { MerchantStatusEntry } from "../src/domain/status";
import type { TimelineEvent } from "../src/domain/timeline";

export type { Mark, Refund };

/** The fields an older Worker's answers lack: the deadlines, `next_due`, the `replied` mark and the refund. */
type Newer = "deadlines" | "next_due" | "replied" | "refund";

/** A complaint as the API serves it, with its deadlines, `next_due`, both marks (null when unmarked) and its refund. */
export type Complaint = Omit<ServedComplaint, Newer> & Partial<Pick<ServedComplaint, Newer>>;

/**
 * A complaint as `GET /api/complaints` lists it: without `raw`, which only the detail (`GET /api/complaints/{id}`)
 * shows; the page never asks the list for it (`?include=raw`).
 */
export type ListedComplaint = Omit<Complaint, "raw"> & Partial<Pick<Complaint, "raw">>;

/** `GET /api/complaints`. */
export interface ListAnswer {
  complaints: ListedComplaint[];
  count: number;
  total: number;
  next_cursor: string | null;
  updated_at: string | null;
}

/** A Beijing day of `GET /api/daily`: the complaints that arrived for it and their `total_fee` (fen). */
export interface DayCount {
  day: string;
  complaints: number;
  total_fee: number;
}

/** `GET /api/daily`: every day of the range, oldest first, days without complaints as 0. */
export interface DailyAnswer {
  days: DayCount[];
  updated_at: string | null;
}

/**
 * `GET /api/complaints/{id}/order` (admin): the order as PAYJS's `/check` told it, at `checked_at` (the Worker's
 * `PayjsOrder`; its `raw`, with the payer's `openid`, left unread).
 */
export interface OrderAnswer {
  order: Omit<PayjsOrder, "raw">;
  checked_at: string;
}

/**
 * `GET /api/complaints/{id}`, `PUT` / `DELETE /api/complaints/{id}/replied` and `…/handled`, and a done
 * `POST /api/complaints/{id}/refund`.
 */
export interface ComplaintAnswer {
  complaint: Complaint;
}

/**
 * A merchant of `GET /api/status`; `signature`, `storage_errors`, `complaints_unhandled` (active and not marked
 * handled), `complaints_overdue` and `next_due_at` are absent from older Workers' answers.
 */
export type MerchantEntry = Omit<MerchantStatusEntry, "signature" | "storage_errors"> & {
  signature?: Partial<MerchantStatusEntry["signature"]> | null;
  storage_errors?: { code: string; message: string }[];
};

/** An alert channel of `GET /api/status` (present when `NOTIFY_CHANNELS` is set). */
export interface ChannelEntry {
  name: string;
  type: string;
  last_delivery_at: string | null;
  last_error: { code: string; message: string; at: string } | null;
  pending: number;
  given_up: number;
}

/** The deadline settings of `GET /api/status`. */
export interface DeadlineSettings {
  reply_within_hours: number | null;
  resolve_within_hours: number | null;
  /** `REMIND_BEFORE_HOURS` (possibly empty): a countdown under the smallest turns red, under the largest amber. */
  remind_before_hours: number[];
}

/** `GET /api/status`. */
export interface StatusAnswer {
  merchants?: MerchantEntry[];
  channels?: ChannelEntry[];
  deadlines?: DeadlineSettings;
  /** `ALLOW_REFUNDS`: the admin token may refund (absent from older Workers' answers). */
  refunds_allowed?: boolean;
  /** Who asks: the credential's role, and the device's name (null for a configured token). */
  viewer?: { role: ListedDevice["role"]; device: string | null };
}

/** `POST /api/devices`: a device's one-time sign-in code, valid until `expires_at`, and its link (`…/#signin=<code>`). */
export interface NewDevice {
  id: string;
  code: string;
  expires_at: string;
  url: string;
}

/** `POST /api/devices/claim`: the device's own token. */
export interface ClaimAnswer {
  token: string;
  device: Pick<ListedDevice, "id" | "name" | "role" | "created_at">;
}

/** `GET /api/devices`: `pending` while a device's code is not claimed; `last_seen_on` a Beijing date or null. */
export interface DevicesAnswer {
  devices: ListedDevice[];
}

export type { TimelineEvent };

/** `GET /api/complaints/{id}/timeline`: what happened to the complaint, oldest first. */
export interface TimelineAnswer {
  events: TimelineEvent[];
}
