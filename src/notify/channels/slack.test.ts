import { describe, expect, it } from "vitest";
import { channel, expectUrlRefused, FAILING, json, LINK, NEW } from "../../../test/support/channel-fixtures";

describe("slack", () => {
  const url = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";

  it("Should POST {text} with Slack's three characters escaped", async () => {
    const { req, body } = await json("slack", { url }, NEW);
    expect(req.url).toBe(url);
    expect(Object.keys(body)).toEqual(["text"]);
    expect(body.text.split("\n")[0]).toBe("新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）");
    expect(body.text).toContain("商户：测试商户（100）");
    expect(body.text).toContain("金额：29.90 元");
    expect(body.text).toContain(`查看：${LINK}`);
    expect(body.text).toContain('&lt;at user_id="all"&gt;');
    expect(body.text).not.toContain("<");
  });

  it("Should describe a status event", async () => {
    const { body } = await json("slack", { url }, FAILING);
    expect(body.text).toContain("连续失败：3 次");
  });

  it("Should succeed on 2xx and report Slack's error word", () => {
    const t = channel("slack");
    expect(t.check(200, "ok")).toEqual({ ok: true });
    expect(t.check(400, "invalid_payload")).toEqual({ ok: false, code: "http_error", message: "HTTP 400: invalid_payload" });
    expect(t.check(403, "<html>go away " + url + "</html>")).toEqual({ ok: false, code: "http_error", message: "HTTP 403" });
  });

  it("Should refuse a missing, relative or non-http URL, naming the option and not echoing it", () => {
    expectUrlRefused("slack");
  });
});
