import { describe, expect, it } from "vitest";
import { newComplaintNotice, PUBLIC_URL, servedComplaint } from "../../test/support/alerts";
import { messageOf } from "../../test/support/messages";
import { UNMARKED } from "../domain/marks";
import { type Draft, markdownText, mdEscape, oneLine, plainText, render } from "./render";

/** One block of each kind, outside text in every place it may come. */
const DRAFT: Draft = {
  title: "标题\n第二行",
  blocks: [
    { kind: "field", label: "商户", value: "测试商户（100）" },
    { kind: "field", label: "订单", value: "[OT](x)" },
    { kind: "quote", label: "内容", text: "第一行\n# 第二行" },
    { kind: "items", items: ["一 <b>", "二"] },
    { kind: "note", text: "还有 1 条" },
    { kind: "link", label: "查看", url: "https://watch.example.com/" },
  ],
  link: "https://watch.example.com/#/complaints/100/C1",
};

describe("render", () => {
  it("Should write the plain text one line a field, quote, item, note and link, the title on one line above it", () => {
    const m = render(DRAFT);
    expect(m.title).toBe("标题 第二行");
    expect(plainText(m)).toBe(
      [
        "标题 第二行",
        "商户：测试商户（100）",
        "订单：[OT](x)",
        "内容：第一行\n# 第二行",
        "- 一 <b>",
        "- 二",
        "还有 1 条",
        "查看：https://watch.example.com/",
      ].join("\n"),
    );
  });

  it("Should write consecutive fields as one paragraph with hard breaks, the quote, list, note and link each apart", () => {
    expect(markdownText(render(DRAFT))).toBe(
      [
        "### 标题 第二行",
        "",
        "**商户**：测试商户（100）  ",
        "**订单**：［OT］（x）  ",
        "**内容**：",
        "",
        "> 第一行  ",
        "> ＃ 第二行",
        "",
        "- 一 ＜b＞  ",
        "- 二",
        "",
        "还有 1 条",
        "",
        "[查看](https://watch.example.com/)",
      ].join("\n"),
    );
  });

  it("Should keep what tapping the message opens, and none when the draft has none", () => {
    expect(render(DRAFT).link).toBe("https://watch.example.com/#/complaints/100/C1");
    expect(render({ ...DRAFT, link: null }).link).toBeNull();
  });

  it("Should keep a link's URL from closing the markdown link or the line", () => {
    const m = render({ title: "t", blocks: [{ kind: "link", label: "查看", url: "https://w.example.com/a b)(c>\nd" }], link: null });
    expect(m.markdown).toBe("[查看](https://w.example.com/a%20b%29%28c%3E%0Ad)");
  });

  it("Should escape the title under its heading, so the heading is the only one", () => {
    const md = markdownText(render({ title: "# [x](http://evil) <b>", blocks: [], link: null }));
    expect(md).toBe("### ＃ ［x］（http://evil） ＜b＞\n\n");
  });
});

describe("Markdown escaping", () => {
  it("Should neutralise only the markup characters", () => {
    expect(mdEscape("a[b](c)<d>\n  # e\nf # g\r\nh")).toBe("a［b］（c）＜d＞\n  ＃ e\nf # g\nh");
  });

  it("Should put every run of white space on one line as one space", () => {
    expect(oneLine("  a\r\n\tb  c \n")).toBe("a b c");
  });

  it("Should keep HTML and a markdown link in a body inert in markdown", () => {
    const body = "<img src=x onerror=alert(1)>\n[x](http://evil)\n# 大标题\n> 假引用\n![](http://evil/p.png)";
    const fields = { body, out_trade_no: "[点我](http://evil)", order_id: "<font color=red>1</font>" };
    const hostile = servedComplaint(fields);
    const md = markdownText(messageOf(newComplaintNotice(hostile, "## <b>商户</b>"), PUBLIC_URL));
    expect(md).not.toMatch(/</);
    expect(md).not.toContain("[x]");
    expect(md).not.toContain("(http://evil");
    // The only link is ours, and the only heading is the title.
    expect(md.match(/\]\(/g)).toHaveLength(1);
    expect(md.split("\n").filter((line) => /^\s*#/.test(line))).toEqual(["### 新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）"]);
    expect(md).toContain("**商户**：＃# ＜b＞商户＜/b＞（100）");
    // Without a deadline the title names the merchant: inert there too.
    const noDeadline = servedComplaint(fields, UNMARKED, { replyWithinHours: null, resolveWithinHours: null, remindBeforeHours: [] });
    const titled = markdownText(messageOf(newComplaintNotice(noDeadline, "## <b>商户</b>"), PUBLIC_URL));
    expect(titled.split("\n").filter((line) => /^\s*#/.test(line))).toEqual(["### 新投诉 · ## ＜b＞商户＜/b＞ · 29.90 元"]);
    // The body lines stay inside the quote, readable.
    expect(md).toContain(
      "> ＜img src=x onerror=alert（1）＞  \n> ［x］（http://evil）  \n> ＃ 大标题  \n> ＞ 假引用  \n> !［］（http://evil/p.png）",
    );
    expect(md).toContain("**商户订单号**：［点我］（http://evil）");
    // Plain text shows the body as it is.
    expect(messageOf(newComplaintNotice(hostile), null).text).toContain("内容：<img src=x onerror=alert(1)>\n[x](http://evil)");
  });

  it("Should keep a field on one line so it cannot start a heading", () => {
    const md = markdownText(messageOf(newComplaintNotice(servedComplaint({ out_trade_no: "OT\n# x" })), null));
    expect(md).toContain("**商户订单号**：OT # x  \n");
    expect(md.split("\n").filter((line) => /^\s*#/.test(line))).toHaveLength(1);
  });
});
