/**
 * The dashboard's script (bundled by scripts/build-dashboard.mjs into the one file the page loads): sign-in and
 * sign-out, the status panel, which part the address shows, and the wiring of every control. The list, the
 * detail and the chart live in their own modules; page.ts has the contract's hooks.
 *
 * The token lives in `localStorage` and only ever travels in the `Authorization` header.
 * @module
 */
import { beijingDay } from "../src/domain/time";
import { detailRoute, FILTERS, type Filter, filterParams, filterValue, hashParams, sortOrder } from "./address";
import { ApiError, api } from "./api";
import { ChartPanel } from "./chart";
import { repaintDue } from "./complaint-view";
import { ComplaintDetail } from "./detail";
import { $, el } from "./dom";
import { currentLang, isStringKey, T, toggleLang } from "./i18n";
import { ComplaintList } from "./list";
import { clearMessages, type Msg, one, renderMsg, type Slot, say } from "./messages";
import type { Session } from "./session";
import { statusPanel } from "./status-panel";
import { forget, load, store, TOKEN_KEY } from "./storage";
import type { StatusAnswer } from "./wire";

let token = load(TOKEN_KEY);
let status: StatusAnswer | null = null;
let names: Record<string, string> = {};
let lastList = "#/";
let typing = 0;

const session: Session = {
  call: async <T>(path: string, method?: string, body?: unknown): Promise<T> =>
    (await api(path, token ?? "", method, body)).json() as Promise<T>,
  fail,
  label: (mchid) => (names[mchid] ? `${names[mchid]} (${mchid})` : mchid),
  shortName: (mchid) => names[mchid] || mchid,
  status: () => status,
  changed(c) {
    list.update(c);
    // The unhandled and overdue counts changed too.
    loadStatus().catch((e: unknown) => fail(e, "status"));
  },
};
const list = new ComplaintList(session);
const detail = new ComplaintDetail(session);
const chart = new ChartPanel(session);

const input = (id: string) => $<HTMLInputElement>(id);
const field = (f: Filter) => $<HTMLInputElement | HTMLSelectElement>(f === "q" ? "q" : `f-${f}`);

/** Says what went wrong, and what to do, in `slot`; a refused token signs out. */
function fail(e: unknown, slot: Slot): void {
  if (!(e instanceof ApiError)) {
    say(slot, one("err", "msgError", ["script", String((e as Error | undefined)?.message ?? e)]));
    throw e;
  }
  if (e.status === 401 || e.code === "not_configured") signOut();
  say(e.status === 401 || e.code === "not_configured" ? "auth" : slot, messageFor(e, slot));
}

/** What a failed API call tells the person. */
function messageFor(e: ApiError, slot: Slot): Msg[] {
  if (e.status === 0) return one("err", "msgNetwork");
  if (e.status === 401) return one("err", "msgBadToken");
  if (e.code === "not_configured") return one("err", "msgNotConfigured");
  if (e.code === "bad_config") return one("err", "msgBadConfig", [e.setting || "?", e.message]);
  if (e.status === 404 && slot === "detail") return one("err", "msgNotFound");
  if (e.status === 403) return one("err", "msgForbidden");
  return one("err", "msgError", [e.status + (e.code ? ` ${e.code}` : ""), e.message]);
}

function showApp(on: boolean): void {
  $("login").hidden = on;
  $("app").hidden = !on;
  $("signout").hidden = !on;
  $("refresh").hidden = !on;
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
  clearMessages();
  showApp(false);
}

/** Shows what the address asks for: a complaint, or the list with its filters. */
function route(): void {
  if (!token) return;
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
  void list.load();
  void chart.load(filterValue("mchid"));
}

async function exportCsv(): Promise<void> {
  const b = $<HTMLButtonElement>("csv");
  b.disabled = true;
  try {
    const blob = await (await api(`/api/complaints.csv?${filterParams()}`, token ?? "")).blob();
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

$("login").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const t = input("token").value.trim();
  if (!t) {
    say("auth", one("err", "msgNoToken"));
    input("token").focus();
    return;
  }
  token = t;
  say("auth", one("info", "loading"));
  try {
    await loadStatus();
  } catch (e) {
    token = null;
    return fail(e, "auth");
  }
  store(TOKEN_KEY, t);
  input("token").value = "";
  say("auth", null);
  showApp(true);
  route();
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
window.addEventListener("hashchange", route);
setInterval(() => {
  if (token && document.visibilityState === "visible" && !detailRoute()) void refresh();
}, 300_000);
// The countdowns count down between refreshes.
setInterval(() => repaintDue(status?.deadlines?.remind_before_hours ?? []), 60_000);

applyStatic();
if (token) {
  showApp(true);
  loadStatus().catch((e: unknown) => fail(e, "status"));
  route();
} else {
  showApp(false);
  say("auth", one("info", "msgNoToken"));
}
