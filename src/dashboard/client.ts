/**
 * The dashboard's browser script, served as `/dashboard.js`. Plain modern JavaScript in a string (no build
 * step; `client.node.test.ts` checks that it parses), with the string table of `strings.ts` spliced in.
 *
 * Rules it keeps: data only ever reaches the page as text (`textContent`, `append(string)`,
 * `createElement`), never through `innerHTML` (the CSP also enforces Trusted Types, so an HTML sink would
 * throw); the token lives in `localStorage` and only ever travels in the `Authorization` header.
 *
 * The status panel warns, in `[data-signature-warning="{mchid}"]`, of each merchant whose last PAYJS answer's
 * `sign` did not verify (`signature.result` "mismatch" or "absent") and was stored (RESPONSE_SIGNATURE report or
 * if_present), not refused.
 *
 * Addresses: `#/` the list, `#/?mchid=…&since=…&until=…&active=…&q=…&size=…` a filtered list (`size` is the
 * page size, 1–500, default 50), `#/complaints/{mchid}/{id}` one complaint (alerts link there).
 * @module
 */
import { STRINGS } from "./strings";

const SOURCE = String.raw`(() => {
"use strict";
const S = __STRINGS__;
const TOKEN_KEY = "payjs-watch.token", LANG_KEY = "payjs-watch.lang";
const BJ = 288e5, DAY = 864e5, SVG = "http://www.w3.org/2000/svg";
const FILTERS = ["mchid", "since", "until", "active", "q"];
const SLOTS = ["auth", "status", "list", "detail"];
const $ = (id) => document.getElementById(id);
const ls = {
  get(k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
  set(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } },
  del(k) { try { localStorage.removeItem(k); } catch (e) { /* private mode */ } },
};
const navLang = String((navigator.languages && navigator.languages[0]) || navigator.language || "zh").toLowerCase();
let lang = ls.get(LANG_KEY) || (navLang.startsWith("zh") ? "zh" : "en");
if (!S[lang]) lang = "zh";
const T = (key, args) => (S[lang][key] || key).replace(/\{(\d)\}/g, (m, i) => String(args ? args[i] : ""));

let token = ls.get(TOKEN_KEY);
let status = null, merchants = [], names = {}, page = null, detail = null, chart = null;
let cursors = [null], pageNo = 0, listKey = null, listSeq = 0, detailSeq = 0, chartSeq = 0;
let lastList = "#/", lastOpened = null, typing = 0;
const msgs = {};

class ApiError extends Error {
  constructor(status, code, message, setting) { super(message); this.status = status; this.code = code; this.setting = setting; }
}

// Explicit roles keep table semantics when the narrow layout turns tables into cards (display: block/grid).
const ROLES = { table: "table", thead: "rowgroup", tbody: "rowgroup", tr: "row", th: "columnheader", td: "cell" };
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  if (ROLES[tag]) e.setAttribute("role", ROLES[tag]);
  for (const k in attrs || {}) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
  for (const c of kids) if (c != null) e.append(c);
  return e;
}
function svg(tag, attrs, ...kids) {
  const e = document.createElementNS(SVG, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  e.append(...kids);
  return e;
}
const cell = (key, content, cls) => el("td", { "data-label": T(key), class: cls }, content);
function table(keys, rows) {
  return el("table", { class: "cards" },
    el("thead", null, el("tr", null, ...keys.map((k) => el("th", { scope: "col" }, T(k))))),
    el("tbody", null, ...rows));
}

function bj(iso, secs) {
  if (iso == null || iso === "") return "—";
  const t = /^\d{4}-\d\d-\d\dT/.test(iso) ? Date.parse(iso) : NaN;
  if (isNaN(t)) return String(iso);
  return new Date(t + BJ).toISOString().slice(0, secs ? 19 : 16).replace("T", " ");
}
const bjDay = (t) => new Date(t + BJ).toISOString().slice(0, 10);
const yuan = (fen) => (typeof fen === "number" && isFinite(fen) ? (fen / 100).toFixed(2) : null);
const money = (fen) => (yuan(fen) === null ? "—" : "¥" + yuan(fen));
const mname = (id) => (names[id] ? names[id] + " (" + id + ")" : id);
const one = (kind, key, args) => [[kind, key, args]];

function say(slot, list) {
  if (list) msgs[slot] = list; else delete msgs[slot];
  renderMsg();
}
function renderMsg() {
  const out = [];
  for (const s of SLOTS) for (const m of msgs[s] || []) out.push(el("p", { class: m[0] }, T(m[1], m[2])));
  $("msg").replaceChildren(...out);
}

async function api(path) {
  let res;
  try { res = await fetch(path, { headers: { Authorization: "Bearer " + token } }); }
  catch (e) { throw new ApiError(0, "network", String(e)); }
  if (res.ok) return res;
  let err = {};
  try { err = (await res.json()).error || {}; } catch (e) { /* not JSON */ }
  throw new ApiError(res.status, err.code || "", err.message || res.statusText, err.setting || "");
}
function fail(e, slot) {
  if (!(e instanceof ApiError)) { say(slot, one("err", "msgError", ["script", String((e && e.message) || e)])); throw e; }
  if (e.status === 0) return say(slot, one("err", "msgNetwork"));
  if (e.status === 401) { signOut(); return say("auth", one("err", "msgBadToken")); }
  if (e.code === "not_configured") { signOut(); return say("auth", one("err", "msgNotConfigured")); }
  if (e.code === "bad_config") return say(slot, one("err", "msgBadConfig", [e.setting || "?", e.message]));
  if (e.status === 404 && slot === "detail") return say(slot, one("err", "msgNotFound"));
  say(slot, one("err", "msgError", [e.status + (e.code ? " " + e.code : ""), e.message]));
}

function showApp(on) {
  $("login").hidden = on;
  $("app").hidden = !on;
  $("signout").hidden = !on;
  $("refresh").hidden = !on;
}
function signOut() {
  ls.del(TOKEN_KEY);
  token = status = page = detail = chart = listKey = null;
  merchants = []; names = {};
  for (const s of SLOTS) delete msgs[s];
  for (const id of ["rows", "status-body", "detail-dl", "chart-box"]) $(id).replaceChildren();
  $("raw").textContent = $("chart-sum").textContent = $("range").textContent = "";
  renderMsg();
  showApp(false);
}

function hashParams() {
  const h = location.hash, i = h.indexOf("?");
  return new URLSearchParams(i < 0 ? "" : h.slice(i + 1));
}
function filterParams() {
  const h = hashParams(), p = new URLSearchParams();
  for (const f of FILTERS) if (h.get(f)) p.set(f, h.get(f));
  return p;
}
function size() {
  const n = Number(hashParams().get("size"));
  return Number.isInteger(n) && n >= 1 && n <= 500 ? n : 50;
}
function detailRoute() {
  const m = /^#\/complaints\/([^\/?#]+)\/([^\/?#]+)\/?$/.exec(location.hash);
  if (!m) return null;
  try { return [decodeURIComponent(m[1]), decodeURIComponent(m[2])]; } catch (e) { return null; }
}
const field = (f) => $(f === "q" ? "q" : "f-" + f);
const detailHash = (c) => "#/complaints/" + encodeURIComponent(c.mchid) + "/" + encodeURIComponent(c.id);

function route() {
  if (!token) return;
  const d = detailRoute();
  $("detail").hidden = !d;
  $("list").hidden = $("top").hidden = !!d;
  if (d) {
    $("back").setAttribute("href", lastList);
    return loadDetail(d[0], d[1]);
  }
  detailSeq++;
  say("detail", null);
  lastList = location.hash || "#/";
  const p = hashParams();
  for (const f of FILTERS) if (document.activeElement !== field(f)) field(f).value = p.get(f) || "";
  const key = filterParams() + "|" + size();
  if (key !== listKey) {
    listKey = key; cursors = [null]; pageNo = 0;
    loadList();
  } else renderList();
  if (!chart || chart.mchid !== (p.get("mchid") || "")) loadChart();
}
function applyFilters() {
  const p = new URLSearchParams();
  for (const f of FILTERS) { const v = field(f).value.trim(); if (v) p.set(f, v); }
  const s = hashParams().get("size");
  if (s) p.set("size", s);
  const qs = p.toString();
  history.replaceState(null, "", "#/" + (qs ? "?" + qs : ""));
  route();
}

async function loadStatus() {
  const data = await (await api("/api/status")).json();
  status = data;
  merchants = (data.merchants || []).map((m) => m.mchid);
  names = {};
  for (const m of data.merchants || []) names[m.mchid] = m.name || "";
  renderStatus();
  fillMerchants();
  if (page) renderList();
}
function renderStatus() {
  if (!status) return;
  const ms = status.merchants || [], warn = [];
  const err = (e) => (e ? e.code + ": " + e.message + " · " + bj(e.at) : T("ok"));
  const next = (m) => (m.next_poll_at ? bj(m.next_poll_at) : T("dueNow"));
  // The last PAYJS answer's sign: "mismatch"/"absent" get a warning naming the merchant; "verified" its scheme in small text.
  const sig = (m) => (m.signature && m.signature.result) || null;
  const who = (m) => (sig(m) === "verified" && m.signature.scheme
    ? el("div", null, mname(m.mchid), el("div", { class: "hint" }, T("sigScheme", [m.signature.scheme])))
    : mname(m.mchid));
  // Only while the merchant runs on such an answer: one refused for its sign shows as the last error instead.
  const refused = (m) => m.last_error && (m.last_error.code === "bad_signature" || m.last_error.code === "unsigned");
  const parts = ms.filter((m) => (sig(m) === "mismatch" || sig(m) === "absent") && !refused(m)).map((m) =>
    el("p", { class: "sig " + sig(m), "data-signature-warning": m.mchid },
      sig(m) === "mismatch" ? T("sigMismatch", [mname(m.mchid)]) : T("sigAbsent", [mname(m.mchid)])));
  parts.push(table(["merchant", "lastSuccess", "nextPoll", "lastError", "failures", "counts"], ms.map((m) =>
    el("tr", m.last_error ? { class: "bad" } : null,
      cell("merchant", who(m)),
      cell("lastSuccess", bj(m.last_success_at), "t"),
      cell("nextPoll", next(m), "t"),
      cell("lastError", err(m.last_error), "err"),
      cell("failures", String(m.consecutive_failures || 0), "num"),
      cell("counts", (m.complaints_active || 0) + " / " + (m.complaints_total || 0), "num")))));
  const ch = status.channels;
  if (Array.isArray(ch) && ch.length) {
    parts.push(el("h3", null, T("channelsTitle")), table(["channel", "type", "lastDelivery", "lastError", "pending", "givenUp"], ch.map((c) =>
      el("tr", c.last_error || c.given_up ? { class: "bad" } : null,
        cell("channel", c.name),
        cell("type", c.type),
        cell("lastDelivery", bj(c.last_delivery_at), "t"),
        cell("lastError", err(c.last_error), "err"),
        cell("pending", String(c.pending || 0), "num"),
        cell("givenUp", String(c.given_up || 0), "num")))));
  }
  $("status-body").replaceChildren(...parts);
  if (!ms.length) warn.push(["err", "msgNoMerchant"]);
  for (const m of ms) {
    if (m.last_error) warn.push(["err", "msgUpstream", [mname(m.mchid), m.consecutive_failures, m.last_error.code + ": " + m.last_error.message, next(m)]]);
    for (const s of m.storage_errors || []) warn.push(["warn", "msgStorage", [mname(m.mchid), s.code, s.message]]);
  }
  say("status", warn.length ? warn : null);
}
function fillMerchants() {
  const sel = $("f-mchid");
  sel.replaceChildren(el("option", { value: "", "data-t": "allMerchants" }, T("allMerchants")),
    ...merchants.map((id) => el("option", { value: id }, mname(id))));
  sel.value = hashParams().get("mchid") || "";
}

async function loadList() {
  const my = ++listSeq, p = filterParams();
  p.set("limit", size());
  if (cursors[pageNo]) p.set("cursor", cursors[pageNo]);
  $("table").setAttribute("aria-busy", "true");
  say("list", one("info", "loading"));
  let data;
  try { data = await (await api("/api/complaints?" + p)).json(); }
  catch (e) { if (my === listSeq) { page = null; renderList(); fail(e, "list"); } return; }
  if (my !== listSeq) return;
  page = data;
  renderList();
}
function badge(active) {
  return el("span", { class: active ? "badge on" : "badge", title: T(active ? "activeHint" : "goneHint") }, T(active ? "active" : "gone"));
}
function row(c) {
  return el("tr", { "data-complaint-id": c.id, "data-mchid": c.mchid },
    cell("colTime", el("a", { href: detailHash(c) }, bj(c.complaint_at)), "c-t"),
    cell("merchant", names[c.mchid] || c.mchid, "c-m"),
    cell("colAmount", money(c.total_fee), "num c-a"),
    cell("colOrders", el("div", { class: "mono" },
      el("div", { title: T("outTradeNo") }, c.out_trade_no || "—"),
      el("div", { title: T("orderId") }, c.order_id || "—")), "c-o"),
    cell("colBody", c.body ? el("div", { class: "body clamp" }, c.body) : el("span", { class: "muted" }, T("emptyBody")), "c-b"),
    cell("state", badge(c.active), "c-s"),
    cell("colFirstSeen", bj(c.first_seen_at), "t c-f"));
}
function renderList() {
  $("table").removeAttribute("aria-busy");
  const list = (page && page.complaints) || [];
  $("rows").replaceChildren(...list.map(row));
  $("prev").disabled = pageNo === 0 || !page;
  $("next").disabled = !page || !page.next_cursor;
  if (!page) { $("range").textContent = ""; return; }
  const start = pageNo * size();
  $("range").textContent = (list.length ? T("range", [start + 1, start + list.length, page.total]) : "") +
    (page.updated_at ? (list.length ? " · " : "") + T("updated", [bj(page.updated_at)]) : "");
  let m = null;
  if (!list.length) {
    const ms = (status && status.merchants) || [];
    if (String(filterParams())) m = one("info", "msgNoMatch");
    else if (ms.length && !ms.some((x) => x.last_success_at)) m = one("info", "msgNeverPolled");
    else if (!status || ms.length) m = one("info", "msgEmpty");
  }
  say("list", m);
  const back = lastOpened && [...$("rows").children].find((tr) => tr.dataset.complaintId === lastOpened[1] && tr.dataset.mchid === lastOpened[0]);
  if (back) { lastOpened = null; back.querySelector("a").focus(); }
}

async function loadDetail(mchid, id) {
  const my = ++detailSeq;
  lastOpened = [mchid, id];
  detail = null;
  renderDetail();
  say("detail", one("info", "loading"));
  try {
    const data = await (await api("/api/complaints/" + encodeURIComponent(id) + "?mchid=" + encodeURIComponent(mchid))).json();
    if (my !== detailSeq) return;
    detail = data.complaint;
    say("detail", null);
    renderDetail();
    $("detail-h").focus();
  } catch (e) { if (my === detailSeq) fail(e, "detail"); }
}
function renderDetail() {
  const c = detail;
  if (!c) { $("detail-dl").replaceChildren(); $("raw").textContent = ""; return; }
  const items = [["id", c.id], ["merchant", mname(c.mchid)], ["colTime", bj(c.complaint_at, 1)], ["colAmount", money(c.total_fee)],
    ["outTradeNo", c.out_trade_no || "—"], ["orderId", c.order_id || "—"], ["state", badge(c.active)],
    ["colFirstSeen", bj(c.first_seen_at, 1)], ["lastSeen", bj(c.last_seen_at, 1)],
    ["colBody", c.body ? el("div", { class: "body" }, c.body) : T("emptyBody")]];
  $("detail-dl").replaceChildren(...items.flatMap((x) => [el("dt", null, T(x[0])), el("dd", null, x[1])]));
  $("raw").textContent = JSON.stringify(c.raw, null, 2);
}

async function loadChart() {
  const my = ++chartSeq, mchid = hashParams().get("mchid") || "", days = {};
  let n = 0, fee = 0, cursor = null, pages = 0;
  try {
    do {
      const p = new URLSearchParams({ since: bjDay(Date.now() - 29 * DAY), limit: "500" });
      if (mchid) p.set("mchid", mchid);
      if (cursor) p.set("cursor", cursor);
      const data = await (await api("/api/complaints?" + p)).json();
      for (const c of data.complaints) {
        const t = /^\d{4}-\d\d-\d\dT/.test(c.complaint_at) ? Date.parse(c.complaint_at) : NaN;
        if (isNaN(t)) continue;
        const d = days[bjDay(t)] || (days[bjDay(t)] = [0, 0]);
        const f = typeof c.total_fee === "number" ? c.total_fee : 0;
        d[0]++; d[1] += f; n++; fee += f;
      }
      cursor = data.next_cursor;
    } while (cursor && ++pages < 20);
  } catch (e) { if (my === chartSeq) fail(e, "list"); return; }
  if (my !== chartSeq) return;
  chart = { mchid, days, n, fee, partial: !!cursor };
  renderChart();
}
function renderChart() {
  if (!chart) return;
  const now = Date.now(), keys = [];
  for (let i = 29; i >= 0; i--) keys.push(bjDay(now - i * DAY));
  const counts = keys.map((k) => (chart.days[k] || [0])[0]), top = Math.max(0, ...counts), scale = Math.max(1, top);
  $("chart-sum").textContent = T("chartSummary", [chart.n, yuan(chart.fee)]) + (chart.partial ? T("chartPartial", [chart.n]) : "");
  const g = svg("svg", { viewBox: "0 0 300 100", preserveAspectRatio: "none", role: "img", "aria-labelledby": "chart-sum", class: "bars" });
  keys.forEach((k, i) => {
    const d = chart.days[k] || [0, 0], h = d[0] ? Math.max(3, (d[0] / scale) * 96) : 1;
    g.append(svg("rect", { x: i * 10 + 1.5, y: 100 - h, width: 7, height: h, class: d[0] ? "bar" : "bar zero" },
      svg("title", {}, T("chartDay", [k, d[0], yuan(d[1])]))));
  });
  $("chart-box").replaceChildren(g, el("div", { class: "axis" },
    el("span", null, keys[0].slice(5)), el("span", null, T("chartMax", [top])), el("span", null, keys[29].slice(5))));
}

async function refresh() {
  try { await loadStatus(); } catch (e) { return fail(e, "status"); }
  if (detailRoute()) return route();
  chart = null;
  loadList();
  loadChart();
}
async function exportCsv() {
  const b = $("csv");
  b.disabled = true;
  try {
    const blob = await (await api("/api/complaints.csv?" + filterParams())).blob();
    const a = el("a", { href: URL.createObjectURL(blob), download: "complaints-" + bjDay(Date.now()) + ".csv", hidden: "" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  } catch (e) { fail(e, "list"); }
  finally { b.disabled = false; }
}

function applyStatic() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = T("title");
  for (const e of document.querySelectorAll("[data-t]")) e.textContent = T(e.dataset.t);
  for (const e of document.querySelectorAll("[data-tp]")) e.placeholder = T(e.dataset.tp);
  for (const e of document.querySelectorAll("[data-ta]")) e.setAttribute("aria-label", T(e.dataset.ta));
  $("lang").lang = lang === "zh" ? "en" : "zh-CN";
}

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const t = $("token").value.trim();
  if (!t) { say("auth", one("err", "msgNoToken")); $("token").focus(); return; }
  token = t;
  say("auth", one("info", "loading"));
  try { await loadStatus(); } catch (e) { token = null; return fail(e, "auth"); }
  ls.set(TOKEN_KEY, t);
  $("token").value = "";
  say("auth", null);
  showApp(true);
  route();
});
$("signout").addEventListener("click", () => { signOut(); say("auth", one("info", "msgSignedOut")); $("token").focus(); });
$("refresh").addEventListener("click", refresh);
$("lang").addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh";
  ls.set(LANG_KEY, lang);
  applyStatic(); renderStatus(); renderList(); renderDetail(); renderChart(); renderMsg();
  if (status) fillMerchants();
});
$("filters").addEventListener("submit", (ev) => { ev.preventDefault(); clearTimeout(typing); applyFilters(); });
$("filters").addEventListener("change", (ev) => { if (ev.target !== $("q")) applyFilters(); });
$("q").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(applyFilters, 400); });
$("clear").addEventListener("click", () => { for (const f of FILTERS) field(f).value = ""; applyFilters(); });
$("csv").addEventListener("click", exportCsv);
$("next").addEventListener("click", () => {
  if (!page || !page.next_cursor) return;
  cursors[pageNo + 1] = page.next_cursor;
  pageNo++;
  loadList().then(() => { const a = $("rows").querySelector("a"); if (a) a.focus(); });
});
$("prev").addEventListener("click", () => {
  if (pageNo === 0) return;
  pageNo--;
  loadList().then(() => { const a = $("rows").querySelector("a"); if (a) a.focus(); });
});
$("rows").addEventListener("click", (ev) => {
  if (ev.target.closest("a") || String(getSelection())) return;
  const tr = ev.target.closest("tr[data-complaint-id]");
  if (tr) location.hash = tr.querySelector("a").getAttribute("href");
});
window.addEventListener("hashchange", route);
setInterval(() => { if (token && document.visibilityState === "visible" && !detailRoute()) refresh(); }, 300000);

applyStatic();
if (token) {
  showApp(true);
  loadStatus().catch((e) => fail(e, "status"));
  route();
} else {
  showApp(false);
  say("auth", one("info", "msgNoToken"));
}
})();
`;

/** The script, with the string table in it. */
export const CLIENT_JS: string = SOURCE.replace("__STRINGS__", () => JSON.stringify(STRINGS));
