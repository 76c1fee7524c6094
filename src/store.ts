/**
 * The KV layout: the only module that knows key names and the versioned wrapper every value is kept in.
 * What a value holds, and how it is checked when read back, is its {@link Shape}, defined beside its type
 * in the domain and handed in.
 *
 * | key | value |
 * |---|---|
 * | `format` | the layout version (`"2"`): a Worker of another layout refuses the namespace rather than misread it |
 * | `complaints:{mchid}` | `{"format":2,"rev","seen":[…],"complaints":[raw,…]}`: every complaint ever seen for one merchant, newest first |
 * | `status:{mchid}` | `{"format":2,"rev","state","deliveries"}`: the merchant's poll bookkeeping, and what alert delivery did since the outbox was written |
 * | `outbox:{mchid}` | `{"format":2,"rev","outbox"}`: the merchant's alerts, queued, sent and given up, as of its last write |
 * | `handled:{mchid}` | `{"format":2,"rev","marks":{id:{"at","note"}},"replied":{…},"refunds":{…}}`: the marks book (handled marks under `marks`, replied marks, refund outcomes), written only by src/actions/ |
 * | `refund:{mchid}:{id}` | `{"format":2,"rev","attempt","at","total_fee","note"}`: a refund's attempt, written before PAYJS is called |
 * | `order:{mchid}:{payjs_order_id}` | `{"format":2,"rev","order","checked_at"}`: an order check, expiring after 11 minutes |
 * | `started` | `{"format":2,"rev","fingerprint","at"}`: the settings the channels last heard "监控已启动" for |
 * | `corrupt:{key}:{ms}` | a value that could not be read, set aside before its key was rebuilt |
 *
 * One value per merchant instead of one per complaint keeps a poll's writes proportional to what changed
 * and a list request at 2 reads per merchant. A KV put is atomic: a value is read whole or not at all.
 * @module
 * @see https://developers.cloudflare.com/kv/platform/limits/
 */
import type { Shape } from "./domain/shape";
import { parseJson } from "./json";

export const FORMAT = 2;
const FORMAT_KEY = "format";

type StorageErrorCode = "storage_corrupt" | "storage_format";

export interface StorageError {
  code: StorageErrorCode;
  message: string;
  key: string;
}

/** A value read from KV: absent, readable, or unreadable (kept as raw text so it can be set aside). */
export type Stored<T> =
  | { kind: "absent" }
  | { kind: "ok"; value: T; rev: string }
  | { kind: "unreadable"; error: StorageError; text: string };

/** KV takes one write per key per second and refuses a second with a 429: such a write is tried once more after this. */
const REWRITE_AFTER_MS = 1_100;

/**
 * Runs `write`; when it throws (but for errors `isFinal` names), once more after a second, with `again` true:
 * the second try re-reads what it changes, since another invocation wrote it meanwhile. The second try's
 * error is the caller's.
 */
export async function writeTwice<T>(write: (again: boolean) => Promise<T>, isFinal: (error: unknown) => boolean = () => false): Promise<T> {
  try {
    return await write(false);
  } catch (error) {
    if (isFinal(error)) throw error;
  }
  await new Promise((resolve) => setTimeout(resolve, REWRITE_AFTER_MS));
  return write(true);
}

export const complaintsKey = (mchid: string): string => `complaints:${mchid}`;
export const statusKey = (mchid: string): string => `status:${mchid}`;
export const outboxKey = (mchid: string): string => `outbox:${mchid}`;
/** The marks book: named `handled:` since before replied marks and refund outcomes shared it. */
export const marksKey = (mchid: string): string => `handled:${mchid}`;
export const refundAttemptKey = (mchid: string, id: string): string => `refund:${mchid}:${id}`;
export const orderKey = (mchid: string, payjsOrderId: string): string => `order:${mchid}:${payjsOrderId}`;
export const STARTED_KEY = "started";

/** Parses and checks one stored value against its shape. */
function decode<T>(key: string, text: string | null, shape: Shape<T>): Stored<T> {
  if (text === null) return { kind: "absent" };
  let parsed: unknown;
  try {
    // A large list costs as much again to check as to parse; a value its writer marked plain needs no check.
    parsed = PLAIN.test(text.slice(0, 100)) ? JSON.parse(text) : parseJson(text);
  } catch {
    return unreadable(key, text, "storage_corrupt", "is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return unreadable(key, text, "storage_corrupt", "is not a JSON object");
  }
  const record = parsed as Record<string, unknown>;
  if (record.format !== FORMAT) {
    return unreadable(key, text, "storage_format", `has format ${JSON.stringify(record.format)}, expected ${FORMAT}`);
  }
  const value = shape.read(record);
  if (value === null) return unreadable(key, text, "storage_corrupt", `has no valid ${shape.what}`);
  return { kind: "ok", value, rev: typeof record.rev === "string" ? record.rev : "" };
}

/** How a value {@link Store.save} wrote as plain begins. */
const PLAIN = /^\{"format":\d+,"rev":"[^"\\]*","plain":true,/;

function unreadable<T>(key: string, text: string, code: StorageErrorCode, what: string): Stored<T> {
  return { kind: "unreadable", text, error: { code, key, message: `Stored value ${key} ${what}` } };
}

function newRev(now: number): string {
  return `${now.toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
}

/** Cloudflare's smallest edge cache time for KV reads (the default is 60 s): the freshest copy the edge keeps. */
const EDGE_CACHE_TTL_S = 30;

let writes = 0;

/** Counts this isolate's writes, so a read cache in the same isolate knows its copy is stale. */
export function localWriteCount(): number {
  return writes;
}

const formatChecks = new Map<KVNamespace, Promise<StorageError | null>>();

export class Store {
  constructor(private readonly kv: KVNamespace) {}

  /** Reads one value as KV holds it now: what a change is applied to. */
  async load<T>(key: string, shape: Shape<T>): Promise<Stored<T>> {
    return decode(key, await this.kv.get(key, "text"), shape);
  }

  /**
   * Reads one value, or the copy the edge read up to {@link EDGE_CACHE_TTL_S} ago: what answers are served from.
   * KV reads may lag writes by 60 s in other locations anyway.
   */
  async loadRecent<T>(key: string, shape: Shape<T>): Promise<Stored<T>> {
    return decode(key, await this.kv.get(key, { type: "text", cacheTtl: EDGE_CACHE_TTL_S }), shape);
  }

  /**
   * Writes one value under a new revision, and gives that revision (what a later {@link load} reads back).
   * @param plain the caller knows `JSON.parse` reads the value back whole (no number beyond a double, no key order
   *   it would change, see `readExactly`): the text then says so, and {@link load} skips the checks for those.
   * @param expiresInSeconds KV forgets the value after this long (at least 60); kept for good when absent.
   */
  async save<T>(key: string, shape: Shape<T>, value: T, now: number, plain = false, expiresInSeconds?: number): Promise<string> {
    writes++;
    const rev = newRev(now);
    const text = JSON.stringify({ format: FORMAT, rev, ...(plain ? { plain: true } : {}), ...shape.write(value) });
    await this.kv.put(key, text, expiresInSeconds === undefined ? undefined : { expirationTtl: expiresInSeconds });
    return rev;
  }

  /**
   * The layout version on record; writes it when the namespace is new. Null when KV holds another layout.
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
    const text = (await this.kv.get(FORMAT_KEY))?.trim() ?? null;
    if (text === String(FORMAT)) return null;
    if (text === null) {
      await this.kv.put(FORMAT_KEY, String(FORMAT));
      return null;
    }
    return {
      code: "storage_format",
      key: FORMAT_KEY,
      message: `KV holds layout format ${JSON.stringify(text.slice(0, 20))}; this version reads format ${FORMAT}`,
    };
  }

  /** Sets an unreadable value aside under its own key before its key is rebuilt, so nothing is lost; gives that key. */
  async setAside(key: string, text: string, now: number): Promise<string> {
    const aside = `corrupt:${key}:${now}`;
    await this.kv.put(aside, text);
    return aside;
  }
}
