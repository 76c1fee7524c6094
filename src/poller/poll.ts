/**
 * The poller: which merchants are due, one upstream call each (a few at a time), the diff written to KV,
 * the outcome recorded. Merchants are independent: one failing never stops the others.
 * @module
 */
import type { Config, Merchant } from "../config";
import { logEvent } from "../log";
import { fetchComplaints } from "../payjs/client";
import { type Complaint, normaliseComplaint } from "../payjs/complaint";
import { INITIAL_STATE, type PollState, Store, complaintsKey, statusKey } from "../store";
import { OutboxFormatError, queueAlerts, sendAlerts, watcherTransition } from "./alerts";
import type { Tick } from "./tick-context";
import { type Merge, mergeComplaints } from "./merge";
import { type Outcome, isDue, msUntilDue, nextState } from "./schedule";

/** Workers allow 6 simultaneous open connections per invocation; leave room for KV. */
const CONCURRENCY = 4;

export interface PollResult {
  mchid: string;
  outcome: "ok" | "error";
  new: number;
  vanished: number;
  error: { code: string; message: string } | null;
}

export interface DueMerchant {
  merchant: Merchant;
  state: PollState;
}

export interface Plan {
  due: DueMerchant[];
  /** Milliseconds until the first merchant that is not due becomes due; null when all are due. */
  nextDueInMs: number | null;
}

export async function planPoll(config: Config, store: Store, now: number, only?: Merchant): Promise<Plan> {
  const merchants = only === undefined ? config.merchants : [only];
  const states = await Promise.all(
    merchants.map(async (merchant) => {
      const stored = await store.loadState(merchant.mchid);
      if (stored.kind === "ok") return { merchant, state: stored.value };
      if (stored.kind === "unreadable") await store.preserve(statusKey(merchant.mchid), stored.text, now);
      return { merchant, state: INITIAL_STATE };
    }),
  );
  const due = states.filter((s) => isDue(s.state, now));
  const waits = states.filter((s) => !isDue(s.state, now)).map((s) => msUntilDue(s.state, now));
  return { due, nextDueInMs: waits.length === 0 ? null : Math.min(...waits) };
}

async function pollOne(tick: Tick, { merchant, state }: DueMerchant): Promise<PollResult> {
  const { config, store, now } = tick;
  const started = Date.now();
  const mchid = merchant.mchid;
  const intervalMs = config.pollIntervalSeconds * 1000;
  let outcome: Outcome = { ok: true, transient: false, error: null };
  let merge: Merge | null = null;
  let damaged: string | undefined;
  let stored: Complaint[] | null = null;

  const upstream = await tick.outbound.run(() =>
    fetchComplaints(merchant, {
      apiBase: config.apiBase,
      timeoutMs: config.upstreamTimeoutMs,
      allowUnsignedResponses: config.allowUnsignedResponses,
    }),
  );
  if (!upstream.ok) {
    const { code, message, transient } = upstream.error;
    outcome = { ok: false, transient, error: { code, message } };
  } else {
    try {
      const loaded = await store.loadComplaints(mchid);
      if (loaded.kind === "unreadable" && loaded.error.code === "storage_format") {
        outcome = { ok: false, transient: false, error: { code: loaded.error.code, message: loaded.error.message } };
      } else {
        // What cannot be read is kept aside before the rewrite drops it.
        damaged = loaded.kind === "unreadable" ? loaded.text : loaded.kind === "ok" ? loaded.damage?.text : undefined;
        stored = loaded.kind === "ok" ? loaded.value : [];
        const fresh = upstream.items.map((raw) => normaliseComplaint(mchid, raw));
        merge = mergeComplaints(stored, fresh, new Date(now).toISOString(), state.last_success_at);
      }
    } catch (error) {
      outcome = storageFailure(error);
    }
  }

  let next = nextState(state, outcome, now, intervalMs);
  try {
    const alerts = config.channels.length > 0;
    const watcher = alerts ? watcherTransition(state, next, config.alertAfterFailures) : null;
    const outbox = alerts
      ? await queueAlerts(tick, merchant, {
          newComplaints: merge?.added ?? [],
          watcher,
          state: next,
          complaints: async () => merge?.complaints ?? stored ?? readableComplaints(store, mchid),
        })
      : null;
    if (damaged !== undefined) await store.preserve(complaintsKey(mchid), damaged, now);
    if (merge !== null && (merge.changed || damaged !== undefined)) await store.saveComplaints(mchid, merge.complaints, now);
    if (outbox !== null) await sendAlerts(tick, mchid, outbox);
  } catch (error) {
    outcome = error instanceof OutboxFormatError ? { ok: false, transient: false, error: { code: error.code, message: error.message } } : storageFailure(error);
    merge = null;
    next = { ...nextState(state, outcome, now, intervalMs), failing_alerted: state.failing_alerted };
  }
  try {
    await store.saveState(mchid, next, now);
  } catch {
    // The next tick finds this merchant still due and tries again; what was written above stays.
  }

  const result: PollResult = outcome.ok
    ? { mchid, outcome: "ok", new: merge?.added.length ?? 0, vanished: merge?.vanished.length ?? 0, error: null }
    : { mchid, outcome: "error", new: 0, vanished: 0, error: outcome.error };
  logEvent("poll", {
    mchid,
    outcome: result.outcome,
    new: result.new,
    vanished: result.vanished,
    total: merge?.complaints.length ?? 0,
    error: result.error?.code ?? null,
    ms: Date.now() - started,
  });
  return result;
}

function storageFailure(error: unknown): Outcome {
  const message = `Workers KV failed: ${error instanceof Error ? error.message : "unknown error"}`;
  return { ok: false, transient: true, error: { code: "storage", message: message.slice(0, 200) } };
}

async function readableComplaints(store: Store, mchid: string): Promise<Complaint[]> {
  const loaded = await store.loadComplaints(mchid);
  return loaded.kind === "ok" ? loaded.value : [];
}

/**
 * Polls the given merchants, at most {@link CONCURRENCY} at once, in the order given, as many as the
 * tick's request budget allows (the rest stay due for the next tick).
 */
export async function pollMerchants(tick: Tick, due: DueMerchant[]): Promise<PollResult[]> {
  if (due.length === 0) return [];
  const format = await tick.store.checkFormat();
  if (format !== null) {
    logEvent("poll", { outcome: "error", error: format.code, message: format.message });
    return due.map(({ merchant }) => ({
      mchid: merchant.mchid,
      outcome: "error",
      new: 0,
      vanished: 0,
      error: { code: format.code, message: format.message },
    }));
  }
  const fits = due.filter(() => tick.outbound.take());
  const results: (PollResult | null)[] = new Array(fits.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < fits.length) {
      const i = next++;
      results[i] = await exclusive(tick, fits[i] as DueMerchant);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, fits.length) }, worker));
  return results.filter((r): r is PollResult => r !== null);
}

const inFlight = new Map<string, Promise<PollResult | null>>();

/**
 * One poll per merchant at a time in this isolate: a tick and `POST /api/poll` arriving together must not
 * both call PAYJS and both send the same alerts. Whoever waited re-reads the state, and polls only if the
 * merchant is still due.
 */
async function exclusive(tick: Tick, due: DueMerchant): Promise<PollResult | null> {
  const mchid = due.merchant.mchid;
  let waited = false;
  for (let running = inFlight.get(mchid); running !== undefined; running = inFlight.get(mchid)) {
    waited = true;
    await running.catch(() => null);
  }
  const run = (async () => {
    if (!waited) return pollOne(tick, due);
    const stored = await tick.store.loadState(mchid);
    const state = stored.kind === "ok" ? stored.value : due.state;
    return isDue(state, tick.now) ? pollOne(tick, { merchant: due.merchant, state }) : null;
  })();
  inFlight.set(mchid, run);
  try {
    return await run;
  } finally {
    inFlight.delete(mchid);
  }
}
