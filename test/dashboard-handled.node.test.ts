/**
 * Handling complaints in the dashboard: marking one handled with a note as the admin and undoing it (the row, the
 * detail and the status panel's unhandled count following without a reload), that a read token is offered no marks
 * (and told why, should a stale page offer them), and the handled filter. (The replied mark, deadlines and countdowns: test/dashboard-deadlines.node.test.ts.)
 *
 * On a stack of its own (the marks are state). The first poll is fired with a `scheduledTime` three hours in the
 * past (`fireCronAt`), so a second one at the real time (`fireCron`) is due: it brings a new complaint and marks one
 * fixture gone while a mark is set, which the mark survives. Seen with Debian's Chromium driven by playwright-core.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { beijingText as beijingWallClock } from "../sandbox/fixtures";
import type { ListedComplaint, ServedComplaint } from "../src/domain/served";
import { beijingText } from "../src/domain/time";
import type { ListBody, StatusBody } from "./support/api";
import { ADMIN_TOKEN, type DashboardStack, READ_TOKEN, startDashboardStack } from "./support/browser";
import {
  callApi,
  type DashboardBrowser,
  en,
  firstMerchant,
  M1,
  M2,
  type PageDocument,
  type PageStorage,
  type PageWindow,
  pattern,
  RESULTS,
  SECOND_NAME,
  signIn,
  startDashboardBrowser,
  waitMsg,
  waitRows,
  zh,
} from "./support/dashboard";
import { HOUR } from "./support/time";

declare const document: PageDocument, localStorage: PageStorage, window: PageWindow;

describe("the dashboard in Chromium: handling complaints, the first poll 3 h ago", () => {
  const now = Date.now();
  const { fixtures, goneId } = firstMerchant(now);
  let hs: DashboardStack;
  let ui: DashboardBrowser;
  let hbase: string;
  const firstPoll = now - 3 * HOUR;
  const idOf = (i: number): string => String(fixtures[i]?.complaint_id);
  const freshId = "20269999000000000001";
  const note = "已电话回访，退款 ¥29.90 <b>已完成</b> & 结案";

  const call = <T = unknown>(path: string, init?: Parameters<typeof callApi>[2]) => callApi<T>(hbase, path, init);

  /**
   * The active complaints of the first merchant, as the API serves them, soonest deadline first (as the page lists
   * them by default).
   */
  async function served(): Promise<ListedComplaint[]> {
    const { status, body } = await call<ListBody>(`/api/complaints?mchid=${M1}&active=true&sort=due&limit=500`);
    expect(status).toBe(200);
    return body.complaints;
  }

  async function complaint(id: string): Promise<ServedComplaint> {
    const { status, body } = await call<{ complaint: ServedComplaint }>(`/api/complaints/${id}?mchid=${M1}`);
    expect(status).toBe(200);
    return body.complaint;
  }

  /** Marks (a note) or un-marks (null) through the API, as the admin. */
  async function setMark(id: string, markNote: string | null): Promise<void> {
    const { status, body } = await call(`/api/complaints/${id}/handled?mchid=${M1}`, {
      method: markNote === null ? "DELETE" : "PUT",
      token: ADMIN_TOKEN,
      ...(markNote === null ? {} : { body: { note: markNote } }),
    });
    expect(status, JSON.stringify(body)).toBe(200);
  }

  const handledOf = (page: Page, id: string): Promise<string | null> => page.getAttribute(`[data-complaint-id="${id}"]`, "data-handled");

  async function waitHandled(page: Page, id: string, value: "true" | "false"): Promise<void> {
    await page.locator(`[data-complaint-id="${id}"][data-handled="${value}"]`).waitFor();
  }

  /** The merchant's unhandled count as the status panel shows it. */
  const unhandledCell = (page: Page, mchid: string, label: string) =>
    page.locator("#status tr", { hasText: mchid }).locator(`td[data-label="${label}"]`);

  let secondPoll: Promise<void> | undefined;
  /** The second poll, at the real time: one complaint new (first seen now), one gone from PAYJS's list. */
  function pollAgain(): Promise<void> {
    secondPoll ??= (async () => {
      hs.sandbox.sandbox.addComplaint(M1, {
        complaint_id: freshId,
        complaint_at: beijingWallClock(Date.now()),
        out_trade_no: "SOFRESH0001",
        order_id: "20269999FRESH0001",
        total_fee: 1234,
        body: "刚收到的新投诉",
      });
      expect(hs.sandbox.sandbox.removeComplaint(M1, goneId)).toBe(1);
      await hs.fireCron();
    })();
    return secondPoll;
  }

  beforeAll(async () => {
    hs = await startDashboardStack({ secondName: SECOND_NAME });
    hbase = hs.worker.url;
    await hs.fireCronAt(firstPoll);
    // The poll that first saw the complaints: three hours ago.
    expect((await complaint(idOf(0))).first_seen_at).toBe(new Date(firstPoll).toISOString());
    ui = await startDashboardBrowser(hbase);
  });

  afterEach(async (context) => {
    const failed = context.task.result?.state === "fail";
    await ui?.closeSessions(failed);
    if (failed && hs !== undefined) console.error(`--- wrangler dev (handling) output ---\n${hs.worker.output()}`);
  });

  afterAll(async () => {
    await ui?.close();
    await hs?.stop();
  });

  it("marks with a note through #handle as admin: row and detail follow without a reload; the mark survives a reload and a poll; #unhandle undoes it (zh, 1280 px)", async () => {
    const before = await served();
    expect(before.map((c) => c.id)).not.toContain(freshId);
    const { page } = await ui.open({ base: hbase });
    await signIn(page, ADMIN_TOKEN);
    await waitRows(
      page,
      before.map((c) => c.id),
    );
    expect(await page.$$eval("[data-complaint-id]", (rows) => rows.map((r) => r.getAttribute("data-handled")))).toEqual(
      before.map(() => "false"),
    );
    await unhandledCell(page, M1, zh.unhandled).filter({ hasText: /^15$/ }).waitFor();
    await page.evaluate(() => {
      window.sameDocument = true; // gone after any full reload
    });

    const target = idOf(0);
    await page.click(`[data-complaint-id="${target}"] a`);
    await page.locator("#handle").waitFor();
    expect(await page.isVisible("#unhandle")).toBe(false);
    expect(await page.textContent("#detail-handled")).toBe(zh.unhandled);
    expect(await page.textContent("#handle")).toBe(zh.handle);
    expect(await page.textContent("label[for=handle-note]")).toBe(zh.noteLabel);
    expect(await page.getAttribute("#handle-note", "maxlength")).toBe("500");
    await page.fill("#handle-note", note);
    await page.click("#handle");
    await page.locator("#unhandle").waitFor();
    expect(await page.textContent("#unhandle")).toBe(zh.unhandle);
    expect(await page.isVisible("#handle")).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("unhandle");
    const mark = (await complaint(target)).handled;
    expect(mark).toMatchObject({ note });
    const shown = await page.innerText("#detail-handled");
    expect(shown).toContain(zh.handledAt.replace("{0}", beijingText(Date.parse(String(mark?.at)), true)));
    expect(shown).toContain(note); // as text: no <b> element made of it
    expect(await page.locator("#detail-handled b").count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await page.screenshot({ path: join(RESULTS, "dashboard-handled-1280.png"), fullPage: true });

    await page.click("#back");
    await waitHandled(page, target, "true");
    expect(await page.locator(`[data-complaint-id="${target}"] .badge.done`).textContent()).toBe(zh.handledBadge);
    expect(await page.evaluate(() => window.sameDocument)).toBe(true);
    // The panel's count follows too.
    await unhandledCell(page, M1, zh.unhandled).filter({ hasText: /^14$/ }).waitFor();

    await page.reload();
    await waitHandled(page, target, "true");

    // A poll after the mark: its new complaint arrives, and the mark stays as it was.
    await pollAgain();
    await page.click("#refresh");
    await page.locator(`[data-complaint-id="${freshId}"][data-handled="false"]`).waitFor();
    expect(await handledOf(page, target)).toBe("true");
    expect((await complaint(target)).handled).toEqual(mark);
    await page.goto(`${hbase}/#/complaints/${M1}/${target}`);
    await page.locator("#unhandle").waitFor();
    expect(await page.innerText("#detail-handled")).toContain(note);

    await page.click("#unhandle");
    await page.locator("#handle").waitFor();
    expect(await page.isVisible("#unhandle")).toBe(false);
    expect(await page.textContent("#detail-handled")).toBe(zh.unhandled);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("handle-note");
    expect((await complaint(target)).handled).toBeNull();
    await page.click("#back");
    await waitHandled(page, target, "false");
    expect(await page.locator(`[data-complaint-id="${target}"] .badge.done`).count()).toBe(0);
    await page.reload();
    await waitHandled(page, target, "false");
  });

  it("marks and undoes in English at 390 px, the detail and the row fitting the phone", async () => {
    const target = idOf(1);
    const { page } = await ui.open({ base: hbase, locale: "en-US", width: 390 });
    await signIn(page, ADMIN_TOKEN);
    await page.locator("[data-complaint-id]").first().waitFor();
    await page.goto(`${hbase}/#/complaints/${M1}/${target}`);
    await page.locator("#handle").waitFor();
    expect(await page.textContent("#handle")).toBe(en.handle);
    expect(await page.textContent("label[for=handle-note]")).toBe(en.noteLabel);
    expect(await page.innerText("#detail-dl")).toContain(en.handling);
    expect(await page.textContent("#detail-handled")).toBe(en.unhandled);
    await page.fill("#handle-note", "Refunded in full; customer called back.");
    await page.click("#handle");
    await page.locator("#unhandle").waitFor();
    expect(await page.textContent("#unhandle")).toBe(en.unhandle);
    const shown = await page.innerText("#detail-handled");
    expect(shown).toMatch(pattern(en.handledAt));
    expect(shown).toContain("Refunded in full; customer called back.");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(RESULTS, "dashboard-handled-390.png"), fullPage: true });

    await page.click("#back");
    await waitHandled(page, target, "true");
    expect(await page.locator(`[data-complaint-id="${target}"] .badge.done`).textContent()).toBe(en.handledBadge);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.click(`[data-complaint-id="${target}"] a`);
    await page.locator("#unhandle").waitFor();
    await page.click("#unhandle");
    await page.locator("#handle").waitFor();
    expect(await page.textContent("#detail-handled")).toBe(en.unhandled);
    await page.click("#back");
    await waitHandled(page, target, "false");
  });

  it("offers a read token no marks; where the page still thinks it an admin's, explains the 403, in both languages", async () => {
    const target = idOf(5);
    const marked = idOf(6);
    await setMark(marked, "由管理员标记");
    try {
      const reader = await ui.open({ base: hbase });
      await signIn(reader.page);
      await reader.page.locator("[data-complaint-id]").first().waitFor();
      await reader.page.goto(`${hbase}/#/complaints/${M1}/${marked}`);
      await reader.page.locator("#detail-handled").getByText("由管理员标记").waitFor();
      for (const id of ["handle-form", "handle", "replied", "unhandle", "check-order", "refund"])
        expect(await reader.page.isVisible(`#${id}`), id).toBe(false);

      // A status from before the token's role changed (here: rewritten to say admin) offers the marks; the Worker
      // refuses them, and the page says why.
      const { page, allow } = await ui.open({ base: hbase });
      allow.push(/\b403\b/); // Chromium logs the refused answer itself
      await page.route("**/api/status", async (route) => {
        const headers = { ...route.request().headers() };
        delete headers["if-none-match"];
        const res = await route.fetch({ headers });
        const body = (await res.json()) as StatusBody & { viewer: { role: string } };
        expect(body.viewer.role).toBe("read");
        body.viewer.role = "admin";
        await route.fulfill({ status: res.status(), contentType: "application/json", body: JSON.stringify(body) });
      });
      await signIn(page);
      await page.locator("[data-complaint-id]").first().waitFor();
      await page.goto(`${hbase}/#/complaints/${M1}/${target}`);
      await page.locator("#handle").waitFor();
      await page.fill("#handle-note", "不应保存");
      await page.click("#handle");
      await waitMsg(page, pattern(zh.msgForbidden));
      expect(await page.isVisible("#handle")).toBe(true);
      expect(await page.isVisible("#unhandle")).toBe(false);
      expect(await page.textContent("#detail-handled")).toBe(zh.unhandled);
      expect(await page.inputValue("#handle-note")).toBe("不应保存"); // kept, to paste after signing in as admin
      expect((await complaint(target)).handled).toBeNull();

      // Still signed in: a 403 is no reason to forget the token.
      expect(await page.evaluate(() => localStorage.getItem("payjs-watch.token"))).toBe(READ_TOKEN);
      await page.click("#lang");
      await waitMsg(page, pattern(en.msgForbidden));

      await page.goto(`${hbase}/#/complaints/${M1}/${marked}`);
      await page.locator("#unhandle").waitFor();
      await page.click("#unhandle");
      await waitMsg(page, pattern(en.msgForbidden));
      expect(await page.isVisible("#unhandle")).toBe(true);
      expect((await complaint(marked)).handled?.note).toBe("由管理员标记");

      // The replied mark too: another complaint's detail clears the message, then #replied is refused the same way.
      await page.goto(`${hbase}/#/complaints/${M1}/${target}`);
      await page.locator("#replied").waitFor();
      await page.waitForFunction(() => (document.getElementById("msg")?.textContent ?? "") === "");
      await page.fill("#handle-note", "也不应保存");
      await page.click("#replied");
      await waitMsg(page, pattern(en.msgForbidden));
      expect(await page.isVisible("#replied")).toBe(true);
      expect(await page.isVisible("#unreplied")).toBe(false);
      expect(await page.textContent("#detail-replied")).toBe(en.unreplied);
      expect((await complaint(target)).replied).toBeNull();
    } finally {
      await setMark(marked, null);
    }
  });

  it("filters unhandled and handled complaints with #f-handled, the choice kept in the address", async () => {
    const marked = idOf(3);
    await setMark(marked, "");
    try {
      const all = await served();
      const unhandled = all.filter((c) => c.handled === null).map((c) => c.id);
      expect(all.filter((c) => c.handled !== null).map((c) => c.id)).toEqual([marked]);
      const { page, requests } = await ui.open({ base: hbase });
      await signIn(page);
      await waitRows(
        page,
        all.map((c) => c.id),
      );
      expect(await page.textContent("label[for=f-handled]")).toBe(zh.handling);

      await page.selectOption("#f-handled", "false");
      await waitRows(page, unhandled);
      expect(page.url()).toContain("handled=false");
      expect(requests.some((r) => r.url.includes("/api/complaints?active=true&handled=false"))).toBe(true);
      expect(new Set(await page.$$eval("[data-complaint-id]", (rows) => rows.map((r) => r.getAttribute("data-handled"))))).toEqual(
        new Set(["false"]),
      );

      await page.selectOption("#f-handled", "true");
      await waitRows(page, [marked]);
      expect(page.url()).toContain("handled=true");
      expect(await handledOf(page, marked)).toBe("true");
      await page.reload();
      await waitRows(page, [marked]);
      expect(await page.inputValue("#f-handled")).toBe("true");

      // With another filter, by address.
      await page.goto(`${hbase}/#/?active=true&handled=false`);
      await waitRows(
        page,
        all.filter((c) => c.active && c.handled === null).map((c) => c.id),
      );
      expect(await page.inputValue("#f-handled")).toBe("false");
      expect(await page.inputValue("#f-active")).toBe("true");

      await page.click("#clear");
      await waitRows(
        page,
        all.map((c) => c.id),
      );
      expect(await page.inputValue("#f-handled")).toBe("");
    } finally {
      await setMark(marked, null);
    }
  });

  it("shows each merchant's active and unhandled counts in the status panel (390 px, both languages)", async () => {
    const status = (await call<StatusBody>("/api/status")).body;
    const m1 = status.merchants.find((m) => m.mchid === M1);
    const m2 = status.merchants.find((m) => m.mchid === M2);
    const all = await served();
    const open1 = all.filter((c) => c.active && c.handled === null).length;
    expect(m1?.complaints_unhandled).toBe(open1);
    expect(m1?.complaints_active).toBe(all.filter((c) => c.active).length);

    const { page } = await ui.open({ base: hbase, width: 390 });
    await signIn(page);
    await unhandledCell(page, M1, zh.unhandled)
      .filter({ hasText: new RegExp(`^${open1}$`) })
      .waitFor();
    expect(await page.locator("#status tr", { hasText: M1 }).locator(`td[data-label="${zh.counts}"]`).textContent()).toBe(
      `${m1?.complaints_active} / ${m1?.complaints_total}`,
    );
    expect(await unhandledCell(page, M2, zh.unhandled).textContent()).toBe(String(m2?.complaints_unhandled ?? 0));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    const marked = idOf(10);
    await setMark(marked, "");
    try {
      await page.click("#refresh");
      await unhandledCell(page, M1, zh.unhandled)
        .filter({ hasText: new RegExp(`^${open1 - 1}$`) })
        .waitFor();
      await page.click("#lang");
      await unhandledCell(page, M1, en.unhandled)
        .filter({ hasText: new RegExp(`^${open1 - 1}$`) })
        .waitFor();
      expect(await page.locator("#status th", { hasText: en.unhandled }).count()).toBe(1);
      await page.locator("#status").screenshot({ path: join(RESULTS, "dashboard-status-390.png") });
    } finally {
      await setMark(marked, null);
    }
  });
});
