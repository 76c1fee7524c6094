/**
 * `pushplus`: PushPlus (推送加), WeChat messages through its official account. `POST {api_base}/send` with
 * JSON `{"token","title","content","template":"markdown"}`, plus `"topic"` (a group's code: everyone in the
 * group gets it) when set. PushPlus answers HTTP 200 with `code` 200 on success (the send itself is
 * asynchronous), another code and `msg` otherwise. The token travels in the body, never in a message here.
 * @module
 * @see https://www.pushplus.plus/doc/guide/api.html
 */
import { formatMessage } from "../format";
import { trimText } from "../text";
import type { ChannelType } from "../types";
import { describe, jsonCheck, postJson } from "./http";
import { baseOption, requiredString, stringOption } from "./options";

interface PushplusOptions {
  token: string;
  topic: string | null;
  api_base: string;
}

const PUSHPLUS_API = "https://www.pushplus.plus";
/** PushPlus refuses a longer title. */
const PUSHPLUS_TITLE_LIMIT = 100;

export const pushplus: ChannelType<PushplusOptions> = {
  type: "pushplus",
  chat: true,
  required: ["token"],
  optional: ["topic", "api_base"],
  parse(options) {
    return {
      token: requiredString(options, "token", { pattern: /^[A-Za-z0-9_-]+$/, form: "a PushPlus token (letters and digits)" }),
      topic: stringOption(options, "topic", { optional: true, pattern: /^\S+$/, form: "a group code (群组编码, no spaces)" }),
      api_base: baseOption(options, "api_base", PUSHPLUS_API),
    };
  },
  async request(n, options, ctx) {
    const message = formatMessage(n, ctx);
    const body: Record<string, string> = {
      token: options.token,
      title: trimText(message.title, PUSHPLUS_TITLE_LIMIT - 1),
      content: message.markdown,
      template: "markdown",
    };
    if (options.topic !== null) body.topic = options.topic;
    return postJson(`${options.api_base}/send`, JSON.stringify(body));
  },
  check(status, body) {
    return jsonCheck(
      status,
      body,
      (j) => j.code === 200,
      (j) => describe("code", j.code, j.msg),
    );
  },
};
