/**
 * How the alerts say things, in Chinese (the merchants are Chinese): amounts, times, spans of time, merchants,
 * links to the dashboard, and the blocks every complaint message shares. Pure: no clock, no I/O.
 * @module
 */
import type { Complaint } from "../domain/complaint";
import { type DeadlineKind, type OpenDeadline, openDeadlines } from "../domain/deadlines";
import { yuan } from "../domain/money";
import type { ServedComplaint } from "../domain/served";
import { beijingTextOf, complaintAtText, HOUR_MS, MINUTE_MS, toBeijingIso } from "../domain/time";
import { type Block, oneLine } from "./render";
import type { SendContext } from "./types";

/** Code points of a complaint body an alert shows. */
export const BODY_LIMIT = 200;
/** Lines a reminder, resolved or quiet-hours message lists, so it stays within chat platforms' ~4 KB. */
export const LIST_SHOWN = 10;
/** Code points of the body on one summary line. */
const SUMMARY_BODY_LIMIT = 40;

/** Trims to `limit` code points (never splitting a surrogate pair), adding "…" when it cut something. */
export function trimText(text: string, limit: number): string {
  const points = Array.from(text);
  return points.length <= limit ? text : points.slice(0, limit).join("") + "…";
}

/** A complaint body as an alert shows it: CRLF as LF, outer blanks gone, at most 200 code points (+ "…"). */
export function trimBody(body: string): string {
  return trimText(body.replace(/\r\n?/g, "\n").trim(), BODY_LIMIT);
}

/** A stored instant (ISO with `Z` or an offset) as Beijing wall-clock text, `2026-11-08 01:13:29`. */
export function beijingTime(value: string): string {
  return beijingTextOf(value, true);
}

/** "29.90 元", or 未知 when upstream sent no amount. */
export function amountText(fen: number | null): string {
  return fen === null ? "未知" : `${yuan(fen)} 元`;
}

/** The merchant as people know it: `name（mchid）`, or the mchid alone. */
export function merchantLabel(mchid: string, name: string | null): string {
  const n = name === null ? "" : oneLine(name);
  return n === "" ? mchid : `${n}（${mchid}）`;
}

/** The short merchant name for titles: the name, or the mchid. */
export function merchantShort(mchid: string, name: string | null): string {
  const n = name === null ? "" : oneLine(name);
  return n === "" ? mchid : n;
}

/** PUBLIC_URL without trailing slashes, or null when unset or blank. */
function dashboardBase(publicUrl: string | null): string | null {
  if (publicUrl === null) return null;
  const base = publicUrl.trim().replace(/\/+$/, "");
  return base === "" ? null : base;
}

/** encodeURIComponent, plus the characters it leaves that would end a markdown link (`(`, `)`) and friends. */
function pathSegment(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

/** What a complaint's link is made of: the dashboard's address, and the key that opens it without signing in. */
export type Links = Pick<SendContext, "publicUrl" | "viewKey">;

/**
 * `${PUBLIC_URL}/#/complaints/{mchid}/{id}?view=<key>` (segments URL-encoded; the key, in the fragment, is never sent
 * to a server), or null without PUBLIC_URL.
 */
export function complaintLink({ publicUrl, viewKey }: Links, complaint: Pick<Complaint, "mchid" | "id">): string | null {
  const base = dashboardBase(publicUrl);
  if (base === null) return null;
  const key = viewKey === undefined ? "" : `?view=${viewKey(complaint.mchid, complaint.id)}`;
  return `${base}/#/complaints/${pathSegment(complaint.mchid)}/${pathSegment(complaint.id)}${key}`;
}

/** `${PUBLIC_URL}/`, or null without PUBLIC_URL. */
export function dashboardLink(publicUrl: string | null): string | null {
  const base = dashboardBase(publicUrl);
  return base === null ? null : `${base}/`;
}

/** The blocks a link adds: none without `PUBLIC_URL`. */
export function linkBlock(label: string, url: string | null): Block[] {
  return url === null ? [] : [{ kind: "link", label, url }];
}

/** `12月6日 22:13`: a deadline as people say it, in Beijing time. */
export function shortTime(iso: string): string {
  const [, month, day, clock] = /^\d{4}-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(toBeijingIso(Date.parse(iso))) ?? [];
  return `${Number(month)}月${Number(day)}日 ${clock}`;
}

/** "5 小时" or "2 天 3 小时": how long, for deadlines and the digest. */
export function ageText(ms: number): string {
  const hours = Math.max(0, Math.floor(ms / HOUR_MS));
  if (hours < 48) return `${hours} 小时`;
  const rest = hours % 24;
  return rest === 0 ? `${Math.floor(hours / 24)} 天` : `${Math.floor(hours / 24)} 天 ${rest} 小时`;
}

/** "20 小时", "2 天 3 小时" or, under an hour, "45 分钟": how long since a deadline (rounded down). */
export function spanText(ms: number): string {
  return ms < HOUR_MS ? `${Math.max(0, Math.floor(ms / MINUTE_MS))} 分钟` : ageText(ms);
}

/** "20 小时 5 分", "40 分钟", over two days "2 天 3 小时": how long is left, to the minute (rounded down). */
export function leftText(ms: number): string {
  if (ms < HOUR_MS || ms >= 48 * HOUR_MS) return spanText(ms);
  const minutes = Math.floor(ms / MINUTE_MS);
  const rest = minutes % 60;
  const hours = Math.floor(minutes / 60);
  return rest === 0 ? `${hours} 小时` : `${hours} 小时 ${rest} 分`;
}

/** What meeting each deadline means, as a person is asked to: 请在 … 前回复 / 前处理完毕. */
export const DEADLINE_WORD: Record<DeadlineKind, string> = { reply: "回复", resolve: "处理完毕" };
/** Each deadline's name (glossary): 回复期限, 处理期限. */
export const DEADLINE_NAME: Record<DeadlineKind, string> = { reply: "回复期限", resolve: "处理期限" };
/** The short word before 已超期 / 剩: 回复已超期 3 小时, 处理剩 2 小时. */
export const DEADLINE_SHORT: Record<DeadlineKind, string> = { reply: "回复", resolve: "处理" };

/** What each error code of a poll means, in words a merchant reads (the code stays beside it, for a developer). */
const ERROR_WORDS: Record<string, string> = {
  timeout: "PAYJS 没有在时限内回答",
  network: "连不上 PAYJS（网络或域名解析出错）",
  http_status: "PAYJS 的服务器出错",
  not_json: "PAYJS 的回答无法读取（可能正在维护）",
  upstream_error: "PAYJS 拒绝了查询",
  bad_signature: "PAYJS 回答的签名对不上：请核对 PAYJS 通信密钥",
  unsigned: "PAYJS 的回答没有签名",
  bad_shape: "PAYJS 回答的格式不对",
  storage: "Cloudflare KV 读写失败",
  storage_format: "存储的数据是另一个版本写的",
  storage_corrupt: "存储的数据无法读取",
};

/** Code points of PAYJS's own words an alert quotes. */
const SAID_LIMIT = 200;

/** An error of a poll in Chinese: what its code means, PAYJS's own words when it refused, and the code. */
export function errorText(error: { code: string; said?: string }): string {
  const words = ERROR_WORDS[error.code] ?? "查询失败";
  return error.said === undefined ? `${words}（${error.code}）` : `${words}：${trimText(oneLine(error.said), SAID_LIMIT)}（${error.code}）`;
}

/** Where a merchant answers a customer: WeChat Pay's own tools, never the watcher. */
export const WHERE_TO_ANSWER: Block = { kind: "note", text: "去回复：微信支付商家助手 → 消费者投诉" };

/** The first {@link LIST_SHOWN} lines as items, and how many more there are. */
export function listed(lines: readonly string[]): Block[] {
  const blocks: Block[] = [{ kind: "items", items: lines.slice(0, LIST_SHOWN) }];
  if (lines.length > LIST_SHOWN) blocks.push({ kind: "note", text: `还有 ${lines.length - LIST_SHOWN} 条` });
  return blocks;
}

/** One summary line: time · amount · out_trade_no · the body's start. */
export function summaryLine(c: Complaint): string {
  const body = trimText(oneLine(c.body), SUMMARY_BODY_LIMIT);
  return [oneLine(complaintAtText(c.complaint_at, true)), amountText(c.total_fee), oneLine(c.out_trade_no), body]
    .filter((part) => part !== "")
    .join(" · ");
}

/** A deadline's state at `now`: 请在 12月6日 22:13 前回复（剩 20 小时 5 分）, or 已超过回复期限 3 小时. */
export function deadlineState(d: OpenDeadline, now: number): string {
  const due = Date.parse(d.due_at);
  // In the minute after a deadline, "passed by 0 minutes" would read as a glitch.
  if (due <= now) return now - due < MINUTE_MS ? `${DEADLINE_NAME[d.kind]}已到` : `已超过${DEADLINE_NAME[d.kind]} ${spanText(now - due)}`;
  return `请在 ${shortTime(d.due_at)} 前${DEADLINE_WORD[d.kind]}（剩 ${leftText(due - now)}）`;
}

/** A complaint's open deadlines at `now` (none for a message queued before deadlines existed). */
export function openAt(c: ServedComplaint): OpenDeadline[] {
  return c.deadlines === undefined ? [] : openDeadlines(c, c.deadlines, c);
}

/**
 * What a new complaint's message says of its deadlines at `now`: the first open one ahead and how long is left,
 * after any that passed; null when it has none open.
 */
export function deadlineNote(c: ServedComplaint, now: number): string | null {
  const parts: string[] = [];
  for (const d of openAt(c)) {
    parts.push(deadlineState(d, now));
    if (Date.parse(d.due_at) > now) break;
  }
  return parts.length === 0 ? null : parts.join("；");
}

/** A chat message shows a few fields: the verbatim upstream item is for webhooks only. */
export const slim = <C extends Complaint>(c: C): C => ({ ...c, raw: {} });
