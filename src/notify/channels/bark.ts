/**
 * `bark`: iOS push through a Bark server. `POST {server}/push` with JSON
 * `{"device_key","title","body","group":"payjs"}`; success is `code` 200 in the body.
 * @module
 * @see https://bark.day.app/#/tutorial
 */
import { formatMessage } from "../format";
import type { ChannelType } from "../types";
import { describe, jsonCheck, postJson } from "./http";
import { baseOption, requiredString } from "./options";

interface BarkOptions {
  device_key: string;
  server: string;
}

const BARK_SERVER = "https://api.day.app";

export const bark: ChannelType<BarkOptions> = {
  type: "bark",
  chat: true,
  required: ["device_key"],
  optional: ["server"],
  parse(options) {
    return {
      device_key: requiredString(options, "device_key", { pattern: /^\S+$/, form: "a Bark device key (no spaces)" }),
      server: baseOption(options, "server", BARK_SERVER),
    };
  },
  async request(n, options, ctx) {
    const message = formatMessage(n, ctx);
    return postJson(
      `${options.server}/push`,
      JSON.stringify({ device_key: options.device_key, title: message.title, body: message.text, group: "payjs" }),
    );
  },
  check(status, body) {
    return jsonCheck(
      status,
      body,
      (j) => j.code === 200,
      (j) => describe("code", j.code, j.message),
    );
  },
};
