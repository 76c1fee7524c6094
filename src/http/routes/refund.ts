/**
 * `POST /api/complaints/{id}/refund` (admin, only with `ALLOW_REFUNDS=true`; `?mchid=`): refunds the complaint's
 * order through PAYJS, once (src/actions/refund.ts). The person types the amount back (`{"total_fee": n, "note"?}`)
 * as their confirmation.
 * @module
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { ActionError } from "../../actions/errors";
import { checkRefundsAllowed, type RefundRequest, refundComplaint } from "../../actions/refund";
import { monthOfComplaint } from "../../domain/history";
import { marksIn } from "../../domain/marks";
import { served } from "../../domain/served";
import { keepMarks } from "../../reader/cache";
import { Store } from "../../store";
import { badBody, jsonBody } from "../json-body";
import { methodNotAllowed } from "../method-not-allowed";
import { requireRole } from "../middleware/auth";
import { requestedComplaint } from "../requested-complaint";
import type { AppEnv } from "../types";

export const refundRoutes = new Hono<AppEnv>();

/** The longest note kept with a refund, in characters. */
const MAX_REFUND_NOTE = 200;
const BODY = {
  maxBytes: 4 * 1024,
  fields: ["total_fee", "note"],
  example: '{"total_fee": <the amount in fen>, "note"?: "…"}',
  emptyIsNone: false,
};

/** The person's request, and who sent it (the device's name; null: a configured token). */
async function readRequest(c: Context<AppEnv>): Promise<RefundRequest> {
  const { total_fee, note = "" } = await jsonBody(c, BODY);
  if (typeof total_fee !== "number" || !Number.isSafeInteger(total_fee) || total_fee <= 0) {
    throw badBody("total_fee", "total_fee must be the complaint's amount in fen (a whole number), typed as confirmation");
  }
  if (typeof note !== "string") throw badBody("note", "note must be a string");
  if ([...note].length > MAX_REFUND_NOTE) throw badBody("note", `note is longer than ${MAX_REFUND_NOTE} characters`);
  return { total_fee, note, by: c.get("viewer").device?.name ?? null };
}

refundRoutes.post("/complaints/:id/refund", requireRole("admin"), async (c) => {
  const config = c.get("config");
  checkRefundsAllowed(config.allowRefunds);
  const {
    complaint,
    view: { merchant },
    kept,
  } = await requestedComplaint(c);
  // Its `complaint.refunded` would never be told: ticks read the marks of the present only.
  if (kept === "history")
    throw new ActionError("in_history", `Complaint ${complaint.id} left PAYJS's list over a week ago; refund it in PAYJS's own dashboard`);
  const request = await readRequest(c);
  const { marks, error } = await refundComplaint(new Store(c.env.COMPLAINTS), config, merchant, complaint, request);
  keepMarks(c.env.COMPLAINTS, complaint.mchid, monthOfComplaint(complaint), marks, Date.now());
  if (error !== null) throw error;
  c.header("Cache-Control", "no-store");
  return c.json({ complaint: served(complaint, marksIn(marks.book, complaint.id), config.deadlines) });
});
refundRoutes.all("/complaints/:id/refund", methodNotAllowed("POST"));
