/** How long an isolate keeps the marks, what reading them costs, and how a change is written. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ProductionKv } from "../../test/support/production-kv";
import { emptyBook, MARKS, type MarkBook, marksIn, withMark } from "../domain/marks";
import type { Merchant } from "../domain/merchant";
import { handledKey, Store } from "../store";
import { changeMarksAndKeep, currentMarks } from "./cache";
import { isHandled, MarkNotSaved, markEdit, marksFor } from "./marks";

const now = Date.parse("2026-05-01T10:00:00Z");
const mark = { at: "2026-05-01T10:00:00.000Z", note: "called back" };
const answered = { at: "2026-05-01T09:00:00.000Z", note: "answered in WeChat Pay" };
let n = 0;
/** A namespace and merchants of their own for each test: the isolate's cache is per namespace. */
function fixture(count = 1) {
  const kv = new ProductionKv(env.COMPLAINTS);
  n++;
  const merchants: Merchant[] = Array.from({ length: count }, (_, i) => ({ mchid: `m${n}-${i}`, key: "k", name: null }));
  return { kv, merchants, mchid: (merchants[0] as Merchant).mchid };
}
const complaintOf = (mchid: string, id: string) => ({ id, mchid });
const handle = (kv: KVNamespace, mchid: string, id: string, m: typeof mark | null, at = now) =>
  changeMarksAndKeep(kv, mchid, markEdit({ kind: "handled", id, mark: m }), at);
const reply = (kv: KVNamespace, mchid: string, id: string, m: typeof mark | null, at = now) =>
  changeMarksAndKeep(kv, mchid, markEdit({ kind: "replied", id, mark: m }), at);

async function storedBook(mchid: string): Promise<MarkBook | null> {
  const stored = await new Store(env.COMPLAINTS).load(handledKey(mchid), MARKS);
  return stored.kind === "ok" ? stored.value : null;
}

describe("currentMarks", () => {
  it("Should read each merchant once per 30 s, and again after this isolate writes anything", async () => {
    const { kv, merchants, mchid } = fixture(2);
    await new Store(kv.kv).save(handledKey(mchid), MARKS, withMark(emptyBook(), "handled", "1", mark), now);
    kv.reads = 0;
    const first = await currentMarks(kv.kv, merchants, now);
    expect(kv.reads).toBe(2);
    expect(marksFor(first, complaintOf(mchid, "1"))).toEqual({ replied: null, handled: mark, refund: null });
    expect(marksFor(first, complaintOf(mchid, "2"))).toEqual({ replied: null, handled: null, refund: null });
    await currentMarks(kv.kv, merchants, now + 29_000);
    expect(kv.reads).toBe(2);
    const later = await currentMarks(kv.kv, merchants, now + 31_000);
    expect(kv.reads).toBe(4);
    expect(later.revision).toBe(first.revision);
    kv.nextInvocation();
    await new Store(kv.kv).save("status:other", MARKS, emptyBook(), now);
    await currentMarks(kv.kv, merchants, now + 32_000);
    expect(kv.reads).toBe(6);
  });

  it("Should show a mark written in this isolate at once, under a new revision, without reading it back", async () => {
    const { kv, merchants, mchid } = fixture();
    const before = await currentMarks(kv.kv, merchants, now);
    kv.nextInvocation();
    const changed = await reply(kv.kv, mchid, "1", answered);
    expect(marksIn(changed.book, "1")).toEqual({ replied: answered, handled: null, refund: null });
    kv.reads = 0;
    const after = await currentMarks(kv.kv, merchants, now + 1);
    expect(kv.reads).toBe(0);
    expect(marksFor(after, complaintOf(mchid, "1"))).toEqual({ replied: answered, handled: null, refund: null });
    expect(isHandled(after, complaintOf(mchid, "1"))).toBe(false);
    expect(after.revision).not.toBe(before.revision);
  });

  it("Should show a mark written by another isolate once its copy is 30 s old", async () => {
    const { kv, merchants, mchid } = fixture();
    expect(marksFor(await currentMarks(kv.kv, merchants, now), complaintOf(mchid, "1")).handled).toBeNull();
    // Written straight to KV: this isolate's write count does not change.
    await env.COMPLAINTS.put(
      handledKey(mchid),
      JSON.stringify({ format: 2, rev: "elsewhere", marks: { "1": mark }, replied: { "1": answered } }),
    );
    expect(marksFor(await currentMarks(kv.kv, merchants, now + 10_000), complaintOf(mchid, "1")).handled).toBeNull();
    const view = await currentMarks(kv.kv, merchants, now + 30_000);
    expect(marksFor(view, complaintOf(mchid, "1"))).toEqual({ replied: answered, handled: mark, refund: null });
    expect(isHandled(view, complaintOf(mchid, "1"))).toBe(true);
  });

  it("Should read a value stored before replied existed, and find no marks for a merchant it does not know", async () => {
    const { kv, merchants, mchid } = fixture();
    await env.COMPLAINTS.put(handledKey(mchid), JSON.stringify({ format: 2, rev: "old", marks: { "1": mark } }));
    const view = await currentMarks(kv.kv, merchants, now);
    expect(view.byMerchant.get(mchid)?.error).toBeNull();
    expect(marksFor(view, complaintOf(mchid, "1"))).toEqual({ replied: null, handled: mark, refund: null });
    expect(marksFor(view, complaintOf("someone-else", "1"))).toEqual({ replied: null, handled: null, refund: null });
    expect(isHandled(view, complaintOf("someone-else", "1"))).toBe(false);
  });
});

describe("changeMarks", () => {
  it("Should write once to mark, once to un-mark, and not at all to un-mark an unmarked complaint", async () => {
    const { kv, mchid } = fixture();
    await handle(kv.kv, mchid, "1", mark);
    kv.nextInvocation();
    await handle(kv.kv, mchid, "2", { ...mark, note: "" });
    kv.nextInvocation();
    await handle(kv.kv, mchid, "1", null);
    kv.nextInvocation();
    await handle(kv.kv, mchid, "1", null);
    kv.nextInvocation();
    // Not replied either: taking that off writes nothing.
    await reply(kv.kv, mchid, "2", null);
    expect(kv.writes).toEqual([handledKey(mchid), handledKey(mchid), handledKey(mchid)]);
    const book = await storedBook(mchid);
    expect(book && { ...book.handled }).toEqual({ "2": { ...mark, note: "" } });
    expect(book && { ...book.replied }).toEqual({});
  });

  it("Should keep the two kinds apart: setting or taking off one leaves the other as it was", async () => {
    const { kv, mchid } = fixture();
    await reply(kv.kv, mchid, "1", answered);
    kv.nextInvocation();
    await handle(kv.kv, mchid, "1", mark);
    kv.nextInvocation();
    let book = await storedBook(mchid);
    expect(book && marksIn(book, "1")).toEqual({ replied: answered, handled: mark, refund: null });
    const changed = await handle(kv.kv, mchid, "1", null);
    expect(marksIn(changed.book, "1")).toEqual({ replied: answered, handled: null, refund: null });
    kv.nextInvocation();
    await handle(kv.kv, mchid, "1", mark);
    kv.nextInvocation();
    await reply(kv.kv, mchid, "1", null);
    book = await storedBook(mchid);
    expect(book && marksIn(book, "1")).toEqual({ replied: null, handled: mark, refund: null });
  });

  it("Should add a replied mark to a value stored before replied existed without losing its handled marks", async () => {
    const { kv, mchid } = fixture();
    await env.COMPLAINTS.put(handledKey(mchid), JSON.stringify({ format: 2, rev: "old", marks: { "1": mark } }));
    await reply(kv.kv, mchid, "2", answered);
    const book = await storedBook(mchid);
    expect(book && marksIn(book, "1")).toEqual({ replied: null, handled: mark, refund: null });
    expect(book && marksIn(book, "2")).toEqual({ replied: answered, handled: null, refund: null });
    expect(await env.COMPLAINTS.get(`corrupt:${handledKey(mchid)}:${now}`)).toBeNull();
  });

  it("Should, when KV refuses, wait a second, read again and write the change onto what it finds", async () => {
    const { kv, mchid } = fixture();
    await handle(kv.kv, mchid, "1", mark);
    kv.nextInvocation();
    kv.failPutsMatching = /^handled:/;
    kv.failPutsCount = 1;
    const started = Date.now();
    await reply(kv.kv, mchid, "2", answered);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const book = await storedBook(mchid);
    expect(book && Object.keys(book.handled)).toEqual(["1"]);
    expect(book && Object.keys(book.replied)).toEqual(["2"]);
  });

  it("Should give up with MarkNotSaved when the second write fails too", async () => {
    const { kv, mchid } = fixture();
    kv.failPutsMatching = /^handled:/;
    await expect(reply(kv.kv, mchid, "1", answered)).rejects.toBeInstanceOf(MarkNotSaved);
    expect(await env.COMPLAINTS.get(handledKey(mchid))).toBeNull();
  });

  it("Should keep an unreadable value aside before replacing it, and never replace a newer layout", async () => {
    const { kv, mchid } = fixture();
    await env.COMPLAINTS.put(handledKey(mchid), "{not json");
    await handle(kv.kv, mchid, "1", mark);
    expect(await env.COMPLAINTS.get(`corrupt:${handledKey(mchid)}:${now}`)).toBe("{not json");
    const newer = JSON.stringify({ format: 3, marks: {} });
    await env.COMPLAINTS.put(handledKey(mchid), newer);
    kv.nextInvocation();
    await expect(reply(kv.kv, mchid, "2", answered)).rejects.toThrow(/format 3/);
    expect(await env.COMPLAINTS.get(handledKey(mchid))).toBe(newer);
  });
});
