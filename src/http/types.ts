import type { Config } from "../config";
import type { WorkerEnv } from "../env";

export type Role = "read" | "admin";

/**
 * Who sent a request: the role its credential has (`view`: a view link's key, which opens one complaint's detail), and
 * the device it was issued to (null: a configured token or a view key).
 */
export interface Viewer {
  role: Role | "view";
  device: { id: string; name: string } | null;
}

/** The Hono environment of every route: bindings, plus what the middleware found out. */
export interface AppEnv {
  Bindings: WorkerEnv;
  Variables: { config: Config; viewer: Viewer };
}
