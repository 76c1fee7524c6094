/**
 * A complaint as a list row (`[data-complaint-id]`, with `data-mchid` and `data-handled="true|false"`) and as the
 * detail's fields: its state, its handled mark and its age since `first_seen_at`, shown late (`.age.late`, red)
 * once past the first reminder threshold of `REMIND_AFTER_HOURS` while it is active and unhandled. Complaint text
 * and handled notes are written by people: they only ever reach the page as text.
 * @module
 */
import { detailHash } from "./address";
import { cell, el } from "./dom";
import { bj, instant, money } from "./format";
import { T } from "./i18n";
import type { StringKey } from "./strings";
import type { Complaint, ListedComplaint } from "./wire";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export function badge(active: boolean): HTMLElement {
  return el("span", { class: active ? "badge on" : "badge", title: T(active ? "activeHint" : "goneHint") }, T(active ? "active" : "gone"));
}

/** The compact "handled" badge of a marked complaint, its time and note in the title. */
function handledBadge(c: ListedComplaint): HTMLElement | null {
  const h = c.handled;
  if (!h) return null;
  return el("span", { class: "badge done", title: T("handledAt", [bj(h.at)]) + (h.note ? `: ${h.note}` : "") }, T("handledBadge"));
}

/** "3 小时前" / "3 h ago": minutes under an hour, hours under 48, then days. */
export function ageText(ms: number): string {
  if (ms < MINUTE) return T("ageNow");
  if (ms < HOUR) return T("ageMin", [Math.floor(ms / MINUTE)]);
  if (ms < 48 * HOUR) return T("ageHour", [Math.floor(ms / HOUR)]);
  return T("ageDay", [Math.floor(ms / (24 * HOUR))]);
}

/**
 * The first threshold of `remind` (hours) that an active, unhandled complaint first seen `ms` ago has passed, or
 * null: the page's own reading of the Worker's reminder rule.
 */
export function lateBy(c: ListedComplaint, ms: number, remind: readonly number[] | undefined): number | null {
  const first = remind?.[0];
  return c.active && !c.handled && typeof first === "number" && ms >= first * HOUR ? first : null;
}

/** The complaint's age since it was first seen (null when `first_seen_at` is no time). */
export function age(c: ListedComplaint, remind: readonly number[] | undefined): HTMLElement | null {
  const t = instant(c.first_seen_at);
  if (t === null) return null;
  const ms = Math.max(0, Date.now() - t);
  const late = lateBy(c, ms, remind);
  if (late === null) return el("span", { class: "age" }, ageText(ms));
  const why = T("late", [late]);
  return el("span", { class: "age late", title: why }, ageText(ms), el("span", { class: "sr" }, ` (${why})`));
}

/** A list row; `merchant` is the short name shown in it, `remind` the reminder thresholds in hours. */
export function complaintRow(c: ListedComplaint, merchant: string, remind: readonly number[] | undefined): HTMLTableRowElement {
  return el(
    "tr",
    { "data-complaint-id": c.id, "data-mchid": c.mchid, "data-handled": String(!!c.handled) },
    cell("colTime", el("a", { href: detailHash(c) }, bj(c.complaint_at)), "c-t"),
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
    cell("state", el("div", { class: "tags" }, badge(c.active), handledBadge(c)), "c-s"),
    cell("colFirstSeen", el("span", null, bj(c.first_seen_at), " ", age(c, remind)), "t c-f"),
  );
}

/** How the detail shows the handled mark: when and the note, or "unhandled". */
function handledText(c: Complaint): Node | string {
  const h = c.handled;
  if (!h) return T("unhandled");
  return el(
    "div",
    null,
    el("div", { class: "done-at" }, T("handledAt", [bj(h.at, true)])),
    h.note ? el("div", { class: "body note" }, h.note) : null,
  );
}

/** The detail's `<dt>`/`<dd>` pairs; `merchant` is the merchant's full label. */
export function complaintFields(c: Complaint, merchant: string, remind: readonly number[] | undefined): HTMLElement[] {
  const items: [StringKey, Node | string, string?][] = [
    ["id", c.id],
    ["merchant", merchant],
    ["colTime", bj(c.complaint_at, true)],
    ["colAmount", money(c.total_fee)],
    ["outTradeNo", c.out_trade_no || "—"],
    ["orderId", c.order_id || "—"],
    ["state", badge(c.active)],
    ["handling", handledText(c), "detail-handled"],
    ["colFirstSeen", el("div", null, bj(c.first_seen_at, true), " ", age(c, remind))],
    ["lastSeen", bj(c.last_seen_at, true)],
    ["colBody", c.body ? el("div", { class: "body" }, c.body) : T("emptyBody")],
  ];
  return items.flatMap(([key, value, id]) => [el("dt", null, T(key)), el("dd", id ? { id } : null, value)]);
}
