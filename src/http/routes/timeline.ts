/**
 * `GET /api/complaints/{id}/timeline` (read; `?mchid=`): what happened to a complaint, oldest first
 * (src/domain/timeline.ts), from its record, its marks book's log and its alerts (the outbox's entries, with what
 * delivery did since folded in, and its trail). Found as the detail finds it, in the present or the history.
 * @module
 */
import { Hono } from "hono";
import { logOf } from "../../domain/marks";
import { OUTBOX, type Outbox } from "../../domain/outbox";
import { timelineOf } from "../../domain/timeline";
import { complaintAlerts } from "../../notify/trail";
import type { MerchantView } from "../../reader/snapshot";
import { outboxKey, Store } from "../../store";
import { conditional } from "../conditional";
import { servedData } from "../data";
import { methodNotAllowed } from "../method-not-allowed";
import { shownComplaint } from "../requested-complaint";
import type { AppEnv } from "../types";

export const timelineRoutes = new Hono<AppEnv>();

/**
 * The merchant's outbox and its revision for the ETag: the snapshot's (read with alert channels configured), else read
 * here, so alerts sent before the channels were taken out still show.
 */
async function outboxOf(kv: KVNamespace, view: MerchantView): Promise<{ outbox: Outbox | null; rev: string }> {
  if (view.outbox !== null) return { outbox: view.outbox, rev: "" };
  const stored = await new Store(kv).loadRecent(outboxKey(view.merchant.mchid), OUTBOX);
  return stored.kind === "ok" ? { outbox: stored.value, rev: stored.rev } : { outbox: null, rev: stored.kind };
}

timelineRoutes.get("/complaints/:id/timeline", async (c) => {
  const data = await servedData(c);
  const { complaint, view, marks, moves } = await shownComplaint(c, data);
  const { outbox, rev } = await outboxOf(c.env.COMPLAINTS, view);
  return conditional(c, `${data.view.revision}:${marks.revision}:${rev}`, () => {
    const book = marks.byMerchant.get(complaint.mchid)?.book;
    const kept = { ...complaint, ...(moves === undefined ? {} : { moves }) };
    const events = timelineOf(
      kept,
      book === undefined ? [] : logOf(book, complaint.id),
      outbox === null ? [] : complaintAlerts(outbox, complaint.id),
    );
    return c.json({ events });
  });
});
timelineRoutes.all("/complaints/:id/timeline", methodNotAllowed("GET, HEAD"));
