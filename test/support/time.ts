/**
 * Spans of time in milliseconds, one set for every test: `now + 10 * MINUTE`, `first_seen_at` three `HOUR`s ago.
 * @module
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
