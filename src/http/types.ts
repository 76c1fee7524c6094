import type { Config } from "../config";
import type { WorkerEnv } from "../env";

export type Role = "read" | "admin";

/** The Hono environment of every route: bindings, plus what the middleware found out. */
export interface AppEnv {
  Bindings: WorkerEnv;
  Variables: { config: Config; role: Role };
}
