/**
 * A complaint as a list row (`[data-complaint-id]`, with `data-mchid`, `data-handled="true|false"` and `data-due`,
 * its `next_due` or empty) and as the detail's fields: its state, its marks, its deadlines and the countdown to the
 * next one (`.due`, naming its deadline: "回复剩 5 小时", "处理剩 29 小时", "回复已超期 3 小时"), amber (`.due.soon`) under the largest threshold of
 * `REMIND_BEFORE_HOURS`, red (`.due.late`) under the smallest and once passed; its refund (a badge, and the row's
 * `data-refund`: `done`, `pending`, `failed` or `unknown`) and its order as PAYJS's `/check` told it. Complaint text,
 * notes and PAYJS's messages only ever reach the page as text; the order's `raw` (the payer's `openid`) never does.
 * @module
 */
import { detailHash } from "./address";
import { cell, el } from "./dom";
import { bj, instant, money } from "./format";
import { T } from "./i18n";
import type { StringKey } from "./strings";
import type { Complaint, ListedComplaint, Mark, OrderAnswer, Refund } from "./wire";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Which deadline: the first answer's (`reply_by`) or the matter's end (`resolve_by`). */
export type DeadlineKind = "reply" | "resolve";

export function badge(active: boolean): HTMLElement {
  return el("span", { class: active ? "badge on" : "badge", title: T(active ? "activeHint" : "goneHint") }, T(active ? "active" : "gone"));
}

/** A mark's compact badge, its time and note in the title. */
function markBadge(m: Mark | null | undefined, cls: string, label: StringKey, at: StringKey): HTMLElement | null {
  return m ? el("span", { class: `badge ${cls}`, title: T(at, [bj(m.at)]) + (m.note ? `: ${m.note}` : "") }, T(label)) : null;
}

/** The badge's colour for each refund state. */
const REFUND_CLASS = { done: "ok", pending: "on", failed: "bad", unknown: "bad" };

/** A refund's badge, e.g. "已退款 ¥29.90" (退款中, 退款失败, 退款结果未知), with PAYJS's message as its title. */
const refundBadge = (r: Refund | null | undefined): HTMLElement | null =>
  r ? el("span", { class: `badge ${REFUND_CLASS[r.state]}`, title: r.message }, `${T(`refund_${r.state}`)} ${money(r.total_fee)}`) : null;

/** "5 小时" / "5 h": minutes under an hour (at least one), hours under 72 (WeChat Pay's whole span), then days. */
export function duration(ms: number): string {
  if (ms < HOUR) return T("durMin", [Math.max(1, Math.floor(ms / MINUTE))]);
  if (ms < 72 * HOUR) return T("durHour", [Math.floor(ms / HOUR)]);
  return T("durDay", [Math.floor(ms / (24 * HOUR))]);
}

/** Which deadline `next_due` is: the reply's while that one is open, else the resolution's. */
export function nextKind(c: ListedComplaint): DeadlineKind {
  return c.next_due === c.deadlines?.reply_by && !c.replied && !c.handled ? "reply" : "resolve";
}

/**
 * Writes a countdown (`.due[data-at][data-kind]`) for now: the time left or past, naming the deadline (`data-kind`), and
 * its colour against `remind`,
 * the reminder thresholds in hours. Run again every minute, so the page counts down without a reload.
 */
export function paintDue(e: HTMLElement, remind: readonly number[]): void {
  const at = instant(e.dataset.at ?? "");
  if (at === null) return;
  const left = at - Date.now();
  const hours = left / HOUR;
  const reply = e.dataset.kind === "reply";
  e.textContent = T(left > 0 ? (reply ? "replyLeft" : "resolveLeft") : reply ? "replyOverdue" : "resolveOverdue", [
    duration(Math.abs(left)),
  ]);
  const late = left <= 0 || (remind.length > 0 && hours < Math.min(...remind));
  e.className = late ? "due late" : remind.length > 0 && hours < Math.max(...remind) ? "due soon" : "due";
}

/** Every countdown on the page, written again (see {@link paintDue}). */
export function repaintDue(remind: readonly number[]): void {
  for (const e of document.querySelectorAll<HTMLElement>(".due")) paintDue(e, remind);
}

function countdown(at: string, kind: DeadlineKind, remind: readonly number[]): HTMLElement {
  const e = el("span", { "data-at": at, "data-kind": kind, title: `${T(kind === "reply" ? "replyBy" : "resolveBy")} ${bj(at)}` });
  paintDue(e, remind);
  return e;
}

/** A list row; `merchant` is the short name shown in it, `remind` the reminder thresholds in hours. */
export function complaintRow(c: ListedComplaint, merchant: string, remind: readonly number[]): HTMLTableRowElement {
  const due = c.next_due ?? null;
  return el(
    "tr",
    {
      "data-complaint-id": c.id,
      "data-mchid": c.mchid,
      "data-handled": String(!!c.handled),
      "data-due": due ?? "",
      "data-refund": c.refund?.state,
    },
    cell("colTime", el("a", { href: detailHash(c) }, bj(c.complaint_at)), "c-t"),
    cell("colDue", due ? countdown(due, nextKind(c), remind) : el("span", { class: "muted" }, "—"), "t c-d"),
    cell("merchant", merchant, "c-m"),
    cell("colAmount", money(c.total_fee), "num c-a"),
    cell(
      "colOrders",
      el(
        "div",
        { class: "mono" },
        el("div", { title: T("outTradeNo") }, c.out_trade_no || "—"),
        el("div", { title: T("orderId") }, c.order_id || "—"),
      ),
      "c-o",
    ),
    cell("colBody", c.body ? el("div", { class: "body clamp" }, c.body) : el("span", { class: "muted" }, T("emptyBody")), "c-b"),
    cell(
      "state",
      el(
        "div",
        { class: "tags" },
        badge(c.active),
        c.handled ? null : markBadge(c.replied, "rep", "repliedBadge", "repliedAt"),
        markBadge(c.handled, "done", "handledBadge", "handledAt"),
        refundBadge(c.refund),
      ),
      "c-s",
    ),
  );
}

/** How the detail shows a mark: when, by which device (absent for a configured token and from a view link's answer) and the note, or `none`. */
function markText(m: Mark | null | undefined, at: StringKey, none: StringKey): Node | string {
  if (!m) return T(none);
  const by = m.by ? T("byWho", [m.by]) : "";
  return el("div", null, el("div", null, T(at, [bj(m.at, true)]) + by), m.note ? el("div", { class: "body note" }, m.note) : null);
}

/** A deadline in Beijing time, with its countdown while it is open. */
function deadlineText(c: Complaint, kind: DeadlineKind, remind: readonly number[]): Node | string {
  const at = c.deadlines?.[kind === "reply" ? "reply_by" : "resolve_by"];
  if (!at) return "—";
  const open = c.active && !c.handled && (kind === "resolve" || !c.replied);
  return el("span", null, bj(at, true), " ", open ? countdown(at, kind, remind) : null);
}

type Field = [StringKey, Node | string, string?];

/** `<dt>`/`<dd>` pairs, the `<dd>` with the id given. */
const pairs = (items: Field[]): HTMLElement[] =>
  items.flatMap(([key, value, id]) => [el("dt", null, T(key)), el("dd", id ? { id } : null, value)]);

/** The detail's `<dt>`/`<dd>` pairs; `merchant` is the merchant's full label. */
export function complaintFields(c: Complaint, merchant: string, remind: readonly number[]): HTMLElement[] {
  const items: Field[] = [
    ["id", c.id],
    ["merchant", merchant],
    ["colTime", bj(c.complaint_at, true)],
    ["colAmount", money(c.total_fee)],
    ["outTradeNo", c.out_trade_no || "—"],
    ["orderId", c.order_id || "—"],
    ["state", el("div", { class: "tags" }, badge(c.active), refundBadge(c.refund)), "detail-state"],
    ["replyBy", deadlineText(c, "reply", remind), "detail-reply-by"],
    ["resolveBy", deadlineText(c, "resolve", remind), "detail-resolve-by"],
    ["replying", markText(c.replied, "repliedAt", c.handled ? "repliedByHandled" : "unreplied"), "detail-replied"],
    ["handling", markText(c.handled, "handledAt", "unhandled"), "detail-handled"],
    ["colFirstSeen", bj(c.first_seen_at, true)],
    ["lastSeen", bj(c.last_seen_at, true)],
    ["colBody", c.body ? el("div", { class: "body" }, c.body) : T("emptyBody")],
  ];
  return pairs(items);
}

/** The order as PAYJS's `/check` told it (never its `raw`), and when it was checked. */
export function orderFields({ order: o, checked_at }: OrderAnswer): HTMLElement[] {
  return [
    el(
      "dl",
      null,
      ...pairs([
        ["orderStatus", o.status ? T(o.status) : "—"],
        ["colAmount", money(o.total_fee)],
        ["paidTime", bj(o.paid_time, true)],
        ["orderId", o.payjs_order_id || "—"],
        ["outTradeNo", o.out_trade_no || "—"],
        ["txId", o.transaction_id || "—"],
      ]),
    ),
    el("p", { class: "hint" }, T("checkedAt", [bj(checked_at, true)])),
  ];
}
