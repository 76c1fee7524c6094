/**
 * An in-memory stand-in for a Workers KV binding, for benches that drive the Worker in Node: `get` (text, json, stream), `put`,
 * `delete`, `list`, counted. Every `get` counts as a read whether or not the key exists (KV bills it so),
 * whatever its `cacheTtl`.
 * @module
 */

export interface KvWrite {
  key: string;
  value: string;
}

/** A write's size in UTF-8 bytes (computed on demand: a bench timing the Worker must not pay for it). */
export function writeBytes(write: KvWrite): number {
  return new TextEncoder().encode(write.value).length;
}

export class MemoryKv {
  private data = new Map<string, string>();
  reads = 0;
  /** When set, every read's key and the value it found (absent: not logged), for a bench counting bytes read; null while timing. */
  readLog: KvWrite[] | null = null;
  /** Reads per key. */
  readonly readKeys = new Map<string, number>();
  writes: KvWrite[] = [];

  /** Clears the counters and the write log (not the data). */
  resetCounts(): void {
    this.reads = 0;
    this.readKeys.clear();
    this.writes = [];
  }

  /** The binding the Worker sees. */
  get binding(): KVNamespace {
    return this as unknown as KVNamespace;
  }

  async get(key: string, options?: unknown): Promise<unknown> {
    this.reads++;
    this.readKeys.set(key, (this.readKeys.get(key) ?? 0) + 1);
    const text = this.data.get(key) ?? null;
    if (this.readLog !== null && text !== null) this.readLog.push({ key, value: text });
    const type = typeof options === "string" ? options : ((options as { type?: string } | undefined)?.type ?? "text");
    if (text === null || type === "text") return text;
    if (type === "json") return JSON.parse(text);
    if (type === "stream") return new Response(text).body;
    throw new Error(`MemoryKv: get type ${type} is not supported`);
  }

  async put(key: string, value: string | ArrayBuffer | ArrayBufferView): Promise<void> {
    if (typeof value !== "string") throw new Error("MemoryKv: only string values are supported");
    this.writes.push({ key, value });
    this.data.set(key, value);
  }

  /** What it holds now, to {@link restore} later (the values are shared, not copied). */
  snapshot(): ReadonlyMap<string, string> {
    return new Map(this.data);
  }

  /** Holds again exactly what {@link snapshot} gave (not the counters). */
  restore(snapshot: ReadonlyMap<string, string>): void {
    this.data = new Map(snapshot);
  }

  /** Drops every key (not the counters). */
  clear(): void {
    this.data.clear();
  }

  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }

  async list(options: { prefix?: string } = {}): Promise<{ keys: { name: string }[]; list_complete: true; cacheStatus: null }> {
    const prefix = options.prefix ?? "";
    const keys = [...this.data.keys()]
      .filter((k) => k.startsWith(prefix))
      .sort()
      .map((name) => ({ name }));
    return { keys, list_complete: true, cacheStatus: null };
  }
}
