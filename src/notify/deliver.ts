/**
 * Sends an outbox's due entries, a few at a time and within the invocation's request budget, and records
 * each attempt in the outbox.
 * @module
 */

import type { Notice, Outbox, OutboxEntry } from "../domain/outbox";
import { logEvent } from "../log";
import { DELIVERIES_AT_ONCE, type Outbound } from "../outbound";
import { formatMessage, type HeldNotice } from "./format";
import { dueEntries, inQuietHours, recordAttempt } from "./outbox";
import { send } from "./send";
import type { Channel } from "./settings";
import type { SendContext } from "./types";

/** One request: the message of one entry, or, for a chat channel, one message for what its quiet hours held. */
interface Job {
  channel: Channel;
  entries: OutboxEntry[];
  notification: Notice;
}

/**
 * A chat channel whose due entries include more than one that quiet hours held gets them all as one message;
 * every other entry goes on its own.
 */
function jobs(due: readonly OutboxEntry[], channels: readonly Channel[], ctx: SendContext): Job[] {
  const byName = new Map(channels.map((c) => [c.name, c]));
  const single: Job[] = [];
  const held = new Map<Channel, Job>();
  for (const e of due) {
    const channel = byName.get(e.channel);
    if (channel === undefined || e.notification === null) continue;
    const wasHeld = channel.type.chat && inQuietHours(channel, Date.parse(e.created_at));
    const job = held.get(channel);
    if (wasHeld && job !== undefined) job.entries.push(e);
    else if (wasHeld) held.set(channel, { channel, entries: [e], notification: e.notification });
    else single.push({ channel, entries: [e], notification: e.notification });
  }
  for (const job of held.values()) {
    if (job.entries.length < 2) continue;
    const titles = job.entries.map((e) => formatMessage(e.notification as Notice, ctx).title);
    const heldNotice: HeldNotice = { kind: "held", event: job.entries[0]?.event ?? "", at: job.entries.at(-1)?.created_at ?? "", titles };
    job.notification = heldNotice;
  }
  return [...single, ...held.values()];
}

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
  const queue = jobs(dueEntries(outbox, channels, now), channels, ctx);
  const attempted: OutboxEntry[] = [];
  const worker = async (): Promise<void> => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
      const { channel, entries, notification } = job;
      if (!outbound.take()) continue;
      const result = await outbound.run(() => send(channel, notification, ctx));
      for (const e of entries) {
        recordAttempt(outbox, e, result, now);
        attempted.push(e);
      }
      logEvent("alert", {
        channel: channel.name,
        event: notification.event,
        outcome: result.ok ? "sent" : entries[0]?.state === "given_up" ? "given_up" : "retry",
        attempt: entries[0]?.attempts ?? 0,
        messages: entries.length,
        error: result.ok ? null : result.code,
      });
    }
  };
  await Promise.all(Array.from({ length: DELIVERIES_AT_ONCE }, worker));
  return attempted;
}
