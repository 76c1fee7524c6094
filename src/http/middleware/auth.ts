/**
 * Bearer tokens: `API_TOKENS` may read, `ADMIN_TOKEN` may read and trigger polls. Only the
 * `Authorization` header counts (a token in a URL leaks into logs and history). Tokens are compared in
 * constant time, every configured token every time.
 * @module
 * @see https://www.rfc-editor.org/rfc/rfc6750
 */
import type { MiddlewareHandler } from "hono";
import { equalsConstantTime } from "../../constant-time";
import { jsonError } from "../errors";
import type { AppEnv, Role } from "../types";

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

export function requireRole(needed: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { readTokens, adminToken } = c.get("config");
    if (readTokens.length === 0 && adminToken === null) {
      return jsonError(c, 503, "not_configured", "No API token is configured: set API_TOKENS or ADMIN_TOKEN");
    }
    const match = BEARER.exec(c.req.header("authorization") ?? "");
    if (match === null) {
      c.header("WWW-Authenticate", 'Bearer realm="payjs-complaint-watch"');
      return jsonError(c, 401, "unauthorized", "Send Authorization: Bearer <token>");
    }
    const token = match[1] as string;
    const isAdmin = adminToken !== null && equalsConstantTime(token, adminToken);
    let isReader = false;
    for (const t of readTokens) isReader = equalsConstantTime(token, t) || isReader;
    if (!isAdmin && !isReader) {
      c.header("WWW-Authenticate", 'Bearer realm="payjs-complaint-watch", error="invalid_token"');
      return jsonError(c, 401, "unauthorized", "The token is not valid");
    }
    if (needed === "admin" && !isAdmin) return jsonError(c, 403, "forbidden", "This needs the admin token");
    c.set("role", isAdmin ? "admin" : "read");
    await next();
  };
}
