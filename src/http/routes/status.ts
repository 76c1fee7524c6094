/**
 * `GET /api/status`: each merchant's poll bookkeeping and counts, and any stored value that could not be read.
 * @module
 */
import { Hono } from "hono";
import { isDue } from "../../poller/schedule";
import { currentSnapshot } from "../../reader/snapshot";
import { conditional } from "../conditional";
import { methodNotAllowed } from "../method-not-allowed";
import type { AppEnv } from "../types";

export const statusRoutes = new Hono<AppEnv>();

statusRoutes.get("/status", async (c) => {
  const config = c.get("config");
  const snapshot = await currentSnapshot(c.env.COMPLAINTS, config.merchants);
  const now = Date.now();
  // The revision alone would keep `next_poll_at: null` (due now) from showing once a merchant falls due.
  const dueNow = snapshot.merchants.map((m) => (m.state === null || isDue(m.state, now) ? "1" : "0")).join("");
  return conditional(c, `${snapshot.revision}:${dueNow}`, () =>
    c.json({
      merchants: snapshot.merchants.map(({ merchant, state, complaints, storageErrors }) => ({
        mchid: merchant.mchid,
        name: merchant.name,
        last_attempt_at: state?.last_attempt_at ?? null,
        last_success_at: state?.last_success_at ?? null,
        next_poll_at: state === null || isDue(state, now) ? null : state.next_poll_at,
        consecutive_failures: state?.consecutive_failures ?? 0,
        last_error: state?.last_error ?? null,
        complaints_total: complaints.length,
        complaints_active: complaints.filter((x) => x.active).length,
        storage_errors: storageErrors.map(({ code, message }) => ({ code, message })),
      })),
    }),
  );
});
statusRoutes.all("/status", methodNotAllowed("GET, HEAD"));
