/**
 * One cron tick: load the settings, poll whichever merchants are due, and wait for it (not `waitUntil`),
 * so the tick's effects are in KV when `scheduled()` returns.
 * @module
 */
import { loadConfig } from "../config";
import type { WorkerEnv } from "../env";
import { logEvent } from "../log";
import { Outbound } from "../outbound";
import { Store } from "../store";
import { type PollResult, planPoll, pollMerchants } from "./poll";
import { tendAlerts } from "./retry";
import type { Tick } from "./tick-context";

export async function tick(env: WorkerEnv, now: number): Promise<PollResult[]> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    const { error } = loaded;
    logEvent("tick", { outcome: "error", error: error.code, setting: error.setting, message: error.message });
    return [];
  }
  const { config } = loaded;
  if (config.merchants.length === 0) {
    logEvent("tick", { outcome: "idle", message: "No PAYJS merchant is configured: set PAYJS_MCHID and PAYJS_KEY, or PAYJS_MERCHANTS" });
    return [];
  }
  const store = new Store(env.COMPLAINTS);
  try {
    const tick: Tick = { config, store, now, outbound: new Outbound() };
    const plan = await planPoll(config, store, now);
    const results = await pollMerchants(tick, plan.due);
    // Merchants not due only: a due one was polled just now (which sent its alerts) or waits for budget.
    await tendAlerts(tick, plan.waiting);
    if (plan.due.length === 0) {
      logEvent("tick", { outcome: "idle", merchants: config.merchants.length, next_due_in_s: Math.ceil((plan.nextDueInMs ?? 0) / 1000) });
    }
    return results;
  } catch (error) {
    // KV itself failed outside one merchant's poll; the next tick tries again.
    logEvent("tick", { outcome: "error", error: "storage", message: error instanceof Error ? error.message.slice(0, 200) : "unknown" });
    return [];
  }
}
