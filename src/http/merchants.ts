/**
 * The merchants a request may name: the configured ones. `?mchid=` naming another is a 404 (the list and the CSV,
 * which filter by it, answer a 400 from the reader instead).
 * @module
 */
import type { Context } from "hono";
import type { Config } from "../config";
import type { Merchant } from "../domain/merchant";
import { HttpError } from "./errors";
import type { AppEnv } from "./types";

const sets = new WeakMap<Config, ReadonlySet<string>>();

/** The configured mchids, built once per parsed config. */
export function mchidSet(config: Config): ReadonlySet<string> {
  let set = sets.get(config);
  if (set === undefined) {
    set = new Set(config.merchants.map((m) => m.mchid));
    sets.set(config, set);
  }
  return set;
}

/** The merchant `?mchid=` names, null when it names none, or a 404 when it is not a configured merchant. */
export function requestedMerchant(c: Context<AppEnv>): Merchant | null {
  const mchid = c.req.query("mchid") || null;
  if (mchid === null) return null;
  const merchant = c.get("config").merchants.find((m) => m.mchid === mchid);
  if (merchant === undefined) throw new HttpError(404, "not_found", `mchid ${mchid} is not a configured merchant`);
  return merchant;
}
