/**
 * The one JSON error shape of every route: `{"error":{"code","message",…}}`.
 * @module
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export function jsonError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): Response {
  return c.json({ error: { code, message, ...extra } }, status);
}
