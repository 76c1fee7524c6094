/**
 * `npm run screenshot`: regenerates the README's pictures of the dashboard, `docs/dashboard-1280.png` and
 * `docs/dashboard-390.png`, from the sandbox data: the PAYJS sandbox with two merchants ("旗舰店" and
 * "二号店"; the first with its 15 fixture complaints), the real Worker under `wrangler dev` polling it through two cron
 * ticks (the first 30 hours ago, so the complaints are past the first reminder; one complaint is gone by the second;
 * one is then marked handled), and Debian's headless Chromium (`apt-get install chromium
 * fonts-noto-cjk`; `CHROMIUM_PATH` overrides /usr/bin/chromium) signed in with a read token.
 *
 * Usage: `npm run screenshot [-- --out DIR]` (default `docs/`).
 * @module
 */
import { mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import { ADMIN_TOKEN, launchChromium, READ_TOKEN, startDashboardStack } from "../test/support/browser";
import { PROJECT_ROOT } from "../test/support/wrangler-dev";

/** Rows per page in the pictures: enough to show the list, few enough to keep the files small. */
const PAGE_SIZE = 8;
const WIDTHS = [1280, 390] as const;

export async function takeScreenshots(outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const stack = await startDashboardStack({ firstName: "旗舰店", secondName: "二号店" });
  const written: string[] = [];
  try {
    // The first poll 30 hours ago: the complaints are past the first reminder (24 h), so their age shows red.
    await stack.fireCronAt(Date.now() - 30 * 3_600_000);
    // One complaint leaves PAYJS's list, so the pictures show a gone one too.
    const [first, second] = stack.sandbox.sandbox.getComplaints(SANDBOX_MERCHANT.mchid);
    stack.sandbox.sandbox.removeComplaint(SANDBOX_MERCHANT.mchid, String(second?.complaint_id));
    await stack.fireCron();
    // And one is marked handled, with a note.
    const mark = await fetch(`${stack.worker.url}/api/complaints/${String(first?.complaint_id)}/handled?mchid=${SANDBOX_MERCHANT.mchid}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ note: "已电话联系并退款" }),
    });
    if (!mark.ok) throw new Error(`marking a complaint handled: ${mark.status} ${await mark.text()}`);

    const browser = await launchChromium(["--lang=zh-CN"]);
    try {
      for (const width of WIDTHS) {
        const context = await browser.newContext({ viewport: { width, height: 900 }, locale: "zh-CN", colorScheme: "light" });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        page.on("console", (m) => {
          if (m.type() === "error") errors.push(m.text());
        });
        await page.goto(`${stack.worker.url}/`);
        await page.fill("#token", READ_TOKEN);
        await page.click("#signin");
        await page.locator("#status tbody tr").first().waitFor();
        await page.goto(`${stack.worker.url}/#/?size=${PAGE_SIZE}`);
        await page
          .locator("[data-complaint-id]")
          .nth(PAGE_SIZE - 1)
          .waitFor();
        await page.locator("#chart-box svg").waitFor();
        await page.evaluate("document.fonts.ready");
        await page.mouse.move(0, 0);
        const file = join(outDir, `dashboard-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        await context.close();
        if (errors.length > 0) throw new Error(`the page logged errors:\n${errors.join("\n")}`);
        written.push(file);
      }
    } finally {
      await browser.close();
    }
  } finally {
    await stack.stop();
  }
  return written;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const i = args.indexOf("--out");
  const outDir = resolve(i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : join(PROJECT_ROOT, "docs"));
  for (const file of await takeScreenshots(outDir)) {
    console.log(`${file} (${Math.round(statSync(file).size / 1024)} KB)`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
