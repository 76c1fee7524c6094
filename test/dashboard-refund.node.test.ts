/**
 * A complaint's order and its refund in the dashboard: `#check-order` (the order as PAYJS's `/check` tells it, never
 * its `openid`), the `#refund` dialog that posts nothing until the amount typed is the complaint's own, a done refund
 * (the detail and the row refunded and handled, no `#refund` on a second visit), PAYJS's refusal and an unknown
 * outcome (both tried again), a read token (neither `#check-order` nor `#refund`: the status's `viewer` says read),
 * and, through an intercepted API, a Worker without ALLOW_REFUNDS, a refund under way and each refund
 * state's badge.
 *
 * On a stack of its own (refunds are state): the Worker under `wrangler dev` with `ALLOW_REFUNDS=true`, after one
 * real cron tick of the PAYJS sandbox, whose orders (one per fixture complaint) and order modes the test drives in
 * process. Seen with Debian's Chromium driven by playwright-core. The zh test at 390 px also leaves the pictures of
 * docs/dashboard.md in test-results/ (`dashboard-refund-dialog-390.png`, `dashboard-refunded-390.png`).
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { ServedComplaint } from "../src/domain/served";
import { beijingText } from "../src/domain/time";
import type { ComplaintBody, OrderBody } from "./support/api";
import { ADMIN_TOKEN, READ_TOKEN } from "./support/browser";
import {
  callApi,
  en,
  firstMerchant,
  M1,
  type PageDocument,
  type PageWindow,
  pattern,
  RESULTS,
  SECOND_NAME,
  signIn,
  startPreparedStack,
  useDashboard,
  waitMsg,
  zh,
} from "./support/dashboard";

declare const document: PageDocument, window: PageWindow;

describe("the dashboard in Chromium: checking a complaint's order and refunding it", () => {
  const now = Date.now();
  const { fixtures } = firstMerchant(now);
  const rig = useDashboard(() =>
    startPreparedStack({ secondName: SECOND_NAME, vars: { ALLOW_REFUNDS: "true" } }, (stack) => stack.fireCron()),
  );
  const fixture = (i: number) => fixtures[i] as Record<string, unknown>;
  const idOf = (i: number): string => String(fixture(i).complaint_id);
  const orderOf = (i: number): string => String(fixture(i).order_id);
  const sandbox = () => rig.stack.sandbox.sandbox;
  /** The refund requests PAYJS received for the order. */
  const refundsAt = (order: string) => sandbox().orderRequests.filter((r) => r.endpoint === "refund" && r.payjs_order_id === order);
  const checksOf = (order: string) => sandbox().orderRequests.filter((r) => r.endpoint === "check" && r.payjs_order_id === order);

  async function complaint(id: string): Promise<ServedComplaint> {
    const { status, body } = await callApi<ComplaintBody>(rig.base, `/api/complaints/${id}?mchid=${M1}`);
    expect(status).toBe(200);
    return body.complaint;
  }

  /** Opens the complaint's detail by its address and waits for it. */
  async function openDetail(page: Page, id: string): Promise<void> {
    await page.goto(`${rig.base}/#/complaints/${M1}/${id}`);
    await page.locator("#detail-dl").getByText(id, { exact: true }).waitFor();
  }

  /** Signs in as the admin at `width` in `locale`, opens the complaint's detail and checks its order. */
  async function checked(id: string, opts: { width?: number; locale?: string } = {}) {
    const session = await rig.ui.open(opts);
    await signIn(session.page, ADMIN_TOKEN);
    await session.page.locator("[data-complaint-id]").first().waitFor();
    await openDetail(session.page, id);
    expect(await session.page.isVisible("#refund")).toBe(true); // the status says the token is the admin's: no check needed first
    await session.page.click("#check-order");
    await session.page.locator("#order dl").waitFor();
    return session;
  }

  const disabled = (page: Page) => page.isDisabled("#refund-go");

  it("checks the order and refunds it once the amount typed is the complaint's: detail and row refunded and handled (zh, 390 px)", async () => {
    const id = idOf(0);
    const order = orderOf(0);
    const paid = sandbox().getOrder(order);
    expect(paid?.order.total_fee).toBe(2990);
    const { page, requests } = await checked(id, { width: 390 });
    expect(await page.textContent("#check-order")).toBe(zh.checkOrder);

    // The order, as PAYJS tells it, and when it was checked; never the payer's openid.
    const shown = await page.innerText("#order");
    for (const text of [zh.orderStatus, zh.paid, "¥29.90", zh.paidTime, String(paid?.order.paid_time), order, zh.txId])
      expect(shown).toContain(text);
    expect(shown).toContain(String(paid?.order.out_trade_no));
    expect(shown).toContain(String(paid?.order.transaction_id));
    const again = await callApi<OrderBody>(rig.base, `/api/complaints/${id}/order?mchid=${M1}`, { token: ADMIN_TOKEN });
    expect(again.status).toBe(200);
    expect(shown).toContain(zh.checkedAt.replace("{0}", beijingText(Date.parse(again.body.checked_at), true)));
    expect(checksOf(order)).toHaveLength(1); // the second answer came from the Worker's cache
    const body = await page.innerText("body");
    expect(body).not.toContain(String(paid?.order.openid));
    expect(body).not.toMatch(/openid/i);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The dialog: what will happen, the amount, and a confirm button that waits for it.
    await page.evaluate(() => {
      window.sameDocument = true;
    });
    await page.click("#refund");
    await page.locator("#refund-dialog").waitFor();
    expect(await page.textContent("#refund-what")).toBe(zh.refundWhat.replace("{0}", order).replace("{1}", "¥29.90"));
    expect(await page.innerText("#refund-dialog")).toContain(zh.refundHelp);
    expect(await page.textContent("#refund-type")).toBe(zh.refundType.replace("{0}", "29.90"));
    expect(await disabled(page)).toBe(true);
    for (const wrong of ["29.901", "abc", "", "2990", "29.91", "29.", " ", "-29.90"]) {
      await page.fill("#refund-amount", wrong);
      expect(await disabled(page), JSON.stringify(wrong)).toBe(true);
    }
    await page.fill("#refund-amount", "29.91");
    await page.press("#refund-amount", "Enter"); // a submit with the wrong amount posts nothing
    await page.fill("#refund-amount", "29.9");
    expect(await disabled(page)).toBe(false);
    await page.fill("#refund-amount", "29.90");
    expect(await disabled(page)).toBe(false);
    await page.fill("#refund-note", "已与用户电话确认");
    await page.screenshot({ path: join(RESULTS, "dashboard-refund-dialog-390.png") });
    expect(refundsAt(order)).toHaveLength(0);
    expect(requests.filter((r) => r.url.includes("/refund"))).toHaveLength(0);

    await page.click("#refund-go");
    await page.locator("#refund-dialog").waitFor({ state: "hidden" });
    await waitMsg(page, pattern(zh.refundHelp));
    expect(refundsAt(order)).toHaveLength(1);
    expect(sandbox().getOrder(order)?.refunded).toBe(true);
    const after = await complaint(id);
    expect(after.refund).toMatchObject({ state: "done", total_fee: 2990 });
    expect(after.handled?.note).toBe("退款 ¥29.90 已与用户电话确认");
    expect(await page.locator("#detail-state .badge.ok").textContent()).toBe(`${zh.refund_done} ¥29.90`);
    const handled = await page.innerText("#detail-handled");
    expect(handled).toContain(zh.handledAt.replace("{0}", beijingText(Date.parse(String(after.handled?.at)), true)));
    expect(handled).toContain("退款 ¥29.90 已与用户电话确认");
    expect(await page.isVisible("#refund")).toBe(false);
    expect(await page.isVisible("#unhandle")).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(RESULTS, "dashboard-refunded-390.png") });

    // The row follows without a reload.
    await page.click("#back");
    const row = page.locator(`[data-complaint-id="${id}"][data-refund="done"][data-handled="true"]`);
    await row.waitFor();
    expect(await row.locator(".badge.ok").textContent()).toBe(`${zh.refund_done} ¥29.90`);
    expect(await page.evaluate(() => window.sameDocument)).toBe(true);

    // A second visit: refunded, and no #refund even after another check.
    await page.reload();
    await row.waitFor();
    await openDetail(page, id);
    await page.click("#check-order");
    await page.locator("#order dl").waitFor();
    expect(await page.locator("#detail-state .badge.ok").textContent()).toBe(`${zh.refund_done} ¥29.90`);
    expect(await page.isVisible("#refund")).toBe(false);
    expect(refundsAt(order)).toHaveLength(1);
  });

  it("says PAYJS's refusal in the dialog and lets the person try again, which refunds (en, 1280 px)", async () => {
    const id = idOf(1);
    const order = orderOf(1);
    sandbox().setOrderMode("refund_refused", { returnMsg: "余额不足", times: 1 });
    try {
      const { page, allow } = await checked(id, { locale: "en-US" });
      allow.push(/\b502\b/); // Chromium logs the refused answer itself
      expect(await page.textContent("#check-order")).toBe(en.checkOrder);
      expect(await page.innerText("#order")).toContain(en.paid);
      await page.click("#refund");
      expect(await page.textContent("#refund-what")).toBe(en.refundWhat.replace("{0}", order).replace("{1}", "¥199.00"));
      await page.fill("#refund-amount", "199");
      await page.click("#refund-go");
      const said = page.locator("#refund-msg .err");
      await said.waitFor();
      expect(await said.textContent()).toMatch(pattern(en.refundRefused));
      expect(await said.textContent()).toContain("余额不足"); // PAYJS's own words
      expect(await page.isVisible("#refund-dialog")).toBe(true);
      expect(sandbox().getOrder(order)?.refunded).toBe(false);
      // The detail behind shows the failed refund; the same amount may go again.
      await page.locator("#detail-state .badge.bad", { hasText: en.refund_failed }).waitFor();
      expect((await complaint(id)).refund).toMatchObject({ state: "failed", message: expect.stringContaining("余额不足") });
      expect(await disabled(page)).toBe(false);
      expect(await page.inputValue("#refund-amount")).toBe("199");

      await page.click("#refund-go");
      await page.locator("#refund-dialog").waitFor({ state: "hidden" });
      await waitMsg(page, pattern(en.refundHelp));
      expect(await page.locator("#detail-state .badge.ok").textContent()).toBe(`${en.refund_done} ¥199.00`);
      expect(await page.innerText("#detail-handled")).toContain("退款 ¥199.00");
      expect(refundsAt(order)).toHaveLength(2);
      expect(sandbox().getOrder(order)?.refunded).toBe(true);
      await page.screenshot({ path: join(RESULTS, "dashboard-refunded-1280.png"), fullPage: true });
      await page.click("#back");
      await page.locator(`[data-complaint-id="${id}"][data-refund="done"][data-handled="true"]`).waitFor();
    } finally {
      sandbox().setOrderMode("ok");
    }
  });

  it("says an unknown outcome (an answer that did not verify) and, tried again, records PAYJS's 已退款 as done (zh)", async () => {
    const id = idOf(3);
    const order = orderOf(3);
    sandbox().setOrderMode("unsigned", { endpoint: "refund", times: 1 });
    try {
      const { page, allow } = await checked(id);
      allow.push(/\b502\b/);
      await page.click("#refund");
      await page.fill("#refund-amount", "5");
      await page.click("#refund-go");
      const said = page.locator("#refund-msg .err");
      await said.waitFor();
      expect(await said.textContent()).toMatch(pattern(zh.refundUnknown));
      expect(await said.textContent()).toContain("结果未知：请先在 PAYJS 查看订单再决定是否重试");
      // PAYJS did refund; the Worker could not trust the answer.
      expect(sandbox().getOrder(order)?.refunded).toBe(true);
      await page.locator("#detail-state .badge.bad", { hasText: zh.refund_unknown }).waitFor();
      expect((await complaint(id)).refund?.state).toBe("unknown");

      await page.click("#refund-go");
      await page.locator("#refund-dialog").waitFor({ state: "hidden" });
      expect(await page.locator("#detail-state .badge.ok").textContent()).toBe(`${zh.refund_done} ¥5.00`);
      expect((await complaint(id)).refund?.state).toBe("done");
      expect(refundsAt(order)).toHaveLength(2);
    } finally {
      sandbox().setOrderMode("ok");
    }
  });

  it("offers a read token neither #check-order nor #refund (the status's viewer says read)", async () => {
    const id = idOf(5);
    const { page, requests } = await rig.ui.open();
    await signIn(page, READ_TOKEN);
    await page.locator("[data-complaint-id]").first().waitFor();
    await openDetail(page, id);
    expect(await page.isVisible("#order-box")).toBe(false);
    expect(await page.isVisible("#check-order")).toBe(false);
    expect(await page.isVisible("#refund")).toBe(false);
    expect(requests.filter((r) => /\/order|\/refund/.test(r.url))).toEqual([]);
    expect(checksOf(orderOf(5))).toHaveLength(0);
  });

  it("offers no #refund when the Worker does not allow refunds, says a refund under way, and shows every refund state's badge (intercepted API)", async () => {
    const id = idOf(6);
    const { page, allow } = await rig.ui.open();
    allow.push(/\b409\b/);
    await page.route("**/api/status", async (route) => {
      const headers = { ...route.request().headers() };
      delete headers["if-none-match"];
      const res = await route.fetch({ headers });
      const body = (await res.json()) as { refunds_allowed: boolean };
      expect(body.refunds_allowed).toBe(true);
      body.refunds_allowed = false;
      await route.fulfill({ status: res.status(), contentType: "application/json", body: JSON.stringify(body) });
    });
    await signIn(page, ADMIN_TOKEN);
    await page.locator("[data-complaint-id]").first().waitFor();
    await openDetail(page, id);
    await page.click("#check-order");
    await page.locator("#order dl").waitFor();
    expect(await page.isVisible("#refund")).toBe(false);

    // Allowed again (the next status answer as the Worker gives it): a refund under way is said in the dialog.
    await page.unroute("**/api/status");
    await page.route("**/api/complaints/*/refund?*", (route) =>
      route.fulfill({
        status: 409,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "refund_in_progress", message: "A refund is under way" } }),
      }),
    );
    await page.click("#refresh");
    await page.locator("#refund").waitFor();
    await page.click("#refund");
    await page.fill("#refund-amount", "128");
    await page.click("#refund-go");
    await page.locator("#refund-msg .err", { hasText: zh.refundBusy }).waitFor();
    expect(refundsAt(orderOf(6))).toHaveLength(0);
    await page.click("#refund-cancel");
    await page.locator("#refund-dialog").waitFor({ state: "hidden" });

    // Each state's badge, in the rows, in both languages.
    const states = ["done", "pending", "failed", "unknown"] as const;
    await page.route("**/api/complaints?*", async (route) => {
      const res = await route.fetch();
      const list = (await res.json()) as { complaints: Record<string, unknown>[] };
      states.forEach((state, i) => {
        const c = list.complaints.find((x) => x.id === idOf(7 + i));
        if (c) c.refund = { state, at: new Date(now).toISOString(), total_fee: c.total_fee };
      });
      await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(list) });
    });
    await page.goto(`${rig.base}/#/?sort=newest`);
    for (const [lang, strings] of [
      ["zh", zh],
      ["en", en],
    ] as const) {
      for (const [i, state] of states.entries()) {
        const row = page.locator(`[data-complaint-id="${idOf(7 + i)}"][data-refund="${state}"]`);
        await row.waitFor();
        const fee = (fixture(7 + i).total_fee as number) / 100;
        expect(await row.locator(".badge").last().textContent(), `${lang} ${state}`).toBe(
          `${strings[`refund_${state}`]} ¥${fee.toFixed(2)}`,
        );
      }
      if (lang === "zh") await page.click("#lang");
    }
  });
});
