/**
 * Complaints per Beijing day of `complaint_at`, counted as they arrive and kept with the present: what the dashboard's
 * chart and `GET /api/daily` read instead of the list. A complaint PAYJS lists again is not counted again.
 * @module
 */
import type { StoredComplaint } from "./complaint";
import { fen, parseUpstreamTime } from "./payjs-fields";
import { beijingDay, DAY_MS } from "./time";

/** Beijing day (`YYYY-MM-DD`) → [complaints, their `total_fee` in fen]. */
export type DayCounts = Record<string, [number, number]>;

/** How many days back the counts are kept: the chart shows 30; more would grow the present every poll reads. */
export const KEEP_DAYS = 90;

/**
 * The counts with `arrived` added, each on the day of its `complaint_at` (one of no time is not counted), and days
 * older than {@link KEEP_DAYS} before `now` dropped.
 */
export function countArrivals(days: DayCounts, arrived: readonly StoredComplaint[], now: number): DayCounts {
  const first = beijingDay(now - KEEP_DAYS * DAY_MS);
  const counted: DayCounts = {};
  for (const [day, n] of Object.entries(days)) if (day >= first) counted[day] = [n[0], n[1]];
  for (const k of arrived) {
    const at = parseUpstreamTime(k.raw.complaint_at);
    if (at === null) continue;
    const day = beijingDay(at);
    if (day < first) continue;
    const n = counted[day] ?? [0, 0];
    n[0]++;
    n[1] += fen(k.raw.total_fee) ?? 0;
    counted[day] = n;
  }
  return counted;
}

/** Whether a stored value is day counts. */
export function isDayCounts(v: unknown): v is DayCounts {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  return Object.entries(v).every(
    ([day, n]) =>
      /^\d{4}-\d{2}-\d{2}$/.test(day) &&
      Array.isArray(n) &&
      n.length === 2 &&
      Number.isSafeInteger(n[0]) &&
      n[0] >= 0 &&
      Number.isSafeInteger(n[1]),
  );
}
