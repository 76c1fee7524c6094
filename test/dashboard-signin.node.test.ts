/**
 * Signing in to the dashboard and out of it, and the language it speaks: the page asks for a token and loads no
 * data without one, refuses a wrong one, keeps the right one in localStorage (never in an address) until signed
 * out, and follows the browser's language until the toggle says otherwise.
 *
 * Against the Worker under `wrangler dev` after two real cron ticks of the PAYJS sandbox (see startPolledStack in
 * test/support/dashboard.ts): the first merchant's 15 fixture complaints, one of them gone by the second tick; the
 * second merchant ("二号店") failing with an HTML 500 page. Seen with Debian's Chromium driven by playwright-core.
 */
import { describe, expect, it } from "vitest";
import {
  en,
  firstMerchant,
  type PageStorage,
  pattern,
  rowIds,
  signIn,
  startPolledStack,
  useDashboard,
  waitMsg,
  zh,
} from "./support/dashboard";

declare const localStorage: PageStorage;

describe("the dashboard in Chromium: signing in and out, and its language", () => {
  const now = Date.now();
  const { goneId } = firstMerchant(now);
  const rig = useDashboard(() => startPolledStack(now, goneId));

  it("asks for a token, loads no data without one, and rejects a wrong one", async () => {
    const { page, requests, allow } = await rig.ui.open();
    await waitMsg(page, pattern(zh.msgNoToken));
    expect(await page.getAttribute("#msg", "role")).toBe("alert");
    // The two tokens npm run setup prints, by their names: no "API 令牌".
    expect(await page.textContent("label[for=token]")).toBe("只读令牌或管理令牌");
    expect(await page.textContent("#token-hint")).toContain("npm run setup");
    expect(await page.innerText("#login")).not.toContain("API 令牌");
    expect(await page.textContent("#msg")).toContain("只读令牌或管理令牌");
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

  it("speaks English when the browser prefers it, and switches with the toggle", async () => {
    const { page } = await rig.ui.open({ locale: "en-US" });
    await waitMsg(page, pattern(en.msgNoToken));
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.textContent("#signin")).toBe(en.signin);
    expect(await page.textContent("label[for=token]")).toBe(en.tokenLabel);
    await signIn(page);
    await page.locator("[data-complaint-id]").first().waitFor();
    // The active complaints, by default: the gone one is not listed.
    expect(await page.textContent("#range")).toMatch(/1–14 of 14/);
    expect(await page.locator(`[data-complaint-id="${goneId}"]`).count()).toBe(0);
    expect(await page.locator("[data-complaint-id]").first().innerText()).toContain(en.active);
    expect(await page.$$eval("#f-active option", (os) => os.map((o) => o.textContent))).toEqual([en.active, en.any, en.gone]);
    expect(await page.textContent("#status")).toContain(en.lastSuccess);

    await page.click("#lang");
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.textContent("#signout")).toBe(zh.signout);
    expect(await page.textContent("#status")).toContain(zh.lastSuccess);
    expect(await page.textContent("#range")).toMatch(/第 1–14 条/);
    expect(await page.textContent("#f-active option:checked")).toBe(zh.active);
    expect(await page.getAttribute("#q", "placeholder")).toBe(zh.searchHint);
    await page.reload();
    await page.locator("[data-complaint-id]").first().waitFor();
    expect(await page.textContent("#signout")).toBe(zh.signout);
  });

  it("signs out and forgets the token", async () => {
    const { page } = await rig.ui.open();
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
});
