/**
 * How a value is kept in KV, and the small checks its shape is made of. The store knows keys and the
 * versioned wrapper; each value's shape is checked here, next to its type, and handed to the store.
 * @module
 */

export interface Shape<T> {
  /** For messages: what must be valid for the value to be read at all, and what may be damaged one by one. */
  whole: string;
  parts: string;
  /** What of a stored record can be read, and how many parts could not; null when nothing can. */
  read(record: Record<string, unknown>): { value: T; bad: number } | null;
  /** The fields to store (beside the wrapper's `format` and `rev`). */
  write(value: T): Record<string, unknown>;
  /**
   * For a list kept under `field`: the value rebuilt from a text that does not parse, given each item of the list
   * in place (`undefined` where one could not be read) and the fields written before the list, parsed, when they
   * parse (else null).
   */
  salvage?: { field: string; from(items: unknown[], head: Record<string, unknown> | null): T };
}

export const isString = (v: unknown): v is string => typeof v === "string";
export const isTime = (v: unknown): boolean => v === null || (isString(v) && !Number.isNaN(Date.parse(v)));
export const isCount = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v >= 0;

export interface ErrorAt {
  code: string;
  message: string;
  at: string;
}

export function isErrorAt(e: unknown): e is ErrorAt | null {
  if (e === null) return true;
  const x = e as Record<string, unknown>;
  return typeof e === "object" && isString(x.code) && isString(x.message) && isString(x.at);
}
