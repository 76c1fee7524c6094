/**
 * The dashboard: `GET /` (the page), `/dashboard.js` and `/dashboard.css`, as a Hono sub-app mounted with
 * `app.route("/", dashboardRoutes)`. Everything is same-origin and self-contained (no CDN, no web font),
 * so it works on workers.dev and offline under `wrangler dev`. The page reads the JSON API with the token
 * the user enters; the routes here need no token and serve no data.
 *
 * Every answer carries a strict Content-Security-Policy: scripts and styles from this origin only (no inline
 * code), fetches to this origin only, no frames, no forms posting anywhere, and Trusted Types enforced, so
 * an HTML sink like `innerHTML` cannot be fed a string even by mistake.
 *
 * Caching: the page is revalidated on every load (`no-cache` + ETag); it references the script and style
 * sheet by content hash (`?v=`), and a request carrying the current hash may be cached for a year.
 * @module
 */
import { Hono, type Context } from "hono";
import { md5 } from "../md5";
import { methodNotAllowed } from "../http/method-not-allowed";
import type { AppEnv } from "../http/types";
import { CLIENT_JS } from "./client";
import { renderPage } from "./page";
import { CSS } from "./style";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join("; ");

export const PAGE_CACHE_CONTROL = "no-cache";
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";

interface Asset {
  body: string;
  type: string;
  /** The first 12 hex digits of the body's MD5: the `?v=` of its URL and its ETag. */
  version: string;
}

function asset(body: string, type: string): Asset {
  return { body, type, version: md5(body).slice(0, 12) };
}

const script = asset(CLIENT_JS, "text/javascript; charset=utf-8");
const style = asset(CSS, "text/css; charset=utf-8");
const page = asset(
  renderPage({ script: `/dashboard.js?v=${script.version}`, style: `/dashboard.css?v=${style.version}` }),
  "text/html; charset=utf-8",
);

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  return ifNoneMatch !== undefined && ifNoneMatch.split(",").some((t) => [etag, `W/${etag}`, "*"].includes(t.trim()));
}

/** Serves `a`; `versioned` assets are cached for a year when asked for by their current `?v=`. */
function serve(a: Asset, versioned: boolean) {
  return (c: Context<AppEnv>): Response => {
    const etag = `"${a.version}"`;
    const headers: Record<string, string> = {
      "Content-Security-Policy": CONTENT_SECURITY_POLICY,
      "Cache-Control": versioned && c.req.query("v") === a.version ? IMMUTABLE_CACHE_CONTROL : PAGE_CACHE_CONTROL,
      ETag: etag,
    };
    if (matches(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
    return c.body(a.body, 200, { ...headers, "Content-Type": a.type });
  };
}

export const dashboardRoutes = new Hono<AppEnv>();

dashboardRoutes.get("/", serve(page, false));
dashboardRoutes.all("/", methodNotAllowed("GET, HEAD"));
dashboardRoutes.get("/dashboard.js", serve(script, true));
dashboardRoutes.all("/dashboard.js", methodNotAllowed("GET, HEAD"));
dashboardRoutes.get("/dashboard.css", serve(style, true));
dashboardRoutes.all("/dashboard.css", methodNotAllowed("GET, HEAD"));

/** Sizes in bytes of what `GET /` loads (before HTTP compression), for the README and tests. */
export const DASHBOARD_BYTES = {
  page: new TextEncoder().encode(page.body).length,
  script: new TextEncoder().encode(script.body).length,
  style: new TextEncoder().encode(style.body).length,
};
