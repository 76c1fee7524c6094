/**
 * The Hono application: every HTTP route of the Worker.
 * @module
 */
import { Hono } from "hono";
import type { WorkerEnv } from "../env";
import { jsonError } from "./errors";

export function createApp(): Hono<{ Bindings: WorkerEnv }> {
  const app = new Hono<{ Bindings: WorkerEnv }>();

  app.get("/healthz", (c) => c.json({ ok: true }));

  app.notFound((c) => jsonError(c, 404, "not_found", `No route for ${c.req.method} ${c.req.path}`));
  app.onError((err, c) => {
    console.error(JSON.stringify({ msg: "unhandled error", error: err instanceof Error ? err.name : "unknown" }));
    return jsonError(c, 500, "internal", "Internal error");
  });
  return app;
}
