/**
 * The Hono application: every HTTP route of the Worker, and the middleware they share.
 * @module
 */
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ActionError, type ActionErrorCode } from "../actions/errors";
import { logEvent } from "../log";
import { QueryError } from "../reader/query";
import { HttpError } from "./errors";
import { methodNotAllowed } from "./method-not-allowed";
import { authenticate } from "./middleware/auth";
import { withConfig } from "./middleware/config";
import { cors } from "./middleware/cors";
import { complaintsRoutes } from "./routes/complaints";
import { dailyRoutes } from "./routes/daily";
import { claimRoutes, deviceRoutes } from "./routes/devices";
import { markRoutes } from "./routes/marks";
import { notifyRoutes } from "./routes/notify";
import { orderRoutes } from "./routes/order";
import { pollRoutes } from "./routes/poll";
import { refundRoutes } from "./routes/refund";
import { statusRoutes } from "./routes/status";
import { timelineRoutes } from "./routes/timeline";
import type { AppEnv } from "./types";

/** The status each action's refusal is answered with. */
const ACTION_STATUS: Record<ActionErrorCode, ContentfulStatusCode> = {
  no_order: 409,
  refunds_disabled: 403,
  confirm_mismatch: 400,
  refund_in_progress: 409,
  upstream_refused: 502,
  upstream_unavailable: 502,
  upstream_invalid: 502,
  refund_unknown: 504,
  storage: 503,
  upgrading: 503,
  in_history: 409,
  too_many_devices: 409,
};

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(secureHeaders());
  app.use(withConfig);

  app.get("/healthz", (c) => c.json({ ok: true }));
  app.all("/healthz", methodNotAllowed("GET, HEAD"));

  // The dashboard (`/` and `/assets/*`) is static assets, answered before the Worker runs (wrangler.toml [assets]).
  app.use("/api/*", cors);
  app.route("/api", claimRoutes);
  app.use("/api/*", authenticate);
  app.route("/api", complaintsRoutes);
  app.route("/api", dailyRoutes);
  app.route("/api", markRoutes);
  app.route("/api", orderRoutes);
  app.route("/api", refundRoutes);
  app.route("/api", statusRoutes);
  app.route("/api", timelineRoutes);
  app.route("/api", pollRoutes);
  app.route("/api", notifyRoutes);
  app.route("/api", deviceRoutes);

  // A hook, not a handler: it returns the answer, as hono expects (a throw here is not caught where a handler's is).
  app.notFound((c) => new HttpError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`).getResponse(c));
  app.onError((err, c) => {
    if (err instanceof HttpError) return err.getResponse(c);
    // The reader sits below this layer and cannot throw an HttpError: its bad parameter becomes one here, and only here.
    if (err instanceof QueryError) return new HttpError(400, err.code, err.message, { parameter: err.parameter }).getResponse(c);
    // So does an action's refusal (actions/ sits below it too).
    if (err instanceof ActionError) {
      return new HttpError(ACTION_STATUS[err.code], err.code, err.message, { parameter: err.parameter }).getResponse(c);
    }
    // Anything else is a bug or a failure nobody answered: logged by name, answered without its message or stack.
    logEvent("http_error", { path: c.req.path, error: err instanceof Error ? err.name : "unknown" });
    return new HttpError(500, "internal", "Internal error").getResponse(c);
  });
  return app;
}
