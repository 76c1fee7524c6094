import { describe, expect, it } from "vitest";
import { madeComplaint, newsOf, PUBLIC_URL, pendingEntry, testChannel } from "../../../test/support/alerts";
import { messageOf } from "../../../test/support/messages";
import { HOUR, MINUTE } from "../../../test/support/time";
import { UNMARKED } from "../../domain/marks";
import type { Merchant } from "../../domain/merchant";
import { emptyOutbox, noTrail, type Outbox } from "../../domain/outbox";
import { plainText } from "../render";
import type { Channel } from "../types";
import { type DigestNotice, digestChannels, digestEntry } from "./digest-daily";
import { queueNews } from "./index";
import type { DigestEntry } from "./news";

/** 08:00 on 1 December in Beijing. */
const T0 = Date.parse("2026-12-01T00:00:00Z");
const MARK = { at: "2026-12-01T00:00:00Z", note: "", by: null };

describe("digestEntry", () => {
  it("Should count a merchant's day: new, active, unhandled, due within 24 h, overdue, oldest unhandled", () => {
    const list = [
      madeComplaint("new", T0 + 20 * HOUR),
      madeComplaint("overdue", T0 - 30 * HOUR),
      madeComplaint("handled", T0, T0, { replied: null, handled: MARK, refund: null }),
      madeComplaint("gone", T0, T0, UNMARKED, false),
    ];
    expect(digestEntry({ mchid: "100", key: "k", name: "店" }, list, T0 + 21 * HOUR)).toEqual({
      mchid: "100",
      name: "店",
      new_24h: 3,
      active: 3,
      unhandled: 2,
      due_24h: 1,
      overdue: 1,
      oldest_unhandled_at: new Date(T0 - 30 * HOUR).toISOString(),
    });
  });

  it("Should count nothing, and no oldest, for a merchant without complaints", () => {
    expect(digestEntry({ mchid: "100", key: "k", name: null }, [], T0)).toEqual({
      mchid: "100",
      name: null,
      new_24h: 0,
      active: 0,
      unhandled: 0,
      due_24h: 0,
      overdue: 0,
      oldest_unhandled_at: null,
    });
  });
});

describe("digestChannels", () => {
  const merchant: Merchant = { mchid: "100", key: "k", name: null };
  const other: Merchant = { mchid: "200", key: "k", name: null };
  const channel = (more: Partial<Channel> = {}): Channel => testChannel("hook", "webhook", more);
  const due = (channels: Channel[], mchid: string, now: number, outbox: Outbox = emptyOutbox()) => [
    ...digestChannels(channels, [merchant, other], mchid, outbox, now),
  ];

  it("Should send a channel's digest from the first merchant it covers, once its digest_at (Beijing time) has come", () => {
    const nine = channel({ digestAt: 9 * 60 }); // T0 is 08:00 Beijing
    expect(due([nine], "100", T0)).toEqual([]);
    expect(due([nine], "100", T0 + HOUR)).toEqual([["hook", "2026-12-01"]]);
    expect(due([nine], "200", T0 + HOUR)).toEqual([]);
    expect(due([channel({ digestAt: 9 * 60, merchants: new Set(["200"]) })], "200", T0 + HOUR)).toEqual([["hook", "2026-12-01"]]);
    expect(due([channel({ digestAt: 9 * 60, events: new Set(["complaint.new"]) })], "100", T0 + HOUR)).toEqual([]);
    expect(due([channel()], "100", T0 + HOUR)).toEqual([]);
  });

  it("Should not send a day's digest a channel queued already", () => {
    const nine = channel({ digestAt: 9 * 60 });
    const at = new Date(T0 + HOUR).toISOString();
    const outbox: Outbox = {
      entries: [pendingEntry(at, { id: "hook|digest:2026-12-01", event: "digest.daily" })],
      channels: {},
      trail: noTrail(),
    };
    expect(due([nine], "100", T0 + 2 * HOUR, outbox)).toEqual([]);
    expect(due([nine], "100", T0 + 25 * HOUR, outbox)).toEqual([["hook", "2026-12-02"]]);
  });

  it("Should still send a digest up to an hour late past midnight, as the day it covers", () => {
    const late = [channel({ digestAt: 23 * 60 + 30 })];
    // 23:30 in Beijing is 15.5 hours after T0.
    expect(due(late, "100", T0 + 15.5 * HOUR - MINUTE)).toEqual([]);
    expect(due(late, "100", T0 + 15.5 * HOUR)).toEqual([["hook", "2026-12-01"]]);
    expect(due(late, "100", T0 + 16 * HOUR + 10 * MINUTE)).toEqual([["hook", "2026-12-01"]]);
    expect(due(late, "100", T0 + 16.5 * HOUR - 1)).toEqual([["hook", "2026-12-01"]]);
    expect(due(late, "100", T0 + 16.5 * HOUR)).toEqual([]);
  });
});

const ENTRY: DigestEntry = {
  mchid: "100",
  name: "测试商户",
  new_24h: 2,
  active: 5,
  unhandled: 4,
  due_24h: 3,
  overdue: 1,
  oldest_unhandled_at: "2026-12-04T00:00:00.000Z",
};

describe("digest.daily: queued", () => {
  const at = new Date(T0 + HOUR).toISOString();
  const theirs: DigestEntry = { ...ENTRY, mchid: "200", name: null, unhandled: 1 };
  const news = (days: [string, string][]) => newsOf(at, { digest: { days: new Map(days), merchants: [ENTRY, theirs] } });

  it("Should queue one digest a channel whose digest goes out now, keyed by the day, of the merchants it covers", () => {
    const outbox = emptyOutbox();
    const channels = [
      testChannel("hook", "webhook"),
      testChannel("chat", "slack", { merchants: new Set(["100"]) }),
      testChannel("other", "slack"),
    ];
    expect(
      queueNews(
        outbox,
        news([
          ["hook", "2026-12-01"],
          ["chat", "2026-12-01"],
        ]),
        channels,
      ),
    ).toBe(true);
    expect(outbox.entries.map((e) => [e.id, e.event, e.complaint_ids])).toEqual([
      ["hook|digest:2026-12-01", "digest.daily", []],
      ["chat|digest:2026-12-01", "digest.daily", []],
    ]);
    expect(outbox.entries.map((e) => (e.notification as DigestNotice).merchants.map((m) => m.mchid))).toEqual([["100", "200"], ["100"]]);
    expect(outbox.entries[0]?.notification).toEqual({ kind: "digest", event: "digest.daily", at, merchants: [ENTRY, theirs] });
    expect(queueNews(outbox, news([["hook", "2026-12-01"]]), channels)).toBe(false);
  });
});

describe("digest.daily: text", () => {
  it("Should give the digest's due within 24 hours and overdue counts per merchant", () => {
    const n: DigestNotice = { kind: "digest", event: "digest.daily", at: "2026-12-06T01:00:00.000Z", merchants: [ENTRY] };
    const m = messageOf(n, null);
    expect(m.title).toBe("投诉日报 · 未处理 4 条");
    expect(m.text).toContain("- 测试商户：24 小时新增 2 · 进行中 5 · 未处理 4 · 24 小时内期限将至 3 · 已超期 1 · 最早未处理 2 天 1 小时前");
    expect(m.link).toBeNull();
  });

  it("Should list every merchant, add up the unhandled ones, and link to the dashboard", () => {
    const quiet: DigestEntry = {
      ...ENTRY,
      mchid: "200",
      name: null,
      new_24h: 0,
      active: 0,
      unhandled: 0,
      due_24h: 0,
      overdue: 0,
      oldest_unhandled_at: null,
    };
    const n: DigestNotice = { kind: "digest", event: "digest.daily", at: "2026-12-06T01:00:00.000Z", merchants: [ENTRY, quiet] };
    const m = messageOf(n, PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "投诉日报 · 未处理 4 条",
        "2026-12-06 09:00:00 投诉日报：",
        "- 测试商户：24 小时新增 2 · 进行中 5 · 未处理 4 · 24 小时内期限将至 3 · 已超期 1 · 最早未处理 2 天 1 小时前",
        "- 200：24 小时新增 0 · 进行中 0 · 未处理 0 · 24 小时内期限将至 0 · 已超期 0",
        "查看：https://watch.example.com/",
      ].join("\n"),
    );
    expect(m.link).toBe("https://watch.example.com/");
  });
});
