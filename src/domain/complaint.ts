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

/**
 * A complaint as it is kept in KV: the upstream record verbatim and when it was seen. Every other field of a
 * {@link Complaint} is derived from `raw` when read, so the stored value is about the size of PAYJS's answer.
 * While `active`, `last_seen_at` is a lower bound: the merchant's last successful poll saw it too.
 */
export type StoredComplaint = Pick<Complaint, "id" | "raw" | "first_seen_at" | "last_seen_at" | "active">;

/**
 * When one kept complaint was seen, beside its `raw` in a list of their own: `first_seen_at`
 * alone while it is active and `complaint_id` gives its id; else `[first_seen_at, last_seen_at or null while active]`,
 * with a third item, the id, when `complaint_id` alone does not give it (absent, a number past 2^53, a repeat's `~2`).
 */
type Seen = string | [string, string | null] | [string, string | null, string];

/** The id `complaint_id` gives when it is plain text or a safe integer; undefined when the id must be kept. */
function plainId(raw: RawComplaint): string | undefined {
  const given = raw.complaint_id;
  if (typeof given === "string") return given.trim() === given && given !== "" ? given : undefined;
  return typeof given === "number" && Number.isSafeInteger(given) ? String(given) : undefined;
}

function seenOf(k: StoredComplaint): Seen {
  const last = k.active ? null : k.last_seen_at;
  if (plainId(k.raw) !== k.id) return [k.first_seen_at, last, k.id];
  return last === null ? k.first_seen_at : [k.first_seen_at, last];
}

function fromColumns(raw: unknown, seen: unknown): StoredComplaint | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  if (typeof seen === "string") {
    // The common case, taken without unpacking a list.
    const id = plainId(raw as RawComplaint);
    return id === undefined ? null : { id, raw: raw as RawComplaint, first_seen_at: seen, last_seen_at: seen, active: true };
  }
  const [first, last = null, own] = Array.isArray(seen) && seen.length <= 3 ? (seen as unknown[]) : [];
  if (typeof first !== "string" || (last !== null && typeof last !== "string")) return null;
  const id = own === undefined ? plainId(raw as RawComplaint) : own;
  if (typeof id !== "string") return null;
  return { id, raw: raw as RawComplaint, first_seen_at: first, last_seen_at: last ?? first, active: last === null };
}

/**
 * Every complaint ever seen for one merchant, newest first as the poller last wrote them: `seen` (one entry per
 * complaint, small) before `complaints`, PAYJS's records as sent. Two lists rather than one of pairs: `JSON.parse`
 * reads a list of records of one shape markedly faster than a list of pairs wrapping them.
 */
export const COMPLAINTS: Shape<StoredComplaint[]> = {
  what: "complaints",
  read({ complaints, seen }) {
    if (!Array.isArray(complaints) || !Array.isArray(seen) || seen.length !== complaints.length) return null;
    const value: StoredComplaint[] = [];
    for (let i = 0; i < complaints.length; i++) {
      const k = fromColumns(complaints[i], seen[i]);
      if (k === null) return null;
      value.push(k);
    }
    return value;
  },
  write: (kept) => ({ seen: kept.map(seenOf), complaints: kept.map((k) => k.raw) }),
};
