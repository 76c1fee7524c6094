/**
 * A complaint's detail: opened by a click on its row, by the keyboard, and by its address (the one alerts link to),
 * focus going back to its row; and a complaint written as HTML shown as text, in the list and in the detail.
 *
 * Against the Worker under `wrangler dev` after two real cron ticks of the PAYJS sandbox (see startPolledStack in
 * test/support/dashboard.ts): the first merchant's 15 fixture complaints, one of them gone by the second tick; the
 * second merchant ("二号店") failing with an HTML 500 page. Seen with Debian's Chromium driven by playwright-core.
 */
import { describe, expect, it } from "vitest";
import {
  firstMerchant,
  M1,
  type PageDocument,
  type PageLocation,
  pattern,
  signIn,
  startPolledStack,
  useDashboard,
  waitMsg,
  zh,
} from "./support/dashboard";

declare const document: PageDocument, location: PageLocation;

describe("the dashboard in Chromium: a complaint's detail", () => {
  const now = Date.now();
  const { fixtures, goneId, xssId } = firstMerchant(now);
  const rig = useDashboard(() => startPolledStack(now, goneId));

  it("shows a complaint written as HTML as text, in the list and in its detail", async () => {
    const { page, dialogs } = await rig.ui.open();
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

  it("opens a detail by row click, by keyboard and by its address", async () => {
    const { page } = await rig.ui.open();
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
    // The gone complaint, listed once 全部 (all) is chosen.
    await page.selectOption("#f-active", "all");
    await page.focus(`[data-complaint-id="${goneId}"] a`);
    await page.keyboard.press("Enter");
    await page.waitForFunction((id) => location.hash.endsWith(`/${id}`), goneId);
    await dl.getByText(zh.gone).waitFor();

    // The address alerts link to, opened in a new tab of the signed-in browser.
    const second = fixtures[1] as Record<string, unknown>;
    const tab = await page.context().newPage();
    await tab.goto(`${rig.base}/#/complaints/${M1}/${String(second.complaint_id)}`);
    await tab.locator("#detail-dl").getByText(String(second.body)).waitFor();
    expect(await tab.textContent("#raw")).toContain('"refund_status": "PROCESSING"');
    await tab.goto(`${rig.base}/#/complaints/${M1}/no-such-id`);
    await waitMsg(tab, pattern(zh.msgNotFound));
    await tab.close();
    rig.ui.sessions[rig.ui.sessions.length - 1]?.allow.push(/404/); // Chromium logs the 404 answer itself
  });
});
