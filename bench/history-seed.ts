/**
 * A merchant's KV as a poll finds it after years of complaints: 20 complaints PAYJS lists now in the present, and a
 * history of `h` complaints that left PAYJS's list long ago, in parts with their id index. Built through the Worker's
 * real functions over a {@link MemoryKv}: the history's complaints are seen and left by `mergeComplaints`, moved in
 * {@link MOVE_AT_ONCE} at a time, oldest first, by `movesIntoHistory` and `writePartChanges` (as a poll's weekly moves
 * would have put them), their day counts by `countArrivals`, the present by `savePresent`; the caller's first poll
 * (PAYJS listing the 20) then puts the 20 in the present and writes the status, as any poll does.
 *
 * Plain data and the Worker's own modules only: runs in Node (KV counted) and in workerd (CPU timed).
 * @module
 */
import { beijingText, generateComplaints, type PayjsComplaintItem, parseBeijingText } from "../sandbox/fixtures";
import { SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import { identifyComplaints, type StoredComplaint } from "../src/domain/complaint";
import { countArrivals } from "../src/domain/days";
import { type History, MOVE_AT_ONCE, NO_HISTORY, summaryOf } from "../src/domain/history";
import { DAY_MS, HOUR_MS } from "../src/domain/time";
import { movesIntoHistory, writePartChanges } from "../src/history/parts";
import { savePresent } from "../src/history/present";
import { signParams } from "../src/payjs/sign";
import { mergeComplaints } from "../src/poller/merge";
import { Store } from "../src/store";
import type { MemoryKv } from "./memory-kv";

export const MCHID = SANDBOX_MERCHANT.mchid;
export const KEY = SANDBOX_MERCHANT.key;
/** Complaints PAYJS lists. */
export const LISTED = 20;
export const HISTORY_SIZES = [0, 1_000, 10_000, 100_000];
/** The first poll (PAYJS lists the 20), on a fixed clock so every run builds the same bytes. */
export const T0 = Date.parse("2026-05-01T04:00:00Z");
/** The measured poll: the next one, due 4 h later. */
export const T1 = T0 + 4 * HOUR_MS + 60_000;
/** The history's complaints were made over these 2 years, ending a month before the 20 listed ones began. */
const HISTORY_SPAN_MS = 730 * DAY_MS;
const HISTORY_END = T0 - 31 * DAY_MS;

/** The 20 complaints PAYJS lists, newest first, made in the 30 days before {@link T0}. */
export const listedItems = (): PayjsComplaintItem[] => generateComplaints(MCHID, LISTED, T0);

/** The complaint that is new at {@link T1}. */
export const newItem = (n = 1): PayjsComplaintItem => ({
  ...generateComplaints(MCHID, 1, T1)[0],
  complaint_id: `9BENCHNEW${String(n).padStart(9, "0")}`,
});

/** `h` complaints as PAYJS sent them, newest first, spread over {@link HISTORY_SPAN_MS} before {@link HISTORY_END}. */
export function historyItems(h: number): PayjsComplaintItem[] {
  const step = Math.max(1000, Math.floor(HISTORY_SPAN_MS / Math.max(1, h) / 1000) * 1000);
  return generateComplaints(MCHID, h, HISTORY_END).map((item, i) => ({
    ...item,
    complaint_id: `8${String(i + 1).padStart(17, "0")}`,
    complaint_at: beijingText(HISTORY_END - (i + 1) * step),
  }));
}

/** A signed PAYJS success body listing `items`, as PAYJS (and the sandbox) sends it. */
export function answerBody(items: readonly PayjsComplaintItem[]): string {
  const payload: Record<string, unknown> = { return_code: 1, return_msg: "SUCCESS", mchid: MCHID, complaints: items };
  payload.sign = signParams(payload, KEY);
  return JSON.stringify(payload);
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Writes a history of `h` complaints (parts, id index) and a present that describes it, with no complaint of its own
 * yet and the history's day counts. Moves of {@link MOVE_AT_ONCE}, oldest first: each batch first seen an hour after
 * its newest complaint, gone from PAYJS's list 3 days later, moved in 15 days after that.
 * @returns the history as the present describes it.
 */
export async function seedHistory(kv: MemoryKv, h: number): Promise<History> {
  const store = new Store(kv.binding);
  const items = historyItems(h);
  let history = NO_HISTORY;
  let rev = "";
  const gone: StoredComplaint[] = [];
  let movedAt = T0 - 30 * DAY_MS;
  for (let end = items.length; end > 0; end -= MOVE_AT_ONCE) {
    const batch = items.slice(Math.max(0, end - MOVE_AT_ONCE), end);
    const { sightings } = identifyComplaints(batch);
    const seenAt = (parseBeijingText(String(batch[0]?.complaint_at)) ?? HISTORY_END) + HOUR_MS;
    const leftAt = seenAt + 3 * DAY_MS;
    movedAt = leftAt + 15 * DAY_MS;
    const seen = mergeComplaints(MCHID, [], sightings, iso(seenAt), null).complaints;
    const left = mergeComplaints(MCHID, seen, [], iso(leftAt), iso(leftAt)).complaints;
    const changes = await movesIntoHistory(store, MCHID, { history, rev }, left, movedAt);
    await writePartChanges(store, MCHID, changes, movedAt);
    history = changes.history;
    rev = changes.rev;
    for (const k of left) gone.push(k);
  }
  const days = countArrivals({}, gone, T0);
  await savePresent(store, MCHID, { complaints: [], history: summaryOf(history, rev), days }, Math.min(movedAt, T0 - HOUR_MS));
  return history;
}
