/**
 * The handled marks of every merchant (`handled:{mchid}`), which only the HTTP side reads and writes: read apart
 * from the snapshot, kept in the isolate at most {@link MARKS_TTL_MS} (the snapshot may be kept for hours, but a
 * mark made in another isolate must show within a minute), and merged into each answer when it is built. A
 * mark written in this isolate shows at once. One KV read per merchant per 30 s per isolate at most.
 * @module
 * @see https://developers.cloudflare.com/kv/api/read-key-value-pairs/#cachettl-parameter
 */

import type { Complaint } from "../domain/complaint";
import { HANDLED, type HandledMark, type Marks, markOf, noMarks, withMark } from "../domain/handled";
import type { Merchant } from "../domain/merchant";
import { handledKey, localWriteCount, type StorageError, Store, type Stored, writeTwice } from "../store";

/** How long this isolate keeps a merchant's marks. */
export const MARKS_TTL_MS = 30_000;
/**
 * Cloudflare's smallest edge cache time for KV reads (the default is 60 s): the freshest copy KV gives, for
 * the reads that serve answers and for the read before a write alike.
 */
const KV_CACHE_TTL_S = 30;

export interface MerchantMarks {
  marks: Marks;
  /** The stored value's revision (`absent` when there is none): part of every ETag. */
  rev: string;
  /** The value, or some marks in it, could not be read. */
  error: StorageError | null;
}

export interface MarksView {
  /** Each configured merchant's marks. */
  byMerchant: ReadonlyMap<string, MerchantMarks>;
  /** Changes whenever any merchant's marks change. */
  revision: string;
}

/** No marks read (what the reader's functions assume when given none). */
export const NO_MARKS: MarksView = { byMerchant: new Map(), revision: "" };

const EMPTY = noMarks();

/** A merchant's marks in the view (none when it has none). */
export function marksOf(view: MarksView, mchid: string): Marks {
  return view.byMerchant.get(mchid)?.marks ?? EMPTY;
}

/** The mark of one complaint, or null. */
export function markFor(view: MarksView, c: Complaint): HandledMark | null {
  const marks = view.byMerchant.get(c.mchid)?.marks;
  return marks === undefined ? null : markOf(marks, c.id);
}

function fromStored(stored: Stored<Marks>): MerchantMarks {
  if (stored.kind === "absent") return { marks: noMarks(), rev: "absent", error: null };
  if (stored.kind === "unreadable") return { marks: noMarks(), rev: "unreadable", error: stored.error };
  return { marks: stored.value, rev: stored.rev, error: stored.damage?.error ?? null };
}

interface Entry {
  loaded: Promise<MerchantMarks>;
  /** {@link localWriteCount} when read: any write in this isolate since makes the copy stale. */
  writes: number;
  expires: number;
}

const caches = new WeakMap<KVNamespace, Map<string, Entry>>();

function cacheOf(kv: KVNamespace): Map<string, Entry> {
  let cache = caches.get(kv);
  if (cache === undefined) {
    cache = new Map();
    caches.set(kv, cache);
  }
  return cache;
}

function remember(kv: KVNamespace, mchid: string, marks: MerchantMarks, now: number): void {
  cacheOf(kv).set(mchid, { loaded: Promise.resolve(marks), writes: localWriteCount(), expires: now + MARKS_TTL_MS });
}

function merchantMarks(kv: KVNamespace, mchid: string, now: number): Promise<MerchantMarks> {
  const cache = cacheOf(kv);
  const writes = localWriteCount();
  const cached = cache.get(mchid);
  if (cached !== undefined && cached.writes === writes && now < cached.expires) return cached.loaded;
  const loaded = new Store(kv).load(handledKey(mchid), HANDLED, KV_CACHE_TTL_S).then(fromStored);
  const entry: Entry = { loaded, writes, expires: now + MARKS_TTL_MS };
  cache.set(mchid, entry);
  loaded.catch(() => {
    if (cache.get(mchid) === entry) cache.delete(mchid);
  });
  return loaded;
}

/** Every merchant's marks, from this isolate's copy while it is younger than {@link MARKS_TTL_MS}. */
export async function currentMarks(kv: KVNamespace, merchants: readonly Merchant[], now = Date.now()): Promise<MarksView> {
  const loaded = await Promise.all(merchants.map((m) => merchantMarks(kv, m.mchid, now)));
  const byMerchant = new Map(merchants.map((m, i) => [m.mchid, loaded[i] as MerchantMarks]));
  return { byMerchant, revision: merchants.map((m) => `${m.mchid}=${byMerchant.get(m.mchid)?.rev}`).join(",") };
}

/** A change of the marks that could not be stored; its message is for the caller (no stack, no key). */
export class MarkNotSaved extends Error {
  override readonly name = "MarkNotSaved";
}

/**
 * Marks complaint `id` of merchant `mchid` (`mark`), or un-marks it (null): reads the merchant's marks, applies
 * the change and writes them back, one write. KV refuses a second write of a key within a second (another
 * change of the same merchant's marks, from this isolate or another): then, once, it waits a second, reads
 * again, applies the change to what it finds and writes. Un-marking an unmarked complaint writes nothing.
 * An unreadable value is kept aside under `corrupt:handled:{mchid}:{ms}` before it is replaced; a value in a
 * newer layout is never replaced.
 * @throws MarkNotSaved when neither try was stored.
 */
export async function changeMark(kv: KVNamespace, mchid: string, id: string, mark: HandledMark | null, now: number): Promise<void> {
  const store = new Store(kv);
  const key = handledKey(mchid);
  let preserved = false;
  const apply = async (): Promise<void> => {
    // Fresh, not the edge's copy: the change is applied to what KV holds now.
    const current = await store.load(key, HANDLED);
    if (current.kind === "unreadable" && current.error.code === "storage_format") {
      throw new MarkNotSaved(`${current.error.message}: a newer version of this Worker wrote it, so it is left as it is`);
    }
    const marks = current.kind === "ok" ? current.value : noMarks();
    if (mark === null && markOf(marks, id) === null) {
      remember(kv, mchid, fromStored(current), now);
      return;
    }
    const damaged = current.kind === "unreadable" ? current.text : current.kind === "ok" ? current.damage?.text : undefined;
    if (damaged !== undefined && !preserved) {
      await store.preserve(key, damaged, now);
      preserved = true;
    }
    const next = withMark(marks, id, mark);
    const { rev } = await store.save(key, HANDLED, next, now);
    remember(kv, mchid, { marks: next, rev, error: null }, now);
  };
  try {
    return await writeTwice(apply, (error) => error instanceof MarkNotSaved);
  } catch (error) {
    if (error instanceof MarkNotSaved) throw error;
    throw new MarkNotSaved("KV did not store the change of the handled marks (twice); try again in a few seconds");
  }
}
