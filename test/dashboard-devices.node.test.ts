/**
 * A phone in WeChat: the admin adds a device in the dashboard (`#add-device`), whose sign-in QR code (`#device-qr`)
 * and link (`#device-link`, copied with `#device-copy` where WeChat has no Clipboard API) sign a fresh browser in
 * without a token; the code leaves the address and works once; a read device is offered no admin action; revoking
 * it in `#devices` signs the phone out at its next request, with WeChat's sign-in text.
 *
 * Against the Worker under `wrangler dev` after two real cron ticks of the PAYJS sandbox (see startPolledStack in
 * test/support/dashboard.ts), at 390 px with WeChat's user agent and `navigator.clipboard` removed. Seen with Debian's
 * Chromium driven by playwright-core; the dialog's picture goes to test-results/dashboard-device-qr-390.png.
 */
import { join } from "node:path";
import { encode } from "uqr";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN } from "./support/browser";
import {
  callApi,
  firstMerchant,
  type PageDocument,
  type PageStorage,
  pattern,
  RESULTS,
  signIn,
  startPolledStack,
  useDashboard,
  WECHAT_UA,
  waitMsg,
  zh,
} from "./support/dashboard";

declare const document: PageDocument & { addEventListener(type: "copy", listener: () => void): void };
declare const localStorage: PageStorage;
declare const navigator: { clipboard?: unknown };
declare const window: { copied?: string[] };

interface Devices {
  devices: { id: string; name: string; role: string; pending: boolean; last_seen_on: string | null }[];
}

/** The dark modules of a path drawn as the page draws the code (`M{x} {y}h{n}v1H{x}z` per run), as "x,y". */
function modulesOfPath(d: string): Set<string> {
  const dark = new Set<string>();
  for (const [, x, y, n] of d.matchAll(/M(\d+) (\d+)h(\d+)v1H\d+z/g)) for (let i = 0; i < Number(n); i++) dark.add(`${Number(x) + i},${y}`);
  return dark;
}

describe("the dashboard in Chromium: a phone in WeChat signed in by a device's code", () => {
  const now = Date.now();
  const { goneId } = firstMerchant(now);
  const rig = useDashboard(() => startPolledStack(now, goneId));
  const wechat = { width: 390, userAgent: WECHAT_UA, noClipboard: true };

  it("adds a device, signs the phone in by its link once (read: no admin actions), and signs it out when revoked", async () => {
    // The admin, in WeChat's browser too (no Clipboard API).
    const admin = await rig.ui.open(wechat);
    await signIn(admin.page, ADMIN_TOKEN);
    await admin.page.locator("#devices").waitFor();
    expect(await admin.page.evaluate(() => navigator.clipboard === undefined)).toBe(true);
    await admin.page.click("#add-device");
    await admin.page.fill("#device-name", "店长手机");
    await admin.page.selectOption("#device-role", "read");
    await admin.page.click("#device-create");
    await admin.page.locator("#device-qr").waitFor();

    // The QR code is the link's, module for module, as uqr encodes it; the link is the Worker's.
    const url = await admin.page.inputValue("#device-link");
    expect(url).toMatch(new RegExp(`^${rig.base}/#signin=[\\w-]{22,}$`));
    expect(await admin.page.getAttribute("#device-qr", "viewBox")).toMatch(/^0 0 \d+ \d+$/);
    const d = (await admin.page.getAttribute("#device-qr path", "d")) ?? "";
    const { data } = encode(url, { ecc: "M", border: 4 });
    const want = new Set(data.flatMap((row, y) => row.flatMap((on, x) => (on ? [`${x},${y}`] : []))));
    expect(want.size).toBeGreaterThan(200);
    expect(modulesOfPath(d)).toEqual(want);
    expect(await admin.page.textContent("#device-expires")).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d/);

    // Copied without the Clipboard API: the link selected and copied by execCommand.
    await admin.page.evaluate(() => {
      window.copied = [];
      document.addEventListener("copy", () => {
        const box = document.activeElement as unknown as { value: string; selectionStart: number; selectionEnd: number };
        window.copied?.push(box.value.slice(box.selectionStart, box.selectionEnd));
      });
    });
    await admin.page.click("#device-copy");
    await admin.page.locator("#device-msg").getByText(zh.copied).waitFor();
    expect(await admin.page.evaluate(() => window.copied)).toEqual([url]);
    await admin.page.screenshot({ path: join(RESULTS, "dashboard-device-qr-390.png") });
    await admin.page.click("#device-close");
    const row = admin.page.locator("#device-list tr", { hasText: "店长手机" });
    await row.getByText(zh.devicePending).waitFor();

    // The phone: a fresh browser opening the link is signed in, and the code is gone from its address.
    const phone = await rig.ui.open({ ...wechat, path: url.slice(rig.base.length) });
    await phone.page.locator("[data-complaint-id]").first().waitFor();
    expect(new URL(phone.page.url()).hash).toBe("#/");
    const code = url.slice(url.indexOf("=") + 1);
    expect(await phone.page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toMatch(/\S{20,}/);
    expect(await phone.page.evaluate(() => localStorage.getItem("payjs-watch.token"))).not.toBe(code);
    // The code went in the claim's body, never in an address the browser sends; the claim carried no token.
    expect(phone.requests.filter((r) => r.url.includes("/api/") && r.url.includes(code))).toEqual([]);
    expect(phone.requests.filter((r) => r.url.endsWith("/api/devices/claim"))).toEqual([
      { url: `${rig.base}/api/devices/claim`, authorization: undefined },
    ]);
    // A read device: no admin action anywhere.
    expect(await phone.page.isVisible("#devices")).toBe(false);
    await phone.page.locator("[data-complaint-id] a").first().click();
    await phone.page.locator("#detail-dl dd").first().waitFor();
    for (const id of ["replied", "handle", "check-order", "refund", "add-device"])
      expect(await phone.page.isVisible(`#${id}`), id).toBe(false);
    await phone.page.click("#back");

    // Used once: the same link in another fresh browser asks for a new code.
    const again = await rig.ui.open({ ...wechat, path: url.slice(rig.base.length) });
    again.allow.push(/\b400\b/); // Chromium logs the refused claim itself
    await waitMsg(again.page, pattern(zh.msgBadCode));
    expect(new URL(again.page.url()).hash).toBe("#/");
    expect(await again.page.isVisible("#token")).toBe(true);

    // The admin sees it signed in, and revokes it: the first press asks, the second revokes.
    const listed = await callApi<Devices>(rig.base, "/api/devices", { token: ADMIN_TOKEN });
    const device = listed.body.devices.find((x) => x.name === "店长手机");
    expect(device).toMatchObject({ role: "read", pending: false });
    await admin.page.click("#refresh");
    await row.getByText(zh.deviceIn).waitFor();
    await row.locator("button").click();
    expect(await row.locator("button").textContent()).toBe(zh.sure.replace("{0}", zh.revoke));
    expect((await callApi<Devices>(rig.base, "/api/devices", { token: ADMIN_TOKEN })).body.devices).toHaveLength(1);
    await row.locator("button").click();
    await row.waitFor({ state: "detached" });
    expect((await callApi<Devices>(rig.base, "/api/devices", { token: ADMIN_TOKEN })).body.devices).toEqual([]);

    // The phone's next request is refused: the sign-in screen, saying to scan a new code from the computer.
    phone.allow.push(/\b401\b/);
    await phone.page.click("#refresh");
    await waitMsg(phone.page, pattern(zh.msgWeChat));
    expect(await phone.page.textContent("#msg")).toContain(zh.msgBadToken);
    expect(await phone.page.isVisible("#token")).toBe(true);
    expect(await phone.page.isVisible("[data-complaint-id]")).toBe(false);
    expect(await phone.page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toBeNull();
  });

  it("tells WeChat's browser without a token to scan a new code from the computer", async () => {
    const { page, requests } = await rig.ui.open(wechat);
    await waitMsg(page, pattern(zh.msgWeChat));
    expect(await page.isVisible("#token")).toBe(true);
    expect(requests.filter((r) => r.url.includes("/api/"))).toEqual([]);
    // Elsewhere, the token as before.
    const other = await rig.ui.open({ width: 390 });
    await waitMsg(other.page, pattern(zh.msgNoToken));
    expect(await other.page.textContent("#msg")).not.toContain(zh.msgWeChat);
  });

  it("asks for a new code when the link's code is unknown, and a signed-in page leaves a good code for the phone", async () => {
    const { page, allow } = await rig.ui.open({ ...wechat, path: `/#signin=${"A".repeat(43)}` });
    allow.push(/\b400\b/);
    await waitMsg(page, pattern(zh.msgBadCode));
    expect(new URL(page.url()).hash).toBe("#/");
    await signIn(page, ADMIN_TOKEN);
    await page.locator("[data-complaint-id]").first().waitFor();
    const made = await callApi<{ code: string; url: string }>(rig.base, "/api/devices", {
      method: "POST",
      token: ADMIN_TOKEN,
      body: { name: "店员手机", role: "read" },
    });
    await page.goto(made.body.url.replace(/^https?:\/\/[^/]+/, rig.base));
    await waitMsg(page, pattern(zh.msgSigninHere));
    expect(new URL(page.url()).hash).toBe("#/");
    await page.locator("[data-complaint-id]").first().waitFor();
    expect(await page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toBe(ADMIN_TOKEN);
    // Not spent: the phone can still claim it.
    const claimed = await fetch(`${rig.base}/api/devices/claim`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: made.body.code }),
    });
    expect(claimed.status).toBe(200);
  });
});
