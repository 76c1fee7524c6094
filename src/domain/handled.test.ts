import { describe, expect, it } from "vitest";
import type { Complaint } from "./complaint";
import { countUnhandled, HANDLED, markOf, noMarks, served, withMark } from "./handled";

const mark = { at: "2026-11-09T00:00:00.000Z", note: "refunded" };
const complaint = (id: string, active = true): Complaint => ({
  id,
  mchid: "100",
  complaint_at: "2026-11-08T01:13:29+08:00",
  out_trade_no: "T",
  order_id: "O",
  total_fee: 1,
  body: "b",
  first_seen_at: "2026-11-08T00:00:00.000Z",
  last_seen_at: "2026-11-08T00:00:00.000Z",
  active,
  raw: { complaint_id: id },
});

describe("handled marks", () => {
  it("Should serve every stored field with handled between active and raw", () => {
    const c = complaint("1");
    const s = served(c, mark);
    expect(Object.keys(s)).toEqual([...Object.keys(c).filter((k) => k !== "raw"), "handled", "raw"]);
    expect(s).toEqual({ ...c, handled: mark });
    expect(served(c, null).handled).toBeNull();
  });

  it("Should read ids such as __proto__ and constructor as plain keys, and find no mark that is not there, and refuse a mark with a time that does not parse", () => {
    expect(HANDLED.read(JSON.parse('{"marks":{"7":{"at":"x","note":""}}}'))).toBeNull();
    const marks = HANDLED.read(JSON.parse('{"marks":{"__proto__":{"at":"2026-11-09T00:00:00.000Z","note":""}}}')) ?? noMarks();
    expect(markOf(marks, "__proto__")).toEqual({ at: "2026-11-09T00:00:00.000Z", note: "" });
    expect(markOf(marks, "constructor")).toBeNull();
    expect(markOf(marks, "toString")).toBeNull();
    expect(JSON.stringify(HANDLED.write(marks))).toBe('{"marks":{"__proto__":{"at":"2026-11-09T00:00:00.000Z","note":""}}}');
  });

  it("Should refuse a value without a marks object", () => {
    expect(HANDLED.read({ marks: [] })).toBeNull();
    expect(HANDLED.read({})).toBeNull();
  });

  it("Should add and take off one mark without touching the others or the original", () => {
    const one = withMark(noMarks(), "a", mark);
    const two = withMark(one, "constructor", mark);
    expect(Object.keys(two)).toEqual(["a", "constructor"]);
    expect(Object.keys(one)).toEqual(["a"]);
    expect(Object.keys(withMark(two, "a", null))).toEqual(["constructor"]);
  });

  it("Should count the active complaints without a mark", () => {
    const marks = withMark(withMark(noMarks(), "a", mark), "gone", mark);
    expect(countUnhandled([complaint("a"), complaint("b"), complaint("gone", false), complaint("old", false)], marks)).toBe(1);
    expect(countUnhandled([complaint("constructor")], noMarks())).toBe(1);
  });
});
