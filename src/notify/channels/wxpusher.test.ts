import { describe, expect, it } from "vitest";
import {
  AT,
  channel,
  complaint,
  ctx,
  DUE,
  DUE_TWO,
  FAILING,
  json,
  LINK,
  NEW,
  OVERDUE,
  other,
  parseError,
  RECOVERED,
  REFUNDED,
  REFUNDED_TWO,
  SUMMARY,
  TEST,
} from "../../../test/support/channel-fixtures";
import type { EventNotice } from "../events";

describe("wxpusher", () => {
  const app_token = "AT_SeCrEt0123456789abcdefXYZ";
  const uids = ["UID_aaaa1111", "UID_bbbb2222"];

  it("Should POST {appToken, content, summary, contentType: 3, uids, topicIds, url} with the complaint's link", async () => {
    const { req, body } = await json("wxpusher", { app_token, uids, topic_ids: [123] }, NEW);
    expect(req.url).toBe("https://wxpusher.zjiecode.com/api/send/message");
    expect(Object.keys(body)).toEqual(["appToken", "content", "summary", "contentType", "uids", "topicIds", "url"]);
    expect(body.appToken).toBe(app_token);
    expect(body.contentType).toBe(3);
    expect(body.uids).toEqual(uids);
    expect(body.topicIds).toEqual([123]);
    expect(body.url).toBe(LINK);
    expect(body.summary).toBe("新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）");
    const content: string = body.content;
    expect(content.startsWith("### 新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）\n")).toBe(true);
    for (const part of ["**商户**：测试商户（100）", "**金额**：29.90 元", "**时间**：2026-11-08 01:13:29", "**商户订单号**：OT-1"]) {
      expect(content).toContain(part);
    }
    expect(content).toContain(`[查看](${LINK})`);
    expect(content).not.toContain("<");
    expect(content.match(/\]\(/g)).toHaveLength(1);
  });

  it("Should link status events and tests to the dashboard, send [] for the absent list and use api_base", async () => {
    const options = { app_token, topic_ids: [7, "8"], api_base: "http://127.0.0.1:9999/wx/" };
    const failing = await json("wxpusher", options, FAILING);
    expect(failing.req.url).toBe("http://127.0.0.1:9999/wx/api/send/message");
    expect(failing.body.uids).toEqual([]);
    expect(failing.body.topicIds).toEqual([7, 8]);
    expect(failing.body.url).toBe("https://watch.example.com/");
    expect(failing.body.summary).toBe("投诉查询连续失败 3 次：请运行 npm run doctor 检查 · 测试商户");
    expect(failing.body.content).toContain("### 投诉查询连续失败 3 次：请运行 npm run doctor 检查 · 测试商户");
    expect(failing.body.content).toContain("**连续失败**：3 次");
    const recovered = await json("wxpusher", { app_token, uids }, RECOVERED);
    expect(recovered.body.topicIds).toEqual([]);
    expect(recovered.body.summary).toBe("投诉查询已恢复 · 测试商户");
    expect(recovered.body.url).toBe("https://watch.example.com/");
    const test = await json("wxpusher", { app_token, uids }, TEST);
    expect(test.body.summary).toBe("测试消息 · PAYJS 投诉监控");
    expect(test.body.url).toBe("https://watch.example.com/");
  });

  it("Should link a due, overdue or resolved message about one complaint to it, and a list to the dashboard", async () => {
    const cases: [EventNotice, string][] = [
      [{ kind: "resolved", event: "complaint.resolved", at: AT, merchantName: null, complaint }, LINK],
      [DUE, LINK],
      [OVERDUE, LINK],
      [{ ...DUE_TWO, items: DUE_TWO.items.slice(0, 1) }, LINK],
      [DUE_TWO, "https://watch.example.com/"],
      [REFUNDED, LINK],
      [REFUNDED_TWO, "https://watch.example.com/"],
      [
        { kind: "resolved_list", event: "complaint.resolved", at: AT, mchid: "100", merchantName: null, complaints: [complaint, other] },
        "https://watch.example.com/",
      ],
    ];
    for (const [n, url] of cases) {
      const { body } = await json("wxpusher", { app_token, uids }, n);
      expect(body.url, n.kind).toBe(url);
      expect(body.contentType, n.kind).toBe(3);
    }
  });

  it("Should send no url without PUBLIC_URL", async () => {
    const { body } = await json("wxpusher", { app_token, uids }, NEW, { ...ctx, publicUrl: null });
    expect(Object.keys(body)).toEqual(["appToken", "content", "summary", "contentType", "uids", "topicIds"]);
    expect(body.content).not.toContain("[查看]");
    expect(body.content).not.toContain("watch.example.com");
  });

  it("Should send one summary with 5 lines, 还有 2 条 and the dashboard as its url", async () => {
    const { body } = await json("wxpusher", { app_token, uids }, SUMMARY);
    expect(body.summary).toBe("7 条新投诉 · 100");
    expect(body.url).toBe("https://watch.example.com/");
    expect(body.content).toContain("还有 2 条");
    expect(body.content).toContain("[查看全部](https://watch.example.com/)");
    expect(body.content.match(/OT-1/g)).toHaveLength(5);
  });

  it("Should keep the summary within WxPusher's 100 characters", async () => {
    // watcher.failing's first line ends with the merchant's name: a long one makes it too long.
    const long = { ...FAILING, merchant: { ...FAILING.merchant, name: "名".repeat(120) } };
    const { body } = await json("wxpusher", { app_token, uids }, long);
    expect(Array.from(body.summary as string)).toHaveLength(100);
    expect((body.summary as string).endsWith("…")).toBe(true);
  });

  it("Should succeed on code 1000 only, reporting WxPusher's msg without the appToken", () => {
    const t = channel("wxpusher");
    expect(
      t.check(
        200,
        '{"code":1000,"msg":"处理成功","data":[{"uid":"UID_aaaa1111","topicId":null,"messageId":1,"code":1000,"status":"创建发送任务成功"}],"success":true}',
      ),
    ).toEqual({ ok: true });
    expect(t.check(200, '{"code":1001,"msg":"appToken不能为空","data":null,"success":false}')).toEqual({
      ok: false,
      code: "platform_error",
      message: "code 1001: appToken不能为空",
    });
    const echoed = t.check(200, `{"code":1001,"msg":"appToken ${app_token} 不正确","data":null,"success":false}`);
    expect(echoed).toEqual({ ok: false, code: "platform_error", message: "code 1001: appToken *** 不正确" });
    expect(JSON.stringify(echoed)).not.toContain("SeCrEt0123456789");
    expect(t.check(200, '{"code":200,"msg":"ok","success":true}').ok).toBe(false);
    expect(t.check(200, "ok")).toEqual({ ok: false, code: "bad_response", message: "HTTP 200: the response is not a JSON object" });
  });

  it("Should refuse a missing or malformed app_token without echoing it", () => {
    expect(parseError("wxpusher", { uids }).option).toBe("app_token");
    for (const bad of ["", 42, "SECRETXYZ1-not-an-app-token", "AT_SECRETXYZ1 x"]) {
      const e = parseError("wxpusher", { app_token: bad, uids });
      expect(e.option).toBe("app_token");
      expect(e.message).not.toContain("SECRETXYZ1");
    }
  });

  it("Should require uids or topic_ids, as non-empty arrays of UIDs and positive integers", () => {
    expect(parseError("wxpusher", { app_token }).option).toBe("uids");
    expect(parseError("wxpusher", { app_token }).message).toContain('"topic_ids"');
    expect(parseError("wxpusher", { app_token, uids: [] }).option).toBe("uids");
    expect(parseError("wxpusher", { app_token, topic_ids: [] }).option).toBe("topic_ids");
    expect(parseError("wxpusher", { app_token, uids: [], topic_ids: [] }).option).toBe("uids");
    for (const bad of ["UID_aaaa1111", { a: 1 }, null, ["aaaa1111"], ["UID_a", 5], [""]]) {
      expect(parseError("wxpusher", { app_token, uids: bad }).option).toBe("uids");
    }
    for (const bad of [123, "123", [0], [-1], [1.5], ["x"], [null], [1, 2, 3, 4, 5, 6]]) {
      expect(parseError("wxpusher", { app_token, topic_ids: bad }).option).toBe("topic_ids");
    }
    expect(parseError("wxpusher", { app_token, uids, api_base: "ftp://x" }).option).toBe("api_base");
    // One list empty is fine when the other is not.
    expect(channel("wxpusher").parse({ app_token, uids: [], topic_ids: [9] })).toMatchObject({ uids: [], topic_ids: [9] });
  });
});
