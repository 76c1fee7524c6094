/**
 * Every route of the contract through the real Worker's fetch(), with data put there by a real poll.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { ListedComplaint, ServedComplaint } from "../src/domain/served";
import type { MerchantStatusEntry } from "../src/domain/status";
import { statusKey } from "../src/store";
import { Receiver, routeFetch } from "./support/receiver";
import { ADMIN_TOKEN, call, clearKv, fireCron, READ_TOKEN, routeUpstreamTo, testEnv } from "./support/worker";

const { mchid, key } = SANDBOX_MERCHANT;
const SECRET_MERCHANTS = JSON.stringify([{ mchid: "1500000002", key: "second-key-SECRET" }]);
let sandbox: PayjsSandbox;
/** What the sandbox serves for `mchid`. */
let fixtures: ReturnType<typeof fixtureComplaints>;
const e = testEnv({ PAYJS_MCHID: mchid, PAYJS_KEY: key, PAYJS_MERCHANTS: SECRET_MERCHANTS });
const total = () => fixtureComplaints(mchid).length;

/** `GET /api/complaints`. */
interface ListBody {
  complaints: ListedComplaint[];
  count: number;
  total: number;
  next_cursor: string | null;
  updated_at: string | null;
}

/** `GET /api/complaints/{id}`. */
interface DetailBody {
  complaint: ServedComplaint;
}

/** `GET /api/status`, the part these tests read. */
interface StatusBody {
  merchants: MerchantStatusEntry[];
}

/** Every error answer. */
interface ErrorBody {
  error: { code: string; message: string; setting?: string; parameter?: string };
}

async function json<T>(res: Response): Promise<T> {
  return res.json<T>();
}

/** The complaints of a list answer. */
async function listed(path: string): Promise<ListedComplaint[]> {
  return (await json<ListBody>(await call(e, path))).complaints;
}

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

beforeAll(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT, { mchid: "1500000002", key: "second-key-SECRET" }]);
  fixtures = fixtureComplaints(mchid);
  sandbox.setComplaints(mchid, fixtures);
  routeUpstreamTo(sandbox);
  await fireCron(e, Date.now());
  vi.restoreAllMocks();
});
beforeEach(() => {
  routeUpstreamTo(sandbox);
});
afterEach(() => vi.restoreAllMocks());

describe("GET /healthz", () => {
  it("Should answer {ok:true} to anyone", async () => {
    const res = await call(e, "/healthz", { token: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("Should answer 500 bad_config naming the setting when a setting is invalid, on every route", async () => {
    const bad = testEnv({ POLL_INTERVAL_SECONDS: "four hours" });
    for (const path of ["/healthz", "/api/complaints", "/api/status", "/nope"]) {
      const res = await call(bad, path);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({
        error: { code: "bad_config", message: expect.stringContaining("POLL_INTERVAL_SECONDS"), setting: "POLL_INTERVAL_SECONDS" },
      });
    }
  });

  it("Should never show a secret in a bad_config message", async () => {
    const bad = testEnv({ PAYJS_MERCHANTS: `[{"mchid":"1","key":"SECRET-KEY-123","nmae":"x"}]` });
    const text = await (await call(bad, "/healthz")).text();
    expect(text).toContain("PAYJS_MERCHANTS");
    expect(text).not.toContain("SECRET-KEY-123");
  });
});

describe("authentication", () => {
  it("Should answer 401 with WWW-Authenticate without a token or with a wrong one", async () => {
    for (const token of [null, "wrong", READ_TOKEN + "x", "r"]) {
      const res = await call(e, "/api/complaints", { token });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await json<ErrorBody>(res)).error.code).toBe("unauthorized");
    }
  });

  it("Should not accept a token in the query string", async () => {
    const res = await call(e, `/api/complaints?token=${READ_TOKEN}&access_token=${READ_TOKEN}`, { token: null });
    expect(res.status).toBe(401);
  });

  it("Should answer 503 not_configured when no token is set", async () => {
    const res = await call(testEnv({ API_TOKENS: "", ADMIN_TOKEN: "" }), "/api/complaints");
    expect(res.status).toBe(503);
    expect((await json<ErrorBody>(res)).error.code).toBe("not_configured");
  });

  it("Should let the admin token read and refuse read tokens on admin routes", async () => {
    expect((await call(e, "/api/complaints", { token: ADMIN_TOKEN })).status).toBe(200);
    const res = await call(e, "/api/poll", { method: "POST" });
    expect(res.status).toBe(403);
  });
});

describe("GET /api/complaints", () => {
  it("Should list the complaints newest first with count, total, cursor and updated_at", async () => {
    const res = await call(e, "/api/complaints");
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = await json<ListBody>(res);
    expect(body).toMatchObject({ count: total(), total: total(), next_cursor: null, updated_at: expect.any(String) });
    const times = body.complaints.map((c) => Date.parse(c.complaint_at)).filter((t) => !Number.isNaN(t));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(body.complaints[0]).toEqual(
      expect.objectContaining({ id: expect.any(String), mchid, first_seen_at: expect.any(String), handled: null }),
    );
  });

  it("Should leave raw out of every listed complaint, and list it with include=raw as the detail shows it", async () => {
    const lean = await listed("/api/complaints?limit=500");
    expect(lean).toHaveLength(total());
    expect(lean.filter((c) => "raw" in c)).toEqual([]);
    expect(Object.keys(lean[0]!)).toEqual([
      "id",
      "mchid",
      "complaint_at",
      "out_trade_no",
      "order_id",
      "total_fee",
      "body",
      "first_seen_at",
      "last_seen_at",
      "active",
      "deadlines",
      "next_due",
      "replied",
      "handled",
      "refund",
    ]);
    const full = await listed("/api/complaints?limit=500&include=raw");
    expect(full.map(({ raw, ...rest }) => rest)).toEqual(lean);
    expect(full.map((c) => c.raw).sort(byJson)).toEqual([...fixtures].sort(byJson));
    for (const c of [full[0]!, full.at(-1)!]) {
      expect(await json<DetailBody>(await call(e, `/api/complaints/${encodeURIComponent(c.id)}?mchid=${c.mchid}`))).toEqual({
        complaint: c,
      });
    }
  });

  it("Should page with include=raw, a cursor from a page without raw fitting a page with it", async () => {
    const first = await json<ListBody>(await call(e, "/api/complaints?limit=2"));
    expect(first.next_cursor).toEqual(expect.any(String));
    const cursor = encodeURIComponent(first.next_cursor as string);
    const next = await json<ListBody>(await call(e, `/api/complaints?limit=2&include=raw&cursor=${cursor}`));
    expect(next.complaints).toHaveLength(2);
    expect(next.complaints.every((c) => typeof c.raw === "object" && c.raw !== null)).toBe(true);
    const all = await listed("/api/complaints?limit=4");
    expect(next.complaints.map((c) => c.id)).toEqual(all.slice(2).map((c) => c.id));
  });

  it("Should give the list with raw another ETag than the list without, and never 304 one for the other", async () => {
    const lean = await call(e, "/api/complaints?limit=2");
    const full = await call(e, "/api/complaints?limit=2&include=raw");
    const leanTag = lean.headers.get("etag") as string;
    const fullTag = full.headers.get("etag") as string;
    expect(leanTag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(fullTag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(fullTag).not.toBe(leanTag);
    const asked = await call(e, "/api/complaints?limit=2&include=raw", { headers: { "if-none-match": leanTag } });
    expect(asked.status).toBe(200);
    expect((await json<ListBody>(asked)).complaints.every((c) => "raw" in c)).toBe(true);
    const back = await call(e, "/api/complaints?limit=2", { headers: { "if-none-match": fullTag } });
    expect(back.status).toBe(200);
    expect((await json<ListBody>(back)).complaints.some((c) => "raw" in c)).toBe(false);
    expect((await call(e, "/api/complaints?limit=2&include=raw", { headers: { "if-none-match": fullTag } })).status).toBe(304);
  });

  it("Should page through every complaint exactly once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ListBody = await json(await call(e, `/api/complaints?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`));
      expect(page.total).toBe(total());
      seen.push(...page.complaints.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(total());
    expect(new Set(seen).size).toBe(total());
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=abc", "limit"],
    ["since=2026-99-01", "since"],
    ["until=tomorrow", "until"],
    ["active=maybe", "active"],
    ["handled=maybe", "handled"],
    ["mchid=42", "mchid"],
    ["cursor=garbage", "cursor"],
    ["include=foo", "include"],
    ["include=raw,handled", "include"],
  ])("Should answer 400 naming the parameter for %s", async (qs, parameter) => {
    const res = await call(e, `/api/complaints?${qs}`);
    expect(res.status).toBe(400);
    expect((await json<ErrorBody>(res)).error).toMatchObject({ code: "bad_request", parameter });
  });

  it("Should filter by q, active and mchid", async () => {
    const all = await listed("/api/complaints");
    const word = all[0]!.body.slice(0, 2);
    const byQ = await json<ListBody>(await call(e, `/api/complaints?q=${encodeURIComponent(word)}`));
    expect(byQ.total).toBe(
      all.filter(
        (c) =>
          c.body.toLowerCase().includes(word.toLowerCase()) ||
          c.order_id.includes(word) ||
          c.out_trade_no.includes(word) ||
          c.id.includes(word),
      ).length,
    );
    expect((await json<ListBody>(await call(e, "/api/complaints?active=false"))).total).toBe(0);
    expect((await json<ListBody>(await call(e, "/api/complaints?mchid=1500000002"))).total).toBe(0);
  });

  it("Should carry an ETag, answer If-None-Match with 304, and carry private caching", async () => {
    const first = await call(e, "/api/complaints?limit=2");
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    const again = await call(e, "/api/complaints?limit=2", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.headers.get("cache-control")).toBe("private, no-cache");
    expect(await again.text()).toBe("");
    expect((await call(e, "/api/complaints?limit=2", { headers: { "if-none-match": `W/${etag}` } })).status).toBe(304);
    const other = await call(e, "/api/complaints?limit=3", { headers: { "if-none-match": etag } });
    expect(other.status).toBe(200);
    expect(other.headers.get("etag")).not.toBe(etag);
  });

  it("Should read since/until as Beijing days over HTTP", async () => {
    const all = await listed("/api/complaints");
    const newest = all[0]!.complaint_at;
    const day = newest.slice(0, 10);
    const sameDay = all.filter((c) => c.complaint_at.startsWith(day));
    const body = await json<ListBody>(await call(e, `/api/complaints?since=${day}&until=${day}`));
    expect(body.complaints.map((c) => c.id)).toEqual(sameDay.map((c) => c.id));
    const instant = await listed(`/api/complaints?since=${encodeURIComponent(newest)}`);
    expect(instant.at(-1)?.complaint_at).toBe(newest);
  });

  it("Should answer HEAD like GET without a body", async () => {
    const res = await call(e, "/api/complaints", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toMatch(/^"/);
    expect(await res.text()).toBe("");
  });

  it("Should answer other methods with 405 and Allow", async () => {
    const res = await call(e, "/api/complaints", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect((await json<ErrorBody>(res)).error.code).toBe("method_not_allowed");
  });
});

describe("GET /api/complaints/{id}", () => {
  it("Should answer one complaint with its raw, narrowed by mchid", async () => {
    const first = (await listed("/api/complaints?limit=1&include=raw"))[0]!;
    expect(first.raw).toEqual(expect.objectContaining({ out_trade_no: first.out_trade_no }));
    expect(await json<DetailBody>(await call(e, `/api/complaints/${encodeURIComponent(first.id)}`))).toEqual({ complaint: first });
    expect((await call(e, `/api/complaints/${encodeURIComponent(first.id)}?mchid=1500000002`)).status).toBe(404);
  });

  it("Should answer 304 for a known complaint and never for a missing one", async () => {
    const first = (await listed("/api/complaints?limit=1"))[0]!;
    const res = await call(e, `/api/complaints/${encodeURIComponent(first.id)}`);
    const etag = res.headers.get("etag") as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await call(e, `/api/complaints/${encodeURIComponent(first.id)}`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect((await call(e, "/api/complaints/nope", { headers: { "if-none-match": "*" } })).status).toBe(404);
  });

  it("Should answer 404 for an unknown id or mchid", async () => {
    expect((await call(e, "/api/complaints/nope")).status).toBe(404);
    expect((await call(e, "/api/complaints/nope?mchid=123")).status).toBe(404);
  });
});

describe("GET /api/complaints.csv", () => {
  it("Should give every match as CSV with a BOM and the header row", async () => {
    const res = await call(e, "/api/complaints.csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text.split("\r\n")[0]).toBe(
      "id,mchid,complaint_at,out_trade_no,order_id,total_fee,total_fee_yuan,body,active,first_seen_at,last_seen_at,handled_at,replied_at,reply_by,resolve_by",
    );
    expect(text).not.toMatch(/(^|,)=/m);
  });

  it("Should carry an ETag and answer If-None-Match with 304", async () => {
    const first = await call(e, "/api/complaints.csv");
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    const again = await call(e, "/api/complaints.csv", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    const stale = await call(e, "/api/complaints.csv", { headers: { "if-none-match": '"0123456789abcdef0123456789abcdef"' } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get("etag")).toBe(etag);
  });

  it("Should validate its filters like the list", async () => {
    expect((await call(e, "/api/complaints.csv?since=bad")).status).toBe(400);
  });
});

describe("GET /api/status", () => {
  it("Should show each merchant with the contract's fields", async () => {
    const body = await json<StatusBody>(await call(e, "/api/status"));
    expect(body.merchants).toHaveLength(2);
    expect(body.merchants[0]).toEqual({
      mchid,
      name: null,
      last_attempt_at: expect.any(String),
      last_success_at: expect.any(String),
      next_poll_at: expect.any(String),
      consecutive_failures: 0,
      last_error: null,
      complaints_total: total(),
      complaints_active: total(),
      history: { complaints: 0, parts: 0, oldest_complaint_at: null },
      signature: { result: "verified", scheme: "php-sdk", checked_at: expect.any(String) },
      upgrading: null,
      complaints_unhandled: total(),
      complaints_overdue: expect.any(Number),
      next_due_at: expect.toBeOneOf([null, expect.any(String)]),
      storage_errors: [],
    });
  });
});

describe("POST /api/poll", () => {
  it("Should answer 429 with Retry-After when no merchant is due", async () => {
    const res = await call(e, `/api/poll?mchid=${mchid}`, { method: "POST", token: ADMIN_TOKEN });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(3 * 3600);
  });

  it("Should answer 404 for an unknown mchid", async () => {
    expect((await call(e, "/api/poll?mchid=9", { method: "POST", token: ADMIN_TOKEN })).status).toBe(404);
  });

  it("Should poll a due merchant and report the outcome", async () => {
    await env.COMPLAINTS.delete(statusKey("1500000002"));
    const fresh = testEnv({ PAYJS_MCHID: "1500000002", PAYJS_KEY: "second-key-SECRET" });
    const res = await call(fresh, "/api/poll", { method: "POST", token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ results: [{ mchid: "1500000002", outcome: "ok", new: 0, vanished: 0, error: null }] });
  });

  it("Should answer GET with 405 and Allow: POST", async () => {
    const res = await call(e, "/api/poll", { token: ADMIN_TOKEN });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});

describe("CORS", () => {
  const cors = testEnv({ PAYJS_MCHID: mchid, PAYJS_KEY: key, CORS_ORIGINS: "https://shop.example" });

  it("Should allow a listed origin, preflight included", async () => {
    const res = await call(cors, "/api/complaints", { headers: { origin: "https://shop.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://shop.example");
    const pre = await call(cors, "/api/complaints", {
      method: "OPTIONS",
      token: null,
      headers: {
        origin: "https://shop.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
  });

  it("Should give no CORS header to another origin, preflight included", async () => {
    const res = await call(cors, "/api/complaints", { headers: { origin: "https://evil.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const pre = await call(cors, "/api/complaints", {
      method: "OPTIONS",
      token: null,
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    expect(pre.headers.get("access-control-allow-methods")).toBeNull();
  });

  it("Should allow any origin with *", async () => {
    const everyOrigin = testEnv({ PAYJS_MCHID: mchid, PAYJS_KEY: key, CORS_ORIGINS: "*" });
    const res = await call(everyOrigin, "/api/complaints", { headers: { origin: "https://anything.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("Should give no CORS header at all when CORS_ORIGINS is empty", async () => {
    const res = await call(e, "/api/complaints", { headers: { origin: "https://shop.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

/** What hono's secureHeaders() sets by default, and what it takes away (null). */
const SECURITY_HEADERS: Record<string, string | null> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "SAMEORIGIN",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
  "x-powered-by": null,
};

describe("errors", () => {
  it("Should answer an unknown route with a JSON 404", async () => {
    const res = await call(e, "/api/nope");
    expect(res.status).toBe(404);
    expect((await json<ErrorBody>(res)).error.code).toBe("not_found");
  });

  it("Should carry the security headers on every answer, errors included", async () => {
    const answers = [
      await call(e, "/healthz"),
      await call(e, "/api/complaints"),
      await call(e, "/api/complaints.csv"),
      await call(e, "/api/nope"),
      await call(e, "/api/complaints?limit=0"),
      await call(e, "/api/complaints", { token: null }),
      await call(e, "/api/poll"),
    ];
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 404, 400, 401, 405]);
    for (const res of answers) {
      const names = Object.keys(SECURITY_HEADERS);
      expect(Object.fromEntries(names.map((name) => [name, res.headers.get(name)]))).toEqual(SECURITY_HEADERS);
    }
  });

  it("Should never put a merchant key in any answer", async () => {
    for (const path of ["/api/complaints", "/api/status", "/api/complaints.csv", "/healthz"]) {
      const text = await (await call(e, path, { token: ADMIN_TOKEN })).text();
      expect(text).not.toContain(key);
      expect(text).not.toContain("second-key-SECRET");
      expect(text).not.toContain(READ_TOKEN);
      expect(text).not.toContain(ADMIN_TOKEN);
    }
  });
});

describe("since/until that name no real instant", () => {
  it.each([
    ["since=2026-02-30T10:00:00Z", "since"],
    ["until=2026-11-08T24:00:00%2B08:00", "until"],
    ["since=2026-11-08T23:60Z", "since"],
    ["until=2026-02-30", "until"],
  ])("Should answer 400 naming the parameter for %s, on the list and the CSV", async (qs, parameter) => {
    for (const path of ["/api/complaints", "/api/complaints.csv"]) {
      const res = await call(e, `${path}?${qs}`);
      expect(res.status).toBe(400);
      expect((await json<ErrorBody>(res)).error).toMatchObject({ code: "bad_request", parameter });
    }
  });

  it("Should keep answering real instants with an offset or Z", async () => {
    for (const qs of ["since=2026-11-08T01:13:29%2B08:00", "until=2026-11-07T17:13:29Z", "since=2026-11-08"]) {
      expect((await call(e, `/api/complaints?${qs}`)).status).toBe(200);
      expect((await call(e, `/api/complaints.csv?${qs}`)).status).toBe(200);
    }
  });
});

describe("a webhook's complaint", () => {
  it("Should keep raw, as the detail shows it, while the list leaves it out", async () => {
    const shop = { mchid: "1500000009", key: "hook-shop-key" };
    const item = {
      complaint_id: "HOOK-1",
      complaint_at: "2026-11-27 10:00:00",
      out_trade_no: "T-HOOK-1",
      order_id: "O-HOOK-1",
      total_fee: 990,
      body: "新投诉",
      refund_status: "PROCESSING",
    };
    const shopSandbox = new PayjsSandbox([shop]);
    shopSandbox.setComplaints(shop.mchid, [item]);
    const receiver = new Receiver();
    routeFetch(shopSandbox, receiver);
    const hooked = testEnv({
      PAYJS_MCHID: shop.mchid,
      PAYJS_KEY: shop.key,
      NOTIFY_CHANNELS: JSON.stringify([{ type: "webhook", url: "https://hooks.test/in" }]),
    });
    await fireCron(hooked, Date.now());
    const hooks = receiver.to(/hooks\.test/).map((r) => JSON.parse(r.body));
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ event: "complaint.new", complaint: { id: "HOOK-1", mchid: shop.mchid, raw: item } });
    const detail = (await json<DetailBody>(await call(hooked, "/api/complaints/HOOK-1"))).complaint;
    expect(detail.raw).toEqual(item);
    const { raw, ...lean } = detail;
    expect((await json<ListBody>(await call(hooked, "/api/complaints"))).complaints).toEqual([lean]);
  });
});
