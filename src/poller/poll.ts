/**
 * The poller: which merchants are due, one upstream call each (a few at a time), the diff written to KV,
 * the outcome recorded. Merchants are independent: one failing never stops the others.
 * @module
 */

import { readLegacyMarks } from "../actions/marks";
import { complaintOf, identifyComplaints, type Sighting, type StoredComplaint } from "../domain/complaint";
import { countArrivals } from "../domain/days";
import { dueToMove, monthOfPart, summaryOf } from "../domain/history";
import { parseUpstreamTime } from "../domain/payjs-fields";
import { isDue, type PollState, type Rebuilt, type SignatureStatus } from "../domain/poll-state";
import { sortKept } from "../domain/position";
import type { Present } from "../domain/stored-complaints";
import type { Upgrade } from "../domain/upgrade";
import {
  findReturning,
  HistoryError,
  type HistoryRead,
  loadHistory,
  movesIntoHistory,
  type PartChanges,
  type PartRead,
  takenOutOfHistory,
  writePartChanges,
} from "../history/parts";
import { loadPresent, NOTHING_YET, type PresentRead, savePresent } from "../history/present";
import { logEvent } from "../log";
import { MERCHANTS_AT_ONCE } from "../outbound";
import { callComplaints } from "../payjs/client";
import type { SignCheck } from "../payjs/sign";
import { legacyComplaintsKey, legacyMarksKey, type StorageError, upgradeKey } from "../store";
import { type AlertSession, openAlerts } from "./alert-session";
import { exclusive } from "./exclusive";
import { type Merge, mergeComplaints } from "./merge";
import { loadRecord, type MerchantRecord } from "./plan";
import { saveStatus } from "./save-status";
import { nextState, type Outcome, type WatcherEvent, watcherTransition } from "./schedule";
import type { Tick } from "./tick-context";
import { moveOldMarks, nextSlice } from "./upgrade";

export interface PollResult {
  mchid: string;
  outcome: "ok" | "error";
  new: number;
  vanished: number;
  error: { code: string; message: string } | null;
}

/**
 * What the upstream call and the present gave, before the diff; `signature` as the answer's check found it.
 * `unreadable` is the stored present when it could not be read: it is set aside and the present rebuilt.
 * `returning`: the complaints of the answer the history holds (PAYJS lists them again), the parts they are in, and the
 * history's description when it was read.
 */
type AnswerAndList = { signature: SignCheck | null } & (
  | { ok: false; outcome: Outcome }
  | {
      ok: true;
      fresh: Sighting[];
      present: Present;
      /** False when KV holds no present yet (it is written even when it holds nothing). */
      kept: boolean;
      returning: { complaints: StoredComplaint[]; parts: PartRead[]; history: HistoryRead | null };
      unreadable: Unreadable | null;
    }
);

/** The value that could not be read, set aside before the present is rebuilt; for layout 2's list, how far its move came. */
interface Unreadable {
  key: string;
  text: string;
  upgrade: Upgrade | null;
}

/** What a poll starts from: the present as read, or layout 2's list that could not be read with its move's progress. */
type Start = PresentRead | { kind: "unreadable"; error: StorageError; text: string; upgrade: Upgrade };

async function read(tick: Tick, { merchant }: MerchantRecord, stored: Start): Promise<AnswerAndList> {
  const { config, store } = tick;
  if (stored.kind === "unreadable" && stored.error.code === "storage_format") {
    const { code, message } = stored.error;
    return { ok: false, signature: null, outcome: { ok: false, transient: false, error: { code, message } } };
  }
  const { result: upstream, signature } = await tick.outbound.run(() => callComplaints(merchant, config.upstream));
  if (!upstream.ok) {
    const { code, message, transient, said } = upstream.error;
    const error = said === undefined ? { code, message } : { code, message, said };
    return { ok: false, signature, outcome: { ok: false, transient, error } };
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
  const upgrade = stored.kind === "unreadable" && "upgrade" in stored ? stored.upgrade : null;
  const present =
    stored.kind === "ok"
      ? stored.present
      : stored.kind === "unreadable"
        ? await rebuiltPresent(tick, merchant.mchid, upgrade)
        : NOTHING_YET;
  const { returning: complaints, parts, history } = await findReturning(store, merchant.mchid, present.history, fresh, present.complaints);
  const unreadable = stored.kind === "unreadable" ? { key: stored.error.key, text: stored.text, upgrade } : null;
  return { ok: true, signature, fresh, present, kept: stored.kind === "ok", returning: { complaints, parts, history }, unreadable };
}

/**
 * The present a poll rebuilds when the stored one cannot be read: empty, its history summed up from the description;
 * for layout 2's list, what the move's slices so far gathered.
 */
async function rebuiltPresent({ store }: Tick, mchid: string, upgrade: Upgrade | null): Promise<Present> {
  if (upgrade !== null)
    return { complaints: sortKept(mchid, upgrade.complaints), history: summaryOf(upgrade.history, upgrade.rev), days: upgrade.days };
  const read = await loadHistory(store, mchid, false);
  return read === null ? NOTHING_YET : { ...NOTHING_YET, history: summaryOf(read.history, read.rev) };
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

/** What a poll is about to write: the alerts it told (the outbox written), the present after it, the history's changes. */
interface PollWrites {
  alerts: AlertSession | null;
  merge: Merge | null;
  /** The present to write, null when it stays as it is. */
  present: Present | null;
  /** Complaints moving into history (written before the present), or coming back out of it (after). */
  movingIn: PartChanges | null;
  comingOut: PartChanges | null;
  unreadable: Unreadable | null;
  /** The complaints told of as new: of a rebuilt present, only those made since the last successful poll. */
  added: StoredComplaint[];
}

const NO_WRITES = { present: null, movingIn: null, comingOut: null };

/**
 * The present after a successful poll, and what changes in history: complaints PAYJS lists again come out of it (they
 * are then merged as kept, first seen and marks as they were), and, in a poll where none does, the present's
 * complaints gone long enough move into it. Null when nothing is to be written.
 */
async function nextPresent(tick: Tick, mchid: string, reading: AnswerAndList & { ok: true }, merge: Merge) {
  const { store, now } = tick;
  const { present, returning } = reading;
  const days = merge.added.length === 0 ? present.days : countArrivals(present.days, merge.added, now);
  if (returning.complaints.length > 0 && returning.history !== null) {
    const ids = new Set(returning.complaints.map((k) => k.id));
    const out = takenOutOfHistory(mchid, returning.history.history, returning.parts, ids, now);
    return { present: { complaints: merge.complaints, history: summaryOf(out.history, out.rev), days }, movingIn: null, comingOut: out };
  }
  const moving = dueToMove(merge.complaints, now);
  // An unreadable description: nothing moves (a part named anew could overwrite one it no longer names).
  const described = moving.length === 0 ? null : await loadHistory(store, mchid, false);
  const movingIn = described === null ? null : await movesIntoHistory(store, mchid, described, moving, now).catch(notNow(mchid));
  if (movingIn === null) {
    const unchanged = !merge.changed && reading.kept && reading.unreadable === null;
    return unchanged
      ? NO_WRITES
      : { present: { complaints: merge.complaints, history: present.history, days }, movingIn: null, comingOut: null };
  }
  const moved = new Set(moving);
  const complaints = merge.complaints.filter((k) => !moved.has(k));
  return { present: { complaints, history: summaryOf(movingIn.history, movingIn.rev), days }, movingIn, comingOut: null };
}

/** A move into history that cannot be made now is left for a later poll: this one goes on without it. */
const notNow =
  (mchid: string) =>
  (error: unknown): null => {
    if (!(error instanceof HistoryError)) throw error;
    logEvent("history", { mchid, outcome: "move_postponed", error: error.code, message: error.message });
    return null;
  };

/**
 * The diff against the present, and the alerts it and the state change call for, told (the outbox written, the
 * first of a poll's writes: see {@link writeInOrder}). A present rebuilt because the stored one could not be read is a
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
  if (!reading.ok) return { alerts: await tellOnly(tick, record, next, watcher), merge: null, ...NO_WRITES, unreadable: null, added: [] };
  const stored = reading.present.complaints.concat(reading.returning.complaints);
  const merge = mergeComplaints(merchant.mchid, stored, reading.fresh, new Date(now).toISOString(), state.last_success_at);
  const writes = await nextPresent(tick, merchant.mchid, reading, merge);
  const unreadable = reading.unreadable;
  const added = merge.added.filter((k) => unreadable === null || madeSince(k, state.last_success_at));
  if (config.channels.length === 0) return { alerts: null, merge, ...writes, unreadable, added };
  const alerts = await openAlerts(tick, merchant, record.deliveries);
  if ("code" in alerts) throw new OtherLayout(alerts);
  const toComplaint = (kept: StoredComplaint) => complaintOf(merchant.mchid, kept, next.last_success_at);
  await alerts.tell({
    added: added.map(toComplaint),
    vanished: merge.vanished.map(toComplaint),
    present: writes.present ?? reading.present,
    watcher,
    state: next,
  });
  return { alerts, merge, ...writes, unreadable, added };
}

/** A failed poll's alerts (`watcher.failing`, reminders): told from the present as KV holds it. */
async function tellOnly(tick: Tick, record: MerchantRecord, next: PollState, watcher: WatcherEvent | null): Promise<AlertSession | null> {
  if (tick.config.channels.length === 0) return null;
  const alerts = await openAlerts(tick, record.merchant, record.deliveries);
  if ("code" in alerts) throw new OtherLayout(alerts);
  await alerts.tell({ added: [], vanished: [], present: null, watcher, state: next });
  return alerts;
}

/**
 * A poll's writes, in this order and each key at most once (KV takes one write per key per second):
 * 1. `outbox:` when alerts were queued, in {@link prepare}: before the complaints that cause them, so a crash in
 *    between neither loses an alert (the next poll finds the complaints new again) nor doubles one (entries are keyed);
 * 2. the parts complaints move into, then `present:` when it changed (an unreadable one set aside first), then the
 *    parts complaints came out of (history/parts.ts: never a complaint in neither place); then the alerts are sent;
 * 3. `status:`, last, in {@link pollOne}: the outcome and what sending did.
 * @returns where an unreadable present was set aside (null: it was readable).
 */
async function writeInOrder(tick: Tick, mchid: string, writes: PollWrites): Promise<Rebuilt | null> {
  const { store, now } = tick;
  const { unreadable, movingIn, present, comingOut, alerts } = writes;
  const rebuilt =
    unreadable === null ? null : { at: new Date(now).toISOString(), aside: await store.setAside(unreadable.key, unreadable.text, now) };
  if (movingIn !== null) await writePartChanges(store, mchid, movingIn, now);
  // Layout 2's list that could not be moved over: set aside above, rebuilt as this present; its marks kept first.
  const legacy = unreadable?.key === legacyComplaintsKey(mchid) ? unreadable : null;
  const old = legacy === null ? null : await readLegacyMarks(store, mchid, true);
  if (legacy !== null && old !== null) {
    const months = legacy.upgrade?.history.parts.map((p) => monthOfPart(p.name)) ?? [];
    await moveOldMarks(store, mchid, { old: old.book, complaints: present?.complaints ?? [], months }, now);
  }
  if (present !== null) await savePresent(store, mchid, present, now);
  if (legacy !== null) {
    // A book that could not be read is left where it is, not deleted.
    const marks = old?.error === null ? [store.delete(legacyMarksKey(mchid))] : [];
    await Promise.all([store.delete(legacyComplaintsKey(mchid)), store.delete(upgradeKey(mchid)), ...marks]);
  }
  if (comingOut !== null) await writePartChanges(store, mchid, comingOut, now);
  await alerts?.send();
  return rebuilt;
}

/**
 * One merchant's poll: read, prepare, write in order, then the status; every failure becomes its outcome. A merchant
 * layout 2 still holds is not polled: its invocation moves a slice of it over instead (poller/upgrade.ts).
 */
async function pollOne(tick: Tick, record: MerchantRecord): Promise<PollResult> {
  const mchid = record.merchant.mchid;
  const started = Date.now();
  const failed = (error: unknown): AnswerAndList => ({ ok: false, signature: null, outcome: storageFailure(error) });
  let start: Start | { kind: "moved"; message: string };
  try {
    start = await presentForPoll(tick, mchid);
  } catch (error) {
    return finishPoll(tick, record, { ok: false, signature: null, outcome: failureOf(error) }, started);
  }
  if (start.kind === "moved") return { mchid, outcome: "error", new: 0, vanished: 0, error: { code: "upgrading", message: start.message } };
  return finishPoll(tick, record, await read(tick, record, start).catch(failed), started);
}

/**
 * The present a poll starts from. A merchant layout 2 still holds is not polled: a slice of it is moved over instead
 * (poller/upgrade.ts); a layout 2 list that cannot be read, or whose move is given up, is an unreadable present,
 * rebuilt from PAYJS's answer.
 */
async function presentForPoll(tick: Tick, mchid: string): Promise<Start | { kind: "moved"; message: string }> {
  const stored = await loadPresent(tick.store, mchid, false);
  if (stored.kind !== "upgrading") return stored;
  const slice = await nextSlice(tick, mchid, stored.upgrade);
  if ("moved" in slice) return { kind: "moved", message: slice.moved };
  const key = legacyComplaintsKey(mchid);
  return {
    kind: "unreadable",
    error: { code: "storage_corrupt", key, message: `Stored value ${key} ${slice.why}` },
    text: slice.unreadable,
    upgrade: stored.upgrade,
  };
}

/** A poll after its reading: prepare, write in order, then the status; every failure becomes its outcome. */
async function finishPoll(tick: Tick, record: MerchantRecord, reading: AnswerAndList, started: number): Promise<PollResult> {
  const { config, store, now } = tick;
  const { merchant, state } = record;
  const mchid = merchant.mchid;
  const intervalMs = config.pollIntervalSeconds * 1000;
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
    outcome = failureOf(error);
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

/** A failure while preparing or writing a poll: another layout, a move to try again, or KV failing. */
function failureOf(error: unknown): Outcome {
  if (error instanceof OtherLayout) return { ok: false, transient: false, error: error.stored };
  if (error instanceof HistoryError) return { ok: false, transient: true, error: { code: error.code, message: error.message } };
  return storageFailure(error);
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
