/**
 * `wecom`: 企业微信群机器人. POST `{"msgtype":"markdown","markdown":{"content"}}` to the robot's webhook URL
 * (which carries its key); WeCom answers HTTP 200 and reports errors in the body, so success is `errcode` 0.
 * @module
 * @see https://developer.work.weixin.qq.com/document/path/91770
 */
import { formatMessage } from "../format";
import { markdownText } from "../render";
import type { ChannelType } from "../types";
import { errcodeCheck, postJson } from "./http";
import { urlOption } from "./options";

interface WecomOptions {
  url: string;
}

export const wecom: ChannelType<WecomOptions> = {
  type: "wecom",
  chat: true,
  required: ["url"],
  optional: [],
  parse(options) {
    return { url: urlOption(options, "url") };
  },
  async request(n, options, ctx) {
    const content = markdownText(formatMessage(n, ctx));
    return postJson(options.url, JSON.stringify({ msgtype: "markdown", markdown: { content } }));
  },
  check: errcodeCheck,
};
