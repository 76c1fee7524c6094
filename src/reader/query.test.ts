import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Complaint } from "../domain/complaint";
import { type Marks, noMarks } from "../domain/handled";
import type { Merchant } from "../domain/merchant";
import { comparePositions, positionOf } from "../domain/order";
import { toBeijingIso } from "../domain/time";
import { md5 } from "../md5";
import type { MarksView } from "./marks";
import { allMatches, findComplaint, listPage, pageSlice, parseListQuery, QueryError } from "./query";
import type { Snapshot } from "./snapshot";

const MCHIDS = new Set(["100", "200"]);

function complaint(id: string, mchid: string, at: string, extra: Partial<Complaint> = {}): Complaint {
  return {
    id,
    mchid,
    complaint_at: at,
    out_trade_no: `OT-${id}`,
    order_id: `ORD-${id}`,
    total_fee: 100,
    body: `body ${id}`,
    first_seen_at: "2026-11-01T00:00:00.000Z",
    last_seen_at: "2026-11-01T00:00:00.000Z",
    active: true,
    raw: {},
    ...extra,
  };
}

function snapshotOf(complaints: Complaint[]): Snapshot {
  const sorted = [...complaints].sort((a, b) => comparePositions(positionOf(a), positionOf(b)));
  return {
    merchants: [] as { merchant: Merchant }[] as Snapshot["merchants"],
    complaints: sorted,
    positions: sorted.map(positionOf),
    revision: "r",
    updatedAt: null,
  };
}

const query = (qs: string) => parseListQuery(new URLSearchParams(qs), MCHIDS);

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
  complaint("a", "100", "2026-11-08T01:13:29+08:00", { body: "商品未收到 Refund" }),
  complaint("b", "200", "2026-11-07T23:59:59+08:00", { active: false }),
  complaint("c", "100", "2026-11-07T00:00:00+08:00"),
  complaint("d", "100", "not a time"),
  complaint("e", "200", "2026-11-08T01:13:29+08:00"),
]);
const ids = (qs: string) => listPage(data, query(qs)).complaints.map((c) => c.id);

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
    expect(query("limit=&since=&active=&q=&mchid=&cursor=&handled=&include=")).toEqual(query(""));
  });

  it("Should ask for raw only with include=raw", () => {
    expect(query("").raw).toBe(false);
    expect(query("include=raw").raw).toBe(true);
  });
});

function marksView(marked: Record<string, string[]>): MarksView {
  const byMerchant = new Map<string, { marks: Marks; rev: string; error: null }>();
  for (const [mchid, ids] of Object.entries(marked)) {
    const marks = noMarks();
    for (const id of ids) marks[id] = { at: "2026-11-09T00:00:00.000Z", note: `note ${id}` };
    byMerchant.set(mchid, { marks, rev: ids.join("+"), error: null });
  }
  return { byMerchant, revision: "m" };
}

describe("handled marks in a page", () => {
  // "c" is marked for merchant 200 only: a mark belongs to one merchant's complaint, not to an id.
  const marks = marksView({ "100": ["a", "d"], "200": ["c", "__proto__"] });
  const page = (qs: string) => listPage(data, query(qs), marks).complaints;

  it("Should show each complaint's mark after active and before raw, null when unmarked", () => {
    const [a, e] = page("limit=2");
    expect(a?.handled).toEqual({ at: "2026-11-09T00:00:00.000Z", note: "note a" });
    expect(e?.handled).toBeNull();
    expect(Object.keys(a ?? {}).slice(-3)).toEqual(["last_seen_at", "active", "handled"]);
    expect(Object.keys(page("limit=2&include=raw")[0] ?? {}).slice(-3)).toEqual(["active", "handled", "raw"]);
    expect(listPage(data, query("")).complaints.every((c) => c.handled === null)).toBe(true);
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
    const { handled: _, ...before } = query("active=true").filter;
    expect(tag).toBe(md5(JSON.stringify(before)).slice(0, 8));
  });

  it("Should find the complaint the detail route shows: the newest with the id, or the merchant's", () => {
    const twice = snapshotOf([complaint("x", "100", "2026-11-01T00:00:00+08:00"), complaint("x", "200", "2026-11-02T00:00:00+08:00")]);
    expect(findComplaint(twice, "x", null)?.mchid).toBe("200");
    expect(findComplaint(twice, "x", "100")?.mchid).toBe("100");
    expect(findComplaint(twice, "y", null)).toBeNull();
  });
});

describe("listPage", () => {
  it("Should list newest complaint_at first, unparseable times last, ties by mchid then id", () => {
    expect(ids("")).toEqual(["a", "e", "b", "c", "d"]);
  });

  it("Should leave raw out of every item unless asked with include=raw, and show it then as the detail does", () => {
    const withRaw = { ...data, complaints: data.complaints.map((c) => ({ ...c, raw: { complaint_id: c.id, extra: [1] } })) };
    const lean = listPage(withRaw, query("limit=500")).complaints;
    expect(lean).toHaveLength(5);
    expect(lean.every((c) => !("raw" in c))).toBe(true);
    const full = listPage(withRaw, query("limit=500&include=raw")).complaints;
    expect(full.map((c) => c.raw)).toEqual(withRaw.complaints.map((c) => ({ complaint_id: c.id, extra: [1] })));
    expect(full.map(({ raw, ...rest }) => rest)).toEqual(lean);
    expect(full).toEqual(allMatches(withRaw, query("").filter));
  });

  it("Should accept a cursor of a page without raw for the next page with it", () => {
    const first = listPage(data, query("limit=2"));
    const next = listPage(data, query(`limit=2&include=raw&cursor=${first.next_cursor}`)).complaints;
    expect(next.map((c) => c.id)).toEqual(["b", "c"]);
    expect(next.every((c) => "raw" in c)).toBe(true);
  });

  it("Should count the page and all matches", () => {
    const page = listPage(data, query("limit=2"));
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
    const cursor = listPage(data, query("limit=1")).next_cursor as string;
    expect(parameterOf(`limit=1&active=true&cursor=${cursor}`)).toBe("cursor");
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
          const snapshot = snapshotOf(rows.map(([n, m, active], i) => complaint(`x${i}`, m, at(n), { active })));
          const pages = ["", "handled=false"].map((filter) => {
            const first = pageSlice(snapshot, query(`${filter}&limit=${firstLimit}`));
            const cursor = first.next_cursor === null ? "" : `&cursor=${first.next_cursor}`;
            return [first, pageSlice(snapshot, query(`${filter}&limit=${limit}${cursor}`))].map((p) => ({
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
          let all = rows.map(([n, m, active], i) => complaint(`x${i}`, m, at(n), { active }));
          const expected = listPage(snapshotOf(all), query(`${filter}&limit=500`)).complaints.map((c) => c.id);
          const seen: string[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const qs: string = `${filter}&limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`;
            const page = listPage(snapshotOf(all), query(qs));
            seen.push(...page.complaints.map((c) => c.id));
            cursor = page.next_cursor;
            const n = arrivals[pages];
            if (n !== undefined) all = [...all, complaint(`new${pages}`, "100", at(n))];
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
