/**
 * Validation of channel options. Errors name the option and never echo its value (it may be a secret:
 * a webhook URL with its access token, a bot token, a SendKey).
 * @module
 */

/** A bad channel option; `option` is its key, for the caller's `NOTIFY_CHANNELS[i].option` report. */
export class OptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`option "${option}" ${message}`);
    this.name = "OptionError";
  }
}

function isHttpUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

/** A required (or, with `fallback`, optional) absolute http(s) URL, as given (only surrounding blanks dropped). */
export function urlOption(options: Record<string, unknown>, key: string, fallback?: string): string {
  const value = options[key];
  if (value === undefined && fallback !== undefined) return fallback;
  if (value === undefined) throw new OptionError(key, "is required");
  if (typeof value !== "string" || !isHttpUrl(value.trim())) {
    throw new OptionError(key, "must be an absolute http:// or https:// URL");
  }
  return value.trim();
}

/** An API base (`api_base`, `server`): a URL with no trailing slash, so `${base}/path` has exactly one. */
export function baseOption(options: Record<string, unknown>, key: string, fallback: string): string {
  return urlOption(options, key, fallback).replace(/\/+$/, "");
}

/**
 * A required string (or, with `optional`, one that may be absent → null). Present means non-empty: a blank
 * `secret` must not silently mean "send unsigned". `pattern` checks the form (e.g. a bot token's) of a value
 * that is then trimmed; a value without one (a secret) is kept exactly as given.
 */
export function stringOption(
  options: Record<string, unknown>,
  key: string,
  rule: { optional?: boolean; pattern?: RegExp; form?: string } = {},
): string | null {
  const value = options[key];
  if (value === undefined) {
    if (rule.optional) return null;
    throw new OptionError(key, "is required");
  }
  if (typeof value !== "string" || value.trim() === "") throw new OptionError(key, "must be a non-empty string");
  if (rule.pattern === undefined) return value; // a secret is used byte for byte
  if (!rule.pattern.test(value.trim())) throw new OptionError(key, `must look like ${rule.form ?? "the platform's format"}`);
  return value.trim();
}

/** Like {@link stringOption} but required: never null. */
export function requiredString(options: Record<string, unknown>, key: string, rule: { pattern?: RegExp; form?: string } = {}): string {
  return stringOption(options, key, rule) as string;
}
