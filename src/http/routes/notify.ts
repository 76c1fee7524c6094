/**
 * `POST /api/notify/test` (admin): a test message through every channel (or `?channel=name`), whatever
 * its filters, sent now; the answer says what each platform made of it.
 * @module
 */
import { Hono } from "hono";
import { send } from "../../notify/send";
import { HttpError } from "../errors";
import { methodNotAllowed } from "../method-not-allowed";
import { requireRole } from "../middleware/auth";
import type { AppEnv } from "../types";

export const notifyRoutes = new Hono<AppEnv>();

notifyRoutes.post("/notify/test", requireRole("admin"), async (c) => {
  const config = c.get("config");
  if (config.channels.length === 0) {
    throw new HttpError(503, "not_configured", "No alert channel is configured: set NOTIFY_CHANNELS");
  }
  const name = c.req.query("channel") || null;
  const channels = name === null ? config.channels : config.channels.filter((ch) => ch.name === name);
  if (channels.length === 0) throw new HttpError(404, "not_found", `No channel named ${name}`);
  const now = Date.now();
  const results = await Promise.all(
    channels.map(async (channel) => {
      const result = await send(
        channel,
        { kind: "test", event: "test", at: new Date(now).toISOString() },
        { publicUrl: config.publicUrl, now, at: now },
      );
      return {
        name: channel.name,
        type: channel.type.type,
        ok: result.ok,
        error: result.ok ? null : { code: result.code, message: result.message },
      };
    }),
  );
  return c.json({ results });
});
notifyRoutes.all("/notify/test", methodNotAllowed("POST"));
