/**
 * `complaint.refunded` end to end inside workerd: a refund's outcome in the merchant's marks book (written as
 * `POST /api/complaints/{id}/refund` writes it) → the cron tick → outbox in KV held to production's rules → channel
 * requests to a recording receiver, under a controlled clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PayjsSandbox, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../sandbox/payjs-sandbox";
import { changeMarks } from "../src/actions/marks";
import { type MarkBook, markOf, withMark } from "../src/domain/marks";
import { type RefundOutcome, refundNote, withOutcome } from "../src/domain/refund";
import { Store } from "../src/store";
import { Receiver, routeFetch } from "./support/receiver";
import { ADMIN_TOKEN, alertEnv, call, clearKv, fireCron, kv, NO_DEADLINES, testEnv, tickThrough } from "./support/worker";

const H = 3_600_000;
const MIN = 60_000;
const DAY = 24 * H;
/** 2026-12-01 08:00 in Beijing. */
const T0 = Date.parse("2026-12-01T00:00:00Z");
const { mchid } = SANDBOX_MERCHANT;
const HOOK = { type: "webhook", name: "hook", url: "https://hooks.test/in" };
const WECOM = { type: "wecom", name: "chat", url: "https://wecom.test/send" };
/** A channel that takes every event but this one. */
const NEW_ONLY = { type: "webhook", name: "new-only", url: "https://other.test/in", events: ["complaint.new", "complaint.resolved"] };
/** A channel that takes this event alone. */
const REFUNDS_ONLY = { type: "webhook", name: "refunds-only", url: "https://refunds.test/in", events: ["complaint.refunded"] };
/** Every channel of these tests: two that take every event, one that does not take this one, one that takes it alone. */
const EVERY_CHANNEL = [HOOK, WECOM, NEW_ONLY, REFUNDS_ONLY];
let sandbox: PayjsSandbox;
let receiver: Receiver;

const made = (id: string, total_fee = 2990) => ({
  complaint_id: id,
  complaint_at: "2026-12-01 07:00:00",
  out_trade_no: `T-${id}`,
  order_id: `O-${id}`,
  total_fee,
  body: "商品未收到，要求退款",
});

const bodies = (pattern: RegExp) => receiver.to(pattern).map((r) => JSON.parse(r.body));
const refundedTo = (pattern: RegExp) => bodies(pattern).filter((b) => b.event === "complaint.refunded");
/** What the chat channel got, as text. */
const chat = () => bodies(/wecom\.test/).map((b) => b.markdown.content as string);

/**
 * Records refund outcomes in merchant `m`'s marks book as the route does: in one write, each outcome under
 * `refunds`, and a done refund's handled mark unless the complaint has one. One invocation of its own.
 */
async function recordRefunds(
  refunds: Record<string, Partial<RefundOutcome>>,
  now: number,
  m: string = mchid,
): Promise<Record<string, RefundOutcome>> {
  kv.nextInvocation();
  const outcomes: Record<string, RefundOutcome> = {};
  for (const [id, over] of Object.entries(refunds)) {
    outcomes[id] = {
      attempt: crypto.randomUUID(),
      state: "done",
      at: new Date(now).toISOString(),
      total_fee: 2990,
      note: "",
      message: null,
      by: null,
      ...over,
    };
  }
  await changeMarks(
    new Store(kv.kv),
    m,
    // Every complaint of these tests is made on 2026-12-01: one book.
    "2026-12",
    (current) => {
      let book: MarkBook = current;
      for (const [id, outcome] of Object.entries(outcomes)) {
        book = { ...book, refunds: withOutcome(book.refunds, id, outcome) };
        if (outcome.state === "done" && markOf(book.handled, id) === null) {
          book = withMark(book, "handled", id, { at: outcome.at, by: null, note: refundNote(outcome.total_fee, outcome.note) });
        }
      }
      return book;
    },
    now,
  );
  return outcomes;
}

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2]);
  sandbox.setComplaints(mchid, [made("A"), made("B")]);
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
});
afterEach(() => vi.restoreAllMocks());

describe("complaint.refunded", () => {
  it("Should send a done refund once to each channel that takes it, the webhook the complaint as the API shows it, then nothing", async () => {
    const e = alertEnv(EVERY_CHANNEL, NO_DEADLINES);
    await fireCron(e, T0);
    expect(bodies(/hooks\.test/).map((b) => b.event)).toEqual(["complaint.new", "complaint.new"]);
    receiver.received.length = 0;

    const { A: outcome } = await recordRefunds({ A: { note: "客户同意" } }, T0 + 10 * MIN);
    kv.resetCounts();
    await fireCron(e, T0 + 30 * MIN);
    const [hook, ...more] = bodies(/hooks\.test/);
    expect(more).toEqual([]);
    expect(Object.keys(hook)).toEqual(["event", "at", "complaint", "link"]);
    expect(hook).toMatchObject({
      event: "complaint.refunded",
      at: new Date(T0 + 30 * MIN).toISOString(),
      complaint: {
        id: "A",
        mchid,
        total_fee: 2990,
        refund: { state: "done", at: outcome?.at, total_fee: 2990 },
        handled: { at: outcome?.at, note: "退款 ¥29.90 客户同意" },
        raw: made("A"),
      },
    });
    // As the API shows it.
    const listed = (await (await call(e, `/api/complaints/A?mchid=${mchid}`)).json()) as any;
    expect(hook.complaint).toEqual(listed.complaint);
    const [message, ...others] = chat();
    expect(others).toEqual([]);
    for (const part of [
      "### 已退款 · 1500000001 · 29.90 元",
      "**商户**：1500000001",
      "**金额**：29.90 元",
      "**退款时间**：2026-12-01 08:10:00",
      "**商户订单号**：T-A",
      "**PAYJS订单号**：O-A",
      "**备注**：客户同意",
    ]) {
      expect(message).toContain(part);
    }
    // The link opens the complaint with its view key, without signing in.
    expect(message).toMatch(new RegExp(`\\[查看\\]\\(https://watch\\.example/#/complaints/${mchid}/A\\?view=[A-Za-z0-9_-]{32}\\)`));
    expect(receiver.to(/other\.test/)).toEqual([]);
    expect(bodies(/refunds\.test/)).toEqual([hook]);
    // Queued (one outbox write) and sent in that tick.
    expect(kv.writes).toEqual([`outbox:${mchid}`, `status:${mchid}`]);

    receiver.received.length = 0;
    await tickThrough(e, T0 + 1 * H, T0 + 5 * H);
    expect(receiver.received).toEqual([]);
    // A tick that finds the refund told writes nothing about it.
    kv.resetCounts();
    await fireCron(e, T0 + 5.5 * H);
    expect(kv.writes).toEqual([]);
  });

  it("Should tell a refund of the days the Worker was down on its first tick, and never again, before or after its message is pruned", async () => {
    const e = alertEnv([HOOK], { ...NO_DEADLINES, POLL_INTERVAL_SECONDS: String(12 * 3600) });
    await fireCron(e, T0);
    receiver.received.length = 0;
    await recordRefunds({ A: {} }, T0 + H);
    // Days without a tick, then ticks until well after the delivered message is pruned (7 days after it was sent).
    for (const now of [T0 + 3 * DAY, T0 + 5 * DAY, T0 + 6 * DAY, T0 + 7 * DAY, T0 + 8 * DAY, T0 + 10 * DAY, T0 + 11 * DAY]) {
      await fireCron(e, now);
    }
    expect(refundedTo(/hooks\.test/).map((b) => [b.complaint.id, Date.parse(b.at)])).toEqual([["A", T0 + 3 * DAY]]);
    expect(receiver.received).toHaveLength(1);
  });

  it("Should send nothing for a failed or unknown refund, and the refund done after a failed try once", async () => {
    const e = alertEnv(EVERY_CHANNEL, NO_DEADLINES);
    await fireCron(e, T0);
    receiver.received.length = 0;
    await recordRefunds(
      {
        A: { state: "failed", message: "余额不足" },
        B: { state: "unknown", message: "PAYJS did not answer; the refund may or may not have happened: check the order" },
      },
      T0 + 10 * MIN,
    );
    await tickThrough(e, T0 + 30 * MIN, T0 + 2 * H);
    expect(receiver.received).toEqual([]);

    await recordRefunds({ A: { note: "第二次" } }, T0 + 2 * H + 10 * MIN);
    await tickThrough(e, T0 + 2.5 * H, T0 + 4 * H);
    expect(refundedTo(/hooks\.test/).map((b) => [b.complaint.id, b.complaint.refund.state])).toEqual([["A", "done"]]);
    expect(chat()).toHaveLength(1);
    expect(chat()[0]).toContain("第二次");
    expect(receiver.to(/other\.test/)).toEqual([]);
  });

  it("Should send two refunds of one merchant in one tick as two webhook messages and one chat message listing both", async () => {
    sandbox.setComplaints(mchid, [made("A"), made("B", 1000)]);
    const e = alertEnv(EVERY_CHANNEL, NO_DEADLINES);
    await fireCron(e, T0);
    receiver.received.length = 0;
    await recordRefunds({ A: {}, B: { total_fee: 1000, note: "部分商品缺货" } }, T0 + 10 * MIN);
    await fireCron(e, T0 + 30 * MIN);
    expect(refundedTo(/hooks\.test/).map((b) => [b.complaint.id, b.complaint.refund.total_fee])).toEqual([
      ["A", 2990],
      ["B", 1000],
    ]);
    const [message, ...others] = chat();
    expect(others).toEqual([]);
    expect(message).toContain("### 已退款 · 1500000001 · 2 笔 · 39.90 元");
    for (const part of ["T-A", "O-A", "T-B", "O-B", "部分商品缺货", `https://watch.example/#/complaints/${mchid}/B`]) {
      expect(message).toContain(part);
    }
    receiver.received.length = 0;
    await tickThrough(e, T0 + H, T0 + 3 * H);
    expect(receiver.received).toEqual([]);
  });

  it("Should tell each merchant's refunds from its own book, the same complaint id at two merchants not mixed up", async () => {
    const second = SANDBOX_MERCHANT_2.mchid;
    sandbox.setComplaints(second, [made("A")]);
    const e = testEnv({
      ...NO_DEADLINES,
      PAYJS_MERCHANTS: JSON.stringify([
        { ...SANDBOX_MERCHANT, name: "一号店" },
        { ...SANDBOX_MERCHANT_2, name: "二号店" },
      ]),
      NOTIFY_CHANNELS: JSON.stringify([HOOK, WECOM, { ...HOOK, name: "second-only", url: "https://second.test/in", merchants: [second] }]),
    });
    await fireCron(e, T0);
    receiver.received.length = 0;
    await recordRefunds({ A: {} }, T0 + 10 * MIN, mchid);
    await tickThrough(e, T0 + 30 * MIN, T0 + 2 * H);
    expect(refundedTo(/hooks\.test/).map((b) => [b.complaint.mchid, b.complaint.id])).toEqual([[mchid, "A"]]);
    expect(chat()).toEqual([expect.stringContaining("### 已退款 · 一号店 · 29.90 元")]);
    expect(receiver.to(/second\.test/)).toEqual([]);

    receiver.received.length = 0;
    await recordRefunds({ A: { note: "二号店退款" } }, T0 + 2 * H + 10 * MIN, second);
    await tickThrough(e, T0 + 2.5 * H, T0 + 4 * H);
    expect(refundedTo(/hooks\.test/).map((b) => [b.complaint.mchid, b.complaint.id])).toEqual([[second, "A"]]);
    expect(refundedTo(/second\.test/).map((b) => [b.complaint.mchid, b.complaint.id])).toEqual([[second, "A"]]);
    expect(chat()).toEqual([expect.stringContaining("### 已退款 · 二号店 · 29.90 元")]);
  });

  it("Should hold a refund in a channel's quiet hours, as complaint.resolved is, and send it once at their end", async () => {
    // T0 is 08:00 in Beijing, inside 07:00-09:30.
    const quiet = "07:00-09:30";
    const e = alertEnv(
      [
        { ...HOOK, quiet_hours: quiet },
        { ...WECOM, quiet_hours: quiet },
      ],
      NO_DEADLINES,
    );
    await fireCron(e, T0);
    await recordRefunds({ A: {} }, T0 + 10 * MIN);
    await tickThrough(e, T0 + 30 * MIN, T0 + 1 * H);
    expect(receiver.received).toEqual([]);
    await tickThrough(e, T0 + 1.5 * H, T0 + 3 * H);
    expect(refundedTo(/hooks\.test/).map((b) => b.complaint.id)).toEqual(["A"]);
    // The chat channel gets what its quiet hours held as one message.
    const [held, ...others] = chat();
    expect(others).toEqual([]);
    expect(held).toContain("免打扰期间 3 条消息");
    expect(held).toContain("已退款 · 1500000001 · 29.90 元");
  });

  it("Should stay within 50 requests an invocation with 60 refunds at once, sending each once on later ticks", async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `R-${i}`);
    sandbox.setComplaints(
      mchid,
      ids.map((id) => made(id)),
    );
    const e = alertEnv([HOOK], NO_DEADLINES);
    await tickThrough(e, T0, T0 + H);
    expect(bodies(/hooks\.test/).filter((b) => b.event === "complaint.new")).toHaveLength(60);
    receiver.received.length = 0;
    await recordRefunds(Object.fromEntries(ids.map((id) => [id, {}])), T0 + 70 * MIN);
    const perTick: number[] = [];
    for (let now = T0 + 1.5 * H; now <= T0 + 4 * H; now += 30 * MIN) {
      const before = receiver.received.length + sandbox.requests.length;
      await fireCron(e, now);
      perTick.push(receiver.received.length + sandbox.requests.length - before);
    }
    expect(Math.max(...perTick)).toBeLessThanOrEqual(50);
    expect(perTick[0]).toBe(50);
    const told = refundedTo(/hooks\.test/).map((b) => b.complaint.id);
    expect(told).toHaveLength(60);
    expect(new Set(told).size).toBe(60);
  });
});

describe("complaint.refunded after the refund route", () => {
  it("Should send the refund POST /api/complaints/{id}/refund made once, with the complaint the route answered", async () => {
    const t0 = Date.now();
    const e = alertEnv([HOOK], { ...NO_DEADLINES, ALLOW_REFUNDS: "true" });
    await fireCron(e, t0);
    receiver.received.length = 0;
    const res = await call(e, `/api/complaints/A/refund?mchid=${mchid}`, {
      method: "POST",
      token: ADMIN_TOKEN,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ total_fee: 2990, note: "客户同意" }),
    });
    expect(res.status).toBe(200);
    const answered = ((await res.json()) as any).complaint;
    expect(answered.refund).toMatchObject({ state: "done", total_fee: 2990 });
    // The route itself sends nothing; the next tick does.
    expect(receiver.received).toEqual([]);
    await fireCron(e, t0 + 30 * MIN);
    await fireCron(e, t0 + 60 * MIN);
    const [told, ...more] = refundedTo(/hooks\.test/);
    expect(more).toEqual([]);
    expect(told.complaint).toMatchObject({ id: "A", refund: answered.refund, handled: answered.handled });
  });
});
