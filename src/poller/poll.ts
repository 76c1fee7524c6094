/**
 * The poller: which merchants are due, one upstream call each (a few at a time), the diff written to KV,
 * the outcome recorded. Merchants are independent: one failing never stops the others.
 * @module
 */
import type { Config } from "../config";
import { COMPLAINTS, type Kept } from "../domain/complaint";
import type { Merchant } from "../domain/merchant";
import { type Deliveries, noDeliveries } from "../domain/outbox";
import {
  INITIAL_STATE,
  isDue,
  type MergedAnswer,
  msUntilDue,
  type NextFollowUp,
  type PollState,
  type SignatureStatus,
  STATUS,
} from "../domain/poll-state";
import { readExactly } from "../json";
import { logEvent } from "../log";
import { enqueueFollowUps, toldComplaintIds } from "../notify/outbox";
import { MERCHANTS_AT_ONCE } from "../outbound";
import { callComplaintsUnless } from "../payjs/client";
import { complaintOf, identifyComplaints, parseUpstreamTime, type Sighting } from "../payjs/complaint";
import type { SignCheck } from "../payjs/sign";
import { complaintsKey, FORMAT, type Store, statusKey, type Written } from "../store";
import {
  foldIfLarge,
  type OpenOutbox,
  OutboxFormatError,
  openOutbox,
  queueAlerts,
  sendAlerts,
  watcherTransition,
  writeOutbox,
} from "./alerts";
import { exclusive } from "./exclusive";
import { complaintsOf, followUpsDue, loadFollowUps } from "./follow-ups";
import { type Merge, mergeComplaints, newestFirst } from "./merge";
import { saveStatus } from "./save-status";
import { nextState, type Outcome } from "./schedule";
import type { Tick } from "./tick-context";

/** Done alerts stay in the outbox this long: older complaints were announced, if ever, before its memory begins. */
const OUTBOX_MEMORY_MS = 7 * 86_400_000;

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
  if (stored.kind === "ok") {
    // Damaged delivery records are kept aside before the next status write drops them.
    if (stored.damage !== null) await store.preserve(statusKey(merchant.mchid), stored.damage.text, now);
    return { merchant, ...stored.value, rev: stored.rev };
  }
  if (stored.kind === "unreadable") await store.preserve(statusKey(merchant.mchid), stored.text, now);
  return { merchant, state: INITIAL_STATE, deliveries: noDeliveries(), rev: null };
}

export async function planPoll(config: Config, store: Store, now: number, only?: Merchant): Promise<Plan> {
  const merchants = only === undefined ? config.merchants : [only];
  const records = await Promise.all(merchants.map((merchant) => loadRecord(store, merchant, now)));
  const due = records.filter((r) => isDue(r.state, now));
  const waiting = records.filter((r) => !isDue(r.state, now));
  return { due, waiting, nextDueInMs: waiting.length === 0 ? null : Math.min(...waiting.map((r) => msUntilDue(r.state, now))) };
}

/** The answer's records and the stored list, to diff; `outdated` when the list is of an older layout. */
interface Lists {
  fresh: Sighting[];
  stored: Kept[];
  damaged: string | undefined;
  outdated: boolean;
}

/**
 * What the upstream call and the stored list gave, before the diff; `signature` as the answer's check found it.
 * `lists` is null when the answer is the very one the stored list was last merged with (same fingerprint) and
 * the list is still that value: then nothing can have changed, and the list is neither parsed nor diffed.
 * `stored` is which value the stored list was (null: none).
 */
type Reading = { signature: SignCheck | null } & (
  | { ok: false; outcome: Outcome }
  | { ok: true; fingerprint: string | null; lists: Lists | null; stored: Written | null }
);

async function read(tick: Tick, { merchant, state }: MerchantRecord): Promise<Reading> {
  const { config, store } = tick;
  const merged = state.merged_answer;
  const reply = await tick.outbound.run(() =>
    callComplaintsUnless(
      merchant,
      { apiBase: config.apiBase, timeoutMs: config.upstreamTimeoutMs, signaturePolicy: config.signaturePolicy },
      merged?.fingerprint ?? null,
    ),
  );
  // The answer already merged: unless the list changed in KV since, there is nothing to read or diff.
  const loaded = "same" in reply && merged !== null ? await store.loadUnless(complaintsKey(merchant.mchid), COMPLAINTS, merged) : null;
  if (loaded?.kind === "same") return { ok: true, signature: null, fingerprint: merged?.fingerprint ?? null, lists: null, stored: merged };
  const answer = "same" in reply ? reply.read() : reply;
  const { result: upstream, signature } = answer;
  if (!upstream.ok) {
    const { code, message, transient } = upstream.error;
    return { ok: false, signature, outcome: { ok: false, transient, error: { code, message } } };
  }
  const fingerprint = upstream.fingerprint;
  const list = loaded ?? (await store.load(complaintsKey(merchant.mchid), COMPLAINTS));
  if (list.kind === "unreadable") {
    return {
      ok: false,
      signature,
      outcome: { ok: false, transient: false, error: { code: list.error.code, message: list.error.message } },
    };
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
  if (list.kind === "absent") {
    return { ok: true, signature, fingerprint, lists: { fresh, stored: [], damaged: undefined, outdated: false }, stored: null };
  }
  const lists: Lists = { fresh, stored: list.value, damaged: list.damage?.text, outdated: list.format !== FORMAT };
  return { ok: true, signature, fingerprint, lists, stored: { rev: list.rev, length: list.length } };
}

/**
 * The signature status after an answer: what its check found, or the previous one when no answer was
 * checked (a timeout, `return_code: 0`). A change is logged once, so a switch of scheme is seen.
 */
function signatureAfter(mchid: string, before: SignatureStatus | null, check: SignCheck | null): SignatureStatus | null {
  if (check === null) return before;
  const after: SignatureStatus = { result: check.result, scheme: check.scheme };
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

/**
 * Which complaints missing from a damaged stored value were announced before: those an alert channel was
 * told of (the outbox remembers 7 days), and those made before that memory began.
 */
function announcedBefore(open: OpenOutbox | null, lastSuccessAt: string | null): (item: Sighting) => boolean {
  const told = open === null ? new Set<string>() : toldComplaintIds(open.outbox);
  const horizon = lastSuccessAt === null ? null : Date.parse(lastSuccessAt) - OUTBOX_MEMORY_MS;
  return (item) => {
    if (told.has(item.id)) return true;
    const at = parseUpstreamTime(item.raw.complaint_at);
    return horizon !== null && at !== null && at <= horizon;
  };
}

/**
 * What a poll is about to write: the outbox it queued alerts in, the merged list, a damaged value's text to keep
 * aside, and whether the list is stored in an older layout (rewritten once, even when nothing changed).
 */
interface Changes {
  open: OpenOutbox | null;
  merge: Merge | null;
  damaged: string | undefined;
  outdated: boolean;
  /** When a reminder or digest can next come due, for the status (null: not known). */
  nextFollowUp: NextFollowUp | null;
}

/**
 * The diff against what is stored, and the alerts it and the state change call for, queued in the outbox.
 * Follow-ups (reminders, `complaint.resolved`, digests) are worked out whenever the list was read, and
 * otherwise (the answer already merged) only once the status's bound says one can be due.
 */
async function prepare(tick: Tick, record: MerchantRecord, reading: Reading, next: PollState): Promise<Changes> {
  const { config, store, now } = tick;
  const { merchant, state } = record;
  const open = config.channels.length > 0 ? await openOutbox(store, merchant.mchid, record.deliveries) : null;
  const lists = reading.ok ? reading.lists : null;
  const damaged = lists?.damaged;
  const announced = damaged === undefined ? undefined : announcedBefore(open, state.last_success_at);
  const merge =
    lists === null ? null : mergeComplaints(lists.stored, lists.fresh, new Date(now).toISOString(), state.last_success_at, announced);
  if (merge !== null && merge.recovered.length > 0)
    logEvent("poll", { mchid: merchant.mchid, outcome: "recovered", recovered: merge.recovered.length });
  // Without channels nothing is worked out, and the list may change under a bound: it is not known any more.
  let nextFollowUp: NextFollowUp | null = null;
  if (open !== null) {
    const known = merge?.complaints ?? null;
    const served = (kept: Kept) => complaintOf(merchant.mchid, kept, next.last_success_at);
    await queueAlerts(tick, merchant, open, {
      newComplaints: (merge?.added ?? []).map(served),
      watcher: watcherTransition(state, next, config.alertAfterFailures),
      state: next,
      complaints: async () => known ?? complaintsOf(store, merchant.mchid),
    });
    const resolved = (merge?.vanished ?? []).map(served);
    if (known !== null || (await followUpsDue(config, store, merchant, state.next_follow_up, open.outbox, now))) {
      const { followUps, next: bound } = await loadFollowUps(
        config,
        store,
        merchant,
        open.outbox,
        known,
        resolved,
        next.last_success_at,
        now,
      );
      if (enqueueFollowUps(open.outbox, followUps, config.channels)) open.changed = true;
      nextFollowUp = bound;
    } else {
      nextFollowUp = state.next_follow_up;
    }
  }
  return { open, merge, damaged, outdated: lists?.outdated ?? false, nextFollowUp };
}

/**
 * A poll's writes, in this order and each key at most once (KV takes one write per key per second):
 * 1. `outbox:` when alerts were queued: before the complaints that cause them, so a crash in between neither
 *    loses an alert (the next poll finds the complaints new again) nor doubles one (entries are keyed);
 * 2. `complaints:` when the list changed (or its stored value was damaged or of an older layout); then the alerts
 *    are sent;
 * 3. `status:`, last, in {@link pollOne}: the outcome and what sending did.
 */
async function writeInOrder(tick: Tick, mchid: string, { open, merge, damaged, outdated }: Changes): Promise<Written | null> {
  const { store, now } = tick;
  if (open?.changed) await writeOutbox(store, open, now);
  if (damaged !== undefined) await store.preserve(complaintsKey(mchid), damaged, now);
  let written: Written | null = null;
  if (merge !== null && (merge.changed || damaged !== undefined || outdated)) {
    const list = merge.changed ? merge.complaints : newestFirst(merge.complaints);
    const plain = list.every((k) => !readExactly(k.raw));
    written = await store.save(complaintsKey(mchid), COMPLAINTS, list, now, plain);
  }
  if (open !== null) {
    await sendAlerts(tick, open);
    await foldIfLarge(store, open, now);
  }
  return written;
}

/** What the next poll may skip: this answer, merged into the list as it is stored now (null: nothing to skip by). */
function mergedAnswer(reading: Reading & { ok: true }, written: Written | null): MergedAnswer | null {
  const list = written ?? reading.stored;
  return reading.fingerprint === null || list === null ? null : { fingerprint: reading.fingerprint, rev: list.rev, length: list.length };
}

/** One merchant's poll: read, prepare, write in order, then the status; every failure becomes its outcome. */
async function pollOne(tick: Tick, record: MerchantRecord): Promise<PollResult> {
  const { config, store, now } = tick;
  const { merchant, state } = record;
  const mchid = merchant.mchid;
  const started = Date.now();
  const intervalMs = config.pollIntervalSeconds * 1000;

  const reading = await read(tick, record).catch(
    (error: unknown): Reading => ({ ok: false, signature: null, outcome: storageFailure(error) }),
  );
  let outcome: Outcome = reading.ok ? { ok: true, transient: false, error: null } : reading.outcome;
  const signature = signatureAfter(mchid, state.signature, reading.signature);
  let next: PollState = { ...nextState(state, outcome, now, intervalMs), signature };
  let changes: Changes | null = null;
  try {
    changes = await prepare(tick, record, reading, next);
    const written = await writeInOrder(tick, mchid, changes);
    // Only once every write succeeded: after a failure (below) the next poll diffs the list again.
    if (reading.ok) next = { ...next, merged_answer: mergedAnswer(reading, written) };
    next = { ...next, next_follow_up: changes.nextFollowUp };
  } catch (error) {
    outcome =
      error instanceof OutboxFormatError
        ? { ok: false, transient: false, error: { code: error.code, message: error.message } }
        : storageFailure(error);
    // What was queued may not be stored: the next tick works the follow-ups out again.
    next = { ...nextState(state, outcome, now, intervalMs), failing_alerted: state.failing_alerted, signature, next_follow_up: null };
  }
  const saved = await saveStatus(
    store,
    mchid,
    { state: next, deliveries: changes?.open?.deliveries ?? record.deliveries },
    record.rev,
    now,
  );

  const merge = outcome.ok ? (changes?.merge ?? null) : null;
  const result: PollResult = outcome.ok
    ? { mchid, outcome: "ok", new: merge?.added.length ?? 0, vanished: merge?.vanished.length ?? 0, error: null }
    : { mchid, outcome: "error", new: 0, vanished: 0, error: outcome.error };
  logEvent("poll", {
    mchid,
    outcome: result.outcome,
    new: result.new,
    vanished: result.vanished,
    // Null when the answer was the one already merged: the list was not read.
    total: merge?.complaints.length ?? null,
    same_answer: reading.ok && reading.lists === null,
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
