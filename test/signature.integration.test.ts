/**
 * The answer's `sign` under each `RESPONSE_SIGNATURE` and each way the sandbox can sign: what is stored,
 * what `/api/status` says, what is alerted and what the poll log says.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT, SANDBOX_MERCHANT_2, type SandboxMode } from "../sandbox/payjs-sandbox";
import type { MerchantStatusEntry } from "../src/domain/status";
import type { ErrorBody, StatusBody } from "./support/api";
import { Receiver, routeFetch } from "./support/receiver";
import { call, clearKv, fireCron, testEnv } from "./support/worker";

const H = 3_600_000;
let sandbox: PayjsSandbox;
let receiver: Receiver;
let lines: Record<string, unknown>[];
let t0: number;

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT, SANDBOX_MERCHANT_2]);
  for (const m of [SANDBOX_MERCHANT, SANDBOX_MERCHANT_2]) sandbox.setComplaints(m.mchid, fixtureComplaints(m.mchid).slice(0, 3));
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
  lines = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(JSON.parse(String(line))));
  t0 = Date.now();
});
afterEach(() => vi.restoreAllMocks());

function merchantEnv(merchant: { mchid: string; key: string }, policy: string | null) {
  return testEnv({
    PAYJS_MCHID: merchant.mchid,
    PAYJS_KEY: merchant.key,
    NOTIFY_CHANNELS: JSON.stringify([{ type: "webhook", url: "https://hooks.test/in" }]),
    ...(policy === null ? {} : { RESPONSE_SIGNATURE: policy }),
  });
}

async function statusOf(e: ReturnType<typeof merchantEnv>): Promise<MerchantStatusEntry> {
  return ((await (await call(e, "/api/status")).json()) as StatusBody).merchants[0] as MerchantStatusEntry;
}

type Expect = { stored: boolean; result: string; scheme: string | null; error: string | null };
const verified = (scheme: string): Expect => ({ stored: true, result: "verified", scheme, error: null });
const accepted = (result: string): Expect => ({ stored: true, result, scheme: null, error: null });
const refused = (result: string, error: string): Expect => ({ stored: false, result, scheme: null, error });

const M1 = SANDBOX_MERCHANT;
const M2 = SANDBOX_MERCHANT_2;
const cases: [SandboxMode, typeof M1 | typeof M2, string, Expect][] = [
  ["sign_php_sdk", M1, "strict", verified("php-sdk")],
  ["sign_php_sdk", M2, "strict", verified("php-sdk")],
  ["sign_raw_key", M2, "strict", verified("raw-key")],
  // With a key that URL-decoding leaves alone, the two schemes sign alike: the first in order is named.
  ["sign_raw_key", M1, "strict", verified("php-sdk")],
  ["mismatch", M1, "strict", refused("mismatch", "bad_signature")],
  ["mismatch", M1, "if_present", refused("mismatch", "bad_signature")],
  ["mismatch", M1, "report", accepted("mismatch")],
  ["bad_sign", M2, "report", accepted("mismatch")],
  ["unsigned", M1, "strict", refused("absent", "unsigned")],
  ["unsigned", M1, "if_present", accepted("absent")],
  ["unsigned", M1, "report", accepted("absent")],
];

describe("RESPONSE_SIGNATURE", () => {
  it.each(cases)(
    "Should, for an answer in mode %s (merchant %o) under %s, store, report and alert as expected",
    async (mode, merchant, policy, want) => {
      sandbox.setMode(mode);
      const e = merchantEnv(merchant, policy);
      await fireCron(e, t0);
      const s = await statusOf(e);
      expect(s.signature).toEqual({
        result: want.result,
        scheme: want.scheme,
        checked_at: want.result === null ? null : new Date(t0).toISOString(),
      });
      expect(s.last_error?.code ?? null).toBe(want.error);
      expect(s.complaints_total).toBe(want.stored ? 3 : 0);
      expect(receiver.to(/hooks\.test/)).toHaveLength(want.stored ? 3 : 0);
      const poll = lines.find((l) => l.event === "poll" && l.mchid === merchant.mchid);
      expect(poll).toMatchObject({ outcome: want.stored ? "ok" : "error", signature: want.result });
      expect(JSON.stringify(lines)).not.toContain(merchant.key);
    },
  );

  it("Should take ALLOW_UNSIGNED_RESPONSES=true as if_present", async () => {
    sandbox.setMode("unsigned");
    const e = testEnv({ PAYJS_MCHID: M1.mchid, PAYJS_KEY: M1.key, ALLOW_UNSIGNED_RESPONSES: "true" });
    await fireCron(e, t0);
    expect(await statusOf(e)).toMatchObject({ complaints_total: 3, last_error: null, signature: { result: "absent", scheme: null } });
  });

  it("Should answer bad_config naming RESPONSE_SIGNATURE for an unknown value", async () => {
    const res = await call(merchantEnv(M1, "lenient"), "/healthz");
    expect(res.status).toBe(500);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: "bad_config", setting: "RESPONSE_SIGNATURE" });
  });

  it("Should log the signature once when it changes, not on every poll", async () => {
    const e = merchantEnv(M2, "strict");
    await fireCron(e, t0);
    await fireCron(e, t0 + 4 * H);
    sandbox.setMode("sign_raw_key");
    await fireCron(e, t0 + 8 * H);
    await fireCron(e, t0 + 12 * H);
    const changes = lines.filter((l) => l.event === "signature");
    expect(changes).toEqual([
      expect.objectContaining({ mchid: M2.mchid, result: "verified", scheme: "php-sdk", before: null }),
      expect.objectContaining({ mchid: M2.mchid, result: "verified", scheme: "raw-key", before_scheme: "php-sdk" }),
    ]);
    expect(await statusOf(e)).toMatchObject({ signature: { result: "verified", scheme: "raw-key" } });
  });

  it("Should keep the last answer's signature through a failure that brought no answer to check", async () => {
    const e = merchantEnv(M1, "report");
    sandbox.setMode("mismatch");
    await fireCron(e, t0);
    sandbox.setMode("http_502");
    await fireCron(e, t0 + 4 * H);
    expect(await statusOf(e)).toMatchObject({ last_error: { code: "http_status" }, signature: { result: "mismatch", scheme: null } });
    expect(await env.COMPLAINTS.get(`present:${M1.mchid}`)).not.toBeNull();
  });
});
