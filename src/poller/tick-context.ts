import type { Config } from "../config";
import type { Outbound } from "../outbound";
import type { Store } from "../store";

/** A tick that tells "监控已启动" (src/poller/started.ts). */
export interface StartedTick {
  /** The settings it tells of. */
  fingerprint: string;
  /** The merchants whose outbox tells some channel. */
  homes: ReadonlySet<string>;
  /** The merchants polled this tick whose messages wait for the next tick, to come after it. */
  hold: Set<string>;
  /** The homes whose outbox has it queued. */
  told: Set<string>;
}

/** Everything one tick's polls and deliveries share. */
export interface Tick {
  config: Config;
  store: Store;
  /** The tick's time: due rules, backoff and retry schedules. */
  now: number;
  outbound: Outbound;
  /** Set on the tick that tells "监控已启动"; absent on every other invocation. */
  started?: StartedTick;
}
