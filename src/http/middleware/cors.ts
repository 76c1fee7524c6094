/**
 * CORS for the origins in `CORS_ORIGINS` (or `*`); none by default. An origin not on the list gets no
 * CORS header at all, and its preflight falls through to the token check like any request without a
 * token (a preflight never carries `Authorization`): 401 with `WWW-Authenticate`, not the route's 405,
 * which only a caller with a valid token reaches (the claim of a sign-in code, which needs no token, answers its 405).
 * Either way the browser refuses the cross-origin call.
 * @module
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../types";

const ALLOW_HEADERS = "Authorization, Content-Type, If-None-Match";
const EXPOSE_HEADERS = "ETag, Retry-After, WWW-Authenticate";

export const cors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origins = c.get("config").corsOrigins;
  if (origins !== "*" && origins.length === 0) return next();
  const origin = c.req.header("origin");
  const allowed = origin === undefined ? null : origins === "*" ? "*" : origins.includes(origin) ? origin : null;
  if (origins !== "*") c.header("Vary", "Origin", { append: true });
  if (allowed === null) return next();

  if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method") !== undefined) {
    return c.body(null, 204, {
      "Access-Control-Allow-Origin": allowed,
      "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
      "Access-Control-Allow-Headers": ALLOW_HEADERS,
      "Access-Control-Max-Age": "600",
    });
  }
  await next();
  c.res.headers.set("Access-Control-Allow-Origin", allowed);
  c.res.headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
};
