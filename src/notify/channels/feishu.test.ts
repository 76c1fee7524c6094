import { describe, expect, it } from "vitest";
import {
  b64,
  channel,
  expectSecretRefused,
  expectUrlRefused,
  hmac,
  json,
  LINK,
  NEW,
  NOW,
  RECOVERED,
} from "../../../test/support/channel-fixtures";

describe("feishu", () => {
  const url = "https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-xxxx";
  const secret = "feishu-secret-密";

  it("Should POST {timestamp, sign, msg_type: text, content: {text}} with the sign keyed by timestamp\\nsecret over nothing", async () => {
    const { req, body } = await json("feishu", { url, secret }, NEW);
    expect(req.url).toBe(url);
    const timestamp = String(Math.floor(NOW / 1000));
    expect(Object.keys(body)).toEqual(["timestamp", "sign", "msg_type", "content"]);
    expect(body.timestamp).toBe(timestamp);
    expect(body.sign).toBe(b64(await hmac(`${timestamp}\n${secret}`, "")));
    expect(body.msg_type).toBe("text");
    expect(Object.keys(body.content)).toEqual(["text"]);
    const text: string = body.content.text;
    expect(text.split("\n").slice(0, 7)).toEqual([
      "新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）",
      "商户：测试商户（100）",
      "金额：29.90 元",
      "时间：2026-11-08 01:13:29",
      "期限：请在 11月9日 01:13 前回复（剩 23 小时 53 分）",
      "商户订单号：OT-1",
      "PAYJS订单号：2026110812345",
    ]);
    expect(text).toContain(`查看：${LINK}`);
    // An @all tag in a complaint must not ping the group.
    expect(text).not.toContain("<at");
    expect(text).toContain('＜at user_id="all">所有人＜/at>');
  });

  it("Should send no timestamp or sign without a secret", async () => {
    const { body } = await json("feishu", { url }, RECOVERED);
    expect(Object.keys(body)).toEqual(["msg_type", "content"]);
    expect(body.content.text).toContain("投诉查询已恢复 · 测试商户");
  });

  it("Should succeed on code 0 or StatusCode 0", () => {
    const t = channel("feishu");
    expect(t.check(200, '{"code":0,"data":{},"msg":"success"}')).toEqual({ ok: true });
    expect(t.check(200, '{"Extra":null,"StatusCode":0,"StatusMessage":"success"}')).toEqual({ ok: true });
    expect(t.check(200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}')).toEqual({
      ok: false,
      code: "platform_error",
      message: "code 19021: sign match fail or timestamp is not within one hour from current time",
    });
    expect(t.check(200, '{"StatusCode":9499,"StatusMessage":"Bad Request"}')).toEqual({
      ok: false,
      code: "platform_error",
      message: "StatusCode 9499: Bad Request",
    });
    expect(t.check(400, '{"code":9499,"msg":"Bad Request"}')).toEqual({
      ok: false,
      code: "http_error",
      message: "HTTP 400: code 9499: Bad Request",
    });
    expect(t.check(200, "[]")).toEqual({ ok: false, code: "bad_response", message: "HTTP 200: the response is not a JSON object" });
  });

  it("Should refuse a missing, relative or non-http URL, naming the option and not echoing it", () => {
    expectUrlRefused("feishu");
  });

  it("Should refuse a present but empty or non-string secret rather than send unsigned", () => {
    expectSecretRefused("feishu");
  });
});
