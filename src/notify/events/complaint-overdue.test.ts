import { describe, expect, it } from "vitest";
import {
  beijingAt,
  DECEMBER_COMPLAINT,
  deadlineListing,
  itemsOf,
  madeComplaint,
  newsOf,
  PUBLIC_URL,
  testChannel,
} from "../../../test/support/alerts";
import { messageOf } from "../../../test/support/messages";
import { HOUR } from "../../../test/support/time";
import { emptyOutbox } from "../../domain/outbox";
import type { ServedComplaint } from "../../domain/served";
import { recordAttempt } from "../outbox";
import type { OverdueNotice } from "./complaint-overdue";
import type { OverdueItem } from "./deadlines";
import { queueNews } from "./index";

const T0 = Date.parse("2026-11-27T00:00:00Z");
const at = new Date(T0).toISOString();
const chat = testChannel("chat", "slack");
const hook = testChannel("hook", "webhook");

/** The tick `hours` after T0, the merchant's active complaints being `active`. */
const tick = (hours: number, ...active: ServedComplaint[]) => newsOf(new Date(T0 + hours * HOUR).toISOString(), { active });
/** Its reply deadline passed an hour before T0. */
const c = madeComplaint("c", T0 - 25 * HOUR);
/** Its reply deadline passed two hours before T0. */
const d = madeComplaint("d", T0 - 26 * HOUR);

describe("complaint.overdue: queued", () => {
  it("Should queue one webhook message per passed deadline and one chat message per merchant and tick, soonest first", () => {
    const outbox = emptyOutbox();
    expect(queueNews(outbox, tick(0, c, d), [chat, hook])).toBe(true);
    expect(outbox.entries.map((e) => [e.id, e.event, e.complaint_ids])).toEqual([
      [`chat|overdues:${at}`, "complaint.overdue", ["d#reply", "c#reply"]],
      ["hook|overdue:d#reply", "complaint.overdue", ["d#reply"]],
      ["hook|overdue:c#reply", "complaint.overdue", ["c#reply"]],
    ]);
    expect(outbox.entries[0]?.notification).toMatchObject({ kind: "overdue", event: "complaint.overdue", mchid: "100", at });
    expect(itemsOf<OverdueItem>(outbox.entries[0])).toMatchObject([
      { deadline: "reply", due_at: d.deadlines.reply_by },
      { deadline: "reply", due_at: c.deadlines.reply_by },
    ]);
  });

  it("Should give a webhook the complaint whole and a chat channel without raw", () => {
    const outbox = emptyOutbox();
    const full = { ...c, raw: { ...c.raw, extra: "kept for webhooks" } };
    queueNews(outbox, tick(0, full), [chat, hook]);
    expect(outbox.entries.map((e) => itemsOf(e)[0]?.complaint.raw)).toEqual([{}, full.raw]);
    expect(itemsOf(outbox.entries[1])[0]?.complaint).toEqual(full);
  });

  it("Should tell a deadline's passing once, pending or sent", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick(0, c), [chat, hook]);
    expect(queueNews(outbox, tick(0.5, c), [chat, hook])).toBe(false);
    for (const e of outbox.entries) recordAttempt(outbox, e, { ok: true }, T0 + HOUR);
    expect(queueNews(outbox, tick(2, c), [chat, hook])).toBe(false);
    expect(outbox.entries.map((e) => e.channel)).toEqual(["chat", "hook"]);
  });

  it("Should keep a pending message while its deadline stays open, however long ago it passed", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick(0, c), [chat, hook]);
    const queued = [...outbox.entries];
    expect(queueNews(outbox, tick(24, c), [chat, hook])).toBe(false);
    expect(outbox.entries).toEqual(queued);
  });

  it("Should drop a pending message of a deadline met since, keeping the other deadlines a chat message tells of", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick(0, c, d), [chat, hook]);
    const replied = madeComplaint("c", T0 - 25 * HOUR, T0 - 25 * HOUR, {
      replied: { at, note: "", by: null },
      handled: null,
      refund: null,
    });
    expect(queueNews(outbox, tick(0.5, replied, d), [chat, hook])).toBe(true);
    expect(deadlineListing(outbox)).toEqual(["chat complaint.overdue d#reply", "hook complaint.overdue d#reply"]);
    expect(outbox.entries.map((e) => [e.id, e.complaint_ids])).toEqual([
      [`chat|overdues:${at}`, ["d#reply"]],
      ["hook|overdue:d#reply", ["d#reply"]],
    ]);
  });
});

describe("complaint.overdue: text", () => {
  const items: OverdueItem[] = [{ complaint: DECEMBER_COMPLAINT, deadline: "reply", due_at: "2026-12-06T22:13:00+08:00" }];
  const notice = (at: string, merchantName: string | null = null): OverdueNotice => ({
    kind: "overdue",
    event: "complaint.overdue",
    at,
    mchid: "100",
    merchantName,
    items,
  });

  it("Should list passed deadlines with how long ago, and say what WeChat Pay may do", () => {
    const m = messageOf(notice(beijingAt("2026-12-07T01:13:00")), null);
    expect(m.title).toBe("投诉回复已超期 3 小时（12月6日 22:13）");
    expect(m.text).toContain("商户：100\n");
    expect(m.text).toContain("已过微信支付的期限");
    expect(m.text).toContain("- 回复已超期 3 小时（12月6日 22:13）· 2026-12-05 22:13:00 · 29.90 元 · OT-1 ·");
    expect(m.text).not.toContain("http");
    expect(m.link).toBeNull();
  });

  it("Should say it all with the merchant's name and links when PUBLIC_URL is set", () => {
    const m = messageOf(notice(beijingAt("2026-12-07T01:13:00"), "测试商户"), PUBLIC_URL);
    expect(m.text.split("\n")).toEqual([
      "商户：测试商户（100）",
      "1 条投诉已过微信支付的期限，微信支付可能介入并从商户扣款退给用户：",
      "- 回复已超期 3 小时（12月6日 22:13）· 2026-12-05 22:13:00 · 29.90 元 · OT-1 · 商品未收到，请退款 · https://watch.example.com/#/complaints/100/C1",
      "去回复：微信支付商家助手 → 消费者投诉",
      "去处理：https://watch.example.com/",
    ]);
    expect(m.title).toBe("投诉回复已超期 3 小时（12月6日 22:13）");
    expect(m.link).toBe("https://watch.example.com/#/complaints/100/C1");
  });

  it("Should say the deadline has come, not that it is overdue by 0 minutes, in the minute after it", () => {
    const text = (at: string) => messageOf(notice(at), null).text;
    expect(text(beijingAt("2026-12-06T22:13:00"))).toContain("- 回复期限已到（12月6日 22:13）");
    expect(text(beijingAt("2026-12-06T22:13:59"))).toContain("- 回复期限已到（12月6日 22:13）");
    expect(text(beijingAt("2026-12-06T22:14:00"))).toContain("- 回复已超期 1 分钟（12月6日 22:13）");
  });
});
