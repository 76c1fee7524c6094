/**
 * `GET /api/complaints/{id}/order` (admin; `?mchid=`): the complaint's order as PAYJS's `/check` tells it, answered
 * from the last check of that order when it is younger than 10 minutes (src/actions/order-check.ts). The order's
 * `raw` holds the payer's `openid`, which is why only the admin token reads it.
 * @module
 */
import { Hono } from "hono";
import { checkComplaintOrder } from "../../actions/order-check";
import { Store } from "../../store";
import { methodNotAllowed } from "../method-not-allowed";
import { requireRole } from "../middleware/auth";
import { requestedComplaint } from "../requested-complaint";
import type { AppEnv } from "../types";

export const orderRoutes = new Hono<AppEnv>();

orderRoutes.get("/complaints/:id/order", requireRole("admin"), async (c) => {
  const {
    complaint,
    view: { merchant },
  } = await requestedComplaint(c);
  const checked = await checkComplaintOrder(new Store(c.env.COMPLAINTS), c.get("config").upstream, merchant, complaint, Date.now());
  c.header("Cache-Control", "private, no-store");
  return c.json(checked);
});
orderRoutes.all("/complaints/:id/order", methodNotAllowed("GET"));
