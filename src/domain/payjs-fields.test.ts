import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rawJSON } from "../../test/support/raw-json";
import { fen, fieldText, parseUpstreamTime, upstreamTime } from "./payjs-fields";
import { toBeijingIso } from "./time";

describe("Beijing time", () => {
  it("Should read PAYJS wall-clock text as Beijing time", () => {
    expect(parseUpstreamTime("2026-11-08 01:13:29")).toBe(Date.parse("2026-11-07T17:13:29Z"));
    expect(toBeijingIso(Date.parse("2026-11-07T17:13:29Z"))).toBe("2026-11-08T01:13:29+08:00");
  });

  it("Should accept 29 February only in a leap year", () => {
    expect(parseUpstreamTime("2028-02-29 12:00:00")).toBe(Date.parse("2028-02-29T04:00:00Z"));
    expect(parseUpstreamTime("2026-02-29 12:00:00")).toBeNull();
  });

  it("Should accept a date alone, unix seconds and zoned ISO", () => {
    expect(parseUpstreamTime("2026-11-08")).toBe(Date.parse("2026-11-07T16:00:00Z"));
    expect(parseUpstreamTime("1762535609")).toBe(1762535609000);
    expect(parseUpstreamTime(1762535609)).toBe(1762535609000);
    expect(parseUpstreamTime("2026-11-08T01:13:29+08:00")).toBe(Date.parse("2026-11-07T17:13:29Z"));
  });

  it("Should refuse text that is no real time", () => {
    for (const bad of [
      "2026-02-30 10:00:00",
      "2026-13-08 01:00:00",
      "2026-00-08 01:00:00",
      "2026-11-08 25:00:00",
      "2026-11-08 01:00:75",
      "0099-11-08 01:00:00",
      "1999-12-31 23:59:59",
      "2026-02-30T00:00:00Z",
      "2026/11/08 01:13:29",
      "yesterday",
      "",
      null,
      undefined,
      {},
    ]) {
      expect(parseUpstreamTime(bad)).toBeNull();
    }
  });
});

describe("parseUpstreamTime: PAYJS's looser forms", () => {
  /** 2026-11-08 01:13:29 in Beijing. */
  const AT = Date.parse("2026-11-07T17:13:29Z");

  it("Should read one-digit parts, a time without seconds, a T between date and time, and spaces around", () => {
    expect(parseUpstreamTime("2026-11-8 1:13:29")).toBe(AT);
    expect(parseUpstreamTime("2026-11-08 01:13")).toBe(AT - 29_000);
    expect(parseUpstreamTime("2026-11-08T01:13:29")).toBe(AT);
    expect(parseUpstreamTime(" 2026-11-08 01:13:29\n")).toBe(AT);
    expect(parseUpstreamTime(" 1762535609 ")).toBe(1762535609000);
  });

  it("Should read a zoned time in its own zone, with its fraction of a second", () => {
    expect(parseUpstreamTime("2026-11-07T17:13:29Z")).toBe(AT);
    expect(parseUpstreamTime("2026-11-07T17:13:29.250Z")).toBe(AT + 250);
    expect(parseUpstreamTime("2026-11-08T02:13:29+09:00")).toBe(AT);
    expect(parseUpstreamTime("2026-11-07T17:13Z")).toBe(AT - 29_000);
  });

  it("Should tell seconds from milliseconds at 10^11 and round a fraction of a second to milliseconds", () => {
    expect(parseUpstreamTime(1762535609.4)).toBe(1762535609400);
    expect(parseUpstreamTime(99_999_999_999)).toBeNull(); // seconds: the year 5138
    expect(parseUpstreamTime(100_000_000_000)).toBeNull(); // milliseconds: 1973
    expect(parseUpstreamTime(978_278_400_000)).toBe(Date.parse("2001-01-01T00:00:00+08:00")); // milliseconds, below 10^12
    expect(parseUpstreamTime(Number.NaN)).toBeNull();
    expect(parseUpstreamTime(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it("Should read a number kept as its digits, and nothing from a value of another kind", () => {
    expect(parseUpstreamTime(rawJSON("1762535609000"))).toBe(1762535609000);
    expect(parseUpstreamTime(rawJSON("1762535609"))).toBe(1762535609000);
    for (const other of [true, [], ["2026-11-08 01:13:29"], 1762535609n, { complaint_at: "2026-11-08 01:13:29" }]) {
      expect(parseUpstreamTime(other)).toBeNull();
    }
  });

  it("Should refuse a zoned time whose parts are no real time, or that is missing its zone's minutes", () => {
    expect(parseUpstreamTime("2026-11-31T01:00:00+08:00")).toBeNull();
    expect(parseUpstreamTime("2026-11-08T24:00:00Z")).toBeNull();
    expect(parseUpstreamTime("2026-11-08T01:13:29+08")).toBeNull();
    expect(parseUpstreamTime("2101-01-01T00:00:00+08:00")).toBeNull();
  });
});

describe("upstreamTime: a PAYJS time as the API shows it", () => {
  it("Should rewrite PAYJS's own form and its looser forms as ISO at +08:00, every part two digits", () => {
    expect(upstreamTime("2026-11-08 01:13:29")).toBe("2026-11-08T01:13:29+08:00");
    expect(upstreamTime("2026-1-8 1:05")).toBe("2026-01-08T01:05:00+08:00");
    expect(upstreamTime("2026-11-08")).toBe("2026-11-08T00:00:00+08:00");
    expect(upstreamTime("  2026-11-08 01:13:29 ")).toBe("2026-11-08T01:13:29+08:00");
    expect(upstreamTime("2026-11-08T01:13:29")).toBe("2026-11-08T01:13:29+08:00");
  });

  it("Should move a zoned time and a Unix time onto the Beijing clock", () => {
    expect(upstreamTime("2026-11-07T17:13:29Z")).toBe("2026-11-08T01:13:29+08:00");
    expect(upstreamTime("2026-11-07T23:59:59-08:00")).toBe("2026-11-08T15:59:59+08:00");
    expect(upstreamTime(1762535609)).toBe("2025-11-08T01:13:29+08:00");
    expect(upstreamTime(rawJSON("1762535609"))).toBe("2025-11-08T01:13:29+08:00");
  });

  it("Should keep a value that is no time as its text, and nothing as empty text", () => {
    expect(upstreamTime("2026-02-30 10:00:00")).toBe("2026-02-30 10:00:00");
    expect(upstreamTime(" 昨天 ")).toBe(" 昨天 ");
    expect([upstreamTime(null), upstreamTime(undefined), upstreamTime({}), upstreamTime(true)]).toEqual(["", "", "", ""]);
  });

  it("Should give, for any wall-clock text, what toBeijingIso gives of the instant it names", () => {
    const instant = fc.integer({ min: Date.parse("2000-01-01T00:00:00+08:00"), max: Date.parse("2100-12-31T23:59:59+08:00") });
    fc.assert(
      fc.property(instant, fc.boolean(), (ms, loose) => {
        const iso = toBeijingIso(Math.floor(ms / 1000) * 1000);
        const [date, time] = [iso.slice(0, 10), iso.slice(11, 19)];
        // The looser form drops each leading zero of the month, day and hour.
        const text = loose ? `${date.replace(/-0/g, "-")} ${time.replace(/^0/, "")}` : `${date} ${time}`;
        expect(upstreamTime(text)).toBe(iso);
        expect(toBeijingIso(parseUpstreamTime(text) as number)).toBe(iso);
      }),
    );
  });
});

describe("complaint_at as a number", () => {
  const at = upstreamTime;

  it("Should read Unix seconds and milliseconds, as numbers or digits", () => {
    expect(at(1762535609)).toBe("2025-11-08T01:13:29+08:00");
    expect(at(1762535609000)).toBe("2025-11-08T01:13:29+08:00");
    expect(at("1762535609000")).toBe("2025-11-08T01:13:29+08:00");
    expect(parseUpstreamTime(1762535609000)).toBe(1762535609000);
  });

  it("Should keep the number 20261108011329 as its text, not 0NaN-…", () => {
    expect(at(20261108011329)).toBe("20261108011329");
    expect(at("20261108011329")).toBe("20261108011329");
  });

  it("Should count only times within the years 2000–2100 (Beijing)", () => {
    expect(at(946656000)).toBe("2000-01-01T00:00:00+08:00");
    expect(at(946655999)).toBe("946655999");
    expect(at(4133951999)).toBe("2100-12-31T23:59:59+08:00");
    expect(at(4133952000)).toBe("4133952000");
    expect(at(4133952000000)).toBe("4133952000000");
    expect(at(1)).toBe("1");
    expect(at(-1762535609)).toBe("-1762535609");
    expect(at("1999-12-31 23:59:59")).toBe("1999-12-31 23:59:59");
    expect(at("2101-01-01 00:00:00")).toBe("2101-01-01 00:00:00");
    expect(at(rawJSON("17625356090000000000"))).toBe("17625356090000000000");
  });

  it("Should never give an invalid or absurd date, whatever the number", () => {
    const iso = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
    const value = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.bigInt({ min: 0n, max: 10n ** 20n }).map(Number),
      fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
    );
    fc.assert(
      fc.property(value, (v) => {
        const result = at(v);
        const year = iso.exec(result)?.[1];
        if (year === undefined) {
          expect(result).toBe(String(v)); // no time: the upstream value as text
        } else {
          expect(Number(year)).toBeGreaterThanOrEqual(2000);
          expect(Number(year)).toBeLessThanOrEqual(2100);
        }
      }),
    );
  });
});

describe("fieldText", () => {
  it("Should keep text as sent, unchanged and untrimmed", () => {
    expect(fieldText("OT-1")).toBe("OT-1");
    expect(fieldText(" 商品未收到 ")).toBe(" 商品未收到 ");
    expect(fieldText("")).toBe("");
  });

  it("Should write a number, a bigint and a number kept as its digits as their digits", () => {
    expect(fieldText(2026110812345)).toBe("2026110812345");
    expect(fieldText(29.9)).toBe("29.9");
    expect(fieldText(0)).toBe("0");
    expect(fieldText(12345678901234567890n)).toBe("12345678901234567890");
    expect(fieldText(rawJSON("12345678901234567890123"))).toBe("12345678901234567890123");
  });

  it("Should give empty text for anything else", () => {
    expect([null, undefined, true, {}, [], ["OT-1"]].map(fieldText)).toEqual(["", "", "", "", "", ""]);
  });
});

describe("fen", () => {
  it("Should take a safe integer, as a number or as up to 15 digits (spaces around and a minus allowed)", () => {
    expect([fen(2990), fen(0), fen(-100), fen(Number.MAX_SAFE_INTEGER)]).toEqual([2990, 0, -100, Number.MAX_SAFE_INTEGER]);
    expect([fen("2990"), fen(" 2990 "), fen("-100"), fen("007"), fen("999999999999999")]).toEqual([2990, 2990, -100, 7, 999999999999999]);
  });

  it("Should give no amount for a fraction, text that is no whole number, a number past 2^53 or anything else", () => {
    const none = [29.9, Number.MAX_SAFE_INTEGER + 1, Number.NaN, "29.9", "29.9元", "1e3", "", " ", "+5", "1234567890123456"];
    expect(none.map(fen)).toEqual(none.map(() => null));
    expect([fen(null), fen(undefined), fen(true), fen({}), fen(2990n), fen(rawJSON("2990"))]).toEqual([null, null, null, null, null, null]);
  });
});
