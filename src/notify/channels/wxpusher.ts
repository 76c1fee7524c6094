/**
 * `wxpusher`: WxPusher, WeChat messages to the users who follow an application (`uids`) and to the subscribers
 * of its topics (`topic_ids`). `POST {api_base}/api/send/message` with JSON
 * `{"appToken","content","summary","contentType":3,"uids","topicIds"}` (3 is markdown), plus `"url"` (what
 * tapping the message opens) when `PUBLIC_URL` is set: the complaint when the message is about one
 * complaint, else the dashboard. The summary (the card's text) is the title, at most 100 characters.
 * WxPusher answers HTTP 200 with `code` 1000 once the send task is created, another code and `msg`
 * otherwise. The appToken travels in the body, never in a message here.
 * @module
 * @see https://wxpusher.zjiecode.com/docs/api-reference.html
 */
import { formatMessage } from "../format";
import { markdownText } from "../render";
import { dashboardLink, trimText } from "../text";
import type { ChannelType } from "../types";
import { describe, jsonCheck, postJson } from "./http";
import { baseOption, OptionError, requiredString } from "./options";

interface WxpusherOptions {
  app_token: string;
  uids: string[];
  topic_ids: number[];
  api_base: string;
}

const WXPUSHER_API = "https://wxpusher.zjiecode.com";
/** WxPusher's limits: the summary, the link, and the targets of one message. */
const WXPUSHER_SUMMARY_LIMIT = 100;
const WXPUSHER_URL_LIMIT = 400;
const WXPUSHER_MAX_UIDS = 2000;
const WXPUSHER_MAX_TOPICS = 5;
/** contentType 3: markdown. */
const MARKDOWN = 3;

/** An optional array option: absent → []; present → an array whose every item `item` accepts (else an error). */
function listOption<T>(
  options: Record<string, unknown>,
  key: string,
  max: number,
  what: { many: string; one: string },
  item: (value: unknown) => T | undefined,
): T[] {
  const value = options[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new OptionError(key, `must be an array of ${what.many}`);
  if (value.length > max) throw new OptionError(key, `has ${value.length} items; WxPusher takes at most ${max}`);
  const items: T[] = [];
  for (const [i, raw] of value.entries()) {
    const parsed = item(raw);
    if (parsed === undefined) throw new OptionError(key, `item ${i} must be ${what.one}`);
    if (!items.includes(parsed)) items.push(parsed);
  }
  return items;
}

function uid(value: unknown): string | undefined {
  return typeof value === "string" && /^UID_\S+$/.test(value.trim()) ? value.trim() : undefined;
}

function topicId(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value === "string" && /^\d{1,15}$/.test(value.trim())) {
    const n = Number(value.trim());
    return n > 0 ? n : undefined;
  }
  return undefined;
}

/** What tapping the message opens: the complaint it is about, else the dashboard (WxPusher takes links up to 400 characters). */
function messageUrl(link: string | null, publicUrl: string | null): string | null {
  return link !== null && link.length < WXPUSHER_URL_LIMIT ? link : dashboardLink(publicUrl);
}

export const wxpusher: ChannelType<WxpusherOptions> = {
  type: "wxpusher",
  chat: true,
  required: ["app_token"],
  optional: ["uids", "topic_ids", "api_base"],
  parse(options) {
    const app_token = requiredString(options, "app_token", { pattern: /^AT_[A-Za-z0-9_-]+$/, form: "AT_… (the application's appToken)" });
    const uids = listOption(options, "uids", WXPUSHER_MAX_UIDS, { many: "UIDs", one: "a UID (UID_…)" }, uid);
    const topic_ids = listOption(
      options,
      "topic_ids",
      WXPUSHER_MAX_TOPICS,
      { many: "topic ids", one: "a topic id (a positive integer)" },
      topicId,
    );
    if (uids.length === 0 && topic_ids.length === 0) {
      throw new OptionError(
        options.uids === undefined && options.topic_ids !== undefined ? "topic_ids" : "uids",
        'or "topic_ids" is required: a non-empty array of the users (UID_…) or topics to send to',
      );
    }
    return { app_token, uids, topic_ids, api_base: baseOption(options, "api_base", WXPUSHER_API) };
  },
  async request(n, options, ctx) {
    const message = formatMessage(n, ctx);
    const body: Record<string, unknown> = {
      appToken: options.app_token,
      content: markdownText(message),
      summary: trimText(message.title, WXPUSHER_SUMMARY_LIMIT - 1),
      contentType: MARKDOWN,
      uids: options.uids,
      topicIds: options.topic_ids,
    };
    const url = messageUrl(message.link, ctx.publicUrl);
    if (url !== null) body.url = url;
    return postJson(`${options.api_base}/api/send/message`, JSON.stringify(body));
  },
  check(status, body) {
    return jsonCheck(
      status,
      body,
      (j) => j.code === 1000,
      (j) => describe("code", j.code, j.msg),
    );
  },
};
