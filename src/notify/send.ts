/**
 * One delivery: the channel type builds the request, we send it with a time limit, the type judges the
 * answer. Failures are typed values; no message holds a URL (webhook URLs and bot tokens are secrets).
 * @module
 */

import type { Notice } from "../domain/outbox";
import { detail } from "./channels/http";
import type { AttemptResult } from "./outbox";
import type { Channel } from "./settings";
import type { SendContext } from "./types";

const SEND_TIMEOUT_MS = 10_000;

/** The secret parts of one option: the value, and for a URL its user info, query values and longer path segments. */
function secretParts(value: string): string[] {
  const parts = [value];
  try {
    const url = new URL(value);
    parts.push(url.username, url.password, ...url.searchParams.values(), ...url.pathname.split("/").filter((p) => p.length >= 8));
  } catch {
    // Not a URL: the whole value is the secret.
  }
  return parts.filter((p) => p.length >= 4);
}

/** Every string option of the channel, blanked out of a message: a platform may echo a token back. */
function redact(channel: Channel, result: AttemptResult): AttemptResult {
  if (result.ok) return result;
  const secrets = Object.values(channel.options as Record<string, unknown>)
    .filter((v): v is string => typeof v === "string")
    .flatMap(secretParts)
    .sort((a, b) => b.length - a.length);
  const message = secrets.reduce((m, secret) => m.split(secret).join("***"), result.message);
  return { ...result, message };
}

export async function send(channel: Channel, n: Notice, ctx: SendContext): Promise<AttemptResult> {
  return redact(channel, await attempt(channel, n, ctx));
}

async function attempt(channel: Channel, n: Notice, ctx: SendContext): Promise<AttemptResult> {
  let request: Request;
  try {
    request = await channel.type.request(n, channel.options, ctx);
  } catch (error) {
    return { ok: false, code: "bad_message", message: error instanceof Error ? detail(error.message) : "could not build the message" };
  }
  try {
    // Each redirect hop would be one more subrequest, unseen by the budget: a 3xx counts as a failure.
    const response = await fetch(request, { signal: AbortSignal.timeout(SEND_TIMEOUT_MS), redirect: "manual" });
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
