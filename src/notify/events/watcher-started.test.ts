import { describe, expect, it } from "vitest";
import { newsOf, PUBLIC_URL, testChannel } from "../../../test/support/alerts";
import { messageOf } from "../../../test/support/messages";
import type { Merchant } from "../../domain/merchant";
import { emptyOutbox } from "../../domain/outbox";
import { dueEntries } from "../outbox";
import { plainText } from "../render";
import { queueNews } from "./index";
import type { StartedEntry } from "./news";
import { type StartedNotice, startedChannels, startedHomes } from "./watcher-started";

/** 08:00 on 1 December in Beijing. */
const AT = "2026-12-01T00:00:00.000Z";
const SHOPS: Merchant[] = [
  { mchid: "100", key: "k1", name: "一号店" },
  { mchid: "200", key: "k2", name: null },
];
const OK: StartedEntry = {
  mchid: "100",
  name: "一号店",
  ok: true,
  complaints_active: 3,
  complaints_unhandled: 2,
  next_due_at: "2026-12-01T22:13:00+08:00",
  error: null,
  next_poll_at: "2026-12-01T04:00:00.000Z",
};
const REFUSED: StartedEntry = {
  mchid: "200",
  name: null,
  ok: false,
  complaints_active: 0,
  complaints_unhandled: 0,
  next_due_at: null,
  error: { code: "upstream_error", message: "PAYJS refused: 请求过于频繁", said: "请求过于频繁" },
  next_poll_at: "2026-12-01T00:30:00.000Z",
};
const news = (channels: string[]) => newsOf(AT, { started: { fingerprint: "f1", channels: new Set(channels), merchants: [OK, REFUSED] } });

describe("watcher.started: where it goes", () => {
  it("Should go out from the first configured merchant each channel covers, only for channels that take it", () => {
    const all = testChannel("all", "webhook");
    const second = testChannel("second", "webhook", { merchants: new Set(["200"]) });
    const none = testChannel("none", "webhook", { events: new Set(["complaint.new"]) });
    expect([...startedHomes([all, second, none], SHOPS)].sort()).toEqual(["100", "200"]);
    expect([...startedChannels([all, second, none], SHOPS, "100")]).toEqual(["all"]);
    expect([...startedChannels([all, second, none], SHOPS, "200")]).toEqual(["second"]);
    expect(startedHomes([none], SHOPS).size).toBe(0);
  });

  it("Should queue one message a channel, keyed by the settings, listing the merchants the channel covers, before complaint.new", () => {
    const outbox = emptyOutbox();
    const hook = testChannel("hook", "webhook", { merchants: new Set(["100"]) });
    const chat = testChannel("chat", "wecom");
    expect(queueNews(outbox, news(["hook", "chat"]), [hook, chat])).toBe(true);
    expect(outbox.entries.map((e) => e.id)).toEqual(["hook|started:f1", "chat|started:f1"]);
    const [forHook, forChat] = outbox.entries.map((e) => e.notification as StartedNotice);
    expect(forHook?.merchants.map((m) => m.mchid)).toEqual(["100"]);
    expect(forChat?.merchants.map((m) => m.mchid)).toEqual(["100", "200"]);
    // Told once: the same settings queue nothing more.
    expect(queueNews(outbox, news(["hook", "chat"]), [hook, chat])).toBe(false);
    // Only the channels it goes out from here.
    const other = emptyOutbox();
    queueNews(other, news(["chat"]), [hook, chat]);
    expect(other.entries.map((e) => e.id)).toEqual(["chat|started:f1"]);
  });

  it("Should never wait for a channel's quiet hours", () => {
    const outbox = emptyOutbox();
    const quiet = testChannel("quiet", "wecom", { quietHours: [7 * 60, 9 * 60] });
    queueNews(outbox, news(["quiet"]), [quiet]);
    expect(dueEntries(outbox, [quiet], Date.parse(AT))).toHaveLength(1);
  });
});

describe("watcher.started: text", () => {
  const notice: StartedNotice = { kind: "started", event: "watcher.started", at: AT, merchants: [OK, REFUSED] };

  it("Should open with 监控已启动 and give each merchant a line: how its poll went, its complaints, its next poll", () => {
    const m = messageOf(notice, PUBLIC_URL);
    expect(m.title).toBe("监控已启动");
    const lines = plainText(m).split("\n");
    expect(lines[0]).toBe("监控已启动");
    expect(lines).toContain("- 一号店：查询正常 · 进行中 3 条 · 未处理 2 条 · 最近期限 12月1日 22:13 · 下次查询：12月1日 12:00");
    expect(lines).toContain("- 200：查询失败：PAYJS 拒绝了查询：请求过于频繁（upstream_error） · 下次查询：12月1日 08:30");
    expect(m.link).toBe("https://watch.example.com/");
    expect(plainText(m)).not.toMatch(/refused|[A-Za-z]{3,} [A-Za-z]{3,}/);
  });

  it("Should say a merchant not polled yet, and poll at the next tick, without a link when PUBLIC_URL is unset", () => {
    const never: StartedEntry = { ...REFUSED, error: null, next_poll_at: null };
    const m = messageOf({ ...notice, merchants: [never] }, null);
    expect(plainText(m).split("\n")).toContain("- 200：还没有查询过 · 下次查询：10 分钟内");
    expect(m.link).toBeNull();
    expect(plainText(m)).not.toContain("http");
  });

  it("Should give a webhook the event, its time and the merchants' lines as they are", async () => {
    const request = await testChannel("hook", "webhook").type.request(
      notice,
      { url: "https://hooks.test/in", secret: null },
      {
        publicUrl: PUBLIC_URL,
        now: Date.parse(AT),
        at: Date.parse(AT),
      },
    );
    expect(await request.json()).toEqual({ event: "watcher.started", at: AT, merchants: [OK, REFUSED] });
  });
});
