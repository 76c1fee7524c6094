/**
 * `NOTIFY_CHANNELS`: a JSON array of alert channels, validated like every other setting. A bad item is
 * named by its index and field (`NOTIFY_CHANNELS[2].secret`); no value is ever echoed, since URLs, tokens
 * and keys are secrets. Unknown keys are errors: a mistyped `secret` must not silently send unsigned.
 * @module
 */
import { ConfigError } from "../config-error";
import { CHANNEL_TYPES, OptionError } from "./channels";
import { EVENT_NAMES } from "./events";
import { complaintDue } from "./events/complaint-due";
import { complaintOverdue } from "./events/complaint-overdue";
import type { Channel, ChannelType } from "./types";

export type { Channel };

const COMMON_KEYS = ["type", "name", "events", "merchants", "digest_at", "quiet_hours"];
/** A test sends through every channel in one invocation, within its 50 subrequests. */
const MAX_CHANNELS = 20;
const SETTING = "NOTIFY_CHANNELS";

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `"HH:MM"` (Beijing) as minutes after midnight. */
function clockTime(value: unknown, where: string): number {
  const m = typeof value === "string" ? CLOCK.exec(value) : null;
  if (m === null) fail(where, 'must be a Beijing time "HH:MM", e.g. "09:00"');
  return Number(m[1]) * 60 + Number(m[2]);
}

function quietHours(value: unknown, where: string): [number, number] {
  const parts = typeof value === "string" ? value.split("-") : [];
  if (parts.length !== 2) fail(where, 'must be a Beijing time range "HH:MM-HH:MM", e.g. "23:00-08:00"');
  const range: [number, number] = [clockTime(parts[0], where), clockTime(parts[1], where)];
  if (range[0] === range[1]) fail(where, "must not start and end at the same time");
  return range;
}

function fail(where: string, message: string): never {
  throw new ConfigError(SETTING, `${where}${message}`);
}

function stringList(value: unknown, where: string, allowed: readonly string[] | ReadonlySet<string>, what: string): Set<string> {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string")) {
    fail(where, `must be a non-empty array of ${what}`);
  }
  const known = allowed instanceof Set ? allowed : new Set(allowed as readonly string[]);
  const unknown = (value as string[]).find((v) => !known.has(v));
  if (unknown !== undefined) fail(where, `has ${JSON.stringify(unknown)}, which is not one of the ${what}`);
  return new Set(value as string[]);
}

export function parseChannels(text: string | undefined, mchids: ReadonlySet<string>): Channel[] {
  if (text === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail("", 'is not valid JSON; expected an array like [{"type":"webhook","url":"https://…"}]');
  }
  if (!Array.isArray(parsed)) fail("", 'must be a JSON array like [{"type":"webhook","url":"https://…"}]');
  if (parsed.length > MAX_CHANNELS) fail("", `has ${parsed.length} channels; at most ${MAX_CHANNELS}`);

  const names = new Set<string>();
  return parsed.map((item: unknown, i): Channel => {
    const at = `[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) fail(`${at} `, "must be an object with a type");
    const entry = item as Record<string, unknown>;
    const type = typeof entry.type === "string" ? CHANNEL_TYPES[entry.type] : undefined;
    if (type === undefined) fail(`${at}.type `, `must be one of ${Object.keys(CHANNEL_TYPES).join(", ")}`);

    const allowed = new Set([...COMMON_KEYS, ...type.required, ...type.optional]);
    const unknownKey = Object.keys(entry).find((k) => !allowed.has(k));
    if (unknownKey !== undefined)
      fail(`${at}.${unknownKey} `, `is not an option of ${type.type} (it takes ${[...type.required, ...type.optional].join(", ")})`);

    const name = entry.name === undefined ? `${type.type}${i}` : entry.name;
    if (typeof name !== "string" || !/^[\w.-]{1,64}$/.test(name)) fail(`${at}.name `, "must be 1-64 letters, digits, '_', '-' or '.'");
    if (names.has(name)) fail(`${at}.name `, `${name} is used twice`);
    names.add(name);

    if (Array.isArray(entry.events) && entry.events.includes("complaint.reminder")) {
      fail(
        `${at}.events `,
        `names "complaint.reminder", which is retired: use ${JSON.stringify(complaintDue.name)} and ${JSON.stringify(complaintOverdue.name)} (reminders before and after the deadlines)`,
      );
    }
    const events = entry.events === undefined ? null : stringList(entry.events, `${at}.events `, EVENT_NAMES, "events");
    const merchants = entry.merchants === undefined ? null : stringList(entry.merchants, `${at}.merchants `, mchids, "configured mchids");

    const digestAt = entry.digest_at === undefined ? null : clockTime(entry.digest_at, `${at}.digest_at `);
    const quiet = entry.quiet_hours === undefined ? null : quietHours(entry.quiet_hours, `${at}.quiet_hours `);
    const { type: _t, name: _n, events: _e, merchants: _m, digest_at: _d, quiet_hours: _q, ...own } = entry;
    let options: unknown;
    try {
      options = type.parse(own);
    } catch (error) {
      if (error instanceof OptionError) fail(`${at}.${error.option} `, error.message.replace(/^option "[^"]*" /, ""));
      throw error;
    }
    return { name, type: type as ChannelType<unknown>, options, events, merchants, digestAt, quietHours: quiet };
  });
}
