import { describe, expect, it } from "vitest";
import { emptyBook, MARKS, markOf, marksIn, UNMARKED, withMark } from "./marks";

const mark = { at: "2026-11-09T00:00:00.000Z", note: "refunded" };
const answered = { at: "2026-11-08T12:00:00.000Z", note: "called the customer" };

describe("marks", () => {
  it("Should read ids such as __proto__ and constructor as plain keys, and find no mark that is not there, and refuse a mark with a time that does not parse", () => {
    expect(MARKS.read(JSON.parse('{"marks":{"7":{"at":"x","note":""}}}'))).toBeNull();
    expect(MARKS.read(JSON.parse('{"marks":{},"replied":{"7":{"at":"x","note":""}}}'))).toBeNull();
    const book = MARKS.read(JSON.parse('{"marks":{"__proto__":{"at":"2026-11-09T00:00:00.000Z","note":""}},"replied":{}}')) ?? emptyBook();
    expect(markOf(book.handled, "__proto__")).toEqual({ at: "2026-11-09T00:00:00.000Z", note: "" });
    expect(markOf(book.handled, "constructor")).toBeNull();
    expect(markOf(book.handled, "toString")).toBeNull();
    expect(markOf(book.replied, "__proto__")).toBeNull();
    expect(JSON.stringify(MARKS.write(book))).toBe(
      '{"marks":{"__proto__":{"at":"2026-11-09T00:00:00.000Z","note":""}},"replied":{},"refunds":{}}',
    );
  });

  it("Should refuse a value without a marks object, or with a replied value that is not an object", () => {
    expect(MARKS.read({ marks: [] })).toBeNull();
    expect(MARKS.read({})).toBeNull();
    expect(MARKS.read({ marks: {}, replied: [] })).toBeNull();
    expect(MARKS.read({ marks: {}, replied: null })).toBeNull();
  });

  it("Should read a value written before replied existed as handled marks and no replied ones", () => {
    const book = MARKS.read(JSON.parse('{"marks":{"a":{"at":"2026-11-09T00:00:00.000Z","note":"refunded"}}}'));
    expect(book).not.toBeNull();
    if (book === null) return;
    expect(markOf(book.handled, "a")).toEqual(mark);
    expect(Object.keys(book.replied)).toEqual([]);
    expect(marksIn(book, "a")).toEqual({ replied: null, handled: mark, refund: null });
    // Written back, it gains an empty `replied` beside the old `marks`.
    expect(MARKS.write(book)).toEqual({ marks: { a: mark }, replied: {}, refunds: {} });
  });

  it("Should round-trip marks of both kinds through the stored shape", () => {
    const book = withMark(withMark(emptyBook(), "handled", "a", mark), "replied", "b", answered);
    const back = MARKS.read(JSON.parse(JSON.stringify(MARKS.write(book))));
    expect(back).not.toBeNull();
    if (back === null) return;
    expect(marksIn(back, "a")).toEqual({ replied: null, handled: mark, refund: null });
    expect(marksIn(back, "b")).toEqual({ replied: answered, handled: null, refund: null });
    expect(marksIn(back, "c")).toEqual(UNMARKED);
  });

  it("Should add and take off one mark without touching the others or the original", () => {
    const one = withMark(emptyBook(), "handled", "a", mark);
    const two = withMark(one, "handled", "constructor", mark);
    expect(Object.keys(two.handled)).toEqual(["a", "constructor"]);
    expect(Object.keys(one.handled)).toEqual(["a"]);
    expect(Object.keys(withMark(two, "handled", "a", null).handled)).toEqual(["constructor"]);
  });

  it("Should leave the other kind as it was when one kind changes", () => {
    const both = withMark(withMark(emptyBook(), "replied", "a", answered), "handled", "a", mark);
    expect(marksIn(both, "a")).toEqual({ replied: answered, handled: mark, refund: null });
    const unhandled = withMark(both, "handled", "a", null);
    expect(marksIn(unhandled, "a")).toEqual({ replied: answered, handled: null, refund: null });
    expect(unhandled.replied).toBe(both.replied);
    const unreplied = withMark(both, "replied", "a", null);
    expect(marksIn(unreplied, "a")).toEqual({ replied: null, handled: mark, refund: null });
    expect(unreplied.handled).toBe(both.handled);
    // The original keeps both.
    expect(marksIn(both, "a")).toEqual({ replied: answered, handled: mark, refund: null });
  });

  it("Should give a complaint's marks of both kinds, and none for an id only the prototype knows", () => {
    const book = emptyBook();
    expect(marksIn(book, "constructor")).toEqual(UNMARKED);
    const marked = withMark(book, "replied", "x", answered);
    expect(marksIn(marked, "x")).toEqual({ replied: answered, handled: null, refund: null });
    expect(marksIn(marked, "y")).toEqual({ replied: null, handled: null, refund: null });
  });
});
