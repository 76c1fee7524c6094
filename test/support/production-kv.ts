/**
 * A KV binding that keeps the rules production Workers KV enforces and local KV does not: one write per key
 * per second (a second write within the second is refused as KV's 429 is), values up to 25 MiB and keys up to
 * 512 bytes. It counts reads and writes, can fail reads or writes on demand, and remembers every refusal,
 * so a refusal that the Worker swallows still fails the test (see `setup.ts`).
 *
 * Tests run invocations back to back in milliseconds; production runs a cron tick or a request at least
 * seconds apart. So each invocation a test starts moves this KV's clock on by a second
 * ({@link ProductionKv.nextInvocation}): two writes of one key in one invocation are refused, as are two
 * from invocations that really overlap, while invocations run one after another are not.
 * @see https://developers.cloudflare.com/kv/platform/limits/
 */
export const WRITE_INTERVAL_MS = 1000;
export const MAX_VALUE_BYTES = 25 * 1024 * 1024;
export const MAX_KEY_BYTES = 512;

const encoder = new TextEncoder();

function byteLength(value: unknown): number {
  if (typeof value === "string") return encoder.encode(value).byteLength;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
  return 0;
}

export class ProductionKv {
  readonly kv: KVNamespace;
  reads = 0;
  /** Keys read (a `list`: its prefix, as `list:{prefix}`), in order, since the last {@link resetCounts}. */
  readKeys: string[] = [];
  /** Keys written (and deleted), in order, since the last {@link resetCounts}. */
  writes: string[] = [];
  /** Every write refused by a production rule; the test setup fails any test that leaves one here. */
  violations: string[] = [];
  failGetsMatching: RegExp | null = null;
  failPutsMatching: RegExp | null = null;
  /** Fails this many writes matching {@link failPutsMatching}, then lets them through (null: every one). */
  failPutsCount: number | null = null;
  private readonly lastWrite = new Map<string, number>();
  private skew = 0;

  constructor(private readonly inner: KVNamespace) {
    this.kv = new Proxy(inner, {
      get: (target, prop, receiver) => {
        if (prop === "get" || prop === "getWithMetadata" || prop === "list") {
          return (...args: unknown[]) => this.read(prop, args);
        }
        if (prop === "put" || prop === "delete") {
          return (key: string, ...rest: unknown[]) => this.write(prop, key, rest);
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  }

  /** A new invocation begins after the previous one: production would see them at least a second apart. */
  nextInvocation(): void {
    this.skew += WRITE_INTERVAL_MS;
  }

  resetCounts(): void {
    this.reads = 0;
    this.readKeys = [];
    this.writes = [];
  }

  /** Forgets counts, injected failures, refusals and write times: a fresh namespace for the next test. */
  reset(): void {
    this.resetCounts();
    this.violations = [];
    this.failGetsMatching = null;
    this.failPutsMatching = null;
    this.failPutsCount = null;
    this.lastWrite.clear();
  }

  private now(): number {
    return Date.now() + this.skew;
  }

  private read(method: "get" | "getWithMetadata" | "list", args: unknown[]): Promise<unknown> {
    if (method !== "list" && this.failGetsMatching?.test(String(args[0]))) return Promise.reject(new Error("KV GET failed (injected)"));
    this.reads++;
    this.readKeys.push(method === "list" ? `list:${(args[0] as { prefix?: string } | undefined)?.prefix ?? ""}` : String(args[0]));
    return (this.inner[method] as (...a: unknown[]) => Promise<unknown>).apply(this.inner, args);
  }

  private write(method: "put" | "delete", key: string, rest: unknown[]): Promise<unknown> {
    const refused = this.refusal(key, method === "put" ? rest[0] : "");
    if (refused !== null) {
      this.violations.push(`${key}: ${refused}`);
      return Promise.reject(new Error(`KV ${method.toUpperCase()} failed: ${refused}`));
    }
    if (this.failPutsMatching?.test(key) && this.failPutsCount !== 0) {
      if (this.failPutsCount !== null) this.failPutsCount--;
      // As KV's 429: someone else wrote the key just now, so a retry within the second is refused too.
      this.lastWrite.set(key, this.now());
      return Promise.reject(new Error("KV PUT failed (injected)"));
    }
    this.lastWrite.set(key, this.now());
    this.writes.push(key);
    return (this.inner[method] as (...a: unknown[]) => Promise<unknown>).call(this.inner, key, ...rest);
  }

  private refusal(key: string, value: unknown): string | null {
    if (encoder.encode(key).byteLength > MAX_KEY_BYTES) return `414 key longer than ${MAX_KEY_BYTES} bytes`;
    const size = byteLength(value);
    if (size > MAX_VALUE_BYTES) return `413 value of ${size} bytes exceeds ${MAX_VALUE_BYTES}`;
    const last = this.lastWrite.get(key);
    if (last !== undefined && this.now() - last < WRITE_INTERVAL_MS) return "429 Too Many Requests (one write per key per second)";
    return null;
  }
}
