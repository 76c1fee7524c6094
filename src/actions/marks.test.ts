/** How a change of a merchant's marks is written. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ProductionKv } from "../../test/support/production-kv";
import { MARKS, type MarkBook, marksIn } from "../domain/marks";
import { marksKey, Store } from "../store";
import { changeMarks, MarkNotSaved, markEdit } from "./marks";

const now = Date.parse("2026-05-01T10:00:00Z");
/** The month of the complaints marked: one book. */
const M = "2026-05";
const mark = { at: "2026-05-01T10:00:00.000Z", note: "called back", by: null };
const answered = { at: "2026-05-01T09:00:00.000Z", note: "answered in WeChat Pay", by: null };
let n = 0;
/** A namespace and a merchant of its own for each test. */
function fixture() {
  n++;
  return { kv: new ProductionKv(env.COMPLAINTS), mchid: `am${n}` };
}
const handle = (kv: KVNamespace, mchid: string, id: string, m: typeof mark | null, at = now) =>
  changeMarks(
    new Store(kv),
    mchid,
    M,
    markEdit({ kind: "handled", id, change: m ?? { at: new Date(at).toISOString(), by: null, note: null } }),
    at,
  );
const reply = (kv: KVNamespace, mchid: string, id: string, m: typeof mark | null, at = now) =>
  changeMarks(
    new Store(kv),
    mchid,
    M,
    markEdit({ kind: "replied", id, change: m ?? { at: new Date(at).toISOString(), by: null, note: null } }),
    at,
  );

async function storedBook(mchid: string): Promise<MarkBook | null> {
  const stored = await new Store(env.COMPLAINTS).load(marksKey(mchid, M), MARKS);
  return stored.kind === "ok" ? stored.value : null;
}

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
    expect(kv.writes).toEqual([marksKey(mchid, M), marksKey(mchid, M), marksKey(mchid, M)]);
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
    await env.COMPLAINTS.put(marksKey(mchid, M), JSON.stringify({ format: 2, rev: "old", marks: { "1": mark } }));
    await reply(kv.kv, mchid, "2", answered);
    const book = await storedBook(mchid);
    expect(book && marksIn(book, "1")).toEqual({ replied: null, handled: mark, refund: null });
    expect(book && marksIn(book, "2")).toEqual({ replied: answered, handled: null, refund: null });
    expect(await env.COMPLAINTS.get(`corrupt:${marksKey(mchid, M)}:${now}`)).toBeNull();
  });

  it("Should, when KV refuses, wait a second, read again and write the change onto what it finds", async () => {
    const { kv, mchid } = fixture();
    await handle(kv.kv, mchid, "1", mark);
    kv.nextInvocation();
    kv.failPutsMatching = /^marks:/;
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
    kv.failPutsMatching = /^marks:/;
    await expect(reply(kv.kv, mchid, "1", answered)).rejects.toBeInstanceOf(MarkNotSaved);
    expect(await env.COMPLAINTS.get(marksKey(mchid, M))).toBeNull();
  });

  it("Should keep an unreadable value aside before replacing it, and never replace a newer layout", async () => {
    const { kv, mchid } = fixture();
    await env.COMPLAINTS.put(marksKey(mchid, M), "{not json");
    await handle(kv.kv, mchid, "1", mark);
    expect(await env.COMPLAINTS.get(`corrupt:${marksKey(mchid, M)}:${now}`)).toBe("{not json");
    const newer = JSON.stringify({ format: 4, marks: {} });
    await env.COMPLAINTS.put(marksKey(mchid, M), newer);
    kv.nextInvocation();
    await expect(reply(kv.kv, mchid, "2", answered)).rejects.toThrow(/format 4/);
    expect(await env.COMPLAINTS.get(marksKey(mchid, M))).toBe(newer);
  });
});
