import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config-error";
import type { Complaint } from "../../domain/complaint";
import { DEFAULT_RULES } from "../../domain/deadlines";
import { UNMARKED } from "../../domain/marks";
import type { MerchantStatusEntry, Notification } from "../../domain/notification";
import { served } from "../../domain/served";
import { parseChannels } from "../settings";
import type { ChannelType, SendContext } from "../types";
import { CHANNEL_TYPES, OptionError } from "./index";

// ---- fixtures -------------------------------------------------------------------------------------------

const stored: Complaint = {
  id: "C1",
  mchid: "100",
  complaint_at: "2026-11-08T01:13:29+08:00",
  out_trade_no: "OT-1",
  order_id: "2026110812345",
  total_fee: 2990,
  body: '商品未收到 <at user_id="all">所有人</at> [x](http://evil)',
  first_seen_at: "2026-11-07T17:20:00.000Z",
  last_seen_at: "2026-11-07T17:20:00.000Z",
  active: true,
  raw: { complaint_id: "C1", complaint_at: "2026-11-08 01:13:29", total_fee: "2990", extra: { kept: true } },
};
/** As the API shows it: reply by 2026-11-09 01:13:29, resolve by 2026-11-11 01:13:29 (Beijing). */
const complaint = served(stored, UNMARKED, DEFAULT_RULES);

const merchant: MerchantStatusEntry = {
  mchid: "100",
  name: "测试商户",
  last_attempt_at: "2026-11-08T04:00:00.000Z",
  last_success_at: "2026-11-07T01:00:00.000Z",
  next_poll_at: null,
  consecutive_failures: 3,
  last_error: { code: "upstream_error", message: "签名错误", at: "2026-11-08T04:00:00.000Z" },
  complaints_total: 4,
  complaints_active: 2,
  signature: { result: "verified", scheme: "php-sdk", checked_at: "2026-11-07T17:00:00.000Z" },
};

const AT = "2026-11-07T17:20:00.000Z";
const NEW: Notification = { kind: "complaint", event: "complaint.new", at: AT, merchantName: "测试商户", complaint };
const FAILING: Notification = { kind: "status", event: "watcher.failing", at: AT, merchant };
const RECOVERED: Notification = {
  kind: "status",
  event: "watcher.recovered",
  at: AT,
  merchant: { ...merchant, consecutive_failures: 0, last_error: null },
};
const TEST: Notification = { kind: "test", event: "test", at: AT };
const SUMMARY: Notification = {
  kind: "summary",
  event: "complaint.new",
  at: AT,
  mchid: "100",
  merchantName: null,
  count: 7,
  totalFee: 7 * (complaint.total_fee ?? 0),
  newest: Array.from({ length: 5 }, (_, i) => ({ ...complaint, id: `C${i}` })),
};

/** 2026-11-08 15:13:29 in Beijing: 10 hours before the reply deadline. */
const DUE_AT = "2026-11-08T07:13:29.000Z";
const DUE: Notification = {
  kind: "due",
  event: "complaint.due",
  at: DUE_AT,
  mchid: "100",
  merchantName: "测试商户",
  items: [{ complaint, deadline: "reply", due_at: "2026-11-09T01:13:29+08:00", hours: 12, hours_left: 10 }],
};
const other = served({ ...stored, id: "C2", out_trade_no: "OT-2", complaint_at: "2026-11-06T10:00:00+08:00" }, UNMARKED, DEFAULT_RULES);
/** Two deadlines of one merchant, soonest first, as a chat channel gets them. */
const DUE_TWO: Notification & { kind: "due" } = {
  kind: "due",
  event: "complaint.due",
  at: DUE_AT,
  mchid: "100",
  merchantName: "测试商户",
  items: [
    { complaint, deadline: "reply", due_at: "2026-11-09T01:13:29+08:00", hours: 12, hours_left: 10 },
    { complaint: other, deadline: "resolve", due_at: "2026-11-09T10:00:00+08:00", hours: 24, hours_left: 18.7 },
  ],
};
/** 2026-11-09 04:13:29 in Beijing: 3 hours after the reply deadline. */
const OVERDUE_AT = "2026-11-08T20:13:29.000Z";
const OVERDUE: Notification = {
  kind: "overdue",
  event: "complaint.overdue",
  at: OVERDUE_AT,
  mchid: "100",
  merchantName: "测试商户",
  items: [{ complaint, deadline: "reply", due_at: "2026-11-09T01:13:29+08:00" }],
};

/** Refunded at 2026-11-08 10:00:00 in Beijing, through PAYJS, with the handled mark the refund leaves. */
const REFUNDED_AT = "2026-11-08T02:00:00.000Z";
const refundedComplaint = served(
  stored,
  {
    replied: null,
    handled: { at: REFUNDED_AT, note: "退款 ¥29.90 客户同意" },
    refund: { state: "done", at: REFUNDED_AT, total_fee: 2990 },
  },
  DEFAULT_RULES,
);
const refundedItem = (c = refundedComplaint) => ({
  complaint: c,
  attempt: `att-${c.id}`,
  at: REFUNDED_AT,
  total_fee: 2990,
  note: "客户同意",
});
const REFUNDED: Notification & { kind: "refunded" } = {
  kind: "refunded",
  event: "complaint.refunded",
  at: "2026-11-08T02:30:00.000Z",
  mchid: "100",
  merchantName: "测试商户",
  items: [refundedItem()],
};
const REFUNDED_TWO: Notification & { kind: "refunded" } = {
  ...REFUNDED,
  items: [refundedItem(), refundedItem(served({ ...stored, id: "C2", out_trade_no: "OT-2" }, UNMARKED, DEFAULT_RULES))],
};

/** A fixed real-clock instant, in ms. */
const NOW = 1_762_535_609_123;
const ctx: SendContext = { publicUrl: "https://watch.example.com/", now: NOW };
const LINK = "https://watch.example.com/#/complaints/100/C1";

// ---- independent HMAC (the documented formulas, not ../hmac) -----------------------------------------

const utf8 = new TextEncoder();

async function hmac(key: string, message: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", utf8.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, utf8.encode(message)));
}
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const b64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));

// ---- helpers -----------------------------------------------------------------------------------------

function channel(type: string): ChannelType<unknown> {
  const t = CHANNEL_TYPES[type];
  if (t === undefined) throw new Error(`no channel type ${type}`);
  return t;
}

async function build(type: string, options: Record<string, unknown>, n: Notification, c: SendContext = ctx) {
  const t = channel(type);
  const req = await t.request(n, t.parse(options), c);
  const raw = await req.text();
  return { req, raw, url: req.url, headers: req.headers };
}

async function json(type: string, options: Record<string, unknown>, n: Notification, c?: SendContext) {
  const r = await build(type, options, n, c);
  expect(r.req.method).toBe("POST");
  expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
  return { ...r, body: JSON.parse(r.raw) as Record<string, any> };
}

function parseError(type: string, options: Record<string, unknown>): OptionError {
  try {
    channel(type).parse(options);
  } catch (e) {
    expect(e).toBeInstanceOf(OptionError);
    return e as OptionError;
  }
  throw new Error("parse accepted bad options");
}

// ---- the registry ----------------------------------------------------------------------------------------

describe("Channel types", () => {
  it("Should register exactly the contract's ten types, only webhook not chat", () => {
    expect(Object.keys(CHANNEL_TYPES).sort()).toEqual([
      "bark",
      "dingtalk",
      "feishu",
      "pushplus",
      "serverchan",
      "slack",
      "telegram",
      "webhook",
      "wecom",
      "wxpusher",
    ]);
    for (const [type, t] of Object.entries(CHANNEL_TYPES)) {
      expect(t.type).toBe(type);
      expect(t.chat).toBe(type !== "webhook");
    }
    expect(CHANNEL_TYPES.constructor).toBeUndefined();
    expect(Reflect.get(CHANNEL_TYPES, "__proto__")).toBeUndefined();
  });

  it("Should list each type's option keys as the contract does", () => {
    const keys = Object.fromEntries(Object.entries(CHANNEL_TYPES).map(([k, t]) => [k, { required: t.required, optional: t.optional }]));
    expect(keys).toEqual({
      webhook: { required: ["url"], optional: ["secret"] },
      wecom: { required: ["url"], optional: [] },
      dingtalk: { required: ["url"], optional: ["secret"] },
      feishu: { required: ["url"], optional: ["secret"] },
      slack: { required: ["url"], optional: [] },
      telegram: { required: ["bot_token", "chat_id"], optional: ["api_base"] },
      serverchan: { required: ["sendkey"], optional: ["api_base"] },
      bark: { required: ["device_key"], optional: ["server"] },
      pushplus: { required: ["token"], optional: ["topic", "api_base"] },
      wxpusher: { required: ["app_token"], optional: ["uids", "topic_ids", "api_base"] },
    });
  });

  it("Should refuse a missing, relative or non-http URL, naming the option and not echoing it", () => {
    for (const type of ["webhook", "wecom", "dingtalk", "feishu", "slack"]) {
      expect(parseError(type, {}).option).toBe("url");
      for (const bad of ["hooks.example.com/SECRET-TOKEN-1", "ftp://example.com/SECRET-TOKEN-1", "/SECRET-TOKEN-1", 42]) {
        const e = parseError(type, { url: bad });
        expect(e.option).toBe("url");
        expect(e.message).toContain('"url"');
        expect(e.message).not.toContain("SECRET-TOKEN-1");
      }
    }
    expect(parseError("telegram", { bot_token: "1:a", chat_id: 1, api_base: "file:///etc" }).option).toBe("api_base");
    expect(parseError("serverchan", { sendkey: "SCT1", api_base: "nope" }).option).toBe("api_base");
    expect(parseError("bark", { device_key: "k", server: "javascript:alert(1)" }).option).toBe("server");
  });

  it("Should refuse a present but empty or non-string secret rather than send unsigned", () => {
    for (const type of ["webhook", "dingtalk", "feishu"]) {
      for (const bad of ["", "   ", null, 123]) {
        const e = parseError(type, { url: "https://example.com/hook", secret: bad });
        expect(e.option).toBe("secret");
      }
    }
  });

  it("Should check the shape of tokens and ids without echoing them", () => {
    const e = parseError("telegram", { bot_token: "not-a-token-SECRETXYZ", chat_id: 1 });
    expect(e.option).toBe("bot_token");
    expect(e.message).not.toContain("SECRETXYZ");
    expect(parseError("telegram", { bot_token: "123:abc" }).option).toBe("chat_id");
    expect(parseError("telegram", { bot_token: "123:abc", chat_id: "not an id" }).option).toBe("chat_id");
    expect(parseError("telegram", { bot_token: "123:abc", chat_id: 1.5 }).option).toBe("chat_id");
    expect(parseError("serverchan", { sendkey: "SCT/../x" }).option).toBe("sendkey");
    expect(parseError("serverchan", {}).option).toBe("sendkey");
    expect(parseError("bark", { device_key: "has space" }).option).toBe("device_key");
    expect(parseError("bark", {}).option).toBe("device_key");
  });

  it("Should answer HTTP 500 as an http_error on every channel", () => {
    for (const t of Object.values(CHANNEL_TYPES)) {
      expect(t.check(500, "")).toEqual({ ok: false, code: "http_error", message: "HTTP 500" });
      expect(t.check(502, "<html>Bad gateway</html>")).toEqual({ ok: false, code: "http_error", message: "HTTP 502" });
    }
  });
});

// ---- webhook -----------------------------------------------------------------------------------------------

describe("webhook", () => {
  const options = { url: "https://hooks.example.com/payjs?x=1", secret: "s3cr3t-密钥" };

  it("Should POST {event, at, complaint} with the complaint exactly as the API shows it, signed over the raw body", async () => {
    const { req, raw, body, headers } = await json("webhook", options, NEW);
    expect(req.url).toBe("https://hooks.example.com/payjs?x=1");
    expect(body).toEqual({ event: "complaint.new", at: AT, complaint });
    expect(Object.keys(body)).toEqual(["event", "at", "complaint"]);
    expect(raw).toBe(JSON.stringify({ event: "complaint.new", at: AT, complaint }));
    expect(headers.get("x-signature")).toBe(`sha256=${hex(await hmac(options.secret, raw))}`);
  });

  it("Should POST {event, at, merchant} for watcher.failing and watcher.recovered", async () => {
    for (const n of [FAILING, RECOVERED]) {
      const { raw, body, headers } = await json("webhook", options, n);
      if (n.kind !== "status") throw new Error("fixture");
      expect(body).toEqual({ event: n.event, at: AT, merchant: n.merchant });
      expect(headers.get("x-signature")).toBe(`sha256=${hex(await hmac(options.secret, raw))}`);
    }
  });

  it("Should carry the complaint's deadlines, next_due and both marks, in the API's order", async () => {
    const { body } = await json("webhook", options, NEW);
    expect(Object.keys(body.complaint).slice(-7)).toEqual(["active", "deadlines", "next_due", "replied", "handled", "refund", "raw"]);
    expect(body.complaint.deadlines).toEqual({ reply_by: "2026-11-09T01:13:29+08:00", resolve_by: "2026-11-11T01:13:29+08:00" });
    expect(body.complaint.next_due).toBe("2026-11-09T01:13:29+08:00");
    expect(body.complaint.raw).toEqual(stored.raw);
  });

  it("Should POST {event, at, complaint, deadline, due_at, hours_left} for complaint.due, signed", async () => {
    const { raw, body, headers } = await json("webhook", options, DUE);
    expect(Object.keys(body)).toEqual(["event", "at", "complaint", "deadline", "due_at", "hours_left"]);
    expect(body).toEqual({
      event: "complaint.due",
      at: DUE_AT,
      complaint,
      deadline: "reply",
      due_at: "2026-11-09T01:13:29+08:00",
      hours_left: 10,
    });
    // The threshold it was sent for is the sender's bookkeeping, not part of the payload.
    expect(body).not.toHaveProperty("hours");
    expect(headers.get("x-signature")).toBe(`sha256=${hex(await hmac(options.secret, raw))}`);
  });

  it("Should POST {event, at, complaint, deadline, due_at} for complaint.overdue", async () => {
    const { body } = await json("webhook", options, OVERDUE);
    expect(Object.keys(body)).toEqual(["event", "at", "complaint", "deadline", "due_at"]);
    expect(body).toEqual({ event: "complaint.overdue", at: OVERDUE_AT, complaint, deadline: "reply", due_at: "2026-11-09T01:13:29+08:00" });
  });

  it("Should refuse a deadline message of more or fewer than one deadline rather than drop any", async () => {
    const t = channel("webhook");
    await expect(t.request(DUE_TWO, t.parse(options), ctx)).rejects.toThrow(/one deadline/);
    await expect(t.request({ ...DUE_TWO, items: [] }, t.parse(options), ctx)).rejects.toThrow(/one deadline/);
  });

  it("Should POST {event, at, complaint} for complaint.refunded, the complaint with its refund and handled mark, signed", async () => {
    const { raw, body, headers } = await json("webhook", options, REFUNDED);
    expect(body).toEqual({ event: "complaint.refunded", at: REFUNDED.at, complaint: refundedComplaint });
    expect(Object.keys(body)).toEqual(["event", "at", "complaint"]);
    expect(body.complaint).toMatchObject({
      refund: { state: "done", at: REFUNDED_AT, total_fee: 2990 },
      handled: { note: "退款 ¥29.90 客户同意" },
      raw: stored.raw,
    });
    expect(headers.get("x-signature")).toBe(`sha256=${hex(await hmac(options.secret, raw))}`);
    const t = channel("webhook");
    await expect(t.request(REFUNDED_TWO, t.parse(options), ctx)).rejects.toThrow(/one refund/);
  });

  it("Should send no signature header without a secret", async () => {
    const { headers, body } = await json("webhook", { url: options.url }, FAILING);
    expect(headers.get("x-signature")).toBeNull();
    expect(body.event).toBe("watcher.failing");
  });

  it("Should send {event: test, at, message} for a test", async () => {
    const { body } = await json("webhook", options, TEST);
    expect(body).toEqual({ event: "test", at: AT, message: expect.stringContaining("测试消息") });
  });

  it("Should never be asked for a summary", async () => {
    const t = channel("webhook");
    await expect(t.request(SUMMARY, t.parse(options), ctx)).rejects.toThrow(/never a list/);
  });

  it("Should accept any 2xx and nothing else", () => {
    const t = channel("webhook");
    expect(t.check(200, "")).toEqual({ ok: true });
    expect(t.check(204, "")).toEqual({ ok: true });
    expect(t.check(301, "")).toEqual({ ok: false, code: "http_error", message: "HTTP 301" });
    expect(t.check(404, "not found")).toEqual({ ok: false, code: "http_error", message: "HTTP 404" });
  });
});

// ---- WeCom ---------------------------------------------------------------------------------------------------

describe("wecom", () => {
  const url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

  it("Should POST {msgtype: markdown, markdown: {content}} to the robot URL", async () => {
    const { req, body } = await json("wecom", { url }, NEW);
    expect(req.url).toBe(url);
    expect(Object.keys(body)).toEqual(["msgtype", "markdown"]);
    expect(body.msgtype).toBe("markdown");
    expect(Object.keys(body.markdown)).toEqual(["content"]);
    const content: string = body.markdown.content;
    expect(content.startsWith("### 新投诉 · 测试商户 · 29.90 元\n")).toBe(true);
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
    expect(body.markdown.content).toContain("### 投诉监控异常 · 测试商户");
    expect(body.markdown.content).toContain("**连续失败**：3 次");
    expect(body.markdown.content).toContain("**最近错误**：upstream_error：签名错误");
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
});

// ---- DingTalk -------------------------------------------------------------------------------------------------

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
    expect(body.markdown.title).toBe("新投诉 · 测试商户 · 29.90 元");
    expect(body.markdown.text).toContain("### 新投诉 · 测试商户 · 29.90 元");
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
    expect(unsigned.body.markdown.title).toBe("投诉监控异常 · 测试商户");
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
});

// ---- Feishu ----------------------------------------------------------------------------------------------------

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
      "新投诉 · 测试商户 · 29.90 元",
      "商户：测试商户（100）",
      "金额：29.90 元",
      "时间：2026-11-08 01:13:29",
      "期限：请在 11月9日 01:13 前回复，还剩 23 小时",
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
    expect(body.content.text).toContain("投诉监控已恢复 · 测试商户");
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
});

// ---- Slack -----------------------------------------------------------------------------------------------------

describe("slack", () => {
  const url = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";

  it("Should POST {text} with Slack's three characters escaped", async () => {
    const { req, body } = await json("slack", { url }, NEW);
    expect(req.url).toBe(url);
    expect(Object.keys(body)).toEqual(["text"]);
    expect(body.text.split("\n")[0]).toBe("新投诉 · 测试商户 · 29.90 元");
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
});

// ---- Telegram --------------------------------------------------------------------------------------------------

describe("telegram", () => {
  const token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawXyZ";

  it("Should POST {chat_id, text} to {api_base}/bot{token}/sendMessage", async () => {
    const { req, body } = await json("telegram", { bot_token: token, chat_id: -1001234567890 }, NEW);
    expect(req.url).toBe(`https://api.telegram.org/bot${token}/sendMessage`);
    expect(body).toEqual({ chat_id: -1001234567890, text: expect.any(String) });
    expect(Object.keys(body)).toEqual(["chat_id", "text"]);
    expect(body.text.split("\n")[0]).toBe("新投诉 · 测试商户 · 29.90 元");
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
    expect(body.text).toContain("投诉监控异常 · 测试商户");
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
});

// ---- Server酱 --------------------------------------------------------------------------------------------------

describe("serverchan", () => {
  const sendkey = "SCT123456TAbCdEfGhIjKlMn";

  it("Should POST a form with title and markdown desp to {api_base}/{sendkey}.send", async () => {
    const { req, raw } = await build("serverchan", { sendkey }, NEW);
    expect(req.method).toBe("POST");
    expect(req.url).toBe(`https://sctapi.ftqq.com/${sendkey}.send`);
    expect(req.headers.get("content-type")).toBe("application/x-www-form-urlencoded; charset=utf-8");
    const form = new URLSearchParams(raw);
    expect([...form.keys()]).toEqual(["title", "desp"]);
    expect(form.get("title")).toBe("新投诉 · 测试商户 · 29.90 元");
    const desp = form.get("desp") ?? "";
    expect(desp).toContain("**金额**：29.90 元");
    expect(desp).toContain("**时间**：2026-11-08 01:13:29");
    expect(desp).toContain(`[查看](${LINK})`);
    expect(desp).not.toContain("<");
  });

  it("Should keep the title within Server酱's 32 characters", async () => {
    const { raw } = await build("serverchan", { sendkey, api_base: "http://127.0.0.1:9999/" }, {
      ...NEW,
      merchantName: "名".repeat(40),
    } as Notification);
    const title = new URLSearchParams(raw).get("title") ?? "";
    expect(Array.from(title)).toHaveLength(32);
    expect(title.endsWith("…")).toBe(true);
  });

  it("Should describe a status event and use api_base", async () => {
    const { req, raw } = await build("serverchan", { sendkey, api_base: "http://127.0.0.1:9999/" }, FAILING);
    expect(req.url).toBe(`http://127.0.0.1:9999/${sendkey}.send`);
    const form = new URLSearchParams(raw);
    expect(form.get("title")).toBe("投诉监控异常 · 测试商户");
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
});

// ---- Bark -------------------------------------------------------------------------------------------------------

describe("bark", () => {
  const device_key = "abcDEF123ghiJKL456mnoP";

  it("Should POST {device_key, title, body, group: payjs} to {server}/push", async () => {
    const { req, body } = await json("bark", { device_key }, NEW);
    expect(req.url).toBe("https://api.day.app/push");
    expect(Object.keys(body)).toEqual(["device_key", "title", "body", "group"]);
    expect(body.device_key).toBe(device_key);
    expect(body.group).toBe("payjs");
    expect(body.title).toBe("新投诉 · 测试商户 · 29.90 元");
    expect(body.body.split("\n")[0]).toBe("商户：测试商户（100）");
    expect(body.body).toContain("商户订单号：OT-1");
    expect(body.body).toContain(`查看：${LINK}`);
  });

  it("Should describe a status event on its own server", async () => {
    const { req, body } = await json("bark", { device_key, server: "https://bark.example.com/" }, RECOVERED);
    expect(req.url).toBe("https://bark.example.com/push");
    expect(body.title).toBe("投诉监控已恢复 · 测试商户");
    expect(body.body).toContain("投诉拉取已恢复正常。");
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
});

/** Options of every chat channel type, enough to build a request. */
const CHAT_OPTIONS: Record<string, Record<string, unknown>> = {
  wecom: { url: "https://example.com/w" },
  dingtalk: { url: "https://example.com/d" },
  feishu: { url: "https://example.com/f" },
  slack: { url: "https://example.com/s" },
  telegram: { bot_token: "1:abc", chat_id: 1 },
  serverchan: { sendkey: "SCTx" },
  bark: { device_key: "k" },
  pushplus: { token: "0123456789abcdef0123456789abcdef" },
  wxpusher: { app_token: "AT_SeCrEt0123456789abcdefXYZ", uids: ["UID_aaaa1111"] },
};

// ---- summaries -------------------------------------------------------------------------------------------------

describe("Summaries on chat channels", () => {
  it("Should send one summary message with 5 lines and 还有 2 条 through every chat channel", async () => {
    for (const [type, o] of Object.entries(CHAT_OPTIONS).filter(([t]) => t !== "pushplus" && t !== "wxpusher")) {
      const { raw } = await build(type, o, SUMMARY);
      const text = type === "serverchan" ? (new URLSearchParams(raw).get("desp") ?? "") : raw;
      expect(text, type).toContain("还有 2 条");
      expect(text, type).toContain("https://watch.example.com/");
      expect(text.match(/OT-1/g), type).toHaveLength(5);
    }
  });
});

// ---- deadlines ------------------------------------------------------------------------------------------------

describe("Deadline messages on chat channels", () => {
  const opts = CHAT_OPTIONS;
  const textOf = (type: string, raw: string): string => {
    if (type === "serverchan") return new URLSearchParams(raw).get("desp") ?? "";
    return JSON.stringify(JSON.parse(raw));
  };

  it("Should tell every chat channel of each coming deadline, soonest first, with the time left and its link", async () => {
    for (const [type, o] of Object.entries(opts)) {
      const text = textOf(type, (await build(type, o, DUE_TWO)).raw);
      const reply = text.indexOf("回复剩 10 小时");
      const resolve = text.indexOf("完成剩 18 小时");
      expect(reply, type).toBeGreaterThan(-1);
      expect(resolve, type).toBeGreaterThan(reply);
      expect(text, type).toContain("11月9日 01:13");
      expect(text, type).toContain("https://watch.example.com/#/complaints/100/C1");
      expect(text, type).toContain("https://watch.example.com/#/complaints/100/C2");
    }
  });

  it("Should tell every chat channel of a passed deadline and how long ago", async () => {
    for (const [type, o] of Object.entries(opts)) {
      const text = textOf(type, (await build(type, o, OVERDUE)).raw);
      expect(text, type).toContain("回复已超期 3 小时");
      expect(text, type).toContain(LINK);
    }
  });
});

// ---- refunds ----------------------------------------------------------------------------------------------------

describe("Refund messages on chat channels", () => {
  /** The whole message as the platform gets it: Server酱's title and desp, every other platform's JSON. */
  const textOf = (type: string, raw: string): string => {
    if (type === "serverchan") return [...new URLSearchParams(raw).values()].join("\n");
    return JSON.stringify(JSON.parse(raw));
  };

  it("Should tell every chat channel of a refund: amount, Beijing time, both order numbers, the note and its link", async () => {
    for (const [type, o] of Object.entries(CHAT_OPTIONS)) {
      const { raw } = await build(type, o, REFUNDED);
      const text = textOf(type, raw);
      for (const part of ["已退款", "29.90 元", "2026-11-08 10:00:00", "OT-1", "2026110812345", "客户同意", LINK]) {
        expect(text, `${type} ${part}`).toContain(part);
      }
    }
  });

  it("Should list two refunds of a merchant in one message on every chat channel, each with its link", async () => {
    for (const [type, o] of Object.entries(CHAT_OPTIONS)) {
      const text = textOf(type, (await build(type, o, REFUNDED_TWO)).raw);
      expect(text, type).toContain("2 笔");
      expect(text, type).toContain(LINK);
      expect(text, type).toContain("https://watch.example.com/#/complaints/100/C2");
    }
  });
});

// ---- PushPlus ---------------------------------------------------------------------------------------------------

/** What NOTIFY_CHANNELS says about one bad item: the ConfigError's message. */
function settingError(item: Record<string, unknown>): string {
  try {
    parseChannels(JSON.stringify([item]), new Set(["100"]));
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  }
  throw new Error("NOTIFY_CHANNELS accepted a bad item");
}

describe("pushplus", () => {
  const token = "0123456789abcdef0123456789abcdef";

  it("Should POST {token, title, content, template: markdown} to {api_base}/send for a new complaint", async () => {
    const { req, body } = await json("pushplus", { token }, NEW);
    expect(req.url).toBe("https://www.pushplus.plus/send");
    expect(Object.keys(body)).toEqual(["token", "title", "content", "template"]);
    expect(body.token).toBe(token);
    expect(body.template).toBe("markdown");
    expect(body.title).toBe("新投诉 · 测试商户 · 29.90 元");
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
    expect(failing.body.title).toBe("投诉监控异常 · 测试商户");
    expect(failing.body.content).toContain("**连续失败**：3 次");
    expect(failing.body.content).toContain("**最近错误**：upstream_error：签名错误");
    expect(failing.body.content).toContain("[查看](https://watch.example.com/)");
    const recovered = await json("pushplus", options, RECOVERED);
    expect(recovered.body.title).toBe("投诉监控已恢复 · 测试商户");
    expect(recovered.body.content).toContain("投诉拉取已恢复正常。");
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
    const { body } = await json("pushplus", { token }, { ...NEW, merchantName: "名".repeat(120) } as Notification);
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

  it("Should make an unknown or mistyped option a NOTIFY_CHANNELS error naming it, never echoing the token", () => {
    const message = settingError({ type: "pushplus", token: "SECRET0123456789abcdef", topics: "x" });
    expect(message).toMatch(/^NOTIFY_CHANNELS: \[0\]\.topics is not an option of pushplus \(it takes token, topic, api_base\)/);
    expect(message).not.toContain("SECRET0123456789abcdef");
    expect(settingError({ type: "pushplus", token: "SECRET 0123" })).toMatch(/^NOTIFY_CHANNELS: \[0\]\.token /);
  });
});

// ---- WxPusher ---------------------------------------------------------------------------------------------------

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
    expect(body.summary).toBe("新投诉 · 测试商户 · 29.90 元");
    const content: string = body.content;
    expect(content.startsWith("### 新投诉 · 测试商户 · 29.90 元\n")).toBe(true);
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
    expect(failing.body.summary).toBe("投诉监控异常 · 测试商户");
    expect(failing.body.content).toContain("### 投诉监控异常 · 测试商户");
    expect(failing.body.content).toContain("**连续失败**：3 次");
    const recovered = await json("wxpusher", { app_token, uids }, RECOVERED);
    expect(recovered.body.topicIds).toEqual([]);
    expect(recovered.body.summary).toBe("投诉监控已恢复 · 测试商户");
    expect(recovered.body.url).toBe("https://watch.example.com/");
    const test = await json("wxpusher", { app_token, uids }, TEST);
    expect(test.body.summary).toBe("测试消息 · PAYJS 投诉监控");
    expect(test.body.url).toBe("https://watch.example.com/");
  });

  it("Should link a due, overdue or resolved message about one complaint to it, and a list to the dashboard", async () => {
    const cases: [Notification, string][] = [
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
    const { body } = await json("wxpusher", { app_token, uids }, { ...NEW, merchantName: "名".repeat(120) } as Notification);
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

  it("Should make an unknown or mistyped option a NOTIFY_CHANNELS error naming it, never echoing the appToken", () => {
    const message = settingError({ type: "wxpusher", app_token, uids, topicIds: [1] });
    expect(message).toMatch(
      /^NOTIFY_CHANNELS: \[0\]\.topicIds is not an option of wxpusher \(it takes app_token, uids, topic_ids, api_base\)/,
    );
    expect(message).not.toContain("SeCrEt0123456789");
    expect(settingError({ type: "wxpusher", app_token, uids: "UID_aaaa1111" })).toMatch(/^NOTIFY_CHANNELS: \[0\]\.uids must be an array/);
    expect(settingError({ type: "wxpusher", app_token })).toMatch(/^NOTIFY_CHANNELS: \[0\]\.uids or "topic_ids" is required/);
  });
});
