/**
 * What the dashboard's browser tests (test/dashboard-*.node.test.ts) share: the merchants and strings they look
 * for, the stack most of them read (the Worker after two real cron ticks, see {@link startPolledStack}), a Chromium
 * whose pages are checked after every test (see {@link startDashboardBrowser}), and the waits a page needs.
 * Each test file starts and stops its own stack and browser, in its `beforeAll` / `afterAll`.
 *
 * Needs /usr/bin/chromium and fonts-noto-cjk (`apt-get install -y chromium fonts-noto-cjk`; CHROMIUM_PATH
 * overrides the path). Screenshots go to test-results/.
 * @module
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { STRINGS } from "../../dashboard/strings";
import { fixtureComplaints } from "../../sandbox/fixtures";
import { type PayjsComplaintItem, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../../sandbox/payjs-sandbox";
import type { MerchantStatusEntry } from "../../src/domain/status";
import type { ListBody, StatusBody } from "./api";
import { type DashboardStack, type DashboardStackOptions, launchChromium, READ_TOKEN, startDashboardStack } from "./browser";
import { MINUTE } from "./time";
import { PROJECT_ROOT } from "./wrangler-dev";

/**
 * The little of the DOM that the functions given to `page.evaluate` / `waitForFunction` touch: they run in the
 * browser, and the project's TypeScript has no DOM lib. A test file declares the globals it uses with these, e.g.
 * `declare const document: PageDocument;`.
 */
export interface PageElement {
  readonly id: string;
  readonly textContent: string | null;
  innerHTML: string;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  closest(selector: string): PageElement | null;
}

export interface PageDocument {
  readonly activeElement: PageElement | null;
  readonly documentElement: { readonly scrollWidth: number };
  readonly fonts: { readonly ready: Promise<unknown> };
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  createElement(tag: string): PageElement;
}

export interface PageLocation {
  readonly hash: string;
}

export interface PageStorage {
  getItem(key: string): string | null;
}

/** `window`, with the mark a test leaves on it to tell a reload (which drops it) from an update in place. */
export interface PageWindow {
  sameDocument?: boolean;
}

declare const document: PageDocument;

export const M1 = SANDBOX_MERCHANT.mchid;
export const M2 = SANDBOX_MERCHANT_2.mchid;
/** The second merchant's display name (PAYJS_MERCHANTS). */
export const SECOND_NAME = "二号店";
export const zh = STRINGS.zh;
export const en = STRINGS.en;
/** Where the screenshots go. */
export const RESULTS = join(PROJECT_ROOT, "test-results");
/** The policy dashboard/_headers gives every static file. */
export const CSP = /^[ \t]+Content-Security-Policy: (.+)$/m.exec(readFileSync(join(PROJECT_ROOT, "dashboard/_headers"), "utf8"))?.[1];
export const CSV_HEADER =
  "id,mchid,complaint_at,out_trade_no,order_id,total_fee,total_fee_yuan,body,active,first_seen_at,last_seen_at,handled_at,replied_at,reply_by,resolve_by";

/** `{0}`-style placeholders → a regex source matching any text there. */
export function pattern(template: string): RegExp {
  const parts = template.split(/\{\d\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(parts.join("[\\s\\S]*?"));
}

/** The first merchant's fixtures as the sandbox serves them from `now` on, and the two the tests single out. */
export interface FirstMerchant {
  fixtures: PayjsComplaintItem[];
  /** Gone from PAYJS's list by the second tick of {@link startPolledStack}: no longer active. */
  goneId: string;
  /** The complaint whose body is written as HTML (`<img src=x onerror=alert(1)>`). */
  xssId: string;
}

export function firstMerchant(now: number): FirstMerchant {
  const fixtures = fixtureComplaints(M1, now);
  return { fixtures, goneId: String(fixtures[7]?.complaint_id), xssId: String(fixtures[4]?.complaint_id) };
}

/**
 * The stack most browser tests read: the Worker has polled the PAYJS sandbox through two real cron ticks. The first
 * merchant (PAYJS_MCHID/KEY) has its 15 fixture complaints, one of which (`goneId`) is gone by the second tick, ten
 * minutes after the first; the second merchant (PAYJS_MERCHANTS, "二号店") is answered with an HTML 500 page, so it
 * is failing, twice in a row. Stopped again if a tick fails.
 */
export function startPolledStack(now: number, goneId: string): Promise<DashboardStack> {
  return startPreparedStack({ failingMchid: M2, secondName: SECOND_NAME }, async (stack) => {
    await stack.fireCron();
    // One complaint leaves PAYJS's list; the next tick (10 minutes later) marks it gone.
    expect(stack.sandbox.sandbox.removeComplaint(M1, goneId)).toBe(1);
    await stack.fireCronAt(now + 10 * MINUTE);
  });
}

/** A stack after `prepare` (its ticks, complaints planted): stopped when preparing fails, so no server outlives the test. */
export async function startPreparedStack(
  options: DashboardStackOptions,
  prepare: (stack: DashboardStack) => Promise<void>,
): Promise<DashboardStack> {
  const stack = await startDashboardStack(options);
  try {
    await prepare(stack);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  dialogs: string[];
  /** Every request the page made: method, URL, Authorization header. */
  requests: { url: string; authorization: string | undefined }[];
  /** Console errors the test expects (e.g. the browser's own line about a 401 answer). */
  allow: RegExp[];
}

export interface OpenOptions {
  width?: number;
  locale?: string;
  path?: string;
  /** Another Worker's address (default: the one the browser was started for). */
  base?: string;
  /** The browser's user agent, e.g. {@link WECHAT_UA}. */
  userAgent?: string;
  /** Removes `navigator.clipboard` before the page's script runs, as WeChat's browser lacks it. */
  noClipboard?: boolean;
}

/** The user agent of WeChat's browser (XWeb) on Android. */
export const WECHAT_UA =
  "Mozilla/5.0 (Linux; Android 14; 23127PN0CC Build/UKQ1.230804.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/134.0.6998.136 Mobile Safari/537.36 XWEB/1340129 MMWEBSDK/20250201 MMWEBID/2306 MicroMessenger/8.0.50.2701(0x28003253) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";

export interface DashboardBrowser {
  /**
   * A page of the dashboard in a context of its own (1280 px wide unless told, zh-CN unless told, in New York's time
   * zone: the page must show Beijing time whatever the browser's zone), recording what {@link Session} holds.
   */
  open(opts?: OpenOptions): Promise<Session>;
  /** The sessions the current test opened, the latest last. */
  readonly sessions: readonly Session[];
  /**
   * After each test: closes the sessions it opened and, unless it failed, checks that none saw an unexpected console
   * error or a dialog, and that no request carried the read token in its URL.
   */
  closeSessions(testFailed: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Launches Chromium (see {@link launchChromium}) for pages of the Worker at `base`; makes test-results/. */
export async function startDashboardBrowser(base: string): Promise<DashboardBrowser> {
  mkdirSync(RESULTS, { recursive: true });
  const browser: Browser = await launchChromium();
  const sessions: Session[] = [];
  return {
    sessions,
    async open(opts = {}) {
      const context = await browser.newContext({
        viewport: { width: opts.width ?? 1280, height: 900 },
        locale: opts.locale ?? "zh-CN",
        timezoneId: "America/New_York", // the page must show Beijing time whatever the browser's zone
        acceptDownloads: true,
        ...(opts.userAgent === undefined ? {} : { userAgent: opts.userAgent }),
      });
      if (opts.noClipboard === true) await context.addInitScript("delete Navigator.prototype.clipboard");
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const session: Session = { context, page, errors: [], dialogs: [], requests: [], allow: [] };
      page.on("console", (m) => {
        if (m.type() === "error") session.errors.push(`console: ${m.text()}`);
      });
      page.on("pageerror", (e) => session.errors.push(`pageerror: ${e.message}`));
      page.on("dialog", (d) => {
        session.dialogs.push(d.message());
        void d.dismiss();
      });
      page.on("request", (r) => session.requests.push({ url: r.url(), authorization: r.headers().authorization }));
      sessions.push(session);
      await page.goto(`${opts.base ?? base}${opts.path ?? "/"}`);
      return session;
    },
    async closeSessions(testFailed) {
      for (const s of sessions.splice(0)) {
        const unexpected = s.errors.filter((e) => !s.allow.some((re) => re.test(e)));
        await s.context.close();
        if (!testFailed) {
          expect(unexpected, "console errors").toEqual([]);
          expect(s.dialogs, "dialogs").toEqual([]);
          for (const r of s.requests) expect(r.url).not.toContain(READ_TOKEN);
        }
      }
    },
    close: () => browser.close(),
  };
}

export async function signIn(page: Page, token = READ_TOKEN): Promise<void> {
  await page.fill("#token", token);
  await page.click("#signin");
}

export async function rowIds(page: Page): Promise<string[]> {
  return page.$$eval("[data-complaint-id]", (rows) => rows.map((r) => r.getAttribute("data-complaint-id") ?? ""));
}

/**
 * A countdown's text as the page writes it, naming its deadline, e.g. `dueText(zh, "replyLeft", 5, "durHour")` →
 * "回复剩 5 小时", `dueText(zh, "replyOverdue", 3, "durHour")` → "回复已超期 3 小时".
 */
export function dueText(
  lang: typeof zh,
  key: "replyLeft" | "resolveLeft" | "replyOverdue" | "resolveOverdue",
  n: number,
  unit: "durMin" | "durHour" | "durDay",
): string {
  return lang[key].replace("{0}", lang[unit].replace("{0}", String(n)));
}

/** A row as its countdown shows it: `data-due`, and the text and class of its `.due` (null when it has none). */
export interface RowDue {
  id: string;
  due: string | null;
  text: string | null;
  cls: string | null;
}

export async function rowDues(page: Page): Promise<RowDue[]> {
  return page.$$eval("[data-complaint-id]", (rows) =>
    rows.map((r) => {
      const due = r.querySelector(".due");
      return {
        id: r.getAttribute("data-complaint-id") ?? "",
        due: r.getAttribute("data-due"),
        text: due?.textContent ?? null,
        cls: due?.getAttribute("class") ?? null,
      };
    }),
  );
}

/** Waits until the list is loaded and shows exactly `ids`, in order. */
export async function waitRows(page: Page, ids: string[]): Promise<void> {
  try {
    await page.waitForFunction(
      (want) =>
        !document.getElementById("table")?.hasAttribute("aria-busy") &&
        [...document.querySelectorAll("[data-complaint-id]")].map((r) => r.getAttribute("data-complaint-id")).join(",") === want,
      ids.join(","),
      { timeout: 15_000 },
    );
  } catch (error) {
    throw new Error(`rows ${JSON.stringify(await rowIds(page))}, wanted ${JSON.stringify(ids)}: ${String(error)}`);
  }
}

export async function waitMsg(page: Page, re: RegExp): Promise<string> {
  try {
    await page.waitForFunction((src) => new RegExp(src).test(document.getElementById("msg")?.textContent ?? ""), re.source, {
      timeout: 15_000,
    });
  } catch (error) {
    throw new Error(`#msg is ${JSON.stringify(await page.textContent("#msg"))}, wanted ${re}: ${String(error)}`);
  }
  return (await page.textContent("#msg")) ?? "";
}

/** `GET /api/complaints?{query}` of the Worker at `base`, with the read token. */
export async function api(base: string, query: string): Promise<ListBody> {
  const res = await fetch(`${base}/api/complaints?${query}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as ListBody;
}

/**
 * A request to the Worker at `base` (read token unless another is given; `body` sent as JSON) and its answer, its
 * JSON read as `T` (not checked here).
 */
export async function callApi<T = unknown>(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${init.token ?? READ_TOKEN}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** A merchant's entry of `GET /api/status` of the Worker at `worker`. */
export async function merchantStatus(worker: string, mchid: string): Promise<MerchantStatusEntry> {
  const res = await fetch(`${worker}/api/status`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
  expect(res.status).toBe(200);
  const found = ((await res.json()) as StatusBody).merchants.find((m) => m.mchid === mchid);
  if (found === undefined) throw new Error(`no merchant ${mchid} in /api/status`);
  return found;
}

/** What a test file drives: the Worker's stack, the browser, and the Worker's address (each set before the first test). */
export interface DashboardRig {
  stack: DashboardStack;
  ui: DashboardBrowser;
  base: string;
}

/**
 * Starts `start()`'s stack and a browser on it before the file's tests, checks every page after each test (printing
 * the Worker's output when one failed), and stops both by their PIDs after the last.
 */
export function useDashboard(start: () => Promise<DashboardStack>): DashboardRig {
  const rig = {} as DashboardRig;
  beforeAll(async () => {
    rig.stack = await start();
    rig.base = rig.stack.worker.url;
    rig.ui = await startDashboardBrowser(rig.base);
  });
  afterEach(async (context) => {
    const failed = context.task.result?.state === "fail";
    await rig.ui?.closeSessions(failed);
    if (failed && rig.stack !== undefined) console.error(`--- wrangler dev output ---\n${rig.stack.worker.output()}`);
  });
  afterAll(async () => {
    await rig.ui?.close();
    await rig.stack?.stop();
  });
  return rig;
}
