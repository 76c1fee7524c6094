/**
 * One cron tick: load the settings, poll whichever merchants are due, and wait for it (not `waitUntil`),
 * so the tick's effects are in KV when `scheduled()` returns. With the `POLL_QUEUE` binding the tick polls
 * only the first due merchant itself and sends the others to the queue, each to be polled in an invocation
 * of its own (`fan-out.ts`): every poll has the free plan's CPU and subrequests to itself, and a deployment
 * with one merchant never uses the queue. What the queue refuses the tick polls itself, as without one.
 * @module
 */
import { loadConfig } from "../config";
import type { WorkerEnv } from "../env";
import { logEvent } from "../log";
import { Outbound } from "../outbound";
import { Store } from "../store";
import { enqueuePolls } from "./fan-out";
import { type MerchantRecord, planPoll } from "./plan";
import { type PollResult, pollMerchants } from "./poll";
import { recordStarted, startedOf } from "./started";
import { tendAlerts } from "./tend-alerts";
import type { StartedTick, Tick } from "./tick-context";

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
    const started = await startedOf(store, config);
    const tick: Tick = { config, store, now, outbound: new Outbound(), ...(started === null ? {} : { started }) };
    const plan = await planPoll(config, store, now);
    const results = await pollDue(tick, plan.due, env.POLL_QUEUE);
    // Merchants not due only: a due one was polled just now or sent to the queue (its poll sends its alerts), or waits for budget.
    await tendAlerts(tick, plan.waiting);
    if (started !== null && (await recordStarted(store, started, now))) {
      logEvent("tick", { outcome: "started_told", homes: started.homes.size });
    }
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

/**
 * On the tick that tells "监控已启动": every due merchant polled here (never sent to the queue), those that tell no
 * channel first with their messages held for the next tick, then the homes, whose news then reports this tick's polls.
 */
async function pollBeforeHomes(tick: Tick, due: MerchantRecord[], started: StartedTick): Promise<PollResult[]> {
  const others = due.filter((r) => !started.homes.has(r.merchant.mchid));
  for (const r of others) started.hold.add(r.merchant.mchid);
  const first = await pollMerchants(tick, others);
  return [
    ...first,
    ...(await pollMerchants(
      tick,
      due.filter((r) => started.homes.has(r.merchant.mchid)),
    )),
  ];
}

/**
 * The due merchants: all polled here without a queue; with one, the first here (on the tick that tells
 * "监控已启动", its homes) and the others sent to the queue, each polled in an invocation of its own (those the queue
 * refuses are polled here too).
 */
async function pollDue(tick: Tick, due: MerchantRecord[], queue: Queue | undefined): Promise<PollResult[]> {
  const started = tick.started;
  if (queue === undefined || due.length <= 1) return started === undefined ? pollMerchants(tick, due) : pollBeforeHomes(tick, due, started);
  const here = started === undefined ? due.slice(0, 1) : due.filter((r) => started.homes.has(r.merchant.mchid));
  const others = due.filter((r) => !here.includes(r));
  // The layout check (which may write the `format` key) before the consumers start, so they only read it.
  await tick.store.checkFormat();
  const { sent, unsent, error } = await enqueuePolls(queue, others);
  if (sent > 0) logEvent("tick", { outcome: "enqueued", merchants: sent });
  if (error !== null) {
    logEvent("tick", {
      outcome: "enqueue_failed",
      merchants: unsent.length,
      message: `The poll queue refused them (${error}); polling them in this invocation instead`,
    });
  }
  // What the queue refused is polled here, before the homes, its news held like theirs would be.
  for (const r of unsent) started?.hold.add(r.merchant.mchid);
  return pollMerchants(tick, [...unsent, ...here]);
}
