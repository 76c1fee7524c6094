/**
 * `webhook`: the raw event as JSON for the user's own receiver, one request per event, never batched.
 * `{"event","at","complaint"}` (the complaint exactly as the API shows it; `complaint.due` adds `deadline`, `due_at`
 * and `hours_left`, `complaint.overdue` `deadline` and `due_at`; `complaint.refunded`'s carries its `refund` and the
 * handled mark the refund left),
 * `{"event","at","merchant"}` (the merchant's `/api/status` entry), `{"event":"digest.daily","at","merchants"}`
 * or `{"event":"test","at","message"}`; with a `secret`, the header
 * `X-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` so the receiver can check it came from us.
 * @module
 */

import type { Notification } from "../../domain/notification";
import { formatMessage, plainText } from "../format";
import { hmacSha256, toHex } from "../hmac";
import type { ChannelType } from "../types";
import { postJson, statusCheck } from "./http";
import { stringOption, urlOption } from "./options";

export interface WebhookOptions {
  url: string;
  secret: string | null;
}

/** The JSON a webhook receiver gets. */
export function webhookPayload(n: Notification, publicUrl: string | null): Record<string, unknown> {
  switch (n.kind) {
    case "complaint":
      return { event: n.event, at: n.at, complaint: n.complaint };
    case "status":
      return { event: n.event, at: n.at, merchant: n.merchant };
    case "due":
    case "overdue": {
      const [item, ...more] = n.items;
      if (item === undefined || more.length > 0) throw new Error("a webhook tells of one deadline a message");
      const { complaint, deadline, due_at } = item;
      return "hours_left" in item
        ? { event: n.event, at: n.at, complaint, deadline, due_at, hours_left: item.hours_left }
        : { event: n.event, at: n.at, complaint, deadline, due_at };
    }
    case "resolved":
      return { event: n.event, at: n.at, complaint: n.complaint };
    case "refunded": {
      const [item, ...more] = n.items;
      if (item === undefined || more.length > 0) throw new Error("a webhook tells of one refund a message");
      return { event: n.event, at: n.at, complaint: item.complaint };
    }
    case "digest":
      return { event: n.event, at: n.at, merchants: n.merchants };
    case "test":
      return { event: n.event, at: n.at, message: plainText(formatMessage(n, publicUrl)) };
    case "summary":
    case "resolved_list":
    case "held":
      // Only chat channels get lists; the delivery side must send each event on its own here.
      throw new Error("the webhook channel sends every event on its own, never a list");
  }
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
    const body = JSON.stringify(webhookPayload(n, ctx.publicUrl));
    const headers: Record<string, string> = {};
    if (options.secret !== null) headers["x-signature"] = `sha256=${toHex(await hmacSha256(options.secret, body))}`;
    return postJson(options.url, body, headers);
  },
  check(status) {
    return statusCheck(status);
  },
};
