import type { Config } from "../config";
import type { Outbound } from "../outbound";
import type { Store } from "../store";

/** Everything one tick's polls and deliveries share. */
export interface Tick {
  config: Config;
  store: Store;
  /** The tick's time: due rules, backoff and retry schedules. */
  now: number;
  outbound: Outbound;
}
