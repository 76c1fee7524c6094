/**
 * How a merchant's complaints are kept in KV (`complaints:{mchid}`): PAYJS's records as sent, beside when each was
 * seen.
 * @module
 */
import type { RawComplaint, StoredComplaint } from "./complaint";
import type { Shape } from "./shape";

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
