import { describe, expect, it } from "vitest";
import { rawJSON } from "../../test/support/raw-json";
import { complaintAt, snapshotOf } from "../../test/support/snapshot";
import type { Complaint } from "../domain/complaint";
import { DEFAULT_RULES, type DeadlineRules } from "../domain/deadlines";
import { emptyBook } from "../domain/marks";
import { lean, served } from "../domain/served";
import { listBody } from "./list-body";
import { type MarksView, marksFor } from "./marks";
import { type ListQuery, pageOf, parseListQuery } from "./query";
import { buildView } from "./view";

/** A complaint of merchant 100 whose body and raw hold what JSON must escape, and a number past 2^53. */
const complaint = (id: string, at: string, extra: Partial<Complaint> = {}): Complaint =>
  complaintAt(id, "100", at, {
    total_fee: 2990,
    body: `商品未收到 "${id}" \\ \n 😀 \u2028`,
    last_seen_at: "2026-11-02T00:00:00.000Z",
    raw: { complaint_id: id, body: "原文 <img>", nested: [null, { "0": 1, z: "" }], big: rawJSON("9007199254740993") },
    ...extra,
  });

const snapshot = snapshotOf([
  complaint("a", "2026-11-08T01:13:29+08:00"),
  complaint("b", "2026-11-07T01:13:29+08:00", { active: false, total_fee: null, out_trade_no: "" }),
  complaint("c", "not a time", { raw: {} }),
]);
const book = emptyBook();
book.handled.b = { at: "2026-11-09T00:00:00.000Z", note: '已退款 "全额" \\ </script>', by: null };
book.replied.b = { at: "2026-11-08T00:00:00.000Z", note: "回复了 \u2028 😀", by: null };
book.replied.c = { at: "2026-11-08T00:00:00.000Z", note: "", by: null };
const view: MarksView = { byMerchant: new Map([["100", { book, rev: "1", error: null }]]), revision: "m" };
/** After a's reply deadline (2026-11-09 01:13:29 in Beijing) and before its resolve deadline. */
const NOW = Date.parse("2026-11-09T12:00:00Z");
const pageFor = (query: ListQuery, rules: DeadlineRules) => pageOf(buildView(snapshot, view, rules), query, NOW);

/** The answer as `c.json` would write it: each complaint of the page as the API shows it (domain/served.ts). */
function expected(qs: string, updatedAt: string | null, rules: DeadlineRules = DEFAULT_RULES): string {
  const query = parseListQuery(new URLSearchParams(qs), new Set(["100"]));
  const page = pageFor(query, rules);
  const shown = page.rows.map(({ complaint: c }) => (query.raw ? served : lean)(c, marksFor(view, c), rules));
  return JSON.stringify({
    complaints: shown,
    count: shown.length,
    total: page.total,
    next_cursor: page.next_cursor,
    updated_at: updatedAt,
  });
}

function body(qs: string, updatedAt: string | null, rules: DeadlineRules = DEFAULT_RULES): string {
  const query = parseListQuery(new URLSearchParams(qs), new Set(["100"]));
  return new TextDecoder().decode(listBody(pageFor(query, rules), query.raw, updatedAt));
}

describe("listBody", () => {
  it.each([
    ["", "2026-11-02T00:00:00.000Z"],
    ["include=raw", "2026-11-02T00:00:00.000Z"],
    ["limit=1", null],
    ["limit=2&include=raw", null],
    ["handled=true&include=raw", null],
    ["q=nothing", null],
    ["sort=due", null],
    ["sort=due&limit=1&include=raw", null],
    ["overdue=true", null],
    ["overdue=false&include=raw", null],
  ])("Should write byte for byte what JSON.stringify of the page gives, for %s", (qs, updatedAt) => {
    const text = body(qs, updatedAt);
    expect(text).toBe(expected(qs, updatedAt));
    expect(JSON.parse(text)).toEqual(JSON.parse(expected(qs, updatedAt)));
  });

  it("Should give the same bytes from its kept pieces, with and without raw in any order", () => {
    const first = [body("", null), body("include=raw", null)];
    expect([body("include=raw", null), body("", null), body("include=raw", null)]).toEqual([first[1], first[0], first[1]]);
    expect(first[0]).not.toContain('"raw"');
    expect(first[1]).toContain('"big":9007199254740993');
  });

  it("Should show a mark made after the complaint's JSON was kept", () => {
    expect(JSON.parse(body("", null)).complaints.find((c: Complaint) => c.id === "a").handled).toBeNull();
    book.handled.a = { at: "2026-11-10T00:00:00.000Z", note: "", by: null };
    try {
      const listed = JSON.parse(body("", null)).complaints.find((c: Complaint) => c.id === "a");
      expect(listed.handled).toEqual({ at: "2026-11-10T00:00:00.000Z", note: "", by: null });
      expect(listed.next_due).toBeNull();
      expect(body("include=raw", null)).toBe(expected("include=raw", null));
    } finally {
      delete book.handled.a;
    }
  });

  it("Should show a replied mark made after the JSON was kept, moving next_due to the resolve deadline", () => {
    const before = JSON.parse(body("", null)).complaints.find((c: Complaint) => c.id === "a");
    expect(before.next_due).toBe("2026-11-09T01:13:29+08:00");
    book.replied.a = { at: "2026-11-08T10:00:00.000Z", note: "打过电话", by: null };
    try {
      const listed = JSON.parse(body("", null)).complaints.find((c: Complaint) => c.id === "a");
      expect(listed.replied).toEqual({ at: "2026-11-08T10:00:00.000Z", note: "打过电话", by: null });
      expect(listed.handled).toBeNull();
      expect(listed.next_due).toBe("2026-11-11T01:13:29+08:00");
      expect(body("sort=due&include=raw", null)).toBe(expected("sort=due&include=raw", null));
    } finally {
      delete book.replied.a;
    }
  });

  it("Should write each complaint's deadlines, next_due, both marks and the refund, in that order after active", () => {
    const listed = JSON.parse(body("", null)).complaints as Record<string, unknown>[];
    for (const c of listed) expect(Object.keys(c).slice(-6)).toEqual(["active", "deadlines", "next_due", "replied", "handled", "refund"]);
    const byId = Object.fromEntries(listed.map((c) => [c.id, c]));
    expect(byId.a?.deadlines).toEqual({ reply_by: "2026-11-09T01:13:29+08:00", resolve_by: "2026-11-11T01:13:29+08:00" });
    // No longer active: its deadlines stay, nothing is due.
    expect([byId.b?.next_due, byId.b?.replied, byId.b?.handled]).toEqual([null, book.replied.b, book.handled.b]);
    // complaint_at is text: counted from first_seen_at (2026-11-01 08:00 in Beijing), replied, so the resolve deadline is next.
    expect(byId.c?.deadlines).toEqual({ reply_by: "2026-11-02T08:00:00+08:00", resolve_by: "2026-11-04T08:00:00+08:00" });
    expect(byId.c?.next_due).toBe("2026-11-04T08:00:00+08:00");
  });

  it("Should follow the settings it is given, though each complaint's raw is kept once", () => {
    const rules: DeadlineRules = { replyWithinHours: 1, resolveWithinHours: null, remindBeforeHours: [] };
    for (const qs of ["", "include=raw", "sort=due"]) expect(body(qs, null, rules)).toBe(expected(qs, null, rules));
    const a = JSON.parse(body("", null, rules)).complaints.find((c: Complaint) => c.id === "a");
    expect(a.deadlines).toEqual({ reply_by: "2026-11-08T02:13:29+08:00", resolve_by: null });
    expect(JSON.parse(body("", null)).complaints.find((c: Complaint) => c.id === "a").deadlines.resolve_by).toBe(
      "2026-11-11T01:13:29+08:00",
    );
  });
});
