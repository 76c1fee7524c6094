/**
 * WeCom's group robot, PushPlus and WxPusher as one local HTTP server, for `npm run setup`'s test messages: each
 * answers its documented success, or its documented refusal when the secret it was sent begins with `bad`
 * (a robot key `bad…`, a token `bad…`, an appToken `AT_bad…`). Every request is recorded.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface PlatformRequest {
  path: string;
  query: URLSearchParams;
  body: string;
}

export interface ChannelPlatforms {
  url: string;
  /** A WeCom robot's webhook address on this server. */
  wecomUrl(key: string): string;
  received: PlatformRequest[];
  close(): Promise<void>;
}

/** The platforms' refusals, as they word them. */
export const REFUSALS = {
  wecom: { errcode: 93000, errmsg: "invalid webhook url, hint: [1717000000000000000]" },
  pushplus: { code: 903, msg: "无效的用户token" },
  wxpusher: { code: 1001, msg: "appToken不正确" },
};

function jsonBody(body: string): Record<string, unknown> {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function answer(request: PlatformRequest): [status: number, body: unknown] {
  const json = jsonBody(request.body);
  const bad = (value: unknown, prefix: string): boolean => typeof value === "string" && value.startsWith(prefix);
  if (request.path === "/cgi-bin/webhook/send") {
    return [200, bad(request.query.get("key"), "bad") ? REFUSALS.wecom : { errcode: 0, errmsg: "ok" }];
  }
  if (request.path === "/send") return [200, bad(json.token, "bad") ? REFUSALS.pushplus : { code: 200, msg: "请求成功", data: "m1" }];
  if (request.path === "/api/send/message") {
    return [200, bad(json.appToken, "AT_bad") ? REFUSALS.wxpusher : { code: 1000, msg: "处理成功", data: [{ code: 1000 }] }];
  }
  return [404, { error: "not found" }];
}

export async function startChannelPlatforms(): Promise<ChannelPlatforms> {
  const received: PlatformRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://platforms");
      const request = { path: url.pathname, query: url.searchParams, body: Buffer.concat(chunks).toString("utf8") };
      received.push(request);
      const [status, body] = answer(request);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    wecomUrl: (key) => `${base}/cgi-bin/webhook/send?key=${key}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
