import { describe, expect, it } from "vitest";
import {
  AT,
  channel,
  complaint,
  ctx,
  DUE,
  DUE_AT,
  DUE_TWO,
  expectSecretRefused,
  expectUrlRefused,
  FAILING,
  hex,
  hmac,
  json,
  LINK,
  NEW,
  OVERDUE,
  OVERDUE_AT,
  RECOVERED,
  REFUNDED,
  REFUNDED_AT,
  REFUNDED_TWO,
  refundedComplaint,
  SUMMARY,
  stored,
  TEST,
} from "../../../test/support/channel-fixtures";
import type { DueNotice } from "../events/complaint-due";

describe("webhook", () => {
  const options = { url: "https://hooks.example.com/payjs?x=1", secret: "s3cr3t-密钥" };

  it("Should POST {event, at, complaint} with the complaint exactly as the API shows it, signed over the raw body", async () => {
    const { req, raw, body, headers } = await json("webhook", options, NEW);
    expect(req.url).toBe("https://hooks.example.com/payjs?x=1");
    expect(body).toEqual({ event: "complaint.new", at: AT, complaint, link: LINK });
    expect(Object.keys(body)).toEqual(["event", "at", "complaint", "link"]);
    expect(raw).toBe(JSON.stringify({ event: "complaint.new", at: AT, complaint, link: LINK }));
    expect(headers.get("x-signature")).toBe(`sha256=${hex(await hmac(options.secret, raw))}`);
  });

  it("Should link the complaint with its view key in the fragment, and leave the link out without PUBLIC_URL", async () => {
    const keyed = { ...ctx, viewKey: (mchid: string, id: string) => `k.${mchid}.${id}` };
    expect((await json("webhook", options, NEW, keyed)).body.link).toBe(`${LINK}?view=k.100.C1`);
    const { body } = await json("webhook", options, NEW, { ...ctx, publicUrl: null });
    expect(Object.keys(body)).toEqual(["event", "at", "complaint"]);
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
    expect(Object.keys(body)).toEqual(["event", "at", "complaint", "deadline", "due_at", "hours_left", "link"]);
    expect(body).toEqual({
      event: "complaint.due",
      at: DUE_AT,
      complaint,
      deadline: "reply",
      due_at: "2026-11-09T01:13:29+08:00",
      hours_left: 10,
      link: LINK,
    });
    // The threshold it was sent for is the sender's bookkeeping, not part of the payload.
    expect(body).not.toHaveProperty("hours");
    expect(headers.get("x-signature")).toBe(`sha256=${hex(await hmac(options.secret, raw))}`);
  });

  it("Should POST {event, at, complaint, deadline, due_at} for complaint.overdue", async () => {
    const { body } = await json("webhook", options, OVERDUE);
    expect(Object.keys(body)).toEqual(["event", "at", "complaint", "deadline", "due_at", "link"]);
    expect(body).toEqual({
      event: "complaint.overdue",
      at: OVERDUE_AT,
      complaint,
      deadline: "reply",
      due_at: "2026-11-09T01:13:29+08:00",
      link: LINK,
    });
  });

  it("Should refuse a deadline message of more or fewer than one deadline rather than drop any", async () => {
    const t = channel("webhook");
    await expect(t.request(DUE_TWO, t.parse(options), ctx)).rejects.toThrow(/one deadline/);
    const none: DueNotice = { ...DUE_TWO, items: [] };
    await expect(t.request(none, t.parse(options), ctx)).rejects.toThrow(/one deadline/);
  });

  it("Should POST {event, at, complaint} for complaint.refunded, the complaint with its refund and handled mark, signed", async () => {
    const { raw, body, headers } = await json("webhook", options, REFUNDED);
    expect(body).toEqual({ event: "complaint.refunded", at: REFUNDED.at, complaint: refundedComplaint, link: LINK });
    expect(Object.keys(body)).toEqual(["event", "at", "complaint", "link"]);
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

  it("Should refuse a missing, relative or non-http URL, naming the option and not echoing it", () => {
    expectUrlRefused("webhook");
  });

  it("Should refuse a present but empty or non-string secret rather than send unsigned", () => {
    expectSecretRefused("webhook");
  });
});
