/**
 * Bearer tokens: `API_TOKENS` may read, `ADMIN_TOKEN` may read and trigger polls. Only the
 * `Authorization` header counts (a token in a URL leaks into logs and history). Tokens are compared in
 * constant time, every configured token every time.
 * @module
 * @see https://www.rfc-editor.org/rfc/rfc6750
 */
import type { MiddlewareHandler } from "hono";
import { equalsConstantTime } from "../../constant-time";
import { HttpError } from "../errors";
import type { AppEnv, Role } from "../types";

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

export function requireRole(needed: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { readTokens, adminToken } = c.get("config");
    if (readTokens.length === 0 && adminToken === null) {
      throw new HttpError(503, "not_configured", "No API token is configured: set API_TOKENS or ADMIN_TOKEN");
    }
    const match = BEARER.exec(c.req.header("authorization") ?? "");
    if (match === null) {
      throw new HttpError(401, "unauthorized", "Send Authorization: Bearer <token>", {
        headers: { "WWW-Authenticate": 'Bearer realm="payjs-complaint-watch"' },
      });
    }
    const token = match[1] as string;
    const isAdmin = adminToken !== null && equalsConstantTime(token, adminToken);
    let isReader = false;
    for (const t of readTokens) isReader = equalsConstantTime(token, t) || isReader;
    if (!isAdmin && !isReader) {
      throw new HttpError(401, "unauthorized", "The token is not valid", {
        headers: { "WWW-Authenticate": 'Bearer realm="payjs-complaint-watch", error="invalid_token"' },
      });
    }
    if (needed === "admin" && !isAdmin) throw new HttpError(403, "forbidden", "This needs the admin token");
    c.set("viewer", { role: isAdmin ? "admin" : "read", device: null });
    await next();
  };
}
