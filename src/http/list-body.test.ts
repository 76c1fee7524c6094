import { describe, expect, it } from "vitest";
import type { Complaint } from "../domain/complaint";
import { noMarks } from "../domain/handled";
import { comparePositions, positionOf } from "../domain/order";
import type { MarksView } from "../reader/marks";
import { listPage, pageSlice, parseListQuery } from "../reader/query";
import type { Snapshot } from "../reader/snapshot";
import { listBody } from "./list-body";

/** `JSON.rawJSON`, which workerd has and TypeScript's lib does not declare yet. */
const rawJSON = (digits: string): unknown => (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(digits);

function complaint(id: string, at: string, extra: Partial<Complaint> = {}): Complaint {
  return {
    id,
    mchid: "100",
    complaint_at: at,
    out_trade_no: `OT-${id}`,
    order_id: `ORD-${id}`,
    total_fee: 2990,
    body: `商品未收到 "${id}" \\ \n 😀 \u2028`,
    first_seen_at: "2026-11-01T00:00:00.000Z",
    last_seen_at: "2026-11-02T00:00:00.000Z",
    active: true,
    raw: { complaint_id: id, body: "原文 <img>", nested: [null, { "0": 1, z: "" }], big: rawJSON("9007199254740993") },
    ...extra,
  } as Complaint;
}

const complaints = [
  complaint("a", "2026-11-08T01:13:29+08:00"),
  complaint("b", "2026-11-07T01:13:29+08:00", { active: false, total_fee: null, out_trade_no: "" }),
  complaint("c", "not a time", { raw: {} }),
].sort((x, y) => comparePositions(positionOf(x), positionOf(y)));
const snapshot: Snapshot = {
  merchants: [],
  complaints,
  positions: complaints.map(positionOf),
  revision: "r",
  updatedAt: "2026-11-02T00:00:00.000Z",
};
const marks = noMarks();
marks.b = { at: "2026-11-09T00:00:00.000Z", note: '已退款 "全额" \\ </script>' };
const view: MarksView = { byMerchant: new Map([["100", { marks, rev: "1", error: null }]]), revision: "m" };

/** The answer as `c.json` wrote it before the body was put together from pieces. */
function expected(qs: string, updatedAt: string | null): string {
  const query = parseListQuery(new URLSearchParams(qs), new Set(["100"]));
  const page = listPage(snapshot, query, view);
  return JSON.stringify({
    complaints: page.complaints,
    count: page.complaints.length,
    total: page.total,
    next_cursor: page.next_cursor,
    updated_at: updatedAt,
  });
}

function body(qs: string, updatedAt: string | null): string {
  const query = parseListQuery(new URLSearchParams(qs), new Set(["100"]));
  return new TextDecoder().decode(listBody(pageSlice(snapshot, query, view), query.raw, updatedAt));
}

describe("listBody", () => {
  it.each([
    ["", "2026-11-02T00:00:00.000Z"],
    ["include=raw", "2026-11-02T00:00:00.000Z"],
    ["limit=1", null],
    ["limit=2&include=raw", null],
    ["handled=true&include=raw", null],
    ["q=nothing", null],
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
    marks.a = { at: "2026-11-10T00:00:00.000Z", note: "" };
    try {
      const listed = JSON.parse(body("", null)).complaints.find((c: Complaint) => c.id === "a");
      expect(listed.handled).toEqual({ at: "2026-11-10T00:00:00.000Z", note: "" });
      expect(body("include=raw", null)).toBe(expected("include=raw", null));
    } finally {
      delete marks.a;
    }
  });
});
