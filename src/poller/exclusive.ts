/**
 * One piece of work per merchant at a time in this isolate: a tick and `POST /api/poll` arriving together
 * (or two ticks) must not both call PAYJS, nor both send the same alerts. Whoever waited is told so, and
 * re-reads what the other one wrote before it acts.
 * @module
 */
const inFlight = new Map<string, Promise<unknown>>();

export async function exclusive<T>(mchid: string, work: (waited: boolean) => Promise<T>): Promise<T> {
  let waited = false;
  for (let running = inFlight.get(mchid); running !== undefined; running = inFlight.get(mchid)) {
    waited = true;
    await running.catch(() => null);
  }
  const run = work(waited);
  inFlight.set(mchid, run);
  try {
    return await run;
  } finally {
    inFlight.delete(mchid);
  }
}
