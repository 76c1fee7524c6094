/**
 * `GET /api/daily`: complaints per Beijing day of `complaint_at`, from the counts the present keeps as complaints
 * arrive (domain/days.ts), never from the list: what the dashboard's 30-day chart draws. Every day of the range is
 * in the answer, oldest first, a day without complaints as 0.
 * @module
 */
import { KEEP_DAYS } from "../domain/days";
import { beijingDay, DAY_MS, FIRST_YEAR, isRealTime, LAST_YEAR } from "../domain/time";
import { QueryError } from "./query";
import type { Snapshot } from "./snapshot";

/** The days the chart shows when none are asked for. */
const DEFAULT_DAYS = 30;

export interface DayRow {
  day: string;
  complaints: number;
  /** Their `total_fee`, fen. */
  total_fee: number;
}

interface DailyQuery {
  mchid: string | null;
  since: string;
  until: string;
}

function dateParam(params: URLSearchParams, name: "since" | "until"): string | null {
  const value = params.get(name) || null;
  if (value === null) return null;
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const year = Number(parts?.[1]);
  if (parts === null || year < FIRST_YEAR || year > LAST_YEAR || !isRealTime(year, Number(parts[2]), Number(parts[3]))) {
    throw new QueryError(name, `${name} must be a Beijing date YYYY-MM-DD, not ${value}`);
  }
  return value;
}

const dayAfter = (day: string): string => beijingDay(Date.parse(`${day}T12:00:00+08:00`) + DAY_MS);

/** `mchid`, `since`, `until` (Beijing dates, inclusive): by default the 30 days up to today, at most {@link KEEP_DAYS} days. */
export function parseDailyQuery(params: URLSearchParams, mchids: ReadonlySet<string>, now: number): DailyQuery {
  const mchid = params.get("mchid") || null;
  if (mchid !== null && !mchids.has(mchid)) throw new QueryError("mchid", `mchid ${mchid} is not a configured merchant`);
  const until = dateParam(params, "until") ?? beijingDay(now);
  const since = dateParam(params, "since") ?? beijingDay(Date.parse(`${until}T12:00:00+08:00`) - (DEFAULT_DAYS - 1) * DAY_MS);
  if (since > until) throw new QueryError("since", "since is after until");
  const span = Math.round((Date.parse(until) - Date.parse(since)) / DAY_MS) + 1;
  if (span > KEEP_DAYS) throw new QueryError("since", `at most ${KEEP_DAYS} days are kept; since…until spans ${span}`);
  return { mchid, since, until };
}

/** Each day of the query's range with the complaints that arrived for it, of its merchant or of all. */
export function dailyRows(snapshot: Snapshot, query: DailyQuery): DayRow[] {
  const rows: DayRow[] = [];
  for (let day = query.since; day <= query.until; day = dayAfter(day)) {
    let complaints = 0;
    let fee = 0;
    for (const { merchant, days } of snapshot.merchants) {
      if (query.mchid !== null && merchant.mchid !== query.mchid) continue;
      const n = days[day];
      if (n === undefined) continue;
      complaints += n[0];
      fee += n[1];
    }
    rows.push({ day, complaints, total_fee: fee });
  }
  return rows;
}
