/**
 * The status panel's signature warnings: under RESPONSE_SIGNATURE=report the Worker stores answers whose `sign`
 * does not verify, and the page warns of each merchant whose last answer was signed wrongly (`mismatch`) or not at
 * all (`absent`), of that merchant only, in both languages, naming the scheme that verified the others (in Chinese
 * by a word a merchant understands, PHP SDK 方式 / 文档示例方式, the API's name in the title; in English by that
 * name); the warning goes once an answer verifies again.
 *
 * On a stack of its own: the PAYJS sandbox with both merchants' fixtures, the second merchant's answers signed with
 * another key (`bad_sign`), then unsigned, then signed right again, each state polled by a real cron tick of
 * `wrangler dev`. Seen with Debian's Chromium driven by playwright-core.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DashboardStack, startDashboardStack } from "./support/browser";
import {
  type DashboardBrowser,
  en,
  M1,
  M2,
  merchantStatus,
  type PageDocument,
  RESULTS,
  SECOND_NAME,
  signIn,
  startDashboardBrowser,
  zh,
} from "./support/dashboard";
import { MINUTE } from "./support/time";

declare const document: PageDocument;

describe("the dashboard in Chromium: under RESPONSE_SIGNATURE=report, with answers that do not verify", () => {
  let sig: DashboardStack;
  let ui: DashboardBrowser;
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
    const { page } = await ui.open({ base: sig.worker.url, ...(locale === undefined ? {} : { locale }) });
    await signIn(page);
    await page.locator("#status tr", { hasText: M2 }).waitFor();
    await page.locator("#status tr", { hasText: M1 }).waitFor();
    return page;
  }

  beforeAll(async () => {
    sig = await startDashboardStack({ secondName: SECOND_NAME, secondHasFixtures: true, vars: { RESPONSE_SIGNATURE: "report" } });
    await sandboxMode("bad_sign", M2);
    await sig.fireCron();
    ui = await startDashboardBrowser(sig.worker.url);
  });

  afterEach(async (context) => {
    const failed = context.task.result?.state === "fail";
    await ui?.closeSessions(failed);
    if (failed && sig !== undefined) console.error(`--- wrangler dev (report) output ---\n${sig.worker.output()}`);
  });

  afterAll(async () => {
    await ui?.close();
    await sig?.stop();
  });

  it("warns of the merchant whose answer's sign did not match, and of it only, in both languages", async () => {
    expect((await merchantStatus(sig.worker.url, M2)).signature).toEqual({
      result: "mismatch",
      scheme: null,
      checked_at: expect.any(String),
    });
    const verified = (await merchantStatus(sig.worker.url, M1)).signature;
    expect(verified.result).toBe("verified");

    const page = await openStatus();
    const warning = page.locator(`#status [data-signature-warning="${M2}"]`);
    await warning.waitFor();
    expect(await page.locator("[data-signature-warning]").count()).toBe(1);
    expect(await page.locator(`[data-signature-warning="${M1}"]`).count()).toBe(0);
    expect(await warning.textContent()).toBe(fill(zh.sigMismatch, named));
    expect(await warning.isVisible()).toBe(true);
    // The verified merchant's row names the scheme that verified it, in Chinese not by the API's name (that is in
    // the title); the warned one's names none.
    expect(verified.scheme).toBe("php-sdk");
    const m1Row = page.locator("#status tr", { hasText: M1 });
    expect(await m1Row.innerText()).toContain("签名已校验（PHP SDK 方式）");
    expect(await m1Row.innerText()).not.toContain("php-sdk");
    expect(await m1Row.locator(".hint").getAttribute("title")).toBe("php-sdk");
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
    await sig.fireCronAt(Date.now() + 10 * MINUTE);
    expect((await merchantStatus(sig.worker.url, M2)).signature).toEqual({
      result: "absent",
      scheme: null,
      checked_at: expect.any(String),
    });

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
    await sig.fireCronAt(Date.now() + 20 * MINUTE);
    expect((await merchantStatus(sig.worker.url, M2)).signature.result).toBe("verified");
    await page.click("#refresh");
    await page.waitForFunction(() => document.querySelectorAll("[data-signature-warning]").length === 0);
    expect(await page.locator("#status tr", { hasText: M2 }).innerText()).toContain(schemeNote(zh.sigScheme));
  });

  it("names the other scheme in words in Chinese and by its name in English", async () => {
    await sandboxMode("sign_raw_key", M2); // the second merchant's key holds + and %: the schemes differ
    try {
      await sig.fireCronAt(Date.now() + 30 * MINUTE);
      expect((await merchantStatus(sig.worker.url, M2)).signature).toMatchObject({ result: "verified", scheme: "raw-key" });
      const page = await openStatus();
      const scheme = page.locator("#status tr", { hasText: M2 }).locator(".hint");
      await scheme.filter({ hasText: "签名已校验（文档示例方式）" }).waitFor();
      expect(await scheme.getAttribute("title")).toBe("raw-key");
      expect(await page.locator("#status tr", { hasText: M1 }).innerText()).toContain(fill(zh.sigScheme, zh.schemePhp));
      expect(await page.locator("[data-signature-warning]").count()).toBe(0);
      await page.click("#lang");
      await scheme.filter({ hasText: fill(en.sigScheme, "raw-key") }).waitFor();
    } finally {
      await sandboxMode("ok");
    }
  });
});
