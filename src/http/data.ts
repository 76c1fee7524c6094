/**
 * What the data routes answer from: the snapshot (kept in the isolate as long as the poll schedule allows) and
 * the marks (kept at most 30 s), read side by side.
 * @module
 */
import type { Context } from "hono";
import { currentMarks, currentSnapshot } from "../reader/cache";
import type { MarksView } from "../reader/marks";
import type { Handling } from "../reader/query";
import type { Snapshot } from "../reader/snapshot";
import type { AppEnv } from "./types";

export interface ServedData {
  snapshot: Snapshot;
  marks: MarksView;
  /** The marks, the deadline settings and the time of the request. */
  handling: Handling;
  /**
   * Covers the stored complaints, poll states, marks and deadline settings: the base of the ETag, so a changed mark
   * never 304s. Not the time: what depends on it (`overdue`) adds to the ETag itself.
   */
  revision: string;
}

export async function servedData(c: Context<AppEnv>): Promise<ServedData> {
  const config = c.get("config");
  const [snapshot, marks] = await Promise.all([
    currentSnapshot(c.env.COMPLAINTS, config.merchants, config.channels.length > 0),
    currentMarks(c.env.COMPLAINTS, config.merchants),
  ]);
  const rules = config.deadlines;
  const settings = `${rules.replyWithinHours}/${rules.resolveWithinHours}/${rules.remindBeforeHours.join(",")}`;
  return { snapshot, marks, handling: { marks, rules, now: Date.now() }, revision: `${snapshot.revision}|${marks.revision}|${settings}` };
}
