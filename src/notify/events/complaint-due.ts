/**
 * `complaint.due`: an open deadline of a complaint comes within a threshold of `REMIND_BEFORE_HOURS`, told once per
 * threshold at the first tick within it (see deadlines.ts). A webhook gets one message a deadline
 * (`{"event","at","complaint","deadline","due_at","hours_left"}`); a chat channel one per merchant and tick, soonest
 * first. A held message whose deadline passes while it waits gives way to the overdue message (complaint-overdue.ts).
 * @module
 */
import { deadlineKey } from "../../domain/deadlines";
import { slim } from "../text";
import { deadlineDraft } from "./deadline-text";
import { type DueItem, deadlinesOfNews, keepItems } from "./deadlines";
import { defineEvent, markBefore } from "./event";
import type { News } from "./news";

const NAME = "complaint.due";

export interface DueNotice {
  kind: "due";
  event: typeof NAME;
  at: string;
  mchid: string;
  merchantName: string | null;
  items: DueItem[];
}

/** A deadline is told once per threshold before it. */
const mark = (d: DueItem): string => `${deadlineKey(d.complaint.id, d.deadline)}#${d.hours}`;

const notice = (items: DueItem[], news: News): DueNotice => ({
  kind: "due",
  event: NAME,
  at: news.at,
  mchid: news.mchid,
  merchantName: news.merchantName,
  items,
});

export const complaintDue = defineEvent({
  name: NAME,
  urgent: false,
  items: (news) => deadlinesOfNews(news).due,
  told: mark,
  // `{id}#{deadline}#{hours}`
  about: (m) => markBefore(m, "#", 2),
  webhook: (d, news) => ({ key: `due:${mark(d)}`, marks: [mark(d)], notification: notice([d], news) }),
  chat: (all, news) => [
    {
      key: `dues:${news.at}`,
      marks: all.map(mark),
      notification: notice(
        all.map((d) => ({ ...d, complaint: slim(d.complaint) })),
        news,
      ),
    },
  ],
  settle(entry, news) {
    const { open } = deadlinesOfNews(news);
    const now = Date.parse(news.at);
    return keepItems(entry, (d) => open.has(deadlineKey(d.complaint.id, d.deadline)) && Date.parse(d.due_at) > now, mark);
  },
  draft: (n, ctx) => deadlineDraft(n, false, ctx),
  body(n) {
    const [item, ...more] = n.items;
    if (item === undefined || more.length > 0) throw new Error("a webhook tells of one deadline a message");
    const { complaint, deadline, due_at, hours_left } = item;
    return { event: n.event, at: n.at, complaint, deadline, due_at, hours_left };
  },
});
