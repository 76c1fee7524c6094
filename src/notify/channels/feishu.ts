/**
 * `feishu`: 飞书自定义机器人. POST `{"msg_type":"text","content":{"text"}}`; with a `secret` (签名校验) also
 * `"timestamp"` (seconds, as a string) and `"sign"` = base64 HMAC-SHA256 keyed by `timestamp + "\n" + secret`
 * over an empty message (Feishu's own, unusual, recipe). Success is `code` 0, or `StatusCode` 0 (older answer).
 *
 * Feishu text turns `<at user_id="all"></at>` into an @all, so a `<` in the text is sent as `＜`.
 * @module
 * @see https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
 */

import { toBase64 } from "../../bytes";
import { hmacSha256 } from "../../sha256";
import { formatMessage } from "../format";
import { plainText } from "../render";
import type { ChannelType } from "../types";
import { describe, jsonCheck, postJson } from "./http";
import { stringOption, urlOption } from "./options";

interface FeishuOptions {
  url: string;
  secret: string | null;
}

/** base64 HMAC-SHA256 keyed by `${timestamp}\n${secret}` over no bytes at all. */
async function feishuSign(timestamp: string, secret: string): Promise<string> {
  return toBase64(hmacSha256(`${timestamp}\n${secret}`, ""));
}

export const feishu: ChannelType<FeishuOptions> = {
  type: "feishu",
  chat: true,
  required: ["url"],
  optional: ["secret"],
  parse(options) {
    return { url: urlOption(options, "url"), secret: stringOption(options, "secret", { optional: true }) };
  },
  async request(n, options, ctx) {
    const text = plainText(formatMessage(n, ctx)).replace(/</g, "＜");
    const content = { msg_type: "text", content: { text } };
    if (options.secret === null) return postJson(options.url, JSON.stringify(content));
    const timestamp = String(Math.floor(ctx.now / 1000));
    const sign = await feishuSign(timestamp, options.secret);
    return postJson(options.url, JSON.stringify({ timestamp, sign, ...content }));
  },
  check(status, body) {
    return jsonCheck(
      status,
      body,
      (j) => j.code === 0 || (j.code === undefined && j.StatusCode === 0),
      (j) => (j.code !== undefined ? describe("code", j.code, j.msg) : describe("StatusCode", j.StatusCode, j.StatusMessage)),
    );
  },
};
