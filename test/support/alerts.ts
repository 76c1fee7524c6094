/**
 * Fixtures for the unit tests of alerts (src/notify/): a complaint as the API shows it, a merchant's status entry,
 * a channel, the news of a tick, and ways to read what an outbox holds. Pure: no Worker, no KV.
 */
import { type Complaint, complaintOf, type StoredComplaint } from "../../src/domain/complaint";
import { DEFAULT_RULES, type DeadlineKind, type DeadlineRules } from "../../src/domain/deadlines";
import { type ComplaintMarks, emptyBook, UNMARKED } from "../../src/domain/marks";
import type { Outbox, OutboxEntry } from "../../src/domain/outbox";
import { type ServedComplaint, served } from "../../src/domain/served";
import type { MerchantStatusEntry } from "../../src/domain/status";
import { toBeijingIso } from "../../src/domain/time";
import { CHANNEL_TYPES } from "../../src/notify/channels";
import type { NewComplaintNotice } from "../../src/notify/events/complaint-new";
import type { News } from "../../src/notify/events/news";
import type { Channel } from "../../src/notify/types";

/** `PUBLIC_URL`: where the dashboard the messages link to is. */
export const PUBLIC_URL = "https://watch.example.com/";

/** A Beijing wall-clock time (`2026-12-06T22:13:00`) as an ISO instant. */
export function beijingAt(text: string): string {
  return new Date(Date.parse(`${text}+08:00`)).toISOString();
}

/** Seen at 2026-11-08 01:20 in Beijing, 6½ minutes after it was made: its reply deadline is 23 h 53 min away. */
export const COMPLAINT: Complaint = {
  id: "C1",
  mchid: "100",
  complaint_at: "2026-11-08T01:13:29+08:00",
  out_trade_no: "OT-1",
  order_id: "2026110812345",
  total_fee: 2990,
  body: "商品未收到，请退款",
  first_seen_at: "2026-11-07T17:20:00.000Z",
  last_seen_at: "2026-11-07T17:20:00.000Z",
  active: true,
  raw: {},
};

/** A complaint as the API shows it: {@link COMPLAINT} with `fields` changed, its marks and the deadline rules. */
export function servedComplaint(
  fields: Partial<Complaint> = {},
  marks: ComplaintMarks = UNMARKED,
  rules: DeadlineRules = DEFAULT_RULES,
): ServedComplaint {
  return served({ ...COMPLAINT, ...fields }, marks, rules);
}

/** {@link COMPLAINT} made 2026-12-05 22:13 in Beijing: reply by 12月6日 22:13, resolve by 12月8日 22:13. */
export const DECEMBER_COMPLAINT: ServedComplaint = servedComplaint({ complaint_at: "2026-12-05T22:13:00+08:00" });

/** {@link COMPLAINT} as `id` for each of `ids`, as the API shows it. */
export function complaintsNamed(...ids: string[]): ServedComplaint[] {
  return ids.map((id) => servedComplaint({ id }));
}

/** Complaint `id` as kept (record, first and last seen), as the API shows it, unmarked. */
export function keptComplaint(
  kept: Omit<StoredComplaint, "last_seen_at" | "active"> & Partial<StoredComplaint>,
  marks = UNMARKED,
): ServedComplaint {
  const k = { last_seen_at: kept.first_seen_at, active: true, ...kept };
  return served(complaintOf("100", k, null), marks, DEFAULT_RULES);
}

/** Complaint `id` of merchant 100 made at `made` and first seen at `seen` (epoch ms), as the API shows it. */
export function madeComplaint(id: string, made: number, seen = made, marks = UNMARKED, active = true): ServedComplaint {
  const complaintAt = toBeijingIso(made).slice(0, 19).replace("T", " ");
  return keptComplaint(
    { id, raw: { complaint_id: id, complaint_at: complaintAt }, first_seen_at: new Date(seen).toISOString(), active },
    marks,
  );
}

/** A merchant three polls into a run of failures. */
export const FAILING_MERCHANT: MerchantStatusEntry = {
  mchid: "100",
  name: "测试商户",
  last_attempt_at: "2026-11-08T04:00:00.000Z",
  last_success_at: "2026-11-07T01:00:00.000Z",
  next_poll_at: null,
  consecutive_failures: 3,
  last_error: { code: "upstream_error", message: "签名错误", at: "2026-11-08T04:00:00.000Z" },
  complaints_total: 4,
  complaints_active: 2,
  history: { complaints: 0, parts: 0, oldest_complaint_at: null },
  signature: { result: "verified", scheme: "php-sdk", checked_at: "2026-11-07T17:00:00.000Z" },
};

/** A channel of `type` named `name` that takes every event of every merchant, with `more` set. */
export function testChannel(name: string, type: string, more: Partial<Channel> = {}): Channel {
  const channelType = CHANNEL_TYPES[type];
  if (channelType === undefined) throw new Error(`no channel type ${type}`);
  return { name, type: channelType, options: {}, events: null, merchants: null, digestAt: null, quietHours: null, ...more };
}

/** The news of a tick of merchant 100 at `at`: nothing to tell but what `more` gives. */
export function newsOf(at: string, more: Partial<News> = {}): News {
  return {
    mchid: "100",
    merchantName: null,
    at,
    rules: DEFAULT_RULES,
    fresh: [],
    active: [],
    gone: [],
    refunds: { book: emptyBook().refunds, complaints: [] },
    watcher: null,
    digest: null,
    started: null,
    ...more,
  };
}

/** The `complaint.new` message of one complaint, told at `at` (by default when {@link COMPLAINT} was first seen). */
export function newComplaintNotice(
  complaint: ServedComplaint,
  merchantName: string | null = "测试商户",
  at = COMPLAINT.first_seen_at,
): NewComplaintNotice {
  return { kind: "complaint", event: "complaint.new", at, merchantName, complaint };
}

/** The items a pending message of several tells of (deadlines, refunds): none when it holds no list, or is done. */
export function itemsOf<I = { complaint: ServedComplaint; deadline: DeadlineKind }>(e: OutboxEntry | undefined): I[] {
  return (e?.notification as { items?: I[] } | null | undefined)?.items ?? [];
}

/** Each entry as `channel event id#deadline,…` (the deadlines it tells of), sorted. */
export function deadlineListing(outbox: Outbox): string[] {
  return outbox.entries.map((e) => `${e.channel} ${e.event} ${itemsOf(e).map((d) => `${d.complaint.id}#${d.deadline}`)}`).sort();
}

/** An entry nothing was tried for yet: {@link COMPLAINT}'s `complaint.new` queued for `hook` at `at`, with `more` set. */
export function pendingEntry(at: string, more: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id: "hook|complaint:C1",
    channel: "hook",
    event: "complaint.new",
    complaint_ids: ["C1"],
    notification: newComplaintNotice(servedComplaint(), null, at),
    state: "pending",
    attempts: 0,
    created_at: at,
    next_attempt_at: at,
    done_at: null,
    last_error: null,
    ...more,
  };
}
