/**
 * The dashboard in a real browser: Debian's headless Chromium driven by playwright-core, against the real
 * Worker under `wrangler dev`, which builds the dashboard and serves it as static assets with the headers of
 * dashboard/_headers, as Cloudflare does. The Worker has polled the PAYJS sandbox through two real cron ticks: the
 * first merchant (PAYJS_MCHID/KEY) with its 15 fixture complaints, one of which is gone by the second tick; the
 * second merchant (PAYJS_MERCHANTS, "二号店") answered with an HTML 500 page, so it is failing. A second
 * Worker, with an invalid setting, still serves the page, which shows the API's bad_config error. A third, under
 * RESPONSE_SIGNATURE=report, stores the second merchant's answers signed wrongly or not at all, for the status
 * panel's signature warnings.
 *
 * Needs /usr/bin/chromium and fonts-noto-cjk (`apt-get install -y chromium fonts-noto-cjk`; CHROMIUM_PATH
 * overrides the path). Screenshots at 390 and 1280 px go to test-results/.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { STRINGS } from "../dashboard/strings";
import { beijingText as beijingWallClock, fixtureComplaints } from "../sandbox/fixtures";
import { SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../sandbox/payjs-sandbox";
import { beijingText } from "../src/domain/time";
import { ADMIN_TOKEN, type DashboardStack, launchChromium, READ_TOKEN, startDashboardStack } from "./support/browser";
import { PROJECT_ROOT, startWranglerDev, type WranglerDev } from "./support/wrangler-dev";

// Functions given to page.evaluate / waitForFunction run in the browser; the project's TypeScript has no DOM lib.
declare const document: any, location: any, localStorage: any, window: any;

const M1 = SANDBOX_MERCHANT.mchid;
const M2 = SANDBOX_MERCHANT_2.mchid;
const SECOND_NAME = "二号店";
const zh = STRINGS.zh;
const en = STRINGS.en;
const RESULTS = join(PROJECT_ROOT, "test-results");
/** The policy dashboard/_headers gives every static file. */
const CSP = /^[ \t]+Content-Security-Policy: (.+)$/m.exec(readFileSync(join(PROJECT_ROOT, "dashboard/_headers"), "utf8"))?.[1];
const CSV_HEADER = "id,mchid,complaint_at,out_trade_no,order_id,total_fee,total_fee_yuan,body,active,first_seen_at,last_seen_at,handled_at";
const HOUR = 3_600_000;

interface MerchantStatus {
  mchid: string;
  last_error: unknown;
  signature: { result: "verified" | "absent" | "mismatch" | null; scheme: string | null };
}

interface Session {
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

/** `{0}`-style placeholders → a regex source matching any text there. */
function pattern(template: string): RegExp {
  const parts = template.split(/\{\d\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(parts.join("[\\s\\S]*?"));
}

describe("the dashboard in Chromium", () => {
  const now = Date.now();
  const fixtures = fixtureComplaints(M1, now);
  const goneId = String(fixtures[7]?.complaint_id);
  const xssId = String(fixtures[4]?.complaint_id);
  let stack: DashboardStack;
  let browser: Browser;
  let base: string;
  const sessions: Session[] = [];

  async function api(query: string): Promise<{ complaints: { id: string }[]; total: number }> {
    const res = await fetch(`${base}/api/complaints?${query}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as { complaints: { id: string }[]; total: number };
  }

  /** `base`: another Worker's address (default: the main stack's). */
  async function open(opts: { width?: number; locale?: string; path?: string; base?: string } = {}): Promise<Session> {
    const context = await browser.newContext({
      viewport: { width: opts.width ?? 1280, height: 900 },
      locale: opts.locale ?? "zh-CN",
      timezoneId: "America/New_York", // the page must show Beijing time whatever the browser's zone
      acceptDownloads: true,
    });
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
  }

  async function signIn(page: Page, token = READ_TOKEN): Promise<void> {
    await page.fill("#token", token);
    await page.click("#signin");
  }

  async function rowIds(page: Page): Promise<string[]> {
    return page.$$eval("[data-complaint-id]", (rows) => rows.map((r) => r.getAttribute("data-complaint-id") ?? ""));
  }

  /** Waits until the list is loaded and shows exactly `ids`, in order. */
  async function waitRows(page: Page, ids: string[]): Promise<void> {
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

  async function waitMsg(page: Page, re: RegExp): Promise<string> {
    try {
      await page.waitForFunction((src) => new RegExp(src).test(document.getElementById("msg")?.textContent ?? ""), re.source, {
        timeout: 15_000,
      });
    } catch (error) {
      throw new Error(`#msg is ${JSON.stringify(await page.textContent("#msg"))}, wanted ${re}: ${String(error)}`);
    }
    return (await page.textContent("#msg")) ?? "";
  }

  async function merchantStatus(worker: string, mchid: string): Promise<MerchantStatus> {
    const res = await fetch(`${worker}/api/status`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    expect(res.status).toBe(200);
    const found = ((await res.json()) as { merchants: MerchantStatus[] }).merchants.find((m) => m.mchid === mchid);
    if (found === undefined) throw new Error(`no merchant ${mchid} in /api/status`);
    return found;
  }

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    stack = await startDashboardStack({ failingMchid: M2, secondName: SECOND_NAME });
    base = stack.worker.url;
    await stack.fireCron();
    // One complaint leaves PAYJS's list; the next tick (10 minutes later) marks it gone.
    expect(stack.sandbox.sandbox.removeComplaint(M1, goneId)).toBe(1);
    await stack.fireCronAt(now + 10 * 60_000);
    browser = await launchChromium();
  });

  afterEach(async (context) => {
    const failed = context.task.result?.state === "fail";
    for (const s of sessions.splice(0)) {
      const unexpected = s.errors.filter((e) => !s.allow.some((re) => re.test(e)));
      await s.context.close();
      if (!failed) {
        expect(unexpected, "console errors").toEqual([]);
        expect(s.dialogs, "dialogs").toEqual([]);
        for (const r of s.requests) expect(r.url).not.toContain(READ_TOKEN);
      }
    }
    if (failed && stack !== undefined) console.error(`--- wrangler dev output ---\n${stack.worker.output()}`);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("serves the page as static files with a strict Content-Security-Policy, Trusted Types enforced", async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(CSP).toContain("require-trusted-types-for 'script'");
    expect(csp).toBe(CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]+"$/);
    const html = await res.text();
    // The script and the style sheet, by content hash, cached for a year, under the same policy.
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/dashboard\.\w+\.(?:js|css))"/g)].map((m) => m[1] as string);
    expect(assets).toHaveLength(2);
    for (const path of assets) {
      const asset = await fetch(`${base}${path}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get("content-type")).toMatch(path.endsWith(".js") ? /^text\/javascript/ : /^text\/css/);
      expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(asset.headers.get("content-security-policy")).toBe(CSP);
    }
    const again = await fetch(`${base}/`, { headers: { "If-None-Match": res.headers.get("etag") ?? "" } });
    expect(again.status).toBe(304);
    const post = await fetch(`${base}/`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    // Paths without a file still reach the Worker: its JSON 404, and the API.
    const missing = await fetch(`${base}/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
    expect((await fetch(`${base}/api/status`)).status).toBe(401);

    const { page, allow } = await open();
    await waitMsg(page, pattern(zh.msgNoToken));
    allow.push(/TrustedHTML/); // Chromium reports the refused assignment below
    const sink = await page.evaluate(() => {
      try {
        document.createElement("div").innerHTML = "<b>x</b>";
        return "assigned";
      } catch (error) {
        return String(error);
      }
    });
    expect(sink).toMatch(/TypeError.*TrustedHTML/);
  });

  it("asks for a token, loads no data without one, and rejects a wrong one", async () => {
    const { page, requests, allow } = await open();
    await waitMsg(page, pattern(zh.msgNoToken));
    expect(await page.getAttribute("#msg", "role")).toBe("alert");
    expect(await page.isVisible("#token")).toBe(true);
    expect(await page.isVisible("#status")).toBe(false);
    expect(await page.isVisible("#signout")).toBe(false);
    expect(await page.getAttribute("#token", "type")).toBe("password");
    expect(requests.filter((r) => r.url.includes("/api/"))).toEqual([]);

    await page.click("#signin"); // empty
    await waitMsg(page, pattern(zh.msgNoToken));

    allow.push(/401/); // Chromium logs the 401 answer itself
    await signIn(page, "not-the-token");
    await waitMsg(page, pattern(zh.msgBadToken));
    expect(await page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toBeNull();
    expect(await page.isVisible("#token")).toBe(true);
    expect(await rowIds(page)).toEqual([]);
  });

  it("signs in and lists the complaints newest first, in Beijing time and yuan", async () => {
    const { page, requests } = await open();
    await signIn(page);
    const expected = (await api("limit=50")).complaints.map((c) => c.id);
    expect(expected).toHaveLength(15);
    await waitRows(page, expected);
    expect(await page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toBe(READ_TOKEN);
    expect(page.url()).not.toContain(READ_TOKEN);
    expect(await page.inputValue("#token")).toBe("");
    expect(await page.isVisible("#signout")).toBe(true);

    const first = page.locator(`[data-complaint-id="${String(fixtures[0]?.complaint_id)}"][data-mchid="${M1}"]`);
    const text = await first.innerText();
    expect(text).toContain(String(fixtures[0]?.complaint_at).slice(0, 16)); // Beijing wall-clock time as PAYJS sent it
    expect(text).toContain("¥29.90");
    expect(text).toContain("商品未收到，要求退款");
    expect(text).toContain(String(fixtures[0]?.out_trade_no));
    expect(text).toContain(String(fixtures[0]?.order_id));
    expect(text).toContain(zh.active);
    expect(await page.locator(`[data-complaint-id="${goneId}"]`).innerText()).toContain(zh.gone);
    expect(await page.textContent("#range")).toMatch(/第 1–15 条，共 15 条/);
    await Promise.all([page.waitForRequest((r) => r.url().includes("/api/complaints?")), page.click("#refresh")]);
    await waitRows(page, expected);
    // Every API call carried the token in the header.
    const apiCalls = requests.filter((r) => r.url.includes("/api/"));
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const r of apiCalls) expect(r.authorization).toBe(`Bearer ${READ_TOKEN}`);
    // The chart: one bar per day for 30 days, with the total in yuan.
    expect(await page.locator("#chart-box svg rect").count()).toBe(30);
    expect(await page.textContent("#chart-sum")).toMatch(/近 30 天共 \d+ 件投诉，金额合计 ¥\d+\.\d\d/);
  });

  it("shows a complaint written as HTML as text, in the list and in its detail", async () => {
    const { page, dialogs } = await open();
    await signIn(page);
    const row = page.locator(`[data-complaint-id="${xssId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain("<img src=x onerror=alert(1)>");
    await row.locator("td").nth(4).click();
    await page.waitForFunction((id) => location.hash === `#/complaints/1500000001/${id}`, xssId);
    await page.locator("#detail-dl").getByText("<img src=x onerror=alert(1)>").waitFor();
    expect(await page.textContent("#raw")).toContain("<img src=x onerror=alert(1)>");
    await page.waitForTimeout(300);
    expect(await page.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("shows the failing upstream in the status panel and says what to do", async () => {
    const { page } = await open();
    await signIn(page);
    const status = page.locator("#status");
    await status.getByText(SECOND_NAME, { exact: false }).waitFor();
    const failing = status.locator("tr.bad");
    expect(await failing.count()).toBe(1);
    const text = await failing.innerText();
    expect(text).toContain(`${SECOND_NAME} (${M2})`);
    expect(text).toContain("http_status: PAYJS answered HTTP 500");
    expect(text).toMatch(/\b2\b/); // two failed polls in a row
    const healthy = await status.locator("tr", { hasText: M1 }).first().innerText();
    expect(healthy).toContain(zh.ok);
    expect(healthy).toContain("14 / 15");
    const msg = await waitMsg(page, /二号店 \(1500000002\) 的 PAYJS 轮询失败（连续 2 次）/);
    expect(msg).toContain("http_status");
    // The healthy merchant's answers verified, the failing one's were never checked: no signature warning.
    expect(await status.locator("[data-signature-warning]").count()).toBe(0);
    const scheme = (await merchantStatus(base, M1)).signature.scheme;
    expect(scheme).toEqual(expect.any(String));
    expect(healthy).toContain(zh.sigScheme.replace("{0}", String(scheme)));
  });

  it("filters by state, merchant and Beijing dates", async () => {
    const { page } = await open();
    await signIn(page);
    const all = (await api("limit=50")).complaints.map((c) => c.id);
    await waitRows(page, all);

    await page.selectOption("#f-active", "false");
    await waitRows(page, [goneId]);
    expect(page.url()).toContain("active=false");
    await page.selectOption("#f-active", "true");
    await waitRows(
      page,
      all.filter((id) => id !== goneId),
    );
    await page.selectOption("#f-active", "");

    await page.selectOption("#f-mchid", M2);
    await waitRows(page, []);
    await waitMsg(page, pattern(zh.msgNoMatch));
    await page.selectOption("#f-mchid", M1);
    await waitRows(page, all);

    const since = String(fixtures[9]?.complaint_at).slice(0, 10);
    const until = String(fixtures[2]?.complaint_at).slice(0, 10);
    const expected = (await api(`since=${since}&until=${until}&mchid=${M1}&limit=50`)).complaints.map((c) => c.id);
    expect(expected.length).toBeGreaterThan(3);
    expect(expected.length).toBeLessThan(15);
    await page.fill("#f-since", since);
    await page.fill("#f-until", until);
    await waitRows(page, expected);
    expect(page.url()).toContain(`since=${since}`);

    await page.click("#clear");
    await waitRows(page, all);
    expect(await page.inputValue("#f-since")).toBe("");
  });

  it("searches with #q", async () => {
    const { page } = await open();
    await signIn(page);
    await page.locator("[data-complaint-id]").first().waitFor();
    const refund = (await api("q=退款&limit=50")).complaints.map((c) => c.id);
    expect(refund.length).toBeGreaterThanOrEqual(3);
    await page.fill("#q", "退款");
    await page.press("#q", "Enter");
    await waitRows(page, refund);

    await page.fill("#q", String(fixtures[5]?.out_trade_no));
    await page.press("#q", "Enter");
    await waitRows(page, [String(fixtures[5]?.complaint_id)]);

    await page.fill("#q", "没有这样的投诉");
    await page.press("#q", "Enter");
    await waitRows(page, []);
    await waitMsg(page, pattern(zh.msgNoMatch));
  });

  it("pages through the list with next_cursor", async () => {
    const { page } = await open();
    await signIn(page);
    await page.locator("[data-complaint-id]").first().waitFor();
    const all = (await api("limit=50")).complaints.map((c) => c.id);
    await page.goto(`${base}/#/?size=10`);
    await waitRows(page, all.slice(0, 10));
    expect(await page.textContent("#range")).toMatch(/第 1–10 条，共 15 条/);
    expect(await page.isDisabled("#prev")).toBe(true);
    await page.click("#next");
    await waitRows(page, all.slice(10));
    expect(await page.textContent("#range")).toMatch(/第 11–15 条，共 15 条/);
    expect(await page.isDisabled("#next")).toBe(true);
    await page.click("#prev");
    await waitRows(page, all.slice(0, 10));
  });

  it("opens a detail by row click, by keyboard and by its address", async () => {
    const { page } = await open();
    await signIn(page);
    const first = fixtures[0] as Record<string, unknown>;
    const row = page.locator(`[data-complaint-id="${String(first.complaint_id)}"]`);
    await row.locator("td").nth(4).click();
    await page.waitForFunction((id) => location.hash === `#/complaints/1500000001/${id}`, String(first.complaint_id));
    const dl = page.locator("#detail-dl");
    await dl.getByText(String(first.order_id)).waitFor();
    const detail = await dl.innerText();
    for (const s of [String(first.out_trade_no), "¥29.90", "商品未收到，要求退款", String(first.complaint_at)]) expect(detail).toContain(s);
    expect(await page.isVisible("#list")).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("detail-h");

    await page.click("#back");
    await page.locator("#list").waitFor();
    expect(await page.evaluate(() => location.hash)).toBe("#/");
    // Focus returns to the row the detail was opened from; Enter on a row's link opens it.
    expect(await page.evaluate(() => document.activeElement?.closest("tr")?.getAttribute("data-complaint-id"))).toBe(
      String(first.complaint_id),
    );
    await page.focus(`[data-complaint-id="${goneId}"] a`);
    await page.keyboard.press("Enter");
    await page.waitForFunction((id) => location.hash.endsWith(`/${id}`), goneId);
    await dl.getByText(zh.gone).waitFor();

    // The address alerts link to, opened in a new tab of the signed-in browser.
    const second = fixtures[1] as Record<string, unknown>;
    const tab = await page.context().newPage();
    await tab.goto(`${base}/#/complaints/${M1}/${String(second.complaint_id)}`);
    await tab.locator("#detail-dl").getByText(String(second.body)).waitFor();
    expect(await tab.textContent("#raw")).toContain('"refund_status": "PROCESSING"');
    await tab.goto(`${base}/#/complaints/${M1}/no-such-id`);
    await waitMsg(tab, pattern(zh.msgNotFound));
    await tab.close();
    sessions[sessions.length - 1]?.allow.push(/404/); // Chromium logs the 404 answer itself
  });

  it("exports the filtered list as CSV, the token sent as a header", async () => {
    const { page, requests } = await open();
    await signIn(page);
    await page.locator("[data-complaint-id]").first().waitFor();
    await page.selectOption("#f-active", "false");
    await waitRows(page, [goneId]);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
    expect(download.suggestedFilename()).toMatch(/^complaints-\d{4}-\d\d-\d\d\.csv$/);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString("utf8").trimEnd().split("\r\n");
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(goneId);
    expect(lines[1]).toContain("重复扣款两次，请退还其中一笔");
    const csvCall = requests.find((r) => r.url.includes("/api/complaints.csv"));
    expect(csvCall?.url).toBe(`${base}/api/complaints.csv?active=false`);
    expect(csvCall?.authorization).toBe(`Bearer ${READ_TOKEN}`);
  });

  it("speaks English when the browser prefers it, and switches with the toggle", async () => {
    const { page } = await open({ locale: "en-US" });
    await waitMsg(page, pattern(en.msgNoToken));
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.textContent("#signin")).toBe(en.signin);
    expect(await page.textContent("label[for=token]")).toBe(en.tokenLabel);
    await signIn(page);
    await page.locator("[data-complaint-id]").first().waitFor();
    expect(await page.textContent("#range")).toMatch(/1–15 of 15/);
    expect(await page.locator(`[data-complaint-id="${goneId}"]`).innerText()).toContain(en.gone);
    expect(await page.textContent("#status")).toContain(en.lastSuccess);

    await page.click("#lang");
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.textContent("#signout")).toBe(zh.signout);
    expect(await page.textContent("#status")).toContain(zh.lastSuccess);
    expect(await page.textContent("#range")).toMatch(/第 1–15 条/);
    expect(await page.getAttribute("#q", "placeholder")).toBe(zh.searchHint);
    await page.reload();
    await page.locator("[data-complaint-id]").first().waitFor();
    expect(await page.textContent("#signout")).toBe(zh.signout);
  });

  it("says what to do when the Worker has no token, a bad setting, no network or no poll yet, and shows alert channels", async () => {
    const { page, allow } = await open();
    allow.push(/\b50[03]\b|net::ERR_FAILED/); // Chromium logs the failed answers itself
    // The API's answers, shaped as the README's "HTTP API" gives them, for states this stack cannot be in.
    let respond: (path: string) => { status: number; body: unknown } | "abort" = () => "abort";
    await page.route("**/api/**", async (route) => {
      const answer = respond(new URL(route.request().url()).pathname);
      if (answer === "abort") return route.abort("failed");
      return route.fulfill({ status: answer.status, contentType: "application/json", body: JSON.stringify(answer.body) });
    });

    respond = () => ({
      status: 503,
      body: { error: { code: "not_configured", message: "No API token is configured: set API_TOKENS or ADMIN_TOKEN" } },
    });
    await signIn(page, "any-token");
    await waitMsg(page, pattern(zh.msgNotConfigured));
    expect(await page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toBeNull();

    const setting = "POLL_INTERVAL_SECONDS";
    respond = () => ({
      status: 500,
      body: { error: { code: "bad_config", message: `${setting}: must be a whole number from 300 to 604800`, setting } },
    });
    await signIn(page, "any-token");
    expect(await waitMsg(page, /POLL_INTERVAL_SECONDS/)).toContain(`Worker 的设置 ${setting} 无效`);

    respond = () => "abort";
    await signIn(page, "any-token");
    await waitMsg(page, pattern(zh.msgNetwork));

    respond = (path) =>
      path === "/api/status"
        ? {
            status: 200,
            body: {
              merchants: [
                {
                  mchid: M1,
                  name: null,
                  last_attempt_at: null,
                  last_success_at: null,
                  next_poll_at: null,
                  consecutive_failures: 0,
                  last_error: null,
                  complaints_total: 0,
                  complaints_active: 0,
                  storage_errors: [],
                },
              ],
              channels: [
                {
                  name: "ops",
                  type: "wecom",
                  last_delivery_at: "2026-11-27T08:00:00.000Z",
                  last_error: { code: "http_status", message: "HTTP 502", at: "2026-11-27T08:30:00.000Z" },
                  pending: 2,
                  given_up: 1,
                },
              ],
            },
          }
        : { status: 200, body: { complaints: [], count: 0, total: 0, next_cursor: null, updated_at: null } };
    await signIn(page, "any-token");
    await waitMsg(page, pattern(zh.msgNeverPolled));
    const status = await page.innerText("#status");
    expect(status).toContain(zh.dueNow);
    expect(status).toContain(zh.channelsTitle);
    const channel = await page.locator("#status tr", { hasText: "ops" }).innerText();
    for (const s of ["wecom", "2026-11-27 16:00", "http_status: HTTP 502 · 2026-11-27 16:30", "2", "1"]) expect(channel).toContain(s);
    expect(await rowIds(page)).toEqual([]);
  });

  it("signs out and forgets the token", async () => {
    const { page } = await open();
    await signIn(page);
    await page.locator("[data-complaint-id]").first().waitFor();
    await page.click("#signout");
    await waitMsg(page, pattern(zh.msgSignedOut));
    expect(await page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toBeNull();
    expect(await page.locator("[data-complaint-id]").count()).toBe(0);
    expect(await page.isVisible("#token")).toBe(true);
    expect(await page.isVisible("#status")).toBe(false);
    await page.reload();
    await waitMsg(page, pattern(zh.msgNoToken));
  });

  for (const width of [390, 1280]) {
    it(`fits ${width} px and is kept as a screenshot`, async () => {
      const { page } = await open({ width });
      await signIn(page);
      await page.goto(`${base}/#/?size=8`);
      await page.locator("[data-complaint-id]").nth(7).waitFor();
      await page.locator("#chart-box svg").waitFor();
      await page.evaluate(() => document.fonts.ready);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: join(RESULTS, `dashboard-${width}.png`), fullPage: true });
      if (width === 390) {
        await page.setViewportSize({ width: 360, height: 800 });
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      }
    });
  }
  describe("with a setting the Worker refuses", () => {
    let broken: WranglerDev;
    const setting = "POLL_INTERVAL_SECONDS";

    beforeAll(async () => {
      broken = await startWranglerDev({ vars: { API_TOKENS: READ_TOKEN, [setting]: "four hours" } });
    });

    afterEach((context) => {
      if (context.task.result?.state === "fail" && broken !== undefined)
        console.error(`--- wrangler dev (broken) output ---\n${broken.output()}`);
    });

    afterAll(async () => {
      await broken?.stop();
    });

    it("still serves the page, which shows the API's bad_config error naming the setting", async () => {
      const health = await fetch(`${broken.url}/healthz`);
      expect(health.status).toBe(500);
      expect(await health.json()).toMatchObject({ error: { code: "bad_config", setting } });
      // The page is a static file: the Worker does not run for it, so it cannot refuse it.
      const res = await fetch(`${broken.url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toBe(CSP);

      const { page, allow } = await open({ base: broken.url });
      allow.push(/\b500\b/); // Chromium logs the failed answer itself
      await waitMsg(page, pattern(zh.msgNoToken));
      await signIn(page);
      const msg = await waitMsg(page, pattern(zh.msgBadConfig));
      expect(msg).toContain(`Worker 的设置 ${setting} 无效`);
      expect(await page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toBeNull();
      expect(await page.isVisible("#token")).toBe(true);
    });
  });

  /**
   * Handled marks and ages, on a stack of their own (the marks are state) under REMIND_AFTER_HOURS=2,48. To have
   * complaints old enough to be late without waiting, the first poll is fired with a `scheduledTime` three hours in
   * the past (`fireCronAt`), so the 15 fixtures' `first_seen_at` is three hours ago: past the first threshold (2 h),
   * short of the second. The second poll (`fireCron`, now) brings a complaint first seen now (too young to be late)
   * and marks one fixture gone (no longer active, so never late); a marked one is not late either. The page's red
   * class is compared, row by row, with what the served `first_seen_at`, `active`, `handled` and
   * `remind_after_hours` say, and then with other thresholds served through an intercepted `/api/status`, so the
   * page is seen to follow the Worker's setting rather than a number of its own.
   */
  describe("handling complaints, under REMIND_AFTER_HOURS=2,48 with the first poll 3 h ago", () => {
    let hs: DashboardStack;
    let hbase: string;
    const firstPoll = now - 3 * HOUR;
    const idOf = (i: number): string => String(fixtures[i]?.complaint_id);
    const freshId = "20269999000000000001";
    const note = "已电话回访，退款 ¥29.90 <b>已完成</b> & 结案";

    interface Served {
      id: string;
      mchid: string;
      active: boolean;
      first_seen_at: string;
      handled: { at: string; note: string } | null;
    }

    async function call(
      path: string,
      init: { method?: string; token?: string; body?: unknown } = {},
    ): Promise<{ status: number; body: any }> {
      const res = await fetch(`${hbase}${path}`, {
        method: init.method ?? "GET",
        headers: {
          authorization: `Bearer ${init.token ?? READ_TOKEN}`,
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      return { status: res.status, body: await res.json() };
    }

    /** Every complaint of the first merchant, as the API serves them, newest first. */
    async function served(): Promise<Served[]> {
      const { status, body } = await call(`/api/complaints?mchid=${M1}&limit=500`);
      expect(status).toBe(200);
      return body.complaints as Served[];
    }

    async function complaint(id: string): Promise<Served> {
      const { status, body } = await call(`/api/complaints/${id}?mchid=${M1}`);
      expect(status).toBe(200);
      return body.complaint as Served;
    }

    /** Marks (a note) or un-marks (null) through the API, as the admin. */
    async function setMark(id: string, markNote: string | null): Promise<void> {
      const { status, body } = await call(`/api/complaints/${id}/handled?mchid=${M1}`, {
        method: markNote === null ? "DELETE" : "PUT",
        token: ADMIN_TOKEN,
        ...(markNote === null ? {} : { body: { note: markNote } }),
      });
      expect(status, JSON.stringify(body)).toBe(200);
    }

    const handledOf = (page: Page, id: string): Promise<string | null> => page.getAttribute(`[data-complaint-id="${id}"]`, "data-handled");

    async function waitHandled(page: Page, id: string, value: "true" | "false"): Promise<void> {
      await page.locator(`[data-complaint-id="${id}"][data-handled="${value}"]`).waitFor();
    }

    /** The merchant's unhandled count as the status panel shows it. */
    const unhandledCell = (page: Page, mchid: string, label: string) =>
      page.locator("#status tr", { hasText: mchid }).locator(`td[data-label="${label}"]`);

    let secondPoll: Promise<void> | undefined;
    /** The second poll, at the real time: one complaint new (first seen now), one gone from PAYJS's list. */
    function pollAgain(): Promise<void> {
      secondPoll ??= (async () => {
        hs.sandbox.sandbox.addComplaint(M1, {
          complaint_id: freshId,
          complaint_at: beijingWallClock(Date.now()),
          out_trade_no: "SOFRESH0001",
          order_id: "20269999FRESH0001",
          total_fee: 1234,
          body: "刚收到的新投诉",
        });
        expect(hs.sandbox.sandbox.removeComplaint(M1, goneId)).toBe(1);
        await hs.fireCron();
      })();
      return secondPoll;
    }

    beforeAll(async () => {
      hs = await startDashboardStack({ secondName: SECOND_NAME, vars: { REMIND_AFTER_HOURS: "2,48" } });
      hbase = hs.worker.url;
      await hs.fireCronAt(firstPoll);
      // The Worker counts a complaint's age from the poll that first saw it: here, three hours ago.
      expect((await complaint(idOf(0))).first_seen_at).toBe(new Date(firstPoll).toISOString());
    });

    afterEach((context) => {
      if (context.task.result?.state === "fail" && hs !== undefined)
        console.error(`--- wrangler dev (handling) output ---\n${hs.worker.output()}`);
    });

    afterAll(async () => {
      await hs?.stop();
    });

    it("marks with a note through #handle as admin: row and detail follow without a reload; the mark survives a reload and a poll; #unhandle undoes it (zh, 1280 px)", async () => {
      const before = await served();
      expect(before.map((c) => c.id)).not.toContain(freshId);
      const { page } = await open({ base: hbase });
      await signIn(page, ADMIN_TOKEN);
      await waitRows(
        page,
        before.map((c) => c.id),
      );
      expect(await page.$$eval("[data-complaint-id]", (rows) => rows.map((r) => r.getAttribute("data-handled")))).toEqual(
        before.map(() => "false"),
      );
      await unhandledCell(page, M1, zh.unhandled).filter({ hasText: /^15$/ }).waitFor();
      await page.evaluate(() => {
        window.sameDocument = true; // gone after any full reload
      });

      const target = idOf(0);
      await page.click(`[data-complaint-id="${target}"] a`);
      await page.locator("#handle").waitFor();
      expect(await page.isVisible("#unhandle")).toBe(false);
      expect(await page.textContent("#detail-handled")).toBe(zh.unhandled);
      expect(await page.textContent("#handle")).toBe(zh.handle);
      expect(await page.textContent("label[for=handle-note]")).toBe(zh.noteLabel);
      expect(await page.getAttribute("#handle-note", "maxlength")).toBe("500");
      await page.fill("#handle-note", note);
      await page.click("#handle");
      await page.locator("#unhandle").waitFor();
      expect(await page.textContent("#unhandle")).toBe(zh.unhandle);
      expect(await page.isVisible("#handle")).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("unhandle");
      const mark = (await complaint(target)).handled;
      expect(mark).toMatchObject({ note });
      const shown = await page.innerText("#detail-handled");
      expect(shown).toContain(zh.handledAt.replace("{0}", beijingText(Date.parse(String(mark?.at)), true)));
      expect(shown).toContain(note); // as text: no <b> element made of it
      expect(await page.locator("#detail-handled b").count()).toBe(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
      await page.screenshot({ path: join(RESULTS, "dashboard-handled-1280.png"), fullPage: true });

      await page.click("#back");
      await waitHandled(page, target, "true");
      expect(await page.locator(`[data-complaint-id="${target}"] .badge.done`).textContent()).toBe(zh.handledBadge);
      expect(await page.evaluate(() => window.sameDocument)).toBe(true);
      // The panel's count follows too.
      await unhandledCell(page, M1, zh.unhandled).filter({ hasText: /^14$/ }).waitFor();

      await page.reload();
      await waitHandled(page, target, "true");

      // A poll after the mark: its new complaint arrives, and the mark stays as it was.
      await pollAgain();
      await page.click("#refresh");
      await page.locator(`[data-complaint-id="${freshId}"][data-handled="false"]`).waitFor();
      expect(await handledOf(page, target)).toBe("true");
      expect((await complaint(target)).handled).toEqual(mark);
      await page.goto(`${hbase}/#/complaints/${M1}/${target}`);
      await page.locator("#unhandle").waitFor();
      expect(await page.innerText("#detail-handled")).toContain(note);

      await page.click("#unhandle");
      await page.locator("#handle").waitFor();
      expect(await page.isVisible("#unhandle")).toBe(false);
      expect(await page.textContent("#detail-handled")).toBe(zh.unhandled);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("handle-note");
      expect((await complaint(target)).handled).toBeNull();
      await page.click("#back");
      await waitHandled(page, target, "false");
      expect(await page.locator(`[data-complaint-id="${target}"] .badge.done`).count()).toBe(0);
      await page.reload();
      await waitHandled(page, target, "false");
    });

    it("marks and undoes in English at 390 px, the detail and the row fitting the phone", async () => {
      const target = idOf(1);
      const { page } = await open({ base: hbase, locale: "en-US", width: 390 });
      await signIn(page, ADMIN_TOKEN);
      await page.locator("[data-complaint-id]").first().waitFor();
      await page.goto(`${hbase}/#/complaints/${M1}/${target}`);
      await page.locator("#handle").waitFor();
      expect(await page.textContent("#handle")).toBe(en.handle);
      expect(await page.textContent("label[for=handle-note]")).toBe(en.noteLabel);
      expect(await page.innerText("#detail-dl")).toContain(en.handling);
      expect(await page.textContent("#detail-handled")).toBe(en.unhandled);
      await page.fill("#handle-note", "Refunded in full; customer called back.");
      await page.click("#handle");
      await page.locator("#unhandle").waitFor();
      expect(await page.textContent("#unhandle")).toBe(en.unhandle);
      const shown = await page.innerText("#detail-handled");
      expect(shown).toMatch(pattern(en.handledAt));
      expect(shown).toContain("Refunded in full; customer called back.");
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(RESULTS, "dashboard-handled-390.png"), fullPage: true });

      await page.click("#back");
      await waitHandled(page, target, "true");
      expect(await page.locator(`[data-complaint-id="${target}"] .badge.done`).textContent()).toBe(en.handledBadge);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.click(`[data-complaint-id="${target}"] a`);
      await page.locator("#unhandle").waitFor();
      await page.click("#unhandle");
      await page.locator("#handle").waitFor();
      expect(await page.textContent("#detail-handled")).toBe(en.unhandled);
      await page.click("#back");
      await waitHandled(page, target, "false");
    });

    it("tells a read token that marking and undoing need the admin token (403), in both languages", async () => {
      const target = idOf(5);
      const marked = idOf(6);
      await setMark(marked, "由管理员标记");
      try {
        const { page, allow } = await open({ base: hbase });
        allow.push(/\b403\b/); // Chromium logs the refused answer itself
        await signIn(page);
        await page.locator("[data-complaint-id]").first().waitFor();
        await page.goto(`${hbase}/#/complaints/${M1}/${target}`);
        await page.locator("#handle").waitFor();
        await page.fill("#handle-note", "不应保存");
        await page.click("#handle");
        await waitMsg(page, pattern(zh.msgForbidden));
        expect(await page.isVisible("#handle")).toBe(true);
        expect(await page.isVisible("#unhandle")).toBe(false);
        expect(await page.textContent("#detail-handled")).toBe(zh.unhandled);
        expect(await page.inputValue("#handle-note")).toBe("不应保存"); // kept, to paste after signing in as admin
        expect((await complaint(target)).handled).toBeNull();
        // Still signed in: a 403 is no reason to forget the token.
        expect(await page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toBe(READ_TOKEN);
        await page.click("#lang");
        await waitMsg(page, pattern(en.msgForbidden));

        await page.goto(`${hbase}/#/complaints/${M1}/${marked}`);
        await page.locator("#unhandle").waitFor();
        await page.click("#unhandle");
        await waitMsg(page, pattern(en.msgForbidden));
        expect(await page.isVisible("#unhandle")).toBe(true);
        expect((await complaint(marked)).handled?.note).toBe("由管理员标记");
      } finally {
        await setMark(marked, null);
      }
    });

    it("filters unhandled and handled complaints with #f-handled, the choice kept in the address", async () => {
      const marked = idOf(3);
      await setMark(marked, "");
      try {
        const all = await served();
        const unhandled = all.filter((c) => c.handled === null).map((c) => c.id);
        expect(all.filter((c) => c.handled !== null).map((c) => c.id)).toEqual([marked]);
        const { page, requests } = await open({ base: hbase });
        await signIn(page);
        await waitRows(
          page,
          all.map((c) => c.id),
        );
        expect(await page.textContent("label[for=f-handled]")).toBe(zh.handling);

        await page.selectOption("#f-handled", "false");
        await waitRows(page, unhandled);
        expect(page.url()).toContain("handled=false");
        expect(requests.some((r) => r.url.includes("/api/complaints?handled=false"))).toBe(true);
        expect(new Set(await page.$$eval("[data-complaint-id]", (rows) => rows.map((r) => r.getAttribute("data-handled"))))).toEqual(
          new Set(["false"]),
        );

        await page.selectOption("#f-handled", "true");
        await waitRows(page, [marked]);
        expect(page.url()).toContain("handled=true");
        expect(await handledOf(page, marked)).toBe("true");
        await page.reload();
        await waitRows(page, [marked]);
        expect(await page.inputValue("#f-handled")).toBe("true");

        // With another filter, by address.
        await page.goto(`${hbase}/#/?active=true&handled=false`);
        await waitRows(
          page,
          all.filter((c) => c.active && c.handled === null).map((c) => c.id),
        );
        expect(await page.inputValue("#f-handled")).toBe("false");
        expect(await page.inputValue("#f-active")).toBe("true");

        await page.click("#clear");
        await waitRows(
          page,
          all.map((c) => c.id),
        );
        expect(await page.inputValue("#f-handled")).toBe("");
      } finally {
        await setMark(marked, null);
      }
    });

    it("shows each complaint's age, red past the first reminder (2 h) only while active and unhandled, in both languages", async () => {
      await pollAgain();
      const marked = idOf(9);
      await setMark(marked, "");
      try {
        expect((await call("/api/status")).body.remind_after_hours).toEqual([2, 48]);
        const all = await served();
        const late = (c: Served, hours: number): boolean =>
          c.active && c.handled === null && Date.now() - Date.parse(c.first_seen_at) >= hours * HOUR;
        const lateIds = all.filter((c) => late(c, 2)).map((c) => c.id);
        // Every fixture but the gone one and the marked one; not the complaint first seen now.
        expect(lateIds).toHaveLength(all.length - 3);
        for (const id of [freshId, goneId, marked]) expect(lateIds).not.toContain(id);

        const { page } = await open({ base: hbase });
        await signIn(page);
        await waitRows(
          page,
          all.map((c) => c.id),
        );
        const ages = () =>
          page.$$eval("[data-complaint-id]", (rows) =>
            rows.map((r) => {
              const age = r.querySelector(".age");
              return {
                id: r.getAttribute("data-complaint-id") as string,
                late: age?.classList.contains("late") === true,
                text: age?.firstChild?.textContent ?? null,
                title: age?.getAttribute("title") ?? null,
              };
            }),
          );
        const lateShown = async (): Promise<string[]> => (await ages()).filter((a) => a.late).map((a) => a.id);
        await page.waitForFunction((n) => document.querySelectorAll("#rows .age.late").length === n, lateIds.length);
        expect(await lateShown()).toEqual(lateIds);
        const shown = await ages();
        const byId = (id: string) => shown.find((a) => a.id === id);
        expect(byId(idOf(0))).toEqual({
          id: idOf(0),
          late: true,
          text: zh.ageHour.replace("{0}", "3"),
          title: zh.late.replace("{0}", "2"),
        });
        expect(byId(freshId)?.text).toMatch(new RegExp(`^(${zh.ageNow}|\\d+ 分钟前)$`));
        expect(byId(goneId)).toMatchObject({ late: false, text: zh.ageHour.replace("{0}", "3"), title: null });
        expect(byId(marked)).toMatchObject({ late: false, title: null });
        expect(await page.locator(`[data-complaint-id="${idOf(0)}"] .age`).innerText()).toContain(zh.late.replace("{0}", "2"));
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
        await page.screenshot({ path: join(RESULTS, "dashboard-ages-1280.png"), fullPage: true });

        // The detail shows the same.
        await page.click(`[data-complaint-id="${idOf(0)}"] a`);
        await page.locator("#detail-dl .age.late").waitFor();
        expect(await page.getAttribute("#detail-dl .age", "title")).toBe(zh.late.replace("{0}", "2"));
        await page.click("#back");
        await waitRows(
          page,
          all.map((c) => c.id),
        );

        await page.click("#lang");
        await page.waitForFunction(
          (want) => document.querySelector(`#rows .age.late`)?.getAttribute("title") === want,
          en.late.replace("{0}", "2"),
        );
        expect((await ages()).find((a) => a.id === idOf(0))?.text).toBe(en.ageHour.replace("{0}", "3"));
        expect((await ages()).find((a) => a.id === freshId)?.text).toMatch(new RegExp(`^(${en.ageNow}|\\d+ min ago)$`));
        await page.click("#lang");

        // The threshold is the Worker's: served as 4 h, a three-hour-old complaint is not late; as 3 h it is; as
        // none (REMIND_AFTER_HOURS empty), nothing is. And from 48 hours on, the age is in days.
        let remind: number[] = [4];
        let firstSeen: Record<string, string> = {};
        await page.route("**/api/**", async (route) => {
          const url = new URL(route.request().url());
          const headers = { ...route.request().headers() };
          delete headers["if-none-match"];
          const res = await route.fetch({ headers });
          const body = await res.json();
          if (url.pathname === "/api/status") body.remind_after_hours = remind;
          if (url.pathname === "/api/complaints")
            for (const c of body.complaints as Served[]) c.first_seen_at = firstSeen[c.id] ?? c.first_seen_at;
          await route.fulfill({ status: res.status(), contentType: "application/json", body: JSON.stringify(body) });
        });
        await page.click("#refresh");
        await page.waitForFunction(() => document.querySelectorAll("#rows .age.late").length === 0);
        expect(await page.locator("#rows .age").count()).toBe(all.length);

        remind = [3];
        await page.click("#refresh");
        await page.waitForFunction((n) => document.querySelectorAll("#rows .age.late").length === n, lateIds.length);
        expect(await lateShown()).toEqual(all.filter((c) => late(c, 3)).map((c) => c.id));

        remind = [];
        firstSeen = { [freshId]: new Date(Date.now() - 50 * HOUR).toISOString() };
        await page.click("#refresh");
        await page.waitForFunction(({ id, want }) => document.querySelector(`[data-complaint-id="${id}"] .age`)?.textContent === want, {
          id: freshId,
          want: zh.ageDay.replace("{0}", "2"),
        });
        expect(await page.locator("#rows .age.late").count()).toBe(0);
      } finally {
        await setMark(marked, null);
      }
    });

    it("shows each merchant's active and unhandled counts in the status panel (390 px, both languages)", async () => {
      const status = (await call("/api/status")).body as { merchants: Record<string, any>[] };
      const m1 = status.merchants.find((m) => m.mchid === M1);
      const m2 = status.merchants.find((m) => m.mchid === M2);
      const all = await served();
      const open1 = all.filter((c) => c.active && c.handled === null).length;
      expect(m1?.complaints_unhandled).toBe(open1);
      expect(m1?.complaints_active).toBe(all.filter((c) => c.active).length);

      const { page } = await open({ base: hbase, width: 390 });
      await signIn(page);
      await unhandledCell(page, M1, zh.unhandled)
        .filter({ hasText: new RegExp(`^${open1}$`) })
        .waitFor();
      expect(await page.locator("#status tr", { hasText: M1 }).locator(`td[data-label="${zh.counts}"]`).textContent()).toBe(
        `${m1?.complaints_active} / ${m1?.complaints_total}`,
      );
      expect(await unhandledCell(page, M2, zh.unhandled).textContent()).toBe(String(m2?.complaints_unhandled ?? 0));
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      const marked = idOf(10);
      await setMark(marked, "");
      try {
        await page.click("#refresh");
        await unhandledCell(page, M1, zh.unhandled)
          .filter({ hasText: new RegExp(`^${open1 - 1}$`) })
          .waitFor();
        await page.click("#lang");
        await unhandledCell(page, M1, en.unhandled)
          .filter({ hasText: new RegExp(`^${open1 - 1}$`) })
          .waitFor();
        expect(await page.locator("#status th", { hasText: en.unhandled }).count()).toBe(1);
        await page.locator("#status").screenshot({ path: join(RESULTS, "dashboard-status-390.png") });
      } finally {
        await setMark(marked, null);
      }
    });
  });

  describe("under RESPONSE_SIGNATURE=report, with answers that do not verify", () => {
    let sig: DashboardStack;
    const named = `${SECOND_NAME} (${M2})`;
    const fill = (template: string, who: string): string => template.replace("{0}", who);
    /** The scheme note's text before the scheme's name, e.g. "签名已校验（". */
    const schemeNote = (template: string): string => template.split("{0}")[0] as string;

    async function sandboxMode(mode: string, mchid?: string): Promise<void> {
      const res = await fetch(`${sig.sandbox.url}/__sandbox/mode`, { method: "POST", body: JSON.stringify({ mode, mchid }) });
      expect(res.status, await res.text()).toBe(200);
    }

    /** Signs in to the report Worker and waits for the status panel's merchant rows. */
    async function openStatus(locale?: string): Promise<Page> {
      const { page } = await open({ base: sig.worker.url, ...(locale === undefined ? {} : { locale }) });
      await signIn(page);
      await page.locator("#status tr", { hasText: M2 }).waitFor();
      await page.locator("#status tr", { hasText: M1 }).waitFor();
      return page;
    }

    beforeAll(async () => {
      sig = await startDashboardStack({ secondName: SECOND_NAME, secondHasFixtures: true, vars: { RESPONSE_SIGNATURE: "report" } });
      await sandboxMode("bad_sign", M2);
      await sig.fireCron();
    });

    afterEach((context) => {
      if (context.task.result?.state === "fail" && sig !== undefined)
        console.error(`--- wrangler dev (report) output ---\n${sig.worker.output()}`);
    });

    afterAll(async () => {
      await sig?.stop();
    });

    it("warns of the merchant whose answer's sign did not match, and of it only, in both languages", async () => {
      expect((await merchantStatus(sig.worker.url, M2)).signature).toEqual({ result: "mismatch", scheme: null });
      const verified = (await merchantStatus(sig.worker.url, M1)).signature;
      expect(verified.result).toBe("verified");

      const page = await openStatus();
      const warning = page.locator(`#status [data-signature-warning="${M2}"]`);
      await warning.waitFor();
      expect(await page.locator("[data-signature-warning]").count()).toBe(1);
      expect(await page.locator(`[data-signature-warning="${M1}"]`).count()).toBe(0);
      expect(await warning.textContent()).toBe(fill(zh.sigMismatch, named));
      expect(await warning.isVisible()).toBe(true);
      // The verified merchant's row names the scheme that verified it; the warned one's names none.
      expect(await page.locator("#status tr", { hasText: M1 }).innerText()).toContain(fill(zh.sigScheme, String(verified.scheme)));
      expect(await page.locator("#status tr", { hasText: M2 }).innerText()).not.toContain(schemeNote(zh.sigScheme));
      await page.locator("#status").screenshot({ path: join(RESULTS, "dashboard-signature-warning.png") });

      await page.click("#lang");
      await page.waitForFunction(
        (want) => document.querySelector("[data-signature-warning]")?.textContent === want,
        fill(en.sigMismatch, named),
      );
      expect(await page.locator("[data-signature-warning]").count()).toBe(1);
      expect(await page.getAttribute("[data-signature-warning]", "data-signature-warning")).toBe(M2);
      expect(await page.locator("#status tr", { hasText: M1 }).innerText()).toContain(fill(en.sigScheme, String(verified.scheme)));
    });

    it("warns of an unsigned answer, and drops the warning once an answer verifies again", async () => {
      await sandboxMode("unsigned", M2);
      await sig.fireCronAt(Date.now() + 10 * 60_000);
      expect((await merchantStatus(sig.worker.url, M2)).signature).toEqual({ result: "absent", scheme: null });

      const page = await openStatus("en-US");
      const warning = page.locator(`#status [data-signature-warning="${M2}"]`);
      await warning.waitFor();
      expect(await warning.textContent()).toBe(fill(en.sigAbsent, named));
      expect(await page.locator("[data-signature-warning]").count()).toBe(1);
      await page.click("#lang");
      await page.waitForFunction(
        (want) => document.querySelector("[data-signature-warning]")?.textContent === want,
        fill(zh.sigAbsent, named),
      );

      await sandboxMode("ok");
      await sig.fireCronAt(Date.now() + 20 * 60_000);
      expect((await merchantStatus(sig.worker.url, M2)).signature.result).toBe("verified");
      await page.click("#refresh");
      await page.waitForFunction(() => document.querySelectorAll("[data-signature-warning]").length === 0);
      expect(await page.locator("#status tr", { hasText: M2 }).innerText()).toContain(schemeNote(zh.sigScheme));
    });
  });
});
