/**
 * The KV layout: the only module that knows key names and the versioned wrapper every value is kept in.
 * What a value holds, and how it is checked when read back, is its {@link Shape}, defined beside its type
 * in the domain and handed in.
 *
 * | key | value |
 * |---|---|
 * | `format` | the layout version (`"2"`): a Worker that reads an older one only refuses to touch a newer one |
 * | `complaints:{mchid}` | `{"format":2,"rev","seen":[…],"complaints":[raw,…]}`: every complaint ever seen for one merchant, newest first |
 * | `status:{mchid}` | `{"format":2,"rev","state","deliveries"}`: the merchant's poll bookkeeping, and what alert delivery did since the outbox was written |
 * | `outbox:{mchid}` | `{"format":2,"rev","outbox"}`: the merchant's alerts, queued, sent and given up, as of its last write |
 * | `handled:{mchid}` | `{"format":2,"rev","marks":{id:{"at","note"}}}`: handled marks, written only by the HTTP side |
 * | `corrupt:{key}:{ms}` | an unreadable value, kept aside before the poller rebuilt that key |
 *
 * One value per merchant instead of one per complaint keeps a poll's writes proportional to what changed
 * and a list request at 2 reads per merchant.
 *
 * Format 1 kept every complaint's derived fields beside its `raw` (2.3× the size of PAYJS's answer); format 2
 * keeps `raw` and the sighting times only (see `COMPLAINTS`). Values of format 1 are read as they are and
 * written in format 2 by their next write; the `format` key moves to 2 at the first poll.
 * @module
 * @see https://developers.cloudflare.com/kv/platform/limits/
 */
import type { Shape } from "./domain/shape";
import { parseJson } from "./json";

export const FORMAT = 2;
/** Layouts this version reads: its own, and the one before, which it migrates as it writes. */
const READABLE = new Set<unknown>([1, FORMAT]);
const FORMAT_KEY = "format";

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
  | { kind: "ok"; value: T; rev: string; damage: { error: StorageError; text: string } | null; format: number; length: number }
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
export const handledKey = (mchid: string): string => `handled:${mchid}`;

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
    return unreadable(key, text, "storage_corrupt", "is not a JSON object (an older layout?)");
  }
  const record = parsed as Record<string, unknown>;
  if (!READABLE.has(record.format)) {
    return unreadable(key, text, "storage_format", `has format ${JSON.stringify(record.format)}, expected ${FORMAT}`);
  }
  const checked = shape.read(record);
  if (checked === null) return unreadable(key, text, "storage_corrupt", `has no valid ${shape.whole}`);
  const damage =
    checked.bad === 0
      ? null
      : {
          text,
          error: { code: "storage_corrupt" as const, key, message: `Stored value ${key} has ${checked.bad} unreadable ${shape.parts}` },
        };
  return {
    kind: "ok",
    value: checked.value,
    rev: typeof record.rev === "string" ? record.rev : "",
    damage,
    format: record.format as number,
    length: text.length,
  };
}

/** The fields of a value written before the list under `field`, when that much of its text parses. */
function fieldsBefore(text: string, field: string): Record<string, unknown> | null {
  const start = text.indexOf(`,"${field}":[`);
  if (start === -1) return null;
  try {
    const head = parseJson(`${text.slice(0, start)}}`);
    return typeof head === "object" && head !== null && !Array.isArray(head) ? (head as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** How a value {@link Store.save} wrote as plain begins. */
const PLAIN = /^\{"format":\d+,"rev":"[^"\\]*","plain":true,/;

/** How every value written by {@link Store.save} under `rev` begins. */
function wrapperStart(rev: string): string {
  return `{"format":${FORMAT},"rev":${JSON.stringify(rev)},`;
}

/** {@link decode}, and for a list that does not parse, every complete item it holds, with the damage reported. */
function decodeOrSalvage<T>(key: string, text: string | null, shape: Shape<T>): Stored<T> {
  const stored = decode(key, text, shape);
  if (stored.kind !== "unreadable" || stored.error.code !== "storage_corrupt" || shape.salvage === undefined) return stored;
  const value = shape.salvage.from(completeItems(stored.text, shape.salvage.field), fieldsBefore(stored.text, shape.salvage.field));
  return { kind: "ok", value, rev: "", damage: { text: stored.text, error: stored.error }, format: FORMAT, length: stored.text.length };
}

function unreadable<T>(key: string, text: string, code: StorageErrorCode, what: string): Stored<T> {
  return { kind: "unreadable", text, error: { code, key, message: `Stored value ${key} ${what}` } };
}

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
 * The items of a value cut short or garbled after its list began: each `{…}` or `[…]` at the top of the array
 * under `field`, in place, `undefined` for one that does not parse (so items stay beside their entries in lists
 * written before this one).
 */
function completeItems(text: string, field: string): unknown[] {
  const opening = `"${field}":[`;
  const start = text.indexOf(opening);
  if (start === -1) return [];
  const found: unknown[] = [];
  let depth = 0;
  let from = -1;
  let inString = false;
  let escaped = false;
  for (let i = start + opening.length; i < text.length; i++) {
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
          found.push(parseJson(text.slice(from, i + 1)));
        } catch {
          // A garbled record: the next one may still read.
          found.push(undefined);
        }
      }
    }
  }
  return found;
}

/** One value as written: its revision and the length of its text. */
export interface Written {
  rev: string;
  length: number;
}

/** A value read, unless it was still the one written: then only that is known, its text left unparsed. */
export type StoredUnless<T> = Stored<T> | { kind: "same" };

export class Store {
  constructor(private readonly kv: KVNamespace) {}

  /**
   * Reads one value, fresh from KV unless `cacheTtl` (seconds) lets the edge serve a recent copy. A list
   * that does not parse still gives every complete item it holds, with the damage reported.
   */
  async load<T>(key: string, shape: Shape<T>, cacheTtl?: number): Promise<Stored<T>> {
    const text = cacheTtl === undefined ? await this.kv.get(key, "text") : await this.kv.get(key, { type: "text", cacheTtl });
    return decodeOrSalvage(key, text, shape);
  }

  /**
   * Reads one value unless it is still `written`: the same revision at its start and the same length, which
   * tells without parsing it (a multi-megabyte list costs more to parse than anything else a poll does). A value
   * rewritten, cut short or edited since almost always has another length or revision, and is read as {@link load}
   * reads it; damage that keeps both (bytes changed in place) goes unseen until PAYJS's answer changes.
   */
  async loadUnless<T>(key: string, shape: Shape<T>, written: Written): Promise<StoredUnless<T>> {
    const text = await this.kv.get(key, "text");
    if (text !== null && text.length === written.length && text.startsWith(wrapperStart(written.rev))) return { kind: "same" };
    return decodeOrSalvage(key, text, shape);
  }

  /**
   * Writes one value under a new revision, and gives that revision (what a later {@link load} reads back) and its length.
   * @param plain the caller knows `JSON.parse` reads the value back whole (no number beyond a double, no key order
   *   it would change, see `readExactly`): the text then says so, and {@link load} skips the checks for those.
   */
  async save<T>(key: string, shape: Shape<T>, value: T, now: number, plain = false): Promise<Written> {
    writes++;
    const rev = newRev(now);
    const text = JSON.stringify({ format: FORMAT, rev, ...(plain ? { plain: true } : {}), ...shape.write(value) });
    await this.kv.put(key, text);
    return { rev, length: text.length };
  }

  /**
   * The layout version on record; writes it when the namespace is new or holds the layout before (whose values
   * this version reads and rewrites). Null when KV holds a newer layout.
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
    if (text === null || READABLE.has(Number(text))) {
      // From now on a Worker of the layout before refuses this namespace rather than misread its values.
      await this.kv.put(FORMAT_KEY, String(FORMAT));
      return null;
    }
    return {
      code: "storage_format",
      key: FORMAT_KEY,
      message: `KV holds layout format ${JSON.stringify(text.slice(0, 20))}; this version reads format ${FORMAT}`,
    };
  }

  /** Keeps an unreadable value under its own key before the poller replaces it, so nothing is lost. */
  async preserve(key: string, text: string, now: number): Promise<string> {
    const aside = `corrupt:${key}:${now}`;
    await this.kv.put(aside, text);
    return aside;
  }
}
