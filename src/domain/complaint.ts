/**
 * A complaint as this Worker stores and serves it. The upstream item is kept verbatim in `raw`: PAYJS says its
 * fields may change, so nothing is dropped.
 * @module
 */
import type { Shape } from "./shape";

export type RawComplaint = Record<string, unknown>;

export interface Complaint {
  id: string;
  mchid: string;
  /** ISO 8601 at +08:00, or the upstream text unchanged when it does not parse. */
  complaint_at: string;
  out_trade_no: string;
  order_id: string;
  /** Amount in fen; null when upstream sent no integer. */
  total_fee: number | null;
  body: string;
  first_seen_at: string;
  last_seen_at: string;
  active: boolean;
  raw: RawComplaint;
}

/** The fields that come from upstream alone; the rest is the watcher's bookkeeping. */
export type UpstreamFields = Pick<Complaint, "id" | "mchid" | "complaint_at" | "out_trade_no" | "order_id" | "total_fee" | "body" | "raw">;

const STRING_FIELDS = ["id", "mchid", "complaint_at", "out_trade_no", "order_id", "body", "first_seen_at", "last_seen_at"] as const;

/** Whether a stored value is a complaint record: every field of its shape present with its type. */
export function isComplaint(c: unknown): c is Complaint {
  if (typeof c !== "object" || c === null) return false;
  const x = c as Record<string, unknown>;
  return (
    STRING_FIELDS.every((k) => typeof x[k] === "string") &&
    (x.total_fee === null || typeof x.total_fee === "number") &&
    typeof x.active === "boolean" &&
    typeof x.raw === "object" &&
    x.raw !== null
  );
}

/** A stored complaint with its fields in the documented order, `raw` last. */
export function complaintRecord(fields: UpstreamFields, seen: { first_seen_at: string; last_seen_at: string; active: boolean }): Complaint {
  // Written out rather than spread: every record gets one object shape, which keeps building, diffing and
  // JSON.stringify of a 10 000-complaint list fast.
  return {
    id: fields.id,
    mchid: fields.mchid,
    complaint_at: fields.complaint_at,
    out_trade_no: fields.out_trade_no,
    order_id: fields.order_id,
    total_fee: fields.total_fee,
    body: fields.body,
    first_seen_at: seen.first_seen_at,
    last_seen_at: seen.last_seen_at,
    active: seen.active,
    raw: fields.raw,
  };
}

/** Every complaint ever seen for one merchant. One damaged record costs only itself. */
export const COMPLAINTS: Shape<Complaint[]> = {
  whole: "complaints",
  parts: "complaints",
  read({ complaints }) {
    if (!Array.isArray(complaints)) return null;
    const value = complaints.filter(isComplaint);
    return { value, bad: complaints.length - value.length };
  },
  write: (complaints) => ({ complaints }),
  salvage: { field: "complaints", from: (items) => items.filter(isComplaint) },
};
