/**
 * Deadlines in the dashboard: each row's countdown to its `next_due`, naming the deadline ("回复剩 5 小时", "处理剩 29 小时",
 * "回复已超期 3 小时", "处理已超期 2 天"),
 * amber under the largest threshold of REMIND_BEFORE_HOURS, red under the smallest and once passed, counting down
 * without a reload; the overdue filter and the order; the replied mark set and taken back in a complaint's detail,
 * which shows both deadlines, both marks and the help line; a handled complaint counting as replied. In Chinese and
 * English, at 390 px and 1280 px.
 *
 * On a stack of its own (the marks are state), polled once: the first merchant's 15 fixture complaints (whose
 * deadlines fall wherever the time of day puts them: they are checked against what the API serves) and five planted
 * before the poll at chosen times, so that their countdowns are known, with half an hour to spare either way. The
 * Worker runs with the default deadlines (reply 24 h, resolve 72 h, reminders 12 h and 2 h before); other
 * thresholds are served through an intercepted `/api/status`, so the page is seen to follow the Worker's setting.
 * Seen with Debian's Chromium driven by playwright-core.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { beijingText as wallClock } from "../sandbox/fixtures";
import type { ListedComplaint, ServedComplaint } from "../src/domain/served";
import { beijingText } from "../src/domain/time";
import { ADMIN_TOKEN } from "./support/browser";
import {
  api,
  callApi,
  dueText,
  en,
  M1,
  type PageDocument,
  pattern,
  RESULTS,
  rowDues,
  SECOND_NAME,
  signIn,
  startPreparedStack,
  useDashboard,
  waitRows,
  zh,
} from "./support/dashboard";
import { DAY, HOUR, MINUTE } from "./support/time";

declare const document: PageDocument;

/** Reply in 22.5 h: "回复剩 22 小时", no colour. */
const FRESH = "20261901000000000001";
/** Reply in 5.5 h: "回复剩 5 小时", amber (under 12 h). */
const SOON = "20261901000000000002";
/** Reply in 1.5 h: "回复剩 1 小时", red (under 2 h). */
const URGENT = "20261901000000000003";
/** Reply deadline 3.5 h ago: "回复已超期 3 小时", red. */
const LATE = "20261901000000000004";
/** Reply deadline 18.5 h ago ("回复已超期 18 小时"); once replied, resolve in 29.5 h: "处理剩 29 小时". */
const ANSWERED = "20261901000000000005";
/** Each planted complaint and how many hours before the test began it was made. */
const PLANTED: [id: string, hoursAgo: number][] = [
  [FRESH, 1.5],
  [SOON, 18.5],
  [URGENT, 22.5],
  [LATE, 27.5],
  [ANSWERED, 42.5],
];

type Lang = typeof zh;
type Kind = "replied" | "handled";
type DeadlineBody = {
  deadlines: { reply_within_hours: number | null; resolve_within_hours: number | null; remind_before_hours: number[] };
};

/** `^…$` of a template with `{0}` anywhere. */
const whole = (template: string): RegExp => new RegExp(`^${pattern(template).source}$`);

/**
 * The countdown the page should show for a deadline at `dueMs` seen at `at`, or null when it is within a minute of
 * the next step of its unit (the page may have drawn it a moment before or after).
 */
function expectedText(lang: Lang, kind: "replyLeft" | "resolveLeft", dueMs: number, at: number): string | null {
  const left = dueMs - at;
  const ms = Math.abs(left);
  const [size, unit] = ms < HOUR ? [MINUTE, "durMin" as const] : ms < 72 * HOUR ? [HOUR, "durHour" as const] : [DAY, "durDay" as const];
  if (unit === "durMin" || ms % size < MINUTE || ms % size > size - MINUTE) return null;
  const late = kind === "replyLeft" ? "replyOverdue" : "resolveOverdue";
  return dueText(lang, left > 0 ? kind : late, Math.floor(ms / size), unit);
}

/** The class the page should give a countdown `left` ms before its deadline under thresholds `remind`, or null near one. */
function expectedClass(left: number, remind: number[]): string | null {
  if (remind.some((h) => Math.abs(left - h * HOUR) < 2 * MINUTE)) return null;
  if (left <= 0 || left < Math.min(...remind) * HOUR) return "due late";
  return left < Math.max(...remind) * HOUR ? "due soon" : "due";
}

describe("the dashboard in Chromium: deadlines, countdowns and the replied mark", () => {
  const now = Date.now();
  const rig = useDashboard(() =>
    startPreparedStack({ secondName: SECOND_NAME }, async (stack) => {
      for (const [id, hoursAgo] of PLANTED) {
        stack.sandbox.sandbox.addComplaint(M1, {
          complaint_id: id,
          complaint_at: wallClock(now - hoursAgo * HOUR),
          out_trade_no: `SODUE${id.slice(-4)}`,
          order_id: `2026DUE0000${id.slice(-4)}`,
          total_fee: 1990,
          body: `期限测试 ${hoursAgo} 小时前`,
        });
      }
      await stack.fireCron();
    }),
  );

  const call = <T = unknown>(path: string, init?: Parameters<typeof callApi>[2]) => callApi<T>(rig.base, path, init);

  /** Every active complaint, soonest deadline first, as the page lists them by default; `query` adds filters. */
  async function served(query = ""): Promise<ListedComplaint[]> {
    return (await api(rig.base, `active=true&sort=due&limit=100${query}`)).complaints;
  }

  async function complaint(id: string): Promise<ServedComplaint> {
    const { status, body } = await call<{ complaint: ServedComplaint }>(`/api/complaints/${id}?mchid=${M1}`);
    expect(status).toBe(200);
    return body.complaint;
  }

  /** Sets (a note) or takes back (null) a mark through the API, as the admin. */
  async function setMark(kind: Kind, id: string, note: string | null): Promise<void> {
    const { status, body } = await call(`/api/complaints/${id}/${kind}?mchid=${M1}`, {
      method: note === null ? "DELETE" : "PUT",
      token: ADMIN_TOKEN,
      ...(note === null ? {} : { body: { note } }),
    });
    expect(status, JSON.stringify(body)).toBe(200);
  }

  const dueOf = (page: Page, id: string) => page.locator(`[data-complaint-id="${id}"] .due`);

  /** Waits until the row of `id` shows the countdown `text` (exactly). */
  async function waitDue(page: Page, id: string, text: string): Promise<void> {
    try {
      await page.waitForFunction(
        ({ id, text }) => document.querySelector(`[data-complaint-id="${id}"] .due`)?.textContent === text,
        { id, text },
        { timeout: 15_000 },
      );
    } catch (error) {
      throw new Error(
        `row ${id} shows ${JSON.stringify(await dueOf(page, id).textContent())}, wanted ${JSON.stringify(text)}: ${String(error)}`,
      );
    }
  }

  async function waitClass(page: Page, id: string, cls: string): Promise<void> {
    await page.locator(`[data-complaint-id="${id}"] .due[class="${cls}"]`).waitFor();
  }

  it("lists soonest deadline first, each row with data-due, and filters overdue ones, the filter and the order kept in the address (1280 px)", async () => {
    const all = await served();
    const ids = all.map((c) => c.id);
    // The planted complaints by their deadlines: the one 18.5 h past before the one 3.5 h past, and so on.
    expect(ids.filter((id) => PLANTED.some(([p]) => p === id))).toEqual([ANSWERED, LATE, URGENT, SOON, FRESH]);
    const { page, requests } = await rig.ui.open();
    await signIn(page);
    await waitRows(page, ids);
    expect((await rowDues(page)).map((r) => r.due)).toEqual(all.map((c) => c.next_due ?? ""));

    await page.selectOption("#f-overdue", "true");
    const overdue = await served("&overdue=true");
    await waitRows(
      page,
      overdue.map((c) => c.id),
    );
    expect(page.url()).toContain("overdue=true");
    expect(requests.some((r) => r.url.includes("/api/complaints?active=true&overdue=true&sort=due"))).toBe(true);
    const overdueIds = overdue.map((c) => c.id);
    for (const id of [ANSWERED, LATE]) expect(overdueIds).toContain(id);
    for (const id of [URGENT, SOON, FRESH]) expect(overdueIds).not.toContain(id);
    for (const r of await rowDues(page)) expect(Date.parse(String(r.due))).toBeLessThan(Date.now());

    // With the filter, newest first; both kept through a reload.
    await page.selectOption("#sort", "newest");
    const overdueNewest = (await api(rig.base, "active=true&overdue=true&limit=100")).complaints.map((c) => c.id);
    expect(overdueNewest).not.toEqual(overdueIds);
    await waitRows(page, overdueNewest);
    expect(page.url()).toMatch(/overdue=true.*sort=newest/);
    await page.reload();
    await waitRows(page, overdueNewest);
    expect(await page.inputValue("#f-overdue")).toBe("true");
    expect(await page.inputValue("#sort")).toBe("newest");

    await page.selectOption("#sort", "due");
    await page.selectOption("#f-overdue", "false");
    const ahead = await served("&overdue=false");
    await waitRows(
      page,
      ahead.map((c) => c.id),
    );
    for (const id of [URGENT, SOON, FRESH]) expect(ahead.map((c) => c.id)).toContain(id);
    for (const r of await rowDues(page)) if (r.due !== "") expect(Date.parse(String(r.due))).toBeGreaterThan(Date.now());

    await page.click("#clear");
    await waitRows(page, ids);
    expect(await page.inputValue("#f-overdue")).toBe("");
  });

  it("counts down to each row's next deadline, amber under 12 h and red under 2 h or past, in both languages, following the Worker's thresholds (1280 px)", async () => {
    const { body: settings } = await call<DeadlineBody>("/api/status");
    expect(settings.deadlines).toEqual({ reply_within_hours: 24, resolve_within_hours: 72, remind_before_hours: [12, 2] });
    const all = await served();
    const { page } = await rig.ui.open();
    await signIn(page);
    await waitRows(
      page,
      all.map((c) => c.id),
    );
    const shown = await rowDues(page);
    const at = Date.now();
    const byId = (id: string) => shown.find((r) => r.id === id);
    expect(byId(FRESH)).toMatchObject({ text: dueText(zh, "replyLeft", 22, "durHour"), cls: "due" });
    expect(byId(SOON)).toMatchObject({ text: "回复剩 5 小时", cls: "due soon" });
    expect(byId(URGENT)).toMatchObject({ text: dueText(zh, "replyLeft", 1, "durHour"), cls: "due late" });
    // Past, the countdown says which deadline passed.
    expect(byId(LATE)).toMatchObject({ text: "回复已超期 3 小时", cls: "due late" });
    expect(byId(ANSWERED)).toMatchObject({ text: dueText(zh, "replyOverdue", 18, "durHour"), cls: "due late" });
    const soon = all.find((c) => c.id === SOON);
    expect(await dueOf(page, SOON).getAttribute("title")).toBe(`${zh.replyBy} ${beijingText(Date.parse(String(soon?.next_due)))}`);

    // Every row, against what the API serves: nothing is marked, so each counts toward its reply deadline.
    let checked = 0;
    for (const c of all) {
      const row = byId(c.id);
      expect(row?.due).toBe(c.next_due ?? "");
      if (c.next_due === null) {
        expect(row?.text).toBeNull();
        continue;
      }
      expect(c.next_due).toBe(c.deadlines.reply_by);
      const due = Date.parse(c.next_due);
      if (Math.abs(due - at) > 2 * MINUTE) expect(row?.text).toMatch(whole(due > at ? zh.replyLeft : zh.replyOverdue));
      const text = expectedText(zh, "replyLeft", due, at);
      const cls = expectedClass(due - at, [12, 2]);
      if (text !== null) expect(row?.text, c.id).toBe(text);
      if (cls !== null) expect(row?.cls, c.id).toBe(cls);
      if (text !== null && cls !== null) checked++;
    }
    expect(checked).toBeGreaterThan(15);
    // Weeks past: in days.
    expect(shown.at(0)?.text).toMatch(/^回复已超期 \d+ 天$/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await page.screenshot({ path: join(RESULTS, "dashboard-deadlines-1280.png"), fullPage: true });

    await page.click("#lang");
    await waitDue(page, SOON, "Reply in 5 h");
    expect(await dueOf(page, LATE).textContent()).toBe("Reply 3 h overdue");
    expect(await dueOf(page, URGENT).textContent()).toBe(dueText(en, "replyLeft", 1, "durHour"));
    expect(await dueOf(page, FRESH).textContent()).toBe(dueText(en, "replyLeft", 22, "durHour"));
    expect(await dueOf(page, SOON).getAttribute("title")).toBe(`${en.replyBy} ${beijingText(Date.parse(String(soon?.next_due)))}`);
    expect((await rowDues(page)).at(0)?.text).toMatch(/^Reply \d+ d overdue$/);
    expect(await page.locator("#table th", { hasText: en.colDue }).count()).toBe(1);
    await page.click("#lang");
    await waitDue(page, SOON, "回复剩 5 小时");

    // The thresholds are the Worker's: served as 24,6 a countdown of 5.5 h is red and one of 22.5 h amber; served
    // as none, only what has passed is red.
    let remind: number[] = [24, 6];
    await page.route("**/api/status", async (route) => {
      const headers = { ...route.request().headers() };
      delete headers["if-none-match"];
      const res = await route.fetch({ headers });
      const body = (await res.json()) as DeadlineBody;
      body.deadlines.remind_before_hours = remind;
      await route.fulfill({ status: res.status(), contentType: "application/json", body: JSON.stringify(body) });
    });
    await page.click("#refresh");
    await waitClass(page, SOON, "due late");
    await waitClass(page, FRESH, "due soon");
    expect(await dueOf(page, URGENT).getAttribute("class")).toBe("due late");

    remind = [];
    await page.click("#refresh");
    await waitClass(page, SOON, "due");
    for (const id of [FRESH, URGENT]) expect(await dueOf(page, id).getAttribute("class")).toBe("due");
    for (const id of [LATE, ANSWERED]) expect(await dueOf(page, id).getAttribute("class")).toBe("due late");
  });

  it("keeps counting down without a reload (a detail open two hours: the reply deadline passes)", async () => {
    const { page } = await rig.ui.open();
    await signIn(page);
    await page.locator("[data-complaint-id]").first().waitFor();
    // The page's clock from now on runs under the test's hand; the token is kept, so the reload signs in again.
    await page.clock.install();
    await page.reload();
    await page.goto(`${rig.base}/#/complaints/${M1}/${URGENT}`);
    const reply = page.locator("#detail-reply-by .due");
    const resolve = page.locator("#detail-resolve-by .due");
    await reply.waitFor();
    expect(await reply.textContent()).toBe(dueText(zh, "replyLeft", 1, "durHour"));
    expect(await reply.getAttribute("class")).toBe("due late");
    expect(await resolve.textContent()).toBe(dueText(zh, "resolveLeft", 49, "durHour"));
    expect(await resolve.getAttribute("class")).toBe("due");

    await page.clock.fastForward(2 * HOUR);
    // Two hours on, the reply deadline has passed by half an hour and the time the test has run so far.
    const replyBy = Date.parse(String((await complaint(URGENT)).deadlines.reply_by));
    const past = Math.floor((Date.now() + 2 * HOUR - replyBy) / MINUTE);
    expect(past).toBeGreaterThanOrEqual(30);
    expect(past).toBeLessThan(60);
    const wants = [past - 1, past, past + 1].map((m) => dueText(zh, "replyOverdue", m, "durMin"));
    await page.waitForFunction((texts) => texts.includes(document.querySelector("#detail-reply-by .due")?.textContent ?? ""), wants);
    expect(await reply.getAttribute("class")).toBe("due late");
    expect(await resolve.textContent()).toBe(dueText(zh, "resolveLeft", 47, "durHour"));
  });

  it("marks a complaint replied with a note in its detail and undoes it: deadlines, marks and help shown, the row's countdown turning to the resolve deadline (zh, 390 px)", async () => {
    const before = await complaint(ANSWERED);
    expect(before.replied).toBeNull();
    expect(before.next_due).toBe(before.deadlines.reply_by);
    const replyBy = String(before.deadlines.reply_by);
    const resolveBy = String(before.deadlines.resolve_by);
    const note = "已在微信支付商家助手回复 <b>客户</b>，等待确认";
    const { page } = await rig.ui.open({ width: 390 });
    await signIn(page, ADMIN_TOKEN);
    await waitRows(
      page,
      (await served()).map((c) => c.id),
    );
    await waitDue(page, ANSWERED, dueText(zh, "replyOverdue", 18, "durHour"));
    // On a phone the complaints come first.
    const list = await page.locator("#list").boundingBox();
    const status = await page.locator("#status").boundingBox();
    expect(Number(list?.y) + Number(list?.height)).toBeLessThanOrEqual(Number(status?.y));

    await page.click(`[data-complaint-id="${ANSWERED}"] a`);
    await page.locator("#replied").waitFor();
    expect(await page.textContent("#replied")).toBe(zh.markReplied);
    expect(await page.isVisible("#unreplied")).toBe(false);
    expect(await page.isVisible("#handle")).toBe(true);
    expect(await page.textContent("#detail-replied")).toBe(zh.unreplied);
    expect(await page.textContent("#mark-help")).toBe(zh.markHelp);
    expect(zh.markHelp).toContain("不会通知 PAYJS 或微信支付");
    const replyText = await page.innerText("#detail-reply-by");
    expect(replyText).toContain(beijingText(Date.parse(replyBy), true));
    expect(replyText).toContain(dueText(zh, "replyOverdue", 18, "durHour"));
    const resolveText = await page.innerText("#detail-resolve-by");
    expect(resolveText).toContain(beijingText(Date.parse(resolveBy), true));
    expect(resolveText).toContain("处理剩 29 小时"); // the resolve deadline by its name (处理期限), not 完成
    expect(await page.innerText("#detail-dl")).toContain(zh.replyBy);
    expect(await page.innerText("#detail-dl")).toContain("处理期限");

    await page.fill("#handle-note", note);
    await page.click("#replied");
    await page.locator("#unreplied").waitFor();
    expect(await page.textContent("#unreplied")).toBe(zh.unreply);
    expect(await page.isVisible("#replied")).toBe(false);
    expect(await page.isVisible("#handle")).toBe(true); // still to be finished
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("unreplied");
    expect(await page.inputValue("#handle-note")).toBe("");
    const after = await complaint(ANSWERED);
    expect(after.replied).toMatchObject({ note });
    expect(after.handled).toBeNull();
    expect(after.next_due).toBe(resolveBy);
    const shown = await page.innerText("#detail-replied");
    expect(shown).toContain(zh.repliedAt.replace("{0}", beijingText(Date.parse(String(after.replied?.at)), true)));
    expect(shown).toContain(note); // as text: no <b> element made of it
    expect(await page.locator("#detail-replied b").count()).toBe(0);
    // The reply deadline is met: no countdown for it; the resolve deadline's stays.
    expect(await page.locator("#detail-reply-by .due").count()).toBe(0);
    expect(await page.innerText("#detail-resolve-by")).toContain(dueText(zh, "resolveLeft", 29, "durHour"));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(RESULTS, "dashboard-replied-390.png"), fullPage: true });

    await page.click("#back");
    await waitDue(page, ANSWERED, dueText(zh, "resolveLeft", 29, "durHour"));
    const row = page.locator(`[data-complaint-id="${ANSWERED}"]`);
    expect(await row.getAttribute("data-due")).toBe(resolveBy);
    expect(await row.getAttribute("data-handled")).toBe("false");
    expect(await dueOf(page, ANSWERED).getAttribute("class")).toBe("due");
    expect(await row.locator(".badge.rep").textContent()).toBe(zh.repliedBadge);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.reload();
    await waitDue(page, ANSWERED, dueText(zh, "resolveLeft", 29, "durHour"));
    expect(await row.getAttribute("data-due")).toBe(resolveBy);

    await page.click(`[data-complaint-id="${ANSWERED}"] a`);
    await page.locator("#unreplied").waitFor();
    await page.click("#unreplied");
    await page.locator("#replied").waitFor();
    expect(await page.isVisible("#unreplied")).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("replied");
    expect(await page.textContent("#detail-replied")).toBe(zh.unreplied);
    expect((await complaint(ANSWERED)).replied).toBeNull();
    await page.click("#back");
    await waitDue(page, ANSWERED, dueText(zh, "replyOverdue", 18, "durHour"));
    expect(await row.getAttribute("data-due")).toBe(replyBy);
    expect(await row.locator(".badge.rep").count()).toBe(0);
  });

  it("marks replied, then handled, which counts as replied and ends every countdown; undoes both (en, 1280 px)", async () => {
    const soon = await complaint(SOON);
    const replyBy = String(soon.deadlines.reply_by);
    const resolveBy = String(soon.deadlines.resolve_by);
    const { page } = await rig.ui.open({ locale: "en-US" });
    await signIn(page, ADMIN_TOKEN);
    await waitDue(page, SOON, "Reply in 5 h");
    try {
      await page.goto(`${rig.base}/#/complaints/${M1}/${SOON}`);
      await page.locator("#replied").waitFor();
      expect(await page.textContent("#replied")).toBe(en.markReplied);
      expect(await page.textContent("#mark-help")).toBe(en.markHelp);
      expect(en.markHelp).toContain("Neither mark tells PAYJS or WeChat Pay anything");
      expect(await page.textContent("label[for=handle-note]")).toBe(en.noteLabel);
      expect(await page.innerText("#detail-dl")).toContain(en.resolveBy);
      expect(await page.textContent("#detail-replied")).toBe(en.unreplied);
      expect(await page.innerText("#detail-reply-by")).toContain("Reply in 5 h");

      await page.click("#replied"); // no note
      await page.locator("#unreplied").waitFor();
      expect(await page.textContent("#unreplied")).toBe(en.unreply);
      expect(await page.innerText("#detail-replied")).toMatch(whole(en.repliedAt));
      expect((await complaint(SOON)).replied).toMatchObject({ note: "" });
      // Resolve in 53.5 h.
      expect(await page.innerText("#detail-resolve-by")).toContain(dueText(en, "resolveLeft", 53, "durHour"));

      await page.click("#handle");
      await page.locator("#unhandle").waitFor();
      expect(await page.textContent("#unhandle")).toBe(en.unhandle);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("unhandle");
      expect(await page.isVisible("#handle")).toBe(false);
      expect(await page.isVisible("#replied")).toBe(false);
      expect(await page.isVisible("#unreplied")).toBe(true);
      expect(await page.innerText("#detail-handled")).toMatch(whole(en.handledAt));
      // Handled: no deadline is open any more.
      expect(await page.locator("#detail-dl .due").count()).toBe(0);
      const handled = await complaint(SOON);
      expect(handled.next_due).toBeNull();
      expect(handled.deadlines).toEqual({ reply_by: replyBy, resolve_by: resolveBy });

      // The replied mark taken back (through the API) while handled: still counts as replied, nothing to mark.
      await setMark("replied", SOON, null);
      await page.goto(`${rig.base}/#/`);
      const row = page.locator(`[data-complaint-id="${SOON}"]`);
      await page.locator(`[data-complaint-id="${SOON}"][data-handled="true"]`).waitFor();
      expect(await row.getAttribute("data-due")).toBe("");
      expect(await row.locator(".due").count()).toBe(0);
      expect(await row.locator(".c-d").textContent()).toBe("—");
      expect(await row.locator(".badge.done").textContent()).toBe(en.handledBadge);
      expect(await row.locator(".badge.rep").count()).toBe(0);
      await page.click(`[data-complaint-id="${SOON}"] a`);
      await page.locator("#unhandle").waitFor();
      expect(await page.textContent("#detail-replied")).toBe(en.repliedByHandled);
      expect(await page.isVisible("#replied")).toBe(false);
      expect(await page.isVisible("#unreplied")).toBe(false);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
      await page.screenshot({ path: join(RESULTS, "dashboard-handled-counts-replied-1280.png"), fullPage: true });

      await page.click("#unhandle");
      await page.locator("#replied").waitFor();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("handle-note");
      expect(await page.textContent("#detail-replied")).toBe(en.unreplied);
      expect(await page.innerText("#detail-reply-by")).toContain("Reply in 5 h");
      await page.click("#back");
      await waitDue(page, SOON, "Reply in 5 h");
      expect(await row.getAttribute("data-due")).toBe(replyBy);
      expect(await row.getAttribute("data-handled")).toBe("false");
    } finally {
      const left = await complaint(SOON);
      if (left.replied) await setMark("replied", SOON, null);
      if (left.handled) await setMark("handled", SOON, null);
    }
  });

  it("names the resolve deadline once it has passed: a complaint replied days ago shows 处理已超期 (zh and en)", async () => {
    // The oldest fixture complaint, weeks old, is past both deadlines; marked replied, its next_due is resolve_by.
    const oldest = (await served()).find((c) => c.next_due !== null);
    expect(oldest).toBeDefined();
    const id = String(oldest?.id);
    const resolveBy = String(oldest?.deadlines.resolve_by);
    expect(Date.parse(resolveBy)).toBeLessThan(Date.now() - 3 * DAY);
    await setMark("replied", id, "");
    try {
      expect((await complaint(id)).next_due).toBe(resolveBy);
      const { page } = await rig.ui.open();
      await signIn(page);
      const due = dueOf(page, id);
      await page.locator(`[data-complaint-id="${id}"][data-due="${resolveBy}"] .due`).waitFor();
      expect(await due.textContent()).toMatch(/^处理已超期 \d+ 天$/);
      const text = expectedText(zh, "resolveLeft", Date.parse(resolveBy), Date.now());
      if (text !== null) expect(await due.textContent()).toBe(text);
      expect(await due.getAttribute("class")).toBe("due late");
      expect(await due.getAttribute("title")).toBe(`${zh.resolveBy} ${beijingText(Date.parse(resolveBy))}`);
      expect(zh.resolveBy).toBe("处理期限");
      await page.click("#lang");
      await page.waitForFunction(
        (id) => /^Resolve \d+ d overdue$/.test(document.querySelector(`[data-complaint-id="${id}"] .due`)?.textContent ?? ""),
        id,
      );
      expect(await due.getAttribute("title")).toBe(`${en.resolveBy} ${beijingText(Date.parse(resolveBy))}`);
    } finally {
      await setMark("replied", id, null);
    }
  });
});
