/**
 * The JSON the page reads from the API (README, "HTTP API"). A complaint and a merchant's status entry are the
 * Worker's own domain types; the page reads them defensively, as an older or newer Worker may leave a field out.
 * @module
 */
import type { HandledMark, ServedComplaint } from "../src/domain/handled";
import type { MerchantStatusEntry } from "../src/domain/notification";

export type { HandledMark };

/** A complaint as the API serves it, `handled` included (null when unmarked; absent from older Workers' answers). */
export type Complaint = ServedComplaint;

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

/** `GET /api/complaints/{id}`, and `PUT` / `DELETE /api/complaints/{id}/handled`. */
export interface ComplaintAnswer {
  complaint: Complaint;
}

/**
 * A merchant of `GET /api/status`; `signature`, `storage_errors` and `complaints_unhandled` (active and not marked
 * handled) are absent from older Workers' answers.
 */
export type MerchantEntry = Omit<MerchantStatusEntry, "signature" | "storage_errors" | "complaints_unhandled"> & {
  signature?: Partial<MerchantStatusEntry["signature"]> | null;
  storage_errors?: { code: string; message: string }[];
  complaints_unhandled?: number;
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

/** `GET /api/status`. */
export interface StatusAnswer {
  merchants?: MerchantEntry[];
  channels?: ChannelEntry[];
  /** `REMIND_AFTER_HOURS`, ascending (possibly empty): a complaint past the first is shown late. */
  remind_after_hours?: number[];
}
