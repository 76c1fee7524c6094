/**
 * `GET /api/status`: each merchant's poll bookkeeping and counts, each alert channel's deliveries, and any
 * stored value that could not be read (or was rebuilt in the last week).
 * @module
 */
import { Hono } from "hono";
import { isDue } from "../../domain/poll-state";
import { rebuiltNotice, statusEntry } from "../../domain/status";
import { channelStatus } from "../../notify/outbox";
import { type MarksView, marksOf } from "../../reader/marks";
import { conditional } from "../conditional";
import { servedData } from "../data";
import { methodNotAllowed } from "../method-not-allowed";
import type { AppEnv } from "../types";

export const statusRoutes = new Hono<AppEnv>();

/** A merchant's marks that could not be read, shown beside the snapshot's storage errors. */
function markErrors(marks: MarksView, mchid: string) {
  const error = marks.byMerchant.get(mchid)?.error ?? null;
  return error === null ? [] : [error];
}

statusRoutes.get("/status", async (c) => {
  const config = c.get("config");
  const { snapshot, marks, revision } = await servedData(c);
  const now = Date.now();
  // The revision alone would keep `next_poll_at: null` (due now) from showing once a merchant falls due.
  const dueNow = snapshot.merchants.map((m) => (m.state === null || isDue(m.state, now) ? "1" : "0")).join("");
  return conditional(c, `${revision}:${dueNow}:${config.channels.map((ch) => ch.name).join(",")}`, () =>
    c.json({
      merchants: snapshot.merchants.map(({ merchant, state, complaints, storageErrors }) => ({
        ...statusEntry(merchant, state, complaints, now, marksOf(marks, merchant.mchid)),
        storage_errors: [
          ...[...storageErrors, ...markErrors(marks, merchant.mchid)].map(({ code, message }) => ({ code, message })),
          ...rebuiltNotice(state, now),
        ],
      })),
      channels: channelStatus(
        config.channels,
        snapshot.merchants.flatMap((m) => (m.outbox === null ? [] : [m.outbox])),
      ),
      // The dashboard shows a complaint's age in red past the first reminder.
      remind_after_hours: config.remindAfterHours,
    }),
  );
});
statusRoutes.all("/status", methodNotAllowed("GET, HEAD"));
