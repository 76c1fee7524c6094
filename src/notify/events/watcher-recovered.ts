/**
 * `watcher.recovered`: the first successful poll after a failing message (watcher-failing.ts) the channel was told
 * of. One still waiting for a retry is dropped instead: "failing" arriving after the recovery would be the wrong last
 * word. A webhook gets `{"event","at","merchant"}` (the merchant's `/api/status` entry).
 * @module
 */
import type { Outbox } from "../../domain/outbox";
import type { MerchantStatusEntry } from "../../domain/status";
import { beijingTime, dashboardLink, linkBlock, merchantLabel, merchantShort } from "../text";
import { defineEvent, entryId, type Queued } from "./event";
import type { News, WatcherNews } from "./news";
import { failingKey } from "./watcher-failing";

const NAME = "watcher.recovered";

export interface RecoveredNotice {
  kind: "status";
  event: typeof NAME;
  at: string;
  merchant: MerchantStatusEntry;
}

const message = (w: WatcherNews, news: News): Queued<RecoveredNotice> => ({
  key: `recovered:${w.run}`,
  marks: [],
  notification: { kind: "status", event: NAME, at: news.at, merchant: w.merchant },
});

/** Whether the channel was told its run of failures; a failing message of it still pending is dropped. */
function settleFailing(outbox: Outbox, channel: string, run: string): boolean {
  const failing = outbox.entries.find((e) => e.id === entryId(channel, failingKey(run)));
  if (failing?.state === "pending") outbox.entries = outbox.entries.filter((e) => e !== failing);
  return failing?.state === "delivered";
}

export const watcherRecovered = defineEvent({
  name: NAME,
  urgent: false,
  items: (news) => (news.watcher?.kind === "recovered" ? [news.watcher] : []),
  told: () => null,
  webhook: message,
  chat: (items, news) => items.map((w) => message(w, news)),
  admit: (outbox, channel, w) => settleFailing(outbox, channel, w.run),
  draft(n, { publicUrl }) {
    const m = n.merchant;
    const link = dashboardLink(publicUrl);
    return {
      title: `投诉查询已恢复 · ${merchantShort(m.mchid, m.name)}`,
      blocks: [
        { kind: "field", label: "商户", value: merchantLabel(m.mchid, m.name) },
        { kind: "note", text: "投诉查询已恢复正常。" },
        { kind: "field", label: "恢复时间", value: m.last_success_at === null ? "从未成功" : beijingTime(m.last_success_at) },
        ...linkBlock("查看", link),
      ],
      link,
    };
  },
  body: (n) => ({ event: n.event, at: n.at, merchant: n.merchant }),
});
