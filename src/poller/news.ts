/**
 * What a tick knows of one merchant, gathered for the events to work out what they tell (src/notify/events/news.ts):
 * its complaints as the API shows them (the active ones, those new and gone in this poll, those with a refund), the
 * daily digest of the channels whose digest goes out from its outbox now, and "监控已启动" when this tick tells it
 * from here. Reads the merchant's marks, its stored complaints unless the poll gives them, and, only for a digest or
 * "监控已启动", the other merchants they cover.
 * @module
 */
import { presentWithMarks, readMarks } from "../actions/marks";
import type { Merchant } from "../config";
import type { Complaint, StoredComplaint } from "../domain/complaint";
import { monthsOfKept } from "../domain/history";
import { marksIn } from "../domain/marks";
import type { Outbox } from "../domain/outbox";
import type { PollState } from "../domain/poll-state";
import { comparePositions, positionOf } from "../domain/position";
import { outcomeOf } from "../domain/refund";
import { served } from "../domain/served";
import { statusEntry } from "../domain/status";
import type { Present } from "../domain/stored-complaints";
import { digestChannels, digestEntry } from "../notify/events/digest-daily";
import type { News, WatcherNews } from "../notify/events/news";
import { startedChannels } from "../notify/events/watcher-started";
import { type MerchantNow, readMerchant, server, startedEntry } from "./merchant-now";
import type { WatcherEvent } from "./schedule";
import type { Tick } from "./tick-context";

/** What a poll (or a tick that did not poll) found of a merchant, before the rest is read. */
export interface Findings {
  /** The complaints the poll found new. */
  added: readonly Complaint[];
  /** The complaints the poll found gone. */
  vanished: readonly Complaint[];
  /** The merchant's present as the poll left it (null: read it). */
  present: Present | null;
  watcher: WatcherEvent | null;
  /** The merchant's state after the poll: its last success (when its active complaints were last seen), and what the
   * status entry a watcher event carries says. */
  state: PollState;
}

/** Every merchant as it stands, `mine` read already, the others read from KV (their polls of this tick are done). */
function allMerchants(tick: Tick, mine: MerchantNow): Promise<MerchantNow[]> {
  return Promise.all(tick.config.merchants.map((m) => (m.mchid === mine.merchant.mchid ? mine : readMerchant(tick, m))));
}

async function digestOf(tick: Tick, outbox: Outbox, mine: MerchantNow): Promise<News["digest"]> {
  const { config, now } = tick;
  const days = digestChannels(config.channels, config.merchants, mine.merchant.mchid, outbox, now);
  if (days.size === 0) return null;
  const covered = (m: Merchant) => config.channels.some((ch) => days.has(ch.name) && (ch.merchants === null || ch.merchants.has(m.mchid)));
  const merchants = (await allMerchants(tick, mine)).filter((m) => covered(m.merchant));
  return { days, merchants: merchants.map((m) => digestEntry(m.merchant, m.complaints(), now)) };
}

async function startedOf(tick: Tick, mine: MerchantNow): Promise<News["started"]> {
  const { config, now, started } = tick;
  if (started === undefined || !started.homes.has(mine.merchant.mchid)) return null;
  const channels = startedChannels(config.channels, config.merchants, mine.merchant.mchid);
  const merchants = (await allMerchants(tick, mine)).map((m) => startedEntry(m, now));
  return { fingerprint: started.fingerprint, channels, merchants };
}

/**
 * Everything the tick knows of `merchant` that its outbox should hear, and its present's complaints (whose alerts'
 * trail is kept); null when its stored complaints cannot be read (the next poll rebuilds them): then nothing is
 * queued, nor dropped as met, on the strength of a list that is not there.
 */
export async function gatherNews(
  tick: Tick,
  merchant: Merchant,
  outbox: Outbox,
  findings: Findings,
): Promise<{ news: News; kept: readonly StoredComplaint[] } | null> {
  const { config, store, now } = tick;
  const read =
    findings.present === null
      ? await presentWithMarks(store, merchant.mchid)
      : { present: findings.present, marks: await readMarks(store, merchant.mchid, monthsOfKept(findings.present.complaints)) };
  if (read === null) return null;
  const { present } = read;
  const stored = present.complaints;
  const { book } = read.marks;
  const serve = (c: Complaint) => served(c, marksIn(book, c.id), config.deadlines);
  const serveKept = server(merchant, book, findings.state.last_success_at, tick);
  const mine: MerchantNow = { merchant, state: findings.state, complaints: () => stored.map(serveKept) };
  const watcher: WatcherNews | null =
    findings.watcher === null
      ? null
      : { ...findings.watcher, merchant: statusEntry(merchant, findings.state, stored, present.history, now) };
  const news: News = {
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
    digest: await digestOf(tick, outbox, mine),
    started: await startedOf(tick, mine),
  };
  return { news, kept: stored };
}
