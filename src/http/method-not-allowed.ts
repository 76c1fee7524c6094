import type { Handler } from "hono";
import { HttpError } from "./errors";
import type { AppEnv } from "./types";

/** Registered after a path's real handlers: any other method gets 405 and the `Allow` list. */
export function methodNotAllowed(allow: string): Handler<AppEnv> {
  return (c) => {
    throw new HttpError(405, "method_not_allowed", `${c.req.method} is not allowed here; use ${allow}`, { headers: { Allow: allow } });
  };
}
