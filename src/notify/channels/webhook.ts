/**
 * `webhook`: the raw event as JSON for the user's own receiver, one request per event, never batched: the body each
 * event's file gives (src/notify/events/: `{"event","at","complaint"}` with the complaint exactly as the API shows it,
 * `{"event","at","merchant"}` with the merchant's `/api/status` entry, …; a complaint's event adds `link`, its view link, when
 * `PUBLIC_URL` is set), or `{"event":"test","at","message"}`. With
 * a `secret`, the header `X-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` so the receiver can check it came
 * from us.
 * @module
 */

import { toHex } from "../../bytes";
import type { Notice } from "../../domain/outbox";
import { hmacSha256 } from "../../sha256";
import { eventNamed } from "../events";
import { formatMessage } from "../format";
import { plainText } from "../render";
import { complaintLink } from "../text";
import type { ChannelType, SendContext } from "../types";
import { postJson, statusCheck } from "./http";
import { stringOption, urlOption } from "./options";

interface WebhookOptions {
  url: string;
  secret: string | null;
}

/** The JSON a webhook receiver gets: the event's body, or for a test the test message's text. */
function webhookPayload(n: Notice, ctx: SendContext): Record<string, unknown> {
  if (n.kind === "test") return { event: n.event, at: n.at, message: plainText(formatMessage(n, ctx)) };
  const event = eventNamed(n.event);
  // Only chat channels get lists and the messages quiet hours held: the delivery side sends each event on its own here.
  if (event === undefined || n.kind === "held") throw new Error("the webhook channel sends every event on its own, never a list");
  const body = event.body(n);
  // Every complaint link in an alert opens that complaint without signing in, the webhook's too.
  const complaint = body.complaint as { mchid?: unknown; id?: unknown } | undefined;
  if (typeof complaint?.mchid !== "string" || typeof complaint.id !== "string") return body;
  const link = complaintLink(ctx, { mchid: complaint.mchid, id: complaint.id });
  return link === null ? body : { ...body, link };
}

export const webhook: ChannelType<WebhookOptions> = {
  type: "webhook",
  chat: false,
  required: ["url"],
  optional: ["secret"],
  parse(options) {
    return { url: urlOption(options, "url"), secret: stringOption(options, "secret", { optional: true }) };
  },
  async request(n, options, ctx) {
    const body = JSON.stringify(webhookPayload(n, ctx));
    const headers: Record<string, string> = {};
    if (options.secret !== null) headers["x-signature"] = `sha256=${toHex(hmacSha256(options.secret, body))}`;
    return postJson(options.url, body, headers);
  },
  check(status) {
    return statusCheck(status);
  },
};
