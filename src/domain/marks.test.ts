import { describe, expect, it } from "vitest";
import { emptyBook, LOG_KEPT, logOf, MARKS, markOf, marksIn, mergeBooks, UNMARKED, withMark, withRefund } from "./marks";
import type { RefundOutcome } from "./refund";

const mark = { at: "2026-11-09T00:00:00.000Z", note: "refunded", by: null };
const answered = { at: "2026-11-08T12:00:00.000Z", note: "called the customer", by: "店长手机" };
const off = (at: string, by: string | null = null) => ({ at, by, note: null });

describe("marks", () => {
  it("Should read ids such as __proto__ and constructor as plain keys, and find no mark that is not there, and refuse a mark with a time that does not parse", () => {
    expect(MARKS.read(JSON.parse('{"marks":{"7":{"at":"x","note":""}}}'))).toBeNull();
    expect(MARKS.read(JSON.parse('{"marks":{},"replied":{"7":{"at":"x","note":""}}}'))).toBeNull();
    const book = MARKS.read(JSON.parse('{"marks":{"__proto__":{"at":"2026-11-09T00:00:00.000Z","note":""}},"replied":{}}')) ?? emptyBook();
    expect(markOf(book.handled, "__proto__")).toEqual({ at: "2026-11-09T00:00:00.000Z", note: "", by: null });
    expect(markOf(book.handled, "constructor")).toBeNull();
    expect(markOf(book.handled, "toString")).toBeNull();
    expect(markOf(book.replied, "__proto__")).toBeNull();
    expect(JSON.stringify(MARKS.write(book))).toBe(
      '{"marks":{"__proto__":{"at":"2026-11-09T00:00:00.000Z","note":"","by":null}},"replied":{},"refunds":{}}',
    );
  });

  it("Should refuse a value without a marks object, or with a replied value that is not an object, or a `by` that is not a name", () => {
    expect(MARKS.read({ marks: [] })).toBeNull();
    expect(MARKS.read({})).toBeNull();
    expect(MARKS.read({ marks: {}, replied: [] })).toBeNull();
    expect(MARKS.read({ marks: {}, replied: null })).toBeNull();
    expect(MARKS.read({ marks: { a: { ...mark, by: 7 } } })).toBeNull();
  });

  it("Should read a value written before replied, `by` and the log existed as handled marks by no device, and no replied ones", () => {
    const book = MARKS.read(JSON.parse('{"marks":{"a":{"at":"2026-11-09T00:00:00.000Z","note":"refunded"}}}'));
    expect(book).not.toBeNull();
    if (book === null) return;
    expect(markOf(book.handled, "a")).toEqual(mark);
    expect(Object.keys(book.replied)).toEqual([]);
    expect(marksIn(book, "a")).toEqual({ replied: null, handled: mark, refund: null });
    // Written back, it gains an empty `replied` beside the old `marks`, and no log until something changes.
    expect(MARKS.write(book)).toEqual({ marks: { a: mark }, replied: {}, refunds: {} });
  });

  it("Should round-trip marks of both kinds, with who set them, and the log through the stored shape", () => {
    const book = withMark(withMark(emptyBook(), "handled", "a", mark), "replied", "b", answered);
    const back = MARKS.read(JSON.parse(JSON.stringify(MARKS.write(book))));
    expect(back).not.toBeNull();
    if (back === null) return;
    expect(marksIn(back, "a")).toEqual({ replied: null, handled: mark, refund: null });
    expect(marksIn(back, "b")).toEqual({ replied: answered, handled: null, refund: null });
    expect(marksIn(back, "c")).toEqual(UNMARKED);
    expect(logOf(back, "b")).toEqual([[answered.at, "replied", "店长手机", "called the customer"]]);
  });

  it("Should add and take off one mark without touching the others or the original", () => {
    const one = withMark(emptyBook(), "handled", "a", mark);
    const two = withMark(one, "handled", "constructor", mark);
    expect(Object.keys(two.handled)).toEqual(["a", "constructor"]);
    expect(Object.keys(one.handled)).toEqual(["a"]);
    expect(Object.keys(withMark(two, "handled", "a", off("2026-11-10T00:00:00.000Z")).handled)).toEqual(["constructor"]);
  });

  it("Should leave the other kind as it was when one kind changes", () => {
    const both = withMark(withMark(emptyBook(), "replied", "a", answered), "handled", "a", mark);
    expect(marksIn(both, "a")).toEqual({ replied: answered, handled: mark, refund: null });
    const unhandled = withMark(both, "handled", "a", off("2026-11-10T00:00:00.000Z"));
    expect(marksIn(unhandled, "a")).toEqual({ replied: answered, handled: null, refund: null });
    expect(unhandled.replied).toBe(both.replied);
    const unreplied = withMark(both, "replied", "a", off("2026-11-10T00:00:00.000Z"));
    expect(marksIn(unreplied, "a")).toEqual({ replied: null, handled: mark, refund: null });
    expect(unreplied.handled).toBe(both.handled);
    // The original keeps both.
    expect(marksIn(both, "a")).toEqual({ replied: answered, handled: mark, refund: null });
  });

  it("Should give a complaint's marks of both kinds, and none for an id only the prototype knows", () => {
    const book = emptyBook();
    expect(marksIn(book, "constructor")).toEqual(UNMARKED);
    expect(logOf(book, "constructor")).toEqual([]);
    const marked = withMark(book, "replied", "x", answered);
    expect(marksIn(marked, "x")).toEqual({ replied: answered, handled: null, refund: null });
    expect(marksIn(marked, "y")).toEqual({ replied: null, handled: null, refund: null });
  });
});

describe("the log of changes", () => {
  const outcome: RefundOutcome = {
    attempt: "att-1",
    state: "done",
    at: "2026-11-11T00:00:00.000Z",
    total_fee: 2990,
    note: "",
    message: null,
    by: "店长手机",
  };

  it("Should log every mark set and taken off, by whom, and a refund's outcome with its state", () => {
    let book = withMark(emptyBook(), "replied", "a", answered);
    book = withMark(book, "replied", "a", off("2026-11-09T00:00:00.000Z", "店长手机"));
    book = withRefund(book, "a", outcome);
    book = withMark(book, "handled", "a", { at: outcome.at, by: "店长手机", note: "退款 ¥29.90" });
    book = withMark(book, "handled", "a", off("2026-11-12T00:00:00.000Z"));
    expect(logOf(book, "a")).toEqual([
      [answered.at, "replied", "店长手机", "called the customer"],
      ["2026-11-09T00:00:00.000Z", "unreplied", "店长手机", null],
      [outcome.at, "refund", "店长手机", "done"],
      [outcome.at, "handled", "店长手机", "退款 ¥29.90"],
      ["2026-11-12T00:00:00.000Z", "unhandled", null, null],
    ]);
    expect(marksIn(book, "a").refund).toEqual({ state: "done", at: outcome.at, total_fee: 2990, by: "店长手机" });
  });

  it("Should give a complaint marked before the log was kept its marks as they stand, and start its log from them", () => {
    const old = MARKS.read({
      marks: { a: { at: "2026-11-09T00:00:00.000Z", note: "done" } },
      replied: { a: { at: "2026-11-08T00:00:00.000Z", note: "" } },
      refunds: { a: { ...outcome, by: undefined, state: "failed", message: "余额不足" } },
    });
    if (old === null) throw new Error("not read");
    expect(logOf(old, "a")).toEqual([
      ["2026-11-08T00:00:00.000Z", "replied", null, ""],
      ["2026-11-09T00:00:00.000Z", "handled", null, "done"],
      [outcome.at, "refund", null, "failed"],
    ]);
    const changed = withMark(old, "handled", "a", off("2026-11-12T00:00:00.000Z", "前台"));
    expect(logOf(changed, "a").map((e) => e[1])).toEqual(["replied", "handled", "refund", "unhandled"]);
    expect(changed.log.a).toHaveLength(4);
  });

  it("Should keep the last LOG_KEPT changes of a complaint, and the books of several months merged", () => {
    let book = emptyBook();
    for (let i = 0; i < LOG_KEPT + 5; i++) {
      const at = new Date(Date.parse("2026-11-01T00:00:00.000Z") + i * 60_000).toISOString();
      book = withMark(book, "replied", "a", i % 2 === 0 ? { at, by: null, note: `n${i}` } : off(at));
    }
    const log = logOf(book, "a");
    expect(log).toHaveLength(LOG_KEPT);
    expect([log[0]?.[1], log[1]?.[3]]).toEqual(["unreplied", "n6"]);
    const other = withMark(emptyBook(), "handled", "b", mark);
    const merged = mergeBooks([book, other]);
    expect(logOf(merged, "a")).toEqual(log);
    expect(logOf(merged, "b")).toEqual([[mark.at, "handled", null, "refunded"]]);
  });

  it("Should leave out a log entry that is not valid and still read the marks", () => {
    const book = MARKS.read({
      marks: { a: mark },
      log: {
        a: [
          [mark.at, "handled", null, "refunded"],
          ["x", "handled", null, null],
          [mark.at, "shouted", null, null],
        ],
        b: "no",
      },
    });
    expect(book === null ? null : logOf(book, "a")).toEqual([[mark.at, "handled", null, "refunded"]]);
    expect(book === null ? null : Object.keys(book.log)).toEqual(["a"]);
  });
});
