import type { Handler } from "hono";
import { jsonError } from "./errors";

/** Registered after a path's real handlers: any other method gets 405 and the `Allow` list. */
export function methodNotAllowed(allow: string): Handler {
  return (c) => {
    c.header("Allow", allow);
    return jsonError(c, 405, "method_not_allowed", `${c.req.method} is not allowed here; use ${allow}`);
  };
}
