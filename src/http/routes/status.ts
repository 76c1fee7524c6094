/**
 * `GET /api/status`: each merchant's poll bookkeeping and counts, each alert channel's deliveries, and any
 * stored value that could not be read.
 * @module
 */
import { Hono } from "hono";
import { isDue } from "../../domain/poll-state";
import { statusEntry } from "../../domain/status";
import { channelStatus } from "../../notify/outbox";
import { currentSnapshot } from "../../reader/snapshot";
import { conditional } from "../conditional";
import { methodNotAllowed } from "../method-not-allowed";
import type { AppEnv } from "../types";

export const statusRoutes = new Hono<AppEnv>();

statusRoutes.get("/status", async (c) => {
  const config = c.get("config");
  const snapshot = await currentSnapshot(c.env.COMPLAINTS, config.merchants, config.channels.length > 0);
  const now = Date.now();
  // The revision alone would keep `next_poll_at: null` (due now) from showing once a merchant falls due.
  const dueNow = snapshot.merchants.map((m) => (m.state === null || isDue(m.state, now) ? "1" : "0")).join("");
  return conditional(c, `${snapshot.revision}:${dueNow}:${config.channels.map((ch) => ch.name).join(",")}`, () =>
    c.json({
      merchants: snapshot.merchants.map(({ merchant, state, complaints, storageErrors }) => ({
        ...statusEntry(merchant, state, complaints, now),
        storage_errors: storageErrors.map(({ code, message }) => ({ code, message })),
      })),
      channels: channelStatus(
        config.channels,
        snapshot.merchants.flatMap((m) => (m.outbox === null ? [] : [m.outbox])),
      ),
    }),
  );
});
statusRoutes.all("/status", methodNotAllowed("GET, HEAD"));
