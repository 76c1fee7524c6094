/**
 * The complaint list: active complaints (`active=true`) unless the person chooses 全部 or 已结束, soonest deadline
 * first (`sort=due`), `#sort` switching to newest first, in Beijing time and yuan; the 30-day chart drawn from one
 * `GET /api/daily`, never from the list; filtered by state, merchant and Beijing dates, searched, paged with the
 * API's cursor, and exported as CSV, every filter and the order kept in the address and every API call carrying the
 * token as a header.
 *
 * Against the Worker under `wrangler dev` after two real cron ticks of the PAYJS sandbox (see startPolledStack in
 * test/support/dashboard.ts): the first merchant's 15 fixture complaints, one of them gone by the second tick; the
 * second merchant ("二号店") failing with an HTML 500 page. Seen with Debian's Chromium driven by playwright-core.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { yuan } from "../src/domain/money";
import { READ_TOKEN } from "./support/browser";
import {
  api,
  CSV_HEADER,
  callApi,
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

interface DailyBody {
  days: { day: string; complaints: number; total_fee: number }[];
  updated_at: string | null;
}

/** The chart's summary line for these days, as the page writes it in Chinese. */
const chartSum = (days: DailyBody["days"]): string =>
  zh.chartSummary
    .replace("{0}", String(days.reduce((n, d) => n + d.complaints, 0)))
    .replace("{1}", yuan(days.reduce((n, d) => n + d.total_fee, 0)));

describe("the dashboard in Chromium: the complaint list", () => {
  const now = Date.now();
  const { fixtures, goneId } = firstMerchant(now);
  const rig = useDashboard(() => startPolledStack(now, goneId));

  it("signs in and lists the active complaints soonest deadline first, in Beijing time and yuan; #sort switches to newest first", async () => {
    const { page, requests } = await rig.ui.open();
    await signIn(page);
    const byDue = (await api(rig.base, "active=true&sort=due&limit=50")).complaints;
    const expected = byDue.map((c) => c.id);
    const newest = (await api(rig.base, "active=true&limit=50")).complaints.map((c) => c.id);
    // The gone complaint is not asked for: the page lists active complaints unless the person chooses others.
    expect(expected).toHaveLength(14);
    expect(expected).not.toContain(goneId);
    // The two orders differ, so the rows tell which one the page asked for.
    expect(expected).not.toEqual(newest);
    await waitRows(page, expected);
    expect(await page.inputValue("#sort")).toBe("due");
    expect(await page.inputValue("#f-active")).toBe("true");
    expect(await page.textContent("#f-active option:checked")).toBe(zh.active);
    expect(requests.some((r) => r.url.includes("/api/complaints?active=true&sort=due&"))).toBe(true);
    expect(page.url()).not.toContain("active=");
    // Each row carries its next_due, every active one has one.
    expect(await page.$$eval("[data-complaint-id]", (rows) => rows.map((r) => r.getAttribute("data-due")))).toEqual(
      byDue.map((c) => c.next_due ?? ""),
    );
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
    expect(await first.locator(".badge").first().textContent()).toBe("进行中");
    expect(await page.textContent("#range")).toMatch(/第 1–14 条，共 14 条/);
    await Promise.all([page.waitForRequest((r) => r.url().includes("/api/complaints?")), page.click("#refresh")]);
    await waitRows(page, expected);

    // Newest first, by #sort: kept in the address, through a reload; back to the default, which the address leaves out.
    await page.selectOption("#sort", "newest");
    await waitRows(page, newest);
    expect(page.url()).toContain("sort=newest");
    expect(requests.some((r) => r.url.includes("/api/complaints?active=true&sort=newest&"))).toBe(true);
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
    // Every list request asked for active complaints (none chose others).
    const lists = apiCalls.filter((r) => new URL(r.url).pathname === "/api/complaints");
    expect(lists.length).toBeGreaterThanOrEqual(4);
    for (const r of lists) expect(new URL(r.url).searchParams.get("active"), r.url).toBe("true");
  });

  it("draws the 30-day chart from one GET /api/daily (the chosen merchant's), not from the list", async () => {
    const { page, requests } = await rig.ui.open();
    const daily = () => requests.filter((r) => new URL(r.url).pathname === "/api/daily").map((r) => r.url);
    await signIn(page);
    await waitRows(
      page,
      (await api(rig.base, "active=true&sort=due&limit=50")).complaints.map((c) => c.id),
    );
    await page.locator("#chart-box svg").waitFor();
    const served = await callApi<DailyBody>(rig.base, "/api/daily");
    expect(served.status).toBe(200);
    const { days } = served.body;
    expect(days).toHaveLength(30);
    // The chart counts every complaint of its days, the gone one too, though the list shows only the active ones.
    const first = days[0]?.day;
    const last = days.at(-1)?.day;
    const inRange = (await api(rig.base, `since=${first}&until=${last}&limit=50`)).total;
    expect(days.reduce((n, d) => n + d.complaints, 0)).toBe(inRange);
    expect(inRange).toBeGreaterThan(0);
    await page.locator("#chart-sum", { hasText: chartSum(days) }).waitFor();
    expect(await page.locator("#chart-box svg rect").count()).toBe(30);
    expect(await page.$$eval("#chart-box svg title", (ts) => ts.map((t) => t.textContent))).toEqual(
      days.map((d) => zh.chartDay.replace("{0}", d.day).replace("{1}", String(d.complaints)).replace("{2}", yuan(d.total_fee))),
    );
    expect(await page.textContent("#chart-box .axis")).toContain(String(first).slice(5));
    // One request for the chart; the only list request is the list's own first page (no paging for the chart).
    expect(daily()).toEqual([`${rig.base}/api/daily`]);
    const lists = requests.filter((r) => new URL(r.url).pathname === "/api/complaints").map((r) => r.url);
    expect(lists).toEqual([`${rig.base}/api/complaints?active=true&sort=due&limit=50`]);

    // A merchant chosen: one more request, for that merchant; the state filter asks the chart for nothing.
    await Promise.all([page.waitForRequest((r) => r.url().includes(`/api/daily?mchid=${M1}`)), page.selectOption("#f-mchid", M1)]);
    const m1 = (await callApi<DailyBody>(rig.base, `/api/daily?mchid=${M1}`)).body.days;
    await page.locator("#chart-sum", { hasText: chartSum(m1) }).waitFor();
    await Promise.all([page.waitForRequest((r) => r.url().includes(`/api/daily?mchid=${M2}`)), page.selectOption("#f-mchid", M2)]);
    await page.locator("#chart-sum", { hasText: chartSum(days.map((d) => ({ ...d, complaints: 0, total_fee: 0 }))) }).waitFor();
    expect(await page.locator("#chart-box svg rect.zero").count()).toBe(30);
    await page.selectOption("#f-active", "all");
    await waitRows(page, []);
    expect(daily()).toEqual([`${rig.base}/api/daily`, `${rig.base}/api/daily?mchid=${M1}`, `${rig.base}/api/daily?mchid=${M2}`]);

    // The numbers are /api/daily's: made-up ones, served in its place, are what the chart draws.
    const madeUp = days.map((d, i) => ({
      day: d.day,
      complaints: i === 29 ? 7 : i === 3 ? 2 : 0,
      total_fee: i === 29 ? 12_345 : i === 3 ? 100 : 0,
    }));
    await page.route("**/api/daily*", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ days: madeUp, updated_at: null }) }),
    );
    await page.click("#refresh");
    await page.locator("#chart-sum", { hasText: "近 30 天共 9 件投诉，金额合计 ¥124.45" }).waitFor();
    expect(await page.locator("#chart-box svg rect.zero").count()).toBe(28);
    expect(await page.textContent("#chart-box .axis")).toContain(zh.chartMax.replace("{0}", "7"));
    expect(daily()).toHaveLength(4);
  });

  it("filters by state (active by default, 全部, 已结束), merchant and Beijing dates", async () => {
    const { page, requests } = await rig.ui.open();
    await signIn(page);
    const all = (await api(rig.base, "sort=due&limit=50")).complaints.map((c) => c.id);
    const active = (await api(rig.base, "active=true&sort=due&limit=50")).complaints.map((c) => c.id);
    expect(all).toHaveLength(15);
    expect(active).toEqual(all.filter((id) => id !== goneId));
    await waitRows(page, active);
    // 进行中 first, then 全部 and 已结束.
    expect(await page.$$eval("#f-active option", (os) => os.map((o) => o.textContent))).toEqual([zh.active, zh.any, zh.gone]);

    // 全部: the API asked without `active`, the gone complaint shown, the choice kept in the address and a reload.
    await page.selectOption("#f-active", "all");
    await waitRows(page, all);
    expect(page.url()).toContain("active=all");
    expect(requests.some((r) => r.url === `${rig.base}/api/complaints?sort=due&limit=50`)).toBe(true);
    // A complaint no longer in PAYJS's list is 已结束 (as the alert says 投诉已结束), beside its marks' 已处理 / 已回复;
    // it has no next_due and comes last.
    const gone = page.locator(`[data-complaint-id="${goneId}"]`);
    expect(await gone.locator(".badge").first().textContent()).toBe("已结束");
    expect(await gone.locator(".badge").first().getAttribute("title")).toBe(zh.goneHint);
    expect(await gone.getAttribute("data-due")).toBe("");
    expect(all.at(-1)).toBe(goneId);
    expect(await page.innerText("#rows")).not.toContain("已消失");
    expect(await page.textContent("#range")).toMatch(/第 1–15 条，共 15 条/);
    await page.reload();
    await waitRows(page, all);
    expect(await page.inputValue("#f-active")).toBe("all");

    await page.selectOption("#f-active", "false");
    await waitRows(page, [goneId]);
    expect(page.url()).toContain("active=false");
    expect(requests.some((r) => r.url.includes("/api/complaints?active=false&"))).toBe(true);
    await page.selectOption("#f-active", "true");
    await waitRows(page, active);
    expect(page.url()).not.toContain("active=");

    await page.selectOption("#f-mchid", M2);
    await waitRows(page, []);
    await waitMsg(page, pattern(zh.msgNoMatch));
    await page.selectOption("#f-mchid", M1);
    await waitRows(page, active);

    const since = String(fixtures[9]?.complaint_at).slice(0, 10);
    const until = String(fixtures[2]?.complaint_at).slice(0, 10);
    const expected = (await api(rig.base, `since=${since}&until=${until}&mchid=${M1}&active=true&sort=due&limit=50`)).complaints.map(
      (c) => c.id,
    );
    expect(expected.length).toBeGreaterThan(3);
    expect(expected.length).toBeLessThan(14);
    await page.fill("#f-since", since);
    await page.fill("#f-until", until);
    await waitRows(page, expected);
    expect(page.url()).toContain(`since=${since}`);

    // Clearing the filters goes back to the active complaints.
    await page.selectOption("#f-active", "all");
    await page.click("#clear");
    await waitRows(page, active);
    expect(await page.inputValue("#f-since")).toBe("");
    expect(await page.inputValue("#f-active")).toBe("true");
    expect(page.url()).not.toContain("active=");
  });

  it("searches with #q", async () => {
    const { page } = await rig.ui.open();
    await signIn(page);
    await page.locator("[data-complaint-id]").first().waitFor();
    const refund = (await api(rig.base, "q=退款&active=true&sort=due&limit=50")).complaints.map((c) => c.id);
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
    const all = (await api(rig.base, "active=true&sort=due&limit=50")).complaints.map((c) => c.id);
    await page.goto(`${rig.base}/#/?size=10`);
    await waitRows(page, all.slice(0, 10));
    expect(await page.textContent("#range")).toMatch(/第 1–10 条，共 14 条/);
    expect(await page.isDisabled("#prev")).toBe(true);
    await page.click("#next");
    await waitRows(page, all.slice(10));
    expect(await page.textContent("#range")).toMatch(/第 11–14 条，共 14 条/);
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
