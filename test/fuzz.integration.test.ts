/**
 * Bad input on every route, generated: methods, paths, query strings, headers and bodies. Every answer is a
 * contracted status with a JSON error (never a 500, never a stack trace), and nothing a client sends can
 * make the Worker show a secret.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import { Receiver, routeFetch } from "./support/receiver";
import { ADMIN_TOKEN, call, clearKv, fireCron, READ_TOKEN, testEnv } from "./support/worker";

const { mchid, key } = SANDBOX_MERCHANT;
const HOOK = "https://hooks.test/in?token=HOOK-SECRET-TOKEN";
const env = testEnv({
  PAYJS_MCHID: mchid,
  PAYJS_KEY: key,
  CORS_ORIGINS: "https://shop.example",
  NOTIFY_CHANNELS: JSON.stringify([{ type: "webhook", name: "hook", url: HOOK }]),
});
const CONTRACTED = new Set([200, 204, 304, 400, 401, 403, 404, 405, 429, 503]);
const SECRETS = [key, READ_TOKEN, ADMIN_TOKEN, "HOOK-SECRET-TOKEN"];

const segment = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("..", "%2e%2e", "%00", "%ZZ", "complaints", "status", "poll", "💥", "a/b"),
);
const path = fc.oneof(
  fc.constantFrom(
    "/",
    "/healthz",
    "/api",
    "/api/",
    "/api/complaints",
    "/api/complaints.csv",
    "/api/status",
    "/api/poll",
    "/api/notify/test",
  ),
  segment.map((s) => `/api/complaints/${encodeURIComponent(s)}`),
  segment.map((s) => `/api/${encodeURIComponent(s)}`),
  segment.map((s) => `/${encodeURIComponent(s)}`),
);
const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom("", "0", "-1", "501", "1e3", "true", "TRUE", "2026-02-30", "2026-11-08", "2026-11-08T00:00:00Z", "null", "%", "*", mchid),
);
const query = fc.array(
  fc.tuple(fc.constantFrom("mchid", "since", "until", "active", "q", "limit", "cursor", "channel", "token", "x"), value),
  {
    maxLength: 5,
  },
);
const auth = fc.constantFrom<string | null>(null, READ_TOKEN, ADMIN_TOKEN, "wrong", "", "Bearer", `${READ_TOKEN} extra`);
const request = fc.record({
  method: fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"),
  path,
  query,
  auth,
  ifNoneMatch: fc.option(fc.oneof(fc.constantFrom("*", '"x"', "W/*"), fc.string({ maxLength: 20 })), { nil: undefined }),
  origin: fc.option(fc.constantFrom("https://shop.example", "https://evil.example", "null"), { nil: undefined }),
  body: fc.option(fc.string({ maxLength: 50 }), { nil: undefined }),
});

let receiver: Receiver;

beforeAll(async () => {
  await clearKv();
  const sandbox = new PayjsSandbox([SANDBOX_MERCHANT]);
  sandbox.setComplaints(mchid, fixtureComplaints(mchid));
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
  await fireCron(env, Date.now());
});
afterAll(() => vi.restoreAllMocks());

describe("any request", () => {
  it("Should get a contracted status, a JSON error when it fails, and no secret or stack trace", async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const qs = new URLSearchParams(r.query).toString();
        const headers: Record<string, string> = {};
        if (r.ifNoneMatch !== undefined) headers["if-none-match"] = r.ifNoneMatch;
        if (r.origin !== undefined) headers.origin = r.origin;
        if (r.auth !== null) headers.authorization = r.auth.startsWith("Bearer") ? r.auth : `Bearer ${r.auth}`;
        const withBody = r.body !== undefined && !["GET", "HEAD"].includes(r.method);
        const res = await call(env, `${r.path}${qs ? `?${qs}` : ""}`, {
          method: r.method,
          token: null,
          headers,
          body: withBody ? r.body : undefined,
        });
        tried++;
        expect(CONTRACTED, `${r.method} ${r.path}?${qs} → ${res.status}`).toContain(res.status);
        const text = await res.text();
        if (res.status >= 400 && r.method !== "HEAD") {
          const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
          expect(typeof body.error?.code).toBe("string");
          expect(typeof body.error?.message).toBe("string");
        }
        expect(text).not.toMatch(/\n\s+at |Error: /);
        const headerText = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
        for (const secret of SECRETS) {
          expect(text).not.toContain(secret);
          expect(headerText).not.toContain(secret);
        }
      }),
      { numRuns: 400 },
    );
    expect(tried).toBe(400);
    // A test message may reach the receiver; its URL is the configured one, and no answer showed it.
    for (const r of receiver.received) expect(r.url).toBe(HOOK);
  });
});
