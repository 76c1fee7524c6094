/**
 * The text of every alert, in Chinese (the merchants are Chinese), as a title line, a plain-text body and a
 * markdown body. Pure: no clock, no I/O. Each channel picks the variant its platform renders.
 *
 * Markdown goes to WeCom, DingTalk and Server酱, which render a loose subset (links, headings, quotes, and in
 * DingTalk's case `<font>` HTML). Text that comes from outside (complaint body, order numbers, merchant names,
 * upstream error messages) must not turn into markup there, so it passes {@link mdEscape}: `[ ] ( ) < >` become
 * their full-width forms (a reader sees the same text; no link, image, tag or quote can form) and a `#` that
 * starts a line becomes `＃`. The complaint body also sits in a quote block of its own.
 * @module
 */

import type { Complaint } from "../domain/complaint";
import { type DeadlineKind, openDeadlines } from "../domain/deadlines";
import { yuan } from "../domain/money";
import type { DigestEntry, MerchantStatusEntry, Notification, RefundedItem } from "../domain/notification";
import type { ServedComplaint } from "../domain/served";
import { beijingTextOf, complaintAtText, HOUR_MS, MINUTE_MS, toBeijingIso } from "../domain/time";

/** Code points of a complaint body an alert shows. */
export const BODY_LIMIT = 200;
/** Complaints a summary lists one by one. */
export const SUMMARY_SHOWN = 5;
/** Lines a reminder, resolved or quiet-hours message lists, so it stays within chat platforms' ~4 KB. */
export const LIST_SHOWN = 10;
/** Code points of the body on one summary line. */
export const SUMMARY_BODY_LIMIT = 40;
/** Code points of an upstream error message an alert shows. */
const ERROR_LIMIT = 200;

export interface Message {
  /** One line: the push title (Bark, Server酱), DingTalk's preview title, the first line of the text variants. */
  title: string;
  /** Plain-text body, without the title. */
  text: string;
  /** Markdown body, without the title. */
  markdown: string;
}

type Block =
  | { kind: "field"; label: string; value: string }
  | { kind: "quote"; label: string; text: string }
  | { kind: "items"; items: string[] }
  | { kind: "note"; text: string }
  | { kind: "link"; label: string; url: string };

/** Trims to `limit` code points (never splitting a surrogate pair), adding "…" when it cut something. */
export function trimText(text: string, limit: number): string {
  const points = Array.from(text);
  return points.length <= limit ? text : points.slice(0, limit).join("") + "…";
}

/** A complaint body as an alert shows it: CRLF as LF, outer blanks gone, at most 200 code points (+ "…"). */
export function trimBody(body: string): string {
  return trimText(body.replace(/\r\n?/g, "\n").trim(), BODY_LIMIT);
}

/** One line: every run of white space (newlines included) as one space. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
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
function merchantShort(mchid: string, name: string | null): string {
  const n = name === null ? "" : oneLine(name);
  return n === "" ? mchid : n;
}

/** PUBLIC_URL without trailing slashes, or null when unset or blank. */
export function dashboardBase(publicUrl: string | null): string | null {
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

const FULL_WIDTH: Record<string, string> = { "[": "［", "]": "］", "(": "（", ")": "）", "<": "＜", ">": "＞" };

/**
 * Outside text made inert for the chat platforms' markdown: no link, image, HTML tag (`<font>`, `<@user>`),
 * quote or heading can form. Full-width look-alikes rather than backslashes, which not every platform honours.
 */
export function mdEscape(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[[\]()<>]/g, (c) => FULL_WIDTH[c] ?? c)
    .replace(/^([ \t]*)#/gm, "$1＃");
}

/** A URL made safe inside `[label](url)`: nothing in it can close the parenthesis or the line. */
function mdUrl(url: string): string {
  return url.replace(/[()<>\s]/g, (c) => encodeURIComponent(c).replace("(", "%28").replace(")", "%29"));
}

function renderText(blocks: Block[]): string {
  const lines: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case "field":
        lines.push(`${b.label}：${b.value}`);
        break;
      case "quote":
        lines.push(`${b.label}：${b.text}`);
        break;
      case "items":
        for (const item of b.items) lines.push(`- ${item}`);
        break;
      case "note":
        lines.push(b.text);
        break;
      case "link":
        lines.push(`${b.label}：${b.url}`);
        break;
    }
  }
  return lines.join("\n");
}

/**
 * Paragraphs apart by a blank line (so a quote cannot swallow what follows it), lines inside one by a hard
 * break (two spaces + LF: DingTalk needs it, WeCom ignores it).
 */
function renderMarkdown(blocks: Block[]): string {
  const paragraphs: string[][] = [];
  // Consecutive fields (and a quote's label) share one paragraph; everything else stands alone.
  let open: string[] | null = null;
  const fieldLine = (line: string): void => {
    if (open === null) {
      open = [];
      paragraphs.push(open);
    }
    open.push(line);
  };
  for (const b of blocks) {
    switch (b.kind) {
      case "field":
        fieldLine(`**${b.label}**：${mdEscape(b.value)}`);
        continue;
      case "quote":
        fieldLine(`**${b.label}**：`);
        paragraphs.push(
          mdEscape(b.text)
            .split("\n")
            .map((line) => `> ${line}`),
        );
        break;
      case "items":
        paragraphs.push(b.items.map((item) => `- ${mdEscape(item)}`));
        break;
      case "note":
        paragraphs.push([mdEscape(b.text)]);
        break;
      case "link":
        paragraphs.push([`[${b.label}](${mdUrl(b.url)})`]);
        break;
    }
    open = null;
  }
  return paragraphs.map((lines) => lines.join("  \n")).join("\n\n");
}

/** `12月6日 22:13`: a deadline as people say it, in Beijing time. */
export function shortTime(iso: string): string {
  const [, month, day, clock] = /^\d{4}-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(toBeijingIso(Date.parse(iso))) ?? [];
  return `${Number(month)}月${Number(day)}日 ${clock}`;
}

/** "20 小时", "2 天 3 小时" or, under an hour, "45 分钟": how long until (or since) a deadline. */
export function spanText(ms: number): string {
  return ms < HOUR_MS ? `${Math.max(0, Math.floor(ms / MINUTE_MS))} 分钟` : ageText(ms);
}

const DEADLINE_WORD: Record<DeadlineKind, string> = { reply: "回复", resolve: "完成" };

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

function complaintBlocks(c: Complaint, merchantName: string | null, publicUrl: string | null, at?: string): Block[] {
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
  const link = complaintLink(publicUrl, c);
  if (link !== null) blocks.push({ kind: "link", label: "查看", url: link });
  return blocks;
}

/** One summary line: time · amount · out_trade_no · the body's start. */
function summaryLine(c: Complaint): string {
  const body = trimText(oneLine(c.body), SUMMARY_BODY_LIMIT);
  return [oneLine(complaintAtText(c.complaint_at, true)), amountText(c.total_fee), oneLine(c.out_trade_no), body]
    .filter((part) => part !== "")
    .join(" · ");
}

function statusBlocks(event: "watcher.failing" | "watcher.recovered", m: MerchantStatusEntry, publicUrl: string | null): Block[] {
  const lastSuccess = m.last_success_at === null ? "从未成功" : beijingTime(m.last_success_at);
  const blocks: Block[] = [{ kind: "field", label: "商户", value: merchantLabel(m.mchid, m.name) }];
  if (event === "watcher.failing") {
    blocks.push({ kind: "note", text: "投诉拉取连续失败，新投诉可能无法及时通知。" });
    blocks.push({ kind: "field", label: "连续失败", value: `${m.consecutive_failures} 次` });
    if (m.last_error !== null) {
      blocks.push({
        kind: "field",
        label: "最近错误",
        value: oneLine(`${m.last_error.code}：${trimText(m.last_error.message, ERROR_LIMIT)}`),
      });
      blocks.push({ kind: "field", label: "出错时间", value: beijingTime(m.last_error.at) });
    }
    blocks.push({ kind: "field", label: "上次成功", value: lastSuccess });
  } else {
    blocks.push({ kind: "note", text: "投诉拉取已恢复正常。" });
    blocks.push({ kind: "field", label: "恢复时间", value: lastSuccess });
  }
  const link = dashboardLink(publicUrl);
  if (link !== null) blocks.push({ kind: "link", label: "查看", url: link });
  return blocks;
}

function draft(n: Notification, publicUrl: string | null): { title: string; blocks: Block[] } {
  switch (n.kind) {
    case "complaint": {
      const c = n.complaint;
      return {
        title: `新投诉 · ${merchantShort(c.mchid, n.merchantName)} · ${amountText(c.total_fee)}`,
        blocks: complaintBlocks(c, n.merchantName, publicUrl, n.at),
      };
    }
    case "summary": {
      const count = n.count;
      const shown = n.newest.slice(0, SUMMARY_SHOWN);
      const blocks: Block[] = [
        { kind: "field", label: "商户", value: merchantLabel(n.mchid, n.merchantName) },
        { kind: "field", label: "新投诉", value: `${count} 条` },
        { kind: "field", label: "总金额", value: `${yuan(n.totalFee)} 元` },
        { kind: "note", text: `最新 ${shown.length} 条：` },
        { kind: "items", items: shown.map(summaryLine) },
      ];
      if (count > shown.length) blocks.push({ kind: "note", text: `还有 ${count - shown.length} 条` });
      const link = dashboardLink(publicUrl);
      if (link !== null) blocks.push({ kind: "link", label: "查看全部", url: link });
      return { title: `${count} 条新投诉 · ${merchantShort(n.mchid, n.merchantName)}`, blocks };
    }
    case "status": {
      const who = merchantShort(n.merchant.mchid, n.merchant.name);
      const title = n.event === "watcher.failing" ? `投诉监控异常 · ${who}` : `投诉监控已恢复 · ${who}`;
      return { title, blocks: statusBlocks(n.event, n.merchant, publicUrl) };
    }
    case "due":
    case "overdue":
      return deadlineDraft(n, publicUrl);
    case "resolved":
      return resolvedDraft(n.complaint.mchid, n.merchantName, [n.complaint], publicUrl);
    case "resolved_list":
      return resolvedDraft(n.mchid, n.merchantName, n.complaints, publicUrl);
    case "refunded":
      return refundedDraft(n, publicUrl);
    case "digest":
      return digestDraft(n.merchants, n.at, publicUrl);
    case "held": {
      const blocks: Block[] = [{ kind: "note", text: `免打扰时段内的 ${n.titles.length} 条消息：` }, ...listed(n.titles.map(oneLine))];
      const link = dashboardLink(publicUrl);
      if (link !== null) blocks.push({ kind: "link", label: "查看", url: link });
      return { title: `免打扰期间 ${n.titles.length} 条消息`, blocks };
    }
    case "test": {
      const blocks: Block[] = [
        { kind: "note", text: "这是一条测试消息：告警通道配置正确。" },
        { kind: "field", label: "时间", value: beijingTime(n.at) },
      ];
      const link = dashboardLink(publicUrl);
      if (link !== null) blocks.push({ kind: "link", label: "查看", url: link });
      return { title: "测试消息 · PAYJS 投诉监控", blocks };
    }
  }
}

/** "5 小时" or "2 天 3 小时": how long, for deadlines and the digest. */
export function ageText(ms: number): string {
  const hours = Math.max(0, Math.floor(ms / 3_600_000));
  if (hours < 48) return `${hours} 小时`;
  const rest = hours % 24;
  return rest === 0 ? `${Math.floor(hours / 24)} 天` : `${Math.floor(hours / 24)} 天 ${rest} 小时`;
}

/** The first {@link LIST_SHOWN} lines as items, and how many more there are. */
function listed(lines: readonly string[]): Block[] {
  const blocks: Block[] = [{ kind: "items", items: lines.slice(0, LIST_SHOWN) }];
  if (lines.length > LIST_SHOWN) blocks.push({ kind: "note", text: `还有 ${lines.length - LIST_SHOWN} 条` });
  return blocks;
}

/** A `complaint.due` or `complaint.overdue` message: one line a deadline, soonest first. */
function deadlineDraft(n: Extract<Notification, { kind: "due" | "overdue" }>, publicUrl: string | null) {
  const { mchid, merchantName, items } = n;
  const now = Date.parse(n.at);
  const late = n.kind === "overdue";
  const lines = items.map((d) => {
    const link = complaintLink(publicUrl, d.complaint);
    const word = DEADLINE_WORD[d.deadline];
    const due = Date.parse(d.due_at);
    // The first tick after a deadline often falls on it: "overdue by 0 minutes" would read as a glitch.
    const when =
      due > now ? `${word}剩 ${spanText(due - now)}` : now - due < MINUTE_MS ? `${word}期限已到` : `${word}已超期 ${spanText(now - due)}`;
    return `${when}（${shortTime(d.due_at)}）· ${summaryLine(d.complaint)}${link === null ? "" : ` · ${link}`}`;
  });
  const blocks: Block[] = [
    { kind: "field", label: "商户", value: merchantLabel(mchid, merchantName) },
    {
      kind: "note",
      text: late
        ? `${items.length} 条投诉已过微信支付的处理期限，微信支付可能介入并从商户扣款退给用户：`
        : `${items.length} 条投诉的处理期限将至（最近的在前），请尽快在微信支付的投诉处理工具中回复用户：`,
    },
    ...listed(lines),
  ];
  const link = dashboardLink(publicUrl);
  if (link !== null) blocks.push({ kind: "link", label: "去处理", url: link });
  const who = merchantShort(mchid, merchantName);
  return { title: late ? `投诉已超期 · ${who} · ${items.length} 条` : `投诉即将到期 · ${who} · ${items.length} 条`, blocks };
}

function resolvedDraft(mchid: string, merchantName: string | null, complaints: readonly Complaint[], publicUrl: string | null) {
  const blocks: Block[] = [
    { kind: "field", label: "商户", value: merchantLabel(mchid, merchantName) },
    { kind: "note", text: `${complaints.length} 条投诉已不在 PAYJS 的投诉列表中：` },
    ...listed(complaints.map(summaryLine)),
  ];
  const link = dashboardLink(publicUrl);
  if (link !== null) blocks.push({ kind: "link", label: "查看", url: link });
  return { title: `投诉已结束 · ${merchantShort(mchid, merchantName)} · ${complaints.length} 条`, blocks };
}

/** The person's note with a refund, on one line; null when there is none. */
function refundNoteText(r: RefundedItem): string | null {
  const note = trimText(oneLine(r.note), BODY_LIMIT);
  return note === "" ? null : note;
}

/** One refund on a line: when · amount · order numbers · note · its link. */
function refundedLine(r: RefundedItem, publicUrl: string | null): string {
  const c = r.complaint;
  const note = refundNoteText(r);
  const link = complaintLink(publicUrl, c);
  return [
    beijingTime(r.at),
    amountText(r.total_fee),
    `商户订单号 ${oneLine(c.out_trade_no)}`,
    `PAYJS订单号 ${oneLine(c.order_id)}`,
    note === null ? "" : `备注 ${note}`,
    link ?? "",
  ]
    .filter((part) => part !== "")
    .join(" · ");
}

/** A `complaint.refunded` message: one refund field by field, as a new complaint is told; several one line each. */
function refundedDraft(n: Extract<Notification, { kind: "refunded" }>, publicUrl: string | null) {
  const { mchid, merchantName, items } = n;
  const who = merchantShort(mchid, merchantName);
  const [only] = items;
  if (only !== undefined && items.length === 1) {
    const c = only.complaint;
    const note = refundNoteText(only);
    const blocks: Block[] = [
      { kind: "field", label: "商户", value: merchantLabel(mchid, merchantName) },
      { kind: "field", label: "金额", value: amountText(only.total_fee) },
      { kind: "field", label: "退款时间", value: beijingTime(only.at) },
      { kind: "field", label: "商户订单号", value: oneLine(c.out_trade_no) },
      { kind: "field", label: "PAYJS订单号", value: oneLine(c.order_id) },
    ];
    if (note !== null) blocks.push({ kind: "field", label: "备注", value: note });
    const link = complaintLink(publicUrl, c);
    if (link !== null) blocks.push({ kind: "link", label: "查看", url: link });
    return { title: `已退款 · ${who} · ${amountText(only.total_fee)}`, blocks };
  }
  const total = items.reduce((sum, r) => sum + r.total_fee, 0);
  const blocks: Block[] = [
    { kind: "field", label: "商户", value: merchantLabel(mchid, merchantName) },
    { kind: "note", text: `${items.length} 笔投诉订单已通过 PAYJS 退款，共 ${amountText(total)}：` },
    ...listed(items.map((r) => refundedLine(r, publicUrl))),
  ];
  const link = dashboardLink(publicUrl);
  if (link !== null) blocks.push({ kind: "link", label: "查看", url: link });
  return { title: `已退款 · ${who} · ${items.length} 笔 · ${amountText(total)}`, blocks };
}

function digestDraft(merchants: readonly DigestEntry[], at: string, publicUrl: string | null) {
  const now = Date.parse(at);
  const lines = merchants.map((m) => {
    const oldest = m.oldest_unhandled_at === null ? "" : ` · 最早未处理 ${ageText(now - Date.parse(m.oldest_unhandled_at))}前`;
    return `${merchantShort(m.mchid, m.name)}：24 小时新增 ${m.new_24h} · 进行中 ${m.active} · 未处理 ${m.unhandled} · 24 小时内到期 ${m.due_24h} · 已超期 ${m.overdue}${oldest}`;
  });
  const blocks: Block[] = [
    { kind: "note", text: `${beijingTime(at)} 投诉日报：` },
    { kind: "items", items: lines },
  ];
  const link = dashboardLink(publicUrl);
  if (link !== null) blocks.push({ kind: "link", label: "查看", url: link });
  const unhandled = merchants.reduce((n, m) => n + m.unhandled, 0);
  return { title: `投诉日报 · 未处理 ${unhandled} 条`, blocks };
}

/** A notification's title, plain-text body and markdown body. */
export function formatMessage(n: Notification, publicUrl: string | null): Message {
  const { title, blocks } = draft(n, publicUrl);
  return { title: oneLine(title), text: renderText(blocks), markdown: renderMarkdown(blocks) };
}

/** Title line, then the plain-text body (Telegram, Slack, Feishu). */
export function plainText(m: Message): string {
  return `${m.title}\n${m.text}`;
}

/** A `###` heading with the (escaped) title, then the markdown body (WeCom, DingTalk). */
export function markdownText(m: Message): string {
  return `### ${mdEscape(m.title)}\n\n${m.markdown}`;
}
