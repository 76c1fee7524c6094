/**
 * Work a request starts that its answer need not wait for (noting a device seen, telling the channels of a new one).
 * @module
 */
import type { Context } from "hono";
import { logEvent } from "../log";
import type { AppEnv } from "./types";

/** Runs `work` after the answer when the runtime allows (a Worker), else before it; a failure is logged as `event`. */
export async function afterwards(c: Context<AppEnv>, event: string, work: Promise<void>): Promise<void> {
  const quiet = work.catch((error: unknown) =>
    logEvent(event, { outcome: "error", error: error instanceof Error ? error.name : "unknown" }),
  );
  try {
    c.executionCtx.waitUntil(quiet);
  } catch {
    await quiet;
  }
}
