/**
 * Alerts as processes: the PAYJS sandbox and a local receiver for every channel type on Node HTTP servers,
 * the Worker under a real `wrangler dev`, the cron fired through `/__scheduled`.
 */
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureComplaints } from "../sandbox/fixtures";
import { PayjsSandbox, SANDBOX_MERCHANT } from "../sandbox/payjs-sandbox";
import { type SandboxServer, startSandboxServer } from "../sandbox/server";
import type { NotifyTestBody, StatusBody } from "./support/api";
import { type ReceiverServer, startReceiverServer } from "./support/receiver-server";
import { startWranglerDev, type WranglerDev } from "./support/wrangler-dev";

const ADMIN = "alerts-admin-token";
const SHOP = { mchid: "1500000003", key: "alerts-shop-key-SECRET" };
const HOOK_SECRET = "hook-secret-SECRET";
const DING_SECRET = "SECding-secret";
const complaint = {
  complaint_id: "AL-1",
  complaint_at: "2026-11-27 09:30:00",
  out_trade_no: "SO-AL-1",
  order_id: "2026112709300000001",
  total_fee: 2990,
  body: "商品未收到，要求退款",
};

const PUSHPLUS_TOKEN = "PUSHPLUSSECRET0123456789";
const WXPUSHER_TOKEN = "AT_WXPUSHERSECRET0123";

/**
 * PushPlus (`/send`, `code` 200) and WxPusher (`/api/send/message`, `code` 1000) on a server of their own,
 * answering each platform's documented success; anything else is a 404.
 */
async function startPusherServer() {
  const received: { path: string; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://pusher").pathname;
      received.push({ path, body: Buffer.concat(chunks).toString("utf8") });
      const answer =
        path === "/send"
          ? { code: 200, msg: "请求成功", data: "0a1b2c3d" }
          : path === "/api/send/message"
            ? { code: 1000, msg: "处理成功", data: [], success: true }
            : null;
      if (answer === null) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Whether a request is "监控已启动" (`watcher.started`), however its platform encodes the body (a form, JSON). */
function isStarted(body: string): boolean {
  let text = body;
  try {
    text = decodeURIComponent(body.replace(/\+/g, " "));
  } catch {
    // Not URL-encoded: read as it is.
  }
  return text.includes("监控已启动") || text.includes('"watcher.started"');
}

describe("alerts end to end: sandbox → wrangler dev → every channel type", () => {
  let sandbox: SandboxServer;
  let receiver: ReceiverServer;
  let pushers: Awaited<ReturnType<typeof startPusherServer>>;
  let worker: WranglerDev;

  beforeAll(async () => {
    sandbox = await startSandboxServer({
      port: 0,
      sandbox: new PayjsSandbox([SANDBOX_MERCHANT, SHOP], {
        [SANDBOX_MERCHANT.mchid]: fixtureComplaints(SANDBOX_MERCHANT.mchid),
        [SHOP.mchid]: [complaint],
      }),
    });
    receiver = await startReceiverServer();
    pushers = await startPusherServer();
    const r = receiver.url;
    const only = { merchants: [SHOP.mchid] };
    const channels = [
      { type: "webhook", url: `${r}/hook`, secret: HOOK_SECRET, ...only },
      { type: "wecom", url: `${r}/wecom?key=WECOM-SECRET`, ...only },
      { type: "dingtalk", url: `${r}/dingtalk?access_token=DING-SECRET`, secret: DING_SECRET, ...only },
      { type: "feishu", url: `${r}/feishu/hook`, secret: "feishu-secret", ...only },
      { type: "slack", url: `${r}/slack`, ...only },
      { type: "telegram", bot_token: "123456:TELEGRAM-SECRET", chat_id: "42", api_base: r, ...only },
      { type: "serverchan", sendkey: "SCTSECRET123", api_base: r, ...only },
      { type: "bark", device_key: "BARKSECRET", server: r, ...only },
      { type: "pushplus", token: PUSHPLUS_TOKEN, api_base: pushers.url, ...only },
      { type: "wxpusher", app_token: WXPUSHER_TOKEN, uids: ["UID_owner"], api_base: pushers.url, ...only },
    ];
    worker = await startWranglerDev({
      vars: { PAYJS_API_BASE: `${sandbox.url}/api`, PUBLIC_URL: "https://watch.example", ADMIN_TOKEN: ADMIN },
      secrets: {
        PAYJS_MCHID: SANDBOX_MERCHANT.mchid,
        PAYJS_KEY: SANDBOX_MERCHANT.key,
        PAYJS_MERCHANTS: JSON.stringify([{ ...SHOP, name: "演示店" }]),
        NOTIFY_CHANNELS: JSON.stringify(channels),
      },
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await sandbox?.close();
    await receiver?.close();
    await pushers?.close();
  });

  it("Should send one message per channel for the new complaint, and only for the filtered merchant", async () => {
    expect((await fetch(`${worker.url}/__scheduled?cron=*/10+*+*+*+*`)).status).toBe(200);
    const paths = [
      "/bot123456:TELEGRAM-SECRET/sendMessage",
      "/dingtalk",
      "/feishu/hook",
      "/hook",
      "/push",
      "/SCTSECRET123.send",
      "/slack",
      "/wecom",
    ].sort();
    // The first tick after the settings changed: "监控已启动" first on every channel, then the complaint.
    const started = receiver.received.filter((r) => isStarted(r.body));
    const told = receiver.received.filter((r) => !isStarted(r.body));
    expect(started.map((r) => r.path).sort()).toEqual(paths);
    expect(told.map((r) => r.path).sort()).toEqual(paths);
    for (const path of paths) {
      expect(receiver.received.findIndex((r) => r.path === path)).toBe(receiver.received.indexOf(started.find((r) => r.path === path)!));
    }
    expect(JSON.parse(started.find((r) => r.path === "/hook")!.body)).toMatchObject({
      event: "watcher.started",
      merchants: [{ mchid: SHOP.mchid, name: "演示店", ok: true, complaints_active: 1 }],
    });

    const hook = told.find((r) => r.path === "/hook")!;
    expect(hook.headers["x-signature"]).toBe(`sha256=${createHmac("sha256", HOOK_SECRET).update(hook.body).digest("hex")}`);
    expect(JSON.parse(hook.body)).toMatchObject({ event: "complaint.new", complaint: { id: "AL-1", mchid: SHOP.mchid, raw: complaint } });

    const ding = told.find((r) => r.path === "/dingtalk")!;
    const timestamp = ding.query.get("timestamp")!;
    expect(ding.query.get("access_token")).toBe("DING-SECRET");
    expect(ding.query.get("sign")).toBe(createHmac("sha256", DING_SECRET).update(`${timestamp}\n${DING_SECRET}`).digest("base64"));
    expect(Math.abs(Number(timestamp) - Date.now())).toBeLessThan(120_000);

    const wecom = JSON.parse(told.find((r) => r.path === "/wecom")!.body);
    expect(wecom.markdown.content).toContain("演示店");
    expect(wecom.markdown.content).toContain("29.90");
    expect(wecom.markdown.content).toContain("2026-11-27 09:30:00");
    expect(wecom.markdown.content).toContain(`https://watch.example/#/complaints/${SHOP.mchid}/AL-1`);

    const pushed = pushers.received.filter((r) => !isStarted(r.body));
    expect(
      pushers.received
        .filter((r) => isStarted(r.body))
        .map((r) => r.path)
        .sort(),
    ).toEqual(["/api/send/message", "/send"]);
    expect(pushed.map((r) => r.path).sort()).toEqual(["/api/send/message", "/send"]);
    const pushplus = JSON.parse(pushed.find((r) => r.path === "/send")!.body);
    // Made on 27 November: its reply deadline has passed by the time this runs, and the first line says so.
    expect(pushplus).toMatchObject({
      token: PUSHPLUS_TOKEN,
      title: expect.stringMatching(/^新投诉：已超过回复期限 /),
      template: "markdown",
    });
    expect(pushplus.content).toContain("演示店");
    expect(pushplus.content).toContain("2026-11-27 09:30:00");
    expect(pushplus.content).toContain(`https://watch.example/#/complaints/${SHOP.mchid}/AL-1`);
    const wxpusher = JSON.parse(pushed.find((r) => r.path === "/api/send/message")!.body);
    expect(wxpusher).toMatchObject({
      appToken: WXPUSHER_TOKEN,
      summary: expect.stringMatching(/^新投诉：已超过回复期限 /),
      contentType: 3,
      uids: ["UID_owner"],
      topicIds: [],
      // WeChat opens it: the complaint's view link, read-only without signing in.
      url: expect.stringMatching(new RegExp(`^https://watch\\.example/#/complaints/${SHOP.mchid}/AL-1\\?view=[A-Za-z0-9_-]{32}$`)),
    });
    expect(wxpusher.content).toContain("29.90");
  });

  it("Should report every channel as delivered in /api/status", async () => {
    const status = (await (
      await fetch(`${worker.url}/api/status`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).json()) as StatusBody;
    expect(status.channels).toHaveLength(10);
    for (const channel of status.channels) {
      expect(channel).toMatchObject({ last_delivery_at: expect.any(String), last_error: null, pending: 0, given_up: 0 });
    }
  });

  it("Should send a test through each channel on POST /api/notify/test", async () => {
    receiver.received.length = 0;
    pushers.received.length = 0;
    const res = await fetch(`${worker.url}/api/notify/test`, { method: "POST", headers: { authorization: `Bearer ${ADMIN}` } });
    const body = (await res.json()) as NotifyTestBody;
    expect(res.status).toBe(200);
    expect(body.results.map((r) => [r.type, r.ok])).toEqual(
      ["webhook", "wecom", "dingtalk", "feishu", "slack", "telegram", "serverchan", "bark", "pushplus", "wxpusher"].map((t) => [t, true]),
    );
    expect(receiver.received).toHaveLength(8);
    expect(pushers.received.map((r) => r.path).sort()).toEqual(["/api/send/message", "/send"]);
  });

  it("Should never show a channel secret in wrangler's output", () => {
    for (const secret of [
      "WECOM-SECRET",
      "DING-SECRET",
      "TELEGRAM-SECRET",
      "SCTSECRET123",
      "BARKSECRET",
      PUSHPLUS_TOKEN,
      "WXPUSHERSECRET",
      HOOK_SECRET,
      SHOP.key,
    ]) {
      expect(worker.output()).not.toContain(secret);
    }
  });
});
