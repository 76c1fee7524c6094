/**
 * The JSON bodies of the Worker's HTTP API (docs/api.md), typed with the Worker's own types, for tests that
 * read its answers from outside: `(await res.json()) as StatusBody`.
 * @module
 */

import type { PayjsOrder } from "../../src/domain/payjs-order";
import type { ListedComplaint, ServedComplaint } from "../../src/domain/served";
import type { MerchantStatusEntry } from "../../src/domain/status";
import type { ChannelStatus } from "../../src/notify/outbox";

/** `GET /api/complaints`: without `raw` unless asked for with `?include=raw`. */
export interface ListBody {
  complaints: ListedComplaint[];
  count: number;
  total: number;
  next_cursor: string | null;
  updated_at: string | null;
}

/** `GET /api/complaints/{id}`, `PUT` / `DELETE /api/complaints/{id}/replied|handled`, and a done `POST …/refund`. */
export interface ComplaintBody {
  complaint: ServedComplaint;
}

/** `GET /api/status`: the route always shows each merchant's handling counts and storage errors. */
export interface StatusBody {
  merchants: (MerchantStatusEntry &
    Required<Pick<MerchantStatusEntry, "complaints_unhandled" | "complaints_overdue" | "next_due_at" | "storage_errors">>)[];
  channels: ChannelStatus[];
  deadlines: { reply_within_hours: number | null; resolve_within_hours: number | null; remind_before_hours: number[] };
  /** `ALLOW_REFUNDS`: whether the admin token may refund. */
  refunds_allowed: boolean;
}

/** `GET /api/complaints/{id}/order` (admin): the order as PAYJS's `/check` told it, at `checked_at`. */
export interface OrderBody {
  order: PayjsOrder;
  checked_at: string;
}

/** `POST /api/notify/test`: one result per channel tried. */
export interface NotifyTestBody {
  results: { name: string; type: string; ok: boolean; error: { code: string; message: string } | null }[];
}

/** Every error answer: `setting` with a `bad_config`, `parameter` with a 400. */
export interface ErrorBody {
  error: { code: string; message: string; setting?: string; parameter?: string };
}
