/**
 * `GET /api/status`: each merchant's poll bookkeeping and counts, each alert channel's deliveries, and any
 * stored value that could not be read (or was rebuilt in the last week).
 * @module
 */
import { Hono } from "hono";
import { isDue } from "../../domain/poll-state";
import { rebuiltNotice, statusEntry } from "../../domain/status";
import { channelStatus } from "../../notify/outbox";
import type { MarksView } from "../../reader/marks";
import { handlingCounts } from "../../reader/view";
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
  const { view, marks, now } = await servedData(c);
  const { merchants } = view.snapshot;
  const rules = config.deadlines;
  const counts = merchants.map((m) => handlingCounts(view, m.merchant.mchid, now));
  // The revision alone would keep `next_poll_at: null` (due now), or a deadline that passed, from showing.
  const dueNow = merchants.map((m, i) => `${m.state === null || isDue(m.state, now) ? 1 : 0}.${counts[i]?.complaints_overdue}`).join(",");
  const settings = `${config.channels.map((ch) => ch.name).join(",")}:${config.allowRefunds}`;
  const { role, device } = c.get("viewer");
  const viewer = { role, device: device?.name ?? null };
  return conditional(c, `${view.revision}:${dueNow}:${settings}:${JSON.stringify(viewer)}`, () =>
    c.json({
      merchants: merchants.map(({ merchant, state, complaints, history, upgrading, storageErrors }, i) => ({
        ...statusEntry(merchant, state, complaints, history, now),
        // While layout 2 is moved over (a tick or a few after the upgrade): how many complaints have moved.
        upgrading,
        ...counts[i],
        storage_errors: [
          ...[...storageErrors, ...markErrors(marks, merchant.mchid)].map(({ code, message }) => ({ code, message })),
          ...rebuiltNotice(state, now),
        ],
      })),
      channels: channelStatus(
        config.channels,
        merchants.flatMap((m) => (m.outbox === null ? [] : [m.outbox])),
      ),
      // Who is asking: the dashboard shows admin actions only to an admin.
      viewer,
      // The dashboard offers a refund only when the Worker would carry it out.
      refunds_allowed: config.allowRefunds,
      // The dashboard counts down to each complaint's next deadline, red within the smallest reminder threshold.
      deadlines: {
        reply_within_hours: rules.replyWithinHours,
        resolve_within_hours: rules.resolveWithinHours,
        remind_before_hours: rules.remindBeforeHours,
      },
    }),
  );
});
statusRoutes.all("/status", methodNotAllowed("GET, HEAD"));
