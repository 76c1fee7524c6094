/**
 * A merchant as it stands now, for what a tick tells of several merchants at once (the daily digest, "监控已启动"):
 * its poll state and its complaints as the API shows them, each with its marks and last seen by its own last success.
 * @module
 */
import { presentWithMarks } from "../actions/marks";
import type { Merchant } from "../config";
import { complaintOf, type StoredComplaint } from "../domain/complaint";
import { emptyBook, type MarkBook, marksIn } from "../domain/marks";
import { isDue, type PollState } from "../domain/poll-state";
import { type ServedComplaint, served } from "../domain/served";
import type { StartedEntry } from "../notify/events/news";
import { loadRecord } from "./plan";
import type { Tick } from "./tick-context";

export interface MerchantNow {
  merchant: Merchant;
  state: PollState;
  /** Its complaints as the API shows them, worked out when asked. */
  complaints(): ServedComplaint[];
}

/** How a merchant's stored complaints are shown: with its marks, active ones last seen by its last success. */
export function server(
  merchant: Merchant,
  book: MarkBook,
  lastSuccessAt: string | null,
  tick: Tick,
): (k: StoredComplaint) => ServedComplaint {
  return (k) => served(complaintOf(merchant.mchid, k, lastSuccessAt), marksIn(book, k.id), tick.config.deadlines);
}

/** Another merchant as KV holds it now: its status, present complaints and their marks (an unreadable present counts as none). */
export async function readMerchant(tick: Tick, merchant: Merchant): Promise<MerchantNow> {
  const { store, now } = tick;
  const [read, record] = await Promise.all([presentWithMarks(store, merchant.mchid), loadRecord(store, merchant, now)]);
  const complaints = read?.present.complaints ?? [];
  const serve = server(merchant, read?.marks.book ?? emptyBook(), record.state.last_success_at, tick);
  return { merchant, state: record.state, complaints: () => complaints.map(serve) };
}

/** A merchant's line of "监控已启动" at `now`. */
export function startedEntry({ merchant, state, complaints }: MerchantNow, now: number): StartedEntry {
  const active = complaints().filter((c) => c.active);
  const ahead = active.flatMap((c) => (c.next_due !== null && Date.parse(c.next_due) > now ? [c.next_due] : []));
  const error = state.last_error;
  return {
    mchid: merchant.mchid,
    name: merchant.name,
    ok: state.last_success_at !== null && error === null,
    complaints_active: active.length,
    complaints_unhandled: active.filter((c) => c.handled === null).length,
    next_due_at: ahead.sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? null,
    error: error === null ? null : { code: error.code, message: error.message, ...(error.said === undefined ? {} : { said: error.said }) },
    next_poll_at: isDue(state, now) ? null : state.next_poll_at,
  };
}
