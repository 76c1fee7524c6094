/**
 * A complaint's history (`#timeline`, from `GET /api/complaints/{id}/timeline`) as a short list, oldest first, each
 * line its Beijing time and what happened: 首次发现, 新投诉提醒已送达（wecom0）, 标记已回复（店长手机）：备注, 已退款,
 * 已从 PAYJS 列表消失, 重新出现在 PAYJS 列表. Who did it is the device's name, left out for a configured token. A kind
 * or an alert event the page does not know yet is shown by its own name.
 * @module
 */
import { el } from "./dom";
import { bj } from "./format";
import { isStringKey, T } from "./i18n";
import type { TimelineEvent } from "./wire";

/** The text of `key` when the table has it, else `fallback`. */
const known = (key: string, fallback: string): string => (isStringKey(key) ? T(key) : fallback);

function what(e: TimelineEvent): string {
  if (e.kind === "alert") {
    const event = e.event ?? "";
    return T("tl_alert", [known(event.replace(/^complaint\./, "ev_"), event), known(`out_${e.outcome}`, e.outcome ?? ""), e.channel ?? ""]);
  }
  const head = e.kind === "refund" ? known(`refund_${e.state}`, e.kind) : known(`tl_${e.kind}`, e.kind);
  return head + (e.by ? T("byWho", [e.by]) : "") + (e.note ? T("withNote", [e.note]) : "");
}

/** One `<li>` per event: its time (`<time>`) and its text, as text only. */
export function timelineItems(events: readonly TimelineEvent[]): HTMLLIElement[] {
  return events.map((e) =>
    el(
      "li",
      { "data-kind": e.kind },
      el("time", { datetime: e.at }, bj(e.at)),
      " ",
      el("span", { class: e.outcome === "delivered" || !e.outcome ? null : "err" }, what(e)),
    ),
  );
}
