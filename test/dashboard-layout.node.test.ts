/**
 * The dashboard fits a phone (390 px, and 360 px) and a desktop (1280 px) without scrolling sideways, the list and
 * the chart shown; each is kept as a screenshot in test-results/.
 *
 * Against the Worker under `wrangler dev` after two real cron ticks of the PAYJS sandbox (see startPolledStack in
 * test/support/dashboard.ts): the first merchant's 15 fixture complaints, one of them gone by the second tick; the
 * second merchant ("二号店") failing with an HTML 500 page. Seen with Debian's Chromium driven by playwright-core.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstMerchant, type PageDocument, RESULTS, signIn, startPolledStack, useDashboard } from "./support/dashboard";

declare const document: PageDocument;

describe("the dashboard in Chromium: layout", () => {
  const now = Date.now();
  const { goneId } = firstMerchant(now);
  const rig = useDashboard(() => startPolledStack(now, goneId));

  for (const width of [390, 1280]) {
    it(`fits ${width} px and is kept as a screenshot`, async () => {
      const { page } = await rig.ui.open({ width });
      await signIn(page);
      await page.goto(`${rig.base}/#/?size=8`);
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
});
