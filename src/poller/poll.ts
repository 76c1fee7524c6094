/**
 * The poller: which merchants are due, one upstream call each (a few at a time), the diff written to KV,
 * the outcome recorded. Merchants are independent: one failing never stops the others.
 * @module
 */
import { complaintOf, identifyComplaints, type Sighting, type StoredComplaint } from "../domain/complaint";
import { parseUpstreamTime } from "../domain/payjs-fields";
import { isDue, type PollState, type Rebuilt, type SignatureStatus } from "../domain/poll-state";
import { COMPLAINTS } from "../domain/stored-complaints";
import { readExactly } from "../json";
import { logEvent } from "../log";
import { MERCHANTS_AT_ONCE } from "../outbound";
import { callComplaints } from "../payjs/client";
import type { SignCheck } from "../payjs/sign";
import { complaintsKey } from "../store";
import { type AlertSession, openAlerts } from "./alert-session";
import { exclusive } from "./exclusive";
import { type Merge, mergeComplaints } from "./merge";
import { loadRecord, type MerchantRecord } from "./plan";
import { saveStatus } from "./save-status";
import { nextState, type Outcome, type WatcherEvent, watcherTransition } from "./schedule";
import type { Tick } from "./tick-context";

export interface PollResult {
  mchid: string;
  outcome: "ok" | "error";
  new: number;
  vanished: number;
  error: { code: string; message: string } | null;
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
    const { code, message, transient, said } = upstream.error;
    const error = said === undefined ? { code, message } : { code, message, said };
    return { ok: false, signature, outcome: { ok: false, transient, error } };
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

/** What a poll is about to write: the alerts it told (the outbox written), the merged list, and an unreadable list's text. */
interface PollWrites {
  alerts: AlertSession | null;
  merge: Merge | null;
  unreadable: string | null;
  /** The complaints told of as new: of a rebuilt list, only those made since the last successful poll. */
  added: StoredComplaint[];
}

/**
 * The diff against what is stored, and the alerts it and the state change call for, told (the outbox written, the
 * first of a poll's writes: see {@link writeInOrder}). A list rebuilt because the stored one could not be read is a
 * baseline: of what it finds, only complaints made since the last successful poll are told (anything older was told
 * of before, or would have been).
 */
async function prepare(
  tick: Tick,
  record: MerchantRecord,
  reading: AnswerAndList,
  next: PollState,
  watcher: WatcherEvent | null,
): Promise<PollWrites> {
  const { config, now } = tick;
  const { merchant, state } = record;
  const merge = reading.ok
    ? mergeComplaints(merchant.mchid, reading.stored, reading.fresh, new Date(now).toISOString(), state.last_success_at)
    : null;
  const unreadable = reading.ok ? reading.unreadable : null;
  const added = (merge?.added ?? []).filter((k) => unreadable === null || madeSince(k, state.last_success_at));
  if (config.channels.length === 0) return { alerts: null, merge, unreadable, added };
  const alerts = await openAlerts(tick, merchant, record.deliveries);
  if ("code" in alerts) throw new OtherLayout(alerts);
  const toComplaint = (kept: StoredComplaint) => complaintOf(merchant.mchid, kept, next.last_success_at);
  await alerts.tell({
    added: added.map(toComplaint),
    vanished: (merge?.vanished ?? []).map(toComplaint),
    complaints: merge?.complaints ?? null,
    watcher,
    state: next,
  });
  return { alerts, merge, unreadable, added };
}

/**
 * A poll's writes, in this order and each key at most once (KV takes one write per key per second):
 * 1. `outbox:` when alerts were queued, in {@link prepare}: before the complaints that cause them, so a crash in
 *    between neither loses an alert (the next poll finds the complaints new again) nor doubles one (entries are keyed);
 * 2. `complaints:` when the list changed (an unreadable one set aside first); then the alerts are sent;
 * 3. `status:`, last, in {@link pollOne}: the outcome and what sending did.
 * @returns where an unreadable list was set aside (null: it was readable).
 */
async function writeInOrder(tick: Tick, mchid: string, { alerts, merge, unreadable }: PollWrites): Promise<Rebuilt | null> {
  const { store, now } = tick;
  const rebuilt =
    unreadable === null ? null : { at: new Date(now).toISOString(), aside: await store.setAside(complaintsKey(mchid), unreadable, now) };
  if (merge !== null && (merge.changed || rebuilt !== null)) {
    const plain = merge.complaints.every((k) => !readExactly(k.raw));
    await store.save(complaintsKey(mchid), COMPLAINTS, merge.complaints, now, plain);
  }
  await alerts?.send();
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
  try {
    writes = await prepare(tick, record, reading, next, watched.event);
    const rebuilt = await writeInOrder(tick, mchid, writes);
    if (rebuilt !== null) {
      next = { ...next, rebuilt };
      logEvent("poll", { mchid, outcome: "rebuilt", aside: rebuilt.aside, total: writes.merge?.complaints.length ?? 0 });
    }
  } catch (error) {
    outcome = error instanceof OtherLayout ? { ok: false, transient: false, error: error.stored } : storageFailure(error);
    // Nothing of the watcher's transition is stored: the alert that goes with it may not be.
    next = { ...nextState(state, outcome, now, intervalMs), signature };
  }
  const deliveries = writes?.alerts?.deliveries ?? record.deliveries;
  const saved = await saveStatus(store, mchid, { state: next, deliveries }, record.rev, now);
  const result = resultOf(mchid, outcome, writes);
  logEvent("poll", {
    mchid,
    outcome: result.outcome,
    new: result.new,
    vanished: result.vanished,
    total: outcome.ok ? (writes?.merge?.complaints.length ?? null) : null,
    error: result.error?.code ?? null,
    // Under RESPONSE_SIGNATURE=report an answer that did not verify is stored: this says so on every poll.
    signature: signature?.result ?? null,
    status_saved: saved,
    ms: Date.now() - started,
  });
  return result;
}

/** The outbox holds another layout: the poll fails on it (not as a KV failure), storing nothing. */
class OtherLayout extends Error {
  constructor(readonly stored: { code: string; message: string }) {
    super(stored.message);
  }
}

function resultOf(mchid: string, outcome: Outcome, writes: PollWrites | null): PollResult {
  if (!outcome.ok) return { mchid, outcome: "error", new: 0, vanished: 0, error: outcome.error };
  return { mchid, outcome: "ok", new: writes?.added.length ?? 0, vanished: writes?.merge?.vanished.length ?? 0, error: null };
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
