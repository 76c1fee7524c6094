/**
 * One poll's own CPU work on a response body, without I/O, through the Worker's real functions: parse and
 * verify ({@link readAnswer}), normalise, diff ({@link mergeComplaints}) and build the values a
 * poll writes. Shared by the polling CPU bench and its checks.
 * @module
 */
import { generateComplaints } from "../sandbox/fixtures";
import { SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { StoredComplaint } from "../src/domain/complaint";
import { identifyComplaints } from "../src/domain/complaint";
import { INITIAL_STATE } from "../src/domain/poll-state";
import { COMPLAINTS } from "../src/domain/stored-complaints";
import { parseJson } from "../src/json";
import { readAnswer } from "../src/payjs/client";
import { signParams } from "../src/payjs/sign";
import { mergeComplaints } from "../src/poller/merge";
import { FORMAT } from "../src/store";

export const MCHID = SANDBOX_MERCHANT.mchid;
export const KEY = SANDBOX_MERCHANT.key;
/** A fixed clock, so every run builds the same bytes. */
export const T0 = Date.parse("2026-05-01T04:00:00Z");

/** A signed PAYJS success body with `count` generated complaints, exactly as the sandbox would send it. */
export function responseBody(count: number, now = T0): string {
  const payload: Record<string, unknown> = {
    return_code: 1,
    return_msg: "SUCCESS",
    mchid: MCHID,
    complaints: generateComplaints(MCHID, count, now),
  };
  payload.sign = signParams(payload, KEY);
  return JSON.stringify(payload);
}

/** What `Store.save` would put, for the bench's byte counts. */
function storedValue(fields: Record<string, unknown>): string {
  return JSON.stringify({ format: FORMAT, rev: "bench", ...fields });
}

/** The complaints value a poll writes. */
export function complaintsValue(kept: readonly StoredComplaint[]): string {
  return storedValue(COMPLAINTS.write([...kept]));
}

export interface PollWork {
  /** The complaints a poll would store. */
  complaints: StoredComplaint[];
  added: number;
  changed: boolean;
  /** Characters written: the complaints value (when changed) and the status value. */
  written: number;
}

/**
 * Parse, verify the sign over the whole body, normalise every complaint, diff against `stored`, and build the
 * JSON a poll writes: the complaints value when something changed, the status value always.
 */
export function pollWork(body: string, stored: readonly StoredComplaint[], nowIso: string, previousSuccessAt: string | null): PollWork {
  const upstream = readAnswer(body, KEY, "strict").result;
  if (!upstream.ok) throw new Error(`poll bench: ${upstream.error.code}: ${upstream.error.message}`);
  const fresh = identifyComplaints(upstream.items).sightings;
  const merge = mergeComplaints(MCHID, stored, fresh, nowIso, previousSuccessAt);
  let written = storedValue({ state: { ...INITIAL_STATE, last_attempt_at: nowIso, last_success_at: nowIso, next_poll_at: nowIso } }).length;
  if (merge.changed) written += complaintsValue(merge.complaints).length;
  return { complaints: merge.complaints, added: merge.added.length, changed: merge.changed, written };
}

/** The stored list as a later poll reads it back from KV: a fresh parse, sharing nothing with the response. */
export function reloaded(complaints: readonly StoredComplaint[]): StoredComplaint[] {
  const read = COMPLAINTS.read(parseJson(complaintsValue(complaints)) as Record<string, unknown>);
  if (read === null) throw new Error("poll bench: the stored list did not read back whole");
  return read;
}
