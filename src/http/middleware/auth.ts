/**
 * Who may call `/api/*`. `Authorization: Bearer <token>`: a configured token (`API_TOKENS` read, `ADMIN_TOKEN` admin,
 * compared in constant time, every one every time) or a device's token (src/access/devices.ts). `Authorization: View
 * <key>`: a view link's key, which opens one complaint's detail and nothing else (domain/view-key.ts). Only the
 * header counts (a token in a URL leaks into logs and history); a refusal never says which part was wrong.
 * @module
 * @see https://www.rfc-editor.org/rfc/rfc6750
 */
import type { Context, MiddlewareHandler } from "hono";
import { grantOf, noteSeen } from "../../access/devices";
import { viewSecret } from "../../access/view-secret";
import { equalsConstantTime } from "../../constant-time";
import { opensComplaint } from "../../domain/view-key";
import { Store } from "../../store";
import { afterwards } from "../after-answer";
import { HttpError } from "../errors";
import type { AppEnv, Role, Viewer } from "../types";

const CREDENTIALS = /^(Bearer|View)[ \t]+([^\s]+)[ \t]*$/i;
/** The one route a view key opens: a complaint's detail. */
const VIEWABLE = /^\/api\/complaints\/([^/]+)$/;
const REALM = 'Bearer realm="payjs-complaint-watch"';

const unauthorized = (message: string, error?: string) =>
  new HttpError(401, "unauthorized", message, {
    headers: { "WWW-Authenticate": error === undefined ? REALM : `${REALM}, error="${error}"` },
  });

/** The configured token `token` is, if any. */
function configuredRole(c: Context<AppEnv>, token: string): Role | null {
  const { readTokens, adminToken } = c.get("config");
  const isAdmin = adminToken !== null && equalsConstantTime(token, adminToken);
  let isReader = false;
  for (const t of readTokens) isReader = equalsConstantTime(token, t) || isReader;
  return isAdmin ? "admin" : isReader ? "read" : null;
}

async function bearer(c: Context<AppEnv>, token: string): Promise<Viewer> {
  const role = configuredRole(c, token);
  if (role !== null) return { role, device: null };
  const now = Date.now();
  const grant = await grantOf(new Store(c.env.COMPLAINTS), token, now);
  if (grant === null) throw unauthorized("The token is not valid", "invalid_token");
  await afterwards(c, "device_seen", noteSeen(new Store(c.env.COMPLAINTS), grant.id, now));
  return { role: grant.role, device: { id: grant.id, name: grant.name } };
}

async function view(c: Context<AppEnv>, key: string): Promise<Viewer> {
  const refused = unauthorized("This link does not open this (or has expired); sign in to see more", "invalid_token");
  const path = VIEWABLE.exec(c.req.path);
  const mchid = c.req.query("mchid") ?? "";
  if (path === null || (c.req.method !== "GET" && c.req.method !== "HEAD") || mchid === "") throw refused;
  let id: string;
  try {
    id = decodeURIComponent(path[1] as string);
  } catch {
    throw refused;
  }
  const now = Date.now();
  const secret = await viewSecret(new Store(c.env.COMPLAINTS), now, false);
  if (secret === null || !opensComplaint(secret, key, mchid, id, now)) throw refused;
  return { role: "view", device: null };
}

/** Every `/api/*` request: who sent it, or 401 (503 when no token is configured at all). */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { readTokens, adminToken } = c.get("config");
  if (readTokens.length === 0 && adminToken === null) {
    throw new HttpError(503, "not_configured", "No API token is configured: set API_TOKENS or ADMIN_TOKEN");
  }
  const match = CREDENTIALS.exec(c.req.header("authorization") ?? "");
  if (match === null) throw unauthorized("Send Authorization: Bearer <token>");
  const [, scheme, credential] = match as unknown as [string, string, string];
  c.set("viewer", scheme.toLowerCase() === "view" ? await view(c, credential) : await bearer(c, credential));
  await next();
};

/** A route only an admin may call (after {@link authenticate}): 403 for a read token or device. */
export function requireRole(needed: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (needed === "admin" && c.get("viewer").role !== "admin") throw new HttpError(403, "forbidden", "This needs the admin token");
    await next();
  };
}
