/** How long an isolate keeps the marks, and what reading them costs. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ProductionKv } from "../../test/support/production-kv";
import { merchantView, snapshotOf } from "../../test/support/snapshot";
import { changeMarks, markEdit } from "../actions/marks";
import { emptyBook, MARKS, marksIn, withMark } from "../domain/marks";
import type { Merchant } from "../domain/merchant";
import { marksKey, Store } from "../store";
import { currentMarks, keepMarks } from "./cache";
import { isHandled, marksFor } from "./marks";

const now = Date.parse("2026-05-01T10:00:00Z");
const M = "2026-05";
const mark = { at: "2026-05-01T10:00:00.000Z", note: "called back", by: null };
const answered = { at: "2026-05-01T09:00:00.000Z", note: "answered in WeChat Pay", by: null };
let n = 0;
/** A namespace and merchants of their own for each test: the isolate's cache is per namespace. */
function fixture(count = 1) {
  const kv = new ProductionKv(env.COMPLAINTS);
  n++;
  const merchants: Merchant[] = Array.from({ length: count }, (_, i) => ({ mchid: `m${n}-${i}`, key: "k", name: null }));
  // Each merchant's present holds complaints of one month: one book each.
  const snap = { ...snapshotOf([]), merchants: merchants.map((m) => merchantView(m.mchid, [], { months: [M] })) };
  return { kv, snap, mchid: (merchants[0] as Merchant).mchid };
}
const complaintOf = (mchid: string, id: string) => ({ id, mchid });
/** A replied mark made in this isolate, kept as a route keeps it. */
async function reply(kv: KVNamespace, mchid: string, id: string, m: typeof mark | null, at = now) {
  const changed = await changeMarks(
    new Store(kv),
    mchid,
    M,
    markEdit({ kind: "replied", id, change: m ?? { at: new Date(at).toISOString(), by: null, note: null } }),
    at,
  );
  keepMarks(kv, mchid, M, changed, at);
  return changed;
}

describe("currentMarks", () => {
  it("Should read each merchant once per 30 s, and again after this isolate writes anything", async () => {
    const { kv, snap, mchid } = fixture(2);
    await new Store(kv.kv).save(marksKey(mchid, M), MARKS, withMark(emptyBook(), "handled", "1", mark), now);
    kv.reads = 0;
    const first = await currentMarks(kv.kv, snap, now);
    expect(kv.reads).toBe(2);
    expect(marksFor(first, complaintOf(mchid, "1"))).toEqual({ replied: null, handled: mark, refund: null });
    expect(marksFor(first, complaintOf(mchid, "2"))).toEqual({ replied: null, handled: null, refund: null });
    await currentMarks(kv.kv, snap, now + 29_000);
    expect(kv.reads).toBe(2);
    const later = await currentMarks(kv.kv, snap, now + 31_000);
    expect(kv.reads).toBe(4);
    expect(later.revision).toBe(first.revision);
    kv.nextInvocation();
    await new Store(kv.kv).save("status:other", MARKS, emptyBook(), now);
    await currentMarks(kv.kv, snap, now + 32_000);
    expect(kv.reads).toBe(6);
  });

  it("Should show a mark written in this isolate at once, under a new revision, without reading it back", async () => {
    const { kv, snap, mchid } = fixture();
    const before = await currentMarks(kv.kv, snap, now);
    kv.nextInvocation();
    const changed = await reply(kv.kv, mchid, "1", answered);
    expect(marksIn(changed.book, "1")).toEqual({ replied: answered, handled: null, refund: null });
    kv.reads = 0;
    const after = await currentMarks(kv.kv, snap, now + 1);
    expect(kv.reads).toBe(0);
    expect(marksFor(after, complaintOf(mchid, "1"))).toEqual({ replied: answered, handled: null, refund: null });
    expect(isHandled(after, complaintOf(mchid, "1"))).toBe(false);
    expect(after.revision).not.toBe(before.revision);
  });

  it("Should show a mark written by another isolate once its copy is 30 s old", async () => {
    const { kv, snap, mchid } = fixture();
    expect(marksFor(await currentMarks(kv.kv, snap, now), complaintOf(mchid, "1")).handled).toBeNull();
    // Written straight to KV: this isolate's write count does not change.
    await env.COMPLAINTS.put(
      marksKey(mchid, M),
      JSON.stringify({ format: 2, rev: "elsewhere", marks: { "1": mark }, replied: { "1": answered } }),
    );
    expect(marksFor(await currentMarks(kv.kv, snap, now + 10_000), complaintOf(mchid, "1")).handled).toBeNull();
    const view = await currentMarks(kv.kv, snap, now + 30_000);
    expect(marksFor(view, complaintOf(mchid, "1"))).toEqual({ replied: answered, handled: mark, refund: null });
    expect(isHandled(view, complaintOf(mchid, "1"))).toBe(true);
  });

  it("Should read a value stored before replied existed, and find no marks for a merchant it does not know", async () => {
    const { kv, snap, mchid } = fixture();
    await env.COMPLAINTS.put(marksKey(mchid, M), JSON.stringify({ format: 2, rev: "old", marks: { "1": mark } }));
    const view = await currentMarks(kv.kv, snap, now);
    expect(view.byMerchant.get(mchid)?.error).toBeNull();
    expect(marksFor(view, complaintOf(mchid, "1"))).toEqual({ replied: null, handled: mark, refund: null });
    expect(marksFor(view, complaintOf("someone-else", "1"))).toEqual({ replied: null, handled: null, refund: null });
    expect(isHandled(view, complaintOf("someone-else", "1"))).toBe(false);
  });
});
