/**
 * Sends an outbox's due entries, a few at a time and within the invocation's request budget, and records
 * each attempt in the outbox.
 * @module
 */

import type { Outbox, OutboxEntry } from "../domain/outbox";
import { logEvent } from "../log";
import { DELIVERIES_AT_ONCE, type Outbound } from "../outbound";
import { dueEntries, recordAttempt } from "./outbox";
import { send } from "./send";
import type { Channel } from "./settings";
import type { SendContext } from "./types";

/**
 * @param now the tick's time, which schedules retries; `ctx.now` is the real clock, for platform signatures.
 * @returns the entries attempted (none: the outbox is unchanged).
 */
export async function deliverDue(
  outbox: Outbox,
  channels: readonly Channel[],
  outbound: Outbound,
  ctx: SendContext,
  now: number,
): Promise<OutboxEntry[]> {
  const byName = new Map(channels.map((c) => [c.name, c]));
  const queue: OutboxEntry[] = dueEntries(outbox, channels, now);
  const attempted: OutboxEntry[] = [];
  const worker = async (): Promise<void> => {
    for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
      const channel = byName.get(e.channel);
      if (channel === undefined || e.notification === null || !outbound.take()) continue;
      const notification = e.notification;
      const result = await outbound.run(() => send(channel, notification, ctx));
      recordAttempt(outbox, e, result, now);
      attempted.push(e);
      logEvent("alert", {
        channel: channel.name,
        event: e.event,
        outcome: result.ok ? "sent" : e.state === "given_up" ? "given_up" : "retry",
        attempt: e.attempts,
        error: result.ok ? null : result.code,
      });
    }
  };
  await Promise.all(Array.from({ length: DELIVERIES_AT_ONCE }, worker));
  return attempted;
}
