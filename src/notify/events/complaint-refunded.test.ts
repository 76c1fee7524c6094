import { describe, expect, it } from "vitest";
import { itemsOf, keptComplaint, newsOf, PUBLIC_URL, servedComplaint, testChannel } from "../../../test/support/alerts";
import { messageOf } from "../../../test/support/messages";
import { DAY, MINUTE } from "../../../test/support/time";
import { emptyBook, type MarkBook, marksIn, withMark } from "../../domain/marks";
import { emptyOutbox, type OutboxEntry } from "../../domain/outbox";
import { type RefundOutcome, refundNote, withOutcome } from "../../domain/refund";
import type { ServedComplaint } from "../../domain/served";
import { recordAttempt } from "../outbox";
import { markdownText, plainText } from "../render";
import { LIST_SHOWN } from "../text";
import { REFUND_LATE_LIMIT_MS, type RefundedItem, type RefundedNotice, refundNews } from "./complaint-refunded";
import { queueNews } from "./index";

const T0 = Date.parse("2026-12-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

const outcome = (state: RefundOutcome["state"], at = T0, over: Partial<RefundOutcome> = {}): RefundOutcome => ({
  attempt: `att-${state}-${at}`,
  state,
  at: iso(at),
  total_fee: 2990,
  note: "",
  message: state === "done" ? null : "余额不足",
  by: null,
  ...over,
});

/** A book as the route leaves it: each outcome, and the handled mark a done refund leaves. */
function book(outcomes: Record<string, RefundOutcome>): MarkBook {
  let b = emptyBook();
  for (const [id, o] of Object.entries(outcomes)) {
    b = { ...b, refunds: withOutcome(b.refunds, id, o) };
    if (o.state === "done") b = withMark(b, "handled", id, { at: o.at, by: null, note: refundNote(o.total_fee, o.note) });
  }
  return b;
}

/** Merchant `mchid`'s complaints `ids`, served with `b`. */
const complaints = (mchid: string, ids: string[], b: MarkBook): ServedComplaint[] =>
  ids.map((id) => ({
    ...keptComplaint(
      { id, raw: { complaint_id: id, total_fee: 2990, extra: "kept for webhooks" }, first_seen_at: iso(T0) },
      marksIn(b, id),
    ),
    mchid,
  }));

const told = (b: MarkBook, mchid: string, ids: string[], now: number) =>
  refundNews(b.refunds, complaints(mchid, ids, b), now).map((r) => [r.complaint.mchid, r.complaint.id, r.attempt]);

describe("refundNews", () => {
  it("Should tell each done refund with its attempt, amount, time and note, the complaint served with its refund and mark", () => {
    const b = book({ A: outcome("done", T0, { note: "客户同意" }) });
    const [item, ...more] = refundNews(b.refunds, complaints("100", ["A", "B"], b), T0 + 60_000);
    expect(more).toEqual([]);
    expect(item).toMatchObject({ attempt: `att-done-${T0}`, at: iso(T0), total_fee: 2990, note: "客户同意" });
    expect(item?.complaint).toMatchObject({
      id: "A",
      mchid: "100",
      refund: { state: "done", at: iso(T0), total_fee: 2990 },
      handled: { note: "退款 ¥29.90 客户同意" },
    });
  });

  it("Should tell nothing of failed or unknown refunds, nor of complaints without one", () => {
    const b = book({ F: outcome("failed"), U: outcome("unknown") });
    expect(told(b, "100", ["F", "U", "N"], T0 + 60_000)).toEqual([]);
  });

  it("Should tell a refund done after a failed try, by the attempt that refunded it", () => {
    const failed = book({ A: outcome("failed", T0) });
    expect(told(failed, "100", ["A"], T0 + 60_000)).toEqual([]);
    const done = book({ A: outcome("done", T0 + 120_000, { attempt: "second" }) });
    expect(told(done, "100", ["A"], T0 + 180_000)).toEqual([["100", "A", "second"]]);
  });

  it("Should list refunds oldest first, and stop telling one 6 days after it was done", () => {
    const b = book({ late: outcome("done", T0 + DAY), early: outcome("done", T0) });
    expect(told(b, "100", ["late", "early"], T0 + DAY).map(([, id]) => id)).toEqual(["early", "late"]);
    expect(told(b, "100", ["late", "early"], T0 + REFUND_LATE_LIMIT_MS - 1).map(([, id]) => id)).toEqual(["early", "late"]);
    expect(told(b, "100", ["late", "early"], T0 + REFUND_LATE_LIMIT_MS).map(([, id]) => id)).toEqual(["late"]);
    expect(REFUND_LATE_LIMIT_MS).toBe(6 * DAY);
  });

  it("Should never tell a refund whose time cannot be read", () => {
    const b = book({ A: outcome("done", T0, { at: "yesterday" }) });
    expect(told(b, "100", ["A"], T0)).toEqual([]);
  });

  it("Should not mix up merchants: each merchant's complaints with its own book, ids shared or not", () => {
    const mine = book({ A: outcome("done", T0, { attempt: "mine" }) });
    const theirs = book({ B: outcome("done", T0, { attempt: "theirs" }) });
    // Both merchants have complaints A and B; each book refunds one of them.
    expect(told(mine, "100", ["A", "B"], T0)).toEqual([["100", "A", "mine"]]);
    expect(told(theirs, "200", ["A", "B"], T0)).toEqual([["200", "B", "theirs"]]);
  });
});

describe("complaint.refunded: queued", () => {
  const at = iso(T0);
  const later = iso(T0 + 30 * MINUTE);
  const chat = testChannel("chat", "slack");
  const hook = testChannel("hook", "webhook");
  /** A tick of merchant 100 at `when` whose refunds on record are `done` (complaint id → the attempt that refunded it). */
  const tick = (done: Record<string, string>, when = at) => {
    const b = book(Object.fromEntries(Object.entries(done).map(([id, attempt]) => [id, outcome("done", T0, { attempt })])));
    return newsOf(when, { refunds: { book: b.refunds, complaints: complaints("100", Object.keys(done), b) } });
  };
  const refundedOf = (e: OutboxEntry | undefined) => itemsOf<RefundedItem>(e).map((r) => [r.complaint.id, r.attempt]);

  it("Should queue one webhook message per refund, keyed by its attempt, and one chat message per merchant and tick", () => {
    const outbox = emptyOutbox();
    expect(queueNews(outbox, tick({ a: "att-a", b: "att-b" }), [chat, hook])).toBe(true);
    const hooks = outbox.entries.filter((e) => e.channel === "hook");
    expect(hooks.map((e) => [e.id, e.event, e.complaint_ids])).toEqual([
      ["hook|refund:a@att-a", "complaint.refunded", ["a"]],
      ["hook|refund:b@att-b", "complaint.refunded", ["b"]],
    ]);
    expect(hooks.map(refundedOf)).toEqual([[["a", "att-a"]], [["b", "att-b"]]]);
    const chats = outbox.entries.filter((e) => e.channel === "chat");
    expect(chats.map((e) => [e.id, e.event, e.complaint_ids])).toEqual([["chat|refunds:" + at, "complaint.refunded", ["a", "b"]]]);
    expect(refundedOf(chats[0])).toEqual([
      ["a", "att-a"],
      ["b", "att-b"],
    ]);
    expect(chats[0]?.notification).toMatchObject({ kind: "refunded", event: "complaint.refunded", at, mchid: "100", merchantName: null });
    // The webhook gets the complaint whole, the chat message without raw.
    const rawOf = (e: OutboxEntry | undefined) => itemsOf<RefundedItem>(e)[0]?.complaint.raw;
    expect(rawOf(hooks[0])).toMatchObject({ extra: "kept for webhooks" });
    expect(rawOf(chats[0])).toEqual({});
  });

  it("Should tell a refund once on every channel, pending, sent or given up, however many ticks see it", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick({ a: "att-a" }), [chat, hook]);
    expect(queueNews(outbox, tick({ a: "att-a" }, later), [chat, hook])).toBe(false);
    recordAttempt(outbox, outbox.entries[0]!, { ok: true }, T0);
    for (let i = 0; i < 6; i++) recordAttempt(outbox, outbox.entries[1]!, { ok: false, code: "http_error", message: "down" }, T0);
    expect(outbox.entries.map((e) => e.state)).toEqual(["delivered", "given_up"]);
    expect(queueNews(outbox, tick({ a: "att-a" }, later), [chat, hook])).toBe(false);
    // Another refund of the same merchant is news, told alone.
    expect(queueNews(outbox, tick({ a: "att-a", b: "att-b" }, later), [chat, hook])).toBe(true);
    expect(outbox.entries.slice(2).map((e) => [e.channel, refundedOf(e)])).toEqual([
      ["chat", [["b", "att-b"]]],
      ["hook", [["b", "att-b"]]],
    ]);
  });

  it("Should not tell a complaint's refund again when another attempt is recorded done (PAYJS refunds an order once)", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick({ a: "first" }), [chat, hook]);
    expect(queueNews(outbox, tick({ a: "second" }, later), [chat, hook])).toBe(false);
  });

  it("Should follow a channel's events and merchants: a channel without complaint.refunded gets none", () => {
    const outbox = emptyOutbox();
    queueNews(outbox, tick({ a: "att-a" }), [
      { ...hook, events: new Set(["complaint.new", "complaint.resolved"]) },
      { ...chat, name: "other", merchants: new Set(["200"]) },
      { ...chat, name: "refunds", events: new Set(["complaint.refunded"]) },
    ]);
    expect(outbox.entries.map((e) => [e.channel, e.event])).toEqual([["refunds", "complaint.refunded"]]);
  });
});

describe("complaint.refunded: text", () => {
  /** Refunded at 2026-11-08 10:00:00 in Beijing. */
  const refundAt = "2026-11-08T02:00:00.000Z";
  const mark = { at: refundAt, note: "退款 ¥29.90 客户同意", by: null };
  const refunded = servedComplaint(
    {},
    { replied: null, handled: mark, refund: { state: "done", at: refundAt, total_fee: 2990, by: null } },
  );
  const item = (c: ServedComplaint = refunded, note = "客户同意"): RefundedItem => ({
    complaint: c,
    attempt: "att-1",
    at: c.refund?.at ?? refundAt,
    total_fee: c.total_fee ?? 0,
    note,
  });
  const message = (items: RefundedItem[], merchantName: string | null = "测试商户"): RefundedNotice => ({
    kind: "refunded",
    event: "complaint.refunded",
    at: "2026-11-08T02:30:00.000Z",
    mchid: "100",
    merchantName,
    items,
  });

  it("Should tell one refund field by field: merchant, amount, Beijing time, both order numbers, the note and its link", () => {
    const m = messageOf(message([item()]), PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "已退款 · 测试商户 · 29.90 元",
        "商户：测试商户（100）",
        "金额：29.90 元",
        "退款时间：2026-11-08 10:00:00",
        "商户订单号：OT-1",
        "PAYJS订单号：2026110812345",
        "备注：客户同意",
        "查看：https://watch.example.com/#/complaints/100/C1",
      ].join("\n"),
    );
    expect(markdownText(m)).toContain("### 已退款 · 测试商户 · 29.90 元\n\n**商户**：测试商户（100）  \n**金额**：29.90 元  \n");
    expect(markdownText(m)).toContain("[查看](https://watch.example.com/#/complaints/100/C1)");
    expect(m.link).toBe("https://watch.example.com/#/complaints/100/C1");
  });

  it("Should leave out an empty note, and the link without PUBLIC_URL", () => {
    const m = messageOf(message([item(refunded, "  ")], null), null);
    expect(m.title).toBe("已退款 · 100 · 29.90 元");
    expect(m.text).not.toContain("备注");
    expect(plainText(m)).not.toContain("http");
    expect(m.link).toBeNull();
  });

  it("Should list a merchant's refunds of one tick one line each, with the count and the total in the title", () => {
    const second = servedComplaint(
      { id: "C2", out_trade_no: "OT-2", order_id: "2026110899999", total_fee: 100 },
      { replied: null, handled: mark, refund: { state: "done", at: "2026-11-08T02:10:00.000Z", total_fee: 100, by: null } },
    );
    const m = messageOf(message([item(), item(second, "")]), PUBLIC_URL);
    expect(plainText(m)).toBe(
      [
        "已退款 · 测试商户 · 2 笔 · 30.90 元",
        "商户：测试商户（100）",
        "2 笔投诉订单已通过 PAYJS 退款，共 30.90 元：",
        "- 2026-11-08 10:00:00 · 29.90 元 · 商户订单号 OT-1 · PAYJS订单号 2026110812345 · 备注 客户同意 · https://watch.example.com/#/complaints/100/C1",
        "- 2026-11-08 10:10:00 · 1.00 元 · 商户订单号 OT-2 · PAYJS订单号 2026110899999 · https://watch.example.com/#/complaints/100/C2",
        "查看：https://watch.example.com/",
      ].join("\n"),
    );
    expect(m.link).toBe("https://watch.example.com/");
  });

  it("Should keep a hostile note inert in markdown and on one line", () => {
    const m = messageOf(message([item(refunded, "[点我](https://evil.example)\n# 标题 <font>")]), null);
    const md = markdownText(m);
    expect(md).toContain("**备注**：［点我］（https://evil.example） # 标题 ＜font＞");
    expect(md).not.toContain("](https://evil");
  });

  it("Should list at most LIST_SHOWN refunds and say how many more", () => {
    const many = Array.from({ length: LIST_SHOWN + 3 }, (_, i) =>
      item(servedComplaint({ id: `R${i}`, out_trade_no: `OT-R${i}` }, { replied: null, handled: mark, refund: refunded.refund })),
    );
    const m = messageOf(message(many), null);
    expect(m.title).toBe(`已退款 · 测试商户 · ${LIST_SHOWN + 3} 笔 · ${(29.9 * (LIST_SHOWN + 3)).toFixed(2)} 元`);
    expect(m.text.match(/^- /gm)).toHaveLength(LIST_SHOWN);
    expect(m.text).toContain("还有 3 条");
  });
});
