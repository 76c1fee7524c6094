/**
 * A complaint as a list row (`[data-complaint-id]`, with `data-mchid`) and as the detail's fields. Complaint text
 * is written by the public: it only ever reaches the page as text.
 * @module
 */
import { detailHash } from "./address";
import { cell, el } from "./dom";
import { bj, money } from "./format";
import { T } from "./i18n";
import type { StringKey } from "./strings";
import type { Complaint } from "./wire";

export function badge(active: boolean): HTMLElement {
  return el("span", { class: active ? "badge on" : "badge", title: T(active ? "activeHint" : "goneHint") }, T(active ? "active" : "gone"));
}

/** A list row; `merchant` is the short name shown in it. */
export function complaintRow(c: Complaint, merchant: string): HTMLTableRowElement {
  return el(
    "tr",
    { "data-complaint-id": c.id, "data-mchid": c.mchid },
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
    cell("state", badge(c.active), "c-s"),
    cell("colFirstSeen", bj(c.first_seen_at), "t c-f"),
  );
}

/** The detail's `<dt>`/`<dd>` pairs; `merchant` is the merchant's full label. */
export function complaintFields(c: Complaint, merchant: string): HTMLElement[] {
  const items: [StringKey, Node | string][] = [
    ["id", c.id],
    ["merchant", merchant],
    ["colTime", bj(c.complaint_at, true)],
    ["colAmount", money(c.total_fee)],
    ["outTradeNo", c.out_trade_no || "—"],
    ["orderId", c.order_id || "—"],
    ["state", badge(c.active)],
    ["colFirstSeen", bj(c.first_seen_at, true)],
    ["lastSeen", bj(c.last_seen_at, true)],
    ["colBody", c.body ? el("div", { class: "body" }, c.body) : T("emptyBody")],
  ];
  return items.flatMap(([key, value]) => [el("dt", null, T(key)), el("dd", null, value)]);
}
