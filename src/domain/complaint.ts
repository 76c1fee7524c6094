/**
 * A complaint as this Worker stores and serves it, and how PAYJS's record becomes one: its id, and every other field
 * read from the record (kept verbatim in `raw`: PAYJS says its fields may change, so nothing is dropped).
 * @module
 * @see https://help.payjs.cn/api-lie-biao/complaint.html
 */
import { rawNumberText, sourceKeys } from "../json";
import { md5 } from "../md5";
import { fen, fieldText, upstreamTime } from "./payjs-fields";

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

/**
 * A complaint leaving PAYJS's list and coming back: `[gone, back]`, `gone` the poll that found it missing (or, for one
 * that left before moves were kept, the last poll that saw it), `back` the poll that found it listed again, null
 * while it stays away.
 */
export type Move = [gone: string, back: string | null];

/** The most moves a complaint keeps: the oldest go first (a list that keeps dropping one item must not grow it without end). */
export const MOVES_KEPT = 20;

/**
 * A complaint as it is kept in KV: the upstream record verbatim and when it was seen. Every other field of a
 * {@link Complaint} is derived from `raw` when read, so the stored value is about the size of PAYJS's answer.
 * While `active`, `last_seen_at` is a lower bound: the merchant's last successful poll saw it too. `moves`, only once
 * it has left PAYJS's list since they were kept: when it left and came back (its timeline's `gone` and `back`).
 */
export type StoredComplaint = Pick<Complaint, "id" | "raw" | "first_seen_at" | "last_seen_at" | "active"> & { moves?: Move[] };

/** A kept complaint's moves once the poll at `at` finds it gone. */
export function wentAway(kept: StoredComplaint, at: string): Move[] {
  return [...(kept.moves ?? []), [at, null] as Move].slice(-MOVES_KEPT);
}

/**
 * A gone complaint's moves once the poll at `at` finds it listed again: its open move closed, or, when it left before
 * moves were kept, one from its last sighting.
 */
export function cameBack(kept: StoredComplaint, at: string): Move[] {
  const moves = kept.moves ?? [];
  const open = moves.at(-1);
  if (open !== undefined && open[1] === null) return [...moves.slice(0, -1), [open[0], at]];
  return [...moves, [kept.last_seen_at, at] as Move].slice(-MOVES_KEPT);
}

/** JSON text with keys in the order PAYJS sent them and numbers as their digits: the same record always gives the same text. */
function canonical(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  const digits = rawNumberText(value);
  if (digits !== undefined) return digits;
  if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
  const record = value as Record<string, unknown>;
  return (
    "{" +
    sourceKeys(value)
      .map((k) => JSON.stringify(k) + ":" + canonical(record[k]))
      .join(",") +
    "}"
  );
}

/**
 * The id PAYJS gave, or one derived from every field of the record when it gave none. Order number and time
 * alone are not enough: two complaints on one order in one second would share an id, and one would overwrite
 * the other. The price: when PAYJS changes a field of such a complaint, it gets a new id.
 */
export function complaintId(raw: RawComplaint): string {
  const given = fieldText(raw.complaint_id).trim();
  if (given !== "") return given;
  return "h" + md5(canonical(raw)).slice(0, 20);
}

/** An upstream record and the id it goes by in this answer. */
export interface Sighting {
  id: string;
  raw: RawComplaint;
}

/**
 * One answer's records, each with an id no other one in the answer has. Records whose id repeats (the same
 * `complaint_id` twice, or identical records without one) are all kept: the second gets `~2`, the third `~3`
 * (skipping any id already in use), so a repeat keeps its id from poll to poll while the answer stays the same.
 * `repeatedIds` lists each repeated id once, for the log.
 */
export function identifyComplaints(items: readonly RawComplaint[]): { sightings: Sighting[]; repeatedIds: string[] } {
  const sightings = items.map((raw): Sighting => ({ id: complaintId(raw), raw }));
  const taken = new Set(sightings.map((c) => c.id));
  if (taken.size === sightings.length) return { sightings, repeatedIds: [] };
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const sighting of sightings) {
    const id = sighting.id;
    if (!seen.has(id)) {
      seen.add(id);
      continue;
    }
    repeated.add(id);
    let n = 2;
    while (taken.has(`${id}~${n}`)) n++;
    sighting.id = `${id}~${n}`;
    taken.add(sighting.id);
  }
  return { sightings, repeatedIds: [...repeated] };
}

/** A record of an answer as it is kept: active, first seen at `firstSeenAt`, last seen at `lastSeenAt`, with its `moves` so far. */
export function keptSighting({ id, raw }: Sighting, firstSeenAt: string, lastSeenAt: string, moves?: Move[]): StoredComplaint {
  const kept: StoredComplaint = { id, raw, first_seen_at: firstSeenAt, last_seen_at: lastSeenAt, active: true };
  if (moves !== undefined) kept.moves = moves;
  return kept;
}

/**
 * A kept complaint as the API shows it: every field derived from `raw` again, by today's rules, and an active
 * one last seen by the merchant's last successful poll (`lastSuccessAt`), which had it in its list.
 */
export function complaintOf(mchid: string, kept: StoredComplaint, lastSuccessAt: string | null): Complaint {
  const last = kept.active && lastSuccessAt !== null && lastSuccessAt > kept.last_seen_at ? lastSuccessAt : kept.last_seen_at;
  const raw = kept.raw;
  // One object, its fields in the documented order, `raw` last: a fresh isolate's first request derives every
  // stored complaint.
  return {
    id: kept.id,
    mchid,
    complaint_at: upstreamTime(raw.complaint_at),
    out_trade_no: fieldText(raw.out_trade_no),
    order_id: fieldText(raw.order_id),
    total_fee: fen(raw.total_fee),
    body: fieldText(raw.body),
    first_seen_at: kept.first_seen_at,
    last_seen_at: last,
    active: kept.active,
    raw,
  };
}
