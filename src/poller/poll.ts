/**
 * The poller: which merchants are due, one upstream call each (a few at a time), the diff written to KV,
 * the outcome recorded. Merchants are independent: one failing never stops the others.
 * @module
 */
import type { Config, Merchant } from "../config";
import { logEvent } from "../log";
import { fetchComplaints } from "../payjs/client";
import { normaliseComplaint } from "../payjs/complaint";
import { INITIAL_STATE, type PollState, Store, complaintsKey, statusKey } from "../store";
import { mergeComplaints } from "./merge";
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

async function pollOne(config: Config, store: Store, { merchant, state }: DueMerchant, now: number): Promise<PollResult> {
  const started = Date.now();
  const mchid = merchant.mchid;
  const intervalMs = config.pollIntervalSeconds * 1000;
  const result: PollResult = { mchid, outcome: "ok", new: 0, vanished: 0, error: null };
  let outcome: Outcome = { ok: true, transient: false, error: null };
  let total = 0;

  const upstream = await fetchComplaints(merchant, {
    apiBase: config.apiBase,
    timeoutMs: config.upstreamTimeoutMs,
    allowUnsignedResponses: config.allowUnsignedResponses,
  });
  if (!upstream.ok) {
    outcome = { ok: false, transient: upstream.error.transient, error: { code: upstream.error.code, message: upstream.error.message } };
  } else {
    try {
      const stored = await store.loadComplaints(mchid);
      if (stored.kind === "unreadable" && stored.error.code === "storage_format") {
        outcome = { ok: false, transient: false, error: { code: stored.error.code, message: stored.error.message } };
      } else {
        // What cannot be read is kept aside before the rewrite drops it.
        const damaged = stored.kind === "unreadable" ? stored.text : stored.kind === "ok" ? stored.damage?.text : undefined;
        const fresh = upstream.items.map((raw) => normaliseComplaint(mchid, raw));
        const nowIso = new Date(now).toISOString();
        const merge = mergeComplaints(stored.kind === "ok" ? stored.value : [], fresh, nowIso, state.last_success_at);
        if (damaged !== undefined) await store.preserve(complaintsKey(mchid), damaged, now);
        if (merge.changed || damaged !== undefined) await store.saveComplaints(mchid, merge.complaints, now);
        result.new = merge.added.length;
        result.vanished = merge.vanished.length;
        total = merge.complaints.length;
      }
    } catch (error) {
      const message = `Workers KV failed: ${error instanceof Error ? error.message : "unknown error"}`;
      outcome = { ok: false, transient: true, error: { code: "storage", message: message.slice(0, 200) } };
    }
  }

  if (!outcome.ok) {
    result.outcome = "error";
    result.new = 0;
    result.vanished = 0;
    result.error = outcome.error;
  }
  try {
    await store.saveState(mchid, nextState(state, outcome, now, intervalMs), now);
  } catch {
    // The next tick finds this merchant still due and tries again; the complaints written above stay.
  }
  logEvent("poll", {
    mchid,
    outcome: result.outcome,
    new: result.new,
    vanished: result.vanished,
    total,
    error: result.error?.code ?? null,
    ms: Date.now() - started,
  });
  return result;
}

/** Polls the given merchants, at most {@link CONCURRENCY} at once, in the order given. */
export async function pollMerchants(config: Config, store: Store, due: DueMerchant[], now: number): Promise<PollResult[]> {
  if (due.length === 0) return [];
  const format = await store.checkFormat();
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
  const results: PollResult[] = new Array(due.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < due.length) {
      const i = next++;
      results[i] = await pollOne(config, store, due[i] as DueMerchant, now);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
  return results;
}
