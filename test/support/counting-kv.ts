/** Wraps the KV binding to count reads and writes, and to make `get` or `put` fail on demand. */
export interface CountingKv {
  kv: KVNamespace;
  reads: number;
  writes: string[];
  failGetsMatching: RegExp | null;
  failPutsMatching: RegExp | null;
}

export function countingKv(inner: KVNamespace): CountingKv {
  const counter: CountingKv = { kv: inner, reads: 0, writes: [], failGetsMatching: null, failPutsMatching: null };
  counter.kv = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "get" || prop === "getWithMetadata") {
        return (...args: unknown[]) => {
          if (counter.failGetsMatching?.test(String(args[0]))) return Promise.reject(new Error("KV get failed (injected)"));
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
