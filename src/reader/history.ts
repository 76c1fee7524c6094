/**
 * Answers that reach past the present into the merchants' history (domain/history.ts), read in parts, as the history's
 * description (`parts:{mchid}`) names them:
 * - a list newest first without `q`, `handled` or `overdue` reads only the parts its page needs (the first page of all
 *   complaints: the newest part or none), and takes `total` from the counts the description keeps, reading only the
 *   parts `since`/`until` cut through;
 * - any other list, and the CSV, read every part of the span they ask for: of the merchants they name, of the months
 *   `since`/`until` cover; more than {@link SPAN_LIMIT} complaints of history is `span_too_large`;
 * - the detail finds a complaint of the history by the id index.
 * A request for active (or overdue) complaints reads no history: only complaints still listed are active.
 * An isolate keeps each merchant's description by the revision its present names, and the parts it read by revision
 * ({@link PARTS_KEPT} at most): a part changes only with the description that names its revision.
 * @module
 */
import { type Complaint, complaintOf, type Move } from "../domain/complaint";
import type { DeadlineRules } from "../domain/deadlines";
import { type HistorySummary, holdsOnly, mayHold, monthOf, type Part } from "../domain/history";
import { comparePositions, type Position, positionOf } from "../domain/position";
import { findInHistory, type HistoryRead, loadHistory, loadParts } from "../history/parts";
import { partsKey, type StorageError, Store } from "../store";
import { currentMarks, type Served } from "./cache";
import type { MarksView } from "./marks";
import { encodeCursor, type Filter, type ListQuery, matchingRows, type Page, pageOf, QueryError } from "./query";
import type { Snapshot } from "./snapshot";
import { buildView, type Row } from "./view";

/** The most complaints of history one request reads. */
const SPAN_LIMIT = 10_000;

/** How many parts an isolate keeps (each up to 1,000 complaints, a few MB): the most a busy page flips through. */
const PARTS_KEPT = 24;

interface SpanPart {
  mchid: string;
  part: Part;
}

/** A merchant's history description as an isolate keeps it, by the revision its present names (one per merchant). */
const descriptions = new WeakMap<KVNamespace, Map<string, { rev: string; read: Promise<HistoryRead | null> }>>();

function describedHistory(kv: KVNamespace, mchid: string, summary: HistorySummary): Promise<HistoryRead | null> {
  let table = descriptions.get(kv);
  if (table === undefined) {
    table = new Map();
    descriptions.set(kv, table);
  }
  const kept = table.get(mchid);
  if (kept !== undefined && kept.rev === summary.rev) return kept.read;
  const store = new Store(kv);
  const copies = table;
  const read = loadHistory(store, mchid, true)
    // The edge's copy older than the present names (written in the last 30 s) is read again from KV.
    .then((found) => (found !== null && found.rev !== summary.rev && summary.rev !== "" ? loadHistory(store, mchid, false) : found))
    .then(
      (found) => {
        // Only a description of the revision the present names is kept: a failure or another copy is read again.
        if (found === null || found.rev !== summary.rev) forget();
        return found;
      },
      (error: unknown) => {
        forget();
        throw error;
      },
    );
  const entry = { rev: summary.rev, read };
  const forget = () => {
    if (copies.get(mchid) === entry) copies.delete(mchid);
  };
  table.set(mchid, entry);
  return read;
}

/**
 * The parts a filter may need, newest first, and the descriptions that could not be read; none when it asks only for
 * active or overdue complaints.
 */
async function spanOf(kv: KVNamespace, snapshot: Snapshot, filter: Filter): Promise<{ span: SpanPart[]; errors: StorageError[] }> {
  if (filter.active === true || filter.overdue === true) return { span: [], errors: [] };
  const span: SpanPart[] = [];
  const errors: StorageError[] = [];
  for (const { merchant, history } of snapshot.merchants) {
    if (history.parts === 0 || (filter.mchid !== null && merchant.mchid !== filter.mchid)) continue;
    const described = await describedHistory(kv, merchant.mchid, history);
    if (described === null) {
      const key = partsKey(merchant.mchid);
      errors.push({ code: "storage_corrupt", key, message: `Stored value ${key} cannot be read` });
      continue;
    }
    for (const part of described.history.parts) {
      if (mayHold(part, filter.since, filter.until)) span.push({ mchid: merchant.mchid, part });
    }
  }
  return { span: span.sort((a, b) => comparePositions(a.part.newest, b.part.newest)), errors };
}

/** A part's complaints as the API shows them, kept by revision. */
type LoadedPart = { ok: true; complaints: Complaint[] } | { ok: false; error: StorageError };

const kept = new WeakMap<KVNamespace, Map<string, Promise<LoadedPart>>>();

function partsOf(kv: KVNamespace, wanted: readonly SpanPart[]): Promise<LoadedPart[]> {
  let table = kept.get(kv);
  if (table === undefined) {
    table = new Map();
    kept.set(kv, table);
  }
  const store = new Store(kv);
  return Promise.all(
    wanted.map(({ mchid, part }) => {
      const key = `${mchid}:${part.name}:${part.rev}`;
      let loaded = table.get(key);
      if (loaded === undefined) {
        const copies = table;
        loaded = loadParts(store, mchid, [part], true).then(
          ([read]) => {
            // Only a good copy of the revision the description names is kept: a failure or an older copy is read again.
            if (!read?.ok || read.rev !== part.rev) copies.delete(key);
            return read?.ok
              ? { ok: true, complaints: read.complaints.map((k) => complaintOf(mchid, k, null)) }
              : { ok: false, error: read?.error as StorageError };
          },
          (error: unknown) => {
            copies.delete(key);
            throw error;
          },
        );
        table.set(key, loaded);
        // The oldest copy goes first (a Map keeps insertion order).
        while (table.size > PARTS_KEPT) table.delete(table.keys().next().value as string);
      } else {
        // Used again: kept longest.
        table.delete(key);
        table.set(key, loaded);
      }
      return loaded;
    }),
  );
}

/**
 * The view of the present and of `wanted` parts together, in the one order; a complaint in both (a poll cut short
 * between its writes) is the present's. Parts that could not be read are left out and named in `errors`.
 */
async function viewWith(kv: KVNamespace, served: Served, wanted: readonly SpanPart[], rules: DeadlineRules, now: number) {
  const present = served.view.snapshot;
  const loaded = await partsOf(kv, wanted);
  const errors = loaded.flatMap((p) => (p.ok ? [] : [p.error]));
  if (wanted.length === 0) return { view: served.view, errors };
  const presentIds = new Set(present.complaints.map(complaintKey));
  const entries = present.complaints.map((complaint, i) => ({ complaint, position: present.positions[i] as Position }));
  for (const p of loaded) {
    if (!p.ok) continue;
    for (const complaint of p.complaints) {
      if (!presentIds.has(complaintKey(complaint))) entries.push({ complaint, position: positionOf(complaint) });
    }
  }
  entries.sort((a, b) => comparePositions(a.position, b.position));
  const snapshot: Snapshot = {
    ...present,
    complaints: entries.map((e) => e.complaint),
    positions: entries.map((e) => e.position),
    revision: `${present.revision}|${wanted.map((w) => `${w.mchid}:${w.part.rev}`).join(",")}`,
  };
  const months = new Map<string, string[]>();
  for (const { mchid, part } of wanted) months.set(mchid, [...(months.get(mchid) ?? []), monthOf(part.newest.at)]);
  const marks: MarksView = await currentMarks(kv, present, now, months);
  return { view: buildView(snapshot, marks, rules), errors };
}

/** Refuses a span of more than {@link SPAN_LIMIT} complaints of history, naming how to narrow it. */
function checkSpan(span: readonly SpanPart[], filter: Filter): void {
  const total = span.reduce((n, s) => n + s.part.count, 0);
  if (total <= SPAN_LIMIT) return;
  const parameter = filter.since === null ? "since" : "until";
  throw new QueryError(
    parameter,
    `This request reaches ${total} complaints of history; one request reads at most ${SPAN_LIMIT}: narrow it with since/until (or ask for active=true)`,
    "span_too_large",
  );
}

/** A page answered, with the revision its ETag is built from and the parts it could not read. */
export interface Answer<T> {
  value: T;
  revision: string;
  errors: StorageError[];
}

/** Whether a list's page can be found reading only the parts it needs: newest first, every filter decided by position. */
const byPosition = ({ sort, filter }: ListQuery): boolean =>
  sort === "newest" && filter.q === null && filter.handled === null && filter.overdue === null;

/** Whether a row of the present or a part matches a filter decided by position alone (`mchid`, `since`, `until`, `active`). */
function inFilter(position: Position, active: boolean, f: Filter): boolean {
  if (f.mchid !== null && position.mchid !== f.mchid) return false;
  if (f.active !== null && active !== f.active) return false;
  if (f.since !== null && (position.at === null || position.at < f.since)) return false;
  return f.until === null || (position.at !== null && position.at <= f.until);
}

const complaintKey = (c: Pick<Complaint, "mchid" | "id">): string => `${c.mchid}\n${c.id}`;
const partKey = (s: SpanPart): string => `${s.mchid}:${s.part.name}`;

/**
 * The page of a list that reads only the parts it needs: the parts that may hold complaints after the cursor, newest
 * first, until the first match past the page comes before the next part's newest complaint. `total`: the present's
 * matches, each part wholly within `since`/`until` by its count, the others (read) by what they hold.
 */
async function pageByPosition(kv: KVNamespace, served: Served, span: SpanPart[], query: ListQuery, rules: DeadlineRules, now: number) {
  const { filter, after, limit } = query;
  const present = served.view.snapshot;
  const inPresent = new Set(present.complaints.map(complaintKey));
  const afterCursor = (p: Position) => after === null || comparePositions(p, after) > 0;
  /** The matching positions of a part, read, leaving out what the present holds too. */
  const matchesOf = async (s: SpanPart): Promise<Position[]> => {
    const [read] = await partsOf(kv, [s]);
    if (read === undefined || !read.ok) return [];
    return read.complaints
      .filter((c) => !inPresent.has(complaintKey(c)))
      .map(positionOf)
      .filter((p) => inFilter(p, false, filter));
  };
  const presentMatches = present.positions.filter((p, i) => inFilter(p, (present.complaints[i] as Complaint).active, filter));
  const wanted = new Map<string, SpanPart>();
  let total = presentMatches.length;
  // The parts since/until cut through are read for their count: they count toward the request's limit.
  const cut = span.filter((s) => !holdsOnly(s.part, filter.since, filter.until));
  checkSpan(cut, filter);
  for (const s of span) if (!cut.includes(s)) total += s.part.count;
  for (const [i, matches] of (await Promise.all(cut.map(matchesOf))).entries()) {
    wanted.set(partKey(cut[i] as SpanPart), cut[i] as SpanPart);
    total += matches.length;
  }
  const known = presentMatches.filter(afterCursor);
  const ahead = span.filter((s) => afterCursor(s.part.oldest));
  for (const s of ahead) {
    known.sort(comparePositions);
    const beyond = known[limit];
    if (beyond !== undefined && comparePositions(beyond, s.part.newest) < 0) break;
    wanted.set(partKey(s), s);
    known.push(...(await matchesOf(s)).filter(afterCursor));
  }
  const { view, errors } = await viewWith(kv, served, [...wanted.values()], rules, now);
  const loaded = pageOf(view, query, now);
  // A part not read holds only matches (it lies within since/until): past a full page, there is more.
  const unread = ahead.some((s) => !wanted.has(partKey(s)));
  const last: Row | undefined = loaded.rows.at(-1);
  const more = loaded.next_cursor !== null || (loaded.rows.length === limit && unread);
  const page: Page = {
    rows: loaded.rows,
    total,
    next_cursor: more && last !== undefined ? encodeCursor(last.position, filter, "newest") : null,
  };
  return { value: page, revision: view.revision, errors };
}

/** The page `query` asks for, across the present and the history. */
export async function listPage(
  kv: KVNamespace,
  served: Served,
  query: ListQuery,
  rules: DeadlineRules,
  now: number,
): Promise<Answer<Page>> {
  const { span, errors: undescribed } = await spanOf(kv, served.view.snapshot, query.filter);
  if (span.length === 0) return { value: pageOf(served.view, query, now), revision: served.view.revision, errors: undescribed };
  if (byPosition(query)) {
    const page = await pageByPosition(kv, served, span, query, rules, now);
    return { ...page, errors: undescribed.concat(page.errors) };
  }
  checkSpan(span, query.filter);
  const { view, errors } = await viewWith(kv, served, span, rules, now);
  return { value: pageOf(view, query, now), revision: view.revision, errors: undescribed.concat(errors) };
}

/** Every row that matches, across the present and the history (the CSV). */
export async function allMatches(
  kv: KVNamespace,
  served: Served,
  filter: Filter,
  rules: DeadlineRules,
  now: number,
): Promise<Answer<Row[]>> {
  const { span, errors: undescribed } = await spanOf(kv, served.view.snapshot, filter);
  checkSpan(span, filter);
  const { view, errors } = await viewWith(kv, served, span, rules, now);
  return { value: matchingRows(view, filter, now), revision: view.revision, errors: undescribed.concat(errors) };
}

/**
 * Complaint `id` of the history (of merchant `mchid` when given), with its marks; null when no part holds it. The
 * present is looked in first, by the caller.
 */
export async function historyComplaint(
  kv: KVNamespace,
  served: Served,
  id: string,
  mchid: string | null,
  now: number,
): Promise<{ complaint: Complaint; marks: MarksView; moves: Move[] | undefined } | null> {
  const store = new Store(kv);
  for (const { merchant, history } of served.view.snapshot.merchants) {
    if (history.parts === 0 || (mchid !== null && merchant.mchid !== mchid)) continue;
    const described = await describedHistory(kv, merchant.mchid, history);
    if (described === null) continue;
    const found = await findInHistory(store, merchant.mchid, described.history, id, true);
    if (found === null) continue;
    const complaint = complaintOf(merchant.mchid, found.complaint, null);
    const marks = await currentMarks(kv, served.view.snapshot, now, new Map([[merchant.mchid, [monthOf(found.part.newest.at)]]]));
    return { complaint, marks, moves: found.complaint.moves };
  }
  return null;
}
