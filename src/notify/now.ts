/**
 * Messages sent at once, outside any tick's outbox: an event nothing queues (`device.added`) goes to every channel
 * whose `events` take it, each tried once; what failed is logged by channel, never retried.
 * @module
 */
import type { Notice } from "../domain/outbox";
import { logEvent } from "../log";
import { send } from "./send";
import type { Channel, SendContext } from "./types";

export async function sendNow(channels: readonly Channel[], n: Notice, ctx: SendContext): Promise<void> {
  const wanted = channels.filter((ch) => ch.events === null || ch.events.has(n.event));
  const results = await Promise.all(wanted.map((ch) => send(ch, n, ctx)));
  results.forEach((result, i) => {
    logEvent("alert", {
      event: n.event,
      channel: wanted[i]?.name ?? "",
      outcome: result.ok ? "delivered" : "failed",
      ...(result.ok ? {} : { error: result.code }),
    });
  });
}
