import { describe, expect, it } from "vitest";
import { PUBLIC_URL } from "../../test/support/alerts";
import { messageOf } from "../../test/support/messages";
import type { DigestNotice } from "./events/digest-daily";
import type { HeldNotice } from "./format";
import { markdownText, plainText } from "./render";
import { LIST_SHOWN } from "./text";

const held = (titles: string[]): HeldNotice => ({ kind: "held", event: "complaint.new", at: "2026-11-08T00:00:00.000Z", titles });

describe("Alert text: a test message", () => {
  it("Should write a test message with its time", () => {
    const m = messageOf({ kind: "test", event: "test", at: "2026-11-08T04:00:00.000Z" }, PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "测试消息 · PAYJS 投诉监控",
        "这是一条测试消息：这个提醒渠道配置正确。",
        "时间：2026-11-08 12:00:00",
        "查看：https://watch.example.com/",
      ].join("\n"),
    );
    expect(m.link).toBe("https://watch.example.com/");
  });

  it("Should leave out the link without PUBLIC_URL", () => {
    const m = messageOf({ kind: "test", event: "test", at: "2026-11-08T04:00:00.000Z" }, null);
    expect(plainText(m)).not.toContain("http");
    expect(m.link).toBeNull();
  });
});

describe("Alert text: messages quiet hours held", () => {
  it("Should list the held messages' titles one line each, with their count and the dashboard", () => {
    const m = messageOf(held(["新投诉 · 测试商户 · 29.90 元", "投诉已超期 · 测试商户 · 1 条"]), PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "免打扰期间 2 条消息",
        "免打扰时段内的 2 条消息：",
        "- 新投诉 · 测试商户 · 29.90 元",
        "- 投诉已超期 · 测试商户 · 1 条",
        "查看：https://watch.example.com/",
      ].join("\n"),
    );
    expect(markdownText(m)).toContain("[查看](https://watch.example.com/)");
    expect(m.link).toBe("https://watch.example.com/");
  });

  it("Should list at most LIST_SHOWN titles, each on one line and inert in markdown, and say how many more", () => {
    const titles = Array.from({ length: LIST_SHOWN + 2 }, (_, i) => `第 ${i} 条\n[x](http://evil)`);
    const m = messageOf(held(titles), null);
    expect(m.title).toBe(`免打扰期间 ${LIST_SHOWN + 2} 条消息`);
    expect(m.text.match(/^- /gm)).toHaveLength(LIST_SHOWN);
    expect(m.text).toContain("- 第 0 条 [x](http://evil)\n");
    expect(m.text).toContain("还有 2 条");
    expect(m.markdown).not.toContain("](");
    expect(m.link).toBeNull();
  });
});

describe("Alert text: events", () => {
  it("Should word an event's message as its own file does", () => {
    const digest: DigestNotice = { kind: "digest", event: "digest.daily", at: "2026-12-06T01:00:00.000Z", merchants: [] };
    const m = messageOf(digest, null);
    expect(m.title).toBe("投诉日报 · 未处理 0 条");
  });

  it("Should refuse a message of an event this version does not know", () => {
    expect(() => messageOf({ kind: "reminder", event: "complaint.reminder", at: "2026-11-08T00:00:00.000Z" }, null)).toThrow(
      'no event named "complaint.reminder"',
    );
  });
});
