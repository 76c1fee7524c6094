/**
 * How the two deadline events (complaint-due.ts, complaint-overdue.ts) read in a chat: a first line that names the
 * deadline and the time left (or since), counted when the message is sent; then one line a deadline, soonest first,
 * with the complaint and its link; and where to answer.
 * @module
 */
import { MINUTE_MS } from "../../domain/time";
import type { Block, Draft } from "../render";
import {
  complaintLink,
  DEADLINE_NAME,
  DEADLINE_SHORT,
  dashboardLink,
  type Links,
  leftText,
  linkBlock,
  listed,
  merchantLabel,
  shortTime,
  spanText,
  summaryLine,
  WHERE_TO_ANSWER,
} from "../text";
import type { SendContext } from "../types";
import type { OverdueItem } from "./deadlines";

interface DeadlineNotice {
  mchid: string;
  merchantName: string | null;
  items: readonly OverdueItem[];
}

/** How one deadline stands at `now`: 回复剩 1 小时 50 分, 回复期限已到 (in the minute after it), 回复已超期 3 小时. */
function standing(d: OverdueItem, now: number): string {
  const word = DEADLINE_SHORT[d.deadline];
  const due = Date.parse(d.due_at);
  // The first tick after a deadline often falls on it: "overdue by 0 minutes" would read as a glitch.
  if (due > now) return `${word}剩 ${leftText(due - now)}`;
  return now - due < MINUTE_MS ? `${DEADLINE_NAME[d.deadline]}已到` : `${word}已超期 ${spanText(now - due)}`;
}

/** One deadline on a line: how it stands, when it is, the complaint and its link. */
function deadlineLine(d: OverdueItem, now: number, links: Links): string {
  const link = complaintLink(links, d.complaint);
  return `${standing(d, now)}（${shortTime(d.due_at)}）· ${summaryLine(d.complaint)}${link === null ? "" : ` · ${link}`}`;
}

/** The first line: the soonest deadline named, and how it stands; with several, how many. */
function title(items: readonly OverdueItem[], late: boolean, now: number): string {
  const [first] = items;
  if (first === undefined) return late ? "投诉已超期" : "投诉期限将至";
  const when = `${standing(first, now)}（${shortTime(first.due_at)}）`;
  if (late) return items.length === 1 ? `投诉${when}` : `${items.length} 条投诉已超期：最早一条${when}`;
  const left = Math.max(0, Date.parse(first.due_at) - now);
  const soon = `${DEADLINE_NAME[first.deadline]}剩 ${leftText(left)}（${shortTime(first.due_at)}）`;
  return items.length === 1 ? `投诉${soon}` : `${items.length} 条投诉期限将至：最近一条${soon}`;
}

export function deadlineDraft(n: DeadlineNotice, late: boolean, ctx: SendContext): Draft {
  const { publicUrl, at: now } = ctx;
  const { mchid, merchantName, items } = n;
  const blocks: Block[] = [
    { kind: "field", label: "商户", value: merchantLabel(mchid, merchantName) },
    {
      kind: "note",
      text: late
        ? `${items.length} 条投诉已过微信支付的期限，微信支付可能介入并从商户扣款退给用户：`
        : `${items.length} 条投诉的期限将至（最近的在前），请尽快回复用户：`,
    },
    ...listed(items.map((d) => deadlineLine(d, now, ctx))),
    WHERE_TO_ANSWER,
  ];
  const [only] = items;
  const link = items.length === 1 && only !== undefined ? complaintLink(ctx, only.complaint) : dashboardLink(publicUrl);
  return { title: title(items, late, now), blocks: [...blocks, ...linkBlock("去处理", dashboardLink(publicUrl))], link };
}
