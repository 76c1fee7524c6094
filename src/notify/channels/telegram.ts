/**
 * `telegram`: `POST {api_base}/bot{bot_token}/sendMessage` with JSON `{"chat_id","text"}` (plain text: no
 * `parse_mode`, so nothing in a complaint is markup). Success is `ok` true. The URL holds the bot token, so no
 * message here ever shows it.
 * @module
 * @see https://core.telegram.org/bots/api#sendmessage
 */
import { formatMessage } from "../format";
import { plainText } from "../render";
import type { ChannelType } from "../types";
import { describe, jsonCheck, postJson } from "./http";
import { baseOption, OptionError, requiredString } from "./options";

interface TelegramOptions {
  bot_token: string;
  chat_id: string | number;
  api_base: string;
}

const TELEGRAM_API = "https://api.telegram.org";

export const telegram: ChannelType<TelegramOptions> = {
  type: "telegram",
  chat: true,
  required: ["bot_token", "chat_id"],
  optional: ["api_base"],
  parse(options) {
    const bot_token = requiredString(options, "bot_token", { pattern: /^\d+:[A-Za-z0-9_-]+$/, form: "123456:ABC-DEF… (from @BotFather)" });
    const raw = options.chat_id;
    let chat_id: string | number;
    if (typeof raw === "number" && Number.isSafeInteger(raw)) chat_id = raw;
    else if (raw === undefined) throw new OptionError("chat_id", "is required");
    else if (typeof raw === "string" && /^(-?\d+|@[A-Za-z0-9_]{4,})$/.test(raw.trim())) chat_id = raw.trim();
    else throw new OptionError("chat_id", "must be a chat id (an integer, e.g. -1001234567890) or @channelusername");
    return { bot_token, chat_id, api_base: baseOption(options, "api_base", TELEGRAM_API) };
  },
  async request(n, options, ctx) {
    const text = plainText(formatMessage(n, ctx));
    return postJson(`${options.api_base}/bot${options.bot_token}/sendMessage`, JSON.stringify({ chat_id: options.chat_id, text }));
  },
  check(status, body) {
    return jsonCheck(
      status,
      body,
      (j) => j.ok === true,
      (j) => describe("error_code", j.error_code, j.description),
    );
  },
};
