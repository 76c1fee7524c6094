import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateComplaints } from "../sandbox/fixtures";
import { complaintId, type Sighting } from "./domain/complaint";
import { COMPLAINTS } from "./domain/stored-complaints";
import { parseJson, parseJsonExact, rawNumberText, sourceKeys, sourceValues } from "./json";
import { mergeComplaints } from "./poller/merge";
import { historyPartKey, Store } from "./store";

const isRawJSON = (v: unknown): boolean => (JSON as unknown as { isRawJSON(v: unknown): boolean }).isRawJSON(v);

describe("parseJson: digits", () => {
  it("Should keep an integer beyond 2^53 digit for digit, as JSON.rawJSON", () => {
    // 2^60 is a double, but one that prints as 1152921504606847000.
    const text = '{"complaint_id":9007199254740993,"list":[-12345678901234567890,1152921504606846976]}';
    const value = parseJson(text) as { complaint_id: unknown; list: unknown[] };
    expect(isRawJSON(value.complaint_id)).toBe(true);
    expect(rawNumberText(value.complaint_id)).toBe("9007199254740993");
    expect(rawNumberText(value.list[0])).toBe("-12345678901234567890");
    expect(rawNumberText(value.list[1])).toBe("1152921504606846976");
    expect(JSON.stringify(value)).toBe(text);
  });

  it("Should keep a decimal with more digits than a double holds", () => {
    const text = '{"rate":0.12345678901234567890123,"big":-1234567890.1234567890,"exp":1.00000000000000000001E+5}';
    expect(JSON.stringify(parseJson(text))).toBe(text);
  });

  it("Should read every other number as the plain number JSON.parse gives", () => {
    const text = "[2990,29.9,1.0,1e2,-0,0.30000000000000004,9007199254740991,1e400,1e-400,1234567890123456,1.5e-320]";
    const value = parseJson(text) as unknown[];
    expect(value).toEqual(JSON.parse(text));
    for (const n of value) expect(typeof n).toBe("number");
    // Also when something else in the text takes the exact path.
    expect(parseJson(`[${text},9007199254740993]`)).toEqual([JSON.parse(text), expect.anything()]);
  });
});

describe("parseJson: key order", () => {
  it("Should record the order keys were sent in where Object.keys changes it", () => {
    const value = parseJson('{"b":1,"10":2,"a":{"1":"x","0":"y"},"list":[{"k":1,"2":2}]}') as { a: object; list: object[] };
    expect(Object.keys(value)).toEqual(["10", "b", "a", "list"]); // what JS makes of it
    expect(sourceKeys(value)).toEqual(["b", "10", "a", "list"]);
    expect(sourceKeys(value.a)).toEqual(["1", "0"]);
    expect(sourceKeys(value.list[0]!)).toEqual(["k", "2"]);
  });

  it("Should keep a repeated key at its first place with its last value, like JSON.parse", () => {
    const value = parseJson('{"a":1,"0":2,"a":3}') as Record<string, number>;
    expect(value).toEqual({ a: 3, 0: 2 });
    expect(sourceKeys(value)).toEqual(["a", "0"]);
  });

  it("Should keep __proto__ as an own field, never as the prototype", () => {
    const value = parseJson('{"0":1,"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, "__proto__")).toBe(true);
    expect((value as { polluted?: boolean }).polluted).toBeUndefined();
    expect(value).toEqual(JSON.parse('{"0":1,"__proto__":{"polluted":true}}'));
  });
});

describe("sourceValues", () => {
  it("Should list values in the order sourceKeys gives, integer-like keys included", () => {
    const value = parseJson('{"b":1,"10":2,"a":{"1":"x","0":"y"},"list":[3,4]}') as Record<string, any>;
    expect(sourceValues(value)).toEqual([1, 2, value.a, value.list]);
    expect(sourceValues(value.a)).toEqual(["x", "y"]);
    expect(sourceValues(value.list)).toEqual([3, 4]);
    expect(sourceValues({ z: 1, 2: "two", y: 3 })).toEqual(["two", 1, 3]);
  });
});

describe("parseJson: the exact parser against JSON.parse", () => {
  it("Should read any JSON value as JSON.parse does, compact or indented", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const text of [JSON.stringify(value), JSON.stringify(value, null, "\t ")]) {
          const expected = JSON.parse(text);
          expect(parseJsonExact(text)).toEqual(expected);
          expect(parseJson(text)).toEqual(expected);
        }
      }),
    );
  });

  it("Should give the same values whichever way the text is read", () => {
    const digits = fc.stringMatching(/^-?(0|[1-9]\d{0,25})(\.\d{1,25})?([eE][+-]?\d{1,3})?$/);
    fc.assert(
      fc.property(fc.array(digits, { maxLength: 6 }), (literals) => {
        const text = `[${literals.join(",")}]`;
        expect(JSON.stringify(parseJson(text))).toBe(JSON.stringify(parseJsonExact(text)));
        // And beside an object that always takes the exact path.
        expect(JSON.stringify(parseJson(`[${text},{"0":0}]`))).toBe(JSON.stringify([parseJsonExact(text), { 0: 0 }]));
      }),
    );
  });

  it.each([
    "",
    " ",
    "{",
    "}",
    "[1,]",
    '{"a":1,}',
    "[1 2]",
    '{"a" 1}',
    "{'a':1}",
    "{a:1}",
    "01",
    "1.",
    ".5",
    "+1",
    "-",
    "1e",
    "1e+",
    "NaN",
    "Infinity",
    "tru",
    "nul",
    "[1] x",
    '"abc',
    '"\\x"',
    '"\\u12G4"',
    '"\t"',
    '"a\nb"',
    "\u00a01",
    "[1]\u2028",
    '{"0":1}}',
  ])("Should refuse %j with a SyntaxError, like JSON.parse", (text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(() => parseJsonExact(text)).toThrow(SyntaxError);
    expect(() => parseJson(text)).toThrow(SyntaxError);
  });

  it("Should accept and refuse exactly what JSON.parse does on arbitrary text", () => {
    const piece = fc.constantFrom(
      "{",
      "}",
      "[",
      "]",
      ",",
      ":",
      '"',
      "\\",
      "u",
      "0",
      "1",
      "9",
      "-",
      ".",
      "e",
      "E",
      "+",
      " ",
      "\n",
      "t",
      "true",
      "null",
      '"0"',
      "a",
      "\u0001",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), (pieces) => {
        const text = pieces.join("");
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          expect(() => parseJsonExact(text)).toThrow(SyntaxError);
          return;
        }
        expect(parseJsonExact(text)).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it("Should read a 5 MB answer with one long number exactly, every time", () => {
    // Large enough for the parser to be optimised while it runs (a version using sticky regular expressions
    // misread such text in workerd then).
    const list = JSON.stringify(generateComplaints("1500000001", 10_000, Date.UTC(2026, 10, 8)));
    const text = `{"return_code":1,"big":9007199254740993,"complaints":${list}}`;
    for (let i = 0; i < 3; i++) expect(JSON.stringify(parseJson(text))).toBe(text);
  });

  it("Should read deep nesting without overflowing the stack", () => {
    const depth = 100_000;
    const text = "[".repeat(depth) + "9007199254740993" + "]".repeat(depth);
    let value = parseJson(text);
    for (let i = 0; i < depth; i++) value = (value as unknown[])[0];
    expect(rawNumberText(value)).toBe("9007199254740993");
  });
});

describe("stored complaints", () => {
  it("Should keep a complaint's digits through KV, and find it unchanged on the next poll", async () => {
    const store = new Store(env.COMPLAINTS);
    const raw = parseJson('{"complaint_id":9007199254740993,"order_id":123456789012345678901,"total_fee":2990}');
    const fields: Sighting = { id: complaintId(raw as Record<string, unknown>), raw: raw as Record<string, unknown> };
    const at = "2026-11-08T00:00:00.000Z";
    await store.save(
      historyPartKey("100", "2026-11.0"),
      COMPLAINTS,
      [{ id: fields.id, raw: fields.raw, first_seen_at: at, last_seen_at: at, active: true }],
      Date.parse(at),
    );

    const loaded = await store.load(historyPartKey("100", "2026-11.0"), COMPLAINTS);
    expect(loaded.kind).toBe("ok");
    const [stored] = loaded.kind === "ok" ? loaded.value : [];
    expect(stored?.id).toBe("9007199254740993");
    expect(JSON.stringify(stored?.raw)).toBe('{"complaint_id":9007199254740993,"order_id":123456789012345678901,"total_fee":2990}');

    // merge.ts compares raw values field by field: a raw number is an object with one field, its digits.
    expect(mergeComplaints("100", [stored!], [fields], at, at).changed).toBe(false);
    const otherRaw = parseJson('{"complaint_id":9007199254740993,"order_id":123456789012345678902,"total_fee":2990}') as Record<
      string,
      unknown
    >;
    const other: Sighting = { id: complaintId(otherRaw), raw: otherRaw };
    expect(mergeComplaints("100", [stored!], [other], at, at).changed).toBe(true);
  });
});
