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

const who = (by: string | null): string => (by ? T("byWho", [by]) : "");

function what(e: TimelineEvent): string {
  switch (e.kind) {
    case "alert":
      return T("tl_alert", [known(e.event.replace(/^complaint\./, "ev_"), e.event), known(`out_${e.outcome}`, e.outcome), e.channel]);
    case "refund":
      return known(`refund_${e.state}`, e.state) + who(e.by);
    case "replied":
    case "unreplied":
    case "handled":
    case "unhandled":
      return T(`tl_${e.kind}`) + who(e.by) + (e.note ? T("withNote", [e.note]) : "");
    default:
      // seen, gone, back; and a kind a newer Worker adds, by its name.
      return known(`tl_${e.kind}`, e.kind);
  }
}

/** One `<li>` per event: its time (`<time>`) and its text, as text only; an alert not delivered in red. */
export function timelineItems(events: readonly TimelineEvent[]): HTMLLIElement[] {
  return events.map((e) =>
    el(
      "li",
      { "data-kind": e.kind },
      el("time", { datetime: e.at }, bj(e.at)),
      " ",
      el("span", { class: e.kind === "alert" && e.outcome !== "delivered" ? "err" : null }, what(e)),
    ),
  );
}
