/**
 * What an alert leads to in the dashboard: its view link (`#/complaints/{mchid}/{id}?view=<key>`) opens that one
 * complaint read-only in WeChat's browser without a token (one request, `Authorization: View <key>`; no marks, order,
 * refund, history or raw data; a way to sign in), and an altered key asks to sign in; and a complaint's history
 * (`#timeline`) once signed in: first seen, the alert delivered to the channel, a mark by a device with its note.
 *
 * On a stack of its own: the Worker under `wrangler dev` with `PUBLIC_URL` set and a webhook channel to a local
 * receiver, after one real cron tick of the PAYJS sandbox, whose `complaint.new` bodies carry the links. Seen with
 * Debian's Chromium driven by playwright-core, at 390 px with WeChat's user agent; the history's picture goes to
 * test-results/dashboard-timeline-390.png.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, READ_TOKEN } from "./support/browser";
import {
  callApi,
  M1,
  type PageStorage,
  pattern,
  RESULTS,
  signIn,
  startPreparedStack,
  useDashboard,
  WECHAT_UA,
  waitMsg,
  zh,
} from "./support/dashboard";
import { type ReceiverServer, startReceiverServer } from "./support/receiver-server";

declare const localStorage: PageStorage;

const PUBLIC_URL = "https://watch.example";

describe("the dashboard in Chromium: an alert's view link", () => {
  let receiver: ReceiverServer;
  beforeAll(async () => {
    receiver = await startReceiverServer();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  const rig = useDashboard(() =>
    startPreparedStack(
      { vars: { PUBLIC_URL, NOTIFY_CHANNELS: JSON.stringify([{ type: "webhook", url: `${receiver.url}/hook` }]) } },
      (stack) => stack.fireCron(),
    ),
  );
  const wechat = { width: 390, userAgent: WECHAT_UA, noClipboard: true };

  /** The view links the webhook received with `complaint.new`, by complaint id, as addresses of this Worker. */
  function links(): Map<string, string> {
    const out = new Map<string, string>();
    for (const r of receiver.received) {
      const body = JSON.parse(r.body) as { event?: string; link?: string; complaint?: { id: string } };
      if (body.event === "complaint.new" && body.link && body.complaint) out.set(body.complaint.id, body.link.replace(PUBLIC_URL, ""));
    }
    return out;
  }

  it("opens the complaint read-only without a token, with the key alone, and signs in from there", async () => {
    const [id, path] = [...links()][0] ?? [];
    expect(path).toMatch(/^\/#\/complaints\/[^/]+\/[^/?]+\?view=[\w-]{20,}$/);
    const key = String(path).slice(String(path).indexOf("view=") + 5);
    const { page, requests } = await rig.ui.open({ ...wechat, path });
    await page.locator("#detail-dl").getByText(String(id), { exact: true }).waitFor();
    expect(await page.isVisible("#view-note")).toBe(true);
    expect(await page.textContent("#view-note")).toContain(zh.viewNote);
    for (const hidden of ["replied", "handle", "check-order", "refund", "raw-box", "timeline", "back", "signout", "list", "login"])
      expect(await page.isVisible(`#${hidden}`), hidden).toBe(false);
    // One request, with the key; no other route is asked with it.
    const api = requests.filter((r) => r.url.includes("/api/"));
    expect(api.map((r) => [new URL(r.url).pathname, r.authorization])).toEqual([[`/api/complaints/${id}`, `View ${key}`]]);
    expect(await page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toBeNull();

    // Signing in from there: WeChat's text, then the full detail with the token.
    await page.click("#view-signin");
    await waitMsg(page, pattern(zh.msgWeChat));
    await signIn(page, READ_TOKEN);
    await page.locator("#raw-box").waitFor();
    expect(await page.isVisible("#view-note")).toBe(false);
    expect(await page.isVisible("#back")).toBe(true);
    expect(requests.filter((r) => r.authorization?.startsWith("View ")).length).toBe(1);
  });

  it("says an altered key no longer opens the complaint, and shows the sign-in form", async () => {
    const [, path] = [...links()][1] ?? [];
    const altered = String(path).replace(/.$/, (ch) => (ch === "A" ? "B" : "A"));
    const { page, allow } = await rig.ui.open({ ...wechat, path: altered });
    allow.push(/\b401\b/);
    await waitMsg(page, pattern(zh.msgViewGone));
    expect(await page.isVisible("#token")).toBe(true);
    expect(await page.isVisible("#detail")).toBe(false);
  });

  it("shows a complaint's history in Beijing time: first seen, the alert delivered, a device's mark and its note", async () => {
    const [id] = [...links()][2] ?? [];
    const made = await callApi<{ code: string }>(rig.base, "/api/devices", {
      method: "POST",
      token: ADMIN_TOKEN,
      body: { name: "店长手机", role: "admin" },
    });
    expect(made.status).toBe(201);
    const claim = await fetch(`${rig.base}/api/devices/claim`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: made.body.code }),
    });
    const { token } = (await claim.json()) as { token: string };
    const note = "已电话联系用户";
    const marked = await callApi(rig.base, `/api/complaints/${id}/replied?mchid=${M1}`, { method: "PUT", token, body: { note } });
    expect(marked.status).toBe(200);

    const { page } = await rig.ui.open({ width: 390, path: `/#/complaints/${M1}/${id}` });
    await signIn(page, READ_TOKEN);
    await page.locator("#timeline li[data-kind=replied]").waitFor();
    const items = await page.$$eval("#timeline li", (lis) => lis.map((li) => [li.getAttribute("data-kind"), li.textContent]));
    const time = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d ";
    expect(items.map(([kind]) => kind)).toEqual(["seen", "alert", "replied"]);
    expect(items[0]?.[1]).toMatch(new RegExp(`^${time}${zh.tl_seen}$`));
    const alert = zh.tl_alert.replace("{0}", zh.ev_new).replace("{1}", zh.out_delivered).replace("{2}", "webhook0");
    expect(items[1]?.[1]).toMatch(new RegExp(`^${time}${alert.replace(/[()（）]/g, "\\$&")}$`));
    expect(items[2]?.[1]).toMatch(new RegExp(`^${time}${zh.tl_replied}（店长手机）：${note}$`));
    // The mark in the detail names the device too.
    expect(await page.textContent("#detail-replied")).toContain("（店长手机）");
    await page.locator("#timeline").scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(RESULTS, "dashboard-timeline-390.png") });
  });
});
