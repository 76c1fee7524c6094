/**
 * `serverchan`: Server酱 (Turbo). `POST {api_base}/{sendkey}.send` as a form with `title` (at most 32
 * characters, Server酱's limit) and `desp` (markdown). Success is `code` 0. The URL holds the SendKey.
 * @module
 * @see https://sct.ftqq.com/sendkey
 */
import { formatMessage } from "../format";
import { trimText } from "../text";
import type { ChannelType } from "../types";
import { describe, FORM_TYPE, jsonCheck, USER_AGENT } from "./http";
import { baseOption, requiredString } from "./options";

interface ServerchanOptions {
  sendkey: string;
  api_base: string;
}

const SERVERCHAN_API = "https://sctapi.ftqq.com";
/** Server酱 refuses a longer title. */
const SERVERCHAN_TITLE_LIMIT = 32;

export const serverchan: ChannelType<ServerchanOptions> = {
  type: "serverchan",
  chat: true,
  required: ["sendkey"],
  optional: ["api_base"],
  parse(options) {
    return {
      sendkey: requiredString(options, "sendkey", { pattern: /^[A-Za-z0-9_-]+$/, form: "a SendKey (letters and digits, e.g. SCT…)" }),
      api_base: baseOption(options, "api_base", SERVERCHAN_API),
    };
  },
  async request(n, options, ctx) {
    const message = formatMessage(n, ctx);
    const form = new URLSearchParams({ title: trimText(message.title, SERVERCHAN_TITLE_LIMIT - 1), desp: message.markdown });
    return new Request(`${options.api_base}/${options.sendkey}.send`, {
      method: "POST",
      headers: { "content-type": FORM_TYPE, "user-agent": USER_AGENT },
      body: form.toString(),
    });
  },
  check(status, body) {
    return jsonCheck(
      status,
      body,
      (j) => j.code === 0,
      (j) => describe("code", j.code, j.message ?? j.info),
    );
  },
};
