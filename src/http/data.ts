/**
 * What the data routes answer from: the view of the snapshot and the marks (reader/view.ts), kept in the isolate as
 * long as they hold (reader/cache.ts), and the time of the request.
 * @module
 */
import type { Context } from "hono";
import { currentView, type Served } from "../reader/cache";
import type { AppEnv } from "./types";

export interface ServedData extends Served {
  /** When `overdue` is decided. */
  now: number;
}

export async function servedData(c: Context<AppEnv>): Promise<ServedData> {
  const config = c.get("config");
  const now = Date.now();
  const served = await currentView(c.env.COMPLAINTS, config.merchants, config.channels.length > 0, config.deadlines, now);
  return { ...served, now };
}
