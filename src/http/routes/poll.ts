/**
 * `POST /api/poll` (admin): polls the due merchants now, through the same poller as the cron. Not due
 * answers 429 with `Retry-After`: PAYJS rate-limits the complaint API.
 * @module
 */
import { Hono } from "hono";
import { Outbound } from "../../outbound";
import { planPoll } from "../../poller/plan";
import { pollMerchants } from "../../poller/poll";
import { Store } from "../../store";
import { HttpError } from "../errors";
import { requestedMerchant } from "../merchants";
import { methodNotAllowed } from "../method-not-allowed";
import { requireRole } from "../middleware/auth";
import type { AppEnv } from "../types";

export const pollRoutes = new Hono<AppEnv>();

pollRoutes.post("/poll", requireRole("admin"), async (c) => {
  const config = c.get("config");
  const only = requestedMerchant(c) ?? undefined;
  if (config.merchants.length === 0) {
    throw new HttpError(503, "not_configured", "No PAYJS merchant is configured: set PAYJS_MCHID and PAYJS_KEY, or PAYJS_MERCHANTS");
  }
  const store = new Store(c.env.COMPLAINTS);
  const now = Date.now();
  const plan = await planPoll(config, store, now, only);
  if (plan.due.length === 0) {
    const seconds = Math.max(1, Math.ceil((plan.nextDueInMs ?? 0) / 1000));
    throw new HttpError(429, "not_due", `No merchant is due; PAYJS asks for one call every few hours. Retry in ${seconds} s`, {
      headers: { "Retry-After": String(seconds) },
    });
  }
  const results = await pollMerchants({ config, store, now, outbound: new Outbound() }, plan.due);
  return c.json({ results });
});
pollRoutes.all("/poll", methodNotAllowed("POST"));
