import { describe, expect, it } from "vitest";
import {
  build,
  ctx,
  DUE_TWO,
  LINK,
  NEW,
  OVERDUE,
  REFUNDED,
  REFUNDED_TWO,
  SUMMARY,
  sentWhenTold,
} from "../../../test/support/channel-fixtures";
import { CHANNEL_TYPES } from "./index";

describe("Channel types", () => {
  it("Should register exactly the contract's ten types, only webhook not chat", () => {
    expect(Object.keys(CHANNEL_TYPES).sort()).toEqual([
      "bark",
      "dingtalk",
      "feishu",
      "pushplus",
      "serverchan",
      "slack",
      "telegram",
      "webhook",
      "wecom",
      "wxpusher",
    ]);
    for (const [type, t] of Object.entries(CHANNEL_TYPES)) {
      expect(t.type).toBe(type);
      expect(t.chat).toBe(type !== "webhook");
    }
    expect(CHANNEL_TYPES.constructor).toBeUndefined();
    expect(Reflect.get(CHANNEL_TYPES, "__proto__")).toBeUndefined();
  });

  it("Should list each type's option keys as the contract does", () => {
    const keys = Object.fromEntries(Object.entries(CHANNEL_TYPES).map(([k, t]) => [k, { required: t.required, optional: t.optional }]));
    expect(keys).toEqual({
      webhook: { required: ["url"], optional: ["secret"] },
      wecom: { required: ["url"], optional: [] },
      dingtalk: { required: ["url"], optional: ["secret"] },
      feishu: { required: ["url"], optional: ["secret"] },
      slack: { required: ["url"], optional: [] },
      telegram: { required: ["bot_token", "chat_id"], optional: ["api_base"] },
      serverchan: { required: ["sendkey"], optional: ["api_base"] },
      bark: { required: ["device_key"], optional: ["server"] },
      pushplus: { required: ["token"], optional: ["topic", "api_base"] },
      wxpusher: { required: ["app_token"], optional: ["uids", "topic_ids", "api_base"] },
    });
  });

  it("Should answer HTTP 500 as an http_error on every channel", () => {
    for (const t of Object.values(CHANNEL_TYPES)) {
      expect(t.check(500, "")).toEqual({ ok: false, code: "http_error", message: "HTTP 500" });
      expect(t.check(502, "<html>Bad gateway</html>")).toEqual({ ok: false, code: "http_error", message: "HTTP 502" });
    }
  });
});

/** Options of every chat channel type, enough to build a request. */
const CHAT_OPTIONS: Record<string, Record<string, unknown>> = {
  wecom: { url: "https://example.com/w" },
  dingtalk: { url: "https://example.com/d" },
  feishu: { url: "https://example.com/f" },
  slack: { url: "https://example.com/s" },
  telegram: { bot_token: "1:abc", chat_id: 1 },
  serverchan: { sendkey: "SCTx" },
  bark: { device_key: "k" },
  pushplus: { token: "0123456789abcdef0123456789abcdef" },
  wxpusher: { app_token: "AT_SeCrEt0123456789abcdefXYZ", uids: ["UID_aaaa1111"] },
};

describe("Summaries on chat channels", () => {
  it("Should send one summary message with 5 lines and 还有 2 条 through every chat channel", async () => {
    for (const [type, o] of Object.entries(CHAT_OPTIONS).filter(([t]) => t !== "pushplus" && t !== "wxpusher")) {
      const { raw } = await build(type, o, SUMMARY);
      const text = type === "serverchan" ? (new URLSearchParams(raw).get("desp") ?? "") : raw;
      expect(text, type).toContain("还有 2 条");
      expect(text, type).toContain("https://watch.example.com/");
      expect(text.match(/OT-1/g), type).toHaveLength(5);
    }
  });
});

describe("Deadline messages on chat channels", () => {
  const opts = CHAT_OPTIONS;
  const textOf = (type: string, raw: string): string => {
    if (type === "serverchan") return new URLSearchParams(raw).get("desp") ?? "";
    return JSON.stringify(JSON.parse(raw));
  };

  it("Should tell every chat channel of each coming deadline, soonest first, with the time left and its link", async () => {
    for (const [type, o] of Object.entries(opts)) {
      const text = textOf(type, (await build(type, o, DUE_TWO, sentWhenTold(DUE_TWO))).raw);
      const reply = text.indexOf("回复剩 10 小时");
      const resolve = text.indexOf("处理剩 18 小时 46 分");
      expect(reply, type).toBeGreaterThan(-1);
      expect(resolve, type).toBeGreaterThan(reply);
      expect(text, type).toContain("11月9日 01:13");
      expect(text, type).toContain("https://watch.example.com/#/complaints/100/C1");
      expect(text, type).toContain("https://watch.example.com/#/complaints/100/C2");
    }
  });

  it("Should count the time left when the message is sent (the tick's time), not when it was queued nor by the real clock", async () => {
    // Told at 01:20 with 23 h 53 min left; sent an hour and a half later, the real clock yet another hour on.
    const later = { ...ctx, at: ctx.at + 90 * 60_000, now: ctx.now + 150 * 60_000 };
    for (const [type, o] of Object.entries(opts)) {
      const text = textOf(type, (await build(type, o, NEW, later)).raw);
      expect(text, type).toContain("请在 11月9日 01:13 前回复（剩 22 小时 23 分）");
      expect(text, type).not.toContain("23 小时 53 分");
    }
  });

  it("Should tell every chat channel of a passed deadline and how long ago", async () => {
    for (const [type, o] of Object.entries(opts)) {
      const text = textOf(type, (await build(type, o, OVERDUE, sentWhenTold(OVERDUE))).raw);
      expect(text, type).toContain("回复已超期 3 小时");
      expect(text, type).toContain(LINK);
    }
  });
});

describe("Refund messages on chat channels", () => {
  /** The whole message as the platform gets it: Server酱's title and desp, every other platform's JSON. */
  const textOf = (type: string, raw: string): string => {
    if (type === "serverchan") return [...new URLSearchParams(raw).values()].join("\n");
    return JSON.stringify(JSON.parse(raw));
  };

  it("Should tell every chat channel of a refund: amount, Beijing time, both order numbers, the note and its link", async () => {
    for (const [type, o] of Object.entries(CHAT_OPTIONS)) {
      const { raw } = await build(type, o, REFUNDED);
      const text = textOf(type, raw);
      for (const part of ["已退款", "29.90 元", "2026-11-08 10:00:00", "OT-1", "2026110812345", "客户同意", LINK]) {
        expect(text, `${type} ${part}`).toContain(part);
      }
    }
  });

  it("Should list two refunds of a merchant in one message on every chat channel, each with its link", async () => {
    for (const [type, o] of Object.entries(CHAT_OPTIONS)) {
      const text = textOf(type, (await build(type, o, REFUNDED_TWO)).raw);
      expect(text, type).toContain("2 笔");
      expect(text, type).toContain(LINK);
      expect(text, type).toContain("https://watch.example.com/#/complaints/100/C2");
    }
  });
});
