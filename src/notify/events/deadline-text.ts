/**
 * How the two deadline events (complaint-due.ts, complaint-overdue.ts) read in a chat: one line a deadline, soonest first, with the time left
 * (or since), the deadline, the complaint and its link.
 * @module
 */
import { MINUTE_MS } from "../../domain/time";
import type { Block, Draft } from "../render";
import {
  complaintLink,
  DEADLINE_WORD,
  dashboardLink,
  linkBlock,
  listed,
  merchantLabel,
  merchantShort,
  shortTime,
  spanText,
  summaryLine,
} from "../text";
import type { OverdueItem } from "./deadlines";

interface DeadlineNotice {
  at: string;
  mchid: string;
  merchantName: string | null;
  items: readonly OverdueItem[];
}

/** One deadline on a line: how long until (or since) it, when it is, the complaint and its link. */
function deadlineLine(d: OverdueItem, now: number, publicUrl: string | null): string {
  const link = complaintLink(publicUrl, d.complaint);
  const word = DEADLINE_WORD[d.deadline];
  const due = Date.parse(d.due_at);
  // The first tick after a deadline often falls on it: "overdue by 0 minutes" would read as a glitch.
  const when =
    due > now ? `${word}剩 ${spanText(due - now)}` : now - due < MINUTE_MS ? `${word}期限已到` : `${word}已超期 ${spanText(now - due)}`;
  return `${when}（${shortTime(d.due_at)}）· ${summaryLine(d.complaint)}${link === null ? "" : ` · ${link}`}`;
}

export function deadlineDraft(n: DeadlineNotice, late: boolean, publicUrl: string | null): Draft {
  const { mchid, merchantName, items } = n;
  const now = Date.parse(n.at);
  const blocks: Block[] = [
    { kind: "field", label: "商户", value: merchantLabel(mchid, merchantName) },
    {
      kind: "note",
      text: late
        ? `${items.length} 条投诉已过微信支付的处理期限，微信支付可能介入并从商户扣款退给用户：`
        : `${items.length} 条投诉的处理期限将至（最近的在前），请尽快在微信支付的投诉处理工具中回复用户：`,
    },
    ...listed(items.map((d) => deadlineLine(d, now, publicUrl))),
  ];
  const [only] = items;
  const link = items.length === 1 && only !== undefined ? complaintLink(publicUrl, only.complaint) : dashboardLink(publicUrl);
  const who = merchantShort(mchid, merchantName);
  return {
    title: late ? `投诉已超期 · ${who} · ${items.length} 条` : `投诉即将到期 · ${who} · ${items.length} 条`,
    blocks: [...blocks, ...linkBlock("去处理", dashboardLink(publicUrl))],
    link,
  };
}
