/**
 * `digest.daily`: one message a day per channel with a `digest_at` (Beijing time), at the first tick at or after it,
 * over every merchant the channel covers: new in the last 24 h, active, unhandled, due within 24 h, overdue, the
 * oldest unhandled complaint's age. It goes out from the outbox of the first configured merchant the channel covers,
 * and is keyed by the day it covers. Webhook `{"event":"digest.daily","at","merchants":[…]}`.
 * @module
 */
import { isOverdue, startOf } from "../../domain/deadlines";
import type { Merchant } from "../../domain/merchant";
import type { Outbox } from "../../domain/outbox";
import type { ServedComplaint } from "../../domain/served";
import { beijingDay, beijingMinutes, DAY_MS } from "../../domain/time";
import { ageText, beijingTime, dashboardLink, linkBlock, merchantShort } from "../text";
import type { Channel } from "../types";
import { defineEvent, entryId, type Queued } from "./event";
import type { DigestEntry, News } from "./news";

const NAME = "digest.daily";

export interface DigestNotice {
  kind: "digest";
  event: typeof NAME;
  at: string;
  merchants: readonly DigestEntry[];
}

/** A merchant's line of the digest, from its complaints as the API shows them. */
export function digestEntry(merchant: Merchant, complaints: readonly ServedComplaint[], now: number): DigestEntry {
  const active = complaints.filter((c) => c.active);
  const unhandled = active.filter((c) => c.handled === null);
  // Made, not first seen: the deadlines count from when the customer complained.
  const oldest = Math.min(...unhandled.map(startOf));
  return {
    mchid: merchant.mchid,
    name: merchant.name,
    new_24h: complaints.filter((c) => now - Date.parse(c.first_seen_at) < DAY_MS).length,
    active: active.length,
    unhandled: unhandled.length,
    due_24h: active.filter((c) => c.next_due !== null && !isOverdue(c.next_due, now) && Date.parse(c.next_due) - now <= DAY_MS).length,
    overdue: active.filter((c) => isOverdue(c.next_due, now)).length,
    oldest_unhandled_at: Number.isFinite(oldest) ? new Date(oldest).toISOString() : null,
  };
}

/** A digest due up to this long ago is still sent: a `digest_at` after the day's last tick goes out at 00:00. */
const DIGEST_CATCH_UP_MS = 60 * 60_000;

/** The Beijing day whose digest is due now at `digestAt` (minutes after midnight), or null when none is. */
function digestDay(digestAt: number, now: number): string | null {
  const minutes = beijingMinutes(now);
  if (minutes >= digestAt) return beijingDay(now);
  const late = minutes + 24 * 60 - digestAt;
  return late * 60_000 < DIGEST_CATCH_UP_MS ? beijingDay(now - DAY_MS) : null;
}

const dayKey = (day: string): string => `digest:${day}`;

/**
 * The channels whose digest goes out from `mchid`'s outbox now, by the day it covers: its time has come, `mchid` is
 * the first of `merchants` the channel covers (one digest a channel, over all its merchants), the channel takes
 * `digest.daily`, and it is not queued yet.
 */
export function digestChannels(
  channels: readonly Channel[],
  merchants: readonly Merchant[],
  mchid: string,
  outbox: Outbox,
  now: number,
): Map<string, string> {
  const due = new Map<string, string>();
  for (const ch of channels) {
    if (ch.digestAt === null || (ch.events !== null && !ch.events.has(NAME))) continue;
    if (merchants.find((m) => ch.merchants === null || ch.merchants.has(m.mchid))?.mchid !== mchid) continue;
    const day = digestDay(ch.digestAt, now);
    if (day !== null && !outbox.entries.some((e) => e.id === entryId(ch.name, dayKey(day)))) due.set(ch.name, day);
  }
  return due;
}

/** A channel's digest covers only its own merchants. */
const message = (merchants: readonly DigestEntry[], news: News, channel: Channel): Queued<DigestNotice> => ({
  key: dayKey(news.digest?.days.get(channel.name) ?? ""),
  marks: [],
  notification: { kind: "digest", event: NAME, at: news.at, merchants },
});

export const digestDaily = defineEvent({
  name: NAME,
  urgent: false,
  items: (news, channel) =>
    news.digest?.days.has(channel.name)
      ? [news.digest.merchants.filter((m) => channel.merchants === null || channel.merchants.has(m.mchid))]
      : [],
  told: () => null,
  webhook: message,
  chat: (items, news, channel) => items.map((merchants) => message(merchants, news, channel)),
  draft(n, { publicUrl }) {
    const now = Date.parse(n.at);
    const lines = n.merchants.map((m) => {
      const oldest = m.oldest_unhandled_at === null ? "" : ` · 最早未处理 ${ageText(now - Date.parse(m.oldest_unhandled_at))}前`;
      return `${merchantShort(m.mchid, m.name)}：24 小时新增 ${m.new_24h} · 进行中 ${m.active} · 未处理 ${m.unhandled} · 24 小时内期限将至 ${m.due_24h} · 已超期 ${m.overdue}${oldest}`;
    });
    const unhandled = n.merchants.reduce((sum, m) => sum + m.unhandled, 0);
    const link = dashboardLink(publicUrl);
    return {
      title: `投诉日报 · 未处理 ${unhandled} 条`,
      blocks: [{ kind: "note", text: `${beijingTime(n.at)} 投诉日报：` }, { kind: "items", items: lines }, ...linkBlock("查看", link)],
      link,
    };
  },
  body: (n) => ({ event: n.event, at: n.at, merchants: n.merchants }),
});
