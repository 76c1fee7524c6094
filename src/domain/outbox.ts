/**
 * A merchant's alert outbox, as stored: what is to be sent through which channel, what was sent and what was
 * given up on; and the deliveries made since it was last written, which the merchant's status carries.
 * @module
 */
import { type ErrorAt, isCount, isErrorAt, isString, isTime, type Shape } from "./shape";

export type { ErrorAt };

/**
 * What an entry says, as its event wrote it (src/notify/events/): the event, the kind of message (an event may send
 * several), when it was told, and whatever else its kind holds.
 */
export interface Notice {
  event: string;
  kind: string;
  at: string;
}

export interface OutboxEntry {
  /** `{channel}|{event key}`: the same event for the same channel is never queued twice. */
  id: string;
  channel: string;
  event: string;
  /** The complaints this message tells of, so a complaint is announced once per channel. */
  complaint_ids: string[];
  /** What to send; dropped once the entry is done. */
  notification: Notice | null;
  state: "pending" | "delivered" | "given_up";
  attempts: number;
  created_at: string;
  next_attempt_at: string | null;
  done_at: string | null;
  last_error: ErrorAt | null;
}

export interface ChannelRecord {
  last_delivery_at: string | null;
  last_error: ErrorAt | null;
}

/** What became of one alert on one channel: its latest outcome. */
export type AlertOutcome = "delivered" | "failed" | "given_up";

/** One alert's outcome for one complaint, compact: `[at, event, channel, outcome]`. */
export type TrailEntry = [at: string, event: string, channel: string, outcome: AlertOutcome];

/**
 * What the alerts of entries gone from the outbox did, by complaint id (a complaint's timeline is its live entries and
 * this), and since when each complaint with a trail has been out of the merchant's present (`away`): a trail is kept
 * until its complaint has been away 90 days (src/notify/trail.ts).
 */
export interface Trail {
  alerts: Record<string, TrailEntry[]>;
  away: Record<string, string>;
}

export interface Outbox {
  entries: OutboxEntry[];
  channels: Record<string, ChannelRecord>;
  trail: Trail;
}

/** No trail; built without a prototype, so an upstream id such as `__proto__` is a key like any other. */
export const noTrail = (): Trail => ({ alerts: Object.create(null), away: Object.create(null) });

export const emptyOutbox = (): Outbox => ({ entries: [], channels: {}, trail: noTrail() });

/** Where one entry's delivery stands. */
export type Progress = Pick<OutboxEntry, "state" | "attempts" | "next_attempt_at" | "done_at" | "last_error">;

/** What delivery did to an outbox since it was last written: each attempted entry's progress, and the channels' records. */
export interface Deliveries {
  entries: Record<string, Progress>;
  channels: Record<string, ChannelRecord>;
}

export const noDeliveries = (): Deliveries => ({ entries: {}, channels: {} });

const STATES: readonly string[] = ["pending", "delivered", "given_up"];

function channelRecords(v: unknown): Record<string, ChannelRecord> | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const value: Record<string, ChannelRecord> = {};
  for (const [name, r] of Object.entries(v)) {
    const x = r as Record<string, unknown> | null;
    if (typeof x !== "object" || x === null || !(x.last_delivery_at === null || isString(x.last_delivery_at)) || !isErrorAt(x.last_error)) {
      return null;
    }
    value[name] = { last_delivery_at: x.last_delivery_at as string | null, last_error: x.last_error as ChannelRecord["last_error"] };
  }
  return value;
}

function isProgress(p: unknown): p is Progress {
  if (typeof p !== "object" || p === null) return false;
  const x = p as Record<string, unknown>;
  return (
    STATES.includes(x.state as string) && isCount(x.attempts) && isTime(x.next_attempt_at) && isTime(x.done_at) && isErrorAt(x.last_error)
  );
}

/** Deliveries are optional (a status without any has none to fold in); null when they are not valid. */
export function readDeliveries(v: unknown): Deliveries | null {
  if (v === undefined) return noDeliveries();
  if (typeof v !== "object" || v === null) return null;
  const d = v as Record<string, unknown>;
  const channels = channelRecords(d.channels);
  if (channels === null || typeof d.entries !== "object" || d.entries === null || Array.isArray(d.entries)) return null;
  const entries: Record<string, Progress> = {};
  for (const [id, p] of Object.entries(d.entries)) {
    if (!isProgress(p)) return null;
    entries[id] = p;
  }
  return { entries, channels };
}

function isEntry(e: unknown): e is OutboxEntry {
  if (typeof e !== "object" || e === null) return false;
  const x = e as Record<string, unknown>;
  return (
    isString(x.id) &&
    isString(x.channel) &&
    isString(x.event) &&
    Array.isArray(x.complaint_ids) &&
    STATES.includes(x.state as string) &&
    isCount(x.attempts) &&
    isString(x.created_at) &&
    isTime(x.next_attempt_at) &&
    isTime(x.done_at) &&
    (x.state !== "pending" || isNotice(x.notification))
  );
}

function isNotice(n: unknown): n is Notice {
  const x = n as Record<string, unknown>;
  return typeof n === "object" && n !== null && isString(x.event) && isString(x.kind) && isString(x.at);
}

const OUTCOMES: readonly string[] = ["delivered", "failed", "given_up"];

function isTrailEntry(t: unknown): t is TrailEntry {
  if (!Array.isArray(t) || t.length !== 4) return false;
  const [at, event, channel, outcome] = t as unknown[];
  return isString(at) && isString(event) && isString(channel) && OUTCOMES.includes(outcome as string);
}

/** The trail as stored (`trail` and `away` beside the entries, only once there is one); null when it is not valid. */
function readTrail(alerts: unknown, away: unknown): Trail | null {
  const trail = noTrail();
  if (alerts === undefined && away === undefined) return trail;
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isMap(alerts) || !isMap(away)) return null;
  for (const [id, entries] of Object.entries(alerts)) {
    if (!Array.isArray(entries) || !entries.every(isTrailEntry)) return null;
    trail.alerts[id] = entries;
  }
  for (const [id, since] of Object.entries(away)) {
    if (!isString(since)) return null;
    trail.away[id] = since;
  }
  return trail;
}

export const OUTBOX: Shape<Outbox> = {
  what: "outbox",
  read: ({ outbox: v }) => {
    if (typeof v !== "object" || v === null) return null;
    const o = v as Record<string, unknown>;
    const channels = channelRecords(o.channels);
    const trail = readTrail(o.trail, o.away);
    if (!Array.isArray(o.entries) || !o.entries.every(isEntry) || channels === null || trail === null) return null;
    return { entries: o.entries, channels, trail };
  },
  write: ({ entries, channels, trail }) => ({
    outbox: {
      entries,
      channels,
      ...(Object.keys(trail.alerts).length === 0 ? {} : { trail: trail.alerts, away: trail.away }),
    },
  }),
};

/**
 * Folds recorded deliveries into the outbox they were made from. A record never takes an entry back: one
 * with fewer attempts than the entry (an older status next to a newer outbox, after a failed write) is
 * skipped, so folding twice changes nothing.
 */
export function applyDeliveries(outbox: Outbox, deliveries: Deliveries): void {
  for (const e of outbox.entries) {
    const p = deliveries.entries[e.id];
    if (p === undefined || p.attempts < e.attempts) continue;
    e.state = p.state;
    e.attempts = p.attempts;
    e.next_attempt_at = p.next_attempt_at;
    e.done_at = p.done_at;
    e.last_error = p.last_error;
    if (e.state !== "pending") e.notification = null;
  }
  for (const [name, record] of Object.entries(deliveries.channels)) outbox.channels[name] = mergeChannel(outbox.channels[name], record);
}

/** Two invocations' deliveries as one: each entry at its furthest attempt, each channel at its latest. */
export function mergeDeliveries(a: Deliveries, b: Deliveries): Deliveries {
  const entries = { ...a.entries };
  for (const [id, p] of Object.entries(b.entries)) {
    const q = entries[id];
    if (q === undefined || p.attempts >= q.attempts) entries[id] = p;
  }
  const channels = { ...a.channels };
  for (const [name, record] of Object.entries(b.channels)) channels[name] = mergeChannel(channels[name], record);
  return { entries, channels };
}

function mergeChannel(a: ChannelRecord | undefined, b: ChannelRecord): ChannelRecord {
  if (a === undefined) return { ...b };
  const delivered = later(a.last_delivery_at, b.last_delivery_at);
  const error = later(a.last_error, b.last_error);
  // A delivery after the error clears it, as a successful attempt does.
  return { last_delivery_at: delivered, last_error: error !== null && delivered !== null && delivered >= error.at ? null : error };
}

function later<T extends string | ErrorAt>(a: T | null, b: T | null): T | null {
  if (a === null || b === null) return a ?? b;
  const at = (x: T) => (typeof x === "string" ? x : x.at);
  return at(a) >= at(b) ? a : b;
}
