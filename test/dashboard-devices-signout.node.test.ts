/**
 * Devices when things go wrong (found in review): a revoked phone reopening the page, an admin device revoked
 * elsewhere pressing revoke, the last sign-in link after sign-out, and the devices panel after a language switch.
 * Against the Worker under `wrangler dev`, with Debian's Chromium.
 */
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, startDashboardStack } from "./support/browser";
import { callApi, en, type PageStorage, pattern, signIn, useDashboard, WECHAT_UA, waitMsg, zh } from "./support/dashboard";

declare const localStorage: PageStorage;

describe("the dashboard's devices when a token is refused, after sign-out and in English", () => {
  const rig = useDashboard(() => startDashboardStack());

  async function device(role: "read" | "admin", name: string): Promise<{ id: string; token: string }> {
    const made = await callApi<{ id: string; code: string }>(rig.base, "/api/devices", {
      method: "POST",
      token: ADMIN_TOKEN,
      body: { name, role },
    });
    const res = await fetch(`${rig.base}/api/devices/claim`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: made.body.code }),
    });
    return { id: made.body.id, token: ((await res.json()) as { token: string }).token };
  }

  it("a revoked phone reopening the page is told its sign-in ended, not that a view link expired", async () => {
    const phone = await device("read", "手机一");
    const s = await rig.ui.open({ width: 390, userAgent: WECHAT_UA });
    s.allow.push(/\b401\b/);
    await signIn(s.page, phone.token);
    await s.page.locator("#status-body *").first().waitFor();
    await callApi(rig.base, `/api/devices/${phone.id}`, { method: "DELETE", token: ADMIN_TOKEN });
    await s.page.reload();
    await waitMsg(s.page, /401|失效/);
    await s.page.waitForLoadState("networkidle");
    const msg = (await s.page.textContent("#msg")) ?? "";
    expect(msg).not.toContain(zh.msgViewGone);
    expect(msg).toContain(zh.msgBadToken);
  });

  it("an admin device revoked elsewhere pressing revoke: no 'View' header, and the right message", async () => {
    const admin = await device("admin", "电脑");
    await device("read", "别的手机");
    const s = await rig.ui.open({});
    s.allow.push(/\b401\b/);
    await signIn(s.page, admin.token);
    const row = s.page.locator("#device-list tr", { hasText: "别的手机" });
    await row.waitFor();
    await callApi(rig.base, `/api/devices/${admin.id}`, { method: "DELETE", token: ADMIN_TOKEN });
    await row.locator("button").click();
    await row.locator("button").click();
    await waitMsg(s.page, /401|失效/);
    await s.page.waitForLoadState("networkidle");
    const views = s.requests.filter((r) => r.authorization?.startsWith("View"));
    expect(views).toEqual([]);
    expect(await s.page.textContent("#msg")).not.toContain(zh.msgViewGone);
  });

  it("after sign-out the last sign-in link is no longer in the page", async () => {
    const s = await rig.ui.open({});
    await signIn(s.page, ADMIN_TOKEN);
    await s.page.click("#add-device");
    await s.page.fill("#device-name", "收银台");
    await s.page.click("#device-create");
    await s.page.locator("#device-qr").waitFor();
    expect(await s.page.inputValue("#device-link")).toContain("#signin=");
    await s.page.click("#device-close");
    await s.page.click("#signout");
    await waitMsg(s.page, pattern(zh.msgSignedOut));
    expect(await s.page.inputValue("#device-link")).toBe("");
    expect(await s.page.locator("#device-qr").count()).toBe(0);
  });

  it("the devices panel follows the language switch", async () => {
    const s = await rig.ui.open({});
    await signIn(s.page, ADMIN_TOKEN);
    await s.page.locator("#device-list tr", { hasText: "别的手机" }).waitFor();
    await s.page.click("#lang");
    await s.page.locator("#devices-h", { hasText: en.devicesTitle }).waitFor();
    const text = (await s.page.textContent("#device-list")) ?? "";
    expect(text).toContain(en.revoke);
    expect(text).not.toContain(zh.revoke);
  });
});
