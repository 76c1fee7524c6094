/**
 * The dashboard fits a phone (390 px, and 360 px) and a desktop (1280 px) without scrolling sideways, the list and
 * the chart shown, the complaints first and the status panel and chart after them; each is kept as a screenshot in
 * test-results/.
 *
 * Against the Worker under `wrangler dev` after two real cron ticks of the PAYJS sandbox (see startPolledStack in
 * test/support/dashboard.ts): the first merchant's 15 fixture complaints, one of them gone by the second tick; the
 * second merchant ("二号店") failing with an HTML 500 page. Seen with Debian's Chromium driven by playwright-core.
 */
import { join } from "node:path";
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { firstMerchant, type PageDocument, RESULTS, signIn, startPolledStack, useDashboard } from "./support/dashboard";

declare const document: PageDocument;

describe("the dashboard in Chromium: layout", () => {
  const now = Date.now();
  const { goneId } = firstMerchant(now);
  const rig = useDashboard(() => startPolledStack(now, goneId));

  for (const width of [390, 1280]) {
    it(`fits ${width} px, the complaints above the status panel and the chart, and is kept as a screenshot`, async () => {
      const { page } = await rig.ui.open({ width });
      await signIn(page);
      await page.goto(`${rig.base}/#/?size=8`);
      await page.locator("[data-complaint-id]").nth(7).waitFor();
      await page.locator("#chart-box svg").waitFor();
      await page.locator("#status tbody tr").first().waitFor();
      await page.evaluate(() => document.fonts.ready);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // The list first: its last row ends above the status panel and the chart begin.
      const box = async (locator: Locator) => {
        const b = await locator.boundingBox();
        if (b === null) throw new Error(`${String(locator)} is not shown`);
        return b;
      };
      const rows = page.locator("[data-complaint-id]");
      const lastRow = await box(rows.nth(7));
      const list = await box(page.locator("#list"));
      for (const after of ["#status", "#chart"]) expect((await box(page.locator(after))).y).toBeGreaterThanOrEqual(list.y + list.height);
      expect(lastRow.y + lastRow.height).toBeLessThanOrEqual(list.y + list.height);
      // Every row has its deadline cell; on a phone the countdown is on the first line, beside the time.
      expect(await rows.locator(".c-d").count()).toBe(8);
      if (width === 390) {
        const time = await box(rows.first().locator(".c-t"));
        const due = await box(rows.first().locator(".c-d"));
        expect(Math.abs(due.y - time.y)).toBeLessThan(8);
        expect(due.x).toBeGreaterThan(time.x + time.width);
      }
      await page.screenshot({ path: join(RESULTS, `dashboard-${width}.png`), fullPage: true });
      if (width === 390) {
        await page.setViewportSize({ width: 360, height: 800 });
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      }
    });
  }
});
