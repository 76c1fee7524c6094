/**
 * `GET /api/complaints/{id}/order` (admin; `?mchid=`): the complaint's order as PAYJS's `/check` tells it, answered
 * from the last check of that order when it is younger than 10 minutes. The order's `raw` holds the payer's
 * `openid`, which is why only the admin token reads it.
 * @module
 */
import { Hono } from "hono";
import { logEvent } from "../../log";
import type { UpstreamError } from "../../payjs/client";
import { checkOrder } from "../../payjs/order";
import { checkedOrder } from "../../reader/orders";
import { Store } from "../../store";
import { HttpError } from "../errors";
import { methodNotAllowed } from "../method-not-allowed";
import { requireRole } from "../middleware/auth";
import { requestedComplaint } from "../requested-complaint";
import type { AppEnv } from "../types";

export const orderRoutes = new Hono<AppEnv>();

/** PAYJS's refusal says why (`return_msg`); no answer, or one not to be trusted, is PAYJS being unavailable. */
export function upstreamHttpError(error: UpstreamError): HttpError {
  if (error.code === "upstream_error") return new HttpError(502, "upstream_refused", error.message);
  if (error.transient) return new HttpError(502, "upstream_unavailable", error.message);
  return new HttpError(502, "upstream_invalid", error.message);
}

orderRoutes.get("/complaints/:id/order", requireRole("admin"), async (c) => {
  const config = c.get("config");
  const complaint = await requestedComplaint(c);
  if (complaint.order_id.trim() === "") {
    throw new HttpError(409, "no_order", `Complaint ${complaint.id} names no PAYJS order (order_id is empty)`);
  }
  const merchant = config.merchants.find((m) => m.mchid === complaint.mchid);
  if (merchant === undefined) throw new HttpError(404, "not_found", `mchid ${complaint.mchid} is not a configured merchant`);
  const options = { apiBase: config.apiBase, timeoutMs: config.upstreamTimeoutMs, signaturePolicy: config.signaturePolicy };
  const answer = await checkedOrder(new Store(c.env.COMPLAINTS), complaint.mchid, complaint.order_id, Date.now(), async () => {
    const result = await checkOrder(merchant, complaint.order_id, options);
    logEvent("order_check", {
      mchid: complaint.mchid,
      complaint: complaint.id,
      order: complaint.order_id,
      outcome: result.ok ? "ok" : "error",
      ...(result.ok ? { status: result.order.status } : { error: result.error.code, message: result.error.message }),
    });
    return result;
  });
  if (!answer.ok) throw upstreamHttpError(answer.error);
  c.header("Cache-Control", "private, no-store");
  return c.json(answer.checked);
});
orderRoutes.all("/complaints/:id/order", methodNotAllowed("GET"));
