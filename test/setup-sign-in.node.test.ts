/**
 * The sign-in QR code `npm run setup` prints for a first admin device (test/support/setup-run.ts runs setup with
 * the stand-in wrangler). The deployed Worker is on Cloudflare, out of reach here, so `SETUP_WORKER_URL` points
 * setup at a local server that answers `POST /api/devices` as the contract's route does (201 with a link), or
 * fails as a blocked or not yet deployed address would. Also the request itself (scripts/setup/sign-in-link.ts)
 * against a server that never answers, and one whose 201 holds no link.
 */

import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { encode } from "uqr";
import { afterEach, describe, expect, it } from "vitest";
import { messagesFor } from "../scripts/i18n";
import { QUIET_ZONE, qrLines } from "../scripts/setup/qr-terminal";
import { doneReport } from "../scripts/setup/report";
import { createSignInLink, SignInLinkError } from "../scripts/setup/sign-in-link";
import { englishSentences } from "./support/english-check";
import { count, expectNoKeys, secretsOf, setup, single, useSetupRuns, WORKERS_DEV } from "./support/setup-run";

useSetupRuns();

interface Received {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

interface DevicesServer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

type Answer = (body: string) => { status: number; json: unknown } | "never";

const servers: DevicesServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => resolve(body));
  });
}

/** The deployed Worker's stand-in: records each request and answers as told (`never`: holds it open). */
async function devicesServer(answer: Answer): Promise<DevicesServer> {
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    received.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization, body });
    const reply = answer(body);
    if (reply === "never") return;
    res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.json));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const stop = { url: `http://127.0.0.1:${port}`, received, close: () => closeServer(server) };
  servers.push(stop);
  return stop;
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const CODE = "Zq3xY8wV1uT6sR0pO9nM2l";
const EXPIRES_AT = "2026-05-01T08:40:12.345Z";
const LINK = `${WORKERS_DEV}/#signin=${CODE}`;

/** The route's 201, as the contract gives it. */
const created: Answer = () => ({ status: 201, json: { id: "dev_1", code: CODE, expires_at: EXPIRES_AT, url: LINK } });

/** The rows of background-coloured modules in `text`, read back as a grid (`true`: dark). */
function qrGrid(text: string): boolean[][] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the QR rows are ANSI colour codes and spaces.
  const rows = text.split("\n").filter((line) => /^(\u001b\[4[07]m {2})+\u001b\[0m$/.test(line));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
  return rows.map((row) => [...row.matchAll(/\u001b\[4([07])m {2}/g)].map((m) => m[1] === "0"));
}

describe("npm run setup: a sign-in QR code for a first admin device", () => {
  it("asks the Worker with the admin token for an admin device, prints the code, the link and its end; exit 0", async () => {
    const worker = await devicesServer(created);
    const run = await setup({ env: single({ SETUP_WORKER_URL: worker.url }) });
    expect(run.code, run.all).toBe(0);
    const admin = secretsOf(run.calls[0]).ADMIN_TOKEN as string;
    expect(worker.received).toHaveLength(1);
    const [request] = worker.received;
    expect(request).toMatchObject({ method: "POST", path: "/api/devices", authorization: `Bearer ${admin}` });
    expect(JSON.parse(request?.body ?? "")).toEqual({ name: "Admin phone", role: "admin" });

    expect(qrGrid(run.stdout)).toEqual(encode(LINK, { border: QUIET_ZONE }).data);
    expect(run.stdout).toContain("Sign in on your phone: scan this code with WeChat");
    expect(run.stdout).toContain(`  Link: ${LINK}\n`);
    const local = new Date(EXPIRES_AT);
    const hhmm = `${String(local.getHours()).padStart(2, "0")}:${String(local.getMinutes()).padStart(2, "0")}`;
    expect(run.stdout).toContain(`It works once, until ${hhmm} (this computer's time)`);
    // The code is in the link's line only; the admin token still once, in its own line.
    expect(count(run.all, CODE)).toBe(1);
    expect(count(run.all, admin)).toBe(1);
    expect(readFileSync(join(run.dir, ".wrangler", "setup.json"), "utf8")).not.toContain(CODE);
    expect(run.stdout).not.toContain("Setup could not get a sign-in code");
    // The last lines are still when the first alert comes.
    expect(run.stdout.trimEnd().split("\n").at(-1)).toContain("Alerts arrive even where *.workers.dev cannot be opened");
    expectNoKeys(run);
  });

  it("in Chinese: the device is 管理员手机, the end in Beijing time, no English sentence", async () => {
    const worker = await devicesServer(created);
    const run = await setup({ env: single({ SETUP_WORKER_URL: worker.url, LANG: "zh_CN.UTF-8" }) });
    expect(run.code, run.all).toBe(0);
    expect(JSON.parse(worker.received[0]?.body ?? "")).toEqual({ name: "管理员手机", role: "admin" });
    expect(qrGrid(run.stdout)).toEqual(encode(LINK, { border: QUIET_ZONE }).data);
    expect(run.stdout).toContain("用微信「扫一扫」扫下面的二维码");
    expect(run.stdout).toContain(`  链接：${LINK}\n`);
    expect(run.stdout).toContain("只能用一次，16:40（北京时间）前有效");
    expect(englishSentences(run.all)).toEqual([]);
  });

  it("the routes not deployed (404): no code, how to get one from the dashboard instead; exit 0", async () => {
    const worker = await devicesServer(() => ({ status: 404, json: { error: "not_found" } }));
    const run = await setup({ env: single({ SETUP_WORKER_URL: worker.url }) });
    expect(run.code, run.all).toBe(0);
    expect(worker.received).toHaveLength(1);
    expect(qrGrid(run.stdout)).toEqual([]);
    expect(run.stdout).toContain("Setup could not get a sign-in code from the Worker (it answered HTTP 404)");
    expect(run.stdout).toContain("open the dashboard on this computer, sign in with the admin token, choose Add device (添加设备)");
    expect(run.stdout).not.toContain("#signin=");
    expect(run.stdout.trimEnd().split("\n").at(-1)).toContain("Alerts arrive even where *.workers.dev cannot be opened");
  });

  it("the address unreachable (nothing listens), in Chinese: the dashboard's way; exit 0", async () => {
    const run = await setup({ env: single({ LANG: "zh_CN.UTF-8" }) });
    expect(run.code, run.all).toBe(0);
    expect(qrGrid(run.stdout)).toEqual([]);
    expect(run.stdout).toContain("没能从 Worker 拿到登录码（连不上：连接被拒绝：这个地址和端口上没有服务（ECONNREFUSED））");
    expect(run.stdout).toContain("在电脑上打开看板，用管理令牌登录，点「添加设备」，再用微信扫一扫它显示的二维码。");
  });

  it("no address from wrangler: nothing is asked, the dashboard's way is given", async () => {
    const worker = await devicesServer(created);
    const run = await setup({ env: single({ SETUP_WORKER_URL: worker.url, STAND_IN_TARGETS: "none" }) });
    // PUBLIC_URL cannot be set without an address: setup says so and ends with 1 (setup-command tests that).
    expect(run.code, run.all).toBe(1);
    expect(worker.received).toEqual([]);
    expect(run.stdout).toContain("To sign in on your phone: open the dashboard on this computer");
  });
});

describe("the sign-in link request", () => {
  it("gives up after its timeout when the Worker never answers", async () => {
    const worker = await devicesServer(() => "never");
    const started = Date.now();
    const error = await createSignInLink(worker.url, "t".repeat(43), "Admin phone", 300).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInLinkError);
    expect(error).toMatchObject({ code: "timeout", detail: "300" });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(worker.received).toHaveLength(1);
  });

  it("a 201 without a sign-in link is no link; a 401 names its status; the body is never in the error", async () => {
    const empty = await devicesServer(() => ({ status: 201, json: { id: "dev_1", code: CODE, expires_at: EXPIRES_AT } }));
    await expect(createSignInLink(empty.url, "t".repeat(43), "x", 2_000)).rejects.toMatchObject({ code: "bad_answer" });
    const refused = await devicesServer(() => ({ status: 401, json: { error: "unauthorized", code: CODE } }));
    const error = await createSignInLink(refused.url, "t".repeat(43), "x", 2_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "http", detail: "401" });
    expect(String((error as Error).message)).not.toContain(CODE);
  });

  it("answers the link and its end from a 201", async () => {
    const worker = await devicesServer(created);
    await expect(createSignInLink(`${worker.url}`, "t".repeat(43), "x", 2_000)).resolves.toEqual({ url: LINK, expiresAt: EXPIRES_AT });
  });
});

describe("the final block's sign-in part", () => {
  const tokens = { read: "R".repeat(43), admin: "A".repeat(43), generated: [] };
  const done = { address: null, tokens, kept: [], replaced: null, workerName: "w", publicUrl: null, keepDomain: null, channels: true };
  const link = { url: LINK, expiresAt: EXPIRES_AT };
  const en = messagesFor("en");

  it("warns when the terminal is narrower than the code, and only then", () => {
    const { columns } = qrLines(LINK);
    const narrow = `The code needs a window ${columns} columns wide`;
    expect(doneReport({ ...done, signIn: link, columns: columns - 1 }, en)).toContain(narrow);
    expect(doneReport({ ...done, signIn: link, columns }, en)).not.toContain(narrow);
    expect(doneReport({ ...done, signIn: link, columns: null }, en)).not.toContain(narrow);
  });

  it("a timeout is said in seconds", () => {
    const text = doneReport({ ...done, signIn: new SignInLinkError("timeout", "5000"), columns: null }, en);
    expect(text).toContain("Setup could not get a sign-in code from the Worker (no answer within 5 s)");
  });
});
