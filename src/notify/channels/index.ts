/**
 * Every alert channel type by its `type` in `NOTIFY_CHANNELS`.
 * @module
 */
import type { ChannelType } from "../types";
import { bark } from "./bark";
import { dingtalk } from "./dingtalk";
import { feishu } from "./feishu";
import { pushplus } from "./pushplus";
import { serverchan } from "./serverchan";
import { slack } from "./slack";
import { telegram } from "./telegram";
import { webhook } from "./webhook";
import { wecom } from "./wecom";
import { wxpusher } from "./wxpusher";

export { OptionError } from "./options";

/** No prototype: `CHANNEL_TYPES["constructor"]` is undefined like any other unknown type. */
// biome-ignore lint/suspicious/noExplicitAny: each channel type has its own options type; the table holds them all.
export const CHANNEL_TYPES: Record<string, ChannelType<any>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, never>, {
    webhook,
    wecom,
    dingtalk,
    feishu,
    slack,
    telegram,
    serverchan,
    bark,
    pushplus,
    wxpusher,
  }),
);
