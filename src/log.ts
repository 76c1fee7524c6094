/**
 * One JSON object per line, so `wrangler tail` and Workers Logs can filter on fields.
 * Callers pass identifiers and counts only: never a key, a token or complaint text.
 * @module
 */
type LogFields = Record<string, string | number | boolean | null>;

export function logEvent(event: string, fields: LogFields): void {
  console.log(JSON.stringify({ event, ...fields }));
}
