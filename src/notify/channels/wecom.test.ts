import { describe, expect, it } from "vitest";
import { channel, expectUrlRefused, FAILING, json, LINK, NEW } from "../../../test/support/channel-fixtures";

describe("wecom", () => {
  const url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

  it("Should POST {msgtype: markdown, markdown: {content}} to the robot URL", async () => {
    const { req, body } = await json("wecom", { url }, NEW);
    expect(req.url).toBe(url);
    expect(Object.keys(body)).toEqual(["msgtype", "markdown"]);
    expect(body.msgtype).toBe("markdown");
    expect(Object.keys(body.markdown)).toEqual(["content"]);
    const content: string = body.markdown.content;
    expect(content.startsWith("### 新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）\n")).toBe(true);
    for (const part of [
      "**商户**：测试商户（100）",
      "**金额**：29.90 元",
      "**时间**：2026-11-08 01:13:29",
      "**商户订单号**：OT-1",
      "**PAYJS订单号**：2026110812345",
    ]) {
      expect(content).toContain(part);
    }
    expect(content).toContain(`[查看](${LINK})`);
    // The body's markup is inert: no tag, no second link.
    expect(content).not.toContain("<");
    expect(content.match(/\]\(/g)).toHaveLength(1);
  });

  it("Should describe a status event", async () => {
    const { body } = await json("wecom", { url }, FAILING);
    expect(body.markdown.content).toContain("### 投诉查询连续失败 3 次：请运行 npm run doctor 检查 · 测试商户");
    expect(body.markdown.content).toContain("**连续失败**：3 次");
    expect(body.markdown.content).toContain("**最近错误**：PAYJS 拒绝了查询（upstream_error）");
  });

  it("Should succeed on errcode 0 only", () => {
    const t = channel("wecom");
    expect(t.check(200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ ok: true });
    const failed = t.check(
      200,
      '{"errcode":93000,"errmsg":"invalid webhook url, hint: [1693812345012345678], from ip: 1.2.3.4, more info at https://open.work.weixin.qq.com/devtool/query?e=93000"}',
    );
    expect(failed).toEqual({ ok: false, code: "platform_error", message: expect.stringMatching(/^errcode 93000: invalid webhook url/) });
    if (failed.ok) throw new Error("unreachable");
    expect(Array.from(failed.message).length).toBeLessThanOrEqual(101);
    expect(t.check(200, "<html>gateway</html>")).toEqual({
      ok: false,
      code: "bad_response",
      message: "HTTP 200: the response is not a JSON object",
    });
    expect(t.check(200, '{"errmsg":"ok"}')).toEqual({ ok: false, code: "platform_error", message: "errcode (none): ok" });
    expect(t.check(200, '{"errcode":"0"}').ok).toBe(false);
  });

  it("Should refuse a missing, relative or non-http URL, naming the option and not echoing it", () => {
    expectUrlRefused("wecom");
  });
});
