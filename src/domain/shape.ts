/**
 * How a value is kept in KV, and the small checks its shape is made of. The store knows keys and the
 * versioned wrapper; each value's shape is checked here, next to its type, and handed to the store.
 * @module
 */

export interface Shape<T> {
  /** For messages: what must be valid for the value to be read at all. */
  what: string;
  /** The value a stored record holds; null when any part of it is not valid (the whole value is then set aside). */
  read(record: Record<string, unknown>): T | null;
  /** The fields to store (beside the wrapper's `format` and `rev`). */
  write(value: T): Record<string, unknown>;
}

export const isString = (v: unknown): v is string => typeof v === "string";
export const isTime = (v: unknown): boolean => v === null || (isString(v) && !Number.isNaN(Date.parse(v)));
/** Who did something (`by`) as stored: a device's name, null, or absent in values written before it was kept. */
export const isBy = (v: unknown): v is string | null | undefined => v === undefined || v === null || isString(v);
export const isCount = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v >= 0;

export interface ErrorAt {
  code: string;
  message: string;
  at: string;
  /** PAYJS's own words when it refused (its `return_msg`), kept apart from the message for Chinese alerts. */
  said?: string;
}

export function isErrorAt(e: unknown): e is ErrorAt | null {
  if (e === null) return true;
  const x = e as Record<string, unknown>;
  return typeof e === "object" && isString(x.code) && isString(x.message) && isString(x.at);
}
