import { describe, expect, it } from "vitest";
import { beijingAt, COMPLAINT, DECEMBER_COMPLAINT, servedComplaint } from "../../test/support/alerts";
import { DEFAULT_RULES } from "../domain/deadlines";
import { UNMARKED } from "../domain/marks";
import { type ServedComplaint, served } from "../domain/served";
import {
  amountText,
  beijingTime,
  complaintLink,
  dashboardLink,
  deadlineNote,
  merchantLabel,
  merchantShort,
  shortTime,
  spanText,
  summaryLine,
  trimBody,
  trimText,
} from "./text";

describe("Alert wording: times, amounts, merchants", () => {
  it("Should show Beijing time for a UTC instant and keep text that is no time unchanged", () => {
    expect(beijingTime("2026-11-07T17:13:29.000Z")).toBe("2026-11-08 01:13:29");
    expect(beijingTime("2026-11-08T01:13:29+08:00")).toBe("2026-11-08 01:13:29");
    expect(beijingTime("昨天下午")).toBe("昨天下午");
  });

  it("Should say an amount in yuan, and 未知 when upstream sent none", () => {
    expect(amountText(2990)).toBe("29.90 元");
    expect(amountText(null)).toBe("未知");
  });

  it("Should name a merchant by its name and mchid, by its mchid alone when it has no name", () => {
    expect(merchantLabel("100", "测试\n商户")).toBe("测试 商户（100）");
    expect(merchantLabel("100", null)).toBe("100");
    expect(merchantLabel("100", "  ")).toBe("100");
    expect(merchantShort("100", "测试商户")).toBe("测试商户");
    expect(merchantShort("100", null)).toBe("100");
  });

  it("Should trim a body to 200 code points and add …, never cutting an emoji in half", () => {
    expect(trimBody("投".repeat(300))).toBe(`${"投".repeat(200)}…`);
    // Code points, not UTF-16 units: an emoji is one character and is never cut in half.
    const emoji = trimBody("😀".repeat(300));
    expect(Array.from(emoji)).toHaveLength(201);
    expect(emoji.endsWith("😀…")).toBe(true);
    expect(trimBody("  短  ")).toBe("短");
    expect(trimBody("一\r\n二\r三")).toBe("一\n二\n三");
    expect(trimText("x".repeat(200), 200)).toBe("x".repeat(200));
  });

  it("Should sum a complaint up on one line: time, amount, order number and the start of its body", () => {
    expect(summaryLine(servedComplaint({ body: `第一行\n${"长".repeat(100)}` }))).toBe(
      `2026-11-08 01:13:29 · 29.90 元 · OT-1 · 第一行 ${"长".repeat(36)}…`,
    );
    expect(summaryLine(servedComplaint({ out_trade_no: "", body: "" }))).toBe("2026-11-08 01:13:29 · 29.90 元");
  });
});

describe("Alert wording: links", () => {
  it("Should URL-encode the link's path segments, parentheses included", () => {
    expect(complaintLink({ publicUrl: "https://w.example.com/" }, { mchid: "1 0", id: "a/b(c)#?" })).toBe(
      "https://w.example.com/#/complaints/1%200/a%2Fb%28c%29%23%3F",
    );
    expect(complaintLink({ publicUrl: null }, COMPLAINT)).toBeNull();
  });

  it("Should link without a doubled slash however many PUBLIC_URL ends with, and not at all when it is blank", () => {
    expect(complaintLink({ publicUrl: "https://watch.example.com" }, COMPLAINT)).toBe("https://watch.example.com/#/complaints/100/C1");
    expect(complaintLink({ publicUrl: "https://watch.example.com//" }, COMPLAINT)).toBe("https://watch.example.com/#/complaints/100/C1");
    expect(dashboardLink("https://watch.example.com//")).toBe("https://watch.example.com/");
    expect(dashboardLink("  ")).toBeNull();
    expect(dashboardLink(null)).toBeNull();
  });

  it("Should put the complaint's view key in the fragment, after the path, when there is one", () => {
    const links = { publicUrl: "https://watch.example.com", viewKey: (mchid: string, id: string) => `key-of-${mchid}-${id}` };
    expect(complaintLink(links, COMPLAINT)).toBe("https://watch.example.com/#/complaints/100/C1?view=key-of-100-C1");
    expect(complaintLink({ ...links, publicUrl: null }, COMPLAINT)).toBeNull();
  });
});

describe("Alert wording: deadlines", () => {
  const made = DECEMBER_COMPLAINT;

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
    expect(deadlineNote(made, Date.parse(beijingAt("2026-12-06T02:13:00")))).toBe("请在 12月6日 22:13 前回复（剩 20 小时）");
    // Under an hour, in minutes.
    expect(deadlineNote(made, Date.parse(beijingAt("2026-12-06T21:30:00")))).toBe("请在 12月6日 22:13 前回复（剩 43 分钟）");
  });

  it("Should say the reply deadline passed and how long is left to finish", () => {
    expect(deadlineNote(made, Date.parse(beijingAt("2026-12-07T01:00:00")))).toBe(
      "已超过回复期限 2 小时；请在 12月8日 22:13 前处理完毕（剩 45 小时 13 分）",
    );
    // The moment it comes, it has passed, and in the minute after it is "come", not "passed by 0 minutes".
    expect(deadlineNote(made, Date.parse(beijingAt("2026-12-06T22:13:00")))).toMatch(/^回复期限已到；请在 12月8日 22:13 前处理完毕/);
    expect(deadlineNote(made, Date.parse(beijingAt("2026-12-06T22:14:00")))).toMatch(/^已超过回复期限 1 分钟；/);
  });

  it("Should say both deadlines passed when it is first seen after both", () => {
    expect(deadlineNote(made, Date.parse(beijingAt("2026-12-10T00:00:00")))).toBe("已超过回复期限 3 天 1 小时；已超过处理期限 25 小时");
  });

  it("Should count only the deadlines still open: the resolve one once replied, none once handled or gone", () => {
    const mark = { at: "2026-12-06T00:00:00.000Z", note: "", by: null };
    const replied = served(made, { replied: mark, handled: null, refund: null }, DEFAULT_RULES);
    expect(deadlineNote(replied, Date.parse(beijingAt("2026-12-07T01:00:00")))).toBe("请在 12月8日 22:13 前处理完毕（剩 45 小时 13 分）");
    const handled = served(made, { replied: null, handled: mark, refund: null }, DEFAULT_RULES);
    expect(deadlineNote(handled, Date.parse(beijingAt("2026-12-06T02:13:00")))).toBeNull();
    expect(
      deadlineNote(served({ ...made, active: false }, UNMARKED, DEFAULT_RULES), Date.parse(beijingAt("2026-12-06T02:13:00"))),
    ).toBeNull();
  });

  it("Should say nothing when the settings set no deadline, nor for a complaint queued before deadlines existed", () => {
    const none = served(made, UNMARKED, { replyWithinHours: null, resolveWithinHours: null, remindBeforeHours: [] });
    expect(deadlineNote(none, Date.parse(beijingAt("2026-12-06T02:13:00")))).toBeNull();
    const { deadlines: _, next_due: __, ...older } = made;
    expect(deadlineNote(older as ServedComplaint, Date.parse(beijingAt("2026-12-06T02:13:00")))).toBeNull();
  });

  it("Should count from first_seen_at when complaint_at is no time", () => {
    // First seen 2026-11-08 01:20 in Beijing.
    const text = servedComplaint({ complaint_at: "昨天下午" });
    expect(deadlineNote(text, Date.parse("2026-11-07T18:20:00.000Z"))).toBe("请在 11月9日 01:20 前回复（剩 23 小时）");
  });
});
