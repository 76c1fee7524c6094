/**
 * The KV layout: the only module that knows key names and the versioned wrapper every value is kept in.
 * What a value holds, and how it is checked when read back, is its {@link Shape}, defined beside its type
 * in the domain and handed in.
 *
 * | key | value |
 * |---|---|
 * | `format` | the layout version (`"3"`): a Worker of another layout refuses the namespace rather than misread it; this one moves layout 2 over (poller/upgrade.ts) |
 * | `present:{mchid}` | `{"format":3,"rev","mchid","history","days","seen":[…],"complaints":[raw,…]}`: what a poll reads and writes: the complaints PAYJS lists and those that left it in the last 7 days, newest first; the summary of the history (counts, newest position, the description's revision); complaints per day |
 * | `parts:{mchid}` | `{"format":3,"rev","history":{"next","parts":[…]}}`: the description of the history: each part's name, count, revision and range |
 * | `history:{mchid}:{part}` | `{"format":3,"rev","seen":[…],"complaints":[raw,…]}`: at most 1,000 complaints of one Beijing month that left PAYJS's list earlier, newest first (domain/history.ts) |
 * | `ids:{mchid}:{month}` | `{"format":3,"rev","parts":{part:hashes},"described":[…]}`: which part of the month may hold an id: how a complaint of the history is found by id; and how the description named those parts (it is rebuilt from them when it cannot be read) |
 * | `status:{mchid}` | `{"format":3,"rev","state","deliveries"}`: the merchant's poll bookkeeping, and what alert delivery did since the outbox was written |
 * | `outbox:{mchid}` | `{"format":3,"rev","outbox"}`: the merchant's alerts, queued, sent and given up, as of its last write |
 * | `marks:{mchid}:{month}` | `{"format":3,"rev","marks":{id:{"at","note"}},"replied":{…},"refunds":{…}}`: the marks book of the complaints of one Beijing month of `complaint_at` (`none`: of no time): handled marks (under `marks`), replied marks, refund outcomes; written only by src/actions/ |
 * | `refund:{mchid}:{id}` | `{"format":3,"rev","attempt","at","total_fee","note"}`: a refund's attempt, written before PAYJS is called |
 * | `order:{mchid}:{payjs_order_id}` | `{"format":3,"rev","order","checked_at"}`: an order check, expiring after 11 minutes |
 * | `upgrade-tries:{mchid}` | `{"format":3,"rev","offset","tries"}`: how often the next slice of a merchant's move from layout 2 was begun; expires a day after |
 * | `started` | `{"format":3,"rev","fingerprint","at"}`: the settings the channels last heard "监控已启动" for |
 * | `upgrade:{mchid}` | how far the move of a layout 2 merchant has come (poller/upgrade.ts); gone once it is done |
 * | `device:{id}` | `{"format":3,"rev","device":{"id","name","role","created_at","token_hash","code_hash","code_expires_at"}}`: a signed-in device, or one whose code is not claimed yet (then it expires with the code) |
 * | `device-token:{sha256}` | `{"format":3,"rev","device":{"id","name","role"}}`: what a device's token may do, found by the token's hash |
 * | `device-code:{sha256}` | `{"format":3,"rev","id"}`: the device a sign-in code is for; expires with the code (10 minutes) |
 * | `device-seen:{id}` | `{"format":3,"rev","on"}`: the Beijing day a device was last seen (written at most once a day) |
 * | `view-secret` | `{"format":3,"rev","secret","since"}`: the key view links are signed with (domain/view-key.ts); replaced to revoke them all |
 * | `corrupt:{key}:{ms}` | a value that could not be read, set aside before its key was rebuilt |
 *
 * Layout 2 kept every complaint ever seen in `complaints:{mchid}` and every mark in `handled:{mchid}`: read only to
 * move them over, then deleted. Values of layout 2 under keys layout 3 kept are read as they are (their shapes did not
 * change) and written as layout 3.
 *
 * A poll reads and writes the present, not the past: its cost follows what PAYJS lists, not the merchant's history.
 * A list request of active complaints reads 2 values per merchant (3 with alerts) and the marks of the present's months. A KV put is atomic: a value is read whole or not at all.
 * @module
 * @see https://developers.cloudflare.com/kv/platform/limits/
 */
import type { Shape } from "./domain/shape";
import { parseJson } from "./json";

export const FORMAT = 3;
/** The layout this version moves over from; its values under keys layout 3 kept read as they are. */
export const LEGACY_FORMAT = 2;
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
  | { kind: "ok"; value: T; rev: string /** The layout that wrote it. */; format: number }
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

export const presentKey = (mchid: string): string => `present:${mchid}`;
export const historyPartKey = (mchid: string, part: string): string => `history:${mchid}:${part}`;
export const idIndexKey = (mchid: string, month: string): string => `ids:${mchid}:${month}`;
export const partsKey = (mchid: string): string => `parts:${mchid}`;
export const statusKey = (mchid: string): string => `status:${mchid}`;
export const outboxKey = (mchid: string): string => `outbox:${mchid}`;
export const marksKey = (mchid: string, month: string): string => `marks:${mchid}:${month}`;
export const upgradeKey = (mchid: string): string => `upgrade:${mchid}`;
export const upgradeTriesKey = (mchid: string): string => `upgrade-tries:${mchid}`;
/** Layout 2's keys: every complaint ever seen, and every mark, of one merchant. */
export const legacyComplaintsKey = (mchid: string): string => `complaints:${mchid}`;
export const legacyMarksKey = (mchid: string): string => `handled:${mchid}`;
export const refundAttemptKey = (mchid: string, id: string): string => `refund:${mchid}:${id}`;
export const orderKey = (mchid: string, payjsOrderId: string): string => `order:${mchid}:${payjsOrderId}`;
export const STARTED_KEY = "started";
export const deviceKey = (id: string): string => `device:${id}`;
export const DEVICE_PREFIX = "device:";
export const deviceTokenKey = (tokenHash: string): string => `device-token:${tokenHash}`;
export const deviceCodeKey = (codeHash: string): string => `device-code:${codeHash}`;
export const deviceSeenKey = (id: string): string => `device-seen:${id}`;
export const VIEW_SECRET_KEY = "view-secret";

/** Parses and checks one stored value against its shape. */
function decode<T>(key: string, text: string | null, shape: Shape<T>): Stored<T> {
  if (text === null) return { kind: "absent" };
  let parsed: unknown;
  try {
    // A large list costs as much again to check as to parse; a value its writer marked plain needs no check.
    parsed = isPlainText(text) ? JSON.parse(text) : parseJson(text);
  } catch {
    return unreadable(key, text, "storage_corrupt", "is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return unreadable(key, text, "storage_corrupt", "is not a JSON object");
  }
  const record = parsed as Record<string, unknown>;
  if (record.format !== FORMAT && record.format !== LEGACY_FORMAT) {
    return unreadable(key, text, "storage_format", `has format ${JSON.stringify(record.format)}, expected ${FORMAT}`);
  }
  const value = shape.read(record);
  if (value === null) return unreadable(key, text, "storage_corrupt", `has no valid ${shape.what}`);
  return { kind: "ok", value, rev: typeof record.rev === "string" ? record.rev : "", format: record.format as number };
}

/** How a value {@link Store.save} wrote as plain begins. */
const PLAIN = /^\{"format":\d+,"rev":"[^"\\]*","plain":true,/;

/** Whether a stored value's text says `JSON.parse` reads it whole (see {@link Store.save}'s `plain`). */
export const isPlainText = (text: string): boolean => PLAIN.test(text.slice(0, 100));

function unreadable<T>(key: string, text: string, code: StorageErrorCode, what: string): Stored<T> {
  return { kind: "unreadable", text, error: { code, key, message: `Stored value ${key} ${what}` } };
}

/** A new revision: what a value written at `now` carries. */
export function newRev(now: number): string {
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

  /** The namespace as a key for what an isolate remembers of it (src/access/): never a way around the store. */
  get identity(): object {
    return this.kv;
  }

  /** Reads one value as KV holds it now: what a change is applied to. */
  async load<T>(key: string, shape: Shape<T>): Promise<Stored<T>> {
    return decode(key, await this.kv.get(key, "text"), shape);
  }

  /** {@link loadRecent} when `recent`, else {@link load}. */
  read<T>(key: string, shape: Shape<T>, recent: boolean): Promise<Stored<T>> {
    return recent ? this.loadRecent(key, shape) : this.load(key, shape);
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
   * @param rev its revision, when the caller had to know it before writing (a value that describes this one is written first).
   */
  async save<T>(
    key: string,
    shape: Shape<T>,
    value: T,
    now: number,
    plain = false,
    expiresInSeconds?: number,
    rev = newRev(now),
  ): Promise<string> {
    writes++;
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
    // Layout 2 is moved over merchant by merchant (poller/upgrade.ts); from now on a Worker of layout 2 refuses it.
    if (text === null || text === String(LEGACY_FORMAT)) {
      await this.kv.put(FORMAT_KEY, String(FORMAT));
      return null;
    }
    return {
      code: "storage_format",
      key: FORMAT_KEY,
      message: `KV holds layout format ${JSON.stringify(text.slice(0, 20))}; this version reads format ${FORMAT}`,
    };
  }

  /** A value's text as KV holds it now, unchecked: for a value read in slices (poller/upgrade.ts). */
  loadText(key: string): Promise<string | null> {
    return this.kv.get(key, "text");
  }

  /** Whether KV holds a value under `key`, without reading it (a value of layout 2 may be megabytes). */
  async exists(key: string): Promise<boolean> {
    const stream = await this.kv.get(key, "stream");
    if (stream === null) return false;
    await stream.cancel();
    return true;
  }

  /** One page of the keys under `prefix`, and where the next begins (null: none). */
  async list(prefix: string, cursor: string | null): Promise<{ keys: string[]; cursor: string | null }> {
    const page = await this.kv.list(cursor === null ? { prefix } : { prefix, cursor });
    return { keys: page.keys.map((k) => k.name), cursor: page.list_complete ? null : page.cursor };
  }

  async delete(key: string): Promise<void> {
    writes++;
    await this.kv.delete(key);
  }

  /** Sets an unreadable value aside under its own key before its key is rebuilt, so nothing is lost; gives that key. */
  async setAside(key: string, text: string, now: number): Promise<string> {
    const aside = `corrupt:${key}:${now}`;
    await this.kv.put(aside, text);
    return aside;
  }
}
