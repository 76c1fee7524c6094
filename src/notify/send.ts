/**
 * One delivery: the channel type builds the request, we send it with a time limit, the type judges the
 * answer. Failures are typed values; no message holds a URL (webhook URLs and bot tokens are secrets).
 * @module
 */
import type { Channel } from "./settings";
import type { AttemptResult } from "./outbox";
import type { Notification, SendContext } from "./types";

export const SEND_TIMEOUT_MS = 10_000;

/** Every string option of the channel, blanked out of a message: a platform may echo a token back. */
function redact(channel: Channel, result: AttemptResult): AttemptResult {
  if (result.ok) return result;
  const secrets = Object.values(channel.options as Record<string, unknown>).filter((v): v is string => typeof v === "string" && v.length >= 4);
  const message = secrets.reduce((m, secret) => m.split(secret).join("***"), result.message);
  return { ...result, message };
}

export async function send(channel: Channel, n: Notification, ctx: SendContext): Promise<AttemptResult> {
  return redact(channel, await attempt(channel, n, ctx));
}

async function attempt(channel: Channel, n: Notification, ctx: SendContext): Promise<AttemptResult> {
  let request: Request;
  try {
    request = await channel.type.request(n, channel.options, ctx);
  } catch (error) {
    return { ok: false, code: "bad_message", message: error instanceof Error ? error.message.slice(0, 200) : "could not build the message" };
  }
  try {
    const response = await fetch(request, { signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    const body = await response.text();
    return channel.type.check(response.status, body);
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      return { ok: false, code: "timeout", message: `${channel.type.type} did not answer within ${SEND_TIMEOUT_MS} ms` };
    }
    return { ok: false, code: "network", message: `Could not reach ${channel.type.type}` };
  }
}
