/**
 * `watcher.started`: "监控已启动", the proof that Cloudflare → PAYJS → KV → the merchant's phone works, told once per
 * fingerprint of the settings (merchants and channels) at the first tick after a deployment that changed them, after
 * that tick's polls and before its new complaints. Each channel gets it from the outbox of the first configured
 * merchant it covers, listing the merchants it covers; never held by quiet hours. A webhook gets
 * `{"event","at","merchants":[{"mchid","name","ok","complaints_active","complaints_unhandled","next_due_at","error","next_poll_at"}]}`.
 * @module
 */
import type { Merchant } from "../../domain/merchant";
import type { Block } from "../render";
import { dashboardLink, errorText, linkBlock, merchantShort, shortTime } from "../text";
import type { Channel } from "../types";
import { defineEvent, type Queued } from "./event";
import type { News, StartedEntry } from "./news";

const NAME = "watcher.started";

export interface StartedNotice {
  kind: "started";
  event: typeof NAME;
  at: string;
  merchants: readonly StartedEntry[];
}

/** A channel that takes the event (its `events` filter), and the first configured merchant it covers, its home. */
function homeOf(channel: Channel, merchants: readonly Merchant[]): string | null {
  if (channel.events !== null && !channel.events.has(NAME)) return null;
  return merchants.find((m) => channel.merchants === null || channel.merchants.has(m.mchid))?.mchid ?? null;
}

/** The merchants whose outbox tells some channel: every home. */
export function startedHomes(channels: readonly Channel[], merchants: readonly Merchant[]): Set<string> {
  return new Set(channels.flatMap((ch) => homeOf(ch, merchants) ?? []));
}

/** The channels whose message goes out from `mchid`'s outbox. */
export function startedChannels(channels: readonly Channel[], merchants: readonly Merchant[], mchid: string): Set<string> {
  return new Set(channels.filter((ch) => homeOf(ch, merchants) === mchid).map((ch) => ch.name));
}

/** A channel's message covers only its own merchants, and is keyed by the settings it tells of. */
const message = (merchants: readonly StartedEntry[], news: News): Queued<StartedNotice> => ({
  key: `started:${news.started?.fingerprint ?? ""}`,
  marks: [],
  notification: { kind: "started", event: NAME, at: news.at, merchants },
});

/** One merchant on a line: how its last poll went (PAYJS's answer when it failed), its complaints, its next poll. */
function merchantLine(m: StartedEntry): string {
  const next = m.next_poll_at === null ? "下次查询：10 分钟内" : `下次查询：${shortTime(m.next_poll_at)}`;
  const who = merchantShort(m.mchid, m.name);
  if (!m.ok) return `${who}：${m.error === null ? "还没有查询过" : `查询失败：${errorText(m.error)}`} · ${next}`;
  const due = m.next_due_at === null ? "" : ` · 最近期限 ${shortTime(m.next_due_at)}`;
  return `${who}：查询正常 · 进行中 ${m.complaints_active} 条 · 未处理 ${m.complaints_unhandled} 条${due} · ${next}`;
}

export const watcherStarted = defineEvent({
  name: NAME,
  urgent: true,
  items: (news, channel) => {
    if (news.started === null || !news.started.channels.has(channel.name)) return [];
    const mine = news.started.merchants.filter((m) => channel.merchants === null || channel.merchants.has(m.mchid));
    return mine.length === 0 ? [] : [mine];
  },
  told: () => null,
  webhook: message,
  chat: (items, news) => items.map((merchants) => message(merchants, news)),
  draft(n, { publicUrl }) {
    const link = dashboardLink(publicUrl);
    const blocks: Block[] = [
      { kind: "note", text: "投诉监控已在 Cloudflare 上运行：新投诉、期限将至和查询失败都会发到这里。" },
      { kind: "items", items: n.merchants.map(merchantLine) },
    ];
    return { title: "监控已启动", blocks: [...blocks, ...linkBlock("看板", link)], link };
  },
  body: (n) => ({ event: n.event, at: n.at, merchants: n.merchants }),
});
