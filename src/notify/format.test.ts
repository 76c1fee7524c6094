import { describe, expect, it } from "vitest";
import type { Complaint } from "../domain/complaint";
import { DEFAULT_RULES, type DeadlineRules } from "../domain/deadlines";
import { type ComplaintMarks, UNMARKED } from "../domain/marks";
import type { DigestEntry, DueItem, MerchantStatusEntry, Notification, OverdueItem, RefundedItem } from "../domain/notification";
import { type ServedComplaint, served } from "../domain/served";
import {
  beijingTime,
  complaintLink,
  deadlineNote,
  formatMessage,
  LIST_SHOWN,
  markdownText,
  mdEscape,
  plainText,
  shortTime,
  spanText,
  trimBody,
  trimText,
} from "./format";

const stored: Complaint = {
  id: "C1",
  mchid: "100",
  complaint_at: "2026-11-08T01:13:29+08:00",
  out_trade_no: "OT-1",
  order_id: "2026110812345",
  total_fee: 2990,
  body: "商品未收到，请退款",
  first_seen_at: "2026-11-07T17:20:00.000Z",
  last_seen_at: "2026-11-07T17:20:00.000Z",
  active: true,
  raw: {},
};
const serve = (c: Complaint, marks: ComplaintMarks = UNMARKED, rules: DeadlineRules = DEFAULT_RULES): ServedComplaint =>
  served(c, marks, rules);
const complaint = serve(stored);

const merchant: MerchantStatusEntry = {
  mchid: "100",
  name: "测试商户",
  last_attempt_at: "2026-11-08T04:00:00.000Z",
  last_success_at: "2026-11-07T01:00:00.000Z",
  next_poll_at: "2026-11-08T04:30:00.000Z",
  consecutive_failures: 3,
  last_error: { code: "upstream_error", message: "签名错误", at: "2026-11-08T04:00:00.000Z" },
  complaints_total: 4,
  complaints_active: 2,
  signature: { result: "verified", scheme: "php-sdk", checked_at: "2026-11-07T17:00:00.000Z" },
};

const PUBLIC_URL = "https://watch.example.com/";

/** Told at 2026-11-08 01:20 in Beijing, 6½ minutes after the complaint: its reply deadline is 23 h 53 min away. */
function newComplaint(c: Complaint, merchantName: string | null = "测试商户", at = "2026-11-07T17:20:00.000Z"): Notification {
  const complaint = "deadlines" in c ? (c as ServedComplaint) : serve(c);
  return { kind: "complaint", event: "complaint.new", at, merchantName, complaint };
}

function summary(count: number): Notification {
  // Newest first, as the delivery side hands them over: C0 is the newest.
  const complaints = Array.from({ length: count }, (_, i) => ({
    ...complaint,
    id: `C${i}`,
    out_trade_no: `OT-${i}`,
    complaint_at: `2026-11-08T${String(20 - i).padStart(2, "0")}:00:00+08:00`,
    total_fee: 100 * (i + 1),
    body: `第${i}条\n投诉`,
  }));
  return {
    kind: "summary",
    event: "complaint.new",
    at: "2026-11-08T12:00:00.000Z",
    mchid: "100",
    merchantName: "测试商户",
    count,
    totalFee: complaints.reduce((sum, c) => sum + c.total_fee, 0),
    newest: complaints.slice(0, 5),
  };
}

describe("Alert text: one complaint", () => {
  it("Should say merchant, amount in yuan, Beijing time, both order numbers, the body and the link", () => {
    const m = formatMessage(newComplaint(complaint), PUBLIC_URL);
    expect(m.title).toBe("新投诉 · 测试商户 · 29.90 元");
    expect(plainText(m)).toBe(
      [
        "新投诉 · 测试商户 · 29.90 元",
        "商户：测试商户（100）",
        "金额：29.90 元",
        "时间：2026-11-08 01:13:29",
        "期限：请在 11月9日 01:13 前回复，还剩 23 小时",
        "商户订单号：OT-1",
        "PAYJS订单号：2026110812345",
        "内容：商品未收到，请退款",
        "查看：https://watch.example.com/#/complaints/100/C1",
      ].join("\n"),
    );
  });

  it("Should render the same fields as markdown, the body in a quote and the link as a markdown link", () => {
    const md = markdownText(formatMessage(newComplaint(complaint), PUBLIC_URL));
    expect(md).toBe(
      [
        "### 新投诉 · 测试商户 · 29.90 元",
        "",
        "**商户**：测试商户（100）  ",
        "**金额**：29.90 元  ",
        "**时间**：2026-11-08 01:13:29  ",
        "**期限**：请在 11月9日 01:13 前回复，还剩 23 小时  ",
        "**商户订单号**：OT-1  ",
        "**PAYJS订单号**：2026110812345  ",
        "**内容**：",
        "",
        "> 商品未收到，请退款",
        "",
        "[查看](https://watch.example.com/#/complaints/100/C1)",
      ].join("\n"),
    );
  });

  it("Should name the merchant by mchid when it has no name", () => {
    const m = formatMessage(newComplaint(complaint, null), null);
    expect(m.title).toBe("新投诉 · 100 · 29.90 元");
    expect(m.text).toContain("商户：100\n");
  });

  it("Should show Beijing time for a UTC instant and keep text that is no time unchanged", () => {
    expect(beijingTime("2026-11-07T17:13:29.000Z")).toBe("2026-11-08 01:13:29");
    expect(beijingTime("2026-11-08T01:13:29+08:00")).toBe("2026-11-08 01:13:29");
    expect(beijingTime("昨天下午")).toBe("昨天下午");
    const m = formatMessage(newComplaint({ ...complaint, complaint_at: "昨天下午" }), null);
    expect(m.text).toContain("时间：昨天下午\n");
  });

  it("Should say 未知 when upstream sent no amount", () => {
    expect(formatMessage(newComplaint({ ...complaint, total_fee: null }), null).text).toContain("金额：未知\n");
  });

  it("Should add the link only when PUBLIC_URL is set, without a doubled slash", () => {
    const without = formatMessage(newComplaint(complaint), null);
    expect(plainText(without)).not.toContain("查看");
    expect(plainText(without)).not.toContain("http");
    expect(markdownText(without)).not.toContain("](");
    expect(plainText(formatMessage(newComplaint(complaint), "https://watch.example.com"))).toContain(
      "查看：https://watch.example.com/#/complaints/100/C1",
    );
    expect(plainText(formatMessage(newComplaint(complaint), "https://watch.example.com//"))).toContain(
      "https://watch.example.com/#/complaints/100/C1",
    );
  });

  it("Should URL-encode the link's path segments, parentheses included", () => {
    expect(complaintLink("https://w.example.com/", { mchid: "1 0", id: "a/b(c)#?" })).toBe(
      "https://w.example.com/#/complaints/1%200/a%2Fb%28c%29%23%3F",
    );
    expect(complaintLink(null, complaint)).toBeNull();
  });

  it("Should trim a 300-character body to 200 code points and add …", () => {
    const long = "投".repeat(300);
    const m = formatMessage(newComplaint({ ...complaint, body: long }), null);
    expect(m.text.endsWith(`\n内容：${"投".repeat(200)}…`)).toBe(true);
    expect(m.text).not.toContain("投".repeat(201));
    // Code points, not UTF-16 units: an emoji is one character and is never cut in half.
    const emoji = trimBody("😀".repeat(300));
    expect(Array.from(emoji)).toHaveLength(201);
    expect(emoji.endsWith("😀…")).toBe(true);
    expect(trimBody("  短  ")).toBe("短");
    expect(trimText("x".repeat(200), 200)).toBe("x".repeat(200));
  });

  it("Should keep HTML and a markdown link in a body inert in markdown", () => {
    const body = "<img src=x onerror=alert(1)>\n[x](http://evil)\n# 大标题\n> 假引用\n![](http://evil/p.png)";
    const hostile: Complaint = { ...complaint, body, out_trade_no: "[点我](http://evil)", order_id: "<font color=red>1</font>" };
    const md = markdownText(formatMessage(newComplaint(hostile, "## <b>商户</b>"), PUBLIC_URL));
    expect(md).not.toMatch(/</);
    expect(md).not.toContain("[x]");
    expect(md).not.toContain("(http://evil");
    // The only link is ours, and the only heading is the title.
    expect(md.match(/\]\(/g)).toHaveLength(1);
    expect(md.split("\n").filter((line) => /^\s*#/.test(line))).toEqual(["### 新投诉 · ## ＜b＞商户＜/b＞ · 29.90 元"]);
    // The body lines stay inside the quote, readable.
    expect(md).toContain(
      "> ＜img src=x onerror=alert（1）＞  \n> ［x］（http://evil）  \n> ＃ 大标题  \n> ＞ 假引用  \n> !［］（http://evil/p.png）",
    );
    expect(md).toContain("**商户订单号**：［点我］（http://evil）");
    // Plain text shows the body as it is.
    expect(formatMessage(newComplaint(hostile), null).text).toContain("内容：<img src=x onerror=alert(1)>\n[x](http://evil)");
  });

  it("Should neutralise only the markup characters", () => {
    expect(mdEscape("a[b](c)<d>\n  # e\nf # g\r\nh")).toBe("a［b］（c）＜d＞\n  ＃ e\nf # g\nh");
  });

  it("Should keep a field on one line so it cannot start a heading", () => {
    const md = markdownText(formatMessage(newComplaint({ ...complaint, out_trade_no: "OT\n# x" }), null));
    expect(md).toContain("**商户订单号**：OT # x  \n");
    expect(md.split("\n").filter((line) => /^\s*#/.test(line))).toHaveLength(1);
  });
});

describe("Alert text: summary", () => {
  it("Should give the count, the total, the 5 newest one line each, 还有 1 条 and the dashboard for 6", () => {
    const m = formatMessage(summary(6), PUBLIC_URL);
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
        "查看全部：https://watch.example.com/",
      ].join("\n"),
    );
  });

  it("Should list 5 and say 还有 7 条 for 12, with the total of all 12", () => {
    const m = formatMessage(summary(12), PUBLIC_URL);
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
    s.newest[0] = { ...complaint, body: "长".repeat(100) };
    const m = formatMessage(s, null);
    expect(m.text).not.toContain("查看");
    expect(m.text).toContain(`${"长".repeat(40)}…`);
    expect(m.text).not.toContain("长".repeat(41));
  });
});

describe("Alert text: watcher status and test", () => {
  it("Should say failures in a row, the last error and the last success for watcher.failing", () => {
    const m = formatMessage({ kind: "status", event: "watcher.failing", at: "2026-11-08T04:00:00.000Z", merchant }, PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "投诉监控异常 · 测试商户",
        "商户：测试商户（100）",
        "投诉拉取连续失败，新投诉可能无法及时通知。",
        "连续失败：3 次",
        "最近错误：upstream_error：签名错误",
        "出错时间：2026-11-08 12:00:00",
        "上次成功：2026-11-07 09:00:00",
        "查看：https://watch.example.com/",
      ].join("\n"),
    );
  });

  it("Should say 从未成功 for a merchant that never succeeded, and escape the error in markdown", () => {
    const m = formatMessage(
      {
        kind: "status",
        event: "watcher.failing",
        at: "2026-11-08T04:00:00.000Z",
        merchant: {
          ...merchant,
          last_success_at: null,
          last_error: { code: "http_error", message: "<html>[x](y)", at: "2026-11-08T04:00:00.000Z" },
        },
      },
      null,
    );
    expect(m.text).toContain("上次成功：从未成功");
    expect(m.markdown).toContain("**最近错误**：http_error：＜html＞［x］（y）");
  });

  it("Should say the merchant recovered for watcher.recovered", () => {
    const m = formatMessage(
      {
        kind: "status",
        event: "watcher.recovered",
        at: "2026-11-08T08:00:00.000Z",
        merchant: { ...merchant, consecutive_failures: 0, last_error: null, last_success_at: "2026-11-08T08:00:00.000Z" },
      },
      null,
    );
    expect(plainText(m)).toBe(
      ["投诉监控已恢复 · 测试商户", "商户：测试商户（100）", "投诉拉取已恢复正常。", "恢复时间：2026-11-08 16:00:00"].join("\n"),
    );
  });

  it("Should write a test message with its time", () => {
    const m = formatMessage({ kind: "test", event: "test", at: "2026-11-08T04:00:00.000Z" }, PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "测试消息 · PAYJS 投诉监控",
        "这是一条测试消息：告警通道配置正确。",
        "时间：2026-11-08 12:00:00",
        "查看：https://watch.example.com/",
      ].join("\n"),
    );
  });
});

describe("Alert text: deadlines", () => {
  /** Made 2026-12-05 22:13 in Beijing: reply by 12月6日 22:13, resolve by 12月8日 22:13. */
  const made = serve({ ...stored, complaint_at: "2026-12-05T22:13:00+08:00" });
  /** A Beijing wall-clock time as an instant. */
  const bj = (text: string) => new Date(Date.parse(`${text}+08:00`)).toISOString();

  it("Should write a deadline as month, day and minute in Beijing time", () => {
    expect(shortTime("2026-12-06T22:13:00+08:00")).toBe("12月6日 22:13");
    // 16:05 UTC on 31 December is 00:05 on 1 January in Beijing.
    expect(shortTime("2026-12-31T16:05:59.000Z")).toBe("1月1日 00:05");
  });

  it("Should say how long in minutes under an hour, hours under two days, then days and hours", () => {
    expect(spanText(45 * 60_000 + 59_999)).toBe("45 分钟");
    expect(spanText(60 * 60_000 - 1)).toBe("59 分钟");
    expect(spanText(60 * 60_000)).toBe("1 小时");
    expect(spanText(20 * 3_600_000 + 59 * 60_000)).toBe("20 小时");
    expect(spanText(50 * 3_600_000)).toBe("2 天 2 小时");
    expect(spanText(72 * 3_600_000)).toBe("3 天");
    expect(spanText(-5)).toBe("0 分钟");
  });

  it("Should tell a new complaint's message how long is left to reply, as the issue words it", () => {
    expect(deadlineNote(made, bj("2026-12-06T02:13:00"))).toBe("请在 12月6日 22:13 前回复，还剩 20 小时");
    const m = formatMessage(newComplaint(made, "测试商户", bj("2026-12-06T02:13:00")), null);
    expect(m.text.split("\n")).toContain("期限：请在 12月6日 22:13 前回复，还剩 20 小时");
    // Under an hour, in minutes.
    expect(deadlineNote(made, bj("2026-12-06T21:30:00"))).toBe("请在 12月6日 22:13 前回复，还剩 43 分钟");
  });

  it("Should say the reply deadline passed and how long is left to finish", () => {
    expect(deadlineNote(made, bj("2026-12-07T01:00:00"))).toBe("回复期限（12月6日 22:13）已过；请在 12月8日 22:13 前完成，还剩 45 小时");
    // The moment it comes, it has passed.
    expect(deadlineNote(made, bj("2026-12-06T22:13:00"))).toMatch(/^回复期限（12月6日 22:13）已过；/);
  });

  it("Should say both deadlines passed when it is first seen after both", () => {
    expect(deadlineNote(made, bj("2026-12-10T00:00:00"))).toBe("回复期限（12月6日 22:13）已过；完成期限（12月8日 22:13）已过");
  });

  it("Should count only the deadlines still open: the resolve one once replied, none once handled or gone", () => {
    const mark = { at: "2026-12-06T00:00:00.000Z", note: "" };
    const replied = serve(made, { replied: mark, handled: null, refund: null });
    expect(deadlineNote(replied, bj("2026-12-07T01:00:00"))).toBe("请在 12月8日 22:13 前完成，还剩 45 小时");
    expect(deadlineNote(serve(made, { replied: null, handled: mark, refund: null }), bj("2026-12-06T02:13:00"))).toBeNull();
    expect(deadlineNote(serve({ ...made, active: false }), bj("2026-12-06T02:13:00"))).toBeNull();
  });

  it("Should leave the line out when the settings set no deadline, and for a message queued before deadlines existed", () => {
    const none = serve(made, UNMARKED, { replyWithinHours: null, resolveWithinHours: null, remindBeforeHours: [] });
    expect(deadlineNote(none, bj("2026-12-06T02:13:00"))).toBeNull();
    expect(formatMessage(newComplaint(none), null).text).not.toContain("期限");
    const { deadlines: _, next_due: __, ...older } = made;
    const m = formatMessage(
      { kind: "complaint", event: "complaint.new", at: bj("2026-12-06T02:13:00"), merchantName: null, complaint: older as ServedComplaint },
      null,
    );
    expect(m.text).not.toContain("期限");
    expect(m.text).toContain("时间：2026-12-05 22:13:00\n商户订单号：OT-1");
  });

  it("Should count from first_seen_at when complaint_at is no time", () => {
    // First seen 2026-11-08 01:20 in Beijing.
    const text = serve({ ...stored, complaint_at: "昨天下午" });
    expect(deadlineNote(text, "2026-11-07T18:20:00.000Z")).toBe("请在 11月9日 01:20 前回复，还剩 23 小时");
  });

  const dueItem = (c: ServedComplaint, deadline: "reply" | "resolve", due_at: string, at: string): DueItem => ({
    complaint: c,
    deadline,
    due_at,
    hours: 12,
    hours_left: Math.floor((Date.parse(due_at) - Date.parse(at)) / 360_000) / 10,
  });

  it("Should list coming deadlines one line each: the time left, the deadline, the complaint and its link", () => {
    const at = bj("2026-12-06T17:13:00");
    const second = serve({
      ...stored,
      id: "C2",
      out_trade_no: "OT-2",
      total_fee: 100,
      body: "第二条\n投诉",
      complaint_at: "2026-12-04T09:00:00+08:00",
    });
    const n: Notification = {
      kind: "due",
      event: "complaint.due",
      at,
      mchid: "100",
      merchantName: "测试商户",
      items: [dueItem(made, "reply", "2026-12-06T22:13:00+08:00", at), dueItem(second, "resolve", "2026-12-07T09:00:00+08:00", at)],
    };
    const m = formatMessage(n, PUBLIC_URL);
    expect(m.title).toBe("投诉即将到期 · 测试商户 · 2 条");
    expect(plainText(m)).toBe(
      [
        "投诉即将到期 · 测试商户 · 2 条",
        "商户：测试商户（100）",
        "2 条投诉的处理期限将至（最近的在前），请尽快在微信支付的投诉处理工具中回复用户：",
        "- 回复剩 5 小时（12月6日 22:13）· 2026-12-05 22:13:00 · 29.90 元 · OT-1 · 商品未收到，请退款 · https://watch.example.com/#/complaints/100/C1",
        "- 完成剩 15 小时（12月7日 09:00）· 2026-12-04 09:00:00 · 1.00 元 · OT-2 · 第二条 投诉 · https://watch.example.com/#/complaints/100/C2",
        "去处理：https://watch.example.com/",
      ].join("\n"),
    );
    expect(markdownText(m)).toContain("[去处理](https://watch.example.com/)");
  });

  it("Should list passed deadlines with how long ago, and say what WeChat Pay may do", () => {
    const at = bj("2026-12-07T01:13:00");
    const items: OverdueItem[] = [{ complaint: made, deadline: "reply", due_at: "2026-12-06T22:13:00+08:00" }];
    const m = formatMessage({ kind: "overdue", event: "complaint.overdue", at, mchid: "100", merchantName: null, items }, null);
    expect(m.title).toBe("投诉已超期 · 100 · 1 条");
    expect(m.text).toContain("已过微信支付的处理期限");
    expect(m.text).toContain("- 回复已超期 3 小时（12月6日 22:13）· 2026-12-05 22:13:00 · 29.90 元 · OT-1 ·");
    expect(m.text).not.toContain("http");
  });

  it("Should say the deadline has come, not that it is overdue by 0 minutes, in the minute after it", () => {
    const items: OverdueItem[] = [{ complaint: made, deadline: "reply", due_at: "2026-12-06T22:13:00+08:00" }];
    const text = (at: string) =>
      formatMessage({ kind: "overdue", event: "complaint.overdue", at, mchid: "100", merchantName: null, items }, null).text;
    expect(text(bj("2026-12-06T22:13:00"))).toContain("- 回复期限已到（12月6日 22:13）");
    expect(text(bj("2026-12-06T22:13:59"))).toContain("- 回复期限已到（12月6日 22:13）");
    expect(text(bj("2026-12-06T22:14:00"))).toContain("- 回复已超期 1 分钟（12月6日 22:13）");
  });

  it("Should list at most LIST_SHOWN deadlines and say how many more", () => {
    const at = bj("2026-12-06T12:00:00");
    const items = Array.from({ length: LIST_SHOWN + 3 }, (_, i) =>
      dueItem(serve({ ...made, id: `C${i}`, out_trade_no: `OT-${i}` }), "reply", "2026-12-06T22:13:00+08:00", at),
    );
    const m = formatMessage({ kind: "due", event: "complaint.due", at, mchid: "100", merchantName: null, items }, null);
    expect(m.text.split("\n").filter((line) => line.startsWith("- "))).toHaveLength(LIST_SHOWN);
    expect(m.text).toContain("还有 3 条");
    expect(m.title).toBe(`投诉即将到期 · 100 · ${LIST_SHOWN + 3} 条`);
  });

  it("Should keep a hostile body inert in a deadline message's markdown", () => {
    const at = bj("2026-12-06T12:00:00");
    const hostile = serve({ ...made, body: "[x](http://evil) <b>", out_trade_no: "# h" });
    const md = markdownText(
      formatMessage(
        {
          kind: "due",
          event: "complaint.due",
          at,
          mchid: "100",
          merchantName: null,
          items: [dueItem(hostile, "reply", "2026-12-06T22:13:00+08:00", at)],
        },
        PUBLIC_URL,
      ),
    );
    expect(md).not.toContain("<");
    expect(md).not.toContain("[x]");
    expect(md.match(/\]\(/g)).toHaveLength(1);
  });

  it("Should give the digest's due within 24 hours and overdue counts per merchant", () => {
    const entry: DigestEntry = {
      mchid: "100",
      name: "测试商户",
      new_24h: 2,
      active: 5,
      unhandled: 4,
      due_24h: 3,
      overdue: 1,
      oldest_unhandled_at: "2026-12-04T00:00:00.000Z",
    };
    const m = formatMessage({ kind: "digest", event: "digest.daily", at: "2026-12-06T01:00:00.000Z", merchants: [entry] }, null);
    expect(m.title).toBe("投诉日报 · 未处理 4 条");
    expect(m.text).toContain("- 测试商户：24 小时新增 2 · 进行中 5 · 未处理 4 · 24 小时内到期 3 · 已超期 1 · 最早未处理 2 天 1 小时前");
  });
});

describe("Alert text: complaint.refunded", () => {
  /** Refunded at 2026-11-08 10:00:00 in Beijing. */
  const refundAt = "2026-11-08T02:00:00.000Z";
  const mark = { at: refundAt, note: "退款 ¥29.90 客户同意" };
  const refunded = serve(stored, { replied: null, handled: mark, refund: { state: "done", at: refundAt, total_fee: 2990 } });
  const item = (c: ServedComplaint = refunded, note = "客户同意"): RefundedItem => ({
    complaint: c,
    attempt: "att-1",
    at: c.refund?.at ?? refundAt,
    total_fee: c.total_fee ?? 0,
    note,
  });
  const message = (items: RefundedItem[], merchantName: string | null = "测试商户"): Notification => ({
    kind: "refunded",
    event: "complaint.refunded",
    at: "2026-11-08T02:30:00.000Z",
    mchid: "100",
    merchantName,
    items,
  });

  it("Should tell one refund field by field: merchant, amount, Beijing time, both order numbers, the note and its link", () => {
    const m = formatMessage(message([item()]), PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "已退款 · 测试商户 · 29.90 元",
        "商户：测试商户（100）",
        "金额：29.90 元",
        "退款时间：2026-11-08 10:00:00",
        "商户订单号：OT-1",
        "PAYJS订单号：2026110812345",
        "备注：客户同意",
        "查看：https://watch.example.com/#/complaints/100/C1",
      ].join("\n"),
    );
    expect(markdownText(m)).toContain("### 已退款 · 测试商户 · 29.90 元\n\n**商户**：测试商户（100）  \n**金额**：29.90 元  \n");
    expect(markdownText(m)).toContain("[查看](https://watch.example.com/#/complaints/100/C1)");
  });

  it("Should leave out an empty note, and the link without PUBLIC_URL", () => {
    const m = formatMessage(message([item(refunded, "  ")], null), null);
    expect(m.title).toBe("已退款 · 100 · 29.90 元");
    expect(m.text).not.toContain("备注");
    expect(plainText(m)).not.toContain("http");
  });

  it("Should list a merchant's refunds of one tick one line each, with the count and the total in the title", () => {
    const second = serve(
      { ...stored, id: "C2", out_trade_no: "OT-2", order_id: "2026110899999", total_fee: 100 },
      { replied: null, handled: mark, refund: { state: "done", at: "2026-11-08T02:10:00.000Z", total_fee: 100 } },
    );
    const m = formatMessage(message([item(), item(second, "")]), PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "已退款 · 测试商户 · 2 笔 · 30.90 元",
        "商户：测试商户（100）",
        "2 笔投诉订单已通过 PAYJS 退款，共 30.90 元：",
        "- 2026-11-08 10:00:00 · 29.90 元 · 商户订单号 OT-1 · PAYJS订单号 2026110812345 · 备注 客户同意 · https://watch.example.com/#/complaints/100/C1",
        "- 2026-11-08 10:10:00 · 1.00 元 · 商户订单号 OT-2 · PAYJS订单号 2026110899999 · https://watch.example.com/#/complaints/100/C2",
        "查看：https://watch.example.com/",
      ].join("\n"),
    );
  });

  it("Should keep a hostile note inert in markdown and on one line", () => {
    const m = formatMessage(message([item(refunded, "[点我](https://evil.example)\n# 标题 <font>")]), null);
    const md = markdownText(m);
    expect(md).toContain("**备注**：［点我］（https://evil.example） # 标题 ＜font＞");
    expect(md).not.toContain("](https://evil");
  });

  it("Should list at most LIST_SHOWN refunds and say how many more", () => {
    const many = Array.from({ length: LIST_SHOWN + 3 }, (_, i) =>
      item(serve({ ...refunded, id: `R${i}`, out_trade_no: `OT-R${i}` }, { replied: null, handled: mark, refund: refunded.refund })),
    );
    const m = formatMessage(message(many), null);
    expect(m.title).toBe(`已退款 · 测试商户 · ${LIST_SHOWN + 3} 笔 · ${(29.9 * (LIST_SHOWN + 3)).toFixed(2)} 元`);
    expect(m.text.match(/^- /gm)).toHaveLength(LIST_SHOWN);
    expect(m.text).toContain("还有 3 条");
  });
});
