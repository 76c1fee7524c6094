import { describe, expect, it } from "vitest";
import { channel, FAILING, json, LINK, NEW, parseError } from "../../../test/support/channel-fixtures";

describe("telegram", () => {
  const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawXyZ";

  it("Should POST {chat_id, text} to {api_base}/bot{token}/sendMessage", async () => {
    const { req, body } = await json("telegram", { bot_token: token, chat_id: -1001234567890 }, NEW);
    expect(req.url).toBe(`https://api.telegram.org/bot${token}/sendMessage`);
    expect(body).toEqual({ chat_id: -1001234567890, text: expect.any(String) });
    expect(Object.keys(body)).toEqual(["chat_id", "text"]);
    expect(body.text.split("\n")[0]).toBe("新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）");
    expect(body.text).toContain("商户：测试商户（100）");
    expect(body.text).toContain("金额：29.90 元");
    expect(body.text).toContain("时间：2026-11-08 01:13:29");
    expect(body.text).toContain(`查看：${LINK}`);
  });

  it("Should take a string chat id and an api_base with a trailing slash", async () => {
    const { req, body } = await json(
      "telegram",
      { bot_token: token, chat_id: "@payjs_alerts", api_base: "http://127.0.0.1:9999/tg/" },
      FAILING,
    );
    expect(req.url).toBe(`http://127.0.0.1:9999/tg/bot${token}/sendMessage`);
    expect(body.chat_id).toBe("@payjs_alerts");
    expect(body.text).toContain("投诉查询连续失败 3 次：请运行 npm run doctor 检查 · 测试商户");
  });

  it("Should succeed on ok true, and never show the token", () => {
    const t = channel("telegram");
    expect(t.check(200, '{"ok":true,"result":{"message_id":1}}')).toEqual({ ok: true });
    expect(t.check(400, '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}')).toEqual({
      ok: false,
      code: "http_error",
      message: "HTTP 400: error_code 400: Bad Request: chat not found",
    });
    expect(t.check(200, '{"ok":false,"error_code":400,"description":"x"}')).toEqual({
      ok: false,
      code: "platform_error",
      message: "error_code 400: x",
    });
    const echoed = t.check(
      404,
      `{"ok":false,"error_code":404,"description":"Not Found: https://api.telegram.org/bot${token}/sendMessage or ${token}"}`,
    );
    expect(echoed.ok).toBe(false);
    expect(JSON.stringify(echoed)).not.toContain("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawXyZ");
    expect(t.check(200, "")).toEqual({ ok: false, code: "bad_response", message: "HTTP 200: the response is not a JSON object" });
  });

  it("Should check the shape of the bot token and chat id without echoing them", () => {
    const e = parseError("telegram", { bot_token: "not-a-token-SECRETXYZ", chat_id: 1 });
    expect(e.option).toBe("bot_token");
    expect(e.message).not.toContain("SECRETXYZ");
    expect(parseError("telegram", { bot_token: "123:abc" }).option).toBe("chat_id");
    expect(parseError("telegram", { bot_token: "123:abc", chat_id: "not an id" }).option).toBe("chat_id");
    expect(parseError("telegram", { bot_token: "123:abc", chat_id: 1.5 }).option).toBe("chat_id");
  });

  it("Should refuse an api_base that is not an http URL", () => {
    expect(parseError("telegram", { bot_token: "1:a", chat_id: 1, api_base: "file:///etc" }).option).toBe("api_base");
  });
});
