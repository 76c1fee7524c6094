/**
 * The status panel and what the page says to do: a failing upstream named with its error and its count of failed
 * polls, each merchant's overdue complaints and next deadline, and, for states this stack cannot be in (answers shaped as docs/api.md gives them, served
 * through an intercepted API), a Worker without a token, with a bad setting, out of reach or not yet polled, and
 * the alert channels' deliveries.
 *
 * Against the Worker under `wrangler dev` after two real cron ticks of the PAYJS sandbox (see startPolledStack in
 * test/support/dashboard.ts): the first merchant's 15 fixture complaints, one of them gone by the second tick; the
 * second merchant ("二号店") failing with an HTML 500 page. Seen with Debian's Chromium driven by playwright-core.
 */
import { describe, expect, it } from "vitest";
import { beijingText } from "../src/domain/time";
import {
  api,
  en,
  firstMerchant,
  M1,
  M2,
  merchantStatus,
  type PageDocument,
  type PageStorage,
  pattern,
  rowIds,
  SECOND_NAME,
  signIn,
  startPolledStack,
  useDashboard,
  waitMsg,
  zh,
} from "./support/dashboard";

declare const document: PageDocument, localStorage: PageStorage;

describe("the dashboard in Chromium: the status panel and what to do", () => {
  const now = Date.now();
  const { goneId } = firstMerchant(now);
  const rig = useDashboard(() => startPolledStack(now, goneId));

  it("shows the failing upstream in the status panel and says what to do", async () => {
    const { page } = await rig.ui.open();
    await signIn(page);
    const status = page.locator("#status");
    await status.getByText(SECOND_NAME, { exact: false }).waitFor();
    const failing = status.locator("tr.bad");
    expect(await failing.count()).toBe(1);
    const text = await failing.innerText();
    expect(text).toContain(`${SECOND_NAME} (${M2})`);
    expect(text).toContain("http_status: PAYJS answered HTTP 500");
    expect(text).toMatch(/\b2\b/); // two failed polls in a row
    const healthyRow = status.locator("tr", { hasText: M1 }).first();
    const healthy = await healthyRow.innerText();
    // No error: "无" (nothing wrong) under the error label, not 正常.
    expect(await healthyRow.locator(`td[data-label="${zh.lastError}"]`).textContent()).toBe("无");
    expect(await failing.locator(`td[data-label="${zh.lastError}"]`).textContent()).toContain("http_status");
    expect(healthy).toContain("14 / 15");
    expect(await page.innerText("#status-h")).toBe("查询状态");
    const msg = await waitMsg(page, /二号店 \(1500000002\) 的 PAYJS 查询失败（连续 2 次）/);
    expect(msg).toContain("http_status");
    // The healthy merchant's answers verified, the failing one's were never checked: no signature warning.
    expect(await status.locator("[data-signature-warning]").count()).toBe(0);
    const scheme = (await merchantStatus(rig.base, M1)).signature.scheme;
    expect(scheme).toBe("php-sdk");
    // In Chinese the scheme is a word a merchant understands; the API's name stays in the title.
    expect(healthy).toContain("签名已校验（PHP SDK 方式）");
    expect(healthy).not.toContain("php-sdk");
    expect(await healthyRow.locator(".hint").getAttribute("title")).toBe("php-sdk");
  });

  it("shows each merchant's overdue complaints and next deadline, in both languages", async () => {
    const m1 = await merchantStatus(rig.base, M1);
    const overdue = (await api(rig.base, `mchid=${M1}&overdue=true&limit=50`)).complaints;
    expect(m1.complaints_overdue).toBe(overdue.length);
    // The fixtures span 30 days: the older ones are past both deadlines.
    expect(overdue.length).toBeGreaterThan(5);
    // The next deadline still ahead: the earliest next_due not passed.
    const ahead = (await api(rig.base, `mchid=${M1}&overdue=false&sort=due&limit=50`)).complaints.flatMap((c) => c.next_due ?? []);
    expect(m1.next_due_at ?? null).toBe(ahead[0] ?? null);
    const { page } = await rig.ui.open({ width: 390 });
    await signIn(page);
    const cellOf = (mchid: string, label: string) => page.locator("#status tr", { hasText: mchid }).locator(`td[data-label="${label}"]`);
    await cellOf(M1, zh.overdueYes)
      .filter({ hasText: new RegExp(`^${overdue.length}$`) })
      .waitFor();
    expect(await cellOf(M1, zh.overdueYes).getAttribute("class")).toContain("late");
    expect(await cellOf(M1, zh.nextDue).textContent()).toBe(m1.next_due_at ? beijingText(Date.parse(m1.next_due_at)) : "—");
    // The failing merchant has no complaint: nothing overdue, nothing due.
    expect(await cellOf(M2, zh.overdueYes).textContent()).toBe("0");
    expect(await cellOf(M2, zh.overdueYes).getAttribute("class")).not.toContain("late");
    expect(await cellOf(M2, zh.nextDue).textContent()).toBe("—");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.click("#lang");
    await cellOf(M1, en.overdueYes)
      .filter({ hasText: new RegExp(`^${overdue.length}$`) })
      .waitFor();
    expect(await page.locator("#status th", { hasText: en.nextDue }).count()).toBe(1);
  });

  it("says what to do when the Worker has no token, a bad setting, no network or no poll yet, and shows alert channels", async () => {
    const { page, allow } = await rig.ui.open();
    allow.push(/\b50[03]\b|net::ERR_FAILED/); // Chromium logs the failed answers itself
    // The API's answers, shaped as docs/api.md gives them, for states this stack cannot be in.
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
    expect(status).toContain("提醒渠道");
    expect(status).not.toMatch(/告警|通道|轮询/);
    const channel = await page.locator("#status tr", { hasText: "ops" }).innerText();
    for (const s of ["wecom", "2026-11-27 16:00", "http_status: HTTP 502 · 2026-11-27 16:30", "2", "1"]) expect(channel).toContain(s);
    expect(await rowIds(page)).toEqual([]);
  });
});
