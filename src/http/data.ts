/**
 * What the data routes answer from: the snapshot (kept in the isolate as long as the poll schedule allows) and
 * the handled marks (kept at most 30 s), read side by side.
 * @module
 */
import type { Context } from "hono";
import { currentMarks, currentSnapshot } from "../reader/cache";
import type { MarksView } from "../reader/marks";
import type { Snapshot } from "../reader/snapshot";
import type { AppEnv } from "./types";

export interface ServedData {
  snapshot: Snapshot;
  marks: MarksView;
  /** Covers the stored complaints, poll states and marks: the base of the ETag, so a changed mark never 304s. */
  revision: string;
}

export async function servedData(c: Context<AppEnv>): Promise<ServedData> {
  const config = c.get("config");
  const [snapshot, marks] = await Promise.all([
    currentSnapshot(c.env.COMPLAINTS, config.merchants, config.channels.length > 0),
    currentMarks(c.env.COMPLAINTS, config.merchants),
  ]);
  return { snapshot, marks, revision: `${snapshot.revision}|${marks.revision}` };
}
