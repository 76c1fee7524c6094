/**
 * `complaint.overdue`: a deadline of a complaint passed while it was open, told once, at the first tick after it (see
 * deadlines.ts). A webhook gets one message a deadline (`{"event","at","complaint","deadline","due_at"}`); a chat
 * channel one per merchant and tick. A pending message of a deadline met since is dropped.
 * @module
 */
import { deadlineKey } from "../../domain/deadlines";
import { slim } from "../text";
import { deadlineDraft } from "./deadline-text";
import { deadlinesOfNews, keepItems, type OverdueItem } from "./deadlines";
import { defineEvent, markBefore } from "./event";
import type { News } from "./news";

const NAME = "complaint.overdue";

export interface OverdueNotice {
  kind: "overdue";
  event: typeof NAME;
  at: string;
  mchid: string;
  merchantName: string | null;
  items: OverdueItem[];
}

/** A deadline's passing is told once. */
const mark = (d: OverdueItem): string => deadlineKey(d.complaint.id, d.deadline);

const notice = (items: OverdueItem[], news: News): OverdueNotice => ({
  kind: "overdue",
  event: NAME,
  at: news.at,
  mchid: news.mchid,
  merchantName: news.merchantName,
  items,
});

export const complaintOverdue = defineEvent({
  name: NAME,
  urgent: false,
  items: (news) => deadlinesOfNews(news).overdue,
  told: mark,
  // `{id}#{deadline}`
  about: (m) => markBefore(m, "#"),
  webhook: (d, news) => ({ key: `overdue:${mark(d)}`, marks: [mark(d)], notification: notice([d], news) }),
  chat: (all, news) => [
    {
      key: `overdues:${news.at}`,
      marks: all.map(mark),
      notification: notice(
        all.map((d) => ({ ...d, complaint: slim(d.complaint) })),
        news,
      ),
    },
  ],
  settle(entry, news) {
    const { open } = deadlinesOfNews(news);
    return keepItems(entry, (d) => open.has(mark(d)), mark);
  },
  draft: (n, ctx) => deadlineDraft(n, true, ctx),
  body(n) {
    const [item, ...more] = n.items;
    if (item === undefined || more.length > 0) throw new Error("a webhook tells of one deadline a message");
    const { complaint, deadline, due_at } = item;
    return { event: n.event, at: n.at, complaint, deadline, due_at };
  },
});
