import { describe, expect, it } from "vitest";
import { ConfigError } from "../config-error";
import { parseChannels } from "./settings";

/** What NOTIFY_CHANNELS says about one bad item: the ConfigError's message. */
function settingError(item: Record<string, unknown>): string {
  try {
    parseChannels(JSON.stringify([item]), new Set(["100"]));
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error("NOTIFY_CHANNELS accepted a bad item");
}

describe("NOTIFY_CHANNELS", () => {
  describe("pushplus", () => {
    it("Should make an unknown or mistyped option a NOTIFY_CHANNELS error naming it, never echoing the token", () => {
      const message = settingError({ type: "pushplus", token: "SECRET0123456789abcdef", topics: "x" });
      expect(message).toMatch(/^NOTIFY_CHANNELS: \[0\]\.topics is not an option of pushplus \(it takes token, topic, api_base\)/);
      expect(message).not.toContain("SECRET0123456789abcdef");
      expect(settingError({ type: "pushplus", token: "SECRET 0123" })).toMatch(/^NOTIFY_CHANNELS: \[0\]\.token /);
    });
  });

  describe("wxpusher", () => {
    const app_token = "AT_SeCrEt0123456789abcdefXYZ";
    const uids = ["UID_aaaa1111", "UID_bbbb2222"];

    it("Should make an unknown or mistyped option a NOTIFY_CHANNELS error naming it, never echoing the appToken", () => {
      const message = settingError({ type: "wxpusher", app_token, uids, topicIds: [1] });
      expect(message).toMatch(
        /^NOTIFY_CHANNELS: \[0\]\.topicIds is not an option of wxpusher \(it takes app_token, uids, topic_ids, api_base\)/,
      );
      expect(message).not.toContain("SeCrEt0123456789");
      expect(settingError({ type: "wxpusher", app_token, uids: "UID_aaaa1111" })).toMatch(/^NOTIFY_CHANNELS: \[0\]\.uids must be an array/);
      expect(settingError({ type: "wxpusher", app_token })).toMatch(/^NOTIFY_CHANNELS: \[0\]\.uids or "topic_ids" is required/);
    });
  });
});
