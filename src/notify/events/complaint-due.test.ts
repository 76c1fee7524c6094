import { describe, expect, it } from "vitest";
import {
  beijingAt,
  DECEMBER_COMPLAINT,
  deadlineListing,
  itemsOf,
  madeComplaint,
  newsOf,
  PUBLIC_URL,
  servedComplaint,
  testChannel,
} from "../../../test/support/alerts";
import { messageOf } from "../../../test/support/messages";
import { HOUR, MINUTE } from "../../../test/support/time";
import type { DeadlineKind } from "../../domain/deadlines";
import { emptyOutbox, type Outbox } from "../../domain/outbox";
import type { ServedComplaint } from "../../domain/served";
import { recordAttempt } from "../outbox";
import { markdownText, plainText } from "../render";
import { LIST_SHOWN } from "../text";
import type { DueNotice } from "./complaint-due";
import type { DueItem } from "./deadlines";
import { queueNews } from "./index";

const T0 = Date.parse("2026-11-27T00:00:00Z");
const at = new Date(T0).toISOString();
const chat = testChannel("chat", "slack");
const hook = testChannel("hook", "webhook");
const REPLIED = { replied: { at, note: "", by: null }, handled: null, refund: null };
const HANDLED = { replied: null, handled: { at, note: "", by: null }, refund: null };

/** The tick `hours` after T0, the merchant's active complaints being `active`. */
const tick = (hours: number, ...active: ServedComplaint[]) => newsOf(new Date(T0 + hours * HOUR).toISOString(), { active });
/** Its reply deadline 10 hours after T0: at T0, 12 hours or less away. */
const a = madeComplaint("a", T0 - 14 * HOUR);
/** Its reply deadline 11 hours after T0. */
const b = madeComplaint("b", T0 - 13 * HOUR);
/** Replied; its resolve deadline 11 hours after T0. */
const resolving = madeComplaint("r", T0 - 61 * HOUR, T0 - 61 * HOUR, REPLIED);

function deliverAll(outbox: Outbox, now: number): void {
  for (const e of outbox.entries) if (e.state === "pending") recordAttempt(outbox, e, { ok: true }, now);
}

describe("complaint.due: queued", () => {
  it("Should queue one webhook message per deadline and one chat message per merchant and tick, soonest first", () => {
    const outbox = emptyOutbox();
    expect(queueNews(outbox, tick(0, resolving, a), [chat, hook])).toBe(true);
    const hooks = outbox.entries.filter((e) => e.channel === "hook");
    expect(hooks.map((e) => e.event)).toEqual(["complaint.due", "complaint.due"]);
    expect(hooks.map((e) => itemsOf(e).map((d) => [d.complaint.id, d.deadline]))).toEqual([[["a", "reply"]], [["r", "resolve"]]]);
    expect(hooks.map((e) => [e.id, e.complaint_ids])).toEqual([
      ["hook|due:a#reply#12", ["a#reply#12"]],
      ["hook|due:r#resolve#12", ["r#resolve#12"]],
    ]);
    const chats = outbox.entries.filter((e) => e.channel === "chat");
    expect(chats).toHaveLength(1);
    expect(chats[0]?.notification).toMatchObject({ kind: "due", event: "complaint.due", mchid: "100", merchantName: null, at });
    expect(chats.map((e) => [e.id, e.complaint_ids])).toEqual([[`chat|dues:${at}`, ["a#reply#12", "r#resolve#12"]]]);
    expect(itemsOf(chats[0]).map((d) => d.complaint.id)).toEqual(["a", "r"]);
    expect(itemsOf<DueItem>(chats[0])[0]).toMatchObject({ deadline: "reply", due_at: a.deadlines.reply_by, hours: 12, hours_left: 10 });
  });

  it("Should give a webhook the complaint whole and a chat channel without raw", () => {
    const outbox = emptyOutbox();
    const full = { ...a, raw: { ...a.raw, extra: "kept for webhooks" } };
    queueNews(outbox, tick(0, full), [chat, hook]);
    for (const e of outbox.entries) {
      const raw = itemsOf(e)[0]?.complaint.raw;
      expect(raw, `${e.channel} ${e.event}`).toEqual(e.channel === "hook" ? full.raw : {});
    }
    // And the webhook's complaint is served: deadlines and marks included.
    expect(itemsOf(outbox.entries.find((e) => e.channel === "hook"))[0]?.complaint).toEqual(full);
  });

  it("Should tell each threshold of a deadline once", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick(0, b), [chat, hook]);
    expect(queueNews(outbox, tick(0.5, b), [chat, hook])).toBe(false);
    deliverAll(outbox, T0 + HOUR);
    // The next threshold is news; so, later, is the same threshold of the other deadline.
    expect(queueNews(outbox, tick(9.5, b), [chat, hook])).toBe(true);
    expect(queueNews(outbox, tick(10, b), [chat, hook])).toBe(false);
    deliverAll(outbox, T0 + 10 * HOUR);
    queueNews(outbox, tick(47.5, b), [hook]);
    expect(outbox.entries.filter((e) => e.channel === "hook" && e.event === "complaint.due").map((e) => e.id)).toEqual([
      "hook|due:b#reply#12",
      "hook|due:b#reply#2",
      "hook|due:b#resolve#12",
    ]);
    expect(outbox.entries.filter((e) => e.channel === "chat").map((e) => e.complaint_ids)).toEqual([["b#reply#12"], ["b#reply#2"]]);
  });

  it("Should drop a pending message of a deadline met since, keeping the other deadlines a chat message tells of", () => {
    const outbox = emptyOutbox();
    /** Its reply deadline passed an hour before T0. */
    const c = madeComplaint("c", T0 - 25 * HOUR);
    queueNews(outbox, tick(0, a, b, c), [chat, hook]);
    expect(deadlineListing(outbox)).toEqual([
      "chat complaint.due a#reply,b#reply",
      "chat complaint.overdue c#reply",
      "hook complaint.due a#reply",
      "hook complaint.due b#reply",
      "hook complaint.overdue c#reply",
    ]);
    const met = [
      madeComplaint("a", T0 - 14 * HOUR, T0 - 14 * HOUR, REPLIED),
      b,
      madeComplaint("c", T0 - 25 * HOUR, T0 - 25 * HOUR, HANDLED),
    ];
    expect(queueNews(outbox, tick(0.5, ...met), [chat, hook])).toBe(true);
    // a's and c's reply deadlines are gone from every message; the overdue ones, about nothing else, entirely.
    expect(deadlineListing(outbox)).toEqual(["chat complaint.due b#reply", "hook complaint.due b#reply"]);
    // b's reply deadline still open: its message stays as it was queued.
    expect(outbox.entries.every((e) => e.state === "pending")).toBe(true);
    expect(outbox.entries.find((e) => e.channel === "hook")?.notification).toMatchObject({ at });
  });

  it("Should drop a pending message of a deadline no longer open: replied, handled, or its complaint gone", () => {
    const outbox = emptyOutbox();
    const c = madeComplaint("c", T0 - 14 * HOUR);
    const d = madeComplaint("d", T0 - 14 * HOUR);
    queueNews(outbox, tick(0, a, b, c, d), [hook]);
    expect(outbox.entries).toHaveLength(4);
    const replied = madeComplaint("a", T0 - 14 * HOUR, T0 - 14 * HOUR, REPLIED);
    const handled = madeComplaint("b", T0 - 13 * HOUR, T0 - 13 * HOUR, HANDLED);
    // c is gone from PAYJS's list: no longer among the active complaints.
    expect(queueNews(outbox, tick(0.5, replied, handled, d), [hook])).toBe(true);
    expect(deadlineListing(outbox)).toEqual(["hook complaint.due d#reply"]);
  });

  it("Should drop a pending message once its deadline has passed, even on a channel that takes no complaint.overdue", () => {
    const outbox = emptyOutbox();
    const dueOnly = [chat, hook].map((ch) => ({ ...ch, events: new Set(["complaint.due"]) }));
    queueNews(outbox, tick(0, a), dueOnly);
    expect(outbox.entries.map((e) => e.id)).toEqual([`chat|dues:${at}`, "hook|due:a#reply#12"]);
    // Still ahead: kept.
    expect(queueNews(outbox, tick(9.9, a), dueOnly)).toBe(true);
    expect(outbox.entries.map((e) => e.id)).toEqual([
      `chat|dues:${at}`,
      "hook|due:a#reply#12",
      `chat|dues:${new Date(T0 + 9.9 * HOUR).toISOString()}`,
      "hook|due:a#reply#2",
    ]);
    // Passed, still open, and no complaint.overdue queued in its place: nothing left to say.
    expect(queueNews(outbox, tick(10, a), dueOnly)).toBe(true);
    expect(outbox.entries).toEqual([]);
  });

  it("Should let a pending complaint.due give way to the complaint.overdue of the same deadline", () => {
    const outbox = emptyOutbox();
    /** Its reply deadline an hour after T0. */
    const soon = madeComplaint("a", T0 - 23 * HOUR);
    queueNews(outbox, tick(0, soon, resolving), [chat, hook]);
    expect(deadlineListing(outbox)).toEqual([
      "chat complaint.due a#reply,r#resolve",
      "hook complaint.due a#reply",
      "hook complaint.due r#resolve",
    ]);
    queueNews(outbox, tick(1.5, soon, resolving), [chat, hook]);
    expect(deadlineListing(outbox)).toEqual([
      "chat complaint.due r#resolve",
      "chat complaint.overdue a#reply",
      "hook complaint.due r#resolve",
      "hook complaint.overdue a#reply",
    ]);
    // What the chat message no longer says is no longer marked as told.
    expect(outbox.entries.find((e) => e.id === `chat|dues:${at}`)?.complaint_ids).toEqual(["r#resolve#12"]);
  });

  it("Should keep a delivered deadline message as it is when the deadline closes", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick(0, a), [hook]);
    recordAttempt(outbox, outbox.entries[0]!, { ok: true }, T0);
    expect(queueNews(outbox, tick(0.5, madeComplaint("a", T0 - 14 * HOUR, T0 - 14 * HOUR, REPLIED)), [hook])).toBe(false);
    expect(outbox.entries[0]).toMatchObject({ state: "delivered" });
  });

  it("Should tell again a deadline dropped unsaid from a chat message once it opens again", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick(0, a, b), [chat]);
    // a is marked replied, then the mark is taken back, while the message waits (quiet hours, or retries).
    queueNews(outbox, tick(0.5, madeComplaint("a", T0 - 14 * HOUR, T0 - 14 * HOUR, REPLIED), b), [chat]);
    expect(outbox.entries.map((e) => e.complaint_ids)).toEqual([["b#reply#12"]]);
    expect(queueNews(outbox, tick(1, a, b), [chat])).toBe(true);
    const later = new Date(T0 + HOUR).toISOString();
    expect(outbox.entries.map((e) => [e.id, e.complaint_ids])).toEqual([
      [`chat|dues:${at}`, ["b#reply#12"]],
      [`chat|dues:${later}`, ["a#reply#12"]],
    ]);
  });
});

describe("complaint.due: text", () => {
  const made = DECEMBER_COMPLAINT;
  const dueItem = (c: ServedComplaint, deadline: DeadlineKind, due_at: string, at: string): DueItem => ({
    complaint: c,
    deadline,
    due_at,
    hours: 12,
    hours_left: Math.floor((Date.parse(due_at) - Date.parse(at)) / 360_000) / 10,
  });
  const notice = (at: string, items: DueItem[], merchantName: string | null = null): DueNotice => ({
    kind: "due",
    event: "complaint.due",
    at,
    mchid: "100",
    merchantName,
    items,
  });

  it("Should list coming deadlines one line each: the time left, the deadline, the complaint and its link", () => {
    const at = beijingAt("2026-12-06T17:13:00");
    const second = servedComplaint({
      id: "C2",
      out_trade_no: "OT-2",
      total_fee: 100,
      body: "第二条\n投诉",
      complaint_at: "2026-12-04T09:00:00+08:00",
    });
    const items = [dueItem(made, "reply", "2026-12-06T22:13:00+08:00", at), dueItem(second, "resolve", "2026-12-07T09:00:00+08:00", at)];
    const m = messageOf(notice(at, items, "测试商户"), PUBLIC_URL);
    expect(m.title).toBe("2 条投诉期限将至：最近一条回复期限剩 5 小时（12月6日 22:13）");
    expect(plainText(m)).toBe(
      [
        "2 条投诉期限将至：最近一条回复期限剩 5 小时（12月6日 22:13）",
        "商户：测试商户（100）",
        "2 条投诉的期限将至（最近的在前），请尽快回复用户：",
        "- 回复剩 5 小时（12月6日 22:13）· 2026-12-05 22:13:00 · 29.90 元 · OT-1 · 商品未收到，请退款 · https://watch.example.com/#/complaints/100/C1",
        "- 处理剩 15 小时 47 分（12月7日 09:00）· 2026-12-04 09:00:00 · 1.00 元 · OT-2 · 第二条 投诉 · https://watch.example.com/#/complaints/100/C2",
        "去回复：微信支付商家助手 → 消费者投诉",
        "去处理：https://watch.example.com/",
      ].join("\n"),
    );
    expect(markdownText(m)).toContain("[去处理](https://watch.example.com/)");
    // Tapping a message of several opens the dashboard; of one, its complaint.
    expect(m.link).toBe("https://watch.example.com/");
    expect(messageOf(notice(at, items.slice(0, 1)), PUBLIC_URL).link).toBe("https://watch.example.com/#/complaints/100/C1");
  });

  it("Should list at most LIST_SHOWN deadlines and say how many more", () => {
    const at = beijingAt("2026-12-06T12:00:00");
    const items = Array.from({ length: LIST_SHOWN + 3 }, (_, i) =>
      dueItem(servedComplaint({ ...made, id: `C${i}`, out_trade_no: `OT-${i}` }), "reply", "2026-12-06T22:13:00+08:00", at),
    );
    const m = messageOf(notice(at, items), null);
    expect(m.text.split("\n").filter((line) => line.startsWith("- "))).toHaveLength(LIST_SHOWN);
    expect(m.text).toContain("还有 3 条");
    expect(m.title).toBe(`${LIST_SHOWN + 3} 条投诉期限将至：最近一条回复期限剩 10 小时 13 分（12月6日 22:13）`);
    expect(m.text).toContain("商户：100\n");
    expect(m.link).toBeNull();
  });

  it("Should say how many minutes are left under an hour", () => {
    const at = beijingAt("2026-12-06T21:30:00");
    const m = messageOf(notice(at, [dueItem(made, "reply", "2026-12-06T22:13:00+08:00", at)]), null);
    expect(m.text).toContain("- 回复剩 43 分钟（12月6日 22:13）· ");
  });

  it("Should count the time left when the message is sent, not when it was queued", () => {
    // Told at 17:13 with 5 hours left; sent at 18:43, after quiet hours or retries: an hour and a half less.
    const told = beijingAt("2026-12-06T17:13:00");
    const n = notice(told, [dueItem(made, "reply", "2026-12-06T22:13:00+08:00", told)], "测试商户");
    expect(messageOf(n, null).title).toBe("投诉回复期限剩 5 小时（12月6日 22:13）");
    const later = messageOf(n, null, Date.parse(told) + 90 * MINUTE);
    expect(later.title).toBe("投诉回复期限剩 3 小时 30 分（12月6日 22:13）");
    expect(later.text).toContain("- 回复剩 3 小时 30 分（12月6日 22:13）· ");
    expect(later.text).toContain("商户：测试商户（100）\n");
  });

  it("Should keep a hostile body inert in a deadline message's markdown", () => {
    const at = beijingAt("2026-12-06T12:00:00");
    const hostile = servedComplaint({ ...made, body: "[x](http://evil) <b>", out_trade_no: "# h" });
    const md = markdownText(messageOf(notice(at, [dueItem(hostile, "reply", "2026-12-06T22:13:00+08:00", at)]), PUBLIC_URL));
    expect(md).not.toContain("<");
    expect(md).not.toContain("[x]");
    expect(md.match(/\]\(/g)).toHaveLength(1);
  });
});
