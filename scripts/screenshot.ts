/**
 * `npm run screenshot`: regenerates the pictures of the dashboard (README, docs/dashboard.md), `docs/dashboard-1280.png`
 * and `docs/dashboard-390.png`, from the sandbox data: the PAYJS sandbox with two merchants ("旗舰店" and
 * "二号店"; the first with its 15 fixture complaints and four more made 3, 16, 20 and 23¼ hours ago, so the
 * pictures show a countdown of each colour), the real Worker under `wrangler dev` polling it through two cron ticks (the first
 * an hour ago; one complaint is gone by the second), then the older fixtures marked handled, as a merchant keeping up
 * would have, one complaint marked replied and one handled with a note; and Debian's headless Chromium
 * (`apt-get install chromium fonts-noto-cjk`; `CHROMIUM_PATH` overrides /usr/bin/chromium) signed in with a read
 * token, showing the default list: soonest deadline first, then the status panel and the chart.
 *
 * Then, at 390 px, `docs/dashboard-timeline.png` and `docs/dashboard-device-qr.png`, on a stack of their own with a
 * WeCom channel (a local receiver answering as WeCom does) and `PUBLIC_URL` (the address a sign-in link shows): after one tick, whose new-complaint alerts it delivered,
 * a phone added as a device ("店长手机") marks a complaint replied with a note; the admin opens that complaint (its
 * history: first seen, the alert delivered, the mark and who set it), then adds another device (its sign-in QR code).
 *
 * Usage: `npm run screenshot [-- --out DIR]` (default `docs/`).
 * @module
 */
import { mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { beijingText } from "../sandbox/fixtures";
import { SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import { ADMIN_TOKEN, type DashboardStack, launchChromium, READ_TOKEN, startDashboardStack } from "../test/support/browser";
import { startReceiverServer } from "../test/support/receiver-server";
import { PROJECT_ROOT } from "../test/support/wrangler-dev";

/** Rows per page in the pictures: enough to show the list, few enough to keep the files small. */
const PAGE_SIZE = 8;
const WIDTHS = [1280, 390] as const;
const HOUR = 3_600_000;
const MCHID = SANDBOX_MERCHANT.mchid;
/** The id of the `i`th complaint the pictures add to the fixtures. */
const planted = (i: number): string => `2026${MCHID.slice(-4)}9000000${i}`;

/** Sets a complaint's `replied` or `handled` mark, as the admin (or with a device's `token`). */
async function mark(stack: DashboardStack, kind: "replied" | "handled", id: string, note: string, token = ADMIN_TOKEN): Promise<void> {
  const res = await fetch(`${stack.worker.url}/api/complaints/${encodeURIComponent(id)}/${kind}?mchid=${MCHID}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ note }),
  });
  if (!res.ok) throw new Error(`marking ${id} ${kind}: ${res.status} ${await res.text()}`);
}

/** The sandbox's data as the pictures show it, polled twice and marked. */
async function prepare(stack: DashboardStack): Promise<void> {
  const sandbox = stack.sandbox.sandbox;
  const fixtures = sandbox.getComplaints(MCHID).map((c) => String(c.complaint_id ?? ""));
  const now = Date.now();
  for (const [i, hours, body] of [
    [1, 3, "下单后页面一直显示处理中"],
    [2, 16, "优惠券没有抵扣，多付了 10 元"],
    [3, 20, "会员到期后仍被扣费"],
    [4, 23.25, "买错了规格，申请退款"],
  ] as const) {
    sandbox.addComplaint(MCHID, {
      complaint_id: planted(i),
      complaint_at: beijingText(now - hours * HOUR),
      out_trade_no: `SO${MCHID.slice(-4)}9000${i}`,
      order_id: `${beijingText(now - hours * HOUR).replace(/\D/g, "")}${MCHID.slice(-4)}900000${i}`,
      total_fee: [1990, 4900, 2500, 15800][i - 1],
      body,
    });
  }
  await stack.fireCronAt(now - HOUR);
  // One complaint leaves PAYJS's list, so the pictures show a gone one too.
  sandbox.removeComplaint(MCHID, String(fixtures[7]));
  await stack.fireCron();
  // The complaints older than three days were dealt with; one is answered and waits to be finished; one is done.
  for (const id of fixtures.slice(4)) if (id !== fixtures[7] && id !== "") await mark(stack, "handled", id, "已在商户平台处理完毕");
  await mark(stack, "replied", planted(2), "已在微信支付商家助手回复，等待用户确认");
  await mark(stack, "handled", String(fixtures[0]), "已电话联系并退款");
}

/** A request to the Worker as the admin (no token for the claim), its JSON answer; throws unless it is a 2xx. */
async function call<T>(stack: DashboardStack, path: string, body: unknown, token: string | null = ADMIN_TOKEN): Promise<T> {
  const res = await fetch(`${stack.worker.url}${path}`, {
    method: "POST",
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A page at 390 px signed in as the admin, failing on any console error. */
async function adminPage(browser: Browser, base: string): Promise<{ page: Page; done: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "zh-CN", colorScheme: "light" });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto(`${base}/`);
  await page.fill("#token", ADMIN_TOKEN);
  await page.click("#signin");
  await page.locator("#devices").waitFor();
  return {
    page,
    async done() {
      await context.close();
      if (errors.length > 0) throw new Error(`the page logged errors:\n${errors.join("\n")}`);
    },
  };
}

/** `dashboard-timeline.png` and `dashboard-device-qr.png` (see the module's comment). */
async function takeDevicePictures(outDir: string): Promise<string[]> {
  const receiver = await startReceiverServer();
  const channels = [{ type: "wecom", url: `${receiver.url}/wecom?key=SCREENSHOT` }];
  const stack = await startDashboardStack({
    firstName: "旗舰店",
    vars: { PUBLIC_URL: "https://watch.example.com", NOTIFY_CHANNELS: JSON.stringify(channels) },
  });
  const written: string[] = [];
  try {
    await stack.fireCron();
    const id = String(stack.sandbox.sandbox.getComplaints(MCHID)[0]?.complaint_id);
    const { code } = await call<{ code: string }>(stack, "/api/devices", { name: "店长手机", role: "admin" });
    const { token } = await call<{ token: string }>(stack, "/api/devices/claim", { code }, null);
    await mark(stack, "replied", id, "已电话联系用户，等待确认", token);
    const browser = await launchChromium(["--lang=zh-CN"]);
    try {
      const timeline = await adminPage(browser, stack.worker.url);
      await timeline.page.goto(`${stack.worker.url}/#/complaints/${MCHID}/${id}`);
      await timeline.page.locator("#timeline li[data-kind=replied]").waitFor();
      await timeline.page.evaluate("document.fonts.ready");
      const file = join(outDir, "dashboard-timeline.png");
      await timeline.page.locator("#timeline").scrollIntoViewIfNeeded();
      await timeline.page.screenshot({ path: file });
      await timeline.done();
      written.push(file);

      const qr = await adminPage(browser, stack.worker.url);
      await qr.page.click("#add-device");
      await qr.page.fill("#device-name", "收银台手机");
      await qr.page.click("#device-create");
      await qr.page.locator("#device-qr").waitFor();
      await qr.page.evaluate("document.fonts.ready");
      const qrFile = join(outDir, "dashboard-device-qr.png");
      await qr.page.screenshot({ path: qrFile });
      await qr.done();
      written.push(qrFile);
    } finally {
      await browser.close();
    }
  } finally {
    await stack.stop();
    await receiver.close();
  }
  return written;
}

export async function takeScreenshots(outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const stack = await startDashboardStack({ firstName: "旗舰店", secondName: "二号店" });
  const written: string[] = [];
  try {
    await prepare(stack);
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
  written.push(...(await takeDevicePictures(outDir)));
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
