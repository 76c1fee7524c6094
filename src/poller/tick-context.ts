import type { Config } from "../config";
import type { Store } from "../store";
import type { Outbound } from "../outbound";

/** Everything one tick's polls and deliveries share. */
export interface Tick {
  config: Config;
  store: Store;
  /** The tick's time: due rules, backoff and retry schedules. */
  now: number;
  outbound: Outbound;
}
