/**
 * The dashboard's script (bundled by scripts/build-dashboard.mjs into the one file the page loads): sign-in (by the
 * token field, or by a device's sign-in link `#signin=<code>`) and sign-out, the status panel, which part the address
 * shows (a view link's complaint without a token), and the wiring of every control. The list, the detail, the chart
 * and the devices live in their own modules; page.ts has the contract's hooks.
 *
 * The token lives in `localStorage` and only ever travels in the `Authorization` header; a sign-in code and a view
 * key only in the address's fragment, which browsers never send, and the code leaves the address as it is claimed.
 * @module
 */
import { beijingDay } from "../src/domain/time";
import { detailRoute, FILTERS, type Filter, filterParams, filterValue, hashParams, signinCode, sortOrder, viewKey } from "./address";
import { ApiError, api } from "./api";
import { ChartPanel } from "./chart";
import { repaintDue } from "./complaint-view";
import { ComplaintDetail } from "./detail";
import { DevicePanel } from "./devices";
import { $, el } from "./dom";
import { currentLang, isStringKey, T, toggleLang } from "./i18n";
import { ComplaintList } from "./list";
import { clearMessages, type Msg, one, renderMsg, type Slot, say } from "./messages";
import type { Session } from "./session";
import { statusPanel } from "./status-panel";
import { forget, load, store, TOKEN_KEY } from "./storage";
import type { ClaimAnswer, StatusAnswer } from "./wire";

let token = load(TOKEN_KEY);
let status: StatusAnswer | null = null;
let names: Record<string, string> = {};
let lastList = "#/";
let typing = 0;
/** WeChat's (and WeCom's) own browser, which sometimes forgets localStorage: its people sign in by a new code. */
const weChat = /MicroMessenger/i.test(navigator.userAgent);

/** The `Authorization` of the page's requests: the token (a view link's key goes only with {@link Session.view}). */
const bearer = (): string => (token ? `Bearer ${token}` : "");

const session: Session = {
  call: async <T>(path: string, method?: string, body?: unknown): Promise<T> =>
    (await api(path, bearer(), method, body)).json() as Promise<T>,
  view: async <T>(path: string): Promise<T> => (await api(path, `View ${viewKey()}`)).json() as Promise<T>,
  fail,
  label: (mchid) => (names[mchid] ? `${names[mchid]} (${mchid})` : mchid),
  shortName: (mchid) => names[mchid] || mchid,
  status: () => status,
  admin: () => status?.viewer?.role === "admin",
  viewing: () => !token,
  changed(c) {
    list.update(c);
    // The unhandled and overdue counts changed too.
    loadStatus().catch((e: unknown) => fail(e, "status"));
  },
};
const list = new ComplaintList(session);
const detail = new ComplaintDetail(session);
const chart = new ChartPanel(session);
const devices = new DevicePanel(session);

const input = (id: string) => $<HTMLInputElement>(id);
const field = (f: Filter) => $<HTMLInputElement | HTMLSelectElement>(f === "q" ? "q" : `f-${f}`);

/** Says what went wrong, and what to do, in `slot`; a refused token signs out. */
function fail(e: unknown, slot: Slot): void {
  if (!(e instanceof ApiError)) {
    say(slot, one("err", "msgError", ["script", String((e as Error | undefined)?.message ?? e)]));
    throw e;
  }
  const viewed = e.authorization.startsWith("View ");
  // Refused for a token the page no longer holds: another request's refusal signed out and said so already.
  if (e.status === 401 && !viewed && e.authorization !== bearer()) return;
  const out = e.status === 401 || e.code === "not_configured";
  if (out) signOut();
  const gone = weChat ? [...one("err", "msgViewGone"), ...one("info", "msgWeChat")] : one("err", "msgViewGone");
  say(out ? "auth" : slot, viewed && e.status === 401 ? gone : messageFor(e, slot));
}

/** What a failed API call tells the person. */
function messageFor(e: ApiError, slot: Slot): Msg[] {
  if (e.status === 0) return one("err", "msgNetwork");
  if (e.status === 401) return weChat ? [...one("err", "msgBadToken"), ...one("info", "msgWeChat")] : one("err", "msgBadToken");
  if (e.code === "not_configured") return one("err", "msgNotConfigured");
  if (e.code === "bad_config") return one("err", "msgBadConfig", [e.setting || "?", e.message]);
  if (e.status === 404 && slot === "detail") return one("err", "msgNotFound");
  if (e.status === 403) return one("err", "msgForbidden");
  return one("err", "msgError", [e.status + (e.code ? ` ${e.code}` : ""), e.message]);
}

/** Shows the sign-in form, the signed-in page, or (`view`) a view link's complaint alone with a way to sign in. */
function showApp(on: boolean | "view"): void {
  $("login").hidden = !!on;
  $("app").hidden = !on;
  $("signout").hidden = $("refresh").hidden = on !== true;
  $("view-note").hidden = on !== "view";
  $("back").hidden = on === "view";
}

/** The sign-in form and what to put in it: in WeChat, a new code from the computer instead of a token. */
function askToken(): void {
  showApp(false);
  say("auth", one("info", weChat ? "msgWeChat" : "msgNoToken"));
}

function signOut(): void {
  forget(TOKEN_KEY);
  token = null;
  status = null;
  names = {};
  $("status-body").replaceChildren();
  list.reset();
  detail.reset();
  chart.reset();
  devices.reset();
  clearMessages();
  showApp(false);
}

/** Shows what the address asks for: a complaint (by a view link's key when there is no token), or the list with its filters. */
function route(): void {
  if (!token) {
    if (!viewKey()) {
      askToken();
      return;
    }
    showApp("view");
  }
  const d = detailRoute();
  $("detail").hidden = !d;
  $("list").hidden = $("overview").hidden = !!d;
  if (d) {
    $("back").setAttribute("href", lastList);
    list.opened = d;
    void detail.load(d[0], d[1]);
    return;
  }
  detail.leave();
  lastList = location.hash || "#/";
  for (const f of FILTERS) if (document.activeElement !== field(f)) field(f).value = filterValue(f);
  $<HTMLSelectElement>("sort").value = sortOrder();
  list.show();
  const mchid = filterValue("mchid");
  if (!chart.shows(mchid)) void chart.load(mchid);
}

/**
 * Puts the filter controls and the order into the address (and so into the list); the defaults, active complaints
 * (`active=true`) and the order `due`, unsaid.
 */
function applyFilters(): void {
  const p = new URLSearchParams();
  for (const f of FILTERS) {
    const v = field(f).value.trim();
    if (v && !(f === "active" && v === "true")) p.set(f, v);
  }
  if ($<HTMLSelectElement>("sort").value === "newest") p.set("sort", "newest");
  const size = hashParams().get("size");
  if (size) p.set("size", size);
  const qs = p.toString();
  history.replaceState(null, "", `#/${qs ? `?${qs}` : ""}`);
  route();
}

async function loadStatus(): Promise<void> {
  status = await session.call<StatusAnswer>("/api/status");
  names = {};
  for (const m of status.merchants ?? []) names[m.mchid] = m.name ?? "";
  renderStatus();
  fillMerchants();
  $("devices").hidden = !session.admin();
  if (session.admin() && !devices.loaded) void devices.load();
  // The merchants' names and the reminder thresholds (a countdown turns amber, then red) come with the status.
  if (list.loaded) list.render();
  detail.render();
}

function renderStatus(): void {
  if (!status) return;
  const { parts, warnings } = statusPanel(status, session.label);
  $("status-body").replaceChildren(...parts);
  say("status", warnings.length ? warnings : null);
}

/** The merchant filter's options. */
function fillMerchants(): void {
  const sel = $<HTMLSelectElement>("f-mchid");
  sel.replaceChildren(
    el("option", { value: "", "data-t": "allMerchants" }, T("allMerchants")),
    ...(status?.merchants ?? []).map((m) => el("option", { value: m.mchid }, session.label(m.mchid))),
  );
  sel.value = filterValue("mchid");
}

async function refresh(): Promise<void> {
  try {
    await loadStatus();
  } catch (e) {
    return fail(e, "status");
  }
  if (detailRoute()) return route();
  chart.forget();
  if (session.admin()) void devices.load();
  void list.load();
  void chart.load(filterValue("mchid"));
}

async function exportCsv(): Promise<void> {
  const b = $<HTMLButtonElement>("csv");
  b.disabled = true;
  try {
    const blob = await (await api(`/api/complaints.csv?${filterParams()}`, bearer())).blob();
    const a = el("a", { href: URL.createObjectURL(blob), download: `complaints-${beijingDay(Date.now())}.csv`, hidden: "" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  } catch (e) {
    fail(e, "list");
  } finally {
    b.disabled = false;
  }
}

/** The shell's own texts (`data-t`, `data-tp`, `data-ta`) in the current language. */
function applyStatic(): void {
  const lang = currentLang();
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = T("title");
  for (const e of document.querySelectorAll<HTMLElement>("[data-t]")) if (isStringKey(e.dataset.t)) e.textContent = T(e.dataset.t);
  for (const e of document.querySelectorAll<HTMLInputElement>("[data-tp]")) if (isStringKey(e.dataset.tp)) e.placeholder = T(e.dataset.tp);
  for (const e of document.querySelectorAll<HTMLElement>("[data-ta]"))
    if (isStringKey(e.dataset.ta)) e.setAttribute("aria-label", T(e.dataset.ta));
  $("lang").lang = lang === "zh" ? "en" : "zh-CN";
}

/** Signs in with `t` once the status answers to it; false (and said why) when it does not. */
async function enter(t: string): Promise<boolean> {
  token = t;
  say("auth", one("info", "loading"));
  try {
    await loadStatus();
  } catch (e) {
    try {
      fail(e, "auth"); // as the token's failure, not a view key's
    } finally {
      token = null;
    }
    return false;
  }
  store(TOKEN_KEY, t);
  say("auth", null);
  showApp(true);
  route();
  return true;
}

/**
 * Claims a sign-in link's code (`POST /api/devices/claim`) and signs in with the device's token; the code leaves
 * the address first, so neither history nor a reload holds it. The token is kept as soon as it comes (the code is
 * spent: a status that fails to load must not lose it). A used, expired or unknown code asks for a new one. A page
 * already signed in stays so and leaves the code unclaimed.
 */
async function claim(code: string): Promise<void> {
  history.replaceState(null, "", `${location.pathname}${location.search}#/`);
  // A signed-in page keeps its token: an admin opening a phone's link here would spend the phone's code on this browser.
  if (token) {
    start();
    say("auth", one("info", "msgSigninHere"));
    return;
  }
  $("login").hidden = $("app").hidden = true;
  say("auth", one("info", "loading"));
  let answer: ClaimAnswer;
  try {
    answer = (await (await api("/api/devices/claim", "", "POST", { code })).json()) as ClaimAnswer;
  } catch (e) {
    showApp(false);
    if (e instanceof ApiError && e.code === "bad_code") say("auth", one("err", "msgBadCode"));
    else fail(e, "auth");
    return;
  }
  token = answer.token;
  store(TOKEN_KEY, token);
  say("auth", null);
  start();
}

/** Shows what the address asks for as the page starts, or as it is given a sign-in link. */
function start(): void {
  const code = signinCode();
  if (code) void claim(code);
  else if (token) {
    showApp(true);
    loadStatus().catch((e: unknown) => fail(e, "status"));
    route();
  } else if (viewKey()) route();
  else askToken();
}

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const t = input("token").value.trim();
  if (!t) {
    say("auth", one("err", "msgNoToken"));
    input("token").focus();
    return;
  }
  if (await enter(t)) input("token").value = "";
});
$("view-signin").addEventListener("click", () => {
  askToken();
  input("token").focus();
});
$("signout").addEventListener("click", () => {
  signOut();
  say("auth", one("info", "msgSignedOut"));
  input("token").focus();
});
$("refresh").addEventListener("click", () => void refresh());
$("lang").addEventListener("click", () => {
  toggleLang();
  applyStatic();
  renderStatus();
  list.render();
  detail.render();
  chart.render();
  devices.render();
  renderMsg();
  if (status) fillMerchants();
});
$("filters").addEventListener("submit", (ev) => {
  ev.preventDefault();
  clearTimeout(typing);
  applyFilters();
});
$("filters").addEventListener("change", (ev) => {
  if (ev.target !== $("q")) applyFilters();
});
$("q").addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(applyFilters, 400);
});
$("clear").addEventListener("click", () => {
  for (const f of FILTERS) field(f).value = "";
  applyFilters();
});
$("csv").addEventListener("click", () => void exportCsv());
$("next").addEventListener("click", () => void list.next());
$("prev").addEventListener("click", () => void list.prev());
$("rows").addEventListener("click", (ev) => {
  const target = ev.target as Element;
  if (target.closest("a") || String(getSelection())) return;
  const href = target.closest("tr[data-complaint-id]")?.querySelector("a")?.getAttribute("href");
  if (href) location.hash = href;
});
window.addEventListener("hashchange", () => (signinCode() ? start() : route()));
setInterval(() => {
  if (token && document.visibilityState === "visible" && !detailRoute()) void refresh();
}, 300_000);
// The countdowns count down between refreshes.
setInterval(() => repaintDue(status?.deadlines?.remind_before_hours ?? []), 60_000);

applyStatic();
start();
