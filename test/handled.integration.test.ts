/**
 * Replied and handled marks end to end inside workerd: `PUT`/`DELETE /api/complaints/{id}/replied|handled` through the real Worker,
 * complaints put there by real polls of the sandbox, over KV held to production's rules (a refused write fails
 * the test unless the test expects it).
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints, SHARED_COMPLAINT_ID } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2 } from "../sandbox/payjs-sandbox";
import { monthOfComplaint } from "../src/domain/history";
import type { Marks } from "../src/domain/marks";
import type { ServedComplaint } from "../src/domain/served";
import { beijingTextOf } from "../src/domain/time";
import { parseJson } from "../src/json";
import { marksKey, presentKey } from "../src/store";
import type { ComplaintBody, ErrorBody, ListBody, StatusBody } from "./support/api";
import { ADMIN_TOKEN, call, clearKv, fireCron, kv, READ_TOKEN, routeUpstreamTo, testEnv } from "./support/worker";

const H = 3_600_000;
const M1: string = SANDBOX_MERCHANT.mchid;
const M2: string = SANDBOX_MERCHANT_2.mchid;
const FIXTURES = fixtureComplaints(M1).length;
let sandbox: PayjsSandbox;
let t0: number;
const e = testEnv({ PAYJS_MERCHANTS: JSON.stringify([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2]) });

/** The answer's JSON, as the route's `T` (not checked here). */
async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

const path = (id: string, mchid?: string, kind = "handled") =>
  `/api/complaints/${encodeURIComponent(id)}/${kind}${mchid === undefined ? "" : `?mchid=${mchid}`}`;

/** `PUT …/handled` with the admin token; `body` goes as it is when a string, else as JSON (undefined: no body). */
function put(id: string, body?: unknown, opts: { mchid?: string; token?: string | null; kind?: "replied" } = {}): Promise<Response> {
  return call(e, path(id, opts.mchid, opts.kind), {
    method: "PUT",
    token: opts.token === undefined ? ADMIN_TOKEN : opts.token,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

function del(id: string, opts: { mchid?: string; token?: string | null; kind?: "replied" } = {}): Promise<Response> {
  return call(e, path(id, opts.mchid, opts.kind), { method: "DELETE", token: opts.token === undefined ? ADMIN_TOKEN : opts.token });
}

async function detail(id: string, mchid = M1): Promise<ServedComplaint> {
  return (await json<ComplaintBody>(await call(e, `/api/complaints/${encodeURIComponent(id)}?mchid=${mchid}`))).complaint;
}

async function list(qs = ""): Promise<ListBody> {
  return json<ListBody>(await call(e, `/api/complaints?limit=500${qs === "" ? "" : `&${qs}`}`));
}

async function csvRows(qs = ""): Promise<string[][]> {
  const text = await (await call(e, `/api/complaints.csv${qs === "" ? "" : `?${qs}`}`)).text();
  // Only rows of single-line cells are split here; the fixtures' multi-line bodies are quoted.
  return text
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter((line) => line !== "")
    .map((line) => line.split(","));
}

async function status(mchid = M1): Promise<StatusBody["merchants"][number] | undefined> {
  const body = await json<StatusBody>(await call(e, "/api/status"));
  return body.merchants.find((m) => m.mchid === mchid);
}

/** The stored handled marks of all a merchant's books (under `marks`, as before replied marks existed). */
async function storedMarks(mchid = M1): Promise<Marks> {
  const texts = await Promise.all((await books(mchid)).map((key) => env.COMPLAINTS.get(key)));
  return Object.assign({}, ...texts.map((text) => (text === null ? {} : (parseJson(text) as { marks: Marks }).marks)));
}

/** Two complaints of merchant 1 that no other merchant shares, of one month, in the list's order; the key of their marks. */
let ids: [string, string];
let book1: string;

/** The keys of a merchant's marks books. */
async function books(mchid: string): Promise<string[]> {
  return (await env.COMPLAINTS.list({ prefix: `marks:${mchid}:` })).keys.map((k) => k.name);
}

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2]);
  sandbox.setComplaints(M1, fixtureComplaints(M1));
  sandbox.setComplaints(M2, fixtureComplaints(M2));
  routeUpstreamTo(sandbox);
  t0 = Date.now();
  await fireCron(e, t0);
  // Two of one month: their marks share a book (one key), whatever day the tests run.
  const own = (await list(`mchid=${M1}`)).complaints.filter((c) => c.id !== SHARED_COMPLAINT_ID);
  const i = own.findIndex((c, k) => k > 0 && monthOfComplaint(c) === monthOfComplaint(own[k - 1] as ServedComplaint));
  ids = [own[i - 1]?.id as string, own[i]?.id as string];
  book1 = marksKey(M1, monthOfComplaint(own[i] as ServedComplaint));
});
afterEach(() => {
  vi.restoreAllMocks();
  kv.failPutsMatching = null;
});

describe("PUT /api/complaints/{id}/handled", () => {
  it("Should mark a complaint with its note and show the mark in the answer, the list, the detail and the CSV", async () => {
    const before = Date.now();
    const res = await put(ids[0], { note: "已退款，客户确认" });
    expect(res.status).toBe(200);
    const { complaint } = await json<ComplaintBody>(res);
    expect(complaint).toMatchObject({ id: ids[0], mchid: M1, active: true, handled: { at: expect.any(String), note: "已退款，客户确认" } });
    expect(Date.parse(complaint.handled!.at)).toBeGreaterThanOrEqual(before);
    expect(complaint.handled!.at).toBe(new Date(Date.parse(complaint.handled!.at)).toISOString());
    expect(Object.keys(complaint).slice(-7)).toEqual(["active", "deadlines", "next_due", "replied", "handled", "refund", "raw"]);

    expect(await detail(ids[0])).toEqual(complaint);
    const listed = (await list()).complaints;
    const { raw, ...lean } = complaint;
    expect(listed.find((c) => c.id === ids[0])).toEqual(lean); // the list leaves raw out
    expect((await list("include=raw")).complaints.find((c) => c.id === ids[0])).toEqual(complaint);
    expect(listed.filter((c) => c.handled !== null)).toHaveLength(1);
    expect(listed.every((c) => "handled" in c)).toBe(true);
    const row = (await csvRows(`mchid=${M1}&q=${ids[0]}`))[1] as string[];
    expect(row[0]).toBe(ids[0]);
    expect(row[11]).toBe(beijingTextOf(complaint.handled!.at, true));
    expect(await storedMarks()).toEqual({ [ids[0]]: complaint.handled });
  });

  it("Should mark without a note for an empty body, {} or no note field, and replace an earlier mark", async () => {
    for (const body of [undefined, "", "{}", { note: "" }]) {
      const res = await put(ids[0], body);
      expect(res.status).toBe(200);
      expect((await json<ComplaintBody>(res)).complaint.handled).toEqual({ at: expect.any(String), note: "", by: null });
    }
    const first = (await json<ComplaintBody>(await put(ids[1], { note: "first" }))).complaint.handled!;
    const second = (await json<ComplaintBody>(await put(ids[1], { note: "second" }))).complaint.handled!;
    expect(second.note).toBe("second");
    expect(Date.parse(second.at)).toBeGreaterThanOrEqual(Date.parse(first.at));
    expect((await detail(ids[1])).handled).toEqual(second);
  });

  it("Should keep a note of exactly 500 characters, emoji counted as one", async () => {
    const note = "😀".repeat(500);
    const res = await put(ids[0], { note });
    expect(res.status).toBe(200);
    expect((await detail(ids[0])).handled!.note).toBe(note);
  });

  it.each([
    ["a note of 501 characters", { note: "x".repeat(501) }, "note"],
    ["a number as note", { note: 42 }, "note"],
    ["null as note", { note: null }, "note"],
    ["an object as note", { note: { text: "x" } }, "note"],
    ["a body that is not JSON", "note=done", "body"],
    ["a body cut short", '{"note":"do', "body"],
    ["a JSON array", "[]", "body"],
    ["a JSON string", '"done"', "body"],
    ["JSON null", "null", "body"],
    ["a mistyped field", { nite: "done" }, "body"],
  ])("Should answer 400 naming the parameter for %s, and store nothing", async (_, body, parameter) => {
    kv.resetCounts();
    const res = await put(ids[0], body);
    expect(res.status).toBe(400);
    expect((await json<ErrorBody>(res)).error).toMatchObject({ code: "bad_request", parameter, message: expect.any(String) });
    expect(kv.writes).toEqual([]);
    expect((await detail(ids[0])).handled).toBeNull();
  });

  it("Should answer 401 without a token, 403 to a read token, and store nothing", async () => {
    const anonymous = await put(ids[0], { note: "x" }, { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await del(ids[0], { token: null })).status).toBe(401);
    const reader = await put(ids[0], { note: "x" }, { token: READ_TOKEN });
    expect(reader.status).toBe(403);
    expect((await json<ErrorBody>(reader)).error.code).toBe("forbidden");
    expect((await del(ids[0], { token: READ_TOKEN })).status).toBe(403);
    expect(await books(M1)).toEqual([]);
  });

  it("Should answer 404 for an unknown id, an unknown mchid, or an id the merchant does not have", async () => {
    for (const res of [
      await put("nope", { note: "x" }),
      await del("nope"),
      await put(ids[0], {}, { mchid: "42" }),
      await put(ids[0], {}, { mchid: M2 }),
    ]) {
      expect(res.status).toBe(404);
      expect((await json<ErrorBody>(res)).error.code).toBe("not_found");
    }
    expect(await books(M1)).toEqual([]);
    expect(await books(M2)).toEqual([]);
  });

  it("Should answer other methods with 405 and Allow: PUT, DELETE", async () => {
    for (const method of ["GET", "POST", "PATCH"]) {
      const res = await call(e, path(ids[0]), { method, token: ADMIN_TOKEN });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("PUT, DELETE");
      expect((await json<ErrorBody>(res)).error.code).toBe("method_not_allowed");
    }
  });

  it("Should mark the merchant's complaint named by ?mchid= when ids repeat, and the detail route's one without", async () => {
    const res = await put(SHARED_COMPLAINT_ID, { note: "second shop" }, { mchid: M2 });
    expect((await json<ComplaintBody>(res)).complaint).toMatchObject({ mchid: M2, handled: { note: "second shop" } });
    expect((await detail(SHARED_COMPLAINT_ID, M2)).handled!.note).toBe("second shop");
    expect((await detail(SHARED_COMPLAINT_ID, M1)).handled).toBeNull();
    expect(await storedMarks(M1)).toEqual({});

    const shown = (await json<ComplaintBody>(await call(e, `/api/complaints/${SHARED_COMPLAINT_ID}`))).complaint;
    const unnamed = (await json<ComplaintBody>(await put(SHARED_COMPLAINT_ID, { note: "unnamed" }))).complaint;
    expect(unnamed.mchid).toBe(shown.mchid);
    expect((await detail(SHARED_COMPLAINT_ID, shown.mchid)).handled!.note).toBe("unnamed");
  });

  it("Should mark a complaint that has left PAYJS's list", async () => {
    sandbox.removeComplaint(M1, ids[0]);
    await fireCron(e, t0 + 4 * H);
    const res = await put(ids[0], { note: "closed upstream" });
    expect(res.status).toBe(200);
    expect((await json<ComplaintBody>(res)).complaint).toMatchObject({ active: false, handled: { note: "closed upstream" } });
    expect((await list("active=false&handled=true")).complaints.map((c) => c.id)).toEqual([ids[0]]);
  });

  it("Should read the marks once and write them once, and serve later reads from the isolate", async () => {
    await list();
    kv.resetCounts();
    await put(ids[0], { note: "x" });
    expect(kv.writes).toEqual([book1]);
    expect(kv.reads).toBe(1);
    await list();
    kv.resetCounts();
    await list();
    await list("handled=true");
    await call(e, "/api/complaints.csv");
    await call(e, `/api/complaints/${ids[0]}`);
    await call(e, "/api/status");
    expect(kv.reads).toBe(0);
  });
});

describe("DELETE /api/complaints/{id}/handled", () => {
  it("Should take the mark off and answer the complaint with handled null", async () => {
    await put(ids[0], { note: "by mistake" });
    await put(ids[1], { note: "stays" });
    const res = await del(ids[0]);
    expect(res.status).toBe(200);
    const { complaint } = await json<ComplaintBody>(res);
    expect(complaint).toMatchObject({ id: ids[0], handled: null });
    expect(Object.keys(complaint).slice(-7)).toEqual(["active", "deadlines", "next_due", "replied", "handled", "refund", "raw"]);
    expect((await detail(ids[0])).handled).toBeNull();
    expect((await detail(ids[1])).handled!.note).toBe("stays");
    expect(Object.keys(await storedMarks())).toEqual([ids[1]]);
  });

  it("Should answer 200 and write nothing for a complaint that carries no mark", async () => {
    kv.resetCounts();
    const res = await del(ids[0]);
    expect(res.status).toBe(200);
    expect((await json<ComplaintBody>(res)).complaint).toMatchObject({ id: ids[0], handled: null });
    expect(kv.writes).toEqual([]);
  });
});

describe("the handled filter", () => {
  it("Should list only marked or only unmarked complaints, with the other filters", async () => {
    await put(ids[0], { note: "a" });
    await put(ids[1], { note: "b" });
    await put(SHARED_COMPLAINT_ID, {}, { mchid: M2 });
    const marked = await list("handled=true");
    expect(marked.total).toBe(3);
    expect(marked.complaints.every((c) => c.handled !== null)).toBe(true);
    const unmarked = await list("handled=false");
    expect(unmarked.total).toBe(2 * FIXTURES - 3);
    expect(unmarked.complaints.every((c) => c.handled === null)).toBe(true);
    expect((await list(`handled=true&mchid=${M1}`)).complaints.map((c) => c.id).sort()).toEqual([...ids].sort());
    expect((await list(`handled=true&mchid=${M2}`)).complaints.map((c) => c.id)).toEqual([SHARED_COMPLAINT_ID]);
    expect((await list(`handled=true&q=${ids[1]}`)).complaints.map((c) => c.id)).toEqual([ids[1]]);
    expect((await list("handled=true&active=false")).total).toBe(0);
    expect((await list("handled=")).total).toBe(2 * FIXTURES);
  });

  it("Should page through handled=true and handled=false with the cursor, every match exactly once", async () => {
    const own = (await list(`mchid=${M1}`)).complaints.map((c) => c.id);
    for (const id of own.filter((_, i) => i % 3 === 0)) await put(id, { note: id }, { mchid: M1 });
    for (const value of ["true", "false"]) {
      const expected = (await list(`handled=${value}`)).complaints.map((c) => c.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: ListBody = await json<ListBody>(
          await call(e, `/api/complaints?handled=${value}&limit=2${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`),
        );
        expect(page.total).toBe(expected.length);
        expect(page.complaints.every((c) => (c.handled !== null) === (value === "true"))).toBe(true);
        seen.push(...page.complaints.map((c) => c.id));
        cursor = page.next_cursor;
        pages++;
      } while (cursor !== null);
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 2));
    }
    const cursor = (await list("handled=true&limit=1")).next_cursor;
    const other = await call(e, `/api/complaints?handled=false&limit=1&cursor=${encodeURIComponent(cursor as string)}`);
    expect(other.status).toBe(400);
    expect((await json<ErrorBody>(other)).error.parameter).toBe("cursor");
  });

  it.each(["maybe", "1", "TRUE", "yes"])("Should answer 400 naming handled for handled=%s, in the list and the CSV", async (value) => {
    for (const route of ["/api/complaints", "/api/complaints.csv"]) {
      const res = await call(e, `${route}?handled=${value}`);
      expect(res.status).toBe(400);
      expect((await json<ErrorBody>(res)).error).toMatchObject({ code: "bad_request", parameter: "handled" });
    }
  });
});

describe("PUT and DELETE /api/complaints/{id}/replied", () => {
  it("Should mark a complaint replied beside its handled mark, move next_due to the resolve deadline, and take it off again", async () => {
    const before = await detail(ids[0]);
    expect(before.next_due).toBe(before.deadlines.reply_by);
    const res = await put(ids[0], { note: "已在商家助手回复" }, { kind: "replied" });
    expect(res.status).toBe(200);
    const { complaint } = await json<ComplaintBody>(res);
    expect(complaint).toMatchObject({ replied: { note: "已在商家助手回复" }, handled: null, next_due: before.deadlines.resolve_by });
    expect(await detail(ids[0])).toEqual(complaint);
    // A handled mark beside it leaves the replied mark as it is, and no deadline open.
    const both = (await json<ComplaintBody>(await put(ids[0], {}))).complaint;
    expect(both).toMatchObject({ replied: complaint.replied, handled: { note: "" }, next_due: null });
    const stored = parseJson((await env.COMPLAINTS.get(book1)) as string) as { replied: Marks; marks: Marks };
    expect(stored.replied).toEqual({ [ids[0]]: complaint.replied });
    const off = (await json<ComplaintBody>(await del(ids[0], { kind: "replied" }))).complaint;
    expect(off).toMatchObject({ replied: null, handled: both.handled, next_due: null });
    expect((await json<ComplaintBody>(await del(ids[0]))).complaint.next_due).toBe(before.deadlines.reply_by);
  });

  it("Should refuse a read token (403), an unknown id (404), a long note (400) and another method (405)", async () => {
    expect((await put(ids[0], {}, { kind: "replied", token: READ_TOKEN })).status).toBe(403);
    expect((await put("nope", {}, { kind: "replied" })).status).toBe(404);
    expect((await put(ids[0], { note: "x".repeat(501) }, { kind: "replied" })).status).toBe(400);
    const post = await call(e, path(ids[0], undefined, "replied"), { method: "POST", token: ADMIN_TOKEN });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("PUT, DELETE");
  });

  it("Should list and count by deadline: sort=due soonest first, overdue=true|false, complaints_overdue and next_due_at", async () => {
    const all = (await list(`mchid=${M1}&sort=due`)).complaints;
    const dues = all.map((c) => c.next_due);
    const withDue = dues.filter((d): d is string => d !== null);
    expect(withDue.map(Date.parse)).toEqual([...withDue.map(Date.parse)].sort((a, b) => a - b));
    expect(dues.slice(withDue.length).every((d) => d === null)).toBe(true);
    const now = Date.now();
    const overdue = all.filter((c) => c.next_due !== null && Date.parse(c.next_due) <= now).map((c) => c.id);
    expect((await list(`mchid=${M1}&overdue=true`)).complaints.map((c) => c.id).sort()).toEqual([...overdue].sort());
    expect((await list(`mchid=${M1}&overdue=false`)).total).toBe(all.length - overdue.length);
    const entry = await status(M1);
    expect(entry).toMatchObject({ complaints_overdue: overdue.length });
    const ahead = withDue.filter((d) => Date.parse(d) > now);
    expect(entry?.next_due_at ?? null).toBe(ahead[0] ?? null);
    expect((await call(e, "/api/complaints?sort=soon")).status).toBe(400);
  });
});

describe("the CSV", () => {
  it("Should give every row handled_at and replied_at (empty when unmarked) and the deadlines, all in Beijing time, and filter by handled", async () => {
    const at = (await json<ComplaintBody>(await put(ids[0], { note: "=cmd|' /C calc'!A0" }))).complaint.handled!.at;
    const replied = (await json<ComplaintBody>(await put(ids[1], {}, { kind: "replied" }))).complaint;
    const rows = await csvRows(`mchid=${M1}`);
    expect((rows[0] as string[]).join(",")).toBe(
      "id,mchid,complaint_at,out_trade_no,order_id,total_fee,total_fee_yuan,body,active,first_seen_at,last_seen_at,handled_at,replied_at,reply_by,resolve_by",
    );
    const text = await (await call(e, `/api/complaints.csv?mchid=${M1}`)).text();
    expect(text).not.toContain("calc");
    // No ISO offset or Z anywhere: every time is a Beijing wall-clock cell.
    expect(text).not.toMatch(/\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+08:00)/);
    const byId = new Map(rows.slice(1).map((r) => [r[0], r]));
    const seconds = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
    expect(byId.get(ids[0])?.slice(11, 13)).toEqual([beijingTextOf(at, true), ""]);
    expect(byId.get(ids[1])?.slice(11, 15)).toEqual([
      "",
      beijingTextOf(replied.replied!.at, true),
      beijingTextOf(replied.deadlines.reply_by!, true),
      beijingTextOf(replied.deadlines.resolve_by!, true),
    ]);
    for (const cell of [2, 9, 10, 13, 14].map((i) => byId.get(ids[1])?.[i])) expect(cell).toMatch(seconds);
    const marked = await csvRows("handled=true");
    expect(marked.slice(1).map((r) => r[0])).toEqual([ids[0]]);
    expect((await csvRows("handled=false")).length - 1).toBe(2 * FIXTURES - 1);
  });
});

describe("marks and polls", () => {
  it("Should keep a mark made between two polls through both, and the polls' data with the mark", async () => {
    const { complaint: marked } = await json<ComplaintBody>(await put(ids[0], { note: "客服已联系" }));
    const items = fixtureComplaints(M1).map((c) => (c.complaint_id === ids[0] ? { ...c, body: "补充：仍未退款" } : c));
    sandbox.setComplaints(M1, items);
    kv.resetCounts();
    await fireCron(e, t0 + 4 * H);
    expect(kv.writes).toContain(presentKey(M1));
    expect(kv.writes.filter((k) => k.startsWith("marks:"))).toEqual([]);
    let c = await detail(ids[0]);
    expect(c).toMatchObject({ body: "补充：仍未退款", active: true, handled: marked.handled });
    expect(c.last_seen_at).toBe(new Date(t0 + 4 * H).toISOString());

    sandbox.removeComplaint(M1, ids[0]);
    await fireCron(e, t0 + 8 * H);
    c = await detail(ids[0]);
    expect(c).toMatchObject({ body: "补充：仍未退款", active: false, handled: marked.handled });
    expect(await storedMarks()).toEqual({ [ids[0]]: marked.handled });
    expect((await status())?.complaints_unhandled).toBe(FIXTURES - 1);
  });

  it("Should lose nothing when a mark and a poll come in the same second, either way round", async () => {
    sandbox.addComplaint(M1, {
      complaint_id: "NEW-1",
      complaint_at: "2026-11-27 10:00:00",
      order_id: "O",
      out_trade_no: "T",
      total_fee: 100,
      body: "新投诉",
    });
    await put(ids[0], { note: "before the poll" });
    await fireCron(e, t0 + 4 * H);
    sandbox.addComplaint(M1, {
      complaint_id: "NEW-2",
      complaint_at: "2026-11-27 11:00:00",
      order_id: "O",
      out_trade_no: "T",
      total_fee: 100,
      body: "又一个",
    });
    await fireCron(e, t0 + 8 * H);
    await put("NEW-1", { note: "after the poll" });
    sandbox.addComplaint(M1, {
      complaint_id: "NEW-3",
      complaint_at: "2026-11-27 12:00:00",
      order_id: "O",
      out_trade_no: "T",
      total_fee: 100,
      body: "第三个",
    });
    // Overlapping for real: the poll and the mark run at once.
    const [res] = await Promise.all([put(ids[1], { note: "during the poll" }), fireCron(e, t0 + 12 * H)]);
    expect(res.status).toBe(200);

    const marked = (await list("handled=true")).complaints.map((c) => [c.id, c.handled!.note] as const);
    expect(new Map(marked)).toEqual(
      new Map([
        [ids[0], "before the poll"],
        ["NEW-1", "after the poll"],
        [ids[1], "during the poll"],
      ]),
    );
    const all = (await list(`mchid=${M1}`)).complaints.map((c) => c.id);
    expect(all).toEqual(expect.arrayContaining(["NEW-1", "NEW-2", "NEW-3", ids[0], ids[1]]));
    expect(all).toHaveLength(FIXTURES + 3);
    // The setup fails the test if KV refused any write.
  });

  it("Should store both of two marks of one merchant made at once, the second after KV's refusal", async () => {
    const [a, b] = await Promise.all([put(ids[0], { note: "one" }), put(ids[1], { note: "two" })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // The second write within the second was refused, as production KV would; the route waited and wrote again.
    expect(kv.violations.splice(0)).toEqual([expect.stringMatching(new RegExp(`^${book1}: 429`))]);
    const stored = await storedMarks();
    expect(Object.fromEntries(Object.entries(stored).map(([id, m]) => [id, m.note]))).toEqual({ [ids[0]]: "one", [ids[1]]: "two" });
    expect((await list("handled=true")).complaints.map((c) => c.handled!.note).sort()).toEqual(["one", "two"]);
  });

  it("Should answer 503 storage, without a stack, when KV refuses the write twice", async () => {
    kv.failPutsMatching = /^marks:/;
    const res = await put(ids[0], { note: "lost" });
    expect(res.status).toBe(503);
    const text = await res.text();
    expect((JSON.parse(text) as ErrorBody).error).toMatchObject({ code: "storage", message: expect.stringContaining("not saved") });
    expect(text).not.toMatch(/\bat .*\.(ts|js)|Error:/);
    kv.failPutsMatching = null;
    expect((await detail(ids[0])).handled).toBeNull();
  });
});

describe("ETags and the status", () => {
  it("Should change every ETag when a mark changes, so a changed mark never answers 304", async () => {
    const routes = ["/api/complaints", `/api/complaints/${ids[0]}`, "/api/complaints.csv", "/api/status"];
    const tags = async () => Promise.all(routes.map(async (r) => (await call(e, r)).headers.get("etag") as string));
    const first = await tags();
    for (const [i, route] of routes.entries()) {
      expect((await call(e, route, { headers: { "if-none-match": first[i] as string } })).status).toBe(304);
    }
    await put(ids[0], { note: "x" });
    const marked = await tags();
    for (const [i, route] of routes.entries()) {
      expect(marked[i]).not.toBe(first[i]);
      expect((await call(e, route, { headers: { "if-none-match": first[i] as string } })).status).toBe(200);
    }
    await put(ids[0], { note: "y" });
    const edited = await tags();
    expect(edited.every((tag, i) => tag !== marked[i])).toBe(true);
    await del(ids[0]);
    const unmarked = await tags();
    expect(unmarked.every((tag, i) => tag !== edited[i])).toBe(true);
  });

  it("Should count each merchant's active complaints without a mark as complaints_unhandled", async () => {
    expect(await status(M1)).toMatchObject({ complaints_active: FIXTURES, complaints_unhandled: FIXTURES });
    await put(ids[0], {});
    await put(ids[1], {});
    await put(SHARED_COMPLAINT_ID, {}, { mchid: M2 });
    expect(await status(M1)).toMatchObject({ complaints_active: FIXTURES, complaints_unhandled: FIXTURES - 2 });
    expect(await status(M2)).toMatchObject({ complaints_active: FIXTURES, complaints_unhandled: FIXTURES - 1 });
    // A vanished complaint is not active: its mark no longer counts, nor does the complaint.
    sandbox.removeComplaint(M1, ids[0]);
    await fireCron(e, t0 + 4 * H);
    expect(await status(M1)).toMatchObject({ complaints_active: FIXTURES - 1, complaints_unhandled: FIXTURES - 2 });
    await del(ids[1]);
    expect((await status(M1))?.complaints_unhandled).toBe(FIXTURES - 1);
  });
});

describe("CORS", () => {
  it("Should let a listed origin send PUT and DELETE", async () => {
    const res = await call(testEnv({ CORS_ORIGINS: "https://shop.example" }), path(ids[0]), {
      method: "OPTIONS",
      token: null,
      headers: { origin: "https://shop.example", "access-control-request-method": "PUT" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-methods")).toMatch(/PUT.*DELETE|DELETE.*PUT/);
  });
});
