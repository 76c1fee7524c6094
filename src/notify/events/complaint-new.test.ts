import { describe, expect, it } from "vitest";
import {
  beijingAt,
  complaintsNamed,
  DECEMBER_COMPLAINT,
  madeComplaint,
  newComplaintNotice,
  newsOf,
  PUBLIC_URL,
  servedComplaint,
  testChannel,
} from "../../../test/support/alerts";
import { messageOf } from "../../../test/support/messages";
import { HOUR, MINUTE } from "../../../test/support/time";
import { UNMARKED } from "../../domain/marks";
import { emptyOutbox } from "../../domain/outbox";
import { type ServedComplaint, served } from "../../domain/served";
import { formatMessage } from "../format";
import { markdownText, plainText } from "../render";
import type { NewComplaintNotice } from "./complaint-new";
import { queueNews } from "./index";

const at = "2026-11-27T00:00:00.000Z";
const chat = testChannel("chat", "slack");
const hook = testChannel("hook", "webhook");
const fresh = (...ids: string[]) => newsOf(at, { fresh: complaintsNamed(...ids) });

describe("complaint.new: queued", () => {
  it("Should queue one entry per complaint for a webhook and one message each for a chat channel, up to 5", () => {
    const outbox = emptyOutbox();
    const news = newsOf(at, { fresh: [{ ...servedComplaint({ id: "a" }), raw: { complaint_id: "a", extra: "kept for webhooks" } }] });
    expect(queueNews(outbox, news, [chat, hook])).toBe(true);
    expect(outbox.entries.map((e) => [e.id, e.event, e.complaint_ids, e.notification?.kind])).toEqual([
      ["chat|complaint:a", "complaint.new", ["a"], "complaint"],
      ["hook|complaint:a", "complaint.new", ["a"], "complaint"],
    ]);
    // The webhook gets the complaint exactly as the API shows it; the chat message does without raw.
    const told = outbox.entries.map((e) => (e.notification as Extract<NewComplaintNotice, { kind: "complaint" }>).complaint);
    expect(told[0]?.raw).toEqual({});
    expect(told[1]).toEqual(news.fresh[0]);
    expect(outbox.entries[0]).toMatchObject({ state: "pending", attempts: 0, created_at: at, next_attempt_at: at, done_at: null });
  });

  it("Should queue one summary for a chat channel and one entry per complaint for a webhook above 5", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, fresh("a", "b", "c", "d", "e", "f"), [chat, hook]);
    expect(outbox.entries.filter((e) => e.channel === "chat").map((e) => e.notification?.kind)).toEqual(["summary"]);
    expect(outbox.entries.filter((e) => e.channel === "hook")).toHaveLength(6);
    expect(outbox.entries.map((e) => e.id)).toEqual([
      "chat|summary:a:6",
      "hook|complaint:a",
      "hook|complaint:b",
      "hook|complaint:c",
      "hook|complaint:d",
      "hook|complaint:e",
      "hook|complaint:f",
    ]);
    expect(outbox.entries[0]?.complaint_ids).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(outbox.entries[0]?.notification).toMatchObject({ kind: "summary", mchid: "100", count: 6, totalFee: 6 * 2990 });
  });

  it("Should not queue a complaint again that a channel was already told of, summary or not", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, fresh("a", "b", "c", "d", "e", "f"), [chat, hook]);
    const before = outbox.entries.length;
    expect(queueNews(outbox, fresh("a", "b", "c", "d", "e", "f", "g"), [chat, hook])).toBe(true);
    expect(outbox.entries.length - before).toBe(2);
    expect(
      outbox.entries
        .filter((e) => e.complaint_ids.includes("g"))
        .map((e) => e.channel)
        .sort(),
    ).toEqual(["chat", "hook"]);
    expect(queueNews(outbox, fresh("a", "g"), [chat, hook])).toBe(false);
  });
});

/** More than 5 new complaints of one poll, newest first as the poller hands them over: C0 is the newest. */
function summary(count: number): NewComplaintNotice {
  const complaints = Array.from({ length: count }, (_, i) =>
    servedComplaint({
      id: `C${i}`,
      out_trade_no: `OT-${i}`,
      complaint_at: `2026-11-08T${String(20 - i).padStart(2, "0")}:00:00+08:00`,
      total_fee: 100 * (i + 1),
      body: `第${i}条\n投诉`,
    }),
  );
  return {
    kind: "summary",
    event: "complaint.new",
    at: "2026-11-08T12:00:00.000Z",
    mchid: "100",
    merchantName: "测试商户",
    count,
    totalFee: complaints.reduce((sum, c) => sum + (c.total_fee ?? 0), 0),
    newest: complaints.slice(0, 5),
  };
}

describe("complaint.new: one complaint's text", () => {
  const complaint = servedComplaint();

  it("Should say merchant, amount in yuan, Beijing time, both order numbers, the body and the link", () => {
    const m = messageOf(newComplaintNotice(complaint), PUBLIC_URL);
    // The first line says what to do and by when; the merchant and the amount follow in the body.
    expect(m.title).toBe("新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）");
    expect(plainText(m)).toBe(
      [
        "新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）",
        "商户：测试商户（100）",
        "金额：29.90 元",
        "时间：2026-11-08 01:13:29",
        "期限：请在 11月9日 01:13 前回复（剩 23 小时 53 分）",
        "商户订单号：OT-1",
        "PAYJS订单号：2026110812345",
        "内容：商品未收到，请退款",
        "去回复：微信支付商家助手 → 消费者投诉",
        "查看：https://watch.example.com/#/complaints/100/C1",
      ].join("\n"),
    );
    expect(m.link).toBe("https://watch.example.com/#/complaints/100/C1");
  });

  it("Should render the same fields as markdown, the body in a quote and the link as a markdown link", () => {
    const md = markdownText(messageOf(newComplaintNotice(complaint), PUBLIC_URL));
    expect(md).toBe(
      [
        "### 新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）",
        "",
        "**商户**：测试商户（100）  ",
        "**金额**：29.90 元  ",
        "**时间**：2026-11-08 01:13:29  ",
        "**期限**：请在 11月9日 01:13 前回复（剩 23 小时 53 分）  ",
        "**商户订单号**：OT-1  ",
        "**PAYJS订单号**：2026110812345  ",
        "**内容**：",
        "",
        "> 商品未收到，请退款",
        "",
        "去回复：微信支付商家助手 → 消费者投诉",
        "",
        "[查看](https://watch.example.com/#/complaints/100/C1)",
      ].join("\n"),
    );
  });

  it("Should name the merchant by mchid when it has no name", () => {
    const m = messageOf(newComplaintNotice(complaint, null), null);
    expect(m.title).toBe("新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）");
    expect(m.text).toContain("商户：100\n");
    // Without a deadline to name, the first line says who and how much: by mchid when there is no name.
    const none = served(complaint, UNMARKED, { replyWithinHours: null, resolveWithinHours: null, remindBeforeHours: [] });
    expect(messageOf(newComplaintNotice(none, null), null).title).toBe("新投诉 · 100 · 29.90 元");
  });

  it("Should show a complaint time that is no time as it is", () => {
    const m = messageOf(newComplaintNotice(servedComplaint({ complaint_at: "昨天下午" })), null);
    expect(m.text).toContain("时间：昨天下午\n");
  });

  it("Should say 未知 when upstream sent no amount", () => {
    expect(messageOf(newComplaintNotice(servedComplaint({ total_fee: null })), null).text).toContain("金额：未知\n");
  });

  it("Should add the link only when PUBLIC_URL is set, without a doubled slash", () => {
    const without = messageOf(newComplaintNotice(complaint), null);
    expect(plainText(without)).not.toContain("查看");
    expect(plainText(without)).not.toContain("http");
    expect(markdownText(without)).not.toContain("](");
    expect(without.link).toBeNull();
    expect(plainText(messageOf(newComplaintNotice(complaint), "https://watch.example.com"))).toContain(
      "查看：https://watch.example.com/#/complaints/100/C1",
    );
    expect(plainText(messageOf(newComplaintNotice(complaint), "https://watch.example.com//"))).toContain(
      "https://watch.example.com/#/complaints/100/C1",
    );
  });

  it("Should trim a 300-character body to 200 code points and add …", () => {
    const m = messageOf(newComplaintNotice(servedComplaint({ body: "投".repeat(300) })), null);
    expect(m.text).toContain(`\n内容：${"投".repeat(200)}…\n`);
    expect(m.text).not.toContain("投".repeat(201));
  });

  it("Should tell how long is left to reply, as the issue words it", () => {
    const m = messageOf(newComplaintNotice(DECEMBER_COMPLAINT, "测试商户", beijingAt("2026-12-06T02:13:00")), null);
    expect(m.text.split("\n")).toContain("期限：请在 12月6日 22:13 前回复（剩 20 小时）");
  });

  it("Should count the time left when the message is sent, not when it was queued", () => {
    // Told at 10:00; quiet hours or retries send it at 11:30: an hour and a half less is left.
    const told = beijingAt("2026-12-06T10:00:00");
    const n = newComplaintNotice(DECEMBER_COMPLAINT, "测试商户", told);
    const atOnce = messageOf(n, null);
    expect(atOnce.title).toBe("新投诉：请在 12月6日 22:13 前回复（剩 12 小时 13 分）");
    expect(atOnce.text.split("\n")).toContain("期限：请在 12月6日 22:13 前回复（剩 12 小时 13 分）");
    const later = messageOf(n, null, Date.parse(told) + 90 * MINUTE);
    expect(later.title).toBe("新投诉：请在 12月6日 22:13 前回复（剩 10 小时 43 分）");
    expect(later.text.split("\n")).toContain("期限：请在 12月6日 22:13 前回复（剩 10 小时 43 分）");
    // Counted from the tick's time (`at`), never from the real clock that signs the request (`now`).
    const signedLater = formatMessage(n, { publicUrl: null, now: Date.parse(told) + 5 * HOUR, at: Date.parse(told) + 90 * MINUTE });
    expect(signedLater.title).toBe(later.title);
    // Sent after the reply deadline: it says so, and names the resolve deadline still ahead.
    const late = messageOf(n, null, Date.parse(beijingAt("2026-12-07T01:00:00")));
    expect(late.title).toBe("新投诉：已超过回复期限 2 小时");
    expect(late.text.split("\n")).toContain("期限：已超过回复期限 2 小时；请在 12月8日 22:13 前处理完毕（剩 45 小时 13 分）");
  });

  it("Should leave the deadline out when the settings set none, and for a message queued before deadlines existed", () => {
    const none = served(DECEMBER_COMPLAINT, UNMARKED, { replyWithinHours: null, resolveWithinHours: null, remindBeforeHours: [] });
    expect(messageOf(newComplaintNotice(none), null).text).not.toContain("期限");
    const { deadlines: _, next_due: __, ...older } = DECEMBER_COMPLAINT;
    const m = messageOf(newComplaintNotice(older as ServedComplaint, null, beijingAt("2026-12-06T02:13:00")), null);
    expect(m.text).not.toContain("期限");
    expect(m.text).toContain("时间：2026-12-05 22:13:00\n商户订单号：OT-1");
  });
});

describe("complaint.new: a summary's text", () => {
  it("Should give the count, the total, the 5 newest one line each, 还有 1 条 and the dashboard for 6", () => {
    const m = messageOf(summary(6), PUBLIC_URL);
    expect(m.title).toBe("6 条新投诉 · 测试商户");
    expect(plainText(m)).toBe(
      [
        "6 条新投诉 · 测试商户",
        "商户：测试商户（100）",
        "新投诉：6 条",
        "总金额：21.00 元",
        "最新 5 条：",
        "- 2026-11-08 20:00:00 · 1.00 元 · OT-0 · 第0条 投诉",
        "- 2026-11-08 19:00:00 · 2.00 元 · OT-1 · 第1条 投诉",
        "- 2026-11-08 18:00:00 · 3.00 元 · OT-2 · 第2条 投诉",
        "- 2026-11-08 17:00:00 · 4.00 元 · OT-3 · 第3条 投诉",
        "- 2026-11-08 16:00:00 · 5.00 元 · OT-4 · 第4条 投诉",
        "还有 1 条",
        "去回复：微信支付商家助手 → 消费者投诉",
        "查看全部：https://watch.example.com/",
      ].join("\n"),
    );
    expect(m.link).toBe("https://watch.example.com/");
  });

  it("Should name the soonest deadline of them all on the first line, counted when it is sent", () => {
    const T = Date.parse(at);
    // Made 1 to 6 hours before the tick: the oldest's reply deadline is the soonest, 18 hours away.
    const made = Array.from({ length: 6 }, (_, i) => madeComplaint(`m${i}`, T - (i + 1) * HOUR, T));
    const outbox = emptyOutbox();
    queueNews(outbox, newsOf(at, { merchantName: "测试商户", fresh: made }), [chat]);
    const n = outbox.entries[0]?.notification as NewComplaintNotice;
    expect(n).toMatchObject({ kind: "summary", soonest: { kind: "reply", due_at: made[5]?.deadlines?.reply_by } });
    const m = messageOf(n, PUBLIC_URL);
    expect(m.title).toBe("6 条新投诉：最早一条请在 11月28日 02:00 前回复（剩 18 小时）");
    // Who it is about stays in the body.
    expect(m.text.split("\n").slice(0, 2)).toEqual(["商户：测试商户（100）", "新投诉：6 条"]);
    expect(messageOf(n, PUBLIC_URL, T + 90 * MINUTE).title).toBe("6 条新投诉：最早一条请在 11月28日 02:00 前回复（剩 16 小时 30 分）");
  });

  it("Should fall back to the count and the merchant on the first line of a summary queued without its soonest deadline", () => {
    // Queued by a version that kept no soonest deadline (the fixture has none), or with none open.
    const older = summary(6);
    expect(older).not.toHaveProperty("soonest");
    expect(messageOf(older, PUBLIC_URL).title).toBe("6 条新投诉 · 测试商户");
    expect(messageOf({ ...older, soonest: null } as NewComplaintNotice, PUBLIC_URL).title).toBe("6 条新投诉 · 测试商户");
  });

  it("Should list 5 and say 还有 7 条 for 12, with the total of all 12", () => {
    const m = messageOf(summary(12), PUBLIC_URL);
    const items = m.text.split("\n").filter((line) => line.startsWith("- "));
    expect(items).toHaveLength(5);
    expect(items[0]).toContain("OT-0");
    expect(items[4]).toContain("OT-4");
    expect(m.text).not.toContain("OT-5");
    expect(m.text).toContain("还有 7 条");
    expect(m.text).toContain("总金额：78.00 元"); // 1+2+…+12 yuan
    const md = markdownText(m);
    expect(md.match(/^- /gm)).toHaveLength(5);
    expect(md).toContain("还有 7 条");
    expect(md).toContain("[查看全部](https://watch.example.com/)");
  });

  it("Should leave out the link without PUBLIC_URL and cut long bodies on a summary line", () => {
    const s = summary(6);
    if (s.kind !== "summary") throw new Error("fixture");
    s.newest[0] = servedComplaint({ body: "长".repeat(100) });
    const m = messageOf(s, null);
    expect(m.text).not.toContain("查看");
    expect(m.text).toContain(`${"长".repeat(40)}…`);
    expect(m.text).not.toContain("长".repeat(41));
    expect(m.link).toBeNull();
  });
});
