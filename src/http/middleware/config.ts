/**
 * Loads the settings before any route runs: an invalid one answers 500 `bad_config` naming it, on every
 * route, `/healthz` included.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { loadConfig } from "../../config";
import { HttpError } from "../errors";
import type { AppEnv } from "../types";

export const withConfig: MiddlewareHandler<AppEnv> = async (c, next) => {
  const result = loadConfig(c.env);
  if (!result.ok) {
    const { error } = result;
    throw new HttpError(500, error.code, error.message, { setting: error.setting });
  }
  c.set("config", result.config);
  await next();
};
