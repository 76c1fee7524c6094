import type { Config } from "../config";

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
