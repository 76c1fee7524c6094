/**
 * A complaint's timeline end to end inside workerd: real polls of the sandbox, alerts to a local receiver, marks
 * through the real routes, complaints leaving PAYJS's list, coming back and moving into history, over KV held to
 * production's rules (a refused write fails the test).
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { generateComplaints, type PayjsComplaintItem } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { TimelineEvent } from "../src/domain/timeline";
import type { WorkerEnv } from "../src/env";
import { parseJson } from "../src/json";
import { Receiver, routeFetch } from "./support/receiver";
import { ADMIN_TOKEN, alertEnv, call, clearKv, fireCron, kv, NO_DEADLINES } from "./support/worker";

const H = 3_600_000;
const DAY = 24 * H;
const { mchid } = SANDBOX_MERCHANT;
let sandbox: PayjsSandbox;
let receiver: Receiver;
let t0: number;
let items: PayjsComplaintItem[];
let e: WorkerEnv;

const iso = (ms: number) => new Date(ms).toISOString();
const idOf = (item: PayjsComplaintItem) => item.complaint_id as string;
const path = (id: string) => `/api/complaints/${encodeURIComponent(id)}/timeline?mchid=${mchid}`;

async function timeline(id: string): Promise<TimelineEvent[]> {
  const res = await call(e, path(id));
  expect(res.status, path(id)).toBe(200);
  return ((await res.json()) as { events: TimelineEvent[] }).events;
}

/** Each event as `kind` and what tells it apart, without its time. */
const shapes = (events: readonly TimelineEvent[]) =>
  events.map((ev) => {
    const { at: _, ...rest } = ev;
    return rest;
  });

beforeEach(async () => {
  await clearKv();
  t0 = Date.now();
  items = generateComplaints(mchid, 6, t0);
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT]);
  sandbox.setComplaints(mchid, items);
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
  e = alertEnv([{ type: "webhook", name: "hook", url: "https://hooks.test/in" }], NO_DEADLINES);
});
afterEach(() => vi.restoreAllMocks());

describe("GET /api/complaints/{id}/timeline", () => {
  it("Should tell when a complaint was first seen, its alert's delivery and its mark with who set it, with an ETag", async () => {
    const id = idOf(items[0] as PayjsComplaintItem);
    await fireCron(e, t0);
    const put = await call(e, `/api/complaints/${id}/replied?mchid=${mchid}`, {
      method: "PUT",
      token: ADMIN_TOKEN,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ note: "打过电话" }),
    });
    expect(put.status).toBe(200);
    expect(((await put.json()) as { complaint: { replied: unknown } }).complaint.replied).toEqual({
      at: expect.any(String),
      note: "打过电话",
      by: null,
    });

    const events = await timeline(id);
    expect(shapes(events)).toEqual([
      { kind: "seen" },
      { kind: "alert", event: "complaint.new", channel: "hook", outcome: "delivered" },
      { kind: "replied", by: null, note: "打过电话" },
    ]);
    expect(events[0]?.at).toBe(iso(t0));
    const times = events.map((ev) => Date.parse(ev.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const first = await call(e, path(id));
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^"/);
    expect((await call(e, path(id), { headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await call(e, path("no-such-complaint"))).status).toBe(404);
    expect((await call(e, path(id), { token: null })).status).toBe(401);
  });

  it("Should cost no write of its own: a poll that finds nothing new writes only the status", async () => {
    await fireCron(e, t0);
    kv.resetCounts();
    await fireCron(e, t0 + 4 * H);
    expect(kv.writes).toEqual([`status:${mchid}`]);
    kv.resetCounts();
    await fireCron(e, t0 + 4 * H + 60_000);
    expect(kv.writes).toEqual([]);
  });

  it("Should tell when a complaint left PAYJS's list and when it came back, with the alert its leaving sent", async () => {
    const item = items[1] as PayjsComplaintItem;
    const id = idOf(item);
    await fireCron(e, t0);
    sandbox.removeComplaint(mchid, id);
    await fireCron(e, t0 + 4 * H);
    sandbox.addComplaint(mchid, item);
    await fireCron(e, t0 + 8 * H);
    const events = await timeline(id);
    expect(shapes(events)).toEqual([
      { kind: "seen" },
      { kind: "alert", event: "complaint.new", channel: "hook", outcome: "delivered" },
      { kind: "gone" },
      { kind: "alert", event: "complaint.resolved", channel: "hook", outcome: "delivered" },
      { kind: "back" },
    ]);
    expect(events.filter((ev) => ev.kind === "gone" || ev.kind === "back").map((ev) => ev.at)).toEqual([iso(t0 + 4 * H), iso(t0 + 8 * H)]);
    // The other complaints' timelines are theirs alone.
    expect(shapes(await timeline(idOf(items[2] as PayjsComplaintItem))).map((ev) => ev.kind)).toEqual(["seen", "alert"]);
  });

  it("Should keep the timeline of a complaint moved into history, its alerts kept in the outbox's trail once pruned", async () => {
    await fireCron(e, t0);
    sandbox.setComplaints(mchid, items.slice(0, 2));
    await fireCron(e, t0 + 4 * H);
    const gone = idOf(items[4] as PayjsComplaintItem);
    // Two weeks on: the complaints gone move into history, and the outbox's entries done a week ago are pruned.
    await fireCron(e, t0 + 15 * DAY);
    expect((await env.COMPLAINTS.list({ prefix: `history:${mchid}:` })).keys.length).toBeGreaterThan(0);
    const outbox = parseJson((await env.COMPLAINTS.get(`outbox:${mchid}`)) as string) as {
      outbox: { entries: unknown[]; trail: Record<string, unknown[]> };
    };
    expect(outbox.outbox.entries).toEqual([]);
    expect(outbox.outbox.trail[gone]).toHaveLength(2);

    const events = await timeline(gone);
    expect(shapes(events)).toEqual([
      { kind: "seen" },
      { kind: "alert", event: "complaint.new", channel: "hook", outcome: "delivered" },
      { kind: "gone" },
      { kind: "alert", event: "complaint.resolved", channel: "hook", outcome: "delivered" },
    ]);
    expect(events[2]?.at).toBe(iso(t0 + 4 * H));
    // Still listed: in the present, its alert from the trail too.
    expect(shapes(await timeline(idOf(items[0] as PayjsComplaintItem)))).toEqual([
      { kind: "seen" },
      { kind: "alert", event: "complaint.new", channel: "hook", outcome: "delivered" },
    ]);
  });
});
