import { describe, expect, it } from "vitest";
import { channel, json, LINK, NEW, parseError, RECOVERED } from "../../../test/support/channel-fixtures";

describe("bark", () => {
  const device_key = "abcDEF123ghiJKL456mnoP";

  it("Should POST {device_key, title, body, group: payjs} to {server}/push", async () => {
    const { req, body } = await json("bark", { device_key }, NEW);
    expect(req.url).toBe("https://api.day.app/push");
    expect(Object.keys(body)).toEqual(["device_key", "title", "body", "group"]);
    expect(body.device_key).toBe(device_key);
    expect(body.group).toBe("payjs");
    expect(body.title).toBe("新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）");
    expect(body.body.split("\n")[0]).toBe("商户：测试商户（100）");
    expect(body.body).toContain("金额：29.90 元");
    expect(body.body).toContain("商户订单号：OT-1");
    expect(body.body).toContain(`查看：${LINK}`);
  });

  it("Should describe a status event on its own server", async () => {
    const { req, body } = await json("bark", { device_key, server: "https://bark.example.com/" }, RECOVERED);
    expect(req.url).toBe("https://bark.example.com/push");
    expect(body.title).toBe("投诉查询已恢复 · 测试商户");
    expect(body.body).toContain("投诉查询已恢复正常。");
  });

  it("Should succeed on code 200 only and never show the device key", () => {
    const t = channel("bark");
    expect(t.check(200, '{"code":200,"message":"success","timestamp":1762535609}')).toEqual({ ok: true });
    const failed = t.check(
      400,
      `{"code":400,"message":"failed to get device token: failed to get [${device_key}] device token from database"}`,
    );
    expect(failed).toEqual({
      ok: false,
      code: "http_error",
      message: expect.stringMatching(/^HTTP 400: code 400: failed to get device token/),
    });
    expect(JSON.stringify(failed)).not.toContain(device_key);
    expect(t.check(200, '{"code":500,"message":"push failed"}')).toEqual({
      ok: false,
      code: "platform_error",
      message: "code 500: push failed",
    });
    expect(t.check(200, "ok")).toEqual({ ok: false, code: "bad_response", message: "HTTP 200: the response is not a JSON object" });
  });

  it("Should refuse a missing or spaced device key and a server that is not an http URL", () => {
    expect(parseError("bark", { device_key: "has space" }).option).toBe("device_key");
    expect(parseError("bark", {}).option).toBe("device_key");
    expect(parseError("bark", { device_key: "k", server: "javascript:alert(1)" }).option).toBe("server");
  });
});
