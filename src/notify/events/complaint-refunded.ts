/**
 * `complaint.refunded`: a complaint's order was refunded through PAYJS (`POST /api/complaints/{id}/refund`, outcome
 * `done`), read from the outcomes kept with the merchant's marks: the route only writes KV, the next tick tells. A
 * webhook gets each refund (`{"event","at","complaint"}`, the complaint carrying its `refund` and the handled mark the
 * refund left); a chat channel one message per merchant and tick.
 * @module
 */
import { outcomeOf, type RefundBook } from "../../domain/refund";
import type { ServedComplaint } from "../../domain/served";
import { DAY_MS } from "../../domain/time";
import { type Block, oneLine } from "../render";
import {
  amountText,
  BODY_LIMIT,
  beijingTime,
  complaintLink,
  dashboardLink,
  type Links,
  linkBlock,
  listed,
  merchantLabel,
  merchantShort,
  slim,
  trimText,
} from "../text";
import { defineEvent } from "./event";
import type { News } from "./news";

const NAME = "complaint.refunded";

/** One refund done through PAYJS. */
export interface RefundedItem {
  /** As the API shows it: its `refund` done, and the handled mark the refund left. */
  complaint: ServedComplaint;
  /** The attempt that refunded it (the outcome's `attempt`). */
  attempt: string;
  /** When it was refunded, ISO UTC, and how much (fen): the outcome's. */
  at: string;
  total_fee: number;
  /** The person's note with the refund; "" when none. */
  note: string;
}

export interface RefundedNotice {
  kind: "refunded";
  event: typeof NAME;
  at: string;
  mchid: string;
  merchantName: string | null;
  items: RefundedItem[];
}

/**
 * A refund is not told later than this after it was done: told messages are remembered for 7 days after they were
 * sent (the outbox's pruning), so a refund told once never comes up again after its message is forgotten; one this
 * late (the Worker was down, or the channel was added since) would only repeat what the dashboard shows.
 */
export const REFUND_LATE_LIMIT_MS = 6 * DAY_MS;

/**
 * The refunds of `complaints` (one merchant's, served with its marks) that `refunds` (the same merchant's outcomes)
 * records as done within {@link REFUND_LATE_LIMIT_MS}, oldest first. Failed and unknown outcomes tell nothing.
 */
export function refundNews(refunds: RefundBook, complaints: readonly ServedComplaint[], now: number): RefundedItem[] {
  const items: RefundedItem[] = [];
  for (const complaint of complaints) {
    const outcome = outcomeOf(refunds, complaint.id);
    if (outcome?.state !== "done") continue;
    // Not `>=`: an unreadable time (NaN) is not told rather than told forever.
    if (!(now - Date.parse(outcome.at) < REFUND_LATE_LIMIT_MS)) continue;
    items.push({ complaint, attempt: outcome.attempt, at: outcome.at, total_fee: outcome.total_fee, note: outcome.note });
  }
  return items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.complaint.id.localeCompare(b.complaint.id));
}

/**
 * Told once per complaint on a channel: PAYJS refunds an order once and whole, so a second done outcome of the same
 * complaint (two requests at once from far apart, the second told "已退款") is the same refund.
 */
const mark = (r: RefundedItem): string => r.complaint.id;

const notice = (items: RefundedItem[], news: News): RefundedNotice => ({
  kind: "refunded",
  event: NAME,
  at: news.at,
  mchid: news.mchid,
  merchantName: news.merchantName,
  items,
});

/** The person's note with a refund, on one line; null when there is none. */
function noteText(r: RefundedItem): string | null {
  const note = trimText(oneLine(r.note), BODY_LIMIT);
  return note === "" ? null : note;
}

/** One refund on a line: when · amount · order numbers · note · its link. */
function refundedLine(r: RefundedItem, links: Links): string {
  const c = r.complaint;
  const note = noteText(r);
  return [
    beijingTime(r.at),
    amountText(r.total_fee),
    `商户订单号 ${oneLine(c.out_trade_no)}`,
    `PAYJS订单号 ${oneLine(c.order_id)}`,
    note === null ? "" : `备注 ${note}`,
    complaintLink(links, c) ?? "",
  ]
    .filter((part) => part !== "")
    .join(" · ");
}

/** One refund field by field, as a new complaint is told. */
function oneRefundBlocks(n: RefundedNotice, only: RefundedItem, links: Links): Block[] {
  const c = only.complaint;
  const note = noteText(only);
  return [
    { kind: "field", label: "商户", value: merchantLabel(n.mchid, n.merchantName) },
    { kind: "field", label: "金额", value: amountText(only.total_fee) },
    { kind: "field", label: "退款时间", value: beijingTime(only.at) },
    { kind: "field", label: "商户订单号", value: oneLine(c.out_trade_no) },
    { kind: "field", label: "PAYJS订单号", value: oneLine(c.order_id) },
    ...(note === null ? [] : [{ kind: "field" as const, label: "备注", value: note }]),
    ...linkBlock("查看", complaintLink(links, c)),
  ];
}

export const complaintRefunded = defineEvent({
  name: NAME,
  urgent: false,
  items: (news) => refundNews(news.refunds.book, news.refunds.complaints, Date.parse(news.at)),
  told: mark,
  about: (m) => m,
  webhook: (r, news) => ({ key: `refund:${r.complaint.id}@${r.attempt}`, marks: [mark(r)], notification: notice([r], news) }),
  chat: (all, news) => [
    {
      key: `refunds:${news.at}`,
      marks: all.map(mark),
      notification: notice(
        all.map((r) => ({ ...r, complaint: slim(r.complaint) })),
        news,
      ),
    },
  ],
  draft(n, ctx) {
    const { publicUrl } = ctx;
    const who = merchantShort(n.mchid, n.merchantName);
    const [only] = n.items;
    if (only !== undefined && n.items.length === 1) {
      const link = complaintLink(ctx, only.complaint);
      return { title: `已退款 · ${who} · ${amountText(only.total_fee)}`, blocks: oneRefundBlocks(n, only, ctx), link };
    }
    const total = n.items.reduce((sum, r) => sum + r.total_fee, 0);
    const blocks: Block[] = [
      { kind: "field", label: "商户", value: merchantLabel(n.mchid, n.merchantName) },
      { kind: "note", text: `${n.items.length} 笔投诉订单已通过 PAYJS 退款，共 ${amountText(total)}：` },
      ...listed(n.items.map((r) => refundedLine(r, ctx))),
    ];
    const link = dashboardLink(publicUrl);
    return {
      title: `已退款 · ${who} · ${n.items.length} 笔 · ${amountText(total)}`,
      blocks: [...blocks, ...linkBlock("查看", link)],
      link,
    };
  },
  body(n) {
    const [item, ...more] = n.items;
    if (item === undefined || more.length > 0) throw new Error("a webhook tells of one refund a message");
    return { event: n.event, at: n.at, complaint: item.complaint };
  },
});
