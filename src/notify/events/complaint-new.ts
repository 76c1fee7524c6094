/**
 * `complaint.new`: a complaint PAYJS lists that the watcher had not seen (on a merchant's first poll, every one).
 * A webhook gets each complaint exactly as the API shows it (`{"event","at","complaint"}`); a chat channel one
 * message a complaint, or one summary when a poll brings more than {@link SUMMARY_AFTER}.
 * @module
 */
import type { Complaint } from "../../domain/complaint";
import type { OpenDeadline } from "../../domain/deadlines";
import { yuan } from "../../domain/money";
import type { ServedComplaint } from "../../domain/served";
import { complaintAtText } from "../../domain/time";
import { type Block, oneLine } from "../render";
import {
  amountText,
  complaintLink,
  dashboardLink,
  deadlineNote,
  deadlineState,
  type Links,
  linkBlock,
  merchantLabel,
  merchantShort,
  openAt,
  slim,
  summaryLine,
  trimBody,
  WHERE_TO_ANSWER,
} from "../text";
import { defineEvent, type Queued } from "./event";
import type { News } from "./news";

const NAME = "complaint.new";

/** Chat channels get one summary instead of more than this many messages for one poll; it lists this many. */
const SUMMARY_AFTER = 5;

export type NewComplaintNotice =
  | { kind: "complaint"; event: typeof NAME; at: string; merchantName: string | null; complaint: ServedComplaint }
  /** Chat channels only: more than {@link SUMMARY_AFTER} new complaints for one merchant in one poll. */
  | {
      kind: "summary";
      event: typeof NAME;
      at: string;
      mchid: string;
      merchantName: string | null;
      /** How many complaints are new, and their total in fen. */
      count: number;
      totalFee: number;
      /** The newest few, newest first: only these are listed. */
      newest: Complaint[];
      /** The soonest open deadline of them all (absent in messages queued before it was kept). */
      soonest?: OpenDeadline | null;
    };

const one = (c: ServedComplaint, news: News): Queued<NewComplaintNotice> => ({
  key: `complaint:${c.id}`,
  marks: [c.id],
  notification: { kind: "complaint", event: NAME, at: news.at, merchantName: news.merchantName, complaint: c },
});

function summary(fresh: readonly ServedComplaint[], news: News): Queued<NewComplaintNotice> {
  return {
    key: `summary:${fresh[0]?.id ?? ""}:${fresh.length}`,
    marks: fresh.map((c) => c.id),
    notification: {
      kind: "summary",
      event: NAME,
      at: news.at,
      mchid: news.mchid,
      merchantName: news.merchantName,
      count: fresh.length,
      totalFee: fresh.reduce((sum, c) => sum + (c.total_fee ?? 0), 0),
      newest: fresh.slice(0, SUMMARY_AFTER).map(slim),
      soonest: fresh.flatMap((c) => openAt(c)).sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at))[0] ?? null,
    },
  };
}

/** The complaint field by field: merchant, amount, time, its deadlines at `now`, order numbers, body; where to answer, its link. */
function complaintBlocks(c: ServedComplaint, merchantName: string | null, links: Links, now: number): Block[] {
  const note = deadlineNote(c, now);
  return [
    { kind: "field", label: "商户", value: merchantLabel(c.mchid, merchantName) },
    { kind: "field", label: "金额", value: amountText(c.total_fee) },
    { kind: "field", label: "时间", value: oneLine(complaintAtText(c.complaint_at, true)) },
    ...(note === null ? [] : [{ kind: "field" as const, label: "期限", value: note }]),
    { kind: "field", label: "商户订单号", value: oneLine(c.out_trade_no) },
    { kind: "field", label: "PAYJS订单号", value: oneLine(c.order_id) },
    { kind: "quote", label: "内容", text: trimBody(c.body) || "（无）" },
    WHERE_TO_ANSWER,
    ...linkBlock("查看", complaintLink(links, c)),
  ];
}

/** The first line, read on a lock screen: what to do and by when (the first open deadline), else who and how much. */
function title(c: ServedComplaint, merchantName: string | null, now: number): string {
  const [first] = openAt(c);
  return first === undefined
    ? `新投诉 · ${merchantShort(c.mchid, merchantName)} · ${amountText(c.total_fee)}`
    : `新投诉：${deadlineState(first, now)}`;
}

function summaryTitle(n: Extract<NewComplaintNotice, { kind: "summary" }>, now: number): string {
  const soonest = n.soonest ?? null;
  return soonest === null
    ? `${n.count} 条新投诉 · ${merchantShort(n.mchid, n.merchantName)}`
    : `${n.count} 条新投诉：最早一条${deadlineState(soonest, now)}`;
}

export const complaintNew = defineEvent({
  name: NAME,
  urgent: false,
  items: (news) => news.fresh,
  told: (c) => c.id,
  about: (mark) => mark,
  webhook: one,
  chat: (fresh, news) => (fresh.length <= SUMMARY_AFTER ? fresh.map((c) => one(slim(c), news)) : [summary(fresh, news)]),
  draft(n, ctx) {
    const { publicUrl, at: now } = ctx;
    if (n.kind === "complaint") {
      const c = n.complaint;
      return {
        title: title(c, n.merchantName, now),
        blocks: complaintBlocks(c, n.merchantName, ctx, now),
        link: complaintLink(ctx, c),
      };
    }
    const shown = n.newest.slice(0, SUMMARY_AFTER);
    const blocks: Block[] = [
      { kind: "field", label: "商户", value: merchantLabel(n.mchid, n.merchantName) },
      { kind: "field", label: "新投诉", value: `${n.count} 条` },
      { kind: "field", label: "总金额", value: `${yuan(n.totalFee)} 元` },
      { kind: "note", text: `最新 ${shown.length} 条：` },
      { kind: "items", items: shown.map(summaryLine) },
    ];
    if (n.count > shown.length) blocks.push({ kind: "note", text: `还有 ${n.count - shown.length} 条` });
    const link = dashboardLink(publicUrl);
    return { title: summaryTitle(n, now), blocks: [...blocks, WHERE_TO_ANSWER, ...linkBlock("查看全部", link)], link };
  },
  body(n) {
    if (n.kind !== "complaint") throw new Error("a webhook gets each new complaint on its own, never a list");
    return { event: n.event, at: n.at, complaint: n.complaint };
  },
});
