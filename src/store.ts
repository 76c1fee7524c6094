/**
 * The KV layout: the only module that knows key names and value formats.
 *
 * | key | value |
 * |---|---|
 * | `format` | the layout version (`"1"`), for later migrations |
 * | `complaints:{mchid}` | `{"format":1,"rev","complaints":[…]}`: every complaint ever seen for one merchant |
 * | `status:{mchid}` | `{"format":1,"rev","state","deliveries"}`: the merchant's poll bookkeeping, and what alert delivery did since the outbox was written |
 * | `outbox:{mchid}` | `{"format":1,"rev","outbox"}`: the merchant's alerts, queued, sent and given up, as of its last write |
 * | `corrupt:{key}:{ms}` | an unreadable value, kept aside before the poller rebuilt that key |
 *
 * One value per merchant instead of one per complaint keeps a poll's writes proportional to what changed
 * (a poll with news writes 2 values, one without writes 1) and a list request at 2 reads per merchant.
 * @module
 * @see https://developers.cloudflare.com/kv/platform/limits/
 */
import { parseJson } from "./json";
import { type ChannelRecord, type Deliveries, type Outbox, type OutboxEntry, type Progress, noDeliveries } from "./notify/outbox";
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
  /** What the check of the last checked answer's `sign` found (null before any; absent in older values). */
  signature: SignatureStatus | null;
}

export interface SignatureStatus {
  result: "verified" | "absent" | "mismatch";
  scheme: string | null;
}

export const INITIAL_STATE: PollState = {
  last_attempt_at: null,
  last_success_at: null,
  next_poll_at: null,
  consecutive_failures: 0,
  transient_failures: 0,
  last_error: null,
  failing_alerted: false,
  signature: null,
};

/** What `status:{mchid}` holds. */
export interface Status {
  state: PollState;
  deliveries: Deliveries;
}

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
type Check<T> = (record: Record<string, unknown>) => { value: T; bad: number } | null;

/**
 * Parses and checks one stored value. `check` gets the whole record; `what` names, for messages, the part
 * that must be valid and the parts that may be damaged one by one.
 */
function decode<T>(key: string, text: string | null, what: { whole: string; parts: string }, check: Check<T>): Stored<T> {
  if (text === null) return { kind: "absent" };
  let parsed: unknown;
  try {
    parsed = parseJson(text);
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
  const checked = check(record);
  if (checked === null) return unreadable(key, text, "storage_corrupt", `has no valid ${what.whole}`);
  const damage =
    checked.bad === 0
      ? null
      : { text, error: { code: "storage_corrupt" as const, key, message: `Stored value ${key} has ${checked.bad} unreadable ${what.parts}` } };
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
const complaintList: Check<Complaint[]> = ({ complaints: v }) => {
  if (!Array.isArray(v)) return null;
  const value = v.filter(isComplaint);
  return { value, bad: v.length - value.length };
};

function pollState(v: unknown): PollState | null {
  if (typeof v !== "object" || v === null) return null;
  const s = v as Record<string, unknown>;
  const ok =
    isTime(s.last_attempt_at) &&
    isTime(s.last_success_at) &&
    isTime(s.next_poll_at) &&
    isCount(s.consecutive_failures) &&
    isCount(s.transient_failures) &&
    isErrorAt(s.last_error) &&
    typeof s.failing_alerted === "boolean" &&
    (s.signature === undefined || s.signature === null || isSignature(s.signature));
  return ok ? ({ ...(v as PollState), signature: (s.signature as SignatureStatus | undefined) ?? null }) : null;
}

const STATES: readonly string[] = ["pending", "delivered", "given_up"];

function isSignature(v: unknown): boolean {
  const x = v as Record<string, unknown>;
  return typeof v === "object" && ["verified", "absent", "mismatch"].includes(x.result as string) && (x.scheme === null || isString(x.scheme));
}

function isErrorAt(e: unknown): boolean {
  if (e === null) return true;
  const x = e as Record<string, unknown>;
  return typeof e === "object" && isString(x.code) && isString(x.message) && isString(x.at);
}

/** Keeps every readable channel record; counts the others. */
function channelRecords(v: unknown): { value: Record<string, ChannelRecord>; bad: number } | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const value: Record<string, ChannelRecord> = {};
  let bad = 0;
  for (const [name, r] of Object.entries(v)) {
    const x = r as Record<string, unknown> | null;
    if (typeof x === "object" && x !== null && (x.last_delivery_at === null || isString(x.last_delivery_at)) && isErrorAt(x.last_error)) {
      value[name] = { last_delivery_at: x.last_delivery_at as string | null, last_error: x.last_error as ChannelRecord["last_error"] };
    } else {
      bad++;
    }
  }
  return { value, bad };
}

function isProgress(p: unknown): p is Progress {
  if (typeof p !== "object" || p === null) return false;
  const x = p as Record<string, unknown>;
  return STATES.includes(x.state as string) && isCount(x.attempts) && isTime(x.next_attempt_at) && isTime(x.done_at) && isErrorAt(x.last_error);
}

/** Deliveries are optional (older values have none); an unreadable one costs only itself. */
function deliveriesValue(v: unknown): { value: Deliveries; bad: number } {
  if (v === undefined) return { value: noDeliveries(), bad: 0 };
  if (typeof v !== "object" || v === null) return { value: noDeliveries(), bad: 1 };
  const d = v as Record<string, unknown>;
  const channels = channelRecords(d.channels) ?? { value: {}, bad: 1 };
  const entries: Record<string, Progress> = {};
  let bad = channels.bad;
  const list = typeof d.entries === "object" && d.entries !== null ? d.entries : null;
  if (list === null) bad++;
  for (const [id, p] of Object.entries(list ?? {})) {
    if (isProgress(p)) entries[id] = p;
    else bad++;
  }
  return { value: { entries, channels: channels.value }, bad };
}

const statusValue: Check<Status> = (record) => {
  const state = pollState(record.state);
  if (state === null) return null;
  const deliveries = deliveriesValue(record.deliveries);
  return { value: { state, deliveries: deliveries.value }, bad: deliveries.bad };
};

function isEntry(e: unknown): e is OutboxEntry {
  if (typeof e !== "object" || e === null) return false;
  const x = e as Record<string, unknown>;
  return (
    isString(x.id) &&
    isString(x.channel) &&
    isString(x.event) &&
    Array.isArray(x.complaint_ids) &&
    STATES.includes(x.state as string) &&
    isCount(x.attempts) &&
    isString(x.created_at) &&
    isTime(x.next_attempt_at) &&
    isTime(x.done_at) &&
    (x.state !== "pending" || (typeof x.notification === "object" && x.notification !== null))
  );
}

/** Keeps every readable entry, like the complaint list. */
const outboxValue: Check<Outbox> = ({ outbox: v }) => {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  const channels = channelRecords(o.channels);
  if (!Array.isArray(o.entries) || channels === null) return null;
  const entries = o.entries.filter(isEntry);
  return { value: { entries, channels: channels.value }, bad: o.entries.length - entries.length + channels.bad };
};

function newRev(now: number): string {
  return `${now.toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
}

let writes = 0;

/** Counts this isolate's writes, so a read cache in the same isolate knows its copy is stale. */
export function localWriteCount(): number {
  return writes;
}

const formatChecks = new Map<KVNamespace, Promise<StorageError | null>>();

/**
 * The complete complaint records of a value cut short or garbled after its list began: each `{…}` at the
 * top of the `complaints` array that parses and checks as a complaint.
 */
function salvageComplaints(text: string): Complaint[] {
  const start = text.indexOf('"complaints":[');
  if (start === -1) return [];
  const found: Complaint[] = [];
  let depth = 0;
  let from = -1;
  let inString = false;
  let escaped = false;
  for (let i = start + '"complaints":['.length; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === 0x5c) escaped = true;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x7b || ch === 0x5b) {
      if (depth++ === 0) from = i;
    } else if (ch === 0x7d || ch === 0x5d) {
      if (depth === 0) break;
      if (--depth === 0) {
        try {
          const record: unknown = parseJson(text.slice(from, i + 1));
          if (isComplaint(record)) found.push(record);
        } catch {
          // A garbled record: the next one may still read.
        }
      }
    }
  }
  return found;
}

export class Store {
  constructor(private readonly kv: KVNamespace) {}

  /** Reads fresh from KV unless `cacheTtl` (seconds) lets the edge serve a recent copy. */
  private async text(key: string, cacheTtl?: number): Promise<string | null> {
    return cacheTtl === undefined ? this.kv.get(key, "text") : this.kv.get(key, { type: "text", cacheTtl });
  }

  async loadStatus(mchid: string, cacheTtl?: number): Promise<Stored<Status>> {
    return decode(statusKey(mchid), await this.text(statusKey(mchid), cacheTtl), { whole: "state", parts: "delivery records" }, statusValue);
  }

  /** A garbled value still gives every complete record it holds, with the damage reported. */
  async loadComplaints(mchid: string, cacheTtl?: number): Promise<Stored<Complaint[]>> {
    const key = complaintsKey(mchid);
    const stored = decode(key, await this.text(key, cacheTtl), { whole: "complaints", parts: "complaints" }, complaintList);
    if (stored.kind !== "unreadable" || stored.error.code !== "storage_corrupt") return stored;
    return { kind: "ok", value: salvageComplaints(stored.text), rev: "", damage: { text: stored.text, error: stored.error } };
  }

  async loadOutbox(mchid: string, cacheTtl?: number): Promise<Stored<Outbox>> {
    return decode(outboxKey(mchid), await this.text(outboxKey(mchid), cacheTtl), { whole: "outbox", parts: "outbox entries" }, outboxValue);
  }

  async saveOutbox(mchid: string, outbox: Outbox, now: number): Promise<void> {
    writes++;
    await this.kv.put(outboxKey(mchid), JSON.stringify({ format: FORMAT, rev: newRev(now), outbox }));
  }

  /**
   * The layout version on record; writes it when the namespace is new. Null when KV holds a newer layout.
   * Invocations running at once in this isolate share one check, so a new namespace gets one write.
   */
  checkFormat(): Promise<StorageError | null> {
    const running = formatChecks.get(this.kv);
    if (running !== undefined) return running;
    const check = this.readFormat().finally(() => formatChecks.delete(this.kv));
    formatChecks.set(this.kv, check);
    return check;
  }

  private async readFormat(): Promise<StorageError | null> {
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

  async saveStatus(mchid: string, { state, deliveries }: Status, now: number): Promise<void> {
    writes++;
    const value: Record<string, unknown> = { format: FORMAT, rev: newRev(now), state };
    if (Object.keys(deliveries.entries).length > 0 || Object.keys(deliveries.channels).length > 0) value.deliveries = deliveries;
    await this.kv.put(statusKey(mchid), JSON.stringify(value));
  }

  /** Keeps an unreadable value under its own key before the poller replaces it, so nothing is lost. */
  async preserve(key: string, text: string, now: number): Promise<string> {
    const aside = `corrupt:${key}:${now}`;
    await this.kv.put(aside, text);
    return aside;
  }
}
