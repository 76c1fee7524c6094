import { describe, expect, it } from "vitest";
import {
  b64,
  build,
  channel,
  ctx,
  expectSecretRefused,
  expectUrlRefused,
  FAILING,
  hmac,
  json,
  LINK,
  NEW,
  NOW,
} from "../../../test/support/channel-fixtures";

describe("dingtalk", () => {
  const base = "https://oapi.dingtalk.com/robot/send?access_token=abc123";
  const secret = "SEC0123456789abcdef+/=密";

  it("Should append timestamp (ms) and the URL-encoded base64 HMAC sign to the query", async () => {
    const { req, body } = await json("dingtalk", { url: base, secret }, NEW);
    const expectedSign = b64(await hmac(secret, `${NOW}\n${secret}`));
    expect(req.url).toBe(`${base}&timestamp=${NOW}&sign=${encodeURIComponent(expectedSign)}`);
    // base64 always ends in "=" for 32 bytes, so the encoding is visible in the raw URL.
    expect(req.url.endsWith("%3D")).toBe(true);
    expect(req.url).not.toMatch(/sign=[^&]*[+/=]/);
    const u = new URL(req.url);
    expect(u.searchParams.get("access_token")).toBe("abc123");
    expect(u.searchParams.get("timestamp")).toBe(String(NOW));
    expect(u.searchParams.get("sign")).toBe(expectedSign);

    expect(Object.keys(body)).toEqual(["msgtype", "markdown"]);
    expect(body.msgtype).toBe("markdown");
    expect(Object.keys(body.markdown)).toEqual(["title", "text"]);
    expect(body.markdown.title).toBe("新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）");
    expect(body.markdown.text).toContain("### 新投诉：请在 11月9日 01:13 前回复（剩 23 小时 53 分）");
    expect(body.markdown.text).toContain("**商户**：测试商户（100）");
    expect(body.markdown.text).toContain("**金额**：29.90 元");
    expect(body.markdown.text).toContain(`[查看](${LINK})`);
    expect(body.markdown.text).not.toContain("<");
  });

  it("Should use ? when the URL has no query, and change nothing without a secret", async () => {
    const bare = "https://dingtalk.example.com/robot/send";
    const signed = await build("dingtalk", { url: bare, secret }, FAILING);
    expect(signed.url).toBe(`${bare}?timestamp=${NOW}&sign=${encodeURIComponent(b64(await hmac(secret, `${NOW}\n${secret}`)))}`);
    const unsigned = await json("dingtalk", { url: base }, FAILING);
    expect(unsigned.url).toBe(base);
    expect(unsigned.body.markdown.title).toBe("投诉查询连续失败 3 次：请运行 npm run doctor 检查 · 测试商户");
    expect(unsigned.body.markdown.text).toContain("**上次成功**：2026-11-07 09:00:00");
  });

  it("Should use the real clock it is given", async () => {
    const later = NOW + 3_600_000;
    const { url } = await build("dingtalk", { url: base, secret }, NEW, { ...ctx, now: later });
    expect(new URL(url).searchParams.get("timestamp")).toBe(String(later));
  });

  it("Should succeed on errcode 0 only, and report DingTalk's error in a 200", () => {
    const t = channel("dingtalk");
    expect(t.check(200, '{"errcode":0,"errmsg":"ok"}')).toEqual({ ok: true });
    expect(
      t.check(200, '{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}'),
    ).toEqual({
      ok: false,
      code: "platform_error",
      message: "errcode 310000: sign not match, more: [https://ding-doc.dingtalk.com]",
    });
    expect(t.check(200, '{"errcode":93000,"errmsg":"x"}')).toEqual({ ok: false, code: "platform_error", message: "errcode 93000: x" });
    expect(t.check(200, "not json")).toEqual({ ok: false, code: "bad_response", message: "HTTP 200: the response is not a JSON object" });
  });

  it("Should refuse a missing, relative or non-http URL, naming the option and not echoing it", () => {
    expectUrlRefused("dingtalk");
  });

  it("Should refuse a present but empty or non-string secret rather than send unsigned", () => {
    expectSecretRefused("dingtalk");
  });
});
