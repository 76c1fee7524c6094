/**
 * The KV layout: the only module that knows key names and value formats.
 *
 * | key | value |
 * |---|---|
 * | `format` | the layout version (`"1"`), for later migrations |
 * | `complaints:{mchid}` | `{"format":1,"rev","complaints":[…]}`: every complaint ever seen for one merchant |
 * | `status:{mchid}` | `{"format":1,"rev","state"}`: the merchant's poll bookkeeping |
 * | `outbox:{mchid}` | `{"format":1,"rev","outbox"}`: the merchant's alerts, queued, sent and given up |
 * | `corrupt:{key}:{ms}` | an unreadable value, kept aside before the poller rebuilt that key |
 *
 * One value per merchant instead of one per complaint keeps a poll's writes proportional to what changed
 * (a poll with news writes 2 values, one without writes 1) and a list request at 2 reads per merchant.
 * @module
 * @see https://developers.cloudflare.com/kv/platform/limits/
 */
import type { Outbox, OutboxEntry } from "./notify/outbox";
import type { Complaint } from "./payjs/complaint";

export const FORMAT = 1;
const FORMAT_KEY = "format";

export interface ErrorInfo {
  code: string;
  message: string;
  at: string;
}

export interface PollState {
  last_attempt_at: string | null;
  last_success_at: string | null;
  next_poll_at: string | null;
  consecutive_failures: number;
  /** Failures in a row that were transient; drives the backoff. */
  transient_failures: number;
  last_error: ErrorInfo | null;
  /** True once `watcher.failing` was raised for the current run of failures. */
  failing_alerted: boolean;
}

export const INITIAL_STATE: PollState = {
  last_attempt_at: null,
  last_success_at: null,
  next_poll_at: null,
  consecutive_failures: 0,
  transient_failures: 0,
  last_error: null,
  failing_alerted: false,
};

export type StorageErrorCode = "storage_corrupt" | "storage_format";

export interface StorageError {
  code: StorageErrorCode;
  message: string;
  key: string;
}

/**
 * A value read from KV: absent, readable, or unreadable (kept as raw text so it can be preserved).
 * A readable value may still have had parts that were not (`damage`): what could be read is in `value`.
 */
export type Stored<T> =
  | { kind: "absent" }
  | { kind: "ok"; value: T; rev: string; damage: { error: StorageError; text: string } | null }
  | { kind: "unreadable"; error: StorageError; text: string };

export const complaintsKey = (mchid: string): string => `complaints:${mchid}`;
export const statusKey = (mchid: string): string => `status:${mchid}`;
export const outboxKey = (mchid: string): string => `outbox:${mchid}`;

/** Checks one stored field; returns what of it could be read and how many parts could not. */
type Check<T> = (v: unknown) => { value: T; bad: number } | null;

function decode<T>(key: string, text: string | null, field: string, check: Check<T>): Stored<T> {
  if (text === null) return { kind: "absent" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return unreadable(key, text, "storage_corrupt", "is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return unreadable(key, text, "storage_corrupt", "is not a JSON object (an older layout?)");
  }
  const record = parsed as Record<string, unknown>;
  if (record.format !== FORMAT) {
    return unreadable(key, text, "storage_format", `has format ${JSON.stringify(record.format)}, expected ${FORMAT}`);
  }
  const checked = check(record[field]);
  if (checked === null) return unreadable(key, text, "storage_corrupt", `has no valid ${field}`);
  const damage =
    checked.bad === 0
      ? null
      : { text, error: { code: "storage_corrupt" as const, key, message: `Stored value ${key} has ${checked.bad} unreadable ${field}` } };
  return { kind: "ok", value: checked.value, rev: typeof record.rev === "string" ? record.rev : "", damage };
}

function unreadable<T>(key: string, text: string, code: StorageErrorCode, what: string): Stored<T> {
  return { kind: "unreadable", text, error: { code, key, message: `Stored value ${key} ${what}` } };
}

const isString = (v: unknown): v is string => typeof v === "string";
const isTime = (v: unknown): boolean => v === null || (isString(v) && !Number.isNaN(Date.parse(v)));
const isCount = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v >= 0;

function isComplaint(c: unknown): c is Complaint {
  if (typeof c !== "object" || c === null) return false;
  const x = c as Record<string, unknown>;
  return (
    ["id", "mchid", "complaint_at", "out_trade_no", "order_id", "body", "first_seen_at", "last_seen_at"].every((k) => isString(x[k])) &&
    (x.total_fee === null || typeof x.total_fee === "number") &&
    typeof x.active === "boolean" &&
    typeof x.raw === "object" &&
    x.raw !== null
  );
}

/** Keeps every readable complaint: one damaged record must not cost the others. */
const complaintList: Check<Complaint[]> = (v) => {
  if (!Array.isArray(v)) return null;
  const value = v.filter(isComplaint);
  return { value, bad: v.length - value.length };
};

const pollState: Check<PollState> = (v) => {
  if (typeof v !== "object" || v === null) return null;
  const s = v as Record<string, unknown>;
  const error = s.last_error as Record<string, unknown> | null | undefined;
  const ok =
    isTime(s.last_attempt_at) &&
    isTime(s.last_success_at) &&
    isTime(s.next_poll_at) &&
    isCount(s.consecutive_failures) &&
    isCount(s.transient_failures) &&
    (error === null || (typeof error === "object" && isString(error.code) && isString(error.message) && isString(error.at))) &&
    typeof s.failing_alerted === "boolean";
  return ok ? { value: v as PollState, bad: 0 } : null;
};

function isEntry(e: unknown): e is OutboxEntry {
  if (typeof e !== "object" || e === null) return false;
  const x = e as Record<string, unknown>;
  return (
    isString(x.id) &&
    isString(x.channel) &&
    isString(x.event) &&
    Array.isArray(x.complaint_ids) &&
    ["pending", "delivered", "given_up"].includes(x.state as string) &&
    isCount(x.attempts) &&
    isString(x.created_at) &&
    isTime(x.next_attempt_at) &&
    isTime(x.done_at) &&
    (x.state !== "pending" || (typeof x.notification === "object" && x.notification !== null))
  );
}

/** Keeps every readable entry, like the complaint list. */
const outboxValue: Check<Outbox> = (v) => {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if (!Array.isArray(o.entries) || typeof o.channels !== "object" || o.channels === null) return null;
  const entries = o.entries.filter(isEntry);
  return { value: { entries, channels: o.channels as Outbox["channels"] }, bad: o.entries.length - entries.length };
};

function newRev(now: number): string {
  return `${now.toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
}

let writes = 0;

/** Counts this isolate's writes, so a read cache in the same isolate knows its copy is stale. */
export function localWriteCount(): number {
  return writes;
}

export class Store {
  constructor(private readonly kv: KVNamespace) {}

  /** Reads fresh from KV unless `cacheTtl` (seconds) lets the edge serve a recent copy. */
  private async text(key: string, cacheTtl?: number): Promise<string | null> {
    return cacheTtl === undefined ? this.kv.get(key, "text") : this.kv.get(key, { type: "text", cacheTtl });
  }

  async loadState(mchid: string, cacheTtl?: number): Promise<Stored<PollState>> {
    return decode(statusKey(mchid), await this.text(statusKey(mchid), cacheTtl), "state", pollState);
  }

  async loadComplaints(mchid: string, cacheTtl?: number): Promise<Stored<Complaint[]>> {
    const key = complaintsKey(mchid);
    return decode(key, await this.text(key, cacheTtl), "complaints", complaintList);
  }

  async loadOutbox(mchid: string, cacheTtl?: number): Promise<Stored<Outbox>> {
    return decode(outboxKey(mchid), await this.text(outboxKey(mchid), cacheTtl), "outbox", outboxValue);
  }

  async saveOutbox(mchid: string, outbox: Outbox, now: number): Promise<void> {
    writes++;
    await this.kv.put(outboxKey(mchid), JSON.stringify({ format: FORMAT, rev: newRev(now), outbox }));
  }

  /** The layout version on record; writes it when the namespace is new. Null when KV holds a newer layout. */
  async checkFormat(): Promise<StorageError | null> {
    const text = await this.kv.get(FORMAT_KEY);
    if (text === null) {
      await this.kv.put(FORMAT_KEY, String(FORMAT));
      return null;
    }
    if (text.trim() === String(FORMAT)) return null;
    return {
      code: "storage_format",
      key: FORMAT_KEY,
      message: `KV holds layout format ${JSON.stringify(text.slice(0, 20))}; this version reads format ${FORMAT}`,
    };
  }

  async saveComplaints(mchid: string, complaints: Complaint[], now: number): Promise<void> {
    writes++;
    await this.kv.put(complaintsKey(mchid), JSON.stringify({ format: FORMAT, rev: newRev(now), complaints }));
  }

  async saveState(mchid: string, state: PollState, now: number): Promise<void> {
    writes++;
    await this.kv.put(statusKey(mchid), JSON.stringify({ format: FORMAT, rev: newRev(now), state }));
  }

  /** Keeps an unreadable value under its own key before the poller replaces it, so nothing is lost. */
  async preserve(key: string, text: string, now: number): Promise<string> {
    const aside = `corrupt:${key}:${now}`;
    await this.kv.put(aside, text);
    return aside;
  }
}
