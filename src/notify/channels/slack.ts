/**
 * `slack`: incoming webhook. POST `{"text"}`; Slack answers 200 `ok`, or 4xx with a short error word
 * (`invalid_payload`, `no_service`). Slack reads `&`, `<`, `>` in `text` as markup (`<!channel>`, `<url|x>`),
 * so they are sent as `&amp;`, `&lt;`, `&gt;`, as Slack asks.
 * @module
 * @see https://api.slack.com/messaging/webhooks
 * @see https://api.slack.com/reference/surfaces/formatting#escaping
 */
import { formatMessage } from "../format";
import { plainText } from "../render";
import type { ChannelType } from "../types";
import { postJson, statusCheck } from "./http";
import { urlOption } from "./options";

interface SlackOptions {
  url: string;
}

function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export const slack: ChannelType<SlackOptions> = {
  type: "slack",
  chat: true,
  required: ["url"],
  optional: [],
  parse(options) {
    return { url: urlOption(options, "url") };
  },
  async request(n, options, ctx) {
    return postJson(options.url, JSON.stringify({ text: slackEscape(plainText(formatMessage(n, ctx))) }));
  },
  check(status, body) {
    const word = body.trim();
    return statusCheck(status, /^[a-z_]{1,64}$/.test(word) ? word : "");
  },
};
