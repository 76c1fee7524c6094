import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { complaintAt, snapshotOf } from "../../test/support/snapshot";
import { DEFAULT_RULES, type DeadlineRules } from "../domain/deadlines";
import { emptyBook, type MarkBook, type MarkKind } from "../domain/marks";
import type { ServedComplaint } from "../domain/served";
import { toBeijingIso } from "../domain/time";
import { md5 } from "../md5";
import { listBody } from "./list-body";
import { type MarksView, NO_MARKS } from "./marks";
import { type Filter, findComplaint, type ListQuery, matchingRows, pageOf, parseListQuery, QueryError } from "./query";
import type { Snapshot } from "./snapshot";
import { buildView, servedRow } from "./view";

const MCHIDS = new Set(["100", "200"]);

const query = (qs: string) => parseListQuery(new URLSearchParams(qs), MCHIDS);
/** 2026-11-08 12:00 in Beijing. */
const NOW = Date.parse("2026-11-08T04:00:00Z");
const handling = (marks: MarksView = NO_MARKS, now = NOW, rules: DeadlineRules = DEFAULT_RULES) => ({ marks, rules, now });
const NONE = handling();

/** What a list request is answered against: the marks, the deadline settings, and when `overdue` is decided. */
interface Handling {
  marks: MarksView;
  rules: DeadlineRules;
  now: number;
}
/** A page as the list answers it (through its one serializer). */
function listPage(snapshot: Snapshot, q: ListQuery, h: Handling) {
  const body = listBody(pageOf(buildView(snapshot, h.marks, h.rules), q, h.now), q.raw, null);
  return JSON.parse(new TextDecoder().decode(body)) as { complaints: ServedComplaint[]; total: number; next_cursor: string | null };
}
/** A page's rows, each with its marks. */
function pageSlice(snapshot: Snapshot, q: ListQuery, h: Handling) {
  const page = pageOf(buildView(snapshot, h.marks, h.rules), q, h.now);
  return { ...page, complaints: page.rows.map((r) => r.complaint), marks: page.rows.map((r) => r.marks) };
}
/** Every match, as the CSV gets them. */
const allMatches = (snapshot: Snapshot, f: Filter, h: Handling) =>
  matchingRows(buildView(snapshot, h.marks, h.rules), f, h.now).map(servedRow);

function parameterOf(qs: string): string {
  try {
    query(qs);
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError);
    return (error as QueryError).parameter;
  }
  throw new Error(`expected ${qs} to be rejected`);
}

const data = snapshotOf([
  complaintAt("a", "100", "2026-11-08T01:13:29+08:00", { body: "商品未收到 Refund" }),
  complaintAt("b", "200", "2026-11-07T23:59:59+08:00", { active: false }),
  complaintAt("c", "100", "2026-11-07T00:00:00+08:00"),
  complaintAt("d", "100", "not a time"),
  complaintAt("e", "200", "2026-11-08T01:13:29+08:00"),
]);
const ids = (qs: string, h: Handling = NONE) => listPage(data, query(qs), h).complaints.map((c) => c.id);

describe("parseListQuery", () => {
  it.each([
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["limit=ten", "limit"],
    ["limit=1.5", "limit"],
    ["active=yes", "active"],
    ["handled=yes", "handled"],
    ["handled=1", "handled"],
    ["handled=TRUE", "handled"],
    ["since=2026-13-01", "since"],
    ["since=2026-02-30", "since"],
    ["until=2026-11-08T01:13:29", "until"],
    ["since=yesterday", "since"],
    ["since=2026-11-09&until=2026-11-08", "since"],
    ["mchid=999", "mchid"],
    ["cursor=%%%", "cursor"],
    ["cursor=WzEsMiwzXQ", "cursor"],
    ["include=foo", "include"],
    ["include=RAW", "include"],
    ["include=raw,raw", "include"],
    ["include=raw%20", "include"],
    ["overdue=yes", "overdue"],
    ["overdue=1", "overdue"],
    ["sort=oldest", "sort"],
    ["sort=DUE", "sort"],
    ["sort=due,newest", "sort"],
  ])("Should reject %s naming %s", (qs, parameter) => {
    expect(parameterOf(qs)).toBe(parameter);
  });

  it.each([
    ["since=2026-02-30T10:00:00Z", "since"],
    ["until=2026-11-08T24:00:00%2B08:00", "until"],
    ["since=2026-11-08T23:60Z", "since"],
    ["until=2026-11-08T23:59:60Z", "until"],
    ["until=2026-04-31T00:00:00Z", "until"],
  ])("Should reject the instant that does not exist in %s naming %s", (qs, parameter) => {
    expect(parameterOf(qs)).toBe(parameter);
  });

  it("Should keep reading real instants, with an offset or Z, as given", () => {
    expect(query("since=2026-11-08T01:13:29%2B08:00").filter.since).toBe(Date.parse("2026-11-07T17:13:29Z"));
    expect(query("until=2026-11-07T17:13:29.5Z").filter.until).toBe(Date.parse("2026-11-07T17:13:29.500Z"));
    expect(query("since=2024-02-29T23:59Z").filter.since).toBe(Date.UTC(2024, 1, 29, 23, 59));
  });

  it("Should treat empty parameters as absent", () => {
    expect(query("limit=&since=&active=&q=&mchid=&cursor=&handled=&include=&overdue=&sort=")).toEqual(query(""));
  });

  it("Should sort newest first unless asked for sort=due", () => {
    expect(query("").sort).toBe("newest");
    expect(query("sort=newest").sort).toBe("newest");
    expect(query("sort=due").sort).toBe("due");
    expect(query("overdue=true").filter.overdue).toBe(true);
    expect(query("overdue=false").filter.overdue).toBe(false);
    expect(query("").filter.overdue).toBeNull();
  });

  it("Should name sort in the message of a bad sort", () => {
    expect(() => query("sort=oldest")).toThrow(/sort/);
  });

  it("Should ask for raw only with include=raw", () => {
    expect(query("").raw).toBe(false);
    expect(query("include=raw").raw).toBe(true);
  });
});

function marksView(marked: Record<string, string[]>, kind: MarkKind = "handled", also: Record<string, string[]> = {}): MarksView {
  const byMerchant = new Map<string, { book: MarkBook; rev: string; error: null }>();
  const other: MarkKind = kind === "handled" ? "replied" : "handled";
  for (const mchid of new Set([...Object.keys(marked), ...Object.keys(also)])) {
    const book = emptyBook();
    for (const id of marked[mchid] ?? []) book[kind][id] = { at: "2026-11-09T00:00:00.000Z", note: `note ${id}`, by: null };
    for (const id of also[mchid] ?? []) book[other][id] = { at: "2026-11-08T00:00:00.000Z", note: `${other} ${id}`, by: null };
    byMerchant.set(mchid, { book, rev: [...(marked[mchid] ?? []), "|", ...(also[mchid] ?? [])].join("+"), error: null });
  }
  return { byMerchant, revision: "m" };
}

describe("handled marks in a page", () => {
  // "c" is marked for merchant 200 only: a mark belongs to one merchant's complaint, not to an id.
  const marks = handling(marksView({ "100": ["a", "d"], "200": ["c", "__proto__"] }));
  const page = (qs: string) => listPage(data, query(qs), marks).complaints;

  it("Should show each complaint's mark after active and before raw, null when unmarked", () => {
    const [a, e] = page("limit=2");
    expect(a?.handled).toEqual({ at: "2026-11-09T00:00:00.000Z", note: "note a", by: null });
    expect(e?.handled).toBeNull();
    expect(Object.keys(a ?? {}).slice(-6)).toEqual(["active", "deadlines", "next_due", "replied", "handled", "refund"]);
    expect(Object.keys(page("limit=2&include=raw")[0] ?? {}).slice(-4)).toEqual(["replied", "handled", "refund", "raw"]);
    expect(listPage(data, query(""), NONE).complaints.every((c) => c.handled === null && c.replied === null)).toBe(true);
  });

  it("Should filter by handled=true|false, alone and with other filters", () => {
    expect(page("handled=true").map((c) => c.id)).toEqual(["a", "d"]);
    expect(page("handled=false").map((c) => c.id)).toEqual(["e", "b", "c"]);
    expect(page("handled=false&mchid=100").map((c) => c.id)).toEqual(["c"]);
    expect(allMatches(data, query("handled=true&q=refund").filter, marks).map((c) => c.id)).toEqual(["a"]);
  });

  it("Should page a handled filter with its cursor, and refuse that cursor for another filter", () => {
    const first = listPage(data, query("handled=false&limit=2"), marks);
    expect(first.complaints.map((c) => c.id)).toEqual(["e", "b"]);
    expect(first.total).toBe(3);
    const cursor = first.next_cursor as string;
    expect(listPage(data, query(`handled=false&limit=2&cursor=${cursor}`), marks).complaints.map((c) => c.id)).toEqual(["c"]);
    expect(parameterOf(`handled=true&limit=2&cursor=${cursor}`)).toBe("cursor");
    expect(parameterOf(`limit=2&cursor=${cursor}`)).toBe("cursor");
  });

  it("Should keep the cursor of a query without handled as it was before the filter existed", () => {
    const cursor = listPage(data, query("limit=1&active=true"), marks).next_cursor as string;
    // [at, mchid, id, md5 of the filter's JSON without handled]: what an earlier version handed out.
    const tag = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")))[3];
    const { handled: _, overdue: __, ...before } = query("active=true").filter;
    expect(tag).toBe(md5(JSON.stringify(before)).slice(0, 8));
  });

  it("Should find the complaint the detail route shows: the newest with the id, or the merchant's", () => {
    const twice = snapshotOf([complaintAt("x", "100", "2026-11-01T00:00:00+08:00"), complaintAt("x", "200", "2026-11-02T00:00:00+08:00")]);
    expect(findComplaint(twice, "x", null)?.complaint.mchid).toBe("200");
    expect(findComplaint(twice, "x", "100")?.merchant.mchid).toBe("100");
    expect(findComplaint(twice, "y", null)).toBeNull();
  });
});

describe("listPage", () => {
  it("Should list newest complaint_at first, unparseable times last, ties by mchid then id", () => {
    expect(ids("")).toEqual(["a", "e", "b", "c", "d"]);
  });

  it("Should leave raw out of every item unless asked with include=raw, and show it then as the detail does", () => {
    const withRaw = { ...data, complaints: data.complaints.map((c) => ({ ...c, raw: { complaint_id: c.id, extra: [1] } })) };
    const lean = listPage(withRaw, query("limit=500"), NONE).complaints;
    expect(lean).toHaveLength(5);
    expect(lean.every((c) => !("raw" in c))).toBe(true);
    const full = listPage(withRaw, query("limit=500&include=raw"), NONE).complaints;
    expect(full.map((c) => c.raw)).toEqual(withRaw.complaints.map((c) => ({ complaint_id: c.id, extra: [1] })));
    expect(full.map(({ raw, ...rest }) => rest)).toEqual(lean);
    expect(full).toEqual(allMatches(withRaw, query("").filter, NONE));
  });

  it("Should accept a cursor of a page without raw for the next page with it", () => {
    const first = listPage(data, query("limit=2"), NONE);
    const next = listPage(data, query(`limit=2&include=raw&cursor=${first.next_cursor}`), NONE).complaints;
    expect(next.map((c) => c.id)).toEqual(["b", "c"]);
    expect(next.every((c) => "raw" in c)).toBe(true);
  });

  it("Should count the page and all matches", () => {
    const page = listPage(data, query("limit=2"), NONE);
    expect(page.complaints).toHaveLength(2);
    expect(page.total).toBe(5);
    expect(page.next_cursor).toEqual(expect.any(String));
  });

  it("Should filter by merchant, activity and search text in any case", () => {
    expect(ids("mchid=200")).toEqual(["e", "b"]);
    expect(ids("active=false")).toEqual(["b"]);
    expect(ids("active=true&mchid=100")).toEqual(["a", "c", "d"]);
    expect(ids("q=REFUND")).toEqual(["a"]);
    expect(ids("q=未收到")).toEqual(["a"]);
    expect(ids("q=ord-c")).toEqual(["c"]);
    expect(ids("q=ot-e")).toEqual(["e"]);
  });

  it("Should read since/until dates as whole Beijing days and instants as given", () => {
    expect(ids("since=2026-11-08")).toEqual(["a", "e"]);
    expect(ids("until=2026-11-07")).toEqual(["b", "c"]);
    expect(ids("since=2026-11-07&until=2026-11-07")).toEqual(["b", "c"]);
    expect(ids("since=2026-11-07T15:59:59Z")).toEqual(["a", "e", "b"]);
    expect(ids("until=2026-11-07T00:00:00%2B08:00")).toEqual(["c"]);
  });

  it("Should refuse a cursor from a query with other filters", () => {
    const cursor = listPage(data, query("limit=1"), NONE).next_cursor as string;
    expect(parameterOf(`limit=1&active=true&cursor=${cursor}`)).toBe("cursor");
    expect(parameterOf(`limit=1&overdue=false&cursor=${cursor}`)).toBe("cursor");
  });

  it("Should page without a filter exactly as with a filter every complaint matches", () => {
    // handled=false matches every complaint when none is marked, and takes the general path.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom("100", "200"), fc.boolean()), { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 41 }),
        (rows, limit, firstLimit) => {
          const at = (n: number) => (n === 0 ? "not a time" : toBeijingIso(Date.UTC(2026, 10, 1) + n * 3_600_000));
          const snapshot = snapshotOf(rows.map(([n, m, active], i) => complaintAt(`x${i}`, m, at(n), { active })));
          const pages = ["", "handled=false"].map((filter) => {
            const first = pageSlice(snapshot, query(`${filter}&limit=${firstLimit}`), NONE);
            const cursor = first.next_cursor === null ? "" : `&cursor=${first.next_cursor}`;
            return [first, pageSlice(snapshot, query(`${filter}&limit=${limit}${cursor}`), NONE)].map((p) => ({
              ids: p.complaints.map((c) => c.id),
              marks: p.marks,
              total: p.total,
              more: p.next_cursor !== null,
            }));
          });
          expect(pages[0]).toEqual(pages[1]);
        },
      ),
    );
  });

  it("Should yield every match exactly once across pages, even when complaints arrive in between", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom("100", "200"), fc.boolean()), { maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom("", "active=true", "mchid=100"),
        (rows, arrivals, limit, filter) => {
          const at = (n: number) => toBeijingIso(Date.UTC(2026, 10, 1) + n * 3_600_000);
          let all = rows.map(([n, m, active], i) => complaintAt(`x${i}`, m, at(n), { active }));
          const expected = listPage(snapshotOf(all), query(`${filter}&limit=500`), NONE).complaints.map((c) => c.id);
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const qs: string = `${filter}&limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`;
            const page = listPage(snapshotOf(all), query(qs), NONE);
            seen.push(...page.complaints.map((c) => c.id));
            cursor = page.next_cursor;
            const n = arrivals[pages];
            if (n !== undefined) all = [...all, complaintAt(`new${pages}`, "100", at(n))];
            pages++;
          } while (cursor !== null && pages < 200);
          const original = seen.filter((id) => !id.startsWith("new"));
          expect(original).toEqual(expected);
          expect(new Set(seen).size).toBe(seen.length);
        },
      ),
    );
  });
});

/*
 * The data's deadlines (24 h and 72 h after complaint_at):
 * a and e: reply 2026-11-09 01:13:29, resolve 2026-11-11 01:13:29; c: reply 2026-11-08 00:00, resolve 2026-11-10 00:00;
 * d (complaint_at is text, so from first_seen_at, 2026-11-01 08:00): reply 2026-11-02 08:00, resolve 2026-11-04 08:00;
 * b is no longer active: no next_due. At NOW (2026-11-08 12:00) c and d are overdue.
 */
describe("deadlines in a page", () => {
  it("Should give each complaint its deadlines and the earliest still open as next_due", () => {
    const byId = Object.fromEntries(listPage(data, query(""), NONE).complaints.map((c) => [c.id, c]));
    expect(byId.a?.deadlines).toEqual({ reply_by: "2026-11-09T01:13:29+08:00", resolve_by: "2026-11-11T01:13:29+08:00" });
    expect(byId.a?.next_due).toBe("2026-11-09T01:13:29+08:00");
    expect(byId.d?.deadlines).toEqual({ reply_by: "2026-11-02T08:00:00+08:00", resolve_by: "2026-11-04T08:00:00+08:00" });
    expect(byId.b?.next_due).toBeNull();
  });

  it("Should filter by overdue=true|false at the time it is given", () => {
    expect(ids("overdue=true")).toEqual(["c", "d"]);
    expect(ids("overdue=false")).toEqual(["a", "e", "b"]);
    // Before anything was due, nothing is overdue; long after, every active complaint is.
    expect(ids("overdue=true", handling(NO_MARKS, Date.parse("2026-11-01T00:00:00Z")))).toEqual([]);
    expect(ids("overdue=true", handling(NO_MARKS, Date.parse("2026-12-01T00:00:00Z")))).toEqual(["a", "e", "c", "d"]);
    // The moment a deadline comes, it is overdue.
    expect(ids("overdue=true&mchid=200", handling(NO_MARKS, Date.parse("2026-11-09T01:13:29+08:00")))).toEqual(["e"]);
    expect(ids("overdue=true&mchid=200", handling(NO_MARKS, Date.parse("2026-11-09T01:13:28+08:00")))).toEqual([]);
  });

  it("Should not count a replied complaint overdue while only its reply deadline passed, nor a handled one at all", () => {
    const replied = handling(marksView({ "100": ["c"] }, "replied"));
    expect(ids("overdue=true", replied)).toEqual(["d"]);
    expect(ids("overdue=false", replied)).toEqual(["a", "e", "b", "c"]);
    const handled = handling(marksView({ "100": ["d"] }, "handled"));
    expect(ids("overdue=true", handled)).toEqual(["c"]);
    // Combined with the other filters.
    expect(ids("overdue=true&handled=false&mchid=100", handled)).toEqual(["c"]);
    expect(ids("overdue=false&handled=true", handled)).toEqual(["d"]);
  });

  it("Should follow the deadline settings it is given", () => {
    const noReply = handling(NO_MARKS, NOW, { ...DEFAULT_RULES, replyWithinHours: null });
    // Only resolve deadlines: d's (2026-11-04) passed, c's (2026-11-10) did not.
    expect(ids("overdue=true", noReply)).toEqual(["d"]);
    const none = handling(NO_MARKS, NOW, { replyWithinHours: null, resolveWithinHours: null, remindBeforeHours: [] });
    expect(ids("overdue=true", none)).toEqual([]);
    expect(listPage(data, query(""), none).complaints.every((c) => c.next_due === null)).toBe(true);
  });

  it("Should sort by next_due with sort=due, soonest first, those without one last, ties newest first", () => {
    expect(ids("sort=due")).toEqual(["d", "c", "a", "e", "b"]);
    const page = listPage(data, query("sort=due"), NONE);
    const dues = page.complaints.map((c) => c.next_due);
    expect(dues).toEqual([
      "2026-11-02T08:00:00+08:00",
      "2026-11-08T00:00:00+08:00",
      "2026-11-09T01:13:29+08:00",
      "2026-11-09T01:13:29+08:00",
      null,
    ]);
    expect(page.total).toBe(5);
  });

  it("Should sort by the deadline the marks leave open", () => {
    // c handled: no next_due, after b (newer) among those without one; d replied: its resolve deadline, after c's old place.
    const h = handling(marksView({ "100": ["c"] }, "handled", { "100": ["d", "a"] }));
    const page = listPage(data, query("sort=due"), h).complaints;
    expect(page.map((c) => [c.id, c.next_due])).toEqual([
      ["d", "2026-11-04T08:00:00+08:00"],
      ["e", "2026-11-09T01:13:29+08:00"],
      ["a", "2026-11-11T01:13:29+08:00"],
      ["b", null],
      ["c", null],
    ]);
    expect(ids("sort=due&mchid=100&overdue=false", h)).toEqual(["a", "c"]);
  });

  it("Should refuse a sort=due cursor for sort=newest and the other way round", () => {
    const due = listPage(data, query("sort=due&limit=2"), NONE).next_cursor as string;
    expect(due).toEqual(expect.any(String));
    expect(parameterOf(`limit=2&cursor=${due}`)).toBe("cursor");
    expect(parameterOf(`sort=newest&limit=2&cursor=${due}`)).toBe("cursor");
    expect(parameterOf(`sort=due&limit=2&overdue=false&cursor=${due}`)).toBe("cursor");
    const newest = listPage(data, query("limit=2"), NONE).next_cursor as string;
    expect(parameterOf(`sort=due&limit=2&cursor=${newest}`)).toBe("cursor");
    // A cursor of the due fingerprint without its next_due is refused too.
    const bare = btoa(JSON.stringify(JSON.parse(atob(due.replace(/-/g, "+").replace(/_/g, "/"))).slice(0, 4))).replace(/=+$/, "");
    expect(parameterOf(`sort=due&limit=2&cursor=${bare}`)).toBe("cursor");
    expect(listPage(data, query(`sort=due&limit=2&cursor=${due}`), NONE).complaints.map((c) => c.id)).toEqual(["a", "e"]);
  });

  it("Should yield every match exactly once across sort=due pages, in the order of one long page", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 40 }),
            fc.constantFrom("100", "200"),
            fc.boolean(),
            fc.constantFrom("none", "replied", "handled"),
          ),
          { maxLength: 50 },
        ),
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom("", "active=true", "mchid=100", "overdue=false", "overdue=true", "handled=false"),
        fc.integer({ min: 0, max: 120 }),
        (rows, arrivals, limit, filter, hoursAfter) => {
          // Many share a complaint_at, so many share a next_due: ties must page correctly too.
          const at = (n: number) => (n === 0 ? "not a time" : toBeijingIso(Date.UTC(2026, 10, 1) + n * 3_600_000));
          const replied: Record<string, string[]> = { "100": [], "200": [] };
          const handled: Record<string, string[]> = { "100": [], "200": [] };
          let all = rows.map(([n, m, active, mark], i) => {
            if (mark === "replied") replied[m]?.push(`x${i}`);
            if (mark === "handled") handled[m]?.push(`x${i}`);
            return complaintAt(`x${i}`, m, at(n), { active });
          });
          const h = handling(marksView(handled, "handled", replied), Date.UTC(2026, 10, 1) + hoursAfter * 3_600_000);
          const whole = listPage(snapshotOf(all), query(`${filter}&sort=due&limit=500`), h).complaints;
          const dues = whole.map((c) => (c.next_due === null ? Number.POSITIVE_INFINITY : Date.parse(c.next_due)));
          expect(dues).toEqual([...dues].sort((x, y) => x - y));
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const qs: string = `${filter}&sort=due&limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`;
            const page = listPage(snapshotOf(all), query(qs), h);
            expect(page.complaints.length).toBeLessThanOrEqual(limit);
            seen.push(...page.complaints.map((c) => c.id));
            cursor = page.next_cursor;
            const n = arrivals[pages];
            if (n !== undefined) all = [...all, complaintAt(`new${pages}`, "100", at(n))];
            pages++;
          } while (cursor !== null && pages < 200);
          expect(seen.filter((id) => !id.startsWith("new"))).toEqual(whole.map((c) => c.id));
          expect(new Set(seen).size).toBe(seen.length);
        },
      ),
    );
  });
});
