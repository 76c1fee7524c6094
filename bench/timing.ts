/**
 * What the bench-only Worker's routes (cpu-worker.ts, history-worker.ts) share: timing a function in batches inside
 * workerd, whose clock steps by 1 ms during synchronous work, and reading their query parameters.
 * @module
 */

/** Milliseconds per call of `fn` over a batch of at least `minMs`. */
export function timeBatch(fn: () => unknown, minMs: number): number {
  let calls = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return elapsed / calls;
}

/** Milliseconds per call of an async `fn` over a batch of at least `minMs`. */
export async function timeBatchAsync(fn: () => Promise<unknown>, minMs: number): Promise<number> {
  let calls = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    await fn();
    calls++;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  return elapsed / calls;
}

/** A positive number parameter, else `fallback`. */
export function numberParam(url: URL, name: string, fallback: number): number {
  const value = Number(url.searchParams.get(name) ?? fallback);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
