/**
 * Fixtures for the channel types' tests (src/notify/channels/*.test.ts): a complaint whose body holds markup no
 * channel may render, the messages of every event about it, a send context, an HMAC computed from the documented
 * formulas (not src/sha256.ts), and helpers that build a channel's request or catch its option error.
 */
import { expect } from "vitest";
import type { Complaint } from "../../src/domain/complaint";
import type { Notice } from "../../src/domain/outbox";
import { CHANNEL_TYPES, OptionError } from "../../src/notify/channels";
import type { DueNotice } from "../../src/notify/events/complaint-due";
import type { NewComplaintNotice } from "../../src/notify/events/complaint-new";
import type { OverdueNotice } from "../../src/notify/events/complaint-overdue";
import type { RefundedItem, RefundedNotice } from "../../src/notify/events/complaint-refunded";
import type { FailingNotice } from "../../src/notify/events/watcher-failing";
import type { RecoveredNotice } from "../../src/notify/events/watcher-recovered";
import type { TestNotice } from "../../src/notify/format";
import type { ChannelType, SendContext } from "../../src/notify/types";
import { COMPLAINT, FAILING_MERCHANT, servedComplaint } from "./alerts";

// ---- the complaint and the messages about it -------------------------------------------------------------

/** {@link COMPLAINT} with markup in its body (an @all tag, a link) and PAYJS's item as it came. */
export const stored: Complaint = {
  ...COMPLAINT,
  body: '商品未收到 <at user_id="all">所有人</at> [x](http://evil)',
  raw: { complaint_id: "C1", complaint_at: "2026-11-08 01:13:29", total_fee: "2990", extra: { kept: true } },
};
/** As the API shows it: reply by 2026-11-09 01:13:29, resolve by 2026-11-11 01:13:29 (Beijing). */
export const complaint = servedComplaint(stored);
/** A second complaint of the same merchant, made two days earlier. */
export const other = servedComplaint({ ...stored, id: "C2", out_trade_no: "OT-2", complaint_at: "2026-11-06T10:00:00+08:00" });

export const AT = "2026-11-07T17:20:00.000Z";
export const NEW: NewComplaintNotice & { kind: "complaint" } = {
  kind: "complaint",
  event: "complaint.new",
  at: AT,
  merchantName: "测试商户",
  complaint,
};
export const FAILING: FailingNotice = { kind: "status", event: "watcher.failing", at: AT, merchant: FAILING_MERCHANT };
export const RECOVERED: RecoveredNotice = {
  kind: "status",
  event: "watcher.recovered",
  at: AT,
  merchant: { ...FAILING_MERCHANT, consecutive_failures: 0, last_error: null },
};
export const TEST: TestNotice = { kind: "test", event: "test", at: AT };
/** Seven new complaints in one poll, as a chat channel gets them: the newest five listed. */
export const SUMMARY: NewComplaintNotice & { kind: "summary" } = {
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
export const DUE_AT = "2026-11-08T07:13:29.000Z";
export const DUE: DueNotice = {
  kind: "due",
  event: "complaint.due",
  at: DUE_AT,
  mchid: "100",
  merchantName: "测试商户",
  items: [{ complaint, deadline: "reply", due_at: "2026-11-09T01:13:29+08:00", hours: 12, hours_left: 10 }],
};
/** Two deadlines of one merchant, soonest first, as a chat channel gets them. */
export const DUE_TWO: DueNotice = {
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
export const OVERDUE_AT = "2026-11-08T20:13:29.000Z";
export const OVERDUE: OverdueNotice = {
  kind: "overdue",
  event: "complaint.overdue",
  at: OVERDUE_AT,
  mchid: "100",
  merchantName: "测试商户",
  items: [{ complaint, deadline: "reply", due_at: "2026-11-09T01:13:29+08:00" }],
};

/** Refunded at 2026-11-08 10:00:00 in Beijing, through PAYJS, with the handled mark the refund leaves. */
export const REFUNDED_AT = "2026-11-08T02:00:00.000Z";
export const refundedComplaint = servedComplaint(stored, {
  replied: null,
  handled: { at: REFUNDED_AT, note: "退款 ¥29.90 客户同意", by: null },
  refund: { state: "done", at: REFUNDED_AT, total_fee: 2990, by: null },
});
const refundedItem = (c = refundedComplaint): RefundedItem => ({
  complaint: c,
  attempt: `att-${c.id}`,
  at: REFUNDED_AT,
  total_fee: 2990,
  note: "客户同意",
});
export const REFUNDED: RefundedNotice = {
  kind: "refunded",
  event: "complaint.refunded",
  at: "2026-11-08T02:30:00.000Z",
  mchid: "100",
  merchantName: "测试商户",
  items: [refundedItem()],
};
export const REFUNDED_TWO: RefundedNotice = {
  ...REFUNDED,
  items: [refundedItem(), refundedItem(servedComplaint({ ...stored, id: "C2", out_trade_no: "OT-2" }))],
};

// ---- the send context ------------------------------------------------------------------------------------

/** A fixed real-clock instant, in ms. */
export const NOW = 1_762_535_609_123;
/** Sent at the moment the messages were told (their `at`): the time left reads as when they were queued. */
export const ctx: SendContext = { publicUrl: "https://watch.example.com/", now: NOW, at: Date.parse(AT) };
/** {@link ctx}, sent at the moment `n` was told (its `at`): for the messages told at another time than {@link AT}. */
export const sentWhenTold = (n: Notice): SendContext => ({ ...ctx, at: Date.parse(n.at) });
/** The dashboard's page of {@link complaint} under `ctx.publicUrl`. */
export const LINK = "https://watch.example.com/#/complaints/100/C1";

// ---- independent HMAC (the documented formulas, not src/sha256.ts) -----------------------------------

const utf8 = new TextEncoder();

export async function hmac(key: string, message: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", utf8.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, utf8.encode(message)));
}
export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
export const b64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));

// ---- requests and option errors ---------------------------------------------------------------------------

/** The channel type registered as `type`. */
export function channel(type: string): ChannelType<unknown> {
  const t = CHANNEL_TYPES[type];
  if (t === undefined) throw new Error(`no channel type ${type}`);
  return t;
}

/** The request a channel of `type` with `options` makes for `n`, and its body as text. */
export async function build<N extends Notice>(type: string, options: Record<string, unknown>, n: N, c: SendContext = ctx) {
  const t = channel(type);
  const req = await t.request(n, t.parse(options), c);
  const raw = await req.text();
  return { req, raw, url: req.url, headers: req.headers };
}

/** {@link build}, checking it is a JSON POST, with the body parsed. */
export async function json<N extends Notice>(type: string, options: Record<string, unknown>, n: N, c?: SendContext) {
  const r = await build(type, options, n, c);
  expect(r.req.method).toBe("POST");
  expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
  return { ...r, body: JSON.parse(r.raw) as Record<string, any> };
}

/** The OptionError `type` throws for `options` (failing the test if it throws another error or none). */
export function parseError(type: string, options: Record<string, unknown>): OptionError {
  try {
    channel(type).parse(options);
  } catch (e) {
    expect(e).toBeInstanceOf(OptionError);
    return e as OptionError;
  }
  throw new Error("parse accepted bad options");
}

/** Checks that `type` refuses a missing, relative or non-http `url`, naming the option and not echoing it. */
export function expectUrlRefused(type: string): void {
  expect(parseError(type, {}).option).toBe("url");
  for (const bad of ["hooks.example.com/SECRET-TOKEN-1", "ftp://example.com/SECRET-TOKEN-1", "/SECRET-TOKEN-1", 42]) {
    const e = parseError(type, { url: bad });
    expect(e.option).toBe("url");
    expect(e.message).toContain('"url"');
    expect(e.message).not.toContain("SECRET-TOKEN-1");
  }
}

/** Checks that `type` refuses a present but empty or non-string `secret` rather than send unsigned. */
export function expectSecretRefused(type: string): void {
  for (const bad of ["", "   ", null, 123]) {
    const e = parseError(type, { url: "https://example.com/hook", secret: bad });
    expect(e.option).toBe("secret");
  }
}
