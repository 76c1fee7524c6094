/**
 * A complaint's timeline (`GET /api/complaints/{id}/timeline`): what happened to it, oldest first, built from what is
 * stored anyway — its record (first seen, and when it left PAYJS's list and came back), its marks book's log (marks set
 * and taken off, refunds), and its alerts (the outbox's entries and trail). Pure.
 * @module
 */
import type { StoredComplaint } from "./complaint";
import type { LogEntry } from "./marks";
import type { AlertOutcome, TrailEntry } from "./outbox";

export type TimelineEvent =
  | { at: string; kind: "seen" }
  | { at: string; kind: "alert"; event: string; channel: string; outcome: AlertOutcome }
  | { at: string; kind: "replied" | "unreplied" | "handled" | "unhandled"; by: string | null; note: string | null }
  | { at: string; kind: "refund"; state: string; by: string | null }
  | { at: string; kind: "gone" | "back" };

/** What the record tells: first seen, and each time it left PAYJS's list and came back. */
function recordEvents(kept: Pick<StoredComplaint, "first_seen_at" | "last_seen_at" | "active" | "moves">): TimelineEvent[] {
  const events: TimelineEvent[] = [{ at: kept.first_seen_at, kind: "seen" }];
  const moves = kept.moves ?? [];
  for (const [gone, back] of moves) {
    events.push({ at: gone, kind: "gone" });
    if (back !== null) events.push({ at: back, kind: "back" });
  }
  // Gone before moves were kept (or since, written by an older version): the last poll that saw it is what is known.
  if (!kept.active && moves.at(-1)?.[1] !== null) events.push({ at: kept.last_seen_at, kind: "gone" });
  return events;
}

function logEvent([at, kind, by, detail]: LogEntry): TimelineEvent {
  return kind === "refund" ? { at, kind, state: detail ?? "unknown", by } : { at, kind, by, note: detail };
}

const alertEvent = ([at, event, channel, outcome]: TrailEntry): TimelineEvent => ({ at, kind: "alert", event, channel, outcome });

/** The timeline, oldest first; events of the same moment in the order seen, moves, marks, alerts. */
export function timelineOf(
  kept: Pick<StoredComplaint, "first_seen_at" | "last_seen_at" | "active" | "moves">,
  log: readonly LogEntry[],
  alerts: readonly TrailEntry[],
): TimelineEvent[] {
  const events = [...recordEvents(kept), ...log.map(logEvent), ...alerts.map(alertEvent)];
  const times = new Map(events.map((e) => [e, Date.parse(e.at) || 0]));
  // Stable: events of one moment keep the order above.
  return events.sort((a, b) => (times.get(a) as number) - (times.get(b) as number));
}
