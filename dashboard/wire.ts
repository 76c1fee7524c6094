/**
 * The JSON the page reads from the API (README, "HTTP API"). A complaint and a merchant's status entry are the
 * Worker's own domain types; the page reads them defensively, as an older or newer Worker may leave a field out.
 * @module
 */
import type { Complaint } from "../src/domain/complaint";
import type { MerchantStatusEntry } from "../src/domain/notification";

export type { Complaint };

/** `GET /api/complaints`. */
export interface ListAnswer {
  complaints: Complaint[];
  count: number;
  total: number;
  next_cursor: string | null;
  updated_at: string | null;
}

/** A merchant of `GET /api/status`; `signature` and `storage_errors` are absent from older Workers' answers. */
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

/** `GET /api/status`. */
export interface StatusAnswer {
  merchants?: MerchantEntry[];
  channels?: ChannelEntry[];
}
