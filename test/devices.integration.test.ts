/**
 * Devices, sign-in codes, view links and the viewer, through the real Worker's fetch() and scheduled() inside workerd,
 * with KV held to production's rules and alerts going to a local receiver.
 */
import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import type { WorkerEnv } from "../src/env";
import { ProductionKv } from "./support/production-kv";
import { Receiver, routeFetch } from "./support/receiver";
import { ADMIN_TOKEN, alertEnv, call, clearKv, fireCron, kv, NO_DEADLINES, READ_TOKEN } from "./support/worker";

const { mchid } = SANDBOX_MERCHANT;
const PUBLIC_URL = "https://watch.example";
const CHANNELS = [
  { type: "webhook", name: "hook", url: "https://hooks.test/in" },
  { type: "wecom", url: "https://wecom.test/cgi-bin/webhook/send?key=WECOM-KEY-SECRET" },
];
const e: WorkerEnv = alertEnv(CHANNELS, NO_DEADLINES);
let sandbox: PayjsSandbox;
let receiver: Receiver;

interface Made {
  id: string;
  code: string;
  expires_at: string;
  url: string;
}
interface Claimed {
  token: string;
  device: { id: string; name: string; role: string; created_at: string };
}

const post = (path: string, body: unknown, token: string | null = ADMIN_TOKEN, target = e) =>
  call(target, path, { method: "POST", token, body: JSON.stringify(body), headers: { "content-type": "application/json" } });

async function makeDevice(name = "店长手机", role = "read"): Promise<Made> {
  const res = await post("/api/devices", { name, role });
  expect(res.status).toBe(201);
  return res.json<Made>();
}

async function claim(code: string, target = e): Promise<Response> {
  return post("/api/devices/claim", { code }, null, target);
}

async function signedIn(name = "店长手机", role = "read"): Promise<Claimed> {
  const { code } = await makeDevice(name, role);
  const res = await claim(code);
  expect(res.status).toBe(200);
  return res.json<Claimed>();
}

/** A request with `Authorization: View <key>`. */
const viewing = (path: string, key: string, init: RequestInit = {}) =>
  call(e, path, { ...init, token: null, headers: { ...(init.headers as Record<string, string>), authorization: `View ${key}` } });

/** Every value KV holds, as text. */
async function everything(): Promise<string> {
  const { keys } = await env.COMPLAINTS.list();
  const values = await Promise.all(keys.map(async (k) => `${k.name}=${await env.COMPLAINTS.get(k.name)}`));
  return values.join("\n");
}

beforeEach(async () => {
  await clearKv();
  sandbox = new PayjsSandbox([SANDBOX_MERCHANT]);
  sandbox.setComplaints(mchid, fixtureComplaints(mchid).slice(0, 3));
  receiver = new Receiver();
  routeFetch(sandbox, receiver);
});
afterEach(() => vi.restoreAllMocks());

describe("devices: a sign-in code, claimed once, gives a token of its own", () => {
  it("Should make a 10-minute code of at least 128 bits with its link, for the admin only", async () => {
    const before = Date.now();
    const made = await makeDevice();
    expect(made.code).toMatch(/^[A-Za-z0-9_-]{27}$/); // 160 bits
    expect(made.url).toBe(`${PUBLIC_URL}/#signin=${made.code}`);
    expect(Date.parse(made.expires_at) - before).toBeGreaterThanOrEqual(10 * 60_000 - 1000);
    expect(Date.parse(made.expires_at) - before).toBeLessThanOrEqual(10 * 60_000 + 1000);
    expect((await makeDevice()).code).not.toBe(made.code);

    expect((await post("/api/devices", { name: "x", role: "read" }, READ_TOKEN)).status).toBe(403);
    const bad = await post("/api/devices", { name: "", role: "read" });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: { parameter: string } }>()).error.parameter).toBe("name");
    expect((await post("/api/devices", { name: "x".repeat(41) })).status).toBe(400);
    const role = await post("/api/devices", { name: "x", role: "owner" });
    expect((await role.json<{ error: { parameter: string } }>()).error.parameter).toBe("role");
  });

  it("Should link to the request's own address when PUBLIC_URL is not set", async () => {
    const res = await post("/api/devices", { name: "前台电脑" }, ADMIN_TOKEN, { ...e, PUBLIC_URL: undefined } as unknown as WorkerEnv);
    const made = await res.json<Made>();
    expect(made.url).toBe(`http://worker.test/#signin=${made.code}`);
  });

  it("Should give a read device a token that reads and is refused what needs the admin, and show who it is", async () => {
    const { token, device } = await signedIn("店长手机", "read");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(device).toEqual({ id: expect.any(String), name: "店长手机", role: "read", created_at: expect.any(String) });
    await fireCron(e, Date.now());
    expect((await call(e, "/api/complaints", { token })).status).toBe(200);
    expect((await call(e, "/api/poll", { method: "POST", token })).status).toBe(403);
    const status = await (await call(e, "/api/status", { token })).json<{ viewer: unknown }>();
    expect(status.viewer).toEqual({ role: "read", device: "店长手机" });
    const admin = await (await call(e, "/api/status", { token: ADMIN_TOKEN })).json<{ viewer: unknown }>();
    expect(admin.viewer).toEqual({ role: "admin", device: null });
    const reader = await (await call(e, "/api/status", { token: READ_TOKEN })).json<{ viewer: unknown }>();
    expect(reader.viewer).toEqual({ role: "read", device: null });
  });

  it("Should give an admin device a token that may make more devices", async () => {
    const { token } = await signedIn("老板手机", "admin");
    expect((await post("/api/devices", { name: "店员", role: "read" }, token)).status).toBe(201);
  });

  it("Should take a code once; a used, expired, unknown or malformed code gets one and the same answer", async () => {
    const { code } = await makeDevice();
    expect((await claim(code)).status).toBe(200);
    const answers: unknown[] = [];
    answers.push(await (await claim(code)).json());
    answers.push(await (await claim("A".repeat(27))).json());
    const expiring = await makeDevice("过期", "read");
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(now + 10 * 60_000 + 1000);
    answers.push(await (await claim(expiring.code)).json());
    vi.mocked(Date.now).mockRestore();
    kv.resetCounts();
    const malformed = await claim("not a code");
    expect(malformed.status).toBe(400);
    expect(kv.readKeys.filter((k) => k !== "format")).toEqual([]);
    answers.push(await malformed.json());
    expect(answers).toEqual(answers.map(() => answers[0]));
    expect(answers[0]).toEqual({ error: { code: "bad_code", message: expect.stringMatching(/make a new one/) } });
  });

  it("Should list devices, pending or signed in, with the day last seen, and never a token, a code or a hash", async () => {
    const pending = await makeDevice("未扫码", "read");
    const { token, device } = await signedIn("店长手机", "admin");
    await call(e, "/api/status", { token });
    const body = await (await call(e, "/api/devices", { token: ADMIN_TOKEN })).json<{ devices: Record<string, unknown>[] }>();
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(body.devices).toEqual(
      expect.arrayContaining([
        { id: pending.id, name: "未扫码", role: "read", created_at: expect.any(String), pending: true, last_seen_on: null },
        { id: device.id, name: "店长手机", role: "admin", created_at: expect.any(String), pending: false, last_seen_on: today },
      ]),
    );
    const text = JSON.stringify(body);
    expect(text).not.toContain(token);
    expect(text).not.toContain(pending.code);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect((await call(e, "/api/devices", { token: READ_TOKEN })).status).toBe(403);
  });

  it("Should keep only hashes in KV, log neither code nor token, and note a device seen at most once a day", async () => {
    const log = vi.spyOn(console, "log");
    const { code } = await makeDevice();
    const { token } = await (await claim(code)).json<Claimed>();
    kv.resetCounts();
    for (let i = 0; i < 3; i++) expect((await call(e, "/api/status", { token })).status).toBe(200);
    expect(kv.writes.filter((k) => k.startsWith("device-seen:"))).toHaveLength(1);
    const stored = await everything();
    expect(stored).not.toContain(code);
    expect(stored).not.toContain(token);
    const logged = log.mock.calls.flat().join("\n");
    expect(logged).toContain('"event":"device"');
    expect(logged).not.toContain(code);
    expect(logged).not.toContain(token);
  });

  it("Should refuse a revoked token at once where it was revoked, and within 2 minutes in another isolate", async () => {
    const other = new ProductionKv(env.COMPLAINTS);
    const elsewhere = { ...e, COMPLAINTS: other.kv } as WorkerEnv;
    const { token, device } = await signedIn();
    expect((await call(elsewhere, "/api/status", { token })).status).toBe(200); // that isolate now holds its grant
    expect((await call(e, `/api/devices/${device.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(200);
    const refused = await call(e, "/api/status", { token });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain("invalid_token");
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(now + 2 * 60_000);
    expect((await call(elsewhere, "/api/status", { token })).status).toBe(401);
    vi.mocked(Date.now).mockRestore();
    expect((await call(e, `/api/devices/${device.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(404);
    const list = await (await call(e, "/api/devices", { token: ADMIN_TOKEN })).json<{ devices: unknown[] }>();
    expect(list.devices).toEqual([]);
  });

  it("Should cancel a pending code, and revoke every device at once", async () => {
    const pending = await makeDevice();
    expect((await call(e, `/api/devices/${pending.id}`, { method: "DELETE", token: ADMIN_TOKEN })).status).toBe(200);
    expect((await claim(pending.code)).status).toBe(400);
    const a = await signedIn("甲", "read");
    const b = await signedIn("乙", "admin");
    const c = await makeDevice("丙");
    const res = await call(e, "/api/devices", { method: "DELETE", token: ADMIN_TOKEN });
    expect(await res.json()).toEqual({ revoked: 3 });
    for (const token of [a.token, b.token]) expect((await call(e, "/api/status", { token })).status).toBe(401);
    expect((await claim(c.code)).status).toBe(400);
    // The configured tokens keep working.
    expect((await call(e, "/api/status", { token: READ_TOKEN })).status).toBe(200);
  });

  it("Should tell every channel when a code is claimed: device.added", async () => {
    await signedIn("店长手机", "admin");
    const hook = receiver.to(/hooks\.test/).map((r) => JSON.parse(r.body));
    expect(hook).toEqual([
      { event: "device.added", at: expect.any(String), device: { id: expect.any(String), name: "店长手机", role: "admin" } },
    ]);
    const wecom = receiver.to(/wecom\.test/).map((r) => JSON.parse(r.body).markdown.content as string);
    expect(wecom).toHaveLength(1);
    expect(wecom[0]).toContain("新设备已登录：店长手机（管理员）");
  });
});

describe("view links: an alert's link opens that one complaint, read-only, for 7 days", () => {
  /** The first complaint's id and the key its complaint.new webhook carried. */
  async function alertedKey(): Promise<{ id: string; key: string; link: string }> {
    await fireCron(e, Date.now());
    const message = receiver
      .to(/hooks\.test/)
      .map((r) => JSON.parse(r.body))
      .find((b) => b.event === "complaint.new");
    const link = message.link as string;
    const match = /#\/complaints\/([^/]+)\/([^?]+)\?view=([A-Za-z0-9_-]+)$/.exec(link);
    if (match === null) throw new Error(`no view link in ${link}`);
    expect(decodeURIComponent(match[1] as string)).toBe(mchid);
    return { id: decodeURIComponent(match[2] as string), key: match[3] as string, link };
  }

  it("Should put the key in the link's fragment, and open that complaint without raw, notes or who", async () => {
    const { id, key, link } = await alertedKey();
    expect(link.startsWith(`${PUBLIC_URL}/#/complaints/`)).toBe(true);
    expect(key.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits
    const wecom = receiver.to(/wecom\.test/).map((r) => r.body);
    expect(wecom.some((body) => body.includes(`?view=`))).toBe(true);
    const path = `/api/complaints/${encodeURIComponent(id)}`;
    await call(e, `${path}/replied?mchid=${mchid}`, {
      method: "PUT",
      token: ADMIN_TOKEN,
      body: JSON.stringify({ note: "已电话联系 138****" }),
    });
    const res = await viewing(`${path}?mchid=${mchid}`, key);
    expect(res.status).toBe(200);
    const { complaint } = await res.json<{ complaint: Record<string, unknown> }>();
    expect(complaint.id).toBe(id);
    expect(complaint).not.toHaveProperty("raw");
    expect(complaint.replied).toEqual({ at: expect.any(String) });
    expect(JSON.stringify(complaint)).not.toContain("138****");
  });

  it("Should refuse the key on every other route, on another complaint, without mchid, altered or expired, all alike", async () => {
    const { id, key } = await alertedKey();
    const path = `/api/complaints/${encodeURIComponent(id)}`;
    const other = fixtureComplaints(mchid)
      .slice(0, 3)
      .map((c) => String(c.complaint_id))
      .find((x) => x !== id);
    const refusals = [
      await viewing("/api/complaints", key),
      await viewing(`/api/complaints?mchid=${mchid}`, key),
      await viewing(`/api/complaints.csv?mchid=${mchid}`, key),
      await viewing("/api/status", key),
      await viewing(`${path}/timeline?mchid=${mchid}`, key),
      await viewing(`${path}/order?mchid=${mchid}`, key),
      await viewing(`${path}/replied?mchid=${mchid}`, key, { method: "PUT", body: "{}" }),
      await viewing(`${path}/refund?mchid=${mchid}`, key, { method: "POST", body: '{"total_fee":1}' }),
      await viewing("/api/devices", key),
      await viewing(path, key),
      await viewing(`/api/complaints/${encodeURIComponent(String(other))}?mchid=${mchid}`, key),
      await viewing(`${path}?mchid=${mchid}`, `${key.slice(0, -2)}${key.endsWith("AA") ? "BB" : "AA"}`),
      await viewing(`${path}?mchid=1500000999`, key),
    ];
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(now + 7 * 86_400_000 + 120_000);
    refusals.push(await viewing(`${path}?mchid=${mchid}`, key));
    vi.mocked(Date.now).mockRestore();
    const bodies = await Promise.all(refusals.map(async (r) => `${r.status} ${JSON.stringify(await r.json())}`));
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toMatch(/^401 .*"unauthorized"/);
  });

  it("Should stop every key made before a rotation, for the admin only", async () => {
    const { id, key } = await alertedKey();
    const path = `/api/complaints/${encodeURIComponent(id)}?mchid=${mchid}`;
    expect((await viewing(path, key)).status).toBe(200);
    expect((await call(e, "/api/view-keys/rotate", { method: "POST", token: READ_TOKEN })).status).toBe(403);
    const rotated = await call(e, "/api/view-keys/rotate", { method: "POST", token: ADMIN_TOKEN });
    expect(rotated.status).toBe(200);
    expect((await viewing(path, key)).status).toBe(401);
  });
});
