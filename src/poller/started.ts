/**
 * When the channels hear "监控已启动" (src/notify/events/watcher-started.ts): at the first tick whose settings (the
 * merchants, and each channel's type, name and options) differ from those last told, once. The fingerprint kept in
 * KV is an MD5 of them (no secret in clear); its write is the one exception to "a tick with nothing due writes
 * nothing". On such a tick the merchants that tell no channel are polled first with their messages held for the next
 * tick, then the ones that do (their homes), so the message reports this tick's polls and comes before its news.
 * @module
 */
import type { Config } from "../config";
import { STARTED } from "../domain/started";
import { md5 } from "../md5";
import { startedHomes } from "../notify/events/watcher-started";
import { STARTED_KEY, type Store } from "../store";
import type { StartedTick } from "./tick-context";

/** The fingerprint of the settings the message tells of. */
export function settingsFingerprint(config: Config): string {
  const channels = config.channels.map((ch) => ({ type: ch.type.type, name: ch.name, options: ch.options }));
  return md5(JSON.stringify({ merchants: config.merchants.map((m) => m.mchid), channels }));
}

/** The tick's part in telling the settings, or null when the channels heard these already. */
export async function startedOf(store: Store, config: Config): Promise<StartedTick | null> {
  const fingerprint = settingsFingerprint(config);
  const last = await store.load(STARTED_KEY, STARTED);
  if (last.kind === "ok" && last.value.fingerprint === fingerprint) return null;
  const homes = startedHomes(config.channels, config.merchants);
  // No channel takes the message: nothing to tell, and adding one changes the fingerprint anyway.
  return homes.size === 0 ? null : { fingerprint, homes, hold: new Set(), told: new Set() };
}

/** Records the settings as told, once every home has the message queued; else the next tick tries again. */
export async function recordStarted(store: Store, started: StartedTick, now: number): Promise<boolean> {
  if ([...started.homes].some((mchid) => !started.told.has(mchid))) return false;
  await store.save(STARTED_KEY, STARTED, { fingerprint: started.fingerprint, at: new Date(now).toISOString() }, now);
  return true;
}
