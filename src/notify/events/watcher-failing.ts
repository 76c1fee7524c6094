/**
 * `watcher.failing`: a merchant's polls failed `ALERT_AFTER_FAILURES` times in a row, told once per run of failures
 * (the poller marks the transition). Never held by quiet hours. The first line says what to check (`npm run doctor`);
 * the error is told in Chinese, PAYJS's own words quoted, the code beside. A webhook gets `{"event","at","merchant"}`
 * (the merchant's `/api/status` entry).
 * @module
 */
import type { MerchantStatusEntry } from "../../domain/status";
import type { Block } from "../render";
import { beijingTime, dashboardLink, errorText, linkBlock, merchantLabel, merchantShort, shortTime } from "../text";
import { defineEvent, type Queued } from "./event";
import type { News, WatcherNews } from "./news";

const NAME = "watcher.failing";

export interface FailingNotice {
  kind: "status";
  event: typeof NAME;
  at: string;
  merchant: MerchantStatusEntry;
}

/** Keyed by the run of failures: the run's last success before it. */
export const failingKey = (run: string): string => `failing:${run}`;

const message = (w: WatcherNews, news: News): Queued<FailingNotice> => ({
  key: failingKey(w.run),
  marks: [],
  notification: { kind: "status", event: NAME, at: news.at, merchant: w.merchant },
});

function blocks(m: MerchantStatusEntry): Block[] {
  const error: Block[] =
    m.last_error === null
      ? []
      : [
          { kind: "field", label: "最近错误", value: errorText(m.last_error) },
          { kind: "field", label: "出错时间", value: beijingTime(m.last_error.at) },
        ];
  return [
    { kind: "field", label: "商户", value: merchantLabel(m.mchid, m.name) },
    { kind: "note", text: "投诉查询连续失败，新投诉可能无法及时提醒。请在部署用的电脑上运行 npm run doctor：它会说明要改什么。" },
    { kind: "field", label: "连续失败", value: `${m.consecutive_failures} 次` },
    ...error,
    { kind: "field", label: "上次成功", value: m.last_success_at === null ? "从未成功" : beijingTime(m.last_success_at) },
    ...(m.next_poll_at === null ? [] : [{ kind: "field" as const, label: "下次查询", value: shortTime(m.next_poll_at) }]),
  ];
}

export const watcherFailing = defineEvent({
  name: NAME,
  urgent: true,
  items: (news) => (news.watcher?.kind === "failing" ? [news.watcher] : []),
  told: () => null,
  webhook: message,
  chat: (items, news) => items.map((w) => message(w, news)),
  draft(n, { publicUrl }) {
    const link = dashboardLink(publicUrl);
    const m = n.merchant;
    return {
      title: `投诉查询连续失败 ${m.consecutive_failures} 次：请运行 npm run doctor 检查 · ${merchantShort(m.mchid, m.name)}`,
      blocks: [...blocks(m), ...linkBlock("查看", link)],
      link,
    };
  },
  body: (n) => ({ event: n.event, at: n.at, merchant: n.merchant }),
});
