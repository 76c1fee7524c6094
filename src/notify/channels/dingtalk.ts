/**
 * `dingtalk`: 钉钉自定义机器人. POST `{"msgtype":"markdown","markdown":{"title","text"}}` to the robot's
 * webhook URL. With a `secret` (加签), `timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256(secret,
 * timestamp + "\n" + secret)>` is appended to the query; DingTalk refuses a timestamp more than an hour off,
 * so it comes from the real clock. Errors come as HTTP 200 with a non-zero `errcode`.
 * @module
 * @see https://open.dingtalk.com/document/orgapp/customize-robot-security-settings
 * @see https://open.dingtalk.com/document/orgapp/custom-robot-access
 */

import { toBase64 } from "../../bytes";
import { hmacSha256 } from "../../sha256";
import { formatMessage } from "../format";
import { markdownText } from "../render";
import type { ChannelType } from "../types";
import { errcodeCheck, postJson } from "./http";
import { stringOption, urlOption } from "./options";

interface DingtalkOptions {
  url: string;
  secret: string | null;
}

/** `url` with `extra` appended to its query (after `&`, or `?` when it has none), before any fragment. */
function appendQuery(url: string, extra: string): string {
  const hash = url.indexOf("#");
  const head = hash === -1 ? url : url.slice(0, hash);
  const tail = hash === -1 ? "" : url.slice(hash);
  const sep = !head.includes("?") ? "?" : head.endsWith("?") || head.endsWith("&") ? "" : "&";
  return `${head}${sep}${extra}${tail}`;
}

/** The signed URL: `timestamp` in ms, `sign` = urlencode(base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`))). */
async function dingtalkSignedUrl(url: string, secret: string, nowMs: number): Promise<string> {
  const timestamp = String(Math.floor(nowMs));
  const sign = toBase64(hmacSha256(secret, `${timestamp}\n${secret}`));
  return appendQuery(url, `timestamp=${timestamp}&sign=${encodeURIComponent(sign)}`);
}

export const dingtalk: ChannelType<DingtalkOptions> = {
  type: "dingtalk",
  chat: true,
  required: ["url"],
  optional: ["secret"],
  parse(options) {
    return { url: urlOption(options, "url"), secret: stringOption(options, "secret", { optional: true }) };
  },
  async request(n, options, ctx) {
    const message = formatMessage(n, ctx);
    const url = options.secret === null ? options.url : await dingtalkSignedUrl(options.url, options.secret, ctx.now);
    return postJson(url, JSON.stringify({ msgtype: "markdown", markdown: { title: message.title, text: markdownText(message) } }));
  },
  check: errcodeCheck,
};
