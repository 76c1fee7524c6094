/**
 * What a tick knows of one merchant, gathered for the events to work out what they tell (src/notify/events/news.ts):
 * its complaints as the API shows them (the active ones, those new and gone in this poll, those with a refund), and
 * the daily digest of the channels whose digest goes out from its outbox now. Reads the merchant's marks, its stored
 * complaints unless the poll gives them, and, only when a digest goes out, every merchant the digest covers.
 * @module
 */
import { readMarks } from "../actions/marks";
import type { Merchant } from "../config";
import { type Complaint, complaintOf, type StoredComplaint } from "../domain/complaint";
import { type MarkBook, marksIn } from "../domain/marks";
import type { Outbox } from "../domain/outbox";
import type { PollState } from "../domain/poll-state";
import { comparePositions, positionOf } from "../domain/position";
import { outcomeOf } from "../domain/refund";
import { type ServedComplaint, served } from "../domain/served";
import { statusEntry } from "../domain/status";
import { COMPLAINTS } from "../domain/stored-complaints";
import { digestChannels, digestEntry } from "../notify/events/digest-daily";
import type { News, WatcherNews } from "../notify/events/news";
import { complaintsKey, type Store } from "../store";
import { loadRecord } from "./plan";
import type { WatcherEvent } from "./schedule";
import type { Tick } from "./tick-context";

/** What a poll (or a tick that did not poll) found of a merchant, before the rest is read. */
export interface Findings {
  /** The complaints the poll found new. */
  added: readonly Complaint[];
  /** The complaints the poll found gone. */
  vanished: readonly Complaint[];
  /** The merchant's complaints as the poll left them (null: read them). */
  complaints: readonly StoredComplaint[] | null;
  watcher: WatcherEvent | null;
  /** The merchant's state after the poll: its last success (when its active complaints were last seen), and what the
   * status entry a watcher event carries says. */
  state: PollState;
}

/** The merchant's stored complaints (none yet when absent); null when they cannot be read. */
async function readComplaints(store: Store, mchid: string): Promise<readonly StoredComplaint[] | null> {
  const loaded = await store.load(complaintsKey(mchid), COMPLAINTS);
  return loaded.kind === "ok" ? loaded.value : loaded.kind === "absent" ? [] : null;
}

/** How a merchant's stored complaints are shown: with its marks, active ones last seen by its last success. */
function server(merchant: Merchant, book: MarkBook, lastSuccessAt: string | null, tick: Tick): (k: StoredComplaint) => ServedComplaint {
  return (k) => served(complaintOf(merchant.mchid, k, lastSuccessAt), marksIn(book, k.id), tick.config.deadlines);
}

/** The digest's lines, each merchant's complaints read with its own marks and its own last success. */
async function digestMerchants(tick: Tick, merchant: Merchant, mine: () => ServedComplaint[], days: ReadonlyMap<string, string>) {
  const { config, store, now } = tick;
  const covered = config.merchants.filter((m) =>
    config.channels.some((ch) => days.has(ch.name) && (ch.merchants === null || ch.merchants.has(m.mchid))),
  );
  return Promise.all(
    covered.map(async (m) => {
      if (m.mchid === merchant.mchid) return digestEntry(m, mine(), now);
      const [stored, marks, record] = await Promise.all([
        readComplaints(store, m.mchid),
        readMarks(store, m.mchid, true),
        loadRecord(store, m, now),
      ]);
      return digestEntry(m, (stored ?? []).map(server(m, marks.book, record.state.last_success_at, tick)), now);
    }),
  );
}

/**
 * Everything the tick knows of `merchant` that its outbox should hear; null when its stored complaints cannot be read
 * (the next poll rebuilds them): then nothing is queued, nor dropped as met, on the strength of a list that is not there.
 */
export async function gatherNews(tick: Tick, merchant: Merchant, outbox: Outbox, findings: Findings): Promise<News | null> {
  const { config, store, now } = tick;
  const lastSuccessAt = findings.state.last_success_at;
  const stored = findings.complaints ?? (await readComplaints(store, merchant.mchid));
  if (stored === null) return null;
  const { book } = await readMarks(store, merchant.mchid, true);
  const serve = (c: Complaint) => served(c, marksIn(book, c.id), config.deadlines);
  const serveKept = server(merchant, book, lastSuccessAt, tick);
  const days = digestChannels(config.channels, config.merchants, merchant.mchid, outbox, now);
  const watcher: WatcherNews | null =
    findings.watcher === null ? null : { ...findings.watcher, merchant: statusEntry(merchant, findings.state, stored, now) };
  return {
    mchid: merchant.mchid,
    merchantName: merchant.name,
    at: new Date(now).toISOString(),
    rules: config.deadlines,
    fresh: [...findings.added].sort((a, b) => comparePositions(positionOf(a), positionOf(b))).map(serve),
    active: stored.filter((k) => k.active).map(serveKept),
    gone: findings.vanished.map(serve),
    // Only the few complaints with a refund on record, active or gone.
    refunds: { book: book.refunds, complaints: stored.filter((k) => outcomeOf(book.refunds, k.id) !== null).map(serveKept) },
    watcher,
    digest: days.size === 0 ? null : { days, merchants: await digestMerchants(tick, merchant, () => stored.map(serveKept), days) },
  };
}
