/**
 * The poller: which merchants are due, one upstream call each (a few at a time), the diff written to KV,
 * the outcome recorded. Merchants are independent: one failing never stops the others.
 * @module
 */
import type { Config } from "../config";
import { complaintOf, identifyComplaints, type Sighting, type StoredComplaint } from "../domain/complaint";
import type { Merchant } from "../domain/merchant";
import { type Deliveries, noDeliveries } from "../domain/outbox";
import { parseUpstreamTime } from "../domain/payjs-fields";
import { INITIAL_STATE, isDue, msUntilDue, type PollState, type Rebuilt, type SignatureStatus, STATUS } from "../domain/poll-state";
import { COMPLAINTS } from "../domain/stored-complaints";
import { readExactly } from "../json";
import { logEvent } from "../log";
import { MERCHANTS_AT_ONCE } from "../outbound";
import { callComplaints } from "../payjs/client";
import type { SignCheck } from "../payjs/sign";
import { complaintsKey, type Store, statusKey } from "../store";
import {
  foldIfLarge,
  type OpenOutbox,
  openOutbox,
  queueAlerts,
  sendAlerts,
  type WatcherEvent,
  watcherTransition,
  writeOutbox,
} from "./alerts";
import { exclusive } from "./exclusive";
import { type Merge, mergeComplaints } from "./merge";
import { saveStatus } from "./save-status";
import { nextState, type Outcome } from "./schedule";
import type { Tick } from "./tick-context";

export interface PollResult {
  mchid: string;
  outcome: "ok" | "error";
  new: number;
  vanished: number;
  error: { code: string; message: string } | null;
}

/** A merchant and what its status holds. */
export interface MerchantRecord {
  merchant: Merchant;
  state: PollState;
  deliveries: Deliveries;
  /** The status value's revision as read (null: none was readable), to tell whether another invocation wrote since. */
  rev: string | null;
}

export interface Plan {
  due: MerchantRecord[];
  /** The merchants not due now: their alerts may still wait for a retry. */
  waiting: MerchantRecord[];
  /** Milliseconds until the first merchant that is not due becomes due; null when all are due. */
  nextDueInMs: number | null;
}

export async function loadRecord(store: Store, merchant: Merchant, now: number): Promise<MerchantRecord> {
  const stored = await store.load(statusKey(merchant.mchid), STATUS);
  if (stored.kind === "ok") return { merchant, ...stored.value, rev: stored.rev };
  if (stored.kind === "unreadable") await store.setAside(statusKey(merchant.mchid), stored.text, now);
  return { merchant, state: INITIAL_STATE, deliveries: noDeliveries(), rev: null };
}

export async function planPoll(config: Config, store: Store, now: number, only?: Merchant): Promise<Plan> {
  const merchants = only === undefined ? config.merchants : [only];
  const records = await Promise.all(merchants.map((merchant) => loadRecord(store, merchant, now)));
  const due = records.filter((r) => isDue(r.state, now));
  const waiting = records.filter((r) => !isDue(r.state, now));
  return { due, waiting, nextDueInMs: waiting.length === 0 ? null : Math.min(...waiting.map((r) => msUntilDue(r.state, now))) };
}

/**
 * What the upstream call and the stored list gave, before the diff; `signature` as the answer's check found it.
 * `unreadable` is the stored list's text when it could not be read: it is set aside and the list rebuilt.
 */
type AnswerAndList = { signature: SignCheck | null } & (
  | { ok: false; outcome: Outcome }
  | { ok: true; fresh: Sighting[]; stored: StoredComplaint[]; unreadable: string | null }
);

async function read(tick: Tick, { merchant }: MerchantRecord): Promise<AnswerAndList> {
  const { config, store } = tick;
  const { result: upstream, signature } = await tick.outbound.run(() => callComplaints(merchant, config.upstream));
  if (!upstream.ok) {
    const { code, message, transient } = upstream.error;
    return { ok: false, signature, outcome: { ok: false, transient, error: { code, message } } };
  }
  const list = await store.load(complaintsKey(merchant.mchid), COMPLAINTS);
  if (list.kind === "unreadable" && list.error.code === "storage_format") {
    const { code, message } = list.error;
    return { ok: false, signature, outcome: { ok: false, transient: false, error: { code, message } } };
  }
  const { sightings: fresh, repeatedIds } = identifyComplaints(upstream.items);
  if (repeatedIds.length > 0) {
    // Every record is kept (a repeat as `{id}~2`); the ids say which, and carry no complaint text.
    logEvent("poll", {
      mchid: merchant.mchid,
      outcome: "repeated_ids",
      repeated: repeatedIds.length,
      ids: repeatedIds.slice(0, 10).join(","),
    });
  }
  const stored = list.kind === "ok" ? list.value : [];
  return { ok: true, signature, fresh, stored, unreadable: list.kind === "unreadable" ? list.text : null };
}

/**
 * The signature status after an answer: what its check found and when, or the previous one when no answer was
 * checked (a timeout, `return_code: 0`). A change is logged once, so a switch of scheme is seen.
 */
function signatureAfter(mchid: string, before: SignatureStatus | null, check: SignCheck | null, now: number): SignatureStatus | null {
  if (check === null) return before;
  const after: SignatureStatus = { result: check.result, scheme: check.scheme, checked_at: new Date(now).toISOString() };
  if (before?.result !== after.result || before?.scheme !== after.scheme) {
    logEvent("signature", {
      mchid,
      result: after.result,
      scheme: after.scheme,
      before: before?.result ?? null,
      before_scheme: before?.scheme ?? null,
    });
  }
  return after;
}

function madeSince(k: StoredComplaint, lastSuccessAt: string | null): boolean {
  const at = parseUpstreamTime(k.raw.complaint_at);
  return lastSuccessAt === null || (at !== null && at > Date.parse(lastSuccessAt));
}

/** What a poll is about to write: the outbox it queued alerts in, the merged list, and an unreadable list's text. */
interface PollWrites {
  open: OpenOutbox | null;
  merge: Merge | null;
  unreadable: string | null;
  /** The complaints told of as new: of a rebuilt list, only those made since the last successful poll. */
  added: StoredComplaint[];
}

/**
 * The diff against what is stored, and the alerts it and the state change call for, queued in the outbox. A list
 * rebuilt because the stored one could not be read is a baseline: of what it finds, only complaints made since the
 * last successful poll are told (anything older was told of before, or would have been).
 */
async function prepare(
  tick: Tick,
  record: MerchantRecord,
  reading: AnswerAndList,
  next: PollState,
  watcher: WatcherEvent | null,
): Promise<PollWrites | { code: string; message: string }> {
  const { config, store, now } = tick;
  const { merchant, state } = record;
  const merge = reading.ok
    ? mergeComplaints(merchant.mchid, reading.stored, reading.fresh, new Date(now).toISOString(), state.last_success_at)
    : null;
  const unreadable = reading.ok ? reading.unreadable : null;
  const added = (merge?.added ?? []).filter((k) => unreadable === null || madeSince(k, state.last_success_at));
  if (config.channels.length === 0) return { open: null, merge, unreadable, added };
  const open = await openOutbox(store, merchant.mchid, record.deliveries);
  if ("code" in open) return { code: open.code, message: open.message };
  const toComplaint = (kept: StoredComplaint) => complaintOf(merchant.mchid, kept, next.last_success_at);
  await queueAlerts(tick, merchant, open, {
    newComplaints: added.map(toComplaint),
    watcher,
    state: next,
    complaints: merge?.complaints ?? null,
    resolved: (merge?.vanished ?? []).map(toComplaint),
    lastSuccessAt: next.last_success_at,
  });
  return { open, merge, unreadable, added };
}

/**
 * A poll's writes, in this order and each key at most once (KV takes one write per key per second):
 * 1. `outbox:` when alerts were queued: before the complaints that cause them, so a crash in between neither
 *    loses an alert (the next poll finds the complaints new again) nor doubles one (entries are keyed);
 * 2. `complaints:` when the list changed (an unreadable one set aside first); then the alerts are sent;
 * 3. `status:`, last, in {@link pollOne}: the outcome and what sending did.
 * @returns where an unreadable list was set aside (null: it was readable).
 */
async function writeInOrder(tick: Tick, mchid: string, { open, merge, unreadable }: PollWrites): Promise<Rebuilt | null> {
  const { store, now } = tick;
  if (open?.changed) await writeOutbox(store, open, now);
  const rebuilt =
    unreadable === null ? null : { at: new Date(now).toISOString(), aside: await store.setAside(complaintsKey(mchid), unreadable, now) };
  if (merge !== null && (merge.changed || rebuilt !== null)) {
    const plain = merge.complaints.every((k) => !readExactly(k.raw));
    await store.save(complaintsKey(mchid), COMPLAINTS, merge.complaints, now, plain);
  }
  if (open !== null) {
    await sendAlerts(tick, open);
    await foldIfLarge(store, open, now);
  }
  return rebuilt;
}

/** One merchant's poll: read, prepare, write in order, then the status; every failure becomes its outcome. */
async function pollOne(tick: Tick, record: MerchantRecord): Promise<PollResult> {
  const { config, store, now } = tick;
  const { merchant, state } = record;
  const mchid = merchant.mchid;
  const started = Date.now();
  const intervalMs = config.pollIntervalSeconds * 1000;

  const reading = await read(tick, record).catch(
    (error: unknown): AnswerAndList => ({ ok: false, signature: null, outcome: storageFailure(error) }),
  );
  let outcome: Outcome = reading.ok ? { ok: true, transient: false, error: null } : reading.outcome;
  const signature = signatureAfter(mchid, state.signature, reading.signature, now);
  const watched = watcherTransition(state, { ...nextState(state, outcome, now, intervalMs), signature }, config.alertAfterFailures);
  let next = watched.state;
  let writes: PollWrites | null = null;
  let failed: Outcome | null = null;
  try {
    const prepared = await prepare(tick, record, reading, next, watched.event);
    if ("code" in prepared) {
      failed = { ok: false, transient: false, error: prepared };
    } else {
      writes = prepared;
      const rebuilt = await writeInOrder(tick, mchid, writes);
      if (rebuilt !== null) {
        next = { ...next, rebuilt };
        logEvent("poll", { mchid, outcome: "rebuilt", aside: rebuilt.aside, total: writes.merge?.complaints.length ?? 0 });
      }
    }
  } catch (error) {
    failed = storageFailure(error);
  }
  if (failed !== null) {
    outcome = failed;
    // Nothing of the watcher's transition is stored: the alert that goes with it may not be.
    next = { ...nextState(state, outcome, now, intervalMs), signature };
  }
  const saved = await saveStatus(store, mchid, { state: next, deliveries: writes?.open?.deliveries ?? record.deliveries }, record.rev, now);

  const merge = outcome.ok ? (writes?.merge ?? null) : null;
  const result: PollResult = outcome.ok
    ? { mchid, outcome: "ok", new: writes?.added.length ?? 0, vanished: merge?.vanished.length ?? 0, error: null }
    : { mchid, outcome: "error", new: 0, vanished: 0, error: outcome.error };
  logEvent("poll", {
    mchid,
    outcome: result.outcome,
    new: result.new,
    vanished: result.vanished,
    total: merge?.complaints.length ?? null,
    error: result.error?.code ?? null,
    // Under RESPONSE_SIGNATURE=report an answer that did not verify is stored: this says so on every poll.
    signature: signature?.result ?? null,
    status_saved: saved,
    ms: Date.now() - started,
  });
  return result;
}

function storageFailure(error: unknown): Outcome {
  const message = `Workers KV failed: ${error instanceof Error ? error.message : "unknown error"}`;
  return { ok: false, transient: true, error: { code: "storage", message: message.slice(0, 200) } };
}

/**
 * Polls the given merchants, at most {@link MERCHANTS_AT_ONCE} at once, in the order given, as many as the
 * tick's request budget allows (the rest stay due for the next tick).
 */
export async function pollMerchants(tick: Tick, due: MerchantRecord[]): Promise<PollResult[]> {
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
      const planned = fits[i] as MerchantRecord;
      // Whoever waited for another poll of this merchant re-reads its status, and polls only if still due.
      results[i] = await exclusive(planned.merchant.mchid, async (waited) => {
        const record = waited ? await loadRecord(tick.store, planned.merchant, tick.now) : planned;
        return isDue(record.state, tick.now) ? pollOne(tick, record) : null;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(MERCHANTS_AT_ONCE, fits.length) }, worker));
  return results.filter((r): r is PollResult => r !== null);
}
