/**
 * The status panel `#status`: a row per merchant (last success, next poll, last error ("无" / "None" when there is
 * none), failures in a row, active / all, active and unhandled, overdue, the next deadline still ahead, and the
 * signature scheme that verified its last answer) and per alert channel; above them, in `[data-signature-warning="{mchid}"]`, a warning for each
 * merchant running on a PAYJS answer whose `sign` did not verify ("mismatch") or was missing ("absent") and that
 * was stored anyway (RESPONSE_SIGNATURE report or if_present). It also says what belongs in the message bar.
 * @module
 */
import { cell, el, table } from "./dom";
import { bj } from "./format";
import { T } from "./i18n";
import type { Msg } from "./messages";
import type { StringKey } from "./strings";
import type { ChannelEntry, MerchantEntry, StatusAnswer } from "./wire";

/** `mchid` → "name (mchid)", or the mchid alone. */
export type Label = (mchid: string) => string;

const errorText = (e: { code: string; message: string; at: string } | null): string =>
  e ? `${e.code}: ${e.message} · ${bj(e.at)}` : T("ok");

export const nextPoll = (m: MerchantEntry): string => (m.next_poll_at ? bj(m.next_poll_at) : T("dueNow"));

const signature = (m: MerchantEntry): string | null => m.signature?.result ?? null;

/** An answer refused for its sign shows as the last error instead: no warning for it. */
const refused = (m: MerchantEntry): boolean => m.last_error?.code === "bad_signature" || m.last_error?.code === "unsigned";

function signatureWarning(m: MerchantEntry, label: Label): HTMLElement | null {
  const sig = signature(m);
  if ((sig !== "mismatch" && sig !== "absent") || refused(m)) return null;
  return el(
    "p",
    { class: `sig ${sig}`, "data-signature-warning": m.mchid },
    T(sig === "mismatch" ? "sigMismatch" : "sigAbsent", [label(m.mchid)]),
  );
}

/** The schemes' names as the page shows them: in Chinese a word a merchant understands, in English as the API names them. */
const SCHEMES: Record<string, StringKey> = { "php-sdk": "schemePhp", "raw-key": "schemeRaw" };

/** The merchant's name, and under it, in small text, the scheme its last answer verified by (the API's name in the title). */
function who(m: MerchantEntry, label: Label): Node | string {
  const scheme = signature(m) === "verified" ? m.signature?.scheme : null;
  if (!scheme) return label(m.mchid);
  const name = Object.hasOwn(SCHEMES, scheme) ? T(SCHEMES[scheme] as StringKey) : scheme;
  return el("div", null, label(m.mchid), el("div", { class: "hint", title: scheme }, T("sigScheme", [name])));
}

function merchantRow(m: MerchantEntry, label: Label): HTMLTableRowElement {
  return el(
    "tr",
    m.last_error ? { class: "bad" } : null,
    cell("merchant", who(m, label)),
    cell("lastSuccess", bj(m.last_success_at), "t"),
    cell("nextPoll", nextPoll(m), "t"),
    cell("lastError", errorText(m.last_error), "err"),
    cell("failures", String(m.consecutive_failures || 0), "num"),
    cell("counts", `${m.complaints_active || 0} / ${m.complaints_total || 0}`, "num"),
    cell("unhandled", String(m.complaints_unhandled ?? "—"), m.complaints_unhandled ? "num open" : "num"),
    cell("overdueYes", String(m.complaints_overdue ?? "—"), m.complaints_overdue ? "num late" : "num"),
    cell("nextDue", bj(m.next_due_at), "t"),
  );
}

function channelRow(c: ChannelEntry): HTMLTableRowElement {
  return el(
    "tr",
    c.last_error || c.given_up ? { class: "bad" } : null,
    cell("channel", c.name),
    cell("type", c.type),
    cell("lastDelivery", bj(c.last_delivery_at), "t"),
    cell("lastError", errorText(c.last_error), "err"),
    cell("pending", String(c.pending || 0), "num"),
    cell("givenUp", String(c.given_up || 0), "num"),
  );
}

/** The panel's content, and the messages it puts in the message bar (none: an empty list). */
export function statusPanel(status: StatusAnswer, label: Label): { parts: Node[]; warnings: Msg[] } {
  const ms = status.merchants ?? [];
  const parts: Node[] = ms.flatMap((m) => signatureWarning(m, label) ?? []);
  parts.push(
    table(
      ["merchant", "lastSuccess", "nextPoll", "lastError", "failures", "counts", "unhandled", "overdueYes", "nextDue"],
      ms.map((m) => merchantRow(m, label)),
    ),
  );
  const channels = status.channels;
  if (Array.isArray(channels) && channels.length) {
    parts.push(
      el("h3", null, T("channelsTitle")),
      table(["channel", "type", "lastDelivery", "lastError", "pending", "givenUp"], channels.map(channelRow)),
    );
  }
  const warnings: Msg[] = [];
  if (!ms.length) warnings.push(["err", "msgNoMerchant"]);
  for (const m of ms) {
    if (m.last_error) {
      warnings.push([
        "err",
        "msgUpstream",
        [label(m.mchid), m.consecutive_failures, `${m.last_error.code}: ${m.last_error.message}`, nextPoll(m)],
      ]);
    }
    for (const s of m.storage_errors ?? []) warnings.push(["warn", "msgStorage", [label(m.mchid), s.code, s.message]]);
  }
  return { parts, warnings };
}
