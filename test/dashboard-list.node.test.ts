/**
 * The complaint list: soonest deadline first (`sort=due`), `#sort` switching to newest first, in Beijing time and
 * yuan, with a 30-day chart; filtered by state, merchant and Beijing dates, searched, paged with the API's cursor,
 * and exported as CSV, every filter and the order kept in the address and every API call carrying the token as a
 * header.
 *
 * Against the Worker under `wrangler dev` after two real cron ticks of the PAYJS sandbox (see startPolledStack in
 * test/support/dashboard.ts): the first merchant's 15 fixture complaints, one of them gone by the second tick; the
 * second merchant ("二号店") failing with an HTML 500 page. Seen with Debian's Chromium driven by playwright-core.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { READ_TOKEN } from "./support/browser";
import {
  api,
  CSV_HEADER,
  firstMerchant,
  M1,
  M2,
  type PageStorage,
  pattern,
  signIn,
  startPolledStack,
  useDashboard,
  waitMsg,
  waitRows,
  zh,
} from "./support/dashboard";

declare const localStorage: PageStorage;

describe("the dashboard in Chromium: the complaint list", () => {
  const now = Date.now();
  const { fixtures, goneId } = firstMerchant(now);
  const rig = useDashboard(() => startPolledStack(now, goneId));

  it("signs in and lists the complaints soonest deadline first, in Beijing time and yuan; #sort switches to newest first", async () => {
    const { page, requests } = await rig.ui.open();
    await signIn(page);
    const byDue = (await api(rig.base, "sort=due&limit=50")).complaints;
    const expected = byDue.map((c) => c.id);
    const newest = (await api(rig.base, "limit=50")).complaints.map((c) => c.id);
    expect(expected).toHaveLength(15);
    // The two orders differ, so the rows tell which one the page asked for.
    expect(expected).not.toEqual(newest);
    await waitRows(page, expected);
    expect(await page.inputValue("#sort")).toBe("due");
    expect(requests.some((r) => r.url.includes("/api/complaints?sort=due&"))).toBe(true);
    // Each row carries its next_due; the gone complaint has none and comes last.
    expect(await page.$$eval("[data-complaint-id]", (rows) => rows.map((r) => r.getAttribute("data-due")))).toEqual(
      byDue.map((c) => c.next_due ?? ""),
    );
    expect(await page.getAttribute(`[data-complaint-id="${goneId}"]`, "data-due")).toBe("");
    expect(expected.at(-1)).toBe(goneId);
    const dues = byDue.flatMap((c) => (c.next_due ? [Date.parse(c.next_due)] : []));
    expect(dues).toHaveLength(14);
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
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
    // A complaint no longer in PAYJS's list is 已结束 (as the alert says 投诉已结束), beside its marks' 已处理 / 已回复.
    const gone = page.locator(`[data-complaint-id="${goneId}"]`);
    expect(await gone.locator(".badge").first().textContent()).toBe("已结束");
    expect(await gone.locator(".badge").first().getAttribute("title")).toBe(zh.goneHint);
    expect(await first.locator(".badge").first().textContent()).toBe("进行中");
    expect(await page.innerText("#rows")).not.toContain("已消失");
    expect(await page.textContent("#range")).toMatch(/第 1–15 条，共 15 条/);
    await Promise.all([page.waitForRequest((r) => r.url().includes("/api/complaints?")), page.click("#refresh")]);
    await waitRows(page, expected);

    // Newest first, by #sort: kept in the address, through a reload; back to the default, which the address leaves out.
    await page.selectOption("#sort", "newest");
    await waitRows(page, newest);
    expect(page.url()).toContain("sort=newest");
    expect(requests.some((r) => r.url.includes("/api/complaints?sort=newest&"))).toBe(true);
    await page.reload();
    await waitRows(page, newest);
    expect(await page.inputValue("#sort")).toBe("newest");
    await page.selectOption("#sort", "due");
    await waitRows(page, expected);
    expect(page.url()).not.toContain("sort=");
    // Every API call carried the token in the header.
    const apiCalls = requests.filter((r) => r.url.includes("/api/"));
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const r of apiCalls) expect(r.authorization).toBe(`Bearer ${READ_TOKEN}`);
    // The chart: one bar per day for 30 days, with the total in yuan.
    expect(await page.locator("#chart-box svg rect").count()).toBe(30);
    expect(await page.textContent("#chart-sum")).toMatch(/近 30 天共 \d+ 件投诉，金额合计 ¥\d+\.\d\d/);
  });

  it("filters by state, merchant and Beijing dates", async () => {
    const { page } = await rig.ui.open();
    await signIn(page);
    const all = (await api(rig.base, "sort=due&limit=50")).complaints.map((c) => c.id);
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
    const expected = (await api(rig.base, `since=${since}&until=${until}&mchid=${M1}&sort=due&limit=50`)).complaints.map((c) => c.id);
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
    const { page } = await rig.ui.open();
    await signIn(page);
    await page.locator("[data-complaint-id]").first().waitFor();
    const refund = (await api(rig.base, "q=退款&sort=due&limit=50")).complaints.map((c) => c.id);
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
    const { page } = await rig.ui.open();
    await signIn(page);
    await page.locator("[data-complaint-id]").first().waitFor();
    const all = (await api(rig.base, "sort=due&limit=50")).complaints.map((c) => c.id);
    await page.goto(`${rig.base}/#/?size=10`);
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

  it("exports the filtered list as CSV, the token sent as a header", async () => {
    const { page, requests } = await rig.ui.open();
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
    expect(csvCall?.url).toBe(`${rig.base}/api/complaints.csv?active=false`);
    expect(csvCall?.authorization).toBe(`Bearer ${READ_TOKEN}`);
  });
});
