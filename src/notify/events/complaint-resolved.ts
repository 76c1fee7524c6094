/**
 * `complaint.resolved`: a complaint left PAYJS's list. A webhook gets each (`{"event","at","complaint"}`); a chat
 * channel one message per merchant and poll.
 * @module
 */
import type { Complaint } from "../../domain/complaint";
import type { ServedComplaint } from "../../domain/served";
import type { Block } from "../render";
import { complaintLink, dashboardLink, linkBlock, listed, merchantLabel, merchantShort, slim, summaryLine } from "../text";
import { defineEvent, markBefore } from "./event";

const NAME = "complaint.resolved";

type ResolvedNotice =
  | { kind: "resolved"; event: typeof NAME; at: string; merchantName: string | null; complaint: ServedComplaint }
  /** Chat channels: every complaint of one merchant that one poll found gone. */
  | { kind: "resolved_list"; event: typeof NAME; at: string; mchid: string; merchantName: string | null; complaints: ServedComplaint[] };

/**
 * Keyed by the complaint and the last poll that listed it: a poll that must be redone (its complaints write failed)
 * finds the same complaints gone again, and must not tell of them twice.
 */
const mark = (c: Complaint): string => `${c.id}@${c.last_seen_at}`;

export const complaintResolved = defineEvent<typeof NAME, ServedComplaint, ResolvedNotice>({
  name: NAME,
  urgent: false,
  items: (news) => news.gone,
  told: mark,
  // `{id}@{last_seen_at}`
  about: (m) => markBefore(m, "@"),
  webhook: (c, news) => ({
    key: `resolved:${mark(c)}`,
    marks: [mark(c)],
    notification: { kind: "resolved", event: NAME, at: news.at, merchantName: news.merchantName, complaint: c },
  }),
  chat: (gone, news) => [
    {
      key: `resolveds:${news.at}`,
      marks: gone.map(mark),
      notification: {
        kind: "resolved_list",
        event: NAME,
        at: news.at,
        mchid: news.mchid,
        merchantName: news.merchantName,
        complaints: gone.map(slim),
      },
    },
  ],
  draft(n, ctx) {
    const { publicUrl } = ctx;
    const complaints = n.kind === "resolved" ? [n.complaint] : n.complaints;
    const mchid = n.kind === "resolved" ? n.complaint.mchid : n.mchid;
    const blocks: Block[] = [
      { kind: "field", label: "商户", value: merchantLabel(mchid, n.merchantName) },
      { kind: "note", text: `${complaints.length} 条投诉已不在 PAYJS 的投诉列表中：` },
      ...listed(complaints.map(summaryLine)),
    ];
    const [only] = complaints;
    return {
      title: `投诉已结束 · ${merchantShort(mchid, n.merchantName)} · ${complaints.length} 条`,
      blocks: [...blocks, ...linkBlock("查看", dashboardLink(publicUrl))],
      link: complaints.length === 1 && only !== undefined ? complaintLink(ctx, only) : dashboardLink(publicUrl),
    };
  },
  body(n) {
    if (n.kind !== "resolved") throw new Error("a webhook gets each resolved complaint on its own, never a list");
    return { event: n.event, at: n.at, complaint: n.complaint };
  },
});
