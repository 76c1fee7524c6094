import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { md5 } from "../md5";
import { ANSWER_FORMAT, conditional, etagFor } from "./conditional";

const ADDRESS = "https://worker.example/api/complaints?limit=2";

describe("etagFor", () => {
  it("Should depend on the answer format, so a Worker upgrade never answers 304 to the old shape", () => {
    const current = etagFor("rev-1", ADDRESS);
    expect(current).toBe(etagFor("rev-1", ADDRESS, ANSWER_FORMAT));
    expect(current).not.toBe(etagFor("rev-1", ADDRESS, `${ANSWER_FORMAT}-next`));
    // What the same data and URL hashed to before the format was part of the tag.
    expect(current).not.toBe(`"${md5("rev-1\n/api/complaints?limit=2")}"`);
  });

  it("Should still tell revisions and URLs apart", () => {
    expect(etagFor("rev-1", ADDRESS)).not.toBe(etagFor("rev-2", ADDRESS));
    expect(etagFor("rev-1", ADDRESS)).not.toBe(etagFor("rev-1", `${ADDRESS}0`));
  });
});

describe("conditional", () => {
  const app = new Hono().get("/api/complaints", (c) => conditional(c, "rev-1", () => c.json({ ok: true })));

  it("Should answer 304 to the current tag and 200 to a tag from another answer format", async () => {
    const first = await app.request(ADDRESS);
    const etag = first.headers.get("etag") as string;
    expect(etag).toBe(etagFor("rev-1", ADDRESS));
    const again = await app.request(ADDRESS, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    const old = await app.request(ADDRESS, { headers: { "If-None-Match": etagFor("rev-1", ADDRESS, "old") } });
    expect(old.status).toBe(200);
    expect(await old.json()).toEqual({ ok: true });
  });
});
