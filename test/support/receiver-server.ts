/**
 * The chat platforms and a webhook receiver as one local HTTP server, for process-level tests: records
 * every request and answers each platform's documented success.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ReceiverServer {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

function answer(path: string): { type: string; body: string } {
  const json = (v: unknown) => ({ type: "application/json", body: JSON.stringify(v) });
  if (path.startsWith("/wecom") || path.startsWith("/dingtalk")) return json({ errcode: 0, errmsg: "ok" });
  if (path.startsWith("/feishu")) return json({ code: 0, msg: "success" });
  if (/^\/bot[^/]+\/sendMessage$/.test(path)) return json({ ok: true, result: {} });
  if (path.endsWith(".send")) return json({ code: 0, message: "" });
  if (path === "/push") return json({ code: 200, message: "success" });
  return { type: "text/plain", body: "ok" };
}

export async function startReceiverServer(): Promise<ReceiverServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      received.push({
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const { type, body } = answer(url.pathname);
      res.writeHead(200, { "content-type": type }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
