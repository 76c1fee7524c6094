import { describe, expect, it } from "vitest";
import { channel, ctx, FAILING, json, LINK, NEW, parseError, RECOVERED, SUMMARY, TEST } from "../../../test/support/channel-fixtures";

describe("pushplus", () => {
  const token = "0123456789abcdef0123456789abcdef";

  it("Should POST {token, title, content, template: markdown} to {api_base}/send for a new complaint", async () => {
    const { req, body } = await json("pushplus", { token }, NEW);
    expect(req.url).toBe("https://www.pushplus.plus/send");
    expect(Object.keys(body)).toEqual(["token", "title", "content", "template"]);
    expect(body.token).toBe(token);
    expect(body.template).toBe("markdown");
    expect(body.title).toBe("新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）");
    const content: string = body.content;
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
    // The complaint's markup is inert: no tag, no second link.
    expect(content).not.toContain("<");
    expect(content.match(/\]\(/g)).toHaveLength(1);
  });

  it("Should add the topic and use api_base for watcher.failing, watcher.recovered and a test", async () => {
    const options = { token, topic: "payjs-ops", api_base: "http://127.0.0.1:9999/pp/" };
    const failing = await json("pushplus", options, FAILING);
    expect(failing.req.url).toBe("http://127.0.0.1:9999/pp/send");
    expect(Object.keys(failing.body)).toEqual(["token", "title", "content", "template", "topic"]);
    expect(failing.body.topic).toBe("payjs-ops");
    expect(failing.body.title).toBe("投诉查询连续失败 3 次：请运行 npm run doctor 检查 · 测试商户");
    expect(failing.body.content).toContain("**连续失败**：3 次");
    expect(failing.body.content).toContain("**最近错误**：PAYJS 拒绝了查询（upstream_error）");
    expect(failing.body.content).toContain("[查看](https://watch.example.com/)");
    const recovered = await json("pushplus", options, RECOVERED);
    expect(recovered.body.title).toBe("投诉查询已恢复 · 测试商户");
    expect(recovered.body.content).toContain("投诉查询已恢复正常。");
    const test = await json("pushplus", { token }, TEST, { ...ctx, publicUrl: null });
    expect(test.body.title).toBe("测试消息 · PAYJS 投诉监控");
    expect(test.body.content).toContain("这是一条测试消息");
    expect(test.body.content).not.toContain("http");
  });

  it("Should send one summary with 5 lines, 还有 2 条 and the dashboard link", async () => {
    const { body } = await json("pushplus", { token }, SUMMARY);
    expect(body.title).toBe("7 条新投诉 · 100");
    expect(body.content).toContain("还有 2 条");
    expect(body.content).toContain("[查看全部](https://watch.example.com/)");
    expect(body.content.match(/OT-1/g)).toHaveLength(5);
  });

  it("Should keep the title within PushPlus's 100 characters", async () => {
    // watcher.failing's first line ends with the merchant's name: a long one makes it too long.
    const { body } = await json("pushplus", { token }, { ...FAILING, merchant: { ...FAILING.merchant, name: "名".repeat(120) } });
    expect(Array.from(body.title as string)).toHaveLength(100);
    expect((body.title as string).endsWith("…")).toBe(true);
  });

  it("Should succeed on code 200 only, reporting PushPlus's msg without the token", () => {
    const t = channel("pushplus");
    expect(t.check(200, '{"code":200,"msg":"请求成功","data":"b3a4c7e0d1f2"}')).toEqual({ ok: true });
    expect(t.check(200, '{"code":903,"msg":"无效的用户token","data":null}')).toEqual({
      ok: false,
      code: "platform_error",
      message: "code 903: 无效的用户token",
    });
    const echoed = t.check(200, `{"code":999,"msg":"token ${token} 不存在","data":null}`);
    expect(echoed).toEqual({ ok: false, code: "platform_error", message: "code 999: token *** 不存在" });
    expect(JSON.stringify(echoed)).not.toContain(token);
    expect(t.check(200, '{"code":"200","msg":"请求成功"}').ok).toBe(false);
    expect(t.check(200, "<html>请求成功</html>")).toEqual({
      ok: false,
      code: "bad_response",
      message: "HTTP 200: the response is not a JSON object",
    });
  });

  it("Should refuse a missing or malformed token, a bad topic or api_base, without echoing the token", () => {
    expect(parseError("pushplus", {}).option).toBe("token");
    for (const bad of ["", "  ", 42, null, "has space SECRETXYZ1", "SECRETXYZ1/../x"]) {
      const e = parseError("pushplus", { token: bad });
      expect(e.option).toBe("token");
      expect(e.message).not.toContain("SECRETXYZ1");
    }
    for (const bad of ["", "two words", 7, []]) expect(parseError("pushplus", { token, topic: bad }).option).toBe("topic");
    expect(parseError("pushplus", { token, api_base: "www.pushplus.plus" }).option).toBe("api_base");
  });
});
