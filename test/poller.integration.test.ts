/**
 * The cron path end to end inside workerd: sandbox upstream → poller → real local KV → HTTP.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import { parseJson } from "../src/json";
import { signParams } from "../src/payjs/sign";
import { presentKey, statusKey } from "../src/store";
import { call, clearKv, fireCron, kv, routeUpstreamTo, testEnv } from "./support/worker";

const H = 3_600_000;
const { mchid, key } = SANDBOX_MERCHANT;
let sandbox: PayjsSandbox;
let t0: number;

function merchantEnv(vars: Record<string, string> = {}) {
  return testEnv({ PAYJS_MCHID: mchid, PAYJS_KEY: key, ...vars });
}

async function status(e = merchantEnv()) {
  const body = (await (await call(e, "/api/status")).json()) as { merchants: Record<string, unknown>[] };
  return body.merchants[0] as Record<string, any>;
}

async function stored(): Promise<string | null> {
  return env.COMPLAINTS.get(presentKey(mchid));
}

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT, { mchid: "1500000002", key: "second-key" }]);
  sandbox.setComplaints(mchid, fixtureComplaints(mchid));
  routeUpstreamTo(sandbox);
  t0 = Date.now();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("a cron tick", () => {
  it("Should store every upstream complaint on the first poll and serve it", async () => {
    const e = merchantEnv();
    await fireCron(e, t0);
    // Nothing JSON.parse would lose: the value says so, and its readers skip the checks.
    expect(await stored()).toMatch(/^\{"format":3,"rev":"[^"]*","plain":true,/);
    const body = (await (await call(e, "/api/complaints?limit=500")).json()) as any;
    expect(body.total).toBe(fixtureComplaints(mchid).length);
    expect(body.complaints.every((c: any) => c.active && c.mchid === mchid)).toBe(true);
    const s = await status(e);
    expect(s).toMatchObject({ last_error: null, consecutive_failures: 0, complaints_total: body.total });
    expect(Date.parse(s.next_poll_at) - Date.parse(s.last_success_at)).toBe(4 * H);
  });

  it("Should not call upstream or write anything while the merchant is not due", async () => {
    await fireCron(merchantEnv(), t0);
    kv.resetCounts();
    const e = merchantEnv({});
    const calls = sandbox.requests.length;
    await fireCron(e, t0 + 30 * 60_000);
    await fireCron(e, t0 + 4 * H - 61_000);
    expect(sandbox.requests.length).toBe(calls);
    expect(kv.writes).toEqual([]);
  });

  it("Should poll again once the interval has passed, within a minute of jitter", async () => {
    await fireCron(merchantEnv(), t0);
    await fireCron(merchantEnv(), t0 + 4 * H - 60_000);
    expect(sandbox.requests).toHaveLength(2);
  });

  it("Should write only the status when nothing changed, and 2 values when one complaint is new", async () => {
    await fireCron(merchantEnv(), t0);
    kv.resetCounts();
    const e = merchantEnv();
    await fireCron(e, t0 + 4 * H);
    expect(kv.writes).toEqual([statusKey(mchid)]);
    sandbox.addComplaint(mchid, {
      complaint_id: "NEW-1",
      complaint_at: "2026-11-27 10:00:00",
      order_id: "O",
      out_trade_no: "T",
      total_fee: 100,
      body: "新投诉",
    });
    kv.writes = [];
    await fireCron(e, t0 + 8 * H);
    expect(kv.writes.sort()).toEqual([presentKey(mchid), statusKey(mchid)].sort());
  });

  it("Should follow the merchant's list as it changes: new, vanished, back again", async () => {
    const e = merchantEnv();
    await fireCron(e, t0);
    const first = fixtureComplaints(mchid)[0] as Record<string, unknown>;
    sandbox.removeComplaint(mchid, first.complaint_id as string);
    await fireCron(e, t0 + 4 * H);
    let c = (await (await call(e, `/api/complaints/${first.complaint_id}`)).json()) as any;
    expect(c.complaint).toMatchObject({ active: false, last_seen_at: new Date(t0).toISOString() });
    const inactive = (await (await call(e, "/api/complaints?active=false")).json()) as any;
    expect(inactive.complaints.map((x: any) => x.id)).toEqual([first.complaint_id]);

    sandbox.addComplaint(mchid, first);
    await fireCron(e, t0 + 8 * H);
    c = (await (await call(e, `/api/complaints/${first.complaint_id}`)).json()) as any;
    expect(c.complaint).toMatchObject({
      active: true,
      first_seen_at: new Date(t0).toISOString(),
      last_seen_at: new Date(t0 + 8 * H).toISOString(),
    });
  });
});

describe("an upstream failure", () => {
  const cases: [string, string, boolean][] = [
    ["timeout", "timeout", true],
    ["http_500_html", "http_status", true],
    ["http_502", "http_status", true],
    ["http_429", "http_status", true],
    ["http_404", "http_status", false],
    ["html_200", "not_json", true],
    ["not_json", "not_json", true],
    ["truncated_json", "not_json", true],
    ["empty_object", "upstream_error", false],
    ["return_code_0", "upstream_error", false],
    ["return_code_0_msg_only", "upstream_error", false],
    ["bad_sign", "bad_signature", false],
    ["unsigned", "unsigned", false],
  ];

  it.each(cases)("Should leave stored complaints untouched and record %s as %s", async (mode, code, transient) => {
    const e = merchantEnv({ UPSTREAM_TIMEOUT_MS: "200" });
    await fireCron(e, t0);
    const before = await stored();
    sandbox.setMode(mode as never);
    await fireCron(e, t0 + 4 * H);
    expect(await stored()).toBe(before);
    const s = await status(e);
    expect(s.last_error).toMatchObject({ code, at: new Date(t0 + 4 * H).toISOString() });
    expect(s.last_error.message).not.toContain(key);
    expect(s.consecutive_failures).toBe(1);
    expect(s.last_success_at).toBe(new Date(t0).toISOString());
    const wait = Date.parse(((await env.COMPLAINTS.get(statusKey(mchid), "json")) as any).state.next_poll_at) - (t0 + 4 * H);
    expect(wait).toBe(transient ? 0.5 * H : 4 * H);

    sandbox.setMode("ok");
    await fireCron(e, t0 + 8 * H);
    expect((await status(e)).last_error).toBeNull();
  });

  it("Should poll again within 30 minutes when PAYJS refuses for being asked too often (频繁), not in 4 hours", async () => {
    const e = merchantEnv();
    sandbox.setMode("return_code_0", { returnMsg: "请求过于频繁，请4小时后再试", times: 1 });
    await fireCron(e, t0);
    const s = await status(e);
    expect(s.last_error).toMatchObject({ code: "upstream_error", message: "PAYJS refused: 请求过于频繁，请4小时后再试" });
    const next = Date.parse(((await env.COMPLAINTS.get(statusKey(mchid), "json")) as any).state.next_poll_at);
    expect(next - t0).toBe(0.5 * H);
    await fireCron(e, t0 + 0.5 * H);
    expect((await status(e)).last_error).toBeNull();
  });

  it("Should record a refused connection as network, transient", async () => {
    const e = merchantEnv();
    await fireCron(e, t0);
    const before = await stored();
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("fetch failed: connection refused"));
    await fireCron(e, t0 + 4 * H);
    expect(await stored()).toBe(before);
    expect((await status(e)).last_error).toMatchObject({ code: "network" });
  });

  it("Should record a signed answer whose complaints are no list as bad_shape", async () => {
    const e = merchantEnv();
    await fireCron(e, t0);
    const before = await stored();
    const payload = { return_code: 1, return_msg: "SUCCESS", complaints: 42 };
    vi.spyOn(globalThis, "fetch").mockResolvedValue(Response.json({ ...payload, sign: signParams(payload, key) }));
    await fireCron(e, t0 + 4 * H);
    expect(await stored()).toBe(before);
    expect((await status(e)).last_error).toMatchObject({ code: "bad_shape" });
  });

  it("Should keep PAYJS's own message for return_code 0", async () => {
    sandbox.setMode("return_code_0_msg_only");
    await fireCron(merchantEnv(), t0);
    expect((await status()).last_error.message).toMatch(/PAYJS refused: .+/);
  });

  it("Should accept an unsigned answer only when ALLOW_UNSIGNED_RESPONSES is true", async () => {
    sandbox.setMode("unsigned");
    const e = merchantEnv({ ALLOW_UNSIGNED_RESPONSES: "true" });
    await fireCron(e, t0);
    expect((await status(e)).complaints_total).toBe(fixtureComplaints(mchid).length);
  });

  it("Should back off 30 min, 1 h, 2 h after transient failures in a row", async () => {
    sandbox.setMode("http_502");
    const e = merchantEnv();
    const waits: number[] = [];
    let now = t0;
    for (let i = 0; i < 3; i++) {
      await fireCron(e, now);
      const next = Date.parse(((await env.COMPLAINTS.get(statusKey(mchid), "json")) as any).state.next_poll_at);
      waits.push(next - now);
      now = next;
    }
    expect(waits).toEqual([0.5 * H, H, 2 * H]);
    expect(sandbox.requests).toHaveLength(3);
  });
});

describe("logs", () => {
  it("Should log one JSON line per poll, with no key, token or complaint text in any line", async () => {
    const lines: string[] = [];
    const record = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
    vi.spyOn(console, "log").mockImplementation(record);
    vi.spyOn(console, "error").mockImplementation(record);
    vi.spyOn(console, "warn").mockImplementation(record);
    const e = merchantEnv({ UPSTREAM_TIMEOUT_MS: "100" });
    let now = t0;
    for (const mode of ["ok", "timeout", "bad_sign", "return_code_0", "http_500_html", "unsigned"] as const) {
      sandbox.setMode(mode);
      await fireCron(e, now);
      now += 5 * H;
    }
    await fireCron(testEnv({ PAYJS_MCHID: mchid, PAYJS_KEY: key, POLL_INTERVAL_SECONDS: "x" }), now);
    const polls = lines.map((l) => JSON.parse(l)).filter((l) => l.event === "poll");
    expect(polls.map((p) => p.error)).toEqual([null, "timeout", "bad_signature", "upstream_error", "http_status", "unsigned"]);
    expect(polls[0]).toMatchObject({ mchid, outcome: "ok", new: fixtureComplaints(mchid).length, ms: expect.any(Number) });
    expect(lines.some((l) => l.includes("bad_config") && l.includes("POLL_INTERVAL_SECONDS"))).toBe(true);
    const text = lines.join("\n");
    for (const secret of [key, "read-token-for-tests", "admin-token-for-tests", String(fixtureComplaints(mchid)[0]?.body)]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe("every answer", () => {
  it("Should diff every answer, write only the status when nothing changed, and say when its sign was checked", async () => {
    const e = merchantEnv();
    await fireCron(e, t0);
    expect((await status(e)).signature).toEqual({ result: "verified", scheme: "php-sdk", checked_at: new Date(t0).toISOString() });
    kv.resetCounts();
    await fireCron(e, t0 + 4 * H);
    expect(kv.writes).toEqual([statusKey(mchid)]);
    expect((await status(e)).signature).toMatchObject({ checked_at: new Date(t0 + 4 * H).toISOString() });
  });
});

describe("a huge answer", () => {
  it("Should store 10,000 complaints (about 5 MB) in one poll, keep them through a failure, and recover", async () => {
    const e = merchantEnv();
    sandbox.setMode("huge", { count: 10_000 });
    await fireCron(e, t0);
    expect((await status(e)).complaints_total).toBe(10_000);
    const before = (await stored()) as string;
    // PAYJS's records kept as they came, and little else: about the size of the answer.
    const records = JSON.stringify(JSON.parse(before).complaints);
    expect(records.length).toBeGreaterThan(2_500_000);
    expect(before.length / records.length).toBeLessThan(1.15);
    sandbox.setMode("bad_sign");
    await fireCron(e, t0 + 4 * H);
    expect(await stored()).toBe(before);
    expect((await status(e)).last_error).toMatchObject({ code: "bad_signature" });
    sandbox.setMode("huge", { count: 10_000 });
    await fireCron(e, t0 + 8 * H);
    expect(await status(e)).toMatchObject({ last_error: null, complaints_total: 10_000, complaints_active: 10_000 });
  });
});

describe("complaints in every shape", () => {
  it.each(["array", "object", "json_string"] as const)("Should read complaints sent as %s", async (shape) => {
    sandbox.setShape(shape);
    await fireCron(merchantEnv(), t0);
    expect((await status()).complaints_total).toBe(fixtureComplaints(mchid).length);
  });

  it.each(["empty_string", "null", "absent"] as const)("Should read %s as no complaints", async (shape) => {
    sandbox.setShape(shape);
    await fireCron(merchantEnv(), t0);
    expect(await status()).toMatchObject({ complaints_total: 0, last_error: null });
  });
});

describe("several merchants", () => {
  it("Should have at most 4 upstream calls open at once", async () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ mchid: `15000001${i}`, key: `k${i}` }));
    const wide = new PayjsSandbox(many);
    let open = 0;
    let most = 0;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      open++;
      most = Math.max(most, open);
      await new Promise((r) => setTimeout(r, 20));
      try {
        return await wide.fetch(new Request(input, init));
      } finally {
        open--;
      }
    });
    await fireCron(testEnv({ PAYJS_MERCHANTS: JSON.stringify(many) }), t0);
    expect(wide.requests).toHaveLength(7);
    expect(most).toBe(4);
  });

  it("Should poll each independently: one failing does not stop the other", async () => {
    const e = testEnv({
      PAYJS_MERCHANTS: JSON.stringify([
        { mchid, key, name: "店铺一" },
        { mchid: "1500000002", key: "wrong-key" },
      ]),
    });
    await fireCron(e, t0);
    const body = (await (await call(e, "/api/status")).json()) as any;
    expect(body.merchants[0]).toMatchObject({ mchid, name: "店铺一", last_error: null });
    expect(body.merchants[1]).toMatchObject({ mchid: "1500000002", last_error: { code: "upstream_error" } });
  });
});

describe("stored values that cannot be read", () => {
  it("Should report a corrupt value in the status, set it aside, and rebuild on the next poll, saying so", async () => {
    const e = merchantEnv();
    await env.COMPLAINTS.put(presentKey(mchid), "{not json");
    const s = await status(e);
    expect(s.storage_errors).toEqual([expect.objectContaining({ code: "storage_corrupt" })]);
    expect((await call(e, "/api/complaints")).status).toBe(200);

    await fireCron(e, t0);
    const { keys } = await env.COMPLAINTS.list({ prefix: "corrupt:" });
    expect(keys).toHaveLength(1);
    expect(await env.COMPLAINTS.get((keys[0] as { name: string }).name)).toBe("{not json");
    expect(await status(e)).toMatchObject({
      storage_errors: [expect.objectContaining({ code: "storage_rebuilt", at: new Date(t0).toISOString() })],
      complaints_total: fixtureComplaints(mchid).length,
    });
  });

  it("Should set a value with one damaged record aside and rebuild it from PAYJS's answer, silently, saying so in the status", async () => {
    const e = merchantEnv();
    await fireCron(e, t0);
    const first = fixtureComplaints(mchid)[0] as Record<string, unknown>;
    sandbox.removeComplaint(mchid, first.complaint_id as string);
    await fireCron(e, t0 + 4 * H);
    const value = JSON.parse((await stored()) as string);
    value.complaints.push({ id: 42, garbage: true });
    const damaged = JSON.stringify(value);
    await env.COMPLAINTS.put(presentKey(mchid), damaged);

    expect((await status(e)).storage_errors).toEqual([expect.objectContaining({ code: "storage_corrupt" })]);
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    await fireCron(e, t0 + 8 * H);
    const polls = lines.map((l) => JSON.parse(l)).filter((l) => l.event === "poll");
    expect(polls).toContainEqual(expect.objectContaining({ outcome: "rebuilt" }));
    expect(polls.at(-1)).toMatchObject({ outcome: "ok", new: 0 });
    const { keys } = await env.COMPLAINTS.list({ prefix: "corrupt:" });
    expect(keys.map((k) => k.name)).toEqual([`corrupt:${presentKey(mchid)}:${t0 + 8 * H}`]);
    expect(await env.COMPLAINTS.get(`corrupt:${presentKey(mchid)}:${t0 + 8 * H}`)).toBe(damaged);
    // What PAYJS no longer lists is lost with the damaged value (kept aside); what it lists is first seen now.
    const after = await status(e);
    expect(after).toMatchObject({ complaints_total: fixtureComplaints(mchid).length - 1, last_error: null });
    expect(after.storage_errors).toEqual([expect.objectContaining({ code: "storage_rebuilt", at: new Date(t0 + 8 * H).toISOString() })]);
    expect((await call(e, `/api/complaints/${first.complaint_id}`)).status).toBe(404);
  });

  it("Should not overwrite a value from a newer layout", async () => {
    const newer = JSON.stringify({ format: 99, complaints: [] });
    await env.COMPLAINTS.put(presentKey(mchid), newer);
    await fireCron(merchantEnv(), t0);
    expect(await stored()).toBe(newer);
    expect((await status()).last_error).toMatchObject({ code: "storage_format" });
  });

  it("Should log and survive a tick whose KV reads fail, then poll on the next", async () => {
    kv.resetCounts();
    kv.failGetsMatching = /^status:/;
    const e = merchantEnv();
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    await fireCron(e, t0);
    expect(sandbox.requests).toHaveLength(0);
    expect(lines.map((l) => JSON.parse(l))).toContainEqual(expect.objectContaining({ event: "tick", outcome: "error", error: "storage" }));
    kv.failGetsMatching = null;
    await fireCron(e, t0 + 60_000);
    expect((await status(e)).complaints_total).toBe(fixtureComplaints(mchid).length);
  });

  it("Should change nothing when KV refuses the complaints write, and repair on the next tick", async () => {
    kv.resetCounts();
    kv.failPutsMatching = /^present:/;
    const e = merchantEnv();
    await fireCron(e, t0);
    expect(await stored()).toBeNull();
    expect((await status(e)).last_error).toMatchObject({ code: "storage" });
    kv.failPutsMatching = null;
    await fireCron(e, t0 + 0.5 * H);
    expect((await status(e)).complaints_total).toBe(fixtureComplaints(mchid).length);
  });
});

describe("answers PAYJS may send", () => {
  it("Should keep two complaints on one order in one second, and both copies of a repeated record, and log the repeat", async () => {
    const base = { order_id: "O-SAME", out_trade_no: "T-SAME", complaint_at: "2026-11-27 10:00:00", total_fee: 100 };
    const first = { ...base, body: "第一条" };
    const second = { ...base, body: "第二条" };
    sandbox.setComplaints(mchid, [first, second, first]);
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(String(line)));
    const e = merchantEnv();
    await fireCron(e, t0);
    const body = (await (await call(e, "/api/complaints")).json()) as any;
    expect(body.total).toBe(3);
    expect(body.complaints.map((c: any) => c.body).sort()).toEqual(["第一条", "第一条", "第二条"]);
    const ids = body.complaints.map((c: any) => c.id);
    expect(new Set(ids).size).toBe(3);
    const repeat = lines.map((l) => JSON.parse(l)).find((l) => l.outcome === "repeated_ids");
    expect(repeat).toMatchObject({ mchid, repeated: 1 });
    expect(ids).toContain(`${repeat.ids}~2`);
    // The same answer again gives the same ids: nothing new, nothing vanished.
    await fireCron(e, t0 + 4 * H);
    expect((await status(e)).complaints_active).toBe(3);
    expect(((await (await call(e, "/api/complaints")).json()) as any).complaints.map((c: any) => c.id).sort()).toEqual([...ids].sort());
  });

  it("Should keep a complaint_id beyond 2^53 digit for digit, from PAYJS through KV to the API", async () => {
    sandbox.setComplaints(mchid, []);
    const e = merchantEnv();
    await fireCron(e, t0);
    // The sandbox signs and prints the number as its digits, as PHP would.
    const item = parseJson(
      '{"complaint_id":9007199254740993,"order_id":"O","complaint_at":"2026-11-27 10:00:00","total_fee":100,"body":"大数"}',
    );
    sandbox.setComplaints(mchid, [item as Record<string, unknown>]);
    await fireCron(e, t0 + 4 * H);
    expect((await status(e)).last_error).toBeNull();
    expect(await stored()).not.toContain('"plain":true');
    const text = await (await call(e, "/api/complaints/9007199254740993")).text();
    expect(text).toContain('"id":"9007199254740993"');
    expect(text).toContain('"complaint_id":9007199254740993');
    // A later poll reads the list back with the checks, and keeps the digits through another write.
    sandbox.addComplaint(mchid, { complaint_id: "C-LATER", complaint_at: "2026-11-27 11:00:00", total_fee: 1, body: "后来" });
    await fireCron(e, t0 + 8 * H);
    expect(await stored()).toContain('"complaint_id":9007199254740993');
    expect(await stored()).not.toContain('"plain":true');
  });
});
