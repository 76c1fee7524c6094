import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("the Worker's HTTP entry", () => {
  it("Should answer GET /healthz with {ok:true}", async () => {
    const res = await exports.default.fetch("http://worker/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("Should answer an unknown route with a JSON 404", async () => {
    const res = await exports.default.fetch("http://worker/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
