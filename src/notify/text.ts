/**
 * How the alerts say things, in Chinese (the merchants are Chinese): amounts, times, spans of time, merchants,
 * links to the dashboard, and the blocks every complaint message shares. Pure: no clock, no I/O.
 * @module
 */
import type { Complaint } from "../domain/complaint";
import { type DeadlineKind, openDeadlines } from "../domain/deadlines";
import { yuan } from "../domain/money";
import type { ServedComplaint } from "../domain/served";
import { beijingTextOf, complaintAtText, HOUR_MS, MINUTE_MS, toBeijingIso } from "../domain/time";
import { type Block, oneLine } from "./render";

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

/** `${PUBLIC_URL}/#/complaints/{mchid}/{id}` (segments URL-encoded), or null without PUBLIC_URL. */
export function complaintLink(publicUrl: string | null, complaint: Pick<Complaint, "mchid" | "id">): string | null {
  const base = dashboardBase(publicUrl);
  return base === null ? null : `${base}/#/complaints/${pathSegment(complaint.mchid)}/${pathSegment(complaint.id)}`;
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

/** "20 小时", "2 天 3 小时" or, under an hour, "45 分钟": how long until (or since) a deadline. */
export function spanText(ms: number): string {
  return ms < HOUR_MS ? `${Math.max(0, Math.floor(ms / MINUTE_MS))} 分钟` : ageText(ms);
}

export const DEADLINE_WORD: Record<DeadlineKind, string> = { reply: "回复", resolve: "完成" };

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

/**
 * What a new complaint's message says of its deadlines at `at`: the first open one ahead and how long is left, after
 * any that passed; null when it has none open.
 */
export function deadlineNote(c: ServedComplaint, at: string): string | null {
  // Messages queued by an older version carry no deadlines.
  if (c.deadlines === undefined) return null;
  const now = Date.parse(at);
  const parts: string[] = [];
  for (const d of openDeadlines(c, c.deadlines, c)) {
    const due = Date.parse(d.due_at);
    if (due <= now) {
      parts.push(`${DEADLINE_WORD[d.kind]}期限（${shortTime(d.due_at)}）已过`);
      continue;
    }
    parts.push(`请在 ${shortTime(d.due_at)} 前${DEADLINE_WORD[d.kind]}，还剩 ${spanText(due - now)}`);
    break;
  }
  return parts.length === 0 ? null : parts.join("；");
}

/** A complaint field by field: merchant, amount, time, its deadlines at `at` (when given), order numbers, body, link. */
export function complaintBlocks(c: Complaint, merchantName: string | null, publicUrl: string | null, at?: string): Block[] {
  const blocks: Block[] = [
    { kind: "field", label: "商户", value: merchantLabel(c.mchid, merchantName) },
    { kind: "field", label: "金额", value: amountText(c.total_fee) },
    { kind: "field", label: "时间", value: oneLine(complaintAtText(c.complaint_at, true)) },
    { kind: "field", label: "商户订单号", value: oneLine(c.out_trade_no) },
    { kind: "field", label: "PAYJS订单号", value: oneLine(c.order_id) },
    { kind: "quote", label: "内容", text: trimBody(c.body) || "（无）" },
  ];
  const note = at === undefined ? null : deadlineNote(c as ServedComplaint, at);
  if (note !== null) blocks.splice(3, 0, { kind: "field", label: "期限", value: note });
  return [...blocks, ...linkBlock("查看", complaintLink(publicUrl, c))];
}

/** A chat message shows a few fields: the verbatim upstream item is for webhooks only. */
export const slim = <C extends Complaint>(c: C): C => ({ ...c, raw: {} });
