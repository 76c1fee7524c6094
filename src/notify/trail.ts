/**
 * What a complaint's alerts did, for its timeline: the outbox's entries while they are kept (7 days after they are
 * done), then the outbox's trail. Pure: the alert session moves what leaves the outbox into the trail when it writes
 * the outbox anyway (src/poller/alert-session.ts), so the trail never costs a write of its own.
 * @module
 */
import type { AlertOutcome, Outbox, OutboxEntry, Trail, TrailEntry } from "../domain/outbox";
import { DAY_MS } from "../domain/time";
import { eventNamed } from "./events";

/** A complaint's trail is kept until the complaint has been out of its merchant's present this long. */
export const TRAIL_AWAY_MS = 90 * DAY_MS;

/** The most alerts a complaint's trail keeps: the oldest go first. */
export const TRAIL_KEPT = 100;

/** Where an entry's alert stands: delivered, given up, or failed so far; null while nothing was tried. */
export function alertOutcome(e: OutboxEntry): { at: string; outcome: AlertOutcome } | null {
  if (e.state !== "pending") return { at: e.done_at ?? e.created_at, outcome: e.state };
  if (e.attempts === 0) return null;
  return { at: e.last_error?.at ?? e.created_at, outcome: "failed" };
}

/** The complaints an entry tells of (none for an event this version does not know, or one about no complaint). */
const complaintsOf = (e: OutboxEntry): string[] => eventNamed(e.event)?.complaintsOf(e) ?? [];

function add(trail: Trail, id: string, entry: TrailEntry): void {
  const alerts = Object.hasOwn(trail.alerts, id) ? (trail.alerts[id] as TrailEntry[]) : [];
  trail.alerts[id] = [...alerts, entry].slice(-TRAIL_KEPT);
}

/**
 * Moves into the trail the alerts that left the outbox since it held `before`: entries pruned or dropped, and the
 * complaints a pending entry no longer tells of. An alert nothing was tried of leaves nothing.
 */
export function trailDropped(outbox: Outbox, before: readonly OutboxEntry[]): void {
  const after = new Set(outbox.entries);
  let byId: Map<string, OutboxEntry> | null = null;
  for (const e of before) {
    if (after.has(e)) continue;
    const done = alertOutcome(e);
    if (done === null) continue;
    byId ??= new Map(outbox.entries.map((x) => [x.id, x]));
    const replaced = byId.get(e.id);
    const still = new Set(replaced === undefined ? [] : complaintsOf(replaced));
    for (const id of complaintsOf(e)) {
      if (still.has(id)) continue;
      add(outbox.trail, id, [done.at, e.event, e.channel, done.outcome]);
    }
  }
}

/**
 * Notes which complaints of the trail are out of the merchant's present (`present`: its complaints' ids) since when, and
 * drops the trail of those out of it for {@link TRAIL_AWAY_MS}; one back in it loses its note.
 */
export function tendAway(trail: Trail, present: ReadonlySet<string>, now: number): void {
  for (const id of Object.keys(trail.alerts)) {
    const since = Object.hasOwn(trail.away, id) ? trail.away[id] : undefined;
    if (present.has(id)) {
      if (since !== undefined) delete trail.away[id];
    } else if (since === undefined) {
      trail.away[id] = new Date(now).toISOString();
    } else if (now - Date.parse(since) > TRAIL_AWAY_MS) {
      delete trail.alerts[id];
      delete trail.away[id];
    }
  }
  // A note without a trail (written by hand, or left by an older version) goes.
  for (const id of Object.keys(trail.away)) if (!Object.hasOwn(trail.alerts, id)) delete trail.away[id];
}

/**
 * Complaint `id`'s alerts: each live entry that tells of it and was tried (with its latest outcome), then its trail;
 * one per alert and channel, in no particular order.
 */
export function complaintAlerts(outbox: Outbox, id: string): TrailEntry[] {
  const alerts: TrailEntry[] = [];
  for (const e of outbox.entries) {
    const done = alertOutcome(e);
    if (done !== null && complaintsOf(e).includes(id)) alerts.push([done.at, e.event, e.channel, done.outcome]);
  }
  return Object.hasOwn(outbox.trail.alerts, id) ? alerts.concat(outbox.trail.alerts[id] as TrailEntry[]) : alerts;
}
