/** How long an isolate keeps the handled marks, what reading them costs, and how a change is written. */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ProductionKv } from "../../test/support/production-kv";
import { HANDLED, noMarks, withMark } from "../domain/handled";
import type { Merchant } from "../domain/merchant";
import { handledKey, Store } from "../store";
import { changeMarkAndKeep as changeMark, currentMarks } from "./cache";
import { MarkNotSaved, markFor } from "./marks";

const now = Date.parse("2026-05-01T10:00:00Z");
const mark = { at: "2026-05-01T10:00:00.000Z", note: "called back" };
let n = 0;
/** A namespace and merchants of their own for each test: the isolate's cache is per namespace. */
function fixture(count = 1) {
  const kv = new ProductionKv(env.COMPLAINTS);
  n++;
  const merchants: Merchant[] = Array.from({ length: count }, (_, i) => ({ mchid: `m${n}-${i}`, key: "k", name: null }));
  return { kv, merchants, mchid: (merchants[0] as Merchant).mchid };
}
const complaintOf = (mchid: string, id: string) => ({ id, mchid }) as Parameters<typeof markFor>[1];

describe("currentMarks", () => {
  it("Should read each merchant once per 30 s, and again after this isolate writes anything", async () => {
    const { kv, merchants, mchid } = fixture(2);
    await new Store(kv.kv).save(handledKey(mchid), HANDLED, withMark(noMarks(), "1", mark), now);
    kv.reads = 0;
    const first = await currentMarks(kv.kv, merchants, now);
    expect(kv.reads).toBe(2);
    expect(markFor(first, complaintOf(mchid, "1"))).toEqual(mark);
    expect(markFor(first, complaintOf(mchid, "2"))).toBeNull();
    await currentMarks(kv.kv, merchants, now + 29_000);
    expect(kv.reads).toBe(2);
    const later = await currentMarks(kv.kv, merchants, now + 31_000);
    expect(kv.reads).toBe(4);
    expect(later.revision).toBe(first.revision);
    kv.nextInvocation();
    await new Store(kv.kv).save("status:other", HANDLED, noMarks(), now);
    await currentMarks(kv.kv, merchants, now + 32_000);
    expect(kv.reads).toBe(6);
  });

  it("Should show a mark written in this isolate at once, under a new revision, without reading it back", async () => {
    const { kv, merchants, mchid } = fixture();
    const before = await currentMarks(kv.kv, merchants, now);
    kv.nextInvocation();
    await changeMark(kv.kv, mchid, "1", mark, now);
    kv.reads = 0;
    const after = await currentMarks(kv.kv, merchants, now + 1);
    expect(kv.reads).toBe(0);
    expect(markFor(after, complaintOf(mchid, "1"))).toEqual(mark);
    expect(after.revision).not.toBe(before.revision);
  });

  it("Should show a mark written by another isolate once its copy is 30 s old", async () => {
    const { kv, merchants, mchid } = fixture();
    expect(markFor(await currentMarks(kv.kv, merchants, now), complaintOf(mchid, "1"))).toBeNull();
    // Written straight to KV: this isolate's write count does not change.
    await env.COMPLAINTS.put(handledKey(mchid), JSON.stringify({ format: 2, rev: "elsewhere", marks: { "1": mark } }));
    expect(markFor(await currentMarks(kv.kv, merchants, now + 10_000), complaintOf(mchid, "1"))).toBeNull();
    expect(markFor(await currentMarks(kv.kv, merchants, now + 30_000), complaintOf(mchid, "1"))).toEqual(mark);
  });
});

describe("changeMark", () => {
  it("Should write once to mark, once to un-mark, and not at all to un-mark an unmarked complaint", async () => {
    const { kv, mchid } = fixture();
    await changeMark(kv.kv, mchid, "1", mark, now);
    kv.nextInvocation();
    await changeMark(kv.kv, mchid, "2", { ...mark, note: "" }, now);
    kv.nextInvocation();
    await changeMark(kv.kv, mchid, "1", null, now);
    kv.nextInvocation();
    await changeMark(kv.kv, mchid, "1", null, now);
    expect(kv.writes).toEqual([handledKey(mchid), handledKey(mchid), handledKey(mchid)]);
    const stored = await new Store(kv.kv).load(handledKey(mchid), HANDLED);
    expect(stored.kind === "ok" && { ...stored.value }).toEqual({ "2": { ...mark, note: "" } });
  });

  it("Should, when KV refuses, wait a second, read again and write the change onto what it finds", async () => {
    const { kv, mchid } = fixture();
    await changeMark(kv.kv, mchid, "1", mark, now);
    kv.nextInvocation();
    kv.failPutsMatching = /^handled:/;
    kv.failPutsCount = 1;
    const started = Date.now();
    await changeMark(kv.kv, mchid, "2", mark, now);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    const stored = await new Store(kv.kv).load(handledKey(mchid), HANDLED);
    expect(stored.kind === "ok" && Object.keys(stored.value).sort()).toEqual(["1", "2"]);
  });

  it("Should give up with MarkNotSaved when the second write fails too", async () => {
    const { kv, mchid } = fixture();
    kv.failPutsMatching = /^handled:/;
    await expect(changeMark(kv.kv, mchid, "1", mark, now)).rejects.toBeInstanceOf(MarkNotSaved);
    expect(await env.COMPLAINTS.get(handledKey(mchid))).toBeNull();
  });

  it("Should keep an unreadable value aside before replacing it, and never replace a newer layout", async () => {
    const { kv, mchid } = fixture();
    await env.COMPLAINTS.put(handledKey(mchid), "{not json");
    await changeMark(kv.kv, mchid, "1", mark, now);
    expect(await env.COMPLAINTS.get(`corrupt:${handledKey(mchid)}:${now}`)).toBe("{not json");
    const newer = JSON.stringify({ format: 3, marks: {} });
    await env.COMPLAINTS.put(handledKey(mchid), newer);
    kv.nextInvocation();
    await expect(changeMark(kv.kv, mchid, "2", mark, now)).rejects.toThrow(/format 3/);
    expect(await env.COMPLAINTS.get(handledKey(mchid))).toBe(newer);
  });
});
