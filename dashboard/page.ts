/**
 * The dashboard's HTML shell, rendered once at build time (scripts/build-dashboard.mjs) from {@link STRINGS} into the
 * static `index.html`. Elements whose text the script writes in the page's language carry `data-t` (text), `data-tp`
 * (placeholder) or `data-ta` (aria-label) with the string's key. Only what shows before the script runs (the title,
 * the heading, the language toggle; and the order's options, which a test reads) is written out in Chinese: the rest
 * stays hidden until the script has filled it as it starts, so the page carries each text once (the script's table)
 * and the budget of dashboard/build.node.test.ts goes to features. No inline script or style: the page loads the
 * bundled script and style sheet by their content-hashed names.
 *
 * Hooks kept for tests and users' scripts (docs/dashboard.md): `#token`, `#signin`, `#signout`,
 * `#q`, `#status`, `#msg` (role="alert"), and the rows `[data-complaint-id]` the script adds; in `#status` the
 * script also adds `[data-signature-warning="{mchid}"]` for each merchant whose last PAYJS answer did not verify.
 * The rows carry `data-handled="true|false"` and `data-due` (`next_due`, empty when none) and are ordered by `#sort`
 * (`due`, the default, or `newest`); a complaint's detail has `#replied` and `#handle` (mark replied / handled, with
 * the note `#handle-note`), `#unreplied` and `#unhandle` (undo, shown once marked), the marks in `#detail-replied`
 * and `#detail-handled` and the deadlines in `#detail-reply-by` and `#detail-resolve-by`; `#check-order` shows the
 * order in `#order`, and `#refund` (once that check succeeded, which only the admin token's can, with refunds
 * allowed) opens `#refund-dialog`, whose `#refund-go` waits for the amount typed in `#refund-amount`; a refund's badge
 * shows in `#detail-state` and the row (`data-refund`: `done`, `pending`, `failed`, `unknown`). The list's filters
 * `#f-handled` and `#f-overdue` put `handled=` and `overdue=` in the address; `#f-active` (进行中, the default, 全部,
 * 已结束) puts `active=all` or `active=false` there. The list comes before the status
 * panel and the chart, so on a phone the complaints are what shows first.
 * @module
 */
import { STRINGS, type StringKey } from "./strings";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string);
}

/** The Chinese text of `key`, escaped, with `data-t` so the script can translate it: for what shows before the script runs. */
function t(key: StringKey): string {
  return `data-t="${key}">${escapeHtml(STRINGS.zh[key])}`;
}

/** `data-t` alone, for what stays hidden until the script shows it (it fills every `data-t` as it starts). */
function k(key: StringKey): string {
  return `data-t="${key}">`;
}

function zh(key: StringKey): string {
  return escapeHtml(STRINGS.zh[key]);
}

/** A column header. */
function th(key: StringKey, cls = ""): string {
  return `<th scope="col" role="columnheader"${cls === "" ? "" : ` class="${cls}"`} ${k(key)}</th>`;
}

export interface PageAssets {
  /** The script's URL, e.g. `/assets/main.5TQ3XG2K.js`. */
  script: string;
  /** The style sheet's URL. */
  style: string;
}

export function renderPage(assets: PageAssets): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>${zh("title")}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assets.style)}">
<script src="${escapeHtml(assets.script)}" defer></script>
</head>
<body>
<header>
<h1 ${t("title")}</h1>
<button id="lang" type="button" class="sec" lang="en" ${t("otherLang")}</button>
<button id="refresh" type="button" class="sec" hidden ${k("refresh")}</button>
<button id="signout" type="button" class="sec" hidden ${k("signout")}</button>
</header>
<main>
<div id="msg" role="alert"></div>
<form id="login" class="card" hidden>
<label for="token" ${k("tokenLabel")}</label>
<div class="row"><input id="token" name="token" type="password" autocomplete="off" spellcheck="false" aria-describedby="token-hint"><button id="signin" type="submit" ${k("signin")}</button></div>
<p id="token-hint" class="hint" ${k("tokenHint")}</p>
</form>
<div id="app" hidden>
<section id="list" class="card" aria-labelledby="list-h">
<h2 id="list-h" ${k("listTitle")}</h2>
<form id="filters" role="search">
<div><label for="f-mchid" ${k("merchant")}</label><select id="f-mchid" name="mchid"><option value="" ${k("allMerchants")}</option></select></div>
<div><label for="f-since" ${k("since")}</label><input id="f-since" name="since" type="date"></div>
<div><label for="f-until" ${k("until")}</label><input id="f-until" name="until" type="date"></div>
<div><label for="f-active" ${k("state")}</label><select id="f-active" name="active"><option value="true" ${k("active")}</option><option value="all" ${k("any")}</option><option value="false" ${k("gone")}</option></select></div>
<div><label for="f-handled" ${k("handling")}</label><select id="f-handled" name="handled"><option value="" ${k("any")}</option><option value="false" ${k("unhandled")}</option><option value="true" ${k("handledBadge")}</option></select></div>
<div><label for="f-overdue" ${k("colDue")}</label><select id="f-overdue" name="overdue"><option value="" ${k("any")}</option><option value="true" ${k("overdueYes")}</option><option value="false" ${k("overdueNo")}</option></select></div>
<div><label for="sort" ${k("sort")}</label><select id="sort" name="sort"><option value="due" ${t("sortDue")}</option><option value="newest" ${t("sortNewest")}</option></select></div>
<div class="grow"><label for="q" ${k("search")}</label><input id="q" name="q" type="search" enterkeyhint="search" data-tp="searchHint"></div>
<div class="btns"><button type="submit" ${k("search")}</button><button id="clear" type="button" class="sec" ${k("clear")}</button><button id="csv" type="button" class="sec" ${k("csv")}</button></div>
</form>
<p id="range" class="hint" aria-live="polite"></p>
<table id="table" class="cards" role="table">
<caption class="sr" ${k("listTitle")}</caption>
<thead role="rowgroup"><tr role="row">${th("colTime")}${th("colDue")}${th("merchant")}${th("colAmount", "num")}${th("colOrders")}${th("colBody")}${th("state")}</tr></thead>
<tbody id="rows" role="rowgroup"></tbody>
</table>
<nav class="pager" data-ta="pager"><button id="prev" type="button" class="sec" disabled ${k("prev")}</button><button id="next" type="button" class="sec" disabled ${k("next")}</button></nav>
</section>
<div id="overview" class="overview">
<section id="status" class="card" aria-labelledby="status-h">
<h2 id="status-h" ${k("statusTitle")}</h2>
<div id="status-body"></div>
</section>
<section id="chart" class="card" aria-labelledby="chart-h">
<h2 id="chart-h" ${k("chartTitle")}</h2>
<p id="chart-sum"></p>
<div id="chart-box"></div>
</section>
<section id="devices" class="card" aria-labelledby="devices-h" hidden>
<h2 id="devices-h" ${k("devicesTitle")}</h2>
<p class="hint" ${k("devicesHint")}</p>
<div id="device-list"></div>
<button id="add-device" type="button" ${k("addDevice")}</button>
</section>
</div>
<dialog id="device-dialog" aria-labelledby="device-h"><form id="device-form">
<h2 id="device-h" ${k("addDevice")}</h2>
<div id="device-new">
<label for="device-name" ${k("deviceName")}</label><input id="device-name" maxlength="40" required autocomplete="off">
<label for="device-role" ${k("deviceRole")}</label><select id="device-role"><option value="read" ${k("roleRead")}</option><option value="admin" ${k("roleAdmin")}</option></select>
<p class="hint" ${k("roleHelp")}</p>
</div>
<div id="device-made" hidden>
<div id="device-qr-box"></div>
<p class="hint" ${k("deviceHelp")}</p>
<p id="device-expires"></p>
<label for="device-link" ${k("deviceLink")}</label><div class="row"><input id="device-link" readonly><button id="device-copy" type="button" ${k("copy")}</button></div>
</div>
<div id="device-msg" role="alert"></div>
<div class="btns"><button id="device-create" ${k("deviceCreate")}</button><button id="device-close" type="button" class="sec" ${k("close")}</button></div>
</form></dialog>
<section id="detail" class="card" aria-labelledby="detail-h" hidden>
<p><a id="back" href="#/" ${k("back")}</a></p>
<p id="view-note" class="hint" hidden><span ${k("viewNote")}</span> <button id="view-signin" type="button" class="sec" ${k("signin")}</button></p>
<h2 id="detail-h" tabindex="-1" ${k("detailTitle")}</h2>
<dl id="detail-dl"></dl>
<form id="handle-form" class="handle" hidden>
<p id="mark-help" class="hint" ${k("markHelp")}</p>
<div id="handle-new"><label for="handle-note" ${k("noteLabel")}</label><textarea id="handle-note" name="note" maxlength="500" rows="2"></textarea><div class="btns"><button id="replied" type="button" ${k("markReplied")}</button><button id="handle" type="submit" ${k("handle")}</button></div></div>
<div class="btns"><button id="unreplied" type="button" class="sec" hidden ${k("unreply")}</button><button id="unhandle" type="button" class="sec" hidden ${k("unhandle")}</button></div>
</form>
<div id="order-box" class="handle" hidden><div class="btns"><button id="check-order" type="button" class="sec" ${k("checkOrder")}</button><button id="refund" type="button" hidden ${k("refund")}</button></div><div id="order"></div></div>
<dialog id="refund-dialog" aria-labelledby="refund-h"><form id="refund-form">
<h2 id="refund-h" ${k("refund")}</h2>
<p id="refund-what"></p>
<p class="hint" ${k("refundHelp")}</p>
<label for="refund-amount" id="refund-type"></label><input id="refund-amount" inputmode="decimal" autocomplete="off">
<label for="refund-note" ${k("refundNote")}</label><input id="refund-note" maxlength="200">
<div id="refund-msg" role="alert"></div>
<div class="btns"><button id="refund-go" disabled ${k("refundGo")}</button><button id="refund-cancel" type="button" class="sec" ${k("cancel")}</button></div>
</form></dialog>
<section id="timeline" aria-labelledby="timeline-h" hidden><h3 id="timeline-h" ${k("timelineTitle")}</h3><ol id="timeline-list"></ol></section>
<details id="raw-box"><summary ${k("raw")}</summary><pre id="raw"></pre></details>
</section>
</div>
</main>
</body>
</html>
`;
}
