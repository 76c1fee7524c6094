import { describe, expect, it } from "vitest";
import { build, channel, FAILING, LINK, NEW, parseError } from "../../../test/support/channel-fixtures";

describe("serverchan", () => {
  const sendkey = "SCT123456TAbCdEfGhIjKlMn";

  it("Should POST a form with title and markdown desp to {api_base}/{sendkey}.send", async () => {
    const { req, raw } = await build("serverchan", { sendkey }, NEW);
    expect(req.method).toBe("POST");
    expect(req.url).toBe(`https://sctapi.ftqq.com/${sendkey}.send`);
    expect(req.headers.get("content-type")).toBe("application/x-www-form-urlencoded; charset=utf-8");
    const form = new URLSearchParams(raw);
    expect([...form.keys()]).toEqual(["title", "desp"]);
    // Server酱 keeps 32 characters of a title: what to do and by when come first.
    expect(form.get("title")).toBe("新投诉：请在 11月9日 01:13 前回复（剩 23 小时 …");
    const desp = form.get("desp") ?? "";
    expect(desp).toContain("**商户**：测试商户（100）");
    expect(desp).toContain("**期限**：请在 11月9日 01:13 前回复（剩 23 小时 53 分）");
    expect(desp).toContain("**金额**：29.90 元");
    expect(desp).toContain("**时间**：2026-11-08 01:13:29");
    expect(desp).toContain(`[查看](${LINK})`);
    expect(desp).not.toContain("<");
  });

  it("Should keep the title within Server酱's 32 characters", async () => {
    const { raw } = await build("serverchan", { sendkey, api_base: "http://127.0.0.1:9999/" }, { ...NEW, merchantName: "名".repeat(40) });
    const title = new URLSearchParams(raw).get("title") ?? "";
    expect(Array.from(title)).toHaveLength(32);
    expect(title.endsWith("…")).toBe(true);
  });

  it("Should describe a status event and use api_base", async () => {
    const { req, raw } = await build("serverchan", { sendkey, api_base: "http://127.0.0.1:9999/" }, FAILING);
    expect(req.url).toBe(`http://127.0.0.1:9999/${sendkey}.send`);
    const form = new URLSearchParams(raw);
    expect(form.get("title")).toBe("投诉查询连续失败 3 次：请运行 npm run doctor…");
    expect(form.get("desp")).toContain("**商户**：测试商户（100）");
    expect(form.get("desp")).toContain("**连续失败**：3 次");
  });

  it("Should succeed on code 0 only", () => {
    const t = channel("serverchan");
    expect(t.check(200, '{"code":0,"message":"","data":{"pushid":"1","readkey":"abc","error":"SUCCESS","errno":0}}')).toEqual({ ok: true });
    expect(t.check(200, '{"code":40001,"message":"bad pushtoken","data":null}')).toEqual({
      ok: false,
      code: "platform_error",
      message: "code 40001: bad pushtoken",
    });
    expect(t.check(200, "<!doctype html>")).toEqual({
      ok: false,
      code: "bad_response",
      message: "HTTP 200: the response is not a JSON object",
    });
  });

  it("Should refuse a missing or malformed sendkey and an api_base that is not an http URL", () => {
    expect(parseError("serverchan", { sendkey: "SCT/../x" }).option).toBe("sendkey");
    expect(parseError("serverchan", {}).option).toBe("sendkey");
    expect(parseError("serverchan", { sendkey: "SCT1", api_base: "nope" }).option).toBe("api_base");
  });
});
