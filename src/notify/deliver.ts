/**
 * Sends an outbox's due entries, a few at a time and within the invocation's request budget, and records
 * each attempt in the outbox.
 * @module
 */
import type { Budget } from "../poller/budget";
import { type Outbox, type OutboxEntry, dueEntries, recordAttempt } from "./outbox";
import { send } from "./send";
import type { Channel } from "./settings";
import type { SendContext } from "./types";

/** Workers allow 6 open connections; the poller may hold some. */
const CONCURRENCY = 4;

/**
 * @param now the tick's time, which schedules retries; `ctx.now` is the real clock, for platform signatures.
 * @returns how many attempts were made (0: the outbox is unchanged).
 */
export async function deliverDue(outbox: Outbox, channels: readonly Channel[], budget: Budget, ctx: SendContext, now: number): Promise<number> {
  const byName = new Map(channels.map((c) => [c.name, c]));
  const queue: OutboxEntry[] = dueEntries(outbox, channels, now);
  let attempts = 0;
  const worker = async (): Promise<void> => {
    for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
      const channel = byName.get(e.channel);
      if (channel === undefined || e.notification === null || !budget.take()) continue;
      const result = await send(channel, e.notification, ctx);
      recordAttempt(outbox, e, result, now);
      attempts++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return attempts;
}
