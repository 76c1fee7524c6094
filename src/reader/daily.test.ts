import { describe, expect, it } from "vitest";
import { merchantView, snapshotOf } from "../../test/support/snapshot";
import { type DayCounts, KEEP_DAYS } from "../domain/days";
import { dailyRows, parseDailyQuery } from "./daily";
import { QueryError } from "./query";
import type { Snapshot } from "./snapshot";

const MCHIDS = new Set(["100", "200"]);
/** 2026-11-08 12:00 in Beijing. */
const NOW = Date.parse("2026-11-08T04:00:00Z");
const query = (qs: string, now = NOW) => parseDailyQuery(new URLSearchParams(qs), MCHIDS, now);

/** The refused parameter, and the message, of a query that must be refused. */
function refusal(qs: string): { parameter: string; message: string } {
  try {
    query(qs);
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError);
    return { parameter: (error as QueryError).parameter, message: (error as QueryError).message };
  }
  throw new Error(`expected ${qs} to be refused`);
}

/** A snapshot of merchants with these day counts and no complaints. */
function snapshotWithDays(days: Record<string, DayCounts>): Snapshot {
  return { ...snapshotOf([]), merchants: Object.entries(days).map(([mchid, d]) => merchantView(mchid, [], { days: d })) };
}

describe("parseDailyQuery", () => {
  it("Should default to the 30 Beijing days up to today, of every merchant", () => {
    expect(query("")).toEqual({ mchid: null, since: "2026-10-10", until: "2026-11-08" });
  });

  it("Should take today in Beijing, a day ahead of UTC after 16:00 UTC", () => {
    // 2026-11-07 16:30 UTC is 2026-11-08 00:30 in Beijing.
    expect(query("", Date.parse("2026-11-07T16:30:00Z"))).toEqual({ mchid: null, since: "2026-10-10", until: "2026-11-08" });
    expect(query("", Date.parse("2026-11-07T15:59:59Z")).until).toBe("2026-11-07");
  });

  it("Should count 30 days back from an until given alone, and up to today from a since given alone", () => {
    expect(query("until=2026-03-01")).toMatchObject({ since: "2026-01-31", until: "2026-03-01" });
    expect(query("since=2026-11-01")).toMatchObject({ since: "2026-11-01", until: "2026-11-08" });
  });

  it("Should take parameters left empty as not given", () => {
    expect(query("mchid=&since=&until=")).toEqual(query(""));
  });

  it("Should take a configured merchant, and one day", () => {
    expect(query("mchid=200&since=2026-11-08&until=2026-11-08")).toEqual({ mchid: "200", since: "2026-11-08", until: "2026-11-08" });
  });

  it.each([
    ["since", "since=2026-02-30"],
    ["since", "since=2026-11-8"],
    ["until", "until=yesterday"],
    ["until", "until=2026-13-01"],
    ["until", "until=2026-11-08T00:00:00"],
    ["since", "since=2026/11/01&until=2026-11-08"],
  ])("Should refuse a date that is no Beijing date YYYY-MM-DD, naming %s", (parameter, qs) => {
    const { parameter: refused, message } = refusal(qs);
    expect(refused).toBe(parameter);
    expect(message).toContain(parameter);
    expect(message).toContain(new URLSearchParams(qs).get(parameter));
  });

  it("Should refuse a year outside 2000–2100, which the day-by-day rows could not step past", () => {
    expect(refusal("until=9999-12-31").parameter).toBe("until");
    expect(refusal("since=1999-12-31&until=2000-01-05").parameter).toBe("since");
    expect(query("since=2100-12-01&until=2100-12-31")).toMatchObject({ until: "2100-12-31" });
  });

  it("Should refuse a since after until", () => {
    expect(refusal("since=2026-11-09&until=2026-11-08").parameter).toBe("since");
    // A since after today, with until left to default to today.
    expect(refusal("since=2026-11-09").parameter).toBe("since");
  });

  it("Should take a span of KEEP_DAYS days and refuse one day more", () => {
    expect(KEEP_DAYS).toBe(90);
    expect(query("since=2026-08-11&until=2026-11-08")).toMatchObject({ since: "2026-08-11", until: "2026-11-08" });
    const { parameter, message } = refusal("since=2026-08-10&until=2026-11-08");
    expect(parameter).toBe("since");
    expect(message).toContain("91");
  });

  it("Should refuse a merchant that is not configured, without looking at the dates", () => {
    expect(refusal("mchid=300").parameter).toBe("mchid");
    expect(refusal("mchid=300&since=bad").parameter).toBe("mchid");
  });
});

describe("dailyRows", () => {
  const snapshot = snapshotWithDays({
    "100": { "2026-11-06": [2, 200], "2026-11-08": [1, 990], "2026-11-10": [7, 7] },
    "200": { "2026-11-05": [1, 1], "2026-11-08": [3, 300] },
  });

  it("Should give every day of the range, oldest first, summed across merchants, a day without complaints as 0", () => {
    expect(dailyRows(snapshot, query("since=2026-11-06&until=2026-11-09"))).toEqual([
      { day: "2026-11-06", complaints: 2, total_fee: 200 },
      { day: "2026-11-07", complaints: 0, total_fee: 0 },
      { day: "2026-11-08", complaints: 4, total_fee: 1290 },
      { day: "2026-11-09", complaints: 0, total_fee: 0 },
    ]);
  });

  it("Should count one merchant's complaints alone when the query names it", () => {
    expect(dailyRows(snapshot, query("mchid=200&since=2026-11-05&until=2026-11-08"))).toEqual([
      { day: "2026-11-05", complaints: 1, total_fee: 1 },
      { day: "2026-11-06", complaints: 0, total_fee: 0 },
      { day: "2026-11-07", complaints: 0, total_fee: 0 },
      { day: "2026-11-08", complaints: 3, total_fee: 300 },
    ]);
  });

  it("Should give the 30 days of the default query, ending today", () => {
    const rows = dailyRows(snapshot, query(""));
    expect(rows).toHaveLength(30);
    expect(rows[0]?.day).toBe("2026-10-10");
    expect(rows.at(-1)).toEqual({ day: "2026-11-08", complaints: 4, total_fee: 1290 });
    expect(rows.reduce((n, r) => n + r.complaints, 0)).toBe(7);
  });

  it("Should step over the ends of months, years and a leap February", () => {
    const days = (qs: string) => dailyRows(snapshotWithDays({}), query(qs)).map((r) => r.day);
    expect(days("since=2026-12-30&until=2027-01-02")).toEqual(["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]);
    expect(days("since=2028-02-28&until=2028-03-01")).toEqual(["2028-02-28", "2028-02-29", "2028-03-01"]);
    expect(days("since=2026-04-30&until=2026-05-01")).toEqual(["2026-04-30", "2026-05-01"]);
  });

  it("Should give a row of zeros for each day when no merchant has counts", () => {
    expect(dailyRows(snapshotWithDays({ "100": {}, "200": {} }), query("since=2026-11-07&until=2026-11-08"))).toEqual([
      { day: "2026-11-07", complaints: 0, total_fee: 0 },
      { day: "2026-11-08", complaints: 0, total_fee: 0 },
    ]);
  });

  it("Should give KEEP_DAYS rows for the longest range", () => {
    const rows = dailyRows(snapshot, query("since=2026-08-11&until=2026-11-08"));
    expect(rows).toHaveLength(KEEP_DAYS);
    expect(new Set(rows.map((r) => r.day)).size).toBe(KEEP_DAYS);
    expect(rows.at(-1)?.day).toBe("2026-11-08");
  });
});
