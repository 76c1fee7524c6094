/** Wraps the KV binding to count reads and writes, and to make `put` fail on demand. */
export interface CountingKv {
  kv: KVNamespace;
  reads: number;
  writes: string[];
  failPutsMatching: RegExp | null;
}

export function countingKv(inner: KVNamespace): CountingKv {
  const counter: CountingKv = { kv: inner, reads: 0, writes: [], failPutsMatching: null };
  counter.kv = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "get" || prop === "getWithMetadata") {
        return (...args: unknown[]) => {
          counter.reads++;
          return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      if (prop === "put") {
        return (key: string, ...rest: unknown[]) => {
          if (counter.failPutsMatching?.test(key)) return Promise.reject(new Error("KV put failed (injected)"));
          counter.writes.push(key);
          return (target.put as (...a: unknown[]) => unknown).call(target, key, ...rest);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return counter;
}
